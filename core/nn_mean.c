/*
 * MEAN over any subset of the N,H,W,C dimensions of an int8 tensor, with TFLite Micro's int8
 * semantics (reference_ops::QuantizedMeanOrSum).
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

/*
 * Whether out has 1 in every dimension that mask reduces and in's size in every other one,
 * all sizes positive.
 */
static int nn_mean_dims_ok(int32_t mask, const nn_dims *in, const nn_dims *out)
{
    if (in->n <= 0 || in->h <= 0 || in->w <= 0 || in->c <= 0)
        return 0;
    return out->n == ((mask & 1) ? 1 : in->n) && out->h == ((mask & 2) ? 1 : in->h) &&
           out->w == ((mask & 4) ? 1 : in->w) && out->c == ((mask & 8) ? 1 : in->c);
}

/*
 * MEAN. For each output element: the int32 sum of the reduced input values (wrapping, as
 * TFLite's accumulator), minus input_zero_point times their count, requantized with
 * multiplier/shift, which already include the division by the count (qp_mean_params folds it
 * in exactly as TFLM's eval does), plus the output zero point, saturated to int8.
 * Preconditions: axis_mask in [0, 15], output_dims as nn_mean_dims_ok, int8 zero points,
 * multiplier >= 0, shift in [-31, 31].
 */
nn_kernel_status nn_mean_s8(const nn_mean_params *p, const nn_dims *input_dims,
                            const int8_t *input, const nn_dims *output_dims, int8_t *output)
{
    if (p == NULL || input_dims == NULL || input == NULL || output_dims == NULL ||
        output == NULL)
        return NN_KERNEL_EARG;
    if (p->axis_mask < 0 || p->axis_mask > 15 ||
        !nn_mean_dims_ok(p->axis_mask, input_dims, output_dims) ||
        p->input_zero_point < INT8_MIN || p->input_zero_point > INT8_MAX ||
        p->output_zero_point < INT8_MIN || p->output_zero_point > INT8_MAX ||
        p->multiplier < 0 || p->shift < -31 || p->shift > 31)
        return NN_KERNEL_EARG;

    const nn_dims *in = input_dims, *out = output_dims;
    /* Extents of the reduction: the input's size in reduced dimensions, else 1. */
    const int32_t en = (p->axis_mask & 1) ? in->n : 1;
    const int32_t eh = (p->axis_mask & 2) ? in->h : 1;
    const int32_t ew = (p->axis_mask & 4) ? in->w : 1;
    const int32_t ec = (p->axis_mask & 8) ? in->c : 1;
    const int64_t count = (int64_t)en * eh * ew * ec;
    const int64_t zero_point_sum = (int64_t)p->input_zero_point * count;
    size_t o = 0;

    /* In each dimension either the output index or the reduction index is 0, so the input
     * index is their sum. */
    for (int32_t on = 0; on < out->n; on++)
        for (int32_t oh = 0; oh < out->h; oh++)
            for (int32_t ow = 0; ow < out->w; ow++)
                for (int32_t oc = 0; oc < out->c; oc++) {
                    uint32_t sum = 0;
                    for (int32_t rn = 0; rn < en; rn++)
                        for (int32_t rh = 0; rh < eh; rh++)
                            for (int32_t rw = 0; rw < ew; rw++) {
                                const size_t row =
                                    (((size_t)(on + rn) * (size_t)in->h + (size_t)(oh + rh)) *
                                         (size_t)in->w + (size_t)(ow + rw)) * (size_t)in->c;
                                for (int32_t rc = 0; rc < ec; rc++)
                                    sum += (uint32_t)(int32_t)input[row + (size_t)(oc + rc)];
                            }
                    const int32_t shifted =
                        (int32_t)(uint32_t)((int64_t)(int32_t)sum - zero_point_sum);
                    const int64_t v =
                        (int64_t)nn_requantize(shifted, p->multiplier, p->shift) +
                        p->output_zero_point;
                    output[o++] = (int8_t)NN_CLAMP(v, INT8_MIN, INT8_MAX);
                }
    return NN_KERNEL_OK;
}

/* REDUCE_MAX: as MEAN's walk (nn_mean_s8), keeping the largest raw value. */
nn_kernel_status nn_reduce_max_s8(int32_t axis_mask, const nn_dims *input_dims,
                                  const int8_t *input, const nn_dims *output_dims,
                                  int8_t *output)
{
    if (input_dims == NULL || input == NULL || output_dims == NULL || output == NULL ||
        axis_mask < 1 || axis_mask > 15 || !nn_mean_dims_ok(axis_mask, input_dims, output_dims))
        return NN_KERNEL_EARG;
    const nn_dims *in = input_dims, *out = output_dims;
    const int32_t en = (axis_mask & 1) ? in->n : 1, eh = (axis_mask & 2) ? in->h : 1;
    const int32_t ew = (axis_mask & 4) ? in->w : 1, ec = (axis_mask & 8) ? in->c : 1;
    size_t o = 0;
    for (int32_t on = 0; on < out->n; on++)
        for (int32_t oh = 0; oh < out->h; oh++)
            for (int32_t ow = 0; ow < out->w; ow++)
                for (int32_t oc = 0; oc < out->c; oc++) {
                    int8_t m = INT8_MIN;
                    for (int32_t rn = 0; rn < en; rn++)
                        for (int32_t rh = 0; rh < eh; rh++)
                            for (int32_t rw = 0; rw < ew; rw++) {
                                const size_t row =
                                    (((size_t)(on + rn) * (size_t)in->h + (size_t)(oh + rh)) *
                                         (size_t)in->w + (size_t)(ow + rw)) * (size_t)in->c;
                                for (int32_t rc = 0; rc < ec; rc++) {
                                    const int8_t v = input[row + (size_t)(oc + rc)];
                                    m = v > m ? v : m;
                                }
                            }
                    output[o++] = m;
                }
    return NN_KERNEL_OK;
}
