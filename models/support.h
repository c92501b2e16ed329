/*
 * What the core runs (op x type), and the survey of a model against it: the converter's
 * first step, which refuses a model naming every unsupported op and type with its layers.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include "tflite.h"

/*
 * Look at every operator of *m: 0 when the core has a kernel for each (kind, type), else -1
 * with an allocated message in *cause: one line per unsupported kind and type with its layers
 * ("  SVDF int16: layers 2, 5-8"), led by what the model is when that explains it (compiled
 * for an NPU; hybrid: float32 activations with int8 weights), and ending with what tinysim
 * runs. Details a kind's kernel cannot take (shapes, scales) are the converter's to refuse.
 */
int cv_survey(const tfl_model *m, char **cause);

/* "tinysim runs int8: ADD, ...; float32: ..." (allocated). */
char *cv_supported_text(void);

#endif /* SUPPORT_H */
