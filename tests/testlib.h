/*
 * What the tests share: access to ../shared (the MLPerf Tiny models and TFLM golden
 * outputs, absent on a fresh clone, so tests that need it skip with one clear message), a
 * deterministic PRNG and float reference rounding. Header-only, because the core's tests
 * link nothing but the core.
 */
#ifndef TESTS_TESTLIB_H
#define TESTS_TESTLIB_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* $TINYSIM_SHARED (set by the Makefile), else ../shared relative to the repository root. */
static inline const char *ts_shared_dir(void)
{
    const char *s = getenv("TINYSIM_SHARED");
    return s != NULL && s[0] != '\0' ? s : "../shared";
}

/* Read <shared>/<rel> whole into a malloc'd buffer (caller frees); NULL if it cannot. */
static inline uint8_t *ts_read_shared(const char *rel, size_t *len)
{
    char path[1024];
    *len = 0;
    snprintf(path, sizeof path, "%s/%s", ts_shared_dir(), rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    uint8_t *buf = NULL;
    long n;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (buf = malloc((size_t)n + 1)) == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The message every test prints when it skips for want of ../shared. */
static inline void ts_skip_message(const char *rel)
{
    printf("SKIP: %s/%s not found: this test needs the MLPerf Tiny models and golden "
           "outputs in ../shared (set TINYSIM_SHARED)\n", ts_shared_dir(), rel);
}

/* xorshift32: the next pseudo-random value of *state (which must not be 0). */
static inline uint32_t ts_xorshift32(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* round(x) clamped to int8: the float reference an int8 kernel is compared against. */
static inline int ts_round_clamp_s8(double x)
{
    const double r = round(x);
    return r < -128 ? -128 : r > 127 ? 127 : (int)r;
}

#endif /* TESTS_TESTLIB_H */
