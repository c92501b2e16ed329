/*
 * A minimal streaming JSON writer for the reports and `--json` outputs: objects, arrays,
 * strings (escaped), integers and numbers, pretty-printed two spaces per level.
 */
#ifndef JSON_H
#define JSON_H

#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

typedef struct {
    FILE *f;
    int depth;
    int count[JW_MAX_DEPTH]; /* values written at each level, for commas */
    char close[JW_MAX_DEPTH]; /* '}' or ']' to close each open level */
    char flat[JW_MAX_DEPTH];  /* 1: this array is written on one line */
} jw;

/* Start writing to f. Every call below takes `key`: NULL inside arrays and at top level. */
void jw_init(jw *w, FILE *f);
void jw_obj(jw *w, const char *key);
void jw_arr(jw *w, const char *key);
/* An array written on one line ("[1, 49, 10, 1]"): for short arrays of scalars. */
void jw_arr_flat(jw *w, const char *key);
void jw_end(jw *w);                       /* closes the innermost object or array */
void jw_str(jw *w, const char *key, const char *v);
void jw_int(jw *w, const char *key, int64_t v);
void jw_uint(jw *w, const char *key, uint64_t v);
void jw_num(jw *w, const char *key, double v); /* non-finite values are written as null */
void jw_bool(jw *w, const char *key, int v);
void jw_null(jw *w, const char *key);
/* Finish: a newline after the top-level value. */
void jw_finish(jw *w);

#endif /* JSON_H */
