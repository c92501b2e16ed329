/*
 * The simulator commands: run (a firmware ELF on an emulated board, with an optional model
 * and input placed into the firmware's slots) and boards (the built-in board profiles).
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/nn_model.h"
#include "../models/json.h"
#include "../models/modelfile.h"
#include "../models/outfile.h"
#include "../models/text.h"
#include "../models/util.h"
#include "../profiler/calls.h"
#include "../profiler/check.h"
#include "../profiler/html.h"
#include "../profiler/prof.h"
#include "../profiler/report.h"
#include "../sim/sim.h"
#include "cli.h"
#include "gdbserver.h"

#define TSIN_MAGIC 0x4E495354u /* "TSIN": input slot header (firmware-samples/README.md) */
#define TSIN_HEADER 16u

/* ===================================================================== helpers */

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    uint64_t mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1000, end++;
    else if (*end == 'M')
        mult = 1000000, end++;
    else if (*end == 'G')
        mult = 1000000000, end++;
    if (errno || *end || v > UINT64_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

static void on_warning(void *ud, const char *msg)
{
    (void)ud;
    cli_stderr_begin();
    fprintf(stderr, "tinysim: warning: %s\n", msg);
}

/* Long runs: one status line on stderr, rewritten in place, only on a terminal. */
static int progress_shown;

static void on_progress(void *ud, const sim_stats *x)
{
    char a[32], b[32];
    (void)ud;
    cli_stderr_begin();
    fprintf(stderr, "\r  running: %s instructions, %s cycles, %u inferences, %.0f s host ",
            text_grouped(x->insns, a, sizeof a), text_grouped(x->cycles, b, sizeof b),
            x->inferences, x->wall_s);
    fflush(stderr);
    progress_shown = 1;
}

/* Without a terminal: no progress line, but what the console printed reaches the file or
 * pipe about once a second (it is not flushed per write), for logs followed live. */
static void on_progress_flush(void *ud, const sim_stats *x)
{
    (void)ud, (void)x;
    cli_console_flush();
    fflush(stdout);
}

/* ===================================================================== slots */

typedef struct {
    uint32_t lo, hi;
} span;

/* [sym, sym_end) from the ELF, or 0 if either symbol is absent. */
static int slot_span(const sim_elf *e, const char *name, span *out)
{
    char end_name[64];
    snprintf(end_name, sizeof end_name, "%s_end", name);
    const sim_symbol *a = sim_elf_symbol(e, name), *b = sim_elf_symbol(e, end_name);
    if (!a || !b || b->addr < a->addr)
        return 0;
    out->lo = a->addr;
    out->hi = b->addr;
    return 1;
}

/*
 * The golden inputs' generator (../shared/golden/README.md): xorshift32 from state = seed, one
 * byte per step from the top 8 bits. Seed 1 gives the bytes of golden/M/input_seed1.bin.
 */
static void xorshift_fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(mu_xorshift32(&x) >> 24);
}

/*
 * The built-in boards a model of model_bytes needing an arena of arena_bytes fits, with this
 * firmware's code and data before the model slot (which runs to the end of flash) and its
 * RAM besides the arena (which takes all the RAM left): an estimate, since the firmware built
 * for another board has about the same code. Into buf: ": it fits on X, Y (with this
 * firmware's code, data and stack)", or that it fits none.
 */
static void boards_that_fit(const sim_board *here, const span *model_slot, const span *arena,
                            uint32_t model_bytes, uint32_t arena_bytes, char *buf, size_t n)
{
    const sim_region *fl = sim_board_flash(here), *ram = sim_board_ram(here);
    size_t o = 0;
    buf[0] = 0;
    if (!fl || !ram || model_slot->lo < fl->base)
        return;
    uint64_t flash_fixed = model_slot->lo - fl->base;
    uint64_t ram_fixed = arena && arena->hi > arena->lo && ram->size > arena->hi - arena->lo
                             ? ram->size - (arena->hi - arena->lo)
                             : 0;
    for (uint32_t i = 0; i < sim_board_builtin_count(); i++) {
        const sim_board *b = sim_board_builtin(i);
        const sim_region *bf = sim_board_flash(b), *br = sim_board_ram(b);
        if (!bf || !br || flash_fixed + model_bytes > bf->size ||
            (arena && ram_fixed + arena_bytes > br->size))
            continue;
        int w = snprintf(buf + o, n - o, "%s%s", o ? ", " : "; it fits on ", b->name);
        if (w < 0 || (size_t)w >= n - o)
            break;
        o += (size_t)w;
    }
    if (o)
        snprintf(buf + o, n - o, " (with this firmware's code, data and stack: an estimate)");
    else
        snprintf(buf, n, "; it fits none of the built-in boards with this firmware");
}

/*
 * Place a model (converted from .tflite on the host, or a .tsm) into the firmware's flash
 * model slot and the input into its RAM input slot, refusing what does not fit with the
 * number of bytes by which it does not. Returns an exit code.
 */
static int place_slots(sim *s, const sim_elf *e, const char *model_path, const char *input_path,
                       uint32_t seed, int quiet)
{
    char *cause = NULL, a[32], b[32], c[32];
    span ms, is, ar;
    mf_model mf = {0};
    uint8_t *input = NULL;
    size_t input_len = 0;
    char seed_name[32];
    int rc = TS_EXIT_INPUT;

    if (model_path && !slot_span(e, "tinysim_model_slot", &ms)) {
        cli_error("%s has no model slot (symbols tinysim_model_slot/tinysim_model_slot_end): "
                  "--model needs firmware built with the tinysim slot contract, such as the infer "
                  "sample (firmware-samples/README.md)",
                  e->path);
        return TS_EXIT_INPUT;
    }
    if (input_path && !slot_span(e, "tinysim_input_slot", &is)) {
        cli_error("%s has no input slot (symbols tinysim_input_slot/tinysim_input_slot_end): "
                  "--input needs firmware built with the tinysim slot contract, such as the infer "
                  "sample",
                  e->path);
        return TS_EXIT_INPUT;
    }
    if (input_path && mu_read_file(input_path, &input, &input_len, &cause) != 0) {
        cli_error("%s", cause);
        goto out;
    }
    if (model_path) {
        if (mf_open(model_path, &mf, &cause) != 0) {
            cli_error("%s", cause);
            goto out;
        }
        uint32_t cap = ms.hi - ms.lo;
        int have_arena = slot_span(e, "tinysim_arena", &ar);
        char fits[400];
        boards_that_fit(sim_get_board(s), &ms, have_arena ? &ar : NULL, (uint32_t)mf.size,
                        mf.model.hdr->arena_size, fits, sizeof fits);
        if (mf.size > cap) {
            cli_error("model %s compiles to %s bytes but the model slot of %s holds %s bytes "
                      "(0x%08x-0x%08x): %s bytes too large for board %s%s",
                      model_path, text_grouped(mf.size, a, sizeof a), e->path, text_grouped(cap, b, sizeof b),
                      ms.lo, ms.hi, text_grouped(mf.size - cap, c, sizeof c), sim_get_board(s)->name,
                      fits);
            goto out;
        }
        if (have_arena) {
            uint32_t need = mf.model.hdr->arena_size, have = ar.hi - ar.lo;
            if (need > have) {
                cli_error("model %s needs an arena of %s bytes but %s provides %s bytes on board "
                          "%s: %s bytes short%s",
                          model_path, text_grouped(need, a, sizeof a), e->path,
                          text_grouped(have, b, sizeof b), sim_get_board(s)->name,
                          text_grouped(need - have, c, sizeof c), fits);
                goto out;
            }
        }
        if (mf.model.hdr->n_inputs != 1) {
            cli_error("model %s has %u inputs; the infer firmware's input slot takes one",
                      model_path, mf.model.hdr->n_inputs);
            goto out;
        }
        const nn_tsm_tensor *in = nn_tensor(&mf.model, nn_model_input(&mf.model, 0));
        if (!input_path && slot_span(e, "tinysim_input_slot", &is)) {
            /* No --input: reproducible pseudo-random bytes, the same as the golden
             * input_seedN files (../shared/golden/README.md; README "Inputs"). */
            input = malloc(in->size ? in->size : 1);
            if (!input) {
                cli_error("out of memory");
                goto out;
            }
            input_len = in->size;
            xorshift_fill(input, input_len, seed);
            input_path = seed_name;
            snprintf(seed_name, sizeof seed_name, "seed:%u", (unsigned)seed);
            if (!quiet)
                fprintf(stderr, "tinysim: no --input: the model's input is %zu pseudo-random "
                                "bytes, xorshift32 seed %u (--input FILE to give your own)\n",
                        input_len, (unsigned)seed);
        }
        if (input_len != in->size) {
            char desc[160];
            mf_describe_tensor(&mf.model, nn_model_input(&mf.model, 0), desc, sizeof desc);
            cli_error("input %s is %zu bytes but the model's %s: it must be exactly %u bytes "
                      "(raw tensor bytes, no header)",
                      input_path, input_len, desc, (unsigned)in->size);
            goto out;
        }
        if (sim_write_target(s, ms.lo, mf.image, (uint32_t)mf.size) < 0) {
            cli_error("cannot write the model slot at 0x%08x: outside board memory", ms.lo);
            goto out;
        }
    }
    if (input_path) {
        uint32_t cap = is.hi - is.lo;
        if (cap < TSIN_HEADER || input_len > cap - TSIN_HEADER) {
            cli_error("input %s is %zu bytes but the input slot of %s holds %u: %zu bytes too "
                      "large",
                      input_path, input_len, e->path, cap > TSIN_HEADER ? cap - TSIN_HEADER : 0,
                      input_len - (cap > TSIN_HEADER ? cap - TSIN_HEADER : 0));
            goto out;
        }
        uint32_t hdr[4] = {TSIN_MAGIC, (uint32_t)input_len, 0, 0};
        if (sim_write_target(s, is.lo, hdr, sizeof hdr) < 0 ||
            sim_write_target(s, is.lo + TSIN_HEADER, input, (uint32_t)input_len) < 0) {
            cli_error("cannot write the input slot at 0x%08x: outside board memory", is.lo);
            goto out;
        }
    }
    rc = TS_EXIT_OK;
out:
    free(cause);
    free(input);
    mf_close(&mf);
    return rc;
}

/*
 * --output: the output tensor of the last inference, which the profiler copied from target
 * memory when the inference ended (found from the nn_probe_inference_end argument and the
 * model's tables, both validated), into the output opened before the run (committed, or
 * abandoned when there is none; consumed).
 */
static int write_output(sim *s, const prof *pf, mo_file *out)
{
    const uint8_t *data;
    const char *why;
    uint32_t size;
    char *cause = NULL;
    (void)s;
    if (prof_output(pf, &data, &size, &why) != 0) {
        mo_abort(out);
        if (why[0])
            cli_error("--output: the last inference's output tensor cannot be read: %s", why);
        else
            cli_error("--output: the firmware completed no inference tinysim could follow (no "
                      "nn_probe_inference_begin/end pair with a readable model%s%s), so there is "
                      "no output tensor to write",
                      prof_problem(pf)[0] ? ": " : "", prof_problem(pf));
        return TS_EXIT_VERDICT;
    }
    int rc = TS_EXIT_OK;
    mo_write(out, data, size);
    if (mo_commit(out, &cause) != 0) {
        cli_error("--output: %s", cause);
        rc = TS_EXIT_INPUT;
    }
    free(cause);
    return rc;
}

/* ===================================================================== report */

static int exit_code(const sim_stop *st)
{
    switch (st->reason) {
    case SIM_STOP_EXIT: return st->exit_status == 0 ? TS_EXIT_OK : TS_EXIT_VERDICT;
    case SIM_STOP_FAULT: return TS_EXIT_FAULT;
    default: return TS_EXIT_BUDGET;
    }
}

/* ===================================================================== run */

/* A report in memory (check compares this run's JSON report with the baseline). */
static FILE *report_open(char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    return open_memstream(buf, len);
}

/*
 * Every output of a run (--json, --csv, --output, check's --markdown) is opened before the
 * run (models/outfile.h: the checks, the temporary next to a regular file), written after it
 * and committed, so that an output that cannot be created fails before any emulation and a
 * failed write leaves the old file as it was.
 */
enum { OUT_JSON, OUT_CSV, OUT_OUTPUT, OUT_MARKDOWN, OUT_FOLDED, OUT_TRACE, OUT_HTML, OUT_N };
static const char *const out_opt[OUT_N] = {"--json", "--csv", "--output", "--markdown",
                                           "--folded", "--trace", "--html"};

/* Commit an output (NULL: none); 0, or -1 after saying why it could not be written. */
static int report_commit(mo_file *o, int which)
{
    char *cause = NULL;
    if (mo_commit(o, &cause) == 0)
        return 0;
    cli_error("%s: %s", out_opt[which], cause);
    free(cause);
    return -1;
}

/*
 * Open the outputs named in path[] (NULL: not asked for) into out[]. One that cannot be
 * created is refused naming it (3); two on standard output, or two naming one regular file,
 * are a usage error (2). On an error nothing stays open. Returns -1 when all are open.
 */
static int outputs_open(const cli_command *cmd, const char *const path[OUT_N], mo_file *out[OUT_N])
{
    char *cause = NULL;
    int rc = -1;
    memset(out, 0, OUT_N * sizeof *out);
    for (int i = 0; i < OUT_N && rc < 0; i++) {
        if (path[i] && !(out[i] = mo_open(path[i], &cause))) {
            cli_error("%s: %s", out_opt[i], cause);
            free(cause);
            rc = TS_EXIT_INPUT;
        }
    }
    for (int i = 0; i < OUT_N && rc < 0; i++) {
        for (int j = 0; j < i && rc < 0 && out[i]; j++) {
            if (!out[j])
                continue;
            if (mo_is_stdout(out[i]) && mo_is_stdout(out[j]))
                rc = cli_usage_error(cmd, "%s %s and %s %s: only one output can go to standard "
                                          "output; give the other a file",
                                     out_opt[j], path[j], out_opt[i], path[i]);
            else if (mo_is_regular(out[i]) && strcmp(path[i], path[j]) == 0)
                rc = cli_usage_error(cmd, "%s and %s both name %s: give each output its own "
                                          "file",
                                     out_opt[j], out_opt[i], path[i]);
        }
    }
    if (rc >= 0) {
        for (int i = 0; i < OUT_N; i++)
            mo_abort(out[i]);
        memset(out, 0, OUT_N * sizeof *out);
    }
    return rc;
}

/* `check`: the baseline and how to compare; NULL for a plain `run`. */
typedef struct {
    const char *baseline, *markdown;
    check_opts o;
    json_value *base; /* the baseline, parsed and validated before the run */
    mo_file *md;      /* --markdown, opened before the run */
    char why[640];    /* why the check was refused: the --markdown file says it too */
    mo_file *html;    /* --html, opened before the run */
} check_ctx;

/* check refused (a bad baseline, another board or model, a run that did not exit 0): the
 * message on stderr, and the reason kept for the --markdown file. */
static void check_refused(check_ctx *chk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check_refused(check_ctx *chk, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(chk->why, sizeof chk->why, fmt, ap);
    va_end(ap);
    cli_error("%s", chk->why);
}

/* A refused check still writes its --markdown file, saying why (a CI comment must not go
 * missing because the baseline was bad). */
static void markdown_refusal(check_ctx *chk, int rc)
{
    char why[sizeof chk->why * 2];
    if (!chk || !chk->md || !chk->why[0])
        return;
    mo_file *md = chk->md;
    chk->md = NULL;
    fprintf(mo_stream(md), "### tinysim check: refused\n\n**REFUSED** (exit code %d): %s\n\n"
                           "No figure was compared.\n",
            rc, check_md_text(chk->why, why, sizeof why));
    report_commit(md, OUT_MARKDOWN);
}

static int run_or_check(int argc, char **argv, check_ctx *chk);

int cli_run(int argc, char **argv)
{
    return run_or_check(argc, argv, NULL);
}

/*
 * Read the baseline into chk->base and check that it is a report check can compare with
 * (schema, and the fields of the selected metrics: check_compare of the baseline with itself),
 * before the run, so that a bad baseline is refused at once. TS_EXIT_OK or TS_EXIT_INPUT.
 */
static int load_baseline(check_ctx *chk)
{
    uint8_t *text = NULL;
    char *cause = NULL, err[512];
    size_t len = 0;
    int rc = TS_EXIT_INPUT;
    if (mu_read_file(chk->baseline, &text, &len, &cause) != 0) {
        check_refused(chk, "baseline: %s", cause);
        goto out;
    }
    chk->base = json_parse((const char *)text, len, err, sizeof err);
    if (!chk->base) {
        check_refused(chk, "baseline %s is not a JSON report: %s (write one with 'tinysim run "
                      "FIRMWARE.elf --json %s')", chk->baseline, err, chk->baseline);
        goto out;
    }
    if (check_compare(chk->base, chk->base, &chk->o, chk->baseline, NULL, NULL, err,
                      sizeof err) < 0) {
        check_refused(chk, "cannot compare with %s: %s", chk->baseline, err);
        json_free(chk->base);
        chk->base = NULL;
        goto out;
    }
    rc = TS_EXIT_OK;
out:
    free(text);
    free(cause);
    return rc;
}

/* Compare the report of this run (JSON text) with the baseline, writing --markdown into
 * chk->md and committing it (chk->md is then NULL); the exit code of check. */
static int compare_reports(check_ctx *chk, const char *report, size_t len, FILE *out)
{
    char err[512];
    int rc = TS_EXIT_INPUT;
    json_value *cur = NULL;
    FILE *mf = NULL;
    const json_value *base = chk->base;
    cur = json_parse(report, len, err, sizeof err);
    if (!cur) {
        cli_error("internal error: this run's report does not parse: %s", err);
        goto out;
    }
    if (chk->md)
        mf = mo_stream(chk->md);
    int v = check_compare(base, cur, &chk->o, chk->baseline, out, mf, err, sizeof err);
    if (v < 0) {
        check_refused(chk, "cannot compare with %s: %s", chk->baseline, err);
        goto out;
    }
    rc = v ? TS_EXIT_VERDICT : TS_EXIT_OK;
    if (chk->md) {
        mo_file *md = chk->md;
        chk->md = NULL;
        if (report_commit(md, OUT_MARKDOWN) < 0)
            rc = TS_EXIT_INPUT;
    }
    if (chk->html) {
        mo_file *h = chk->html;
        chk->html = NULL;
        if (check_compare_html(base, cur, &chk->o, chk->baseline, mo_stream(h), err,
                               sizeof err) < 0 ||
            report_commit(h, OUT_HTML) < 0)
            rc = TS_EXIT_INPUT;
    }
out:
    json_free(cur);
    return rc;
}

int cli_check(int argc, char **argv)
{
    const cli_command *cmd = cli_find("check");
    check_ctx chk = {NULL, NULL, CHECK_OPTS_DEFAULT, NULL, NULL, "", NULL};
    char err[256];
    /* Take check's own options out; the rest are run's. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int n = 0, rc;
    if (!rest)
        return TS_EXIT_INPUT;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        int which = strcmp(a, "--baseline") == 0    ? 1
                    : strcmp(a, "--tolerance") == 0 ? 2
                    : strcmp(a, "--metric") == 0    ? 3
                    : strcmp(a, "--markdown") == 0  ? 4
                    : strcmp(a, "--verbose") == 0   ? 5
                    : strcmp(a, "-v") == 0          ? 5
                    : strcmp(a, "--allow-input-change") == 0 ? 6
                                                    : 0;
        if (!which) {
            rest[n++] = argv[i];
            continue;
        }
        if (which == 5 || which == 6) {
            *(which == 5 ? &chk.o.verbose : &chk.o.allow_input_change) = 1;
            continue;
        }
        if (i + 1 >= argc) {
            free(rest);
            return cli_usage_error(cmd, "option %s needs an argument", a);
        }
        val = argv[++i];
        if (which == 1) {
            chk.baseline = val;
        } else if (which == 4) {
            chk.markdown = val;
        } else if (which == 2 ? check_parse_tolerance(val, &chk.o.tolerance_pct, err, sizeof err)
                              : check_parse_metrics(val, &chk.o.metrics, err, sizeof err)) {
            free(rest);
            return cli_usage_error(cmd, "%s", err);
        }
    }
    if (!chk.baseline) {
        free(rest);
        return cli_usage_error(cmd, "which baseline? give --baseline BASE.json (a report from "
                                    "'tinysim run FIRMWARE.elf --json BASE.json')");
    }
    rc = run_or_check(n, rest, &chk);
    json_free(chk.base);
    free(rest);
    return rc;
}

double run_parse_rate(const char *s)
{
    char *end;
    errno = 0;
    double rate = strtod(s, &end);
    if (!errno && (strcmp(end, "/h") == 0 || strcmp(end, "/hour") == 0))
        rate /= 3600.0;
    else if (errno || (strcmp(end, "/s") != 0 && *end != 0))
        return -1;
    return rate > 0 && rate <= 1e6 ? rate : -1;
}

double run_parse_mah(const char *s)
{
    char *end;
    errno = 0;
    double mah = strtod(s, &end);
    if (errno || (*end && strcmp(end, "mAh") != 0) || !(mah > 0) || mah > 1e7)
        return -1;
    return mah;
}

/*
 * run's options (shared by check, repl and the TUI): into *o, with the firmware's path.
 * Returns -1 when they are good, else the exit code of the usage error it printed.
 */
int run_opts_parse(int argc, char **argv, const cli_command *cmd, run_opts *o)
{
    static const struct option opts[] = {

        {"board", required_argument, NULL, 'b'},   {"model", required_argument, NULL, 'm'},
        {"input", required_argument, NULL, 'i'},   {"max-cycles", required_argument, NULL, 'c'},
        {"max-insns", required_argument, NULL, 'n'}, {"timeout", required_argument, NULL, 't'},
        {"json", required_argument, NULL, 'j'},    {"output", required_argument, NULL, 'o'},
        {"semihost-dir", required_argument, NULL, 'd'}, {"quiet", no_argument, NULL, 'q'},
        {"csv", required_argument, NULL, 'C'},      {"rate", required_argument, NULL, 'R'},
        {"battery", required_argument, NULL, 'B'}, {"input-seed", required_argument, NULL, 'S'},
        {"probe", required_argument, NULL, 'P'},  {"inference", required_argument, NULL, 'I'},
        {"layer-calls", required_argument, NULL, 'L'},
        {"clock", required_argument, NULL, 'K'},
        {"max-ms", required_argument, NULL, 1000}, {"max-uj", required_argument, NULL, 1001},
        {"max-ram", required_argument, NULL, 1002}, {"max-flash", required_argument, NULL, 1003},
        {"max-stack", required_argument, NULL, 1004},
        {"gdb", required_argument, NULL, 1005},
        {"folded", required_argument, NULL, 1006},
        {"trace", required_argument, NULL, 1007},
        {"html", required_argument, NULL, 1008},
        {NULL, 0, NULL, 0}};
    const char *board_arg = NULL, *model = NULL, *input = NULL, *json = NULL, *output = NULL;
    const char *csv = NULL, *gdb = NULL, *folded = NULL, *trace = NULL, *html = NULL;
    double rate = 0, battery_mah = 0;
    uint32_t seed = 1;
    int seed_given = 0;
    int64_t inference = -1;
    uint32_t clock_hz = 0;
    prof_budget budget = {0};
    const char *layer_calls[8];
    int n_layer_calls = 0;
    const char *probes[8];
    int n_probes = 0;
    sim_config cfg = {0};
    int quiet = 0, opt;
    cfg.accounting = 1;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":b:m:i:j:o:q", opts, NULL)) != -1) {
        switch (opt) {
        case 'b': board_arg = optarg; break;
        case 'm': model = optarg; break;
        case 'i': input = optarg; break;
        case 'j': json = optarg; break;
        case 'o': output = optarg; break;
        case 'd': cfg.file_root = optarg; break;
        case 'q': quiet = 1; break;
        case 'C': csv = optarg; break;
        case 1006: folded = optarg; break;
        case 1007: trace = optarg; break;
        case 1008: html = optarg; break;
        case 'P':
            if (n_probes == (int)(sizeof probes / sizeof probes[0]))
                return cli_usage_error(cmd, "--probe: at most %d functions",
                                       (int)(sizeof probes / sizeof probes[0]));
            probes[n_probes++] = optarg;
            break;
        case 'L':
            if (n_layer_calls == (int)(sizeof layer_calls / sizeof layer_calls[0]))
                return cli_usage_error(cmd, "--layer-calls: at most %d patterns",
                                       (int)(sizeof layer_calls / sizeof layer_calls[0]));
            layer_calls[n_layer_calls++] = optarg;
            break;
        case 1000:
        case 1001: {
            char *end;
            errno = 0;
            double v = strtod(optarg, &end);
            if (errno || *end || !(v > 0) || v > 1e12)
                return cli_usage_error(cmd, "%s wants a positive number (%s), not '%s'",
                                       opt == 1000 ? "--max-ms" : "--max-uj",
                                       opt == 1000 ? "milliseconds per inference: 50"
                                                   : "microjoules per inference: 500",
                                       optarg);
            *(opt == 1000 ? &budget.max_ms : &budget.max_uj) = v;
            break;
        }
        case 1002:
        case 1003:
        case 1004: {
            uint64_t v;
            static const char *const names[] = {"--max-ram", "--max-flash", "--max-stack"};
            if (prof_parse_bytes(optarg, &v) < 0 || v == 0)
                return cli_usage_error(cmd, "%s wants bytes (65536, 64K, 1.5M), not '%s'",
                                       names[opt - 1002], optarg);
            *(opt == 1002 ? &budget.max_ram : opt == 1003 ? &budget.max_flash : &budget.max_stack) = v;
            break;
        }
        case 1005: {
            char err[256];
            if (strcmp(cmd->name, "run") != 0)
                return cli_usage_error(cmd, "--gdb is for 'tinysim run'; in the REPL and the TUI "
                                            "the command 'gdb [HOST:]PORT' serves a debugger");
            if (gdbserver_spec_ok(optarg, err, sizeof err) < 0)
                return cli_usage_error(cmd, "--gdb: %s", err);
            gdb = optarg;
            break;
        }
        case 'K': {
            char *end;
            errno = 0;
            double mhz = strtod(optarg, &end);
            if (errno || *end || !(mhz >= 0.001 && mhz <= 1000))
                return cli_usage_error(cmd, "--clock wants the core clock in MHz (80, 4.194304), "
                                            "not '%s'", optarg);
            clock_hz = (uint32_t)(mhz * 1e6 + 0.5);
            break;
        }
        case 'I': {
            uint64_t v;
            if (parse_u64(optarg, &v) < 0 || v > 1000000000u)
                return cli_usage_error(cmd, "--inference wants the number of an inference, 0 for "
                                            "the first to complete, not '%s'", optarg);
            inference = (int64_t)v;
            break;
        }
        case 'S': {
            uint64_t v;
            if (parse_u64(optarg, &v) < 0 || v == 0 || v > UINT32_MAX)
                return cli_usage_error(cmd, "--input-seed wants a number from 1 to 4294967295, "
                                            "not '%s'", optarg);
            seed = (uint32_t)v;
            seed_given = 1;
            break;
        }
        case 'R':
            rate = run_parse_rate(optarg);
            if (rate < 0)
                return cli_usage_error(cmd, "--rate wants inferences per second or hour (10/s, "
                                            "60/h), not '%s'", optarg);
            break;
        case 'B':
            battery_mah = run_parse_mah(optarg);
            if (battery_mah < 0)
                return cli_usage_error(cmd, "--battery wants a capacity in mAh (1000), not '%s'",
                                       optarg);
            break;
        case 'c':
            if (parse_u64(optarg, &cfg.max_cycles) < 0 || !cfg.max_cycles)
                return cli_usage_error(cmd, "--max-cycles wants a positive count (1000000, 50M), "
                                            "not '%s'", optarg);
            break;
        case 'n':
            if (parse_u64(optarg, &cfg.max_insns) < 0 || !cfg.max_insns)
                return cli_usage_error(cmd, "--max-insns wants a positive count, not '%s'", optarg);
            break;
        case 't': {
            char *end;
            errno = 0;
            cfg.timeout_s = strtod(optarg, &end);
            if (errno || *end || !(cfg.timeout_s > 0) || cfg.timeout_s > 1e6)
                return cli_usage_error(cmd, "--timeout wants seconds (> 0), not '%s'", optarg);
            break;
        }
        case ':': return cli_usage_error(cmd, "option %s needs an argument", argv[optind - 1]);
        default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (seed_given && (input || !model))
        return cli_usage_error(cmd, input ? "--input-seed or --input, not both"
                                          : "--input-seed makes an input for --model: give one");
    if (battery_mah > 0 && !(rate > 0))
        return cli_usage_error(cmd, "--battery needs --rate (how often the model runs)");
    if (optind + 1 != argc)
        return cli_usage_error(cmd, optind == argc ? "which firmware? give FIRMWARE.elf"
                                                   : "one firmware at a time");
    memset(o, 0, sizeof *o);
    o->path = argv[optind];
    o->board_arg = board_arg;
    o->model = model;
    o->input = input;
    o->json = json;
    o->output = output;
    o->csv = csv;
    o->gdb = gdb;
    o->folded = folded;
    o->trace = trace;
    o->html = html;
    o->rate = rate;
    o->battery_mah = battery_mah;
    o->seed = seed;
    o->quiet = quiet;
    o->n_probes = n_probes;
    o->inference = inference;
    o->clock_hz = clock_hz;
    o->budget = budget;
    o->n_layer_calls = n_layer_calls;
    memcpy(o->layer_calls, layer_calls, sizeof layer_calls);
    memcpy(o->probes, probes, sizeof probes);
    o->cfg = cfg;
    return -1;
}

/*
 * Open a firmware for a run: the ELF, its board (--board, else the ELF's note), the profiler,
 * the simulator (with --probe functions), the model and input slots, reset. The console,
 * progress and probe callbacks are o->cfg's when set, else stdout (stderr with --json -),
 * the progress line on a terminal, and the profiler. Returns TS_EXIT_OK, or the exit code of
 * the error it printed (v is then closed).
 */
int run_env_open(run_env *v, const run_opts *o, const cli_command *cmd)
{
    sim_config cfg = o->cfg;
    char *cause = NULL;
    int rc = TS_EXIT_INPUT;
    memset(v, 0, sizeof *v);
    if (cfg.file_root) {
        /* Checked here, not at the firmware's first SYS_OPEN, where it would only fail. */
        struct stat st;
        if (stat(cfg.file_root, &st) != 0) {
            cli_error("--semihost-dir %s: %s", cfg.file_root, strerror(errno));
            return TS_EXIT_INPUT;
        }
        if (!S_ISDIR(st.st_mode)) {
            cli_error("--semihost-dir %s: not a directory", cfg.file_root);
            return TS_EXIT_INPUT;
        }
    }
    if (sim_elf_open(o->path, &v->e, &cause) != 0) {
        cli_error("%s", cause);
        free(cause);
        return TS_EXIT_INPUT;
    }
    if (o->board_arg) {
        if (!strchr(o->board_arg, '/') && !strchr(o->board_arg, '.') &&
            !sim_board_find(o->board_arg)) {
            run_env_close(v);
            return cli_usage_error(cmd, "unknown board '%s'; 'tinysim boards' lists the built-in "
                                        "ones, or give a profile file",
                                   o->board_arg);
        }
        if (sim_board_resolve(o->board_arg, &v->board, &cause) != 0) {
            cli_error("%s", cause);
            goto out;
        }
        v->board_from = "--board";
        if (v->e->board && strcmp(v->e->board, v->board.name) != 0)
            fprintf(stderr, "tinysim: warning: %s was built for board %s; running it on %s as "
                            "--board says\n",
                    o->path, v->e->board, v->board.name);
    } else if (v->e->board) {
        const sim_board *b = sim_board_find(v->e->board);
        if (!b) {
            cli_error("%s was built for board '%s', which is not a built-in board; pass its "
                      "profile with --board FILE ('tinysim boards' lists the built-in ones)",
                      o->path, v->e->board);
            goto out;
        }
        v->board = *b;
        v->board_from = "ELF note";
    } else {
        run_env_close(v);
        return cli_usage_error(cmd, "%s does not say which board it was built for (no "
                                    ".note.tinysim.board section): pass --board NAME",
                               o->path);
    }
    if (o->clock_hz) {
        char msg[256];
        int c = sim_board_set_clock(&v->board, o->clock_hz, msg, sizeof msg);
        if (c < 0) {
            run_env_close(v);
            return cli_usage_error(cmd, "%s", msg);
        }
        if (c > 0)
            fprintf(stderr, "tinysim: warning: %s\n", msg);
    }

    if (!cfg.console && !o->quiet) {
        int dash = (o->json && strcmp(o->json, "-") == 0) || (o->csv && strcmp(o->csv, "-") == 0) ||
                   (o->output && strcmp(o->output, "-") == 0);
        cfg.console = cli_console(dash ? stderr : stdout);
    }
    if (!cfg.console_in)
        cfg.console_in = stdin;
    if (!cfg.on_warning)
        cfg.on_warning = on_warning;
    if (!cfg.on_progress)
        cfg.on_progress = isatty(STDERR_FILENO) ? on_progress : on_progress_flush;
    v->pf = prof_new(v->e);
    if (!v->pf) {
        cli_error("out of memory");
        goto out;
    }
    if (!cfg.on_probe) {
        cfg.on_probe = prof_on_probe;
        cfg.ud = v->pf;
    }
    v->s = sim_new(&v->board, v->e, &cfg, &cause);
    if (!v->s) {
        cli_error("%s", cause);
        goto out;
    }
    prof_attach(v->pf, v->s);
    if (o->inference >= 0)
        prof_keep_inference(v->pf, (uint64_t)o->inference);
    prof_set_budget(v->pf, &o->budget);
    prof_set_duty(v->pf, o->rate, o->battery_mah);
    for (int i = 0; i < o->n_layer_calls; i++) {
        char err[512];
        if (prof_watch_calls(v->pf, o->layer_calls[i], err, sizeof err) < 0) {
            cli_error("%s", err);
            rc = TS_EXIT_USAGE;
            goto out;
        }
    }
    for (int i = 0; i < o->n_probes; i++) {
        char err[2048];
        if (prof_watch(v->pf, o->probes[i], err, sizeof err) < 0) {
            cli_error("%s", err);
            rc = TS_EXIT_USAGE;
            goto out;
        }
    }
    if (o->model || o->input) {
        rc = place_slots(v->s, v->e, o->model, o->input, o->seed, o->quiet);
        if (rc != TS_EXIT_OK)
            goto out;
        rc = TS_EXIT_INPUT;
    }
    if (sim_reset(v->s, &cause) != 0) {
        cli_error("%s: %s", o->path, cause);
        goto out;
    }
    rc = TS_EXIT_OK;
out:
    free(cause);
    if (rc != TS_EXIT_OK)
        run_env_close(v);
    return rc;
}

void run_env_close(run_env *v)
{
    sim_free(v->s);
    prof_free(v->pf);
    sim_elf_free(v->e);
    memset(v, 0, sizeof *v);
}

static int run_or_check(int argc, char **argv, check_ctx *chk)
{
    const cli_command *cmd = cli_find(chk ? "check" : "run");
    run_opts o;
    run_env v;
    int rc = run_opts_parse(argc, argv, cmd, &o);
    if (rc >= 0)
        return rc;
    /* Every output first (README "Output files"), then the baseline: what cannot be written
     * or compared is refused before any emulation. From here a signal stops the run. */
    const char *paths[OUT_N] = {o.json, o.csv, o.output, chk ? chk->markdown : NULL, o.folded,
                                o.trace, o.html};
    mo_file *out[OUT_N];
    int to_stdout = 0;
    cli_signals_catch(1);
    rc = outputs_open(cmd, paths, out);
    if (rc >= 0) {
        cli_signals_catch(0);
        cli_signal_clear();
        return rc;
    }
    for (int i = 0; i < OUT_N; i++)
        to_stdout |= mo_is_stdout(out[i]);
    if (to_stdout && !o.quiet && !o.cfg.console) /* stdout carries an output */
        o.cfg.console = cli_console(stderr);
    if (chk) {
        chk->md = out[OUT_MARKDOWN];
        out[OUT_MARKDOWN] = NULL;
        chk->html = out[OUT_HTML];
        out[OUT_HTML] = NULL;
    }
    if (chk && (rc = load_baseline(chk)) != TS_EXIT_OK)
        goto abandon; /* before the run: a bad baseline is refused at once */
    session *dbg = NULL; /* --gdb: a session drives the run, for the debugger */
    if (o.gdb) {
        dbg = calloc(1, sizeof *dbg);
        if (!dbg)
            abort();
        rc = session_open_run(dbg, &o);
        v = dbg->v;
        if (rc != TS_EXIT_OK) {
            free(dbg);
            goto abandon;
        }
    } else {
        rc = run_env_open(&v, &o, cmd);
    }
    if (rc != TS_EXIT_OK)
        goto abandon;
    if (chk) {
        /* Another board is known before the run (check_compare says it again after). */
        const char *bb = json_string(json_get(json_get(chk->base, "board"), "name"), NULL);
        if (bb && strcmp(bb, v.board.name) != 0) {
            check_refused(chk, "cannot compare with %s: baseline ran on %s, this run on %s: "
                          "compare runs on the same board", chk->baseline, bb, v.board.name);
            run_env_close(&v);
            rc = TS_EXIT_INPUT;
            goto abandon;
        }
    }
    sim *s = v.s;
    prof *pf = v.pf;
    const sim_elf *e = v.e;
    if (o.trace) /* the call graph records its events for the trace */
        sim_cg_trace(s, PROF_TRACE_MAX_EVENTS);
    const sim_board board = v.board;
    const char *board_from = v.board_from;
    double rate = o.rate, battery_mah = o.battery_mah;
    char *rbuf = NULL; /* a report being written */
    size_t rlen = 0;
    sim_stop st;
    int killed = 0;
    if (dbg) {
        char *cause = NULL;
        killed = gdbserver_serve(dbg, o.gdb, 1, stderr, &cause);
        if (killed < 0) {
            cli_error("%s", cause);
            free(cause);
            run_env_close(&dbg->v);
            session_release(dbg);
            free(dbg);
            rc = TS_EXIT_INPUT;
            goto abandon;
        }
        st = dbg->st;
        if (killed) {
            st.reason = SIM_STOP_INTERRUPT;
            snprintf(st.message, sizeof st.message, "killed by the debugger");
        } else if (dbg->state == SS_READY) { /* gdb left before anything ran */
            st.reason = SIM_STOP_INTERRUPT;
            snprintf(st.message, sizeof st.message, "gdb left before the firmware ran");
        }
    } else {
        cli_signals_run(s); /* SIGINT, SIGTERM, SIGHUP: stop at the next block, write reports */
        sim_run(s, &st);
        cli_signals_run(NULL);
    }
    int sig = cli_signal_pending();
    rc = exit_code(&st);
    cli_stderr_begin(); /* the console's last output goes before anything printed after it */
    if (progress_shown)
        fputc('\n', stderr);

    sim_stats x;
    sim_stats_get(s, &x);
    if (out[OUT_OUTPUT] && st.reason == SIM_STOP_EXIT) {
        int orc = write_output(s, pf, out[OUT_OUTPUT]);
        out[OUT_OUTPUT] = NULL;
        if (orc != TS_EXIT_OK && rc == TS_EXIT_OK)
            rc = orc;
    }
    FILE *sf = to_stdout ? stderr : stdout;
    if (o.inference >= 0 && prof_reported(pf) < 0) {
        cli_error("--inference %lld: the firmware completed %llu inference%s (numbered from 0); "
                  "the figures below are the last one's",
                  (long long)o.inference, (unsigned long long)prof_history_count(pf),
                  prof_history_count(pf) == 1 ? "" : "s");
        if (rc == TS_EXIT_OK)
            rc = TS_EXIT_USAGE;
    }
    int over = 0;
    char verdict[512] = "";
    if (prof_budget_any(&o.budget)) { /* the verdict first */
        prof_budget_item it[PROF_B_COUNT];
        over = prof_budget_eval(pf, e, &board, it, verdict, sizeof verdict);
        fprintf(sf, "%s\n", verdict);
    }
    prof_print_table(sf, pf, &board);
    prof_print_probes(sf, pf, &board);
    prof_print_breakdown(sf, pf);
    {
        prof_function *fn = NULL;
        uint32_t nf = prof_functions(s, e, &fn);
        prof_print_functions(sf, fn, nf, x.cycles, 8);
        free(fn);
        prof_calls calls;
        if (prof_calls_build(s, e, &calls) == 0) {
            prof_print_calls(sf, &calls, 8);
            prof_calls_free(&calls);
        }
    }
    {
        prof_memory m;
        prof_memory_use(pf, e, &board, &m);
        prof_print_memory(sf, &m);
    }
    cli_stderr_begin();
    prof_print_overflows(stderr, pf);
    if (prof_problem(pf)[0])
        fprintf(stderr, "tinysim: warning: %s\n", prof_problem(pf));
    prof_report_summary(sf, s, &st, board_from);
    prof_report_energy(sf, pf, &board, rate, battery_mah);
    const char *fw_name = strrchr(o.path, '/') ? strrchr(o.path, '/') + 1 : o.path;
    if (out[OUT_HTML]) {
        prof_write_html(mo_stream(out[OUT_HTML]), s, e, pf, &board, &st, fw_name, verdict);
        if (report_commit(out[OUT_HTML], OUT_HTML) < 0 && rc == TS_EXIT_OK)
            rc = TS_EXIT_INPUT;
        out[OUT_HTML] = NULL;
    }
    if (out[OUT_TRACE]) {
        prof_write_trace(mo_stream(out[OUT_TRACE]), s, e, pf, fw_name);
        if (report_commit(out[OUT_TRACE], OUT_TRACE) < 0 && rc == TS_EXIT_OK)
            rc = TS_EXIT_INPUT;
        out[OUT_TRACE] = NULL;
    }
    if (out[OUT_FOLDED]) {
        prof_write_folded(mo_stream(out[OUT_FOLDED]), s, e, pf);
        if (report_commit(out[OUT_FOLDED], OUT_FOLDED) < 0 && rc == TS_EXIT_OK)
            rc = TS_EXIT_INPUT;
        out[OUT_FOLDED] = NULL;
    }
    if (out[OUT_CSV]) {
        prof_write_csv(mo_stream(out[OUT_CSV]), pf, &board);
        if (report_commit(out[OUT_CSV], OUT_CSV) < 0 && rc == TS_EXIT_OK)
            rc = TS_EXIT_INPUT;
        out[OUT_CSV] = NULL;
    }
    if (chk && rc == TS_EXIT_OK) {
        /* Compare the report this run would write with the baseline. */
        FILE *m = report_open(&rbuf, &rlen);
        if (!m) {
            rc = TS_EXIT_INPUT;
        } else {
            prof_report_json(m, s, pf, &st, board_from, rc);
            fclose(m);
            fputc('\n', sf);
            rc = compare_reports(chk, rbuf, rlen, sf);
            free(rbuf);
            rbuf = NULL;
        }
    } else if (chk) {
        check_refused(chk, "check: the run did not end with exit status 0 (exit code %d): "
                      "nothing to compare", rc);
    }
    if (over && rc == TS_EXIT_OK)
        rc = TS_EXIT_VERDICT; /* over a budget */
    if (out[OUT_JSON]) {
        prof_report_json(mo_stream(out[OUT_JSON]), s, pf, &st, board_from, rc);
        if (report_commit(out[OUT_JSON], OUT_JSON) < 0 && rc == TS_EXIT_OK)
            rc = TS_EXIT_INPUT;
        out[OUT_JSON] = NULL;
    }
    if (st.reason == SIM_STOP_INTERRUPT && sig)
        cli_error("stopped by %s before the firmware finished (exit code %d)",
                  cli_signal_name(sig), TS_EXIT_BUDGET);
    else if (st.reason == SIM_STOP_INTERRUPT && o.gdb)
        cli_error("%s before the firmware finished (exit code %d)",
                  st.message[0] ? st.message : "stopped by the debugger", TS_EXIT_BUDGET);
    if (dbg) { /* the simulator points into the session's run_env (its board) */
        run_env_close(&dbg->v);
        session_release(dbg);
        free(dbg);
    } else {
        run_env_close(&v);
    }
abandon:
    /* what was not written (--output after a run that did not exit, anything after an early
     * error): the temporaries go, the files stay as they were */
    for (int i = 0; i < OUT_N; i++)
        mo_abort(out[i]);
    if (chk) {
        markdown_refusal(chk, rc);
        mo_abort(chk->md);
        chk->md = NULL;
        if (chk->html && chk->why[0]) { /* a refused check says so in its page too */
            FILE *h = mo_stream(chk->html);
            fprintf(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>tinysim check: refused</title></head><body>\n<h1>tinysim check: "
                       "refused</h1>\n<p><b>REFUSED</b> (exit code %d): ", rc);
            text_html(h, chk->why);
            fputs("</p>\n<p>No figure was compared.</p>\n</body></html>\n", h);
            report_commit(chk->html, OUT_HTML);
            chk->html = NULL;
        }
        mo_abort(chk->html);
        chk->html = NULL;
    }
    cli_signals_catch(0);
    cli_signal_clear();
    return rc;
}


/* For the REPL: the report, the summary and the exit code of a stop, as run makes them. */
void run_env_write_json(FILE *f, run_env *v, const sim_stop *st)
{
    prof_report_json(f, v->s, v->pf, st, v->board_from, exit_code(st));
}

void run_env_print_summary(FILE *f, run_env *v, const sim_stop *st)
{
    prof_report_summary(f, v->s, st, v->board_from);
}

void run_env_print_energy(FILE *f, run_env *v, double rate, double battery_mah)
{
    prof_report_energy(f, v->pf, &v->board, rate, battery_mah);
}

int run_exit_code(const sim_stop *st)
{
    return exit_code(st);
}

/* ===================================================================== boards */

int cli_boards(int argc, char **argv)
{
    const cli_command *cmd = cli_find("boards");
    int as_json = 0;
    const char *export = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            as_json = 1;
        else if (strcmp(argv[i], "--export") == 0 && i + 1 < argc)
            export = argv[++i];
        else if (strcmp(argv[i], "--export") == 0)
            return cli_usage_error(cmd, "--export needs a board name ('tinysim boards' lists them)");
        else
            return cli_usage_error(cmd, "unknown argument '%s'", argv[i]);
    }
    if (export) { /* a complete profile file that reads back to the same board */
        const sim_board *b = sim_board_find(export);
        if (!b)
            return cli_usage_error(cmd, "unknown board '%s'; 'tinysim boards' lists the built-in "
                                        "ones", export);
        char *text = sim_board_to_profile(b);
        if (!text) {
            cli_error("out of memory");
            return TS_EXIT_INPUT;
        }
        printf("# tinysim board profile: the built-in board %s, exported by 'tinysim boards "
               "--export'\n# (every figure; edit it, or start a profile from 'base = %s')\n%s",
               b->name, b->name, text);
        free(text);
        return TS_EXIT_OK;
    }
    if (as_json) {
        jw w;
        jw_init(&w, stdout);
        jw_obj(&w, NULL);
        jw_str(&w, "schema", "tinysim-boards/1");
        jw_arr(&w, "boards");
        for (uint32_t i = 0; i < sim_board_builtin_count(); i++) {
            const sim_board *b = sim_board_builtin(i);
            jw_obj(&w, NULL);
            jw_str(&w, "name", b->name);
            jw_str(&w, "mcu", b->mcu);
            jw_str(&w, "core", sim_core_id(b->core));
            jw_uint(&w, "clock_hz", b->clock_hz);
            jw_arr(&w, "regions");
            for (uint32_t r = 0; r < b->n_regions; r++) {
                const sim_region *g = &b->regions[r];
                jw_obj(&w, NULL);
                jw_str(&w, "name", g->name);
                jw_str(&w, "kind", g->kind == SIM_MEM_FLASH ? "flash" : "ram");
                jw_uint(&w, "base", g->base);
                jw_uint(&w, "size", g->size);
                jw_uint(&w, "wait_states", g->wait_states);
                if (g->has_alias)
                    jw_uint(&w, "alias", g->alias);
                jw_end(&w);
            }
            jw_end(&w);
            jw_num(&w, "vdd_v", b->vdd_v);
            jw_num(&w, "run_ua_per_mhz", b->run_ua_per_mhz);
            jw_num(&w, "run_offset_ua", b->run_offset_ua);
            jw_num(&w, "sleep_ua", b->sleep_ua);
            jw_str(&w, "sleep_mode", b->sleep_mode);
            jw_uint(&w, "flash_width", b->flash_width);
            jw_uint(&w, "icache_bytes", b->icache_bytes);
            jw_uint(&w, "dcache_bytes", b->dcache_bytes);
            jw_bool(&w, "prefetch", (int)b->prefetch);
            jw_arr(&w, "ws_max_hz");
            for (uint32_t k = 0; k < b->n_ws && k < 16; k++)
                jw_uint(&w, NULL, b->ws_max_hz[k]);
            jw_end(&w);
            jw_uint(&w, "clock_min_hz", b->clock_min_hz);
            jw_str(&w, "source", b->source);
            jw_end(&w);
        }
        jw_end(&w);
        jw_end(&w);
        jw_finish(&w);
        return TS_EXIT_OK;
    }
    printf("%-15s %-13s %-11s %8s %10s %10s  %s\n", "board", "mcu", "core", "clock", "flash",
           "ram", "source");
    for (uint32_t i = 0; i < sim_board_builtin_count(); i++) {
        const sim_board *b = sim_board_builtin(i);
        uint64_t flash = 0, ram = 0;
        uint32_t ws = 0;
        for (uint32_t r = 0; r < b->n_regions; r++) {
            if (b->regions[r].kind == SIM_MEM_FLASH) {
                flash += b->regions[r].size;
                ws = b->regions[r].wait_states;
            } else {
                ram += b->regions[r].size;
            }
        }
        char clk[32], fl[48], rm[32];
        snprintf(clk, sizeof clk, "%.0f MHz", b->clock_hz / 1e6);
        snprintf(fl, sizeof fl, "%llu KiB/%uws", (unsigned long long)(flash / 1024), ws);
        snprintf(rm, sizeof rm, "%llu KiB", (unsigned long long)(ram / 1024));
        printf("%-15s %-13s %-11s %8s %10s %10s  %s\n", b->name, b->mcu, sim_core_name(b->core),
               clk, fl, rm, b->source);
    }
    printf("\nA profile file can describe another board: tinysim run FW.elf --board my.board "
           "(format in the README).\n");
    return TS_EXIT_OK;
}
