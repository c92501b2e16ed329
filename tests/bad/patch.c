/*
 * patch: the byte surgery of tests/bad/run.sh, built by the runner with the host cc.
 *
 *   patch get FILE OFF WIDTH          print the little-endian WIDTH-byte (1, 2, 4) field at OFF
 *   patch set FILE OFF WIDTH VALUE    write it (VALUE: decimal or 0x hex, truncated to WIDTH)
 *   patch crc FILE                    recompute a .tsm's CRC-32 (bytes [16, total_size) of
 *                                     the file, clamped to its size) into bytes 12..15
 *   patch flip IN OUT SEED [FROM TO]  copy IN to OUT with one byte replaced: the offset (in
 *                                     [FROM, TO), default the whole file) and the new value
 *                                     come from xorshift32 seeded with SEED, so a seed always
 *                                     makes the same file; prints "OFF OLD NEW"
 *
 * Exits 1 with a message on any error (a field outside the file included).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, len = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (len == cap) {
            unsigned char *t = realloc(buf, cap ? cap * 2 : 65536);
            if (!t) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = t;
            cap = cap ? cap * 2 : 65536;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *n = len;
    return buf;
}

static int spill(const char *path, const unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "patch: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static uint32_t xorshift32(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 2 ? argv[1] : "";
    size_t n = 0;
    unsigned char *b = argc > 2 ? slurp(argv[2], &n) : NULL;
    if (argc > 2 && !b) {
        fprintf(stderr, "patch: cannot read %s\n", argv[2]);
        return 1;
    }
    if ((strcmp(cmd, "get") == 0 && argc == 5) || (strcmp(cmd, "set") == 0 && argc == 6)) {
        unsigned long off = strtoul(argv[3], NULL, 0), w = strtoul(argv[4], NULL, 0);
        if ((w != 1 && w != 2 && w != 4) || off > n || n - off < w) {
            fprintf(stderr, "patch: field %lu+%lu outside %s (%zu bytes)\n", off, w, argv[2], n);
            return 1;
        }
        if (cmd[0] == 'g') {
            unsigned long v = 0;
            for (unsigned long i = 0; i < w; i++)
                v |= (unsigned long)b[off + i] << (8 * i);
            printf("%lu\n", v);
            return 0;
        }
        unsigned long long v = strtoull(argv[5], NULL, 0);
        for (unsigned long i = 0; i < w; i++)
            b[off + i] = (unsigned char)(v >> (8 * i));
        return spill(argv[2], b, n);
    }
    if (strcmp(cmd, "crc") == 0 && argc == 3) {
        if (n < 16) {
            fprintf(stderr, "patch: %s is too short for a .tsm header\n", argv[2]);
            return 1;
        }
        uint32_t total = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 |
                         (uint32_t)b[11] << 24;
        size_t end = total < 16 ? 16 : total > n ? n : total;
        uint32_t c = crc32_ieee(b + 16, end - 16);
        for (int i = 0; i < 4; i++)
            b[12 + i] = (unsigned char)(c >> (8 * i));
        return spill(argv[2], b, n);
    }
    if (strcmp(cmd, "flip") == 0 && (argc == 5 || argc == 7) && n > 0) {
        size_t from = argc == 7 ? strtoul(argv[5], NULL, 0) : 0;
        size_t to = argc == 7 ? strtoul(argv[6], NULL, 0) : n;
        if (to > n)
            to = n;
        if (from >= to) {
            fprintf(stderr, "patch: empty range %zu..%zu in %s\n", from, to, argv[2]);
            return 1;
        }
        uint32_t s = (uint32_t)strtoul(argv[4], NULL, 0) * 2654435761u + 1u;
        for (int i = 0; i < 4; i++) /* stir a little: small seeds start out correlated */
            xorshift32(&s);
        size_t off = from + xorshift32(&s) % (to - from);
        unsigned char old = b[off], v = (unsigned char)(xorshift32(&s) >> 24);
        if (v == old)
            v ^= 0x80;
        b[off] = v;
        printf("%zu %u %u\n", off, old, v);
        return spill(argv[3], b, n);
    }
    fprintf(stderr, "usage: patch get FILE OFF WIDTH | set FILE OFF WIDTH VALUE | crc FILE | "
                    "flip IN OUT SEED [FROM TO]\n");
    return 1;
}
