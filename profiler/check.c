/*
 * `tinysim check`'s comparison of two run reports: validating both, refusing what cannot be
 * compared, the verdict per figure, and the text and Markdown write-ups.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "models/text.h"
#include "profiler/check.h"

/* The metrics in CHECK_M_* bit order: the --metric word, the report field, the label. The
 * first four are per layer and per inference; flash and ram are the run's memory use. */
#define NM 6
#define NL 4 /* the metrics a layer has */
static const struct {
    const char *word;
    const char *field;
    unsigned bit;
} check_metrics[NM] = {
    {"cycles", "cycles", CHECK_M_CYCLES},
    {"energy", "energy_j", CHECK_M_ENERGY},
    {"stack", "stack_bytes", CHECK_M_STACK},
    {"arena", "arena_bytes", CHECK_M_ARENA},
    {"flash", "used", CHECK_M_FLASH}, /* memory.flash.used */
    {"ram", "used", CHECK_M_RAM},     /* memory.ram.used */
};
#define METRIC_WORDS "cycles, energy, stack, arena (or all), flash, ram"

enum { M_CYCLES, M_ENERGY, M_STACK, M_ARENA, M_FLASH, M_RAM };

/* ===================================================================== helpers */

static int check_fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int check_fail(char *err, size_t n, const char *fmt, ...)
{
    if (err != NULL && n > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/*
 * s made fit to show in n bytes: control characters (C1 included), DEL and bytes that are not
 * well-formed UTF-8 become '?' (names in reports come from models and firmware), a cut falls
 * on a UTF-8 character boundary and ends in "..."; with md, Markdown punctuation is escaped
 * with a backslash. Returns buf.
 */
static const char *check_show(const char *s, char *buf, size_t n, int md)
{
    static const char md_special[] = "\\`*_[]<>|#~!&";
    size_t o = 0, i = 0;
    const size_t len = strlen(s);
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t sl = text_utf8_len(s + i); /* bytes of this character in s; 0: not UTF-8 */
        const int bad = c < 0x20 || c == 0x7F || sl == 0 ||
                        (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0); /* C1 controls */
        if (bad)
            sl = 1;
        const int esc = md && c < 0x80 && c != 0 && strchr(md_special, c) != NULL;
        const size_t need = bad ? 1 : sl + (size_t)esc;
        if (o + need + 4 > n)
            break;
        if (bad) {
            buf[o++] = '?';
        } else {
            if (esc)
                buf[o++] = '\\';
            memcpy(buf + o, s + i, sl);
            o += sl;
        }
        i += sl;
    }
    if (i < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = 0;
    return buf;
}

/* A count, rounded and grouped by thousands ("1,234,567"); with sign, "+" or "-" before. */
static const char *fmt_count(double v, int sign, char *buf, size_t n)
{
    const char *sg = !sign ? "" : v < 0 ? "-" : "+";
    const double a = fabs(v);
    if (a >= 1e18) {
        snprintf(buf, n, "%s%.3e", sg, a);
        return buf;
    }
    char grp[32];
    text_grouped((uint64_t)llround(a), grp, sizeof grp);
    snprintf(buf, n, "%s%s", sg, grp);
    return buf;
}

/* A figure of metric m for people: cycles grouped, energy in uJ, bytes grouped with "B". */
static const char *fmt_value(int m, double v, int sign, char *buf, size_t n)
{
    char c[48];
    switch (m) {
    case M_ENERGY:
        snprintf(buf, n, sign ? "%+.3f uJ" : "%.3f uJ", v * 1e6);
        break;
    case M_STACK:
    case M_ARENA:
    case M_FLASH:
    case M_RAM:
        snprintf(buf, n, "%s B", fmt_count(v, sign, c, sizeof c));
        break;
    default:
        fmt_count(v, sign, buf, n);
        break;
    }
    return buf;
}

/* The change from base to now in percent ("+10.0%", "-0.25%"); "n/a" from 0. */
static const char *fmt_pct(double base, double now, char *buf, size_t n)
{
    if (base == 0) {
        snprintf(buf, n, "n/a");
        return buf;
    }
    const double pct = (now - base) / base * 100.0;
    snprintf(buf, n, fabs(pct) < 0.1 ? "%+.2f%%" : "%+.1f%%", pct);
    return buf;
}

/* The tolerance as given ("1.0%", "0.25%"). */
static const char *fmt_tol(double tol, char *buf, size_t n)
{
    if (tol * 10 == floor(tol * 10) && tol < 1e15)
        snprintf(buf, n, "%.1f%%", tol);
    else
        snprintf(buf, n, "%g%%", tol);
    return buf;
}

/* ===================================================================== options */

int check_parse_metrics(const char *list, unsigned *mask, char *err, size_t errsize)
{
    unsigned m = 0;
    const char *p = list != NULL ? list : "";
    for (;;) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p != 0 && *p != ',' && *p != ' ')
            p++;
        const size_t wl = (size_t)(p - w);
        while (*p == ' ')
            p++;
        if (wl == 0)
            return check_fail(err, errsize, "empty metric in \"%s\": valid metrics are "
                              METRIC_WORDS ", separated by commas", list != NULL ? list : "");
        if (*p != 0 && *p != ',') {
            char shown[64];
            return check_fail(err, errsize, "metrics in \"%s\" must be separated by commas: "
                              "valid metrics are " METRIC_WORDS,
                              check_show(list, shown, sizeof shown, 0));
        }
        unsigned bit = 0;
        if (wl == 3 && memcmp(w, "all", 3) == 0)
            bit = CHECK_M_ALL;
        for (int i = 0; i < NM && bit == 0; i++)
            if (strlen(check_metrics[i].word) == wl && memcmp(w, check_metrics[i].word, wl) == 0)
                bit = check_metrics[i].bit;
        if (bit == 0) {
            char word[64], shown[sizeof word];
            snprintf(word, sizeof word, "%.*s", (int)(wl < 48 ? wl : 48), w);
            return check_fail(err, errsize, "unknown metric \"%s\": valid metrics are "
                              METRIC_WORDS, check_show(word, shown, sizeof shown, 0));
        }
        m |= bit;
        if (*p == 0)
            break;
        p++; /* ',' */
    }
    *mask = m;
    return 0;
}

int check_parse_tolerance(const char *s, double *pct, char *err, size_t errsize)
{
    const char *p = s != NULL ? s : "";
    double v = 0, scale = 1;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            scale /= 10;
            v += (*p++ - '0') * scale;
            digits++;
        }
    }
    if (*p == '%')
        p++;
    if (digits == 0 || *p != 0 || !isfinite(v)) {
        char shown[64];
        return check_fail(err, errsize, "invalid tolerance \"%s\": give a percentage such as "
                          "1, 0.5 or 2%% (not negative)",
                          check_show(s != NULL ? s : "", shown, sizeof shown, 0));
    }
    *pct = v;
    return 0;
}

/* ===================================================================== reports */

/* What the comparison reads from one report, validated. */
typedef struct {
    const char *who;             /* "baseline" or "this run", to start messages */
    const char *board;           /* board.name */
    const json_value *inference; /* NULL when the run had none */
    const char *model;           /* inference.model, or NULL */
    const json_value *layers;    /* the layers array when there is an inference */
    size_t nlayers;
    int probed;                  /* inference.probed: the layers are probed calls, and the
                                    inference's figures their sums */
    double total_cycles;         /* totals.cycles: read when there is no inference */
    double mem_used[2];          /* memory.flash.used, memory.ram.used (when selected) */
    double clock_hz;             /* board.clock_hz, 0 when absent */
    const char *model_hash, *input_hash; /* inference.*_hash, NULL when absent or null */
} check_report;

/*
 * Member key of obj, of type t, into *out; path is obj's place in the report ("" for the
 * top, "layers[3]") for messages. -1 with a message when it is missing or of another type.
 */
static int need(const check_report *r, const json_value *obj, const char *path, const char *key,
                json_type t, const json_value **out, char *err, size_t errsize)
{
    const json_value *v = json_get(obj, key);
    const char *dot = path[0] ? "." : "";
    if (v == NULL)
        return check_fail(err, errsize, "%s: %s%s%s is missing", r->who, path, dot, key);
    if (json_type_of(v) != t)
        return check_fail(err, errsize, "%s: %s%s%s is %s, expected %s", r->who, path, dot, key,
                          json_type_name(json_type_of(v)), json_type_name(t));
    *out = v;
    return 0;
}

/* A string member, which must not contain NUL ("\u0000") so that C string compares are exact. */
static int need_string(const check_report *r, const json_value *obj, const char *path,
                       const char *key, const char **out, char *err, size_t errsize)
{
    const json_value *v;
    size_t len;
    if (need(r, obj, path, key, JSON_STRING, &v, err, errsize) < 0)
        return -1;
    *out = json_string(v, &len);
    if (strlen(*out) != len)
        return check_fail(err, errsize, "%s: %s%s%s contains a NUL character", r->who, path,
                          path[0] ? "." : "", key);
    return 0;
}

/* A figure: a number, at least 0 (the parser only returns finite ones). */
static int need_figure(const check_report *r, const json_value *obj, const char *path,
                       const char *key, double *out, char *err, size_t errsize)
{
    const json_value *v;
    if (need(r, obj, path, key, JSON_NUMBER, &v, err, errsize) < 0)
        return -1;
    *out = json_number(v);
    if (!(*out >= 0))
        return check_fail(err, errsize, "%s: %s%s%s is %g, expected a number not below 0",
                          r->who, path, path[0] ? "." : "", key, *out);
    return 0;
}

/* The figures of the selected metrics of obj (the inference or a layer). */
static int need_metrics(const check_report *r, const json_value *obj, const char *path,
                        unsigned mask, char *err, size_t errsize)
{
    for (int m = 0; m < NL; m++) {
        double v;
        if ((mask & check_metrics[m].bit) &&
            need_figure(r, obj, path, check_metrics[m].field, &v, err, errsize) < 0)
            return -1;
    }
    return 0;
}

/*
 * Validate report root (file names it: the baseline's file name, or "the report") and fill r
 * with what the comparison reads. -1 with a message for anything it needs that is not there
 * or not as tinysim writes it.
 */
static int load_report(const json_value *root, const char *who, const char *file, int baseline,
                       unsigned mask, check_report *r, char *err, size_t errsize)
{
    char shown[96];
    const json_value *v, *board;
    memset(r, 0, sizeof *r);
    r->who = who;
    if (json_type_of(root) != JSON_OBJECT)
        return check_fail(err, errsize, "%s: %s holds %s, not a tinysim report (an object with "
                          "\"schema\": \"" CHECK_SCHEMA "\")", who, file,
                          root == NULL ? "nothing" : json_type_name(json_type_of(root)));
    v = json_get(root, "schema");
    if (v == NULL)
        return check_fail(err, errsize, "%s: %s has no \"schema\": it is not a tinysim report "
                          "(this tinysim reads " CHECK_SCHEMA ")", who, file);
    size_t slen;
    const char *schema = json_string(v, &slen);
    if (schema == NULL)
        return check_fail(err, errsize, "%s: %s has a \"schema\" that is %s, not a string: this "
                          "tinysim reads " CHECK_SCHEMA, who, file, json_type_name(json_type_of(v)));
    if (slen != strlen(CHECK_SCHEMA) || memcmp(schema, CHECK_SCHEMA, slen) != 0)
        return check_fail(err, errsize, "%s: %s has schema \"%s\", and this tinysim reads "
                          CHECK_SCHEMA "%s", who, file, check_show(schema, shown, sizeof shown, 0),
                          baseline ? " (write the baseline again with this tinysim's run --json)"
                                   : "");

    if (need(r, root, "", "board", JSON_OBJECT, &board, err, errsize) < 0 ||
        need_string(r, board, "board", "name", &r->board, err, errsize) < 0)
        return -1;
    if (json_get(board, "clock_hz") &&
        need_figure(r, board, "board", "clock_hz", &r->clock_hz, err, errsize) < 0)
        return -1;

    v = json_get(root, "inference");
    if (v != NULL && json_type_of(v) != JSON_NULL) {
        if (json_type_of(v) != JSON_OBJECT)
            return check_fail(err, errsize, "%s: inference is %s, expected an object or null",
                              who, json_type_name(json_type_of(v)));
        r->inference = v;
        if (need_string(r, v, "inference", "model", &r->model, err, errsize) < 0 ||
            need_metrics(r, v, "inference", mask, err, errsize) < 0 ||
            need(r, root, "", "layers", JSON_ARRAY, &r->layers, err, errsize) < 0)
            return -1;
        r->nlayers = json_len(r->layers);
        r->probed = json_bool(json_get(v, "probed"));
        static const char *const hk[2] = {"model_hash", "input_hash"};
        for (int h = 0; h < 2; h++) {
            const json_value *hv = json_get(v, hk[h]);
            const char **to = h ? &r->input_hash : &r->model_hash;
            if (hv && json_type_of(hv) != JSON_NULL &&
                need_string(r, v, "inference", hk[h], to, err, errsize) < 0)
                return -1;
        }
        for (size_t i = 0; i < r->nlayers; i++) {
            char path[40];
            const char *op;
            const json_value *l = json_at(r->layers, i);
            snprintf(path, sizeof path, "layers[%zu]", i);
            if (json_type_of(l) != JSON_OBJECT)
                return check_fail(err, errsize, "%s: %s is %s, expected an object", who, path,
                                  json_type_name(json_type_of(l)));
            if (need_string(r, l, path, "op", &op, err, errsize) < 0 ||
                need_metrics(r, l, path, mask, err, errsize) < 0)
                return -1;
        }
    } else if (mask & CHECK_M_CYCLES) {
        const json_value *totals;
        if (need(r, root, "", "totals", JSON_OBJECT, &totals, err, errsize) < 0 ||
            need_figure(r, totals, "totals", "cycles", &r->total_cycles, err, errsize) < 0)
            return -1;
    }
    if (mask & (CHECK_M_FLASH | CHECK_M_RAM)) {
        const json_value *mem, *part;
        if (need(r, root, "", "memory", JSON_OBJECT, &mem, err, errsize) < 0)
            return -1;
        for (int k = 0; k < 2; k++) {
            const char *which = k ? "ram" : "flash";
            char path[16];
            snprintf(path, sizeof path, "memory.%s", which);
            if ((mask & check_metrics[M_FLASH + k].bit) &&
                (need(r, mem, "memory", which, JSON_OBJECT, &part, err, errsize) < 0 ||
                 need_figure(r, part, path, "used", &r->mem_used[k], err, errsize) < 0))
                return -1;
        }
    }
    return 0;
}

static const char *layer_op(const check_report *r, size_t i)
{
    return json_string(json_get(json_at(r->layers, i), "op"), NULL);
}

/* Refuse two valid reports that cannot be compared: other board or clock, other model, other
 * input (unless allowed); note a model of other bytes, or an input allowed to differ. */
static int comparable(const check_report *b, const check_report *c, int allow_input,
                      char *note, size_t notesize, char *err, size_t errsize)
{
    char s1[96], s2[96];
    note[0] = 0;
    if (strcmp(b->board, c->board) != 0)
        return check_fail(err, errsize, "baseline ran on %s, this run on %s: compare runs on the "
                          "same board", check_show(b->board, s1, sizeof s1, 0),
                          check_show(c->board, s2, sizeof s2, 0));
    if (b->clock_hz && c->clock_hz && b->clock_hz != c->clock_hz)
        return check_fail(err, errsize, "baseline ran at %.6g MHz, this run at %.6g MHz: compare "
                          "runs at the same clock", b->clock_hz / 1e6, c->clock_hz / 1e6);
    if (b->input_hash && c->input_hash && strcmp(b->input_hash, c->input_hash) != 0) {
        if (!allow_input)
            return check_fail(err, errsize, "the input differs: baseline ran input %s, this run "
                              "%s: compare runs on the same input (or give "
                              "--allow-input-change)", check_show(b->input_hash, s1, sizeof s1, 0),
                              check_show(c->input_hash, s2, sizeof s2, 0));
        snprintf(note, notesize, "the input differs from the baseline's (--allow-input-change)");
    }
    if (b->model_hash && c->model_hash && strcmp(b->model_hash, c->model_hash) != 0)
        snprintf(note + strlen(note), notesize - strlen(note), "%sthe model's bytes differ from "
                 "the baseline's (same layers)", note[0] ? "; " : "");
    if (b->model == NULL && c->model != NULL)
        return check_fail(err, errsize, "baseline ran no inference, but this run ran one (model "
                          "%s): compare runs of the same firmware and model",
                          check_show(c->model, s1, sizeof s1, 0));
    if (b->model != NULL && c->model == NULL)
        return check_fail(err, errsize, "baseline ran an inference (model %s), but this run ran "
                          "none: compare runs of the same firmware and model",
                          check_show(b->model, s1, sizeof s1, 0));
    if (b->model == NULL)
        return 0;
    if (strcmp(b->model, c->model) != 0)
        return check_fail(err, errsize, "the model differs: baseline ran %s, this run %s: "
                          "compare runs of the same model", check_show(b->model, s1, sizeof s1, 0),
                          check_show(c->model, s2, sizeof s2, 0));
    if (b->nlayers != c->nlayers)
        return check_fail(err, errsize, "the model differs: baseline has %zu layers, this run "
                          "%zu: compare runs of the same model", b->nlayers, c->nlayers);
    for (size_t i = 0; i < b->nlayers; i++)
        if (strcmp(layer_op(b, i), layer_op(c, i)) != 0)
            return check_fail(err, errsize, "the model differs: layer %zu is %s in the baseline "
                              "and %s in this run: compare runs of the same model", i,
                              check_show(layer_op(b, i), s1, sizeof s1, 0),
                              check_show(layer_op(c, i), s2, sizeof s2, 0));
    return 0;
}

/* ===================================================================== figures */

enum { V_UNCHANGED, V_WITHIN, V_IMPROVED, V_REGRESSION };

static const char *const verdict_word[] = {"unchanged", "within tolerance", "improved",
                                           "REGRESSION"};

/* One compared figure. */
typedef struct {
    size_t layer;   /* SIZE_MAX: the whole inference (or run) */
    const char *op; /* the layer's op */
    int m;          /* M_* */
    size_t calls;   /* probed calls (not 0): the layers are calls, the total their sum */
    double base, now;
    int verdict;
} check_figure;

/* The comparison: two validated, comparable reports and the options. */
typedef struct {
    check_report b, c;
    double tol;
    unsigned mask;
    char note[160];  /* what differs but does not stop the comparison */
} check_ctx;

/*
 * Figures are numbered NM per layer (one per metric) and NM for the total; slot i is a figure
 * when its metric is selected and available: flash and ram for the total only. Without an
 * inference only the total cycles (totals.cycles), flash and ram are. Returns the slot count.
 */
static size_t figure_slots(const check_ctx *k)
{
    return k->b.model != NULL ? (k->b.nlayers + 1) * NM : NM;
}

/* Figure i into *f; 0 when slot i holds none. */
static int figure_at(const check_ctx *k, size_t i, check_figure *f)
{
    const size_t layer = i / NM;
    const int m = (int)(i % NM);
    if (!(k->mask & check_metrics[m].bit))
        return 0;
    f->m = m;
    f->op = NULL;
    f->calls = k->b.probed ? k->b.nlayers : 0;
    if (m >= M_FLASH) {
        if (k->b.model != NULL && layer < k->b.nlayers)
            return 0;
        f->layer = SIZE_MAX;
        f->base = k->b.mem_used[m - M_FLASH];
        f->now = k->c.mem_used[m - M_FLASH];
    } else if (k->b.model == NULL) {
        if (m != M_CYCLES)
            return 0;
        f->layer = SIZE_MAX;
        f->base = k->b.total_cycles;
        f->now = k->c.total_cycles;
    } else {
        const json_value *bo = k->b.inference, *co = k->c.inference;
        f->layer = SIZE_MAX;
        if (layer < k->b.nlayers) {
            bo = json_at(k->b.layers, layer);
            co = json_at(k->c.layers, layer);
            f->layer = layer;
            f->op = layer_op(&k->b, layer);
        }
        f->base = json_number(json_get(bo, check_metrics[m].field));
        f->now = json_number(json_get(co, check_metrics[m].field));
    }
    /* The rule in check.h, written so that base 0 needs no special case. */
    const double t = k->tol * f->base;
    if (f->now == f->base)
        f->verdict = V_UNCHANGED;
    else if ((f->now - f->base) * 100.0 > t)
        f->verdict = V_REGRESSION;
    else if ((f->base - f->now) * 100.0 > t)
        f->verdict = V_IMPROVED;
    else
        f->verdict = V_WITHIN;
    return 1;
}

/* "layer 4 CONV_2D cycles", "total energy"; for probed calls "call 2 process_frame cycles"
 * and "sum of 4 calls energy" (a total over the calls, not a figure per call); md escapes the
 * op for Markdown. */
static const char *figure_label(const check_figure *f, int md, char *buf, size_t n)
{
    char op[64];
    if (f->m >= M_FLASH)
        snprintf(buf, n, "%s used", f->m == M_FLASH ? "flash" : "RAM");
    else if (f->layer == SIZE_MAX && f->calls)
        snprintf(buf, n, "sum of %zu call%s %s", f->calls, f->calls == 1 ? "" : "s",
                 check_metrics[f->m].word);
    else if (f->layer == SIZE_MAX)
        snprintf(buf, n, "total %s", check_metrics[f->m].word);
    else
        snprintf(buf, n, "%s %zu %s %s", f->calls ? "call" : "layer", f->layer,
                 check_show(f->op, op, sizeof op, md), check_metrics[f->m].word);
    return buf;
}

/* How many figures of each verdict, and the widest label among those that moved. */
typedef struct {
    size_t n[4];
    size_t figures, width;
} check_tally;

static void tally(const check_ctx *k, check_tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < figure_slots(k); i++) {
        check_figure f;
        char label[128];
        if (!figure_at(k, i, &f))
            continue;
        t->figures++;
        t->n[f.verdict]++;
        if (f.verdict != V_UNCHANGED) {
            size_t w = strlen(figure_label(&f, 0, label, sizeof label));
            if (w > t->width)
                t->width = w;
        }
    }
}

/* ===================================================================== output */

/* "energy, stack and arena" for the metrics of mask that need an inference ("" for none);
 * returns how many there are. */
static int unavailable_words(unsigned mask, char *buf, size_t n)
{
    const char *w[3];
    int k = 0;
    for (int m = M_ENERGY; m <= M_ARENA; m++)
        if (mask & check_metrics[m].bit)
            w[k++] = check_metrics[m].word;
    if (k == 0)
        snprintf(buf, n, "%s", "");
    else if (k == 1)
        snprintf(buf, n, "%s", w[0]);
    else if (k == 2)
        snprintf(buf, n, "%s and %s", w[0], w[1]);
    else
        snprintf(buf, n, "%s, %s and %s", w[0], w[1], w[2]);
    return k;
}

/* The metrics selected, "cycles, energy, stack, arena". */
static void metric_list(unsigned mask, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (int m = 0; m < NM; m++)
        if (mask & check_metrics[m].bit) {
            int w = snprintf(buf + o, n - o, "%s%s", o ? ", " : "", check_metrics[m].word);
            if (w < 0 || (size_t)w >= n - o)
                break;
            o += (size_t)w;
        }
}

/* The note for runs without an inference, or for probed calls, or "" for an inference. */
static void no_inference_note(const check_ctx *k, char *buf, size_t n)
{
    char un[48];
    buf[0] = 0;
    if (k->b.model != NULL && k->b.probed)
        snprintf(buf, n, "the rows are the firmware's %zu top-level probed calls, each compared "
                 "per call; the \"sum of\" figures are totals over all of them", k->b.nlayers);
    if (k->b.model != NULL)
        return;
    const int nun = unavailable_words(k->mask, un, sizeof un);
    const char *are = nun > 1 ? "are" : "is";
    if (nun > 0 && (k->mask & CHECK_M_CYCLES))
        snprintf(buf, n, "the firmware runs no inference: %s %s not available, only the total "
                 "cycles are compared", un, are);
    else if (nun > 0)
        snprintf(buf, n, "the firmware runs no inference: %s %s not available, so nothing is "
                 "compared", un, are);
    else
        snprintf(buf, n, "the firmware runs no inference: only the total cycles are compared");
}

/* "no regression beyond 1.0% (2 figures moved within tolerance, 1 improved)" and the like,
 * after "FAIL: " or "OK: ". Regressions are listed by label (up to 3). */
static void summary(const check_ctx *k, const check_tally *t, int md, char *buf, size_t n)
{
    char tol[32];
    fmt_tol(k->tol, tol, sizeof tol);
    size_t o = 0;
#define ADD(...)                                                                                 \
    do {                                                                                         \
        int w_ = snprintf(buf + o, n - o, __VA_ARGS__);                                          \
        o = w_ < 0 ? o : (size_t)w_ >= n - o ? n - 1 : o + (size_t)w_;                           \
    } while (0)
    buf[0] = 0;
    if (t->n[V_REGRESSION] > 0) {
        size_t listed = 0;
        ADD("%zu regression%s beyond %s (", t->n[V_REGRESSION], t->n[V_REGRESSION] > 1 ? "s" : "",
            tol);
        for (size_t i = 0; i < figure_slots(k) && listed < 3; i++) {
            check_figure f;
            char label[128], pct[32], now[48];
            if (!figure_at(k, i, &f) || f.verdict != V_REGRESSION)
                continue;
            figure_label(&f, md, label, sizeof label);
            if (f.base == 0)
                ADD("%s%s from 0 to %s", listed ? ", " : "", label,
                    fmt_value(f.m, f.now, 0, now, sizeof now));
            else
                ADD("%s%s %s", listed ? ", " : "", label, fmt_pct(f.base, f.now, pct, sizeof pct));
            listed++;
        }
        if (t->n[V_REGRESSION] > listed)
            ADD(", and %zu more", t->n[V_REGRESSION] - listed);
        ADD(")");
    } else if (t->figures == 0) {
        ADD("nothing to compare");
    } else if (t->n[V_WITHIN] + t->n[V_IMPROVED] == 0) {
        ADD("identical to the baseline (%zu figure%s compared)", t->figures,
            t->figures > 1 ? "s" : "");
    } else {
        ADD("no regression beyond %s (%zu figure%s moved within tolerance, %zu improved)", tol,
            t->n[V_WITHIN], t->n[V_WITHIN] == 1 ? "" : "s", t->n[V_IMPROVED]);
    }
#undef ADD
}

/* The four formatted columns of a figure that moved. */
typedef struct {
    char base[48], now[48], delta[48], pct[32];
} check_cols;

static void figure_cols(const check_figure *f, check_cols *c)
{
    fmt_value(f->m, f->base, 0, c->base, sizeof c->base);
    fmt_value(f->m, f->now, 0, c->now, sizeof c->now);
    fmt_value(f->m, f->now - f->base, 1, c->delta, sizeof c->delta);
    fmt_pct(f->base, f->now, c->pct, sizeof c->pct);
}

/* One figure as a text line. */
static void text_row(const check_figure *fg, size_t width, FILE *f)
{
    check_cols c;
    char label[128];
    figure_cols(fg, &c);
    fprintf(f, "  %-*s %14s -> %-14s %13s %8s  %s\n", (int)width,
            figure_label(fg, 0, label, sizeof label), c.base, c.now, c.delta, c.pct,
            verdict_word[fg->verdict]);
}

/* One figure as a Markdown table row. */
static void md_row(const check_figure *fg, FILE *f)
{
    check_cols c;
    char label[160];
    figure_cols(fg, &c);
    fprintf(f, "| %s | %s | %s | %s | %s | %s%s%s |\n", figure_label(fg, 1, label, sizeof label),
            c.base, c.now, c.delta, c.pct, fg->verdict == V_REGRESSION ? "**" : "",
            verdict_word[fg->verdict], fg->verdict == V_REGRESSION ? "**" : "");
}

static const int moved_order[] = {V_REGRESSION, V_IMPROVED, V_WITHIN};

static void write_text(const check_ctx *k, const check_tally *t, const char *base_name, FILE *f,
                       int verbose)
{
    char name[256], model[96], board[96], tol[32], metrics[64], note[160], sum[512];
    check_show(base_name, name, sizeof name, 0);
    fmt_tol(k->tol, tol, sizeof tol);
    metric_list(k->mask, metrics, sizeof metrics);
    check_show(k->c.board, board, sizeof board, 0);
    if (k->c.model != NULL)
        fprintf(f, "check: baseline %s: model %s on %s, tolerance %s (%s)\n", name,
                check_show(k->c.model, model, sizeof model, 0), board, tol, metrics);
    else
        fprintf(f, "check: baseline %s: no inference, on %s, tolerance %s (%s)\n", name, board,
                tol, metrics);
    no_inference_note(k, note, sizeof note);
    if (note[0])
        fprintf(f, "check: %s\n", note);
    if (k->note[0])
        fprintf(f, "check: note: %s\n", k->note);
    summary(k, t, 0, sum, sizeof sum);
    fprintf(f, "check: %s: %s\n", t->n[V_REGRESSION] ? "FAIL" : "OK", sum);
    size_t width = t->width;
    if (verbose) { /* every figure, in report order */
        for (size_t i = 0; i < figure_slots(k); i++) {
            check_figure fg;
            char label[128];
            if (figure_at(k, i, &fg) && strlen(figure_label(&fg, 0, label, sizeof label)) > width)
                width = strlen(label);
        }
        for (size_t i = 0; i < figure_slots(k); i++) {
            check_figure fg;
            if (figure_at(k, i, &fg))
                text_row(&fg, width, f);
        }
        return;
    }
    for (int o = 0; o < 3; o++)
        for (size_t i = 0; i < figure_slots(k); i++) {
            check_figure fg;
            if (figure_at(k, i, &fg) && fg.verdict == moved_order[o])
                text_row(&fg, width, f);
        }
}

static const char md_head[] = "| Figure | Baseline | Now | Delta | Delta %% | Verdict |\n"
                              "| --- | ---: | ---: | ---: | ---: | --- |\n";

static void write_markdown(const check_ctx *k, const check_tally *t, const char *base_name, FILE *f)
{
    char name[256], model[128], board[128], note[160], sum[768];
    check_show(base_name, name, sizeof name, 1);
    check_show(k->c.board, board, sizeof board, 1);
    if (k->c.model != NULL)
        check_show(k->c.model, model, sizeof model, 1);
    else
        snprintf(model, sizeof model, "no inference");
    fprintf(f, "### tinysim check: %s on %s\n\n", model, board);
    summary(k, t, 1, sum, sizeof sum);
    fprintf(f, "**%s**: %s; baseline %s.\n\n", t->n[V_REGRESSION] ? "FAIL" : "OK", sum, name);
    no_inference_note(k, note, sizeof note);
    if (note[0])
        fprintf(f, "Note: %s.\n\n", note);
    if (k->note[0])
        fprintf(f, "Note: %s.\n\n", k->note);
    if (t->n[V_REGRESSION] + t->n[V_IMPROVED] + t->n[V_WITHIN] == 0)
        fprintf(f, "Nothing moved: every compared figure equals the baseline.\n\n");
    /* the totals, moved or not */
    fprintf(f, "Totals:\n\n");
    fprintf(f, md_head);
    for (size_t i = 0; i < figure_slots(k); i++) {
        check_figure fg;
        if (figure_at(k, i, &fg) && fg.layer == SIZE_MAX)
            md_row(&fg, f);
    }
    if (k->b.model == NULL || k->b.nlayers == 0 || !(k->mask & CHECK_M_ALL))
        return; /* no layer figures: flash and ram are the run's */
    size_t moved = 0;
    for (size_t i = 0; i < figure_slots(k); i++) {
        check_figure fg;
        moved += figure_at(k, i, &fg) && fg.layer != SIZE_MAX && fg.verdict != V_UNCHANGED;
    }
    if (moved) {
        fprintf(f, "\n%s that moved:\n\n", k->b.probed ? "Calls" : "Layers");
        fprintf(f, md_head);
        for (int o = 0; o < 3; o++)
            for (size_t i = 0; i < figure_slots(k); i++) {
                check_figure fg;
                if (figure_at(k, i, &fg) && fg.layer != SIZE_MAX && fg.verdict == moved_order[o])
                    md_row(&fg, f);
            }
    } else {
        fprintf(f, "\nNo %s figure moved.\n", k->b.probed ? "call's" : "layer's");
    }
    fprintf(f, "\n<details><summary>All %zu %s</summary>\n\n", k->b.nlayers,
            k->b.probed ? "calls" : "layers");
    fprintf(f, md_head);
    for (size_t i = 0; i < figure_slots(k); i++) {
        check_figure fg;
        if (figure_at(k, i, &fg) && fg.layer != SIZE_MAX)
            md_row(&fg, f);
    }
    fprintf(f, "\n</details>\n");
}

/* ===================================================================== HTML */

static const char *const verdict_class[] = {"same", "within", "better", "worse"};

static void html_row(const check_figure *fg, FILE *f)
{
    check_cols c;
    char label[160];
    figure_cols(fg, &c);
    fprintf(f, "<tr class=\"%s\"><td class=\"l\">", verdict_class[fg->verdict]);
    text_html(f, figure_label(fg, 0, label, sizeof label));
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"l\">%s</td></tr>\n",
            c.base, c.now, c.delta, c.pct, verdict_word[fg->verdict]);
}

/* The page: the verdict, the totals, the cycles of each layer side by side (the baseline's
 * bar over this run's, the moved ones highlighted), and every figure in a table. */
static void write_html(const check_ctx *k, const check_tally *t, const char *base_name, FILE *f)
{
    char sum[768];
    summary(k, t, 0, sum, sizeof sum);
    const int fail = t->n[V_REGRESSION] > 0;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>tinysim check</title>\n<style>\n"
          "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}\n"
          "h1{font-size:20px}h2{font-size:17px;margin-top:24px;border-bottom:1px solid #ccc}\n"
          "table{border-collapse:collapse;font-size:12px}\n"
          "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}\n"
          "th{background:#f4f4f4}td.l,th.l{text-align:left}\n"
          "tr.worse{background:#fbe3e2;font-weight:bold}tr.better{background:#e3f4e1}"
          "tr.within{background:#fdf6dc}\n"
          ".verdict{font-size:15px;padding:8px 12px;border-radius:4px;display:inline-block}\n"
          ".fail{background:#fbe3e2}.ok{background:#e3f4e1}\n"
          "svg text{font-family:sans-serif;font-size:11px}\n</style>\n</head>\n<body>\n", f);
    fputs("<h1>tinysim check: ", f);
    text_html(f, k->c.model ? k->c.model : "no inference");
    fputs(" on ", f);
    text_html(f, k->c.board);
    fprintf(f, "</h1>\n<p><span class=\"verdict %s\">%s: ", fail ? "fail" : "ok", fail ? "FAIL" : "OK");
    text_html(f, sum);
    fputs("</span></p>\n<p>Baseline ", f);
    text_html(f, base_name);
    fputs(", this run beside it.", f);
    if (k->note[0]) {
        fputs(" Note: ", f);
        text_html(f, k->note);
    }
    fputs("</p>\n<h2>Totals</h2>\n<table id=\"totals\">\n<tr><th class=\"l\">figure</th>"
          "<th>baseline</th><th>now</th><th>delta</th><th>delta %</th><th class=\"l\">verdict</th>"
          "</tr>\n", f);
    for (size_t i = 0; i < figure_slots(k); i++) {
        check_figure fg;
        if (figure_at(k, i, &fg) && fg.layer == SIZE_MAX)
            html_row(&fg, f);
    }
    fputs("</table>\n", f);
    if (k->b.model != NULL && k->b.nlayers > 0 && (k->mask & CHECK_M_CYCLES)) {
        /* the cycles per layer: baseline and now, side by side */
        double max = 1;
        size_t n = k->b.nlayers;
        for (size_t i = 0; i < figure_slots(k); i++) {
            check_figure fg;
            if (figure_at(k, i, &fg) && fg.layer != SIZE_MAX && fg.m == M_CYCLES) {
                if (fg.base > max)
                    max = fg.base;
                if (fg.now > max)
                    max = fg.now;
            }
        }
        const int lw = 190, bw = 520, rh = 22, w = lw + bw + 150, h = (int)n * rh + 30;
        fprintf(f, "<h2>Cycles per layer: baseline (grey) and now</h2>\n<svg id=\"check-chart\" "
                   "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
                   "aria-label=\"cycles per layer, baseline and now\">\n", w, h, w, h);
        for (size_t i = 0; i < figure_slots(k); i++) {
            check_figure fg;
            if (!figure_at(k, i, &fg) || fg.layer == SIZE_MAX || fg.m != M_CYCLES)
                continue;
            int y = 10 + (int)fg.layer * rh;
            const char *col = fg.verdict == V_REGRESSION ? "#e15759"
                              : fg.verdict == V_IMPROVED ? "#59a14f"
                              : fg.verdict == V_WITHIN   ? "#edc948"
                                                          : "#4e79a7";
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"%s>%zu ", lw - 6, y + 14,
                    fg.verdict == V_REGRESSION ? " font-weight=\"bold\"" : "", fg.layer);
            text_html(f, fg.op);
            fprintf(f, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"8\" "
                       "fill=\"#bbb\"><title>baseline: %.0f cycles</title></rect>\n", lw, y + 2,
                    fg.base / max * bw, fg.base);
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"8\" fill=\"%s\">"
                       "<title>now: %.0f cycles</title></rect>\n", lw, y + 11, fg.now / max * bw,
                    col, fg.now);
            if (fg.verdict != V_UNCHANGED)
                fprintf(f, "<text x=\"%.1f\" y=\"%d\">%+.1f%%</text>\n",
                        lw + (fg.now > fg.base ? fg.now : fg.base) / max * bw + 4, y + 14,
                        fg.base > 0 ? 100.0 * (fg.now - fg.base) / fg.base : 100.0);
        }
        fputs("</svg>\n", f);
    }
    if (k->b.model != NULL && k->b.nlayers > 0 && (k->mask & CHECK_M_ALL)) {
        fprintf(f, "<h2>Every %s figure</h2>\n<table id=\"layers\">\n<tr><th class=\"l\">"
                   "figure</th><th>baseline</th><th>now</th><th>delta</th><th>delta %%</th>"
                   "<th class=\"l\">verdict</th></tr>\n", k->b.probed ? "call's" : "layer's");
        for (size_t i = 0; i < figure_slots(k); i++) {
            check_figure fg;
            if (figure_at(k, i, &fg) && fg.layer != SIZE_MAX)
                html_row(&fg, f);
        }
        fputs("</table>\n", f);
    }
    fputs("</body>\n</html>\n", f);
}

/* ===================================================================== compare */

/* The comparison both outputs start from: the options checked, the reports loaded and found
 * comparable, the figures tallied. 0, or -1 with err. */
static int prepare(const json_value *base, const json_value *cur, const check_opts *o,
                   const char *base_name, check_ctx *k, check_tally *t, char *file, size_t fn,
                   char *err, size_t errsize)
{
    if (err != NULL && errsize > 0)
        err[0] = 0;
    if (!(o->tolerance_pct >= 0) || !isfinite(o->tolerance_pct))
        return check_fail(err, errsize, "the tolerance must be a percentage of 0 or more, not %g",
                          o->tolerance_pct);
    if (o->metrics == 0 || (o->metrics & ~(unsigned)CHECK_M_EVERY) != 0)
        return check_fail(err, errsize, "invalid metric mask 0x%x: choose among "
                          METRIC_WORDS, o->metrics);
    check_show(base_name, file, fn, 0);
    k->tol = o->tolerance_pct;
    k->mask = o->metrics;
    if (load_report(base, "baseline", file, 1, k->mask, &k->b, err, errsize) < 0 ||
        load_report(cur, "this run", "the report", 0, k->mask, &k->c, err, errsize) < 0 ||
        comparable(&k->b, &k->c, o->allow_input_change, k->note, sizeof k->note, err, errsize) < 0)
        return -1;
    tally(k, t);
    return 0;
}

int check_compare_html(const json_value *base, const json_value *cur, const check_opts *o,
                       const char *base_name, FILE *html, char *err, size_t errsize)
{
    static const check_opts defaults = CHECK_OPTS_DEFAULT;
    check_ctx k;
    check_tally t;
    char file[256];
    if (prepare(base, cur, o ? o : &defaults, base_name ? base_name : "the baseline", &k, &t,
                file, sizeof file, err, errsize) < 0)
        return -1;
    write_html(&k, &t, file, html);
    return t.n[V_REGRESSION] > 0 ? 1 : 0;
}

int check_compare(const json_value *base, const json_value *cur, const check_opts *o,
                  const char *base_name, FILE *text, FILE *markdown, char *err, size_t errsize)
{
    static const check_opts defaults = CHECK_OPTS_DEFAULT;
    check_ctx k;
    check_tally t;
    char file[256];
    if (o == NULL)
        o = &defaults;
    if (base_name == NULL)
        base_name = "the baseline";
    if (prepare(base, cur, o, base_name, &k, &t, file, sizeof file, err, errsize) < 0)
        return -1;
    if (text != NULL)
        write_text(&k, &t, base_name, text, o->verbose);
    if (markdown != NULL)
        write_markdown(&k, &t, base_name, markdown);
    return t.n[V_REGRESSION] > 0 ? 1 : 0;
}

const char *check_md_text(const char *s, char *buf, size_t n)
{
    return check_show(s, buf, n, 1);
}
