/*
 * SVDF (singular value decomposition filter) with int8 input, weights and output and an int8
 * or int16 activation state, bit-exact with TFLM's EvalIntegerSvdfReference
 * (tensorflow/lite/micro/kernels/svdf_common.cc).
 *
 * The state is [batch][filters][memory]: one window of `memory` past feature values per
 * filter. Each inference shifts every window left by one (the state as one flat array, as
 * TFLM does), writes each filter's new feature (input x feature weights, requantized into
 * the state's type) into the window's last slot, takes each window's dot product with the
 * filter's time weights, sums the `rank` filters of each unit onto the bias and requantizes
 * into int8. TFLM's integer kernel applies no fused activation; neither does this one.
 */
#include <stddef.h>
#include <stdint.h>

#include "nn_kernels.h"
#include "nn_math.h"

/* The state's value k, of either type. */
static int32_t state_get(const void *s, int wide, size_t k)
{
    return wide ? ((const int16_t *)s)[k] : ((const int8_t *)s)[k];
}

/* A value stored into the state: converted as C++'s static_cast to the narrower type is on
 * every target we build for (two's complement, modulo 2^bits). */
static void state_put(void *s, int wide, size_t k, int32_t v)
{
    if (wide)
        ((int16_t *)s)[k] = (int16_t)(uint16_t)(uint32_t)v;
    else
        ((int8_t *)s)[k] = (int8_t)(uint8_t)(uint32_t)v;
}

nn_kernel_status nn_svdf_s8(const nn_svdf_params *p, const int8_t *input,
                            const int8_t *weights_feature, const void *weights_time,
                            const int32_t *bias, void *state, int32_t *scratch, int8_t *output)
{
    if (p == NULL || input == NULL || weights_feature == NULL || weights_time == NULL ||
        state == NULL || scratch == NULL || output == NULL)
        return NN_KERNEL_EARG;
    if (p->batch < 1 || p->input_dim < 1 || p->filters < 1 || p->rank < 1 || p->memory < 1 ||
        p->filters % p->rank != 0 || (p->state_int16 != 0 && p->state_int16 != 1) ||
        p->multiplier_1 < 0 || p->shift_1 < -31 || p->shift_1 > 30 || p->multiplier_2 < 0 ||
        p->shift_2 < -31 || p->shift_2 > 30)
        return NN_KERNEL_EARG;
    const int wide = p->state_int16;
    const size_t B = (size_t)p->batch, I = (size_t)p->input_dim, F = (size_t)p->filters,
                 M = (size_t)p->memory, R = (size_t)p->rank, U = F / R;
    const int32_t smax = wide ? INT16_MAX : INT8_MAX, smin = wide ? INT16_MIN : INT8_MIN;

    /* Shift every window left by one: the flat state moves down one element. */
    const size_t n_state = B * F * M;
    for (size_t k = 0; k + 1 < n_state; k++)
        state_put(state, wide, k, state_get(state, wide, k + 1));

    /* The new feature of each filter into its window's last slot. */
    for (size_t b = 0; b < B; b++) {
        const int8_t *x = input + b * I;
        for (size_t f = 0; f < F; f++) {
            const int8_t *w = weights_feature + f * I;
            uint32_t acc = 0; /* int32 arithmetic, wrapping as TFLM's does on its targets */
            for (size_t c = 0; c < I; c++)
                acc += (uint32_t)(w[c] * ((int32_t)x[c] - p->input_zero_point));
            int32_t v = nn_requantize((int32_t)acc, p->multiplier_1, p->shift_1);
            v = NN_CLAMP(v, smin, smax);
            state_put(state, wide, (b * F + f) * M + (M - 1),
                      (int32_t)((uint32_t)p->state_zero_point + (uint32_t)v));
        }
    }

    /* Each window against its filter's time weights. */
    int32_t *sc = scratch, *sum = scratch + B * F;
    for (size_t b = 0; b < B; b++)
        for (size_t f = 0; f < F; f++) {
            uint32_t acc = 0;
            for (size_t j = 0; j < M; j++)
                acc += (uint32_t)(state_get(weights_time, wide, f * M + j) *
                                  (state_get(state, wide, (b * F + f) * M + j) -
                                   p->state_zero_point));
            sc[b * F + f] = (int32_t)acc;
        }

    /* The rank filters of each unit summed onto the bias, requantized into int8. */
    for (size_t b = 0; b < B; b++)
        for (size_t u = 0; u < U; u++) {
            uint32_t acc = bias != NULL ? (uint32_t)bias[u] : 0u;
            for (size_t r = 0; r < R; r++)
                acc += (uint32_t)sc[b * F + u * R + r];
            sum[b * U + u] = (int32_t)acc;
        }
    for (size_t k = 0; k < B * U; k++) {
        const int32_t v = (int32_t)((uint32_t)nn_requantize(sum[k], p->multiplier_2, p->shift_2) +
                                    (uint32_t)p->output_zero_point);
        output[k] = (int8_t)NN_CLAMP(v, INT8_MIN, INT8_MAX);
    }
    return NN_KERNEL_OK;
}
