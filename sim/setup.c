/*
 * Setting the engine up: a Unicorn opened as the board's Cortex-M with its memory mapped and
 * the hooks installed (sim_engine_open, also used by the fault locator's re-run), sim_new and
 * sim_free, and reset from the vector table.
 */
#include <stdlib.h>
#include <string.h>

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

/* Is [addr, addr+len) inside one region (at its base or alias)? */
static int range_in_board(const sim_board *b, uint32_t addr, uint32_t len)
{
    return len == 0 || sim_board_range_at(b, addr, len) != NULL;
}

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


int sim_engine_open(sim *s, char **cause)
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
        uc_hook_add(s->uc, &s->h_block, UC_HOOK_BLOCK, (void *)sim_on_block, s, 1, 0)) {
        *cause = mu_asprintf("cannot install the block hook");
        return -1;
    }
    if (uc_hook_add(s->uc, &s->h_intr, UC_HOOK_INTR, (void *)sim_on_intr, s, 1, 0) ||
        uc_hook_add(s->uc, &s->h_mem, UC_HOOK_MEM_INVALID, (void *)on_unmapped, s, 1, 0)) {
        *cause = mu_asprintf("cannot install the interrupt hook");
        return -1;
    }
    if (s->code_lo &&
        uc_hook_add(s->uc, &s->h_code, UC_HOOK_CODE, (void *)sim_on_code, s, s->code_lo, s->code_hi)) {
        *cause = mu_asprintf("cannot install the code hook");
        return -1;
    }
    for (uint32_t i = 0; i < s->n_breaks; i++) { /* a re-run's new engine */
        if (sim_break_hook(s, i) < 0) {
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
    s->mwatch_hit = -1;
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
    if (sim_blk_grow(s) < 0) {
        *cause = mu_asprintf("out of memory");
        goto err;
    }
    if (sim_engine_open(s, cause) < 0 || sim_mt_init(s, cause) < 0)
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
    free(s->cg_nodes);
    free(s->cg_ev);
    free(s->cg_hash);
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
    sim_mem *sm = sim_mem_at(s, vec[0] - 4, &off);
    if ((vec[0] & 3) || !sm || sm->flash) {
        *cause = mu_asprintf("vector table at 0x%08x: initial SP 0x%08x is not a word-aligned "
                             "RAM address; is this a Cortex-M firmware image for board %s?",
                             s->boot_addr, vec[0], s->board->name);
        return -1;
    }
    sim_mem *pm = sim_mem_at(s, vec[1] & ~1u, &off);
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
    s->mwatch_hit = -1;
    for (uint32_t i = 0; i < s->n_mwatch; i++) /* a watch compares with memory at reset */
        sim_read_target(s, s->mwatch[i].addr, s->mwatch[i].val, s->mwatch[i].len);
    s->n_ucalls = 0;
    s->warned_ucalls = 0;
    sim_cg_reset(s);
    for (uint32_t i = 0; i < SIM_SP_TIMELINE; i++)
        s->sp_tl[i] = UINT32_MAX;
    s->sp_tl_shift = 10;
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
    sim_set_ipsr(s, 0);
    sim_set_reg(s, UC_ARM_REG_SP, vec[0]);
    sim_set_reg(s, UC_ARM_REG_PC, vec[1]);
    memset(&s->stop, 0, sizeof s->stop);
    sim_schedule(s);
    return 0;
}

