package dev.unlearn.core.model.family.mistral;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.NamedFamily;

/**
 * {@code mistral} (transformers {@code MistralForCausalLM}): the Llama block without biases; a non-null
 * {@code sliding_window} (Mistral 7B v0.1: 4096) limits every layer's attention to that many keys, as
 * transformers does. {@code head_dim} is honoured when given.
 */
public final class Mistral extends NamedFamily {
    public Mistral() {
        super("mistral", "MistralForCausalLM");
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        k.refuseTrue("attention_bias", "Mistral projections have no bias");
        return siluLlamaBlock(k, c, false, false)
                .withWindow(k.optionalWindow("sliding_window"));
    }
}
