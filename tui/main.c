/*
 * tinysim's entry point: help and dispatch (the command table is in tui/cli_table.c), the
 * standard streams and signals set up for every command, and the one check of standard
 * output at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define TINYSIM_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f, "usage: tinysim COMMAND [options]\n\n"
               "tinysim simulates and profiles TinyML deployments on Arm Cortex-M.\n\n"
               "commands:\n");
    for (const cli_command *c = cli_commands; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->help);
    fprintf(f, "  %-9s %s\n", "help", "show help for a command: tinysim help COMMAND");
    fprintf(f, "\nexit codes: 0 success, 1 negative verdict, 2 usage error, 3 bad input file or an\n"
               "            output that cannot be written, 4 firmware fault, 5 budget, timeout or\n"
               "            signal (SIGINT, SIGTERM, SIGHUP) stopped the run\n");
}

static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return TS_EXIT_OK;
    }
    const cli_command *c = cli_find(argv[1]);
    if (c == NULL) {
        cli_error("no command '%s' (try 'tinysim help')", argv[1]);
        return TS_EXIT_USAGE;
    }
    printf("usage: tinysim %s\n\n%s\n\n%s", c->usage, c->help, c->detail);
    return TS_EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return help(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("tinysim %s\n", TINYSIM_VERSION);
        return TS_EXIT_OK;
    }
    const cli_command *c = cli_find(cmd);
    if (c == NULL) {
        cli_error("unknown command '%s' (try 'tinysim help')", cmd);
        return TS_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            char *hv[] = {(char *)"help", (char *)c->name, NULL};
            return help(2, hv);
        }
    }
    return c->exec(argc - 1, argv + 1);
}

/*
 * A standard stream that is closed at start gets /dev/null opened read-only in its place, so
 * that no file tinysim opens later takes its number (a report would receive the console),
 * and writes to it fail (reported at exit) rather than vanish.
 */
static void hold_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", O_RDONLY);
            if (n >= 0 && n != fd) { /* a lower one was closed too: taken in an earlier turn */
                dup2(n, fd);
                close(n);
            }
        }
    }
}

/*
 * The one check of standard output (README "Exit codes"): everything printed must have been
 * written. A write error (a full disk, /dev/full, a closed pipe: SIGPIPE is ignored, so it
 * is EPIPE here) is reported once, naming the stream, and makes the exit code 3 when it was
 * 0; a command that already failed keeps its own code.
 */
static int finish(int rc)
{
    cli_console_flush();
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = cli_stdout_errno() ? cli_stdout_errno() : errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (close(STDOUT_FILENO) != 0 && errno != EBADF && !bad) { /* NFS reports late */
        bad = 1;
        e = errno;
    }
    if (bad) {
        fprintf(stderr, "tinysim: standard output: %s%s\n", e ? strerror(e) : "write error",
                e == EPIPE ? " (the reader closed the pipe before the end of the output)" : "");
        if (rc == TS_EXIT_OK)
            rc = TS_EXIT_INPUT;
    }
    return rc;
}

int main(int argc, char **argv)
{
    hold_std_fds();
    cli_signals_init();
    cli_stdout_init();
    return finish(dispatch(argc, argv));
}
