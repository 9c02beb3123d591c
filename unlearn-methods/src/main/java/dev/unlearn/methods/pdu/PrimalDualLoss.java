package dev.unlearn.methods.pdu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.methods.loss.RetainLosses;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.StableMath;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PDU step [REF OU {@code src/trainer/unlearn/pdu.py}] with its dual variable λ as state. The loss
 * uses λ as it was before the step; a {@code step} update then moves it with this step's retain loss.
 *
 * <p>Epochs are counted from the forget samples seen (every epoch visits each of the {@code forgetCount}
 * forget samples once): the loss needs no epoch signal from the loop. With {@code forgetCount} 0
 * (hand-made tests) every call is in epoch 0. The {@code epoch} update runs at the first call of the
 * next epoch, before its loss, over the retain batches of the finished epoch (OU re-draws fresh ones
 * from its loader; ours are the same distribution), forwarded without keeping their graph. λ is not
 * part of a resumed run's state: a resume starts again from {@code alpha}.
 */
public final class PrimalDualLoss implements LossMethod {
    private final PduConfig config;
    private final double eps;
    private final int forgetCount;
    private final List<Batch> epochRetain = new ArrayList<>();
    private double lambda;
    private long seen;
    private int epoch;

    public PrimalDualLoss(PduConfig config, int forgetCount) {
        this.config = config;
        this.eps = config.requireEps();
        this.forgetCount = forgetCount;
        this.lambda = config.alpha();
    }

    /** The current dual variable λ (the retain weight of the next step). */
    public double lambda() {
        return lambda;
    }

    /** {@code L_f}: squared gap between the max and mean logit, averaged over positions whose label is a target. */
    public static NDArray forgetLoss(NDArray logits, NDArray labels) {
        NDArray z = StableMath.computeType(logits);
        NDArray gap = z.max(new int[] {-1}).sub(z.mean(new int[] {-1}));
        NDArray mask = labels.neq(-100L).toType(z.getDataType(), false);
        return gap.mul(gap).mul(mask).sum().div(mask.sum());
    }

    @Override
    public synchronized StepLoss loss(ForwardFn policy, ForwardFn reference, StepBatches b, NDManager m) {
        if (b.retain() == null) {
            throw new IllegalStateException("PDU needs a retain batch every step (its constraint)");
        }
        int callEpoch = forgetCount == 0 ? 0 : (int) (seen / forgetCount);
        if (callEpoch != epoch) {
            if (config.primalDual() && config.dualUpdateUpon() == DualUpdate.EPOCH && callEpoch >= config.dualWarmupEpochs()
                    && !epochRetain.isEmpty()) {
                lambda = Math.max(0, lambda + config.dualStepSize() * (meanRetain(policy, reference, m) - eps));
            }
            epochRetain.clear();
            epoch = callEpoch;
        }
        seen += b.forget().size();
        NDArray logits = policy.logits(b.forget(), m);
        NDArray labels = b.forget().labels(m);
        NDArray lossF = forgetLoss(logits, labels);
        NDArray retain = retainLoss(policy, reference, b.retain(), m);
        NDArray total = Scalars.mul(lossF, config.gamma()).add(Scalars.mul(Scalars.sub(retain, eps), lambda));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("forget", SequenceLosses.pooledNll(logits.stopGradient(), labels));
        terms.put("flatten", lossF);
        terms.put("retain", retain);
        terms.put("lambda", Scalars.of(retain, lambda));
        if (config.primalDual() && config.dualUpdateUpon() == DualUpdate.STEP && epoch >= config.dualWarmupEpochs()) {
            double r = retain.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            lambda = Math.max(0, lambda + config.dualStepSize() * (r - eps));
        }
        if (config.dualUpdateUpon() == DualUpdate.EPOCH) {
            epochRetain.add(b.retain());
        }
        return new StepLoss(total, terms);
    }

    private NDArray retainLoss(ForwardFn policy, ForwardFn reference, Batch retain, NDManager m) {
        return RetainLosses.retainLoss(config.retainLossType(), config.klPositions(), policy, reference, retain, m);
    }

    private double meanRetain(ForwardFn policy, ForwardFn reference, NDManager m) {
        double sum = 0;
        for (Batch r : epochRetain) {
            try (NDManager sub = m.newSubManager()) {
                sum += retainLoss(policy, reference, r, sub).stopGradient()
                        .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
        }
        return sum / epochRetain.size();
    }
}
