/*
 * The interactive command language (REPL, batch scripts, piped stdin, and the TUI's prompt):
 * a line is split into words, the first word names a command from a table, and the handler
 * gets argc/argv. This file knows nothing about the simulator, so it is tested and fuzzed
 * alone (tests/tui/test_cmd.c).
 *
 * Words: separated by blanks; "double" or 'single' quotes group (a backslash escapes the next
 * character inside double quotes and outside quotes); '#' at the start of a word begins a
 * comment to the end of the line. At most CMD_MAX_ARGS words of at most CMD_MAX_LINE bytes.
 *
 * Names: a command matches by its full name, an alias, or a unique prefix of its name
 * ("cont" for continue); an ambiguous prefix is an error that lists the candidates. A
 * command's minimum argument count and maximum (-1: any) are checked before its handler
 * runs; a wrong count prints its usage line.
 */
#ifndef TUI_CMD_H
#define TUI_CMD_H

#include <stddef.h>
#include <stdio.h>

#define CMD_MAX_ARGS 32
#define CMD_MAX_LINE 4096

typedef struct cmd_entry {
    const char *name;
    const char *alias;  /* NULL or a second name ("c" for continue) */
    int min_args, max_args; /* words after the name; max -1 = any */
    const char *usage;  /* "break layer N | op NAME | symbol NAME | address ADDR" */
    const char *help;   /* one line */
    int (*fn)(void *ctx, int argc, char **argv, FILE *out);
} cmd_entry;

/* Split line into words, in place (quotes removed). Returns the word count (0 for a blank or
 * comment line) or -1 with a message in err (unbalanced quote, too many words, too long). */
int cmd_split(char *line, char **argv, int max, char *err, size_t errsize);

/* Find the command named by word in a table ending with a NULL name. NULL with a message in
 * err when no command or several match. */
const cmd_entry *cmd_lookup(const cmd_entry *table, const char *word, char *err, size_t errsize);

/*
 * Run one line: split, look up, check the argument count, call the handler with argv[0] =
 * the command's full name. Returns the handler's result (0 ok, CMD_QUIT, or CMD_ERROR), 0 for
 * a blank line, CMD_ERROR for a line that could not be run (the message is printed to err_out
 * as "error: ...", with the usage line when the arguments are wrong).
 */
enum { CMD_OK = 0, CMD_ERROR = 1, CMD_QUIT = 2 };
int cmd_exec(const cmd_entry *table, void *ctx, const char *line, FILE *out, FILE *err_out);

/* "usage: NAME USAGE" for e. */
void cmd_print_usage(FILE *f, const cmd_entry *e);

/* Names of the table's commands starting with prefix, one per call: state 0 starts (for
 * readline's completion generator). NULL at the end. */
const char *cmd_complete(const cmd_entry *table, const char *prefix, int *state);

/*
 * The name of names[0..n) closest to word, for a "did you mean" (case-insensitive): the only
 * name word is a prefix of, else the one at the smallest edit distance when that is at most
 * 3 and less than half the name; NULL when nothing is close. Words past 63 bytes match nothing.
 */
const char *cmd_closest(const char *word, const char *const *names, size_t n);

/*
 * Read one line of a script from f into buf (CMD_MAX_LINE bytes), never more than that:
 * its length, without the "\n" or "\r\n" that ends it (a last line may have none), or:
 *   CMD_LINE_EOF   no more lines;
 *   CMD_LINE_LONG  the line is longer than CMD_MAX_LINE - 1 bytes: it is not read further
 *                  (the caller stops: the input may be one endless line);
 *   CMD_LINE_NUL   it holds a NUL byte (a script is text): read to its end, not usable.
 * *nul_col (may be NULL) is the column of the first NUL byte (1-based), 0 if none, for
 * CMD_LINE_NUL and CMD_LINE_LONG alike.
 */
enum { CMD_LINE_EOF = -1, CMD_LINE_LONG = -2, CMD_LINE_NUL = -3 };
long cmd_read_line(FILE *f, char *buf, size_t *nul_col);

#endif /* TUI_CMD_H */
