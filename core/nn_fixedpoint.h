/*
 * Fixed-point transcendental functions for the int8 SOFTMAX and LOGISTIC kernels: exp of
 * negative values, 1/(1+x) and the logistic function, with gemmlowp's fixedpoint semantics
 * (which TFLite's reference kernels use), on raw int32 values.
 */
#ifndef NN_FIXEDPOINT_H
#define NN_FIXEDPOINT_H

#include <stdint.h>

#include "nn_math.h"

/*
 * Values are raw int32 in a Qm.(31-m) format: m integer bits besides the sign, the real
 * value being raw / 2^(31-m). "Q0" is [-1, 1). Additions and subtractions are the plain
 * (non-saturating) ones gemmlowp uses for int32; they are written with unsigned arithmetic
 * so that an out-of-contract overflow wraps (as it does on every target) instead of being
 * undefined. Within the ranges the kernels use, nothing overflows.
 */

static inline int32_t nn_fp_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t nn_fp_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* x * 2^exponent for 0 < exponent < 31, saturating to [INT32_MIN, INT32_MAX] (gemmlowp's
 * SaturatingRoundingMultiplyByPOT with a positive exponent). */
static inline int32_t nn_fp_sat_shl(int32_t x, int exponent)
{
    const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
    if (x > threshold)
        return INT32_MAX;
    if (x < -threshold)
        return INT32_MIN;
    return (int32_t)((uint32_t)x << exponent);
}

/* (a + b) / 2 rounded to nearest, ties away from zero (gemmlowp's RoundingHalfSum). */
static inline int32_t nn_fp_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/*
 * exp(a) for a in [-1/4, 0), a and the result in Q0: a Taylor expansion to the fourth order
 * around -1/8. Constants: exp(-1/8) and 1/3 in Q0.
 */
static inline int32_t nn_fp_exp_on_interval_neg_quarter_0(int32_t a)
{
    const int32_t exp_minus_one_eighth = 1895147668;
    const int32_t one_third = 715827883;
    const int32_t x = nn_fp_add(a, 1 << 28); /* a + 1/8 */
    const int32_t x2 = nn_sat_rdhm(x, x);
    const int32_t x3 = nn_sat_rdhm(x2, x);
    const int32_t x4 = nn_sat_rdhm(x2, x2);
    const int32_t x4_over_4 = nn_rdbpot(x4, 2);
    const int32_t poly = nn_rdbpot(
        nn_fp_add(nn_sat_rdhm(nn_fp_add(x4_over_4, x3), one_third), x2), 1);
    return nn_fp_add(exp_minus_one_eighth,
                     nn_sat_rdhm(exp_minus_one_eighth, nn_fp_add(x, poly)));
}

/*
 * exp(a) for a <= 0, a in Q(integer_bits) with 0 <= integer_bits <= 29, result in Q0
 * (gemmlowp's exp_on_negative_values). a is split into a remainder in [-1/4, 0), evaluated by
 * the polynomial, and multiples of 1/4, 1/2, 1, 2, ... whose exponentials are applied one
 * bit at a time from a table. exp(0) is exactly the Q0 maximum.
 */
static inline int32_t nn_fp_exp_on_negative_values(int32_t a, int integer_bits)
{
    /* exp(-2^e) in Q0 for e = -2 .. 4 */
    static const int32_t exp_neg_pot[7] = {
        1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242
    };
    const int fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_quarter = nn_fp_sub(a & mask, one_quarter);
    const int32_t remainder = nn_fp_sub(a_mod_quarter_minus_quarter, a);
    int32_t rescaled = a_mod_quarter_minus_quarter;
    if (integer_bits > 0)
        rescaled = nn_fp_sat_shl(rescaled, integer_bits);
    int32_t result = nn_fp_exp_on_interval_neg_quarter_0(rescaled);

    for (int e = -2; e <= 4; e++) {
        if (integer_bits <= e)
            break;
        const int shift = fractional_bits + e;
        if (remainder & (int32_t)(1u << shift))
            result = nn_sat_rdhm(result, exp_neg_pot[e + 2]);
    }
    if (integer_bits > 5) {
        /* Below -32 the result is flushed to zero. */
        const int32_t clamp = -(int32_t)(1u << (36 - integer_bits));
        if (a < clamp)
            result = 0;
    }
    if (a == 0)
        result = INT32_MAX;
    return result;
}

/*
 * 1 / (1 + a) for a in [0, 1), a and the result in Q0: three Newton-Raphson iterations on
 * the half denominator, starting from 48/17 - 32/17 * d (constants in Q2)
 * (gemmlowp's one_over_one_plus_x_for_x_in_0_1).
 */
static inline int32_t nn_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t c48_over_17 = 1515870810;      /* Q2 */
    const int32_t c_neg32_over_17 = -1010580540; /* Q2 */
    const int32_t one_q2 = 1 << 29;
    const int32_t half_denominator = nn_fp_rounding_half_sum(a, INT32_MAX); /* Q0 */
    int32_t x = nn_fp_add(c48_over_17, nn_sat_rdhm(half_denominator, c_neg32_over_17));

    for (int i = 0; i < 3; i++) {
        const int32_t half_denominator_times_x = nn_sat_rdhm(half_denominator, x); /* Q2 */
        const int32_t one_minus = nn_fp_sub(one_q2, half_denominator_times_x);    /* Q2 */
        /* x * one_minus is Q4; bring it back to Q2. */
        x = nn_fp_add(x, nn_fp_sat_shl(nn_sat_rdhm(x, one_minus), 2));
    }
    /* x / 2 read as Q1, then to Q0. */
    return nn_fp_sat_shl(x, 1);
}

/*
 * logistic(a) = 1 / (1 + exp(-a)) for a in Q(integer_bits), result in Q0 (gemmlowp's
 * logistic): computed for |a| and reflected for negative a; exactly 1/2 at a == 0.
 */
static inline int32_t nn_fp_logistic(int32_t a, int integer_bits)
{
    if (a == 0)
        return 1 << 30;
    const int32_t neg_abs = a > 0 ? nn_fp_sub(0, a) : a;
    const int32_t positive = nn_fp_one_over_one_plus_x_for_x_in_0_1(
        nn_fp_exp_on_negative_values(neg_abs, integer_bits));
    return a > 0 ? positive : nn_fp_sub(INT32_MAX, positive);
}

#endif /* NN_FIXEDPOINT_H */
