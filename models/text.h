/*
 * Untrusted text shown to a person: names that come from a model or a firmware (tensor,
 * layer, model and symbol names) made safe to print on a terminal, and the UTF-8 decoder
 * the JSON writer (models/json.c) shares for its escapes.
 */
#ifndef MODELS_TEXT_H
#define MODELS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bytes of the well-formed UTF-8 sequence that starts at s (1 for ASCII, 2 to 4 otherwise;
 * no overlong forms, surrogates or code points beyond U+10FFFF), 0 when s does not start one
 * (a stray continuation byte, a cut sequence, 0xC0, 0xFF ...). s must be NUL-terminated: a
 * NUL ends a sequence early and makes it invalid.
 */
size_t text_utf8_len(const char *s);

/*
 * s for a terminal, into buf (n bytes, n >= 1; always NUL-terminated): printable ASCII and
 * well-formed UTF-8 as they are, except the C1 controls (U+0080-U+009F) and the bidirectional
 * overrides (U+202A-U+202E, U+2066-U+2069), which reorder or control a terminal; every other
 * byte, ESC and DEL included, as \xNN, and a backslash as \\ (so the text reads back
 * unambiguously). When it does not fit, it is cut at a character boundary and ends in "...".
 * s may be NULL (""). Returns buf.
 */
const char *text_safe(const char *s, char *buf, size_t n);

/* 1234567 -> "1,234,567" in buf (len bytes, always NUL-terminated); returns buf. */
const char *text_grouped(uint64_t v, char *buf, size_t len);

/* s as HTML text (element content or a quoted attribute value) on f: < > & " ' escaped,
 * printable ASCII as it is and every other byte as '?' (the names shown are the firmware's and
 * the user's bytes; the HTML reports stay valid, readable and free of markup). s may be NULL. */
#include <stdio.h>
void text_html(FILE *f, const char *s);

/* The buffer text_safe needs to show len bytes without cutting: 4 per byte, plus 1. */
#define TEXT_SAFE_SIZE(len) (4 * (len) + 1)

#endif /* MODELS_TEXT_H */
