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

/* ---------------------------------------------------------------- GATHER */

nn_kernel_status nn_gather(const nn_gather_params *p, uint32_t elem_size, const void *input,
                           const int32_t *indices, void *output)
{
    if (p == NULL || input == NULL || indices == NULL || output == NULL || elem_size < 1 ||
        p->batch < 1 || p->outer < 1 || p->coord < 1 || p->axis_size < 1 || p->inner < 1)
        return NN_KERNEL_EARG;
    const size_t row = (size_t)p->inner * elem_size;
    for (int32_t b = 0; b < p->batch; b++)
        for (int32_t o = 0; o < p->outer; o++)
            for (int32_t j = 0; j < p->coord; j++) {
                const int32_t k = indices[(size_t)b * (size_t)p->coord + (size_t)j];
                if (k < 0 || k >= p->axis_size)
                    return NN_KERNEL_EARG;
                const size_t src = ((size_t)b * (size_t)p->outer + (size_t)o) *
                                       (size_t)p->axis_size + (size_t)k;
                const size_t dst = ((size_t)b * (size_t)p->outer + (size_t)o) *
                                       (size_t)p->coord + (size_t)j;
                memcpy((uint8_t *)output + dst * row, (const uint8_t *)input + src * row, row);
            }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- RESIZE_NEAREST_NEIGHBOR */

nn_kernel_status nn_resize_nearest(const nn_dims *in_dims, const void *input, int32_t out_h,
                                   int32_t out_w, const int32_t *index, uint32_t elem_size,
                                   void *output)
{
    if (in_dims == NULL || input == NULL || index == NULL || output == NULL || out_h < 1 ||
        out_w < 1 || elem_size < 1 || in_dims->n < 1 || in_dims->h < 1 || in_dims->w < 1 ||
        in_dims->c < 1)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < out_h; i++)
        if (index[i] < 0 || index[i] >= in_dims->h)
            return NN_KERNEL_EARG;
    for (int32_t i = 0; i < out_w; i++)
        if (index[out_h + i] < 0 || index[out_h + i] >= in_dims->w)
            return NN_KERNEL_EARG;
    const size_t px = (size_t)in_dims->c * elem_size;
    uint8_t *out = output;
    for (int32_t b = 0; b < in_dims->n; b++)
        for (int32_t y = 0; y < out_h; y++) {
            const uint8_t *row = (const uint8_t *)input +
                                 ((size_t)b * (size_t)in_dims->h + (size_t)index[y]) *
                                     (size_t)in_dims->w * px;
            for (int32_t x = 0; x < out_w; x++) {
                memcpy(out, row + (size_t)index[out_h + x] * px, px);
                out += px;
            }
        }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- SPACE_TO_BATCH_ND */

nn_kernel_status nn_space_to_batch(const nn_space_to_batch_params *p, const nn_dims *in_dims,
                                   const void *input, const nn_dims *out_dims,
                                   uint32_t elem_size, void *output)
{
    if (p == NULL || in_dims == NULL || input == NULL || out_dims == NULL || output == NULL ||
        elem_size < 1 || p->block_h < 1 || p->block_w < 1 || p->pad_top < 0 ||
        p->pad_left < 0 || in_dims->n < 1 || out_dims->n % in_dims->n != 0 ||
        in_dims->c != out_dims->c)
        return NN_KERNEL_EARG;
    const size_t px = (size_t)in_dims->c * elem_size;
    uint8_t *out = output;
    for (int32_t ob = 0; ob < out_dims->n; ob++) {
        const int32_t ib = ob % in_dims->n;
        const int32_t shift_w = (ob / in_dims->n) % p->block_w;
        const int32_t shift_h = (ob / in_dims->n) / p->block_w;
        for (int32_t oh = 0; oh < out_dims->h; oh++)
            for (int32_t ow = 0; ow < out_dims->w; ow++) {
                const int64_t ih = (int64_t)oh * p->block_h + shift_h - p->pad_top;
                const int64_t iw = (int64_t)ow * p->block_w + shift_w - p->pad_left;
                if (ih < 0 || ih >= in_dims->h || iw < 0 || iw >= in_dims->w) {
                    memset(out, (uint8_t)p->pad_byte, px);
                } else {
                    memcpy(out, (const uint8_t *)input +
                                    (((size_t)ib * (size_t)in_dims->h + (size_t)ih) *
                                         (size_t)in_dims->w + (size_t)iw) * px, px);
                }
                out += px;
            }
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- CAST */

nn_kernel_status nn_cast(uint32_t in_type, uint32_t out_type, int32_t size, const void *input,
                         void *output)
{
    /* the integer casts (NN_T_INT8 1, NN_T_INT32 2); float32 ones are nn_cast_f32 */
    if (input == NULL || output == NULL || size < 0 || in_type < 1 || in_type > 2 ||
        out_type < 1 || out_type > 2)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        int32_t v;
        if (in_type == 1)
            v = ((const int8_t *)input)[i];
        else
            memcpy(&v, (const uint8_t *)input + 4 * (size_t)i, 4);
        if (out_type == 1)
            ((int8_t *)output)[i] = (int8_t)(uint8_t)(uint32_t)v; /* modulo 2^8, as C does */
        else
            memcpy((uint8_t *)output + 4 * (size_t)i, &v, 4);
    }
    return NN_KERNEL_OK;
}
