package dev.unlearn.methods.dpo;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.StableMath;

/**
 * The DPO preference term (docs/methods-parity.md §P1) [REF OU {@code compute_dpo_loss} with
 * {@code win_inputs} = alternate (template) answers, {@code lose_inputs} = forget answers].
 *
 * <pre>
 *   w_i = NLL_sum^ref(x_i, y_w,i) − NLL_sum^θ(x_i, y_w,i)        (log-ratio of the preferred answer)
 *   l_i = NLL_sum^ref(x_i, y_l,i) − NLL_sum^θ(x_i, y_l,i)        (log-ratio of the forget answer)
 *   L_DPO = −(2/β) · (1/B) · Σ_i log σ(β · (w_i − l_i))
 * </pre>
 *
 * At {@code θ = ref} it is {@code (2/β)·log 2}. The factor {@code 2/β} is OU's (shared with its NPO); the
 * DPO paper and TOFU's legacy {@code dpo} use {@code −log σ(·)} without it, which only rescales the
 * gradient by {@code 2/β} (with β = 0.1: 20×). {@code log σ} goes through the stable softplus.
 */
public final class PreferenceLoss {
    private PreferenceLoss() {}

    /** {@code L_DPO} from per-sample sums {@code [B]}: preferred (win) and rejected (forget) answers. */
    public static NDArray loss(NDArray winTheta, NDArray winRef, NDArray loseTheta, NDArray loseRef, double beta) {
        NDArray margin = winRef.sub(winTheta).sub(loseRef.sub(loseTheta));
        return Scalars.mul(StableMath.logSigmoid(Scalars.mul(margin, beta)).mean(), -2.0 / beta);
    }
}
