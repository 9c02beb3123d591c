package dev.unlearn.methods.graddiff;

import ai.djl.ndarray.NDArray;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.loss.WeightedTerms;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;
import dev.unlearn.methods.spi.WeightedLoss;
import java.util.Optional;

/** {@code graddiff}: see {@link GradientDifference}. */
public final class GradDiffMethod implements UnlearningMethod<GradDiffConfig> {
    @Override
    public String name() {
        return "graddiff";
    }

    @Override
    public String description() {
        return "Gradient difference: ascend the forget NLL, descend the retain NLL (or KL to the original model).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<GradDiffConfig> configClass() {
        return GradDiffConfig.class;
    }

    @Override
    public GradDiffConfig defaults() {
        return GradDiffConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(GradDiffConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            NDArray nll = SequenceLosses.pooledNll(policy.logits(b.forget(), m), b.forget().labels(m));
            return TwoTermLoss.assemble(nll.neg(), nll, c.gamma(), c.alpha(), c.retainLossType(), c.klPositions(),
                    policy, reference, b, m);
        };
    }

    /** Weighted form: {@code γ · (− NLL_pool,w) + α · NLL_pool,1−w} (NLL retain loss only). */
    @Override
    public Optional<WeightedLoss> weightedLoss(GradDiffConfig c) {
        WeightedTerms.nllRetainOnly(name(), c.retainLossType());
        return Optional.of((p, b, w, ref, m) -> WeightedTerms.pooled(p, b, w, m, -c.gamma(), c.alpha()));
    }
}
