/*
 * Fixed-point arithmetic shared by the int8 kernels: TensorFlow Lite's requantization
 * (a saturating rounding doubling high multiply followed by a rounding right shift).
 * Integer only, so it runs on cores without an FPU (Cortex-M0+).
 */
#ifndef NN_MATH_H
#define NN_MATH_H

#include <stdint.h>

#define NN_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NN_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NN_CLAMP(x, lo, hi) NN_MIN(NN_MAX((x), (lo)), (hi))

/*
 * (a * b * 2) / 2^32, rounded to nearest (positive ties up, negative ties toward zero, as
 * gemmlowp's nudge-then-truncate does), saturating the single overflow case
 * a == b == INT32_MIN. gemmlowp's SaturatingRoundingDoublingHighMul.
 */
static inline int32_t nn_sat_rdhm(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    int64_t t = ab + nudge;
    /* Division (not a shift) truncates toward zero, as gemmlowp does. */
    return (int32_t)(t / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero. gemmlowp's RoundingDivideByPOT. */
static inline int32_t nn_rdbpot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((1ll << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + ((x < 0) ? 1 : 0);
    return (x >> exponent) + ((remainder > threshold) ? 1 : 0);
}

/*
 * x * multiplier * 2^shift, where multiplier is a Q31 value in [2^30, 2^31) and shift is
 * TFLite's signed exponent (positive: left shift). TFLite's MultiplyByQuantizedMultiplier
 * with the default (double) rounding that TFLM's reference kernels use.
 */
static inline int32_t nn_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
    int32_t left = shift > 0 ? shift : 0;
    int32_t right = shift > 0 ? 0 : -shift;
    return nn_rdbpot(nn_sat_rdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

#endif /* NN_MATH_H */
