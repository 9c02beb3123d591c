package dev.unlearn.methods.worstcase;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.score.TokenLogProbs;

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
 * A batch whose weights are all 0 gives 0/0: callers skip the term for that batch.
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
}
