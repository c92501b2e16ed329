/*
 * The simulator's public interface: a firmware ELF running on an emulated Cortex-M board.
 * Only sim/ talks to Unicorn; the CLI, the profiler and the TUI use this header.
 *
 * A run: sim_new (board + ELF + config; maps memory, loads segments), optional
 * sim_write_target (model/input slots), sim_reset (SP and PC from the vector table),
 * sim_run until a stop reason, then figures (sim_stats) and target memory (sim_read_target).
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/board.h"
#include "sim/elf.h"
#include "sim/sim_types.h"

typedef struct sim sim;
typedef struct sim_stats sim_stats;

typedef enum {
    SIM_STOP_NONE = 0,
    SIM_STOP_EXIT,      /* semihosting SYS_EXIT / SYS_EXIT_EXTENDED: see exit_status */
    SIM_STOP_FAULT,     /* invalid access, undefined instruction, execution outside memory ... */
    SIM_STOP_CYCLES,    /* cycle budget reached */
    SIM_STOP_INSNS,     /* instruction budget reached */
    SIM_STOP_TIMEOUT,   /* wall-clock timeout */
    SIM_STOP_BREAK,     /* breakpoint (sim_break_add) */
    SIM_STOP_INTERRUPT, /* the user pressed Ctrl-C (sim_interrupt) */
    SIM_STOP_HANG,      /* WFI with no wake-up source, or a reset request: cannot continue */
    SIM_STOP_PAUSE,     /* sim_pause (from a probe callback): the REPL's layer stepping */
    SIM_STOP_COUNT_
} sim_stop_reason;

typedef enum {
    SIM_FAULT_NONE = 0,
    SIM_FAULT_READ,      /* read of unmapped memory */
    SIM_FAULT_WRITE,     /* write to unmapped memory */
    SIM_FAULT_WRITE_PROT,/* write to flash (read-only to the firmware) */
    SIM_FAULT_FETCH,     /* execution outside executable memory */
    SIM_FAULT_UNDEF,     /* undefined or unsupported instruction */
    SIM_FAULT_UNALIGNED, /* unaligned access the core traps */
    SIM_FAULT_BKPT,      /* BKPT other than semihosting: HardFault without a debugger */
    SIM_FAULT_EXCEPTION, /* another CPU exception, or an exception return the simulator refuses */
    SIM_FAULT_SEMIHOST,  /* a semihosting call the simulator refuses (bad pointer, unknown call) */
    SIM_FAULT_COUNT_
} sim_fault_kind;

/* Register file snapshot: r0-r12, sp, lr, pc, xpsr. */
typedef struct {
    uint32_t r[16];
    uint32_t xpsr;
} sim_regs;

typedef struct {
    sim_stop_reason reason;
    int exit_status;          /* SIM_STOP_EXIT: the firmware's status */
    sim_fault_kind fault;
    uint32_t pc;              /* where it stopped; for faults, the faulting instruction */
    int pc_exact;             /* 1 if pc is the exact instruction (else the start of its block) */
    uint32_t access_addr;     /* faulting data address (READ/WRITE/WRITE_PROT/UNALIGNED) */
    uint32_t from_addr;       /* FETCH: the block that branched there */
    sim_regs regs;
    char message[256];        /* one line for a person ("write to unmapped address 0x70000000") */
} sim_stop;

/* Probe kinds the simulator recognises by symbol (core/nn_model.h). */
typedef enum {
    SIM_PROBE_INFERENCE_BEGIN,
    SIM_PROBE_INFERENCE_END,
    SIM_PROBE_LAYER_BEGIN,
    SIM_PROBE_LAYER_END,
    SIM_PROBE_USER,  /* entry of a function given to sim_probe_add (--probe SYMBOL) */
    SIM_PROBE_USER_RETURN, /* ... and its return: addr is the function, r0 its result */
    SIM_PROBE_COUNT_
} sim_probe_kind;

typedef struct {
    sim_probe_kind kind;
    uint32_t addr;     /* the probe function's address */
    uint32_t r0, r1;   /* its first two arguments: (model, layer) for the core's probes */
    uint32_t r2, r3;   /* the next two (AAPCS) */
    uint32_t lr;       /* LR at entry: the return address (or EXC_RETURN) */
    uint32_t sp;       /* SP at entry (the caller's stack pointer at the call) */
    uint64_t cycles;   /* modelled cycles at entry */
    uint64_t insns;
    uint64_t stall_cycles; /* of cycles: flash wait states (fetch and data) */
    uint64_t flash_bytes;  /* bytes of data read from flash so far */
} sim_probe_event;

typedef struct {
    FILE *console;            /* firmware console output (semihosting stdout/stderr, ITM); NULL = discard */
    FILE *console_in;         /* SYS_READ from handle 0; NULL = end of file */
    const char *file_root;    /* directory for semihosting SYS_OPEN of files; NULL = no file access */
    uint64_t max_cycles;      /* 0 = no budget */
    uint64_t max_insns;       /* 0 = no budget */
    double timeout_s;         /* wall clock per sim_run; 0 = none */
    int accounting;           /* 1 = block hook with cycle accounting (normal); 0 = raw Unicorn (bench) */
    /* Called for every probe event (NULL: events are only counted). */
    void (*on_probe)(void *ud, const sim_probe_event *ev);
    /* Called about once a second of host time while running (NULL: none). */
    void (*on_progress)(void *ud, const sim_stats *st);
    /* Called once per distinct warning (emulator more permissive than silicon, ...). */
    void (*on_warning)(void *ud, const char *msg);
    void *ud;
} sim_config;

struct sim_stats {
    uint64_t cycles;          /* modelled cycles, incl. sleep */
    uint64_t sleep_cycles;    /* cycles spent in WFI */
    uint64_t insns;
    uint64_t blocks;          /* block executions */
    uint32_t distinct_blocks; /* decoded blocks (cost cache entries) */
    uint32_t inferences;      /* nn_probe_inference_end calls */
    uint32_t layers;          /* nn_probe_layer_end calls */
    uint32_t exceptions;      /* SVC/PendSV/SysTick deliveries */
    uint32_t semihost_calls;
    uint64_t console_bytes;
    double wall_s;            /* host time spent in sim_run */
    /* Memory timing (sim/memtime.c): wait-state cycles (included in cycles) of instruction
     * fetches and of data reads from flash, and the bytes of data read from flash. */
    uint64_t fetch_stall_cycles, data_stall_cycles, flash_bytes;
};

/*
 * Create a simulator for elf on board (both must outlive it). Checks that the board's core
 * can run the ELF's architecture and that every segment fits the board's memory, maps the
 * memory, loads the segments by physical address. NULL with *cause on failure (the caller
 * frees *cause); a failure here is always a bad input (exit code 3).
 */
sim *sim_new(const sim_board *board, const sim_elf *elf, const sim_config *cfg, char **cause);
void sim_free(sim *s);

/* Host access to target memory (flash included: the simulator may write it). 0 / -1 if any
 * byte is outside mapped memory. */
int sim_write_target(sim *s, uint32_t addr, const void *data, uint32_t len);
int sim_read_target(sim *s, uint32_t addr, void *data, uint32_t len);

/* Reset: clear counters and peripherals, SP and PC from the vector table at the boot
 * address. Target memory is kept (so slot contents written before stay). -1 + *cause if the
 * vector table is unusable (bad SP or reset vector). */
int sim_reset(sim *s, char **cause);

/* Run until a stop reason; *stop says which. Can be called again after BREAK/INTERRUPT/budget
 * stops to continue. */
void sim_run(sim *s, sim_stop *stop);

/* Ask a running sim_run to stop at the next block (async-signal-safe). */
void sim_interrupt(sim *s);
/* From a callback (on_probe): stop before the next block with SIM_STOP_PAUSE. The block
 * that raised the probe has run its hook; resuming runs the rest without repeating it. */
void sim_pause(sim *s);
/*
 * Run n instructions (1..), then stop with SIM_STOP_PAUSE before the next one (or earlier
 * for any other stop reason). A code hook on every instruction is on only for this call.
 * Stopping inside a block charges the part that ran; on resume the rest is priced as a
 * block of its own, so a stretch stepped by instructions can differ by a few cycles from the
 * same stretch run whole (the block-level pairing and pipelining rules see a shorter block).
 */
void sim_step(sim *s, uint64_t n, sim_stop *stop);

/*
 * Stack depth without touching guest memory: the engine tracks the lowest value SP reached
 * (every block that lowers SP, exception entry) since the last sim_sp_low_set. The profiler
 * brackets a layer or call with sim_sp_low_set(s, sp at its begin) ... sim_sp_low(s); for
 * nested measurements it sets the outer window back to min(outer low, inner low) itself.
 * Nothing is ever written to target memory for this.
 */
uint32_t sim_sp_low(const sim *s);
void sim_sp_low_set(sim *s, uint32_t sp);
/* The stack over time: low[i] is the lowest SP in cycles [i << shift, (i + 1) << shift) since
 * reset (UINT32_MAX: the stretch changed no SP), n stretches so far (at most 512: they double
 * in length as the run grows). */
void sim_sp_timeline(const sim *s, const uint32_t **low, uint32_t *n, uint32_t *shift);

/* Change the cycle budget (0: none) between runs: the REPL's "set budget". */
void sim_set_max_cycles(sim *s, uint64_t max_cycles);

/* Breakpoints at instruction addresses (Thumb bit ignored). -1 if the table is full. */
int sim_break_add(sim *s, uint32_t addr);
/*
 * Watch a function: each call raises SIM_PROBE_USER at its entry and SIM_PROBE_USER_RETURN
 * when it returns, that is when the return address it was called with (LR at entry) runs
 * with SP back at its value at entry (so recursion and calls from several places pair up;
 * a frame abandoned by longjmp is dropped once SP is above it). addr: the function's entry
 * (Thumb bit ignored). -1 when SIM_MAX_USER_PROBES are set. Kept across sim_reset.
 */
int sim_probe_add(sim *s, uint32_t addr);
/* The same watch for a profiler's own use (the functions of a runtime it recognises, such as
 * TFLM's interpreter and kernels): not counted against SIM_MAX_USER_PROBES; -1 when about 250
 * functions are watched. Events for a function watched both ways are delivered once. */
int sim_watch_add(sim *s, uint32_t addr);
/*
 * Watchpoints on memory (the REPL's watch): len (1..8) bytes at addr, compared at every
 * block boundary while any is set (so a run with one is slower, and its figures are the
 * same: the stop is a breakpoint's, before a block). A change stops the run with
 * SIM_STOP_BREAK before the next block; sim_mwatch_hit then says which watch (its index from
 * sim_mwatch_add; -1: none) and its bytes before and now. At most SIM_MAX_MWATCH (4); -1
 * when full, len is out of range or addr unmapped.
 */
int sim_mwatch_add(sim *s, uint32_t addr, uint32_t len);
void sim_mwatch_clear(sim *s);
int sim_mwatch_hit(sim *s, uint8_t old[8], uint8_t now[8]);
void sim_break_clear(sim *s);

/*
 * The call graph since reset (sim/callgraph.c), for any firmware: node i is a call path, a
 * function (func, its entry address) under its caller's node (parent), or a context's root
 * (parent UINT32_MAX, func the context); calls into it, and the cycles and instructions that
 * ran in it (self). Context: the profiler's layer (0: none); the frames open when it changes
 * continue under the new context's root. info: the depth now, calls deeper than tracked,
 * whether the node table filled up (new paths then count to their parent).
 */
typedef struct {
    uint32_t func, parent;
    uint64_t calls, cycles, insns;
} sim_cg_node;
typedef struct {
    uint32_t depth;
    uint64_t deeper_calls;
    int full;
} sim_cg_info;
const sim_cg_node *sim_callgraph(sim *s, uint32_t *n, sim_cg_info *info);
void sim_cg_set_context(sim *s, uint32_t ctx);

/*
 * The call graph's events in time order, for a trace (`--trace`): recorded from sim_cg_trace
 * on (max events kept; 0 stops), cleared at reset. ENTER and EXIT: a frame of func begins or
 * ends (tail calls: an EXIT and an ENTER), depth the frames open after it, sp the SP at the
 * frame's entry; CONTEXT: the context became func; MARK: sim_cg_mark(what = func). cycles: the
 * modelled cycle of the event.
 */
#define SIM_CG_DEPTH 256 /* call frames tracked; deeper calls are counted, not followed */
enum { SIM_CG_ENTER, SIM_CG_EXIT, SIM_CG_CONTEXT, SIM_CG_MARK };
typedef struct {
    uint64_t cycles;
    uint32_t func, sp;
    uint16_t depth;
    uint8_t kind;
} sim_cg_event;
void sim_cg_trace(sim *s, uint32_t max_events);
void sim_cg_mark(sim *s, uint32_t what);
/* *truncated: events were left out once max_events were kept. */
const sim_cg_event *sim_cg_events(const sim *s, uint32_t *n, int *truncated);

void sim_stats_get(const sim *s, sim_stats *out);
void sim_regs_get(sim *s, sim_regs *out);
/* Write register i (0-15: r0-r12, sp, lr, pc; 16: xpsr) while stopped: a debugger's write
 * (the figures are then no longer those of an undisturbed run). 0, or -1 for a bad i. */
int sim_reg_set(sim *s, int i, uint32_t v);
/* The FP registers s0-s31 (raw bits) and FPSCR of a core with an FPU: 0, or -1 without one. */
int sim_fp_regs_get(sim *s, uint32_t sreg[32], uint32_t *fpscr);
const sim_board *sim_get_board(const sim *s);
const sim_elf *sim_get_elf(const sim *s);

const char *sim_stop_name(sim_stop_reason r);   /* "exit", "fault", ... (JSON values) */
const char *sim_fault_name(sim_fault_kind k);   /* "read-unmapped", ... */

/* A decoded block that ran, with its totals since reset (for per-function accounting). */
typedef struct {
    uint32_t addr, size;
    uint64_t count;          /* executions */
    uint64_t cycles, insns;  /* totals over its executions (not-taken branches accounted,
                                flash wait states included) */
    const uint16_t *mix;     /* instructions per class in one execution (sim/cost.h) */
    uint64_t stall_cycles;   /* of cycles: flash wait states */
    uint64_t flash_bytes;    /* data bytes it read from flash */
} sim_block_info;

/* Call fn for every block that ran since reset, in no particular order. */
void sim_blocks(const sim *s, void (*fn)(void *ud, const sim_block_info *b), void *ud);

/* Disassemble the instruction at addr into buf ("str r1, [r0]"); returns its size, 0 if the
 * address is not in memory. */
uint32_t sim_disas(sim *s, uint32_t addr, char *buf, size_t size);

/* Describe addr as "func+0x12" (or "0x08001234" with no symbol) into buf. */
void sim_describe_addr(const sim *s, uint32_t addr, char *buf, size_t size);

#endif /* SIM_SIM_H */
