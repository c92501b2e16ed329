/*
 * A reader for TensorFlow Lite model files (FlatBuffers, schema.fbs), written from the
 * schema's field numbers. The file is untrusted: every offset, length and vector is
 * bounds-checked before use. The reader decodes the first subgraph into plain C structures;
 * deciding what tinysim can run (ops, types) is the converter's job.
 */
#ifndef TFLITE_H
#define TFLITE_H

#include <stddef.h>
#include <stdint.h>

#define TFL_MAX_DIMS 8

/* TensorType, numbered as schema.fbs. */
enum {
    TFL_FLOAT32 = 0, TFL_FLOAT16 = 1, TFL_INT32 = 2, TFL_UINT8 = 3, TFL_INT64 = 4,
    TFL_STRING = 5, TFL_BOOL = 6, TFL_INT16 = 7, TFL_COMPLEX64 = 8, TFL_INT8 = 9,
    TFL_FLOAT64 = 10, TFL_COMPLEX128 = 11, TFL_UINT64 = 12, TFL_RESOURCE = 13,
    TFL_VARIANT = 14, TFL_UINT32 = 15, TFL_UINT16 = 16, TFL_INT4 = 17
};

/* BuiltinOperator codes used by tinysim, numbered as schema.fbs. */
enum {
    TFL_OP_ADD = 0, TFL_OP_AVERAGE_POOL_2D = 1, TFL_OP_CONCATENATION = 2, TFL_OP_CONV_2D = 3,
    TFL_OP_DEPTHWISE_CONV_2D = 4, TFL_OP_DEQUANTIZE = 6, TFL_OP_FULLY_CONNECTED = 9,
    TFL_OP_LOGISTIC = 14, TFL_OP_MAX_POOL_2D = 17, TFL_OP_MUL = 18, TFL_OP_RELU = 19,
    TFL_OP_RELU6 = 21, TFL_OP_RESHAPE = 22, TFL_OP_SOFTMAX = 25, TFL_OP_PAD = 34,
    TFL_OP_MEAN = 40, TFL_OP_SQUEEZE = 43, TFL_OP_QUANTIZE = 114, TFL_OP_SVDF = 27,
    TFL_OP_CUSTOM = 32, TFL_OP_EMBEDDING_LOOKUP = 7, TFL_OP_LSTM = 16,
    TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM = 44, TFL_OP_BATCH_MATMUL = 126,
    TFL_OP_DEPTH_TO_SPACE = 5, TFL_OP_L2_NORMALIZATION = 11, TFL_OP_RESIZE_BILINEAR = 23,
    TFL_OP_TANH = 28, TFL_OP_GATHER = 36, TFL_OP_BATCH_TO_SPACE_ND = 37,
    TFL_OP_SPACE_TO_BATCH_ND = 38, TFL_OP_TRANSPOSE = 39, TFL_OP_SUB = 41,
    TFL_OP_STRIDED_SLICE = 45, TFL_OP_SPLIT = 49, TFL_OP_CAST = 53, TFL_OP_PRELU = 54,
    TFL_OP_MAXIMUM = 55, TFL_OP_MINIMUM = 57, TFL_OP_PADV2 = 60, TFL_OP_SLICE = 65,
    TFL_OP_TRANSPOSE_CONV = 67, TFL_OP_EXPAND_DIMS = 70, TFL_OP_SUM = 74,
    TFL_OP_REDUCE_MAX = 82, TFL_OP_PACK = 83, TFL_OP_UNPACK = 88,
    TFL_OP_RESIZE_NEAREST_NEIGHBOR = 97, TFL_OP_LEAKY_RELU = 98, TFL_OP_SPLIT_V = 102,
    TFL_OP_HARD_SWISH = 117
};

/* Padding, as schema.fbs. */
enum { TFL_PAD_SAME = 0, TFL_PAD_VALID = 1 };

typedef struct {
    char *name;          /* owned, NUL-terminated, never NULL ("" when absent) */
    int type;            /* TFL_INT8, ... */
    int ndims;           /* 0..TFL_MAX_DIMS */
    int32_t dims[TFL_MAX_DIMS];
    /* Constant data from the tensor's buffer, pointing into the caller's file image;
     * NULL / 0 when the buffer is empty (activations). */
    const uint8_t *data;
    size_t data_size;
    /* Quantization: nquant scales and zero points (1 = per tensor, >1 = per channel along
     * quant_dim); 0 when the tensor is not quantized. Arrays owned. */
    int nquant;
    float *scale;
    int64_t *zero_point;
    int quant_dim;
    int is_variable;
    /* Where the shape vector is in the image (the offset of its length word; 0 when the
     * tensor has none): TFLM points each tensor's dims at it in place, which is how the
     * profiler finds TFLM's tensors in target memory. */
    size_t shape_pos;
} tfl_tensor;

/* Builtin options of the ops tinysim understands (zero-filled otherwise). */
typedef struct {
    int padding;               /* TFL_PAD_SAME / TFL_PAD_VALID */
    int stride_w, stride_h;    /* conv, dwconv, pools */
    int dilation_w, dilation_h;/* conv, dwconv; 1 when absent */
    int depth_multiplier;      /* dwconv */
    int filter_w, filter_h;    /* pools */
    int fused_activation;      /* QP_ACT_* numbering (TFLite ActivationFunctionType) */
    int weights_format;        /* fully connected: 0 = DEFAULT */
    int keep_num_dims;         /* fully connected */
    int axis;                  /* concatenation */
    int keep_dims;             /* mean (ReducerOptions) */
    float beta;                /* softmax, as stored (schema default 0.0) */
    int n_new_shape;           /* reshape: -1 when the option table is absent */
    int32_t new_shape[TFL_MAX_DIMS];
    /* strided slice */
    int begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask, offset;
    int num;                   /* split, split_v: num_splits; pack: values_count; unpack: num
                                  (pack and unpack take axis above) */
    int batch_dims;            /* gather (its axis in axis) */
    int block_size;            /* depth_to_space */
    float alpha;               /* leaky_relu */
    int align_corners, half_pixel_centers; /* resize_bilinear, resize_nearest_neighbor */
    int pot_scale_int16;       /* sub (schema default 1) */
    int in_type, out_type;     /* cast */
    int n_squeeze_dims;        /* squeeze: 0 (and absent) squeezes every dimension of 1 */
    int32_t squeeze_dims[TFL_MAX_DIMS];
    float cell_clip, proj_clip;/* unidirectional_sequence_lstm (with fused_activation) */
    int time_major, asymmetric_quantize_inputs; /* (asymmetric_...: svdf's too) */
    int rank;                  /* svdf (with fused_activation) */
} tfl_options;

typedef struct {
    int opcode_index;          /* index into the model's operator codes */
    int builtin;               /* BuiltinOperator, resolved from the operator code */
    int version;               /* the operator code's version */
    const char *custom_code;   /* for TFL_OP_CUSTOM with a custom_code: NUL-terminated,
                                  pointing into the file image like tensor data; else NULL */
    int ninputs, noutputs;
    int *inputs, *outputs;     /* owned; tensor indices, -1 for an omitted optional input */
    int has_options;           /* 1 when builtin_options was present and decoded */
    tfl_options opt;
} tfl_op;

typedef struct {
    uint32_t version;          /* schema version (3) */
    char *description;         /* owned, "" when absent */
    int nsubgraphs;            /* total in the file; only the first is decoded */
    int ntensors;
    tfl_tensor *tensors;       /* owned */
    int nops;
    tfl_op *ops;               /* owned, in execution order */
    int ninputs, noutputs;
    int *inputs, *outputs;     /* owned; subgraph input / output tensor indices */
    int nopcodes;
    int *opcode_builtin;       /* owned; resolved builtin code of each operator code */
} tfl_model;

/*
 * Decode the FlatBuffer image buf[0..len) into *m. The image must stay alive and unchanged
 * as long as *m is used (tensor data points into it). Returns 0, or -1 with an allocated
 * message in *cause (caller frees) naming the field and byte offset at fault; *m is then
 * left empty and needs no tfl_free (calling it is harmless).
 * Checks: file identifier "TFL3", every offset and vector inside the image, tensor indices
 * in range, dims non-negative, quantization vector lengths consistent, buffer indices in
 * range. Unknown/unused opcodes in the opcode table are accepted.
 */
int tfl_read(const uint8_t *buf, size_t len, tfl_model *m, char **cause);

/* Free everything *m owns and zero it. Accepts a zeroed model. */
void tfl_free(tfl_model *m);

/* The schema name of a builtin operator ("CONV_2D"), or "UNKNOWN" for codes past the table. */
const char *tfl_op_name(int builtin);

/* The schema name of a tensor type ("INT8"), or "UNKNOWN". */
const char *tfl_type_name(int type);

/* ------------------------------------------------------------------ options, writing */

/* BuiltinOptions union members (schema.fbs numbering) of the tables tfl_options holds. */
enum {
    TFL_OPT_NONE = 0, TFL_OPT_CONV2D = 1, TFL_OPT_DWCONV2D = 2, TFL_OPT_POOL2D = 5,
    TFL_OPT_SVDF = 6,
    TFL_OPT_FC = 8, TFL_OPT_SOFTMAX = 9, TFL_OPT_CONCAT = 10, TFL_OPT_ADD = 11,
    TFL_OPT_RESHAPE = 17, TFL_OPT_MUL = 21, TFL_OPT_REDUCER = 27,
    TFL_OPT_L2NORM = 12, TFL_OPT_RESIZE_BILINEAR = 15, TFL_OPT_GATHER = 23, TFL_OPT_SUB = 28,
    TFL_OPT_SQUEEZE = 30, TFL_OPT_STRIDED_SLICE = 32, TFL_OPT_SPLIT = 35, TFL_OPT_CAST = 37,
    TFL_OPT_TRANSPOSE_CONV = 49, TFL_OPT_PACK = 59, TFL_OPT_UNPACK = 64,
    TFL_OPT_UNI_LSTM = 71, TFL_OPT_RESIZE_NN = 74, TFL_OPT_LEAKY_RELU = 75,
    TFL_OPT_SPLIT_V = 79, TFL_OPT_DEPTH_TO_SPACE = 94
};

/* The BuiltinOptions member whose fields tfl_options holds for a builtin op (the pools
 * share Pool2DOptions, MEAN/SUM/REDUCE_* share ReducerOptions), or TFL_OPT_NONE for ops
 * whose options are not decoded. */
int tfl_options_type(int builtin);

/*
 * Serialise *m as a TensorFlow Lite FlatBuffer (schema version 3, identifier "TFL3") that
 * TFLite accepts: one subgraph with m's tensors, inputs, outputs and ops; buffer 0 empty,
 * one buffer per tensor with data (data 16-byte aligned in the file); the operator codes
 * from m->opcode_builtin, each with the version and custom_code of the first op using it
 * (version 1 when unused or <= 0); builtin_options for ops with has_options (per
 * tfl_options_type()), none otherwise. m->version and m->nsubgraphs are not used.
 * m is checked first (indices, dims, quantization, each op's builtin against its opcode).
 * Returns 0 with a malloc'd image in *out (caller frees) of *out_len bytes, or -1 with an
 * allocated message in *cause (*out untouched).
 */
int tfl_write(const tfl_model *m, uint8_t **out, size_t *out_len, char **cause);

#endif /* TFLITE_H */
