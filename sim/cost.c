/*
 * The static per-basic-block cost model: sim_cost_block decodes a block of Thumb code once
 * (sim/decode.c), prices each instruction from the per-core table (sim/cost_tables.c) and the
 * neighbour rules (sim/issue.c), and sums what the engine needs to charge the block.
 */
#include "sim/cost_int.h"

#include <string.h>

/* ------------------------------------------------------------------ blocks */

/* Which flags are worth a warning on core (see sim_block_cost.warn_flags): FP everywhere
 * (no FPU, or the engine's CPACR check), undecodable bytes everywhere, DSP where the core
 * lacks it, and on the M0+ also divides and everything else ARMv6-M lacks. */
static uint32_t warn_mask(sim_core core)
{
    uint32_t m = SIM_BLK_FP | SIM_BLK_UNDECODED;
    if (core == SIM_CORE_M0P || core == SIM_CORE_M3)
        m |= SIM_BLK_DSP;
    if (core == SIM_CORE_M0P)
        m |= SIM_BLK_DIV | SIM_BLK_NOT_V6M;
    return m;
}

static void add_mix(sim_block_cost *out, sim_insn_class k)
{
    if (out->mix[k] < UINT16_MAX)
        out->mix[k]++;
}

/* Accesses that fault on ARMv7-M/v8-M silicon when their address is not word-aligned
 * (ARMv7-M ARM A3.2.1): LDRD/STRD, LDM/STM, LDREX/STREX, and VLDR/VSTR/VLDM/VSTM. */
static int needs_word_alignment(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRD: case ARM_INS_STRD: case ARM_INS_LDREX: case ARM_INS_STREX:
    case ARM_INS_LDM: case ARM_INS_LDMDB: case ARM_INS_STM: case ARM_INS_STMDB:
    case ARM_INS_VLDR: case ARM_INS_VSTR: case ARM_INS_VLDMIA: case ARM_INS_VLDMDB:
    case ARM_INS_VSTMIA: case ARM_INS_VSTMDB:
        return 1;
    default:
        return 0;
    }
}

/* The block ends with conditional branch cur on a core that predicts branches: its
 * mispredict penalty ([J7]: less when the flags were set early enough) and its static
 * prediction (backward-taken, forward-not-taken: see "M7 branch prediction"). */
static void final_branch(const sim_coster *c, int decoded, const insn_info *cur,
                         const m7_state *m7, sim_block_cost *out)
{
    const sim_core_timing *t = c->t;
    out->mispredict = t->mispredict;
    if (t->mispredict_early && t->issue == SIM_ISSUE_M7 && (cur->rd & RB_FLAGS) &&
        m7->last_issue - m7->flags_at >= (int32_t)t->early_flags)
        out->mispredict = t->mispredict_early;
    out->predict_taken = decoded ? (uint32_t)cyc_predict_taken(c, cur) : 0;
}

void sim_cost_block(sim_coster *c, const uint8_t *code, uint32_t len, uint32_t addr,
                    sim_block_cost *out)
{
    insn_info ii[2];
    insn_info *prev = NULL, *cur;
    int paired = 0;
    m7_state m7;
    uint32_t fp_shadow = 0;
    uint32_t mask = warn_mask(c->core);
    uint32_t off = 0;
    uint64_t written = 0; /* registers written so far in the block */
    int32_t sp_off = 0;   /* SP relative to its value at block entry (cyc_sp_effect) */
    int k = 0;

    memset(out, 0, sizeof *out);
    memset(&m7, 0, sizeof m7);
    m7.flags_at = -1;
    if (code == NULL)
        len = 0;
    out->fallthrough = addr + len;
    if (len > 0)
        cyc_decode_start(c);

    while (off < len) {
        cur = &ii[k];
        int decoded = cyc_decode(c, code + off, len - off, (uint64_t)addr + off, cur);
        if ((cur->flags & mask) && out->warn_flags == 0) {
            out->warn_flags = cur->flags & mask;
            out->warn_addr = cur->addr;
            cyc_describe(c, decoded, code + off, cur->size, out->warn_insn, sizeof out->warn_insn);
        }

        if (decoded && c->core != SIM_CORE_M0P && needs_word_alignment(cur->id) &&
            cur->base >= 0 && cur->base != 13 && cur->base != 15 && !cur->has_index &&
            !(written & ((uint64_t)1 << cur->base)) && out->n_align < SIM_MAX_ALIGN_SITES) {
            out->align[out->n_align].addr = cur->addr;
            out->align[out->n_align].disp = cur->disp;
            out->align[out->n_align].base = (uint8_t)cur->base;
            out->n_align++;
        }
        written |= cur->wr;
        if (!(out->sp & SIM_SP_DYN)) {
            int32_t d = 0;
            int k2 = decoded ? cyc_sp_effect(c, cur, &d) : 0;
            if (k2)
                out->sp |= SIM_SP_WRITES;
            if (k2 == 2) {
                out->sp |= SIM_SP_DYN;
            } else if (k2 == 1) {
                sp_off += d;
                if (sp_off < out->sp_low)
                    out->sp_low = sp_off;
            }
        }

        cur->occ = cur->cost;
        cur->occ_nt = cur->nt_cost;
        if (c->t->issue == SIM_ISSUE_M7)
            cyc_m7_issue(c->t, &m7, cur);
        else
            cyc_neighbours(c->t, prev, cur, &paired, &fp_shadow);

        off += cur->size;
        int last = off >= len;
        out->insns++;
        add_mix(out, cur->cls);
        out->flags |= cur->flags;
        if (last) {
            out->cycles += cur->cost;
            out->not_taken_cycles += cur->branch && cur->cond ? cur->nt_cost : cur->cost;
            if (cur->branch && cur->cond && c->t->mispredict)
                final_branch(c, decoded, cur, &m7, out);
        } else {
            /* execution went on in the same block: a conditional branch fell through */
            uint32_t v = cur->branch && cur->cond ? cur->nt_cost : cur->cost;
            out->cycles += v;
            out->not_taken_cycles += v;
        }
        prev = cur;
        k ^= 1;
    }
}
