#!/usr/bin/env python3
"""Writes random-weight checkpoints, one per family / rope type, in two formats: a Hugging Face
directory (config.json + model.safetensors, what unlearn loads) and a GGUF file with the same weights
(what llama.cpp loads), plus a prompt of random token ids. See README.md for the whole comparison.

The GGUF is written with llama.cpp's own gguf-py package (from the llama.cpp source that node-llama-cpp
ships, path given by --gguf-py), following llama.cpp's conversion conventions: q/k rows of llama-arch
models permuted from Hugging Face's rotate-half order into interleaved pairs, Gemma norms stored as
1 + w, Gemma 2 post norms, Phi-3's fused tensors as attn_qkv / ffn_up, llama3 rope scaling as a
rope_freqs tensor of per-frequency divisors, linear scaling as metadata.

Usage: python3 make_cases.py --gguf-py DIR --out DIR [--seed N] [--only NAME]
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np

BASE = dict(hidden_size=128, intermediate_size=256, num_hidden_layers=3, num_attention_heads=4,
            num_key_value_heads=2, vocab_size=512, rms_norm_eps=1e-5, rope_theta=10000.0,
            max_position_embeddings=4096, bos_token_id=1, eos_token_id=2, torch_dtype="float32",
            tie_word_embeddings=False, hidden_act="silu")
LLAMA32_ROPE = {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                "original_max_position_embeddings": 8192}

# name: (model_type, config overrides, prompt length)
CASES = {
    "llama": ("llama", {}, 700),
    "llama-attn-bias": ("llama", {"attention_bias": True}, 300),
    "llama3-scaling": ("llama", {"rope_theta": 500000.0, "rope_scaling": LLAMA32_ROPE, "head_dim": 32,
                                 "max_position_embeddings": 131072}, 1200),
    "llama-linear": ("llama", {"rope_scaling": {"rope_type": "linear", "factor": 4.0}}, 800),
    "mistral": ("mistral", {"sliding_window": None, "rope_theta": 1000000.0}, 700),
    "qwen2": ("qwen2", {"tie_word_embeddings": True, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0}, 600),
    "qwen3": ("qwen3", {"head_dim": 48, "tie_word_embeddings": True, "rms_norm_eps": 1e-6,
                        "rope_theta": 1000000.0}, 600),
    "gemma2": ("gemma2", {"head_dim": 32, "query_pre_attn_scalar": 32, "hidden_activation": "gelu_pytorch_tanh",
                          "attn_logit_softcapping": 1.0, "final_logit_softcapping": 5.0, "sliding_window": 128,
                          "tie_word_embeddings": True, "rms_norm_eps": 1e-6}, 400),
    # llama.cpp disables Phi-3's sliding window (src/models/phi3.cpp), so the prompt stays inside it
    "phi3": ("phi3", {"sliding_window": 2047, "rope_theta": 10000.0}, 600),
}
ARCH = {"LlamaForCausalLM": "llama", "MistralForCausalLM": "llama", "Qwen2ForCausalLM": "qwen2",
        "Qwen3ForCausalLM": "qwen3", "Gemma2ForCausalLM": "gemma2", "Phi3ForCausalLM": "phi3"}
CLASS = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM",
         "qwen3": "Qwen3ForCausalLM", "gemma2": "Gemma2ForCausalLM", "phi3": "Phi3ForCausalLM"}


def config(mt, over):
    c = dict(BASE)
    c.update(over)
    c["model_type"] = mt
    c["architectures"] = [CLASS[mt]]
    return c


def tensors(c, rng):
    """HF-named float32 tensors; norms random around their neutral value so that a wrong norm shows."""
    mt = c["model_type"]
    d, f, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    h, kvh = c["num_attention_heads"], c["num_key_value_heads"]
    dh = c.get("head_dim") or d // h
    gemma = mt == "gemma2"
    w = lambda *s: (rng.standard_normal(s) * 0.08).astype(np.float32)
    norm = lambda n: ((0.0 if gemma else 1.0) + rng.standard_normal(n) * 0.1).astype(np.float32)
    bias = mt == "qwen2" or c.get("attention_bias", False)
    # tied heads get small embeddings, else every token predicts itself and greedy decoding only repeats
    scale = 0.02 if gemma else (0.08 if c["tie_word_embeddings"] else 0.5)
    t = {"model.embed_tokens.weight": (rng.standard_normal((v, d)) * scale).astype(np.float32)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        t[p + "input_layernorm.weight"] = norm(d)
        if mt == "phi3":
            t[p + "self_attn.qkv_proj.weight"] = w(h * dh + 2 * kvh * dh, d)
        else:
            t[p + "self_attn.q_proj.weight"] = w(h * dh, d)
            t[p + "self_attn.k_proj.weight"] = w(kvh * dh, d)
            t[p + "self_attn.v_proj.weight"] = w(kvh * dh, d)
            if bias:
                t[p + "self_attn.q_proj.bias"] = w(h * dh)
                t[p + "self_attn.k_proj.bias"] = w(kvh * dh)
                t[p + "self_attn.v_proj.bias"] = w(kvh * dh)
        t[p + "self_attn.o_proj.weight"] = w(d, h * dh)
        if bias and mt == "llama":
            t[p + "self_attn.o_proj.bias"] = w(d)
        if mt == "qwen3":
            t[p + "self_attn.q_norm.weight"] = norm(dh)
            t[p + "self_attn.k_norm.weight"] = norm(dh)
        t[p + "post_attention_layernorm.weight"] = norm(d)
        if gemma:
            t[p + "pre_feedforward_layernorm.weight"] = norm(d)
            t[p + "post_feedforward_layernorm.weight"] = norm(d)
        if mt == "phi3":
            t[p + "mlp.gate_up_proj.weight"] = w(2 * f, d)
        else:
            t[p + "mlp.gate_proj.weight"] = w(f, d)
            t[p + "mlp.up_proj.weight"] = w(f, d)
        t[p + "mlp.down_proj.weight"] = w(d, f)
    t["model.norm.weight"] = norm(d)
    if not c["tie_word_embeddings"]:
        t["lm_head.weight"] = w(v, d)
    return t


def write_safetensors(path, ts):
    header, off, blobs = {}, 0, []
    for n, a in ts.items():
        b = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header[n] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def permute(w, n_head):
    """HF rotate-half rows to llama.cpp's interleaved pairs (llama arch only)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def llama3_factors(c, dh):
    """Per-frequency divisors of Meta's llama3 scaling (apply_scaling in meta-llama/llama-models)."""
    r = c["rope_scaling"]
    out = []
    for i in range(0, dh, 2):
        freq = 1.0 / (c["rope_theta"] ** (i / dh))
        wavelen = 2 * math.pi / freq
        lo = r["original_max_position_embeddings"] / r["low_freq_factor"]
        hi = r["original_max_position_embeddings"] / r["high_freq_factor"]
        if wavelen < hi:
            out.append(1.0)
        elif wavelen > lo:
            out.append(r["factor"])
        else:
            s = (r["original_max_position_embeddings"] / wavelen - r["low_freq_factor"]) / (
                r["high_freq_factor"] - r["low_freq_factor"])
            out.append(1.0 / ((1 - s) / r["factor"] + s))
    return np.array(out, dtype=np.float32)


def write_gguf(path, c, ts, gguf, control=None):
    """control (a negative check that the comparison notices): 'no-rope-scaling' drops the scaling,
    'no-swa' widens the sliding window past the prompt, 'no-softcap' drops the soft-caps."""
    mt = c["model_type"]
    arch = ARCH[c["architectures"][0]]
    d, h, kvh = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    dh = c.get("head_dim") or d // h
    g = gguf.GGUFWriter(path, arch)
    g.add_context_length(c["max_position_embeddings"])
    g.add_embedding_length(d)
    g.add_block_count(c["num_hidden_layers"])
    g.add_feed_forward_length(c["intermediate_size"])
    g.add_head_count(h)
    g.add_head_count_kv(kvh)
    g.add_layer_norm_rms_eps(c["rms_norm_eps"])
    g.add_rope_freq_base(c["rope_theta"])
    g.add_rope_dimension_count(dh)
    g.add_key_length(dh)
    g.add_value_length(dh)
    g.add_vocab_size(c["vocab_size"])
    g.add_file_type(gguf.LlamaFileType.ALL_F32)
    rs = None if control == "no-rope-scaling" else c.get("rope_scaling")
    if rs and rs["rope_type"] == "linear":
        g.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        g.add_rope_scaling_factor(rs["factor"])
    if mt == "gemma2":
        if control != "no-softcap":
            g.add_attn_logit_softcapping(c["attn_logit_softcapping"])
            g.add_final_logit_softcapping(c["final_logit_softcapping"])
        else:
            g.add_attn_logit_softcapping(1e9)
            g.add_final_logit_softcapping(1e9)
        g.add_sliding_window(1 << 20 if control == "no-swa" else c["sliding_window"])
    if mt == "phi3" and c.get("sliding_window"):
        g.add_sliding_window(c["sliding_window"])
    # a placeholder SentencePiece-style vocabulary: the comparison feeds token ids directly
    v = c["vocab_size"]
    g.add_tokenizer_model("llama")
    # (llama.cpp's SentencePiece loader needs the 256 byte tokens <0x00>..<0xFF>)
    g.add_token_list([b"<unk>", b"<s>", b"</s>"] + [("<0x%02X>" % b).encode() for b in range(256)]
                     + [("t%d" % i).encode() for i in range(259, v)])
    g.add_token_scores([0.0] * v)
    g.add_token_types([2, 3, 3] + [6] * 256 + [1] * (v - 259))
    g.add_bos_token_id(1)
    g.add_eos_token_id(2)
    g.add_add_bos_token(False)
    gemma = mt == "gemma2"
    llama_arch = arch == "llama"
    names = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "self_attn.qkv_proj": "attn_qkv",
             "self_attn.q_norm": "attn_q_norm", "self_attn.k_norm": "attn_k_norm",
             "post_attention_layernorm": "post_attention_norm" if gemma else "ffn_norm",
             "pre_feedforward_layernorm": "ffn_norm", "post_feedforward_layernorm": "post_ffw_norm",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.gate_up_proj": "ffn_up",
             "mlp.down_proj": "ffn_down"}
    out = []
    if rs and rs["rope_type"] == "llama3":
        out.append(("rope_freqs.weight", llama3_factors(c, dh)))
    for n, a in ts.items():
        if n == "model.embed_tokens.weight":
            gn = "token_embd.weight"
        elif n == "model.norm.weight":
            gn = "output_norm.weight"
        elif n == "lm_head.weight":
            gn = "output.weight"
        else:
            parts = n.split(".")
            i = parts[2]
            mod = ".".join(parts[3:-1])
            gn = "blk.%s.%s.%s" % (i, names[mod], parts[-1])
            if llama_arch and mod == "self_attn.q_proj":
                a = permute(a, h)
            elif llama_arch and mod == "self_attn.k_proj":
                a = permute(a, kvh)
        if gemma and n.endswith("norm.weight"):
            a = a + 1.0
        out.append((gn, np.ascontiguousarray(a, dtype=np.float32)))
    for gn, a in out:
        g.add_tensor(gn, a)
    g.write_header_to_file()
    g.write_kv_data_to_file()
    g.write_tensors_to_file()
    g.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf-py", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only")
    ap.add_argument("--new-tokens", type=int, default=40)
    ap.add_argument("--tiny", action="store_true",
                    help="small cases (hidden 32, 2 layers, vocab 272, prompts <= 160) for committed test resources")
    ap.add_argument("--control", choices=["no-rope-scaling", "no-swa", "no-softcap"],
                    help="write the GGUF without this feature: the comparison must then fail")
    a = ap.parse_args()
    sys.path.insert(0, a.gguf_py)
    import gguf
    for k, (name, (mt, over, plen)) in enumerate(CASES.items()):
        if a.only and name not in a.only.split(","):
            continue
        rng = np.random.default_rng([a.seed, k])
        over = dict(over)
        if a.tiny:
            over.update(hidden_size=32, intermediate_size=64, num_hidden_layers=2, vocab_size=272)
            if mt == "gemma2":
                over.update(sliding_window=32)
            if "head_dim" in over:
                over["head_dim"] = 16 if mt != "qwen3" else 24
            if mt == "gemma2":
                over["query_pre_attn_scalar"] = over["head_dim"]
            plen = min(plen, 160)
        c = config(mt, over)
        ts = tensors(c, rng)
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(c, f, indent=2)
        write_safetensors(os.path.join(d, "model.safetensors"), ts)
        write_gguf(os.path.join(d, "model.gguf"), c, ts, gguf, a.control)
        prompt = [1] + [int(x) for x in rng.integers(3, c["vocab_size"], plen - 1)]
        with open(os.path.join(d, "prompt.json"), "w") as f:
            json.dump({"prompt": prompt, "new_tokens": a.new_tokens}, f)
        print("wrote", d, "prompt", plen)


if __name__ == "__main__":
    main()
