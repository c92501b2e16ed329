#!/bin/sh
# The integration paths under valgrind (memcheck): no invalid reads or writes, no use of
# uninitialised values, no definite leaks. One run per path, because the emulator is about
# 40x slower under valgrind: host model commands, a firmware run with the profiler, a fault
# located by the re-run, a budget stop, check against a baseline, --probe, a REPL script with
# breakpoints and stepping, and refused inputs. `make test-valgrind`; .ci/run runs it.
#
# usage: tests/valgrind.sh TINYSIM [FIRMWARE_DIR]
set -u
BIN=${1:?usage: valgrind.sh TINYSIM [FIRMWARE_DIR]}
FW=${2:-build/firmware}
L4=$FW/nucleo-l4r5zi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-vg.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind not installed (scripts/install-deps.sh installs it)"
    exit 0
fi

# vg CODE DESCRIPTION -- COMMAND...: the command's own exit code, and no valgrind error
vg() {
    code=$1 what=$2
    shift 3
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite "$@" >"$TMP/out" 2>&1
    rc=$?
    if [ $rc -eq 99 ] || grep -q "^==[0-9]*==" "$TMP/out"; then
        fail=$((fail + 1))
        printf 'FAIL: %s: valgrind reports errors\n' "$what"
        grep "^==[0-9]*==" "$TMP/out" | head -n 30 | sed 's/^/    /'
    elif [ $rc -ne "$code" ]; then
        fail=$((fail + 1))
        printf 'FAIL: %s: exit %d, expected %d\n' "$what" "$rc" "$code"
        tail -n 5 "$TMP/out" | sed 's/^/    /'
    else
        pass=$((pass + 1))
    fi
}

vg 0 "convert" -- "$BIN" convert models/demo/kws_demo.tflite -o "$TMP/kws.tsm"
vg 0 "inspect --json" -- "$BIN" inspect models/demo/cnn_demo.tflite --json
vg 0 "infer on the host" -- "$BIN" infer models/demo/kws_demo.tflite \
    --input models/demo/kws_demo_input.bin --output "$TMP/out.bin" --dump-layers "$TMP"
vg 0 "run: the infer sample with the profiler, --json and --csv" -- \
    "$BIN" run "$L4/infer.elf" -q --json "$TMP/base.json" --csv "$TMP/layers.csv"
vg 4 "run: a fault, located by the re-run" -- "$BIN" run "$L4/fault.elf"
vg 5 "run: a cycle budget stop" -- "$BIN" run "$L4/spin.elf" --max-cycles 200k
vg 0 "check against a baseline, with --markdown" -- \
    "$BIN" check "$L4/infer.elf" -q --baseline "$TMP/base.json" --markdown "$TMP/check.md"
vg 0 "run --probe on firmware without the core" -- \
    "$BIN" run "$FW/nucleo-l4r5zi/probe.elf" -q --probe process_frame --probe tree_depth
vg 0 "run on the M0+ board" -- "$BIN" run "$FW/nucleo-g0b1re/infer.elf" -q
printf 'break layer 3\nrun\nstep\ntensor 3\ncompare\nbreak address nn_conv2d_s8+8\nnext\nstepi 20\ninfo regs\ndisas\ndelete\ncontinue\nprofile\nexport json %s/walk.json\n' \
    "$TMP" >"$TMP/walk.tss"
vg 0 "a REPL script: breakpoints, stepping, tensors, compare, export" -- \
    "$BIN" -x "$TMP/walk.tss" "$L4/infer.elf" -q
head -c 600 "$L4/hello.elf" >"$TMP/trunc.elf"
vg 3 "a truncated ELF is refused" -- "$BIN" run "$TMP/trunc.elf" --board nucleo-l4r5zi
printf 'echo "x\n' >"$TMP/quote.tss"
vg 2 "a script with unbalanced quotes" -- "$BIN" -x "$TMP/quote.tss" "$L4/hello.elf" -q

printf 'valgrind: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
