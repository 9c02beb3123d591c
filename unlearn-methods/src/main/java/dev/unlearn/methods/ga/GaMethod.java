package dev.unlearn.methods.ga;

import ai.djl.ndarray.NDArray;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.WeightedTerms;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import dev.unlearn.methods.spi.WeightedLoss;
import java.util.Map;
import java.util.Optional;

/** {@code ga}: gradient ascent on the pooled forget NLL (see {@link GradientAscent}). */
public final class GaMethod implements UnlearningMethod<GaConfig> {
    @Override
    public String name() {
        return "ga";
    }

    @Override
    public String description() {
        return "Gradient ascent: maximise the pooled forget-set NLL (forget data only; collapses quickly).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<GaConfig> configClass() {
        return GaConfig.class;
    }

    @Override
    public GaConfig defaults() {
        return GaConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(GaConfig config, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            NDArray nll = SequenceLosses.pooledNll(policy.logits(b.forget(), m), b.forget().labels(m));
            return new StepLoss(nll.neg(), Map.of("forget", nll));
        };
    }

    /** Weighted form: {@code − NLL_pool,w}. */
    @Override
    public Optional<WeightedLoss> weightedLoss(GaConfig config) {
        return Optional.of((p, b, w, ref, m) -> WeightedTerms.pooled(p, b, w, m, 1, 0).neg());
    }
}
