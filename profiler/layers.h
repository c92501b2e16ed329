/*
 * The layer-event interface: how a source of layers tells the accounting (profiler/prof.c)
 * that an inference or a layer begins or ends, and what is known about the layers.
 *
 * A source turns what it sees of the firmware (the simulator's probe events: calls of the
 * inference core's nn_probe_* functions, entries and returns of functions it watches) into
 * these events. The first source is tinysim's own core (profiler/src_core.c): the
 * nn_probe_* calls, with the model read from target memory; the second is TensorFlow Lite
 * Micro's interpreter (profiler/src_tflm.c), from the calls of functions it watches. Each is
 * a file listed in profiler/sources.c; the accounting does not change.
 *
 * What the accounting does with the events: the cycles, instructions, stack depth (lowest
 * SP, sim_sp_low), flash figures, instruction mix and top functions between each layer's
 * begin and end go into that layer's row; an inference's totals go into its
 * prof_inference; the last completed inference is what prof.h's accessors report. What a
 * source knows before the run of a layer (op, name, output shape, MACs, weight and arena
 * bytes) it writes into the rows of a prof_table.
 *
 * Everything a source hands over comes from the firmware: a source validates what it reads
 * and says what made no sense with prof_ev_nonsense (one warning per run, prof_problem);
 * the event functions check what they can (a layer index against the table, the pairing
 * of begins and ends) and do the same.
 */
#ifndef PROFILER_LAYERS_H
#define PROFILER_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "profiler/prof.h"

typedef struct prof_source prof_source;

/*
 * The layers of one model as a source knows them, and the rows the accounting fills. A
 * source keeps a table for as long as prof_table_busy says the accounting uses it (the
 * running inference's and the last completed inference's), and may reuse it for every
 * inference of the same model: rows[k] are two sets, one filled by the running inference
 * while the other keeps the figures of the last completed inference of the model;
 * dirty[k] lists the rows of set k written since it was last cleared, so clearing a set
 * costs what the inference wrote, not the model's size.
 */
typedef struct {
    const prof_source *src; /* the source that describes it */
    void *owner;            /* the source's own record of the model */
    const char *name;       /* the model's name (the source's string; may be the firmware's
                               bytes: shown through text_safe) */
    char what[160];         /* for messages: "model 'kws' (nn_model 0x20000010)" */
    uint32_t n_layers;
    uint32_t arena_size;    /* the arena the model plans, or the runtime says it uses (bytes) */
    uint32_t arena_given;   /* the arena the runtime was given (TFLM); 0: the planned one */
    uint32_t model_bytes;   /* the model image's size */
    uint32_t image_addr;    /* where the image is in target memory */
    uint32_t arena_addr;    /* where its arena is, when arena_ok */
    int arena_ok;           /* the arena is inside the board's RAM */
    prof_layer *rows[2];
    uint32_t *dirty[2], n_dirty[2];
} prof_table;

/* Rows for n_layers layers (zeroed); 0, or -1 when out of host memory (t is then released).
 * The source writes what it knows into rows[0] (index, op, name, out_shape, macs,
 * weight_bytes, arena_bytes), then calls prof_table_ready, which copies it to rows[1]. */
int prof_table_alloc(prof_table *t, uint32_t n_layers);
void prof_table_ready(prof_table *t);
void prof_table_release(prof_table *t); /* frees the rows; t itself is the source's */
/* 1 when the accounting uses t (the running or the last completed inference's table). */
int prof_table_busy(const prof *p, const prof_table *t);

/* The running inference's table (NULL: none), and the last completed inference's. */
prof_table *prof_running(const prof *p);
prof_table *prof_completed(const prof *p);

/* What a source reads the target through, and the firmware's ELF (its symbols). */
sim *prof_sim(const prof *p);
const sim_elf *prof_elf(const prof *p);
/* [addr, addr + size) lies inside one region of the board (a RAM one when ram): 1, else 0. */
int prof_in_memory(const prof *p, uint32_t addr, uint32_t size, int ram);

/* Rows for t from a .tsm model's tables (allocates t's rows and makes them ready): each
 * layer's op, name, output shape, MACs and weight bytes as `tinysim inspect` gives them, and
 * the arena bytes of the tensors live during it. 0, or -1 when out of host memory. */
int prof_rows_from_model(prof_table *t, const nn_model *m);

/*
 * The events. ev is the simulator's probe event at that moment (its counters and SP).
 * - inference_begin: an inference of t's model begins (one still running is not measured,
 *   as prof_ev_interrupt says);
 * - layer_begin/end: layer (an index into t) of the running inference;
 * - inference_end: the running inference ends (a layer still open is not measured);
 * - abandon: the running inference is dropped, not measured (the source said why);
 * - interrupt: if an inference is running, say that it never ended and abandon it.
 */
void prof_ev_inference_begin(prof *p, const sim_probe_event *ev, prof_table *t);
void prof_ev_layer_begin(prof *p, const sim_probe_event *ev, uint32_t layer);
void prof_ev_layer_end(prof *p, const sim_probe_event *ev, uint32_t layer);
void prof_ev_inference_end(prof *p, const sim_probe_event *ev);
void prof_ev_abandon(prof *p);
/* Right after inference_begin: what the inference runs on, as FNV-1a 64-bit hashes (0:
 * unknown): the model's bytes and its input tensors' bytes as the inference began. */
void prof_ev_inference_hashes(prof *p, uint64_t model, uint64_t input);
/* FNV-1a 64 over n bytes, continuing from h (start with PROF_FNV_START). */
#define PROF_FNV_START 0xcbf29ce484222325ull
uint64_t prof_fnv(uint64_t h, const void *data, size_t n);

void prof_ev_interrupt(prof *p, const sim_probe_event *ev);

/* An event that makes no sense (a value from the firmware that cannot be right): the first
 * is kept, described by the source's describe(), for the one warning of the run; later ones
 * are counted. What it concerns is not measured. */
void prof_ev_nonsense(prof *p, const sim_probe_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A source. new() makes its state for a profiler (NULL: out of host memory); attach()
 * (NULL: none) is called once the simulator exists, to watch functions (sim_watch_add);
 * on_probe()
 * gets every probe event the simulator delivers, in the order of profiler/sources.c, and
 * returns 1 when the event was its own (no later source sees it); describe() writes the
 * event as the firmware made it, for messages ("nn_probe_layer_end(0x00000000, 7)");
 * release() frees the state.
 */
struct prof_source {
    const char *name;
    void *(*new)(prof *p);
    void (*attach)(void *self, prof *p);
    int (*on_probe)(void *self, prof *p, const sim_probe_event *ev);
    const char *(*describe)(const sim_probe_event *ev, char *buf, size_t n);
    void (*release)(void *self);
    /* The .tsm tables of t's model (its layers' operands: shapes, types, quantization),
     * for the REPL's tensor views and compare; NULL: none (then operand_addr is unused). */
    const nn_model *(*model)(const prof_table *t);
    /* Where operand k of layer l of t's model is in target memory at this moment (k = the
     * layer's n_inputs: its output), checked to lie inside one memory region with the
     * tensor's size: 0, or -1 when the source cannot say. */
    int (*operand_addr)(void *self, prof *p, const prof_table *t, uint32_t l, uint32_t k,
                        uint32_t *addr);
};

/* The sources, in the order they are asked (profiler/sources.c), and one's state. */
extern const prof_source *const prof_sources[];
extern const unsigned prof_n_sources;
void *prof_source_state(const prof *p, const prof_source *src);

/* The sources there are. */
extern const prof_source prof_source_core; /* tinysim's core: nn_probe_* (src_core.c) */
extern const prof_source prof_source_tflm; /* TFLM's interpreter (src_tflm.c) */
/* TFLM's part of prof_output (the same contract). */
int prof_tflm_output(const prof *p, const uint8_t **data, uint32_t *size, const char **why);

#endif /* PROFILER_LAYERS_H */
