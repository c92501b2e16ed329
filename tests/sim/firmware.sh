#!/bin/sh
# Integration tests of `tinysim run` on the firmware samples (build/firmware/<board>/*.elf):
# every sample on every board, the infer sample bit-exact with the host on each of the five
# cores for the demo models and the MLPerf Tiny models (when ../shared is there), and the
# fault, budget and bad-input cases with their exit codes and messages.
#
# usage: tests/sim/firmware.sh TINYSIM [FIRMWARE_DIR]
set -u
BIN=${1:?usage: firmware.sh TINYSIM [FIRMWARE_DIR]}
FW=${2:-build/firmware}
SHARED=${TINYSIM_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-fw.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"

BOARDS="nucleo-l4r5zi nucleo-f746zg nucleo-g0b1re nrf52840-dk nucleo-u575zi nucleo-f207zg"
# one board per core, for the bit-exactness matrix
CORE_BOARDS="nucleo-g0b1re nucleo-f207zg nucleo-l4r5zi nucleo-f746zg nucleo-u575zi"
if sanitized "$BIN"; then # the same host code on every core: a soft-float and an FPU one
    CORE_BOARDS="nucleo-g0b1re nucleo-l4r5zi"
    echo "  (sanitizer build: bit-exactness on $CORE_BOARDS; the plain build checks all five cores)"
fi

# ---- every sample on every board it was built for
for b in $BOARDS; do
    d="$FW/$b"
    [ -d "$d" ] || { bad "$d missing: run make firmware"; continue; }
    expect 0 "hello from $b" "$b hello" -- "$BIN" run "$d/hello.elf"
    expect 0 "cycles" "$b cyccnt" -- "$BIN" run "$d/cyccnt.elf"
    expect 0 "ticks: 5, svc: 1, pendsv: 1" "$b tick" -- "$BIN" run "$d/tick.elf"
    expect 0 "top class" "$b infer (default model)" -- "$BIN" run "$d/infer.elf"
    expect 4 "fault_write_bad_pointer" "$b fault names the function" -- "$BIN" run "$d/fault.elf"
    # the same integer pipeline gives the same checksum on every core
    expect 0 "probe: checksum 21d64ffe, tree depth 10" "$b probe sample" -- "$BIN" run "$d/probe.elf"
    expect 5 "cycle budget reached" "$b spin stops at the cycle budget" -- \
        "$BIN" run "$d/spin.elf" --max-cycles 2M
done

# ---- the summary and the exact faulting instruction
d="$FW/nucleo-l4r5zi"
expect 4 "write to unmapped address 0x70000000" "fault: access address" -- "$BIN" run "$d/fault.elf"
"$BIN" run "$d/fault.elf" >"$TMP/fault.txt" 2>&1
if grep -q "exact instruction unknown" "$TMP/fault.txt"; then bad "fault: instruction not located"; else ok; fi
if grep -Eq "at +0x[0-9a-f]{8} fault_write_bad_pointer(\+0x[0-9a-f]+)?: str" "$TMP/fault.txt"; then ok
else bad "fault: no 'at ADDR fault_write_bad_pointer: str...' line"; sed 's/^/    /' "$TMP/fault.txt"; fi
expect 0 "time " "summary has the time" -- "$BIN" run "$d/hello.elf"
expect 5 "wall-clock timeout" "timeout stops a runaway loop" -- "$BIN" run "$d/spin.elf" --timeout 0.3
expect 5 "instruction budget" "instruction budget" -- "$BIN" run "$d/spin.elf" --max-insns 100k
"$BIN" run "$d/spin.elf" --max-cycles 1M >"$TMP/spin.txt" 2>&1
if grep -q "spin_forever" "$TMP/spin.txt"; then ok; else bad "budget stop does not say where it was spinning"; sed 's/^/    /' "$TMP/spin.txt"; fi

# the cycle counter the firmware reads is the modelled one: cyccnt prints DWT_CYCCNT deltas
"$BIN" run "$d/cyccnt.elf" --json "$TMP/cyc.json" >"$TMP/cyc.txt" 2>&1
if grep -q '"schema": "tinysim-report/1"' "$TMP/cyc.json" && grep -q '"reason": "exit"' "$TMP/cyc.json"; then ok
else bad "--json report"; fi

# ---- per-layer profile of the default model (kws_demo: 13 layers, 2,656,768 MACs)
"$BIN" run "$d/infer.elf" --csv "$TMP/layers.csv" --json "$TMP/layers.json" >"$TMP/prof.txt" 2>&1
if [ "$(tail -n +2 "$TMP/layers.csv" | wc -l)" -eq 13 ] &&
   [ "$(awk -F, 'NR > 1 {s += $5} END {print s}' "$TMP/layers.csv")" = 2656768 ]; then ok
else bad "--csv: 13 layers whose MACs sum to 2656768"; cat "$TMP/layers.csv"; fi
# every layer ran, took cycles and stack; the layers account for most of the inference
inf_cycles=$(awk '/"inference"/ {f=1} f && /"cycles"/ {gsub(/[^0-9]/, ""); print; exit}' "$TMP/layers.json")
if awk -F, -v inf="$inf_cycles" 'NR > 1 { if ($7 <= 0 || $12 <= 0) bad = 1; s += $7 }
        END { exit !(bad == 0 && inf > 0 && s <= inf && s > 0.95 * inf) }' "$TMP/layers.csv"; then ok
else bad "layer cycles (sum vs inference $inf_cycles) or stack missing"; cat "$TMP/layers.csv"; fi
if [ "$(grep -c '"op": ' "$TMP/layers.json")" -eq 13 ]; then ok; else bad "--json: 13 layers"; fi
if grep -q "^ 12  SOFTMAX" "$TMP/prof.txt"; then ok; else bad "layer table printed"; sed 's/^/    /' "$TMP/prof.txt"; fi

# per-function self cycles add up to the run's cycles exactly (every block is in one function)
fn_sum=$(awk '/"functions": \[/ {f = 1; next} f && /^  \]/ {f = 0} f && /"cycles":/ {gsub(/[^0-9]/, ""); s += $0} END {print s}' "$TMP/layers.json")
tot=$(awk '/"totals"/ {t = 1} t && /"cycles":/ {gsub(/[^0-9]/, ""); print; exit}' "$TMP/layers.json")
if [ -n "$tot" ] && [ "$fn_sum" = "$tot" ]; then ok; else bad "function cycles $fn_sum != total $tot"; fi
if grep -q "nn_conv2d_s8" "$TMP/prof.txt"; then ok; else bad "functions table names nn_conv2d_s8"; fi

# energy: per inference, duty-cycled average power and battery life (L4R5 profile: 1.8 V)
expect 0 "battery       1000 mAh lasts" "--rate/--battery give battery life" -- \
    "$BIN" run "$d/infer.elf" --rate 1/s --battery 1000
expect 0 "cannot be sustained" "a rate faster than one inference says so" -- \
    "$BIN" run "$d/infer.elf" --rate 100/s
expect 2 "needs --rate" "--battery without --rate" -- "$BIN" run "$d/infer.elf" --battery 1000
expect 2 "--rate wants" "a bad rate" -- "$BIN" run "$d/infer.elf" --rate fast

# ---- board selection
expect 0 "running it on nucleo-u575zi as --board says" "--board override warns" -- \
    "$BIN" run "$FW/nucleo-l4r5zi/hello.elf" --board nucleo-u575zi
expect 3 "outside board nrf52840-dk's memory" "segments outside the board" -- \
    "$BIN" run "$FW/nucleo-l4r5zi/infer.elf" --board nrf52840-dk
expect 3 "Cortex-M0+" "M7 firmware on an M0+ board names both" -- \
    "$BIN" run "$FW/nucleo-f746zg/hello.elf" --board nucleo-g0b1re
cat >"$TMP/my.board" <<'EOF2'
# a board of one's own: the L4R5's memory map at a lower clock
name = my-l4
mcu = STM32L4R5ZI
core = cortex-m4f
clock_mhz = 80
region = flash flash 0x08000000 2048K ws=4 alias=0x00000000
region = sram ram 0x20000000 640K
EOF2
expect 0 "80 MHz" "--board FILE runs on a profile file" -- "$BIN" run "$d/hello.elf" --board "$TMP/my.board"
printf 'name = x\ncore = cortex-m9\n' >"$TMP/bad.board"
expect 3 "bad.board:2" "a bad profile file names the line" -- "$BIN" run "$d/hello.elf" --board "$TMP/bad.board"
expect 2 "unknown board" "unknown board name" -- "$BIN" run "$d/hello.elf" --board nosuch
expect 0 "" "boards lists" -- "$BIN" boards
expect 0 "nucleo-f207zg" "boards lists the M3 board" -- "$BIN" boards

# ---- bad ELF files: exit 3 with the cause, never a crash
head -c 1000 "$d/hello.elf" >"$TMP/trunc.elf"
expect 3 "trunc.elf" "truncated ELF" -- "$BIN" run "$TMP/trunc.elf" --board nucleo-l4r5zi
printf 'not an elf\n' >"$TMP/text.elf"
expect 3 "text.elf" "text file" -- "$BIN" run "$TMP/text.elf" --board nucleo-l4r5zi
expect 3 "" "host x86-64 ELF" -- "$BIN" run "$BIN" --board nucleo-l4r5zi
expect 3 "" "missing file" -- "$BIN" run "$TMP/nope.elf" --board nucleo-l4r5zi
expect 2 "which firmware" "no firmware" -- "$BIN" run

# ---- model and input slots
# no --input: the golden generator's bytes (xorshift32 seed 1), said on stderr
expect 0 "xorshift32 seed 1" "--model without --input uses seed 1" -- \
    "$BIN" run "$d/infer.elf" --model models/demo/kws_demo.tflite --output "$TMP/seed-default.bin"
expect 0 "" "--input-seed 1" -- \
    "$BIN" run "$d/infer.elf" --model models/demo/kws_demo.tflite --input-seed 1 --output "$TMP/seed1.bin"
expect 0 "xorshift32 seed 7" "--input-seed 7" -- \
    "$BIN" run "$d/infer.elf" --model models/demo/kws_demo.tflite --input-seed 7 --output "$TMP/seed7.bin"
cmp -s "$TMP/seed-default.bin" "$TMP/seed1.bin" && ok || bad "default input is not seed 1"
cmp -s "$TMP/seed1.bin" "$TMP/seed7.bin" && bad "seeds 1 and 7 give the same output" || ok
expect 2 "not both" "--input-seed with --input" -- "$BIN" run "$d/infer.elf" \
    --model models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin --input-seed 2
expect 2 "--input-seed wants" "a bad seed" -- \
    "$BIN" run "$d/infer.elf" --model models/demo/kws_demo.tflite --input-seed 0
expect 3 "bytes but the model's tensor" "input of the wrong size" -- \
    "$BIN" run "$d/infer.elf" --model models/demo/kws_demo.tflite --input models/demo/cnn_demo_input.bin
expect 3 "has no model slot" "--model on a firmware without slot" -- \
    "$BIN" run "$d/hello.elf" --model models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin

# a model too large for the slot, or needing more arena than the firmware has: the firmware
# is re-linked in effect by moving the end symbols (objcopy), since every real board fits
# the MLPerf models
OBJCOPY=${CROSS:-arm-none-eabi-}objcopy
slot=$(${CROSS:-arm-none-eabi-}nm "$d/infer.elf" | awk '$3 == "tinysim_model_slot" {print $1}')
arena=$(${CROSS:-arm-none-eabi-}nm "$d/infer.elf" | awk '$3 == "tinysim_arena" {print $1}')
"$OBJCOPY" --strip-symbol tinysim_model_slot_end \
    --add-symbol tinysim_model_slot_end=$(printf '0x%x' $((0x$slot + 16384))),global \
    "$d/infer.elf" "$TMP/small-slot.elf"
expect 3 "bytes too large for board nucleo-l4r5zi" "model larger than the slot says by how much" -- \
    "$BIN" run "$TMP/small-slot.elf" --model models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin
"$OBJCOPY" --strip-symbol tinysim_arena_end \
    --add-symbol tinysim_arena_end=$(printf '0x%x' $((0x$arena + 1024))),global \
    "$d/infer.elf" "$TMP/small-arena.elf"
expect 3 "needs an arena of 16,000 bytes but .* provides 1,024 bytes on board nucleo-l4r5zi: 14,976 bytes short" \
    "arena shortfall says by how much" -- \
    "$BIN" run "$TMP/small-arena.elf" --model models/demo/kws_demo.tflite --input models/demo/kws_demo_input.bin

# ---- stack overflow: the same firmware with __stack_limit__ moved up to leave 512 bytes of
# stack (the conv layers need about 960): each layer that overflows is named, with how far
top=$(${CROSS:-arm-none-eabi-}nm "$d/infer.elf" | awk '$3 == "__stack_top__" {print $1}')
"$OBJCOPY" --strip-symbol __stack_limit__ \
    --add-symbol __stack_limit__=$(printf '0x%x' $((0x$top - 512))),global \
    "$d/infer.elf" "$TMP/small-stack.elf"
expect 0 "stack overflow in layer 0 (CONV_2D): the stack went at least 4[0-9][0-9] bytes below __stack_limit__" \
    "stack overflow: the layer and the bytes" -- "$BIN" run "$TMP/small-stack.elf" -q --json "$TMP/small-stack.json"
# every layer needs more than 512 bytes (712 to 960): all 13 overflow (measured from SP since
# issue 12; painting saw 9, missing the layers whose stack bytes were rewritten unchanged)
[ "$(grep -c '"stack_overflow_bytes": [1-9]' "$TMP/small-stack.json")" -eq 13 ] && ok ||
    bad "stack overflow: all 13 layers should report it in the JSON"
"$BIN" run "$d/infer.elf" -q >"$TMP/nooverflow.txt" 2>&1
grep -q "stack overflow" "$TMP/nooverflow.txt" && bad "stack overflow reported with the full stack" || ok

# ---- bit-exact with the host, on each of the five cores
check_exact() { # model input label
    "$BIN" infer "$1" --input "$2" --output "$TMP/host.bin" >/dev/null 2>&1 ||
        { bad "host infer $3"; return; }
    for b in $CORE_BOARDS; do
        rm -f "$TMP/sim.bin"
        "$BIN" run "$FW/$b/infer.elf" --model "$1" --input "$2" --output "$TMP/sim.bin" -q \
            >"$TMP/run.txt" 2>&1
        rc=$?
        if [ $rc -ne 0 ]; then bad "$3 on $b: exit $rc"; sed 's/^/    /' "$TMP/run.txt" | tail -n 8; continue; fi
        if cmp -s "$TMP/host.bin" "$TMP/sim.bin"; then ok; else bad "$3 on $b: output differs from the host"; fi
    done
}
for m in kws_demo cnn_demo float_io_demo; do
    check_exact "models/demo/$m.tflite" "models/demo/${m}_input.bin" "$m"
done
if [ -d "$SHARED/models" ] && [ -d "$SHARED/golden" ]; then
    for m in kws_ref_model vww_96_int8 pretrainedResnet_quant ad01_int8; do
        check_exact "$SHARED/models/$m.tflite" "$SHARED/golden/$m/input_seed1.bin" "$m"
        # and the host output is TFLM's golden output (so the firmware's is too)
        if cmp -s "$TMP/host.bin" "$SHARED/golden/$m/output_seed1.bin"; then ok; else bad "$m: host output differs from TFLM's golden output"; fi
    done
    # without --input the firmware gets the golden seed-1 bytes: TFLM's output again
    "$BIN" run "$FW/nucleo-l4r5zi/infer.elf" --model "$SHARED/models/kws_ref_model.tflite" \
        --output "$TMP/noinput.bin" -q >/dev/null 2>&1
    cmp -s "$TMP/noinput.bin" "$SHARED/golden/kws_ref_model/output_seed1.bin" && ok ||
        bad "kws_ref_model without --input: output is not TFLM's for input_seed1"
else
    echo "SKIP: MLPerf Tiny models: $SHARED not found (bit-exactness checked on the demo models only)"
fi

# ---- --probe SYMBOL: any function as a layer boundary (probe.elf does not use the core)
P=$FW/nucleo-l4r5zi/probe.elf
# jget FILE KEY: the values of "KEY": numbers in a report, one per line
jget() { awk -v k="\"$2\":" '$1 == k {gsub(/[",]/, "", $2); print $2}' "$1"; }
# pcalls FILE: the probed functions' call counts (the report's "probes"), one per line
pcalls() { python3 -c 'import json, sys; print("\n".join(str(p["calls"]) for p in json.load(open(sys.argv[1]))["probes"]))' "$1"; }
expect 0 "probed calls (process_frame,fir_q15,dense_q7: 4 top-level calls)" "--probe: the frames are the layers" -- \
    "$BIN" run "$P" -q --probe process_frame --probe fir_q15 --probe dense_q7 --json "$TMP/probe.json"
[ "$(grep -c '"op": "process_frame"' "$TMP/probe.json")" -eq 4 ] && ok || bad "--probe: 4 process_frame rows in the report"
grep -q '"model": "probe:process_frame,fir_q15,dense_q7"' "$TMP/probe.json" && ok || bad "--probe: the report names the probes"
# inclusive: a frame's cycles cover its FIR and dense stages, and every row has stack
calls=$(pcalls "$TMP/probe.json" | tr '\n' ' ')
[ "$calls" = "4 4 4 " ] && ok || bad "--probe: calls per function '$calls', expected 4 4 4"
awk -v f="$(awk '/"probes"/ {p=1} p && /"cycles"/ {gsub(/[^0-9]/, ""); print}' "$TMP/probe.json" | tr '\n' ' ')" \
    'BEGIN { split(f, c, " "); exit !(c[1] > c[2] + c[3] && c[1] < 1.01 * (c[2] + c[3]) + 400) }' && ok ||
    bad "--probe: process_frame's cycles are not its stages' plus a little"
if jget "$TMP/probe.json" stack_bytes | head -n 4 | awk '$1 <= 0 {bad = 1} END {exit bad}'; then ok
else bad "--probe: a probed call without stack depth"; fi
# recursion: calls pair with returns by SP; tree_depth(10) makes 177 calls, one at top level
"$BIN" run "$P" -q --probe tree_depth --json "$TMP/tree.json" >/dev/null 2>&1
[ "$(pcalls "$TMP/tree.json")" = 177 ] && ok || bad "--probe tree_depth: $(pcalls "$TMP/tree.json") calls, expected 177"
[ "$(grep -c '"op": "tree_depth"' "$TMP/tree.json")" -eq 1 ] && ok || bad "--probe tree_depth: one top-level call"
expect 2 "no such symbol" "--probe: unknown symbol" -- "$BIN" run "$P" -q --probe nosuch
expect 2 "did you mean fir_q15" "--probe: near names suggested" -- "$BIN" run "$P" -q --probe fir_q
expect 2 "not a function" "--probe: a data symbol" -- "$BIN" run "$P" -q --probe weights
expect 0 "OK: identical to the baseline" "check with --probe compares the probed calls" -- \
    "$BIN" check "$P" -q --probe process_frame --probe fir_q15 --probe dense_q7 --baseline "$TMP/probe.json"
expect 3 "probe:process_frame" "check refuses a baseline with other probes" -- \
    "$BIN" check "$P" -q --probe process_frame --baseline "$TMP/probe.json"
# on the core's firmware the layers stay the model's and the probe adds its summary
"$BIN" run "$d/infer.elf" -q --probe nn_conv2d_s8 --json "$TMP/pconv.json" >/dev/null 2>&1
[ "$(grep -c '"op": ' "$TMP/pconv.json")" -eq 13 ] && [ "$(pcalls "$TMP/pconv.json")" = 5 ] && ok ||
    bad "--probe on infer.elf: 13 layers and 5 nn_conv2d_s8 calls expected"

# ---- determinism, memory timing and regression checks (tinysim check)
L4=$FW/nucleo-l4r5zi/infer.elf
"$BIN" run "$L4" -q --json "$TMP/base.json" >/dev/null 2>&1 || bad "baseline run"
"$BIN" run "$L4" -q --json "$TMP/again.json" >/dev/null 2>&1 || bad "second run"
if cmp -s "$TMP/base.json" "$TMP/again.json" ||
   [ "$(grep -v wall_s "$TMP/base.json")" = "$(grep -v wall_s "$TMP/again.json")" ]; then ok; else
    bad "two runs of the same ELF, board and input differ (beyond host wall time)"; fi
# the flash wait states are part of the cycles on this board (5 WS), and counted
expect 0 "wait-state cycles" "flash wait states reported" -- "$BIN" run "$L4" -q
grep -q '"flash_bytes_read": [1-9]' "$TMP/base.json" && ok || bad "report lacks flash bytes read"
grep -q '"top_functions"' "$TMP/base.json" && ok || bad "report lacks per-layer top functions"
grep -q '"memory"' "$TMP/base.json" && ok || bad "report lacks the memory breakdown"
expect 0 "OK: identical to the baseline" "check: unchanged firmware passes" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" -q --markdown "$TMP/check.md"
grep -q "OK" "$TMP/check.md" && ok || bad "check --markdown: no verdict in the file"
# A planted regression: the same board with slower flash (15 wait states, no caches).
cat >"$TMP/slow-flash.board" <<EOB
name = nucleo-l4r5zi
mcu = STM32L4R5ZI
core = cortex-m4f
clock_mhz = 120
region = flash flash 0x08000000 2M ws=15 alias=0x00000000
region = sram ram 0x20000000 640K
vdd_v = 1.8
run_ua_per_mhz = 189
flash_width = 8
EOB
expect 1 "REGRESSION" "check: slower flash is a cycle regression" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" --board "$TMP/slow-flash.board" -q
# The issue's example: the same firmware built at -O0 (make firmware-O0) against the -O2 baseline
O0=${FW}-O0/nucleo-l4r5zi/infer.elf
if [ -f "$O0" ]; then
    expect 1 "layer 0 CONV_2D cycles .* REGRESSION" "check: an -O0 build is a per-layer cycle regression" -- \
        "$BIN" check "$O0" --baseline "$TMP/base.json" -q
else
    bad "$O0 missing: make firmware-O0"
fi
expect 0 "" "check: a metric that did not move passes" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" --board "$TMP/slow-flash.board" -q --metric stack,arena
# and the same firmware with another model is refused
expect 3 "model" "check: another model is refused" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" -q --model models/demo/cnn_demo.tflite --input models/demo/cnn_demo_input.bin
sed 's/tinysim-report\/1/tinysim-report\/9/' "$TMP/base.json" >"$TMP/other-schema.json"
expect 3 "schema" "check: another schema is refused" -- \
    "$BIN" check "$L4" --baseline "$TMP/other-schema.json" -q
expect 2 "baseline" "check: --baseline is required" -- "$BIN" check "$L4"
# the verdict first, then what moved; --verbose lists every figure
expect 1 "" "check: the verdict comes first" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" --board "$TMP/slow-flash.board" -q
sed -n '/^check: baseline/,$p' "$TMP/out" | sed -n 2p | grep -q "^check: FAIL: " && ok ||
    bad "check: the line after the header is the verdict"
expect 0 " unchanged$" "check --verbose: the unchanged figures too" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" -q --verbose
[ "$(grep -c ' unchanged$' "$TMP/out")" -gt 50 ] && ok || bad "check --verbose: every figure listed"
# the markdown: totals and verdict first, moved layers only, every layer collapsed
"$BIN" check "$L4" --baseline "$TMP/base.json" --board "$TMP/slow-flash.board" -q \
    --markdown "$TMP/moved.md" >/dev/null 2>&1
grep -q "^Totals:$" "$TMP/moved.md" && grep -q "^Layers that moved:$" "$TMP/moved.md" &&
    grep -q "^<details><summary>All 13 layers</summary>$" "$TMP/moved.md" && ok ||
    bad "check --markdown: totals, moved layers, all layers collapsed"
# a refused baseline still writes the markdown, saying why
expect 3 "has schema \"tinysim-report/9\"" "check: a refused baseline" -- \
    "$BIN" check "$L4" --baseline "$TMP/other-schema.json" -q --markdown "$TMP/refused.md"
grep -q "^\*\*REFUSED\*\* (exit code 3): " "$TMP/refused.md" && ok ||
    bad "check --markdown: a refused check writes why"
# another input: refused, or a note with --allow-input-change; the baseline records it
grep -q '"input_hash": "fnv1a64:[0-9a-f]\{16\}"' "$TMP/base.json" &&
    grep -q '"model_hash": "fnv1a64:[0-9a-f]\{16\}"' "$TMP/base.json" && ok ||
    bad "report: the model's and the input's hashes"
expect 3 "the input differs: baseline ran input fnv1a64:" "check: another input is refused" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" -q --model models/demo/kws_demo.tflite --input-seed 7
expect 0 "check: note: the input differs from the baseline's (--allow-input-change)" \
    "check --allow-input-change: a note" -- \
    "$BIN" check "$L4" --baseline "$TMP/base.json" -q --model models/demo/kws_demo.tflite \
    --input-seed 7 --allow-input-change --tolerance 50
# flash and RAM: a planted RAM regression in the baseline (it used 1,000 bytes less)
awk '/"ram": \{/ { r = 1 } r && /"used":/ { n = $2 + 0; sub(/[0-9]+/, n - 1000); r = 0 } { print }' \
    "$TMP/base.json" >"$TMP/ram.json"
expect 1 "RAM used .* REGRESSION" "check --metric ram: RAM grew" -- \
    "$BIN" check "$L4" --baseline "$TMP/ram.json" -q --metric ram
expect 0 "identical to the baseline (1 figure compared)" "check --metric flash: flash did not" -- \
    "$BIN" check "$L4" --baseline "$TMP/ram.json" -q --metric flash
expect 3 "" "check: a missing baseline file" -- "$BIN" check "$L4" --baseline "$TMP/none.json" -q

# ---- the REPL's command language: the walkthrough script, checked line by line
TT=$(dirname "$0")/../tui
sed -e "s|@FW@|$FW|g; s|@TMP@|$TMP|g" "$TT/walkthrough.tss" >"$TMP/walk.tss"
sed -e "s|@FW@|$FW|g; s|@TMP@|$TMP|g" "$TT/walkthrough.expected" >"$TMP/walk.expected"
"$BIN" -x "$TMP/walk.tss" >"$TMP/walk.out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || { bad "walkthrough script: exit $rc"; tail -n 5 "$TMP/walk.out"; }
if [ "$(wc -l <"$TMP/walk.out")" -ne "$(wc -l <"$TMP/walk.expected")" ]; then
    bad "walkthrough transcript: $(wc -l <"$TMP/walk.out") lines, expected $(wc -l <"$TMP/walk.expected")"
    diff "$TMP/walk.expected" "$TMP/walk.out" | head -n 20
else
    i=0 wrong=0
    while IFS= read -r pat <&3 && IFS= read -r line <&4; do
        i=$((i + 1))
        if ! printf '%s\n' "$line" | grep -Eq -- "^$pat\$"; then
            bad "walkthrough line $i: '$line' does not match '$pat'"; wrong=1; break
        fi
    done 3<"$TMP/walk.expected" 4<"$TMP/walk.out"
    [ $wrong -eq 0 ] && ok
fi
# pausing, stepping and inspecting do not change a single figure: the exported report is the
# plain run's (apart from host wall time)
"$BIN" run "$FW/nucleo-l4r5zi/infer.elf" -q --json "$TMP/plain.json" >/dev/null 2>&1
if [ "$(grep -v wall_s "$TMP/plain.json")" = "$(grep -v wall_s "$TMP/walk.json")" ]; then ok
else bad "the REPL's exported report differs from run --json"; fi
# breakpoints and stepping do not change a figure either. A breakpoint that is never hit, one
# inside a block, and layer stepping give the plain run's cycles exactly (Unicorn 2.0.1 left a
# stale PC at stops while a code hook existed, and the run then went wrong: regression);
# stepping by instructions splits blocks, so it may move the total by a few cycles only.
plain=$(jget "$TMP/plain.json" cycles | head -n 1)
cyc_of() { sed -n 's/^exited with status 0, \([0-9,]*\) cycles.*/\1/p' "$TMP/out" | tr -d ,; }
for cmds in "break address ts_default_handler|run" "break address nn_conv2d_s8+8|run|continue|delete|continue" \
            "break symbol pool|run|continue" "next|next|finish|step|continue"; do
    printf '%s\n' "$cmds" | tr '|' '\n' >"$TMP/bp.tss"
    expect 0 "exited with status 0" "repl: $cmds" -- "$BIN" -x "$TMP/bp.tss" "$L4" -q
    [ "$(cyc_of)" = "$plain" ] && ok || bad "repl: $cmds: $(cyc_of) cycles, the plain run $plain"
done
printf 'break layer 2\nrun\nstepi\nsi 1000\nsi 3\ncontinue\n' >"$TMP/si.tss"
expect 0 "^=> 0x[0-9a-f]* " "stepi shows the next instruction" -- "$BIN" -x "$TMP/si.tss" "$L4" -q
grep -q "stepped 1000 instructions" "$TMP/out" && ok || bad "stepi 1000: no 'stepped 1000 instructions'"
c=$(cyc_of)
if [ -n "$c" ] && [ $((c > plain ? c - plain : plain - c)) -le $((plain / 10000)) ]; then ok
else bad "stepi: $c cycles against the plain run's $plain (more than 0.01% apart)"; fi
# errors: the failing line is named and the script stops (exit 2), or goes on with --keep-going
printf 'echo one\nfrobnicate\necho three\n' >"$TMP/bad.tss"
expect 2 "bad.tss:2: 'frobnicate' failed" "script: an unknown command stops it with its line" -- \
    "$BIN" -x "$TMP/bad.tss"
if grep -q "three" "$TMP/out"; then bad "script: ran on after the failing line"; else ok; fi
expect 2 "three" "script: --keep-going runs on" -- "$BIN" -x "$TMP/bad.tss" --keep-going
printf 'export json "unterminated\n' >"$TMP/quote.tss"
expect 2 "unbalanced \" quote" "script: unbalanced quotes" -- "$BIN" -x "$TMP/quote.tss" "$L4" -q
expect 2 "'st' is ambiguous: step stepi status" "script: an ambiguous prefix lists the candidates" -- \
    sh -c "echo st | '$BIN' repl '$L4' -q"
expect 0 "all 13 layers identical to the host reference" "repl reads piped stdin" -- \
    sh -c "printf 'run\ncompare\n' | '$BIN' repl '$L4' -q"
expect 0 "usage: break layer N" "help for one command" -- sh -c "echo 'help break' | '$BIN' repl '$L4' -q"
# the workshop script in scripts/ runs clean from anywhere (it writes its summary in the cwd)
WS=$(cd "$(dirname "$0")/../../scripts" && pwd)/workshop.tss
ABSBIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ABSL4=$(cd "$(dirname "$L4")" && pwd)/$(basename "$L4")
expect 0 "are identical to the host reference" "scripts/workshop.tss runs clean" -- \
    sh -c "cd '$TMP' && '$ABSBIN' -x '$WS' '$ABSL4'"
[ -s "$TMP/workshop-summary.md" ] && ok || bad "the workshop's markdown summary was not written"
expect 3 "" "repl: a missing firmware" -- "$BIN" repl "$TMP/none.elf"
expect 3 "cannot open script" "-x: a missing script" -- "$BIN" -x "$TMP/none.tss"

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
