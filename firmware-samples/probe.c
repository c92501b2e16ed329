/*
 * probe: firmware that does not use tinysim's inference core, for `tinysim run --probe SYMBOL`.
 * A hand-written pipeline in the style of a keyword-spotting front end: for each of FRAMES
 * frames of synthetic audio, a 32-tap Q15 FIR filter (fir_q15), then a small int8 dense layer
 * (dense_q7) on the filtered frame; process_frame runs both. The stages are noipa (neither
 * inlined nor cloned) so that each keeps its symbol for --probe. tree_depth is a recursive
 * function (calls pair with returns by stack pointer, so recursion is measured per call).
 * It prints a checksum so a change in the results shows.
 *
 *   tinysim run build/firmware/nucleo-l4r5zi/probe.elf --probe process_frame
 *   tinysim run build/firmware/nucleo-l4r5zi/probe.elf --probe fir_q15 --probe dense_q7
 */
#include <stdint.h>
#include <stdio.h>

#define FRAMES 4u
#define SAMPLES 256u
#define TAPS 32u
#define IN 64u   /* dense layer inputs: the frame decimated by 4 */
#define OUT 16u

static int16_t audio[SAMPLES + TAPS - 1];
static int16_t filtered[SAMPLES];
static int8_t weights[OUT][IN];
static int16_t taps[TAPS];
static volatile uint32_t seed = 0x1234567u; /* volatile: not folded at build time */

static uint32_t next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* y[n] = sum_k h[k] x[n+k] in Q15, saturated to int16. */
static __attribute__((noipa)) void fir_q15(const int16_t *x, const int16_t *h, int16_t *y,
                                              uint32_t n, uint32_t taps_n)
{
    for (uint32_t i = 0; i < n; i++) {
        int32_t acc = 0;
        for (uint32_t k = 0; k < taps_n; k++)
            acc += (int32_t)x[i + k] * h[k];
        acc >>= 15;
        y[i] = (int16_t)(acc > 32767 ? 32767 : acc < -32768 ? -32768 : acc);
    }
}

/* out[o] = relu(sum_i w[o][i] * (x[4i] >> 8)), an int8 dense layer on the decimated frame. */
static __attribute__((noipa)) uint32_t dense_q7(const int16_t *x, int8_t w[OUT][IN], int32_t *out)
{
    uint32_t best = 0;
    for (uint32_t o = 0; o < OUT; o++) {
        int32_t acc = 0;
        for (uint32_t i = 0; i < IN; i++)
            acc += (int32_t)w[o][i] * (int8_t)(x[4 * i] >> 8);
        out[o] = acc > 0 ? acc : 0;
        if (out[o] > out[best])
            best = o;
    }
    return best;
}

static __attribute__((noipa)) uint32_t process_frame(uint32_t frame)
{
    int32_t scores[OUT];
    fir_q15(audio, taps, filtered, SAMPLES, TAPS);
    uint32_t best = dense_q7(filtered, weights, scores);
    return best * 31u + (uint32_t)scores[best] + frame;
}

/* Recursive on purpose: depth of a complete binary tree walk. */
static __attribute__((noipa)) uint32_t tree_depth(uint32_t n)
{
    if (n < 2)
        return 1;
    uint32_t a = tree_depth(n - 1), b = tree_depth(n - 2);
    return 1 + (a > b ? a : b);
}

int main(void)
{
    uint32_t x = seed, sum = 0;
    for (uint32_t k = 0; k < TAPS; k++)
        taps[k] = (int16_t)(next(&x) >> 20); /* small positive and negative taps */
    for (uint32_t o = 0; o < OUT; o++)
        for (uint32_t i = 0; i < IN; i++)
            weights[o][i] = (int8_t)(next(&x) >> 24);
    for (uint32_t f = 0; f < FRAMES; f++) {
        for (uint32_t i = 0; i < SAMPLES + TAPS - 1; i++)
            audio[i] = (int16_t)(next(&x) >> 16);
        sum = sum * 33u + process_frame(f);
    }
    printf("probe: checksum %08lx, tree depth %lu\n", (unsigned long)sum,
           (unsigned long)tree_depth(10));
    return 0;
}
