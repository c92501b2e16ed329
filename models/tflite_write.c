/*
 * TensorFlow Lite model writer: serialises a tfl_model (one subgraph) into a FlatBuffer that
 * TFLite accepts. Used by the demo-model generator and the reader's round-trip tests.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflite.h"
#include "util.h"

/* Field ids of the tables written, from schema.fbs (declaration order; a union takes two). */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3,
       MODEL_BUFFERS = 4 };
enum { OPCODE_DEPRECATED = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3 };
enum { SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3 };
enum { TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANT = 4,
       TENSOR_IS_VARIABLE = 5 };
enum { QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DIM = 6 };
enum { BUFFER_DATA = 0 };
enum { OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4 };

#define SCHEMA_VERSION 3
#define OP_PLACEHOLDER 127   /* deprecated_builtin_code for codes that do not fit a byte */
#define MAX_IMAGE 0x7fffffffu /* uoffsets are 32-bit; FlatBuffers caps buffers at 2 GiB */

/* ================================================================ output buffer */

/*
 * The image grows front to back. A FlatBuffer offset (uoffset) may only point forward, so a
 * parent is written first with its offset fields zero, and each child, written later,
 * patches the field that refers to it (wb_link). Errors (no memory, too large) latch in
 * `failed` and make every later call a no-op, checked once at the end.
 */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    int failed;
} wbuf;

static void wb_grow(wbuf *b, size_t extra)
{
    if (b->failed)
        return;
    if (extra > MAX_IMAGE - b->n) {
        b->failed = 1;
        return;
    }
    if (b->n + extra <= b->cap)
        return;
    size_t cap = b->cap != 0 ? b->cap : 4096;
    while (cap < b->n + extra)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (p == NULL) {
        b->failed = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

/* Append n bytes (zeros when src is NULL); returns their position. */
static size_t wb_put(wbuf *b, const void *src, size_t n)
{
    wb_grow(b, n);
    if (b->failed)
        return 0;
    size_t pos = b->n;
    if (src != NULL)
        memcpy(b->p + pos, src, n);
    else
        memset(b->p + pos, 0, n);
    b->n += n;
    return pos;
}

/* Pad with zeros until (position + ahead) is a multiple of align (a power of two). */
static void wb_align(wbuf *b, size_t align, size_t ahead)
{
    size_t pad = (align - (b->n + ahead) % align) % align;
    wb_put(b, NULL, pad);
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, (uint32_t)(v >> 32));
}

/* Point the uoffset at `field` to `target` (which was written after it). */
static void wb_link(wbuf *b, size_t field, size_t target)
{
    if (!b->failed)
        st32(b->p + field, (uint32_t)(target - field));
}

/* ================================================================ tables and vectors */

/* One field of a table: its id, width (1 or 4 bytes) and value; offsets are 0 until linked. */
typedef struct {
    unsigned id, size;
    uint32_t v;
} wfield;

#define WF_MAX 8

/*
 * Write a vtable and then the table it describes; pos[k] receives the position of field k
 * (for linking offsets). The table is 4-aligned; its 4-byte fields come first, then the
 * 1-byte ones, so every scalar is aligned to its size as the FlatBuffers verifier requires.
 * Returns the table's position.
 */
static size_t wb_table(wbuf *b, const wfield *f, int nf, size_t *pos)
{
    unsigned nids = 0, fo[WF_MAX], off = 4;
    uint8_t vt[4 + 2 * 16] = { 0 };   /* field ids written here are all below 16 */
    for (int k = 0; k < nf; k++)
        if (f[k].id + 1 > nids)
            nids = f[k].id + 1;
    for (unsigned size = 4; size >= 1; size /= 4)
        for (int k = 0; k < nf; k++)
            if (f[k].size == size) {
                fo[k] = off;
                off += size;
            }
    unsigned vtsize = 4 + 2 * nids;
    st16(vt, (uint16_t)vtsize);
    st16(vt + 2, (uint16_t)off);
    for (int k = 0; k < nf; k++)
        st16(vt + 4 + 2 * f[k].id, (uint16_t)fo[k]);
    wb_align(b, 4, vtsize);
    size_t vpos = wb_put(b, vt, vtsize);
    size_t t = wb_put(b, NULL, off);
    if (b->failed)
        return 0;
    st32(b->p + t, (uint32_t)(t - vpos));   /* soffset: vtable = table - soffset */
    for (int k = 0; k < nf; k++) {
        if (f[k].size == 4)
            st32(b->p + t + fo[k], f[k].v);
        else
            b->p[t + fo[k]] = (uint8_t)f[k].v;
        if (pos != NULL)
            pos[k] = t + fo[k];
    }
    return t;
}

/*
 * Start a vector of count elements of elem bytes, with its elements aligned to `align`;
 * returns the position of the first element (the length word sits just before it).
 */
static size_t wb_vec(wbuf *b, size_t count, size_t elem, size_t align)
{
    uint8_t len[4];
    wb_align(b, align < 4 ? 4 : align, 4);
    st32(len, (uint32_t)count);
    wb_put(b, len, 4);
    return wb_put(b, NULL, count * elem);
}

/* A vector of int32 from ints; returns the vector's position (its length word). */
static size_t wb_ints(wbuf *b, const int *v, int n)
{
    size_t e = wb_vec(b, (size_t)n, 4, 4);
    for (int i = 0; i < n && !b->failed; i++)
        st32(b->p + e + 4 * (size_t)i, (uint32_t)v[i]);
    return e - 4;
}

static size_t wb_string(wbuf *b, const char *s)
{
    size_t n = strlen(s);
    size_t e = wb_vec(b, n, 1, 4);
    if (!b->failed)
        memcpy(b->p + e, s, n);
    wb_put(b, NULL, 1);
    return e - 4;
}

/* ================================================================ checking the model */

static int wr_err(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int wr_err(char **cause, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *cause = mu_vasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

static int fits_i8(int v)
{
    return v >= -128 && v <= 127;
}

/* Tensor indices: in range, or -1 where an optional input may be omitted. */
static int check_indices(const int *v, int n, int ntensors, int allow_omitted,
                         const char *what, char **cause)
{
    if (n < 0 || (n > 0 && v == NULL))
        return wr_err(cause, "%s: %d indices but no array", what, n);
    for (int i = 0; i < n; i++)
        if ((v[i] < 0 && !(allow_omitted && v[i] == -1)) || v[i] >= ntensors)
            return wr_err(cause, "%s %d is tensor %d, out of range (%d tensors)", what, i,
                          v[i], ntensors);
    return 0;
}

static int check_tensor(const tfl_tensor *t, int i, char **cause)
{
    if (t->ndims < 0 || t->ndims > TFL_MAX_DIMS)
        return wr_err(cause, "tensor %d: %d dimensions (0..%d allowed)", i, t->ndims,
                      TFL_MAX_DIMS);
    for (int d = 0; d < t->ndims; d++)
        if (t->dims[d] < 0)
            return wr_err(cause, "tensor %d: dimension %d is negative", i, d);
    if (!fits_i8(t->type))
        return wr_err(cause, "tensor %d: type %d is not a TensorType", i, t->type);
    if (t->data_size > 0 && t->data == NULL)
        return wr_err(cause, "tensor %d: data_size %zu but no data", i, t->data_size);
    if (t->data_size > MAX_IMAGE)
        return wr_err(cause, "tensor %d: %zu bytes of data, more than a FlatBuffer holds", i,
                      t->data_size);
    if (t->nquant < 0 || (t->nquant > 0 && (t->scale == NULL || t->zero_point == NULL)))
        return wr_err(cause, "tensor %d: nquant %d without scale / zero_point arrays", i,
                      t->nquant);
    /* A quantized_dimension that does not fit the shape is written as it is: the reader
     * accepts it as TFLM does (see rd_quant). Only a negative one has no meaning. */
    if (t->nquant > 1 && t->quant_dim < 0)
        return wr_err(cause, "tensor %d: quantized dimension %d is negative", i, t->quant_dim);
    return 0;
}

static int check_op(const tfl_model *m, const tfl_op *o, int i, char **cause)
{
    char what[48];
    if (o->opcode_index < 0 || o->opcode_index >= m->nopcodes)
        return wr_err(cause, "operator %d: opcode index %d out of range (%d operator codes)",
                      i, o->opcode_index, m->nopcodes);
    if (o->builtin != m->opcode_builtin[o->opcode_index])
        return wr_err(cause, "operator %d: builtin %s does not match its operator code %d (%s)",
                      i, tfl_op_name(o->builtin), o->opcode_index,
                      tfl_op_name(m->opcode_builtin[o->opcode_index]));
    snprintf(what, sizeof what, "operator %d (%s): input", i, tfl_op_name(o->builtin));
    if (check_indices(o->inputs, o->ninputs, m->ntensors, 1, what, cause) < 0)
        return -1;
    snprintf(what, sizeof what, "operator %d (%s): output", i, tfl_op_name(o->builtin));
    if (check_indices(o->outputs, o->noutputs, m->ntensors, 0, what, cause) < 0)
        return -1;
    if (!o->has_options)
        return 0;
    const tfl_options *p = &o->opt;
    if (tfl_options_type(o->builtin) == TFL_OPT_NONE)
        return wr_err(cause, "operator %d (%s): has_options set, but its options are not "
                      "among those tfl_options holds", i, tfl_op_name(o->builtin));
    if (!fits_i8(p->padding) || !fits_i8(p->fused_activation) || !fits_i8(p->weights_format))
        return wr_err(cause, "operator %d (%s): padding, activation or weights format out of "
                      "range", i, tfl_op_name(o->builtin));
    if (tfl_options_type(o->builtin) == TFL_OPT_RESHAPE &&
        (p->n_new_shape < -1 || p->n_new_shape > TFL_MAX_DIMS))
        return wr_err(cause, "operator %d (RESHAPE): n_new_shape %d (-1..%d allowed)", i,
                      p->n_new_shape, TFL_MAX_DIMS);
    if (tfl_options_type(o->builtin) == TFL_OPT_SQUEEZE &&
        (p->n_squeeze_dims < 0 || p->n_squeeze_dims > TFL_MAX_DIMS))
        return wr_err(cause, "operator %d (SQUEEZE): n_squeeze_dims %d (0..%d allowed)", i,
                      p->n_squeeze_dims, TFL_MAX_DIMS);
    if (!fits_i8(p->in_type) || !fits_i8(p->out_type))
        return wr_err(cause, "operator %d (%s): cast types out of range", i,
                      tfl_op_name(o->builtin));
    return 0;
}

/* Everything the writer relies on; the image it writes then reads back with tfl_read. */
static int check_model(const tfl_model *m, char **cause)
{
    if (m->ntensors < 0 || m->nops < 0 || m->nopcodes < 0 ||
        (m->ntensors > 0 && m->tensors == NULL) || (m->nops > 0 && m->ops == NULL) ||
        (m->nopcodes > 0 && m->opcode_builtin == NULL))
        return wr_err(cause, "model counts and arrays disagree");
    for (int i = 0; i < m->nopcodes; i++)
        if (m->opcode_builtin[i] < 0)
            return wr_err(cause, "operator code %d: builtin code %d is negative", i,
                          m->opcode_builtin[i]);
    for (int i = 0; i < m->ntensors; i++)
        if (check_tensor(&m->tensors[i], i, cause) < 0)
            return -1;
    if (check_indices(m->inputs, m->ninputs, m->ntensors, 0, "subgraph input", cause) < 0 ||
        check_indices(m->outputs, m->noutputs, m->ntensors, 0, "subgraph output", cause) < 0)
        return -1;
    for (int i = 0; i < m->nops; i++)
        if (check_op(m, &m->ops[i], i, cause) < 0)
            return -1;
    return 0;
}

/* ================================================================ writing the model */

/* OperatorCode i, with the version and custom_code of the first op that uses it. */
static size_t wr_opcode(wbuf *b, const tfl_model *m, int i)
{
    int code = m->opcode_builtin[i], version = 1;
    const char *custom = NULL;
    for (int k = 0; k < m->nops; k++)
        if (m->ops[k].opcode_index == i) {
            version = m->ops[k].version > 0 ? m->ops[k].version : 1;
            custom = m->ops[k].custom_code;
            break;
        }
    wfield f[4] = {
        { OPCODE_DEPRECATED, 1, (uint32_t)(code < OP_PLACEHOLDER ? code : OP_PLACEHOLDER) },
        { OPCODE_VERSION, 4, (uint32_t)version },
        { OPCODE_BUILTIN, 4, (uint32_t)code },
        { OPCODE_CUSTOM, 4, 0 },
    };
    size_t pos[4] = { 0 };
    size_t t = wb_table(b, f, custom != NULL ? 4 : 3, pos);
    if (custom != NULL)
        wb_link(b, pos[3], wb_string(b, custom));
    return t;
}

/* Tensor t: shape, type, buffer index, name, quantization (when nquant > 0), is_variable. */
static size_t wr_tensor(wbuf *b, const tfl_tensor *t, uint32_t buffer)
{
    wfield f[6] = {
        { TENSOR_SHAPE, 4, 0 },
        { TENSOR_NAME, 4, 0 },
        { TENSOR_BUFFER, 4, buffer },
        { TENSOR_TYPE, 1, (uint32_t)t->type },
        { TENSOR_IS_VARIABLE, 1, t->is_variable != 0 },
        { TENSOR_QUANT, 4, 0 },
    };
    size_t pos[6] = { 0 };
    size_t tab = wb_table(b, f, t->nquant > 0 ? 6 : 5, pos);
    size_t v = wb_vec(b, (size_t)t->ndims, 4, 4);
    for (int d = 0; d < t->ndims && !b->failed; d++)
        st32(b->p + v + 4 * (size_t)d, (uint32_t)t->dims[d]);
    wb_link(b, pos[0], v - 4);
    wb_link(b, pos[1], wb_string(b, t->name != NULL ? t->name : ""));
    if (t->nquant > 0) {
        wfield q[3] = { { QUANT_SCALE, 4, 0 }, { QUANT_ZERO_POINT, 4, 0 },
                        { QUANT_DIM, 4, (uint32_t)t->quant_dim } };
        size_t qpos[3] = { 0 };
        wb_link(b, pos[5], wb_table(b, q, 3, qpos));
        v = wb_vec(b, (size_t)t->nquant, 4, 4);
        for (int k = 0; k < t->nquant && !b->failed; k++) {
            uint32_t bits;
            memcpy(&bits, &t->scale[k], 4);
            st32(b->p + v + 4 * (size_t)k, bits);
        }
        wb_link(b, qpos[0], v - 4);
        v = wb_vec(b, (size_t)t->nquant, 8, 8);
        for (int k = 0; k < t->nquant && !b->failed; k++)
            st64(b->p + v + 8 * (size_t)k, (uint64_t)t->zero_point[k]);
        wb_link(b, qpos[1], v - 4);
    }
    return tab;
}

/* The builtin_options table of an op with has_options, per its union member. */
static size_t wr_options(wbuf *b, int type, const tfl_options *p)
{
    wfield f[WF_MAX];
    int n = 0;
#define F(id_, size_, v_) (f[n++] = (wfield){ (id_), (size_), (uint32_t)(v_) })
    switch (type) {
    case TFL_OPT_CONV2D:
        F(0, 1, p->padding); F(1, 4, p->stride_w); F(2, 4, p->stride_h);
        F(3, 1, p->fused_activation); F(4, 4, p->dilation_w); F(5, 4, p->dilation_h);
        break;
    case TFL_OPT_DWCONV2D:
        F(0, 1, p->padding); F(1, 4, p->stride_w); F(2, 4, p->stride_h);
        F(3, 4, p->depth_multiplier); F(4, 1, p->fused_activation);
        F(5, 4, p->dilation_w); F(6, 4, p->dilation_h);
        break;
    case TFL_OPT_POOL2D:
        F(0, 1, p->padding); F(1, 4, p->stride_w); F(2, 4, p->stride_h);
        F(3, 4, p->filter_w); F(4, 4, p->filter_h); F(5, 1, p->fused_activation);
        break;
    case TFL_OPT_FC:
        F(0, 1, p->fused_activation); F(1, 1, p->weights_format);
        F(2, 1, p->keep_num_dims != 0);
        break;
    case TFL_OPT_SOFTMAX: {
        uint32_t bits;
        memcpy(&bits, &p->beta, 4);
        F(0, 4, bits);
        break;
    }
    case TFL_OPT_CONCAT:
        F(0, 4, p->axis); F(1, 1, p->fused_activation);
        break;
    case TFL_OPT_ADD:
    case TFL_OPT_MUL:
        F(0, 1, p->fused_activation);
        break;
    case TFL_OPT_REDUCER:
        F(0, 1, p->keep_dims != 0);
        break;
    case TFL_OPT_RESHAPE:
        if (p->n_new_shape >= 0)
            F(0, 4, 0);
        break;
    case TFL_OPT_L2NORM:
        F(0, 1, p->fused_activation);
        break;
    case TFL_OPT_RESIZE_BILINEAR:
        F(2, 1, p->align_corners != 0); F(3, 1, p->half_pixel_centers != 0);
        break;
    case TFL_OPT_RESIZE_NN:
        F(0, 1, p->align_corners != 0); F(1, 1, p->half_pixel_centers != 0);
        break;
    case TFL_OPT_GATHER:
        F(0, 4, p->axis); F(1, 4, p->batch_dims);
        break;
    case TFL_OPT_SUB:
        F(0, 1, p->fused_activation); F(1, 1, p->pot_scale_int16 != 0);
        break;
    case TFL_OPT_STRIDED_SLICE:
        F(0, 4, p->begin_mask); F(1, 4, p->end_mask); F(2, 4, p->ellipsis_mask);
        F(3, 4, p->new_axis_mask); F(4, 4, p->shrink_axis_mask); F(5, 1, p->offset != 0);
        break;
    case TFL_OPT_SPLIT:
    case TFL_OPT_SPLIT_V:
        F(0, 4, p->num);
        break;
    case TFL_OPT_PACK:
    case TFL_OPT_UNPACK:
        F(0, 4, p->num); F(1, 4, p->axis);
        break;
    case TFL_OPT_CAST:
        F(0, 1, p->in_type); F(1, 1, p->out_type);
        break;
    case TFL_OPT_TRANSPOSE_CONV:
        F(0, 1, p->padding); F(1, 4, p->stride_w); F(2, 4, p->stride_h);
        F(3, 1, p->fused_activation);
        break;
    case TFL_OPT_LEAKY_RELU: {
        uint32_t bits;
        memcpy(&bits, &p->alpha, 4);
        F(0, 4, bits);
        break;
    }
    case TFL_OPT_DEPTH_TO_SPACE:
        F(0, 4, p->block_size);
        break;
    case TFL_OPT_SVDF:
        F(0, 4, p->rank); F(1, 1, p->fused_activation); F(2, 1, p->asymmetric_quantize_inputs != 0);
        break;
    case TFL_OPT_UNI_LSTM: {
        uint32_t cc, pc;
        memcpy(&cc, &p->cell_clip, 4);
        memcpy(&pc, &p->proj_clip, 4);
        F(0, 1, p->fused_activation); F(1, 4, cc); F(2, 4, pc); F(3, 1, p->time_major != 0);
        F(4, 1, p->asymmetric_quantize_inputs != 0);
        break;
    }
    case TFL_OPT_SQUEEZE:
        if (p->n_squeeze_dims > 0)
            F(0, 4, 0);
        break;
    default:
        break;
    }
#undef F
    size_t pos[WF_MAX] = { 0 };
    size_t t = wb_table(b, f, n, pos);
    if (type == TFL_OPT_RESHAPE && p->n_new_shape >= 0)
        wb_link(b, pos[0], wb_ints(b, p->new_shape, p->n_new_shape));
    if (type == TFL_OPT_SQUEEZE && p->n_squeeze_dims > 0)
        wb_link(b, pos[0], wb_ints(b, p->squeeze_dims, p->n_squeeze_dims));
    return t;
}

static size_t wr_op(wbuf *b, const tfl_op *o)
{
    int type = o->has_options ? tfl_options_type(o->builtin) : TFL_OPT_NONE;
    wfield f[5] = {
        { OP_OPCODE_INDEX, 4, (uint32_t)o->opcode_index },
        { OP_INPUTS, 4, 0 },
        { OP_OUTPUTS, 4, 0 },
        { OP_OPTIONS_TYPE, 1, (uint32_t)type },
        { OP_OPTIONS, 4, 0 },
    };
    size_t pos[5] = { 0 };
    size_t t = wb_table(b, f, type != TFL_OPT_NONE ? 5 : 3, pos);
    wb_link(b, pos[1], wb_ints(b, o->inputs, o->ninputs));
    wb_link(b, pos[2], wb_ints(b, o->outputs, o->noutputs));
    if (type != TFL_OPT_NONE)
        wb_link(b, pos[4], wr_options(b, type, &o->opt));
    return t;
}

/*
 * Layout, front to back: root offset and "TFL3"; Model; operator codes; the subgraph with
 * its tensors, inputs, outputs and operators; the description; the buffers, each data
 * vector starting on a 16-byte boundary of the file.
 */
int tfl_write(const tfl_model *m, uint8_t **out, size_t *out_len, char **cause)
{
    wbuf b = { NULL, 0, 0, 0 };
    uint32_t *bufidx = NULL;
    uint32_t nbuffers = 1;
    size_t mp[5] = { 0 }, sp[4] = { 0 }, v;

    *cause = NULL;
    if (check_model(m, cause) < 0)
        return -1;
    bufidx = calloc(m->ntensors > 0 ? (size_t)m->ntensors : 1, sizeof *bufidx);
    if (bufidx == NULL)
        return wr_err(cause, "out of memory");
    for (int i = 0; i < m->ntensors; i++)
        if (m->tensors[i].data_size > 0)
            bufidx[i] = nbuffers++;

    wb_put(&b, NULL, 4);
    wb_put(&b, "TFL3", 4);
    int has_desc = m->description != NULL && m->description[0] != '\0';
    wfield mf[5] = {
        { MODEL_VERSION, 4, SCHEMA_VERSION }, { MODEL_OPCODES, 4, 0 },
        { MODEL_SUBGRAPHS, 4, 0 }, { MODEL_BUFFERS, 4, 0 }, { MODEL_DESCRIPTION, 4, 0 },
    };
    wb_link(&b, 0, wb_table(&b, mf, has_desc ? 5 : 4, mp));

    v = wb_vec(&b, (size_t)m->nopcodes, 4, 4);
    wb_link(&b, mp[1], v - 4);
    for (int i = 0; i < m->nopcodes; i++)
        wb_link(&b, v + 4 * (size_t)i, wr_opcode(&b, m, i));

    v = wb_vec(&b, 1, 4, 4);
    wb_link(&b, mp[2], v - 4);
    wfield sf[4] = { { SUBGRAPH_TENSORS, 4, 0 }, { SUBGRAPH_INPUTS, 4, 0 },
                     { SUBGRAPH_OUTPUTS, 4, 0 }, { SUBGRAPH_OPERATORS, 4, 0 } };
    wb_link(&b, v, wb_table(&b, sf, 4, sp));
    v = wb_vec(&b, (size_t)m->ntensors, 4, 4);
    wb_link(&b, sp[0], v - 4);
    for (int i = 0; i < m->ntensors; i++)
        wb_link(&b, v + 4 * (size_t)i, wr_tensor(&b, &m->tensors[i], bufidx[i]));
    wb_link(&b, sp[1], wb_ints(&b, m->inputs, m->ninputs));
    wb_link(&b, sp[2], wb_ints(&b, m->outputs, m->noutputs));
    v = wb_vec(&b, (size_t)m->nops, 4, 4);
    wb_link(&b, sp[3], v - 4);
    for (int i = 0; i < m->nops; i++)
        wb_link(&b, v + 4 * (size_t)i, wr_op(&b, &m->ops[i]));

    if (has_desc)
        wb_link(&b, mp[4], wb_string(&b, m->description));

    v = wb_vec(&b, nbuffers, 4, 4);
    wb_link(&b, mp[3], v - 4);
    wb_link(&b, v, wb_table(&b, NULL, 0, NULL));   /* buffer 0: empty, by convention */
    for (int i = 0; i < m->ntensors; i++) {
        if (bufidx[i] == 0)
            continue;
        wfield bf = { BUFFER_DATA, 4, 0 };
        size_t bp = 0, d;
        wb_link(&b, v + 4 * (size_t)bufidx[i], wb_table(&b, &bf, 1, &bp));
        d = wb_vec(&b, m->tensors[i].data_size, 1, 16);
        if (!b.failed)
            memcpy(b.p + d, m->tensors[i].data, m->tensors[i].data_size);
        wb_link(&b, bp, d - 4);
    }
    free(bufidx);
    if (b.failed) {
        free(b.p);
        return wr_err(cause, "cannot write the model: out of memory or larger than 2 GiB");
    }
    *out = b.p;
    *out_len = b.n;
    return 0;
}
