package dev.unlearn.methods.simnpo;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;

/**
 * Keys of {@code simnpo} (methods.md §4; OU defaults).
 *
 * @param beta β, default 4.5, must be > 0
 * @param delta margin δ (subtracted before β, as both reference codes do), default 0.0
 * @param gamma forget weight γ, default 0.125
 * @param alpha retain weight α, default 1.0
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}
 */
public record SimNpoConfig(double beta, double delta, double gamma, double alpha, RetainLossType retainLossType,
        LossPositions klPositions) implements TwoTermConfig {
    public SimNpoConfig {
        ConfigChecks.positive("beta", beta);
        if (!Double.isFinite(delta)) {
            throw new dev.unlearn.core.InvalidInputException("Config key 'delta' must be finite, found " + delta + ".");
        }
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    public static SimNpoConfig defaults() {
        return new SimNpoConfig(4.5, 0.0, 0.125, 1.0, RetainLossType.NLL, LossPositions.ALL);
    }
}
