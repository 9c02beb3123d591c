package dev.unlearn.methods.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * One output of π_ref that a loss plan asks for (in its {@link LossPlan.ReferencePass} or in its steps),
 * declared in {@link LossPlan.CacheableReference} so that the runner can compute it once per example
 * before the first update and serve it from a cache instead of keeping a second model resident.
 *
 * @param batch which step batch the output is asked for on
 * @param output what is asked: {@link ForwardFn#logits}, {@link ForwardFn#layerOutput} or {@link ForwardFn#nllSum}
 * @param layer the decoder layer for {@link Output#LAYER_OUTPUT} (0-based), else −1
 */
public record ReferenceUse(StepBatch batch, Output output, int layer) {
    /**
     * The batch a use is on: a step batch ({@link StepBatches}' fields) or the forget batches of the
     * {@link LossPlan.ReferencePass} ({@code PASS}: the forget set in dataset order, the run's batch size).
     */
    public enum StepBatch {
        FORGET, RETAIN, TEMPLATES, PASS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kinds of output, with what one example costs in a cache. */
    public enum Output {
        /** Logits {@code [T, V]} per example. */
        LOGITS,
        /** The raw output {@code [T, d]} of one decoder layer per example. */
        LAYER_OUTPUT,
        /** {@code NLL_sum} over the answer positions: one number per example. */
        NLL_SUM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ReferenceUse {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(output, "output");
        if ((output == Output.LAYER_OUTPUT) != (layer >= 0)) {
            throw new IllegalArgumentException("a layer index goes with LAYER_OUTPUT only: " + output + ", " + layer);
        }
    }

    /** π_ref's logits on a step batch (KL retain terms, UNDIAL's teacher). */
    public static ReferenceUse logits(StepBatch batch) {
        return new ReferenceUse(batch, Output.LOGITS, -1);
    }

    /** π_ref's output of decoder layer {@code layer} on a step batch (RMU's retain activations). */
    public static ReferenceUse layerOutput(StepBatch batch, int layer) {
        return new ReferenceUse(batch, Output.LAYER_OUTPUT, layer);
    }

    /** π_ref's {@code NLL_sum} per sample on a step batch (NPO, DPO). */
    public static ReferenceUse nllSum(StepBatch batch) {
        return new ReferenceUse(batch, Output.NLL_SUM, -1);
    }

    /** A short name for files and messages: {@code retain/logits}, {@code retain/layer3}. */
    public String label() {
        return batch.label() + "/" + (output == Output.LAYER_OUTPUT ? "layer" + layer : output.label());
    }
}
