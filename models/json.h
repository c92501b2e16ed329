/*
 * JSON, the one module for it: a strict reader for untrusted documents (baseline reports
 * that anyone may have written: json_parse and the json_* accessors, models/json_parse.c)
 * and a streaming writer for the reports and `--json` outputs (jw_*, models/json.c).
 * It sits in models/, below sim/ and profiler/, so that the board-profile parser, the
 * profiler's reports and the command line all reach it without an upward include.
 */
#ifndef MODELS_JSON_H
#define MODELS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ===================================================================== reading */

/*
 * Limits. Input beyond one of them is refused with an error message, never truncated.
 *   JSON_MAX_DEPTH   nested arrays and objects: 64 levels ("[[1]]" is 2 levels). The parser
 *                    recurses once per level, so this also bounds its stack use.
 *   JSON_MAX_BYTES   the input: 64 MiB.
 *   JSON_MAX_VALUES  values in the document, counting every container, member value and
 *                    element: 1,048,576. The tree costs about 48 bytes per value plus the
 *                    strings, so a document never costs more than about 50 MiB plus its size.
 */
#define JSON_MAX_DEPTH 64
#define JSON_MAX_BYTES (64u << 20)
#define JSON_MAX_VALUES (1u << 20)

typedef enum {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

/* A value in a parsed document. Opaque; read it with the accessors below. */
typedef struct json_value json_value;

/*
 * Parse len bytes of text (it need not be NUL-terminated) as one JSON document: one value,
 * with optional whitespace (space, tab, CR, LF) around it.
 *
 * Returns the root of a tree that the caller frees with json_free(); every value, key and
 * string reached from it lives until then. On error returns NULL and writes a message to
 * err (when err is not NULL and errsize > 0; truncated to fit), naming where the problem is:
 *     "line 3, column 14: expected ',' or '}' after an object member"
 * Lines count from 1 and end at LF; columns count characters (UTF-8 sequences) from 1, so a
 * tab counts as one column.
 *
 * Strict, as RFC 8259 describes JSON and no more:
 * - the input must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing above
 *   U+10FFFF); a byte order mark, a NUL byte, comments, trailing commas, single quotes,
 *   NaN/Infinity, leading zeros, '+' signs and anything after the top-level value are errors;
 * - strings: raw control characters (U+0000..U+001F) are errors; every escape is decoded
 *   (\" \\ \/ \b \f \n \r \t \uXXXX), \uXXXX surrogate pairs become one UTF-8 character and a
 *   lone surrogate is an error. "\u0000" is valid JSON and is kept: a string's length, not
 *   strlen(), says where it ends;
 * - numbers follow the JSON grammar and are converted to the nearest double (in the C locale,
 *   whatever the process locale is); every integer of magnitude up to 2^53 is exact, larger
 *   ones round to the nearest double (9007199254740993 reads as 9007199254740992; see
 *   json_u64() for exact integers). A number beyond the double range (1e309) is an error,
 *   one below it (1e-400) reads as 0 or a subnormal;
 * - duplicate keys in one object are an error ("duplicate key \"cycles\" (first at line 2,
 *   column 3)"): different readers resolve them differently, so a document that has them
 *   means different things to different tools, and a report never has them.
 */
json_value *json_parse(const char *text, size_t len, char *err, size_t errsize);

/*
 * Free a document. root must be a value json_parse() returned (not a value inside it), or
 * NULL. Every pointer into the document becomes invalid.
 */
void json_free(json_value *root);

/* The type of v; JSON_NULL when v is NULL, so a missing member reads as null. */
json_type json_type_of(const json_value *v);
/* "null", "a boolean", "a number", "a string", "an array", "an object": for messages. */
const char *json_type_name(json_type t);

/*
 * The value of member key (a NUL-terminated UTF-8 key, compared byte for byte) of object obj;
 * NULL when obj is NULL or not an object, or has no such member. Linear in the member count.
 */
const json_value *json_get(const json_value *obj, const char *key);

/* Elements of an array or members of an object; 0 for anything else (and NULL). */
size_t json_len(const json_value *v);

/* The i-th element of an array or the value of the i-th member of an object, in document
 * order; NULL when v is neither or i >= json_len(v). */
const json_value *json_at(const json_value *v, size_t i);

/* The key of the i-th member of object obj (NUL-terminated; *len, when len is not NULL, gets
 * its length in bytes); NULL when obj is not an object or i is out of range. */
const char *json_key_at(const json_value *obj, size_t i, size_t *len);

/* The value of a number; 0.0 for anything else. Always finite. */
double json_number(const json_value *v);

/*
 * Whether v is a number written as a non-negative integer (digits only: no sign, fraction
 * or exponent) that fits in 64 bits; if so, *out (when not NULL) gets it exactly. Returns
 * 1 or 0 (and *out is left alone).
 */
int json_u64(const json_value *v, uint64_t *out);

/* 1 for true, 0 for false and for anything that is not a boolean. */
int json_bool(const json_value *v);

/*
 * The UTF-8 bytes of a string, NUL-terminated (*len, when len is not NULL, gets the length
 * in bytes: a string may contain "\u0000", so strlen() may be shorter); NULL when v is not
 * a string.
 */
const char *json_string(const json_value *v, size_t *len);

/* ===================================================================== writing */

/* A minimal streaming writer: objects, arrays, strings (escaped: always valid JSON and
 * valid UTF-8, whatever bytes they hold), integers and numbers, pretty-printed two spaces
 * per level. */
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

#endif /* MODELS_JSON_H */
