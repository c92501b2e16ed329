/*
 * The float32 kernels of the inference core: TensorFlow Lite Micro's reference float kernels,
 * in their order of operations, so that the results are the same bits (build without
 * floating-point contraction: a fused multiply-add rounds once where TFLM rounds twice).
 * exp and tanh come from the C library (expf, tanhf): on the host they are TFLM's own (glibc
 * on x86-64 made the golden files); on a target, newlib's may differ in the last bits (the
 * README gives the measured ULP).
 *
 * They live apart from the int8 core: nn_model.c reaches them through nn_run_layer_f32, a
 * weak reference, so a firmware links them only when it asks for them (with
 * `-Wl,--undefined=nn_run_layer_f32`, or by calling it); an int8-only firmware runs without
 * them, and a float layer there fails with NN_E_NOFLOAT.
 *
 * Conventions as nn_kernels.h: NHWC, the caller has validated shapes; kernels return
 * NN_KERNEL_EARG on a cheap precondition instead of touching memory.
 */
#ifndef NN_FLOAT_H
#define NN_FLOAT_H

#include <stdint.h>

#include "nn_kernels.h"

/* The clamp of a fused activation (TFLite's CalculateActivationRange for float): NONE is
 * [lowest, max] of float, RELU [0, max], RELU_N1_TO_1 [-1, 1], RELU6 [0, 6]. */
typedef struct {
    float act_min, act_max;
} nn_f32_act;

typedef struct {
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_h, pad_w;
    int32_t depth_multiplier; /* depthwise only */
    nn_f32_act act;
} nn_f32_conv_params;

/* CONV_2D, float: input [N,H,W,Cin], filter [Cout,KH,KW,Cin/groups], bias [Cout] or NULL.
 * reference_ops::Conv (float). */
nn_kernel_status nn_conv2d_f32(const nn_f32_conv_params *p, const nn_dims *input_dims,
                               const float *input, const nn_dims *filter_dims,
                               const float *filter, const float *bias,
                               const nn_dims *output_dims, float *output);

/* DEPTHWISE_CONV_2D, float: filter [1,KH,KW,Cout]. reference_ops::DepthwiseConv (float). */
nn_kernel_status nn_dwconv2d_f32(const nn_f32_conv_params *p, const nn_dims *input_dims,
                                 const float *input, const nn_dims *filter_dims,
                                 const float *filter, const float *bias,
                                 const nn_dims *output_dims, float *output);

/* TRANSPOSE_CONV, float (reference_ops::TransposeConv): the scatter into the output, then
 * bias and clamp. */
nn_kernel_status nn_transpose_conv_f32(const nn_f32_conv_params *p, const nn_dims *input_dims,
                                       const float *input, const nn_dims *filter_dims,
                                       const float *filter, const float *bias,
                                       const nn_dims *output_dims, float *output);

/* FULLY_CONNECTED, float: weights [out_depth, accum_depth]. reference_ops::FullyConnected. */
nn_kernel_status nn_fc_f32(const nn_f32_act *act, int32_t batches, int32_t accum_depth,
                           int32_t out_depth, const float *input, const float *weights,
                           const float *bias, float *output);

typedef struct {
    int32_t stride_h, stride_w;
    int32_t filter_h, filter_w;
    int32_t pad_h, pad_w;
    nn_f32_act act;
} nn_f32_pool_params;

/* AVERAGE_POOL_2D / MAX_POOL_2D, float (reference_ops::AveragePool / MaxPool). */
nn_kernel_status nn_avgpool_f32(const nn_f32_pool_params *p, const nn_dims *input_dims,
                                const float *input, const nn_dims *output_dims, float *output);
nn_kernel_status nn_maxpool_f32(const nn_f32_pool_params *p, const nn_dims *input_dims,
                                const float *input, const nn_dims *output_dims, float *output);

/* ADD / MUL, float, 4-D broadcasting as nn_add_s8 (reference_ops::Add, BroadcastAdd4DSlow,
 * Mul, BroadcastMul4DSlow). out may alias an input whose dims equal out_dims. */
nn_kernel_status nn_add_f32(const nn_f32_act *act, const nn_dims *in1_dims, const float *in1,
                            const nn_dims *in2_dims, const float *in2, const nn_dims *out_dims,
                            float *out);
nn_kernel_status nn_mul_f32(const nn_f32_act *act, const nn_dims *in1_dims, const float *in1,
                            const nn_dims *in2_dims, const float *in2, const nn_dims *out_dims,
                            float *out);

/* SOFTMAX over the last dimension, float (reference_ops::Softmax: exp((x - max) * beta),
 * then each divided by the sum). */
nn_kernel_status nn_softmax_f32(float beta, int32_t rows, int32_t depth, const float *input,
                                float *output);

/* LOGISTIC, float (reference_ops::Logistic: 1 above 16.619047, exp(x) below -9,
 * 1 / (1 + exp(-x)) between). Output may alias input. */
nn_kernel_status nn_logistic_f32(int32_t size, const float *input, float *output);

/* RELU, RELU6, TANH, HARD_SWISH, LEAKY_RELU, float (activations.cc ReluFloat and Relu6Float,
 * reference_ops::Tanh, HardSwish and LeakyRelu). Output may alias input. */
nn_kernel_status nn_relu_f32(int32_t size, const float *input, float *output);
nn_kernel_status nn_relu6_f32(int32_t size, const float *input, float *output);
nn_kernel_status nn_tanh_f32(int32_t size, const float *input, float *output);
nn_kernel_status nn_hard_swish_f32(int32_t size, const float *input, float *output);
nn_kernel_status nn_leaky_relu_f32(float alpha, int32_t size, const float *input,
                                   float *output);

/* SUB (with its fused activation), MINIMUM, MAXIMUM, PRELU (alpha broadcast), float, with
 * broadcasting. */
nn_kernel_status nn_sub_f32(const nn_f32_act *act, const nn_dims *in1_dims, const float *in1,
                            const nn_dims *in2_dims, const float *in2, const nn_dims *out_dims,
                            float *out);
nn_kernel_status nn_minmax_f32(int is_max, const nn_dims *in1_dims, const float *in1,
                               const nn_dims *in2_dims, const float *in2,
                               const nn_dims *out_dims, float *out);
nn_kernel_status nn_prelu_f32(const nn_dims *in_dims, const float *input,
                              const nn_dims *alpha_dims, const float *alpha,
                              const nn_dims *out_dims, float *output);

/* RESIZE_BILINEAR, float (reference_ops::ResizeBilinear). */
nn_kernel_status nn_resize_bilinear_f32(const nn_resize_params *p, const nn_dims *in_dims,
                                        const float *input, const nn_dims *out_dims,
                                        float *output);

/* L2_NORMALIZATION, float (reference_ops::L2Normalization, epsilon 1e-6). */
nn_kernel_status nn_l2norm_f32(int32_t rows, int32_t depth, const float *input, float *output);

/* CAST to or from float32 (with int8 or int32): static_cast per element; a float beyond the
 * int32 range saturates to it (where C leaves it undefined), NaN gives 0, and the value then
 * wraps to int8 as C's conversion of an int32 does. Types as NN_T_*. */
nn_kernel_status nn_cast_f32(uint32_t in_type, uint32_t out_type, int32_t size,
                             const void *input, void *output);

/* UNIDIRECTIONAL_SEQUENCE_LSTM, float (TFLM's lstm_eval.h EvalLstm<float>): per time step
 * (per batch when not time major) the forget, input and cell gates (FC of the input plus FC
 * of the hidden state, then sigmoid, or the cell activation), the cell update (optionally
 * clipped), the output gate and the hidden state, copied to the output. w: input-to-input,
 * -forget, -cell, -output weights [state, input], then the recurrent ones [state, state];
 * b: the four gate biases [state]; hidden [batch, state] and cell [batch, state] are read and
 * updated in place (they persist across inferences); scratch holds 4 x batch x state. */
typedef struct {
    int32_t batch, time, input_dim, state_dim, time_major;
    int32_t cell_activation; /* TFLite's ActivationFunctionType: 4 TANH, 6 SIGMOID */
    float cell_clip;         /* 0: none */
} nn_lstm_params;
nn_kernel_status nn_lstm_f32(const nn_lstm_params *p, const float *input,
                             const float *const w[8], const float *const b[4], float *hidden,
                             float *cell, float *output, float *scratch);

/* PAD, float, as nn_pad_s8. */
nn_kernel_status nn_pad_f32(const nn_dims *input_dims, const float *input,
                            const int32_t pad[4][2], float pad_value,
                            const nn_dims *output_dims, float *output);

/* CONCATENATION, float, as nn_concat_s8. */
nn_kernel_status nn_concat_f32(int32_t axis, int32_t count, const nn_dims *const input_dims[],
                               const float *const inputs[], const nn_dims *output_dims,
                               float *output);

/* MEAN, float: the sum over the reduced dims in row-major order of the input, divided by
 * their element count (reference_ops::Mean, both its 4-D and its generic form). */
nn_kernel_status nn_mean_f32(int32_t axis_mask, const nn_dims *input_dims, const float *input,
                             const nn_dims *output_dims, float *output);

/* SUM and REDUCE_MAX, float: as MEAN without the division, and the largest value. */
nn_kernel_status nn_sum_f32(int32_t axis_mask, const nn_dims *input_dims, const float *input,
                            const nn_dims *output_dims, float *output);
nn_kernel_status nn_reduce_max_f32(int32_t axis_mask, const nn_dims *input_dims,
                                   const float *input, const nn_dims *output_dims,
                                   float *output);

#endif /* NN_FLOAT_H */
