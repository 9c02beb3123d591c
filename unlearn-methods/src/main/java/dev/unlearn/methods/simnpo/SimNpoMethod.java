package dev.unlearn.methods.simnpo;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.StableMath;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.loss.WeightedTerms;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import dev.unlearn.methods.spi.WeightedLoss;
import java.util.Optional;

/** {@code simnpo}: see {@link SimplePreference}. */
public final class SimNpoMethod implements UnlearningMethod<SimNpoConfig> {
    @Override
    public String name() {
        return "simnpo";
    }

    @Override
    public String description() {
        return "SimNPO: NPO with a length-normalised reward and no reference model.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<SimNpoConfig> configClass() {
        return SimNpoConfig.class;
    }

    @Override
    public SimNpoConfig defaults() {
        return SimNpoConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(SimNpoConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(policy.logits(b.forget(), m), b.forget().labels(m));
            NDArray lengths = SequenceLosses.answerLengths(r);
            NDArray lossF = SimplePreference.forgetLoss(SequenceLosses.nllSum(r), lengths, c.beta(), c.delta());
            StepLoss s = TwoTermLoss.assemble(lossF, lossF, c.gamma(), c.alpha(), c.retainLossType(), c.klPositions(),
                    policy, reference, b, m);
            // samples whose tokenisation left no target (methods.md §0) are skipped: report how many
            return s.withTotal(s.total(), "skipped", lengths.eq(0).toType(lossF.getDataType(), false).sum());
        };
    }

    /**
     * Weighted form: {@code γ · Σ_b w_b·(−(2/β) log σ(β (NLL_mean^θ − δ))) / Σ_b w_b + α · NLL_pool,1−w}
     * (NLL retain loss only).
     */
    @Override
    public Optional<WeightedLoss> weightedLoss(SimNpoConfig c) {
        WeightedTerms.nllRetainOnly(name(), c.retainLossType());
        return Optional.of((p, b, w, ref, m) -> WeightedTerms.perItem(p, b, w, m, c.gamma(), c.alpha(), (r, mm) -> {
            NDArray margin = Scalars.add(SequenceLosses.nllMean(r), -c.delta());
            return Scalars.mul(StableMath.logSigmoid(Scalars.mul(margin, c.beta())), -2.0 / c.beta());
        }));
    }
}
