/*
 * The model's float boundary and integer requantization: QUANTIZE (float32 -> int8, int8 ->
 * int8, and between int8, int16 and int32) and DEQUANTIZE (int8 -> float32). Its float code,
 * single precision only, is the int8 core's only float code (the float kernels are
 * core/nn_float.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

#define NN_FLT_MAX 3.40282347e+38f

static int nn_zero_point_ok(int32_t zp)
{
    return INT8_MIN <= zp && zp <= INT8_MAX;
}

/*
 * round(x) with ties away from zero, as C's roundf (TFLite's TfLiteRound), without libm.
 * Floats of magnitude 2^23 or more are integers already; below that, the fraction
 * |x| - trunc(|x|) is exact in float.
 */
static float nn_roundf(float x)
{
    const float ax = x < 0.0f ? -x : x;
    if (!(ax < 8388608.0f))
        return x; /* integer, infinite or NaN */
    float t = (float)(int32_t)ax;
    if (ax - t >= 0.5f)
        t += 1.0f;
    return x < 0.0f ? -t : t;
}

/*
 * QUANTIZE float32 -> int8, as reference_ops::AffineQuantize: the quotient x / scale is
 * computed in float and rounded half away from zero, then offset and saturated. Values
 * beyond int8 (including +-infinity) saturate; NaN gives the zero point (TFLite's cast of a
 * NaN or out-of-range float to int32 is undefined). Output may not alias input.
 * Preconditions: scale positive and finite, zero_point within int8.
 */
nn_kernel_status nn_quantize_f32_s8(int32_t size, const float *input, float scale,
                                    int32_t zero_point, int8_t *output)
{
    if (input == NULL || output == NULL || size <= 0 || !(scale > 0.0f) ||
        !(scale <= NN_FLT_MAX) || !nn_zero_point_ok(zero_point))
        return NN_KERNEL_EARG;

    for (int32_t i = 0; i < size; i++) {
        const float r = nn_roundf(input[i] / scale);
        int32_t q;
        /* |q| >= 512 saturates whatever the zero point, so clip before converting. */
        if (r >= 512.0f)
            q = 512;
        else if (r <= -512.0f)
            q = -512;
        else if (r == r)
            q = (int32_t)r;
        else
            q = 0;
        q += zero_point;
        output[i] = (int8_t)NN_CLAMP(q, INT8_MIN, INT8_MAX);
    }
    return NN_KERNEL_OK;
}

/*
 * QUANTIZE int8 -> int8, as reference_ops::Requantize: (x - input_zero_point) rescaled by
 * multiplier/shift (TFLite's MultiplyByQuantizedMultiplier), plus output_zero_point,
 * saturated. Preconditions: int8 zero points, multiplier >= 0, shift in [-31, 22] (the
 * offset input, |x| <= 255, shifted left fits in int32). Output may alias input.
 */
nn_kernel_status nn_requantize_s8(int32_t size, const int8_t *input, int32_t input_zero_point,
                                  int32_t multiplier, int32_t shift, int32_t output_zero_point,
                                  int8_t *output)
{
    if (input == NULL || output == NULL || size <= 0 || !nn_zero_point_ok(input_zero_point) ||
        !nn_zero_point_ok(output_zero_point) || multiplier < 0 || shift < -31 || shift > 22)
        return NN_KERNEL_EARG;

    for (int32_t i = 0; i < size; i++) {
        const int32_t x = (int32_t)input[i] - input_zero_point;
        const int32_t y = nn_requantize(x, multiplier, shift) + output_zero_point;
        output[i] = (int8_t)NN_CLAMP(y, INT8_MIN, INT8_MAX);
    }
    return NN_KERNEL_OK;
}

static int64_t int_min(int32_t size)
{
    return size == 1 ? INT8_MIN : size == 2 ? INT16_MIN : INT32_MIN;
}

static int64_t int_max(int32_t size)
{
    return size == 1 ? INT8_MAX : size == 2 ? INT16_MAX : INT32_MAX;
}

static int32_t int_load(const void *p, int32_t size, int32_t i)
{
    if (size == 1)
        return ((const int8_t *)p)[i];
    if (size == 2)
        return ((const int16_t *)p)[i];
    return ((const int32_t *)p)[i];
}

/*
 * QUANTIZE between int8, int16 and int32, as reference_ops::Requantize<In, Out>. TFLM's
 * same-scale shortcut only concerns uint8 <-> int8, which tinysim does not have. Its int32
 * subtraction and addition are done modulo 2^32 here (what its targets do; undefined in C).
 * Output may alias input only when the sizes are equal.
 */
nn_kernel_status nn_requantize_int(int32_t size, const void *input, int32_t in_size,
                                   int32_t input_zero_point, int32_t multiplier, int32_t shift,
                                   int32_t output_zero_point, void *output, int32_t out_size)
{
    if (input == NULL || output == NULL || size <= 0 ||
        (in_size != 1 && in_size != 2 && in_size != 4) ||
        (out_size != 1 && out_size != 2 && out_size != 4) ||
        input_zero_point < int_min(in_size) || input_zero_point > int_max(in_size) ||
        output_zero_point < int_min(out_size) || output_zero_point > int_max(out_size) ||
        multiplier < 0 || shift < -31 || shift > 30)
        return NN_KERNEL_EARG;
    const int64_t lo = int_min(out_size), hi = int_max(out_size);
    for (int32_t i = 0; i < size; i++) {
        const int32_t x =
            (int32_t)((uint32_t)int_load(input, in_size, i) - (uint32_t)input_zero_point);
        const int32_t y = (int32_t)((uint32_t)nn_requantize(x, multiplier, shift) +
                                    (uint32_t)output_zero_point);
        const int32_t v = (int32_t)NN_CLAMP((int64_t)y, lo, hi);
        if (out_size == 1)
            ((int8_t *)output)[i] = (int8_t)v;
        else if (out_size == 2)
            ((int16_t *)output)[i] = (int16_t)v;
        else
            ((int32_t *)output)[i] = v;
    }
    return NN_KERNEL_OK;
}

/*
 * DEQUANTIZE int8 -> float32, as reference_ops::Dequantize: (x - zero_point) * scale. TFLite
 * multiplies in double and rounds to float; the exact product of a float and a 9-bit integer
 * fits in a double, so the single float multiplication here rounds to the same value.
 * Preconditions: zero_point within int8. Output may not alias input.
 */
nn_kernel_status nn_dequantize_s8_f32(int32_t size, const int8_t *input, float scale,
                                      int32_t zero_point, float *output)
{
    if (input == NULL || output == NULL || size <= 0 || !nn_zero_point_ok(zero_point))
        return NN_KERNEL_EARG;

    for (int32_t i = 0; i < size; i++)
        output[i] = (float)((int32_t)input[i] - zero_point) * scale;
    return NN_KERNEL_OK;
}
