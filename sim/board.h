/*
 * Board profiles: the built-in boards (real memory maps, clocks, wait states and energy
 * figures, each cited) and the loader of user profile files, which it validates as untrusted.
 *
 * Profile file format (a short ASCII text file, at most 64 KiB):
 *
 *     # '#' starts a comment that runs to the end of the line (also after a value);
 *     # blank lines are ignored; lines are at most 1024 characters.
 *     name = my-board                  required; [a-z0-9._-], 1 to 31 characters
 *     mcu = STM32L476RG                optional; printable ASCII, at most 31 characters
 *     core = cortex-m4f                required; cortex-m0plus, cortex-m3, cortex-m4f, cortex-m7,
 *                                      cortex-m33 (any case; also m0+, m4, cortex-m4, ...)
 *     clock_mhz = 80                   required, or clock_hz = 80000000 (not both);
 *                                      1 kHz to 1 GHz; clock_mhz takes up to 6 decimals
 *     region = flash flash 0x08000000 1024K ws=4 alias=0x00000000
 *     region = sram ram 0x20000000 96K
 *         NAME KIND BASE SIZE [ws=N] [alias=ADDR], one line per region, at most 8:
 *         NAME [a-z0-9._-], 1 to 23 characters, unique; KIND flash or ram;
 *         BASE and ADDR decimal or 0x hex; SIZE in bytes, or with a K or M suffix (KiB, MiB);
 *         BASE, SIZE and ADDR multiples of 4 KiB (the emulator maps 4 KiB pages);
 *         ws = wait states at this clock, 0 to 255 (default 0);
 *         alias = a second address where the same memory appears (STM32 boot alias at 0).
 *         No region or alias may overlap another, or the private peripheral bus
 *         (0xE0000000-0xFFFFFFFF), or run past 4 GiB. At least one flash and one ram region.
 *         The regions' sizes add up to at most SIM_BOARD_MAX_MEMORY (256 MiB): the simulator
 *         holds every region twice in host memory (contents, and contents at reset).
 *     vdd_v = 3.3                      optional energy figures, one per line, decimals
 *     run_ua_per_mhz = 110                 (0 or absent: unknown)
 *     run_offset_ua = 0
 *     sleep_ua = 0
 *     sleep_mode = Stop 2, RTC on     optional, what sleep_ua assumes (printed with the battery
 *                                      life); printable ASCII, at most 95 characters; a
 *                                      profile that sets sleep_ua without it drops the base's
 *     flash_width = 8                  optional: the flash accelerator (sim/memtime.c): bytes per
 *     icache_bytes = 1024                  flash read, instruction and data cache bytes,
 *     dcache_bytes = 256                   sequential prefetch 0 or 1
 *     prefetch = 1
 *     ws_table = 20 40 60 80 100 120   optional: the highest clock (MHz) at which 0, 1, 2 ...
 *                                      wait states suffice, rising (at most 16): --clock
 *                                      then sets the flash regions' ws from it
 *     clock_min_mhz = 64               optional: the lowest clock the part runs at
 *     base = nucleo-l4r5zi             optional, the first key: start from that built-in
 *                                      board; later keys override its values (a region
 *                                      line replaces all of its regions)
 *     source = free text citation      optional; printable ASCII, at most 199 characters
 *
 * Keys may not repeat, except region. Every error names the file and line:
 *     boards/x.board:7: region 'sram' overlaps 'flash' (0x08000000-0x080fffff)
 */
#ifndef SIM_BOARD_H
#define SIM_BOARD_H

#include <stdint.h>

#include "sim/sim_types.h"

/* Limits of profile files. */
#define SIM_BOARD_MAX_FILE (64u * 1024u)
#define SIM_BOARD_MAX_LINE 1024u
#define SIM_PAGE 4096u                 /* alignment of region bases, sizes and aliases */
#define SIM_PPB_BASE 0xE0000000u       /* private peripheral bus and vendor system area */
#define SIM_BOARD_MAX_MEMORY (256u << 20) /* all regions together (aliases not counted): well
                                             above any MCU with its external memories */

/* "Cortex-M4F"; "?" for a value out of range. */
const char *sim_core_name(sim_core c);

/* "cortex-m4f": the id profiles and JSON use; "?" for a value out of range. */
const char *sim_core_id(sim_core c);

/* Parse a core id or alias, case-insensitive: the ids above, and "m0+", "m0plus",
 * "cortex-m0+", "m3", "m4", "m4f", "cortex-m4", "m7", "m33". 0, or -1 if unknown. */
int sim_core_parse(const char *s, sim_core *out);

/* Does the core have a floating-point unit? 1 / 0. */
int sim_core_has_fpu(sim_core c);

/* The built-in boards, in a fixed order (the order `tinysim boards` lists). */
uint32_t sim_board_builtin_count(void);
const sim_board *sim_board_builtin(uint32_t i);   /* NULL if i is out of range */

/* A built-in board by exact name; NULL if none. */
const sim_board *sim_board_find(const char *name);

/*
 * Load and validate a profile file into *out. 0, or -1 with *cause set (the caller frees it)
 * and *out unchanged.
 */
int sim_board_load(const char *path, sim_board *out, char **cause);

/* The same from text in memory; name is used in messages in place of a path. */
int sim_board_parse(const char *text, size_t len, const char *name, sim_board *out,
                    char **cause);

/*
 * A built-in board's NAME, or a path to a profile file: anything containing '/' or ending in
 * .board or .txt, or, when no built-in board has that name, an existing file. A built-in
 * name wins over a file of the same name in the current directory (write ./NAME for the file).
 * 0, or -1 with *cause ("unknown board 'x'; built-in boards: ...").
 */
int sim_board_resolve(const char *name_or_path, sim_board *out, char **cause);

/*
 * Check a board's invariants: a name, a clock in range, 1..SIM_MAX_REGIONS regions, each
 * 4 KiB-aligned, non-empty, not wrapping, not overlapping another region or alias or the
 * PPB, SIM_BOARD_MAX_MEMORY in all, at least one flash and one ram region. 0, or -1 with
 * *cause naming the board.
 * The profile loader applies the same checks (with line numbers).
 */
int sim_board_validate(const sim_board *b, char **cause);

/* The region whose base range or alias range contains addr; NULL if none. */
const sim_region *sim_board_region_at(const sim_board *b, uint32_t addr);

/* The region that holds all of [addr, addr + len) (in its base or its alias range); NULL if
 * none does. */
const sim_region *sim_board_range_at(const sim_board *b, uint32_t addr, uint32_t len);

/* The first flash region; NULL if none (never for a validated board). */
const sim_region *sim_board_flash(const sim_board *b);

/* The first ram region; NULL if none (never for a validated board). */
const sim_region *sim_board_ram(const sim_board *b);

/*
 * The board as a profile file that sim_board_parse reads back to the same board (energy
 * figures printed with 15 significant digits). Allocated; the caller frees it.
 */
char *sim_board_to_profile(const sim_board *b);

/*
 * Run the board at hz (--clock): the flash regions' wait states follow the board's table
 * (ws_max_hz, the reference manual's latency table). 0; 1 when the board has no table (the
 * clock changes, the wait states stay; msg says so); -1 with msg when the part does not run
 * at hz (*b unchanged). The run current per MHz scales the energy with the clock by itself.
 */
int sim_board_set_clock(sim_board *b, uint32_t hz, char *msg, size_t n);
/* The wait states the table gives at hz; UINT32_MAX above the table (or without one). */
uint32_t sim_board_ws_at(const sim_board *b, uint32_t hz);

#endif /* SIM_BOARD_H */
