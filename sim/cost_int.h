/*
 * Inside the cost model: what sim/cost_tables.c, sim/decode.c, sim/classify.c, sim/issue.c
 * and sim/cost.c share (the coster, one decoded instruction as the pricing rules see it,
 * the M7 scoreboard's state) and the calls between them. Not for use outside these files.
 */
#ifndef SIM_COST_INT_H
#define SIM_COST_INT_H

#include "sim/cost.h"

#include <capstone/capstone.h> /* the handle and ARM_INS_* ids; cs_* calls stay in decode.c */
#include <stdint.h>

struct sim_coster {
    csh cs;
    cs_insn *insn;
    sim_core core;
    const sim_core_timing *t;
};

/* Registers as bits: r0-r15 are 0-15, the flags 16, s0-s31 are 32-63 (d0-d15 two each). */
#define RB_FLAGS (UINT64_C(1) << 16)
#define RB_PC (UINT64_C(1) << 15)

/* What kind of memory access an instruction makes (for the pipelining rules). */
enum { MEM_NONE, MEM_LOAD1, MEM_STORE1, MEM_MULTI_LOAD, MEM_MULTI_STORE };

/* M7 issue kinds (see the dual-issue rule). */
enum { U_SINGLE, U_ALU, U_SIMD, U_MAC, U_LOAD, U_STORE, U_FP, U_FPMOV, U_BR };

/* One decoded instruction with everything the pricing rules need. */
typedef struct {
    uint32_t addr, size;
    unsigned id;
    sim_insn_class cls;
    uint32_t flags;           /* SIM_BLK_* it causes */
    uint32_t cost;            /* cycles, taken if it is a branch */
    uint32_t nt_cost;         /* cycles if it is a conditional branch falling through */
    int branch;               /* changes the flow (writes pc) */
    int cond;                 /* conditional (B<cc>, CBZ/CBNZ, or inside an IT block) */
    int is16;
    int sets_flags;
    uint64_t rd, wr;          /* registers read / written */
    uint64_t acc;             /* accumulator operands (read a stage later on M7/M33) */
    uint64_t addr_regs;       /* base and index registers of a memory operand */
    int mem;                  /* MEM_* */
    int wb;                   /* writes back its base register */
    int base;                 /* base register number, -1 if none */
    int has_index;
    int32_t disp;             /* immediate offset (for the M7 bank rule) */
    int sub_word;             /* byte or halfword load */
    int lat2_op;              /* M33: xta or shifted-register operand2 (result latency 2) */
    int mul;                  /* produces a multiply result (lat_mul) */
    int fp_any;               /* FP instruction of any class */
    int fp_mac;               /* VMLA/VFMA family */
    int unit;                 /* U_* for the M7 */
    /* M7 scheduling (see the M7 rules) */
    uint64_t early_rd;        /* registers read at EX1: address, inline-shifted operand,
                                 bitfield/extract source */
    uint64_t adv_rd;          /* registers read a stage late: store data, accumulators */
    int op2;                  /* OP2_* operand2 kind */
    int early_alu;            /* its result reaches EX1 consumers next cycle (J7 list) */
    uint32_t occ, occ_nt;     /* issue cycles before any neighbour rule (taken / not) */
} insn_info;

/* M7 operand2 kinds for the dual-issue matrix [J7]. */
enum { OP2_NONE, OP2_SIMPLE, OP2_PATTERN, OP2_SHCONST, OP2_SHREG, OP2_SHIFT };

/*
 * M7 in-order dual-issue scoreboard over one block (see the M7 rules). For every register
 * (bit index of reg_bits) the first cycle a consumer may issue, by how it reads it: late ALU
 * (the default), EX1 (addresses, inline-shifted operands, bitfield sources), a multiply's
 * multiplicands, or a stage late (store data, accumulators).
 */
typedef struct {
    int32_t late[64], early[64], mulop[64], adv[64];
    const insn_info *prev; /* NULL at the block's start */
    int32_t prev_issue;    /* the cycle prev issued in */
    int prev_open;         /* prev issued alone and may take a younger partner */
    int32_t free_at;       /* first cycle the next instruction may issue in if it does not pair */
    int32_t end;           /* the block's cycles so far */
    int32_t last_issue;    /* the cycle the latest instruction issued in */
    int32_t flags_at;      /* the cycle the latest flag-setting instruction issued in; -1:
                              none in the block (assume the cycle before it) */
} m7_state;

/* ------------------------------------------------------------------ sim/cost_tables.c */

uint32_t cyc_ldm_cycles(const sim_core_timing *t, uint32_t n);

/* ------------------------------------------------------------------ sim/decode.c */

void cyc_decode_start(sim_coster *c);
int cyc_decode(sim_coster *c, const uint8_t *code, uint32_t len, uint64_t addr, insn_info *ii);
void cyc_describe(const sim_coster *c, int decoded, const uint8_t *code, uint32_t size,
                  char *buf, size_t bufsize);
int cyc_predict_taken(const sim_coster *c, const insn_info *cur);

/* ------------------------------------------------------------------ sim/classify.c */

void cyc_classify(const sim_coster *c, const cs_insn *in, insn_info *ii);
void cyc_classify_undecoded(const sim_coster *c, uint32_t addr, uint32_t size, insn_info *ii);
int cyc_sp_effect(const sim_coster *c, const insn_info *ii, int32_t *delta);
int cyc_is_xta(unsigned id);

/* ------------------------------------------------------------------ sim/issue.c */

void cyc_m7_issue(const sim_core_timing *tm, m7_state *st, insn_info *cur);
void cyc_neighbours(const sim_core_timing *t, const insn_info *prev, insn_info *cur,
                    int *paired, uint32_t *fp_shadow);

#endif
