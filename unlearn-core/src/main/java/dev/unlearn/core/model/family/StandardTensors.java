package dev.unlearn.core.model.family;

import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.ParameterTable;
import java.util.LinkedHashMap;

/**
 * The Hugging Face tensor table of a Llama-style decoder, driven by the {@link Architecture} flags that
 * change names or shapes (biases, q/k norms, fused Phi-3 projections, Gemma 2's four norms). Order is
 * the order transformers' {@code state_dict} lists them.
 */
public final class StandardTensors {
    private StandardTensors() {}

    public static LinkedHashMap<String, Shape> table(ModelConfig c, Architecture a) {
        long d = c.hiddenSize();
        long dh = c.headDim();
        long q = (long) c.numAttentionHeads() * dh;
        long kv = (long) c.numKeyValueHeads() * dh;
        long f = c.intermediateSize();
        LinkedHashMap<String, Shape> m = new LinkedHashMap<>();
        m.put(ParameterTable.EMBED, new Shape(c.vocabSize(), d));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            m.put(ParameterTable.layer(i, "input_layernorm.weight"), new Shape(d));
            if (a.fusedQkv()) {
                m.put(ParameterTable.layer(i, "self_attn.qkv_proj.weight"), new Shape(q + 2 * kv, d));
            } else {
                projection(m, i, "q_proj", q, d, a.qkvBias());
                projection(m, i, "k_proj", kv, d, a.qkvBias());
                projection(m, i, "v_proj", kv, d, a.qkvBias());
            }
            projection(m, i, "o_proj", d, q, a.oBias());
            if (a.qkNorm()) {
                m.put(ParameterTable.layer(i, "self_attn.q_norm.weight"), new Shape(dh));
                m.put(ParameterTable.layer(i, "self_attn.k_norm.weight"), new Shape(dh));
            }
            m.put(ParameterTable.layer(i, "post_attention_layernorm.weight"), new Shape(d));
            if (a.sandwichNorms()) {
                m.put(ParameterTable.layer(i, "pre_feedforward_layernorm.weight"), new Shape(d));
                m.put(ParameterTable.layer(i, "post_feedforward_layernorm.weight"), new Shape(d));
            }
            if (a.fusedGateUp()) {
                m.put(ParameterTable.layer(i, "mlp.gate_up_proj.weight"), new Shape(2 * f, d));
            } else {
                m.put(ParameterTable.layer(i, "mlp.gate_proj.weight"), new Shape(f, d));
                m.put(ParameterTable.layer(i, "mlp.up_proj.weight"), new Shape(f, d));
            }
            m.put(ParameterTable.layer(i, "mlp.down_proj.weight"), new Shape(d, f));
        }
        m.put(ParameterTable.NORM, new Shape(d));
        if (!c.tieWordEmbeddings()) {
            m.put(ParameterTable.LM_HEAD, new Shape(c.vocabSize(), d));
        }
        return m;
    }

    private static void projection(LinkedHashMap<String, Shape> m, int i, String name, long out, long in,
            boolean bias) {
        m.put(ParameterTable.layer(i, "self_attn." + name + ".weight"), new Shape(out, in));
        if (bias) {
            m.put(ParameterTable.layer(i, "self_attn." + name + ".bias"), new Shape(out));
        }
    }
}
