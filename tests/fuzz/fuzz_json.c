/*
 * libFuzzer target for the JSON reader and `tinysim check`'s comparison: any bytes go through
 * json_parse (models/json_parse.c) from a buffer of exactly their size, not NUL-terminated. A document
 * it accepts is walked whole with the accessors (json_type_of, json_len, json_at,
 * json_key_at, json_get, json_string, json_number, json_u64, json_bool), written back out as
 * JSON and parsed again, and given to check_compare (profiler/check.c) as both baseline and
 * current report. An input holding a 0xFF byte (never part of a document: it is not UTF-8)
 * is also split there into two documents, compared both ways.
 *
 * What must hold, each checked with abort(): accessors agree with each other (json_get finds
 * each member by its key, keys and strings are NUL-terminated at their length and valid
 * UTF-8, numbers finite, a json_u64 value reads as the nearest double); the document written
 * back parses to the same tree; check_compare of a report with itself never reports a
 * regression (0, or -1 with a message and nothing written); any comparison returns -1, 0 or
 * 1 and writes nothing when it returns -1. A refusal comes with a message. No crash, no leak,
 * no hang.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/json.h"
#include "profiler/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_json: invariant violated: %s (line %d)\n", #cond,   \
                    __LINE__);                                                        \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* Is s[0..n) valid UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF)? */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* ---- a writer, for the round trip ---- */

typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void put_str(sbuf *b, const char *s, size_t n)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(b, e, 2);
        } else if (c < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            put(b, e, 6);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    put(b, "\"", 1);
}

/* Walk v, inside depth arrays and objects (checking the accessors), and write it to b. */
static void walk(const json_value *v, sbuf *b, int depth)
{
    json_type t = json_type_of(v);
    if (t == JSON_ARRAY || t == JSON_OBJECT)
        CHECK(depth < JSON_MAX_DEPTH);
    CHECK(json_type_name(t) != NULL);
    size_t n = json_len(v);
    switch (t) {
    case JSON_NULL:
        CHECK(n == 0 && json_at(v, 0) == NULL);
        put(b, "null", 4);
        break;
    case JSON_BOOL: {
        int x = json_bool(v);
        CHECK(x == 0 || x == 1);
        put(b, x ? "true" : "false", x ? 4 : 5);
        break;
    }
    case JSON_NUMBER: {
        double d = json_number(v);
        uint64_t u = 0;
        CHECK(isfinite(d));
        char num[40];
        if (json_u64(v, &u)) {
            CHECK(d == (double)u);
            snprintf(num, sizeof num, "%llu", (unsigned long long)u);
        } else {
            snprintf(num, sizeof num, "%.17e", d); /* never digits only: not a u64 */
        }
        put(b, num, strlen(num));
        break;
    }
    case JSON_STRING: {
        size_t len = 0;
        const char *s = json_string(v, &len);
        CHECK(s != NULL && s[len] == 0 && json_string(v, NULL) == s);
        CHECK(utf8_ok((const unsigned char *)s, len));
        put_str(b, s, len);
        break;
    }
    case JSON_ARRAY:
        CHECK(json_key_at(v, 0, NULL) == NULL && json_get(v, "") == NULL);
        put(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            const json_value *e = json_at(v, i);
            CHECK(e != NULL);
            if (i)
                put(b, ",", 1);
            walk(e, b, depth + 1);
        }
        CHECK(json_at(v, n) == NULL);
        put(b, "]", 1);
        break;
    case JSON_OBJECT:
        put(b, "{", 1);
        for (size_t i = 0; i < n; i++) {
            size_t klen = (size_t)-1;
            const char *k = json_key_at(v, i, &klen);
            const json_value *e = json_at(v, i);
            CHECK(k != NULL && e != NULL && klen != (size_t)-1 && k[klen] == 0);
            CHECK(json_key_at(v, i, NULL) == k);
            CHECK(utf8_ok((const unsigned char *)k, klen));
            /* keys are unique; one without an inner NUL is found by json_get */
            if (strlen(k) == klen)
                CHECK(json_get(v, k) == e);
            if (i)
                put(b, ",", 1);
            put_str(b, k, klen);
            put(b, ":", 1);
            walk(e, b, depth + 1);
        }
        CHECK(json_at(v, n) == NULL && json_key_at(v, n, NULL) == NULL);
        put(b, "}", 1);
        break;
    default:
        CHECK(0);
    }
    if (t != JSON_NUMBER)
        CHECK(json_number(v) == 0.0 && json_u64(v, NULL) == 0);
    if (t != JSON_STRING)
        CHECK(json_string(v, NULL) == NULL);
    if (t != JSON_BOOL)
        CHECK(json_bool(v) == 0);
    if (t != JSON_OBJECT)
        CHECK(json_get(v, "schema") == NULL);
}

/* Two trees are the same. */
static void same(const json_value *a, const json_value *b)
{
    json_type t = json_type_of(a);
    CHECK(t == json_type_of(b) && json_len(a) == json_len(b));
    switch (t) {
    case JSON_BOOL:
        CHECK(json_bool(a) == json_bool(b));
        break;
    case JSON_NUMBER: {
        double x = json_number(a), y = json_number(b);
        CHECK(x == y && signbit(x) == signbit(y));
        uint64_t u = 0, w = 0;
        CHECK(json_u64(a, &u) == json_u64(b, &w) && u == w);
        break;
    }
    case JSON_STRING: {
        size_t n, m;
        const char *s = json_string(a, &n), *r = json_string(b, &m);
        CHECK(n == m && memcmp(s, r, n) == 0);
        break;
    }
    case JSON_OBJECT:
        for (size_t i = 0; i < json_len(a); i++) {
            size_t n, m;
            const char *k = json_key_at(a, i, &n), *l = json_key_at(b, i, &m);
            CHECK(n == m && memcmp(k, l, n) == 0);
        }
        /* fall through */
    case JSON_ARRAY:
        for (size_t i = 0; i < json_len(a); i++)
            same(json_at(a, i), json_at(b, i));
        break;
    default:
        break;
    }
}

static json_value *parse_exact(const uint8_t *data, size_t size)
{
    char err[128];
    err[0] = 0;
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    json_value *v = json_parse(text, size, err, sizeof err);
    free(text);
    if (v == NULL)
        CHECK(err[0] != 0 && strncmp(err, "line ", 5) == 0);
    return v;
}

/* check_compare, with its output in memory; returns its result after checking it. */
static int compare(const json_value *base, const json_value *cur, double tol, unsigned metrics)
{
    char *tb = NULL, *mb = NULL;
    size_t tn = 0, mn = 0;
    FILE *text = open_memstream(&tb, &tn), *md = open_memstream(&mb, &mn);
    if (text == NULL || md == NULL)
        abort();
    char err[256];
    err[0] = 0;
    check_opts o = {tol, metrics, 0, 0};
    int rc = check_compare(base, cur, &o, "base.json", text, md, err, sizeof err);
    fclose(text);
    fclose(md);
    CHECK(rc >= -1 && rc <= 1);
    if (rc == -1)
        CHECK(err[0] != 0 && tn == 0 && mn == 0);
    else
        CHECK(strstr(tb, rc ? "check: FAIL: " : "check: OK: ") != NULL &&
              strstr(mb, rc ? "**FAIL**" : "**OK**") != NULL);
    free(tb);
    free(mb);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *ff = memchr(data, 0xff, size);
    json_value *doc = parse_exact(data, size);
    if (doc != NULL) {
        CHECK(ff == NULL);
        sbuf b = {NULL, 0, 0};
        walk(doc, &b, 0);
        json_value *again = parse_exact((const uint8_t *)b.p, b.n);
        if (again == NULL) {
            fprintf(stderr, "fuzz_json: the document written back does not parse:\n%s\n", b.p);
            abort();
        }
        same(doc, again);
        json_free(again);
        free(b.p);
        /* a report compared with itself never regresses */
        CHECK(compare(doc, doc, 1.0, CHECK_M_ALL) != 1);
        CHECK(compare(doc, doc, 0.0, CHECK_M_CYCLES | CHECK_M_STACK) != 1);
        json_free(doc);
        return 0;
    }
    if (ff != NULL) {
        size_t n1 = (size_t)(ff - data);
        json_value *a = parse_exact(data, n1);
        json_value *c = a ? parse_exact(ff + 1, size - n1 - 1) : NULL;
        if (a && c) {
            compare(a, c, 1.0, CHECK_M_ALL);
            compare(c, a, 0.0, CHECK_M_ENERGY | CHECK_M_ARENA);
            CHECK(compare(c, c, 0.0, CHECK_M_ALL) != 1);
        }
        json_free(a);
        json_free(c);
    }
    return 0;
}
