package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDManager;

/**
 * A loss-based method bound to its config: one step's loss from the policy and reference forwards.
 * Core's {@code Objective} wraps this in one line:
 * {@code ctx -> lossMethod.loss(policy, reference, new StepBatches(ctx.forget(), ctx.retain(), …), ctx.manager()).total()}.
 * The training loop owns backward, clipping, the optimizer and the NaN guard.
 */
@FunctionalInterface
public interface LossMethod {
    /**
     * Computes the step loss.
     *
     * @param policy π_θ forward (with gradient)
     * @param reference π_ref forward (no gradient), or null when the method does not need it
     * @param batches the step's batches
     * @param step the step's manager; every array created lands here
     * @return the total loss and its terms
     */
    StepLoss loss(ForwardFn policy, ForwardFn reference, StepBatches batches, NDManager step);

    /** Shorthand for the common forget + retain step; returns only the scalar to back-propagate. */
    default ai.djl.ndarray.NDArray loss(ForwardFn policy, ForwardFn reference, dev.unlearn.core.data.Batch forget,
            dev.unlearn.core.data.Batch retain, NDManager step) {
        return loss(policy, reference, StepBatches.of(forget, retain), step).total();
    }

    /**
     * Which parameters (Hugging Face names) the optimizer updates; all by default. RMU restricts it
     * ({@code trainable_params_regex}); parameters outside it must get neither updates nor weight decay.
     */
    default java.util.function.Predicate<String> trainable() {
        return name -> true;
    }
}
