/*
 * The run loop and run control: sim_run's passes of uc_emu_start and what ends them (stops,
 * exceptions to deliver, WFI, faults), locating a fault's exact instruction by re-running,
 * breakpoints and instruction stepping (stops inside a block), and the stop requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

/*
 * A stop inside block b, before the instruction at a (a breakpoint's or stepping's code
 * hook). b was charged whole when it started: give back the part from a on, so that the
 * figures at the stop are those of what ran, and keep it for the resumption, which charges
 * it back when the rest of b starts (on_block, cont_addr) instead of pricing the rest as a
 * block of its own. So a block stopped inside, once or many times, costs exactly what it
 * costs uninterrupted, and the memory timing's learning schedule sees one execution of b.
 */
static void cut_block(sim *s, sim_blk *b, uint32_t a)
{
    uint8_t code[4096];
    sim_block_cost c;
    uint32_t n = b->addr + b->size - a;
    if (n > sizeof code || sim_read_target(s, a, code, n) < 0)
        n = 0;
    sim_cost_block(s->coster, code, n, a, &c);
    if (c.cycles > s->cycles)
        c.cycles = (uint32_t)s->cycles;
    if (c.insns > s->insns)
        c.insns = (uint32_t)s->insns;
    s->cycles -= c.cycles;
    s->insns -= c.insns;
    s->cont_addr = a;
    s->cont_blk = b;
    s->cont_cycles = c.cycles;
    s->cont_insns = c.insns;
    s->last = &s->none;
}

/*
 * 1 when the instruction at addr is inside an IT block that starts in the block at base:
 * walking its halfwords, an IT (0xBFxy with a non-zero mask y) covers 4 - ctz(y) following
 * instructions. A resume inside an IT block would lose the IT state (uc_emu_start sets PC
 * afresh), so stepping never stops there, and a breakpoint there is not taken.
 */
static int inside_it(sim *s, uint32_t base, uint32_t addr)
{
    uint8_t code[4096];
    uint32_t len = addr - base, off = 0, left = 0;
    if (len > sizeof code || sim_read_target(s, base, code, len) < 0)
        return 0;
    while (off + 2 <= len) {
        uint32_t hw = (uint32_t)code[off] | (uint32_t)code[off + 1] << 8;
        uint32_t size = (hw >> 11) >= 0x1d ? 4 : 2;
        if (left)
            left--;
        else if ((hw & 0xFF00u) == 0xBF00u && (hw & 0xFu))
            left = 4u - (uint32_t)__builtin_ctz(hw & 0xFu);
        off += size;
    }
    return left > 0;
}

static void on_break(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    sim *s = ud;
    uint32_t a = (uint32_t)address;
    sim_blk *b = s->last;
    (void)uc;
    (void)size;
    if (s->replaying || s->stopping || a == b->addr)
        return;
    if (s->skip_break == a) {
        s->skip_break = 0;
        return;
    }
    if (a - b->addr < b->size && inside_it(s, b->addr, a))
        return; /* not taken inside an IT block: resuming there would lose the IT state */
    if (a - b->addr < b->size)
        cut_block(s, b, a);
    sim_stop_now(s, SIM_STOP_BREAK);
}

/* sim_step's hook on every instruction: count them; stop before the one after the last.
 * A stop at a block's start is the block hook's (slow path, before the block is charged);
 * one inside a block gives back the rest of the block, as a breakpoint inside one does. */
static void on_step(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    sim *s = ud;
    uint32_t a = (uint32_t)address;
    sim_blk *b = s->last;
    (void)uc;
    (void)size;
    if (s->replaying || s->stopping || !s->stepping)
        return;
    if (s->step_left) {
        s->step_left--;
        return;
    }
    if (a == b->addr)
        return; /* the block hook stopped before it already */
    if (a - b->addr < b->size && inside_it(s, b->addr, a))
        return; /* stop after the IT block instead */
    if (a - b->addr < b->size)
        cut_block(s, b, a);
    snprintf(s->stop.message, sizeof s->stop.message, "stepped");
    sim_stop_now(s, SIM_STOP_PAUSE);
}

/*
 * Drop every translation of target code, so that hooks added or removed since apply to all
 * of it. Unicorn 2.0.1's uc_ctl_flush_tlb (a whole TB flush) made one stepi cost about 1 GB
 * of host memory and 3 s; removing the translations of each mapped region costs what the
 * regions hold.
 */
static void drop_translations(sim *s)
{
    for (uint32_t i = 0; i < s->n_mem; i++) {
        const sim_mem *m = &s->mem[i];
        uc_ctl_remove_cache(s->uc, m->base, (uint64_t)m->base + m->size);
        if (m->has_alias)
            uc_ctl_remove_cache(s->uc, m->alias, (uint64_t)m->alias + m->size);
    }
}

void sim_step(sim *s, uint64_t n, sim_stop *stop)
{
    if (n == 0)
        n = 1;
    s->stepping = 1;
    s->step_left = n;
    /* every instruction from now on: retranslate with the hook */
    if (uc_hook_add(s->uc, &s->h_step, UC_HOOK_CODE, (void *)on_step, s, 1, 0) != UC_ERR_OK) {
        s->stepping = 0;
        memset(stop, 0, sizeof *stop);
        stop->reason = SIM_STOP_HANG;
        snprintf(stop->message, sizeof stop->message, "cannot install the stepping hook");
        return;
    }
    drop_translations(s);
    sim_run(s, stop);
    if (stop->reason == SIM_STOP_PAUSE && !stop->message[0])
        snprintf(stop->message, sizeof stop->message, "stepped");
    s->stepping = 0;
    uc_hook_del(s->uc, s->h_step);
    drop_translations(s); /* translations without the hook from here on */
    sim_schedule(s);
}

/* Install breakpoint i's code hook; Unicorn places code hooks when it translates, so drop
 * the translations containing its address. */
int sim_break_hook(sim *s, uint32_t i)
{
    uint64_t a = s->breaks[i];
    return uc_hook_add(s->uc, &s->h_breaks[i], UC_HOOK_CODE, (void *)on_break, s, a, a) ||
                   uc_ctl_remove_cache(s->uc, a, a + 2)
               ? -1
               : 0;
}

/* Re-run only: records the address of every instruction in the faulting block. */
void sim_on_code(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    sim *s = ud;
    (void)uc;
    (void)size;
    s->code_last_pc = (uint32_t)address;
}

static void fill_regs(sim *s, sim_regs *r)
{
    for (int i = 0; i < 16; i++)
        r->r[i] = sim_reg(s, sim_core_regs[i]);
    r->xpsr = sim_reg(s, UC_ARM_REG_XPSR);
}

void sim_regs_get(sim *s, sim_regs *out)
{
    fill_regs(s, out);
}

int sim_reg_set(sim *s, int i, uint32_t v)
{
    if (i < 0 || i > 16)
        return -1;
    if (i == 15)
        v &= ~1u; /* Unicorn keeps the Thumb state itself; PC holds the address */
    return uc_reg_write(s->uc, i == 16 ? UC_ARM_REG_XPSR : sim_core_regs[i], &v) == UC_ERR_OK
               ? 0 : -1;
}

int sim_fp_regs_get(sim *s, uint32_t sreg[32], uint32_t *fpscr)
{
    if (!sim_core_has_fpu(s->board->core))
        return -1;
    for (int i = 0; i < 32; i++) {
        uint32_t v = 0;
        if (uc_reg_read(s->uc, UC_ARM_REG_S0 + i, &v) != UC_ERR_OK)
            return -1;
        sreg[i] = v;
    }
    uint32_t f = 0;
    if (uc_reg_read(s->uc, UC_ARM_REG_FPSCR, &f) != UC_ERR_OK)
        return -1;
    *fpscr = f;
    return 0;
}

/* Turn a Unicorn error into a fault stop. */
static void uc_fault(sim *s, uc_err e)
{
    uint32_t pc = sim_reg(s, UC_ARM_REG_PC), a = s->stop.access_addr;
    s->stop.pc = pc;
    switch (e) {
    case UC_ERR_READ_UNMAPPED:
        sim_fault(s, SIM_FAULT_READ, a, "read from unmapped address 0x%08x", a);
        break;
    case UC_ERR_WRITE_UNMAPPED:
        sim_fault(s, SIM_FAULT_WRITE, a, "write to unmapped address 0x%08x", a);
        break;
    case UC_ERR_WRITE_PROT:
        sim_fault(s, SIM_FAULT_WRITE_PROT, a, "write to flash at 0x%08x (read-only while running)", a);
        break;
    case UC_ERR_FETCH_UNMAPPED:
    case UC_ERR_FETCH_PROT:
        s->stop.pc_exact = 1;
        s->stop.from_addr = s->last->addr; /* 0 when no block ran */
        sim_fault(s, SIM_FAULT_FETCH, pc, "execution at 0x%08x, outside executable memory", pc);
        break;
    case UC_ERR_INSN_INVALID:
        s->stop.pc_exact = 1;
        if (!(sim_reg(s, UC_ARM_REG_XPSR) & (1u << 24))) { /* EPSR.T */
            sim_fault(s, SIM_FAULT_UNDEF, 0,
                      "execution in ARM state at 0x%08x (EPSR.T clear): a BX, BLX, POP or LDR "
                      "to PC with an even address; a Cortex-M raises an INVSTATE UsageFault",
                      pc);
            break;
        }
        sim_fault(s, SIM_FAULT_UNDEF, 0, "undefined or unsupported instruction for the %s",
                  sim_core_name(s->board->core));
        break;
    case UC_ERR_READ_UNALIGNED:
    case UC_ERR_WRITE_UNALIGNED:
    case UC_ERR_FETCH_UNALIGNED:
        sim_fault(s, SIM_FAULT_UNALIGNED, a, "unaligned access at 0x%08x", a);
        break;
    default:
        sim_fault(s, SIM_FAULT_EXCEPTION, 0, "emulator error: %s", uc_strerror(e));
        break;
    }
}

/* The host clock, from the run loop: stops between uc_emu_start calls (WFI sleeps,
 * exception entries) see the deadline even when few instructions run. */
static int deadline_passed(sim *s)
{
    if (s->deadline > 0 && sim_now_s() >= s->deadline)
        s->timed_out = 1;
    return s->timed_out;
}

/*
 * One pass of uc_emu_start until a stop reason. Unicorn's own timeout is never used: it
 * stops the engine at an instant of host time, and a stop there moved figures (runs on a
 * terminal, with progress, differed from piped runs), and it starts a thread per
 * uc_emu_start (an exception storm with --timeout ran 70x slower). The block hook looks at
 * the clock instead, at fixed guest instruction counts (poll_host).
 */
static void run_until_stop(sim *s)
{
    uint32_t loops = 0;
    for (;;) {
        uint32_t pc = sim_reg(s, UC_ARM_REG_PC);
        if ((++loops & 1023) == 0 && deadline_passed(s)) {
            s->stop.reason = SIM_STOP_TIMEOUT;
            return;
        }
        s->stopping = 0;
        s->stop.reason = SIM_STOP_NONE;
        sim_schedule(s);
        s->block_stop = 0;
        uc_err e = uc_emu_start(s->uc, pc | 1, 0xFFFFFFFEu, 0, 0);
        if (s->stopping && s->block_stop && e == UC_ERR_OK)
            sim_set_reg(s, UC_ARM_REG_PC, s->block_stop_pc | 1);
        if (e != UC_ERR_OK && !s->stopping) {
            uc_fault(s, e);
            return;
        }
        if (s->stopping && s->stop.reason != SIM_STOP_NONE)
            return;
        if (s->stopping && s->learn_switch) {
            sim_mt_switch(s); /* between blocks: the memory timing's read hook on or off */
            continue;
        }
        if (s->stopping) {
            /* The block hook stopped before a block to deliver a pending exception. */
            uint32_t at = sim_reg(s, UC_ARM_REG_PC);
            for (uint32_t exc = 2; exc < 16; exc++) {
                if (s->pending & (1u << exc)) {
                    s->pending &= ~(1u << exc);
                    if (sim_exc_take(s, exc, at) < 0)
                        return;
                    break;
                }
            }
            continue;
        }
        /* uc_emu_start returned by itself: WFI (PC after it). */
        if (deadline_passed(s)) {
            s->stop.reason = SIM_STOP_TIMEOUT;
            return;
        }
        uint32_t at = sim_reg(s, UC_ARM_REG_PC);
        uint16_t prev = 0;
        sim_read_target(s, at - 2, &prev, 2);
        if (prev == 0xBF30) { /* WFI: sleep until the next SysTick wrap */
            if (s->pending) {
                continue;
            }
            if (s->st_next == UINT64_MAX || !(s->st_csr & 2)) {
                char where[96];
                sim_describe_addr(s, at - 2, where, sizeof where);
                snprintf(s->stop.message, sizeof s->stop.message,
                         "WFI at 0x%08x (%s) with no wake-up source (SysTick interrupt disabled): "
                         "the core would sleep forever",
                         at - 2, where);
                s->stop.reason = SIM_STOP_HANG;
                return;
            }
            uint64_t wake = s->st_next;
            if (s->cfg.max_cycles && wake > s->cfg.max_cycles)
                wake = s->cfg.max_cycles + 1;
            s->sleep_cycles += wake - s->cycles;
            s->cycles = wake;
            if (s->cfg.max_cycles && s->cycles > s->cfg.max_cycles) {
                s->stop.reason = SIM_STOP_CYCLES;
                return;
            }
            sim_systick_update(s);
            continue;
        }
        s->stop.reason = SIM_STOP_HANG;
        snprintf(s->stop.message, sizeof s->stop.message,
                 "the emulator stopped at 0x%08x for no known reason", at);
        return;
    }
}

/*
 * A memory fault is reported at the start of its translated block. The firmware is
 * deterministic, so run it again from the same initial memory with a code hook restricted to
 * that block: the last instruction the hook sees before the fault is the faulting one.
 * Semihosting calls are answered from the journal of the first run (no output, no files).
 */
static void locate_fault(sim *s)
{
    sim_stop first = s->stop;
    sim_blk *b = s->last;
    uint64_t console_bytes = s->console_bytes; /* the re-run replays SYS_WRITE silently */
    char *cause = NULL;
    if (b == &s->none || s->journal_full)
        return;
    uint32_t lo = b->addr, hi = b->addr + b->size - 1;
    uc_close(s->uc);
    s->uc = NULL;
    for (uint32_t i = 0; i < s->n_mem; i++)
        memcpy(s->mem[i].buf, s->mem[i].initial, s->mem[i].size);
    s->code_lo = lo;
    s->code_hi = hi;
    s->code_last_pc = 0;
    s->replaying = 1;
    s->replay_pos = 0;
    int ok = sim_engine_open(s, &cause) == 0;
    free(cause);
    cause = NULL;
    if (ok) {
        ok = sim_reset(s, &cause) == 0;
        free(cause);
    }
    if (ok) {
        run_until_stop(s);
        /* the re-run's block may start earlier (the run resumed inside it at a breakpoint) */
        ok = s->stop.reason == SIM_STOP_FAULT && s->stop.fault == first.fault &&
             b->addr - s->last->addr < s->last->size && s->code_last_pc;
    }
    s->replaying = 0;
    s->code_lo = s->code_hi = 0;
    s->console_bytes = console_bytes;
    if (ok) {
        uint32_t exact = s->code_last_pc;
        s->stop = first;
        s->stop.pc = exact;
        s->stop.pc_exact = 1;
        s->stop.regs.r[15] = exact; /* the other registers hold their values at the fault */
    } else {
        s->stop = first;
    }
}

void sim_run(sim *s, sim_stop *stop)
{
    double t0 = sim_now_s();
    s->deadline = s->cfg.timeout_s > 0 ? t0 + s->cfg.timeout_s : 0;
    s->next_progress = t0 + s->progress_s;
    s->timed_out = 0;
    s->run_t0 = t0;
    s->interrupted = 0;
    s->pause_req = 0;
    if (s->stop.reason == SIM_STOP_BREAK)
        s->skip_break = sim_reg(s, UC_ARM_REG_PC) & ~1u;
    memset(&s->stop, 0, sizeof s->stop);
    run_until_stop(s);
    if (s->stop.reason == SIM_STOP_FAULT && !s->stop.pc_exact) {
        uint32_t access = s->stop.access_addr;
        fill_regs(s, &s->stop.regs);
        /* the re-run gets as long again as the run had */
        if (s->deadline > 0)
            s->deadline = sim_now_s() + s->cfg.timeout_s;
        s->timed_out = 0;
        locate_fault(s);
        s->stop.access_addr = access;
    }
    if (s->stop.reason == SIM_STOP_FAULT && s->stop.fault != SIM_FAULT_FETCH &&
        s->stop.pc == 0)
        s->stop.pc = sim_reg(s, UC_ARM_REG_PC);
    if (s->stop.reason != SIM_STOP_FAULT || s->stop.regs.r[15] == 0)
        fill_regs(s, &s->stop.regs);
    if (s->stop.reason != SIM_STOP_FAULT)
        s->stop.pc = s->stop.regs.r[15];
    s->wall_s += sim_now_s() - t0;
    *stop = s->stop;
}

void sim_set_max_cycles(sim *s, uint64_t max_cycles)
{
    s->cfg.max_cycles = max_cycles;
    sim_schedule(s);
}

void sim_pause(sim *s)
{
    s->pause_req = 1;
    s->next_event = 0;
}

void sim_interrupt(sim *s)
{
    s->interrupted = 1;
    s->next_event = 0;
}

int sim_break_add(sim *s, uint32_t addr)
{
    if (s->n_breaks == SIM_MAX_BREAKS)
        return -1;
    s->breaks[s->n_breaks] = addr & ~1u;
    if (sim_break_hook(s, s->n_breaks) < 0)
        return -1;
    s->n_breaks++;
    sim_blk_reflag(s);
    return 0;
}

void sim_break_clear(sim *s)
{
    for (uint32_t i = 0; i < s->n_breaks; i++)
        uc_hook_del(s->uc, s->h_breaks[i]); /* also drops the translations using it */
    s->n_breaks = 0;
    sim_blk_reflag(s);
}
