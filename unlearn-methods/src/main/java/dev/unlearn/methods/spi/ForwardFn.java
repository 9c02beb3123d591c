package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.score.TokenLogProbs;

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

    /**
     * {@code NLL_sum} per sample over the answer positions (methods.md §0), {@code [B]}: by default from
     * {@link #logits} cast to float32 when they are of a half type, as the sequence losses compute it.
     * A cached reference serves it from the values stored per example.
     */
    default NDArray nllSum(Batch batch, NDManager m) {
        NDArray z = logits(batch, m);
        DataType dt = z.getDataType();
        NDArray logits = dt == DataType.FLOAT32 || dt == DataType.FLOAT64 ? z : z.toType(DataType.FLOAT32, false);
        return TokenLogProbs.of(logits, batch.labels(m)).sumPerSample().neg();
    }
}
