package dev.unlearn.methods.satimp;

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
 * {@code satimp}: see {@link SatImpConfig} [REF OU {@code compute_satimp_loss}]. Tokens the model already
 * forgot ({@code p → 0}) and tokens it is sure of ({@code p → 1}) get small weights; the weight
 * {@code p^β1(1−p)^β2} peaks at {@code p = β1/(β1+β2)}.
 */
public final class SatImpMethod implements UnlearningMethod<SatImpConfig> {
    @Override
    public String name() {
        return "satimp";
    }

    @Override
    public String description() {
        return "SatImp: forget-token gradient ascent weighted by p^beta1 (1-p)^beta2, plus a retain term.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<SatImpConfig> configClass() {
        return SatImpConfig.class;
    }

    @Override
    public SatImpConfig defaults() {
        return SatImpConfig.defaults();
    }

    /** The token weights {@code sg(p)^β1 · (1 − sg(p))^β2}, {@code [B, T−1]}. */
    public static NDArray weights(TokenLogProbs.Result r, double beta1, double beta2) {
        NDArray p = SequenceLosses.detachedTokenProbs(r);
        return Scalars.pow(p, beta1).mul(Scalars.pow(Scalars.rsub(1.0, p), beta2));
    }

    @Override
    public LossMethod lossMethod(SatImpConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(policy.logits(b.forget(), m), b.forget().labels(m));
            NDArray lossF = SequenceLosses.pooledWeightedNll(r, weights(r, c.beta1(), c.beta2())).neg();
            return TwoTermLoss.assemble(lossF, SequenceLosses.pooledNll(r), c.gamma(), c.alpha(), c.retainLossType(),
                    c.klPositions(), policy, reference, b, m);
        };
    }
}
