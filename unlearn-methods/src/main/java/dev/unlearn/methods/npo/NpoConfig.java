package dev.unlearn.methods.npo;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.ReferenceUse;
import dev.unlearn.methods.spi.ReferenceUse.StepBatch;
import java.util.List;

/**
 * Keys of {@code npo} (methods.md §3; OU {@code NPO.yaml}, NPO-repo {@code forget.yaml}).
 *
 * @param beta inverse temperature β, default 0.1, must be > 0
 * @param gamma forget weight γ, default 1.0
 * @param alpha retain weight α, default 1.0 (0 = plain NPO, no retain set needed)
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}
 */
public record NpoConfig(double beta, double gamma, double alpha, RetainLossType retainLossType,
        LossPositions klPositions) implements TwoTermConfig {
    public NpoConfig {
        ConfigChecks.positive("beta", beta);
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    public static NpoConfig defaults() {
        return new NpoConfig(0.1, 1.0, 1.0, RetainLossType.NLL, LossPositions.ALL);
    }

    @Override
    public boolean needsReference() {
        return true;
    }

    /**
     * The reference pass's {@code NLL_sum} of every forget sample (the steps read NPO's own cache, filled by
     * the pass), and the KL retain term's logits.
     */
    @Override
    public List<ReferenceUse> referenceUses(ModelInfo model) {
        return TwoTermConfig.uses(this, ReferenceUse.nllSum(
                StepBatch.PASS));
    }
}
