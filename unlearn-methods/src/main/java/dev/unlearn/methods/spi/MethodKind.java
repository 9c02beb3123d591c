package dev.unlearn.methods.spi;

/** How a method acts on the model; the CLI and recipe runner pick the driver from this. */
public enum MethodKind {
    /** Supplies a per-step loss to core's training loop ({@link LossMethod}). */
    LOSS_BASED,
    /** Edits the weights once, in place, without a training loop (SSD). */
    DIRECT_EDIT,
    /** Leaves the weights untouched and changes decoding (GUARD). */
    GENERATION_TIME
}
