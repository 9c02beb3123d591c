package dev.unlearn.methods.idknll;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code idknll}: see {@link IdkNllConfig}. Needs a template batch per step (the forget questions). */
public final class IdkNllMethod implements UnlearningMethod<IdkNllConfig> {
    @Override
    public String name() {
        return "idknll";
    }

    @Override
    public String description() {
        return "IdkNLL: fine-tune refusals on the forget questions, keep the retain NLL (TOFU's idk loss).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<IdkNllConfig> configClass() {
        return IdkNllConfig.class;
    }

    @Override
    public IdkNllConfig defaults() {
        return IdkNllConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(IdkNllConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> loss(c, policy, b, m);
    }

    /** One step; the forget batch itself is only reported (its pooled NLL), never trained on. */
    static StepLoss loss(IdkNllConfig c, ForwardFn policy, StepBatches b, NDManager m) {
        if (b.templates() == null) {
            throw new IllegalStateException("IdkNLL needs a template batch (forget questions with refusal answers)");
        }
        TokenLogProbs.Result idk = SequenceLosses.tokenLogProbs(policy.logits(b.templates(), m), b.templates().labels(m));
        NDArray forgetNll = SequenceLosses.pooledNll(policy.logits(b.forget(), m).stopGradient(), b.forget().labels(m));
        if (c.pooling() == Pooling.SEPARATE) {
            StepLoss s = TwoTermLoss.assemble(SequenceLosses.pooledNll(idk), forgetNll, c.gamma(), c.alpha(),
                    RetainLossType.NLL, LossPositions.ALL, policy, null, b, m);
            return s.withTotal(s.total(), "idk", SequenceLosses.pooledNll(idk));
        }
        NDArray sum = Scalars.mul(idk.logProbs().sum().neg(), c.gamma());
        NDArray count = idk.mask().sum();
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("forget", forgetNll);
        terms.put("idk", SequenceLosses.pooledNll(idk));
        if (c.alpha() != 0) {
            if (b.retain() == null) {
                throw new IllegalStateException("alpha = " + c.alpha() + " > 0 but the step has no retain batch");
            }
            TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(policy.logits(b.retain(), m), b.retain().labels(m));
            sum = sum.add(Scalars.mul(r.logProbs().sum().neg(), c.alpha()));
            count = count.add(r.mask().sum());
            terms.put("retain", SequenceLosses.pooledNll(r));
        }
        return new StepLoss(sum.div(count), terms);
    }
}
