/*
 * What the two halves of the interactive commands share: session.c (state, loading,
 * running and stepping, breakpoints, the command table) and inspect.c (the commands that
 * look at a paused or finished run: info, x, disas, tensor, compare, profile, functions,
 * energy, export).
 */
#ifndef TUI_SESSION_INT_H
#define TUI_SESSION_INT_H

#include <stdint.h>
#include <stdio.h>

#include "tui/session.h"

/* "error: ..." on out; returns CMD_ERROR. */
int session_err(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number (decimal or 0x hex) up to max: 0, or -1. */
int session_parse_num(const char *s, uint64_t max, uint64_t *v);
/* CMD_ERROR (said) when no firmware is loaded, else CMD_OK. */
int session_need_firmware(session *ss, FILE *out);
/* ADDR or SYMBOL[+OFFSET] into *addr: 0, or -1 (said). */
int session_parse_addr(session *ss, const char *s, uint32_t *addr, FILE *out);

/* inspect.c: the commands (cmd.h's handler signature). */
int inspect_info(void *ctx, int argc, char **argv, FILE *out);
int inspect_x(void *ctx, int argc, char **argv, FILE *out);
int inspect_disas(void *ctx, int argc, char **argv, FILE *out);
int inspect_tensor(void *ctx, int argc, char **argv, FILE *out);
int inspect_compare(void *ctx, int argc, char **argv, FILE *out);
int inspect_profile(void *ctx, int argc, char **argv, FILE *out);
int inspect_functions(void *ctx, int argc, char **argv, FILE *out);
int inspect_energy(void *ctx, int argc, char **argv, FILE *out);
int inspect_export(void *ctx, int argc, char **argv, FILE *out);

/* gdb.c: gdb's habits: print, x/NFU, backtrace. */
int gdb_print(void *ctx, int argc, char **argv, FILE *out);
int gdb_bt(void *ctx, int argc, char **argv, FILE *out);
int gdb_x(session *ss, const char *fmt, const char *where, FILE *out);
/* r0-r12, sp, lr, pc, xpsr: the registers' names, in the order of sim_regs (and gdb's). */
extern const char *const session_reg_names[17];
/* "flags nZCvq  GE 0000  exception 0": xPSR's flags, GE bits and exception number. */
const char *session_xpsr_text(uint32_t xpsr, char *buf, size_t n);

/* expect.c: assertions for scripts. */
int session_expect(void *ctx, int argc, char **argv, FILE *out);
/* The same words as a condition (break ... if WHAT OP VALUE): 0 with *holds, and said ("ok:
 * cycles 9,956,639 < 10M" or the error) when n; -1 when the words are not an expectation. */
int session_condition(session *ss, int argc, char **argv, int *holds, char *said, size_t n);

#endif /* TUI_SESSION_INT_H */
