package dev.unlearn.core.model;

import java.util.Arrays;

/**
 * How one family's decoder block differs from the Llama block, as read from its {@code config.json} by
 * its {@link ModelFamily}. The Llama values are {@link #llama(boolean, boolean)}; each field names the
 * Hugging Face code that it mirrors.
 *
 * @param qkvBias q/k/v projections carry biases
 * @param oBias the output projection carries a bias
 * @param qkNorm per-head RMSNorm {@code self_attn.q_norm}/{@code k_norm} on q and k before RoPE (Qwen3)
 * @param fusedQkv one {@code self_attn.qkv_proj.weight} [q + 2 kv, D] in the checkpoint (Phi-3)
 * @param fusedGateUp one {@code mlp.gate_up_proj.weight} [2F, D], gate rows first (Phi-3)
 * @param sandwichNorms Gemma 2's four norms per layer: the attention and MLP outputs are normed
 *     ({@code post_attention_layernorm}, {@code post_feedforward_layernorm}) before the residual add,
 *     and the MLP input by {@code pre_feedforward_layernorm}
 * @param geluTanh MLP activation GELU with the tanh approximation ({@code gelu_pytorch_tanh}) instead of SiLU
 * @param embedScale factor on the token embeddings (Gemma: sqrt(hidden_size); else 1)
 * @param normOffset RMSNorm multiplies by {@code normOffset + w} (Gemma: 1; else 0)
 * @param attentionScale factor on q.k (1/sqrt(head_dim), or Gemma 2's query_pre_attn_scalar^-0.5)
 * @param attnSoftcap attention-logit soft-cap c: {@code c * tanh(s / c)} before the mask; 0 for none
 * @param finalSoftcap final-logit soft-cap; 0 for none
 * @param slidingWindow per layer, the number of keys a query sees (itself included; HF
 *     {@code q - kv < window}); 0 for full causal attention
 * @param ropeScaling how RoPE frequencies are scaled ({@link RopeScaling#NONE} for plain RoPE)
 */
public record Architecture(boolean qkvBias, boolean oBias, boolean qkNorm, boolean fusedQkv, boolean fusedGateUp,
        boolean sandwichNorms, boolean geluTanh, double embedScale, double normOffset, double attentionScale,
        double attnSoftcap, double finalSoftcap, int[] slidingWindow, RopeScaling ropeScaling) {

    public Architecture {
        slidingWindow = slidingWindow.clone();
    }

    /** The Llama block for {@code c} (its head_dim sets the attention scale), with the given biases. */
    public static Architecture llama(ModelConfig c, boolean qkvBias, boolean oBias, RopeScaling rope) {
        return new Architecture(qkvBias, oBias, false, false, false, false, false, 1.0, 0.0,
                1.0 / Math.sqrt(c.headDim()), 0.0, 0.0, new int[c.numHiddenLayers()], rope);
    }

    /** A copy with one sliding window for every layer (0 for none). */
    public Architecture withWindow(int window) {
        int[] w = new int[slidingWindow.length];
        Arrays.fill(w, window);
        return new Architecture(qkvBias, oBias, qkNorm, fusedQkv, fusedGateUp, sandwichNorms, geluTanh, embedScale,
                normOffset, attentionScale, attnSoftcap, finalSoftcap, w, ropeScaling);
    }

    /** The sliding window of layer {@code i} (0 for full attention). */
    public int window(int i) {
        return slidingWindow[i];
    }

    /** Whether any layer uses a sliding window. */
    public boolean anyWindow() {
        return Arrays.stream(slidingWindow).anyMatch(x -> x > 0);
    }

    @Override
    public int[] slidingWindow() {
        return slidingWindow.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && a.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Architecture[qkvBias=" + qkvBias + ", oBias=" + oBias + ", qkNorm=" + qkNorm + ", fusedQkv=" + fusedQkv
                + ", fusedGateUp=" + fusedGateUp + ", sandwichNorms=" + sandwichNorms + ", geluTanh=" + geluTanh
                + ", embedScale=" + embedScale + ", normOffset=" + normOffset + ", attentionScale=" + attentionScale
                + ", attnSoftcap=" + attnSoftcap + ", finalSoftcap=" + finalSoftcap + ", slidingWindow="
                + Arrays.toString(slidingWindow) + ", rope=" + ropeScaling + "]";
    }
}
