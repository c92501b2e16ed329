/*
 * How an instruction's neighbours in a block change its cost: M3/M4 load/store pipelining,
 * result latencies, IT folding, the M33's limited dual issue and the M7's dual-issue
 * scoreboard. The rules and their sources are documented at the top of sim/cost_tables.c.
 */
#include "sim/cost_int.h"

/* M33: cycles after an FP multiply-accumulate during which no FP instruction issues [J33]. */
#define M33_FP_MAC_SHADOW 2
/* M33: result latency of shifted-register operand2 and {S,U}XTA* instructions [J33]. */
#define M33_LAT_OP2 2

/* ------------------------------------------------------------------ neighbour rules */

/* M3/M4: may cur's address phase overlap prev's data phase? (see RULES) */
static int pipelines(const sim_core_timing *t, const insn_info *prev, const insn_info *cur)
{
    if (prev->mem != MEM_LOAD1 || prev->branch)
        return 0;
    if (cur->mem != MEM_LOAD1 && cur->mem != MEM_STORE1)
        return 0;
    if (cur->branch)
        return 0;
    if (cur->addr_regs & prev->wr)
        return 0;
    if (t->pipe_wb_breaks && cur->wb)
        return 0;
    return 1;
}

/* Extra cycles cur waits for a result of prev (result latency rule). Accumulator operands
 * are read a stage later and do not wait [J7, J33]; on the M7 a multiply's other operands
 * cannot take even a word load's result from the previous cycle [J7]. */
static uint32_t result_stall(const sim_core_timing *t, const insn_info *prev,
                             const insn_info *cur, int m33)
{
    uint32_t lat = 1;
    uint64_t needed = cur->rd & ~cur->acc;
    if (prev->mem == MEM_LOAD1 && !prev->branch) {
        lat = prev->sub_word ? t->lat_ld_sub : t->lat_ld_word;
        if (cur->mul && t->lat_ld_mul > lat)
            lat = t->lat_ld_mul;
    } else if (prev->mul) {
        lat = t->lat_mul;
    } else if (m33 && prev->lat2_op) {
        lat = M33_LAT_OP2;
    }
    if (lat <= 1)
        return 0;
    uint64_t produced = prev->wr & ~RB_FLAGS & ~RB_PC;
    if (prev->wb && prev->base >= 0)
        produced &= ~(UINT64_C(1) << prev->base); /* a written-back base comes from the AGU */
    return (produced & needed) ? lat - 1 : 0;
}

/* M7: the two loads provably hit different 32-bit banks. */
static int m7_bank_split(const insn_info *a, const insn_info *b)
{
    if (a->mem != MEM_LOAD1 || b->mem != MEM_LOAD1 || a->wb || a->has_index || b->has_index)
        return 0;
    if (a->base < 0 || a->base != b->base || a->sub_word || b->sub_word)
        return 0;
    return ((uint32_t)(a->disp - b->disp) & 7u) == 4u;
}

/* M7: bitfield/extract instructions that use the EX1 shifter and so never pair with an
 * inline-shifted-register or shifted-constant operand2 instruction [J7]. */
static int m7_shifter_bitfield(unsigned id)
{
    switch (id) {
    case ARM_INS_BFI: case ARM_INS_BFC: case ARM_INS_SBFX: case ARM_INS_UBFX:
    case ARM_INS_RBIT: case ARM_INS_REV: case ARM_INS_REV16: case ARM_INS_REVSH:
    case ARM_INS_PKHBT: case ARM_INS_PKHTB:
        return 1;
    default:
        return cyc_is_xta(id);
    }
}

/* M7: saturating and "Q" DSP operations with a result latency of 2 [LLVM7 M7WriteSIMD2,
 * M7WriteShSIMD2]. */
static int m7_dsp_lat2(unsigned id)
{
    switch (id) {
    case ARM_INS_QADD: case ARM_INS_QSUB: case ARM_INS_QADD8: case ARM_INS_QADD16:
    case ARM_INS_QSUB8: case ARM_INS_QSUB16: case ARM_INS_QASX: case ARM_INS_QSAX:
    case ARM_INS_QDADD: case ARM_INS_QDSUB: case ARM_INS_UQADD8: case ARM_INS_UQADD16:
    case ARM_INS_UQSUB8: case ARM_INS_UQSUB16: case ARM_INS_UQASX: case ARM_INS_UQSAX:
    case ARM_INS_SSAT: case ARM_INS_USAT: case ARM_INS_SSAT16: case ARM_INS_USAT16:
        return 1;
    default:
        return 0;
    }
}

/* M7: may b issue in the same cycle as a (a older), as far as the units allow? Register
 * dependencies are the scoreboard's business (cyc_m7_issue). */
static int m7_pairs(const insn_info *a, const insn_info *b)
{
    if (a->unit == U_SINGLE || b->unit == U_SINGLE || a->occ != 1 || b->occ != 1)
        return 0;
    if (b->unit == U_SIMD)
        return 0; /* bitfield/DSP only as the older op, never two of them */
    if (a->unit == b->unit && a->unit != U_ALU && !(a->unit == U_LOAD && m7_bank_split(a, b)))
        return 0;
    if ((a->unit == U_MAC && b->unit == U_STORE) || (a->unit == U_STORE && b->unit == U_MAC))
        return 0;
    if ((a->fp_mac && (b->cls == SIM_CLS_FPMEM || b->unit == U_FPMOV)) ||
        (b->fp_mac && (a->cls == SIM_CLS_FPMEM || a->unit == U_FPMOV)))
        return 0;
    if ((b->wr & a->wr & ~RB_FLAGS & ~RB_PC) &&
        !(a->id == ARM_INS_MOVW && b->id == ARM_INS_MOVT))
        return 0;
    /* operand2 matrix [J7]: a shifted constant or inline shifted register (younger) never
     * pairs with an older one of those or an older plain shift; nor after a bitfield op that
     * uses the EX1 shifter */
    int b_sh = b->op2 == OP2_SHCONST || b->op2 == OP2_SHREG;
    if (b_sh && (a->op2 == OP2_SHCONST || a->op2 == OP2_SHREG || a->op2 == OP2_SHIFT ||
                 m7_shifter_bitfield(a->id)))
        return 0;
    return 1;
}

static void m7_result(m7_state *st, int i, int32_t t, int late, int early, int mulop, int adv)
{
    st->late[i] = t + late;
    st->early[i] = t + early;
    st->mulop[i] = t + mulop;
    st->adv[i] = t + adv;
}

/* Record when cur's results (written at cycle t = its last issue cycle) become usable. */
static void m7_results(const sim_core_timing *tm, m7_state *st, const insn_info *cur,
                       int32_t t)
{
    int ldw = tm->lat_ld_word, ldb = tm->lat_ld_sub, mul = tm->lat_mul, ldm = tm->lat_ld_mul;
    uint64_t wr = cur->wr & ~RB_PC;
    while (wr) {
        int i = __builtin_ctzll(wr);
        wr &= wr - 1;
        if (i == 16) {                               /* flags: next cycle */
            m7_result(st, i, t, 1, 1, 1, 1);
        } else if (i == cur->base &&
                   (cur->wb || (i == 13 && (cur->mem == MEM_MULTI_LOAD ||
                                            cur->mem == MEM_MULTI_STORE || cur->fp_any)))) {
            m7_result(st, i, t, 1, 1, 1, 0);         /* AGU write-back [J7, LLVM7] */
        } else if (i >= 32 || cur->fp_any) {
            if (cur->fp_mac) {                       /* [J7] VFMA 5 / VMLA 6, 3 as accumulator */
                int l = (cur->id == ARM_INS_VFMA || cur->id == ARM_INS_VFMS ||
                         cur->id == ARM_INS_VFNMA || cur->id == ARM_INS_VFNMS) ? 5 : 6;
                m7_result(st, i, t, l, l + 1, l, 3);
            } else if (cur->cls == SIM_CLS_FPMEM) {   /* [J7] VLDR 1 (3 as a VFMA accumulator) */
                m7_result(st, i, t, 1, 2, 1, 3);
            } else if (i < 32) {                     /* [J7] VMOV to a core register: 1 */
                m7_result(st, i, t, 1, 2, 1, 0);
            } else {                                 /* [J7, LLVM7] FP ALU, VMOV to S: 3 */
                m7_result(st, i, t, 3, 4, 3, 3);
            }
        } else if (cur->mem == MEM_LOAD1 || cur->mem == MEM_MULTI_LOAD) {
            if (cur->sub_word)                       /* [J7] 2, 3 at EX1; [LLVM7] 2 */
                m7_result(st, i, t, ldb, ldb + 1, ldb > ldm ? ldb : ldm, ldb - 1);
            else                                     /* [J7] 1, 2 at EX1 and into a multiply */
                m7_result(st, i, t, ldw, ldw + 1, ldw > ldm ? ldw : ldm, ldw - 1);
        } else if (cur->mul) {                       /* [J7] 1 extra cycle; [LLVM7] 2 */
            m7_result(st, i, t, mul, mul + 1, mul, mul - 1);
        } else if (cur->unit == U_SIMD || cur->cls == SIM_CLS_DSP) {
            int l = m7_dsp_lat2(cur->id) ? 2 : 1;    /* [LLVM7]; [J7] not an address next cycle */
            m7_result(st, i, t, l, l + 1, l, l - 1);
        } else if (cur->early_alu) {                 /* [J7] early ALU forwards to EX1 */
            m7_result(st, i, t, 1, 1, 1, 0);
        } else {                                     /* late ALU: [LLVM7] EX1 reads 1 early */
            m7_result(st, i, t, 1, 2, 1, 0);
        }
    }
}

/* Issue cur after what st has seen; set cur->cost / nt_cost to the cycles it adds. */
void cyc_m7_issue(const sim_core_timing *tm, m7_state *st, insn_info *cur)
{
    const insn_info *prev = st->prev;
    int32_t need = 0;

    if (!cur->branch && cur->unit != U_BR) { /* predicted branches and IT do not wait */
        uint64_t rd = cur->rd & ~RB_PC;
        uint64_t adv = cur->adv_rd;
        if (cur->fp_mac)
            adv |= cur->wr; /* the accumulator */
        if (prev != NULL && prev->id == ARM_INS_MOVW && cur->id == ARM_INS_MOVT)
            rd &= ~prev->wr; /* [J7] MOVW + MOVT pair despite the dependency */
        while (rd) {
            int i = __builtin_ctzll(rd);
            uint64_t b = UINT64_C(1) << i;
            rd &= rd - 1;
            int32_t t = (cur->early_rd & b) ? st->early[i]
                        : (adv & b)         ? st->adv[i]
                        : cur->mul          ? st->mulop[i]
                                            : st->late[i];
            if (t > need)
                need = t;
        }
    }

    int32_t issue;
    int paired = 0;
    if (prev != NULL && st->prev_open && need <= st->prev_issue && m7_pairs(prev, cur)) {
        issue = st->prev_issue;
        paired = 1;
    } else {
        issue = need > st->free_at ? need : st->free_at;
    }

    int32_t e_t = issue + (int32_t)cur->occ, e_nt = issue + (int32_t)cur->occ_nt;
    cur->cost = e_t > st->end ? (uint32_t)(e_t - st->end) : 0;
    cur->nt_cost = e_nt > st->end ? (uint32_t)(e_nt - st->end) : 0;
    int32_t e = (cur->branch && cur->cond) ? e_nt : e_t;
    if (e > st->end)
        st->end = e;
    if (e > st->free_at)
        st->free_at = e;
    m7_results(tm, st, cur, issue + (int32_t)cur->occ - 1);
    if (cur->wr & RB_FLAGS)
        st->flags_at = issue + (int32_t)cur->occ - 1;
    st->last_issue = issue;
    st->prev = cur;
    st->prev_issue = issue;
    st->prev_open = !paired && cur->occ == 1 && cur->unit != U_SINGLE;
}

/*
 * Apply the neighbour rules to cur given prev (NULL at the block's start). Adjusts
 * cur->cost / cur->nt_cost. *paired says whether prev issued together with the one
 * before it (it cannot take another partner); it is updated for cur. *fp_shadow counts
 * the M33's FP-free cycles still owed after a VMLA/VFMA.
 */
void cyc_neighbours(const sim_core_timing *t, const insn_info *prev, insn_info *cur,
                    int *paired, uint32_t *fp_shadow)
{
    int m33 = t->issue == SIM_ISSUE_M33;
    int cur_paired = 0;

    if (prev != NULL && t->ldr_pipe && prev->mem == MEM_LOAD1 && !prev->branch &&
        (cur->mem == MEM_LOAD1 || cur->mem == MEM_STORE1) && !cur->branch) {
        if (pipelines(t, prev, cur))
            cur->cost = cur->nt_cost = 1;
        else if (cur->mem == MEM_STORE1)
            cur->cost = cur->nt_cost = t->str_reg; /* the table's 2 */
    }
    if (prev != NULL) {
        if (prev->mem == MEM_STORE1 && (cur->mem == MEM_LOAD1 || cur->mem == MEM_MULTI_LOAD)) {
            cur->cost += t->st_then_ld;
            cur->nt_cost += t->st_then_ld;
        }
        if (prev->mem == MEM_STORE1 && cur->mem == MEM_STORE1 && prev->wb && cur->wb &&
            prev->base == cur->base) {
            cur->cost += t->st_wb_chain;
            cur->nt_cost += t->st_wb_chain;
        }
    }

    uint32_t stall = prev != NULL ? result_stall(t, prev, cur, m33) : 0;

    if (cur->id == ARM_INS_IT && t->it_fold && prev != NULL && prev->is16 && !*paired) {
        cur->cost = cur->nt_cost = 0;
        cur_paired = 1;
    }

    if (m33 && prev != NULL && prev->is16 && cur->is16 && !*paired) {
        int prev_plain = prev->cls == SIM_CLS_ALU || prev->cls == SIM_CLS_LOAD ||
                         prev->cls == SIM_CLS_STORE || prev->cls == SIM_CLS_MUL;
        if (cur->id == ARM_INS_NOP && prev_plain && prev->id != ARM_INS_NOP &&
            prev->id != ARM_INS_IT) {
            cur->cost = cur->nt_cost = 0;
            cur_paired = 1;
        } else if (cur->id == ARM_INS_B && (cur->cond || !prev->sets_flags)) {
            if (cur->cond)
                cur->nt_cost = 0;
            if (!prev->sets_flags)
                cur->cost = 1;
            cur_paired = 1;
        }
    }

    if (m33 && cur->fp_any)
        stall += *fp_shadow;

    cur->cost += stall;
    cur->nt_cost += stall;
    *paired = cur_paired;

    if (m33) {
        /* Cycles cur takes consume the shadow; an FP MAC starts a new one. */
        uint32_t used = cur->cost;
        *fp_shadow = *fp_shadow > used ? *fp_shadow - used : 0;
        if (cur->fp_mac)
            *fp_shadow = M33_FP_MAC_SHADOW;
    }
}
