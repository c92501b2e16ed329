/*
 * Sweeps (`tinysim sweep`, `tinysim merge`): one row per run report (schema
 * PROF_REPORT_SCHEMA), and the summary of many as a table, JSON (schema tinysim-sweep/1), CSV
 * and an HTML page (latency and energy against board and clock, per model). The runs
 * themselves are tui/cli_sweep.c's; this is what a set of reports says, wherever they ran.
 */
#ifndef PROFILER_SWEEP_H
#define PROFILER_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/json.h"

#define PROF_SWEEP_SCHEMA "tinysim-sweep/1"

typedef struct {
    char board[48], model[96], input[256], report[512];
    uint32_t clock_hz;
    int exit_code;      /* tinysim's (run's) exit code */
    char status[16];    /* "ok", "over" (a budget), "failed" (exit, fault, stop), "refused" */
    char note[256];     /* why not ok: the budget line, the exit reason, a refusal's message */
    int has_inference;
    uint64_t cycles;    /* the inference's */
    double time_ms, energy_uj;
    uint64_t ram_bytes, flash_bytes;
} prof_sweep_row;

/* A row from a run report (input: a label for the row, may be ""). 0, or -1 with err when
 * it is not a report this tinysim reads. */
int prof_sweep_row_from_report(const json_value *r, const char *path, const char *input,
                               prof_sweep_row *row, char *err, size_t n);

void prof_sweep_print(FILE *f, const prof_sweep_row *rows, size_t n);
void prof_sweep_json(FILE *f, const prof_sweep_row *rows, size_t n);
void prof_sweep_csv(FILE *f, const prof_sweep_row *rows, size_t n);
void prof_sweep_html(FILE *f, const prof_sweep_row *rows, size_t n);

#endif /* PROFILER_SWEEP_H */
