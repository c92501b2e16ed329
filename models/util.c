/*
 * Host-side utilities: allocated messages and whole-file reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

char *mu_vasprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        n = 0;
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        fputs("tinysim: out of memory\n", stderr);
        abort();
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *mu_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = mu_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

int mu_read_file(const char *path, uint8_t **data, size_t *len, char **cause)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    if (f == NULL) {
        *cause = mu_asprintf("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        *cause = mu_asprintf("cannot read %s: %s", path,
                             S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
        goto err;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        *cause = mu_asprintf("cannot read %s: not a regular file", path);
        goto err;
    }
    long n = ftell(f);
    if (n < 0) {
        *cause = mu_asprintf("cannot read %s: not a regular file", path);
        goto err;
    }
    if ((unsigned long)n > MU_MAX_FILE) {
        *cause = mu_asprintf("%s is %ld bytes, larger than the %u MiB limit", path, n,
                             MU_MAX_FILE >> 20);
        goto err;
    }
    rewind(f);
    buf = aligned_alloc(16, ((size_t)n + 16) & ~(size_t)15);
    if (buf == NULL) {
        *cause = mu_asprintf("out of memory reading %s", path);
        goto err;
    }
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        *cause = mu_asprintf("cannot read %s: %s", path, ferror(f) ? strerror(errno) : "short read");
        goto err;
    }
    fclose(f);
    *data = buf;
    *len = (size_t)n;
    return 0;
err:
    free(buf);
    fclose(f);
    return -1;
}

uint32_t mu_xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}
