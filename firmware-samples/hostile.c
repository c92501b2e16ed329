/*
 * hostile: calls the inference core's probes with nonsense, the case named by the first line
 * of its console input (e.g. `echo end-null | tinysim run hostile.elf`), to check that the
 * profiler validates every value it reads from the firmware. Models come from files under
 * --semihost-dir (A, B: .tsm images), loaded into RAM with the core's own loader:
 *
 *   end-null        nn_probe_layer_end(NULL, 0xFFFFFFFF) with no inference running
 *   garbage A       ends without begins, layers of no inference, an unmapped nn_model, an
 *                   nn_model whose image is unmapped, absurdly large or not a model; then
 *                   one well-formed inference of A (its figures must still come out)
 *   switch A B      begins an inference of A and its last layer, begins an inference of B
 *                   (a model switch mid-inference), then ends that layer index on B
 *   nested A        begin, begin; layer 0 begin, layer 1 begin; ends in the wrong order;
 *                   then one well-formed inference of A
 *   alternate N A B N probe calls: inferences (a begin and an end) alternating between
 *                   the two models
 *   output A B      a real inference of A (all-zero input, nn_invoke), then an inference of
 *                   B that begins and never ends: --output must still be A's output
 *   rename A B      an inference of A whose nn_model is rewritten in place to B's between
 *                   its begin and its end (the end names another model)
 * Anything else: prints the list and exits with status 2. Exit 0 after a case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/semihost.h"
#include "core/nn_model.h"

#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_FLEN 0x0Cu
#define BAD_ADDRESS 0x70000000u

/* RAM for model images and one arena; 66 KiB fits the smallest board (F207, 128 KiB). */
static uint8_t pool[66u * 1024u] __attribute__((aligned(16)));
static uint32_t pool_used;

static nn_model ma, mb, fake;

static void *take(uint32_t size)
{
    uint32_t at = (pool_used + 15u) & ~15u;
    if (size > sizeof pool - at) {
        printf("hostile: out of pool memory (%lu bytes wanted)\n", (unsigned long)size);
        ts_sh_exit(3);
    }
    pool_used = at + size;
    return pool + at;
}

/* Load .tsm file name (under --semihost-dir) into m, with an arena when arena is set. */
static void load(const char *name, nn_model *m, int arena)
{
    uint32_t block[3] = {(uint32_t)(uintptr_t)name, 0 /* "r" */, (uint32_t)strlen(name)};
    uint32_t h = ts_sh_call(SYS_OPEN, block);
    if (h == UINT32_MAX) {
        printf("hostile: cannot open %s (give --semihost-dir)\n", name);
        ts_sh_exit(3);
    }
    uint32_t size = ts_sh_call(SYS_FLEN, &h);
    uint8_t *img = take(size);
    if (ts_sh_read((int)h, img, size) != size) {
        printf("hostile: cannot read %s\n", name);
        ts_sh_exit(3);
    }
    ts_sh_call(SYS_CLOSE, &h);
    nn_error err;
    uint32_t asz = 0;
    if (arena && size >= NN_TSM_HEADER_SIZE)
        memcpy(&asz, img + 52, sizeof asz); /* header arena_size */
    if (nn_model_load(m, img, size, asz ? take(asz) : NULL, asz, &err) != NN_OK) {
        printf("hostile: %s does not load\n", name);
        ts_sh_exit(3);
    }
}

/* One well-formed inference of m without running its kernels: every layer begins and ends. */
static void walk(const nn_model *m)
{
    nn_probe_inference_begin(m);
    for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
        nn_probe_layer_begin(m, l);
        nn_probe_layer_end(m, l);
    }
    nn_probe_inference_end(m);
}

static void garbage(const char *a)
{
    load(a, &ma, 0);
    nn_probe_inference_end(&ma);                    /* an end without a begin */
    nn_probe_layer_begin(&ma, 0);                   /* a layer of no inference */
    nn_probe_layer_end(&ma, 0);
    nn_probe_inference_begin((const nn_model *)BAD_ADDRESS); /* unmapped nn_model */
    nn_probe_layer_begin((const nn_model *)BAD_ADDRESS, 0);
    nn_probe_layer_end((const nn_model *)BAD_ADDRESS, 0);
    nn_probe_inference_end((const nn_model *)BAD_ADDRESS);
    fake = ma;
    fake.image = (const uint8_t *)BAD_ADDRESS;      /* image unmapped */
    walk(&fake);
    fake = ma;
    fake.size = 0xFFFFFFF0u;                        /* image runs past 4 GiB */
    walk(&fake);
    fake = ma;
    fake.image = (const uint8_t *)&fake;            /* not a model */
    fake.size = 4096;
    walk(&fake);
    fake = ma;
    fake.arena = (uint8_t *)(uintptr_t)0xFFFFFF00u; /* arena wraps */
    fake.arena_size = 0x1000;
    walk(&fake);
    nn_probe_layer_begin(&ma, 0xFFFFFFFFu);         /* layer indices out of range */
    nn_probe_inference_begin(&ma);
    nn_probe_layer_begin(&ma, ma.hdr->n_layers);
    nn_probe_layer_end(&ma, ma.hdr->n_layers);
    nn_probe_layer_end(&ma, 0xFFFFFFFFu);
    nn_probe_inference_end(&ma);
    walk(&ma);                                      /* and one that makes sense */
}

static void nested(const char *a)
{
    load(a, &ma, 0);
    nn_probe_inference_begin(&ma);
    nn_probe_inference_begin(&ma);
    nn_probe_layer_begin(&ma, 0);
    nn_probe_layer_begin(&ma, 1);
    nn_probe_layer_end(&ma, 0);
    nn_probe_layer_end(&ma, 1);
    nn_probe_inference_end(&ma);
    nn_probe_inference_end(&ma);
    walk(&ma);
}

int main(void)
{
    static char line[160];
    char *w[4] = {0};
    uint32_t n = ts_sh_read(TS_SH_STDIN, line, sizeof line - 1), k = 0;
    line[n] = 0;
    line[strcspn(line, "\r\n")] = 0;
    printf("hostile: %s\n", line);
    fflush(stdout);
    for (char *t = strtok(line, " "); t && k < 4; t = strtok(NULL, " "))
        w[k++] = t;
    const char *cmd = w[0] ? w[0] : "";
    if (strcmp(cmd, "end-null") == 0) {
        nn_probe_layer_end(NULL, 0xFFFFFFFFu);
    } else if (strcmp(cmd, "garbage") == 0 && k == 2) {
        garbage(w[1]);
    } else if (strcmp(cmd, "switch") == 0 && k == 3) {
        load(w[1], &ma, 0);
        load(w[2], &mb, 0);
        uint32_t last = ma.hdr->n_layers - 1;
        nn_probe_inference_begin(&ma);
        nn_probe_layer_begin(&ma, last);
        nn_probe_inference_begin(&mb);
        nn_probe_layer_end(&mb, last);
        nn_probe_layer_end(&ma, last);
        nn_probe_inference_end(&mb);
        nn_probe_inference_end(&ma);
    } else if (strcmp(cmd, "nested") == 0 && k == 2) {
        nested(w[1]);
    } else if (strcmp(cmd, "alternate") == 0 && k == 4) {
        uint32_t count = (uint32_t)strtoul(w[1], NULL, 0);
        load(w[2], &ma, 0);
        load(w[3], &mb, 0);
        for (uint32_t i = 0; i < count / 2; i++) {
            const nn_model *m = i & 1u ? &mb : &ma;
            nn_probe_inference_begin(m);
            nn_probe_inference_end(m);
        }
    } else if (strcmp(cmd, "output") == 0 && k == 3) {
        load(w[1], &ma, 1);
        load(w[2], &mb, 0);
        for (uint32_t i = 0; i < ma.hdr->n_inputs; i++) {
            uint32_t t = nn_model_input(&ma, i);
            memset((void *)(uintptr_t)nn_tensor_data(&ma, t), 0, nn_tensor(&ma, t)->size);
        }
        if (nn_invoke(&ma) != NN_OK) {
            printf("hostile: the inference of %s failed\n", w[1]);
            return 3;
        }
        nn_probe_inference_begin(&mb);
        nn_probe_layer_begin(&mb, 0);
    } else if (strcmp(cmd, "rename") == 0 && k == 3) {
        load(w[1], &ma, 0);
        load(w[2], &mb, 0);
        fake = ma;
        nn_probe_inference_begin(&fake);
        nn_probe_layer_begin(&fake, 0);
        nn_probe_layer_end(&fake, 0);
        fake = mb;
        nn_probe_inference_end(&fake);
    } else {
        printf("hostile: give one of end-null, garbage A, switch A B, nested A, alternate N A "
               "B, output A B, rename A B on stdin (A, B: .tsm files under --semihost-dir)\n");
        return 2;
    }
    printf("hostile: done\n");
    return 0;
}
