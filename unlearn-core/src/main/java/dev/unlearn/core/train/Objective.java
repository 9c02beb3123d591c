package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;

/**
 * A training objective: the step's batches in, one scalar loss out. Fine-tuning and every loss-based
 * unlearning method supply one; {@link TrainingLoop} owns everything else (backward, clipping,
 * AdamW, schedule, checkpoints). The loss is <em>minimised</em>: gradient ascent returns the negated
 * NLL.
 *
 * <p>Allocate in {@link StepContext#manager()} (put a step array first in binary operations, since a
 * result joins its first operand's manager); report extra numbers with {@link StepContext#metric}.
 */
@FunctionalInterface
public interface Objective {
    /**
     * Computes the loss of one micro-batch.
     *
     * @param ctx the step: manager, batches, indices, seeded RNG, parameters
     * @return a scalar (one-element) float array that depends differentiably on the parameters
     */
    NDArray loss(StepContext ctx);
}
