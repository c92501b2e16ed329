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
    uint64_t l_cycles, l_insns;       /* at the current layer's begin */
    uint64_t i_cycles, i_insns;       /* at the inference's begin */
    uint32_t cur;                     /* layer running, or UINT32_MAX */
    uint32_t paint_lo, paint_hi;      /* painted [lo, hi) for the current layer */
    uint32_t *paint;                  /* host buffer for painting and scanning */
    char problem[160];
};

prof *prof_new(const sim_elf *elf)
{
    prof *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->elf = elf;
    p->cur = UINT32_MAX;
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
        p->l_cycles = ev->cycles;
        p->l_insns = ev->insns;
        paint(p, ev->sp);
        break;
    case SIM_PROBE_LAYER_END:
        if (ev->r0 != p->model_addr || ev->r1 != p->cur)
            return;
        {
            prof_layer *y = &p->layers[p->cur];
            y->cycles = ev->cycles - p->l_cycles;
            y->insns = ev->insns - p->l_insns;
            y->stack_bytes = stack_depth(p, ev->sp);
            y->ran = 1;
            if (y->stack_bytes > p->inf.stack_bytes)
                p->inf.stack_bytes = y->stack_bytes;
        }
        p->cur = UINT32_MAX;
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
    *n = p->have_last ? p->n_layers : 0;
    return p->have_last ? p->layers : NULL;
}

const prof_inference *prof_last(const prof *p)
{
    return p->have_last ? &p->last : NULL;
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
    fprintf(f, "\n--- layers (last inference of %s: %u layers) ---\n", inf->model_name, n);
    fprintf(f, "%3s  %-17s %-14s %10s %12s %9s %9s %7s %6s %7s  %s\n", "#", "op", "output",
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
