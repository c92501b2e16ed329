/*
 * Tests of models/tflite.c and models/tflite_write.c: the MLPerf Tiny models in ../shared,
 * a model built by hand (so the file works without ../shared), round trips through the
 * writer, and hostile files: every truncation, pseudo-random mutations, crafted bad offsets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tflite.h"
#include "models/util.h"
#include "tests/testlib.h"

static const char *const shared_models[] = {
    "kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8",
};
#define NSHARED (sizeof shared_models / sizeof shared_models[0])

/* ================================================================ helpers */

/* Read <shared>/<rel> into *buf, or print why and skip the test when it is not there. */
static void load_shared(const char *rel, uint8_t **buf, size_t *len)
{
    *buf = ts_read_shared(rel, len);
    if (*buf == NULL) {
        ts_skip_message(rel);
        skip();
    }
}

static void load_model(const char *name, uint8_t **buf, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "models/%s.tflite", name);
    load_shared(rel, buf, len);
}

/* Decode an image held in an allocation of exactly len bytes, so ASan sees any over-read. */
static int read_exact(const uint8_t *img, size_t len, tfl_model *m, char **cause)
{
    uint8_t *copy = malloc(len != 0 ? len : 1);
    assert_non_null(copy);
    memcpy(copy, img, len);
    int rc = tfl_read(copy, len, m, cause);
    tfl_free(m);
    free(copy);
    return rc;
}

/* The decoded model must respect every invariant tflite.h promises. */
static void check_invariants(const tfl_model *m, const uint8_t *buf, size_t len)
{
    assert_non_null(m->description);
    assert_true(m->nsubgraphs >= 1);
    for (int i = 0; i < m->ntensors; i++) {
        const tfl_tensor *t = &m->tensors[i];
        assert_non_null(t->name);
        assert_in_range(t->ndims, 0, TFL_MAX_DIMS);
        for (int d = 0; d < t->ndims; d++)
            assert_true(t->dims[d] >= 0);
        if (t->data != NULL) {
            assert_true(t->data >= buf && t->data_size <= len &&
                        (size_t)(t->data - buf) <= len - t->data_size);
        } else {
            assert_int_equal(t->data_size, 0);
        }
        assert_true(t->nquant >= 0);
        if (t->nquant > 0)
            assert_true(t->scale != NULL && t->zero_point != NULL);
    }
    for (int i = 0; i < m->nops; i++) {
        const tfl_op *o = &m->ops[i];
        assert_in_range(o->opcode_index, 0, m->nopcodes - 1);
        assert_int_equal(o->builtin, m->opcode_builtin[o->opcode_index]);
        for (int k = 0; k < o->ninputs; k++)
            assert_true(o->inputs[k] >= -1 && o->inputs[k] < m->ntensors);
        for (int k = 0; k < o->noutputs; k++)
            assert_in_range(o->outputs[k], 0, m->ntensors - 1);
        if (o->custom_code != NULL)
            assert_true((const uint8_t *)o->custom_code >= buf &&
                        (const uint8_t *)o->custom_code < buf + len);
        if (o->opt.n_new_shape > 0)
            assert_true(o->opt.n_new_shape <= TFL_MAX_DIMS);
    }
    for (int k = 0; k < m->ninputs; k++)
        assert_in_range(m->inputs[k], 0, m->ntensors - 1);
    for (int k = 0; k < m->noutputs; k++)
        assert_in_range(m->outputs[k], 0, m->ntensors - 1);
}

static void assert_ints_equal(const int *a, int na, const int *b, int nb)
{
    assert_int_equal(na, nb);
    for (int i = 0; i < na; i++)
        assert_int_equal(a[i], b[i]);
}

static void assert_options_equal(const tfl_options *a, const tfl_options *b)
{
    assert_int_equal(a->padding, b->padding);
    assert_int_equal(a->stride_w, b->stride_w);
    assert_int_equal(a->stride_h, b->stride_h);
    assert_int_equal(a->dilation_w, b->dilation_w);
    assert_int_equal(a->dilation_h, b->dilation_h);
    assert_int_equal(a->depth_multiplier, b->depth_multiplier);
    assert_int_equal(a->filter_w, b->filter_w);
    assert_int_equal(a->filter_h, b->filter_h);
    assert_int_equal(a->fused_activation, b->fused_activation);
    assert_int_equal(a->weights_format, b->weights_format);
    assert_int_equal(a->keep_num_dims, b->keep_num_dims);
    assert_int_equal(a->axis, b->axis);
    assert_int_equal(a->keep_dims, b->keep_dims);
    assert_memory_equal(&a->beta, &b->beta, sizeof a->beta);
    assert_int_equal(a->n_new_shape, b->n_new_shape);
    for (int d = 0; d < a->n_new_shape; d++)
        assert_int_equal(a->new_shape[d], b->new_shape[d]);
}

/* Field-by-field equality of two models (tensor data compared by content). */
static void assert_models_equal(const tfl_model *a, const tfl_model *b)
{
    assert_int_equal(a->version, b->version);
    assert_string_equal(a->description, b->description);
    assert_int_equal(a->nsubgraphs, b->nsubgraphs);
    assert_int_equal(a->ntensors, b->ntensors);
    for (int i = 0; i < a->ntensors; i++) {
        const tfl_tensor *x = &a->tensors[i], *y = &b->tensors[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->ndims, y->ndims);
        for (int d = 0; d < x->ndims; d++)
            assert_int_equal(x->dims[d], y->dims[d]);
        assert_int_equal(x->data_size, y->data_size);
        assert_int_equal(x->data == NULL, y->data == NULL);
        if (x->data_size > 0)
            assert_memory_equal(x->data, y->data, x->data_size);
        assert_int_equal(x->nquant, y->nquant);
        if (x->nquant > 0) {
            assert_memory_equal(x->scale, y->scale, sizeof(float) * (size_t)x->nquant);
            assert_memory_equal(x->zero_point, y->zero_point,
                                sizeof(int64_t) * (size_t)x->nquant);
        }
        assert_int_equal(x->quant_dim, y->quant_dim);
        assert_int_equal(x->is_variable, y->is_variable);
    }
    assert_int_equal(a->nops, b->nops);
    for (int i = 0; i < a->nops; i++) {
        const tfl_op *x = &a->ops[i], *y = &b->ops[i];
        assert_int_equal(x->opcode_index, y->opcode_index);
        assert_int_equal(x->builtin, y->builtin);
        assert_int_equal(x->version, y->version);
        assert_int_equal(x->custom_code == NULL, y->custom_code == NULL);
        if (x->custom_code != NULL)
            assert_string_equal(x->custom_code, y->custom_code);
        assert_ints_equal(x->inputs, x->ninputs, y->inputs, y->ninputs);
        assert_ints_equal(x->outputs, x->noutputs, y->outputs, y->noutputs);
        assert_int_equal(x->has_options, y->has_options);
        assert_options_equal(&x->opt, &y->opt);
    }
    assert_ints_equal(a->inputs, a->ninputs, b->inputs, b->ninputs);
    assert_ints_equal(a->outputs, a->noutputs, b->outputs, b->noutputs);
    assert_ints_equal(a->opcode_builtin, a->nopcodes, b->opcode_builtin, b->nopcodes);
}

/* ================================================================ a model built by hand */

static const int8_t conv_w[4 * 3 * 3 * 2] = { 1, -2, 3, -4, 5, -6, 7, -8, 9, 10, 11, 12 };
static const int32_t conv_b[4] = { 100, -200, 300, -400 };
static const int8_t dw_w[1 * 3 * 3 * 4] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2 };
static const int32_t reshape_shape[2] = { 1, 16 };
static const int8_t fc_w[3 * 16] = { 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89 };
static const int32_t mean_axes[2] = { 1, 2 };

/* Comma-separated integers to a malloc'd array. */
static int *int_list(const char *s, int *n)
{
    int *v = calloc(16, sizeof *v);
    char *end;
    assert_non_null(v);
    *n = 0;
    while (*s != '\0') {
        v[(*n)++] = (int)strtol(s, &end, 10);
        s = *end == ',' ? end + 1 : end;
    }
    return v;
}

/* Append a tensor with dims "1x8x8x2" and optional constant data. */
static tfl_tensor *add_tensor(tfl_model *m, const char *name, int type, const char *dims,
                              const void *data, size_t size)
{
    tfl_tensor *t = &m->tensors[m->ntensors++];
    char *end;
    t->name = strdup(name);
    t->type = type;
    while (*dims != '\0') {
        t->dims[t->ndims++] = (int32_t)strtol(dims, &end, 10);
        dims = *end == 'x' ? end + 1 : end;
    }
    t->data = data;
    t->data_size = size;
    return t;
}

/* n scales base, 2*base, ... and zero points zp, zp+1, ... along quantized dimension qd. */
static void add_quant(tfl_tensor *t, int n, float base, int64_t zp, int qd)
{
    t->nquant = n;
    t->scale = calloc((size_t)n, sizeof *t->scale);
    t->zero_point = calloc((size_t)n, sizeof *t->zero_point);
    assert_true(t->scale != NULL && t->zero_point != NULL);
    for (int i = 0; i < n; i++) {
        t->scale[i] = base * (float)(i + 1);
        t->zero_point[i] = zp + i;
    }
    t->quant_dim = qd;
}

static tfl_op *add_op(tfl_model *m, int opcode, int version, const char *in, const char *out)
{
    tfl_op *o = &m->ops[m->nops++];
    o->opcode_index = opcode;
    o->builtin = m->opcode_builtin[opcode];
    o->version = version;
    o->inputs = int_list(in, &o->ninputs);
    o->outputs = int_list(out, &o->noutputs);
    if (tfl_options_type(o->builtin) == TFL_OPT_CONV2D ||
        tfl_options_type(o->builtin) == TFL_OPT_DWCONV2D)
        o->opt.dilation_w = o->opt.dilation_h = 1;
    if (tfl_options_type(o->builtin) == TFL_OPT_RESHAPE)
        o->opt.n_new_shape = -1;
    return o;
}

/*
 * Every option kind, an omitted optional input, per-channel quantization on two different
 * dimensions, a custom op, an op without options, and unused operator codes (one past 127,
 * one unknown to the schema). Freed with tfl_free (tensor data and custom_code are static).
 */
static void build_model(tfl_model *m)
{
    static const int codes[] = {
        TFL_OP_CONV_2D, TFL_OP_DEPTHWISE_CONV_2D, TFL_OP_MAX_POOL_2D, TFL_OP_RESHAPE,
        TFL_OP_FULLY_CONNECTED, TFL_OP_SOFTMAX, TFL_OP_CONCATENATION, TFL_OP_ADD, TFL_OP_MUL,
        TFL_OP_MEAN, TFL_OP_CUSTOM, TFL_OP_QUANTIZE, 150 /* GELU */, 300, TFL_OP_AVERAGE_POOL_2D,
    };
    tfl_op *o;
    tfl_tensor *t;
    memset(m, 0, sizeof *m);
    m->version = 3;
    m->nsubgraphs = 1;
    m->description = strdup("tinysim test model");
    m->nopcodes = (int)(sizeof codes / sizeof codes[0]);
    m->opcode_builtin = malloc(sizeof codes);
    memcpy(m->opcode_builtin, codes, sizeof codes);
    m->tensors = calloc(32, sizeof *m->tensors);
    m->ops = calloc(16, sizeof *m->ops);
    assert_true(m->description && m->opcode_builtin && m->tensors && m->ops);

    add_quant(add_tensor(m, "input", TFL_INT8, "1x8x8x2", NULL, 0), 1, 0.5f, -1, 0);
    add_quant(add_tensor(m, "conv/w", TFL_INT8, "4x3x3x2", conv_w, sizeof conv_w), 4, 0.01f,
              0, 0);
    add_quant(add_tensor(m, "conv/b", TFL_INT32, "4", conv_b, sizeof conv_b), 4, 0.005f, 0, 0);
    add_quant(add_tensor(m, "conv/out", TFL_INT8, "1x6x6x4", NULL, 0), 1, 0.25f, -128, 0);
    add_quant(add_tensor(m, "dw/w", TFL_INT8, "1x3x3x4", dw_w, sizeof dw_w), 4, 0.02f, 0, 3);
    add_quant(add_tensor(m, "dw/out", TFL_INT8, "1x4x4x4", NULL, 0), 1, 0.125f, 5, 0);
    add_tensor(m, "pool/out", TFL_INT8, "1x2x2x4", NULL, 0);
    add_tensor(m, "reshape/shape", TFL_INT32, "2", reshape_shape, sizeof reshape_shape);
    add_tensor(m, "reshape/out", TFL_INT8, "1x16", NULL, 0);
    add_quant(add_tensor(m, "fc/w", TFL_INT8, "3x16", fc_w, sizeof fc_w), 1, 0.03f, 0, 0);
    add_tensor(m, "fc/out", TFL_INT8, "1x3", NULL, 0);
    add_tensor(m, "softmax/out", TFL_INT8, "1x3", NULL, 0);
    add_tensor(m, "concat/out", TFL_INT8, "1x6", NULL, 0);
    add_tensor(m, "add/out", TFL_INT8, "1x6", NULL, 0);
    add_tensor(m, "mul/out", TFL_INT8, "1x6", NULL, 0);
    add_tensor(m, "mean/axes", TFL_INT32, "2", mean_axes, sizeof mean_axes);
    add_tensor(m, "mean/out", TFL_INT8, "1x1x1x6", NULL, 0);
    add_tensor(m, "custom/out", TFL_FLOAT32, "6", NULL, 0);
    add_tensor(m, "quantize/out", TFL_INT8, "6", NULL, 0);
    t = add_tensor(m, "state \x01 with a byte to escape", TFL_INT16, "", NULL, 0);
    t->is_variable = 1;
    add_tensor(m, "reshape2/out", TFL_INT8, "6", NULL, 0);
    add_tensor(m, "avgpool/out", TFL_INT8, "1x1x1x4", NULL, 0);
    add_tensor(m, "", TFL_INT8, "1", NULL, 0);

    o = add_op(m, 0, 3, "0,1,2", "3");
    o->has_options = 1;
    o->opt.padding = TFL_PAD_VALID, o->opt.stride_w = 1, o->opt.stride_h = 2;
    o->opt.dilation_w = 2, o->opt.dilation_h = 1, o->opt.fused_activation = 3;
    o = add_op(m, 1, 2, "3,4,-1", "5");
    o->has_options = 1;
    o->opt.padding = TFL_PAD_SAME, o->opt.stride_w = 2, o->opt.stride_h = 2;
    o->opt.depth_multiplier = 1, o->opt.fused_activation = 1;
    o = add_op(m, 2, 1, "5", "6");
    o->has_options = 1;
    o->opt.padding = TFL_PAD_VALID, o->opt.stride_w = o->opt.stride_h = 2;
    o->opt.filter_w = 2, o->opt.filter_h = 3;
    o = add_op(m, 3, 1, "6,7", "8");
    o->has_options = 1;
    o->opt.n_new_shape = 2, o->opt.new_shape[0] = 1, o->opt.new_shape[1] = -1;
    o = add_op(m, 4, 5, "8,9,-1", "10");
    o->has_options = 1;
    o->opt.keep_num_dims = 1, o->opt.fused_activation = 0, o->opt.weights_format = 0;
    o = add_op(m, 5, 1, "10", "11");
    o->has_options = 1;
    o->opt.beta = 0.5f;
    o = add_op(m, 6, 1, "10,11", "12");
    o->has_options = 1;
    o->opt.axis = -1, o->opt.fused_activation = 0;
    o = add_op(m, 7, 1, "12,12", "13");
    o->has_options = 1;
    o->opt.fused_activation = 1;
    o = add_op(m, 8, 1, "13,13", "14");
    o->has_options = 1;
    o->opt.fused_activation = 3;
    o = add_op(m, 9, 2, "14,15", "16");
    o->has_options = 1;
    o->opt.keep_dims = 1;
    o = add_op(m, 10, 1, "16", "17");
    o->custom_code = "TinysimTestOp";
    add_op(m, 11, 1, "17", "18");
    add_op(m, 3, 1, "18", "20");               /* RESHAPE without options */
    o = add_op(m, 3, 1, "20,7", "21");         /* RESHAPE with an empty new_shape */
    o->has_options = 1;
    o->opt.n_new_shape = 0;
    add_op(m, 14, 1, "6", "22");               /* AVERAGE_POOL_2D without options */

    m->inputs = int_list("0", &m->ninputs);
    m->outputs = int_list("18,21", &m->noutputs);
}

/* tfl_write of the hand-built model; the caller frees *img. */
static void write_built(uint8_t **img, size_t *len)
{
    tfl_model m;
    char *cause = NULL;
    build_model(&m);
    int rc = tfl_write(&m, img, len, &cause);
    if (rc != 0)
        fail_msg("tfl_write: %s", cause);
    tfl_free(&m);
}

/* ================================================================ FlatBuffers navigation */

/* Just enough FlatBuffers walking to find fields to corrupt in a known-good image. */
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static size_t vtable_of(const uint8_t *b, size_t table)
{
    return (size_t)((int64_t)table - (int32_t)get32(b + table));
}

/* Position of field id of the table at `table` (asserting it is present). */
static size_t field(const uint8_t *b, size_t table, unsigned id)
{
    size_t vt = vtable_of(b, table);
    assert_true(4 + 2 * id < get16(b + vt));
    unsigned fo = get16(b + vt + 4 + 2 * id);
    assert_true(fo != 0);
    return table + fo;
}

static size_t deref(const uint8_t *b, size_t pos)
{
    return pos + get32(b + pos);
}

static size_t child(const uint8_t *b, size_t table, unsigned id)
{
    return deref(b, field(b, table, id));
}

static size_t elem(const uint8_t *b, size_t vec, size_t i)
{
    return deref(b, vec + 4 + 4 * i);
}

static size_t model_table(const uint8_t *b)
{
    return get32(b);
}

static size_t subgraph0(const uint8_t *b)
{
    return elem(b, child(b, model_table(b), 2), 0);
}

static size_t tensor_table(const uint8_t *b, size_t i)
{
    return elem(b, child(b, subgraph0(b), 0), i);
}

static size_t op_table(const uint8_t *b, size_t i)
{
    return elem(b, child(b, subgraph0(b), 3), i);
}

/* tfl_read on img must fail with a message containing each of the given pieces. */
static void expect_failure(const uint8_t *img, size_t len, const char *piece1,
                           const char *piece2)
{
    tfl_model m;
    char *cause = NULL;
    int rc = read_exact(img, len, &m, &cause);
    if (rc != -1 || cause == NULL || strstr(cause, piece1) == NULL ||
        (piece2 != NULL && strstr(cause, piece2) == NULL)) {
        printf("rc %d, message \"%s\", expected \"%s\" / \"%s\"\n", rc,
               cause != NULL ? cause : "(null)", piece1, piece2 != NULL ? piece2 : "");
        free(cause);
        fail();
    }
    free(cause);
}

/* ================================================================ tests: names */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tfl_op_name(TFL_OP_ADD), "ADD");
    assert_string_equal(tfl_op_name(TFL_OP_CONV_2D), "CONV_2D");
    assert_string_equal(tfl_op_name(TFL_OP_DEPTHWISE_CONV_2D), "DEPTHWISE_CONV_2D");
    assert_string_equal(tfl_op_name(TFL_OP_SOFTMAX), "SOFTMAX");
    assert_string_equal(tfl_op_name(TFL_OP_CUSTOM), "CUSTOM");
    assert_string_equal(tfl_op_name(TFL_OP_MEAN), "MEAN");
    assert_string_equal(tfl_op_name(TFL_OP_QUANTIZE), "QUANTIZE");
    assert_string_equal(tfl_op_name(127), "PLACEHOLDER_FOR_GREATER_OP_CODES");
    assert_string_equal(tfl_op_name(150), "GELU");
    assert_string_equal(tfl_op_name(160), "BITWISE_XOR");
    assert_string_equal(tfl_op_name(-1), "UNKNOWN");
    assert_string_equal(tfl_op_name(100000), "UNKNOWN");
    for (int i = 0; i <= 160; i++)
        assert_string_not_equal(tfl_op_name(i), "UNKNOWN");
    assert_string_equal(tfl_type_name(TFL_INT8), "INT8");
    assert_string_equal(tfl_type_name(TFL_FLOAT32), "FLOAT32");
    assert_string_equal(tfl_type_name(TFL_INT4), "INT4");
    assert_string_equal(tfl_type_name(-3), "UNKNOWN");
    assert_string_equal(tfl_type_name(99), "UNKNOWN");
    assert_int_equal(tfl_options_type(TFL_OP_AVERAGE_POOL_2D), TFL_OPT_POOL2D);
    assert_int_equal(tfl_options_type(TFL_OP_MAX_POOL_2D), TFL_OPT_POOL2D);
    assert_int_equal(tfl_options_type(TFL_OP_QUANTIZE), TFL_OPT_NONE);
}

/* ================================================================ tests: real models */

/*
 * Every shared model parses, and agrees with its golden manifest: the input and output
 * tensors (type, dims, scale, zero point) and, per op, its name and output tensor.
 */
static void test_shared_models_match_manifests(void **state)
{
    (void)state;
    for (size_t k = 0; k < NSHARED; k++) {
        uint8_t *buf, *man;
        size_t len = 0, mlen = 0;
        char rel[256], *cause = NULL;
        tfl_model m;
        load_model(shared_models[k], &buf, &len);
        snprintf(rel, sizeof rel, "golden/%s/manifest.txt", shared_models[k]);
        load_shared(rel, &man, &mlen);
        if (tfl_read(buf, len, &m, &cause) != 0)
            fail_msg("%s: %s", shared_models[k], cause);
        check_invariants(&m, buf, len);
        assert_int_equal(m.version, 3);
        assert_int_equal(m.nsubgraphs, 1);
        assert_int_equal(m.ninputs, 1);
        assert_int_equal(m.noutputs, 1);

        char *text = malloc(mlen + 1);
        assert_non_null(text);
        memcpy(text, man, mlen);
        text[mlen] = '\0';
        int nlayers = 0;
        for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
            char which[8], dims[64], opname[64];
            int type, bytes, opi, oti, zp;
            float scale;
            if (sscanf(line, "%7[a-z]: type=%d bytes=%d dims=%63s scale=%f zero_point=%d",
                       which, &type, &bytes, dims, &scale, &zp) == 6) {
                int ti = strcmp(which, "input") == 0 ? m.inputs[0] : m.outputs[0];
                const tfl_tensor *t = &m.tensors[ti];
                char got[64] = "";
                for (int d = 0; d < t->ndims; d++)
                    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d",
                             d > 0 ? "x" : "", (int)t->dims[d]);
                assert_string_equal(got, dims);
                assert_int_equal(t->type, type);
                assert_int_equal(t->nquant, 1);
                assert_true(fabsf(t->scale[0] - scale) <= 1e-6f * scale);
                assert_int_equal(t->zero_point[0], zp);
            } else if (sscanf(line, "layers_%*[^/]/op_%*d_%63[A-Z0-9_].bin: op %d output "
                              "tensor %d", opname, &opi, &oti) == 3) {
                assert_in_range(opi, 0, m.nops - 1);
                assert_string_equal(tfl_op_name(m.ops[opi].builtin), opname);
                assert_int_equal(m.ops[opi].outputs[0], oti);
                nlayers++;
            }
        }
        assert_int_equal(nlayers, m.nops);
        free(text);
        tfl_free(&m);
        free(man);
        free(buf);
    }
}

/* The KWS model in detail: ops, options, shapes, quantization, names, constant data. */
static void test_kws_details(void **state)
{
    static const int ops[13] = {
        TFL_OP_CONV_2D, TFL_OP_DEPTHWISE_CONV_2D, TFL_OP_CONV_2D, TFL_OP_DEPTHWISE_CONV_2D,
        TFL_OP_CONV_2D, TFL_OP_DEPTHWISE_CONV_2D, TFL_OP_CONV_2D, TFL_OP_DEPTHWISE_CONV_2D,
        TFL_OP_CONV_2D, TFL_OP_AVERAGE_POOL_2D, TFL_OP_RESHAPE, TFL_OP_FULLY_CONNECTED,
        TFL_OP_SOFTMAX,
    };
    uint8_t *buf;
    size_t len;
    char *cause = NULL;
    tfl_model m;
    (void)state;
    load_model("kws_ref_model", &buf, &len);
    assert_int_equal(len, 53936);
    if (tfl_read(buf, len, &m, &cause) != 0)
        fail_msg("%s", cause);
    assert_string_equal(m.description, "MLIR Converted.");
    assert_int_equal(m.ntensors, 35);
    assert_int_equal(m.nops, 13);
    assert_int_equal(m.nopcodes, 6);
    for (int i = 0; i < 13; i++) {
        assert_int_equal(m.ops[i].builtin, ops[i]);
        assert_int_equal(m.ops[i].outputs[0], 22 + i);
        assert_int_equal(m.ops[i].noutputs, 1);
        assert_null(m.ops[i].custom_code);
    }

    const tfl_tensor *in = &m.tensors[m.inputs[0]];
    assert_int_equal(m.inputs[0], 0);
    assert_string_equal(in->name, "input_1");
    assert_int_equal(in->type, TFL_INT8);
    assert_int_equal(in->ndims, 4);
    assert_int_equal(in->dims[0], 1);
    assert_int_equal(in->dims[1], 49);
    assert_int_equal(in->dims[2], 10);
    assert_int_equal(in->dims[3], 1);
    assert_float_equal(in->scale[0], 0.584702909f, 1e-9);
    assert_int_equal(in->zero_point[0], 83);
    assert_null(in->data);
    const tfl_tensor *out = &m.tensors[m.outputs[0]];
    assert_int_equal(m.outputs[0], 34);
    assert_string_equal(out->name, "Identity");
    assert_int_equal(out->type, TFL_INT8);
    assert_int_equal(out->ndims, 2);
    assert_int_equal(out->dims[1], 12);
    assert_float_equal(out->scale[0], 0.00390625f, 0);
    assert_int_equal(out->zero_point[0], -128);

    /* op 0: CONV_2D 10x4 stride 2, SAME, RELU, per-output-channel weights */
    const tfl_op *c = &m.ops[0];
    assert_int_equal(c->version, 3);
    assert_ints_equal(c->inputs, c->ninputs, (const int[]){ 0, 17, 3 }, 3);
    assert_int_equal(c->has_options, 1);
    assert_int_equal(c->opt.padding, TFL_PAD_SAME);
    assert_int_equal(c->opt.stride_w, 2);
    assert_int_equal(c->opt.stride_h, 2);
    assert_int_equal(c->opt.dilation_w, 1);
    assert_int_equal(c->opt.dilation_h, 1);
    assert_int_equal(c->opt.fused_activation, 1);
    const tfl_tensor *w = &m.tensors[17];
    assert_int_equal(w->type, TFL_INT8);
    assert_int_equal(w->ndims, 4);
    assert_int_equal(w->dims[0], 64);
    assert_int_equal(w->dims[1], 10);
    assert_int_equal(w->dims[2], 4);
    assert_int_equal(w->dims[3], 1);
    assert_int_equal(w->data_size, 2560);
    assert_true(w->data > buf && w->data + w->data_size <= buf + len);
    assert_int_equal(w->nquant, 64);
    assert_int_equal(w->quant_dim, 0);
    assert_int_equal(m.tensors[3].type, TFL_INT32);
    assert_int_equal(m.tensors[3].nquant, 64);
    assert_int_equal(m.tensors[3].data_size, 256);
    assert_int_equal(m.tensors[22].ndims, 4);
    assert_int_equal(m.tensors[22].dims[1], 25);
    assert_int_equal(m.tensors[22].dims[2], 5);
    assert_int_equal(m.tensors[22].dims[3], 64);

    /* op 1: DEPTHWISE_CONV_2D 3x3, multiplier 1, weights per channel on dimension 3 */
    const tfl_op *d = &m.ops[1];
    assert_int_equal(d->has_options, 1);
    assert_int_equal(d->opt.depth_multiplier, 1);
    assert_int_equal(d->opt.stride_w, 1);
    assert_int_equal(d->opt.padding, TFL_PAD_SAME);
    assert_int_equal(d->opt.fused_activation, 1);
    assert_int_equal(d->opt.dilation_w, 1);
    assert_int_equal(m.tensors[d->inputs[1]].quant_dim, 3);
    assert_int_equal(m.tensors[d->inputs[1]].nquant, 64);

    /* op 9: AVERAGE_POOL_2D over the whole 25x5 map */
    const tfl_op *p = &m.ops[9];
    assert_int_equal(p->version, 2);
    assert_int_equal(p->opt.padding, TFL_PAD_VALID);
    assert_int_equal(p->opt.filter_w, 5);
    assert_int_equal(p->opt.filter_h, 25);
    assert_int_equal(p->opt.stride_w, 5);
    assert_int_equal(p->opt.stride_h, 25);
    assert_int_equal(p->opt.fused_activation, 0);

    /* op 10: RESHAPE takes its shape from a constant tensor, no options table */
    const tfl_op *r = &m.ops[10];
    assert_int_equal(r->has_options, 0);
    assert_int_equal(r->opt.n_new_shape, -1);
    assert_int_equal(r->ninputs, 2);
    const tfl_tensor *shape = &m.tensors[r->inputs[1]];
    assert_int_equal(shape->type, TFL_INT32);
    assert_int_equal(shape->data_size, 8);
    int32_t sv[2];
    memcpy(sv, shape->data, 8);
    assert_int_equal(sv[0], -1);  /* little-endian host */
    assert_int_equal(sv[1], 64);

    /* op 11: FULLY_CONNECTED, op 12: SOFTMAX */
    const tfl_op *f = &m.ops[11];
    assert_int_equal(f->version, 4);
    assert_int_equal(f->has_options, 1);
    assert_int_equal(f->opt.weights_format, 0);
    assert_int_equal(f->opt.keep_num_dims, 0);
    assert_int_equal(f->opt.fused_activation, 0);
    assert_int_equal(m.tensors[f->inputs[1]].dims[0], 12);
    assert_int_equal(m.tensors[f->inputs[1]].dims[1], 64);
    assert_int_equal(m.ops[12].has_options, 1);
    assert_float_equal(m.ops[12].opt.beta, 1.0, 0);

    tfl_free(&m);
    tfl_free(&m);   /* harmless on a zeroed model */
    free(buf);
}

/*
 * read -> write -> read gives the same model; writing is deterministic and idempotent;
 * buffer data sits on 16-byte boundaries of the image; buffer 0 is empty.
 */
static void roundtrip(const uint8_t *buf, size_t len, const char *what)
{
    tfl_model a, b, c;
    uint8_t *img, *img2;
    size_t ilen, ilen2;
    char *cause = NULL;
    if (tfl_read(buf, len, &a, &cause) != 0)
        fail_msg("%s: %s", what, cause);
    if (tfl_write(&a, &img, &ilen, &cause) != 0)
        fail_msg("%s: tfl_write: %s", what, cause);
    assert_memory_equal(img + 4, "TFL3", 4);
    if (tfl_read(img, ilen, &b, &cause) != 0)
        fail_msg("%s: re-reading the written image: %s", what, cause);
    check_invariants(&b, img, ilen);
    assert_models_equal(&a, &b);
    for (int i = 0; i < b.ntensors; i++)
        if (b.tensors[i].data != NULL)
            assert_int_equal((size_t)(b.tensors[i].data - img) % 16, 0);
    size_t buf0 = elem(img, child(img, model_table(img), 4), 0);
    assert_true(get16(img + vtable_of(img, buf0)) <= 4);   /* no fields at all */

    if (tfl_write(&b, &img2, &ilen2, &cause) != 0)
        fail_msg("%s: second tfl_write: %s", what, cause);
    assert_int_equal(ilen, ilen2);
    assert_memory_equal(img, img2, ilen);
    if (tfl_read(img2, ilen2, &c, &cause) != 0)
        fail_msg("%s: %s", what, cause);
    assert_models_equal(&a, &c);
    tfl_free(&a);
    tfl_free(&b);
    tfl_free(&c);
    free(img);
    free(img2);
}

static void test_roundtrip_shared(void **state)
{
    (void)state;
    for (size_t k = 0; k < NSHARED; k++) {
        uint8_t *buf;
        size_t len;
        load_model(shared_models[k], &buf, &len);
        roundtrip(buf, len, shared_models[k]);
        free(buf);
    }
}

/* ================================================================ tests: hand-built model */

static void test_built_model_reads_back(void **state)
{
    tfl_model want, got;
    uint8_t *img;
    size_t len;
    char *cause = NULL;
    (void)state;
    build_model(&want);
    if (tfl_write(&want, &img, &len, &cause) != 0)
        fail_msg("tfl_write: %s", cause);
    if (tfl_read(img, len, &got, &cause) != 0)
        fail_msg("tfl_read: %s", cause);
    check_invariants(&got, img, len);
    assert_models_equal(&want, &got);
    /* points the test relies on, spelled out */
    assert_int_equal(got.ops[1].inputs[2], -1);
    assert_int_equal(got.ops[3].opt.n_new_shape, 2);
    assert_int_equal(got.ops[3].opt.new_shape[1], -1);
    assert_int_equal(got.ops[12].has_options, 0);
    assert_int_equal(got.ops[12].opt.n_new_shape, -1);
    assert_int_equal(got.ops[13].has_options, 1);
    assert_int_equal(got.ops[13].opt.n_new_shape, 0);
    assert_string_equal(got.ops[10].custom_code, "TinysimTestOp");
    assert_int_equal(got.opcode_builtin[12], 150);
    assert_int_equal(got.opcode_builtin[13], 300);
    assert_string_equal(tfl_op_name(got.opcode_builtin[13]), "UNKNOWN");
    assert_int_equal(got.tensors[19].ndims, 0);
    assert_int_equal(got.tensors[19].is_variable, 1);
    assert_int_equal(got.tensors[4].quant_dim, 3);
    assert_string_equal(got.tensors[22].name, "");
    tfl_free(&got);
    tfl_free(&want);
    roundtrip(img, len, "hand-built model");
    free(img);
}

/* tfl_write refuses models it cannot write faithfully, with a message. */
static void test_write_refuses_bad_models(void **state)
{
    tfl_model m;
    uint8_t *img = NULL;
    size_t len = 0;
    char *cause = NULL;
    (void)state;

    build_model(&m);
    m.ops[0].inputs[1] = m.ntensors;
    assert_int_equal(tfl_write(&m, &img, &len, &cause), -1);
    assert_non_null(strstr(cause, "operator 0 (CONV_2D): input 1"));
    free(cause);
    m.ops[0].inputs[1] = 1;
    m.ops[2].builtin = TFL_OP_AVERAGE_POOL_2D;   /* its opcode says MAX_POOL_2D */
    assert_int_equal(tfl_write(&m, &img, &len, &cause), -1);
    assert_non_null(strstr(cause, "does not match its operator code"));
    free(cause);
    m.ops[2].builtin = TFL_OP_MAX_POOL_2D;
    m.ops[11].has_options = 1;                  /* QUANTIZE: no options tfl_options holds */
    assert_int_equal(tfl_write(&m, &img, &len, &cause), -1);
    assert_non_null(strstr(cause, "has_options"));
    free(cause);
    m.ops[11].has_options = 0;
    m.tensors[1].quant_dim = -1;
    assert_int_equal(tfl_write(&m, &img, &len, &cause), -1);
    assert_non_null(strstr(cause, "tensor 1: quantized dimension -1 is negative"));
    free(cause);
    m.tensors[1].quant_dim = 0;
    m.outputs[0] = -1;
    assert_int_equal(tfl_write(&m, &img, &len, &cause), -1);
    assert_non_null(strstr(cause, "subgraph output"));
    free(cause);
    m.outputs[0] = 18;
    assert_int_equal(tfl_write(&m, &img, &len, &cause), 0);
    assert_null(cause);
    free(img);
    tfl_free(&m);
}

/* ================================================================ tests: hostile files */

/* Every proper prefix of an image is refused with a message (and frees what it allocated). */
static void truncations(const uint8_t *img, size_t len, const char *what)
{
    for (size_t n = 0; n < len; n++) {
        tfl_model m;
        char *cause = NULL;
        int rc = read_exact(img, n, &m, &cause);
        if (rc != -1 || cause == NULL || cause[0] == '\0')
            fail_msg("%s truncated to %zu of %zu bytes: rc %d, no message", what, n, len, rc);
        free(cause);
    }
}

static void test_truncation_built(void **state)
{
    uint8_t *img;
    size_t len;
    (void)state;
    write_built(&img, &len);
    truncations(img, len, "hand-built model");
    free(img);
}

static void test_truncation_kws(void **state)
{
    uint8_t *buf;
    size_t len;
    tfl_model m;
    char *cause = NULL;
    (void)state;
    load_model("kws_ref_model", &buf, &len);
    truncations(buf, len, "kws_ref_model");
    /* what the message for a cut file looks like */
    assert_int_equal(read_exact(buf, len - 1, &m, &cause), -1);
    assert_non_null(strstr(cause, "extends past end of file (size 53935)"));
    free(cause);
    free(buf);
}

static uint32_t xorshift32(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/*
 * iters mutants of img, each with 1..4 corruptions: a flipped byte, a 16- or 32-bit value
 * (small, huge, negative, near the file size) written at a random offset, or a block
 * copied from elsewhere. Most positions are taken outside tensor data, where the structure
 * is. Each mutant must decode (then satisfy the invariants) or fail with a message.
 */
static void mutate(const uint8_t *img, size_t len, int iters, uint32_t seed, const char *what)
{
    tfl_model m;
    char *cause = NULL;
    uint8_t *in_data = calloc(len, 1);
    size_t *structure = malloc(len * sizeof *structure), nstruct = 0;
    int ok = 0, bad = 0;
    assert_true(in_data != NULL && structure != NULL);
    if (tfl_read(img, len, &m, &cause) != 0)
        fail_msg("%s: %s", what, cause);
    for (int i = 0; i < m.ntensors; i++)
        if (m.tensors[i].data != NULL)
            memset(in_data + (m.tensors[i].data - img), 1, m.tensors[i].data_size);
    tfl_free(&m);
    for (size_t i = 0; i < len; i++)
        if (!in_data[i])
            structure[nstruct++] = i;

    for (int it = 0; it < iters; it++) {
        uint8_t *mut = malloc(len);
        assert_non_null(mut);
        memcpy(mut, img, len);
        int n = 1 + (int)(xorshift32(&seed) % 4);
        for (int k = 0; k < n; k++) {
            uint32_t r = xorshift32(&seed);
            size_t pos = r % 8 != 0 ? structure[xorshift32(&seed) % nstruct]
                                    : xorshift32(&seed) % len;
            uint32_t values[] = { 0, 1, 4, 0xffffffffu, 0x7fffffffu, 0x80000000u,
                                  (uint32_t)len, (uint32_t)len - 4, xorshift32(&seed) % 64,
                                  (uint32_t)-(int32_t)(xorshift32(&seed) % 64),
                                  xorshift32(&seed) };
            uint32_t v = values[xorshift32(&seed) % (sizeof values / sizeof values[0])];
            switch ((r >> 8) % 4) {
            case 0:
                mut[pos] ^= (uint8_t)(1 + xorshift32(&seed) % 255);
                break;
            case 1:
                if (pos + 4 <= len)
                    put32(mut + pos, v);
                break;
            case 2:
                if (pos + 2 <= len)
                    put16(mut + pos, v);
                break;
            default: {
                size_t from = xorshift32(&seed) % len, cnt = 1 + xorshift32(&seed) % 16;
                if (pos + cnt <= len && from + cnt <= len)
                    memmove(mut + pos, img + from, cnt);
                break;
            }
            }
        }
        int rc = tfl_read(mut, len, &m, &cause);   /* mut is exactly len bytes: ASan sees */
        if (rc == 0) {
            check_invariants(&m, mut, len);
            tfl_free(&m);
            ok++;
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(cause);
            assert_true(cause[0] != '\0');
            free(cause);
            bad++;
        }
        free(mut);
    }
    printf("  %s: %d mutants decoded, %d refused\n", what, ok, bad);
    assert_true(bad > iters / 10);   /* the corruptions do reach the structure */
    free(in_data);
    free(structure);
}

static void test_mutations_built(void **state)
{
    uint8_t *img;
    size_t len;
    (void)state;
    write_built(&img, &len);
    mutate(img, len, 20000, 12345u, "hand-built model");
    free(img);
}

static void test_mutations_shared(void **state)
{
    (void)state;
    for (size_t k = 0; k < NSHARED; k++) {
        uint8_t *buf;
        size_t len;
        load_model(shared_models[k], &buf, &len);
        mutate(buf, len, k == 0 ? 10000 : 2000, 777u + (uint32_t)k, shared_models[k]);
        free(buf);
    }
}

/* Each crafted corruption of the hand-built image, refused with the right message. */
static void test_hostile_cases(void **state)
{
    uint8_t *img, *b;
    size_t len;
    (void)state;
    write_built(&img, &len);
    b = malloc(len);
    assert_non_null(b);
#define FRESH() memcpy(b, img, len)

    FRESH();                                     /* wrong file identifier */
    put32(b + 4, get32((const uint8_t *)"TFL2"));
    expect_failure(b, len, "file identifier", "TFL2");
    FRESH();
    expect_failure(b, 7, "too short", NULL);

    FRESH();                                     /* root uoffset past the end */
    put32(b, (uint32_t)len + 100);
    expect_failure(b, len, "root table offset", "past end of file");
    FRESH();                                     /* a uoffset past the end */
    put32(b + field(b, model_table(b), 2), 0x7ffffff0u);
    expect_failure(b, len, "subgraphs offset", "past end of file");
    FRESH();                                     /* a uoffset of 0 */
    put32(b + field(b, subgraph0(b), 0), 0);
    expect_failure(b, len, "subgraph 0: tensors offset 0", NULL);

    FRESH();                                     /* vtable offsets out of range */
    put32(b + subgraph0(b), 0x7fffffffu);
    expect_failure(b, len, "subgraph 0: subgraph table at byte 0x", "vtable offset");
    FRESH();
    put32(b + subgraph0(b), (uint32_t)-0x7fffffff);
    expect_failure(b, len, "vtable offset -2147483647 points past end of file", NULL);
    FRESH();                                     /* vtable size absurd */
    put16(b + vtable_of(b, tensor_table(b, 0)), 0xfffe);
    expect_failure(b, len, "tensor 0: tensor table at byte", "invalid size 65534");
    FRESH();                                     /* a field beyond the table's size */
    put16(b + vtable_of(b, tensor_table(b, 0)) + 4, 0xfff0);
    expect_failure(b, len, "tensor 0 (input): field shape at offset 65520", "outside");

    FRESH();                                     /* huge vector lengths */
    put32(b + child(b, tensor_table(b, 0), 0), 0x7fffffffu);
    expect_failure(b, len, "tensor 0 (input): shape vector at byte 0x",
                   "(2147483647 elements) extends past end of file (size ");
    FRESH();
    put32(b + child(b, subgraph0(b), 0), 0x7fffffffu);
    expect_failure(b, len, "tensors vector", "extends past end of file");
    FRESH();
    put32(b + child(b, model_table(b), 4), 0xffffffffu);
    expect_failure(b, len, "buffers vector", "extends past end of file");
    FRESH();                                     /* too many dimensions */
    put32(b + child(b, tensor_table(b, 1), 0), 9);
    expect_failure(b, len, "tensor 1 (conv/w): shape has 9 dimensions", NULL);
    FRESH();                                     /* negative dimension */
    put32(b + child(b, tensor_table(b, 1), 0) + 8, (uint32_t)-3);
    expect_failure(b, len, "dimension 1 is negative", NULL);

    FRESH();                                     /* string without its NUL */
    {
        size_t s = child(b, tensor_table(b, 0), 3);
        b[s + 4 + get32(b + s)] = 'X';
        expect_failure(b, len, "tensor 0: name string", "not NUL-terminated");
    }

    FRESH();                                     /* tensor indices */
    put32(b + child(b, op_table(b, 0), 1) + 4, (uint32_t)-5);
    expect_failure(b, len, "operator 0 (CONV_2D): input 0 is tensor -5, out of range", NULL);
    FRESH();
    put32(b + child(b, op_table(b, 0), 1) + 4, (uint32_t)-1);   /* -1 is fine on inputs */
    {
        tfl_model m;
        char *cause = NULL;
        assert_int_equal(read_exact(b, len, &m, &cause), 0);
    }
    FRESH();
    put32(b + child(b, op_table(b, 0), 2) + 4, (uint32_t)-1);   /* ...not on outputs */
    expect_failure(b, len, "operator 0 (CONV_2D): output 0 is tensor -1", NULL);
    FRESH();
    put32(b + child(b, op_table(b, 0), 1) + 8, 23);             /* == ntensors */
    expect_failure(b, len, "input 1 is tensor 23, out of range (subgraph has 23 tensors)",
                   NULL);
    FRESH();
    put32(b + child(b, subgraph0(b), 1) + 4, (uint32_t)-1);
    expect_failure(b, len, "subgraph 0: input 0 is tensor -1", NULL);
    FRESH();
    put32(b + child(b, subgraph0(b), 2) + 8, 1000);
    expect_failure(b, len, "subgraph 0: output 1 is tensor 1000", NULL);

    FRESH();                                     /* opcode index */
    put32(b + field(b, op_table(b, 2), 0), 15);
    expect_failure(b, len, "operator 2: opcode index 15 out of range (model has 15 operator "
                   "codes)", NULL);
    FRESH();
    put32(b + field(b, op_table(b, 2), 0), 0xffffffffu);
    expect_failure(b, len, "opcode index 4294967295 out of range", NULL);

    FRESH();                                     /* buffer index */
    put32(b + field(b, tensor_table(b, 1), 2), 999);
    expect_failure(b, len, "tensor 1 (conv/w): buffer index 999 out of range", NULL);

    FRESH();                                     /* options of the wrong kind */
    b[field(b, op_table(b, 0), 3)] = TFL_OPT_DWCONV2D;
    expect_failure(b, len, "operator 0 (CONV_2D): builtin_options_type is 2, but CONV_2D "
                   "takes 1 (Conv2DOptions)", NULL);

    FRESH();                                     /* fewer zero points than scales */
    {
        size_t q = child(b, tensor_table(b, 1), 4);
        size_t zv = child(b, q, 3);
        put32(b + zv, get32(b + zv) - 1);
        expect_failure(b, len, "tensor 1 (conv/w): quantization has 4 scales but 3 zero "
                       "points", NULL);
        FRESH();
        put32(b + field(b, q, 6), 2);           /* per-channel on a dimension of size 3: */
        tfl_model qm;                           /* read as it is, as TFLM does (rd_quant) */
        char *qc = NULL;
        if (tfl_read(b, len, &qm, &qc) != 0)
            fail_msg("quantized_dimension 2 refused: %s", qc);
        assert_int_equal(qm.tensors[1].quant_dim, 2);
        assert_int_equal(qm.tensors[1].nquant, 4);
        tfl_free(&qm);
    }

    FRESH();                                     /* names are printed safely */
    put32(b + field(b, tensor_table(b, 19), 2), 999);
    expect_failure(b, len, "tensor 19 (state ? with a byte to escape): buffer index 999",
                   NULL);

    free(b);
    free(img);
#undef FRESH
}

/* Append n bytes to a growing image, aligned to align; returns their position. */
static size_t append(uint8_t **img, size_t *len, const void *src, size_t n, size_t align)
{
    size_t pos = (*len + align - 1) / align * align;
    *img = realloc(*img, pos + n);
    assert_non_null(*img);
    memset(*img + *len, 0, pos - *len);
    memcpy(*img + pos, src, n);
    *len = pos + n;
    return pos;
}

/*
 * Buffer.offset/size (data stored after the FlatBuffer): a Buffer table carrying only offset
 * and size is appended, the buffers vector entry of tensor 1 pointed at it, and its bytes
 * appended after it. Also the bounds check and the offset <= 1 rule.
 */
static void test_external_buffer(void **state)
{
    static const uint8_t ext[72] = { 42, 43, 44, 45 };
    uint8_t *img;
    size_t len;
    tfl_model m;
    char *cause = NULL;
    (void)state;
    write_built(&img, &len);
    size_t bufidx = get32(img + field(img, tensor_table(img, 1), 2));
    size_t entry = child(img, model_table(img), 4) + 4 + 4 * bufidx;

    /* vtable: size 10, table 20 bytes, data absent, offset at 4, size at 12 */
    uint8_t vt[10], tab[20] = { 0 };
    put16(vt, 10), put16(vt + 2, 20), put16(vt + 4, 0), put16(vt + 6, 4), put16(vt + 8, 12);
    size_t vpos = append(&img, &len, vt, sizeof vt, 4);
    size_t tpos = append(&img, &len, tab, sizeof tab, 8);
    put32(img + tpos, (uint32_t)(tpos - vpos));
    put32(img + entry, (uint32_t)(tpos - entry));
    size_t dpos = append(&img, &len, ext, sizeof ext, 16);
    put32(img + tpos + 4, (uint32_t)dpos);
    put32(img + tpos + 12, sizeof ext);

    if (tfl_read(img, len, &m, &cause) != 0)
        fail_msg("%s", cause);
    assert_ptr_equal(m.tensors[1].data, img + dpos);
    assert_int_equal(m.tensors[1].data_size, sizeof ext);
    tfl_free(&m);

    put32(img + tpos + 12, sizeof ext + 1);     /* one byte past the end */
    expect_failure(img, len, "buffer", "external data at offset");
    put32(img + tpos + 4, 0xfffffff0u);
    expect_failure(img, len, "extends past end of file", NULL);
    put32(img + tpos + 4, 1);                   /* offset 1: "no data", per the schema */
    assert_int_equal(tfl_read(img, len, &m, &cause), 0);
    assert_null(m.tensors[1].data);
    tfl_free(&m);
    free(img);
}

/*
 * Tables sharing one big string: the decoder would copy it once per tensor. The copy budget
 * (twice the file size) refuses the file instead of allocating len * ntensors bytes.
 */
static void test_shared_vectors_budget(void **state)
{
    uint8_t *img;
    size_t len, big;
    char *s;
    (void)state;
    write_built(&img, &len);
    big = 4 * len;
    s = malloc(big + 5);
    assert_non_null(s);
    memset(s, 'n', big + 5);
    put32((uint8_t *)s, (uint32_t)big);
    s[4 + big] = '\0';
    size_t spos = append(&img, &len, s, big + 5, 4);
    free(s);
    for (size_t i = 0; i < 23; i++) {
        size_t f = field(img, tensor_table(img, i), 3);
        put32(img + f, (uint32_t)(spos - f));
    }
    expect_failure(img, len, "exceeds twice the file size", NULL);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_shared_models_match_manifests),
        cmocka_unit_test(test_kws_details),
        cmocka_unit_test(test_roundtrip_shared),
        cmocka_unit_test(test_built_model_reads_back),
        cmocka_unit_test(test_write_refuses_bad_models),
        cmocka_unit_test(test_truncation_built),
        cmocka_unit_test(test_truncation_kws),
        cmocka_unit_test(test_mutations_built),
        cmocka_unit_test(test_mutations_shared),
        cmocka_unit_test(test_hostile_cases),
        cmocka_unit_test(test_external_buffer),
        cmocka_unit_test(test_shared_vectors_budget),
    };
    return cmocka_run_group_tests_name("tflite", tests, NULL, NULL);
}
