/*
 * The first source of layers (profiler/layers.h): tinysim's inference core, which calls
 * nn_probe_inference_begin/end(model) and nn_probe_layer_begin/end(model, layer) around
 * each inference and layer (core/nn_probe.h). The simulator turns those calls into probe
 * events; this file turns them into the accounting's events, with the layer tables read
 * from the model in target memory: the nn_model the probe names, the .tsm image it points
 * at (read into the host and checked by the core's own loader, so every index taken from
 * it is in range), cached by address and header. It also keeps the output tensor of the
 * inference that ends (--output) and answers prof_model(), prof_output() and
 * prof_model_loads().
 *
 * Everything comes from the firmware and is validated: the nn_model pointer and the image
 * it names, the layer index (by the accounting, against the model the inference began
 * with), the model of each layer event against the running inference's, the model's words
 * and header at the end against those at the begin. A probe call that makes no sense is
 * not measured and is reported (prof_ev_nonsense).
 */
#include <stdlib.h>
#include <string.h>

#include "core/nn_model.h"
#include "models/modelfile.h"
#include "profiler/layers.h"

#define MAX_IMAGE (16u << 20)        /* largest model image read from the target */
#define PROF_CACHE 8                 /* models kept (load_model) */
#define CACHE_BYTES (32u << 20)      /* host bytes of cached images kept besides those in use */
#define LOAD_FREE (64ull << 20)      /* model bytes read and validated with no budget ... */
#define LOAD_PER_INSN 16u            /* ... then this many per guest instruction run */
#define NONE UINT32_MAX

/*
 * A model read from target memory. The key: the nn_model's address and words and its image's
 * header as read (which holds the image's total size and CRC-32). The host copy of the image
 * is validated by the core's own loader. t is its layer table for the accounting.
 */
typedef struct {
    uint32_t addr;                    /* the nn_model in target memory; 0: a free entry */
    uint32_t mw[7];                   /* its words: image, size, hdr, tensors, layers, arena,
                                         arena_size (core/nn_model.h) */
    uint8_t head[NN_TSM_HEADER_SIZE];
    uint8_t *image;                   /* host copy, NN_OK from nn_model_load */
    nn_model m;
    prof_table t;
    uint64_t began;                   /* the cycle its running inference began at */
    uint64_t hash;                    /* FNV-1a 64 of the image */
    uint64_t used;                    /* least recently used goes first */
} core_model;

typedef struct {
    core_model cache[PROF_CACHE];
    uint64_t stamp, cached_bytes;
    uint64_t loaded_bytes, loads;     /* model image bytes read and validated, and reads */
    /* the first output of the last completed inference, as it ended */
    uint8_t *out;
    uint32_t out_size;
    int out_ok;
    char out_problem[160];
} prof_core;

static const char *model_name(const core_model *c)
{
    return nn_string(&c->m, c->m.hdr->name);
}

static void cache_drop(prof_core *k, core_model *c)
{
    if (c->image)
        k->cached_bytes -= c->mw[1];
    free(c->image);
    prof_table_release(&c->t);
    memset(c, 0, sizeof *c);
}

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

/* ===================================================================== models */

/* [addr, addr + size) inside one region of the board (its base or its alias range), of kind
 * RAM when ram is set. */

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

/* The layer rows of a loaded model: what its tables say about each layer (layers.h). */
int prof_rows_from_model(prof_table *tab, const nn_model *m)
{
    if (prof_table_alloc(tab, m->hdr->n_layers) < 0)
        return -1;
    prof_layer *rows = tab->rows[0];
    for (uint32_t l = 0; l < tab->n_layers; l++) {
        prof_layer *y = &rows[l];
        const nn_tsm_layer *L = nn_layer(m, l);
        y->index = l;
        y->op = nn_op_name(L->op);
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
    prof_table_ready(tab);
    return 0;
}

/* An entry for a new model of size bytes: a free one, after dropping the least recently used
 * ones (never the running or the last inference's) while the cache holds more than
 * CACHE_BYTES. There is always one: PROF_CACHE > 2. */
static core_model *cache_entry(prof_core *k, const prof *p, uint32_t size)
{
    for (;;) {
        core_model *free_c = NULL, *lru = NULL;
        for (int i = 0; i < PROF_CACHE; i++) {
            core_model *c = &k->cache[i];
            if (!c->addr) {
                if (!free_c)
                    free_c = c;
            } else if (!prof_table_busy(p, &c->t) && (!lru || c->used < lru->used)) {
                lru = c;
            }
        }
        if (free_c && (k->cached_bytes + size <= CACHE_BYTES || !lru))
            return free_c;
        if (!lru)
            return NULL; /* not with PROF_CACHE > 2: at most two entries are in use */
        cache_drop(k, lru);
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
static core_model *load_model(prof_core *k, prof *p, const sim_probe_event *ev)
{
    sim *s = prof_sim(p);
    uint32_t mw[7];
    uint8_t head[NN_TSM_HEADER_SIZE];
    nn_model m;
    nn_error err;
    nn_status st = NN_OK;
    if (sim_read_target(s, ev->r0, mw, sizeof mw) < 0) {
        prof_ev_nonsense(p, ev, "no nn_model there: 0x%08x is not in target memory", ev->r0);
        return NULL;
    }
    if (mw[1] < NN_TSM_HEADER_SIZE || mw[1] > MAX_IMAGE || !prof_in_memory(p, mw[0], mw[1], 0) ||
        sim_read_target(s, mw[0], head, sizeof head) < 0) {
        prof_ev_nonsense(p, ev, "the nn_model says its image is %u bytes at 0x%08x, which is not a "
                 "model image in target memory (%u bytes to %u MiB inside one memory region)",
                 mw[1], mw[0], NN_TSM_HEADER_SIZE, MAX_IMAGE >> 20);
        return NULL;
    }
    for (int i = 0; i < PROF_CACHE; i++) {
        core_model *c = &k->cache[i];
        if (c->addr == ev->r0 && memcmp(c->mw, mw, sizeof mw) == 0 &&
            memcmp(c->head, head, sizeof head) == 0) {
            c->used = ++k->stamp;
            return c;
        }
    }
    if (k->loaded_bytes + mw[1] > LOAD_FREE + LOAD_PER_INSN * ev->insns) {
        prof_ev_nonsense(p, ev, "the firmware has had tinysim read %llu bytes of model images in %llu "
                 "instructions; a new model image (%u bytes at 0x%08x) is not read",
                 (unsigned long long)k->loaded_bytes, (unsigned long long)ev->insns, mw[1],
                 mw[0]);
        return NULL;
    }
    k->loaded_bytes += mw[1];
    k->loads++;
    uint8_t *image = aligned_alloc(16, (mw[1] + 15) & ~15u);
    if (!image) {
        prof_ev_nonsense(p, ev, "out of host memory for a model image of %u bytes", mw[1]);
        return NULL;
    }
    if (sim_read_target(s, mw[0], image, mw[1]) < 0 ||
        (st = nn_model_load(&m, image, mw[1], NULL, 0, &err)) != NN_OK) {
        prof_ev_nonsense(p, ev, "the model image at 0x%08x (%u bytes) is not a valid .tsm model: %s",
                 mw[0], mw[1], nn_strerror(st));
        free(image);
        return NULL;
    }
    core_model *c = cache_entry(k, p, mw[1]);
    if (!c) {
        free(image);
        return NULL;
    }
    c->addr = ev->r0;
    memcpy(c->mw, mw, sizeof mw);
    memcpy(c->head, head, sizeof head);
    c->image = image;
    c->m = m;
    c->hash = prof_fnv(PROF_FNV_START, image, mw[1]);
    c->used = ++k->stamp;
    k->cached_bytes += mw[1];
    c->t.src = &prof_source_core;
    c->t.owner = c;
    c->t.name = model_name(c);
    snprintf(c->t.what, sizeof c->t.what, "model '%s' (nn_model 0x%08x)", c->t.name, c->addr);
    c->t.arena_size = m.hdr->arena_size;
    c->t.model_bytes = mw[1];
    c->t.image_addr = mw[0];
    c->t.arena_addr = mw[5];
    c->t.arena_ok = prof_in_memory(p, mw[5], m.hdr->arena_size, 1);
    if (prof_rows_from_model(&c->t, &c->m) < 0) {
        cache_drop(k, c);
        prof_ev_nonsense(p, ev, "out of host memory for the layer rows of a model of %u layers",
                 m.hdr->n_layers);
        return NULL;
    }
    return c;
}

/* The nn_model of c and its image's header still as they were read: the inference that
 * ends runs the model that began. */
static int still_same(const prof *p, const core_model *c)
{
    uint32_t mw[7];
    uint8_t head[NN_TSM_HEADER_SIZE];
    return sim_read_target(prof_sim(p), c->addr, mw, sizeof mw) == 0 &&
           memcmp(mw, c->mw, sizeof mw) == 0 &&
           sim_read_target(prof_sim(p), mw[0], head, sizeof head) == 0 &&
           memcmp(head, c->head, sizeof head) == 0;
}

/* ===================================================================== events */

/* The running inference's model when it is one of this source's, else NULL. */
static core_model *running(const prof *p)
{
    const prof_table *t = prof_running(p);
    return t && t->src == &prof_source_core ? t->owner : NULL;
}

static void inference_begin(prof_core *k, prof *p, const sim_probe_event *ev)
{
    prof_ev_interrupt(p, ev);
    core_model *c = load_model(k, p, ev);
    if (!c)
        return;
    c->began = ev->cycles;
    prof_ev_inference_begin(p, ev, &c->t);
    /* the model's image and the input tensors as the inference begins */
    uint64_t in = PROF_FNV_START;
    int in_ok = c->t.arena_ok;
    for (uint32_t i = 0; i < c->m.hdr->n_inputs && in_ok; i++) {
        const nn_tsm_tensor *x = nn_tensor(&c->m, nn_model_input(&c->m, i));
        uint8_t buf[4096];
        uint32_t at = (x->storage == NN_S_CONST ? c->t.image_addr : c->t.arena_addr) + x->offset;
        for (uint32_t o = 0; o < x->size && in_ok; o += sizeof buf) {
            uint32_t n = x->size - o < sizeof buf ? x->size - o : (uint32_t)sizeof buf;
            in_ok = sim_read_target(prof_sim(p), at + o, buf, n) == 0;
            in = prof_fnv(in, buf, n);
        }
    }
    prof_ev_inference_hashes(p, c->hash, in_ok ? in : 0);
}

/* A layer probe about the running inference: 0 with the reason recorded if not (the layer
 * index is the accounting's to check). */
static int layer_of_inference(prof *p, const sim_probe_event *ev)
{
    const prof_table *t = prof_running(p);
    const core_model *c = running(p);
    if (!t) {
        prof_ev_nonsense(p, ev, "no inference is running (no nn_probe_inference_begin before it)");
        return 0;
    }
    if (!c) {
        prof_ev_nonsense(p, ev, "the running inference is of %s, not a tinysim core model",
                         t->what);
        return 0;
    }
    if (ev->r0 != c->addr) {
        prof_ev_nonsense(p, ev, "the running inference is of the nn_model at 0x%08x (model '%s')",
                         c->addr, model_name(c));
        return 0;
    }
    return 1;
}

/* The first output of the inference that ends, copied while it is what the inference made
 * (a later inference may reuse the arena), within the same budget as the model images. */
static void keep_output(prof_core *k, prof *p, const core_model *c, const sim_probe_event *ev)
{
    const nn_tsm_tensor *t = nn_tensor(&c->m, nn_model_output(&c->m, 0));
    k->out_ok = 0;
    if (t->storage == NN_S_ARENA && !c->t.arena_ok) {
        snprintf(k->out_problem, sizeof k->out_problem, "the nn_model's arena pointer "
                 "(0x%08x) does not hold the model's %u-byte arena in the board's RAM",
                 c->mw[5], c->m.hdr->arena_size);
        return;
    }
    if (k->loaded_bytes + t->size > LOAD_FREE + LOAD_PER_INSN * ev->insns) {
        snprintf(k->out_problem, sizeof k->out_problem, "the firmware had tinysim read more "
                 "than its budget of target memory (%llu bytes in %llu instructions)",
                 (unsigned long long)k->loaded_bytes, (unsigned long long)ev->insns);
        return;
    }
    k->loaded_bytes += t->size;
    uint8_t *b = t->size > k->out_size ? realloc(k->out, t->size) : k->out;
    if (!b && t->size) {
        snprintf(k->out_problem, sizeof k->out_problem, "out of host memory");
        return;
    }
    k->out = b;
    k->out_size = t->size;
    if (t->storage == NN_S_CONST)
        memcpy(b, c->image + t->offset, t->size);
    else if (sim_read_target(prof_sim(p), c->mw[5] + t->offset, b, t->size) < 0) {
        snprintf(k->out_problem, sizeof k->out_problem, "the output tensor at 0x%08x (%u bytes) "
                 "is not in target memory", c->mw[5] + t->offset, t->size);
        return;
    }
    k->out_ok = 1;
}

static void inference_end(prof_core *k, prof *p, const sim_probe_event *ev)
{
    const prof_table *t = prof_running(p);
    core_model *c = running(p);
    if (!t) {
        prof_ev_nonsense(p, ev, "no inference is running (no nn_probe_inference_begin before it)");
        return;
    }
    if (!c || ev->r0 != c->addr) {
        if (c)
            prof_ev_nonsense(p, ev, "the running inference is of the nn_model at 0x%08x "
                             "(model '%s'); neither is measured", c->addr, model_name(c));
        else
            prof_ev_nonsense(p, ev, "the running inference is of %s; neither is measured",
                             t->what);
        prof_ev_abandon(p);
        return;
    }
    if (!still_same(p, c)) {
        prof_ev_nonsense(p, ev, "the nn_model or its image's header changed since the "
                         "inference of model '%s' began at cycle %llu; it is not measured",
                         model_name(c), (unsigned long long)c->began);
        prof_ev_abandon(p);
        return;
    }
    prof_ev_inference_end(p, ev);
    keep_output(k, p, c, ev);
}

/* ===================================================================== the source */

static void *core_new(prof *p)
{
    (void)p;
    return calloc(1, sizeof(prof_core));
}

static void core_release(void *self)
{
    prof_core *k = self;
    if (!k)
        return;
    for (int i = 0; i < PROF_CACHE; i++)
        cache_drop(k, &k->cache[i]);
    free(k->out);
    free(k);
}

static int core_on_probe(void *self, prof *p, const sim_probe_event *ev)
{
    prof_core *k = self;
    switch (ev->kind) {
    case SIM_PROBE_INFERENCE_BEGIN: inference_begin(k, p, ev); return 1;
    case SIM_PROBE_INFERENCE_END: inference_end(k, p, ev); return 1;
    case SIM_PROBE_LAYER_BEGIN:
        if (layer_of_inference(p, ev))
            prof_ev_layer_begin(p, ev, ev->r1);
        return 1;
    case SIM_PROBE_LAYER_END:
        if (layer_of_inference(p, ev))
            prof_ev_layer_end(p, ev, ev->r1);
        return 1;
    default: return 0;
    }
}

static const nn_model *core_model_of(const prof_table *t)
{
    return &((const core_model *)t->owner)->m;
}

static int core_operand_addr(void *self, prof *p, const prof_table *t, uint32_t l, uint32_t k,
                             uint32_t *addr)
{
    const nn_model *m = core_model_of(t);
    (void)self, (void)p;
    uint32_t x = nn_layer_operand(m, l, k);
    if (x == NN_NO_TENSOR)
        return -1;
    const nn_tsm_tensor *y = nn_tensor(m, x);
    if (y->storage == NN_S_ARENA && !t->arena_ok)
        return -1;
    *addr = (y->storage == NN_S_CONST ? t->image_addr : t->arena_addr) + y->offset;
    return 0;
}

const prof_source prof_source_core = {"tinysim core probes", core_new, NULL, core_on_probe,
                                      call_str, core_release, core_model_of,
                                      core_operand_addr};

/* ===================================================================== prof.h */

int prof_output(const prof *p, const uint8_t **data, uint32_t *size, const char **why)
{
    const prof_core *k = prof_source_state(p, &prof_source_core);
    const prof_table *t = prof_completed(p);
    if (t && t->src == &prof_source_tflm)
        return prof_tflm_output(p, data, size, why);
    int ours = t && t->src == &prof_source_core;
    *why = !ours ? "" : k->out_problem;
    if (!ours || !k->out_ok)
        return -1;
    *data = k->out;
    *size = k->out_size;
    return 0;
}

uint64_t prof_model_loads(const prof *p)
{
    const prof_core *k = prof_source_state(p, &prof_source_core);
    return k ? k->loads : 0;
}
