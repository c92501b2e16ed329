#!/bin/sh
# The single-op test models (tests/ops/mkops.c: generated configurations of each op, int8 and
# float32, and int16/int32 where TFLM's int8 kernels take them) against TFLM's reference
# kernels: tests/ops/golden holds TFLM's outputs for them (made by scripts/oracle/mkgolden.sh
# with a host build of TFLM, scripts/oracle/README.md).
# - every case mkops writes is the one its golden files were made from (MANIFEST's hash);
# - on the host (tinysim infer), every output of every case equals TFLM's byte for byte, after
#   as many inferences as the case asks for (stateful LSTM and SVDF cases: several, the state
#   carried over);
# - in firmware, on an FPU core (nucleo-l4r5zi, M4F) and a soft-float one (nucleo-g0b1re,
#   M0+), output 0 of every single-input, single-inference case equals TFLM's too (float32 SOFTMAX and
#   LOGISTIC: within 3 and 2 ULP, newlib's expf against the host's; the float32 LSTM, steps
#   of expf and tanhf: within 16; the README says so; measured: 1).
# Needs nothing outside the project.
#
# usage: tests/ops/ops.sh TINYSIM MKOPS FIRMWARE_DIR
set -u
BIN=${1:?usage: ops.sh TINYSIM MKOPS FIRMWARE_DIR}
MKOPS=${2:?usage: ops.sh TINYSIM MKOPS FIRMWARE_DIR}
FW=${3:?usage: ops.sh TINYSIM MKOPS FIRMWARE_DIR}
G=$(dirname "$0")/golden
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-ops.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"

ulps() { # A.bin B.bin -> the largest distance in ULP between their float32 values
    python3 - "$1" "$2" <<'PY'
import struct, sys
a, b = (open(f, "rb").read() for f in sys.argv[1:3])
if len(a) != len(b) or len(a) % 4:
    print(1 << 40)
    sys.exit()
k = lambda i: i if i >= 0 else -2**31 - i
ia, ib = (struct.unpack("<%di" % (len(x) // 4), x) for x in (a, b))
print(max(abs(k(x) - k(y)) for x, y in zip(ia, ib)))
PY
}

if ! "$MKOPS" "$TMP/c" >"$TMP/names" 2>"$TMP/err"; then
    bad "mkops failed: $(cat "$TMP/err")"
fi
n_cases=0
while read -r n inv; do
    n_cases=$((n_cases + 1))
    ins=$(ls "$TMP/c/${n}"_input_*.bin | sort)
    # shellcheck disable=SC2086
    h=$({ cat "$TMP/c/$n.tflite" $ins; [ -z "$inv" ] || printf 'invokes %s' "$inv"; } |
        sha256sum | cut -d' ' -f1)
    if ! grep -q "^$n $h\$" "$G/MANIFEST"; then
        bad "$n: mkops no longer writes the case tests/ops/golden was made from (regenerate it: scripts/oracle/mkgolden.sh)"
        continue
    fi
    args="" outs="" k=0
    for i in $ins; do args="$args --input $i"; done
    while [ -f "$G/${n}_output_$k.bin" ]; do
        outs="$outs --output $TMP/${n}_$k.bin"
        k=$((k + 1))
    done
    # shellcheck disable=SC2086
    if ! $LIMIT "$BIN" infer "$TMP/c/$n.tflite" $args $outs --invokes "${inv:-1}" \
        >"$TMP/log" 2>&1; then
        bad "$n: tinysim infer failed: $(tail -n 3 "$TMP/log")"
        continue
    fi
    j=0 same=1
    while [ "$j" -lt "$k" ]; do
        cmp -s "$G/${n}_output_$j.bin" "$TMP/${n}_$j.bin" || same=0
        j=$((j + 1))
    done
    [ "$same" -eq 1 ] && ok || bad "$n: the host's output differs from TFLM's"
    # firmware: single-input cases of one inference (the infer sample runs one), output 0
    set -- $ins
    [ "$#" -eq 1 ] && [ -z "$inv" ] || continue
    # float32 SOFTMAX and LOGISTIC call expf, newlib's in firmware: within the README's ULP
    case $n in
    softmax_f32_*) lim=3 ;;
    logistic_f32_*) lim=2 ;;
    unidirectional_sequence_lstm_f32_*) lim=16 ;;
    *) lim=0 ;;
    esac
    for b in nucleo-l4r5zi nucleo-g0b1re; do
        if ! $LIMIT "$BIN" run "$FW/$b/infer.elf" --model "$TMP/c/$n.tflite" --input "$1" \
            --output "$TMP/fw.bin" -q --timeout 30 >"$TMP/log" 2>&1; then
            bad "$b $n: the firmware run failed: $(tail -n 2 "$TMP/log")"
        elif cmp -s "$G/${n}_output_0.bin" "$TMP/fw.bin"; then
            ok
        elif [ "$lim" -gt 0 ] && [ "$(ulps "$G/${n}_output_0.bin" "$TMP/fw.bin")" -le "$lim" ]; then
            ok
        else
            bad "$b $n: the firmware's output differs from TFLM's"
        fi
    done
done <"$TMP/names"
echo "  $n_cases cases"

# inspect counts TRANSPOSE_CONV's MACs (every input value through the whole filter:
# 4x5x3 inputs x 6x3x3 = 3,240) and the arena holds its int32 accumulators (60 + 480 bytes of
# tensors and 1,920 of scratch, 16-aligned: 2,464)
expect 0 "TRANSPOSE_CONV .* 3,240 " "inspect: TRANSPOSE_CONV's MACs" -- \
    "$BIN" inspect "$TMP/c/transpose_conv_i8_0.tflite"
grep -q "arena 2,464 bytes" "$TMP/out" && ok || bad "inspect: TRANSPOSE_CONV's scratch in the arena"
# the LSTM: per step and batch row, 4 gates x state x (input + state): 5 x 4 x 6 x (8 + 6)
expect 0 "UNIDIRECTIONAL_SEQUENCE_LSTM .* 1,680 " "inspect: the LSTM's MACs" -- \
    "$BIN" inspect "$TMP/c/unidirectional_sequence_lstm_i8_0.tflite"
# the SVDF: filters x (input + memory), 8 x (12 + 5); its arena: input 12, output 8 and state
# 40 bytes, and the int32 scratch of 8 dot products and 8 unit sums, each 16-aligned: 144
expect 0 "SVDF .* 136 " "inspect: the SVDF's MACs" -- "$BIN" inspect "$TMP/c/svdf_i8_0.tflite"
grep -q "arena 144 bytes" "$TMP/out" && ok || bad "inspect: the SVDF's state and scratch in the arena"

printf 'ops: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
