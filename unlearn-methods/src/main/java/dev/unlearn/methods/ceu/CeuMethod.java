package dev.unlearn.methods.ceu;

import ai.djl.ndarray.NDArray;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.Map;

/** {@code ceu}: see {@link CrossEntropyUnlearning}. Forget data only. */
public final class CeuMethod implements UnlearningMethod<CeuConfig> {
    @Override
    public String name() {
        return "ceu";
    }

    @Override
    public String description() {
        return "CE-U: cross-entropy to the model's own distribution with the true token removed (forget data only).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<CeuConfig> configClass() {
        return CeuConfig.class;
    }

    @Override
    public CeuConfig defaults() {
        return CeuConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(CeuConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            NDArray labels = b.forget().labels(m);
            NDArray logits = policy.logits(b.forget(), m);
            NDArray loss = CrossEntropyUnlearning.loss(logits,
                    CrossEntropyUnlearning.skipFirstTargets(labels, c.ignoreFirstNAnswerTokens(), m));
            return new StepLoss(loss, Map.of("forget", SequenceLosses.pooledNll(logits.stopGradient(), labels)));
        };
    }
}
