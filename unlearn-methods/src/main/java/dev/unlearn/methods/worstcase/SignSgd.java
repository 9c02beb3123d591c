package dev.unlearn.methods.worstcase;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import java.util.Map;

/**
 * The lower-level optimiser of the worst-case search [REF WC-repo]: {@code θ ← θ − η · sign(∇θ)}
 * (the momentum and weight decay given to the reference's constructor are unused by its sign step).
 * Its unrolled trajectory has zero derivative in w, which is why the upper level may drop the implicit
 * gradient (methods.md §10.1).
 */
public final class SignSgd {
    private SignSgd() {}

    /**
     * One in-place step on every parameter that has a gradient; gradients are left as they are (the
     * caller zeroes them before the next backward). The gradient handles it opens are closed again, so
     * nothing is left in the parameters' manager.
     */
    public static void step(Map<String, NDArray> parameters, double lr) {
        for (NDArray p : parameters.values()) {
            NDArray g;
            try {
                g = p.getGradient();
            } catch (IllegalStateException noGradient) {
                continue;
            }
            boolean req = p.hasGradient();
            if (req) {
                p.setRequiresGradient(false);
            }
            try (g; NDArray s = g.sign(); NDArray d = Scalars.mul(s, lr)) {
                p.subi(d);
            }
            if (req) {
                p.setRequiresGradient(true);
            }
        }
    }

    /**
     * Sets every parameter's gradient to zero (a gradient collector adds to existing gradients). The
     * gradient handles are moved to {@code scratch} before the write, so the handles and the temporaries
     * the indexed write creates are freed with it, not left in the parameters' manager.
     */
    public static void zeroGradients(Map<String, NDArray> parameters, ai.djl.ndarray.NDManager scratch) {
        for (NDArray p : parameters.values()) {
            if (!p.hasGradient()) {
                continue;
            }
            NDArray g;
            try {
                g = p.getGradient();
            } catch (IllegalStateException noGradient) {
                continue; // requires a gradient but none was computed yet: nothing to zero
            }
            g.attach(scratch);
            g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
        }
    }
}
