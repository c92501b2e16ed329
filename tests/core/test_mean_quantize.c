/*
 * Tests of core/nn_mean.c and core/nn_quantize.c: MEAN over every axis combination (hand
 * values showing TFLite's double rounding, and an index-by-index reference), QUANTIZE /
 * requantize / DEQUANTIZE with exact rounding cases, and every precondition returning EARG.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/nn_kernels.h"
#include "core/nn_math.h"

#define SENTINEL 0x5a

/*
 * MEAN parameters with equal input and output scales, worked out from TFLM's reduce: the
 * scale ratio 1 is (2^30, 1); for n elements, s = floor(log2 n), multiplier (2^30 << s) / n,
 * shift 1 - s. n = 4: (2^30, -1); n = 3: (715827882, 0); n = 1: (2^30, 1).
 */
static nn_mean_params mean_params(int32_t n, int32_t mask, int32_t in_zp, int32_t out_zp)
{
    int s = 0;
    while ((1 << (s + 1)) <= n)
        s++;
    nn_mean_params p = {
        .input_zero_point = in_zp, .output_zero_point = out_zp,
        .multiplier = (int32_t)(((int64_t)1 << (30 + s)) / n), .shift = 1 - s,
        .axis_mask = mask,
    };
    return p;
}

/* ---------------------------------------------------------------- MEAN */

/*
 * Mean over H and W of a 2x2 image with 3 channels (n = 4, (2^30, -1)): the sum is halved
 * with rounding by the doubling high multiply, then again by the shift.
 *   channel 0: 1 2 3 4, sum 10 -> 5 -> 2.5 -> 3;
 *   channel 1: 1 1 1 2, sum 5 -> 2.5 -> 3 -> 1.5 -> 2 (the true mean 1.25 would give 1);
 *   channel 2: -1 -2 -3 -4, sum -10 -> -5 -> -2.5 -> -3.
 */
static void test_mean_hw_by_hand(void **state)
{
    (void)state;
    const nn_dims di = { 1, 2, 2, 3 }, dout = { 1, 1, 1, 3 };
    const int8_t in[12] = { 1, 1, -1, 2, 1, -2, 3, 1, -3, 4, 2, -4 };
    int8_t out[3];
    const nn_mean_params p = mean_params(4, 2 | 4, 0, 0);
    assert_int_equal(p.multiplier, 1 << 30);
    assert_int_equal(p.shift, -1);
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_OK);
    const int8_t want[3] = { 3, 2, -3 };
    assert_memory_equal(out, want, 3);
}

/*
 * Mean over W of three values (n = 3, (715827882, 0)): {3,3,3} -> 9 * 715827882 / 2^31 =
 * 2.99999 -> 3; {1,1,2} -> 1.33 -> 1; {2,2,1} -> 1.67 -> 2. Zero points: input -128,
 * output 5: {-128,-127,-125} is {0,1,3} -> 1.33 -> 1 + 5 = 6.
 */
static void test_mean_three(void **state)
{
    (void)state;
    const nn_dims di = { 1, 3, 3, 1 }, dout = { 1, 3, 1, 1 };
    const int8_t in[9] = { 3, 3, 3, 1, 1, 2, 2, 2, 1 };
    int8_t out[3];
    nn_mean_params p = mean_params(3, 4, 0, 0);
    assert_int_equal(p.multiplier, 715827882);
    assert_int_equal(p.shift, 0);
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_OK);
    const int8_t want[3] = { 3, 1, 2 };
    assert_memory_equal(out, want, 3);

    const nn_dims d1 = { 1, 1, 3, 1 }, o1 = { 1, 1, 1, 1 };
    const int8_t in2[3] = { -128, -127, -125 };
    p = mean_params(3, 4, -128, 5);
    assert_int_equal(nn_mean_s8(&p, &d1, in2, &o1, out), NN_KERNEL_OK);
    assert_int_equal(out[0], 6);
}

/* Saturation: a scale ratio of 8 (2^30, 4) with n = 1 (no axes): 20 -> 160 -> 127. */
static void test_mean_saturates_and_no_axes(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 2, 2 };
    const int8_t in[4] = { 20, -20, 3, 15 };
    int8_t out[4];
    const nn_mean_params p = { .input_zero_point = 0, .output_zero_point = 0,
                               .multiplier = 1 << 30, .shift = 4, .axis_mask = 0 };
    assert_int_equal(nn_mean_s8(&p, &d, in, &d, out), NN_KERNEL_OK);
    const int8_t want[4] = { 127, -128, 24, 120 };
    assert_memory_equal(out, want, 4);
}

/* Reference MEAN by another loop order: accumulate every input element into its output. */
static void mean_reference(const nn_mean_params *p, const nn_dims *di, const int8_t *in,
                           const nn_dims *dout, int8_t *out)
{
    int32_t sums[256] = { 0 };
    int32_t count = 1;
    const int32_t in_sz[4] = { di->n, di->h, di->w, di->c };
    for (int k = 0; k < 4; k++)
        if (p->axis_mask & (1 << k))
            count *= in_sz[k];
    size_t i = 0;
    for (int n = 0; n < di->n; n++)
        for (int h = 0; h < di->h; h++)
            for (int w = 0; w < di->w; w++)
                for (int c = 0; c < di->c; c++) {
                    const int on = (p->axis_mask & 1) ? 0 : n, oh = (p->axis_mask & 2) ? 0 : h;
                    const int ow = (p->axis_mask & 4) ? 0 : w, oc = (p->axis_mask & 8) ? 0 : c;
                    sums[((on * dout->h + oh) * dout->w + ow) * dout->c + oc] += in[i++];
                }
    const int nout = dout->n * dout->h * dout->w * dout->c;
    for (int o = 0; o < nout; o++) {
        int32_t v = nn_requantize(sums[o] - p->input_zero_point * count, p->multiplier,
                                  p->shift) + p->output_zero_point;
        out[o] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

/* Every axis mask on a [2,3,4,5] tensor matches the reference, leaving the rest untouched. */
static void test_mean_all_masks(void **state)
{
    (void)state;
    const nn_dims di = { 2, 3, 4, 5 };
    int8_t in[120], out[121], want[120];
    for (int i = 0; i < 120; i++)
        in[i] = (int8_t)((i * 71) % 256 - 128);
    for (int32_t mask = 0; mask < 16; mask++) {
        const nn_dims dout = { (mask & 1) ? 1 : 2, (mask & 2) ? 1 : 3, (mask & 4) ? 1 : 4,
                               (mask & 8) ? 1 : 5 };
        const int32_t n = 120 / (dout.n * dout.h * dout.w * dout.c);
        const nn_mean_params p = mean_params(n, mask, 7, -9);
        const size_t nout = (size_t)(dout.n * dout.h * dout.w * dout.c);
        memset(out, SENTINEL, sizeof out);
        assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_OK);
        mean_reference(&p, &di, in, &dout, want);
        assert_memory_equal(out, want, nout);
        assert_int_equal(out[nout], SENTINEL);
    }
}

static void test_mean_earg(void **state)
{
    (void)state;
    const nn_dims di = { 1, 2, 2, 3 }, dout = { 1, 1, 1, 3 }, wrong = { 1, 1, 2, 3 };
    const nn_dims zero = { 1, 0, 2, 3 };
    int8_t in[12] = { 0 }, out[4];
    const nn_mean_params good = mean_params(4, 6, 0, 0);
    nn_mean_params p;
    memset(out, SENTINEL, sizeof out);
    assert_int_equal(nn_mean_s8(NULL, &di, in, &dout, out), NN_KERNEL_EARG);
    assert_int_equal(nn_mean_s8(&good, NULL, in, &dout, out), NN_KERNEL_EARG);
    assert_int_equal(nn_mean_s8(&good, &di, NULL, &dout, out), NN_KERNEL_EARG);
    assert_int_equal(nn_mean_s8(&good, &di, in, NULL, out), NN_KERNEL_EARG);
    assert_int_equal(nn_mean_s8(&good, &di, in, &dout, NULL), NN_KERNEL_EARG);
    assert_int_equal(nn_mean_s8(&good, &di, in, &wrong, out), NN_KERNEL_EARG);
    assert_int_equal(nn_mean_s8(&good, &zero, in, &dout, out), NN_KERNEL_EARG);
    p = good;
    p.axis_mask = 16;
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_EARG);
    p = good;
    p.axis_mask = -1;
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_EARG);
    p = good;
    p.input_zero_point = 128;
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_EARG);
    p = good;
    p.output_zero_point = -129;
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_EARG);
    p = good;
    p.shift = -32;
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_EARG);
    p = good;
    p.multiplier = -1;
    assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_EARG);
    for (int i = 0; i < 4; i++)
        assert_int_equal(out[i], SENTINEL);
}

/* ---------------------------------------------------------------- QUANTIZE float -> int8 */

/*
 * Scale 0.5: x / 0.5 rounded half away from zero (2.5 -> 3, 3.5 -> 4, not to even), then
 * saturated. 0.49999997 must round to 0 (adding 0.5 in float and truncating would give 1).
 */
static void test_quantize_rounding(void **state)
{
    (void)state;
    const float in[14] = { 1.25f, -1.25f, 1.75f, 0.2f, 0.3f, -0.25f, 0.0f, -0.0f, 63.5f, 64.0f,
                           -64.25f, -64.0f, 0.24999999f, -0.24999999f };
    int8_t out[14];
    assert_int_equal(nn_quantize_f32_s8(14, in, 0.5f, 0, out), NN_KERNEL_OK);
    const int8_t want[14] = { 3, -3, 4, 0, 1, -1, 0, 0, 127, 127, -128, -128, 0, 0 };
    assert_memory_equal(out, want, 14);

    /* with a zero point: 2.5 -> 3, then -10 */
    assert_int_equal(nn_quantize_f32_s8(14, in, 0.5f, -10, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -7);
    assert_int_equal(out[1], -13);
    assert_int_equal(out[10], -128);
    assert_int_equal(out[8], 117);

    const float halves[4] = { 0.49999997f, -0.49999997f, 0.5f, -0.5f };
    assert_int_equal(nn_quantize_f32_s8(4, halves, 1.0f, 0, out), NN_KERNEL_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], 1);
    assert_int_equal(out[3], -1);
}

/* Values far out of range, infinities and NaN. */
static void test_quantize_extremes(void **state)
{
    (void)state;
    const float in[7] = { 1e30f, -1e30f, INFINITY, -INFINITY, NAN, 8388609.0f, -3e9f };
    int8_t out[7];
    assert_int_equal(nn_quantize_f32_s8(7, in, 0.25f, 12, out), NN_KERNEL_OK);
    const int8_t want[7] = { 127, -128, 127, -128, 12, 127, -128 };
    assert_memory_equal(out, want, 7);
}

/* ---------------------------------------------------------------- requantize */

static void test_requantize(void **state)
{
    (void)state;
    int8_t in[256], out[256];
    for (int i = 0; i < 256; i++)
        in[i] = (int8_t)(i - 128);
    /* same scale (2^30, 1): a zero-point change, saturating */
    assert_int_equal(nn_requantize_s8(256, in, 5, 1 << 30, 1, -3, out), NN_KERNEL_OK);
    for (int i = 0; i < 256; i++) {
        int v = (i - 128) - 5 - 3;
        assert_int_equal(out[i], v < -128 ? -128 : v);
    }
    /* half (2^30, 0), no shift: the doubling high multiply alone rounds, ties upward
     * (gemmlowp's nudge, as ARM's VQRDMULH): 3 -> 1.5 -> 2, -3 -> -1.5 -> -1, 1 -> 0.5 -> 1,
     * -1 -> -0.5 -> 0 */
    const int8_t h[4] = { 3, -3, 1, -1 };
    assert_int_equal(nn_requantize_s8(4, h, 0, 1 << 30, 0, 0, out), NN_KERNEL_OK);
    const int8_t want_h[4] = { 2, -1, 1, 0 };
    assert_memory_equal(out, want_h, 4);
    /* times 8 (2^30, 4), in place: 15 -> 120, 16 -> 127, -17 -> -128 */
    int8_t buf[3] = { 15, 16, -17 };
    assert_int_equal(nn_requantize_s8(3, buf, 0, 1 << 30, 4, 0, buf), NN_KERNEL_OK);
    assert_int_equal(buf[0], 120);
    assert_int_equal(buf[1], 127);
    assert_int_equal(buf[2], -128);
}

/* ---------------------------------------------------------------- DEQUANTIZE */

/* (q - zp) * scale is a single float rounding of the exact product, as TFLite's double
 * multiply then float conversion. */
static void test_dequantize(void **state)
{
    (void)state;
    int8_t in[256];
    float out[256];
    for (int i = 0; i < 256; i++)
        in[i] = (int8_t)(i - 128);
    assert_int_equal(nn_dequantize_s8_f32(256, in, 0.5f, 3, out), NN_KERNEL_OK);
    for (int i = 0; i < 256; i++)
        assert_true(out[i] == (float)(i - 128 - 3) * 0.5f);
    const float scales[3] = { 0.1f, 0.0078125f, 0.3333333f };
    for (int k = 0; k < 3; k++) {
        assert_int_equal(nn_dequantize_s8_f32(256, in, scales[k], -7, out), NN_KERNEL_OK);
        for (int i = 0; i < 256; i++)
            assert_true(out[i] == (float)((double)scales[k] * (double)(i - 128 + 7)));
    }
}

static void test_quantize_earg(void **state)
{
    (void)state;
    const float f[2] = { 1.0f, 2.0f };
    const int8_t q[2] = { 1, 2 };
    int8_t out[2] = { SENTINEL, SENTINEL };
    float fout[2] = { 9.0f, 9.0f };

    assert_int_equal(nn_quantize_f32_s8(2, NULL, 0.5f, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(2, f, 0.5f, 0, NULL), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(0, f, 0.5f, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(2, f, 0.0f, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(2, f, -0.5f, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(2, f, NAN, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(2, f, INFINITY, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_quantize_f32_s8(2, f, 0.5f, 128, out), NN_KERNEL_EARG);

    assert_int_equal(nn_requantize_s8(2, NULL, 0, 1 << 30, 1, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(2, q, 0, 1 << 30, 1, 0, NULL), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(-1, q, 0, 1 << 30, 1, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(2, q, -129, 1 << 30, 1, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(2, q, 0, 1 << 30, 1, 200, out), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(2, q, 0, -5, 1, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(2, q, 0, 1 << 30, 23, 0, out), NN_KERNEL_EARG);
    assert_int_equal(nn_requantize_s8(2, q, 0, 1 << 30, -32, 0, out), NN_KERNEL_EARG);
    assert_int_equal(out[0], SENTINEL);
    assert_int_equal(out[1], SENTINEL);

    assert_int_equal(nn_dequantize_s8_f32(2, NULL, 0.5f, 0, fout), NN_KERNEL_EARG);
    assert_int_equal(nn_dequantize_s8_f32(2, q, 0.5f, 0, NULL), NN_KERNEL_EARG);
    assert_int_equal(nn_dequantize_s8_f32(0, q, 0.5f, 0, fout), NN_KERNEL_EARG);
    assert_int_equal(nn_dequantize_s8_f32(2, q, 0.5f, 300, fout), NN_KERNEL_EARG);
    assert_true(fout[0] == 9.0f && fout[1] == 9.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_hw_by_hand),
        cmocka_unit_test(test_mean_three),
        cmocka_unit_test(test_mean_saturates_and_no_axes),
        cmocka_unit_test(test_mean_all_masks),
        cmocka_unit_test(test_mean_earg),
        cmocka_unit_test(test_quantize_rounding),
        cmocka_unit_test(test_quantize_extremes),
        cmocka_unit_test(test_requantize),
        cmocka_unit_test(test_dequantize),
        cmocka_unit_test(test_quantize_earg),
    };
    return cmocka_run_group_tests_name("core/nn_mean+nn_quantize", tests, NULL, NULL);
}
