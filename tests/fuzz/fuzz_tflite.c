/*
 * libFuzzer target for the .tflite reader and the converter: any bytes as a TensorFlow Lite
 * file go through tfl_read (models/tflite.c) from a buffer of exactly their size; a model it
 * decodes goes through cv_convert (models/convert.c), and the .tsm image the converter
 * produces through the core's validating loader nn_model_load (core/nn_model.c).
 *
 * What must hold, each checked with abort():
 * - a converted model always loads (the converter writes only what the loader accepts), and
 *   when its work is small (a bound on MACs and elements) nn_invoke on a zeroed arena of the
 *   planned size returns NN_OK;
 * - a decoded model that tfl_write (models/tflite_write.c) accepts is written as an image
 *   that tfl_read decodes again to the same tensors and operators, and that converts to the
 *   same .tsm image byte for byte (or is refused by the converter as the original was);
 * - a refusal always comes with a message.
 * No crash, no leak (everything is freed), no hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nn_model.h"
#include "models/convert.h"
#include "models/tflite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARENA_CAP (16u << 20)
#define WORK_CAP 4000000ull

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_tflite: invariant violated: %s (line %d)\n", #cond, \
                    __LINE__);                                                        \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* The same tensors and operators (what the writer keeps of a decoded model). */
static void check_same(const tfl_model *a, const tfl_model *b)
{
    CHECK(a->ntensors == b->ntensors && a->nops == b->nops);
    CHECK(a->ninputs == b->ninputs && a->noutputs == b->noutputs);
    CHECK(a->ninputs == 0 || memcmp(a->inputs, b->inputs, sizeof(int) * (size_t)a->ninputs) == 0);
    CHECK(a->noutputs == 0 ||
          memcmp(a->outputs, b->outputs, sizeof(int) * (size_t)a->noutputs) == 0);
    for (int i = 0; i < a->ntensors; i++) {
        const tfl_tensor *x = &a->tensors[i], *y = &b->tensors[i];
        CHECK(strcmp(x->name, y->name) == 0);
        CHECK(x->type == y->type && x->ndims == y->ndims);
        CHECK(memcmp(x->dims, y->dims, sizeof(int32_t) * (size_t)x->ndims) == 0);
        CHECK(x->data_size == y->data_size);
        CHECK(x->data_size == 0 || memcmp(x->data, y->data, x->data_size) == 0);
        CHECK(x->nquant == y->nquant);
        CHECK(x->nquant == 0 || (memcmp(x->scale, y->scale, sizeof(float) * (size_t)x->nquant) == 0 &&
                                 memcmp(x->zero_point, y->zero_point,
                                        sizeof(int64_t) * (size_t)x->nquant) == 0 &&
                                 x->quant_dim == y->quant_dim));
    }
    for (int i = 0; i < a->nops; i++) {
        const tfl_op *x = &a->ops[i], *y = &b->ops[i];
        CHECK(x->builtin == y->builtin);
        CHECK(x->ninputs == y->ninputs && x->noutputs == y->noutputs);
        CHECK(x->ninputs == 0 || memcmp(x->inputs, y->inputs, sizeof(int) * (size_t)x->ninputs) == 0);
        CHECK(x->noutputs == 0 ||
              memcmp(x->outputs, y->outputs, sizeof(int) * (size_t)x->noutputs) == 0);
    }
}

/* Work of nn_invoke, roughly: MACs plus elements read and written. */
static uint64_t model_work(const nn_model *m)
{
    uint64_t work = 0;
    for (uint32_t l = 0; l < m->hdr->n_layers && work <= WORK_CAP; l++) {
        const nn_tsm_layer *ly = nn_layer(m, l);
        work += nn_layer_macs(m, l);
        for (uint32_t k = 0; k <= ly->n_inputs; k++) {
            uint32_t t = nn_layer_operand(m, l, k);
            if (t != NN_NO_TENSOR)
                work += nn_tensor(m, t)->size;
        }
        if (ly->op == NN_OP_AVERAGE_POOL_2D || ly->op == NN_OP_MAX_POOL_2D) {
            nn_pool_params p;
            memcpy(&p, m->image + ly->params_off, sizeof p);
            work += (uint64_t)nn_tensor(m, nn_layer_operand(m, l, 1))->size *
                    (uint64_t)p.filter_h * (uint64_t)p.filter_w;
        }
    }
    return work;
}

/* The converted image must load, and run when small. */
static void check_converted(const cv_result *r)
{
    nn_model m;
    nn_error err;
    CHECK(r->image != NULL && r->size >= NN_TSM_HEADER_SIZE && r->size <= 0xffffffffu);
    nn_status s = nn_model_load(&m, r->image, (uint32_t)r->size, NULL, 0, &err);
    if (s != NN_OK) {
        fprintf(stderr, "fuzz_tflite: the converted model does not load: %s (layer %d, "
                "tensor %d, field %s, offset 0x%x)\n", nn_strerror(s), (int)err.layer,
                (int)err.tensor, err.field ? err.field : "?", (unsigned)err.offset);
        abort();
    }
    CHECK(m.hdr->arena_size == r->arena_size);
    if (r->arena_size > ARENA_CAP || model_work(&m) > WORK_CAP)
        return;
    uint8_t *arena = calloc(r->arena_size ? r->arena_size : 1, 1);
    if (arena == NULL)
        return;
    CHECK(nn_model_load(&m, r->image, (uint32_t)r->size, arena, r->arena_size, &err) == NN_OK);
    s = nn_invoke(&m);
    if (s != NN_OK) {
        fprintf(stderr, "fuzz_tflite: nn_invoke of a converted model: %s\n", nn_strerror(s));
        abort();
    }
    free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* exactly size bytes: reads past the file are ASan reports */
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    tfl_model m;
    char *cause = NULL;
    if (tfl_read(buf, size, &m, &cause) != 0) {
        CHECK(cause != NULL);
        free(cause);
        tfl_free(&m); /* harmless after a failure */
        free(buf);
        return 0;
    }
    for (int i = 0; i < m.nops; i++)
        (void)tfl_op_name(m.ops[i].builtin);
    for (int i = 0; i < m.ntensors; i++)
        (void)tfl_type_name(m.tensors[i].type);

    cv_result r;
    int conv = cv_convert(&m, "fuzz", &r, &cause);
    if (conv == 0) {
        check_converted(&r);
    } else {
        CHECK(cause != NULL);
        free(cause);
        cause = NULL;
    }

    /* Round trip through the writer. */
    uint8_t *img = NULL;
    size_t len = 0;
    if (tfl_write(&m, &img, &len, &cause) == 0) {
        tfl_model back;
        if (tfl_read(img, len, &back, &cause) != 0) {
            fprintf(stderr, "fuzz_tflite: tfl_read of tfl_write's image: %s\n", cause);
            abort();
        }
        check_same(&m, &back);
        if (m.nsubgraphs == 1) {
            cv_result r2;
            int conv2 = cv_convert(&back, "fuzz", &r2, &cause);
            if (conv2 != conv) {
                fprintf(stderr, "fuzz_tflite: converter %s the written model but %s the "
                        "original: %s\n", conv2 ? "refuses" : "accepts",
                        conv ? "refused" : "accepted", conv2 ? cause : "");
                abort();
            }
            if (conv2 == 0) {
                CHECK(r2.size == r.size && memcmp(r2.image, r.image, r.size) == 0);
                cv_result_free(&r2);
            } else {
                free(cause);
                cause = NULL;
            }
        }
        tfl_free(&back);
        free(img);
    } else {
        CHECK(cause != NULL);
        free(cause);
        cause = NULL;
    }
    if (conv == 0)
        cv_result_free(&r);
    tfl_free(&m);
    free(buf);
    return 0;
}
