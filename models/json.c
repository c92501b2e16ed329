/*
 * The streaming JSON writer (see json.h): always valid JSON and valid UTF-8, whatever bytes
 * the strings it is given hold.
 */
#include <inttypes.h>
#include <math.h>

#include "json.h"
#include "text.h"

void jw_init(jw *w, FILE *f)
{
    w->f = f;
    w->depth = 0;
    w->count[0] = 0;
    w->flat[0] = 0;
}

/*
 * s as a JSON string. Names come from models and firmware (untrusted bytes), so the output
 * is always valid JSON in valid UTF-8: control characters and DEL as \u00XX (or \n, \r,
 * \t), well-formed UTF-8 as it is, and each byte that does not start a well-formed sequence
 * (0xFF, a stray continuation byte, a cut sequence) as U+FFFD, the replacement character.
 */
static void put_escaped(FILE *f, const char *s)
{
    fputc('"', f);
    for (const char *p = s; *p;) {
        const unsigned char c = (unsigned char)*p;
        size_t len = text_utf8_len(p);
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7F)
                fprintf(f, "\\u%04x", c);
            else if (len == 0)
                fputs("\\ufffd", f);
            else
                fwrite(p, 1, len, f);
        }
        p += len ? len : 1;
    }
    fputc('"', f);
}

/* Comma, newline and indentation before a value, then its key. */
static void prefix(jw *w, const char *key)
{
    if (w->depth > 0 && w->flat[w->depth]) {
        if (w->count[w->depth])
            fputs(", ", w->f);
    } else if (w->depth > 0) {
        fputs(w->count[w->depth] ? ",\n" : "\n", w->f);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->f);
    }
    w->count[w->depth]++;
    if (key && w->depth > 0) {
        put_escaped(w->f, key);
        fputs(": ", w->f);
    }
}

static void open_level(jw *w, const char *key, char open, char close, int flat)
{
    prefix(w, key);
    fputc(open, w->f);
    if (w->depth + 1 < JW_MAX_DEPTH)
        w->depth++;
    w->count[w->depth] = 0;
    w->close[w->depth] = close;
    w->flat[w->depth] = (char)flat;
}

void jw_obj(jw *w, const char *key) { open_level(w, key, '{', '}', 0); }
void jw_arr(jw *w, const char *key) { open_level(w, key, '[', ']', 0); }
void jw_arr_flat(jw *w, const char *key) { open_level(w, key, '[', ']', 1); }

void jw_end(jw *w)
{
    if (w->depth == 0)
        return;
    int had = w->count[w->depth] && !w->flat[w->depth];
    char c = w->close[w->depth];
    w->depth--;
    if (had) {
        fputc('\n', w->f);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->f);
    }
    fputc(c, w->f);
}

void jw_str(jw *w, const char *key, const char *v)
{
    prefix(w, key);
    if (v)
        put_escaped(w->f, v);
    else
        fputs("null", w->f);
}

void jw_int(jw *w, const char *key, int64_t v)
{
    prefix(w, key);
    fprintf(w->f, "%" PRId64, v);
}

void jw_uint(jw *w, const char *key, uint64_t v)
{
    prefix(w, key);
    fprintf(w->f, "%" PRIu64, v);
}

void jw_num(jw *w, const char *key, double v)
{
    prefix(w, key);
    if (isfinite(v))
        fprintf(w->f, "%.9g", v);
    else
        fputs("null", w->f);
}

void jw_bool(jw *w, const char *key, int v)
{
    prefix(w, key);
    fputs(v ? "true" : "false", w->f);
}

void jw_null(jw *w, const char *key)
{
    prefix(w, key);
    fputs("null", w->f);
}

void jw_finish(jw *w)
{
    while (w->depth > 0)
        jw_end(w);
    fputc('\n', w->f);
}
