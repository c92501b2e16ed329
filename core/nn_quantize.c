/*
 * The model's float boundary and int8 requantization: QUANTIZE (float32 -> int8, int8 -> int8)
 * and DEQUANTIZE (int8 -> float32). The only float code of the core, single precision only.
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
