/*
 * The float32 kernels (core/nn_float.h) and nn_run_layer_f32, the interpreter's entry to
 * them. Each kernel follows the loop order and the expression of TFLM's reference float
 * kernel it names, so that with contraction off (-ffp-contract=off, and C11 gives
 * FLT_EVAL_METHOD 0 on every target here) every sum and product rounds where TFLM's does.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn_float.h"
#include "nn_model.h"

static int dims_ok(const nn_dims *d)
{
    return d != NULL && d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0;
}

/* TFLite's ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi), with std::max(a, b)
 * being (a < b) ? b : a and std::min(a, b) being (b < a) ? b : a (a NaN passes through). */
static inline float clampf(float x, const nn_f32_act *a)
{
    float v = x < a->act_min ? a->act_min : x;
    return a->act_max < v ? a->act_max : v;
}

static size_t at4(const nn_dims *d, int32_t n, int32_t y, int32_t x, int32_t c)
{
    return (((size_t)n * (size_t)d->h + (size_t)y) * (size_t)d->w + (size_t)x) * (size_t)d->c +
           (size_t)c;
}

/* ---------------------------------------------------------------- convolutions */

static int conv_ok(const nn_f32_conv_params *p, const nn_dims *in, const float *input,
                   const nn_dims *f, const float *filter, const nn_dims *out,
                   const float *output)
{
    return p != NULL && input != NULL && filter != NULL && output != NULL && dims_ok(in) &&
           dims_ok(f) && dims_ok(out) && p->stride_h >= 1 && p->stride_w >= 1 &&
           p->dilation_h >= 1 && p->dilation_w >= 1 && p->pad_h >= 0 && p->pad_w >= 0 &&
           in->n == out->n;
}

nn_kernel_status nn_conv2d_f32(const nn_f32_conv_params *p, const nn_dims *input_dims,
                               const float *input, const nn_dims *filter_dims,
                               const float *filter, const float *bias,
                               const nn_dims *output_dims, float *output)
{
    if (!conv_ok(p, input_dims, input, filter_dims, filter, output_dims, output) ||
        filter_dims->n != output_dims->c || input_dims->c % filter_dims->c != 0)
        return NN_KERNEL_EARG;
    const int32_t groups = input_dims->c / filter_dims->c;
    if (output_dims->c % groups != 0)
        return NN_KERNEL_EARG;
    const int32_t per_group = output_dims->c / groups, fdepth = filter_dims->c;
    for (int32_t b = 0; b < output_dims->n; b++)
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * p->stride_h - p->pad_h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * p->stride_w - p->pad_w;
                for (int32_t oc = 0; oc < output_dims->c; oc++) {
                    const int32_t g = oc / per_group;
                    float total = 0.f;
                    for (int32_t fy = 0; fy < filter_dims->h; fy++) {
                        const int32_t iy = iy0 + p->dilation_h * fy;
                        for (int32_t fx = 0; fx < filter_dims->w; fx++) {
                            const int32_t ix = ix0 + p->dilation_w * fx;
                            if (ix < 0 || ix >= input_dims->w || iy < 0 || iy >= input_dims->h)
                                continue;
                            const float *x = input + at4(input_dims, b, iy, ix, g * fdepth);
                            const float *w = filter + at4(filter_dims, oc, fy, fx, 0);
                            for (int32_t ic = 0; ic < fdepth; ic++)
                                total += x[ic] * w[ic];
                        }
                    }
                    const float bias_value = bias ? bias[oc] : 0.0f;
                    output[at4(output_dims, b, oy, ox, oc)] = clampf(total + bias_value, &p->act);
                }
            }
        }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_dwconv2d_f32(const nn_f32_conv_params *p, const nn_dims *input_dims,
                                 const float *input, const nn_dims *filter_dims,
                                 const float *filter, const float *bias,
                                 const nn_dims *output_dims, float *output)
{
    if (!conv_ok(p, input_dims, input, filter_dims, filter, output_dims, output) ||
        p->depth_multiplier < 1 || filter_dims->n != 1 || filter_dims->c != output_dims->c ||
        (int64_t)input_dims->c * p->depth_multiplier != output_dims->c)
        return NN_KERNEL_EARG;
    for (int32_t b = 0; b < output_dims->n; b++)
        for (int32_t oy = 0; oy < output_dims->h; oy++)
            for (int32_t ox = 0; ox < output_dims->w; ox++)
                for (int32_t ic = 0; ic < input_dims->c; ic++)
                    for (int32_t mm = 0; mm < p->depth_multiplier; mm++) {
                        const int32_t oc = mm + ic * p->depth_multiplier;
                        const int32_t ix0 = ox * p->stride_w - p->pad_w;
                        const int32_t iy0 = oy * p->stride_h - p->pad_h;
                        float total = 0.f;
                        for (int32_t fy = 0; fy < filter_dims->h; fy++)
                            for (int32_t fx = 0; fx < filter_dims->w; fx++) {
                                const int32_t ix = ix0 + p->dilation_w * fx;
                                const int32_t iy = iy0 + p->dilation_h * fy;
                                if (ix >= 0 && ix < input_dims->w && iy >= 0 &&
                                    iy < input_dims->h)
                                    total += input[at4(input_dims, b, iy, ix, ic)] *
                                             filter[at4(filter_dims, 0, fy, fx, oc)];
                            }
                        const float bias_value = bias ? bias[oc] : 0.0f;
                        output[at4(output_dims, b, oy, ox, oc)] =
                            clampf(total + bias_value, &p->act);
                    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_transpose_conv_f32(const nn_f32_conv_params *p, const nn_dims *input_dims,
                                       const float *input, const nn_dims *filter_dims,
                                       const float *filter, const float *bias,
                                       const nn_dims *output_dims, float *output)
{
    if (p == NULL || input == NULL || filter == NULL || output == NULL || !dims_ok(input_dims) ||
        !dims_ok(filter_dims) || !dims_ok(output_dims) || input_dims->n != output_dims->n ||
        filter_dims->c != input_dims->c || filter_dims->n != output_dims->c ||
        p->stride_h < 1 || p->stride_w < 1 || p->pad_h < 0 || p->pad_w < 0)
        return NN_KERNEL_EARG;
    const nn_dims *in = input_dims, *out = output_dims, *f = filter_dims;
    const size_t n_out = (size_t)out->n * (size_t)out->h * (size_t)out->w * (size_t)out->c;
    for (size_t i = 0; i < n_out; i++)
        output[i] = 0.0f;
    for (int32_t b = 0; b < in->n; b++)
        for (int32_t iy = 0; iy < in->h; iy++)
            for (int32_t ix = 0; ix < in->w; ix++)
                for (int32_t ic = 0; ic < in->c; ic++) {
                    const int32_t ox0 = ix * p->stride_w - p->pad_w;
                    const int32_t oy0 = iy * p->stride_h - p->pad_h;
                    for (int32_t fy = 0; fy < f->h; fy++)
                        for (int32_t fx = 0; fx < f->w; fx++)
                            for (int32_t oc = 0; oc < out->c; oc++) {
                                const int32_t ox = ox0 + fx, oy = oy0 + fy;
                                if (ox >= 0 && ox < out->w && oy >= 0 && oy < out->h)
                                    output[at4(out, b, oy, ox, oc)] +=
                                        input[at4(in, b, iy, ix, ic)] *
                                        filter[at4(f, oc, fy, fx, ic)];
                            }
                }
    for (size_t i = 0; i < n_out; i++) {
        float acc = output[i];
        if (bias)
            acc += bias[i % (size_t)out->c];
        output[i] = clampf(acc, &p->act);
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- fully connected */

nn_kernel_status nn_fc_f32(const nn_f32_act *act, int32_t batches, int32_t accum_depth,
                           int32_t out_depth, const float *input, const float *weights,
                           const float *bias, float *output)
{
    if (act == NULL || input == NULL || weights == NULL || output == NULL || batches <= 0 ||
        accum_depth <= 0 || out_depth <= 0)
        return NN_KERNEL_EARG;
    for (int32_t b = 0; b < batches; b++)
        for (int32_t o = 0; o < out_depth; o++) {
            const float *x = input + (size_t)b * (size_t)accum_depth;
            const float *w = weights + (size_t)o * (size_t)accum_depth;
            float total = 0.f;
            for (int32_t d = 0; d < accum_depth; d++)
                total += x[d] * w[d];
            const float bias_value = bias ? bias[o] : 0.0f;
            output[(size_t)b * (size_t)out_depth + (size_t)o] = clampf(total + bias_value, act);
        }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- pooling */

static int pool_ok(const nn_f32_pool_params *p, const nn_dims *in, const float *input,
                   const nn_dims *out, const float *output)
{
    return p != NULL && input != NULL && output != NULL && dims_ok(in) && dims_ok(out) &&
           p->stride_h >= 1 && p->stride_w >= 1 && p->filter_h >= 1 && p->filter_w >= 1 &&
           p->pad_h >= 0 && p->pad_w >= 0 && in->n == out->n && in->c == out->c;
}

/* The window's rows or columns inside the input: [*lo, *hi) of [0, filter). */
static void window(int32_t origin, int32_t filter, int32_t size, int32_t *lo, int32_t *hi)
{
    *lo = origin < 0 ? -origin : 0;
    *hi = size - origin < filter ? size - origin : filter;
}

static nn_kernel_status pool_f32(int is_max, const nn_f32_pool_params *p, const nn_dims *in,
                                 const float *input, const nn_dims *out, float *output)
{
    if (!pool_ok(p, in, input, out, output))
        return NN_KERNEL_EARG;
    for (int32_t b = 0; b < out->n; b++)
        for (int32_t oy = 0; oy < out->h; oy++)
            for (int32_t ox = 0; ox < out->w; ox++)
                for (int32_t c = 0; c < out->c; c++) {
                    const int32_t ix0 = ox * p->stride_w - p->pad_w;
                    const int32_t iy0 = oy * p->stride_h - p->pad_h;
                    int32_t y0, y1, x0, x1;
                    window(iy0, p->filter_h, in->h, &y0, &y1);
                    window(ix0, p->filter_w, in->w, &x0, &x1);
                    if (y0 >= y1 || x0 >= x1)
                        return NN_KERNEL_EARG; /* TFLM fails on an empty window too */
                    float v;
                    if (is_max) {
                        v = -FLT_MAX; /* std::numeric_limits<float>::lowest() */
                        for (int32_t fy = y0; fy < y1; fy++)
                            for (int32_t fx = x0; fx < x1; fx++) {
                                const float x = input[at4(in, b, iy0 + fy, ix0 + fx, c)];
                                v = v < x ? x : v; /* std::max(v, x) */
                            }
                    } else {
                        float total = 0.f, count = 0.f;
                        for (int32_t fy = y0; fy < y1; fy++)
                            for (int32_t fx = x0; fx < x1; fx++) {
                                total += input[at4(in, b, iy0 + fy, ix0 + fx, c)];
                                count += 1.f;
                            }
                        v = total / count;
                    }
                    output[at4(out, b, oy, ox, c)] = clampf(v, &p->act);
                }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_avgpool_f32(const nn_f32_pool_params *p, const nn_dims *input_dims,
                                const float *input, const nn_dims *output_dims, float *output)
{
    return pool_f32(0, p, input_dims, input, output_dims, output);
}

nn_kernel_status nn_maxpool_f32(const nn_f32_pool_params *p, const nn_dims *input_dims,
                                const float *input, const nn_dims *output_dims, float *output)
{
    return pool_f32(1, p, input_dims, input, output_dims, output);
}

/* ---------------------------------------------------------------- elementwise */

/* Index of out's element (n, y, x, c) in a broadcast input: 0 in its dims of size 1. */
static size_t bcast(const nn_dims *d, int32_t n, int32_t y, int32_t x, int32_t c)
{
    return at4(d, d->n == 1 ? 0 : n, d->h == 1 ? 0 : y, d->w == 1 ? 0 : x, d->c == 1 ? 0 : c);
}

static int bcast_ok(const nn_dims *a, const nn_dims *b, const nn_dims *o)
{
    const int32_t da[4] = {a->n, a->h, a->w, a->c}, db[4] = {b->n, b->h, b->w, b->c};
    const int32_t dout[4] = {o->n, o->h, o->w, o->c};
    for (int i = 0; i < 4; i++)
        if ((da[i] != dout[i] && da[i] != 1) || (db[i] != dout[i] && db[i] != 1))
            return 0;
    return 1;
}

enum { F_ADD, F_MUL, F_SUB, F_MIN, F_MAX, F_PRELU };

static inline float binop(int kind, float a, float b)
{
    switch (kind) {
    case F_ADD: return a + b;
    case F_MUL: return a * b;
    case F_SUB: return a - b;
    case F_MIN: return a < b ? a : b;  /* MinimumOp */
    case F_MAX: return a > b ? a : b;  /* MaximumOp */
    default: return a >= 0.0f ? a : a * b; /* BroadcastPrelu4DSlowFloat */
    }
}

/* act NULL: no clamp (MINIMUM, MAXIMUM, PRELU have none). */
static nn_kernel_status binary_f32(int kind, const nn_f32_act *act, const nn_dims *d1,
                                   const float *in1, const nn_dims *d2, const float *in2,
                                   const nn_dims *dout, float *out)
{
    if (in1 == NULL || in2 == NULL || out == NULL || !dims_ok(d1) || !dims_ok(d2) ||
        !dims_ok(dout) || !bcast_ok(d1, d2, dout))
        return NN_KERNEL_EARG;
    for (int32_t n = 0; n < dout->n; n++)
        for (int32_t y = 0; y < dout->h; y++)
            for (int32_t x = 0; x < dout->w; x++)
                for (int32_t c = 0; c < dout->c; c++) {
                    const float a = in1[bcast(d1, n, y, x, c)], b = in2[bcast(d2, n, y, x, c)];
                    const float v = binop(kind, a, b);
                    out[at4(dout, n, y, x, c)] = act ? clampf(v, act) : v;
                }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_sub_f32(const nn_f32_act *act, const nn_dims *in1_dims, const float *in1,
                            const nn_dims *in2_dims, const float *in2, const nn_dims *out_dims,
                            float *out)
{
    if (act == NULL)
        return NN_KERNEL_EARG;
    return binary_f32(F_SUB, act, in1_dims, in1, in2_dims, in2, out_dims, out);
}

nn_kernel_status nn_minmax_f32(int is_max, const nn_dims *in1_dims, const float *in1,
                               const nn_dims *in2_dims, const float *in2,
                               const nn_dims *out_dims, float *out)
{
    return binary_f32(is_max ? F_MAX : F_MIN, NULL, in1_dims, in1, in2_dims, in2, out_dims,
                      out);
}

nn_kernel_status nn_prelu_f32(const nn_dims *in_dims, const float *input,
                              const nn_dims *alpha_dims, const float *alpha,
                              const nn_dims *out_dims, float *output)
{
    return binary_f32(F_PRELU, NULL, in_dims, input, alpha_dims, alpha, out_dims, output);
}

nn_kernel_status nn_add_f32(const nn_f32_act *act, const nn_dims *in1_dims, const float *in1,
                            const nn_dims *in2_dims, const float *in2, const nn_dims *out_dims,
                            float *out)
{
    if (act == NULL)
        return NN_KERNEL_EARG;
    return binary_f32(F_ADD, act, in1_dims, in1, in2_dims, in2, out_dims, out);
}

nn_kernel_status nn_mul_f32(const nn_f32_act *act, const nn_dims *in1_dims, const float *in1,
                            const nn_dims *in2_dims, const float *in2, const nn_dims *out_dims,
                            float *out)
{
    if (act == NULL)
        return NN_KERNEL_EARG;
    return binary_f32(F_MUL, act, in1_dims, in1, in2_dims, in2, out_dims, out);
}

/* ---------------------------------------------------------------- activations */

nn_kernel_status nn_softmax_f32(float beta, int32_t rows, int32_t depth, const float *input,
                                float *output)
{
    if (input == NULL || output == NULL || rows <= 0 || depth <= 0)
        return NN_KERNEL_EARG;
    for (int32_t r = 0; r < rows; r++) {
        const float *x = input + (size_t)r * (size_t)depth;
        float *y = output + (size_t)r * (size_t)depth;
        float max = -FLT_MAX;
        for (int32_t c = 0; c < depth; c++)
            max = max < x[c] ? x[c] : max;
        float sum = 0.f;
        for (int32_t c = 0; c < depth; c++) {
            const float e = expf((x[c] - max) * beta);
            y[c] = e;
            sum += e;
        }
        for (int32_t c = 0; c < depth; c++)
            y[c] = y[c] / sum;
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_logistic_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0)
        return NN_KERNEL_EARG;
    const float cutoff_upper = 16.619047164916992188f, cutoff_lower = -9.f;
    for (int32_t i = 0; i < size; i++) {
        const float v = input[i];
        float r;
        if (v > cutoff_upper)
            r = 1.0f;
        else if (v < cutoff_lower)
            r = expf(v);
        else
            r = 1.f / (1.f + expf(-v));
        output[i] = r;
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_relu_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const float v = input[i];
        output[i] = v < 0.0f ? 0.0f : v;
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_relu6_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const float v = input[i];
        output[i] = v > 6.0f ? 6.0f : v < 0.0f ? 0.0f : v;
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_tanh_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++)
        output[i] = tanhf(input[i]);
    return NN_KERNEL_OK;
}

nn_kernel_status nn_hard_swish_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const float in = input[i], r = in + 3; /* in * min(6, max(0, in + 3)) / 6 */
        const float m = 0.0f < r ? r : 0.0f;    /* std::max(0, r): (0 < r) ? r : 0 */
        const float c = m < 6.0f ? m : 6.0f;    /* std::min(6, m): (m < 6) ? m : 6 */
        output[i] = in * c / 6;
    }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_leaky_relu_f32(float alpha, int32_t size, const float *input,
                                   float *output)
{
    if (input == NULL || output == NULL || size < 0)
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        const float v = input[i];
        output[i] = v > 0 ? v : v * alpha;
    }
    return NN_KERNEL_OK;
}

/* ComputeInterpolationValues (float). */
static void interp_f32(float v, float scale, int half_pixel, int32_t size, float *pos,
                       int32_t *lo, int32_t *hi)
{
    *pos = half_pixel ? (v + 0.5f) * scale - 0.5f : v * scale;
    const int32_t f = (int32_t)floorf(*pos), c = (int32_t)ceilf(*pos);
    *lo = f > 0 ? f : 0;
    *hi = c < size - 1 ? c : size - 1;
}

nn_kernel_status nn_resize_bilinear_f32(const nn_resize_params *p, const nn_dims *in_dims,
                                        const float *input, const nn_dims *out_dims,
                                        float *output)
{
    if (p == NULL || input == NULL || output == NULL || !dims_ok(in_dims) ||
        !dims_ok(out_dims) || in_dims->n != out_dims->n || in_dims->c != out_dims->c)
        return NN_KERNEL_EARG;
    const int32_t H = in_dims->h, W = in_dims->w, OH = out_dims->h, OW = out_dims->w;
    float hs = (float)H / (float)OH, ws = (float)W / (float)OW;
    if (p->align_corners && OH > 1)
        hs = (float)(H - 1) / (float)(OH - 1);
    if (p->align_corners && OW > 1)
        ws = (float)(W - 1) / (float)(OW - 1);
    for (int32_t b = 0; b < out_dims->n; b++)
        for (int32_t y = 0; y < OH; y++) {
            float iy;
            int32_t y0, y1;
            interp_f32((float)y, hs, p->half_pixel_centers, H, &iy, &y0, &y1);
            for (int32_t x = 0; x < OW; x++) {
                float ix;
                int32_t x0, x1;
                interp_f32((float)x, ws, p->half_pixel_centers, W, &ix, &x0, &x1);
                const float fy = iy - (float)y0, fx = ix - (float)x0;
                for (int32_t c = 0; c < in_dims->c; c++) {
                    const float v = input[at4(in_dims, b, y0, x0, c)] * (1 - fy) * (1 - fx) +
                                    input[at4(in_dims, b, y1, x0, c)] * fy * (1 - fx) +
                                    input[at4(in_dims, b, y0, x1, c)] * (1 - fy) * fx +
                                    input[at4(in_dims, b, y1, x1, c)] * fy * fx + 0.0f;
                    output[at4(out_dims, b, y, x, c)] = v;
                }
            }
        }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_l2norm_f32(int32_t rows, int32_t depth, const float *input, float *output)
{
    if (input == NULL || output == NULL || rows <= 0 || depth <= 0)
        return NN_KERNEL_EARG;
    const float epsilon = 1e-6f;
    for (int32_t r = 0; r < rows; r++) {
        const float *x = input + (size_t)r * (size_t)depth;
        float *y = output + (size_t)r * (size_t)depth;
        float sq = 0;
        for (int32_t c = 0; c < depth; c++)
            sq += x[c] * x[c];
        float l2 = sqrtf(sq);
        l2 = l2 < epsilon ? epsilon : l2; /* std::max(l2_norm, epsilon) */
        for (int32_t c = 0; c < depth; c++)
            y[c] = x[c] / l2;
    }
    return NN_KERNEL_OK;
}

static int32_t f32_to_i32(float f)
{
    if (!(f == f))
        return 0;
    if (f >= 2147483648.0f)
        return INT32_MAX;
    if (f <= -2147483648.0f)
        return INT32_MIN;
    return (int32_t)f;
}

nn_kernel_status nn_cast_f32(uint32_t in_type, uint32_t out_type, int32_t size,
                             const void *input, void *output)
{
    if (input == NULL || output == NULL || size < 0 || in_type < 1 || in_type > 3 ||
        out_type < 1 || out_type > 3 || (in_type != 3 && out_type != 3))
        return NN_KERNEL_EARG;
    for (int32_t i = 0; i < size; i++) {
        int32_t iv = 0;
        float fv = 0.0f;
        if (in_type == 1)
            iv = ((const int8_t *)input)[i];
        else if (in_type == 2)
            memcpy(&iv, (const uint8_t *)input + 4 * (size_t)i, 4);
        else
            memcpy(&fv, (const uint8_t *)input + 4 * (size_t)i, 4);
        if (out_type == 3) {
            const float f = in_type == 3 ? fv : (float)iv;
            memcpy((uint8_t *)output + 4 * (size_t)i, &f, 4);
        } else {
            const int32_t v = f32_to_i32(fv);
            if (out_type == 1)
                ((int8_t *)output)[i] = (int8_t)(uint8_t)(uint32_t)v;
            else
                memcpy((uint8_t *)output + 4 * (size_t)i, &v, 4);
        }
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- LSTM */

/* CalculateLstmGate: gate = act(FC(x, wx, bias) + FC(h, wh, none)) over `rows` rows. */
static void lstm_gate(int32_t rows, int32_t in_dim, int32_t state, const float *x,
                      const float *wx, const float *bias, const float *h, const float *wh,
                      int act, float *gate, float *fc_buf)
{
    static const nn_f32_act none = {-FLT_MAX, FLT_MAX};
    nn_fc_f32(&none, rows, in_dim, state, x, wx, bias, gate);
    nn_fc_f32(&none, rows, state, state, h, wh, NULL, fc_buf);
    const int32_t n = rows * state;
    for (int32_t i = 0; i < n; i++)
        gate[i] = gate[i] + fc_buf[i];
    if (act == 6)
        nn_logistic_f32(n, gate, gate);
    else
        nn_tanh_f32(n, gate, gate);
}

nn_kernel_status nn_lstm_f32(const nn_lstm_params *p, const float *input,
                             const float *const w[8], const float *const b[4], float *hidden,
                             float *cell, float *output, float *scratch)
{
    if (p == NULL || input == NULL || w == NULL || b == NULL || hidden == NULL ||
        cell == NULL || output == NULL || scratch == NULL || p->batch < 1 || p->time < 1 ||
        p->input_dim < 1 || p->state_dim < 1 || (p->cell_activation != 4 && p->cell_activation != 6))
        return NN_KERNEL_EARG;
    for (int k = 0; k < 8; k++)
        if (w[k] == NULL)
            return NN_KERNEL_EARG;
    static const nn_f32_act none = {-FLT_MAX, FLT_MAX};
    const int32_t S = p->state_dim, I = p->input_dim;
    const int32_t rows = p->time_major ? p->batch : 1, n = rows * S;
    const int32_t outer = p->time_major ? 1 : p->batch;
    float *b0 = scratch, *b1 = scratch + (size_t)p->batch * (size_t)S;
    float *b2 = b1 + (size_t)p->batch * (size_t)S, *b3 = b2 + (size_t)p->batch * (size_t)S;
    size_t in_off = 0, out_off = 0;
    for (int32_t ob = 0; ob < outer; ob++) {
        float *h = hidden + (size_t)ob * (size_t)S, *c = cell + (size_t)ob * (size_t)S;
        for (int32_t t = 0; t < p->time; t++) {
            const float *x = input + in_off;
            /* forget (b0), input (b1) and cell (b2) gates; b3 the recurrent FC's */
            lstm_gate(rows, I, S, x, w[1], b[1], h, w[5], 6, b0, b3);
            lstm_gate(rows, I, S, x, w[0], b[0], h, w[4], 6, b1, b3);
            lstm_gate(rows, I, S, x, w[2], b[2], h, w[6], p->cell_activation, b2, b3);
            /* cell = forget * cell + input * cell gate, clipped */
            for (int32_t i = 0; i < n; i++)
                c[i] = clampf(b0[i] * c[i], &none);
            for (int32_t i = 0; i < n; i++)
                b1[i] = clampf(b1[i] * b2[i], &none);
            for (int32_t i = 0; i < n; i++)
                c[i] = c[i] + b1[i];
            if (p->cell_clip > 0)
                for (int32_t i = 0; i < n; i++) {
                    const float m = c[i] < p->cell_clip ? c[i] : p->cell_clip;
                    c[i] = m < -p->cell_clip ? -p->cell_clip : m;
                }
            /* output gate (b1), hidden = tanh(cell) * output gate, to the output */
            lstm_gate(rows, I, S, x, w[3], b[3], h, w[7], 6, b1, b3);
            nn_tanh_f32(n, c, b0);
            for (int32_t i = 0; i < n; i++)
                h[i] = clampf(b0[i] * b1[i], &none);
            memcpy(output + out_off, h, sizeof(float) * (size_t)n);
            in_off += (size_t)rows * (size_t)I;
            out_off += (size_t)n;
        }
    }
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- data movement */

nn_kernel_status nn_pad_f32(const nn_dims *input_dims, const float *input,
                            const int32_t pad[4][2], float pad_value,
                            const nn_dims *output_dims, float *output)
{
    if (input == NULL || pad == NULL || output == NULL || !dims_ok(input_dims) ||
        !dims_ok(output_dims))
        return NN_KERNEL_EARG;
    const int32_t di[4] = {input_dims->n, input_dims->h, input_dims->w, input_dims->c};
    const int32_t dout[4] = {output_dims->n, output_dims->h, output_dims->w, output_dims->c};
    for (int d = 0; d < 4; d++)
        if (pad[d][0] < 0 || pad[d][1] < 0 || (int64_t)di[d] + pad[d][0] + pad[d][1] != dout[d])
            return NN_KERNEL_EARG;
    for (int32_t n = 0; n < dout[0]; n++)
        for (int32_t y = 0; y < dout[1]; y++)
            for (int32_t x = 0; x < dout[2]; x++)
                for (int32_t c = 0; c < dout[3]; c++) {
                    const int32_t in_n = n - pad[0][0], in_y = y - pad[1][0];
                    const int32_t in_x = x - pad[2][0], in_c = c - pad[3][0];
                    const int inside = in_n >= 0 && in_n < di[0] && in_y >= 0 && in_y < di[1] &&
                                       in_x >= 0 && in_x < di[2] && in_c >= 0 && in_c < di[3];
                    output[at4(output_dims, n, y, x, c)] =
                        inside ? input[at4(input_dims, in_n, in_y, in_x, in_c)] : pad_value;
                }
    return NN_KERNEL_OK;
}

nn_kernel_status nn_concat_f32(int32_t axis, int32_t count, const nn_dims *const input_dims[],
                               const float *const inputs[], const nn_dims *output_dims,
                               float *output)
{
    /* The bytes of a float tensor [n, h, w, c] are an int8 tensor [n, h, w, 4c]: concatenated
     * along the same axis they are the float concatenation. */
    if (count < 1 || count > NN_MAX_LAYER_IO || input_dims == NULL || inputs == NULL ||
        output_dims == NULL)
        return NN_KERNEL_EARG;
    nn_dims bd[NN_MAX_LAYER_IO], bo = *output_dims;
    const nn_dims *bdp[NN_MAX_LAYER_IO];
    const int8_t *bp[NN_MAX_LAYER_IO];
    for (int32_t i = 0; i < count; i++) {
        if (input_dims[i] == NULL || input_dims[i]->c > INT32_MAX / 4)
            return NN_KERNEL_EARG;
        bd[i] = *input_dims[i];
        bd[i].c *= 4;
        bdp[i] = &bd[i];
        bp[i] = (const int8_t *)(const void *)inputs[i];
    }
    if (bo.c > INT32_MAX / 4)
        return NN_KERNEL_EARG;
    bo.c *= 4;
    return nn_concat_s8(axis, count, bdp, bp, &bo, (int8_t *)(void *)output);
}

enum { R_MEAN, R_SUM, R_MAX };

static nn_kernel_status reduce_f32(int kind, int32_t axis_mask, const nn_dims *input_dims,
                                   const float *input, const nn_dims *output_dims,
                                   float *output);

nn_kernel_status nn_mean_f32(int32_t axis_mask, const nn_dims *input_dims, const float *input,
                             const nn_dims *output_dims, float *output)
{
    return reduce_f32(R_MEAN, axis_mask, input_dims, input, output_dims, output);
}

nn_kernel_status nn_sum_f32(int32_t axis_mask, const nn_dims *input_dims, const float *input,
                            const nn_dims *output_dims, float *output)
{
    return reduce_f32(R_SUM, axis_mask, input_dims, input, output_dims, output);
}

nn_kernel_status nn_reduce_max_f32(int32_t axis_mask, const nn_dims *input_dims,
                                   const float *input, const nn_dims *output_dims,
                                   float *output)
{
    return reduce_f32(R_MAX, axis_mask, input_dims, input, output_dims, output);
}

/* MEAN, SUM (ReduceGeneric with in + current from 0) and REDUCE_MAX (from lowest, keeping
 * in > current): each input value, in row-major order, into its output. */
static nn_kernel_status reduce_f32(int kind, int32_t axis_mask, const nn_dims *input_dims,
                                   const float *input, const nn_dims *output_dims,
                                   float *output)
{
    if (input == NULL || output == NULL || !dims_ok(input_dims) || !dims_ok(output_dims) ||
        axis_mask < 1 || axis_mask > 15)
        return NN_KERNEL_EARG;
    const int32_t di[4] = {input_dims->n, input_dims->h, input_dims->w, input_dims->c};
    const int32_t dout[4] = {output_dims->n, output_dims->h, output_dims->w, output_dims->c};
    uint32_t count = 1;
    for (int d = 0; d < 4; d++) {
        if (axis_mask & (1 << d)) {
            if (dout[d] != 1)
                return NN_KERNEL_EARG;
            count *= (uint32_t)di[d];
        } else if (dout[d] != di[d]) {
            return NN_KERNEL_EARG;
        }
    }
    const size_t nout = (size_t)dout[0] * (size_t)dout[1] * (size_t)dout[2] * (size_t)dout[3];
    for (size_t i = 0; i < nout; i++)
        output[i] = kind == R_MAX ? -FLT_MAX : 0.f;
    /* The input in row-major order, each value added to its output: the order of TFLM's
     * ReduceSumImpl, and of its 4-D Mean (which loops over h, then w, per output). */
    for (int32_t n = 0; n < di[0]; n++)
        for (int32_t y = 0; y < di[1]; y++)
            for (int32_t x = 0; x < di[2]; x++)
                for (int32_t c = 0; c < di[3]; c++) {
                    float *o = &output[bcast(output_dims, n, y, x, c)];
                    const float v = input[at4(input_dims, n, y, x, c)];
                    if (kind == R_MAX)
                        *o = v > *o ? v : *o;
                    else
                        *o = v + *o;
                }
    if (kind == R_MEAN)
        for (size_t i = 0; i < nout; i++)
            output[i] = output[i] / (float)count;
    return NN_KERNEL_OK;
}

/* ---------------------------------------------------------------- the interpreter's entry */

static float *fdata(nn_model *m, uint32_t t)
{
    return (float *)(uintptr_t)nn_tensor_data(m, t);
}

nn_status nn_run_layer_f32(nn_model *m, uint32_t li)
{
    if (m == NULL || m->arena == NULL || li >= m->hdr->n_layers || !nn_layer_is_float(m, li))
        return NN_E_LAYER;
    const nn_tsm_layer *l = nn_layer(m, li);
    const void *params = m->image + l->params_off;
    const uint32_t i0 = nn_layer_operand(m, li, 0), o = nn_layer_operand(m, li, l->n_inputs);
    const nn_tsm_tensor *in = nn_tensor(m, i0), *out = nn_tensor(m, o);
    const nn_dims din = nn_tensor_dims(in), dout = nn_tensor_dims(out);
    const float *x = fdata(m, i0);
    float *y = fdata(m, o);
    nn_kernel_status ks = NN_KERNEL_EARG;
    switch (l->op) {
    case NN_OP_CONV_2D:
    case NN_OP_DEPTHWISE_CONV_2D: {
        const uint32_t wi = nn_layer_operand(m, li, 1), bi = nn_layer_operand(m, li, 2);
        const nn_dims dw = nn_tensor_dims(nn_tensor(m, wi));
        const float *bias = bi == NN_NO_TENSOR ? NULL : fdata(m, bi);
        if (l->op == NN_OP_CONV_2D)
            ks = nn_conv2d_f32(params, &din, x, &dw, fdata(m, wi), bias, &dout, y);
        else
            ks = nn_dwconv2d_f32(params, &din, x, &dw, fdata(m, wi), bias, &dout, y);
        break;
    }
    case NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: {
        const float *w[8], *b[4];
        for (uint32_t k = 0; k < 8; k++)
            w[k] = fdata(m, nn_layer_operand(m, li, 1 + k));
        for (uint32_t k = 0; k < 4; k++) {
            const uint32_t t = nn_layer_operand(m, li, 9 + k);
            b[k] = t == NN_NO_TENSOR ? NULL : fdata(m, t);
        }
        ks = nn_lstm_f32(params, x, w, b, fdata(m, nn_layer_operand(m, li, 13)),
                         fdata(m, nn_layer_operand(m, li, 14)), y,
                         (float *)(void *)(m->arena + l->scratch_off));
        break;
    }
    case NN_OP_TRANSPOSE_CONV: {
        const uint32_t wi = nn_layer_operand(m, li, 1), bi = nn_layer_operand(m, li, 2);
        const nn_dims dw = nn_tensor_dims(nn_tensor(m, wi));
        ks = nn_transpose_conv_f32(params, &din, x, &dw, fdata(m, wi),
                                   bi == NN_NO_TENSOR ? NULL : fdata(m, bi), &dout, y);
        break;
    }
    case NN_OP_FULLY_CONNECTED: {
        const uint32_t wi = nn_layer_operand(m, li, 1), bi = nn_layer_operand(m, li, 2);
        const nn_tsm_tensor *w = nn_tensor(m, wi);
        const int32_t accum = w->dims[1];
        const uint32_t n_in = in->size / 4u;
        ks = nn_fc_f32(params, (int32_t)(n_in / (uint32_t)accum), accum, w->dims[0], x,
                       fdata(m, wi), bi == NN_NO_TENSOR ? NULL : fdata(m, bi), y);
        break;
    }
    case NN_OP_AVERAGE_POOL_2D: ks = nn_avgpool_f32(params, &din, x, &dout, y); break;
    case NN_OP_MAX_POOL_2D: ks = nn_maxpool_f32(params, &din, x, &dout, y); break;
    case NN_OP_ADD:
    case NN_OP_MUL:
    case NN_OP_SUB:
    case NN_OP_MINIMUM:
    case NN_OP_MAXIMUM:
    case NN_OP_PRELU: {
        const uint32_t i1 = nn_layer_operand(m, li, 1);
        const nn_dims d2 = nn_tensor_dims(nn_tensor(m, i1));
        const float *x2 = fdata(m, i1);
        switch (l->op) {
        case NN_OP_ADD: ks = nn_add_f32(params, &din, x, &d2, x2, &dout, y); break;
        case NN_OP_MUL: ks = nn_mul_f32(params, &din, x, &d2, x2, &dout, y); break;
        case NN_OP_SUB: ks = nn_sub_f32(params, &din, x, &d2, x2, &dout, y); break;
        case NN_OP_PRELU: ks = nn_prelu_f32(&din, x, &d2, x2, &dout, y); break;
        default: ks = nn_minmax_f32(l->op == NN_OP_MAXIMUM, &din, x, &d2, x2, &dout, y); break;
        }
        break;
    }
    case NN_OP_RESIZE_BILINEAR: ks = nn_resize_bilinear_f32(params, &din, x, &dout, y); break;
    case NN_OP_L2_NORMALIZATION: {
        const int32_t depth = in->dims[in->ndims - 1];
        ks = nn_l2norm_f32((int32_t)(in->size / 4u / (uint32_t)depth), depth, x, y);
        break;
    }
    case NN_OP_CAST:
        ks = nn_cast_f32(in->type, out->type, (int32_t)nn_tensor_elements(in), x, y);
        break;
    case NN_OP_RELU: ks = nn_relu_f32((int32_t)(in->size / 4u), x, y); break;
    case NN_OP_RELU6: ks = nn_relu6_f32((int32_t)(in->size / 4u), x, y); break;
    case NN_OP_TANH: ks = nn_tanh_f32((int32_t)(in->size / 4u), x, y); break;
    case NN_OP_HARD_SWISH: ks = nn_hard_swish_f32((int32_t)(in->size / 4u), x, y); break;
    case NN_OP_LEAKY_RELU: {
        const nn_tsm_leaky_relu_f32 *p = params;
        ks = nn_leaky_relu_f32(p->alpha, (int32_t)(in->size / 4u), x, y);
        break;
    }
    case NN_OP_SOFTMAX: {
        const int32_t depth = in->dims[in->ndims - 1];
        const nn_tsm_softmax_f32 *p = params;
        ks = nn_softmax_f32(p->beta, (int32_t)(in->size / 4u / (uint32_t)depth), depth, x, y);
        break;
    }
    case NN_OP_LOGISTIC: ks = nn_logistic_f32((int32_t)(in->size / 4u), x, y); break;
    case NN_OP_RESHAPE:
        if (x != y)
            memmove(y, x, in->size);
        ks = NN_KERNEL_OK;
        break;
    case NN_OP_PAD:
    case NN_OP_PADV2: {
        const nn_tsm_pad_f32 *p = params;
        ks = nn_pad_f32(&din, x, (const int32_t(*)[2])p->pad, p->pad_value, &dout, y);
        break;
    }
    case NN_OP_CONCATENATION: {
        const nn_tsm_concat *p = params;
        nn_dims dims[NN_MAX_LAYER_IO];
        const nn_dims *dptr[NN_MAX_LAYER_IO];
        const float *ptr[NN_MAX_LAYER_IO];
        for (uint32_t k = 0; k < l->n_inputs; k++) {
            const uint32_t t = nn_layer_operand(m, li, k);
            dims[k] = nn_tensor_dims(nn_tensor(m, t));
            dptr[k] = &dims[k];
            ptr[k] = fdata(m, t);
        }
        ks = nn_concat_f32(p->axis, (int32_t)l->n_inputs, dptr, ptr, &dout, y);
        break;
    }
    case NN_OP_MEAN:
    case NN_OP_SUM:
    case NN_OP_REDUCE_MAX: {
        const nn_tsm_mean_f32 *p = params;
        nn_dims dk = din; /* the output with the reduced dims kept as 1 */
        if (p->axis_mask & 1) dk.n = 1;
        if (p->axis_mask & 2) dk.h = 1;
        if (p->axis_mask & 4) dk.w = 1;
        if (p->axis_mask & 8) dk.c = 1;
        ks = reduce_f32(l->op == NN_OP_MEAN ? R_MEAN : l->op == NN_OP_SUM ? R_SUM : R_MAX,
                        p->axis_mask, &din, x, &dk, y);
        break;
    }
    default: break;
    }
    return ks == NN_KERNEL_OK ? NN_OK : NN_E_KERNEL;
}
