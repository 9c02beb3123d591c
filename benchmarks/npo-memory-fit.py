#!/usr/bin/env python3
"""Fits the memory formula of one NPO step to NpoMemory's RESULT lines (benchmarks/npo-memory.sh) and
checks it against the third size.

Per case, with N the step's tokens (forget plus retain), L layers, H hidden size, V vocabulary:

    peak_live = static + c0 + N * (alpha * L * H + beta * V)

static is what the case holds before any activation (weights; for full training also gradients and two
AdamW moments; for case a the reference copy), computed exactly; c0, alpha, beta are fitted from size S1
at two token counts and size S2 (three equations, three unknowns); size S3 (the 1B) checks the fit. The
formula then projects Llama-3.1-8B (32 layers, hidden 4096, vocabulary 128256, 8.03 B parameters) at
batch 4 x 1024 tokens (N = 8192, a forget and a retain batch), with the LoRA r=16 adapters on all
projections and their gradients and AdamW moments (41.9 M parameters, 16 bytes each) added to static.

Usage: benchmarks/npo-memory-fit.py RESULTS.txt
"""
import re
import sys

GB = 1e9


def parse(path):
    rows = []
    for line in open(path):
        if not line.startswith("RESULT"):
            continue
        kv = dict(re.findall(r"(\w+)=([^ ]+)", line))
        b, t = (int(x) for x in kv["tokens"].split("x")[1:])
        rows.append({
            "case": kv["case"], "L": int(kv["layers"]), "H": int(kv["hidden"]), "V": int(kv["vocab"]),
            "N": 2 * b * t, "peak_live": float(kv["peak_live"].rstrip("GB")) * GB,
            "peak_rss": float(kv["peak_rss"].rstrip("GB")) * GB, "static": float(kv["static"].rstrip("GB")) * GB,
            "tps": float(kv["tokens_per_s"]), "step": float(kv["step"].rstrip("s")),
        })
    return rows


def fit(rows):
    s1 = sorted([r for r in rows if r["L"] == 2 and r["H"] == 2048], key=lambda r: -r["N"])
    s2 = [r for r in rows if r["L"] == 4]
    if len(s1) < 2 or not s2:
        return None
    a, b, c = s1[0], s1[1], s2[0]
    y = lambda r: r["peak_live"] - r["static"]
    k1 = (y(a) - y(b)) / (a["N"] - b["N"])  # bytes per token at S1's L*H
    c0 = y(b) - b["N"] * k1
    alpha = ((y(c) - c0) / c["N"] - k1) / (c["L"] * c["H"] - a["L"] * a["H"])
    beta = (k1 - alpha * a["L"] * a["H"]) / a["V"]
    return c0, alpha, beta


def predict(f, static, n, layers, hidden, vocab):
    c0, alpha, beta = f
    return static + c0 + n * (alpha * layers * hidden + beta * vocab)


def main():
    rows = parse(sys.argv[1])
    print("| case | size | tokens | peak RSS (GB) | peak live (GB) | static (GB) | step (s) | tokens/s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['L']} x {r['H']} | {r['N']} | {r['peak_rss'] / GB:.2f} | {r['peak_live'] / GB:.2f}"
              f" | {r['static'] / GB:.2f} | {r['step']:.1f} | {r['tps']:.1f} |")
    print()
    lora_8b = 8.03e9 * 2 + 41.9e6 * 16
    for case in "abcd":
        cr = [r for r in rows if r["case"] == case]
        f = fit(cr)
        if f is None:
            continue
        c0, alpha, beta = f
        line = f"case {case}: c0 {c0 / GB:.3f} GB, alpha {alpha:.2f} B/(token*layer*hidden), beta {beta:.3f} B/(token*vocab)"
        s3 = [r for r in cr if r["L"] == 16]
        if s3:
            p = predict(f, s3[0]["static"], s3[0]["N"], 16, 2048, 128256)
            line += (f"; 1B check: predicted {p / GB:.2f} GB, measured {s3[0]['peak_live'] / GB:.2f} GB"
                     f" ({100 * (p / s3[0]['peak_live'] - 1):+.1f}%)")
        if case in "cd":
            line += f"; Llama-3.1-8B NPO-LoRA at 4 x 1024: {predict(f, lora_8b, 8192, 32, 4096, 128256) / GB:.1f} GB"
        print(line)


if __name__ == "__main__":
    main()
