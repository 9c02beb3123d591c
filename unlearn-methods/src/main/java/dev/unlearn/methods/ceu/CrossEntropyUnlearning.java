package dev.unlearn.methods.ceu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.loss.StableMath;

/**
 * CE-U's loss (docs/methods-parity.md §P4) [REF OU {@code src/trainer/unlearn/ceu.py}]. The target of each
 * scored position is the model's own detached distribution renormalised without the true token, so
 * the loss pushes probability from the true token to the others in proportion to what they already
 * have; its gradient vanishes only when the true token's probability is 0.
 */
public final class CrossEntropyUnlearning {
    private CrossEntropyUnlearning() {}

    /** Labels with each sample's first {@code n} target positions masked (−100), {@code [B, T]}. */
    public static NDArray skipFirstTargets(NDArray labels, int n, NDManager m) {
        long[] l = labels.toLongArray();
        int w = (int) labels.getShape().get(1);
        for (int row = 0; row < l.length / w; row++) {
            int seen = 0;
            for (int t = 0; t < w && seen < n; t++) {
                if (l[row * w + t] != TokenizedExample.IGNORE) {
                    l[row * w + t] = TokenizedExample.IGNORE;
                    seen++;
                }
            }
        }
        return m.create(l, labels.getShape());
    }

    /**
     * The CE-U loss: mean over the scored positions; 0 (with zero gradient) when no position is scored.
     *
     * @param logits {@code [B, T, V]}
     * @param labels {@code [B, T]}, −100 masked (already without the skipped first targets)
     */
    public static NDArray loss(NDArray logits, NDArray labels) {
        long t = logits.getShape().get(1);
        NDArray z = StableMath.computeType(logits).get(new NDIndex(":, :{}, :", t - 1));
        NDArray next = labels.get(new NDIndex(":, 1:"));
        NDArray scored = next.neq(-100L);
        NDArray safe = NDArrays.where(scored, next, next.zerosLike()).toType(DataType.INT64, false);
        NDArray hit = safe.oneHot((int) z.getShape().get(2)).toType(DataType.BOOLEAN, false);
        NDArray detached = z.stopGradient();
        NDArray q = NDArrays.where(hit, Scalars.of(detached, Double.NEGATIVE_INFINITY).broadcast(detached.getShape()),
                detached).softmax(-1);
        NDArray ce = q.mul(z.logSoftmax(-1)).sum(new int[] {-1}).neg();
        NDArray mask = scored.toType(ce.getDataType(), false);
        return ce.mul(mask).sum().div(Scalars.maximum(mask.sum(), 1.0));
    }
}
