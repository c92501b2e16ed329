/*
 * The command line: `tinysim COMMAND [options]`. One table of commands; each command parses
 * its own options and returns one of the documented exit codes.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes (README "Exit codes"); every command keeps them. */
enum {
    TS_EXIT_OK = 0,       /* success */
    TS_EXIT_VERDICT = 1,  /* the job ran but its verdict is negative */
    TS_EXIT_USAGE = 2,    /* usage error: unknown option, missing argument */
    TS_EXIT_INPUT = 3,    /* bad input file (model, ELF, input, profile) or unusable path */
    TS_EXIT_FAULT = 4,    /* firmware fault */
    TS_EXIT_BUDGET = 5    /* budget or timeout reached */
};

typedef struct {
    const char *name;
    const char *usage;  /* "convert MODEL.tflite -o MODEL.tsm" */
    const char *help;   /* one line */
    const char *detail; /* options, several lines */
    int (*exec)(int argc, char **argv);
} cli_command;

extern const cli_command cli_commands[];

/* Print "tinysim: <message>" to stderr (printf-style). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error for command c: message, the usage line, exit code 2. */
int cli_usage_error(const cli_command *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const cli_command *cli_find(const char *name);

/* Output ordering (tui/cli_util.c). The firmware's console over stdout or stderr (`to`; any
 * other stream is returned as it is): a stream that is not flushed per write and remembers
 * whether its line is open. cli_stderr_begin, before any message on stderr: flushes the
 * consoles and stdout, and ends an open console line when it shares a file with stderr, so
 * that a message never starts mid-line. cli_console_flush flushes the consoles only. */
#include <stdio.h>
FILE *cli_console(FILE *to);
void cli_console_flush(void);
void cli_stderr_begin(void);
/* stdout into a file or pipe gets a 64 KiB buffer and remembers the errno of its first failed
 * write, for the one check at exit (tui/main.c); 0 if none, or stdout is a terminal. */
void cli_stdout_init(void);
int cli_stdout_errno(void);

/* Signals (tui/cli_util.c; README "Exit codes"). cli_signals_init (main): SIGPIPE and SIGXFSZ
 * ignored (write errors instead), SIGINT, SIGTERM and SIGHUP (unless ignored at start)
 * handled: during a run (cli_signals_run(s) .. cli_signals_run(NULL)) the first stops s at
 * the next block, and a second SIGINT ends tinysim at once unless cli_signals_second_kills(0)
 * (the TUI); outside a run they are recorded while cli_signals_catch(1), else they remove the
 * output temporaries and end tinysim as the signal would. A signal recorded before
 * cli_signals_run(s) stops s at once. cli_signal_pending: the first signal recorded (0:
 * none) until cli_signal_clear. */
struct sim;
void cli_signals_init(void);
void cli_signals_catch(int on);
void cli_signals_second_kills(int on);
void cli_signals_run(struct sim *s);
int cli_signal_pending(void);
void cli_signal_clear(void);
const char *cli_signal_name(int sig);

/* run's options and the opened firmware, shared by run, check, repl and the TUI
 * (tui/cli_run.c). */
#include "profiler/budget.h"
#include "profiler/prof.h"
#include "sim/sim.h"
typedef struct {
    const char *path; /* FIRMWARE.elf */
    const char *board_arg, *model, *input, *json, *output, *csv;
    const char *gdb;  /* --gdb [HOST:]PORT (run only): serve a debugger (tui/gdbserver.h) */
    const char *folded; /* --folded FILE|-: collapsed call stacks (profiler/calls.h) */
    const char *trace;  /* --trace FILE|-: Chrome trace events (profiler/calls.h) */
    const char *html;   /* --html FILE|-: the HTML report (profiler/html.h) */
    double rate, battery_mah;
    uint32_t seed;
    int quiet;
    const char *probes[8];
    int n_probes;
    const char *layer_calls[8];
    int n_layer_calls;
    int64_t inference; /* --inference N: the inference the report keeps; -1: the last */
    uint32_t clock_hz; /* --clock: run the board at this clock (0: its own) */
    prof_budget budget; /* --max-ms, --max-uj, --max-ram, --max-flash, --max-stack */
    sim_config cfg;   /* budgets, semihost dir; callbacks left NULL get run's defaults */
} run_opts;
typedef struct {
    sim_elf *e;
    sim_board board;
    const char *board_from; /* "--board" or "ELF note" */
    prof *pf;
    sim *s;
} run_env;
int run_opts_parse(int argc, char **argv, const cli_command *cmd, run_opts *o);
int run_env_open(run_env *v, const run_opts *o, const cli_command *cmd);
void run_env_close(run_env *v);
void run_env_write_json(FILE *f, run_env *v, const sim_stop *st);
void run_env_print_summary(FILE *f, run_env *v, const sim_stop *st);
int run_exit_code(const sim_stop *st);
void run_env_print_energy(FILE *f, run_env *v, double rate, double battery_mah);
/* "10/s", "60/h" -> per second; "1000", "1000mAh" -> mAh. -1 when malformed. */
double run_parse_rate(const char *s);
double run_parse_mah(const char *s);

int cli_convert(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_infer(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_boards(int argc, char **argv);
int cli_sweep(int argc, char **argv);  /* tui/cli_sweep.c */
int cli_merge(int argc, char **argv);
int cli_repl(int argc, char **argv);   /* tui/repl.c */
int cli_tui(int argc, char **argv);    /* tui/screen.c */
int cli_script(int argc, char **argv); /* tinysim -x SCRIPT ... */

#endif /* CLI_H */
