/*
 * The memory timing model: flash wait states behind the board's flash accelerator.
 *
 * The core table (sim/cost_tables.c) prices instructions at zero wait states. On a board
 * whose flash has wait states (RM latency tables: 5 on the L4R5 at 120 MHz), a flash access
 * that no buffer or cache serves costs ws more cycles. What the model sees:
 *
 *   Instruction fetch. The flash is read flash_width bytes at a time ("a line"). Every block
 *   of code in flash looks up the lines it spans in an instruction cache of icache_bytes
 *   (4-way set-associative, LRU; a miss fills the line). A line that misses costs
 *     - ws when the block was entered by a taken branch and the line is its first: the
 *       core waits for the whole access;
 *     - with prefetch (sequential lines, and the first line after a fall-through), what
 *       the prefetcher could not hide: max(0, ws + 1 - c), c = the cycles the block spends
 *       per line at zero wait states (its cycles x width / size), because the prefetcher
 *       starts the next line's read as the core starts on the current one;
 *     - without prefetch: ws.
 *   Blocks skip the lookup when nothing was filled since their last run found all their
 *   lines (the cache's generation counter); recency is then not refreshed, so LRU order is
 *   approximate for lines of blocks that run without interruption. Contents are exact.
 *
 *   Data reads from flash (weights, constants, literal pools). A read of a line other than
 *   the one last read (the flash interface's line buffer) looks it up in a data cache of
 *   dcache_bytes; a miss costs ws. Every read is seen by a Unicorn memory hook on the flash
 *   region, which slows every load of the emulator to about half speed (notes). So the hook
 *   is on only while the model learns: from reset until SIM_LEARN_QUIET (2^14) block
 *   executions pass with no new block, and again, before it runs, whenever a block that
 *   loads and was never observed is about to run (so every block's first executions are
 *   charged exactly, and a first inference is never cheaper than later ones). While it is on, reads are
 *   charged exactly; while it is off, each block is charged its average stall cycles and
 *   flash bytes per execution over the executions that were observed (16.16 fixed point,
 *   remainders carried per block, so totals do not drift). This assumes a block reads flash
 *   the same way each time it runs, which holds for kernels (weights always in flash,
 *   activations always in RAM) and is an average for code that reads both (memcpy).
 *
 * What it cannot see: bus contention (DMA), the flash's bank structure, cache line fills
 * longer than one access (ART lines of 4 accesses are modelled as 4 independent lines),
 * the Cortex-M7's cache maintenance and CCR enables (its L1 caches are taken as on), write
 * buffers (stores to flash do not happen). Runs stay deterministic: the same ELF, board and
 * inputs give the same counts, because the learning schedule depends only on the run.
 */
#include <stdlib.h>
#include <string.h>

#include "models/util.h"
#include "sim/sim_int.h"

#define CACHE_WAYS 4u

static int cache_init(sim_cache *c, uint32_t bytes, uint32_t width)
{
    uint32_t lines = width ? bytes / width : 0;
    memset(c, 0, sizeof *c);
    if (lines == 0)
        return 0;
    c->ways = lines < CACHE_WAYS ? lines : CACHE_WAYS;
    c->sets = 1;
    while (c->sets * 2 * c->ways <= lines) /* a power of two: a cache of 3 sets counts 2 */
        c->sets *= 2;
    c->tag = calloc((size_t)c->sets * c->ways, sizeof *c->tag);
    return c->tag ? 0 : -1;
}

/* Look line up; 1 on a hit (moved to the front of its set), 0 on a miss (filled, replacing
 * the least recently used way). */
static int cache_touch(sim_cache *c, uint32_t line)
{
    if (!c->sets)
        return 0;
    uint32_t *set = c->tag + (size_t)(line & (c->sets - 1)) * c->ways, t = line + 1, i;
    for (i = 0; i < c->ways; i++)
        if (set[i] == t)
            break;
    int hit = i < c->ways;
    if (!hit) {
        i = c->ways - 1;
        c->gen++;
    }
    for (; i > 0; i--)
        set[i] = set[i - 1];
    set[0] = t;
    return hit;
}

static uint32_t flash_off(const sim *s, uint32_t addr)
{
    const sim_region *f = s->flash;
    if (addr - f->base < f->size)
        return addr - f->base;
    return addr - f->alias; /* the hooks cover only the region and its alias */
}

/* A data read of flash (hook on while learning): line buffer, data cache, wait states. */
static void on_flash_read(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                          int64_t value, void *ud)
{
    sim *s = ud;
    sim_blk *b = s->last;
    (void)uc;
    (void)type;
    (void)value;
    if (!b->obs_on)
        return; /* translated before the hook: its learned average is charged instead */
    uint32_t off = flash_off(s, (uint32_t)address), n = size > 0 ? (uint32_t)size : 1, st = 0;
    for (uint32_t l = off >> s->mt_shift; l <= (off + n - 1) >> s->mt_shift; l++) {
        if (l != s->d_last) {
            s->d_last = l;
            if (!cache_touch(&s->dcache, l))
                st += s->mt_ws;
        }
    }
    s->flash_bytes += n;
    b->fbytes += n;
    b->obs_bytes += n;
    if (st) {
        s->cycles += st;
        s->data_stall += st;
        b->stall += st;
        b->obs_stall += st;
    }
}

int sim_mt_init(sim *s, char **cause)
{
    const sim_board *bd = s->board;
    s->flash = sim_board_flash(bd);
    if (!s->flash || !s->cfg.accounting)
        return 0;
    uint32_t w = bd->flash_width ? bd->flash_width : 4;
    s->mt_ws = s->flash->wait_states;
    s->mt_shift = 0;
    while ((1u << s->mt_shift) < w)
        s->mt_shift++;
    if (s->mt_ws && (cache_init(&s->icache, bd->icache_bytes, w) < 0 ||
                     cache_init(&s->dcache, bd->dcache_bytes, w) < 0)) {
        *cause = mu_asprintf("out of memory for the flash cache model");
        return -1;
    }
    return 0;
}

void sim_mt_free(sim *s)
{
    free(s->icache.tag);
    free(s->dcache.tag);
}

/* Drop a block's translation: whether its loads call the read hook is decided when Unicorn
 * translates it. */
static void retranslate(sim *s, const sim_blk *b)
{
    uc_ctl_remove_cache(s->uc, b->addr, (uint64_t)b->addr + b->size);
}

/* Turn the read hook on and observe the blocks never observed: only they are translated
 * again (with the hook's helpers); the others keep their fast translations and averages. */
static void hook_on(sim *s)
{
    const sim_region *f = s->flash;
    if (s->learning)
        return;
    s->learning = 1;
    uc_hook_add(s->uc, &s->h_flash[0], UC_HOOK_MEM_READ, (void *)on_flash_read, s, f->base,
                (uint64_t)f->base + f->size - 1);
    if (f->has_alias)
        uc_hook_add(s->uc, &s->h_flash[1], UC_HOOK_MEM_READ, (void *)on_flash_read, s,
                    f->alias, (uint64_t)f->alias + f->size - 1);
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        if (b->size && !b->obs_n && !b->obs_on) {
            retranslate(s, b);
            b->obs_on = 1;
        }
    }
}

/* Turn the read hook off, in two steps. Unicorn only marks a deleted hook and drops it when
 * uc_emu_start returns; code translated before that still gets the read helpers. So the first
 * step deletes the hooks and asks the block hook to stop at the next block (learn_quiet is
 * saturated); the second, after that stop, translates the observed blocks again without the
 * helpers and gives them their averages. */
static void hook_off(sim *s)
{
    if (!s->learning)
        return;
    if (!s->hook_deleted) {
        uc_hook_del(s->uc, s->h_flash[0]);
        if (s->flash->has_alias)
            uc_hook_del(s->uc, s->h_flash[1]);
        s->hook_deleted = 1;
        return;
    }
    s->hook_deleted = 0;
    s->learning = 0;
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        if (!b->size || !b->obs_on)
            continue;
        b->obs_on = 0;
        retranslate(s, b);
        if (b->obs_n) {
            b->d_fp = (uint32_t)(((b->obs_stall << 16) + b->obs_n / 2) / b->obs_n);
            b->b_fp = (uint32_t)(((b->obs_bytes << 16) + b->obs_n / 2) / b->obs_n);
        }
    }
}

void sim_mt_reset(sim *s)
{
    if (!s->flash || !s->cfg.accounting)
        return;
    if (s->icache.tag)
        memset(s->icache.tag, 0, (size_t)s->icache.sets * s->icache.ways * sizeof *s->icache.tag);
    if (s->dcache.tag)
        memset(s->dcache.tag, 0, (size_t)s->dcache.sets * s->dcache.ways * sizeof *s->dcache.tag);
    s->icache.gen = s->dcache.gen = 1;
    s->d_last = UINT32_MAX;
    s->fetch_stall = s->data_stall = s->flash_bytes = 0;
    s->learn_quiet = 0;
    s->learn_switch = 0;
    if (s->learning) { /* from an earlier run: outside uc_emu_start, both steps at once */
        hook_off(s);
        hook_off(s);
    }
    for (uint32_t i = 0; i < s->blk_cap; i++) {
        sim_blk *b = &s->blk[i];
        b->igen = 0;
        b->d_fp = b->b_fp = b->d_acc = b->b_acc = 0;
        b->obs_n = b->obs_stall = b->obs_bytes = b->stall = b->fbytes = 0;
        b->obs_on = 0;
    }
    hook_on(s); /* every known block is translated again with the hook */
}

/* A block seen for the first time: where its code lies in flash, its prefetch stall. */
void sim_mt_block_new(sim *s, sim_blk *b)
{
    b->igen = 0;
    b->obs_on = (uint32_t)s->learning; /* translated now: with the hook's helpers if it is on */
    if (!s->mt_ws || !b->size)
        return;
    const sim_region *f = s->flash;
    uint32_t a = b->addr;
    if (a - f->base >= f->size && !(f->has_alias && a - f->alias < f->size))
        return; /* code in RAM: no wait states */
    uint32_t off = flash_off(s, a), w = 1u << s->mt_shift;
    b->line0 = off >> s->mt_shift;
    b->nlines = ((off + b->size - 1) >> s->mt_shift) - b->line0 + 1;
    uint32_t per_line = (uint32_t)((uint64_t)b->cycles * w / b->size);
    if (per_line < 1)
        per_line = 1;
    if (!s->board->prefetch)
        b->seq_stall = s->mt_ws;
    else
        b->seq_stall = s->mt_ws + 1 > per_line ? s->mt_ws + 1 - per_line : 0;
}

void sim_mt_block(sim *s, sim_blk *b, int seq)
{
    uint32_t st = 0;
    if (b->nlines && b->igen != s->icache.gen) {
        for (uint32_t i = 0; i < b->nlines; i++) {
            if (!cache_touch(&s->icache, b->line0 + i))
                st += (i == 0 && !seq) ? s->mt_ws : b->seq_stall;
        }
        if (s->icache.sets)
            b->igen = s->icache.gen;
        s->fetch_stall += st;
    }
    if (b->obs_on) {
        b->obs_n++;
    } else if (b->d_fp | b->b_fp) {
        b->d_acc += b->d_fp;
        b->b_acc += b->b_fp;
        uint32_t d = b->d_acc >> 16, n = b->b_acc >> 16;
        b->d_acc &= 0xFFFF;
        b->b_acc &= 0xFFFF;
        s->data_stall += d;
        st += d;
        s->flash_bytes += n;
        b->fbytes += n;
    }
    b->stall += st;
    s->cycles += st;
}

void sim_mt_switch(sim *s)
{
    if (s->learn_switch == 1)
        hook_on(s);
    else if (s->learn_switch == 2)
        hook_off(s);
    s->learn_switch = 0;
    s->learn_quiet = s->hook_deleted ? SIM_LEARN_QUIET : 0; /* second step at the next block */
}
