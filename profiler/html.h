/*
 * The HTML report (profiler/html.c): `run --html FILE`, one self-contained page (inline CSS
 * and SVG drawn by tinysim, no script, no network) with the run's summary and verdict, the
 * layers' cycles and table, the memory picture (flash and RAM by kind, the arena per layer,
 * the stack over the run), the flame graph of the functions and the instruction mix.
 */
#ifndef PROFILER_HTML_H
#define PROFILER_HTML_H

#include <stdio.h>

#include "profiler/prof.h"
#include "sim/sim.h"

/* firmware: its name as shown; verdict: the budget line (NULL or "": none). */
void prof_write_html(FILE *f, sim *s, const sim_elf *e, const prof *p, const sim_board *b,
                     const sim_stop *st, const char *firmware, const char *verdict);

#endif /* PROFILER_HTML_H */
