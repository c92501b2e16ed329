/*
 * Tests for sim/board.c: core names, the built-in boards' invariants and datasheet figures,
 * profile files (a valid one and its round trip, and every validation error with its file
 * and line), board resolution and address lookups.
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

#include "../../models/util.h"
#include "../../sim/board.h"

/* ===================================================================== helpers */

/* Parse text as the profile "boards/x.board"; returns 0/-1, *cause set on failure. */
static int parse_text(const char *text, sim_board *b, char **cause)
{
    *cause = NULL;
    return sim_board_parse(text, strlen(text), "boards/x.board", b, cause);
}

/* A temporary file holding len bytes of data; returns its path (caller frees and removes). */
static char *temp_file(const char *suffix, const void *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char *tmpl = mu_asprintf("%s/tinysim-test_board-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    char *path = mu_asprintf("%s%s", tmpl, suffix);
    assert_int_equal(rename(tmpl, path), 0);
    free(tmpl);
    return path;
}

static void assert_region(const sim_region *r, const char *name, sim_mem_kind kind,
                          uint32_t base, uint32_t size, uint32_t ws, int has_alias,
                          uint32_t alias)
{
    assert_non_null(r);
    assert_string_equal(r->name, name);
    assert_int_equal(r->kind, kind);
    assert_int_equal(r->base, base);
    assert_int_equal(r->size, size);
    assert_int_equal(r->wait_states, ws);
    assert_int_equal(r->has_alias, has_alias);
    assert_int_equal(r->alias, alias);
}

static void assert_same_board(const sim_board *a, const sim_board *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->mcu, b->mcu);
    assert_int_equal(a->core, b->core);
    assert_int_equal(a->clock_hz, b->clock_hz);
    assert_int_equal(a->n_regions, b->n_regions);
    for (uint32_t i = 0; i < a->n_regions; i++) {
        const sim_region *r = &b->regions[i];
        assert_region(&a->regions[i], r->name, r->kind, r->base, r->size, r->wait_states,
                      r->has_alias, r->alias);
    }
    assert_true(a->vdd_v == b->vdd_v);
    assert_true(a->run_ua_per_mhz == b->run_ua_per_mhz);
    assert_true(a->run_offset_ua == b->run_offset_ua);
    assert_true(a->sleep_ua == b->sleep_ua);
    assert_string_equal(a->sleep_mode, b->sleep_mode);
    assert_string_equal(a->source, b->source);
}

/* ===================================================================== cores */

static void test_core_names_and_ids(void **state)
{
    (void)state;
    static const char *const ids[] = {"cortex-m0plus", "cortex-m3", "cortex-m4f", "cortex-m7",
                                      "cortex-m33"};
    static const char *const names[] = {"Cortex-M0+", "Cortex-M3", "Cortex-M4F", "Cortex-M7",
                                        "Cortex-M33"};
    for (int c = 0; c < SIM_CORE_COUNT; c++) {
        sim_core got;
        assert_string_equal(sim_core_id((sim_core)c), ids[c]);
        assert_string_equal(sim_core_name((sim_core)c), names[c]);
        assert_int_equal(sim_core_parse(ids[c], &got), 0);
        assert_int_equal(got, c);
    }
    assert_string_equal(sim_core_name(SIM_CORE_COUNT), "?");
    assert_string_equal(sim_core_id((sim_core)-1), "?");
    assert_int_equal(sim_core_has_fpu(SIM_CORE_M0P), 0);
    assert_int_equal(sim_core_has_fpu(SIM_CORE_M3), 0);
    assert_int_equal(sim_core_has_fpu(SIM_CORE_M4F), 1);
    assert_int_equal(sim_core_has_fpu(SIM_CORE_M7), 1);
    assert_int_equal(sim_core_has_fpu(SIM_CORE_M33), 1);
}

static void test_core_parse_aliases(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        sim_core c;
    } ok[] = {
        {"m4f", SIM_CORE_M4F},   {"cortex-m4", SIM_CORE_M4F}, {"CORTEX-M4F", SIM_CORE_M4F},
        {"M4", SIM_CORE_M4F},    {"m0+", SIM_CORE_M0P},       {"m0plus", SIM_CORE_M0P},
        {"Cortex-M0+", SIM_CORE_M0P}, {"m3", SIM_CORE_M3},    {"m7", SIM_CORE_M7},
        {"m33", SIM_CORE_M33},   {"Cortex-M33", SIM_CORE_M33},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        sim_core got = SIM_CORE_COUNT;
        assert_int_equal(sim_core_parse(ok[i].s, &got), 0);
        assert_int_equal(got, ok[i].c);
    }
    static const char *const bad[] = {"", "m0", "cortex-m55", "cortex-m4 ", "arm", "m4ff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_core got = SIM_CORE_M7;
        assert_int_equal(sim_core_parse(bad[i], &got), -1);
        assert_int_equal(got, SIM_CORE_M7);
    }
    sim_core got;
    assert_int_equal(sim_core_parse(NULL, &got), -1);
}

/* ===================================================================== built-in boards */

static void test_builtin_invariants(void **state)
{
    (void)state;
    uint32_t n = sim_board_builtin_count();
    assert_int_equal(n, 6);
    assert_null(sim_board_builtin(n));
    for (uint32_t i = 0; i < n; i++) {
        const sim_board *b = sim_board_builtin(i);
        char *cause = NULL;
        assert_non_null(b);
        if (sim_board_validate(b, &cause) != 0)
            fail_msg("built-in %s: %s", b->name, cause);
        assert_ptr_equal(sim_board_find(b->name), b);
        for (uint32_t j = 0; j < i; j++)
            assert_string_not_equal(sim_board_builtin(j)->name, b->name);
        assert_non_null(sim_board_flash(b));
        assert_non_null(sim_board_ram(b));
        assert_int_equal(sim_board_flash(b)->kind, SIM_MEM_FLASH);
        assert_int_equal(sim_board_ram(b)->kind, SIM_MEM_RAM);
        assert_true(strlen(b->mcu) > 0);
        assert_non_null(memchr(b->source, '\0', sizeof b->source));
        assert_true(strlen(b->source) > 20);
        assert_null(strchr(b->source, '#')); /* would not survive a profile round trip */
        assert_true(b->vdd_v > 0);
        /* Every region is reachable through sim_board_region_at at both ends. */
        for (uint32_t r = 0; r < b->n_regions; r++) {
            const sim_region *g = &b->regions[r];
            assert_ptr_equal(sim_board_region_at(b, g->base), g);
            assert_ptr_equal(sim_board_region_at(b, g->base + g->size - 1), g);
            if (g->has_alias)
                assert_ptr_equal(sim_board_region_at(b, g->alias + g->size - 1), g);
        }
    }
    assert_null(sim_board_find("nucleo-l4r5"));
    assert_null(sim_board_find(NULL));
    assert_null(sim_board_find("NUCLEO-L4R5ZI"));
}

static void test_builtin_figures(void **state)
{
    (void)state;
    const sim_board *b = sim_board_find("nucleo-l4r5zi");
    assert_non_null(b);
    assert_string_equal(b->mcu, "STM32L4R5ZI");
    assert_int_equal(b->core, SIM_CORE_M4F);
    assert_int_equal(b->clock_hz, 120000000);
    assert_int_equal(b->n_regions, 2);
    assert_region(&b->regions[0], "flash", SIM_MEM_FLASH, 0x08000000, 2048 * 1024, 5, 1, 0);
    assert_region(&b->regions[1], "sram", SIM_MEM_RAM, 0x20000000, 640 * 1024, 0, 0, 0);
    assert_true(b->vdd_v == 1.8);
    assert_true(b->run_ua_per_mhz == 189.0);
    assert_non_null(strstr(b->source, "DS12023"));
    assert_non_null(strstr(b->source, "tiny_results_v0.5"));

    b = sim_board_find("nucleo-f746zg");
    assert_non_null(b);
    assert_int_equal(b->core, SIM_CORE_M7);
    assert_int_equal(b->clock_hz, 216000000);
    assert_region(&b->regions[0], "flash", SIM_MEM_FLASH, 0x08000000, 1024 * 1024, 7, 1,
                  0x00200000);
    assert_region(&b->regions[1], "sram", SIM_MEM_RAM, 0x20000000, 320 * 1024, 0, 0, 0);
    assert_non_null(strstr(b->source, "DS10916"));

    b = sim_board_find("nucleo-g0b1re");
    assert_non_null(b);
    assert_int_equal(b->core, SIM_CORE_M0P);
    assert_int_equal(b->clock_hz, 64000000);
    assert_region(&b->regions[0], "flash", SIM_MEM_FLASH, 0x08000000, 512 * 1024, 2, 1, 0);
    assert_region(&b->regions[1], "sram", SIM_MEM_RAM, 0x20000000, 144 * 1024, 0, 0, 0);
    assert_non_null(strstr(b->source, "DS13560"));

    b = sim_board_find("nrf52840-dk");
    assert_non_null(b);
    assert_int_equal(b->core, SIM_CORE_M4F);
    assert_int_equal(b->clock_hz, 64000000);
    assert_region(&b->regions[0], "flash", SIM_MEM_FLASH, 0x00000000, 1024 * 1024, 0, 0, 0);
    assert_region(&b->regions[1], "ram", SIM_MEM_RAM, 0x20000000, 256 * 1024, 0, 0, 0);
    assert_non_null(strstr(b->source, "nRF52840 Product Specification v1.7"));

    b = sim_board_find("nucleo-u575zi");
    assert_non_null(b);
    assert_int_equal(b->core, SIM_CORE_M33);
    assert_int_equal(b->clock_hz, 160000000);
    assert_region(&b->regions[0], "flash", SIM_MEM_FLASH, 0x08000000, 2048 * 1024, 4, 0, 0);
    assert_region(&b->regions[1], "sram", SIM_MEM_RAM, 0x20000000, 768 * 1024, 0, 0, 0);
    assert_non_null(strstr(b->source, "DS13737"));

    b = sim_board_find("nucleo-f207zg");
    assert_non_null(b);
    assert_int_equal(b->core, SIM_CORE_M3);
    assert_int_equal(b->clock_hz, 120000000);
    assert_region(&b->regions[0], "flash", SIM_MEM_FLASH, 0x08000000, 1024 * 1024, 3, 1, 0);
    assert_region(&b->regions[1], "sram", SIM_MEM_RAM, 0x20000000, 128 * 1024, 0, 0, 0);
    assert_non_null(strstr(b->source, "DS6329"));
}

/* Each built-in board's flash wait states at its own clock are what its latency table says,
 * and --clock moves them along the table (the L4R5: RM0432 Range 1 boost). */
static void test_builtin_ws_tables(void **state)
{
    (void)state;
    char msg[256];
    for (uint32_t i = 0; i < sim_board_builtin_count(); i++) {
        const sim_board *b = sim_board_builtin(i);
        assert_true(b->n_ws > 0);
        assert_int_equal(sim_board_flash(b)->wait_states, sim_board_ws_at(b, b->clock_hz));
        assert_int_equal(b->ws_max_hz[b->n_ws - 1], b->clock_hz); /* the part's top clock */
        sim_board c = *b;
        assert_int_equal(sim_board_set_clock(&c, b->clock_hz, msg, sizeof msg), 0);
        assert_memory_equal(&c, b, sizeof c);
    }
    sim_board l4 = *sim_board_find("nucleo-l4r5zi");
    static const struct { uint32_t mhz, ws; } steps[] = {
        {1, 0}, {20, 0}, {21, 1}, {40, 1}, {60, 2}, {80, 3}, {100, 4}, {101, 5}, {120, 5}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        assert_int_equal(sim_board_set_clock(&l4, steps[i].mhz * 1000000u, msg, sizeof msg), 0);
        assert_int_equal(l4.clock_hz, steps[i].mhz * 1000000u);
        assert_int_equal(sim_board_flash(&l4)->wait_states, steps[i].ws);
    }
    sim_board before = l4;
    assert_int_equal(sim_board_set_clock(&l4, 121000000u, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "runs from 0.1 to 120 MHz, not 121"));
    assert_memory_equal(&l4, &before, sizeof l4); /* unchanged */
    sim_board nrf = *sim_board_find("nrf52840-dk");
    assert_int_equal(sim_board_set_clock(&nrf, 32000000u, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "runs at 64 MHz only"));
    /* a profile without a table: the clock changes, the wait states stay, and it says so */
    sim_board own = *sim_board_find("nucleo-l4r5zi");
    own.n_ws = 0;
    assert_int_equal(sim_board_set_clock(&own, 80000000u, msg, sizeof msg), 1);
    assert_int_equal(sim_board_flash(&own)->wait_states, 5);
    assert_non_null(strstr(msg, "no wait-state table"));
}

/* base = BOARD: the built-in, changed by the lines after it; regions replace the base's. */
static void test_profile_base(void **state)
{
    (void)state;
    sim_board b;
    char *cause = NULL;
    const char *t = "base = nucleo-g0b1re\nname = g0-slow\nclock_mhz = 24\n";
    assert_int_equal(sim_board_parse(t, strlen(t), "g.board", &b, &cause), 0);
    assert_string_equal(b.name, "g0-slow");
    assert_string_equal(b.mcu, "STM32G0B1RE");
    assert_int_equal(b.clock_hz, 24000000u);
    assert_int_equal(sim_board_flash(&b)->wait_states, 0); /* the table at 24 MHz */
    t = "base = nucleo-g0b1re\nregion = flash flash 0x08000000 128K ws=1\n"
        "region = sram ram 0x20000000 36K\n";
    assert_int_equal(sim_board_parse(t, strlen(t), "g.board", &b, &cause), 0);
    assert_int_equal(b.n_regions, 2);
    assert_int_equal(sim_board_ram(&b)->size, 36u * 1024u);
    t = "core = m4\nbase = nucleo-g0b1re\n";
    assert_int_equal(sim_board_parse(t, strlen(t), "g.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "g.board:2: 'base' must come first"));
    free(cause);
    cause = NULL;
    t = "name = x\ncore = m4\nclock_mhz = 80\nws_table = 20 40 30\n";
    assert_int_equal(sim_board_parse(t, strlen(t), "w.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "w.board:4: ws_table: 30 MHz: the clocks must rise"));
    free(cause);
}

static void test_region_at(void **state)
{
    (void)state;
    const sim_board *l4 = sim_board_find("nucleo-l4r5zi"), *nrf = sim_board_find("nrf52840-dk");
    assert_ptr_equal(sim_board_region_at(l4, 0x08000000), &l4->regions[0]);
    assert_ptr_equal(sim_board_region_at(l4, 0x00000004), &l4->regions[0]); /* boot alias */
    assert_ptr_equal(sim_board_region_at(l4, 0x001FFFFF), &l4->regions[0]);
    assert_null(sim_board_region_at(l4, 0x00200000));
    assert_null(sim_board_region_at(l4, 0x08200000));
    assert_ptr_equal(sim_board_region_at(l4, 0x2009FFFF), &l4->regions[1]);
    assert_null(sim_board_region_at(l4, 0x200A0000));
    assert_null(sim_board_region_at(l4, 0xE000E010));
    assert_null(sim_board_region_at(l4, 0xFFFFFFFF));
    assert_ptr_equal(sim_board_region_at(nrf, 0), &nrf->regions[0]);
    assert_null(sim_board_region_at(nrf, 0x00100000));
    assert_ptr_equal(sim_board_flash(nrf), &nrf->regions[0]);
    assert_ptr_equal(sim_board_ram(nrf), &nrf->regions[1]);
}

/* ===================================================================== profile files */

static const char valid_profile[] =
    "# my own board\r\n"
    "\r\n"
    "name = my-board.v2_b   # trailing comment\r\n"
    "mcu=STM32L476RG\r\n"
    "core = Cortex-M4\r\n"
    "\tclock_mhz = 4.194304\r\n"
    "region = flash flash 0x08000000 1M ws=4 alias=0x00000000\r\n"
    "region = sram  ram   0x20000000 96K\r\n"
    "region = sram2 ram   0x10000000 32KiB ws=1\r\n"
    "region = ext   ram   805306368  0x1000 \r\n"
    "vdd_v = 3.3\r\n"
    "run_ua_per_mhz = 1.125e2\r\n"
    "run_offset_ua = 0.5\r\n"
    "sleep_ua = 7 # uA, datasheet typical \xc2\xb5\r\n"
    "source = ST DS10198 rev 8, table 25\r\n";

static void test_profile_valid(void **state)
{
    (void)state;
    sim_board b;
    char *cause = NULL;
    if (parse_text(valid_profile, &b, &cause) != 0)
        fail_msg("%s", cause);
    assert_string_equal(b.name, "my-board.v2_b");
    assert_string_equal(b.mcu, "STM32L476RG");
    assert_int_equal(b.core, SIM_CORE_M4F);
    assert_int_equal(b.clock_hz, 4194304);
    assert_int_equal(b.n_regions, 4);
    assert_region(&b.regions[0], "flash", SIM_MEM_FLASH, 0x08000000, 1 << 20, 4, 1, 0);
    assert_region(&b.regions[1], "sram", SIM_MEM_RAM, 0x20000000, 96 * 1024, 0, 0, 0);
    assert_region(&b.regions[2], "sram2", SIM_MEM_RAM, 0x10000000, 32 * 1024, 1, 0, 0);
    assert_region(&b.regions[3], "ext", SIM_MEM_RAM, 0x30000000, 0x1000, 0, 0, 0);
    assert_true(b.vdd_v == 3.3);
    assert_true(b.run_ua_per_mhz == 112.5);
    assert_true(b.run_offset_ua == 0.5);
    assert_true(b.sleep_ua == 7.0);
    assert_string_equal(b.source, "ST DS10198 rev 8, table 25");
    assert_int_equal(sim_board_validate(&b, &cause), 0);

    /* clock_hz instead of clock_mhz; minimal profile; no trailing newline. */
    const char *minimal = "name=m\ncore=m0+\nclock_hz=1000\nregion=f flash 0 4K\n"
                          "region=r ram 0x1000 4K";
    if (parse_text(minimal, &b, &cause) != 0)
        fail_msg("%s", cause);
    assert_int_equal(b.clock_hz, 1000);
    assert_int_equal(b.core, SIM_CORE_M0P);
    assert_string_equal(b.mcu, "");
    assert_true(b.vdd_v == 0);
    assert_int_equal(b.n_regions, 2);
}

/* Every built-in board written as a profile reads back to the same board; so does the
 * valid profile above. */
static void test_profile_round_trip(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < sim_board_builtin_count(); i++) {
        const sim_board *b = sim_board_builtin(i);
        char *text = sim_board_to_profile(b), *cause = NULL;
        sim_board back;
        if (parse_text(text, &back, &cause) != 0)
            fail_msg("%s: %s\n%s", b->name, cause, text);
        assert_same_board(&back, b);
        free(text);
    }
    sim_board a, back;
    char *cause = NULL;
    assert_int_equal(parse_text(valid_profile, &a, &cause), 0);
    char *text = sim_board_to_profile(&a);
    if (parse_text(text, &back, &cause) != 0)
        fail_msg("%s\n%s", cause, text);
    assert_same_board(&back, &a);
    free(text);
}

static void test_profile_load_file(void **state)
{
    (void)state;
    char *path = temp_file(".board", valid_profile, strlen(valid_profile)), *cause = NULL;
    sim_board b;
    if (sim_board_load(path, &b, &cause) != 0)
        fail_msg("%s", cause);
    assert_string_equal(b.name, "my-board.v2_b");

    /* resolve: a path is loaded, a built-in name is looked up. */
    memset(&b, 0, sizeof b);
    assert_int_equal(sim_board_resolve(path, &b, &cause), 0);
    assert_string_equal(b.name, "my-board.v2_b");
    assert_int_equal(sim_board_resolve("nucleo-f207zg", &b, &cause), 0);
    assert_string_equal(b.name, "nucleo-f207zg");
    assert_int_equal(b.core, SIM_CORE_M3);
    remove(path);
    free(path);

    /* A file whose name has no '/' and no suffix: found because it exists. */
    char cwd_name[] = "tinysim-test-profile-XXXXXX";
    int fd = mkstemp(cwd_name);
    if (fd >= 0) {
        assert_int_equal(write(fd, valid_profile, strlen(valid_profile)),
                         (ssize_t)strlen(valid_profile));
        close(fd);
        assert_int_equal(sim_board_resolve(cwd_name, &b, &cause), 0);
        assert_string_equal(b.name, "my-board.v2_b");
        remove(cwd_name);
    }
}

static void test_resolve_errors(void **state)
{
    (void)state;
    sim_board b;
    char *cause = NULL;
    assert_int_equal(sim_board_resolve("nucleo-l9", &b, &cause), -1);
    assert_non_null(strstr(cause, "unknown board 'nucleo-l9'"));
    assert_non_null(strstr(cause, "nucleo-l4r5zi, nucleo-f746zg"));
    free(cause);
    assert_int_equal(sim_board_resolve("NUCLEO-L4R5ZI", &b, &cause), -1);
    assert_non_null(strstr(cause, "did you mean 'nucleo-l4r5zi'"));
    free(cause);
    assert_int_equal(sim_board_resolve("no/such/dir/x.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "cannot open board profile no/such/dir/x.board"));
    free(cause);
    assert_int_equal(sim_board_resolve("missing.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "missing.board"));
    free(cause);
    assert_int_equal(sim_board_resolve("", &b, &cause), -1);
    free(cause);
    assert_int_equal(sim_board_load("tests", &b, &cause), -1);
    assert_non_null(strstr(cause, "is a directory"));
    free(cause);
}

/* The head of a valid profile: lines 1-4. Errors are placed from line 5 on. */
#define HEAD "name = x\ncore = m4f\nclock_mhz = 80\nregion = flash flash 0x08000000 1024K\n"
#define RAM_LINE "region = sram ram 0x20000000 64K\n"

static void test_profile_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        /* the example from the brief: the overlapping region on line 7 */
        {HEAD "\n# ram\nregion = sram ram 0x08080000 64K\n",
         "boards/x.board:7: region 'sram' overlaps 'flash' (0x08000000-0x080fffff)"},
        {HEAD RAM_LINE "foo = 1\n", "boards/x.board:6: unknown key 'foo'"},
        {HEAD RAM_LINE "Name = y\n", "boards/x.board:6: unknown key 'Name'"},
        {HEAD RAM_LINE "name = y\n", "boards/x.board:6: 'name' is given twice (first on line 1)"},
        {HEAD RAM_LINE "clock_hz = 80000000\n",
         "boards/x.board:6: 'clock_mhz/clock_hz' is given twice (first on line 3)"},
        {HEAD RAM_LINE "vdd_v = 1\nvdd_v = 2\n", "boards/x.board:7: 'vdd_v' is given twice"},
        {HEAD RAM_LINE "source = a\nsource = b\n", "boards/x.board:7: 'source' is given twice"},
        {HEAD RAM_LINE "just words\n", "boards/x.board:6: expected KEY = VALUE, got 'just words'"},
        {HEAD RAM_LINE "mcu =   \n", "boards/x.board:6: 'mcu' needs a value"},
        {"name = My Board\n", "boards/x.board:1: name 'My Board' must be 1 to 31"},
        {"name = abcdefghijabcdefghijabcdefghijab\n", "boards/x.board:1: name 'abcdefghij"},
        {"name = x\ncore = cortex-m55\n", "boards/x.board:2: unknown core 'cortex-m55'"},
        {"clock_mhz = 8o\n", "boards/x.board:1: clock_mhz '8o' is not a number"},
        {"clock_mhz = 2000\n", "boards/x.board:1: clock_mhz '2000' is out of range"},
        {"clock_mhz = 99999999999999999999\n", "boards/x.board:1: clock_mhz '999"},
        {"clock_mhz = 0.0001\n", "boards/x.board:1: clock_mhz '0.0001' is out of range"},
        {"clock_mhz = 1.0000001\n", "boards/x.board:1: clock_mhz '1.0000001' has more than 6"},
        {"clock_hz = 999\n", "boards/x.board:1: clock_hz '999' is out of range"},
        {"clock_hz = 1000000001\n", "boards/x.board:1: clock_hz '1000000001' is out of range"},
        {"clock_hz = 99999999999999999999999\n", "boards/x.board:1: clock_hz '9"},
        {"clock_hz = -5\n", "boards/x.board:1: clock_hz '-5' is not a whole number"},
        {"clock_hz = 0x\n", "boards/x.board:1: clock_hz '0x' is not a whole number"},
        {HEAD "region = sram ram 0x1000000000 4K\n",
         "boards/x.board:5: base '0x1000000000' is beyond the 4 GiB address space"},
        {HEAD "region = sram ram 0x20000000 99999999999999999999K\n",
         "boards/x.board:5: size '99999999999999999999K' is larger than the 4 GiB"},
        {HEAD "region = sram ram 0x20000000 8192M\n",
         "boards/x.board:5: size '8192M' is larger than the 4 GiB"},
        {HEAD "region = sram ram 0x20000000 64Q\n",
         "boards/x.board:5: size '64Q' has an unknown suffix"},
        {HEAD "region = sram ram 0x2000000z 4K\n",
         "boards/x.board:5: base '0x2000000z' is not a number"},
        {HEAD "region = sram ram 0x20000000 0\n", "boards/x.board:5: region 'sram' has size 0"},
        {HEAD "region = sram ram 0x20000100 4K\n",
         "boards/x.board:5: region 'sram' base 0x20000100 is not a multiple of 4 KiB"},
        {HEAD "region = sram ram 0x20000000 1000\n",
         "boards/x.board:5: region 'sram' size 1000 (0x3e8) is not a multiple of 4 KiB"},
        {HEAD "region = sram ram 0xD0000000 1024M\n",
         "boards/x.board:5: region 'sram' (0xd0000000 + 1073741824 bytes) runs past the 4 GiB"},
        {HEAD "region = sram ram 0xE0000000 4K\n",
         "boards/x.board:5: region 'sram' overlaps the private peripheral bus"},
        {HEAD "region = sram ram 0xDFFFF000 8K\n",
         "boards/x.board:5: region 'sram' overlaps the private peripheral bus"},
        {HEAD "region = sram ram 0x20000000 4K alias=0xE0001000\n",
         "boards/x.board:5: region 'sram' (its alias) overlaps the private peripheral bus"},
        {HEAD "region = sram ram 0x20000000 4K alias=0x20000800\n",
         "boards/x.board:5: region 'sram' alias 0x20000800 is not a multiple of 4 KiB"},
        {HEAD "region = sram ram 0x20000000 8K alias=0x20001000\n",
         "boards/x.board:5: region 'sram' alias 0x20001000 overlaps the region itself"},
        {HEAD "region = sram ram 0x20000000 8K alias=0xFFFFF000\n",
         "boards/x.board:5: region 'sram' alias 0xfffff000 + 8192 bytes runs past"},
        {HEAD "region = sram ram 0x20000000 4K alias=0x080FF000\n",
         "boards/x.board:5: region 'sram' (its alias) overlaps 'flash' (0x08000000-0x080fffff)"},
        {"name = x\nregion = flash flash 0x08000000 1M alias=0\nregion = sram ram 0 4K\n",
         "boards/x.board:3: region 'sram' overlaps the alias of 'flash' (0x00000000-0x000fffff)"},
        {"region = flash flash 0x08000000 1M alias=0\nregion = sram ram 0x20000000 4K "
         "alias=0x000ff000\n",
         "boards/x.board:2: region 'sram' (its alias) overlaps the alias of 'flash'"},
        {HEAD "region = flash ram 0x20000000 4K\n",
         "boards/x.board:5: region name 'flash' is used twice"},
        {HEAD "region = sram eeprom 0x20000000 4K\n",
         "boards/x.board:5: region 'sram': kind 'eeprom' is neither flash nor ram"},
        {HEAD "region = Sram ram 0x20000000 4K\n", "boards/x.board:5: region name 'Sram' must be"},
        {HEAD "region = sram ram 0x20000000\n",
         "boards/x.board:5: region needs NAME KIND BASE SIZE"},
        {HEAD "region = sram ram 0x20000000 4K ws=256\n",
         "boards/x.board:5: region 'sram': wait states '256' must be a number from 0 to 255"},
        {HEAD "region = sram ram 0x20000000 4K ws=1 ws=2\n",
         "boards/x.board:5: region 'sram': unexpected 'ws=2'"},
        {HEAD "region = sram ram 0x20000000 4K fast\n",
         "boards/x.board:5: region 'sram': unexpected 'fast'"},
        {HEAD "region = a ram 0x20000000 4K\nregion = b ram 0x20001000 4K\n"
              "region = c ram 0x20002000 4K\nregion = d ram 0x20003000 4K\n"
              "region = e ram 0x20004000 4K\nregion = f ram 0x20005000 4K\n"
              "region = g ram 0x20006000 4K\nregion = h ram 0x20007000 4K\n",
         "boards/x.board:12: more than 8 regions"},
        {"name = x\ncore = m4f\nclock_mhz = 80\nregion = sram ram 0x20000000 64K\n",
         "boards/x.board: no flash region"},
        {HEAD, "boards/x.board: no ram region"},
        {"core = m4f\nclock_mhz = 80\n", "boards/x.board: no 'name = ...' line"},
        {"name = x\nclock_mhz = 80\n", "boards/x.board: no 'core = ...' line"},
        {"name = x\ncore = m3\n", "boards/x.board: no 'clock_mhz = ...'"},
        {"", "boards/x.board: no 'name = ...' line"},
        {HEAD RAM_LINE "vdd_v = -1\n", "boards/x.board:6: vdd_v '-1' is not a number"},
        {HEAD RAM_LINE "vdd_v = 3,3\n", "boards/x.board:6: vdd_v '3,3' is not a number"},
        {HEAD RAM_LINE "vdd_v = 11\n", "boards/x.board:6: vdd_v '11' is out of range (0 to 10)"},
        {HEAD RAM_LINE "vdd_v = 1e999\n", "boards/x.board:6: vdd_v '1e999' is out of range"},
        {HEAD RAM_LINE "sleep_ua = 1e\n", "boards/x.board:6: sleep_ua '1e' is not a number"},
        {HEAD RAM_LINE "run_ua_per_mhz = .\n", "boards/x.board:6: run_ua_per_mhz '.' is not"},
        {HEAD RAM_LINE "run_offset_ua = nan\n", "boards/x.board:6: run_offset_ua 'nan' is not"},
        {HEAD RAM_LINE "mcu = 0123456789012345678901234567890123\n",
         "boards/x.board:6: mcu is 34 characters, more than 31"},
        {HEAD RAM_LINE "mcu = caf\xc3\xa9\n", "boards/x.board:6: non-ASCII byte 0xc3"},
        {HEAD RAM_LINE "mcu = a\x01z\n", "boards/x.board:6: control character 0x01"},
        {HEAD RAM_LINE "mcu = a\rz\n", "boards/x.board:6: control character 0x0d"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_board b;
        memset(&b, 0x5a, sizeof b);
        char *cause = NULL;
        if (parse_text(cases[i].text, &b, &cause) == 0)
            fail_msg("case %zu accepted; expected '%s'", i, cases[i].want);
        assert_non_null(cause);
        if (strstr(cause, cases[i].want) == NULL)
            fail_msg("case %zu: got '%s', expected '%s'", i, cause, cases[i].want);
        /* *out is untouched on failure. */
        assert_int_equal((unsigned char)b.name[0], 0x5a);
        free(cause);
    }
}

/*
 * The declared memory is bounded: the simulator allocates every region twice, so a 200-byte
 * profile of 448 MiB regions once took 7.1 GB. 256 MiB in all is accepted, a byte page more
 * is refused at the region that passes it, by the parser and by sim_board_validate.
 */
static void test_profile_memory_limit(void **state)
{
    (void)state;
    sim_board b;
    char *cause = NULL;
    static const char huge[] = "name = huge\ncore = m4f\nclock_mhz = 80\n"
                               "region = f flash 0x00000000 448M\n"
                               "region = a ram 0x20000000 448M\n"
                               "region = b ram 0x40000000 448M\n"
                               "region = c ram 0x60000000 448M\n";
    assert_true(sizeof huge < 200);
    assert_int_equal(parse_text(huge, &b, &cause), -1);
    assert_non_null(strstr(cause, "boards/x.board:4: region 'f' (458752 KiB) brings the board's "
                                  "memory to 458752 KiB, more than the 256 MiB"));
    free(cause);
    static const char full[] = HEAD "region = sram ram 0x20000000 255M\n";
    if (parse_text(full, &b, &cause) != 0)
        fail_msg("256 MiB in all refused: %s", cause);
    assert_int_equal(sim_board_validate(&b, &cause), 0);
    static const char over[] = HEAD "region = sram ram 0x20000000 255M\n"
                               "region = ext ram 0x60000000 4K\n";
    assert_int_equal(parse_text(over, &b, &cause), -1);
    assert_non_null(strstr(cause, "boards/x.board:6: region 'ext' (4 KiB) brings the board's "
                                  "memory to 262148 KiB, more than the 256 MiB"));
    free(cause);
    /* a board built in code is held to the same bound */
    assert_int_equal(parse_text(full, &b, &cause), 0);
    b.regions[1].size += SIM_PAGE;
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    assert_non_null(strstr(cause, "more than the 256 MiB"));
    free(cause);
}

static void test_profile_source_too_long(void **state)
{
    (void)state;
    char text[512];
    char src[201];
    memset(src, 'a', 200);
    src[200] = '\0';
    snprintf(text, sizeof text, HEAD RAM_LINE "source = %s\n", src);
    sim_board b;
    char *cause = NULL;
    assert_int_equal(parse_text(text, &b, &cause), -1);
    assert_non_null(strstr(cause, "boards/x.board:6: source is 200 characters, more than 199"));
    free(cause);
    src[199] = '\0';
    snprintf(text, sizeof text, HEAD RAM_LINE "source = %s\n", src);
    assert_int_equal(parse_text(text, &b, &cause), 0);
    assert_int_equal(strlen(b.source), 199);
}

/* Lines over 1024 characters, NUL bytes, files over 64 KiB (in memory and on disk). */
static void test_profile_limits(void **state)
{
    (void)state;
    sim_board b;
    char *cause = NULL;

    size_t n = 1025;
    char *text = malloc(64 * 1024 + 2);
    assert_non_null(text);
    memcpy(text, "name = x\n# ", 11);
    memset(text + 11, 'c', n - 2);
    text[9 + n] = '\n';
    assert_int_equal(sim_board_parse(text, 10 + n, "p.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "p.board:2: line is longer than 1024 characters"));
    free(cause);
    /* exactly 1024 is fine (a comment line), also with a CR before the LF */
    text[9 + n - 1] = '\r';
    assert_int_equal(sim_board_parse(text, 10 + n, "p.board", &b, &cause), -1);
    assert_null(strstr(cause, "longer than"));
    free(cause);

    static const char nul[] = "name = x\ncore = m4f\nmcu = a\0b\n";
    assert_int_equal(sim_board_parse(nul, sizeof nul - 1, "p.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "p.board:3: NUL byte at column 8"));
    free(cause);

    /* 64 KiB + 1 of comments: refused before anything is parsed, in memory and on disk. */
    memset(text, '\n', 64 * 1024 + 1);
    text[0] = '#';
    assert_int_equal(sim_board_parse(text, 64 * 1024 + 1, "p.board", &b, &cause), -1);
    assert_non_null(strstr(cause, "p.board: larger than 64 KiB"));
    free(cause);
    char *path = temp_file(".board", text, 64 * 1024 + 1);
    assert_int_equal(sim_board_load(path, &b, &cause), -1);
    assert_non_null(strstr(cause, "larger than 64 KiB"));
    assert_non_null(strstr(cause, path));
    free(cause);
    remove(path);
    free(path);

    /* Exactly 64 KiB is read (and then fails only for want of a name). */
    path = temp_file(".board", text, 64 * 1024);
    assert_int_equal(sim_board_load(path, &b, &cause), -1);
    assert_non_null(strstr(cause, "no 'name = ...' line"));
    free(cause);
    remove(path);
    free(path);
    free(text);
}

/* sim_board_validate refuses boards built in code with the same rules. */
static void test_validate(void **state)
{
    (void)state;
    sim_board b = *sim_board_find("nucleo-l4r5zi");
    char *cause = NULL;
    assert_int_equal(sim_board_validate(&b, &cause), 0);

    b.regions[1].base = 0x08100000 - 0x1000; /* sram over the end of flash */
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    assert_non_null(strstr(cause, "board nucleo-l4r5zi: region 'sram' overlaps 'flash'"));
    free(cause);

    b = *sim_board_find("nucleo-l4r5zi");
    b.regions[0].alias = 0x1000;
    b.regions[0].has_alias = 0;
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    assert_non_null(strstr(cause, "alias address but no alias"));
    free(cause);

    b = *sim_board_find("nucleo-l4r5zi");
    b.n_regions = 9;
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    assert_non_null(strstr(cause, "more than 8 regions"));
    free(cause);

    b = *sim_board_find("nucleo-l4r5zi");
    b.clock_hz = 0;
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    assert_non_null(strstr(cause, "outside 1 kHz to 1 GHz"));
    free(cause);

    b = *sim_board_find("nucleo-l4r5zi");
    b.regions[0].kind = SIM_MEM_RAM;
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    assert_non_null(strstr(cause, "no flash region"));
    free(cause);

    b = *sim_board_find("nucleo-l4r5zi");
    b.run_ua_per_mhz = -1;
    assert_int_equal(sim_board_validate(&b, &cause), -1);
    free(cause);
}

/* Found by tests/fuzz/fuzz_board.c (crash-accel): the parser took flash accelerator figures
 * that sim_board_validate refuses (a width that is not a power of two from 4 to 64, caches
 * that are not whole lines), so a parsed board did not validate. */
static void test_profile_accel_validated(void **state)
{
    (void)state;
    static const char crash[] = "name = b\ncore = m0+\nclock_mhz = 4\nregion = f flash 0 4K\n"
                                "region = r ram 0x1000 4K\nflash_width = 3\n";
    sim_board b;
    char *cause;
    assert_int_equal(parse_text(crash, &b, &cause), -1);
    assert_string_equal(cause, "boards/x.board: flash_width 3 must be 4, 8, 16, 32 or 64 bytes");
    free(cause);
    assert_int_equal(parse_text(HEAD RAM_LINE "flash_width = 8\nicache_bytes = 12\n", &b, &cause),
                     -1);
    assert_non_null(strstr(cause, "icache_bytes 12 must be a multiple of flash_width (8)"));
    free(cause);
    assert_int_equal(parse_text(HEAD RAM_LINE "dcache_bytes = 6\n", &b, &cause), -1);
    assert_non_null(strstr(cause, "dcache_bytes 6 must be a multiple of flash_width (4)"));
    free(cause);
    /* what the parser accepts validates */
    assert_int_equal(parse_text(HEAD RAM_LINE "flash_width = 16\nicache_bytes = 1024\n"
                                "dcache_bytes = 0\nprefetch = 1\n", &b, &cause), 0);
    assert_int_equal(sim_board_validate(&b, &cause), 0);
    assert_int_equal(b.flash_width, 16);
    assert_int_equal(b.icache_bytes, 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_names_and_ids),
        cmocka_unit_test(test_core_parse_aliases),
        cmocka_unit_test(test_builtin_invariants),
        cmocka_unit_test(test_builtin_figures),
        cmocka_unit_test(test_builtin_ws_tables),
        cmocka_unit_test(test_profile_base),
        cmocka_unit_test(test_region_at),
        cmocka_unit_test(test_profile_valid),
        cmocka_unit_test(test_profile_round_trip),
        cmocka_unit_test(test_profile_load_file),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_profile_errors),
        cmocka_unit_test(test_profile_memory_limit),
        cmocka_unit_test(test_profile_source_too_long),
        cmocka_unit_test(test_profile_limits),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_profile_accel_validated),
    };
    return cmocka_run_group_tests_name("sim/board", tests, NULL, NULL);
}
