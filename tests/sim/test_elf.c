/*
 * Tests for sim/elf.c: real firmware ELFs built at test time from tests/sim/fixtures/mini.c
 * with arm-none-eabi-gcc for several cores (segments, symbols, lookups, .ARM.attributes,
 * the board note, the core/architecture matrix), and hostile input: foreign and corrupt
 * ELFs, every truncation, bit flips and random damage, which must give a message, never a
 * crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include "../../models/util.h"
#include "../../sim/board.h"
#include "../../sim/elf.h"
#include "../testlib.h"

/* ===================================================================== fixtures */

/* The fixture builds: id and compiler flags (tests/sim/fixtures/mini.c has the recipe). */
typedef enum { FX_M0P, FX_M3, FX_M4F, FX_M7, FX_M33, FX_A7, FX_COUNT } fx_id;

static const struct {
    const char *id, *flags;
} fx[FX_COUNT] = {
    [FX_M0P] = {"m0plus", "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft"},
    [FX_M3] = {"m3", "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft"},
    [FX_M4F] = {"m4f", "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"},
    [FX_M7] = {"m7", "-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard"},
    [FX_M33] = {"m33", "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard"},
    [FX_A7] = {"a7", "-mcpu=cortex-a7 -marm"},
};

#define FX_SRC "tests/sim/fixtures/mini.c"
#define FX_LD "tests/sim/fixtures/mini.ld"

static char *fx_dir;      /* temporary directory with the builds; NULL when skipped */
static char *fx_path[FX_COUNT];
static char *fx_obj;      /* a relocatable object (ET_REL) */

static int build(const char *flags, const char *out, int link)
{
    char *cmd = mu_asprintf("arm-none-eabi-gcc %s -Os -ffreestanding -nostdlib -nostartfiles "
                            "%s%s -o '%s' " FX_SRC,
                            flags, link ? "-T " FX_LD : "-c",
                            link ? " -Wl,--no-warn-rwx-segments" : "", out);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "fixture build failed (%d): %s\n", rc, cmd);
    free(cmd);
    return rc;
}

/* Build every fixture into a fresh directory under $TMPDIR (else build/). Without
 * arm-none-eabi-gcc the fixture tests skip with a message; the others still run. */
static int fx_setup(void **state)
{
    (void)state;
    if (system("arm-none-eabi-gcc --version >/dev/null 2>&1") != 0) {
        printf("SKIP: arm-none-eabi-gcc not found: the tests on real firmware ELFs need it "
               "(Debian: gcc-arm-none-eabi)\n");
        return 0;
    }
    if (access(FX_SRC, R_OK) != 0) {
        fprintf(stderr, "%s not found: run the tests from the repository root\n", FX_SRC);
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    char *tmpl = mu_asprintf("%s/tinysim-test_elf-XXXXXX", tmp && *tmp ? tmp : "build");
    if (mkdtemp(tmpl) == NULL) {
        fprintf(stderr, "cannot create %s\n", tmpl);
        free(tmpl);
        return -1;
    }
    fx_dir = tmpl;
    for (int i = 0; i < FX_COUNT; i++) {
        fx_path[i] = mu_asprintf("%s/mini-%s.elf", fx_dir, fx[i].id);
        if (build(fx[i].flags, fx_path[i], 1) != 0)
            return -1;
    }
    fx_obj = mu_asprintf("%s/mini-m4f.o", fx_dir);
    return build(fx[FX_M4F].flags, fx_obj, 0) != 0 ? -1 : 0;
}

static int fx_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < FX_COUNT; i++) {
        if (fx_path[i])
            remove(fx_path[i]);
        free(fx_path[i]);
        fx_path[i] = NULL;
    }
    if (fx_obj)
        remove(fx_obj);
    free(fx_obj);
    fx_obj = NULL;
    if (fx_dir)
        rmdir(fx_dir);
    free(fx_dir);
    fx_dir = NULL;
    return 0;
}

#define NEED_FIXTURES()                                                                     \
    do {                                                                                    \
        if (fx_dir == NULL)                                                                 \
            skip();                                                                         \
    } while (0)

static sim_elf *fx_open(fx_id id)
{
    sim_elf *e = NULL;
    char *cause = NULL;
    if (sim_elf_open(fx_path[id], &e, &cause) != 0)
        fail_msg("%s", cause);
    return e;
}

static uint8_t *fx_bytes(fx_id id, size_t *len)
{
    uint8_t *d;
    char *cause = NULL;
    if (mu_read_file(fx_path[id], &d, len, &cause) != 0)
        fail_msg("%s", cause);
    return d;
}

/* Parse bytes that must be refused; returns the message (caller frees) after checking that
 * it names the file. */
static char *refuse(const uint8_t *d, size_t n)
{
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    if (e != NULL)
        fail_msg("accepted an ELF that should be refused");
    assert_non_null(cause);
    assert_true(strncmp(cause, "fw.elf: ", 8) == 0);
    return cause;
}

static void assert_refused(const uint8_t *d, size_t n, const char *want)
{
    char *cause = refuse(d, n);
    if (strstr(cause, want) == NULL)
        fail_msg("got '%s', expected '%s'", cause, want);
    free(cause);
}

/* ELF32 little-endian field access for patching fixtures. */
static uint32_t g32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t g16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void p32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static void p16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

/* The section header of the section called name (NULL if none). */
static uint8_t *find_shdr(uint8_t *d, const char *name)
{
    uint32_t shoff = g32(d + 32);
    unsigned shnum = g16(d + 48), strndx = g16(d + 50);
    const uint8_t *strs = d + g32(d + shoff + strndx * 40 + 16);
    for (unsigned i = 0; i < shnum; i++) {
        uint8_t *sh = d + shoff + i * 40;
        if (strcmp((const char *)strs + g32(sh), name) == 0)
            return sh;
    }
    return NULL;
}

/* The program header of the first PT_LOAD. */
static uint8_t *first_load(uint8_t *d)
{
    uint32_t phoff = g32(d + 28);
    for (unsigned i = 0; i < g16(d + 44); i++) {
        if (g32(d + phoff + i * 32) == 1)
            return d + phoff + i * 32;
    }
    fail_msg("fixture has no PT_LOAD");
    return NULL;
}

/* ===================================================================== real ELFs */

static void test_fixture_contents(void **state)
{
    (void)state;
    NEED_FIXTURES();
    for (int i = 0; i < FX_COUNT; i++) {
        sim_elf *e = fx_open((fx_id)i);
        assert_string_equal(e->path, fx_path[i]);
        /* Two PT_LOADs: flash (code, rodata, note) and .data loaded in flash, run in RAM. */
        assert_int_equal(e->n_segs, 2);
        assert_int_equal(e->segs[0].paddr, 0x08000000);
        assert_int_equal(e->segs[0].vaddr, 0x08000000);
        assert_true(e->segs[0].filesz > 0x40);
        assert_true(e->segs[0].data >= e->file &&
                    e->segs[0].data + e->segs[0].filesz <= e->file + e->file_size);
        assert_int_equal(g32(e->segs[0].data), 0x20004000); /* initial SP = _estack */
        assert_int_equal(e->segs[1].vaddr, 0x20000000);
        assert_int_not_equal(e->segs[1].paddr, 0x20000000);
        assert_int_equal(e->segs[1].filesz, 4);
        assert_int_equal(g32(e->segs[1].data), 5);    /* mini_data = 5 */
        assert_int_equal(e->segs[1].memsz, 4 + 128);  /* + mini_bss */
        assert_string_equal(e->board, "nucleo-l4r5zi");

        const sim_symbol *rh = sim_elf_symbol(e, "Reset_Handler");
        assert_non_null(rh);
        assert_true(rh->is_func);
        assert_int_equal(rh->bind, 1);
        assert_int_equal(rh->addr & 1, 0);
        assert_int_equal(e->entry & ~1u, rh->addr);
        assert_int_equal(e->entry & 1, i != FX_A7); /* Thumb entry on M profile */
        assert_int_equal(g32(e->segs[0].data + 4), rh->addr | (i != FX_A7));

        const sim_symbol *t = sim_elf_symbol(e, "mini_table");
        assert_non_null(t);
        assert_false(t->is_func);
        assert_int_equal(t->size, 64);
        const sim_symbol *st = sim_elf_symbol(e, "_estack");
        assert_non_null(st);
        assert_int_equal(st->addr, 0x20004000);
        assert_non_null(sim_elf_symbol(e, "_sidata"));
        assert_non_null(sim_elf_symbol(e, "mini_bss"));
        const sim_symbol *h = sim_elf_symbol(e, "helper");
        assert_non_null(h);
        assert_int_equal(h->bind, 0);
        /* Mapping symbols, section and file symbols are left out. */
        assert_null(sim_elf_symbol(e, "$t"));
        assert_null(sim_elf_symbol(e, "$a"));
        assert_null(sim_elf_symbol(e, "$d"));
        assert_null(sim_elf_symbol(e, ".text"));
        assert_null(sim_elf_symbol(e, "mini.c"));
        assert_null(sim_elf_symbol(e, "no_such_symbol"));
        assert_null(sim_elf_symbol(e, ""));
        for (uint32_t k = 1; k < e->n_syms; k++)
            assert_true(e->syms[k - 1].addr <= e->syms[k].addr);

        /* .text is an executable section and contains the functions. */
        int found = 0;
        for (uint32_t k = 0; k < e->n_exec; k++) {
            if (strcmp(e->exec[k].name, ".text") == 0) {
                found = 1;
                assert_true(rh->addr - e->exec[k].addr < e->exec[k].size);
            }
            assert_string_not_equal(e->exec[k].name, ".rodata");
        }
        assert_true(found);
        sim_elf_free(e);
    }
}

static void test_attributes(void **state)
{
    (void)state;
    NEED_FIXTURES();
    static const struct {
        int arch, profile, fp, vfp, hardfp;
        const char *cpu_name, *arch_name;
    } want[FX_COUNT] = {
        [FX_M0P] = {12, 'M', 0, 0, 0, "6S-M", "v6S-M"},
        [FX_M3] = {10, 'M', 0, 0, 0, "7-M", "v7"},
        [FX_M4F] = {13, 'M', 6, 1, 1, "7E-M", "v7E-M"},
        [FX_M7] = {13, 'M', 8, 1, 0, "7E-M", "v7E-M"},
        [FX_M33] = {17, 'M', 8, 1, 1, "8-M.MAIN", "v8-M.main"},
        [FX_A7] = {10, 'A', 0, 0, 0, "7-A", "v7"},
    };
    for (int i = 0; i < FX_COUNT; i++) {
        sim_elf *e = fx_open((fx_id)i);
        assert_int_equal(e->cpu_arch, want[i].arch);
        assert_int_equal(e->cpu_profile, want[i].profile);
        assert_int_equal(e->fp_arch, want[i].fp);
        assert_int_equal(e->abi_vfp_args, want[i].vfp);
        assert_int_equal(e->hardfp_use, want[i].hardfp);
        assert_non_null(e->cpu_name);
        assert_string_equal(e->cpu_name, want[i].cpu_name);
        assert_string_equal(sim_arch_name(e->cpu_arch), want[i].arch_name);
        sim_elf_free(e);
    }
}

/* Which fixture runs on which core (rows: fixtures; columns: M0+, M3, M4F, M7, M33). */
static void test_runs_arch_matrix(void **state)
{
    (void)state;
    NEED_FIXTURES();
    static const int runs[FX_COUNT][SIM_CORE_COUNT] = {
        [FX_M0P] = {1, 1, 1, 1, 1},
        [FX_M3] = {0, 1, 1, 1, 1},
        [FX_M4F] = {0, 0, 1, 1, 1},
        [FX_M7] = {0, 0, 0, 1, 0},  /* FPv5 double precision: only the M7 */
        [FX_M33] = {0, 0, 0, 0, 1},
        [FX_A7] = {0, 0, 0, 0, 0},
    };
    for (int i = 0; i < FX_COUNT; i++) {
        sim_elf *e = fx_open((fx_id)i);
        for (int c = 0; c < SIM_CORE_COUNT; c++) {
            const char *why = "unset";
            int r = sim_core_runs_arch((sim_core)c, e, &why);
            if (r != runs[i][c])
                fail_msg("%s on %s: got %d (%s)", fx[i].id, sim_core_name((sim_core)c), r,
                         why ? why : "-");
            if (r)
                assert_null(why);
            else
                assert_true(why != NULL && strlen(why) > 10);
        }
        const char *why;
        if (i == FX_A7) {
            sim_core_runs_arch(SIM_CORE_M7, e, &why);
            assert_non_null(strstr(why, "A-profile"));
        }
        if (i == FX_M4F) {
            sim_core_runs_arch(SIM_CORE_M3, e, &why);
            assert_string_equal(why, "the Cortex-M3 has no DSP extension (ARMv7E-M): build with "
                                     "-mcpu=cortex-m3");
        }
        if (i == FX_M33) {
            sim_core_runs_arch(SIM_CORE_M4F, e, &why);
            assert_non_null(strstr(why, "ARMv8-M"));
            sim_core_runs_arch(SIM_CORE_M0P, e, &why);
            assert_non_null(strstr(why, "ARMv6-M only"));
        }
        if (i == FX_M7) {
            sim_core_runs_arch(SIM_CORE_M4F, e, &why);
            assert_non_null(strstr(why, "FPv5"));
            sim_core_runs_arch(SIM_CORE_M33, e, &why);
            assert_non_null(strstr(why, "single-precision only"));
        }
        sim_elf_free(e);
    }
}

/* The rules on attribute values no fixture has. */
static void test_runs_arch_rules(void **state)
{
    (void)state;
    sim_elf e;
    const char *why;
    memset(&e, 0, sizeof e);
    e.cpu_arch = -1; /* no attributes: allowed everywhere */
    for (int c = 0; c < SIM_CORE_COUNT; c++)
        assert_int_equal(sim_core_runs_arch((sim_core)c, &e, &why), 1);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M0P, NULL, &why), 1);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M0P, &e, NULL), 1);

    e.abi_vfp_args = 1; /* hard-float without other attributes */
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M0P, &e, &why), 0);
    assert_non_null(strstr(why, "needs an FPU"));
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M3, &e, &why), 0);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M4F, &e, &why), 1);

    memset(&e, 0, sizeof e); /* softfp: FP instructions, soft calling convention */
    e.cpu_arch = 10, e.cpu_profile = 'M', e.fp_arch = 6, e.hardfp_use = 1;
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M3, &e, &why), 0);
    assert_non_null(strstr(why, "FP instructions"));
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M4F, &e, &why), 1);
    e.hardfp_use = 0; /* VFPv4-D16 with double precision */
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M4F, &e, &why), 0);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 1);

    memset(&e, 0, sizeof e);
    e.cpu_arch = 16, e.cpu_profile = 'M'; /* v8-M baseline */
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M33, &e, &why), 1);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M0P, &e, &why), 0);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 0);
    e.cpu_arch = 21; /* v8.1-M */
    for (int c = 0; c < SIM_CORE_COUNT; c++)
        assert_int_equal(sim_core_runs_arch((sim_core)c, &e, &why), 0);
    assert_non_null(strstr(why, "v8.1-M"));
    e.cpu_arch = 2; /* v4T */
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 0);
    e.cpu_arch = 99;
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 0);
    assert_non_null(strstr(why, "unknown architecture"));
    e.cpu_arch = 13, e.cpu_profile = 'R';
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 0);
    assert_non_null(strstr(why, "R-profile"));
    e.cpu_profile = 'S';
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 0);
    e.cpu_profile = 'X';
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 0);
    e.cpu_profile = 0; /* v7E-M without a profile tag */
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M7, &e, &why), 1);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M3, &e, &why), 0);

    assert_string_equal(sim_arch_name(11), "v6-M");
    assert_string_equal(sim_arch_name(16), "v8-M.base");
    assert_string_equal(sim_arch_name(21), "v8.1-M.main");
    assert_string_equal(sim_arch_name(-1), "unknown");
    assert_string_equal(sim_arch_name(23), "unknown");
    assert_string_equal(sim_arch_name(1000000), "unknown");
}

static void test_symbol_at(void **state)
{
    (void)state;
    NEED_FIXTURES();
    sim_elf *e = fx_open(FX_M0P);
    uint32_t off = 99;
    const sim_symbol *sum = sim_elf_symbol(e, "mini_sum");
    assert_non_null(sum);
    assert_true(sum->size > 4);
    assert_ptr_equal(sim_elf_symbol_at(e, sum->addr + 4, &off), sum);
    assert_int_equal(off, 4);
    assert_ptr_equal(sim_elf_symbol_at(e, sum->addr + 5, &off), sum); /* Thumb bit ignored */
    assert_int_equal(off, 4);
    assert_ptr_equal(sim_elf_symbol_at(e, sum->addr + sum->size - 2, NULL), sum);

    /* Default_Handler (GLOBAL) and its WEAK aliases NMI_Handler, HardFault_Handler share an
     * address: the GLOBAL one is named, and comes first in syms. */
    const sim_symbol *dh = sim_elf_symbol(e, "Default_Handler");
    const sim_symbol *nmi = sim_elf_symbol(e, "NMI_Handler");
    assert_non_null(dh);
    assert_non_null(nmi);
    assert_int_equal(nmi->addr, dh->addr);
    assert_int_equal(nmi->bind, 2);
    assert_ptr_equal(sim_elf_symbol_at(e, dh->addr, &off), dh);
    assert_int_equal(off, 0);
    assert_true(dh < nmi);

    /* asm_nosize has no size: it extends to the next symbol (asm_after). */
    const sim_symbol *ns = sim_elf_symbol(e, "asm_nosize"), *af = sim_elf_symbol(e, "asm_after");
    assert_non_null(ns);
    assert_non_null(af);
    assert_int_equal(ns->size, 0);
    assert_int_equal(ns->addr & 1, 0);
    assert_true(af->addr > ns->addr);
    assert_ptr_equal(sim_elf_symbol_at(e, ns->addr + 2, &off), ns);
    assert_int_equal(off, 2);
    assert_ptr_equal(sim_elf_symbol_at(e, af->addr - 1, &off), ns);
    assert_ptr_equal(sim_elf_symbol_at(e, af->addr, &off), af);
    assert_int_equal(off, 0);

    /* Data, the vector table before the first function, RAM, unmapped: no function. */
    const sim_symbol *t = sim_elf_symbol(e, "mini_table");
    assert_null(sim_elf_symbol_at(e, t->addr, &off));
    assert_null(sim_elf_symbol_at(e, t->addr + 8, &off));
    assert_null(sim_elf_symbol_at(e, 0x08000000, &off));
    assert_null(sim_elf_symbol_at(e, 0x20000000, &off));
    assert_null(sim_elf_symbol_at(e, 0, &off));
    assert_null(sim_elf_symbol_at(e, 0xFFFFFFFF, &off));
    assert_null(sim_elf_symbol_at(NULL, 0, &off));
    /* Every function is found at its start and its last byte. */
    for (uint32_t k = 0; k < e->n_syms; k++) {
        const sim_symbol *f = &e->syms[k];
        if (!f->is_func)
            continue;
        const sim_symbol *got = sim_elf_symbol_at(e, f->addr, &off);
        assert_non_null(got);
        assert_int_equal(got->addr, f->addr);
        if (f->size) {
            got = sim_elf_symbol_at(e, f->addr + f->size - 1, &off);
            assert_non_null(got);
            assert_int_equal(off, (f->size - 1) & ~1u); /* bit 0 is the Thumb bit */
        }
    }
    sim_elf_free(e);
}

/* The board note: found by owner and type in any note section, or as the first note of a
 * section called .note.tinysim.board; a bad name is an error. */
static void test_board_note(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M4F, &n);
    uint8_t *sh = find_shdr(d, ".note.tinysim.board");
    assert_non_null(sh);
    uint8_t *note = d + g32(sh + 16);
    assert_int_equal(g32(note + 8), SIM_NOTE_BOARD);
    char *cause = NULL;

    /* Another section name: found by owner "tinysim" and type 1. */
    uint8_t *shname = d + g32(d + g32(d + 32) + g16(d + 50) * 40 + 16) + g32(sh);
    memcpy(shname, ".note.tinysim.xxxxx", 19);
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    assert_string_equal(e->board, "nucleo-l4r5zi");
    sim_elf_free(e);
    /* ... but not with another type there. */
    p32(note + 8, 2);
    e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    assert_null(e->board);
    sim_elf_free(e);
    /* In .note.tinysim.board, the first note counts whatever its owner and type. */
    memcpy(shname, ".note.tinysim.board", 19);
    memcpy(note + 12, "GNU\0\0\0\0", 8);
    e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    assert_string_equal(e->board, "nucleo-l4r5zi");
    sim_elf_free(e);

    memcpy(note + 20, "Bad Name!\0\0\0\0\0", 14);
    assert_refused(d, n, "the tinysim board note (section .note.tinysim.board) holds 'Bad Name!'");
    memset(note + 20, 0, 14);
    assert_refused(d, n, "holds ''");
    memcpy(note + 20, "nucleo-l4r5zi", 13);
    p32(note + 4, 0x1000); /* descsz past the section */
    assert_refused(d, n, "section .note.tinysim.board: note at offset 0 is truncated");
    free(d);
}

/* ===================================================================== refusals */

static void test_not_elf(void **state)
{
    (void)state;
    char *cause = NULL;
    sim_elf *e = NULL;
    assert_int_equal(sim_elf_open("/nonexistent/dir/fw.elf", &e, &cause), -1);
    assert_null(e);
    assert_non_null(strstr(cause, "cannot open /nonexistent/dir/fw.elf"));
    free(cause);
    assert_int_equal(sim_elf_open("tests", &e, &cause), -1);
    assert_non_null(strstr(cause, "tests"));
    free(cause);

    assert_refused(NULL, 0, "fw.elf: empty file (0 bytes); expected a firmware ELF built with "
                            "arm-none-eabi-gcc");
    static const char text[] = "name = board\n# this is a text file\n";
    assert_refused((const uint8_t *)text, sizeof text - 1, "not an ELF file (it looks like text)");
    static const uint8_t bin[] = {0x00, 0x20, 0x00, 0x20, 0x41, 0x01, 0x00, 0x08};
    assert_refused(bin, sizeof bin, "not an ELF file (no ELF magic number");
    static const uint8_t mag[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    assert_refused(mag, sizeof mag, "truncated ELF header (7 of 52 bytes)");
    assert_refused(mag, 3, "not an ELF file");
}

/* The test program itself is a host ELF: 64-bit on the machines this runs on. */
static void test_host_elf(void **state)
{
    (void)state;
    uint8_t *d;
    size_t n;
    char *cause = NULL;
    if (mu_read_file("/proc/self/exe", &d, &n, &cause) != 0) {
        printf("SKIP: %s\n", cause);
        free(cause);
        skip();
    }
    cause = refuse(d, n);
    if (d[EI_CLASS] == ELFCLASS64) {
        assert_non_null(strstr(cause, "64-bit ELF (ELFCLASS64, machine "));
        assert_non_null(strstr(cause, "build it with arm-none-eabi-gcc"));
#if defined(__x86_64__)
        assert_non_null(strstr(cause, "machine x86-64"));
#endif
    }
    free(cause);
    free(d);
}

static void test_foreign_and_wrong_type(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M0P, &n);

    p16(d + 18, 62); /* EM_X86_64 in an ELF32 */
    assert_refused(d, n, "fw.elf: not an ARM ELF (machine x86-64); build the firmware with "
                         "arm-none-eabi-gcc");
    p16(d + 18, 0x1234);
    assert_refused(d, n, "not an ARM ELF (machine number 4660)");
    p16(d + 18, 40);

    d[EI_DATA] = ELFDATA2MSB;
    assert_refused(d, n, "big-endian ELF; Cortex-M firmware is little-endian");
    d[EI_DATA] = 7;
    assert_refused(d, n, "unknown ELF data encoding 7");
    d[EI_DATA] = ELFDATA2LSB;
    d[EI_CLASS] = ELFCLASS64;
    assert_refused(d, n, "64-bit ELF (ELFCLASS64, machine Arm)");
    d[EI_CLASS] = 9;
    assert_refused(d, n, "unknown ELF class 9");
    d[EI_CLASS] = ELFCLASS32;

    p16(d + 16, ET_DYN);
    assert_refused(d, n, "(ET_DYN)");
    p16(d + 16, ET_CORE);
    assert_refused(d, n, "ELF type 4 is not an executable (ET_EXEC)");
    p16(d + 16, ET_EXEC);
    d[EI_VERSION] = 2;
    assert_refused(d, n, "unknown ELF version 2");
    d[EI_VERSION] = 1;
    free(d);

    d = NULL;
    char *cause = NULL;
    if (mu_read_file(fx_obj, &d, &n, &cause) != 0)
        fail_msg("%s", cause);
    assert_refused(d, n, "a relocatable object (ET_REL), not a linked executable: link it");
    free(d);
}

static void test_segment_errors(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M0P, &n);
    uint8_t *ph = first_load(d);
    uint8_t save[32];
    memcpy(save, ph, 32);

    /* No PT_LOAD at all (only the PT_NOTE left). */
    uint32_t phoff = g32(d + 28);
    uint8_t all[32 * 8];
    unsigned phnum = g16(d + 44);
    memcpy(all, d + phoff, phnum * 32);
    for (unsigned i = 0; i < phnum; i++) {
        if (g32(d + phoff + i * 32) == PT_LOAD)
            p32(d + phoff + i * 32, PT_NULL);
    }
    assert_refused(d, n, "no loadable contents (no PT_LOAD segment with data in the file)");
    memcpy(d + phoff, all, phnum * 32);
    p16(d + 44, 0);
    assert_refused(d, n, "no program headers");
    p16(d + 44, (uint16_t)phnum);

    p32(ph + 16, (uint32_t)n); /* filesz: the whole file, from offset 0x1000 */
    p32(ph + 20, (uint32_t)n);
    assert_refused(d, n, "segment 0 (PT_LOAD, file offset 0x1000");
    assert_refused(d, n, "extends past the end of the file");
    memcpy(ph, save, 32);
    p32(ph + 4, 0xFFFFFFF0u); /* offset */
    assert_refused(d, n, "extends past the end of the file");
    memcpy(ph, save, 32);
    p32(ph + 20, 4); /* memsz < filesz */
    assert_refused(d, n, "bytes in the file but only 4 in memory");
    memcpy(ph, save, 32);
    p32(ph + 12, 0xFFFFFF80u); /* paddr + memsz past 4 GiB */
    assert_refused(d, n, "segment 0 (load address 0xffffff80");
    assert_refused(d, n, "runs past the 4 GiB address space");
    memcpy(ph, save, 32);
    p32(ph + 8, 0xFFFFFFF0u); /* vaddr */
    assert_refused(d, n, "runs past the 4 GiB address space");
    memcpy(ph, save, 32);
    p16(d + 42, 40);
    assert_refused(d, n, "program header entry size 40 (expected 32)");
    p16(d + 42, 32);
    p16(d + 44, 0xFFFF);
    assert_refused(d, n, "too many program headers");
    p16(d + 44, (uint16_t)phnum);
    p32(d + 28, (uint32_t)n - 16);
    assert_refused(d, n, "program header table (offset");
    p32(d + 28, phoff);

    /* The file is valid again. */
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    sim_elf_free(e);
    free(d);
}

/* 64 PT_LOADs are read, 65 are refused. The copies of the first PT_LOAD are placed 64 KiB
 * apart (segments may not overlap). */
static void test_segment_limit(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M0P, &n);
    uint8_t load[32];
    memcpy(load, first_load(d), 32);
    assert_true(g32(load + 20) <= 0x10000);
    for (unsigned count = 64; count <= 65; count++) {
        size_t at = (n + 3) & ~(size_t)3, m = at + count * 32;
        uint8_t *big = calloc(1, m);
        assert_non_null(big);
        memcpy(big, d, n);
        for (unsigned i = 0; i < count; i++) {
            memcpy(big + at + i * 32, load, 32);
            p32(big + at + i * 32 + 8, g32(load + 8) + i * 0x10000u);
            p32(big + at + i * 32 + 12, g32(load + 12) + i * 0x10000u);
        }
        p32(big + 28, (uint32_t)at);
        p16(big + 44, (uint16_t)count);
        char *cause = NULL;
        sim_elf *e = sim_elf_parse(big, m, "fw.elf", &cause);
        if (count == 64) {
            if (e == NULL)
                fail_msg("%s", cause);
            assert_int_equal(e->n_segs, 64);
            sim_elf_free(e);
        } else {
            assert_null(e);
            assert_non_null(strstr(cause, "more than 64 loadable segments"));
            free(cause);
        }
        free(big);
    }
    free(d);
}

/* Overlapping PT_LOADs are refused, naming both and their ranges: where they are loaded
 * (the .data image in flash) and where they run (RAM). */
static void test_segment_overlap(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M4F, &n);
    uint32_t phoff = g32(d + 28);
    unsigned phnum = g16(d + 44), code = phnum, data = phnum;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + i * 32;
        if (g32(ph) != PT_LOAD || g32(ph + 16) == 0)
            continue;
        if (g32(ph + 8) == g32(ph + 12) && code == phnum)
            code = i;
        else if (g32(ph + 8) != g32(ph + 12))
            data = i;
    }
    assert_true(code < phnum && data < phnum);
    uint8_t *pc = d + phoff + code * 32, *pd = d + phoff + data * 32, save[32];
    char want[160];
    memcpy(save, pd, 32);

    /* .data's load image inside the code */
    p32(pd + 12, g32(pc + 12) + 16);
    snprintf(want, sizeof want, "segments %u and %u overlap: segment %u: load and run address "
             "0x%08x-", code, data, code, g32(pc + 12));
    assert_refused(d, n, want);
    snprintf(want, sizeof want, "segment %u: its load image at 0x%08x-", data, g32(pc + 12) + 16);
    assert_refused(d, n, want);
    memcpy(pd, save, 32);
    /* .data running inside the code (its run address in flash) */
    p32(pd + 8, g32(pc + 8) + 4);
    snprintf(want, sizeof want, "segment %u: run address 0x%08x-", data, g32(pc + 8) + 4);
    assert_refused(d, n, want);
    assert_refused(d, n, "(loaded from 0x");
    memcpy(pd, save, 32);
    /* the code loaded where .data runs: both ranges named by run address */
    uint8_t savec[32];
    memcpy(savec, pc, 32);
    p32(pc + 8, g32(pd + 8));
    p32(pc + 12, g32(pd + 8));
    assert_refused(d, n, "overlap");
    memcpy(pc, savec, 32);

    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    if (!e)
        fail_msg("%s", cause);
    sim_elf_free(e);
    free(d);
}

/* An empty or truncated .note.tinysim.board is an error naming the section, not a missing
 * note. */
static void test_board_note_empty(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M4F, &n);
    uint8_t *sh = find_shdr(d, ".note.tinysim.board");
    assert_non_null(sh);
    uint32_t size = g32(sh + 20);
    p32(sh + 20, 0);
    assert_refused(d, n, "section .note.tinysim.board is empty (0 bytes)");
    p32(sh + 20, 8);
    assert_refused(d, n, "section .note.tinysim.board is malformed (shorter than a note header)");
    p32(sh + 20, size);
    p32(sh + 4, SHT_NOBITS);
    assert_refused(d, n, "section .note.tinysim.board is empty (0 bytes)");
    p32(sh + 4, SHT_NOTE);
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    assert_string_equal(e->board, "nucleo-l4r5zi");
    sim_elf_free(e);
    free(d);
}

static void test_section_errors(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M4F, &n);
    uint32_t shoff = g32(d + 32);
    unsigned shnum = g16(d + 48);
    char *cause = NULL;

    /* No section headers at all: loadable, but no symbols, attributes or note. */
    p32(d + 32, 0);
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    if (e == NULL)
        fail_msg("%s", cause);
    assert_int_equal(e->n_syms, 0);
    assert_int_equal(e->n_exec, 0);
    assert_int_equal(e->cpu_arch, -1);
    assert_null(e->board);
    assert_null(e->cpu_name);
    assert_null(sim_elf_symbol(e, "Reset_Handler"));
    assert_null(sim_elf_symbol_at(e, e->entry, NULL));
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M0P, e, NULL), 1);
    sim_elf_free(e);
    p32(d + 32, shoff);

    p16(d + 46, 32);
    assert_refused(d, n, "section header entry size 32 (expected 40)");
    p16(d + 46, 40);
    p32(d + 32, (uint32_t)n - 8);
    assert_refused(d, n, "section header table (offset");
    p32(d + 32, shoff);
    p16(d + 48, (uint16_t)(shnum + 5));
    assert_refused(d, n, "extends past the end of the file");
    p16(d + 48, 0); /* extended numbering: the count is section 0's sh_size */
    p32(d + shoff + 20, 70000);
    assert_refused(d, n, "70000 sections, more than the 65535 tinysim reads");
    p32(d + shoff + 20, 0);
    p16(d + 48, (uint16_t)shnum);
    uint16_t strndx = g16(d + 50);
    p16(d + 50, (uint16_t)shnum);
    assert_refused(d, n, "section name table index");
    p16(d + 50, strndx);

    uint8_t *sym = find_shdr(d, ".symtab");
    assert_non_null(sym);
    uint32_t save = g32(sym + 20);
    p32(sym + 20, (uint32_t)n);
    assert_refused(d, n, "extends past the end of the file");
    p32(sym + 20, save);
    p32(sym + 36, 24);
    assert_refused(d, n, "symbol table entry size 24 (expected 16)");
    p32(sym + 36, 16);
    save = g32(sym + 24);
    p32(sym + 24, 999);
    assert_refused(d, n, "symbol table names string table 999, which does not exist");
    p32(sym + 24, save);

    /* Malformed attributes: version byte, subsection length, a tag running off the end. */
    uint8_t *at = find_shdr(d, ".ARM.attributes");
    assert_non_null(at);
    uint8_t *a = d + g32(at + 16);
    uint32_t alen = g32(at + 20);
    uint8_t *copy = malloc(alen);
    memcpy(copy, a, alen);
    a[0] = 'B';
    assert_refused(d, n, "section .ARM.attributes: unknown format version 0x42 (expected 'A')");
    a[0] = 'A';
    p32(a + 1, alen + 100);
    assert_refused(d, n, "section .ARM.attributes: subsection at offset 1 has length");
    memcpy(a, copy, alen);
    p32(a + 1 + 4 + 6 + 1, alen); /* the File block's size */
    assert_refused(d, n, "section .ARM.attributes: block at offset 11 has size");
    memcpy(a, copy, alen);
    memset(a + alen - 2, 0x80, 2); /* the last attribute's ULEB128 never ends */
    assert_refused(d, n, "section .ARM.attributes: malformed attribute at offset");
    memcpy(a, copy, alen);
    /* Not an attributes section any more: attributes absent, allowed on any core. */
    p32(at + 4, SHT_PROGBITS);
    e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    assert_int_equal(e->cpu_arch, -1);
    assert_int_equal(e->fp_arch, 0);
    assert_int_equal(sim_core_runs_arch(SIM_CORE_M0P, e, NULL), 1);
    sim_elf_free(e);
    p32(at + 4, SHT_ARM_ATTRIBUTES);
    free(copy);

    e = sim_elf_parse(d, n, "fw.elf", &cause);
    assert_non_null(e);
    assert_int_equal(e->cpu_arch, 13);
    sim_elf_free(e);
    free(d);
}

/* An attributes section written by hand: other vendors and scopes skipped, unknown tags of
 * every kind skipped by the ABI's rule, the values read. */
static void test_attributes_by_hand(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *orig = fx_bytes(FX_M0P, &n);
    static const uint8_t mine[] = {
        'A',
        /* vendor "gnu", 10 bytes: skipped */
        10, 0, 0, 0, 'g', 'n', 'u', 0, 1, 2,
        /* vendor "aeabi", 48 bytes */
        48, 0, 0, 0, 'a', 'e', 'a', 'b', 'i', 0,
        /* Section block (tag 2), 8 bytes, with a CPU_arch that must not count */
        2, 8, 0, 0, 0, 1, 0, 6,
        /* File block, 30 bytes */
        1, 30, 0, 0, 0,
        5, 'c', 'm', '4', 0,       /* Tag_CPU_name */
        6, 13,                     /* Tag_CPU_arch v7E-M */
        7, 'M',                    /* profile */
        32, 1, 'x', 0,             /* Tag_compatibility: flag, vendor */
        67, '2', '.', '0', 0,      /* Tag_conformance (odd > 32: string) */
        0x80, 0x01, 5,             /* tag 128 (even > 32: ULEB128) */
        10, 6,                     /* Tag_FP_arch */
        28, 1,                     /* Tag_ABI_VFP_args */
    };
    assert_int_equal(sizeof mine, 1 + 10 + 48);
    /* The section's contents move to the end of the file. */
    uint8_t *d = malloc(n + sizeof mine);
    assert_non_null(d);
    memcpy(d, orig, n);
    free(orig);
    uint8_t *at = find_shdr(d, ".ARM.attributes"), *a = d + n;
    assert_non_null(at);
    memcpy(a, mine, sizeof mine);
    p32(at + 16, (uint32_t)n);
    p32(at + 20, sizeof mine);
    n += sizeof mine;
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    if (e == NULL)
        fail_msg("%s", cause);
    assert_int_equal(e->cpu_arch, 13);
    assert_int_equal(e->cpu_profile, 'M');
    assert_int_equal(e->fp_arch, 6);
    assert_int_equal(e->abi_vfp_args, 1);
    assert_string_equal(e->cpu_name, "cm4");
    sim_elf_free(e);
    /* The last attribute turned into a string tag (odd, above 32) without its NUL. */
    a[sizeof mine - 2] = 67;
    a[sizeof mine - 1] = 'z';
    assert_refused(d, n, "malformed attribute at offset 57");
    free(d);
}

static void test_symbol_limit(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M0P, &n);
    size_t count = SIM_ELF_MAX_SYMBOLS + 1, at = (n + 15) & ~(size_t)15, m = at + count * 16;
    uint8_t *big = calloc(1, m);
    assert_non_null(big);
    memcpy(big, d, n);
    uint8_t *sym = find_shdr(big, ".symtab");
    p32(sym + 16, (uint32_t)at);
    p32(sym + 20, (uint32_t)(count * 16));
    assert_refused(big, m, "the symbol table has 1000001 entries, more than the 1000000");
    free(big);
    free(d);
}

/* ===================================================================== hostile input */

/* What a successfully parsed (possibly damaged) ELF must still satisfy. */
static void check_parsed(const sim_elf *e)
{
    assert_true(e->n_segs <= SIM_ELF_MAX_SEGMENTS);
    for (uint32_t i = 0; i < e->n_segs; i++) {
        const sim_segment *g = &e->segs[i];
        assert_true(g->filesz <= g->memsz);
        assert_true((uint64_t)g->paddr + g->memsz <= 0x100000000ull);
        if (g->filesz)
            assert_true(g->data >= e->file && g->data + g->filesz <= e->file + e->file_size);
    }
    for (uint32_t i = 0; i < e->n_syms; i++) {
        if (i)
            assert_true(e->syms[i - 1].addr <= e->syms[i].addr);
        assert_non_null(sim_elf_symbol(e, e->syms[i].name));
        sim_elf_symbol_at(e, e->syms[i].addr + 2, NULL);
    }
    for (int c = 0; c < SIM_CORE_COUNT; c++)
        sim_core_runs_arch((sim_core)c, e, NULL);
    sim_arch_name(e->cpu_arch);
    if (e->board)
        assert_true(strlen(e->board) >= 1 && strlen(e->board) <= 31);
}

static void parse_any(const uint8_t *d, size_t n)
{
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "fw.elf", &cause);
    if (e) {
        check_parsed(e);
        sim_elf_free(e);
    } else {
        assert_non_null(cause);
        assert_true(strncmp(cause, "fw.elf: ", 8) == 0);
        free(cause);
    }
}

/* Every prefix of a real ELF (every length up to 1 KiB, then every 7th) is refused. */
static void test_truncation_sweep(void **state)
{
    (void)state;
    NEED_FIXTURES();
    for (int f = 0; f < FX_COUNT; f += FX_COUNT - 1) {
        size_t n;
        uint8_t *d = fx_bytes((fx_id)f, &n);
        for (size_t len = 0; len < n; len += len < 1024 ? 1 : 7) {
            char *cause = refuse(d, len);
            free(cause);
        }
        free(d);
    }
}

/* One flipped bit in every byte (all 8 bits in the headers and tables), and random damage. */
static void test_bit_flips(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M4F, &n);
    uint32_t shoff = g32(d + 32);
    for (size_t i = 0; i < n; i++) {
        int all = i < 256 || i >= shoff;
        for (int bit = 0; bit < 8; bit++) {
            if (!all && bit != (int)(i % 8))
                continue;
            d[i] ^= (uint8_t)(1u << bit);
            parse_any(d, n);
            d[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* Random damage: a few bytes set to random or extreme values. */
    uint32_t rng = 0x1234567u;
    uint8_t *w = malloc(n);
    assert_non_null(w);
    for (int it = 0; it < 3000; it++) {
        memcpy(w, d, n);
        int k = 1 + (int)(ts_xorshift32(&rng) % 6);
        for (int j = 0; j < k; j++) {
            uint32_t r = ts_xorshift32(&rng);
            size_t pos = (r >> 8) % n;
            /* Bias towards the headers and tables, where the offsets and sizes are. */
            if (r & 1)
                pos = pos % 256;
            else if (r & 2)
                pos = shoff + pos % (n - shoff);
            static const uint8_t extremes[] = {0x00, 0xff, 0x7f, 0x80, 0x01};
            w[pos] = (r & 4) ? extremes[(r >> 3) % 5] : (uint8_t)(r >> 24);
        }
        parse_any(w, n);
    }
    free(w);
    free(d);
}

/* sim_elf_parse copies its input: the caller's buffer may change afterwards. */
static void test_parse_copies(void **state)
{
    (void)state;
    NEED_FIXTURES();
    size_t n;
    uint8_t *d = fx_bytes(FX_M0P, &n);
    char *cause = NULL;
    sim_elf *e = sim_elf_parse(d, n, "copy.elf", &cause);
    assert_non_null(e);
    assert_string_equal(e->path, "copy.elf");
    memset(d, 0xAA, n);
    free(d);
    assert_int_equal(g32(e->segs[0].data), 0x20004000);
    assert_non_null(sim_elf_symbol(e, "mini_sum"));
    sim_elf_free(e);
    sim_elf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_contents),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_runs_arch_matrix),
        cmocka_unit_test(test_runs_arch_rules),
        cmocka_unit_test(test_symbol_at),
        cmocka_unit_test(test_board_note),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_host_elf),
        cmocka_unit_test(test_foreign_and_wrong_type),
        cmocka_unit_test(test_segment_errors),
        cmocka_unit_test(test_segment_limit),
        cmocka_unit_test(test_segment_overlap),
        cmocka_unit_test(test_board_note_empty),
        cmocka_unit_test(test_section_errors),
        cmocka_unit_test(test_attributes_by_hand),
        cmocka_unit_test(test_symbol_limit),
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_parse_copies),
    };
    return cmocka_run_group_tests_name("sim/elf", tests, fx_setup, fx_teardown);
}
