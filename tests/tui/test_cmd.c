/*
 * Tests for tui/cmd.c (the command language's words and names) and the argument errors of
 * the session's commands (tui/session.c) that need no firmware: every command's usage line
 * on a wrong argument count, the "no firmware" refusal, and a random-input loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testlib.h"
#include "../../tui/cmd.h"
#include "../../tui/session.h"

/* ===================================================================== splitting */

static int split(const char *text, char **argv, char *buf, char *err)
{
    strcpy(buf, text);
    return cmd_split(buf, argv, CMD_MAX_ARGS, err, 256);
}

static void test_split_words(void **state)
{
    (void)state;
    char buf[CMD_MAX_LINE], err[256], *argv[CMD_MAX_ARGS];
    assert_int_equal(split("  break   layer\t3  ", argv, buf, err), 3);
    assert_string_equal(argv[0], "break");
    assert_string_equal(argv[1], "layer");
    assert_string_equal(argv[2], "3");
    assert_int_equal(split("", argv, buf, err), 0);
    assert_int_equal(split("   \t ", argv, buf, err), 0);
    assert_int_equal(split("# a comment", argv, buf, err), 0);
    assert_int_equal(split("run # and a comment", argv, buf, err), 1);
    assert_string_equal(argv[0], "run");
    /* '#' inside a word is not a comment */
    assert_int_equal(split("x a#b", argv, buf, err), 2);
    assert_string_equal(argv[1], "a#b");
}

static void test_split_quotes(void **state)
{
    (void)state;
    char buf[CMD_MAX_LINE], err[256], *argv[CMD_MAX_ARGS];
    assert_int_equal(split("export json \"my report.json\"", argv, buf, err), 3);
    assert_string_equal(argv[2], "my report.json");
    assert_int_equal(split("load 'a b' c", argv, buf, err), 3);
    assert_string_equal(argv[1], "a b");
    assert_int_equal(split("x \"q\\\"uote\" 'back\\slash'", argv, buf, err), 3);
    assert_string_equal(argv[1], "q\"uote");
    assert_string_equal(argv[2], "back\\slash"); /* no escapes in single quotes */
    assert_int_equal(split("a\\ b", argv, buf, err), 1);
    assert_string_equal(argv[0], "a b");
    assert_int_equal(split("ab\"c d\"ef", argv, buf, err), 1); /* quotes join a word */
    assert_string_equal(argv[0], "abc def");
    assert_int_equal(split("\"\"", argv, buf, err), 1); /* an empty word */
    assert_string_equal(argv[0], "");
}

static void test_split_errors(void **state)
{
    (void)state;
    char buf[CMD_MAX_LINE], err[256], *argv[CMD_MAX_ARGS];
    assert_int_equal(split("export json \"unterminated", argv, buf, err), -1);
    assert_non_null(strstr(err, "unbalanced \" quote"));
    assert_non_null(strstr(err, "column 13"));
    assert_int_equal(split("load 'x", argv, buf, err), -1);
    assert_non_null(strstr(err, "unbalanced ' quote"));
    char many[CMD_MAX_LINE] = "";
    for (int i = 0; i < CMD_MAX_ARGS + 1; i++)
        strcat(many, "w ");
    assert_int_equal(split(many, argv, buf, err), -1);
    assert_non_null(strstr(err, "too many words"));
    char *longline = malloc(CMD_MAX_LINE + 10);
    memset(longline, 'a', CMD_MAX_LINE + 9);
    longline[CMD_MAX_LINE + 9] = 0;
    char *big = malloc(CMD_MAX_LINE + 10);
    strcpy(big, longline);
    assert_int_equal(cmd_split(big, argv, CMD_MAX_ARGS, err, sizeof err), -1);
    assert_non_null(strstr(err, "too long"));
    free(longline);
    free(big);
}

/* ===================================================================== names */

static int calls;
static char last_args[256];
static int record(void *ctx, int argc, char **argv, FILE *out)
{
    (void)ctx, (void)out;
    calls++;
    last_args[0] = 0;
    for (int i = 0; i < argc; i++) {
        strcat(last_args, argv[i]);
        strcat(last_args, "|");
    }
    return CMD_OK;
}

static const cmd_entry table[] = {
    {"step", "s", 0, 0, "", "one layer", record},
    {"status", NULL, 0, 0, "", "where", record},
    {"stepi", NULL, 0, 1, "[N]", "instructions", record},
    {"break", "b", 2, 2, "layer N | op NAME", "a breakpoint", record},
    {"quit", "q", 0, 0, "", "leave", record},
    {NULL, NULL, 0, 0, NULL, NULL, NULL},
};

static void test_lookup(void **state)
{
    (void)state;
    char err[256];
    assert_string_equal(cmd_lookup(table, "step", err, sizeof err)->name, "step");
    assert_string_equal(cmd_lookup(table, "s", err, sizeof err)->name, "step"); /* alias first */
    assert_string_equal(cmd_lookup(table, "b", err, sizeof err)->name, "break");
    assert_string_equal(cmd_lookup(table, "bre", err, sizeof err)->name, "break");
    assert_string_equal(cmd_lookup(table, "stat", err, sizeof err)->name, "status");
    assert_string_equal(cmd_lookup(table, "stepi", err, sizeof err)->name, "stepi");
    assert_null(cmd_lookup(table, "st", err, sizeof err));
    assert_non_null(strstr(err, "'st' is ambiguous: step status stepi"));
    assert_null(cmd_lookup(table, "frobnicate", err, sizeof err));
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    assert_null(cmd_lookup(table, "", err, sizeof err));
}

static void test_exec(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    calls = 0;
    assert_int_equal(cmd_exec(table, NULL, "bre layer 3", out, out), CMD_OK);
    assert_int_equal(calls, 1);
    assert_string_equal(last_args, "break|layer|3|"); /* argv[0] is the full name */
    assert_int_equal(cmd_exec(table, NULL, "   ", out, out), CMD_OK);
    assert_int_equal(calls, 1);
    /* a wrong argument count prints the usage line and does not call the handler */
    assert_int_equal(cmd_exec(table, NULL, "break layer", out, out), CMD_ERROR);
    assert_int_equal(cmd_exec(table, NULL, "step 3", out, out), CMD_ERROR);
    assert_int_equal(cmd_exec(table, NULL, "st", out, out), CMD_ERROR);
    assert_int_equal(cmd_exec(table, NULL, "break 'layer", out, out), CMD_ERROR);
    assert_int_equal(calls, 1);
    fflush(out);
    assert_non_null(strstr(text, "usage: break layer N | op NAME"));
    assert_non_null(strstr(text, "error: step takes no arguments"));
    assert_non_null(strstr(text, "is ambiguous"));
    assert_non_null(strstr(text, "unbalanced"));
    fclose(out);
    free(text);
}

static void test_complete(void **state)
{
    (void)state;
    int st = 0;
    assert_string_equal(cmd_complete(table, "st", &st), "step");
    assert_string_equal(cmd_complete(table, "st", &st), "status");
    assert_string_equal(cmd_complete(table, "st", &st), "stepi");
    assert_null(cmd_complete(table, "st", &st));
    st = 0;
    assert_null(cmd_complete(table, "z", &st));
}

/* ===================================================================== the session's table */

/* Every command with too many arguments (and those that need some, with none) prints its
 * usage; without a firmware, the commands that need one say so. */
static void test_session_argument_errors(void **state)
{
    (void)state;
    session ss = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    for (const cmd_entry *e = session_commands; e->name; e++) {
        char line[512];
        if (e->max_args >= 0) {
            snprintf(line, sizeof line, "%s", e->name);
            for (int i = 0; i <= e->max_args; i++)
                strcat(line, " x");
            rewind(out);
            assert_int_equal(session_exec(&ss, line, out), CMD_ERROR);
            fflush(out);
            char usage[256];
            snprintf(usage, sizeof usage, "usage: %s", e->name);
            if (!strstr(text, usage))
                fail_msg("'%s' did not print its usage line: %s", line, text);
        }
        if (e->min_args > 0) {
            rewind(out);
            assert_int_equal(session_exec(&ss, e->name, out), CMD_ERROR);
            fflush(out);
            assert_non_null(strstr(text, "usage:"));
        }
    }
    static const char *const need[] = {"run", "continue", "step", "next", "finish", "reset",
                                       "break layer 3", "info layers", "x 0x20000000",
                                       "disas", "profile", "functions", "energy",
                                       "set clock 48MHz", "export json /dev/null", "board x"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        rewind(out);
        memset(text, 0, len);
        assert_int_equal(session_exec(&ss, need[i], out), CMD_ERROR);
        fflush(out);
        if (!strstr(text, "no firmware loaded"))
            fail_msg("'%s' without a firmware: %s", need[i], text);
    }
    rewind(out);
    assert_int_equal(session_exec(&ss, "help", out), CMD_OK);
    assert_int_equal(session_exec(&ss, "help break", out), CMD_OK);
    assert_int_equal(session_exec(&ss, "q", out), CMD_QUIT);
    assert_int_equal(session_exec(&ss, "load /nonexistent.elf", out), CMD_ERROR);
    fclose(out);
    free(text);
    session_close(&ss);
}

/* Random lines never crash the parser or the session without a firmware. */
static void test_random_lines(void **state)
{
    (void)state;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789 \t\"'\\#-+.x";
    session ss = {0};
    FILE *out = fopen("/dev/null", "w");
    uint32_t seed = 12345;
    int errors = 0;
    for (int it = 0; it < 20000; it++) {
        char line[64];
        int n = (int)(ts_xorshift32(&seed) % (sizeof line - 1));
        for (int i = 0; i < n; i++)
            line[i] = alphabet[ts_xorshift32(&seed) % (sizeof alphabet - 1)];
        line[n] = 0;
        if (strncmp(line, "l", 1) == 0 || strncmp(line, "q", 1) == 0)
            continue; /* load would read files; quit is fine but uninteresting */
        int r = session_exec(&ss, line, out);
        assert_true(r == CMD_OK || r == CMD_ERROR || r == CMD_QUIT);
        errors += r == CMD_ERROR;
    }
    assert_true(errors > 1000);
    fclose(out);
    session_close(&ss);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_words),
        cmocka_unit_test(test_split_quotes),
        cmocka_unit_test(test_split_errors),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_session_argument_errors),
        cmocka_unit_test(test_random_lines),
    };
    return cmocka_run_group_tests_name("tui/cmd", tests, NULL, NULL);
}
