/*
 * An interactive session: one firmware on one board, run, paused and inspected layer by
 * layer by the commands of tui/session.c's table (the REPL, scripts, piped stdin and the TUI
 * all use it). Layer stepping listens to the inference core's probes: a layer breakpoint or a
 * step pauses the simulator (sim_pause) right after the probe, so a pause "at layer k" is
 * before layer k's kernel runs, and a pause "after layer k" is right after its end probe.
 */
#ifndef TUI_SESSION_H
#define TUI_SESSION_H

#include <stdio.h>

#include "tui/cli.h"
#include "tui/cmd.h"

#define SESSION_MAX_BREAKS 32

typedef enum { SB_LAYER, SB_OP, SB_SYMBOL, SB_ADDRESS, SB_WATCH } session_break_kind;

typedef struct {
    session_break_kind kind;
    uint32_t layer;       /* SB_LAYER */
    char op[24];          /* SB_OP */
    uint32_t addr;        /* SB_SYMBOL, SB_ADDRESS, SB_WATCH */
    uint32_t len;         /* SB_WATCH: bytes watched (1..8) */
    char text[256];       /* as the user wrote it, for "info break" */
    char cond[128];       /* "cycles > 1M": break only when it holds ("" always) */
    uint64_t hits;
    int warned;           /* said once that it cannot fire on the model (session.c) */
} session_break;

typedef enum {
    SS_NONE,     /* no firmware loaded */
    SS_READY,    /* loaded and reset, not started */
    SS_PAUSED,   /* stopped where it can continue: breakpoint, step, Ctrl-C, budget */
    SS_EXITED,   /* the firmware exited */
    SS_FAULTED,  /* the firmware faulted, or cannot continue */
} session_state;

typedef struct session {
    run_opts o;
    char *argv_copy[40]; /* the strings o points into (owned) */
    int argc_copy;
    run_env v;
    session_state state;
    sim_stop st;          /* the last stop */
    /* where the inference is, from the probes */
    int in_layer;         /* 1 between a layer's begin and end probes */
    uint32_t layer;       /* that layer, or the last one that began */
    int layer_done;       /* 1: the pause is right after layer's end probe */
    int want;             /* what the current run waits for (session.c) */
    uint64_t stepi_n;     /* instructions for stepi */
    char why[160];        /* why it paused ("breakpoint 1: layer 3") */
    session_break brk[SESSION_MAX_BREAKS];
    uint32_t n_brk;
    FILE *out;            /* command output */
    FILE *console;        /* the firmware's console (NULL: out); the TUI gives its own pane */
    /* called about once a second during a run (NULL: none): the TUI's progress */
    void (*progress)(void *ud, const sim_stats *st);
    void *progress_ud;
    /* Tensors as the target produced them (read at the end of the layer that wrote them, and
     * the model inputs at the first layer that reads them): for 'tensor' and 'compare',
     * since the arena is reused by later layers. At most SESSION_MAX_CAPTURE bytes. */
    uint8_t **cap;
    uint32_t n_cap;
    size_t cap_bytes;
    uint64_t cap_id;      /* the inference they belong to (prof_inference_id) */
    /* expect (tui/expect.c): an expectation failed since the script's last look (the script
     * stops with exit 1); an expectation looked at how the run stopped (a fault or budget
     * stop then does not decide the script's exit code) */
    int expect_failed;
    int stop_expected;
    uint32_t until_addr;  /* 'until': where this run stops (0: nowhere) */
    /* the tensor view: columns it may use (0: 80), the heat map's channel and zoom (0, 1:
     * fit the pane), kept from 'tensor ... --channel C --zoom Z' */
    int width, tensor_channel, tensor_zoom;
    int for_run;          /* opened by 'run --gdb' (session_open_run): run's console */
} session;

#define SESSION_MAX_CAPTURE (64u << 20)

extern const cmd_entry session_commands[];

/* Open FIRMWARE with run's options (argv as for 'tinysim repl': FIRMWARE.elf [options]).
 * Returns an exit code; TS_EXIT_OK leaves the session ready. */
int session_load(session *ss, int argc, char **argv);
void session_close(session *ss);
/* 'tinysim run --gdb': a session over run's parsed options (o's strings must outlive it),
 * with run's console and progress; TS_EXIT_OK leaves it ready. The caller writes run's
 * reports from ss->v and ss->st, then session_release (which leaves ss->v to the caller to
 * close). */
int session_open_run(session *ss, const run_opts *o);
void session_release(session *ss);

/* For a debugger (tui/gdbserver.c). session_resume: continue (stepi 0) or run stepi
 * instructions, as 'continue' and 'stepi' do (the session's breakpoints apply; the status
 * line goes to out); the stop is then in ss->st and ss->state. session_debug_break: add or
 * remove (add 0) a breakpoint at addr (SB_ADDRESS) or a watch of len bytes (SB_WATCH) in the
 * session's list, marked "gdb ..." ('info break' shows them): 0, or -1 (full, unmapped, not
 * found). session_debug_forget: remove every such one (the debugger detached). */
int session_resume(session *ss, uint64_t stepi, FILE *out);
int session_debug_break(session *ss, session_break_kind kind, uint32_t addr, uint32_t len,
                        int add);
void session_debug_forget(session *ss);

/* One line of the command language. CMD_OK, CMD_ERROR or CMD_QUIT. */
int session_exec(session *ss, const char *line, FILE *out);
/* The rows the user sees: the running (else the last) inference's layers, or the probed
 * calls when those are the layers (--probe without an inference, --layer-calls). */
const prof_layer *session_layers(const session *ss, uint32_t *n);
/* 1 when Enter on an empty line repeats this line, as gdb repeats them: step, next, stepi. */
int session_repeatable(const char *line);

/* A layer's output (output 1) or input `which` for a person (mode 0), as hex (1), or only
 * its statistics (2). */
void session_print_tensor(session *ss, uint32_t layer, int output, uint32_t which, int mode,
                          FILE *out);

/* "paused at layer 3/13 (DEPTHWISE_CONV_2D), 12,345,678 cycles" for a status line. */
void session_status(const session *ss, char *buf, size_t n);

/* tui/repl.c: readline's completion (commands, kinds, ops, symbols) and history file for a
 * session, shared by the REPL and the TUI. */
void repl_readline_begin(session *ss);
void repl_history_add(const char *line);
void repl_readline_end(void);

/* A layer's details (shapes, quantization, figures, mix, top functions) for a person. */
void session_print_layer(session *ss, uint32_t layer, FILE *out);

#endif /* TUI_SESSION_H */
