package dev.unlearn.methods.npo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import java.util.List;

/**
 * The NPO step (methods.md §3 "One step"): policy {@code NLL_sum} per forget sample against the
 * cached reference {@code NLL_sum}, plus the configured retain term. Call {@link #precompute} once
 * before training so π_ref can be released; a cache miss during a step falls back to a reference
 * forward (so the reference must then still be available).
 */
public final class NpoLoss implements LossMethod {
    private final NpoConfig config;
    private final ReferenceNllCache cache;

    public NpoLoss(NpoConfig config, ReferenceNllCache cache) {
        this.config = config;
        this.cache = cache;
    }

    public ReferenceNllCache cache() {
        return cache;
    }

    /** Fills the cache for the given forget batches with π_ref (no gradient). */
    public void precompute(ForwardFn reference, Iterable<Batch> forgetBatches, NDManager parent) {
        for (Batch b : forgetBatches) {
            try (NDManager m = parent.newSubManager()) {
                fill(reference, b, m);
            }
        }
    }

    @Override
    public StepLoss loss(ForwardFn policy, ForwardFn reference, StepBatches batches, NDManager m) {
        Batch f = batches.forget();
        TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(policy.logits(f, m), f.labels(m));
        NDArray nll = SequenceLosses.nllSum(r);
        NDArray valid = SequenceLosses.answerLengths(r).gt(0).toType(nll.getDataType(), false);
        NDArray ref = referenceNll(reference, f, m).toType(nll.getDataType(), false);
        NDArray lossF = NegativePreference.forgetLoss(nll, ref, valid, config.beta());
        StepLoss s = TwoTermLoss.assemble(lossF, lossF, config.gamma(), config.alpha(), config.retainLossType(),
                config.klPositions(), policy, reference, batches, m);
        // samples whose tokenisation left no target (methods.md §0) are skipped: report how many
        return s.withTotal(s.total(), "skipped", Scalars.rsub(1, valid).sum());
    }

    /** Cached reference sums for the batch, {@code [B]} float64, computing misses with {@code reference}. */
    NDArray referenceNll(ForwardFn reference, Batch f, NDManager m) {
        List<TokenizedExample> ex = f.examples();
        boolean miss = ex.stream().anyMatch(e -> cache.get(e).isEmpty());
        if (miss) {
            if (reference == null) {
                throw new IllegalStateException("NPO: reference NLL of a forget sample is not cached and no"
                        + " reference forward was given; call precompute() over the forget set first");
            }
            fill(reference, f, m);
        }
        double[] out = new double[ex.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cache.get(ex.get(i)).orElseThrow();
        }
        return m.create(out);
    }

    private void fill(ForwardFn reference, Batch b, NDManager m) {
        double[] sums = reference.nllSum(b, m).stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < sums.length; i++) {
            cache.put(b.examples().get(i), sums[i]);
        }
    }
}
