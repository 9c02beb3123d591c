package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import java.util.LinkedHashMap;
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

    AdamW(NDManager state, Map<String, NDArray> params, double beta1, double beta2, double eps, double weightDecay,
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

    /** One update with learning rate {@code lr}; {@code grads} live in {@code scratch}. */
    void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr, NDManager scratch) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = grads.get(name);
            NDArray mm = m.get(name);
            NDArray vv = v.get(name);
            if (weightDecay > 0 && decay.test(name)) {
                p.muli(1 - lr * weightDecay);
            }
            mm.muli(beta1).addi(Scalars.mul(g, 1 - beta1));
            vv.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denom = scratch(vv.sqrt(), scratch).divi(bc2sqrt).addi(eps);
            NDArray step = scratch(mm.div(denom), scratch).muli(lr / bc1);
            p.subi(step);
        }
    }

    private static NDArray scratch(NDArray x, NDManager s) {
        x.attach(s);
        return x;
    }
}
