/*
 * libFuzzer target for the .tsm loader (core/nn_model.c, host build): any bytes as a compiled
 * model image go through nn_model_load, first as they are (most fail the CRC-32) and then with
 * the header's crc32 recomputed over [16, total_size) so that mutations reach the tensor,
 * layer and parameter checks. The image lies in a buffer of exactly its size and the arena in
 * one of exactly the size the header asks for (when that is at most 16 MiB), so any read or
 * write past either is an AddressSanitizer report.
 *
 * What must hold for a model that loads (nn_model.h's loader guarantees), each checked with
 * abort(): the header counts within their limits; every tensor's type, rank, dims and size
 * consistent (product of dims times element size == size, computed without overflow) and
 * its bytes inside the arena or the data section; every layer operand and model input/output
 * a valid tensor index (NN_NO_TENSOR only for an omitted bias), model inputs/outputs and
 * layer outputs in the arena; every name a NUL-terminated string inside the strings section;
 * nn_layer_macs defined for every layer. Then, when the model's work is small enough to run
 * quickly (a bound on MACs and elements), nn_invoke with the arena zeroed must return NN_OK:
 * NN_E_KERNEL "cannot happen after loading". No crash, no leak, no hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nn_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARENA_CAP (16u << 20)
#define WORK_CAP 4000000ull /* MACs + elements moved: a few ms under the sanitizers */

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_tsm: invariant violated: %s (line %d)\n", #cond,    \
                    __LINE__);                                                        \
            abort();                                                                  \
        }                                                                             \
    } while (0)

static uint32_t esize(uint32_t type)
{
    return type == NN_T_INT8 ? 1 : type == NN_T_INT32 || type == NN_T_FLOAT32 ? 4 : 0;
}

static uint64_t elems(const nn_tsm_tensor *t)
{
    return t->size / esize(t->type);
}

/* A string from the strings section ends inside it. */
static void check_string(const nn_model *m, uint32_t off)
{
    const char *s = nn_string(m, off);
    const char *lo = (const char *)m->image + m->hdr->strings_off;
    const char *hi = lo + m->hdr->strings_size;
    CHECK(s >= lo && s < hi);
    CHECK(memchr(s, 0, (size_t)(hi - s)) != NULL);
    (void)strlen(s);
}

/* Walk everything a loaded model promises; returns an estimate of the work of nn_invoke. */
static uint64_t check_model(const nn_model *m)
{
    const nn_tsm_header *h = m->hdr;
    CHECK(h != NULL && m->image != NULL && m->tensors != NULL && m->layers != NULL);
    CHECK(h->total_size <= m->size && h->total_size >= NN_TSM_HEADER_SIZE);
    CHECK(h->n_tensors >= 1 && h->n_tensors <= NN_MAX_TENSORS);
    CHECK(h->n_layers >= 1 && h->n_layers <= NN_MAX_LAYERS);
    CHECK(h->n_inputs >= 1 && h->n_inputs <= NN_MAX_IO);
    CHECK(h->n_outputs >= 1 && h->n_outputs <= NN_MAX_IO);
    CHECK((uint64_t)h->data_off + h->data_size <= h->total_size);
    check_string(m, h->name);

    for (uint32_t t = 0; t < h->n_tensors; t++) {
        const nn_tsm_tensor *x = nn_tensor(m, t);
        uint32_t es = esize(x->type);
        CHECK(es != 0 && x->ndims <= 4 && x->flags == 0);
        /* the product of dims, without wrapping: each dim <= NN_MAX_DIM */
        unsigned __int128 n = 1;
        for (uint32_t d = 0; d < 4; d++) {
            if (d < x->ndims) {
                CHECK(x->dims[d] >= 1 && x->dims[d] <= NN_MAX_DIM);
                n *= (uint32_t)x->dims[d];
            } else {
                CHECK(x->dims[d] == 0);
            }
        }
        CHECK(n * es == x->size);
        if (x->storage == NN_S_ARENA) {
            CHECK(x->offset % 4 == 0);
            CHECK((uint64_t)x->offset + x->size <= h->arena_size);
            if (m->arena)
                CHECK(nn_tensor_data(m, t) == m->arena + x->offset);
            else
                CHECK(nn_tensor_data(m, t) == NULL);
        } else {
            CHECK(x->storage == NN_S_CONST);
            CHECK(x->offset >= h->data_off &&
                  (uint64_t)x->offset + x->size <= (uint64_t)h->data_off + h->data_size);
            CHECK(nn_tensor_data(m, t) == m->image + x->offset);
        }
        if (x->nquant > 0)
            CHECK(x->quant_off >= h->data_off && (uint64_t)x->quant_off + 4ull * x->nquant <=
                                                     (uint64_t)h->data_off + h->data_size);
        check_string(m, x->name);
    }

    for (uint32_t i = 0; i < h->n_inputs; i++) {
        uint32_t t = nn_model_input(m, i);
        CHECK(t < h->n_tensors && nn_tensor(m, t)->storage == NN_S_ARENA);
    }
    for (uint32_t i = 0; i < h->n_outputs; i++) {
        uint32_t t = nn_model_output(m, i);
        CHECK(t < h->n_tensors && nn_tensor(m, t)->storage == NN_S_ARENA);
    }

    uint64_t work = 0;
    for (uint32_t l = 0; l < h->n_layers; l++) {
        const nn_tsm_layer *ly = nn_layer(m, l);
        CHECK(ly->op >= 1 && ly->op < NN_OP_COUNT_);
        CHECK(strcmp(nn_op_name(ly->op), "?") != 0);
        CHECK(ly->params_size == nn_op_params_size(ly->op, nn_layer_is_float(m, l)));
        CHECK(ly->params_off % 4 == 0 && ly->params_off >= h->data_off &&
              (uint64_t)ly->params_off + ly->params_size <= (uint64_t)h->data_off + h->data_size);
        CHECK(ly->n_inputs >= 1 && ly->n_inputs <= NN_MAX_LAYER_IO && ly->n_outputs == 1);
        check_string(m, ly->name);
        int bias_slot = ly->op == NN_OP_CONV_2D || ly->op == NN_OP_DEPTHWISE_CONV_2D ||
                        ly->op == NN_OP_FULLY_CONNECTED;
        uint64_t moved = 0;
        for (uint32_t k = 0; k < ly->n_inputs; k++) {
            uint32_t t = nn_layer_operand(m, l, k);
            if (t == NN_NO_TENSOR) {
                CHECK(bias_slot && k == 2);
                continue;
            }
            CHECK(t < h->n_tensors);
            moved += elems(nn_tensor(m, t));
        }
        uint32_t o = nn_layer_operand(m, l, ly->n_inputs);
        CHECK(o < h->n_tensors && nn_tensor(m, o)->storage == NN_S_ARENA);
        const nn_tsm_tensor *out = nn_tensor(m, o);
        moved += elems(out);
        uint64_t macs = nn_layer_macs(m, l);
        if (!bias_slot)
            CHECK(macs == 0);
        if (ly->op == NN_OP_AVERAGE_POOL_2D || ly->op == NN_OP_MAX_POOL_2D) {
            nn_pool_params p;
            memcpy(&p, m->image + ly->params_off, sizeof p);
            const nn_tsm_tensor *in = nn_tensor(m, nn_layer_operand(m, l, 0));
            uint64_t fh = (uint64_t)(p.filter_h < in->dims[1] ? p.filter_h : in->dims[1]);
            uint64_t fw = (uint64_t)(p.filter_w < in->dims[2] ? p.filter_w : in->dims[2]);
            macs = elems(out) * fh * fw;
        }
        if (work < WORK_CAP * 16)
            work += macs + moved;
    }
    return work;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0xffffffffu)
        return 0;
    /* exactly size bytes (malloc aligns to 16): reads past the image are ASan reports */
    uint8_t *img = malloc(size ? size : 1);
    if (!img)
        return 0;
    memcpy(img, data, size);
    nn_model m;
    nn_error err;
    nn_status s = nn_model_load(&m, img, (uint32_t)size, NULL, 0, &err);
    CHECK(s == NN_OK || (err.status == s && err.field != NULL));
    if (s == NN_OK)
        check_model(&m);

    /* The same with the checksum made right, when the header's total_size allows it. */
    if (size >= NN_TSM_HEADER_SIZE) {
        uint32_t total;
        memcpy(&total, img + 8, 4);
        if (total >= 16 && total <= size) {
            uint32_t crc = nn_crc32(0, img + 16, total - 16);
            memcpy(img + 12, &crc, 4);
        }
        s = nn_model_load(&m, img, (uint32_t)size, NULL, 0, &err);
        CHECK(s == NN_OK || (err.status == s && err.field != NULL));
        (void)nn_strerror(s);
    }
    if (s == NN_OK) {
        uint64_t work = check_model(&m);
        uint32_t need = m.hdr->arena_size;
        if (need <= ARENA_CAP) {
            uint8_t *arena = calloc(need ? need : 1, 1);
            if (arena) {
                nn_model mr;
                s = nn_model_load(&mr, img, (uint32_t)size, arena, need, &err);
                CHECK(s == NN_OK);
                CHECK(mr.arena == arena && mr.arena_size == need);
                check_model(&mr);
                /* an arena one byte short is refused */
                if (need >= 4)
                    CHECK(nn_model_load(&mr, img, (uint32_t)size, arena, need - 1, &err) ==
                          NN_E_ARENA);
                s = nn_model_load(&mr, img, (uint32_t)size, arena, need, &err);
                CHECK(s == NN_OK);
                if (work <= WORK_CAP) {
                    s = nn_invoke(&mr);
                    if (s != NN_OK) {
                        fprintf(stderr, "fuzz_tsm: nn_invoke of a loaded model: %s\n",
                                nn_strerror(s));
                        abort();
                    }
                }
                free(arena);
            }
        }
    }
    free(img);
    return 0;
}
