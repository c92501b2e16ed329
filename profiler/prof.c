/*
 * The accounting (prof.h): what the layer events of every source (profiler/layers.h) and the
 * --probe calls mean in cycles, instructions, stack depth and the rest, row by row; the run's
 * problems; the accessors the reports read. Stack depth needs no write to the target: the
 * engine tracks the lowest SP (sim_sp_low).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "profiler/calls.h"
#include "profiler/prof_int.h"

prof *prof_new(const sim_elf *elf)
{
    prof *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->elf = elf;
    p->cur = NONE;
    p->keep = UINT64_MAX;
    p->fn_begin = calloc((size_t)elf->n_syms + 1, sizeof *p->fn_begin);
    p->fn_now = calloc((size_t)elf->n_syms + 1, sizeof *p->fn_now);
    p->u_fn_begin = calloc((size_t)elf->n_syms + 1, sizeof *p->u_fn_begin);
    if (!p->fn_begin || !p->fn_now || !p->u_fn_begin || prof_n_sources > PROF_MAX_SOURCES) {
        prof_free(p);
        return NULL;
    }
    for (unsigned i = 0; i < prof_n_sources; i++) {
        if (!(p->src[i] = prof_sources[i]->new(p))) {
            prof_free(p);
            return NULL;
        }
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
    for (unsigned i = 0; i < prof_n_sources; i++)
        if (prof_sources[i]->attach)
            prof_sources[i]->attach(p->src[i], p);
    if (!p->stack_top && fl && sim_read_target(s, fl->base, &sp0, sizeof sp0) == 0 &&
        sp0 > p->stack_limit)
        p->stack_top = sp0;
}

void prof_free(prof *p)
{
    if (!p)
        return;
    for (unsigned i = 0; i < prof_n_sources && i < PROF_MAX_SOURCES; i++)
        if (p->src[i])
            prof_sources[i]->release(p->src[i]);
    free(p->bs);
    free(p->fn_begin);
    free(p->fn_now);
    free(p->u_fn_begin);
    free(p->calls);
    free(p->hist);
    free(p);
}

void *prof_source_state(const prof *p, const prof_source *src)
{
    for (unsigned i = 0; i < prof_n_sources; i++)
        if (prof_sources[i] == src)
            return p->src[i];
    return NULL;
}

sim *prof_sim(const prof *p)
{
    return p->s;
}

const sim_elf *prof_elf(const prof *p)
{
    return p->elf;
}

int prof_in_memory(const prof *p, uint32_t addr, uint32_t size, int ram)
{
    const sim_region *r = sim_board_range_at(sim_get_board(p->s), addr, size);
    return r && (!ram || r->kind == SIM_MEM_RAM);
}

/* ===================================================================== nonsense */

void prof_ev_nonsense(prof *p, const sim_probe_event *ev, const char *fmt, ...)
{
    const size_t room = sizeof p->problem - 64; /* the rest for the count */
    if (p->n_problems++ == 0) {
        char call[80] = "a probe call", raw[sizeof p->problem];
        va_list ap;
        if (p->esrc)
            p->esrc->describe(ev, call, sizeof call);
        int w = snprintf(raw, sizeof raw, "the firmware's probe calls make no sense: %s at "
                         "cycle %llu: ", call, (unsigned long long)ev->cycles);
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

/* ===================================================================== tables */

int prof_table_alloc(prof_table *t, uint32_t n_layers)
{
    uint32_t n = n_layers ? n_layers : 1;
    t->n_layers = n_layers;
    for (int k = 0; k < 2; k++) {
        t->rows[k] = calloc(n, sizeof *t->rows[k]);
        t->dirty[k] = calloc(n, sizeof *t->dirty[k]);
        t->n_dirty[k] = 0;
        if (!t->rows[k] || !t->dirty[k]) {
            prof_table_release(t);
            return -1;
        }
    }
    return 0;
}

void prof_table_ready(prof_table *t)
{
    memcpy(t->rows[1], t->rows[0], (size_t)(t->n_layers ? t->n_layers : 1) * sizeof *t->rows[0]);
}

void prof_table_release(prof_table *t)
{
    for (int k = 0; k < 2; k++) {
        free(t->rows[k]);
        free(t->dirty[k]);
        t->rows[k] = NULL;
        t->dirty[k] = NULL;
        t->n_dirty[k] = 0;
    }
}

int prof_table_busy(const prof *p, const prof_table *t)
{
    return t == p->ci || t == p->li;
}

prof_table *prof_running(const prof *p)
{
    return p->ci;
}

prof_table *prof_completed(const prof *p)
{
    return p->li;
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
    prof_breakdown(p, y, fn_begin, mix_begin);
    y->ran = 1;
}

/* ===================================================================== events */

void prof_ev_abandon(prof *p)
{
    p->ci = NULL;
    p->cur = NONE;
}

void prof_ev_interrupt(prof *p, const sim_probe_event *ev)
{
    if (!p->ci)
        return;
    prof_ev_nonsense(p, ev, "the inference of %s that began at cycle %llu has not ended; it is "
                     "not measured", p->ci->what, (unsigned long long)p->i_begin.cycles);
    prof_ev_abandon(p);
}

void prof_ev_inference_begin(prof *p, const sim_probe_event *ev, prof_table *t)
{
    prof_ev_interrupt(p, ev);
    int k = t == p->li && p->lslot == 0; /* the other set keeps the last inference */
    for (uint32_t i = 0; i < t->n_dirty[k]; i++)
        row_clear(&t->rows[k][t->dirty[k][i]]);
    t->n_dirty[k] = 0;
    p->ci = t;
    p->cslot = k;
    p->cur = NONE;
    p->i_begin = *ev;
    p->i_low = ev->sp;
    p->i_id = ++p->next_id;
    memset(&p->inf, 0, sizeof p->inf);
    p->inf.arena_size = t->arena_size;
    p->inf.arena_given = t->arena_given;
    p->inf.model_bytes = t->model_bytes;
    snprintf(p->inf.model_name, sizeof p->inf.model_name, "%s", t->name);
    if (p->s)
        sim_cg_mark(p->s, PROF_MARK_INFERENCE_BEGIN);
    p->event_ok = 1;
    p->ev_kind = PROF_EV_INFERENCE_BEGIN;
}

void prof_ev_inference_hashes(prof *p, uint64_t model, uint64_t input)
{
    if (p->ci) {
        p->inf.model_hash = model;
        p->inf.input_hash = input;
    }
}

uint64_t prof_fnv(uint64_t h, const void *data, size_t n)
{
    const uint8_t *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* A layer of the running inference's table; 0 with the reason recorded if not. */
static int layer_ok(prof *p, const sim_probe_event *ev, uint32_t layer)
{
    if (!p->ci) {
        prof_ev_nonsense(p, ev, "no inference is running");
        return 0;
    }
    if (layer >= p->ci->n_layers) {
        prof_ev_nonsense(p, ev, "model '%s' has layers 0 to %u", p->ci->name,
                         p->ci->n_layers - 1);
        return 0;
    }
    return 1;
}

void prof_ev_layer_begin(prof *p, const sim_probe_event *ev, uint32_t layer)
{
    if (!layer_ok(p, ev, layer))
        return;
    if (p->cur != NONE)
        prof_ev_nonsense(p, ev, "layer %u began at cycle %llu and has not ended; it is not "
                         "measured", p->cur, (unsigned long long)p->l_begin.cycles);
    p->cur = layer;
    if (p->s)
        sim_cg_set_context(p->s, prof_calls_context(layer, 1));
    p->l_begin = *ev;
    p->l_low = ev->sp;
    prof_snapshot(p, p->fn_begin, p->mix_begin);
    p->event_ok = 1;
    p->ev_kind = PROF_EV_LAYER_BEGIN;
    p->ev_layer = layer;
}

void prof_ev_layer_end(prof *p, const sim_probe_event *ev, uint32_t layer)
{
    if (!layer_ok(p, ev, layer))
        return;
    if (layer != p->cur) {
        if (p->cur == NONE)
            prof_ev_nonsense(p, ev, "layer %u has not begun", layer);
        else
            prof_ev_nonsense(p, ev, "the running layer is layer %u", p->cur);
        return;
    }
    prof_table *t = p->ci;
    prof_layer *y = &t->rows[p->cslot][p->cur];
    if (!y->ran)
        t->dirty[p->cslot][t->n_dirty[p->cslot]++] = p->cur;
    row_end(p, y, &p->l_begin, ev, p->l_low < ev->sp ? p->l_low : ev->sp, p->fn_begin,
            p->mix_begin);
    p->cur = NONE;
    if (p->s)
        sim_cg_set_context(p->s, prof_calls_context(0, 0));
    p->event_ok = 1;
    p->ev_kind = PROF_EV_LAYER_END;
    p->ev_layer = layer;
}

void prof_ev_inference_end(prof *p, const sim_probe_event *ev)
{
    if (!p->ci) {
        prof_ev_nonsense(p, ev, "no inference is running");
        return;
    }
    if (p->cur != NONE) {
        prof_ev_nonsense(p, ev, "layer %u began and never ended; it is not measured", p->cur);
        p->cur = NONE;
    }
    p->inf.cycles = ev->cycles - p->i_begin.cycles;
    p->inf.insns = ev->insns - p->i_begin.insns;
    p->inf.stack_bytes = stack_depth(p, p->i_low < ev->sp ? p->i_low : ev->sp);
    if (!p->hist)
        p->hist = calloc(PROF_MAX_HISTORY, sizeof *p->hist);
    if (p->hist && p->n_hist < PROF_MAX_HISTORY)
        p->hist[p->n_hist++] = (prof_total){p->inf.cycles, p->inf.insns};
    uint64_t ordinal = p->n_done++;
    /* --inference N: inferences after the kept one are totalled only; their rows were the
     * other row set (or another model's table), so the kept one's stay as they were */
    if (p->keep == UINT64_MAX || !p->kept) {
        p->kept = ordinal == p->keep;
        p->last = p->inf;
        p->li = p->ci;
        p->lslot = p->cslot;
        p->l_id = p->i_id;
        p->last_ordinal = ordinal;
    }
    p->ci = NULL;
    if (p->s)
        sim_cg_mark(p->s, PROF_MARK_INFERENCE_END);
    p->event_ok = 1;
    p->ev_kind = PROF_EV_INFERENCE_END;
}

const prof_total *prof_history(const prof *p, uint32_t *n, uint64_t *count)
{
    *n = p->n_hist;
    *count = p->n_done;
    return p->hist;
}

uint64_t prof_history_count(const prof *p)
{
    return p->n_done;
}

const char *prof_runtime(const prof *p)
{
    if (!p->li)
        return p->n_calls ? "probe" : NULL;
    return p->li->src == &prof_source_tflm ? "tflm" : "tinysim";
}

void prof_keep_inference(prof *p, uint64_t ordinal)
{
    p->keep = ordinal;
}

int64_t prof_reported(const prof *p)
{
    if (!p->li || (p->keep != UINT64_MAX && !p->kept))
        return -1;
    return (int64_t)p->last_ordinal;
}

int prof_event(const prof *p, uint32_t *layer)
{
    *layer = p->ev_layer;
    return p->event_ok ? p->ev_kind : PROF_EV_NONE;
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
        prof_snapshot(p, p->u_fn_begin, p->u_mix_begin);
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
    y->op = pr->name;
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

/* "0x0800a1c4" (hex digits only, the whole word) into *addr: 1, else 0. */
static int hex_addr(const char *s, uint32_t *addr)
{
    char *end;
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2] || s[2] == '-' || s[2] == '+')
        return 0;
    errno = 0;
    unsigned long v = strtoul(s + 2, &end, 16);
    if (errno || *end || v > UINT32_MAX)
        return 0;
    *addr = (uint32_t)v;
    return 1;
}

/* The function --probe WHAT names (a name as sim_elf_functions_named takes it, or the address
 * a function starts at); NULL with the reason in err, listing the candidates of a name that
 * means several functions or the names that look like it. */
static const sim_symbol *probe_target(const prof *p, const char *what, char *err, size_t errsize)
{
    enum { SHOW = 8 };
    const sim_elf *e = p->elf;
    const sim_symbol *cand[SHOW];
    char shown[TEXT_SAFE_SIZE(160)], file[TEXT_SAFE_SIZE(64)];
    uint32_t addr, off = 0;
    if (hex_addr(what, &addr)) {
        const sim_symbol *sym = sim_elf_symbol_at(e, addr & ~1u, &off);
        if (sym && off == 0)
            return sym;
        if (sym)
            snprintf(err, errsize, "--probe %s: that address is %s+0x%x, not where a function "
                     "starts (that one starts at 0x%08x)", what,
                     text_safe(sym->display, shown, sizeof shown), off, sym->addr);
        else
            snprintf(err, errsize, "--probe %s: no function of %s is there", what, e->path);
        return NULL;
    }
    uint32_t n = sim_elf_functions_named(e, what, cand, SHOW);
    if (n == 1)
        return cand[0];
    int w;
    if (n > 1) {
        w = snprintf(err, errsize, "--probe %s: %u functions have that name; give one by its "
                     "full name or its address:", what, n);
        for (uint32_t i = 0; i < n && i < SHOW && w > 0 && (size_t)w < errsize; i++)
            w += snprintf(err + w, errsize - (size_t)w, "%s 0x%08x %s (%u bytes%s%s)",
                          i ? ";" : "", cand[i]->addr,
                          text_safe(cand[i]->display, shown, sizeof shown), cand[i]->size,
                          cand[i]->file ? ", " : "",
                          cand[i]->file ? text_safe(cand[i]->file, file, sizeof file) : "");
        if (n > SHOW && w > 0 && (size_t)w < errsize)
            snprintf(err + w, errsize - (size_t)w, "; and %u more", n - SHOW);
        return NULL;
    }
    const sim_symbol *sym = sim_elf_symbol(e, what);
    if (sym) {
        snprintf(err, errsize, "--probe %s: the symbol at 0x%08x is not a function", what,
                 sym->addr);
        return NULL;
    }
    size_t k = 0, len = strlen(what);
    w = snprintf(err, errsize, "--probe %s: no such symbol in %s", what, e->path);
    for (uint32_t i = 0; i < e->n_syms && k < 5 && w > 0 && (size_t)w < errsize; i++) {
        const char *nm = e->syms[i].display;
        if (len >= 3 && strstr(nm, what) && strcmp(nm, what) != 0)
            w += snprintf(err + w, errsize - (size_t)w, "%s%s", k++ ? ", " : "; did you mean ",
                          text_safe(nm, shown, sizeof shown));
    }
    return NULL;
}

int prof_watch(prof *p, const char *symbol, char *err, size_t errsize)
{
    const sim_symbol *sym = probe_target(p, symbol, err, errsize);
    if (!sym)
        return -1;
    for (uint32_t k = 0; k < p->n_probes; k++)
        if (p->probes[k].addr == (sym->addr & ~1u))
            return 0;
    if (p->n_user_probes == PROF_MAX_PROBES || !p->s || sim_probe_add(p->s, sym->addr) < 0) {
        snprintf(err, errsize, "--probe %s: at most %d functions can be probed", symbol,
                 PROF_MAX_PROBES);
        return -1;
    }
    p->n_user_probes++;
    prof_probe *pr = &p->probes[p->n_probes++];
    memset(pr, 0, sizeof *pr);
    pr->name = sym->display;
    pr->symbol = sym->name;
    pr->addr = sym->addr & ~1u;
    size_t used = strlen(p->probed.model_name);
    snprintf(p->probed.model_name + used, sizeof p->probed.model_name - used, "%s%s",
             used ? "," : "probe:", sym->display);
    return 0;
}

int prof_watch_calls(prof *p, const char *glob, char *err, size_t errsize)
{
    const sim_elf *e = p->elf;
    uint32_t found = 0;
    char shown[TEXT_SAFE_SIZE(64)];
    for (uint32_t i = 0; i < e->n_syms; i++) {
        const sim_symbol *y = &e->syms[i];
        if (!y->is_func || (fnmatch(glob, y->display, 0) != 0 && fnmatch(glob, y->name, 0) != 0))
            continue;
        if (i > 0 && e->syms[i - 1].addr == y->addr && e->syms[i - 1].is_func)
            continue; /* an alias of the function before */
        found++;
        uint32_t k = 0;
        while (k < p->n_probes && p->probes[k].addr != (y->addr & ~1u))
            k++;
        if (k < p->n_probes)
            continue;
        if (p->n_probes == PROF_MAX_PROBES + PROF_MAX_LAYER_FUNCS || !p->s ||
            sim_watch_add(p->s, y->addr) < 0) {
            snprintf(err, errsize, "--layer-calls %s: more than %d functions match; give a "
                     "narrower pattern", text_safe(glob, shown, sizeof shown),
                     PROF_MAX_LAYER_FUNCS);
            return -1;
        }
        prof_probe *pr = &p->probes[p->n_probes++];
        memset(pr, 0, sizeof *pr);
        pr->name = y->display;
        pr->symbol = y->name;
        pr->addr = y->addr & ~1u;
        pr->by_glob = 1;
    }
    if (!found) {
        snprintf(err, errsize, "--layer-calls %s: no function of %s matches (the pattern is a "
                 "shell glob on names as tables show them, such as 'arm_*_s8' or "
                 "'tvmgen_default_fused_*')", text_safe(glob, shown, sizeof shown), e->path);
        return -1;
    }
    p->calls_are_layers = 1;
    size_t used = strlen(p->probed.model_name);
    snprintf(p->probed.model_name + used, sizeof p->probed.model_name - used, "%s%s",
             used ? "," : "calls:", glob);
    return 0;
}

const prof_probe *prof_probes(const prof *p, uint32_t *n)
{
    *n = p->n_probes;
    return p->probes;
}

/*
 * Every probe event: the stack windows first, then the sources in their order, then the
 * --probe calls. Each costs a bounded amount of host work: what the source does (the core's:
 * a few target reads of fixed size and a scan of its cache; reading a model image in full is
 * budgeted), a scan of the open windows, and for layer and top-level call events one pass
 * over the decoded blocks (prof_snapshot); clearing a row set costs what its previous
 * inference wrote.
 */
void prof_on_probe(void *ud, const sim_probe_event *ev)
{
    prof *p = ud;
    if (!p->s)
        return;
    sp_fold(p, ev->sp);
    p->event_ok = 0;
    p->ev_kind = PROF_EV_NONE;
    for (unsigned i = 0; i < prof_n_sources; i++) {
        p->esrc = prof_sources[i];
        int mine = prof_sources[i]->on_probe(p->src[i], p, ev);
        p->esrc = NULL;
        if (mine)
            return;
    }
    switch (ev->kind) {
    case SIM_PROBE_USER: probed_call(p, ev); break;
    case SIM_PROBE_USER_RETURN: probed_return(p, ev); break;
    default: break;
    }
}


const prof_layer *prof_layers(const prof *p, uint32_t *n)
{
    if (!p->li || p->calls_are_layers) {
        *n = p->n_calls;
        return p->n_calls ? p->calls : NULL;
    }
    *n = p->li->n_layers;
    return p->li->rows[p->lslot];
}

const prof_layer *prof_current(const prof *p, uint32_t *n)
{
    const prof_table *t = p->ci ? p->ci : p->li;
    int k = p->ci ? p->cslot : p->lslot;
    *n = t ? t->n_layers : 0;
    return t ? t->rows[k] : NULL;
}

const nn_model *prof_model(const prof *p, uint32_t *image_addr, uint32_t *arena_addr)
{
    const prof_table *t = p->ci ? p->ci : p->li;
    const nn_model *m = t && t->src->model ? t->src->model(t) : NULL;
    if (m) {
        *image_addr = t->image_addr;
        *arena_addr = t->arena_addr;
    }
    return m;
}

int prof_operand_addr(prof *p, uint32_t l, uint32_t k, uint32_t *addr)
{
    const prof_table *t = p->ci ? p->ci : p->li;
    if (!t || !t->src->model || !t->src->operand_addr || !t->src->model(t) ||
        l >= t->n_layers)
        return -1;
    const nn_model *m = t->src->model(t);
    if (k > nn_layer(m, l)->n_inputs)
        return -1;
    return t->src->operand_addr(prof_source_state(p, t->src), p, t, l, k, addr);
}

int prof_arena_ok(const prof *p)
{
    const prof_table *t = p->ci ? p->ci : p->li;
    return t && t->arena_ok;
}

uint64_t prof_inference_id(const prof *p)
{
    return p->ci ? p->i_id : p->li ? p->l_id : 0;
}

const prof_inference *prof_last(const prof *p)
{
    if (!p->li || p->calls_are_layers)
        return p->n_calls ? &p->probed : NULL;
    return &p->last;
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

uint32_t prof_stack_top(const prof *p)
{
    return p->stack_top;
}
