/*
 * Activation kernels with a fixed int8 output quantization (scale 1/256, zero point -128):
 * SOFTMAX and LOGISTIC, with TFLite's gemmlowp fixed-point arithmetic.
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_fixedpoint.h"
#include "nn_kernels.h"
#include "nn_math.h"

/* Integer bits of the fixed-point formats, as TFLite's kernels fix them. */
#define SOFTMAX_DIFF_INTEGER_BITS 5  /* exp() input: Q5.26 */
#define SOFTMAX_ACCUM_INTEGER_BITS 12 /* sum of exponentials: Q12.19 */
#define LOGISTIC_INPUT_INTEGER_BITS 4 /* logistic() input: Q4.27 */

/* Number of leading zero bits of x (32 for 0). */
static int nn_clz32(uint32_t x)
{
#if defined(__GNUC__)
    return x == 0 ? 32 : __builtin_clz(x);
#else
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

static int8_t nn_clamp_s8(int32_t x)
{
    return (int8_t)NN_CLAMP(x, INT8_MIN, INT8_MAX);
}

/* ---------------------------------------------------------------- softmax */

/* exp(scale * beta * diff) in Q0 for an input difference diff <= 0 that is >= diff_min. */
static int32_t nn_softmax_exp(const nn_softmax_params *p, int32_t diff)
{
    const int32_t scaled = nn_requantize(diff, p->input_multiplier, p->input_left_shift);
    return nn_fp_exp_on_negative_values(scaled, SOFTMAX_DIFF_INTEGER_BITS);
}

/*
 * One row of TFLite's int8 softmax, into int8 or (out16) int16. Differences to the row
 * maximum, rescaled by input_scale * beta into Q5.26, go through the fixed-point exp(); their sum (Q12.19) is
 * normalised into [1, 2) and inverted with 1/(1+x); each exponential times that reciprocal
 * is shifted down to 1/256 (1/65536) units. Differences below diff_min contribute nothing
 * and give the output type's minimum.
 *
 * Two cases where TFLite's kernel is not defined are made to give the quantized answer:
 * the sum is saturated rather than overflowing (only possible with depth > 4096), and a
 * sum of 2^28 or more (TFLite's TFLITE_CHECK on the exponent fails) means every
 * probability is below 1/512, so every output is -128 (with int16 output the exponent is
 * 8 lower and cannot pass 31).
 */
static void nn_softmax_row(const nn_softmax_params *p, int32_t depth, const int8_t *in,
                           void *out, int out16)
{
    int32_t max_in_row = INT8_MIN;
    for (int32_t c = 0; c < depth; c++)
        max_in_row = NN_MAX(max_in_row, (int32_t)in[c]);

    int64_t sum = 0;
    for (int32_t c = 0; c < depth; c++) {
        const int32_t diff = (int32_t)in[c] - max_in_row;
        if (diff >= p->diff_min)
            sum += nn_rdbpot(nn_softmax_exp(p, diff), SOFTMAX_ACCUM_INTEGER_BITS);
    }
    const int32_t sum_of_exps = (int32_t)NN_MIN(sum, (int64_t)INT32_MAX);

    /* The reciprocal of the sum: sum = 2^num_bits_over_unit * (1 + x), x in [0, 1). */
    const int headroom_plus_one = nn_clz32((uint32_t)sum_of_exps);
    const int num_bits_over_unit = SOFTMAX_ACCUM_INTEGER_BITS - headroom_plus_one;
    const int32_t shifted_sum_minus_one =
        (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u);
    const int32_t shifted_scale = nn_fp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
    const int exponent = num_bits_over_unit + 31 - (out16 ? 16 : 8);
    const int32_t lo = out16 ? INT16_MIN : INT8_MIN, hi = out16 ? INT16_MAX : INT8_MAX;

    for (int32_t c = 0; c < depth; c++) {
        const int32_t diff = (int32_t)in[c] - max_in_row;
        int32_t v = lo;
        if (diff >= p->diff_min && exponent <= 31) {
            const int32_t e = nn_softmax_exp(p, diff);
            v = nn_rdbpot(nn_sat_rdhm(shifted_scale, e), exponent) + lo;
            v = NN_CLAMP(v, lo, hi);
        }
        if (out16)
            ((int16_t *)out)[c] = (int16_t)v;
        else
            ((int8_t *)out)[c] = (int8_t)v;
    }
}

static int nn_softmax_args_ok(const nn_softmax_params *p, int32_t rows, int32_t depth,
                              const int8_t *input, const void *output)
{
    return p != NULL && input != NULL && output != NULL && rows > 0 && depth > 0 &&
           p->input_left_shift >= 0 && p->input_left_shift <= 31 && p->input_multiplier >= 0 &&
           p->diff_min <= 0 &&
           (NN_MIN(-(int64_t)p->diff_min, 255) << p->input_left_shift) <= INT32_MAX;
}

/*
 * SOFTMAX over the last dimension. Preconditions: the left shift is in [0, 31], diff_min <= 0,
 * and any accepted difference (|diff| <= min(-diff_min, 255)) times 2^input_left_shift fits
 * in int32 (TFLite's parameters satisfy this by construction).
 */
nn_kernel_status nn_softmax_s8(const nn_softmax_params *p, int32_t rows, int32_t depth,
                               const int8_t *input, int8_t *output)
{
    if (!nn_softmax_args_ok(p, rows, depth, input, output))
        return NN_KERNEL_EARG;
    for (int32_t r = 0; r < rows; r++) {
        const size_t base = (size_t)r * (size_t)depth;
        nn_softmax_row(p, depth, input + base, output + base, 0);
    }
    return NN_KERNEL_OK;
}

/* The same into int16 (TFLite's Softmax<int8_t, int16_t>: 16 output bits, offset -32768). */
nn_kernel_status nn_softmax_s8_s16(const nn_softmax_params *p, int32_t rows, int32_t depth,
                                   const int8_t *input, int16_t *output)
{
    if (!nn_softmax_args_ok(p, rows, depth, input, output))
        return NN_KERNEL_EARG;
    for (int32_t r = 0; r < rows; r++) {
        const size_t base = (size_t)r * (size_t)depth;
        nn_softmax_row(p, depth, input + base, output + base, 1);
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- logistic */

/*
 * LOGISTIC: inputs at or beyond +-input_range_radius (relative to the zero point) saturate
 * to 127 / -128; the others are rescaled into Q4.27, go through the fixed-point logistic()
 * and are rounded to 1/256 units. Reads each element before writing it, so output may
 * alias input. Preconditions: input_left_shift >= 0 and, unless input_range_radius is 0 (every
 * input saturates), <= 31; input_range_radius >= 0.
 */
nn_kernel_status nn_logistic_s8(const nn_logistic_params *p, int32_t size,
                                const int8_t *input, int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || size <= 0)
        return NN_KERNEL_EARG;
    if (p->input_zero_point < INT8_MIN || p->input_zero_point > INT8_MAX ||
        p->input_range_radius < 0 || p->input_multiplier < 0 || p->input_left_shift < 0 ||
        (p->input_left_shift > 31 && p->input_range_radius > 0))
        return NN_KERNEL_EARG;

    for (int32_t i = 0; i < size; i++) {
        const int32_t x = (int32_t)input[i] - p->input_zero_point;
        int8_t y;
        if (x <= -p->input_range_radius) {
            y = INT8_MIN;
        } else if (x >= p->input_range_radius) {
            y = INT8_MAX;
        } else {
            const int32_t x_q4 = nn_requantize(x, p->input_multiplier, p->input_left_shift);
            const int32_t y_q0 = nn_fp_logistic(x_q4, LOGISTIC_INPUT_INTEGER_BITS);
            /* Q0 to 1/256 units (Q8 of the output's integer part), then the -128 offset. */
            y = nn_clamp_s8(nn_rdbpot(y_q0, 31 - 8) + INT8_MIN);
        }
        output[i] = y;
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- RELU, RELU6, LEAKY_RELU */

nn_kernel_status nn_relu_s8(const nn_relu_params *p, int32_t size, const int8_t *input,
                            int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || size <= 0 || p->multiplier < 0 ||
        p->shift < -31 || p->shift > 30 || p->act_min > p->act_max ||
        p->input_zero_point < INT8_MIN || p->input_zero_point > INT8_MAX ||
        p->output_zero_point < INT8_MIN || p->output_zero_point > INT8_MAX)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        int32_t v = p->output_zero_point +
                    nn_requantize((int32_t)input[i] - p->input_zero_point, p->multiplier,
                                  p->shift);
        v = NN_CLAMP(v, p->act_min, p->act_max);
        output[i] = nn_clamp_s8(v);
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_relu6_s8(const nn_clamp_params *p, int32_t size, const int8_t *input,
                             int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || size <= 0)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = input[i];
        output[i] = nn_clamp_s8(v > p->hi ? p->hi : v < p->lo ? p->lo : v);
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_leaky_relu_s8(const nn_leaky_relu_params *p, int32_t size,
                                  const int8_t *input, int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || size <= 0 ||
        p->multiplier_identity < 0 || p->multiplier_alpha == INT32_MIN ||
        p->shift_identity < -31 || p->shift_identity > 30 || p->shift_alpha < -31 ||
        p->shift_alpha > 30 || p->input_zero_point < INT8_MIN ||
        p->input_zero_point > INT8_MAX || p->output_zero_point < INT8_MIN ||
        p->output_zero_point > INT8_MAX)
        return NN_KERNEL_EARG;
    const int negative = p->multiplier_alpha < 0;
    const int32_t alpha_mult = negative ? -p->multiplier_alpha : p->multiplier_alpha;
    for (int32_t i = 0; i < size; i++) {
        const int32_t x = (int32_t)input[i] - p->input_zero_point;
        int32_t v = p->output_zero_point;
        if (x >= 0) {
            v += nn_requantize(x, p->multiplier_identity, p->shift_identity);
        } else {
            const int32_t a = nn_requantize(x, alpha_mult, p->shift_alpha);
            v += negative ? -a : a;
        }
        output[i] = nn_clamp_s8(v);
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- HARD_SWISH */

/* gemmlowp's SaturatingRoundingDoublingHighMul on int16. */
static int16_t nn_rdhm16(int16_t a, int16_t b)
{
    if (a == b && a == INT16_MIN)
        return INT16_MAX;
    const int32_t ab = (int32_t)a * (int32_t)b;
    const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (int16_t)((ab + nudge) / (1 << 15));
}

/* TFLite's SaturatingDoublingHighMul (no rounding), int16. */
static int16_t nn_dhm16(int16_t a, int16_t b)
{
    if (a == b && a == INT16_MIN)
        return INT16_MAX;
    return (int16_t)(((int32_t)a * (int32_t)b) / (1 << 15));
}

/* TFLite's SaturatingLeftShift on int16. */
static int16_t nn_sat_shl16(int16_t v, int amount)
{
    const int64_t r = (int64_t)v * ((int64_t)1 << amount);
    return (int16_t)(r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r);
}

nn_kernel_status nn_hard_swish_s8(const nn_hard_swish_params *p, int32_t size,
                                  const int8_t *input, int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || size <= 0 ||
        p->output_exponent > 0 || p->output_exponent < -15 || p->reluish_exponent > 15 ||
        p->reluish_exponent < -15 || p->output_multiplier < INT16_MIN ||
        p->output_multiplier > INT16_MAX || p->reluish_multiplier < INT16_MIN ||
        p->reluish_multiplier > INT16_MAX || p->input_zero_point < INT8_MIN ||
        p->input_zero_point > INT8_MAX || p->output_zero_point < INT8_MIN ||
        p->output_zero_point > INT8_MAX)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const int16_t x = (int16_t)(input[i] - p->input_zero_point);
        const int16_t hires = (int16_t)(x * (1 << 7));
        const int16_t preshift = nn_rdhm16(hires, (int16_t)p->output_multiplier);
        int16_t reluish = hires;
        if (p->reluish_exponent > 0)
            reluish = nn_sat_shl16(reluish, p->reluish_exponent - 1);
        reluish = nn_rdhm16(reluish, (int16_t)p->reluish_multiplier);
        if (p->reluish_exponent > 0)
            reluish = nn_sat_shl16(reluish, 1);
        if (p->reluish_exponent < 0)
            reluish = (int16_t)nn_rdbpot(reluish, -p->reluish_exponent);
        reluish = (int16_t)((reluish + (1 << 15)) >> 1);
        const int16_t pre_out = nn_dhm16(reluish, preshift);
        int32_t v = (int16_t)nn_rdbpot(pre_out, -p->output_exponent);
        v = (int16_t)(v + p->output_zero_point);
        output[i] = nn_clamp_s8(v);
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- TANH */

/* (1 - a) / (1 + a) for a in (0, 1), Q0 (gemmlowp's one_minus_x_over_one_plus_x_for_x_in_0_1):
 * the Newton-Raphson loop of nn_fp_one_over_one_plus_x_for_x_in_0_1, then x - 1 in Q2 to Q0. */
static int32_t nn_fp_one_minus_x_over_one_plus_x(int32_t a)
{
    const int32_t c48_over_17 = 1515870810;      /* Q2 */
    const int32_t c_neg32_over_17 = -1010580540; /* Q2 */
    const int32_t one_q2 = 1 << 29;
    const int32_t half_denominator = nn_fp_rounding_half_sum(a, INT32_MAX);
    int32_t x = nn_fp_add(c48_over_17, nn_sat_rdhm(half_denominator, c_neg32_over_17));
    for (int i = 0; i < 3; i++) {
        const int32_t hdx = nn_sat_rdhm(half_denominator, x);
        x = nn_fp_add(x, nn_fp_sat_shl(nn_sat_rdhm(x, nn_fp_sub(one_q2, hdx)), 2));
    }
    return nn_fp_sat_shl(nn_fp_sub(x, one_q2), 2);
}

/* tanh(a) for a in Q(integer_bits), the result in Q0 (gemmlowp's tanh). */
static int32_t nn_fp_tanh(int32_t a, int integer_bits)
{
    if (a == 0)
        return 0;
    const int32_t n = a < 0 ? a : nn_fp_sub(0, a);
    /* -tanh(n) = tanh(|a|): exp of 2n, which is n read with one more integer bit */
    const int32_t t = nn_fp_one_minus_x_over_one_plus_x(
        nn_fp_exp_on_negative_values(n, integer_bits + 1));
    return a < 0 ? nn_fp_sub(0, t) : t;
}

nn_kernel_status nn_tanh_s8(const nn_logistic_params *p, int32_t size, const int8_t *input,
                            int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || size <= 0)
        return NN_KERNEL_EARG;
    if (p->input_zero_point < INT8_MIN || p->input_zero_point > INT8_MAX ||
        p->input_range_radius < 0 || p->input_multiplier < 0 || p->input_left_shift < 0 ||
        (p->input_left_shift > 31 && p->input_range_radius > 0))
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const int32_t x = (int32_t)input[i] - p->input_zero_point;
        int8_t y;
        if (x <= -p->input_range_radius) {
            y = INT8_MIN;
        } else if (x >= p->input_range_radius) {
            y = INT8_MAX;
        } else {
            const int32_t x_q4 = nn_requantize(x, p->input_multiplier, p->input_left_shift);
            const int32_t y_q0 = nn_fp_tanh(x_q4, LOGISTIC_INPUT_INTEGER_BITS);
            y = nn_clamp_s8(nn_rdbpot(y_q0, 31 - 7));
        }
        output[i] = y;
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- L2_NORMALIZATION */

/* TFLite's GetInvSqrtQuantizedMultiplierExp with reverse_shift -1: 1 / sqrt(input) as a
 * multiplier and a (left) shift, by five Newton-Raphson steps in gemmlowp's Q3. */
static void nn_inv_sqrt(int32_t input, int32_t *mult, int32_t *shift)
{
    if (input <= 1) {
        *mult = INT32_MAX;
        *shift = 0;
        return;
    }
    int32_t s = 11;
    while (input >= (1 << 29)) {
        input /= 4;
        ++s;
    }
    const int max_left_shift_bits = nn_clz32((uint32_t)input) - 1;
    const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
    s -= left_shift_bit_pairs;
    input = (int32_t)((uint32_t)input << (2 * left_shift_bit_pairs));
    const int32_t fp_input = input >> 1;                /* Q3 */
    const int32_t fp_half_input = nn_rdbpot(fp_input, 1); /* Q3 */
    const int32_t fp_half_three = (1 << 28) + (1 << 27); /* 1.5 in Q3 */
    int32_t x = 1 << 28;                                 /* 1.0 in Q3 */
    for (int i = 0; i < 5; i++) {
        /* x * x * x: Q6 then Q9, back to Q3 */
        const int32_t x3 = nn_fp_sat_shl(nn_sat_rdhm(nn_sat_rdhm(x, x), x), 6);
        const int32_t d = nn_fp_sub(nn_sat_rdhm(fp_half_three, x),
                                    nn_sat_rdhm(fp_half_input, x3)); /* Q6 */
        x = nn_fp_sat_shl(d, 3);
    }
    x = nn_sat_rdhm(x, 1518500250); /* times sqrt(2) / 2 in Q0: Q3 */
    if (s < 0) {
        x = (int32_t)((uint32_t)x << -s);
        s = 0;
    }
    *mult = x;
    *shift = -s;
}

nn_kernel_status nn_l2norm_s8(int32_t input_zero_point, int32_t rows, int32_t depth,
                              const int8_t *input, int8_t *output)
{
    if (input == NULL || output == NULL || rows <= 0 || depth <= 0 ||
        input_zero_point < INT8_MIN || input_zero_point > INT8_MAX || depth > 32768)
        return NN_KERNEL_EARG;
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *x = input + (size_t)r * (size_t)depth;
        int8_t *y = output + (size_t)r * (size_t)depth;
        int32_t acc = 0;
        for (int32_t c = 0; c < depth; c++) {
            const int32_t v = x[c] - input_zero_point;
            acc += v * v;
        }
        int32_t mult, shift;
        nn_inv_sqrt(acc, &mult, &shift);
        for (int32_t c = 0; c < depth; c++)
            y[c] = nn_clamp_s8(nn_requantize(x[c] - input_zero_point, mult, shift + 7));
    }
    return NN_KERNEL_OK;
}
