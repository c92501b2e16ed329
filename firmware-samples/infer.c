/*
 * infer: one inference with the shared int8 core (core/). The model is the one in the flash
 * model slot when that holds a .tsm image, else the embedded default (infer_model.S); the
 * input is the one in the RAM input slot when that holds one, else the embedded default
 * (only with the default model). Prints the model, then the output scores and top class.
 * Exit status: 0 done, 3 a bad model or input (what and why on stderr).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/layout.h"
#include "core/nn_model.h"

#define EXIT_BAD_INPUT 3

/* infer_model.S */
extern const uint32_t ts_default_model[];
extern const uint32_t ts_default_model_size;
extern const uint8_t ts_default_input[];
extern const uint32_t ts_default_input_size;

/* The loaded model, global so a debugger (or the simulator) finds it by name. */
extern nn_model tinysim_model;
nn_model tinysim_model;

typedef struct {
    const void *data;
    uint32_t size;
    const char *from;
} blob;

/* ------------------------------------------------------------------ choosing model and input */

/* The slot model if the slot starts with "TSM1" (its total_size must fit the slot), else the
 * default. Returns 1 for the slot, 0 for the default, -1 for a slot model that cannot fit. */
static int pick_model(blob *model)
{
    uint32_t cap = ts_span(tinysim_model_slot, tinysim_model_slot_end);
    if (cap >= NN_TSM_HEADER_SIZE && tinysim_model_slot[0] == NN_TSM_MAGIC) {
        uint32_t size = tinysim_model_slot[2]; /* total_size, offset 8 */
        if (size < NN_TSM_HEADER_SIZE || size > cap) {
            fprintf(stderr,
                    "infer: the model in the model slot (0x%08lx) says it is %lu bytes, but the "
                    "slot holds %lu bytes\n",
                    (unsigned long)(uintptr_t)tinysim_model_slot, (unsigned long)size,
                    (unsigned long)cap);
            return -1;
        }
        *model = (blob){tinysim_model_slot, size, "model slot"};
        return 1;
    }
    *model = (blob){ts_default_model, ts_default_model_size, "default model"};
    return 0;
}

/* The input slot's data if it starts with "TSIN" (its size must be want, the bytes of all
 * model inputs), else the default input, which only goes with the default model. */
static int pick_input(blob *in, int slot_model, uint32_t want)
{
    const ts_input_slot *s = &tinysim_input_slot;
    uint32_t cap = ts_span(s->data, tinysim_input_slot_end);
    if (s->magic == TS_INPUT_MAGIC) {
        if (s->size != want) {
            fprintf(stderr,
                    "infer: the input slot holds %lu bytes of input, but the model's input "
                    "takes %lu bytes\n",
                    (unsigned long)s->size, (unsigned long)want);
            return -1;
        }
        if (s->size > cap) {
            fprintf(stderr, "infer: an input of %lu bytes does not fit the %lu-byte input slot\n",
                    (unsigned long)s->size, (unsigned long)cap);
            return -1;
        }
        *in = (blob){s->data, s->size, "input slot"};
        return 0;
    }
    if (slot_model) {
        fprintf(stderr, "infer: a model is in the model slot but the input slot holds no input "
                        "(no TSIN magic at 0x%08lx)\n",
                (unsigned long)(uintptr_t)s);
        return -1;
    }
    if (ts_default_input_size != want) {
        fprintf(stderr,
                "infer: the default input is %lu bytes, but the model's input takes %lu bytes\n",
                (unsigned long)ts_default_input_size, (unsigned long)want);
        return -1;
    }
    *in = (blob){ts_default_input, ts_default_input_size, "default input"};
    return 0;
}

/* ------------------------------------------------------------------ printing */

/* v with 4 decimals, without float printf: "-0.1234". Magnitudes from 4e9 up print as such. */
static void fixed4(char *buf, size_t size, float v)
{
    if (v != v) {
        snprintf(buf, size, "nan");
        return;
    }
    const char *sign = v < 0.0f ? "-" : "";
    float a = v < 0.0f ? -v : v;
    if (a >= 4.0e9f) {
        snprintf(buf, size, "%s>=4e9", sign);
        return;
    }
    uint32_t ip = (uint32_t)a;
    uint32_t frac = (uint32_t)((a - (float)ip) * 10000.0f + 0.5f);
    if (frac >= 10000u) {
        ip++;
        frac -= 10000u;
    }
    if (ip == 0 && frac == 0)
        sign = "";
    snprintf(buf, size, "%s%lu.%04lu", sign, (unsigned long)ip, (unsigned long)frac);
}

/* "top class: K (score S)" and "scores: s0 s1 ..." for one output tensor. */
static void print_output(const nn_model *m, uint32_t o)
{
    uint32_t t = nn_model_output(m, o);
    const nn_tsm_tensor *x = nn_tensor(m, t);
    const void *data = nn_tensor_data(m, t);
    char prefix[16] = "", num[24];
    if (m->hdr->n_outputs > 1)
        snprintf(prefix, sizeof prefix, "output %lu: ", (unsigned long)o);

    if (x->type == NN_T_FLOAT32) {
        const float *v = data;
        uint32_t n = x->size / 4, top = 0;
        for (uint32_t i = 1; i < n; i++)
            if (v[i] > v[top])
                top = i;
        fixed4(num, sizeof num, v[top]);
        printf("%stop class: %lu (score %s)\n%sscores:", prefix, (unsigned long)top, num, prefix);
        for (uint32_t i = 0; i < n; i++) {
            fixed4(num, sizeof num, v[i]);
            printf(" %s", num);
        }
    } else if (x->type == NN_T_INT32) {
        const int32_t *v = data;
        uint32_t n = x->size / 4, top = 0;
        for (uint32_t i = 1; i < n; i++)
            if (v[i] > v[top])
                top = i;
        printf("%stop class: %lu (score %ld)\n%sscores:", prefix, (unsigned long)top,
               (long)v[top], prefix);
        for (uint32_t i = 0; i < n; i++)
            printf(" %ld", (long)v[i]);
    } else {
        const int8_t *v = data;
        uint32_t n = x->size, top = 0;
        for (uint32_t i = 1; i < n; i++)
            if (v[i] > v[top])
                top = i;
        printf("%stop class: %lu (score %d)\n%sscores:", prefix, (unsigned long)top, v[top],
               prefix);
        for (uint32_t i = 0; i < n; i++)
            printf(" %d", v[i]);
    }
    printf("\n");
}

/* ------------------------------------------------------------------ main */

int main(void)
{
    nn_model *m = &tinysim_model;
    uint32_t arena_cap = ts_span(tinysim_arena, tinysim_arena_end);
    blob model, in;
    nn_error err;
    static char errbuf[160];

    /* newlib leaves stderr unbuffered: one semihosting call per piece of a message. */
    setvbuf(stderr, errbuf, _IOLBF, sizeof errbuf);

    int slot_model = pick_model(&model);
    if (slot_model < 0)
        return EXIT_BAD_INPUT;

    nn_status st = nn_model_load(m, model.data, model.size, tinysim_arena, arena_cap, &err);
    if (st != NN_OK) {
        /* After NN_E_ARENA the header has been validated: arena_size can be trusted. */
        const nn_tsm_header *h = model.data;
        if (st == NN_E_ARENA && h->arena_size > arena_cap) {
            fprintf(stderr,
                    "infer: arena too small: the model needs %lu bytes, the board has %lu "
                    "(%lu bytes short)\n",
                    (unsigned long)h->arena_size, (unsigned long)arena_cap,
                    (unsigned long)(h->arena_size - arena_cap));
        } else {
            fprintf(stderr,
                    "infer: cannot load the %s (%lu bytes at 0x%08lx): %s (layer %ld, tensor "
                    "%ld, field '%s', offset %lu)\n",
                    model.from, (unsigned long)model.size, (unsigned long)(uintptr_t)model.data,
                    nn_strerror(st), (long)err.layer, (long)err.tensor,
                    err.field ? err.field : "", (unsigned long)err.offset);
        }
        return EXIT_BAD_INPUT;
    }
    printf("model: %s, %lu layers, arena %lu/%lu bytes\n", nn_string(m, m->hdr->name),
           (unsigned long)m->hdr->n_layers, (unsigned long)m->hdr->arena_size,
           (unsigned long)arena_cap);

    uint32_t want = 0;
    for (uint32_t i = 0; i < m->hdr->n_inputs; i++)
        want += nn_tensor(m, nn_model_input(m, i))->size;
    if (pick_input(&in, slot_model, want) < 0)
        return EXIT_BAD_INPUT;
    printf("input: %lu bytes from the %s, model from the %s\n", (unsigned long)in.size, in.from,
           model.from);

    /* Model inputs are arena tensors: writable, whatever nn_tensor_data's const says. */
    const uint8_t *src = in.data;
    for (uint32_t i = 0; i < m->hdr->n_inputs; i++) {
        uint32_t t = nn_model_input(m, i);
        memcpy((void *)(uintptr_t)nn_tensor_data(m, t), src, nn_tensor(m, t)->size);
        src += nn_tensor(m, t)->size;
    }

    st = nn_invoke(m);
    if (st != NN_OK) {
        fprintf(stderr, "infer: inference failed: %s\n", nn_strerror(st));
        return EXIT_BAD_INPUT;
    }
    for (uint32_t o = 0; o < m->hdr->n_outputs; o++)
        print_output(m, o);
    return 0;
}
