/*
 * Exceptions Unicorn does not deliver on M-profile: entry (the 8-word frame, EXC_RETURN, the
 * vector from VTOR), return, pending and masking, and the interrupt hook that receives BKPT
 * (semihosting), SVC, exception returns and the CPU's own exceptions.
 */
#include <string.h>

#include "sim/sim_int.h"

static const int frame_regs[8] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3,
                                  UC_ARM_REG_R12, UC_ARM_REG_LR, UC_ARM_REG_PC, UC_ARM_REG_XPSR};

/* Unicorn needs APSR rewritten after IPSR changes, or exception returns are reported
 * differently per core (../shared/notes/unicorn-cortex-m.md). */
void sim_set_ipsr(sim *s, uint32_t ipsr)
{
    sim_set_reg(s, UC_ARM_REG_IPSR, ipsr);
    sim_set_reg(s, UC_ARM_REG_APSR_NZCV, sim_reg(s, UC_ARM_REG_APSR_NZCV));
}

int sim_fpu_enabled(const sim *s)
{
    return sim_core_has_fpu(s->board->core) && ((s->cpacr >> 20) & 0xF) == 0xF;
}

/*
 * Enter exception exc as the hardware would: push the 8-word basic frame on the main stack
 * (8-byte aligned, xPSR bit 9 recording the padding), LR = EXC_RETURN, IPSR = exc, PC = the
 * vector. return_pc is the address execution resumes at. FP registers s0-s15 and FPSCR are
 * kept host-side instead of in an extended frame (documented approximation: the handler sees
 * the same stack use as without an FPU). The process stack (PSP) is not modelled.
 */
int sim_exc_take(sim *s, uint32_t exc, uint32_t return_pc)
{
    uint32_t frame[8], vec;
    uint32_t sp = sim_reg(s, UC_ARM_REG_SP);
    uint32_t ipsr = sim_reg(s, UC_ARM_REG_IPSR) & 0x1FF;
    for (int i = 0; i < 8; i++)
        frame[i] = sim_reg(s, frame_regs[i]);
    frame[6] = return_pc & ~1u;
    frame[7] |= 1u << 24; /* Thumb */
    if (sp & 4) {
        sp -= 4;
        frame[7] |= 1u << 9;
    } else {
        frame[7] &= ~(1u << 9);
    }
    if (s->nest >= SIM_MAX_NEST) {
        sim_fault(s, SIM_FAULT_EXCEPTION, 0,
                  "exception %u nested more than %d deep (exception handlers keep re-entering)",
                  exc, SIM_MAX_NEST);
        return -1;
    }
    if (sim_read_target(s, s->vtor + exc * 4, &vec, 4) < 0) {
        sim_fault(s, SIM_FAULT_READ, s->vtor + exc * 4,
                  "exception %u: its vector at 0x%08x cannot be read: VTOR (0x%08x) points "
                  "outside the board's memory",
                  exc, s->vtor + exc * 4, s->vtor);
        return -1;
    }
    /* The frame goes below SP into RAM: memory the firmware may write. Flash is read-only to
     * it (a push there is a fault on silicon, and uc_mem_write would change flash). */
    uint32_t off;
    const sim_mem *lo = sp >= 32 ? sim_mem_at(s, sp - 32, &off) : NULL;
    const sim_mem *hi = sp >= 32 ? sim_mem_at(s, sp - 1, &off) : NULL;
    if (!lo || !hi || lo->flash || hi->flash) {
        sim_fault(s, lo && lo->flash ? SIM_FAULT_WRITE_PROT : SIM_FAULT_WRITE, sp - 32,
                  "exception %u: its frame cannot be pushed at SP=0x%08x: %s", exc, sp - 32,
                  lo && lo->flash ? "that is flash, read-only to the firmware (SP was set into "
                                    "flash)"
                                  : "that is outside RAM (stack overflow, or SP set wrong)");
        return -1;
    }
    sp -= 32;
    uc_mem_write(s->uc, sp, frame, 32);
    if (sp < s->sp_low)
        s->sp_low = sp;
    if (!(vec & 1) || vec < 2) {
        sim_fault(s, SIM_FAULT_EXCEPTION, s->vtor + exc * 4,
                  "exception %u taken but its vector (table at 0x%08x, entry %u) is 0x%08x, not a "
                  "Thumb handler address",
                  exc, s->vtor, exc, vec);
        return -1;
    }
    if (sim_core_has_fpu(s->board->core)) {
        uint32_t *f = s->fpsave[s->nest];
        for (int i = 0; i < 16; i++)
            uc_reg_read(s->uc, UC_ARM_REG_S0 + i, &f[i]);
        f[16] = sim_reg(s, UC_ARM_REG_FPSCR);
    }
    s->nest++;
    s->exceptions++;
    sim_set_reg(s, UC_ARM_REG_SP, sp);
    sim_set_reg(s, UC_ARM_REG_LR, ipsr ? 0xFFFFFFF1u : 0xFFFFFFF9u);
    sim_set_ipsr(s, exc);
    sim_set_reg(s, UC_ARM_REG_PC, vec | 1);
    sim_cg_exc_enter(s, vec);
    return 0;
}

/* Unicorn raised EXCP_EXCEPTION_EXIT: PC holds EXC_RETURN. Pop the frame. */
static void exception_return(sim *s)
{
    uint32_t exc_return = sim_reg(s, UC_ARM_REG_PC) | 1;
    uint32_t sp = sim_reg(s, UC_ARM_REG_SP), frame[8];
    if ((exc_return != 0xFFFFFFF1u && exc_return != 0xFFFFFFF9u) || s->nest == 0) {
        sim_fault(s, SIM_FAULT_EXCEPTION, exc_return,
                  exc_return == 0xFFFFFFFDu
                      ? "exception return to the process stack (EXC_RETURN 0x%08x): PSP is not "
                        "modelled"
                      : "exception return with EXC_RETURN 0x%08x outside an exception handler or "
                        "not supported",
                  exc_return);
        return;
    }
    if (uc_mem_read(s->uc, sp, frame, 32)) {
        sim_fault(s, SIM_FAULT_READ, sp, "exception return: cannot pop the frame at SP=0x%08x", sp);
        return;
    }
    s->nest--;
    sim_cg_exc_exit(s);
    for (int i = 0; i < 6; i++)
        sim_set_reg(s, frame_regs[i], frame[i]);
    sp += 32 + ((frame[7] >> 9) & 1) * 4;
    sim_set_reg(s, UC_ARM_REG_SP, sp);
    sim_set_reg(s, UC_ARM_REG_XPSR, frame[7] & ~(1u << 9));
    sim_set_ipsr(s, frame[7] & 0x1FF);
    if (sim_core_has_fpu(s->board->core)) {
        const uint32_t *f = s->fpsave[s->nest];
        for (int i = 0; i < 16; i++)
            uc_reg_write(s->uc, UC_ARM_REG_S0 + i, &f[i]);
        sim_set_reg(s, UC_ARM_REG_FPSCR, f[16]);
    }
    sim_set_reg(s, UC_ARM_REG_PC, frame[6] | 1);
    if (s->pending)
        s->next_event = 0; /* a pended exception may now be taken */
}

void sim_pend(sim *s, uint32_t exc)
{
    s->pending |= 1u << exc;
    s->next_event = 0;
}

/* Exceptions the simulator delivers asynchronously: highest priority first (lower number,
 * as with the reset priorities). Taken only in thread mode with PRIMASK clear; a handler is
 * not pre-empted by another (documented approximation of the NVIC's priority scheme). */
int sim_exc_deliverable(sim *s)
{
    if (!s->pending)
        return 0;
    if (sim_reg(s, UC_ARM_REG_IPSR) & 0x1FF)
        return 0;
    if (sim_reg(s, UC_ARM_REG_PRIMASK) & 1)
        return 0;
    return 1;
}

static const char *excp_name(uint32_t intno)
{
    switch (intno) {
    case 1: return "undefined instruction";
    case 3: return "prefetch abort";
    case 4: return "data abort";
    case 22: return "coprocessor access (FPU disabled)";
    case 23: return "invalid state";
    case 24: return "stack limit (MSPLIM/PSPLIM) violated";
    case 27: return "unaligned access";
    default: return "CPU exception";
    }
}

void sim_on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    sim *s = ud;
    uint32_t pc = sim_reg(s, UC_ARM_REG_PC);
    (void)uc;
    /* The PC writes below (semihosting, exception entry and return) make Unicorn drop a stop
     * requested meanwhile: the next block's slow path checks the stop flags again. */
    s->next_event = 0;
    switch (intno) {
    case 7: { /* BKPT: PC at the instruction */
        uint16_t insn = 0;
        sim_read_target(s, pc, &insn, 2);
        if (insn == 0xBEAB) {
            /* Writing PC from a hook makes Unicorn drop a uc_emu_stop made in the same hook
             * (quit_request wins over stop_request): a call that stops the run (exit, refused
             * call) leaves PC at its BKPT, else the firmware ran on after SYS_EXIT. */
            sim_semihost(s);
            if (!s->stopping)
                sim_set_reg(s, UC_ARM_REG_PC, (pc + 2) | 1);
        } else {
            s->stop.pc = pc;
            s->stop.pc_exact = 1;
            sim_fault(s, SIM_FAULT_BKPT, 0,
                      "BKPT #%u: without a debugger attached, silicon escalates it to a HardFault",
                      insn & 0xFF);
        }
        return;
    }
    case 2: /* SVC: PC after the instruction */
        sim_exc_take(s, 11, pc);
        return;
    case 8: /* exception return */
        exception_return(s);
        return;
    case 3: /* prefetch abort: the M3/M4/M7/M33 models raise it for the execute-never PPB */
        s->stop.pc = pc;
        s->stop.pc_exact = 1;
        if (s->last != &s->none)
            s->stop.from_addr = s->last->addr;
        if (pc >= 0xE0000000u && pc < 0xE0100000u)
            sim_fault(s, SIM_FAULT_FETCH, pc,
                      "execution at 0x%08x, in the execute-never system region (PPB)", pc);
        else if (pc >= 0xFFFFFF00u)
            sim_fault(s, SIM_FAULT_FETCH, pc,
                      "execution at 0x%08x, an EXC_RETURN value used outside an exception "
                      "handler (the vendor system region, execute-never)", pc);
        else if (pc >= 0xE0100000u)
            sim_fault(s, SIM_FAULT_FETCH, pc,
                      "execution at 0x%08x, in the execute-never vendor system region", pc);
        else
            sim_fault(s, SIM_FAULT_FETCH, pc,
                      "execution at 0x%08x: prefetch abort (exception 3), the core may not "
                      "execute there", pc);
        return;
    case 4:
    case 27:
        sim_fault(s, SIM_FAULT_UNALIGNED, 0,
                  "unaligned access trapped by the %s (it requires aligned loads and stores)",
                  sim_core_name(s->board->core));
        return;
    default:
        s->stop.pc = pc;
        s->stop.pc_exact = 1;
        sim_fault(s, intno == 1 ? SIM_FAULT_UNDEF : SIM_FAULT_EXCEPTION, 0, "%s (exception %u)",
                  excp_name(intno), intno);
        return;
    }
}
