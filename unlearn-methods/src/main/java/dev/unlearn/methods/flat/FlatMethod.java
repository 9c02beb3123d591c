package dev.unlearn.methods.flat;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.LossPlan;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.Map;

/**
 * {@code flat}: see {@link ForgetTemplateLoss}. Its config needs templates, so the default plan declares
 * {@link LossPlan.AlternateAnswers}: a template batch per step (the same questions with template answers).
 */
public final class FlatMethod implements UnlearningMethod<FlatConfig> {
    @Override
    public String name() {
        return "flat";
    }

    @Override
    public String description() {
        return "FLAT: f-divergence loss raising template-answer and lowering forget-answer probability (forget data only).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<FlatConfig> configClass() {
        return FlatConfig.class;
    }

    @Override
    public FlatConfig defaults() {
        return FlatConfig.defaults();
    }




    @Override
    public LossMethod lossMethod(FlatConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            if (b.templates() == null) {
                throw new IllegalStateException("FLAT needs a template batch (forget questions with template answers)");
            }
            TokenLogProbs.Result f = SequenceLosses.tokenLogProbs(policy.logits(b.forget(), m), b.forget().labels(m));
            TokenLogProbs.Result e = SequenceLosses.tokenLogProbs(policy.logits(b.templates(), m),
                    b.templates().labels(m));
            NDArray loss = ForgetTemplateLoss.loss(f, e, c.divergence(), c.probability(), c.padLength(),
                    c.referenceQuirks());
            return new StepLoss(loss, Map.of("forget", SequenceLosses.pooledNll(f), "template", SequenceLosses.pooledNll(e)));
        };
    }
}
