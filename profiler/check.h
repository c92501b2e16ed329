/*
 * `tinysim check`'s verdict: compare a run's report (schema PROF_REPORT_SCHEMA, what
 * `tinysim run --json` writes) with a baseline report, figure by figure, against a tolerance;
 * write the result as text for a terminal and as Markdown for a CI pull-request comment.
 */
#ifndef PROFILER_CHECK_H
#define PROFILER_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "models/json.h"
#include "profiler/report.h"

/* The schema this tinysim writes and reads (profiler/report.h). */
#define CHECK_SCHEMA PROF_REPORT_SCHEMA

/* Metrics, as a mask. Each is compared per layer and for the whole inference. */
enum {
    CHECK_M_CYCLES = 1, /* "cycles": layers[i].cycles, inference.cycles */
    CHECK_M_ENERGY = 2, /* "energy": layers[i].energy_j, inference.energy_j */
    CHECK_M_STACK = 4,  /* "stack":  layers[i].stack_bytes, inference.stack_bytes */
    CHECK_M_ARENA = 8,  /* "arena":  layers[i].arena_bytes, inference.arena_bytes */
    CHECK_M_ALL = 15,   /* "all": the four above, the default */
    CHECK_M_FLASH = 16, /* "flash":  memory.flash.used, for the whole run only */
    CHECK_M_RAM = 32,   /* "ram":    memory.ram.used, for the whole run only */
    CHECK_M_EVERY = 63
};

typedef struct {
    double tolerance_pct; /* a figure may grow by this many percent: finite, >= 0 */
    unsigned metrics;     /* CHECK_M_* mask: not 0, nothing outside CHECK_M_EVERY */
    int verbose;          /* text: every figure, the unchanged ones too */
    int allow_input_change; /* another input than the baseline's: a note, not a refusal */
} check_opts;

/* The defaults: 1% tolerance, every metric. */
#define CHECK_OPTS_DEFAULT {1.0, CHECK_M_ALL, 0, 0}

/*
 * Parse a --metric list: comma-separated words among cycles, energy, stack, arena, all (the
 * four), flash and ram (spaces around words are ignored; repeats are harmless) into *mask. Returns 0, or -1 with
 * a message in err naming the bad word and the valid ones (an empty list or empty word is
 * bad too); *mask is then unchanged.
 */
int check_parse_metrics(const char *list, unsigned *mask, char *err, size_t errsize);

/*
 * Parse a --tolerance value: a non-negative decimal number ("1", "0.5", ".5"), optionally
 * followed by '%'. No sign, exponent, hex, inf or nan; the locale does not matter. Returns 0,
 * or -1 with a message in err; *pct is then unchanged.
 */
int check_parse_tolerance(const char *s, double *pct, char *err, size_t errsize);

/*
 * Compare report cur (this run) with report base (the baseline), both trees from
 * json_parse(); neither is modified or kept. o may be NULL for the defaults. base_name names
 * the baseline in messages and output (NULL: "the baseline").
 *
 * Returns 0 when no figure regressed beyond the tolerance, 1 when at least one did, and -1
 * when the reports cannot be compared; then err says why and nothing has been written:
 * - either report is not a PROF_REPORT_SCHEMA report (the baseline's "schema" missing or other);
 * - a field the comparison needs is missing, of the wrong type, negative or not finite
 *   ("baseline: layers[3].cycles is missing"). Only the fields of the selected metrics are
 *   needed; unknown fields are ignored;
 * - the runs are on different boards (board.name) or clocks (board.clock_hz, when both
 *   have it), or of different models (inference.model, the layer count, or a layer's op), or
 *   one ran an inference and the other did not, or on another input (inference.input_hash,
 *   when both have it) unless o->allow_input_change (then a note says so); a model whose
 *   bytes differ (inference.model_hash) with the same layers is compared, with a note;
 * - o is invalid.
 *
 * Figures: per layer (matched by position) and for the inference as a whole, each selected
 * metric. A figure regresses when now > base * (1 + tol/100) (so from base 0, any now > 0
 * does), improves when now < base * (1 - tol/100), and otherwise is within tolerance
 * ("unchanged" when equal). When neither report has an inference ("inference" null or
 * absent), the one figure is totals.cycles (when cycles is selected); the other metrics are
 * not available, which the output says once: that is not an error.
 *
 * text (may be NULL) gets a header line (baseline, model, board, tolerance), the verdict, a
 * line starting "check: FAIL: " or "check: OK: ", then one line per figure that moved (what,
 * baseline, now, delta, delta %, verdict: REGRESSION, improved or within tolerance),
 * regressions first; with o->verbose every figure, in order, the unchanged ones too.
 * markdown (may be NULL) gets a "### tinysim check: MODEL on BOARD" heading, a **FAIL** or
 * **OK** verdict line, the totals (the inference's figures and the memory, whether they
 * moved or not), the layer figures that moved (regressions first) or a line saying none
 * did, and every layer's figures in a collapsed <details> block. Names taken from the reports are sanitised: control characters
 * become '?' and, in Markdown, punctuation that Markdown would interpret is escaped.
 */
int check_compare(const json_value *base, const json_value *cur, const check_opts *o,
                  const char *base_name, FILE *text, FILE *markdown, char *err, size_t errsize);

/* The same comparison as an HTML page (check --html): the verdict, the totals, each layer's
 * cycles as the baseline's bar beside this run's (what moved highlighted) and every figure
 * in a table; self-contained (inline CSS and SVG). Returns as check_compare; nothing is
 * written when it returns -1. */
int check_compare_html(const json_value *base, const json_value *cur, const check_opts *o,
                       const char *base_name, FILE *html, char *err, size_t errsize);

/* s made safe for Markdown text, as the write-ups show names (into buf, returned). */
const char *check_md_text(const char *s, char *buf, size_t n);

#endif /* PROFILER_CHECK_H */
