package dev.unlearn.methods.npo;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.StableMath;

/**
 * NPO forget loss (methods.md §3) [REF OU {@code src/trainer/unlearn/npo.py} + {@code compute_dpo_loss};
 * NPO-repo {@code TOFU/dataloader.py}].
 *
 * <pre>
 *   r_i      = NLL_sum^θ(x_i,y_i) − NLL_sum^ref(x_i,y_i)                    (sequence sums over A)
 *   L_forget = −(2/β) · (1/B) · Σ_i log σ(β · r_i)                          (= (2/β)·E[log(1 + (π_θ/π_ref)^β)])
 *   ∂L_forget/∂NLL_sum^θ_i = −(2/B)·σ(−β r_i)
 * </pre>
 *
 * At {@code θ = ref} the value is {@code (2/β)·log 2} and NPO starts as gradient ascent on the summed
 * NLL. {@code log σ} goes through the stable softplus. Samples without targets are skipped (weight 0,
 * excluded from B). Paper: Zhang et al., "Negative Preference Optimization: From Catastrophic Collapse
 * to Effective Unlearning", <a href="https://arxiv.org/abs/2404.05868">arXiv:2404.05868</a>.
 */
public final class NegativePreference {
    private NegativePreference() {}

    /** {@code L_forget} from per-sample sums {@code [B]} (all samples valid). */
    public static NDArray forgetLoss(NDArray nllTheta, NDArray nllRef, double beta) {
        return forgetLoss(nllTheta, nllRef, null, beta);
    }

    /**
     * {@code L_forget} over the valid samples.
     *
     * @param valid 1/0 per sample in the sums' float type, or null when all are valid
     */
    public static NDArray forgetLoss(NDArray nllTheta, NDArray nllRef, NDArray valid, double beta) {
        NDArray r = nllTheta.sub(nllRef);
        NDArray terms = StableMath.logSigmoid(Scalars.mul(r, beta));
        NDArray mean = valid == null ? terms.mean() : terms.mul(valid).sum().div(valid.sum());
        return Scalars.mul(mean, -2.0 / beta);
    }

    /** Per-sample terms {@code −(2/β)·log σ(β r_i)}, {@code [B]} (for reports and stability checks). */
    public static NDArray perSample(NDArray nllTheta, NDArray nllRef, double beta) {
        return Scalars.mul(StableMath.logSigmoid(Scalars.mul(nllTheta.sub(nllRef), beta)), -2.0 / beta);
    }
}
