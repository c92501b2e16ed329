#!/bin/sh
# Boards and clocks: every built-in board exported as a profile runs exactly as the built-in
# (the report's figures equal); --clock takes the flash wait states from the part's latency
# table and refuses clocks the part does not run at; a profile that starts from a built-in
# (base = ...) and changes its clock runs as --clock does; boards --json has every field.
#
# usage: tests/sim/boards.sh TINYSIM [FIRMWARE_DIR]
set -u
BIN=${1:?usage: boards.sh TINYSIM [FIRMWARE_DIR]}
FW=${2:-build/firmware}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-boards.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"

# figures FILE: the report without what depends on the host or names the board's origin
figures() { grep -v '"wall_s"\|"distinct_blocks"\|"from":\|"firmware":\|"path":' "$1"; }

for b in nucleo-l4r5zi nucleo-f746zg nucleo-g0b1re nrf52840-dk nucleo-u575zi nucleo-f207zg; do
    expect 0 "^ws_table = " "$b: boards --export" -- "$BIN" boards --export "$b"
    cp "$TMP/out" "$TMP/$b.board"
    "$BIN" run "$FW/$b/infer.elf" -q --json "$TMP/$b.builtin.json" >/dev/null 2>&1
    "$BIN" run "$FW/$b/infer.elf" -q --board "$TMP/$b.board" --json "$TMP/$b.file.json" >/dev/null 2>&1
    if [ -s "$TMP/$b.file.json" ] && figures "$TMP/$b.builtin.json" | cmp -s - "$TMP/$b.file.fig" 2>/dev/null ||
       { figures "$TMP/$b.file.json" >"$TMP/$b.file.fig"; figures "$TMP/$b.builtin.json" | cmp -s - "$TMP/$b.file.fig"; }; then
        ok
    else
        bad "$b: a run with the exported profile differs from the built-in"
        figures "$TMP/$b.builtin.json" | diff - "$TMP/$b.file.fig" | head -n 8 | sed 's/^/    /'
    fi
done

L4=$FW/nucleo-l4r5zi/infer.elf
# --clock: the L4R5's latency table (RM0432, Range 1 boost): 3 WS at 80 MHz, 0 WS at 16 MHz
expect 0 "" "--clock 80" -- "$BIN" run "$L4" -q --clock 80 --json "$TMP/c80.json"
grep -q '"clock_hz": 80000000' "$TMP/c80.json" && grep -q '"flash_wait_states": 3' "$TMP/c80.json" &&
    ok || bad "--clock 80: clock and 3 wait states in the report"
expect 0 "time .* at 16 MHz" "--clock 16" -- "$BIN" run "$L4" -q --clock 16 --json "$TMP/c16.json"
grep -q '"flash_wait_states": 0' "$TMP/c16.json" && ok || bad "--clock 16: no wait states"
c80=$(grep -o '"cycles": [0-9]*' "$TMP/c80.json" | head -n 1 | sed 's/.*: //')
c16=$(grep -o '"cycles": [0-9]*' "$TMP/c16.json" | head -n 1 | sed 's/.*: //')
[ "$c16" -lt "$c80" ] && ok || bad "--clock: fewer wait states, fewer cycles ($c16 at 16 MHz, $c80 at 80)"
expect 2 "runs from 0.1 to 120 MHz, not 150" "--clock above the part's maximum" -- "$BIN" run "$L4" --clock 150
expect 2 "runs at 64 MHz only" "--clock on the nRF52840" -- "$BIN" run "$FW/nrf52840-dk/infer.elf" --clock 32
expect 2 "--clock wants the core clock in MHz" "--clock with a bad value" -- "$BIN" run "$L4" --clock fast

# base = a built-in, at another clock: as --clock
printf 'base = nucleo-l4r5zi\nname = l4-at-80\nclock_mhz = 80\n' >"$TMP/l4-80.board"
"$BIN" run "$L4" -q --board "$TMP/l4-80.board" --json "$TMP/b80.json" >/dev/null 2>&1
figures "$TMP/c80.json" | grep -v '"name": "nucleo-l4r5zi"' >"$TMP/c80.fig"
figures "$TMP/b80.json" | grep -v '"name": "l4-at-80"' >"$TMP/b80.fig"
cmp -s "$TMP/c80.fig" "$TMP/b80.fig" && ok || bad "a profile 'base = nucleo-l4r5zi' at 80 MHz differs from --clock 80"
printf 'name = x\nbase = nucleo-l4r5zi\n' >"$TMP/late.board"
expect 3 "late.board:2: 'base' must come first" "base after another key" -- "$BIN" run "$L4" --board "$TMP/late.board"
printf 'base = nosuch\n' >"$TMP/nosuch.board"
expect 3 "nosuch.board:1: base 'nosuch' is not a built-in board" "base of an unknown board" -- \
    "$BIN" run "$L4" --board "$TMP/nosuch.board"
printf 'base = nucleo-l4r5zi\nclock_mhz = 200\n' >"$TMP/fast.board"
expect 3 "outside what the part runs at" "a based profile above the part's clock" -- "$BIN" run "$L4" --board "$TMP/fast.board"

# boards --json: the flash accelerator, the latency table and the energy figures
expect 0 '"icache_bytes": 1024' "boards --json: the flash accelerator" -- "$BIN" boards --json
grep -q '"ws_max_hz": \[' "$TMP/out" && grep -q '"prefetch": true' "$TMP/out" && ok ||
    bad "boards --json: latency table and prefetch"
expect 2 "unknown board 'nosuch'" "boards --export of an unknown board" -- "$BIN" boards --export nosuch

# budgets: the verdict line first, exit 1 when over, the report's budget object
expect 0 "^fits: [0-9.]* ms of 1000.0 ms; RAM [0-9.]* KiB of 640.0 KiB$" "budgets that fit" -- \
    "$BIN" run "$L4" -q --max-ms 1000 --max-ram 640K
head -n 1 "$TMP/out" | grep -q "^fits: " && ok || bad "budgets: the verdict is the first line"
expect 1 "^over: [0-9.]* ms, [0-9.]*x the 50.0 ms budget; the top layer is 0 (CONV_2D), [0-9]*%$" \
    "a time budget exceeded" -- "$BIN" run "$L4" -q --max-ms 50 --json "$TMP/over.json"
grep -q '"verdict": "over"' "$TMP/over.json" && grep -q '"time_ms": {' "$TMP/over.json" && ok ||
    bad "budgets: the report's budget object"
expect 1 "stack 9[0-9][0-9] B, 1.9x the 512 B budget" "a stack budget exceeded" -- \
    "$BIN" run "$L4" -q --max-stack 512
expect 1 "^over: flash " "a flash budget exceeded" -- "$BIN" run "$L4" -q --max-flash 16K
expect 0 "^fits: energy " "an energy budget" -- "$BIN" run "$L4" -q --max-uj 1e6
expect 2 "--max-ram wants bytes" "a bad budget" -- "$BIN" run "$L4" --max-ram lots
# the developer's question, one command: KWS on the L4R5 at 80 MHz within 50 ms?
expect 1 "^over: .* ms, [0-9.]*x the 50.0 ms budget" "--clock 80 --max-ms 50" -- \
    "$BIN" run "$L4" -q --clock 80 --max-ms 50 --max-ram 640K
expect 1 "^over: " "check with a budget exceeded" -- \
    "$BIN" check "$L4" -q --baseline "$TMP/nucleo-l4r5zi.builtin.json" --max-ms 50

# --rate and --battery in the report; a rate that cannot be sustained gives the most that can
"$BIN" run "$L4" -q --rate 1/s --battery 1000 --json "$TMP/duty.json" >/dev/null 2>&1
grep -q '"sustained": true' "$TMP/duty.json" && grep -q '"battery_hours": [0-9]' "$TMP/duty.json" &&
    ok || bad "report: the duty cycle and the battery life"
expect 0 "cannot be sustained: one takes [0-9.]* ms; the most it sustains is [0-9.]*/s" \
    "a rate too fast names the most it sustains" -- "$BIN" run "$L4" -q --rate 5/s --json "$TMP/fast.json"
grep -q '"sustained": false' "$TMP/fast.json" && grep -q '"max_rate_per_s": 2\.' "$TMP/fast.json" &&
    ok || bad "report: an unsustainable rate and the most that is"

# the sleep current: a built-in figure makes the battery life an estimate (its assumption
# printed), no figure makes it an upper bound, and a profile can give one
expect 0 "an estimate: asleep at 2.8 uA (Stop 2, RTC on, all SRAM kept" \
    "the L4R5's battery life counts its Stop 2 current" -- \
    "$BIN" run "$L4" -q --rate 10/h --battery 1000 --json "$TMP/sleep.json"
printf 'base = nucleo-l4r5zi\nname = l4-nosleep\nsleep_ua = 0\n' >"$TMP/nosleep.board"
"$BIN" run "$L4" -q --board "$TMP/nosleep.board" --rate 10/h --battery 1000 \
    --json "$TMP/nosleep.json" >/dev/null 2>&1
python3 - "$TMP/sleep.json" "$TMP/nosleep.json" <<'PY' && ok || bad "the sleep current shortens the battery life"
import json, sys
a, b = (json.load(open(f))["duty"] for f in sys.argv[1:3])
assert a["sleep_current_known"] and a["sleep_ua"] == 2.8 and "Stop 2" in a["sleep_mode"], a
assert not b["sleep_current_known"] and b["sleep_ua"] == 0 and b["sleep_mode"] == "", b
# at 10 inferences an hour the L4R5 sleeps 99.9% of the time: the 5.0 uW asleep (2.8 uA at
# 1.8 V) adds about a tenth to the 47 uW of the inferences
p_sleep = (1 - a["busy"]) * 1.8 * 2.8e-6
assert abs(a["power_w"] - b["power_w"] - p_sleep) < 1e-9, (a, b)
assert b["battery_hours"] > 1.05 * a["battery_hours"], (a, b)
PY
G0=$FW/nucleo-g0b1re/infer.elf
expect 0 "an upper bound: nucleo-g0b1re has no sleep current" \
    "a board without a sleep figure says its battery life is an upper bound" -- \
    "$BIN" run "$G0" -q --rate 10/h --battery 1000
printf 'base = nucleo-g0b1re\nname = g0-sleep\nsleep_ua = 5\nsleep_mode = Stop 1, measured on my board\n' \
    >"$TMP/g0sleep.board"
expect 0 "an estimate: asleep at 5 uA (Stop 1, measured on my board)" \
    "a profile gives the sleep current and what it assumes" -- \
    "$BIN" run "$G0" -q --board "$TMP/g0sleep.board" --rate 10/h --battery 1000
"$BIN" boards --export nrf52840-dk >"$TMP/nrf.board" 2>/dev/null
grep -q '^sleep_ua = 3.16$' "$TMP/nrf.board" && grep -q '^sleep_mode = System ON' "$TMP/nrf.board" &&
    ok || bad "boards --export writes the sleep current and its mode"

printf 'boards: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
