#!/bin/bash
# One NPO step's peak memory and speed (NpoMemory) for cases a-d on three sizes of Llama-3.2-1B's shape:
#   S1: 2 layers, hidden 2048 (the 1B's width)   S2: 4 layers, hidden 1536   S3: the 1B itself (16 layers)
# S1 at two token counts and S2 fit the memory formula (benchmarks/npo-memory-fit.py); S3 checks it.
# Usage: benchmarks/npo-memory.sh OUT.txt [CASES=abcd]   (build first: mvn -B -o -pl benchmarks -am package -DskipTests)
set -u
out=${1:-/tmp/npo-memory.txt}
cases=${2:-abcd}
cfg=unlearn-core/src/test/resources/configs/llama-3.2-1b-instruct.json
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000} OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
jar=${NPO_MEMORY_JAR:-benchmarks/target/benchmarks.jar}
# the live-bytes counter (benchmarks/native/malloc_peak.c), preloaded into each JVM
shim=$(mktemp -d)/malloc_peak.so
gcc -O2 -shared -fPIC -o "$shim" benchmarks/native/malloc_peak.c || exit 1
# large allocations by mmap, so that freed tensors leave the resident set at once
export MALLOC_MMAP_THRESHOLD_=131072 MALLOC_ARENA_MAX=2
run() {
  LD_PRELOAD="$shim" java -Xmx512m -cp "$jar" dev.unlearn.benchmarks.NpoMemory "$cfg" "$@" 2>&1 \
    | grep -E '^(RESULT|SKIP)' | tee -a "$out"
}
: > "$out"
for c in $(echo "$cases" | grep -o .); do
  run "$c" 4 256 2 2048 8192 32 8     # S1
  run "$c" 4 128 2 2048 8192 32 8     # S1, half the tokens
  run "$c" 4 256 4 1536 6144 24 8     # S2
  run "$c" 4 256                      # S3: the 1B config as it is
done
