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
# - the trace (--trace, Chrome trace events): inference, layer and call slices with the
#   report's cycles, nested; stack and arena counters; capped on call-heavy firmware;
# - the same figures on every run (the stacks and the trace are byte-identical).
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

# the trace (Chrome trace events): valid JSON; each layer a slice with the report's cycles,
# inside the inference's slice, whose cycles are the report's; calls nested inside; the stack
# and arena counters (the arena: each layer's live bytes, as the report has them)
"$BIN" run "$L4/infer.elf" -q --json "$TMP/tr.json" --trace "$TMP/tr.trace" >/dev/null 2>&1
python3 - "$TMP/tr.json" "$TMP/tr.trace" <<'PY' >"$TMP/tr.out" 2>&1 && ok || { bad "trace: $(cat "$TMP/tr.out")"; }
import json, sys
r = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
ev = t["traceEvents"]
layers = [e for e in ev if e.get("cat") == "layer"]
inf = [e for e in ev if e.get("cat") == "inference"]
calls = [e for e in ev if e.get("cat") == "call"]
assert len(inf) == 1 and inf[0]["args"]["cycles"] == r["inference"]["cycles"], "inference slice"
assert len(layers) == len(r["layers"]) == 13, "a slice per layer"
for e, l in zip(sorted(layers, key=lambda e: e["args"]["layer"]), r["layers"]):
    assert e["args"]["cycles"] == l["cycles"], "layer %d cycles" % l["index"]
    assert inf[0]["ts"] <= e["ts"] and e["ts"] + e["dur"] <= inf[0]["ts"] + inf[0]["dur"] + 0.01
conv = [e for e in calls if e["name"] == "nn_conv2d_s8"]
assert len(conv) == 5, "5 calls of nn_conv2d_s8"
assert any(e["name"] == "main" for e in calls), "main, open at the end, shown too"
arena = {e["ts"]: e["args"]["bytes"] for e in ev if e.get("name") == "arena"}
for e, l in zip(sorted(layers, key=lambda e: e["args"]["layer"]), r["layers"]):
    assert arena.get(e["ts"]) == l["arena_bytes"], "arena counter at layer %d" % l["index"]
assert any(e.get("name") == "stack" and e["args"]["bytes"] > 0 for e in ev), "stack counter"
assert t["otherData"]["calls_shorter_than_cycles_left_out"] == 0
# the report's stack timeline covers the run and reaches the inference's deepest stack
tl = r["stack_timeline"]
assert len(tl["bytes"]) * tl["stretch_cycles"] >= r["totals"]["cycles"] > (len(tl["bytes"]) - 1) * tl["stretch_cycles"]
assert max(tl["bytes"]) >= r["inference"]["stack_bytes"] > 0, "stack timeline"
PY
"$BIN" run "$L4/infer.elf" -q --trace "$TMP/tr2.trace" >/dev/null 2>&1
cmp -s "$TMP/tr.trace" "$TMP/tr2.trace" && ok || bad "trace: another run gives another trace"

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
    # a call-heavy firmware: the trace keeps the longest calls, at most 100,000, and says so
    I=$SHARED/firmware/tflm/ic-nucleo-l4r5zi.elf
    "$BIN" run "$I" -q --trace "$TMP/ic.trace" >/dev/null 2>&1
    python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
o = t["otherData"]
n = sum(1 for e in t["traceEvents"] if e.get("cat") == "call")
m = o["calls_shorter_than_cycles_left_out"]
short = [e for e in t["traceEvents"] if e.get("cat") == "call" and e["args"]["cycles"] < m]
sys.exit(0 if n == o["calls_shown"] <= 100000 and m > 0 and not short else 1)
' "$TMP/ic.trace" && ok || bad "tflm ic: the trace's calls are capped, the short ones left out as said"
else
    echo "SKIP: $T not found: TFLM's call graph is not checked (the shared data is not checked out)"
fi

printf 'calls: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
