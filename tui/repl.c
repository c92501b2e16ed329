/*
 * The REPL without a screen (`tinysim repl FIRMWARE.elf [run options]`), batch scripts
 * (`tinysim -x SCRIPT [--keep-going] [FIRMWARE.elf [run options]]`) and piped stdin: the same
 * command table (tui/session.c). On a terminal the REPL uses GNU readline: line editing,
 * history kept in ~/.tinysim_history (or $TINYSIM_HISTORY; at most HISTORY_MAX lines), and
 * completion of command names, breakpoint kinds, op names, layer numbers (after "break
 * layer", "info layer" and "tensor") and the ELF's function symbols.
 * Without a terminal it reads commands line by line as a script does.
 */
#include <errno.h>
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
 * failed). "quit" ends it early.
 */
static int run_lines(session *ss, FILE *f, const char *name, int keep_going)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0, failed = 0;
    int rc = TS_EXIT_OK;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        const char *p = line + strspn(line, " \t");
        if (*p == 0 || *p == '#')
            continue;
        printf("(tinysim) %s\n", p);
        fflush(stdout);
        int r = session_exec(ss, p, stdout);
        fflush(stdout);
        if (r == CMD_QUIT)
            break;
        if (r == CMD_ERROR) {
            failed++;
            fprintf(stderr, "tinysim: %s:%u: '%.80s' failed%s\n", name, lineno, p,
                    keep_going ? "; going on (--keep-going)" : "");
            if (!keep_going) {
                rc = TS_EXIT_USAGE;
                break;
            }
        }
    }
    free(line);
    if (failed && keep_going)
        rc = TS_EXIT_USAGE;
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

/* Readline's completion and history for a session (the REPL and the TUI). */
static char *hist_file;
void repl_readline_begin(session *ss)
{
    completing = ss;
    rl_readline_name = "tinysim";
    rl_attempted_completion_function = complete;
    stifle_history(HISTORY_MAX);
    hist_file = history_path();
    if (hist_file)
        read_history(hist_file);
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
    if (hist_file) {
        write_history(hist_file); /* a history that cannot be saved is not worth an error */
        history_truncate_file(hist_file, HISTORY_MAX);
    }
    free(hist_file);
    hist_file = NULL;
    completing = NULL;
}

static int interactive(session *ss)
{
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
        repl_history_add(line);
        int r = session_exec(ss, line + strspn(line, " \t"), stdout);
        free(line);
        if (r == CMD_QUIT)
            break;
    }
    repl_readline_end();
    return TS_EXIT_OK;
}

/* ===================================================================== entry points */

int cli_repl(int argc, char **argv)
{
    const cli_command *cmd = cli_find("repl");
    session ss = {0};
    if (argc < 2)
        return cli_usage_error(cmd, "which firmware? give FIRMWARE.elf (and run options)");
    int rc = session_load(&ss, argc - 1, argv + 1);
    if (rc != TS_EXIT_OK) {
        session_close(&ss);
        return rc;
    }
    if (isatty(STDIN_FILENO))
        rc = interactive(&ss);
    else
        rc = run_lines(&ss, stdin, "<stdin>", 0);
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
    if (i < argc)
        rc = session_load(&ss, argc - i, argv + i);
    if (rc == TS_EXIT_OK)
        rc = run_lines(&ss, f, script, keep_going);
    if (f != stdin)
        fclose(f);
    session_close(&ss);
    return rc;
}
