/*
 * The call graph (sim.h's sim_callgraph): calls and returns as the block hook sees them, for
 * any firmware, with no instrumentation and nothing written to the target.
 *
 * - A call: a block that starts at a function's entry (an STT_FUNC symbol, SIM_HB_FENTRY).
 *   LR then says where it returns to: a new frame (return address, SP at entry), unless LR is
 *   the top frame's return address with SP at its entry, which is a tail call (B to a
 *   function: the frame changes function) or a jump back to the function's own start.
 * - A return: a block that starts at the top frame's return address with SP back at or above
 *   the frame's entry SP (BX LR, POP {pc}, LDR pc, ...); frames entered below the SP a return
 *   sees are abandoned ones (longjmp) and go too.
 * - An exception: its entry (sim_exc_take) pushes a frame for the handler that only its
 *   exception return pops (with whatever the handler left above it).
 *
 * Figures: each node is a path (a function under its caller's node, under a context's root:
 * the profiler's layer), with the cycles and instructions that ran in it (self) and the calls
 * into it. Cycles between two events belong to the node on top at the first; an event at a
 * block's start is charged from before the block, so a function's entry block is its own.
 * The totals over all nodes equal the run's (sim_cg_check in tests).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

#define ROOT_PARENT UINT32_MAX

static uint32_t hash2(uint32_t parent, uint32_t func)
{
    uint32_t h = parent * 0x9E3779B1u ^ (func + 0x7F4A7C15u) * 0x85EBCA77u;
    return h ^ (h >> 15);
}

static int grow_hash(sim *s)
{
    uint32_t cap = s->cg_hcap ? s->cg_hcap * 2 : 4096;
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h)
        return -1;
    for (uint32_t i = 0; i < s->cg_n; i++) {
        uint32_t j = hash2(s->cg_nodes[i].parent, s->cg_nodes[i].func) & (cap - 1);
        while (h[j])
            j = (j + 1) & (cap - 1);
        h[j] = i + 1;
    }
    free(s->cg_hash);
    s->cg_hash = h;
    s->cg_hcap = cap;
    return 0;
}

/* The node of func under parent, made if new; the parent itself when the table is full. */
static uint32_t child(sim *s, uint32_t parent, uint32_t func)
{
    if (s->cg_hcap) {
        uint32_t j = hash2(parent, func) & (s->cg_hcap - 1);
        for (uint32_t k; (k = s->cg_hash[j]) != 0; j = (j + 1) & (s->cg_hcap - 1))
            if (s->cg_nodes[k - 1].parent == parent && s->cg_nodes[k - 1].func == func)
                return k - 1;
    }
    if (s->cg_n >= SIM_CG_MAX_NODES || ((s->cg_n + 1) * 2 > s->cg_hcap && grow_hash(s) < 0)) {
        s->cg_full = 1;
        return parent == ROOT_PARENT ? 0 : parent;
    }
    if (s->cg_n == s->cg_cap) {
        uint32_t cap = s->cg_cap ? s->cg_cap * 2 : 1024;
        sim_cg_node *n = realloc(s->cg_nodes, cap * sizeof *n);
        if (!n) {
            s->cg_full = 1;
            return parent == ROOT_PARENT ? 0 : parent;
        }
        s->cg_nodes = n;
        s->cg_cap = cap;
    }
    uint32_t i = s->cg_n++;
    memset(&s->cg_nodes[i], 0, sizeof s->cg_nodes[i]);
    s->cg_nodes[i].func = func;
    s->cg_nodes[i].parent = parent;
    uint32_t j = hash2(parent, func) & (s->cg_hcap - 1);
    while (s->cg_hash[j])
        j = (j + 1) & (s->cg_hcap - 1);
    s->cg_hash[j] = i + 1;
    return i;
}

/* Cycles and instructions up to (cycles, insns) go to the current node. */
static void account(sim *s, uint64_t cycles, uint64_t insns)
{
    if (s->cg_n == 0 || cycles < s->cg_mark_cycles || insns < s->cg_mark_insns)
        return;
    sim_cg_node *n = &s->cg_nodes[s->cg_cur];
    n->cycles += cycles - s->cg_mark_cycles;
    n->insns += insns - s->cg_mark_insns;
    s->cg_mark_cycles = cycles;
    s->cg_mark_insns = insns;
}

/* One event for a trace, at the accounting mark (the event's instant), when recording. */
static void ev(sim *s, int kind, uint32_t func, uint32_t sp)
{
    if (!s->cg_ev_max)
        return;
    if (s->cg_ev_n == s->cg_ev_max) {
        s->cg_ev_lost = 1;
        return;
    }
    if (s->cg_ev_n == s->cg_ev_cap) {
        uint32_t cap = s->cg_ev_cap ? s->cg_ev_cap * 2 : 65536;
        if (cap > s->cg_ev_max)
            cap = s->cg_ev_max;
        sim_cg_event *e = realloc(s->cg_ev, cap * sizeof *e);
        if (!e) {
            s->cg_ev_lost = 1;
            return;
        }
        s->cg_ev = e;
        s->cg_ev_cap = cap;
    }
    s->cg_ev[s->cg_ev_n++] =
        (sim_cg_event){s->cg_mark_cycles, func, sp, (uint16_t)s->cg_depth, (uint8_t)kind};
}

static uint32_t frame_func(const sim *s, const sim_cg_frame *f)
{
    return s->cg_nodes[f->node].func;
}

/* Frames above depth d end (their EXIT events, innermost first). */
static void pop_to(sim *s, uint32_t d)
{
    while (s->cg_depth > d) {
        s->cg_depth--;
        ev(s, SIM_CG_EXIT, frame_func(s, &s->cg_stack[s->cg_depth]), s->cg_stack[s->cg_depth].sp);
    }
}

static void top_changed(sim *s)
{
    uint32_t d = s->cg_depth;
    s->cg_cur = d ? s->cg_stack[d - 1].node : s->cg_root;
    s->cg_ret = d ? s->cg_stack[d - 1].ret : 1; /* 1: no block starts there */
}

void sim_cg_reset(sim *s)
{
    s->cg_n = 0;
    if (s->cg_hash)
        memset(s->cg_hash, 0, s->cg_hcap * sizeof *s->cg_hash);
    s->cg_depth = 0;
    s->cg_deep = 0;
    s->cg_full = 0;
    s->cg_ctx = 0;
    s->cg_ev_n = 0;
    s->cg_ev_lost = 0;
    s->cg_mark_cycles = s->cycles;
    s->cg_mark_insns = s->insns;
    s->cg_root = child(s, ROOT_PARENT, 0);
    top_changed(s);
}

static void push(sim *s, uint32_t func, uint32_t ret, uint32_t sp, int exc)
{
    if (s->cg_depth == SIM_CG_DEPTH) {
        s->cg_deep++; /* deeper than tracked: its time stays with the deepest frame */
        return;
    }
    uint32_t node = child(s, s->cg_cur, func);
    s->cg_nodes[node].calls++;
    s->cg_stack[s->cg_depth++] = (sim_cg_frame){node, ret, sp, exc};
    ev(s, SIM_CG_ENTER, func, sp);
    top_changed(s);
}

void sim_cg_block(sim *s, const sim_blk *b, uint32_t addr)
{
    if (s->replaying || s->cg_n == 0)
        return;
    account(s, s->cycles - b->cycles, s->insns - b->insns);
    uint32_t sp = sim_reg(s, UC_ARM_REG_SP);
    if (addr == s->cg_ret) {
        uint32_t d = s->cg_depth;
        /* abandoned frames (entered below this SP), then the frames returning here */
        while (d && !s->cg_stack[d - 1].exc && s->cg_stack[d - 1].sp < sp &&
               s->cg_stack[d - 1].ret != addr)
            d--;
        while (d && !s->cg_stack[d - 1].exc && s->cg_stack[d - 1].ret == addr &&
               sp >= s->cg_stack[d - 1].sp)
            d--;
        pop_to(s, d);
        top_changed(s);
    }
    if (!(b->flags & SIM_HB_FENTRY))
        return;
    uint32_t lr = sim_reg(s, UC_ARM_REG_LR), d = s->cg_depth;
    if (d && s->cg_stack[d - 1].exc && s->cg_nodes[s->cg_stack[d - 1].node].func == addr)
        return; /* the handler's entry, pushed when the exception was taken */
    if (d && !s->cg_stack[d - 1].exc && (lr & ~1u) == s->cg_stack[d - 1].ret &&
        sp == s->cg_stack[d - 1].sp) {
        sim_cg_frame *f = &s->cg_stack[d - 1];
        if (s->cg_nodes[f->node].func == addr)
            return; /* a jump back to the function's start */
        /* a tail call: the frame now runs another function for the same caller */
        uint32_t parent = s->cg_nodes[f->node].parent;
        uint32_t node = child(s, parent == ROOT_PARENT ? s->cg_root : parent, addr);
        s->cg_nodes[node].calls++;
        s->cg_depth--;
        ev(s, SIM_CG_EXIT, s->cg_nodes[f->node].func, f->sp);
        s->cg_depth++;
        f->node = node;
        ev(s, SIM_CG_ENTER, addr, f->sp);
        top_changed(s);
        return;
    }
    push(s, addr, lr & ~1u, sp, 0);
}

void sim_cg_exc_enter(sim *s, uint32_t handler)
{
    if (s->replaying || s->cg_n == 0)
        return;
    account(s, s->cycles, s->insns);
    push(s, handler & ~1u, 1, 0, 1);
}

void sim_cg_exc_exit(sim *s)
{
    if (s->replaying || s->cg_n == 0)
        return;
    account(s, s->cycles, s->insns);
    uint32_t d = s->cg_depth;
    while (d && !s->cg_stack[d - 1].exc)
        d--;
    if (d) /* the handler's frame and whatever it left above it */
        pop_to(s, d - 1);
    top_changed(s);
}

void sim_cg_set_context(sim *s, uint32_t ctx)
{
    if (s->cg_n == 0 || ctx == s->cg_ctx)
        return;
    /* from a probe, in the block hook's slow path: up to the probe's block, which is the
     * probe function's own (its call is the event after this one) */
    if (s->cg_in_slow)
        account(s, s->cg_blk_cycles, s->cg_blk_insns);
    else
        account(s, s->cycles, s->insns);
    s->cg_ctx = ctx;
    ev(s, SIM_CG_CONTEXT, ctx, 0);
    s->cg_root = child(s, ROOT_PARENT, ctx);
    /* the frames open now continue under the new context's root */
    uint32_t node = s->cg_root;
    for (uint32_t i = 0; i < s->cg_depth; i++) {
        node = child(s, node, s->cg_nodes[s->cg_stack[i].node].func);
        s->cg_stack[i].node = node;
    }
    top_changed(s);
}

const sim_cg_node *sim_callgraph(sim *s, uint32_t *n, sim_cg_info *info)
{
    account(s, s->cycles, s->insns);
    *n = s->cg_n;
    if (info) {
        info->depth = s->cg_depth;
        info->deeper_calls = s->cg_deep;
        info->full = s->cg_full;
    }
    return s->cg_nodes;
}

void sim_cg_trace(sim *s, uint32_t max_events)
{
    s->cg_ev_max = max_events;
    if (s->cg_ev_n > max_events)
        s->cg_ev_n = max_events;
}

void sim_cg_mark(sim *s, uint32_t what)
{
    if (s->cg_n == 0)
        return;
    if (s->cg_in_slow)
        account(s, s->cg_blk_cycles, s->cg_blk_insns);
    else
        account(s, s->cycles, s->insns);
    ev(s, SIM_CG_MARK, what, 0);
}

const sim_cg_event *sim_cg_events(const sim *s, uint32_t *n, int *truncated)
{
    *n = s->cg_ev_n;
    if (truncated)
        *truncated = s->cg_ev_lost;
    return s->cg_ev;
}
