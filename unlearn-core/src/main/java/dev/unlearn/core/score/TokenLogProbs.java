package dev.unlearn.core.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * The one label-shift kernel every loss and metric is built on (Hugging Face causal-LM convention):
 * logits at position t predict the label at t+1; positions whose next label is -100 are masked.
 *
 * <pre>
 *   logits [B, T, V], labels [B, T]  -&gt;  logProbs [B, T-1] (0 where masked), mask [B, T-1] (1/0, logits' float type)
 *   logProbs[b, t] = log_softmax(logits[b, t])[labels[b, t+1]]
 * </pre>
 *
 * Half-precision logits are upcast to float32 first; float32 and float64 stay as they are (tests use
 * float64 to reach the specs' 1e-9 vectors). Uses the max-shifted log-sum-exp.
 */
public final class TokenLogProbs {
    private TokenLogProbs() {}

    /** Token log-probs and mask; both arrays belong to {@code logits}' manager. */
    public record Result(NDArray logProbs, NDArray mask) {
        /** Sum over scored positions per sample, [B]. */
        public NDArray sumPerSample() {
            return logProbs.mul(mask).sum(new int[] {1});
        }

        /** Number of scored positions per sample, [B]. */
        public NDArray countPerSample() {
            return mask.sum(new int[] {1});
        }
    }

    /**
     * Computes the shifted, masked token log-probs. The log-softmax runs over all T positions and the
     * last position is dropped after the gather: per row the same values as slicing the logits first
     * (each row is normalised on its own), without the slice's backward, which would zero-fill and copy a
     * whole [B, T, V] gradient.
     */
    public static Result of(NDArray logits, NDArray labels) {
        return of(logits, labels, false);
    }

    /**
     * {@link #of(NDArray, NDArray)} that closes {@code logits} as soon as their log-softmax exists, for a
     * caller that does not use them again: nothing the backward pass needs is lost (log-softmax's backward
     * reads its output, the head's GEMM its input), and a [B, T, V] array per term is freed before the
     * step's end instead of when the step's manager closes (for a 128k vocabulary and 1,024 tokens, 525 MB).
     */
    public static Result ofConsumed(NDArray logits, NDArray labels) {
        return of(logits, labels, true);
    }

    private static Result of(NDArray logits, NDArray labels, boolean consume) {
        long t = logits.getShape().get(1);
        NDArray lg = logits;
        DataType dt = lg.getDataType();
        if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
            lg = lg.toType(DataType.FLOAT32, false);
        }
        NDArray next = labels.get(new NDIndex(":, 1:"));
        NDArray mask = next.neq(-100L);
        NDArray safe = NDArrays.where(mask, next, next.zerosLike()).toType(DataType.INT64, false);
        // the last position predicts nothing: gather a dummy id 0 there and drop it below
        NDArray ids = NDArrays.concat(new NDList(safe, safe.get(new NDIndex(":, :1")).zerosLike()), 1);
        NDArray logSoftmax = lg.logSoftmax(-1);
        if (consume) {
            if (lg != logits) {
                lg.close();
            }
            logits.close();
        }
        NDArray picked = logSoftmax.gather(ids.expandDims(-1), -1).squeeze(-1).get(new NDIndex(":, :{}", t - 1));
        NDArray maskF = mask.toType(logSoftmax.getDataType(), false);
        return new Result(picked.mul(maskF), maskF);
    }
}
