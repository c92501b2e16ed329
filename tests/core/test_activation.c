/*
 * Tests of core/nn_activation.c and core/nn_fixedpoint.h: the fixed-point exp, 1/(1+x) and
 * logistic against libm, SOFTMAX and LOGISTIC on hand-checkable cases (uniform rows, a
 * dominant input, the zero point, saturation), against float math over random inputs, and
 * every precondition returning EARG untouched.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/nn_fixedpoint.h"
#include "core/nn_kernels.h"
#include "tests/testlib.h"

#define SENTINEL 0x5a

static uint32_t rng_state = 88172645u;

static uint32_t rng(void)
{
    return ts_xorshift32(&rng_state);
}


/*
 * TFLite's softmax parameters for input scale 2^-k, beta 1, worked out by hand:
 * beta * scale * 2^26 = 2^(26 - k) = 0.5 * 2^(27 - k), so multiplier 2^30, left shift 27 - k;
 * diff_min = -floor(31 * 2^26 / 2^(27 - k)) = -floor(31 * 2^(k - 1)).
 */
static nn_softmax_params softmax_pot(int k)
{
    nn_softmax_params p = {
        .input_multiplier = 1 << 30,
        .input_left_shift = 27 - k,
        .diff_min = -(int32_t)floor(31.0 * ldexp(1.0, k - 1)),
    };
    return p;
}

/*
 * TFLite's logistic parameters for input scale 2^-k: scale * 2^27 = 0.5 * 2^(28 - k), so
 * multiplier 2^30, left shift 28 - k; radius floor(15 * 2^27 / 2^(28 - k)).
 */
static nn_logistic_params logistic_pot(int k, int32_t zp)
{
    nn_logistic_params p = {
        .input_zero_point = zp,
        .input_range_radius = (int32_t)floor(15.0 * ldexp(1.0, k - 1)),
        .input_multiplier = 1 << 30,
        .input_left_shift = 28 - k,
    };
    return p;
}

/* ---------------------------------------------------------------- fixed-point helpers */

/*
 * Pinned values: what gemmlowp's fixedpoint.h (at the commit TFLM pins) returns for these
 * raw inputs, printed by a throw-away C++ program that included it. They differ from the
 * correctly rounded values by up to ~1e-7: bit-exactness means matching gemmlowp, not libm.
 */
static void test_fp_pinned(void **state)
{
    (void)state;
    /* rounding half sum: ties away from zero on both sides */
    assert_int_equal(nn_fp_rounding_half_sum(3, 0), 2);
    assert_int_equal(nn_fp_rounding_half_sum(-3, 0), -2);
    assert_int_equal(nn_fp_rounding_half_sum(INT32_MAX, INT32_MAX), INT32_MAX);
    assert_int_equal(nn_fp_rounding_half_sum(INT32_MIN, INT32_MIN), INT32_MIN);
    assert_int_equal(nn_fp_exp_on_negative_values(0, 5), INT32_MAX);
    assert_int_equal(nn_fp_exp_on_negative_values(0, 4), INT32_MAX);
    assert_int_equal(nn_fp_exp_on_negative_values(-1, 5), 2147483124);
    /* exp(-1): round(2^31 / e) would be 790015084 */
    assert_int_equal(nn_fp_exp_on_negative_values(-(1 << 26), 5), 790015308);
    assert_int_equal(nn_fp_exp_on_negative_values(-(1 << 27), 4), 790015308);
    assert_int_equal(nn_fp_exp_on_negative_values(-(1 << 24), 5), 1672462419);
    assert_int_equal(nn_fp_exp_on_negative_values(-(3 * (1 << 26) + 12345), 5), 106897225);
    assert_int_equal(nn_fp_exp_on_negative_values(-(31 << 26), 5), 0);
    assert_int_equal(nn_fp_exp_on_negative_values(INT32_MIN + 1, 5), 0);
    assert_int_equal(nn_fp_one_over_one_plus_x_for_x_in_0_1(0), INT32_MAX);
    assert_int_equal(nn_fp_one_over_one_plus_x_for_x_in_0_1(1 << 30), 1431655762);
    assert_int_equal(nn_fp_one_over_one_plus_x_for_x_in_0_1(INT32_MAX), 1073741820);
    assert_int_equal(nn_fp_one_over_one_plus_x_for_x_in_0_1(123456789), 2030738432);
    assert_int_equal(nn_fp_logistic(0, 4), 1 << 30);
    assert_int_equal(nn_fp_logistic(1, 4), 1073741948);
    assert_int_equal(nn_fp_logistic(1 << 27, 4), 1569936226);
    assert_int_equal(nn_fp_logistic(-(3 * (1 << 27)) + 7, 4), 101846321);
    assert_int_equal(nn_fp_logistic(INT32_MAX, 4), 2147483406);
}

/* Over [-32, 0] in Q5.26 and [-16, 0] in Q4.27: within 3e-7 of exp() (gemmlowp is off by
 * up to 2.3e-7 just below 0). */
static void test_fp_exp_accuracy(void **state)
{
    (void)state;
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        const int bits = (i & 1) ? 5 : 4;
        const int32_t a = -(int32_t)(rng() >> 1);
        const double x = ldexp((double)a, -(31 - bits));
        const double got = ldexp((double)nn_fp_exp_on_negative_values(a, bits), -31);
        const double err = fabs(got - exp(x));
        worst = err > worst ? err : worst;
    }
    assert_true(worst < 3e-7);
}

/* 1/(1+x) over [0, 1): within 1e-8. */
static void test_fp_one_over_one_plus_x_accuracy(void **state)
{
    (void)state;
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        const int32_t a = (int32_t)(rng() >> 1);
        const double x = ldexp((double)a, -31);
        const double got = ldexp((double)nn_fp_one_over_one_plus_x_for_x_in_0_1(a), -31);
        const double err = fabs(got - 1.0 / (1.0 + x));
        worst = err > worst ? err : worst;
    }
    assert_true(worst < 1e-8);
}

/* logistic over Q4.27: within 2e-7 of 1/(1+exp(-x)), and exactly antisymmetric. */
static void test_fp_logistic_accuracy(void **state)
{
    (void)state;
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        const int32_t a = (int32_t)rng();
        const double x = ldexp((double)a, -27);
        const int32_t y = nn_fp_logistic(a, 4);
        /* logistic(-a) = 1 - logistic(a), with 1 the Q0 maximum */
        if (a != INT32_MIN)
            assert_int_equal(nn_fp_logistic(-a, 4), INT32_MAX - y);
        const double err = fabs(ldexp((double)y, -31) - 1.0 / (1.0 + exp(-x)));
        worst = err > worst ? err : worst;
    }
    assert_true(worst < 2e-7);
}

/* ---------------------------------------------------------------- softmax */

/* Equal inputs give 1/depth: 1/2 -> 0, 1/4 -> -64, 1/8 -> -96, 1/256 -> -127. */
static void test_softmax_uniform(void **state)
{
    (void)state;
    static const struct {
        int depth;
        int8_t want;
    } cases[] = { { 1, 127 }, { 2, 0 }, { 4, -64 }, { 8, -96 }, { 16, -112 }, { 256, -127 } };
    int8_t in[256], out[256];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (int scale_k = 1; scale_k <= 8; scale_k += 3) {
            const nn_softmax_params p = softmax_pot(scale_k);
            memset(in, (int)(int8_t)(scale_k * 13 - 40), sizeof in);
            assert_int_equal(nn_softmax_s8(&p, 1, cases[k].depth, in, out), NN_KERNEL_OK);
            for (int i = 0; i < cases[k].depth; i++)
                assert_int_equal(out[i], cases[k].want);
        }
    }
}

/* One input far above the others takes all the mass: 127 there, -128 elsewhere. */
static void test_softmax_dominant(void **state)
{
    (void)state;
    const nn_softmax_params p = softmax_pot(4); /* 1/16: a difference of 200 is 12.5 */
    const int8_t in[5] = { -100, -100, 100, -100, -128 };
    int8_t out[5];
    assert_int_equal(nn_softmax_s8(&p, 1, 5, in, out), NN_KERNEL_OK);
    const int8_t want[5] = { -128, -128, 127, -128, -128 };
    assert_memory_equal(out, want, 5);
}

/*
 * Differences below diff_min neither get an output above -128 nor count in the sum. With
 * scale 1/16 and diff_min forced to -8, for the row {10, 5, 0}: only exp(0) and exp(-5/16)
 * are summed: 1/1.7316 = 0.5775 -> 20, 0.4225 -> -20; the third is -128. Were it summed
 * (exp(-10/16) = 0.535), the first two would be 15 and -30.
 */
static void test_softmax_diff_min(void **state)
{
    (void)state;
    nn_softmax_params p = softmax_pot(4);
    p.diff_min = -8;
    const int8_t in[3] = { 10, 5, 0 };
    int8_t out[3];
    assert_int_equal(nn_softmax_s8(&p, 1, 3, in, out), NN_KERNEL_OK);
    const int8_t want[3] = { 20, -20, -128 };
    assert_memory_equal(out, want, 3);
}

/* A difference exactly at diff_min is still included: {10, 5, 2, 0, 1} with diff_min -8
 * sums exp(0), exp(-5/16) and exp(-8/16) (2.338): 109.49 -> -19, 80.1 -> -48, 66.4 -> -62;
 * the last two (differences -10, -9) are -128. These match TFLM's reference kernel. */
static void test_softmax_diff_min_boundary(void **state)
{
    (void)state;
    nn_softmax_params p = softmax_pot(4);
    p.diff_min = -8;
    const int8_t in[5] = { 10, 5, 2, 0, 1 };
    int8_t out[5];
    assert_int_equal(nn_softmax_s8(&p, 1, 5, in, out), NN_KERNEL_OK);
    const int8_t want[5] = { -19, -48, -62, -128, -128 };
    assert_memory_equal(out, want, 5);
}

/*
 * Outputs of TFLM's reference_ops::Softmax (int8, at the commit tinysim targets) for two
 * input scales, with the parameters its Prepare computes (0.1f: (1717986944, 23, -248);
 * 0.0390625: (1342177280, 22, -496)), printed by a throw-away program linking TFLM.
 */
static void test_softmax_pinned_tflm(void **state)
{
    (void)state;
    const int8_t in[2][10] = { { -3, 7, 12, 0, -20, 12, 5, 9, -128, 7 },
                               { 50, 49, 48, 47, 40, 30, 20, 10, 0, -10 } };
    const nn_softmax_params p01 = { 1717986944, 23, -248 };
    const nn_softmax_params p039 = { 1342177280, 22, -496 };
    const int8_t want01[2][10] = { { -117, -97, -77, -113, -126, -77, -103, -90, -128, -97 },
                                   { -65, -71, -76, -81, -105, -119, -125, -127, -128, -128 } };
    const int8_t want039[2][10] = { { -107, -97, -90, -104, -117, -90, -99, -94, -128, -97 },
                                    { -83, -85, -86, -88, -97, -107, -114, -119, -122, -124 } };
    int8_t out[2][10];
    assert_int_equal(nn_softmax_s8(&p01, 2, 10, &in[0][0], &out[0][0]), NN_KERNEL_OK);
    assert_memory_equal(out, want01, sizeof want01);
    assert_int_equal(nn_softmax_s8(&p039, 2, 10, &in[0][0], &out[0][0]), NN_KERNEL_OK);
    assert_memory_equal(out, want039, sizeof want039);

    /* A row (random input scale about 1.2e-4) where the rounding of the Q12.19 sum decides
     * element 26: accumulating with one more fractional bit would give -120 there. */
    const nn_softmax_params ps = { 2099030804, 13, -253952 };
    const int8_t in3[34] = { -68, -52, -4, 17, -8, -62, 32, -12, -86, -8, 11, 16, -59, 8, -47,
                             -28, -35, -23, 31, -78, -8, -20, -16, -56, -32, 15, -58, 25, -62,
                             -70, 3, -53, -56, -16 };
    const int8_t want3[34] = { -121, -120, -120, -120, -120, -121, -120, -120, -121, -120,
                               -120, -120, -121, -120, -120, -120, -120, -120, -120, -121,
                               -120, -120, -120, -120, -120, -120, -121, -120, -121, -121,
                               -120, -120, -120, -120 };
    int8_t out3[34];
    assert_int_equal(nn_softmax_s8(&ps, 1, 34, in3, out3), NN_KERNEL_OK);
    assert_memory_equal(out3, want3, 34);
}

/* Rows are independent and softmax only sees differences: shifted rows give equal rows. */
static void test_softmax_rows(void **state)
{
    (void)state;
    const nn_softmax_params p = softmax_pot(3);
    int8_t in[3 * 10], out[3 * 10];
    for (int i = 0; i < 10; i++) {
        in[i] = (int8_t)(i * 9 - 60);
        in[10 + i] = (int8_t)(i * 9 - 60 + 37);
        in[20 + i] = (int8_t)(-(i * 9) + 20);
    }
    assert_int_equal(nn_softmax_s8(&p, 3, 10, in, out), NN_KERNEL_OK);
    assert_memory_equal(out, out + 10, 10);
    for (int i = 0; i < 10; i++)
        assert_int_equal(out[20 + i], out[9 - i]);
    /* probabilities sum to about one: sum of (out + 128) near 256 */
    int sum = 0;
    for (int i = 0; i < 10; i++)
        sum += out[i] + 128;
    assert_in_range(sum, 256 - 5, 256 + 5);
}

/*
 * Long rows: when the sum of exponentials reaches 2^28 in Q12.19 (512 times exp(0)), every
 * probability is below 1/512 and rounds to -128 (TFLite aborts there); with depth > 4096 the
 * sum saturates instead of overflowing.
 */
static void test_softmax_long_rows(void **state)
{
    (void)state;
    static int8_t in[5000], out[5000];
    const nn_softmax_params p = softmax_pot(4);
    memset(in, 3, sizeof in);
    assert_int_equal(nn_softmax_s8(&p, 1, 300, in, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -127); /* 256 / 300 = 0.85 -> 1 */
    assert_int_equal(out[299], -127);
    assert_int_equal(nn_softmax_s8(&p, 1, 600, in, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -128);
    assert_int_equal(nn_softmax_s8(&p, 1, 5000, in, out), NN_KERNEL_OK);
    assert_int_equal(out[4999], -128);
    /* a long row with one dominant value still works: the others are 227 / 16 = 14.2 below,
     * 5000 * exp(-14.2) = 0.003 */
    memset(in, -100, sizeof in);
    in[1234] = 127;
    assert_int_equal(nn_softmax_s8(&p, 1, 5000, in, out), NN_KERNEL_OK);
    assert_int_equal(out[1234], 127);
    assert_int_equal(out[0], -128);
}

/* Within 1 LSB of round(softmax * 256) - 128 for random rows at scales 2^-1 .. 2^-8. */
static void test_softmax_vs_float(void **state)
{
    (void)state;
    int8_t in[100], out[100];
    for (int iter = 0; iter < 5000; iter++) {
        const int k = 1 + (int)(rng() % 8);
        const nn_softmax_params p = softmax_pot(k);
        const double scale = ldexp(1.0, -k);
        const int depth = 1 + (int)(rng() % 100);
        const uint32_t spread = 1 + rng() % 256;
        for (int i = 0; i < depth; i++)
            in[i] = (int8_t)(127 - (int)(rng() % spread));
        assert_int_equal(nn_softmax_s8(&p, 1, depth, in, out), NN_KERNEL_OK);
        int max = -128;
        for (int i = 0; i < depth; i++)
            max = in[i] > max ? in[i] : max;
        double sum = 0;
        for (int i = 0; i < depth; i++)
            sum += exp(scale * (in[i] - max));
        for (int i = 0; i < depth; i++) {
            const int want = ts_round_clamp_s8(exp(scale * (in[i] - max)) / sum * 256.0 - 128.0);
            if (abs(out[i] - want) > 1)
                fail_msg("scale 2^-%d depth %d: in %d -> %d, float says %d", k, depth, in[i],
                         out[i], want);
        }
    }
}

static void test_softmax_earg(void **state)
{
    (void)state;
    const nn_softmax_params good = softmax_pot(4);
    nn_softmax_params p;
    int8_t in[4] = { 0 }, out[4];
    memset(out, SENTINEL, sizeof out);
    assert_int_equal(nn_softmax_s8(NULL, 1, 4, in, out), NN_KERNEL_EARG);
    assert_int_equal(nn_softmax_s8(&good, 0, 4, in, out), NN_KERNEL_EARG);
    assert_int_equal(nn_softmax_s8(&good, 1, 0, in, out), NN_KERNEL_EARG);
    assert_int_equal(nn_softmax_s8(&good, -1, 4, in, out), NN_KERNEL_EARG);
    assert_int_equal(nn_softmax_s8(&good, 1, 4, NULL, out), NN_KERNEL_EARG);
    assert_int_equal(nn_softmax_s8(&good, 1, 4, in, NULL), NN_KERNEL_EARG);
    p = good;
    p.diff_min = 1;
    assert_int_equal(nn_softmax_s8(&p, 1, 4, in, out), NN_KERNEL_EARG);
    p = good;
    p.input_left_shift = 32;
    assert_int_equal(nn_softmax_s8(&p, 1, 4, in, out), NN_KERNEL_EARG);
    p = good;
    p.input_left_shift = -1;
    assert_int_equal(nn_softmax_s8(&p, 1, 4, in, out), NN_KERNEL_EARG);
    /* a diff_min whose differences would overflow once shifted: 128 * 2^24 = 2^31 (the
     * consistent diff_min for shift 24 is -124) */
    p = good;
    p.input_left_shift = 24;
    p.diff_min = -128;
    assert_int_equal(nn_softmax_s8(&p, 1, 4, in, out), NN_KERNEL_EARG);
    for (int i = 0; i < 4; i++)
        assert_int_equal(out[i], SENTINEL);
}

/* ---------------------------------------------------------------- logistic */

/* The input zero point is real 0: logistic 1/2, i.e. 0 at the output's zero point -128. */
static void test_logistic_zero_point(void **state)
{
    (void)state;
    for (int k = 1; k <= 10; k++)
        for (int zp = -128; zp <= 127; zp += 51) {
            const nn_logistic_params p = logistic_pot(k, zp);
            const int8_t in = (int8_t)zp;
            int8_t out = SENTINEL;
            assert_int_equal(nn_logistic_s8(&p, 1, &in, &out), NN_KERNEL_OK);
            assert_int_equal(out, 0);
        }
}

/* Far from the zero point the output saturates: scale 1/16, radius 120. */
static void test_logistic_saturation(void **state)
{
    (void)state;
    const nn_logistic_params p = logistic_pot(4, -3);
    assert_int_equal(p.input_range_radius, 120);
    const int8_t in[6] = { 127, 117, 100, -123, -128, -110 };
    int8_t out[6];
    assert_int_equal(nn_logistic_s8(&p, 6, in, out), NN_KERNEL_OK);
    /* x = 130, 120 (>= radius), 103/16 = 6.4 -> 0.9983 -> 127.6 -> 127 (clamped); x = -120,
     * -125 -> -128; x = -107/16 = -6.7 -> 0.0012 -> -127.7 -> -128 */
    const int8_t want[6] = { 127, 127, 127, -128, -128, -128 };
    assert_memory_equal(out, want, 6);

    /* a radius of 0 (a huge input scale) saturates everything, whatever the shift */
    nn_logistic_params z = { .input_zero_point = 0, .input_range_radius = 0,
                             .input_multiplier = 1 << 30, .input_left_shift = 40 };
    const int8_t in2[3] = { -1, 0, 1 };
    assert_int_equal(nn_logistic_s8(&z, 3, in2, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -128);
    assert_int_equal(out[1], -128);
    assert_int_equal(out[2], 127);
}

/*
 * Hand-checkable values at scale 1/4: x = 4 (real 1): 256 * 0.731059 - 128 = 59.15 -> 59;
 * x = -4: 68.85 - 128 = -59.15 -> -59; x = 8 (real 2): 0.880797 -> 97.48 -> 97.
 */
static void test_logistic_values(void **state)
{
    (void)state;
    const nn_logistic_params p = logistic_pot(2, 0);
    const int8_t in[3] = { 4, -4, 8 };
    int8_t out[3];
    assert_int_equal(nn_logistic_s8(&p, 3, in, out), NN_KERNEL_OK);
    const int8_t want[3] = { 59, -59, 97 };
    assert_memory_equal(out, want, 3);
}

/* TFLM's reference_integer_ops::Logistic output for input scale 0.1f, zero point -20
 * (parameters (1717986944, 24), radius 120), printed by the same throw-away program. */
static void test_logistic_pinned_tflm(void **state)
{
    (void)state;
    const nn_logistic_params p = { .input_zero_point = -20, .input_range_radius = 120,
                                   .input_multiplier = 1717986944, .input_left_shift = 24 };
    const int8_t in[12] = { -20, -19, -21, 0, -40, 10, -50, 30, -70, 60, 127, -128 };
    const int8_t want[12] = { 0, 6, -6, 97, -97, 116, -116, 126, -126, 127, 127, -128 };
    int8_t out[12];
    assert_int_equal(nn_logistic_s8(&p, 12, in, out), NN_KERNEL_OK);
    assert_memory_equal(out, want, 12);
}

/*
 * Every int8 input at scales 2^-1 .. 2^-10 and several zero points: within 1 LSB of
 * round(256 * sigmoid(x)) - 128, monotonic, and computed in place (output aliasing input).
 */
static void test_logistic_vs_float_in_place(void **state)
{
    (void)state;
    int8_t buf[256];
    for (int k = 1; k <= 10; k++)
        for (int zp = -128; zp <= 127; zp += 17) {
            const nn_logistic_params p = logistic_pot(k, zp);
            for (int i = 0; i < 256; i++)
                buf[i] = (int8_t)(i - 128);
            assert_int_equal(nn_logistic_s8(&p, 256, buf, buf), NN_KERNEL_OK);
            for (int i = 0; i < 256; i++) {
                const double x = ldexp((double)(i - 128 - zp), -k);
                const int want = ts_round_clamp_s8(256.0 / (1.0 + exp(-x)) - 128.0);
                if (abs(buf[i] - want) > 1)
                    fail_msg("scale 2^-%d zp %d: in %d -> %d, float says %d", k, zp, i - 128,
                             buf[i], want);
                if (i > 0)
                    assert_true(buf[i] >= buf[i - 1]);
            }
        }
}

static void test_logistic_earg(void **state)
{
    (void)state;
    const nn_logistic_params good = logistic_pot(4, 0);
    nn_logistic_params p;
    int8_t in[4] = { 0 }, out[4];
    memset(out, SENTINEL, sizeof out);
    assert_int_equal(nn_logistic_s8(NULL, 4, in, out), NN_KERNEL_EARG);
    assert_int_equal(nn_logistic_s8(&good, 0, in, out), NN_KERNEL_EARG);
    assert_int_equal(nn_logistic_s8(&good, 4, NULL, out), NN_KERNEL_EARG);
    assert_int_equal(nn_logistic_s8(&good, 4, in, NULL), NN_KERNEL_EARG);
    p = good;
    p.input_zero_point = 128;
    assert_int_equal(nn_logistic_s8(&p, 4, in, out), NN_KERNEL_EARG);
    p = good;
    p.input_range_radius = -1;
    assert_int_equal(nn_logistic_s8(&p, 4, in, out), NN_KERNEL_EARG);
    p = good;
    p.input_left_shift = -1;
    assert_int_equal(nn_logistic_s8(&p, 4, in, out), NN_KERNEL_EARG);
    p = good;
    p.input_left_shift = 32;
    assert_int_equal(nn_logistic_s8(&p, 4, in, out), NN_KERNEL_EARG);
    for (int i = 0; i < 4; i++)
        assert_int_equal(out[i], SENTINEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_pinned),
        cmocka_unit_test(test_fp_exp_accuracy),
        cmocka_unit_test(test_fp_one_over_one_plus_x_accuracy),
        cmocka_unit_test(test_fp_logistic_accuracy),
        cmocka_unit_test(test_softmax_uniform),
        cmocka_unit_test(test_softmax_dominant),
        cmocka_unit_test(test_softmax_diff_min),
        cmocka_unit_test(test_softmax_diff_min_boundary),
        cmocka_unit_test(test_softmax_pinned_tflm),
        cmocka_unit_test(test_softmax_rows),
        cmocka_unit_test(test_softmax_long_rows),
        cmocka_unit_test(test_softmax_vs_float),
        cmocka_unit_test(test_softmax_earg),
        cmocka_unit_test(test_logistic_zero_point),
        cmocka_unit_test(test_logistic_saturation),
        cmocka_unit_test(test_logistic_values),
        cmocka_unit_test(test_logistic_pinned_tflm),
        cmocka_unit_test(test_logistic_vs_float_in_place),
        cmocka_unit_test(test_logistic_earg),
    };
    return cmocka_run_group_tests_name("core/nn_activation", tests, NULL, NULL);
}
