#!/bin/sh
# The GDB server (tui/gdbserver.c) with Debian's gdb-multiarch in batch mode:
# - `run --gdb`: gdb connects to the firmware held at the reset vector, breaks at a function
#   (software and hardware breakpoints), steps by line and by instruction, reads a variable,
#   registers (FP ones on the M4F, none on the M0+) and memory, sets a write watchpoint,
#   reaches tinysim's command language through `monitor` (a layer breakpoint stops gdb's
#   continue; run-like monitor commands are refused), continues to the exit;
# - a run stopped and resumed from gdb reports exactly what an uninterrupted run reports;
# - Ctrl-C (0x03) interrupts a running firmware, kill stops the run (exit 5), spoken in the
#   protocol itself (python3), since gdb's batch mode does not wait for an interrupt;
# - the REPL's `gdb PORT`: gdb detaches, the session is paused where gdb left it;
# - bad addresses and options are refused with exit 2, a port in use with exit 3.
# Skips with a message when gdb-multiarch is not installed (scripts/install-deps.sh has it).
#
# usage: tests/sim/gdb.sh TINYSIM FIRMWARE_DIR
set -u
BIN=${1:?usage: gdb.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: gdb.sh TINYSIM FIRMWARE_DIR}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-gdb.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"
L4=$FW/nucleo-l4r5zi
G0=$FW/nucleo-g0b1re
FIG='"wall_s"\|"distinct_blocks"\|"model_loads"'

# bad input first: these need no debugger
expect 2 "is not \[HOST:\]PORT" "--gdb wants [HOST:]PORT" -- "$BIN" run "$L4/infer.elf" --gdb nonsense
expect 2 "is not \[HOST:\]PORT" "--gdb: a port beyond 65535" -- "$BIN" run "$L4/infer.elf" --gdb 70000
expect 2 "'gdb \[HOST:\]PORT' serves a debugger" "--gdb is run's" -- \
    "$BIN" repl "$L4/infer.elf" --gdb 3333

if ! command -v gdb-multiarch >/dev/null 2>&1; then
    echo "SKIP: gdb-multiarch not found (scripts/install-deps.sh installs it): the GDB server is not tested"
    printf 'gdb: %d passed, %d failed\n' "$pass" "$fail"
    [ "$fail" -eq 0 ]
    exit
fi

# wait_port LOG: the port tinysim says it listens on (waits for the line, at most 60 s)
wait_port() {
    i=0
    while [ $i -lt 600 ]; do
        p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$1" 2>/dev/null | head -n 1)
        [ -n "$p" ] && { echo "$p"; return 0; }
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# gdb_batch ELF PORT COMMANDS...: gdb-multiarch -batch on ELF connected to PORT, one -ex each
gdb_batch() {
    elf=$1 port=$2
    shift 2
    set -- -ex "set print frame-arguments none" -ex "file $elf" \
        -ex "target remote 127.0.0.1:$port" "$@"
    timeout 120 gdb-multiarch -q -batch -nx "$@" >"$TMP/gdb.out" 2>&1
}
has() { grep -q -- "$1" "$TMP/gdb.out" && ok || { bad "$2"; sed 's/^/    /' "$TMP/gdb.out" | tail -n 12; }; }

# ---- run --gdb on the M4F: the whole tour, then the figures of a plain run
"$BIN" run "$L4/infer.elf" -q --json "$TMP/plain.json" >/dev/null 2>&1
"$BIN" run "$L4/infer.elf" --gdb 0 -q --json "$TMP/gdb.json" >"$TMP/run.out" 2>"$TMP/run.log" &
tpid=$!
if port=$(wait_port "$TMP/run.log"); then
    ok
    gdb_batch "$L4/infer.elf" "$port" \
        -ex "info registers pc" \
        -ex "break nn_invoke" -ex "continue" -ex "next" -ex "print m->hdr->n_layers" \
        -ex "monitor break layer 4" -ex "continue" -ex "monitor info layer 4" \
        -ex "monitor continue" \
        -ex "watch *(int *)&tinysim_arena" -ex "continue" -ex "delete" \
        -ex "hbreak nn_fc_s8" -ex "continue" -ex "info registers d0" -ex "stepi" \
        -ex "x/2xw \$sp" -ex "delete" -ex "continue"
    has "Reset_Handler" "gdb: the firmware waits at the reset vector"
    has "^pc  *0x[0-9a-f]* *0x[0-9a-f]* <Reset_Handler>" "gdb: info registers pc"
    has "^Breakpoint 1, nn_invoke" "gdb: a breakpoint at a function"
    has "^\$1 = 13$" "gdb: print a variable after next (the model's 13 layers)"
    has "tinysim: paused at layer 4/13 (CONV_2D)" "gdb: monitor break layer 4 stops gdb's continue"
    has "^layer 4: CONV_2D" "gdb: monitor info layer 4"
    has "error: 'monitor continue': use gdb's own commands" "gdb: run-like monitor commands are refused"
    has "^Hardware watchpoint 2: \*(int \*)&tinysim_arena" "gdb: a write watchpoint"
    has "^New value = " "gdb: the watchpoint fires"
    has "^Hardware assisted breakpoint 3 at " "gdb: a hardware breakpoint is set"
    has "^Breakpoint 3, nn_fc_s8" "gdb: the hardware breakpoint stops"
    has "^d0  *.*(raw 0x[0-9a-f]\{16\})" "gdb: the M4F's FP registers"
    has "^0x[0-9a-f]*:	0x[0-9a-f]*	0x[0-9a-f]*$" "gdb: x/2xw \$sp reads memory"
    has "exited normally" "gdb: continue to the exit"
    wait $tpid
    rc=$?
    [ "$rc" -eq 0 ] && ok || bad "run --gdb: exit $rc, expected 0"
    grep -v "$FIG" "$TMP/plain.json" >"$TMP/plain.fig"
    grep -v "$FIG" "$TMP/gdb.json" | cmp -s - "$TMP/plain.fig" && ok ||
        bad "run --gdb: a run stopped and resumed from gdb reports other figures than a plain run"
else
    bad "run --gdb: tinysim did not say where it listens"; cat "$TMP/run.log"
fi

# ---- the M0+: no FP registers in its target description; figures again
"$BIN" run "$G0/infer.elf" -q --json "$TMP/plain0.json" >/dev/null 2>&1
"$BIN" run "$G0/infer.elf" --gdb 0 -q --json "$TMP/gdb0.json" >/dev/null 2>"$TMP/run0.log" &
tpid=$!
if port=$(wait_port "$TMP/run0.log"); then
    gdb_batch "$G0/infer.elf" "$port" -ex "info registers d0" -ex "break nn_run_layer" \
        -ex "continue" -ex "step" -ex "bt 2" -ex "delete" -ex "continue"
    has "Invalid register .d0'" "gdb: no FP registers on the M0+"
    has "^Breakpoint 1, nn_run_layer" "gdb: a breakpoint on the M0+"
    has "exited normally" "gdb: continue to the exit on the M0+"
    wait $tpid
    grep -v "$FIG" "$TMP/plain0.json" >"$TMP/plain0.fig"
    grep -v "$FIG" "$TMP/gdb0.json" | cmp -s - "$TMP/plain0.fig" && ok ||
        bad "run --gdb on the M0+: the figures differ from a plain run's"
else
    bad "run --gdb on the M0+: tinysim did not say where it listens"; cat "$TMP/run0.log"
fi

# ---- Ctrl-C and kill, in the protocol itself, on a firmware that never ends
cat >"$TMP/rsp.py" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
buf = b""
def recv_packet():
    global buf
    while True:
        i = buf.find(b"$")
        j = buf.find(b"#", i + 1) if i >= 0 else -1
        if j >= 0 and len(buf) >= j + 3:
            p, buf = buf[i + 1:j], buf[j + 3:]
            s.sendall(b"+")
            return p.decode()
        d = s.recv(4096)
        if not d:
            return "(closed)"
        buf += d
def send(p):
    s.sendall(("$%s#%02x" % (p, sum(p.encode()) & 0xff)).encode())
    while True:  # the acknowledgement
        c = s.recv(1)
        if c in (b"+", b""):
            return
for q in ("?", "c"):
    send(q)
    if q == "c":
        time.sleep(0.3)
        s.sendall(b"\x03")
    print(q, recv_packet())
send("qXfer:features:read:target.xml:0,fff")
print("xml", recv_packet())
send("k")
PY
"$BIN" run "$G0/spin.elf" --gdb 127.0.0.1:0 -q >"$TMP/spin.out" 2>"$TMP/spin.log" &
tpid=$!
if port=$(wait_port "$TMP/spin.log"); then
    timeout 60 python3 "$TMP/rsp.py" "$port" >"$TMP/gdb.out" 2>&1
    has "^? T05" "rsp: stopped at the reset vector before gdb continues"
    has "^c T02" "rsp: Ctrl-C (0x03) interrupts the running firmware (SIGINT)"
    has "org.gnu.gdb.arm.m-profile" "rsp: the target description names the M-profile core"
    grep -q "org.gnu.gdb.arm.vfp" "$TMP/gdb.out" && bad "rsp: FP registers described for the M0+" || ok
    wait $tpid
    rc=$?
    [ "$rc" -eq 5 ] && ok || bad "rsp: kill: exit $rc, expected 5"
    grep -q "killed by the debugger before the firmware finished (exit code 5)" "$TMP/spin.log" &&
        ok || bad "rsp: kill is said"
else
    bad "spin --gdb: tinysim did not say where it listens"; cat "$TMP/spin.log"
fi

# ---- the REPL's gdb command: detach, and the session goes on from where gdb left it
printf 'gdb 0\nstatus\ncontinue\n' >"$TMP/g.tss"
"$BIN" -x "$TMP/g.tss" "$L4/infer.elf" -q >"$TMP/repl.out" 2>&1 &
tpid=$!
if port=$(wait_port "$TMP/repl.out"); then
    gdb_batch "$L4/infer.elf" "$port" -ex "break nn_invoke" -ex "continue" -ex "detach"
    has "Inferior 1 (Remote target) detached" "repl gdb: gdb detaches"
    wait $tpid
    rc=$?
    [ "$rc" -eq 0 ] && ok || bad "repl gdb: exit $rc, expected 0"
    grep -q "^tinysim: gdb detached$" "$TMP/repl.out" && ok || bad "repl gdb: the detach is said"
    grep -q "^paused (breakpoint 1 (gdb break 0x[0-9a-f]*)), " "$TMP/repl.out" && ok ||
        bad "repl gdb: the session is paused where gdb left it"
    grep -q "^exited with status 0, " "$TMP/repl.out" && ok || bad "repl gdb: continue runs on"
else
    bad "repl gdb: tinysim did not say where it listens"; cat "$TMP/repl.out"
fi

# ---- a port in use: exit 3, saying what to do
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$TMP/busy" &
bpid=$!
i=0
while [ ! -s "$TMP/busy" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
busy=$(cat "$TMP/busy")
expect 3 "cannot listen on 127.0.0.1:$busy: .*give another, or 0 for a free one" \
    "--gdb on a port in use" -- "$BIN" run "$L4/infer.elf" --gdb "$busy" -q
kill $bpid 2>/dev/null

printf 'gdb: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
