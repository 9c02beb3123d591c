package dev.unlearn.core.model;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;

/**
 * The one table of Hugging Face tensor names of every family and their shapes under a config (the
 * table itself belongs to each {@link dev.unlearn.core.model.family.ModelFamily}). DJL block names never equal HF names, so everything that reads, writes or trains
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

    /** Every tensor the config implies, in HF order, with its shape (the family's table). */
    public static LinkedHashMap<String, Shape> shapes(ModelConfig c) {
        return c.family().tensors(c);
    }

    /** Whether a tensor is a norm weight (initialised to one). */
    public static boolean isNorm(String name) {
        return name.endsWith("layernorm.weight") || name.endsWith("_norm.weight") || name.equals(NORM);
    }
}
