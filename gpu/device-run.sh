#!/usr/bin/env bash
# Runs on the GPU machine (its own Python PyTorch with libtorch in torch/lib, CMake, ninja, nvcc; no JDK,
# Maven or network): builds DJL's JNI (libdjl_torch.so) against that libtorch, installs it where DJL's
# LibUtils looks, makes libcudart findable, and runs the device checks (dev.unlearn.gpu.DeviceCheck) on
# the bundle's JRE, all under one total time limit. Results go to OUT_DIR:
#   steps.tsv          one line per step: name, status, seconds
#   device-run.log     everything printed
#   STEP.log           each step's own output (cmake-configure, cmake-build, device-check, ...)
#   device-check.json  the checks' results (written by DeviceCheck)
#   env.txt            the environment the JVM ran with (paths, versions)
#
#   gpu/device-run.sh [--dry-run] [--bundle DIR] [--out DIR] [--time-limit SECONDS] [--device gpu|cpu]
#
# --bundle  the folder gpu/bundle.sh made (default: the folder this script lies in, when it is
#           BUNDLE_DIR/gpu/, else gpu/bundle beside it)
# --out     results folder (default: $OUT when set, else ./device-out)
# --time-limit  total wall-clock limit for every step together (default 540)
# --device  what DeviceCheck runs on (default: gpu when torch has CUDA, else cpu: the CPU rehearsal)
# --dry-run prints every step with its exact command and checks what needs no GPU and no build: the
#           bundle's layout, that its JRE starts, the JNI source and header, python3 + torch, the libtorch
#           folder, CMake's package config, the compilers, libcudart; it writes the same OUT_DIR files.
#
# Environment: PYTHON (default python3), JOBS (default nproc), TORCH_CUDA_ARCH_LIST (default 9.0, H200).
# Exit: 0 all steps and checks passed, 1 a check failed, 2 bad arguments or a missing prerequisite,
#       3 the JNI did not build, 124 the time limit ran out.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dry=0
bundle=""
out="${OUT:-$PWD/device-out}"
limit=540
device=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry=1; shift ;;
    --bundle) bundle="${2:?--bundle needs a folder}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --time-limit) limit="${2:?--time-limit needs seconds}"; shift 2 ;;
    --device) device="${2:?--device needs gpu or cpu}"; shift 2 ;;
    -h|--help) sed -n '2,30p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "device-run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$limit" =~ ^[0-9]+$ ]] || { echo "device-run.sh: --time-limit must be whole seconds, got $limit" >&2; exit 2; }
[[ -z "$device" || "$device" == gpu || "$device" == cpu ]] || { echo "device-run.sh: --device must be gpu or cpu" >&2; exit 2; }
if [[ -z "$bundle" ]]; then
  if [[ -f "$here/../BUNDLE.txt" ]]; then bundle="$(cd "$here/.." && pwd)"; else bundle="$here/bundle"; fi
fi
[[ -d "$bundle" ]] && bundle="$(cd "$bundle" && pwd)"
mkdir -p "$out" || exit 2
out="$(cd "$out" && pwd)"
: > "$out/steps.tsv"
exec > >(tee "$out/device-run.log") 2>&1
start=$SECONDS
deadline=$((SECONDS + limit))
work="$out/work"
failed=0

left() { echo $((deadline - SECONDS)); }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$out/steps.tsv"; }
note() { echo "[$(date -u +%H:%M:%S) +$((SECONDS - start))s] $*"; }
# step NAME CMD...: prints the command; runs it unless --dry-run, under the time left, output to NAME.log
step() {
  local name="$1"; shift
  note "step $name: $(printf '%q ' "$@")"
  if (( dry )); then record "$name" "dry-run" 0; return 0; fi
  local t0=$SECONDS rem; rem=$(left)
  if (( rem <= 5 )); then note "  time limit reached before $name"; record "$name" "timeout" 0; exit 124; fi
  timeout --kill-after=10 "$rem" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  tail -n 25 "$out/$name.log" | sed 's/^/  | /'
  if (( rc == 124 || rc == 137 )); then record "$name" "timeout" $((SECONDS - t0)); note "  $name ran out of time"; exit 124; fi
  record "$name" "rc=$rc" $((SECONDS - t0))
  return $rc
}
# probe NAME CMD...: a check that needs no GPU and builds nothing; runs in --dry-run too
probe() {
  local name="$1"; shift
  if "$@" > "$out/$name.log" 2>&1; then
    note "ok   $name"; record "$name" ok 0; return 0
  fi
  note "FAIL $name"; sed 's/^/  | /' "$out/$name.log" | tail -n 10; record "$name" fail 0; return 1
}
need() { # need NAME CMD...: a prerequisite; missing ones stop a real run with exit 2, a dry run goes on
  if ! probe "$@"; then
    if (( dry )); then failed=1; else note "missing prerequisite $1: stopping"; exit 2; fi
  fi
}

note "device-run: bundle $bundle, out $out, limit ${limit}s$( (( dry )) && echo ', DRY RUN')"
need bundle-layout bash -c "test -f '$bundle/BUNDLE.txt' && test -f '$bundle/jre.tar.xz' && ls '$bundle'/lib/unlearn-core.jar \
  '$bundle'/lib/unlearn-gpu-check.jar && ! ls '$bundle'/lib/pytorch-native-* 2>/dev/null"
# the JRE travels xz-packed; unpacking it is local and quick, so the dry run does it too
jre="$work/jre"
unpack_jre() {
  rm -rf "$work/jre" && mkdir -p "$work" || return 1
  if command -v xz >/dev/null; then tar -C "$work" -xJf "$bundle/jre.tar.xz"
  else "${PYTHON:-python3}" -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$bundle/jre.tar.xz" "$work"; fi
}
need unpack-jre unpack_jre
need jre-layout bash -c "test -x '$jre/bin/java' && test -f '$jre/include/jni.h' && test -f '$jre/include/linux/jni_md.h' \
  && test -f '$jre/lib/server/libjvm.so'"
need jre-starts "$jre/bin/java" -version
export UNLEARN_JRE="$jre"
djl_version="$(sed -n 's/^djl_version=//p' "$bundle/BUNDLE.txt" 2>/dev/null)"
native_src="$bundle/djl-src/engines/pytorch/pytorch-native"
need jni-source bash -c "test -f '$native_src/CMakeLists.txt' && test -f '$native_src/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h' \
  && test -f '$bundle/djl-src/api/src/main/native/djl/utils.h' && ls '$native_src'/src/main/native/*.cc | wc -l"

py="${PYTHON:-python3}"
need python-torch "$py" -c "import torch; print(torch.__version__)"
torch_info="$("$py" - 2>/dev/null <<'EOF'
import os, re, torch
v = re.match(r"\d+\.\d+\.\d+", torch.__version__)
print("TORCH_VERSION=" + (v.group(0) if v else torch.__version__))
print("TORCH_RAW_VERSION=" + torch.__version__)
print("TORCH_DIR=" + os.path.dirname(torch.__file__))
print("TORCH_CUDA=" + (torch.version.cuda or ""))
print("TORCH_ABI=" + str(int(torch.compiled_with_cxx11_abi())))
print("TORCH_CMAKE=" + torch.utils.cmake_prefix_path)
EOF
)"
eval "$(printf '%s\n' "$torch_info" | grep -E '^TORCH_[A-Z_]+=' | sed -E 's/^([A-Z_]+)=(.*)$/\1="\2"/')"
TORCH_VERSION="${TORCH_VERSION:-unknown}" TORCH_DIR="${TORCH_DIR:-/nonexistent}" TORCH_CUDA="${TORCH_CUDA:-}"
TORCH_ABI="${TORCH_ABI:-1}" TORCH_CMAKE="${TORCH_CMAKE:-}"
torch_lib="$TORCH_DIR/lib"
if [[ -n "$TORCH_CUDA" ]]; then flavor="cu${TORCH_CUDA//./}"; else flavor="cpu"; fi
[[ -n "$device" ]] || { [[ "$flavor" == cu* ]] && device=gpu || device=cpu; }
note "torch $TORCH_VERSION ($flavor, cxx11 abi $TORCH_ABI) at $TORCH_DIR; DJL $djl_version; checks on $device"
need libtorch bash -c "ls -l '$torch_lib/libtorch.so' '$torch_lib/libtorch_cpu.so' '$torch_lib/libc10.so' && test -d '$TORCH_DIR/include/torch'"
if [[ "$flavor" == cu* ]]; then
  need libtorch-cuda ls -l "$torch_lib/libtorch_cuda.so" "$torch_lib/libc10_cuda.so"
fi
[[ "$device" == cpu || "$flavor" == cu* ]] || { note "--device gpu needs a CUDA torch; this one is $flavor"; (( dry )) || exit 2; failed=1; }

# CMake's package config for Torch: the Python package's share/cmake, else any TorchConfig.cmake nearby
torch_cmake_dir=""
for d in "$TORCH_CMAKE/Torch" "$TORCH_DIR/share/cmake/Torch" /usr/lib/x86_64-linux-gnu/cmake/Torch /usr/share/cmake/Torch; do
  [[ -f "$d/TorchConfig.cmake" ]] && { torch_cmake_dir="$d"; break; }
done
probe torch-cmake-config test -n "$torch_cmake_dir" || true
need cmake cmake --version
need cxx bash -c "command -v c++ || command -v g++"
probe ninja ninja --version || true
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
nvcc_bin="$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null || true)"
if [[ "$flavor" == cu* ]]; then probe nvcc test -n "$nvcc_bin" || true; fi
probe nvidia-smi nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true

# libcudart: the pip wheels' nvidia/*/lib, then the toolkit's; DJL's CudaUtils loads "cudart" through JNA,
# which wants an unversioned libcudart.so, so a folder in the work dir gets that name as a link
cuda_dirs=()
if [[ "$flavor" == cu* ]]; then
  for d in "$TORCH_DIR"/../nvidia/*/lib "$TORCH_DIR"/../nvidia/cu*/lib ${nvcc_bin:+"$(dirname "$nvcc_bin")/../lib64"} /usr/local/cuda/lib64; do
    [[ -d "$d" ]] && cuda_dirs+=("$(cd "$d" && pwd)")
  done
  cudart="$(for d in "${cuda_dirs[@]}"; do ls "$d"/libcudart.so* 2>/dev/null; done | head -n 1)"
  probe libcudart test -n "$cudart" || true
  note "libcudart: ${cudart:-not found}"
fi
cuda_includes=()
for d in "$TORCH_DIR"/../nvidia/*/include ${nvcc_bin:+"$(dirname "$nvcc_bin")/../include"} /usr/local/cuda/include; do
  [[ -f "$d/cuda_runtime_api.h" ]] && cuda_includes+=("$(cd "$d" && pwd)")
done

pt_define=""
[[ "$TORCH_VERSION" =~ ^(1\.13\.|2\.0\.|2\.1\.) ]] && pt_define=V1_13_X
cache="$work/djl-cache"
jni_dir="$cache/pytorch/$TORCH_VERSION-$flavor-linux-x86_64"
jni_target="$jni_dir/$djl_version-libdjl_torch.so"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 4)}"
export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}"
export JAVA_HOME="$jre"
use_cuda=OFF; [[ "$flavor" == cu* && ${#cuda_includes[@]} -gt 0 ]] && use_cuda=ON

# 1. the JNI, upstream CMakeLists first, then the fallback (gpu/jni) with and without USE_CUDA
step copy-source bash -c "rm -rf '$work/djl-src' && mkdir -p '$work' && cp -rp '$bundle/djl-src' '$work/djl-src'"
src="$work/djl-src/engines/pytorch/pytorch-native"
jni_args=(-DJAVA_HOME="$jre" -DJAVA_INCLUDE_PATH="$jre/include" -DJAVA_INCLUDE_PATH2="$jre/include/linux"
  -DJAVA_JVM_LIBRARY="$jre/lib/server/libjvm.so" -DJAVA_AWT_INCLUDE_PATH=NotNeeded -DJAVA_AWT_LIBRARY=NotNeeded)
built=""
upstream=(cmake -S "$src" -B "$work/build-upstream" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_PREFIX_PATH="$(dirname "${torch_cmake_dir:-/nonexistent/Torch}")" ${torch_cmake_dir:+-DTorch_DIR="$torch_cmake_dir"}
  ${nvcc_bin:+-DCUDAToolkit_ROOT="$(dirname "$(dirname "$nvcc_bin")")"} -DPT_VERSION="$pt_define"
  -DUSE_CUDA="$([[ $use_cuda == ON ]] && echo 1)" ${nvcc_bin:+-DCMAKE_CUDA_COMPILER="$nvcc_bin"} "${jni_args[@]}")
if step cmake-configure "${upstream[@]}" && step cmake-build cmake --build "$work/build-upstream" -j "$jobs"; then
  built="$work/build-upstream/libdjl_torch.so"
else
  for cuda in $use_cuda OFF; do
    fallback=(cmake -S "$bundle/gpu/jni" -B "$work/build-fallback-$cuda" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
      -DDJL_NATIVE_DIR="$src" -DDJL_API_NATIVE_DIR="$work/djl-src/api/src/main/native" -DTORCH_DIR="$TORCH_DIR"
      -DJNI_HOME="$jre" -DCXX11_ABI="$TORCH_ABI" -DPT_VERSION="$pt_define" -DUSE_CUDA="$cuda"
      -DCUDA_INCLUDE_DIRS="$(IFS=';'; echo "${cuda_includes[*]}")")
    if step "fallback-configure-cuda-$cuda" "${fallback[@]}" \
        && step "fallback-build-cuda-$cuda" cmake --build "$work/build-fallback-$cuda" -j "$jobs"; then
      built="$work/build-fallback-$cuda/libdjl_torch.so"
      break
    fi
    [[ $use_cuda == OFF ]] && break
  done
fi
if (( ! dry )) && [[ -z "$built" || ! -f "$built" ]]; then
  note "the JNI did not build: see $out/cmake-build.log and the fallback logs"; exit 3
fi

# 2. install it where LibUtils.findJniLibrary looks when PYTORCH_LIBRARY_PATH points at torch/lib:
#    $DJL_CACHE_DIR/pytorch/$PYTORCH_VERSION-$PYTORCH_FLAVOR-linux-x86_64/$DJL_VERSION-libdjl_torch.so
#    (torch/lib itself is searched first but belongs to the Python package, so it is left alone)
step install-jni bash -c "mkdir -p '$jni_dir' && cp '${built:-BUILT}' '$jni_target.tmp' && mv '$jni_target.tmp' '$jni_target' && ls -l '$jni_target'"
step cudart-link bash -c "mkdir -p '$work/cudart' && { [[ -z '${cudart:-}' ]] || ln -sf '${cudart:-}' '$work/cudart/libcudart.so'; } && ls -l '$work/cudart'"

ld="$work/cudart"
for d in ${cuda_dirs[@]+"${cuda_dirs[@]}"}; do ld="$ld:$d"; done
ld="$ld:$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
run_env=(env PYTORCH_LIBRARY_PATH="$torch_lib" PYTORCH_VERSION="$TORCH_VERSION" PYTORCH_FLAVOR="$flavor"
  DJL_CACHE_DIR="$cache" LD_LIBRARY_PATH="$ld" GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-1000}")
java_opts=(-Xmx16g -Dai.djl.offline=true -Djna.library.path="$ld" -Dorg.slf4j.simpleLogger.log.ai.djl=info)
printf '%s\n' "${run_env[@]:1}" "java_opts=${java_opts[*]}" "torch_raw_version=${TORCH_RAW_VERSION:-}" \
  "jni=$jni_target" "built_from=${built:-dry-run}" > "$out/env.txt"

# 3. the toolkit on that libtorch: its version, DJL's view of the engine, then the device checks
step unlearn-version "${run_env[@]}" UNLEARN_JAVA_OPTS="${java_opts[*]}" "$bundle/bin/unlearn" --version
rem=$(left)
budget=$(( rem > 60 ? rem - 30 : 30 ))
step device-check "${run_env[@]}" "$jre/bin/java" "${java_opts[@]}" -cp "$bundle/lib/*" dev.unlearn.gpu.DeviceCheck \
  --device "$device" --fixture "$bundle/fixtures/stories260k" --out "$out" --budget-s "$budget"
check_rc=$?
if (( ! dry )); then
  ids="$("$py" -c 'import json,sys; c=json.load(open(sys.argv[1]))["cases"][-1]; print(",".join(map(str, c["input_ids"])))' \
    "$bundle/fixtures/stories260k/reference.json")"
  step score-cli "${run_env[@]}" UNLEARN_JAVA_OPTS="${java_opts[*]}" "$bundle/bin/unlearn" score \
    --model "$bundle/fixtures/stories260k" --input-ids "${ids:-1,2,3}" --json --device "$device" || check_rc=1
fi

note "steps:"; column -t -s $'\t' "$out/steps.tsv" 2>/dev/null | sed 's/^/  /' || cat "$out/steps.tsv"
if (( dry )); then
  note "dry run done: $( ((failed)) && echo 'some prerequisites are missing (FAIL lines above)' || echo 'every prerequisite is in place')"
  exit $(( failed ? 2 : 0 ))
fi
note "done in $((SECONDS - start))s: device checks $([[ $check_rc == 0 ]] && echo passed || echo FAILED)"
exit $(( check_rc == 0 ? 0 : 1 ))
