package dev.unlearn.methods.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.unlearn.core.data.Batch;
import dev.unlearn.methods.spi.ForwardFn;

/**
 * Retain losses of methods.md §1.2 [REF OU {@code GradDiff.compute_retain_loss},
 * {@code compute_kl_divergence}].
 *
 * <pre>
 *   NLL: L_retain = NLL_pool(retain batch) under π_θ
 *   KL : L_retain = (1/N_rows) Σ_rows Σ_v p_ref(v)·(log p_ref(v) − log p_θ(v))
 *        rows = all B·T positions (kl_positions = all, = PyTorch kl_div(batchmean, log_target) on (B·T, V))
 *             | the answer-predicting positions A (kl_positions = answer) [OURS]
 * </pre>
 *
 * Computed as {@code Σ exp(lr)·(lr − lθ)} on log-softmaxes, never by dividing probabilities.
 */
public final class RetainLosses {
    private RetainLosses() {}

    /** Per-row {@code KL(π_ref ‖ π_θ)}, {@code [B, T]}, from logits {@code [B, T, V]}. */
    public static NDArray klPerRow(NDArray policyLogits, NDArray referenceLogits) {
        NDArray lt = StableMath.computeType(policyLogits).logSoftmax(-1);
        NDArray lr = StableMath.computeType(referenceLogits).logSoftmax(-1);
        return lr.exp().mul(lr.sub(lt)).sum(new int[] {-1});
    }

    /**
     * KL retain loss; scalar.
     *
     * @param labels {@code [B, T]}, used only for {@link LossPositions#ANSWER}
     */
    public static NDArray kl(NDArray policyLogits, NDArray referenceLogits, NDArray labels, LossPositions positions) {
        NDArray rows = klPerRow(policyLogits, referenceLogits);
        if (positions == LossPositions.ALL) {
            return rows.mean();
        }
        long t = rows.getShape().get(1);
        NDArray shifted = rows.get(new NDIndex(":, :{}", t - 1));
        NDArray mask = labels.get(new NDIndex(":, 1:")).neq(-100L).toType(shifted.getDataType(), false);
        return shifted.mul(mask).sum().div(mask.sum());
    }

    /** The configured retain term on a retain batch. {@code reference} may be null for NLL. */
    public static NDArray retainLoss(RetainLossType type, LossPositions positions, ForwardFn policy,
            ForwardFn reference, Batch retain, NDManager m) {
        NDArray labels = retain.labels(m);
        NDArray logits = policy.logits(retain, m);
        if (type == RetainLossType.NLL) {
            return SequenceLosses.pooledNll(logits, labels);
        }
        if (reference == null) {
            throw new IllegalStateException("retain_loss_type KL needs the reference model's forward");
        }
        return kl(logits, reference.logits(retain, m).stopGradient(), labels, positions);
    }
}
