/*
 * mkbad: writes the models of the bad-input corpus (tests/bad/run.sh) with the project's own
 * TFLite writer (tfl_write), so no binary model is committed. Built by the runner against
 * libmodels.a and libcore.a.
 *
 *   mkbad DIR   writes DIR/svdf_int16.tflite  one SVDF layer, int16 activations (TFLM's
 *                                             16x8 SVDF): refused, naming SVDF
 *                      DIR/fc_600k.tflite     one FULLY_CONNECTED layer with 600 KiB of int8
 *                                             weights: valid, but larger than the model slot
 *                                             of a 512 KiB-flash board (nucleo-g0b1re)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tflite.h"

#define MAX_T 8

typedef struct {
    tfl_model m;
    tfl_tensor t[MAX_T];
    tfl_op op;
    int opcode;
    int in[8], out[1], gin[1], gout[1];
    float scale[MAX_T];
    int64_t zp[MAX_T];
} one_op;

/* Tensor i: name, type, shape, per-tensor quantization (scale, zero point 0) when scale > 0,
 * constant contents when data is not NULL. */
static void tensor(one_op *g, int i, const char *name, int type, int ndims, const int32_t *dims,
                   float scale, const uint8_t *data, size_t size)
{
    tfl_tensor *x = &g->t[i];
    memset(x, 0, sizeof *x);
    x->name = (char *)name;
    x->type = type;
    x->ndims = ndims;
    memcpy(x->dims, dims, sizeof(int32_t) * (size_t)ndims);
    x->data = data;
    x->data_size = size;
    if (scale > 0) {
        g->scale[i] = scale;
        g->zp[i] = 0;
        x->nquant = 1;
        x->scale = &g->scale[i];
        x->zero_point = &g->zp[i];
    }
}

/* The model: ntensors tensors, one op of builtin reading in[0..nin) and writing the last
 * tensor; tensor 0 is the model's input. */
static void model(one_op *g, int ntensors, int builtin, int nin)
{
    memset(&g->m, 0, sizeof g->m);
    memset(&g->op, 0, sizeof g->op);
    g->m.description = (char *)"tinysim bad-input corpus";
    g->m.ntensors = ntensors;
    g->m.tensors = g->t;
    g->m.nops = 1;
    g->m.ops = &g->op;
    g->gin[0] = 0;
    g->gout[0] = ntensors - 1;
    g->m.ninputs = g->m.noutputs = 1;
    g->m.inputs = g->gin;
    g->m.outputs = g->gout;
    g->opcode = builtin;
    g->m.nopcodes = 1;
    g->m.opcode_builtin = &g->opcode;
    for (int i = 0; i < nin; i++)
        g->in[i] = i;
    g->out[0] = ntensors - 1;
    g->op.builtin = builtin;
    g->op.version = 1;
    g->op.ninputs = nin;
    g->op.inputs = g->in;
    g->op.noutputs = 1;
    g->op.outputs = g->out;
}

static int save(const one_op *g, const char *dir, const char *name)
{
    uint8_t *image = NULL;
    size_t len = 0;
    char *cause = NULL, path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (tfl_write(&g->m, &image, &len, &cause) != 0) {
        fprintf(stderr, "mkbad: %s: %s\n", path, cause);
        free(cause);
        return 1;
    }
    FILE *f = fopen(path, "wb");
    int bad = !f || fwrite(image, 1, len, f) != len;
    if (f && fclose(f) != 0)
        bad = 1;
    free(image);
    if (bad)
        fprintf(stderr, "mkbad: cannot write %s\n", path);
    return bad;
}

int main(int argc, char **argv)
{
    static one_op g;
    int rc = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: mkbad DIR\n");
        return 2;
    }

    /* SVDF, rank 1, 4 units, 10 time steps, 16 features, int16 activations: input, feature
     * weights (int8), time weights (int16), bias (int32), activation state (int16, variable);
     * output int16. */
    static const int32_t d_in[] = {1, 16}, d_wf[] = {4, 16}, d_wt[] = {4, 10}, d_b[] = {4},
                         d_st[] = {1, 40}, d_out[] = {1, 4};
    static uint8_t wf[4 * 16], wt[4 * 10 * 2], bias[4 * 4];
    for (size_t i = 0; i < sizeof wf; i++)
        wf[i] = (uint8_t)(i * 37 + 11);
    for (size_t i = 0; i < sizeof wt; i++)
        wt[i] = (uint8_t)(i * 13 + 5);
    tensor(&g, 0, "input", TFL_INT16, 2, d_in, 0.001f, NULL, 0);
    tensor(&g, 1, "weights_feature", TFL_INT8, 2, d_wf, 0.01f, wf, sizeof wf);
    tensor(&g, 2, "weights_time", TFL_INT16, 2, d_wt, 0.0001f, wt, sizeof wt);
    tensor(&g, 3, "bias", TFL_INT32, 1, d_b, 0.00001f, bias, sizeof bias);
    tensor(&g, 4, "activation_state", TFL_INT16, 2, d_st, 0.001f, NULL, 0);
    g.t[4].is_variable = 1;
    tensor(&g, 5, "svdf_out", TFL_INT16, 2, d_out, 0.002f, NULL, 0);
    model(&g, 6, TFL_OP_SVDF, 5);
    rc |= save(&g, argv[1], "svdf_int16.tflite");

    /* FULLY_CONNECTED 1024 -> 600, int8, per-tensor: 614,400 bytes of weights. */
    static const int32_t f_in[] = {1, 1024}, f_w[] = {600, 1024}, f_b[] = {600},
                         f_out[] = {1, 600};
    size_t nw = 600u * 1024u;
    uint8_t *w = malloc(nw);
    static uint8_t fb[600 * 4];
    if (!w)
        return 1;
    for (size_t i = 0; i < nw; i++)
        w[i] = (uint8_t)((i * 2654435761u) >> 24) & 0x3F; /* small weights, int8 0..63 */
    tensor(&g, 0, "input", TFL_INT8, 2, f_in, 0.05f, NULL, 0);
    tensor(&g, 1, "weights", TFL_INT8, 2, f_w, 0.01f, w, nw);
    tensor(&g, 2, "bias", TFL_INT32, 1, f_b, 0.0005f, fb, sizeof fb);
    tensor(&g, 3, "fc_out", TFL_INT8, 2, f_out, 1.0f, NULL, 0);
    model(&g, 4, TFL_OP_FULLY_CONNECTED, 3);
    g.op.has_options = 1; /* FullyConnectedOptions: no activation, default weights format */
    rc |= save(&g, argv[1], "fc_600k.tflite");
    free(w);
    return rc;
}
