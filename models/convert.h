/*
 * The converter: a decoded .tflite model (models/tflite.h) to a .tsm compiled-model image
 * (core/nn_model.h), with every requantization parameter precomputed and the activation
 * arena planned offline.
 */
#ifndef CONVERT_H
#define CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "tflite.h"

/* Alignment of every activation tensor in the arena (as TFLM's planner). */
#define CV_ARENA_ALIGN 16

typedef struct {
    uint8_t *image;          /* owned; the .tsm image, malloc'd (16-byte aligned) */
    size_t size;
    uint32_t arena_size;     /* planned arena (bytes) */
    uint32_t arena_unshared; /* sum of all activation tensors: the arena without planning */
} cv_result;

/*
 * Convert *m (first subgraph) into a .tsm image named `name`. Refuses, with an allocated
 * message in *cause naming the layer, op and tensor at fault: several subgraphs, unsupported
 * ops, int16 / float-only / uint8 models, per-channel activations, shapes the kernels cannot
 * run. Returns 0, or -1 (*out untouched, nothing to free).
 */
int cv_convert(const tfl_model *m, const char *name, cv_result *out, char **cause);

/* Free what *r owns and zero it; accepts a zeroed result. */
void cv_result_free(cv_result *r);

/*
 * Plan an arena: n tensors of size[i] bytes live over execution steps [first[i], last[i]]
 * (inclusive); two tensors whose lifetimes intersect never share bytes. Offsets are
 * CV_ARENA_ALIGN-aligned; greedy by decreasing size, each at the lowest offset that fits
 * (TFLM's GreedyMemoryPlanner strategy). Writes offset[i]; returns the arena size.
 */
uint32_t cv_plan_arena(int n, const uint32_t *size, const int *first, const int *last,
                       uint32_t *offset);

#endif /* CONVERT_H */
