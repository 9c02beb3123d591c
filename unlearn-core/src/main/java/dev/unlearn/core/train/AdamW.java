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
        Group decayed = new Group();
        Group plain = new Group();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            (weightDecay > 0 && decay.test(name) ? decayed : plain).add(e.getValue(), grads.get(name), m.get(name),
                    v.get(name));
        }
        if (params.isEmpty()) {
            return;
        }
        NDArray step = scratch(Scalars.of(params.values().iterator().next(), t), scratch);
        decayed.update(step, lr, weightDecay);
        plain.update(step, lr, 0);
    }

    /** The tensors of one weight-decay group, in the same order in each list. */
    private final class Group {
        final List<NDArray> params = new ArrayList<>();
        final List<NDArray> grads = new ArrayList<>();
        final List<NDArray> expAvgs = new ArrayList<>();
        final List<NDArray> expAvgSqs = new ArrayList<>();

        void add(NDArray p, NDArray g, NDArray mm, NDArray vv) {
            params.add(p);
            grads.add(g);
            expAvgs.add(mm);
            expAvgSqs.add(vv);
        }

        void update(NDArray step, double lr, double wd) {
            TorchKernels.adamw(params, grads, expAvgs, expAvgSqs, step, lr, beta1, beta2, wd, eps);
        }
    }

    private static NDArray scratch(NDArray x, NDManager s) {
        x.attach(s);
        return x;
    }
}
