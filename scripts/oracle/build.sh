#!/usr/bin/env bash
# Build a host (x86-64) TensorFlow Lite Micro library with its reference kernels
# and the tflm_run oracle driver.  Developer tool; not part of tinysim's build.
#
# usage: build.sh [TFLM_DIR] [FLATBUFFERS_DIR] [GEMMLOWP_DIR] [RUY_DIR] [OUT_DIR]
#   defaults: /work/oracle/tflite-micro /work/oracle/deps/flatbuffers
#             /work/oracle/deps/gemmlowp /work/oracle/deps/ruy /work/oracle
# Environment: CXX (default g++), OPT (default -O2), JOBS (default nproc).
# FLATBUFFERS_DIR must be flatbuffers with TFLM's flatbuffers.patch applied.
# RUY_DIR only has to provide ruy/profiler/instrumentation.h.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TFLM="$(realpath "${1:-/work/oracle/tflite-micro}")"
FB="$(realpath "${2:-/work/oracle/deps/flatbuffers}")"
GEMM="$(realpath "${3:-/work/oracle/deps/gemmlowp}")"
RUY="$(realpath "${4:-/work/oracle/deps/ruy}")"
OUT="$(realpath -m "${5:-/work/oracle}")"
CXX="${CXX:-g++}"
OPT="${OPT:--O2}"
JOBS="${JOBS:-$(nproc)}"

for f in "$TFLM/tensorflow/lite/micro/micro_interpreter.cc" \
         "$FB/include/flatbuffers/flatbuffers.h" \
         "$GEMM/fixedpoint/fixedpoint.h" \
         "$RUY/ruy/profiler/instrumentation.h"; do
  [ -f "$f" ] || { echo "build.sh: missing $f" >&2; exit 1; }
done

OBJ="$OUT/obj"
LIB="$OUT/lib/libtflm_ref.a"
BIN="$OUT/bin/tflm_run"
mkdir -p "$OBJ" "$OUT/lib" "$OUT/bin"

# Same defines as TFLM's Makefile for the host target (default build, reference
# kernels), plus -ffp-contract=off so that no multiply-add is fused.
FLAGS=(-std=c++17 "$OPT" -ffp-contract=off -fno-rtti -fno-exceptions
  -fno-threadsafe-statics -fno-unwind-tables -fno-asynchronous-unwind-tables
  -ffunction-sections -fdata-sections
  -DTF_LITE_STATIC_MEMORY -DTF_LITE_DISABLE_X86_NEON -DTF_LITE_USE_CTIME
  -I"$TFLM" -I"$FB/include" -I"$GEMM" -I"$RUY" -w)

cd "$TFLM"
SRCS=()
# Shared TfLite sources (what sources.inc's TFL_CC_SRCS finds), minus array.cc
# which TFLM excludes for TF_LITE_STATIC_MEMORY.
while IFS= read -r f; do SRCS+=("$f"); done < <(
  find tensorflow -type d \( -path tensorflow/lite/experimental -o -path tensorflow/lite/micro \) -prune -false \
       -o \( -name '*.cc' -o -name '*.c' \) -print | grep -v '^tensorflow/lite/array\.cc$' | sort)
# Core micro runtime (no tests).
for d in tensorflow/lite/micro tensorflow/lite/micro/arena_allocator \
         tensorflow/lite/micro/memory_planner tensorflow/lite/micro/tflite_bridge; do
  for f in "$d"/*.cc; do
    case "$f" in *_test.cc) continue ;; esac
    SRCS+=("$f")
  done
done
# Reference kernels: exactly the list in sources.inc (MICROLITE_CC_KERNEL_SRCS);
# the signal-library kernels (custom ops, need kissfft) are left out.
while IFS= read -r f; do SRCS+=("$f"); done < <(
  sed -n '/^MICROLITE_CC_KERNEL_SRCS := /,/^$/p' tensorflow/lite/micro/tools/make/sources.inc |
  grep -o 'tensorflow/lite/micro/kernels/[A-Za-z0-9_]*\.cc')

echo "build.sh: compiling ${#SRCS[@]} TFLM sources with $CXX $OPT (jobs=$JOBS)"
export CXX OBJ
printf '%s\n' "${SRCS[@]}" | xargs -P "$JOBS" -I{} sh -c '
  src="$1"; shift
  o="$OBJ/$(echo "$src" | sed "s|/|__|g").o"
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then
    "$CXX" "$@" -x c++ -c "$src" -o "$o" || { echo "FAILED: $src" >&2; exit 255; }
  fi' _ {} "${FLAGS[@]}"

rm -f "$LIB"
ar rcs "$LIB" "$OBJ"/*.o
"$CXX" "${FLAGS[@]}" "$HERE/tflm_run.cc" "$LIB" -Wl,--gc-sections -o "$BIN"
echo "build.sh: built $BIN"
