/*
 * The converter's elementwise ops beyond ADD and MUL: SUB, MINIMUM, MAXIMUM, PRELU, RELU,
 * RELU6, LEAKY_RELU, HARD_SWISH and TANH, int8 and float32. The int8 parameters are computed
 * as TFLM's Prepare functions compute them (tensorflow/lite/micro/kernels/sub_common.cc,
 * prelu_common.cc, activations_common.cc, leaky_relu_common.cc, hard_swish_common.cc,
 * tanh.cc), down to which quotients TFLM forms in float and which in double. TFLM checks
 * little here (MINIMUM and MAXIMUM have no Prepare at all: they compare raw int8 values
 * whatever the scales), and so does this.
 */
#include <math.h>
#include <string.h>

#include "convert_int.h"
#include "qparams.h"

/* Broadcastable right-aligned: each of a's dims equals out's or is 1. */
static int broadcasts_to(const tfl_tensor *a, const tfl_tensor *out)
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

static int binary(cv_ctx *c, const tfl_op *op, cv_layer *L, uint32_t nnop)
{
    if (op->ninputs < 2 || op->inputs[1] < 0)
        return cv_fail(c, "needs two inputs");
    int a = op->inputs[0], b = op->inputs[1], out = op->outputs[0];
    /* PRELU's alpha may be per-channel quantized? TFLM reads alpha's first scale only. */
    if (cv_need_act(c, a, "input1") || cv_need_act(c, out, "output"))
        return -1;
    if (nnop == NN_OP_PRELU ? cv_need(c, b, c->flt ? TFL_FLOAT32 : TFL_INT8, "alpha")
                            : cv_need_act(c, b, "input2"))
        return -1;
    if (!broadcasts_to(cv_T(c, a), cv_T(c, out)) || !broadcasts_to(cv_T(c, b), cv_T(c, out)))
        return cv_fail(c, "input shapes do not broadcast to the output shape");
    L->op = nnop;
    L->nin = 2;
    L->in[0] = a;
    L->in[1] = b;
    const tfl_tensor *ta = cv_T(c, a), *tb = cv_T(c, b), *to = cv_T(c, out);
    switch (nnop) {
    case NN_OP_SUB: /* sub_common.cc: CalculateOpDataSub, ADD's formula */
        if (c->flt) {
            nn_f32_act *f = &L->p.act_f;
            switch (op->opt.fused_activation) {
            case 0: f->act_min = -3.40282347e+38f; f->act_max = 3.40282347e+38f; return 0;
            case 1: f->act_min = 0.0f; f->act_max = 3.40282347e+38f; return 0;
            case 2: f->act_min = -1.0f; f->act_max = 1.0f; return 0;
            case 3: f->act_min = 0.0f; f->act_max = 6.0f; return 0;
            default: return cv_fail(c, "fused activation %d is not supported",
                                    op->opt.fused_activation);
            }
        }
        if (qp_add_params(cv_scale(ta), cv_zp(ta), cv_scale(tb), cv_zp(tb), cv_scale(to),
                          cv_zp(to), op->opt.fused_activation, &L->p.add))
            return cv_fail(c, "cannot compute parameters (bad scales or unsupported fused "
                              "activation %d)", op->opt.fused_activation);
        return 0;
    case NN_OP_PRELU: { /* prelu_common.cc: CalculatePreluParams, in double */
        if (c->flt)
            return 0;
        nn_prelu_params *p = &L->p.prelu;
        double r1 = (double)cv_scale(ta) / (double)cv_scale(to);
        double r2 = (double)cv_scale(ta) * (double)cv_scale(tb) / (double)cv_scale(to);
        if (qp_quantize_multiplier(r1, &p->multiplier_1, &p->shift_1) ||
            qp_quantize_multiplier(r2, &p->multiplier_2, &p->shift_2) || p->shift_1 > 30 ||
            p->shift_2 > 30)
            return cv_fail(c, "cannot compute the multipliers from the scales");
        p->input_offset = -cv_zp(ta);
        p->alpha_offset = -cv_zp(tb);
        p->output_offset = cv_zp(to);
        return 0;
    }
    default: /* MINIMUM, MAXIMUM */
        return 0;
    }
}

/* A float32 quotient as TFLM forms it (in float), then widened to double. */
static double quot_f(float a, float b)
{
    return (double)(a / b);
}

static int unary(cv_ctx *c, const tfl_op *op, cv_layer *L, uint32_t nnop)
{
    int in = op->inputs[0], out = op->outputs[0];
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_same_elements(c, in, out))
        return -1;
    L->op = nnop;
    L->nin = 1;
    L->in[0] = in;
    if (c->flt) {
        if (nnop == NN_OP_LEAKY_RELU)
            L->p.leaky_f.alpha = op->opt.alpha;
        return 0;
    }
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    const float si = cv_scale(ti), so = cv_scale(to);
    const int32_t zi = cv_zp(ti), zo = cv_zp(to);
    switch (nnop) {
    case NN_OP_RELU: { /* activations_common.cc: CalculateReluOpData<int8_t> */
        nn_relu_params *p = &L->p.relu;
        if (qp_quantize_multiplier(quot_f(si, so), &p->multiplier, &p->shift) || p->shift > 30)
            return cv_fail(c, "cannot compute the multiplier from the scales");
        p->input_zero_point = zi;
        p->output_zero_point = zo;
        p->act_min = zo > -128 ? zo : -128; /* max(-128, zp + round(0 / scale)) */
        p->act_max = 127;
        return 0;
    }
    case NN_OP_RELU6: { /* Relu6Prepare: the input's zero point and its quantized 6 */
        int32_t six = (int32_t)roundf(6.0f / si) + zi;
        six = six < -128 ? -128 : six > 127 ? 127 : six;
        L->p.clamp.lo = zi;
        L->p.clamp.hi = six;
        return 0;
    }
    case NN_OP_LEAKY_RELU: { /* leaky_relu_common.cc: CalculateOpDataLeakyRelu */
        nn_leaky_relu_params *p = &L->p.leaky;
        p->input_zero_point = zi;
        p->output_zero_point = zo;
        if (qp_quantize_multiplier_signed((double)(si * op->opt.alpha / so), &p->multiplier_alpha,
                                          &p->shift_alpha) ||
            qp_quantize_multiplier(quot_f(si, so), &p->multiplier_identity, &p->shift_identity) ||
            p->shift_alpha > 30 || p->shift_identity > 30)
            return cv_fail(c, "cannot compute the multipliers from alpha %g and the scales",
                           (double)op->opt.alpha);
        return 0;
    }
    case NN_OP_HARD_SWISH: { /* hard_swish_common.cc: HardSwishPrepare */
        nn_hard_swish_params *p = &L->p.hard_swish;
        p->input_zero_point = zi;
        p->output_zero_point = zo;
        const float hires = (1.0f / 128.0f) * si, reluish_scale = 3.0f / 32768.0f;
        int32_t m32, e;
        if (qp_quantize_multiplier(quot_f(hires, so), &m32, &e))
            return cv_fail(c, "cannot compute the output multiplier from the scales");
        p->output_multiplier = m32 >= INT32_MAX - (1 << 15) ? INT16_MAX : (m32 + (1 << 15)) >> 16;
        p->output_exponent = e;
        if (e > 0)
            return cv_fail(c, "the output multiplier's exponent is %d; TFLM needs it <= 0 (the "
                              "output scale is too small for the input's)", (int)e);
        if (qp_quantize_multiplier(quot_f(hires, reluish_scale), &m32, &e))
            return cv_fail(c, "cannot compute the reluish multiplier from the input scale");
        p->reluish_multiplier = m32 >= INT32_MAX - (1 << 15) ? INT16_MAX
                                                             : (m32 + (1 << 15)) >> 16;
        p->reluish_exponent = e;
        if (e < -15 || e > 15 || p->output_exponent < -15)
            return cv_fail(c, "the scales give exponents beyond the kernel's range");
        return 0;
    }
    default: /* TANH: tanh.cc, CalculateArithmeticOpData for int8: LOGISTIC's parameters */
        if (qp_logistic_params(si, zi, &L->p.logistic))
            return cv_fail(c, "cannot compute parameters from input scale %g", (double)si);
        return 0;
    }
}

/* L2_NORMALIZATION (l2norm.cc): over the last dimension, no fused activation. */
static int l2norm(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output") ||
        cv_same_elements(c, in, out))
        return -1;
    if (cv_T(c, in)->ndims < 1 || cv_T(c, in)->ndims != cv_T(c, out)->ndims)
        return cv_fail(c, "input and output must have the same rank, at least 1");
    if (op->opt.fused_activation != 0)
        return cv_fail(c, "a fused activation on L2_NORMALIZATION is not supported (TFLM "
                          "refuses it too)");
    L->op = NN_OP_L2_NORMALIZATION;
    L->nin = 1;
    L->in[0] = in;
    L->p.l2norm.input_zero_point = c->flt ? 0 : cv_zp(cv_T(c, in));
    return 0;
}

/* CAST (cast.cc) between int8, int32 and float32: raw values, static_cast. */
static int cast(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    for (int k = 0; k < 2; k++) {
        const tfl_tensor *t = k ? to : ti;
        if (t->type != TFL_INT8 && t->type != TFL_INT32 && t->type != TFL_FLOAT32)
            return cv_fail(c, "%s tensor '%s' is %s; CAST takes int8, int32 and float32",
                           k ? "output" : "input", t->name, tfl_type_name(t->type));
        if (t->ndims > 4)
            return cv_fail(c, "tensor '%s' has %d dimensions; at most 4 are supported",
                           t->name, t->ndims);
    }
    if (cv_same_elements(c, in, out))
        return -1;
    L->op = NN_OP_CAST;
    L->nin = 1;
    L->in[0] = in;
    /* a float32 side makes it a float layer (nn_layer_is_float); its record is empty */
    L->flt = ti->type == TFL_FLOAT32 || to->type == TFL_FLOAT32;
    return 0;
}

/* RESIZE_BILINEAR (resize_bilinear.cc): the size operand must be the output's shape. */
static int resize_bilinear(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    uint64_t n;
    if (op->ninputs < 2)
        return cv_fail(c, "needs input and size operands");
    if (cv_need_act(c, in, "input") || cv_need_act(c, out, "output"))
        return -1;
    const int32_t *size = cv_const_i32(c, op->inputs[1], "size", &n);
    if (size == NULL)
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    int32_t sz[2] = {0, 0};
    if (n == 2)
        memcpy(sz, size, sizeof sz);
    if (n != 2 || ti->ndims != 4 || to->ndims != 4 || to->dims[0] != ti->dims[0] ||
        to->dims[3] != ti->dims[3] || to->dims[1] != sz[0] || to->dims[2] != sz[1])
        return cv_fail(c, "a 4-D input, size [height, width] and the output of that size are "
                          "supported");
    if (op->opt.half_pixel_centers && op->opt.align_corners)
        return cv_fail(c, "half_pixel_centers and align_corners are both set; TFLM refuses "
                          "that too (half_pixel_centers needs align_corners false)");
    L->op = NN_OP_RESIZE_BILINEAR;
    L->nin = 1;
    L->in[0] = in;
    L->p.resize.align_corners = op->opt.align_corners != 0;
    L->p.resize.half_pixel_centers = op->opt.half_pixel_centers != 0;
    return 0;
}

int cv_op_elementwise(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    switch (op->builtin) {
    case TFL_OP_SUB: return binary(c, op, L, NN_OP_SUB);
    case TFL_OP_MINIMUM: return binary(c, op, L, NN_OP_MINIMUM);
    case TFL_OP_MAXIMUM: return binary(c, op, L, NN_OP_MAXIMUM);
    case TFL_OP_PRELU: return binary(c, op, L, NN_OP_PRELU);
    case TFL_OP_RELU: return unary(c, op, L, NN_OP_RELU);
    case TFL_OP_RELU6: return unary(c, op, L, NN_OP_RELU6);
    case TFL_OP_LEAKY_RELU: return unary(c, op, L, NN_OP_LEAKY_RELU);
    case TFL_OP_HARD_SWISH: return unary(c, op, L, NN_OP_HARD_SWISH);
    case TFL_OP_TANH: return unary(c, op, L, NN_OP_TANH);
    case TFL_OP_L2_NORMALIZATION: return l2norm(c, op, L);
    case TFL_OP_CAST: return cast(c, op, L);
    case TFL_OP_RESIZE_BILINEAR: return resize_bilinear(c, op, L);
    default: return cv_fail(c, "not an elementwise op");
    }
}
