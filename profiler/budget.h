/*
 * Budgets (--max-ms, --max-uj, --max-ram, --max-flash, --max-stack on run and check) and
 * their verdict: does the deployment fit?
 *
 * Figures: time and energy of the last completed inference (the whole run when the
 * firmware ran none), the RAM and flash the run used (prof_memory's ram_used and
 * flash_used: sections, and of the reservations what the run used), the deepest stack.
 * The verdict is one line for a person, the first thing printed after the run:
 *     fits: 41.2 ms of 50 ms; RAM 28.6 of 640.0 KiB
 *     over: 618.0 ms, 12.4x the 50 ms budget; the top layer is 0 (CONV_2D), 21%
 * and the report's "budget" object (profiler/report.c).
 */
#ifndef PROFILER_BUDGET_H
#define PROFILER_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "profiler/prof.h"

/* 0: no budget for that figure. */
typedef struct {
    double max_ms, max_uj;
    uint64_t max_ram, max_flash, max_stack; /* bytes */
} prof_budget;

enum { PROF_B_MS, PROF_B_UJ, PROF_B_RAM, PROF_B_FLASH, PROF_B_STACK, PROF_B_COUNT };
extern const char *const prof_budget_keys[PROF_B_COUNT]; /* "time_ms", "energy_uj", ... */

/* One figure against its budget. */
typedef struct {
    int given;            /* a budget was given for it */
    double limit, value;  /* in ms, uJ or bytes */
    int over;
} prof_budget_item;

/* The budget the profiler's report holds (set before the report is written). */
void prof_set_budget(prof *p, const prof_budget *b);
const prof_budget *prof_get_budget(const prof *p);
int prof_budget_any(const prof_budget *b);

/* Each figure against its budget, for the run that ended (sim's totals, the ELF's memory),
 * and the verdict line (no newline; "" when no budget was given) into line when n; returns 1
 * when any is over, 0 when all fit (or none was given). */
int prof_budget_eval(const prof *p, const sim_elf *e, const sim_board *b,
                     prof_budget_item items[PROF_B_COUNT], char *line, size_t n);

/* --rate N/s and --battery MAH for the report's "duty" object (0: none). */
void prof_set_duty(prof *p, double rate, double mah);
void prof_get_duty(const prof *p, double *rate, double *mah);

/* "50", "50k", "640K", "1.5M" bytes (K, M: KiB, MiB) into *out: 0, or -1. */
int prof_parse_bytes(const char *s, uint64_t *out);

#endif /* PROFILER_BUDGET_H */
