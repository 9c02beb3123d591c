package dev.unlearn.methods.undial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.StableMath;

/**
 * UNDIAL's forget term (docs/methods-parity.md §P3) [REF OU {@code compute_undial_loss}]: the student's
 * cross-entropy against the reference model's next-token distribution after the logit of the token to
 * forget was lowered by β. Targets are soft labels, so the value includes the teacher's entropy (the
 * gradient is that of {@code KL(q ‖ p_θ)}).
 */
public final class AdjustedDistillation {
    private AdjustedDistillation() {}

    /**
     * Per-position cross-entropy {@code [B, T−1]}.
     *
     * @param student policy logits {@code [B, T, V]} (with gradient)
     * @param teacher reference logits {@code [B, T, V]} (detached here)
     * @param labels {@code [B, T]}, −100 masked
     */
    public static NDArray perPosition(NDArray student, NDArray teacher, NDArray labels, double beta) {
        return perPosition(student, teacher, labels, beta, false);
    }

    /**
     * {@link #perPosition(NDArray, NDArray, NDArray, double)}; with {@code referenceQuirks} the teacher's
     * logit of token {@code V − 100} is lowered too at every masked position, as OU's
     * {@code mask[b, t, −100] = 1} does for vocabularies of at least 100 (OU fails below that; the
     * quirk is then not applied).
     */
    public static NDArray perPosition(NDArray student, NDArray teacher, NDArray labels, double beta,
            boolean referenceQuirks) {
        long t = student.getShape().get(1);
        long v = student.getShape().get(2);
        NDIndex shift = new NDIndex(":, :{}, :", t - 1);
        NDArray zs = StableMath.computeType(student).get(shift);
        NDArray zt = StableMath.computeType(teacher).stopGradient().get(shift).toType(zs.getDataType(), false);
        NDArray next = labels.get(new NDIndex(":, 1:"));
        NDArray target = next.neq(-100L);
        boolean wrap = referenceQuirks && v >= 100;
        NDArray other = wrap ? Scalars.of(next, v - 100).broadcast(next.getShape()) : next.zerosLike();
        NDArray safe = NDArrays.where(target, next, other).toType(ai.djl.ndarray.types.DataType.INT64, false);
        NDArray hit = safe.oneHot((int) v).toType(zs.getDataType(), false);
        if (!wrap) {
            hit = hit.mul(target.toType(zs.getDataType(), false).expandDims(-1));
        }
        NDArray q = zt.sub(Scalars.mul(hit, beta)).softmax(-1);
        return q.mul(zs.logSoftmax(-1)).sum(new int[] {-1}).neg();
    }

    /** The mean of {@link #perPosition} over all positions or over the answer-predicting ones. */
    public static NDArray loss(NDArray student, NDArray teacher, NDArray labels, double beta, LossPositions positions,
            boolean referenceQuirks) {
        NDArray ce = perPosition(student, teacher, labels, beta, referenceQuirks);
        if (positions == LossPositions.ALL) {
            return ce.mean();
        }
        NDArray mask = labels.get(new NDIndex(":, 1:")).neq(-100L).toType(ce.getDataType(), false);
        return ce.mul(mask).sum().div(mask.sum());
    }
}
