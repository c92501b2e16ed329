/*
 * The REPL without a screen (`tinysim repl FIRMWARE.elf [run options]`), batch scripts
 * (`tinysim -x SCRIPT [--keep-going] [FIRMWARE.elf [run options]]`) and piped stdin: the same
 * command table (tui/session.c). On a terminal the REPL uses GNU readline: line editing,
 * history kept in ~/.tinysim_history (or $TINYSIM_HISTORY; at most HISTORY_MAX lines; never
 * through a symbolic link), and
 * completion of command names, breakpoint kinds, op names, layer numbers (after "break
 * layer", "info layer" and "tensor") and the ELF's function symbols.
 * Without a terminal it reads commands line by line as a script does.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "tui/cli.h"
#include "tui/session.h"

#define HISTORY_MAX 1000

/*
 * Run the lines of f. Each command is echoed after a "(tinysim) " prompt, so the output reads
 * as a transcript. The first failing command stops the script with "NAME:LINE: ..." on
 * stderr and exit code 2, unless keep_going (then the exit code is 2 at the end if any
 * failed). "quit" ends it early. Lines are read CMD_MAX_LINE bytes at most (cmd_read_line):
 * a line with a NUL byte fails as a command does; a longer line stops the script even with
 * keep_going (the input may be one endless line: /dev/zero, a binary file).
 */
/* A script's line failed (what: the message, formatted with the line): said on stderr; 1
 * when the script stops there, 0 with --keep-going. */
static int line_failed(const char *name, unsigned lineno, const char *what, const char *line,
                       int keep_going) __attribute__((format(printf, 3, 0)));
static int line_failed(const char *name, unsigned lineno, const char *what, const char *line,
                       int keep_going)
{
    cli_stderr_begin();
    fprintf(stderr, "tinysim: %s:%u: ", name, lineno);
    fprintf(stderr, what, line);
    fprintf(stderr, "%s\n", keep_going ? "; going on (--keep-going)" : "");
    return !keep_going;
}

static int run_lines(session *ss, FILE *f, const char *name, int keep_going)
{
    char line[CMD_MAX_LINE];
    long len;
    size_t nul;
    unsigned lineno = 0, failed = 0, expect_failed = 0;
    int rc = TS_EXIT_OK;
    while ((len = cmd_read_line(f, line, &nul)) != CMD_LINE_EOF) {
        lineno++;
        if (len == CMD_LINE_LONG) {
            fprintf(stderr, "tinysim: %s:%u: line longer than %d bytes%s; the script stops "
                            "here (a script is text, one command per line)\n",
                    name, lineno, CMD_MAX_LINE - 1,
                    nul ? " and with NUL bytes (is it a binary file?)" : "");
            failed++;
            rc = TS_EXIT_USAGE;
            break;
        }
        if (len == CMD_LINE_NUL) {
            failed++;
            fprintf(stderr, "tinysim: %s:%u: a NUL byte at column %zu: refused (a script is "
                            "text, one command per line)%s\n",
                    name, lineno, nul, keep_going ? "; going on (--keep-going)" : "");
            if (!keep_going) {
                rc = TS_EXIT_USAGE;
                break;
            }
            continue;
        }
        const char *p = line + strspn(line, " \t");
        if (*p == 0 || *p == '#')
            continue;
        printf("(tinysim) %s\n", p);
        fflush(stdout);
        int r = session_exec(ss, p, stdout);
        fflush(stdout);
        int sig = cli_signal_pending();
        if (sig) { /* during the command's run (which it stopped) or between commands */
            cli_error("%s:%u: stopped by %s (exit code %d)", name, lineno, cli_signal_name(sig),
                      TS_EXIT_BUDGET);
            rc = TS_EXIT_BUDGET;
            break;
        }
        if (ferror(stdout)) { /* nobody reads the transcript: stop (reported at exit) */
            rc = TS_EXIT_INPUT;
            break;
        }
        if (ss->expect_failed) {
            ss->expect_failed = 0;
            expect_failed++;
            if (line_failed(name, lineno, "expectation failed: %.80s", p, keep_going)) {
                rc = TS_EXIT_VERDICT;
                break;
            }
        }
        if (r == CMD_QUIT)
            break;
        if (r == CMD_ERROR) {
            failed++;
            if (line_failed(name, lineno, "'%.80s' failed", p, keep_going)) {
                rc = TS_EXIT_USAGE;
                break;
            }
        }
    }
    if (failed && keep_going && rc == TS_EXIT_OK)
        rc = TS_EXIT_USAGE;
    if (expect_failed && rc == TS_EXIT_OK)
        rc = TS_EXIT_VERDICT;
    /* The firmware's verdict, unless an expectation looked at how it stopped: a fault is 4, a
     * budget or timeout 5, as for run. */
    if (rc == TS_EXIT_OK && !ss->stop_expected) {
        if (ss->state == SS_FAULTED)
            rc = ss->st.reason == SIM_STOP_HANG ? TS_EXIT_BUDGET : TS_EXIT_FAULT;
        else if (ss->state == SS_PAUSED &&
                 (ss->st.reason == SIM_STOP_CYCLES || ss->st.reason == SIM_STOP_INSNS ||
                  ss->st.reason == SIM_STOP_TIMEOUT))
            rc = TS_EXIT_BUDGET;
        if (rc != TS_EXIT_OK)
            fprintf(stderr, "tinysim: %s: the firmware %s (exit code %d; 'expect stop == %s' in "
                            "the script makes that expected)\n", name,
                    rc == TS_EXIT_FAULT ? "faulted" : "did not finish", rc,
                    rc == TS_EXIT_FAULT ? "fault" : "budget");
    }
    return rc;
}

/* ===================================================================== readline */

static session *completing;

static char *complete_word(const char *text, int state)
{
    static int idx, phase;
    static const char *const kinds[] = {"layer", "op", "symbol", "address", "layers", "break",
                                        "regs", "memory", "board", "clock", "budget", "json",
                                        "csv", "markdown", NULL};
    static const char *const ops[] = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
                                      "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "MUL", "SOFTMAX",
                                      "LOGISTIC", "RESHAPE", "PAD", "CONCATENATION", "MEAN",
                                      "QUANTIZE", "DEQUANTIZE", NULL};
    size_t len = strlen(text);
    if (!state)
        idx = phase = 0;
    /* layer numbers after "break layer", "info layer" and "tensor" */
    if (phase == 0 && completing && completing->state != SS_NONE &&
        (strncmp(rl_line_buffer, "b", 1) == 0 || strncmp(rl_line_buffer, "i", 1) == 0 ||
         strncmp(rl_line_buffer, "te", 2) == 0) &&
        (strstr(rl_line_buffer, "layer ") || strncmp(rl_line_buffer, "te", 2) == 0) &&
        strspn(text, "0123456789") == len) {
        uint32_t n;
        if (prof_current(completing->v.pf, &n) || prof_layers(completing->v.pf, &n)) {
            while ((uint32_t)idx < n) {
                char num[16];
                snprintf(num, sizeof num, "%d", idx++);
                if (strncmp(num, text, len) == 0)
                    return strdup(num);
            }
            return NULL;
        }
    }
    for (; phase < 3; phase++, idx = 0) {
        if (phase == 0) {
            while (kinds[idx])
                if (strncmp(kinds[idx++], text, len) == 0)
                    return strdup(kinds[idx - 1]);
        } else if (phase == 1) {
            while (ops[idx])
                if (strncasecmp(ops[idx++], text, len) == 0)
                    return strdup(ops[idx - 1]);
        } else if (completing && completing->state != SS_NONE) {
            const sim_elf *e = completing->v.e;
            while ((uint32_t)idx < e->n_syms) {
                const sim_symbol *sym = &e->syms[idx++];
                if (sym->is_func && len && strncmp(sym->name, text, len) == 0)
                    return strdup(sym->name);
            }
        }
    }
    return NULL;
}

static char *complete_command(const char *text, int state)
{
    static int st;
    if (!state)
        st = 0;
    const char *name = cmd_complete(session_commands, text, &st);
    return name ? strdup(name) : NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1;
    int first = 1;
    for (int i = 0; i < start; i++)
        if (rl_line_buffer[i] != ' ' && rl_line_buffer[i] != '\t')
            first = 0;
    return rl_completion_matches(text, first ? complete_command : complete_word);
}

static char *history_path(void)
{
    const char *env = getenv("TINYSIM_HISTORY"), *home = getenv("HOME");
    if (env && *env)
        return strdup(env);
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.tinysim_history", home);
    return p;
}

/*
 * The history file. readline's own read_history/write_history follow a symbolic link and
 * replace its target with a new 0600 file; tinysim reads and writes the file itself instead:
 * never through a link (O_NOFOLLOW), only a regular file (O_NONBLOCK, fstat: a FIFO there
 * cannot block), lines read CMD_MAX_LINE bytes at most, and it never changes a file's mode:
 * it creates the file (0600, O_EXCL) only when there was none at the start.
 */
enum { HIST_OFF, HIST_EXISTING, HIST_NEW };
static char *hist_file;
static int hist_state;

/* Open hist_file for reading (O_NOFOLLOW, regular files only) and add its lines to the
 * history; or say in one line on out why there is no history this session. */
static void hist_read(FILE *out)
{
    const char *why = NULL;
    struct stat st;
    int fd = open(hist_file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        hist_state = HIST_NEW;
        return;
    }
    if (fd < 0)
        why = errno == ELOOP ? "is a symbolic link, which tinysim does not follow there"
                             : strerror(errno);
    else if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "is not a regular file";
    FILE *f = why ? NULL : fdopen(fd, "r");
    if (!why && !f)
        why = strerror(errno);
    if (why) {
        if (fd >= 0)
            close(fd);
        fprintf(out, "tinysim: warning: history file %s %s: no history is read or saved "
                     "(set TINYSIM_HISTORY to another path)\n", hist_file, why);
        fflush(out);
        hist_state = HIST_OFF;
        return;
    }
    char line[CMD_MAX_LINE];
    long len;
    while ((len = cmd_read_line(f, line, NULL)) != CMD_LINE_EOF) {
        if (len == CMD_LINE_LONG) { /* a regular file: its end is near, skip the rest */
            int c;
            while ((c = getc(f)) != EOF && c != '\n')
                ;
        }
        if (len > 0)
            add_history(line);
    }
    fclose(f);
    hist_state = HIST_EXISTING;
}

/* Write the history (at most HISTORY_MAX lines) back: into the regular file that was there
 * (truncated, its mode kept), or into a new 0600 file. Failures are quiet: a history that
 * cannot be saved is not worth an error at exit. */
static void hist_write(void)
{
    int fd;
    struct stat st;
    if (hist_state == HIST_NEW)
        fd = open(hist_file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    else if (hist_state == HIST_EXISTING)
        fd = open(hist_file, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    else
        return;
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || ftruncate(fd, 0) != 0) {
        close(fd);
        return;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return;
    }
    HIST_ENTRY **list = history_list();
    for (int i = 0; list && list[i]; i++)
        if (!strchr(list[i]->line, '\n'))
            fprintf(f, "%s\n", list[i]->line);
    fclose(f);
}

/* Readline's completion and history for a session (the REPL and the TUI). A warning about
 * the history file goes to the session's output (the TUI's pane), else stderr. */
void repl_readline_begin(session *ss)
{
    completing = ss;
    rl_readline_name = "tinysim";
    rl_attempted_completion_function = complete;
    stifle_history(HISTORY_MAX);
    hist_state = HIST_OFF;
    hist_file = history_path();
    if (hist_file)
        hist_read(ss && ss->out ? ss->out : stderr);
}

void repl_history_add(const char *line)
{
    const char *p = line + strspn(line, " \t");
    if (!*p)
        return;
    HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
    if (!last || strcmp(last->line, p) != 0)
        add_history(p);
}

void repl_readline_end(void)
{
    if (hist_file)
        hist_write();
    free(hist_file);
    hist_file = NULL;
    completing = NULL;
}

static int interactive(session *ss)
{
    int rc = TS_EXIT_OK;
    repl_readline_begin(ss);
    printf("tinysim: 'help' lists the commands, 'quit' leaves\n");
    for (;;) {
        char status[256], prompt[300];
        session_status(ss, status, sizeof status);
        snprintf(prompt, sizeof prompt, "[%s]\n(tinysim) ", status);
        char *line = readline(prompt);
        if (!line) { /* Ctrl-D */
            putchar('\n');
            break;
        }
        const char *p = line + strspn(line, " \t");
        static char last[CMD_MAX_LINE]; /* Enter on an empty line repeats step/next/stepi */
        if (!*p && last[0]) {
            p = last;
        } else {
            repl_history_add(line);
            if (session_repeatable(p))
                snprintf(last, sizeof last, "%s", p);
            else if (*p)
                last[0] = 0;
        }
        char cmdline[CMD_MAX_LINE];
        snprintf(cmdline, sizeof cmdline, "%s", p);
        free(line);
        int r = session_exec(ss, cmdline, stdout);
        fflush(stdout);
        int sig = cli_signal_pending();
        cli_signal_clear();
        if (sig == SIGTERM || sig == SIGHUP) { /* SIGINT only paused the run */
            cli_error("stopped by %s (exit code %d)", cli_signal_name(sig), TS_EXIT_BUDGET);
            rc = TS_EXIT_BUDGET;
            break;
        }
        if (ferror(stdout)) { /* reported at exit (tui/main.c) */
            rc = TS_EXIT_INPUT;
            break;
        }
        if (r == CMD_QUIT)
            break;
    }
    repl_readline_end();
    return rc;
}

/* ===================================================================== entry points */

int cli_repl(int argc, char **argv)
{
    const cli_command *cmd = cli_find("repl");
    session ss = {0};
    if (argc < 2)
        return cli_usage_error(cmd, "which firmware? give FIRMWARE.elf (and run options)");
    ss.console = cli_console(stdout); /* a message on stderr never lands mid-line */
    int rc = session_load(&ss, argc - 1, argv + 1);
    if (rc != TS_EXIT_OK) {
        session_close(&ss);
        return rc;
    }
    if (isatty(STDIN_FILENO)) {
        rc = interactive(&ss);
    } else {
        cli_signals_catch(1); /* a signal ends the script after its command */
        rc = run_lines(&ss, stdin, "<stdin>", 0);
        cli_signals_catch(0);
    }
    session_close(&ss);
    return rc;
}

int cli_script(int argc, char **argv)
{
    const cli_command *cmd = cli_find("-x");
    session ss = {0};
    int keep_going = 0, i = 1;
    if (argc < 2)
        return cli_usage_error(cmd, "which script? give -x SCRIPT");
    const char *script = argv[i++];
    if (i < argc && strcmp(argv[i], "--keep-going") == 0) {
        keep_going = 1;
        i++;
    }
    FILE *f = strcmp(script, "-") == 0 ? stdin : fopen(script, "r");
    if (!f) {
        cli_error("cannot open script %s: %s", script, strerror(errno));
        return TS_EXIT_INPUT;
    }
    struct stat st;
    if (f != stdin && (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode))) {
        cli_error("cannot open script %s: it is a directory", script);
        fclose(f);
        return TS_EXIT_INPUT;
    }
    int rc = TS_EXIT_OK;
    ss.console = cli_console(stdout); /* a message on stderr never lands mid-line */
    if (i < argc)
        rc = session_load(&ss, argc - i, argv + i);
    cli_signals_catch(1); /* a signal ends the script after its command (exit 5) */
    if (rc == TS_EXIT_OK)
        rc = run_lines(&ss, f, script, keep_going);
    cli_signals_catch(0);
    if (f != stdin)
        fclose(f);
    session_close(&ss);
    return rc;
}
