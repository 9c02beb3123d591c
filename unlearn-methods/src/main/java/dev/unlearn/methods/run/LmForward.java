package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.methods.spi.ForwardFn;
import java.util.List;

/**
 * {@link ForwardFn} over a {@link CausalLm}: logits, and {@code hidden_states[index]} for RMU
 * ({@code hidden_states[0]} the embeddings, {@code hidden_states[l+1]} block {@code l}'s output, the last
 * one after the final norm, as Hugging Face). A frozen forward (the reference model) detaches its outputs.
 */
final class LmForward implements ForwardFn {
    private final CausalLm lm;
    private final boolean frozen;

    LmForward(CausalLm lm, boolean frozen) {
        this.lm = lm;
        this.frozen = frozen;
    }

    @Override
    public NDArray logits(Batch b, NDManager m) {
        NDArray out = lm.forward(b.inputIds(m), b.attentionMask(m), false).logits();
        return frozen ? out.stopGradient() : out;
    }

    @Override
    public NDArray hidden(Batch b, int index, NDManager m) {
        List<NDArray> hs = lm.forward(b.inputIds(m), b.attentionMask(m), true).hiddenStates();
        if (index < 0 || index >= hs.size()) {
            throw new IllegalArgumentException("hidden_states[" + index + "] does not exist; the model gives "
                    + hs.size() + " (0 … " + (hs.size() - 1) + ")");
        }
        NDArray h = hs.get(index);
        return frozen ? h.stopGradient() : h;
    }
}
