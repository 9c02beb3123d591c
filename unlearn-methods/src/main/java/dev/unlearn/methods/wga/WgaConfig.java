package dev.unlearn.methods.wga;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;

/**
 * Keys of {@code wga} (docs/methods-parity.md §P6; OU {@code configs/trainer/WGA.yaml}).
 *
 * <pre>
 *   w_t = sg(p_t)^β,  p_t = exp(ℓ_t);   L_f = − Σ_{t∈A} w_t · NLL_t / |A|  (pooled);   L = γ·L_f + α·L_retain
 * </pre>
 *
 * β = 0 is gradient ascent on {@code NLL_pool} ({@code ga}, with a retain term: {@code graddiff}). Paper:
 * Wang et al., "Rethinking LLM Unlearning Objectives: A Gradient Perspective and Go Beyond" (ICLR 2025),
 * <a href="https://arxiv.org/abs/2502.19301">arXiv:2502.19301</a>, where the exponent is called α; OU
 * and we call it {@code beta} because {@code alpha} is the retain weight.
 *
 * @param beta exponent of the weight, default 1.0, ≥ 0
 * @param gamma forget weight γ, default 1.0
 * @param alpha retain weight α, default 1.0
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}, for KL only
 */
public record WgaConfig(double beta, double gamma, double alpha, RetainLossType retainLossType,
        LossPositions klPositions) implements TwoTermConfig {
    public WgaConfig {
        ConfigChecks.nonNegative("beta", beta);
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    public static WgaConfig defaults() {
        return new WgaConfig(1.0, 1.0, 1.0, RetainLossType.NLL, LossPositions.ALL);
    }
}
