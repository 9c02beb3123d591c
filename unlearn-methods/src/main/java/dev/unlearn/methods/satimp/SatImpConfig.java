package dev.unlearn.methods.satimp;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;

/**
 * Keys of {@code satimp} (docs/methods-parity.md §P5; OU {@code configs/trainer/SatImp.yaml}).
 *
 * <pre>
 *   w_t = sg(p_t)^β1 · (1 − sg(p_t))^β2,   p_t = exp(ℓ_t)                 (sg: detached)
 *   L_f = − Σ_{t∈A} w_t · NLL_t / |A|      (pooled over the batch)
 *   L   = γ · L_f + α · L_retain
 * </pre>
 *
 * Paper: Yang et al., "Exploring Criteria of Loss Reweighting to Enhance LLM Unlearning" (ICML 2025),
 * <a href="https://arxiv.org/abs/2505.11953">arXiv:2505.11953</a>.
 *
 * @param beta1 saturation exponent β1, default 5.0, ≥ 0
 * @param beta2 importance exponent β2, default 1.0, ≥ 0
 * @param gamma forget weight γ, default 0.1 (OU SatImp.yaml; the Python class default is 1.0)
 * @param alpha retain weight α, default 1.0 (OU SatImp.yaml; the Python class default is 0.1)
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}, for KL only
 */
public record SatImpConfig(double beta1, double beta2, double gamma, double alpha, RetainLossType retainLossType,
        LossPositions klPositions) implements TwoTermConfig {
    public SatImpConfig {
        ConfigChecks.nonNegative("beta1", beta1);
        ConfigChecks.nonNegative("beta2", beta2);
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    public static SatImpConfig defaults() {
        return new SatImpConfig(5.0, 1.0, 0.1, 1.0, RetainLossType.NLL, LossPositions.ALL);
    }
}
