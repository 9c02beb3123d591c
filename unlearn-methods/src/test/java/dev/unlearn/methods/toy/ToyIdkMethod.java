package dev.unlearn.methods.toy;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.LossPlan;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.List;
import java.util.Map;

/**
 * A test-only method that shows what adding one takes (docs/add-a-method.md): this class, its config
 * and a service line. It descends the NLL of an alternate answer to each forget question (an
 * "I don't know" NLL); its plan asks the runner for {@link LossPlan.AlternateAnswers}.
 */
public final class ToyIdkMethod implements UnlearningMethod<ToyIdkConfig> {
    @Override
    public String name() {
        return "toy-idk";
    }

    @Override
    public String description() {
        return "Test-only: descend the NLL of an alternate answer to each forget question.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<ToyIdkConfig> configClass() {
        return ToyIdkConfig.class;
    }

    @Override
    public ToyIdkConfig defaults() {
        return ToyIdkConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(ToyIdkConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            NDArray idk = SequenceLosses.pooledNll(policy.logits(b.templates(), m), b.templates().labels(m));
            return new StepLoss(Scalars.mul(idk, c.weight()), Map.of("idk", idk));
        };
    }

    @Override
    public MethodPlan plan(ToyIdkConfig c, MethodContext<?> context, ModelInfo model) {
        return LossPlan.of(lossMethod(c, context, model), new LossPlan.AlternateAnswers(List.of(c.answer())));
    }
}
