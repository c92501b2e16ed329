/*
 * The compiled model (.tsm): its byte layout, the validating loader and the interpreter.
 * A .tsm image runs in place (from flash on a target): nothing is copied or allocated; the
 * caller provides the activation arena, whose size the converter planned offline.
 */
#ifndef NN_MODEL_H
#define NN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "nn_float.h"
#include "nn_kernels.h"

/*
 * ===================================================================== .tsm format, v1
 *
 * Little-endian. The image starts 4-byte aligned (16 recommended, the converter pads
 * constant data to 16 so SIMD kernels may load it aligned). Every offset below is in bytes
 * from the start of the image. Layout, in file order:
 *
 *   header        80 bytes (nn_tsm_header)
 *   tensor table  n_tensors x 48 bytes (nn_tsm_tensor)
 *   layer table   n_layers x 32 bytes (nn_tsm_layer)
 *   data section  data_off .. data_off+data_size: index lists (uint16), op parameters
 *                 (int32 records, 4-aligned), per-channel multipliers and shifts (int32),
 *                 per-channel scales (float32, for display), constant tensors (16-aligned)
 *   strings       strings_off .. +strings_size: NUL-terminated names; offset 0 is ""
 *
 * header (nn_tsm_header):
 *    0 u32 magic          "TSM1" (0x314D5354)
 *    4 u16 version        NN_TSM_VERSION (1)
 *    6 u16 header_size    80
 *    8 u32 total_size     size of the whole image
 *   12 u32 crc32          CRC-32 (IEEE 802.3, as zlib's crc32) of bytes [16, total_size)
 *   16 u32 flags          0
 *   20 u32 n_tensors      <= NN_MAX_TENSORS
 *   24 u32 tensors_off
 *   28 u32 n_layers       <= NN_MAX_LAYERS
 *   32 u32 layers_off
 *   36 u32 data_off       4-aligned
 *   40 u32 data_size
 *   44 u32 strings_off
 *   48 u32 strings_size   >= 1, last byte NUL
 *   52 u32 arena_size     bytes of activation memory the interpreter needs
 *   56 u16 n_inputs       model inputs (1..NN_MAX_IO)
 *   58 u16 n_outputs      model outputs (1..NN_MAX_IO)
 *   60 u32 io_off         n_inputs + n_outputs u16 tensor indices, inside data
 *   64 u32 name           string offset of the model's name
 *   68 u32 reserved[3]    0
 *
 * tensor (nn_tsm_tensor, 48 bytes):
 *    0 u8  type           NN_T_INT8 / NN_T_INT32 / NN_T_FLOAT32 / NN_T_INT16
 *    1 u8  ndims          0..4
 *    2 u8  storage        NN_S_ARENA (offset into the arena) / NN_S_CONST (image offset)
 *    3 u8  flags          0, or NN_TENSOR_VARIABLE: an arena tensor holding state (an
 *                         LSTM's hidden and cell state) that keeps its value from one
 *                         inference to the next; the loader zeroes it, the planner never
 *                         shares its bytes
 *    4 i32 dims[4]        dims[0..ndims), each >= 1; unused entries 0
 *   20 u32 offset         arena offset (ARENA, 4-aligned) or image offset (CONST, in data)
 *   24 u32 size           bytes = product(dims) * element size
 *   28 f32 scale          quantization scale (first channel's when per-channel), 0 if none
 *   32 i32 zero_point
 *   36 u32 name           string offset
 *   40 u32 nquant         number of per-channel scales (0 when per-tensor)
 *   44 u32 quant_off      image offset of nquant float32 scales, inside data (0 if none)
 *
 * layer (nn_tsm_layer, 32 bytes):
 *    0 u16 op             nn_op
 *    2 u8  n_inputs       1..NN_MAX_LAYER_IO
 *    3 u8  n_outputs      1 (SPLIT, SPLIT_V, UNPACK: 1..NN_MAX_LAYER_IO)
 *    4 u32 io_off         n_inputs + n_outputs u16 tensor indices, inside data;
 *                         NN_NO_TENSOR (0xFFFF) marks an omitted optional input (bias)
 *    8 u32 params_off     op parameters, 4-aligned, inside data (see nn_tsm_* records)
 *   12 u32 params_size    exactly the size of the op's parameter record
 *   16 u32 scratch_size   scratch bytes the kernel needs in the arena (0 but for the int8
 *                         TRANSPOSE_CONV: its int32 accumulators, 4 x the output's elements)
 *   20 u32 name           string offset (the output tensor's name in the source model)
 *   24 u32 scratch_off    arena offset of the scratch (4-aligned; 0 without scratch)
 *   28 u32 reserved       0
 *
 * Operand order per op (inputs; every op has one output):
 *   CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV: input, weights (CONST int8), bias
 *     (CONST int32 or NN_NO_TENSOR)
 *   ADD, MUL: input1, input2; CONCATENATION, PACK: inputs...; every other op: input
 *   (the constant operands of a TFLite op, such as TRANSPOSE's perm or SPLIT's axis, are
 *   folded into the parameters and are not operands here)
 *
 * A layer computes in the type of its output tensor (QUANTIZE and DEQUANTIZE, which convert,
 * excepted): int8 layers take the int8 parameter records below; float32 layers (every
 * operand float32, weights and bias too) take the nn_tsm_*_f32 records, and run in the
 * float kernels (core/nn_float.h) when the firmware links them.
 */

#define NN_TSM_MAGIC 0x314D5354u /* "TSM1" */
#define NN_TSM_VERSION 1
#define NN_TSM_HEADER_SIZE 80
#define NN_TSM_TENSOR_SIZE 48
#define NN_TSM_LAYER_SIZE 32
#define NN_NO_TENSOR 0xFFFFu

/* Limits the loader enforces: a hostile header cannot make it loop for long. */
#define NN_MAX_TENSORS 4096
#define NN_MAX_LAYERS 2048
#define NN_MAX_IO 8
#define NN_MAX_LAYER_IO 16
#define NN_MAX_DIM 65536
#define NN_MAX_STRIDE 64

typedef enum {
    NN_T_INT8 = 1,
    NN_T_INT32 = 2,
    NN_T_FLOAT32 = 3,
    NN_T_INT16 = 4 /* an int8 LSTM's cell state, an SVDF's state and time weights, a model's
                      int16 input or output (QUANTIZE), an int16 SOFTMAX output */
} nn_type;

typedef enum {
    NN_S_ARENA = 0,
    NN_S_CONST = 1
} nn_storage;

#define NN_TENSOR_VARIABLE 1u

/* Ops, in the order of the .tsm v1 encoding (never renumber: it is the file format). */
typedef enum {
    NN_OP_CONV_2D = 1,
    NN_OP_DEPTHWISE_CONV_2D = 2,
    NN_OP_FULLY_CONNECTED = 3,
    NN_OP_AVERAGE_POOL_2D = 4,
    NN_OP_MAX_POOL_2D = 5,
    NN_OP_ADD = 6,
    NN_OP_MUL = 7,
    NN_OP_SOFTMAX = 8,
    NN_OP_RESHAPE = 9,
    NN_OP_QUANTIZE = 10,
    NN_OP_DEQUANTIZE = 11,
    NN_OP_LOGISTIC = 12,
    NN_OP_PAD = 13,
    NN_OP_CONCATENATION = 14,
    NN_OP_MEAN = 15,
    /* data movement (any type; one nn_move per output: SPLIT, SPLIT_V and UNPACK have
     * several outputs, every other op one) */
    NN_OP_TRANSPOSE = 16,
    NN_OP_SLICE = 17,
    NN_OP_STRIDED_SLICE = 18,
    NN_OP_SPLIT = 19,
    NN_OP_SPLIT_V = 20,
    NN_OP_UNPACK = 21,
    NN_OP_DEPTH_TO_SPACE = 22,
    NN_OP_BATCH_TO_SPACE_ND = 23,
    NN_OP_PACK = 24,          /* nn_tsm_pack: a concatenation on a new axis */
    NN_OP_EXPAND_DIMS = 25,   /* as RESHAPE */
    /* elementwise: binary (inputs 1 and 2 broadcast to the output) and unary */
    NN_OP_SUB = 26,
    NN_OP_MINIMUM = 27,
    NN_OP_MAXIMUM = 28,
    NN_OP_PRELU = 29,         /* input, alpha */
    NN_OP_RELU = 30,
    NN_OP_RELU6 = 31,
    NN_OP_LEAKY_RELU = 32,
    NN_OP_HARD_SWISH = 33,
    NN_OP_TANH = 34,
    NN_OP_SUM = 35,
    NN_OP_REDUCE_MAX = 36,
    NN_OP_GATHER = 37,        /* input, indices (int32) */
    NN_OP_PADV2 = 38,         /* as PAD, the value from the model */
    NN_OP_RESIZE_NEAREST_NEIGHBOR = 39,
    NN_OP_SPACE_TO_BATCH_ND = 40,
    NN_OP_L2_NORMALIZATION = 41, /* over the last dimension */
    NN_OP_CAST = 42,          /* int8, int32, float32; a float32 side makes it a float layer */
    NN_OP_RESIZE_BILINEAR = 43, /* nn_resize_params, both types */
    NN_OP_TRANSPOSE_CONV = 44, /* input, weights [Cout,KH,KW,Cin], bias; int8 nn_tsm_conv
                                  (dilation and depth multiplier 1), float nn_f32_conv_params */
    NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM = 45, /* input, 8 weights, 4 biases, hidden, cell
                                               (variable tensors); float32: nn_lstm_params */
    NN_OP_SVDF = 46,          /* input, feature weights, time weights (int8 or int16), bias
                                 (int32, required), state (variable, the time weights' type);
                                 int8: nn_svdf_params */
    NN_OP_COUNT_ = 47
} nn_op;

typedef struct {
    uint32_t magic;
    uint16_t version, header_size;
    uint32_t total_size, crc32, flags;
    uint32_t n_tensors, tensors_off, n_layers, layers_off;
    uint32_t data_off, data_size, strings_off, strings_size;
    uint32_t arena_size;
    uint16_t n_inputs, n_outputs;
    uint32_t io_off, name;
    uint32_t reserved[3];
} nn_tsm_header;

typedef struct {
    uint8_t type, ndims, storage, flags;
    int32_t dims[4];
    uint32_t offset, size;
    float scale;
    int32_t zero_point;
    uint32_t name, nquant, quant_off;
} nn_tsm_tensor;

typedef struct {
    uint16_t op;
    uint8_t n_inputs, n_outputs;
    uint32_t io_off, params_off, params_size, scratch_size, name;
    uint32_t scratch_off, reserved;
} nn_tsm_layer;

/* ---- parameter records in the data section (all fields 32-bit, little-endian) ---- */

/* CONV_2D, DEPTHWISE_CONV_2D: mult_off/shift_off: image offsets of C_out int32 each. */
typedef struct {
    nn_conv_params p;
    uint32_t mult_off, shift_off;
} nn_tsm_conv;

/* FULLY_CONNECTED: quant_count multipliers and shifts (1 or out_depth). */
typedef struct {
    nn_fc_params p;
    uint32_t mult_off, shift_off, quant_count;
} nn_tsm_fc;

/* AVERAGE_POOL_2D, MAX_POOL_2D: nn_pool_params. ADD: nn_add_params. MUL: nn_mul_params.
 * SOFTMAX: nn_softmax_params. LOGISTIC: nn_logistic_params. MEAN: nn_mean_params.
 * RESHAPE: nn_tsm_none. */
typedef struct {
    int32_t unused;
} nn_tsm_none;

typedef struct {
    int32_t pad[4][2];
    int32_t pad_value;
} nn_tsm_pad;

typedef struct {
    int32_t axis; /* 0..3 of the 4-D NHWC view of the output */
} nn_tsm_concat;

/* QUANTIZE: float32 -> int8 (kind 0: scale, zero_point), int8 -> int8 (kind 1:
 * input_zero_point, multiplier, shift, zero_point) or between integer types (kind 2, the
 * fields of kind 1: int16 -> int8/int16/int32, int8 -> int16/int32, int32 -> int8/int16,
 * the pairs TFLM's quantize takes). DEQUANTIZE: int8 -> float32 (scale, zero_point). */
typedef struct {
    int32_t kind;
    float scale;
    int32_t zero_point;
    int32_t input_zero_point, multiplier, shift;
} nn_tsm_quant;

/* TRANSPOSE ... BATCH_TO_SPACE_ND: n_outputs x nn_move (core/nn_kernels.h), output k's
 * map into input 0. PACK: inputs of identical shape [outer, inner] stacked as
 * [outer, n_inputs, inner]. */
typedef struct {
    int32_t outer, inner;
} nn_tsm_pack;

/* SUB: nn_add_params. MINIMUM, MAXIMUM: nn_tsm_none. PRELU: nn_prelu_params. RELU:
 * nn_relu_params. RELU6: nn_clamp_params. LEAKY_RELU: nn_leaky_relu_params. HARD_SWISH:
 * nn_hard_swish_params. TANH: nn_logistic_params. float32: SUB nn_f32_act, LEAKY_RELU
 * nn_tsm_leaky_relu_f32, the others nn_tsm_none. */
typedef struct {
    float alpha;
} nn_tsm_leaky_relu_f32;

/* SUM: int8 nn_mean_params (the multiplier without MEAN's division), float nn_tsm_mean_f32.
 * REDUCE_MAX: nn_tsm_mean_f32 for both types. GATHER: nn_gather_params. PADV2: PAD's.
 * SPACE_TO_BATCH_ND: nn_space_to_batch_params. RESIZE_NEAREST_NEIGHBOR: this header, then
 * out_h + out_w int32 indices (params_size 8 + 4 * (out_h + out_w)). */
typedef struct {
    int32_t out_h, out_w;
} nn_tsm_resize_nn;

/* L2_NORMALIZATION: int8 nn_tsm_l2norm, float32 nn_tsm_none. CAST: nn_tsm_none. */
typedef struct {
    int32_t input_zero_point;
} nn_tsm_l2norm;

/* float32 layers: CONV_2D, DEPTHWISE_CONV_2D: nn_f32_conv_params. FULLY_CONNECTED, ADD, MUL:
 * nn_f32_act. AVERAGE_POOL_2D, MAX_POOL_2D: nn_f32_pool_params. LOGISTIC, RESHAPE:
 * nn_tsm_none. CONCATENATION: nn_tsm_concat. The others: */
typedef struct {
    float beta;
} nn_tsm_softmax_f32;

typedef struct {
    int32_t pad[4][2];
    float pad_value;
} nn_tsm_pad_f32;

typedef struct {
    int32_t axis_mask; /* bit d: reduce over dimension d of NHWC */
} nn_tsm_mean_f32;

/* ===================================================================== loader */

typedef enum {
    NN_OK = 0,
    NN_E_ALIGN,      /* image not 4-byte aligned */
    NN_E_TRUNCATED,  /* image shorter than its header or total_size says */
    NN_E_MAGIC,      /* not a .tsm image */
    NN_E_VERSION,    /* format version not supported */
    NN_E_CRC,        /* checksum mismatch: corrupt image */
    NN_E_HEADER,     /* a header field out of range */
    NN_E_TENSOR,     /* a tensor record out of range */
    NN_E_LAYER,      /* a layer record or its operands out of range */
    NN_E_PARAMS,     /* a layer's parameters out of range */
    NN_E_ARENA,      /* arena missing or smaller than the model needs */
    NN_E_KERNEL,     /* a kernel refused its arguments (cannot happen after loading) */
    NN_E_NOFLOAT,    /* a float32 layer, in a firmware linked without the float kernels */
    NN_E_COUNT_
} nn_status;

/*
 * Where validation failed: layer and tensor are -1 when not applicable, field names the
 * record field ("dims[2]", "params.stride_h"), offset is the image offset of that record.
 * Static storage only: usable on a target without allocation.
 */
typedef struct {
    nn_status status;
    int32_t layer;
    int32_t tensor;
    const char *field;
    uint32_t offset;
} nn_error;

/*
 * A loaded model. Contract with the simulator: on a 32-bit target, image is at offset 0,
 * size at 4 and arena at 20 (tinysim reads them from target memory through the probe's model
 * argument to find tensors); keep these fields first and in this order.
 */
typedef struct {
    const uint8_t *image;
    uint32_t size;
    const nn_tsm_header *hdr;
    const nn_tsm_tensor *tensors;
    const nn_tsm_layer *layers;
    uint8_t *arena;       /* NULL when loaded for inspection only */
    uint32_t arena_size;
} nn_model;

#if defined(__arm__) && UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(offsetof(nn_model, image) == 0 && offsetof(nn_model, size) == 4 &&
                   offsetof(nn_model, arena) == 20,
               "tinysim reads nn_model.image/size/arena at offsets 0/4/20");
#endif

/*
 * Validate image[0..size) completely and bind it to arena[0..arena_size). After NN_OK every
 * index, offset, size, shape and parameter the interpreter uses is known to be in range, so
 * nn_invoke cannot read or write out of bounds. arena may be NULL (validation and
 * inspection only; nn_invoke then returns NN_E_ARENA). The image and arena must outlive *m;
 * nothing is allocated, so there is no free. On failure *err (if not NULL) says where.
 */
nn_status nn_model_load(nn_model *m, const void *image, uint32_t size, void *arena,
                        uint32_t arena_size, nn_error *err);

/* A short description of a status ("checksum mismatch: corrupt image"). */
const char *nn_strerror(nn_status s);

/* The name of an op ("CONV_2D"), or "?" for an invalid code. */
const char *nn_op_name(uint32_t op);

/* Size of an op's parameter record in the data section for an int8 (or QUANTIZE,
 * DEQUANTIZE) layer, or with is_float for a float32 layer; 0 for an invalid op. */
uint32_t nn_op_params_size(uint32_t op, int is_float);
/* Bytes per element of an NN_T_* type; 0 for an unknown one. */
uint32_t nn_type_size(uint32_t type);

/* Does layer l compute in float32 (its output is float32 and it is not a DEQUANTIZE)? */
int nn_layer_is_float(const nn_model *m, uint32_t l);

/* A tensor's dims right-aligned into NHWC: [C] -> [1,1,1,C], [B,D] -> [1,1,B,D]. */
nn_dims nn_tensor_dims(const nn_tsm_tensor *t);

/* A tensor's element count (its size over its element size). */
uint32_t nn_tensor_elements(const nn_tsm_tensor *t);

/* ===================================================================== interpreter */

/* Run every layer in order, calling the probes around the inference and each layer. */
nn_status nn_invoke(nn_model *m);

/* Run one layer (with its probes). Layers must run in order for the results to mean anything. */
nn_status nn_run_layer(nn_model *m, uint32_t layer);

/* The float32 layers' kernels (core/nn_float.c), without probes; linked on request (see
 * core/nn_float.h). A firmware without them has this weak reference NULL. */
nn_status nn_run_layer_f32(nn_model *m, uint32_t layer);

/* Accessors for a loaded model. Indices are those of the tables; no bounds checks beyond
 * those stated: callers pass indices < n_tensors / n_layers / n_inputs / n_outputs. */
static inline const nn_tsm_tensor *nn_tensor(const nn_model *m, uint32_t t)
{
    return &m->tensors[t];
}
static inline const nn_tsm_layer *nn_layer(const nn_model *m, uint32_t l)
{
    return &m->layers[l];
}
/* Tensor index of operand i of a layer (inputs first, then outputs); NN_NO_TENSOR if omitted. */
uint32_t nn_layer_operand(const nn_model *m, uint32_t layer, uint32_t i);
/* Tensor index of model input / output i. */
uint32_t nn_model_input(const nn_model *m, uint32_t i);
uint32_t nn_model_output(const nn_model *m, uint32_t i);
/* Data of a tensor: inside the arena or the image; NULL for arena tensors without an arena. */
const void *nn_tensor_data(const nn_model *m, uint32_t t);
/* A string from the strings section ("" for an out-of-range offset). */
const char *nn_string(const nn_model *m, uint32_t off);
/* Multiply-accumulates of a layer (conv, depthwise, fully connected; 0 for other ops). */
uint64_t nn_layer_macs(const nn_model *m, uint32_t layer);

/* ===================================================================== probes */

/*
 * Called by the interpreter around every inference and every layer. They are never inlined,
 * externally visible and distinct, so a simulator can find them in the ELF symbol table and
 * read (model, layer) from r0/r1 when execution enters one. On silicon they cost a call.
 * nn_probe_events counts calls (a debugging aid and what host tests check).
 */
extern volatile uint32_t nn_probe_events;
void nn_probe_inference_begin(const nn_model *m);
void nn_probe_inference_end(const nn_model *m);
void nn_probe_layer_begin(const nn_model *m, uint32_t layer);
void nn_probe_layer_end(const nn_model *m, uint32_t layer);

/* ===================================================================== CRC-32 */

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32(crc, buf, len)); start with crc = 0. */
uint32_t nn_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* NN_MODEL_H */
