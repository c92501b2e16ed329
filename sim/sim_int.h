/*
 * Internal to sim/: the simulator's state, shared by the engine's files (setup.c, sim.c: the
 * hot path, run.c, exc.c, blocks.c), the memory timing (memtime.c), the private peripheral
 * bus (ppb.c) and semihosting (semihost.c). Nothing outside sim/ includes this.
 */
#ifndef SIM_SIM_INT_H
#define SIM_SIM_INT_H

#include <signal.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "sim/cost.h"
#include "sim/sim.h"

/* A decoded block in the cost cache: the fields the block hook touches on every execution. */
typedef struct {
    uint32_t addr, size;      /* key (Unicorn may translate one address with different sizes) */
    uint32_t cycles, insns;   /* static cost if its final branch is taken */
    uint32_t fallthrough;     /* address after the block */
    uint32_t delta;           /* cycles to give back when the next block is the fallthrough */
    uint32_t flags;           /* SIM_HB_* */
    uint32_t cost;            /* index into sim.costs (cold details) */
    uint64_t count;           /* executions */
    uint64_t nt;              /* of which ended by falling through a conditional branch */
    uint32_t bp;              /* its final conditional branch's predictor slot + 1 (sim.bp_ctr);
                                 0: none, always on cores that charge no mispredicts */
    uint32_t mp_pen;          /* cycles a mispredict of that branch costs */
    uint64_t mp;              /* mispredicts of that branch charged to this block */
    /* memory timing (memtime.c) */
    uint32_t line0, nlines;   /* flash lines its code spans; nlines 0: not in timed flash */
    uint32_t seq_stall;       /* cycles a sequential (prefetched) line miss costs it */
    uint64_t igen;            /* icache generation after its last run had all its lines */
    uint32_t d_fp, b_fp;      /* learned flash-read stall cycles and bytes per execution,
                                 16.16 fixed point (charged while the read hook is off) */
    uint32_t d_acc, b_acc;    /* their fractional remainders */
    uint64_t obs_n, obs_stall, obs_bytes; /* executions observed with the hook, their totals */
    uint32_t obs_on;          /* 1: translated with the read hook on: its reads are observed */
    uint64_t stall, fbytes;   /* since reset: its wait-state cycles, flash bytes it read */
    uint8_t *code;            /* SIM_HB_CODE: the bytes it was priced from (owned) */
} sim_blk;

/* A set-associative cache of flash lines (memtime.c): sets x ways tags (line number + 1,
 * 0 = empty), most recently used first within a set. No sets: no cache, every access misses. */
typedef struct {
    uint32_t *tag;
    uint32_t sets, ways;
    uint64_t gen;             /* bumped on every fill: blocks use it to skip lookups */
} sim_cache;

/* sim_blk.flags: anything that sends the hook down its slow path. */
enum {
    SIM_HB_PROBE = 1,   /* starts at a probe function */
    SIM_HB_BREAK = 2,   /* contains a breakpoint address */
    SIM_HB_FP = 4,      /* uses the FPU while CPACR disables it, no warning given yet */
    SIM_HB_ALIGN = 8,   /* has accesses that fault on silicon when unaligned: check them */
    SIM_HB_SP = 16,     /* writes SP: the stack's low-water mark (sim_sp_low) */
    SIM_HB_CODE = 32,   /* its code may change under it (RAM, or written by the host since
                           it was decoded): compared with the bytes it was priced from */
    SIM_HB_NOREAD = 64, /* not a slow-path flag: no loads, nothing for the memory timing to
                           learn about it */
    SIM_HB_SYS = 128,   /* has system instructions (CPS, MSR may unmask an exception): the
                           next block checks for a pending one */
    SIM_HB_FENTRY = 256 /* not a slow-path flag: starts at a function's entry (callgraph.c) */
};
#define SIM_HB_SLOW (SIM_HB_PROBE | SIM_HB_BREAK | SIM_HB_FP | SIM_HB_ALIGN | SIM_HB_SP | \
                     SIM_HB_CODE | SIM_HB_SYS)
#ifndef SIM_LEARN_QUIET /* a build with -DSIM_LEARN_QUIET=UINT64_MAX keeps the hook on: the
                           reference the learning scheme is measured against (README) */
#define SIM_LEARN_QUIET (1u << 14) /* memtime.c: block executions with no new block before
                                      the flash read hook goes off */
#endif
#define SIM_MAX_ALIGN_WARN 8 /* distinct unaligned-access sites reported per run */
/* Code changes (a decoded block whose bytes changed) a run may make before it is stopped:
 * Unicorn 2.0.1 retranslates on each and grows without bound (a firmware rewriting and
 * calling RAM code forever crashed inside Unicorn after 75 s at 1.2 GB). */
#define SIM_MAX_CODE_CHANGES (1u << 16)

typedef struct {
    uint8_t *buf;             /* host buffer (mapped with uc_mem_map_ptr) */
    uint8_t *initial;         /* contents at the last reset (fault-locating re-runs) */
    uint32_t base, size, alias;
    int has_alias;
    int flash;
} sim_mem;

/* Semihosting journal entry: what a call returned and wrote into target memory, so a
 * re-run (to locate a fault exactly) replays calls without repeating their side effects. */
typedef struct {
    uint32_t op, r0;
    uint32_t addr, len, data_off; /* bytes written into target memory */
} sim_jent;

#define SIM_PROGRESS_S 1.0 /* seconds between progress callbacks */
/* Guest instructions between looks at the host clock (progress, --timeout). The look happens
 * at the same guest instructions in every run, whatever the host, the terminal or the
 * callbacks, and changes nothing the firmware or the figures can see (slow_path). */
#define SIM_POLL_INSNS (1u << 20)
#define SIM_MAX_FILES 16
#define SIM_MAX_BREAKS 64
#define SIM_MAX_PROBES 320     /* the core's 4, watched functions and their return sites */
#define SIM_RETURN_SITES_KEPT 64 /* of them, kept free of watches for return sites */
#define SIM_MAX_USER_PROBES 8
#define SIM_MAX_MWATCH 4       /* watchpoints on memory */
#define SIM_MAX_UCALLS 64      /* nesting depth of open user-probed calls tracked */
#define SIM_MAX_NEST 8
#define SIM_SP_TIMELINE 512 /* stretches of the stack timeline (sim_sp_timeline) */
#define SIM_CG_MAX_NODES (1u << 20) /* call paths kept; beyond, new paths join their parent */

typedef struct {
    uint32_t node, ret, sp; /* ret: return address (1 for an exception's handler); sp at entry */
    int exc;
} sim_cg_frame;
#define SIM_JOURNAL_MAX (64u << 20) /* bytes of replay data kept; beyond it faults are located to the block */
#define SIM_JOURNAL_MAX_ENTRIES (1u << 20) /* calls journaled (20 bytes each); beyond: the same */

struct sim {
    uc_engine *uc;
    const sim_board *board;
    const sim_elf *elf;
    sim_config cfg;
    sim_coster *coster;
    sim_mem mem[SIM_MAX_REGIONS];
    uint32_t n_mem;
    uint32_t boot_addr;       /* where the vector table is read at reset */
    uc_hook h_block, h_intr, h_code, h_mem;

    /* block cost cache: open addressing, power-of-two capacity */
    sim_blk *blk;
    uint32_t blk_cap, blk_used;
    sim_block_cost *costs;
    uint32_t n_costs, cap_costs;
    /* branch direction predictor (M7): one 2-bit counter per conditional branch, shared by
     * the blocks that end with it; found by the branch's end address when a block is filled */
    uint8_t *bp_ctr, *bp_init;  /* counters (0..1 predict not taken, 2..3 taken), reset values */
    uint32_t bp_n, bp_cap;
    uint32_t *bp_key, *bp_slot; /* open addressing: branch end address (0 empty) -> slot */
    uint32_t bp_keycap;

    /* counters (hot) */
    uint64_t cycles, insns, sleep_cycles;
    uint64_t next_event;      /* slow path when cycles reach it (budget, SysTick, pending) */
    uint64_t insn_limit;      /* slow path when insns reach it */
    sim_blk *last;            /* last block entered; &none before any (its fallthrough, 1,
                               * matches no block, so no not-taken correction applies) */
    sim_blk none;
    uint64_t poll_at;         /* insns at which the host clock is looked at next */
    double deadline;          /* host time at which the run times out, 0: none */
    double next_progress;     /* host time of the next progress callback */
    double progress_s;        /* seconds between them: SIM_PROGRESS_S, or $TINYSIM_PROGRESS_S
                                 (tests: 0 calls it at every look at the clock) */
    int timed_out;            /* the deadline passed: stop before the next block */
    /* a stop inside a block (breakpoint, stepi): the rest of it, already charged with the
     * block and given back at the stop, is charged back when the run resumes at cont_addr
     * (odd: none), so a stepped or interrupted block costs what it costs uninterrupted */
    uint32_t cont_addr;
    sim_blk *cont_blk;
    uint32_t cont_cycles, cont_insns;
    volatile sig_atomic_t interrupted;
    int pause_req;            /* sim_pause: stop before the next block */
    uint32_t block_stop_pc;   /* stop_at_block: where the run resumes */
    int block_stop;
    int stepping;             /* sim_step: instructions still to run before stopping */
    uint64_t step_left;
    uc_hook h_step;

    uint32_t sp_low;          /* lowest SP since sim_sp_low_set (sim_sp_low) */
    uint32_t sp_tl[SIM_SP_TIMELINE]; /* lowest SP seen in each stretch of 2^sp_tl_shift
                                        cycles since reset (UINT32_MAX: none) */
    uint32_t sp_tl_shift;
    int sp_check;             /* a block set SP from a register: read it at the next block */
    int mask_check;           /* a block may have unmasked exceptions: the next block checks */
    int cur_seq;              /* the slow path's block was entered sequentially */
    /* code that changed after it was priced (self-modifying code, host writes): the old
     * version's totals, kept so that per-function figures still add up (sim_blocks) */
    struct sim_retired {
        uint32_t addr, size, cost;  /* cost: its old entry in costs (kept) */
        uint64_t count, cycles, insns, stall, fbytes;
    } *retired;
    uint32_t n_retired, cap_retired;
    uint32_t ran_lo[2], ran_hi[2]; /* address span of the decoded blocks in flash [0], RAM [1] */
    uint32_t code_changes;    /* since reset; the run stops at SIM_MAX_CODE_CHANGES */

    /* run state */
    sim_stop stop;            /* set by hooks when they stop the run */
    int stopping;
    uint32_t skip_break;      /* resume from a breakpoint without stopping at it again */
    /* watchpoints (sim_mwatch_add): bytes compared at every block boundary while any is set */
    struct { uint32_t addr, len; uint8_t val[8], old[8]; } mwatch[SIM_MAX_MWATCH];
    uint32_t n_mwatch;
    int mwatch_hit;           /* the watch that changed at the last stop, -1 none */
    uint32_t breaks[SIM_MAX_BREAKS];
    uc_hook h_breaks[SIM_MAX_BREAKS]; /* code hook per breakpoint: stops inside a block */
    uint32_t n_breaks;
    struct { uint32_t addr; sim_probe_kind kind; } probes[SIM_MAX_PROBES];
    uint32_t n_probes, n_user_probes;
    /* open calls of user-probed functions: where they return to and SP at their entry */
    struct { uint32_t func, ret, sp; } ucalls[SIM_MAX_UCALLS];
    uint32_t n_ucalls;
    int warned_ucalls;
    uint32_t inferences, layers, exceptions, semihost_calls;
    uint64_t console_bytes;
    double wall_s;
    double run_t0;            /* wall clock at the start of sim_run */

    /* call graph (callgraph.c) */
    sim_cg_node *cg_nodes;
    uint32_t cg_n, cg_cap;
    uint32_t *cg_hash, cg_hcap; /* node index + 1 by (parent, func) */
    sim_cg_frame cg_stack[SIM_CG_DEPTH];
    uint32_t cg_depth;
    uint32_t cg_ret;          /* the top frame's return address (1: none): the hot path's test */
    uint32_t cg_cur, cg_root, cg_ctx;
    uint64_t cg_mark_cycles, cg_mark_insns, cg_deep;
    uint64_t cg_blk_cycles, cg_blk_insns; /* before the block whose slow path runs (a probe
                                             changing the context charges up to there) */
    int cg_full, cg_in_slow;
    sim_cg_event *cg_ev;      /* sim_cg_trace's events */
    uint32_t cg_ev_n, cg_ev_cap, cg_ev_max;
    int cg_ev_lost;

    /* exceptions */
    uint32_t pending;         /* bit n: exception n pending (14 PendSV, 15 SysTick) */
    uint32_t nest;
    uint32_t fpsave[SIM_MAX_NEST][17]; /* s0-s15 + FPSCR of interrupted contexts */

    /* private peripheral bus (ppb.c) */
    uint32_t cpacr, vtor, aircr, scr, ccr, shpr[3], demcr;
    uint32_t dwt_ctrl;
    uint64_t cyccnt_base;     /* cycles at which CYCCNT was 0 */
    uint32_t cyccnt_frozen;   /* value while the counter is disabled */
    uint32_t st_csr, st_rvr;
    uint64_t st_base;         /* cycle at which SysTick was (re)loaded with 0 */
    uint64_t st_next;         /* cycle of the next wrap to 0, UINT64_MAX when disabled */
    uint32_t itm_tcr, itm_ter;
    uint32_t scs[1024];       /* other System Control Space words (0xE000E000-0xE000EFFF): stored */
    uint32_t warned_ppb;      /* unmodelled PPB accesses warned about */

    /* warnings given once */
    int warned_fp, warned_dsp, warned_cyccnt_m0;
    uint32_t align_warned[SIM_MAX_ALIGN_WARN], n_align_warned;

    /* semihosting (semihost.c) */
    int files[SIM_MAX_FILES]; /* host fds for handles 3.., -1 free */
    uint32_t sh_errno;
    time_t time0;             /* SYS_TIME base: wall clock at reset */
    sim_jent *journal;
    uint32_t n_journal, cap_journal, replay_pos;
    uint8_t *jdata;
    uint32_t jdata_len, jdata_cap;
    int journal_full;
    int replaying;            /* re-run to locate a fault: no side effects, results from the journal */

    /* memory timing (memtime.c) */
    const sim_region *flash;  /* the flash region (timing and read counting), NULL: none */
    uint32_t mt_ws;           /* its wait states */
    uint32_t mt_shift;        /* log2 of the flash access width */
    sim_cache icache, dcache;
    uint32_t d_last;          /* the data line last read (the flash line buffer) */
    int learning;             /* the flash read hook is installed */
    int hook_deleted;         /* it is being turned off (memtime.c hook_off) */
    int learn_switch;         /* for the run loop: 1 install the hook, 2 remove it */
    uint64_t learn_quiet;     /* block executions since the last new block, while learning */
    uc_hook h_flash[2];       /* flash read hooks (the region and its alias) */
    uint64_t fetch_stall, data_stall, flash_bytes;

    /* fault location */
    uint32_t code_lo, code_hi;/* code hook range (re-run), 0 = none */
    uint32_t code_last_pc;
};

/* sim.c (the engine's hot path, messages, memory, registers) */
uint32_t sim_reg(sim *s, int uc_reg_id);
void sim_set_reg(sim *s, int uc_reg_id, uint32_t v);
extern const int sim_core_regs[16];          /* Unicorn's ids of r0-r12, sp, lr, pc */
double sim_now_s(void);                      /* the host's monotonic clock, seconds */
void sim_on_block(uc_engine *uc, uint64_t address, uint32_t size, void *ud); /* the hot path */
void sim_warn(sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_stop_now(sim *s, sim_stop_reason r);
void sim_fault(sim *s, sim_fault_kind k, uint32_t addr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sim_console(sim *s, const void *data, size_t len);
void sim_pend(sim *s, uint32_t exc);
void sim_schedule(sim *s);   /* recompute next_event */
/* callgraph.c */
void sim_cg_reset(sim *s);
void sim_cg_block(sim *s, const sim_blk *b, uint32_t addr);
void sim_cg_exc_enter(sim *s, uint32_t handler);
void sim_cg_exc_exit(sim *s);

/* run.c: the run loop and run control */
int sim_break_hook(sim *s, uint32_t i);      /* breakpoint i's code hook: 0 or -1 */
void sim_on_code(uc_engine *uc, uint64_t address, uint32_t size, void *ud); /* re-run hook */

/* setup.c */
int sim_engine_open(sim *s, char **cause);   /* a fresh Unicorn for the board, hooks on */


/* blocks.c: the cost cache (the hot path finds blocks with sim_blk_find, inline here) */
static inline uint32_t sim_blk_hash(uint32_t addr, uint32_t size)
{
    uint32_t h = (addr >> 1) * 2654435761u ^ size * 40503u;
    return h ^ (h >> 15);
}

static inline sim_blk *sim_blk_find(sim *s, uint32_t addr, uint32_t size)
{
    uint32_t j = sim_blk_hash(addr, size) & (s->blk_cap - 1);
    for (;;) {
        sim_blk *b = &s->blk[j];
        if (b->addr == addr && b->size == size)
            return b;
        if (!b->size)
            return NULL;
        j = (j + 1) & (s->blk_cap - 1);
    }
}

int sim_blk_grow(sim *s);                              /* double the table: 0 or -1 */
sim_blk *sim_blk_fill(sim *s, uint32_t addr, uint32_t size); /* decode and insert; NULL: OOM */
void sim_blk_host_wrote(sim *s, uint32_t addr, uint32_t len); /* before a host write */
/* SIM_HB_CODE: b's bytes against those it was priced from (priced again when they changed).
 * -1: the run must stop (too many code changes, or no memory). */
int sim_blk_check_code(sim *s, sim_blk *b);
void sim_blk_reflag(sim *s); /* re-derive block flags after breakpoints, CPACR or warnings change */

/* exc.c */
void sim_set_ipsr(sim *s, uint32_t ipsr); /* IPSR, and APSR rewritten as Unicorn needs */
int sim_fpu_enabled(const sim *s);        /* the core has an FPU and CPACR enables it */
/* Enter exception exc (return_pc: where execution resumes): frame, EXC_RETURN, vector.
 * -1 with the run stopped by a fault when it cannot be taken. */
int sim_exc_take(sim *s, uint32_t exc, uint32_t return_pc);
int sim_exc_deliverable(sim *s);          /* a pending exception can be taken now */
void sim_on_intr(uc_engine *uc, uint32_t intno, void *ud); /* UC_HOOK_INTR */
sim_mem *sim_mem_at(sim *s, uint32_t addr, uint32_t *off); /* the region holding addr */

/* ppb.c */
int sim_ppb_map(sim *s, char **cause);
void sim_ppb_reset(sim *s);
void sim_systick_update(sim *s); /* account for wraps up to s->cycles */

/* memtime.c */
int sim_mt_init(sim *s, char **cause);   /* after the engine is open */
void sim_mt_free(sim *s);
void sim_mt_reset(sim *s);               /* caches empty, learning from the start */
void sim_mt_block_new(sim *s, sim_blk *b);
void sim_mt_block(sim *s, sim_blk *b, int seq); /* charge a timed block's wait states */
void sim_mt_switch(sim *s);              /* act on learn_switch (run loop, between blocks) */

/* semihost.c */
void sim_semihost(sim *s);       /* BKPT 0xAB: op in r0, parameter in r1, result to r0 */
void sim_semihost_reset(sim *s);
void sim_semihost_free(sim *s);

#endif /* SIM_SIM_INT_H */
