#!/bin/sh
# Engine trust (issue 12): the same firmware, board, model and input give the same figures,
# bit for bit, however the run is driven: piped, on a terminal (progress shown), with
# --timeout, as a script with breakpoints and stepping, in the TUI with stepping and a
# Ctrl-C pause. TINYSIM_PROGRESS_S=0 makes the progress callback run at every look at the
# host clock, so a fast host exercises it as much as a slow one. Also: an exception storm
# with --timeout starts no thread per emulator call (it ran 70x slower).
#
# usage: tests/trust/engine.sh TINYSIM [FIRMWARE_DIR]     (from the top of the tree)
set -u
BIN=$(cd "$(dirname "${1:?usage: engine.sh TINYSIM [FIRMWARE_DIR]}")" && pwd)/$(basename "$1")
FW=${2:-build/firmware}
SHARED=${TINYSIM_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-engine.XXXXXX")
S=tinysim-engine-$$
. "$(dirname "$0")/../lib.sh"
tm() { tmux -L "$S" "$@"; }
cleanup() { command -v tmux >/dev/null 2>&1 && tm kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# figures FILE: the report without what depends on the host (wall time, decoded blocks)
figures() { grep -v '"wall_s"\|"distinct_blocks"' "$1"; }
# same NAME REF FILE: FILE's figures are REF's
same() {
    if [ ! -s "$3" ]; then bad "$1: no report written"; return; fi
    if figures "$2" | cmp -s - "$3.fig" 2>/dev/null || { figures "$3" >"$3.fig"; figures "$2" | cmp -s - "$3.fig"; }; then ok
    else bad "$1: figures differ from the piped run"; figures "$2" | diff - "$3.fig" | head -n 12 | sed 's/^/    /'; fi
}
HAVE_SCRIPT=0; command -v script >/dev/null 2>&1 && HAVE_SCRIPT=1
HAVE_TMUX=0; command -v tmux >/dev/null 2>&1 && HAVE_TMUX=1
[ $HAVE_SCRIPT = 1 ] || echo "SKIP: script(1) not installed: no pseudo-terminal runs"
[ $HAVE_TMUX = 1 ] || echo "SKIP: tmux not installed: no TUI runs"
[ $HAVE_TMUX = 1 ] && tm new-session -d -s keep "sleep 900"

# check_drives NAME ELF MODEL_ARGS...: every way of driving the run against the piped one
check_drives() {
    name=$1 elf=$2
    shift 2
    d=$TMP/$name
    mkdir -p "$d"
    expect 0 "" "$name: piped run" -- "$BIN" run "$elf" "$@" -q --json "$d/pipe.json"
    expect 0 "" "$name: --timeout" -- env TINYSIM_PROGRESS_S=0 "$BIN" run "$elf" "$@" -q \
        --timeout 300 --json "$d/timeout.json"
    same "$name: --timeout" "$d/pipe.json" "$d/timeout.json"
    if [ $HAVE_SCRIPT = 1 ]; then
        # stdout and stderr on a pseudo-terminal: the progress line is on
        cmd="TINYSIM_PROGRESS_S=0 '$BIN' run '$elf'"
        for a in "$@"; do cmd="$cmd '$a'"; done
        $LIMIT script -qec "$cmd --json '$d/pty.json'" /dev/null >"$d/pty.out" 2>&1 </dev/null
        same "$name: on a terminal with progress" "$d/pipe.json" "$d/pty.json"
    fi
    # scripts: breakpoints, layer stepping, instruction stepping inside blocks, continue
    i=0
    for seq in "break layer 4;run;step;si 3;continue" "si 50000;continue" \
               "break layer 2;run;si 7;si 13;si 1;finish;next;si 1000;step;continue" \
               "break symbol nn_probe_layer_end;run;si 5;continue;delete;continue"; do
        i=$((i + 1))
        printf '%s\n' "$seq" | tr ';' '\n' >"$d/s$i.tss"
        printf 'export json %s\n' "$d/x$i.json" >>"$d/s$i.tss"
        expect 0 "" "$name: script $i" -- env TINYSIM_PROGRESS_S=0 "$BIN" -x "$d/s$i.tss" "$elf" "$@"
        same "$name: script '$seq'" "$d/pipe.json" "$d/x$i.json"
    done
    # the TUI: breakpoint, stepping, a Ctrl-C (a pause if it lands during the run), continue
    if [ $HAVE_TMUX = 1 ]; then
        cmd="TINYSIM_PROGRESS_S=0 TINYSIM_HISTORY='$d/hist' TERM=xterm '$BIN' tui '$elf'"
        for a in "$@"; do cmd="$cmd '$a'"; done
        tm new-session -d -s "$S" -x 100 -y 32 "$cmd; sleep 60"
        sleep 1
        for k in "break layer 3" "run" "si 9" "next" "delete"; do
            tm send-keys -t "$S" -l "$k"
            tm send-keys -t "$S" Enter
            sleep 0.3
        done
        tm send-keys -t "$S" -l "continue"
        tm send-keys -t "$S" Enter C-c
        sleep 0.3
        # continue until the status line says the firmware exited: on a slow or loaded host
        # the Ctrl-C may land after a fixed wait would have ended (seen under ASan), so
        # whenever the screen shows a pause, continue again (at most every 2 s)
        n=0 last=-20
        while [ $n -lt 1200 ]; do
            scr=$(tm capture-pane -t "$S" -p)
            printf '%s\n' "$scr" | grep -q "exited with status" && break
            if [ $((n - last)) -ge 20 ] && { [ $last -lt 0 ] || printf '%s\n' "$scr" | grep -q "paused"; }; then
                tm send-keys -t "$S" -l "continue"
                tm send-keys -t "$S" Enter
                last=$n
            fi
            sleep 0.1; n=$((n + 1))
        done
        tm send-keys -t "$S" -l "export json $d/tui.json"
        tm send-keys -t "$S" Enter
        n=0
        while [ ! -s "$d/tui.json" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
        sleep 0.3
        tm send-keys -t "$S" -l "quit"
        tm send-keys -t "$S" Enter
        same "$name: TUI with stepping and Ctrl-C" "$d/pipe.json" "$d/tui.json"
        tm kill-session -t "$S" 2>/dev/null
    fi
}

L4=$FW/nucleo-l4r5zi
check_drives demo "$L4/infer.elf"
if [ -f "$SHARED/models/kws_ref_model.tflite" ]; then
    check_drives kws "$L4/infer.elf" --model "$SHARED/models/kws_ref_model.tflite"
    check_drives resnet-g0 "$FW/nucleo-g0b1re/infer.elf" --model "$SHARED/models/pretrainedResnet_quant.tflite"
    check_drives kws-m7 "$FW/nucleo-f746zg/infer.elf" --model "$SHARED/models/kws_ref_model.tflite"
else
    echo "SKIP: $SHARED/models not found: the MLPerf determinism runs (the demo model ran)"
fi

# interrupts (SysTick, SVC, PendSV): stepped 37 instructions at a time, or stopping in the
# SysTick handler, the figures are those of the run left alone
for b in nucleo-l4r5zi nucleo-g0b1re nucleo-f746zg; do
    f=$FW/$b/tick.elf
    expect 0 "" "tick on $b" -- "$BIN" run "$f" -q --json "$TMP/tick-$b.json"
    n=0; : >"$TMP/tick1.tss"
    while [ $n -lt 300 ]; do echo "si 37" >>"$TMP/tick1.tss"; n=$((n + 1)); done
    printf 'continue\nexport json %s\n' "$TMP/tick1-$b.json" >>"$TMP/tick1.tss"
    printf 'break symbol SysTick_Handler\ncontinue\nsi 3\ncontinue\nsi 3\ndelete\ncontinue\nexport json %s\n' \
        "$TMP/tick2-$b.json" >"$TMP/tick2.tss"
    for k in 1 2; do
        expect 0 "" "tick on $b: script $k" -- "$BIN" -x "$TMP/tick$k.tss" "$f"
        same "tick on $b: script $k" "$TMP/tick-$b.json" "$TMP/tick$k-$b.json"
    done
done

# the flash timing's learned averages must not make later inferences dearer than the first
# (on silicon the first is the slower): TFLM firmware timing its four Invokes with DWT_CYCCNT.
# Averages charged in whole cycles per block leave a few cycles of jitter (at most 100 here).
TFLM=$SHARED/firmware/tflm
if [ -f "$TFLM/kws-nucleo-l4r5zi.elf" ]; then
    for f in kws-nucleo-l4r5zi vww-nucleo-l4r5zi ic-nucleo-l4r5zi; do
        expect 0 "^invoke 1: " "$f: runs" -- "$BIN" run "$TFLM/$f.elf" --timeout 300
        i0=$(sed -n 's/^invoke 0: \([0-9]*\) cycles.*/\1/p' "$TMP/out")
        i1=$(sed -n 's/^invoke 1: \([0-9]*\) cycles.*/\1/p' "$TMP/out")
        if [ -n "$i0" ] && [ -n "$i1" ] && [ $((i0 + 100)) -ge "$i1" ]; then ok
        else bad "$f: invoke 0 took $i0 cycles, invoke 1 $i1: the steady state is dearer"; fi
    done
else
    echo "SKIP: $TFLM not found: first-vs-steady inference check"
fi

# a prefetch abort names the block that branched there (it said 0x00000000)
expect 4 "branched from the block at 0x08[0-9a-f]* (crash_ppb" "prefetch abort: where from" -- \
    feed ppb "$BIN" run "$L4/crash.elf" --timeout 60

# an exception storm (200,000 PendSV) with --timeout: no thread per emulator call
expect 0 "storm: 200000 PendSV exceptions" "storm with --timeout" -- \
    "$BIN" run "$L4/storm.elf" --timeout 300
if command -v strace >/dev/null 2>&1; then
    $LIMIT strace -f -qq -c -o "$TMP/strace.txt" -e trace=clone,clone3 \
        "$BIN" run "$L4/storm.elf" --timeout 300 -q >/dev/null 2>&1
    n=$(awk '$NF == "clone" || $NF == "clone3" { c += $4 } END { print c + 0 }' "$TMP/strace.txt")
    if [ "$n" -lt 10 ]; then ok; else bad "storm with --timeout made $n threads"; fi
else
    echo "SKIP: strace not installed: thread count of the storm not checked"
fi

printf 'engine: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
