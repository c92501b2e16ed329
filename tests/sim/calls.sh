#!/bin/sh
# The call graph (sim/callgraph.c, profiler/calls.c): inclusive cycles per function, calls and
# callers, collapsed stacks (--folded), for any firmware:
# - the collapsed stacks' counts add up to the run's cycles exactly, and the entry function's
#   inclusive cycles are the run's (nothing lost, nothing counted twice);
# - each layer's stacks start with the layer ("layer 0 CONV_2D;..."), the kernel under its
#   caller; calls counted (the demo model's 5 CONV_2D layers: 5 calls of nn_conv2d_s8);
# - exceptions: each handler entry is a call under what it interrupted (SysTick, SVC, PendSV);
# - C++ firmware: virtual calls are edges like any other; TFLM + CMSIS-NN firmware (../shared):
#   the kernels under TFLM's operator calls;
# - the same figures on every run (the stacks are byte-identical).
#
# usage: tests/sim/calls.sh TINYSIM FIRMWARE_DIR
set -u
BIN=${1:?usage: calls.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: calls.sh TINYSIM FIRMWARE_DIR}
SHARED=${TINYSIM_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-calls.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"
L4=$FW/nucleo-l4r5zi

# check NAME: the report and stacks of run NAME ($TMP/NAME.json, $TMP/NAME.folded) agree
check() {
    python3 - "$TMP/$1.json" "$TMP/$1.folded" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
total = r["totals"]["cycles"]
stacks = [l.rsplit(" ", 1) for l in open(sys.argv[2]).read().splitlines()]
s = sum(int(c) for _, c in stacks)
fn = {f["name"]: f for f in r["functions"]}
bad = []
if s != total:
    bad.append("the stacks add up to %d cycles, the run to %d" % (s, total))
if fn.get("Reset_Handler", {}).get("inclusive_cycles") != total:
    bad.append("Reset_Handler's inclusive cycles are not the run's")
for f in r["functions"]:
    if f["calls"] and f["inclusive_cycles"] < f["cycles"]:
        bad.append("%s: inclusive %d < self %d" % (f["name"], f["inclusive_cycles"], f["cycles"]))
print("\n".join(bad) if bad else "ok")
PY
}

expect 0 "^--- calls (whole run, inclusive cycles" "run prints the calls table" -- \
    "$BIN" run "$L4/infer.elf" -q --json "$TMP/infer.json" --folded "$TMP/infer.folded"
grep -q "^ *[0-9]* *[0-9.]*% *[0-9]* *5  nn_conv2d_s8  *run_kernel$" "$TMP/out" && ok ||
    bad "calls table: nn_conv2d_s8 called 5 times from run_kernel"
r=$(check infer)
[ "$r" = ok ] && ok || bad "infer: $r"
grep -q "^layer 0 CONV_2D;Reset_Handler;ts_reset_c;main;nn_invoke;run_kernel;nn_conv2d_s8 [0-9]*$" \
    "$TMP/infer.folded" && ok || bad "folded: layer 0's kernel under its callers"
grep -q "^(no layer);Reset_Handler;ts_reset_c;main;nn_model_load" "$TMP/infer.folded" && ok ||
    bad "folded: work outside layers under (no layer)"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
e = [c for c in r["calls"] if c["caller"] == "run_kernel" and c["callee"] == "nn_conv2d_s8"]
f = [f for f in r["functions"] if f["name"] == "nn_conv2d_s8"][0]
sys.exit(0 if e and e[0]["calls"] == 5 and f["calls"] == 5 and e[0]["cycles"] == f["inclusive_cycles"] else 1)
' "$TMP/infer.json" && ok || bad "json: the run_kernel -> nn_conv2d_s8 edge and the function's calls"
"$BIN" run "$L4/infer.elf" -q --folded "$TMP/again.folded" >/dev/null 2>&1
cmp -s "$TMP/infer.folded" "$TMP/again.folded" && ok || bad "folded: another run gives other stacks"

# exceptions: a handler entry is a call under the code it interrupted
"$BIN" run "$L4/tick.elf" -q --json "$TMP/tick.json" --folded "$TMP/tick.folded" >/dev/null 2>&1
r=$(check tick)
[ "$r" = ok ] && ok || bad "tick: $r"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
n = {f["name"]: f["calls"] for f in r["functions"]}
h = n.get("SysTick_Handler", 0) + n.get("SVC_Handler", 0) + n.get("PendSV_Handler", 0)
sys.exit(0 if h == r["totals"]["exceptions"] and n.get("SysTick_Handler", 0) > 0 else 1)
' "$TMP/tick.json" && ok || bad "tick: every exception is a handler call"
grep -q "^(no layer);Reset_Handler;ts_reset_c;main;SysTick_Handler [0-9]*$" "$TMP/tick.folded" &&
    ok || bad "folded: SysTick_Handler under main, which it interrupted"

# C++: virtual calls, constructors, destructors are calls like any other
"$BIN" run "$L4/cxx.elf" -q --json "$TMP/cxx.json" --folded "$TMP/cxx.folded" >/dev/null 2>&1
r=$(check cxx)
[ "$r" = ok ] && ok || bad "cxx: $r"
grep -q ";pipeline::Scale::run(unsigned long) [0-9]*$" "$TMP/cxx.folded" && ok ||
    bad "cxx: the virtual call of pipeline::Scale::run is a frame"

# the M0+ (a core without BLX-heavy code, other exception timing)
"$BIN" run "$FW/nucleo-g0b1re/infer.elf" -q --json "$TMP/g0.json" --folded "$TMP/g0.folded" \
    >/dev/null 2>&1
r=$(check g0)
[ "$r" = ok ] && ok || bad "M0+: $r"

# folded on stdout, and refused where no run writes it
expect 0 "^layer 12 SOFTMAX;" "--folded - writes the stacks to stdout" -- \
    "$BIN" run "$L4/infer.elf" -q --folded -
expect 2 "--folded is for 'tinysim run'" "repl refuses --folded" -- "$BIN" repl "$L4/infer.elf" --folded x

# TFLM + CMSIS-NN firmware, when ../shared has it
T=$SHARED/firmware/tflm/kws-nucleo-l4r5zi.elf
if [ -f "$T" ]; then
    "$BIN" run "$T" -q --json "$TMP/tflm.json" --folded "$TMP/tflm.folded" >/dev/null 2>&1
    r=$(check tflm)
    [ "$r" = ok ] && ok || bad "tflm: $r"
    grep -q "^layer 2 CONV_2D;.*;arm_convolve_1x1_s8_fast;arm_nn_mat_mult_nt_t_s8 [0-9]*$" \
        "$TMP/tflm.folded" && ok || bad "tflm: CMSIS-NN's kernel under TFLM's operator call"
else
    echo "SKIP: $T not found: TFLM's call graph is not checked (the shared data is not checked out)"
fi

printf 'calls: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
