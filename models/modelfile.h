/*
 * Opening a model file for the host tools: a .tflite (converted in memory) or a .tsm image,
 * validated by the core's loader, with an arena allocated for running it.
 */
#ifndef MODELFILE_H
#define MODELFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/nn_model.h"

typedef struct {
    char *path;              /* owned copy */
    int from_tflite;         /* 1: converted from .tflite; 0: read as .tsm */
    uint8_t *image;          /* owned .tsm image, 16-byte aligned */
    size_t size;
    uint32_t arena_unshared; /* activation bytes without planning (0 for a .tsm file) */
    uint8_t *arena;          /* owned, NULL until mf_alloc_arena */
    nn_model model;          /* validated; bound to arena after mf_alloc_arena */
} mf_model;

/*
 * Open path as a model: detect the format from its contents ("TSM1" magic or the "TFL3"
 * FlatBuffers identifier), convert a .tflite, validate with nn_model_load. Returns 0, or -1
 * with an allocated *cause that names the file and the fault (layer, field, offset);
 * *out then needs no mf_close.
 */
int mf_open(const char *path, mf_model *out, char **cause);

/* Allocate the planned arena and bind the model to it. 0, or -1 with *cause. */
int mf_alloc_arena(mf_model *mf, char **cause);

/* Free everything; accepts a zeroed mf_model. */
void mf_close(mf_model *mf);

/* "input 0 'name' INT8 [1,49,10,1] (490 bytes)": describe a tensor of a loaded model into buf. */
void mf_describe_tensor(const nn_model *m, uint32_t t, char *buf, size_t len);

/* "1x49x10x1" ("scalar" for 0-D) into buf. */
void mf_shape_str(const nn_tsm_tensor *t, char *buf, size_t len);

/* Type name of a .tsm tensor type ("INT8"). */
const char *mf_type_name(uint32_t type);

#endif /* MODELFILE_H */
