/*
 * A GDB remote serial protocol server over a session (tui/gdbserver.c): `tinysim run
 * --gdb [HOST:]PORT` and the REPL's and TUI's `gdb [HOST:]PORT`. gdb (gdb-multiarch, or
 * arm-none-eabi-gdb) connects with `target remote HOST:PORT` and drives the firmware: core,
 * xPSR and FP registers, memory, breakpoints (software and hardware: both are the
 * simulator's, no instruction is written), write watchpoints, stepping, continue, Ctrl-C, a
 * target description of the board's core, and `monitor` commands in tinysim's command
 * language. The session's own breakpoints (layers, ops) stop the firmware for gdb too.
 */
#ifndef TUI_GDBSERVER_H
#define TUI_GDBSERVER_H

#include <stdio.h>

#include "tui/session.h"

/*
 * Listen on spec ("PORT" or "HOST:PORT"; HOST defaults to 127.0.0.1, the loopback; PORT 0
 * picks a free port), say where on log ("gdb server listening on 127.0.0.1:3333 ..."), wait
 * for one debugger and serve it. The firmware stays where the session is (at the reset
 * vector for a fresh one) until gdb continues or steps. Returns when gdb detaches, kills the
 * program or goes away, or the firmware has exited or faulted and gdb has been told; with
 * to_end (run --gdb), a firmware still running then runs on to its end without gdb's
 * breakpoints (after a detach or a disconnect; not after gdb's kill). 0; 1 when gdb killed
 * the program (the run stops where it is); -1 with *cause (the address cannot be used).
 */
int gdbserver_serve(session *ss, const char *spec, int to_end, FILE *log, char **cause);

/* Check a spec without opening anything: 0, or -1 with a message in err. */
int gdbserver_spec_ok(const char *spec, char *err, size_t n);

#endif /* TUI_GDBSERVER_H */
