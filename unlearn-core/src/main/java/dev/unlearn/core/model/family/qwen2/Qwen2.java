package dev.unlearn.core.model.family.qwen2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.NamedFamily;

/**
 * {@code qwen2} (transformers {@code Qwen2ForCausalLM}, Qwen 2 and 2.5): q/k/v biases always, no o
 * bias. {@code use_sliding_window: true} is refused.
 */
public final class Qwen2 extends NamedFamily {
    public Qwen2() {
        super("qwen2", "Qwen2ForCausalLM");
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        k.refuseTrue("use_sliding_window", "full attention only");
        k.fullAttentionOnly(c.numHiddenLayers());
        return siluLlamaBlock(k, c, true, false);
    }

    /** Qwen2.5-like test values: eps 1e-6, theta 1e6, tied head. */
    @Override
    public void exampleKeys(ObjectNode r) {
        r.put("rms_norm_eps", 1e-6);
        r.put("rope_theta", 1000000.0);
        r.put("tie_word_embeddings", true);
        r.put("attention_bias", true);
    }
}
