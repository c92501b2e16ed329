/*
 * Boards: the Cortex-M core names, the built-in boards with the datasheet figures they rest
 * on, region lookups, and the checks every board passes (sim_board_validate; the profile
 * parser of board_file.c applies them line by line). Profile files are board_file.c's.
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
#include "sim/board_int.h"

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
         * Offset: not known (0).
         * Sleep [E]: 2.8 uA, Stop 2 with the RTC running and all 640 KB of SRAM kept, the
         * DS12023 typical at 3 V, 25 C (its feature list), as recalled: the datasheet could
         * not be read here; a secondary source quoting DS12023 gives 1.2 uA for Stop 2
         * without the RTC, consistent with it. A sleeping inference needs a wake-up timer,
         * so the RTC figure is the one to use. Counted at vdd_v like the run current (the
         * LDO's current barely depends on VDD). */
        .vdd_v = 1.8,
        .run_ua_per_mhz = 189.0,
        .run_offset_ua = 0.0,
        .sleep_ua = 2.8,
        .sleep_mode = "Stop 2, RTC on, all SRAM kept: DS12023 typical, 3 V, 25 C [unverified]",
        /* RM0432 §3.3: 64-bit flash reads; the ART accelerator's instruction cache of
         * 32 lines of 4 x 64 bits (1 KB) and data cache of 8 lines of 4 x 64 bits (256 B)
         * [E: figures as recalled for the L4 family, re-check in RM0432]; prefetch assumed
         * on (PRFTEN, set by CubeMX's HAL_Init with PREFETCH_ENABLE). */
        .flash_width = 8, .icache_bytes = 1024, .dcache_bytes = 256, .prefetch = 1,
        /* RM0432 §3.3.3 Table 12, Range 1 boost mode (VCORE 1.28 V): 0 WS up to 20 MHz, one
         * more every 20 MHz, 5 WS up to 120 MHz (as stm32l4xx_ll_utils.c, STM32L4R5xx:
         * UTILS_SCALE1_LATENCYn_FREQ). */
        .ws_max_hz = {20000000, 40000000, 60000000, 80000000, 100000000, 120000000},
        .n_ws = 6, .clock_min_hz = 100000,
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
        /* RM0385 §3.3.2 Table 5, 2.7-3.6 V: one wait state per 30 MHz, 7 WS up to 216 MHz
         * (stm32f7xx_ll_utils.c table). */
        .ws_max_hz = {30000000, 60000000, 90000000, 120000000, 150000000, 180000000, 210000000,
                      216000000},
        .n_ws = 8, .clock_min_hz = 100000,
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
        /* RM0444 §3.3.4, Range 1: 0 WS up to 24 MHz, 1 WS up to 48 MHz, 2 WS up to 64 MHz
         * (G0 ll_utils UTILS_SCALE1_LATENCY1/2_FREQ = 24/48 MHz). */
        .ws_max_hz = {24000000, 48000000, 64000000},
        .n_ws = 3, .clock_min_hz = 100000,
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
         * not verified. The notes give no supply voltage: 3.3 V assumed. Offset: not known.
         * Sleep [E]: 3.16 uA, PS "Sleep" ION_RAMON_RTC (System ON, full 256 KB RAM
         * retention, wake on RTC from the LFRC), typical at 3 V, as recalled: the PS page
         * could not be read here. Two neighbours of that table quoted by others agree with
         * the same recollection (IOFF_RAMON_RESET 1.86 uA, quoted on Nordic's DevZone;
         * ION_RAMOFF_RTC 1.5 uA, in a published power calculator). */
        .vdd_v = 3.3,
        .run_ua_per_mhz = 52.0,
        .sleep_ua = 3.16,
        .sleep_mode = "System ON, RTC wake, all RAM kept: PS ION_RAMON_RTC typical, 3 V "
                      "[unverified]",
        /* nRF52840 PS v1.7 §5.4: the CPU runs from the 64 MHz HFCLK only; flash is read
         * with no wait states the firmware sets. */
        .ws_max_hz = {64000000},
        .n_ws = 1, .clock_min_hz = 64000000,
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
         * the notes, not verified. Offset: not known (0).
         * Sleep [E]: 4.3 uA, Stop 3 with all SRAM kept, the DS13737 typical at 3 V, 25 C
         * (its feature list, which gives 1.9 uA with 16 KB kept), as recalled: the
         * datasheet could not be read here. The RTC that wakes it is not included (a few
         * hundred nA more). */
        .vdd_v = 3.3,
        .run_ua_per_mhz = 19.5,
        .sleep_ua = 4.3,
        .sleep_mode = "Stop 3, all SRAM kept, RTC not counted: DS13737 typical, 3 V "
                      "[unverified]",
        /* RM0456: 128-bit flash reads [E]; the 8 KB ICACHE caches every access of the
         * Cortex-M33 code bus (instruction fetches and data reads of flash), modelled as an
         * 8 KB instruction cache and an 8 KB data cache (a unified cache shares its lines:
         * this is optimistic when both streams are large). Prefetch on. */
        .flash_width = 16, .icache_bytes = 8192, .dcache_bytes = 8192, .prefetch = 1,
        /* RM0456 §7.3.3 Table 54 (flash latency), Range 1 [E: as recalled, re-check in
         * RM0456]: 0 WS up to 32 MHz, one more every 32 MHz, 4 WS up to 160 MHz. */
        .ws_max_hz = {32000000, 64000000, 96000000, 128000000, 160000000},
        .n_ws = 5, .clock_min_hz = 100000,
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
        /* RM0033 §2.3.3 Table 3, 2.7-3.6 V [E: as recalled, re-check in RM0033]: one wait
         * state per 30 MHz, 3 WS up to 120 MHz. */
        .ws_max_hz = {30000000, 60000000, 90000000, 120000000},
        .n_ws = 4, .clock_min_hz = 100000,
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
int board_valid_name(const char *s, size_t max)
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
int board_check_region(const sim_board *b, uint32_t i, char *msg, size_t msz)
{
    const sim_region *r = &b->regions[i];
    const char *nm = r->name;

    if (memchr(r->name, '\0', sizeof r->name) == NULL || !board_valid_name(r->name, sizeof r->name - 1)) {
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

/* The flash accelerator: a power-of-two access width of 4 to 64 bytes (or 0 = 4), caches of
 * whole lines up to 64 KiB, prefetch 0 or 1. */
int board_check_ws(const sim_board *b, char *msg, size_t msz)
{
    if (b->n_ws > 16) {
        snprintf(msg, msz, "more than 16 wait-state steps");
        return -1;
    }
    for (uint32_t i = 0; i < b->n_ws; i++)
        if (b->ws_max_hz[i] < CLOCK_MIN || b->ws_max_hz[i] > CLOCK_MAX ||
            (i && b->ws_max_hz[i] <= b->ws_max_hz[i - 1])) {
            snprintf(msg, msz, "the wait-state table's clocks must rise, within 1 kHz to 1 GHz");
            return -1;
        }
    if (b->clock_min_hz > CLOCK_MAX) {
        snprintf(msg, msz, "clock_min %u Hz is above 1 GHz", b->clock_min_hz);
        return -1;
    }
    if (b->n_ws && (b->clock_hz > b->ws_max_hz[b->n_ws - 1] || b->clock_hz < b->clock_min_hz)) {
        snprintf(msg, msz, "the clock (%u Hz) is outside what the part runs at by its ws_table "
                 "and clock_min_mhz (%u to %u Hz)", b->clock_hz, b->clock_min_hz,
                 b->ws_max_hz[b->n_ws - 1]);
        return -1;
    }
    return 0;
}

int board_check_accel(const sim_board *b, char *msg, size_t msz)
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

/* Checks on the whole board once every line is read; msg as check_region. */
int board_check_whole(const sim_board *b, char *msg, size_t msz)
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
    if (!board_valid_name(bn, sizeof b->name - 1)) {
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
        memchr(b->source, '\0', sizeof b->source) == NULL ||
        memchr(b->sleep_mode, '\0', sizeof b->sleep_mode) == NULL) {
        *cause = mu_asprintf("board %s: mcu, source or sleep_mode is not NUL-terminated", bn);
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
    if (board_check_accel(b, msg, sizeof msg) != 0) {
        *cause = mu_asprintf("board %s: %s", bn, msg);
        return -1;
    }
    if (board_check_ws(b, msg, sizeof msg) != 0) {
        *cause = mu_asprintf("board %s: %s", bn, msg);
        return -1;
    }
    if (board_check_whole(b, msg, sizeof msg) != 0) {
        *cause = mu_asprintf("board %s: %s", bn, msg);
        return -1;
    }
    for (uint32_t i = 0; i < b->n_regions; i++) {
        if (board_check_region(b, i, msg, sizeof msg) != 0) {
            *cause = mu_asprintf("board %s: %s", bn, msg);
            return -1;
        }
    }
    return 0;
}

uint32_t sim_board_ws_at(const sim_board *b, uint32_t hz)
{
    for (uint32_t i = 0; i < b->n_ws; i++)
        if (hz <= b->ws_max_hz[i])
            return i;
    return UINT32_MAX;
}

int sim_board_set_clock(sim_board *b, uint32_t hz, char *msg, size_t n)
{
    msg[0] = 0;
    if (hz < CLOCK_MIN || hz > CLOCK_MAX) {
        snprintf(msg, n, "--clock: %.6g MHz is outside 1 kHz to 1 GHz", hz / 1e6);
        return -1;
    }
    if (b->n_ws == 0) {
        b->clock_hz = hz;
        snprintf(msg, n, "board %s has no wait-state table (ws_table in a profile): the flash "
                 "wait states stay as the profile gives them for %.6g MHz", b->name,
                 b->clock_hz / 1e6);
        return 1;
    }
    uint32_t ws = sim_board_ws_at(b, hz);
    if (ws == UINT32_MAX || hz < b->clock_min_hz) {
        if (b->clock_min_hz == b->ws_max_hz[b->n_ws - 1])
            snprintf(msg, n, "--clock: board %s (%s) runs at %.6g MHz only", b->name, b->mcu,
                     b->clock_min_hz / 1e6);
        else
            snprintf(msg, n, "--clock: board %s (%s) runs from %.6g to %.6g MHz, not %.6g",
                     b->name, b->mcu, b->clock_min_hz / 1e6, b->ws_max_hz[b->n_ws - 1] / 1e6,
                     hz / 1e6);
        return -1;
    }
    b->clock_hz = hz;
    for (uint32_t i = 0; i < b->n_regions; i++)
        if (b->regions[i].kind == SIM_MEM_FLASH)
            b->regions[i].wait_states = ws;
    return 0;
}
