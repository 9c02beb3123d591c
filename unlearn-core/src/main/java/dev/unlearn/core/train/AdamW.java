package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.TorchKernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AdamW (Loshchilov &amp; Hutter, arXiv 1711.05101) exactly as {@code torch.optim.AdamW} updates:
 * <pre>
 *   p ← p · (1 − lr·wd)                      (decoupled decay, only where the filter allows)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 * Parameters are updated in place; the moments live in the manager given to the constructor (the
 * loop's manager), temporaries in the caller's scratch manager.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Predicate<String> decay;
    final Map<String, NDArray> m = new LinkedHashMap<>();
    final Map<String, NDArray> v = new LinkedHashMap<>();
    long t;

    /**
     * Zero moments for {@code params} in {@code state}; {@code decay} says which parameters (by name) take
     * weight decay. The training loop builds one per run; benchmarks build their own.
     */
    public AdamW(NDManager state, Map<String, NDArray> params, double beta1, double beta2, double eps, double weightDecay,
            Predicate<String> decay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decay = decay;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            m.put(e.getKey(), state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.put(e.getKey(), state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    /**
     * One update with learning rate {@code lr}; {@code grads} live in {@code scratch}. Runs libtorch's fused
     * AdamW kernel ({@link TorchKernels#adamw}) once for the parameters that take weight decay and once for
     * the others: one pass over each tensor in place of a dozen elementary ops.
     */
    public void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, NDManager scratch) {
        t++;
        List<List<NDArray>> decayed = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<NDArray>> plain = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        NDArray first = null;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            List<List<NDArray>> group = weightDecay > 0 && decay.test(name) ? decayed : plain;
            group.get(0).add(e.getValue());
            group.get(1).add(grads.get(name));
            group.get(2).add(m.get(name));
            group.get(3).add(v.get(name));
            first = first == null ? e.getValue() : first;
        }
        if (first == null) {
            return;
        }
        NDArray step = scratch(Scalars.of(first, t), scratch);
        TorchKernels.adamw(decayed.get(0), decayed.get(1), decayed.get(2), decayed.get(3), step, lr, beta1, beta2,
                weightDecay, eps);
        TorchKernels.adamw(plain.get(0), plain.get(1), plain.get(2), plain.get(3), step, lr, beta1, beta2, 0, eps);
    }

    private static NDArray scratch(NDArray x, NDManager s) {
        x.attach(s);
        return x;
    }
}
