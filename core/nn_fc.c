/*
 * FULLY_CONNECTED of the inference core: int8 matrix times vector(s) with per-tensor or
 * per-channel requantization, bit-exact with TFLite Micro's reference kernels.
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

/*
 * Zero points in range (each product of the accumulation then fits in int32), an int8
 * clamp range, and one multiplier/shift (per tensor) or out_depth of them (per channel),
 * each in the range TFLite's MultiplyByQuantizedMultiplier accepts.
 */
static int fc_args_ok(const nn_fc_params *p, const nn_quant *q, int32_t out_depth)
{
    if (p->input_offset < -127 || p->input_offset > 128 ||
        p->weights_offset < -127 || p->weights_offset > 128 ||
        p->output_offset < -128 || p->output_offset > 127 ||
        p->act_min < INT8_MIN || p->act_min > p->act_max || p->act_max > INT8_MAX)
        return 0;
    if (q == NULL || q->multiplier == NULL || q->shift == NULL ||
        (q->count != 1 && q->count != out_depth))
        return 0;
    for (int32_t c = 0; c < q->count; c++) {
        if (q->multiplier[c] < 0 || q->shift[c] < -31 || q->shift[c] > 30)
            return 0;
    }
    return 1;
}

/*
 * FULLY_CONNECTED. For each batch b and output o:
 *   acc = sum_d (weights[o][d] + weights_offset) * (input[b][d] + input_offset), + bias[o]
 * requantized with multiplier/shift [0] (per tensor, TFLite's FullyConnected) or [o] (per
 * channel, FullyConnectedPerChannel, whose weights are symmetric: weights_offset is 0 there
 * and adding it changes nothing). Sums are formed modulo 2^32 as TFLM's int32 arithmetic on
 * the target, without C's undefined behaviour on signed overflow.
 */
nn_kernel_status nn_fc_s8(const nn_fc_params *p, const nn_quant *quant,
                          int32_t batches, int32_t accum_depth, int32_t out_depth,
                          const int8_t *input, const int8_t *weights, const int32_t *bias,
                          int8_t *output)
{
    if (p == NULL || input == NULL || weights == NULL || output == NULL ||
        batches <= 0 || accum_depth <= 0 || out_depth <= 0 ||
        !fc_args_ok(p, quant, out_depth))
        return NN_KERNEL_EARG;

    const int per_channel = quant->count != 1;

    for (int32_t b = 0; b < batches; b++) {
        const int8_t *in = input + (size_t)b * accum_depth;
        for (int32_t o = 0; o < out_depth; o++) {
            const int8_t *w = weights + (size_t)o * accum_depth;
            const int32_t q = per_channel ? o : 0;
            uint32_t acc = 0;
            for (int32_t d = 0; d < accum_depth; d++)
                acc += (uint32_t)((w[d] + p->weights_offset) * (in[d] + p->input_offset));
            if (bias != NULL)
                acc += (uint32_t)bias[o];
            int32_t v = nn_requantize((int32_t)acc, quant->multiplier[q], quant->shift[q]);
            v = (int32_t)((uint32_t)v + (uint32_t)p->output_offset);
            output[(size_t)b * out_depth + o] = (int8_t)NN_CLAMP(v, p->act_min, p->act_max);
        }
    }
    return NN_KERNEL_OK;
}
