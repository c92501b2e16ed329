/*
 * Host-side computation of the kernels' fixed-point parameters from float scales, exactly as
 * TensorFlow Lite (Micro) computes them in its Prepare() functions, so that the core's
 * integer-only kernels are bit-exact with TFLM. Used by the converter; never on the target.
 */
#ifndef QPARAMS_H
#define QPARAMS_H

#include <stdint.h>

#include "../core/nn_kernels.h"

/* Fused activation functions, numbered as TFLite's ActivationFunctionType. */
enum {
    QP_ACT_NONE = 0,
    QP_ACT_RELU = 1,
    QP_ACT_RELU_N1_TO_1 = 2,
    QP_ACT_RELU6 = 3,
    QP_ACT_TANH = 4,
    QP_ACT_SIGN_BIT = 5
};

/*
 * TFLite's QuantizeMultiplier: real = mult * 2^(shift - 31) with mult in [2^30, 2^31).
 * real == 0 gives mult = 0, shift = 0. Returns 0, or -1 if real is negative, NaN or
 * infinite (mult/shift are then set to 0).
 */
int qp_quantize_multiplier(double real, int32_t *mult, int32_t *shift);

/* As qp_quantize_multiplier for a real of either sign (a negative one gives a negative
 * mult). -1 for NaN, infinity, or a mult of -2^31. */
int qp_quantize_multiplier_signed(double real, int32_t *mult, int32_t *shift);

/*
 * int8 clamp range for a fused activation on an output with (scale, zero_point), as
 * TFLite's CalculateActivationRangeQuantized. Returns 0, or -1 for an activation the int8
 * kernels cannot fuse (TANH, SIGN_BIT, unknown values) or, for the RELUs, a scale that is
 * not positive and finite.
 */
int qp_activation_range(int act, float scale, int32_t zero_point, int32_t *act_min,
                        int32_t *act_max);

/*
 * Per-channel multipliers for CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED:
 * effective_scale[c] = input_scale * weight_scale[c] / output_scale (in double, as TFLM's
 * PopulateConvolutionQuantizationParams). weight_scales has n entries; mult/shift receive n.
 * Returns 0, or -1 if a scale is not a positive finite number.
 */
int qp_conv_multipliers(float input_scale, const float *weight_scales, int n,
                        float output_scale, int32_t *mult, int32_t *shift);

/* ADD (int8): fills every field of p from the scales and zero points (left_shift 20) and
 * the activation range. Returns 0 or -1 on a bad scale / activation. */
int qp_add_params(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                  float out_scale, int32_t out_zp, int act, nn_add_params *p);

/* MUL (int8): as qp_add_params. */
int qp_mul_params(float in1_scale, int32_t in1_zp, float in2_scale, int32_t in2_zp,
                  float out_scale, int32_t out_zp, int act, nn_mul_params *p);

/* SOFTMAX (int8 in, int8 out): input_multiplier, input_left_shift and diff_min from the
 * input scale and beta, with 5 integer bits as TFLM's CalculateSoftmaxParams. -1 for a bad
 * scale or beta, or beta * scale * 2^26 <= 1 (where TFLite aborts). */
int qp_softmax_params(float input_scale, float beta, nn_softmax_params *p);

/* LOGISTIC (int8): as TFLM's CalculateArithmeticOpData for int8 logistic
 * (4 integer bits, input_range_radius from CalculateInputRadius). -1 for a bad scale or
 * zero point, or a scale below 2^-28 (a negative left shift, undefined in TFLite). */
int qp_logistic_params(float input_scale, int32_t input_zp, nn_logistic_params *p);

/*
 * MEAN (int8): multiplier/shift for the reduction of num_elements_reduced values from
 * (in_scale, in_zp) to (out_scale, out_zp), as TFLM's reduce.cc prepares them. Fills every
 * field of p except axis_mask.
 */
int qp_mean_params(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                   int32_t num_elements_reduced, nn_mean_params *p);

/* QUANTIZE int8 -> int8: multiplier/shift for in_scale / out_scale. */
int qp_requantize_params(float in_scale, float out_scale, int32_t *mult, int32_t *shift);

#endif /* QPARAMS_H */
