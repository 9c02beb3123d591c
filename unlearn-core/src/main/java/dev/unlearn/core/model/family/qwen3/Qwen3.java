package dev.unlearn.core.model.family.qwen3;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.NamedFamily;

/**
 * {@code qwen3} (transformers {@code Qwen3ForCausalLM}): per-head RMSNorm {@code q_norm}/{@code k_norm}
 * (weights [head_dim]) on q and k before RoPE; {@code head_dim} explicit (128 when absent, the
 * {@code Qwen3Config} default); q/k/v/o biases when {@code attention_bias}. Sliding windows refused.
 */
public final class Qwen3 extends NamedFamily {
    public Qwen3() {
        super("qwen3", "Qwen3ForCausalLM");
    }

    @Override
    public int defaultHeadDim() {
        return 128;
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        k.refuseTrue("use_sliding_window", "full attention only");
        k.fullAttentionOnly(c.numHiddenLayers());
        boolean bias = k.bool("attention_bias", false);
        Architecture a = siluLlamaBlock(k, c, bias, bias);
        return new Architecture(a.qkvBias(), a.oBias(), true, false, false, false, false, 1.0, 0.0,
                a.attentionScale(), 0.0, 0.0, a.slidingWindow(), a.ropeScaling());
    }
}
