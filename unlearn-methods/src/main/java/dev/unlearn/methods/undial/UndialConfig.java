package dev.unlearn.methods.undial;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.ReferenceUse;
import dev.unlearn.methods.spi.ReferenceUse.StepBatch;
import java.util.List;

/**
 * Keys of {@code undial} (docs/methods-parity.md §P3; OU {@code configs/trainer/UNDIAL.yaml}).
 *
 * <pre>
 *   q_t   = softmax(z^ref_t − β·onehot(l_{t+1}))        (adjusted teacher; one-hot only where l_{t+1} is a target)
 *   CE_t  = − Σ_v q_t(v) · log softmax(z^θ_t)(v)
 *   L_f   = mean of CE_t over the positions of {@code positions};   L = γ·L_f + α·L_retain
 * </pre>
 *
 * Paper: Dong et al., "UNDIAL: Self-Distillation with Adjusted Logits for Robust Unlearning in Large
 * Language Models", <a href="https://arxiv.org/abs/2402.10052">arXiv:2402.10052</a>.
 *
 * @param beta strength of the logit reduction on the target token, default 10.0, ≥ 0
 * @param gamma distillation weight γ, default 1.0
 * @param alpha retain weight α, default 0.0 (OU: UNDIAL trains on the forget set only)
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}, for KL only
 * @param positions {@code all} (default, REF OU) or {@code answer} (OURS)
 * @param referenceQuirks also lower the teacher logit of token {@code V − 100} at masked positions, as OU's
 *     indexing with label −100 does (default false; docs/methods-parity.md §P3)
 */
public record UndialConfig(double beta, double gamma, double alpha, RetainLossType retainLossType,
        LossPositions klPositions, LossPositions positions, boolean referenceQuirks) implements TwoTermConfig {
    public UndialConfig {
        ConfigChecks.nonNegative("beta", beta);
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
        positions = TwoTermConfig.positions(positions);
    }

    public static UndialConfig defaults() {
        return new UndialConfig(10.0, 1.0, 0.0, RetainLossType.NLL, LossPositions.ALL, LossPositions.ALL, false);
    }

    @Override
    public boolean needsReference() {
        return true;
    }

    /** The teacher's logits on the forget batch, and the KL retain term's logits. */
    @Override
    public List<ReferenceUse> referenceUses(ModelInfo model) {
        return TwoTermConfig.uses(this, ReferenceUse.logits(
                StepBatch.FORGET));
    }
}
