#!/bin/sh
# TensorFlow Lite Micro firmware, unmodified (../shared/firmware/tflm: TFLM + CMSIS-NN for the
# MLPerf Tiny models on several boards, each printing its own per-operator DWT cycles for its
# last Invoke). For every ELF: tinysim finds the layers by itself (no option), one per
# operator, named as TFLM's ops, and each layer's cycles are within 1% (or 1,000 cycles: the
# firmware's figure includes its profiler's begin/end calls) of the firmware's own figure;
# each layer's op, output shape, MACs and weight bytes are those `tinysim inspect` gives for
# the same .tflite; every layer's output (read through TFLM's tensors) equals tinysim's core
# on the host (compare); tensor shows a layer's output; the arena used and given are what TFLM's arena_used_bytes() says; KWS has
# 13 layers whose MACs sum to 2,656,768.
# Skips with a message when ../shared is absent.
#
# usage: tests/sim/tflm.sh TINYSIM
set -u
BIN=${1:?usage: tflm.sh TINYSIM}
SHARED=${TINYSIM_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-tflm.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"

D=$SHARED/firmware/tflm
if ! ls "$D"/*.elf >/dev/null 2>&1; then
    echo "SKIP: $D not found: no TFLM firmware to test (the shared data is not checked out)"
    echo "tflm: 0 passed, 0 failed"
    exit 0
fi

model_of() {
    case $(basename "$1") in
    kws-*) echo "$SHARED/models/kws_ref_model.tflite" ;;
    vww-*) echo "$SHARED/models/vww_96_int8.tflite" ;;
    ic-*) echo "$SHARED/models/pretrainedResnet_quant.tflite" ;;
    ad-*) echo "$SHARED/models/ad01_int8.tflite" ;;
    esac
}

# layer rows of a run's CSV as "index op output macs weights cycles" (the quoted name out)
csv_rows() { sed 1d "$1" | sed 's/"[^"]*"/N/' | awk -F, '{ print $1, $2, $4, $5, $6, $7 }'; }

# the sanitizer build: one board per model (the host code each run exercises is the same on
# every board; the plain build checks all of them)
ELFS=$(ls "$D"/*.elf)
if sanitized "$BIN"; then
    ELFS=$(ls "$D"/*-nucleo-l4r5zi.elf)
    echo "  (sanitizer build: the L4R5 firmware of each model; the plain build runs all $(ls "$D"/*.elf | wc -l))"
fi
for e in $ELFS; do
    n=$(basename "$e" .elf)
    if ! $LIMIT "$BIN" run "$e" --csv "$TMP/$n.csv" >"$TMP/$n.out" 2>&1; then
        bad "$n: run failed"; tail -n 5 "$TMP/$n.out" | sed 's/^/    /'; continue
    fi
    # the firmware's own per-operator figures: "  op  3 DEPTHWISE_CONV_2D  750745 cycles ..."
    grep -E '^  op +[0-9]+ [A-Z0-9_]+ +[0-9]+ cycles' "$TMP/$n.out" |
        awk '{ print $2, $3, $4 }' >"$TMP/$n.dwt"
    csv_rows "$TMP/$n.csv" >"$TMP/$n.rows"
    nd=$(wc -l <"$TMP/$n.dwt") nr=$(wc -l <"$TMP/$n.rows")
    if [ "$nd" -eq 0 ] || [ "$nd" -ne "$nr" ]; then
        bad "$n: $nr layers found, the firmware printed $nd operators"; continue
    fi
    ok
    res=$(paste -d' ' "$TMP/$n.dwt" "$TMP/$n.rows" | awk '
        { d = $9 - $3; if (d < 0) d = -d; lim = $3 / 100; if (lim < 1000) lim = 1000
          if ($1 != $4 || $2 != $5) { print "op " $1 " is " $2 " in the firmware, " $5 " here"; exit }
          if (d > lim) { print "op " $1 " (" $2 "): " $9 " cycles, the firmware " $3; exit }
          if (d > max) max = d; sum += $3 }
        END { if (NR) printf "max %d cycles off, layers %d, cycles %d\n", max, NR, sum }')
    case $res in
    max*) ok; echo "  $n: $res" ;;
    *) bad "$n: $res" ;;
    esac
    # the arena: what TFLM itself says it used of the arena it was given
    fw=$(sed -n 's/^AllocateTensors: .*arena used \([0-9]*\) of \([0-9]*\) bytes.*/\1 \2/p' "$TMP/$n.out")
    us=$(sed -n 's/^total: .* arena \([0-9]*\) bytes (of \([0-9]*\) given).*/\1 \2/p' "$TMP/$n.out")
    [ -n "$fw" ] && [ "$fw" = "$us" ] && ok || bad "$n: arena used/given '$us', the firmware says '$fw'"
    # every layer's output, read through TFLM's own tensors, equals tinysim's core on the host
    printf 'continue\ncompare\n' >"$TMP/cmp.tss"
    expect 0 "^compare: all $nd layers identical to the host reference" "$n: compare" -- \
        "$BIN" -x "$TMP/cmp.tss" "$e"
    # the layers as inspect gives them for the model the firmware embeds
    m=$(model_of "$e")
    if [ -n "$m" ] && [ -f "$m" ]; then
        "$BIN" inspect "$m" | grep -E '^ +[0-9]+  [A-Z]' |
            awk '{ gsub(",", "", $5); print $1, $2, $4, $5, $6 }' >"$TMP/$n.insp"
        awk '{ print $1, $2, $3, $4, $5 }' "$TMP/$n.rows" | cmp -s - "$TMP/$n.insp" && ok ||
            bad "$n: the layers' op, output shape, MACs and weights are not inspect's for $(basename "$m")"
    fi
done

# KWS on the L4R5: 13 layers named as TFLM's ops, MACs 2,656,768, in the text table too
K=$D/kws-nucleo-l4r5zi.elf
if [ -f "$K" ]; then
    [ "$(wc -l <"$TMP/kws-nucleo-l4r5zi.rows")" -eq 13 ] && ok || bad "KWS: not 13 layers"
    macs=$(awk '{ s += $4 } END { print s }' "$TMP/kws-nucleo-l4r5zi.rows")
    [ "$macs" = 2656768 ] && ok || bad "KWS: MACs sum to $macs, not 2656768"
    expect 0 "^--- layers (last inference of g_model: 13 layers) ---" "KWS: the layer table" -- \
        "$BIN" run "$K" -q
    grep -q "^  4  CONV_2D .*1x25x5x64 .*512000" "$TMP/out" && ok || bad "KWS: layer 4 row"
    grep -q "total: 2656768 MACs" "$TMP/out" && ok || bad "KWS: total MACs"
fi

# check against a TFLM baseline: unchanged passes; a planted regression (the baseline's layer 4
# 10% faster than this firmware) is caught, naming the layer; --inference and each Invoke's total
if [ -f "$K" ]; then
    "$BIN" run "$K" -q --json "$TMP/base.json" >/dev/null 2>&1
    grep -q '"runtime": "tflm"' "$TMP/base.json" && grep -q '"completed": 4' "$TMP/base.json" &&
        ok || bad "KWS report: runtime tflm and 4 completed Invokes"
    expect 0 "check: OK: identical to the baseline" "check: a TFLM baseline, unchanged" -- \
        "$BIN" check "$K" --baseline "$TMP/base.json" -q
    awk '/"index": 4,/ { l4 = 1 } l4 && /"cycles":/ { n = $2 + 0; sub(/[0-9]+/, int(n * 0.9)); l4 = 0 } { print }' \
        "$TMP/base.json" >"$TMP/planted.json"
    expect 1 "CONV_2D" "check: a planted regression in layer 4 of a TFLM baseline" -- \
        "$BIN" check "$K" --baseline "$TMP/planted.json" -q
    grep -q "^  layer 4 CONV_2D cycles .*REGRESSION$" "$TMP/out" && ok || bad "check: the regression row names layer 4"
    expect 0 "^--- layers (inference 0 of 4, as --inference asked, of g_model: 13 layers) ---" \
        "--inference 0" -- "$BIN" run "$K" -q --inference 0
    grep -q "^inferences: 4 completed; cycles of each: 0: " "$TMP/out" && ok ||
        bad "each Invoke's total is printed"
    expect 2 "--inference 9: the firmware completed 4 inferences" "--inference past the last" -- \
        "$BIN" run "$K" -q --inference 9
fi

# tensor on TFLM firmware: a layer's output found through the TfLiteNode's TFLM tensors, and
# the operands' addresses (the output in the arena, the weights in the .tflite in flash)
if [ -f "$K" ]; then
    printf 'break layer 4\nrun\ninfo layer 4\nfinish\ntensor 4 --stats\ndelete\ncontinue\ntensor 12\n' >"$TMP/t.tss"
    expect 0 "^  8000 values: min -128, max 56" "TFLM: tensor 4 after layer 4 ran" -- \
        "$BIN" -x "$TMP/t.tss" "$K"
    grep -q "^  w    int8     64x1x1x64 .* @0x0801" "$TMP/out" && ok || bad "TFLM: info layer 4: the weights' address in flash"
    grep -q "^  out  int8     1x25x5x64 .* @0x2000" "$TMP/out" && ok || bad "TFLM: info layer 4: the output's address in RAM"
    grep -q "^  \[   0\] -128 -128 -128 -128 -128  127 -128" "$TMP/out" && ok ||
        bad "TFLM: tensor 12 (the output) has its top class at 5, as the firmware says"
fi

# --output on TFLM firmware: the model's output as the last Invoke left it, read through TFLM's
# tensors; the VWW, IC and AD firmware run the golden input_seed1, so it is TFLM's golden output
for e in $ELFS; do
    case $(basename "$e") in vww-* | ic-* | ad-*) ;; *) continue ;; esac
    [ -f "$e" ] || continue
    n=$(basename "$e" .elf) g=$(basename "$(model_of "$e")" .tflite)
    [ -f "$SHARED/golden/$g/output_seed1.bin" ] || continue
    expect 0 "" "$n: --output" -- "$BIN" run "$e" -q --output "$TMP/$n.bin"
    cmp -s "$TMP/$n.bin" "$SHARED/golden/$g/output_seed1.bin" && ok ||
        bad "$n: --output is not the golden output of $g"
done

# --layer-calls on TFLM firmware: CMSIS-NN's entry points as the layers (12 per Invoke: RESHAPE
# calls none), the depthwise wrapper included although it tail-calls its 3x3 kernel
if [ -f "$K" ]; then
    expect 0 "^--- probed calls (arm_\*_s8: 48 top-level calls) ---" "--layer-calls 'arm_*_s8'" -- \
        "$BIN" run "$K" -q --layer-calls 'arm_*_s8'
    grep -q "^  1  arm_depthwise_conv_wrapper_s8 .* 749596 " "$TMP/out" && ok ||
        bad "--layer-calls: a call ending in a tail call is one row, with the callee's cycles"
fi

echo "tflm: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
