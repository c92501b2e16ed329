/*
 * Elementwise binary kernels on int8 tensors with 4-D broadcasting: ADD, SUB, MUL, MINIMUM,
 * MAXIMUM and PRELU with TFLite's quantized semantics (reference_integer_ops::Add / Mul,
 * reference_ops::Sub, MaximumMinimumBroadcastSlow, BroadcastPrelu4DSlow).
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

/* ---------------------------------------------------------------- broadcasting */

/* Element strides of an input in the output's N,H,W,C loop: 0 where the input broadcasts. */
typedef struct {
    size_t n, h, w, c;
} nn_bcast_strides;

/* Whether `in` can broadcast to `out`: every dimension equals out's or is 1. */
static int nn_dims_broadcast_to(const nn_dims *in, const nn_dims *out)
{
    return (in->n == out->n || in->n == 1) && (in->h == out->h || in->h == 1) &&
           (in->w == out->w || in->w == 1) && (in->c == out->c || in->c == 1);
}

static int nn_dims_positive(const nn_dims *d)
{
    return d->n > 0 && d->h > 0 && d->w > 0 && d->c > 0;
}

static int nn_dims_equal(const nn_dims *a, const nn_dims *b)
{
    return a->n == b->n && a->h == b->h && a->w == b->w && a->c == b->c;
}

/*
 * The shape checks ADD and MUL share: all three shapes positive, each input broadcastable
 * to the output, and the output exactly the broadcast shape (in every dimension the larger
 * of the two inputs').
 */
static int nn_check_broadcast(const nn_dims *d1, const nn_dims *d2, const nn_dims *out)
{
    if (!nn_dims_positive(d1) || !nn_dims_positive(d2) || !nn_dims_positive(out))
        return 0;
    if (!nn_dims_broadcast_to(d1, out) || !nn_dims_broadcast_to(d2, out))
        return 0;
    return out->n == NN_MAX(d1->n, d2->n) && out->h == NN_MAX(d1->h, d2->h) &&
           out->w == NN_MAX(d1->w, d2->w) && out->c == NN_MAX(d1->c, d2->c);
}

static nn_bcast_strides nn_strides(const nn_dims *d)
{
    nn_bcast_strides s;
    const size_t sc = 1;
    const size_t sw = (size_t)d->c;
    const size_t sh = sw * (size_t)d->w;
    const size_t sn = sh * (size_t)d->h;
    s.c = d->c == 1 ? 0 : sc;
    s.w = d->w == 1 ? 0 : sw;
    s.h = d->h == 1 ? 0 : sh;
    s.n = d->n == 1 ? 0 : sn;
    return s;
}

static int nn_int8_range(int32_t lo, int32_t hi)
{
    return INT8_MIN <= lo && lo <= hi && hi <= INT8_MAX;
}

/* -offset is an int8 zero point. */
static int nn_input_offset_ok(int32_t offset)
{
    return -INT8_MAX <= offset && offset <= -INT8_MIN;
}

static int nn_shift_in(int32_t shift, int32_t lo, int32_t hi)
{
    return lo <= shift && shift <= hi;
}

/* ---------------------------------------------------------------- add */

/*
 * One ADD element (TFLite's AddFunc): both inputs are offset, shifted left by left_shift
 * for headroom, rescaled to a common scale (twice the larger input scale), summed, and the
 * sum requantized to the output scale.
 */
static int8_t nn_add_one(const nn_add_params *p, int8_t x, int8_t y)
{
    const int32_t v1 = (p->input1_offset + x) * ((int32_t)1 << p->left_shift);
    const int32_t v2 = (p->input2_offset + y) * ((int32_t)1 << p->left_shift);
    const int32_t s1 = nn_requantize(v1, p->input1_multiplier, p->input1_shift);
    const int32_t s2 = nn_requantize(v2, p->input2_multiplier, p->input2_shift);
    const int32_t raw = nn_requantize(s1 + s2, p->output_multiplier, p->output_shift) +
                        p->output_offset;
    return (int8_t)NN_CLAMP(raw, p->act_min, p->act_max);
}

/* One MUL element: the product of the offset inputs, requantized to the output scale. */
static int8_t nn_mul_one(const nn_mul_params *p, int8_t x, int8_t y)
{
    const int32_t prod = (p->input1_offset + x) * (p->input2_offset + y);
    const int32_t raw = nn_requantize(prod, p->output_multiplier, p->output_shift) +
                        p->output_offset;
    return (int8_t)NN_CLAMP(raw, p->act_min, p->act_max);
}

/* One SUB element: ADD's, with the second input's rescaled value subtracted
 * (reference_ops::SubElementwise). */
static int8_t nn_sub_one(const nn_add_params *p, int8_t x, int8_t y)
{
    const int32_t v1 = (p->input1_offset + x) * ((int32_t)1 << p->left_shift);
    const int32_t v2 = (p->input2_offset + y) * ((int32_t)1 << p->left_shift);
    const int32_t s1 = nn_requantize(v1, p->input1_multiplier, p->input1_shift);
    const int32_t s2 = nn_requantize(v2, p->input2_multiplier, p->input2_shift);
    const int32_t raw = nn_requantize(s1 - s2, p->output_multiplier, p->output_shift) +
                        p->output_offset;
    return (int8_t)NN_CLAMP(raw, p->act_min, p->act_max);
}

/* One PRELU element: x >= 0 rescaled as it is, below 0 times alpha. */
static int8_t nn_prelu_one(const nn_prelu_params *p, int8_t x, int8_t a)
{
    const int32_t v = p->input_offset + x;
    int32_t r;
    if (v >= 0)
        r = nn_requantize(v, p->multiplier_1, p->shift_1);
    else
        r = nn_requantize(v * (p->alpha_offset + a), p->multiplier_2, p->shift_2);
    r += p->output_offset;
    return (int8_t)NN_CLAMP(r, INT8_MIN, INT8_MAX);
}

enum { K_ADD, K_SUB, K_MUL, K_MIN, K_MAX, K_PRELU };

static inline __attribute__((always_inline)) int8_t nn_elem(int kind, const void *p, int8_t x,
                                                           int8_t y)
{
    switch (kind) {
    case K_ADD: return nn_add_one(p, x, y);
    case K_SUB: return nn_sub_one(p, x, y);
    case K_MUL: return nn_mul_one(p, x, y);
    case K_MIN: return x < y ? x : y;
    case K_MAX: return x > y ? x : y;
    default: return nn_prelu_one(p, x, y);
    }
}

/*
 * The elementwise loop every binary int8 op shares: a flat loop when neither input
 * broadcasts, else the output's N,H,W,C loop with each input's strides (0 where it
 * broadcasts), as TFLite's Broadcast*4DSlow. Always inlined with a constant kind, so each op
 * gets its own loop with its element function in it.
 */
static inline __attribute__((always_inline)) nn_kernel_status
nn_broadcast(int kind, const void *p, const nn_dims *in1_dims, const int8_t *in1,
             const nn_dims *in2_dims, const int8_t *in2, const nn_dims *out_dims, int8_t *out)
{
    if (nn_dims_equal(in1_dims, out_dims) && nn_dims_equal(in2_dims, out_dims)) {
        const size_t count = (size_t)out_dims->n * (size_t)out_dims->h *
                             (size_t)out_dims->w * (size_t)out_dims->c;
        for (size_t i = 0; i < count; i++)
            out[i] = nn_elem(kind, p, in1[i], in2[i]);
        return NN_KERNEL_OK;
    }
    const nn_bcast_strides s1 = nn_strides(in1_dims), s2 = nn_strides(in2_dims);
    size_t o = 0;
    for (int32_t n = 0; n < out_dims->n; n++)
        for (int32_t h = 0; h < out_dims->h; h++)
            for (int32_t w = 0; w < out_dims->w; w++) {
                const size_t b1 = (size_t)n * s1.n + (size_t)h * s1.h + (size_t)w * s1.w;
                const size_t b2 = (size_t)n * s2.n + (size_t)h * s2.h + (size_t)w * s2.w;
                for (int32_t c = 0; c < out_dims->c; c++)
                    out[o++] = nn_elem(kind, p, in1[b1 + (size_t)c * s1.c],
                                       in2[b2 + (size_t)c * s2.c]);
            }
    return NN_KERNEL_OK;
}

/* ADD's and SUB's parameter checks. */
static int nn_add_args_ok(const nn_add_params *p)
{
    return nn_int8_range(p->act_min, p->act_max) && p->left_shift >= 0 && p->left_shift <= 22 &&
           nn_input_offset_ok(p->input1_offset) && nn_input_offset_ok(p->input2_offset) &&
           nn_int8_range(p->output_offset, p->output_offset) &&
           nn_shift_in(p->input1_shift, -31, 0) && nn_shift_in(p->input2_shift, -31, 0) &&
           nn_shift_in(p->output_shift, -31, 0);
}

/*
 * ADD. Preconditions besides the shapes: int8 zero points, act range within int8,
 * 0 <= left_shift <= 22 (an offset input shifted left fits in int32) and every shift in
 * [-31, 0] (TFLite's multipliers are all below one here), so no intermediate overflows.
 * Output may alias an input whose dims equal out_dims.
 */
nn_kernel_status nn_add_s8(const nn_add_params *p,
                           const nn_dims *in1_dims, const int8_t *in1,
                           const nn_dims *in2_dims, const int8_t *in2,
                           const nn_dims *out_dims, int8_t *out)
{
    if (p == NULL || in1_dims == NULL || in1 == NULL || in2_dims == NULL || in2 == NULL ||
        out_dims == NULL || out == NULL)
        return NN_KERNEL_EARG;
    if (!nn_check_broadcast(in1_dims, in2_dims, out_dims) || !nn_add_args_ok(p))
        return NN_KERNEL_EARG;

    return nn_broadcast(K_ADD, p, in1_dims, in1, in2_dims, in2, out_dims, out);
}

/* ---------------------------------------------------------------- mul */

/*
 * MUL. Preconditions besides the shapes: int8 zero points, act range within int8, shift in
 * [-31, 15] (a product of offset inputs, |x| <= 255 * 255, shifted left still fits in int32;
 * a real multiplier of 2^15 or more would make no sense). Output may alias an input whose
 * dims equal out_dims.
 */
nn_kernel_status nn_mul_s8(const nn_mul_params *p,
                           const nn_dims *in1_dims, const int8_t *in1,
                           const nn_dims *in2_dims, const int8_t *in2,
                           const nn_dims *out_dims, int8_t *out)
{
    if (p == NULL || in1_dims == NULL || in1 == NULL || in2_dims == NULL || in2 == NULL ||
        out_dims == NULL || out == NULL)
        return NN_KERNEL_EARG;
    if (!nn_check_broadcast(in1_dims, in2_dims, out_dims) ||
        !nn_int8_range(p->act_min, p->act_max) ||
        !nn_input_offset_ok(p->input1_offset) || !nn_input_offset_ok(p->input2_offset) ||
        !nn_int8_range(p->output_offset, p->output_offset) || !nn_shift_in(p->output_shift, -31, 15))
        return NN_KERNEL_EARG;

    return nn_broadcast(K_MUL, p, in1_dims, in1, in2_dims, in2, out_dims, out);
}

/* ---------------------------------------------------------------- sub, minimum, maximum */

nn_kernel_status nn_sub_s8(const nn_add_params *p,
                           const nn_dims *in1_dims, const int8_t *in1,
                           const nn_dims *in2_dims, const int8_t *in2,
                           const nn_dims *out_dims, int8_t *out)
{
    if (p == NULL || in1_dims == NULL || in1 == NULL || in2_dims == NULL || in2 == NULL ||
        out_dims == NULL || out == NULL || !nn_add_args_ok(p) ||
        !nn_check_broadcast(in1_dims, in2_dims, out_dims))
        return NN_KERNEL_EARG;
    return nn_broadcast(K_SUB, p, in1_dims, in1, in2_dims, in2, out_dims, out);
}

nn_kernel_status nn_minmax_s8(int is_max, const nn_dims *in1_dims, const int8_t *in1,
                              const nn_dims *in2_dims, const int8_t *in2,
                              const nn_dims *out_dims, int8_t *out)
{
    if (in1_dims == NULL || in1 == NULL || in2_dims == NULL || in2 == NULL ||
        out_dims == NULL || out == NULL || !nn_check_broadcast(in1_dims, in2_dims, out_dims))
        return NN_KERNEL_EARG;
    return is_max ? nn_broadcast(K_MAX, NULL, in1_dims, in1, in2_dims, in2, out_dims, out)
                  : nn_broadcast(K_MIN, NULL, in1_dims, in1, in2_dims, in2, out_dims, out);
}

/* ---------------------------------------------------------------- prelu */

nn_kernel_status nn_prelu_s8(const nn_prelu_params *p, const nn_dims *in_dims,
                             const int8_t *input, const nn_dims *alpha_dims,
                             const int8_t *alpha, const nn_dims *out_dims, int8_t *output)
{
    if (p == NULL || in_dims == NULL || input == NULL || alpha_dims == NULL || alpha == NULL ||
        out_dims == NULL || output == NULL ||
        !nn_check_broadcast(in_dims, alpha_dims, out_dims) ||
        !nn_input_offset_ok(p->input_offset) || !nn_input_offset_ok(p->alpha_offset) ||
        !nn_int8_range(p->output_offset, p->output_offset) || p->multiplier_1 < 0 ||
        p->multiplier_2 < 0 || !nn_shift_in(p->shift_1, -31, 30) ||
        !nn_shift_in(p->shift_2, -31, 30))
        return NN_KERNEL_EARG;
    return nn_broadcast(K_PRELU, p, in_dims, input, alpha_dims, alpha, out_dims, output);
}
