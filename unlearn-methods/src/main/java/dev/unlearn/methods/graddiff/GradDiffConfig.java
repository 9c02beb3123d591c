package dev.unlearn.methods.graddiff;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;

/**
 * Keys of {@code graddiff} (methods.md §2, OU {@code GradDiff.yaml}).
 *
 * @param gamma forget weight γ, default 1.0
 * @param alpha retain weight α, default 1.0
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default, REF) or {@code answer} (OURS), used with KL only
 */
public record GradDiffConfig(double gamma, double alpha, RetainLossType retainLossType, LossPositions klPositions)
        implements TwoTermConfig {
    public GradDiffConfig {
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    public static GradDiffConfig defaults() {
        return new GradDiffConfig(1.0, 1.0, RetainLossType.NLL, LossPositions.ALL);
    }
}
