/*
 * Tests for models/convert.c and the core's loader and interpreter on converted models:
 * the arena planner, the MLPerf Tiny models against TFLM's golden outputs (every layer),
 * refusals with messages that name the op and layer, and the loader against corrupt and
 * hostile images (every truncation, every flipped byte, out-of-range fields).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/nn_model.h"
#include "../../models/convert.h"
#include "../../models/modelfile.h"
#include "../../models/tflite.h"
#include "../../models/util.h"
#include "../testlib.h"

/* ===================================================================== fixtures */

static int have_shared(void)
{
    size_t n;
    uint8_t *d = ts_read_shared("models/kws_ref_model.tflite", &n);
    if (d == NULL) {
        ts_skip_message("models/kws_ref_model.tflite");
        return 0;
    }
    free(d);
    return 1;
}

/* Convert a .tflite image; fails the test with the converter's message if it cannot. */
static cv_result convert_image(const uint8_t *file, size_t len, const char *name)
{
    tfl_model m;
    cv_result r;
    char *cause = NULL;
    if (tfl_read(file, len, &m, &cause) != 0)
        fail_msg("%s: %s", name, cause);
    if (cv_convert(&m, name, &r, &cause) != 0)
        fail_msg("%s: %s", name, cause);
    tfl_free(&m);
    return r;
}

/* A demo model converted from models/demo/<name>.tflite. */
static cv_result demo_named(const char *name)
{
    uint8_t *file;
    size_t len;
    char *cause = NULL;
    char *path = mu_asprintf("models/demo/%s.tflite", name);
    if (mu_read_file(path, &file, &len, &cause) != 0)
        fail_msg("%s (run the tests from the repository root)", cause);
    free(path);
    cv_result r = convert_image(file, len, name);
    free(file);
    return r;
}

/* The shipped KWS demo model, converted. */
static cv_result demo_model(void)
{
    return demo_named("kws_demo");
}

/* ===================================================================== planner */

static void test_plan_disjoint_lifetimes_share(void **state)
{
    (void)state;
    uint32_t size[3] = {100, 100, 100}, off[3];
    int first[3] = {0, 1, 2}, last[3] = {1, 2, 3};
    /* 0 and 2 never live together: they share; 1 overlaps both. */
    uint32_t arena = cv_plan_arena(3, size, first, last, off);
    assert_int_equal(arena, 224); /* 112 (aligned) + 100, rounded to 16 */
    assert_int_equal(off[0], off[2]);
    assert_int_not_equal(off[0], off[1]);
}

static void test_plan_overlapping_never_share(void **state)
{
    (void)state;
    enum { N = 40 };
    uint32_t size[N], off[N];
    int first[N], last[N];
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) {
        ts_xorshift32(&s);
        size[i] = 1 + s % 5000;
        first[i] = (int)(s >> 8) % 20;
        last[i] = first[i] + (int)(s >> 16) % 6;
    }
    uint32_t arena = cv_plan_arena(N, size, first, last, off);
    for (int i = 0; i < N; i++) {
        assert_int_equal(off[i] % CV_ARENA_ALIGN, 0);
        assert_true(off[i] + size[i] <= arena);
        for (int j = 0; j < i; j++) {
            int live = !(first[i] > last[j] || first[j] > last[i]);
            int overlap = off[i] < off[j] + size[j] && off[j] < off[i] + size[i];
            assert_false(live && overlap);
        }
    }
}

/* ===================================================================== MLPerf Tiny models */

typedef struct {
    const char *model;
    const char *layers_input; /* the input whose per-layer outputs golden/ holds */
    uint32_t tflm_arena;      /* TFLM's arena_used_bytes() (golden/README.md) */
    int inputs;               /* how many input_*.bin files */
} golden_case;

static const golden_case golden[] = {
    {"kws_ref_model", "sample", 24000, 5},
    {"vww_96_int8", "seed1", 103392, 4},
    {"pretrainedResnet_quant", "seed1", 55712, 4},
    {"ad01_int8", "seed1", 3424, 4},
};

static const char *const input_names[] = {"sample", "seed1", "seed2", "seed3", "seed4"};

/* Run a model on one input, layer by layer; if layers_dir is set, compare each layer's
 * output with golden's op_NN_OP.bin and report the first layer that differs. */
static void run_golden_in(nn_model *m, const char *root, const char *model, const char *input,
                          int per_layer)
{
    size_t n;
    char *rel = mu_asprintf("%s/%s/input_%s.bin", root, model, input);
    uint8_t *in = ts_read_shared(rel, &n);
    free(rel);
    if (in == NULL)
        return; /* kws has "sample", the others do not */
    uint32_t ti = nn_model_input(m, 0);
    assert_int_equal(n, nn_tensor(m, ti)->size);
    memcpy((void *)(uintptr_t)nn_tensor_data(m, ti), in, n);
    free(in);
    for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
        assert_int_equal(nn_run_layer(m, l), NN_OK);
        if (!per_layer)
            continue;
        const nn_tsm_layer *L = nn_layer(m, l);
        uint32_t to = nn_layer_operand(m, l, L->n_inputs);
        rel = mu_asprintf("%s/%s/layers_%s/op_%02u_%s.bin", root, model, input, l,
                          nn_op_name(L->op));
        uint8_t *want = ts_read_shared(rel, &n);
        if (want == NULL)
            fail_msg("%s missing", rel);
        assert_int_equal(n, nn_tensor(m, to)->size);
        const int8_t *got = nn_tensor_data(m, to);
        for (size_t k = 0; k < n; k++)
            if (got[k] != (int8_t)want[k])
                fail_msg("%s: layer %u (%s) first differs at byte %zu: got %d, TFLM %d", model,
                         l, nn_op_name(L->op), k, got[k], (int8_t)want[k]);
        free(want);
        free(rel);
    }
    rel = mu_asprintf("%s/%s/output_%s.bin", root, model, input);
    uint8_t *want = ts_read_shared(rel, &n);
    free(rel);
    assert_non_null(want);
    uint32_t to = nn_model_output(m, 0);
    assert_int_equal(n, nn_tensor(m, to)->size);
    assert_memory_equal(nn_tensor_data(m, to), want, n);
    free(want);
}

static void run_golden(nn_model *m, const char *model, const char *input, int per_layer)
{
    run_golden_in(m, "golden", model, input, per_layer);
}

static void test_golden_models(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    for (size_t g = 0; g < sizeof golden / sizeof golden[0]; g++) {
        size_t len;
        char *rel = mu_asprintf("models/%s.tflite", golden[g].model);
        uint8_t *file = ts_read_shared(rel, &len);
        free(rel);
        assert_non_null(file);
        cv_result r = convert_image(file, len, golden[g].model);
        free(file);
        nn_model m;
        nn_error e;
        assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, NULL, 0, &e), NN_OK);
        uint8_t *arena = malloc(m.hdr->arena_size);
        assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, arena,
                                       m.hdr->arena_size, &e), NN_OK);
        printf("  %-24s arena %6u bytes (TFLM %6u), image %6zu bytes\n", golden[g].model,
               m.hdr->arena_size, golden[g].tflm_arena, r.size);
        assert_true(m.hdr->arena_size <= golden[g].tflm_arena);
        for (size_t i = 0; i < sizeof input_names / sizeof input_names[0]; i++)
            run_golden(&m, golden[g].model, input_names[i],
                       strcmp(input_names[i], golden[g].layers_input) == 0);
        free(arena);
        cv_result_free(&r);
    }
}

/* The coverage models tinysim runs (../shared/coverage): float32 and int8, every seed (and
 * seanet's one int16 model that is a QUANTIZE, int32 -> int16: its two), each layer of
 * seed1 where the golden files have them, byte for byte against TFLM's reference kernels. */
static void test_coverage_models(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int per_layer, stateful; /* golden layers_seed1; variable tensors (LSTM, SVDF) */
    } cases[] = {
        {"hello_world_float", 1, 0}, {"ad01_fp32", 1, 0},          {"model_ToyCar", 1, 0},
        {"pretrainedResnet_large_int8", 1, 0}, {"trained_lstm", 1, 1},
        {"trained_lstm_int8", 1, 1}, {"keyword_scrambled", 1, 1}, {"seanet/quantize0", 0, 0},
    };
    if (!have_shared())
        skip();
    for (size_t g = 0; g < sizeof cases / sizeof cases[0]; g++) {
        const char *const model = cases[g].name;
        size_t len;
        char *rel = mu_asprintf("coverage/models/%s.tflite", model);
        uint8_t *file = ts_read_shared(rel, &len);
        free(rel);
        if (file == NULL)
            fail_msg("coverage/models/%s.tflite missing", model);
        cv_result r = convert_image(file, len, model);
        free(file);
        nn_model m;
        nn_error e;
        assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, NULL, 0, &e), NN_OK);
        uint8_t *arena = malloc(m.hdr->arena_size);
        assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, arena,
                                       m.hdr->arena_size, &e), NN_OK);
        printf("  %-28s %u layers, arena %6u bytes\n", model, m.hdr->n_layers,
               m.hdr->arena_size);
        for (int seed = 1; seed <= 4; seed++) {
            char in[16];
            snprintf(in, sizeof in, "seed%d", seed);
            /* loaded again: an LSTM's or SVDF's state (variable tensors) starts afresh, as in
             * a new TFLM interpreter (it carries over from one inference to the next
             * otherwise) */
            assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, arena,
                                           m.hdr->arena_size, &e), NN_OK);
            run_golden_in(&m, "coverage/golden", model, in, seed == 1 && cases[g].per_layer);
        }
        if (cases[g].stateful) {
            /* the state carries over: seed1 again without a reload (after seed4) gives
             * other layer outputs than a fresh interpreter's (TFLM's layers_seed1) */
            size_t n;
            char *rin = mu_asprintf("coverage/golden/%s/input_seed1.bin", model);
            uint8_t *in = ts_read_shared(rin, &n);
            free(rin);
            assert_non_null(in);
            uint32_t ti = nn_model_input(&m, 0);
            memcpy((void *)(uintptr_t)nn_tensor_data(&m, ti), in, nn_tensor(&m, ti)->size);
            assert_int_equal(nn_invoke(&m), NN_OK);
            uint32_t moved = 0;
            for (uint32_t l = 0; l < m.hdr->n_layers; l++) {
                const nn_tsm_layer *L = nn_layer(&m, l);
                uint32_t to = nn_layer_operand(&m, l, L->n_inputs);
                char *rl = mu_asprintf("coverage/golden/%s/layers_seed1/op_%02u_%s.bin", model,
                                       l, nn_op_name(L->op));
                uint8_t *want = ts_read_shared(rl, &n);
                free(rl);
                assert_non_null(want);
                moved += n != nn_tensor(&m, to)->size ||
                         memcmp(nn_tensor_data(&m, to), want, n) != 0;
                free(want);
            }
            printf("  %-28s state carried over: %u of %u layer outputs differ from a fresh "
                   "run's\n", model, moved, m.hdr->n_layers);
            assert_true(moved > 0);
            free(in);
        }
        free(arena);
        cv_result_free(&r);
    }
}

static void test_kws_shape_and_macs(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    char *path = mu_asprintf("%s/models/kws_ref_model.tflite", ts_shared_dir());
    mf_model mf;
    char *cause = NULL;
    assert_int_equal(mf_open(path, &mf, &cause), 0);
    free(path);
    assert_int_equal(mf.model.hdr->n_layers, 13);
    uint64_t macs = 0;
    for (uint32_t l = 0; l < 13; l++)
        macs += nn_layer_macs(&mf.model, l);
    assert_int_equal(macs, 2656768);
    assert_string_equal(nn_op_name(nn_layer(&mf.model, 0)->op), "CONV_2D");
    assert_string_equal(nn_op_name(nn_layer(&mf.model, 12)->op), "SOFTMAX");
    mf_close(&mf);
}

/* ===================================================================== probes */

static void test_probes_called_around_every_layer(void **state)
{
    (void)state;
    cv_result r = demo_model();
    nn_model m;
    uint8_t *arena = calloc(1, 1 << 20);
    assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, arena, 1 << 20, NULL), NN_OK);
    uint32_t before = nn_probe_events;
    assert_int_equal(nn_invoke(&m), NN_OK);
    uint32_t n = m.hdr->n_layers;
    assert_int_equal(nn_probe_events - before, 0x1000000u + 0x10000u + n * 0x100u + n);
    free(arena);
    cv_result_free(&r);
}

/* ===================================================================== refusals */

/* A one-layer model built by hand: op `builtin` from input tensor 0 to output tensor 1. */
static float one_scale[1] = {0.5f};
static int64_t one_zp[1] = {0};
static int io0[1] = {0}, io1[1] = {1};
static int opcode_builtin[1];

static void hand_model(tfl_model *m, tfl_tensor *t, tfl_op *op, int builtin, int type)
{
    memset(m, 0, sizeof *m);
    memset(t, 0, 2 * sizeof *t);
    memset(op, 0, sizeof *op);
    for (int i = 0; i < 2; i++) {
        t[i].name = (char *)(i ? "out" : "in");
        t[i].type = type;
        t[i].ndims = 2;
        t[i].dims[0] = 1;
        t[i].dims[1] = 8;
        t[i].nquant = 1;
        t[i].scale = one_scale;
        t[i].zero_point = one_zp;
    }
    op->builtin = builtin;
    op->ninputs = 1;
    op->inputs = io0;
    op->noutputs = 1;
    op->outputs = io1;
    opcode_builtin[0] = builtin;
    m->version = 3;
    m->nsubgraphs = 1;
    m->ntensors = 2;
    m->tensors = t;
    m->nops = 1;
    m->ops = op;
    m->ninputs = 1;
    m->inputs = io0;
    m->noutputs = 1;
    m->outputs = io1;
    m->nopcodes = 1;
    m->opcode_builtin = opcode_builtin;
}

static void expect_refusal(const tfl_model *m, const char *const *needles)
{
    cv_result r;
    char *cause = NULL;
    assert_int_equal(cv_convert(m, "hand", &r, &cause), -1);
    assert_non_null(cause);
    for (; *needles; needles++)
        if (strstr(cause, *needles) == NULL)
            fail_msg("message '%s' lacks '%s'", cause, *needles);
    free(cause);
}

static void test_refuses_svdf_naming_op_and_layer(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[2];
    tfl_op op;
    hand_model(&m, t, &op, TFL_OP_SVDF, TFL_INT16);
    expect_refusal(&m, (const char *const[]){"layer 0", "SVDF", "not supported", NULL});
    hand_model(&m, t, &op, TFL_OP_SVDF, TFL_FLOAT32);
    expect_refusal(&m, (const char *const[]){"SVDF float32: layer 0", NULL});
}

/* A .tflite of ../shared read and parsed (the buffer, which the model points into), or NULL
 * when ../shared is absent. */
static uint8_t *shared_tflite(const char *rel, tfl_model *m)
{
    size_t n;
    char *cause = NULL;
    uint8_t *buf = ts_read_shared(rel, &n);
    if (buf != NULL && tfl_read(buf, n, m, &cause) != 0)
        fail_msg("%s: %s", rel, cause);
    return buf;
}

/* keyword_scrambled's int8 SVDFs convert, with their MACs; one without its bias is refused,
 * saying why (TFLM crashes on it), and so is a bias whose scale is not state x time weights
 * (TFLM's check). */
static void test_svdf_bias_refusals(void **state)
{
    (void)state;
    tfl_model m;
    char *cause = NULL;
    uint8_t *buf = shared_tflite("coverage/models/keyword_scrambled.tflite", &m);
    if (buf == NULL) {
        skip();
        return;
    }
    assert_int_equal(m.ops[1].builtin, TFL_OP_SVDF);
    cv_result r;
    const int bias = m.ops[1].inputs[3];
    m.ops[1].inputs[3] = -1;
    assert_int_equal(cv_convert(&m, "kws", &r, &cause), -1);
    assert_non_null(strstr(cause, "layer 1"));
    assert_non_null(strstr(cause, "without a bias"));
    free(cause);
    m.ops[1].inputs[3] = bias;
    const float saved = m.tensors[bias].scale[0];
    m.tensors[bias].scale[0] = saved * 2.0f + 1e-3f;
    assert_int_equal(cv_convert(&m, "kws", &r, &cause), -1);
    assert_non_null(strstr(cause, "bias scale"));
    free(cause);
    m.tensors[bias].scale[0] = saved;
    assert_int_equal(cv_convert(&m, "kws", &r, &cause), 0);
    /* inspect's MACs: per batch row, filters x (input_dim + memory); layer 1 is [1, 96] in,
     * 64 filters of memory 8 */
    nn_model mm;
    assert_int_equal(nn_model_load(&mm, r.image, (uint32_t)r.size, NULL, 0, NULL), NN_OK);
    assert_int_equal(nn_layer_macs(&mm, 1), 64u * (96u + 8u));
    uint64_t macs = 0;
    for (uint32_t l = 0; l < mm.hdr->n_layers; l++)
        macs += nn_layer_macs(&mm, l);
    assert_int_equal(macs, 21056);
    cv_result_free(&r);
    tfl_free(&m);
    free(buf);
}

static void test_refuses_int16_and_float(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[2];
    tfl_op op;
    hand_model(&m, t, &op, TFL_OP_SOFTMAX, TFL_INT16);
    expect_refusal(&m, (const char *const[]){"SOFTMAX int16: layer 0", "int16 (16x8)", NULL});
    hand_model(&m, t, &op, TFL_OP_SOFTMAX, TFL_UINT8);
    expect_refusal(&m, (const char *const[]){"SOFTMAX uint8: layer 0", "uint8 (legacy", NULL});
}

/* A chain of n one-input ops: op i reads tensor i and writes tensor i + 1; types[i] is the
 * type of tensor i (the last op's output takes the last op's input type). */
#define CHAIN_MAX 8
static int chain_in[CHAIN_MAX], chain_out[CHAIN_MAX], chain_codes[CHAIN_MAX];

static void chain_model(tfl_model *m, tfl_tensor *t, tfl_op *ops, int n, const int *builtin,
                        const int *types, const char *const *custom)
{
    memset(m, 0, sizeof *m);
    memset(t, 0, sizeof(tfl_tensor) * (size_t)(n + 1));
    memset(ops, 0, sizeof(tfl_op) * (size_t)n);
    for (int i = 0; i <= n; i++) {
        t[i].name = (char *)"t";
        t[i].type = types[i < n ? i : n - 1];
        t[i].ndims = 2;
        t[i].dims[0] = 1;
        t[i].dims[1] = 8;
        t[i].nquant = 1;
        t[i].scale = one_scale;
        t[i].zero_point = one_zp;
    }
    for (int i = 0; i < n; i++) {
        chain_in[i] = i;
        chain_out[i] = i + 1;
        chain_codes[i] = builtin[i];
        ops[i].builtin = builtin[i];
        ops[i].custom_code = custom ? custom[i] : NULL;
        ops[i].ninputs = 1;
        ops[i].inputs = &chain_in[i];
        ops[i].noutputs = 1;
        ops[i].outputs = &chain_out[i];
    }
    m->version = 3;
    m->nsubgraphs = 1;
    m->ntensors = n + 1;
    m->tensors = t;
    m->nops = n;
    m->ops = ops;
    m->ninputs = 1;
    m->inputs = &chain_in[0];
    m->noutputs = 1;
    m->outputs = &chain_out[n - 1];
    m->nopcodes = n;
    m->opcode_builtin = chain_codes;
}

/* Every unsupported kind and type is named with all of its layers, in one refusal. */
static void test_refusal_lists_every_unsupported_op(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[CHAIN_MAX + 1];
    tfl_op ops[CHAIN_MAX];
    const int b[7] = {TFL_OP_SVDF,   TFL_OP_SOFTMAX, TFL_OP_SVDF,
                      TFL_OP_CUSTOM, TFL_OP_SVDF,    TFL_OP_BATCH_MATMUL,
                      TFL_OP_SVDF};
    const int ty[7] = {TFL_INT16, TFL_INT8, TFL_INT16, TFL_INT8, TFL_INT16, TFL_FLOAT32,
                       TFL_INT16};
    const char *const cc[7] = {NULL, NULL, NULL, "Foo", NULL, NULL, NULL};
    chain_model(&m, t, ops, 7, b, ty, cc);
    expect_refusal(&m, (const char *const[]){"6 of the model's 7 layers use ops or types",
                                             "\n  SVDF int16: layers 0, 2, 4, 6",
                                             "\n  custom op 'Foo': layer 3",
                                             "\n  BATCH_MATMUL float32: layer 5",
                                             "int16 (16x8)", "tinysim runs int8: ADD", NULL});
}

/* A model compiled for an NPU is named as such, with what to give instead. */
static void test_refuses_npu_model(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[3];
    tfl_op ops[2];
    const int b[2] = {TFL_OP_CUSTOM, TFL_OP_SOFTMAX};
    const int ty[2] = {TFL_INT8, TFL_INT8};
    const char *const cc[2] = {"ethos-u", NULL};
    chain_model(&m, t, ops, 2, b, ty, cc);
    expect_refusal(&m, (const char *const[]){"compiled for an Arm Ethos-U NPU",
                                             "before the NPU compiler",
                                             "custom op 'ethos-u': layer 0", NULL});
}

/* float32 activations with int8 weights: a hybrid model, said so. */
static void test_refuses_hybrid_model(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[3];
    tfl_op op;
    static int fc_in[2] = {0, 2}, fc_out[1] = {1};
    hand_model(&m, t, &op, TFL_OP_FULLY_CONNECTED, TFL_FLOAT32);
    memset(&t[2], 0, sizeof t[2]);
    t[2].name = (char *)"weights";
    t[2].type = TFL_INT8;
    t[2].ndims = 2;
    t[2].dims[0] = 8;
    t[2].dims[1] = 8;
    m.ntensors = 3;
    op.ninputs = 2;
    op.inputs = fc_in;
    op.outputs = fc_out;
    expect_refusal(&m, (const char *const[]){"hybrid model",
                                             "FULLY_CONNECTED hybrid (float32 activations, "
                                             "int8 weights): layer 0", NULL});
}

/* Run a converted image on the bytes of models/demo/kws_demo_input.bin; the output, malloc'd. */
static uint8_t *run_demo_input(const cv_result *r, size_t *out_len)
{
    uint8_t *in;
    size_t n;
    char *cause = NULL;
    if (mu_read_file("models/demo/kws_demo_input.bin", &in, &n, &cause) != 0)
        fail_msg("%s", cause);
    nn_model m;
    assert_int_equal(nn_model_load(&m, r->image, (uint32_t)r->size, NULL, 0, NULL), NN_OK);
    uint8_t *arena = malloc(m.hdr->arena_size);
    assert_int_equal(nn_model_load(&m, r->image, (uint32_t)r->size, arena, m.hdr->arena_size,
                                   NULL), NN_OK);
    uint32_t ti = nn_model_input(&m, 0), to = nn_model_output(&m, 0);
    assert_int_equal(n, nn_tensor(&m, ti)->size);
    memcpy((void *)(uintptr_t)nn_tensor_data(&m, ti), in, n);
    assert_int_equal(nn_invoke(&m), NN_OK);
    *out_len = nn_tensor(&m, to)->size;
    uint8_t *out = malloc(*out_len);
    memcpy(out, nn_tensor_data(&m, to), *out_len);
    free(arena);
    free(in);
    return out;
}

/* Biases with per-channel scales along a quantized_dimension that is not one of theirs (as
 * some of TFLM's example models have): TFLM ignores a bias's quantization, so does tinysim.
 * Written to a file and read back, the model converts and computes what it did before. */
static void test_accepts_bias_quantized_dimension_as_tflm(void **state)
{
    (void)state;
    uint8_t *file, *img;
    size_t len, ilen;
    char *cause = NULL;
    assert_int_equal(mu_read_file("models/demo/kws_demo.tflite", &file, &len, &cause), 0);
    tfl_model m;
    assert_int_equal(tfl_read(file, len, &m, &cause), 0);
    cv_result plain = convert_image(file, len, "kws");
    int changed = 0;
    for (int i = 0; i < m.nops; i++) {
        const tfl_op *op = &m.ops[i];
        if (op->builtin != TFL_OP_CONV_2D && op->builtin != TFL_OP_DEPTHWISE_CONV_2D &&
            op->builtin != TFL_OP_FULLY_CONNECTED)
            continue;
        if (op->ninputs < 3 || op->inputs[2] < 0)
            continue;
        tfl_tensor *b = &m.tensors[op->inputs[2]];
        int n = (int)b->dims[0];
        if (b->ndims != 1 || n < 2)
            continue;
        free(b->scale);
        free(b->zero_point);
        b->scale = calloc((size_t)n, sizeof *b->scale);
        b->zero_point = calloc((size_t)n, sizeof *b->zero_point);
        for (int k = 0; k < n; k++)
            b->scale[k] = 1e-4f * (float)(k + 1);
        b->nquant = n;
        b->quant_dim = 3; /* the filter's (depthwise) dimension: not a dimension of a 1-D bias */
        changed++;
    }
    assert_true(changed >= 2);
    if (tfl_write(&m, &img, &ilen, &cause) != 0)
        fail_msg("tfl_write: %s", cause);
    tfl_free(&m);
    cv_result odd = convert_image(img, ilen, "kws");
    size_t n1, n2;
    uint8_t *o1 = run_demo_input(&plain, &n1), *o2 = run_demo_input(&odd, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(o1, o2, n1);
    free(o1);
    free(o2);
    cv_result_free(&plain);
    cv_result_free(&odd);
    free(img);
    free(file);
}

/* A TRANSPOSE's nn_move with hostile fields: the loader refuses every map that could read
 * outside the input or write other than the output's size; what it accepts runs (under ASan
 * in make test-asan) without touching memory it should not. */
static void test_loader_hostile_move(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[3];
    tfl_op op;
    static int tr_in[2] = {0, 2};
    static int32_t perm[2] = {1, 0};
    hand_model(&m, t, &op, TFL_OP_TRANSPOSE, TFL_INT8);
    t[0].dims[0] = 5;
    t[0].dims[1] = 7;
    t[1].dims[0] = 7;
    t[1].dims[1] = 5;
    memset(&t[2], 0, sizeof t[2]);
    t[2].name = (char *)"perm";
    t[2].type = TFL_INT32;
    t[2].ndims = 1;
    t[2].dims[0] = 2;
    t[2].data = (const uint8_t *)perm;
    t[2].data_size = sizeof perm;
    m.ntensors = 3;
    op.ninputs = 2;
    op.inputs = tr_in;
    cv_result r;
    char *cause = NULL;
    if (cv_convert(&m, "transpose", &r, &cause) != 0)
        fail_msg("%s", cause);
    nn_model mm;
    assert_int_equal(nn_model_load(&mm, r.image, (uint32_t)r.size, NULL, 0, NULL), NN_OK);
    const uint32_t poff = mm.layers[0].params_off;
    static const int32_t values[] = {0, 1, 2, 5, 6, 7, 35, 36, -1, -7, 1 << 20,
                                     INT32_MAX, INT32_MIN};
    int refused = 0, ran = 0;
    for (uint32_t field = 0; field < sizeof(nn_move) / 4; field++)
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            uint8_t *copy = aligned_alloc(16, (r.size + 15) & ~(size_t)15);
            memcpy(copy, r.image, r.size);
            memcpy(copy + poff + 4 * field, &values[v], 4);
            uint32_t crc = nn_crc32(0, copy + 16, r.size - 16);
            memcpy(copy + 12, &crc, 4);
            nn_model h;
            uint8_t arena[256];
            if (nn_model_load(&h, copy, (uint32_t)r.size, arena, sizeof arena, NULL) != NN_OK) {
                refused++;
            } else {
                nn_status s = nn_invoke(&h);
                assert_true(s == NN_OK || s == NN_E_KERNEL);
                ran++;
            }
            free(copy);
        }
    printf("  nn_move fields x values: %d refused, %d accepted and ran (fields past ndims "
           "are not read)\n", refused, ran);
    assert_true(refused > 50);
    /* the map [7,5] by strides [1,7] reads 0..34 of 35: one more offset reads past the end */
    uint8_t *copy = aligned_alloc(16, (r.size + 15) & ~(size_t)15);
    memcpy(copy, r.image, r.size);
    int32_t one = 1;
    memcpy(copy + poff + 4 * (1 + 2 * NN_MOVE_DIMS), &one, 4);
    uint32_t crc = nn_crc32(0, copy + 16, r.size - 16);
    memcpy(copy + 12, &crc, 4);
    nn_error e;
    assert_int_equal(nn_model_load(&mm, copy, (uint32_t)r.size, NULL, 0, &e), NN_E_PARAMS);
    assert_string_equal(e.field, "move stride/offset");
    free(copy);
    cv_result_free(&r);
}

/* seanet's int16 (16x8) TRANSPOSE_CONV: named with its layer, its type taken from its data
 * operand (operand 2; operand 0 is the int32 output shape), and the int16 note given. */
static void test_refusal_names_seanet_int16(void **state)
{
    (void)state;
    tfl_model m;
    char *cause = NULL;
    uint8_t *buf = shared_tflite("coverage/models/seanet/transpose_conv0.tflite", &m);
    if (buf == NULL) {
        skip();
        return;
    }
    cv_result r;
    assert_int_equal(cv_convert(&m, "seanet", &r, &cause), -1);
    assert_non_null(strstr(cause, "TRANSPOSE_CONV int16: layer 0"));
    assert_non_null(strstr(cause, "int16 (16x8) quantized layers are not supported yet"));
    free(cause);
    tfl_free(&m);
    free(buf);
}

static void test_refuses_subgraphs_and_bad_softmax_output(void **state)
{
    (void)state;
    tfl_model m;
    tfl_tensor t[2];
    tfl_op op;
    hand_model(&m, t, &op, TFL_OP_SOFTMAX, TFL_INT8);
    m.nsubgraphs = 2;
    expect_refusal(&m, (const char *const[]){"2 subgraphs", NULL});
    hand_model(&m, t, &op, TFL_OP_SOFTMAX, TFL_INT8);
    /* scale 0.5, zero point 0 on a softmax output: TFLite needs 1/256 and -128 */
    expect_refusal(&m, (const char *const[]){"layer 0", "SOFTMAX", "1/256", NULL});
}

/* ===================================================================== loader */

/* Truncations of r at every `stride`-th length; each must be NN_E_TRUNCATED. */
static void check_truncations(const cv_result *r, size_t stride)
{
    uint8_t *copy = malloc(r->size);
    for (size_t n = 0; n < r->size; n += stride) {
        /* The copy ends where the allocation ends, so ASan sees any read past n. */
        uint8_t *tail = copy + r->size - n;
        tail = (uint8_t *)((uintptr_t)tail & ~(uintptr_t)3); /* the loader wants 4-alignment */
        memcpy(tail, r->image, n);
        nn_model m;
        nn_error e;
        nn_status s = nn_model_load(&m, tail, (uint32_t)n, NULL, 0, &e);
        if (s != NN_E_TRUNCATED)
            fail_msg("truncated to %zu bytes: %s", n, nn_strerror(s));
    }
    free(copy);
}

static void test_loader_rejects_every_truncation(void **state)
{
    (void)state;
    cv_result small = demo_named("float_io_demo"), big = demo_model();
    check_truncations(&small, 1); /* every length */
    check_truncations(&big, 7);
    cv_result_free(&small);
    cv_result_free(&big);
}

/* Flip one bit in every `stride`-th byte of r; each image must be refused (CRC past the
 * first 16 bytes, which the checksum does not cover). */
static void check_flips(const cv_result *r, size_t stride)
{
    uint8_t *copy = malloc(r->size);
    memcpy(copy, r->image, r->size);
    for (size_t i = 0; i < r->size; i += stride) {
        copy[i] ^= (uint8_t)(1u << (i % 8));
        nn_model m;
        nn_status s = nn_model_load(&m, copy, (uint32_t)r->size, NULL, 0, NULL);
        if (s == NN_OK)
            fail_msg("flipping a bit of byte %zu went unnoticed", i);
        if (i >= 16 && s != NN_E_CRC)
            fail_msg("byte %zu: expected a checksum error, got %s", i, nn_strerror(s));
        copy[i] = r->image[i];
    }
    free(copy);
}

static void test_loader_rejects_every_flipped_byte(void **state)
{
    (void)state;
    cv_result small = demo_named("float_io_demo"), big = demo_model();
    check_flips(&small, 1); /* every byte */
    check_flips(&big, 61);
    cv_result_free(&small);
    cv_result_free(&big);
}

/* Rewrite the CRC after an edit, as a hostile (not corrupt) image would. */
static void fix_crc(uint8_t *img, size_t size)
{
    uint32_t crc = nn_crc32(0, img + 16, size - 16);
    memcpy(img + 12, &crc, 4);
}


/* A structural field to attack: where, how wide, and which layers it can affect
 * (-1: all; else the layer, or with tensor >= 0 the layers that use that tensor). */
typedef struct {
    uint32_t off, width;
    int32_t layer, tensor;
} target;

static int uses_tensor(const nn_model *m, uint32_t l, uint32_t t)
{
    for (uint32_t k = 0; k <= nn_layer(m, l)->n_inputs; k++)
        if (nn_layer_operand(m, l, k) == t)
            return 1;
    return 0;
}

/* Every word of the header, the tensor and layer tables, each layer's parameter record,
 * its operand list (halfwords) and the first per-channel multiplier and shift. */
static int collect_targets(const nn_model *m, target *t, int max)
{
    int n = 0;
    const nn_tsm_header *h = m->hdr;
#define ADD_T(o, w, l, x) do { if (n < max) t[n++] = (target){(o), (w), (l), (x)}; } while (0)
    for (uint32_t o = 0; o < NN_TSM_HEADER_SIZE; o += 4)
        if (o != 12)
            ADD_T(o, 4, -1, -1);
    for (uint32_t i = 0; i < h->n_tensors; i++)
        for (uint32_t o = 0; o < NN_TSM_TENSOR_SIZE; o += 4)
            ADD_T(h->tensors_off + i * NN_TSM_TENSOR_SIZE + o, o == 0 ? 1 : 4, -1, (int32_t)i);
    for (uint32_t l = 0; l < h->n_layers; l++) {
        const nn_tsm_layer *L = nn_layer(m, l);
        for (uint32_t o = 0; o < NN_TSM_LAYER_SIZE; o += 4)
            ADD_T(h->layers_off + l * NN_TSM_LAYER_SIZE + o, 4, (int32_t)l, -1);
        for (uint32_t o = 0; o < L->params_size; o += 4)
            ADD_T(L->params_off + o, 4, (int32_t)l, -1);
        for (uint32_t k = 0; k <= L->n_inputs; k++)
            ADD_T(L->io_off + 2 * k, 2, (int32_t)l, -1);
        if (L->op == NN_OP_CONV_2D || L->op == NN_OP_DEPTHWISE_CONV_2D) {
            const nn_tsm_conv *pc = (const nn_tsm_conv *)(const void *)(m->image + L->params_off);
            ADD_T(pc->mult_off, 4, (int32_t)l, -1);
            ADD_T(pc->shift_off, 4, (int32_t)l, -1);
        }
    }
#undef ADD_T
    return n;
}

/*
 * Set each structural field to hostile values with a valid CRC. Loading must fail with a
 * typed error naming the field, or succeed, and then every layer the field can affect must
 * run with NN_OK (the loader's checks cover every kernel precondition) without touching
 * memory outside the image and an arena of exactly the declared size (AddressSanitizer
 * checks that in `make test-asan`).
 */
static void test_loader_hostile_fields(void **state)
{
    (void)state;
    cv_result r = demo_named("cnn_demo"); /* every op the core has */
    nn_model m0;
    assert_int_equal(nn_model_load(&m0, r.image, (uint32_t)r.size, NULL, 0, NULL), NN_OK);
    enum { MAX_TARGETS = 8192 };
    target *tg = malloc(sizeof(target) * MAX_TARGETS);
    int nt = collect_targets(&m0, tg, MAX_TARGETS);
    static const uint32_t values[] = {0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000,
                                      0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffff0u};
    uint8_t *copy = malloc(r.size);
    int rejected = 0, accepted = 0;
    for (int i = 0; i < nt; i++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            memcpy(copy, r.image, r.size);
            memcpy(copy + tg[i].off, &values[v], tg[i].width);
            fix_crc(copy, r.size);
            nn_model m;
            nn_error e;
            nn_status s = nn_model_load(&m, copy, (uint32_t)r.size, NULL, 0, &e);
            if (s != NN_OK) {
                assert_true(s > NN_OK && s < NN_E_COUNT_);
                assert_non_null(e.field);
                rejected++;
                continue;
            }
            accepted++;
            if (m.hdr->arena_size > (1u << 20)) {
                /* A header may claim a huge arena; a caller that cannot give it is refused. */
                uint32_t small[16];
                assert_int_equal(nn_model_load(&m, copy, (uint32_t)r.size, small, sizeof small,
                                               NULL), NN_E_ARENA);
                continue;
            }
            uint8_t *arena = malloc(m.hdr->arena_size ? m.hdr->arena_size : 1);
            memset(arena, 0, m.hdr->arena_size);
            assert_int_equal(nn_model_load(&m, copy, (uint32_t)r.size, arena,
                                           m.hdr->arena_size, NULL), NN_OK);
            for (uint32_t l = 0; l < m.hdr->n_layers; l++) {
                if (tg[i].layer >= 0 && (uint32_t)tg[i].layer != l)
                    continue;
                if (tg[i].tensor >= 0 && !uses_tensor(&m, l, (uint32_t)tg[i].tensor))
                    continue;
                nn_status rs = nn_run_layer(&m, l);
                if (rs != NN_OK)
                    fail_msg("0x%x at byte 0x%x: loaded, but layer %u failed: %s", values[v],
                             tg[i].off, l, nn_strerror(rs));
            }
            free(arena);
        }
    }
    printf("  %d structural fields x %zu values: %d rejected with a typed error, %d accepted "
           "and ran safely\n", nt, sizeof values / sizeof values[0], rejected, accepted);
    assert_true(rejected > accepted);
    free(tg);
    free(copy);
    cv_result_free(&r);
}

static void test_loader_specific_errors(void **state)
{
    (void)state;
    cv_result r = demo_model();
    uint8_t *img = r.image;
    nn_model m;
    nn_error e;
    uint32_t v;

    v = 0x12345678;
    memcpy(img, &v, 4);
    assert_int_equal(nn_model_load(&m, img, (uint32_t)r.size, NULL, 0, &e), NN_E_MAGIC);
    v = NN_TSM_MAGIC;
    memcpy(img, &v, 4);

    img[4] = 2; /* version */
    assert_int_equal(nn_model_load(&m, img, (uint32_t)r.size, NULL, 0, &e), NN_E_VERSION);
    img[4] = 1;

    /* n_layers past the limit */
    uint32_t saved;
    memcpy(&saved, img + 28, 4);
    v = NN_MAX_LAYERS + 1;
    memcpy(img + 28, &v, 4);
    fix_crc(img, r.size);
    assert_int_equal(nn_model_load(&m, img, (uint32_t)r.size, NULL, 0, &e), NN_E_HEADER);
    assert_string_equal(e.field, "n_layers");
    memcpy(img + 28, &saved, 4);
    fix_crc(img, r.size);

    /* an absurd dimension in tensor 0 */
    nn_tsm_header h;
    memcpy(&h, img, sizeof h);
    int32_t big = 1 << 30;
    memcpy(img + h.tensors_off + 4, &big, 4);
    fix_crc(img, r.size);
    assert_int_equal(nn_model_load(&m, img, (uint32_t)r.size, NULL, 0, &e), NN_E_TENSOR);
    assert_int_equal(e.tensor, 0);
    assert_string_equal(e.field, "dims[0]");

    /* layer 0 reads a tensor index past the table */
    cv_result_free(&r);
    r = demo_model();
    img = r.image;
    memcpy(&h, img, sizeof h);
    nn_tsm_layer l0;
    memcpy(&l0, img + h.layers_off, sizeof l0);
    uint16_t bad = (uint16_t)h.n_tensors;
    memcpy(img + l0.io_off, &bad, 2);
    fix_crc(img, r.size);
    assert_int_equal(nn_model_load(&m, img, (uint32_t)r.size, NULL, 0, &e), NN_E_LAYER);
    assert_int_equal(e.layer, 0);

    /* arena smaller than planned */
    cv_result_free(&r);
    r = demo_model();
    assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, NULL, 0, NULL), NN_OK);
    uint32_t need = m.hdr->arena_size;
    uint8_t *arena = malloc(need);
    assert_int_equal(nn_model_load(&m, r.image, (uint32_t)r.size, arena, need - 4, &e),
                     NN_E_ARENA);
    assert_int_equal(nn_invoke(&m), NN_E_ARENA); /* m was cleared: no arena */
    free(arena);
    cv_result_free(&r);
}

/*
 * Found by tests/fuzz/fuzz_tsm.c (crash-dims-wrap): tensors of four dims of NN_MAX_DIM have
 * 2^64 elements, which wrapped the loader's element count to 0 and matched their size of 0.
 * The image below (header, three int8 arena tensors [65536,65536,65536,65536] of size 0 and
 * a scalar, one ADD broadcasting the scalar) loaded, and ADD then read and wrote far past
 * the 16-byte arena. The loader must refuse the first tensor's size.
 */
static void test_loader_rejects_wrapping_element_count(void **state)
{
    (void)state;
    static _Alignas(16) const uint8_t img[] = {
        0x54, 0x53, 0x4d, 0x31, 0x01, 0x00, 0x50, 0x00, 0x44, 0x01, 0x00, 0x00, 0xe2, 0x68, 0xf3, 0xed,
        0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0xe0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
        0x04, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x06, 0x00, 0x02, 0x01, 0x08, 0x01, 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    };
    uint8_t arena[16];
    nn_model m;
    nn_error e;
    assert_int_equal(sizeof img, 324);
    assert_int_equal(nn_model_load(&m, img, sizeof img, arena, sizeof arena, &e), NN_E_TENSOR);
    assert_int_equal(e.tensor, 0);
    assert_string_equal(e.field, "size");
    assert_int_equal(nn_model_load(&m, img, sizeof img, NULL, 0, &e), NN_E_TENSOR);
}

/* ===================================================================== what the loader refuses */

/* The converter's result on a .tflite image: 0 and the image loads, or -1 and the message. */
static int convert_loads(const uint8_t *file, size_t len, char **cause)
{
    tfl_model m;
    cv_result r;
    *cause = NULL;
    if (tfl_read(file, len, &m, cause) != 0)
        fail_msg("tfl_read: %s", *cause);
    int rc = cv_convert(&m, "hand", &r, cause);
    tfl_free(&m);
    if (rc == 0) {
        nn_model nm;
        nn_error e;
        nn_status s = nn_model_load(&nm, r.image, (uint32_t)r.size, NULL, 0, &e);
        cv_result_free(&r);
        if (s != NN_OK)
            fail_msg("the converted model does not load: %s (field %s)", nn_strerror(s),
                     e.field);
    }
    return rc;
}

/*
 * Found by tests/fuzz/fuzz_tflite.c: a flipped exponent bit in a scale of kws_demo.tflite
 * made input scale x weights scale / output scale 2^30 or more; the converter wrote the
 * requantization shift (31 and up) that the kernels cannot take, and the loader refused
 * the converted model. The image below is the same fault reduced: one FULLY_CONNECTED
 * layer, input and weights scale 1, output scale 2^-31 (written by tfl_write).
 */
static const uint8_t fc_shift_32[] = {
        0x18, 0x00, 0x00, 0x00, 0x54, 0x46, 0x4c, 0x33, 0x00, 0x00, 0x0e, 0x00, 0x14, 0x00, 0x04, 0x00,
        0x08, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
        0x0c, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0xfc, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x10, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0d, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00,
        0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x14, 0x00, 0x04, 0x00, 0x08, 0x00,
        0x0c, 0x00, 0x10, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x6c, 0x01, 0x00, 0x00,
        0x70, 0x01, 0x00, 0x00, 0x74, 0x01, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
        0x88, 0x00, 0x00, 0x00, 0xf4, 0x00, 0x00, 0x00, 0x10, 0x00, 0x16, 0x00, 0x04, 0x00, 0x14, 0x00,
        0x0c, 0x00, 0x08, 0x00, 0x10, 0x00, 0x15, 0x00, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
        0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x69, 0x00, 0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x0c, 0x00, 0x12, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3f, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x16, 0x00, 0x04, 0x00, 0x14, 0x00,
        0x0c, 0x00, 0x08, 0x00, 0x10, 0x00, 0x15, 0x00, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
        0x1c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x77, 0x00, 0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x0c, 0x00, 0x12, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3f, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x16, 0x00, 0x04, 0x00, 0x14, 0x00,
        0x0c, 0x00, 0x08, 0x00, 0x10, 0x00, 0x15, 0x00, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
        0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x6f, 0x00, 0x12, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x0c, 0x00, 0x12, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x0a, 0x00, 0x10, 0x00, 0x04, 0x00, 0x08, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
        0x04, 0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x08, 0x00, 0x04, 0x00,
        0x06, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* A one-op model: a (and b) -> o, int8 [1,4], with the given scales. */
typedef struct {
    tfl_model m;
    tfl_tensor t[3];
    tfl_op op;
    float scale[3];
    int64_t zp[3];
    int ins[2], outs[1], opcode[1];
    int32_t axis[1];
} small_model;

static void small(small_model *s, int builtin, int nin, float s0, float s1, float so, int64_t zo)
{
    static const char *const names[3] = {"a", "b", "o"};
    memset(s, 0, sizeof *s);
    s->scale[0] = s0;
    s->scale[1] = s1;
    s->scale[2] = so;
    s->zp[2] = zo;
    for (int i = 0; i < 3; i++) {
        s->t[i].name = (char *)names[i];
        s->t[i].type = TFL_INT8;
        s->t[i].ndims = 2;
        s->t[i].dims[0] = 1;
        s->t[i].dims[1] = 4;
        s->t[i].nquant = 1;
        s->t[i].scale = &s->scale[i];
        s->t[i].zero_point = &s->zp[i];
    }
    s->ins[0] = 0;
    s->ins[1] = 1;
    s->outs[0] = 2;
    s->opcode[0] = builtin;
    s->op.builtin = builtin;
    s->op.ninputs = nin;
    s->op.inputs = s->ins;
    s->op.noutputs = 1;
    s->op.outputs = s->outs;
    if (builtin == TFL_OP_MEAN) { /* b: the axis, a constant int32 [1] = {1} */
        s->axis[0] = 1;
        s->t[1].type = TFL_INT32;
        s->t[1].ndims = 1;
        s->t[1].dims[0] = 1;
        s->t[1].nquant = 0;
        s->t[1].data = (const uint8_t *)s->axis;
        s->t[1].data_size = 4;
        s->t[2].dims[1] = 1;
        s->op.has_options = 1;
        s->op.opt.keep_dims = 1;
    }
    s->m.version = 3;
    s->m.nsubgraphs = 1;
    s->m.ntensors = 3;
    s->m.tensors = s->t;
    s->m.nops = 1;
    s->m.ops = &s->op;
    s->m.ninputs = builtin == TFL_OP_MEAN ? 1 : nin;
    s->m.inputs = s->ins;
    s->m.noutputs = 1;
    s->m.outputs = s->outs;
    s->m.nopcodes = 1;
    s->m.opcode_builtin = s->opcode;
}

/* Convert s written out by tfl_write, as a file would come. */
static int small_convert(const small_model *s, char **cause)
{
    uint8_t *img;
    size_t len;
    if (tfl_write(&s->m, &img, &len, cause) != 0)
        fail_msg("tfl_write: %s", *cause);
    int rc = convert_loads(img, len, cause);
    free(img);
    return rc;
}

static void expect_refused(int rc, char *cause, const char *needle)
{
    assert_int_equal(rc, -1);
    assert_non_null(cause);
    if (strstr(cause, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", cause, needle);
    free(cause);
}

/*
 * The converter refuses what the loader would refuse, so that a converted model always
 * loads: requantization shifts beyond the kernels' range (conv/FC 30, MUL 15, LOGISTIC 31,
 * int8 QUANTIZE 22, MEAN 31) and constant model inputs and outputs (the loader wants those
 * in the arena).
 */
static void test_refuses_what_the_loader_refuses(void **state)
{
    (void)state;
    char *cause = NULL;
    int rc = convert_loads(fc_shift_32, sizeof fc_shift_32, &cause);
    expect_refused(rc, cause, "requantization shift of 32, beyond the kernels' 30");

    small_model s;
    small(&s, TFL_OP_MUL, 2, 1.0f, 1.0f, 0x1p-20f, 0);
    rc = small_convert(&s, &cause);
    expect_refused(rc, cause, "shift of 21, beyond the kernels' 15");
    small(&s, TFL_OP_MUL, 2, 1.0f, 1.0f, 0x1p-10f, 0); /* shift 11: fine */
    assert_int_equal(small_convert(&s, &cause), 0);

    small(&s, TFL_OP_LOGISTIC, 1, 64.0f, 1.0f, 1.0f / 256, -128);
    rc = small_convert(&s, &cause);
    expect_refused(rc, cause, "beyond the kernels' 31");
    small(&s, TFL_OP_LOGISTIC, 1, 0.1f, 1.0f, 1.0f / 256, -128);
    assert_int_equal(small_convert(&s, &cause), 0);

    small(&s, TFL_OP_QUANTIZE, 1, 1.0f, 1.0f, 0x1p-26f, 0);
    rc = small_convert(&s, &cause);
    expect_refused(rc, cause, "shift of 27, beyond the kernels' 22");
    small(&s, TFL_OP_QUANTIZE, 1, 1.0f, 1.0f, 0.5f, 0);
    assert_int_equal(small_convert(&s, &cause), 0);

    small(&s, TFL_OP_MEAN, 2, 1.0f, 1.0f, 0x1p-40f, 0);
    rc = small_convert(&s, &cause);
    expect_refused(rc, cause, "beyond the kernels' 31");
    small(&s, TFL_OP_MEAN, 2, 1.0f, 1.0f, 1.0f, 0);
    assert_int_equal(small_convert(&s, &cause), 0);

    /* ADD(a, b) with b a constant that is also a model output; RESHAPE of a constant that
     * is the model input */
    static const int8_t bytes[4] = {1, 2, 3, 4};
    int outs2[2] = {2, 1};
    small(&s, TFL_OP_ADD, 2, 1.0f, 1.0f, 1.0f, 0);
    s.t[1].data = (const uint8_t *)bytes;
    s.t[1].data_size = 4;
    s.m.ninputs = 1;
    s.m.noutputs = 2;
    s.m.outputs = outs2;
    rc = small_convert(&s, &cause);
    expect_refused(rc, cause, "model output tensor 1 'b' is a constant");
    s.m.noutputs = 1; /* the constant only as an operand: fine */
    assert_int_equal(small_convert(&s, &cause), 0);
    small(&s, TFL_OP_RESHAPE, 1, 1.0f, 1.0f, 1.0f, 0);
    s.ins[0] = 1;
    s.t[1].data = (const uint8_t *)bytes;
    s.t[1].data_size = 4;
    rc = small_convert(&s, &cause);
    expect_refused(rc, cause, "model input tensor 1 'b' is a constant");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_disjoint_lifetimes_share),
        cmocka_unit_test(test_plan_overlapping_never_share),
        cmocka_unit_test(test_golden_models),
        cmocka_unit_test(test_coverage_models),
        cmocka_unit_test(test_kws_shape_and_macs),
        cmocka_unit_test(test_probes_called_around_every_layer),
        cmocka_unit_test(test_refuses_svdf_naming_op_and_layer),
        cmocka_unit_test(test_refuses_int16_and_float),
        cmocka_unit_test(test_refusal_lists_every_unsupported_op),
        cmocka_unit_test(test_refuses_npu_model),
        cmocka_unit_test(test_refuses_hybrid_model),
        cmocka_unit_test(test_refusal_names_seanet_int16),
        cmocka_unit_test(test_svdf_bias_refusals),
        cmocka_unit_test(test_loader_hostile_move),
        cmocka_unit_test(test_accepts_bias_quantized_dimension_as_tflm),
        cmocka_unit_test(test_refuses_subgraphs_and_bad_softmax_output),
        cmocka_unit_test(test_loader_rejects_every_truncation),
        cmocka_unit_test(test_loader_rejects_every_flipped_byte),
        cmocka_unit_test(test_loader_hostile_fields),
        cmocka_unit_test(test_loader_specific_errors),
        cmocka_unit_test(test_loader_rejects_wrapping_element_count),
        cmocka_unit_test(test_refuses_what_the_loader_refuses),
    };
    return cmocka_run_group_tests_name("models/convert", tests, NULL, NULL);
}
