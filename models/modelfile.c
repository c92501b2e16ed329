/*
 * Opening .tflite / .tsm model files on the host, with errors meant for a person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "modelfile.h"
#include "tflite.h"
#include "util.h"

const char *mf_type_name(uint32_t type)
{
    switch (type) {
    case NN_T_INT8: return "INT8";
    case NN_T_INT16: return "INT16";
    case NN_T_INT32: return "INT32";
    case NN_T_FLOAT32: return "FLOAT32";
    default: return "?";
    }
}

void mf_shape_str(const nn_tsm_tensor *t, char *buf, size_t len)
{
    size_t n = 0;
    if (len == 0)
        return;
    buf[0] = 0;
    if (t->ndims == 0) {
        snprintf(buf, len, "scalar");
        return;
    }
    for (uint32_t i = 0; i < t->ndims && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "x" : "", (int)t->dims[i]);
}

void mf_describe_tensor(const nn_model *m, uint32_t t, char *buf, size_t len)
{
    const nn_tsm_tensor *x = nn_tensor(m, t);
    char shape[64];
    mf_shape_str(x, shape, sizeof shape);
    snprintf(buf, len, "tensor %u '%s' %s [%s] (%u bytes)", t, nn_string(m, x->name),
             mf_type_name(x->type), shape, x->size);
}

/* Base name without directory and extension, for the model's name. */
static char *model_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = mu_asprintf("%s", b);
    char *dot = strrchr(s, '.');
    if (dot && dot != s)
        *dot = 0;
    return s;
}

static char *load_error(const char *path, const nn_error *e)
{
    char where[160] = "";
    if (e->layer >= 0)
        snprintf(where, sizeof where, "layer %d: ", (int)e->layer);
    else if (e->tensor >= 0)
        snprintf(where, sizeof where, "tensor %d: ", (int)e->tensor);
    return mu_asprintf("%s: invalid compiled model: %s%s (field %s, record at byte 0x%x)", path,
                       where, nn_strerror(e->status), e->field ? e->field : "?",
                       (unsigned)e->offset);
}

int mf_open(const char *path, mf_model *out, char **cause)
{
    uint8_t *file = NULL;
    size_t len = 0;
    char *why = NULL;
    memset(out, 0, sizeof *out);
    if (mu_read_file(path, &file, &len, cause) != 0)
        return -1;
    out->path = mu_asprintf("%s", path);
    if (len >= 4 && memcmp(file, "TSM1", 4) == 0) {
        out->image = file;
        out->size = len;
    } else if (len >= 8 && memcmp(file + 4, "TFL3", 4) == 0) {
        tfl_model tm;
        cv_result r;
        if (tfl_read(file, len, &tm, &why) != 0) {
            *cause = mu_asprintf("%s: malformed .tflite file: %s", path, why);
            goto err;
        }
        char *name = model_name(path);
        int rc = cv_convert(&tm, name, &r, &why);
        free(name);
        tfl_free(&tm);
        if (rc != 0) {
            *cause = mu_asprintf("%s: cannot convert: %s", path, why);
            goto err;
        }
        free(file);
        file = NULL;
        out->from_tflite = 1;
        out->image = r.image;
        out->size = r.size;
        out->arena_unshared = r.arena_unshared;
    } else {
        *cause = mu_asprintf("%s: not a model: neither a .tflite file (no TFL3 identifier at "
                             "byte 4) nor a .tsm compiled model (no TSM1 magic)", path);
        goto err;
    }
    if (out->size > 0xffffffffu) {
        *cause = mu_asprintf("%s: larger than 4 GiB", path);
        goto err;
    }
    nn_error e;
    if (nn_model_load(&out->model, out->image, (uint32_t)out->size, NULL, 0, &e) != NN_OK) {
        *cause = load_error(path, &e);
        goto err;
    }
    return 0;
err:
    free(why);
    if (file != out->image)
        free(file);
    mf_close(out);
    return -1;
}

int mf_alloc_arena(mf_model *mf, char **cause)
{
    uint32_t n = mf->model.hdr->arena_size;
    mf->arena = aligned_alloc(16, n ? (n + 15u) & ~15u : 16);
    if (mf->arena == NULL) {
        *cause = mu_asprintf("%s: cannot allocate a %u-byte arena", mf->path, n);
        return -1;
    }
    memset(mf->arena, 0, n);
    nn_error e;
    if (nn_model_load(&mf->model, mf->image, (uint32_t)mf->size, mf->arena, n, &e) != NN_OK) {
        *cause = load_error(mf->path, &e);
        return -1;
    }
    return 0;
}

void mf_close(mf_model *mf)
{
    if (mf == NULL)
        return;
    free(mf->path);
    free(mf->image);
    free(mf->arena);
    memset(mf, 0, sizeof *mf);
}
