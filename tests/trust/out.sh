#!/bin/sh
# Output files, write errors, signals and stream order (issue 12, "Output files: never
# clobber, never lose a report"; README "Output files"). Devices are character-device nodes
# made here (mknod, as root) so that a broken tinysim can only replace files under $TMP,
# never /dev/null or /dev/full; without mknod the real ones are used when not root (a
# non-root process cannot replace them), else those cases say SKIP.
#
# usage: tests/trust/out.sh TINYSIM FIRMWARE_DIR     (from the top of the tree)
set -u
BIN=${1:?usage: out.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: out.sh TINYSIM FIRMWARE_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(pwd)
case $BIN in /*) ;; *) BIN=$TOP/$BIN ;; esac
case $FW in /*) ;; *) FW=$TOP/$FW ;; esac
CROSS=${CROSS:-arm-none-eabi-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-out.XXXXXX")
trap 'tmux -L "tinysim-out-$$" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
. "$HERE/../lib.sh"

L4=$FW/nucleo-l4r5zi
H=$L4/hello.elf
I=$L4/infer.elf
SPIN=$L4/spin.elf
M=$TOP/models/demo/kws_demo.tflite
M2=$TOP/models/demo/cnn_demo.tflite
for f in "$H" "$I" "$SPIN" "$M" "$M2"; do
    [ -f "$f" ] || { bad "$f missing: make firmware"; printf 'out: %d passed, %d failed\n' "$pass" "$fail"; exit 1; }
done

# a complete run report: the schema line and the closing brace at the end
whole_report() { grep -q '"schema": "tinysim-report/1"' "$1" && tail -n 1 "$1" | grep -q '^}$'; }

# ---- devices: $NUL and $FULL
NUL= FULL=
if mknod "$TMP/null" c 1 3 2>/dev/null && mknod "$TMP/full" c 1 7 2>/dev/null; then
    NUL=$TMP/null FULL=$TMP/full
elif [ "$(id -u)" != 0 ]; then
    NUL=/dev/null FULL=/dev/full
else
    echo "SKIP: device cases (root without mknod: /dev/null and /dev/full are not risked)"
fi

if [ -n "$NUL" ]; then
    # every output option into a character device: written as a stream, never replaced
    expect 0 "" "run --json NULL" -- "$BIN" run "$H" -q --json "$NUL"
    [ -c "$NUL" ] && ok || bad "run --json $NUL replaced the device"
    expect 0 "" "run --csv NULL --output NULL --json NULL" -- \
        "$BIN" run "$I" -q --csv "$NUL" --output "$NUL" --json "$NUL"
    expect 0 "" "run --csv NULL" -- "$BIN" run "$I" -q --csv "$NUL"
    [ -c "$NUL" ] && ok || bad "run --csv $NUL replaced the device"
    expect 0 "" "run --output NULL" -- "$BIN" run "$I" -q --output "$NUL"
    [ -c "$NUL" ] && ok || bad "run --output $NUL replaced the device"
    expect 0 "" "convert -o NULL" -- "$BIN" convert "$M" -o "$NUL"
    [ -c "$NUL" ] && ok || bad "convert -o $NUL replaced the device"
    "$BIN" infer "$M" --input "$TOP/models/demo/kws_demo_input.bin" --output "$NUL" >"$TMP/out" 2>&1 \
        && [ -c "$NUL" ] && ok || { bad "infer --output $NUL"; cat "$TMP/out"; }
    # a full device: the write error names it, exit 3, the device stays
    expect 3 "cannot write $FULL: No space left on device" "run --json FULL" -- \
        "$BIN" run "$H" -q --json "$FULL"
    [ -c "$FULL" ] && ok || bad "run --json $FULL replaced the device"
    expect 3 "cannot write $FULL: No space left on device" "run --csv FULL" -- \
        "$BIN" run "$I" -q --csv "$FULL"
    expect 3 "cannot write $FULL: No space left on device" "convert -o FULL" -- \
        "$BIN" convert "$M" -o "$FULL"
    [ -c "$FULL" ] && ok || bad "--csv/convert $FULL replaced the device"

    # write errors on standard output are errors (exit 3, one message naming the stream)
    for cmd in "run $H" "run $H --json -" "inspect $M" "inspect $M --json" "boards" \
               "boards --json" "help" "help run" "run --help" "--help" "--version"; do
        # shellcheck disable=SC2086
        $LIMIT "$BIN" $cmd >"$FULL" 2>"$TMP/err"
        rc=$?
        if [ "$rc" = 3 ] && grep -q "^tinysim: standard output: No space left on device" "$TMP/err" &&
            [ "$(grep -c "standard output" "$TMP/err")" = 1 ]; then ok; else
            bad "tinysim $cmd >$FULL: exit $rc, expected 3 and one 'standard output' message"
            sed 's/^/    /' "$TMP/err" | tail -n 5
        fi
    done
    printf 'echo one\necho two\n' >"$TMP/s.tss"
    $LIMIT "$BIN" -x "$TMP/s.tss" "$H" >"$FULL" 2>"$TMP/err"
    rc=$?
    [ "$rc" = 3 ] && grep -q "standard output: No space left on device" "$TMP/err" && ok ||
        { bad "-x into $FULL: exit $rc"; cat "$TMP/err"; }
fi

# closed standard output: a write error, and no file tinysim opens takes its place
$LIMIT "$BIN" --version >&- 2>"$TMP/err"
rc=$?
[ "$rc" = 3 ] && grep -q "standard output: Bad file descriptor" "$TMP/err" && ok ||
    { bad "--version with stdout closed: exit $rc"; cat "$TMP/err"; }
$LIMIT "$BIN" run "$H" --json "$TMP/closed.json" >&- 2>"$TMP/err"
rc=$?
[ "$rc" = 3 ] && whole_report "$TMP/closed.json" && ! grep -q "hello from" "$TMP/closed.json" && ok ||
    { bad "run with stdout closed: exit $rc, the report must be whole and console-free"; cat "$TMP/err"; }

# ---- FIFO: written as a stream, stays a FIFO
mkfifo "$TMP/fifo"
$LIMIT cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
expect 0 "" "run --json FIFO" -- "$BIN" run "$H" -q --json "$TMP/fifo"
[ -p "$TMP/fifo" ] && ok || bad "run --json FIFO replaced the FIFO"
[ -p "$TMP/fifo" ] || : >"$TMP/fifo" 2>/dev/null # let the reader end
wait "$reader"
whole_report "$TMP/fifo.out" && ok || bad "the reader of the FIFO did not get the whole report"

# ---- symbolic links
# a planted REPORT.tmp link must not redirect the report (the temporary is uniquely named)
echo precious >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/r.json.tmp"
expect 0 "" "planted r.json.tmp link" -- "$BIN" run "$H" -q --json "$TMP/r.json"
[ "$(cat "$TMP/victim")" = precious ] && whole_report "$TMP/r.json" && [ -L "$TMP/r.json.tmp" ] &&
    ok || bad "a planted r.json.tmp link redirected the report"
# a link as destination: refused before the run (exit 3), link and target untouched
echo precious >"$TMP/target.json"
ln -s "$TMP/target.json" "$TMP/link.json"
expect 3 "^tinysim: --json: cannot write $TMP/link.json: it is a symbolic link" "--json LINK" -- \
    "$BIN" run "$H" --json "$TMP/link.json"
grep -q "run summary" "$TMP/out" && bad "--json LINK: refused only after the run"
[ -L "$TMP/link.json" ] && [ "$(cat "$TMP/target.json")" = precious ] && ok ||
    bad "--json LINK replaced the link or wrote through it"
ln -s "$TMP/nowhere.json" "$TMP/dangling.json"
expect 3 "cannot write $TMP/dangling.json: it is a symbolic link" "--json DANGLING-LINK" -- \
    "$BIN" run "$H" --json "$TMP/dangling.json"
[ ! -e "$TMP/nowhere.json" ] && ok || bad "--json DANGLING-LINK created its target"
expect 3 "cannot write $TMP/link.json: it is a symbolic link" "convert -o LINK" -- \
    "$BIN" convert "$M" -o "$TMP/link.json"
expect 3 "cannot write $TMP/link.json: it is a symbolic link" "infer --output LINK" -- \
    "$BIN" infer "$M" --input "$TOP/models/demo/kws_demo_input.bin" --output "$TMP/link.json"
[ "$(cat "$TMP/target.json")" = precious ] && ok || bad "convert/infer wrote through a link"
# a link to standard output's file (as /dev/stdout is): written as standard output
ln -s /proc/self/fd/1 "$TMP/stdout"
if [ -e /proc/self/fd/1 ]; then
    "$BIN" run "$H" --json "$TMP/stdout" >"$TMP/so.json" 2>"$TMP/err"
    rc=$?
    [ "$rc" = 0 ] && [ "$(head -c 1 "$TMP/so.json")" = "{" ] && whole_report "$TMP/so.json" &&
        grep -q "hello from" "$TMP/err" && [ -L "$TMP/stdout" ] && ok ||
        { bad "--json LINK-TO-STDOUT: exit $rc; the report must be stdout, the console stderr"; head -3 "$TMP/so.json"; }
fi

# ---- regular files: modes, and what cannot be created fails before the run
echo old >"$TMP/mode.json"
chmod 0640 "$TMP/mode.json"
expect 0 "" "--json over a 0640 file" -- "$BIN" run "$H" -q --json "$TMP/mode.json"
[ "$(stat -c %a "$TMP/mode.json")" = 640 ] && whole_report "$TMP/mode.json" && ok ||
    bad "an existing file's mode changed: $(stat -c %a "$TMP/mode.json")"
(umask 027 && "$BIN" run "$H" -q --json "$TMP/new.json" >/dev/null 2>&1)
[ "$(stat -c %a "$TMP/new.json")" = 640 ] && ok ||
    bad "a new file is not 0666 & ~umask (027): $(stat -c %a "$TMP/new.json")"
ls -a "$TMP" | grep -q '^\..*\.json\.' && bad "a temporary was left: $(ls -a "$TMP")" || ok

mkdir "$TMP/adir"
for o in --json --csv --output; do
    expect 3 "^tinysim: $o: cannot create $TMP/nodir/x: directory $TMP/nodir does not exist" \
        "run $o NO-SUCH-DIR/x" -- "$BIN" run "$I" $o "$TMP/nodir/x"
    grep -q "run summary\|\.tmp" "$TMP/out" && bad "run $o NO-SUCH-DIR/x: the run went ahead, or the message names a temporary"
    expect 3 "^tinysim: $o: cannot write $TMP/adir: it is a directory" "run $o DIR" -- \
        "$BIN" run "$I" $o "$TMP/adir"
done
echo '{}' >"$TMP/base.json"
"$BIN" run "$H" -q --json "$TMP/base.json" >/dev/null 2>&1
expect 3 "^tinysim: --markdown: cannot create $TMP/nodir/m.md: directory" "check --markdown NO-SUCH-DIR" -- \
    "$BIN" check "$H" --baseline "$TMP/base.json" --markdown "$TMP/nodir/m.md"
grep -q "run summary" "$TMP/out" && bad "check --markdown NO-SUCH-DIR: the run went ahead"
expect 3 "cannot create $TMP/nodir/m.tsm: directory $TMP/nodir does not exist" "convert -o NO-SUCH-DIR" -- \
    "$BIN" convert "$M" -o "$TMP/nodir/m.tsm"
grep -q "\.tmp" "$TMP/out" && bad "convert: the message names the temporary"
expect 3 "cannot create $TMP/nodir/o.bin" "infer --output NO-SUCH-DIR" -- \
    "$BIN" infer "$M" --input "$TOP/models/demo/kws_demo_input.bin" --output "$TMP/nodir/o.bin"
expect 3 "^tinysim: --dump-layers: $TMP/base.json is not a directory" "infer --dump-layers FILE" -- \
    "$BIN" infer "$M" --input "$TOP/models/demo/kws_demo_input.bin" --output "$TMP/o.bin" \
    --dump-layers "$TMP/base.json"
[ ! -e "$TMP/o.bin" ] && ok || bad "infer --dump-layers FILE: --output was written all the same"

# a write that fails after the run (a file-size limit: EFBIG) leaves the old file intact
echo precious >"$TMP/keep.json"
(ulimit -f 2 && exec "$BIN" run "$I" --json "$TMP/keep.json" >/dev/null 2>"$TMP/err")
rc=$?
[ "$rc" = 3 ] && grep -q "cannot write $TMP/keep.json: File too large" "$TMP/err" &&
    [ "$(cat "$TMP/keep.json")" = precious ] && ok ||
    { bad "a failed report write: exit $rc, the old file must stay"; cat "$TMP/err"; }
ls -a "$TMP" | grep -q '^\.keep\.json\.' && bad "the temporary of a failed write was left" || ok

# ---- standard output: "-" for every option, one at a time
(cd "$TMP" && "$BIN" run "$I" --csv - >"$TMP/csv.out" 2>"$TMP/err")
rc=$?
[ "$rc" = 0 ] && head -n 1 "$TMP/csv.out" | grep -q "^index," && [ ! -e "$TMP/-" ] &&
    grep -q "run summary" "$TMP/err" && ok || { bad "run --csv -: exit $rc"; head -3 "$TMP/csv.out"; }
(cd "$TMP" && "$BIN" run "$I" -q --output - >"$TMP/o.out" 2>"$TMP/err")
[ "$(wc -c <"$TMP/o.out")" = 12 ] && [ ! -e "$TMP/-" ] && ok || bad "run --output -: $(wc -c <"$TMP/o.out") bytes"
(cd "$TMP" && "$BIN" convert "$M" -o - >"$TMP/m.out" 2>"$TMP/err")
"$BIN" convert "$M" -o "$TMP/m.tsm" >/dev/null
cmp -s "$TMP/m.out" "$TMP/m.tsm" && grep -q "^wrote -" "$TMP/err" && ok || bad "convert -o -: not the image on stdout"
cd "$TMP" # a tinysim that takes - for a file name leaves it here, not in the tree
expect 2 "only one output can go to standard output" "--json - --csv -" -- \
    "$BIN" run "$I" --json - --csv -
cd "$TOP"
expect 2 "both name $TMP/same" "--json X --csv X" -- "$BIN" run "$I" --json "$TMP/same" --csv "$TMP/same"
[ ! -e "$TMP/-" ] && ok || bad "a file named - was created"

# ---- export in the REPL language
printf 'run\nexport json %s\n' "$TMP/link.json" >"$TMP/e1.tss"
expect 2 "export: cannot write $TMP/link.json: it is a symbolic link" "export json LINK" -- \
    "$BIN" -x "$TMP/e1.tss" "$H"
[ "$(cat "$TMP/target.json")" = precious ] && ok || bad "export wrote through a link"
printf 'run\nexport json %s\nexport csv %s\n' "$TMP/ex.json" "${NUL:-$TMP/ex.csv}" >"$TMP/e2.tss"
expect 0 "wrote $TMP/ex.json" "export json FILE, csv NULL" -- "$BIN" -x "$TMP/e2.tss" "$I"
whole_report "$TMP/ex.json" && ok || bad "export json: not a whole report"
[ -z "$NUL" ] || { [ -c "$NUL" ] && ok || bad "export csv $NUL replaced the device"; }

# ---- two writers of one file: each result is one of the two whole outputs
"$BIN" convert "$M2" -o "$TMP/m2.tsm" >/dev/null
n=0 mixed=0
while [ $n -lt 50 ]; do
    "$BIN" convert "$M" -o "$TMP/race.tsm" >/dev/null 2>&1 &
    a=$!
    "$BIN" convert "$M2" -o "$TMP/race.tsm" >/dev/null 2>&1 &
    b=$!
    wait $a; wait $b
    cmp -s "$TMP/race.tsm" "$TMP/m.tsm" || cmp -s "$TMP/race.tsm" "$TMP/m2.tsm" || mixed=$((mixed + 1))
    n=$((n + 1))
done
[ $mixed = 0 ] && ok || bad "two concurrent writers: $mixed of 50 results were neither output"

# ---- SIGPIPE: the reader goes away, the report is written whole
rm -f "$TMP/p.json"
{ $LIMIT "$BIN" run "$I" --json "$TMP/p.json" 2>"$TMP/err"; echo $? >"$TMP/rc"; } | head -c 100 >/dev/null
rc=$(cat "$TMP/rc")
whole_report "$TMP/p.json" && ok || bad "| head -c 100: exit $rc, the report was not written whole"
case $rc in
0) ok ;;
3) grep -q "standard output: Broken pipe" "$TMP/err" && ok || bad "| head: exit 3 without the message" ;;
*) bad "| head -c 100: exit $rc (expected 0, or 3 for the closed pipe)"; cat "$TMP/err" ;;
esac

# ---- SIGTERM stops the run like Ctrl-C: reports written, exit 5, the signal named. The
# signal is sent once the report's temporary exists (so the handler is in place).
sigterm_run() { # DESCRIPTION COMMAND...: COMMAND ends with --json $TMP/t.json
    what=$1
    shift
    rm -f "$TMP/t.json" "$TMP"/.t.json.*
    "$@" >"$TMP/t.out" 2>"$TMP/err" &
    pid=$!
    k=0
    while [ $k -lt 600 ] && ! ls -a "$TMP" | grep -q '^\.t\.json\.'; do sleep 0.1; k=$((k + 1)); done
    kill -TERM $pid
    wait $pid
    rc=$?
    if [ "$rc" = 5 ] && whole_report "$TMP/t.json" && grep -q '"reason": "interrupted"' "$TMP/t.json" &&
        grep -q "stopped by SIGTERM" "$TMP/err"; then ok; else
        bad "$what: SIGTERM: exit $rc, expected 5 with the report"; tail -n 5 "$TMP/err"
    fi
}
sigterm_run "run" $LIMIT "$BIN" run "$SPIN" --json "$TMP/t.json"
sigterm_run "check" $LIMIT "$BIN" check "$SPIN" --baseline "$TMP/base.json" --json "$TMP/t.json"
# a script: the run stops, the script ends with exit 5 and says where
printf 'run\necho after\n' >"$TMP/t.tss"
"$BIN" -x "$TMP/t.tss" "$SPIN" >"$TMP/t.out" 2>"$TMP/err" &
pid=$!
k=0
while [ $k -lt 600 ] && ! grep -q "(tinysim) run" "$TMP/t.out"; do sleep 0.1; k=$((k + 1)); done
kill -TERM $pid
wait $pid
rc=$?
[ "$rc" = 5 ] && grep -q "t.tss:1: stopped by SIGTERM" "$TMP/err" && ! grep -q "^after" "$TMP/t.out" &&
    ok || { bad "-x: SIGTERM: exit $rc, expected 5"; cat "$TMP/err"; }
# the REPL reading piped commands: the same
{ printf 'run\n'; sleep 5; } | "$BIN" repl "$SPIN" >"$TMP/t.out" 2>"$TMP/err" &
pid=$! # the last command of the pipeline: tinysim
k=0
while [ $k -lt 600 ] && ! grep -q "(tinysim) run" "$TMP/t.out"; do sleep 0.1; k=$((k + 1)); done
kill -TERM $pid
wait $pid
grep -q "<stdin>:1: stopped by SIGTERM (exit code 5)" "$TMP/err" && ok ||
    { bad "repl with piped commands: SIGTERM"; cat "$TMP/err"; }

# the TUI (in tmux, on a server of its own): SIGTERM at the prompt and during a run leaves
# as 'quit' does (the terminal restored) with exit code 5; the REPL on a terminal alike
# during a run
if command -v tmux >/dev/null 2>&1; then
    S=tinysim-out-$$
    tm() { tmux -L "$S" "$@"; }
    tm new-session -d -s keep "sleep 600"
    for when in prompt run repl; do
        rm -f "$TMP/tui.pid" "$TMP/tui.rc"
        cmd=tui
        [ $when = repl ] && cmd=repl
        tm new-session -d -s "$S" -x 100 -y 32 "sh -c 'echo \$\$ >$TMP/tui.pid; exec env \
TERM=xterm TINYSIM_HISTORY=$TMP/hist $BIN $cmd $SPIN' 2>$TMP/tui.err; echo \$? >$TMP/tui.rc; sleep 60"
        k=0
        while [ $k -lt 600 ] && ! tm capture-pane -t "$S" -p | grep -q "ready at reset"; do
            sleep 0.1; k=$((k + 1)); done
        if [ $when != prompt ]; then # the TUI's status line, or the REPL's console line
            tm send-keys -t "$S" "run" Enter
            k=0
            while [ $k -lt 600 ] && ! tm capture-pane -t "$S" -p | grep -q "running\|^spin: looping"; do
                sleep 0.1; k=$((k + 1)); done
        fi
        kill -TERM "$(cat "$TMP/tui.pid")"
        k=0
        while [ $k -lt 600 ] && [ ! -s "$TMP/tui.rc" ]; do sleep 0.1; k=$((k + 1)); done
        [ "$(cat "$TMP/tui.rc" 2>/dev/null)" = 5 ] && grep -q "stopped by SIGTERM" "$TMP/tui.err" && ok ||
            { bad "$cmd: SIGTERM ($when): exit '$(cat "$TMP/tui.rc" 2>/dev/null)', expected 5"; cat "$TMP/tui.err"; }
        tm kill-session -t "$S" 2>/dev/null
    done
    tm kill-server 2>/dev/null
else
    echo "SKIP: the TUI's SIGTERM (no tmux)"
fi

# ---- the console and stderr never share a line; ITM output is not a write(2) per store
if "${CROSS}gcc" -mcpu=cortex-m4 -mthumb -nostdlib -Wl,-Ttext=0x08000000 -o "$TMP/itm.elf" \
    "$HERE/out_itm.s" 2>"$TMP/cc.txt"; then
    ok
    "$BIN" run "$TMP/itm.elf" --board nucleo-l4r5zi >"$TMP/both" 2>&1
    rc=$?
    # a line that has tinysim's message after other text, or the console's text with more
    mixed=$( (grep '.tinysim: ' "$TMP/both"; grep -e 'ITM' -e 'part' "$TMP/both" |
        grep -v -e '^ITM output line$' -e '^part$') | wc -l)
    [ "$rc" = 0 ] && [ "$(grep -c '^tinysim: warning: read of private peripheral bus' "$TMP/both")" = 2 ] &&
        [ "$(grep -c '^ITM output line$' "$TMP/both")" = 65536 ] && [ "$mixed" = 0 ] && ok ||
        { bad "2>&1: exit $rc; $mixed lines mix the console with other output"; grep -n -v '^ITM output line$' "$TMP/both" | head -n 8; }
    "$BIN" run "$TMP/itm.elf" --board nucleo-l4r5zi --json - >"$TMP/j" 2>"$TMP/e"
    whole_report "$TMP/j" && [ "$(grep -c '^ITM output line$' "$TMP/e")" = 65536 ] &&
        [ "$(grep -c '^part$' "$TMP/e")" = 2 ] && ok || bad "--json -: the console belongs on stderr"
    if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null; then
        strace -f -c -e trace=write -o "$TMP/strace" "$BIN" run "$TMP/itm.elf" --board nucleo-l4r5zi \
            >"$TMP/itm.out" 2>/dev/null
        calls=$(awk '$NF == "write" { print $(NF-1) + 0 }' "$TMP/strace")
        bytes=$(wc -c <"$TMP/itm.out")
        # 1 MiB of console: stdio's buffering makes it a few dozen writes, not one per store
        [ -n "$calls" ] && [ "$calls" -lt 1000 ] && [ "$bytes" -gt 1048576 ] && ok ||
            bad "ITM console: ${calls:-?} write(2) calls for $bytes bytes (one per store?)"
    else
        echo "SKIP: write(2) count of the ITM console (no usable strace)"
    fi
else
    bad "cannot assemble tests/trust/out_itm.s with ${CROSS}gcc"; cat "$TMP/cc.txt"
fi

printf 'out: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
