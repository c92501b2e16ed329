/*
 * Memory use by kind (prof.h, prof_memory_use): the ELF's allocated sections classified by
 * the board region they are in and by the firmware's symbols and section names, and what
 * the run used of the slots and the arena; and its text for `run`.
 */
#include <string.h>

#include "profiler/prof_int.h"


static int in_range(const sim_elf *e, const char *lo, const char *hi, uint32_t a)
{
    const sim_symbol *l = sim_elf_symbol(e, lo), *h = sim_elf_symbol(e, hi);
    return l && h && a >= l->addr && a < h->addr;
}

/* A section of the linker script's kind: by its name, or inside the symbols' range. */
static int is_kind(const sim_elf *e, const sim_section *sc, const char *name, const char *lo,
                   const char *hi)
{
    return strcmp(sc->name, name) == 0 || in_range(e, lo, hi, sc->addr);
}

#define TSIN_MAGIC 0x4E495354u /* the input slot's header (firmware-samples/README.md) */

void prof_memory_use(const prof *p, const sim_elf *elf, const sim_board *b, prof_memory *m)
{
    const prof_inference *inf = p ? prof_last(p) : NULL;
    const sim_region *fl = sim_board_flash(b), *ram = sim_board_ram(b);
    const sim_section *input = NULL, *arena = NULL;
    memset(m, 0, sizeof *m);
    m->flash_size = fl ? fl->size : 0;
    m->ram_size = ram ? ram->size : 0;
    for (uint32_t i = 0; i < elf->n_alloc; i++) {
        const sim_section *sc = &elf->alloc[i];
        const sim_region *r = sim_board_region_at(b, sc->addr);
        if (!r)
            continue; /* not in the board's memory (notes at address 0 and the like) */
        if (r->kind == SIM_MEM_FLASH) {
            m->flash_reserved += sc->size;
            if (sc->flags & SIM_SEC_NOBITS) {
                if (is_kind(elf, sc, ".tinysim_model_slot", "tinysim_model_slot",
                            "tinysim_model_slot_end"))
                    m->model_slot += sc->size;
            } else if (sc->flags & SIM_SEC_EXEC) {
                m->text += sc->size;
            } else {
                m->rodata += sc->size;
            }
            continue;
        }
        m->ram_reserved += sc->size;
        if (!(sc->flags & SIM_SEC_NOBITS)) {
            m->data += sc->size;
        } else if (is_kind(elf, sc, ".stack", "__stack_limit__", "__stack_top__")) {
            m->stack += sc->size;
        } else if (is_kind(elf, sc, ".heap", "__heap_start__", "__heap_end__")) {
            m->heap += sc->size;
        } else if (is_kind(elf, sc, ".tinysim_arena", "tinysim_arena", "tinysim_arena_end")) {
            m->arena += sc->size;
            arena = sc;
        } else if (is_kind(elf, sc, ".tinysim_input_slot", "tinysim_input_slot",
                           "tinysim_input_slot_end")) {
            m->input += sc->size;
            input = sc;
        } else {
            m->bss += sc->size;
        }
    }
    if (inf && !inf->probed && p->li) {
        uint32_t image = p->li->image_addr, arena_at = p->li->arena_addr;
        const sim_region *r = sim_board_region_at(b, image);
        m->model = inf->model_bytes;
        m->model_in_slot = in_range(elf, "tinysim_model_slot", "tinysim_model_slot_end", image);
        m->model_where = m->model_in_slot         ? PROF_MODEL_SLOT
                         : r && r->kind == SIM_MEM_RAM ? PROF_MODEL_RAM
                                                       : PROF_MODEL_ROM;
        if (m->model_where == PROF_MODEL_ROM && m->rodata >= m->model)
            m->rodata -= m->model; /* built in: shown as the model, not as rodata */
        m->arena_used = inf->arena_size;
        m->arena_in_slot = arena && arena_at - arena->addr < arena->size;
        m->arena_elsewhere = p->li->arena_ok && !m->arena_in_slot;
    }
    if (inf)
        m->stack_peak = inf->stack_bytes;
    uint32_t hdr[2];
    if (p && p->s && input && input->size >= 16 &&
        sim_read_target(p->s, input->addr, hdr, sizeof hdr) == 0 && hdr[0] == TSIN_MAGIC &&
        hdr[1] <= input->size - 16)
        m->input_used = 16 + hdr[1];
    m->flash_used = m->text + m->rodata + m->data +
                    (m->model_where == PROF_MODEL_RAM ? 0 : m->model);
    m->ram_used = m->data + m->bss + m->heap + m->stack + m->input_used +
                  (m->arena_in_slot ? m->arena_used : 0);
}

static const char *kib(uint32_t v, char *buf, size_t n)
{
    if (v >= 10240)
        snprintf(buf, n, "%.1f KiB", v / 1024.0);
    else
        snprintf(buf, n, "%u B", v);
    return buf;
}

/* ", NAME U of R reserved" when the run used part of a reservation, else NAME is added to
 * the list of those reserved and unused. */
static void reservation(FILE *f, const char *name, uint32_t used, uint32_t reserved,
                        char *unused, size_t n)
{
    char a[24], b[24];
    size_t o = strlen(unused);
    if (!reserved)
        return;
    if (used)
        fprintf(f, ", %s %s of %s reserved", name, kib(used, a, sizeof a),
                kib(reserved, b, sizeof b));
    else
        snprintf(unused + o, n - o, "%s%s %s", o ? ", " : "", name, kib(reserved, a, sizeof a));
}

void prof_print_memory(FILE *f, const prof_memory *m)
{
    char a[6][24], unused[160] = "";
    fprintf(f, "\n--- memory (ELF sections and this run) ---\n");
    fprintf(f, "flash  %s used of %s (%.1f%%): text %s, rodata %s", kib(m->flash_used, a[0], 24),
            kib(m->flash_size, a[1], 24),
            m->flash_size ? 100.0 * m->flash_used / m->flash_size : 0.0, kib(m->text, a[2], 24),
            kib(m->rodata, a[3], 24));
    if (m->model_where == PROF_MODEL_SLOT)
        fprintf(f, ", model %s (in the model slot of %s)", kib(m->model, a[0], 24),
                kib(m->model_slot, a[1], 24));
    else if (m->model_where == PROF_MODEL_ROM)
        fprintf(f, ", model %s (built in)", kib(m->model, a[0], 24));
    fprintf(f, ", .data image %s", kib(m->data, a[0], 24));
    if (m->model_where != PROF_MODEL_SLOT)
        reservation(f, "model slot", 0, m->model_slot, unused, sizeof unused);
    fprintf(f, "%s%s\n", unused[0] ? "; reserved, unused: " : "", unused);
    unused[0] = 0;
    fprintf(f, "RAM    %s used of %s (%.1f%%): data %s, bss %s, heap %s", kib(m->ram_used, a[0], 24),
            kib(m->ram_size, a[1], 24), m->ram_size ? 100.0 * m->ram_used / m->ram_size : 0.0,
            kib(m->data, a[2], 24), kib(m->bss, a[3], 24), kib(m->heap, a[4], 24));
    fprintf(f, ", stack %s", kib(m->stack, a[0], 24));
    if (m->stack_peak)
        fprintf(f, " (peak %s)", kib(m->stack_peak, a[1], 24));
    reservation(f, "arena", m->arena_in_slot ? m->arena_used : 0, m->arena, unused,
                sizeof unused);
    reservation(f, "input slot", m->input_used, m->input, unused, sizeof unused);
    fprintf(f, "%s%s\n", unused[0] ? "; reserved, unused: " : "", unused);
    if (m->model_where == PROF_MODEL_RAM && m->arena_elsewhere)
        fprintf(f, "(the model's image, %s, and its arena, %s, are in RAM outside the tinysim "
                   "slots: counted in the sections above)\n", kib(m->model, a[0], 24),
                kib(m->arena_used, a[1], 24));
    else if (m->model_where == PROF_MODEL_RAM)
        fprintf(f, "(the model's image, %s, is in RAM: counted in the sections above)\n",
                kib(m->model, a[0], 24));
    else if (m->arena_elsewhere)
        fprintf(f, "(the model's arena, %s, is in RAM outside the arena section: counted in the "
                   "sections above)\n", kib(m->arena_used, a[0], 24));
}
