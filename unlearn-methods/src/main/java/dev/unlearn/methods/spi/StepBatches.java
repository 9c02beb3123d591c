package dev.unlearn.methods.spi;

import dev.unlearn.core.data.Batch;
import java.util.Objects;

/**
 * The batches one training step sees (methods.md §1.1): a forget batch, and optionally a retain batch
 * (paired by the loader), a template batch (FLAT: the same forget questions with template answers) and
 * a prompt-decouple batch (PD: aligned with the forget batch by index).
 *
 * @param forget forget batch, never null
 * @param retain retain batch or null
 * @param templates template-answer batch or null
 * @param decoupled prompt-decouple batch or null
 */
public record StepBatches(Batch forget, Batch retain, Batch templates, Batch decoupled) {
    public StepBatches {
        Objects.requireNonNull(forget, "forget batch");
    }

    public static StepBatches of(Batch forget, Batch retain) {
        return new StepBatches(forget, retain, null, null);
    }
}
