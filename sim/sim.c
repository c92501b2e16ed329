/*
 * The engine: Unicorn set up as the board's Cortex-M, the block hook that charges cycles from
 * the cost cache, exception delivery (Unicorn does not vector exceptions on M-profile), the run
 * loop with its stop reasons, and locating a memory fault's exact instruction by re-running.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/util.h"
#include "sim/sim_int.h"

/* Unicorn's CPU models (unicorn/arm.h), per core. */
static int uc_model(sim_core c)
{
    switch (c) {
    case SIM_CORE_M0P: return UC_CPU_ARM_CORTEX_M0;
    case SIM_CORE_M3: return UC_CPU_ARM_CORTEX_M3;
    case SIM_CORE_M4F: return UC_CPU_ARM_CORTEX_M4;
    case SIM_CORE_M7: return UC_CPU_ARM_CORTEX_M7;
    default: return UC_CPU_ARM_CORTEX_M33;
    }
}

static double now_s(void)
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
        snprintf(buf, size, "%s+0x%x", sym->name, off);
    else if (sym)
        snprintf(buf, size, "%s", sym->name);
    else
        snprintf(buf, size, "0x%08x", addr);
}

/* ===================================================================== memory */

static sim_mem *mem_at(sim *s, uint32_t addr, uint32_t *off)
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
        sim_mem *m = mem_at(s, addr, &off);
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

static uint32_t blk_flags(const sim *s, const sim_blk *b);

/*
 * A host write over code that has run (semihosting SYS_READ into RAM code, a slot written
 * again): Unicorn's translations of it are dropped (it does not see writes through the
 * mapped buffers), and decoded flash blocks in the range keep a copy of the bytes they were
 * priced from, so their next execution notices the change (RAM blocks always have one).
 */
static void host_wrote_code(sim *s, uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + len;
    int flash = s->ran_hi[0] > s->ran_lo[0] && addr < s->ran_hi[0] && end > s->ran_lo[0];
    int ram = s->ran_hi[1] > s->ran_lo[1] && addr < s->ran_hi[1] && end > s->ran_lo[1];
    if (!flash && !ram)
        return;
    uc_ctl_remove_cache(s->uc, addr, end);
    if (!flash)
        return;
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        if (!b->size || b->code || b->addr >= end || (uint64_t)b->addr + b->size <= addr)
            continue;
        b->code = malloc(b->size);
        if (b->code && sim_read_target(s, b->addr, b->code, b->size) < 0) {
            free(b->code);
            b->code = NULL;
        }
        b->flags = blk_flags(s, b);
    }
}

int sim_write_target(sim *s, uint32_t addr, const void *data, uint32_t len)
{
    if (s->uc && s->blk_used)
        host_wrote_code(s, addr, len);
    return copy_target(s, addr, (uint8_t *)(uintptr_t)data, len, 1);
}

int sim_read_target(sim *s, uint32_t addr, void *data, uint32_t len)
{
    return copy_target(s, addr, data, len, 0);
}

/* Is [addr, addr+len) inside one region (at its base or alias)? */
static int range_in_board(const sim_board *b, uint32_t addr, uint32_t len)
{
    const sim_region *r = sim_board_region_at(b, addr);
    if (!r)
        return len == 0;
    uint32_t base = addr - r->base < r->size ? r->base : r->alias;
    return len <= r->size - (addr - base);
}

/* ===================================================================== cost cache */

static uint32_t blk_hash(uint32_t addr, uint32_t size)
{
    uint32_t h = (addr >> 1) * 2654435761u ^ size * 40503u;
    return h ^ (h >> 15);
}

static int blk_grow(sim *s)
{
    uint32_t cap = s->blk_cap ? s->blk_cap * 2 : 4096;
    sim_blk *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        if (!b->size)
            continue;
        uint32_t j = blk_hash(b->addr, b->size) & (cap - 1);
        while (t[j].size)
            j = (j + 1) & (cap - 1);
        t[j] = *b;
        if (s->last == b) /* the block hook reads it after filling a new block */
            s->last = &t[j];
    }
    free(s->blk);
    s->blk = t;
    s->blk_cap = cap;
    return 0;
}

static int is_probe(const sim *s, uint32_t addr)
{
    for (uint32_t i = 0; i < s->n_probes; i++)
        if (s->probes[i].addr == addr)
            return 1;
    return 0;
}

static int has_break(const sim *s, uint32_t addr, uint32_t size)
{
    for (uint32_t i = 0; i < s->n_breaks; i++)
        if (s->breaks[i] - addr < size)
            return 1;
    return 0;
}

static int fpu_enabled(const sim *s);

/*
 * The slow-path flags of a block, from its decoded cost and the current state: probes and
 * breakpoints by address; FP while the FPU is disabled and not yet warned about (re-derived
 * when CPACR is written); alignment checks until SIM_MAX_ALIGN_WARN sites were reported.
 */
static uint32_t blk_flags(const sim *s, const sim_blk *b)
{
    const sim_block_cost *c = &s->costs[b->cost];
    uint32_t f = 0;
    if (is_probe(s, b->addr))
        f |= SIM_HB_PROBE;
    if (has_break(s, b->addr, b->size))
        f |= SIM_HB_BREAK;
    if ((c->flags & SIM_BLK_FP) && !s->warned_fp && !fpu_enabled(s))
        f |= SIM_HB_FP;
    if (c->n_align && s->n_align_warned < SIM_MAX_ALIGN_WARN)
        f |= SIM_HB_ALIGN;
    if (c->sp & SIM_SP_WRITES)
        f |= SIM_HB_SP;
    if (c->mix[SIM_CLS_SYS])
        f |= SIM_HB_SYS;
    if (!c->mix[SIM_CLS_LOAD] && !c->mix[SIM_CLS_LDM] && !c->mix[SIM_CLS_FPMEM])
        f |= SIM_HB_NOREAD;
    if (b->code)
        f |= SIM_HB_CODE;
    return f;
}

/*
 * The direction predictor's slot for the conditional branch that ends at address end (a
 * block's fallthrough), created on first use with its static prediction; blocks ending with
 * the same branch (Unicorn translates a block entered by a fall-in and one entered by a jump
 * into its middle separately) share it, as the hardware's per-branch state is. Returns
 * slot + 1, 0 when out of memory.
 */
static uint32_t bp_slot(sim *s, uint32_t end, int taken)
{
    if ((s->bp_n + 1) * 2 > s->bp_keycap) {
        uint32_t cap = s->bp_keycap ? s->bp_keycap * 2 : 1024;
        uint32_t *k = calloc(cap, sizeof *k), *v = calloc(cap, sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return 0;
        }
        for (uint32_t i = 0; i < s->bp_keycap; i++) {
            if (!s->bp_key[i])
                continue;
            uint32_t j = blk_hash(s->bp_key[i], 0) & (cap - 1);
            while (k[j])
                j = (j + 1) & (cap - 1);
            k[j] = s->bp_key[i];
            v[j] = s->bp_slot[i];
        }
        free(s->bp_key);
        free(s->bp_slot);
        s->bp_key = k;
        s->bp_slot = v;
        s->bp_keycap = cap;
    }
    if (s->bp_n == s->bp_cap) {
        uint32_t cap = s->bp_cap ? s->bp_cap * 2 : 512;
        uint8_t *c = realloc(s->bp_ctr, cap), *i0 = realloc(s->bp_init, cap);
        if (c)
            s->bp_ctr = c;
        if (i0)
            s->bp_init = i0;
        if (!c || !i0)
            return 0;
        s->bp_cap = cap;
    }
    uint32_t j = blk_hash(end, 0) & (s->bp_keycap - 1);
    while (s->bp_key[j]) {
        if (s->bp_key[j] == end)
            return s->bp_slot[j] + 1;
        j = (j + 1) & (s->bp_keycap - 1);
    }
    s->bp_key[j] = end;
    s->bp_slot[j] = s->bp_n;
    s->bp_init[s->bp_n] = s->bp_ctr[s->bp_n] = taken ? 2 : 1; /* weakly, either way */
    return ++s->bp_n;
}

/* Decode a block seen for the first time and insert it. NULL only when out of memory. */
/* Append cost c to the cold table and make it block b's, with the fields the hot path reads
 * (and its branch predictor slot). -1 when out of memory (b unchanged). */
static int blk_price(sim *s, sim_blk *b, const sim_block_cost *c)
{
    if (s->n_costs == s->cap_costs) {
        uint32_t cap = s->cap_costs ? s->cap_costs * 2 : 1024;
        sim_block_cost *t = realloc(s->costs, cap * sizeof *t);
        if (!t)
            return -1;
        s->costs = t;
        s->cap_costs = cap;
    }
    uint32_t bp = c->mispredict ? bp_slot(s, c->fallthrough, (int)c->predict_taken) : 0;
    if (c->mispredict && !bp)
        return -1;
    s->costs[s->n_costs] = *c;
    b->cost = s->n_costs++;
    b->cycles = c->cycles;
    b->insns = c->insns;
    b->fallthrough = c->fallthrough;
    b->delta = c->cycles > c->not_taken_cycles ? c->cycles - c->not_taken_cycles : 0;
    b->bp = bp;
    b->mp_pen = c->mispredict;
    return 0;
}

static sim_blk *blk_fill(sim *s, uint32_t addr, uint32_t size)
{
    uint8_t code[4096];
    sim_block_cost c;
    if ((s->blk_used + 1) * 2 > s->blk_cap && blk_grow(s) < 0)
        return NULL;
    uint32_t n = size < sizeof code ? size : (uint32_t)sizeof code;
    if (sim_read_target(s, addr, code, n) < 0)
        n = 0;
    sim_cost_block(s->coster, code, n, addr, &c);

    uint32_t j = blk_hash(addr, size) & (s->blk_cap - 1);
    while (s->blk[j].size)
        j = (j + 1) & (s->blk_cap - 1);
    sim_blk *b = &s->blk[j];
    memset(b, 0, sizeof *b);
    if (blk_price(s, b, &c) < 0)
        return NULL; /* b->size is still 0: the slot stays free */
    b->addr = addr;
    b->size = size;
    {
        uint32_t off;
        const sim_mem *m = mem_at(s, addr, &off);
        int k = m && m->flash ? 0 : 1;
        if (k == 1 && n == size) { /* RAM: the code may change under it (SIM_HB_CODE) */
            b->code = malloc(size);
            if (b->code)
                memcpy(b->code, code, size);
        }
        if (s->ran_hi[k] <= s->ran_lo[k] || addr < s->ran_lo[k])
            s->ran_lo[k] = addr;
        if (addr + size > s->ran_hi[k])
            s->ran_hi[k] = addr + size;
    }
    b->flags = blk_flags(s, b);
    s->blk_used++;
    sim_mt_block_new(s, b);

    /* Once-per-block permissiveness checks that do not depend on run-time state. */
    if ((c.flags & SIM_BLK_DSP) && s->board->core == SIM_CORE_M3 && !s->warned_dsp) {
        char where[96];
        s->warned_dsp = 1;
        sim_describe_addr(s, c.warn_addr, where, sizeof where);
        sim_warn(s,
                 "'%s' at 0x%08x (%s) is a DSP instruction the Cortex-M3 does not have: silicon "
                 "raises a UsageFault (UNDEFINSTR) here; the emulator executes it. Build for "
                 "-mcpu=cortex-m3 or run on a Cortex-M4/M7/M33 board",
                 c.warn_insn, c.warn_addr, where);
    }
    return b;
}

static inline sim_blk *blk_find(sim *s, uint32_t addr, uint32_t size)
{
    uint32_t j = blk_hash(addr, size) & (s->blk_cap - 1);
    for (;;) {
        sim_blk *b = &s->blk[j];
        if (b->addr == addr && b->size == size)
            return b;
        if (!b->size)
            return NULL;
        j = (j + 1) & (s->blk_cap - 1);
    }
}

/* Re-derive every cached block's flags after the state they depend on changed (breakpoints,
 * CPACR, warnings given, reset). */
void sim_blk_reflag(sim *s)
{
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        if (b->size)
            b->flags = blk_flags(s, b);
    }
}

/* ===================================================================== exceptions */

/* Unicorn's ids of r0-r12, sp, lr, pc: index n is register rn. */
static const int core_regs[16] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3,
                                  UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7,
                                  UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
                                  UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};

static const int frame_regs[8] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3,
                                  UC_ARM_REG_R12, UC_ARM_REG_LR, UC_ARM_REG_PC, UC_ARM_REG_XPSR};

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

/* Unicorn needs APSR rewritten after IPSR changes, or exception returns are reported
 * differently per core (../shared/notes/unicorn-cortex-m.md). */
static void set_ipsr(sim *s, uint32_t ipsr)
{
    sim_set_reg(s, UC_ARM_REG_IPSR, ipsr);
    sim_set_reg(s, UC_ARM_REG_APSR_NZCV, sim_reg(s, UC_ARM_REG_APSR_NZCV));
}

static int fpu_enabled(const sim *s)
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
static int take_exception(sim *s, uint32_t exc, uint32_t return_pc)
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
    const sim_mem *lo = sp >= 32 ? mem_at(s, sp - 32, &off) : NULL;
    const sim_mem *hi = sp >= 32 ? mem_at(s, sp - 1, &off) : NULL;
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
    set_ipsr(s, exc);
    sim_set_reg(s, UC_ARM_REG_PC, vec | 1);
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
    for (int i = 0; i < 6; i++)
        sim_set_reg(s, frame_regs[i], frame[i]);
    sp += 32 + ((frame[7] >> 9) & 1) * 4;
    sim_set_reg(s, UC_ARM_REG_SP, sp);
    sim_set_reg(s, UC_ARM_REG_XPSR, frame[7] & ~(1u << 9));
    set_ipsr(s, frame[7] & 0x1FF);
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
static int deliverable(sim *s)
{
    if (!s->pending)
        return 0;
    if (sim_reg(s, UC_ARM_REG_IPSR) & 0x1FF)
        return 0;
    if (sim_reg(s, UC_ARM_REG_PRIMASK) & 1)
        return 0;
    return 1;
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
    if (s->pending && deliverable(s))
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
    double now = now_s();
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
        sim_probe_event ev = {s->probes[i].kind,
                              addr,
                              sim_reg(s, UC_ARM_REG_R0),
                              sim_reg(s, UC_ARM_REG_R1),
                              sim_reg(s, UC_ARM_REG_SP),
                              s->cycles,
                              s->insns,
                              s->fetch_stall + s->data_stall,
                              s->flash_bytes};
        if (ev.kind == SIM_PROBE_USER_RETURN) {
            /* a return site: pair it with the innermost open call that returns here */
            uint32_t sp = ev.sp, n = s->n_ucalls;
            while (n && s->ucalls[n - 1].sp < sp) /* frames abandoned (longjmp) */
                n--;
            if (!n || s->ucalls[n - 1].ret != addr || s->ucalls[n - 1].sp != sp) {
                s->n_ucalls = n;
                continue;
            }
            s->n_ucalls = n - 1;
            ev.addr = s->ucalls[n - 1].func;
        } else if (ev.kind == SIM_PROBE_USER) {
            uint32_t ret = sim_reg(s, UC_ARM_REG_LR);
            if ((ret & 0xF0000000u) == 0xF0000000u) /* EXC_RETURN: called as a handler */
                continue;
            ret &= ~1u;
            if (s->n_ucalls == SIM_MAX_UCALLS || user_return_site(s, ret) < 0) {
                if (!s->warned_ucalls) {
                    s->warned_ucalls = 1;
                    sim_warn(s, "--probe: more than %u nested probed calls or %u return "
                                "sites; further calls are not measured",
                             SIM_MAX_UCALLS, SIM_MAX_PROBES - 4 - SIM_MAX_USER_PROBES);
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

/* Take back the count on_block gave block b in the memory timing's learning schedule
 * (sim/memtime.c), for a block stopped before or inside: its resumption counts again, and
 * the schedule stays that of an uninterrupted run. */
static void learn_uncount(sim *s, const sim_blk *b)
{
    (void)b;
    if (s->learning)
        s->learn_quiet--;
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
    learn_uncount(s, b); /* on_block counts it again then */
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
        uint32_t ea = sim_reg(s, core_regs[c->align[i].base]) + (uint32_t)c->align[i].disp;
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

/*
 * Block b (entered, charged with its old cost) no longer holds the bytes it was priced from:
 * self-modifying code, or a host write into code. The executions so far keep their totals as
 * a retired record (sim_blocks reports it, so per-function figures still add up); the block
 * is priced again from its new bytes, charged that for this execution, and its memory
 * timing learns again. -1 when the run must stop: too many code changes, or no memory.
 */
static int code_changed(sim *s, sim_blk *b, const uint8_t *now)
{
    sim_block_cost c;
    if (++s->code_changes > SIM_MAX_CODE_CHANGES)
        return -1;
    if (s->n_retired == s->cap_retired) {
        uint32_t cap = s->cap_retired ? s->cap_retired * 2 : 64;
        struct sim_retired *t = realloc(s->retired, cap * sizeof *t);
        if (!t)
            return -1;
        s->retired = t;
        s->cap_retired = cap;
    }
    sim_cost_block(s->coster, now, b->size, b->addr, &c);
    sim_blk old = *b;
    if (blk_price(s, b, &c) < 0)
        return -1;
    if (old.count > 1) {
        struct sim_retired *r = &s->retired[s->n_retired++];
        uint64_t n = old.count - 1; /* this execution is the new code's */
        r->addr = old.addr;
        r->size = old.size;
        r->cost = old.cost;
        r->count = n;
        r->cycles = n * old.cycles - old.nt * old.delta + old.mp * old.mp_pen + old.stall;
        r->insns = n * old.insns;
        r->stall = old.stall;
        r->fbytes = old.fbytes;
    }
    s->cycles -= old.cycles;
    s->insns -= old.insns;
    b->count = 1;
    b->nt = b->mp = b->stall = b->fbytes = 0;
    b->d_fp = b->b_fp = b->d_acc = b->b_acc = 0;
    b->obs_n = b->obs_stall = b->obs_bytes = 0;
    memcpy(b->code, now, b->size);
    s->cycles += b->cycles;
    s->insns += b->insns;
    b->flags = blk_flags(s, b);
    sim_mt_block_new(s, b);
    return 0;
}

/* SIM_HB_CODE: compare b's bytes with those it was priced from. -1: stop the run. */
static int check_code(sim *s, sim_blk *b)
{
    uint8_t now[4096];
    if (b->size > sizeof now || sim_read_target(s, b->addr, now, b->size) < 0)
        return 0;
    if (memcmp(now, b->code, b->size) == 0)
        return 0;
    return code_changed(s, b, now);
}

/* SIM_HB_SP: the lowest SP block b reaches, from SP at its entry and the SP writes its code
 * gives; one that sets SP from a register is read again at the next block. */
static void track_sp(sim *s, const sim_blk *b)
{
    const sim_block_cost *c = &s->costs[b->cost];
    uint32_t sp = sim_reg(s, UC_ARM_REG_SP);
    uint32_t low = (uint32_t)-c->sp_low > sp ? 0 : sp - (uint32_t)-c->sp_low;
    if (low < s->sp_low)
        s->sp_low = low;
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
    }
    if ((b->flags & SIM_HB_CODE) && check_code(s, b) < 0) {
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
    if (s->pending && deliverable(s)) {
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
static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
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
    sim_blk *b = blk_find(s, addr, size);
    if (__builtin_expect(b == NULL, 0)) {
        b = blk_fill(s, addr, size);
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
        slow_path(s, b, addr, seq);
        if (s->stopping)
            return; /* stopped before the block: it is charged when it runs */
    }
    if (b->nlines | b->d_fp | b->b_fp | b->obs_on)
        sim_mt_block(s, b, seq); /* flash wait states (sim/memtime.c) */
}

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
static int break_hook(sim *s, uint32_t i)
{
    uint64_t a = s->breaks[i];
    return uc_hook_add(s->uc, &s->h_breaks[i], UC_HOOK_CODE, (void *)on_break, s, a, a) ||
                   uc_ctl_remove_cache(s->uc, a, a + 2)
               ? -1
               : 0;
}

/* Re-run only: records the address of every instruction in the faulting block. */
static void on_code(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    sim *s = ud;
    (void)uc;
    (void)size;
    s->code_last_pc = (uint32_t)address;
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

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
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
        take_exception(s, 11, pc);
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

/* ===================================================================== set-up */

/* uc_emu_start does not report the data address of an invalid access: this hook records it.
 * It only runs when an access fails, so it costs nothing on the hot path. */
static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                        int64_t value, void *ud)
{
    sim *s = ud;
    (void)uc;
    (void)size;
    (void)value;
    (void)type;
    s->stop.access_addr = (uint32_t)address;
    return false;
}


static int engine_open(sim *s, char **cause)
{
    s->learning = s->hook_deleted = 0; /* a new engine has no flash read hooks (memtime.c) */
    uc_err e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &s->uc);
    if (e) {
        *cause = mu_asprintf("cannot start Unicorn: %s", uc_strerror(e));
        return -1;
    }
    /* Must be the very next call (notes: set_cpu_model after any other call fails). */
    e = uc_ctl_set_cpu_model(s->uc, uc_model(s->board->core));
    if (e) {
        *cause = mu_asprintf("Unicorn has no %s model: %s", sim_core_name(s->board->core),
                             uc_strerror(e));
        return -1;
    }
    for (uint32_t i = 0; i < s->n_mem; i++) {
        sim_mem *m = &s->mem[i];
        uint32_t prot = m->flash ? UC_PROT_READ | UC_PROT_EXEC : UC_PROT_ALL;
        e = uc_mem_map_ptr(s->uc, m->base, m->size, prot, m->buf);
        if (!e && m->has_alias)
            e = uc_mem_map_ptr(s->uc, m->alias, m->size, prot, m->buf);
        if (e) {
            *cause = mu_asprintf("board %s: cannot map region at 0x%08x (%u bytes): %s",
                                 s->board->name, m->base, m->size, uc_strerror(e));
            return -1;
        }
    }
    if (sim_ppb_map(s, cause) < 0)
        return -1;
    if (s->cfg.accounting &&
        uc_hook_add(s->uc, &s->h_block, UC_HOOK_BLOCK, (void *)on_block, s, 1, 0)) {
        *cause = mu_asprintf("cannot install the block hook");
        return -1;
    }
    if (uc_hook_add(s->uc, &s->h_intr, UC_HOOK_INTR, (void *)on_intr, s, 1, 0) ||
        uc_hook_add(s->uc, &s->h_mem, UC_HOOK_MEM_INVALID, (void *)on_unmapped, s, 1, 0)) {
        *cause = mu_asprintf("cannot install the interrupt hook");
        return -1;
    }
    if (s->code_lo &&
        uc_hook_add(s->uc, &s->h_code, UC_HOOK_CODE, (void *)on_code, s, s->code_lo, s->code_hi)) {
        *cause = mu_asprintf("cannot install the code hook");
        return -1;
    }
    for (uint32_t i = 0; i < s->n_breaks; i++) { /* a re-run's new engine */
        if (break_hook(s, i) < 0) {
            *cause = mu_asprintf("cannot install a breakpoint hook");
            return -1;
        }
    }
    return 0;
}

static const struct {
    const char *name;
    sim_probe_kind kind;
} probe_syms[] = {
    {"nn_probe_inference_begin", SIM_PROBE_INFERENCE_BEGIN},
    {"nn_probe_inference_end", SIM_PROBE_INFERENCE_END},
    {"nn_probe_layer_begin", SIM_PROBE_LAYER_BEGIN},
    {"nn_probe_layer_end", SIM_PROBE_LAYER_END},
};

sim *sim_new(const sim_board *board, const sim_elf *elf, const sim_config *cfg, char **cause)
{
    const char *why = NULL;
    sim *s = calloc(1, sizeof *s);
    if (!s) {
        *cause = mu_asprintf("out of memory");
        return NULL;
    }
    s->board = board;
    s->elf = elf;
    s->cfg = *cfg;
    for (int i = 0; i < SIM_MAX_FILES; i++)
        s->files[i] = -1;
    s->none.fallthrough = 1; /* odd: matches no block address */
    s->progress_s = SIM_PROGRESS_S;
    {
        const char *e = getenv("TINYSIM_PROGRESS_S"); /* read once: never in a hook */
        char *end;
        double v = e ? strtod(e, &end) : -1;
        if (e && *e && !*end && v >= 0 && v <= 3600)
            s->progress_s = v;
    }
    s->last = &s->none;

    if (!sim_core_runs_arch(board->core, elf, &why)) {
        *cause = mu_asprintf("%s was built for %s (%s) but board %s has a %s: %s", elf->path,
                             sim_arch_name(elf->cpu_arch),
                             elf->fp_arch || elf->abi_vfp_args == 1 ? "with FPU" : "no FPU",
                             board->name, sim_core_name(board->core), why ? why : "not supported");
        goto err;
    }
    for (uint32_t i = 0; i < elf->n_segs; i++) {
        const sim_segment *g = &elf->segs[i];
        if (!range_in_board(board, g->paddr, g->filesz) ||
            (g->memsz && !range_in_board(board, g->vaddr, g->memsz))) {
            *cause = mu_asprintf(
                "%s: segment %u (load address 0x%08x, run address 0x%08x, %u bytes) is outside "
                "board %s's memory; build the firmware with that board's linker script or pick "
                "the board it was built for (tinysim boards)",
                elf->path, i, g->paddr, g->vaddr, g->memsz > g->filesz ? g->memsz : g->filesz,
                board->name);
            goto err;
        }
    }
    for (uint32_t i = 0; i < board->n_regions; i++) {
        const sim_region *r = &board->regions[i];
        sim_mem *m = &s->mem[s->n_mem++];
        m->base = r->base;
        m->size = r->size;
        m->alias = r->alias;
        m->has_alias = r->has_alias;
        m->flash = r->kind == SIM_MEM_FLASH;
        m->buf = aligned_alloc(4096, r->size);
        m->initial = malloc(r->size);
        if (!m->buf || !m->initial) {
            *cause = mu_asprintf("out of memory for %s's %u-byte region %s", board->name, r->size,
                                 r->name);
            goto err;
        }
        memset(m->buf, m->flash ? 0xFF : 0, r->size);
    }
    for (uint32_t i = 0; i < elf->n_segs; i++) {
        const sim_segment *g = &elf->segs[i];
        if (g->filesz)
            sim_write_target(s, g->paddr, g->data, g->filesz);
    }
    /* Reset fetches the vector table at 0x00000000: where flash is aliased there (STM32 boot
     * from main flash) that is the flash base, else flash is at 0 (nRF52). Either way: the
     * first flash region's base. */
    {
        const sim_region *fl = sim_board_flash(board);
        s->boot_addr = fl ? fl->base : 0;
    }
    for (size_t i = 0; i < sizeof probe_syms / sizeof probe_syms[0]; i++) {
        const sim_symbol *sym = sim_elf_symbol(elf, probe_syms[i].name);
        if (sym && s->n_probes < SIM_MAX_PROBES) {
            s->probes[s->n_probes].addr = sym->addr;
            s->probes[s->n_probes].kind = probe_syms[i].kind;
            s->n_probes++;
        }
    }
    s->coster = sim_cost_new(board->core, cause);
    if (!s->coster)
        goto err;
    if (blk_grow(s) < 0) {
        *cause = mu_asprintf("out of memory");
        goto err;
    }
    if (engine_open(s, cause) < 0 || sim_mt_init(s, cause) < 0)
        goto err;
    return s;
err:
    sim_free(s);
    return NULL;
}

void sim_free(sim *s)
{
    if (!s)
        return;
    if (s->uc)
        uc_close(s->uc);
    sim_semihost_free(s);
    sim_cost_free(s->coster);
    sim_mt_free(s);
    for (uint32_t i = 0; i < s->n_mem; i++) {
        free(s->mem[i].buf);
        free(s->mem[i].initial);
    }
    for (uint32_t i = 0; s->blk && i < s->blk_cap; i++)
        free(s->blk[i].code);
    free(s->blk);
    free(s->retired);
    free(s->costs);
    free(s->bp_ctr);
    free(s->bp_init);
    free(s->bp_key);
    free(s->bp_slot);
    free(s);
}

int sim_reset(sim *s, char **cause)
{
    uint32_t vec[2];
    for (uint32_t i = 0; i < s->n_mem; i++)
        memcpy(s->mem[i].initial, s->mem[i].buf, s->mem[i].size);
    if (sim_read_target(s, s->boot_addr, vec, 8) < 0) {
        *cause = mu_asprintf("no memory at the boot address 0x%08x for the vector table",
                             s->boot_addr);
        return -1;
    }
    uint32_t off;
    sim_mem *sm = mem_at(s, vec[0] - 4, &off);
    if ((vec[0] & 3) || !sm || sm->flash) {
        *cause = mu_asprintf("vector table at 0x%08x: initial SP 0x%08x is not a word-aligned "
                             "RAM address; is this a Cortex-M firmware image for board %s?",
                             s->boot_addr, vec[0], s->board->name);
        return -1;
    }
    sim_mem *pm = mem_at(s, vec[1] & ~1u, &off);
    if (!(vec[1] & 1) || !pm) {
        *cause = mu_asprintf("vector table at 0x%08x: reset vector 0x%08x is not a Thumb address "
                             "inside the board's memory",
                             s->boot_addr, vec[1]);
        return -1;
    }
    s->cycles = s->insns = s->sleep_cycles = 0;
    s->last = &s->none;
    s->none.fallthrough = 1;
    s->inferences = s->layers = s->exceptions = s->semihost_calls = 0;
    s->console_bytes = 0;
    s->pending = 0;
    s->nest = 0;
    s->skip_break = 0;
    s->n_ucalls = 0;
    s->warned_ucalls = 0;
    s->warned_fp = s->warned_dsp = s->warned_cyccnt_m0 = 0;
    s->n_align_warned = 0;
    s->cont_addr = 1;
    s->cont_blk = NULL;
    s->n_retired = 0;
    s->code_changes = 0;
    s->sp_check = 0;
    s->mask_check = 0;
    s->sp_low = UINT32_MAX;
    s->poll_at = SIM_POLL_INSNS;
    s->timed_out = 0;
    for (uint32_t i = 0; i < s->blk_cap; i++)
        s->blk[i].count = s->blk[i].nt = s->blk[i].mp = 0;
    if (s->bp_n)
        memcpy(s->bp_ctr, s->bp_init, s->bp_n); /* the predictor forgets every outcome */
    sim_mt_reset(s);
    sim_ppb_reset(s);
    s->vtor = s->boot_addr;
    sim_blk_reflag(s); /* CPACR and the warnings are back to their reset state */
    sim_semihost_reset(s);
    /* Registers: Unicorn has no reset from the vector table (notes). */
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; r++)
        sim_set_reg(s, r, 0);
    sim_set_reg(s, UC_ARM_REG_LR, 0xFFFFFFFFu);
    sim_set_reg(s, UC_ARM_REG_PRIMASK, 0);
    set_ipsr(s, 0);
    sim_set_reg(s, UC_ARM_REG_SP, vec[0]);
    sim_set_reg(s, UC_ARM_REG_PC, vec[1]);
    memset(&s->stop, 0, sizeof s->stop);
    sim_schedule(s);
    return 0;
}

/* ===================================================================== run loop */

static void fill_regs(sim *s, sim_regs *r)
{
    for (int i = 0; i < 16; i++)
        r->r[i] = sim_reg(s, core_regs[i]);
    r->xpsr = sim_reg(s, UC_ARM_REG_XPSR);
}

void sim_regs_get(sim *s, sim_regs *out)
{
    fill_regs(s, out);
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
    if (s->deadline > 0 && now_s() >= s->deadline)
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
                    if (take_exception(s, exc, at) < 0)
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
    int ok = engine_open(s, &cause) == 0;
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
    double t0 = now_s();
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
            s->deadline = now_s() + s->cfg.timeout_s;
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
    s->wall_s += now_s() - t0;
    *stop = s->stop;
}

uint32_t sim_sp_low(const sim *s)
{
    return s->sp_low;
}

void sim_sp_low_set(sim *s, uint32_t sp)
{
    s->sp_low = sp;
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
    if (break_hook(s, s->n_breaks) < 0)
        return -1;
    s->n_breaks++;
    sim_blk_reflag(s);
    return 0;
}

int sim_probe_add(sim *s, uint32_t addr)
{
    addr &= ~1u;
    for (uint32_t i = 0; i < s->n_probes; i++)
        if (s->probes[i].addr == addr && s->probes[i].kind == SIM_PROBE_USER)
            return 0;
    if (s->n_user_probes == SIM_MAX_USER_PROBES || s->n_probes == SIM_MAX_PROBES)
        return -1;
    s->probes[s->n_probes].addr = addr;
    s->probes[s->n_probes].kind = SIM_PROBE_USER;
    s->n_probes++;
    s->n_user_probes++;
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

