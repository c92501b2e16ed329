/*
 * Pooling of the inference core: AVERAGE_POOL_2D and MAX_POOL_2D on int8 NHWC tensors,
 * bit-exact with TFLite Micro's reference kernels (windows clipped to the input).
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

typedef enum { POOL_AVG, POOL_MAX } pool_kind;

static int dims_ok(const nn_dims *d)
{
    return d != NULL && d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0;
}

/*
 * Whether every window along one axis overlaps the input. Window origins grow with the
 * output index, so it suffices that the first window ends after 0 (pad < filter) and the
 * last one starts before `in` ((out - 1) * stride - pad < in). TFLite's SAME and VALID
 * paddings always satisfy this; TFLite's average pool fails on an empty window.
 */
static int windows_overlap(int32_t in, int32_t out, int32_t stride, int32_t filter,
                           int32_t pad)
{
    return pad < filter && (int64_t)(out - 1) * stride - pad < in;
}

/*
 * The preconditions of both pools: geometry, matching batch and depth, an int8 clamp range
 * and no window lying wholly in the padding.
 */
static int pool_args_ok(const nn_pool_params *p, const nn_dims *in, const int8_t *input,
                        const nn_dims *out, const int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || !dims_ok(in) || !dims_ok(out))
        return 0;
    if (p->stride_h < 1 || p->stride_w < 1 || p->filter_h < 1 || p->filter_w < 1 ||
        p->pad_h < 0 || p->pad_w < 0 ||
        p->act_min < INT8_MIN || p->act_min > p->act_max || p->act_max > INT8_MAX)
        return 0;
    if (in->n != out->n || in->c != out->c)
        return 0;
    return windows_overlap(in->h, out->h, p->stride_h, p->filter_h, p->pad_h) &&
           windows_overlap(in->w, out->w, p->stride_w, p->filter_w, p->pad_w);
}

/*
 * The part [*first, *last) of a window of `filter` positions starting at `origin` that lies
 * inside [0, size): padded positions take no part in the pool.
 */
static void window_range(int64_t origin, int32_t filter, int32_t size, int32_t *first,
                         int32_t *last)
{
    *first = (int32_t)NN_MAX(0, -origin);
    *last = (int32_t)NN_MIN(filter, size - origin);
}

/*
 * Both pools share the walk over output pixels and channels; they differ in how a window
 * reduces. Average: the sum over the clipped window divided by its element count, rounded
 * half away from zero ((acc +- count/2) / count with C's truncating division), as
 * reference_integer_ops::AveragePool. Max: the largest element. Both are then clamped to
 * the activation range.
 */
static void pool(pool_kind kind, const nn_pool_params *p, const nn_dims *in_dims,
                 const int8_t *input, const nn_dims *out_dims, int8_t *output)
{
    const int32_t in_h = in_dims->h, in_w = in_dims->w, depth = in_dims->c;
    int8_t *out = output;

    for (int32_t b = 0; b < in_dims->n; b++) {
        const int8_t *in_batch = input + (size_t)b * in_h * in_w * depth;
        for (int32_t oy = 0; oy < out_dims->h; oy++) {
            const int64_t y0 = (int64_t)oy * p->stride_h - p->pad_h;
            int32_t fy_first, fy_last;
            window_range(y0, p->filter_h, in_h, &fy_first, &fy_last);
            for (int32_t ox = 0; ox < out_dims->w; ox++) {
                const int64_t x0 = (int64_t)ox * p->stride_w - p->pad_w;
                int32_t fx_first, fx_last;
                window_range(x0, p->filter_w, in_w, &fx_first, &fx_last);
                for (int32_t c = 0; c < depth; c++) {
                    int32_t acc = kind == POOL_AVG ? 0 : INT8_MIN;
                    int32_t count = 0;
                    for (int32_t fy = fy_first; fy < fy_last; fy++) {
                        const int8_t *row = in_batch + (size_t)(y0 + fy) * in_w * depth;
                        for (int32_t fx = fx_first; fx < fx_last; fx++) {
                            const int32_t v = row[(size_t)(x0 + fx) * depth + c];
                            if (kind == POOL_AVG)
                                acc += v;
                            else
                                acc = NN_MAX(acc, v);
                            count++;
                        }
                    }
                    if (kind == POOL_AVG)
                        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    *out++ = (int8_t)NN_CLAMP(acc, p->act_min, p->act_max);
                }
            }
        }
    }
}

nn_kernel_status nn_avgpool_s8(const nn_pool_params *p, const nn_dims *input_dims,
                               const int8_t *input, const nn_dims *output_dims,
                               int8_t *output)
{
    if (!pool_args_ok(p, input_dims, input, output_dims, output))
        return NN_KERNEL_EARG;
    pool(POOL_AVG, p, input_dims, input, output_dims, output);
    return NN_KERNEL_OK;
}

nn_kernel_status nn_maxpool_s8(const nn_pool_params *p, const nn_dims *input_dims,
                               const int8_t *input, const nn_dims *output_dims,
                               int8_t *output)
{
    if (!pool_args_ok(p, input_dims, input, output_dims, output))
        return NN_KERNEL_EARG;
    pool(POOL_MAX, p, input_dims, input, output_dims, output);
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- RESIZE_BILINEAR */

/* ComputeInterpolationValuesInteger: the position in 1/1024 steps and its two neighbours. */
static void nn_interp_int(int32_t v, int32_t scale_10, int half_pixel, int32_t size,
                          int32_t *pos, int32_t *lo, int32_t *hi)
{
    *pos = half_pixel ? v * scale_10 + scale_10 / 2 - (1 << 9) : v * scale_10;
    *lo = NN_MAX(*pos / (1 << 10), 0);
    *hi = NN_MIN((*pos + (1 << 10) - 1) / (1 << 10), size - 1);
}

static int32_t nn_scale_10(int align, int32_t in, int32_t out)
{
    if (align && out > 1)
        return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
    return ((1 << 10) * in + out / 2) / out;
}

nn_kernel_status nn_resize_bilinear_s8(const nn_resize_params *p, const nn_dims *in_dims,
                                       const int8_t *input, const nn_dims *out_dims,
                                       int8_t *output)
{
    if (p == NULL || input == NULL || output == NULL || !dims_ok(in_dims) ||
        !dims_ok(out_dims) || in_dims->n != out_dims->n || in_dims->c != out_dims->c ||
        in_dims->h > 1 << 20 || in_dims->w > 1 << 20 || out_dims->h > 1 << 20 ||
        out_dims->w > 1 << 20)
        return NN_KERNEL_EARG;
    const int32_t sh = nn_scale_10(p->align_corners, in_dims->h, out_dims->h);
    const int32_t sw = nn_scale_10(p->align_corners, in_dims->w, out_dims->w);
    const int32_t H = in_dims->h, W = in_dims->w, C = in_dims->c;
    size_t o = 0;
    for (int32_t b = 0; b < out_dims->n; b++)
        for (int32_t y = 0; y < out_dims->h; y++) {
            int32_t iy, y0, y1;
            nn_interp_int(y, sh, p->half_pixel_centers, H, &iy, &y0, &y1);
            for (int32_t x = 0; x < out_dims->w; x++) {
                int32_t ix, x0, x1;
                nn_interp_int(x, sw, p->half_pixel_centers, W, &ix, &x0, &x1);
                const int64_t dy = iy - (1 << 10) * y0, dx = ix - (1 << 10) * x0;
                const int8_t *r0 = input + ((size_t)b * (size_t)H + (size_t)y0) * (size_t)W * (size_t)C;
                const int8_t *r1 = input + ((size_t)b * (size_t)H + (size_t)y1) * (size_t)W * (size_t)C;
                for (int32_t c = 0; c < C; c++) {
                    const int64_t ll = (int64_t)r0[(size_t)x0 * (size_t)C + (size_t)c] *
                                       ((1 << 10) - dy) * ((1 << 10) - dx);
                    const int64_t lu = (int64_t)r1[(size_t)x0 * (size_t)C + (size_t)c] * dy *
                                       ((1 << 10) - dx);
                    const int64_t rl = (int64_t)r0[(size_t)x1 * (size_t)C + (size_t)c] *
                                       ((1 << 10) - dy) * dx;
                    const int64_t ru = (int64_t)r1[(size_t)x1 * (size_t)C + (size_t)c] * dy * dx;
                    const int64_t sum = ll + lu + rl + ru;
                    const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
                    output[o++] = (int8_t)((sum + round) / (1 << 20));
                }
            }
        }
    return NN_KERNEL_OK;
}
