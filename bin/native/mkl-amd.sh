#!/usr/bin/env bash
# Prints the path of the MKL-on-AMD shim (bin/native/mkl_amd.c), building it with CC (default cc) into
# target/native/ when it is missing or older than its source. Exit 1, with the reason on stderr, on a CPU
# that is not AMD (MKL already picks its best kernels there) or without a C compiler.
# Used by bin/unlearn (UNLEARN_MKL_AMD=1) and benchmarks/mkl-amd.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/bin/native/mkl_amd.c"
shim="$root/target/native/libunlearn_mkl_amd.so"
if ! grep -qm1 AuthenticAMD /proc/cpuinfo 2>/dev/null; then
  echo "not an AMD CPU: MKL already selects its kernels from the CPU's features here" >&2
  exit 1
fi
if [[ ! -f "$shim" || "$src" -nt "$shim" ]]; then
  mkdir -p "$root/target/native"
  tmp="$shim.tmp.$$"
  if ! ${CC:-cc} -O2 -shared -fPIC -o "$tmp" "$src" 2>/dev/null; then
    rm -f "$tmp"
    echo "needs a C compiler (${CC:-cc}) to build $src" >&2
    exit 1
  fi
  mv -f "$tmp" "$shim"
fi
echo "$shim"
