/*
 * The engine's hot path: the block hook that charges each block's cached cost, and its slow
 * path (probes, stops, budgets, SysTick, pending exceptions, SP tracking, code changes, the
 * look at the host clock); with the messages, target memory access and queries around it.
 * Set-up is in setup.c, the run loop in run.c, exceptions in exc.c, the cost cache in blocks.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/util.h"
#include "sim/sim_int.h"

double sim_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ===================================================================== messages */

void sim_warn(sim *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    if (s->replaying || !s->cfg.on_warning)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    s->cfg.on_warning(s->cfg.ud, buf);
}

void sim_stop_now(sim *s, sim_stop_reason r)
{
    if (!s->stopping) {
        s->stopping = 1;
        s->stop.reason = r;
    }
    uc_emu_stop(s->uc);
}

void sim_fault(sim *s, sim_fault_kind k, uint32_t addr, const char *fmt, ...)
{
    va_list ap;
    if (s->stopping)
        return;
    s->stop.fault = k;
    s->stop.access_addr = addr;
    va_start(ap, fmt);
    vsnprintf(s->stop.message, sizeof s->stop.message, fmt, ap);
    va_end(ap);
    sim_stop_now(s, SIM_STOP_FAULT);
}

/* The firmware's console output (semihosting writes, ITM port 0): into cfg.console as stdio
 * buffers it, never flushed per write (an ITM store is 1 to 4 bytes; a flush each made a
 * write(2) each). Whoever owns the stream flushes it where output must show: at a stop, before
 * a message on stderr (tui/cli_util.c), a terminal's line buffering. */
void sim_console(sim *s, const void *data, size_t len)
{
    s->console_bytes += len;
    if (s->replaying || !s->cfg.console || len == 0)
        return;
    fwrite(data, 1, len, s->cfg.console);
}

const char *sim_stop_name(sim_stop_reason r)
{
    static const char *const names[SIM_STOP_COUNT_] = {
        "none", "exit", "fault", "cycle-budget", "instruction-budget", "timeout",
        "breakpoint", "interrupted", "hang", "paused"};
    return (unsigned)r < SIM_STOP_COUNT_ ? names[r] : "?";
}

const char *sim_fault_name(sim_fault_kind k)
{
    static const char *const names[SIM_FAULT_COUNT_] = {
        "none", "read-unmapped", "write-unmapped", "write-flash", "fetch-outside-memory",
        "undefined-instruction", "unaligned", "bkpt", "exception", "semihosting"};
    return (unsigned)k < SIM_FAULT_COUNT_ ? names[k] : "?";
}

void sim_describe_addr(const sim *s, uint32_t addr, char *buf, size_t size)
{
    uint32_t off = 0;
    const sim_symbol *sym = s->elf ? sim_elf_symbol_at(s->elf, addr & ~1u, &off) : NULL;
    if (sym && off)
        snprintf(buf, size, "%s+0x%x", sym->display, off);
    else if (sym)
        snprintf(buf, size, "%s", sym->display);
    else
        snprintf(buf, size, "0x%08x", addr);
}

/* ===================================================================== memory */

sim_mem *sim_mem_at(sim *s, uint32_t addr, uint32_t *off)
{
    for (uint32_t i = 0; i < s->n_mem; i++) {
        sim_mem *m = &s->mem[i];
        if (addr - m->base < m->size) {
            *off = addr - m->base;
            return m;
        }
        if (m->has_alias && addr - m->alias < m->size) {
            *off = addr - m->alias;
            return m;
        }
    }
    return NULL;
}

/* Host copies to and from target memory, byte ranges that may span adjacent regions. */
static int copy_target(sim *s, uint32_t addr, uint8_t *p, uint32_t len, int to_target)
{
    while (len) {
        uint32_t off;
        sim_mem *m = sim_mem_at(s, addr, &off);
        if (!m)
            return -1;
        uint32_t n = m->size - off < len ? m->size - off : len;
        if (to_target)
            memcpy(m->buf + off, p, n);
        else
            memcpy(p, m->buf + off, n);
        p += n, addr += n, len -= n;
    }
    return 0;
}

int sim_write_target(sim *s, uint32_t addr, const void *data, uint32_t len)
{
    if (s->uc && s->blk_used)
        sim_blk_host_wrote(s, addr, len);
    return copy_target(s, addr, (uint8_t *)(uintptr_t)data, len, 1);
}

int sim_read_target(sim *s, uint32_t addr, void *data, uint32_t len)
{
    return copy_target(s, addr, data, len, 0);
}

/* ===================================================================== registers */

/* Unicorn's ids of r0-r12, sp, lr, pc: index n is register rn. */
const int sim_core_regs[16] = {UC_ARM_REG_R0,  UC_ARM_REG_R1,  UC_ARM_REG_R2,  UC_ARM_REG_R3,
                               UC_ARM_REG_R4,  UC_ARM_REG_R5,  UC_ARM_REG_R6,  UC_ARM_REG_R7,
                               UC_ARM_REG_R8,  UC_ARM_REG_R9,  UC_ARM_REG_R10, UC_ARM_REG_R11,
                               UC_ARM_REG_R12, UC_ARM_REG_SP,  UC_ARM_REG_LR,  UC_ARM_REG_PC};

uint32_t sim_reg(sim *s, int id)
{
    uint32_t v = 0;
    uc_reg_read(s->uc, id, &v);
    return v;
}

void sim_set_reg(sim *s, int id, uint32_t v)
{
    uc_reg_write(s->uc, id, &v);
}

/* The hot path's instruction trigger: the budget or the next look at the host clock. */
static void set_insn_limit(sim *s)
{
    s->insn_limit = s->cfg.max_insns && s->cfg.max_insns < s->poll_at ? s->cfg.max_insns
                                                                       : s->poll_at;
}

void sim_schedule(sim *s)
{
    uint64_t next = UINT64_MAX;
    if (s->cfg.max_cycles && s->cfg.max_cycles < next)
        next = s->cfg.max_cycles;
    if (s->st_next < next)
        next = s->st_next;
    /* A pending exception is delivered at the next block (after WFI wakes) when it can be;
     * a masked one when what masks it may have changed: after a block with CPS/MSR
     * (mask_check), after an exception return (on_intr). So the block at which it is taken
     * depends on the code only, never on how often the slow path happened to run. */
    if (s->pending && sim_exc_deliverable(s))
        next = 0;
    if (s->interrupted || s->pause_req || s->stepping || s->timed_out || s->sp_check ||
        s->mask_check)
        next = 0;
    s->next_event = next;
    set_insn_limit(s);
}

/*
 * Look at the host clock (slow path, every SIM_POLL_INSNS guest instructions): time out, or
 * call the progress callback, which may ask for a stop (sim_interrupt). Both act before the
 * next block through stop_before, which leaves every figure as an uninterrupted run has it.
 */
static void poll_host(sim *s)
{
    s->poll_at = s->insns + SIM_POLL_INSNS;
    if (s->replaying && !(s->deadline > 0))
        return;
    double now = sim_now_s();
    if (s->deadline > 0 && now >= s->deadline)
        s->timed_out = 1;
    if (s->cfg.on_progress && !s->replaying && !s->timed_out && now >= s->next_progress) {
        sim_stats x;
        s->next_progress = now + s->progress_s;
        sim_stats_get(s, &x);
        x.wall_s += now - s->run_t0;
        s->cfg.on_progress(s->cfg.ud, &x);
    }
}

/* ===================================================================== hooks */

/* Make ret a probe site for returns of user-probed calls (once). -1 when the table is full. */
static int user_return_site(sim *s, uint32_t ret)
{
    for (uint32_t i = 0; i < s->n_probes; i++)
        if (s->probes[i].addr == ret && s->probes[i].kind == SIM_PROBE_USER_RETURN)
            return 0;
    if (s->n_probes == SIM_MAX_PROBES)
        return -1;
    s->probes[s->n_probes].addr = ret;
    s->probes[s->n_probes].kind = SIM_PROBE_USER_RETURN;
    s->n_probes++;
    sim_blk_reflag(s); /* the block at ret may be known already */
    return 0;
}

static void probe_hit(sim *s, uint32_t addr)
{
    for (uint32_t i = 0; i < s->n_probes; i++) {
        if (s->probes[i].addr != addr)
            continue;
        sim_probe_event ev = {.kind = s->probes[i].kind,
                              .addr = addr,
                              .r0 = sim_reg(s, UC_ARM_REG_R0),
                              .r1 = sim_reg(s, UC_ARM_REG_R1),
                              .r2 = sim_reg(s, UC_ARM_REG_R2),
                              .r3 = sim_reg(s, UC_ARM_REG_R3),
                              .lr = sim_reg(s, UC_ARM_REG_LR),
                              .sp = sim_reg(s, UC_ARM_REG_SP),
                              .cycles = s->cycles,
                              .insns = s->insns,
                              .stall_cycles = s->fetch_stall + s->data_stall,
                              .flash_bytes = s->flash_bytes};
        if (ev.kind == SIM_PROBE_USER_RETURN) {
            /* a return site: pair it with the innermost open call that returns here, and
             * with every call below it that returns here with the same SP: a function that
             * tail-called another (B.W at its end, LR and SP restored) returns with it */
            uint32_t sp = ev.sp, n = s->n_ucalls;
            while (n && s->ucalls[n - 1].sp < sp) /* frames abandoned (longjmp) */
                n--;
            s->n_ucalls = n;
            while (s->n_ucalls && s->ucalls[s->n_ucalls - 1].ret == addr &&
                   s->ucalls[s->n_ucalls - 1].sp == sp) {
                ev.addr = s->ucalls[--s->n_ucalls].func;
                if (s->cfg.on_probe && !s->replaying)
                    s->cfg.on_probe(s->cfg.ud, &ev);
            }
            continue;
        } else if (ev.kind == SIM_PROBE_USER) {
            uint32_t ret = ev.lr;
            if ((ret & 0xF0000000u) == 0xF0000000u) /* EXC_RETURN: called as a handler */
                continue;
            ret &= ~1u;
            if (s->n_ucalls == SIM_MAX_UCALLS || user_return_site(s, ret) < 0) {
                if (!s->warned_ucalls) {
                    s->warned_ucalls = 1;
                    sim_warn(s, "watched functions: more than %u nested calls or %u return "
                                "sites; further calls are not measured",
                             SIM_MAX_UCALLS, SIM_RETURN_SITES_KEPT);
                }
                continue;
            }
            s->ucalls[s->n_ucalls].func = addr;
            s->ucalls[s->n_ucalls].ret = ret;
            s->ucalls[s->n_ucalls].sp = ev.sp;
            s->n_ucalls++;
        } else if (ev.kind == SIM_PROBE_INFERENCE_END) {
            s->inferences++;
        } else if (ev.kind == SIM_PROBE_LAYER_END) {
            s->layers++;
        }
        if (s->cfg.on_probe && !s->replaying)
            s->cfg.on_probe(s->cfg.ud, &ev);
    }
}

/*
 * A stop requested in the block hook (before block addr runs). With a code hook installed
 * (breakpoints, stepping, the fault locator), Unicorn 2.0.1 leaves the PC at the last value
 * it synced, which can be an earlier instruction: resuming there would run code twice. So
 * the run loop puts the PC back where the block hook stopped (block_stop_pc).
 */
static void stop_at_block(sim *s, uint32_t addr, sim_stop_reason r)
{
    s->block_stop_pc = addr;
    s->block_stop = 1;
    sim_stop_now(s, r);
}

/* Stop before block b runs: give its charge back (it is charged again when the run resumes).
 * What entering it settled about the previous block stays: the not-taken correction and the
 * outcome of its branch (predictor update, mispredict), which s->last = &s->none keeps from
 * being settled a second time on resume. */
static void stop_before(sim *s, sim_blk *b, sim_stop_reason r)
{
    s->cycles -= b->cycles;
    s->insns -= b->insns;
    b->count--;
    s->last = &s->none; /* the block is entered again on resume: no second correction */
    /* ... but it is entered as it was now: sequentially (prefetched lines) when it was */
    s->none.fallthrough = s->cur_seq ? b->addr : 1;
    if (s->learning) /* on_block counted it in the learning schedule: it counts again then */
        s->learn_quiet--;
    stop_at_block(s, b->addr, r);
}

/*
 * Unicorn performs unaligned LDRD/STRD/LDM/STM/VLDR/VSTR that ARMv7-M and v8-M silicon fault
 * on (UsageFault UNALIGNED). The cost model lists, per block, those whose base register is
 * unchanged since block entry; their addresses are known from the registers now. Each site is
 * reported once; after SIM_MAX_ALIGN_WARN sites the check stops for the rest of the run.
 */
static void check_alignment(sim *s, sim_blk *b)
{
    const sim_block_cost *c = &s->costs[b->cost];
    for (uint32_t i = 0; i < c->n_align; i++) {
        uint32_t ea = sim_reg(s, sim_core_regs[c->align[i].base]) + (uint32_t)c->align[i].disp;
        if (!(ea & 3))
            continue;
        uint32_t at = c->align[i].addr, k;
        for (k = 0; k < s->n_align_warned; k++)
            if (s->align_warned[k] == at)
                break;
        if (k < s->n_align_warned)
            continue;
        s->align_warned[s->n_align_warned++] = at;
        char where[96], text[96];
        sim_describe_addr(s, at, where, sizeof where);
        sim_disas(s, at, text, sizeof text);
        sim_warn(s,
                 "unaligned access: '%s' at 0x%08x (%s) uses address 0x%08x; the %s raises a "
                 "UsageFault (UNALIGNED) here, the emulator performs it",
                 text, at, where, ea, sim_core_name(s->board->core));
        if (s->n_align_warned >= SIM_MAX_ALIGN_WARN) {
            sim_blk_reflag(s); /* no block needs the check any more */
            break;
        }
    }
}

/* SIM_HB_SP: the lowest SP block b reaches, from SP at its entry and the SP writes its code
 * gives; one that sets SP from a register is read again at the next block. */
/* The stack timeline: the lowest SP of the stretch the cycle count is in; when the run
 * outgrows the table, neighbouring stretches merge and each becomes twice as long. */
static void sp_timeline(sim *s, uint32_t sp)
{
    uint64_t i = s->cycles >> s->sp_tl_shift;
    while (i >= SIM_SP_TIMELINE) {
        for (uint32_t k = 0; k < SIM_SP_TIMELINE / 2; k++) {
            uint32_t a = s->sp_tl[2 * k], c = s->sp_tl[2 * k + 1];
            s->sp_tl[k] = a < c ? a : c;
        }
        for (uint32_t k = SIM_SP_TIMELINE / 2; k < SIM_SP_TIMELINE; k++)
            s->sp_tl[k] = UINT32_MAX;
        s->sp_tl_shift++;
        i = s->cycles >> s->sp_tl_shift;
    }
    if (sp < s->sp_tl[i])
        s->sp_tl[i] = sp;
}

void sim_sp_timeline(const sim *s, const uint32_t **low, uint32_t *n, uint32_t *shift)
{
    uint64_t i = s->cycles >> s->sp_tl_shift;
    *low = s->sp_tl;
    *n = i < SIM_SP_TIMELINE ? (uint32_t)i + 1 : SIM_SP_TIMELINE;
    *shift = s->sp_tl_shift;
}

static void track_sp(sim *s, const sim_blk *b)
{
    const sim_block_cost *c = &s->costs[b->cost];
    uint32_t sp = sim_reg(s, UC_ARM_REG_SP);
    uint32_t low = (uint32_t)-c->sp_low > sp ? 0 : sp - (uint32_t)-c->sp_low;
    if (low < s->sp_low)
        s->sp_low = low;
    sp_timeline(s, low);
    if (c->sp & SIM_SP_DYN)
        s->sp_check = 1;
}

static void slow_path(sim *s, sim_blk *b, uint32_t addr, int seq)
{
    s->cur_seq = seq; /* for stop_before */
    if (s->sp_check) { /* the previous block set SP from a register */
        uint32_t sp = sim_reg(s, UC_ARM_REG_SP);
        s->sp_check = 0;
        if (sp < s->sp_low)
            s->sp_low = sp;
        sp_timeline(s, sp);
    }
    if ((b->flags & SIM_HB_CODE) && sim_blk_check_code(s, b) < 0) {
        char where[48];
        sim_describe_addr(s, addr, where, sizeof where);
        snprintf(s->stop.message, sizeof s->stop.message,
                 "code that had run was changed %u times (last at 0x%08x, %s): tinysim stops "
                 "self-modifying code there (its emulator's translations would grow unbounded)",
                 SIM_MAX_CODE_CHANGES, addr, where);
        stop_before(s, b, SIM_STOP_HANG);
        return;
    }
    if (b->flags & SIM_HB_SP)
        track_sp(s, b);
    if (s->insns >= s->poll_at) {
        poll_host(s);
        /* only a look at the clock: the rest of the slow path runs when it would have run
         * without it, so the instants of the looks cannot move a figure */
        if (!(b->flags & SIM_HB_SLOW) && s->cycles < s->next_event && !s->interrupted &&
            !s->timed_out && !(s->cfg.max_insns && s->insns >= s->cfg.max_insns)) {
            set_insn_limit(s); /* next_event as it was: its re-checks stay where they were */
            return;
        }
    }
    if (s->timed_out) {
        stop_before(s, b, SIM_STOP_TIMEOUT);
        return;
    }
    if ((b->flags & SIM_HB_BREAK) && !s->replaying) {
        for (uint32_t i = 0; i < s->n_breaks; i++) {
            if (s->breaks[i] == addr && s->skip_break != addr) {
                stop_before(s, b, SIM_STOP_BREAK);
                return;
            }
        }
        s->skip_break = 0;
    }
    if (s->interrupted) {
        stop_before(s, b, SIM_STOP_INTERRUPT);
        return;
    }
    if (s->pause_req || (s->stepping && s->step_left == 0 && !s->replaying)) {
        s->pause_req = 0;
        stop_before(s, b, SIM_STOP_PAUSE);
        return;
    }
    if (s->cfg.max_cycles && s->cycles > s->cfg.max_cycles) {
        stop_before(s, b, SIM_STOP_CYCLES);
        return;
    }
    if (s->cfg.max_insns && s->insns > s->cfg.max_insns) {
        stop_before(s, b, SIM_STOP_INSNS);
        return;
    }
    if (s->cycles >= s->st_next)
        sim_systick_update(s);
    s->mask_check = 0; /* the check a block with CPS/MSR asked for is this one */
    if (s->pending && sim_exc_deliverable(s)) {
        stop_before(s, b, SIM_STOP_NONE); /* the run loop delivers it */
        return;
    }
    if (b->flags & SIM_HB_FP) { /* set only while the FPU is disabled and not warned about */
        char where[96];
        const sim_block_cost *c = &s->costs[b->cost];
        s->warned_fp = 1;
        sim_describe_addr(s, c->warn_addr, where, sizeof where);
        sim_warn(s,
                 sim_core_has_fpu(s->board->core)
                     ? "FPU instruction '%s' at 0x%08x (%s) runs while CPACR disables the FPU: "
                       "silicon raises a UsageFault (NOCP); enable CP10/CP11 in CPACR first"
                     : "FPU instruction '%s' at 0x%08x (%s) on a core without an FPU: silicon "
                       "raises a UsageFault (NOCP)",
                 c->warn_insn, c->warn_addr, where);
        sim_blk_reflag(s); /* one warning per run: no block needs the check any more */
    }
    if (b->flags & SIM_HB_ALIGN)
        check_alignment(s, b);
    if (b->flags & SIM_HB_SYS)
        s->mask_check = 1; /* its CPS/MSR may unmask a pending exception */
    if (b->flags & SIM_HB_PROBE)
        probe_hit(s, addr);
    sim_schedule(s);
}

/*
 * The previous block l ended with a conditional branch the core predicts (M7); entering the
 * next block resolved it (taken: the next block is not l's fallthrough). A 2-bit saturating
 * counter per branch predicts it; a mispredict costs l->mp_pen, charged to l.
 */
static inline void bp_resolve(sim *s, sim_blk *l, int taken)
{
    uint8_t *c = &s->bp_ctr[l->bp - 1];
    uint8_t v = *c;
    if ((v >> 1) != (uint8_t)taken) {
        s->cycles += l->mp_pen;
        l->mp++;
    }
    *c = taken ? (v < 3 ? v + 1 : 3) : (v ? v - 1 : 0);
}

/*
 * The hot path: one cache lookup, the not-taken correction for the previous block, one test
 * for a predicted branch (never true on cores without prediction), the charge, and one
 * comparison that sends rare work (budgets, SysTick, probes, breakpoints, warnings) to the
 * slow path. The previous block's outcome is settled here, before a stop_before of this
 * block, and only when s->last is a real block: never across reset, a stop before a block, a
 * breakpoint inside one or an interrupt taken between blocks (the run loop takes it after a
 * stop before the next block): all set s->last = &s->none. An SVC ends its block with no
 * predicted branch; a conditional exception return (BXNE lr) that is taken is a taken branch.
 */
/* A watched location's bytes differ from what was last seen: the first such watch is
 * remembered (mwatch_hit, its old bytes kept) and every watch takes its bytes now. */
static int mwatch_changed(sim *s)
{
    int hit = -1;
    for (uint32_t i = 0; i < s->n_mwatch; i++) {
        uint8_t now[8];
        if (sim_read_target(s, s->mwatch[i].addr, now, s->mwatch[i].len) < 0 ||
            memcmp(now, s->mwatch[i].val, s->mwatch[i].len) == 0)
            continue;
        if (hit < 0) {
            hit = (int)i;
            memcpy(s->mwatch[i].old, s->mwatch[i].val, sizeof now);
        }
        memcpy(s->mwatch[i].val, now, s->mwatch[i].len);
    }
    if (hit >= 0)
        s->mwatch_hit = hit;
    return hit >= 0;
}

void sim_on_block(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    sim *s = ud;
    uint32_t addr = (uint32_t)address;
    (void)uc;
    if (__builtin_expect(addr == s->cont_addr, 0)) {
        /* the rest of a block stopped inside (cut_block): it was charged with the block, given
         * back at the stop, and is charged back now; the block stays the last one entered */
        s->cycles += s->cont_cycles;
        s->insns += s->cont_insns;
        s->last = s->cont_blk;
        s->cont_addr = 1;
        return;
    }
    sim_blk *b = sim_blk_find(s, addr, size);
    if (__builtin_expect(b == NULL, 0)) {
        b = sim_blk_fill(s, addr, size);
        if (!b) {
            sim_fault(s, SIM_FAULT_EXCEPTION, addr, "out of host memory for the block cache");
            return;
        }
        s->learn_quiet = 0;
    }
    /* Memory timing (sim/memtime.c): the flash read hook goes off when no new block appeared
     * for a while, and on again as soon as a block it never observed, one that loads, is
     * about to run (so that no block's first executions go uncharged: waiting for such
     * blocks to run 2^14 times made a first inference cheaper than the steady state).
     * Either way, stop before the block runs: the run loop switches between blocks. */
    if (__builtin_expect(s->learning ? ++s->learn_quiet > SIM_LEARN_QUIET
                                     : !b->obs_n && s->flash && !(b->flags & SIM_HB_NOREAD),
                         0)) {
        s->learn_switch = s->learning ? 2 : 1;
        stop_at_block(s, addr, SIM_STOP_NONE);
        return;
    }
    sim_blk *l = s->last;
    int seq = addr == l->fallthrough;
    if (seq) { /* its conditional branch was not taken */
        s->cycles -= l->delta;
        l->nt++;
    }
    if (__builtin_expect(l->bp != 0, 0))
        bp_resolve(s, l, !seq);
    s->cycles += b->cycles;
    s->insns += b->insns;
    b->count++;
    s->last = b;
    if (__builtin_expect((b->flags & SIM_HB_SLOW) || s->cycles >= s->next_event ||
                             s->insns >= s->insn_limit,
                         0)) {
        s->cg_blk_cycles = s->cycles - b->cycles;
        s->cg_blk_insns = s->insns - b->insns;
        s->cg_in_slow = 1;
        slow_path(s, b, addr, seq);
        s->cg_in_slow = 0;
        if (s->stopping)
            return; /* stopped before the block: it is charged when it runs */
    }
    if (__builtin_expect(s->n_mwatch != 0, 0) && !s->replaying && mwatch_changed(s)) {
        s->cur_seq = seq; /* what a watched write did shows before the next block: stop there */
        stop_before(s, b, SIM_STOP_BREAK);
        return;
    }
    if (__builtin_expect(addr == s->cg_ret || (b->flags & SIM_HB_FENTRY), 0))
        sim_cg_block(s, b, addr); /* a return, a call (sim/callgraph.c) */
    if (b->nlines | b->d_fp | b->b_fp | b->obs_on)
        sim_mt_block(s, b, seq); /* flash wait states (sim/memtime.c) */
}

/* ===================================================================== queries */

uint32_t sim_sp_low(const sim *s)
{
    return s->sp_low;
}

void sim_sp_low_set(sim *s, uint32_t sp)
{
    s->sp_low = sp;
}

/* A watched function (SIM_PROBE_USER at addr), counted against the user's limit or not. */
static int watch_add(sim *s, uint32_t addr, int user)
{
    addr &= ~1u;
    for (uint32_t i = 0; i < s->n_probes; i++)
        if (s->probes[i].addr == addr && s->probes[i].kind == SIM_PROBE_USER)
            return 0;
    if ((user && s->n_user_probes == SIM_MAX_USER_PROBES) ||
        s->n_probes + SIM_RETURN_SITES_KEPT >= SIM_MAX_PROBES)
        return -1;
    s->probes[s->n_probes].addr = addr;
    s->probes[s->n_probes].kind = SIM_PROBE_USER;
    s->n_probes++;
    s->n_user_probes += user != 0;
    sim_blk_reflag(s);
    return 0;
}

int sim_probe_add(sim *s, uint32_t addr)
{
    return watch_add(s, addr, 1);
}

int sim_watch_add(sim *s, uint32_t addr)
{
    return watch_add(s, addr, 0);
}

int sim_mwatch_add(sim *s, uint32_t addr, uint32_t len)
{
    if (len < 1 || len > 8 || s->n_mwatch == SIM_MAX_MWATCH)
        return -1;
    uint8_t now[8] = {0};
    if (sim_read_target(s, addr, now, len) < 0)
        return -1;
    s->mwatch[s->n_mwatch].addr = addr;
    s->mwatch[s->n_mwatch].len = len;
    memcpy(s->mwatch[s->n_mwatch].val, now, sizeof now);
    s->n_mwatch++;
    return (int)s->n_mwatch - 1;
}

void sim_mwatch_clear(sim *s)
{
    s->n_mwatch = 0;
    s->mwatch_hit = -1;
}

int sim_mwatch_hit(sim *s, uint8_t old[8], uint8_t now[8])
{
    int i = s->mwatch_hit;
    if (i < 0 || (uint32_t)i >= s->n_mwatch)
        return -1;
    memcpy(old, s->mwatch[i].old, 8);
    memcpy(now, s->mwatch[i].val, 8);
    s->mwatch_hit = -1;
    return i;
}

void sim_stats_get(const sim *s, sim_stats *o)
{
    memset(o, 0, sizeof *o);
    o->cycles = s->cycles;
    o->sleep_cycles = s->sleep_cycles;
    o->insns = s->insns;
    for (uint32_t i = 0; i < s->blk_cap; i++)
        o->blocks += s->blk[i].count;
    o->distinct_blocks = s->blk_used;
    o->inferences = s->inferences;
    o->layers = s->layers;
    o->exceptions = s->exceptions;
    o->semihost_calls = s->semihost_calls;
    o->console_bytes = s->console_bytes;
    o->wall_s = s->wall_s;
    o->fetch_stall_cycles = s->fetch_stall;
    o->data_stall_cycles = s->data_stall;
    o->flash_bytes = s->flash_bytes;
}

const sim_board *sim_get_board(const sim *s)
{
    return s->board;
}

const sim_elf *sim_get_elf(const sim *s)
{
    return s->elf;
}

uint32_t sim_disas(sim *s, uint32_t addr, char *buf, size_t size)
{
    uint8_t code[4];
    uint32_t n = 4;
    buf[0] = 0;
    if (sim_read_target(s, addr & ~1u, code, 4) < 0) {
        n = 2;
        if (sim_read_target(s, addr & ~1u, code, 2) < 0)
            return 0;
    }
    return sim_disas_one(s->coster, code, n, addr & ~1u, buf, (uint32_t)size);
}

void sim_blocks(const sim *s, void (*fn)(void *ud, const sim_block_info *b), void *ud)
{
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        const sim_blk *b = &s->blk[i];
        if (!b->size || !b->count)
            continue;
        const sim_block_cost *c = &s->costs[b->cost];
        int cut = s->cont_addr != 1 && s->cont_blk == b; /* stopped inside: the rest is to come */
        sim_block_info bi = {b->addr,     b->size,  b->count,
                             b->count * b->cycles - b->nt * b->delta + b->mp * b->mp_pen -
                                 (cut ? s->cont_cycles : 0) + b->stall,
                             b->count * b->insns - (cut ? s->cont_insns : 0), c->mix, b->stall,
                             b->fbytes};
        fn(ud, &bi);
    }
    for (uint32_t i = 0; i < s->n_retired; i++) { /* code that changed: its old versions */
        const struct sim_retired *r = &s->retired[i];
        sim_block_info bi = {r->addr,  r->size,  r->count, r->cycles,
                             r->insns, s->costs[r->cost].mix, r->stall, r->fbytes};
        fn(ud, &bi);
    }
}

