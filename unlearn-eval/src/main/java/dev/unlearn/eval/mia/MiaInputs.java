package dev.unlearn.eval.mia;

import dev.unlearn.eval.spi.InputKey;

/** Input keys of the MIA metrics. */
public final class MiaInputs {
    /** Forget-set samples (TOFU {@code forgetXX_perturbed} QA, MUSE {@code privleak/forget}). */
    public static final InputKey<MiaSamples> FORGET = InputKey.of("mia_forget", MiaSamples.class);
    /** Holdout-set samples (TOFU {@code holdoutXX}, MUSE {@code privleak/holdout}). */
    public static final InputKey<MiaSamples> HOLDOUT = InputKey.of("mia_holdout", MiaSamples.class);
    /** Present (true) when the samples carry GradNorm gradient norms (one backward pass per sample, opt-in). */
    public static final InputKey<Boolean> GRADIENT_NORMS = InputKey.of("mia_gradient_norms", Boolean.class);
    /** Present (true) when the samples carry reference losses (a retain model was given). */
    public static final InputKey<Boolean> REFERENCE_LOSSES = InputKey.of("mia_reference_losses", Boolean.class);
    /** Min-K% and Min-K%++ fraction; default {@value #DEFAULT_K} as in the shipped configs. */
    public static final InputKey<Double> K = InputKey.of("mia_k", Double.class);
    /** Default k. */
    public static final double DEFAULT_K = 0.4;

    private MiaInputs() {}
}
