package dev.unlearn.methods.wga;

import dev.unlearn.methods.loss.KlPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;

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
        KlPositions klPositions) implements MethodConfig {
    public WgaConfig {
        ConfigChecks.nonNegative("beta", beta);
        ConfigChecks.nonNegative("gamma", gamma);
        ConfigChecks.nonNegative("alpha", alpha);
        retainLossType = retainLossType == null ? RetainLossType.NLL : retainLossType;
        klPositions = klPositions == null ? KlPositions.ALL : klPositions;
    }

    public static WgaConfig defaults() {
        return new WgaConfig(1.0, 1.0, 1.0, RetainLossType.NLL, KlPositions.ALL);
    }

    @Override
    public boolean needsRetain() {
        return alpha > 0;
    }

    @Override
    public boolean needsReference() {
        return alpha > 0 && retainLossType == RetainLossType.KL;
    }
}
