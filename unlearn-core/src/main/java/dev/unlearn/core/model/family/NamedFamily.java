package dev.unlearn.core.model.family;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.RopeScaling;
import java.util.Objects;

/**
 * The common part of a {@link ModelFamily}: its two names, given once to the constructor, and the
 * Llama-block reading most families start from. A family extends this and overrides only what differs.
 */
public abstract class NamedFamily implements ModelFamily {
    private final String modelType;
    private final String architectureClass;

    /**
     * @param modelType the {@code model_type} value ({@code llama})
     * @param architectureClass the transformers class ({@code LlamaForCausalLM})
     */
    protected NamedFamily(String modelType, String architectureClass) {
        this.modelType = Objects.requireNonNull(modelType, "modelType");
        this.architectureClass = Objects.requireNonNull(architectureClass, "architectureClass");
    }

    @Override
    public final String modelType() {
        return modelType;
    }

    @Override
    public final String architectureClass() {
        return architectureClass;
    }

    /**
     * The Llama block with SiLU (refusing any other {@code hidden_act}) and the config's
     * {@code rope_scaling}, with or without q/k/v and o biases.
     */
    protected static Architecture siluLlamaBlock(ConfigKeys k, ModelConfig c, boolean qkvBias, boolean oBias) {
        k.require("hidden_act", "silu", "silu");
        return Architecture.llama(c, qkvBias, oBias, RopeScaling.parse(k.get("rope_scaling"), c.source()));
    }
}
