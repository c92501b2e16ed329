#!/bin/sh
# C++ firmware and C++ names: the cxx sample (static constructor, new, virtual calls, two
# local functions named step in two files) on every board; demangled names in the tables and
# the report, with the ELF's names beside them; --probe by demangled name (with or without
# its parameters), by mangled name and by address; a name that means several functions
# refused with each one's address, size and file; the same on TFLM firmware when ../shared
# is there (its three local Eval functions).
#
# usage: tests/sim/cxx.sh TINYSIM [FIRMWARE_DIR]
set -u
BIN=${1:?usage: cxx.sh TINYSIM [FIRMWARE_DIR]}
FW=${2:-build/firmware}
SHARED=${TINYSIM_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-cxx.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"

for b in nucleo-l4r5zi nucleo-f746zg nucleo-g0b1re nrf52840-dk nucleo-u575zi nucleo-f207zg; do
    expect 0 "cxx: static constructor ran, result 0x84d2ee91" "$b cxx sample" -- \
        "$BIN" run "$FW/$b/cxx.elf"
done

C=$FW/nucleo-l4r5zi/cxx.elf
# the functions table: demangled, and the two step functions told apart by their files
expect 0 "pipeline::Scale::run(unsigned long)$" "functions table: demangled" -- "$BIN" run "$C"
grep -q "(anonymous namespace)::step(unsigned long) (cxx.cc)$" "$TMP/out" &&
    grep -q "(anonymous namespace)::step(unsigned long) (cxx_ops.cc)$" "$TMP/out" && ok ||
    bad "functions table: the two step functions named with their files"
grep -q "_ZN8pipeline" "$TMP/out" && bad "functions table shows a mangled name" || ok

# the report: name demangled, symbol as in the ELF, file for local functions
"$BIN" run "$C" -q --json "$TMP/cxx.json" >/dev/null 2>&1
grep -q '"name": "pipeline::Mix::run(unsigned long)"' "$TMP/cxx.json" &&
    grep -q '"symbol": "_ZN8pipeline3Mix3runEm"' "$TMP/cxx.json" && ok ||
    bad "report: functions[].name demangled and .symbol mangled"
grep -q '"file": "cxx_ops.cc"' "$TMP/cxx.json" && ok || bad "report: a local function's file"

# --probe: every way of naming one function gives the same calls
for name in 'pipeline::Mix::run(unsigned long)' pipeline::Mix::run _ZN8pipeline3Mix3runEm; do
    expect 0 "probed calls (pipeline::Mix::run(unsigned long): 4 top-level calls)" \
        "--probe '$name'" -- "$BIN" run "$C" --probe "$name"
done
addr=$(arm-none-eabi-nm "$C" 2>/dev/null | awk '$3 == "_ZN8pipeline3Mix3runEm" {print $1}')
if [ -n "$addr" ]; then
    a=$(printf '0x%08x' $((0x$addr & ~1)))
    expect 0 "probed calls (pipeline::Mix::run(unsigned long): 4 top-level calls)" \
        "--probe $a (an address)" -- "$BIN" run "$C" --probe "$a"
    b=$(printf '0x%08x' $((0x$addr + 2 & ~1)))
    expect 2 "not where a function starts" "--probe inside a function is refused" -- \
        "$BIN" run "$C" --probe "$b"
else
    echo "SKIP: --probe ADDRESS: arm-none-eabi-nm not found"
fi
# the probe's row names the whole function, in the table and in the report
"$BIN" run "$C" --probe pipeline::Scale::run --json "$TMP/p.json" >"$TMP/p.txt" 2>&1
grep -q '"op": "pipeline::Scale::run(unsigned long)"' "$TMP/p.json" &&
    grep -q '"symbol": "_ZN8pipeline5Scale3runEm"' "$TMP/p.json" && ok ||
    bad "report: a probed call's op is the whole demangled name, the probe's symbol mangled"
grep -q "^  0  pipeline::Scale::run(unsigned long) " "$TMP/p.txt" && ok ||
    bad "table: the function column is not cut"

# a name that means two functions: refused, both listed with address, size and file
expect 2 "step: 2 functions have that name" "--probe step: ambiguous" -- "$BIN" run "$C" --probe step
grep -q "(anonymous namespace)::step(unsigned long) ([0-9]* bytes, cxx.cc)" "$TMP/out" &&
    grep -q "(anonymous namespace)::step(unsigned long) ([0-9]* bytes, cxx_ops.cc)" "$TMP/out" && ok ||
    bad "--probe step: the candidates with their files"
expect 2 "no such symbol" "--probe of an unknown name" -- "$BIN" run "$C" --probe no_such_function

# the REPL takes the same names
expect 0 "paused (breakpoint 1 (symbol pipeline::Mix::run))" "REPL: break symbol with a demangled name" -- \
    feed 'break symbol pipeline::Mix::run
run
info break' "$BIN" repl "$C"
expect 2 "2 functions are called 'step'" "REPL: an ambiguous name is refused" -- \
    feed 'break symbol step' "$BIN" repl "$C"
grep -q "0x[0-9a-f]*  (anonymous namespace)::step(unsigned long) (cxx_ops.cc)" "$TMP/out" && ok ||
    bad "REPL: the candidates with their files"

# --layer-calls: the top-level calls of the matching functions are the layers, by their names
expect 0 "^  1  pipeline::Mix::run(unsigned long) " "--layer-calls 'pipeline::*'" -- \
    "$BIN" run "$C" -q --layer-calls 'pipeline::*'
grep -q "^--- probed calls (pipeline::\*: [0-9]* top-level calls) ---" "$TMP/out" && ok ||
    bad "--layer-calls: the table's title names the pattern"
expect 2 "--layer-calls nosuch\*: no function of .* matches" "--layer-calls with no match" -- \
    "$BIN" run "$C" -q --layer-calls 'nosuch*'

# TFLM firmware (C++, stripped of debug info): the three local Eval functions
T=$SHARED/firmware/tflm/kws-nucleo-l4r5zi.elf
if [ -f "$T" ]; then
    expect 2 "Eval: 3 functions have that name" "TFLM: --probe Eval is refused" -- \
        "$BIN" run "$T" --probe Eval
    grep -c "tflite::(anonymous namespace)::Eval(TfLiteContext\*, TfLiteNode\*) ([0-9]* bytes)" "$TMP/out" |
        grep -q 1 && ok || bad "TFLM: --probe Eval lists the candidates"
    expect 0 "^tflite::MicroInterpreter::Invoke() *4 " \
        "TFLM: --probe 'tflite::MicroInterpreter::Invoke()'" -- \
        "$BIN" run "$T" --probe 'tflite::MicroInterpreter::Invoke()'
    grep -q "_ZN6tflite12_GLOBAL__N_" "$TMP/out" && bad "TFLM: a table shows a mangled name" || ok
else
    echo "SKIP: TFLM firmware: $T not found (set TINYSIM_SHARED)"
fi

printf 'cxx: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
