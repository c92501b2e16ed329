/*
 * The strict JSON reader of models/json.h: a recursive-descent parser (one level of
 * recursion per nesting level, at most JSON_MAX_DEPTH) that builds a read-only tree in one
 * arena per document.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/*
 * A value. Arrays and objects keep their children in one contiguous block (in document
 * order), so json_at() is O(1); an object's children carry their keys. off is where the value
 * starts in the input, or for an object member where its key starts (duplicate-key messages).
 */
struct json_value {
    json_type type;
    uint32_t off;         /* input offset; the input is at most JSON_MAX_BYTES */
    const char *key;      /* object members: the key, NUL-terminated; otherwise NULL */
    size_t keylen;
    union {
        int b;
        struct {
            double d;
            uint64_t u;    /* the exact value when is_u64 */
            int is_u64;
        } num;
        struct {
            const char *s; /* NUL-terminated, in the arena */
            size_t len;
        } str;
        struct {
            json_value *kids; /* in the arena; NULL when n == 0 */
            size_t n;
        } list;
    } u;
};

/* A block of the arena. Everything of a document but its root lives in chunks. */
typedef struct json_chunk {
    struct json_chunk *next;
    size_t used, cap;
    max_align_t data[];
} json_chunk;

/* A document. root comes first: the pointer json_parse() returns is the document's. */
typedef struct {
    json_value root;
    json_chunk *chunks;
} json_doc;

#define JSON_CHUNK (64u << 10)

/* The parser's state. Children of the containers being parsed wait on stk (innermost last)
 * until their container closes and moves them into the arena. */
typedef struct {
    const unsigned char *s;
    size_t len, pos;
    json_doc *doc;
    json_chunk *cur; /* the chunk small allocations come from */
    json_value *stk;
    size_t nstk, capstk;
    size_t nvalues;
    char *err;
    size_t errsize;
} jp;

/* ===================================================================== errors */

/* Line and column (both from 1) of input offset at; columns count UTF-8 characters. */
static void jp_where(const jp *p, size_t at, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < at && i < p->len; i++) {
        if (p->s[i] == '\n') {
            l++;
            c = 1;
        } else if ((p->s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Write "line L, column C: <message>" for input offset at; returns -1. */
static int jp_fail(jp *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int jp_fail(jp *p, size_t at, const char *fmt, ...)
{
    if (p->err == NULL || p->errsize == 0)
        return -1;
    size_t line, col;
    jp_where(p, at, &line, &col);
    int n = snprintf(p->err, p->errsize, "line %zu, column %zu: ", line, col);
    if (n >= 0 && (size_t)n < p->errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* How to name byte c in a message ("'}'", "a NUL byte", "byte 0xC3"). */
static void jp_describe(int c, char *buf, size_t n)
{
    if (c < 0)
        snprintf(buf, n, "the end of the input");
    else if (c == 0)
        snprintf(buf, n, "a NUL byte");
    else if (c == '\'')
        snprintf(buf, n, "\"'\"");
    else if (c > 0x20 && c < 0x7F)
        snprintf(buf, n, "'%c'", c);
    else if (c < 0x80)
        snprintf(buf, n, "control character U+%04X", (unsigned)c);
    else
        snprintf(buf, n, "byte 0x%02X (outside a string, JSON is ASCII)", (unsigned)c);
}

static int jp_peek(const jp *p)
{
    return p->pos < p->len ? p->s[p->pos] : -1;
}

/* "<what>, found <the next byte>" at the current position; returns -1. */
static int jp_unexpected(jp *p, const char *what)
{
    char found[64];
    jp_describe(jp_peek(p), found, sizeof found);
    return jp_fail(p, p->pos, "%s, found %s", what, found);
}

static int jp_oom(jp *p)
{
    return jp_fail(p, p->pos, "out of memory");
}

/* ===================================================================== memory */

/*
 * n bytes aligned to align (a power of two, at most that of max_align_t) from the document's
 * arena; NULL when out of memory. A large block gets a chunk of its own, so the current
 * chunk keeps serving small ones.
 */
static void *jp_alloc(jp *p, size_t n, size_t align)
{
    json_chunk *c = p->cur;
    if (c != NULL) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at <= c->cap && c->cap - at >= n) {
            c->used = at + n;
            return (char *)c->data + at;
        }
    }
    size_t cap = n > JSON_CHUNK / 4 ? n : JSON_CHUNK;
    c = malloc(sizeof *c + cap);
    if (c == NULL)
        return NULL;
    c->cap = cap;
    c->used = n;
    c->next = p->doc->chunks;
    p->doc->chunks = c;
    if (cap == JSON_CHUNK)
        p->cur = c;
    return c->data;
}

/* Push a finished child onto the stack of pending children. */
static int jp_push(jp *p, const json_value *v)
{
    if (p->nstk == p->capstk) {
        size_t cap = p->capstk ? p->capstk * 2 : 64;
        json_value *s = realloc(p->stk, cap * sizeof *s);
        if (s == NULL)
            return jp_oom(p);
        p->stk = s;
        p->capstk = cap;
    }
    p->stk[p->nstk++] = *v;
    return 0;
}

/* ===================================================================== scalars */

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void jp_ws(jp *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

/* One of the literals true, false, null. */
static int jp_literal(jp *p, json_value *out, const char *word, json_type t, int b)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t at = p->pos + i;
        if (at >= p->len)
            return jp_fail(p, at, "unexpected end of the input inside '%s'", word);
        if (p->s[at] != (unsigned char)word[i])
            return jp_fail(p, p->pos, "invalid literal: expected '%s' (JSON literals are true, "
                           "false and null, in lower case)", word);
    }
    p->pos += n;
    out->type = t;
    out->u.b = b;
    return 0;
}

/*
 * A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, checked here, then converted by
 * strtod() (the caller has switched this thread to the C locale). A non-negative integer
 * without fraction or exponent also keeps its exact 64-bit value when it fits.
 */
static int jp_number(jp *p, json_value *out)
{
    const unsigned char *s = p->s;
    const size_t n = p->len, start = p->pos;
    size_t i = start;
    int neg = 0, integer = 1;
    if (s[i] == '-') {
        neg = 1;
        i++;
    }
    if (i >= n || !is_digit(s[i]))
        return jp_fail(p, i, "invalid number: expected a digit after '-'");
    if (s[i] == '0') {
        i++;
        if (i < n && is_digit(s[i]))
            return jp_fail(p, i - 1, "invalid number: a leading zero is not allowed");
    } else {
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && s[i] == '.') {
        integer = 0;
        i++;
        if (i >= n || !is_digit(s[i]))
            return jp_fail(p, i, "invalid number: expected a digit after '.'");
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        integer = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit(s[i]))
            return jp_fail(p, i, "invalid number: expected a digit in the exponent");
        while (i < n && is_digit(s[i]))
            i++;
    }

    /* The text need not be NUL-terminated: convert a copy. */
    const size_t tl = i - start;
    char small[64];
    char *buf = tl < sizeof small ? small : malloc(tl + 1);
    if (buf == NULL)
        return jp_oom(p);
    memcpy(buf, s + start, tl);
    buf[tl] = 0;
    errno = 0;
    char *end;
    double d = strtod(buf, &end);
    const int bad_end = end != buf + tl;
    if (buf != small)
        free(buf);
    if (bad_end)
        return jp_fail(p, start, "invalid number (the C library did not read it whole)");
    if (!isfinite(d))
        return jp_fail(p, start, "number out of range: its magnitude is beyond what a double "
                       "holds (about 1.8e308)");

    out->type = JSON_NUMBER;
    out->u.num.d = d;
    if (integer && !neg) {
        uint64_t u = 0;
        size_t k;
        for (k = start; k < i; k++) {
            unsigned dg = (unsigned)(s[k] - '0');
            if (u > (UINT64_MAX - dg) / 10)
                break;
            u = u * 10 + dg;
        }
        if (k == i) {
            out->u.num.u = u;
            out->u.num.is_u64 = 1;
        }
    }
    p->pos = i;
    return 0;
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes available), or 0 when it is
 * not one: a stray continuation byte, an overlong form, an encoded surrogate, a code point
 * above U+10FFFF or a truncated sequence.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    const unsigned c = s[0];
#define CONT(k) (n > (k) && (s[k] & 0xC0) == 0x80)
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return CONT(1) ? 2 : 0;
    if (c < 0xF0) {
        if (!CONT(1) || !CONT(2))
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c < 0xF5) {
        if (!CONT(1) || !CONT(2) || !CONT(3))
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
#undef CONT
}

/* Four hex digits at s[at..at+3] (all before end) -> *v; 0, or -1 if they are not there. */
static int hex4(const unsigned char *s, size_t at, size_t end, unsigned *v)
{
    if (at + 4 > end)
        return -1;
    unsigned x = 0;
    for (size_t k = at; k < at + 4; k++) {
        unsigned c = s[k], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        x = x << 4 | d;
    }
    *v = x;
    return 0;
}

static size_t utf8_put(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * A string starting at the opening quote at p->pos, decoded into the arena (*out,
 * NUL-terminated, *outlen bytes). First finds the closing quote, which bounds the decoded
 * size (an escape is never shorter than what it decodes to), then decodes and validates.
 */
static int jp_string(jp *p, const char **out, size_t *outlen)
{
    const unsigned char *s = p->s;
    const size_t q = p->pos;
    size_t end = q + 1;
    while (end < p->len && s[end] != '"')
        end += s[end] == '\\' ? 2 : 1;
    if (end >= p->len)
        return jp_fail(p, q, "unterminated string (no closing '\"' before the end of the input)");

    char *o = jp_alloc(p, end - q, 1); /* the raw content is end - q - 1 bytes, plus a NUL */
    if (o == NULL)
        return jp_oom(p);
    size_t k = 0, i = q + 1;
    while (i < end) {
        const unsigned c = s[i];
        if (c == '\\') {
            /* i + 1 < end: the scan above stepped over the byte after every backslash. */
            const unsigned e = s[i + 1];
            unsigned cp, lo;
            switch (e) {
            case '"': o[k++] = '"'; i += 2; continue;
            case '\\': o[k++] = '\\'; i += 2; continue;
            case '/': o[k++] = '/'; i += 2; continue;
            case 'b': o[k++] = '\b'; i += 2; continue;
            case 'f': o[k++] = '\f'; i += 2; continue;
            case 'n': o[k++] = '\n'; i += 2; continue;
            case 'r': o[k++] = '\r'; i += 2; continue;
            case 't': o[k++] = '\t'; i += 2; continue;
            case 'u':
                if (hex4(s, i + 2, end, &cp) < 0)
                    return jp_fail(p, i, "invalid \\u escape: expected four hex digits after \\u");
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return jp_fail(p, i, "lone surrogate \\u%04X: a low surrogate must follow a "
                                   "high one (\\uD800-\\uDBFF)", cp);
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (i + 7 >= end || s[i + 6] != '\\' || s[i + 7] != 'u' ||
                        hex4(s, i + 8, end, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
                        return jp_fail(p, i, "lone surrogate \\u%04X: a high surrogate must be "
                                       "followed by a low one (\\uDC00-\\uDFFF)", cp);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
                k += utf8_put(o + k, cp);
                i += 6;
                continue;
            default: {
                char what[64];
                jp_describe((int)e, what, sizeof what);
                return jp_fail(p, i, "invalid escape: a backslash followed by %s (valid: \\\" "
                               "\\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", what);
            }
            }
        }
        if (c == 0)
            return jp_fail(p, i, "a NUL byte in a string");
        if (c < 0x20)
            return jp_fail(p, i, "raw control character U+%04X in a string (write it as an "
                           "escape such as \\n, \\t or \\u%04X)", c, c);
        const size_t n = utf8_seq(s + i, end - i);
        if (n == 0)
            return jp_fail(p, i, "invalid UTF-8 in a string (byte 0x%02X)", c);
        memcpy(o + k, s + i, n);
        k += n;
        i += n;
    }
    o[k] = 0;
    *out = o;
    *outlen = k;
    p->pos = end + 1;
    return 0;
}

/* ===================================================================== containers */

static int jp_value(jp *p, json_value *out, int depth);

/* v's key for a message: cut to fit n bytes (on a character boundary, with "..."), control
 * characters shown as '?'. Keys are valid UTF-8: the decoder only writes valid UTF-8. */
static void jp_show_key(const json_value *v, char *buf, size_t n)
{
    const unsigned char *k = (const unsigned char *)v->key;
    size_t o = 0, i = 0;
    while (i < v->keylen) {
        size_t sl = utf8_seq(k + i, v->keylen - i);
        if (sl == 0)
            sl = 1;
        if (o + sl + 4 > n)
            break;
        if (k[i] < 0x20 || k[i] == 0x7F)
            buf[o++] = '?';
        else
            for (size_t j = 0; j < sl; j++)
                buf[o++] = (char)k[i + j];
        i += sl;
    }
    if (i < v->keylen) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = 0;
}

static int key_cmp(const json_value *a, const json_value *b)
{
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, n);
    if (c != 0)
        return c;
    if (a->keylen != b->keylen)
        return a->keylen < b->keylen ? -1 : 1;
    return 0;
}

static int key_order(const void *x, const void *y)
{
    const json_value *const *a = x, *const *b = y;
    int c = key_cmp(*a, *b);
    if (c != 0)
        return c;
    return (*a)->off < (*b)->off ? -1 : (*a)->off > (*b)->off;
}

/*
 * Refuse an object with a repeated key. Reports the repeat that comes first in the document,
 * and where that key first appeared. Sorts pointers for large objects, so a hostile object
 * with many members costs O(n log n), not O(n^2).
 */
static int jp_dupcheck(jp *p, const json_value *m, size_t n)
{
    const json_value *first = NULL, *again = NULL;
    if (n <= 16) {
        for (size_t j = 1; j < n && again == NULL; j++)
            for (size_t i = 0; i < j; i++)
                if (key_cmp(&m[i], &m[j]) == 0) {
                    first = &m[i];
                    again = &m[j];
                    break;
                }
    } else {
        const json_value **v = malloc(n * sizeof *v);
        if (v == NULL)
            return jp_oom(p);
        for (size_t i = 0; i < n; i++)
            v[i] = &m[i];
        qsort(v, n, sizeof *v, key_order);
        size_t run = 0;
        for (size_t i = 1; i < n; i++) {
            if (key_cmp(v[i - 1], v[i]) != 0) {
                run = i;
                continue;
            }
            if (again == NULL || v[i]->off < again->off) {
                first = v[run];
                again = v[i];
            }
        }
        free(v);
    }
    if (again == NULL)
        return 0;
    char key[80];
    size_t line, col;
    jp_show_key(again, key, sizeof key);
    jp_where(p, first->off, &line, &col);
    return jp_fail(p, again->off, "duplicate key \"%s\" in an object (first at line %zu, column "
                   "%zu)", key, line, col);
}

/* Move the children pushed since base into the arena as out's children. */
static int jp_close(jp *p, json_value *out, json_type t, size_t base)
{
    const size_t n = p->nstk - base;
    out->type = t;
    if (n > 0) {
        json_value *kids = jp_alloc(p, n * sizeof *kids, _Alignof(json_value));
        if (kids == NULL)
            return jp_oom(p);
        memcpy(kids, p->stk + base, n * sizeof *kids);
        out->u.list.kids = kids;
        out->u.list.n = n;
    }
    p->nstk = base;
    return t == JSON_OBJECT && n > 1 ? jp_dupcheck(p, out->u.list.kids, n) : 0;
}

static int jp_depth_check(jp *p, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return jp_fail(p, p->pos, "nesting deeper than %d levels of arrays and objects",
                       JSON_MAX_DEPTH);
    return 0;
}

/* An array at p->pos ('['); depth counts it. */
static int jp_array(jp *p, json_value *out, int depth)
{
    if (jp_depth_check(p, depth) < 0)
        return -1;
    const size_t base = p->nstk;
    p->pos++;
    jp_ws(p);
    if (jp_peek(p) == ']') {
        p->pos++;
        out->type = JSON_ARRAY;
        return 0;
    }
    for (;;) {
        json_value v;
        if (jp_value(p, &v, depth) < 0 || jp_push(p, &v) < 0)
            return -1;
        jp_ws(p);
        const int c = jp_peek(p);
        if (c == ']') {
            p->pos++;
            break;
        }
        if (c != ',')
            return jp_unexpected(p, "expected ',' or ']' after an array element");
        p->pos++;
        jp_ws(p);
        if (jp_peek(p) == ']')
            return jp_fail(p, p->pos, "trailing comma: expected a value after ',' (JSON does "
                           "not allow a comma before ']')");
    }
    return jp_close(p, out, JSON_ARRAY, base);
}

/* An object at p->pos ('{'); depth counts it. */
static int jp_object(jp *p, json_value *out, int depth)
{
    if (jp_depth_check(p, depth) < 0)
        return -1;
    const size_t base = p->nstk;
    p->pos++;
    jp_ws(p);
    if (jp_peek(p) == '}') {
        p->pos++;
        out->type = JSON_OBJECT;
        return 0;
    }
    for (;;) {
        json_value v;
        const char *key;
        size_t klen;
        const size_t koff = p->pos;
        if (jp_peek(p) != '"')
            return jp_unexpected(p, "expected a string (an object key)");
        if (jp_string(p, &key, &klen) < 0)
            return -1;
        jp_ws(p);
        if (jp_peek(p) != ':')
            return jp_unexpected(p, "expected ':' after an object key");
        p->pos++;
        if (jp_value(p, &v, depth) < 0)
            return -1;
        v.key = key;
        v.keylen = klen;
        v.off = (uint32_t)koff;
        if (jp_push(p, &v) < 0)
            return -1;
        jp_ws(p);
        const int c = jp_peek(p);
        if (c == '}') {
            p->pos++;
            break;
        }
        if (c != ',')
            return jp_unexpected(p, "expected ',' or '}' after an object member");
        p->pos++;
        jp_ws(p);
        if (jp_peek(p) == '}')
            return jp_fail(p, p->pos, "trailing comma: expected a member after ',' (JSON does "
                           "not allow a comma before '}')");
    }
    return jp_close(p, out, JSON_OBJECT, base);
}

/* Any value, after optional whitespace. depth: arrays and objects enclosing it. */
static int jp_value(jp *p, json_value *out, int depth)
{
    jp_ws(p);
    memset(out, 0, sizeof *out);
    out->off = (uint32_t)p->pos;
    const int c = jp_peek(p);
    if (c < 0)
        return jp_unexpected(p, "expected a value");
    if (++p->nvalues > JSON_MAX_VALUES)
        return jp_fail(p, p->pos, "more than %u values in the document (this reader's limit)",
                       JSON_MAX_VALUES);
    switch (c) {
    case '{': return jp_object(p, out, depth + 1);
    case '[': return jp_array(p, out, depth + 1);
    case '"':
        out->type = JSON_STRING;
        return jp_string(p, &out->u.str.s, &out->u.str.len);
    case 't': return jp_literal(p, out, "true", JSON_BOOL, 1);
    case 'f': return jp_literal(p, out, "false", JSON_BOOL, 0);
    case 'n': return jp_literal(p, out, "null", JSON_NULL, 0);
    default:
        if (c == '-' || is_digit(c))
            return jp_number(p, out);
        return jp_unexpected(p, "expected a value");
    }
}

/* ===================================================================== public */

/*
 * strtod() reads numbers by the thread's locale, which a program may have set to one with a
 * decimal comma. The parse runs with the C locale selected for this thread (uselocale), then
 * restores what was there. The C locale object is made once and kept; should making it fail,
 * the process locale is used (which is C unless the program called setlocale()).
 */
static locale_t json_c_locale(void)
{
    static locale_t c;
    if (c == (locale_t)0)
        c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return c;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errsize)
{
    jp p;
    memset(&p, 0, sizeof p);
    p.err = err;
    p.errsize = errsize;
    if (err != NULL && errsize > 0)
        err[0] = 0;
    if (text == NULL)
        len = 0;
    p.s = (const unsigned char *)text;
    p.len = len;
    if (len > JSON_MAX_BYTES) {
        if (err != NULL && errsize > 0)
            snprintf(err, errsize, "the input is %zu bytes, more than the %u MiB this reader "
                     "accepts", len, JSON_MAX_BYTES >> 20);
        return NULL;
    }
    p.doc = calloc(1, sizeof *p.doc);
    if (p.doc == NULL) {
        if (err != NULL && errsize > 0)
            snprintf(err, errsize, "out of memory");
        return NULL;
    }

    const locale_t cl = json_c_locale();
    const locale_t old = cl != (locale_t)0 ? uselocale(cl) : (locale_t)0;
    int rc;
    if (len >= 3 && p.s[0] == 0xEF && p.s[1] == 0xBB && p.s[2] == 0xBF)
        rc = jp_fail(&p, 0, "the input starts with a byte order mark (U+FEFF), which JSON does "
                     "not allow");
    else
        rc = jp_value(&p, &p.doc->root, 0);
    if (rc == 0) {
        jp_ws(&p);
        if (p.pos < p.len)
            rc = jp_unexpected(&p, "trailing characters after the top-level value");
    }
    if (old != (locale_t)0)
        uselocale(old);

    free(p.stk);
    if (rc < 0) {
        json_free(&p.doc->root);
        return NULL;
    }
    return &p.doc->root;
}

void json_free(json_value *root)
{
    if (root == NULL)
        return;
    json_doc *d = (json_doc *)(void *)root;
    json_chunk *c = d->chunks;
    while (c != NULL) {
        json_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(d);
}

json_type json_type_of(const json_value *v)
{
    return v != NULL ? v->type : JSON_NULL;
}

const char *json_type_name(json_type t)
{
    switch (t) {
    case JSON_NULL: return "null";
    case JSON_BOOL: return "a boolean";
    case JSON_NUMBER: return "a number";
    case JSON_STRING: return "a string";
    case JSON_ARRAY: return "an array";
    case JSON_OBJECT: return "an object";
    }
    return "?";
}

const json_value *json_get(const json_value *obj, const char *key)
{
    if (obj == NULL || obj->type != JSON_OBJECT || key == NULL)
        return NULL;
    const size_t n = strlen(key);
    for (size_t i = 0; i < obj->u.list.n; i++) {
        const json_value *m = &obj->u.list.kids[i];
        if (m->keylen == n && memcmp(m->key, key, n) == 0)
            return m;
    }
    return NULL;
}

size_t json_len(const json_value *v)
{
    return v != NULL && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->u.list.n : 0;
}

const json_value *json_at(const json_value *v, size_t i)
{
    return i < json_len(v) ? &v->u.list.kids[i] : NULL;
}

const char *json_key_at(const json_value *obj, size_t i, size_t *len)
{
    if (json_type_of(obj) != JSON_OBJECT || i >= obj->u.list.n)
        return NULL;
    if (len != NULL)
        *len = obj->u.list.kids[i].keylen;
    return obj->u.list.kids[i].key;
}

double json_number(const json_value *v)
{
    return json_type_of(v) == JSON_NUMBER ? v->u.num.d : 0.0;
}

int json_u64(const json_value *v, uint64_t *out)
{
    if (json_type_of(v) != JSON_NUMBER || !v->u.num.is_u64)
        return 0;
    if (out != NULL)
        *out = v->u.num.u;
    return 1;
}

int json_bool(const json_value *v)
{
    return json_type_of(v) == JSON_BOOL && v->u.b;
}

const char *json_string(const json_value *v, size_t *len)
{
    if (json_type_of(v) != JSON_STRING)
        return NULL;
    if (len != NULL)
        *len = v->u.str.len;
    return v->u.str.s;
}
