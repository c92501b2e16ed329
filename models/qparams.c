/*
 * Host-side fixed-point parameters for the core's int8 kernels, computed from float scales
 * the way TFLite Micro's Prepare() functions compute them (double arithmetic, libm).
 */
#include "qparams.h"

#include <math.h>
#include <stdint.h>

/* Integer bits of the kernels' fixed-point inputs, as TFLite fixes them. */
#define QP_SOFTMAX_DIFF_INTEGER_BITS 5
#define QP_LOGISTIC_INPUT_INTEGER_BITS 4
#define QP_ADD_LEFT_SHIFT 20

static int qp_scale_ok(float scale)
{
    return scale > 0.0f && isfinite(scale);
}

static int qp_zero_point_ok(int32_t zp)
{
    return INT8_MIN <= zp && zp <= INT8_MAX;
}

/* ---------------------------------------------------------------- multipliers */

/*
 * TFLite's QuantizeMultiplier (the frexp path, default double rounding): real = q * 2^shift
 * with q in [0.5, 1); mult = round(q * 2^31), ties away from zero. A q that rounds up to 2^31
 * becomes 2^30 with the shift one higher; a shift below -31 (real below about 2^-32) is
 * flushed to mult = shift = 0.
 */
int qp_quantize_multiplier(double real, int32_t *mult, int32_t *shift)
{
    *mult = 0;
    *shift = 0;
    if (!(real >= 0.0) || isinf(real))
        return -1;
    if (real == 0.0)
        return 0;

    int e;
    const double q = frexp(real, &e);
    int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
    if (q_fixed == (1ll << 31)) {
        q_fixed /= 2;
        e++;
    }
    if (e < -31) {
        e = 0;
        q_fixed = 0;
    }
    *mult = (int32_t)q_fixed;
    *shift = e;
    return 0;
}

/* TFLite's QuantizeMultiplier for a real of either sign (LEAKY_RELU's alpha may be
 * negative): the frexp path on the signed value, as TFLite computes it. */
int qp_quantize_multiplier_signed(double real, int32_t *mult, int32_t *shift)
{
    if (!(real < 0.0))
        return qp_quantize_multiplier(real, mult, shift);
    *mult = 0;
    *shift = 0;
    if (isinf(real))
        return -1;
    int e;
    const double q = frexp(real, &e);
    int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
    if (q_fixed == -(1ll << 31)) /* INT32_MIN cannot be negated by the kernel */
        return -1;
    if (e < -31) {
        e = 0;
        q_fixed = 0;
    }
    *mult = (int32_t)q_fixed;
    *shift = e;
    return 0;
}

/*
 * TFLite's QuantizeMultiplierSmallerThanOneExp: as qp_quantize_multiplier for a real in
 * (0, 1), where TFLite aborts otherwise (-1 here).
 */
static int qp_quantize_multiplier_below_one(double real, int32_t *mult, int32_t *shift)
{
    if (!(real > 0.0 && real < 1.0))
        return -1;
    if (qp_quantize_multiplier(real, mult, shift) != 0 || *shift > 0)
        return -1;
    return 0;
}

/*
 * TFLite's CalculateInputRadius: the largest input magnitude (in input quantization steps)
 * that, rescaled by 2^input_left_shift into a format with input_integer_bits integer bits out
 * of total_signed_bits, stays below the format's maximum.
 */
static int32_t qp_input_radius(int input_integer_bits, int input_left_shift,
                               int total_signed_bits)
{
    const double max_input_rescaled =
        1.0 * ((1 << input_integer_bits) - 1) *
        (double)(1ll << (total_signed_bits - input_integer_bits)) /
        (double)(1ll << input_left_shift);
    return (int32_t)floor(max_input_rescaled);
}

/* ---------------------------------------------------------------- activation range */

/*
 * TFLite's Quantize() inside CalculateActivationRangeQuantized: zero_point + round(f / scale)
 * with the division and rounding in float. -1 if the quotient does not fit in int32.
 */
static int qp_quantize_value(float scale, int32_t zero_point, float f, int32_t *q)
{
    const float tmp = roundf(f / scale);
    if (!(tmp >= -2147483648.0f && tmp <= 2147483647.0f))
        return -1;
    *q = zero_point + (int32_t)tmp;
    return 0;
}

/* CalculateActivationRangeQuantized for an int8 output. */
int qp_activation_range(int act, float scale, int32_t zero_point, int32_t *act_min,
                        int32_t *act_max)
{
    int32_t lo = INT8_MIN, hi = INT8_MAX, q;

    switch (act) {
    case QP_ACT_NONE:
        break;
    case QP_ACT_RELU:
        if (!qp_scale_ok(scale) || qp_quantize_value(scale, zero_point, 0.0f, &q) != 0)
            return -1;
        lo = q > lo ? q : lo;
        break;
    case QP_ACT_RELU6:
        if (!qp_scale_ok(scale) || qp_quantize_value(scale, zero_point, 0.0f, &q) != 0)
            return -1;
        lo = q > lo ? q : lo;
        if (qp_quantize_value(scale, zero_point, 6.0f, &q) != 0)
            return -1;
        hi = q < hi ? q : hi;
        break;
    case QP_ACT_RELU_N1_TO_1:
        if (!qp_scale_ok(scale) || qp_quantize_value(scale, zero_point, -1.0f, &q) != 0)
            return -1;
        lo = q > lo ? q : lo;
        if (qp_quantize_value(scale, zero_point, 1.0f, &q) != 0)
            return -1;
        hi = q < hi ? q : hi;
        break;
    default:
        return -1;
    }
    *act_min = lo;
    *act_max = hi;
    return 0;
}

/* ---------------------------------------------------------------- per-op parameters */

/* PopulateConvolutionQuantizationParams' per-channel loop: the effective scale in double. */
int qp_conv_multipliers(float input_scale, const float *weight_scales, int n,
                        float output_scale, int32_t *mult, int32_t *shift)
{
    if (n <= 0 || !qp_scale_ok(input_scale) || !qp_scale_ok(output_scale))
        return -1;
    for (int i = 0; i < n; i++)
        if (!qp_scale_ok(weight_scales[i]))
            return -1;
    for (int i = 0; i < n; i++) {
        const double effective = (double)input_scale * (double)weight_scales[i] /
                                 (double)output_scale;
        if (qp_quantize_multiplier(effective, &mult[i], &shift[i]) != 0)
            return -1;
    }
    return 0;
}

/*
 * TFLM's CalculateOpDataAdd for int8: both inputs are rescaled to twice the larger input
 * scale (multipliers <= 1/2) after a left shift of 20 bits of headroom, and the sum from that
 * scale, divided by 2^20, to the output scale. Every multiplier must be below one.
 */
int qp_add_params(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                  float out_scale, int32_t out_zp, int act, nn_add_params *p)
{
    if (!qp_scale_ok(in1_scale) || !qp_scale_ok(in2_scale) || !qp_scale_ok(out_scale) ||
        !qp_zero_point_ok(in1_zp) || !qp_zero_point_ok(in2_zp) || !qp_zero_point_ok(out_zp))
        return -1;

    nn_add_params r;
    r.left_shift = QP_ADD_LEFT_SHIFT;
    r.input1_offset = -in1_zp;
    r.input2_offset = -in2_zp;
    r.output_offset = out_zp;
    const double twice_max_input_scale =
        2 * (double)(in1_scale > in2_scale ? in1_scale : in2_scale);
    const double real_input1 = (double)in1_scale / twice_max_input_scale;
    const double real_input2 = (double)in2_scale / twice_max_input_scale;
    const double real_output =
        twice_max_input_scale / ((1 << QP_ADD_LEFT_SHIFT) * (double)out_scale);
    if (qp_quantize_multiplier_below_one(real_input1, &r.input1_multiplier,
                                         &r.input1_shift) != 0 ||
        qp_quantize_multiplier_below_one(real_input2, &r.input2_multiplier,
                                         &r.input2_shift) != 0 ||
        qp_quantize_multiplier_below_one(real_output, &r.output_multiplier,
                                         &r.output_shift) != 0 ||
        qp_activation_range(act, out_scale, out_zp, &r.act_min, &r.act_max) != 0)
        return -1;
    *p = r;
    return 0;
}

/* TFLM's CalculateOpDataMul for int8: one multiplier for in1_scale * in2_scale / out_scale. */
int qp_mul_params(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                  float out_scale, int32_t out_zp, int act, nn_mul_params *p)
{
    if (!qp_scale_ok(in1_scale) || !qp_scale_ok(in2_scale) || !qp_scale_ok(out_scale) ||
        !qp_zero_point_ok(in1_zp) || !qp_zero_point_ok(in2_zp) || !qp_zero_point_ok(out_zp))
        return -1;

    nn_mul_params r;
    r.input1_offset = -in1_zp;
    r.input2_offset = -in2_zp;
    r.output_offset = out_zp;
    const double real = (double)in1_scale * (double)in2_scale / (double)out_scale;
    if (qp_quantize_multiplier(real, &r.output_multiplier, &r.output_shift) != 0 ||
        qp_activation_range(act, out_scale, out_zp, &r.act_min, &r.act_max) != 0)
        return -1;
    *p = r;
    return 0;
}

/*
 * TFLM's CalculateSoftmaxParams for int8 (PreprocessSoftmaxScaling): input differences are
 * rescaled by beta * input_scale into Q5.26, the real multiplier capped at 2^31 - 1 (so the
 * left shift is at most 31); diff_min is minus the radius beyond which a rescaled difference
 * would not fit in Q5.26 (its exponential is negligible anyway).
 */
int qp_softmax_params(float input_scale, float beta, nn_softmax_params *p)
{
    if (!qp_scale_ok(input_scale) || !(beta > 0.0f) || !isfinite(beta))
        return -1;

    const double max_real_multiplier = (double)((1ll << 31) - 1);
    double real = (double)beta * (double)input_scale *
                  (double)(1 << (31 - QP_SOFTMAX_DIFF_INTEGER_BITS));
    if (real > max_real_multiplier)
        real = max_real_multiplier;
    /* QuantizeMultiplierGreaterThanOne */
    int32_t mult, shift;
    if (!(real > 1.0) || qp_quantize_multiplier(real, &mult, &shift) != 0 || shift < 0)
        return -1;
    p->input_multiplier = mult;
    p->input_left_shift = shift;
    p->diff_min = -qp_input_radius(QP_SOFTMAX_DIFF_INTEGER_BITS, shift, 31);
    return 0;
}

/*
 * TFLM's CalculateArithmeticOpDataLogistic for int8: the input, offset by its zero point, is
 * rescaled into Q4.27 by frexp(input_scale * 2^27) (no QuantizeMultiplier fix-ups: a float
 * scale cannot round up to 2^31); inputs at or beyond the radius saturate. -1 for scales
 * below 2^-28, where the left shift would be negative (TFLite's radius computation is then
 * undefined).
 */
int qp_logistic_params(float input_scale, int32_t input_zp, nn_logistic_params *p)
{
    if (!qp_scale_ok(input_scale) || !qp_zero_point_ok(input_zp))
        return -1;

    const double real = (double)input_scale *
                        (double)(1 << (31 - QP_LOGISTIC_INPUT_INTEGER_BITS));
    int shift;
    const double q = frexp(real, &shift);
    const int64_t q_fixed = (int64_t)round(q * (double)(1ll << 31));
    if (shift < 0 || shift > 62 || q_fixed > INT32_MAX)
        return -1;
    p->input_zero_point = input_zp;
    p->input_multiplier = (int32_t)q_fixed;
    p->input_left_shift = shift;
    p->input_range_radius = qp_input_radius(QP_LOGISTIC_INPUT_INTEGER_BITS, shift, 31);
    return 0;
}

/*
 * MEAN (int8), TFLM's reduce: QuantizeMultiplier(in_scale / out_scale) in Prepare, then at
 * Eval the division by the element count n is folded in: with s = floor(log2 n), capped at 32
 * and at 31 + shift, mult = (mult << s) / n (truncating) and shift -= s. The fold depends only
 * on n, so it is done here once.
 */
int qp_mean_params(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                   int32_t num_elements_reduced, nn_mean_params *p)
{
    if (!qp_scale_ok(in_scale) || !qp_scale_ok(out_scale) || !qp_zero_point_ok(in_zp) ||
        !qp_zero_point_ok(out_zp) || num_elements_reduced <= 0)
        return -1;

    int32_t mult, shift;
    if (qp_quantize_multiplier((double)in_scale / (double)out_scale, &mult, &shift) != 0)
        return -1;
    int s = 0;
    while (s < 62 && ((int64_t)1 << (s + 1)) <= num_elements_reduced)
        s++;
    if (s > 32)
        s = 32;
    if (s > 31 + shift)
        s = 31 + shift;
    mult = (int32_t)(((int64_t)mult << s) / num_elements_reduced);
    shift -= s;

    p->input_zero_point = in_zp;
    p->output_zero_point = out_zp;
    p->multiplier = mult;
    p->shift = shift;
    return 0;
}

/* TFLM's PrepareQuantizeReference for int8 -> int8: QuantizeMultiplier(in / out). */
int qp_requantize_params(float in_scale, float out_scale, int32_t *mult, int32_t *shift)
{
    if (!qp_scale_ok(in_scale) || !qp_scale_ok(out_scale)) {
        *mult = 0;
        *shift = 0;
        return -1;
    }
    return qp_quantize_multiplier((double)in_scale / (double)out_scale, mult, shift);
}
