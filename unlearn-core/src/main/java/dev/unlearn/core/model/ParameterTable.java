package dev.unlearn.core.model;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;

/**
 * The one table of Hugging Face tensor names for the Llama family (llama, qwen2) and their shapes
 * under a config. DJL block names never equal HF names, so everything that reads, writes or trains
 * weights goes through this table.
 */
public final class ParameterTable {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private ParameterTable() {}

    /** Name of a per-layer tensor, e.g. {@code layer(3, "self_attn.q_proj.weight")}. */
    public static String layer(int i, String suffix) {
        return "model.layers." + i + "." + suffix;
    }

    /** Every tensor the config implies, in HF order, with its shape. */
    public static LinkedHashMap<String, Shape> shapes(ModelConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long f = c.intermediateSize();
        LinkedHashMap<String, Shape> m = new LinkedHashMap<>();
        m.put(EMBED, new Shape(c.vocabSize(), d));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            m.put(layer(i, "input_layernorm.weight"), new Shape(d));
            m.put(layer(i, "self_attn.q_proj.weight"), new Shape(q, d));
            if (c.qkvBias()) {
                m.put(layer(i, "self_attn.q_proj.bias"), new Shape(q));
            }
            m.put(layer(i, "self_attn.k_proj.weight"), new Shape(kv, d));
            if (c.qkvBias()) {
                m.put(layer(i, "self_attn.k_proj.bias"), new Shape(kv));
            }
            m.put(layer(i, "self_attn.v_proj.weight"), new Shape(kv, d));
            if (c.qkvBias()) {
                m.put(layer(i, "self_attn.v_proj.bias"), new Shape(kv));
            }
            m.put(layer(i, "self_attn.o_proj.weight"), new Shape(d, q));
            if (c.oBias()) {
                m.put(layer(i, "self_attn.o_proj.bias"), new Shape(d));
            }
            m.put(layer(i, "post_attention_layernorm.weight"), new Shape(d));
            m.put(layer(i, "mlp.gate_proj.weight"), new Shape(f, d));
            m.put(layer(i, "mlp.up_proj.weight"), new Shape(f, d));
            m.put(layer(i, "mlp.down_proj.weight"), new Shape(d, f));
        }
        m.put(NORM, new Shape(d));
        if (!c.tieWordEmbeddings()) {
            m.put(LM_HEAD, new Shape(c.vocabSize(), d));
        }
        return m;
    }

    /** Whether a tensor is a norm weight (initialised to one). */
    public static boolean isNorm(String name) {
        return name.endsWith("layernorm.weight") || name.equals(NORM);
    }
}
