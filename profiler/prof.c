/*
 * Per-layer accounting from the probes (see prof.h): model tables read from target memory,
 * cycles and instructions between a layer's begin and end probes, stack depth by painting.
 */
#include <stdlib.h>
#include <string.h>

#include "core/nn_model.h"
#include "models/modelfile.h"
#include "profiler/prof.h"

#define PAINT 0xA5C3A5C3u            /* stack paint pattern */
#define MAX_IMAGE (64u << 20)        /* largest model image read from the target */
#define MAX_PAINT (1u << 20)         /* largest stack region painted per layer */
#define GUARD 4096u                  /* bytes below __stack_limit__ watched for an overflow */
#define PROF_MAX_PROBES 8            /* functions watched with --probe */
#define PROF_MAX_DEPTH 64            /* nesting of probed calls measured */

struct prof {
    const sim_elf *elf;
    sim *s;
    uint32_t stack_limit, stack_top;  /* from __stack_limit__/__stack_top__, 0 if unknown */
    uint32_t model_addr;              /* target nn_model of the loaded tables */
    uint32_t image_addr, arena_addr;  /* where its image and arena are in target memory */
    uint8_t *image;                   /* host copy of the model image */
    nn_model m;
    prof_layer *layers;
    uint32_t n_layers;
    prof_inference inf, last;
    int have_last;
    sim_probe_event l_begin;          /* the current layer's begin probe */
    uint64_t i_cycles, i_insns;       /* at the inference's begin */
    uint32_t cur;                     /* layer running, or UINT32_MAX */
    uint32_t paint_lo, paint_hi;      /* painted [lo, hi) for the current layer */
    uint32_t *paint;                  /* host buffer for painting and scanning */
    char problem[160];
    /* per-layer breakdown: block totals at the layer's begin (see snapshot) */
    uint64_t *fn_begin, *fn_now;      /* self cycles per function symbol (+1: no symbol) */
    uint64_t mix_begin[SIM_CLS_COUNT], mix_now[SIM_CLS_COUNT];
    uint32_t paint_gen;               /* paint() calls so far */
    /* what lies just below the stack limit at the layer's begin (stack overflow check) */
    uint32_t guard[GUARD / 4];
    int guard_ok;
    /* --probe: watched functions, open calls (innermost last), top-level calls as rows */
    prof_probe probes[PROF_MAX_PROBES];
    uint32_t n_probes;
    struct {
        uint32_t probe, gen;
        int painted;
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

/* Totals of every block that ran since reset: self cycles per function symbol and executed
 * instructions per class. A layer's figures are the difference between its end and begin. */
typedef struct {
    const sim_elf *elf;
    uint64_t *fn, *mix;
} snap_acc;

static void snap_add(void *ud, const sim_block_info *b)
{
    snap_acc *a = ud;
    uint32_t off;
    const sim_symbol *sym = sim_elf_symbol_at(a->elf, b->addr, &off);
    a->fn[sym ? (uint32_t)(sym - a->elf->syms) : a->elf->n_syms] += b->cycles;
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        a->mix[k] += b->count * b->mix[k];
}

static void snapshot(prof *p, uint64_t *fn, uint64_t *mix)
{
    snap_acc a = {p->elf, fn, mix};
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
    p->cur = UINT32_MAX;
    p->fn_begin = calloc((size_t)elf->n_syms + 1, sizeof *p->fn_begin);
    p->fn_now = calloc((size_t)elf->n_syms + 1, sizeof *p->fn_now);
    p->u_fn_begin = calloc((size_t)elf->n_syms + 1, sizeof *p->u_fn_begin);
    if (!p->fn_begin || !p->fn_now || !p->u_fn_begin) {
        prof_free(p);
        return NULL;
    }
    const sim_symbol *lo = sim_elf_symbol(elf, "__stack_limit__");
    const sim_symbol *hi = sim_elf_symbol(elf, "__stack_top__");
    if (lo && hi && hi->addr > lo->addr && hi->addr - lo->addr <= MAX_PAINT) {
        p->stack_limit = lo->addr;
        p->stack_top = hi->addr;
        p->paint = malloc(hi->addr - lo->addr);
        if (!p->paint)
            p->stack_limit = p->stack_top = 0;
    }
    return p;
}

void prof_attach(prof *p, sim *s)
{
    p->s = s;
}

void prof_free(prof *p)
{
    if (!p)
        return;
    free(p->image);
    free(p->layers);
    free(p->paint);
    free(p->fn_begin);
    free(p->fn_now);
    free(p->u_fn_begin);
    free(p->calls);
    free(p);
}

/* Lifetimes of the arena tensors in layer steps: first[t]..last[t] from the layers that use
 * them, model inputs from 0 and outputs to the end; first[t] = UINT32_MAX for tensors that are
 * not in the arena or unused. */
static void lifetimes(const nn_model *m, uint32_t *first, uint32_t *last)
{
    uint32_t nt = m->hdr->n_tensors, nl = m->hdr->n_layers;
    for (uint32_t t = 0; t < nt; t++) {
        first[t] = UINT32_MAX;
        last[t] = 0;
    }
    for (uint32_t k = 0; k < nl; k++) {
        const nn_tsm_layer *L = nn_layer(m, k);
        for (uint32_t i = 0; i < (uint32_t)L->n_inputs + L->n_outputs; i++) {
            uint32_t t = nn_layer_operand(m, k, i);
            if (t == NN_NO_TENSOR)
                continue;
            if (first[t] == UINT32_MAX)
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
            first[t] = UINT32_MAX;
    }
}

/* Arena bytes occupied by tensors live during layer l: the union of their [offset, end)
 * ranges, so tensors the planner placed in the same bytes count once. lo and hi are scratch
 * arrays of n_tensors entries. */
static uint32_t arena_live(const nn_model *m, uint32_t l, const uint32_t *first,
                           const uint32_t *last, uint32_t *lo, uint32_t *hi)
{
    uint32_t n = 0;
    for (uint32_t t = 0; t < m->hdr->n_tensors; t++) {
        if (first[t] == UINT32_MAX || l < first[t] || l > last[t])
            continue;
        const nn_tsm_tensor *x = nn_tensor(m, t);
        uint32_t j = n++; /* insert sorted by start */
        while (j > 0 && lo[j - 1] > x->offset) {
            lo[j] = lo[j - 1];
            hi[j] = hi[j - 1];
            j--;
        }
        lo[j] = x->offset;
        hi[j] = x->offset + x->size;
    }
    uint32_t total = 0, end = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = lo[i] > end ? lo[i] : end;
        if (hi[i] > a)
            total += hi[i] - a;
        if (hi[i] > end)
            end = hi[i];
    }
    return total;
}

/* Read the model the firmware is about to run from target memory and build the layer rows. */
static int load_model(prof *p, uint32_t model_addr)
{
    uint32_t mw[7];
    nn_error err;
    if (p->layers && p->model_addr == model_addr)
        return 0;
    free(p->image);
    free(p->layers);
    p->image = NULL;
    p->layers = NULL;
    p->n_layers = 0;
    if (sim_read_target(p->s, model_addr, mw, sizeof mw) < 0 || mw[1] < 80 || mw[1] > MAX_IMAGE) {
        snprintf(p->problem, sizeof p->problem,
                 "the nn_model at 0x%08x in target memory is unreadable", model_addr);
        return -1;
    }
    p->image = aligned_alloc(16, (mw[1] + 15) & ~15u);
    if (!p->image || sim_read_target(p->s, mw[0], p->image, mw[1]) < 0 ||
        nn_model_load(&p->m, p->image, mw[1], NULL, 0, &err) != NN_OK) {
        snprintf(p->problem, sizeof p->problem,
                 "the model image at 0x%08x (%u bytes) in target memory is unreadable or invalid",
                 mw[0], mw[1]);
        return -1;
    }
    p->n_layers = p->m.hdr->n_layers;
    p->layers = calloc(p->n_layers ? p->n_layers : 1, sizeof *p->layers);
    uint32_t nt = p->m.hdr->n_tensors + 1, *scratch = malloc(4 * nt * sizeof *scratch);
    if (!p->layers || !scratch) {
        free(scratch);
        return -1;
    }
    lifetimes(&p->m, scratch, scratch + nt);
    for (uint32_t l = 0; l < p->n_layers; l++) {
        prof_layer *y = &p->layers[l];
        const nn_tsm_layer *L = nn_layer(&p->m, l);
        y->index = l;
        snprintf(y->op, sizeof y->op, "%s", nn_op_name(L->op));
        const char *nm = nn_string(&p->m, L->name);
        snprintf(y->name, sizeof y->name, "%.*s", (int)strcspn(nm, ";"), nm);
        uint32_t out = nn_layer_operand(&p->m, l, L->n_inputs);
        if (out != NN_NO_TENSOR)
            mf_shape_str(nn_tensor(&p->m, out), y->out_shape, sizeof y->out_shape);
        y->macs = nn_layer_macs(&p->m, l);
        for (uint32_t i = 0; i < L->n_inputs; i++) {
            uint32_t t = nn_layer_operand(&p->m, l, i);
            if (t != NN_NO_TENSOR && nn_tensor(&p->m, t)->storage == NN_S_CONST)
                y->weight_bytes += nn_tensor(&p->m, t)->size;
        }
        y->arena_bytes = arena_live(&p->m, l, scratch, scratch + nt, scratch + 2 * nt,
                                    scratch + 3 * nt);
    }
    free(scratch);
    p->model_addr = model_addr;
    p->image_addr = mw[0];
    p->arena_addr = mw[5];
    p->inf.arena_size = p->m.hdr->arena_size;
    p->inf.model_bytes = mw[1];
    snprintf(p->inf.model_name, sizeof p->inf.model_name, "%s",
             nn_string(&p->m, p->m.hdr->name));
    p->problem[0] = 0;
    return 0;
}

/* Fill the free stack below sp with the pattern (the 64 bytes just below sp are left alone:
 * the probe call itself is about to use them). */
static void paint(prof *p, uint32_t sp)
{
    p->paint_gen++;
    p->paint_lo = p->paint_hi = 0;
    if (!p->stack_top || sp <= p->stack_limit + 64 || sp > p->stack_top)
        return;
    uint32_t lo = p->stack_limit, hi = (sp - 64) & ~3u;
    uint32_t n = (hi - lo) / 4;
    for (uint32_t i = 0; i < n; i++)
        p->paint[i] = PAINT;
    if (sim_write_target(p->s, lo, p->paint, n * 4) == 0) {
        p->paint_lo = lo;
        p->paint_hi = hi;
    }
    p->guard_ok = p->stack_limit > GUARD &&
                  sim_read_target(p->s, p->stack_limit - GUARD, p->guard, GUARD) == 0;
}

/*
 * Stack overflow: when the layer used the stack down to its limit (the lowest painted word
 * is gone), the words just below the limit that changed since the layer began are taken as
 * the stack's: the overflow is from the lowest of them up to the limit (at most GUARD; 0
 * when nothing below changed). The data there belongs to whatever the linker put below the
 * stack (here the arena, elsewhere heap or .bss).
 */
static uint32_t overflow_bytes(prof *p)
{
    uint32_t now[GUARD / 4];
    if (!p->guard_ok || p->paint_lo != p->stack_limit || p->paint_hi <= p->paint_lo ||
        sim_read_target(p->s, p->stack_limit, now, 4) < 0 || now[0] == PAINT ||
        sim_read_target(p->s, p->stack_limit - GUARD, now, GUARD) < 0)
        return 0;
    for (uint32_t i = 0; i < GUARD / 4; i++)
        if (now[i] != p->guard[i])
            return GUARD - 4 * i;
    return 0;
}

/* Deepest stack use since paint(): the lowest word no longer holding the pattern. */
static uint32_t stack_depth(prof *p, uint32_t sp_now)
{
    uint32_t deepest = sp_now;
    if (p->paint_hi > p->paint_lo) {
        uint32_t n = (p->paint_hi - p->paint_lo) / 4;
        if (sim_read_target(p->s, p->paint_lo, p->paint, n * 4) == 0) {
            for (uint32_t i = 0; i < n; i++)
                if (p->paint[i] != PAINT) {
                    uint32_t a = p->paint_lo + i * 4;
                    if (a < deepest)
                        deepest = a;
                    break;
                }
        }
    }
    return p->stack_top && deepest <= p->stack_top ? p->stack_top - deepest : 0;
}

/* A row's figures at its end probe: the counters since its begin probe, the stack (when the
 * paint is its own), and the breakdown against the block totals snapshot at its begin. */
static void row_end(prof *p, prof_layer *y, const sim_probe_event *begin,
                    const sim_probe_event *ev, int stack, const uint64_t *fn_begin,
                    const uint64_t *mix_begin)
{
    y->cycles = ev->cycles - begin->cycles;
    y->insns = ev->insns - begin->insns;
    y->stall_cycles = ev->stall_cycles - begin->stall_cycles;
    y->flash_bytes = ev->flash_bytes - begin->flash_bytes;
    if (stack) {
        y->stack_bytes = stack_depth(p, ev->sp);
        y->stack_overflow = overflow_bytes(p);
    }
    layer_breakdown(p, y, fn_begin, mix_begin);
    y->ran = 1;
}

/* --probe: a watched function was entered. */
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
    int row = p->n_open == 0 && p->n_calls < PROF_MAX_CALLS;
    p->open[p->n_open].probe = k;
    p->open[p->n_open].begin = *ev;
    p->open[p->n_open].painted = 0;
    if (row) {
        snapshot(p, p->u_fn_begin, p->u_mix_begin);
        if (p->cur == UINT32_MAX) { /* no core layer is using the paint */
            paint(p, ev->sp);
            p->open[p->n_open].painted = 1;
        }
    }
    p->open[p->n_open].gen = p->paint_gen;
    p->n_open++;
}

/* --probe: a watched call returned (the simulator pairs returns with calls by SP). */
static void probed_return(prof *p, const sim_probe_event *ev)
{
    while (p->n_open && p->open[p->n_open - 1].begin.sp < ev->sp)
        p->n_open--; /* abandoned (longjmp) */
    if (!p->n_open) {
        return;
    }
    uint32_t o = p->n_open - 1;
    prof_probe *pr = &p->probes[p->open[o].probe];
    if (pr->addr != ev->addr || p->open[o].begin.sp != ev->sp) {
        if (p->lost_open)
            p->lost_open--; /* the return of a call beyond PROF_MAX_DEPTH */
        return;
    }
    p->n_open = o;
    uint64_t cyc = ev->cycles - p->open[o].begin.cycles;
    pr->calls++;
    pr->cycles += cyc;
    pr->insns += ev->insns - p->open[o].begin.insns;
    if (pr->calls == 1 || cyc < pr->min_cycles)
        pr->min_cycles = cyc;
    if (cyc > pr->max_cycles)
        pr->max_cycles = cyc;
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
    row_end(p, y, &p->open[o].begin, ev,
            p->open[o].painted && p->open[o].gen == p->paint_gen && p->cur == UINT32_MAX,
            p->u_fn_begin, p->u_mix_begin);
    if (y->stack_bytes > pr->stack_bytes)
        pr->stack_bytes = y->stack_bytes;
    prof_inference *t = &p->probed;
    t->probed = 1;
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
            if (len >= 3 && strstr(nm, symbol) && strcmp(nm, symbol) != 0)
                w += snprintf(err + w, errsize - (size_t)w, "%s%s", n++ ? ", " : "; did you mean ",
                              nm);
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

void prof_on_probe(void *ud, const sim_probe_event *ev)
{
    prof *p = ud;
    if (!p->s)
        return;
    switch (ev->kind) {
    case SIM_PROBE_INFERENCE_BEGIN:
        if (load_model(p, ev->r0) < 0)
            return;
        for (uint32_t l = 0; l < p->n_layers; l++) {
            p->layers[l].cycles = p->layers[l].insns = 0;
            p->layers[l].stack_bytes = 0;
            p->layers[l].ran = 0;
        }
        p->i_cycles = ev->cycles;
        p->i_insns = ev->insns;
        p->inf.stack_bytes = 0;
        break;
    case SIM_PROBE_LAYER_BEGIN:
        if (ev->r0 != p->model_addr || ev->r1 >= p->n_layers)
            return;
        p->cur = ev->r1;
        p->l_begin = *ev;
        snapshot(p, p->fn_begin, p->mix_begin);
        paint(p, ev->sp);
        break;
    case SIM_PROBE_LAYER_END:
        if (ev->r0 != p->model_addr || ev->r1 != p->cur)
            return;
        {
            prof_layer *y = &p->layers[p->cur];
            row_end(p, y, &p->l_begin, ev, 1, p->fn_begin, p->mix_begin);
            if (y->stack_bytes > p->inf.stack_bytes)
                p->inf.stack_bytes = y->stack_bytes;
        }
        p->cur = UINT32_MAX;
        break;
    case SIM_PROBE_USER:
        probed_call(p, ev);
        break;
    case SIM_PROBE_USER_RETURN:
        probed_return(p, ev);
        break;
    case SIM_PROBE_INFERENCE_END:
        if (ev->r0 != p->model_addr)
            return;
        p->inf.cycles = ev->cycles - p->i_cycles;
        p->inf.insns = ev->insns - p->i_insns;
        p->last = p->inf;
        p->have_last = 1;
        break;
    default:
        break;
    }
}

const prof_layer *prof_layers(const prof *p, uint32_t *n)
{
    if (!p->have_last) {
        *n = p->n_calls;
        return p->n_calls ? p->calls : NULL;
    }
    *n = p->n_layers;
    return p->layers;
}

const prof_layer *prof_current(const prof *p, uint32_t *n)
{
    *n = p->image ? p->n_layers : 0;
    return p->image ? p->layers : NULL;
}

const nn_model *prof_model(const prof *p, uint32_t *image_addr, uint32_t *arena_addr)
{
    if (!p->image || !p->layers)
        return NULL;
    *image_addr = p->image_addr;
    *arena_addr = p->arena_addr;
    return &p->m;
}

const prof_inference *prof_last(const prof *p)
{
    if (!p->have_last)
        return p->n_calls ? &p->probed : NULL;
    return &p->last;
}

int prof_output(const prof *p, uint32_t *addr, uint32_t *size)
{
    if (!p->have_last || !p->image)
        return -1;
    const nn_tsm_tensor *t = nn_tensor(&p->m, nn_model_output(&p->m, 0));
    *addr = (t->storage == NN_S_CONST ? p->image_addr : p->arena_addr) + t->offset;
    *size = t->size;
    return 0;
}

const char *prof_problem(const prof *p)
{
    return p->problem;
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
    for (uint32_t i = 0; i < n && i < top; i++)
        fprintf(f, "%12llu %5.1f%% %12llu %10llu  %s\n", (unsigned long long)fn[i].cycles,
                total_cycles ? 100.0 * (double)fn[i].cycles / (double)total_cycles : 0.0,
                (unsigned long long)fn[i].insns, (unsigned long long)fn[i].entries, fn[i].name);
}

/* ===================================================================== reports */

static void bar(char *buf, double share, int width)
{
    int n = (int)(share * width + 0.5);
    for (int i = 0; i < width; i++)
        buf[i] = i < n ? '#' : '.';
    buf[width] = 0;
}

void prof_print_table(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    const prof_inference *inf = prof_last(p);
    int energy = b->run_ua_per_mhz > 0 && b->vdd_v > 0;
    if (!L || !inf)
        return;
    if (inf->probed)
        fprintf(f, "\n--- probed calls (%s: %u top-level calls%s) ---\n", inf->model_name + 6, n,
                n == PROF_MAX_CALLS ? ", the first ones" : "");
    else
        fprintf(f, "\n--- layers (last inference of %s: %u layers) ---\n", inf->model_name, n);
    fprintf(f, "%3s  %-17s %-14s %10s %12s %9s %9s %7s %6s %7s  %s\n", "#",
            inf->probed ? "function" : "op", "output",
            "MACs", "cycles", "ms", energy ? "uJ" : "uJ(n/a)", "cyc/MAC", "stack", "arena",
            "share");
    uint64_t macs = 0;
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        char sh[24], cpm[16], uj[16];
        double share = inf->cycles ? (double)y->cycles / (double)inf->cycles : 0;
        bar(sh, share, 16);
        macs += y->macs;
        if (y->macs)
            snprintf(cpm, sizeof cpm, "%.2f", (double)y->cycles / (double)y->macs);
        else
            snprintf(cpm, sizeof cpm, "-");
        if (energy)
            snprintf(uj, sizeof uj, "%.1f", prof_energy_j(b, y->cycles) * 1e6);
        else
            snprintf(uj, sizeof uj, "-");
        fprintf(f, "%3u  %-17s %-14s %10llu %12llu %9.3f %9s %7s %6u %7u  %s %4.1f%%\n", y->index,
                y->op, y->out_shape, (unsigned long long)y->macs, (unsigned long long)y->cycles,
                (double)y->cycles * 1e3 / b->clock_hz, uj, cpm, y->stack_bytes, y->arena_bytes,
                sh, share * 100);
    }
    fprintf(f, "total: %llu MACs, %llu cycles, %.3f ms", (unsigned long long)macs,
            (unsigned long long)inf->cycles, (double)inf->cycles * 1e3 / b->clock_hz);
    if (energy)
        fprintf(f, ", %.1f uJ", prof_energy_j(b, inf->cycles) * 1e6);
    if (macs)
        fprintf(f, ", %.2f cycles/MAC", (double)inf->cycles / (double)macs);
    if (inf->probed)
        fprintf(f, "; peak stack %u bytes\n", inf->stack_bytes);
    else
        fprintf(f, "; peak stack %u bytes, arena %u bytes, model %u bytes\n", inf->stack_bytes,
                inf->arena_size, inf->model_bytes);
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
        if (y->n_top)
            snprintf(top, sizeof top, "%s (%.0f%%)", y->top[0].name,
                     y->cycles ? 100.0 * (double)y->top[0].cycles / (double)y->cycles : 0.0);
        fprintf(f, "%3u  %-17s %5s %7s %6s %6s %5s %10llu %10llu %10llu %7s  %s\n", y->index,
                y->op, c[PROF_G_ALU], c[PROF_G_MUL], c[PROF_G_MEM], c[PROF_G_BRANCH],
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

void prof_memory_use(const prof *p, const sim_elf *elf, const sim_board *b, prof_memory *m)
{
    const prof_inference *inf = p ? prof_last(p) : NULL;
    const sim_region *fl = sim_board_flash(b), *ram = sim_board_ram(b);
    memset(m, 0, sizeof *m);
    m->flash_size = fl ? fl->size : 0;
    m->ram_size = ram ? ram->size : 0;
    for (uint32_t i = 0; i < elf->n_alloc; i++) {
        const sim_section *sc = &elf->alloc[i];
        const sim_region *r = sim_board_region_at(b, sc->addr);
        if (!r)
            continue; /* not in the board's memory (notes at address 0 and the like) */
        if (r->kind == SIM_MEM_FLASH) {
            if (sc->flags & SIM_SEC_NOBITS)
                continue; /* reserved flash (the model slot): counted as the model below */
            if (sc->flags & SIM_SEC_EXEC)
                m->text += sc->size;
            else
                m->rodata += sc->size;
        } else if (!(sc->flags & SIM_SEC_NOBITS)) {
            m->data += sc->size;
        } else if (in_range(elf, "__stack_limit__", "__stack_top__", sc->addr)) {
            m->stack += sc->size;
        } else if (in_range(elf, "__heap_start__", "__heap_end__", sc->addr)) {
            m->heap += sc->size;
        } else if (in_range(elf, "tinysim_arena", "tinysim_arena_end", sc->addr)) {
            m->arena += sc->size;
        } else if (in_range(elf, "tinysim_input_slot", "tinysim_input_slot_end", sc->addr)) {
            m->input += sc->size;
        } else {
            m->bss += sc->size;
        }
    }
    if (inf) {
        m->model = inf->model_bytes;
        m->model_in_slot = in_range(elf, "tinysim_model_slot", "tinysim_model_slot_end",
                                    p->image_addr);
        if (!m->model_in_slot && m->rodata >= m->model)
            m->rodata -= m->model; /* built in: shown as the model, not as rodata */
        m->arena_used = inf->arena_size;
        m->stack_peak = inf->stack_bytes;
    }
    m->flash_used = m->text + m->rodata + m->model + m->data;
    m->ram_used = m->data + m->bss + m->heap + m->stack + m->arena + m->input;
}

static const char *kib(uint32_t v, char *buf, size_t n)
{
    if (v >= 10240)
        snprintf(buf, n, "%.1f KiB", v / 1024.0);
    else
        snprintf(buf, n, "%u B", v);
    return buf;
}

void prof_print_memory(FILE *f, const prof_memory *m)
{
    char a[6][24];
    fprintf(f, "\n--- memory (ELF sections and this run) ---\n");
    fprintf(f, "flash  %s of %s (%.1f%%): text %s, rodata %s, model %s%s, .data image %s\n",
            kib(m->flash_used, a[0], 24), kib(m->flash_size, a[1], 24),
            m->flash_size ? 100.0 * m->flash_used / m->flash_size : 0.0, kib(m->text, a[2], 24),
            kib(m->rodata, a[3], 24), kib(m->model, a[4], 24),
            m->model ? (m->model_in_slot ? " (in the model slot)" : " (built in)") : "",
            kib(m->data, a[5], 24));
    fprintf(f, "RAM    %s of %s (%.1f%%): data %s, bss %s, heap %s", kib(m->ram_used, a[0], 24),
            kib(m->ram_size, a[1], 24), m->ram_size ? 100.0 * m->ram_used / m->ram_size : 0.0,
            kib(m->data, a[2], 24), kib(m->bss, a[3], 24), kib(m->heap, a[4], 24));
    fprintf(f, ", stack %s", kib(m->stack, a[0], 24));
    if (m->stack_peak)
        fprintf(f, " (peak %s)", kib(m->stack_peak, a[1], 24));
    fprintf(f, ", arena %s", kib(m->arena, a[0], 24));
    if (m->arena_used)
        fprintf(f, " (model plans %s)", kib(m->arena_used, a[1], 24));
    if (m->input)
        fprintf(f, ", input slot %s", kib(m->input, a[0], 24));
    fprintf(f, "\n");
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
        if (!q->calls) {
            fprintf(f, "%-24s %8s  (never returned: not called, or still running at the end)\n",
                    q->name, "0");
            continue;
        }
        double mean = (double)q->cycles / (double)q->calls;
        fprintf(f, "%-24s %8llu %14llu %12.0f %12llu %12llu %10.3f %6u\n", q->name,
                (unsigned long long)q->calls, (unsigned long long)q->cycles, mean,
                (unsigned long long)q->min_cycles, (unsigned long long)q->max_cycles,
                mean * 1e3 / b->clock_hz, q->stack_bytes);
    }
    if (p->lost_open)
        fprintf(f, "(calls nested deeper than %d probed calls were not measured)\n",
                PROF_MAX_DEPTH);
}

uint32_t prof_print_overflows(FILE *f, const prof *p)
{
    uint32_t n, count = 0;
    const prof_layer *L = prof_layers(p, &n);
    for (uint32_t i = 0; L && i < n; i++) {
        const prof_layer *y = &L[i];
        if (!y->stack_overflow)
            continue;
        uint32_t at = p->stack_limit - y->stack_overflow, off;
        const sim_symbol *sym = sim_elf_symbol_at(p->elf, at, &off);
        const char *what = "the data below the stack";
        for (uint32_t k = 0; k < p->elf->n_alloc; k++) {
            const sim_section *sc = &p->elf->alloc[k];
            if (at - sc->addr < sc->size)
                what = sc->name;
        }
        fprintf(f, "tinysim: warning: stack overflow in %s %u (%s): the stack went at least "
                   "%u bytes below __stack_limit__ (0x%08x), down to 0x%08x in %s%s%s; raise the "
                   "stack size or lower the %s's stack use\n",
                y->macs || !prof_last(p) || !prof_last(p)->probed ? "layer" : "call", y->index,
                y->op, y->stack_overflow,
                p->stack_limit, at, what, sym && !sym->is_func ? ", over " : "",
                sym && !sym->is_func ? sym->name : "",
                prof_last(p) && prof_last(p)->probed ? "function" : "layer");
        count++;
    }
    return count;
}
