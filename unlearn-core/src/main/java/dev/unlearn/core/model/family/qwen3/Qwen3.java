package dev.unlearn.core.model.family.qwen3;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.RopeScaling;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.ModelFamily;

/**
 * {@code qwen3} (transformers {@code Qwen3ForCausalLM}): per-head RMSNorm {@code q_norm}/{@code k_norm}
 * (weights [head_dim]) on q and k before RoPE; {@code head_dim} explicit (128 when absent, the
 * {@code Qwen3Config} default); q/k/v/o biases when {@code attention_bias}. Sliding windows refused.
 */
public final class Qwen3 implements ModelFamily {
    @Override
    public String modelType() {
        return "qwen3";
    }

    @Override
    public String architectureClass() {
        return "Qwen3ForCausalLM";
    }

    @Override
    public int defaultHeadDim() {
        return 128;
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        k.require("hidden_act", "silu", "silu");
        k.refuseTrue("use_sliding_window", "full attention only");
        k.fullAttentionOnly(c.numHiddenLayers());
        boolean bias = k.bool("attention_bias", false);
        Architecture a = Architecture.llama(c, bias, bias, RopeScaling.parse(k.get("rope_scaling"), c.source()));
        return new Architecture(a.qkvBias(), a.oBias(), true, false, false, false, false, 1.0, 0.0,
                a.attentionScale(), 0.0, 0.0, a.slidingWindow(), a.ropeScaling());
    }
}
