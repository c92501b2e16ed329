/*
 * The .tsm loader and the interpreter. The loader validates every field a hostile image
 * could use to make the interpreter read or write out of bounds; the interpreter then trusts
 * the tables and only dispatches to the kernels.
 */
#include <string.h>

#include "nn_math.h"
#include "nn_model.h"

_Static_assert(sizeof(nn_tsm_header) == NN_TSM_HEADER_SIZE, "header layout");
_Static_assert(sizeof(nn_tsm_tensor) == NN_TSM_TENSOR_SIZE, "tensor layout");
_Static_assert(sizeof(nn_tsm_layer) == NN_TSM_LAYER_SIZE, "layer layout");
_Static_assert(sizeof(float) == 4, "float32");

/* ===================================================================== names */

static const char *const status_names[NN_E_COUNT_] = {
    [NN_OK] = "ok",
    [NN_E_ALIGN] = "image not 4-byte aligned",
    [NN_E_TRUNCATED] = "image truncated",
    [NN_E_MAGIC] = "not a .tsm compiled model (bad magic)",
    [NN_E_VERSION] = "unsupported .tsm format version",
    [NN_E_CRC] = "checksum mismatch: corrupt image",
    [NN_E_HEADER] = "header field out of range",
    [NN_E_TENSOR] = "tensor record out of range",
    [NN_E_LAYER] = "layer record or operand out of range",
    [NN_E_PARAMS] = "layer parameter out of range",
    [NN_E_ARENA] = "arena missing or too small",
    [NN_E_KERNEL] = "kernel refused its arguments",
    [NN_E_NOFLOAT] = "a float32 layer, and this firmware was linked without the float kernels "
                     "(link with -Wl,--undefined=nn_run_layer_f32)",
};

const char *nn_strerror(nn_status s)
{
    if ((unsigned)s >= NN_E_COUNT_)
        return "unknown error";
    return status_names[s];
}

static const char *const op_names[NN_OP_COUNT_] = {
    [NN_OP_CONV_2D] = "CONV_2D",
    [NN_OP_DEPTHWISE_CONV_2D] = "DEPTHWISE_CONV_2D",
    [NN_OP_FULLY_CONNECTED] = "FULLY_CONNECTED",
    [NN_OP_AVERAGE_POOL_2D] = "AVERAGE_POOL_2D",
    [NN_OP_MAX_POOL_2D] = "MAX_POOL_2D",
    [NN_OP_ADD] = "ADD",
    [NN_OP_MUL] = "MUL",
    [NN_OP_SOFTMAX] = "SOFTMAX",
    [NN_OP_RESHAPE] = "RESHAPE",
    [NN_OP_QUANTIZE] = "QUANTIZE",
    [NN_OP_DEQUANTIZE] = "DEQUANTIZE",
    [NN_OP_LOGISTIC] = "LOGISTIC",
    [NN_OP_PAD] = "PAD",
    [NN_OP_CONCATENATION] = "CONCATENATION",
    [NN_OP_MEAN] = "MEAN",
    [NN_OP_TRANSPOSE] = "TRANSPOSE",
    [NN_OP_SLICE] = "SLICE",
    [NN_OP_STRIDED_SLICE] = "STRIDED_SLICE",
    [NN_OP_SPLIT] = "SPLIT",
    [NN_OP_SPLIT_V] = "SPLIT_V",
    [NN_OP_UNPACK] = "UNPACK",
    [NN_OP_DEPTH_TO_SPACE] = "DEPTH_TO_SPACE",
    [NN_OP_BATCH_TO_SPACE_ND] = "BATCH_TO_SPACE_ND",
    [NN_OP_PACK] = "PACK",
    [NN_OP_EXPAND_DIMS] = "EXPAND_DIMS",
    [NN_OP_SUB] = "SUB",
    [NN_OP_MINIMUM] = "MINIMUM",
    [NN_OP_MAXIMUM] = "MAXIMUM",
    [NN_OP_PRELU] = "PRELU",
    [NN_OP_RELU] = "RELU",
    [NN_OP_RELU6] = "RELU6",
    [NN_OP_LEAKY_RELU] = "LEAKY_RELU",
    [NN_OP_HARD_SWISH] = "HARD_SWISH",
    [NN_OP_TANH] = "TANH",
    [NN_OP_SUM] = "SUM",
    [NN_OP_REDUCE_MAX] = "REDUCE_MAX",
    [NN_OP_GATHER] = "GATHER",
    [NN_OP_PADV2] = "PADV2",
    [NN_OP_RESIZE_NEAREST_NEIGHBOR] = "RESIZE_NEAREST_NEIGHBOR",
    [NN_OP_SPACE_TO_BATCH_ND] = "SPACE_TO_BATCH_ND",
    [NN_OP_L2_NORMALIZATION] = "L2_NORMALIZATION",
    [NN_OP_CAST] = "CAST",
    [NN_OP_RESIZE_BILINEAR] = "RESIZE_BILINEAR",
    [NN_OP_TRANSPOSE_CONV] = "TRANSPOSE_CONV",
    [NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM] = "UNIDIRECTIONAL_SEQUENCE_LSTM",
    [NN_OP_SVDF] = "SVDF",
};

/* Ops whose kernel is an nn_move per output. */
static int is_move_op(uint32_t op)
{
    return op >= NN_OP_TRANSPOSE && op <= NN_OP_BATCH_TO_SPACE_ND;
}

/* Ops that move bytes whatever the type: no float kernels needed. */
static int is_typeless_op(uint32_t op)
{
    return is_move_op(op) || op == NN_OP_PACK || op == NN_OP_EXPAND_DIMS ||
           op == NN_OP_RESHAPE || op == NN_OP_GATHER || op == NN_OP_RESIZE_NEAREST_NEIGHBOR ||
           op == NN_OP_SPACE_TO_BATCH_ND;
}

/* Ops with several outputs. */
static int is_multi_output_op(uint32_t op)
{
    return op == NN_OP_SPLIT || op == NN_OP_SPLIT_V || op == NN_OP_UNPACK;
}

const char *nn_op_name(uint32_t op)
{
    if (op == 0 || op >= NN_OP_COUNT_)
        return "?";
    return op_names[op];
}

/* ===================================================================== small helpers */

/* A pointer into the image at a byte offset. Every typed use of it is at an offset the
 * loader checked for alignment, hence the cast through void. */
static const void *at(const uint8_t *image, uint32_t off)
{
    return image + off;
}

uint32_t nn_type_size(uint32_t type)
{
    switch (type) {
    case NN_T_INT8: return 1;
    case NN_T_INT16: return 2;
    case NN_T_INT32: return 4;
    case NN_T_FLOAT32: return 4;
    default: return 0;
    }
}

/* Right-align a tensor's dims into NHWC: [C] -> [1,1,1,C], [B,D] -> [1,1,B,D]. */
nn_dims nn_tensor_dims(const nn_tsm_tensor *t)
{
    int32_t d[4] = {1, 1, 1, 1};
    uint32_t nd = t->ndims;
    for (uint32_t i = 0; i < nd; i++)
        d[4 - nd + i] = t->dims[i];
    nn_dims r = {d[0], d[1], d[2], d[3]};
    return r;
}

static int32_t dim_at(const nn_dims *d, uint32_t i)
{
    switch (i) {
    case 0: return d->n;
    case 1: return d->h;
    case 2: return d->w;
    default: return d->c;
    }
}

static uint32_t elements(const nn_tsm_tensor *t)
{
    return t->size / nn_type_size(t->type);
}

uint32_t nn_tensor_elements(const nn_tsm_tensor *t)
{
    return nn_type_size(t->type) ? elements(t) : 0;
}

/* A float32's bits (the loader checks floats without float arithmetic: none on FPU-less
 * cores, and no soft-float routines linked into an int8-only firmware). */
static uint32_t fbits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* Not NaN (infinities are fine: the clamp of no activation is [-FLT_MAX, FLT_MAX], but a
 * converter may write +-inf). */
static int float_not_nan(float f)
{
    return (fbits(f) & 0x7fffffffu) <= 0x7f800000u;
}

/* A positive, finite float32, checked on its bits (no float arithmetic on FPU-less cores). */
static int float_positive_finite(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits != 0 && bits < 0x7f800000u;
}

/* Is [off, off+len) inside [lo, hi)? Overflow-safe. */
static int inside(uint32_t off, uint32_t len, uint32_t lo, uint32_t hi)
{
    return off >= lo && off <= hi && len <= hi - off;
}

/* ===================================================================== loader */

typedef struct {
    nn_model *m;
    nn_error *err;
    uint32_t data_lo, data_hi; /* the data section */
} loader;

static nn_status fail(loader *ld, nn_status s, int32_t layer, int32_t tensor,
                      const char *field, uint32_t offset)
{
    if (ld->err) {
        ld->err->status = s;
        ld->err->layer = layer;
        ld->err->tensor = tensor;
        ld->err->field = field;
        ld->err->offset = offset;
    }
    return s;
}

static int in_data(const loader *ld, uint32_t off, uint64_t len, uint32_t align)
{
    if (len > 0xffffffffu)
        return 0;
    return (off % align) == 0 && inside(off, (uint32_t)len, ld->data_lo, ld->data_hi);
}

static int valid_string(const nn_model *m, uint32_t off)
{
    return off < m->hdr->strings_size;
}

static nn_status check_header(loader *ld, const void *image, uint32_t size)
{
    nn_model *m = ld->m;
    if (image == NULL || ((uintptr_t)image & 3u) != 0)
        return fail(ld, NN_E_ALIGN, -1, -1, "image", 0);
    if (size < NN_TSM_HEADER_SIZE)
        return fail(ld, NN_E_TRUNCATED, -1, -1, "header", 0);
    const nn_tsm_header *h = (const nn_tsm_header *)image;
    m->image = (const uint8_t *)image;
    m->size = size;
    m->hdr = h;
    if (h->magic != NN_TSM_MAGIC)
        return fail(ld, NN_E_MAGIC, -1, -1, "magic", 0);
    if (h->version != NN_TSM_VERSION)
        return fail(ld, NN_E_VERSION, -1, -1, "version", 4);
    if (h->header_size != NN_TSM_HEADER_SIZE)
        return fail(ld, NN_E_HEADER, -1, -1, "header_size", 6);
    if (h->total_size > size)
        return fail(ld, NN_E_TRUNCATED, -1, -1, "total_size", 8);
    if (h->total_size < NN_TSM_HEADER_SIZE)
        return fail(ld, NN_E_HEADER, -1, -1, "total_size", 8);
    if (nn_crc32(0, m->image + 16, h->total_size - 16) != h->crc32)
        return fail(ld, NN_E_CRC, -1, -1, "crc32", 12);
    if (h->flags != 0)
        return fail(ld, NN_E_HEADER, -1, -1, "flags", 16);
    if (h->reserved[0] || h->reserved[1] || h->reserved[2])
        return fail(ld, NN_E_HEADER, -1, -1, "reserved", 68);
    uint32_t end = h->total_size;
    if (h->n_tensors == 0 || h->n_tensors > NN_MAX_TENSORS)
        return fail(ld, NN_E_HEADER, -1, -1, "n_tensors", 20);
    if ((h->tensors_off & 3u) ||
        !inside(h->tensors_off, h->n_tensors * NN_TSM_TENSOR_SIZE, NN_TSM_HEADER_SIZE, end))
        return fail(ld, NN_E_HEADER, -1, -1, "tensors_off", 24);
    if (h->n_layers == 0 || h->n_layers > NN_MAX_LAYERS)
        return fail(ld, NN_E_HEADER, -1, -1, "n_layers", 28);
    if ((h->layers_off & 3u) ||
        !inside(h->layers_off, h->n_layers * NN_TSM_LAYER_SIZE, NN_TSM_HEADER_SIZE, end))
        return fail(ld, NN_E_HEADER, -1, -1, "layers_off", 32);
    /* each offset and size is named on its own: the offset when it is outside the image or
     * misaligned, the size when the region it starts runs past the end */
    if ((h->data_off & 3u) || !inside(h->data_off, 0, NN_TSM_HEADER_SIZE, end))
        return fail(ld, NN_E_HEADER, -1, -1, "data_off", 36);
    if (!inside(h->data_off, h->data_size, NN_TSM_HEADER_SIZE, end))
        return fail(ld, NN_E_HEADER, -1, -1, "data_size", 40);
    if (!inside(h->strings_off, 0, NN_TSM_HEADER_SIZE, end))
        return fail(ld, NN_E_HEADER, -1, -1, "strings_off", 44);
    if (h->strings_size == 0 || !inside(h->strings_off, h->strings_size, NN_TSM_HEADER_SIZE, end) ||
        m->image[h->strings_off + h->strings_size - 1] != 0)
        return fail(ld, NN_E_HEADER, -1, -1, "strings_size", 48);
    if (m->image[h->strings_off] != 0) /* offset 0 is the empty string */
        return fail(ld, NN_E_HEADER, -1, -1, "strings_off", 44);
    if (h->n_inputs == 0 || h->n_inputs > NN_MAX_IO)
        return fail(ld, NN_E_HEADER, -1, -1, "n_inputs", 56);
    if (h->n_outputs == 0 || h->n_outputs > NN_MAX_IO)
        return fail(ld, NN_E_HEADER, -1, -1, "n_outputs", 58);
    ld->data_lo = h->data_off;
    ld->data_hi = h->data_off + h->data_size;
    if (!in_data(ld, h->io_off, 2u * (h->n_inputs + h->n_outputs), 2))
        return fail(ld, NN_E_HEADER, -1, -1, "io_off", 60);
    if (!valid_string(m, h->name))
        return fail(ld, NN_E_HEADER, -1, -1, "name", 64);
    m->tensors = (const nn_tsm_tensor *)at(m->image, h->tensors_off);
    m->layers = (const nn_tsm_layer *)at(m->image, h->layers_off);
    return NN_OK;
}

static nn_status check_tensor(loader *ld, uint32_t i)
{
    const nn_model *m = ld->m;
    const nn_tsm_tensor *t = &m->tensors[i];
    uint32_t rec = m->hdr->tensors_off + i * NN_TSM_TENSOR_SIZE;
    int32_t ti = (int32_t)i;
    uint32_t es = nn_type_size(t->type);
    if (es == 0)
        return fail(ld, NN_E_TENSOR, -1, ti, "type", rec);
    if (t->ndims > 4)
        return fail(ld, NN_E_TENSOR, -1, ti, "ndims", rec + 1);
    if ((t->flags & ~NN_TENSOR_VARIABLE) != 0 ||
        ((t->flags & NN_TENSOR_VARIABLE) && t->storage != NN_S_ARENA))
        return fail(ld, NN_E_TENSOR, -1, ti, "flags", rec + 3);
    uint64_t n = 1;
    static const char *const dim_fields[4] = {"dims[0]", "dims[1]", "dims[2]", "dims[3]"};
    for (uint32_t d = 0; d < 4; d++) {
        if (d < t->ndims) {
            if (t->dims[d] < 1 || t->dims[d] > NN_MAX_DIM)
                return fail(ld, NN_E_TENSOR, -1, ti, dim_fields[d], rec + 4 + 4 * d);
            n *= (uint64_t)t->dims[d];
            /* four dims of NN_MAX_DIM would wrap n to 0 and match a size of 0 */
            if (n > 0xffffffffu)
                return fail(ld, NN_E_TENSOR, -1, ti, "size", rec + 24);
        } else if (t->dims[d] != 0) {
            return fail(ld, NN_E_TENSOR, -1, ti, dim_fields[d], rec + 4 + 4 * d);
        }
    }
    if (n * es != t->size)
        return fail(ld, NN_E_TENSOR, -1, ti, "size", rec + 24);
    if (t->storage == NN_S_ARENA) {
        if ((t->offset & 3u) || !inside(t->offset, t->size, 0, m->hdr->arena_size))
            return fail(ld, NN_E_TENSOR, -1, ti, "offset", rec + 20);
    } else if (t->storage == NN_S_CONST) {
        if (!in_data(ld, t->offset, t->size, es))
            return fail(ld, NN_E_TENSOR, -1, ti, "offset", rec + 20);
    } else {
        return fail(ld, NN_E_TENSOR, -1, ti, "storage", rec + 2);
    }
    if (!valid_string(m, t->name))
        return fail(ld, NN_E_TENSOR, -1, ti, "name", rec + 36);
    if (t->nquant > NN_MAX_DIM || (t->nquant > 0 && !in_data(ld, t->quant_off, 4ull * t->nquant, 4)))
        return fail(ld, NN_E_TENSOR, -1, ti, "quant_off", rec + 44);
    return NN_OK;
}

/* ---- per-op checks. Each gets the layer, its operand tensors and its params. ---- */

typedef struct {
    uint32_t index, rec;              /* layer index, image offset of its record */
    const nn_tsm_layer *l;
    const nn_tsm_tensor *in[NN_MAX_LAYER_IO];
    const nn_tsm_tensor *out;         /* the first output */
    const nn_tsm_tensor *outs[NN_MAX_LAYER_IO];
    const void *params;
    uint32_t act; /* the type the layer computes in: NN_T_INT8 or NN_T_FLOAT32 */
} layer_ctx;

#define LFAIL(ld, c, s, field) fail((ld), (s), (int32_t)(c)->index, -1, (field), (c)->rec)

static int int8_range(int32_t lo, int32_t hi)
{
    return lo >= -128 && hi <= 127 && lo <= hi;
}

static int mult_ok(int32_t mult, int32_t shift)
{
    return mult >= 0 && shift >= -31 && shift <= 30;
}

static int quant_arrays_ok(loader *ld, uint32_t mult_off, uint32_t shift_off, uint32_t count)
{
    if (!in_data(ld, mult_off, 4ull * count, 4) || !in_data(ld, shift_off, 4ull * count, 4))
        return 0;
    const int32_t *mult = (const int32_t *)at(ld->m->image, mult_off);
    const int32_t *shift = (const int32_t *)at(ld->m->image, shift_off);
    for (uint32_t i = 0; i < count; i++)
        if (!mult_ok(mult[i], shift[i]))
            return 0;
    return 1;
}

/* An operand of the layer's type (int8 or float32). */
static int is_act(const layer_ctx *c, const nn_tsm_tensor *t)
{
    return t->type == c->act;
}

/* A bias of the layer's type: int32 for int8 layers, float32 for float32 layers. */
static int bias_ok(const layer_ctx *c, const nn_tsm_tensor *b, uint32_t n)
{
    uint32_t want = c->act == NN_T_FLOAT32 ? NN_T_FLOAT32 : NN_T_INT32;
    return b->type == want && b->storage == NN_S_CONST && elements(b) == n;
}

static int f32_act_ok(const nn_f32_act *a)
{
    return float_not_nan(a->act_min) && float_not_nan(a->act_max);
}

static nn_status check_conv(loader *ld, const layer_ctx *c)
{
    const int flt = c->act == NN_T_FLOAT32;
    const nn_tsm_conv *pc = c->params;
    const nn_f32_conv_params *pf = c->params;
    /* The geometry fields, from whichever record the layer has. */
    const int32_t stride_h = flt ? pf->stride_h : pc->p.stride_h;
    const int32_t stride_w = flt ? pf->stride_w : pc->p.stride_w;
    const int32_t dil_h = flt ? pf->dilation_h : pc->p.dilation_h;
    const int32_t dil_w = flt ? pf->dilation_w : pc->p.dilation_w;
    const int32_t pad_h = flt ? pf->pad_h : pc->p.pad_h, pad_w = flt ? pf->pad_w : pc->p.pad_w;
    const int32_t depth_mult = flt ? pf->depth_multiplier : pc->p.depth_multiplier;
    int dw = c->l->op == NN_OP_DEPTHWISE_CONV_2D;
    const nn_tsm_tensor *in = c->in[0], *w = c->in[1], *b = c->in[2];
    if (c->l->n_inputs != 3 || in == NULL || w == NULL)
        return LFAIL(ld, c, NN_E_LAYER, "n_inputs");
    if (!is_act(c, in) || in->ndims != 4 || !is_act(c, c->out) || c->out->ndims != 4)
        return LFAIL(ld, c, NN_E_LAYER, "input/output type or rank");
    if (!is_act(c, w) || w->ndims != 4 || w->storage != NN_S_CONST)
        return LFAIL(ld, c, NN_E_LAYER, "weights");
    int32_t cout = c->out->dims[3];
    if (in->dims[0] != c->out->dims[0])
        return LFAIL(ld, c, NN_E_LAYER, "batch");
    if (dw) {
        if (w->dims[0] != 1 || w->dims[3] != cout || depth_mult < 1 ||
            (int64_t)in->dims[3] * depth_mult != cout)
            return LFAIL(ld, c, NN_E_PARAMS, "depth_multiplier");
    } else if (w->dims[0] != cout || w->dims[3] != in->dims[3]) {
        return LFAIL(ld, c, NN_E_LAYER, "weights shape");
    }
    if (b && !bias_ok(c, b, (uint32_t)cout))
        return LFAIL(ld, c, NN_E_LAYER, "bias");
    if (stride_h < 1 || stride_h > NN_MAX_STRIDE || stride_w < 1 || stride_w > NN_MAX_STRIDE)
        return LFAIL(ld, c, NN_E_PARAMS, "stride");
    if (dil_h < 1 || dil_h > NN_MAX_STRIDE || dil_w < 1 || dil_w > NN_MAX_STRIDE)
        return LFAIL(ld, c, NN_E_PARAMS, "dilation");
    if (pad_h < 0 || pad_h > (w->dims[1] - 1) * dil_h || pad_w < 0 ||
        pad_w > (w->dims[2] - 1) * dil_w)
        return LFAIL(ld, c, NN_E_PARAMS, "padding");
    if (flt)
        return f32_act_ok(&pf->act) ? NN_OK : LFAIL(ld, c, NN_E_PARAMS, "activation range");
    const nn_conv_params *p = &pc->p;
    if (p->input_offset < -127 || p->input_offset > 128 || p->output_offset < -128 ||
        p->output_offset > 127)
        return LFAIL(ld, c, NN_E_PARAMS, "zero point");
    if (!int8_range(p->act_min, p->act_max))
        return LFAIL(ld, c, NN_E_PARAMS, "activation range");
    if (!quant_arrays_ok(ld, pc->mult_off, pc->shift_off, (uint32_t)cout))
        return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
    return NN_OK;
}

/* TRANSPOSE_CONV: input [N,H,W,Cin], weights [Cout,KH,KW,Cin], output [N,OH,OW,Cout]. */
static nn_status check_tconv(loader *ld, const layer_ctx *c)
{
    const int flt = c->act == NN_T_FLOAT32;
    const nn_tsm_conv *pc = c->params;
    const nn_f32_conv_params *pf = c->params;
    const nn_tsm_tensor *in = c->in[0], *w = c->in[1], *b = c->in[2];
    if (c->l->n_inputs != 3 || in == NULL || w == NULL)
        return LFAIL(ld, c, NN_E_LAYER, "n_inputs");
    if (!is_act(c, in) || in->ndims != 4 || !is_act(c, c->out) || c->out->ndims != 4 ||
        !is_act(c, w) || w->ndims != 4 || w->storage != NN_S_CONST)
        return LFAIL(ld, c, NN_E_LAYER, "operand types or ranks");
    const int32_t cout = c->out->dims[3];
    if (in->dims[0] != c->out->dims[0] || w->dims[0] != cout || w->dims[3] != in->dims[3])
        return LFAIL(ld, c, NN_E_LAYER, "shapes");
    if (b && !bias_ok(c, b, (uint32_t)cout))
        return LFAIL(ld, c, NN_E_LAYER, "bias");
    const int32_t sh = flt ? pf->stride_h : pc->p.stride_h, sw = flt ? pf->stride_w : pc->p.stride_w;
    const int32_t ph = flt ? pf->pad_h : pc->p.pad_h, pw = flt ? pf->pad_w : pc->p.pad_w;
    if (sh < 1 || sh > NN_MAX_STRIDE || sw < 1 || sw > NN_MAX_STRIDE || ph < 0 ||
        ph > NN_MAX_DIM || pw < 0 || pw > NN_MAX_DIM)
        return LFAIL(ld, c, NN_E_PARAMS, "stride/padding");
    if (flt)
        return f32_act_ok(&pf->act) ? NN_OK : LFAIL(ld, c, NN_E_PARAMS, "activation range");
    if (pc->p.input_offset < -127 || pc->p.input_offset > 128 || pc->p.output_offset < -128 ||
        pc->p.output_offset > 127 || !int8_range(pc->p.act_min, pc->p.act_max))
        return LFAIL(ld, c, NN_E_PARAMS, "zero point / activation range");
    if (!quant_arrays_ok(ld, pc->mult_off, pc->shift_off, (uint32_t)cout))
        return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
    return NN_OK;
}

/* UNIDIRECTIONAL_SEQUENCE_LSTM, float32: input [batch, time, in] (or [time, batch, in]),
 * weights [state, in] x 4 and [state, state] x 4, biases [state] x 4, hidden and cell state
 * [batch, state] (variable tensors), output [batch, time, state] (or time major). */
static nn_status check_lstm(loader *ld, const layer_ctx *c)
{
    const nn_lstm_params *p = c->params;
    const int flt = c->act == NN_T_FLOAT32;
    if (c->l->n_inputs != 15)
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    if (!flt) {
        const nn_lstm_s8_params *q = c->params;
        if (q->hidden_zero_point < INT8_MIN || q->hidden_zero_point > INT8_MAX ||
            q->cell_clip < 0 || q->cell_clip > INT16_MAX || q->cell_scale_power < -31 ||
            q->cell_scale_power > 2 || (q->cell_activation != 4 && q->cell_activation != 6) ||
            !mult_ok(q->forget_cell.multiplier, q->forget_cell.shift) ||
            !mult_ok(q->input_cell.multiplier, q->input_cell.shift) ||
            !mult_ok(q->output_hidden.multiplier, q->output_hidden.shift))
            return LFAIL(ld, c, NN_E_PARAMS, "lstm quantization");
        for (int g = 0; g < 4; g++)
            for (int k = 0; k < 2; k++) {
                const nn_lstm_fc *f = &q->gate[g][k];
                if (f->input_offset < -127 || f->input_offset > 128 || f->weights_offset < -127 ||
                    f->weights_offset > 128 || !mult_ok(f->multiplier, f->shift))
                    return LFAIL(ld, c, NN_E_PARAMS, "lstm gate quantization");
            }
    }
    if (p->batch < 1 || p->time < 1 || p->input_dim < 1 || p->state_dim < 1 ||
        p->batch > NN_MAX_DIM || p->time > NN_MAX_DIM || p->input_dim > NN_MAX_DIM ||
        p->state_dim > NN_MAX_DIM || (p->time_major != 0 && p->time_major != 1) ||
        (flt && ((p->cell_activation != 4 && p->cell_activation != 6) ||
                 !float_not_nan(p->cell_clip))))
        return LFAIL(ld, c, NN_E_PARAMS, "lstm sizes");
    const uint64_t B = (uint64_t)p->batch, T = (uint64_t)p->time, I = (uint64_t)p->input_dim,
                   S = (uint64_t)p->state_dim;
    const nn_tsm_tensor *in = c->in[0];
    if (in == NULL || !is_act(c, in) || elements(in) != B * T * I || !is_act(c, c->out) ||
        elements(c->out) != B * T * S)
        return LFAIL(ld, c, NN_E_LAYER, "input/output shape");
    for (uint32_t k = 1; k <= 8; k++) {
        const nn_tsm_tensor *w = c->in[k];
        if (w == NULL || w->type != c->act || w->storage != NN_S_CONST ||
            elements(w) != S * (k <= 4 ? I : S))
            return LFAIL(ld, c, NN_E_LAYER, "weights");
    }
    for (uint32_t k = 9; k <= 12; k++)
        if (c->in[k] == NULL || !bias_ok(c, c->in[k], (uint32_t)S))
            return LFAIL(ld, c, NN_E_LAYER, "bias");
    for (uint32_t k = 13; k <= 14; k++)
        if (c->in[k] == NULL ||
            c->in[k]->type != (k == 14 && !flt ? (uint32_t)NN_T_INT16 : c->act) ||
            c->in[k]->storage != NN_S_ARENA ||
            !(c->in[k]->flags & NN_TENSOR_VARIABLE) || elements(c->in[k]) != B * S)
            return LFAIL(ld, c, NN_E_LAYER, "state tensors");
    return NN_OK;
}

/* Does v fit the integer type (NN_T_INT8, NN_T_INT16, NN_T_INT32)? */
static int int_fits(uint32_t type, int32_t v)
{
    return type == NN_T_INT8    ? v >= INT8_MIN && v <= INT8_MAX
           : type == NN_T_INT16 ? v >= INT16_MIN && v <= INT16_MAX
                                : type == NN_T_INT32;
}

/* SVDF, int8 (TFLM's PrepareSvdf checks): input [batch, input_dim], feature weights
 * [filters, input_dim], time weights [filters, memory] int8 or int16, bias [units] int32,
 * state [batch, filters * memory] of the time weights' type, output [batch, units]. */
static nn_status check_svdf(loader *ld, const layer_ctx *c)
{
    const nn_svdf_params *p = c->params;
    if (c->l->n_inputs != 5)
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    if (c->act != NN_T_INT8 || p->batch < 1 || p->input_dim < 1 || p->filters < 1 ||
        p->rank < 1 || p->memory < 1 || p->batch > NN_MAX_DIM || p->input_dim > NN_MAX_DIM ||
        p->filters > NN_MAX_DIM || p->rank > NN_MAX_DIM || p->memory > NN_MAX_DIM ||
        p->filters % p->rank != 0 || (p->state_int16 != 0 && p->state_int16 != 1))
        return LFAIL(ld, c, NN_E_PARAMS, "svdf sizes");
    const uint32_t st = p->state_int16 ? NN_T_INT16 : NN_T_INT8;
    if (p->input_zero_point < INT8_MIN || p->input_zero_point > INT8_MAX ||
        p->output_zero_point < INT8_MIN || p->output_zero_point > INT8_MAX ||
        !int_fits(st, p->state_zero_point) || !mult_ok(p->multiplier_1, p->shift_1) ||
        !mult_ok(p->multiplier_2, p->shift_2))
        return LFAIL(ld, c, NN_E_PARAMS, "svdf quantization");
    const uint64_t B = (uint64_t)p->batch, I = (uint64_t)p->input_dim,
                   F = (uint64_t)p->filters, M = (uint64_t)p->memory,
                   U = F / (uint64_t)p->rank;
    const nn_tsm_tensor *in = c->in[0], *wf = c->in[1], *wt = c->in[2], *b = c->in[3],
                        *state = c->in[4];
    if (in == NULL || in->type != NN_T_INT8 || elements(in) != B * I ||
        c->out->type != NN_T_INT8 || elements(c->out) != B * U)
        return LFAIL(ld, c, NN_E_LAYER, "input/output shape");
    if (wf == NULL || wf->type != NN_T_INT8 || wf->storage != NN_S_CONST ||
        elements(wf) != F * I || wt == NULL || wt->type != st || wt->storage != NN_S_CONST ||
        elements(wt) != F * M)
        return LFAIL(ld, c, NN_E_LAYER, "weights");
    if (b == NULL || !bias_ok(c, b, (uint32_t)U))
        return LFAIL(ld, c, NN_E_LAYER, "bias");
    if (state == NULL || state->type != st || state->storage != NN_S_ARENA ||
        !(state->flags & NN_TENSOR_VARIABLE) || elements(state) != B * F * M)
        return LFAIL(ld, c, NN_E_LAYER, "state tensor");
    return NN_OK;
}

static nn_status check_fc(loader *ld, const layer_ctx *c)
{
    const nn_tsm_fc *pf = c->params;
    const nn_tsm_tensor *in = c->in[0], *w = c->in[1], *b = c->in[2];
    if (c->l->n_inputs != 3 || in == NULL || w == NULL)
        return LFAIL(ld, c, NN_E_LAYER, "n_inputs");
    if (!is_act(c, in) || !is_act(c, c->out))
        return LFAIL(ld, c, NN_E_LAYER, "input/output type");
    if (!is_act(c, w) || w->ndims != 2 || w->storage != NN_S_CONST)
        return LFAIL(ld, c, NN_E_LAYER, "weights");
    uint32_t out_depth = (uint32_t)w->dims[0], accum = (uint32_t)w->dims[1];
    if (elements(in) % accum != 0 ||
        (uint64_t)(elements(in) / accum) * out_depth != elements(c->out))
        return LFAIL(ld, c, NN_E_LAYER, "shape");
    if (b && !bias_ok(c, b, out_depth))
        return LFAIL(ld, c, NN_E_LAYER, "bias");
    if (c->act == NN_T_FLOAT32)
        return f32_act_ok(c->params) ? NN_OK : LFAIL(ld, c, NN_E_PARAMS, "activation range");
    const nn_fc_params *p = &pf->p;
    if (p->input_offset < -127 || p->input_offset > 128 || p->output_offset < -128 ||
        p->output_offset > 127 || p->weights_offset < -127 || p->weights_offset > 128)
        return LFAIL(ld, c, NN_E_PARAMS, "zero point");
    if (!int8_range(p->act_min, p->act_max))
        return LFAIL(ld, c, NN_E_PARAMS, "activation range");
    if ((pf->quant_count != 1 && pf->quant_count != out_depth) ||
        !quant_arrays_ok(ld, pf->mult_off, pf->shift_off, pf->quant_count))
        return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
    return NN_OK;
}

static nn_status check_pool(loader *ld, const layer_ctx *c)
{
    /* nn_pool_params and nn_f32_pool_params share their first six fields */
    const nn_pool_params *p = c->params;
    const nn_tsm_tensor *in = c->in[0], *out = c->out;
    if (c->l->n_inputs != 1 || !is_act(c, in) || !is_act(c, out) || in->ndims != 4 ||
        out->ndims != 4)
        return LFAIL(ld, c, NN_E_LAYER, "input/output type or rank");
    if (in->dims[0] != out->dims[0] || in->dims[3] != out->dims[3])
        return LFAIL(ld, c, NN_E_LAYER, "shape");
    if (p->stride_h < 1 || p->stride_h > NN_MAX_STRIDE || p->stride_w < 1 ||
        p->stride_w > NN_MAX_STRIDE)
        return LFAIL(ld, c, NN_E_PARAMS, "stride");
    if (p->filter_h < 1 || p->filter_h > NN_MAX_DIM || p->filter_w < 1 || p->filter_w > NN_MAX_DIM)
        return LFAIL(ld, c, NN_E_PARAMS, "filter");
    if (p->pad_h < 0 || p->pad_h >= p->filter_h || p->pad_w < 0 || p->pad_w >= p->filter_w)
        return LFAIL(ld, c, NN_E_PARAMS, "padding");
    /* Every window must see at least one input pixel (an average over none divides by 0). */
    if ((int64_t)(out->dims[1] - 1) * p->stride_h - p->pad_h >= in->dims[1] ||
        (int64_t)(out->dims[2] - 1) * p->stride_w - p->pad_w >= in->dims[2])
        return LFAIL(ld, c, NN_E_PARAMS, "output shape");
    if (c->act == NN_T_FLOAT32 ? !f32_act_ok(&((const nn_f32_pool_params *)c->params)->act)
                               : !int8_range(p->act_min, p->act_max))
        return LFAIL(ld, c, NN_E_PARAMS, "activation range");
    return NN_OK;
}

/* Right-aligned 4-D broadcasting: each input dim equals the output's or is 1, and the
 * output is exactly the broadcast shape (in each dim the larger of the inputs'). */
static int broadcast_ok(const nn_tsm_tensor *a, const nn_tsm_tensor *b, const nn_tsm_tensor *out)
{
    nn_dims da = nn_tensor_dims(a), db = nn_tensor_dims(b), dout = nn_tensor_dims(out);
    for (uint32_t i = 0; i < 4; i++) {
        int32_t x = dim_at(&da, i), y = dim_at(&db, i), o = dim_at(&dout, i);
        if ((x != o && x != 1) || (y != o && y != 1) || o != NN_MAX(x, y))
            return 0;
    }
    return 1;
}

static nn_status check_binary(loader *ld, const layer_ctx *c)
{
    const nn_tsm_tensor *a = c->in[0], *b = c->in[1];
    if (c->l->n_inputs != 2 || a == NULL || b == NULL || !is_act(c, a) || !is_act(c, b) ||
        !is_act(c, c->out))
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    if (!broadcast_ok(a, b, c->out))
        return LFAIL(ld, c, NN_E_LAYER, "broadcast shape");
    const uint32_t op = c->l->op;
    if (c->act == NN_T_FLOAT32)
        return op == NN_OP_ADD || op == NN_OP_MUL || op == NN_OP_SUB
                   ? (f32_act_ok(c->params) ? NN_OK
                                            : LFAIL(ld, c, NN_E_PARAMS, "activation range"))
                   : NN_OK;
    if (op == NN_OP_MINIMUM || op == NN_OP_MAXIMUM)
        return NN_OK;
    if (op == NN_OP_PRELU) {
        const nn_prelu_params *p = c->params;
        if (!mult_ok(p->multiplier_1, p->shift_1) || !mult_ok(p->multiplier_2, p->shift_2))
            return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
        if (p->input_offset < -127 || p->input_offset > 128 || p->alpha_offset < -127 ||
            p->alpha_offset > 128 || p->output_offset < -128 || p->output_offset > 127)
            return LFAIL(ld, c, NN_E_PARAMS, "zero point");
        return NN_OK;
    }
    if (op == NN_OP_ADD || op == NN_OP_SUB) {
        const nn_add_params *p = c->params;
        if (p->left_shift < 0 || p->left_shift > 20 ||
            !mult_ok(p->input1_multiplier, p->input1_shift) ||
            !mult_ok(p->input2_multiplier, p->input2_shift) ||
            !mult_ok(p->output_multiplier, p->output_shift) || p->input1_shift > 0 ||
            p->input2_shift > 0 || p->output_shift > 0)
            return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
        if (p->input1_offset < -127 || p->input1_offset > 128 || p->input2_offset < -127 ||
            p->input2_offset > 128 || p->output_offset < -128 || p->output_offset > 127)
            return LFAIL(ld, c, NN_E_PARAMS, "zero point");
        if (!int8_range(p->act_min, p->act_max))
            return LFAIL(ld, c, NN_E_PARAMS, "activation range");
    } else {
        const nn_mul_params *p = c->params;
        if (!mult_ok(p->output_multiplier, p->output_shift) || p->output_shift > 15)
            return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
        if (p->input1_offset < -127 || p->input1_offset > 128 || p->input2_offset < -127 ||
            p->input2_offset > 128 || p->output_offset < -128 || p->output_offset > 127)
            return LFAIL(ld, c, NN_E_PARAMS, "zero point");
        if (!int8_range(p->act_min, p->act_max))
            return LFAIL(ld, c, NN_E_PARAMS, "activation range");
    }
    return NN_OK;
}

static nn_status check_unary(loader *ld, const layer_ctx *c, uint32_t in_type, uint32_t out_type)
{
    const nn_tsm_tensor *in = c->in[0];
    if (c->l->n_inputs != 1 || in == NULL || in->type != in_type || c->out->type != out_type)
        return LFAIL(ld, c, NN_E_LAYER, "operand type");
    if (elements(in) != elements(c->out))
        return LFAIL(ld, c, NN_E_LAYER, "shape");
    return NN_OK;
}

static nn_status check_activation(loader *ld, const layer_ctx *c)
{
    const int out16 = c->l->op == NN_OP_SOFTMAX && c->act == NN_T_INT8 &&
                      c->out->type == NN_T_INT16;
    nn_status s = check_unary(ld, c, c->act, out16 ? NN_T_INT16 : c->act);
    if (s != NN_OK)
        return s;
    if (c->act == NN_T_FLOAT32) {
        if (c->l->op == NN_OP_SOFTMAX &&
            (c->in[0]->ndims < 1 || !float_not_nan(((const nn_tsm_softmax_f32 *)c->params)->beta)))
            return LFAIL(ld, c, NN_E_PARAMS, "softmax parameters");
        return NN_OK;
    }
    if (c->l->op == NN_OP_SOFTMAX) {
        const nn_softmax_params *p = c->params;
        /* -diff_min (at most 255 matters) shifted left must stay an int32 */
        if (c->in[0]->ndims < 1 || p->input_multiplier < 0 || p->input_left_shift < 0 ||
            p->input_left_shift > 31 || p->diff_min > 0 ||
            ((int64_t)NN_MIN(-(int64_t)p->diff_min, 255) << p->input_left_shift) > INT32_MAX)
            return LFAIL(ld, c, NN_E_PARAMS, "softmax parameters");
    } else {
        const nn_logistic_params *p = c->params;
        if (p->input_zero_point < -128 || p->input_zero_point > 127 ||
            p->input_range_radius < 0 || p->input_multiplier < 0 || p->input_left_shift < 0 ||
            p->input_left_shift > 31)
            return LFAIL(ld, c, NN_E_PARAMS, "logistic parameters");
    }
    return NN_OK;
}

/* RELU, RELU6, LEAKY_RELU, HARD_SWISH, TANH: one input, same count and type out. */
static nn_status check_unary_act(loader *ld, const layer_ctx *c)
{
    nn_status s = check_unary(ld, c, c->act, c->act);
    if (s != NN_OK || c->act == NN_T_FLOAT32)
        return s;
    const uint32_t op = c->l->op;
    int ok = 1;
    if (op == NN_OP_RELU) {
        const nn_relu_params *p = c->params;
        ok = mult_ok(p->multiplier, p->shift) && int8_range(p->act_min, p->act_max) &&
             int8_range(p->input_zero_point, p->input_zero_point) &&
             int8_range(p->output_zero_point, p->output_zero_point);
    } else if (op == NN_OP_LEAKY_RELU) {
        const nn_leaky_relu_params *p = c->params;
        ok = mult_ok(p->multiplier_identity, p->shift_identity) &&
             p->multiplier_alpha != INT32_MIN && p->shift_alpha >= -31 && p->shift_alpha <= 30 &&
             int8_range(p->input_zero_point, p->input_zero_point) &&
             int8_range(p->output_zero_point, p->output_zero_point);
    } else if (op == NN_OP_HARD_SWISH) {
        const nn_hard_swish_params *p = c->params;
        ok = p->output_exponent <= 0 && p->output_exponent >= -15 &&
             p->reluish_exponent >= -15 && p->reluish_exponent <= 15 &&
             p->output_multiplier >= INT16_MIN && p->output_multiplier <= INT16_MAX &&
             p->reluish_multiplier >= INT16_MIN && p->reluish_multiplier <= INT16_MAX &&
             int8_range(p->input_zero_point, p->input_zero_point) &&
             int8_range(p->output_zero_point, p->output_zero_point);
    } else if (op == NN_OP_TANH) {
        const nn_logistic_params *p = c->params;
        ok = p->input_zero_point >= -128 && p->input_zero_point <= 127 &&
             p->input_range_radius >= 0 && p->input_multiplier >= 0 &&
             p->input_left_shift >= 0 && p->input_left_shift <= 31;
    }
    return ok ? NN_OK : LFAIL(ld, c, NN_E_PARAMS, "activation parameters");
}

static nn_status check_quant(loader *ld, const layer_ctx *c)
{
    const nn_tsm_quant *p = c->params;
    nn_status s;
    if (c->l->op == NN_OP_DEQUANTIZE)
        s = check_unary(ld, c, NN_T_INT8, NN_T_FLOAT32);
    else if (p->kind == 0)
        s = check_unary(ld, c, NN_T_FLOAT32, NN_T_INT8);
    else if (p->kind == 1)
        s = check_unary(ld, c, NN_T_INT8, NN_T_INT8);
    else if (p->kind == 2) {
        const nn_tsm_tensor *in = c->in[0];
        const uint32_t it = in ? in->type : 0, ot = c->out->type;
        /* TFLM's PrepareQuantizeReference: the integer pairs it requantizes */
        const int pair_ok = (it == NN_T_INT16 && (ot == NN_T_INT8 || ot == NN_T_INT16 ||
                                                   ot == NN_T_INT32)) ||
                            (it == NN_T_INT8 && (ot == NN_T_INT16 || ot == NN_T_INT32)) ||
                            (it == NN_T_INT32 && (ot == NN_T_INT8 || ot == NN_T_INT16));
        if (!pair_ok)
            return LFAIL(ld, c, NN_E_LAYER, "operand type");
        s = check_unary(ld, c, it, ot);
        if (s != NN_OK)
            return s;
        if (!int_fits(it, p->input_zero_point) || !int_fits(ot, p->zero_point))
            return LFAIL(ld, c, NN_E_PARAMS, "zero point");
        if (!mult_ok(p->multiplier, p->shift))
            return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
        return NN_OK;
    } else
        return LFAIL(ld, c, NN_E_PARAMS, "kind");
    if (s != NN_OK)
        return s;
    if (p->zero_point < -128 || p->zero_point > 127 || p->input_zero_point < -128 ||
        p->input_zero_point > 127)
        return LFAIL(ld, c, NN_E_PARAMS, "zero point");
    if (p->kind == 1 && c->l->op == NN_OP_QUANTIZE) {
        if (!mult_ok(p->multiplier, p->shift) || p->shift > 22)
            return LFAIL(ld, c, NN_E_PARAMS, "multipliers");
    } else if (!float_positive_finite(p->scale)) {
        return LFAIL(ld, c, NN_E_PARAMS, "scale");
    }
    return NN_OK;
}

static nn_status check_pad(loader *ld, const layer_ctx *c)
{
    /* nn_tsm_pad and nn_tsm_pad_f32 share their paddings */
    const nn_tsm_pad *p = c->params;
    const nn_tsm_tensor *in = c->in[0];
    if (c->l->n_inputs != 1 || in == NULL || !is_act(c, in) || !is_act(c, c->out) ||
        in->ndims != c->out->ndims)
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    nn_dims di = nn_tensor_dims(in), dout = nn_tensor_dims(c->out);
    for (uint32_t d = 0; d < 4; d++) {
        if (p->pad[d][0] < 0 || p->pad[d][1] < 0 || p->pad[d][0] > NN_MAX_DIM ||
            p->pad[d][1] > NN_MAX_DIM ||
            dim_at(&di, d) + p->pad[d][0] + p->pad[d][1] != dim_at(&dout, d))
            return LFAIL(ld, c, NN_E_PARAMS, "paddings");
    }
    if (c->act == NN_T_FLOAT32 ? !float_not_nan(((const nn_tsm_pad_f32 *)c->params)->pad_value)
                               : p->pad_value < -128 || p->pad_value > 127)
        return LFAIL(ld, c, NN_E_PARAMS, "pad value");
    return NN_OK;
}

static nn_status check_concat(loader *ld, const layer_ctx *c)
{
    const nn_tsm_concat *p = c->params;
    if (p->axis < 0 || p->axis > 3)
        return LFAIL(ld, c, NN_E_PARAMS, "axis");
    if (!is_act(c, c->out))
        return LFAIL(ld, c, NN_E_LAYER, "output type");
    nn_dims dout = nn_tensor_dims(c->out);
    int64_t sum = 0;
    for (uint32_t i = 0; i < c->l->n_inputs; i++) {
        const nn_tsm_tensor *in = c->in[i];
        if (in == NULL || !is_act(c, in))
            return LFAIL(ld, c, NN_E_LAYER, "inputs");
        nn_dims di = nn_tensor_dims(in);
        for (uint32_t d = 0; d < 4; d++)
            if (d != (uint32_t)p->axis && dim_at(&di, d) != dim_at(&dout, d))
                return LFAIL(ld, c, NN_E_LAYER, "input shape");
        sum += dim_at(&di, (uint32_t)p->axis);
    }
    if (sum != dim_at(&dout, (uint32_t)p->axis))
        return LFAIL(ld, c, NN_E_LAYER, "output shape");
    return NN_OK;
}

static nn_status check_mean(loader *ld, const layer_ctx *c)
{
    const nn_mean_params *p = c->params;
    const nn_tsm_tensor *in = c->in[0];
    const int small = c->act == NN_T_FLOAT32 || c->l->op == NN_OP_REDUCE_MAX;
    const int32_t axis_mask = small ? ((const nn_tsm_mean_f32 *)c->params)->axis_mask
                                    : p->axis_mask;
    if (c->l->n_inputs != 1 || in == NULL || !is_act(c, in) || !is_act(c, c->out))
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    if (axis_mask < 1 || axis_mask > 15)
        return LFAIL(ld, c, NN_E_PARAMS, "axis_mask");
    nn_dims di = nn_tensor_dims(in);
    /* The output may drop the reduced dims (keep_dims false): compare element counts. */
    uint64_t kept = 1;
    for (uint32_t d = 0; d < 4; d++)
        if (!(axis_mask & (1 << d)))
            kept *= (uint64_t)dim_at(&di, d);
    if (kept != elements(c->out))
        return LFAIL(ld, c, NN_E_LAYER, "output shape");
    if (small)
        return NN_OK;
    if (p->input_zero_point < -128 || p->input_zero_point > 127 || p->output_zero_point < -128 ||
        p->output_zero_point > 127 || p->multiplier < 0 || p->shift < -31 || p->shift > 31)
        return LFAIL(ld, c, NN_E_PARAMS, "quantization");
    return NN_OK;
}

/* Each output k: of the input's type, its nn_move's space the output's size, reading only
 * inside the input. */
static nn_status check_move(loader *ld, const layer_ctx *c)
{
    const nn_tsm_tensor *in = c->in[0];
    if (c->l->n_inputs != 1 || in == NULL || nn_type_size(in->type) == 0)
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    const nn_move *mv = c->params;
    for (uint32_t k = 0; k < c->l->n_outputs; k++) {
        const nn_tsm_tensor *out = c->outs[k];
        if (out->type != in->type)
            return LFAIL(ld, c, NN_E_LAYER, "output type");
        if (mv[k].ndims < 1 || mv[k].ndims > NN_MOVE_DIMS)
            return LFAIL(ld, c, NN_E_PARAMS, "move ndims");
        uint64_t n = 1;
        for (int32_t d = 0; d < mv[k].ndims; d++) {
            if (mv[k].dims[d] < 1)
                return LFAIL(ld, c, NN_E_PARAMS, "move dims");
            n *= (uint64_t)mv[k].dims[d];
        }
        if (n != elements(out))
            return LFAIL(ld, c, NN_E_PARAMS, "move dims");
        int64_t lo, hi;
        nn_move_extent(&mv[k], &lo, &hi);
        if (lo < 0 || hi >= (int64_t)elements(in))
            return LFAIL(ld, c, NN_E_PARAMS, "move stride/offset");
    }
    return NN_OK;
}

static nn_status check_pack(loader *ld, const layer_ctx *c)
{
    const nn_tsm_pack *p = c->params;
    if (p->outer < 1 || p->inner < 1 ||
        (uint64_t)p->outer * (uint64_t)p->inner * c->l->n_inputs != elements(c->out))
        return LFAIL(ld, c, NN_E_PARAMS, "pack shape");
    for (uint32_t k = 0; k < c->l->n_inputs; k++)
        if (c->in[k] == NULL || c->in[k]->type != c->out->type ||
            (uint64_t)elements(c->in[k]) != (uint64_t)p->outer * (uint64_t)p->inner)
            return LFAIL(ld, c, NN_E_LAYER, "inputs");
    return NN_OK;
}

static nn_status check_gather(loader *ld, const layer_ctx *c)
{
    const nn_gather_params *p = c->params;
    const nn_tsm_tensor *in = c->in[0], *ix = c->in[1];
    if (c->l->n_inputs != 2 || in == NULL || ix == NULL || ix->type != NN_T_INT32 ||
        in->type != c->out->type || nn_type_size(in->type) == 0)
        return LFAIL(ld, c, NN_E_LAYER, "operands");
    if (p->batch < 1 || p->outer < 1 || p->coord < 1 || p->axis_size < 1 || p->inner < 1)
        return LFAIL(ld, c, NN_E_PARAMS, "gather sizes");
    const uint64_t bo = (uint64_t)p->batch * (uint64_t)p->outer;
    if (bo * (uint64_t)p->axis_size * (uint64_t)p->inner != elements(in) ||
        bo * (uint64_t)p->coord * (uint64_t)p->inner != elements(c->out) ||
        (uint64_t)p->batch * (uint64_t)p->coord != elements(ix))
        return LFAIL(ld, c, NN_E_PARAMS, "gather sizes");
    return NN_OK;
}

static nn_status check_resize_nn(loader *ld, const layer_ctx *c)
{
    const nn_tsm_resize_nn *p = c->params;
    const nn_tsm_tensor *in = c->in[0], *out = c->out;
    if (c->l->n_inputs != 1 || in == NULL || in->type != out->type || in->ndims != 4 ||
        out->ndims != 4 || in->dims[0] != out->dims[0] || in->dims[3] != out->dims[3] ||
        p->out_h != out->dims[1] || p->out_w != out->dims[2])
        return LFAIL(ld, c, NN_E_LAYER, "resize shapes");
    const int32_t *ix = (const int32_t *)(const void *)(p + 1);
    for (int32_t i = 0; i < p->out_h + p->out_w; i++)
        if (ix[i] < 0 || ix[i] >= (i < p->out_h ? in->dims[1] : in->dims[2]))
            return LFAIL(ld, c, NN_E_PARAMS, "resize index");
    return NN_OK;
}

static nn_status check_space_to_batch(loader *ld, const layer_ctx *c)
{
    const nn_space_to_batch_params *p = c->params;
    const nn_tsm_tensor *in = c->in[0], *out = c->out;
    if (c->l->n_inputs != 1 || in == NULL || in->type != out->type || in->ndims != 4 ||
        out->ndims != 4 || in->dims[3] != out->dims[3])
        return LFAIL(ld, c, NN_E_LAYER, "shapes");
    if (p->block_h < 1 || p->block_w < 1 || p->pad_top < 0 || p->pad_left < 0 ||
        p->block_h > NN_MAX_DIM || p->block_w > NN_MAX_DIM ||
        (int64_t)in->dims[0] * p->block_h * p->block_w != out->dims[0] ||
        p->pad_top > (int64_t)out->dims[1] * p->block_h ||
        p->pad_left > (int64_t)out->dims[2] * p->block_w)
        return LFAIL(ld, c, NN_E_PARAMS, "block and padding");
    return NN_OK;
}

uint32_t nn_op_params_size(uint32_t op, int is_float)
{
    if (is_move_op(op))
        return sizeof(nn_move);
    if (op == NN_OP_PACK)
        return sizeof(nn_tsm_pack);
    if (op == NN_OP_EXPAND_DIMS)
        return sizeof(nn_tsm_none);
    if (op == NN_OP_GATHER)
        return sizeof(nn_gather_params);
    if (op == NN_OP_RESIZE_NEAREST_NEIGHBOR)
        return sizeof(nn_tsm_resize_nn); /* plus its indices: check_layer */
    if (op == NN_OP_SPACE_TO_BATCH_ND)
        return sizeof(nn_space_to_batch_params);
    if (op == NN_OP_REDUCE_MAX)
        return sizeof(nn_tsm_mean_f32);
    if (op == NN_OP_CAST)
        return sizeof(nn_tsm_none);
    if (op == NN_OP_RESIZE_BILINEAR)
        return sizeof(nn_resize_params);
    if (is_float) {
        switch (op) {
        case NN_OP_CONV_2D:
        case NN_OP_DEPTHWISE_CONV_2D:
        case NN_OP_TRANSPOSE_CONV: return sizeof(nn_f32_conv_params);
        case NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return sizeof(nn_lstm_params);
        case NN_OP_FULLY_CONNECTED:
        case NN_OP_ADD:
        case NN_OP_MUL: return sizeof(nn_f32_act);
        case NN_OP_AVERAGE_POOL_2D:
        case NN_OP_MAX_POOL_2D: return sizeof(nn_f32_pool_params);
        case NN_OP_SOFTMAX: return sizeof(nn_tsm_softmax_f32);
        case NN_OP_LOGISTIC:
        case NN_OP_RESHAPE: return sizeof(nn_tsm_none);
        case NN_OP_PAD: return sizeof(nn_tsm_pad_f32);
        case NN_OP_CONCATENATION: return sizeof(nn_tsm_concat);
        case NN_OP_MEAN:
        case NN_OP_SUM: return sizeof(nn_tsm_mean_f32);
        case NN_OP_PADV2: return sizeof(nn_tsm_pad_f32);
        case NN_OP_SUB: return sizeof(nn_f32_act);
        case NN_OP_LEAKY_RELU: return sizeof(nn_tsm_leaky_relu_f32);
        case NN_OP_MINIMUM:
        case NN_OP_MAXIMUM:
        case NN_OP_PRELU:
        case NN_OP_RELU:
        case NN_OP_RELU6:
        case NN_OP_HARD_SWISH:
        case NN_OP_TANH:
        case NN_OP_L2_NORMALIZATION: return sizeof(nn_tsm_none);
        default: return 0;
        }
    }
    switch (op) {
    case NN_OP_CONV_2D:
    case NN_OP_DEPTHWISE_CONV_2D:
    case NN_OP_TRANSPOSE_CONV: return sizeof(nn_tsm_conv);
    case NN_OP_FULLY_CONNECTED: return sizeof(nn_tsm_fc);
    case NN_OP_AVERAGE_POOL_2D:
    case NN_OP_MAX_POOL_2D: return sizeof(nn_pool_params);
    case NN_OP_ADD: return sizeof(nn_add_params);
    case NN_OP_MUL: return sizeof(nn_mul_params);
    case NN_OP_SOFTMAX: return sizeof(nn_softmax_params);
    case NN_OP_LOGISTIC: return sizeof(nn_logistic_params);
    case NN_OP_RESHAPE: return sizeof(nn_tsm_none);
    case NN_OP_QUANTIZE:
    case NN_OP_DEQUANTIZE: return sizeof(nn_tsm_quant);
    case NN_OP_PAD: return sizeof(nn_tsm_pad);
    case NN_OP_CONCATENATION: return sizeof(nn_tsm_concat);
    case NN_OP_MEAN:
    case NN_OP_SUM: return sizeof(nn_mean_params);
    case NN_OP_PADV2: return sizeof(nn_tsm_pad);
    case NN_OP_SUB: return sizeof(nn_add_params);
    case NN_OP_MINIMUM:
    case NN_OP_MAXIMUM: return sizeof(nn_tsm_none);
    case NN_OP_PRELU: return sizeof(nn_prelu_params);
    case NN_OP_RELU: return sizeof(nn_relu_params);
    case NN_OP_RELU6: return sizeof(nn_clamp_params);
    case NN_OP_LEAKY_RELU: return sizeof(nn_leaky_relu_params);
    case NN_OP_HARD_SWISH: return sizeof(nn_hard_swish_params);
    case NN_OP_TANH: return sizeof(nn_logistic_params);
    case NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return sizeof(nn_lstm_s8_params);
    case NN_OP_SVDF: return sizeof(nn_svdf_params);
    case NN_OP_L2_NORMALIZATION: return sizeof(nn_tsm_l2norm);
    default: return 0;
    }
}

static int arena_overlap(const nn_tsm_tensor *a, const nn_tsm_tensor *b)
{
    if (a->storage != NN_S_ARENA || b->storage != NN_S_ARENA)
        return 0;
    return a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

static nn_status check_layer(loader *ld, uint32_t i)
{
    const nn_model *m = ld->m;
    layer_ctx c;
    memset(&c, 0, sizeof c);
    c.index = i;
    c.rec = m->hdr->layers_off + i * NN_TSM_LAYER_SIZE;
    c.l = &m->layers[i];
    const nn_tsm_layer *l = c.l;
    if (l->op == 0 || l->op >= NN_OP_COUNT_)
        return LFAIL(ld, &c, NN_E_LAYER, "op");
    if (l->n_inputs < 1 || l->n_inputs > NN_MAX_LAYER_IO || l->n_outputs < 1 ||
        l->n_outputs > NN_MAX_LAYER_IO || (l->n_outputs > 1 && !is_multi_output_op(l->op)))
        return LFAIL(ld, &c, NN_E_LAYER, "n_inputs/n_outputs");
    if (!in_data(ld, l->io_off, 2u * (l->n_inputs + l->n_outputs), 2))
        return LFAIL(ld, &c, NN_E_LAYER, "io_off");
    if (l->reserved || (l->scratch_size == 0 && l->scratch_off != 0))
        return LFAIL(ld, &c, NN_E_LAYER, "scratch_size");
    if (!valid_string(m, l->name))
        return LFAIL(ld, &c, NN_E_LAYER, "name");
    const uint16_t *io = (const uint16_t *)at(m->image, l->io_off);
    int has_bias_slot = l->op == NN_OP_CONV_2D || l->op == NN_OP_DEPTHWISE_CONV_2D ||
                        l->op == NN_OP_FULLY_CONNECTED || l->op == NN_OP_TRANSPOSE_CONV;
    for (uint32_t k = 0; k < l->n_inputs; k++) {
        if (io[k] == NN_NO_TENSOR && has_bias_slot && k == 2)
            continue;
        if (io[k] >= m->hdr->n_tensors)
            return LFAIL(ld, &c, NN_E_LAYER, "input index");
        c.in[k] = &m->tensors[io[k]];
    }
    for (uint32_t j = 0; j < l->n_outputs; j++) {
        uint32_t o = io[l->n_inputs + j];
        if (o >= m->hdr->n_tensors || m->tensors[o].storage != NN_S_ARENA)
            return LFAIL(ld, &c, NN_E_LAYER, "output index");
        c.outs[j] = &m->tensors[o];
        for (uint32_t k = 0; k < j; k++)
            if (arena_overlap(c.outs[k], c.outs[j]))
                return LFAIL(ld, &c, NN_E_LAYER, "outputs overlap in the arena");
    }
    c.out = c.outs[0];
    c.act = l->op != NN_OP_QUANTIZE && l->op != NN_OP_DEQUANTIZE && c.out->type == NN_T_FLOAT32
                ? NN_T_FLOAT32 : NN_T_INT8;
    if (l->op == NN_OP_CAST && c.in[0] && c.in[0]->type == NN_T_FLOAT32)
        c.act = NN_T_FLOAT32;
    uint32_t expect = nn_op_params_size(l->op, c.act == NN_T_FLOAT32);
    if (expect == 0)
        return LFAIL(ld, &c, NN_E_LAYER, "op");
    expect *= is_move_op(l->op) ? l->n_outputs : 1u;
    if (l->op == NN_OP_RESIZE_NEAREST_NEIGHBOR) { /* the indices follow the header */
        if (c.out->ndims != 4)
            return LFAIL(ld, &c, NN_E_LAYER, "output rank");
        expect += 4u * (uint32_t)(c.out->dims[1] + c.out->dims[2]);
    }
    if (l->params_size != expect || !in_data(ld, l->params_off, expect, 4))
        return LFAIL(ld, &c, NN_E_LAYER, "params_off/params_size");
    const int in_place = l->op == NN_OP_RESHAPE || l->op == NN_OP_EXPAND_DIMS;
    for (uint32_t k = 0; k < l->n_inputs; k++)
        for (uint32_t j = 0; j < l->n_outputs; j++)
            if (c.in[k] && arena_overlap(c.in[k], c.outs[j]) &&
                !(in_place && c.in[k]->offset == c.outs[j]->offset))
                return LFAIL(ld, &c, NN_E_LAYER, "output overlaps an input in the arena");
    c.params = m->image + l->params_off;
    /* scratch (after the params are known to be in the image): the int8 TRANSPOSE_CONV's
     * accumulators and the LSTM's buffers, 4-aligned in the arena, apart from the layer's
     * tensors */
    const int lstm = l->op == NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, svdf = l->op == NN_OP_SVDF;
    const int wants_scratch = (l->op == NN_OP_TRANSPOSE_CONV && c.act == NN_T_INT8) || lstm ||
                              svdf;
    uint32_t want_scratch = 4u * elements(c.out);
    if (lstm) { /* four buffers of batch x state cells (float32, or int16 for int8) */
        const nn_lstm_params *lp = c.params; /* batch and state_dim: common to both */
        want_scratch = lp->batch > 0 && lp->state_dim > 0 && lp->batch <= NN_MAX_DIM &&
                               lp->state_dim <= NN_MAX_DIM
                           ? (c.act == NN_T_FLOAT32 ? 16u : 8u) * (uint32_t)lp->batch *
                                 (uint32_t)lp->state_dim
                           : 0;
    }
    if (svdf) { /* int32: batch x filters dot products, batch x units sums */
        const nn_svdf_params *sp = c.params;
        want_scratch = sp->batch > 0 && sp->filters > 0 && sp->rank > 0 &&
                               sp->batch <= NN_MAX_DIM && sp->filters <= NN_MAX_DIM &&
                               (uint64_t)sp->batch * (uint64_t)sp->filters <= (1u << 26)
                           ? 4u * (uint32_t)sp->batch *
                                 (uint32_t)(sp->filters + sp->filters / sp->rank)
                           : 0;
    }
    if (wants_scratch ? (want_scratch == 0 || l->scratch_size != want_scratch)
                      : l->scratch_size != 0)
        return LFAIL(ld, &c, NN_E_LAYER, "scratch_size");
    if (wants_scratch) {
        const nn_tsm_tensor sc = {.type = NN_T_INT32, .storage = NN_S_ARENA,
                                  .offset = l->scratch_off, .size = l->scratch_size};
        if ((l->scratch_off & 3u) != 0 || !inside(l->scratch_off, l->scratch_size, 0,
                                                   m->hdr->arena_size))
            return LFAIL(ld, &c, NN_E_LAYER, "scratch_off");
        for (uint32_t k = 0; k < l->n_inputs; k++)
            if (c.in[k] && arena_overlap(c.in[k], &sc))
                return LFAIL(ld, &c, NN_E_LAYER, "scratch overlaps an input");
        if (arena_overlap(c.out, &sc))
            return LFAIL(ld, &c, NN_E_LAYER, "scratch overlaps the output");
    }
    switch (l->op) {
    case NN_OP_CONV_2D:
    case NN_OP_DEPTHWISE_CONV_2D: return check_conv(ld, &c);
    case NN_OP_FULLY_CONNECTED: return check_fc(ld, &c);
    case NN_OP_AVERAGE_POOL_2D:
    case NN_OP_MAX_POOL_2D: return check_pool(ld, &c);
    case NN_OP_ADD:
    case NN_OP_MUL: return check_binary(ld, &c);
    case NN_OP_SOFTMAX:
    case NN_OP_LOGISTIC: return check_activation(ld, &c);
    case NN_OP_RESHAPE:
    case NN_OP_EXPAND_DIMS:
        if (c.in[0] == NULL || c.in[0]->type != c.out->type || c.in[0]->size != c.out->size ||
            l->n_inputs != 1)
            return LFAIL(ld, &c, NN_E_LAYER, "reshape operands");
        return NN_OK;
    case NN_OP_PACK: return check_pack(ld, &c);
    case NN_OP_TRANSPOSE_CONV: return check_tconv(ld, &c);
    case NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return check_lstm(ld, &c);
    case NN_OP_SVDF: return check_svdf(ld, &c);
    case NN_OP_L2_NORMALIZATION: {
        nn_status st = check_unary(ld, &c, c.act, c.act);
        if (st != NN_OK)
            return st;
        if (c.in[0]->ndims < 1)
            return LFAIL(ld, &c, NN_E_LAYER, "rank");
        if (c.act == NN_T_INT8 && !int8_range(((const nn_tsm_l2norm *)c.params)->input_zero_point,
                                              ((const nn_tsm_l2norm *)c.params)->input_zero_point))
            return LFAIL(ld, &c, NN_E_PARAMS, "zero point");
        return NN_OK;
    }
    case NN_OP_RESIZE_BILINEAR: {
        const nn_resize_params *p = c.params;
        const nn_tsm_tensor *in = c.in[0];
        if (l->n_inputs != 1 || in == NULL || !is_act(&c, in) || !is_act(&c, c.out) ||
            in->ndims != 4 || c.out->ndims != 4 || in->dims[0] != c.out->dims[0] ||
            in->dims[3] != c.out->dims[3])
            return LFAIL(ld, &c, NN_E_LAYER, "resize shapes");
        if ((p->align_corners != 0 && p->align_corners != 1) ||
            (p->half_pixel_centers != 0 && p->half_pixel_centers != 1))
            return LFAIL(ld, &c, NN_E_PARAMS, "resize flags");
        return NN_OK;
    }
    case NN_OP_CAST:
        if (l->n_inputs != 1 || c.in[0] == NULL || nn_type_size(c.in[0]->type) == 0 ||
            c.in[0]->type == NN_T_INT16 || c.out->type == NN_T_INT16 ||
            elements(c.in[0]) != elements(c.out))
            return LFAIL(ld, &c, NN_E_LAYER, "operands");
        return NN_OK;
    case NN_OP_SUM:
    case NN_OP_REDUCE_MAX: return check_mean(ld, &c);
    case NN_OP_PADV2: return check_pad(ld, &c);
    case NN_OP_GATHER: return check_gather(ld, &c);
    case NN_OP_RESIZE_NEAREST_NEIGHBOR: return check_resize_nn(ld, &c);
    case NN_OP_SPACE_TO_BATCH_ND: return check_space_to_batch(ld, &c);
    case NN_OP_SUB:
    case NN_OP_MINIMUM:
    case NN_OP_MAXIMUM:
    case NN_OP_PRELU: return check_binary(ld, &c);
    case NN_OP_RELU:
    case NN_OP_RELU6:
    case NN_OP_LEAKY_RELU:
    case NN_OP_HARD_SWISH:
    case NN_OP_TANH: return check_unary_act(ld, &c);
    case NN_OP_QUANTIZE:
    case NN_OP_DEQUANTIZE: return check_quant(ld, &c);
    case NN_OP_PAD: return check_pad(ld, &c);
    case NN_OP_CONCATENATION: return check_concat(ld, &c);
    case NN_OP_MEAN: return check_mean(ld, &c);
    default:
        if (is_move_op(l->op))
            return check_move(ld, &c);
        return LFAIL(ld, &c, NN_E_LAYER, "op");
    }
}

nn_status nn_model_load(nn_model *m, const void *image, uint32_t size, void *arena,
                        uint32_t arena_size, nn_error *err)
{
    loader ld = {m, err, 0, 0};
    memset(m, 0, sizeof *m);
    nn_status s = check_header(&ld, image, size);
    if (s != NN_OK)
        goto bad;
    for (uint32_t i = 0; i < m->hdr->n_tensors; i++)
        if ((s = check_tensor(&ld, i)) != NN_OK)
            goto bad;
    const uint16_t *io = (const uint16_t *)at(m->image, m->hdr->io_off);
    for (uint32_t i = 0; i < (uint32_t)m->hdr->n_inputs + m->hdr->n_outputs; i++) {
        if (io[i] >= m->hdr->n_tensors || m->tensors[io[i]].storage != NN_S_ARENA) {
            s = fail(&ld, NN_E_HEADER, -1, io[i] < m->hdr->n_tensors ? io[i] : -1,
                     "io tensor index", m->hdr->io_off + 2 * i);
            goto bad;
        }
    }
    for (uint32_t i = 0; i < m->hdr->n_layers; i++)
        if ((s = check_layer(&ld, i)) != NN_OK)
            goto bad;
    if (arena != NULL) {
        if (((uintptr_t)arena & 3u) != 0 || arena_size < m->hdr->arena_size) {
            s = fail(&ld, NN_E_ARENA, -1, -1, "arena_size", 52);
            goto bad;
        }
        m->arena = arena;
        m->arena_size = arena_size;
        /* state starts at zero, an int8 one at its zero point's byte (TFLM's
         * ResetTensorData) */
        for (uint32_t i = 0; i < m->hdr->n_tensors; i++) {
            const nn_tsm_tensor *t = &m->tensors[i];
            if (t->flags & NN_TENSOR_VARIABLE)
                memset(m->arena + t->offset,
                       t->type == NN_T_INT8 ? (int)(uint8_t)(int8_t)t->zero_point : 0, t->size);
        }
    }
    if (err)
        fail(&ld, NN_OK, -1, -1, "", 0);
    return NN_OK;
bad:
    memset(m, 0, sizeof *m);
    return s;
}

/* ===================================================================== accessors */

int nn_layer_is_float(const nn_model *m, uint32_t l)
{
    const nn_tsm_layer *ly = &m->layers[l];
    const nn_tsm_tensor *out = &m->tensors[nn_layer_operand(m, l, ly->n_inputs)];
    if (ly->op == NN_OP_CAST) /* a float32 side needs the float kernels */
        return out->type == NN_T_FLOAT32 ||
               m->tensors[nn_layer_operand(m, l, 0)].type == NN_T_FLOAT32;
    return ly->op != NN_OP_QUANTIZE && ly->op != NN_OP_DEQUANTIZE && !is_typeless_op(ly->op) &&
           out->type == NN_T_FLOAT32;
}

uint32_t nn_layer_operand(const nn_model *m, uint32_t layer, uint32_t i)
{
    const uint16_t *io = (const uint16_t *)at(m->image, m->layers[layer].io_off);
    return io[i];
}

uint32_t nn_model_input(const nn_model *m, uint32_t i)
{
    return ((const uint16_t *)at(m->image, m->hdr->io_off))[i];
}

uint32_t nn_model_output(const nn_model *m, uint32_t i)
{
    return ((const uint16_t *)at(m->image, m->hdr->io_off))[m->hdr->n_inputs + i];
}

const void *nn_tensor_data(const nn_model *m, uint32_t t)
{
    const nn_tsm_tensor *x = &m->tensors[t];
    if (x->storage == NN_S_CONST)
        return m->image + x->offset;
    return m->arena ? m->arena + x->offset : NULL;
}

const char *nn_string(const nn_model *m, uint32_t off)
{
    if (off >= m->hdr->strings_size)
        return "";
    return (const char *)(m->image + m->hdr->strings_off + off);
}

uint64_t nn_layer_macs(const nn_model *m, uint32_t layer)
{
    const nn_tsm_layer *l = &m->layers[layer];
    const nn_tsm_tensor *out = &m->tensors[nn_layer_operand(m, layer, l->n_inputs)];
    const nn_tsm_tensor *w;
    switch (l->op) {
    case NN_OP_CONV_2D:
        w = &m->tensors[nn_layer_operand(m, layer, 1)];
        return (uint64_t)elements(out) * (uint64_t)w->dims[1] * (uint64_t)w->dims[2] *
               (uint64_t)w->dims[3];
    case NN_OP_DEPTHWISE_CONV_2D:
        w = &m->tensors[nn_layer_operand(m, layer, 1)];
        return (uint64_t)elements(out) * (uint64_t)w->dims[1] * (uint64_t)w->dims[2];
    case NN_OP_FULLY_CONNECTED:
        w = &m->tensors[nn_layer_operand(m, layer, 1)];
        return (uint64_t)elements(out) * (uint64_t)w->dims[1];
    case NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: { /* per step and row: 4 gates x (in + state) */
        const nn_lstm_params *p = (const nn_lstm_params *)(const void *)(m->image + l->params_off);
        return (uint64_t)p->batch * (uint64_t)p->time * 4u * (uint64_t)p->state_dim *
               ((uint64_t)p->input_dim + (uint64_t)p->state_dim);
    }
    case NN_OP_SVDF: { /* per batch row: the feature FC and the time dot products */
        const nn_svdf_params *p = (const nn_svdf_params *)(const void *)(m->image + l->params_off);
        return (uint64_t)p->batch * (uint64_t)p->filters *
               ((uint64_t)p->input_dim + (uint64_t)p->memory);
    }
    case NN_OP_TRANSPOSE_CONV: /* every input value through the whole filter */
        w = &m->tensors[nn_layer_operand(m, layer, 1)];
        return (uint64_t)elements(&m->tensors[nn_layer_operand(m, layer, 0)]) *
               (uint64_t)w->dims[0] * (uint64_t)w->dims[1] * (uint64_t)w->dims[2];
    default:
        return 0;
    }
}

/* ===================================================================== interpreter */

/* Weak: NULL unless the firmware links core/nn_float.c (see core/nn_float.h). */
extern nn_status nn_run_layer_f32(nn_model *m, uint32_t layer) __attribute__((weak));

static void *tdata(nn_model *m, uint32_t t)
{
    const nn_tsm_tensor *x = &m->tensors[t];
    if (x->storage == NN_S_CONST)
        return (void *)(uintptr_t)(m->image + x->offset);
    return m->arena + x->offset;
}

static nn_status run_kernel(nn_model *m, uint32_t li)
{
    const nn_tsm_layer *l = &m->layers[li];
    const uint16_t *io = (const uint16_t *)at(m->image, l->io_off);
    const void *params = m->image + l->params_off;
    const nn_tsm_tensor *in = &m->tensors[io[0]];
    const nn_tsm_tensor *out = &m->tensors[io[l->n_inputs]];
    nn_dims din = nn_tensor_dims(in), dout = nn_tensor_dims(out);
    void *x = tdata(m, io[0]);
    void *y = tdata(m, io[l->n_inputs]);
    nn_kernel_status ks = NN_KERNEL_EARG;

    switch (l->op) {
    case NN_OP_CONV_2D:
    case NN_OP_DEPTHWISE_CONV_2D: {
        const nn_tsm_conv *p = params;
        nn_dims dw = nn_tensor_dims(&m->tensors[io[1]]);
        nn_quant q = {at(m->image, p->mult_off),
                      at(m->image, p->shift_off), dout.c};
        const int32_t *bias = io[2] == NN_NO_TENSOR ? NULL : tdata(m, io[2]);
        if (l->op == NN_OP_CONV_2D)
            ks = nn_conv2d_s8(&p->p, &q, &din, x, &dw, tdata(m, io[1]), bias, &dout, y);
        else
            ks = nn_dwconv2d_s8(&p->p, &q, &din, x, &dw, tdata(m, io[1]), bias, &dout, y);
        break;
    }
    case NN_OP_TRANSPOSE_CONV: {
        const nn_tsm_conv *p = params;
        nn_dims dw = nn_tensor_dims(&m->tensors[io[1]]);
        nn_quant q = {at(m->image, p->mult_off), at(m->image, p->shift_off), dout.c};
        const int32_t *bias = io[2] == NN_NO_TENSOR ? NULL : tdata(m, io[2]);
        ks = nn_transpose_conv_s8(&p->p, &q, &din, x, &dw, tdata(m, io[1]), bias, &dout, y,
                                  (int32_t *)(void *)(m->arena + l->scratch_off));
        break;
    }
    case NN_OP_UNIDIRECTIONAL_SEQUENCE_LSTM: {
        const int8_t *w[8];
        const int32_t *b[4];
        for (uint32_t k = 0; k < 8; k++)
            w[k] = tdata(m, io[1 + k]);
        for (uint32_t k = 0; k < 4; k++)
            b[k] = tdata(m, io[9 + k]);
        ks = nn_lstm_s8(params, x, w, b, tdata(m, io[13]), tdata(m, io[14]), y,
                        (int16_t *)(void *)(m->arena + l->scratch_off));
        break;
    }
    case NN_OP_SVDF:
        ks = nn_svdf_s8(params, x, tdata(m, io[1]), tdata(m, io[2]), tdata(m, io[3]),
                        tdata(m, io[4]), (int32_t *)(void *)(m->arena + l->scratch_off), y);
        break;
    case NN_OP_FULLY_CONNECTED: {
        const nn_tsm_fc *p = params;
        const nn_tsm_tensor *w = &m->tensors[io[1]];
        nn_quant q = {at(m->image, p->mult_off),
                      at(m->image, p->shift_off), (int32_t)p->quant_count};
        const int32_t *bias = io[2] == NN_NO_TENSOR ? NULL : tdata(m, io[2]);
        int32_t accum = w->dims[1];
        ks = nn_fc_s8(&p->p, &q, (int32_t)(elements(in) / (uint32_t)accum), accum, w->dims[0],
                      x, tdata(m, io[1]), bias, y);
        break;
    }
    case NN_OP_AVERAGE_POOL_2D:
        ks = nn_avgpool_s8(params, &din, x, &dout, y);
        break;
    case NN_OP_MAX_POOL_2D:
        ks = nn_maxpool_s8(params, &din, x, &dout, y);
        break;
    case NN_OP_ADD:
    case NN_OP_MUL:
    case NN_OP_SUB:
    case NN_OP_MINIMUM:
    case NN_OP_MAXIMUM:
    case NN_OP_PRELU: {
        nn_dims d2 = nn_tensor_dims(&m->tensors[io[1]]);
        const int8_t *x2 = tdata(m, io[1]);
        switch (l->op) {
        case NN_OP_ADD: ks = nn_add_s8(params, &din, x, &d2, x2, &dout, y); break;
        case NN_OP_MUL: ks = nn_mul_s8(params, &din, x, &d2, x2, &dout, y); break;
        case NN_OP_SUB: ks = nn_sub_s8(params, &din, x, &d2, x2, &dout, y); break;
        case NN_OP_PRELU: ks = nn_prelu_s8(params, &din, x, &d2, x2, &dout, y); break;
        default: ks = nn_minmax_s8(l->op == NN_OP_MAXIMUM, &din, x, &d2, x2, &dout, y); break;
        }
        break;
    }
    case NN_OP_RELU: ks = nn_relu_s8(params, (int32_t)elements(in), x, y); break;
    case NN_OP_RELU6: ks = nn_relu6_s8(params, (int32_t)elements(in), x, y); break;
    case NN_OP_LEAKY_RELU: ks = nn_leaky_relu_s8(params, (int32_t)elements(in), x, y); break;
    case NN_OP_HARD_SWISH: ks = nn_hard_swish_s8(params, (int32_t)elements(in), x, y); break;
    case NN_OP_TANH: ks = nn_tanh_s8(params, (int32_t)elements(in), x, y); break;
    case NN_OP_SOFTMAX: {
        int32_t depth = in->dims[in->ndims - 1];
        const int32_t rows = (int32_t)(elements(in) / (uint32_t)depth);
        if (out->type == NN_T_INT16)
            ks = nn_softmax_s8_s16(params, rows, depth, x, (int16_t *)y);
        else
            ks = nn_softmax_s8(params, rows, depth, x, y);
        break;
    }
    case NN_OP_LOGISTIC:
        ks = nn_logistic_s8(params, (int32_t)elements(in), x, y);
        break;
    case NN_OP_RESHAPE:
    case NN_OP_EXPAND_DIMS:
        if (x != y)
            memmove(y, x, in->size);
        ks = NN_KERNEL_OK;
        break;
    case NN_OP_PACK: {
        /* a concatenation of the inputs' bytes, each [outer, 1, inner], on axis 2 */
        const nn_tsm_pack *p = params;
        const int32_t esz = (int32_t)nn_type_size(out->type);
        nn_dims dims[NN_MAX_LAYER_IO], dpack = {1, p->outer, (int32_t)l->n_inputs, p->inner * esz};
        const nn_dims *dptr[NN_MAX_LAYER_IO];
        const int8_t *ptr[NN_MAX_LAYER_IO];
        for (uint32_t k = 0; k < l->n_inputs; k++) {
            dims[k] = (nn_dims){1, p->outer, 1, p->inner * esz};
            dptr[k] = &dims[k];
            ptr[k] = tdata(m, io[k]);
        }
        ks = nn_concat_s8(2, (int32_t)l->n_inputs, dptr, ptr, &dpack, y);
        break;
    }
    case NN_OP_QUANTIZE: {
        const nn_tsm_quant *p = params;
        if (p->kind == 0)
            ks = nn_quantize_f32_s8((int32_t)elements(in), x, p->scale, p->zero_point, y);
        else if (p->kind == 2)
            ks = nn_requantize_int((int32_t)elements(in), x, (int32_t)nn_type_size(in->type),
                                   p->input_zero_point, p->multiplier, p->shift, p->zero_point,
                                   y, (int32_t)nn_type_size(out->type));
        else
            ks = nn_requantize_s8((int32_t)elements(in), x, p->input_zero_point, p->multiplier,
                                  p->shift, p->zero_point, y);
        break;
    }
    case NN_OP_DEQUANTIZE: {
        const nn_tsm_quant *p = params;
        ks = nn_dequantize_s8_f32((int32_t)elements(in), x, p->scale, p->zero_point, y);
        break;
    }
    case NN_OP_PAD:
    case NN_OP_PADV2: {
        const nn_tsm_pad *p = params;
        ks = nn_pad_s8(&din, x, (const int32_t(*)[2])p->pad, (int8_t)p->pad_value, &dout, y);
        break;
    }
    case NN_OP_CONCATENATION: {
        const nn_tsm_concat *p = params;
        nn_dims dims[NN_MAX_LAYER_IO];
        const nn_dims *dptr[NN_MAX_LAYER_IO];
        const int8_t *ptr[NN_MAX_LAYER_IO];
        for (uint32_t k = 0; k < l->n_inputs; k++) {
            dims[k] = nn_tensor_dims(&m->tensors[io[k]]);
            dptr[k] = &dims[k];
            ptr[k] = tdata(m, io[k]);
        }
        ks = nn_concat_s8(p->axis, l->n_inputs, dptr, ptr, &dout, y);
        break;
    }
    case NN_OP_MEAN:
    case NN_OP_SUM:
    case NN_OP_REDUCE_MAX: {
        /* The kernel sees the output with the reduced dims kept as 1. */
        const int32_t mask = l->op == NN_OP_REDUCE_MAX
                                 ? ((const nn_tsm_mean_f32 *)params)->axis_mask
                                 : ((const nn_mean_params *)params)->axis_mask;
        nn_dims dk = din;
        if (mask & 1) dk.n = 1;
        if (mask & 2) dk.h = 1;
        if (mask & 4) dk.w = 1;
        if (mask & 8) dk.c = 1;
        if (l->op == NN_OP_REDUCE_MAX)
            ks = nn_reduce_max_s8(mask, &din, x, &dk, y);
        else
            ks = nn_mean_s8(params, &din, x, &dk, y);
        break;
    }
    case NN_OP_GATHER:
        ks = nn_gather(params, nn_type_size(in->type), x, tdata(m, io[1]), y);
        break;
    case NN_OP_RESIZE_NEAREST_NEIGHBOR: {
        const nn_tsm_resize_nn *p = params;
        ks = nn_resize_nearest(&din, x, p->out_h, p->out_w,
                               (const int32_t *)(const void *)(p + 1), nn_type_size(in->type), y);
        break;
    }
    case NN_OP_SPACE_TO_BATCH_ND:
        ks = nn_space_to_batch(params, &din, x, &dout, nn_type_size(in->type), y);
        break;
    case NN_OP_L2_NORMALIZATION: {
        const int32_t depth = in->dims[in->ndims - 1];
        ks = nn_l2norm_s8(((const nn_tsm_l2norm *)params)->input_zero_point,
                          (int32_t)(elements(in) / (uint32_t)depth), depth, x, y);
        break;
    }
    case NN_OP_RESIZE_BILINEAR: ks = nn_resize_bilinear_s8(params, &din, x, &dout, y); break;
    case NN_OP_CAST: ks = nn_cast(in->type, out->type, (int32_t)elements(in), x, y); break;
    default:
        if (is_move_op(l->op)) {
            const nn_move *mv = params;
            ks = NN_KERNEL_OK;
            for (uint32_t k = 0; k < l->n_outputs && ks == NN_KERNEL_OK; k++)
                ks = nn_move_run(&mv[k], nn_type_size(in->type), x, elements(in),
                             tdata(m, io[l->n_inputs + k]));
        }
        break;
    }
    return ks == NN_KERNEL_OK ? NN_OK : NN_E_KERNEL;
}

nn_status nn_run_layer(nn_model *m, uint32_t layer)
{
    if (m->arena == NULL)
        return NN_E_ARENA;
    if (layer >= m->hdr->n_layers)
        return NN_E_LAYER;
    nn_probe_layer_begin(m, layer);
    nn_status s;
    if (!nn_layer_is_float(m, layer))
        s = run_kernel(m, layer);
    else if (nn_run_layer_f32 != NULL)
        s = nn_run_layer_f32(m, layer);
    else
        s = NN_E_NOFLOAT;
    nn_probe_layer_end(m, layer);
    return s;
}

nn_status nn_invoke(nn_model *m)
{
    if (m->arena == NULL)
        return NN_E_ARENA;
    nn_status s = NN_OK;
    nn_probe_inference_begin(m);
    for (uint32_t i = 0; i < m->hdr->n_layers && s == NN_OK; i++)
        s = nn_run_layer(m, i);
    nn_probe_inference_end(m);
    return s;
}
