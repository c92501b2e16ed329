/*
 * Calls: inclusive per-function figures, the call graph and collapsed stacks, from the
 * simulator's call paths (sim_callgraph, sim/callgraph.c), for any firmware.
 *
 * A function's inclusive cycles are the cycles of its calls with everything they called (a
 * recursive call is inside its outer call, not added again); self cycles are those of its own
 * instructions. An edge caller -> callee counts the calls and their inclusive cycles.
 * Collapsed stacks (`--folded`, flamegraph.pl's and speedscope's format): one line per call
 * path, "CONTEXT;outer;...;inner SELF_CYCLES", CONTEXT the layer the path ran in ("layer 4
 * CONV_2D") or "(no layer)". (Perfetto reads the trace, prof_write_trace.)
 */
#ifndef PROFILER_CALLS_H
#define PROFILER_CALLS_H

#include <stdint.h>
#include <stdio.h>

#include "profiler/prof.h"
#include "sim/sim.h"

typedef struct {
    const char *name, *symbol; /* as prof_function's */
    uint32_t addr;
    uint64_t calls, self_cycles, incl_cycles;
} prof_call_fn;

typedef struct {
    uint32_t caller, callee; /* indices into fn */
    uint64_t calls, cycles;  /* cycles: the callee's inclusive cycles in these calls */
} prof_call_edge;

typedef struct {
    prof_call_fn *fn;     /* by inclusive cycles, largest first */
    uint32_t n_fn;
    prof_call_edge *edge; /* by cycles, largest first */
    uint32_t n_edge;
    uint64_t total_cycles; /* every node's self cycles: the run's cycles */
    sim_cg_info info;
    char (*labels)[12];    /* "0x08001234" for functions without a symbol (fn's names) */
} prof_calls;

/* Build from the simulator's call graph: 0, or -1 (out of memory; *c is then empty). */
int prof_calls_build(sim *s, const sim_elf *e, prof_calls *c);
void prof_calls_free(prof_calls *c);

/* The text report's table: the top functions by inclusive cycles, with calls, self cycles
 * and their heaviest caller. */
void prof_print_calls(FILE *f, const prof_calls *c, uint32_t top);

/* Collapsed stacks of the whole run; the layer names from p's last model. */
void prof_write_folded(FILE *f, sim *s, const sim_elf *e, const prof *p);

/* The profiler's marks in the call graph's events (sim_cg_mark). */
enum { PROF_MARK_INFERENCE_BEGIN = 1, PROF_MARK_INFERENCE_END = 2 };

/*
 * A Chrome trace event file (Perfetto, chrome://tracing) of the run on the simulated time
 * axis, microseconds at the board's clock: the inferences and their layers as nested slices
 * (track "inference and layers"), the function calls as nested slices (track "calls": the
 * longest PROF_TRACE_MAX_CALLS of them, every call of at least a power-of-two number of
 * cycles; the file says which), and counters for the stack depth (bytes below the first
 * frame's SP, at each call shown) and the arena the running layer holds. From the events
 * recorded since sim_cg_trace was turned on (PROF_TRACE_MAX_EVENTS at most).
 */
#define PROF_TRACE_MAX_CALLS 100000u
#define PROF_TRACE_MAX_EVENTS (4u << 20)
void prof_write_trace(FILE *f, sim *s, const sim_elf *e, const prof *p, const char *firmware);

/* The flame graph of the whole run as an SVG element `width` pixels wide (the HTML report):
 * "all", then the layers, then the call paths, each as wide as its inclusive cycles. */
void prof_calls_flame_svg(FILE *f, sim *s, const sim_elf *e, const prof *p, int width);

/* The layer context of the call graph for layer (prof's layer events call it): 1 + layer,
 * or 0 outside layers. */
uint32_t prof_calls_context(uint32_t layer, int in_layer);

#endif /* PROFILER_CALLS_H */
