/*
 * Board profiles: the Cortex-M core names, the built-in boards with the datasheet figures
 * they rest on, and the loader of profile files (untrusted input: every field is checked).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "models/util.h"
#include "sim/board.h"

/* ===================================================================== cores */

static const struct {
    const char *name, *id;
    int fpu;
} cores[SIM_CORE_COUNT] = {
    [SIM_CORE_M0P] = {"Cortex-M0+", "cortex-m0plus", 0},
    [SIM_CORE_M3] = {"Cortex-M3", "cortex-m3", 0},
    [SIM_CORE_M4F] = {"Cortex-M4F", "cortex-m4f", 1},
    [SIM_CORE_M7] = {"Cortex-M7", "cortex-m7", 1},
    [SIM_CORE_M33] = {"Cortex-M33", "cortex-m33", 1},
};

/* Other spellings sim_core_parse accepts. "cortex-m4" means the M4F: every core the
 * simulator models has the options of the boards it lists (FPU on M4, M7 and M33). */
static const struct {
    const char *alias;
    sim_core core;
} core_aliases[] = {
    {"m0+", SIM_CORE_M0P},         {"m0plus", SIM_CORE_M0P}, {"cortex-m0+", SIM_CORE_M0P},
    {"m3", SIM_CORE_M3},           {"m4", SIM_CORE_M4F},     {"m4f", SIM_CORE_M4F},
    {"cortex-m4", SIM_CORE_M4F},   {"m7", SIM_CORE_M7},      {"m33", SIM_CORE_M33},
};

const char *sim_core_name(sim_core c)
{
    return (unsigned)c < SIM_CORE_COUNT ? cores[c].name : "?";
}

const char *sim_core_id(sim_core c)
{
    return (unsigned)c < SIM_CORE_COUNT ? cores[c].id : "?";
}

int sim_core_has_fpu(sim_core c)
{
    return (unsigned)c < SIM_CORE_COUNT && cores[c].fpu;
}

int sim_core_parse(const char *s, sim_core *out)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < SIM_CORE_COUNT; i++) {
        if (strcasecmp(s, cores[i].id) == 0) {
            *out = (sim_core)i;
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof core_aliases / sizeof core_aliases[0]; i++) {
        if (strcasecmp(s, core_aliases[i].alias) == 0) {
            *out = core_aliases[i].core;
            return 0;
        }
    }
    return -1;
}

/* ===================================================================== built-in boards */

#define KIB(n) ((uint32_t)(n) * 1024u)

/*
 * The built-in boards. Every figure is from the cited datasheet (DS) or reference manual
 * (RM); energy figures are from ../shared/notes/cortex-m-timing.md section 3, where [M]
 * marks a third-party measurement and [E] an unverified estimate. 0 means "not known".
 * Each board has one region per kind: SRAM blocks that are contiguous in the memory map are
 * one region (the simulator cannot tell them apart).
 */
static const sim_board builtin[] = {
    {
        .name = "nucleo-l4r5zi",
        .mcu = "STM32L4R5ZI",
        .core = SIM_CORE_M4F,
        .clock_hz = 120000000, /* DS12023 §1: Cortex-M4F up to 120 MHz */
        .regions = {
            /* DS12023 memory map: 2 MB flash at 0x08000000, aliased at 0 when booting from
             * main flash (BOOT0 = 0). RM0432 §3.3.3 flash latency table: 5 WS for
             * 100 < HCLK <= 120 MHz in Range 1 boost mode. */
            {.name = "flash", .kind = SIM_MEM_FLASH, .base = 0x08000000, .size = KIB(2048),
             .alias = 0x00000000, .has_alias = 1, .wait_states = 5},
            /* DS12023 memory map: SRAM1 192 KB at 0x20000000, SRAM2 64 KB at 0x20030000,
             * SRAM3 384 KB at 0x20040000: 640 KB contiguous, zero wait states. */
            {.name = "sram", .kind = SIM_MEM_RAM, .base = 0x20000000, .size = KIB(640)},
        },
        .n_regions = 2,
        /* [M] MLCommons tiny_results_v0.5, closed/reference Nucleo-L4R5ZI energy runs:
         * 40.3-41.5 mW at 1.8 V on VDD during TFLM inference at 120 MHz, i.e. about
         * 22.7 mA, 189 uA/MHz for the whole VDD domain. The datasheet typical (about
         * 110 uA/MHz [E]) is lower: the measurement includes what a real board draws.
         * Offset and sleep current: not known (0). */
        .vdd_v = 1.8,
        .run_ua_per_mhz = 189.0,
        .run_offset_ua = 0.0,
        .sleep_ua = 0.0,
        /* RM0432 §3.3: 64-bit flash reads; the ART accelerator's instruction cache of
         * 32 lines of 4 x 64 bits (1 KB) and data cache of 8 lines of 4 x 64 bits (256 B)
         * [E: figures as recalled for the L4 family, re-check in RM0432]; prefetch assumed
         * on (PRFTEN, set by CubeMX's HAL_Init with PREFETCH_ENABLE). */
        .flash_width = 8, .icache_bytes = 1024, .dcache_bytes = 256, .prefetch = 1,
        .source = "ST DS12023 memory map; RM0432 flash latency (5 WS, Range 1 boost); "
                  "energy: mlcommons/tiny_results_v0.5 Nucleo-L4R5ZI at 1.8 V",
    },
    {
        .name = "nucleo-f746zg",
        .mcu = "STM32F746ZG",
        .core = SIM_CORE_M7,
        .clock_hz = 216000000, /* DS10916 §1: Cortex-M7 up to 216 MHz */
        .regions = {
            /* DS10916 / RM0385 memory map: 1 MB flash on AXIM at 0x08000000, also seen
             * through the ITCM interface at 0x00200000 (the default boot address,
             * BOOT_ADD0 = 0x0080). 0x00000000 is ITCM RAM on this part, not flash, so the
             * alias is the ITCM one. RM0385 §3.3.2 Table 5: 7 WS for 210 < HCLK <= 216 MHz
             * at 2.7-3.6 V. */
            {.name = "flash", .kind = SIM_MEM_FLASH, .base = 0x08000000, .size = KIB(1024),
             .alias = 0x00200000, .has_alias = 1, .wait_states = 7},
            /* DS10916 memory map: DTCM 64 KB at 0x20000000, SRAM1 240 KB at 0x20010000,
             * SRAM2 16 KB at 0x2004C000: 320 KB contiguous. */
            {.name = "sram", .kind = SIM_MEM_RAM, .base = 0x20000000, .size = KIB(320)},
        },
        .n_regions = 2,
        /* No run-current figure collected for the F746 (notes §3): 0. */
        .vdd_v = 3.3,
        /* RM0385 §3.3: the flash is read 256 bits at a time [E]; what caches it is the
         * Cortex-M7's own L1 caches, 4 KB instruction and 4 KB data on the F74x (DS10916
         * §3.1), assumed enabled (SCB_EnableICache/DCache, as CubeMX projects do).
         * ASSUMPTION: the simulator does not follow CCR.IC/DC or cache maintenance. */
        .flash_width = 32, .icache_bytes = 4096, .dcache_bytes = 4096, .prefetch = 1,
        .source = "ST DS10916 memory map; RM0385 flash latency (7 WS at 2.7-3.6 V); "
                  "flash alias: ITCM interface at 0x00200000; no energy figures",
    },
    {
        .name = "nucleo-g0b1re",
        .mcu = "STM32G0B1RE",
        .core = SIM_CORE_M0P,
        .clock_hz = 64000000, /* DS13560 §1: Cortex-M0+ up to 64 MHz */
        .regions = {
            /* DS13560 memory map: 512 KB flash at 0x08000000, aliased at 0 when booting
             * from main flash. RM0444 §3.3.4 flash latency: 2 WS for 48 < HCLK <= 64 MHz
             * (Range 1). */
            {.name = "flash", .kind = SIM_MEM_FLASH, .base = 0x08000000, .size = KIB(512),
             .alias = 0x00000000, .has_alias = 1, .wait_states = 2},
            /* DS13560: 144 KB SRAM at 0x20000000 (128 KB with parity checking on). */
            {.name = "sram", .kind = SIM_MEM_RAM, .base = 0x20000000, .size = KIB(144)},
        },
        .n_regions = 2,
        /* [E] about 100 uA/MHz, the DS13560 typical run current as quoted in the notes,
         * not verified against the datasheet. Offset and sleep: not known (0). */
        .vdd_v = 3.3,
        .run_ua_per_mhz = 100.0,
        /* RM0444 §3.3: 64-bit flash reads, prefetch and an instruction cache (ICEN); no
         * data cache. Instruction cache size [E] 16 lines of 64 bits assumed. */
        .flash_width = 8, .icache_bytes = 128, .dcache_bytes = 0, .prefetch = 1,
        .source = "ST DS13560 memory map; RM0444 flash latency (2 WS, Range 1); "
                  "run current: DS13560 typical, unverified estimate",
    },
    {
        .name = "nrf52840-dk",
        .mcu = "nRF52840",
        .core = SIM_CORE_M4F,
        .clock_hz = 64000000, /* nRF52840 PS v1.7 §4: Cortex-M4F at 64 MHz */
        .regions = {
            /* nRF52840 PS v1.7 memory map: 1 MB flash at 0x00000000, no alias. The flash
             * wait states are not user-visible: 0 assumes the NVMC instruction cache is
             * enabled (ASSUMPTION; Nordic's own CPU-from-flash figures assume it). */
            {.name = "flash", .kind = SIM_MEM_FLASH, .base = 0x00000000, .size = KIB(1024),
             .wait_states = 0},
            /* nRF52840 PS v1.7 memory map: 256 KB RAM at 0x20000000. */
            {.name = "ram", .kind = SIM_MEM_RAM, .base = 0x20000000, .size = KIB(256)},
        },
        .n_regions = 2,
        /* [E] about 52 uA/MHz (3.3 mA at 64 MHz with DC/DC, CoreMark, PS "CPU running"),
         * not verified. The notes give no supply voltage: 3.3 V assumed. Offset and
         * sleep: not known (0). */
        .vdd_v = 3.3,
        .run_ua_per_mhz = 52.0,
        .source = "Nordic nRF52840 Product Specification v1.7; 0 WS assumes the NVMC "
                  "cache on; run current: PS CPU running, unverified estimate",
    },
    {
        .name = "nucleo-u575zi",
        .mcu = "STM32U575ZI",
        .core = SIM_CORE_M33,
        .clock_hz = 160000000, /* DS13737 §1: Cortex-M33 up to 160 MHz */
        .regions = {
            /* DS13737 / RM0456 memory map: 2 MB flash at 0x08000000 (non-secure; secure
             * alias at 0x0C000000, not modelled). The boot address comes from the option
             * bytes (NSBOOTADD0 = 0x08000000): no alias at 0. RM0456 §7.3.3 flash
             * latency: 4 WS for 128 < HCLK <= 160 MHz in Range 1. */
            {.name = "flash", .kind = SIM_MEM_FLASH, .base = 0x08000000, .size = KIB(2048),
             .wait_states = 4},
            /* DS13737: SRAM1 192 KB at 0x20000000, SRAM2 64 KB at 0x20030000, SRAM3
             * 512 KB at 0x20040000: 768 KB contiguous (SRAM4, 16 KB at 0x28000000, is not
             * modelled). */
            {.name = "sram", .kind = SIM_MEM_RAM, .base = 0x20000000, .size = KIB(768)},
        },
        .n_regions = 2,
        /* [E] about 19.5 uA/MHz, the DS13737 typical with the SMPS at 3.3 V as quoted in
         * the notes, not verified. Offset and sleep: not known (0). */
        .vdd_v = 3.3,
        .run_ua_per_mhz = 19.5,
        /* RM0456: 128-bit flash reads [E]; the 8 KB ICACHE caches every access of the
         * Cortex-M33 code bus (instruction fetches and data reads of flash), modelled as an
         * 8 KB instruction cache and an 8 KB data cache (a unified cache shares its lines:
         * this is optimistic when both streams are large). Prefetch on. */
        .flash_width = 16, .icache_bytes = 8192, .dcache_bytes = 8192, .prefetch = 1,
        .source = "ST DS13737 memory map; RM0456 flash latency (4 WS, Range 1); "
                  "run current: DS13737 typical (SMPS, 3.3 V), unverified estimate",
    },
    {
        .name = "nucleo-f207zg",
        .mcu = "STM32F207ZG",
        .core = SIM_CORE_M3,
        .clock_hz = 120000000, /* DS6329 §1: Cortex-M3 up to 120 MHz */
        .regions = {
            /* DS6329 memory map: 1 MB flash at 0x08000000, aliased at 0 when booting from
             * main flash. RM0033 §2.3.3 Table 3: 3 WS for 90 < HCLK <= 120 MHz at
             * 2.7-3.6 V. */
            {.name = "flash", .kind = SIM_MEM_FLASH, .base = 0x08000000, .size = KIB(1024),
             .alias = 0x00000000, .has_alias = 1, .wait_states = 3},
            /* DS6329: SRAM1 112 KB at 0x20000000 and SRAM2 16 KB at 0x2001C000: 128 KB
             * contiguous. */
            {.name = "sram", .kind = SIM_MEM_RAM, .base = 0x20000000, .size = KIB(128)},
        },
        .n_regions = 2,
        /* No run-current figure collected for the F207 (notes §3): 0. */
        .vdd_v = 3.3,
        /* RM0033 §2.3.2: 128-bit flash reads; the ART accelerator has 64 lines of 128 bits
         * for instructions (1 KB) and 8 lines of 128 bits for data (128 B); prefetch on. */
        .flash_width = 16, .icache_bytes = 1024, .dcache_bytes = 128, .prefetch = 1,
        .source = "ST DS6329 memory map; RM0033 flash latency (3 WS at 2.7-3.6 V); "
                  "no energy figures",
    },
};

#define N_BUILTIN ((uint32_t)(sizeof builtin / sizeof builtin[0]))

uint32_t sim_board_builtin_count(void)
{
    return N_BUILTIN;
}

const sim_board *sim_board_builtin(uint32_t i)
{
    return i < N_BUILTIN ? &builtin[i] : NULL;
}

const sim_board *sim_board_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (uint32_t i = 0; i < N_BUILTIN; i++) {
        if (strcmp(builtin[i].name, name) == 0)
            return &builtin[i];
    }
    return NULL;
}

/* ===================================================================== regions */

const sim_region *sim_board_region_at(const sim_board *b, uint32_t addr)
{
    for (uint32_t i = 0; i < b->n_regions && i < SIM_MAX_REGIONS; i++) {
        const sim_region *r = &b->regions[i];
        if (addr - r->base < r->size)
            return r;
        if (r->has_alias && addr - r->alias < r->size)
            return r;
    }
    return NULL;
}

const sim_region *sim_board_range_at(const sim_board *b, uint32_t addr, uint32_t len)
{
    const sim_region *r = sim_board_region_at(b, addr);
    if (!r)
        return NULL;
    uint32_t base = addr - r->base < r->size ? r->base : r->alias;
    return len <= r->size - (addr - base) ? r : NULL;
}

static const sim_region *first_of_kind(const sim_board *b, sim_mem_kind k)
{
    for (uint32_t i = 0; i < b->n_regions && i < SIM_MAX_REGIONS; i++) {
        if (b->regions[i].kind == k)
            return &b->regions[i];
    }
    return NULL;
}

const sim_region *sim_board_flash(const sim_board *b)
{
    return first_of_kind(b, SIM_MEM_FLASH);
}

const sim_region *sim_board_ram(const sim_board *b)
{
    return first_of_kind(b, SIM_MEM_RAM);
}

/* Do [a, a+an) and [b, b+bn) intersect? Both ranges are known not to wrap. */
static int ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
    return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/* Names of regions and boards: [a-z0-9._-], 1..max characters. */
static int valid_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/*
 * Check region i of b on its own and against regions 0..i-1 (their bases and aliases) and
 * the PPB. 0, or -1 with a description in msg ("region 'sram' overlaps 'flash'
 * (0x08000000-0x080fffff)"). The profile loader calls it as each region is read, so the
 * message belongs to that line; sim_board_validate calls it for every region.
 */
static int check_region(const sim_board *b, uint32_t i, char *msg, size_t msz)
{
    const sim_region *r = &b->regions[i];
    const char *nm = r->name;

    if (memchr(r->name, '\0', sizeof r->name) == NULL || !valid_name(r->name, sizeof r->name - 1)) {
        snprintf(msg, msz, "region name must be 1 to %zu characters of [a-z0-9._-]",
                 sizeof r->name - 1);
        return -1;
    }
    for (uint32_t j = 0; j < i; j++) {
        if (strcmp(b->regions[j].name, nm) == 0) {
            snprintf(msg, msz, "region name '%s' is used twice", nm);
            return -1;
        }
    }
    if (r->kind != SIM_MEM_FLASH && r->kind != SIM_MEM_RAM) {
        snprintf(msg, msz, "region '%s' has an unknown kind", nm);
        return -1;
    }
    if (r->size == 0) {
        snprintf(msg, msz, "region '%s' has size 0", nm);
        return -1;
    }
    if (r->base % SIM_PAGE != 0) {
        snprintf(msg, msz,
                 "region '%s' base 0x%08x is not a multiple of 4 KiB (the emulator maps "
                 "memory in 4 KiB pages)", nm, r->base);
        return -1;
    }
    if (r->size % SIM_PAGE != 0) {
        snprintf(msg, msz,
                 "region '%s' size %u (0x%x) is not a multiple of 4 KiB (the emulator maps "
                 "memory in 4 KiB pages)", nm, r->size, r->size);
        return -1;
    }
    if ((uint64_t)r->base + r->size > 0x100000000ull) {
        snprintf(msg, msz, "region '%s' (0x%08x + %u bytes) runs past the 4 GiB address space",
                 nm, r->base, r->size);
        return -1;
    }
    uint64_t total = r->size;
    for (uint32_t j = 0; j < i; j++)
        total += b->regions[j].size;
    if (total > SIM_BOARD_MAX_MEMORY) {
        snprintf(msg, msz,
                 "region '%s' (%u KiB) brings the board's memory to %llu KiB, more than the "
                 "%u MiB tinysim simulates (it holds every region twice in host memory); "
                 "declare the memory the firmware uses",
                 nm, r->size >> 10, (unsigned long long)(total >> 10), SIM_BOARD_MAX_MEMORY >> 20);
        return -1;
    }
    if (r->has_alias) {
        if (r->alias % SIM_PAGE != 0) {
            snprintf(msg, msz, "region '%s' alias 0x%08x is not a multiple of 4 KiB", nm,
                     r->alias);
            return -1;
        }
        if ((uint64_t)r->alias + r->size > 0x100000000ull) {
            snprintf(msg, msz,
                     "region '%s' alias 0x%08x + %u bytes runs past the 4 GiB address space",
                     nm, r->alias, r->size);
            return -1;
        }
        if (ranges_overlap(r->base, r->size, r->alias, r->size)) {
            snprintf(msg, msz, "region '%s' alias 0x%08x overlaps the region itself "
                     "(0x%08x-0x%08x)", nm, r->alias, r->base, r->base + (r->size - 1));
            return -1;
        }
    } else if (r->alias != 0) {
        snprintf(msg, msz, "region '%s' has an alias address but no alias", nm);
        return -1;
    }

    /* Its ranges (base, then alias) against the PPB and every earlier region's ranges. */
    for (int mine = 0; mine < 1 + (r->has_alias != 0); mine++) {
        uint32_t a = mine ? r->alias : r->base;
        const char *what = mine ? " (its alias)" : "";
        if (ranges_overlap(a, r->size, SIM_PPB_BASE, 0x20000000u)) {
            snprintf(msg, msz,
                     "region '%s'%s overlaps the private peripheral bus (0xe0000000-0xffffffff), "
                     "which the simulator provides itself", nm, what);
            return -1;
        }
        for (uint32_t j = 0; j < i; j++) {
            const sim_region *o = &b->regions[j];
            for (int theirs = 0; theirs < 1 + (o->has_alias != 0); theirs++) {
                uint32_t ob = theirs ? o->alias : o->base;
                if (ranges_overlap(a, r->size, ob, o->size)) {
                    snprintf(msg, msz, "region '%s'%s overlaps %s'%s' (0x%08x-0x%08x)", nm,
                             what, theirs ? "the alias of " : "", o->name, ob,
                             ob + (o->size - 1));
                    return -1;
                }
            }
        }
    }
    return 0;
}

#define CACHE_MAX (64u * 1024u)

/* The flash accelerator: a power-of-two access width of 4 to 64 bytes (or 0 = 4), caches of
 * whole lines up to 64 KiB, prefetch 0 or 1. */
static int check_accel(const sim_board *b, char *msg, size_t msz)
{
    uint32_t w = b->flash_width ? b->flash_width : 4;
    if (w < 4 || w > 64 || (w & (w - 1))) {
        snprintf(msg, msz, "flash_width %u must be 4, 8, 16, 32 or 64 bytes", b->flash_width);
        return -1;
    }
    const uint32_t c[2] = {b->icache_bytes, b->dcache_bytes};
    for (int i = 0; i < 2; i++) {
        if (c[i] > CACHE_MAX || c[i] % w) {
            snprintf(msg, msz, "%s %u must be a multiple of flash_width (%u) up to %u bytes",
                     i ? "dcache_bytes" : "icache_bytes", c[i], w, CACHE_MAX);
            return -1;
        }
    }
    if (b->prefetch > 1) {
        snprintf(msg, msz, "prefetch must be 0 or 1");
        return -1;
    }
    return 0;
}

#define CLOCK_MIN 1000u
#define CLOCK_MAX 1000000000u

/* Checks on the whole board once every line is read; msg as check_region. */
static int check_board_whole(const sim_board *b, char *msg, size_t msz)
{
    if (b->n_regions > SIM_MAX_REGIONS) {
        snprintf(msg, msz, "more than %u regions", SIM_MAX_REGIONS);
        return -1;
    }
    if (!sim_board_flash(b)) {
        snprintf(msg, msz, "no flash region (add 'region = flash flash BASE SIZE')");
        return -1;
    }
    if (!sim_board_ram(b)) {
        snprintf(msg, msz, "no ram region (add 'region = sram ram BASE SIZE')");
        return -1;
    }
    return 0;
}

int sim_board_validate(const sim_board *b, char **cause)
{
    char msg[256];
    const char *bn = memchr(b->name, '\0', sizeof b->name) ? b->name : "?";
    if (!valid_name(bn, sizeof b->name - 1)) {
        *cause = mu_asprintf("board '%s': name must be 1 to 31 characters of [a-z0-9._-]", bn);
        return -1;
    }
    if ((unsigned)b->core >= SIM_CORE_COUNT) {
        *cause = mu_asprintf("board %s: unknown core %d", bn, (int)b->core);
        return -1;
    }
    if (b->clock_hz < CLOCK_MIN || b->clock_hz > CLOCK_MAX) {
        *cause = mu_asprintf("board %s: clock %u Hz is outside 1 kHz to 1 GHz", bn, b->clock_hz);
        return -1;
    }
    if (memchr(b->mcu, '\0', sizeof b->mcu) == NULL ||
        memchr(b->source, '\0', sizeof b->source) == NULL) {
        *cause = mu_asprintf("board %s: mcu or source is not NUL-terminated", bn);
        return -1;
    }
    if (!(b->vdd_v >= 0 && b->vdd_v <= 10) ||
        !(b->run_ua_per_mhz >= 0 && b->run_ua_per_mhz <= 1e5) ||
        !(b->run_offset_ua >= 0 && b->run_offset_ua <= 1e7) ||
        !(b->sleep_ua >= 0 && b->sleep_ua <= 1e7)) {
        *cause = mu_asprintf("board %s: an energy figure is negative, not a number or too large",
                             bn);
        return -1;
    }
    if (check_accel(b, msg, sizeof msg) != 0) {
        *cause = mu_asprintf("board %s: %s", bn, msg);
        return -1;
    }
    if (check_board_whole(b, msg, sizeof msg) != 0) {
        *cause = mu_asprintf("board %s: %s", bn, msg);
        return -1;
    }
    for (uint32_t i = 0; i < b->n_regions; i++) {
        if (check_region(b, i, msg, sizeof msg) != 0) {
            *cause = mu_asprintf("board %s: %s", bn, msg);
            return -1;
        }
    }
    return 0;
}

/* ===================================================================== profile parser */

typedef struct {
    const char *file;     /* path or name for messages */
    uint32_t line;        /* current line, 1-based; 0 for whole-file messages */
    char **cause;
} pctx;

static int perr(pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Set *cause to "FILE:LINE: message" (or "FILE: message" for line 0); returns -1. */
static int perr(pctx *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = mu_vasprintf(fmt, ap);
    va_end(ap);
    if (p->line)
        *p->cause = mu_asprintf("%s:%u: %s", p->file, p->line, m);
    else
        *p->cause = mu_asprintf("%s: %s", p->file, m);
    free(m);
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/*
 * An unsigned integer, decimal or 0x hex, at *s; advances *s past it. 0, -1 if there is no
 * number, -2 if it is above 2^40 (no field needs more: this is the overflow check).
 */
static int parse_uint(const char **s, uint64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    int digits = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        for (;; p++, digits++) {
            int d;
            if (*p >= '0' && *p <= '9')
                d = *p - '0';
            else if (*p >= 'a' && *p <= 'f')
                d = *p - 'a' + 10;
            else if (*p >= 'A' && *p <= 'F')
                d = *p - 'A' + 10;
            else
                break;
            v = v * 16 + (uint64_t)d;
            if (v > (1ull << 40))
                return -2;
        }
    } else {
        for (; *p >= '0' && *p <= '9'; p++, digits++) {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > (1ull << 40))
                return -2;
        }
    }
    if (digits == 0)
        return -1;
    *s = p;
    *out = v;
    return 0;
}

/* A whole token as a 32-bit address. */
static int parse_addr(pctx *p, const char *tok, const char *what, uint32_t *out)
{
    const char *s = tok;
    uint64_t v;
    int rc = parse_uint(&s, &v);
    if (rc == -2)
        return perr(p, "%s '%s' is beyond the 4 GiB address space", what, tok);
    if (rc != 0 || *s != '\0')
        return perr(p, "%s '%s' is not a number (write decimal or 0x hex)", what, tok);
    if (v > 0xFFFFFFFFull)
        return perr(p, "%s '%s' is beyond the 4 GiB address space", what, tok);
    *out = (uint32_t)v;
    return 0;
}

/* A size: a number with an optional K or M suffix (also KiB, KB, MiB, MB), 1 byte .. 4 GiB-1. */
static int parse_size(pctx *p, const char *tok, uint32_t *out)
{
    const char *s = tok;
    uint64_t v, mul = 1;
    int rc = parse_uint(&s, &v);
    if (rc == -2)
        return perr(p, "size '%s' is larger than the 4 GiB address space", tok);
    if (rc != 0)
        return perr(p, "size '%s' is not a number (write bytes, or a K or M suffix)", tok);
    if (*s == 'K' || *s == 'k')
        mul = 1024, s++;
    else if (*s == 'M' || *s == 'm')
        mul = 1024 * 1024, s++;
    if (mul != 1 && (strcmp(s, "iB") == 0 || strcmp(s, "B") == 0))
        s += strlen(s);
    if (*s != '\0')
        return perr(p, "size '%s' has an unknown suffix (use K or M)", tok);
    if (v > 0xFFFFFFFFull / mul)
        return perr(p, "size '%s' is larger than the 4 GiB address space", tok);
    v *= mul;
    if (v > 0xFFFFFFFFull)
        return perr(p, "size '%s' is larger than the 4 GiB address space", tok);
    *out = (uint32_t)v;
    return 0;
}

/*
 * A non-negative decimal ("3.3", "189", "1.5e3") at most max. Parsed here rather than with
 * strtod so that the locale (the TUI may set one with a decimal comma) cannot change it.
 */
static int parse_decimal(pctx *p, const char *key, const char *tok, double max, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *s = tok;
    uint64_t mant = 0;
    int exp10 = 0, digits = 0, sig = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (sig < 19) {
            mant = mant * 10 + (uint64_t)(*s - '0');
            if (mant)
                sig++;
        } else {
            exp10++;
        }
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
            if (sig < 19) {
                mant = mant * 10 + (uint64_t)(*s - '0');
                exp10--;
                if (mant)
                    sig++;
            }
        }
    }
    if (digits == 0)
        return perr(p, "%s '%s' is not a number", key, tok);
    if (*s == 'e' || *s == 'E') {
        int neg = 0, e = 0, ed = 0;
        s++;
        if (*s == '+' || *s == '-')
            neg = *s++ == '-';
        for (; *s >= '0' && *s <= '9'; s++, ed++) {
            if (e < 1000)
                e = e * 10 + (*s - '0');
        }
        if (ed == 0)
            return perr(p, "%s '%s' is not a number", key, tok);
        exp10 += neg ? -e : e;
    }
    if (*s != '\0')
        return perr(p, "%s '%s' is not a number (write a decimal such as 3.3)", key, tok);
    double v = (double)mant;
    if (mant != 0) {
        if (exp10 > 40)
            return perr(p, "%s '%s' is out of range (0 to %g)", key, tok, max);
        while (exp10 > 0) {
            int k = exp10 > 22 ? 22 : exp10;
            v *= p10[k];
            exp10 -= k;
        }
        while (exp10 < 0) {
            int k = -exp10 > 22 ? 22 : -exp10;
            v /= p10[k];
            exp10 += k;
        }
    }
    if (!(v <= max))
        return perr(p, "%s '%s' is out of range (0 to %g)", key, tok, max);
    *out = v;
    return 0;
}

/* clock_mhz: decimal MHz with up to 6 decimals, exactly, in Hz. */
static int parse_mhz(pctx *p, const char *tok, uint64_t *hz)
{
    const char *s = tok;
    uint64_t v = 0, frac = 0;
    int digits = 0, fd = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > 100000)
            return perr(p, "clock_mhz '%s' is out of range (1 kHz to 1 GHz)", tok);
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, fd++) {
            if (fd == 6)
                return perr(p, "clock_mhz '%s' has more than 6 decimals (finer than 1 Hz)", tok);
            frac = frac * 10 + (uint64_t)(*s - '0');
        }
    }
    if (digits == 0 || *s != '\0')
        return perr(p, "clock_mhz '%s' is not a number (write MHz such as 80 or 4.194304)", tok);
    for (; fd < 6; fd++)
        frac *= 10;
    *hz = v * 1000000u + frac;
    return 0;
}

/* Copy a free-text value (mcu, source) into a fixed field: printable ASCII, fits. */
static int set_text(pctx *p, const char *key, const char *val, char *dst, size_t size)
{
    size_t n = strlen(val);
    if (n >= size)
        return perr(p, "%s is %zu characters, more than %zu", key, n, size - 1);
    memcpy(dst, val, n + 1);
    return 0;
}

/* region = NAME KIND BASE SIZE [ws=N] [alias=ADDR] */
static int parse_region(pctx *p, sim_board *b, char *val)
{
    char *tok[8];
    int nt = 0;
    for (char *s = val; *s;) {
        while (is_space(*s))
            s++;
        if (!*s)
            break;
        if (nt == 8)
            return perr(p, "region has too many fields (NAME KIND BASE SIZE [ws=N] [alias=ADDR])");
        tok[nt++] = s;
        while (*s && !is_space(*s))
            s++;
        if (*s)
            *s++ = '\0';
    }
    if (nt < 4)
        return perr(p, "region needs NAME KIND BASE SIZE [ws=N] [alias=ADDR]");
    if (b->n_regions >= SIM_MAX_REGIONS)
        return perr(p, "more than %u regions", SIM_MAX_REGIONS);

    sim_region r;
    memset(&r, 0, sizeof r);
    if (!valid_name(tok[0], sizeof r.name - 1))
        return perr(p, "region name '%s' must be 1 to %zu characters of [a-z0-9._-]", tok[0],
                    sizeof r.name - 1);
    memcpy(r.name, tok[0], strlen(tok[0]) + 1);
    if (strcmp(tok[1], "flash") == 0)
        r.kind = SIM_MEM_FLASH;
    else if (strcmp(tok[1], "ram") == 0)
        r.kind = SIM_MEM_RAM;
    else
        return perr(p, "region '%s': kind '%s' is neither flash nor ram", r.name, tok[1]);
    if (parse_addr(p, tok[2], "base", &r.base) != 0 || parse_size(p, tok[3], &r.size) != 0)
        return -1;
    int have_ws = 0;
    for (int i = 4; i < nt; i++) {
        if (strncmp(tok[i], "ws=", 3) == 0 && !have_ws) {
            const char *s = tok[i] + 3;
            uint64_t v;
            if (parse_uint(&s, &v) != 0 || *s != '\0' || v > 255)
                return perr(p, "region '%s': wait states '%s' must be a number from 0 to 255",
                            r.name, tok[i] + 3);
            r.wait_states = (uint32_t)v;
            have_ws = 1;
        } else if (strncmp(tok[i], "alias=", 6) == 0 && !r.has_alias) {
            if (parse_addr(p, tok[i] + 6, "alias", &r.alias) != 0)
                return -1;
            r.has_alias = 1;
        } else {
            return perr(p, "region '%s': unexpected '%s' (options: ws=N alias=ADDR, each once)",
                        r.name, tok[i]);
        }
    }
    b->regions[b->n_regions] = r;
    char msg[256];
    if (check_region(b, b->n_regions, msg, sizeof msg) != 0)
        return perr(p, "%s", msg);
    b->n_regions++;
    return 0;
}

enum {
    K_NAME, K_MCU, K_CORE, K_CLOCK, K_REGION, K_VDD, K_RUN, K_OFFSET, K_SLEEP, K_WIDTH,
    K_ICACHE, K_DCACHE, K_PREFETCH, K_SOURCE
};

static const struct {
    const char *key;
    int id;
} keys[] = {
    {"name", K_NAME},         {"mcu", K_MCU},
    {"core", K_CORE},         {"clock_mhz", K_CLOCK},
    {"clock_hz", K_CLOCK},    {"region", K_REGION},
    {"vdd_v", K_VDD},         {"run_ua_per_mhz", K_RUN},
    {"run_offset_ua", K_OFFSET}, {"sleep_ua", K_SLEEP},
    {"flash_width", K_WIDTH}, {"icache_bytes", K_ICACHE},
    {"dcache_bytes", K_DCACHE}, {"prefetch", K_PREFETCH},
    {"source", K_SOURCE},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

/* A whole number from 0 to max (sizes in bytes, flags). */
static int parse_small(pctx *p, const char *key, const char *val, uint32_t max, uint32_t *out)
{
    const char *s = val;
    uint64_t v;
    int rc = parse_uint(&s, &v);
    if (rc != 0 || *s != '\0' || v > max)
        return perr(p, "%s '%s' must be a whole number from 0 to %u", key, val, max);
    *out = (uint32_t)v;
    return 0;
}

/* One "key = value" line (comment and blanks already removed). seen[] holds the line
 * where each key id was first given. */
static int parse_line(pctx *p, sim_board *b, char *line, uint32_t *seen)
{
    char *eq = strchr(line, '=');
    if (eq == NULL)
        return perr(p, "expected KEY = VALUE, got '%s'", line);
    *eq = '\0';
    char *key = trim(line), *val = trim(eq + 1);
    size_t k = 0;
    while (k < N_KEYS && strcmp(keys[k].key, key) != 0)
        k++;
    if (k == N_KEYS)
        return perr(p, "unknown key '%s' (keys: name, mcu, core, clock_mhz or clock_hz, region, "
                       "vdd_v, run_ua_per_mhz, run_offset_ua, sleep_ua, flash_width, icache_bytes, "
                       "dcache_bytes, prefetch, source)", key);
    int id = keys[k].id;
    if (id != K_REGION && seen[id])
        return perr(p, "'%s' is given twice (first on line %u)",
                    id == K_CLOCK ? "clock_mhz/clock_hz" : key, seen[id]);
    if (seen[id] == 0)
        seen[id] = p->line;
    if (*val == '\0')
        return perr(p, "'%s' needs a value", key);

    switch (id) {
    case K_NAME:
        if (!valid_name(val, sizeof b->name - 1))
            return perr(p, "name '%s' must be 1 to 31 characters of [a-z0-9._-]", val);
        memcpy(b->name, val, strlen(val) + 1);
        return 0;
    case K_MCU:
        return set_text(p, key, val, b->mcu, sizeof b->mcu);
    case K_SOURCE:
        return set_text(p, key, val, b->source, sizeof b->source);
    case K_CORE:
        if (sim_core_parse(val, &b->core) != 0)
            return perr(p, "unknown core '%s' (cores: cortex-m0plus, cortex-m3, cortex-m4f, "
                           "cortex-m7, cortex-m33)", val);
        return 0;
    case K_CLOCK: {
        uint64_t hz;
        if (strcmp(key, "clock_hz") == 0) {
            const char *s = val;
            int rc = parse_uint(&s, &hz);
            if (rc == -2)
                return perr(p, "clock_hz '%s' is out of range (1 kHz to 1 GHz)", val);
            if (rc != 0 || *s != '\0')
                return perr(p, "clock_hz '%s' is not a whole number of Hz", val);
        } else if (parse_mhz(p, val, &hz) != 0) {
            return -1;
        }
        if (hz < CLOCK_MIN || hz > CLOCK_MAX)
            return perr(p, "%s '%s' is out of range (1 kHz to 1 GHz)", key, val);
        b->clock_hz = (uint32_t)hz;
        return 0;
    }
    case K_REGION:
        return parse_region(p, b, val);
    case K_VDD:
        return parse_decimal(p, key, val, 10.0, &b->vdd_v);
    case K_RUN:
        return parse_decimal(p, key, val, 1e5, &b->run_ua_per_mhz);
    case K_OFFSET:
        return parse_decimal(p, key, val, 1e7, &b->run_offset_ua);
    case K_WIDTH:
        return parse_small(p, key, val, 64, &b->flash_width);
    case K_ICACHE:
        return parse_small(p, key, val, CACHE_MAX, &b->icache_bytes);
    case K_DCACHE:
        return parse_small(p, key, val, CACHE_MAX, &b->dcache_bytes);
    case K_PREFETCH:
        return parse_small(p, key, val, 1, &b->prefetch);
    default:
        return parse_decimal(p, key, val, 1e7, &b->sleep_ua);
    }
}

int sim_board_parse(const char *text, size_t len, const char *name, sim_board *out, char **cause)
{
    pctx p = {.file = name ? name : "<profile>", .line = 0, .cause = cause};
    uint32_t seen[K_SOURCE + 1] = {0};
    sim_board b;
    char buf[SIM_BOARD_MAX_LINE + 1];

    if (len > SIM_BOARD_MAX_FILE)
        return perr(&p, "larger than 64 KiB; a board profile is a short text file");
    memset(&b, 0, sizeof b);
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
        p.line++;
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        if (n > SIM_BOARD_MAX_LINE)
            return perr(&p, "line is longer than %u characters", SIM_BOARD_MAX_LINE);
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        pos = end + 1;
        /* Byte checks on the whole line (a NUL also ends buf early, so look at n bytes). */
        int in_comment = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)buf[i];
            if (c == '\0')
                return perr(&p, "NUL byte at column %zu: this is not a text file", i + 1);
            if (c == '#')
                in_comment = 1;
            if (c < 0x20 && c != '\t')
                return perr(&p, "control character 0x%02x at column %zu", c, i + 1);
            if (c == 0x7f || (c >= 0x80 && !in_comment))
                return perr(&p, "non-ASCII byte 0x%02x at column %zu (profiles are ASCII)", c,
                            i + 1);
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *line = trim(buf);
        if (*line == '\0')
            continue;
        if (parse_line(&p, &b, line, seen) != 0)
            return -1;
    }

    p.line = 0;
    if (!seen[K_NAME])
        return perr(&p, "no 'name = ...' line (required: name, core, clock_mhz, and a flash "
                        "and a ram region)");
    if (!seen[K_CORE])
        return perr(&p, "no 'core = ...' line (cortex-m0plus, cortex-m3, cortex-m4f, cortex-m7 "
                        "or cortex-m33)");
    if (!seen[K_CLOCK])
        return perr(&p, "no 'clock_mhz = ...' (or clock_hz) line");
    char msg[256];
    if (check_board_whole(&b, msg, sizeof msg) != 0 || check_accel(&b, msg, sizeof msg) != 0)
        return perr(&p, "%s", msg);
    *out = b;
    return 0;
}

int sim_board_load(const char *path, sim_board *out, char **cause)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL) {
        *cause = mu_asprintf("cannot open board profile %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        *cause = mu_asprintf("board profile %s is a directory", path);
        return -1;
    }
    char *text = malloc(SIM_BOARD_MAX_FILE + 1);
    if (text == NULL) {
        fclose(f);
        *cause = mu_asprintf("out of memory reading %s", path);
        return -1;
    }
    size_t n = fread(text, 1, SIM_BOARD_MAX_FILE + 1, f);
    int bad = ferror(f);
    int saved = errno;
    fclose(f);
    int rc;
    if (bad) {
        *cause = mu_asprintf("cannot read board profile %s: %s", path, strerror(saved));
        rc = -1;
    } else if (n > SIM_BOARD_MAX_FILE) {
        *cause = mu_asprintf("%s: larger than 64 KiB; a board profile is a short text file",
                             path);
        rc = -1;
    } else {
        rc = sim_board_parse(text, n, path, out, cause);
    }
    free(text);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int sim_board_resolve(const char *arg, sim_board *out, char **cause)
{
    struct stat st;
    if (arg == NULL || *arg == '\0') {
        *cause = mu_asprintf("no board given: name a built-in board or a profile file");
        return -1;
    }
    int pathlike = strchr(arg, '/') || ends_with(arg, ".board") || ends_with(arg, ".txt");
    if (!pathlike) {
        const sim_board *b = sim_board_find(arg);
        if (b) {
            *out = *b;
            return 0;
        }
    }
    if (pathlike || stat(arg, &st) == 0)
        return sim_board_load(arg, out, cause);

    /* Unknown: list the built-in boards, and suggest one that differs only in case. */
    size_t len = 0;
    for (uint32_t i = 0; i < N_BUILTIN; i++)
        len += strlen(builtin[i].name) + 2;
    char *list = malloc(len + 1), *w = list;
    if (list == NULL) {
        *cause = mu_asprintf("unknown board '%s'", arg);
        return -1;
    }
    const char *near = NULL;
    for (uint32_t i = 0; i < N_BUILTIN; i++) {
        w += sprintf(w, "%s%s", i ? ", " : "", builtin[i].name);
        if (strcasecmp(arg, builtin[i].name) == 0)
            near = builtin[i].name;
    }
    *cause = mu_asprintf("unknown board '%s'%s%s%s; built-in boards: %s; or give a profile file "
                         "(a path containing '/' or ending in .board)",
                         arg, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                         list);
    free(list);
    return -1;
}

/* ===================================================================== writing profiles */

/* Append to a growing string (aborts on ENOMEM, as mu_asprintf does). */
static void cat(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cat(char **s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *add = mu_vasprintf(fmt, ap);
    va_end(ap);
    char *n = mu_asprintf("%s%s", *s, add);
    free(add);
    free(*s);
    *s = n;
}

char *sim_board_to_profile(const sim_board *b)
{
    char *s = mu_asprintf("# tinysim board profile (written by tinysim from board %s)\n",
                          b->name);
    cat(&s, "name = %s\n", b->name);
    if (b->mcu[0])
        cat(&s, "mcu = %s\n", b->mcu);
    cat(&s, "core = %s\n", sim_core_id(b->core));
    cat(&s, "clock_hz = %u\n", b->clock_hz);
    for (uint32_t i = 0; i < b->n_regions && i < SIM_MAX_REGIONS; i++) {
        const sim_region *r = &b->regions[i];
        char size[24];
        if (r->size % (1024u * 1024u) == 0)
            snprintf(size, sizeof size, "%uM", r->size / (1024u * 1024u));
        else if (r->size % 1024u == 0)
            snprintf(size, sizeof size, "%uK", r->size / 1024u);
        else
            snprintf(size, sizeof size, "%u", r->size);
        cat(&s, "region = %s %s 0x%08x %s ws=%u", r->name,
            r->kind == SIM_MEM_FLASH ? "flash" : "ram", r->base, size, r->wait_states);
        if (r->has_alias)
            cat(&s, " alias=0x%08x", r->alias);
        cat(&s, "\n");
    }
    const struct {
        const char *key;
        double v;
    } figs[] = {{"vdd_v", b->vdd_v},
                {"run_ua_per_mhz", b->run_ua_per_mhz},
                {"run_offset_ua", b->run_offset_ua},
                {"sleep_ua", b->sleep_ua}};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char num[40];
        snprintf(num, sizeof num, "%.15g", figs[i].v);
        /* A locale with a decimal comma (the TUI may set one) must not leak into the file:
         * %g prints no grouping, so a comma can only be the decimal point. */
        for (char *c = num; *c; c++) {
            if (*c == ',')
                *c = '.';
        }
        cat(&s, "%s = %s\n", figs[i].key, num);
    }
    cat(&s, "flash_width = %u\nicache_bytes = %u\ndcache_bytes = %u\nprefetch = %u\n",
        b->flash_width, b->icache_bytes, b->dcache_bytes, b->prefetch);
    if (b->source[0])
        cat(&s, "source = %s\n", b->source);
    return s;
}
