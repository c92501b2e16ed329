/*
 * The second source of layers (profiler/layers.h): TensorFlow Lite Micro's interpreter, in
 * the firmware people ship, unmodified. Recognised from the ELF's symbols (C++ names,
 * demangled); nothing is asked of the firmware and no option is needed.
 *
 * - An inference is a call of tflite::MicroInterpreter::Invoke(), from its entry to its return.
 * - A layer is a call of an operator's invoke function made by the interpreter's loop over
 *   the operators: the loop is tflite::MicroInterpreterGraph::InvokeSubgraph(int) (TFLM from
 *   2023), tflite::MicroGraph::InvokeSubgraph(int) (2021-2023) or, in older TFLM, Invoke
 *   itself. TFLM's invoke functions are C++ functions taking (TfLiteContext*, TfLiteNode*):
 *   every such function (but the Prepare ones) is watched, and a call of one counts when
 *   its return address is inside the loop function and no layer is open (an IF or WHILE
 *   operator's subgraph runs inside its own layer). The k-th such call of an Invoke is
 *   operator k of subgraph 0: TFLM runs them in order. The TfLiteNode pointers the calls
 *   receive must step through one array with a constant stride (TFLM's
 *   NodeAndRegistration array); a call that breaks the sequence means a kernel was not
 *   recognised, and the inference is dropped with a warning rather than mislabelled.
 * - The model is the .tflite the interpreter runs, read from target memory: the Model*
 *   the constructor MicroInterpreter(const Model*, const MicroOpResolver&, uint8_t* arena,
 *   size_t arena_size, ...) is given (else the interpreter's first word, TFLM's model_),
 *   whose FlatBuffer starts at most 4 KiB before it (root offset, then "TFL3"). Its size is
 *   the ELF symbol's there (g_model), else the rest of its memory region. It is decoded with
 *   tinysim's reader and converted as `tinysim inspect` converts it, so the layers have the
 *   same ops, names, shapes, MACs and weights; a model the converter refuses keeps the ops,
 *   names and shapes, without MACs. The arena is the constructor's (address and size).
 *
 * Everything read from the target is validated: the pointers against the board's memory,
 * the model by the reader (every offset bounds-checked), the node pointers' sequence, the
 * pairing of returns with calls (the simulator pairs them by SP and return address).
 */
#include <stdlib.h>
#include <string.h>

#include "core/nn_model.h"
#include "models/convert.h"
#include "models/tflite.h"
#include "profiler/layers.h"

#define MAX_TFLITE (16u << 20)   /* largest .tflite read from the target */
#define ROOT_BACK 4096u          /* how far before the Model* its buffer may start */
#define N_MODELS 4               /* models kept */
#define N_INTERP 8               /* interpreters remembered from their constructors */
#define LOAD_FREE (64ull << 20)  /* model bytes read with no budget, then per instruction: */
#define LOAD_PER_INSN 16u
#define MAX_STRIDE 1024u         /* largest plausible NodeAndRegistration */
#define NONE UINT32_MAX

typedef struct {
    uint32_t buf, len;           /* the FlatBuffer in target memory; buf 0: a free entry */
    uint8_t head[64];            /* its first bytes as read: still the same model? */
    uint8_t *bytes;              /* host copy (tensor data of tm points into it) */
    tfl_model tm;
    uint8_t *image;              /* the converted .tsm image, when the converter took it */
    nn_model m;
    int converted;
    char name[64];
    prof_table t;
    uint64_t used;
    uint64_t hash;               /* FNV-1a 64 of the .tflite's bytes */
    uint32_t eval_base;          /* TFLM's TfLiteEvalTensor array, once found in the arena */
    uint32_t eval_arena;         /* ... in the arena at this address (0: not looked for) */
    int eval_found;
} tflm_model;

typedef struct {
    int on;                      /* TFLM recognised and watched */
    uint32_t invoke;             /* MicroInterpreter::Invoke() */
    uint32_t loop_lo, loop_hi;   /* the function that calls each operator's invoke */
    uint32_t *kernels, n_kernels; /* watched invoke functions, sorted */
    uint32_t ctors[4], n_ctors;  /* constructors taking (model, resolver, arena, size) */
    struct { uint32_t self, model, arena, arena_size; } interp[N_INTERP];
    uint32_t n_interp, next_interp;
    uint32_t arena_sym, arena_sym_size; /* a symbol named ...tensor_arena, when there is one */
    tflm_model models[N_MODELS];
    uint64_t stamp, loaded_bytes, loads;
    /* the running Invoke (run NULL: none) and its open operator call */
    tflm_model *run;
    uint32_t invoke_sp, next_op, node0, stride;
    uint32_t op_fn, op_sp;       /* the open call (op_fn 0: none) */
    /* the model's first output as the last completed Invoke left it (--output) */
    uint8_t *out;
    uint32_t out_size;
    int out_ok;
    char out_problem[160];
} prof_tflm;

static int is_kernel(const prof_tflm *k, uint32_t addr)
{
    uint32_t lo = 0, hi = k->n_kernels;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (k->kernels[mid] == addr)
            return 1;
        if (k->kernels[mid] < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int by_addr(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && memcmp(s + n - m, tail, m) == 0;
}

/* The one function of that demangled name (NULL: none, or several). */
static const sim_symbol *function(const sim_elf *e, const char *name)
{
    const sim_symbol *c[2];
    return sim_elf_functions_named(e, name, c, 2) == 1 ? c[0] : NULL;
}

static const char *call_str(const sim_probe_event *ev, char *buf, size_t n)
{
    snprintf(buf, n, "the TFLM call at 0x%08x (r0 0x%08x, r1 0x%08x)", ev->addr, ev->r0, ev->r1);
    return buf;
}

/* ===================================================================== recognition */

static void *tflm_new(prof *p)
{
    (void)p;
    return calloc(1, sizeof(prof_tflm));
}

/* TFLM's symbols, and the watches on them. Without Invoke this is not TFLM firmware and
 * nothing is watched. */
static void tflm_attach(void *self, prof *p)
{
    prof_tflm *k = self;
    const sim_elf *e = prof_elf(p);
    sim *s = prof_sim(p);
    const sim_symbol *inv = function(e, "tflite::MicroInterpreter::Invoke()");
    if (!inv)
        return;
    static const char *const loops[] = {"tflite::MicroInterpreterGraph::InvokeSubgraph(int)",
                                        "tflite::MicroGraph::InvokeSubgraph(int)"};
    const sim_symbol *loop = NULL;
    for (size_t i = 0; i < sizeof loops / sizeof loops[0] && !loop; i++)
        loop = function(e, loops[i]);
    if (!loop)
        loop = inv;
    k->invoke = inv->addr;
    k->loop_lo = loop->addr;
    k->loop_hi = loop->addr + (loop->size ? loop->size : 1);
    /* the constructor that takes the arena (r3) and its size (the first stacked argument) */
    static const char ctor[] = "tflite::MicroInterpreter::MicroInterpreter(tflite::Model const*, "
                               "tflite::MicroOpResolver const&, unsigned char*, unsigned int";
    k->kernels = malloc(((size_t)e->n_syms + 1) * sizeof *k->kernels);
    if (!k->kernels)
        return; /* out of host memory: not recognised */
    for (uint32_t i = 0; i < e->n_syms; i++) {
        const sim_symbol *y = &e->syms[i];
        if (!y->is_func) { /* the arena, when the firmware names it so */
            if (y->size && ends_with(y->display, "tensor_arena")) {
                k->arena_sym = y->addr;
                k->arena_sym_size = y->size;
            }
            continue;
        }
        if (y->addr == loop->addr)
            continue;
        if (ends_with(y->display, "(TfLiteContext*, TfLiteNode*)") &&
            !strstr(y->display, "Prepare"))
            k->kernels[k->n_kernels++] = y->addr;
        else if (strncmp(y->display, ctor, strlen(ctor)) == 0 && !strstr(y->display, "[clone") &&
                 k->n_ctors < 4) { /* a clone (.constprop, .isra) takes other arguments */
            uint32_t j = 0;
            while (j < k->n_ctors && k->ctors[j] != y->addr)
                j++;
            if (j == k->n_ctors)
                k->ctors[k->n_ctors++] = y->addr;
        }
    }
    if (!k->n_kernels)
        return; /* no operator invoke functions ((TfLiteContext*, TfLiteNode*)) to watch */
    qsort(k->kernels, k->n_kernels, sizeof *k->kernels, by_addr);
    int fail = sim_watch_add(s, k->invoke) < 0;
    for (uint32_t i = 0; i < k->n_ctors && !fail; i++)
        fail = sim_watch_add(s, k->ctors[i]) < 0;
    for (uint32_t i = 0; i < k->n_kernels && !fail; i++)
        fail = sim_watch_add(s, k->kernels[i]) < 0;
    if (fail)
        return; /* more operator functions than the simulator watches */
    k->on = 1;
}

/* ===================================================================== the model */

static void model_drop(tflm_model *c)
{
    prof_table_release(&c->t);
    tfl_free(&c->tm);
    free(c->bytes);
    free(c->image);
    memset(c, 0, sizeof *c);
}


/* Where the FlatBuffer whose root table is at model starts: a 4-aligned address at most
 * ROOT_BACK bytes before it holding the root offset back to it and then "TFL3". */
static uint32_t buffer_of(const prof *p, uint32_t model)
{
    sim *s = prof_sim(p);
    for (uint32_t back = 8; back <= ROOT_BACK && back <= model; back += 4) {
        uint32_t w[2], b = model - back;
        if ((b & 3u) || sim_read_target(s, b, w, sizeof w) < 0)
            continue;
        if (w[0] == back && memcmp(&w[1], "TFL3", 4) == 0)
            return b;
    }
    return 0;
}

/* The rows of a model the converter refused: what the .tflite itself says. */
static int tfl_rows(tflm_model *c)
{
    const tfl_model *m = &c->tm;
    if (prof_table_alloc(&c->t, (uint32_t)m->nops) < 0)
        return -1;
    for (int i = 0; i < m->nops; i++) {
        prof_layer *y = &c->t.rows[0][i];
        const tfl_op *o = &m->ops[i];
        y->index = (uint32_t)i;
        y->op = tfl_op_name(o->builtin);
        if (o->noutputs > 0 && o->outputs[0] >= 0 && o->outputs[0] < m->ntensors) {
            const tfl_tensor *x = &m->tensors[o->outputs[0]];
            size_t w = 0;
            snprintf(y->name, sizeof y->name, "%.*s", (int)strcspn(x->name, ";"), x->name);
            for (int d = 0; d < x->ndims && w < sizeof y->out_shape; d++) {
                int n = snprintf(y->out_shape + w, sizeof y->out_shape - w, "%s%d", d ? "x" : "",
                                 (int)x->dims[d]);
                w += n > 0 ? (size_t)n : 0;
            }
        }
        for (int j = 0; j < o->ninputs; j++)
            if (o->inputs[j] >= 0 && o->inputs[j] < m->ntensors)
                y->weight_bytes += (uint32_t)m->tensors[o->inputs[j]].data_size;
    }
    prof_table_ready(&c->t);
    return 0;
}

/* The model whose root table is at model, from the cache or read from target memory; NULL
 * with the reason recorded. */
static tflm_model *load_model(prof_tflm *k, prof *p, const sim_probe_event *ev, uint32_t model)
{
    sim *s = prof_sim(p);
    const sim_elf *e = prof_elf(p);
    uint32_t buf = buffer_of(p, model);
    if (!buf) {
        prof_ev_nonsense(p, ev, "the interpreter's model (0x%08x) is not a TensorFlow Lite "
                         "FlatBuffer in target memory (no \"TFL3\" identifier before it)", model);
        return NULL;
    }
    uint8_t head[64] = {0};
    uint32_t len = 0;
    const sim_symbol *y = sim_elf_object_at(e, buf);
    if (y && y->size >= 16)
        len = y->size;
    const sim_region *r = sim_board_range_at(sim_get_board(s), buf, 8);
    if (!r)
        return NULL; /* not after buffer_of, which read it */
    uint32_t room = r->base + r->size - buf;
    if (!len || len > room)
        len = room;
    if (len > MAX_TFLITE)
        len = MAX_TFLITE;
    sim_read_target(s, buf, head, len < sizeof head ? len : sizeof head);
    tflm_model *free_c = NULL, *lru = NULL;
    for (int i = 0; i < N_MODELS; i++) {
        tflm_model *c = &k->models[i];
        if (c->buf == buf && c->len == len && memcmp(c->head, head, sizeof head) == 0) {
            c->used = ++k->stamp;
            return c;
        }
        if (!c->buf && !free_c)
            free_c = c;
        else if (c->buf && !prof_table_busy(p, &c->t) && (!lru || c->used < lru->used))
            lru = c;
    }
    if (k->loaded_bytes + len > LOAD_FREE + LOAD_PER_INSN * ev->insns) {
        prof_ev_nonsense(p, ev, "the firmware has had tinysim read %llu bytes of models; the "
                         "model at 0x%08x is not read", (unsigned long long)k->loaded_bytes, buf);
        return NULL;
    }
    tflm_model *c = free_c ? free_c : lru;
    if (!c)
        return NULL;
    if (c->buf)
        model_drop(c);
    k->loaded_bytes += len;
    k->loads++;
    char *why = NULL;
    c->bytes = malloc(len);
    if (!c->bytes || sim_read_target(s, buf, c->bytes, len) < 0) {
        prof_ev_nonsense(p, ev, "cannot read the model at 0x%08x (%u bytes)", buf, len);
        model_drop(c);
        return NULL;
    }
    c->hash = prof_fnv(PROF_FNV_START, c->bytes, len);
    if (tfl_read(c->bytes, len, &c->tm, &why) != 0) {
        prof_ev_nonsense(p, ev, "the model at 0x%08x is not a valid .tflite: %s", buf,
                         why ? why : "?");
        free(why);
        model_drop(c);
        return NULL;
    }
    if (y)
        snprintf(c->name, sizeof c->name, "%s", y->display);
    else
        snprintf(c->name, sizeof c->name, "tflite@0x%08x", buf);
    cv_result cr = {0};
    nn_error err;
    if (cv_convert(&c->tm, c->name, &cr, &why) == 0) {
        c->image = cr.image;
        c->converted = nn_model_load(&c->m, c->image, cr.size, NULL, 0, &err) == NN_OK &&
                       c->m.hdr->n_layers == (uint32_t)c->tm.nops;
    }
    free(why);
    c->buf = buf;
    c->len = len;
    memcpy(c->head, head, sizeof head);
    c->used = ++k->stamp;
    c->t.src = &prof_source_tflm;
    c->t.owner = c;
    c->t.name = c->name;
    snprintf(c->t.what, sizeof c->t.what, "TFLM model '%s' (.tflite at 0x%08x)", c->name, buf);
    c->t.model_bytes = len;
    c->t.image_addr = buf;
    if ((c->converted ? prof_rows_from_model(&c->t, &c->m) : tfl_rows(c)) < 0) {
        prof_ev_nonsense(p, ev, "out of host memory for the layer rows of %s", c->t.what);
        model_drop(c);
        return NULL;
    }
    return c;
}

/*
 * The bytes of the arena TFLM uses, from its own bookkeeping: the arena's allocator
 * (SingleArenaBufferAllocator; SimpleMemoryAllocator before 2022) is the first thing TFLM
 * places in the arena, at its top, and holds buffer_head_, buffer_tail_, head_, tail_ and
 * temp_ in a row. Five such words in the arena's last 256 bytes, each consistent with the
 * others and with the arena the interpreter was given, give what TFLM's arena_used_bytes()
 * says: the non-persistent head (max(head_, temp_) - buffer_head_) plus the persistent tail
 * (buffer_tail_ - tail_). 0 when no such words are there (another allocator, a foreign
 * layout): the report then has no used figure.
 */
static uint32_t arena_used(const prof *p, uint32_t arena, uint32_t size)
{
    uint32_t w[64 + 4], n = 64, at = arena + size - 256;
    if (size < 512 || sim_read_target(prof_sim(p), at, w, 256) < 0)
        return 0;
    for (uint32_t i = 0; i + 4 < n; i++) {
        uint32_t bh = w[i], bt = w[i + 1], head = w[i + 2], tail = w[i + 3], temp = w[i + 4];
        if (bh < arena || bh >= arena + 16 || bt > arena + size || bt + 16 <= arena + size)
            continue;
        if (head < bh || tail < head || tail > bt || temp < bh || temp > tail)
            continue;
        uint32_t top = head > temp ? head : temp;
        return (top - bh) + (bt - tail);
    }
    return 0;
}

static void find_eval(const prof *p, tflm_model *c);
static uint32_t tfl_bytes(const tfl_tensor *x);

/* The model's input tensors as the Invoke begins, through TFLM's tensors (0: not found). */
static uint64_t input_hash(const prof *p, tflm_model *c)
{
    const tfl_model *m = &c->tm;
    uint64_t h = PROF_FNV_START;
    if (c->eval_arena != c->t.arena_addr)
        find_eval(p, c);
    if (!c->eval_found || m->ninputs < 1)
        return 0;
    for (int i = 0; i < m->ninputs; i++) {
        int ti = m->inputs[i];
        uint32_t rec[3], n;
        if (ti < 0 || ti >= m->ntensors || !(n = tfl_bytes(&m->tensors[ti])) ||
            sim_read_target(prof_sim(p), c->eval_base + 12u * (uint32_t)ti, rec, sizeof rec) < 0 ||
            !prof_in_memory(p, rec[0], n, 0))
            return 0;
        for (uint32_t o = 0; o < n;) {
            uint8_t buf[4096];
            uint32_t k = n - o < sizeof buf ? n - o : (uint32_t)sizeof buf;
            if (sim_read_target(prof_sim(p), rec[0] + o, buf, k) < 0)
                return 0;
            h = prof_fnv(h, buf, k);
            o += k;
        }
    }
    return h;
}

/* ===================================================================== events */

static void invoke_begin(prof_tflm *k, prof *p, const sim_probe_event *ev)
{
    uint32_t model = 0, arena = 0, arena_size = 0;
    for (uint32_t i = 0; i < k->n_interp; i++)
        if (k->interp[i].self == ev->r0) {
            model = k->interp[i].model;
            arena = k->interp[i].arena;
            arena_size = k->interp[i].arena_size;
        }
    if (!model && sim_read_target(prof_sim(p), ev->r0, &model, sizeof model) < 0)
        model = 0;
    if (!arena && k->arena_sym) {
        arena = k->arena_sym;
        arena_size = k->arena_sym_size;
    }
    if (k->run)
        prof_ev_nonsense(p, ev, "an Invoke began inside another one");
    k->run = NULL;
    tflm_model *c = model ? load_model(k, p, ev, model) : NULL;
    if (!c) {
        if (!model)
            prof_ev_nonsense(p, ev, "the interpreter at 0x%08x has no model tinysim can find",
                             ev->r0);
        prof_ev_interrupt(p, ev);
        return;
    }
    c->t.arena_addr = arena;
    c->t.arena_ok = arena && prof_in_memory(p, arena, arena_size, 1);
    c->t.arena_given = c->t.arena_ok ? arena_size : 0;
    c->t.arena_size = c->t.arena_ok ? arena_used(p, arena, arena_size) : 0;
    prof_ev_inference_begin(p, ev, &c->t);
    prof_ev_inference_hashes(p, c->hash, input_hash(p, c));
    k->run = c;
    k->invoke_sp = ev->sp;
    k->next_op = 0;
    k->op_fn = 0;
}

static void op_begin(prof_tflm *k, prof *p, const sim_probe_event *ev)
{
    uint32_t lr = ev->lr & ~1u;
    if (!k->run || k->op_fn || lr < k->loop_lo || lr >= k->loop_hi)
        return; /* not the interpreter's loop calling an operator (nested, or Prepare's) */
    uint32_t op = k->next_op++;
    if (op >= k->run->t.n_layers) {
        prof_ev_nonsense(p, ev, "operator call %u of an Invoke of %s, which has %u operators",
                         op, k->run->t.what, k->run->t.n_layers);
        prof_ev_abandon(p);
        k->run = NULL;
        return;
    }
    if (op == 0) {
        k->node0 = ev->r1;
    } else if (op == 1) {
        k->stride = ev->r1 - k->node0;
        if (ev->r1 <= k->node0 || k->stride > MAX_STRIDE)
            goto out_of_sequence;
    } else if (ev->r1 != k->node0 + op * k->stride) {
        goto out_of_sequence;
    }
    k->op_fn = ev->addr;
    k->op_sp = ev->sp;
    prof_ev_layer_begin(p, ev, op);
    return;
out_of_sequence:
    prof_ev_nonsense(p, ev, "operator call %u of an Invoke got node 0x%08x, out of the sequence "
                     "of TfLiteNode pointers (0x%08x, stride %u): an operator's invoke function "
                     "was not recognised; this Invoke is not measured", op, ev->r1, k->node0,
                     k->stride);
    prof_ev_abandon(p);
    k->run = NULL;
}

static int tflm_operand_addr(void *self, prof *p, const prof_table *t, uint32_t l, uint32_t k,
                             uint32_t *addr);
static uint32_t tfl_bytes(const tfl_tensor *x);

/* The model's first output, copied from TFLM's tensor as the Invoke that ends left it: the
 * output of the last operator that writes it. */
static void keep_output(prof_tflm *k, prof *p, tflm_model *c)
{
    const tfl_model *m = &c->tm;
    k->out_ok = 0;
    snprintf(k->out_problem, sizeof k->out_problem, "the model's output tensor was not found "
             "among TFLM's tensors");
    if (!c->converted || m->noutputs < 1)
        return;
    for (int l = m->nops - 1; l >= 0; l--) {
        uint32_t addr, size;
        const tfl_op *o = &m->ops[l];
        if (o->noutputs < 1 || o->outputs[0] != m->outputs[0])
            continue;
        size = tfl_bytes(&m->tensors[o->outputs[0]]);
        if (tflm_operand_addr(k, p, &c->t, (uint32_t)l, nn_layer(&c->m, (uint32_t)l)->n_inputs,
                              &addr) < 0)
            return;
        uint8_t *b = realloc(k->out, size ? size : 1);
        if (!b)
            return;
        k->out = b;
        if (sim_read_target(prof_sim(p), addr, b, size) < 0)
            return;
        k->out_size = size;
        k->out_ok = 1;
        k->out_problem[0] = 0;
        return;
    }
}

/* A constructor MicroInterpreter(model, resolver, arena, arena_size, ...) was entered: this
 * (r0), model (r1), arena (r3) and its size (the first stacked argument), remembered by
 * interpreter (the oldest is forgotten past N_INTERP). */
static void interp_seen(prof_tflm *k, prof *p, const sim_probe_event *ev)
{
    uint32_t size = 0, j = k->n_interp;
    if (sim_read_target(prof_sim(p), ev->sp, &size, sizeof size) < 0)
        size = 0;
    for (uint32_t n = 0; n < k->n_interp; n++)
        if (k->interp[n].self == ev->r0)
            j = n;
    if (j == k->n_interp) {
        if (k->n_interp < N_INTERP)
            k->n_interp++;
        else
            j = k->next_interp++ % N_INTERP;
    }
    k->interp[j].self = ev->r0;
    k->interp[j].model = ev->r1;
    k->interp[j].arena = ev->r3;
    k->interp[j].arena_size = size;
}

static int tflm_on_probe(void *self, prof *p, const sim_probe_event *ev)
{
    prof_tflm *k = self;
    if (!k->on)
        return 0;
    if (ev->kind == SIM_PROBE_USER) {
        if (ev->addr == k->invoke) {
            invoke_begin(k, p, ev);
        } else if (is_kernel(k, ev->addr)) {
            op_begin(k, p, ev);
        } else {
            for (uint32_t i = 0; i < k->n_ctors; i++)
                if (ev->addr == k->ctors[i])
                    interp_seen(k, p, ev);
        }
    } else if (ev->kind == SIM_PROBE_USER_RETURN) {
        if (k->run && k->op_fn && ev->addr == k->op_fn && ev->sp == k->op_sp) {
            prof_ev_layer_end(p, ev, k->next_op - 1);
            k->op_fn = 0;
        } else if (k->run && ev->addr == k->invoke && ev->sp == k->invoke_sp) {
            if (k->next_op == 0 && k->run->t.n_layers) {
                prof_ev_nonsense(p, ev, "an Invoke of %s returned without a call of an operator "
                                 "tinysim recognised; it is not measured", k->run->t.what);
                prof_ev_abandon(p);
            } else {
                keep_output(k, p, k->run);
                prof_ev_inference_end(p, ev);
            }
            k->run = NULL;
        }
    }
    return 0; /* --probe may watch the same functions */
}

/* ===================================================================== tensors */

/*
 * TFLM's tensors at run time: an array of TfLiteEvalTensor {void *data; TfLiteIntArray
 * *dims; TfLiteType type;} (12 bytes, TFLM since 2020), indexed by tensor, in the arena's
 * persistent part. TFLM points each dims at the tensor's shape vector inside the .tflite, in
 * place, so the array is where the words buf + shape_pos of the tensors appear 12 bytes
 * apart. Found by reading the arena once: a position where at least half of the tensors
 * with a shape (and two or more) have their dims word, and no other. Kernels that give a
 * tensor dims of its own (RESHAPE's output) do not match, which the half allows for.
 */
static void find_eval(const prof *p, tflm_model *c)
{
    const tfl_model *m = &c->tm;
    uint32_t arena = c->t.arena_addr, size = c->t.arena_given;
    c->eval_arena = arena;
    c->eval_found = 0;
    if (!c->t.arena_ok || size < 12 || m->ntensors < 1)
        return;
    uint32_t *w = malloc(size);
    if (!w || sim_read_target(prof_sim(p), arena, w, size & ~3u) < 0) {
        free(w);
        return;
    }
    uint32_t nw = size / 4, shaped = 0;
    int probe = -1;
    for (int i = 0; i < m->ntensors; i++)
        if (m->tensors[i].shape_pos) {
            shaped++;
            if (probe < 0 && !m->tensors[i].data)
                probe = i;
        }
    if (probe < 0 || shaped < 2) {
        free(w);
        return;
    }
    uint32_t want = c->buf + (uint32_t)m->tensors[probe].shape_pos, found = 0, base = 0;
    for (uint32_t i = 1; i < nw; i++) {
        if (w[i] != want || (i - 1) < 3u * (uint32_t)probe)
            continue;
        uint32_t b = i - 1 - 3u * (uint32_t)probe, hits = 0; /* in words */
        if (b + 3u * (uint32_t)m->ntensors > nw)
            continue;
        for (int t = 0; t < m->ntensors; t++)
            if (m->tensors[t].shape_pos &&
                w[b + 3u * (uint32_t)t + 1] == c->buf + (uint32_t)m->tensors[t].shape_pos)
                hits++;
        if (hits >= 2 && 2 * hits >= shaped) {
            if (found++)
                break; /* two candidates: ambiguous, none is taken */
            base = arena + 4 * b;
        }
    }
    free(w);
    if (found == 1) {
        c->eval_base = base;
        c->eval_found = 1;
    }
}

/* Bytes of a tensor of the .tflite (0: a type or shape tinysim does not size). */
static uint32_t tfl_bytes(const tfl_tensor *x)
{
    uint64_t n = x->type == TFL_INT8 || x->type == TFL_UINT8 ? 1
                 : x->type == TFL_INT16 ? 2
                 : x->type == TFL_INT32 || x->type == TFL_FLOAT32 ? 4 : 0;
    for (int d = 0; d < x->ndims; d++)
        n *= (uint64_t)x->dims[d];
    return n > UINT32_MAX ? 0 : (uint32_t)n;
}

static const nn_model *tflm_model_of(const prof_table *t)
{
    const tflm_model *c = t->owner;
    return c->converted ? &c->m : NULL;
}

static int tflm_operand_addr(void *self, prof *p, const prof_table *t, uint32_t l, uint32_t k,
                             uint32_t *addr)
{
    tflm_model *c = (tflm_model *)t->owner;
    const tfl_model *m = &c->tm;
    (void)self;
    if (!c->converted || l >= (uint32_t)m->nops)
        return -1;
    const tfl_op *o = &m->ops[l];
    const nn_tsm_layer *L = nn_layer(&c->m, l);
    int ti;
    if (k == L->n_inputs)
        ti = o->noutputs > 0 ? o->outputs[0] : -1;
    else if ((int)L->n_inputs == o->ninputs)
        ti = o->inputs[k];
    else
        return -1; /* the converter took the operands otherwise: no safe mapping */
    if (ti < 0 || ti >= m->ntensors)
        return -1;
    const tfl_tensor *x = &m->tensors[ti];
    uint32_t n = tfl_bytes(x), a;
    if (!n)
        return -1;
    if (x->data) { /* a constant: where it is in the .tflite in target memory */
        a = c->buf + (uint32_t)(x->data - c->bytes);
    } else {
        uint32_t rec[3];
        if (c->eval_arena != t->arena_addr)
            find_eval(p, c);
        if (!c->eval_found ||
            sim_read_target(prof_sim(p), c->eval_base + 12u * (uint32_t)ti, rec, sizeof rec) < 0)
            return -1;
        if (x->shape_pos && rec[1] != c->buf + (uint32_t)x->shape_pos &&
            !prof_in_memory(p, rec[1], 4, 0))
            return -1;
        a = rec[0];
    }
    if (!prof_in_memory(p, a, n, 0))
        return -1;
    *addr = a;
    return 0;
}

static void tflm_release(void *self)
{
    prof_tflm *k = self;
    if (!k)
        return;
    for (int i = 0; i < N_MODELS; i++)
        model_drop(&k->models[i]);
    free(k->kernels);
    free(k->out);
    free(k);
}

const prof_source prof_source_tflm = {"TensorFlow Lite Micro", tflm_new, tflm_attach,
                                      tflm_on_probe, call_str, tflm_release, tflm_model_of,
                                      tflm_operand_addr};

/* ===================================================================== prof.h */

int prof_tflm_found(const prof *p)
{
    const prof_tflm *k = prof_source_state(p, &prof_source_tflm);
    return k && k->on;
}

int prof_tflm_output(const prof *p, const uint8_t **data, uint32_t *size, const char **why)
{
    const prof_tflm *k = prof_source_state(p, &prof_source_tflm);
    *why = k ? k->out_problem : "";
    if (!k || !k->out_ok)
        return -1;
    *data = k->out;
    *size = k->out_size;
    return 0;
}
