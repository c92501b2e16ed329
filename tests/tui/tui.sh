#!/bin/sh
# The TUI driven in a real terminal: tmux runs `tinysim tui` in a detached session, keys are
# sent with send-keys and the screen is read with capture-pane. Each check waits (up to
# 15 s) for what the screen should show after the keys.
#
# usage: tests/tui/tui.sh TINYSIM [FIRMWARE_DIR]
set -u
BIN=$(cd "$(dirname "${1:?usage: tui.sh TINYSIM [FIRMWARE_DIR]}")" && pwd)/$(basename "$1")
FW=${2:-build/firmware}
ELF=$FW/nucleo-l4r5zi/infer.elf
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-tui.XXXXXX")
S=tinysim-test-$$
. "$(dirname "$0")/../lib.sh"
# a server of our own (its own socket), kept alive by an idle session, so that ending the
# session under test never ends the server between cases
tm() { tmux -L "$S" "$@"; }
cleanup() { tm kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux not installed (scripts/install-deps.sh installs it)"
    exit 0
fi

screen() { tm capture-pane -t "$S" -p; }
# wait_for PATTERN WHAT: until a line of the screen matches (extended regex)
wait_for() {
    i=0
    while [ $i -lt 150 ]; do
        if screen | grep -Eq -- "$1"; then ok; return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    bad "$2: the screen never showed '$1'"
    screen | sed 's/^/    | /'
    return 1
}
keys() { tm send-keys -t "$S" "$@"; }
tm new-session -d -s keep "sleep 900"

# no terminal: refused with a suggestion
"$BIN" tui "$ELF" </dev/null >"$TMP/notty.txt" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "needs a terminal" "$TMP/notty.txt"; then ok
else bad "tui without a terminal: exit $rc"; cat "$TMP/notty.txt"; fi

# a terminal curses cannot drive: refused with a message (exit 2), not a crash
tm new-session -d -s "$S" -x 100 -y 32 "TERM=nosuchterm '$BIN' tui '$ELF'; echo \$? >'$TMP/exit'; sleep 60"
wait_for "cannot drive this terminal \(TERM=nosuchterm\)" "an unknown TERM is refused"
i=0
while [ ! -s "$TMP/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$TMP/exit" 2>/dev/null)" = 2 ] && ok || bad "unknown TERM: exit '$(cat "$TMP/exit" 2>/dev/null)', expected 2"
tm kill-session -t "$S" 2>/dev/null
rm -f "$TMP/exit"
# a terminal without colours (vt100): attributes only, the same screen
tm new-session -d -s "$S" -x 100 -y 32 "TERM=vt100 '$BIN' tui '$ELF'; sleep 60"
wait_for "^-- layers --" "a terminal without colours draws the screen"
tm kill-session -t "$S" 2>/dev/null

tm new-session -d -s "$S" -x 100 -y 32 \
    "TINYSIM_HISTORY=$TMP/history TERM=xterm-256color '$BIN' tui '$ELF'; echo \$? >'$TMP/exit'; sleep 60"
wait_for "ready at reset \| nucleo-l4r5zi \(Cortex-M4F, 120 MHz\)" "status line at start"
wait_for "^-- layers --" "the layer table's title"
wait_for "the layers appear when the first inference starts" "an empty table says why"

keys "break layer 4" Enter
wait_for "^breakpoint 1: layer 4" "break layer 4 in the output pane"
keys "run" Enter
wait_for "^ paused at layer 4/13 \(CONV_2D\) \(breakpoint 1" "status line: paused at the breakpoint"
wait_for "^  4> CONV_2D +1x25x5x64 +512000 +- " "the current layer marked, not run yet"
wait_for "^  0  CONV_2D +1x25x5x64 +320000 +[0-9]+ " "layer 0 has its cycles"
wait_for "^-- layer 4 " "the detail pane follows the current layer"
wait_for "out +int8 +1x25x5x64 +scale" "the detail pane lists the operands"

keys "step" Enter
wait_for "^ paused after layer 4/13 \(CONV_2D\) \(step\)" "step runs one layer"
wait_for "cycles [0-9]+ \([0-9.]+ ms, [0-9.]+ uJ\), instructions" "the layer's figures after it ran"

keys C-Up
wait_for "^-- layer 3 \(F3: tensor" "Ctrl-Up selects layer 3 (after a step, Enter repeats it; F3 opens the tensor)"
keys F3
wait_for "^-- layer 3: output tensor" "F3 opens the layer's output tensor"
wait_for "8000 values: min -128" "the tensor's statistics"

keys F2
wait_for "^-- CPU \(F2: layer detail\)" "F2 shows the CPU"
wait_for "^ r0 +[0-9a-f]{8} +r1 " "registers"
wait_for "^ => 0x[0-9a-f]{8} " "disassembly at the PC"
wait_for "^ xpsr [0-9a-f]{8}  flags [nN][zZ][cC][vV][qQ]  GE [01]{4}" "the CPU pane's flags"
keys F2
wait_for "^-- layer 3[ :]" "F2 again: back to the layer"
keys "si 3" Enter
wait_for "^ paused after layer 4/13 \(CONV_2D\) \(stepped 3 instructions\)" "stepi 3 in the status line"
wait_for "^-- CPU \(F2: layer detail\)" "stepi shows the CPU pane"
keys F2

tm resize-window -t "$S" -x 60 -y 15 2>/dev/null || tm resize-pane -t "$S" -x 60 -y 15
wait_for "terminal too small for tinysim: 60x15, needs at least 80x24" "a terminal too small says so"
tm resize-window -t "$S" -x 100 -y 32 2>/dev/null || tm resize-pane -t "$S" -x 100 -y 32
wait_for "^-- layers \(share: of the 5 layers run so far\) --" "the screen comes back after growing; the share says what it is of"

keys "disas nn_conv2d_s" Tab
wait_for "^\(tinysim\) disas nn_conv2d_s8$" "Tab completes a function symbol"
keys C-u
keys "tensor 1" Tab Tab
wait_for "^1  10  11  12$" "Tab lists the layer numbers"
keys C-u
keys "compare" Enter
wait_for "the 5 layers run so far \(of 13\) are identical to the host reference" "compare"
keys "frobnicate" Enter
wait_for "^error: unknown command 'frobnicate'" "a wrong command is an error line, not a crash"
# the line editor's history on Up; the output pane pages a long output and scrolls
keys Up
wait_for "^\(tinysim\) frobnicate$" "Up recalls the previous line"
keys C-u
keys "help" Enter
wait_for "^-- output \(scrolled back: PgDn for newer\) --" "help longer than the pane shows from its start"
wait_for "^commands \(a unique prefix is enough" "help's first line is on screen"
keys NPage NPage NPage NPage NPage NPage NPage NPage
wait_for "^-- output \(PgUp/PgDn scroll\) --" "PgDn reads on to the newest line"
wait_for "^  quit +leave" "help's last line"
keys PPage
wait_for "^-- output \(scrolled back: PgDn for newer\) --" "PgUp scrolls back"
keys "echo $(printf 'w%.0s' $(seq 1 150))" Enter
wait_for "^w{100}$" "a long line wraps"
keys "continue" Enter
wait_for "^ exited with status 0" "continue runs to the end"
wait_for "^top class: " "the firmware's console in its pane"
# a firmware that never ends: progress in the status line, Ctrl-C pauses it, state kept
keys "load $FW/nucleo-l4r5zi/spin.elf" Enter
wait_for "^loaded .*spin.elf on nucleo-l4r5zi" "load another firmware"
keys "run" Enter
wait_for "^ running: [0-9,]+ cycles" "a long run shows its progress"
keys C-c
wait_for "^ paused \(interrupted\), [0-9,]+ cycles" "Ctrl-C pauses the run"
keys "info regs" Enter
wait_for "pc is in spin_forever" "the state is kept: where it was spinning (the output pages from its start)"
# the Delete key on an empty prompt does nothing (it was Ctrl-D: the TUI ended)
keys DC
keys -l "status"
keys Enter
wait_for "^\(tinysim\) status$" "Delete on an empty prompt keeps the TUI"
keys "quit" Enter
i=0
while [ ! -s "$TMP/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(cat "$TMP/exit" 2>/dev/null)" = 0 ]; then ok; else bad "quit: exit status '$(cat "$TMP/exit" 2>/dev/null)'"; fi
if grep -q "^break layer 4$" "$TMP/history" 2>/dev/null; then ok; else bad "the history file lacks the commands"; fi

# the issue's acceptance run, on the MLPerf Tiny KWS model when ../shared is there: break at
# layer 4, its detail and output tensor, on to layer 5, and every layer identical to the host
SHARED=${TINYSIM_SHARED:-../shared}
if [ -f "$SHARED/models/kws_ref_model.tflite" ]; then
    tm kill-session -t "$S" 2>/dev/null
    rm -f "$TMP/exit"
    tm new-session -d -s "$S" -x 100 -y 32 \
        "TINYSIM_HISTORY=$TMP/history '$BIN' tui '$ELF' --model '$SHARED/models/kws_ref_model.tflite'; echo \$? >'$TMP/exit'; sleep 60"
    wait_for "ready at reset" "KWS: the TUI opens"
    keys "break layer 4" Enter "run" Enter
    wait_for "^ paused at layer 4/13 \(CONV_2D\)" "KWS: paused at layer 4"
    wait_for "layer 4: CONV_2D functional_1/activation_4/Relu" "KWS: layer 4's detail"
    keys "step" Enter
    wait_for "^ paused after layer 4/13" "KWS: layer 4 ran"
    keys F3
    wait_for "^-- layer 4: output tensor" "KWS: layer 4's output tensor"
    wait_for "8000 values: min -128, max 127" "KWS: its values"
    keys "next" Enter
    wait_for "^ paused at layer 5/13 \(DEPTHWISE_CONV_2D\)" "KWS: on to layer 5"
    keys "continue" Enter
    wait_for "^ exited with status 0" "KWS: runs to the end"
    keys "compare" Enter
    wait_for "^compare: all 13 layers identical to the host reference" "KWS: every layer identical"
    keys "quit" Enter
else
    echo "SKIP: the KWS acceptance run: $SHARED/models not found"
fi

# TFLM firmware (../shared/firmware/tflm), unmodified: the layer table is TFLM's operators;
# break at layer 4, its detail, next to layer 5, a breakpoint on an op, run to the end
T=$SHARED/firmware/tflm/kws-nucleo-l4r5zi.elf
if [ -f "$T" ]; then
    tm kill-session -t "$S" 2>/dev/null
    tm new-session -d -s "$S" -x 100 -y 32 \
        "TINYSIM_HISTORY=$TMP/history '$BIN' tui '$T'; sleep 60"
    wait_for "ready at reset" "TFLM: the TUI opens"
    keys "break layer 4" Enter "run" Enter
    wait_for "^ paused at layer 4/13 \(CONV_2D\) \(breakpoint 1" "TFLM: paused at layer 4"
    wait_for "^  3  DEPTHWISE_CONV_2D +1x25x5x64 +72000 +[0-9]+ " "TFLM: layer 3 has its cycles"
    wait_for "^-- layer 4 " "TFLM: the detail pane shows layer 4"
    keys "next" Enter
    wait_for "^ paused at layer 5/13 \(DEPTHWISE_CONV_2D\) \(next layer\)" "TFLM: next to layer 5"
    wait_for "^  4  CONV_2D +1x25x5x64 +512000 +1324965 " "TFLM: layer 4's cycles"
    keys Enter
    wait_for "^ paused at layer 6/13 \(CONV_2D\) \(next layer\)" "Enter on an empty line repeats next"
    keys -l "delete"; keys Enter "break op SOFTMAX" Enter "continue" Enter
    wait_for "^ paused at layer 12/13 \(SOFTMAX\) \(breakpoint 1 \(op SOFTMAX" "TFLM: break op SOFTMAX"
    keys -l "delete"; keys Enter "continue" Enter
    wait_for "^ exited with status 0" "TFLM: runs to the end"
    keys "quit" Enter
else
    echo "SKIP: the TFLM run: $T not found"
fi

# help at 80x24: paged from its first line in a pane that takes the detail's rows, to its end
tm kill-session -t "$S" 2>/dev/null
tm new-session -d -s "$S" -x 80 -y 24 "TINYSIM_HISTORY=$TMP/history TERM=xterm '$BIN' tui '$ELF'; sleep 60"
wait_for "ready at reset" "80x24: the TUI opens"
keys "help" Enter
wait_for "^commands \(a unique prefix is enough" "80x24: help from its first line"
keys NPage NPage NPage
wait_for "^  quit +leave" "80x24: PgDn pages to help's last line"
keys "quit" Enter

# --probe firmware: its probed calls are the table's rows
tm kill-session -t "$S" 2>/dev/null
tm new-session -d -s "$S" -x 100 -y 32 \
    "TINYSIM_HISTORY=$TMP/history '$BIN' tui '$FW/nucleo-l4r5zi/probe.elf' --probe process_frame; sleep 60"
wait_for "ready at reset" "probe: the TUI opens"
keys "continue" Enter
wait_for "^-- probed calls \(share: of the [0-9]+ calls\) --" "probe: the table holds the probed calls"
wait_for "^  0  process_frame " "probe: a call's row"
keys "quit" Enter

# gdb from the TUI: the status line says where to connect; gdb breaks, detaches, the screen
# is back, paused where gdb left the firmware
if command -v gdb-multiarch >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    tm kill-session -t "$S" 2>/dev/null
    tm new-session -d -s "$S" -x 100 -y 32 "TINYSIM_HISTORY=$TMP/history '$BIN' tui '$ELF'; sleep 60"
    wait_for "ready at reset" "gdb: the TUI opens"
    keys "gdb $port" Enter
    wait_for "serving gdb: in gdb-multiarch, target remote $port" "gdb: the status line says where"
    timeout 120 gdb-multiarch -q -batch -nx -ex "file $ELF" -ex "target remote 127.0.0.1:$port" \
        -ex "break nn_invoke" -ex "continue" -ex "detach" >"$TMP/gdb.out" 2>&1
    grep -q "^Breakpoint 1, nn_invoke" "$TMP/gdb.out" && ok || { bad "gdb from the TUI: no breakpoint"; cat "$TMP/gdb.out"; }
    wait_for "tinysim: gdb detached" "gdb: the TUI says gdb detached"
    wait_for "^ paused \(breakpoint 1 \(gdb break 0x[0-9a-f]+\)\)" "gdb: paused where gdb left it"
    keys "quit" Enter
else
    echo "SKIP: gdb-multiarch not found: gdb from the TUI is not tested"
fi

printf 'tui: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
