/*
 * Tests for profiler/check.c: verdicts (identical, regression, within tolerance, improvement, the
 * metric mask, growth from 0), every refusal with its message, runs without an inference,
 * the text and Markdown write-ups, the option parsers, and check_compare() on mutated reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testlib.h"
#include "../../profiler/check.h"

/* ===================================================================== reports */

typedef struct {
    const char *op;
    double cycles, energy, stack, arena;
} t_layer;

/* A report, reduced to what the comparison reads. The inference's figures are derived from
 * the layers as the profiler derives them (sums of cycles and energy, maxima of the bytes). */
typedef struct {
    const char *board;
    const char *model; /* NULL: "inference": null and "layers": [] */
    double total_cycles;
    int nlayers;
    t_layer layers[8];
} t_report;

/* The demo: a keyword-spotting model on the NUCLEO-L4R5ZI. */
static t_report std_report(void)
{
    t_report r = {
        "nucleo-l4r5zi",
        "kws_demo",
        30000000,
        5,
        {
            {"CONV_2D", 10192728, 0.00346756607, 960, 8490},
            {"DEPTHWISE_CONV_2D", 5000000, 0.0017, 800, 6000},
            {"CONV_2D", 8000000, 0.00272, 960, 8490},
            {"AVERAGE_POOL_2D", 120000, 0.0000408, 400, 0},
            {"FULLY_CONNECTED", 900000, 0.000306, 300, 500},
        },
    };
    return r;
}

/* A number as a report writes it: integers without a fraction, others exactly. */
static void put_num(FILE *f, const char *key, double v)
{
    if (v == (double)(long long)v)
        fprintf(f, "\"%s\":%lld", key, (long long)v);
    else
        fprintf(f, "\"%s\":%.17g", key, v);
}

/* The JSON text of r as `tinysim run --json` writes it, with fields check does not read and
 * one it has never heard of (caller frees). */
static char *report_json(const t_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fprintf(f, "{\"schema\":\"tinysim-report/1\",\n"
               " \"firmware\":{\"path\":\"build/firmware/x/infer.elf\",\"board_note\":null,"
               "\"arch\":\"v7E-M\"},\n"
               " \"board\":{\"name\":\"%s\",\"from\":\"ELF note\",\"mcu\":\"STM32L4R5ZI\","
               "\"core\":\"cortex-m4f\",\"clock_hz\":120000000},\n"
               " \"exit\":{\"reason\":\"exit\",\"code\":0,\"status\":0,\"message\":\"\","
               "\"pc\":134219788,\"where\":\"ts_sh_exit+0xc\"},\n"
               " \"totals\":{\"instructions\":33979147,",
            r->board);
    put_num(f, "cycles", r->total_cycles);
    fprintf(f, ",\"sleep_cycles\":0,\"time_s\":0.39,\"inferences\":%d,\"layers_run\":%d},\n",
            r->model ? 1 : 0, r->nlayers);
    if (r->model) {
        double cyc = 0, en = 0, st = 0, ar = 0;
        for (int i = 0; i < r->nlayers; i++) {
            const t_layer *l = &r->layers[i];
            cyc += l->cycles;
            en += l->energy;
            st = l->stack > st ? l->stack : st;
            ar = l->arena > ar ? l->arena : ar;
        }
        fprintf(f, " \"inference\":{\"model\":\"%s\",", r->model);
        put_num(f, "cycles", cyc);
        fprintf(f, ",\"instructions\":33576594,\"time_s\":0.388726767,");
        put_num(f, "energy_j", en);
        fputc(',', f);
        put_num(f, "stack_bytes", st);
        fputc(',', f);
        put_num(f, "arena_bytes", ar);
        fprintf(f, ",\"model_bytes\":36960},\n \"layers\":[");
        for (int i = 0; i < r->nlayers; i++) {
            const t_layer *l = &r->layers[i];
            fprintf(f, "%s\n  {\"index\":%d,\"op\":\"%s\",\"name\":\"layer_%d\",\"output_shape\":"
                       "\"1x25x5x64\",\"macs\":320000,\"weight_bytes\":2816,",
                    i ? "," : "", i, l->op, i);
            put_num(f, "cycles", l->cycles);
            fprintf(f, ",\"instructions\":7494235,\"time_s\":0.0849394,");
            put_num(f, "energy_j", l->energy);
            fprintf(f, ",\"cycles_per_mac\":31.852275,");
            put_num(f, "stack_bytes", l->stack);
            fputc(',', f);
            put_num(f, "arena_bytes", l->arena);
            fprintf(f, ",\"share\":0.2185}");
        }
        fprintf(f, "],\n");
    } else {
        fprintf(f, " \"inference\":null,\n \"layers\":[],\n");
    }
    fprintf(f, " \"functions\":[{\"name\":\"nn_conv2d_s8\",\"addr\":134233332,\"cycles\":36617103,"
               "\"instructions\":26140562,\"entries\":5}],\n"
               " \"host\":{\"wall_s\":0.10,\"distinct_blocks\":1015},\n"
               " \"from_the_future\":{\"x\":[1,{\"y\":null}]}}\n");
    fclose(f);
    return buf;
}

/* s with the first occurrence of from replaced by to (which must be there); caller frees. */
static char *replace(char *s, const char *from, const char *to)
{
    char *at = strstr(s, from);
    if (at == NULL)
        fail_msg("\"%s\" not in the report", from);
    const size_t pre = (size_t)(at - s), fl = strlen(from), tl = strlen(to);
    char *o = malloc(strlen(s) - fl + tl + 1);
    assert_non_null(o);
    memcpy(o, s, pre);
    memcpy(o + pre, to, tl);
    strcpy(o + pre + tl, at + fl);
    free(s);
    return o;
}

/* The result of one comparison. */
typedef struct {
    int rc;
    char *text, *md;
    char err[512];
} t_result;

/* Compare two report texts; the texts are freed. */
static t_result compare_json(char *base, char *cur, const check_opts *o)
{
    t_result r;
    char perr[256];
    size_t tl, ml;
    json_value *b = json_parse(base, strlen(base), perr, sizeof perr);
    if (b == NULL)
        fail_msg("baseline does not parse: %s", perr);
    json_value *c = json_parse(cur, strlen(cur), perr, sizeof perr);
    if (c == NULL)
        fail_msg("current report does not parse: %s", perr);
    FILE *tf = open_memstream(&r.text, &tl), *mf = open_memstream(&r.md, &ml);
    assert_non_null(tf);
    assert_non_null(mf);
    r.rc = check_compare(b, c, o, "base.json", tf, mf, r.err, sizeof r.err);
    fclose(tf);
    fclose(mf);
    json_free(b);
    json_free(c);
    free(base);
    free(cur);
    return r;
}

static t_result compare(const t_report *base, const t_report *cur, const check_opts *o)
{
    return compare_json(report_json(base), report_json(cur), o);
}

static void result_free(t_result *r)
{
    free(r->text);
    free(r->md);
}

static void assert_has(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL && getenv("CHECK_DUMP"))
        fputs(hay, stderr);
    if (strstr(hay, needle) == NULL)
        fail_msg("expected \"%s\" in:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle) != NULL)
        fail_msg("did not expect \"%s\" in:\n%s", needle, hay);
}

/* How often needle occurs in hay. */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A refusal: -1, the message, and nothing written. */
static void assert_refused(t_result *r, const char *want)
{
    if (r->rc != -1)
        fail_msg("expected a refusal (%s), got %d:\n%s", want, r->rc, r->text);
    assert_string_equal(r->err, want);
    assert_string_equal(r->text, "");
    assert_string_equal(r->md, "");
    result_free(r);
}

/* ===================================================================== verdicts */

static void test_identical(void **state)
{
    (void)state;
    t_report b = std_report();
    t_result r = compare(&b, &b, NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    assert_string_equal(r.text,
                        "check: baseline base.json: model kws_demo on nucleo-l4r5zi, tolerance "
                        "1.0% (cycles, energy, stack, arena)\n"
                        "check: OK: identical to the baseline (24 figures compared)\n");
    assert_has(r.md, "### tinysim check: kws\\_demo on nucleo-l4r5zi\n");
    assert_has(r.md, "**OK**: identical to the baseline (24 figures compared)");
    assert_has(r.md, "Nothing moved");
    assert_has(r.md, "Totals:\n\n| Figure |");              /* the totals, unchanged too */
    assert_has(r.md, "| total cycles | 24,212,728 | 24,212,728 | +0 | +0.00% | unchanged |\n");
    assert_has(r.md, "No layer's figure moved.\n");
    assert_has(r.md, "<details><summary>All 5 layers</summary>");
    assert_lacks(r.md, "that moved:");
    /* --verbose: every figure in the text, in report order */
    check_opts v = {1.0, CHECK_M_ALL, 1, 0};
    result_free(&r);
    r = compare(&b, &b, &v);
    assert_int_equal(count_of(r.text, " unchanged\n"), 24);
    assert_true(strstr(r.text, "layer 0 CONV_2D cycles") < strstr(r.text, "layer 1 "));
    result_free(&r);
}

static void test_regression(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    c.layers[2].cycles *= 1.10; /* +10% in layer 2; the total follows */
    check_opts o = {1.0, CHECK_M_ALL, 0, 0};
    t_result r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.text,
        "check: baseline base.json: model kws_demo on nucleo-l4r5zi, tolerance 1.0% (cycles, "
        "energy, stack, arena)\n"
        "check: FAIL: 2 regressions beyond 1.0% (layer 2 CONV_2D cycles +10.0%, total cycles "
        "+3.3%)\n"
        "  layer 2 CONV_2D cycles      8,000,000 -> 8,800,000           +800,000   +10.0%  "
        "REGRESSION\n"
        "  total cycles               24,212,728 -> 25,012,728          +800,000    +3.3%  "
        "REGRESSION\n");
    result_free(&r);

    /* A looser tolerance lets the total pass but not the layer. */
    o.tolerance_pct = 5;
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "check: FAIL: 1 regression beyond 5.0% (layer 2 CONV_2D cycles +10.0%)\n");
    assert_has(r.text, "+3.3%  within tolerance\n");
    result_free(&r);

    /* Many regressions: the summary lists three and counts the rest. */
    for (int i = 0; i < 5; i++)
        c.layers[i].stack += 100;
    o.tolerance_pct = 1;
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "check: FAIL: 8 regressions beyond 1.0% (layer 0 CONV_2D stack +10.4%, "
                       "layer 1 DEPTHWISE_CONV_2D stack +12.5%, layer 2 CONV_2D cycles +10.0%, "
                       "and 5 more)\n");
    assert_has(r.text, "  layer 4 FULLY_CONNECTED stack");
    assert_has(r.text, "300 B -> 400 B");
    assert_has(r.text, "+100 B   +33.3%  REGRESSION\n");
    result_free(&r);
}

static void test_within_tolerance(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    c.layers[4].cycles = 904500; /* +0.5% */
    t_result r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 0);
    assert_has(r.text, "  layer 4 FULLY_CONNECTED cycles");
    assert_has(r.text, "900,000 -> 904,500");
    assert_has(r.text, "+4,500    +0.5%  within tolerance\n");
    assert_has(r.text, "+4,500   +0.02%  within tolerance\n"); /* the total */
    assert_has(r.text, "check: OK: no regression beyond 1.0% (2 figures moved within tolerance, "
                       "0 improved)\n");
    assert_lacks(r.text, "REGRESSION");
    result_free(&r);

    /* Exactly at the tolerance is within it; just past it is not. */
    c.layers[4].cycles = 909000; /* +1.0% */
    r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 0);
    assert_has(r.text, "+1.0%  within tolerance\n");
    result_free(&r);
    c.layers[4].cycles = 909001;
    r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "check: FAIL: 1 regression beyond 1.0% (layer 4 FULLY_CONNECTED cycles "
                       "+1.0%)\n");
    result_free(&r);

    /* Tolerance 0: one cycle more is a regression. */
    check_opts o = {0, CHECK_M_ALL, 0, 0};
    c.layers[4].cycles = 900001;
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "tolerance 0.0%");
    assert_has(r.text, "check: FAIL: 2 regressions beyond 0.0%");
    result_free(&r);

    /* A tolerance that is not a multiple of 0.1 is shown as given. */
    o.tolerance_pct = 0.25;
    c.layers[4].cycles = 902000; /* +0.22% */
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 0);
    assert_has(r.text, "tolerance 0.25%");
    result_free(&r);
}

static void test_improvement(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    c.layers[0].cycles = 9173455;  /* -10% */
    c.layers[0].energy *= 0.9;
    t_result r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 0);
    assert_has(r.text, "10,192,728 -> 9,173,455");
    assert_has(r.text, "-1,019,273   -10.0%  improved\n");
    assert_has(r.text, "  layer 0 CONV_2D energy");
    assert_has(r.text, "3467.566 uJ -> 3120.809 uJ");
    assert_has(r.text, "-346.757 uJ   -10.0%  improved\n");
    assert_has(r.text, "check: OK: no regression beyond 1.0% (0 figures moved within tolerance, "
                       "4 improved)\n");
    assert_has(r.md, "**OK**: no regression beyond 1.0% (0 figures moved within tolerance, "
                     "4 improved); baseline base.json.\n");
    assert_has(r.md, "| layer 0 CONV\\_2D cycles | 10,192,728 | 9,173,455 | -1,019,273 | -10.0% | "
                     "improved |\n");
    result_free(&r);
}

static void test_metric_mask(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    c.layers[2].cycles *= 1.10;
    check_opts o = {1.0, CHECK_M_ENERGY | CHECK_M_STACK | CHECK_M_ARENA, 0, 0};
    t_result r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 0);
    assert_has(r.text, "(energy, stack, arena)\n");
    assert_has(r.text, "check: OK: identical to the baseline (18 figures compared)\n");
    assert_lacks(r.text, "cycles");
    result_free(&r);

    o.metrics = CHECK_M_CYCLES;
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "(cycles)\n");
    assert_has(r.text, "check: FAIL: 2 regressions");
    result_free(&r);

    /* Arena moves: only the arena metric sees it. */
    c = b;
    c.layers[1].arena = 7000;
    o.metrics = CHECK_M_ARENA;
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "  layer 1 DEPTHWISE_CONV_2D arena");
    assert_has(r.text, "6,000 B -> 7,000 B");
    assert_has(r.text, "+1,000 B   +16.7%  REGRESSION\n");
    result_free(&r);
    o.metrics = CHECK_M_CYCLES | CHECK_M_ENERGY | CHECK_M_STACK;
    r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 0);
    result_free(&r);
}

static void test_growth_from_zero(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    assert_true(b.layers[3].arena == 0);
    c.layers[3].arena = 1;
    /* whatever the tolerance */
    check_opts o = {50, CHECK_M_ALL, 0, 0};
    t_result r = compare(&b, &c, &o);
    assert_int_equal(r.rc, 1);
    assert_has(r.text, "  layer 3 AVERAGE_POOL_2D arena");
    assert_has(r.text, "0 B -> 1 B");
    assert_has(r.text, "+1 B      n/a  REGRESSION\n");
    assert_has(r.text, "check: FAIL: 1 regression beyond 50.0% (layer 3 AVERAGE_POOL_2D arena "
                       "from 0 to 1 B)\n");
    assert_has(r.md, "| layer 3 AVERAGE\\_POOL\\_2D arena | 0 B | 1 B | +1 B | n/a | "
                     "**REGRESSION** |\n");
    result_free(&r);

    /* 0 to 0 is unchanged. */
    r = compare(&b, &b, &o);
    assert_int_equal(r.rc, 0);
    result_free(&r);
}

/* ===================================================================== refusals */

static void test_refuse_schema(void **state)
{
    (void)state;
    t_report b = std_report();
    t_result r;
    r = compare_json(replace(report_json(&b), "\"schema\":\"tinysim-report/1\",", ""),
                     report_json(&b), NULL);
    assert_refused(&r, "baseline: base.json has no \"schema\": it is not a tinysim report (this "
                       "tinysim reads tinysim-report/1)");
    r = compare_json(replace(report_json(&b), "tinysim-report/1", "tinysim-report/2"),
                     report_json(&b), NULL);
    assert_refused(&r, "baseline: base.json has schema \"tinysim-report/2\", and this tinysim "
                       "reads tinysim-report/1 (write the baseline again with this tinysim's run "
                       "--json)");
    r = compare_json(replace(report_json(&b), "tinysim-report/1", "tinysim-report/1 "),
                     report_json(&b), NULL);
    assert_refused(&r, "baseline: base.json has schema \"tinysim-report/1 \", and this tinysim "
                       "reads tinysim-report/1 (write the baseline again with this tinysim's run "
                       "--json)");
    r = compare_json(replace(report_json(&b), "\"tinysim-report/1\"", "1"), report_json(&b),
                     NULL);
    assert_refused(&r, "baseline: base.json has a \"schema\" that is a number, not a string: "
                       "this tinysim reads tinysim-report/1");
    r = compare_json(strdup("[1, 2]"), report_json(&b), NULL);
    assert_refused(&r, "baseline: base.json holds an array, not a tinysim report (an object with "
                       "\"schema\": \"tinysim-report/1\")");
    r = compare_json(report_json(&b), replace(report_json(&b), "tinysim-report/1", "other"),
                     NULL);
    assert_refused(&r, "this run: the report has schema \"other\", and this tinysim reads "
                       "tinysim-report/1");
    /* Without a name, the baseline is "the baseline". */
    json_value *v = json_parse("{}", 2, NULL, 0);
    char err[256];
    assert_int_equal(check_compare(v, v, NULL, NULL, NULL, NULL, err, sizeof err), -1);
    assert_string_equal(err, "baseline: the baseline has no \"schema\": it is not a tinysim "
                             "report (this tinysim reads tinysim-report/1)");
    json_free(v);
}

static void test_refuse_fields(void **state)
{
    (void)state;
    t_report b = std_report();
    static const struct {
        const char *from, *to, *want;
    } cases[] = {
        {"\"cycles\":120000,", "", "layers[3].cycles is missing"},
        {"\"cycles\":120000,", "\"cycles\":\"120000\",",
         "layers[3].cycles is a string, expected a number"},
        {"\"cycles\":120000,", "\"cycles\":null,", "layers[3].cycles is null, expected a number"},
        {"\"cycles\":120000,", "\"cycles\":-5,",
         "layers[3].cycles is -5, expected a number not below 0"},
        {"\"energy_j\":0.000306", "\"energy_x\":0.000306", "layers[4].energy_j is missing"},
        {"\"stack_bytes\":800,", "\"stack_bytes\":[800],",
         "layers[1].stack_bytes is an array, expected a number"},
        {"\"arena_bytes\":500,", "\"arena_bytes\":true,",
         "layers[4].arena_bytes is a boolean, expected a number"},
        {"\"op\":\"CONV_2D\"", "\"op\":7", "layers[0].op is a number, expected a string"},
        {"\"op\":\"CONV_2D\"", "\"op\":\"CONV\\u0000_2D\"",
         "layers[0].op contains a NUL character"},
        {"\n  {\"index\":1,", "\n  7,{\"index\":1,", "layers[1] is a number, expected an object"},
        {"\"layers\":[", "\"stages\":[", "layers is missing"},
        {"\"layers\":[", "\"layers\":{},\"l\":[", "layers is an object, expected an array"},
        {"\"model\":\"kws_demo\",", "", "inference.model is missing"},
        {"\"inference\":{", "\"inference\":\"yes\",\"x\":{",
         "inference is a string, expected an object or null"},
        {"\"cycles\":24212728,", "\"cycles\":{},", "inference.cycles is an object, expected a "
                                                  "number"},
        {"\"board\":{\"name\":\"nucleo-l4r5zi\",", "\"board\":{",  "board.name is missing"},
        {"\"board\":{\"name\":\"nucleo-l4r5zi\",", "\"board\":{\"name\":12,",
         "board.name is a number, expected a string"},
        {"\"board\":{", "\"board\":7,\"x\":{", "board is a number, expected an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[256];
        t_result r = compare_json(replace(report_json(&b), cases[i].from, cases[i].to),
                                  report_json(&b), NULL);
        snprintf(want, sizeof want, "baseline: %s", cases[i].want);
        assert_refused(&r, want);
        /* the same in this run's report */
        r = compare_json(report_json(&b), replace(report_json(&b), cases[i].from, cases[i].to),
                         NULL);
        snprintf(want, sizeof want, "this run: %s", cases[i].want);
        assert_refused(&r, want);
    }

    /* Only the selected metrics' fields are needed. */
    t_result r = compare_json(replace(report_json(&b), "\"energy_j\":0.000306", "\"e\":0.000306"),
                              report_json(&b), &(check_opts){1.0, CHECK_M_CYCLES, 0, 0});
    assert_int_equal(r.rc, 0);
    result_free(&r);
}

static void test_refuse_board_and_model(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    t_result r;

    c.board = "nucleo-g0b1re";
    r = compare(&b, &c, NULL);
    assert_refused(&r, "baseline ran on nucleo-l4r5zi, this run on nucleo-g0b1re: compare runs "
                       "on the same board");

    c = b;
    c.model = "cnn_demo";
    r = compare(&b, &c, NULL);
    assert_refused(&r, "the model differs: baseline ran kws_demo, this run cnn_demo: compare runs "
                       "of the same model");

    c = b;
    c.nlayers = 4;
    r = compare(&b, &c, NULL);
    assert_refused(&r, "the model differs: baseline has 5 layers, this run 4: compare runs of the "
                       "same model");

    c = b;
    c.layers[2].op = "DEPTHWISE_CONV_2D";
    r = compare(&b, &c, NULL);
    assert_refused(&r, "the model differs: layer 2 is CONV_2D in the baseline and "
                       "DEPTHWISE_CONV_2D in this run: compare runs of the same model");

    c = b;
    c.model = NULL;
    r = compare(&b, &c, NULL);
    assert_refused(&r, "baseline ran an inference (model kws_demo), but this run ran none: "
                       "compare runs of the same firmware and model");
    r = compare(&c, &b, NULL);
    assert_refused(&r, "baseline ran no inference, but this run ran one (model kws_demo): "
                       "compare runs of the same firmware and model");

    /* Names from the reports are shown with control characters made harmless. */
    c = b;
    c.board = "evil\\u001b[2J";
    r = compare(&b, &c, NULL);
    assert_refused(&r, "baseline ran on nucleo-l4r5zi, this run on evil?[2J: compare runs on the "
                       "same board");
}

static void test_refuse_options(void **state)
{
    (void)state;
    t_report b = std_report();
    t_result r = compare(&b, &b, &(check_opts){-1, CHECK_M_ALL, 0, 0});
    assert_refused(&r, "the tolerance must be a percentage of 0 or more, not -1");
    r = compare(&b, &b, &(check_opts){NAN, CHECK_M_ALL, 0, 0});
    assert_refused(&r, "the tolerance must be a percentage of 0 or more, not nan");
    r = compare(&b, &b, &(check_opts){INFINITY, CHECK_M_ALL, 0, 0});
    assert_refused(&r, "the tolerance must be a percentage of 0 or more, not inf");
    r = compare(&b, &b, &(check_opts){1, 0, 0, 0});
    assert_refused(&r, "invalid metric mask 0x0: choose among cycles, energy, stack, arena (or "
                       "all), flash, ram");
    r = compare(&b, &b, &(check_opts){1, 64, 0, 0});
    assert_refused(&r, "invalid metric mask 0x40: choose among cycles, energy, stack, arena (or "
                       "all), flash, ram");
}

/* ===================================================================== no inference */

static void test_no_inference(void **state)
{
    (void)state;
    t_report b = std_report();
    b.model = NULL;
    b.nlayers = 0;
    t_report c = b;
    t_result r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.text,
                        "check: baseline base.json: no inference, on nucleo-l4r5zi, tolerance "
                        "1.0% (cycles, energy, stack, arena)\n"
                        "check: the firmware runs no inference: energy, stack and arena are not "
                        "available, only the total cycles are compared\n"
                        "check: OK: identical to the baseline (1 figure compared)\n");
    assert_has(r.md, "### tinysim check: no inference on nucleo-l4r5zi\n");
    assert_int_equal(count_of(r.md, "not available"), 1);
    result_free(&r);

    c.total_cycles = 31500000; /* +5% */
    r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 1);
    assert_int_equal(count_of(r.text, "not available"), 1);
    assert_has(r.text, "  total cycles     30,000,000 -> 31,500,000 ");
    assert_has(r.text, "check: FAIL: 1 regression beyond 1.0% (total cycles +5.0%)\n");
    result_free(&r);

    /* Only unavailable metrics asked for: nothing to compare, which is not a failure. */
    r = compare(&b, &c, &(check_opts){1, CHECK_M_ENERGY, 0, 0});
    assert_int_equal(r.rc, 0);
    assert_has(r.text, "check: the firmware runs no inference: energy is not available, so "
                       "nothing is compared\n");
    assert_has(r.text, "check: OK: nothing to compare\n");
    result_free(&r);

    /* "inference" and "layers" may be absent; then totals.cycles is needed. */
    char *bj = replace(replace(report_json(&b), " \"inference\":null,\n", ""),
                       " \"layers\":[],\n", "");
    r = compare_json(bj, report_json(&c), NULL);
    assert_int_equal(r.rc, 1);
    result_free(&r);
    r = compare_json(replace(report_json(&b), "\"cycles\":30000000,", ""), report_json(&c), NULL);
    assert_refused(&r, "baseline: totals.cycles is missing");
    r = compare_json(replace(report_json(&b), "\"totals\":{", "\"totals\":[],\"t\":{"),
                     report_json(&c), NULL);
    assert_refused(&r, "baseline: totals is an array, expected an object");
}

/* ===================================================================== markdown */

static void test_markdown(void **state)
{
    (void)state;
    t_report b = std_report(), c = b;
    c.layers[0].stack = 912;     /* -5%: improved, listed after the regressions */
    c.layers[2].cycles = 8800000; /* +10% */
    c.layers[4].arena = 502;      /* +0.4%: within */
    t_result r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 1);
    assert_has(r.md,
        "### tinysim check: kws\\_demo on nucleo-l4r5zi\n\n"
        "**FAIL**: 2 regressions beyond 1.0% (layer 2 CONV\\_2D cycles +10.0%, total cycles "
        "+3.3%); baseline base.json.\n\n"
        "Totals:\n\n"
        "| Figure | Baseline | Now | Delta | Delta % | Verdict |\n"
        "| --- | ---: | ---: | ---: | ---: | --- |\n"
        "| total cycles | 24,212,728 | 25,012,728 | +800,000 | +3.3% | **REGRESSION** |\n"
        "| total energy | 8234.366 uJ | 8234.366 uJ | +0.000 uJ | +0.00% | unchanged |\n"
        "| total stack | 960 B | 960 B | +0 B | +0.00% | unchanged |\n"
        "| total arena | 8,490 B | 8,490 B | +0 B | +0.00% | unchanged |\n"
        "\nLayers that moved:\n\n"
        "| Figure | Baseline | Now | Delta | Delta % | Verdict |\n"
        "| --- | ---: | ---: | ---: | ---: | --- |\n"
        "| layer 2 CONV\\_2D cycles | 8,000,000 | 8,800,000 | +800,000 | +10.0% | "
        "**REGRESSION** |\n"
        "| layer 0 CONV\\_2D stack | 960 B | 912 B | -48 B | -5.0% | improved |\n"
        "| layer 4 FULLY\\_CONNECTED arena | 500 B | 502 B | +2 B | +0.4% | within tolerance |\n"
        "\n<details><summary>All 5 layers</summary>\n\n");
    /* The text: the verdict first, then what moved, regressions first. */
    assert_true(strstr(r.text, "check: FAIL") < strstr(r.text, "layer 2 CONV_2D cycles"));
    assert_true(strstr(r.text, "layer 2 CONV_2D cycles") < strstr(r.text, "layer 0 CONV_2D stack"));
    result_free(&r);

    /* Names from the reports cannot break the table or inject markup. */
    c = b;
    b.model = c.model = "kws|*x*<b>\\u0007";
    c.layers[1].cycles += 1e6;
    r = compare(&b, &c, NULL);
    assert_int_equal(r.rc, 1);
    assert_has(r.md, "### tinysim check: kws\\|\\*x\\*\\<b\\>? on nucleo-l4r5zi\n");
    assert_has(r.text, "model kws|*x*<b>? on");
    result_free(&r);

    /* Without a markdown or text stream, only the verdict. */
    json_value *v;
    char *j = report_json(&b);
    v = json_parse(j, strlen(j), NULL, 0);
    char err[64];
    assert_int_equal(check_compare(v, v, NULL, "b.json", NULL, NULL, err, sizeof err), 0);
    json_free(v);
    free(j);
}

/* ===================================================================== options */

static void test_parse_metrics(void **state)
{
    (void)state;
    static const struct {
        const char *list;
        unsigned mask;
    } good[] = {
        {"cycles", CHECK_M_CYCLES},
        {"energy", CHECK_M_ENERGY},
        {"stack", CHECK_M_STACK},
        {"arena", CHECK_M_ARENA},
        {"cycles,energy", CHECK_M_CYCLES | CHECK_M_ENERGY},
        {" stack , arena ", CHECK_M_STACK | CHECK_M_ARENA},
        {"arena,cycles,arena", CHECK_M_CYCLES | CHECK_M_ARENA},
        {"all", CHECK_M_ALL},
        {"cycles,all", CHECK_M_ALL},
        {"cycles,energy,stack,arena", CHECK_M_ALL},
    };
    char err[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        unsigned m = 0;
        assert_int_equal(check_parse_metrics(good[i].list, &m, err, sizeof err), 0);
        assert_int_equal(m, good[i].mask);
    }
    static const struct {
        const char *list, *want;
    } bad[] = {
        {"time", "unknown metric \"time\": valid metrics are cycles, energy, stack, arena (or all), flash, ram"},
        {"cycles,Energy", "unknown metric \"Energy\": valid metrics are cycles, energy, stack, "
                          "arena (or all), flash, ram"},
        {"cycle", "unknown metric \"cycle\": valid metrics are cycles, energy, stack, arena (or "
                  "all), flash, ram"},
        {"cycles;energy", "unknown metric \"cycles;energy\": valid metrics are cycles, energy, "
                          "stack, arena (or all), flash, ram"},
        {"", "empty metric in \"\": valid metrics are cycles, energy, stack, arena (or all), "
             "flash, ram, separated by commas"},
        {"cycles,,energy", "empty metric in \"cycles,,energy\": valid metrics are cycles, energy, "
                           "stack, arena (or all), flash, ram, separated by commas"},
        {"cycles,", "empty metric in \"cycles,\": valid metrics are cycles, energy, stack, arena "
                    "(or all), flash, ram, separated by commas"},
        {"cycles energy", "metrics in \"cycles energy\" must be separated by commas: valid "
                          "metrics are cycles, energy, stack, arena (or all), flash, ram"},
        {"x\x1b[0m", "unknown metric \"x?[0m\": valid metrics are cycles, energy, stack, arena "
                     "(or all), flash, ram"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned m = 99;
        assert_int_equal(check_parse_metrics(bad[i].list, &m, err, sizeof err), -1);
        assert_string_equal(err, bad[i].want);
        assert_int_equal(m, 99);
    }
    unsigned m = 99;
    assert_int_equal(check_parse_metrics(NULL, &m, NULL, 0), -1);
    assert_int_equal(m, 99);
}

static void test_parse_tolerance(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
    } good[] = {
        {"1", 1}, {"0", 0}, {"0.5", 0.5}, {".25", 0.25}, {"2%", 2}, {"10.", 10}, {"1.5%", 1.5},
        {"100", 100},
    };
    char err[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v = -1;
        assert_int_equal(check_parse_tolerance(good[i].s, &v, err, sizeof err), 0);
        assert_true(fabs(v - good[i].v) < 1e-12);
    }
    static const char *const bad[] = {"", "-1", "+1", "abc", "1e2", "nan", "inf", "0x10", "1%%",
                                      "%", ".", "1 ", " 1", "1,5", "1.2.3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = -7;
        char want[256];
        assert_int_equal(check_parse_tolerance(bad[i], &v, err, sizeof err), -1);
        snprintf(want, sizeof want, "invalid tolerance \"%s\": give a percentage such as 1, 0.5 "
                 "or 2%% (not negative)", bad[i]);
        assert_string_equal(err, want);
        assert_true(v == -7);
    }
}

/* ===================================================================== robustness */

/* Mutated baselines: each comparison refuses with a message or gives a verdict with a
 * summary line; never a crash (this loop runs under ASan and valgrind too). */
static void test_mutated_reports(void **state)
{
    (void)state;
    t_report b = std_report();
    char *base = report_json(&b), *cur = report_json(&b);
    const size_t len = strlen(base);
    json_value *c = json_parse(cur, strlen(cur), NULL, 0);
    assert_non_null(c);
    uint32_t seed = 0xc0ffee;
    int verdicts = 0, refusals = 0;
    for (int it = 0; it < 1500; it++) {
        char *m = malloc(len);
        assert_non_null(m);
        memcpy(m, base, len);
        for (int e = 0; e < 2; e++) {
            const uint32_t r = ts_xorshift32(&seed);
            const size_t at = ts_xorshift32(&seed) % len;
            if (r & 1)
                m[at] ^= (char)(1u << (r >> 1) % 8);
            else
                m[at] = "0123456789\"-.e"[(r >> 1) % 14];
        }
        json_value *v = json_parse(m, len, NULL, 0);
        free(m);
        if (v == NULL)
            continue;
        char *text, *md, err[512];
        size_t tl, ml;
        FILE *tf = open_memstream(&text, &tl), *mf = open_memstream(&md, &ml);
        const int rc = check_compare(v, c, NULL, "base.json", tf, mf, err, sizeof err);
        fclose(tf);
        fclose(mf);
        if (rc < 0) {
            assert_true(strlen(err) > 0);
            assert_int_equal(tl, 0);
            refusals++;
        } else {
            assert_true(rc == 0 || rc == 1);
            assert_has(text, rc ? "\ncheck: FAIL: " : "\ncheck: OK: ");
            assert_has(md, rc ? "**FAIL**" : "**OK**");
            verdicts++;
        }
        free(text);
        free(md);
        json_free(v);
    }
    json_free(c);
    free(base);
    free(cur);
    assert_true(verdicts > 100);
    assert_true(refusals > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_regression),
        cmocka_unit_test(test_within_tolerance),
        cmocka_unit_test(test_improvement),
        cmocka_unit_test(test_metric_mask),
        cmocka_unit_test(test_growth_from_zero),
        cmocka_unit_test(test_refuse_schema),
        cmocka_unit_test(test_refuse_fields),
        cmocka_unit_test(test_refuse_board_and_model),
        cmocka_unit_test(test_refuse_options),
        cmocka_unit_test(test_no_inference),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_parse_metrics),
        cmocka_unit_test(test_parse_tolerance),
        cmocka_unit_test(test_mutated_reports),
    };
    return cmocka_run_group_tests_name("profiler/check", tests, NULL, NULL);
}
