#!/bin/sh
# Sweeps (tui/cli_sweep.c, profiler/sweep.c): the shipped KWS demo over the six boards at two
# clocks in one command, in parallel processes:
# - a row per combination, each run's report beside the summary; a combination a part cannot
#   run (the nRF52840 runs at 64 MHz only) is a row saying why, and the sweep's exit says one
#   was not ok;
# - a sweep's figures are those of `tinysim run` with the same options, whatever -j;
# - budgets give each run its verdict (over: exit 1);
# - `merge` of the runs' reports gives the same rows (a CI matrix or GNU parallel does the
#   fan-out); the summary's JSON, CSV and HTML;
# - missing models or firmware are refused before any run (exit 3), bad lists with exit 2.
#
# usage: tests/sim/sweep.sh TINYSIM FIRMWARE_DIR
set -u
BIN=${1:?usage: sweep.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: sweep.sh TINYSIM FIRMWARE_DIR}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-sweep.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"
M=models/demo/kws_demo.tflite
T="$FW/{board}/infer.elf"

expect 1 "refused: --clock: board nrf52840-dk (nRF52840) runs at 64 MHz only" \
    "sweep: six boards at two clocks" -- \
    "$BIN" sweep --firmware "$T" --boards all --clocks default,48 --models "$M" -j 2 \
    --json "$TMP/s.json" --csv "$TMP/s.csv" --html "$TMP/s.html"
cp "$TMP/out" "$TMP/table"
[ "$(grep -c " ok$" "$TMP/table")" -eq 11 ] && ok || bad "sweep: 11 runs ok, 1 refused"
python3 - "$TMP/s.json" <<'PY' >"$TMP/py" 2>&1 && ok || bad "sweep json: $(cat "$TMP/py")"
import json, os, sys
s = json.load(open(sys.argv[1]))
assert s["schema"] == "tinysim-sweep/1"
runs = s["runs"]
assert len(runs) == 12
boards = {r["board"] for r in runs}
assert len(boards) == 6, boards
assert {r["clock_hz"] for r in runs if r["board"] == "nucleo-l4r5zi"} == {120000000, 48000000}
for r in runs:
    if r["status"] == "ok":
        assert r["time_ms"] > 0 and r["cycles"] > 0 and os.path.exists(r["report"]), r
    else:
        assert r["board"] == "nrf52840-dk" and r["status"] == "refused" and r["cycles"] is None
PY
[ "$(wc -l <"$TMP/s.csv")" -eq 13 ] && ok || bad "sweep csv: a header and 12 rows"
grep -q '<svg class="chart" id="latency-kws_demo"' "$TMP/s.html" &&
    grep -q '<svg class="chart" id="energy-kws_demo"' "$TMP/s.html" && ok ||
    bad "sweep html: the latency and energy charts"

# the figures are run's: the L4R5 at 48 MHz, run alone
"$BIN" run "$FW/nucleo-l4r5zi/infer.elf" --model "$M" --clock 48 -q --json "$TMP/one.json" \
    >/dev/null 2>&1
python3 - "$TMP/s.json" "$TMP/one.json" <<'PY' && ok || bad "sweep: a run's figures differ from tinysim run's"
import json, sys
s = json.load(open(sys.argv[1]))
one = json.load(open(sys.argv[2]))
r = [r for r in s["runs"] if r["board"] == "nucleo-l4r5zi" and r["clock_hz"] == 48000000][0]
mine = json.load(open(r["report"]))
assert r["cycles"] == one["inference"]["cycles"] == mine["inference"]["cycles"]
assert mine["totals"] == one["totals"]
PY

# --inputs: each input with every model; a row each, the input named
head -c 490 /dev/zero >"$TMP/zero.bin"
expect 0 "zero.bin" "sweep --inputs: a row per input" -- \
    "$BIN" sweep --firmware "$T" --boards nucleo-l4r5zi --models "$M" \
    --inputs models/demo/kws_demo_input.bin,"$TMP/zero.bin" --json "$TMP/in.json"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"]
sys.exit(0 if len(r) == 2 and {x["input"].split("/")[-1] for x in r} == {"kws_demo_input.bin", "zero.bin"}
         and all(x["status"] == "ok" for x in r) else 1)
' "$TMP/in.json" && ok || bad "sweep --inputs: two ok rows, one per input"

# merge: the same rows from the reports themselves
"$BIN" merge "$TMP"/s.runs/*.json --json "$TMP/m.json" >/dev/null 2>&1
python3 - "$TMP/s.json" "$TMP/m.json" <<'PY' && ok || bad "merge: other rows than the sweep's"
import json, sys
key = lambda r: (r["board"], r["clock_hz"])
a = sorted((r for r in json.load(open(sys.argv[1]))["runs"] if r["status"] == "ok"), key=key)
b = sorted(json.load(open(sys.argv[2]))["runs"], key=key)
strip = lambda r: {k: v for k, v in r.items() if k not in ("report", "input")}
assert [strip(r) for r in a] == [strip(r) for r in b]
PY

# budgets: every run's verdict
expect 1 " over: " "sweep --max-ms: the runs over it" -- \
    "$BIN" sweep --firmware "$T" --boards nucleo-l4r5zi --models "$M" --json "$TMP/b.json" \
    --max-ms 1
expect 0 " ok$" "sweep: a generous budget is ok" -- \
    "$BIN" sweep --firmware "$T" --boards nucleo-l4r5zi --models "$M" --json "$TMP/g.json" \
    --max-ms 5000

# refusals before any run
expect 3 "--models: cannot read $TMP/none.tflite" "sweep: a missing model" -- \
    "$BIN" sweep --firmware "$T" --boards nucleo-l4r5zi --models "$TMP/none.tflite" --json "$TMP/x.json"
expect 3 "no firmware for board nucleo-l4r5zi at $TMP/nofw/nucleo-l4r5zi.elf" \
    "sweep: a missing firmware" -- \
    "$BIN" sweep --firmware "$TMP/nofw/{board}.elf" --boards nucleo-l4r5zi --models "$M" --json "$TMP/x.json"
expect 2 "--clocks: 'fast' is not a clock in MHz" "sweep: a bad clock" -- \
    "$BIN" sweep --firmware "$T" --boards nucleo-l4r5zi --clocks fast --models "$M" --json "$TMP/x.json"
expect 2 "give --json FILE" "sweep: the summary is required" -- \
    "$BIN" sweep --firmware "$T" --boards nucleo-l4r5zi --models "$M"
printf '{"schema": "tinysim-boards/1"}\n' >"$TMP/notreport.json"
expect 3 "notreport.json: not a run report" "merge: a file that is not a report" -- \
    "$BIN" merge "$TMP/notreport.json"

printf 'sweep: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
