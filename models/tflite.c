/*
 * TensorFlow Lite model reader: bounds-checked FlatBuffers access for untrusted files, the
 * decoding of the first subgraph into a tfl_model, and the operator and type name tables.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflite.h"
#include "util.h"

/*
 * Field ids, from schema.fbs: a table's fields are numbered in declaration order, and a
 * union field takes two ids (its type, then its value). Only the fields tinysim reads.
 */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3,
       MODEL_BUFFERS = 4 };
enum { OPCODE_DEPRECATED = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3 };
enum { TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANT = 4,
       TENSOR_IS_VARIABLE = 5 };
enum { QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DIM = 6 };
enum { BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2 };
enum { OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4 };

/* ================================================================ name tables */

static const char *const op_names[] = {
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
    "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP",
    "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC",
    "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE",
    "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",
    "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND",
    "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX",
    "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM",
    "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN",
    "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG",
    "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD",
    "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK",
    "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD",
    "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD",
    "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE",
    "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND",
    "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5",
    "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
    "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D",
    "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
    "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE",
    "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE",
    "RANDOM_UNIFORM", "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1",
    "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM", "ATAN2",
    "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT",
    "STABLEHLO_LOGISTIC", "STABLEHLO_ADD", "STABLEHLO_DIVIDE", "STABLEHLO_MULTIPLY",
    "STABLEHLO_MAXIMUM", "STABLEHLO_RESHAPE", "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE",
    "STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE",
    "STABLEHLO_CUSTOM_CALL", "STABLEHLO_REDUCE", "STABLEHLO_ABS", "STABLEHLO_AND",
    "STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR", "STABLEHLO_LOG",
    "STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER",
    "STABLEHLO_REMAINDER", "STABLEHLO_RSQRT", "STABLEHLO_SELECT", "STABLEHLO_SUBTRACT",
    "STABLEHLO_TANH", "STABLEHLO_SCATTER", "STABLEHLO_COMPARE", "STABLEHLO_CONVERT",
    "STABLEHLO_DYNAMIC_SLICE", "STABLEHLO_DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD",
    "STABLEHLO_IOTA", "STABLEHLO_DOT_GENERAL", "STABLEHLO_REDUCE_WINDOW", "STABLEHLO_SORT",
    "STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE", "DILATE",
    "STABLEHLO_RNG_BIT_GENERATOR", "REDUCE_WINDOW", "STABLEHLO_COMPOSITE",
    "STABLEHLO_SHIFT_LEFT", "STABLEHLO_CBRT", "STABLEHLO_CASE",
};

static const char *const type_names[] = {
    "FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64",
    "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16",
    "INT4", "BFLOAT16", "INT2", "UINT4", "FLOAT8_E4M3FN", "FLOAT8_E5M2",
};

const char *tfl_op_name(int builtin)
{
    if (builtin < 0 || (size_t)builtin >= sizeof op_names / sizeof op_names[0])
        return "UNKNOWN";
    return op_names[builtin];
}

const char *tfl_type_name(int type)
{
    if (type < 0 || (size_t)type >= sizeof type_names / sizeof type_names[0])
        return "UNKNOWN";
    return type_names[type];
}

/*
 * The BuiltinOptions union member that carries the options tfl_options holds for an op.
 * Ops sharing a table (the pools, the reducers) map to the same member.
 */
int tfl_options_type(int builtin)
{
    switch (builtin) {
    case TFL_OP_CONV_2D: return TFL_OPT_CONV2D;
    case TFL_OP_DEPTHWISE_CONV_2D: return TFL_OPT_DWCONV2D;
    case TFL_OP_AVERAGE_POOL_2D:
    case TFL_OP_MAX_POOL_2D:
    case 12: /* L2_POOL_2D */
        return TFL_OPT_POOL2D;
    case TFL_OP_FULLY_CONNECTED: return TFL_OPT_FC;
    case TFL_OP_SOFTMAX: return TFL_OPT_SOFTMAX;
    case TFL_OP_CONCATENATION: return TFL_OPT_CONCAT;
    case TFL_OP_ADD: return TFL_OPT_ADD;
    case TFL_OP_RESHAPE: return TFL_OPT_RESHAPE;
    case TFL_OP_MUL: return TFL_OPT_MUL;
    case TFL_OP_L2_NORMALIZATION: return TFL_OPT_L2NORM;
    case TFL_OP_RESIZE_BILINEAR: return TFL_OPT_RESIZE_BILINEAR;
    case TFL_OP_GATHER: return TFL_OPT_GATHER;
    case TFL_OP_SUB: return TFL_OPT_SUB;
    case TFL_OP_SQUEEZE: return TFL_OPT_SQUEEZE;
    case TFL_OP_STRIDED_SLICE: return TFL_OPT_STRIDED_SLICE;
    case TFL_OP_SPLIT: return TFL_OPT_SPLIT;
    case TFL_OP_CAST: return TFL_OPT_CAST;
    case TFL_OP_TRANSPOSE_CONV: return TFL_OPT_TRANSPOSE_CONV;
    case TFL_OP_PACK: return TFL_OPT_PACK;
    case TFL_OP_UNPACK: return TFL_OPT_UNPACK;
    case TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return TFL_OPT_UNI_LSTM;
    case TFL_OP_SVDF: return TFL_OPT_SVDF;
    case TFL_OP_RESIZE_NEAREST_NEIGHBOR: return TFL_OPT_RESIZE_NN;
    case TFL_OP_LEAKY_RELU: return TFL_OPT_LEAKY_RELU;
    case TFL_OP_SPLIT_V: return TFL_OPT_SPLIT_V;
    case TFL_OP_DEPTH_TO_SPACE: return TFL_OPT_DEPTH_TO_SPACE;
    case TFL_OP_MEAN:
    case 74:  /* SUM */
    case 81:  /* REDUCE_PROD */
    case 82:  /* REDUCE_MAX */
    case 89:  /* REDUCE_MIN */
    case 91:  /* REDUCE_ANY */
    case 140: /* REDUCE_ALL */
        return TFL_OPT_REDUCER;
    default: return TFL_OPT_NONE;
    }
}

/* Schema name of a BuiltinOptions union member tfl_options_type() can return. */
static const char *options_name(int type)
{
    switch (type) {
    case TFL_OPT_CONV2D: return "Conv2DOptions";
    case TFL_OPT_DWCONV2D: return "DepthwiseConv2DOptions";
    case TFL_OPT_POOL2D: return "Pool2DOptions";
    case TFL_OPT_FC: return "FullyConnectedOptions";
    case TFL_OPT_SOFTMAX: return "SoftmaxOptions";
    case TFL_OPT_CONCAT: return "ConcatenationOptions";
    case TFL_OPT_ADD: return "AddOptions";
    case TFL_OPT_RESHAPE: return "ReshapeOptions";
    case TFL_OPT_MUL: return "MulOptions";
    case TFL_OPT_REDUCER: return "ReducerOptions";
    case TFL_OPT_L2NORM: return "L2NormOptions";
    case TFL_OPT_RESIZE_BILINEAR: return "ResizeBilinearOptions";
    case TFL_OPT_GATHER: return "GatherOptions";
    case TFL_OPT_SUB: return "SubOptions";
    case TFL_OPT_SQUEEZE: return "SqueezeOptions";
    case TFL_OPT_STRIDED_SLICE: return "StridedSliceOptions";
    case TFL_OPT_SPLIT: return "SplitOptions";
    case TFL_OPT_CAST: return "CastOptions";
    case TFL_OPT_TRANSPOSE_CONV: return "TransposeConvOptions";
    case TFL_OPT_PACK: return "PackOptions";
    case TFL_OPT_UNPACK: return "UnpackOptions";
    case TFL_OPT_UNI_LSTM: return "UnidirectionalSequenceLSTMOptions";
    case TFL_OPT_SVDF: return "SVDFOptions";
    case TFL_OPT_RESIZE_NN: return "ResizeNearestNeighborOptions";
    case TFL_OPT_LEAKY_RELU: return "LeakyReluOptions";
    case TFL_OPT_SPLIT_V: return "SplitVOptions";
    case TFL_OPT_DEPTH_TO_SPACE: return "DepthToSpaceOptions";
    default: return "?";
    }
}

/* ================================================================ checked FlatBuffers access */

/*
 * Reading state. `where` names the object being decoded ("tensor 12 (conv/weights)") and
 * prefixes every message. `budget` is how many more bytes the decoder may copy out of the
 * file: every copied vector or string is charged the bytes it spans in the file, so a file
 * whose tables share one vector many times over cannot make the decoder allocate more than
 * a small multiple of its size.
 */
typedef struct {
    const uint8_t *buf;
    size_t len;
    char **cause;
    size_t budget;
    char where[160];
} rd_ctx;

/* A table: its position, its vtable's position, and the two sizes the vtable declares. */
typedef struct {
    size_t pos, vt;
    unsigned vtsize, tsize;
} fb_table;

/* A vector: the position of its length word, its element count and first element. */
typedef struct {
    size_t pos, n, start;
} fb_vec;

static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t ld64(const uint8_t *p)
{
    return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

/* Two's-complement reinterpretations, without implementation-defined conversions. */
static int32_t as_i32(uint32_t u)
{
    return u <= INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) + INT32_MIN;
}

static int64_t as_i64(uint64_t u)
{
    return u <= INT64_MAX ? (int64_t)u : (int64_t)(u - 0x8000000000000000u) + INT64_MIN;
}

static int as_i8(uint8_t u)
{
    return u < 128 ? u : (int)u - 256;
}

static float as_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Record the first error as "<where>: <message>" in *r->cause. Always returns -1. */
static int rd_err(rd_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rd_err(rd_ctx *r, const char *fmt, ...)
{
    if (*r->cause != NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *msg = mu_vasprintf(fmt, ap);
    va_end(ap);
    *r->cause = r->where[0] != '\0' ? mu_asprintf("%s: %s", r->where, msg) : msg;
    if (*r->cause != msg)
        free(msg);
    return -1;
}

static void rd_where(rd_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rd_where(rd_ctx *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->where, sizeof r->where, fmt, ap);
    va_end(ap);
}

/* A file-supplied name made safe to print: printable ASCII only, cut to fit dst ("..."). */
static void printable(char *dst, size_t cap, const char *s)
{
    size_t n = 0, i;
    for (i = 0; s[i] != '\0' && n + 4 < cap; i++)
        dst[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (s[i] != '\0' && n >= 3)
        memcpy(dst + n - 3, "...", 3);
    dst[n] = '\0';
}

static int rd_charge(rd_ctx *r, size_t bytes)
{
    if (bytes > r->budget)
        return rd_err(r, "decoded data exceeds twice the file size (size %zu): vectors or "
                      "strings are shared between tables", r->len);
    r->budget -= bytes;
    return 0;
}

static void *rd_calloc(rd_ctx *r, size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size);
    if (p == NULL)
        rd_err(r, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

/*
 * Open the table at pos: check that its soffset lies in the file, that the vtable it points
 * to (which may sit before or after the table) lies in the file with an even size of at
 * least 4, and that the table size the vtable declares fits in the file.
 */
static int tab_open(rd_ctx *r, size_t pos, const char *what, fb_table *t)
{
    if (pos > r->len || r->len - pos < 4)
        return rd_err(r, "%s table at byte 0x%zx extends past end of file (size %zu)", what,
                      pos, r->len);
    int32_t so = as_i32(ld32(r->buf + pos));
    size_t vt;
    if (so >= 0) {
        if ((uint32_t)so > pos)
            return rd_err(r, "%s table at byte 0x%zx: vtable offset %d points before the "
                          "start of the file", what, pos, (int)so);
        vt = pos - (uint32_t)so;
    } else {
        uint32_t back = (uint32_t)-(int64_t)so;
        if (back > r->len - pos)
            return rd_err(r, "%s table at byte 0x%zx: vtable offset %d points past end of "
                          "file (size %zu)", what, pos, (int)so, r->len);
        vt = pos + back;
    }
    if (r->len - vt < 4)
        return rd_err(r, "%s table at byte 0x%zx: vtable at byte 0x%zx extends past end of "
                      "file (size %zu)", what, pos, vt, r->len);
    t->pos = pos;
    t->vt = vt;
    t->vtsize = ld16(r->buf + vt);
    t->tsize = ld16(r->buf + vt + 2);
    if (t->vtsize < 4 || (t->vtsize & 1) != 0 || t->vtsize > r->len - vt)
        return rd_err(r, "%s table at byte 0x%zx: vtable at byte 0x%zx has invalid size %u "
                      "(file size %zu)", what, pos, vt, t->vtsize, r->len);
    if (t->tsize < 4 || t->tsize > r->len - pos)
        return rd_err(r, "%s table at byte 0x%zx: table size %u is invalid or extends past "
                      "end of file (size %zu)", what, pos, t->tsize, r->len);
    return 0;
}

/*
 * Find field id of a table, `width` bytes wide. Returns 1 with its absolute position in
 * *fpos, 0 when the field is absent (past the vtable's end or offset 0), -1 when the
 * vtable places it outside the table.
 */
static int tab_field(rd_ctx *r, const fb_table *t, unsigned id, unsigned width,
                     const char *what, size_t *fpos)
{
    size_t slot = 4 + 2 * (size_t)id;
    *fpos = 0;
    if (slot + 2 > t->vtsize)
        return 0;
    unsigned fo = ld16(r->buf + t->vt + slot);
    if (fo == 0)
        return 0;
    if (fo + width > t->tsize)
        return rd_err(r, "field %s at offset %u of the table at byte 0x%zx lies outside the "
                      "table (size %u)", what, fo, t->pos, t->tsize);
    *fpos = t->pos + fo;
    return 1;
}

/* Scalar fields: the stored bits, or def when absent. 0 or -1. */
static int tab_scalar(rd_ctx *r, const fb_table *t, unsigned id, unsigned width,
                      const char *what, uint64_t def, uint64_t *out)
{
    size_t f = 0;
    int rc = tab_field(r, t, id, width, what, &f);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        *out = def;
        return 0;
    }
    switch (width) {
    case 1: *out = r->buf[f]; break;
    case 4: *out = ld32(r->buf + f); break;
    default: *out = ld64(r->buf + f); break;
    }
    return 0;
}

static int tab_i32(rd_ctx *r, const fb_table *t, unsigned id, int32_t def, const char *what,
                   int32_t *out)
{
    uint64_t v;
    if (tab_scalar(r, t, id, 4, what, (uint32_t)def, &v) < 0)
        return -1;
    *out = as_i32((uint32_t)v);
    return 0;
}

static int tab_u32(rd_ctx *r, const fb_table *t, unsigned id, uint32_t def, const char *what,
                   uint32_t *out)
{
    uint64_t v;
    if (tab_scalar(r, t, id, 4, what, def, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* A byte field (enum : byte, or bool when is_bool) as an int. */
static int tab_i8(rd_ctx *r, const fb_table *t, unsigned id, int def, int is_bool,
                  const char *what, int *out)
{
    uint64_t v;
    if (tab_scalar(r, t, id, 1, what, (uint8_t)def, &v) < 0)
        return -1;
    *out = is_bool ? v != 0 : as_i8((uint8_t)v);
    return 0;
}

/*
 * Follow an offset field (table, vector or string). Returns 1 with the target in *target,
 * 0 when absent, -1 when the offset is 0 or points past the end of the file.
 */
static int tab_ref(rd_ctx *r, const fb_table *t, unsigned id, const char *what, size_t *target)
{
    size_t f = 0;
    int rc = tab_field(r, t, id, 4, what, &f);
    if (rc <= 0)
        return rc;
    uint32_t u = ld32(r->buf + f);
    if (u == 0 || u >= r->len - f)
        return rd_err(r, "%s offset %u at byte 0x%zx points past end of file (size %zu)",
                      what, u, f, r->len);
    *target = f + u;
    return 1;
}

/* Open the vector at pos whose elements are elem bytes wide; checks it fits in the file. */
static int vec_open(rd_ctx *r, size_t pos, size_t elem, const char *what, fb_vec *v)
{
    if (pos > r->len || r->len - pos < 4)
        return rd_err(r, "%s vector at byte 0x%zx extends past end of file (size %zu)", what,
                      pos, r->len);
    v->pos = pos;
    v->n = ld32(r->buf + pos);
    v->start = pos + 4;
    if (v->n > (r->len - v->start) / elem)
        return rd_err(r, "%s vector at byte 0x%zx (%zu elements) extends past end of file "
                      "(size %zu)", what, pos, v->n, r->len);
    if (v->n > INT_MAX)
        return rd_err(r, "%s vector at byte 0x%zx has too many elements (%zu)", what, pos,
                      v->n);
    return 0;
}

/* An optional vector field: 1 when present (opened), 0 when absent (v->n = 0), -1. */
static int tab_vec(rd_ctx *r, const fb_table *t, unsigned id, size_t elem, const char *what,
                   fb_vec *v)
{
    size_t pos = 0;
    memset(v, 0, sizeof *v);
    int rc = tab_ref(r, t, id, what, &pos);
    if (rc <= 0)
        return rc;
    return vec_open(r, pos, elem, what, v) < 0 ? -1 : 1;
}

/* Open element i of a vector of tables (each element an offset relative to itself). */
static int vec_table(rd_ctx *r, const fb_vec *v, size_t i, const char *what, fb_table *t)
{
    size_t e = v->start + 4 * i;
    uint32_t u = ld32(r->buf + e);
    if (u == 0 || u >= r->len - e)
        return rd_err(r, "%s offset %u at byte 0x%zx points past end of file (size %zu)",
                      what, u, e, r->len);
    return tab_open(r, e + u, what, t);
}

/*
 * A string field: its bytes at *s (pointing into the file) and length at *n. Checks that
 * the NUL terminator FlatBuffers stores after the bytes is inside the file and is a NUL.
 * Returns 1, 0 when absent (*s = "" , *n = 0), or -1.
 */
static int tab_str_ref(rd_ctx *r, const fb_table *t, unsigned id, const char *what,
                       const char **s, size_t *n)
{
    fb_vec v;
    *s = "";
    *n = 0;
    int rc = tab_vec(r, t, id, 1, what, &v);
    if (rc <= 0)
        return rc;
    if (v.n >= r->len - v.start || r->buf[v.start + v.n] != '\0')
        return rd_err(r, "%s string at byte 0x%zx (%zu bytes) is not NUL-terminated inside "
                      "the file (size %zu)", what, v.pos, v.n, r->len);
    *s = (const char *)(r->buf + v.start);
    *n = v.n;
    return 1;
}

/* A string field copied into a new allocation ("" when absent). 0 or -1. */
static int tab_str(rd_ctx *r, const fb_table *t, unsigned id, const char *what, char **out)
{
    const char *s;
    size_t n;
    if (tab_str_ref(r, t, id, what, &s, &n) < 0 || rd_charge(r, n + 1) < 0)
        return -1;
    *out = malloc(n + 1);
    if (*out == NULL)
        return rd_err(r, "out of memory (%zu bytes for %s)", n + 1, what);
    memcpy(*out, s, n);
    (*out)[n] = '\0';
    return 0;
}

/*
 * A vector of int32 tensor indices, copied into *out (NULL when empty). Each index must be
 * in [0, ntensors), or -1 when allow_omitted (an optional op input left out).
 */
static int rd_indices(rd_ctx *r, const fb_table *t, unsigned id, const char *what,
                      int ntensors, int allow_omitted, int **out, int *count)
{
    fb_vec v;
    *out = NULL;
    *count = 0;
    int rc = tab_vec(r, t, id, 4, what, &v);
    if (rc <= 0)
        return rc;
    if (v.n == 0)
        return 0;
    if (rd_charge(r, 4 * v.n) < 0 || (*out = rd_calloc(r, v.n, sizeof **out)) == NULL)
        return -1;
    *count = (int)v.n;
    for (size_t i = 0; i < v.n; i++) {
        int32_t x = as_i32(ld32(r->buf + v.start + 4 * i));
        if ((x < 0 && !(allow_omitted && x == -1)) || x >= ntensors)
            return rd_err(r, "%s %zu is tensor %d, out of range (subgraph has %d tensors)",
                          what, i, (int)x, ntensors);
        (*out)[i] = x;
    }
    return 0;
}

/* ================================================================ model decoding */

/* A decoded Buffer: where its bytes are in the file image (NULL / 0 when empty). */
typedef struct {
    const uint8_t *data;
    size_t size;
} rd_buf;

/*
 * Every entry of the model's buffers vector, checked whether a tensor uses it or not (as the
 * FlatBuffers verifier would): either a data vector, or (for models past 2 GiB) an offset /
 * size pair locating the bytes after the FlatBuffer, the offset counted from the start of
 * the file and meaningful only when > 1, as the schema says.
 */
static int rd_buffers(rd_ctx *r, const fb_table *model, rd_buf **out, size_t *count)
{
    fb_vec v;
    *out = NULL;
    *count = 0;
    rd_where(r, "model");
    if (tab_vec(r, model, MODEL_BUFFERS, 4, "buffers", &v) < 0 || rd_charge(r, 4 * v.n) < 0 ||
        (*out = rd_calloc(r, v.n, sizeof **out)) == NULL)
        return -1;
    *count = v.n;
    for (size_t i = 0; i < v.n; i++) {
        fb_table b;
        fb_vec data;
        uint64_t off, size;
        rd_where(r, "buffer %zu", i);
        if (vec_table(r, &v, i, "buffer", &b) < 0 ||
            tab_vec(r, &b, BUFFER_DATA, 1, "data", &data) < 0 ||
            tab_scalar(r, &b, BUFFER_OFFSET, 8, "offset", 0, &off) < 0 ||
            tab_scalar(r, &b, BUFFER_SIZE, 8, "size", 0, &size) < 0)
            return -1;
        if (data.n > 0) {
            (*out)[i].data = r->buf + data.start;
            (*out)[i].size = data.n;
        } else if (off > 1 && size > 0) {
            if (off > r->len || size > r->len - off)
                return rd_err(r, "external data at offset %llu (%llu bytes) extends past end "
                              "of file (size %zu)", (unsigned long long)off,
                              (unsigned long long)size, r->len);
            (*out)[i].data = r->buf + off;
            (*out)[i].size = (size_t)size;
        }
    }
    return 0;
}

/*
 * QuantizationParameters: scale[] and zero_point[] must have the same length; a tensor with
 * no (or an empty) scale vector is not quantized. quantized_dimension is recorded as it is,
 * even when it is not a dimension of the tensor or its size is not the number of scales:
 * TFLM never reads it (its conv, depthwise and fully connected Prepare check the number of
 * filter scales against a fixed dimension of the filter, and ignore the bias's quantization
 * altogether), and real models (TFLM's own examples among them) carry biases whose
 * quantized_dimension is the filter's. The converter checks what the kernels use.
 */
static int rd_quant(rd_ctx *r, size_t pos, tfl_tensor *t)
{
    fb_table q;
    fb_vec sv, zv;
    int32_t qd;
    if (tab_open(r, pos, "quantization", &q) < 0 ||
        tab_vec(r, &q, QUANT_SCALE, 4, "quantization scale", &sv) < 0 ||
        tab_vec(r, &q, QUANT_ZERO_POINT, 8, "quantization zero_point", &zv) < 0 ||
        tab_i32(r, &q, QUANT_DIM, 0, "quantized_dimension", &qd) < 0)
        return -1;
    if (sv.n == 0)
        return 0;
    if (zv.n != sv.n)
        return rd_err(r, "quantization has %zu scales but %zu zero points", sv.n, zv.n);
    if (rd_charge(r, 4 * sv.n) < 0 || rd_charge(r, 8 * zv.n) < 0 ||
        (t->scale = rd_calloc(r, sv.n, sizeof *t->scale)) == NULL ||
        (t->zero_point = rd_calloc(r, sv.n, sizeof *t->zero_point)) == NULL)
        return -1;
    for (size_t i = 0; i < sv.n; i++) {
        t->scale[i] = as_f32(ld32(r->buf + sv.start + 4 * i));
        t->zero_point[i] = as_i64(ld64(r->buf + zv.start + 8 * i));
    }
    t->nquant = (int)sv.n;
    t->quant_dim = qd;
    return 0;
}

/* Tensor i of the subgraph: name, shape, type, quantization and constant data. */
static int rd_tensor(rd_ctx *r, const fb_vec *tensors, const rd_buf *bufs, size_t nbufs,
                     int i, tfl_tensor *t)
{
    fb_table tt;
    fb_vec shape;
    size_t qpos = 0;
    uint32_t bufidx;
    char name[52];
    rd_where(r, "tensor %d", i);
    if (vec_table(r, tensors, (size_t)i, "tensor", &tt) < 0 ||
        tab_str(r, &tt, TENSOR_NAME, "name", &t->name) < 0)
        return -1;
    printable(name, sizeof name, t->name);
    rd_where(r, "tensor %d (%s)", i, name);
    if (tab_vec(r, &tt, TENSOR_SHAPE, 4, "shape", &shape) < 0)
        return -1;
    if (shape.n > TFL_MAX_DIMS)
        return rd_err(r, "shape has %zu dimensions, more than %d", shape.n, TFL_MAX_DIMS);
    t->ndims = (int)shape.n;
    t->shape_pos = shape.n ? shape.pos : 0;
    for (int d = 0; d < t->ndims; d++) {
        t->dims[d] = as_i32(ld32(r->buf + shape.start + 4 * (size_t)d));
        if (t->dims[d] < 0)
            return rd_err(r, "dimension %d is negative (%d)", d, (int)t->dims[d]);
    }
    if (tab_i8(r, &tt, TENSOR_TYPE, 0, 0, "type", &t->type) < 0 ||
        tab_u32(r, &tt, TENSOR_BUFFER, 0, "buffer", &bufidx) < 0 ||
        tab_i8(r, &tt, TENSOR_IS_VARIABLE, 0, 1, "is_variable", &t->is_variable) < 0)
        return -1;
    /* Index 0 is the conventional empty buffer; allowed even when there is no buffer. */
    if (bufidx >= nbufs && bufidx != 0)
        return rd_err(r, "buffer index %u out of range (model has %zu buffers)", bufidx,
                      nbufs);
    if (bufidx < nbufs) {
        t->data = bufs[bufidx].data;
        t->data_size = bufs[bufidx].size;
    }
    int rc = tab_ref(r, &tt, TENSOR_QUANT, "quantization", &qpos);
    if (rc < 0 || (rc > 0 && rd_quant(r, qpos, t) < 0))
        return -1;
    return 0;
}

/* The fields of one options table into o->opt, by union member (tfl_options_type()). */
static int rd_option_fields(rd_ctx *r, const fb_table *t, int type, tfl_options *o)
{
    int32_t v[4] = { 0, 0, 0, 0 };
    uint32_t beta;
    fb_vec ns;
    switch (type) {
    case TFL_OPT_CONV2D:
        if (tab_i8(r, t, 0, 0, 0, "padding", &o->padding) < 0 ||
            tab_i32(r, t, 1, 0, "stride_w", &v[0]) < 0 ||
            tab_i32(r, t, 2, 0, "stride_h", &v[1]) < 0 ||
            tab_i8(r, t, 3, 0, 0, "fused_activation_function", &o->fused_activation) < 0 ||
            tab_i32(r, t, 4, 1, "dilation_w_factor", &v[2]) < 0 ||
            tab_i32(r, t, 5, 1, "dilation_h_factor", &v[3]) < 0)
            return -1;
        o->stride_w = v[0], o->stride_h = v[1], o->dilation_w = v[2], o->dilation_h = v[3];
        return 0;
    case TFL_OPT_DWCONV2D:
        if (tab_i8(r, t, 0, 0, 0, "padding", &o->padding) < 0 ||
            tab_i32(r, t, 1, 0, "stride_w", &v[0]) < 0 ||
            tab_i32(r, t, 2, 0, "stride_h", &v[1]) < 0 ||
            tab_i32(r, t, 3, 0, "depth_multiplier", &o->depth_multiplier) < 0 ||
            tab_i8(r, t, 4, 0, 0, "fused_activation_function", &o->fused_activation) < 0 ||
            tab_i32(r, t, 5, 1, "dilation_w_factor", &v[2]) < 0 ||
            tab_i32(r, t, 6, 1, "dilation_h_factor", &v[3]) < 0)
            return -1;
        o->stride_w = v[0], o->stride_h = v[1], o->dilation_w = v[2], o->dilation_h = v[3];
        return 0;
    case TFL_OPT_POOL2D:
        if (tab_i8(r, t, 0, 0, 0, "padding", &o->padding) < 0 ||
            tab_i32(r, t, 1, 0, "stride_w", &v[0]) < 0 ||
            tab_i32(r, t, 2, 0, "stride_h", &v[1]) < 0 ||
            tab_i32(r, t, 3, 0, "filter_width", &v[2]) < 0 ||
            tab_i32(r, t, 4, 0, "filter_height", &v[3]) < 0 ||
            tab_i8(r, t, 5, 0, 0, "fused_activation_function", &o->fused_activation) < 0)
            return -1;
        o->stride_w = v[0], o->stride_h = v[1], o->filter_w = v[2], o->filter_h = v[3];
        return 0;
    case TFL_OPT_FC:
        return tab_i8(r, t, 0, 0, 0, "fused_activation_function", &o->fused_activation) < 0 ||
               tab_i8(r, t, 1, 0, 0, "weights_format", &o->weights_format) < 0 ||
               tab_i8(r, t, 2, 0, 1, "keep_num_dims", &o->keep_num_dims) < 0 ? -1 : 0;
    case TFL_OPT_SOFTMAX:
        if (tab_u32(r, t, 0, 0, "beta", &beta) < 0)
            return -1;
        o->beta = as_f32(beta);
        return 0;
    case TFL_OPT_CONCAT:
        return tab_i32(r, t, 0, 0, "axis", &o->axis) < 0 ||
               tab_i8(r, t, 1, 0, 0, "fused_activation_function", &o->fused_activation) < 0
               ? -1 : 0;
    case TFL_OPT_ADD:
    case TFL_OPT_MUL:
        return tab_i8(r, t, 0, 0, 0, "fused_activation_function", &o->fused_activation);
    case TFL_OPT_REDUCER:
        return tab_i8(r, t, 0, 0, 1, "keep_dims", &o->keep_dims);
    case TFL_OPT_L2NORM:
        return tab_i8(r, t, 0, 0, 0, "fused_activation_function", &o->fused_activation);
    case TFL_OPT_RESIZE_BILINEAR:
        return tab_i8(r, t, 2, 0, 1, "align_corners", &o->align_corners) < 0 ||
               tab_i8(r, t, 3, 0, 1, "half_pixel_centers", &o->half_pixel_centers) < 0 ? -1 : 0;
    case TFL_OPT_RESIZE_NN:
        return tab_i8(r, t, 0, 0, 1, "align_corners", &o->align_corners) < 0 ||
               tab_i8(r, t, 1, 0, 1, "half_pixel_centers", &o->half_pixel_centers) < 0 ? -1 : 0;
    case TFL_OPT_GATHER:
        return tab_i32(r, t, 0, 0, "axis", &o->axis) < 0 ||
               tab_i32(r, t, 1, 0, "batch_dims", &o->batch_dims) < 0 ? -1 : 0;
    case TFL_OPT_SUB:
        return tab_i8(r, t, 0, 0, 0, "fused_activation_function", &o->fused_activation) < 0 ||
               tab_i8(r, t, 1, 1, 1, "pot_scale_int16", &o->pot_scale_int16) < 0 ? -1 : 0;
    case TFL_OPT_STRIDED_SLICE:
        return tab_i32(r, t, 0, 0, "begin_mask", &v[0]) < 0 ||
               tab_i32(r, t, 1, 0, "end_mask", &v[1]) < 0 ||
               tab_i32(r, t, 2, 0, "ellipsis_mask", &v[2]) < 0 ||
               tab_i32(r, t, 3, 0, "new_axis_mask", &v[3]) < 0 ||
               tab_i32(r, t, 4, 0, "shrink_axis_mask", &o->shrink_axis_mask) < 0 ||
               tab_i8(r, t, 5, 0, 1, "offset", &o->offset) < 0
               ? -1 : (o->begin_mask = v[0], o->end_mask = v[1], o->ellipsis_mask = v[2],
                       o->new_axis_mask = v[3], 0);
    case TFL_OPT_SPLIT:
    case TFL_OPT_SPLIT_V:
        return tab_i32(r, t, 0, 0, "num_splits", &o->num);
    case TFL_OPT_PACK:
        return tab_i32(r, t, 0, 0, "values_count", &o->num) < 0 ||
               tab_i32(r, t, 1, 0, "axis", &o->axis) < 0 ? -1 : 0;
    case TFL_OPT_UNPACK:
        return tab_i32(r, t, 0, 0, "num", &o->num) < 0 ||
               tab_i32(r, t, 1, 0, "axis", &o->axis) < 0 ? -1 : 0;
    case TFL_OPT_CAST:
        return tab_i8(r, t, 0, 0, 0, "in_data_type", &o->in_type) < 0 ||
               tab_i8(r, t, 1, 0, 0, "out_data_type", &o->out_type) < 0 ? -1 : 0;
    case TFL_OPT_TRANSPOSE_CONV:
        if (tab_i8(r, t, 0, 0, 0, "padding", &o->padding) < 0 ||
            tab_i32(r, t, 1, 0, "stride_w", &v[0]) < 0 ||
            tab_i32(r, t, 2, 0, "stride_h", &v[1]) < 0 ||
            tab_i8(r, t, 3, 0, 0, "fused_activation_function", &o->fused_activation) < 0)
            return -1;
        o->stride_w = v[0], o->stride_h = v[1];
        return 0;
    case TFL_OPT_LEAKY_RELU:
        if (tab_u32(r, t, 0, 0, "alpha", &beta) < 0)
            return -1;
        o->alpha = as_f32(beta);
        return 0;
    case TFL_OPT_DEPTH_TO_SPACE:
        return tab_i32(r, t, 0, 0, "block_size", &o->block_size);
    case TFL_OPT_SVDF:
        if (tab_i32(r, t, 0, 0, "rank", &o->rank) < 0 ||
            tab_i8(r, t, 1, 0, 0, "fused_activation_function", &o->fused_activation) < 0 ||
            tab_i8(r, t, 2, 0, 1, "asymmetric_quantize_inputs", &o->asymmetric_quantize_inputs) < 0)
            return -1;
        return 0;
    case TFL_OPT_UNI_LSTM: {
        uint32_t cc, pc;
        if (tab_i8(r, t, 0, 0, 0, "fused_activation_function", &o->fused_activation) < 0 ||
            tab_u32(r, t, 1, 0, "cell_clip", &cc) < 0 || tab_u32(r, t, 2, 0, "proj_clip", &pc) < 0 ||
            tab_i8(r, t, 3, 0, 1, "time_major", &o->time_major) < 0 ||
            tab_i8(r, t, 4, 0, 1, "asymmetric_quantize_inputs", &o->asymmetric_quantize_inputs) < 0)
            return -1;
        o->cell_clip = as_f32(cc);
        o->proj_clip = as_f32(pc);
        return 0;
    }
    case TFL_OPT_SQUEEZE: {
        int rc = tab_vec(r, t, 0, 4, "squeeze_dims", &ns);
        if (rc <= 0)
            return rc;
        if (ns.n > TFL_MAX_DIMS)
            return rd_err(r, "squeeze_dims has %zu entries, more than %d", ns.n, TFL_MAX_DIMS);
        o->n_squeeze_dims = (int)ns.n;
        for (size_t d = 0; d < ns.n; d++)
            o->squeeze_dims[d] = as_i32(ld32(r->buf + ns.start + 4 * d));
        return 0;
    }
    case TFL_OPT_RESHAPE: {
        int rc = tab_vec(r, t, 0, 4, "new_shape", &ns);
        if (rc <= 0)
            return rc;
        if (ns.n > TFL_MAX_DIMS)
            return rd_err(r, "new_shape has %zu dimensions, more than %d", ns.n, TFL_MAX_DIMS);
        o->n_new_shape = (int)ns.n;
        for (size_t d = 0; d < ns.n; d++)
            o->new_shape[d] = as_i32(ld32(r->buf + ns.start + 4 * d));
        return 0;
    }
    default:
        return 0;
    }
}

/*
 * builtin_options of an op. The union type must be the member that belongs to the op (or
 * NONE); a mismatch is an error since the table would be misread. Ops whose options tinysim
 * does not use are left with has_options = 0 whatever they carry. Schema defaults apply to
 * absent fields, and also when the table itself is absent (dilations 1, new_shape -1).
 */
static int rd_options(rd_ctx *r, const fb_table *t, tfl_op *o)
{
    int want = tfl_options_type(o->builtin);
    uint64_t type;
    size_t pos = 0;
    fb_table ot;
    if (want == TFL_OPT_CONV2D || want == TFL_OPT_DWCONV2D)
        o->opt.dilation_w = o->opt.dilation_h = 1;
    if (want == TFL_OPT_RESHAPE)
        o->opt.n_new_shape = -1;
    if (want == TFL_OPT_SUB)
        o->opt.pot_scale_int16 = 1;
    if (want == TFL_OPT_NONE)
        return 0;
    if (tab_scalar(r, t, OP_OPTIONS_TYPE, 1, "builtin_options_type", 0, &type) < 0)
        return -1;
    if (type == TFL_OPT_NONE)
        return 0;
    if (type != (uint64_t)want)
        return rd_err(r, "builtin_options_type is %d, but %s takes %d (%s)", (int)type,
                      tfl_op_name(o->builtin), want, options_name(want));
    int rc = tab_ref(r, t, OP_OPTIONS, "builtin_options", &pos);
    if (rc <= 0)
        return rc;
    if (tab_open(r, pos, options_name(want), &ot) < 0 ||
        rd_option_fields(r, &ot, want, &o->opt) < 0)
        return -1;
    o->has_options = 1;
    return 0;
}

/* Operator i: opcode, tensor indices, options. */
static int rd_op(rd_ctx *r, const fb_vec *ops, int i, const tfl_model *m,
                 const int *opcode_version, const size_t *opcode_custom, tfl_op *o)
{
    fb_table t;
    uint32_t idx;
    rd_where(r, "operator %d", i);
    if (vec_table(r, ops, (size_t)i, "operator", &t) < 0 ||
        tab_u32(r, &t, OP_OPCODE_INDEX, 0, "opcode_index", &idx) < 0)
        return -1;
    if (idx >= (uint32_t)m->nopcodes)
        return rd_err(r, "opcode index %u out of range (model has %d operator codes)", idx,
                      m->nopcodes);
    o->opcode_index = (int)idx;
    o->builtin = m->opcode_builtin[idx];
    o->version = opcode_version[idx];
    if (o->builtin == TFL_OP_CUSTOM && opcode_custom[idx] != 0)
        o->custom_code = (const char *)(r->buf + opcode_custom[idx]);
    rd_where(r, "operator %d (%s)", i, tfl_op_name(o->builtin));
    if (rd_indices(r, &t, OP_INPUTS, "input", m->ntensors, 1, &o->inputs, &o->ninputs) < 0 ||
        rd_indices(r, &t, OP_OUTPUTS, "output", m->ntensors, 0, &o->outputs,
                   &o->noutputs) < 0)
        return -1;
    return rd_options(r, &t, o);
}

/*
 * The operator codes table: the builtin code is the larger of deprecated_builtin_code and
 * builtin_code (old files only have the first, new ones put 127 there for codes past 126).
 * Codes tinysim does not know are kept as they are. opcode_custom[i] receives the file
 * position of custom_code's bytes (0 when absent).
 */
static int rd_opcodes(rd_ctx *r, const fb_table *model, tfl_model *m, int **version,
                      size_t **custom)
{
    fb_vec v;
    if (tab_vec(r, model, MODEL_OPCODES, 4, "operator_codes", &v) < 0)
        return -1;
    if ((m->opcode_builtin = rd_calloc(r, v.n, sizeof(int))) == NULL ||
        (*version = rd_calloc(r, v.n, sizeof(int))) == NULL ||
        (*custom = rd_calloc(r, v.n, sizeof(size_t))) == NULL)
        return -1;
    m->nopcodes = (int)v.n;
    for (size_t i = 0; i < v.n; i++) {
        fb_table t;
        int dep, has_custom;
        int32_t code, ver;
        const char *s;
        size_t n;
        rd_where(r, "operator code %zu", i);
        if (vec_table(r, &v, i, "operator code", &t) < 0 ||
            tab_i8(r, &t, OPCODE_DEPRECATED, 0, 0, "deprecated_builtin_code", &dep) < 0 ||
            tab_i32(r, &t, OPCODE_BUILTIN, 0, "builtin_code", &code) < 0 ||
            tab_i32(r, &t, OPCODE_VERSION, 1, "version", &ver) < 0 ||
            (has_custom = tab_str_ref(r, &t, OPCODE_CUSTOM, "custom_code", &s, &n)) < 0)
            return -1;
        m->opcode_builtin[i] = code > dep ? code : dep;
        (*version)[i] = ver;
        (*custom)[i] = has_custom ? (size_t)((const uint8_t *)s - r->buf) : 0;
    }
    return 0;
}

/* The first subgraph: tensors, its inputs and outputs, then the operators. */
static int rd_subgraph(rd_ctx *r, const fb_table *model, tfl_model *m, const rd_buf *bufs,
                       size_t nbufs, const int *version, const size_t *custom)
{
    fb_vec subgraphs, tensors, ops;
    fb_table sg;
    rd_where(r, "model");
    if (tab_vec(r, model, MODEL_SUBGRAPHS, 4, "subgraphs", &subgraphs) < 0)
        return -1;
    if (subgraphs.n == 0)
        return rd_err(r, "the model has no subgraphs");
    m->nsubgraphs = (int)subgraphs.n;
    rd_where(r, "subgraph 0");
    if (vec_table(r, &subgraphs, 0, "subgraph", &sg) < 0 ||
        tab_vec(r, &sg, SUBGRAPH_TENSORS, 4, "tensors", &tensors) < 0 ||
        tab_vec(r, &sg, SUBGRAPH_OPERATORS, 4, "operators", &ops) < 0 ||
        rd_charge(r, 4 * tensors.n) < 0 || rd_charge(r, 4 * ops.n) < 0)
        return -1;
    if ((m->tensors = rd_calloc(r, tensors.n, sizeof *m->tensors)) == NULL)
        return -1;
    m->ntensors = (int)tensors.n;
    for (int i = 0; i < m->ntensors; i++)
        if (rd_tensor(r, &tensors, bufs, nbufs, i, &m->tensors[i]) < 0)
            return -1;
    rd_where(r, "subgraph 0");
    if (rd_indices(r, &sg, SUBGRAPH_INPUTS, "input", m->ntensors, 0, &m->inputs,
                   &m->ninputs) < 0 ||
        rd_indices(r, &sg, SUBGRAPH_OUTPUTS, "output", m->ntensors, 0, &m->outputs,
                   &m->noutputs) < 0)
        return -1;
    if ((m->ops = rd_calloc(r, ops.n, sizeof *m->ops)) == NULL)
        return -1;
    m->nops = (int)ops.n;
    for (int i = 0; i < m->nops; i++)
        if (rd_op(r, &ops, i, m, version, custom, &m->ops[i]) < 0)
            return -1;
    return 0;
}

/*
 * Decode a model. There is no recursion: the schema's nesting (model, subgraph, tensor,
 * quantization) is walked by fixed code, so a hostile file cannot make it deep, and every
 * loop is bounded by a vector length already checked against the file size.
 */
int tfl_read(const uint8_t *buf, size_t len, tfl_model *m, char **cause)
{
    rd_ctx r;
    fb_table model;
    int *version = NULL;
    size_t *custom = NULL;
    rd_buf *bufs = NULL;
    size_t nbufs = 0;
    uint32_t root;

    memset(m, 0, sizeof *m);
    *cause = NULL;
    memset(&r, 0, sizeof r);
    r.buf = buf;
    r.len = buf != NULL ? len : 0;
    r.cause = cause;
    r.budget = r.len <= (SIZE_MAX - 4096) / 2 ? 2 * r.len + 4096 : SIZE_MAX;

    if (r.len < 8) {
        rd_err(&r, "file too short for a TensorFlow Lite model (%zu bytes)", r.len);
        goto err;
    }
    if (memcmp(buf + 4, "TFL3", 4) != 0) {
        char id[8];
        for (int i = 0; i < 4; i++)
            id[i] = (buf[4 + i] >= 0x20 && buf[4 + i] < 0x7f) ? (char)buf[4 + i] : '?';
        id[4] = '\0';
        rd_err(&r, "file identifier at byte 0x4 is \"%s\", not \"TFL3\": not a TensorFlow "
               "Lite model", id);
        goto err;
    }
    rd_where(&r, "model");
    root = ld32(buf);
    if (root == 0 || root >= r.len) {
        rd_err(&r, "root table offset %u points past end of file (size %zu)", root, r.len);
        goto err;
    }
    if (tab_open(&r, root, "model", &model) < 0 ||
        tab_u32(&r, &model, MODEL_VERSION, 0, "version", &m->version) < 0 ||
        tab_str(&r, &model, MODEL_DESCRIPTION, "description", &m->description) < 0 ||
        rd_opcodes(&r, &model, m, &version, &custom) < 0 ||
        rd_buffers(&r, &model, &bufs, &nbufs) < 0 ||
        rd_subgraph(&r, &model, m, bufs, nbufs, version, custom) < 0)
        goto err;
    free(version);
    free(custom);
    free(bufs);
    return 0;
err:
    if (*cause == NULL)
        *cause = mu_asprintf("malformed TensorFlow Lite model");
    free(version);
    free(custom);
    free(bufs);
    tfl_free(m);
    return -1;
}

void tfl_free(tfl_model *m)
{
    if (m == NULL)
        return;
    for (int i = 0; i < m->ntensors && m->tensors != NULL; i++) {
        free(m->tensors[i].name);
        free(m->tensors[i].scale);
        free(m->tensors[i].zero_point);
    }
    for (int i = 0; i < m->nops && m->ops != NULL; i++) {
        free(m->ops[i].inputs);
        free(m->ops[i].outputs);
    }
    free(m->tensors);
    free(m->ops);
    free(m->inputs);
    free(m->outputs);
    free(m->opcode_builtin);
    free(m->description);
    memset(m, 0, sizeof *m);
}
