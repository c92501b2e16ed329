/*
 * The block cost cache: decoded blocks by address and size (open addressing), their slow-path
 * flags, the M7's branch predictor slots, and code that changes under a decoded block
 * (self-modifying code, host writes): the block is priced again and its old totals retired.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

int sim_blk_grow(sim *s)
{
    uint32_t cap = s->blk_cap ? s->blk_cap * 2 : 4096;
    sim_blk *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        if (!b->size)
            continue;
        uint32_t j = sim_blk_hash(b->addr, b->size) & (cap - 1);
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
    if ((c->flags & SIM_BLK_FP) && !s->warned_fp && !sim_fpu_enabled(s))
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
    uint32_t off;
    const sim_symbol *fn = sim_elf_symbol_at(s->elf, b->addr, &off);
    if (fn && off == 0 && fn->is_func)
        f |= SIM_HB_FENTRY;
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
            uint32_t j = sim_blk_hash(s->bp_key[i], 0) & (cap - 1);
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
    uint32_t j = sim_blk_hash(end, 0) & (s->bp_keycap - 1);
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

sim_blk *sim_blk_fill(sim *s, uint32_t addr, uint32_t size)
{
    uint8_t code[4096];
    sim_block_cost c;
    if ((s->blk_used + 1) * 2 > s->blk_cap && sim_blk_grow(s) < 0)
        return NULL;
    uint32_t n = size < sizeof code ? size : (uint32_t)sizeof code;
    if (sim_read_target(s, addr, code, n) < 0)
        n = 0;
    sim_cost_block(s->coster, code, n, addr, &c);

    uint32_t j = sim_blk_hash(addr, size) & (s->blk_cap - 1);
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
        const sim_mem *m = sim_mem_at(s, addr, &off);
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
int sim_blk_check_code(sim *s, sim_blk *b)
{
    uint8_t now[4096];
    if (b->size > sizeof now || sim_read_target(s, b->addr, now, b->size) < 0)
        return 0;
    if (memcmp(now, b->code, b->size) == 0)
        return 0;
    return code_changed(s, b, now);
}

/*
 * A host write over code that has run (semihosting SYS_READ into RAM code, a slot written
 * again): Unicorn's translations of it are dropped (it does not see writes through the
 * mapped buffers), and decoded flash blocks in the range keep a copy of the bytes they were
 * priced from, so their next execution notices the change (RAM blocks always have one).
 */
void sim_blk_host_wrote(sim *s, uint32_t addr, uint32_t len)
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
