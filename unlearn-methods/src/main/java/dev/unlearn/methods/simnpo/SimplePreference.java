package dev.unlearn.methods.simnpo;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.StableMath;

/**
 * SimNPO forget loss (methods.md §4) [REF OU {@code src/trainer/unlearn/simnpo.py}; SimNPO-repo
 * {@code TOFU/dataloader.py}]: NPO with the length-normalised likelihood as reward, no reference model.
 *
 * <pre>
 *   m_i      = NLL_sum^θ(x_i,y_i) / |A_i| − δ
 *   L_forget = −(2/β) · (1/B) · Σ_i log σ(β · m_i)
 * </pre>
 *
 * δ is subtracted before multiplying by β as in both codes (the paper may place it outside β:
 * UNCONFIRMED; equal for δ = 0). Samples with {@code |A_i| = 0} are skipped. Paper: Fan et al.,
 * "Simplicity Prevails: Rethinking Negative Preference Optimization for LLM Unlearning",
 * <a href="https://arxiv.org/abs/2410.07163">arXiv:2410.07163</a>.
 */
public final class SimplePreference {
    private SimplePreference() {}

    /**
     * {@code L_forget} from per-sample {@code NLL_sum} and {@code |A|}, both {@code [B]}; samples with
     * {@code |A| = 0} are excluded from the mean.
     */
    public static NDArray forgetLoss(NDArray nllSum, NDArray lengths, double beta, double delta) {
        NDArray valid = lengths.gt(0).toType(nllSum.getDataType(), false);
        NDArray safeLen = Scalars.maximum(lengths.toType(nllSum.getDataType(), false), 1);
        NDArray margin = Scalars.add(nllSum.div(safeLen), -delta);
        NDArray terms = StableMath.logSigmoid(Scalars.mul(margin, beta)).mul(valid);
        return Scalars.mul(terms.sum().div(valid.sum()), -2.0 / beta);
    }
}
