#!/bin/sh
# Issue 12, the profiler's slice: it must not crash the host, lie, or write guest memory.
# Probes that trust their arguments (the hostile sample calls them with nonsense), bounded
# host work per probe event, stack depth without writing guest memory, memory and probed-call
# figures that are right for any firmware, and names from models escaped for JSON and for
# terminals. Every case here failed before the fix.
#
# usage: tests/trust/prof.sh TINYSIM FIRMWARE_DIR     (from the top of the tree)
set -u
BIN=${1:?usage: prof.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: prof.sh TINYSIM FIRMWARE_DIR}
SHARED=${TINYSIM_SHARED:-../shared}
CC=${CC:-cc}
CROSS=${CROSS:-arm-none-eabi-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-prof.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

L4=$FW/nucleo-l4r5zi
H=$L4/hostile.elf
for f in "$H" "$L4/infer.elf" "$L4/hello.elf" "$L4/probe.elf"; do
    [ -f "$f" ] || { bad "$f missing: make firmware"; printf 'prof: %d passed, %d failed\n' "$pass" "$fail"; exit 1; }
done
M=$TMP/m
mkdir -p "$M"
for m in kws cnn float_io; do
    "$BIN" convert "models/demo/${m}_demo.tflite" -o "$M/$m.tsm" >/dev/null 2>&1 ||
        bad "cannot convert models/demo/${m}_demo.tflite"
done

# hostile CODE PATTERN DESCRIPTION CASE [run options]: the hostile sample on CASE (its stdin),
# models from $M
hostile() {
    code=$1 pat=$2 what=$3 case=$4
    shift 4
    expect "$code" "$pat" "$what" -- feed "$case" "$BIN" run "$H" -q --semihost-dir "$M" \
        --timeout 60 "$@"
}
# count FILE PATTERN: lines of FILE matching PATTERN
count() { grep -c -- "$2" "$1" 2>/dev/null; }
# jnum FILE KEY: the first number after "KEY": in FILE
jnum() { grep -o "\"$2\": [0-9.e+-]*" "$1" | head -n 1 | sed 's/.*: //'; }

# ===================================================================== 1. probes
hostile 0 "nn_probe_layer_end(0x00000000, 4294967295) at cycle [0-9]*: no inference is running" \
    "probes: a layer end with no inference (was a segfault)" end-null --json "$TMP/end.json"
grep -q '"inference": null' "$TMP/end.json" && ok || bad "probes: end-null: no inference in the report"

hostile 0 "tinysim: warning: the firmware's probe calls make no sense: .* more probe calls" \
    "probes: garbage model pointers, images, arenas and layer indices" "garbage float_io.tsm" \
    --json "$TMP/garbage.json"
[ "$(count "$TMP/out" "probe calls make no sense")" -eq 1 ] && ok ||
    bad "probes: garbage: one warning for the run, not one per call"
[ "$(count "$TMP/garbage.json" '"measured": true')" -eq 4 ] && grep -q '"model": "float_io_demo"' "$TMP/garbage.json" &&
    ok || bad "probes: garbage: the well-formed inference after the garbage is measured"

hostile 0 "the inference of model 'cnn_demo' (nn_model 0x[0-9a-f]*) that began at cycle [0-9]* has not ended" \
    "probes: a 19-layer model's layer 18, then a 13-layer model, then its layer 18 ends (was a heap overflow)" \
    "switch cnn.tsm kws.tsm" --json "$TMP/switch.json"
[ "$(count "$TMP/switch.json" '"measured": false')" -eq 13 ] && grep -q '"model": "kws_demo"' "$TMP/switch.json" &&
    ok || bad "probes: switch: the 13-layer inference that completed has no layer measured"

hostile 0 "the inference of model 'kws_demo' (nn_model 0x[0-9a-f]*) that began at cycle [0-9]* has not ended; it is not measured (and 3 more" \
    "probes: nested begins, ends in the wrong order" "nested kws.tsm" --json "$TMP/nested.json"
[ "$(count "$TMP/nested.json" '"measured": true')" -eq 13 ] && ok ||
    bad "probes: nested: the well-formed inference after them is measured"

hostile 0 "the nn_model or its image's header changed since the inference of model 'kws_demo' began" \
    "probes: the nn_model rewritten between begin and end" "rename kws.tsm cnn.tsm" --json "$TMP/rename.json"
grep -q '"inference": null' "$TMP/rename.json" && ok || bad "probes: rename: that inference is not measured"

# --output is the last completed inference's output, not what another model's tables point at
head -c 490 /dev/zero >"$TMP/zero490.bin"
"$BIN" infer "$M/kws.tsm" --input "$TMP/zero490.bin" --output "$TMP/host.bin" >/dev/null 2>&1 ||
    bad "host infer of kws on zeros"
hostile 0 "" "--output after an inference of another model began" "output kws.tsm float_io.tsm" \
    --output "$TMP/sim.bin"
cmp -s "$TMP/host.bin" "$TMP/sim.bin" && ok || bad "--output is not the last completed inference's output"

# the REPL reads no tensor through an arena pointer that is not in RAM
printf 'run\ntensor 0 in\n' >"$TMP/t.tss"
expect 0 "cannot be read: the nn_model's arena pointer 0x00000000 does not hold" \
    "tensor: an arena pointer outside RAM is not read" -- \
    feed "output kws.tsm float_io.tsm" "$BIN" -x "$TMP/t.tss" "$H" --semihost-dir "$M"
grep -q "values: min" "$TMP/out" && bad "tensor: values shown from an arena that is not one" || ok

# ===================================================================== 2. bounded host work
# 2 M probe calls alternating between two models: each switch back costs a look at the
# nn_model and the header, not a new read and validation (model_loads); timeout 60 is a bound
# for a broken build, not a timing assertion (it took 30 s for 200 k calls before)
hostile 0 "inferences    1000000" "bounded: 2 M probe calls alternating between two models" \
    "alternate 2000000 kws.tsm cnn.tsm" --json "$TMP/alt.json"
[ "$(jnum "$TMP/alt.json" model_loads)" = 2 ] && ok ||
    bad "bounded: $(jnum "$TMP/alt.json" model_loads) model loads for two models, expected 2"

# ===================================================================== 3. stack, no guest write
# __stack_limit__ moved down to __heap_end__: painting the free stack overwrote the input
# slot and the arena, and the scores changed silently. The output must equal the host's.
OBJCOPY=${CROSS}objcopy
heap_end=$(${CROSS}nm "$L4/infer.elf" | awk '$3 == "__heap_end__" {print $1}')
"$OBJCOPY" --strip-symbol __stack_limit__ --add-symbol "__stack_limit__=0x$heap_end,global" \
    "$L4/infer.elf" "$TMP/low-limit.elf"
"$BIN" infer models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin \
    --output "$TMP/kws-host.bin" >/dev/null 2>&1 || bad "host infer of the demo model"
expect 0 "scores:" "stack: a run with __stack_limit__ = __heap_end__" -- \
    "$BIN" run "$TMP/low-limit.elf" --model models/demo/kws_demo.tflite \
    --input models/demo/kws_demo_input.bin --output "$TMP/kws-sim.bin"
grep "scores:" "$TMP/out" >"$TMP/low.scores"
cmp -s "$TMP/kws-host.bin" "$TMP/kws-sim.bin" && ok || bad "stack: profiling changed what the firmware computed"
"$BIN" run "$L4/infer.elf" --model models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin \
    2>/dev/null | grep "scores:" >"$TMP/plain.scores"
cmp -s "$TMP/low.scores" "$TMP/plain.scores" && ok || bad "stack: the scores differ with the limit moved"
# a probed call inside a core layer has its stack measured too (painting belonged to the layer)
"$BIN" run "$L4/infer.elf" -q --probe nn_conv2d_s8 --json "$TMP/pconv.json" >/dev/null 2>&1
s=$(awk '/"probes"/ {p = 1} p && /"stack_bytes"/ {gsub(/[^0-9]/, ""); print; exit}' "$TMP/pconv.json")
[ "${s:-0}" -gt 0 ] && ok || bad "stack: nn_conv2d_s8 calls inside layers have no stack depth (${s:-none})"

# ===================================================================== 4. figures
# hello.elf has 16 bytes of .bss; the input slot and the arena are reservations it never uses
expect 0 "bss 16 B, heap 4096 B, stack 8192 B" "memory: hello's sections as they are" -- \
    "$BIN" run "$L4/hello.elf" -q --json "$TMP/hello.json"
grep -q "reserved, unused: arena [0-9.]* KiB, input slot 32.0 KiB" "$TMP/out" && ok ||
    bad "memory: hello: the empty arena and input slot are not reported as unused"
used=$(awk '/"ram"/ {r = 1} r && /"used"/ {gsub(/[^0-9]/, ""); print; exit}' "$TMP/hello.json")
[ "${used:-999999}" -lt 32768 ] && ok || bad "memory: hello: RAM used ${used:-?} bytes"
if [ -f "$SHARED/firmware/tflm/kws-nucleo-l4r5zi.elf" ]; then
    expect 0 "bss 161.2 KiB, heap 4096 B, stack 8192 B" "memory: TFLM firmware's sections as they are" -- \
        "$BIN" run "$SHARED/firmware/tflm/kws-nucleo-l4r5zi.elf" -q
else
    echo "SKIP: memory of TFLM firmware: $SHARED/firmware/tflm not found (set TINYSIM_SHARED)"
fi
"$BIN" run "$L4/infer.elf" -q --model models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin \
    --json "$TMP/slots.json" >/dev/null 2>&1
[ "$(jnum "$TMP/slots.json" input_used)" = 506 ] && grep -q '"model_location": "slot"' "$TMP/slots.json" &&
    ok || bad "memory: the input slot's use (16 + 490 bytes) and the model's place"

# --probe on a function called four times: per call is per call, totals are labelled totals
expect 0 "uJ per call (the mean of 4 top-level probed calls" "--probe: energy per call" -- \
    "$BIN" run "$L4/probe.elf" -q --probe process_frame --json "$TMP/probe.json"
grep -q "total of the 4 calls: " "$TMP/out" && ok || bad "--probe: the table's total is not labelled as the calls' sum"
[ "$(jnum "$TMP/probe.json" probed_calls)" = 4 ] && grep -q '"per_call"' "$TMP/probe.json" && ok ||
    bad "--probe: the report's inference lacks calls and per_call"
# a baseline whose sum moved: check names it as the sum of the calls
awk '/"inference"/ {i = 1} i && /"cycles"/ && !done {sub(/[0-9]+/, "1"); done = 1} {print}' \
    "$TMP/probe.json" >"$TMP/probe-base.json"
expect 1 "sum of 4 calls cycles" "check: the probed total is labelled as the calls' sum" -- \
    "$BIN" check "$L4/probe.elf" -q --probe process_frame --baseline "$TMP/probe-base.json"

# ===================================================================== 5. names
# the demo model with its output's name (softmax) starting with ESC and 0xFF (CRC fixed)
if $CC -std=c11 -O1 -o "$TMP/patch" tests/bad/patch.c 2>"$TMP/cc.txt"; then
    cp "$M/kws.tsm" "$TMP/names.tsm"
    for off in $(grep -obUa softmax "$TMP/names.tsm" | cut -d: -f1); do
        "$TMP/patch" set "$TMP/names.tsm" "$off" 1 0x1b && "$TMP/patch" set "$TMP/names.tsm" $((off + 1)) 1 0xff
    done
    "$TMP/patch" crc "$TMP/names.tsm"
    ESC=$(printf '\033')
    utf8() { if command -v iconv >/dev/null 2>&1; then iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1
             else ! LC_ALL=C.UTF-8 grep -aqv '^.*$' "$1"; fi; }
    expect 0 'tensor 33 .\\x1b\\xffftmax' "names: inspect shows ESC and 0xFF escaped" -- "$BIN" inspect "$TMP/names.tsm"
    grep -q "$ESC" "$TMP/out" && bad "names: inspect let an ESC byte through" || ok
    "$BIN" inspect --json "$TMP/names.tsm" >"$TMP/names.json" 2>&1
    utf8 "$TMP/names.json" && grep -q '"name": "\\u001b\\ufffdftmax"' "$TMP/names.json" && ok ||
        bad "names: inspect --json is not valid UTF-8 with the escapes"
    "$BIN" run "$L4/infer.elf" -q --model "$TMP/names.tsm" --json "$TMP/names-run.json" >/dev/null 2>&1
    utf8 "$TMP/names-run.json" && ok || bad "names: the run report is not valid UTF-8"
    expect 0 "OK: identical to the baseline" "names: check reads a report with such names" -- \
        "$BIN" check "$L4/infer.elf" -q --model "$TMP/names.tsm" --baseline "$TMP/names-run.json"
    printf 'run\ninfo layer 12\ntensor 12\n' >"$TMP/n.tss"
    expect 0 'layer 12: SOFTMAX \\x1b\\xffftmax' "names: the REPL's layer and tensor names escaped" -- \
        "$BIN" -x "$TMP/n.tss" "$L4/infer.elf" --model "$TMP/names.tsm"
    grep -q "$ESC" "$TMP/out" && bad "names: the REPL let an ESC byte through" || ok
else
    bad "cannot build tests/bad/patch.c"; cat "$TMP/cc.txt"
fi

# ===================================================================== 6. TFLM, faked
# tflmfake looks like TFLM (the interpreter, its loop, kernels) and hands the TFLM source
# nonsense: every value is checked, the run goes on, one warning says what was wrong.
T=$L4/tflmfake.elf
D=models/demo
tflm() {
    code=$1 pat=$2 what=$3 case=$4
    expect "$code" "$pat" "$what" -- feed "$case" "$BIN" run "$T" -q --semihost-dir "$D" \
        --timeout 60
}
if [ -f "$T" ]; then
    tflm 0 "^--- layers (last inference of pool: 13 layers) ---" "TFLM faked: good calls give the layers" \
        "good kws_demo.tflite 13"
    grep -q "arena 0 bytes (of 4096 given)" "$TMP/out" && ok || bad "TFLM faked: the arena given"
    tflm 0 "operator call 13 of an Invoke of TFLM model 'pool' (.tflite at 0x[0-9a-f]*), which has 13 operators" \
        "TFLM faked: more operator calls than operators" "extra kws_demo.tflite 13"
    tflm 0 "operator call 2 of an Invoke got node 0x[0-9a-f]*, out of the sequence of TfLiteNode pointers" \
        "TFLM faked: a node out of sequence" "sequence kws_demo.tflite 13"
    grep -q "^--- layers" "$TMP/out" && bad "TFLM faked: an Invoke out of sequence was measured" || ok
    tflm 0 "the interpreter's model (0x70000000) is not a TensorFlow Lite FlatBuffer in target memory" \
        "TFLM faked: an unmapped model pointer" "nomodel 5"
    tflm 0 "the model at 0x[0-9a-f]* is not a valid .tflite: " "TFLM faked: a model that says TFL3" \
        "garbage 5"
    tflm 0 "arena 0 bytes, model" "TFLM faked: an arena in flash, 4 GiB long" "arena kws_demo.tflite 13"
    tflm 0 "an Invoke began inside another one" "TFLM faked: nested Invokes" "nested kws_demo.tflite 13"
    printf 'continue\ntensor 0\n' >"$TMP/fake.tss"
    expect 0 "not readable: the runtime's tensors do not say where it is" \
        "TFLM faked: tensor without TFLM's tensor array" -- \
        feed "good kws_demo.tflite 13" "$BIN" -x "$TMP/fake.tss" "$T" --semihost-dir "$D"
else
    bad "$T missing: make firmware"
fi

printf 'prof: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
