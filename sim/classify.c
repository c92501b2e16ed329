/*
 * Instruction classification for the cost model: what each instruction Capstone decoded is
 * (class, base cost, registers read and written, memory access, the M7's issue unit and
 * operand timing, SP effect), from its Capstone detail (ids, groups, operands; no cs_*
 * calls: decoding is decode.c's). The figures it applies are the tables of cost_tables.c.
 */
#include "sim/cost_int.h"

#include <string.h>

static uint64_t reg_bits(int r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return UINT64_C(1) << (r - ARM_REG_R0);
    if (r >= ARM_REG_S0 && r <= ARM_REG_S31)
        return UINT64_C(1) << (32 + r - ARM_REG_S0);
    if (r >= ARM_REG_D0 && r <= ARM_REG_D15)
        return UINT64_C(3) << (32 + 2 * (r - ARM_REG_D0));
    switch (r) {
    case ARM_REG_SP: return UINT64_C(1) << 13;
    case ARM_REG_LR: return UINT64_C(1) << 14;
    case ARM_REG_PC: return RB_PC;
    case ARM_REG_APSR: case ARM_REG_APSR_NZCV: case ARM_REG_CPSR: return RB_FLAGS;
    default: return 0;
    }
}

static int reg_num(int r) /* 0-15 for core registers, -1 otherwise */
{
    uint64_t b = reg_bits(r);
    for (int i = 0; i < 16; i++)
        if (b == UINT64_C(1) << i)
            return i;
    return -1;
}

static int in_group(const cs_detail *d, int g)
{
    for (int i = 0; i < d->groups_count; i++)
        if (d->groups[i] == g)
            return 1;
    return 0;
}

static int is_fp_insn(const cs_detail *d)
{
    return in_group(d, ARM_GRP_VFP2) || in_group(d, ARM_GRP_VFP3) || in_group(d, ARM_GRP_VFP4) ||
           in_group(d, ARM_GRP_FPARMV8) || in_group(d, ARM_GRP_DPVFP) || in_group(d, ARM_GRP_NEON);
}

/* DSP multiplies: their result has the multiplier's latency and they use the M7's MAC. */
static int is_dsp_mul(unsigned id)
{
    switch (id) {
    case ARM_INS_SMLABB: case ARM_INS_SMLABT: case ARM_INS_SMLATB: case ARM_INS_SMLATT:
    case ARM_INS_SMLAWB: case ARM_INS_SMLAWT: case ARM_INS_SMLAD: case ARM_INS_SMLADX:
    case ARM_INS_SMLSD: case ARM_INS_SMLSDX: case ARM_INS_SMLALBB: case ARM_INS_SMLALBT:
    case ARM_INS_SMLALTB: case ARM_INS_SMLALTT: case ARM_INS_SMLALD: case ARM_INS_SMLALDX:
    case ARM_INS_SMLSLD: case ARM_INS_SMLSLDX: case ARM_INS_SMMLA: case ARM_INS_SMMLAR:
    case ARM_INS_SMMLS: case ARM_INS_SMMLSR: case ARM_INS_SMMUL: case ARM_INS_SMMULR:
    case ARM_INS_SMUAD: case ARM_INS_SMUADX: case ARM_INS_SMULBB: case ARM_INS_SMULBT:
    case ARM_INS_SMULTB: case ARM_INS_SMULTT: case ARM_INS_SMULWB: case ARM_INS_SMULWT:
    case ARM_INS_SMUSD: case ARM_INS_SMUSDX: case ARM_INS_UMAAL: case ARM_INS_USADA8:
    case ARM_INS_USAD8:
        return 1;
    default:
        return 0;
    }
}

/* Multiply-accumulates with a 64-bit accumulator in RdLo/RdHi (operands 0 and 1). */
static int is_long_acc(unsigned id)
{
    switch (id) {
    case ARM_INS_SMLAL: case ARM_INS_UMLAL: case ARM_INS_UMAAL: case ARM_INS_SMLALBB:
    case ARM_INS_SMLALBT: case ARM_INS_SMLALTB: case ARM_INS_SMLALTT: case ARM_INS_SMLALD:
    case ARM_INS_SMLALDX: case ARM_INS_SMLSLD: case ARM_INS_SMLSLDX:
        return 1;
    default:
        return 0;
    }
}

/* Multiply-accumulates whose accumulator is the last (fourth) operand Ra. */
static int is_ra_acc(unsigned id)
{
    switch (id) {
    case ARM_INS_MLA: case ARM_INS_MLS: case ARM_INS_SMLABB: case ARM_INS_SMLABT:
    case ARM_INS_SMLATB: case ARM_INS_SMLATT: case ARM_INS_SMLAWB: case ARM_INS_SMLAWT:
    case ARM_INS_SMLAD: case ARM_INS_SMLADX: case ARM_INS_SMLSD: case ARM_INS_SMLSDX:
    case ARM_INS_SMMLA: case ARM_INS_SMMLAR: case ARM_INS_SMMLS: case ARM_INS_SMMLSR:
    case ARM_INS_USADA8:
        return 1;
    default:
        return 0;
    }
}

int cyc_is_xta(unsigned id) /* extend-and-add: the added register chains like an accumulator */
{
    switch (id) {
    case ARM_INS_SXTAB: case ARM_INS_SXTAH: case ARM_INS_SXTAB16:
    case ARM_INS_UXTAB: case ARM_INS_UXTAH: case ARM_INS_UXTAB16:
        return 1;
    default:
        return 0;
    }
}

/* Bitfield/extend/reverse instructions that use the M7's single "SIMD" slot [J7, LLVM7]. */
static int is_m7_bitfield(unsigned id)
{
    switch (id) {
    case ARM_INS_SXTB: case ARM_INS_SXTH: case ARM_INS_UXTB: case ARM_INS_UXTH:
    case ARM_INS_SBFX: case ARM_INS_UBFX: case ARM_INS_BFI: case ARM_INS_BFC:
    case ARM_INS_CLZ: case ARM_INS_REV: case ARM_INS_REV16: case ARM_INS_REVSH:
    case ARM_INS_RBIT: case ARM_INS_SSAT: case ARM_INS_USAT:
        return 1;
    default:
        return 0;
    }
}

static int is_alu(unsigned id)
{
    switch (id) {
    case ARM_INS_ADC: case ARM_INS_ADD: case ARM_INS_ADDW: case ARM_INS_ADR: case ARM_INS_AND:
    case ARM_INS_ASR: case ARM_INS_BIC: case ARM_INS_BFC: case ARM_INS_BFI: case ARM_INS_CLZ:
    case ARM_INS_CMN: case ARM_INS_CMP: case ARM_INS_EOR: case ARM_INS_LSL: case ARM_INS_LSR:
    case ARM_INS_MOV: case ARM_INS_MOVT: case ARM_INS_MOVW: case ARM_INS_MVN: case ARM_INS_ORN:
    case ARM_INS_ORR: case ARM_INS_RBIT: case ARM_INS_REV: case ARM_INS_REV16:
    case ARM_INS_REVSH: case ARM_INS_ROR: case ARM_INS_RRX: case ARM_INS_RSB: case ARM_INS_SBC:
    case ARM_INS_SBFX: case ARM_INS_SSAT: case ARM_INS_SUB: case ARM_INS_SUBW: case ARM_INS_TEQ:
    case ARM_INS_TST: case ARM_INS_UBFX: case ARM_INS_USAT: case ARM_INS_SXTB: case ARM_INS_SXTH:
    case ARM_INS_UXTB: case ARM_INS_UXTH: case ARM_INS_NOP: case ARM_INS_IT: case ARM_INS_PLD:
    case ARM_INS_PLDW: case ARM_INS_PLI:
        return 1;
    default:
        return 0;
    }
}

/* Instructions that write no register operand (all their register operands are read). */
static int no_dest(unsigned id)
{
    switch (id) {
    case ARM_INS_STR: case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_STRT:
    case ARM_INS_STRBT: case ARM_INS_STRHT: case ARM_INS_STRD: case ARM_INS_STL:
    case ARM_INS_STLB: case ARM_INS_STLH: case ARM_INS_CMP: case ARM_INS_CMN: case ARM_INS_TST:
    case ARM_INS_TEQ: case ARM_INS_VCMP: case ARM_INS_VCMPE: case ARM_INS_MSR:
    case ARM_INS_VMSR: case ARM_INS_VSTR: case ARM_INS_B: case ARM_INS_BL: case ARM_INS_BX:
    case ARM_INS_BLX: case ARM_INS_CBZ: case ARM_INS_CBNZ: case ARM_INS_TBB: case ARM_INS_TBH:
    case ARM_INS_PLD: case ARM_INS_PLDW: case ARM_INS_PLI:
        return 1;
    default:
        return 0;
    }
}

/* Heavy system instructions (MRS/MSR/barriers): cls[SYS]. Others in the class: sys_light. */
static int is_sys_heavy(unsigned id)
{
    return id == ARM_INS_MRS || id == ARM_INS_MSR || id == ARM_INS_DMB || id == ARM_INS_DSB ||
           id == ARM_INS_ISB;
}

static int is_sys_light(unsigned id)
{
    switch (id) {
    case ARM_INS_CPS: case ARM_INS_SVC: case ARM_INS_BKPT: case ARM_INS_WFI: case ARM_INS_WFE:
    case ARM_INS_SEV: case ARM_INS_SEVL: case ARM_INS_YIELD: case ARM_INS_CLREX:
    case ARM_INS_UDF: case ARM_INS_HINT: case ARM_INS_DBG:
        return 1;
    default:
        return 0;
    }
}

static int is_load1(unsigned id)
{
    switch (id) {
    case ARM_INS_LDR: case ARM_INS_LDRB: case ARM_INS_LDRH: case ARM_INS_LDRSB:
    case ARM_INS_LDRSH: case ARM_INS_LDRT: case ARM_INS_LDRBT: case ARM_INS_LDRHT:
    case ARM_INS_LDRSBT: case ARM_INS_LDRSHT: case ARM_INS_LDREX: case ARM_INS_LDREXB:
    case ARM_INS_LDREXH: case ARM_INS_LDA: case ARM_INS_LDAB: case ARM_INS_LDAH:
    case ARM_INS_LDAEX: case ARM_INS_LDAEXB: case ARM_INS_LDAEXH:
        return 1;
    default:
        return 0;
    }
}

static int is_sub_word_load(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRB: case ARM_INS_LDRH: case ARM_INS_LDRSB: case ARM_INS_LDRSH:
    case ARM_INS_LDRBT: case ARM_INS_LDRHT: case ARM_INS_LDRSBT: case ARM_INS_LDRSHT:
    case ARM_INS_LDREXB: case ARM_INS_LDREXH: case ARM_INS_LDAB: case ARM_INS_LDAH:
    case ARM_INS_LDAEXB: case ARM_INS_LDAEXH:
        return 1;
    default:
        return 0;
    }
}

static int is_store1(unsigned id)
{
    switch (id) {
    case ARM_INS_STR: case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_STRT:
    case ARM_INS_STRBT: case ARM_INS_STRHT: case ARM_INS_STREX: case ARM_INS_STREXB:
    case ARM_INS_STREXH: case ARM_INS_STL: case ARM_INS_STLB: case ARM_INS_STLH:
    case ARM_INS_STLEX: case ARM_INS_STLEXB: case ARM_INS_STLEXH:
        return 1;
    default:
        return 0;
    }
}

/* Multiple transfers: 0 none, 1 load (list starts at operand `first`), 2 store. */
static int multi_kind(unsigned id, int *first)
{
    switch (id) {
    case ARM_INS_POP: case ARM_INS_VPOP:
        *first = 0;
        return 1;
    case ARM_INS_PUSH: case ARM_INS_VPUSH:
        *first = 0;
        return 2;
    case ARM_INS_LDM: case ARM_INS_LDMDB: case ARM_INS_LDMDA: case ARM_INS_LDMIB:
    case ARM_INS_VLDMIA: case ARM_INS_VLDMDB:
        *first = 1;
        return 1;
    case ARM_INS_STM: case ARM_INS_STMDB: case ARM_INS_STMDA: case ARM_INS_STMIB:
    case ARM_INS_VSTMIA: case ARM_INS_VSTMDB:
        *first = 1;
        return 2;
    default:
        return 0;
    }
}

static int is_shift_insn(unsigned id)
{
    return id == ARM_INS_LSL || id == ARM_INS_LSR || id == ARM_INS_ASR || id == ARM_INS_ROR ||
           id == ARM_INS_RRX;
}

/* M7: register operand i (a source) is consumed in the early ALU [J7]: every source of
 * SBFX/UBFX/RBIT/REV*, the inserted register of BFI, the shifted register of PKHBT/PKHTB
 * (and PKHTB's Rn), the extended register of {S,U}XTA*. */
static int m7_early_source(unsigned id, int i)
{
    switch (id) {
    case ARM_INS_SBFX: case ARM_INS_UBFX: case ARM_INS_RBIT: case ARM_INS_REV:
    case ARM_INS_REV16: case ARM_INS_REVSH:
        return 1;
    case ARM_INS_BFI:
        return i == 1;
    case ARM_INS_PKHBT:
        return i == 2;
    case ARM_INS_PKHTB:
        return i == 1 || i == 2;
    default:
        return cyc_is_xta(id) && i == 2;
    }
}

/* Register operand i of a multiply-accumulate is its accumulator. */
static int is_acc_operand(unsigned id, int i, int nops)
{
    if (is_long_acc(id))
        return i <= 1;
    if (is_ra_acc(id))
        return i == 3 && nops == 4;
    if (cyc_is_xta(id))
        return i == 1;
    return 0;
}

/* Fill the register and memory fields of *ii from Capstone's operands. Capstone 4.0.2's
 * per-operand access flags are unreliable (SXTAB16's Rm and SMLAL's RdLo/RdHi come out
 * wrong), so reads and writes follow the ARM operand conventions instead: the first
 * operand(s) are written, the rest read. A destination is also read when the instruction
 * accumulates into it, or when Capstone marks it read (the Rdn of 16-bit two-operand
 * forms such as "adds r0, #1", which it gets right). */
static void operands(const cs_insn *in, insn_info *ii)
{
    const cs_arm *a = &in->detail->arm;
    unsigned id = in->id;
    int first = 0;
    int mk = multi_kind(id, &first);
    int ndst;

    ii->base = -1;
    ii->wb = a->writeback;
    if (mk != 0) {
        if (first == 1 && a->op_count > 0 && a->operands[0].type == ARM_OP_REG) {
            uint64_t b = reg_bits(a->operands[0].reg);
            ii->rd |= b;
            ii->addr_regs |= b;
            ii->base = reg_num(a->operands[0].reg);
            if (a->writeback)
                ii->wr |= b;
        } else {
            ii->rd |= reg_bits(ARM_REG_SP);
            ii->wr |= reg_bits(ARM_REG_SP);
            ii->addr_regs |= reg_bits(ARM_REG_SP);
            ii->base = 13;
        }
        ii->early_rd |= ii->addr_regs;
        for (int i = first; i < a->op_count; i++)
            if (a->operands[i].type == ARM_OP_REG) {
                if (mk == 1) {
                    ii->wr |= reg_bits(a->operands[i].reg);
                } else {
                    ii->rd |= reg_bits(a->operands[i].reg);
                    ii->adv_rd |= reg_bits(a->operands[i].reg); /* store data */
                }
            }
        return;
    }

    if (no_dest(id))
        ndst = 0;
    else if (id == ARM_INS_SMULL || id == ARM_INS_UMULL || is_long_acc(id) ||
             id == ARM_INS_LDRD || id == ARM_INS_LDREXD || id == ARM_INS_LDAEXD)
        ndst = 2;
    else if (id == ARM_INS_VMOV && a->op_count >= 3 && reg_num(a->operands[0].reg) >= 0 &&
             a->operands[1].type == ARM_OP_REG && reg_num(a->operands[1].reg) >= 0)
        ndst = 2; /* vmov r0, r1, d0 */
    else
        ndst = 1;
    int rmw = id == ARM_INS_MOVT || id == ARM_INS_BFI || id == ARM_INS_BFC || is_long_acc(id) ||
              id == ARM_INS_VMLA || id == ARM_INS_VMLS || id == ARM_INS_VNMLA ||
              id == ARM_INS_VNMLS || id == ARM_INS_VFMA || id == ARM_INS_VFMS ||
              id == ARM_INS_VFNMA || id == ARM_INS_VFNMS;

    for (int i = 0; i < a->op_count; i++) {
        const cs_arm_op *o = &a->operands[i];
        if (o->type == ARM_OP_REG) {
            uint64_t b = reg_bits(o->reg);
            if (i < ndst) {
                ii->wr |= b;
                if (rmw || (o->access & CS_AC_READ)) /* e.g. the Rdn of "adds r0, #1" */
                    ii->rd |= b;
            } else {
                ii->rd |= b;
            }
            if (is_acc_operand(id, i, a->op_count))
                ii->acc |= b;
            if (i > 0 && o->shift.type != ARM_SFT_INVALID && o->shift.value != 0 &&
                ii->cls == SIM_CLS_ALU)
                ii->lat2_op = 1; /* shifted-register operand2 */
            if (i >= ndst && o->shift.type != ARM_SFT_INVALID && o->shift.value != 0 &&
                !is_shift_insn(id))
                ii->early_rd |= b; /* M7: an inline-shifted operand is read at EX1 [J7] */
            if (i >= ndst && m7_early_source(id, i))
                ii->early_rd |= b;
        } else if (o->type == ARM_OP_MEM) {
            uint64_t b = reg_bits(o->mem.base);
            ii->rd |= b;
            ii->addr_regs |= b;
            ii->base = reg_num(o->mem.base);
            if (o->mem.index != ARM_REG_INVALID) {
                ii->rd |= reg_bits(o->mem.index);
                ii->addr_regs |= reg_bits(o->mem.index);
                ii->has_index = 1;
            }
            ii->disp = o->mem.disp;
            if (a->writeback)
                ii->wr |= b;
        }
    }
    if (cyc_is_xta(id))
        ii->lat2_op = 1;
    ii->early_rd |= ii->addr_regs; /* M7: addresses are formed at EX1 [LLVM7, J7] */
    if (ii->mem == MEM_STORE1 || ii->mem == MEM_MULTI_STORE)
        ii->adv_rd |= ii->rd & ~ii->addr_regs; /* store data is read late [LLVM7, J7] */
    if (is_long_acc(id) || is_ra_acc(id))
        ii->adv_rd |= ii->acc; /* accumulators are read a stage late [J7] */
    if (a->update_flags)
        ii->wr |= RB_FLAGS;
    if ((a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID) || id == ARM_INS_ADC ||
        id == ARM_INS_SBC || id == ARM_INS_RRX)
        ii->rd |= RB_FLAGS;
}

/* FP registers in a register list, counted in 32-bit words. */
static uint32_t fp_words(const cs_arm *a, int first)
{
    uint32_t n = 0;
    for (int i = first; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG) {
            int r = a->operands[i].reg;
            n += (r >= ARM_REG_D0 && r <= ARM_REG_D31) ? 2 : 1;
        }
    return n;
}

static uint32_t list_regs(const cs_arm *a, int first)
{
    uint32_t n = 0;
    for (int i = first; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG)
            n++;
    return n;
}

/*
 * What an instruction does to SP, for the stack depth the engine tracks without touching
 * guest memory: 0 when it does not write SP, 1 with *delta the change in bytes (negative:
 * the stack grows), 2 when it writes SP with a value the code does not give (MOV sp, rN, ADD
 * sp, rN, LDR sp, MSR msp, SP in an LDM's register list, a conditional SP write).
 */
int cyc_sp_effect(const sim_coster *c, const insn_info *ii, int32_t *delta)
{
    const cs_insn *in = c->insn;
    const cs_arm *a = &in->detail->arm;
    unsigned id = in->id;
    int first = 0, mk = multi_kind(id, &first);
    *delta = 0;
    if (id == ARM_INS_MSR)
        return 2; /* MSR msp/psp (other special registers leave SP alone: harmless) */
    if (!(ii->wr & reg_bits(ARM_REG_SP)))
        return 0;
    if (ii->cond)
        return 2;
    if (mk != 0) {
        int fp = id == ARM_INS_VPUSH || id == ARM_INS_VPOP || id == ARM_INS_VLDMIA ||
                 id == ARM_INS_VLDMDB || id == ARM_INS_VSTMIA || id == ARM_INS_VSTMDB;
        if (first == 1 && !(a->op_count > 0 && a->operands[0].type == ARM_OP_REG &&
                            a->operands[0].reg == ARM_REG_SP))
            return 2; /* SP in the register list of an LDM on another base */
        for (int i = first; i < a->op_count; i++)
            if (mk == 1 && a->operands[i].type == ARM_OP_REG && a->operands[i].reg == ARM_REG_SP)
                return 2;
        int32_t n = (int32_t)(fp ? fp_words(a, first) : list_regs(a, first)) * 4;
        int down = id == ARM_INS_PUSH || id == ARM_INS_VPUSH || id == ARM_INS_STMDB ||
                   id == ARM_INS_LDMDB || id == ARM_INS_STMDA || id == ARM_INS_LDMDA ||
                   id == ARM_INS_VSTMDB || id == ARM_INS_VLDMDB;
        *delta = down ? -n : n;
        return 1;
    }
    if ((id == ARM_INS_SUB || id == ARM_INS_ADD || id == ARM_INS_SUBW || id == ARM_INS_ADDW) &&
        a->op_count >= 2 && a->operands[0].type == ARM_OP_REG &&
        a->operands[0].reg == ARM_REG_SP) {
        const cs_arm_op *o = &a->operands[a->op_count - 1];
        if (o->type != ARM_OP_IMM || (a->op_count == 3 && !(a->operands[1].type == ARM_OP_REG &&
                                                             a->operands[1].reg == ARM_REG_SP)))
            return 2;
        *delta = id == ARM_INS_SUB || id == ARM_INS_SUBW ? -(int32_t)o->imm : (int32_t)o->imm;
        return 1;
    }
    /* a load or store writing back SP as its base: [sp, #d]! or [sp], #d */
    for (int i = 0; i < a->op_count; i++) {
        const cs_arm_op *o = &a->operands[i];
        if (o->type != ARM_OP_MEM || o->mem.base != ARM_REG_SP || !a->writeback)
            continue;
        if (a->operands[0].type == ARM_OP_REG && a->operands[0].reg == ARM_REG_SP)
            return 2; /* loads SP itself */
        if (i + 1 < a->op_count && a->operands[i + 1].type == ARM_OP_IMM) /* post-indexed */
            *delta = a->operands[i + 1].subtracted ? -(int32_t)a->operands[i + 1].imm
                                                   : (int32_t)a->operands[i + 1].imm;
        else if (i + 1 < a->op_count)
            return 2; /* register post-index */
        else
            *delta = o->mem.disp;
        return 1;
    }
    return 2;
}

static int has_core_reg_operand(const cs_arm *a)
{
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG && reg_num(a->operands[i].reg) >= 0)
            return 1;
    return 0;
}

static int is_double(const cs_arm *a)
{
    if (a->vector_data == ARM_VECTORDATA_F64)
        return 1;
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG && a->operands[i].reg >= ARM_REG_D0 &&
            a->operands[i].reg <= ARM_REG_D31)
            return 1;
    return 0;
}

/* ARMv6-M has, of the 32-bit encodings, only BL, MRS, MSR, DMB, DSB and ISB, and none of
 * CBZ, CBNZ and IT. */
static int not_v6m(const cs_insn *in)
{
    switch (in->id) {
    case ARM_INS_CBZ: case ARM_INS_CBNZ: case ARM_INS_IT:
        return 1;
    case ARM_INS_BL: case ARM_INS_MRS: case ARM_INS_MSR: case ARM_INS_DMB: case ARM_INS_DSB:
    case ARM_INS_ISB:
        return 0;
    default:
        return in->size == 4;
    }
}

/* M7: kind of a 32-bit data-processing immediate [J7]: plain 8-bit, a replicated pattern
 * (0x00XY00XY, 0xXY00XY00, 0xXYXYXYXY) or a shifted 8-bit constant. */
static int m7_imm_kind(uint32_t v)
{
    uint32_t lo = v & 0xff, hi = (v >> 8) & 0xff;
    if (v <= 0xff)
        return OP2_SIMPLE;
    if (v == (lo | lo << 16) || v == (hi << 8 | hi << 24) || v == lo * 0x01010101u)
        return OP2_PATTERN;
    return OP2_SHCONST;
}

/* M7: the operand2 kind (for the dual-issue matrix) and whether the result comes out of the
 * early ALU: [J7] "add, sub, reg-reg or simple and constructed constants (not shifted ones)"
 * and "mov ... + simple shifts and rotations (aliased to mov) except rrx" reach an EX1
 * consumer in the next cycle. */
static void m7_operand2(const cs_arm *a, insn_info *ii)
{
    unsigned id = ii->id;
    ii->op2 = OP2_NONE;
    if (ii->cls != SIM_CLS_ALU || id == ARM_INS_IT || id == ARM_INS_NOP ||
        ii->unit == U_SIMD || ii->unit == U_LOAD)
        return;
    if (is_shift_insn(id)) {
        ii->op2 = OP2_SHIFT;
    } else {
        ii->op2 = OP2_SIMPLE;
        for (int i = 0; i < a->op_count; i++) {
            const cs_arm_op *o = &a->operands[i];
            if (o->type == ARM_OP_REG && i > 0 && o->shift.type != ARM_SFT_INVALID &&
                o->shift.value != 0)
                ii->op2 = OP2_SHREG;
            else if (o->type == ARM_OP_IMM && !ii->is16 && id != ARM_INS_ADDW &&
                     id != ARM_INS_SUBW && id != ARM_INS_MOVW && id != ARM_INS_MOVT &&
                     ii->op2 == OP2_SIMPLE)
                ii->op2 = m7_imm_kind((uint32_t)o->imm);
        }
    }
    switch (id) {
    case ARM_INS_ADD: case ARM_INS_ADDW: case ARM_INS_SUB: case ARM_INS_SUBW:
    case ARM_INS_MOV: case ARM_INS_MOVW: case ARM_INS_MOVT: case ARM_INS_ADR:
        ii->early_alu = ii->op2 == OP2_SIMPLE || ii->op2 == OP2_PATTERN;
        break;
    case ARM_INS_LSL: case ARM_INS_LSR: case ARM_INS_ASR: case ARM_INS_ROR:
        ii->early_alu = 1;
        break;
    default:
        break;
    }
}

/*
 * Class, base cost (before the neighbour rules) and attributes of one decoded instruction.
 */
void cyc_classify(const sim_coster *c, const cs_insn *in, insn_info *ii)
{
    const sim_core_timing *t = c->t;
    const cs_detail *d = in->detail;
    const cs_arm *a = &d->arm;
    unsigned id = in->id;
    int first = 0;
    int mk;

    memset(ii, 0, sizeof *ii);
    ii->addr = (uint32_t)in->address;
    ii->size = in->size;
    ii->id = id;
    ii->is16 = in->size == 2;
    ii->sets_flags = a->update_flags;
    ii->cond = a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID;
    ii->unit = U_ALU;
    if (not_v6m(in))
        ii->flags |= SIM_BLK_NOT_V6M;

    mk = multi_kind(id, &first);
    if (is_fp_insn(d)) {
        ii->flags |= SIM_BLK_FP;
        ii->fp_any = 1;
        if (id == ARM_INS_VDIV || id == ARM_INS_VSQRT) {
            ii->cls = SIM_CLS_FPDIV;
            ii->cost = is_double(a) ? t->fpdiv_d : t->cls[SIM_CLS_FPDIV];
            ii->unit = U_SINGLE;
        } else if (id == ARM_INS_VLDR || id == ARM_INS_VSTR) {
            uint32_t w = fp_words(a, 0);
            ii->cls = SIM_CLS_FPMEM;
            ii->cost = w <= 1 ? t->cls[SIM_CLS_FPMEM] : cyc_ldm_cycles(t, w);
            ii->unit = w <= 1 ? (id == ARM_INS_VLDR ? U_LOAD : U_STORE) : U_SINGLE;
        } else if (mk != 0) {
            ii->cls = SIM_CLS_FPMEM;
            ii->cost = cyc_ldm_cycles(t, fp_words(a, first));
            ii->unit = U_SINGLE;
        } else {
            ii->cls = SIM_CLS_FP;
            ii->cost = t->cls[SIM_CLS_FP];
            ii->unit = U_FP;
            switch (id) {
            case ARM_INS_VMLA: case ARM_INS_VMLS: case ARM_INS_VNMLA: case ARM_INS_VNMLS:
            case ARM_INS_VFMA: case ARM_INS_VFMS: case ARM_INS_VFNMA: case ARM_INS_VFNMS:
                ii->cost = t->fp_mac;
                ii->fp_mac = 1;
                break;
            case ARM_INS_VMOV:
                if (has_core_reg_operand(a)) {
                    ii->cost = t->fp_vmov_core;
                    ii->unit = a->op_count >= 3 ? U_SINGLE : U_FPMOV;
                } else {
                    ii->unit = U_FPMOV;
                }
                break;
            default:
                break;
            }
        }
    } else if (in_group(d, ARM_GRP_THUMB2DSP) || in_group(d, ARM_GRP_T2EXTRACTPACK)) {
        ii->flags |= SIM_BLK_DSP;
        ii->cls = SIM_CLS_DSP;
        ii->cost = t->cls[SIM_CLS_DSP];
        ii->mul = is_dsp_mul(id);
        ii->unit = ii->mul ? U_MAC : U_SIMD;
    } else if (mk != 0) {
        uint32_t n = list_regs(a, first);
        ii->cls = SIM_CLS_LDM;
        ii->cost = cyc_ldm_cycles(t, n);
        ii->mem = mk == 1 ? MEM_MULTI_LOAD : MEM_MULTI_STORE;
        ii->unit = U_SINGLE;
    } else if (id == ARM_INS_LDRD || id == ARM_INS_STRD || id == ARM_INS_LDREXD ||
               id == ARM_INS_STREXD || id == ARM_INS_LDAEXD || id == ARM_INS_STLEXD) {
        int load = id == ARM_INS_LDRD || id == ARM_INS_LDREXD || id == ARM_INS_LDAEXD;
        ii->cls = SIM_CLS_LDM;
        ii->cost = cyc_ldm_cycles(t, 2);
        ii->mem = load ? MEM_MULTI_LOAD : MEM_MULTI_STORE;
        ii->unit = U_SINGLE;
    } else if (is_load1(id)) {
        ii->cls = SIM_CLS_LOAD;
        ii->cost = t->cls[SIM_CLS_LOAD];
        ii->mem = MEM_LOAD1;
        ii->sub_word = is_sub_word_load(id);
        ii->unit = U_LOAD;
    } else if (is_store1(id)) {
        ii->cls = SIM_CLS_STORE;
        ii->cost = t->cls[SIM_CLS_STORE];
        ii->mem = MEM_STORE1;
        ii->unit = (id == ARM_INS_STREX || id == ARM_INS_STREXB || id == ARM_INS_STREXH ||
                    id == ARM_INS_STLEX || id == ARM_INS_STLEXB || id == ARM_INS_STLEXH)
                       ? U_SINGLE /* [LLVM7] exclusive stores are single issue */
                       : U_STORE;
    } else if (id == ARM_INS_MUL || id == ARM_INS_MLA || id == ARM_INS_MLS) {
        ii->cls = SIM_CLS_MUL;
        ii->cost = id == ARM_INS_MUL ? (ii->is16 ? t->muls_n : t->cls[SIM_CLS_MUL]) : t->mla;
        ii->mul = 1;
        ii->unit = U_MAC;
    } else if (id == ARM_INS_SMULL || id == ARM_INS_UMULL || id == ARM_INS_SMLAL ||
               id == ARM_INS_UMLAL) {
        ii->cls = SIM_CLS_MULL;
        ii->cost = (id == ARM_INS_SMLAL || id == ARM_INS_UMLAL) ? t->mlal : t->cls[SIM_CLS_MULL];
        ii->mul = 1;
        ii->unit = U_MAC;
    } else if (id == ARM_INS_SDIV || id == ARM_INS_UDIV) {
        ii->cls = SIM_CLS_DIV;
        ii->cost = t->cls[SIM_CLS_DIV];
        ii->flags |= SIM_BLK_DIV;
        ii->unit = U_SINGLE;
    } else if (id == ARM_INS_B || id == ARM_INS_BL || id == ARM_INS_BX || id == ARM_INS_BLX ||
               id == ARM_INS_BXJ || id == ARM_INS_CBZ || id == ARM_INS_CBNZ ||
               id == ARM_INS_TBB || id == ARM_INS_TBH) {
        ii->cls = SIM_CLS_BRANCH;
        ii->branch = 1;
        ii->unit = U_BR;
        switch (id) {
        case ARM_INS_B: ii->cost = t->cls[SIM_CLS_BRANCH]; break;
        case ARM_INS_BL: ii->cost = t->bl; break;
        case ARM_INS_CBZ: case ARM_INS_CBNZ:
            ii->cost = t->cbz_taken;
            ii->cond = 1;
            break;
        case ARM_INS_TBB: case ARM_INS_TBH:
            ii->cost = t->tbb;
            ii->unit = U_SINGLE;
            break;
        default: ii->cost = t->bx; break;
        }
    } else if (is_sys_heavy(id)) {
        ii->cls = SIM_CLS_SYS;
        ii->cost = t->cls[SIM_CLS_SYS];
        ii->unit = U_SINGLE;
    } else if (is_sys_light(id)) {
        ii->cls = SIM_CLS_SYS;
        ii->cost = t->sys_light;
        ii->unit = U_SINGLE;
    } else if (is_alu(id)) {
        ii->cls = SIM_CLS_ALU;
        ii->cost = id == ARM_INS_IT ? t->it : t->cls[SIM_CLS_ALU];
        if (id == ARM_INS_IT) {
            ii->unit = U_BR;
            ii->cond = 0; /* IT itself executes unconditionally */
        } else if (is_m7_bitfield(id)) {
            ii->unit = U_SIMD;
        } else if (id == ARM_INS_PLD || id == ARM_INS_PLDW || id == ARM_INS_PLI) {
            ii->unit = U_LOAD;
        }
    } else {
        ii->cls = SIM_CLS_OTHER;
        ii->cost = t->cls[SIM_CLS_OTHER];
        ii->unit = U_SINGLE;
    }

    operands(in, ii);
    if (ii->mem == MEM_STORE1 && ii->has_index)
        ii->cost = t->str_reg;
    m7_operand2(a, ii);

    /* Instructions that write pc are branches: LDR pc, LDM/POP with pc, MOV/ADD pc. */
    if (!ii->branch && (ii->wr & RB_PC)) {
        ii->branch = 1;
        if (ii->cls == SIM_CLS_LOAD) {
            ii->cost = t->ldr_pc;
            ii->unit = U_SINGLE;
        } else if (ii->cls == SIM_CLS_LDM) {
            ii->cost += t->ldm_pc;
        } else {
            ii->cls = SIM_CLS_BRANCH;
            ii->cost = t->bx;
            ii->unit = U_BR;
        }
    }
    ii->nt_cost = (ii->branch && ii->cond) ? t->b_not_taken : ii->cost;
}

/* An undecodable run of bytes: class OTHER, 1 cycle. */
void cyc_classify_undecoded(const sim_coster *c, uint32_t addr, uint32_t size,
                               insn_info *ii)
{
    memset(ii, 0, sizeof *ii);
    ii->addr = addr;
    ii->size = size;
    ii->cls = SIM_CLS_OTHER;
    ii->cost = ii->nt_cost = c->t->cls[SIM_CLS_OTHER];
    ii->flags = SIM_BLK_UNDECODED;
    ii->is16 = size == 2;
    ii->base = -1;
    ii->unit = U_SINGLE;
}
