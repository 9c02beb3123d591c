#!/usr/bin/env bash
# Makes the carry folder for a GPU machine that has its own CUDA PyTorch but no JDK, Maven or network
# (see gpu/README.md). Runs here, on the build machine, offline.
#
#   gpu/bundle.sh OUT_DIR [DJL_SRC]
#
# OUT_DIR gets (under 64 MiB in all; the script refuses to finish above that):
#   jre.tar.xz    a jlink'd Java 17 runtime (jre/) with only the modules the toolkit uses, plus the JNI
#                 headers (jre/include/jni.h, jre/include/linux/jni_md.h) and libjvm.so that CMake's
#                 FindJNI needs; xz-packed (16 MB instead of 52), device-run.sh unpacks it
#   lib/          the toolkit's jars and their dependencies, without pytorch-native-cpu (the CPU libtorch)
#                 and without pytorch-jni (the JNI built for that libtorch): the GPU machine supplies
#                 libtorch and builds the JNI; the tokenizers jar keeps only its linux-x86_64 library
#   lib/unlearn-gpu-check.jar   dev.unlearn.gpu.DeviceCheck (gpu/src), the checks device-run.sh runs
#   bin/unlearn   the CLI launcher on that JRE
#   gpu/          device-run.sh and its fallback CMakeLists (gpu/jni/)
#   fixtures/stories260k        the checkpoint the device checks score against its float64 reference
#   djl-src/      only when DJL_SRC is given: DJL's PyTorch JNI bridge source at the toolkit's DJL
#                 version (engines/pytorch/pytorch-native, api/src/main/native, the engine's jni
#                 package) and the JNI header generated from PyTorchLibrary.java (Apache-2.0; never
#                 commit it). DJL_SRC is a DJL work tree at that version, or a DJL git directory that
#                 has the tag v<version> (what the session's fetch tool gives).
#   BUNDLE.txt    versions, the file list with sizes, the total
#
# Exit codes: 0 done, 2 bad arguments or inputs (named), 3 a build step failed.
set -euo pipefail

die() { echo "bundle.sh: $1" >&2; exit "${2:-2}"; }
[[ $# -ge 1 && $# -le 2 ]] || die "usage: gpu/bundle.sh OUT_DIR [DJL_SRC]"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
djl_src="${2:-}"
limit=$((64 * 1024 * 1024))

if [[ -e "$out" && ! -d "$out" ]]; then
  die "OUT_DIR $out exists and is not a folder"
fi
if [[ -d "$out" && -n "$(ls -A "$out")" && ! -f "$out/BUNDLE.txt" ]]; then
  die "OUT_DIR $out is a non-empty folder that is not a bundle (no BUNDLE.txt); choose another folder"
fi
if [[ -n "$djl_src" && ! -d "$djl_src" ]]; then
  die "DJL_SRC $djl_src is not a folder (a DJL work tree or a DJL git directory)"
fi

javac_bin="$(readlink -f "$(command -v javac)")" || die "no javac on PATH: a JDK 17 is needed to bundle"
JDK="${JDK_HOME:-$(dirname "$(dirname "$javac_bin")")}"
[[ -x "$JDK/bin/jlink" && -d "$JDK/jmods" ]] || die "$JDK has no bin/jlink or jmods/: set JDK_HOME to a full JDK 17"
jdk_major="$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "$jdk_major" == 17 ]] || die "JDK at $JDK is Java $jdk_major; the toolkit targets Java 17 (set JDK_HOME)"

mkdir -p "$(dirname "$out")"
stage="$(mktemp -d "$(dirname "$out")/.bundle-stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib" "$stage/bin" "$stage/gpu/jni" "$stage/fixtures"

echo "== compiling the toolkit (offline) and resolving its runtime classpath" >&2
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-1000}"
(cd "$root" && ${MVN:-mvn} -B -o -q compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=target/bundle-classpath.txt -DincludeScope=runtime \
    -pl unlearn-cli -am >&2) || die "the offline compile failed; run: mvn -B -o compile -pl unlearn-cli -am" 3

for m in unlearn-core unlearn-methods unlearn-eval unlearn-cli; do
  "$JDK/bin/jar" --create --file "$stage/lib/$m.jar" -C "$root/$m/target/classes" .
done
djl_version="" torch_version="" jni_version=""
while IFS= read -r j || [[ -n "$j" ]]; do
  [[ -z "$j" || "$j" != *.jar ]] && continue
  base="$(basename "$j")"
  case "$base" in
    *-tests.jar) continue ;;
    pytorch-native-*) torch_version="$(basename "$(dirname "$j")")"; continue ;;
    pytorch-jni-*) jni_version="$(basename "$(dirname "$j")")"; continue ;;
    api-*.jar) [[ "$j" == */ai/djl/api/* ]] && djl_version="$(basename "$(dirname "$j")")" ;;
  esac
  if [[ "$base" == tokenizers-*.jar ]]; then
    cp "$j" "$stage/lib/$base"
    # keep only this platform's native library (the others are ~40 MB)
    names="$(unzip -Z1 "$stage/lib/$base" 'native/lib/*' | grep -v -e '^native/lib/linux-x86_64/' -e '/$' -e '\.properties$' || true)"
    if [[ -n "$names" ]]; then
      # shellcheck disable=SC2086
      (cd "$stage/lib" && zip -q -d "$base" $names)
    fi
  else
    cp "$j" "$stage/lib/"
  fi
done < <(tr ':' '\n' < "$root/unlearn-cli/target/bundle-classpath.txt")
[[ -n "$djl_version" ]] || die "could not find DJL's api jar on the classpath" 3

echo "== compiling the device checks (gpu/src)" >&2
mkdir -p "$stage/.classes"
"$JDK/bin/javac" --release 17 -d "$stage/.classes" -cp "$stage/lib/*" \
  $(find "$root/gpu/src" -name '*.java') || die "gpu/src does not compile" 3
"$JDK/bin/jar" --create --file "$stage/lib/unlearn-gpu-check.jar" -C "$stage/.classes" .
rm -rf "$stage/.classes"

echo "== jlink (modules from jdeps)" >&2
mods="$("$JDK/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps \
  --class-path "$stage/lib/*" "$stage"/lib/unlearn-*.jar)"
# jdk.unsupported: JNA, Guava and Gson reach sun.misc.Unsafe reflectively (jdeps cannot see that);
# jdk.zipfs: zip file systems opened through FileSystems.newFileSystem
# jdk.attach, jdk.jdi and java.instrument come only from javassist's HotSwapper and agent classes (via
# jinjava), which the toolkit never loads
mods="$(echo "$mods,jdk.unsupported,jdk.zipfs" | tr ',' '\n' | grep -v -x -e jdk.attach -e jdk.jdi -e java.instrument | sort -u | paste -sd,)"
# uncompressed jlink image, libjvm.so stripped of its local symbols, then one xz archive: about 16 MB
# instead of 52 MB for the same image compressed by jlink itself (device-run.sh unpacks it)
jre_tmp="$stage/.jre/jre"
mkdir -p "$stage/.jre"
"$JDK/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
  --compress=0 --output "$jre_tmp" || die "jlink failed" 3
strip --strip-unneeded "$jre_tmp/lib/server/libjvm.so" 2>/dev/null || true
mkdir -p "$jre_tmp/include/linux"
cp "$JDK/include/jni.h" "$jre_tmp/include/"
cp "$JDK/include/linux/jni_md.h" "$jre_tmp/include/linux/"
[[ -f "$jre_tmp/lib/server/libjvm.so" ]] || die "the jlink'd JRE has no lib/server/libjvm.so" 3
"$jre_tmp/bin/java" -cp "$stage/lib/*" dev.unlearn.cli.Main --version >/dev/null \
  || die "the jlink'd JRE cannot start the CLI (a module is missing from: $mods)" 3
echo "== xz of the JRE" >&2
tar -C "$stage/.jre" -cf - jre | xz -6 -T2 > "$stage/jre.tar.xz"
rm -rf "$stage/.jre"

cat > "$stage/bin/unlearn" <<'EOF'
#!/usr/bin/env bash
# The unlearn CLI on the bundle's JRE. The bundle has no libtorch: point DJL at one with
# PYTORCH_LIBRARY_PATH (gpu/device-run.sh does), or add the CPU native jars with UNLEARN_EXTRA_CP.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-1000}"
jre="${UNLEARN_JRE:-$here/jre}"
[[ -x "$jre/bin/java" ]] || { echo "unlearn: no JRE at $jre: unpack it first (tar -C DIR -xJf $here/jre.tar.xz; UNLEARN_JRE=DIR/jre)" >&2; exit 2; }
exec "$jre/bin/java" ${UNLEARN_JAVA_OPTS:--Xmx8g} -Dai.djl.offline=true -Dunlearn.home="$here" \
  -cp "$here/lib/*${UNLEARN_EXTRA_CP:+:$UNLEARN_EXTRA_CP}" dev.unlearn.cli.Main "$@"
EOF
chmod +x "$stage/bin/unlearn"
cp "$root/gpu/device-run.sh" "$root/gpu/README.md" "$stage/gpu/"
cp "$root/gpu/jni/CMakeLists.txt" "$stage/gpu/jni/"
fixture="$root/../shared/fixtures/stories260k"
[[ -f "$fixture/model.safetensors" ]] || die "fixture $fixture is missing (../shared beside the checkout)"
cp -r "$fixture" "$stage/fixtures/"

if [[ -n "$djl_src" ]]; then
  echo "== DJL's PyTorch JNI source at v$djl_version" >&2
  paths=(engines/pytorch/pytorch-native api/src/main/native engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni LICENSE NOTICE)
  mkdir -p "$stage/djl-src"
  if [[ -f "$djl_src/engines/pytorch/pytorch-native/CMakeLists.txt" ]]; then
    have="$(sed -n 's/^djl = "\(.*\)"/\1/p' "$djl_src/gradle/libs.versions.toml" 2>/dev/null || true)"
    [[ "$have" == "$djl_version" ]] || die "DJL_SRC $djl_src is DJL '${have:-unknown}' (gradle/libs.versions.toml); the toolkit uses $djl_version"
    for p in "${paths[@]}"; do
      [[ -e "$djl_src/$p" ]] || continue
      mkdir -p "$stage/djl-src/$(dirname "$p")"
      cp -r "$djl_src/$p" "$stage/djl-src/$p"
    done
  elif git --git-dir="$djl_src" rev-parse --verify -q "v$djl_version^{commit}" >/dev/null; then
    present=()
    for p in "${paths[@]}"; do
      git --git-dir="$djl_src" cat-file -e "v$djl_version:$p" 2>/dev/null && present+=("$p")
    done
    git --git-dir="$djl_src" archive --format=tar "v$djl_version" "${present[@]}" | tar -x -C "$stage/djl-src"
  else
    die "DJL_SRC $djl_src is neither a DJL work tree nor a git directory with the tag v$djl_version"
  fi
  src="$stage/djl-src/engines/pytorch"
  [[ -f "$src/pytorch-native/CMakeLists.txt" && -f "$src/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" ]] \
    || die "DJL_SRC lacks engines/pytorch/pytorch-native or PyTorchLibrary.java"
  # the header DJL's build.sh makes with javac -h (there is no javac on the GPU machine)
  mkdir -p "$stage/.hclasses"
  "$JDK/bin/javac" --release 17 -h "$src/pytorch-native/build/include" -d "$stage/.hclasses" \
    -cp "$stage/lib/*" -sourcepath "$src/pytorch-engine/src/main/java" \
    "$src/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" || die "javac -h on PyTorchLibrary.java failed" 3
  rm -rf "$stage/.hclasses"
  [[ -f "$src/pytorch-native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ]] || die "no JNI header was generated" 3
fi

total="$(du -sb "$stage" | cut -f1)"
{
  echo "unlearn GPU bundle, made $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "djl_version=$djl_version"
  echo "cpu_build_pytorch_native=$torch_version (not bundled)"
  echo "cpu_build_pytorch_jni=$jni_version (not bundled)"
  echo "jre_modules=$mods"
  echo "djl_src=$([[ -n "$djl_src" ]] && echo "included (v$djl_version)" || echo "not included")"
  echo "total_bytes=$total"
  echo "files:"
  (cd "$stage" && find . -type f -printf '%s %p\n' | sort -k2)
} > "$stage/BUNDLE.txt"
if (( total > limit )); then
  echo "largest parts:" >&2
  (cd "$stage" && du -sb ./* lib/* 2>/dev/null | sort -rn | head -n 12) >&2
  die "the bundle is $total bytes, over the 64 MiB ($limit) carry limit; nothing was written to $out" 3
fi

# replace a previous bundle only once the new one is complete
if [[ -d "$out" ]]; then
  old="$(mktemp -d "$(dirname "$out")/.bundle-old.XXXXXX")"
  mv "$out" "$old/b"
  mv "$stage" "$out"
  rm -rf "$old"
else
  mv "$stage" "$out"
fi
trap - EXIT
printf 'bundle.sh: %s: %d bytes (%.1f MiB of 64), DJL %s%s\n' "$out" "$total" "$(echo "$total/1048576" | bc -l)" \
  "$djl_version" "$([[ -n "$djl_src" ]] && echo ", with the JNI source" || echo ", without the JNI source")"
