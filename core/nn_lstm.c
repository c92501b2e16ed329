/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations and weights and an int16 cell state,
 * bit-exact with TFLM's integer LSTM (tensorflow/lite/micro/kernels/lstm_eval.h and the
 * reference integer FullyConnected, Logistic, Tanh and MulElementwise it calls).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn_kernels.h"
#include "nn_math.h"

static int16_t sat16(int32_t v)
{
    return (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
}

/* reference_integer_ops::FullyConnected, int8 in, int16 out, rows x n_out. */
static void fc16(const nn_lstm_fc *f, int32_t rows, int32_t n_in, int32_t n_out,
                 const int8_t *x, const int8_t *w, const int32_t *bias, int16_t *out)
{
    for (int32_t r = 0; r < rows; r++)
        for (int32_t o = 0; o < n_out; o++) {
            const int8_t *xr = x + (size_t)r * (size_t)n_in, *wr = w + (size_t)o * (size_t)n_in;
            uint32_t acc = 0;
            for (int32_t d = 0; d < n_in; d++)
                acc += (uint32_t)((wr[d] + f->weights_offset) * (xr[d] + f->input_offset));
            if (bias != NULL)
                acc += (uint32_t)bias[o];
            out[(size_t)r * (size_t)n_out + (size_t)o] =
                sat16(nn_requantize((int32_t)acc, f->multiplier, f->shift));
        }
}

/* reference_integer_ops::Logistic (int16, Q3.12 in, Q0.15 out) with multiplier 3, shift 0. */
static void sigmoid16(const uint16_t *table, int32_t n, int16_t *v)
{
    for (int32_t i = 0; i < n; i++) {
        const int32_t x = v[i] * 3;
        const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
        const uint32_t uh = ax >> 9;
        uint32_t r;
        if (uh >= 255) {
            r = 0x7FFFu << 10;
        } else {
            const uint32_t ua = table[uh], ub = table[uh + 1];
            r = (ua << 9) + (ax & 0x1ffu) * (ub - ua);
        }
        r = x >= 0 ? r + (1u << 9) : (1u << (16 + 9)) - r + (1u << 9) - 1;
        v[i] = (int16_t)(r >> 10);
    }
}

/* lstm_internal::Tanh on int16 (reference_integer_ops::Tanh) for a cell scale of
 * 2^scale_power: in may equal out. */
static void tanh16(const uint16_t *table, int32_t scale_power, int32_t n, const int16_t *in,
                   int16_t *out)
{
    int32_t left = (15 + scale_power) - 3, mult = 0;
    if (left < 0) {
        left = -left;
        mult = 3;
    }
    if (mult == 0) {
        mult = 3 << left;
        left = 0;
    }
    const int32_t round = left > 0 ? 1 << (left - 1) : 0;
    for (int32_t i = 0; i < n; i++) {
        const int32_t x = (in[i] * mult + round) >> left;
        const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
        const uint32_t uh = ax >> 8;
        int32_t r;
        if (uh >= 255) {
            r = (int32_t)(0xFFFFu << 8);
        } else {
            const uint32_t ua = table[uh], ub = table[uh + 1];
            r = (int32_t)((ua << 8) + (uint32_t)(uint8_t)(ax & 0xFF) * (ub - ua));
        }
        r = x >= 0 ? r - (1 << (14 + 9)) + (1 << (9 - 2))
                   : -r + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        out[i] = (int16_t)(r >> (9 - 1));
    }
}

/* reference_integer_ops::MulElementwise, symmetric inputs. */
static int32_t mul16(const nn_lstm_mul *m, int16_t a, int16_t b)
{
    return nn_requantize((int32_t)a * (int32_t)b, m->multiplier, m->shift);
}

/* CalculateLstmGate: gate = act(FC(x) + FC(h)), saturating. */
static void gate16(const nn_lstm_s8_params *p, int g, int32_t rows, const int8_t *x,
                   const int8_t *wx, const int32_t *bias, const int8_t *h, const int8_t *wh,
                   int sigmoid, int16_t *gate, int16_t *buf)
{
    const int32_t S = p->state_dim, n = rows * S;
    fc16(&p->gate[g][0], rows, p->input_dim, S, x, wx, bias, gate);
    fc16(&p->gate[g][1], rows, S, S, h, wh, NULL, buf);
    for (int32_t i = 0; i < n; i++)
        gate[i] = sat16(gate[i] + buf[i]);
    if (sigmoid)
        sigmoid16(p->sigmoid_table, n, gate);
    else
        tanh16(p->sigmoid_table, -12, n, gate, gate);
}

nn_kernel_status nn_lstm_s8(const nn_lstm_s8_params *p, const int8_t *input,
                            const int8_t *const w[8], const int32_t *const b[4], int8_t *hidden,
                            int16_t *cell, int8_t *output, int16_t *scratch)
{
    if (p == NULL || input == NULL || w == NULL || b == NULL || hidden == NULL ||
        cell == NULL || output == NULL || scratch == NULL || p->batch < 1 || p->time < 1 ||
        p->input_dim < 1 || p->state_dim < 1 || p->hidden_zero_point < INT8_MIN ||
        p->hidden_zero_point > INT8_MAX || p->cell_clip < 0 || p->cell_clip > INT16_MAX ||
        (p->cell_activation != 4 && p->cell_activation != 6) || p->cell_scale_power < -31 ||
        p->cell_scale_power > 2)
        return NN_KERNEL_EARG;
    for (int k = 0; k < 8; k++)
        if (w[k] == NULL)
            return NN_KERNEL_EARG;
    const int32_t S = p->state_dim, I = p->input_dim;
    const int32_t rows = p->time_major ? p->batch : 1, n = rows * S;
    const int32_t outer = p->time_major ? 1 : p->batch;
    const size_t bs = (size_t)p->batch * (size_t)S;
    int16_t *b0 = scratch, *b1 = scratch + bs, *b2 = scratch + 2 * bs, *b3 = scratch + 3 * bs;
    size_t in_off = 0, out_off = 0;
    for (int32_t ob = 0; ob < outer; ob++) {
        int8_t *h = hidden + (size_t)ob * (size_t)S;
        int16_t *c = cell + (size_t)ob * (size_t)S;
        for (int32_t t = 0; t < p->time; t++) {
            const int8_t *x = input + in_off;
            gate16(p, 1, rows, x, w[1], b[1], h, w[5], 1, b0, b3); /* forget */
            gate16(p, 0, rows, x, w[0], b[0], h, w[4], 1, b1, b3); /* input */
            gate16(p, 2, rows, x, w[2], b[2], h, w[6], p->cell_activation == 6, b2, b3); /* cell */
            for (int32_t i = 0; i < n; i++)
                c[i] = sat16(mul16(&p->forget_cell, b0[i], c[i]));
            for (int32_t i = 0; i < n; i++)
                b1[i] = sat16(mul16(&p->input_cell, b1[i], b2[i]));
            for (int32_t i = 0; i < n; i++)
                c[i] = sat16(c[i] + b1[i]);
            if (p->cell_clip > 0)
                for (int32_t i = 0; i < n; i++) {
                    const int16_t m = c[i] < p->cell_clip ? c[i] : (int16_t)p->cell_clip;
                    c[i] = m < -p->cell_clip ? (int16_t)-p->cell_clip : m;
                }
            gate16(p, 3, rows, x, w[3], b[3], h, w[7], 1, b1, b3); /* output */
            tanh16(p->sigmoid_table, p->cell_scale_power, n, c, b0);
            for (int32_t i = 0; i < n; i++) {
                const int32_t v = p->hidden_zero_point + mul16(&p->output_hidden, b0[i], b1[i]);
                h[i] = (int8_t)(v > INT8_MAX ? INT8_MAX : v < INT8_MIN ? INT8_MIN : v);
            }
            memcpy(output + out_off, h, (size_t)n);
            in_off += (size_t)rows * (size_t)I;
            out_off += (size_t)n;
        }
    }
    return NN_KERNEL_OK;
}
