/*
 * The run report: what a run means, in the forms it is given. The JSON report (schema
 * PROF_REPORT_SCHEMA; every field is in the README's "JSON report" section) is what `run
 * --json` and the REPL's `export json` write and what `check` compares (profiler/check.h);
 * the summary and the energy lines are the end of what `run` prints.
 */
#ifndef PROFILER_REPORT_H
#define PROFILER_REPORT_H

#include <stdio.h>

#include "profiler/prof.h"
#include "sim/sim.h"

/* The schema this tinysim writes and `check` reads. */
#define PROF_REPORT_SCHEMA "tinysim-report/1"

/*
 * The JSON report of a run that stopped as st says: firmware, board (board_from: how the
 * board was chosen, "--board" or "ELF note"), exit (code: the command's exit
 * code for this stop), totals, memory, the last inference and its layers, probes, functions,
 * host figures.
 */
void prof_report_json(FILE *f, sim *s, const prof *pf, const sim_stop *st, const char *board_from,
                      int code);

/* "--- tinysim run summary ---": firmware, board, how it stopped (a fault with its place and
 * registers), instructions, cycles, flash wait states, time, inferences, host speed. */
void prof_report_summary(FILE *f, sim *s, const sim_stop *st, const char *board_from);

/*
 * Energy per inference (per probed call when the layers are probed calls) and, with rate > 0
 * (inferences per second), the duty-cycled average power and, with mah > 0, the battery
 * life. Nothing when no inference completed.
 */
void prof_report_energy(FILE *f, const prof *pf, const sim_board *b, double rate, double mah);

#endif /* PROFILER_REPORT_H */
