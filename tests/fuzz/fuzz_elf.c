/*
 * libFuzzer target for the firmware ELF reader: any bytes as a firmware file go through
 * sim_elf_parse (sim/elf.c, libelf underneath). A file it accepts is then queried as the
 * simulator and the profiler query it: sim_elf_symbol for every symbol's name and a few
 * others, sim_elf_symbol_at at the entry, the segments' and sections' bounds, every
 * function's start and end and addresses taken from the input, sim_core_runs_arch for every
 * core, sim_arch_name.
 *
 * What must hold (sim/elf.h's promises), each checked with abort(): segment data inside the
 * owned file copy, filesz <= memsz, no segment wrapping past 4 GiB, at most
 * SIM_ELF_MAX_SEGMENTS of them; symbols sorted by address, each found by its name (as a
 * symbol of that name); executable sections sorted by address; a function found at an
 * address contains it (offset = address - start, < size when it has one); the board name
 * 1..31 characters of [a-z0-9._-]; the CPU name printable; sim_core_runs_arch gives a reason
 * exactly when it says no. A refused file comes with a message. No crash, no leak, no hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board.h"
#include "sim/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_elf: invariant violated: %s (line %d)\n", #cond,    \
                    __LINE__);                                                        \
            abort();                                                                  \
        }                                                                             \
    } while (0)

static void check_at(const sim_elf *e, uint32_t addr)
{
    uint32_t off = 0xdeadbeefu;
    const sim_symbol *f = sim_elf_symbol_at(e, addr, &off);
    if (f == NULL)
        return;
    CHECK(f >= e->syms && f < e->syms + e->n_syms);
    CHECK(f->is_func);
    uint32_t a = addr & ~1u;
    CHECK(off == a - f->addr);
    CHECK(a >= f->addr);
    if (f->size > 0)
        CHECK(off < f->size);
    CHECK(sim_elf_symbol_at(e, addr, NULL) == f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(data, size, "fuzz.elf", &cause);
    if (e == NULL) {
        CHECK(cause != NULL && strncmp(cause, "fuzz.elf", 8) == 0);
        free(cause);
        return 0;
    }
    CHECK(e->file != NULL && e->file_size == size && strcmp(e->path, "fuzz.elf") == 0);

    CHECK(e->n_segs <= SIM_ELF_MAX_SEGMENTS);
    for (uint32_t i = 0; i < e->n_segs; i++) {
        const sim_segment *s = &e->segs[i];
        CHECK(s->filesz <= s->memsz && (s->filesz > 0 || s->memsz > 0));
        CHECK((uint64_t)s->paddr + s->memsz <= 0x100000000ull);
        CHECK((uint64_t)s->vaddr + s->memsz <= 0x100000000ull);
        if (s->filesz > 0) {
            CHECK(s->data >= e->file && s->data <= e->file + e->file_size &&
                  s->filesz <= (size_t)(e->file + e->file_size - s->data));
            /* touch the first and last byte: both must be inside the copy */
            volatile uint8_t x = s->data[0];
            x = s->data[s->filesz - 1];
            (void)x;
        } else {
            CHECK(s->data == NULL);
        }
        check_at(e, s->vaddr);
        check_at(e, s->paddr);
        check_at(e, s->vaddr + s->memsz);
    }

    CHECK(e->n_syms <= SIM_ELF_MAX_SYMBOLS);
    for (uint32_t i = 0; i < e->n_syms; i++) {
        const sim_symbol *s = &e->syms[i];
        CHECK(s->name != NULL && strlen(s->name) <= SIM_ELF_MAX_NAME);
        CHECK(s->bind <= 2);
        if (i > 0)
            CHECK(e->syms[i - 1].addr <= s->addr);
        const sim_symbol *byname = sim_elf_symbol(e, s->name);
        CHECK(byname != NULL && strcmp(byname->name, s->name) == 0);
        if (s->is_func && i < 256) {
            check_at(e, s->addr);
            check_at(e, s->addr | 1u);
            check_at(e, s->addr - 1);
            check_at(e, s->addr + (s->size ? s->size - 1 : 1));
            check_at(e, s->addr + s->size);
        }
    }
    CHECK(sim_elf_symbol(e, "") == NULL || sim_elf_symbol(e, "")->name[0] == 0);
    (void)sim_elf_symbol(e, "main");
    (void)sim_elf_symbol(e, "nn_probe_layer_begin");
    (void)sim_elf_symbol(e, "_estack");

    for (uint32_t i = 0; i < e->n_exec; i++) {
        const sim_section *s = &e->exec[i];
        CHECK(s->name != NULL && (s->flags & SIM_SEC_EXEC));
        if (i > 0)
            CHECK(e->exec[i - 1].addr <= s->addr);
        check_at(e, s->addr);
        check_at(e, s->addr + s->size - 1);
        check_at(e, s->addr + s->size);
    }
    for (uint32_t i = 0; i < e->n_alloc; i++) {
        const sim_section *s = &e->alloc[i];
        CHECK(s->name != NULL && s->size > 0);
        if (i > 0)
            CHECK(e->alloc[i - 1].addr <= s->addr);
    }

    check_at(e, e->entry);
    check_at(e, 0);
    check_at(e, 0xffffffffu);
    /* addresses from the input itself */
    for (size_t i = 0; i + 4 <= size && i < 256; i += 4) {
        uint32_t a;
        memcpy(&a, data + i, 4);
        check_at(e, a);
    }

    if (e->cpu_name) {
        for (const char *c = e->cpu_name; *c; c++)
            CHECK(*c >= 0x20 && *c < 0x7f);
    }
    if (e->board) {
        size_t n = strlen(e->board);
        CHECK(n >= 1 && n <= 31);
        CHECK(strspn(e->board, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n);
    }
    (void)sim_arch_name(e->cpu_arch);
    for (int c = 0; c < SIM_CORE_COUNT; c++) {
        const char *why = NULL;
        int ok = sim_core_runs_arch((sim_core)c, e, &why);
        CHECK(ok == 0 || ok == 1);
        CHECK(ok ? why == NULL : why != NULL && why[0] != 0);
        CHECK(sim_core_runs_arch((sim_core)c, e, NULL) == ok);
    }
    sim_elf_free(e);
    return 0;
}
