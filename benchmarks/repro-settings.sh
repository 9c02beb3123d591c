#!/usr/bin/env bash
# Measures what MKL's and libtorch's reproducibility settings cost and whether they change results
# (issue 12). Builds the benchmarks jar if needed, then runs ReproHarness once per setting; the same
# weights digest on two lines means bit-identical training under those settings.
#   benchmarks/repro-settings.sh [steps=20]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
[[ -f $jar ]] || mvn -q -B -DskipTests -pl benchmarks -am package
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000} OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
lscpu | grep -E 'Model name' || true
echo "flags: $(grep -o -w 'avx2\|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')threads: $OMP_NUM_THREADS"
for setting in "" "MKL_CBWR=AVX2,STRICT ATEN_CPU_CAPABILITY=avx2" "MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default" \
    "MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=avx2"; do
  env $setting java -Xmx2g -Dai.djl.offline=true -cp "$jar" dev.unlearn.benchmarks.ReproHarness "${1:-20}" 2>/dev/null \
    | grep '^MKL_CBWR'
done
