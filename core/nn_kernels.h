/*
 * The int8 kernels of the inference core: TensorFlow Lite's quantized semantics, bit-exact
 * with TFLite Micro's reference kernels. Freestanding C11: no allocation, no stdio, integer
 * arithmetic only (QUANTIZE/DEQUANTIZE at a float model boundary are the only float code).
 *
 * Conventions (as CMSIS-NN's arm_nnfunctions.h):
 * - Activation tensors are NHWC, int8, per-tensor quantized (scale, zero point).
 * - Weights are int8, symmetric (zero point 0), per output channel quantized.
 * - Bias is int32 with scale input_scale * weight_scale[c] and zero point 0; NULL means none.
 * - `*_offset` fields hold -zero_point for inputs and +zero_point for outputs, as TFLite does.
 * - Multipliers are Q31 in [2^30, 2^31) (or 0) and shifts TFLite's signed exponents
 *   (positive: left), as computed on the host by models/qparams.c.
 * - act_min/act_max are the int8 clamp range after the fused activation (RELU, RELU6, ...).
 * - The caller (the interpreter, after the loader validated the model) guarantees that the
 *   dimensions are consistent and the buffers large enough; kernels check the cheap
 *   preconditions anyway and return NN_KERNEL_EARG instead of touching memory when one fails.
 * - No kernel needs scratch memory; outputs must not alias inputs unless a kernel says so.
 */
#ifndef NN_KERNELS_H
#define NN_KERNELS_H

#include <stdint.h>

typedef enum {
    NN_KERNEL_OK = 0,
    NN_KERNEL_EARG = 1 /* a precondition on the arguments failed */
} nn_kernel_status;

/* A 4-D shape, NHWC. Lower-rank tensors are right-aligned into it: [1,1,N,C] etc. */
typedef struct {
    int32_t n, h, w, c;
} nn_dims;

/* Per-output-channel requantization (or per-tensor when count == 1). */
typedef struct {
    const int32_t *multiplier; /* [count] */
    const int32_t *shift;      /* [count] */
    int32_t count;             /* number of channels, or 1 for per-tensor */
} nn_quant;

/* ---------------------------------------------------------------- convolutions */

typedef struct {
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    int32_t stride_h, stride_w;     /* >= 1 */
    int32_t dilation_h, dilation_w; /* >= 1 */
    int32_t pad_h, pad_w;  /* padding before the first row/column (top/left), >= 0 */
    int32_t depth_multiplier; /* depthwise only: output channels per input channel, >= 1 */
    int32_t act_min, act_max; /* int8 clamp range, act_min <= act_max */
} nn_conv_params;

/*
 * CONV_2D. input [N, H, W, C_in], filter [C_out, KH, KW, C_in] (filter_dims.n = C_out,
 * .h = KH, .w = KW, .c = C_in), bias [C_out] or NULL, output [N, OH, OW, C_out].
 * quant->count is C_out. TFLite's reference_integer_ops::ConvPerChannel.
 * Grouped convolution as TFLite: filter_dims.c may be C_in / groups (groups dividing both
 * C_in and C_out); output channel oc then reads the channels of group oc / (C_out / groups).
 * EARG also when a shift is outside [-31, 30] or a multiplier negative (TFLite's range).
 */
nn_kernel_status nn_conv2d_s8(const nn_conv_params *p, const nn_quant *quant,
                              const nn_dims *input_dims, const int8_t *input,
                              const nn_dims *filter_dims, const int8_t *filter,
                              const int32_t *bias,
                              const nn_dims *output_dims, int8_t *output);

/*
 * DEPTHWISE_CONV_2D. input [N, H, W, C_in], filter [1, KH, KW, C_out] with
 * C_out = C_in * depth_multiplier, bias [C_out] or NULL, output [N, OH, OW, C_out].
 * TFLite's reference_integer_ops::DepthwiseConvPerChannel. Shifts/multipliers as CONV_2D.
 */
nn_kernel_status nn_dwconv2d_s8(const nn_conv_params *p, const nn_quant *quant,
                                const nn_dims *input_dims, const int8_t *input,
                                const nn_dims *filter_dims, const int8_t *filter,
                                const int32_t *bias,
                                const nn_dims *output_dims, int8_t *output);

/*
 * TRANSPOSE_CONV (reference_integer_ops::TransposeConv): each input pixel scattered through
 * the filter [C_out, KH, KW, C_in] into int32 accumulators (scratch, one per output element),
 * then bias, per-channel requantization and clamp. p's stride and pad are used (dilation and
 * depth multiplier ignored); weights symmetric.
 */
nn_kernel_status nn_transpose_conv_s8(const nn_conv_params *p, const nn_quant *quant,
                                      const nn_dims *input_dims, const int8_t *input,
                                      const nn_dims *filter_dims, const int8_t *filter,
                                      const int32_t *bias, const nn_dims *output_dims,
                                      int8_t *output, int32_t *scratch);

/* ---------------------------------------------------------------- fully connected */

typedef struct {
    int32_t input_offset;   /* -input zero point */
    int32_t weights_offset; /* -weights zero point (0 for symmetric int8 weights) */
    int32_t output_offset;  /* output zero point */
    int32_t act_min, act_max;
} nn_fc_params;

/*
 * FULLY_CONNECTED. input [batches, accum_depth], weights [out_depth, accum_depth],
 * bias [out_depth] or NULL, output [batches, out_depth]. quant->count is 1 (per-tensor)
 * or out_depth (per-channel). TFLite's reference_integer_ops::FullyConnected.
 * Shifts/multipliers as CONV_2D.
 */
nn_kernel_status nn_fc_s8(const nn_fc_params *p, const nn_quant *quant,
                          int32_t batches, int32_t accum_depth, int32_t out_depth,
                          const int8_t *input, const int8_t *weights, const int32_t *bias,
                          int8_t *output);

/* ---------------------------------------------------------------- pooling */

typedef struct {
    int32_t stride_h, stride_w;
    int32_t filter_h, filter_w;
    int32_t pad_h, pad_w; /* top/left padding; padded positions are excluded from the window */
    int32_t act_min, act_max;
} nn_pool_params;

/* AVERAGE_POOL_2D. input [N,H,W,C] -> output [N,OH,OW,C], same quantization in and out.
 * Average rounds half away from zero, as reference_integer_ops::AveragePool. */
nn_kernel_status nn_avgpool_s8(const nn_pool_params *p, const nn_dims *input_dims,
                               const int8_t *input, const nn_dims *output_dims,
                               int8_t *output);

/* MAX_POOL_2D. As nn_avgpool_s8 with the maximum.
 * Both pools return EARG when a window lies wholly in the padding (pad >= filter, or the
 * last window starting past the input), which TFLite's SAME/VALID paddings never produce. */
nn_kernel_status nn_maxpool_s8(const nn_pool_params *p, const nn_dims *input_dims,
                               const int8_t *input, const nn_dims *output_dims,
                               int8_t *output);

/* ---------------------------------------------------------------- elementwise */

typedef struct {
    int32_t left_shift; /* 20 for int8 */
    int32_t input1_offset, input1_multiplier, input1_shift;
    int32_t input2_offset, input2_multiplier, input2_shift;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
} nn_add_params;

/*
 * ADD with 4-D broadcasting: each of in1_dims/in2_dims either equals out_dims in a dimension
 * or is 1 there, and out_dims is the larger of the two in each dimension. TFLite's
 * reference_integer_ops::Add / BroadcastAdd4DSlow (int8). left_shift <= 22, every shift in
 * [-31, 0] (TFLite's multipliers here are below one). out may alias an input whose dims
 * equal out_dims.
 */
nn_kernel_status nn_add_s8(const nn_add_params *p,
                           const nn_dims *in1_dims, const int8_t *in1,
                           const nn_dims *in2_dims, const int8_t *in2,
                           const nn_dims *out_dims, int8_t *out);

typedef struct {
    int32_t input1_offset, input2_offset;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
} nn_mul_params;

/* MUL with 4-D broadcasting as nn_add_s8. TFLite's reference_integer_ops::Mul (int8).
 * output_shift in [-31, 15]. out may alias an input whose dims equal out_dims. */
nn_kernel_status nn_mul_s8(const nn_mul_params *p,
                           const nn_dims *in1_dims, const int8_t *in1,
                           const nn_dims *in2_dims, const int8_t *in2,
                           const nn_dims *out_dims, int8_t *out);

/* ---------------------------------------------------------------- activations */

typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min; /* <= 0 */
} nn_softmax_params;

/*
 * SOFTMAX over the last dimension: `rows` rows of `depth` values. int8 in, int8 out with
 * output scale 1/256 and zero point -128 (TFLite's requirement). TFLite's
 * reference_ops::Softmax for int8 (gemmlowp fixed-point exp, 5 integer bits).
 */
nn_kernel_status nn_softmax_s8(const nn_softmax_params *p, int32_t rows, int32_t depth,
                               const int8_t *input, int8_t *output);
/* The same with int16 output: scale 1/65536, zero point -32768 (TFLite's int8 -> int16
 * softmax, as keyword_scrambled's last layers use it). */
nn_kernel_status nn_softmax_s8_s16(const nn_softmax_params *p, int32_t rows, int32_t depth,
                                   const int8_t *input, int16_t *output);

typedef struct {
    int32_t input_zero_point;
    int32_t input_range_radius;
    int32_t input_multiplier;
    int32_t input_left_shift;
} nn_logistic_params;

/* LOGISTIC, int8 in, int8 out with scale 1/256 and zero point -128.
 * TFLite's reference_integer_ops::Logistic. Output may alias input. */
nn_kernel_status nn_logistic_s8(const nn_logistic_params *p, int32_t size,
                                const int8_t *input, int8_t *output);

/* RELU, int8 (TFLM's ReluQuantized): out = out_zp + (x - in_zp) * multiplier/shift,
 * clamped to [act_min, act_max] (the output zero point and 127). */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier, shift;
    int32_t act_min, act_max;
} nn_relu_params;
nn_kernel_status nn_relu_s8(const nn_relu_params *p, int32_t size, const int8_t *input,
                            int8_t *output);

/* RELU6, int8 (TFLM's Relu6Quantized): the raw values clamped to [lo, hi] (the input's
 * zero point and its quantized 6), no requantization. Output may alias input. */
typedef struct {
    int32_t lo, hi;
} nn_clamp_params;
nn_kernel_status nn_relu6_s8(const nn_clamp_params *p, int32_t size, const int8_t *input,
                             int8_t *output);

/* LEAKY_RELU, int8 (reference_ops::QuantizeLeakyRelu): x - in_zp >= 0 scaled by the
 * identity multiplier, below 0 by alpha's (negative alpha: a negative multiplier). */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t multiplier_identity, shift_identity;
    int32_t multiplier_alpha, shift_alpha;
} nn_leaky_relu_params;
nn_kernel_status nn_leaky_relu_s8(const nn_leaky_relu_params *p, int32_t size,
                                  const int8_t *input, int8_t *output);

/* HARD_SWISH, int8 (reference_ops::HardSwish on HardSwishParams): int16 fixed point. */
typedef struct {
    int32_t input_zero_point, output_zero_point;
    int32_t output_multiplier, output_exponent;   /* int16 multiplier, exponent <= 0 */
    int32_t reluish_multiplier, reluish_exponent; /* int16 multiplier */
} nn_hard_swish_params;
nn_kernel_status nn_hard_swish_s8(const nn_hard_swish_params *p, int32_t size,
                                  const int8_t *input, int8_t *output);

/* TANH, int8 (reference_integer_ops::Tanh: gemmlowp's fixed-point tanh in Q4, the result
 * in 1/128 units); the parameters are LOGISTIC's. Output may alias input. */
nn_kernel_status nn_tanh_s8(const nn_logistic_params *p, int32_t size, const int8_t *input,
                            int8_t *output);

/* SUB, int8, with broadcasting as ADD (TFLM computes its parameters as ADD's). */
nn_kernel_status nn_sub_s8(const nn_add_params *p,
                           const nn_dims *in1_dims, const int8_t *in1,
                           const nn_dims *in2_dims, const int8_t *in2,
                           const nn_dims *out_dims, int8_t *out);

/* MINIMUM / MAXIMUM, int8: of the raw values, with broadcasting (TFLM requantizes nothing). */
nn_kernel_status nn_minmax_s8(int is_max, const nn_dims *in1_dims, const int8_t *in1,
                              const nn_dims *in2_dims, const int8_t *in2,
                              const nn_dims *out_dims, int8_t *out);

/* PRELU, int8 (reference_ops::BroadcastPrelu4DSlow): alpha broadcast to the input. */
typedef struct {
    int32_t input_offset, alpha_offset, output_offset;
    int32_t multiplier_1, shift_1; /* x >= 0: in / out */
    int32_t multiplier_2, shift_2; /* x < 0: in * alpha / out */
} nn_prelu_params;
nn_kernel_status nn_prelu_s8(const nn_prelu_params *p, const nn_dims *in_dims,
                             const int8_t *input, const nn_dims *alpha_dims,
                             const int8_t *alpha, const nn_dims *out_dims, int8_t *output);

/* ---------------------------------------------------------------- data movement */

/* PAD on a 4-D tensor: pad[d][0] before and pad[d][1] after dimension d (N,H,W,C order),
 * all >= 0, filled with pad_value (normally the output zero point). output_dims must be
 * input_dims grown by pad[d][0] + pad[d][1] in each dimension d. */
nn_kernel_status nn_pad_s8(const nn_dims *input_dims, const int8_t *input,
                           const int32_t pad[4][2], int8_t pad_value,
                           const nn_dims *output_dims, int8_t *output);

/*
 * CONCATENATION along axis (0..3 of NHWC) of `count` inputs with identical quantization
 * (the converter refuses others). output_dims must be the concatenated shape.
 */
nn_kernel_status nn_concat_s8(int32_t axis, int32_t count, const nn_dims *const input_dims[],
                              const int8_t *const inputs[],
                              const nn_dims *output_dims, int8_t *output);

typedef struct {
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier; /* requantization from input to output scale with 1/num_elements
                           folded in as TFLM does, so possibly below 2^30; see qp_mean_params */
    int32_t shift;      /* in [-31, 31] */
    int32_t axis_mask;  /* bit d set: reduce over dimension d of NHWC */
} nn_mean_params;

/*
 * MEAN (keep_dims either way: output_dims has 1 in every reduced dimension and equals
 * input_dims elsewhere). int8 in/out, TFLM's int8 mean semantics (its reference kernel uses
 * reference_ops::QuantizedMeanOrSum for every axis combination).
 */
nn_kernel_status nn_mean_s8(const nn_mean_params *p, const nn_dims *input_dims,
                            const int8_t *input, const nn_dims *output_dims, int8_t *output);

/*
 * Data movement by an affine index map (TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V,
 * UNPACK, DEPTH_TO_SPACE, BATCH_TO_SPACE_ND): the output, in row-major order over the
 * iteration space dims[0..ndims), is out[i] = in[offset + sum_k index_k(i) * stride[k]]
 * (strides in elements, any sign). Copies elements of elem_size bytes, so it serves every
 * type; an innermost stride of 1 copies runs. EARG when an index could leave
 * [0, in_elements) (the loader checks this too) or the output would overlap the input.
 */
#define NN_MOVE_DIMS 6
typedef struct {
    int32_t ndims;               /* 1..NN_MOVE_DIMS */
    int32_t dims[NN_MOVE_DIMS];  /* >= 1 each; their product is the output's element count */
    int32_t stride[NN_MOVE_DIMS];
    int32_t offset;
} nn_move;

/* The extent [lo, hi] of the input indices a move reads (int64: no overflow). */
void nn_move_extent(const nn_move *mv, int64_t *lo, int64_t *hi);

nn_kernel_status nn_move_run(const nn_move *mv, uint32_t elem_size, const void *input,
                         uint32_t in_elements, void *output);

/* GATHER (gather.cc): output [batch, outer, coord, inner] from input
 * [batch, outer, axis_size, inner] at indices[batch * coord + j] (int32); an index outside
 * [0, axis_size) is EARG (TFLM leaves it undefined). Any element size. */
typedef struct {
    int32_t batch, outer, coord, axis_size, inner;
} nn_gather_params;
nn_kernel_status nn_gather(const nn_gather_params *p, uint32_t elem_size, const void *input,
                           const int32_t *indices, void *output);

/* RESIZE_NEAREST_NEIGHBOR (reference_ops::ResizeNearestNeighbor): output (b, y, x) copies
 * input (b, index[y], index[out_h + x]); the converter computes the indices as TFLM's
 * GetNearestNeighbor does. index has out_h + out_w entries. Any element size. */
nn_kernel_status nn_resize_nearest(const nn_dims *in_dims, const void *input, int32_t out_h,
                                   int32_t out_w, const int32_t *index, uint32_t elem_size,
                                   void *output);

/* SPACE_TO_BATCH_ND (reference_ops::SpaceToBatchND), 4-D: output batch b reads input batch
 * b % in_batch at (h * block_h + shift_h - pad_top, w * block_w + shift_w - pad_left); a
 * position in the padding is filled with pad_byte (TFLM memsets it: the output zero point). */
typedef struct {
    int32_t block_h, block_w, pad_top, pad_left, pad_byte;
} nn_space_to_batch_params;
nn_kernel_status nn_space_to_batch(const nn_space_to_batch_params *p, const nn_dims *in_dims,
                                   const void *input, const nn_dims *out_dims,
                                   uint32_t elem_size, void *output);

/* REDUCE_MAX, int8 (reduce.cc with MinMaxReducerCompare): the largest raw value over the
 * reduced dims (input and output quantized alike, as TFLM requires). */
nn_kernel_status nn_reduce_max_s8(int32_t axis_mask, const nn_dims *input_dims,
                                  const int8_t *input, const nn_dims *output_dims,
                                  int8_t *output);

/* RESIZE_BILINEAR, int8 (reference_ops::ResizeBilinearInteger: positions in 1/1024 steps,
 * the four-point sum in int64 rounded half away from zero). */
typedef struct {
    int32_t align_corners, half_pixel_centers;
} nn_resize_params;
nn_kernel_status nn_resize_bilinear_s8(const nn_resize_params *p, const nn_dims *in_dims,
                                       const int8_t *input, const nn_dims *out_dims,
                                       int8_t *output);

/* L2_NORMALIZATION, int8 (reference_integer_ops::L2Normalization): each row of depth values
 * divided by its L2 norm (TFLite's fixed-point inverse square root), output in 1/128 units. */
nn_kernel_status nn_l2norm_s8(int32_t input_zero_point, int32_t rows, int32_t depth,
                              const int8_t *input, int8_t *output);

/* CAST between int8 and int32 (cast.cc: static_cast per element; to int8 modulo 2^8).
 * Types as NN_T_*; casts to or from float32 are nn_cast_f32 (core/nn_float.h). */
nn_kernel_status nn_cast(uint32_t in_type, uint32_t out_type, int32_t size, const void *input,
                         void *output);

/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations and weights, int16 cell state (TFLM's
 * EvalLstm<int8_t, int8_t, int16_t, int32_t>): the gates as int8 FCs into int16 at 2^-12,
 * saturating adds, the int16 sigmoid and tanh of TFLite's 256-entry table (interpolated),
 * int16 products requantized, the cell clipped. The parameters are computed on the host as
 * TFLM's PrepareGateParametersInteger does (models/convert.c); the table too.
 */
typedef struct {
    int32_t input_offset, weights_offset, multiplier, shift; /* an int8 FC into int16 */
} nn_lstm_fc;
typedef struct {
    int32_t multiplier, shift; /* an int16 x int16 product into int16 (or int8) */
} nn_lstm_mul;
typedef struct {
    int32_t batch, time, input_dim, state_dim, time_major; /* as nn_lstm_params's */
    int32_t cell_activation;        /* the cell gate's: 4 TANH, 6 SIGMOID */
    nn_lstm_fc gate[4][2];          /* input, forget, cell, output: [0] input, [1] recurrent */
    nn_lstm_mul forget_cell, input_cell, output_hidden;
    int32_t hidden_zero_point;      /* the output product's offset, int8 */
    int32_t cell_scale_power;       /* log2 of the cell state's scale */
    int32_t cell_clip;              /* quantized clip, 0: none */
    uint16_t sigmoid_table[256];    /* sigmoid(i / 24) in 0.16 */
} nn_lstm_s8_params;

/* w: the eight weights as nn_lstm_f32's; b: the four int32 gate biases; hidden int8 and cell
 * int16 [batch, state] updated in place; scratch holds 4 x batch x state int16. */
nn_kernel_status nn_lstm_s8(const nn_lstm_s8_params *p, const int8_t *input,
                            const int8_t *const w[8], const int32_t *const b[4], int8_t *hidden,
                            int16_t *cell, int8_t *output, int16_t *scratch);

/*
 * SVDF, int8 input, feature weights and output; the time weights and the activation state
 * both int8 or both int16 (TFLM's EvalIntegerSvdfReference). Shapes: input [batch,
 * input_dim], feature weights [filters, input_dim], time weights [filters, memory], bias
 * [filters / rank] int32 (may be NULL: zeros), state [batch, filters * memory] updated in
 * place, output [batch, filters / rank]. scratch holds batch x (filters + filters / rank)
 * int32. Multipliers as TFLM's PrepareSvdf computes them: 1 from input x feature weights
 * into the state, 2 from state x time weights into the output.
 */
typedef struct {
    int32_t batch, input_dim, filters, rank, memory;
    int32_t input_zero_point, state_zero_point, output_zero_point;
    int32_t multiplier_1, shift_1, multiplier_2, shift_2;
    int32_t state_int16; /* 1: time weights and state int16; 0: int8 */
} nn_svdf_params;

nn_kernel_status nn_svdf_s8(const nn_svdf_params *p, const int8_t *input,
                            const int8_t *weights_feature, const void *weights_time,
                            const int32_t *bias, void *state, int32_t *scratch, int8_t *output);

/* ---------------------------------------------------------------- float boundary */

/* QUANTIZE float32 -> int8: round(x / scale) + zero_point (ties away from zero, in float),
 * clamped; +-inf saturate, NaN gives zero_point. scale > 0 and finite. */
nn_kernel_status nn_quantize_f32_s8(int32_t size, const float *input, float scale,
                                    int32_t zero_point, int8_t *output);

/* QUANTIZE int8 -> int8 (requantize): (x - in_zp) * multiplier/shift + out_zp, clamped.
 * shift in [-31, 22]. Output may alias input. */
nn_kernel_status nn_requantize_s8(int32_t size, const int8_t *input, int32_t input_zero_point,
                                  int32_t multiplier, int32_t shift, int32_t output_zero_point,
                                  int8_t *output);

/* QUANTIZE between integer types (TFLM's Requantize): in_size and out_size are the element
 * sizes, 1 (int8), 2 (int16) or 4 (int32); zero points must fit their types; shift in
 * [-31, 30]. The value minus its zero point is rescaled in int32 arithmetic as TFLM's
 * MultiplyByQuantizedMultiplier (wrapping where it would), offset and saturated. */
nn_kernel_status nn_requantize_int(int32_t size, const void *input, int32_t in_size,
                                   int32_t input_zero_point, int32_t multiplier, int32_t shift,
                                   int32_t output_zero_point, void *output, int32_t out_size);

/* DEQUANTIZE int8 -> float32: (x - zero_point) * scale. */
nn_kernel_status nn_dequantize_s8_f32(int32_t size, const int8_t *input, float scale,
                                      int32_t zero_point, float *output);

#endif /* NN_KERNELS_H */
