#!/usr/bin/env bash
# MKL on AMD, side by side in one run: the GEMM-bound limit (GemmBound) and ../shared/bench/side_by_side.sh
# (PyTorch eager peer, JMH ModelBenchmark, peer again), each without and then with the MKL-on-AMD shim
# (bin/native/mkl_amd.c) preloaded, ROUNDS times (default 2), alternating so drift hits both alike.
# The peer's BLAS is OpenBLAS, which never calls the shim's function, so only the toolkit's side changes.
# Run from the project root after: mvn -B -o -pl benchmarks -am package -DskipTests
set -euo pipefail
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-1000} OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
shim=$(bin/native/mkl-amd.sh)
peer=${SIDE_BY_SIDE:-../shared/bench/side_by_side.sh}
jar=benchmarks/target/benchmarks.jar
for round in $(seq 1 "${ROUNDS:-2}"); do
  for mode in mkl-default mkl-shim; do
    pre=""
    [[ $mode == mkl-shim ]] && pre=$shim
    echo "== round $round, $mode"
    LD_PRELOAD=$pre java -Dai.djl.pytorch.num_threads="$OMP_NUM_THREADS" -cp "$jar" dev.unlearn.benchmarks.GemmBound 2>/dev/null \
      | grep -E '^(MKL|step|GEMM-bound)'
    LD_PRELOAD=$pre bash "$peer" 2>/dev/null | grep -E '^(peer|ratio)'
  done
done
