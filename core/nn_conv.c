/*
 * Convolutions of the inference core: CONV_2D (plain or grouped) and DEPTHWISE_CONV_2D on
 * int8 NHWC tensors with per-channel requantization, bit-exact with TFLite Micro's reference.
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

/* ---------------------------------------------------------------- preconditions */

static int dims_ok(const nn_dims *d)
{
    return d != NULL && d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0;
}

/*
 * The parameters shared by both convolutions: geometry, zero points in range (the products
 * in the accumulation then fit in int32) and an int8 clamp range.
 */
static int conv_params_ok(const nn_conv_params *p)
{
    return p->stride_h >= 1 && p->stride_w >= 1 && p->dilation_h >= 1 && p->dilation_w >= 1 &&
           p->pad_h >= 0 && p->pad_w >= 0 &&
           p->input_offset >= -127 && p->input_offset <= 128 &&
           p->output_offset >= -128 && p->output_offset <= 127 &&
           p->act_min >= INT8_MIN && p->act_min <= p->act_max && p->act_max <= INT8_MAX;
}

/*
 * One multiplier and shift per output channel, each in the range TFLite's
 * MultiplyByQuantizedMultiplier accepts (a shift below -31 would be undefined behaviour in
 * the rounding shift). O(channels), negligible beside the convolution itself.
 */
static int quant_ok(const nn_quant *q, int32_t channels)
{
    if (q == NULL || q->multiplier == NULL || q->shift == NULL || q->count != channels)
        return 0;
    for (int32_t c = 0; c < channels; c++) {
        if (q->multiplier[c] < 0 || q->shift[c] < -31 || q->shift[c] > 30)
            return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- shared arithmetic */

/*
 * The filter taps [*first, *last) that fall inside [0, size) when tap k sits at
 * origin + k * dilation, for a filter of `taps` taps. Taps outside are padding, which TFLite
 * skips entirely (its is_point_inside_image test); computing the range once per output row
 * or column gives the same sum without a test per tap. The origin is taken in 64 bits so
 * that no stride or padding can overflow it; every tap inside the range fits in int32.
 */
static void tap_range(int64_t origin, int32_t dilation, int32_t taps, int32_t size,
                      int32_t *first, int32_t *last)
{
    int64_t lo = 0, hi = taps;

    if (origin < 0)
        lo = (-origin + dilation - 1) / dilation;
    if (origin >= size)
        hi = 0;
    else if ((size - origin + dilation - 1) / dilation < hi)
        hi = (size - origin + dilation - 1) / dilation;
    if (lo > hi)
        lo = hi;
    *first = (int32_t)lo;
    *last = (int32_t)hi;
}

/*
 * The output stage: the accumulator (bias included) requantized to the output scale,
 * shifted by the output zero point and clamped to the activation range. The accumulator
 * arrives as uint32_t: sums are formed modulo 2^32, which is what TFLM's int32 arithmetic
 * does on the target, without C's undefined behaviour on signed overflow.
 */
static int8_t output_stage(uint32_t acc, int32_t multiplier, int32_t shift,
                           const nn_conv_params *p)
{
    int32_t v = nn_requantize((int32_t)acc, multiplier, shift);

    v = (int32_t)((uint32_t)v + (uint32_t)p->output_offset);
    return (int8_t)NN_CLAMP(v, p->act_min, p->act_max);
}

/* ---------------------------------------------------------------- CONV_2D */

/*
 * CONV_2D as TFLite's reference_integer_ops::ConvPerChannel, grouped convolution included:
 * with groups = C_in / filter C_in, output channel oc reads the input channels of group
 * oc / (C_out / groups). For each output pixel and channel:
 *   acc = sum over taps inside the input of filter * (input + input_offset), + bias[oc]
 * then the output stage with multiplier[oc], shift[oc].
 */
nn_kernel_status nn_conv2d_s8(const nn_conv_params *p, const nn_quant *quant,
                              const nn_dims *input_dims, const int8_t *input,
                              const nn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const nn_dims *output_dims, int8_t *output)
{
    if (p == NULL || input == NULL || filter == NULL || output == NULL ||
        !dims_ok(input_dims) || !dims_ok(filter_dims) || !dims_ok(output_dims) ||
        !conv_params_ok(p))
        return NN_KERNEL_EARG;
    if (input_dims->n != output_dims->n || filter_dims->n != output_dims->c ||
        input_dims->c % filter_dims->c != 0)
        return NN_KERNEL_EARG;
    const int32_t groups = input_dims->c / filter_dims->c;
    if (output_dims->c % groups != 0 || !quant_ok(quant, output_dims->c))
        return NN_KERNEL_EARG;

    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, k_c = filter_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t per_group = out_c / groups;
    int8_t *out = output;

    for (int32_t b = 0; b < input_dims->n; b++) {
        const int8_t *in_batch = input + (size_t)b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int64_t y0 = (int64_t)oy * p->stride_h - p->pad_h;
            int32_t fy_first, fy_last;
            tap_range(y0, p->dilation_h, k_h, in_h, &fy_first, &fy_last);
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int64_t x0 = (int64_t)ox * p->stride_w - p->pad_w;
                int32_t fx_first, fx_last;
                tap_range(x0, p->dilation_w, k_w, in_w, &fx_first, &fx_last);
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int32_t c_base = (oc / per_group) * k_c;
                    const int8_t *f_oc = filter + (size_t)oc * k_h * k_w * k_c;
                    uint32_t acc = 0;
                    for (int32_t fy = fy_first; fy < fy_last; fy++) {
                        const int32_t iy = (int32_t)(y0 + (int64_t)fy * p->dilation_h);
                        for (int32_t fx = fx_first; fx < fx_last; fx++) {
                            const int32_t ix = (int32_t)(x0 + (int64_t)fx * p->dilation_w);
                            const int8_t *ip =
                                in_batch + ((size_t)iy * in_w + ix) * in_c + c_base;
                            const int8_t *fp = f_oc + ((size_t)fy * k_w + fx) * k_c;
                            for (int32_t ic = 0; ic < k_c; ic++)
                                acc += (uint32_t)(fp[ic] * (ip[ic] + p->input_offset));
                        }
                    }
                    if (bias != NULL)
                        acc += (uint32_t)bias[oc];
                    *out++ = output_stage(acc, quant->multiplier[oc], quant->shift[oc], p);
                }
            }
        }
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- DEPTHWISE_CONV_2D */

/*
 * DEPTHWISE_CONV_2D as TFLite's reference_integer_ops::DepthwiseConvPerChannel: output
 * channel oc = ic * depth_multiplier + m filters input channel ic alone with filter column
 * oc, and is requantized with multiplier[oc], shift[oc].
 */
nn_kernel_status nn_dwconv2d_s8(const nn_conv_params *p, const nn_quant *quant,
                                const nn_dims *input_dims, const int8_t *input,
                                const nn_dims *filter_dims, const int8_t *filter,
                                const int32_t *bias,
                                const nn_dims *output_dims, int8_t *output)
{
    if (p == NULL || input == NULL || filter == NULL || output == NULL ||
        !dims_ok(input_dims) || !dims_ok(filter_dims) || !dims_ok(output_dims) ||
        !conv_params_ok(p) || p->depth_multiplier < 1)
        return NN_KERNEL_EARG;
    if (input_dims->n != output_dims->n || filter_dims->n != 1 ||
        filter_dims->c != output_dims->c ||
        (int64_t)input_dims->c * p->depth_multiplier != output_dims->c ||
        !quant_ok(quant, output_dims->c))
        return NN_KERNEL_EARG;

    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t mult = p->depth_multiplier;
    int8_t *out = output;

    for (int32_t b = 0; b < input_dims->n; b++) {
        const int8_t *in_batch = input + (size_t)b * in_h * in_w * in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int64_t y0 = (int64_t)oy * p->stride_h - p->pad_h;
            int32_t fy_first, fy_last;
            tap_range(y0, p->dilation_h, k_h, in_h, &fy_first, &fy_last);
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int64_t x0 = (int64_t)ox * p->stride_w - p->pad_w;
                int32_t fx_first, fx_last;
                tap_range(x0, p->dilation_w, k_w, in_w, &fx_first, &fx_last);
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int32_t ic = oc / mult;
                    uint32_t acc = 0;
                    for (int32_t fy = fy_first; fy < fy_last; fy++) {
                        const int32_t iy = (int32_t)(y0 + (int64_t)fy * p->dilation_h);
                        for (int32_t fx = fx_first; fx < fx_last; fx++) {
                            const int32_t ix = (int32_t)(x0 + (int64_t)fx * p->dilation_w);
                            const int32_t iv = in_batch[((size_t)iy * in_w + ix) * in_c + ic];
                            const int32_t fv = filter[((size_t)fy * k_w + fx) * out_c + oc];
                            acc += (uint32_t)(fv * (iv + p->input_offset));
                        }
                    }
                    if (bias != NULL)
                        acc += (uint32_t)bias[oc];
                    *out++ = output_stage(acc, quant->multiplier[oc], quant->shift[oc], p);
                }
            }
        }
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- TRANSPOSE_CONV */

nn_kernel_status nn_transpose_conv_s8(const nn_conv_params *p, const nn_quant *quant,
                                      const nn_dims *input_dims, const int8_t *input,
                                      const nn_dims *filter_dims, const int8_t *filter,
                                      const int32_t *bias, const nn_dims *output_dims,
                                      int8_t *output, int32_t *scratch)
{
    if (p == NULL || quant == NULL || input_dims == NULL || input == NULL ||
        filter_dims == NULL || filter == NULL || output_dims == NULL || output == NULL ||
        scratch == NULL || input_dims->n != output_dims->n ||
        filter_dims->c != input_dims->c || filter_dims->n != output_dims->c ||
        quant->count != output_dims->c || p->stride_h < 1 || p->stride_w < 1 ||
        p->pad_h < 0 || p->pad_w < 0 || p->input_offset < -127 || p->input_offset > 128 ||
        p->act_min > p->act_max)
        return NN_KERNEL_EARG;
    for (int32_t c = 0; c < quant->count; c++)
        if (quant->multiplier[c] < 0 || quant->shift[c] < -31 || quant->shift[c] > 30)
            return NN_KERNEL_EARG;
    const nn_dims *in = input_dims, *out = output_dims, *f = filter_dims;
    const size_t n_out = (size_t)out->n * (size_t)out->h * (size_t)out->w * (size_t)out->c;
    for (size_t i = 0; i < n_out; i++)
        scratch[i] = 0;
    for (int32_t b = 0; b < in->n; b++)
        for (int32_t iy = 0; iy < in->h; iy++)
            for (int32_t ix = 0; ix < in->w; ix++)
                for (int32_t ic = 0; ic < in->c; ic++) {
                    const int32_t ox0 = ix * p->stride_w - p->pad_w;
                    const int32_t oy0 = iy * p->stride_h - p->pad_h;
                    const int32_t x = input[(((size_t)b * (size_t)in->h + (size_t)iy) *
                                                 (size_t)in->w + (size_t)ix) * (size_t)in->c +
                                            (size_t)ic] + p->input_offset;
                    for (int32_t fy = 0; fy < f->h; fy++)
                        for (int32_t fx = 0; fx < f->w; fx++)
                            for (int32_t oc = 0; oc < out->c; oc++) {
                                const int32_t oxx = ox0 + fx, oyy = oy0 + fy;
                                if (oxx < 0 || oxx >= out->w || oyy < 0 || oyy >= out->h)
                                    continue;
                                const int8_t w = filter[(((size_t)oc * (size_t)f->h +
                                                          (size_t)fy) * (size_t)f->w +
                                                         (size_t)fx) * (size_t)f->c +
                                                        (size_t)ic];
                                size_t o = (((size_t)b * (size_t)out->h + (size_t)oyy) *
                                                (size_t)out->w + (size_t)oxx) * (size_t)out->c +
                                           (size_t)oc;
                                scratch[o] = (int32_t)((uint32_t)scratch[o] +
                                                       (uint32_t)(x * (int32_t)w));
                            }
                }
    for (size_t i = 0; i < n_out; i++) {
        const int32_t oc = (int32_t)(i % (size_t)out->c);
        uint32_t acc = (uint32_t)scratch[i];
        if (bias != NULL)
            acc += (uint32_t)bias[oc];
        int32_t v = nn_requantize((int32_t)acc, quant->multiplier[oc], quant->shift[oc]);
        v += p->output_offset;
        v = v < p->act_min ? p->act_min : v;
        v = v > p->act_max ? p->act_max : v;
        output[i] = (int8_t)v;
    }
    return NN_KERNEL_OK;
}
