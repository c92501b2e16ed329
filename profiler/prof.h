/*
 * The profiler: what a run means, layer by layer. It listens to the simulator's probe events
 * (sim_config.on_probe = prof_on_probe) and hands them to its sources of layers
 * (profiler/layers.h): tinysim's inference core (profiler/src_core.c), which reads the
 * model's tables from target memory when an inference begins, so it knows each layer's op,
 * shapes, MACs, weights and arena use without any side channel; and TensorFlow Lite Micro's
 * interpreter (profiler/src_tflm.c), recognised from the symbols, whose .tflite is read from
 * target memory the same way. The accounting charges
 * cycles, instructions, stack depth, flash figures and the instruction mix to the layer that
 * is running; --probe makes any function's calls rows of their own.
 *
 * Everything the probes deliver comes from the firmware and is validated before use: the
 * nn_model pointer and the image it names (read into the host and checked by the core's
 * loader), the layer index (against the model the inference began with), the pairing of
 * begins and ends. A probe call that makes no sense (an end without a begin, a layer of
 * another model, nested begins, a model switch mid-inference, an unreadable model ...) is
 * not measured and is reported once for the run (prof_problem); it never crashes the host.
 *
 * Stack depth needs no write to the target: the engine tracks the lowest SP (sim_sp_low). A
 * row's stack is __stack_top__ (or the initial SP) minus the lowest SP between its begin and
 * its end; its overflow is how far that lowest SP went below __stack_limit__.
 * Figures are for the last inference the firmware completed; the running one fills a row
 * set of its own.
 *
 * Files: prof.c (the accounting and these accessors), layers.h + sources.c (the layer
 * sources), src_core.c (the core's probes), src_tflm.c (TFLM's interpreter), blocks.c (mix,
 * top functions, per-function totals from the block counts), memory.c (memory use), tables.c
 * (text, CSV and Markdown tables), report.c (the JSON report, the summary, energy; report.h), check.c (comparing
 * reports; check.h).
 */
#ifndef PROFILER_PROF_H
#define PROFILER_PROF_H

#include <stdint.h>
#include <stdio.h>

#include "core/nn_model.h"
#include "sim/cost.h"
#include "sim/sim.h"

#define PROF_TOP_FUNCS 3

typedef struct {
    uint32_t index;
    const char *op;         /* "CONV_2D" (static); a probed call: its function as shown */
    char name[96];          /* the layer's name in the model (fused names cut at ';') */
    char out_shape[32];     /* "1x25x5x64" */
    uint64_t macs;
    uint32_t weight_bytes;  /* constant operands (weights, bias) */
    uint32_t arena_bytes;   /* arena bytes occupied by tensors live during the layer */
    uint64_t cycles, insns; /* between its begin and end probes */
    uint32_t stack_bytes;   /* deepest stack use during the layer, from the stack top; 0 unknown */
    uint32_t stack_overflow; /* bytes the lowest SP went below __stack_limit__ (0: none) */
    int ran;                /* 1 once its end probe was seen in the last inference */
    /* Where the cycles go: executed instructions per class (sim/cost.h), flash wait-state
     * cycles (included in cycles) and data bytes read from flash, and the functions with the
     * most self cycles during the layer. */
    uint64_t mix[SIM_CLS_COUNT];
    uint64_t stall_cycles, flash_bytes;
    struct {
        const char *name;   /* the function as shown (demangled; "(no symbol)" outside
                               functions) */
        const char *symbol; /* the ELF's name for it (mangled, for C++) */
        uint64_t cycles;
    } top[PROF_TOP_FUNCS];
    uint32_t n_top;
} prof_layer;

/* Instruction groups for reports: ALU, multiply/divide/DSP, loads and stores, branches, FP,
 * other (system, undecodable). */
enum { PROF_G_ALU, PROF_G_MUL, PROF_G_MEM, PROF_G_BRANCH, PROF_G_FP, PROF_G_OTHER, PROF_G_COUNT };
extern const char *const prof_group_names[PROF_G_COUNT]; /* "alu", "mul_dsp", ... */
void prof_groups(const uint64_t mix[SIM_CLS_COUNT], uint64_t out[PROF_G_COUNT]);

typedef struct {
    uint64_t cycles, insns; /* between inference begin and end; probed: the calls' sums */
    uint32_t stack_bytes;   /* deepest during it (probed: over the calls) */
    uint32_t arena_size;    /* the model's planned arena (TFLM: the bytes TFLM used of it) */
    uint32_t arena_given;   /* TFLM: the arena the interpreter was given; 0 otherwise */
    uint32_t model_bytes;   /* the .tsm image */
    char model_name[64];    /* "probe:SYMBOL[,SYMBOL]" when the layers are probed calls */
    int probed;             /* 1: no core inference ran; the "layers" are probed calls */
    uint64_t model_hash;    /* FNV-1a 64 of the model's bytes (0: unknown) */
    uint64_t input_hash;    /* ... of its input tensors as the inference began (0: unknown) */
    uint32_t calls;         /* probed: the top-level calls cycles and insns add up */
} prof_inference;

typedef struct prof prof;

/* A profiler for the given firmware's symbols (for the stack limit). Attach it with
 * sim_config.on_probe = prof_on_probe and .ud = the profiler, then prof_attach after sim_new
 * (which reads the initial SP when the ELF has no __stack_top__). */
prof *prof_new(const sim_elf *elf);
void prof_attach(prof *p, sim *s);
void prof_free(prof *p); /* accepts NULL */
void prof_on_probe(void *ud, const sim_probe_event *ev);

/*
 * --probe SYMBOL: any function as a layer boundary, for firmware that does not use the
 * inference core. Each call of a watched function, from its entry to its return (sim.h,
 * sim_probe_add), is measured. When the run has no core inference, the top-level probed
 * calls (those not inside another probed call; the first PROF_MAX_CALLS) are the "layers":
 * index = call number, op = the function's name, with cycles, instructions, stack (lowest
 * SP, as for layers), mix, flash figures and top functions; the "inference" is their sum
 * (calls says over how many: a total, not a figure per call), named
 * "probe:SYMBOL[,SYMBOL]". With a core inference the layers stay the core's and the probes
 * only give their per-function summary. Every call's stack is measured, nested or not.
 * prof_watch returns -1 with a message (unknown symbol, not a function, too many probes).
 */
#define PROF_MAX_CALLS 1000
typedef struct {
    const char *name;       /* the function as shown (demangled: sim_symbol.display) */
    const char *symbol;     /* the ELF's symbol name (mangled, for C++) */
    uint32_t addr;
    uint64_t calls;         /* completed calls (nested ones included) */
    uint64_t cycles, insns; /* inclusive, over all completed calls */
    uint64_t min_cycles, max_cycles;
    uint32_t stack_bytes;   /* deepest over the calls (0: unknown stack top) */
    int by_glob;            /* watched for --layer-calls (listed only when called) */
} prof_probe;
int prof_watch(prof *p, const char *symbol, char *err, size_t errsize);
/*
 * --layer-calls GLOB: every function whose name as shown (demangled) or ELF symbol matches
 * the glob (fnmatch) is watched as --probe watches one, and the top-level calls of them are
 * the layers, whatever else the firmware runs (the core's or TFLM's layers then only give
 * the functions' figures): for runtimes tinysim does not know (microTVM's
 * tvmgen_default_fused_*, X-CUBE-AI's forward_*, NNoM, hand-written CMSIS-NN arm_*_s8).
 * Up to PROF_MAX_LAYER_FUNCS functions over all globs; -1 with a message when none matches
 * or too many do.
 */
#define PROF_MAX_LAYER_FUNCS 256
int prof_watch_calls(prof *p, const char *glob, char *err, size_t errsize);
const prof_probe *prof_probes(const prof *p, uint32_t *n);
void prof_print_probes(FILE *f, const prof *p, const sim_board *b);

/* The last inference's layers (NULL/0 when none ran), and its totals; or the probed calls
 * (see prof_watch). */
const prof_layer *prof_layers(const prof *p, uint32_t *n);
const prof_inference *prof_last(const prof *p);
/* The layers of the model the running inference uses (its table, with the figures of the
 * layers that ended so far; those not yet run have ran = 0), else the last completed
 * inference's: for stepping. NULL/0 before any inference began. */
const prof_layer *prof_current(const prof *p, uint32_t *n);

/* The model of the running (else the last completed) inference, as read from target memory:
 * its tables (a host copy of the image, validated; arena tensors have no host data; for TFLM
 * the .tflite as tinysim converts it) and where its image and its arena are in target memory
 * (TFLM: the .tflite and the arena it was given; read operands with prof_operand_addr). NULL before any inference began. The arena
 * address is the firmware's: read arena tensors only when prof_arena_ok says it holds the
 * planned arena inside the board's RAM. prof_inference_id names that inference (it changes
 * with every inference that begins; 0: none), so that a caller's copies of its tensors are
 * known to belong to it. */
const nn_model *prof_model(const prof *p, uint32_t *image_addr, uint32_t *arena_addr);
/* Where operand k of layer l of that model is in target memory now (k = the layer's
 * n_inputs: its output): the core's from the image and arena addresses and the tensor's
 * offset; TFLM's from its tensors (TfLiteEvalTensor data pointers). 0, or -1: unknown. */
int prof_operand_addr(prof *p, uint32_t l, uint32_t k, uint32_t *addr);
int prof_arena_ok(const prof *p);
uint64_t prof_inference_id(const prof *p);

/* What the last event given to prof_on_probe meant, whichever source raised it (PROF_EV_NONE when it was not
 * measured or not a layer event), with the layer's index for layer events: what the REPL's
 * layer breakpoints and stepping listen to. */
enum { PROF_EV_NONE, PROF_EV_INFERENCE_BEGIN, PROF_EV_LAYER_BEGIN, PROF_EV_LAYER_END,
       PROF_EV_INFERENCE_END };
int prof_event(const prof *p, uint32_t *layer);

/* Every completed inference's totals, in order (the first PROF_MAX_HISTORY; *count says how
 * many completed): first against steady state. */
#define PROF_MAX_HISTORY 10000
typedef struct {
    uint64_t cycles, insns;
} prof_total;
const prof_total *prof_history(const prof *p, uint32_t *n, uint64_t *count);
uint64_t prof_history_count(const prof *p);
/* Whose layers the last completed inference has: "tinysim" (the core's probes), "tflm"
 * (TFLM's interpreter), "probe" (--probe calls); NULL when there are none. */
const char *prof_runtime(const prof *p);
/* Report inference `ordinal` (0 = the first to complete) instead of the last: later ones
 * are only totalled. Set before the run. prof_reported says which one the report holds
 * (its ordinal; -1 when none completed, or the one asked for never did). */
void prof_keep_inference(prof *p, uint64_t ordinal);
int64_t prof_reported(const prof *p);

/* The last completed inference's first output tensor, copied from target memory when it
 * ended (*data stays valid until the next event): 0, or -1 with *why saying what was wrong
 * ("" when no inference completed). */
int prof_output(const prof *p, const uint8_t **data, uint32_t *size, const char **why);

/* 1 when the firmware is TensorFlow Lite Micro as the profiler recognises it (its Invoke
 * calls are inferences, its operators layers: profiler/src_tflm.c), else 0. */
int prof_tflm_found(const prof *p);

/* The probe calls of the run that made no sense, for one warning ("" when none): the first,
 * described, and how many more. */
const char *prof_problem(const prof *p);

/* Model images read from target memory in full and validated so far (a model the firmware
 * comes back to is not read again): the report's host.model_loads. */
uint64_t prof_model_loads(const prof *p);
/* __stack_top__, else the initial SP; 0 when unknown (stack depths are measured from it). */
uint32_t prof_stack_top(const prof *p);

/* Per-function totals over the whole run, from the simulator's block counts and the ELF's
 * function symbols (any firmware, ours or not). Self figures: the cycles and instructions of
 * blocks inside the function. entries: executions of the block at the function's first
 * address (calls, plus any loop that branches back to the very first instruction). */
typedef struct {
    const char *name;  /* the function as shown (demangled); "(no symbol)" outside functions */
    const char *symbol; /* the ELF's name for it (mangled, for C++) */
    const char *file;   /* a local function's source file (STT_FILE), else NULL */
    uint32_t addr;
    uint64_t cycles, insns, entries;
} prof_function;

/* Sorted by cycles, largest first; *out is allocated (caller frees), NULL when none ran. */
uint32_t prof_functions(const sim *s, const sim_elf *elf, prof_function **out);
void prof_print_functions(FILE *f, const prof_function *fn, uint32_t n, uint64_t total_cycles,
                          uint32_t top);

/* Energy of a stretch of cycles on a board: time x vdd x (run current per MHz x MHz +
 * offset), in joules; 0 when the board has no run-current figure. */
double prof_energy_j(const sim_board *b, uint64_t cycles);

/*
 * Memory use by kind, from the ELF's allocated sections (classified by the board region they
 * are in, by the firmware's symbols __stack_limit__/__stack_top__, __heap_start__/
 * __heap_end__, tinysim_arena/_end, tinysim_input_slot/_end, tinysim_model_slot/_end, and
 * by the section names .stack, .heap, .tinysim_arena, .tinysim_input_slot,
 * .tinysim_model_slot) and from the run (the model and where it is, the arena the model
 * plans, the input in the input slot, the peak stack). The sections are reported as they
 * are; the model slot, the input slot and the arena are reservations, of which only what
 * the run used counts as used. Bytes; 0 when absent or unknown.
 */
enum { PROF_MODEL_NONE, PROF_MODEL_SLOT, PROF_MODEL_ROM, PROF_MODEL_RAM };
typedef struct {
    uint32_t flash_size, ram_size;   /* the board's */
    uint32_t text, rodata, data;     /* code; read-only data (a built-in model excluded);
                                        .data (in RAM, and its initial image in flash) */
    uint32_t model;                  /* the model image the last inference ran */
    int model_in_slot;               /* 1: placed in the model slot */
    int model_where;                 /* PROF_MODEL_*: slot, built into flash, in RAM */
    uint32_t model_slot;             /* flash reserved for the model slot */
    uint32_t bss, heap, stack, arena, input; /* RAM sections (arena, input: reservations) */
    uint32_t stack_peak, arena_used; /* from the run: deepest stack, the model's planned arena */
    int arena_in_slot;               /* 1: the model's arena is the arena section's */
    int arena_elsewhere;             /* 1: it is elsewhere in RAM (in .bss, say) */
    uint32_t input_used;             /* bytes of the input slot holding an input (header too) */
    uint32_t flash_used, ram_used;   /* what is used: sections, and of the slots and the arena
                                        only what the run used */
    uint32_t flash_reserved, ram_reserved; /* every allocated section in each memory */
} prof_memory;
void prof_memory_use(const prof *p, const sim_elf *elf, const sim_board *b, prof_memory *out);
void prof_print_memory(FILE *f, const prof_memory *m);

/* The per-layer table (text), the per-layer breakdown (instruction mix, memory traffic, flash
 * wait states, top function), and the layer rows as CSV (with a header line) and as a
 * Markdown table (profiler/tables.c). */
void prof_print_table(FILE *f, const prof *p, const sim_board *b);
/* "stack overflow in layer 0 (CONV_2D): ..." warnings to f, one per layer; returns how many. */
uint32_t prof_print_overflows(FILE *f, const prof *p);
void prof_print_breakdown(FILE *f, const prof *p);
void prof_write_csv(FILE *f, const prof *p, const sim_board *b);
void prof_write_markdown(FILE *f, const prof *p, const sim_board *b);

#endif /* PROFILER_PROF_H */
