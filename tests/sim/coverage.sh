#!/bin/sh
# The coverage models (../shared/coverage: real float32 and int8 models from TFLM's and MLPerf's
# repositories) in firmware, on every board (five cores): each model that fits the board's
# flash runs in the infer sample and its output equals TFLM's golden output byte for byte
# (float32 on the M4F, M7 and M33 with their FPU, soft-float on the M0+ and M3); a model too
# large for a board is refused before the run, naming the boards it fits, and runs on a test
# board of its core with bigger memories instead (big-m0plus, big-m3, big-m7). The float kernels are
# linked only where asked for: the infer sample has them, an int8-only firmware (hostile) has
# none (nm). Float costs far more on a core without an FPU: hello_world_float's cycles per MAC
# on the M0+ are over 5x those of the M4F.
# Skips the model runs with a message when ../shared is absent.
#
# usage: tests/sim/coverage.sh TINYSIM FIRMWARE_DIR
set -u
BIN=${1:?usage: coverage.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: coverage.sh TINYSIM FIRMWARE_DIR}
SHARED=${TINYSIM_SHARED:-../shared}
NM=${CROSS:-arm-none-eabi-}nm
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-coverage.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"

BOARDS="nucleo-l4r5zi nucleo-f746zg nucleo-g0b1re nrf52840-dk nucleo-u575zi nucleo-f207zg"

# float kernels: in the infer sample, not in an int8-only firmware
if command -v "$NM" >/dev/null 2>&1; then
    for b in $BOARDS; do
        "$NM" "$FW/$b/infer.elf" >"$TMP/infer.nm" && "$NM" "$FW/$b/hostile.elf" >"$TMP/int8.nm" || {
            bad "$b: nm failed"; continue; }
        grep -q ' T nn_run_layer_f32$' "$TMP/infer.nm" && grep -q ' T nn_fc_f32$' "$TMP/infer.nm" &&
            ok || bad "$b: the infer sample lacks the float kernels"
        if grep ' T nn_run_layer_f32$\| T nn_[a-z0-9_]*_f32$\| T expf$' "$TMP/int8.nm" |
            grep -v ' T nn_quantize_f32_s8$\| T nn_dequantize_s8_f32$' | grep -q .; then
            bad "$b: an int8-only firmware links float kernels:"
            grep ' T nn_[a-z0-9_]*_f32$\| T expf$' "$TMP/int8.nm" | sed 's/^/    /'
        else
            ok
        fi
    done
else
    echo "SKIP: $NM not found: the float kernels' linking is not checked"
fi

# float32 in firmware without ../shared: the shipped float_cnn_demo (every float32 op) runs on
# every board; every layer before the first expf (layer 11, LOGISTIC) is bit-identical to the
# host, on soft-float and FPU cores alike; the output is within 1 ULP of the host's.
# expf itself: newlib's (firmware) against glibc's (host, TFLM's golden files) over input
# sweeps (mkdemo --test): LOGISTIC at most 2 ULP apart, SOFTMAX at most 3 (the README says so).
MKDEMO=$(dirname "$BIN")/mkdemo
ulps() { # A.bin B.bin -> the largest distance in ULP between their float32 values
    python3 - "$1" "$2" <<'PY'
import struct, sys
a, b = (open(f, "rb").read() for f in sys.argv[1:3])
assert len(a) == len(b) and len(a) % 4 == 0
k = lambda i: i if i >= 0 else -2**31 - i
ia, ib = (struct.unpack("<%di" % (len(x) // 4), x) for x in (a, b))
print(max(abs(k(x) - k(y)) for x, y in zip(ia, ib)))
PY
}
D=models/demo
"$BIN" infer "$D/float_cnn_demo.tflite" --input "$D/float_cnn_demo_input.bin" \
    --output "$TMP/host.bin" >/dev/null 2>&1 || bad "float_cnn_demo does not run on the host"
printf 'continue\ncompare\n' >"$TMP/compare.tss"
"$MKDEMO" --test "$TMP/ulp" >/dev/null 2>&1 || bad "mkdemo --test failed"
for t in logistic softmax; do
    "$BIN" infer "$TMP/ulp/ulp_$t.tflite" --input "$TMP/ulp/ulp_${t}_input.bin" \
        --output "$TMP/host_$t.bin" >/dev/null 2>&1 || bad "ulp_$t does not run on the host"
done
for b in $BOARDS; do
    expect 0 "layers 0..10 are identical" "$b: float_cnn_demo's float layers equal the host's" -- \
        "$BIN" -x "$TMP/compare.tss" "$FW/$b/infer.elf" --model "$D/float_cnn_demo.tflite" \
        --input "$D/float_cnn_demo_input.bin"
    "$BIN" run "$FW/$b/infer.elf" --model "$D/float_cnn_demo.tflite" \
        --input "$D/float_cnn_demo_input.bin" --output "$TMP/fw.bin" -q >/dev/null 2>&1
    u=$(ulps "$TMP/host.bin" "$TMP/fw.bin")
    [ "${u:-99}" -le 1 ] && ok || bad "$b: float_cnn_demo's output is $u ULP from the host's"
    for t in logistic:2 softmax:3; do
        op=${t%:*} lim=${t#*:}
        "$BIN" run "$FW/$b/infer.elf" --model "$TMP/ulp/ulp_$op.tflite" \
            --input "$TMP/ulp/ulp_${op}_input.bin" --output "$TMP/fw_$op.bin" -q >/dev/null 2>&1
        u=$(ulps "$TMP/host_$op.bin" "$TMP/fw_$op.bin")
        if [ "${u:-99}" -le "$lim" ]; then ok; else bad "$b: $op is $u ULP from the host (limit $lim)"; fi
        [ "$b" = nucleo-l4r5zi ] && echo "  $op: newlib's expf against glibc's: at most $u ULP ($b)"
    done
done

COV=$SHARED/coverage
if [ ! -d "$COV/models" ]; then
    echo "SKIP: $COV not found: the coverage models are not run (the shared data is not checked out)"
    printf 'coverage: %d passed, %d failed\n' "$pass" "$fail"
    [ "$fail" -eq 0 ]
    exit
fi

# model:seeds (the large int8 ResNet takes about a second a run: one seed per board; of
# seanet's int16 (16x8) models only quantize0, a QUANTIZE int32 -> int16, runs)
MODELS="hello_world_float:1234 ad01_fp32:12 model_ToyCar:12 pretrainedResnet_large_int8:1 trained_lstm:12
    trained_lstm_int8:1234 keyword_scrambled:1234 seanet/quantize0:12"
RUN_BOARDS=$BOARDS BIG="m0plus m3 m7"
if sanitized "$BIN"; then # the same host code on every board: an FPU core and a soft-float one
    RUN_BOARDS="nucleo-l4r5zi nucleo-g0b1re" BIG=m0plus
    echo "  (sanitizer build: the models on $RUN_BOARDS and big-$BIG; the plain build runs every board)"
fi
# run_cov LABEL ELF BOARD_ARGS MODEL:SEEDS: the model on each seed, its output against TFLM's
run_cov() {
    b=$1 elf=$2 bopt=$3 ms=$4
    m=${ms%%:*} seeds=${ms#*:}
    g=$COV/golden/$m
    first=$(printf '%s' "$seeds" | cut -c1)
    # shellcheck disable=SC2086
    $LIMIT "$BIN" run "$elf" $bopt --model "$COV/models/$m.tflite" \
        --input "$g/input_seed$first.bin" --output "$TMP/out.bin" -q --timeout 60 \
        >"$TMP/run" 2>&1
    rc=$?
    if [ "$rc" -eq 3 ] && grep -q "\(too large for board $b\|short\); it fits on " "$TMP/run"; then
        ok # refused before the run (flash or arena), naming the boards it fits
        echo "  $m does not fit $b: refused before the run"
        return
    fi
    for s in $(printf '%s' "$seeds" | sed 's/./& /g'); do
        if [ "$s" != "$first" ]; then
            # shellcheck disable=SC2086
            $LIMIT "$BIN" run "$elf" $bopt --model "$COV/models/$m.tflite" \
                --input "$g/input_seed$s.bin" --output "$TMP/out.bin" -q --timeout 60 \
                >"$TMP/run" 2>&1
            rc=$?
        fi
        if [ "$rc" -ne 0 ]; then
            bad "$b $m seed$s: exit $rc"; tail -n 5 "$TMP/run" | sed 's/^/    /'
        elif cmp -s "$TMP/out.bin" "$g/output_seed$s.bin"; then
            ok
        elif [ "$m" = trained_lstm ]; then
            # float32 LSTM: 28 steps of newlib's expf and tanhf, then SOFTMAX: the README's
            # bound is 16 ULP (measured: at most 11)
            u=$(ulps "$g/output_seed$s.bin" "$TMP/out.bin")
            [ "${u:-99}" -le 16 ] && ok || bad "$b $m seed$s: $u ULP from TFLM's output"
            [ "$b" = nucleo-l4r5zi ] && echo "  trained_lstm seed$s in firmware: $u ULP from TFLM's"
        else
            bad "$b $m seed$s: the output differs from TFLM's"
        fi
    done
}

for b in $RUN_BOARDS; do
    for ms in $MODELS; do
        run_cov "$b" "$FW/$b/infer.elf" "" "$ms"
    done
done

# The models too large for every M0+, M3 and M7 board run on those cores all the same, on
# test boards with bigger memories (firmware-samples/firmware.mk's FW_BIG_BOARDS): so every
# model is checked on all five cores.
for c in $BIG; do
    for ms in pretrainedResnet_large_int8:1 ad01_fp32:12 model_ToyCar:12; do
        run_cov "big-$c" "$FW/big-$c/infer.elf" "--board $(dirname "$0")/big-$c.board" "$ms"
    done
done

# what float costs without an FPU: cycles per MAC of hello_world_float, M0+ against M4F
cpm() {
    "$BIN" run "$FW/$1/infer.elf" --model "$COV/models/hello_world_float.tflite" \
        --input "$COV/golden/hello_world_float/input_seed1.bin" -q 2>/dev/null |
        sed -n 's/.* \([0-9.]*\) cycles\/MAC.*/\1/p' | head -n 1
}
m4=$(cpm nucleo-l4r5zi) m0=$(cpm nucleo-g0b1re)
if [ -n "$m4" ] && [ -n "$m0" ] && awk -v a="$m0" -v b="$m4" 'BEGIN { exit !(a > 5 * b) }'; then
    ok
else
    bad "hello_world_float: M0+ $m0 against M4F $m4 cycles/MAC (soft-float should cost over 5x)"
fi
echo "  hello_world_float: $m4 cycles/MAC on the M4F (FPU), $m0 on the M0+ (soft-float)"

printf 'coverage: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
