#!/bin/sh
# Issue 12, "bounded host resources" in sim/'s file-facing parts and "smaller ones": the
# semihosting replay journal, files under --semihost-dir that are not regular files, board
# profiles that declare too much memory, empty board notes and overlapping segments, and the
# REPL's history file, failed loads, breakpoints that can never fire, NUL bytes and endless
# lines in scripts, and the help texts. Each case failed on the code before its fix.
#
# usage: tests/trust/small.sh TINYSIM FIRMWARE_DIR     (from the top of the tree)
set -u
BIN=${1:?usage: small.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: small.sh TINYSIM FIRMWARE_DIR}
HERE=$(dirname "$0")
CC=${CC:-cc}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-small.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$HERE/../lib.sh"

L4=$FW/nucleo-l4r5zi
H=$L4/hello.elf
I=$L4/infer.elf
B=$L4/shbad.elf
for f in "$H" "$I" "$B"; do
    [ -f "$f" ] || { bad "$f missing: make firmware"; printf 'small: %d passed, %d failed\n' "$pass" "$fail"; exit 1; }
done
# A sanitizer build reserves terabytes of address space: no ulimit -v, no RSS figures there.
if grep -q "__asan_init" "$BIN" 2>/dev/null; then ASAN=1; else ASAN=0; fi
# $G KB COMMAND...: COMMAND with its address space bounded to KB KiB (so that a regression
# fails instead of taking the shared machine's memory); unbounded under a sanitizer
G=$TMP/guard
cat >"$G" <<EOG
#!/bin/sh
kb=\$1
shift
[ $ASAN = 1 ] || ulimit -v "\$kb" 2>/dev/null
exec "\$@"
EOG
chmod +x "$G"
# has PATTERN / lacks PATTERN: in the last command's output ($TMP/out)
has() { grep -q -- "$1" "$TMP/out" && ok || { bad "$2: output lacks '$1'"; sed 's/^/    /' "$TMP/out" | tail -n 8; }; }
lacks() { grep -q -- "$1" "$TMP/out" && { bad "$2: output has '$1'"; sed 's/^/    /' "$TMP/out" | tail -n 8; } || ok; }

# ===================================================================== semihosting journal
D=$TMP/shdir
mkdir -p "$D/sub"
echo "inside" >"$D/ok.txt"
head -c 20000 /dev/zero >"$D/big.bin"
flood() { expect 4 "$2" "journal: $1" -- feed "flood $1" "$BIN" run "$B" -q --timeout 60 --semihost-dir "$D"; }
# 1,100,000 calls: more than the 1,048,576 entries kept; the fault is then located to its block
flood "clock 1100000" "replay journal is full after 1048576 calls (it keeps at most 1048576 calls)"
has "start of the faulting block; exact instruction unknown" "journal: clock flood falls back to the block"
flood "write 1100000" "replay journal is full after 1048576 calls"
# 16 KiB SYS_READs: the 64 MiB of data are reached first
flood "read 5000 big.bin" "replay journal is full after [0-9]* calls (it keeps at most 64 MiB of the data"
# a short run keeps locating faults exactly, and says nothing about the journal
flood "clock 1000" "at  *0x[0-9a-f]* main+0x[0-9a-f]*: str"
lacks "replay journal" "journal: 1000 calls"
lacks "exact instruction unknown" "journal: 1000 calls"
# host memory: 4 M calls cost no more than the bounded journal (20 MiB of entries); it was
# 20 bytes per call (78 MB more for 4 M calls)
if [ "$ASAN" = 0 ] && [ -x /usr/bin/time ]; then
    rss() {
        printf 'flood clock %s\n' "$1" | $LIMIT /usr/bin/time -f '%M' -o "$TMP/rss" \
            "$BIN" run "$B" -q --timeout 60 >/dev/null 2>&1
        tail -n 1 "$TMP/rss"
    }
    r0=$(rss 1000)
    r1=$(rss 4000000)
    if [ -n "$r0" ] && [ -n "$r1" ] && [ $((r1 - r0)) -lt 40000 ]; then ok; else
        bad "journal: 4 M SYS_CLOCK calls took $r1 KB against $r0 KB for 1000 (more than 40 MB for the journal)"; fi
else
    echo "SKIP: journal memory figure (sanitizer build or no /usr/bin/time)"
fi

# ===================================================================== semihosting: not regular files
mkfifo "$D/fifo"
# sho CODE PATTERN LINE: the shbad line under a short bound (a blocked open used to hang until
# killed: --timeout could not stop it)
sho() {
    printf '%s\n' "$3" | timeout 20 "$BIN" run "$B" --timeout 5 --semihost-dir "$D" >"$TMP/out" 2>&1
    rc=$?
    if [ "$rc" -ne "$1" ]; then bad "semihosting: $3: exit $rc, expected $1"; sed 's/^/    /' "$TMP/out" | tail -n 5
    elif ! grep -q -- "$2" "$TMP/out"; then bad "semihosting: $3: output lacks '$2'"; sed 's/^/    /' "$TMP/out" | tail -n 5
    else ok; fi
}
sho 1 "SYS_OPEN of 'fifo' refused: 'fifo' is a FIFO (named pipe); only regular files" "open fifo"
sho 1 "SYS_OPEN of 'fifo' refused: 'fifo' is a FIFO" "openw fifo"
sho 1 "SYS_OPEN of 'sub' refused: 'sub' is a directory" "open sub"
sho 1 "SYS_OPEN of 'fifo/x' refused: 'fifo' is a FIFO" "open fifo/x"
sho 0 "opened 'ok.txt': inside" "open ok.txt"
sho 0 "opened 'new.txt' for writing" "openw new.txt"
[ -f "$D/new.txt" ] && ok || bad "semihosting: openw new.txt did not create the file"
if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/sock" 2>/dev/null; then
    sho 1 "SYS_OPEN of 'sock' refused: 'sock' is a socket" "open sock"
else
    echo "SKIP: semihosting: a socket inside --semihost-dir (no python3)"
fi
if [ "$(id -u)" = 0 ] && mknod "$D/null" c 1 3 2>/dev/null; then
    sho 1 "SYS_OPEN of 'null' refused: 'null' is a character device" "openw null"
else
    echo "SKIP: semihosting: a device inside --semihost-dir (not root)"
fi

# ===================================================================== board profiles
# 195 bytes declaring 2.2 GiB: sim_new allocated every region twice (7.1 GB for 3.5 GiB)
cat >"$TMP/huge.board" <<EOB
name = huge
core = m4f
clock_mhz = 80
region = f flash 0x00000000 448M
region = a ram 0x20000000 448M
region = b ram 0x40000000 448M
region = c ram 0x60000000 448M
region = d ram 0x80000000 448M
EOB
expect 3 "huge.board:4: region 'f' (458752 KiB) brings the board's memory to 458752 KiB, more than the 256 MiB" \
    "board: 2.2 GiB of regions" -- "$G" 2000000 "$BIN" run "$H" --board "$TMP/huge.board" -q --timeout 5
cat >"$TMP/full.board" <<EOB
name = full
core = m4f
clock_mhz = 120
region = flash flash 0x08000000 2M alias=0x00000000
region = sram ram 0x20000000 254M
EOB
expect 0 "exit  *status 0" "board: 256 MiB in all runs" -- "$BIN" run "$H" --board "$TMP/full.board" -q --timeout 20

# ===================================================================== ELF
cc_ok=1
$CC -std=c11 -O1 -o "$TMP/patch" "$HERE/../bad/patch.c" 2>"$TMP/cc.txt" || { cc_ok=0; bad "cannot build tests/bad/patch.c"; cat "$TMP/cc.txt"; }
CROSS=${CROSS:-arm-none-eabi-}
if "${CROSS}objcopy" --update-section .note.tinysim.board=/dev/null "$H" "$TMP/empty-note.elf" 2>/dev/null; then
    expect 3 "empty-note.elf: section .note.tinysim.board is empty (0 bytes)" "ELF: empty board note" -- \
        "$BIN" run "$TMP/empty-note.elf" -q --timeout 5
    expect 3 "section .note.tinysim.board is empty" "ELF: empty board note, with --board" -- \
        "$BIN" run "$TMP/empty-note.elf" -q --timeout 5 --board nucleo-l4r5zi
else
    bad "cannot empty .note.tinysim.board with ${CROSS}objcopy"
fi
if [ $cc_ok = 1 ]; then
    P=$TMP/patch
    # hello's PT_LOADs (program headers at 52 + 32 i: p_vaddr +8, p_paddr +12): 0 code,
    # 1 .data (run in RAM, loaded after the code), 2 the model slot (NOLOAD), 3 .bss and the rest
    c0=$("$P" get "$H" 60 4)
    cp "$H" "$TMP/ov-load.elf" && "$P" set "$TMP/ov-load.elf" 96 4 $((c0 + 0x1000))
    expect 3 "segments 0 and 1 overlap: segment 0: load and run address 0x08000000-0x[0-9a-f]*; segment 1: its load image at 0x08001000-0x08001063 (run address 0x20000000)" \
        "ELF: .data loaded inside the code" -- "$BIN" run "$TMP/ov-load.elf" -q --timeout 5
    cp "$H" "$TMP/ov-run.elf" && "$P" set "$TMP/ov-run.elf" 156 4 0x20000000 && "$P" set "$TMP/ov-run.elf" 160 4 0x20000000
    expect 3 "segments 1 and 3 overlap: segment 1: run address 0x20000000-0x20000063 (loaded from 0x[0-9a-f]*); segment 3: run address 0x20000000-" \
        "ELF: .bss over .data in RAM" -- "$BIN" run "$TMP/ov-run.elf" -q --timeout 5
    cp "$H" "$TMP/ov-slot.elf" && "$P" set "$TMP/ov-slot.elf" 124 4 $((c0 + 0x1000)) && "$P" set "$TMP/ov-slot.elf" 128 4 $((c0 + 0x1000))
    expect 3 "segments 0 and 2 overlap: .*segment 2: run address 0x08001000-" \
        "ELF: the model slot over the code" -- "$BIN" run "$TMP/ov-slot.elf" -q --timeout 5
fi

# ===================================================================== REPL and scripts
# mkscript NAME LINES...: a script file
mkscript() {
    f=$TMP/$1
    shift
    : >"$f"
    for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
}
# a failed load keeps the firmware, its state and its breakpoints
mkscript load.tss "break layer 2" "load $TMP/nosuch.elf" "info break" "run"
expect 2 "load .*nosuch.elf failed; .*infer.elf stays loaded, with its state and breakpoints" \
    "repl: a failed load" -- "$BIN" -x "$TMP/load.tss" --keep-going "$I" -q
has "paused at layer 2/13 ([A-Z_0-9]*) (breakpoint 1 (layer 2))" "repl: the breakpoint fires after a failed load"
lacks "no firmware loaded" "repl: a failed load"
mkscript load2.tss "load $TMP/nosuch.elf"
expect 2 "load .*nosuch.elf failed: no firmware is loaded" "repl: a failed load with none loaded" -- \
    "$BIN" -x "$TMP/load2.tss"
# breakpoints that can never fire
mkscript op.tss "break op NOTANOP"
expect 2 "break op: no op 'NOTANOP'; the ops are: CONV_2D DEPTHWISE_CONV_2D" "repl: break op NOTANOP" -- \
    "$BIN" -x "$TMP/op.tss" "$I" -q
mkscript op2.tss "break op softmx"
expect 2 "no op 'softmx' (did you mean SOFTMAX?)" "repl: break op with a typo" -- "$BIN" -x "$TMP/op2.tss" "$I" -q
mkscript op3.tss "break op softmax" "break layer 40" "run" "break layer 40"
expect 2 "the model has 13 layers (0..12): layer 40 never runs" "repl: break layer 40 once the model is known" -- \
    "$BIN" -x "$TMP/op3.tss" "$I" -q
has "breakpoint 2: layer 40 (the model is not known until an inference begins" "repl: break layer 40 before the model is known"
has "warning: breakpoint 2 (layer 40) never fires: the model has 13 layers (0..12)" "repl: break layer 40 at the inference"
has "breakpoint 1 (op softmax)" "repl: break op softmax fires"
mkscript op4.tss "run" "break op LOGISTIC"
expect 2 "break op: the model has no LOGISTIC layer" "repl: break op of a layer the model lacks" -- \
    "$BIN" -x "$TMP/op4.tss" "$I" -q
# NUL bytes and endless lines
printf 'echo one\necho a\000b\necho three\n' >"$TMP/nul.tss"
expect 2 "nul.tss:2: a NUL byte at column 7: refused" "script: a NUL byte" -- "$BIN" -x "$TMP/nul.tss"
lacks "three" "script: a NUL byte stops the script"
expect 2 "nul.tss:2: a NUL byte at column 7: refused .*going on" "script: a NUL byte, --keep-going" -- \
    "$BIN" -x "$TMP/nul.tss" --keep-going
has "^three" "script: --keep-going after a NUL byte"
expect 2 "/dev/zero:1: line longer than 4095 bytes and with NUL bytes" "script: /dev/zero" -- \
    "$G" 1000000 "$BIN" -x /dev/zero
head -c 100000 /dev/zero | tr '\000' 'a' >"$TMP/long.tss"
expect 2 "long.tss:1: line longer than 4095 bytes; the script stops here" "script: a 100000-byte line" -- \
    "$BIN" -x "$TMP/long.tss" --keep-going
# help
expect 0 "usage: tinysim help \[COMMAND\]" "help: tinysim help help" -- "$BIN" help help
mkscript help.tss "help break" "help b" "help help"
expect 0 "^set a breakpoint (alias: b)$" "help: help break" -- "$BIN" -x "$TMP/help.tss"
if grep -q '^)$' "$TMP/out"; then bad "help: a line with ')' alone"; else ok; fi
has "^list the commands, or describe one (alias: h)$" "help: help help"

# the history file: never through a symbolic link, never a mode changed (needs a terminal:
# script(1) from util-linux)
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    # repl_tty HISTFILE: the REPL on a pseudo-terminal, two commands
    repl_tty() {
        printf 'echo from-the-test\nquit\n' | TINYSIM_HISTORY=$1 timeout 30 \
            script -qec "'$BIN' repl '$H' -q" /dev/null >"$TMP/out" 2>&1
    }
    echo "precious" >"$TMP/target"
    chmod 644 "$TMP/target"
    ln -s "$TMP/target" "$TMP/hist-link"
    repl_tty "$TMP/hist-link"
    has "history file .*hist-link is a symbolic link, which tinysim does not follow there" "history: a symbolic link"
    [ "$(cat "$TMP/target")" = precious ] && ok || bad "history: the link's target was written"
    [ "$(stat -c %a "$TMP/target")" = 644 ] && ok || bad "history: the link's target is now mode $(stat -c %a "$TMP/target")"
    [ -L "$TMP/hist-link" ] && ok || bad "history: the link was replaced"
    printf 'old line\n' >"$TMP/hist-644"
    chmod 644 "$TMP/hist-644"
    repl_tty "$TMP/hist-644"
    [ "$(stat -c %a "$TMP/hist-644")" = 644 ] && ok || bad "history: an existing file is now mode $(stat -c %a "$TMP/hist-644")"
    grep -q "^old line$" "$TMP/hist-644" && grep -q "^echo from-the-test$" "$TMP/hist-644" && ok ||
        bad "history: the existing file lacks its old line or the new one"
    repl_tty "$TMP/hist-new"
    [ "$(stat -c %a "$TMP/hist-new" 2>/dev/null)" = 600 ] && ok || bad "history: a new file is not mode 600"
    grep -q "^echo from-the-test$" "$TMP/hist-new" && ok || bad "history: the new file lacks the line"
    mkfifo "$TMP/hist-fifo"
    repl_tty "$TMP/hist-fifo"
    has "history file .*hist-fifo is not a regular file" "history: a FIFO"
else
    echo "SKIP: history file cases (no script(1) to give the REPL a terminal)"
fi

printf 'small: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
