/*
 * The converter's data-movement ops: TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V, UNPACK,
 * PACK, EXPAND_DIMS, DEPTH_TO_SPACE and BATCH_TO_SPACE_ND. Each becomes nn_move maps (one per
 * output; core/nn_kernels.h) computed here from the op's constant operands as TFLM's kernels
 * compute their loops (tensorflow/lite/micro/kernels/<op>.cc and the reference_ops they
 * call, at the TFLM commit of ../shared/golden); PACK is a concatenation on a new axis.
 * Bytes are copied as they are, so int8 tensors keep whatever quantization they have: TFLM
 * checks none of these ops' scales either.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert_int.h"

/* Input and output: int8 or float32, the same type (TFLM copies raw elements). */
static int same_type(cv_ctx *c, int in, int out)
{
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    if (ti->type != TFL_INT8 && ti->type != TFL_FLOAT32)
        return cv_fail(c, "input tensor %d '%s' is %s; int8 and float32 are supported", in,
                       ti->name, tfl_type_name(ti->type));
    if (to->type != ti->type)
        return cv_fail(c, "output tensor %d '%s' is %s, the input %s", out, to->name,
                       tfl_type_name(to->type), tfl_type_name(ti->type));
    if (cv_need(c, in, ti->type, "input") || cv_need(c, out, ti->type, "output"))
        return -1;
    return 0;
}

/* Row-major element strides of t. */
static void strides_of(const tfl_tensor *t, int64_t *rs)
{
    int64_t s = 1;
    for (int d = t->ndims - 1; d >= 0; d--) {
        rs[d] = s;
        s *= t->dims[d];
    }
}

/* A map's values, checked to fit int32 (shapes are at most 65536 per dimension and 4-D, so
 * offsets and strides fit; say so if not). */
static int set_move(cv_ctx *c, nn_move *mv, int n, const int64_t *dims, const int64_t *stride,
                    int64_t offset)
{
    if (n < 1 || n > NN_MOVE_DIMS)
        return cv_fail(c, "%d dimensions to move; 1..%d are supported", n, NN_MOVE_DIMS);
    memset(mv, 0, sizeof *mv);
    mv->ndims = n;
    for (int k = 0; k < n; k++) {
        if (dims[k] < 1 || dims[k] > INT32_MAX || stride[k] < INT32_MIN || stride[k] > INT32_MAX)
            return cv_fail(c, "a dimension of %lld or a stride of %lld is out of range",
                           (long long)dims[k], (long long)stride[k]);
        mv->dims[k] = (int32_t)dims[k];
        mv->stride[k] = (int32_t)stride[k];
    }
    if (offset < 0 || offset > INT32_MAX)
        return cv_fail(c, "an offset of %lld is out of range", (long long)offset);
    mv->offset = (int32_t)offset;
    return 0;
}

/* A constant integer operand (int32, or int64 where TFLM takes it) as int64 values. */
static int const_ints(cv_ctx *c, int ti, const char *role, int64_t *v, int max, int *n)
{
    if (ti < 0)
        return cv_fail(c, "missing %s operand", role);
    const tfl_tensor *t = cv_T(c, ti);
    if (t->type != TFL_INT32 && t->type != TFL_INT64)
        return cv_fail(c, "%s tensor %d '%s' is %s; int32 or int64 expected", role, ti, t->name,
                       tfl_type_name(t->type));
    if (t->data == NULL)
        return cv_fail(c, "%s tensor %d '%s' must be a constant (TFLM needs it constant too)",
                       role, ti, t->name);
    uint64_t count = cv_elements(t);
    size_t es = t->type == TFL_INT32 ? 4 : 8;
    if (t->data_size != count * es)
        return cv_fail(c, "%s tensor %d '%s' holds %zu bytes, its shape needs %llu", role, ti,
                       t->name, t->data_size, (unsigned long long)(count * es));
    if (count > (uint64_t)max)
        return cv_fail(c, "%s tensor %d '%s' has %llu values, at most %d expected", role, ti,
                       t->name, (unsigned long long)count, max);
    for (uint64_t i = 0; i < count; i++) {
        if (es == 4) {
            int32_t x;
            memcpy(&x, t->data + 4 * i, 4);
            v[i] = x;
        } else {
            memcpy(&v[i], t->data + 8 * i, 8);
        }
    }
    *n = (int)count;
    return 0;
}

static int elements_match(cv_ctx *c, uint64_t n, int out)
{
    if (n != cv_elements(cv_T(c, out)))
        return cv_fail(c, "the op gives %llu values, output tensor %d '%s' holds %llu",
                       (unsigned long long)n, out, cv_T(c, out)->name,
                       (unsigned long long)cv_elements(cv_T(c, out)));
    return 0;
}

static int one_in(cv_layer *L, int in, uint32_t nnop)
{
    L->op = nnop;
    L->nin = 1;
    L->in[0] = in;
    return 0;
}

/* TRANSPOSE (transpose.cc, reference_ops::Transpose): output dim i is input dim perm[i]. */
static int op_transpose(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0], n;
    int64_t perm[8], dims[4], stride[4], rs[4];
    if (same_type(c, in, out) || const_ints(c, op->ninputs > 1 ? op->inputs[1] : -1, "perm",
                                            perm, 8, &n))
        return -1;
    const tfl_tensor *ti = cv_T(c, in);
    if (n != ti->ndims)
        return cv_fail(c, "perm has %d values for a %d-D input", n, ti->ndims);
    strides_of(ti, rs);
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (perm[i] < 0 || perm[i] >= n || (seen & (1 << perm[i])))
            return cv_fail(c, "perm is not a permutation of 0..%d", n - 1);
        seen |= 1 << perm[i];
        dims[i] = ti->dims[perm[i]];
        stride[i] = rs[perm[i]];
        if (cv_T(c, out)->ndims != n || cv_T(c, out)->dims[i] != dims[i])
            return cv_fail(c, "the output shape is not the permuted input shape");
    }
    if (set_move(c, &L->p.move[0], n, dims, stride, 0))
        return -1;
    return one_in(L, in, NN_OP_TRANSPOSE);
}

/* SLICE (slice.cc, reference_ops::Slice): begin and size per dimension, size -1 to the end. */
static int op_slice(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0], nb, ns;
    int64_t begin[8], size[8], stride[4], rs[4], off = 0;
    if (op->ninputs < 3)
        return cv_fail(c, "needs input, begin and size operands");
    if (same_type(c, in, out) || const_ints(c, op->inputs[1], "begin", begin, 8, &nb) ||
        const_ints(c, op->inputs[2], "size", size, 8, &ns))
        return -1;
    const tfl_tensor *ti = cv_T(c, in);
    if (nb != ti->ndims || ns != ti->ndims)
        return cv_fail(c, "begin and size have %d and %d values for a %d-D input", nb, ns,
                       ti->ndims);
    strides_of(ti, rs);
    uint64_t total = 1;
    for (int d = 0; d < ti->ndims; d++) {
        if (size[d] == -1)
            size[d] = ti->dims[d] - begin[d];
        if (begin[d] < 0 || size[d] < 1 || begin[d] + size[d] > ti->dims[d])
            return cv_fail(c, "dimension %d: begin %lld and size %lld do not fit %d", d,
                           (long long)begin[d], (long long)size[d], (int)ti->dims[d]);
        stride[d] = rs[d];
        off += begin[d] * rs[d];
        total *= (uint64_t)size[d];
    }
    if (elements_match(c, total, out) ||
        set_move(c, &L->p.move[0], ti->ndims, size, stride, off))
        return -1;
    return one_in(L, in, NN_OP_SLICE);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return hi < v ? hi : v < lo ? lo : v;
}

/*
 * STRIDED_SLICE (strided_slice.cc, reference_ops::StridedSlice on StridedSliceParams, with
 * strided_slice_logic.h's StridedSliceStartForAxis and StridedSliceEndForAxis): begin_mask,
 * end_mask and shrink_axis_mask as TFLM applies them; TFLM Micro ignores ellipsis_mask,
 * new_axis_mask and offset (it sets them to 0), and so does this.
 */
static int op_strided_slice(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0], nb, ne, ns;
    int64_t b[8], e[8], st[8], dims[4], stride[4], rs[4], off = 0;
    if (op->ninputs < 4)
        return cv_fail(c, "needs input, begin, end and strides operands");
    if (same_type(c, in, out) || const_ints(c, op->inputs[1], "begin", b, 8, &nb) ||
        const_ints(c, op->inputs[2], "end", e, 8, &ne) ||
        const_ints(c, op->inputs[3], "strides", st, 8, &ns))
        return -1;
    const tfl_tensor *ti = cv_T(c, in);
    if (nb != ti->ndims || ne != ti->ndims || ns != ti->ndims)
        return cv_fail(c, "begin, end and strides have %d, %d and %d values for a %d-D input",
                       nb, ne, ns, ti->ndims);
    strides_of(ti, rs);
    const tfl_options *o = &op->opt;
    uint64_t total = 1;
    for (int d = 0; d < ti->ndims; d++) {
        const int64_t size = ti->dims[d], s = st[d];
        if (s == 0)
            return cv_fail(c, "stride of dimension %d is 0", d);
        int64_t start = b[d] < 0 ? b[d] + size : b[d];
        start = s > 0 ? clamp64(start, 0, size) : clamp64(start, -1, size - 1);
        if (o->begin_mask & (1 << d))
            start = s > 0 ? 0 : size - 1;
        int64_t stop;
        if (o->shrink_axis_mask & (1 << d)) {
            stop = start >= size ? start : start + 1;
        } else {
            stop = e[d] < 0 ? e[d] + size : e[d];
            stop = s > 0 ? clamp64(stop, 0, size) : clamp64(stop, -1, size - 1);
            if (o->end_mask & (1 << d))
                stop = s > 0 ? size : -1;
        }
        int64_t count = s > 0 ? (stop - start + s - 1) / s : (start - stop + (-s) - 1) / (-s);
        if (count < 1)
            return cv_fail(c, "dimension %d selects no element (start %lld, stop %lld, "
                              "stride %lld): an empty output is not supported", d,
                           (long long)start, (long long)stop, (long long)s);
        dims[d] = count;
        stride[d] = s * rs[d];
        off += start * rs[d];
        total *= (uint64_t)count;
    }
    if (elements_match(c, total, out) ||
        set_move(c, &L->p.move[0], ti->ndims, dims, stride, off))
        return -1;
    return one_in(L, in, NN_OP_STRIDED_SLICE);
}

/* The axis operand of SPLIT / SPLIT_V: a constant scalar, negative counting from the end. */
static int axis_operand(cv_ctx *c, int ti, int rank, int *axis)
{
    int64_t v[1];
    int n;
    if (const_ints(c, ti, "axis", v, 1, &n))
        return -1;
    if (n != 1)
        return cv_fail(c, "axis must be one value");
    int64_t a = v[0] < 0 ? v[0] + rank : v[0];
    if (a < 0 || a >= rank)
        return cv_fail(c, "axis %lld out of range for a %d-D input", (long long)v[0], rank);
    *axis = (int)a;
    return 0;
}

/*
 * SPLIT and SPLIT_V (split.cc, split_v.cc): output k is the slab of the input along axis that
 * follows output k-1's, each as thick as output k is (TFLM copies by the outputs' shapes).
 */
static int op_split(cv_ctx *c, const tfl_op *op, cv_layer *L, int v)
{
    int in, axis = 0;
    if (v) { /* SPLIT_V: input, size_splits, axis */
        if (op->ninputs < 3)
            return cv_fail(c, "needs input, size_splits and axis operands");
        in = op->inputs[0];
    } else { /* SPLIT: axis, input */
        if (op->ninputs < 2)
            return cv_fail(c, "needs axis and input operands");
        in = op->inputs[1];
    }
    if (in < 0)
        return cv_fail(c, "missing input operand");
    const tfl_tensor *ti = cv_T(c, in);
    if (axis_operand(c, op->inputs[v ? 2 : 0], ti->ndims, &axis))
        return -1;
    int64_t rs[4], pos = 0;
    strides_of(ti, rs);
    for (int k = 0; k < op->noutputs; k++) {
        int out = op->outputs[k];
        if (same_type(c, in, out))
            return -1;
        const tfl_tensor *to = cv_T(c, out);
        if (to->ndims != ti->ndims)
            return cv_fail(c, "output %d has rank %d, the input %d", k, to->ndims, ti->ndims);
        int64_t dims[4], stride[4];
        for (int d = 0; d < ti->ndims; d++) {
            if (d != axis && to->dims[d] != ti->dims[d])
                return cv_fail(c, "output %d's dimension %d is %d, the input's %d", k, d,
                               (int)to->dims[d], (int)ti->dims[d]);
            dims[d] = to->dims[d];
            stride[d] = rs[d];
        }
        if (set_move(c, &L->p.move[k], ti->ndims, dims, stride, pos * rs[axis]))
            return -1;
        pos += to->dims[axis];
        L->outs[k] = out;
    }
    if (pos != ti->dims[axis])
        return cv_fail(c, "the outputs take %lld of the input's %d along axis %d",
                       (long long)pos, (int)ti->dims[axis], axis);
    L->nout = op->noutputs;
    return one_in(L, in, v ? NN_OP_SPLIT_V : NN_OP_SPLIT);
}

/* UNPACK (unpack.cc): output k is the input's index k along axis, that axis removed. */
static int op_unpack(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0];
    const tfl_tensor *ti = cv_T(c, in);
    int axis = op->opt.axis < 0 ? op->opt.axis + ti->ndims : op->opt.axis;
    if (axis < 0 || axis >= ti->ndims)
        return cv_fail(c, "axis %d out of range for a %d-D input", op->opt.axis, ti->ndims);
    if (op->noutputs != ti->dims[axis])
        return cv_fail(c, "%d outputs for an axis of %d", op->noutputs, (int)ti->dims[axis]);
    int64_t rs[4], dims[4], stride[4];
    strides_of(ti, rs);
    int n = 0;
    for (int d = 0; d < ti->ndims; d++)
        if (d != axis) {
            dims[n] = ti->dims[d];
            stride[n++] = rs[d];
        }
    if (n == 0) { /* a 1-D input: each output one value */
        dims[0] = 1;
        stride[0] = 1;
        n = 1;
    }
    uint64_t each = cv_elements(ti) / (uint64_t)ti->dims[axis];
    for (int k = 0; k < op->noutputs; k++) {
        int out = op->outputs[k];
        if (same_type(c, in, out) || elements_match(c, each, out) ||
            set_move(c, &L->p.move[k], n, dims, stride, k * rs[axis]))
            return -1;
        L->outs[k] = out;
    }
    L->nout = op->noutputs;
    return one_in(L, in, NN_OP_UNPACK);
}

/* PACK (pack.cc): the inputs, of one shape, stacked along a new axis. */
static int op_pack(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int out = op->outputs[0];
    if (op->ninputs < 1 || op->ninputs > NN_MAX_LAYER_IO)
        return cv_fail(c, "%d inputs; 1..%d are supported", op->ninputs, NN_MAX_LAYER_IO);
    const tfl_tensor *t0 = cv_T(c, op->inputs[0]);
    int axis = op->opt.axis < 0 ? op->opt.axis + t0->ndims + 1 : op->opt.axis;
    if (axis < 0 || axis > t0->ndims)
        return cv_fail(c, "axis %d out of range for %d-D inputs", op->opt.axis, t0->ndims);
    for (int k = 0; k < op->ninputs; k++) {
        int ti = op->inputs[k];
        if (ti < 0 || same_type(c, ti, out))
            return -1;
        const tfl_tensor *t = cv_T(c, ti);
        if (t->ndims != t0->ndims || memcmp(t->dims, t0->dims, sizeof(int32_t) *
                                            (size_t)t0->ndims) != 0)
            return cv_fail(c, "input %d's shape differs from input 0's", k);
        L->in[k] = ti;
    }
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < t0->ndims; d++)
        *(d < axis ? &outer : &inner) *= t0->dims[d];
    if (elements_match(c, (uint64_t)(outer * inner * op->ninputs), out))
        return -1;
    if (outer > INT32_MAX || inner > INT32_MAX / 4)
        return cv_fail(c, "the inputs are too large");
    L->p.pack.outer = (int32_t)outer;
    L->p.pack.inner = (int32_t)inner;
    L->op = NN_OP_PACK;
    L->nin = op->ninputs;
    return 0;
}

/* EXPAND_DIMS (expand_dims.cc): a new dimension of 1; the data as it is. */
static int op_expand_dims(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    if (same_type(c, in, out) || cv_same_elements(c, in, out))
        return -1;
    if (cv_T(c, out)->ndims != cv_T(c, in)->ndims + 1)
        return cv_fail(c, "the output must have one dimension more than the input");
    return one_in(L, in, NN_OP_EXPAND_DIMS);
}

/*
 * DEPTH_TO_SPACE (depth_to_space.cc, reference_ops::DepthToSpace): output (b, h, w, d) reads
 * input (b, h / bs, w / bs, d + ((h % bs) * bs + w % bs) * output_depth). The output walked as
 * [b, h / bs, h % bs, w / bs, w % bs, d] is an affine map of the input.
 */
static int op_depth_to_space(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    if (same_type(c, in, out))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    int64_t bs = op->opt.block_size;
    if (ti->ndims != 4 || to->ndims != 4)
        return cv_fail(c, "input and output must be 4-D");
    if (bs < 1 || ti->dims[3] % (bs * bs) != 0 || to->dims[0] != ti->dims[0] ||
        to->dims[1] != ti->dims[1] * bs || to->dims[2] != ti->dims[2] * bs ||
        to->dims[3] != ti->dims[3] / (bs * bs))
        return cv_fail(c, "block size %lld does not fit input [%d,%d,%d,%d] and output "
                          "[%d,%d,%d,%d]", (long long)bs, (int)ti->dims[0], (int)ti->dims[1],
                       (int)ti->dims[2], (int)ti->dims[3], (int)to->dims[0], (int)to->dims[1],
                       (int)to->dims[2], (int)to->dims[3]);
    const int64_t H = ti->dims[1], W = ti->dims[2], C = ti->dims[3], D = to->dims[3];
    int64_t dims[6] = {ti->dims[0] * H, bs, W, bs, D, 1};
    int64_t stride[6] = {W * C, bs * D, C, D, 1, 1};
    if (set_move(c, &L->p.move[0], 5, dims, stride, 0))
        return -1;
    return one_in(L, in, NN_OP_DEPTH_TO_SPACE);
}

/*
 * BATCH_TO_SPACE_ND (batch_to_space_nd.cc, reference_ops::BatchToSpaceND), 4-D: output
 * (b, h, w) is input batch ((h + crop_top) % bh * bw + (w + crop_left) % bw) * B_out + b at
 * ((h + crop_top) / bh, (w + crop_left) / bw). With crops that are multiples of the block
 * (none, usually), the output walked as [b, h / bh, h % bh, w / bw, w % bw, c] is an affine
 * map; other crops are refused.
 */
static int op_batch_to_space(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0], nb, nc;
    int64_t block[2], crops[4];
    if (op->ninputs < 3)
        return cv_fail(c, "needs input, block_shape and crops operands");
    if (same_type(c, in, out) || const_ints(c, op->inputs[1], "block_shape", block, 2, &nb) ||
        const_ints(c, op->inputs[2], "crops", crops, 4, &nc))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    if (ti->ndims != 4 || to->ndims != 4 || nb != 2 || nc != 4)
        return cv_fail(c, "a 4-D input with a 2-value block_shape and 2x2 crops is supported");
    const int64_t bh = block[0], bw = block[1], B = ti->dims[0];
    if (bh < 1 || bw < 1 || B % (bh * bw) != 0)
        return cv_fail(c, "block_shape %lldx%lld does not divide the batch %lld",
                       (long long)bh, (long long)bw, (long long)B);
    const int64_t OB = B / (bh * bw), H = ti->dims[1], W = ti->dims[2], C = ti->dims[3];
    for (int i = 0; i < 4; i++)
        if (crops[i] < 0)
            return cv_fail(c, "negative crops");
    if (to->dims[0] != OB || to->dims[1] != H * bh - crops[0] - crops[1] ||
        to->dims[2] != W * bw - crops[2] - crops[3] || to->dims[3] != C)
        return cv_fail(c, "the output shape does not follow from block_shape and crops");
    if (crops[0] % bh || crops[1] % bh || crops[2] % bw || crops[3] % bw)
        return cv_fail(c, "crops %lld,%lld,%lld,%lld are not multiples of the block %lldx%lld: "
                          "not supported yet", (long long)crops[0], (long long)crops[1],
                       (long long)crops[2], (long long)crops[3], (long long)bh, (long long)bw);
    const int64_t HWC = H * W * C;
    int64_t dims[6] = {OB, to->dims[1] / bh, bh, to->dims[2] / bw, bw, C};
    int64_t stride[6] = {HWC, W * C, bw * OB * HWC, C, OB * HWC, 1};
    int64_t off = (crops[0] / bh) * W * C + (crops[2] / bw) * C;
    if (set_move(c, &L->p.move[0], 6, dims, stride, off))
        return -1;
    return one_in(L, in, NN_OP_BATCH_TO_SPACE_ND);
}

/*
 * GATHER (gather.cc): input [batch, outer, axis, inner] by int32 indices [batch, coord]
 * (batch_dims leading dims shared) to [batch, outer, coord, inner]. Constant indices are
 * checked here; indices computed at run time, by the kernel (TFLM leaves an index out of
 * range undefined; tinysim refuses to read outside the input).
 */
static int op_gather(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0];
    if (op->ninputs < 2 || op->inputs[1] < 0)
        return cv_fail(c, "needs input and indices operands");
    int ix = op->inputs[1];
    if (same_type(c, in, out))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *tx = cv_T(c, ix);
    if (tx->type != TFL_INT32)
        return cv_fail(c, "indices tensor %d '%s' is %s; int32 indices are supported", ix,
                       tx->name, tfl_type_name(tx->type));
    if (cv_need(c, ix, TFL_INT32, "indices"))
        return -1;
    int axis = op->opt.axis < 0 ? op->opt.axis + ti->ndims : op->opt.axis;
    int bd = op->opt.batch_dims < 0 ? op->opt.batch_dims + tx->ndims : op->opt.batch_dims;
    if (axis < 0 || axis >= ti->ndims || bd < 0 || bd > axis || bd >= ti->ndims ||
        bd > tx->ndims)
        return cv_fail(c, "axis %d and batch_dims %d do not fit a %d-D input and %d-D indices",
                       op->opt.axis, op->opt.batch_dims, ti->ndims, tx->ndims);
    int64_t batch = 1, outer = 1, inner = 1, coord = 1;
    for (int i = 0; i < bd; i++) {
        if (ti->dims[i] != tx->dims[i])
            return cv_fail(c, "batch dimension %d differs between input and indices", i);
        batch *= ti->dims[i];
    }
    for (int i = bd; i < axis; i++)
        outer *= ti->dims[i];
    for (int i = axis + 1; i < ti->ndims; i++)
        inner *= ti->dims[i];
    for (int i = bd; i < tx->ndims; i++)
        coord *= tx->dims[i];
    if (elements_match(c, (uint64_t)(batch * outer * coord * inner), out))
        return -1;
    if (tx->data != NULL) {
        if (tx->data_size != cv_elements(tx) * 4)
            return cv_fail(c, "indices tensor %d holds %zu bytes, its shape needs %llu", ix,
                           tx->data_size, (unsigned long long)(cv_elements(tx) * 4));
        for (uint64_t i = 0; i < cv_elements(tx); i++) {
            int32_t k;
            memcpy(&k, tx->data + 4 * i, 4);
            if (k < 0 || k >= ti->dims[axis])
                return cv_fail(c, "index %d at %llu is outside the axis of %d", (int)k,
                               (unsigned long long)i, (int)ti->dims[axis]);
        }
    }
    nn_gather_params *p = &L->p.gather;
    p->batch = (int32_t)batch;
    p->outer = (int32_t)outer;
    p->coord = (int32_t)coord;
    p->axis_size = ti->dims[axis];
    p->inner = (int32_t)inner;
    L->op = NN_OP_GATHER;
    L->nin = 2;
    L->in[0] = in;
    L->in[1] = ix;
    return 0;
}

/* TfLiteRound: std::round on a float (ties away from zero). */
static float round_away(float x)
{
    return x < 0.0f ? -floorf(-x + 0.5f) : floorf(x + 0.5f);
}

/*
 * RESIZE_NEAREST_NEIGHBOR (reference_ops::ResizeNearestNeighbor, GetNearestNeighbor): the
 * source row of every output row and the source column of every output column, computed
 * here in float exactly as TFLM computes them at run time (IEEE single precision, no
 * contraction: the same indices on every target), and stored after the record.
 */
static int op_resize_nn(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0], n;
    int64_t size[2];
    if (op->ninputs < 2)
        return cv_fail(c, "needs input and size operands");
    if (same_type(c, in, out) || const_ints(c, op->inputs[1], "size", size, 2, &n))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    if (n != 2 || ti->ndims != 4 || to->ndims != 4 || to->dims[0] != ti->dims[0] ||
        to->dims[3] != ti->dims[3] || to->dims[1] != size[0] || to->dims[2] != size[1])
        return cv_fail(c, "a 4-D input, size [height, width] and the output of that size are "
                          "supported");
    const int ac = op->opt.align_corners, hp = op->opt.half_pixel_centers;
    const int32_t oh = to->dims[1], ow = to->dims[2];
    int32_t *ix = malloc(sizeof(int32_t) * (size_t)(oh + ow));
    if (ix == NULL)
        abort();
    for (int k = 0; k < oh + ow; k++) {
        const int32_t in_size = k < oh ? ti->dims[1] : ti->dims[2];
        const int32_t out_size = k < oh ? oh : ow;
        const int v = k < oh ? k : k - oh;
        const float scale = (ac && out_size > 1) ? (float)(in_size - 1) / (float)(out_size - 1)
                                                 : (float)in_size / (float)out_size;
        const float offset = hp ? 0.5f : 0.0f;
        const float pos = ((float)v + offset) * scale;
        int32_t r = ac ? (int32_t)round_away(pos) : (int32_t)floorf(pos);
        r = r < in_size - 1 ? r : in_size - 1;
        if (hp && r < 0)
            r = 0;
        ix[k] = r;
    }
    L->p.resize_nn.out_h = oh;
    L->p.resize_nn.out_w = ow;
    L->extra = (uint8_t *)ix;
    L->extra_size = sizeof(int32_t) * (size_t)(oh + ow);
    return one_in(L, in, NN_OP_RESIZE_NEAREST_NEIGHBOR);
}

/* SPACE_TO_BATCH_ND (space_to_batch_nd.cc, reference_ops::SpaceToBatchND), 4-D. */
static int op_space_to_batch(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    int in = op->inputs[0], out = op->outputs[0], nb, np;
    int64_t block[2], pads[4];
    if (op->ninputs < 3)
        return cv_fail(c, "needs input, block_shape and paddings operands");
    if (same_type(c, in, out) || const_ints(c, op->inputs[1], "block_shape", block, 2, &nb) ||
        const_ints(c, op->inputs[2], "paddings", pads, 4, &np))
        return -1;
    const tfl_tensor *ti = cv_T(c, in), *to = cv_T(c, out);
    if (ti->ndims != 4 || to->ndims != 4 || nb != 2 || np != 4)
        return cv_fail(c, "a 4-D input with a 2-value block_shape and 2x2 paddings is "
                          "supported");
    const int64_t bh = block[0], bw = block[1];
    if (bh < 1 || bw < 1 || bh > 65536 || bw > 65536 || pads[0] < 0 || pads[1] < 0 ||
        pads[2] < 0 || pads[3] < 0 || (ti->dims[1] + pads[0] + pads[1]) % bh ||
        (ti->dims[2] + pads[2] + pads[3]) % bw || to->dims[0] != ti->dims[0] * bh * bw ||
        to->dims[1] != (ti->dims[1] + pads[0] + pads[1]) / bh ||
        to->dims[2] != (ti->dims[2] + pads[2] + pads[3]) / bw || to->dims[3] != ti->dims[3])
        return cv_fail(c, "block_shape and paddings do not give the output shape");
    nn_space_to_batch_params *p = &L->p.s2b;
    p->block_h = (int32_t)bh;
    p->block_w = (int32_t)bw;
    p->pad_top = (int32_t)pads[0];
    p->pad_left = (int32_t)pads[2];
    /* The reference kernel pads with params.output_offset, which TFLM Micro never sets
     * (space_to_batch_nd.cc allocates the params and fills only what the kernel's other
     * fields need): its persistent buffer comes zeroed, so the padding is 0 bytes whatever
     * the output's zero point. tinysim pads as TFLM does. */
    p->pad_byte = 0;
    return one_in(L, in, NN_OP_SPACE_TO_BATCH_ND);
}

int cv_op_move(cv_ctx *c, const tfl_op *op, cv_layer *L)
{
    switch (op->builtin) {
    case TFL_OP_TRANSPOSE: return op_transpose(c, op, L);
    case TFL_OP_SLICE: return op_slice(c, op, L);
    case TFL_OP_STRIDED_SLICE: return op_strided_slice(c, op, L);
    case TFL_OP_SPLIT: return op_split(c, op, L, 0);
    case TFL_OP_SPLIT_V: return op_split(c, op, L, 1);
    case TFL_OP_UNPACK: return op_unpack(c, op, L);
    case TFL_OP_PACK: return op_pack(c, op, L);
    case TFL_OP_EXPAND_DIMS: return op_expand_dims(c, op, L);
    case TFL_OP_DEPTH_TO_SPACE: return op_depth_to_space(c, op, L);
    case TFL_OP_BATCH_TO_SPACE_ND: return op_batch_to_space(c, op, L);
    case TFL_OP_SPACE_TO_BATCH_ND: return op_space_to_batch(c, op, L);
    case TFL_OP_GATHER: return op_gather(c, op, L);
    case TFL_OP_RESIZE_NEAREST_NEIGHBOR: return op_resize_nn(c, op, L);
    default: return cv_fail(c, "not a data-movement op");
    }
}
