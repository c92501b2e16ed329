/*
 * The accounting's state, shared by the files of profiler/ that read it (prof.c, the
 * events and the accessors; blocks.c, the figures from the simulator's block counts;
 * memory.c; tables.c). Sources of layers do not include this: they see layers.h.
 */
#ifndef PROFILER_PROF_INT_H
#define PROFILER_PROF_INT_H

#include "profiler/budget.h"
#include "profiler/layers.h"
#include "profiler/prof.h"

#define PROF_MAX_PROBES 8            /* functions watched with --probe */
#define PROF_MAX_DEPTH 64            /* nesting of probed calls measured */
#define PROF_MAX_SOURCES 4           /* sources of layers (profiler/sources.c) */
#define NONE UINT32_MAX

struct prof {
    const sim_elf *elf;
    sim *s;
    uint32_t stack_limit;             /* __stack_limit__, 0 if unknown */
    uint32_t stack_top;               /* __stack_top__, else the initial SP; 0 if unknown */
    void *src[PROF_MAX_SOURCES];      /* each source's state, as prof_sources[] */
    const prof_source *esrc;          /* the source handling the current event */
    uint64_t next_id;                 /* inference ids (prof_inference_id) */
    /* the running inference (ci NULL: none): its table, row set, begin, id, lowest SP */
    prof_table *ci;
    int cslot;
    prof_inference inf;
    sim_probe_event i_begin;
    uint64_t i_id;
    uint32_t i_low;
    /* the running layer of it (cur NONE: none) */
    uint32_t cur;
    sim_probe_event l_begin;
    uint32_t l_low;
    /* the last completed inference (li NULL: none) */
    prof_table *li;
    int lslot;
    prof_inference last;
    uint64_t l_id;
    int event_ok;                     /* the last probe event was measured */
    int ev_kind;                      /* ... and what it was (PROF_EV_*) */
    uint32_t ev_layer;
    /* completed inferences: how many, each one's totals (the first PROF_MAX_HISTORY), and
     * which one the report keeps (keep: NONE = the last; done_keep: that one completed) */
    uint64_t n_done;
    prof_total *hist;
    uint32_t n_hist;
    uint64_t keep;
    int kept;
    uint64_t last_ordinal;
    prof_budget budget;               /* --max-*: what the report's verdict weighs */
    double duty_rate, duty_mah;       /* --rate, --battery: the report's duty cycle */
    /* events that made no sense: the first, described, and how many */
    char problem[384];
    size_t problem_len;
    uint64_t n_problems;
    /* per-layer breakdown: block totals at the layer's begin (blocks.c, prof_snapshot) */
    uint64_t *fn_begin, *fn_now;      /* self cycles per function symbol (+1: no symbol) */
    uint64_t mix_begin[SIM_CLS_COUNT], mix_now[SIM_CLS_COUNT];
    uint32_t *bs, bs_cap, bs_n;       /* block address -> symbol index (blocks.c) */
    /* --probe: watched functions, open calls (innermost last), top-level calls as rows */
    prof_probe probes[PROF_MAX_PROBES + PROF_MAX_LAYER_FUNCS];
    uint32_t n_probes, n_user_probes;
    int calls_are_layers;             /* --layer-calls: the calls are the layers, always */
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

/* blocks.c: totals of every block that ran since reset (self cycles per function symbol,
 * executed instructions per class) into fn and mix; a row's mix and top functions, now
 * minus the totals at its begin. */
void prof_snapshot(prof *p, uint64_t *fn, uint64_t *mix);
void prof_breakdown(prof *p, prof_layer *y, const uint64_t *fn_begin, const uint64_t *mix_begin);

#endif /* PROFILER_PROF_INT_H */
