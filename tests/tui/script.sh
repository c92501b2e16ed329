#!/bin/sh
# Scripts as a CI runs them (tinysim -x): expect statements (a failed expectation names its
# line and exits 1; --keep-going checks the rest and exits 1 at the end), and the firmware's
# verdict as the exit code (4 on a fault, 5 when it did not finish) unless the script
# expects how the run stopped.
#
# usage: tests/tui/script.sh TINYSIM [FIRMWARE_DIR]
set -u
BIN=${1:?usage: script.sh TINYSIM [FIRMWARE_DIR]}
FW=${2:-build/firmware}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-script.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"
L4=$FW/nucleo-l4r5zi

# script NAME LINES...: a script file of those lines
script() { n=$1; shift; printf '%s\n' "$@" >"$TMP/$n.tss"; }

# the infer sample: the demo model's output is top class 0 (README), 13 layers
script pass "continue" "expect cycles < 1G" "expect cycles > 1M" "expect layer 4 cycles_per_mac < 1000" \
    "expect layer 0 macs == 320k" "expect output argmax == 0" "expect exit status == 0" \
    "expect run instructions > 1M" "expect stop == exit" "expect time_ms > 0"
expect 0 "^expect: ok: output argmax 0 == 0$" "expect: every kind holds" -- "$BIN" -x "$TMP/pass.tss" "$L4/infer.elf"
[ "$(grep -c '^expect: ok: ' "$TMP/out")" -eq 9 ] && ok || bad "expect: nine expectations hold"

script fail "continue" "expect cycles < 5" "expect exit status == 0"
expect 1 "^tinysim: .*fail.tss:2: expectation failed: expect cycles < 5$" "expect: a failed expectation stops the script, exit 1" -- \
    "$BIN" -x "$TMP/fail.tss" "$L4/infer.elf"
grep -q "^expect: FAILED: cycles [0-9,]* < 5$" "$TMP/out" && ok || bad "expect: the failure says the figure"
grep -q "^expect: ok: exit status" "$TMP/out" && bad "expect: the script went on after a failure" || ok
expect 1 "^expect: ok: exit status 0 == 0$" "expect --keep-going: the rest is checked, exit 1" -- \
    "$BIN" -x "$TMP/fail.tss" --keep-going "$L4/infer.elf"

script before "expect cycles < 5M"
expect 1 "^expect: FAILED: cycles < 5M (no inference has completed)$" "expect before any inference" -- \
    "$BIN" -x "$TMP/before.tss" "$L4/infer.elf"
script bad1 "expect cycles 5M"
expect 2 "OP is one of" "expect without an operator is a usage error" -- "$BIN" -x "$TMP/bad1.tss" "$L4/infer.elf"
script bad2 "continue" "expect layer 99 cycles < 5"
expect 2 "is not a layer number from 0 to 12" "expect on a layer the model has not" -- "$BIN" -x "$TMP/bad2.tss" "$L4/infer.elf"
script bad3 "continue" "expect speed < 5"
expect 2 "'speed' is not a figure" "expect on an unknown figure" -- "$BIN" -x "$TMP/bad3.tss" "$L4/infer.elf"

# the firmware's verdict decides the exit code, unless the script expects it
script run "run"
expect 4 "the firmware faulted (exit code 4" "-x on a faulting firmware exits 4" -- "$BIN" -x "$TMP/run.tss" "$L4/fault.elf"
expect 5 "the firmware did not finish (exit code 5" "-x on a budget stop exits 5" -- \
    "$BIN" -x "$TMP/run.tss" "$L4/spin.elf" --max-cycles 1M
script fault "run" "expect stop == fault"
expect 0 "^expect: ok: stop == fault" "-x: a fault the script expects exits 0" -- "$BIN" -x "$TMP/fault.tss" "$L4/fault.elf"
script budget "run" "expect stop == budget"
expect 0 "^expect: ok: stop == budget" "-x: a budget stop the script expects exits 0" -- \
    "$BIN" -x "$TMP/budget.tss" "$L4/spin.elf" --max-cycles 1M
script wrong "run" "expect stop == exit"
expect 1 "^expect: FAILED: stop == exit (the run stopped: fault)" "expect stop: the wrong stop" -- \
    "$BIN" -x "$TMP/wrong.tss" "$L4/fault.elf"

# gdb's habits: print, x/NFU, backtrace, info registers, step N, did you mean
script gdb "break symbol nn_conv2d_s8" "run" "print \$pc" "p *\$sp" "print (int8)*r1" \
    "print (float)3" "print 0x10+4" "x/8xb \$sp" "x/2dw sp" "x/4xw nn_conv2d_s8" "bt" \
    "info registers" "delete" "step 2"
expect 0 "^= 134[0-9]* (0x0800[0-9a-f]*)$" "print \$pc" -- "$BIN" -x "$TMP/gdb.tss" "$L4/infer.elf"
grep -q "^= 3$" "$TMP/out" && grep -q "^= 20 (0x00000014)$" "$TMP/out" && ok ||
    bad "print: a cast to float and an offset"
grep -q "^0x2[0-9a-f]*:	0x[0-9a-f][0-9a-f]	0x[0-9a-f][0-9a-f]	" "$TMP/out" && ok || bad "x/8xb: bytes in hex"
grep -q "^0x0800[0-9a-f]* <nn_conv2d_s8>:	0x[0-9a-f]\{8\}	" "$TMP/out" && ok || bad "x/4xw: words at a symbol"
grep -q "^#0  0x0800[0-9a-f]* in nn_conv2d_s8$" "$TMP/out" && grep -q "^#1  0x0800[0-9a-f]* in run_kernel+0x[0-9a-f]* (lr)$" "$TMP/out" &&
    grep -q "in nn_invoke+0x[0-9a-f]* (stack at 0x2" "$TMP/out" && ok || bad "bt: pc, lr and the stack's return addresses"
grep -q "^flags [nN][zZ][cC][vV][qQ]  GE [01]\{4\}  exception 0$" "$TMP/out" && ok || bad "info registers: the flags"
[ "$(grep -c '^paused after layer [01]/13' "$TMP/out")" -eq 2 ] && ok || bad "step 2: two layers"
# conditional breakpoints and until
script cond "break layer 4 if run cycles > 20M" "run" "delete" "break symbol nn_conv2d_s8 if run cycles > 35M" \
    "continue" "info break" "delete" "until nn_softmax_s8" "continue"
expect 0 "^paused at layer 4/13 (CONV_2D) (breakpoint 1 (layer 4 if run cycles > 20M))" \
    "break layer N if ...: taken when it holds" -- "$BIN" -x "$TMP/cond.tss" "$L4/infer.elf" -q
grep -q "^paused at layer 8/13 (CONV_2D) (breakpoint 1 (symbol nn_conv2d_s8 if run cycles > 35M))" "$TMP/out" &&
    ok || bad "break symbol ... if: the calls before the condition held were passed"
grep -q "^1: symbol nn_conv2d_s8 if run cycles > 35M (hit 1 time)$" "$TMP/out" && ok || bad "info break: the condition and the hits"
grep -q "^paused at layer 12/13 (SOFTMAX) (until 0x0800[0-9a-f]*)" "$TMP/out" && ok || bad "until SYMBOL"
grep -q "^exited with status 0" "$TMP/out" && ok || bad "until's breakpoint does not stay"
script cond0 "break layer 4 if run cycles > 1G" "run"
expect 0 "^exited with status 0" "a condition that never holds never stops" -- "$BIN" -x "$TMP/cond0.tss" "$L4/infer.elf" -q
script condbad "break layer 2 if frob > 1"
expect 2 "break ... if: expect: 'frob' is not a figure" "a condition that is no expectation is refused" -- \
    "$BIN" -x "$TMP/condbad.tss" "$L4/infer.elf" -q

# the tensor view: std and a histogram, rows that fit 80 columns, the heat map's channel and zoom
script tens "break layer 2" "run" "tensor 0" "tensor 0 --channel 3" "tensor 0 --zoom 2"
expect 0 "^  8000 values: min -128, max 127, mean -[0-9.]*, std [0-9.]* (real: " "tensor: std" -- \
    "$BIN" -x "$TMP/tens.tss" "$L4/infer.elf" -q
grep -q "^  histogram (10 bins, -128 to 127) \[.*\]\( [0-9]*\)\{10\}$" "$TMP/out" && ok || bad "tensor: the histogram"
awk '/^  \[   0\]/ { print length($0); exit }' "$TMP/out" | { read w; [ "$w" -le 80 ] && [ "$w" -ge 70 ]; } && ok ||
    bad "tensor: a row of values fills 80 columns without passing them"
grep -q "^  channel 3 of 64 (25x5), " "$TMP/out" && ok || bad "tensor --channel: the heat map's channel"
grep -q "^  channel 3 of 64 (25x5, zoomed)" "$TMP/out" && grep -q "^  |[ .:=+*#%@-]\{10\}|$" "$TMP/out" && ok ||
    bad "tensor --zoom 2: each value two columns wide, the channel kept"

# the FP registers on a core with an FPU (M4F), none on the M0+
script fp "run" "info registers"
expect 0 "^fpscr 0x[0-9a-f]\{8\}$" "info registers: FP registers on the M4F" -- "$BIN" -x "$TMP/fp.tss" "$L4/hello.elf" -q
grep -q "^s0   " "$TMP/out" && ok || bad "info registers: s0-s31"
expect 0 "" "info registers on the M0+" -- "$BIN" -x "$TMP/fp.tss" "$FW/nucleo-g0b1re/hello.elf" -q
grep -q "^fpscr" "$TMP/out" && bad "info registers: FP registers on a core without an FPU" || ok

# watchpoints: a stop when the bytes change, with the values; the figures stay those of a plain run
script watch "watch tinysim_arena 4" "run" "continue" "info break" "delete" "continue" \
    "export json $TMP/watch.json"
expect 0 "^paused at layer 0/13 (CONV_2D) (watchpoint 1 (watch tinysim_arena (4 bytes at 0x2[0-9a-f]*)): 0x0 -> 0x80)" \
    "watch: stops when the bytes change" -- "$BIN" -x "$TMP/watch.tss" "$L4/infer.elf" -q
grep -q "^1: watch tinysim_arena (4 bytes at 0x2[0-9a-f]*) (hit 2 times)$" "$TMP/out" && ok || bad "watch: info break counts its hits"
"$BIN" run "$L4/infer.elf" -q --json "$TMP/plain.json" >/dev/null 2>&1
grep -v '"wall_s"\|"distinct_blocks"\|"model_loads"' "$TMP/plain.json" >"$TMP/plain.fig"
grep -v '"wall_s"\|"distinct_blocks"\|"model_loads"' "$TMP/watch.json" | cmp -s - "$TMP/plain.fig" && ok ||
    bad "watch: a watched run's report differs from a plain run's"
script watchbad "watch 0x70000000"
expect 2 "watch: 0x70000000 is not in the board's memory" "watch: unmapped memory" -- \
    "$BIN" -x "$TMP/watchbad.tss" "$L4/infer.elf" -q

script typo "stpe"
expect 2 "unknown command 'stpe'; did you mean 'step'?" "a typo gets a suggestion" -- "$BIN" -x "$TMP/typo.tss" "$L4/infer.elf"
script badp "print (double)*r0"
expect 2 "print: unknown type 'double'" "print: an unknown cast" -- "$BIN" -x "$TMP/badp.tss" "$L4/infer.elf"

# a session's files come from 'export': an output option it would never write is refused
expect 2 "^tinysim repl: --output is for 'tinysim run'" "-x with --output is refused" -- \
    "$BIN" -x "$TMP/pass.tss" "$L4/infer.elf" --output "$TMP/never.bin"
expect 2 "^tinysim repl: --json is for 'tinysim run'.*export json" "repl with --json is refused" -- \
    "$BIN" repl "$L4/infer.elf" --json "$TMP/never.json"
[ ! -e "$TMP/never.bin" ] && [ ! -e "$TMP/never.json" ] && ok || bad "a refused output was created"

printf 'script: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
