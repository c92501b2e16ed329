/*
 * The .tflite -> .tsm converter: checks that the core can run the model, precomputes every
 * kernel parameter (models/qparams.c), plans the activation arena and writes the image in the
 * byte layout documented in core/nn_model.h.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/nn_model.h"
#include "convert.h"
#include "convert_int.h"
#include "qparams.h"
#include "support.h"
#include "util.h"

/* ===================================================================== byte buffers */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} bbuf;

/* Reserve n zeroed bytes at an `align`-aligned position; returns their offset. */
static size_t bb_alloc(bbuf *b, size_t n, size_t align)
{
    size_t off = (b->len + align - 1) & ~(align - 1);
    if (off + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < off + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL)
            abort();
        b->p = p;
        b->cap = cap;
    }
    memset(b->p + b->len, 0, off + n - b->len);
    b->len = off + n;
    return off;
}

static size_t bb_put(bbuf *b, const void *data, size_t n, size_t align)
{
    size_t off = bb_alloc(b, n, align);
    if (n)
        memcpy(b->p + off, data, n);
    return off;
}

/* ===================================================================== conversion state */

static void layers_free(cv_layer *layers, int n)
{
    if (layers == NULL)
        return;
    for (int i = 0; i < n; i++) {
        free(layers[i].mult);
        free(layers[i].shift);
        free(layers[i].extra);
    }
    free(layers);
}

/* The message prefix naming the current layer: "layer 3 (CONV_2D 'name')". */
int cv_fail(cv_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = mu_vasprintf(fmt, ap);
    va_end(ap);
    if (c->cur >= 0 && c->cur < c->m->nops) {
        const tfl_op *op = &c->m->ops[c->cur];
        const char *name = "";
        if (op->noutputs > 0 && op->outputs[0] >= 0 && op->outputs[0] < c->m->ntensors)
            name = c->m->tensors[op->outputs[0]].name;
        *c->cause = mu_asprintf("layer %d (%s '%s'): %s", c->cur, tfl_op_name(op->builtin),
                                name, msg);
    } else {
        *c->cause = mu_asprintf("%s", msg);
    }
    free(msg);
    return -1;
}

/* A requantization shift within what the kernels (and so the loader) take; beyond it the
 * tensors' scales are too far apart for int8 arithmetic. */
static int shift_ok(cv_ctx *c, int32_t shift, int32_t max)
{
    if (shift > max)
        return cv_fail(c, "the scales need a requantization shift of %d, beyond the kernels' %d "
                       "(input, weights and output scales too far apart)", (int)shift, (int)max);
    return 0;
}

const tfl_tensor *cv_T(cv_ctx *c, int i)
{
    return &c->m->tensors[i];
}

uint64_t cv_elements(const tfl_tensor *t)
{
    uint64_t n = 1;
    for (int i = 0; i < t->ndims; i++)
        n *= (uint64_t)(t->dims[i] > 0 ? t->dims[i] : 0);
    return n;
}

float cv_scale(const tfl_tensor *t)
{
    return t->nquant > 0 ? t->scale[0] : 0.0f;
}

int32_t cv_zp(const tfl_tensor *t)
{
    return t->nquant > 0 ? (int32_t)t->zero_point[0] : 0;
}

/* Describe why a tensor's type is not what the int8 core runs. */
static int bad_type(cv_ctx *c, int ti, const char *role, const char *want)
{
    const tfl_tensor *t = cv_T(c, ti);
    const char *hint = "";
    if (t->type == TFL_FLOAT32)
        hint = "; this looks like a float model: tinysim runs int8-quantized models "
               "(convert with full-integer quantization)";
    else if (t->type == TFL_INT16)
        hint = "; int16 (16x8) quantized models are not supported, only int8";
    else if (t->type == TFL_UINT8)
        hint = "; uint8 (legacy asymmetric) quantization is not supported, only int8";
    return cv_fail(c, "%s tensor %d '%s' is %s, expected %s%s", role, ti, t->name,
                tfl_type_name(t->type), want, hint);
}

/*
 * Check an operand: present, of the given type, at most 4-D, and for int8 activations
 * per-tensor quantized with a positive scale and an int8 zero point.
 */
int cv_need(cv_ctx *c, int ti, int type, const char *role)
{
    if (ti < 0)
        return cv_fail(c, "missing %s operand", role);
    const tfl_tensor *t = cv_T(c, ti);
    if (t->type != type)
        return bad_type(c, ti, role, tfl_type_name(type));
    if (t->ndims > 4)
        return cv_fail(c, "%s tensor %d '%s' has %d dimensions; at most 4 are supported", role, ti,
                    t->name, t->ndims);
    for (int d = 0; d < t->ndims; d++)
        if (t->dims[d] < 1 || t->dims[d] > NN_MAX_DIM)
            return cv_fail(c, "%s tensor %d '%s': dimension %d is %d (allowed 1..%d)", role, ti,
                        t->name, d, (int)t->dims[d], NN_MAX_DIM);
    if (type == TFL_INT8) {
        if (t->nquant < 1)
            return cv_fail(c, "%s tensor %d '%s' is int8 without quantization parameters", role,
                        ti, t->name);
        for (int q = 0; q < t->nquant; q++)
            if (!(t->scale[q] > 0.0f) || !isfinite(t->scale[q]))
                return cv_fail(c, "%s tensor %d '%s' has a non-positive scale %g", role, ti,
                            t->name, (double)t->scale[q]);
        if (t->zero_point[0] < -128 || t->zero_point[0] > 127)
            return cv_fail(c, "%s tensor %d '%s' has zero point %lld outside int8", role, ti,
                        t->name, (long long)t->zero_point[0]);
    }
    return 0;
}

/* An activation of the layer's type: float32, or int8 per-tensor quantized. */
int cv_need_act(cv_ctx *c, int ti, const char *role)
{
    if (c->flt)
        return cv_need(c, ti, TFL_FLOAT32, role);
    if (cv_need(c, ti, TFL_INT8, role))
        return -1;
    if (cv_T(c, ti)->nquant != 1)
        return cv_fail(c, "%s tensor %d '%s' is per-channel quantized; activations must be "
                       "per-tensor", role, ti, cv_T(c, ti)->name);
    return 0;
}

/* A constant operand (weights, bias, paddings): has data of the size its shape needs. */
int cv_need_const(cv_ctx *c, int ti, int type, const char *role)
{
    if (cv_need(c, ti, type, role))
        return -1;
    const tfl_tensor *t = cv_T(c, ti);
    size_t es = type == TFL_INT8 ? 1 : type == TFL_INT16 ? 2 : 4;
    if (t->data == NULL)
        return cv_fail(c, "%s tensor %d '%s' must be a constant (it has no data)", role, ti,
                    t->name);
    if (t->data_size != cv_elements(t) * es)
        return cv_fail(c, "%s tensor %d '%s' holds %zu bytes, its shape needs %llu", role, ti,
                    t->name, t->data_size, (unsigned long long)(cv_elements(t) * es));
    return 0;
}

/* A per-tensor quantized integer operand (int8, int16, int32) with a positive scale and a
 * zero point of its type: what TFLM's integer kernels read as params.scale/zero_point. */
int cv_need_int(cv_ctx *c, int ti, int type, const char *role)
{
    if (cv_need(c, ti, type, role))
        return -1;
    const tfl_tensor *t = cv_T(c, ti);
    if (t->nquant != 1 || !(t->scale[0] > 0.0f) || !isfinite(t->scale[0]))
        return cv_fail(c, "%s tensor %d '%s' (%s) needs one positive quantization scale", role,
                       ti, t->name, tfl_type_name(t->type));
    const int64_t lo = type == TFL_INT8 ? INT8_MIN : type == TFL_INT16 ? INT16_MIN : INT32_MIN;
    const int64_t hi = type == TFL_INT8 ? INT8_MAX : type == TFL_INT16 ? INT16_MAX : INT32_MAX;
    if (t->zero_point[0] < lo || t->zero_point[0] > hi)
        return cv_fail(c, "%s tensor %d '%s' has zero point %lld outside %s", role, ti, t->name,
                       (long long)t->zero_point[0], tfl_type_name(t->type));
    return 0;
}

/* The float clamp of a fused activation, as TFLite's CalculateActivationRange<float>. */
static int act_range_f32(cv_ctx *c, int act, nn_f32_act *a)
{
    switch (act) {
    case QP_ACT_NONE: a->act_min = -FLT_MAX; a->act_max = FLT_MAX; return 0;
    case QP_ACT_RELU: a->act_min = 0.0f; a->act_max = FLT_MAX; return 0;
    case QP_ACT_RELU_N1_TO_1: a->act_min = -1.0f; a->act_max = 1.0f; return 0;
    case QP_ACT_RELU6: a->act_min = 0.0f; a->act_max = 6.0f; return 0;
    default:
        return cv_fail(c, "fused activation %d is not supported (use NONE, RELU, RELU_N1_TO_1 or "
                       "RELU6)", act);
    }
}

static int act_range(cv_ctx *c, int act, int out, int32_t *lo, int32_t *hi)
{
    if (qp_activation_range(act, cv_scale(cv_T(c, out)), cv_zp(cv_T(c, out)), lo, hi) != 0)
        return cv_fail(c, "fused activation %d is not supported for int8 (use NONE, RELU, "
                       "RELU_N1_TO_1 or RELU6)", act);
    return 0;
}

/* Output size and top/left padding, as TFLite's ComputePaddingHeightWidth. */
static int conv_geometry(cv_ctx *c, int padding, int in, int filter, int stride, int dil,
                         int out_expected, const char *axis, int32_t *pad)
{
    int eff = (filter - 1) * dil + 1;
    int out;
    if (padding == TFL_PAD_SAME)
        out = (in + stride - 1) / stride;
    else if (padding == TFL_PAD_VALID)
        out = (in - eff + stride) / stride;
    else
        return cv_fail(c, "unknown padding type %d", padding);
    if (out < 1 || out != out_expected)
        return cv_fail(c, "output %s is %d but %s padding with input %d, filter %d, stride %d, "
                       "dilation %d gives %d", axis, out_expected,
                    padding == TFL_PAD_SAME ? "SAME" : "VALID", in, filter, stride, dil, out);
    int total = (out - 1) * stride + eff - in;
    *pad = total > 0 ? total / 2 : 0;
    return 0;
}

static int strides_ok(cv_ctx *c, int sh, int sw, int dh, int dw)
{
    if (sh < 1 || sw < 1 || sh > NN_MAX_STRIDE || sw > NN_MAX_STRIDE)
        return cv_fail(c, "stride %dx%d out of range 1..%d", sh, sw, NN_MAX_STRIDE);
    if (dh < 1 || dw < 1 || dh > NN_MAX_STRIDE || dw > NN_MAX_STRIDE)
        return cv_fail(c, "dilation %dx%d out of range 1..%d", dh, dw, NN_MAX_STRIDE);
    return 0;
}

/* Per-channel (or per-tensor) multipliers for conv / depthwise / FC. */
static int channel_multipliers(cv_ctx *c, cv_layer *L, int in, int w, int out, int n)
{
    const tfl_tensor *tw = cv_T(c, w);
    if (tw->nquant != 1 && tw->nquant != n)
        return cv_fail(c, "weights tensor '%s' has %d scales for %d output channels", tw->name,
                    tw->nquant, n);
    /* Conv weights and per-channel FC weights must be symmetric (TFLite's per-channel
     * kernels ignore a weights zero point); only per-tensor FC weights may have one. */
    for (int q = 0; q < tw->nquant; q++)
        if (tw->zero_point[q] != 0 && (L->op != NN_OP_FULLY_CONNECTED || tw->nquant > 1))
            return cv_fail(c, "weights tensor '%s' has a non-zero zero point; int8 weights must "
                           "be symmetric", tw->name);
    int nq = (L->op == NN_OP_FULLY_CONNECTED && tw->nquant == 1) ? 1 : n;
    float *scales = malloc(sizeof(float) * (size_t)nq);
    L->mult = malloc(sizeof(int32_t) * (size_t)nq);
    L->shift = malloc(sizeof(int32_t) * (size_t)nq);
    if (!scales || !L->mult || !L->shift)
        abort();
    for (int i = 0; i < nq; i++)
        scales[i] = tw->scale[tw->nquant == 1 ? 0 : i];
    L->nq = nq;
    int r = qp_conv_multipliers(cv_scale(cv_T(c, in)), scales, nq, cv_scale(cv_T(c, out)), L->mult,
                                L->shift);
    free(scales);
    if (r != 0)
        return cv_fail(c, "cannot compute requantization multipliers (bad scales)");
    for (int i = 0; i < nq; i++)
        if (shift_ok(c, L->shift[i], 30))
            return -1;
    return 0;
}

/* ===================================================================== per-op conversion */

static int op_conv(cv_ctx *c, const tfl_op *op, cv_layer *L, int depthwise)
{
    int in = op->inputs[0], w = op->inputs[1], b = op->ninputs > 2 ? op->inputs[2] : -1;
    int out = op->outputs[0];
    const tfl_options *o = &op->opt;
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_need_const(c, w, c->flt ? TFL_FLOAT32 : TFL_INT8, "weights"))
        return -1;
    if (b >= 0 && cv_need_const(c, b, c->flt ? TFL_FLOAT32 : TFL_INT32, "bias"))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *tw = cv_T(c, w), *to = cv_T(c, out);
    if (ti->ndims != 4 || tw->ndims != 4 || to->ndims != 4)
        return cv_fail(c, "input, weights and output must be 4-D (NHWC)");
    int cout = to->dims[3];
    if (ti->dims[0] != to->dims[0])
        return cv_fail(c, "batch of input (%d) and output (%d) differ", (int)ti->dims[0],
                    (int)to->dims[0]);
    nn_conv_params *p = &L->p.conv.p;
    if (depthwise) {
        if (tw->dims[0] != 1 || tw->dims[3] != cout || cout % ti->dims[3] != 0)
            return cv_fail(c, "weights shape [%d,%d,%d,%d] does not fit %d input and %d output "
                           "channels", (int)tw->dims[0], (int)tw->dims[1], (int)tw->dims[2],
                        (int)tw->dims[3], (int)ti->dims[3], cout);
        p->depth_multiplier = cout / ti->dims[3];
    } else {
        if (tw->dims[0] != cout || tw->dims[3] != ti->dims[3])
            return cv_fail(c, "weights shape [%d,%d,%d,%d] does not fit %d input and %d output "
                           "channels", (int)tw->dims[0], (int)tw->dims[1], (int)tw->dims[2],
                        (int)tw->dims[3], (int)ti->dims[3], cout);
        p->depth_multiplier = 1;
    }
    if (b >= 0 && cv_elements(cv_T(c, b)) != (uint64_t)cout)
        return cv_fail(c, "bias has %llu values for %d output channels",
                    (unsigned long long)cv_elements(cv_T(c, b)), cout);
    if (strides_ok(c, o->stride_h, o->stride_w, o->dilation_h, o->dilation_w))
        return -1;
    p->stride_h = o->stride_h;
    p->stride_w = o->stride_w;
    p->dilation_h = o->dilation_h;
    p->dilation_w = o->dilation_w;
    if (conv_geometry(c, o->padding, ti->dims[1], tw->dims[1], o->stride_h, o->dilation_h,
                      to->dims[1], "height", &p->pad_h) ||
        conv_geometry(c, o->padding, ti->dims[2], tw->dims[2], o->stride_w, o->dilation_w,
                      to->dims[2], "width", &p->pad_w))
        return -1;
    L->op = depthwise ? NN_OP_DEPTHWISE_CONV_2D : NN_OP_CONV_2D;
    L->nin = 3;
    L->in[0] = in;
    L->in[1] = w;
    L->in[2] = b;
    if (c->flt) {
        nn_f32_conv_params f = {p->stride_h, p->stride_w, p->dilation_h, p->dilation_w,
                                p->pad_h,    p->pad_w,    p->depth_multiplier, {0, 0}};
        if (act_range_f32(c, o->fused_activation, &f.act))
            return -1;
        L->p.conv_f = f;
        return 0;
    }
    p->input_offset = -cv_zp(ti);
    p->output_offset = cv_zp(to);
    if (act_range(c, o->fused_activation, out, &p->act_min, &p->act_max))
        return -1;
    return channel_multipliers(c, L, in, w, out, cout);
}

/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM (unidirectional_sequence_lstm.cc, lstm_eval_common.cc): the 24
 * TFLite operands of which TFLM Micro takes the input, the eight gate weights, the four gate
 * biases and the two state tensors (no peephole, projection or layer norm: TFLM refuses them
 * too). float32, or int8 activations and weights with int32 biases and an int16 cell state
 * (TFLM's 8x8->16 kernel); its parameters are PrepareGateParametersInteger's.
 */
static int lstm_s8_params(cv_ctx *c, const tfl_op *op, nn_lstm_s8_params *q);

static int op_lstm(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    if (op->ninputs != 24)
        return cv_fail(c, "%d operands; TFLM's LSTM takes 24", op->ninputs);
    static const int unused[] = {9, 10, 11, 16, 17, 20, 21, 22, 23};
    for (size_t k = 0; k < sizeof unused / sizeof unused[0]; k++)
        if (op->inputs[unused[k]] >= 0)
            return cv_fail(c, "operand %d (peephole, projection or layer norm) is given; TFLM "
                              "Micro's LSTM supports none of them", unused[k]);
    const int in = op->inputs[0], out = op->outputs[0], hs = op->inputs[18], cs = op->inputs[19];
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_need_act(c, hs, "hidden state") ||
        (c->flt ? cv_need_act(c, cs, "cell state") : cv_need(c, cs, TFL_INT16, "cell state")))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *th = cv_T(c, hs), *tc = cv_T(c, cs);
    if (!th->is_variable || !tc->is_variable || th->data != NULL || tc->data != NULL)
        return cv_fail(c, "the hidden and cell state tensors must be variable tensors");
    if (ti->ndims != 3 || th->ndims != 2 || tc->ndims != 2)
        return cv_fail(c, "a 3-D input and 2-D state tensors are supported");
    const int tmaj = op->opt.time_major != 0;
    const int32_t B = tmaj ? ti->dims[1] : ti->dims[0], T = tmaj ? ti->dims[0] : ti->dims[1];
    const int32_t I = ti->dims[2], S = th->dims[1];
    if (th->dims[0] != B || tc->dims[0] != B || tc->dims[1] != S ||
        cv_elements(cv_T(c, out)) != (uint64_t)B * (uint64_t)T * (uint64_t)S)
        return cv_fail(c, "the state and output shapes do not follow from the input's");
    for (int k = 1; k <= 8; k++) {
        int w = op->inputs[k];
        if (w < 0 || cv_need_const(c, w, c->flt ? TFL_FLOAT32 : TFL_INT8, "weights"))
            return w < 0 ? cv_fail(c, "missing gate weights (operand %d)", k) : -1;
        const tfl_tensor *tw = cv_T(c, w);
        if (tw->ndims != 2 || tw->dims[0] != S || tw->dims[1] != (k <= 4 ? I : S))
            return cv_fail(c, "weights operand %d is not [%d, %d]", k, (int)S,
                           (int)(k <= 4 ? I : S));
        if (!c->flt && tw->nquant != 1)
            return cv_fail(c, "weights operand %d is per-channel quantized; TFLM's int8 LSTM "
                              "takes per-tensor weights", k);
        L->in[k] = w;
    }
    for (int k = 12; k <= 15; k++) {
        int b = op->inputs[k];
        if (b < 0 || cv_need_const(c, b, c->flt ? TFL_FLOAT32 : TFL_INT32, "bias"))
            return b < 0 ? cv_fail(c, "missing gate bias (operand %d)", k) : -1;
        if (cv_elements(cv_T(c, b)) != (uint64_t)S)
            return cv_fail(c, "bias operand %d has %llu values for %d states", k,
                           (unsigned long long)cv_elements(cv_T(c, b)), (int)S);
        L->in[k - 3] = b;
    }
    const int act = op->opt.fused_activation;
    if (act != 4) /* a .tflite cannot name a sigmoid; TFLM asserts on the rest */
        return cv_fail(c, "cell activation %d; TFLM's LSTM takes TANH (4)", act);
    /* the common prefix of nn_lstm_params and nn_lstm_s8_params */
    nn_lstm_params *p = &L->p.lstm;
    p->batch = B;
    p->time = T;
    p->input_dim = I;
    p->state_dim = S;
    p->time_major = tmaj;
    p->cell_activation = act;
    if (c->flt)
        p->cell_clip = op->opt.cell_clip > 0 ? op->opt.cell_clip : 0.0f;
    else if (lstm_s8_params(c, op, &L->p.lstm_s8))
        return -1;
    L->op = NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM;
    L->nin = 15;
    L->in[0] = in;
    L->in[13] = hs;
    L->in[14] = cs;
    /* four buffers of B x S: float32, or int16 */
    L->scratch = (c->flt ? 16u : 8u) * (uint32_t)B * (uint32_t)S;
    return 0;
}

/*
 * TFLite's 256-entry table of sigmoid(i / 24) in 0.16 that its int16 sigmoid and tanh
 * interpolate in: each entry is the sample plus half of the chord's error at the midpoint of
 * the segment to its right (the chord then errs equally above and below the curve), rounded;
 * the last is 65535, the table's saturation value. This reproduces TFLite's table entry for
 * entry (tensorflow/lite/kernels/internal/common.h, sigmoid_table_uint16); the closest
 * sum to a rounding tie is 0.004 away, far outside any libm's error.
 */
static void lstm_sigmoid_table(uint16_t t[256])
{
    for (int i = 0; i < 256; i++) {
        const double s0 = 65536.0 / (1.0 + exp(-i / 24.0)),
                     s1 = 65536.0 / (1.0 + exp(-(i + 1) / 24.0)),
                     mid = 65536.0 / (1.0 + exp(-(i + 0.5) / 24.0));
        const double v = floor(s0 + (mid - (s0 + s1) / 2.0) / 2.0 + 0.5);
        t[i] = i == 255 || v > 65535.0 ? 65535 : (uint16_t)v;
    }
}

/* log2 of a scale as TFLite's CheckedLog2 computes it (float log, rounded). */
static int32_t lstm_log2(float x)
{
    const float l = logf(x) * (1.0f / logf(2.0f));
    return (int32_t)(l >= 0 ? floorf(l + 0.5f) : -floorf(-l + 0.5f));
}

/* One gate FC's parameters: CalculateOpDataFullyConnected into an int16 output at 2^-12. */
static int lstm_fc(cv_ctx *c, int in, int w, nn_lstm_fc *f)
{
    const double real = (double)cv_scale(cv_T(c, in)) * (double)cv_scale(cv_T(c, w)) /
                        (double)0.000244140625f;
    f->input_offset = -cv_zp(cv_T(c, in));
    f->weights_offset = -cv_zp(cv_T(c, w));
    if (qp_quantize_multiplier(real, &f->multiplier, &f->shift) != 0 || shift_ok(c, f->shift, 30))
        return cv_fail(c, "cannot compute an LSTM gate's multiplier (bad scales)");
    return 0;
}

/* CreateInterGateMulParams: a product of two scales into a third. */
static int lstm_mul(cv_ctx *c, float s1, float s2, float out, nn_lstm_mul *m)
{
    const double real = (double)s1 * (double)s2 / (double)out;
    if (qp_quantize_multiplier(real, &m->multiplier, &m->shift) != 0 || shift_ok(c, m->shift, 30))
        return cv_fail(c, "cannot compute an LSTM state multiplier (bad scales)");
    return 0;
}

static int lstm_s8_params(cv_ctx *c, const tfl_op *op, nn_lstm_s8_params *q)
{
    const int in = op->inputs[0], hs = op->inputs[18], cs = op->inputs[19];
    /* TFLite's gate order in the operands: input, forget, cell, output */
    for (int g = 0; g < 4; g++)
        if (lstm_fc(c, in, op->inputs[1 + g], &q->gate[g][0]) ||
            lstm_fc(c, hs, op->inputs[5 + g], &q->gate[g][1]))
            return -1;
    const float cell_s = cv_scale(cv_T(c, cs)), hid_s = cv_scale(cv_T(c, hs));
    const float q15 = 0.000030517578125f; /* 2^-15: the gates' outputs */
    if (lstm_mul(c, q15, cell_s, cell_s, &q->forget_cell) ||
        lstm_mul(c, q15, q15, cell_s, &q->input_cell) ||
        lstm_mul(c, q15, q15, hid_s, &q->output_hidden))
        return -1;
    if (cv_zp(cv_T(c, cs)) != 0)
        return cv_fail(c, "the cell state has zero point %d; TFLM's int16 cell state is "
                          "symmetric", (int)cv_zp(cv_T(c, cs)));
    q->hidden_zero_point = cv_zp(cv_T(c, hs));
    q->cell_scale_power = lstm_log2(cell_s);
    /* the tanh of the cell scales it by 3 * 2^(12 + power): more than 2 overflows int32 */
    if (q->cell_scale_power < -31 || q->cell_scale_power > 2)
        return cv_fail(c, "cell state scale %g is out of range (2^-31..2^2)", (double)cell_s);
    const double clip = op->opt.cell_clip > 0 ? (double)op->opt.cell_clip / (double)cell_s : 0;
    q->cell_clip = clip > 32767.0 ? 32767 : (int32_t)clip;
    lstm_sigmoid_table(q->sigmoid_table);
    return 0;
}

/*
 * SVDF (svdf_common.cc), int8: input [batch, input_dim], feature weights [filters,
 * input_dim] int8, time weights [filters, memory] int8 or int16, bias [units] int32, state
 * [batch, filters * memory] (a variable tensor of the time weights' type), output [batch,
 * units], units = filters / rank. The checks are PrepareSvdf's. TFLM dereferences the bias
 * to check its scale whether or not there is one (it crashes without), so a model without a
 * bias is refused here rather than given a behaviour TFLM does not have. TFLM's integer
 * SVDF applies no fused activation, and neither does tinysim's.
 */
static int op_svdf(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    if (c->flt)
        return cv_fail(c, "float32 SVDF is not supported yet; tinysim runs int8 SVDF");
    if (op->ninputs != 5)
        return cv_fail(c, "%d operands; TFLM's SVDF takes 5", op->ninputs);
    const int in = op->inputs[0], wf = op->inputs[1], wt = op->inputs[2], b = op->inputs[3],
              st = op->inputs[4], out = op->outputs[0];
    if (wt < 0 || st < 0)
        return cv_fail(c, "missing time weights or state operand");
    if (b < 0)
        return cv_fail(c, "an SVDF without a bias: TFLM's SVDF reads the bias's scale "
                          "unconditionally and crashes without one, so tinysim refuses it");
    const int wide = cv_T(c, wt)->type == TFL_INT16;
    const int stype = wide ? TFL_INT16 : TFL_INT8;
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_need_const(c, wf, TFL_INT8, "feature weights") ||
        cv_need_const(c, wt, stype, "time weights") || cv_need_int(c, wt, stype, "time weights") ||
        cv_need_const(c, b, TFL_INT32, "bias") || cv_need_int(c, st, stype, "state"))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *tf = cv_T(c, wf), *tt = cv_T(c, wt), *ts = cv_T(c, st),
                     *to = cv_T(c, out), *tb = cv_T(c, b);
    if (!ts->is_variable || ts->data != NULL)
        return cv_fail(c, "the state tensor must be a variable tensor");
    if (tf->nquant < 1 || !(tf->scale[0] > 0.0f) || tb->nquant < 1)
        return cv_fail(c, "feature weights and bias need quantization scales");
    const int rank = op->opt.rank;
    if (ti->ndims != 2 || tf->ndims != 2 || tt->ndims != 2 || ts->ndims != 2 || to->ndims != 2)
        return cv_fail(c, "input, weights, state and output must be 2-D");
    const int32_t B = ti->dims[0], I = ti->dims[1], F = tf->dims[0], M = tt->dims[1];
    if (rank < 1 || F % rank != 0)
        return cv_fail(c, "rank %d does not divide the %d filters", rank, (int)F);
    const int32_t U = F / rank;
    if (tf->dims[1] != I || tt->dims[0] != F || to->dims[0] != B || to->dims[1] != U ||
        cv_elements(tb) != (uint64_t)U || ts->dims[0] != B ||
        (int64_t)ts->dims[1] != (int64_t)M * F)
        return cv_fail(c, "shapes do not agree: input [%d, %d], feature weights [%d, %d], time "
                          "weights [%d, %d], state [%d, %d], output [%d, %d], rank %d",
                       (int)B, (int)I, (int)tf->dims[0], (int)tf->dims[1], (int)tt->dims[0],
                       (int)tt->dims[1], (int)ts->dims[0], (int)ts->dims[1], (int)to->dims[0],
                       (int)to->dims[1], rank);
    /* PrepareSvdf: effective scales from float products, the bias's scale checked */
    const float s_in = cv_scale(ti), s_wf = cv_scale(tf), s_st = cv_scale(ts),
                s_wt = cv_scale(tt), s_out = cv_scale(to);
    if (fabs((double)cv_scale(tb) - (double)(s_st * s_wt)) >= 1e-5)
        return cv_fail(c, "bias scale %g is not state scale x time weights scale (%g), as "
                          "TFLM's SVDF requires", (double)cv_scale(tb), (double)(s_st * s_wt));
    nn_svdf_params *p = &L->p.svdf;
    p->batch = B;
    p->input_dim = I;
    p->filters = F;
    p->rank = rank;
    p->memory = M;
    p->input_zero_point = cv_zp(ti);
    p->state_zero_point = cv_zp(ts);
    p->output_zero_point = cv_zp(to);
    p->state_int16 = wide;
    if (qp_quantize_multiplier((double)(s_in * s_wf / s_st), &p->multiplier_1, &p->shift_1) ||
        qp_quantize_multiplier((double)(s_st * s_wt / s_out), &p->multiplier_2, &p->shift_2) ||
        shift_ok(c, p->shift_1, 30) || shift_ok(c, p->shift_2, 30))
        return cv_fail(c, "cannot compute the SVDF's multipliers (bad scales)");
    L->op = NN_OP_SVDF;
    L->nin = 5;
    L->in[0] = in;
    L->in[1] = wf;
    L->in[2] = wt;
    L->in[3] = b;
    L->in[4] = st;
    L->scratch = 4u * (uint32_t)B * (uint32_t)(F + U);
    return 0;
}

/* ComputePaddingHeightWidth's padding for one axis (dilation 1). */
static int32_t same_valid_pad(int padding, int32_t in, int32_t filter, int32_t stride)
{
    int32_t out = padding == TFL_PAD_SAME ? (in + stride - 1) / stride
                                          : (in + stride - filter) / stride;
    int32_t total = (out - 1) * stride + filter - in;
    return total > 0 ? total / 2 : 0;
}

/*
 * TRANSPOSE_CONV (transpose_conv.cc): inputs output_shape, weights [Cout,KH,KW,Cin], input,
 * bias. The padding is TFLM's: ComputePaddingHeightWidth with the output's size where a
 * convolution has its input's. int8 needs an int32 accumulator per output element, a
 * scratch buffer the arena planner places (live during the layer only).
 */
static int op_transpose_conv(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    if (op->ninputs < 3)
        return cv_fail(c, "needs output_shape, weights and input operands");
    int w = op->inputs[1], in = op->inputs[2], out = op->outputs[0];
    int b = op->ninputs > 3 ? op->inputs[3] : -1;
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_need_const(c, w, c->flt ? TFL_FLOAT32 : TFL_INT8, "weights"))
        return -1;
    if (b >= 0 && cv_need_const(c, b, c->flt ? TFL_FLOAT32 : TFL_INT32, "bias"))
        return -1;
    uint64_t ns;
    const int32_t *shape = cv_const_i32(c, op->inputs[0], "output_shape", &ns);
    if (shape == NULL)
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *tw = cv_T(c, w), *to = cv_T(c, out);
    if (ti->ndims != 4 || tw->ndims != 4 || to->ndims != 4 || ns != 4)
        return cv_fail(c, "input, weights, output and output_shape must be 4-D");
    for (int d = 0; d < 4; d++) {
        int32_t v;
        memcpy(&v, &shape[d], 4);
        if (v != to->dims[d])
            return cv_fail(c, "output_shape does not match the output tensor's shape");
    }
    const int32_t cout = to->dims[3];
    if (ti->dims[0] != to->dims[0] || tw->dims[0] != cout || tw->dims[3] != ti->dims[3])
        return cv_fail(c, "weights shape [%d,%d,%d,%d] does not fit %d input and %d output "
                          "channels", (int)tw->dims[0], (int)tw->dims[1], (int)tw->dims[2],
                       (int)tw->dims[3], (int)ti->dims[3], (int)cout);
    if (b >= 0 && cv_elements(cv_T(c, b)) != (uint64_t)cout)
        return cv_fail(c, "bias has %llu values for %d output channels",
                       (unsigned long long)cv_elements(cv_T(c, b)), (int)cout);
    const tfl_options *o = &op->opt;
    if (strides_ok(c, o->stride_h, o->stride_w, 1, 1))
        return -1;
    nn_conv_params *p = &L->p.conv.p;
    p->stride_h = o->stride_h;
    p->stride_w = o->stride_w;
    p->dilation_h = p->dilation_w = 1;
    p->depth_multiplier = 1;
    p->pad_h = same_valid_pad(o->padding, to->dims[1], tw->dims[1], o->stride_h);
    p->pad_w = same_valid_pad(o->padding, to->dims[2], tw->dims[2], o->stride_w);
    L->op = NN_OP_TRANSPOSE_CONV;
    L->nin = 3;
    L->in[0] = in;
    L->in[1] = w;
    L->in[2] = b;
    if (c->flt) {
        nn_f32_conv_params f = {p->stride_h, p->stride_w, 1, 1, p->pad_h, p->pad_w, 1, {0, 0}};
        if (act_range_f32(c, o->fused_activation, &f.act))
            return -1;
        L->p.conv_f = f;
        return 0;
    }
    p->input_offset = -cv_zp(ti);
    p->output_offset = cv_zp(to);
    if (act_range(c, o->fused_activation, out, &p->act_min, &p->act_max))
        return -1;
    if (cv_elements(to) > 0x10000000u)
        return cv_fail(c, "the output is too large for the int32 accumulators");
    L->scratch = (uint32_t)(4u * cv_elements(to));
    return channel_multipliers(c, L, in, w, out, cout);
}

static int op_fc(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], w = op->inputs[1], b = op->ninputs > 2 ? op->inputs[2] : -1;
    int out = op->outputs[0];
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_need_const(c, w, c->flt ? TFL_FLOAT32 : TFL_INT8, "weights"))
        return -1;
    if (b >= 0 && cv_need_const(c, b, c->flt ? TFL_FLOAT32 : TFL_INT32, "bias"))
        return -1;
    if (op->opt.weights_format != 0)
        return cv_fail(c, "shuffled weights format %d is not supported", op->opt.weights_format);
    const tfl_tensor *tw = cv_T(c, w);
    if (tw->ndims != 2)
        return cv_fail(c, "weights must be 2-D [out, in], not %d-D", tw->ndims);
    uint64_t accum = (uint64_t)tw->dims[1], nout = (uint64_t)tw->dims[0];
    uint64_t nin = cv_elements(cv_T(c, in));
    if (nin % accum != 0 || (nin / accum) * nout != cv_elements(cv_T(c, out)))
        return cv_fail(c, "input of %llu values, weights [%llu,%llu] and output of %llu values do "
                       "not match", (unsigned long long)nin, (unsigned long long)nout,
                    (unsigned long long)accum, (unsigned long long)cv_elements(cv_T(c, out)));
    if (b >= 0 && cv_elements(cv_T(c, b)) != nout)
        return cv_fail(c, "bias has %llu values for %llu outputs",
                    (unsigned long long)cv_elements(cv_T(c, b)), (unsigned long long)nout);
    if (c->flt) {
        L->op = NN_OP_FULLY_CONNECTED;
        L->nin = 3;
        L->in[0] = in;
        L->in[1] = w;
        L->in[2] = b;
        return act_range_f32(c, op->opt.fused_activation, &L->p.act_f);
    }
    nn_fc_params *p = &L->p.fc.p;
    p->input_offset = -cv_zp(cv_T(c, in));
    p->weights_offset = -cv_zp(tw);
    p->output_offset = cv_zp(cv_T(c, out));
    if (act_range(c, op->opt.fused_activation, out, &p->act_min, &p->act_max))
        return -1;
    L->op = NN_OP_FULLY_CONNECTED;
    L->nin = 3;
    L->in[0] = in;
    L->in[1] = w;
    L->in[2] = b;
    if (channel_multipliers(c, L, in, w, out, (int)nout))
        return -1;
    L->p.fc.quant_count = (uint32_t)L->nq;
    return 0;
}

static int op_pool(cv_ctx *c, const tfl_op *op, cv_layer *L, uint32_t nnop)
{
    int in = op->inputs[0], out = op->outputs[0];
    const tfl_options *o = &op->opt;
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output"))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    if (ti->ndims != 4 || to->ndims != 4 || ti->dims[0] != to->dims[0] ||
        ti->dims[3] != to->dims[3])
        return cv_fail(c, "input and output must be 4-D with the same batch and channels");
    if (!c->flt && (cv_scale(ti) != cv_scale(to) || cv_zp(ti) != cv_zp(to)))
        return cv_fail(c, "input and output quantization differ (scale %g/%g, zero point %d/%d); "
                       "int8 pooling keeps the input's", (double)cv_scale(ti), (double)cv_scale(to),
                    (int)cv_zp(ti), (int)cv_zp(to));
    if (o->filter_h < 1 || o->filter_w < 1 || o->filter_h > NN_MAX_DIM ||
        o->filter_w > NN_MAX_DIM)
        return cv_fail(c, "filter %dx%d out of range", o->filter_h, o->filter_w);
    if (strides_ok(c, o->stride_h, o->stride_w, 1, 1))
        return -1;
    nn_pool_params *p = &L->p.pool;
    p->stride_h = o->stride_h;
    p->stride_w = o->stride_w;
    p->filter_h = o->filter_h;
    p->filter_w = o->filter_w;
    if (conv_geometry(c, o->padding, ti->dims[1], o->filter_h, o->stride_h, 1, to->dims[1],
                      "height", &p->pad_h) ||
        conv_geometry(c, o->padding, ti->dims[2], o->filter_w, o->stride_w, 1, to->dims[2],
                      "width", &p->pad_w))
        return -1;
    L->op = nnop;
    L->nin = 1;
    L->in[0] = in;
    if (c->flt) {
        nn_f32_pool_params f = {p->stride_h, p->stride_w, p->filter_h, p->filter_w,
                                p->pad_h,    p->pad_w,    {0, 0}};
        if (act_range_f32(c, o->fused_activation, &f.act))
            return -1;
        L->p.pool_f = f;
        return 0;
    }
    return act_range(c, o->fused_activation, out, &p->act_min, &p->act_max);
}

/* Right-aligned broadcasting of a into out (each dim equal or 1), at most 4-D. */
static int broadcasts(const tfl_tensor *a, const tfl_tensor *out)
{
    if (a->ndims > out->ndims)
        return 0;
    for (int i = 0; i < a->ndims; i++) {
        int32_t x = a->dims[a->ndims - 1 - i], o = out->dims[out->ndims - 1 - i];
        if (x != o && x != 1)
            return 0;
    }
    return 1;
}

static int op_binary(cv_ctx *c, const tfl_op *op, cv_layer *L, uint32_t nnop)
{
    int a = op->inputs[0], b = op->inputs[1], out = op->outputs[0];
    if (cv_need_act(c, a, "input1") || cv_need_act(c, b, "input2") || cv_need_act(c, out, "output"))
        return -1;
    if (!broadcasts(cv_T(c, a), cv_T(c, out)) || !broadcasts(cv_T(c, b), cv_T(c, out)))
        return cv_fail(c, "input shapes do not broadcast to the output shape");
    L->op = nnop;
    L->nin = 2;
    L->in[0] = a;
    L->in[1] = b;
    if (c->flt)
        return act_range_f32(c, op->opt.fused_activation, &L->p.act_f);
    int r;
    if (nnop == NN_OP_ADD)
        r = qp_add_params(cv_scale(cv_T(c, a)), cv_zp(cv_T(c, a)), cv_scale(cv_T(c, b)), cv_zp(cv_T(c, b)),
                          cv_scale(cv_T(c, out)), cv_zp(cv_T(c, out)), op->opt.fused_activation, &L->p.add);
    else
        r = qp_mul_params(cv_scale(cv_T(c, a)), cv_zp(cv_T(c, a)), cv_scale(cv_T(c, b)), cv_zp(cv_T(c, b)),
                          cv_scale(cv_T(c, out)), cv_zp(cv_T(c, out)), op->opt.fused_activation, &L->p.mul);
    if (r != 0)
        return cv_fail(c, "cannot compute parameters (bad scales or unsupported fused activation "
                       "%d)", op->opt.fused_activation);
    if (nnop == NN_OP_MUL && shift_ok(c, L->p.mul.output_shift, 15))
        return -1;
    return 0;
}

int cv_same_elements(cv_ctx *c, int in, int out)
{
    if (cv_elements(cv_T(c, in)) != cv_elements(cv_T(c, out)))
        return cv_fail(c, "input has %llu values, output %llu",
                    (unsigned long long)cv_elements(cv_T(c, in)),
                    (unsigned long long)cv_elements(cv_T(c, out)));
    return 0;
}

/* int8 SOFTMAX and LOGISTIC outputs must have scale 1/256 and zero point -128. */
static int need_prob_output(cv_ctx *c, int out)
{
    const tfl_tensor *t = cv_T(c, out);
    if (cv_zp(t) != -128 || fabs((double)cv_scale(t) - 1.0 / 256) > 1e-6 / 256)
        return cv_fail(c, "int8 output must have scale 1/256 and zero point -128 (has %g, %d)",
                    (double)cv_scale(t), (int)cv_zp(t));
    return 0;
}

/* An int8 SOFTMAX's int16 output: zero point -32768 and scale 1/65536 within 0.1%
 * (softmax_common.cc's TF_LITE_ENSURE_NEAR). */
static int need_prob_output16(cv_ctx *c, int out)
{
    if (cv_need_int(c, out, TFL_INT16, "output"))
        return -1;
    const tfl_tensor *t = cv_T(c, out);
    if (cv_zp(t) != -32768 || fabs((double)cv_scale(t) - 1.0 / 65536) > 0.001 / 65536)
        return cv_fail(c, "int16 output must have scale 1/65536 and zero point -32768 (has %g, "
                          "%d)", (double)cv_scale(t), (int)cv_zp(t));
    return 0;
}

static int op_activation(cv_ctx *c, const tfl_op *op, cv_layer *L, uint32_t nnop)
{
    int in = op->inputs[0], out = op->outputs[0];
    const int out16 = !c->flt && nnop == NN_OP_SOFTMAX && cv_T(c, out)->type == TFL_INT16;
    if (cv_need_act(c, in, "input") ||
        (out16 ? need_prob_output16(c, out)
               : cv_need_act(c, out, "output") || (!c->flt && need_prob_output(c, out))) ||
        cv_same_elements(c, in, out))
        return -1;
    if (cv_T(c, in)->ndims < 1)
        return cv_fail(c, "input must have at least one dimension");
    if (c->flt) {
        L->op = nnop;
        L->nin = 1;
        L->in[0] = in;
        if (nnop == NN_OP_SOFTMAX) /* LOGISTIC's float record is empty */
            L->p.softmax_f.beta = op->opt.beta;
        return 0;
    }
    int r;
    if (nnop == NN_OP_SOFTMAX)
        r = qp_softmax_params(cv_scale(cv_T(c, in)), op->opt.beta, &L->p.softmax);
    else
        r = qp_logistic_params(cv_scale(cv_T(c, in)), cv_zp(cv_T(c, in)), &L->p.logistic);
    if (r != 0)
        return cv_fail(c, "cannot compute parameters from input scale %g",
                    (double)cv_scale(cv_T(c, in)));
    if (nnop == NN_OP_LOGISTIC && shift_ok(c, L->p.logistic.input_left_shift, 31))
        return -1;
    L->op = nnop;
    L->nin = 1;
    L->in[0] = in;
    return 0;
}

static int op_reshape(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") || cv_same_elements(c, in, out))
        return -1;
    if (!c->flt && (cv_scale(cv_T(c, in)) != cv_scale(cv_T(c, out)) || cv_zp(cv_T(c, in)) != cv_zp(cv_T(c, out))))
        return cv_fail(c, "input and output quantization differ");
    L->op = NN_OP_RESHAPE;
    L->nin = 1;
    L->in[0] = in;
    return 0;
}

static int op_quantize(cv_ctx *c, const tfl_op *op, cv_layer *L, int builtin)
{
    int in = op->inputs[0], out = op->outputs[0];
    nn_tsm_quant *p = &L->p.quant;
    if (builtin == TFL_OP_DEQUANTIZE) {
        if (cv_need_act(c, in, "input") || cv_need(c, out, TFL_FLOAT32, "output"))
            return -1;
        p->kind = 0;
        p->scale = cv_scale(cv_T(c, in));
        p->zero_point = cv_zp(cv_T(c, in));
        L->op = NN_OP_DEQUANTIZE;
    } else if (cv_T(c, in)->type == TFL_FLOAT32) {
        if (cv_need(c, in, TFL_FLOAT32, "input") || cv_need_act(c, out, "output"))
            return -1;
        p->kind = 0;
        p->scale = cv_scale(cv_T(c, out));
        p->zero_point = cv_zp(cv_T(c, out));
        L->op = NN_OP_QUANTIZE;
    } else if (cv_T(c, in)->type != TFL_INT8 || cv_T(c, out)->type != TFL_INT8) {
        /* between integer types: the pairs PrepareQuantizeReference takes (cv_survey) */
        const int it = cv_T(c, in)->type, ot = cv_T(c, out)->type;
        if (cv_need_int(c, in, it, "input") || cv_need_int(c, out, ot, "output"))
            return -1;
        p->kind = 2;
        p->input_zero_point = cv_zp(cv_T(c, in));
        p->zero_point = cv_zp(cv_T(c, out));
        if (qp_requantize_params(cv_scale(cv_T(c, in)), cv_scale(cv_T(c, out)), &p->multiplier,
                                 &p->shift))
            return cv_fail(c, "cannot compute the requantization multiplier");
        if (shift_ok(c, p->shift, 30))
            return -1;
        L->op = NN_OP_QUANTIZE;
    } else {
        if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output"))
            return -1;
        p->kind = 1;
        p->input_zero_point = cv_zp(cv_T(c, in));
        p->zero_point = cv_zp(cv_T(c, out));
        if (qp_requantize_params(cv_scale(cv_T(c, in)), cv_scale(cv_T(c, out)), &p->multiplier, &p->shift))
            return cv_fail(c, "cannot compute the requantization multiplier");
        if (shift_ok(c, p->shift, 22))
            return -1;
        L->op = NN_OP_QUANTIZE;
    }
    if (cv_same_elements(c, in, out))
        return -1;
    L->nin = 1;
    L->in[0] = in;
    return 0;
}

/* Read a small constant int32 operand (PAD paddings, MEAN axes). */
const int32_t *cv_const_i32(cv_ctx *c, int ti, const char *role, uint64_t *n)
{
    if (cv_need_const(c, ti, TFL_INT32, role))
        return NULL;
    *n = cv_elements(cv_T(c, ti));
    return (const int32_t *)(const void *)cv_T(c, ti)->data;
}

static int op_pad(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    uint64_t n;
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output"))
        return -1;
    if (op->ninputs < 2)
        return cv_fail(c, "missing paddings operand");
    const int32_t *pads = cv_const_i32(c, op->inputs[1], "paddings", &n);
    if (pads == NULL)
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    if (n != 2u * (uint64_t)ti->ndims || ti->ndims != to->ndims)
        return cv_fail(c, "paddings have %llu values for a %d-D input", (unsigned long long)n,
                    ti->ndims);
    /* pad_common.cc: PAD copies the input's values raw (TFLM compares no scales) */
    nn_tsm_pad *p = &L->p.pad; /* nn_tsm_pad_f32 shares its paddings */
    int shift = 4 - ti->ndims;
    for (int d = 0; d < ti->ndims; d++) {
        int32_t before, after;
        memcpy(&before, &pads[2 * d], 4);
        memcpy(&after, &pads[2 * d + 1], 4);
        if (before < 0 || after < 0 || (int64_t)ti->dims[d] + before + after != to->dims[d])
            return cv_fail(c, "padding %d,%d of dimension %d does not give the output shape",
                        (int)before, (int)after, d);
        p->pad[d + shift][0] = before;
        p->pad[d + shift][1] = after;
    }
    const int v2 = op->builtin == TFL_OP_PADV2 && op->ninputs > 2 && op->inputs[2] >= 0;
    if (v2) { /* PADV2: constant_values, a scalar of the input's type and quantization */
        int cv = op->inputs[2];
        if (cv_need_const(c, cv, c->flt ? TFL_FLOAT32 : TFL_INT8, "constant_values"))
            return -1;
        const tfl_tensor *tc = cv_T(c, cv);
        if (cv_elements(tc) != 1)
            return cv_fail(c, "constant_values must be one value");
        if (!c->flt && (cv_zp(tc) != cv_zp(to) || (double)cv_scale(tc) != (double)cv_scale(to)))
            return cv_fail(c, "constant_values must be quantized as the output (TFLM checks "
                              "this too)");
        if (c->flt) {
            memcpy(&L->p.pad_f.pad_value, tc->data, 4);
        } else {
            p->pad_value = (int8_t)tc->data[0];
        }
    } else if (c->flt) {
        L->p.pad_f.pad_value = 0.0f; /* PAD pads float with 0 */
    } else {
        p->pad_value = cv_zp(to);
    }
    L->op = op->builtin == TFL_OP_PADV2 ? NN_OP_PADV2 : NN_OP_PAD;
    L->nin = 1;
    L->in[0] = in;
    return 0;
}

static int op_concat(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int out = op->outputs[0];
    if (cv_need_act(c, out, "output"))
        return -1;
    if (op->ninputs < 1 || op->ninputs > NN_MAX_LAYER_IO)
        return cv_fail(c, "%d inputs; 1..%d are supported", op->ninputs, NN_MAX_LAYER_IO);
    const tfl_tensor *to = cv_T(c, out);
    int axis = op->opt.axis < 0 ? op->opt.axis + to->ndims : op->opt.axis;
    if (axis < 0 || axis >= to->ndims)
        return cv_fail(c, "axis %d out of range for a %d-D output", op->opt.axis, to->ndims);
    if (op->opt.fused_activation != QP_ACT_NONE)
        return cv_fail(c, "a fused activation on CONCATENATION is not supported");
    for (int i = 0; i < op->ninputs; i++) {
        int ti = op->inputs[i];
        if (cv_need_act(c, ti, "input"))
            return -1;
        if (cv_T(c, ti)->ndims != to->ndims)
            return cv_fail(c, "input %d has rank %d, output %d", i, cv_T(c, ti)->ndims, to->ndims);
        if (!c->flt && (cv_scale(cv_T(c, ti)) != cv_scale(to) || cv_zp(cv_T(c, ti)) != cv_zp(to)))
            return cv_fail(c, "input %d quantization differs from the output's; int8 "
                           "concatenation needs identical scales and zero points", i);
        L->in[i] = ti;
    }
    L->p.concat.axis = axis + 4 - to->ndims;
    L->op = NN_OP_CONCATENATION;
    L->nin = op->ninputs;
    return 0;
}

/* MEAN, SUM, REDUCE_MAX (reduce_common.cc): the reduced axes as a mask of NHWC dims. */
static int op_mean(cv_ctx *c, const tfl_op *op, cv_layer *L, uint32_t nnop)
{
    int in = op->inputs[0], out = op->outputs[0];
    uint64_t n;
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output"))
        return -1;
    if (op->ninputs < 2)
        return cv_fail(c, "missing axis operand");
    const int32_t *axes = cv_const_i32(c, op->inputs[1], "axis", &n);
    if (axes == NULL)
        return -1;
    const tfl_tensor *ti = cv_T(c, in);
    int32_t mask = 0;
    uint64_t reduced = 1;
    for (uint64_t i = 0; i < n; i++) {
        int32_t a;
        memcpy(&a, &axes[i], 4);
        if (a < 0)
            a += ti->ndims;
        if (a < 0 || a >= ti->ndims)
            return cv_fail(c, "axis %d out of range for a %d-D input", (int)a, ti->ndims);
        int bit = 1 << (a + 4 - ti->ndims);
        if (!(mask & bit))
            reduced *= (uint64_t)ti->dims[a];
        mask |= bit;
    }
    if (mask == 0)
        return cv_fail(c, "no axis to reduce");
    if (cv_elements(ti) / reduced != cv_elements(cv_T(c, out)))
        return cv_fail(c, "output has %llu values, reducing gives %llu",
                    (unsigned long long)cv_elements(cv_T(c, out)),
                    (unsigned long long)(cv_elements(ti) / reduced));
    L->op = nnop;
    L->nin = 1;
    L->in[0] = in;
    const tfl_tensor *to = cv_T(c, out);
    if (c->flt || nnop == NN_OP_REDUCE_MAX) {
        /* int8 REDUCE_MAX compares raw values: TFLM requires equal quantization */
        if (!c->flt && ((double)cv_scale(ti) != (double)cv_scale(to) || cv_zp(ti) != cv_zp(to)))
            return cv_fail(c, "int8 REDUCE_MAX needs the output quantized as the input (TFLM "
                              "checks this too)");
        L->p.mean_f.axis_mask = mask;
        return 0;
    }
    if (nnop == NN_OP_SUM) { /* PrepareMeanOrSumHelper: QuantizeMultiplier(in / out) */
        nn_mean_params *p = &L->p.mean;
        if (qp_requantize_params(cv_scale(ti), cv_scale(to), &p->multiplier, &p->shift))
            return cv_fail(c, "cannot compute the requantization multiplier");
        p->input_zero_point = cv_zp(ti);
        p->output_zero_point = cv_zp(to);
    } else if (qp_mean_params(cv_scale(ti), cv_zp(ti), cv_scale(to), cv_zp(to),
                              (int32_t)reduced, &L->p.mean)) {
        return cv_fail(c, "cannot compute the requantization multiplier");
    }
    if (shift_ok(c, L->p.mean.shift, 31))
        return -1;
    L->p.mean.axis_mask = mask;
    return 0;
}

static int convert_op(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    const int multi = op->builtin == TFL_OP_SPLIT || op->builtin == TFL_OP_SPLIT_V ||
                      op->builtin == TFL_OP_UNPACK;
    if (op->noutputs < 1 || op->noutputs > (multi ? NN_MAX_LAYER_IO : 1))
        return cv_fail(c, "%d outputs; %s", op->noutputs,
                       multi ? "1..16 are supported" : "exactly one is supported");
    for (int j = 0; j < op->noutputs; j++)
        if (op->outputs[j] < 0)
            return cv_fail(c, "output %d is missing", j);
    if (op->ninputs < 1 || op->inputs[0] < 0)
        return cv_fail(c, "missing input operand");
    L->out = op->outputs[0];
    L->nout = 1;
    L->outs[0] = L->out;
    c->flt = op->builtin != TFL_OP_QUANTIZE && op->builtin != TFL_OP_DEQUANTIZE &&
             cv_T(c, L->out)->type == TFL_FLOAT32;
    L->flt = c->flt;
    for (int i = 0; i < NN_MAX_LAYER_IO; i++)
        L->in[i] = -1;
    int min_in = 1;
    switch (op->builtin) {
    case TFL_OP_CONV_2D:
    case TFL_OP_DEPTHWISE_CONV_2D:
    case TFL_OP_FULLY_CONNECTED:
    case TFL_OP_ADD:
    case TFL_OP_MUL:
    case TFL_OP_SUB:
    case TFL_OP_MINIMUM:
    case TFL_OP_MAXIMUM:
    case TFL_OP_PRELU: min_in = 2; break;
    default: break;
    }
    if (op->ninputs < min_in || op->inputs[min_in - 1] < 0)
        return cv_fail(c, "needs %d inputs, has %d", min_in, op->ninputs);
    if (!op->has_options) {
        switch (op->builtin) {
        case TFL_OP_CONV_2D:
        case TFL_OP_DEPTHWISE_CONV_2D:
        case TFL_OP_AVERAGE_POOL_2D:
        case TFL_OP_MAX_POOL_2D:
        case TFL_OP_CONCATENATION:
            return cv_fail(c, "builtin options missing");
        default: break;
        }
    }
    switch (op->builtin) {
    case TFL_OP_CONV_2D: return op_conv(c, op, L, 0);
    case TFL_OP_DEPTHWISE_CONV_2D: return op_conv(c, op, L, 1);
    case TFL_OP_FULLY_CONNECTED: return op_fc(c, op, L);
    case TFL_OP_TRANSPOSE_CONV: return op_transpose_conv(c, op, L);
    case TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return op_lstm(c, op, L);
    case TFL_OP_SVDF: return op_svdf(c, op, L);
    case TFL_OP_AVERAGE_POOL_2D: return op_pool(c, op, L, NN_OP_AVERAGE_POOL_2D);
    case TFL_OP_MAX_POOL_2D: return op_pool(c, op, L, NN_OP_MAX_POOL_2D);
    case TFL_OP_ADD: return op_binary(c, op, L, NN_OP_ADD);
    case TFL_OP_MUL: return op_binary(c, op, L, NN_OP_MUL);
    case TFL_OP_SOFTMAX: return op_activation(c, op, L, NN_OP_SOFTMAX);
    case TFL_OP_LOGISTIC: return op_activation(c, op, L, NN_OP_LOGISTIC);
    case TFL_OP_RESHAPE:
    case TFL_OP_SQUEEZE: return op_reshape(c, op, L);
    case TFL_OP_QUANTIZE:
    case TFL_OP_DEQUANTIZE: return op_quantize(c, op, L, op->builtin);
    case TFL_OP_PAD: return op_pad(c, op, L);
    case TFL_OP_CONCATENATION: return op_concat(c, op, L);
    case TFL_OP_MEAN: return op_mean(c, op, L, NN_OP_MEAN);
    case TFL_OP_SUM: return op_mean(c, op, L, NN_OP_SUM);
    case TFL_OP_REDUCE_MAX: return op_mean(c, op, L, NN_OP_REDUCE_MAX);
    case TFL_OP_PADV2: return op_pad(c, op, L);
    case TFL_OP_GATHER:
    case TFL_OP_RESIZE_NEAREST_NEIGHBOR:
    case TFL_OP_SPACE_TO_BATCH_ND: return cv_op_move(c, op, L);
    case TFL_OP_TRANSPOSE:
    case TFL_OP_SLICE:
    case TFL_OP_STRIDED_SLICE:
    case TFL_OP_SPLIT:
    case TFL_OP_SPLIT_V:
    case TFL_OP_UNPACK:
    case TFL_OP_PACK:
    case TFL_OP_EXPAND_DIMS:
    case TFL_OP_DEPTH_TO_SPACE:
    case TFL_OP_BATCH_TO_SPACE_ND: return cv_op_move(c, op, L);
    case TFL_OP_SUB:
    case TFL_OP_MINIMUM:
    case TFL_OP_MAXIMUM:
    case TFL_OP_PRELU:
    case TFL_OP_RELU:
    case TFL_OP_RELU6:
    case TFL_OP_LEAKY_RELU:
    case TFL_OP_HARD_SWISH:
    case TFL_OP_TANH:
    case TFL_OP_L2_NORMALIZATION:
    case TFL_OP_CAST:
    case TFL_OP_RESIZE_BILINEAR: return cv_op_elementwise(c, op, L);
    default: { /* cv_survey refuses these first; kept for a table out of step */
        char *ops = cv_supported_text();
        int r = cv_fail(c, "op %s is not supported; %s", tfl_op_name(op->builtin), ops);
        free(ops);
        return r;
    }
    }
}

/* ===================================================================== arena planning */

typedef struct {
    int idx;
    uint32_t size;
    int first;
} plan_item;

static int plan_cmp(const void *a, const void *b)
{
    const plan_item *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->idx - y->idx;
}

static int off_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b; /* pairs {offset, end} */
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static uint32_t align_up(uint32_t x, uint32_t a)
{
    return (x + a - 1) & ~(a - 1);
}

uint32_t cv_plan_arena(int n, const uint32_t *size, const int *first, const int *last,
                       uint32_t *offset)
{
    plan_item *order = malloc(sizeof(plan_item) * (size_t)(n ? n : 1));
    uint32_t *busy = malloc(sizeof(uint32_t) * 2 * (size_t)(n ? n : 1));
    char *placed = calloc((size_t)(n ? n : 1), 1);
    if (!order || !busy || !placed)
        abort();
    for (int i = 0; i < n; i++)
        order[i] = (plan_item){i, size[i], first[i]};
    qsort(order, (size_t)n, sizeof *order, plan_cmp);
    uint32_t arena = 0;
    for (int k = 0; k < n; k++) {
        int t = order[k].idx;
        int nb = 0;
        for (int j = 0; j < n; j++) {
            if (!placed[j] || first[j] > last[t] || first[t] > last[j])
                continue;
            busy[2 * nb] = offset[j];
            busy[2 * nb + 1] = offset[j] + size[j];
            nb++;
        }
        qsort(busy, (size_t)nb, 2 * sizeof(uint32_t), off_cmp);
        uint32_t cand = 0;
        for (int j = 0; j < nb; j++) {
            if (cand + size[t] <= busy[2 * j])
                break;
            if (busy[2 * j + 1] > cand)
                cand = align_up(busy[2 * j + 1], CV_ARENA_ALIGN);
        }
        offset[t] = cand;
        placed[t] = 1;
        if (cand + size[t] > arena)
            arena = cand + size[t];
    }
    free(order);
    free(busy);
    free(placed);
    return align_up(arena, CV_ARENA_ALIGN);
}

/* ===================================================================== serialisation */

typedef struct {
    int tfl;         /* tflite index */
    int is_const;
    uint32_t offset; /* arena offset or image offset */
    int first, last; /* lifetime in layer steps (arena tensors) */
} tmap_entry;

static uint32_t put_string(bbuf *s, const char *str)
{
    if (str == NULL || *str == 0)
        return 0;
    return (uint32_t)bb_put(s, str, strlen(str) + 1, 1);
}

static uint8_t nn_type_of(int tfl_type)
{
    switch (tfl_type) {
    case TFL_INT8: return NN_T_INT8;
    case TFL_INT32: return NN_T_INT32;
    case TFL_INT16: return NN_T_INT16;
    default: return NN_T_FLOAT32;
    }
}

/* Assign .tsm tensor indices in order of first use; returns the index of tflite tensor ti. */
static int map_tensor(int *tsm_of, tmap_entry *tm, int *nt, int ti)
{
    if (tsm_of[ti] < 0) {
        tsm_of[ti] = *nt;
        tm[*nt] = (tmap_entry){ti, 0, 0, -1, -1};
        (*nt)++;
    }
    return tsm_of[ti];
}

static int serialise(cv_ctx *c, const char *name, cv_result *out)
{
    const tfl_model *m = c->m;
    int nl = m->nops, nt = 0;
    int *tsm_of = malloc(sizeof(int) * (size_t)m->ntensors);
    tmap_entry *tm = calloc((size_t)m->ntensors, sizeof *tm);
    bbuf data = {0}, strings = {0}, img = {0};
    uint32_t *sizes = NULL, *offs = NULL;
    int *first = NULL, *last = NULL, *arena_idx = NULL;
    int rc = -1;
    if (!tsm_of || !tm)
        abort();
    for (int i = 0; i < m->ntensors; i++)
        tsm_of[i] = -1;

    /* Index every tensor the layers and the model's io use; mark lifetimes. */
    for (int i = 0; i < m->ninputs; i++) {
        int k = map_tensor(tsm_of, tm, &nt, m->inputs[i]);
        tm[k].first = 0;
    }
    for (int l = 0; l < nl; l++) {
        cv_layer *L = &c->layers[l];
        for (int k = 0; k < L->nin; k++) {
            if (L->in[k] < 0)
                continue;
            int x = map_tensor(tsm_of, tm, &nt, L->in[k]);
            const tfl_tensor *t = &m->tensors[L->in[k]];
            tm[x].is_const = t->data != NULL;
            if (!tm[x].is_const && t->is_variable) { /* state: alive the whole inference */
                tm[x].first = 0;
                tm[x].last = nl;
            } else if (!tm[x].is_const) {
                if (tm[x].first < 0) {
                    c->cur = l;
                    cv_fail(c, "input tensor %d '%s' is read before any layer writes it and is "
                            "not a model input", L->in[k], t->name);
                    goto done;
                }
                tm[x].last = l;
            }
        }
        for (int j = 0; j < L->nout; j++) {
            int ot = L->outs[j];
            int x = map_tensor(tsm_of, tm, &nt, ot);
            if (m->tensors[ot].data != NULL || tm[x].first >= 0) {
                c->cur = l;
                cv_fail(c, "output tensor %d '%s' is a constant or written twice", ot,
                        m->tensors[ot].name);
                goto done;
            }
            tm[x].first = l;
            if (tm[x].last < l)
                tm[x].last = l;
        }
    }
    c->cur = -1;
    for (int i = 0; i < m->noutputs; i++) {
        int k = map_tensor(tsm_of, tm, &nt, m->outputs[i]);
        /* model inputs and outputs live in the arena (the loader refuses constants there) */
        if (tm[k].first < 0 || tm[k].is_const) {
            cv_fail(c, "model output tensor %d '%s' is %s", m->outputs[i],
                 m->tensors[m->outputs[i]].name,
                 tm[k].is_const ? "a constant" : "not written by any layer");
            goto done;
        }
        tm[k].last = nl;
    }
    for (int i = 0; i < m->ninputs; i++) {
        const tfl_tensor *t = &m->tensors[m->inputs[i]];
        if (t->type != TFL_INT8 && t->type != TFL_FLOAT32 && t->type != TFL_INT32 &&
            t->type != TFL_INT16) {
            bad_type(c, m->inputs[i], "model input", "INT8, INT16, FLOAT32 or INT32");
            goto done;
        }
        if (t->data != NULL) {
            cv_fail(c, "model input tensor %d '%s' is a constant", m->inputs[i], t->name);
            goto done;
        }
    }
    if (nt > NN_MAX_TENSORS) {
        cv_fail(c, "%d tensors; at most %d are supported", nt, NN_MAX_TENSORS);
        goto done;
    }

    /* Plan the arena. */
    /* one entry per arena tensor, and one per layer scratch buffer (int8 TRANSPOSE_CONV) */
    const size_t cap = (size_t)nt + (size_t)nl + 1;
    sizes = calloc(cap, sizeof(uint32_t)); /* zeroed: GCC cannot see na <= nt */
    offs = calloc(cap, sizeof(uint32_t));
    first = calloc(cap, sizeof(int));
    last = calloc(cap, sizeof(int));
    arena_idx = calloc(cap, sizeof(int));
    if (!sizes || !offs || !first || !last || !arena_idx)
        abort();
    int na = 0;
    uint64_t unshared = 0;
    for (int k = 0; k < nt; k++) {
        if (tm[k].is_const)
            continue;
        const tfl_tensor *t = &m->tensors[tm[k].tfl];
        uint64_t bytes = cv_elements(t) * nn_type_size(nn_type_of(t->type));
        if (bytes > 0x40000000u) {
            cv_fail(c, "tensor '%s' needs %llu bytes", t->name, (unsigned long long)bytes);
            goto done;
        }
        sizes[na] = (uint32_t)bytes;
        first[na] = tm[k].first;
        last[na] = tm[k].last < tm[k].first ? tm[k].first : tm[k].last;
        arena_idx[na] = k;
        unshared += align_up((uint32_t)bytes, CV_ARENA_ALIGN);
        na++;
    }
    for (int l = 0; l < nl; l++) { /* scratch lives during its layer only */
        if (c->layers[l].scratch == 0)
            continue;
        sizes[na] = c->layers[l].scratch;
        first[na] = last[na] = l;
        arena_idx[na] = -1 - l;
        unshared += align_up(c->layers[l].scratch, CV_ARENA_ALIGN);
        na++;
    }
    uint32_t arena = cv_plan_arena(na, sizes, first, last, offs);
    for (int a = 0; a < na; a++) {
        if (arena_idx[a] >= 0)
            tm[arena_idx[a]].offset = offs[a];
        else
            c->layers[-1 - arena_idx[a]].scratch_off = offs[a];
    }

    /* Data section, built with offsets relative to its start, fixed up below. */
    uint32_t data_off = align_up(NN_TSM_HEADER_SIZE + NN_TSM_TENSOR_SIZE * (uint32_t)nt +
                                     NN_TSM_LAYER_SIZE * (uint32_t)nl, 16);
    bb_put(&strings, "", 1, 1);
    uint32_t name_off = put_string(&strings, name);

    size_t io = bb_alloc(&data, 2u * (size_t)(m->ninputs + m->noutputs), 2);
    for (int i = 0; i < m->ninputs; i++)
        ((uint16_t *)(void *)(data.p + io))[i] = (uint16_t)tsm_of[m->inputs[i]];
    for (int i = 0; i < m->noutputs; i++)
        ((uint16_t *)(void *)(data.p + io))[m->ninputs + i] = (uint16_t)tsm_of[m->outputs[i]];

    /* Constant tensors, 16-aligned, and per-channel scales. */
    uint32_t *qoff = calloc((size_t)nt, sizeof(uint32_t));
    if (!qoff)
        abort();
    for (int k = 0; k < nt; k++) {
        const tfl_tensor *t = &m->tensors[tm[k].tfl];
        if (tm[k].is_const)
            tm[k].offset = data_off + (uint32_t)bb_put(&data, t->data, t->data_size, 16);
        if (t->nquant > 1)
            qoff[k] = data_off + (uint32_t)bb_put(&data, t->scale, 4u * (size_t)t->nquant, 4);
    }

    nn_tsm_layer *lrec = calloc((size_t)nl, sizeof *lrec);
    if (!lrec)
        abort();
    for (int l = 0; l < nl; l++) {
        cv_layer *L = &c->layers[l];
        if (L->nq > 0) {
            uint32_t mo = data_off + (uint32_t)bb_put(&data, L->mult, 4u * (size_t)L->nq, 4);
            uint32_t so = data_off + (uint32_t)bb_put(&data, L->shift, 4u * (size_t)L->nq, 4);
            if (L->op == NN_OP_FULLY_CONNECTED) {
                L->p.fc.mult_off = mo;
                L->p.fc.shift_off = so;
            } else {
                L->p.conv.mult_off = mo;
                L->p.conv.shift_off = so;
            }
        }
        size_t psize = nn_op_params_size(L->op, L->flt);
        if (L->op >= NN_OP_TRANSPOSE && L->op <= NN_OP_BATCH_TO_SPACE_ND)
            psize *= (size_t)L->nout; /* one nn_move per output */
        lrec[l].op = (uint16_t)L->op;
        lrec[l].n_inputs = (uint8_t)L->nin;
        lrec[l].n_outputs = (uint8_t)L->nout;
        lrec[l].scratch_size = L->scratch;
        lrec[l].scratch_off = L->scratch_off;
        if (L->extra_size) { /* the record and what follows it, contiguous */
            uint8_t *rec = malloc(psize + L->extra_size);
            if (!rec)
                abort();
            memcpy(rec, &L->p, psize);
            memcpy(rec + psize, L->extra, L->extra_size);
            lrec[l].params_off = data_off + (uint32_t)bb_put(&data, rec, psize + L->extra_size, 4);
            free(rec);
            psize += L->extra_size;
        } else {
            lrec[l].params_off = data_off + (uint32_t)bb_put(&data, &L->p, psize, 4);
        }
        lrec[l].params_size = (uint32_t)psize;
        size_t lio = bb_alloc(&data, 2u * (size_t)(L->nin + L->nout), 2);
        uint16_t *ix = (uint16_t *)(void *)(data.p + lio);
        for (int k = 0; k < L->nin; k++)
            ix[k] = L->in[k] < 0 ? NN_NO_TENSOR : (uint16_t)tsm_of[L->in[k]];
        for (int j = 0; j < L->nout; j++)
            ix[L->nin + j] = (uint16_t)tsm_of[L->outs[j]];
        lrec[l].io_off = data_off + (uint32_t)lio;
        lrec[l].name = put_string(&strings, m->tensors[L->out].name);
    }

    uint32_t *tname = malloc(sizeof(uint32_t) * (size_t)nt);
    if (!tname)
        abort();
    for (int k = 0; k < nt; k++)
        tname[k] = put_string(&strings, m->tensors[tm[k].tfl].name);

    /* Assemble: header, tensors, layers, data, strings. */
    bb_alloc(&img, data_off, 16);
    bb_put(&img, data.p, data.len, 16);
    uint32_t strings_off = (uint32_t)bb_put(&img, strings.p, strings.len, 4);
    bb_alloc(&img, 0, 16);
    nn_tsm_header h;
    memset(&h, 0, sizeof h);
    h.magic = NN_TSM_MAGIC;
    h.version = NN_TSM_VERSION;
    h.header_size = NN_TSM_HEADER_SIZE;
    h.total_size = (uint32_t)img.len;
    h.n_tensors = (uint32_t)nt;
    h.tensors_off = NN_TSM_HEADER_SIZE;
    h.n_layers = (uint32_t)nl;
    h.layers_off = NN_TSM_HEADER_SIZE + NN_TSM_TENSOR_SIZE * (uint32_t)nt;
    h.data_off = data_off;
    h.data_size = (uint32_t)data.len;
    h.strings_off = strings_off;
    h.strings_size = (uint32_t)strings.len;
    h.arena_size = arena;
    h.n_inputs = (uint16_t)m->ninputs;
    h.n_outputs = (uint16_t)m->noutputs;
    h.io_off = data_off + (uint32_t)io;
    h.name = name_off;
    for (int k = 0; k < nt; k++) {
        const tfl_tensor *t = &m->tensors[tm[k].tfl];
        nn_tsm_tensor r;
        memset(&r, 0, sizeof r);
        r.type = nn_type_of(t->type);
        r.ndims = (uint8_t)t->ndims;
        for (int d = 0; d < t->ndims; d++)
            r.dims[d] = t->dims[d];
        r.storage = tm[k].is_const ? NN_S_CONST : NN_S_ARENA;
        if (!tm[k].is_const && t->is_variable)
            r.flags = NN_TENSOR_VARIABLE;
        r.offset = tm[k].offset;
        r.size = (uint32_t)(cv_elements(t) * nn_type_size(r.type));
        r.scale = cv_scale(t);
        r.zero_point = cv_zp(t);
        r.name = tname[k];
        r.nquant = t->nquant > 1 ? (uint32_t)t->nquant : 0;
        r.quant_off = qoff[k];
        memcpy(img.p + NN_TSM_HEADER_SIZE + NN_TSM_TENSOR_SIZE * (size_t)k, &r, sizeof r);
    }
    memcpy(img.p + h.layers_off, lrec, sizeof(nn_tsm_layer) * (size_t)nl);
    memcpy(img.p, &h, sizeof h);
    free(qoff);
    free(lrec);
    free(tname);
    if (img.len > 0xffffffffu) {
        cv_fail(c, "compiled model larger than 4 GiB");
        goto done;
    }
    h.crc32 = nn_crc32(0, img.p + 16, img.len - 16);
    memcpy(img.p + 12, &h.crc32, 4);

    out->image = img.p;
    out->size = img.len;
    out->arena_size = arena;
    out->arena_unshared = (uint32_t)(unshared > 0xffffffffu ? 0xffffffffu : unshared);
    img.p = NULL;
    rc = 0;
done:
    free(tsm_of);
    free(tm);
    free(data.p);
    free(strings.p);
    free(img.p);
    free(sizes);
    free(offs);
    free(first);
    free(last);
    free(arena_idx);
    return rc;
}

int cv_convert(const tfl_model *m, const char *name, cv_result *out, char **cause)
{
    cv_ctx c = {m, cause, NULL, -1, 0};
    int rc = -1;
    if (m->nsubgraphs != 1)
        return cv_fail(&c, "the model has %d subgraphs; tinysim runs single-subgraph models "
                        "(no control flow)", m->nsubgraphs);
    if (m->nops < 1 || m->nops > NN_MAX_LAYERS)
        return cv_fail(&c, "the model has %d operators; 1..%d are supported", m->nops,
                    NN_MAX_LAYERS);
    if (m->ninputs < 1 || m->ninputs > NN_MAX_IO || m->noutputs < 1 || m->noutputs > NN_MAX_IO)
        return cv_fail(&c, "the model has %d inputs and %d outputs; 1..%d of each are supported",
                    m->ninputs, m->noutputs, NN_MAX_IO);
    if (cv_survey(m, cause) != 0)
        return -1;
    c.layers = calloc((size_t)m->nops, sizeof(cv_layer));
    if (c.layers == NULL)
        abort();
    for (int i = 0; i < m->nops; i++) {
        c.cur = i;
        if (convert_op(&c, &m->ops[i], &c.layers[i]) != 0)
            goto done;
    }
    c.cur = -1;
    rc = serialise(&c, name, out);
done:
    layers_free(c.layers, m->nops);
    return rc;
}

void cv_result_free(cv_result *r)
{
    if (r == NULL)
        return;
    free(r->image);
    memset(r, 0, sizeof *r);
}
