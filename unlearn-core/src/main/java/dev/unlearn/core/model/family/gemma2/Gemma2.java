package dev.unlearn.core.model.family.gemma2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.RopeScaling;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.NamedFamily;

/**
 * {@code gemma2} (transformers {@code Gemma2ForCausalLM}): embeddings times sqrt(hidden_size); RMSNorm
 * with {@code (1 + w)}; four norms per layer; GeGLU MLP with tanh GELU ({@code hidden_activation}
 * {@code gelu_pytorch_tanh}); attention scale {@code query_pre_attn_scalar^-0.5}; attention-logit
 * soft-cap {@code attn_logit_softcapping} and final-logit soft-cap {@code final_logit_softcapping}
 * (null: none); {@code sliding_window} on the layers {@code layer_types} marks
 * {@code sliding_attention}, by default the even-numbered ones (0, 2, ...). Defaults are
 * {@code Gemma2Config}'s: head_dim 256, query_pre_attn_scalar 256, soft-caps 50 and 30, window 4096,
 * tied embeddings.
 */
public final class Gemma2 extends NamedFamily {
    public Gemma2() {
        super("gemma2", "Gemma2ForCausalLM");
    }

    @Override
    public boolean defaultTieWordEmbeddings() {
        return true;
    }

    @Override
    public int defaultHeadDim() {
        return 256;
    }

    @Override
    public Architecture configure(ConfigKeys k, ModelConfig c) {
        // Gemma2MLP reads hidden_activation; hidden_act is a legacy key transformers ignores here
        k.require("hidden_activation", "gelu_pytorch_tanh", "gelu_pytorch_tanh");
        k.refusePresent("rope_scaling", "gemma2 uses plain RoPE");
        boolean bias = k.bool("attention_bias", false);
        double qScalar = k.positive("query_pre_attn_scalar", 256, 0);
        if (qScalar == 0) {
            throw k.bad("query_pre_attn_scalar", "must be a positive number");
        }
        double attnCap = k.positive("attn_logit_softcapping", 50.0, 0.0);
        double finalCap = k.positive("final_logit_softcapping", 30.0, 0.0);
        int window = k.window("sliding_window", 4096);
        int layers = c.numHiddenLayers();
        int[] w = new int[layers];
        JsonNode lt = k.get("layer_types");
        if (lt != null && (!lt.isArray() || lt.size() != layers)) {
            throw k.bad("layer_types", "expected a list of " + layers + " entries, found " + lt);
        }
        for (int i = 0; i < layers; i++) {
            String t = lt == null ? (i % 2 == 0 ? "sliding_attention" : "full_attention") : lt.get(i).asText();
            if ("sliding_attention".equals(t)) {
                w[i] = window;
            } else if (!"full_attention".equals(t)) {
                throw k.bad("layer_types", "entry " + i + " '" + t + "' is not sliding_attention or full_attention");
            }
        }
        return new Architecture(bias, bias, false, false, false, true, true, Math.sqrt(c.hiddenSize()), 1.0,
                Math.pow(qScalar, -0.5), attnCap, finalCap, w, RopeScaling.NONE);
    }

    @Override
    public void exampleKeys(ObjectNode r) {
        r.put("hidden_activation", "gelu_pytorch_tanh");
        r.put("tie_word_embeddings", true);
        r.put("head_dim", r.get("hidden_size").intValue() / r.get("num_attention_heads").intValue());
        r.put("query_pre_attn_scalar", r.get("head_dim").intValue());
        r.put("attn_logit_softcapping", 50.0);
        r.put("final_logit_softcapping", 30.0);
        r.put("sliding_window", 4096);
    }
}
