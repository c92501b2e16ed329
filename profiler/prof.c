/*
 * Per-layer accounting from the probes (see prof.h): model tables read from target memory
 * (validated, and cached), cycles and instructions between a layer's begin and end probes,
 * stack depth from the engine's lowest-SP tracking (nothing is written to the target).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/nn_model.h"
#include "models/modelfile.h"
#include "models/text.h"
#include "profiler/prof.h"

#define MAX_IMAGE (16u << 20)        /* largest model image read from the target */
#define PROF_CACHE 8                 /* models kept (load_model) */
#define CACHE_BYTES (32u << 20)      /* host bytes of cached images kept besides those in use */
#define LOAD_FREE (64ull << 20)      /* model bytes read and validated with no budget ... */
#define LOAD_PER_INSN 16u            /* ... then this many per guest instruction run */
#define PROF_MAX_PROBES 8            /* functions watched with --probe */
#define PROF_MAX_DEPTH 64            /* nesting of probed calls measured */
#define NONE UINT32_MAX

/*
 * A model read from target memory. The key: the nn_model's address and words and its image's
 * header as read (which holds the image's total size and CRC-32). The host copy of the image
 * is validated by the core's own loader, so every index the profiler takes from it is in
 * range. rows[k] are two sets of layer rows built from its tables: the running inference
 * fills one while the other keeps the figures of the last completed inference of the model;
 * dirty[k] lists the rows of set k written since it was last cleared, so clearing a set
 * costs what the inference wrote, not the model's size.
 */
typedef struct {
    uint32_t addr;                    /* the nn_model in target memory; 0: a free entry */
    uint32_t mw[7];                   /* its words: image, size, hdr, tensors, layers, arena,
                                         arena_size (core/nn_model.h) */
    uint8_t head[NN_TSM_HEADER_SIZE];
    uint8_t *image;                   /* host copy, NN_OK from nn_model_load */
    nn_model m;
    int arena_ok;                     /* mw[5] covers the planned arena inside the board's RAM */
    uint32_t n_layers;
    prof_layer *rows[2];
    uint32_t *dirty[2], n_dirty[2];
    uint64_t used;                    /* least recently used goes first */
} prof_cached;

struct prof {
    const sim_elf *elf;
    sim *s;
    uint32_t stack_limit;             /* __stack_limit__, 0 if unknown */
    uint32_t stack_top;               /* __stack_top__, else the initial SP; 0 if unknown */
    prof_cached cache[PROF_CACHE];
    uint64_t stamp, cached_bytes;
    uint64_t loaded_bytes, loads;     /* model image bytes read and validated, and reads */
    uint64_t next_id;                 /* inference ids (prof_inference_id) */
    /* the running inference (ci NULL: none): its model, row set, begin, id, lowest SP */
    prof_cached *ci;
    int cslot;
    prof_inference inf;
    sim_probe_event i_begin;
    uint64_t i_id;
    uint32_t i_low;
    /* the running layer of it (cur NONE: none) */
    uint32_t cur;
    sim_probe_event l_begin;
    uint32_t l_low;
    /* the last completed inference (li NULL: none), and its first output as it ended */
    prof_cached *li;
    int lslot;
    prof_inference last;
    uint64_t l_id;
    uint8_t *out;
    uint32_t out_size;
    int out_ok;
    char out_problem[160];
    int event_ok;                     /* the last probe event was measured */
    /* probe events that made no sense: the first, described, and how many */
    char problem[384];
    size_t problem_len;
    uint64_t n_problems;
    /* per-layer breakdown: block totals at the layer's begin (see snapshot) */
    uint64_t *fn_begin, *fn_now;      /* self cycles per function symbol (+1: no symbol) */
    uint64_t mix_begin[SIM_CLS_COUNT], mix_now[SIM_CLS_COUNT];
    uint32_t *bs, bs_cap, bs_n;       /* block address -> symbol index (block_sym) */
    /* --probe: watched functions, open calls (innermost last), top-level calls as rows */
    prof_probe probes[PROF_MAX_PROBES];
    uint32_t n_probes;
    struct {
        uint32_t probe, low;          /* low: the lowest SP seen during the call so far */
        sim_probe_event begin;        /* the call's entry (SP, counters) */
    } open[PROF_MAX_DEPTH];
    uint32_t n_open, lost_open;       /* lost_open: calls beyond PROF_MAX_DEPTH, not measured */
    prof_layer *calls;
    uint32_t n_calls;
    prof_inference probed;
    uint64_t *u_fn_begin, u_mix_begin[SIM_CLS_COUNT];
};

const char *const prof_group_names[PROF_G_COUNT] = {"alu", "mul_dsp", "load_store",
                                                     "branch", "fp", "other"};

void prof_groups(const uint64_t mix[SIM_CLS_COUNT], uint64_t out[PROF_G_COUNT])
{
    static const uint8_t group[SIM_CLS_COUNT] = {
        [SIM_CLS_ALU] = PROF_G_ALU,     [SIM_CLS_MUL] = PROF_G_MUL,
        [SIM_CLS_MULL] = PROF_G_MUL,    [SIM_CLS_DIV] = PROF_G_MUL,
        [SIM_CLS_DSP] = PROF_G_MUL,     [SIM_CLS_LOAD] = PROF_G_MEM,
        [SIM_CLS_STORE] = PROF_G_MEM,   [SIM_CLS_LDM] = PROF_G_MEM,
        [SIM_CLS_BRANCH] = PROF_G_BRANCH, [SIM_CLS_FP] = PROF_G_FP,
        [SIM_CLS_FPDIV] = PROF_G_FP,    [SIM_CLS_FPMEM] = PROF_G_MEM,
        [SIM_CLS_SYS] = PROF_G_OTHER,   [SIM_CLS_OTHER] = PROF_G_OTHER};
    memset(out, 0, PROF_G_COUNT * sizeof *out);
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        out[group[k]] += mix[k];
}

/*
 * The function symbol of each block, remembered by the block's address (an open-addressing
 * table, at most half full, of twice the blocks seen): a snapshot then costs a hash probe per
 * block instead of a search of the symbol table. Index n_syms: no symbol.
 */
static uint32_t block_sym(prof *p, uint32_t addr)
{
    uint32_t off, key = addr | 1u; /* block addresses are even: 0 marks a free slot */
    if (2 * (p->bs_n + 1) > p->bs_cap) {
        uint32_t cap = p->bs_cap ? 2 * p->bs_cap : 1024;
        uint32_t *t = calloc(2 * (size_t)cap, sizeof *t);
        if (t) {
            for (uint32_t i = 0; i < p->bs_cap; i++) {
                uint32_t k = p->bs[2 * i], h;
                if (!k)
                    continue;
                for (h = (k * 2654435761u) & (cap - 1); t[2 * h]; h = (h + 1) & (cap - 1))
                    ;
                t[2 * h] = k;
                t[2 * h + 1] = p->bs[2 * i + 1];
            }
            free(p->bs);
            p->bs = t;
            p->bs_cap = cap;
        }
    }
    const sim_symbol *sym;
    if (2 * (p->bs_n + 1) > p->bs_cap) { /* no memory to grow: look it up */
        sym = sim_elf_symbol_at(p->elf, addr, &off);
        return sym ? (uint32_t)(sym - p->elf->syms) : p->elf->n_syms;
    }
    uint32_t h = (key * 2654435761u) & (p->bs_cap - 1);
    for (; p->bs[2 * h]; h = (h + 1) & (p->bs_cap - 1))
        if (p->bs[2 * h] == key)
            return p->bs[2 * h + 1];
    sym = sim_elf_symbol_at(p->elf, addr, &off);
    p->bs[2 * h] = key;
    p->bs[2 * h + 1] = sym ? (uint32_t)(sym - p->elf->syms) : p->elf->n_syms;
    p->bs_n++;
    return p->bs[2 * h + 1];
}

/* Totals of every block that ran since reset: self cycles per function symbol and executed
 * instructions per class. A layer's figures are the difference between its end and begin. */
typedef struct {
    prof *p;
    uint64_t *fn, *mix;
} snap_acc;

static void snap_add(void *ud, const sim_block_info *b)
{
    snap_acc *a = ud;
    a->fn[block_sym(a->p, b->addr)] += b->cycles;
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        a->mix[k] += b->count * b->mix[k];
}

static void snapshot(prof *p, uint64_t *fn, uint64_t *mix)
{
    snap_acc a = {p, fn, mix};
    memset(fn, 0, ((size_t)p->elf->n_syms + 1) * sizeof *fn);
    memset(mix, 0, SIM_CLS_COUNT * sizeof *mix);
    sim_blocks(p->s, snap_add, &a);
}

/* The layer's mix and its top functions: now minus begin. */
static void layer_breakdown(prof *p, prof_layer *y, const uint64_t *fn_begin,
                            const uint64_t *mix_begin)
{
    snapshot(p, p->fn_now, p->mix_now);
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        y->mix[k] = p->mix_now[k] - mix_begin[k];
    y->n_top = 0;
    for (uint32_t i = 0; i <= p->elf->n_syms; i++) {
        uint64_t c = p->fn_now[i] - fn_begin[i];
        if (!c)
            continue;
        uint32_t j = y->n_top < PROF_TOP_FUNCS ? y->n_top++ : PROF_TOP_FUNCS;
        if (j == PROF_TOP_FUNCS && c <= y->top[PROF_TOP_FUNCS - 1].cycles)
            continue;
        if (j == PROF_TOP_FUNCS)
            j = PROF_TOP_FUNCS - 1;
        while (j > 0 && y->top[j - 1].cycles < c) { /* insertion, largest first */
            y->top[j] = y->top[j - 1];
            j--;
        }
        y->top[j].cycles = c;
        y->top[j].name = i < p->elf->n_syms ? p->elf->syms[i].name : "(no symbol)";
    }
}

prof *prof_new(const sim_elf *elf)
{
    prof *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->elf = elf;
    p->cur = NONE;
    p->fn_begin = calloc((size_t)elf->n_syms + 1, sizeof *p->fn_begin);
    p->fn_now = calloc((size_t)elf->n_syms + 1, sizeof *p->fn_now);
    p->u_fn_begin = calloc((size_t)elf->n_syms + 1, sizeof *p->u_fn_begin);
    if (!p->fn_begin || !p->fn_now || !p->u_fn_begin) {
        prof_free(p);
        return NULL;
    }
    const sim_symbol *lo = sim_elf_symbol(elf, "__stack_limit__");
    const sim_symbol *hi = sim_elf_symbol(elf, "__stack_top__");
    p->stack_top = hi ? hi->addr : 0;
    p->stack_limit = lo && (!hi || lo->addr < hi->addr) ? lo->addr : 0;
    return p;
}

/* Without __stack_top__, the stack's top is the initial SP: the first word of the vector table
 * at the flash base, where reset takes it from. */
void prof_attach(prof *p, sim *s)
{
    const sim_region *fl = sim_board_flash(sim_get_board(s));
    uint32_t sp0;
    p->s = s;
    if (!p->stack_top && fl && sim_read_target(s, fl->base, &sp0, sizeof sp0) == 0 &&
        sp0 > p->stack_limit)
        p->stack_top = sp0;
}

static void cache_drop(prof *p, prof_cached *c)
{
    if (c->image)
        p->cached_bytes -= c->mw[1];
    free(c->image);
    for (int k = 0; k < 2; k++) {
        free(c->rows[k]);
        free(c->dirty[k]);
    }
    memset(c, 0, sizeof *c);
}

void prof_free(prof *p)
{
    if (!p)
        return;
    for (int i = 0; i < PROF_CACHE; i++)
        cache_drop(p, &p->cache[i]);
    free(p->out);
    free(p->bs);
    free(p->fn_begin);
    free(p->fn_now);
    free(p->u_fn_begin);
    free(p->calls);
    free(p);
}

/* ===================================================================== nonsense */

static const char *const probe_fn[] = {"nn_probe_inference_begin", "nn_probe_inference_end",
                                       "nn_probe_layer_begin", "nn_probe_layer_end"};

/* The probe call as the firmware made it: "nn_probe_layer_end(0x00000000, 4294967295)". */
static const char *call_str(const sim_probe_event *ev, char *buf, size_t n)
{
    if (ev->kind == SIM_PROBE_LAYER_BEGIN || ev->kind == SIM_PROBE_LAYER_END)
        snprintf(buf, n, "%s(0x%08x, %u)", probe_fn[ev->kind], ev->r0, ev->r1);
    else
        snprintf(buf, n, "%s(0x%08x)", probe_fn[ev->kind & 1], ev->r0);
    return buf;
}

/*
 * A probe event that makes no sense (a value from the firmware that cannot be right): the
 * first is kept, described, for the one warning of the run (prof_problem); later ones are
 * counted. What it concerns is not measured.
 */
static void nonsense(prof *p, const sim_probe_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void nonsense(prof *p, const sim_probe_event *ev, const char *fmt, ...)
{
    const size_t room = sizeof p->problem - 64; /* the rest for the count */
    if (p->n_problems++ == 0) {
        char call[80], raw[sizeof p->problem];
        va_list ap;
        int w = snprintf(raw, sizeof raw, "the firmware's probe calls make no sense: %s at "
                         "cycle %llu: ", call_str(ev, call, sizeof call),
                         (unsigned long long)ev->cycles);
        size_t o = w < 0 ? 0 : (size_t)w < sizeof raw ? (size_t)w : sizeof raw - 1;
        va_start(ap, fmt);
        vsnprintf(raw + o, sizeof raw - o, fmt, ap);
        va_end(ap);
        text_safe(raw, p->problem, room); /* model names are the firmware's bytes */
        p->problem_len = strlen(p->problem);
        return;
    }
    snprintf(p->problem + p->problem_len, sizeof p->problem - p->problem_len,
             " (and %llu more probe call%s that made no sense)",
             (unsigned long long)(p->n_problems - 1), p->n_problems == 2 ? "" : "s");
}

/* ===================================================================== models */

/* [addr, addr + size) inside one region of the board (its base or its alias range), of kind
 * RAM when ram is set. */
static int in_memory(const prof *p, uint32_t addr, uint32_t size, int ram)
{
    const sim_region *r = sim_board_range_at(sim_get_board(p->s), addr, size);
    return r && (!ram || r->kind == SIM_MEM_RAM);
}

/* Lifetimes of the arena tensors in layer steps: first[t]..last[t] from the layers that use
 * them, model inputs from 0 and outputs to the end; first[t] = NONE for tensors that are not
 * in the arena or unused. */
static void lifetimes(const nn_model *m, uint32_t *first, uint32_t *last)
{
    uint32_t nt = m->hdr->n_tensors, nl = m->hdr->n_layers;
    for (uint32_t t = 0; t < nt; t++) {
        first[t] = NONE;
        last[t] = 0;
    }
    for (uint32_t k = 0; k < nl; k++) {
        const nn_tsm_layer *L = nn_layer(m, k);
        for (uint32_t i = 0; i < (uint32_t)L->n_inputs + L->n_outputs; i++) {
            uint32_t t = nn_layer_operand(m, k, i);
            if (t == NN_NO_TENSOR)
                continue;
            if (first[t] == NONE)
                first[t] = k;
            last[t] = k;
        }
    }
    for (uint32_t i = 0; i < m->hdr->n_inputs; i++)
        first[nn_model_input(m, i)] = 0;
    for (uint32_t i = 0; i < m->hdr->n_outputs; i++)
        last[nn_model_output(m, i)] = nl - 1;
    for (uint32_t t = 0; t < nt; t++) {
        const nn_tsm_tensor *x = nn_tensor(m, t);
        if (x->storage != NN_S_ARENA || x->size == 0)
            first[t] = NONE;
    }
}

typedef struct {
    uint32_t lo, hi, t;
} arena_span;

static int by_start(const void *a, const void *b)
{
    const arena_span *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Each layer's arena bytes: the union of the [offset, end) ranges of the arena tensors live
 * during it, so tensors the planner placed in the same bytes count once. One sort, then one
 * pass over the tensors per layer: n_layers x n_tensors steps at most. */
static int arena_figures(const nn_model *m, prof_layer *rows)
{
    uint32_t nt = m->hdr->n_tensors, n = 0;
    uint32_t *first = malloc(2 * ((size_t)nt + 1) * sizeof *first);
    arena_span *sp = malloc(((size_t)nt + 1) * sizeof *sp);
    if (!first || !sp) {
        free(first);
        free(sp);
        return -1;
    }
    uint32_t *last = first + nt + 1;
    lifetimes(m, first, last);
    for (uint32_t t = 0; t < nt; t++) {
        if (first[t] == NONE)
            continue;
        const nn_tsm_tensor *x = nn_tensor(m, t);
        sp[n++] = (arena_span){x->offset, x->offset + x->size, t};
    }
    qsort(sp, n, sizeof *sp, by_start);
    for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
        uint32_t total = 0, end = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (l < first[sp[i].t] || l > last[sp[i].t])
                continue;
            uint32_t a = sp[i].lo > end ? sp[i].lo : end;
            if (sp[i].hi > a)
                total += sp[i].hi - a;
            if (sp[i].hi > end)
                end = sp[i].hi;
        }
        rows[l].arena_bytes = total;
    }
    free(first);
    free(sp);
    return 0;
}

/* The layer rows of a loaded model: what its tables say about each layer. */
static int build_rows(prof_cached *c)
{
    const nn_model *m = &c->m;
    uint32_t n = c->n_layers ? c->n_layers : 1;
    for (int k = 0; k < 2; k++) {
        c->rows[k] = calloc(n, sizeof *c->rows[k]);
        c->dirty[k] = calloc(n, sizeof *c->dirty[k]);
        if (!c->rows[k] || !c->dirty[k])
            return -1;
    }
    prof_layer *rows = c->rows[0];
    for (uint32_t l = 0; l < c->n_layers; l++) {
        prof_layer *y = &rows[l];
        const nn_tsm_layer *L = nn_layer(m, l);
        y->index = l;
        snprintf(y->op, sizeof y->op, "%s", nn_op_name(L->op));
        const char *nm = nn_string(m, L->name);
        snprintf(y->name, sizeof y->name, "%.*s", (int)strcspn(nm, ";"), nm);
        uint32_t out = nn_layer_operand(m, l, L->n_inputs);
        if (out != NN_NO_TENSOR)
            mf_shape_str(nn_tensor(m, out), y->out_shape, sizeof y->out_shape);
        y->macs = nn_layer_macs(m, l);
        for (uint32_t i = 0; i < L->n_inputs; i++) {
            uint32_t t = nn_layer_operand(m, l, i);
            if (t != NN_NO_TENSOR && nn_tensor(m, t)->storage == NN_S_CONST)
                y->weight_bytes += nn_tensor(m, t)->size;
        }
    }
    if (arena_figures(m, rows) < 0)
        return -1;
    memcpy(c->rows[1], rows, (size_t)n * sizeof *rows);
    return 0;
}

/* An entry for a new model of size bytes: a free one, after dropping the least recently used
 * ones (never the running or the last inference's) while the cache holds more than
 * CACHE_BYTES. There is always one: PROF_CACHE > 2. */
static prof_cached *cache_entry(prof *p, uint32_t size)
{
    for (;;) {
        prof_cached *free_c = NULL, *lru = NULL;
        for (int i = 0; i < PROF_CACHE; i++) {
            prof_cached *c = &p->cache[i];
            if (!c->addr) {
                if (!free_c)
                    free_c = c;
            } else if (c != p->ci && c != p->li && (!lru || c->used < lru->used)) {
                lru = c;
            }
        }
        if (free_c && (p->cached_bytes + size <= CACHE_BYTES || !lru))
            return free_c;
        if (!lru)
            return NULL; /* not with PROF_CACHE > 2: at most two entries are in use */
        cache_drop(p, lru);
    }
}

/*
 * The model an inference begin names, from the cache or read from target memory. Each call
 * reads the nn_model's 7 words and the image's 80-byte header and compares them with the
 * cached copies: a model the firmware switches back to costs that, whatever its size. Only
 * a model not seen before (or whose nn_model or header changed) is read in full and
 * validated, and that reading is budgeted: LOAD_FREE bytes, then LOAD_PER_INSN bytes per
 * guest instruction, so a firmware cannot make the host do more than a constant amount of
 * work per instruction it runs. A model image rewritten behind an unchanged header (which no
 * longer matches its CRC) is not noticed: its cached copy keeps describing it.
 * NULL with the reason recorded (nonsense) when the nn_model or its image is not usable.
 */
static prof_cached *load_model(prof *p, const sim_probe_event *ev)
{
    uint32_t mw[7];
    uint8_t head[NN_TSM_HEADER_SIZE];
    nn_model m;
    nn_error err;
    nn_status st = NN_OK;
    if (sim_read_target(p->s, ev->r0, mw, sizeof mw) < 0) {
        nonsense(p, ev, "no nn_model there: 0x%08x is not in target memory", ev->r0);
        return NULL;
    }
    if (mw[1] < NN_TSM_HEADER_SIZE || mw[1] > MAX_IMAGE || !in_memory(p, mw[0], mw[1], 0) ||
        sim_read_target(p->s, mw[0], head, sizeof head) < 0) {
        nonsense(p, ev, "the nn_model says its image is %u bytes at 0x%08x, which is not a "
                 "model image in target memory (%u bytes to %u MiB inside one memory region)",
                 mw[1], mw[0], NN_TSM_HEADER_SIZE, MAX_IMAGE >> 20);
        return NULL;
    }
    for (int i = 0; i < PROF_CACHE; i++) {
        prof_cached *c = &p->cache[i];
        if (c->addr == ev->r0 && memcmp(c->mw, mw, sizeof mw) == 0 &&
            memcmp(c->head, head, sizeof head) == 0) {
            c->used = ++p->stamp;
            return c;
        }
    }
    if (p->loaded_bytes + mw[1] > LOAD_FREE + LOAD_PER_INSN * ev->insns) {
        nonsense(p, ev, "the firmware has had tinysim read %llu bytes of model images in %llu "
                 "instructions; a new model image (%u bytes at 0x%08x) is not read",
                 (unsigned long long)p->loaded_bytes, (unsigned long long)ev->insns, mw[1],
                 mw[0]);
        return NULL;
    }
    p->loaded_bytes += mw[1];
    p->loads++;
    uint8_t *image = aligned_alloc(16, (mw[1] + 15) & ~15u);
    if (!image) {
        nonsense(p, ev, "out of host memory for a model image of %u bytes", mw[1]);
        return NULL;
    }
    if (sim_read_target(p->s, mw[0], image, mw[1]) < 0 ||
        (st = nn_model_load(&m, image, mw[1], NULL, 0, &err)) != NN_OK) {
        nonsense(p, ev, "the model image at 0x%08x (%u bytes) is not a valid .tsm model: %s",
                 mw[0], mw[1], nn_strerror(st));
        free(image);
        return NULL;
    }
    prof_cached *c = cache_entry(p, mw[1]);
    if (!c) {
        free(image);
        return NULL;
    }
    c->addr = ev->r0;
    memcpy(c->mw, mw, sizeof mw);
    memcpy(c->head, head, sizeof head);
    c->image = image;
    c->m = m;
    c->n_layers = m.hdr->n_layers;
    c->arena_ok = in_memory(p, mw[5], m.hdr->arena_size, 1);
    c->used = ++p->stamp;
    p->cached_bytes += mw[1];
    if (build_rows(c) < 0) {
        cache_drop(p, c);
        nonsense(p, ev, "out of host memory for the layer rows of a model of %u layers",
                 m.hdr->n_layers);
        return NULL;
    }
    return c;
}

/* The nn_model of c and its image's header still as they were read: the inference that
 * ends runs the model that began. */
static int still_same(prof *p, const prof_cached *c)
{
    uint32_t mw[7];
    uint8_t head[NN_TSM_HEADER_SIZE];
    return sim_read_target(p->s, c->addr, mw, sizeof mw) == 0 &&
           memcmp(mw, c->mw, sizeof mw) == 0 &&
           sim_read_target(p->s, mw[0], head, sizeof head) == 0 &&
           memcmp(head, c->head, sizeof head) == 0;
}

/* ===================================================================== stack */

/*
 * The lowest SP of each open measurement (the inference, its layer, the probed calls) since
 * it began: the engine tracks the lowest SP since the last sim_sp_low_set; at every probe
 * event that low is folded into every open window and the tracking restarts from the SP of
 * the event. So nested and even badly nested windows each get exactly their own low, at a
 * cost of one step per open window (at most PROF_MAX_DEPTH + 2) per event.
 */
static void sp_fold(prof *p, uint32_t sp)
{
    uint32_t low = sim_sp_low(p->s);
    if (p->ci && low < p->i_low)
        p->i_low = low;
    if (p->cur != NONE && low < p->l_low)
        p->l_low = low;
    for (uint32_t k = 0; k < p->n_open; k++)
        if (low < p->open[k].low)
            p->open[k].low = low;
    sim_sp_low_set(p->s, sp);
}

/* Stack depth from the stack top down to low; 0 when unknown (no top, or SP above it). */
static uint32_t stack_depth(const prof *p, uint32_t low)
{
    return p->stack_top && low <= p->stack_top ? p->stack_top - low : 0;
}

/* Bytes the stack went below __stack_limit__ (0: none, or no limit known). */
static uint32_t stack_overflow(const prof *p, uint32_t low)
{
    return p->stack_limit && low < p->stack_limit ? p->stack_limit - low : 0;
}

/* ===================================================================== rows */

/* A row's figures back to "not run" (what build_rows set stays). */
static void row_clear(prof_layer *y)
{
    y->cycles = y->insns = 0;
    y->stack_bytes = y->stack_overflow = 0;
    y->ran = 0;
    memset(y->mix, 0, sizeof y->mix);
    y->stall_cycles = y->flash_bytes = 0;
    memset(y->top, 0, sizeof y->top);
    y->n_top = 0;
}

/* A row's figures at its end probe: the counters since its begin probe, the stack from the
 * lowest SP during it, and the breakdown against the block totals snapshot at its begin. */
static void row_end(prof *p, prof_layer *y, const sim_probe_event *begin,
                    const sim_probe_event *ev, uint32_t low, const uint64_t *fn_begin,
                    const uint64_t *mix_begin)
{
    y->cycles = ev->cycles - begin->cycles;
    y->insns = ev->insns - begin->insns;
    y->stall_cycles = ev->stall_cycles - begin->stall_cycles;
    y->flash_bytes = ev->flash_bytes - begin->flash_bytes;
    y->stack_bytes = stack_depth(p, low);
    y->stack_overflow = stack_overflow(p, low);
    layer_breakdown(p, y, fn_begin, mix_begin);
    y->ran = 1;
}

/* ===================================================================== core probes */

/* The running inference is dropped: not measured. */
static void abandon(prof *p)
{
    p->ci = NULL;
    p->cur = NONE;
}

static const char *model_name(const prof_cached *c)
{
    return nn_string(&c->m, c->m.hdr->name);
}

static void inference_begin(prof *p, const sim_probe_event *ev)
{
    if (p->ci) {
        nonsense(p, ev, "the inference of model '%s' (nn_model 0x%08x) that began at cycle %llu "
                 "has not ended; it is not measured", model_name(p->ci), p->ci->addr,
                 (unsigned long long)p->i_begin.cycles);
        abandon(p);
    }
    prof_cached *c = load_model(p, ev);
    if (!c)
        return;
    int k = c == p->li && p->lslot == 0; /* the other set keeps the last inference */
    for (uint32_t i = 0; i < c->n_dirty[k]; i++)
        row_clear(&c->rows[k][c->dirty[k][i]]);
    c->n_dirty[k] = 0;
    p->ci = c;
    p->cslot = k;
    p->cur = NONE;
    p->i_begin = *ev;
    p->i_low = ev->sp;
    p->i_id = ++p->next_id;
    memset(&p->inf, 0, sizeof p->inf);
    p->inf.arena_size = c->m.hdr->arena_size;
    p->inf.model_bytes = c->mw[1];
    snprintf(p->inf.model_name, sizeof p->inf.model_name, "%s", model_name(c));
    p->event_ok = 1;
}

/* A layer probe about the running inference and a layer of its model; 0 with the reason
 * recorded if not. */
static int layer_of_inference(prof *p, const sim_probe_event *ev)
{
    if (!p->ci) {
        nonsense(p, ev, "no inference is running (no nn_probe_inference_begin before it)");
        return 0;
    }
    if (ev->r0 != p->ci->addr) {
        nonsense(p, ev, "the running inference is of the nn_model at 0x%08x (model '%s')",
                 p->ci->addr, model_name(p->ci));
        return 0;
    }
    if (ev->r1 >= p->ci->n_layers) {
        nonsense(p, ev, "model '%s' has layers 0 to %u", model_name(p->ci), p->ci->n_layers - 1);
        return 0;
    }
    return 1;
}

static void layer_begin(prof *p, const sim_probe_event *ev)
{
    if (!layer_of_inference(p, ev))
        return;
    if (p->cur != NONE)
        nonsense(p, ev, "layer %u began at cycle %llu and has not ended; it is not measured",
                 p->cur, (unsigned long long)p->l_begin.cycles);
    p->cur = ev->r1;
    p->l_begin = *ev;
    p->l_low = ev->sp;
    snapshot(p, p->fn_begin, p->mix_begin);
    p->event_ok = 1;
}

static void layer_end(prof *p, const sim_probe_event *ev)
{
    if (!layer_of_inference(p, ev))
        return;
    if (ev->r1 != p->cur) {
        if (p->cur == NONE)
            nonsense(p, ev, "layer %u has not begun", ev->r1);
        else
            nonsense(p, ev, "the running layer is layer %u", p->cur);
        return;
    }
    prof_cached *c = p->ci;
    prof_layer *y = &c->rows[p->cslot][p->cur];
    if (!y->ran)
        c->dirty[p->cslot][c->n_dirty[p->cslot]++] = p->cur;
    row_end(p, y, &p->l_begin, ev, p->l_low < ev->sp ? p->l_low : ev->sp, p->fn_begin,
            p->mix_begin);
    p->cur = NONE;
    p->event_ok = 1;
}

/* The first output of the inference that ends, copied while it is what the inference made
 * (a later inference may reuse the arena), within the same budget as the model images. */
static void keep_output(prof *p, const sim_probe_event *ev)
{
    const prof_cached *c = p->ci;
    const nn_tsm_tensor *t = nn_tensor(&c->m, nn_model_output(&c->m, 0));
    p->out_ok = 0;
    if (t->storage == NN_S_ARENA && !c->arena_ok) {
        snprintf(p->out_problem, sizeof p->out_problem, "the nn_model's arena pointer "
                 "(0x%08x) does not hold the model's %u-byte arena in the board's RAM",
                 c->mw[5], c->m.hdr->arena_size);
        return;
    }
    if (p->loaded_bytes + t->size > LOAD_FREE + LOAD_PER_INSN * ev->insns) {
        snprintf(p->out_problem, sizeof p->out_problem, "the firmware had tinysim read more "
                 "than its budget of target memory (%llu bytes in %llu instructions)",
                 (unsigned long long)p->loaded_bytes, (unsigned long long)ev->insns);
        return;
    }
    p->loaded_bytes += t->size;
    uint8_t *b = t->size > p->out_size ? realloc(p->out, t->size) : p->out;
    if (!b && t->size) {
        snprintf(p->out_problem, sizeof p->out_problem, "out of host memory");
        return;
    }
    p->out = b;
    p->out_size = t->size;
    if (t->storage == NN_S_CONST)
        memcpy(b, c->image + t->offset, t->size);
    else if (sim_read_target(p->s, c->mw[5] + t->offset, b, t->size) < 0) {
        snprintf(p->out_problem, sizeof p->out_problem, "the output tensor at 0x%08x (%u bytes) "
                 "is not in target memory", c->mw[5] + t->offset, t->size);
        return;
    }
    p->out_ok = 1;
}

static void inference_end(prof *p, const sim_probe_event *ev)
{
    if (!p->ci) {
        nonsense(p, ev, "no inference is running (no nn_probe_inference_begin before it)");
        return;
    }
    if (ev->r0 != p->ci->addr) {
        nonsense(p, ev, "the running inference is of the nn_model at 0x%08x (model '%s'); "
                 "neither is measured", p->ci->addr, model_name(p->ci));
        abandon(p);
        return;
    }
    if (!still_same(p, p->ci)) {
        nonsense(p, ev, "the nn_model or its image's header changed since the inference of "
                 "model '%s' began at cycle %llu; it is not measured", model_name(p->ci),
                 (unsigned long long)p->i_begin.cycles);
        abandon(p);
        return;
    }
    if (p->cur != NONE) {
        nonsense(p, ev, "layer %u began and never ended; it is not measured", p->cur);
        p->cur = NONE;
    }
    p->inf.cycles = ev->cycles - p->i_begin.cycles;
    p->inf.insns = ev->insns - p->i_begin.insns;
    p->inf.stack_bytes = stack_depth(p, p->i_low < ev->sp ? p->i_low : ev->sp);
    keep_output(p, ev);
    p->last = p->inf;
    p->li = p->ci;
    p->lslot = p->cslot;
    p->l_id = p->i_id;
    p->ci = NULL;
    p->event_ok = 1;
}

/* ===================================================================== --probe */

/* A watched function was entered. */
static void probed_call(prof *p, const sim_probe_event *ev)
{
    uint32_t k = 0;
    while (k < p->n_probes && p->probes[k].addr != ev->addr)
        k++;
    if (k == p->n_probes)
        return;
    if (p->n_open == PROF_MAX_DEPTH) {
        p->lost_open++;
        return;
    }
    if (p->n_open == 0 && p->n_calls < PROF_MAX_CALLS)
        snapshot(p, p->u_fn_begin, p->u_mix_begin);
    p->open[p->n_open].probe = k;
    p->open[p->n_open].begin = *ev;
    p->open[p->n_open].low = ev->sp;
    p->n_open++;
}

/* A watched call returned (the simulator pairs returns with calls by SP). */
static void probed_return(prof *p, const sim_probe_event *ev)
{
    while (p->n_open && p->open[p->n_open - 1].begin.sp < ev->sp)
        p->n_open--; /* abandoned (longjmp) */
    if (!p->n_open)
        return;
    uint32_t o = p->n_open - 1;
    prof_probe *pr = &p->probes[p->open[o].probe];
    if (pr->addr != ev->addr || p->open[o].begin.sp != ev->sp) {
        if (p->lost_open)
            p->lost_open--; /* the return of a call beyond PROF_MAX_DEPTH */
        return;
    }
    p->n_open = o;
    uint64_t cyc = ev->cycles - p->open[o].begin.cycles;
    uint32_t low = p->open[o].low < ev->sp ? p->open[o].low : ev->sp;
    uint32_t depth = stack_depth(p, low);
    pr->calls++;
    pr->cycles += cyc;
    pr->insns += ev->insns - p->open[o].begin.insns;
    if (pr->calls == 1 || cyc < pr->min_cycles)
        pr->min_cycles = cyc;
    if (cyc > pr->max_cycles)
        pr->max_cycles = cyc;
    if (depth > pr->stack_bytes)
        pr->stack_bytes = depth;
    if (o != 0 || p->n_calls >= PROF_MAX_CALLS)
        return;
    if (!p->calls) {
        p->calls = calloc(PROF_MAX_CALLS, sizeof *p->calls);
        if (!p->calls)
            return;
    }
    prof_layer *y = &p->calls[p->n_calls];
    memset(y, 0, sizeof *y);
    y->index = p->n_calls++;
    snprintf(y->op, sizeof y->op, "%s", pr->name);
    snprintf(y->name, sizeof y->name, "%s", pr->name);
    row_end(p, y, &p->open[o].begin, ev, low, p->u_fn_begin, p->u_mix_begin);
    prof_inference *t = &p->probed;
    t->probed = 1;
    t->calls = p->n_calls;
    t->cycles += y->cycles;
    t->insns += y->insns;
    if (y->stack_bytes > t->stack_bytes)
        t->stack_bytes = y->stack_bytes;
}

int prof_watch(prof *p, const char *symbol, char *err, size_t errsize)
{
    const sim_symbol *sym = sim_elf_symbol(p->elf, symbol);
    if (!sym) {
        size_t n = 0, len = strlen(symbol);
        int w = snprintf(err, errsize, "--probe %s: no such symbol in %s", symbol, p->elf->path);
        for (uint32_t i = 0; i < p->elf->n_syms && n < 5 && w > 0 && (size_t)w < errsize; i++) {
            const char *nm = p->elf->syms[i].name;
            char shown[TEXT_SAFE_SIZE(64)];
            if (len >= 3 && strstr(nm, symbol) && strcmp(nm, symbol) != 0)
                w += snprintf(err + w, errsize - (size_t)w, "%s%s", n++ ? ", " : "; did you mean ",
                              text_safe(nm, shown, sizeof shown));
        }
        return -1;
    }
    if (!sym->is_func) {
        snprintf(err, errsize, "--probe %s: the symbol at 0x%08x is not a function", symbol,
                 sym->addr);
        return -1;
    }
    for (uint32_t k = 0; k < p->n_probes; k++)
        if (p->probes[k].addr == (sym->addr & ~1u))
            return 0;
    if (p->n_probes == PROF_MAX_PROBES || !p->s || sim_probe_add(p->s, sym->addr) < 0) {
        snprintf(err, errsize, "--probe %s: at most %d functions can be probed", symbol,
                 PROF_MAX_PROBES);
        return -1;
    }
    prof_probe *pr = &p->probes[p->n_probes++];
    memset(pr, 0, sizeof *pr);
    pr->name = sym->name;
    pr->addr = sym->addr & ~1u;
    size_t used = strlen(p->probed.model_name);
    snprintf(p->probed.model_name + used, sizeof p->probed.model_name - used, "%s%s",
             used ? "," : "probe:", sym->name);
    return 0;
}

const prof_probe *prof_probes(const prof *p, uint32_t *n)
{
    *n = p->n_probes;
    return p->probes;
}

/*
 * Every probe event: the stack windows first, then the event. Each costs a bounded amount of
 * host work: a few target reads of fixed size, a scan of the PROF_CACHE entries and of the
 * open windows, and for layer and top-level call events one pass over the decoded blocks
 * (snapshot); reading a model image in full is budgeted (load_model), and clearing a row set
 * costs what its previous inference wrote.
 */
void prof_on_probe(void *ud, const sim_probe_event *ev)
{
    prof *p = ud;
    if (!p->s)
        return;
    sp_fold(p, ev->sp);
    p->event_ok = 0;
    switch (ev->kind) {
    case SIM_PROBE_INFERENCE_BEGIN: inference_begin(p, ev); break;
    case SIM_PROBE_LAYER_BEGIN: layer_begin(p, ev); break;
    case SIM_PROBE_LAYER_END: layer_end(p, ev); break;
    case SIM_PROBE_INFERENCE_END: inference_end(p, ev); break;
    case SIM_PROBE_USER: probed_call(p, ev); break;
    case SIM_PROBE_USER_RETURN: probed_return(p, ev); break;
    default: break;
    }
}

int prof_event_ok(const prof *p)
{
    return p->event_ok;
}

const prof_layer *prof_layers(const prof *p, uint32_t *n)
{
    if (!p->li) {
        *n = p->n_calls;
        return p->n_calls ? p->calls : NULL;
    }
    *n = p->li->n_layers;
    return p->li->rows[p->lslot];
}

/* The running inference's model, else the last completed one's. */
static const prof_cached *model_now(const prof *p, int *slot)
{
    *slot = p->ci ? p->cslot : p->lslot;
    return p->ci ? p->ci : p->li;
}

const prof_layer *prof_current(const prof *p, uint32_t *n)
{
    int k;
    const prof_cached *c = model_now(p, &k);
    *n = c ? c->n_layers : 0;
    return c ? c->rows[k] : NULL;
}

const nn_model *prof_model(const prof *p, uint32_t *image_addr, uint32_t *arena_addr)
{
    int k;
    const prof_cached *c = model_now(p, &k);
    if (!c)
        return NULL;
    *image_addr = c->mw[0];
    *arena_addr = c->mw[5];
    return &c->m;
}

int prof_arena_ok(const prof *p)
{
    int k;
    const prof_cached *c = model_now(p, &k);
    return c && c->arena_ok;
}

uint64_t prof_inference_id(const prof *p)
{
    return p->ci ? p->i_id : p->li ? p->l_id : 0;
}

const prof_inference *prof_last(const prof *p)
{
    if (!p->li)
        return p->n_calls ? &p->probed : NULL;
    return &p->last;
}

int prof_output(const prof *p, const uint8_t **data, uint32_t *size, const char **why)
{
    *why = !p->li ? "" : p->out_problem;
    if (!p->li || !p->out_ok)
        return -1;
    *data = p->out;
    *size = p->out_size;
    return 0;
}

const char *prof_problem(const prof *p)
{
    return p->problem;
}

uint64_t prof_model_loads(const prof *p)
{
    return p->loads;
}

double prof_energy_j(const sim_board *b, uint64_t cycles)
{
    double mhz = b->clock_hz / 1e6;
    double amps = (b->run_ua_per_mhz * mhz + b->run_offset_ua) * 1e-6;
    return (double)cycles / b->clock_hz * b->vdd_v * amps;
}

/* ===================================================================== functions */

typedef struct {
    const sim_elf *elf;
    prof_function *fn;
    uint32_t n, cap;
    int oom;
} fn_acc;

static void fn_add(void *ud, const sim_block_info *b)
{
    fn_acc *a = ud;
    uint32_t off = 0;
    const sim_symbol *sym = sim_elf_symbol_at(a->elf, b->addr, &off);
    const char *name = sym ? sym->name : "(no symbol)";
    uint32_t faddr = sym ? sym->addr : 0;
    uint32_t i;
    for (i = 0; i < a->n; i++) /* functions are few; blocks per function many */
        if (a->fn[i].addr == faddr && strcmp(a->fn[i].name, name) == 0)
            break;
    if (i == a->n) {
        if (a->n == a->cap) {
            uint32_t cap = a->cap ? a->cap * 2 : 64;
            prof_function *t = realloc(a->fn, cap * sizeof *t);
            if (!t) {
                a->oom = 1;
                return;
            }
            a->fn = t;
            a->cap = cap;
        }
        a->fn[a->n] = (prof_function){name, faddr, 0, 0, 0};
        a->n++;
    }
    a->fn[i].cycles += b->cycles;
    a->fn[i].insns += b->insns;
    if (sym && b->addr == sym->addr)
        a->fn[i].entries += b->count;
}

static int by_cycles(const void *x, const void *y)
{
    const prof_function *a = x, *b = y;
    return a->cycles < b->cycles ? 1 : a->cycles > b->cycles ? -1 : strcmp(a->name, b->name);
}

uint32_t prof_functions(const sim *s, const sim_elf *elf, prof_function **out)
{
    fn_acc a = {elf, NULL, 0, 0, 0};
    sim_blocks(s, fn_add, &a);
    if (a.oom || a.n == 0) {
        free(a.fn);
        *out = NULL;
        return 0;
    }
    qsort(a.fn, a.n, sizeof *a.fn, by_cycles);
    *out = a.fn;
    return a.n;
}

void prof_print_functions(FILE *f, const prof_function *fn, uint32_t n, uint64_t total_cycles,
                          uint32_t top)
{
    if (!n)
        return;
    fprintf(f, "\n--- functions (whole run, self cycles; top %u of %u) ---\n", top < n ? top : n, n);
    fprintf(f, "%12s %6s %12s %10s  %s\n", "cycles", "share", "instructions", "entries",
            "function");
    for (uint32_t i = 0; i < n && i < top; i++) {
        char nm[TEXT_SAFE_SIZE(256)];
        fprintf(f, "%12llu %5.1f%% %12llu %10llu  %s\n", (unsigned long long)fn[i].cycles,
                total_cycles ? 100.0 * (double)fn[i].cycles / (double)total_cycles : 0.0,
                (unsigned long long)fn[i].insns, (unsigned long long)fn[i].entries,
                text_safe(fn[i].name, nm, sizeof nm));
    }
}

/* ===================================================================== reports */

static void bar(char *buf, double share, int width)
{
    int n = (int)(share * width + 0.5);
    for (int i = 0; i < width; i++)
        buf[i] = i < n ? '#' : '.';
    buf[width] = 0;
}

/* The layer table; rows the inference did not measure (a layer that did not run, or whose
 * probes made no sense) show "-". For probed calls the total is labelled as the sum over the
 * calls, with the mean per call beside it. */
void prof_print_table(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    const prof_inference *inf = prof_last(p);
    int energy = b->run_ua_per_mhz > 0 && b->vdd_v > 0;
    char model[TEXT_SAFE_SIZE(sizeof inf->model_name)];
    if (!L || !inf)
        return;
    text_safe(inf->model_name + (inf->probed ? 6 : 0), model, sizeof model);
    if (inf->probed)
        fprintf(f, "\n--- probed calls (%s: %u top-level calls%s) ---\n", model, n,
                n == PROF_MAX_CALLS ? ", the first ones" : "");
    else
        fprintf(f, "\n--- layers (last inference of %s: %u layers) ---\n", model, n);
    fprintf(f, "%3s  %-17s %-14s %10s %12s %9s %9s %7s %6s %7s  %s\n", "#",
            inf->probed ? "function" : "op", "output",
            "MACs", "cycles", "ms", energy ? "uJ" : "uJ(n/a)", "cyc/MAC", "stack", "arena",
            "share");
    uint64_t macs = 0;
    uint32_t not_run = 0;
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        char sh[24], cpm[16], uj[16], op[TEXT_SAFE_SIZE(sizeof y->op)];
        double share = inf->cycles ? (double)y->cycles / (double)inf->cycles : 0;
        text_safe(y->op, op, sizeof op);
        macs += y->macs;
        if (!y->ran) {
            not_run++;
            fprintf(f, "%3u  %-17s %-14s %10llu %12s %9s %9s %7s %6s %7u  %s\n", y->index, op,
                    y->out_shape, (unsigned long long)y->macs, "-", "-", "-", "-", "-",
                    y->arena_bytes, "(not measured)");
            continue;
        }
        bar(sh, share, 16);
        if (y->macs)
            snprintf(cpm, sizeof cpm, "%.2f", (double)y->cycles / (double)y->macs);
        else
            snprintf(cpm, sizeof cpm, "-");
        if (energy)
            snprintf(uj, sizeof uj, "%.1f", prof_energy_j(b, y->cycles) * 1e6);
        else
            snprintf(uj, sizeof uj, "-");
        fprintf(f, "%3u  %-17s %-14s %10llu %12llu %9.3f %9s %7s %6u %7u  %s %4.1f%%\n", y->index,
                op, y->out_shape, (unsigned long long)y->macs, (unsigned long long)y->cycles,
                (double)y->cycles * 1e3 / b->clock_hz, uj, cpm, y->stack_bytes, y->arena_bytes,
                sh, share * 100);
    }
    if (inf->probed)
        fprintf(f, "total of the %u calls: %llu cycles, %.3f ms", inf->calls,
                (unsigned long long)inf->cycles, (double)inf->cycles * 1e3 / b->clock_hz);
    else
        fprintf(f, "total: %llu MACs, %llu cycles, %.3f ms", (unsigned long long)macs,
                (unsigned long long)inf->cycles, (double)inf->cycles * 1e3 / b->clock_hz);
    if (energy)
        fprintf(f, ", %.1f uJ", prof_energy_j(b, inf->cycles) * 1e6);
    if (macs)
        fprintf(f, ", %.2f cycles/MAC", (double)inf->cycles / (double)macs);
    if (inf->probed && inf->calls) {
        double per = (double)inf->cycles / inf->calls;
        fprintf(f, "; per call (mean) %.0f cycles, %.3f ms", per, per * 1e3 / b->clock_hz);
        if (energy)
            fprintf(f, ", %.1f uJ", prof_energy_j(b, inf->cycles) * 1e6 / inf->calls);
        fprintf(f, "; peak stack %u bytes\n", inf->stack_bytes);
    } else {
        fprintf(f, "; peak stack %u bytes, arena %u bytes, model %u bytes\n", inf->stack_bytes,
                inf->arena_size, inf->model_bytes);
    }
    if (not_run)
        fprintf(f, "(%u of the %u layers were not measured in this inference: they did not run, "
                   "or their probe calls made no sense)\n", not_run, n);
    if (!energy)
        fprintf(f, "(no energy: board %s has no run-current figure)\n", b->name);
}

void prof_write_csv(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    const prof_inference *inf = prof_last(p);
    fprintf(f, "index,op,name,output_shape,macs,weight_bytes,cycles,instructions,time_ms,"
               "energy_uj,cycles_per_mac,stack_bytes,arena_bytes,share\n");
    for (uint32_t i = 0; L && inf && i < n; i++) {
        const prof_layer *y = &L[i];
        char name[2 * sizeof y->name];
        size_t k = 0;
        for (const char *c = y->name; *c && k + 2 < sizeof name; c++) { /* CSV quoting */
            if (*c == '"')
                name[k++] = '"';
            name[k++] = *c;
        }
        name[k] = 0;
        fprintf(f, "%u,%s,\"%s\",%s,%llu,%u,%llu,%llu,%.6f,%.3f,", y->index, y->op, name,
                y->out_shape, (unsigned long long)y->macs, y->weight_bytes,
                (unsigned long long)y->cycles, (unsigned long long)y->insns,
                (double)y->cycles * 1e3 / b->clock_hz, prof_energy_j(b, y->cycles) * 1e6);
        if (y->macs)
            fprintf(f, "%.4f", (double)y->cycles / (double)y->macs);
        fprintf(f, ",%u,%u,%.6f\n", y->stack_bytes, y->arena_bytes,
                inf->cycles ? (double)y->cycles / (double)inf->cycles : 0.0);
    }
}

/* ===================================================================== breakdown */

static void pct(char *buf, size_t n, uint64_t part, uint64_t whole)
{
    if (whole)
        snprintf(buf, n, "%.0f%%", 100.0 * (double)part / (double)whole);
    else
        snprintf(buf, n, "-");
}

void prof_print_breakdown(FILE *f, const prof *p)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    if (!L)
        return;
    fprintf(f, "\n--- where each layer's cycles go (instruction mix, memory, flash wait states, "
               "top function) ---\n");
    fprintf(f, "%3s  %-17s %5s %7s %6s %6s %5s %10s %10s %10s %7s  %s\n", "#", "op", "alu",
            "mul/dsp", "ld/st", "branch", "fp", "loads", "stores", "flash rd", "ws cyc",
            "top function (share of the layer)");
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        uint64_t g[PROF_G_COUNT];
        char c[PROF_G_COUNT][8], ws[16], top[128] = "-";
        prof_groups(y->mix, g);
        for (int k = 0; k < PROF_G_COUNT; k++)
            pct(c[k], sizeof c[k], g[k], y->insns);
        pct(ws, sizeof ws, y->stall_cycles, y->cycles);
        char fn[TEXT_SAFE_SIZE(64)], op[TEXT_SAFE_SIZE(sizeof y->op)];
        if (y->n_top)
            snprintf(top, sizeof top, "%s (%.0f%%)", text_safe(y->top[0].name, fn, sizeof fn),
                     y->cycles ? 100.0 * (double)y->top[0].cycles / (double)y->cycles : 0.0);
        fprintf(f, "%3u  %-17s %5s %7s %6s %6s %5s %10llu %10llu %10llu %7s  %s\n", y->index,
                text_safe(y->op, op, sizeof op), c[PROF_G_ALU], c[PROF_G_MUL], c[PROF_G_MEM],
                c[PROF_G_BRANCH],
                c[PROF_G_FP], (unsigned long long)y->mix[SIM_CLS_LOAD],
                (unsigned long long)y->mix[SIM_CLS_STORE], (unsigned long long)y->flash_bytes,
                ws, top);
    }
    fprintf(f, "(shares of the layer's instructions; loads/stores: single LDR*/STR*, "
               "LDM/STM/PUSH/POP count in ld/st; flash rd: data bytes read from flash; ws cyc: "
               "share of the cycles that are flash wait states)\n");
}

/* ===================================================================== memory */

static int in_range(const sim_elf *e, const char *lo, const char *hi, uint32_t a)
{
    const sim_symbol *l = sim_elf_symbol(e, lo), *h = sim_elf_symbol(e, hi);
    return l && h && a >= l->addr && a < h->addr;
}

/* A section of the linker script's kind: by its name, or inside the symbols' range. */
static int is_kind(const sim_elf *e, const sim_section *sc, const char *name, const char *lo,
                   const char *hi)
{
    return strcmp(sc->name, name) == 0 || in_range(e, lo, hi, sc->addr);
}

#define TSIN_MAGIC 0x4E495354u /* the input slot's header (firmware-samples/README.md) */

void prof_memory_use(const prof *p, const sim_elf *elf, const sim_board *b, prof_memory *m)
{
    const prof_inference *inf = p ? prof_last(p) : NULL;
    const sim_region *fl = sim_board_flash(b), *ram = sim_board_ram(b);
    const sim_section *input = NULL, *arena = NULL;
    memset(m, 0, sizeof *m);
    m->flash_size = fl ? fl->size : 0;
    m->ram_size = ram ? ram->size : 0;
    for (uint32_t i = 0; i < elf->n_alloc; i++) {
        const sim_section *sc = &elf->alloc[i];
        const sim_region *r = sim_board_region_at(b, sc->addr);
        if (!r)
            continue; /* not in the board's memory (notes at address 0 and the like) */
        if (r->kind == SIM_MEM_FLASH) {
            m->flash_reserved += sc->size;
            if (sc->flags & SIM_SEC_NOBITS) {
                if (is_kind(elf, sc, ".tinysim_model_slot", "tinysim_model_slot",
                            "tinysim_model_slot_end"))
                    m->model_slot += sc->size;
            } else if (sc->flags & SIM_SEC_EXEC) {
                m->text += sc->size;
            } else {
                m->rodata += sc->size;
            }
            continue;
        }
        m->ram_reserved += sc->size;
        if (!(sc->flags & SIM_SEC_NOBITS)) {
            m->data += sc->size;
        } else if (is_kind(elf, sc, ".stack", "__stack_limit__", "__stack_top__")) {
            m->stack += sc->size;
        } else if (is_kind(elf, sc, ".heap", "__heap_start__", "__heap_end__")) {
            m->heap += sc->size;
        } else if (is_kind(elf, sc, ".tinysim_arena", "tinysim_arena", "tinysim_arena_end")) {
            m->arena += sc->size;
            arena = sc;
        } else if (is_kind(elf, sc, ".tinysim_input_slot", "tinysim_input_slot",
                           "tinysim_input_slot_end")) {
            m->input += sc->size;
            input = sc;
        } else {
            m->bss += sc->size;
        }
    }
    if (inf && !inf->probed && p->li) {
        uint32_t image = p->li->mw[0], arena_at = p->li->mw[5];
        const sim_region *r = sim_board_region_at(b, image);
        m->model = inf->model_bytes;
        m->model_in_slot = in_range(elf, "tinysim_model_slot", "tinysim_model_slot_end", image);
        m->model_where = m->model_in_slot         ? PROF_MODEL_SLOT
                         : r && r->kind == SIM_MEM_RAM ? PROF_MODEL_RAM
                                                       : PROF_MODEL_ROM;
        if (m->model_where == PROF_MODEL_ROM && m->rodata >= m->model)
            m->rodata -= m->model; /* built in: shown as the model, not as rodata */
        m->arena_used = inf->arena_size;
        m->arena_in_slot = arena && arena_at - arena->addr < arena->size;
        m->arena_elsewhere = p->li->arena_ok && !m->arena_in_slot;
    }
    if (inf)
        m->stack_peak = inf->stack_bytes;
    uint32_t hdr[2];
    if (p && p->s && input && input->size >= 16 &&
        sim_read_target(p->s, input->addr, hdr, sizeof hdr) == 0 && hdr[0] == TSIN_MAGIC &&
        hdr[1] <= input->size - 16)
        m->input_used = 16 + hdr[1];
    m->flash_used = m->text + m->rodata + m->data +
                    (m->model_where == PROF_MODEL_RAM ? 0 : m->model);
    m->ram_used = m->data + m->bss + m->heap + m->stack + m->input_used +
                  (m->arena_in_slot ? m->arena_used : 0);
}

static const char *kib(uint32_t v, char *buf, size_t n)
{
    if (v >= 10240)
        snprintf(buf, n, "%.1f KiB", v / 1024.0);
    else
        snprintf(buf, n, "%u B", v);
    return buf;
}

/* ", NAME U of R reserved" when the run used part of a reservation, else NAME is added to
 * the list of those reserved and unused. */
static void reservation(FILE *f, const char *name, uint32_t used, uint32_t reserved,
                        char *unused, size_t n)
{
    char a[24], b[24];
    size_t o = strlen(unused);
    if (!reserved)
        return;
    if (used)
        fprintf(f, ", %s %s of %s reserved", name, kib(used, a, sizeof a),
                kib(reserved, b, sizeof b));
    else
        snprintf(unused + o, n - o, "%s%s %s", o ? ", " : "", name, kib(reserved, a, sizeof a));
}

void prof_print_memory(FILE *f, const prof_memory *m)
{
    char a[6][24], unused[160] = "";
    fprintf(f, "\n--- memory (ELF sections and this run) ---\n");
    fprintf(f, "flash  %s used of %s (%.1f%%): text %s, rodata %s", kib(m->flash_used, a[0], 24),
            kib(m->flash_size, a[1], 24),
            m->flash_size ? 100.0 * m->flash_used / m->flash_size : 0.0, kib(m->text, a[2], 24),
            kib(m->rodata, a[3], 24));
    if (m->model_where == PROF_MODEL_SLOT)
        fprintf(f, ", model %s (in the model slot of %s)", kib(m->model, a[0], 24),
                kib(m->model_slot, a[1], 24));
    else if (m->model_where == PROF_MODEL_ROM)
        fprintf(f, ", model %s (built in)", kib(m->model, a[0], 24));
    fprintf(f, ", .data image %s", kib(m->data, a[0], 24));
    if (m->model_where != PROF_MODEL_SLOT)
        reservation(f, "model slot", 0, m->model_slot, unused, sizeof unused);
    fprintf(f, "%s%s\n", unused[0] ? "; reserved, unused: " : "", unused);
    unused[0] = 0;
    fprintf(f, "RAM    %s used of %s (%.1f%%): data %s, bss %s, heap %s", kib(m->ram_used, a[0], 24),
            kib(m->ram_size, a[1], 24), m->ram_size ? 100.0 * m->ram_used / m->ram_size : 0.0,
            kib(m->data, a[2], 24), kib(m->bss, a[3], 24), kib(m->heap, a[4], 24));
    fprintf(f, ", stack %s", kib(m->stack, a[0], 24));
    if (m->stack_peak)
        fprintf(f, " (peak %s)", kib(m->stack_peak, a[1], 24));
    reservation(f, "arena", m->arena_in_slot ? m->arena_used : 0, m->arena, unused,
                sizeof unused);
    reservation(f, "input slot", m->input_used, m->input, unused, sizeof unused);
    fprintf(f, "%s%s\n", unused[0] ? "; reserved, unused: " : "", unused);
    if (m->model_where == PROF_MODEL_RAM && m->arena_elsewhere)
        fprintf(f, "(the model's image, %s, and its arena, %s, are in RAM outside the tinysim "
                   "slots: counted in the sections above)\n", kib(m->model, a[0], 24),
                kib(m->arena_used, a[1], 24));
    else if (m->model_where == PROF_MODEL_RAM)
        fprintf(f, "(the model's image, %s, is in RAM: counted in the sections above)\n",
                kib(m->model, a[0], 24));
    else if (m->arena_elsewhere)
        fprintf(f, "(the model's arena, %s, is in RAM outside the arena section: counted in the "
                   "sections above)\n", kib(m->arena_used, a[0], 24));
}

void prof_print_probes(FILE *f, const prof *p, const sim_board *b)
{
    if (!p->n_probes)
        return;
    fprintf(f, "\n--- probed functions (--probe: each call from entry to return, inclusive) ---\n");
    fprintf(f, "%-24s %8s %14s %12s %12s %12s %10s %6s\n", "function", "calls", "cycles",
            "mean", "min", "max", "mean ms", "stack");
    for (uint32_t k = 0; k < p->n_probes; k++) {
        const prof_probe *q = &p->probes[k];
        char nm[TEXT_SAFE_SIZE(128)];
        text_safe(q->name, nm, sizeof nm);
        if (!q->calls) {
            fprintf(f, "%-24s %8s  (never returned: not called, or still running at the end)\n",
                    nm, "0");
            continue;
        }
        double mean = (double)q->cycles / (double)q->calls;
        fprintf(f, "%-24s %8llu %14llu %12.0f %12llu %12llu %10.3f %6u\n", nm,
                (unsigned long long)q->calls, (unsigned long long)q->cycles, mean,
                (unsigned long long)q->min_cycles, (unsigned long long)q->max_cycles,
                mean * 1e3 / b->clock_hz, q->stack_bytes);
    }
    if (p->lost_open)
        fprintf(f, "(calls nested deeper than %d probed calls were not measured)\n",
                PROF_MAX_DEPTH);
}

/*
 * One warning per row whose lowest SP went below __stack_limit__, naming what lies there from
 * the ELF's sections and symbols (what the overflow may have overwritten).
 */
uint32_t prof_print_overflows(FILE *f, const prof *p)
{
    uint32_t n, count = 0;
    const prof_layer *L = prof_layers(p, &n);
    const int probed = prof_last(p) && prof_last(p)->probed;
    for (uint32_t i = 0; L && i < n; i++) {
        const prof_layer *y = &L[i];
        if (!y->stack_overflow)
            continue;
        uint32_t at = p->stack_limit - y->stack_overflow, off = 0;
        const sim_symbol *sym = sim_elf_symbol_at(p->elf, at, &off);
        const sim_section *in = NULL;
        char what[TEXT_SAFE_SIZE(64) + 32], over[TEXT_SAFE_SIZE(64) + 32] = "";
        char op[TEXT_SAFE_SIZE(sizeof y->op)];
        for (uint32_t k = 0; k < p->elf->n_alloc; k++) {
            const sim_section *sc = &p->elf->alloc[k];
            if (at - sc->addr < sc->size)
                in = sc;
        }
        if (in) {
            char nm[TEXT_SAFE_SIZE(64)];
            snprintf(what, sizeof what, "%s", text_safe(in->name, nm, sizeof nm));
        } else {
            snprintf(what, sizeof what, "no section of the ELF");
        }
        if (sym && !sym->is_func && (sym->size == 0 || off < sym->size)) {
            char nm[TEXT_SAFE_SIZE(64)];
            text_safe(sym->name, nm, sizeof nm);
            if (off)
                snprintf(over, sizeof over, ", over %s+0x%x", nm, off);
            else
                snprintf(over, sizeof over, ", over %s", nm);
        }
        fprintf(f, "tinysim: warning: stack overflow in %s %u (%s): the stack went at least "
                   "%u bytes below __stack_limit__ (0x%08x), down to 0x%08x in %s%s; raise the "
                   "stack size or lower the %s's stack use\n",
                probed ? "call" : "layer", y->index, text_safe(y->op, op, sizeof op),
                y->stack_overflow, p->stack_limit, at, what, over,
                probed ? "function" : "layer");
        count++;
    }
    return count;
}
