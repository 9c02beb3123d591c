package dev.unlearn.methods.loss;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.score.TokenLogProbs;

/**
 * Sequence reductions of the shifted token log-probs ℓ_t over the answer positions A (methods.md §0),
 * all built on core's {@link TokenLogProbs} kernel.
 *
 * <pre>
 *   NLL_sum(x,y)   = − Σ_{t∈A} ℓ_t                 per sample, [B]
 *   NLL_mean(x,y)  = NLL_sum / |A|                  per sample, [B]
 *   NLL_pool(batch)= Σ_b NLL_sum,b / Σ_b |A_b|      scalar: Hugging Face outputs.loss, NOT the mean of means
 * </pre>
 *
 * [REF OU] {@code outputs.loss} of a micro-batch is the pooled form (test vector T1).
 */
public final class SequenceLosses {
    private SequenceLosses() {}

    /**
     * Token log-probs of logits {@code [B,T,V]} against labels {@code [B,T]} (−100 masked). The logits are
     * consumed: closed once their log-softmax exists ({@link TokenLogProbs#ofConsumed}), so pass a forward's
     * fresh output and do not use it again.
     */
    public static TokenLogProbs.Result tokenLogProbs(NDArray logits, NDArray labels) {
        return TokenLogProbs.ofConsumed(logits, labels);
    }

    /** {@code NLL_pool}: summed answer-token NLL of the batch over the number of answer tokens; scalar. */
    public static NDArray pooledNll(TokenLogProbs.Result r) {
        return r.logProbs().sum().neg().div(r.mask().sum());
    }

    /**
     * Weighted {@code NLL_pool}: {@code Σ_b Σ_{t∈A_b} w_{b,t}·(−ℓ_{b,t}) / Σ_b |A_b|}; scalar. The
     * token-reweighted ascent methods (WGA, SatImp) pass detached weights {@code [B, T−1]}.
     */
    public static NDArray pooledWeightedNll(TokenLogProbs.Result r, NDArray weights) {
        return r.logProbs().mul(r.mask()).mul(weights).sum().neg().div(r.mask().sum());
    }

    /** The detached token probabilities {@code p_t = exp(ℓ_t)}, {@code [B, T−1]} (1 at masked positions). */
    public static NDArray detachedTokenProbs(TokenLogProbs.Result r) {
        return r.logProbs().stopGradient().exp();
    }

    /** {@code NLL_pool} straight from logits and labels. */
    public static NDArray pooledNll(NDArray logits, NDArray labels) {
        return pooledNll(tokenLogProbs(logits, labels));
    }

    /** {@code NLL_sum} per sample, {@code [B]}. */
    public static NDArray nllSum(TokenLogProbs.Result r) {
        return r.sumPerSample().neg();
    }

    /** {@code |A|} per sample (label positions incl. EOS), {@code [B]}, in the log-probs' float type. */
    public static NDArray answerLengths(TokenLogProbs.Result r) {
        return r.countPerSample();
    }

    /**
     * {@code NLL_mean} per sample, {@code [B]}. A sample without targets gives 0/0 = NaN: callers skip
     * such samples (methods.md §0) before they reach a loss.
     */
    public static NDArray nllMean(TokenLogProbs.Result r) {
        return nllSum(r).div(answerLengths(r));
    }
}
