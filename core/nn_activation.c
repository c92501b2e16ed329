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
 * One row of TFLite's int8 softmax. Differences to the row maximum, rescaled by
 * input_scale * beta into Q5.26, go through the fixed-point exp(); their sum (Q12.19) is
 * normalised into [1, 2) and inverted with 1/(1+x); each exponential times that reciprocal
 * is shifted down to 1/256 units. Differences below diff_min contribute nothing and give
 * -128.
 *
 * Two cases where TFLite's kernel is not defined are made to give the quantized answer:
 * the sum is saturated rather than overflowing (only possible with depth > 4096), and a
 * sum of 2^28 or more (TFLite's TFLITE_CHECK on the exponent fails) means every
 * probability is below 1/512, so every output is -128.
 */
static void nn_softmax_row(const nn_softmax_params *p, int32_t depth, const int8_t *in,
                           int8_t *out)
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
    const int exponent = num_bits_over_unit + 31 - 8;

    for (int32_t c = 0; c < depth; c++) {
        const int32_t diff = (int32_t)in[c] - max_in_row;
        if (diff < p->diff_min || exponent > 31) {
            out[c] = INT8_MIN;
            continue;
        }
        const int32_t e = nn_softmax_exp(p, diff);
        out[c] = nn_clamp_s8(nn_rdbpot(nn_sat_rdhm(shifted_scale, e), exponent) + INT8_MIN);
    }
}

/*
 * SOFTMAX over the last dimension. Preconditions: the left shift is in [0, 31], diff_min <= 0,
 * and any accepted difference (|diff| <= min(-diff_min, 255)) times 2^input_left_shift fits
 * in int32 (TFLite's parameters satisfy this by construction).
 */
nn_kernel_status nn_softmax_s8(const nn_softmax_params *p, int32_t rows, int32_t depth,
                               const int8_t *input, int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || rows <= 0 || depth <= 0)
        return NN_KERNEL_EARG;
    if (p->input_left_shift < 0 || p->input_left_shift > 31 || p->input_multiplier < 0 ||
        p->diff_min > 0 ||
        (NN_MIN(-(int64_t)p->diff_min, 255) << p->input_left_shift) > INT32_MAX)
        return NN_KERNEL_EARG;

    for (int32_t r = 0; r < rows; r++) {
        const size_t base = (size_t)r * (size_t)depth;
        nn_softmax_row(p, depth, input + base, output + base);
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
