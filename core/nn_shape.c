/*
 * Data movement of the inference core: PAD and CONCATENATION on int8 NHWC tensors, as
 * TFLite's reference_ops::Pad and Concatenation. Bytes are copied, never requantized.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn_kernels.h"

static int dims_ok(const nn_dims *d)
{
    return d != NULL && d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0;
}

/* Dimension `axis` (0..3, NHWC order) of d. */
static int32_t dim_at(const nn_dims *d, int32_t axis)
{
    switch (axis) {
    case 0: return d->n;
    case 1: return d->h;
    case 2: return d->w;
    default: return d->c;
    }
}

/* ---------------------------------------------------------------- PAD */

/*
 * PAD: output_dims must be input_dims grown by pad[d][0] + pad[d][1] in every dimension d.
 * The output is written in order, one innermost (C) row per output pixel: a row outside the
 * input in N, H or W is all pad_value; any other is pad[3][0] pad values, the input row, and
 * pad[3][1] pad values. output must not overlap input.
 */
nn_kernel_status nn_pad_s8(const nn_dims *input_dims, const int8_t *input,
                           const int32_t pad[4][2], int8_t pad_value,
                           const nn_dims *output_dims, int8_t *output)
{
    if (input == NULL || pad == NULL || output == NULL || !dims_ok(input_dims) ||
        !dims_ok(output_dims))
        return NN_KERNEL_EARG;
    for (int32_t d = 0; d < 4; d++) {
        if (pad[d][0] < 0 || pad[d][1] < 0 ||
            (int64_t)dim_at(input_dims, d) + pad[d][0] + pad[d][1] != dim_at(output_dims, d))
            return NN_KERNEL_EARG;
    }

    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_c = output_dims->c;
    int8_t *out = output;

    for (int32_t n = 0; n < output_dims->n; n++) {
        const int32_t in_n = n - pad[0][0];
        for (int32_t h = 0; h < output_dims->h; h++) {
            const int32_t in_y = h - pad[1][0];
            for (int32_t w = 0; w < output_dims->w; w++) {
                const int32_t in_x = w - pad[2][0];
                if (in_n < 0 || in_n >= input_dims->n || in_y < 0 || in_y >= in_h ||
                    in_x < 0 || in_x >= in_w) {
                    memset(out, pad_value, (size_t)out_c);
                } else {
                    const int8_t *row =
                        input + (((size_t)in_n * in_h + in_y) * in_w + in_x) * in_c;
                    memset(out, pad_value, (size_t)pad[3][0]);
                    memcpy(out + pad[3][0], row, (size_t)in_c);
                    memset(out + pad[3][0] + in_c, pad_value, (size_t)pad[3][1]);
                }
                out += out_c;
            }
        }
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- CONCATENATION */

/*
 * CONCATENATION along `axis`. Every input must match output_dims outside the axis and
 * their extents along it must add up to the output's. Seen as [outer, axis, inner], the
 * output is, for each outer index, input 0's slab, then input 1's, ... each slab being
 * dims[axis] * inner contiguous bytes. The output must not overlap any input.
 */
nn_kernel_status nn_concat_s8(int32_t axis, int32_t count, const nn_dims *const input_dims[],
                              const int8_t *const inputs[],
                              const nn_dims *output_dims, int8_t *output)
{
    if (axis < 0 || axis > 3 || count < 1 || input_dims == NULL || inputs == NULL ||
        output == NULL || !dims_ok(output_dims))
        return NN_KERNEL_EARG;

    int64_t axis_sum = 0;
    for (int32_t i = 0; i < count; i++) {
        if (inputs[i] == NULL || !dims_ok(input_dims[i]))
            return NN_KERNEL_EARG;
        for (int32_t d = 0; d < 4; d++) {
            if (d != axis && dim_at(input_dims[i], d) != dim_at(output_dims, d))
                return NN_KERNEL_EARG;
        }
        axis_sum += dim_at(input_dims[i], axis);
    }
    if (axis_sum != dim_at(output_dims, axis))
        return NN_KERNEL_EARG;

    size_t outer = 1, inner = 1;
    for (int32_t d = 0; d < axis; d++)
        outer *= (size_t)dim_at(output_dims, d);
    for (int32_t d = axis + 1; d < 4; d++)
        inner *= (size_t)dim_at(output_dims, d);

    int8_t *out = output;
    for (size_t k = 0; k < outer; k++) {
        for (int32_t i = 0; i < count; i++) {
            const size_t slab = (size_t)dim_at(input_dims[i], axis) * inner;
            memcpy(out, inputs[i] + k * slab, slab);
            out += slab;
        }
    }
    return NN_KERNEL_OK;
}
