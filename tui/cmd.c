/*
 * The command language's words and names (see cmd.h).
 */
#include <stdarg.h>
#include <string.h>

#include "tui/cmd.h"

static int fail(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

int cmd_split(char *line, char **argv, int max, char *err, size_t errsize)
{
    int n = 0;
    char *r = line, *w = line;
    if (strlen(line) >= CMD_MAX_LINE)
        return fail(err, errsize, "line too long (at most %d bytes)", CMD_MAX_LINE - 1);
    for (;;) {
        while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
            r++;
        if (*r == 0 || *r == '#')
            break;
        if (n == max)
            return fail(err, errsize, "too many words (at most %d)", max);
        argv[n++] = w;
        char quote = 0;
        int col = (int)(r - line) + 1;
        for (;;) {
            char c = *r;
            if (c == 0) {
                if (quote)
                    return fail(err, errsize, "unbalanced %c quote (opened at column %d)",
                                quote, col);
                break;
            }
            r++;
            if (quote) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && *r) {
                    *w++ = *r++;
                } else {
                    *w++ = c;
                }
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                break;
            if (c == '"' || c == '\'') {
                quote = c;
                col = (int)(r - line);
            } else if (c == '\\' && *r) {
                *w++ = *r++;
            } else {
                *w++ = c;
            }
        }
        *w++ = 0; /* w never passes r: the word's end is at or before where r stopped */
    }
    return n;
}

const cmd_entry *cmd_lookup(const cmd_entry *table, const char *word, char *err, size_t errsize)
{
    const cmd_entry *found = NULL;
    size_t len = strlen(word), matches = 0;
    for (const cmd_entry *e = table; e->name; e++)
        if (strcmp(e->name, word) == 0 || (e->alias && strcmp(e->alias, word) == 0))
            return e;
    if (len == 0) {
        fail(err, errsize, "empty command name");
        return NULL;
    }
    for (const cmd_entry *e = table; e->name; e++)
        if (strncmp(e->name, word, len) == 0) {
            found = e;
            matches++;
        }
    if (matches == 1)
        return found;
    if (matches == 0) {
        fail(err, errsize, "unknown command '%.64s' ('help' lists the commands)", word);
        return NULL;
    }
    size_t w = (size_t)snprintf(err, errsize, "'%.64s' is ambiguous:", word);
    for (const cmd_entry *e = table; e->name && w < errsize; e++)
        if (strncmp(e->name, word, len) == 0)
            w += (size_t)snprintf(err + w, errsize - w, " %s", e->name);
    return NULL;
}

void cmd_print_usage(FILE *f, const cmd_entry *e)
{
    fprintf(f, "usage: %s%s%s\n", e->name, e->usage[0] ? " " : "", e->usage);
}

int cmd_exec(const cmd_entry *table, void *ctx, const char *line, FILE *out, FILE *err_out)
{
    char buf[CMD_MAX_LINE], err[512];
    char *argv[CMD_MAX_ARGS + 1];
    size_t len = strlen(line);
    if (len >= sizeof buf) {
        fprintf(err_out, "error: line too long (at most %d bytes)\n", CMD_MAX_LINE - 1);
        return CMD_ERROR;
    }
    memcpy(buf, line, len + 1);
    int argc = cmd_split(buf, argv, CMD_MAX_ARGS, err, sizeof err);
    if (argc < 0) {
        fprintf(err_out, "error: %s\n", err);
        return CMD_ERROR;
    }
    if (argc == 0)
        return CMD_OK;
    argv[argc] = NULL;
    const cmd_entry *e = cmd_lookup(table, argv[0], err, sizeof err);
    if (!e) {
        fprintf(err_out, "error: %s\n", err);
        return CMD_ERROR;
    }
    int nargs = argc - 1;
    if (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args)) {
        fprintf(err_out, "error: %s takes %s\n", e->name,
                e->max_args == 0 ? "no arguments"
                : nargs < e->min_args ? "more arguments"
                                      : "fewer arguments");
        cmd_print_usage(err_out, e);
        return CMD_ERROR;
    }
    argv[0] = (char *)e->name;
    return e->fn(ctx, argc, argv, out);
}

const char *cmd_complete(const cmd_entry *table, const char *prefix, int *state)
{
    size_t len = strlen(prefix);
    for (const cmd_entry *e = table + *state; e->name; e++) {
        (*state)++;
        if (strncmp(e->name, prefix, len) == 0)
            return e->name;
    }
    return NULL;
}
