package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.methods.spi.ForwardFn;

/**
 * {@link ForwardFn} over a {@link CausalLm}: logits, and for RMU the raw output of one decoder layer
 * (the forward stops there, so later layers, the final norm and the head take no part and get no
 * gradient). A frozen forward (the reference model) detaches its outputs.
 *
 * @param lm the model
 * @param frozen whether outputs are detached (the reference model)
 */
record LmForward(CausalLm lm, boolean frozen) implements ForwardFn {
    @Override
    public NDArray logits(Batch b, NDManager m) {
        NDArray out = lm.forward(b.inputIds(m), b.attentionMask(m), false).logits();
        return frozen ? out.stopGradient() : out;
    }

    @Override
    public NDArray layerOutput(Batch b, int layer, NDManager m) {
        NDArray h = lm.layerOutput(b.inputIds(m), b.attentionMask(m), layer);
        return frozen ? h.stopGradient() : h;
    }
}
