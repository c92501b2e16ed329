/*
 * tinysim's entry point: help and dispatch (the command table is in tui/cli_table.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
    fprintf(f, "\nexit codes: 0 success, 1 negative verdict, 2 usage error, 3 bad input file,\n"
               "            4 firmware fault, 5 budget or timeout reached\n");
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

int main(int argc, char **argv)
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
