package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;

/**
 * A model as a loss sees it: a forward pass over a {@link Batch}. Wiring to core's {@code CausalLm}
 * is one lambda ({@code (b, m) -> lm.forward(b.inputIds(m), b.attentionMask(m), false).logits()});
 * tests pass hand-made logits. Results must live in {@code m} (the step's manager). A reference-model
 * implementation must run without gradient.
 */
@FunctionalInterface
public interface ForwardFn {
    /** Logits {@code [B, T, V]} for the batch (float32 in production, float64 in tests). */
    NDArray logits(Batch batch, NDManager m);

    /**
     * The raw output {@code [B, T, d]} of decoder layer {@code layer} (0-based): what a forward hook on
     * Hugging Face's {@code model.layers[layer]} captures, before the final norm even at the last layer.
     * Implementations may stop the forward there. The default says it is unsupported.
     */
    default NDArray layerOutput(Batch batch, int layer, NDManager m) {
        throw new UnsupportedOperationException("this ForwardFn gives logits only; RMU needs hidden states");
    }
}
