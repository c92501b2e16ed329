/*
 * mkops: the single-op test models of tests/ops/. For each case, OUTDIR/NAME.tflite (one
 * operator, generated configurations: shapes, axes, masks, strides, quantization) and
 * OUTDIR/NAME_input_K.bin for each input K (pseudo-random, xorshift32 as ../shared/golden's
 * README describes: int8 inputs take the bytes raw, float32 ones (int8)(state >> 24) / 32,
 * int16 ones the state's top 16 bits, int32 ones its top 24).
 * tests/ops/golden/NAME_output_K.bin are TFLM's reference-kernel outputs for them, made with
 * scripts/oracle (see its README); tests/ops/ops.sh checks tinysim's against them.
 * Everything is deterministic: the same bytes on every run and host.
 *
 * A stateful case (LSTM, SVDF) may ask for several inferences on the same input: its line
 * then says how many ("NAME INVOKES"), and TFLM's output after that many is the golden one
 * (the state carries over from one to the next).
 *
 * Usage: mkops OUTDIR      (prints one line per case: NAME [INVOKES])
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/outfile.h"
#include "models/tflite.h"
#include "models/util.h"

#define MAXT 32

typedef struct {
    tfl_model m;
    tfl_tensor t[MAXT];
    tfl_op op;
    int in_list[MAXT], out_list[MAXT], op_in[MAXT], op_out[MAXT];
    int code[1];
    uint8_t *data[MAXT];
    int nin, nout; /* model inputs / outputs */
} mcase;

static uint32_t rng = 1;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static float scales[1];
static int64_t zps[1];

static void c_init(mcase *c, int builtin)
{
    memset(c, 0, sizeof *c);
    c->m.version = 3;
    c->m.nsubgraphs = 1;
    c->m.description = (char *)"tinysim op test";
    c->m.tensors = c->t;
    c->m.ops = &c->op;
    c->m.nops = 1;
    c->code[0] = builtin;
    c->m.opcode_builtin = c->code;
    c->m.nopcodes = 1;
    c->op.builtin = builtin;
    c->op.version = 1;
    c->op.inputs = c->op_in;
    c->op.outputs = c->op_out;
    c->m.inputs = c->in_list;
    c->m.outputs = c->out_list;
}

/* A tensor; int8 ones get (scale, zp). */
static int tensor(mcase *c, int type, int ndims, const int32_t *dims, float scale, int zp)
{
    int i = c->m.ntensors++;
    tfl_tensor *t = &c->t[i];
    t->name = mu_asprintf("t%d", i);
    t->type = type;
    t->ndims = ndims;
    memcpy(t->dims, dims, sizeof(int32_t) * (size_t)ndims);
    if (type == TFL_INT8) {
        t->nquant = 1;
        t->scale = malloc(sizeof(float));
        t->zero_point = malloc(sizeof(int64_t));
        t->scale[0] = scale;
        t->zero_point[0] = zp;
    }
    return i;
}

/* A tensor of any type with one (scale, zp): int16 and int32 activations, states. */
static int qtensor(mcase *c, int type, int ndims, const int32_t *dims, float scale, int zp)
{
    int i = tensor(c, type, ndims, dims, scale, zp);
    if (type != TFL_INT8) {
        c->t[i].nquant = 1;
        c->t[i].scale = malloc(sizeof(float));
        c->t[i].zero_point = malloc(sizeof(int64_t));
        c->t[i].scale[0] = scale;
        c->t[i].zero_point[0] = zp;
    }
    return i;
}

static int const_i32(mcase *c, int n, const int32_t *v)
{
    int32_t d[1] = {n};
    int i = tensor(c, TFL_INT32, 1, d, 0, 0);
    c->data[i] = malloc(4 * (size_t)(n ? n : 1));
    if (n)
        memcpy(c->data[i], v, 4 * (size_t)n);
    c->t[i].data = c->data[i];
    c->t[i].data_size = 4 * (size_t)n;
    return i;
}

static int scalar_i32(mcase *c, int32_t v)
{
    int i = const_i32(c, 1, &v);
    c->t[i].ndims = 0;
    return i;
}

static void op_in(mcase *c, int t)
{
    c->op_in[c->op.ninputs++] = t;
}

static void op_out(mcase *c, int t)
{
    c->op_out[c->op.noutputs++] = t;
    c->out_list[c->m.noutputs++] = t;
}

static void model_in(mcase *c, int t)
{
    c->in_list[c->m.ninputs++] = t;
}

static void c_free(mcase *c)
{
    for (int i = 0; i < c->m.ntensors; i++) {
        free(c->t[i].name);
        free(c->t[i].scale);
        free(c->t[i].zero_point);
        free(c->data[i]);
    }
}

static size_t elems(const tfl_tensor *t)
{
    size_t n = 1;
    for (int d = 0; d < t->ndims; d++)
        n *= (size_t)t->dims[d];
    return n;
}

static const char *out_dir;
static int failed;
static int invokes = 1; /* of the next case emitted (then back to 1) */

/* Write the model and its inputs (one stream over every input, per the golden README). */
static void emit(mcase *c, const char *name, uint32_t seed)
{
    uint8_t *img = NULL;
    size_t len = 0;
    char *cause = NULL;
    if (tfl_write(&c->m, &img, &len, &cause) != 0) {
        fprintf(stderr, "mkops: %s: %s\n", name, cause);
        free(cause);
        failed = 1;
        c_free(c);
        return;
    }
    char *path = mu_asprintf("%s/%s.tflite", out_dir, name);
    if (mo_write_file(path, img, len, &cause) != 0) {
        fprintf(stderr, "mkops: %s\n", cause);
        failed = 1;
    }
    free(path);
    free(img);
    rng = seed;
    for (int k = 0; k < c->m.ninputs; k++) {
        const tfl_tensor *t = &c->t[c->in_list[k]];
        size_t n = elems(t), es = t->type == TFL_INT8 ? 1 : t->type == TFL_INT16 ? 2 : 4;
        uint8_t *b = malloc(n * es);
        for (size_t i = 0; i < n; i++) {
            uint32_t st = next();
            int8_t v = (int8_t)(st >> 24);
            if (es == 1) {
                b[i] = (uint8_t)v;
            } else if (es == 2) { /* int16 inputs: the state's top 16 bits */
                int16_t h = (int16_t)(st >> 16);
                memcpy(b + 2 * i, &h, 2);
            } else if (t->type == TFL_INT32) { /* int32 inputs: the state's top 24 bits */
                int32_t w = (int32_t)st >> 8;
                memcpy(b + 4 * i, &w, 4);
            } else {
                float f = (float)v / 32.0f;
                memcpy(b + 4 * i, &f, 4);
            }
        }
        char *ip = mu_asprintf("%s/%s_input_%d.bin", out_dir, name, k);
        if (mo_write_file(ip, b, n * es, &cause) != 0) {
            fprintf(stderr, "mkops: %s\n", cause);
            failed = 1;
        }
        free(ip);
        free(b);
    }
    if (invokes > 1)
        printf("%s %d\n", name, invokes);
    else
        printf("%s\n", name);
    invokes = 1;
    c_free(c);
}

static const char *tname(int type)
{
    return type == TFL_INT8    ? "i8"
           : type == TFL_INT16 ? "i16"
           : type == TFL_INT32 ? "i32"
                               : "f32";
}

/* ---------------------------------------------------------------- the cases */

static void transpose(int type, int n, const int32_t *dims, const int32_t *perm, int id)
{
    mcase c;
    c_init(&c, TFL_OP_TRANSPOSE);
    int32_t od[4];
    for (int i = 0; i < n; i++)
        od[i] = dims[perm[i]];
    int in = tensor(&c, type, n, dims, 0.05f, 3), out = tensor(&c, type, n, od, 0.05f, 3);
    op_in(&c, in);
    op_in(&c, const_i32(&c, n, perm));
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "transpose_%s_%d", tname(type), id);
    emit(&c, name, 100u + (uint32_t)id);
}

static void slice(int type, int n, const int32_t *dims, const int32_t *begin,
                  const int32_t *size, int id)
{
    mcase c;
    c_init(&c, TFL_OP_SLICE);
    int32_t od[4];
    for (int i = 0; i < n; i++)
        od[i] = size[i] == -1 ? dims[i] - begin[i] : size[i];
    int in = tensor(&c, type, n, dims, 0.02f, -5), out = tensor(&c, type, n, od, 0.02f, -5);
    op_in(&c, in);
    op_in(&c, const_i32(&c, n, begin));
    op_in(&c, const_i32(&c, n, size));
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "slice_%s_%d", tname(type), id);
    emit(&c, name, 200u + (uint32_t)id);
}

/* out dims given (the test states what TFLM's shape inference gives) */
static void strided(int type, int n, const int32_t *dims, const int32_t *b, const int32_t *e,
                    const int32_t *s, int bm, int em, int sm, int on, const int32_t *od, int id)
{
    mcase c;
    c_init(&c, TFL_OP_STRIDED_SLICE);
    int in = tensor(&c, type, n, dims, 0.03f, 1), out = tensor(&c, type, on, od, 0.03f, 1);
    op_in(&c, in);
    op_in(&c, const_i32(&c, n, b));
    op_in(&c, const_i32(&c, n, e));
    op_in(&c, const_i32(&c, n, s));
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.begin_mask = bm;
    c.op.opt.end_mask = em;
    c.op.opt.shrink_axis_mask = sm;
    char name[64];
    snprintf(name, sizeof name, "strided_slice_%s_%d", tname(type), id);
    emit(&c, name, 300u + (uint32_t)id);
}

static void split(int type, int v, int n, const int32_t *dims, int axis, int parts,
                  const int32_t *sizes, int id)
{
    mcase c;
    c_init(&c, v ? TFL_OP_SPLIT_V : TFL_OP_SPLIT);
    int a = axis < 0 ? axis + n : axis;
    int in = tensor(&c, type, n, dims, 0.04f, 0);
    if (v) {
        op_in(&c, in);
        op_in(&c, const_i32(&c, parts, sizes));
        op_in(&c, scalar_i32(&c, axis));
    } else {
        op_in(&c, scalar_i32(&c, axis));
        op_in(&c, in);
    }
    for (int k = 0; k < parts; k++) {
        int32_t od[4];
        memcpy(od, dims, sizeof od[0] * (size_t)n);
        od[a] = v ? sizes[k] : dims[a] / parts;
        op_out(&c, tensor(&c, type, n, od, 0.04f, 0));
    }
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.num = parts;
    char name[64];
    snprintf(name, sizeof name, "%s_%s_%d", v ? "split_v" : "split", tname(type), id);
    emit(&c, name, 400u + (uint32_t)id);
}

static void unpack(int type, int n, const int32_t *dims, int axis, int id)
{
    mcase c;
    c_init(&c, TFL_OP_UNPACK);
    int a = axis < 0 ? axis + n : axis;
    int in = tensor(&c, type, n, dims, 0.04f, 2);
    op_in(&c, in);
    int32_t od[4];
    for (int d = 0, j = 0; d < n; d++)
        if (d != a)
            od[j++] = dims[d];
    for (int k = 0; k < dims[a]; k++)
        op_out(&c, tensor(&c, type, n - 1, od, 0.04f, 2));
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.num = dims[a];
    c.op.opt.axis = axis;
    char name[64];
    snprintf(name, sizeof name, "unpack_%s_%d", tname(type), id);
    emit(&c, name, 500u + (uint32_t)id);
}

static void pack(int type, int n, const int32_t *dims, int count, int axis, int id)
{
    mcase c;
    c_init(&c, TFL_OP_PACK);
    int a = axis < 0 ? axis + n + 1 : axis;
    int32_t od[5];
    for (int d = 0, j = 0; d <= n; d++)
        od[d] = d == a ? count : dims[j++];
    for (int k = 0; k < count; k++) {
        int t = tensor(&c, type, n, dims, 0.04f, -3);
        op_in(&c, t);
        model_in(&c, t);
    }
    op_out(&c, tensor(&c, type, n + 1, od, 0.04f, -3));
    c.op.has_options = 1;
    c.op.opt.num = count;
    c.op.opt.axis = axis;
    char name[64];
    snprintf(name, sizeof name, "pack_%s_%d", tname(type), id);
    emit(&c, name, 600u + (uint32_t)id);
}

static void depth_to_space(int type, const int32_t *dims, int bs, int id)
{
    mcase c;
    c_init(&c, TFL_OP_DEPTH_TO_SPACE);
    int32_t od[4] = {dims[0], dims[1] * bs, dims[2] * bs, dims[3] / (bs * bs)};
    int in = tensor(&c, type, 4, dims, 0.05f, 0), out = tensor(&c, type, 4, od, 0.05f, 0);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.block_size = bs;
    char name[64];
    snprintf(name, sizeof name, "depth_to_space_%s_%d", tname(type), id);
    emit(&c, name, 700u + (uint32_t)id);
}

static void batch_to_space(int type, const int32_t *dims, int bh, int bw, const int32_t *crops,
                           int id)
{
    mcase c;
    c_init(&c, TFL_OP_BATCH_TO_SPACE_ND);
    int32_t od[4] = {dims[0] / (bh * bw), dims[1] * bh - crops[0] - crops[1],
                     dims[2] * bw - crops[2] - crops[3], dims[3]};
    int32_t block[2] = {bh, bw};
    int in = tensor(&c, type, 4, dims, 0.05f, 0), out = tensor(&c, type, 4, od, 0.05f, 0);
    op_in(&c, in);
    op_in(&c, const_i32(&c, 2, block));
    int cr = const_i32(&c, 4, crops);
    c.t[cr].ndims = 2;
    c.t[cr].dims[0] = 2;
    c.t[cr].dims[1] = 2;
    op_in(&c, cr);
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "batch_to_space_nd_%s_%d", tname(type), id);
    emit(&c, name, 800u + (uint32_t)id);
}

static void expand_dims(int type, int n, const int32_t *dims, int axis, int id)
{
    mcase c;
    c_init(&c, TFL_OP_EXPAND_DIMS);
    int a = axis < 0 ? axis + n + 1 : axis;
    int32_t od[5];
    for (int d = 0, j = 0; d <= n; d++)
        od[d] = d == a ? 1 : dims[j++];
    int in = tensor(&c, type, n, dims, 0.05f, 0), out = tensor(&c, type, n + 1, od, 0.05f, 0);
    op_in(&c, in);
    op_in(&c, scalar_i32(&c, axis));
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "expand_dims_%s_%d", tname(type), id);
    emit(&c, name, 900u + (uint32_t)id);
}

static void cases_move(int type)
{
    transpose(type, 2, (const int32_t[]){5, 7}, (const int32_t[]){1, 0}, 0);
    transpose(type, 3, (const int32_t[]){2, 3, 4}, (const int32_t[]){2, 0, 1}, 1);
    transpose(type, 4, (const int32_t[]){2, 3, 4, 5}, (const int32_t[]){0, 3, 1, 2}, 2);
    transpose(type, 4, (const int32_t[]){1, 6, 5, 3}, (const int32_t[]){3, 2, 1, 0}, 3);
    slice(type, 4, (const int32_t[]){1, 6, 7, 5}, (const int32_t[]){0, 1, 2, 1},
          (const int32_t[]){1, 4, -1, 3}, 0);
    slice(type, 2, (const int32_t[]){9, 8}, (const int32_t[]){3, 0}, (const int32_t[]){5, 8}, 1);
    strided(type, 4, (const int32_t[]){1, 8, 9, 4}, (const int32_t[]){0, 1, 0, 0},
            (const int32_t[]){1, 7, 9, 4}, (const int32_t[]){1, 2, 3, 1}, 0, 0, 0, 4,
            (const int32_t[]){1, 3, 3, 4}, 0);
    strided(type, 3, (const int32_t[]){6, 5, 4}, (const int32_t[]){-1, 0, 3},
            (const int32_t[]){0, 5, 0}, (const int32_t[]){-1, 2, -1}, 0, 2, 0, 3,
            (const int32_t[]){5, 3, 3}, 1);
    strided(type, 3, (const int32_t[]){4, 6, 5}, (const int32_t[]){2, 0, 1},
            (const int32_t[]){3, 6, 4}, (const int32_t[]){1, 1, 1}, 0, 0, 1, 2,
            (const int32_t[]){6, 3}, 2);
    strided(type, 2, (const int32_t[]){7, 9}, (const int32_t[]){100, -3},
            (const int32_t[]){-100, -1}, (const int32_t[]){-2, 1}, 0, 1, 0, 2,
            (const int32_t[]){4, 2}, 3);
    split(type, 0, 4, (const int32_t[]){1, 4, 6, 8}, 3, 4, NULL, 0);
    split(type, 0, 3, (const int32_t[]){6, 4, 2}, -3, 3, NULL, 1);
    split(type, 1, 2, (const int32_t[]){5, 9}, 1, 3, (const int32_t[]){2, 4, 3}, 0);
    split(type, 1, 4, (const int32_t[]){1, 7, 3, 2}, 1, 2, (const int32_t[]){5, 2}, 1);
    unpack(type, 3, (const int32_t[]){3, 4, 5}, 0, 0);
    unpack(type, 3, (const int32_t[]){3, 4, 5}, -1, 1);
    pack(type, 2, (const int32_t[]){3, 4}, 3, 0, 0);
    pack(type, 2, (const int32_t[]){3, 4}, 2, -1, 1);
    pack(type, 3, (const int32_t[]){2, 3, 4}, 4, 1, 2);
    depth_to_space(type, (const int32_t[]){1, 3, 4, 8}, 2, 0);
    depth_to_space(type, (const int32_t[]){2, 2, 3, 18}, 3, 1);
    batch_to_space(type, (const int32_t[]){4, 3, 3, 2}, 2, 2, (const int32_t[]){0, 0, 0, 0}, 0);
    batch_to_space(type, (const int32_t[]){8, 3, 4, 3}, 2, 4, (const int32_t[]){2, 0, 0, 4}, 1);
    expand_dims(type, 3, (const int32_t[]){2, 3, 4}, 1, 0);
    expand_dims(type, 2, (const int32_t[]){5, 6}, -1, 1);
}

/* ---------------------------------------------------------------- compute ops */

static uint32_t wrng = 7; /* weights: a stream of their own, per case */

static uint32_t wnext(void)
{
    wrng ^= wrng << 13;
    wrng ^= wrng >> 17;
    wrng ^= wrng << 5;
    return wrng;
}

/* Constant weights: int8 in [-127, 127] with per-channel scales along qdim (nscale of them),
 * or float32 (int8)(x) / 64. */
static int weights(mcase *c, int type, int ndims, const int32_t *dims, int qdim, int nscale)
{
    int i = tensor(c, type, ndims, dims, 0, 0);
    size_t n = elems(&c->t[i]), es = type == TFL_INT8 ? 1 : 4;
    c->data[i] = malloc(n * es);
    for (size_t k = 0; k < n; k++) {
        int8_t v = (int8_t)(wnext() >> 24);
        if (v == -128)
            v = -127;
        if (es == 1) {
            c->data[i][k] = (uint8_t)v;
        } else {
            float f = (float)v / 64.0f;
            memcpy(c->data[i] + 4 * k, &f, 4);
        }
    }
    c->t[i].data = c->data[i];
    c->t[i].data_size = n * es;
    if (type == TFL_INT8) {
        free(c->t[i].scale);
        free(c->t[i].zero_point);
        c->t[i].nquant = nscale;
        c->t[i].scale = malloc(sizeof(float) * (size_t)nscale);
        c->t[i].zero_point = calloc((size_t)nscale, sizeof(int64_t));
        for (int q = 0; q < nscale; q++)
            c->t[i].scale[q] = 0.002f + 0.0005f * (float)(wnext() % 16);
        c->t[i].quant_dim = qdim;
    }
    return i;
}

/* Bias for n channels: int32 with scale in_scale * w_scale[c] (values +-2000), or float32. */
static int bias(mcase *c, int type, int n, float in_scale, int w)
{
    int32_t d[1] = {n};
    int i = tensor(c, type == TFL_INT8 ? TFL_INT32 : TFL_FLOAT32, 1, d, 0, 0);
    c->data[i] = malloc(4 * (size_t)n);
    for (int k = 0; k < n; k++) {
        int32_t v = (int32_t)(wnext() % 4001) - 2000;
        if (type == TFL_INT8) {
            memcpy(c->data[i] + 4 * k, &v, 4);
        } else {
            float f = (float)v / 1024.0f;
            memcpy(c->data[i] + 4 * k, &f, 4);
        }
    }
    c->t[i].data = c->data[i];
    c->t[i].data_size = 4 * (size_t)n;
    if (type == TFL_INT8) {
        const tfl_tensor *tw = &c->t[w];
        c->t[i].nquant = tw->nquant;
        c->t[i].scale = malloc(sizeof(float) * (size_t)tw->nquant);
        c->t[i].zero_point = calloc((size_t)tw->nquant, sizeof(int64_t));
        for (int q = 0; q < tw->nquant; q++)
            c->t[i].scale[q] = in_scale * tw->scale[q];
    }
    return i;
}

static int pad_out(int padding, int in, int k, int stride, int dil)
{
    int eff = (k - 1) * dil + 1;
    return padding == TFL_PAD_SAME ? (in + stride - 1) / stride : (in - eff + stride) / stride;
}

typedef struct {
    int h, w, cin, cout, kh, kw, stride, dil, padding, act, mult;
} conv_case;

static void conv(int type, int dw, conv_case k, int id)
{
    mcase c;
    c_init(&c, dw ? TFL_OP_DEPTHWISE_CONV_2D : TFL_OP_CONV_2D);
    wrng = 1000u + (uint32_t)id * 7u + (uint32_t)dw;
    int cout = dw ? k.cin * k.mult : k.cout;
    int oh = pad_out(k.padding, k.h, k.kh, k.stride, k.dil);
    int ow = pad_out(k.padding, k.w, k.kw, k.stride, k.dil);
    int32_t di[4] = {1, k.h, k.w, k.cin}, dout[4] = {1, oh, ow, cout};
    int in = tensor(&c, type, 4, di, 0.05f, -3);
    int32_t wd[4] = {dw ? 1 : cout, k.kh, k.kw, dw ? cout : k.cin};
    int w = weights(&c, type, 4, wd, dw ? 3 : 0, cout);
    int b = bias(&c, type, cout, 0.05f, w);
    int out = tensor(&c, type, 4, dout, 0.15f, 5);
    op_in(&c, in);
    op_in(&c, w);
    op_in(&c, b);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.padding = k.padding;
    c.op.opt.stride_h = c.op.opt.stride_w = k.stride;
    c.op.opt.dilation_h = c.op.opt.dilation_w = k.dil;
    c.op.opt.fused_activation = k.act;
    c.op.opt.depth_multiplier = dw ? k.mult : 0;
    char name[64];
    snprintf(name, sizeof name, "%s_%s_%d", dw ? "depthwise_conv_2d" : "conv_2d", tname(type),
             id);
    emit(&c, name, 1100u + (uint32_t)id * 3u + (uint32_t)dw);
}

static void fc(int type, int batches, int nin, int nout, int act, int per_channel, int id)
{
    mcase c;
    c_init(&c, TFL_OP_FULLY_CONNECTED);
    wrng = 2000u + (uint32_t)id;
    int32_t di[2] = {batches, nin}, dout[2] = {batches, nout}, wd[2] = {nout, nin};
    int in = tensor(&c, type, 2, di, 0.05f, 4);
    int w = weights(&c, type, 2, wd, 0, per_channel ? nout : 1);
    int b = bias(&c, type, nout, 0.05f, w);
    int out = tensor(&c, type, 2, dout, 0.2f, -7);
    op_in(&c, in);
    op_in(&c, w);
    op_in(&c, b);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.fused_activation = act;
    char name[64];
    snprintf(name, sizeof name, "fully_connected_%s_%d", tname(type), id);
    emit(&c, name, 2100u + (uint32_t)id);
}

static void pool(int type, int builtin, int h, int w, int ch, int f, int stride, int padding,
                 int act, int id)
{
    mcase c;
    c_init(&c, builtin);
    int oh = pad_out(padding, h, f, stride, 1), ow = pad_out(padding, w, f, stride, 1);
    int32_t di[4] = {1, h, w, ch}, dout[4] = {1, oh, ow, ch};
    int in = tensor(&c, type, 4, di, 0.05f, 2), out = tensor(&c, type, 4, dout, 0.05f, 2);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.padding = padding;
    c.op.opt.stride_h = c.op.opt.stride_w = stride;
    c.op.opt.filter_h = c.op.opt.filter_w = f;
    c.op.opt.fused_activation = act;
    char name[64];
    snprintf(name, sizeof name, "%s_%s_%d",
             builtin == TFL_OP_MAX_POOL_2D ? "max_pool_2d" : "average_pool_2d", tname(type), id);
    emit(&c, name, 2200u + (uint32_t)id * 2u + (builtin == TFL_OP_MAX_POOL_2D));
}

/* ADD, MUL, SUB, MINIMUM, MAXIMUM: a [.. dims] with b broadcast ([.. bdims]). */
static void binary(int type, int builtin, const char *opname, int n, const int32_t *dims,
                   const int32_t *bdims, int act, float sa, float sb, float so, int id)
{
    mcase c;
    c_init(&c, builtin);
    int a = tensor(&c, type, n, dims, sa, 3), b = tensor(&c, type, n, bdims, sb, -9);
    int out = tensor(&c, type, n, dims, so, -2);
    op_in(&c, a);
    op_in(&c, b);
    op_out(&c, out);
    model_in(&c, a);
    model_in(&c, b);
    if (builtin == TFL_OP_ADD || builtin == TFL_OP_MUL || builtin == TFL_OP_SUB) {
        c.op.has_options = 1;
        c.op.opt.fused_activation = act;
        c.op.opt.pot_scale_int16 = 1;
    }
    char name[64];
    snprintf(name, sizeof name, "%s_%s_%d", opname, tname(type), id);
    emit(&c, name, 2300u + (uint32_t)id * 5u + (uint32_t)builtin);
}

/* one-input ops whose int8 output is 1/256, -128 (SOFTMAX, LOGISTIC) or as given */
static void unary(int type, int builtin, const char *opname, int n, const int32_t *dims,
                  float si, int zi, float so, int zo, int id)
{
    mcase c;
    c_init(&c, builtin);
    int in = tensor(&c, type, n, dims, si, zi), out = tensor(&c, type, n, dims, so, zo);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    if (builtin == TFL_OP_SOFTMAX) {
        c.op.has_options = 1;
        c.op.opt.beta = id % 2 ? 0.5f : 1.0f;
    }
    char name[64];
    snprintf(name, sizeof name, "%s_%s_%d", opname, tname(type), id);
    emit(&c, name, 2400u + (uint32_t)id * 7u + (uint32_t)builtin);
}

static void pad(int type, const int32_t *dims, const int32_t *pads, int id)
{
    mcase c;
    c_init(&c, TFL_OP_PAD);
    int32_t od[4];
    for (int d = 0; d < 4; d++)
        od[d] = dims[d] + pads[2 * d] + pads[2 * d + 1];
    int in = tensor(&c, type, 4, dims, 0.05f, 6), out = tensor(&c, type, 4, od, 0.05f, 6);
    op_in(&c, in);
    int p = const_i32(&c, 8, pads);
    c.t[p].ndims = 2;
    c.t[p].dims[0] = 4;
    c.t[p].dims[1] = 2;
    op_in(&c, p);
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "pad_%s_%d", tname(type), id);
    emit(&c, name, 2500u + (uint32_t)id);
}

static void concat(int type, int n, int count, const int32_t *dims, int axis, int id)
{
    mcase c;
    c_init(&c, TFL_OP_CONCATENATION);
    int a = axis < 0 ? axis + n : axis;
    int32_t od[4];
    memcpy(od, dims, sizeof od[0] * (size_t)n);
    od[a] = 0;
    for (int k = 0; k < count; k++) {
        int32_t d[4];
        memcpy(d, dims, sizeof d[0] * (size_t)n);
        d[a] = dims[a] + k;
        od[a] += d[a];
        int t = tensor(&c, type, n, d, 0.05f, 1);
        op_in(&c, t);
        model_in(&c, t);
    }
    op_out(&c, tensor(&c, type, n, od, 0.05f, 1));
    c.op.has_options = 1;
    c.op.opt.axis = axis;
    char name[64];
    snprintf(name, sizeof name, "concatenation_%s_%d", tname(type), id);
    emit(&c, name, 2600u + (uint32_t)id);
}

static void mean(int type, int builtin, const char *opname, const int32_t *dims, int naxes,
                 const int32_t *axes, int keep, int id)
{
    mcase c;
    c_init(&c, builtin);
    int32_t od[4];
    int on = 0;
    for (int d = 0; d < 4; d++) {
        int reduced = 0;
        for (int k = 0; k < naxes; k++)
            reduced |= (axes[k] < 0 ? axes[k] + 4 : axes[k]) == d;
        if (!reduced)
            od[on++] = dims[d];
        else if (keep)
            od[on++] = 1;
    }
    const int same = builtin == TFL_OP_REDUCE_MAX; /* TFLM requires it */
    int in = tensor(&c, type, 4, dims, 0.05f, -4);
    int out = tensor(&c, type, on, od, same ? 0.05f : 0.04f, same ? -4 : 3);
    op_in(&c, in);
    op_in(&c, const_i32(&c, naxes, axes));
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.keep_dims = keep;
    char name[64];
    snprintf(name, sizeof name, "%s_%s_%d", opname, tname(type), id);
    emit(&c, name, 2700u + (uint32_t)id);
}

static void squeeze(int type, int n, const int32_t *dims, int nsq, const int32_t *sq, int id)
{
    mcase c;
    c_init(&c, TFL_OP_SQUEEZE);
    int32_t od[4];
    int on = 0;
    for (int d = 0; d < n; d++) {
        int drop = nsq == 0 ? dims[d] == 1 : 0;
        for (int k = 0; k < nsq; k++)
            drop |= (sq[k] < 0 ? sq[k] + n : sq[k]) == d;
        if (!drop)
            od[on++] = dims[d];
    }
    int in = tensor(&c, type, n, dims, 0.05f, 0), out = tensor(&c, type, on, od, 0.05f, 0);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.n_squeeze_dims = nsq;
    if (nsq) /* sq may be NULL when no dims are named */
        memcpy(c.op.opt.squeeze_dims, sq, sizeof(int32_t) * (size_t)nsq);
    char name[64];
    snprintf(name, sizeof name, "squeeze_%s_%d", tname(type), id);
    emit(&c, name, 2800u + (uint32_t)id);
}

static void cases_compute(int type)
{
    enum { S = TFL_PAD_SAME, V = TFL_PAD_VALID };
    conv(type, 0, (conv_case){9, 8, 3, 5, 3, 3, 1, 1, S, 1, 0}, 0);
    conv(type, 0, (conv_case){10, 11, 4, 6, 3, 2, 2, 1, V, 3, 0}, 1);
    conv(type, 0, (conv_case){12, 12, 2, 4, 3, 3, 1, 2, S, 0, 0}, 2);
    conv(type, 0, (conv_case){7, 9, 8, 3, 1, 1, 1, 1, S, 2, 0}, 3);
    conv(type, 1, (conv_case){9, 8, 3, 0, 3, 3, 1, 1, S, 1, 2}, 0);
    conv(type, 1, (conv_case){10, 11, 4, 0, 3, 3, 2, 1, V, 3, 1}, 1);
    conv(type, 1, (conv_case){12, 10, 3, 0, 3, 3, 1, 2, S, 0, 3}, 2);
    fc(type, 1, 37, 11, 0, 0, 0);
    fc(type, 3, 20, 7, 1, type == TFL_INT8, 1);
    fc(type, 2, 64, 16, 3, 0, 2);
    pool(type, TFL_OP_AVERAGE_POOL_2D, 9, 10, 3, 3, 2, S, 0, 0);
    pool(type, TFL_OP_AVERAGE_POOL_2D, 8, 8, 4, 2, 2, V, 1, 1);
    pool(type, TFL_OP_MAX_POOL_2D, 9, 10, 3, 3, 2, S, 0, 0);
    pool(type, TFL_OP_MAX_POOL_2D, 7, 9, 5, 3, 1, V, 3, 1);
    binary(type, TFL_OP_ADD, "add", 4, (const int32_t[]){1, 4, 5, 3}, (const int32_t[]){1, 4, 5, 3},
           0, 0.05f, 0.03f, 0.07f, 0);
    binary(type, TFL_OP_ADD, "add", 4, (const int32_t[]){2, 3, 4, 5}, (const int32_t[]){1, 3, 1, 5},
           1, 0.04f, 0.06f, 0.08f, 1);
    binary(type, TFL_OP_MUL, "mul", 4, (const int32_t[]){1, 4, 5, 3}, (const int32_t[]){1, 4, 5, 3},
           0, 0.05f, 0.03f, 0.01f, 0);
    binary(type, TFL_OP_MUL, "mul", 4, (const int32_t[]){2, 3, 4, 6}, (const int32_t[]){2, 1, 4, 1},
           3, 0.04f, 0.06f, 0.02f, 1);
    binary(type, TFL_OP_MUL, "mul", 2, (const int32_t[]){7, 9}, (const int32_t[]){1, 9},
           0, 0.1f, 0.1f, 0.05f, 2);
    unary(type, TFL_OP_SOFTMAX, "softmax", 2, (const int32_t[]){3, 10}, 0.1f, 7,
          1.0f / 256, -128, 0);
    unary(type, TFL_OP_SOFTMAX, "softmax", 4, (const int32_t[]){1, 2, 3, 33}, 0.05f, -10,
          1.0f / 256, -128, 1);
    unary(type, TFL_OP_LOGISTIC, "logistic", 2, (const int32_t[]){6, 43}, 0.06f, 5,
          1.0f / 256, -128, 0);
    unary(type, TFL_OP_LOGISTIC, "logistic", 4, (const int32_t[]){1, 5, 5, 7}, 0.02f, -30,
          1.0f / 256, -128, 1);
    pad(type, (const int32_t[]){1, 4, 5, 3}, (const int32_t[]){0, 0, 1, 2, 2, 1, 0, 0}, 0);
    pad(type, (const int32_t[]){2, 3, 3, 2}, (const int32_t[]){1, 0, 0, 1, 1, 1, 2, 3}, 1);
    concat(type, 4, 3, (const int32_t[]){1, 3, 4, 2}, 3, 0);
    concat(type, 4, 2, (const int32_t[]){2, 3, 4, 5}, 1, 1);
    concat(type, 2, 4, (const int32_t[]){3, 5}, -2, 2);
    mean(type, TFL_OP_MEAN, "mean", (const int32_t[]){1, 6, 7, 5}, 2, (const int32_t[]){1, 2},
         1, 0);
    mean(type, TFL_OP_MEAN, "mean", (const int32_t[]){2, 4, 5, 3}, 1, (const int32_t[]){3}, 0,
         1);
    mean(type, TFL_OP_MEAN, "mean", (const int32_t[]){1, 6, 7, 5}, 2, (const int32_t[]){2, 1},
         0, 2);
    squeeze(type, 4, (const int32_t[]){1, 5, 1, 3}, 0, NULL, 0);
    squeeze(type, 4, (const int32_t[]){1, 1, 4, 1}, 1, (const int32_t[]){-1}, 1);
}

static void prelu(int type, int n, const int32_t *dims, int an, const int32_t *adims, int id)
{
    mcase c;
    c_init(&c, TFL_OP_PRELU);
    wrng = 3000u + (uint32_t)id;
    int in = tensor(&c, type, n, dims, 0.05f, 10);
    int alpha = weights(&c, type, an, adims, 0, 1);
    if (type == TFL_INT8) {
        c.t[alpha].scale[0] = 0.01f;
        c.t[alpha].zero_point[0] = 5;
    }
    int out = tensor(&c, type, n, dims, 0.04f, -6);
    op_in(&c, in);
    op_in(&c, alpha);
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "prelu_%s_%d", tname(type), id);
    emit(&c, name, 3100u + (uint32_t)id);
}

static void leaky(int type, int n, const int32_t *dims, float alpha, float si, int zi, float so,
                  int zo, int id)
{
    mcase c;
    c_init(&c, TFL_OP_LEAKY_RELU);
    int in = tensor(&c, type, n, dims, si, zi), out = tensor(&c, type, n, dims, so, zo);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.alpha = alpha;
    char name[64];
    snprintf(name, sizeof name, "leaky_relu_%s_%d", tname(type), id);
    emit(&c, name, 3200u + (uint32_t)id);
}

static void cases_elementwise(int type)
{
    const int32_t d4[4] = {2, 3, 4, 5}, d2[2] = {6, 7};
    binary(type, TFL_OP_SUB, "sub", 4, d4, d4, 0, 0.05f, 0.03f, 0.07f, 0);
    binary(type, TFL_OP_SUB, "sub", 4, d4, (const int32_t[]){1, 3, 1, 5}, 1, 0.04f, 0.06f,
           0.05f, 1);
    binary(type, TFL_OP_SUB, "sub", 2, d2, (const int32_t[]){6, 1}, 3, 0.1f, 0.02f, 0.03f, 2);
    binary(type, TFL_OP_MINIMUM, "minimum", 4, d4, d4, 0, 0.05f, 0.05f, 0.05f, 0);
    binary(type, TFL_OP_MINIMUM, "minimum", 4, d4, (const int32_t[]){1, 1, 4, 1}, 0, 0.05f,
           0.05f, 0.05f, 1);
    binary(type, TFL_OP_MAXIMUM, "maximum", 4, d4, d4, 0, 0.05f, 0.05f, 0.05f, 0);
    binary(type, TFL_OP_MAXIMUM, "maximum", 2, d2, (const int32_t[]){1, 7}, 0, 0.05f, 0.05f,
           0.05f, 1);
    prelu(type, 4, (const int32_t[]){1, 4, 5, 6}, 3, (const int32_t[]){1, 1, 6}, 0);
    prelu(type, 4, (const int32_t[]){2, 3, 4, 5}, 4, (const int32_t[]){2, 3, 4, 5}, 1);
    unary(type, TFL_OP_RELU, "relu", 4, d4, 0.05f, -10, 0.03f, -128, 0);
    unary(type, TFL_OP_RELU, "relu", 2, d2, 0.02f, 20, 0.02f, -100, 1);
    unary(type, TFL_OP_RELU6, "relu6", 4, d4, 0.05f, -10, 0.05f, -10, 0);
    unary(type, TFL_OP_RELU6, "relu6", 2, d2, 0.03f, -128, 0.03f, -128, 1);
    leaky(type, 4, d4, 0.2f, 0.05f, 3, 0.04f, -5, 0);
    leaky(type, 2, d2, -0.3f, 0.02f, -20, 0.03f, 10, 1);
    leaky(type, 2, d2, 1.7f, 0.05f, 0, 0.1f, 0, 2);
    unary(type, TFL_OP_HARD_SWISH, "hard_swish", 4, d4, 0.05f, 4, 0.04f, -60, 0);
    unary(type, TFL_OP_HARD_SWISH, "hard_swish", 2, d2, 0.1f, -30, 0.1f, -100, 1);
    unary(type, TFL_OP_HARD_SWISH, "hard_swish", 2, d2, 0.005f, 0, 0.002f, 0, 2);
    unary(type, TFL_OP_TANH, "tanh", 4, d4, 0.05f, 4, 1.0f / 128, 0, 0);
    unary(type, TFL_OP_TANH, "tanh", 2, d2, 0.02f, -30, 1.0f / 128, 0, 1);
    unary(type, TFL_OP_TANH, "tanh", 2, d2, 0.2f, 10, 1.0f / 128, 0, 2);
}

static void gather(int type, int n, const int32_t *dims, int in_idx, const int32_t *idx,
                   int axis, int bd, int id)
{
    mcase c;
    c_init(&c, TFL_OP_GATHER);
    int a = axis < 0 ? axis + n : axis;
    int in = tensor(&c, type, n, dims, 0.05f, 2);
    int ix = const_i32(&c, in_idx, idx);
    if (bd > 0) { /* indices [dims[0], in_idx / dims[0]] */
        c.t[ix].ndims = 2;
        c.t[ix].dims[0] = dims[0];
        c.t[ix].dims[1] = in_idx / dims[0];
    }
    int32_t od[5];
    int on = 0;
    for (int d = 0; d < a; d++)
        od[on++] = dims[d];
    for (int d = bd; d < c.t[ix].ndims; d++)
        od[on++] = c.t[ix].dims[d];
    for (int d = a + 1; d < n; d++)
        od[on++] = dims[d];
    int out = tensor(&c, type, on, od, 0.05f, 2);
    op_in(&c, in);
    op_in(&c, ix);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.axis = axis;
    c.op.opt.batch_dims = bd;
    char name[64];
    snprintf(name, sizeof name, "gather_%s_%d", tname(type), id);
    emit(&c, name, 3300u + (uint32_t)id);
}

static void padv2(int type, const int32_t *dims, const int32_t *pads, int id)
{
    mcase c;
    c_init(&c, TFL_OP_PADV2);
    int32_t od[4];
    for (int d = 0; d < 4; d++)
        od[d] = dims[d] + pads[2 * d] + pads[2 * d + 1];
    int in = tensor(&c, type, 4, dims, 0.05f, 6), out = tensor(&c, type, 4, od, 0.05f, 6);
    op_in(&c, in);
    int p = const_i32(&c, 8, pads);
    c.t[p].ndims = 2;
    c.t[p].dims[0] = 4;
    c.t[p].dims[1] = 2;
    op_in(&c, p);
    int32_t one[1] = {1};
    int cv = tensor(&c, type, 1, one, 0.05f, 6);
    c.data[cv] = malloc(4);
    if (type == TFL_INT8) {
        c.data[cv][0] = (uint8_t)(int8_t)-77;
        c.t[cv].data_size = 1;
    } else {
        float f = -2.75f;
        memcpy(c.data[cv], &f, 4);
        c.t[cv].data_size = 4;
    }
    c.t[cv].data = c.data[cv];
    op_in(&c, cv);
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "padv2_%s_%d", tname(type), id);
    emit(&c, name, 3400u + (uint32_t)id);
}

static void resize_nn(int type, const int32_t *dims, int oh, int ow, int ac, int hp, int id)
{
    mcase c;
    c_init(&c, TFL_OP_RESIZE_NEAREST_NEIGHBOR);
    int32_t od[4] = {dims[0], oh, ow, dims[3]}, size[2] = {oh, ow};
    int in = tensor(&c, type, 4, dims, 0.05f, 0), out = tensor(&c, type, 4, od, 0.05f, 0);
    op_in(&c, in);
    op_in(&c, const_i32(&c, 2, size));
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.align_corners = ac;
    c.op.opt.half_pixel_centers = hp;
    char name[64];
    snprintf(name, sizeof name, "resize_nearest_neighbor_%s_%d", tname(type), id);
    emit(&c, name, 3500u + (uint32_t)id);
}

static void space_to_batch(int type, const int32_t *dims, int bh, int bw, const int32_t *pads,
                           int id)
{
    mcase c;
    c_init(&c, TFL_OP_SPACE_TO_BATCH_ND);
    int32_t od[4] = {dims[0] * bh * bw, (dims[1] + pads[0] + pads[1]) / bh,
                     (dims[2] + pads[2] + pads[3]) / bw, dims[3]};
    int32_t block[2] = {bh, bw};
    int in = tensor(&c, type, 4, dims, 0.05f, -9), out = tensor(&c, type, 4, od, 0.05f, -9);
    op_in(&c, in);
    op_in(&c, const_i32(&c, 2, block));
    int p = const_i32(&c, 4, pads);
    c.t[p].ndims = 2;
    c.t[p].dims[0] = 2;
    c.t[p].dims[1] = 2;
    op_in(&c, p);
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "space_to_batch_nd_%s_%d", tname(type), id);
    emit(&c, name, 3600u + (uint32_t)id);
}

static void cases_more(int type)
{
    mean(type, TFL_OP_SUM, "sum", (const int32_t[]){1, 6, 7, 5}, 2, (const int32_t[]){1, 2}, 1,
         0);
    mean(type, TFL_OP_SUM, "sum", (const int32_t[]){2, 4, 5, 3}, 1, (const int32_t[]){-1}, 0, 1);
    mean(type, TFL_OP_REDUCE_MAX, "reduce_max", (const int32_t[]){1, 6, 7, 5}, 2,
         (const int32_t[]){1, 2}, 1, 0);
    mean(type, TFL_OP_REDUCE_MAX, "reduce_max", (const int32_t[]){2, 4, 5, 3}, 2,
         (const int32_t[]){0, 3}, 0, 1);
    gather(type, 2, (const int32_t[]){9, 4}, 5, (const int32_t[]){3, 0, 8, 3, 5}, 0, 0, 0);
    gather(type, 3, (const int32_t[]){3, 7, 5}, 4, (const int32_t[]){6, 1, 1, 4}, -2, 0, 1);
    gather(type, 3, (const int32_t[]){2, 6, 3}, 6, (const int32_t[]){5, 0, 2, 1, 1, 4}, 1, 1,
           2);
    padv2(type, (const int32_t[]){1, 4, 5, 3}, (const int32_t[]){0, 0, 1, 2, 2, 1, 0, 0}, 0);
    resize_nn(type, (const int32_t[]){1, 4, 5, 3}, 8, 10, 0, 0, 0);
    resize_nn(type, (const int32_t[]){2, 7, 6, 2}, 3, 4, 0, 1, 1);
    resize_nn(type, (const int32_t[]){1, 5, 5, 3}, 9, 7, 1, 0, 2);
    resize_nn(type, (const int32_t[]){1, 3, 4, 2}, 7, 9, 1, 1, 3);
    space_to_batch(type, (const int32_t[]){1, 4, 6, 3}, 2, 2, (const int32_t[]){0, 0, 0, 0}, 0);
    space_to_batch(type, (const int32_t[]){2, 5, 3, 2}, 2, 3, (const int32_t[]){1, 2, 2, 1}, 1);
}

static void cast(int tin, int tout, int id)
{
    mcase c;
    c_init(&c, TFL_OP_CAST);
    int32_t d[2] = {5, 9};
    int in = tensor(&c, tin, 2, d, 0.05f, 3), out = tensor(&c, tout, 2, d, 0.05f, 3);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.in_type = tin;
    c.op.opt.out_type = tout;
    char name[64];
    snprintf(name, sizeof name, "cast_%d", id);
    emit(&c, name, 3700u + (uint32_t)id);
}

static void resize_bilinear(int type, const int32_t *dims, int oh, int ow, int ac, int hp,
                            int id)
{
    mcase c;
    c_init(&c, TFL_OP_RESIZE_BILINEAR);
    int32_t od[4] = {dims[0], oh, ow, dims[3]}, size[2] = {oh, ow};
    int in = tensor(&c, type, 4, dims, 0.05f, 0), out = tensor(&c, type, 4, od, 0.05f, 0);
    op_in(&c, in);
    op_in(&c, const_i32(&c, 2, size));
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.align_corners = ac;
    c.op.opt.half_pixel_centers = hp;
    char name[64];
    snprintf(name, sizeof name, "resize_bilinear_%s_%d", tname(type), id);
    emit(&c, name, 3800u + (uint32_t)id);
}

static void tconv(int type, int h, int w, int cin, int cout, int k, int stride, int padding,
                  int act, int with_bias, int id)
{
    mcase c;
    c_init(&c, TFL_OP_TRANSPOSE_CONV);
    wrng = 4000u + (uint32_t)id;
    int oh = padding == TFL_PAD_SAME ? h * stride : (h - 1) * stride + k;
    int ow = padding == TFL_PAD_SAME ? w * stride : (w - 1) * stride + k;
    int32_t shape[4] = {1, oh, ow, cout}, di[4] = {1, h, w, cin}, wd[4] = {cout, k, k, cin};
    int sh = const_i32(&c, 4, shape);
    int wt = weights(&c, type, 4, wd, 0, cout);
    int in = tensor(&c, type, 4, di, 0.05f, -3);
    int b = with_bias ? bias(&c, type, cout, 0.05f, wt) : -1;
    int out = tensor(&c, type, 4, shape, 0.1f, 4);
    op_in(&c, sh);
    op_in(&c, wt);
    op_in(&c, in);
    if (with_bias)
        op_in(&c, b);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.padding = padding;
    c.op.opt.stride_h = c.op.opt.stride_w = stride;
    c.op.opt.fused_activation = act;
    char name[64];
    snprintf(name, sizeof name, "transpose_conv_%s_%d", tname(type), id);
    emit(&c, name, 3900u + (uint32_t)id);
}

static void cases_last(int type)
{
    tconv(type, 4, 5, 3, 6, 3, 2, TFL_PAD_SAME, 0, 1, 0);
    tconv(type, 3, 3, 4, 2, 3, 2, TFL_PAD_VALID, 0, 1, 1);
    tconv(type, 5, 4, 2, 3, 2, 1, TFL_PAD_SAME, 1, 0, 2);
    tconv(type, 3, 4, 3, 4, 4, 3, TFL_PAD_VALID, 3, 1, 3);
    resize_bilinear(type, (const int32_t[]){1, 4, 5, 3}, 8, 10, 0, 0, 0);
    resize_bilinear(type, (const int32_t[]){2, 7, 6, 2}, 3, 4, 0, 1, 1);
    resize_bilinear(type, (const int32_t[]){1, 5, 5, 3}, 9, 7, 1, 0, 2);
    resize_bilinear(type, (const int32_t[]){1, 3, 4, 2}, 7, 9, 0, 1, 3);
    unary(type, TFL_OP_L2_NORMALIZATION, "l2_normalization", 2, (const int32_t[]){4, 12}, 0.05f,
          3, 1.0f / 128, 0, 0);
    unary(type, TFL_OP_L2_NORMALIZATION, "l2_normalization", 4,
          (const int32_t[]){1, 3, 4, 7}, 0.02f, -20, 1.0f / 128, 0, 1);
    unary(type, TFL_OP_L2_NORMALIZATION, "l2_normalization", 2, (const int32_t[]){3, 300},
          0.5f, 0, 1.0f / 128, 0, 2);
}

/* UNIDIRECTIONAL_SEQUENCE_LSTM: input [B, T, I] (or [T, B, I] time major), the eight gate
 * weights, the four gate biases, the hidden and cell state (variable tensors; int8 and int16
 * for an int8 LSTM), output [B, T, S]; the optional operands omitted, as TFLM wants. The
 * hidden state and the output share their quantization (the kernel copies one into the
 * other). cell_act: 4 TANH (TFLite's schema has no SIGMOID for it); clip: the cell clip
 * (0: none). */
static void lstm(int type, int B, int T, int I, int S, int time_major, float clip, int cell_act,
                 int id)
{
    mcase c;
    c_init(&c, TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM);
    wrng = 6000u + (uint32_t)id * 11u;
    const float in_s = 0.05f, hid_s = 1.0f / 128;
    int32_t di[3] = {time_major ? T : B, time_major ? B : T, I};
    int32_t dout[3] = {di[0], di[1], S}, ds[2] = {B, S};
    int in = tensor(&c, type, 3, di, in_s, 3);
    int w[8], b[4];
    for (int k = 0; k < 8; k++) {
        int32_t wd[2] = {S, k < 4 ? I : S};
        w[k] = weights(&c, type, 2, wd, 0, 1);
    }
    for (int k = 0; k < 4; k++)
        b[k] = bias(&c, type, S, in_s, w[k]);
    int hs = tensor(&c, type, 2, ds, hid_s, -2);
    int cs = tensor(&c, type == TFL_INT8 ? TFL_INT16 : TFL_FLOAT32, 2, ds, 0, 0);
    c.t[hs].is_variable = c.t[cs].is_variable = 1;
    if (type == TFL_INT8) { /* the int16 cell state: 2^-11, symmetric */
        c.t[cs].nquant = 1;
        c.t[cs].scale = malloc(sizeof(float));
        c.t[cs].zero_point = calloc(1, sizeof(int64_t));
        c.t[cs].scale[0] = 1.0f / 2048;
    }
    int out = tensor(&c, type, 3, dout, hid_s, -2);
    op_in(&c, in);
    for (int k = 0; k < 8; k++)
        op_in(&c, w[k]);
    for (int k = 0; k < 3; k++)
        op_in(&c, -1); /* peepholes */
    for (int k = 0; k < 4; k++)
        op_in(&c, b[k]);
    op_in(&c, -1); /* projection weights and bias */
    op_in(&c, -1);
    op_in(&c, hs);
    op_in(&c, cs);
    for (int k = 0; k < 4; k++)
        op_in(&c, -1); /* layer norm */
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.fused_activation = cell_act;
    c.op.opt.cell_clip = clip;
    c.op.opt.time_major = time_major;
    char name[64];
    snprintf(name, sizeof name, "unidirectional_sequence_lstm_%s_%d", tname(type), id);
    emit(&c, name, 6100u + (uint32_t)id);
}

static void cases_lstm(int type)
{
    lstm(type, 1, 5, 8, 6, 0, 0, 4, 0);
    lstm(type, 2, 4, 3, 5, 1, 0, 4, 1);
    lstm(type, 3, 3, 6, 4, 0, 0.5f, 4, 2);
    lstm(type, 2, 6, 16, 7, 1, 1.5f, 4, 3);
    invokes = 3; /* the state after three sequences */
    lstm(type, 2, 3, 5, 4, 0, 0, 4, 4);
}

/* ---------------------------------------------------------------- integer types */

/* QUANTIZE between integer types (TFLM's Requantize): scales and zero points per pair. */
static void requantize(int tin, int tout, float si, int zi, float so, int zo, int id)
{
    mcase c;
    c_init(&c, TFL_OP_QUANTIZE);
    const int32_t d[3] = {2, 5, 7};
    int in = qtensor(&c, tin, 3, d, si, zi), out = qtensor(&c, tout, 3, d, so, zo);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    char name[64];
    snprintf(name, sizeof name, "quantize_%s_%s_%d", tname(tin), tname(tout), id);
    emit(&c, name, 7000u + (uint32_t)id);
}

/* SOFTMAX int8 -> int16: the output's scale 1/65536 and zero point -32768 (TFLM's rule). */
static void softmax16(int n, const int32_t *dims, float si, int zi, float beta, int id)
{
    mcase c;
    c_init(&c, TFL_OP_SOFTMAX);
    int in = tensor(&c, TFL_INT8, n, dims, si, zi);
    int out = qtensor(&c, TFL_INT16, n, dims, 1.0f / 65536, -32768);
    op_in(&c, in);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.beta = beta;
    char name[64];
    snprintf(name, sizeof name, "softmax_i8_i16_%d", id);
    emit(&c, name, 7100u + (uint32_t)id);
}

/* A constant int8 or int16 tensor of pseudo-random values within +-lim, one scale. */
static int const_int(mcase *c, int type, int ndims, const int32_t *dims, float scale, int lim)
{
    int i = qtensor(c, type, ndims, dims, scale, 0);
    size_t n = elems(&c->t[i]), es = type == TFL_INT16 ? 2 : 1;
    c->data[i] = malloc(n * es);
    for (size_t k = 0; k < n; k++) {
        int16_t v = (int16_t)((int32_t)(wnext() % (uint32_t)(2 * lim + 1)) - lim);
        if (es == 1)
            c->data[i][k] = (uint8_t)(int8_t)v;
        else
            memcpy(c->data[i] + 2 * k, &v, 2);
    }
    c->t[i].data = c->data[i];
    c->t[i].data_size = n * es;
    return i;
}

/* SVDF, int8 (svdf_common.cc): input [B, I], feature weights [F, I] int8, time weights
 * [F, M] and the state [B, F*M] (a variable tensor) int8 or int16, bias [F/rank] int32 at
 * state scale x time weights scale (TFLM checks it, and needs a bias), output [B, F/rank]. */
static void svdf(int state_type, int B, int I, int F, int M, int rank, int id)
{
    mcase c;
    c_init(&c, TFL_OP_SVDF);
    wrng = 7200u + (uint32_t)id * 13u;
    const int wide = state_type == TFL_INT16;
    const float s_in = 0.05f, s_wf = 0.004f, s_st = wide ? 1.0f / 1024 : 0.08f,
                s_wt = wide ? 1.0f / 4096 : 0.01f;
    const int U = F / rank;
    const int32_t di[2] = {B, I}, dwf[2] = {F, I}, dwt[2] = {F, M}, dst[2] = {B, F * M},
                  db[1] = {U}, dout[2] = {B, U};
    int in = tensor(&c, TFL_INT8, 2, di, s_in, 4);
    int wf = const_int(&c, TFL_INT8, 2, dwf, s_wf, 127);
    int wt = const_int(&c, state_type, 2, dwt, s_wt, wide ? 12000 : 127);
    int b = qtensor(&c, TFL_INT32, 1, db, s_st * s_wt, 0);
    c.data[b] = malloc(4 * (size_t)U);
    for (int k = 0; k < U; k++) {
        int32_t v = (int32_t)(wnext() % 40001) - 20000;
        memcpy(c.data[b] + 4 * k, &v, 4);
    }
    c.t[b].data = c.data[b];
    c.t[b].data_size = 4 * (size_t)U;
    int st = qtensor(&c, state_type, 2, dst, s_st, wide ? 0 : -3);
    c.t[st].is_variable = 1;
    int out = tensor(&c, TFL_INT8, 2, dout, wide ? 0.3f : 0.6f, -7);
    op_in(&c, in);
    op_in(&c, wf);
    op_in(&c, wt);
    op_in(&c, b);
    op_in(&c, st);
    op_out(&c, out);
    model_in(&c, in);
    c.op.has_options = 1;
    c.op.opt.rank = rank;
    char name[64];
    snprintf(name, sizeof name, "svdf_%s_%d", tname(state_type), id);
    emit(&c, name, 7300u + (uint32_t)id);
}

static void cases_int(void)
{
    requantize(TFL_INT16, TFL_INT8, 0.000625f, 0, 0.02f, -5, 0);
    requantize(TFL_INT8, TFL_INT16, 0.05f, 3, 0.0002f, 0, 1);
    requantize(TFL_INT8, TFL_INT32, 0.05f, -9, 0.001f, 17, 2);
    requantize(TFL_INT16, TFL_INT16, 0.0005f, 0, 0.0011f, 0, 3);
    requantize(TFL_INT16, TFL_INT32, 0.0007f, 0, 3.0518e-05f, 0, 4);
    requantize(TFL_INT32, TFL_INT8, 1.5e-7f, 0, 0.004f, 11, 5);
    requantize(TFL_INT32, TFL_INT16, 1.49e-7f, 0, 0.000922f, 0, 6);
    softmax16(2, (const int32_t[]){3, 10}, 0.1f, 7, 1.0f, 0);
    softmax16(3, (const int32_t[]){2, 4, 21}, 0.05f, -10, 0.5f, 1);
    svdf(TFL_INT8, 1, 12, 8, 5, 1, 0);
    svdf(TFL_INT8, 2, 9, 12, 4, 3, 1);
    svdf(TFL_INT16, 1, 16, 10, 6, 2, 2);
    svdf(TFL_INT16, 3, 7, 6, 8, 1, 3);
    invokes = 7; /* memory 5: the windows fill and then shift out their oldest values */
    svdf(TFL_INT8, 2, 9, 12, 5, 3, 4);
    invokes = 4;
    svdf(TFL_INT16, 2, 10, 8, 3, 2, 5);
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fputs("usage: mkops OUTDIR\nWrite tinysim's single-op test models and their inputs "
              "into OUTDIR.\n", stderr);
        return 2;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mkops: cannot write %s: %s\n", out_dir, strerror(errno));
        return 1;
    }
    (void)scales;
    (void)zps;
    cases_move(TFL_INT8);
    cases_move(TFL_FLOAT32);
    cases_compute(TFL_INT8);
    cases_compute(TFL_FLOAT32);
    cases_elementwise(TFL_INT8);
    cases_elementwise(TFL_FLOAT32);
    cases_more(TFL_INT8);
    cases_more(TFL_FLOAT32);
    cases_last(TFL_INT8);
    cases_last(TFL_FLOAT32);
    cases_lstm(TFL_INT8);
    cases_lstm(TFL_FLOAT32);
    cases_int();
    cast(TFL_INT8, TFL_FLOAT32, 0);
    cast(TFL_FLOAT32, TFL_INT8, 1);
    cast(TFL_INT8, TFL_INT32, 2);
    cast(TFL_INT32, TFL_INT8, 3);
    cast(TFL_INT32, TFL_FLOAT32, 4);
    cast(TFL_FLOAT32, TFL_INT32, 5);
    return failed;
}
