/*
 * The converter's internals shared by its files (convert.c: the int8 and float32 compute
 * ops, the arena planner and serialisation; convert_move.c: the data-movement ops). Not an
 * interface: models/convert.h is.
 */
#ifndef CONVERT_INT_H
#define CONVERT_INT_H

#include <stdint.h>

#include "../core/nn_model.h"
#include "tflite.h"

/* One layer as converted, before serialisation. */
typedef struct {
    uint32_t op;
    int nin;
    int in[NN_MAX_LAYER_IO]; /* tflite tensor indices; -1: omitted optional input */
    int out;                 /* the first output */
    int nout;                /* outputs: 1, or SPLIT's, SPLIT_V's, UNPACK's */
    int outs[NN_MAX_LAYER_IO];
    union {
        nn_tsm_conv conv;
        nn_tsm_fc fc;
        nn_pool_params pool;
        nn_add_params add;
        nn_mul_params mul;
        nn_softmax_params softmax;
        nn_logistic_params logistic;
        nn_tsm_none none;
        nn_tsm_pad pad;
        nn_tsm_concat concat;
        nn_tsm_quant quant;
        nn_mean_params mean;
        /* float32 layers */
        nn_f32_conv_params conv_f;
        nn_f32_act act_f;
        nn_f32_pool_params pool_f;
        nn_tsm_softmax_f32 softmax_f;
        nn_tsm_pad_f32 pad_f;
        nn_tsm_mean_f32 mean_f;
        /* elementwise (convert_elem.c) */
        nn_prelu_params prelu;
        nn_relu_params relu;
        nn_clamp_params clamp;
        nn_leaky_relu_params leaky;
        nn_hard_swish_params hard_swish;
        nn_tsm_leaky_relu_f32 leaky_f;
        nn_tsm_l2norm l2norm;
        nn_resize_params resize;
        nn_lstm_params lstm;
        nn_lstm_s8_params lstm_s8;
        nn_svdf_params svdf;
        /* data movement: one map per output */
        nn_move move[NN_MAX_LAYER_IO];
        nn_tsm_pack pack;
        nn_gather_params gather;
        nn_space_to_batch_params s2b;
        nn_tsm_resize_nn resize_nn;
    } p;
    uint8_t *extra;          /* owned: bytes that follow the record (RESIZE_NEAREST_NEIGHBOR's
                                indices) */
    size_t extra_size;
    int flt;       /* a float32 layer (nn_layer_is_float) */
    int nq;        /* per-channel multiplier count (conv, fc) */
    uint32_t scratch, scratch_off; /* arena scratch bytes (int8 TRANSPOSE_CONV) and place */
    int32_t *mult, *shift;
} cv_layer;

typedef struct {
    const tfl_model *m;
    char **cause;
    cv_layer *layers;
    int cur;       /* layer being converted, for messages */
    int flt;       /* it computes in float32: its activations, weights and bias are float32 */
} cv_ctx;

/* "layer 3 (CONV_2D 'name'): ..." into *c->cause; returns -1. */
int cv_fail(cv_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const tfl_tensor *cv_T(cv_ctx *c, int i);
uint64_t cv_elements(const tfl_tensor *t);
float cv_scale(const tfl_tensor *t);   /* first scale, 0 when not quantized */
int32_t cv_zp(const tfl_tensor *t);    /* first zero point, 0 when not quantized */
/* An operand present, of the type, at most 4-D (int8: quantized sensibly). */
int cv_need(cv_ctx *c, int ti, int type, const char *role);
/* An activation of the layer's type: float32, or int8 per-tensor quantized. */
int cv_need_act(cv_ctx *c, int ti, const char *role);
/* An int8/int16/int32 operand with one positive scale and a zero point of its type. */
int cv_need_int(cv_ctx *c, int ti, int type, const char *role);
/* A constant of the type whose data fits its shape. */
int cv_need_const(cv_ctx *c, int ti, int type, const char *role);
int cv_same_elements(cv_ctx *c, int in, int out);
/* A constant int32 operand's values (*n of them), or NULL after cv_fail. */
const int32_t *cv_const_i32(cv_ctx *c, int ti, const char *role, uint64_t *n);

/* The data-movement ops (convert_move.c): TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V,
 * UNPACK, PACK, EXPAND_DIMS, DEPTH_TO_SPACE, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, GATHER,
 * RESIZE_NEAREST_NEIGHBOR. 0, or -1 after cv_fail. */
int cv_op_move(cv_ctx *c, const tfl_op *op, cv_layer *L);

/* SUB, MINIMUM, MAXIMUM, PRELU, RELU, RELU6, LEAKY_RELU, HARD_SWISH, TANH (convert_elem.c). */
int cv_op_elementwise(cv_ctx *c, const tfl_op *op, cv_layer *L);

#endif /* CONVERT_INT_H */
