/*
 * Tests for models/qparams.c: the fixed-point parameters against values derived by hand from
 * TFLite's Prepare() formulas, the parameters and kernels together against float math, and
 * (when ../shared is present) against TFLite Micro's golden layer outputs of the MLPerf Tiny
 * models.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/nn_kernels.h"
#include "models/qparams.h"
#include "tests/testlib.h"

/* A float from its IEEE-754 bit pattern (as stored in a .tflite file). */
static float bits_f32(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Deterministic pseudo-random numbers (xorshift32). */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
    return ts_xorshift32(&rng_state);
}

static int8_t rng_s8(void)
{
    return (int8_t)(rng() >> 24);
}

/* A float scale in [lo, hi), log-uniform. */
static float rng_scale(float lo, float hi)
{
    const double u = (double)(rng() >> 8) / (double)(1u << 24);
    return (float)(lo * pow((double)hi / lo, u));
}


/* ---------------------------------------------------------------- QuantizeMultiplier */

static void check_qm(double real, int32_t want_mult, int32_t want_shift)
{
    int32_t mult = -7, shift = -7;
    assert_int_equal(qp_quantize_multiplier(real, &mult, &shift), 0);
    assert_int_equal(mult, want_mult);
    assert_int_equal(shift, want_shift);
}

static void test_quantize_multiplier_known(void **state)
{
    (void)state;
    check_qm(0.5, 1 << 30, 0);
    check_qm(1.0, 1 << 30, 1);
    check_qm(0.25, 1 << 30, -1);
    check_qm(0.75, 3 << 29, 0);
    check_qm(0.0, 0, 0);
    check_qm(3.0, 3 << 29, 2);
    /* 1/3 = 0.666.. * 2^-1: round(2^32 / 3) = 1431655765 */
    check_qm(1.0 / 3.0, 1431655765, -1);
    /* q = 1 - 2^-33 rounds to 2^31: halved, shift + 1 */
    check_qm(1.0 - ldexp(1.0, -33), 1 << 30, 1);
    /* q * 2^31 = 2^31 - 0.5 - 2^-22 rounds down and stays */
    check_qm(1.0 - ldexp(1.0, -32) - ldexp(1.0, -53), INT32_MAX, 0);
    /* smallest non-flushed shift is -31; below, everything flushes to 0 */
    check_qm(ldexp(1.0, -32), 1 << 30, -31);
    check_qm(ldexp(1.0, -33), 0, 0);
    check_qm(ldexp(1.0, -40), 0, 0);
    /* ties round away from zero: 0.5 + 2^-32 -> q * 2^31 = 2^30 + 0.5 */
    check_qm(0.5 + ldexp(1.0, -32), (1 << 30) + 1, 0);
}

static void test_quantize_multiplier_bad(void **state)
{
    (void)state;
    int32_t mult = 5, shift = 5;
    assert_int_equal(qp_quantize_multiplier(-0.5, &mult, &shift), -1);
    assert_int_equal(mult, 0);
    assert_int_equal(shift, 0);
    assert_int_equal(qp_quantize_multiplier(NAN, &mult, &shift), -1);
    assert_int_equal(qp_quantize_multiplier(INFINITY, &mult, &shift), -1);
}

/* The multiplier represents real to within half a unit of its last place. */
static void test_quantize_multiplier_accuracy(void **state)
{
    (void)state;
    for (int i = 0; i < 2000; i++) {
        const double real = (double)rng_scale(1e-6f, 1e3f);
        int32_t mult, shift;
        assert_int_equal(qp_quantize_multiplier(real, &mult, &shift), 0);
        assert_true(mult >= (1 << 30));
        const double back = ldexp((double)mult, shift - 31);
        assert_true(fabs(back - real) <= ldexp(1.0, shift - 32) * 1.0000001);
    }
}

/* ---------------------------------------------------------------- activation range */

static void check_range(int act, float scale, int32_t zp, int32_t want_lo, int32_t want_hi)
{
    int32_t lo = 999, hi = 999;
    assert_int_equal(qp_activation_range(act, scale, zp, &lo, &hi), 0);
    assert_int_equal(lo, want_lo);
    assert_int_equal(hi, want_hi);
}

static void test_activation_range(void **state)
{
    (void)state;
    check_range(QP_ACT_NONE, 0.1f, 5, -128, 127);
    check_range(QP_ACT_RELU, 0.05f, -128, -128, 127);
    check_range(QP_ACT_RELU, 0.05f, -20, -20, 127);
    /* 6 / 0.1f rounds to 60 in float */
    check_range(QP_ACT_RELU6, 0.1f, -10, -10, 50);
    check_range(QP_ACT_RELU6, 6.0f / 255.0f, -128, -128, 127);
    check_range(QP_ACT_RELU6, 0.01f, -128, -128, 127);
    check_range(QP_ACT_RELU_N1_TO_1, 1.0f / 64.0f, 0, -64, 64);
    check_range(QP_ACT_RELU_N1_TO_1, 1.0f / 64.0f, 100, 36, 127);
    /* a quotient of exactly .5 rounds away from zero: 1 / 0.4 = 2.5 -> 3 */
    check_range(QP_ACT_RELU_N1_TO_1, 0.4f, 0, -3, 3);

    int32_t lo, hi;
    assert_int_equal(qp_activation_range(QP_ACT_TANH, 0.1f, 0, &lo, &hi), -1);
    assert_int_equal(qp_activation_range(QP_ACT_SIGN_BIT, 0.1f, 0, &lo, &hi), -1);
    assert_int_equal(qp_activation_range(42, 0.1f, 0, &lo, &hi), -1);
    assert_int_equal(qp_activation_range(QP_ACT_RELU, 0.0f, 0, &lo, &hi), -1);
}

/* ---------------------------------------------------------------- per-op parameters */

static void test_conv_multipliers(void **state)
{
    (void)state;
    const float w[3] = { 0.25f, 0.5f, 0.1f };
    int32_t mult[3], shift[3];
    assert_int_equal(qp_conv_multipliers(0.5f, w, 3, 0.125f, mult, shift), 0);
    assert_int_equal(mult[0], 1 << 30);
    assert_int_equal(shift[0], 1); /* 1.0 */
    assert_int_equal(mult[1], 1 << 30);
    assert_int_equal(shift[1], 2); /* 2.0 */
    /* 0.5 * 0.1f / 0.125 in double, not 0.4 */
    int32_t m, s;
    qp_quantize_multiplier(0.5 * (double)0.1f / 0.125, &m, &s);
    assert_int_equal(mult[2], m);
    assert_int_equal(shift[2], s);
    assert_int_not_equal(mult[2], 1717986918); /* round(0.8 * 2^31), the value for 0.4 */

    /* the product too is formed in double: 0.1f * 0.3f / 0.7f -> 1472560321, where a float
     * product would give 1472560299 */
    const float w2[1] = { 0.3f };
    assert_int_equal(qp_conv_multipliers(0.1f, w2, 1, 0.7f, mult, shift), 0);
    assert_int_equal(mult[0], 1472560321);
    assert_int_equal(shift[0], -4);

    const float bad[2] = { 0.5f, 0.0f };
    assert_int_equal(qp_conv_multipliers(0.5f, bad, 2, 0.125f, mult, shift), -1);
    assert_int_equal(qp_conv_multipliers(0.5f, w, 3, -1.0f, mult, shift), -1);
}

static void test_add_params(void **state)
{
    (void)state;
    nn_add_params p;
    assert_int_equal(qp_add_params(0.5f, 3, 0.5f, -4, 0.5f, -128, QP_ACT_RELU, &p), 0);
    assert_int_equal(p.left_shift, 20);
    assert_int_equal(p.input1_offset, -3);
    assert_int_equal(p.input2_offset, 4);
    assert_int_equal(p.output_offset, -128);
    assert_int_equal(p.input1_multiplier, 1 << 30);
    assert_int_equal(p.input1_shift, 0);
    assert_int_equal(p.input2_multiplier, 1 << 30);
    assert_int_equal(p.input2_shift, 0);
    /* twice_max / (2^20 * out) = 2^-19 */
    assert_int_equal(p.output_multiplier, 1 << 30);
    assert_int_equal(p.output_shift, -18);
    assert_int_equal(p.act_min, -128);
    assert_int_equal(p.act_max, 127);

    /* ResNet-8's first ADD (scales from the model file): derived independently from
     * TFLite's formulas in double precision. */
    assert_int_equal(qp_add_params(bits_f32(0x3d215b22), -128, bits_f32(0x3dd5642b), 4,
                                   bits_f32(0x3d50ac69), -128, QP_ACT_RELU, &p), 0);
    assert_int_equal(p.input1_multiplier, 1623821475);
    assert_int_equal(p.input1_shift, -2);
    assert_int_equal(p.input2_multiplier, 1073741824);
    assert_int_equal(p.input2_shift, 0);
    assert_int_equal(p.output_multiplier, 1098017566);
    assert_int_equal(p.output_shift, -17);

    /* an output multiplier >= 1 is refused (TFLite aborts) */
    assert_int_equal(qp_add_params(1.0f, 0, 1.0f, 0, 1e-7f, 0, QP_ACT_NONE, &p), -1);
    assert_int_equal(qp_add_params(1.0f, 0, 1.0f, 0, 1.0f, 0, QP_ACT_TANH, &p), -1);
    assert_int_equal(qp_add_params(1.0f, 300, 1.0f, 0, 1.0f, 0, QP_ACT_NONE, &p), -1);
}

static void test_mul_params(void **state)
{
    (void)state;
    nn_mul_params p;
    assert_int_equal(qp_mul_params(0.5f, 1, 0.25f, 2, 0.0625f, -3, QP_ACT_RELU6, &p), 0);
    assert_int_equal(p.input1_offset, -1);
    assert_int_equal(p.input2_offset, -2);
    assert_int_equal(p.output_offset, -3);
    assert_int_equal(p.output_multiplier, 1 << 30);
    assert_int_equal(p.output_shift, 2); /* 2.0 */
    assert_int_equal(p.act_min, -3);
    assert_int_equal(p.act_max, 93); /* 6 / 0.0625 - 3 */
    assert_int_equal(qp_mul_params(0.5f, 1, NAN, 2, 0.0625f, -3, QP_ACT_NONE, &p), -1);
}

static void test_softmax_params(void **state)
{
    (void)state;
    nn_softmax_params p;
    /* scale 1/16: real = 2^-4 * 2^26 = 2^22 -> (2^30, 23); radius floor(31 * 2^26 / 2^23) */
    assert_int_equal(qp_softmax_params(0.0625f, 1.0f, &p), 0);
    assert_int_equal(p.input_multiplier, 1 << 30);
    assert_int_equal(p.input_left_shift, 23);
    assert_int_equal(p.diff_min, -248);
    /* beta scales the same way */
    assert_int_equal(qp_softmax_params(0.125f, 0.5f, &p), 0);
    assert_int_equal(p.input_left_shift, 23);
    assert_int_equal(p.diff_min, -248);

    /* The MLPerf KWS model's softmax input (its FC output, scale bits 0x3e142a46),
     * beta 1: real = scale * 2^26 = 0.5787700414657593 * 2^24. */
    assert_int_equal(qp_softmax_params(bits_f32(0x3e142a46), 1.0f, &p), 0);
    assert_int_equal(p.input_multiplier, 1242899200);
    assert_int_equal(p.input_left_shift, 24);
    assert_int_equal(p.diff_min, -124);
    /* VWW's (0x3c6fccc0) */
    assert_int_equal(qp_softmax_params(bits_f32(0x3c6fccc0), 1.0f, &p), 0);
    assert_int_equal(p.input_multiplier, 2011586560);
    assert_int_equal(p.input_left_shift, 20);
    assert_int_equal(p.diff_min, -1984);

    /* capped at 2^31 - 1: left shift 31, only the maximum itself survives */
    assert_int_equal(qp_softmax_params(64.0f, 1.0f, &p), 0);
    assert_int_equal(p.input_multiplier, INT32_MAX);
    assert_int_equal(p.input_left_shift, 31);
    assert_int_equal(p.diff_min, 0);

    assert_int_equal(qp_softmax_params(0.0f, 1.0f, &p), -1);
    assert_int_equal(qp_softmax_params(0.1f, -1.0f, &p), -1);
    /* beta * scale * 2^26 <= 1: TFLite's QuantizeMultiplierGreaterThanOne aborts */
    assert_int_equal(qp_softmax_params(1e-9f, 1.0f, &p), -1);
}

static void test_logistic_params(void **state)
{
    (void)state;
    nn_logistic_params p;
    /* scale 1/16: 2^-4 * 2^27 = 2^23 = 0.5 * 2^24; radius floor(15 * 2^27 / 2^24) = 120 */
    assert_int_equal(qp_logistic_params(0.0625f, 3, &p), 0);
    assert_int_equal(p.input_zero_point, 3);
    assert_int_equal(p.input_multiplier, 1 << 30);
    assert_int_equal(p.input_left_shift, 24);
    assert_int_equal(p.input_range_radius, 120);
    /* 0.1f * 2^27 = 0.800000011920929 * 2^24 */
    assert_int_equal(qp_logistic_params(0.1f, -128, &p), 0);
    assert_int_equal(p.input_multiplier, 1717986944);
    assert_int_equal(p.input_left_shift, 24);
    assert_int_equal(p.input_range_radius, 120);
    /* large scale: everything saturates */
    assert_int_equal(qp_logistic_params(16.0f, 0, &p), 0);
    assert_int_equal(p.input_left_shift, 32);
    assert_int_equal(p.input_range_radius, 0);
    assert_int_equal(qp_logistic_params(1e-10f, 0, &p), -1);
    assert_int_equal(qp_logistic_params(0.1f, 128, &p), -1);
}

static void test_mean_params(void **state)
{
    (void)state;
    nn_mean_params p;
    p.axis_mask = 6;
    /* QuantizeMultiplier(1) = (2^30, 1); n = 4: s = 2, (2^30 << 2) / 4, shift 1 - 2 */
    assert_int_equal(qp_mean_params(0.5f, -1, 0.5f, 2, 4, &p), 0);
    assert_int_equal(p.input_zero_point, -1);
    assert_int_equal(p.output_zero_point, 2);
    assert_int_equal(p.multiplier, 1 << 30);
    assert_int_equal(p.shift, -1);
    assert_int_equal(p.axis_mask, 6); /* untouched */
    /* n = 3: s = 1, 2^31 / 3 truncated */
    assert_int_equal(qp_mean_params(0.5f, 0, 0.5f, 0, 3, &p), 0);
    assert_int_equal(p.multiplier, 715827882);
    assert_int_equal(p.shift, 0);
    /* n = 1: unchanged */
    assert_int_equal(qp_mean_params(0.5f, 0, 0.5f, 0, 1, &p), 0);
    assert_int_equal(p.multiplier, 1 << 30);
    assert_int_equal(p.shift, 1);
    /* n = 49 (7x7 pooling): s = 5, (2^30 << 5) / 49 */
    assert_int_equal(qp_mean_params(0.5f, 0, 0.5f, 0, 49, &p), 0);
    assert_int_equal(p.multiplier, (int32_t)(((int64_t)1 << 35) / 49));
    assert_int_equal(p.shift, -4);
    /* ratio 2^-31 -> (2^30, -30): s capped at 31 + shift = 1 */
    assert_int_equal(qp_mean_params(1.0f, 0, 2147483648.0f, 0, 4, &p), 0);
    assert_int_equal(p.multiplier, 1 << 29);
    assert_int_equal(p.shift, -31);
    assert_int_equal(qp_mean_params(0.5f, 0, 0.5f, 0, 0, &p), -1);
}

static void test_requantize_params(void **state)
{
    (void)state;
    int32_t m, s;
    assert_int_equal(qp_requantize_params(0.5f, 0.5f, &m, &s), 0);
    assert_int_equal(m, 1 << 30);
    assert_int_equal(s, 1);
    /* 0.1f / 0.3f in double */
    assert_int_equal(qp_requantize_params(0.1f, 0.3f, &m, &s), 0);
    assert_int_equal(m, 1431655730);
    assert_int_equal(s, -1);
    assert_int_equal(qp_requantize_params(0.1f, 0.0f, &m, &s), -1);
}

/* ---------------------------------------------------------------- parameters + kernels vs float */

/* SOFTMAX of random rows with random scales is within 1 LSB of the float softmax. */
static void test_softmax_vs_float(void **state)
{
    (void)state;
    int8_t in[64], out[64];
    for (int iter = 0; iter < 3000; iter++) {
        const float scale = rng_scale(0.002f, 0.5f);
        const float beta = (iter % 4 == 0) ? rng_scale(0.25f, 2.0f) : 1.0f;
        const int depth = 1 + (int)(rng() % 64);
        nn_softmax_params p;
        assert_int_equal(qp_softmax_params(scale, beta, &p), 0);
        const int spread = 1 + (int)(rng() % 256);
        for (int i = 0; i < depth; i++)
            in[i] = (int8_t)(127 - (int)(rng() % (uint32_t)spread));
        assert_int_equal(nn_softmax_s8(&p, 1, depth, in, out), NN_KERNEL_OK);
        int max = -128;
        for (int i = 0; i < depth; i++)
            max = in[i] > max ? in[i] : max;
        double sum = 0;
        for (int i = 0; i < depth; i++)
            sum += exp((double)beta * scale * (in[i] - max));
        for (int i = 0; i < depth; i++) {
            const double prob = exp((double)beta * scale * (in[i] - max)) / sum;
            const int want = ts_round_clamp_s8(prob * 256.0 - 128.0);
            if (abs(out[i] - want) > 1)
                fail_msg("softmax depth %d scale %g beta %g: in %d -> %d, float says %d",
                         depth, (double)scale, (double)beta, in[i], out[i], want);
        }
    }
}

/* LOGISTIC over every int8 input for random scales and zero points is within 1 LSB. */
static void test_logistic_vs_float(void **state)
{
    (void)state;
    int8_t in[256], out[256];
    for (int i = 0; i < 256; i++)
        in[i] = (int8_t)(i - 128);
    for (int iter = 0; iter < 500; iter++) {
        const float scale = rng_scale(0.001f, 1.0f);
        const int32_t zp = rng_s8();
        nn_logistic_params p;
        assert_int_equal(qp_logistic_params(scale, zp, &p), 0);
        assert_int_equal(nn_logistic_s8(&p, 256, in, out), NN_KERNEL_OK);
        for (int i = 0; i < 256; i++) {
            const double x = (double)scale * (in[i] - zp);
            const int want = ts_round_clamp_s8(256.0 / (1.0 + exp(-x)) - 128.0);
            if (abs(out[i] - want) > 1)
                fail_msg("logistic scale %g zp %d: in %d -> %d, float says %d",
                         (double)scale, zp, in[i], out[i], want);
        }
    }
}

/* ADD and MUL with random quantization are within 1 LSB of the float results. */
static void test_add_mul_vs_float(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 1, 256 };
    int8_t a[256], b[256], o[256];
    for (int iter = 0; iter < 500; iter++) {
        const float s1 = rng_scale(0.01f, 1.0f), s2 = rng_scale(0.01f, 1.0f);
        const int32_t z1 = rng_s8(), z2 = rng_s8(), zo = rng_s8();
        for (int i = 0; i < 256; i++) {
            a[i] = rng_s8();
            b[i] = rng_s8();
        }

        const float so_add = (s1 + s2) * rng_scale(0.5f, 2.0f);
        nn_add_params ap;
        assert_int_equal(qp_add_params(s1, z1, s2, z2, so_add, zo, QP_ACT_NONE, &ap), 0);
        assert_int_equal(nn_add_s8(&ap, &d, a, &d, b, &d, o), NN_KERNEL_OK);
        for (int i = 0; i < 256; i++) {
            const double real = (double)s1 * (a[i] - z1) + (double)s2 * (b[i] - z2);
            const int want = ts_round_clamp_s8(real / so_add + zo);
            if (abs(o[i] - want) > 1)
                fail_msg("add: %d + %d -> %d, float says %d", a[i], b[i], o[i], want);
        }

        const float so_mul = s1 * s2 * rng_scale(16.0f, 256.0f);
        nn_mul_params mp;
        assert_int_equal(qp_mul_params(s1, z1, s2, z2, so_mul, zo, QP_ACT_NONE, &mp), 0);
        assert_int_equal(nn_mul_s8(&mp, &d, a, &d, b, &d, o), NN_KERNEL_OK);
        for (int i = 0; i < 256; i++) {
            const double real = (double)s1 * (a[i] - z1) * (double)s2 * (b[i] - z2);
            const int want = ts_round_clamp_s8(real / so_mul + zo);
            if (abs(o[i] - want) > 1)
                fail_msg("mul: %d * %d -> %d, float says %d", a[i], b[i], o[i], want);
        }
    }
}

/* MEAN over H,W (global average pooling) with random quantization, within 1 LSB. */
static void test_mean_vs_float(void **state)
{
    (void)state;
    int8_t in[7 * 5 * 8], out[8];
    for (int iter = 0; iter < 500; iter++) {
        const int h = 1 + (int)(rng() % 7), w = 1 + (int)(rng() % 5);
        const nn_dims di = { 1, h, w, 8 }, dout = { 1, 1, 1, 8 };
        const float si = rng_scale(0.01f, 1.0f), so = si * rng_scale(0.5f, 2.0f);
        const int32_t zi = rng_s8(), zo = rng_s8();
        nn_mean_params p;
        assert_int_equal(qp_mean_params(si, zi, so, zo, h * w, &p), 0);
        p.axis_mask = 2 | 4;
        for (int i = 0; i < h * w * 8; i++)
            in[i] = rng_s8();
        assert_int_equal(nn_mean_s8(&p, &di, in, &dout, out), NN_KERNEL_OK);
        for (int c = 0; c < 8; c++) {
            double sum = 0;
            for (int i = 0; i < h * w; i++)
                sum += in[i * 8 + c] - zi;
            const int want = ts_round_clamp_s8((double)si * sum / (h * w) / so + zo);
            if (abs(out[c] - want) > 1)
                fail_msg("mean %dx%d: channel %d -> %d, float says %d", h, w, c, out[c], want);
        }
    }
}

/* ---------------------------------------------------------------- TFLM golden outputs */

/* Reads exactly size bytes of shared/golden/<rel> into buf; 0 on success. */
static int read_golden(const char *rel, int8_t *buf, size_t size)
{
    char path[512];
    size_t len;
    snprintf(path, sizeof path, "golden/%s", rel);
    uint8_t *data = ts_read_shared(path, &len);
    int ok = data != NULL && len == size;
    if (ok)
        memcpy(buf, data, size);
    free(data);
    return ok ? 0 : -1;
}

/* Skip the test, saying why, when shared/golden/<rel> is not there. */
#define SKIP_WITHOUT_SHARED(rel)                                                           \
    do {                                                                                   \
        char path_[512];                                                                   \
        size_t len_;                                                                       \
        snprintf(path_, sizeof path_, "golden/%s", (rel));                                 \
        uint8_t *probe_ = ts_read_shared(path_, &len_);                                    \
        if (probe_ == NULL) {                                                              \
            ts_skip_message(path_);                                                        \
            skip();                                                                        \
        }                                                                                  \
        free(probe_);                                                                      \
    } while (0)

/*
 * The last two layers of a model: its FULLY_CONNECTED output (the softmax input) through
 * SOFTMAX (beta 1) must give TFLM's bytes exactly. Scales are those of the models' files.
 */
static void check_golden_softmax(const char *model, const char *in_file, const char *out_file,
                                 uint32_t scale_bits, int depth)
{
    char rel_in[256], rel_out[256];
    int8_t in[16], want[16], out[16];
    snprintf(rel_in, sizeof rel_in, "%s/%s", model, in_file);
    snprintf(rel_out, sizeof rel_out, "%s/%s", model, out_file);
    SKIP_WITHOUT_SHARED(rel_in);
    assert_int_equal(read_golden(rel_in, in, (size_t)depth), 0);
    assert_int_equal(read_golden(rel_out, want, (size_t)depth), 0);
    nn_softmax_params p;
    assert_int_equal(qp_softmax_params(bits_f32(scale_bits), 1.0f, &p), 0);
    assert_int_equal(nn_softmax_s8(&p, 1, depth, in, out), NN_KERNEL_OK);
    assert_memory_equal(out, want, (size_t)depth);
}

static void test_golden_softmax_kws(void **state)
{
    (void)state;
    check_golden_softmax("kws_ref_model", "layers_sample/op_11_FULLY_CONNECTED.bin",
                         "layers_sample/op_12_SOFTMAX.bin", 0x3e142a46, 12);
}

static void test_golden_softmax_vww(void **state)
{
    (void)state;
    check_golden_softmax("vww_96_int8", "layers_seed1/op_29_FULLY_CONNECTED.bin",
                         "layers_seed1/op_30_SOFTMAX.bin", 0x3c6fccc0, 2);
}

static void test_golden_softmax_resnet(void **state)
{
    (void)state;
    check_golden_softmax("pretrainedResnet_quant", "layers_seed1/op_14_FULLY_CONNECTED.bin",
                         "layers_seed1/op_15_SOFTMAX.bin", 0x3e2ffa5e, 10);
}

/* ResNet-8's three residual ADDs (fused RELU), with the models' scales and zero points. */
static void test_golden_add_resnet(void **state)
{
    (void)state;
    static const struct {
        const char *in1, *in2, *out;
        uint32_t s1, s2, so;
        int32_t z1, z2, zo;
        nn_dims d;
    } adds[3] = {
        { "op_00_CONV_2D", "op_02_CONV_2D", "op_03_ADD", 0x3d215b22, 0x3dd5642b, 0x3d50ac69,
          -128, 4, -128, { 1, 32, 32, 16 } },
        { "op_06_CONV_2D", "op_05_CONV_2D", "op_07_ADD", 0x3d3757c2, 0x3de7aada, 0x3d5a0e38,
          -17, 4, -128, { 1, 16, 16, 32 } },
        { "op_10_CONV_2D", "op_09_CONV_2D", "op_11_ADD", 0x3dabbde7, 0x3e5e751e, 0x3e021e6a,
          38, -2, -128, { 1, 8, 8, 64 } },
    };
    static int8_t a[16384], b[16384], want[16384], out[16384];
    SKIP_WITHOUT_SHARED("pretrainedResnet_quant/layers_seed1/op_03_ADD.bin");
    for (int k = 0; k < 3; k++) {
        char r1[256], r2[256], ro[256];
        const size_t n = (size_t)adds[k].d.h * (size_t)adds[k].d.w * (size_t)adds[k].d.c;
        snprintf(r1, sizeof r1, "pretrainedResnet_quant/layers_seed1/%s.bin", adds[k].in1);
        snprintf(r2, sizeof r2, "pretrainedResnet_quant/layers_seed1/%s.bin", adds[k].in2);
        snprintf(ro, sizeof ro, "pretrainedResnet_quant/layers_seed1/%s.bin", adds[k].out);
        assert_int_equal(read_golden(r1, a, n), 0);
        assert_int_equal(read_golden(r2, b, n), 0);
        assert_int_equal(read_golden(ro, want, n), 0);
        nn_add_params p;
        assert_int_equal(qp_add_params(bits_f32(adds[k].s1), adds[k].z1, bits_f32(adds[k].s2),
                                       adds[k].z2, bits_f32(adds[k].so), adds[k].zo,
                                       QP_ACT_RELU, &p), 0);
        assert_int_equal(nn_add_s8(&p, &adds[k].d, a, &adds[k].d, b, &adds[k].d, out),
                         NN_KERNEL_OK);
        assert_memory_equal(out, want, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantize_multiplier_known),
        cmocka_unit_test(test_quantize_multiplier_bad),
        cmocka_unit_test(test_quantize_multiplier_accuracy),
        cmocka_unit_test(test_activation_range),
        cmocka_unit_test(test_conv_multipliers),
        cmocka_unit_test(test_add_params),
        cmocka_unit_test(test_mul_params),
        cmocka_unit_test(test_softmax_params),
        cmocka_unit_test(test_logistic_params),
        cmocka_unit_test(test_mean_params),
        cmocka_unit_test(test_requantize_params),
        cmocka_unit_test(test_softmax_vs_float),
        cmocka_unit_test(test_logistic_vs_float),
        cmocka_unit_test(test_add_mul_vs_float),
        cmocka_unit_test(test_mean_vs_float),
        cmocka_unit_test(test_golden_softmax_kws),
        cmocka_unit_test(test_golden_softmax_vww),
        cmocka_unit_test(test_golden_softmax_resnet),
        cmocka_unit_test(test_golden_add_resnet),
    };
    return cmocka_run_group_tests_name("models/qparams", tests, NULL, NULL);
}
