#!/usr/bin/env python3
"""Compares unlearn.json with llamacpp.json in each case directory and prints one line per case.
Bar (issue 15): last-position logits within 1e-3 of the largest |logit|, identical greedy continuations,
KV-cache forward equal to the full forward and padded batch equal to single (both reported as max |diff|,
bar 1e-4 absolute). Exit status 1 if any case misses a bar."""
import json
import os
import sys


def main(dirs):
    bad = 0
    for d in dirs:
        u = json.load(open(os.path.join(d, "unlearn.json")))
        c = json.load(open(os.path.join(d, "llamacpp.json")))
        a, b = u["last_logits"], c["last_logits"]
        scale = max(abs(x) for x in b)
        diff = max(abs(x - y) for x, y in zip(a, b))
        rel = diff / scale
        same = u["greedy"] == c["greedy"]
        first = next((i for i, (x, y) in enumerate(zip(u["greedy"], c["greedy"])) if x != y), None)
        ok = rel <= 1e-3 and same and u["kv_vs_full_max_abs"] <= 1e-4 and u["padded_vs_single_max_abs"] <= 1e-4
        bad += not ok
        print("%-16s %s  logits max|diff| %.3g (%.2e of max |logit| %.3g)  greedy %s  kv-vs-full %.2g  padded-vs-single %.2g"
              % (os.path.basename(d.rstrip("/")), "OK  " if ok else "FAIL", diff, rel, scale,
                 "identical (%d)" % len(u["greedy"]) if same else "differs at %s" % first,
                 u["kv_vs_full_max_abs"], u["padded_vs_single_max_abs"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
