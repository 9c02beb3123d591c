package dev.unlearn.core.model.family.llama;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.NamedFamily;

/**
 * {@code llama} (transformers {@code LlamaForCausalLM}): Llama 2 and 3.x. {@code attention_bias}
 * gives q/k/v and o biases; {@code rope_scaling} {@code linear} and {@code llama3} are supported.
 */
public final class Llama extends NamedFamily {
    public Llama() {
        super("llama", "LlamaForCausalLM");
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        boolean bias = k.bool("attention_bias", false);
        return siluLlamaBlock(k, c, bias, bias);
    }
}
