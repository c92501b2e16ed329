/*
 * Test access to ../shared (the MLPerf Tiny models and TFLM golden outputs), which a fresh
 * clone does not have: tests that need it skip with one clear message. Header-only, because
 * the core's tests link nothing but the core.
 */
#ifndef TESTS_SHARED_DATA_H
#define TESTS_SHARED_DATA_H

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

#endif /* TESTS_SHARED_DATA_H */
