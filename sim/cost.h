/*
 * The static per-basic-block cost model: decodes a run of Thumb instructions once (Capstone)
 * and prices it with a per-core instruction-class table at zero wait states. The engine caches
 * the result by block address and charges it on every execution; memory effects come later.
 * The table, its sources and every adjustment rule are documented at the top of sim/cost_tables.c.
 */
#ifndef SIM_COST_H
#define SIM_COST_H

#include <stdint.h>

#include "sim/sim_types.h"

/* Instruction classes: what the per-core table prices and what a block's mix counts. */
typedef enum {
    SIM_CLS_ALU,    /* data processing, moves, shifts, compares, extends, bitfield, IT, NOP, PLD */
    SIM_CLS_MUL,    /* MUL, MLA, MLS (32-bit result) */
    SIM_CLS_MULL,   /* long multiply: SMULL, UMULL, SMLAL, UMLAL */
    SIM_CLS_DIV,    /* SDIV, UDIV */
    SIM_CLS_DSP,    /* v7E-M DSP extension: SMLAD, QADD, SADD16, SXTB16, PKHBT, UMAAL ... */
    SIM_CLS_LOAD,   /* single loads LDR/LDRB/LDRH/LDRSB/LDRSH/LDREX/LDA, including LDR pc */
    SIM_CLS_STORE,  /* single stores STR/STRB/STRH/STREX/STL */
    SIM_CLS_LDM,    /* LDM/STM/PUSH/POP, and LDRD/STRD (priced as a two-register transfer) */
    SIM_CLS_BRANCH, /* B, BL, BX, BLX, CBZ, CBNZ, TBB, TBH, MOV pc, ADD pc */
    SIM_CLS_FP,     /* FPU data processing and moves: VADD, VMUL, VMLA, VFMA, VCVT, VMOV, VMRS */
    SIM_CLS_FPDIV,  /* VDIV, VSQRT */
    SIM_CLS_FPMEM,  /* VLDR, VSTR, VLDM, VSTM, VPUSH, VPOP */
    SIM_CLS_SYS,    /* MRS/MSR/barriers/CPS/BKPT/SVC/WFI/WFE/SEV/YIELD/CLREX/UDF */
    SIM_CLS_OTHER,  /* undecodable bytes (and anything the classifier does not know) */
    SIM_CLS_COUNT
} sim_insn_class;

#define SIM_MAX_ALIGN_SITES 4

/* sim_block_cost.flags */
enum {
    SIM_BLK_FP = 1,        /* uses the FPU */
    SIM_BLK_DSP = 2,       /* uses v7E-M DSP instructions */
    SIM_BLK_UNDECODED = 4, /* some bytes did not decode (counted as OTHER, 1 cycle each) */
    SIM_BLK_DIV = 8,       /* SDIV/UDIV */
    SIM_BLK_NOT_V6M = 16   /* instructions ARMv6-M lacks: 32-bit Thumb-2 other than
                              BL/MRS/MSR/DMB/DSB/ISB, and the 16-bit CBZ, CBNZ, IT */
};

/* sim_block_cost.sp: how the block changes SP (the stack depth the engine tracks) */
enum {
    SIM_SP_WRITES = 1,     /* writes SP: sp_low says how deep it goes */
    SIM_SP_DYN = 2         /* writes SP with a value not known from the code (MOV sp, rN,
                              SUB sp, rN, LDR sp, MSR msp, a conditional SP write): SP after
                              the block is to be read from the registers */
};

/*
 * The static cost of one block at zero wait states.
 * Invariants: not_taken_cycles <= cycles; sum of mix[] == insns (each entry saturates at
 * 65535); fallthrough == addr + len of the decoded buffer.
 */
typedef struct {
    uint32_t insns;            /* instructions in the block (instructions skipped in IT
                                  blocks included) */
    uint32_t cycles;           /* cycles if the block's final branch is taken (or if it has
                                  no conditional branch) */
    uint32_t not_taken_cycles; /* cycles if a conditional final branch falls through
                                  (== cycles otherwise) */
    uint32_t fallthrough;      /* address after the last instruction */
    uint32_t flags;            /* SIM_BLK_* */
    uint32_t warn_addr;        /* address of the first instruction worth a warning on this core
                                  (see warn_flags); 0 with warn_insn "" when there is none */
    char warn_insn[32];        /* its mnemonic and operands ("smlad r0, r1, r2, r3"), truncated */
    uint16_t mix[SIM_CLS_COUNT]; /* instructions per class */
    /* Accesses that need a word-aligned address on ARMv7-M/v8-M (LDRD/STRD, LDM/STM, VLDR/
     * VSTR, VLDM/VSTM, LDREX/STREX), whose base register still holds its block-entry value
     * when they run, so the engine can check them from the registers at block entry. Not
     * filled on the Cortex-M0+, where the emulator itself traps every unaligned access. */
    struct {
        uint32_t addr;   /* the instruction */
        int32_t disp;    /* address = base register + disp */
        uint8_t base;    /* r0..r12, r14 */
    } align[SIM_MAX_ALIGN_SITES];
    uint32_t n_align;    /* may be < the number of such accesses: at most SIM_MAX_ALIGN_SITES */
    /* The block's final instruction as a conditional branch (B<cc>, CBZ/CBNZ, or a branch
     * inside an IT block), on a core that predicts branches (sim_core_timing.mispredict > 0):
     * the engine keeps a direction predictor for it (sim/sim.c, sim/blocks.c) and charges this many cycles
     * when the outcome differs from the prediction. 0 when the block does not end in such a
     * branch or the core's figures already include a fixed taken-branch refill. */
    uint32_t mispredict;
    uint32_t predict_taken;    /* the static prediction for that branch before it has an
                                  outcome history: 1 (taken) for a direct branch to a lower
                                  address, 0 otherwise */
    uint32_t sp;               /* SIM_SP_* */
    int32_t sp_low;            /* lowest SP reached inside the block, relative to SP at its
                                  entry (<= 0), from the SP writes whose amount the code
                                  gives (PUSH, VPUSH, STMDB sp!, SUB sp #imm, STR [sp, #-n]!);
                                  with SIM_SP_DYN only up to the first unknown write */
    uint32_t warn_flags;       /* the SIM_BLK_* flags that made the instruction at warn_addr
                                  worth a warning; 0 when none. Which flags count: FP and
                                  UNDECODED on every core, DSP on M0+ and M3 (the cores without
                                  it), DIV and NOT_V6M on M0+. A block can carry more flags
                                  than its warn instruction: compare with warn_flags before
                                  quoting warn_insn for a given kind. */
} sim_block_cost;

/* How a core issues instructions: see the dual-issue rules at the top of sim/cost_tables.c. */
typedef enum {
    SIM_ISSUE_SINGLE, /* M0+, M3, M4: one instruction at a time (plus IT folding on M3/M4) */
    SIM_ISSUE_M7,     /* M7: greedy pairing of adjacent instructions */
    SIM_ISSUE_M33     /* M33: "limited dual issue" of 16-bit pairs (NOP, IT, branches) */
} sim_issue_model;

/*
 * One core's timing parameters (zero wait states). cls[] is the class table; the other
 * fields are the adjustments applied on top of it. sim/cost_tables.c documents the source of
 * every figure. Fields of instructions a core does not implement hold placeholders so a
 * block always has a cost; the SIM_BLK_* flags say when that happened.
 */
typedef struct {
    const char *name;              /* "cortex-m4f" */
    uint8_t cls[SIM_CLS_COUNT];    /* cycles per class; LDM: the fixed part of 1+N;
                                      BRANCH: a taken B; FPMEM: a single-precision VLDR/VSTR */
    uint8_t ldm_regs_per_cycle;    /* LDM/STM/PUSH/POP/LDRD/STRD/VLDM: cls[LDM] + ceil(N/this) */
    uint8_t mla;                   /* MLA, MLS */
    uint8_t mlal;                  /* SMLAL, UMLAL (SMULL/UMULL are cls[MULL]) */
    uint8_t str_reg;               /* STR with a register offset (cls[STORE] is immediate offset) */
    uint8_t p;                     /* pipeline refill P after a taken branch (documentation;
                                      the branch fields below already include it) */
    uint8_t b_not_taken;           /* conditional B / CBZ / CBNZ falling through */
    uint8_t bl;                    /* BL */
    uint8_t bx;                    /* BX, BLX reg, MOV pc, ADD pc */
    uint8_t cbz_taken;             /* CBZ/CBNZ taken */
    uint8_t ldm_pc;                /* added to an LDM/POP that loads pc */
    uint8_t ldr_pc;                /* LDR pc */
    uint8_t tbb;                   /* TBB, TBH */
    uint8_t it;                    /* IT */
    uint8_t it_fold;               /* 1: an IT right after a 16-bit instruction costs 0 */
    uint8_t sys_light;             /* CPS, SVC, BKPT, WFI, WFE, SEV, YIELD, CLREX, UDF */
    uint8_t fp_mac;                /* VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS */
    uint8_t fp_vmov_core;          /* VMOV between core and FP registers */
    uint8_t fpdiv_d;               /* VDIV.F64, VSQRT.F64 */
    uint8_t ldr_pipe;              /* 1: M3/M4 load/store pipelining rules apply */
    uint8_t pipe_wb_breaks;        /* 1 (M3): a pre/post-indexed load/store is never pipelined */
    uint8_t st_then_ld;            /* extra cycles for a load (single or LDM) right after a store */
    uint8_t st_wb_chain;           /* extra cycles for a pre/post-indexed store right after one
                                      on the same base */
    uint8_t lat_ld_word;           /* result latency of a word load as seen by the next
                                      instruction (1 = no stall); on the M7 the late-ALU
                                      latency of the scoreboard, wherever the consumer is */
    uint8_t lat_ld_sub;            /* same for byte/halfword loads */
    uint8_t lat_mul;               /* same for multiplies (accumulator operands excepted) */
    uint8_t lat_ld_mul;            /* latency of a load's result into a multiply's operands */
    uint8_t muls_n;                /* 16-bit MULS (flag-setting) */
    uint8_t mispredict;            /* cycles a mispredicted conditional branch costs on top of
                                      its predicted cost; 0: no dynamic prediction modelled
                                      (the taken/not-taken figures include the refill) */
    uint8_t mispredict_early;      /* the same when the flags the branch tests were set at
                                      least early_flags cycles before it issues */
    uint8_t early_flags;
    sim_issue_model issue;
} sim_core_timing;

typedef struct sim_coster sim_coster;

/* Open Capstone for core (ARM, Thumb, M-class, +V8 for M33, detail on). NULL + *cause
 * (allocated, caller frees) if Capstone cannot be opened or core is out of range. The caller
 * owns the result and frees it with sim_cost_free. */
sim_coster *sim_cost_new(sim_core core, char **cause);
void sim_cost_free(sim_coster *c); /* accepts NULL */

/* Decode code[0..len) located at addr and fill *out. Never fails: undecodable bytes are
 * counted as one 2- or 4-byte instruction (size from the Thumb encoding rule: first
 * halfword's top five bits 0b11101/0b11110/0b11111 mean 32-bit; clamped to the bytes left)
 * of class OTHER costing 1 cycle, with SIM_BLK_UNDECODED. The result depends only on the
 * bytes, addr and the core (no state carries over between calls). */
void sim_cost_block(sim_coster *c, const uint8_t *code, uint32_t len, uint32_t addr,
                    sim_block_cost *out);

/* One instruction as text for reports and the CPU view: writes "ldr r0, [r1, #4]" into buf
 * (truncated to bufsize, always NUL-terminated when bufsize > 0); returns its size in bytes,
 * 0 if len is 0. Undecodable: ".inst 0x...." (".byte 0x.." for a lone trailing byte). The
 * instruction is decoded in isolation, so one inside an IT block shows no condition suffix. */
uint32_t sim_disas_one(sim_coster *c, const uint8_t *code, uint32_t len, uint32_t addr,
                       char *buf, uint32_t bufsize);

const char *sim_class_name(sim_insn_class k); /* "alu", "mul", ...; "?" out of range */

/* The per-core table: cycles of class k on core (for docs/tests/--explain); 0 out of range. */
uint32_t sim_cost_class_cycles(sim_core core, sim_insn_class k);

/* All of a core's timing parameters; NULL out of range. */
const sim_core_timing *sim_cost_timing(sim_core core);

/* Cycles of an N-register LDM/STM/PUSH/POP (without pc) on core:
 * cls[LDM] + ceil(N / ldm_regs_per_cycle). */
uint32_t sim_cost_ldm_cycles(sim_core core, uint32_t nregs);

#endif /* SIM_COST_H */
