/*
 * The command language's words and names, and the bounded reading of script lines (see
 * cmd.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

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

/* Edit distance (insertions, deletions, substitutions, adjacent swaps) of a and b, both
 * shorter than 32 characters (longer words are no typo of a command): 99 otherwise. */
static unsigned edits(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    unsigned d[33][33];
    if (n > 31 || m > 31)
        return 99;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            unsigned c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
                c = d[i - 2][j - 2] + 1;
            d[i][j] = c;
        }
    return d[n][m];
}

/* The command a mistyped word most likely meant: within 2 edits (1 for words of up to 4
 * letters), the closest, the first in the table on a tie; NULL when none is that close. */
static const char *nearest(const cmd_entry *table, const char *word)
{
    const char *best = NULL;
    unsigned bd = strlen(word) <= 4 ? 1 : 2;
    for (const cmd_entry *e = table; e->name; e++) {
        unsigned d = edits(word, e->name);
        if (d <= bd && (!best || d < bd)) {
            best = e->name;
            bd = d;
        }
    }
    return best;
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
        const char *near = nearest(table, word);
        if (near)
            fail(err, errsize, "unknown command '%.64s'; did you mean '%s'? ('help' lists the "
                 "commands)", word, near);
        else
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
    /* gdb's "x/16xb ADDR": the command x with "/16xb" as its first argument */
    char xfmt[CMD_MAX_LINE];
    if (argv[0][0] == 'x' && argv[0][1] == '/' && argc < CMD_MAX_ARGS) {
        snprintf(xfmt, sizeof xfmt, "%s", argv[0] + 1);
        memmove(argv + 2, argv + 1, (size_t)(argc - 1) * sizeof *argv);
        argv[0][1] = 0;
        argv[1] = xfmt;
        argc++;
    }
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

/* Case-insensitive edit distance (insertions, deletions, substitutions) of a and b, both
 * shorter than 64 bytes. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cmd_closest(const char *word, const char *const *names, size_t n)
{
    size_t wl = strlen(word), prefixed = 0, best_d = SIZE_MAX;
    const char *pre = NULL, *best = NULL;
    if (wl == 0 || wl >= 64)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) >= wl && strncasecmp(names[i], word, wl) == 0)
            pre = names[i], prefixed++;
    if (prefixed == 1)
        return pre;
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) >= 64)
            continue;
        size_t d = edit_distance(word, names[i]);
        if (d < best_d)
            best_d = d, best = names[i];
    }
    return best && best_d <= 3 && 2 * best_d < strlen(best) ? best : NULL;
}

long cmd_read_line(FILE *f, char *buf, size_t *nul_col)
{
    size_t n = 0, nul = 0;
    int c, got = 0;
    if (nul_col)
        *nul_col = 0;
    while ((c = getc(f)) != EOF) {
        got = 1;
        if (c == '\n')
            break;
        if (c == '\r') {
            int d = getc(f);
            if (d == '\n')
                break;
            if (d != EOF)
                ungetc(d, f);
        }
        if (n == CMD_MAX_LINE - 1) {
            buf[n] = 0;
            if (nul_col)
                *nul_col = nul;
            return CMD_LINE_LONG;
        }
        if (c == 0 && !nul)
            nul = n + 1;
        buf[n++] = (char)c;
    }
    buf[n] = 0;
    if (!got)
        return CMD_LINE_EOF;
    if (nul_col)
        *nul_col = nul;
    return nul ? CMD_LINE_NUL : (long)n;
}
