#!/usr/bin/env bash
# Independent forward comparison of unlearn against llama.cpp on random-weight checkpoints of every
# family and rope type (issue 15). Not part of CI: it needs npm, the node-llama-cpp package and numpy.
# Usage: tools/llamacpp/run.sh [SEED] [CASES]     (from the repository root; CASES comma-separated)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seed="${1:-0}"
only="${2:-}"
work="$here/work/seed-$seed"
# 1. llama.cpp: the prebuilt CPU binaries of node-llama-cpp (git-ignored node_modules here)
if [ ! -d "$here/node_modules/node-llama-cpp" ]; then
  (cd "$here" && npm install --ignore-scripts --no-audit --no-fund node-llama-cpp@3.22.1)
fi
# 2. gguf-py, from the llama.cpp source node-llama-cpp ships as a git bundle (git-ignored)
src="$here/llama.cpp-src"
if [ ! -d "$src/gguf-py" ]; then
  git clone -q "$here/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$src"
fi
# 3. checkpoints (HF + GGUF) and prompts
mkdir -p "$work"
python3 "$here/make_cases.py" --gguf-py "$src/gguf-py" --out "$work" --seed "$seed" ${only:+--only "$only"}
cases=$(ls -d "$work"/*/ | grep -E "${only:+/(${only//,/|})/$}" || true)
# 4. llama.cpp side
for c in $cases; do node "$here/llama_eval.mjs" "$c"; done
# 5. unlearn side (the benchmarks jar: mvn -B -o -pl benchmarks -am package -DskipTests)
jar="$root/benchmarks/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -o -q -pl benchmarks -am package -DskipTests)
GOMP_SPINCOUNT=1000 OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" java -cp "$jar" dev.unlearn.benchmarks.ForwardComparison $cases
# 6. verdict
python3 "$here/compare.py" $cases
