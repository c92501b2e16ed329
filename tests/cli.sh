#!/bin/sh
# Command-line tests: exit codes, messages and outputs of `tinysim` commands.
# Usage: tests/cli.sh path/to/tinysim    (run from the repository root)
# Uses ../shared (or $TINYSIM_SHARED) for the MLPerf Tiny models when present.
set -u
BIN=${1:?usage: tests/cli.sh path/to/tinysim}
SHARED=${TINYSIM_SHARED:-../shared}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
failed=0

# expect CODE NEEDLE CMD...: run CMD, check its exit code and that NEEDLE (a fixed string,
# "" for none) appears in its stdout or stderr.
expect() {
    code=$1 needle=$2
    shift 2
    "$@" >"$T/out" 2>&1
    rc=$?
    if [ "$rc" -ne "$code" ]; then
        echo "FAIL: exit $rc (want $code): $*"; sed 's/^/  | /' "$T/out" | head -5
        failed=$((failed + 1)); return
    fi
    if [ -n "$needle" ] && ! grep -qF -- "$needle" "$T/out"; then
        echo "FAIL: output lacks '$needle': $*"; sed 's/^/  | /' "$T/out" | head -5
        failed=$((failed + 1)); return
    fi
    pass=$((pass + 1))
}

# same FILE1 FILE2 WHAT
same() {
    if cmp -s "$1" "$2"; then pass=$((pass + 1)); else echo "FAIL: $3 ($1 != $2)"; failed=$((failed + 1)); fi
}

DEMO=models/demo/kws_demo.tflite
DEMO_IN=models/demo/kws_demo_input.bin

# ---- usage errors: exit 2
expect 2 "usage: tinysim COMMAND" "$BIN"
expect 0 "commands:" "$BIN" help
expect 0 "usage: tinysim infer" "$BIN" help infer
expect 0 "usage: tinysim inspect" "$BIN" inspect --help
expect 2 "no command 'nosuch'" "$BIN" help nosuch
expect 2 "unknown command 'frobnicate'" "$BIN" frobnicate
expect 2 "missing MODEL" "$BIN" inspect
expect 2 "unknown option --bogus" "$BIN" inspect --bogus "$DEMO"
expect 2 "missing -o" "$BIN" convert "$DEMO"
expect 2 "needs an argument" "$BIN" convert "$DEMO" -o
expect 2 "missing --input" "$BIN" infer "$DEMO" --output "$T/o.bin"
expect 2 "missing --output" "$BIN" infer "$DEMO" --input "$DEMO_IN"
expect 0 "tinysim " "$BIN" --version

# ---- bad input files: exit 3, naming the file and the cause
expect 3 "cannot open $T/nope.tflite" "$BIN" inspect "$T/nope.tflite"
expect 3 "not a model" "$BIN" inspect README.md
head -c 1000 "$DEMO" >"$T/trunc.tflite"
expect 3 "malformed .tflite" "$BIN" inspect "$T/trunc.tflite"
printf 'xxxxTFL3' >"$T/tiny.tflite"
expect 3 "$T/tiny.tflite" "$BIN" inspect "$T/tiny.tflite"
head -c 100 "$DEMO_IN" >"$T/short.bin"
expect 3 "must be 490 bytes" "$BIN" infer "$DEMO" --input "$T/short.bin" --output "$T/o.bin"
expect 3 "cannot open" "$BIN" infer "$DEMO" --input "$T/none.bin" --output "$T/o.bin"
expect 3 "cannot create" "$BIN" infer "$DEMO" --input "$DEMO_IN" --output "$T/no/such/dir/o.bin"

# ---- convert, inspect, infer on the demo model
expect 0 "wrote $T/kws.tsm: 13 layers" "$BIN" convert "$DEMO" -o "$T/kws.tsm"
expect 3 "already a compiled .tsm" "$BIN" convert "$T/kws.tsm" -o "$T/again.tsm"
expect 0 "totals: 13 layers, 2,656,768 MACs" "$BIN" inspect "$DEMO"
expect 0 "totals: 13 layers, 2,656,768 MACs" "$BIN" inspect "$T/kws.tsm"
expect 0 '"schema": "tinysim-inspect/1"' "$BIN" inspect --json "$DEMO"
expect 0 '"output_shape": [' "$BIN" inspect --json "$T/kws.tsm"
grep -q '"macs": 2656768' "$T/out" && pass=$((pass + 1)) || { echo "FAIL: --json totals macs"; failed=$((failed + 1)); }
expect 0 "argmax" "$BIN" infer "$DEMO" --input "$DEMO_IN" --output "$T/a.bin" --dump-layers "$T/layers"
expect 0 "argmax" "$BIN" infer "$T/kws.tsm" -i "$DEMO_IN" -o "$T/b.bin"
same "$T/a.bin" "$T/b.bin" "the .tflite and its .tsm give the same output"
n=$(ls "$T/layers" | wc -l)
[ "$n" -eq 13 ] && pass=$((pass + 1)) || { echo "FAIL: --dump-layers wrote $n files, want 13"; failed=$((failed + 1)); }
[ -f "$T/layers/op_12_SOFTMAX.bin" ] && pass=$((pass + 1)) || { echo "FAIL: op_12_SOFTMAX.bin missing"; failed=$((failed + 1)); }
same "$T/layers/op_12_SOFTMAX.bin" "$T/a.bin" "the last layer's dump is the output"
# --invokes: a stateless model gives the same output however often it runs; bad counts refused
expect 0 "argmax" "$BIN" infer "$DEMO" --input "$DEMO_IN" --output "$T/c.bin" --invokes 3
same "$T/a.bin" "$T/c.bin" "three inferences of a stateless model give the first's output"
expect 2 "give a count from 1 to 1000000" "$BIN" infer "$DEMO" --input "$DEMO_IN" \
    --output "$T/c.bin" --invokes 0
expect 2 "give a count from 1 to 1000000" "$BIN" infer "$DEMO" --input "$DEMO_IN" \
    --output "$T/c.bin" --invokes 3x

# A model with a float boundary: float32 input (16 values), float32 output (4 values).
expect 0 "FLOAT32 [1x4] (16 bytes)" "$BIN" infer models/demo/float_io_demo.tflite \
    --input models/demo/float_io_demo_input.bin --output "$T/f.bin"
n=$(wc -c <"$T/f.bin")
[ "$n" -eq 16 ] && pass=$((pass + 1)) || { echo "FAIL: float output is $n bytes, want 16"; failed=$((failed + 1)); }
expect 3 "must be 64 bytes" "$BIN" infer models/demo/float_io_demo.tflite --input "$DEMO_IN" --output "$T/f.bin"

# A corrupt .tsm: one flipped byte in the data -> checksum error, exit 3.
cp "$T/kws.tsm" "$T/bad.tsm"
printf '\377' | dd of="$T/bad.tsm" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect 3 "checksum mismatch" "$BIN" inspect "$T/bad.tsm"

# ---- the MLPerf Tiny models and TFLM's golden outputs
if [ -d "$SHARED/models" ] && [ -d "$SHARED/golden" ]; then
    expect 0 "totals: 13 layers, 2,656,768 MACs" "$BIN" inspect "$SHARED/models/kws_ref_model.tflite"
    for d in "$SHARED"/golden/*/; do
        m=$(basename "$d")
        expect 0 "wrote" "$BIN" convert "$SHARED/models/$m.tflite" -o "$T/$m.tsm"
        for inp in "$d"input_*.bin; do
            n=$(basename "$inp" .bin | sed 's/^input_//')
            expect 0 "argmax" "$BIN" infer "$T/$m.tsm" --input "$inp" --output "$T/$m-$n.out"
            same "$T/$m-$n.out" "${d}output_$n.bin" "$m on input $n equals TFLM's output"
        done
    done
else
    echo "SKIP: $SHARED/models not found: the MLPerf Tiny CLI checks need ../shared (set TINYSIM_SHARED)"
fi

echo "cli: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
