package dev.unlearn.methods.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.WeightedLoss;
import java.util.function.BiFunction;

/**
 * Per-sample weighted loss terms for the worst-case lower level (methods.md §10.4) [OURS]: a pool item
 * enters the forget term with weight {@code w_i} and the retain term with {@code 1 − w_i}, and each
 * term is normalised by its batch weight sum so that the loss scale does not depend on how much weight
 * a batch carries. UNCONFIRMED choice for pooled forms: weights multiply each sample's tokens, so that
 * with {@code w ∈ {0,1}} the term equals the method's own pooled loss on the selected samples.
 *
 * <pre>
 *   pooled:   Σ_b w_b · NLL_sum,b / Σ_b w_b · |A_b|
 *   per-item: Σ_b w_b · x_b / Σ_b w_b                    (NPO / SimNPO terms, NLL_mean)
 * </pre>
 *
 * A batch whose weights are all 0 gives 0/0: a term whose batch weight sum is below
 * {@link WeightedLoss#MIN_WEIGHT} is dropped for that batch. Only the NLL retain loss is supported: a KL
 * retain term would need π_ref forwards on every batch.
 */
public final class WeightedTerms {
    private WeightedTerms() {}

    /** Weighted pooled NLL; {@code weights} {@code [B]} in the log-probs' float type. */
    public static NDArray pooledNll(TokenLogProbs.Result r, NDArray weights) {
        NDArray sums = r.sumPerSample().neg();
        NDArray counts = r.countPerSample();
        return sums.mul(weights).sum().div(counts.mul(weights).sum());
    }

    /** Weighted mean of per-item values {@code [B]}. */
    public static NDArray mean(NDArray perItem, NDArray weights) {
        return perItem.mul(weights).sum().div(weights.sum());
    }

    /** {@code 1 − w}: the retain-side weights. */
    public static NDArray complement(NDArray weights) {
        return Scalars.rsub(1, weights);
    }

    /** Rejects a retain loss other than NLL for the weighted form. */
    public static void nllRetainOnly(String method, RetainLossType t) {
        if (t != RetainLossType.NLL) {
            throw new InvalidInputException("Config key 'retain_loss_type' of " + method + ": the worst-case lower level"
                    + " supports NLL only (found " + t + "); set retain_loss_type: NLL.");
        }
    }

    /** {@code forgetCoef·NLL_pool,w + α·NLL_pool,1−w} with dropped empty terms. */
    public static NDArray pooled(ForwardFn p, Batch b, double[] w, NDManager m, double forgetCoef, double alpha) {
        TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(p.logits(b, m), b.labels(m));
        NDArray total = null;
        if (sum(w, false) >= WeightedLoss.MIN_WEIGHT && forgetCoef != 0) {
            total = Scalars.mul(pooledNll(r, weights(w, false, r, m)), forgetCoef);
        }
        return addRetain(total, r, w, m, alpha);
    }

    /** Per-item forget term {@code γ · mean_w(terms)} plus the pooled retain term {@code α·NLL_pool,1−w}. */
    public static NDArray perItem(ForwardFn p, Batch b, double[] w, NDManager m, double gamma, double alpha,
            BiFunction<TokenLogProbs.Result, NDManager, NDArray> terms) {
        TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(p.logits(b, m), b.labels(m));
        NDArray total = null;
        if (sum(w, false) >= WeightedLoss.MIN_WEIGHT && gamma != 0) {
            total = Scalars.mul(mean(terms.apply(r, m), weights(w, false, r, m)), gamma);
        }
        return addRetain(total, r, w, m, alpha);
    }

    private static NDArray addRetain(NDArray total, TokenLogProbs.Result r, double[] w, NDManager m, double alpha) {
        if (alpha != 0 && sum(w, true) >= WeightedLoss.MIN_WEIGHT) {
            NDArray ret = Scalars.mul(pooledNll(r, weights(w, true, r, m)), alpha);
            total = total == null ? ret : total.add(ret);
        }
        // both terms empty: a zero that still depends on θ, so backward works and moves nothing
        return total != null ? total : Scalars.mul(r.logProbs().sum(), 0);
    }

    private static double sum(double[] w, boolean complement) {
        double s = 0;
        for (double x : w) {
            s += complement ? 1 - x : x;
        }
        return s;
    }

    private static NDArray weights(double[] w, boolean complement, TokenLogProbs.Result r, NDManager m) {
        double[] v = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            v[i] = complement ? 1 - w[i] : w[i];
        }
        return m.create(v).toType(r.logProbs().getDataType(), false);
    }
}
