/*
 * Untrusted text made safe to show (see text.h): one UTF-8 decoder, one terminal escaper.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

size_t text_utf8_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* beyond U+10FFFF */
    } else {
        return 0; /* continuation byte, 0xC0/0xC1, 0xF5-0xFF */
    }
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* The code point of a well-formed sequence of len bytes. */
static uint32_t decode(const unsigned char *p, size_t len)
{
    static const unsigned char lead_mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t cp = p[0] & lead_mask[len];
    for (size_t i = 1; i < len; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    return cp;
}

static int unsafe_cp(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* The piece s starts with, shown: into piece (8 bytes), its length; *in: bytes of s it takes. */
static size_t show_piece(const char *s, char *piece, size_t *in)
{
    const unsigned char c = (unsigned char)*s;
    size_t n = text_utf8_len(s);
    *in = 1;
    if (c == '\\') {
        memcpy(piece, "\\\\", 2);
        return 2;
    }
    if (n == 1 && c >= 0x20 && c < 0x7F) {
        piece[0] = (char)c;
        return 1;
    }
    if (n > 1 && !unsafe_cp(decode((const unsigned char *)s, n))) {
        memcpy(piece, s, n);
        *in = n;
        return n;
    }
    snprintf(piece, 8, "\\x%02x", c);
    return 4;
}

const char *text_safe(const char *s, char *buf, size_t n)
{
    const char *p = s ? s : "";
    char piece[8];
    size_t total = 0, o = 0, in;
    for (const char *q = p; *q; q += in)
        total += show_piece(q, piece, &in);
    /* when it does not all fit, keep 3 bytes for "..." */
    const size_t limit = total < n ? n : n > 3 ? n - 3 : 0;
    for (; *p; p += in) {
        size_t len = show_piece(p, piece, &in);
        if (o + len >= limit)
            break;
        memcpy(buf + o, piece, len);
        o += len;
    }
    if (*p && o + 3 < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    if (n)
        buf[o] = 0;
    return buf;
}

const char *text_grouped(uint64_t v, char *buf, size_t len)
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 1 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0 && o + 2 < len)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = 0;
    return buf;
}

void text_html(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p < 32 || *p > 126 ? '?' : (int)*p, f); break;
        }
    }
}
