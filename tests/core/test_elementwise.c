/*
 * Tests of core/nn_elementwise.c: ADD and MUL on hand-worked values, saturation, fused
 * activation clamps, 4-D broadcasting (checked against the same kernel on materialized
 * inputs and against index arithmetic), and every precondition returning EARG untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/nn_kernels.h"

#define SENTINEL 0x5a

/*
 * ADD with the three scales equal (TFLite's parameters for s1 = s2 = so): inputs rescaled by
 * 1/2 (2^30, 0), output by 2^-19 (2^30, -18), left shift 20. Then out = (a - z1) + (b - z2) + zo
 * exactly: a * 2^20 halved is a * 2^19, the sum times 2^-19 is exact.
 */
static nn_add_params add_equal_scales(int32_t z1, int32_t z2, int32_t zo)
{
    nn_add_params p = {
        .left_shift = 20,
        .input1_offset = -z1, .input1_multiplier = 1 << 30, .input1_shift = 0,
        .input2_offset = -z2, .input2_multiplier = 1 << 30, .input2_shift = 0,
        .output_offset = zo, .output_multiplier = 1 << 30, .output_shift = -18,
        .act_min = -128, .act_max = 127,
    };
    return p;
}

/* MUL with s1 * s2 / so = 1 (multiplier 2^30, shift 1): out = (a - z1) * (b - z2) + zo. */
static nn_mul_params mul_unit(int32_t z1, int32_t z2, int32_t zo)
{
    nn_mul_params p = {
        .input1_offset = -z1, .input2_offset = -z2,
        .output_offset = zo, .output_multiplier = 1 << 30, .output_shift = 1,
        .act_min = -128, .act_max = 127,
    };
    return p;
}

/* ---------------------------------------------------------------- ADD */

static void test_add_equal_scales(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 2, 4 };
    const int8_t a[8] = { 0, 1, -1, 10, -50, 100, 127, -128 };
    const int8_t b[8] = { 0, 2, -3, -10, 20, 27, 0, 0 };
    int8_t o[8];
    nn_add_params p = add_equal_scales(0, 0, 0);
    assert_int_equal(nn_add_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    const int8_t want[8] = { 0, 3, -4, 0, -30, 127, 127, -128 };
    assert_memory_equal(o, want, 8);

    /* zero points: (a - 5) + (b + 3) - 7 */
    p = add_equal_scales(5, -3, -7);
    assert_int_equal(nn_add_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    for (int i = 0; i < 8; i++) {
        int v = (a[i] - 5) + (b[i] + 3) - 7;
        v = v < -128 ? -128 : v > 127 ? 127 : v;
        assert_int_equal(o[i], v);
    }
}

/* Saturation at both ends of int8, including inputs whose real sum is far outside. */
static void test_add_saturates(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 1, 4 };
    const int8_t a[4] = { 100, 127, -100, -128 };
    const int8_t b[4] = { 100, 127, -100, -128 };
    int8_t o[4];
    nn_add_params p = add_equal_scales(-128, -128, -128); /* q - (-128) added, then -128 */
    assert_int_equal(nn_add_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    /* 228 + 228 - 128, 255 + 255 - 128, 28 + 28 - 128 = -72, 0 + 0 - 128 */
    const int8_t want[4] = { 127, 127, -72, -128 };
    assert_memory_equal(o, want, 4);
}

/* A fused RELU (act_min = zero point) and RELU6-like upper clamp. */
static void test_add_activation_clamp(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 1, 5 };
    const int8_t a[5] = { -10, -1, 0, 5, 60 };
    const int8_t b[5] = { 3, 0, 0, 5, 60 };
    int8_t o[5];
    nn_add_params p = add_equal_scales(0, 0, 0);
    p.act_min = 0;
    p.act_max = 12;
    assert_int_equal(nn_add_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    const int8_t want[5] = { 0, 0, 0, 10, 12 };
    assert_memory_equal(o, want, 5);
}

/*
 * Different input scales, hand-worked through the fixed-point steps: s1 = 1, s2 = 0.5,
 * so = 1: twice_max = 2, input1 x1/2 (2^30, 0), input2 x1/4 (2^30, -1), output 2 / 2^20
 * (2^30, -18). a = 3, b = 5: 3 * 2^20 / 2 = 1572864, 5 * 2^20 / 4 = 1310720, sum 2883584,
 * times 2^-19 = 5.5 -> rounds away from zero to 6 (real 3 + 2.5 = 5.5). a = -3, b = -5: -6.
 */
static void test_add_rounding(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 1, 3 };
    const int8_t a[3] = { 3, -3, 1 };
    const int8_t b[3] = { 5, -5, 1 };
    int8_t o[3];
    nn_add_params p = add_equal_scales(0, 0, 0);
    p.input2_shift = -1;
    assert_int_equal(nn_add_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    /* 1 + 0.5 = 1.5 -> 2 */
    const int8_t want[3] = { 6, -6, 2 };
    assert_memory_equal(o, want, 3);
}

/* Output aliasing the first input (same dims) gives the same result. */
static void test_add_alias(void **state)
{
    (void)state;
    const nn_dims d = { 1, 2, 2, 2 };
    int8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    const int8_t b[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    nn_add_params p = add_equal_scales(0, 0, 0);
    assert_int_equal(nn_add_s8(&p, &d, a, &d, b, &d, a), NN_KERNEL_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(a[i], 9);
}

/* ---------------------------------------------------------------- broadcasting */

/* Replicates src (dims sd) to the shape od, as broadcasting reads it. */
static void expand(const nn_dims *sd, const int8_t *src, const nn_dims *od, int8_t *dst)
{
    size_t o = 0;
    for (int n = 0; n < od->n; n++)
        for (int h = 0; h < od->h; h++)
            for (int w = 0; w < od->w; w++)
                for (int c = 0; c < od->c; c++) {
                    const int sn = sd->n == 1 ? 0 : n, sh = sd->h == 1 ? 0 : h;
                    const int sw = sd->w == 1 ? 0 : w, sc = sd->c == 1 ? 0 : c;
                    dst[o++] = src[((sn * sd->h + sh) * sd->w + sw) * sd->c + sc];
                }
}

/* Fills with a pattern that makes each position distinguishable. */
static void fill(int8_t *x, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (int8_t)((int)(i * 37u + (size_t)seed * 11u) % 101 - 50);
}

/*
 * Broadcast cases, each checked against the same kernel on explicitly replicated inputs:
 * a per-channel vector, a scalar, a row against a column (both inputs broadcast), and
 * broadcasting in the batch dimension.
 */
static void test_broadcast_matches_expanded(void **state)
{
    (void)state;
    static const nn_dims cases[][3] = {
        { { 2, 3, 4, 5 }, { 1, 1, 1, 5 }, { 2, 3, 4, 5 } },
        { { 1, 1, 1, 1 }, { 2, 3, 4, 5 }, { 2, 3, 4, 5 } },
        { { 1, 3, 1, 5 }, { 2, 1, 4, 1 }, { 2, 3, 4, 5 } },
        { { 1, 3, 4, 5 }, { 2, 3, 4, 5 }, { 2, 3, 4, 5 } },
        { { 2, 1, 4, 1 }, { 1, 3, 1, 1 }, { 2, 3, 4, 1 } },
    };
    int8_t a[120], b[120], ea[120], eb[120], o[128], want[120];
    nn_add_params ap = add_equal_scales(3, -2, 1);
    nn_mul_params mp = mul_unit(-1, 2, -3);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const nn_dims *d1 = &cases[k][0], *d2 = &cases[k][1], *od = &cases[k][2];
        const size_t n1 = (size_t)(d1->n * d1->h * d1->w * d1->c);
        const size_t n2 = (size_t)(d2->n * d2->h * d2->w * d2->c);
        const size_t no = (size_t)(od->n * od->h * od->w * od->c);
        fill(a, n1, 1);
        fill(b, n2, 2);
        expand(d1, a, od, ea);
        expand(d2, b, od, eb);

        assert_int_equal(nn_add_s8(&ap, od, ea, od, eb, od, want), NN_KERNEL_OK);
        memset(o, SENTINEL, sizeof o);
        assert_int_equal(nn_add_s8(&ap, d1, a, d2, b, od, o), NN_KERNEL_OK);
        assert_memory_equal(o, want, no);
        assert_int_equal(o[no], SENTINEL);

        assert_int_equal(nn_mul_s8(&mp, od, ea, od, eb, od, want), NN_KERNEL_OK);
        memset(o, SENTINEL, sizeof o);
        assert_int_equal(nn_mul_s8(&mp, d1, a, d2, b, od, o), NN_KERNEL_OK);
        assert_memory_equal(o, want, no);
        assert_int_equal(o[no], SENTINEL);
    }
}

/* A hand-checkable broadcast: [1,1,2,3] + [1,1,1,3] -> rows plus a channel bias. */
static void test_broadcast_by_hand(void **state)
{
    (void)state;
    const nn_dims d1 = { 1, 1, 2, 3 }, d2 = { 1, 1, 1, 3 };
    const int8_t a[6] = { 1, 2, 3, 10, 20, 30 };
    const int8_t b[3] = { 100, -5, 7 };
    int8_t o[6];
    nn_add_params p = add_equal_scales(0, 0, 0);
    assert_int_equal(nn_add_s8(&p, &d1, a, &d2, b, &d1, o), NN_KERNEL_OK);
    const int8_t want[6] = { 101, -3, 10, 110, 15, 37 };
    assert_memory_equal(o, want, 6);
    /* the other way round: [1,1,1,3] * [1,1,2,3] */
    nn_mul_params m = mul_unit(0, 0, 0);
    assert_int_equal(nn_mul_s8(&m, &d2, b, &d1, a, &d1, o), NN_KERNEL_OK);
    const int8_t want_mul[6] = { 100, -10, 21, 127, -100, 127 };
    assert_memory_equal(o, want_mul, 6);
}

/* ---------------------------------------------------------------- MUL */

static void test_mul_values(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 1, 8 };
    const int8_t a[8] = { 5, 12, -12, 0, -1, 11, -11, 127 };
    const int8_t b[8] = { 7, 12, 12, 99, -1, 11, -12, 1 };
    int8_t o[8];
    nn_mul_params p = mul_unit(0, 0, 0);
    assert_int_equal(nn_mul_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    const int8_t want[8] = { 35, 127, -128, 0, 1, 121, 127, 127 };
    assert_memory_equal(o, want, 8);

    /* zero points: (a - 2) * (b + 1) + 10 */
    p = mul_unit(2, -1, 10);
    assert_int_equal(nn_mul_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    for (int i = 0; i < 8; i++) {
        int v = (a[i] - 2) * (b[i] + 1) + 10;
        v = v < -128 ? -128 : v > 127 ? 127 : v;
        assert_int_equal(o[i], v);
    }
}

/*
 * A multiplier of 1/4 (2^30, -1): the doubling high multiply halves with rounding, then the
 * shift halves again with rounding (TFLite's double rounding): 15 -> 7.5 -> 8 -> 4;
 * 9 -> 4.5 -> 5 -> 2.5 -> 3 (not round(2.25) = 2); 10 -> 5 -> 3 (ties away from zero);
 * -10 -> -5 -> -3.
 */
static void test_mul_rounding_and_clamp(void **state)
{
    (void)state;
    const nn_dims d = { 1, 1, 1, 4 };
    const int8_t a[4] = { 3, 3, 2, -2 };
    const int8_t b[4] = { 5, 3, 5, 5 };
    int8_t o[4];
    nn_mul_params p = mul_unit(0, 0, 0);
    p.output_shift = -1;
    assert_int_equal(nn_mul_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    const int8_t want[4] = { 4, 3, 3, -3 };
    assert_memory_equal(o, want, 4);
    /* RELU-style clamp at 0 and an upper bound of 3 */
    p.act_min = 0;
    p.act_max = 3;
    assert_int_equal(nn_mul_s8(&p, &d, a, &d, b, &d, o), NN_KERNEL_OK);
    const int8_t want_clamped[4] = { 3, 3, 3, 0 };
    assert_memory_equal(o, want_clamped, 4);
}

/* ---------------------------------------------------------------- preconditions */

static void test_earg(void **state)
{
    (void)state;
    const nn_dims d = { 1, 2, 2, 3 }, one = { 1, 1, 1, 1 }, bad3 = { 1, 2, 2, 2 };
    const nn_dims zero = { 1, 0, 2, 3 }, neg = { 1, -2, 2, 3 };
    const nn_dims out_too_big = { 1, 2, 2, 6 };
    int8_t a[12] = { 0 }, b[12] = { 0 }, o[16];
    const nn_add_params good = add_equal_scales(0, 0, 0);
    const nn_mul_params goodm = mul_unit(0, 0, 0);
    nn_add_params p;
    nn_mul_params m;

    memset(o, SENTINEL, sizeof o);
    assert_int_equal(nn_add_s8(NULL, &d, a, &d, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, NULL, a, &d, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, NULL, &d, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, a, &d, NULL, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, a, &d, b, &d, NULL), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, a, &d, b, NULL, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &zero, a, &d, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, a, &neg, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, a, &bad3, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_add_s8(&good, &d, a, &one, b, &out_too_big, o), NN_KERNEL_EARG);
    p = good;
    p.act_min = 5;
    p.act_max = 4;
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);
    p = good;
    p.act_max = 128;
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);
    p = good;
    p.left_shift = 23;
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);
    p = good;
    p.input1_shift = 1;
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);
    p = good;
    p.output_shift = -32;
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);
    p = good;
    p.input2_offset = -128; /* zero point 128 */
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);
    p = good;
    p.output_offset = 128;
    assert_int_equal(nn_add_s8(&p, &d, a, &one, b, &d, o), NN_KERNEL_EARG);

    assert_int_equal(nn_mul_s8(NULL, &d, a, &d, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_mul_s8(&goodm, &d, a, &bad3, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_mul_s8(&goodm, &zero, a, &d, b, &d, o), NN_KERNEL_EARG);
    assert_int_equal(nn_mul_s8(&goodm, &d, a, &d, NULL, &d, o), NN_KERNEL_EARG);
    m = goodm;
    m.act_min = 1;
    m.act_max = 0;
    assert_int_equal(nn_mul_s8(&m, &d, a, &d, b, &d, o), NN_KERNEL_EARG);
    m = goodm;
    m.output_shift = 16;
    assert_int_equal(nn_mul_s8(&m, &d, a, &d, b, &d, o), NN_KERNEL_EARG);
    m = goodm;
    m.input1_offset = 200;
    assert_int_equal(nn_mul_s8(&m, &d, a, &d, b, &d, o), NN_KERNEL_EARG);

    for (size_t i = 0; i < sizeof o; i++)
        assert_int_equal(o[i], SENTINEL);

    /* and the good parameters do run */
    assert_int_equal(nn_add_s8(&good, &d, a, &one, b, &d, o), NN_KERNEL_OK);
    assert_int_equal(nn_mul_s8(&goodm, &one, a, &d, b, &d, o), NN_KERNEL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_equal_scales),
        cmocka_unit_test(test_add_saturates),
        cmocka_unit_test(test_add_activation_clamp),
        cmocka_unit_test(test_add_rounding),
        cmocka_unit_test(test_add_alias),
        cmocka_unit_test(test_broadcast_matches_expanded),
        cmocka_unit_test(test_broadcast_by_hand),
        cmocka_unit_test(test_mul_values),
        cmocka_unit_test(test_mul_rounding_and_clamp),
        cmocka_unit_test(test_earg),
    };
    return cmocka_run_group_tests_name("core/nn_elementwise", tests, NULL, NULL);
}
