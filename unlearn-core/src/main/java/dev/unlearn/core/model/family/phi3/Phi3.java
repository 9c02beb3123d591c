package dev.unlearn.core.model.family.phi3;

import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.RopeScaling;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.NamedFamily;

/**
 * {@code phi3} (transformers {@code Phi3ForCausalLM}, Phi-3 mini/medium with 4k context): fused
 * {@code self_attn.qkv_proj} [q + 2 kv, D] (q rows, then k, then v) and {@code mlp.gate_up_proj} [2F, D]
 * (gate rows first), kept fused in memory and on save; no biases; {@code sliding_window} on every layer.
 * Refused: any {@code rope_scaling} (the 128k models' {@code longrope}) and a
 * {@code partial_rotary_factor} other than 1 (Phi-4-mini).
 */
public final class Phi3 extends NamedFamily {
    public Phi3() {
        super("phi3", "Phi3ForCausalLM");
    }

    @Override
    public double defaultRmsNormEps() {
        return 1e-5;
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        k.require("hidden_act", "silu", "silu");
        k.refusePresent("rope_scaling", "phi3 supports plain RoPE only here; longrope is not implemented");
        if (k.positive("partial_rotary_factor", 1.0, 1.0) != 1.0) {
            throw k.bad("partial_rotary_factor", k.get("partial_rotary_factor") + " is not supported (1.0 only)");
        }
        k.refuseTrue("attention_bias", "Phi-3 projections have no bias");
        Architecture a = Architecture.llama(c, false, false, RopeScaling.NONE);
        return new Architecture(false, false, false, true, true, false, false, 1.0, 0.0, a.attentionScale(), 0.0, 0.0,
                a.slidingWindow(), RopeScaling.NONE).withWindow(k.optionalWindow("sliding_window"));
    }
}
