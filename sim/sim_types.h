/*
 * Types shared by every part of sim/ and by its users: the Cortex-M cores the simulator models
 * and the board profile (a core, a clock, a memory map, energy figures and their sources).
 */
#ifndef SIM_TYPES_H
#define SIM_TYPES_H

#include <stdint.h>

typedef enum {
    SIM_CORE_M0P, /* Cortex-M0+, ARMv6-M */
    SIM_CORE_M3,  /* Cortex-M3, ARMv7-M */
    SIM_CORE_M4F, /* Cortex-M4 with FPv4-SP, ARMv7E-M */
    SIM_CORE_M7,  /* Cortex-M7 with FPv5, ARMv7E-M */
    SIM_CORE_M33, /* Cortex-M33 with FPv5-SP and DSP, ARMv8-M mainline */
    SIM_CORE_COUNT
} sim_core;

typedef enum { SIM_MEM_FLASH, SIM_MEM_RAM } sim_mem_kind;

#define SIM_MAX_REGIONS 8

/* One memory region of a board. Flash is read-only to the firmware; the simulator fills it
 * with 0xFF (erased) before loading. has_alias != 0: the same memory also appears at alias
 * (STM32 boot alias of flash at 0x00000000, which is why alias == 0 alone cannot mean "none";
 * alias is 0 when has_alias is 0). wait_states apply at the board's clock. */
typedef struct {
    char name[24];
    sim_mem_kind kind;
    uint32_t base, size;
    uint32_t alias;
    uint32_t wait_states;
    uint8_t has_alias;
} sim_region;

/* A board profile. Datasheet figures are facts: source cites where they come from. */
typedef struct {
    char name[32];   /* "nucleo-l4r5zi": also the directory name under build/firmware/ */
    char mcu[32];    /* "STM32L4R5ZI" */
    sim_core core;
    uint32_t clock_hz;
    sim_region regions[SIM_MAX_REGIONS];
    uint32_t n_regions;
    /* Energy parameters (used by the profiler): supply voltage, run current per MHz and
     * its offset at the board clock, sleep current. 0 when unknown. */
    double vdd_v, run_ua_per_mhz, run_offset_ua, sleep_ua;
    /* The flash accelerator in front of flash regions with wait states (the memory timing
     * model in sim/memtime.c): bytes one flash access returns (64-bit flash: 8), the
     * instruction and data caches for flash in bytes (0: none), and sequential instruction
     * prefetch (1: on). All 0 on a board whose flash has no wait states. */
    uint32_t flash_width, icache_bytes, dcache_bytes, prefetch;
    /* The clocks the part runs at, and the flash wait states each needs (the reference
     * manual's latency table): ws_max_hz[i] is the highest clock at which i wait states
     * suffice, for i < n_ws, ascending; the last is the part's highest clock. clock_min_hz
     * is its lowest (the nRF52840 runs at 64 MHz only). n_ws 0: no table (a profile without
     * one: --clock changes the clock, the wait states stay). sim_board_set_clock uses it. */
    uint32_t ws_max_hz[16];
    uint32_t n_ws, clock_min_hz;
    char source[200]; /* datasheet / reference manual citations */
    /* What sleep_ua assumes (the low-power mode, what it keeps, its source), printed with
     * every battery figure: "Stop 2 with RTC, all SRAM kept (DS12023 typ., 3 V, 25 C)". */
    char sleep_mode[96];
} sim_board;

#endif /* SIM_TYPES_H */
