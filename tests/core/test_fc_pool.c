/*
 * Tests of core/nn_fc.c, core/nn_pool.c and core/nn_shape.c (FULLY_CONNECTED, the pools,
 * PAD, CONCATENATION) against values worked out by hand, and every precondition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/nn_kernels.h"

/* Requantization pairs (multiplier, shift): real scale multiplier * 2^(shift - 31). */
#define X1_M (1 << 30) /* x1.0 */
#define X1_S 1
#define XHALF_M (1 << 30) /* x0.5 */
#define XHALF_S 0
#define X3HALF_M (3 << 29) /* x1.5 */
#define X3HALF_S 1

#define SENTINEL 0x5a

static const int32_t one_m[1] = { X1_M };
static const int32_t one_s[1] = { X1_S };

static int all_sentinel(const int8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != SENTINEL)
            return 0;
    }
    return 1;
}

/* ================================================================ FULLY_CONNECTED */

static nn_fc_params fc_params(void)
{
    nn_fc_params p = { .input_offset = 0, .weights_offset = 0, .output_offset = 0,
                       .act_min = -128, .act_max = 127 };
    return p;
}

/*
 * Per-tensor, 2 batches x 3 -> 2 outputs, with every offset in play. Input zero point -128
 * (offset 128): reals {1,2,3} and {0,4,1} as q = real - 128. Weights zero point 1 (offset
 * -1): reals {1,1,1} and {2,-1,0} stored as q = real + 1. Bias {5,-5}, x1, output zero
 * point -1:
 *   b0: 1+2+3+5 = 11 -> 10;   2-2+0-5 = -5 -> -6
 *   b1: 0+4+1+5 = 10 -> 9;    0-4+0-5 = -9 -> -10
 */
static void test_fc_per_tensor_offsets_bias(void **state)
{
    (void)state;
    const int8_t input[6] = { -127, -126, -125, -128, -124, -127 };
    const int8_t weights[6] = { 2, 2, 2, 3, 0, 1 };
    const int32_t bias[2] = { 5, -5 };
    const int8_t expect[4] = { 10, -6, 9, -10 };
    int8_t out[4];
    nn_fc_params p = fc_params();
    p.input_offset = 128;
    p.weights_offset = -1;
    p.output_offset = -1;
    nn_quant q = { one_m, one_s, 1 };

    assert_int_equal(nn_fc_s8(&p, &q, 2, 3, 2, input, weights, bias, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * Input {2,4}; weights {1,1} -> 6, {1,2} -> 10, {3,-1} -> 2; no bias.
 * Per channel with x1, x1.5, x0.5: 6, 15, 1. Per tensor with x0.5 for all: 3, 5, 1.
 */
static void test_fc_per_channel_vs_per_tensor(void **state)
{
    (void)state;
    const int8_t input[2] = { 2, 4 };
    const int8_t weights[6] = { 1, 1, 1, 2, 3, -1 };
    const int32_t mult[3] = { X1_M, X3HALF_M, XHALF_M };
    const int32_t shift[3] = { X1_S, X3HALF_S, XHALF_S };
    const int32_t half_m[1] = { XHALF_M }, half_s[1] = { XHALF_S };
    const int8_t expect_pc[3] = { 6, 15, 1 };
    const int8_t expect_pt[3] = { 3, 5, 1 };
    int8_t out[3];
    nn_fc_params p = fc_params();
    nn_quant pc = { mult, shift, 3 }, pt = { half_m, half_s, 1 };

    assert_int_equal(nn_fc_s8(&p, &pc, 1, 2, 3, input, weights, NULL, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_pc, sizeof(expect_pc));
    assert_int_equal(nn_fc_s8(&p, &pt, 1, 2, 3, input, weights, NULL, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_pt, sizeof(expect_pt));
}

/*
 * Extreme zero points and saturation, weights {1,1} then {127,127}, x1:
 * - input zero point 127 (offset -127), reals {-1,-2} = q {126,125}: -3, + output zero
 *   point 127 = 124.
 * - input zero point 127, reals {-127,-127} = q {0,0}, weights 127: -2*127*127 -> -128.
 * - input zero point -128 (offset 128), reals {255,255} = q {127,127}, weights 127:
 *   2*255*127 = 64770 -> 127.
 * - fused range [0, 6]: reals {-3, 0} -> -3 -> 0; {5, 5} -> 10 -> 6.
 */
static void test_fc_zero_points_saturation_clamp(void **state)
{
    (void)state;
    const int8_t w1[2] = { 1, 1 }, w127[2] = { 127, 127 };
    int8_t out[2];
    nn_fc_params p = fc_params();
    nn_quant q = { one_m, one_s, 1 };

    const int8_t in_a[2] = { 126, 125 };
    p.input_offset = -127;
    p.output_offset = 127;
    assert_int_equal(nn_fc_s8(&p, &q, 1, 2, 1, in_a, w1, NULL, out), NN_KERNEL_OK);
    assert_int_equal(out[0], 124);

    const int8_t in_b[2] = { 0, 0 };
    p.output_offset = 0;
    assert_int_equal(nn_fc_s8(&p, &q, 1, 2, 1, in_b, w127, NULL, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -128);

    const int8_t in_c[2] = { 127, 127 };
    p.input_offset = 128;
    assert_int_equal(nn_fc_s8(&p, &q, 1, 2, 1, in_c, w127, NULL, out), NN_KERNEL_OK);
    assert_int_equal(out[0], 127);

    const int8_t in_d[4] = { -3, 0, 5, 5 };
    p.input_offset = 0;
    p.act_min = 0;
    p.act_max = 6;
    assert_int_equal(nn_fc_s8(&p, &q, 2, 2, 1, in_d, w1, NULL, out), NN_KERNEL_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 6);
}

/* Every precondition of nn_fc_s8: EARG, output untouched. */
static void test_fc_preconditions(void **state)
{
    (void)state;
    const int8_t input[4] = { 1, 2, 3, 4 };
    const int8_t weights[4] = { 1, 1, 1, 1 };
    int32_t mult[2] = { X1_M, X1_M }, shift[2] = { X1_S, X1_S };
    int8_t out[4];

    for (int i = 0;; i++) {
        nn_fc_params p = fc_params();
        nn_quant q = { mult, shift, 2 };
        const nn_fc_params *pp = &p;
        const nn_quant *qp = &q;
        const int8_t *in = input, *w = weights;
        int8_t *o = out;
        int32_t batches = 2, accum = 2, depth = 2;
        mult[1] = X1_M;
        shift[1] = X1_S;

        switch (i) {
        case 0: pp = NULL; break;
        case 1: qp = NULL; break;
        case 2: in = NULL; break;
        case 3: w = NULL; break;
        case 4: o = NULL; break;
        case 5: q.multiplier = NULL; break;
        case 6: q.shift = NULL; break;
        case 7: batches = 0; break;
        case 8: accum = -1; break;
        case 9: depth = 0; break;
        case 10: q.count = 3; break;
        case 11: q.count = 0; break;
        case 12: p.input_offset = 129; break;
        case 13: p.input_offset = -128; break;
        case 14: p.weights_offset = 129; break;
        case 15: p.weights_offset = -128; break;
        case 16: p.output_offset = 128; break;
        case 17: p.output_offset = -129; break;
        case 18: p.act_min = 1; p.act_max = 0; break;
        case 19: p.act_min = -129; break;
        case 20: p.act_max = 128; break;
        case 21: shift[1] = -32; break;
        case 22: shift[1] = 31; break;
        case 23: mult[1] = -5; break;
        case 24: /* the valid call, last: it must succeed and write */
            assert_int_equal(nn_fc_s8(pp, qp, batches, accum, depth, in, w, NULL, o),
                             NN_KERNEL_OK);
            assert_false(all_sentinel(out, sizeof(out)));
            return;
        }
        memset(out, SENTINEL, sizeof(out));
        nn_kernel_status st = nn_fc_s8(pp, qp, batches, accum, depth, in, w, NULL, o);
        if (st != NN_KERNEL_EARG)
            fail_msg("fc case %d: status %d, expected EARG", i, (int)st);
        assert_true(all_sentinel(out, sizeof(out)));
    }
}

/* ================================================================ pooling */

static nn_pool_params pool_params(int32_t filter, int32_t stride, int32_t pad)
{
    nn_pool_params p = { .stride_h = stride, .stride_w = stride,
                         .filter_h = filter, .filter_w = filter,
                         .pad_h = pad, .pad_w = pad, .act_min = -128, .act_max = 127 };
    return p;
}

/*
 * 1x1 pools with stride 1 copy their input (two batches, two channels), clamped to the
 * fused range [-100, 100]: {127, -128, 5, -5, ...} -> {100, -100, 5, -5, ...}.
 */
static void test_pool_1x1_identity_clamped(void **state)
{
    (void)state;
    const int8_t input[8] = { 127, -128, 5, -5, 0, 99, -100, 1 };
    const int8_t expect[8] = { 100, -100, 5, -5, 0, 99, -100, 1 };
    int8_t out[8];
    nn_pool_params p = pool_params(1, 1, 0);
    p.act_min = -100;
    p.act_max = 100;
    nn_dims d = { 2, 2, 1, 2 };

    memset(out, SENTINEL, sizeof(out));
    assert_int_equal(nn_avgpool_s8(&p, &d, input, &d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
    memset(out, SENTINEL, sizeof(out));
    assert_int_equal(nn_maxpool_s8(&p, &d, input, &d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * Full-size 3x3 VALID pool, three channels:
 *   ch0 = 1..9:                         sum 45, avg 5,              max 9
 *   ch1 = 1..8, 14:                     sum 50, 5.56 -> 6,          max 14
 *   ch2 = -1..-8, -14:                  sum -50, -5.56 -> -6,       max -1
 * (truncating division would give 5 and -5). A fourth run: all -128 -> -128 both ways.
 */
static void test_pool_full_size(void **state)
{
    (void)state;
    int8_t input[27];
    for (int i = 0; i < 9; i++) {
        input[3 * i] = (int8_t)(i + 1);
        input[3 * i + 1] = (int8_t)(i == 8 ? 14 : i + 1);
        input[3 * i + 2] = (int8_t)-(i == 8 ? 14 : i + 1);
    }
    const int8_t expect_avg[3] = { 5, 6, -6 };
    const int8_t expect_max[3] = { 9, 14, -1 };
    int8_t out[3];
    nn_pool_params p = pool_params(3, 1, 0);
    nn_dims in_d = { 1, 3, 3, 3 }, out_d = { 1, 1, 1, 3 };

    assert_int_equal(nn_avgpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_avg, sizeof(expect_avg));
    assert_int_equal(nn_maxpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_max, sizeof(expect_max));

    memset(input, -128, sizeof(input));
    assert_int_equal(nn_avgpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -128);
    assert_int_equal(out[2], -128);
    assert_int_equal(nn_maxpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -128);
    assert_int_equal(out[2], -128);
}

/*
 * 3x3 pool, stride 2, SAME padding 1 on a 3x3 image, two channels: ch0 = 1..9 and
 * ch1 = -1..-9. The four windows (centred on the corners) keep only their 4 inside
 * elements: {1,2,4,5}, {2,3,5,6}, {4,5,7,8}, {5,6,8,9}.
 *   avg ch0: 12/4 = 3, 16/4 = 4, 24/4 = 6, 28/4 = 7 (dividing by 9 would give 1, 2, 3, 3)
 *   avg ch1: -3, -4, -6, -7
 *   max ch0: 5, 6, 8, 9;  max ch1: -1, -2, -4, -5 (padding taken as 0 would give 0)
 * With the fused range [-3, 6]: max ch0 5, 6, 6, 6 and ch1 -1, -2, -3, -3.
 */
static void test_pool_same_padding_excluded(void **state)
{
    (void)state;
    int8_t input[18];
    for (int i = 0; i < 9; i++) {
        input[2 * i] = (int8_t)(i + 1);
        input[2 * i + 1] = (int8_t)-(i + 1);
    }
    const int8_t expect_avg[8] = { 3, -3, 4, -4, 6, -6, 7, -7 };
    const int8_t expect_max[8] = { 5, -1, 6, -2, 8, -4, 9, -5 };
    const int8_t expect_clamped[8] = { 5, -1, 6, -2, 6, -3, 6, -3 };
    int8_t out[8];
    nn_pool_params p = pool_params(3, 2, 1);
    nn_dims in_d = { 1, 3, 3, 2 }, out_d = { 1, 2, 2, 2 };

    assert_int_equal(nn_avgpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_avg, sizeof(expect_avg));
    assert_int_equal(nn_maxpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_max, sizeof(expect_max));
    p.act_min = -3;
    p.act_max = 6;
    assert_int_equal(nn_maxpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_clamped, sizeof(expect_clamped));
}

/*
 * 2x2 pool, stride 2 on a 3x3 image: SAME pads 1 after (top/left 0), so the windows hold
 * {1,2,4,5}, {3,6}, {7,8}, {9}. Averages 12/4 = 3, 9/2 = 4.5 -> 5, 15/2 = 7.5 -> 8, 9,
 * and on the negated image -3, -5, -8, -9: halves round away from zero both ways.
 */
static void test_avgpool_even_filter_rounding(void **state)
{
    (void)state;
    int8_t input[18];
    for (int i = 0; i < 9; i++) {
        input[2 * i] = (int8_t)(i + 1);
        input[2 * i + 1] = (int8_t)-(i + 1);
    }
    const int8_t expect[8] = { 3, -3, 5, -5, 8, -8, 9, -9 };
    int8_t out[8];
    nn_pool_params p = pool_params(2, 2, 0);
    nn_dims in_d = { 1, 3, 3, 2 }, out_d = { 1, 2, 2, 2 };

    assert_int_equal(nn_avgpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * Negative averages that are not halves round to nearest, not down: a 1x4 window over
 * {-2,-1,-1,-1} is -5/4 = -1.25 -> -1 (floor would give -2), over {-2,-2,-2,-1} is
 * -7/4 = -1.75 -> -2 (truncation would give -1). Two batches, one window each.
 */
static void test_avgpool_negative_rounding(void **state)
{
    (void)state;
    const int8_t input[8] = { -2, -1, -1, -1, -2, -2, -2, -1 };
    int8_t out[2];
    nn_pool_params p = pool_params(4, 1, 0);
    p.filter_h = 1;
    nn_dims in_d = { 2, 1, 4, 1 }, out_d = { 2, 1, 1, 1 };

    assert_int_equal(nn_avgpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_int_equal(out[0], -1);
    assert_int_equal(out[1], -2);
}

/*
 * Different geometry along H and W: a 2x1 window (filter_h 2, filter_w 1), stride_h 1,
 * stride_w 2, pad_h 1, pad_w 0 on the 2x3 image {1,2,3;4,5,6}. Window rows start at -1
 * and 0, columns at 0 and 2, so the windows hold {1}, {3}, {1,4}, {3,6}:
 *   max 1, 3, 4, 6;  avg 1, 3, 2.5 -> 3, 4.5 -> 5.
 */
static void test_pool_asymmetric_geometry(void **state)
{
    (void)state;
    const int8_t input[6] = { 1, 2, 3, 4, 5, 6 };
    const int8_t expect_max[4] = { 1, 3, 4, 6 };
    const int8_t expect_avg[4] = { 1, 3, 3, 5 };
    int8_t out[4];
    nn_pool_params p = { .stride_h = 1, .stride_w = 2, .filter_h = 2, .filter_w = 1,
                         .pad_h = 1, .pad_w = 0, .act_min = -128, .act_max = 127 };
    nn_dims in_d = { 1, 2, 3, 1 }, out_d = { 1, 2, 2, 1 };

    assert_int_equal(nn_maxpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_max, sizeof(expect_max));
    assert_int_equal(nn_avgpool_s8(&p, &in_d, input, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect_avg, sizeof(expect_avg));
}

typedef nn_kernel_status (*pool_fn)(const nn_pool_params *, const nn_dims *, const int8_t *,
                                    const nn_dims *, int8_t *);

/*
 * Every precondition of a pool: EARG, output untouched. The valid call is a 3x3 pool,
 * stride 2, pad 1 from 1x3x3x2 to 1x2x2x2.
 */
static void check_pool_preconditions(pool_fn fn, const char *name)
{
    int8_t input[18], out[8];
    memset(input, 1, sizeof(input));

    for (int i = 0;; i++) {
        nn_pool_params p = pool_params(3, 2, 1);
        nn_dims in_d = { 1, 3, 3, 2 }, out_d = { 1, 2, 2, 2 };
        const nn_pool_params *pp = &p;
        const nn_dims *ip = &in_d, *op = &out_d;
        const int8_t *in = input;
        int8_t *o = out;

        switch (i) {
        case 0: pp = NULL; break;
        case 1: ip = NULL; break;
        case 2: in = NULL; break;
        case 3: op = NULL; break;
        case 4: o = NULL; break;
        case 5: in_d.n = 0; out_d.n = 0; break;
        case 6: in_d.h = 0; break;
        case 7: in_d.w = -1; break;
        case 8: in_d.c = 0; out_d.c = 0; break;
        case 9: out_d.h = 0; break;
        case 10: out_d.w = 0; break;
        case 11: p.stride_h = 0; break;
        case 12: p.stride_w = -1; break;
        case 13: p.filter_h = 0; break;
        case 14: p.filter_w = 0; break;
        case 15: p.pad_h = -1; break;
        case 16: p.pad_w = -1; break;
        case 17: p.act_min = 5; p.act_max = 4; break;
        case 18: p.act_min = -129; break;
        case 19: p.act_max = 128; break;
        case 20: out_d.n = 2; break;
        case 21: out_d.c = 1; break;
        case 22: p.pad_h = 3; break;          /* first window wholly in the padding */
        case 23: p.pad_w = 3; break;
        case 24: out_d.h = 3; break;          /* third row's window starts at 3 = H */
        case 25: out_d.w = 3; break;
        case 26:
            memset(out, SENTINEL, sizeof(out));
            assert_int_equal(fn(pp, ip, in, op, o), NN_KERNEL_OK);
            assert_false(all_sentinel(out, sizeof(out)));
            return;
        }
        memset(out, SENTINEL, sizeof(out));
        nn_kernel_status st = fn(pp, ip, in, op, o);
        if (st != NN_KERNEL_EARG)
            fail_msg("%s case %d: status %d, expected EARG", name, i, (int)st);
        assert_true(all_sentinel(out, sizeof(out)));
    }
}

static void test_avgpool_preconditions(void **state)
{
    (void)state;
    check_pool_preconditions(nn_avgpool_s8, "avgpool");
}

static void test_maxpool_preconditions(void **state)
{
    (void)state;
    check_pool_preconditions(nn_maxpool_s8, "maxpool");
}

/* ================================================================ PAD */

/* Pads one dimension at a time; v is the pad value. */
static void test_pad_each_dimension(void **state)
{
    (void)state;
    const int8_t v = 9;
    const int8_t in2[2] = { 1, 2 };
    int8_t out[8];

    /* N (1,1): [1,1,1,2] -> [3,1,1,2] = v v | 1 2 | v v */
    const int32_t pad_n[4][2] = { { 1, 1 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
    const int8_t exp_n[6] = { v, v, 1, 2, v, v };
    nn_dims in_n = { 1, 1, 1, 2 }, out_n = { 3, 1, 1, 2 };
    assert_int_equal(nn_pad_s8(&in_n, in2, pad_n, v, &out_n, out), NN_KERNEL_OK);
    assert_memory_equal(out, exp_n, sizeof(exp_n));

    /* H (1,2): [1,2,1,1] -> [1,5,1,1] = v 1 2 v v */
    const int32_t pad_h[4][2] = { { 0, 0 }, { 1, 2 }, { 0, 0 }, { 0, 0 } };
    const int8_t exp_h[5] = { v, 1, 2, v, v };
    nn_dims in_h = { 1, 2, 1, 1 }, out_h = { 1, 5, 1, 1 };
    assert_int_equal(nn_pad_s8(&in_h, in2, pad_h, v, &out_h, out), NN_KERNEL_OK);
    assert_memory_equal(out, exp_h, sizeof(exp_h));

    /* W (2,0): [1,1,2,1] -> [1,1,4,1] = v v 1 2 */
    const int32_t pad_w[4][2] = { { 0, 0 }, { 0, 0 }, { 2, 0 }, { 0, 0 } };
    const int8_t exp_w[4] = { v, v, 1, 2 };
    nn_dims in_w = { 1, 1, 2, 1 }, out_w = { 1, 1, 4, 1 };
    assert_int_equal(nn_pad_s8(&in_w, in2, pad_w, v, &out_w, out), NN_KERNEL_OK);
    assert_memory_equal(out, exp_w, sizeof(exp_w));

    /* C (0,1): [1,1,1,2] -> [1,1,1,3] = 1 2 v */
    const int32_t pad_c[4][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 1 } };
    const int8_t exp_c[3] = { 1, 2, v };
    nn_dims in_c = { 1, 1, 1, 2 }, out_c = { 1, 1, 1, 3 };
    assert_int_equal(nn_pad_s8(&in_c, in2, pad_c, v, &out_c, out), NN_KERNEL_OK);
    assert_memory_equal(out, exp_c, sizeof(exp_c));

    /* H after, two batches: [2,1,1,1] {1,2} -> [2,2,1,1] = 1 v | 2 v */
    const int32_t pad_hb[4][2] = { { 0, 0 }, { 0, 1 }, { 0, 0 }, { 0, 0 } };
    const int8_t exp_hb[4] = { 1, v, 2, v };
    nn_dims in_hb = { 2, 1, 1, 1 }, out_hb = { 2, 2, 1, 1 };
    assert_int_equal(nn_pad_s8(&in_hb, in2, pad_hb, v, &out_hb, out), NN_KERNEL_OK);
    assert_memory_equal(out, exp_hb, sizeof(exp_hb));

    /* No padding: a copy. */
    const int32_t pad_0[4][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } };
    assert_int_equal(nn_pad_s8(&in_c, in2, pad_0, v, &in_c, out), NN_KERNEL_OK);
    assert_memory_equal(out, in2, sizeof(in2));
}

/*
 * H, W and C at once with pad value -128: [1,2,2,1] {1,2;3,4}, H (1,0), W (0,1), C (1,1)
 * -> [1,3,3,3]. Row 0 is all padding; rows 1 and 2 hold pixels {v,x,v} for x = 1, 2 (row 1)
 * and 3, 4 (row 2), then a padded pixel.
 */
static void test_pad_combined(void **state)
{
    (void)state;
    const int8_t v = -128;
    const int8_t input[4] = { 1, 2, 3, 4 };
    const int32_t pad[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
    const int8_t expect[27] = {
        v, v, v, v, v, v, v, v, v,
        v, 1, v, v, 2, v, v, v, v,
        v, 3, v, v, 4, v, v, v, v,
    };
    int8_t out[27];
    nn_dims in_d = { 1, 2, 2, 1 }, out_d = { 1, 3, 3, 3 };

    assert_int_equal(nn_pad_s8(&in_d, input, pad, v, &out_d, out), NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/* Every precondition of nn_pad_s8: EARG, output untouched. */
static void test_pad_preconditions(void **state)
{
    (void)state;
    const int8_t input[4] = { 1, 2, 3, 4 };
    int8_t out[64]; /* the valid call writes 2*3*3*3 = 54 */

    for (int i = 0;; i++) {
        int32_t pad[4][2] = { { 0, 1 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
        nn_dims in_d = { 1, 2, 2, 1 }, out_d = { 2, 3, 3, 3 };
        const nn_dims *ip = &in_d, *op = &out_d;
        const int8_t *in = input;
        const int32_t (*pp)[2] = (const int32_t (*)[2])pad;
        int8_t *o = out;

        switch (i) {
        case 0: ip = NULL; break;
        case 1: in = NULL; break;
        case 2: pp = NULL; break;
        case 3: op = NULL; break;
        case 4: o = NULL; break;
        case 5: in_d.n = 0; out_d.n = 1; break;
        case 6: in_d.h = 0; out_d.h = 1; break;
        case 7: in_d.w = -1; out_d.w = 0; break;
        case 8: in_d.c = 0; out_d.c = 2; break;
        case 9: pad[0][0] = -1; out_d.n = 1; break;
        case 10: pad[1][0] = 2; pad[1][1] = -1; break; /* 2 + 2 - 1 = 3 */
        case 11: pad[2][0] = -1; pad[2][1] = 2; break; /* 2 - 1 + 2 = 3 */
        case 12: pad[3][0] = 3; pad[3][1] = -1; break; /* 1 + 3 - 1 = 3 */
        case 13: out_d.n = 3; break;
        case 14: out_d.h = 2; break;
        case 15: out_d.w = 4; break;
        case 16: out_d.c = 1; break;
        case 17:
            memset(out, SENTINEL, sizeof(out));
            assert_int_equal(nn_pad_s8(ip, in, pp, 0, op, o), NN_KERNEL_OK);
            return;
        }
        memset(out, SENTINEL, sizeof(out));
        nn_kernel_status st = nn_pad_s8(ip, in, pp, 0, op, o);
        if (st != NN_KERNEL_EARG)
            fail_msg("pad case %d: status %d, expected EARG", i, (int)st);
        assert_true(all_sentinel(out, sizeof(out)));
    }
}

/* ================================================================ CONCATENATION */

/*
 * Two inputs a, b concatenated along each axis in turn; the output is, for each index of
 * the dimensions before the axis, a's slab then b's slab.
 */
static void test_concat_each_axis(void **state)
{
    (void)state;
    const int8_t a[2] = { 1, 2 }, b[4] = { 3, 4, 5, 6 };
    const int8_t *inputs[2] = { a, b };
    int8_t out[6];

    /* axis 0: [1,1,1,2] + [2,1,1,2] -> [3,1,1,2] = 1 2 3 4 5 6 */
    nn_dims a0 = { 1, 1, 1, 2 }, b0 = { 2, 1, 1, 2 }, o0 = { 3, 1, 1, 2 };
    const nn_dims *d0[2] = { &a0, &b0 };
    const int8_t e0[6] = { 1, 2, 3, 4, 5, 6 };
    assert_int_equal(nn_concat_s8(0, 2, d0, inputs, &o0, out), NN_KERNEL_OK);
    assert_memory_equal(out, e0, sizeof(e0));

    /* axis 1, two batches: [2,1,1,1] {1|2} + [2,2,1,1] {3,4|5,6} -> 1 3 4 | 2 5 6 */
    nn_dims a1 = { 2, 1, 1, 1 }, b1 = { 2, 2, 1, 1 }, o1 = { 2, 3, 1, 1 };
    const nn_dims *d1[2] = { &a1, &b1 };
    const int8_t e1[6] = { 1, 3, 4, 2, 5, 6 };
    assert_int_equal(nn_concat_s8(1, 2, d1, inputs, &o1, out), NN_KERNEL_OK);
    assert_memory_equal(out, e1, sizeof(e1));

    /* axis 2: [1,2,1,1] {1|2} + [1,2,2,1] {3,4|5,6} -> rows 1 3 4 | 2 5 6 */
    nn_dims a2 = { 1, 2, 1, 1 }, b2 = { 1, 2, 2, 1 }, o2 = { 1, 2, 3, 1 };
    const nn_dims *d2[2] = { &a2, &b2 };
    assert_int_equal(nn_concat_s8(2, 2, d2, inputs, &o2, out), NN_KERNEL_OK);
    assert_memory_equal(out, e1, sizeof(e1));

    /* axis 3: [1,1,2,1] {1|2} + [1,1,2,2] {3,4|5,6} -> pixels 1 3 4 | 2 5 6 */
    nn_dims a3 = { 1, 1, 2, 1 }, b3 = { 1, 1, 2, 2 }, o3 = { 1, 1, 2, 3 };
    const nn_dims *d3[2] = { &a3, &b3 };
    assert_int_equal(nn_concat_s8(3, 2, d3, inputs, &o3, out), NN_KERNEL_OK);
    assert_memory_equal(out, e1, sizeof(e1));

    /* axis 3, three inputs a, b, a over [1,1,2,k]: 1 3 4 1 | 2 5 6 2 */
    const int8_t *inputs3[3] = { a, b, a };
    const nn_dims *d33[3] = { &a3, &b3, &a3 };
    nn_dims o33 = { 1, 1, 2, 4 };
    const int8_t e33[8] = { 1, 3, 4, 1, 2, 5, 6, 2 };
    int8_t out8[8];
    assert_int_equal(nn_concat_s8(3, 3, d33, inputs3, &o33, out8), NN_KERNEL_OK);
    assert_memory_equal(out8, e33, sizeof(e33));

    /* A single input is a copy. */
    const nn_dims *d_one[1] = { &b3 };
    const int8_t *in_one[1] = { b };
    assert_int_equal(nn_concat_s8(3, 1, d_one, in_one, &b3, out), NN_KERNEL_OK);
    assert_memory_equal(out, b, sizeof(b));
}

/* Every precondition of nn_concat_s8: EARG, output untouched. */
static void test_concat_preconditions(void **state)
{
    (void)state;
    const int8_t a[2] = { 1, 2 }, b[4] = { 3, 4, 5, 6 };
    int8_t out[8];

    for (int i = 0;; i++) {
        nn_dims da = { 1, 1, 2, 1 }, db = { 1, 1, 2, 2 }, o = { 1, 1, 2, 3 };
        const nn_dims *dims[2] = { &da, &db };
        const int8_t *inputs[2] = { a, b };
        const nn_dims *const *dp = dims;
        const int8_t *const *ip = inputs;
        const nn_dims *op = &o;
        int8_t *outp = out;
        int32_t axis = 3, count = 2;

        switch (i) {
        case 0: axis = -1; break;
        case 1: axis = 4; break;
        case 2: count = 0; break;
        case 3: dp = NULL; break;
        case 4: ip = NULL; break;
        case 5: op = NULL; break;
        case 6: outp = NULL; break;
        case 7: dims[1] = NULL; break;
        case 8: inputs[0] = NULL; break;
        case 9: da.n = 0; break;
        case 10: o.w = 0; break;
        case 11: db.w = 1; break;              /* a non-axis dimension differs */
        case 12: da.n = 2; db.n = 2; break;    /* both differ from the output */
        case 13: o.c = 4; break;               /* 1 + 2 != 4 */
        case 14: o.c = 2; break;
        case 15: axis = 2; break;              /* C differs off the axis */
        case 16:
            memset(out, SENTINEL, sizeof(out));
            assert_int_equal(nn_concat_s8(axis, count, dp, ip, op, outp), NN_KERNEL_OK);
            return;
        }
        memset(out, SENTINEL, sizeof(out));
        nn_kernel_status st = nn_concat_s8(axis, count, dp, ip, op, outp);
        if (st != NN_KERNEL_EARG)
            fail_msg("concat case %d: status %d, expected EARG", i, (int)st);
        assert_true(all_sentinel(out, sizeof(out)));
    }
}

int main(void)
{
    const struct CMUnitTest fc[] = {
        cmocka_unit_test(test_fc_per_tensor_offsets_bias),
        cmocka_unit_test(test_fc_per_channel_vs_per_tensor),
        cmocka_unit_test(test_fc_zero_points_saturation_clamp),
        cmocka_unit_test(test_fc_preconditions),
    };
    const struct CMUnitTest pool[] = {
        cmocka_unit_test(test_pool_1x1_identity_clamped),
        cmocka_unit_test(test_pool_full_size),
        cmocka_unit_test(test_pool_same_padding_excluded),
        cmocka_unit_test(test_avgpool_even_filter_rounding),
        cmocka_unit_test(test_avgpool_negative_rounding),
        cmocka_unit_test(test_pool_asymmetric_geometry),
        cmocka_unit_test(test_avgpool_preconditions),
        cmocka_unit_test(test_maxpool_preconditions),
    };
    const struct CMUnitTest shape[] = {
        cmocka_unit_test(test_pad_each_dimension),
        cmocka_unit_test(test_pad_combined),
        cmocka_unit_test(test_pad_preconditions),
        cmocka_unit_test(test_concat_each_axis),
        cmocka_unit_test(test_concat_preconditions),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("core/nn_fc", fc, NULL, NULL);
    failed += cmocka_run_group_tests_name("core/nn_pool", pool, NULL, NULL);
    failed += cmocka_run_group_tests_name("core/nn_shape", shape, NULL, NULL);
    return failed;
}
