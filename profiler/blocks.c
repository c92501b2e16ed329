/*
 * What the simulator's block counts say (any firmware, ours or not): the instruction mix and
 * the top functions of a stretch of the run (a layer's rows, from a snapshot of the block
 * totals at its begin), and the per-function totals of the whole run.
 */
#include <stdlib.h>
#include <string.h>

#include "profiler/prof_int.h"

const char *const prof_group_names[PROF_G_COUNT] = {"alu", "mul_dsp", "load_store",
                                                     "branch", "fp", "other"};

void prof_groups(const uint64_t mix[SIM_CLS_COUNT], uint64_t out[PROF_G_COUNT])
{
    static const uint8_t group[SIM_CLS_COUNT] = {
        [SIM_CLS_ALU] = PROF_G_ALU,     [SIM_CLS_MUL] = PROF_G_MUL,
        [SIM_CLS_MULL] = PROF_G_MUL,    [SIM_CLS_DIV] = PROF_G_MUL,
        [SIM_CLS_DSP] = PROF_G_MUL,     [SIM_CLS_LOAD] = PROF_G_MEM,
        [SIM_CLS_STORE] = PROF_G_MEM,   [SIM_CLS_LDM] = PROF_G_MEM,
        [SIM_CLS_BRANCH] = PROF_G_BRANCH, [SIM_CLS_FP] = PROF_G_FP,
        [SIM_CLS_FPDIV] = PROF_G_FP,    [SIM_CLS_FPMEM] = PROF_G_MEM,
        [SIM_CLS_SYS] = PROF_G_OTHER,   [SIM_CLS_OTHER] = PROF_G_OTHER};
    memset(out, 0, PROF_G_COUNT * sizeof *out);
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        out[group[k]] += mix[k];
}

/*
 * The function symbol of each block, remembered by the block's address (an open-addressing
 * table, at most half full, of twice the blocks seen): a snapshot then costs a hash probe per
 * block instead of a search of the symbol table. Index n_syms: no symbol.
 */
static uint32_t block_sym(prof *p, uint32_t addr)
{
    uint32_t off, key = addr | 1u; /* block addresses are even: 0 marks a free slot */
    if (2 * (p->bs_n + 1) > p->bs_cap) {
        uint32_t cap = p->bs_cap ? 2 * p->bs_cap : 1024;
        uint32_t *t = calloc(2 * (size_t)cap, sizeof *t);
        if (t) {
            for (uint32_t i = 0; i < p->bs_cap; i++) {
                uint32_t k = p->bs[2 * i], h;
                if (!k)
                    continue;
                for (h = (k * 2654435761u) & (cap - 1); t[2 * h]; h = (h + 1) & (cap - 1))
                    ;
                t[2 * h] = k;
                t[2 * h + 1] = p->bs[2 * i + 1];
            }
            free(p->bs);
            p->bs = t;
            p->bs_cap = cap;
        }
    }
    const sim_symbol *sym;
    if (2 * (p->bs_n + 1) > p->bs_cap) { /* no memory to grow: look it up */
        sym = sim_elf_symbol_at(p->elf, addr, &off);
        return sym ? (uint32_t)(sym - p->elf->syms) : p->elf->n_syms;
    }
    uint32_t h = (key * 2654435761u) & (p->bs_cap - 1);
    for (; p->bs[2 * h]; h = (h + 1) & (p->bs_cap - 1))
        if (p->bs[2 * h] == key)
            return p->bs[2 * h + 1];
    sym = sim_elf_symbol_at(p->elf, addr, &off);
    p->bs[2 * h] = key;
    p->bs[2 * h + 1] = sym ? (uint32_t)(sym - p->elf->syms) : p->elf->n_syms;
    p->bs_n++;
    return p->bs[2 * h + 1];
}

/* Totals of every block that ran since reset: self cycles per function symbol and executed
 * instructions per class. A layer's figures are the difference between its end and begin. */
typedef struct {
    prof *p;
    uint64_t *fn, *mix;
} snap_acc;

static void snap_add(void *ud, const sim_block_info *b)
{
    snap_acc *a = ud;
    a->fn[block_sym(a->p, b->addr)] += b->cycles;
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        a->mix[k] += b->count * b->mix[k];
}

void prof_snapshot(prof *p, uint64_t *fn, uint64_t *mix)
{
    snap_acc a = {p, fn, mix};
    memset(fn, 0, ((size_t)p->elf->n_syms + 1) * sizeof *fn);
    memset(mix, 0, SIM_CLS_COUNT * sizeof *mix);
    sim_blocks(p->s, snap_add, &a);
}

/* The layer's mix and its top functions: now minus begin. */
void prof_breakdown(prof *p, prof_layer *y, const uint64_t *fn_begin, const uint64_t *mix_begin)
{
    prof_snapshot(p, p->fn_now, p->mix_now);
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        y->mix[k] = p->mix_now[k] - mix_begin[k];
    y->n_top = 0;
    for (uint32_t i = 0; i <= p->elf->n_syms; i++) {
        uint64_t c = p->fn_now[i] - fn_begin[i];
        if (!c)
            continue;
        uint32_t j = y->n_top < PROF_TOP_FUNCS ? y->n_top++ : PROF_TOP_FUNCS;
        if (j == PROF_TOP_FUNCS && c <= y->top[PROF_TOP_FUNCS - 1].cycles)
            continue;
        if (j == PROF_TOP_FUNCS)
            j = PROF_TOP_FUNCS - 1;
        while (j > 0 && y->top[j - 1].cycles < c) { /* insertion, largest first */
            y->top[j] = y->top[j - 1];
            j--;
        }
        y->top[j].cycles = c;
        y->top[j].name = i < p->elf->n_syms ? p->elf->syms[i].display : "(no symbol)";
        y->top[j].symbol = i < p->elf->n_syms ? p->elf->syms[i].name : "(no symbol)";
    }
}

/* ===================================================================== functions */

typedef struct {
    const sim_elf *elf;
    prof_function *fn;
    uint32_t n, cap;
    int oom;
} fn_acc;

static void fn_add(void *ud, const sim_block_info *b)
{
    fn_acc *a = ud;
    uint32_t off = 0;
    const sim_symbol *sym = sim_elf_symbol_at(a->elf, b->addr, &off);
    const char *name = sym ? sym->display : "(no symbol)";
    uint32_t faddr = sym ? sym->addr : 0;
    uint32_t i;
    for (i = 0; i < a->n; i++) /* functions are few; blocks per function many */
        if (a->fn[i].addr == faddr && strcmp(a->fn[i].name, name) == 0)
            break;
    if (i == a->n) {
        if (a->n == a->cap) {
            uint32_t cap = a->cap ? a->cap * 2 : 64;
            prof_function *t = realloc(a->fn, cap * sizeof *t);
            if (!t) {
                a->oom = 1;
                return;
            }
            a->fn = t;
            a->cap = cap;
        }
        a->fn[a->n] = (prof_function){name, sym ? sym->name : name, sym ? sym->file : NULL, faddr,
                                      0, 0, 0};
        a->n++;
    }
    a->fn[i].cycles += b->cycles;
    a->fn[i].insns += b->insns;
    if (sym && b->addr == sym->addr)
        a->fn[i].entries += b->count;
}

static int by_cycles(const void *x, const void *y)
{
    const prof_function *a = x, *b = y;
    return a->cycles < b->cycles ? 1 : a->cycles > b->cycles ? -1 : strcmp(a->name, b->name);
}

uint32_t prof_functions(const sim *s, const sim_elf *elf, prof_function **out)
{
    fn_acc a = {elf, NULL, 0, 0, 0};
    sim_blocks(s, fn_add, &a);
    if (a.oom || a.n == 0) {
        free(a.fn);
        *out = NULL;
        return 0;
    }
    qsort(a.fn, a.n, sizeof *a.fn, by_cycles);
    *out = a.fn;
    return a.n;
}
