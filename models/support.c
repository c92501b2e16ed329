/*
 * What the core runs, and the survey that refuses a model with everything said at once.
 *
 * Before converting layer by layer (convert.c, which stops at the first detail that does not
 * fit), the converter looks at every operator: its kind (builtin or custom code) and the type
 * it computes in. Every (kind, type) the core has no kernel for is listed with its layers, so
 * a user learns in one run all that stands between the model and tinysim, not one item per
 * attempt. Models compiled for an NPU and hybrid models are named as such: neither is a list
 * of missing kernels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "util.h"

/* Types an op computes in, as bits of cv_types. */
#define B_INT8 (1u << 0)
#define B_FLOAT32 (1u << 1)
#define B_INT32 (1u << 2) /* CAST only */

typedef struct {
    int builtin;
    unsigned types;
} op_support;

/* The builtins the converter maps to core kernels, with the types each runs in. Keep in
 * step with convert_op() and the README's op table. */
static const op_support supported[] = {
    {TFL_OP_ADD, B_INT8 | B_FLOAT32},
    {TFL_OP_AVERAGE_POOL_2D, B_INT8 | B_FLOAT32},
    {TFL_OP_CONCATENATION, B_INT8 | B_FLOAT32},
    {TFL_OP_CONV_2D, B_INT8 | B_FLOAT32},
    {TFL_OP_DEPTHWISE_CONV_2D, B_INT8 | B_FLOAT32},
    {TFL_OP_DEQUANTIZE, B_INT8},  /* int8 -> float32 */
    {TFL_OP_FULLY_CONNECTED, B_INT8 | B_FLOAT32},
    {TFL_OP_LOGISTIC, B_INT8 | B_FLOAT32},
    {TFL_OP_MAX_POOL_2D, B_INT8 | B_FLOAT32},
    {TFL_OP_MEAN, B_INT8 | B_FLOAT32},
    {TFL_OP_MUL, B_INT8 | B_FLOAT32},
    {TFL_OP_PAD, B_INT8 | B_FLOAT32},
    {TFL_OP_QUANTIZE, B_INT8}, /* float32 -> int8, and integer pairs: quantize_ok() */
    {TFL_OP_RESHAPE, B_INT8 | B_FLOAT32},
    {TFL_OP_SOFTMAX, B_INT8 | B_FLOAT32},
    {TFL_OP_SQUEEZE, B_INT8 | B_FLOAT32},
    /* elementwise (models/convert_elem.c) */
    {TFL_OP_HARD_SWISH, B_INT8 | B_FLOAT32},
    {TFL_OP_LEAKY_RELU, B_INT8 | B_FLOAT32},
    {TFL_OP_MAXIMUM, B_INT8 | B_FLOAT32},
    {TFL_OP_MINIMUM, B_INT8 | B_FLOAT32},
    {TFL_OP_PRELU, B_INT8 | B_FLOAT32},
    {TFL_OP_RELU, B_INT8 | B_FLOAT32},
    {TFL_OP_RELU6, B_INT8 | B_FLOAT32},
    {TFL_OP_SUB, B_INT8 | B_FLOAT32},
    {TFL_OP_TANH, B_INT8 | B_FLOAT32},
    {TFL_OP_SUM, B_INT8 | B_FLOAT32},
    {TFL_OP_L2_NORMALIZATION, B_INT8 | B_FLOAT32},
    {TFL_OP_RESIZE_BILINEAR, B_INT8 | B_FLOAT32},
    {TFL_OP_TRANSPOSE_CONV, B_INT8 | B_FLOAT32},
    {TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, B_INT8 | B_FLOAT32},
    {TFL_OP_SVDF, B_INT8}, /* int8 or int16 state */
    {TFL_OP_CAST, B_INT8 | B_FLOAT32 | B_INT32},
    {TFL_OP_REDUCE_MAX, B_INT8 | B_FLOAT32},
    {TFL_OP_PADV2, B_INT8 | B_FLOAT32},
    {TFL_OP_GATHER, B_INT8 | B_FLOAT32},
    {TFL_OP_RESIZE_NEAREST_NEIGHBOR, B_INT8 | B_FLOAT32},
    {TFL_OP_SPACE_TO_BATCH_ND, B_INT8 | B_FLOAT32},
    /* data movement (models/convert_move.c) */
    {TFL_OP_BATCH_TO_SPACE_ND, B_INT8 | B_FLOAT32},
    {TFL_OP_DEPTH_TO_SPACE, B_INT8 | B_FLOAT32},
    {TFL_OP_EXPAND_DIMS, B_INT8 | B_FLOAT32},
    {TFL_OP_PACK, B_INT8 | B_FLOAT32},
    {TFL_OP_SLICE, B_INT8 | B_FLOAT32},
    {TFL_OP_SPLIT, B_INT8 | B_FLOAT32},
    {TFL_OP_SPLIT_V, B_INT8 | B_FLOAT32},
    {TFL_OP_STRIDED_SLICE, B_INT8 | B_FLOAT32},
    {TFL_OP_TRANSPOSE, B_INT8 | B_FLOAT32},
    {TFL_OP_UNPACK, B_INT8 | B_FLOAT32},
};

static unsigned type_bit(int tfl_type)
{
    switch (tfl_type) {
    case TFL_INT8: return B_INT8;
    case TFL_FLOAT32: return B_FLOAT32;
    case TFL_INT32: return B_INT32;
    default: return 0;
    }
}

static const op_support *find(int builtin)
{
    for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++)
        if (supported[i].builtin == builtin)
            return &supported[i];
    return NULL;
}

/* Ops whose second input is a weights tensor: with float32 activations and int8 weights
 * they are TFLite's hybrid kernels. */
static int has_weights(int builtin)
{
    switch (builtin) {
    case TFL_OP_CONV_2D:
    case TFL_OP_DEPTHWISE_CONV_2D:
    case TFL_OP_FULLY_CONNECTED:
    case TFL_OP_SVDF:
    case TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM:
    case TFL_OP_LSTM:
    case TFL_OP_BATCH_MATMUL:
    case TFL_OP_EMBEDDING_LOOKUP:
        return 1;
    default:
        return 0;
    }
}

static int tensor_type(const tfl_model *m, int ti)
{
    return ti >= 0 && ti < m->ntensors ? m->tensors[ti].type : -1;
}

static const char *type_text(int t)
{
    static const char *const lower[] = {
        [TFL_FLOAT32] = "float32", [TFL_FLOAT16] = "float16", [TFL_INT32] = "int32",
        [TFL_UINT8] = "uint8",     [TFL_INT64] = "int64",     [TFL_STRING] = "string",
        [TFL_BOOL] = "bool",       [TFL_INT16] = "int16",     [TFL_COMPLEX64] = "complex64",
        [TFL_INT8] = "int8",       [TFL_FLOAT64] = "float64", [TFL_INT4] = "int4",
        [TFL_UINT16] = "uint16",   [TFL_UINT32] = "uint32",   [TFL_UINT64] = "uint64",
    };
    if (t >= 0 && (size_t)t < sizeof lower / sizeof lower[0] && lower[t])
        return lower[t];
    return "an unknown type";
}

/* A compiled-for-NPU custom op: the vendor's name for it, or NULL. */
static const char *npu_of(const char *custom)
{
    if (custom == NULL)
        return NULL;
    if (strcmp(custom, "ethos-u") == 0)
        return "an Arm Ethos-U NPU (Vela)";
    if (strcmp(custom, "edgetpu-custom-op") == 0)
        return "a Coral Edge TPU";
    return NULL;
}

/* One row of the refusal: a kind of op in a type, and its layers. */
typedef struct {
    char what[96]; /* "SVDF int16", "custom op 'Foo'" */
    int builtin;
    int *layers, n, cap;
} row;

static row *row_for(row **rows, int *n, int *cap, const char *what, int builtin)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*rows)[i].what, what) == 0)
            return &(*rows)[i];
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *rows = realloc(*rows, sizeof(row) * (size_t)*cap);
        if (*rows == NULL)
            abort();
    }
    row *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->what, sizeof r->what, "%s", what);
    r->builtin = builtin;
    return r;
}

static void row_add(row *r, int layer)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 8;
        r->layers = realloc(r->layers, sizeof(int) * (size_t)r->cap);
        if (r->layers == NULL)
            abort();
    }
    r->layers[r->n++] = layer;
}

/* "layer 4" or "layers 0-3, 7, 9-12" (ascending input), into a growing string. */
static char *layer_list(const int *l, int n)
{
    char *s = mu_asprintf("%s", n == 1 ? "layer " : "layers ");
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && l[j + 1] == l[j] + 1)
            j++;
        char *t = j > i + 1 ? mu_asprintf("%s%s%d-%d", s, i ? ", " : "", l[i], l[j])
                  : j == i + 1 ? mu_asprintf("%s%s%d, %d", s, i ? ", " : "", l[i], l[j])
                               : mu_asprintf("%s%s%d", s, i ? ", " : "", l[i]);
        free(s);
        s = t;
        i = j + 1;
    }
    return s;
}

/* QUANTIZE's pairs: float32 -> int8, and the integer pairs TFLM's quantize requantizes
 * (PrepareQuantizeReference; uint8 aside). */
static int quantize_ok(int in, int out)
{
    switch (in) {
    case TFL_FLOAT32: return out == TFL_INT8;
    case TFL_INT8: return out == TFL_INT8 || out == TFL_INT16 || out == TFL_INT32;
    case TFL_INT16: return out == TFL_INT8 || out == TFL_INT16 || out == TFL_INT32;
    case TFL_INT32: return out == TFL_INT8 || out == TFL_INT16;
    default: return 0;
    }
}

/* The operand that holds an op's data (SPLIT's first is its axis, TRANSPOSE_CONV's its
 * output shape): its type is the type the op computes in. */
static int data_type(const tfl_model *m, const tfl_op *op)
{
    int data = op->builtin == TFL_OP_SPLIT ? 1 : op->builtin == TFL_OP_TRANSPOSE_CONV ? 2 : 0;
    return op->ninputs > data ? tensor_type(m, op->inputs[data]) : -1;
}

/* What a layer computes in, and whether the core has it: 0 supported, else 1 with *what set
 * ("SVDF int16"), 2 for a hybrid layer, 3 for an NPU op (*npu set). */
static int classify(const tfl_model *m, const tfl_op *op, char *what, size_t n,
                    const char **npu)
{
    const char *name = tfl_op_name(op->builtin);
    int in = data_type(m, op);
    int out = op->noutputs > 0 ? tensor_type(m, op->outputs[0]) : -1;
    if (op->builtin == TFL_OP_CUSTOM) {
        const char *code = op->custom_code ? op->custom_code : "";
        *npu = npu_of(op->custom_code);
        snprintf(what, n, "custom op '%.60s'", code);
        return *npu ? 3 : 1;
    }
    if ((has_weights(op->builtin) || op->builtin == TFL_OP_TRANSPOSE_CONV) && in == TFL_FLOAT32 &&
        op->ninputs > 1) {
        int w = tensor_type(m, op->inputs[1]);
        if (w == TFL_INT8 || w == TFL_UINT8) {
            snprintf(what, n, "%s hybrid (float32 activations, %s weights)", name,
                     type_text(w));
            return 2;
        }
    }
    const op_support *s = find(op->builtin);
    if (op->builtin == TFL_OP_QUANTIZE || op->builtin == TFL_OP_DEQUANTIZE) {
        int ok = op->builtin == TFL_OP_QUANTIZE ? quantize_ok(in, out)
                                                : in == TFL_INT8 && out == TFL_FLOAT32;
        snprintf(what, n, "%s %s -> %s", name, type_text(in), type_text(out));
        return ok ? 0 : 1;
    }
    snprintf(what, n, "%s %s", name, type_text(in));
    if (s == NULL || !(s->types & type_bit(in)))
        return 1;
    return 0;
}

int cv_survey(const tfl_model *m, char **cause)
{
    row *rows = NULL;
    int nrows = 0, cap = 0, bad_layers = 0, hybrid = 0, npu_layers = 0;
    const char *npu = NULL;
    int types_seen = 0; /* bits: 1 int16, 2 uint8, 4 float32 (unsupported ones) */
    for (int i = 0; i < m->nops; i++) {
        char what[96];
        const char *this_npu = NULL;
        int k = classify(m, &m->ops[i], what, sizeof what, &this_npu);
        if (k == 0)
            continue;
        bad_layers++;
        if (k == 2)
            hybrid++;
        if (k == 3) {
            npu_layers++;
            npu = this_npu;
        }
        int in = data_type(m, &m->ops[i]);
        types_seen |= in == TFL_INT16 ? 1 : in == TFL_UINT8 ? 2 : in == TFL_FLOAT32 ? 4 : 0;
        row_add(row_for(&rows, &nrows, &cap, what, m->ops[i].builtin), i);
    }
    if (nrows == 0) {
        free(rows);
        return 0;
    }
    char *s;
    if (npu)
        s = mu_asprintf("this model was compiled for %s: %d of its %d layers are NPU command "
                        "streams, which tinysim does not simulate; give tinysim the model from "
                        "before the NPU compiler (the .tflite you gave it)", npu, npu_layers,
                        m->nops);
    else if (hybrid)
        s = mu_asprintf("this is a hybrid model (float32 activations with int8 weights, %d of "
                        "its %d layers): neither tinysim nor TFLM's kernels run hybrid layers; "
                        "quantize it fully to int8 (or keep the float32 model)", hybrid,
                        m->nops);
    else
        s = mu_asprintf("%d of the model's %d layers %s %s tinysim does not run", bad_layers,
                        m->nops, bad_layers == 1 ? "uses" : "use",
                        nrows == 1 ? "an op or type" : "ops or types");
    for (int i = 0; i < nrows; i++) {
        char *l = layer_list(rows[i].layers, rows[i].n);
        char *t = mu_asprintf("%s\n  %s: %s", s, rows[i].what, l);
        free(l);
        free(s);
        s = t;
        free(rows[i].layers);
    }
    free(rows);
    char *hint = cv_supported_text();
    char *t = mu_asprintf("%s\n%s%s%s", s,
                          types_seen & 1 ? "int16 (16x8) quantized layers are not supported yet. "
                                         : "",
                          types_seen & 2 ? "uint8 (legacy asymmetric) quantization is not "
                                           "supported. " : "",
                          hint);
    free(hint);
    free(s);
    *cause = t;
    return -1;
}

char *cv_supported_text(void)
{
    char *i8 = mu_asprintf("%s", ""), *f32 = mu_asprintf("%s", "");
    const size_t n = sizeof supported / sizeof supported[0];
    size_t order[sizeof supported / sizeof supported[0]];
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* alphabetical: an insertion sort of a short table */
        for (size_t j = i; j > 0 && strcmp(tfl_op_name(supported[order[j - 1]].builtin),
                                           tfl_op_name(supported[order[j]].builtin)) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t o = 0; o < n; o++) {
        size_t i = order[o];
        const char *name = tfl_op_name(supported[i].builtin);
        char **dst[2] = {&i8, &f32};
        unsigned bits[2] = {B_INT8, B_FLOAT32};
        for (int k = 0; k < 2; k++) {
            if (!(supported[i].types & bits[k]))
                continue;
            char *t = mu_asprintf("%s%s%s", *dst[k], **dst[k] ? ", " : "", name);
            free(*dst[k]);
            *dst[k] = t;
        }
    }
    char *s = mu_asprintf("tinysim runs int8: %s; float32: %s (the README's op table)", i8,
                          *f32 ? f32 : "none yet");
    free(i8);
    free(f32);
    return s;
}
