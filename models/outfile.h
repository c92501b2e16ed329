/*
 * Output files (prefix mo_): how every file tinysim writes (reports, tables, models, tensors)
 * is opened, written and put in place, so that no output ever clobbers what the user did not
 * name and no failed run ever leaves half a report. The rules (README "Output files"):
 *
 *  - "-" is standard output.
 *  - An existing character device, FIFO or socket is opened and written as a stream
 *    (O_WRONLY|O_NOCTTY, never created, truncated or replaced): /dev/null stays /dev/null,
 *    /dev/full gives a write error naming /dev/full.
 *  - A symbolic link is neither followed nor replaced: it is refused, except a link that
 *    leads to a FIFO or socket (/dev/fd/N of a pipe, as bash's >(...) gives), written as a
 *    stream, or to the file of standard output or standard error (/dev/stdout, /dev/stderr),
 *    which is then written as that stream.
 *  - A regular file, or a path that does not exist, is written whole into a temporary in the
 *    same directory (".NAME.XXXXXX", created with O_EXCL, so never through a link), fsync()ed,
 *    then rename()d over the destination, only if the destination is then still a regular file
 *    or absent (checked with lstat just before). An existing file keeps its mode (and, where
 *    allowed, its owner); a new one gets 0666 & ~umask. Two concurrent writers each produce a
 *    whole file; the last rename wins.
 *  - Anything else (a directory, a block device) is refused.
 *  - Errors name the user's path, never the temporary's. A failed write or commit removes
 *    the temporary and leaves the destination as it was.
 *
 * Errors on standard output are not reported here: the stream's error flag stays set and
 * tinysim's main reports it once, at exit.
 */
#ifndef MODELS_OUTFILE_H
#define MODELS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct mo_file mo_file;

/*
 * Check and open path for writing, before anything is computed, so that an output that
 * cannot be created fails at once. Returns the output, or NULL with *cause set (caller
 * frees) saying what and where ("cannot write out/r.json: No such file or directory").
 */
mo_file *mo_open(const char *path, char **cause);

/* The stream to write into (stdout for "-"); valid until mo_commit or mo_abort. */
FILE *mo_stream(mo_file *o);

/* The path as the user gave it. */
const char *mo_path(const mo_file *o);

/* 1 when the output is standard output ("-", or a link to stdout's file). */
int mo_is_stdout(const mo_file *o);

/* 1 when the output is a regular file (written through a temporary). */
int mo_is_regular(const mo_file *o);

/* Write n bytes; 0, or -1 (the error is kept and reported by mo_commit). */
int mo_write(mo_file *o, const void *p, size_t n);

/*
 * Finish the output: flush; for a regular file, fsync and rename the temporary over the
 * destination. Frees o (NULL is accepted: returns 0). Returns 0, or -1 with *cause set; the
 * temporary is then removed and the destination is what it was before.
 */
int mo_commit(mo_file *o, char **cause);

/* Give up an output: the temporary is removed, the destination untouched. Frees o; NULL ok. */
void mo_abort(mo_file *o);

/* mo_open, mo_write of len bytes, mo_commit: 0, or -1 with *cause. */
int mo_write_file(const char *path, const void *data, size_t len, char **cause);

/*
 * Remove every temporary still open (async-signal-safe: only unlink(2)). For a handler of
 * a signal that ends the process, so that an interrupted write leaves nothing behind.
 */
void mo_cleanup(void);

#endif /* MODELS_OUTFILE_H */
