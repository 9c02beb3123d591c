package dev.unlearn.methods.wga;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code wga}: see {@link WgaConfig} [REF OU {@code compute_wga_loss}]. The weight {@code p^β} fades as a
 * token is forgotten, so the ascent slows down by itself instead of driving the NLL to infinity.
 */
public final class WgaMethod implements UnlearningMethod<WgaConfig> {
    @Override
    public String name() {
        return "wga";
    }

    @Override
    public String description() {
        return "WGA: forget-token gradient ascent weighted by the detached token probability p^beta, plus a retain term.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<WgaConfig> configClass() {
        return WgaConfig.class;
    }

    @Override
    public WgaConfig defaults() {
        return WgaConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(WgaConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(policy.logits(b.forget(), m), b.forget().labels(m));
            NDArray w = Scalars.pow(SequenceLosses.detachedTokenProbs(r), c.beta());
            NDArray lossF = SequenceLosses.pooledWeightedNll(r, w).neg();
            return TwoTermLoss.assemble(lossF, SequenceLosses.pooledNll(r), c.gamma(), c.alpha(), c.retainLossType(),
                    c.klPositions(), policy, reference, b, m);
        };
    }
}
