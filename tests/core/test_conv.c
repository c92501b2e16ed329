/*
 * Tests of core/nn_conv.c: CONV_2D and DEPTHWISE_CONV_2D against values worked out by hand
 * (each test's comment shows the arithmetic), and every precondition returning EARG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/nn_kernels.h"

/*
 * Requantization pairs (multiplier, shift) with real scale multiplier * 2^(shift - 31):
 * exact enough that the expected values below follow from plain arithmetic.
 */
#define X1_M (1 << 30) /* x1.0 with shift 1 */
#define X1_S 1
#define XHALF_M (1 << 30) /* x0.5 with shift 0 */
#define XHALF_S 0
#define X3HALF_M (3 << 29) /* x1.5 with shift 1 */
#define X3HALF_S 1
#define XQUARTER_M (1 << 30) /* x0.25 with shift -1 */
#define XQUARTER_S (-1)

#define SENTINEL 0x5a

static const int32_t ones_m[8] = { X1_M, X1_M, X1_M, X1_M, X1_M, X1_M, X1_M, X1_M };
static const int32_t ones_s[8] = { X1_S, X1_S, X1_S, X1_S, X1_S, X1_S, X1_S, X1_S };

/* Default parameters: unit strides and dilations, no padding, zero points 0, no clamp. */
static nn_conv_params conv_params(void)
{
    nn_conv_params p = {
        .input_offset = 0, .output_offset = 0,
        .stride_h = 1, .stride_w = 1, .dilation_h = 1, .dilation_w = 1,
        .pad_h = 0, .pad_w = 0, .depth_multiplier = 1,
        .act_min = -128, .act_max = 127,
    };
    return p;
}

static nn_quant identity_quant(int32_t count)
{
    nn_quant q = { ones_m, ones_s, count };
    return q;
}

/* ---------------------------------------------------------------- CONV_2D */

/*
 * 3x3 all-ones filter, SAME padding (pad 1) on the 3x3 image 1..9 (row-major). Input zero
 * point 10 (offset -10): q = real + 10. Each output is the sum of the real values of the
 * neighbourhood inside the image, e.g. corner (0,0) = 1+2+4+5 = 12, centre = 45:
 *   12 21 16 / 27 45 33 / 24 39 28, then + output zero point -5.
 * A kernel that fed padded taps as q = 0 would add (0 - 10) per missing tap (corner: -50).
 */
static void test_conv_same_odd_kernel_skips_padding(void **state)
{
    (void)state;
    const int8_t input[9] = { 11, 12, 13, 14, 15, 16, 17, 18, 19 };
    const int8_t filter[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const int8_t expect[9] = { 7, 16, 11, 22, 40, 28, 19, 34, 23 };
    int8_t out[9];
    nn_conv_params p = conv_params();
    p.input_offset = -10;
    p.output_offset = -5;
    p.pad_h = p.pad_w = 1;
    nn_quant q = identity_quant(1);
    nn_dims in_d = { 1, 3, 3, 1 }, f_d = { 1, 3, 3, 1 }, out_d = { 1, 3, 3, 1 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * 2x2 filter [[1,2],[3,4]], SAME on 3x3 with stride 1: TFLite's total padding is 1 and goes
 * after (top/left 0). in(y,x) = 3y + x + 1;
 * out(y,x) = 1*in(y,x) + 2*in(y,x+1) + 3*in(y+1,x) + 4*in(y+1,x+1), missing taps skipped:
 *   (0,0) 1+4+12+20=37  (0,1) 2+6+15+24=47  (0,2) 3+18=21
 *   (1,0) 4+10+21+32=67 (1,1) 5+12+24+36=77 (1,2) 6+27=33
 *   (2,0) 7+16=23       (2,1) 8+18=26       (2,2) 9
 * Distinct weights pin the orientation of the filter.
 */
static void test_conv_same_even_kernel_pad_after(void **state)
{
    (void)state;
    const int8_t input[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    const int8_t filter[4] = { 1, 2, 3, 4 };
    const int8_t expect[9] = { 37, 47, 21, 67, 77, 33, 23, 26, 9 };
    int8_t out[9];
    nn_conv_params p = conv_params();
    nn_quant q = identity_quant(1);
    nn_dims in_d = { 1, 3, 3, 1 }, f_d = { 1, 2, 2, 1 }, out_d = { 1, 3, 3, 1 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * 4x4 all-ones filter, SAME on a 4x4 image: total padding 3, TFLite puts 1 before and 2
 * after. The image is all real 1 with input zero point -128 (q = -127, offset 128), so each
 * output counts the taps inside: rows inside for y = 0..3 are 3,4,3,2 (window rows y-1..y+2),
 * the same for columns, and out(y,x) = rows(y) * cols(x).
 */
static void test_conv_same_even_kernel_pad_before_zp_min(void **state)
{
    (void)state;
    int8_t input[16], filter[16], out[16];
    const int8_t expect[16] = { 9, 12, 9, 6, 12, 16, 12, 8, 9, 12, 9, 6, 6, 8, 6, 4 };
    memset(input, -127, sizeof(input));
    memset(filter, 1, sizeof(filter));
    nn_conv_params p = conv_params();
    p.input_offset = 128;
    p.pad_h = p.pad_w = 1;
    nn_quant q = identity_quant(1);
    nn_dims in_d = { 1, 4, 4, 1 }, f_d = { 1, 4, 4, 1 }, out_d = { 1, 4, 4, 1 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * Stride 2, 2x2 filter, VALID on a 4x4x2 image: channel 0 = 4y + x, channel 1 = 1.
 * Three output channels with bias {0, 10, -3} and multipliers x1, x1.5, x0.5:
 *   oc0: ones on channel 0 -> block sums 0+1+4+5=10, 2+3+6+7=18, 8+9+12+13=42, 50.
 *   oc1: ones on channel 1 -> 4, + 10 = 14, x1.5 = 21 everywhere.
 *   oc2: +1 on channel 0 at tap (0,0), -1 on channel 1 at tap (1,1): in(origin) - 1 - 3
 *        = 0-4, 2-4, 8-4, 10-4 = -4, -2, 4, 6, x0.5 = -2, -1, 2, 3.
 */
static void test_conv_stride2_bias_per_channel_quant(void **state)
{
    (void)state;
    int8_t input[32];
    for (int i = 0; i < 16; i++) {
        input[2 * i] = (int8_t)i;
        input[2 * i + 1] = 1;
    }
    /* filter [3][2][2][2]: [oc][ky][kx][ic] */
    const int8_t filter[24] = {
        1, 0, 1, 0, 1, 0, 1, 0,  /* oc0 */
        0, 1, 0, 1, 0, 1, 0, 1,  /* oc1 */
        1, 0, 0, 0, 0, 0, 0, -1, /* oc2 */
    };
    const int32_t bias[3] = { 0, 10, -3 };
    const int32_t mult[3] = { X1_M, X3HALF_M, XHALF_M };
    const int32_t shift[3] = { X1_S, X3HALF_S, XHALF_S };
    const int8_t expect[12] = { 10, 21, -2, 18, 21, -1, 42, 21, 2, 50, 21, 3 };
    int8_t out[12];
    nn_conv_params p = conv_params();
    p.stride_h = p.stride_w = 2;
    nn_quant q = { mult, shift, 3 };
    nn_dims in_d = { 1, 4, 4, 2 }, f_d = { 3, 2, 2, 2 }, out_d = { 1, 2, 2, 3 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, bias, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * Dilation 3 along W: a 1x3 filter {1,2,4} spanning 7 columns, SAME padding 3 on the row
 * 1..7 (input zero point -128: q = real - 128). Taps sit at x-3, x, x+3:
 *   x=0: 2*1+4*4=18  x=1: 2*2+4*5=24  x=2: 2*3+4*6=30  x=3: 1+2*4+4*7=37
 *   x=4: 2+2*5=12    x=5: 3+2*6=15    x=6: 4+2*7=18
 * The same data transposed checks dilation along H (dilation_w is then irrelevant).
 * Stride 2 along the dilated axis only (1 along the other) keeps x = 0, 2, 4, 6.
 */
static void test_conv_dilation(void **state)
{
    (void)state;
    const int8_t input[7] = { -127, -126, -125, -124, -123, -122, -121 };
    const int8_t filter[3] = { 1, 2, 4 };
    const int8_t expect[7] = { 18, 24, 30, 37, 12, 15, 18 };
    int8_t out[7];
    nn_conv_params p = conv_params();
    p.input_offset = 128;
    nn_quant q = identity_quant(1);

    p.dilation_w = 3;
    p.pad_w = 3;
    nn_dims in_w = { 1, 1, 7, 1 }, f_w = { 1, 1, 3, 1 }, out_w = { 1, 1, 7, 1 };
    memset(out, SENTINEL, sizeof(out));
    assert_int_equal(nn_conv2d_s8(&p, &q, &in_w, input, &f_w, filter, NULL, &out_w, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));

    const int8_t expect_s2[4] = { 18, 30, 12, 18 };
    p.stride_w = 2;
    out_w.w = 4;
    memset(out, SENTINEL, sizeof(out));
    assert_int_equal(nn_conv2d_s8(&p, &q, &in_w, input, &f_w, filter, NULL, &out_w, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect_s2, sizeof(expect_s2));

    p = conv_params();
    p.input_offset = 128;
    p.dilation_h = 3;
    p.dilation_w = 5;
    p.pad_h = 3;
    nn_dims in_h = { 1, 7, 1, 1 }, f_h = { 1, 3, 1, 1 }, out_h = { 1, 7, 1, 1 };
    memset(out, SENTINEL, sizeof(out));
    assert_int_equal(nn_conv2d_s8(&p, &q, &in_h, input, &f_h, filter, NULL, &out_h, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));

    p.stride_h = 2;
    out_h.h = 4;
    memset(out, SENTINEL, sizeof(out));
    assert_int_equal(nn_conv2d_s8(&p, &q, &in_h, input, &f_h, filter, NULL, &out_h, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect_s2, sizeof(expect_s2));
}

/*
 * 1x1 convolutions that saturate, two batches. Input [b][2], weights oc0 = {127,127},
 * oc1 = {-128,-128}, multiplier x1:
 *   b0 {127,127}:   oc0 2*127*127 = 32258 -> 127,  oc1 -2*128*127 = -32512 -> -128
 *   b1 {-128,-128}: oc0 -32512 -> -128,            oc1 2*128*128 = 32768 -> 127
 */
static void test_conv_saturation_batches(void **state)
{
    (void)state;
    const int8_t input[4] = { 127, 127, -128, -128 };
    const int8_t filter[4] = { 127, 127, -128, -128 };
    const int8_t expect[4] = { 127, -128, -128, 127 };
    int8_t out[4];
    nn_conv_params p = conv_params();
    nn_quant q = identity_quant(2);
    nn_dims in_d = { 2, 1, 1, 2 }, f_d = { 2, 1, 1, 2 }, out_d = { 2, 1, 1, 2 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * The output zero point is added before the clamp: 1x1 filter {1} on {5, -5}, output zero
 * point 127 -> 132 -> 127 and 122; output zero point -128 -> -123 and -133 -> -128.
 * With a fused activation range [-10, 10] and zero point 0: {20, -20, 3} -> {10, -10, 3}.
 */
static void test_conv_output_offset_and_activation_clamp(void **state)
{
    (void)state;
    const int8_t input[3] = { 5, -5, 0 };
    const int8_t filter[1] = { 1 };
    int8_t out[3];
    nn_conv_params p = conv_params();
    nn_quant q = identity_quant(1);
    nn_dims in_d = { 1, 1, 2, 1 }, f_d = { 1, 1, 1, 1 }, out_d = { 1, 1, 2, 1 };

    p.output_offset = 127;
    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_int_equal(out[0], 127);
    assert_int_equal(out[1], 122);

    p.output_offset = -128;
    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_int_equal(out[0], -123);
    assert_int_equal(out[1], -128);

    const int8_t in2[3] = { 20, -20, 3 };
    const int8_t expect2[3] = { 10, -10, 3 };
    nn_dims in3 = { 1, 1, 3, 1 }, out3 = { 1, 1, 3, 1 };
    p.output_offset = 0;
    p.act_min = -10;
    p.act_max = 10;
    assert_int_equal(nn_conv2d_s8(&p, &q, &in3, in2, &f_d, filter, NULL, &out3, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect2, sizeof(expect2));
}

/*
 * One input channel, four 1x1 output channels of weight 1 with multipliers x1, x0.5, x1.5,
 * x0.25 (the last with a right shift). Input 6 -> 6, 3, 9, 1.5 rounded away from zero = 2.
 * Input -6 -> -6, -3, -9, -1.5 rounded away from zero = -2. The bias {1, 0, 0, 0} of a
 * second run on input 6 makes channel 0 read 7: bias is added before requantization.
 */
static void test_conv_per_channel_multipliers_differ(void **state)
{
    (void)state;
    const int8_t input[2] = { 6, -6 };
    const int8_t filter[4] = { 1, 1, 1, 1 };
    const int32_t mult[4] = { X1_M, XHALF_M, X3HALF_M, XQUARTER_M };
    const int32_t shift[4] = { X1_S, XHALF_S, X3HALF_S, XQUARTER_S };
    const int8_t expect[8] = { 6, 3, 9, 2, -6, -3, -9, -2 };
    int8_t out[8];
    nn_conv_params p = conv_params();
    nn_quant q = { mult, shift, 4 };
    nn_dims in_d = { 1, 1, 2, 1 }, f_d = { 4, 1, 1, 1 }, out_d = { 1, 1, 2, 4 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));

    const int32_t bias[4] = { 1, 0, 0, 0 };
    nn_dims in1 = { 1, 1, 1, 1 }, out1 = { 1, 1, 1, 4 };
    const int8_t expect1[4] = { 7, 3, 9, 2 };
    assert_int_equal(nn_conv2d_s8(&p, &q, &in1, input, &f_d, filter, bias, &out1, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect1, sizeof(expect1));
}

/*
 * Grouped convolution: 4 input channels {1,2,3,4}, filter C_in 2 (two groups), two output
 * channels. oc0 reads channels 0,1 with {1,1}: 3. oc1 reads channels 2,3 with {2,1}:
 * 6+4 = 10 (reading channels 0,1 instead would give 4).
 */
static void test_conv_grouped(void **state)
{
    (void)state;
    const int8_t input[4] = { 1, 2, 3, 4 };
    const int8_t filter[4] = { 1, 1, 2, 1 };
    int8_t out[2];
    nn_conv_params p = conv_params();
    nn_quant q = identity_quant(2);
    nn_dims in_d = { 1, 1, 1, 4 }, f_d = { 2, 1, 1, 2 }, out_d = { 1, 1, 1, 2 };

    assert_int_equal(nn_conv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 10);
}

/* ---------------------------------------------------------------- DEPTHWISE_CONV_2D */

/*
 * Depth multiplier 2 on a 2x2x2 image, 2x2 filter, VALID -> one pixel, 4 channels.
 * Channel 0 = {1,2;3,4}, channel 1 = {5,6;7,8}. Output channel oc = ic * 2 + m:
 *   oc0 (ic0): ones                 -> 10, + bias 1 = 11, x1   = 11
 *   oc1 (ic0): 2 at (0,0), -1 at (1,1) -> 2-4 = -2, + 2 = 0, x1 = 0
 *   oc2 (ic1): ones                 -> 26, + 4 = 30, x0.5 = 15
 *   oc3 (ic1): 2 at (0,1)           -> 12, + 4 = 16, x1.5 = 24
 * then + output zero point 3: 14, 3, 18, 27. (oc1 reading channel 1 would give 10-8 = 2,
 * oc2 reading channel 0 would give 10.)
 */
static void test_dwconv_depth_multiplier(void **state)
{
    (void)state;
    const int8_t input[8] = { 1, 5, 2, 6, 3, 7, 4, 8 };
    /* filter [1][2][2][4]: [ky][kx][oc] */
    const int8_t filter[16] = {
        1, 2, 1, 0, /* (0,0) */
        1, 0, 1, 2, /* (0,1) */
        1, 0, 1, 0, /* (1,0) */
        1, -1, 1, 0, /* (1,1) */
    };
    const int32_t bias[4] = { 1, 2, 4, 4 };
    const int32_t mult[4] = { X1_M, X1_M, XHALF_M, X3HALF_M };
    const int32_t shift[4] = { X1_S, X1_S, XHALF_S, X3HALF_S };
    const int8_t expect[4] = { 14, 3, 18, 27 };
    int8_t out[4];
    nn_conv_params p = conv_params();
    p.output_offset = 3;
    p.depth_multiplier = 2;
    nn_quant q = { mult, shift, 4 };
    nn_dims in_d = { 1, 2, 2, 2 }, f_d = { 1, 2, 2, 4 }, out_d = { 1, 1, 1, 4 };

    assert_int_equal(nn_dwconv2d_s8(&p, &q, &in_d, input, &f_d, filter, bias, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * 3x3 ones, stride 2, SAME padding 1 on the 3x3 image of reals -1..-9 with input and output
 * zero points 127 (q = real + 127 = 126..118, offset -127). The windows centred on the four
 * corners hold reals {1,2,4,5}, {2,3,5,6}, {4,5,7,8}, {5,6,8,9} negated: -12, -16, -24, -28,
 * + 127 = 115, 111, 103, 99. Padded taps fed as q = 0 would add -127 each.
 */
static void test_dwconv_stride2_same_zp_max(void **state)
{
    (void)state;
    const int8_t input[9] = { 126, 125, 124, 123, 122, 121, 120, 119, 118 };
    const int8_t filter[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const int8_t expect[4] = { 115, 111, 103, 99 };
    int8_t out[4];
    nn_conv_params p = conv_params();
    p.input_offset = -127;
    p.output_offset = 127;
    p.stride_h = p.stride_w = 2;
    p.pad_h = p.pad_w = 1;
    nn_quant q = identity_quant(1);
    nn_dims in_d = { 1, 3, 3, 1 }, f_d = { 1, 3, 3, 1 }, out_d = { 1, 2, 2, 1 };

    assert_int_equal(nn_dwconv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/*
 * Dilation 3 along W with pad 1: a 1x2 filter whose taps sit at x-1 and x+2, on a 1x5 row
 * with channel 0 = 1..5 and channel 1 = -1..-5. Weights: tap 0 {1, 3}, tap 1 {2, 1}.
 *   x=0: tap 0 outside; tap 1 at 2: 2*3 = 6,        1*-3 = -3
 *   x=1: taps at 0, 3: 1*1 + 2*4 = 9,               3*-1 + 1*-4 = -7
 *   x=2: taps at 1, 4: 1*2 + 2*5 = 12,              3*-2 + 1*-5 = -11
 * With stride 2 only x = 0 and 2 remain.
 */
static void test_dwconv_dilation_stride(void **state)
{
    (void)state;
    const int8_t input[10] = { 1, -1, 2, -2, 3, -3, 4, -4, 5, -5 };
    const int8_t filter[4] = { 1, 3, 2, 1 };
    const int8_t expect[6] = { 6, -3, 9, -7, 12, -11 };
    const int8_t expect_s2[4] = { 6, -3, 12, -11 };
    int8_t out[6];
    nn_conv_params p = conv_params();
    p.dilation_w = 3;
    p.pad_w = 1;
    nn_quant q = identity_quant(2);
    nn_dims in_d = { 1, 1, 5, 2 }, f_d = { 1, 1, 2, 2 }, out_d = { 1, 1, 3, 2 };

    assert_int_equal(nn_dwconv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));

    p.stride_w = 2;
    out_d.w = 2;
    assert_int_equal(nn_dwconv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect_s2, sizeof(expect_s2));
}

/*
 * Two batches of one 1x1 pixel, depth multiplier 2, weights {127, -1}:
 *   b0 127:  127*127 = 16129 -> 127,   -127
 *   b1 -128: -16256 -> -128,           128 -> 127
 */
static void test_dwconv_saturation_batches(void **state)
{
    (void)state;
    const int8_t input[2] = { 127, -128 };
    const int8_t filter[2] = { 127, -1 };
    const int8_t expect[4] = { 127, -127, -128, 127 };
    int8_t out[4];
    nn_conv_params p = conv_params();
    p.depth_multiplier = 2;
    nn_quant q = identity_quant(2);
    nn_dims in_d = { 2, 1, 1, 1 }, f_d = { 1, 1, 1, 2 }, out_d = { 2, 1, 1, 2 };

    assert_int_equal(nn_dwconv2d_s8(&p, &q, &in_d, input, &f_d, filter, NULL, &out_d, out),
                     NN_KERNEL_OK);
    assert_memory_equal(out, expect, sizeof(expect));
}

/* ---------------------------------------------------------------- preconditions */

/*
 * One call's arguments. The pointers start out at the embedded values and buffers; a case
 * breaks exactly one thing and expects EARG with the output buffer untouched.
 */
typedef struct {
    nn_conv_params p;
    int32_t mult[4], shift[4];
    nn_quant q;
    nn_dims in_d, f_d, out_d;
    int8_t in[64], f[128], out[64];
    int32_t bias[4];
    const nn_conv_params *pp;
    const nn_quant *qp;
    const nn_dims *in_dp, *f_dp, *out_dp;
    const int8_t *inp, *fp;
    int8_t *outp;
} conv_call;

/* A valid call: 1x3x3x2 input, SAME 3x3 with 2 output channels (depthwise: multiplier 1). */
static void conv_call_init(conv_call *c, int depthwise)
{
    memset(c, 0, sizeof(*c));
    c->p = conv_params();
    c->p.pad_h = c->p.pad_w = 1;
    for (int i = 0; i < 4; i++) {
        c->mult[i] = X1_M;
        c->shift[i] = X1_S;
    }
    c->q = (nn_quant){ c->mult, c->shift, 2 };
    c->in_d = (nn_dims){ 1, 3, 3, 2 };
    c->f_d = depthwise ? (nn_dims){ 1, 3, 3, 2 } : (nn_dims){ 2, 3, 3, 2 };
    c->out_d = (nn_dims){ 1, 3, 3, 2 };
    memset(c->in, 1, sizeof(c->in));
    memset(c->f, 1, sizeof(c->f));
    memset(c->out, SENTINEL, sizeof(c->out));
    c->pp = &c->p;
    c->qp = &c->q;
    c->in_dp = &c->in_d;
    c->f_dp = &c->f_d;
    c->out_dp = &c->out_d;
    c->inp = c->in;
    c->fp = c->f;
    c->outp = c->out;
}

static nn_kernel_status conv_call_run(conv_call *c, int depthwise)
{
    if (depthwise)
        return nn_dwconv2d_s8(c->pp, c->qp, c->in_dp, c->inp, c->f_dp, c->fp, c->bias,
                              c->out_dp, c->outp);
    return nn_conv2d_s8(c->pp, c->qp, c->in_dp, c->inp, c->f_dp, c->fp, c->bias, c->out_dp,
                        c->outp);
}

/* Breaks one precondition shared by both convolutions; returns 0 past the last case. */
static int break_common(conv_call *c, int i)
{
    switch (i) {
    case 0: c->pp = NULL; break;
    case 1: c->qp = NULL; break;
    case 2: c->in_dp = NULL; break;
    case 3: c->inp = NULL; break;
    case 4: c->f_dp = NULL; break;
    case 5: c->fp = NULL; break;
    case 6: c->out_dp = NULL; break;
    case 7: c->outp = NULL; break;
    case 8: c->q.multiplier = NULL; break;
    case 9: c->q.shift = NULL; break;
    case 10: c->in_d.n = 0; c->out_d.n = 0; break;
    case 11: c->in_d.h = 0; break;
    case 12: c->in_d.w = -1; break;
    case 13: c->in_d.c = 0; break;
    case 14: c->f_d.h = 0; break;
    case 15: c->f_d.w = 0; break;
    case 16: c->out_d.h = 0; break;
    case 17: c->out_d.w = -3; break;
    case 18: c->p.stride_h = 0; break;
    case 19: c->p.stride_w = -1; break;
    case 20: c->p.dilation_h = 0; break;
    case 21: c->p.dilation_w = 0; break;
    case 22: c->p.pad_h = -1; break;
    case 23: c->p.pad_w = -1; break;
    case 24: c->p.act_min = 10; c->p.act_max = 9; break;
    case 25: c->p.act_min = -129; break;
    case 26: c->p.act_max = 128; break;
    case 27: c->p.input_offset = 129; break;
    case 28: c->p.input_offset = -128; break;
    case 29: c->p.output_offset = 128; break;
    case 30: c->p.output_offset = -129; break;
    case 31: c->q.count = 1; break;
    case 32: c->q.count = 3; break;
    case 33: c->out_d.n = 2; break;
    case 34: c->shift[1] = -32; break;
    case 35: c->shift[1] = 31; break;
    case 36: c->mult[1] = -1; break;
    default: return 0;
    }
    return 1;
}

/* Breaks one precondition of CONV_2D's channel bookkeeping. */
static int break_conv(conv_call *c, int i)
{
    switch (i) {
    case 0: c->f_d.n = 3; break;                      /* filter count != C_out */
    case 1: c->f_d.c = 0; break;
    case 2: c->f_d.n = 0; break;
    case 3: c->out_d.c = 0; break;
    case 4: c->in_d.c = 3; break;                     /* 3 % filter C_in 2 != 0 */
    case 5: c->in_d.c = 4; c->out_d.c = 3; c->f_d.n = 3; c->q.count = 3; break; /* 2 groups, 3 */
    default: return 0;
    }
    return 1;
}

/* Breaks one precondition of DEPTHWISE_CONV_2D's channel bookkeeping. */
static int break_dwconv(conv_call *c, int i)
{
    switch (i) {
    case 0: c->p.depth_multiplier = 0; break;
    case 1: c->p.depth_multiplier = -2; break;
    case 2: c->p.depth_multiplier = 2; break;          /* C_out 2 != 2 * 2 */
    case 3: c->f_d.n = 2; break;
    case 4: c->f_d.c = 3; break;
    case 5: /* C_out 4 = C_in * 2, but the filter has 2 columns */
        c->p.depth_multiplier = 2; c->out_d.c = 4; c->q.count = 4; break;
    case 6: c->f_d.c = 0; break;
    default: return 0;
    }
    return 1;
}

static void check_eargs(int depthwise, int (*specific)(conv_call *, int))
{
    static conv_call c;
    static int8_t untouched[64];
    memset(untouched, SENTINEL, sizeof(untouched));

    conv_call_init(&c, depthwise);
    assert_int_equal(conv_call_run(&c, depthwise), NN_KERNEL_OK);
    assert_memory_not_equal(c.out, untouched, 18); /* the valid call does write */

    int cases = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0;; i++) {
            conv_call_init(&c, depthwise);
            if (!(pass == 0 ? break_common(&c, i) : specific(&c, i)))
                break;
            nn_kernel_status st = conv_call_run(&c, depthwise);
            if (st != NN_KERNEL_EARG)
                fail_msg("%s case %d/%d: status %d, expected EARG",
                         depthwise ? "dwconv" : "conv", pass, i, (int)st);
            if (memcmp(c.out, untouched, sizeof(untouched)) != 0)
                fail_msg("%s case %d/%d wrote the output", depthwise ? "dwconv" : "conv",
                         pass, i);
            cases++;
        }
    }
    assert_true(cases > 40);
}

static void test_conv_preconditions(void **state)
{
    (void)state;
    check_eargs(0, break_conv);
}

static void test_dwconv_preconditions(void **state)
{
    (void)state;
    check_eargs(1, break_dwconv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_same_odd_kernel_skips_padding),
        cmocka_unit_test(test_conv_same_even_kernel_pad_after),
        cmocka_unit_test(test_conv_same_even_kernel_pad_before_zp_min),
        cmocka_unit_test(test_conv_stride2_bias_per_channel_quant),
        cmocka_unit_test(test_conv_dilation),
        cmocka_unit_test(test_conv_saturation_batches),
        cmocka_unit_test(test_conv_output_offset_and_activation_clamp),
        cmocka_unit_test(test_conv_per_channel_multipliers_differ),
        cmocka_unit_test(test_conv_grouped),
        cmocka_unit_test(test_dwconv_depth_multiplier),
        cmocka_unit_test(test_dwconv_stride2_same_zp_max),
        cmocka_unit_test(test_dwconv_dilation_stride),
        cmocka_unit_test(test_dwconv_saturation_batches),
        cmocka_unit_test(test_conv_preconditions),
        cmocka_unit_test(test_dwconv_preconditions),
    };
    return cmocka_run_group_tests_name("core/nn_conv", tests, NULL, NULL);
}
