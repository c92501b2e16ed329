/*
 * Data movement by an affine index map (core/nn_kernels.h, nn_move): the one kernel behind
 * TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V, UNPACK, DEPTH_TO_SPACE and BATCH_TO_SPACE_ND.
 * The converter turns each op's parameters into the map as TFLM's kernels define them
 * (models/convert_move.c); copying bytes, it is exact for every type.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn_kernels.h"

void nn_move_extent(const nn_move *mv, int64_t *lo, int64_t *hi)
{
    int64_t a = mv->offset, b = mv->offset;
    for (int32_t k = 0; k < mv->ndims && k < NN_MOVE_DIMS; k++) {
        int64_t span = (int64_t)(mv->dims[k] - 1) * mv->stride[k];
        if (span < 0)
            a += span;
        else
            b += span;
    }
    *lo = a;
    *hi = b;
}

static int move_ok(const nn_move *mv, uint32_t elem_size, uint32_t in_elements)
{
    if (mv == NULL || mv->ndims < 1 || mv->ndims > NN_MOVE_DIMS || elem_size < 1 ||
        elem_size > 8)
        return 0;
    for (int32_t k = 0; k < mv->ndims; k++)
        if (mv->dims[k] < 1)
            return 0;
    int64_t lo, hi;
    nn_move_extent(mv, &lo, &hi);
    return lo >= 0 && hi < (int64_t)in_elements;
}

nn_kernel_status nn_move_run(const nn_move *mv, uint32_t elem_size, const void *input,
                         uint32_t in_elements, void *output)
{
    if (input == NULL || output == NULL || !move_ok(mv, elem_size, in_elements))
        return NN_KERNEL_EARG;
    const uint8_t *in = input;
    uint8_t *out = output;
    /* the output must not overlap the input */
    size_t n_out = 1;
    for (int32_t k = 0; k < mv->ndims; k++)
        n_out *= (size_t)mv->dims[k];
    const size_t out_bytes = n_out * elem_size, in_bytes = (size_t)in_elements * elem_size;
    if (out < in + in_bytes && in < out + out_bytes)
        return NN_KERNEL_EARG;

    const int32_t nd = mv->ndims, last = nd - 1;
    const int32_t run = mv->dims[last];
    const int contiguous = mv->stride[last] == 1;
    int32_t idx[NN_MOVE_DIMS] = {0};
    int64_t base = mv->offset; /* input index of the current run's first element */
    for (;;) {
        if (contiguous) {
            memcpy(out, in + (size_t)base * elem_size, (size_t)run * elem_size);
            out += (size_t)run * elem_size;
        } else {
            int64_t j = base;
            for (int32_t i = 0; i < run; i++, j += mv->stride[last]) {
                memcpy(out, in + (size_t)j * elem_size, elem_size);
                out += elem_size;
            }
        }
        /* the next run: odometer over dims[0..last) */
        int32_t k = last - 1;
        for (; k >= 0; k--) {
            base += mv->stride[k];
            if (++idx[k] < mv->dims[k])
                break;
            base -= (int64_t)mv->dims[k] * mv->stride[k];
            idx[k] = 0;
        }
        if (k < 0)
            break;
    }
    return NN_KERNEL_OK;
}
