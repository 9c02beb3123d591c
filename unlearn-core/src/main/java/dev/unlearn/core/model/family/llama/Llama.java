package dev.unlearn.core.model.family.llama;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.RopeScaling;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.ModelFamily;

/**
 * {@code llama} (transformers {@code LlamaForCausalLM}): Llama 2 and 3.x. {@code attention_bias}
 * gives q/k/v and o biases; {@code rope_scaling} {@code linear} and {@code llama3} are supported.
 */
public final class Llama implements ModelFamily {
    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public String architectureClass() {
        return "LlamaForCausalLM";
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        k.require("hidden_act", "silu", "silu");
        boolean bias = k.bool("attention_bias", false);
        return Architecture.llama(c, bias, bias, RopeScaling.parse(k.get("rope_scaling"), c.source()));
    }
}
