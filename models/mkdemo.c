/*
 * mkdemo: generates the demo models shipped in models/demo/ (kws_demo, cnn_demo,
 * float_io_demo, float_cnn_demo) as real .tflite files, with a sample input for each, so that a fresh clone
 * without the MLPerf Tiny models has something to run.
 *
 * The weights are PSEUDO-RANDOM, NOT TRAINED: the models have realistic architectures,
 * shapes, quantization and costs (MACs, memory), but their outputs are not meaningful
 * classifications. Everything is deterministic: xorshift32 with fixed seeds, no clock, and
 * only IEEE double arithmetic done in the same order on every run (exp is computed here, not
 * taken from libm, and no fused multiply-add), so the files are byte-identical on every run
 * and on any host with IEEE-754 arithmetic.
 *
 * Quantization follows TFLite's full-integer post-training quantization: weights int8
 * symmetric per output channel (per tensor for FULLY_CONNECTED), bias int32 at
 * input_scale * weight_scale[c], and each activation's asymmetric int8 scale / zero point
 * calibrated from the range it takes when the float model (weights = int8 * scale) runs on
 * the sample input. That float reference runs here, layer by layer, as the graph is built.
 *
 * Usage: mkdemo OUTDIR   (make demo-models runs build/host/mkdemo models/demo)
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "convert.h"
#include "outfile.h"
#include "qparams.h"
#include "tflite.h"
#include "util.h"

/* No fused multiply-add: a contracted a * b + c rounds differently, so the generated files
 * would depend on the compiler and the target. GCC already contracts nothing under -std=c11;
 * clang needs telling (GCC does not know the pragma). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ===================================================================== small helpers */

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n != 0 ? n : 1);
    if (p == NULL) {
        fputs("mkdemo: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size);
    if (p == NULL) {
        fputs("mkdemo: out of memory\n", stderr);
        exit(1);
    }
    return p;
}


/* Uniform in [-1, 1), from the top 24 bits: exact in double. */
static double rng_uniform(uint32_t *s)
{
    return (double)(mu_xorshift32(s) >> 8) / 8388608.0 - 1.0;
}

/* Uniform in [0, 1). */
static double rng_unit(uint32_t *s)
{
    return (double)(mu_xorshift32(s) >> 8) / 16777216.0;
}

/*
 * exp(x) from basic IEEE operations only (range reduction by ln 2, a Taylor series, an exact
 * power-of-two scaling), so that results cannot depend on the host's libm. Accurate to a few
 * ulp, which is plenty for choosing quantization ranges.
 */
static double det_exp(double x)
{
    const double ln2 = 0.69314718055994530942;
    if (x < -700.0)
        return 0.0;
    if (x > 700.0)
        x = 700.0;
    double k = floor(x / ln2 + 0.5);
    double r = x - k * ln2, term = 1.0, sum = 1.0;
    for (int i = 1; i < 24; i++) {
        term *= r / i;
        sum += term;
    }
    return ldexp(sum, (int)k);
}

/* Little-endian stores, so the files do not depend on the host's byte order. */
static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

/* The fused activation applied to a float value. */
static double act_apply(int act, double v)
{
    switch (act) {
    case QP_ACT_RELU: return v > 0.0 ? v : 0.0;
    case QP_ACT_RELU6: return v < 0.0 ? 0.0 : v > 6.0 ? 6.0 : v;
    default: return v;
    }
}

/* ===================================================================== graph builder */

/*
 * A model under construction: the tfl_model handed to tfl_write, plus for every tensor its
 * float reference values (activations; NULL for constants) and its owned constant data
 * (m.tensors[i].data aliases data[i]). Ops are appended in execution order. Everything is
 * released by g_free().
 */
typedef struct {
    tfl_model m;
    int cap_tensors, cap_ops;
    double **val;
    uint8_t **data;
    uint32_t rng;
} mk_graph;

static void g_init(mk_graph *g, uint32_t seed, const char *description)
{
    memset(g, 0, sizeof *g);
    g->m.version = 3;
    g->m.nsubgraphs = 1;
    g->m.description = mu_asprintf("%s", description);
    g->rng = seed;
}

static void g_free(mk_graph *g)
{
    for (int i = 0; i < g->m.ntensors; i++) {
        free(g->val[i]);
        free(g->data[i]);
    }
    free(g->val);
    free(g->data);
    tfl_free(&g->m);
    memset(g, 0, sizeof *g);
}

static size_t g_elems(const mk_graph *g, int t)
{
    size_t n = 1;
    for (int d = 0; d < g->m.tensors[t].ndims; d++)
        n *= (size_t)g->m.tensors[t].dims[d];
    return n;
}

/* A copy of a tensor's shape: pointers into m.tensors die when a tensor is appended. */
typedef struct {
    int n;
    int32_t d[TFL_MAX_DIMS];
} mk_shape;

static mk_shape g_shape(const mk_graph *g, int t)
{
    mk_shape s;
    s.n = g->m.tensors[t].ndims;
    memcpy(s.d, g->m.tensors[t].dims, sizeof s.d);
    return s;
}

/* Append a tensor without data or quantization; returns its index. */
static int g_tensor(mk_graph *g, const char *name, int type, int ndims, const int32_t *dims)
{
    if (g->m.ntensors == g->cap_tensors) {
        int cap = g->cap_tensors ? 2 * g->cap_tensors : 32;
        g->m.tensors = xrealloc(g->m.tensors, sizeof(tfl_tensor) * (size_t)cap);
        g->val = xrealloc(g->val, sizeof(double *) * (size_t)cap);
        g->data = xrealloc(g->data, sizeof(uint8_t *) * (size_t)cap);
        g->cap_tensors = cap;
    }
    int t = g->m.ntensors++;
    tfl_tensor *x = &g->m.tensors[t];
    memset(x, 0, sizeof *x);
    x->name = mu_asprintf("%s", name);
    x->type = type;
    x->ndims = ndims;
    memcpy(x->dims, dims, sizeof(int32_t) * (size_t)ndims);
    g->val[t] = NULL;
    g->data[t] = NULL;
    return t;
}

/* An int8 activation tensor with zeroed float reference values, not yet quantized. */
static int g_act(mk_graph *g, const char *name, int ndims, const int32_t *dims)
{
    int t = g_tensor(g, name, TFL_INT8, ndims, dims);
    g->val[t] = xcalloc(g_elems(g, t), sizeof(double));
    return t;
}

/* A constant tensor holding a copy of bytes[0..len). */
static int g_const(mk_graph *g, const char *name, int type, int ndims, const int32_t *dims,
                   const uint8_t *bytes, size_t len)
{
    int t = g_tensor(g, name, type, ndims, dims);
    g->data[t] = xcalloc(len, 1);
    memcpy(g->data[t], bytes, len);
    g->m.tensors[t].data = g->data[t];
    g->m.tensors[t].data_size = len;
    return t;
}

/* A constant int32 tensor (shapes, paddings, axes). */
static int g_const_i32(mk_graph *g, const char *name, int ndims, const int32_t *dims,
                       const int32_t *v)
{
    size_t n = 1;
    for (int d = 0; d < ndims; d++)
        n *= (size_t)dims[d];
    uint8_t *bytes = xcalloc(n, 4);
    for (size_t i = 0; i < n; i++)
        put_le32(bytes + 4 * i, (uint32_t)v[i]);
    int t = g_const(g, name, TFL_INT32, ndims, dims, bytes, 4 * n);
    free(bytes);
    return t;
}

/* Set n scales / zero points (per channel along qdim when n > 1). */
static void g_set_quant(mk_graph *g, int t, int n, const float *scale, const int64_t *zp,
                        int qdim)
{
    tfl_tensor *x = &g->m.tensors[t];
    free(x->scale);
    free(x->zero_point);
    x->nquant = n;
    x->scale = xcalloc((size_t)n, sizeof(float));
    x->zero_point = xcalloc((size_t)n, sizeof(int64_t));
    memcpy(x->scale, scale, sizeof(float) * (size_t)n);
    memcpy(x->zero_point, zp, sizeof(int64_t) * (size_t)n);
    x->quant_dim = qdim;
}

static float g_scale(const mk_graph *g, int t)
{
    return g->m.tensors[t].scale[0];
}

static int g_zp(const mk_graph *g, int t)
{
    return (int)g->m.tensors[t].zero_point[0];
}

/*
 * Asymmetric int8 quantization of the float range [lo, hi], extended to include 0 as TFLite's
 * calibration does (so that 0.0, padding and ReLU's floor, is exact):
 * scale = (hi - lo) / 255, zero point = round(-128 - lo / scale) clamped to int8.
 */
static void g_quant_range(mk_graph *g, int t, double lo, double hi)
{
    if (lo > 0.0)
        lo = 0.0;
    if (hi < 0.0)
        hi = 0.0;
    if (hi - lo < 1e-6)
        hi = lo + 1e-6;
    float scale = (float)((hi - lo) / 255.0);
    double z = floor(-128.0 - lo / (double)scale + 0.5);
    int64_t zp = (int64_t)(z < -128.0 ? -128.0 : z > 127.0 ? 127.0 : z);
    g_set_quant(g, t, 1, &scale, &zp, 0);
}

/* Calibrate an activation: quantize it for the range its reference values take. */
static void g_calibrate(mk_graph *g, int t)
{
    const double *v = g->val[t];
    double lo = v[0], hi = v[0];
    for (size_t i = 1; i < g_elems(g, t); i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    g_quant_range(g, t, lo, hi);
}

static void g_copy_quant(mk_graph *g, int dst, int src)
{
    const tfl_tensor *s = &g->m.tensors[src];
    g_set_quant(g, dst, s->nquant, s->scale, s->zero_point, s->quant_dim);
}

/*
 * The operator-code version TFLite's converter records for each op with int8 operands
 * (tensorflow/lite/tools/versioning/op_version.cc; QUANTIZE as float -> int8). TFLite checks
 * it against its kernels' registrations; tinysim's converter does not use it.
 */
static int op_version(int builtin)
{
    switch (builtin) {
    case TFL_OP_CONV_2D:
    case TFL_OP_DEPTHWISE_CONV_2D: return 3;
    case TFL_OP_FULLY_CONNECTED: return 4;
    case TFL_OP_RESHAPE:
    case TFL_OP_QUANTIZE: return 1;
    default: return 2;
    }
}

/*
 * Append an op (and its operator code when new) reading in[0..nin) and writing out. The
 * returned pointer, for setting options, is valid until the next g_op call.
 */
static tfl_op *g_op(mk_graph *g, int builtin, int nin, const int *in, int out)
{
    tfl_model *m = &g->m;
    int code = -1;
    for (int i = 0; i < m->nopcodes; i++)
        if (m->opcode_builtin[i] == builtin)
            code = i;
    if (code < 0) {
        m->opcode_builtin = xrealloc(m->opcode_builtin, sizeof(int) * (size_t)(m->nopcodes + 1));
        code = m->nopcodes++;
        m->opcode_builtin[code] = builtin;
    }
    if (m->nops == g->cap_ops) {
        g->cap_ops = g->cap_ops ? 2 * g->cap_ops : 32;
        m->ops = xrealloc(m->ops, sizeof(tfl_op) * (size_t)g->cap_ops);
    }
    tfl_op *op = &m->ops[m->nops++];
    memset(op, 0, sizeof *op);
    op->opcode_index = code;
    op->builtin = builtin;
    op->version = op_version(builtin);
    op->ninputs = nin;
    op->inputs = xcalloc((size_t)nin, sizeof(int));
    memcpy(op->inputs, in, sizeof(int) * (size_t)nin);
    op->noutputs = 1;
    op->outputs = xcalloc(1, sizeof(int));
    op->outputs[0] = out;
    return op;
}

/* ===================================================================== constants */

/*
 * Float weights of the given shape: pseudo-random, uniform in +-limit (He initialisation for
 * the fan-in the caller chose) times a gain in [0.5, 1.5) per slice along qdim (the output
 * channel; as batch-norm folding leaves in trained models). Returns them (caller frees).
 */
static double *rand_weights(mk_graph *g, int ndims, const int32_t *dims, int qdim,
                            double limit)
{
    size_t n = 1, inner = 1;
    for (int d = 0; d < ndims; d++)
        n *= (size_t)dims[d];
    for (int d = qdim + 1; d < ndims; d++)
        inner *= (size_t)dims[d];
    double *w = xcalloc(n, sizeof(double));
    double *gain = xcalloc((size_t)dims[qdim], sizeof(double));
    for (int c = 0; c < dims[qdim]; c++)
        gain[c] = 0.5 + rng_unit(&g->rng);
    for (size_t i = 0; i < n; i++)
        w[i] = limit * gain[(i / inner) % (size_t)dims[qdim]] * rng_uniform(&g->rng);
    free(gain);
    return w;
}

/*
 * The weights tensor "name/weights" for float weights w: int8 symmetric, one scale per slice
 * along qdim (per tensor when !per_channel), scale = max|w| / 127. w is replaced by the
 * dequantized weights (int8 * scale), which the float reference then uses.
 */
static int g_weights(mk_graph *g, const char *name, int ndims, const int32_t *dims, int qdim,
                     int per_channel, double *w)
{
    size_t n = 1, inner = 1;
    for (int d = 0; d < ndims; d++)
        n *= (size_t)dims[d];
    for (int d = qdim + 1; d < ndims; d++)
        inner *= (size_t)dims[d];
    int nch = per_channel ? dims[qdim] : 1;
    double *maxabs = xcalloc((size_t)nch, sizeof(double));
    float *scale = xcalloc((size_t)nch, sizeof(float));
    int64_t *zp = xcalloc((size_t)nch, sizeof(int64_t));
    int8_t *q = xcalloc(n, 1);

    for (size_t i = 0; i < n; i++) {
        size_t k = per_channel ? (i / inner) % (size_t)dims[qdim] : 0;
        maxabs[k] = fabs(w[i]) > maxabs[k] ? fabs(w[i]) : maxabs[k];
    }
    for (int k = 0; k < nch; k++)
        scale[k] = (float)(maxabs[k] > 0.0 ? maxabs[k] / 127.0 : 1.0);
    for (size_t i = 0; i < n; i++) {
        size_t k = per_channel ? (i / inner) % (size_t)dims[qdim] : 0;
        double r = floor(w[i] / (double)scale[k] + 0.5);
        r = r < -127.0 ? -127.0 : r > 127.0 ? 127.0 : r;
        q[i] = (int8_t)r;
        w[i] = r * (double)scale[k];
    }
    char *wname = mu_asprintf("%s/weights", name);
    int t = g_const(g, wname, TFL_INT8, ndims, dims, (const uint8_t *)q, n);
    g_set_quant(g, t, nch, scale, zp, per_channel ? qdim : 0);
    free(wname);
    free(maxabs);
    free(scale);
    free(zp);
    free(q);
    return t;
}

/*
 * Bias for n output channels: pseudo-random floats in +-magnitude, quantized int32 with scale
 * input_scale * weight_scale[c] and zero point 0. *bf receives the dequantized values
 * (caller frees).
 */
static int g_bias(mk_graph *g, const char *name, int in, int w, int n, double magnitude,
                  double **bf)
{
    const tfl_tensor *tw = &g->m.tensors[w];
    int nq = tw->nquant > 1 ? n : 1;
    double *b = xcalloc((size_t)n, sizeof(double));
    float *scale = xcalloc((size_t)n, sizeof(float));
    int64_t *zp = xcalloc((size_t)n, sizeof(int64_t));
    uint8_t *bytes = xcalloc((size_t)n, 4);
    for (int c = 0; c < n; c++) {
        float ws = tw->scale[nq > 1 ? c : 0];
        scale[c] = (float)((double)g_scale(g, in) * (double)ws);
        double r = floor(magnitude * rng_uniform(&g->rng) / (double)scale[c] + 0.5);
        put_le32(bytes + 4 * c, (uint32_t)(int32_t)r);
        b[c] = r * (double)scale[c];
    }
    char *bname = mu_asprintf("%s/bias", name);
    int32_t dims[1] = {n};
    int t = g_const(g, bname, TFL_INT32, 1, dims, bytes, 4 * (size_t)n);
    g_set_quant(g, t, nq, scale, zp, 0);
    free(bname);
    free(scale);
    free(zp);
    free(bytes);
    *bf = b;
    return t;
}

/* ===================================================================== layers */

/* Output size and leading padding of a convolution or pool, as TFLite computes them. */
static int out_size(int padding, int in, int k, int stride, int dil, int *pad)
{
    int eff = (k - 1) * dil + 1;
    int out = padding == TFL_PAD_SAME ? (in + stride - 1) / stride : (in - eff + stride) / stride;
    int total = (out - 1) * stride + eff - in;
    *pad = total > 0 ? total / 2 : 0;
    return out;
}

/* Geometry of a 2-D convolution, depthwise or not. */
typedef struct {
    int kh, kw, stride, dil, padding, act;
} conv_geom;

/*
 * CONV_2D (depth_multiplier == 0) or DEPTHWISE_CONV_2D (depth_multiplier >= 1; then cout is
 * the input channels times it) on a [1,H,W,C] activation: creates the weights, the bias and
 * the calibrated output tensor named `name`, runs the float reference, appends the op.
 * `gain` scales the He-uniform weight range.
 */
static int layer_conv(mk_graph *g, const char *name, int in, int cout, int depth_multiplier,
                      conv_geom k, double gain)
{
    mk_shape si = g_shape(g, in);
    int H = si.d[1], W = si.d[2], C = si.d[3], ph, pw;
    int OH = out_size(k.padding, H, k.kh, k.stride, k.dil, &ph);
    int OW = out_size(k.padding, W, k.kw, k.stride, k.dil, &pw);
    int dw = depth_multiplier > 0;
    if (dw)
        cout = C * depth_multiplier;
    int fan_in = k.kh * k.kw * (dw ? 1 : C);
    double *wf, *bf;
    int w;
    if (dw) {
        int32_t wd[4] = {1, k.kh, k.kw, cout};
        wf = rand_weights(g, 4, wd, 3, gain * sqrt(6.0 / fan_in));
        w = g_weights(g, name, 4, wd, 3, 1, wf);
    } else {
        int32_t wd[4] = {cout, k.kh, k.kw, C};
        wf = rand_weights(g, 4, wd, 0, gain * sqrt(6.0 / fan_in));
        w = g_weights(g, name, 4, wd, 0, 1, wf);
    }
    int b = g_bias(g, name, in, w, cout, 0.1, &bf);
    int32_t od[4] = {1, OH, OW, cout};
    int out = g_act(g, name, 4, od);

    const double *x = g->val[in];
    double *y = g->val[out];
    for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++)
            for (int oc = 0; oc < cout; oc++) {
                double acc = bf[oc];
                for (int fy = 0; fy < k.kh; fy++) {
                    int iy = oy * k.stride - ph + fy * k.dil;
                    if (iy < 0 || iy >= H)
                        continue;
                    for (int fx = 0; fx < k.kw; fx++) {
                        int ix = ox * k.stride - pw + fx * k.dil;
                        if (ix < 0 || ix >= W)
                            continue;
                        const double *xp = x + ((size_t)iy * W + ix) * C;
                        if (dw) {
                            acc += wf[((size_t)fy * k.kw + fx) * cout + oc] *
                                   xp[oc / depth_multiplier];
                        } else {
                            const double *wp = wf + (((size_t)oc * k.kh + fy) * k.kw + fx) * C;
                            for (int ic = 0; ic < C; ic++)
                                acc += wp[ic] * xp[ic];
                        }
                    }
                }
                y[((size_t)oy * OW + ox) * cout + oc] = act_apply(k.act, acc);
            }
    g_calibrate(g, out);
    free(wf);
    free(bf);

    int ins[3] = {in, w, b};
    tfl_op *op = g_op(g, dw ? TFL_OP_DEPTHWISE_CONV_2D : TFL_OP_CONV_2D, 3, ins, out);
    op->has_options = 1;
    op->opt.padding = k.padding;
    op->opt.stride_h = op->opt.stride_w = k.stride;
    op->opt.dilation_h = op->opt.dilation_w = k.dil;
    op->opt.depth_multiplier = dw ? depth_multiplier : 0;
    op->opt.fused_activation = k.act;
    return out;
}

/*
 * FULLY_CONNECTED of a [1,N] activation to [1,nout]: per-tensor weights [nout,N], bias,
 * float reference, calibrated output. With out_std > 0 (a classifier), the weights are first
 * rescaled so that the outputs' standard deviation on the sample is out_std, as a trained
 * classifier's logits have a moderate spread (random weights on large features would give
 * a one-hot softmax).
 */
static int layer_fc(mk_graph *g, const char *name, int in, int nout, int act, double out_std)
{
    int nin = (int)g_elems(g, in);
    const double *x = g->val[in];
    int32_t wd[2] = {nout, nin};
    double *wf = rand_weights(g, 2, wd, 0, sqrt(6.0 / nin)), *bf;
    if (out_std > 0.0) {
        double s1 = 0.0, s2 = 0.0;
        for (int o = 0; o < nout; o++) {
            double acc = 0.0;
            for (int i = 0; i < nin; i++)
                acc += wf[(size_t)o * nin + i] * x[i];
            s1 += acc;
            s2 += acc * acc;
        }
        double var = s2 / nout - (s1 / nout) * (s1 / nout);
        if (var > 0.0)
            for (size_t i = 0; i < (size_t)nout * nin; i++)
                wf[i] *= out_std / sqrt(var);
    }
    int w = g_weights(g, name, 2, wd, 0, 0, wf);
    int b = g_bias(g, name, in, w, nout, 0.1, &bf);
    int32_t od[2] = {1, nout};
    int out = g_act(g, name, 2, od);
    x = g->val[in];
    for (int o = 0; o < nout; o++) {
        double acc = bf[o];
        for (int i = 0; i < nin; i++)
            acc += wf[(size_t)o * nin + i] * x[i];
        g->val[out][o] = act_apply(act, acc);
    }
    g_calibrate(g, out);
    free(wf);
    free(bf);
    int ins[3] = {in, w, b};
    tfl_op *op = g_op(g, TFL_OP_FULLY_CONNECTED, 3, ins, out);
    op->has_options = 1;
    op->opt.fused_activation = act;
    return out;
}

/* AVERAGE_POOL_2D or MAX_POOL_2D; the output keeps the input's quantization (int8 pooling
 * does not requantize). Padding taps are skipped, as TFLite does. */
static int layer_pool(mk_graph *g, const char *name, int builtin, int in, int fh, int fw,
                      int stride, int padding)
{
    mk_shape si = g_shape(g, in);
    int H = si.d[1], W = si.d[2], C = si.d[3], ph, pw;
    int OH = out_size(padding, H, fh, stride, 1, &ph);
    int OW = out_size(padding, W, fw, stride, 1, &pw);
    int32_t od[4] = {1, OH, OW, C};
    int out = g_act(g, name, 4, od);
    for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++)
            for (int c = 0; c < C; c++) {
                double acc = builtin == TFL_OP_MAX_POOL_2D ? -HUGE_VAL : 0.0;
                int count = 0;
                for (int fy = 0; fy < fh; fy++)
                    for (int fx = 0; fx < fw; fx++) {
                        int iy = oy * stride - ph + fy, ix = ox * stride - pw + fx;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                            continue;
                        double v = g->val[in][((size_t)iy * W + ix) * C + c];
                        if (builtin == TFL_OP_MAX_POOL_2D)
                            acc = v > acc ? v : acc;
                        else
                            acc += v;
                        count++;
                    }
                if (builtin == TFL_OP_AVERAGE_POOL_2D)
                    acc /= count;
                g->val[out][((size_t)oy * OW + ox) * C + c] = acc;
            }
    g_copy_quant(g, out, in);
    tfl_op *op = g_op(g, builtin, 1, &in, out);
    op->has_options = 1;
    op->opt.padding = padding;
    op->opt.stride_h = op->opt.stride_w = stride;
    op->opt.filter_h = fh;
    op->opt.filter_w = fw;
    return out;
}

/*
 * ADD or MUL of two 4-D activations, b broadcast to a's shape (each of b's dims equal to
 * a's or 1); calibrated output of a's shape.
 */
static int layer_binary(mk_graph *g, const char *name, int builtin, int a, int b, int act)
{
    mk_shape sa = g_shape(g, a), sb = g_shape(g, b);
    const int32_t *da = sa.d, *db = sb.d;
    int out = g_act(g, name, 4, da);
    size_t i = 0;
    for (int n = 0; n < da[0]; n++)
        for (int h = 0; h < da[1]; h++)
            for (int w = 0; w < da[2]; w++)
                for (int c = 0; c < da[3]; c++, i++) {
                    size_t j = (((size_t)(db[0] > 1 ? n : 0) * db[1] + (db[1] > 1 ? h : 0)) *
                                    db[2] + (db[2] > 1 ? w : 0)) * db[3] + (db[3] > 1 ? c : 0);
                    double x = g->val[a][i], y = g->val[b][j];
                    g->val[out][i] = act_apply(act, builtin == TFL_OP_ADD ? x + y : x * y);
                }
    g_calibrate(g, out);
    int ins[2] = {a, b};
    tfl_op *op = g_op(g, builtin, 2, ins, out);
    op->has_options = 1;
    op->opt.fused_activation = act;
    return out;
}

/* The output quantization int8 SOFTMAX and LOGISTIC must have: scale 1/256, zero point -128. */
static void set_prob_quant(mk_graph *g, int t)
{
    float scale = 1.0f / 256.0f;
    int64_t zp = -128;
    g_set_quant(g, t, 1, &scale, &zp, 0);
}

/* SOFTMAX (beta 1) over the last dimension. */
static int layer_softmax(mk_graph *g, const char *name, int in)
{
    mk_shape si = g_shape(g, in);
    int depth = si.d[si.n - 1];
    int out = g_act(g, name, si.n, si.d);
    for (size_t r = 0; r < g_elems(g, in) / (size_t)depth; r++) {
        const double *x = g->val[in] + r * (size_t)depth;
        double *y = g->val[out] + r * (size_t)depth, mx = x[0], sum = 0.0;
        for (int i = 1; i < depth; i++)
            mx = x[i] > mx ? x[i] : mx;
        for (int i = 0; i < depth; i++)
            sum += (y[i] = det_exp(x[i] - mx));
        for (int i = 0; i < depth; i++)
            y[i] /= sum;
    }
    set_prob_quant(g, out);
    tfl_op *op = g_op(g, TFL_OP_SOFTMAX, 1, &in, out);
    op->has_options = 1;
    op->opt.beta = 1.0f;
    return out;
}

/* LOGISTIC (sigmoid), elementwise. */
static int layer_logistic(mk_graph *g, const char *name, int in)
{
    mk_shape si = g_shape(g, in);
    int out = g_act(g, name, si.n, si.d);
    for (size_t i = 0; i < g_elems(g, in); i++)
        g->val[out][i] = 1.0 / (1.0 + det_exp(-g->val[in][i]));
    set_prob_quant(g, out);
    g_op(g, TFL_OP_LOGISTIC, 1, &in, out);
    return out;
}

/* RESHAPE to dims, with the shape both as the second input and in the options, as TFLite
 * writes it; the data and quantization pass through. */
static int layer_reshape(mk_graph *g, const char *name, int in, int ndims, const int32_t *dims)
{
    int out = g_act(g, name, ndims, dims);
    memcpy(g->val[out], g->val[in], sizeof(double) * g_elems(g, in));
    g_copy_quant(g, out, in);
    char *sname = mu_asprintf("%s/shape", name);
    int32_t sd[1] = {ndims};
    int shape = g_const_i32(g, sname, 1, sd, dims);
    free(sname);
    int ins[2] = {in, shape};
    tfl_op *op = g_op(g, TFL_OP_RESHAPE, 2, ins, out);
    op->has_options = 1;
    op->opt.n_new_shape = ndims;
    memcpy(op->opt.new_shape, dims, sizeof(int32_t) * (size_t)ndims);
    return out;
}

/* PAD of a [1,H,W,C] activation by p rows/columns on every side of H and W, with 0.0 (the
 * zero point); the quantization passes through. */
static int layer_pad(mk_graph *g, const char *name, int in, int p)
{
    mk_shape si = g_shape(g, in);
    int H = si.d[1], W = si.d[2], C = si.d[3];
    int32_t od[4] = {1, H + 2 * p, W + 2 * p, C};
    int out = g_act(g, name, 4, od);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            memcpy(g->val[out] + (((size_t)y + p) * od[2] + x + p) * C,
                   g->val[in] + ((size_t)y * W + x) * C, sizeof(double) * (size_t)C);
    g_copy_quant(g, out, in);
    char *pname = mu_asprintf("%s/paddings", name);
    int32_t pd[2] = {4, 2}, pads[8] = {0, 0, p, p, p, p, 0, 0};
    int pt = g_const_i32(g, pname, 2, pd, pads);
    free(pname);
    int ins[2] = {in, pt};
    g_op(g, TFL_OP_PAD, 2, ins, out);
    return out;
}

/*
 * QUANTIZE: float32 -> int8 (in is a float tensor; the output is calibrated), or int8 ->
 * int8 requantization to the quantization of `like` (like >= 0). Values pass through.
 */
static int layer_quantize(mk_graph *g, const char *name, int in, int like)
{
    mk_shape si = g_shape(g, in);
    int out = g_act(g, name, si.n, si.d);
    memcpy(g->val[out], g->val[in], sizeof(double) * g_elems(g, in));
    if (like >= 0)
        g_copy_quant(g, out, like);
    else
        g_calibrate(g, out);
    g_op(g, TFL_OP_QUANTIZE, 1, &in, out);
    return out;
}

/* DEQUANTIZE int8 -> float32. */
static int layer_dequantize(mk_graph *g, const char *name, int in)
{
    mk_shape si = g_shape(g, in);
    int out = g_tensor(g, name, TFL_FLOAT32, si.n, si.d);
    g->val[out] = xcalloc(g_elems(g, in), sizeof(double));
    memcpy(g->val[out], g->val[in], sizeof(double) * g_elems(g, in));
    g_op(g, TFL_OP_DEQUANTIZE, 1, &in, out);
    return out;
}

/*
 * CONCATENATION of n [1,H,W,C_i] activations on channels. int8 concatenation copies bytes, so
 * every input must have the output's scale and zero point: the output is calibrated on the
 * union of the inputs' ranges and each input quantized differently goes through an int8 ->
 * int8 QUANTIZE first (what TFLite's converter inserts).
 */
static int layer_concat(mk_graph *g, const char *name, const int *in, int n)
{
    mk_shape s0 = g_shape(g, in[0]);
    int32_t od[4] = {1, s0.d[1], s0.d[2], 0};
    double lo = 0.0, hi = 0.0;
    for (int k = 0; k < n; k++) {
        od[3] += g_shape(g, in[k]).d[3];
        for (size_t i = 0; i < g_elems(g, in[k]); i++) {
            lo = g->val[in[k]][i] < lo ? g->val[in[k]][i] : lo;
            hi = g->val[in[k]][i] > hi ? g->val[in[k]][i] : hi;
        }
    }
    int out = g_act(g, name, 4, od);
    g_quant_range(g, out, lo, hi);
    int ins[8];
    for (int k = 0; k < n; k++) {
        ins[k] = in[k];
        if (g_scale(g, in[k]) != g_scale(g, out) || g_zp(g, in[k]) != g_zp(g, out)) {
            char *qname = mu_asprintf("%s/requant_%d", name, k);
            ins[k] = layer_quantize(g, qname, in[k], out);
            free(qname);
        }
    }
    size_t pixels = (size_t)od[1] * (size_t)od[2];
    for (size_t p = 0; p < pixels; p++) {
        int c0 = 0;
        for (int k = 0; k < n; k++) {
            int ck = g_shape(g, in[k]).d[3];
            memcpy(g->val[out] + p * (size_t)od[3] + c0, g->val[in[k]] + p * (size_t)ck,
                   sizeof(double) * (size_t)ck);
            c0 += ck;
        }
    }
    tfl_op *op = g_op(g, TFL_OP_CONCATENATION, n, ins, out);
    op->has_options = 1;
    op->opt.axis = 3;
    return out;
}

/* MEAN over H and W of a [1,H,W,C] activation, keep_dims: [1,1,1,C], calibrated. */
static int layer_mean_hw(mk_graph *g, const char *name, int in)
{
    mk_shape si = g_shape(g, in);
    int H = si.d[1], W = si.d[2], C = si.d[3];
    int32_t od[4] = {1, 1, 1, C};
    int out = g_act(g, name, 4, od);
    for (int c = 0; c < C; c++) {
        double s = 0.0;
        for (size_t p = 0; p < (size_t)H * W; p++)
            s += g->val[in][p * (size_t)C + c];
        g->val[out][c] = s / ((double)H * W);
    }
    g_calibrate(g, out);
    char *aname = mu_asprintf("%s/axis", name);
    int32_t ad[1] = {2}, axes[2] = {1, 2};
    int at = g_const_i32(g, aname, 1, ad, axes);
    free(aname);
    int ins[2] = {in, at};
    tfl_op *op = g_op(g, TFL_OP_MEAN, 2, ins, out);
    op->has_options = 1;
    op->opt.keep_dims = 1;
    return out;
}

/*
 * The model input: an int8 tensor calibrated on the sample values (which are then quantized
 * into *sample, and the reference continues from their dequantized values, as the int8 model
 * sees them), or a float32 tensor (the sample holds the values as little-endian float32).
 * *sample is allocated (caller frees).
 */
static int g_input(mk_graph *g, const char *name, int type, int ndims, const int32_t *dims,
                   const double *values, uint8_t **sample, size_t *sample_len)
{
    int t = g_tensor(g, name, type, ndims, dims);
    size_t n = g_elems(g, t);
    g->val[t] = xcalloc(n, sizeof(double));
    memcpy(g->val[t], values, sizeof(double) * n);
    if (type == TFL_INT8) {
        g_calibrate(g, t);
        double s = (double)g_scale(g, t);
        int zp = g_zp(g, t);
        *sample = xcalloc(n, 1);
        *sample_len = n;
        for (size_t i = 0; i < n; i++) {
            double q = floor(values[i] / s + 0.5) + zp;
            q = q < -128.0 ? -128.0 : q > 127.0 ? 127.0 : q;
            (*sample)[i] = (uint8_t)(int8_t)q;
            g->val[t][i] = (q - zp) * s;
        }
    } else {
        *sample = xcalloc(n, 4);
        *sample_len = 4 * n;
        for (size_t i = 0; i < n; i++) {
            float f = (float)values[i];
            uint32_t bits;
            memcpy(&bits, &f, 4);
            put_le32(*sample + 4 * i, bits);
            g->val[t][i] = (double)f;
        }
    }
    g->m.inputs = xcalloc(1, sizeof(int));
    g->m.inputs[0] = t;
    g->m.ninputs = 1;
    return t;
}

static void g_output(mk_graph *g, int t)
{
    g->m.outputs = xcalloc(1, sizeof(int));
    g->m.outputs[0] = t;
    g->m.noutputs = 1;
}

/* ===================================================================== the models */

/*
 * kws_demo: the MLPerf Tiny keyword-spotting DS-CNN (reference architecture, 2,656,768 MACs).
 * The sample is MFCC-like: 49 frames x 10 coefficients, time-smoothed noise over a
 * "word" envelope in the middle frames, energy in coefficient 0.
 */
static void build_kws(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    enum { FRAMES = 49, COEFS = 10 };
    double raw[FRAMES + 4][COEFS], feat[FRAMES * COEFS];
    g_init(g, 0x4b575331u, "tinysim demo model kws_demo: DS-CNN keyword spotter (MLPerf Tiny "
           "KWS architecture); pseudo-random weights, NOT trained; generated by mkdemo");
    for (int t = 0; t < FRAMES + 4; t++)
        for (int k = 0; k < COEFS; k++)
            raw[t][k] = rng_uniform(&g->rng);
    for (int t = 0; t < FRAMES; t++) {
        double u = (t - 24) / 14.0, env = u * u < 1.0 ? 1.0 - u * u : 0.0;
        for (int k = 0; k < COEFS; k++) {
            double s = 0.0;
            for (int j = 0; j < 5; j++)
                s += raw[t + j][k];
            s /= 5.0;
            if (k == 0)
                feat[t * COEFS + k] = -45.0 + 60.0 * env + 6.0 * s;
            else
                feat[t * COEFS + k] = (6.0 + 30.0 * env) / (1.0 + 0.25 * k) * s * 2.0;
        }
    }
    int32_t din[4] = {1, FRAMES, COEFS, 1};
    int x = g_input(g, "input", TFL_INT8, 4, din, feat, sample, sample_len);

    x = layer_conv(g, "conv_1", x, 64, 0,
                   (conv_geom){10, 4, 2, 1, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    for (int i = 1; i <= 4; i++) {
        char dname[32], pname[32];
        snprintf(dname, sizeof dname, "dw_conv_%d", i);
        snprintf(pname, sizeof pname, "pw_conv_%d", i);
        x = layer_conv(g, dname, x, 0, 1,
                       (conv_geom){3, 3, 1, 1, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
        x = layer_conv(g, pname, x, 64, 0,
                       (conv_geom){1, 1, 1, 1, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    }
    x = layer_pool(g, "avg_pool", TFL_OP_AVERAGE_POOL_2D, x, 25, 5, 1, TFL_PAD_VALID);
    int32_t flat[2] = {1, 64};
    x = layer_reshape(g, "flatten", x, 2, flat);
    x = layer_fc(g, "logits", x, 12, QP_ACT_NONE, 2.0);
    x = layer_softmax(g, "softmax", x);
    g_output(g, x);
}

/*
 * cnn_demo: a small image CNN using the ops KWS does not: RELU6, a residual block (ADD with
 * a fused RELU), MAX_POOL_2D, PAD + VALID strided conv, a dilated depthwise conv with depth
 * multiplier 2, a 1x1 branch joined by CONCATENATION (with the int8 -> int8 QUANTIZE that
 * equal quantization needs), a squeeze-and-excitation gate (MEAN, 1x1 conv, LOGISTIC, MUL
 * broadcast over H and W), MEAN pooling, RESHAPE, FULLY_CONNECTED and SOFTMAX.
 * The sample is a smooth random 32x32 RGB pattern in [-1, 1] plus noise.
 */
static void build_cnn(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    enum { S = 32, C = 3, G = 5 };
    double coarse[G][G][C], img[S * S * C];
    g_init(g, 0x434e4e31u, "tinysim demo model cnn_demo: small CNN exercising every int8 op "
           "tinysim supports; pseudo-random weights, NOT trained; generated by mkdemo");
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++)
            for (int c = 0; c < C; c++)
                coarse[i][j][c] = rng_uniform(&g->rng);
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) {
            double fy = y * (G - 1) / (double)(S - 1), fx = x * (G - 1) / (double)(S - 1);
            int iy = (int)fy < G - 2 ? (int)fy : G - 2, ix = (int)fx < G - 2 ? (int)fx : G - 2;
            double ty = fy - iy, tx = fx - ix;
            for (int c = 0; c < C; c++) {
                double v = (1 - ty) * ((1 - tx) * coarse[iy][ix][c] + tx * coarse[iy][ix + 1][c]) +
                           ty * ((1 - tx) * coarse[iy + 1][ix][c] + tx * coarse[iy + 1][ix + 1][c]);
                v = 0.8 * v + 0.2 * rng_uniform(&g->rng);
                img[((size_t)y * S + x) * C + c] = v;
            }
        }
    int32_t din[4] = {1, S, S, C};
    int x = g_input(g, "input", TFL_INT8, 4, din, img, sample, sample_len);

    int stem = layer_conv(g, "stem", x, 16, 0,
                          (conv_geom){3, 3, 1, 1, TFL_PAD_SAME, QP_ACT_RELU6}, 1.0);
    x = layer_conv(g, "res_conv_a", stem, 16, 0,
                   (conv_geom){3, 3, 1, 1, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    x = layer_conv(g, "res_conv_b", x, 16, 0,
                   (conv_geom){3, 3, 1, 1, TFL_PAD_SAME, QP_ACT_NONE}, 0.7);
    x = layer_binary(g, "res_add", TFL_OP_ADD, x, stem, QP_ACT_RELU);
    x = layer_pool(g, "max_pool", TFL_OP_MAX_POOL_2D, x, 2, 2, 2, TFL_PAD_VALID);
    x = layer_pad(g, "pad", x, 1);
    int down = layer_conv(g, "down_conv", x, 32, 0,
                          (conv_geom){3, 3, 2, 1, TFL_PAD_VALID, QP_ACT_RELU}, 1.0);
    int branches[2];
    branches[0] = layer_conv(g, "dw_dilated", down, 0, 2,
                             (conv_geom){3, 3, 1, 2, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    branches[1] = layer_conv(g, "branch_1x1", down, 16, 0,
                             (conv_geom){1, 1, 1, 1, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    int cat = layer_concat(g, "concat", branches, 2);
    int se = layer_mean_hw(g, "se_squeeze", cat);
    se = layer_conv(g, "se_excite", se, 80, 0,
                    (conv_geom){1, 1, 1, 1, TFL_PAD_SAME, QP_ACT_NONE}, 1.0);
    se = layer_logistic(g, "se_gate", se);
    x = layer_binary(g, "se_scale", TFL_OP_MUL, cat, se, QP_ACT_NONE);
    x = layer_mean_hw(g, "global_pool", x);
    int32_t flat[2] = {1, 80};
    x = layer_reshape(g, "flatten", x, 2, flat);
    x = layer_fc(g, "logits", x, 10, QP_ACT_NONE, 2.0);
    x = layer_softmax(g, "softmax", x);
    g_output(g, x);
}

/*
 * float_io_demo: a float32 interface around an int8 MLP, as TFLite's converter produces
 * without inference_input_type / inference_output_type set: QUANTIZE, two
 * FULLY_CONNECTED layers, DEQUANTIZE. The sample is 16 uniform values in [-2, 2).
 */
static void build_float_io(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    double in[16];
    g_init(g, 0x464c5431u, "tinysim demo model float_io_demo: float32 in/out around an int8 "
           "MLP; pseudo-random weights, NOT trained; generated by mkdemo");
    for (int i = 0; i < 16; i++)
        in[i] = 2.0 * rng_uniform(&g->rng);
    int32_t din[2] = {1, 16};
    int x = g_input(g, "input", TFL_FLOAT32, 2, din, in, sample, sample_len);
    x = layer_quantize(g, "input_int8", x, -1);
    x = layer_fc(g, "dense_1", x, 8, QP_ACT_RELU, 0.0);
    x = layer_fc(g, "dense_2", x, 4, QP_ACT_NONE, 0.0);
    x = layer_dequantize(g, "output", x);
    g_output(g, x);
}

/*
 * The float32 twin of an int8 graph, as a float model before quantization would be: every
 * int8 activation becomes float32 without quantization; weights and biases become float32
 * holding their dequantized values (q x scale, per channel), the values the float reference
 * used; the int8 -> int8 QUANTIZE ops (the requantization before a CONCATENATION) go, their
 * readers reading what they read; the int8 sample becomes its dequantized float32 values.
 * float -> double -> float conversions here are exact.
 */
static void g_floatify(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    tfl_model *m = &g->m;
    /* the sample, while the input still has its quantization (a float input stays) */
    const tfl_tensor *ti = &m->tensors[m->inputs[0]];
    size_t n = g_elems(g, m->inputs[0]);
    if (ti->type == TFL_INT8) {
        uint8_t *fs = xcalloc(n, 4);
        for (size_t i = 0; i < n; i++) {
            float f = (float)(((double)(int8_t)(*sample)[i] - (double)ti->zero_point[0]) *
                              (double)ti->scale[0]);
            uint32_t bits;
            memcpy(&bits, &f, 4);
            put_le32(fs + 4 * i, bits);
        }
        free(*sample);
        *sample = fs;
        *sample_len = 4 * n;
    }
    /* drop the int8 -> int8 QUANTIZE ops */
    int kept = 0;
    for (int i = 0; i < m->nops; i++) {
        tfl_op *op = &m->ops[i];
        if (op->builtin == TFL_OP_QUANTIZE && m->tensors[op->inputs[0]].type == TFL_INT8) {
            for (int j = i + 1; j < m->nops; j++)
                for (int k = 0; k < m->ops[j].ninputs; k++)
                    if (m->ops[j].inputs[k] == op->outputs[0])
                        m->ops[j].inputs[k] = op->inputs[0];
            free(op->inputs);
            free(op->outputs);
            continue;
        }
        m->ops[kept++] = *op;
    }
    m->nops = kept;
    for (int i = 0; i < m->nops; i++)
        m->ops[i].version = 1;
    /* tensors */
    for (int t = 0; t < m->ntensors; t++) {
        tfl_tensor *x = &m->tensors[t];
        int quantized = x->nquant > 0;
        if (x->type == TFL_INT8 || (x->type == TFL_INT32 && quantized && x->data != NULL)) {
            if (x->data != NULL) {
                size_t ne = g_elems(g, t), inner = 1;
                for (int d = x->quant_dim + 1; d < x->ndims; d++)
                    inner *= (size_t)x->dims[d];
                uint8_t *fd = xcalloc(ne, 4);
                for (size_t i = 0; i < ne; i++) {
                    size_t ch = x->nquant > 1 ? (i / inner) % (size_t)x->nquant : 0;
                    double q = x->type == TFL_INT8
                                   ? (double)(int8_t)x->data[i]
                                   : (double)(int32_t)((uint32_t)x->data[4 * i] |
                                                       (uint32_t)x->data[4 * i + 1] << 8 |
                                                       (uint32_t)x->data[4 * i + 2] << 16 |
                                                       (uint32_t)x->data[4 * i + 3] << 24);
                    float f = (float)(q * (double)x->scale[ch]);
                    uint32_t bits;
                    memcpy(&bits, &f, 4);
                    put_le32(fd + 4 * i, bits);
                }
                free(g->data[t]);
                g->data[t] = fd;
                x->data = fd;
                x->data_size = 4 * ne;
            }
            x->type = TFL_FLOAT32;
            free(x->scale);
            free(x->zero_point);
            x->scale = NULL;
            x->zero_point = NULL;
            x->nquant = 0;
            x->quant_dim = 0;
        }
    }
}

/*
 * float_cnn_demo: a small float32 CNN (the float model a user has before quantizing) with
 * every float32 op the core has: CONV_2D (RELU6, SAME; strided VALID after a PAD), a residual
 * ADD with RELU, MAX_POOL_2D, a dilated DEPTHWISE_CONV_2D with depth multiplier 2, a
 * CONCATENATION, a squeeze-and-excitation gate (MEAN, 1x1 conv, LOGISTIC, MUL broadcast),
 * AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED and SOFTMAX. Built as its int8 twin, then made
 * float (g_floatify). Small (about 150 thousand MACs), so that soft-float cores run it
 * quickly. The sample: a smooth random 12x12 RGB pattern plus noise.
 */
static void build_float_cnn(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    enum { S = 12, C = 3 };
    double img[S * S * C];
    g_init(g, 0x46434e31u, "tinysim demo model float_cnn_demo: small float32 CNN exercising "
           "every float32 op tinysim supports; pseudo-random weights, NOT trained; generated "
           "by mkdemo");
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
            for (int c = 0; c < C; c++)
                img[((size_t)y * S + x) * C + c] =
                    0.6 * sin(0.5 * x + 1.3 * c) * cos(0.4 * y) + 0.3 * rng_uniform(&g->rng);
    int32_t din[4] = {1, S, S, C};
    int x = g_input(g, "input", TFL_INT8, 4, din, img, sample, sample_len);
    int stem = layer_conv(g, "stem", x, 8, 0,
                          (conv_geom){3, 3, 1, 1, TFL_PAD_SAME, QP_ACT_RELU6}, 1.0);
    x = layer_conv(g, "res_conv", stem, 8, 0,
                   (conv_geom){3, 3, 1, 1, TFL_PAD_SAME, QP_ACT_NONE}, 0.7);
    x = layer_binary(g, "res_add", TFL_OP_ADD, x, stem, QP_ACT_RELU);
    x = layer_pool(g, "max_pool", TFL_OP_MAX_POOL_2D, x, 2, 2, 2, TFL_PAD_VALID);
    x = layer_pad(g, "pad", x, 1);
    int down = layer_conv(g, "down_conv", x, 16, 0,
                          (conv_geom){3, 3, 2, 1, TFL_PAD_VALID, QP_ACT_RELU}, 1.0);
    int branches[2];
    branches[0] = layer_conv(g, "dw_dilated", down, 0, 2,
                             (conv_geom){3, 3, 1, 2, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    branches[1] = layer_conv(g, "branch_1x1", down, 8, 0,
                             (conv_geom){1, 1, 1, 1, TFL_PAD_SAME, QP_ACT_RELU}, 1.0);
    int cat = layer_concat(g, "concat", branches, 2);
    int se = layer_mean_hw(g, "se_squeeze", cat);
    se = layer_conv(g, "se_excite", se, 40, 0,
                    (conv_geom){1, 1, 1, 1, TFL_PAD_SAME, QP_ACT_NONE}, 1.0);
    se = layer_logistic(g, "se_gate", se);
    x = layer_binary(g, "se_scale", TFL_OP_MUL, cat, se, QP_ACT_NONE);
    x = layer_pool(g, "avg_pool", TFL_OP_AVERAGE_POOL_2D, x, 3, 3, 1, TFL_PAD_VALID);
    int32_t flat[2] = {1, 40};
    x = layer_reshape(g, "flatten", x, 2, flat);
    x = layer_fc(g, "logits", x, 10, QP_ACT_NONE, 2.0);
    x = layer_softmax(g, "softmax", x);
    g_output(g, x);
    g_floatify(g, sample, sample_len);
}

/*
 * Test models (mkdemo --test OUTDIR; not shipped): one float32 op over a sweep of inputs, to
 * measure how far the target's libm (newlib) rounds from the host's (glibc, which made
 * TFLM's golden files) where the float kernels call expf. ulp_logistic: 4096 inputs evenly
 * over [-10, 17] (both cutoffs of TFLM's logistic inside); ulp_softmax: 16 rows of 256
 * uniform values in [-8, 8).
 */
static void build_ulp_logistic(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    enum { N = 4096 };
    static double v[N];
    g_init(g, 0x554c5031u, "tinysim test model ulp_logistic: float32 LOGISTIC over [-10, 17]");
    for (int i = 0; i < N; i++)
        v[i] = -10.0 + 27.0 * i / (N - 1);
    int32_t d[2] = {1, N};
    int x = g_input(g, "input", TFL_FLOAT32, 2, d, v, sample, sample_len);
    x = layer_logistic(g, "logistic", x);
    g_output(g, x);
    g_floatify(g, sample, sample_len);
}

static void build_ulp_softmax(mk_graph *g, uint8_t **sample, size_t *sample_len)
{
    enum { R = 16, D = 256 };
    static double v[R * D];
    g_init(g, 0x554c5032u, "tinysim test model ulp_softmax: float32 SOFTMAX, 16 rows of 256");
    for (int i = 0; i < R * D; i++)
        v[i] = 8.0 * rng_uniform(&g->rng);
    int32_t d[2] = {R, D};
    int x = g_input(g, "input", TFL_FLOAT32, 2, d, v, sample, sample_len);
    x = layer_softmax(g, "softmax", x);
    g_output(g, x);
    g_floatify(g, sample, sample_len);
}

/* ===================================================================== output */

/*
 * Serialise g's model to dir/base.tflite and the sample to dir/base_input.bin. Before
 * writing, the image is read back and converted, so that a model tinysim would refuse is
 * never shipped. Returns 0, or 1 after printing "mkdemo: cannot write X: reason".
 */
static int emit(const mk_graph *g, const char *dir, const char *base, const uint8_t *sample,
                size_t sample_len)
{
    char *path = mu_asprintf("%s/%s.tflite", dir, base);
    char *ipath = mu_asprintf("%s/%s_input.bin", dir, base);
    char *cause = NULL;
    uint8_t *image = NULL;
    size_t len = 0;
    tfl_model back;
    cv_result res;
    int rc = 1;

    memset(&back, 0, sizeof back);
    memset(&res, 0, sizeof res);
    if (tfl_write(&g->m, &image, &len, &cause) != 0) {
        fprintf(stderr, "mkdemo: cannot write %s: %s\n", path, cause);
        goto done;
    }
    if (tfl_read(image, len, &back, &cause) != 0) {
        fprintf(stderr, "mkdemo: cannot write %s: the written model does not read back: %s\n",
                path, cause);
        goto done;
    }
    if (cv_convert(&back, base, &res, &cause) != 0) {
        fprintf(stderr, "mkdemo: cannot write %s: tinysim's converter refuses it: %s\n", path,
                cause);
        goto done;
    }
    /* models/outfile.h: each file whole, through a temporary renamed over it */
    free(cause);
    cause = NULL;
    if (mo_write_file(path, image, len, &cause) != 0 ||
        mo_write_file(ipath, sample, sample_len, &cause) != 0) {
        fprintf(stderr, "mkdemo: %s\n", cause);
        goto done;
    }
    printf("wrote %s (%zu bytes) and %s (%zu bytes)\n", path, len, ipath, sample_len);
    rc = 0;
done:
    cv_result_free(&res);
    tfl_free(&back);
    free(image);
    free(cause);
    free(path);
    free(ipath);
    return rc;
}

int main(int argc, char **argv)
{
    static void (*const builders[])(mk_graph *, uint8_t **, size_t *) = {
        build_kws, build_cnn, build_float_io, build_float_cnn,
    };
    static const char *const names[] = {"kws_demo", "cnn_demo", "float_io_demo",
                                        "float_cnn_demo"};

    static void (*const test_builders[])(mk_graph *, uint8_t **, size_t *) = {
        build_ulp_logistic, build_ulp_softmax,
    };
    static const char *const test_names[] = {"ulp_logistic", "ulp_softmax"};
    int test = argc == 3 && strcmp(argv[1], "--test") == 0;
    if (!test && (argc != 2 || argv[1][0] == '\0' || argv[1][0] == '-')) {
        fputs("usage: mkdemo OUTDIR\n"
              "       mkdemo --test OUTDIR\n"
              "Generate the demo models (pseudo-random weights) and their sample inputs in "
              "OUTDIR;\nwith --test, the test models instead (single float32 ops over input "
              "sweeps).\n", stderr);
        return 2;
    }
    const char *dir = argv[test ? 2 : 1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mkdemo: cannot write %s: %s\n", dir, strerror(errno));
        return 1;
    }
    size_t count = test ? sizeof test_names / sizeof test_names[0] : sizeof names / sizeof names[0];
    for (size_t i = 0; i < count; i++) {
        mk_graph g;
        uint8_t *sample = NULL;
        size_t sample_len = 0;
        (test ? test_builders : builders)[i](&g, &sample, &sample_len);
        int rc = emit(&g, dir, (test ? test_names : names)[i], sample, sample_len);
        free(sample);
        g_free(&g);
        if (rc != 0)
            return rc;
    }
    return 0;
}
