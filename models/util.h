/*
 * Small host-side utilities shared by the model tools and the command line: formatted
 * allocated messages and whole-file reads with errors meant for a person (writes are
 * models/outfile.h's).
 */
#ifndef MODELS_UTIL_H
#define MODELS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* printf into a newly allocated string (caller frees); aborts the process on ENOMEM. */
char *mu_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *mu_vasprintf(const char *fmt, va_list ap);

/* Largest file the tools read into memory (models, inputs): 256 MiB. */
#define MU_MAX_FILE (256u << 20)

/*
 * Read a whole file into a 16-byte-aligned allocation (caller frees with free()). Returns 0,
 * or -1 with *cause set ("cannot open x: No such file or directory", "x is larger than
 * 256 MiB").
 */
int mu_read_file(const char *path, uint8_t **data, size_t *len, char **cause);

/* Writing files: models/outfile.h (mo_open ... mo_commit, mo_write_file). */

/* One step of xorshift32 (Marsaglia 13/17/5); returns the new state, which must not be 0.
 * The demo models' weights and the golden inputs' bytes (top 8 bits) come from it. */
uint32_t mu_xorshift32(uint32_t *state);

#endif /* MODELS_UTIL_H */
