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

/* A line is broken when it is empty, only punctuation and blanks (the ")" that 'help break'
 * once printed alone), or its parentheses do not balance. */
static void check_help_line(const char *what, const char *line, size_t len)
{
    int depth = 0, word = 0;
    for (size_t i = 0; i < len; i++) {
        depth += line[i] == '(' ? 1 : line[i] == ')' ? -1 : 0;
        if (depth < 0)
            break;
        word |= (line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z');
    }
    if (!word || depth != 0)
        fail_msg("%s: broken line '%.*s'", what, (int)len, line);
}

/* Every command's help ('help NAME', 'help ALIAS') is two whole lines: the usage line and its
 * description, with the alias in balanced parentheses; the list names every command. */
static void test_help_renders(void **state)
{
    (void)state;
    session ss = {0};
    for (const cmd_entry *e = session_commands; e->name; e++) {
        for (int by_alias = 0; by_alias < 1 + (e->alias != NULL); by_alias++) {
            char line[64], *text = NULL, want[128];
            size_t len = 0;
            FILE *out = open_memstream(&text, &len);
            snprintf(line, sizeof line, "help %s", by_alias ? e->alias : e->name);
            assert_int_equal(session_exec(&ss, line, out), CMD_OK);
            fclose(out);
            size_t lines = 0;
            for (const char *p = text; *p; lines++) {
                const char *nl = strchr(p, '\n');
                if (!nl)
                    fail_msg("'%s': output does not end with a newline: %s", line, text);
                check_help_line(line, p, (size_t)(nl - p));
                p = nl + 1;
            }
            if (lines != 2)
                fail_msg("'%s': %zu lines, expected 2 (usage, description): %s", line, lines,
                         text);
            snprintf(want, sizeof want, "usage: %s", e->name);
            assert_memory_equal(text, want, strlen(want));
            if (e->alias) {
                snprintf(want, sizeof want, " (alias: %s)\n", e->alias);
                assert_non_null(strstr(text, want));
            }
            free(text);
        }
        assert_null(strchr(e->help, '\n'));
        assert_null(strchr(e->usage, '\n'));
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(session_exec(&ss, "help", out), CMD_OK);
    fclose(out);
    for (const cmd_entry *e = session_commands; e->name; e++) {
        char want[64];
        snprintf(want, sizeof want, "\n  %-10s %s\n", e->name, e->help);
        assert_non_null(strstr(text, want));
    }
    free(text);
    session_close(&ss);
}

/* The command line's table: 'tinysim help COMMAND' for every command, 'help' included. */
static void test_cli_help_table(void **state)
{
    (void)state;
    for (const cli_command *c = cli_commands; c->name; c++) {
        assert_ptr_equal(cli_find(c->name), c);
        assert_non_null(c->exec);
        assert_null(strchr(c->help, '\n'));
        assert_true(c->detail[0] && c->detail[strlen(c->detail) - 1] == '\n');
        assert_int_equal(strncmp(c->usage, c->name, strlen(c->name)), 0);
    }
    const cli_command *h = cli_find("help");
    assert_non_null(h);
    assert_string_equal(h->name, "help");
    assert_string_equal(h->usage, "help [COMMAND]");
    assert_true(h->detail[0] && h->detail[strlen(h->detail) - 1] == '\n');
    assert_null(cli_find("nosuch"));
}

/* ===================================================================== closest names */

static void test_closest(void **state)
{
    (void)state;
    static const char *const ops[] = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
                                      "ADD", "MUL", "SOFTMAX", "MEAN", "MAX_POOL_2D"};
    size_t n = sizeof ops / sizeof ops[0];
    assert_string_equal(cmd_closest("conv", ops, n), "CONV_2D");        /* unique prefix */
    assert_string_equal(cmd_closest("CONV2D", ops, n), "CONV_2D");      /* one deletion */
    assert_string_equal(cmd_closest("softmx", ops, n), "SOFTMAX");
    assert_string_equal(cmd_closest("FULLY_CONECTED", ops, n), "FULLY_CONNECTED");
    assert_string_equal(cmd_closest("ful", ops, n), "FULLY_CONNECTED");
    assert_null(cmd_closest("NOTANOP", ops, n));
    assert_null(cmd_closest("M", ops, n)); /* a prefix of three: no unique one, all far */
    assert_null(cmd_closest("", ops, n));
    char longw[100];
    memset(longw, 'A', sizeof longw - 1);
    longw[sizeof longw - 1] = 0;
    assert_null(cmd_closest(longw, ops, n));
}

/* ===================================================================== script lines */

static FILE *mem_in(const char *data, size_t n)
{
    FILE *f = fmemopen((void *)data, n, "r");
    assert_non_null(f);
    return f;
}

static void test_read_line(void **state)
{
    (void)state;
    char buf[CMD_MAX_LINE];
    size_t nul;
    static const char text[] = "run\r\n\nbreak layer 3\nlast";
    FILE *f = mem_in(text, sizeof text - 1);
    assert_int_equal(cmd_read_line(f, buf, &nul), 3);
    assert_string_equal(buf, "run");
    assert_int_equal(cmd_read_line(f, buf, &nul), 0);
    assert_int_equal(cmd_read_line(f, buf, &nul), 13);
    assert_string_equal(buf, "break layer 3");
    assert_int_equal(cmd_read_line(f, buf, &nul), 4); /* no newline at the end */
    assert_string_equal(buf, "last");
    assert_int_equal(cmd_read_line(f, buf, &nul), CMD_LINE_EOF);
    fclose(f);

    /* a NUL byte: the line is read to its end and refused, the next one is fine */
    static const char nulled[] = "echo a\0b\necho c\n";
    f = mem_in(nulled, sizeof nulled - 1);
    assert_int_equal(cmd_read_line(f, buf, &nul), CMD_LINE_NUL);
    assert_int_equal(nul, 7);
    assert_int_equal(cmd_read_line(f, buf, &nul), 6);
    assert_string_equal(buf, "echo c");
    assert_int_equal(nul, 0);
    fclose(f);

    /* CMD_MAX_LINE - 1 bytes fit (also before "\r\n"); one more does not, and reading
     * stops there: no more than the buffer is ever read into memory */
    size_t big = 3 * CMD_MAX_LINE;
    char *data = malloc(big);
    assert_non_null(data);
    memset(data, 'a', big);
    data[CMD_MAX_LINE - 1] = '\r';
    data[CMD_MAX_LINE] = '\n';
    f = mem_in(data, big);
    assert_int_equal(cmd_read_line(f, buf, &nul), CMD_MAX_LINE - 1);
    assert_int_equal(strlen(buf), CMD_MAX_LINE - 1);
    assert_int_equal(cmd_read_line(f, buf, &nul), CMD_LINE_LONG);
    assert_int_equal(ftell(f), CMD_MAX_LINE + 1 + CMD_MAX_LINE); /* the limit, and one byte */
    fclose(f);
    /* /dev/zero's first line: NUL bytes, and too long */
    memset(data, 0, big);
    f = mem_in(data, big);
    assert_int_equal(cmd_read_line(f, buf, &nul), CMD_LINE_LONG);
    assert_int_equal(nul, 1);
    fclose(f);
    free(data);
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
        cmocka_unit_test(test_help_renders),
        cmocka_unit_test(test_cli_help_table),
        cmocka_unit_test(test_closest),
        cmocka_unit_test(test_read_line),
        cmocka_unit_test(test_random_lines),
    };
    return cmocka_run_group_tests_name("tui/cmd", tests, NULL, NULL);
}
