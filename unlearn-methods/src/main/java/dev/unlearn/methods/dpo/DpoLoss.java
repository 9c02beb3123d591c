package dev.unlearn.methods.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;

/**
 * The DPO / IdkDPO step: policy and reference {@code NLL_sum} of the forget answers and of the step's
 * template answers (the same questions, {@link StepBatches#templates()}), the preference term of
 * {@link PreferenceLoss}, then the configured retain term. The reference is forwarded every step, as
 * OU does: template answers are redrawn per fetch.
 */
public final class DpoLoss implements LossMethod {
    private final DpoConfig config;

    public DpoLoss(DpoConfig config) {
        this.config = config;
    }

    @Override
    public StepLoss loss(ForwardFn policy, ForwardFn reference, StepBatches b, NDManager m) {
        if (b.templates() == null) {
            throw new IllegalStateException("DPO needs a template batch (forget questions with preferred answers)");
        }
        if (reference == null) {
            throw new IllegalStateException("DPO needs the reference model's forward");
        }
        TokenLogProbs.Result forget = SequenceLosses.tokenLogProbs(policy.logits(b.forget(), m), b.forget().labels(m));
        NDArray loseTheta = SequenceLosses.nllSum(forget);
        NDArray winTheta = nllSum(policy, b.templates(), m);
        NDArray loseRef = reference.nllSum(b.forget(), m).stopGradient();
        NDArray winRef = reference.nllSum(b.templates(), m).stopGradient();
        NDArray pref = PreferenceLoss.loss(winTheta, winRef, loseTheta, loseRef, config.beta());
        StepLoss s = TwoTermLoss.assemble(pref, SequenceLosses.pooledNll(forget), config.gamma(), config.alpha(),
                config.retainLossType(), config.klPositions(), policy, reference, b, m);
        return s.withTotal(s.total(), "preference", pref);
    }

    private static NDArray nllSum(ForwardFn f, Batch batch, NDManager m) {
        return SequenceLosses.nllSum(SequenceLosses.tokenLogProbs(f.logits(batch, m), batch.labels(m)));
    }
}
