/*
 * Tests for the JSON reader (models/json_parse.c): documents of every type, every escape,
 * numbers, every error class with its line/column message, the depth/value/size limits, and
 * robustness: every prefix of a valid document and a deterministic random bit-flip loop must
 * fail cleanly or succeed.
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testlib.h"
#include "../../models/json.h"

/* ===================================================================== helpers */

/* Parse a NUL-terminated text (the NUL not included); the test fails on a parse error. */
static json_value *parse_ok(const char *text)
{
    char err[256];
    json_value *v = json_parse(text, strlen(text), err, sizeof err);
    if (v == NULL)
        fail_msg("parse of %s failed: %s", text, err);
    return v;
}

/* Parse len bytes that must fail; the message must equal want. */
static void expect_error_n(const char *text, size_t len, const char *want)
{
    char err[512];
    memset(err, 'x', sizeof err);
    json_value *v = json_parse(text, len, err, sizeof err);
    if (v != NULL) {
        json_free(v);
        fail_msg("parse of %.*s succeeded, expected: %s", (int)len, text, want);
    }
    assert_string_equal(err, want);
}

static void expect_error(const char *text, const char *want)
{
    expect_error_n(text, strlen(text), want);
}

/*
 * Walk a parsed tree checking the accessors' invariants; returns the number of values. Used
 * on whatever the robustness loops manage to parse.
 */
static size_t walk(const json_value *v, int depth)
{
    size_t n = 1, len;
    const char *s;
    assert_true(depth <= JSON_MAX_DEPTH);
    switch (json_type_of(v)) {
    case JSON_NULL:
    case JSON_BOOL:
        assert_int_equal(json_len(v), 0);
        break;
    case JSON_NUMBER:
        assert_true(isfinite(json_number(v)));
        break;
    case JSON_STRING:
        s = json_string(v, &len);
        assert_non_null(s);
        assert_int_equal(s[len], 0);
        assert_true(strlen(s) <= len);
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_len(v); i++)
            n += walk(json_at(v, i), depth + 1);
        assert_null(json_at(v, json_len(v)));
        assert_null(json_key_at(v, 0, NULL));
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < json_len(v); i++) {
            const char *k = json_key_at(v, i, &len);
            assert_non_null(k);
            assert_int_equal(k[len], 0);
            /* keys are unique, so a key without NUL finds exactly this member */
            if (strlen(k) == len)
                assert_ptr_equal(json_get(v, k), json_at(v, i));
            n += walk(json_at(v, i), depth + 1);
        }
        assert_null(json_at(v, json_len(v)));
        break;
    }
    return n;
}

/* A document using every kind of value and escape, shaped like a tinysim report. */
static const char sample[] =
    "{\"schema\": \"tinysim-report/1\",\n"
    " \"firmware\": {\"path\": \"build/firmware/x/infer.elf\", \"board_note\": null},\n"
    " \"exit\": {\"reason\": \"exit\", \"code\": 0, \"ok\": true, \"fault\": false},\n"
    " \"totals\": {\"cycles\": 47251139, \"time_s\": 0.393759492, \"e\": -1.5E-3,\n"
    "            \"big\": 1e308, \"neg\": -0, \"exp\": 2e+2},\n"
    " \"text\": \"tab\\t nl\\n q\\\" bs\\\\ sl\\/ \\b\\f\\r \\u00e9 \\u20AC \\uD83D\\uDE00 "
    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\n"
    " \"layers\": [{\"index\": 0, \"op\": \"CONV_2D\", \"shape\": [1, 25, 5, 64]},\n"
    "            {\"index\": 1, \"op\": \"FULLY_CONNECTED\", \"shape\": [], \"x\": {}}],\n"
    " \"nested\": [[[[\"deep\"]]], [], {\"a\": [null, true, false, 0.5, \"\"]}]\n"
    "}\n";

/* ===================================================================== values */

static void test_scalars(void **state)
{
    (void)state;
    json_value *v = parse_ok("null");
    assert_int_equal(json_type_of(v), JSON_NULL);
    json_free(v);

    v = parse_ok(" true ");
    assert_int_equal(json_type_of(v), JSON_BOOL);
    assert_int_equal(json_bool(v), 1);
    json_free(v);

    v = parse_ok("\tfalse\r\n");
    assert_int_equal(json_type_of(v), JSON_BOOL);
    assert_int_equal(json_bool(v), 0);
    json_free(v);

    v = parse_ok("42");
    assert_int_equal(json_type_of(v), JSON_NUMBER);
    assert_true(json_number(v) == 42.0);
    json_free(v);

    size_t len;
    v = parse_ok("\"hello\"");
    assert_int_equal(json_type_of(v), JSON_STRING);
    assert_string_equal(json_string(v, &len), "hello");
    assert_int_equal(len, 5);
    json_free(v);

    v = parse_ok("\"\"");
    assert_string_equal(json_string(v, &len), "");
    assert_int_equal(len, 0);
    json_free(v);

    /* Accessors on the wrong type give the neutral answer. */
    v = parse_ok("\"1\"");
    assert_true(json_number(v) == 0.0);
    assert_int_equal(json_bool(v), 0);
    assert_int_equal(json_len(v), 0);
    assert_null(json_at(v, 0));
    assert_null(json_get(v, "1"));
    assert_null(json_key_at(v, 0, NULL));
    assert_int_equal(json_u64(v, NULL), 0);
    json_free(v);
    v = parse_ok("1");
    assert_null(json_string(v, NULL));
    json_free(v);

    /* NULL reads as a missing value, and json_free(NULL) is fine. */
    assert_int_equal(json_type_of(NULL), JSON_NULL);
    assert_null(json_get(NULL, "a"));
    assert_int_equal(json_len(NULL), 0);
    assert_null(json_at(NULL, 0));
    assert_null(json_string(NULL, NULL));
    json_free(NULL);

    assert_string_equal(json_type_name(JSON_NULL), "null");
    assert_string_equal(json_type_name(JSON_BOOL), "a boolean");
    assert_string_equal(json_type_name(JSON_NUMBER), "a number");
    assert_string_equal(json_type_name(JSON_STRING), "a string");
    assert_string_equal(json_type_name(JSON_ARRAY), "an array");
    assert_string_equal(json_type_name(JSON_OBJECT), "an object");
}

static void test_containers(void **state)
{
    (void)state;
    json_value *v = parse_ok(sample);
    assert_int_equal(json_type_of(v), JSON_OBJECT);
    assert_int_equal(json_len(v), 7);
    assert_int_equal(walk(v, 0), 45);

    /* Members in document order, with their keys. */
    size_t kl;
    assert_string_equal(json_key_at(v, 0, &kl), "schema");
    assert_int_equal(kl, 6);
    assert_string_equal(json_key_at(v, 6, NULL), "nested");
    assert_null(json_key_at(v, 7, NULL));
    assert_ptr_equal(json_at(v, 0), json_get(v, "schema"));
    assert_string_equal(json_string(json_get(v, "schema"), NULL), "tinysim-report/1");
    assert_null(json_get(v, "missing"));
    assert_null(json_get(v, "schem"));
    assert_null(json_get(v, "schema2"));

    const json_value *fw = json_get(v, "firmware");
    assert_int_equal(json_type_of(json_get(fw, "board_note")), JSON_NULL);
    assert_non_null(json_get(fw, "board_note")); /* present, unlike a missing member */

    const json_value *ex = json_get(v, "exit");
    assert_int_equal(json_bool(json_get(ex, "ok")), 1);
    assert_int_equal(json_type_of(json_get(ex, "fault")), JSON_BOOL);
    assert_int_equal(json_bool(json_get(ex, "fault")), 0);

    const json_value *t = json_get(v, "totals");
    assert_true(json_number(json_get(t, "cycles")) == 47251139.0);
    assert_true(json_number(json_get(t, "time_s")) == 0.393759492);
    assert_true(json_number(json_get(t, "e")) == -1.5e-3);
    assert_true(json_number(json_get(t, "exp")) == 200.0);

    const json_value *layers = json_get(v, "layers");
    assert_int_equal(json_type_of(layers), JSON_ARRAY);
    assert_int_equal(json_len(layers), 2);
    const json_value *l1 = json_at(layers, 1);
    assert_string_equal(json_string(json_get(l1, "op"), NULL), "FULLY_CONNECTED");
    assert_int_equal(json_len(json_get(l1, "shape")), 0);
    assert_int_equal(json_type_of(json_get(l1, "x")), JSON_OBJECT);
    assert_int_equal(json_len(json_get(l1, "x")), 0);
    const json_value *shape = json_get(json_at(layers, 0), "shape");
    assert_int_equal(json_len(shape), 4);
    assert_true(json_number(json_at(shape, 3)) == 64.0);
    assert_null(json_at(shape, 4));

    const json_value *n = json_get(v, "nested");
    assert_string_equal(json_string(json_at(json_at(json_at(json_at(n, 0), 0), 0), 0), NULL),
                        "deep");
    const json_value *a = json_get(json_at(n, 2), "a");
    assert_int_equal(json_len(a), 5);
    assert_int_equal(json_type_of(json_at(a, 0)), JSON_NULL);
    assert_true(json_number(json_at(a, 3)) == 0.5);
    json_free(v);

    v = parse_ok("[]");
    assert_int_equal(json_type_of(v), JSON_ARRAY);
    assert_int_equal(json_len(v), 0);
    json_free(v);
    v = parse_ok(" { } ");
    assert_int_equal(json_type_of(v), JSON_OBJECT);
    assert_int_equal(json_len(v), 0);
    json_free(v);

    /* A big object: the duplicate check sorts, and every key is still found. */
    size_t cap = 200000, o = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    big[o++] = '{';
    for (int i = 0; i < 5000; i++)
        o += (size_t)snprintf(big + o, cap - o, "%s\"k%d\":%d", i ? "," : "", i, i);
    big[o++] = '}';
    char err[256];
    v = json_parse(big, o, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(json_len(v), 5000);
    assert_true(json_number(json_get(v, "k4999")) == 4999.0);
    assert_true(json_number(json_get(v, "k0")) == 0.0);
    assert_null(json_get(v, "k5000"));
    json_free(v);
    free(big);
}

static void test_escapes(void **state)
{
    (void)state;
    size_t len;
    json_value *v = parse_ok("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
    assert_string_equal(json_string(v, &len), "\" \\ / \b \f \n \r \t");
    assert_int_equal(len, 15);
    json_free(v);

    /* \u: 1, 2 and 3 UTF-8 bytes, both cases of hex digits, and a surrogate pair -> 4 bytes. */
    v = parse_ok("\"\\u0041\\u00e9\\u00E9\\u20ac\\uFFFF\\uD83D\\uDE00\\udbff\\udfff\"");
    assert_string_equal(json_string(v, &len),
                        "A\xc3\xa9\xc3\xa9\xe2\x82\xac\xef\xbf\xbf\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
    assert_int_equal(len, 1 + 2 + 2 + 3 + 3 + 4 + 4);
    json_free(v);

    /* \u0000 is valid JSON: kept, and the length says where the string ends. */
    v = parse_ok("\"a\\u0000b\"");
    const char *s = json_string(v, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 4);
    json_free(v);

    /* Keys are decoded too; json_get compares the decoded bytes. */
    v = parse_ok("{\"caf\\u00e9\": 1, \"k\\u0000\": 2}");
    assert_true(json_number(json_get(v, "caf\xc3\xa9")) == 1.0);
    assert_null(json_get(v, "k")); /* "k\0" is not "k" */
    json_key_at(v, 1, &len);
    assert_int_equal(len, 2);
    json_free(v);

    /* Raw UTF-8 of every length, and DEL, pass through unchanged. */
    v = parse_ok("\"\x7f \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 "
                 "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf\"");
    assert_string_equal(json_string(v, NULL), "\x7f \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf "
                                              "\xee\x80\x80 \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf");
    json_free(v);

    /* Escaped quotes and backslashes right before the closing quote. */
    v = parse_ok("[\"\\\\\", \"\\\"\", \"\\\\\\\"\"]");
    assert_string_equal(json_string(json_at(v, 0), NULL), "\\");
    assert_string_equal(json_string(json_at(v, 1), NULL), "\"");
    assert_string_equal(json_string(json_at(v, 2), NULL), "\\\"");
    json_free(v);
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double want;
    } cases[] = {
        {"0", 0.0},
        {"-0", -0.0},
        {"1", 1.0},
        {"-1", -1.0},
        {"1.5e-3", 1.5e-3},
        {"1.5E-3", 1.5e-3},
        {"15e-4", 1.5e-3},
        {"0.0015", 1.5e-3},
        {"1e308", 1e308},
        {"-1e308", -1e308},
        {"1.7976931348623157e308", 1.7976931348623157e308},
        {"2e+2", 200.0},
        {"0e0", 0.0},
        {"0.5", 0.5},
        {"-0.0", -0.0},
        {"123456789012", 123456789012.0},
        {"9007199254740992", 9007199254740992.0},  /* 2^53 */
        {"9007199254740991", 9007199254740991.0},  /* 2^53 - 1 */
        {"-9007199254740992", -9007199254740992.0},
        /* 2^53 + 1 has no double: it rounds to even, 2^53 */
        {"9007199254740993", 9007199254740992.0},
        {"9007199254740995", 9007199254740996.0},
        {"1e-400", 0.0}, /* below the smallest subnormal: reads as 0 */
        {"4.9406564584124654e-324", 4.9406564584124654e-324},
        {"0.1", 0.1},
        {"100000000000000000000000", 1e23},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_value *v = parse_ok(cases[i].text);
        assert_int_equal(json_type_of(v), JSON_NUMBER);
        if (json_number(v) != cases[i].want)
            fail_msg("%s read as %.17g, expected %.17g", cases[i].text, json_number(v),
                     cases[i].want);
        assert_int_equal(!!signbit(json_number(v)), !!signbit(cases[i].want));
        json_free(v);
    }

    /* Every integer up to 2^53 round-trips; check a spread of them. */
    uint32_t seed = 12345;
    for (int i = 0; i < 2000; i++) {
        uint64_t x = ((uint64_t)ts_xorshift32(&seed) << 32 | ts_xorshift32(&seed)) >> 11;
        char buf[32];
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)x);
        json_value *v = parse_ok(buf);
        assert_true(json_number(v) == (double)x);
        assert_true((uint64_t)json_number(v) == x);
        json_free(v);
    }

    /* json_u64: exact for integers written as such, whatever their size up to 2^64 - 1. */
    static const struct {
        const char *text;
        int is;
        uint64_t want;
    } u[] = {
        {"0", 1, 0},
        {"47251139", 1, 47251139},
        {"9007199254740993", 1, 9007199254740993ull},
        {"18446744073709551615", 1, UINT64_MAX},
        {"18446744073709551616", 0, 0},
        {"99999999999999999999", 0, 0},
        {"-0", 0, 0},
        {"-1", 0, 0},
        {"1.0", 0, 0},
        {"1e3", 0, 0},
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        json_value *v = parse_ok(u[i].text);
        uint64_t got = 7;
        assert_int_equal(json_u64(v, &got), u[i].is);
        assert_true(got == (u[i].is ? u[i].want : 7));
        json_free(v);
    }

    /* The text need not be NUL-terminated: a number (or literal) may end the buffer, even
     * when the bytes after it would continue it. */
    char *buf = malloc(5);
    assert_non_null(buf);
    memcpy(buf, "12345", 5);
    json_value *v = json_parse(buf, 3, NULL, 0);
    assert_non_null(v);
    assert_true(json_number(v) == 123.0);
    json_free(v);
    v = json_parse(buf, 5, NULL, 0);
    assert_true(json_number(v) == 12345.0);
    json_free(v);
    memcpy(buf, "1.5e1", 5);
    v = json_parse(buf, 5, NULL, 0);
    assert_true(json_number(v) == 15.0);
    json_free(v);
    memcpy(buf, "truex", 5);
    v = json_parse(buf, 4, NULL, 0);
    assert_int_equal(json_bool(v), 1);
    json_free(v);
    free(buf);

    /* Long numbers (more than the parser's stack buffer holds). */
    char longnum[400];
    longnum[0] = '0';
    longnum[1] = '.';
    memset(longnum + 2, '0', sizeof longnum - 4);
    longnum[sizeof longnum - 2] = '5';
    longnum[sizeof longnum - 1] = 0;
    v = parse_ok(longnum); /* 5e-397 underflows to 0 */
    assert_true(json_number(v) == 0.0);
    json_free(v);
    longnum[0] = '1';
    memset(longnum + 1, '0', 300);
    longnum[301] = 0; /* 1e300 written out */
    v = parse_ok(longnum);
    assert_true(json_number(v) == 1e300);
    json_free(v);
}

/* Numbers read the same whatever the process locale (strtod() follows LC_NUMERIC). */
static void test_numbers_locale(void **state)
{
    (void)state;
    static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                                "fr_FR.utf8", "de_DE", "fr_FR", "ru_RU.UTF-8"};
    const char *got = NULL;
    for (size_t i = 0; i < sizeof comma_locales / sizeof comma_locales[0] && got == NULL; i++)
        got = setlocale(LC_NUMERIC, comma_locales[i]);
    if (got == NULL || strcmp(localeconv()->decimal_point, ",") != 0) {
        setlocale(LC_NUMERIC, "C");
        printf("SKIP: no locale with a decimal comma is installed (tried de_DE, fr_FR, ru_RU)\n");
        skip();
    }
    json_value *v = parse_ok("[1.5, 2.25e1]");
    const double a = json_number(json_at(v, 0)), b = json_number(json_at(v, 1));
    json_free(v);
    /* and the parse left the locale as it was */
    const int still_comma = strcmp(localeconv()->decimal_point, ",") == 0;
    setlocale(LC_NUMERIC, "C");
    assert_true(a == 1.5);
    assert_true(b == 22.5);
    assert_true(still_comma);
}

/* ===================================================================== errors */

static void test_errors_syntax(void **state)
{
    (void)state;
    expect_error("", "line 1, column 1: expected a value, found the end of the input");
    expect_error(" \n  ", "line 2, column 3: expected a value, found the end of the input");
    expect_error("{\"a\" 1}", "line 1, column 6: expected ':' after an object key, found '1'");
    expect_error("{\"a\":1 \"b\":2}",
                 "line 1, column 8: expected ',' or '}' after an object member, found '\"'");
    expect_error("{\n  \"a\": 1,\n  \"bitrat\": 1\"c\": 3\n}",
                 "line 3, column 14: expected ',' or '}' after an object member, found '\"'");
    expect_error("{\"a\":1", "line 1, column 7: expected ',' or '}' after an object member, "
                             "found the end of the input");
    expect_error("[1 2]", "line 1, column 4: expected ',' or ']' after an array element, "
                          "found '2'");
    expect_error("[1", "line 1, column 3: expected ',' or ']' after an array element, found "
                       "the end of the input");
    expect_error("{1:2}", "line 1, column 2: expected a string (an object key), found '1'");
    expect_error("{'a':2}", "line 1, column 2: expected a string (an object key), found \"'\"");
    expect_error("{\"a\":1,}", "line 1, column 8: trailing comma: expected a member after ',' "
                               "(JSON does not allow a comma before '}')");
    expect_error("[1,]", "line 1, column 4: trailing comma: expected a value after ',' (JSON "
                         "does not allow a comma before ']')");
    expect_error("[,1]", "line 1, column 2: expected a value, found ','");
    expect_error("{\"a\":}", "line 1, column 6: expected a value, found '}'");
    expect_error("'a'", "line 1, column 1: expected a value, found \"'\"");
    expect_error("/* c */ 1", "line 1, column 1: expected a value, found '/'");
    expect_error("[1] // c", "line 1, column 5: trailing characters after the top-level value, "
                             "found '/'");
    expect_error("1 2", "line 1, column 3: trailing characters after the top-level value, "
                        "found '2'");
    expect_error("{} x", "line 1, column 4: trailing characters after the top-level value, "
                         "found 'x'");
    expect_error_n("{}\0", 3, "line 1, column 3: trailing characters after the top-level value, "
                              "found a NUL byte");
    expect_error_n("[1,\0]", 5, "line 1, column 4: expected a value, found a NUL byte");
    expect_error("[1,\x01]", "line 1, column 4: expected a value, found control character "
                             "U+0001");
    expect_error("\xc3\xa9", "line 1, column 1: expected a value, found byte 0xC3 (outside a "
                             "string, JSON is ASCII)");
    expect_error("\xef\xbb\xbf{}", "line 1, column 1: the input starts with a byte order mark "
                                   "(U+FEFF), which JSON does not allow");
    /* Columns count characters, not bytes; CR LF ends a line. */
    expect_error("[\"\xc3\xa9\", x]", "line 1, column 7: expected a value, found 'x'");
    expect_error("[\r\n1\r\n x]", "line 3, column 2: expected ',' or ']' after an array "
                                  "element, found 'x'");
    /* Literals */
    expect_error("tru", "line 1, column 4: unexpected end of the input inside 'true'");
    expect_error("trUe", "line 1, column 1: invalid literal: expected 'true' (JSON literals are "
                         "true, false and null, in lower case)");
    expect_error("[nul]", "line 1, column 2: invalid literal: expected 'null' (JSON literals "
                          "are true, false and null, in lower case)");
    expect_error("falsey", "line 1, column 6: trailing characters after the top-level value, "
                           "found 'y'");
    expect_error("True", "line 1, column 1: expected a value, found 'T'");
    expect_error("NaN", "line 1, column 1: expected a value, found 'N'");
    expect_error("Infinity", "line 1, column 1: expected a value, found 'I'");
}

static void test_errors_numbers(void **state)
{
    (void)state;
    expect_error("01", "line 1, column 1: invalid number: a leading zero is not allowed");
    expect_error("-012", "line 1, column 2: invalid number: a leading zero is not allowed");
    expect_error("-", "line 1, column 2: invalid number: expected a digit after '-'");
    expect_error("[-a]", "line 1, column 3: invalid number: expected a digit after '-'");
    expect_error("-Infinity", "line 1, column 2: invalid number: expected a digit after '-'");
    expect_error("1.", "line 1, column 3: invalid number: expected a digit after '.'");
    expect_error("1.e5", "line 1, column 3: invalid number: expected a digit after '.'");
    expect_error("1e", "line 1, column 3: invalid number: expected a digit in the exponent");
    expect_error("1E+", "line 1, column 4: invalid number: expected a digit in the exponent");
    expect_error("1e-x", "line 1, column 4: invalid number: expected a digit in the exponent");
    expect_error("+1", "line 1, column 1: expected a value, found '+'");
    expect_error(".5", "line 1, column 1: expected a value, found '.'");
    expect_error("0x10", "line 1, column 2: trailing characters after the top-level value, "
                         "found 'x'");
    expect_error("1e309", "line 1, column 1: number out of range: its magnitude is beyond what "
                          "a double holds (about 1.8e308)");
    expect_error("[0, -1e309]", "line 1, column 5: number out of range: its magnitude is beyond "
                                "what a double holds (about 1.8e308)");
}

static void test_errors_strings(void **state)
{
    (void)state;
    expect_error("[\"abc", "line 1, column 2: unterminated string (no closing '\"' before the "
                           "end of the input)");
    expect_error("\"abc\\\"", "line 1, column 1: unterminated string (no closing '\"' before the "
                              "end of the input)");
    expect_error("\"a\\", "line 1, column 1: unterminated string (no closing '\"' before the "
                          "end of the input)");
    expect_error("[\"a\nb\"]", "line 1, column 4: raw control character U+000A in a string "
                               "(write it as an escape such as \\n, \\t or \\u000A)");
    expect_error("\"\t\"", "line 1, column 2: raw control character U+0009 in a string (write "
                           "it as an escape such as \\n, \\t or \\u0009)");
    expect_error("\"\x1f\"", "line 1, column 2: raw control character U+001F in a string (write "
                             "it as an escape such as \\n, \\t or \\u001F)");
    expect_error_n("\"a\0b\"", 5, "line 1, column 3: a NUL byte in a string");
    expect_error("\"\\x\"", "line 1, column 2: invalid escape: a backslash followed by 'x' "
                            "(valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    expect_error("\"\\'\"", "line 1, column 2: invalid escape: a backslash followed by \"'\" "
                            "(valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    expect_error("\"\\U0041\"", "line 1, column 2: invalid escape: a backslash followed by 'U' "
                                "(valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    expect_error("\"\\u12G4\"", "line 1, column 2: invalid \\u escape: expected four hex digits "
                                "after \\u");
    expect_error("\"\\u12\"", "line 1, column 2: invalid \\u escape: expected four hex digits "
                              "after \\u");
    expect_error("\"ab\\u\"", "line 1, column 4: invalid \\u escape: expected four hex digits "
                              "after \\u");
    /* Surrogates */
    expect_error("\"\\uD800\"", "line 1, column 2: lone surrogate \\uD800: a high surrogate "
                                "must be followed by a low one (\\uDC00-\\uDFFF)");
    expect_error("\"\\uDBFFx\"", "line 1, column 2: lone surrogate \\uDBFF: a high surrogate "
                                 "must be followed by a low one (\\uDC00-\\uDFFF)");
    expect_error("\"\\uD83D\\u0041\"", "line 1, column 2: lone surrogate \\uD83D: a high "
                                       "surrogate must be followed by a low one "
                                       "(\\uDC00-\\uDFFF)");
    expect_error("\"\\uD83D\\uD83D\"", "line 1, column 2: lone surrogate \\uD83D: a high "
                                       "surrogate must be followed by a low one "
                                       "(\\uDC00-\\uDFFF)");
    expect_error("\"\\uD83D\\uDE0\"", "line 1, column 2: lone surrogate \\uD83D: a high "
                                      "surrogate must be followed by a low one "
                                      "(\\uDC00-\\uDFFF)");
    expect_error("\"x\\uDC00\"", "line 1, column 3: lone surrogate \\uDC00: a low surrogate must "
                                 "follow a high one (\\uD800-\\uDBFF)");
    expect_error("\"\\uDE00\\uD83D\"", "line 1, column 2: lone surrogate \\uDE00: a low "
                                       "surrogate must follow a high one (\\uD800-\\uDBFF)");
    /* Invalid UTF-8: stray continuation, overlong forms, encoded surrogates, beyond U+10FFFF,
     * truncated sequences, bytes that never occur. */
    static const struct {
        const char *text, *want;
    } utf8[] = {
        {"\"a\x80\"", "line 1, column 3: invalid UTF-8 in a string (byte 0x80)"},
        {"\"\xc0\x80\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xC0)"},
        {"\"\xc1\xbf\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xC1)"},
        {"\"\xe0\x80\x80\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xE0)"},
        {"\"\xe0\x9f\xbf\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xE0)"},
        {"\"\xed\xa0\x80\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xED)"},
        {"\"\xed\xbf\xbf\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xED)"},
        {"\"\xf0\x80\x80\x80\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xF0)"},
        {"\"\xf0\x8f\xbf\xbf\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xF0)"},
        {"\"\xf4\x90\x80\x80\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xF4)"},
        {"\"\xf5\x80\x80\x80\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xF5)"},
        {"\"\xff\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xFF)"},
        {"\"\xfe\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xFE)"},
        {"\"\xc3\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xC3)"},
        {"\"\xc3x\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xC3)"},
        {"\"\xe2\x82\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xE2)"},
        {"\"\xf0\x9f\x98\"", "line 1, column 2: invalid UTF-8 in a string (byte 0xF0)"},
        {"{\"k\xff\":1}", "line 1, column 4: invalid UTF-8 in a string (byte 0xFF)"},
    };
    for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++)
        expect_error(utf8[i].text, utf8[i].want);
}

static void test_errors_duplicate_keys(void **state)
{
    (void)state;
    expect_error("{\"a\":1,\"a\":2}", "line 1, column 8: duplicate key \"a\" in an object (first "
                                      "at line 1, column 2)");
    expect_error("{\"a\":1,\n \"b\":{\"a\":1, \"b\":2},\n \"c\":3, \"b\":4, \"c\":5}",
                 "line 3, column 9: duplicate key \"b\" in an object (first at line 2, column 2)");
    /* Equal after decoding. */
    expect_error("{\"\\u0041\":1,\"A\":2}", "line 1, column 13: duplicate key \"A\" in an "
                                            "object (first at line 1, column 2)");
    /* Control characters in the key are shown as '?'; a long key is cut. */
    expect_error("{\"a\\nb\":1,\"a\\nb\":2}", "line 1, column 11: duplicate key \"a?b\" in an "
                                              "object (first at line 1, column 2)");
    {
        char doc[420], key[201];
        memset(key, 'k', 200);
        key[200] = 0;
        snprintf(doc, sizeof doc, "{\"%s\":1,\"%s\":2}", key, key);
        char err[256];
        assert_null(json_parse(doc, strlen(doc), err, sizeof err));
        assert_non_null(strstr(err, "duplicate key \"kkkk"));
        assert_non_null(strstr(err, "...\" in an object (first at line 1, column 2)"));
    }
    /* Keys differing only in length are different. */
    json_value *v = parse_ok("{\"a\":1, \"aa\":2, \"a\\u0000\":3}");
    assert_int_equal(json_len(v), 3);
    json_free(v);

    /* A large object (the sorting path): the first repeat in document order is reported,
     * with the first place of that key. */
    size_t cap = 100000, o = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    big[o++] = '{';
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(big + o, cap - o, "%s\"k%03d\":0", i ? "," : "", i);
    /* member i >= 1 starts at offset 9 * i + 1 (",\"k123\":0"); "k500" repeats at the end,
     * then "k007" after it */
    size_t at500 = o + 2;
    o += (size_t)snprintf(big + o, cap - o, ",\"k500\":1,\"k007\":2}");
    char err[256], want[256];
    assert_null(json_parse(big, o, err, sizeof err));
    snprintf(want, sizeof want, "line 1, column %zu: duplicate key \"k500\" in an object (first "
             "at line 1, column %d)", at500, 9 * 500 + 2);
    assert_string_equal(err, want);
    free(big);
}

/* ===================================================================== limits */

static void test_depth_limit(void **state)
{
    (void)state;
    char doc[300];
    char err[256];
    /* 64 levels parse; 65 do not. */
    for (int d = 1; d <= JSON_MAX_DEPTH + 1; d++) {
        memset(doc, '[', (size_t)d);
        memset(doc + d, ']', (size_t)d);
        json_value *v = json_parse(doc, 2 * (size_t)d, err, sizeof err);
        if (d <= JSON_MAX_DEPTH) {
            assert_non_null(v);
            const json_value *x = v;
            int depth = 1;
            while (json_len(x) == 1) {
                x = json_at(x, 0);
                depth++;
            }
            assert_int_equal(depth, d);
            json_free(v);
        } else {
            assert_null(v);
            assert_string_equal(err, "line 1, column 65: nesting deeper than 64 levels of "
                                     "arrays and objects");
        }
    }
    /* Objects count as levels too. */
    size_t o = 0;
    for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
        o += (size_t)snprintf(doc + o, sizeof doc - o, "{\"\":");
    doc[o++] = '1';
    assert_null(json_parse(doc, o, err, sizeof err));
    assert_string_equal(err, "line 1, column 257: nesting deeper than 64 levels of arrays and "
                             "objects");
    /* A million unclosed brackets are refused at the limit, not by a stack overflow. */
    size_t n = 1000000;
    char *deep = malloc(n);
    assert_non_null(deep);
    memset(deep, '[', n);
    assert_null(json_parse(deep, n, err, sizeof err));
    assert_string_equal(err, "line 1, column 65: nesting deeper than 64 levels of arrays and "
                             "objects");
    free(deep);
}

static void test_value_and_size_limits(void **state)
{
    (void)state;
    char err[256];
    /* [0,0,...]: the array and n elements are n + 1 values. */
    const size_t n = JSON_MAX_VALUES - 1;
    char *doc = malloc(2 * n + 8);
    assert_non_null(doc);
    doc[0] = '[';
    for (size_t i = 0; i < n; i++) {
        doc[1 + 2 * i] = '0';
        doc[2 + 2 * i] = ',';
    }
    doc[2 * n] = ']';
    json_value *v = json_parse(doc, 2 * n + 1, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(json_len(v), n);
    json_free(v);
    /* one more element is one value too many */
    doc[2 * n] = ',';
    doc[2 * n + 1] = '0';
    doc[2 * n + 2] = ']';
    assert_null(json_parse(doc, 2 * n + 3, err, sizeof err));
    char want[128];
    snprintf(want, sizeof want, "line 1, column %zu: more than %u values in the document (this "
             "reader's limit)", 2 * n + 2, JSON_MAX_VALUES);
    assert_string_equal(err, want);
    free(doc);

    /* The size limit: JSON_MAX_BYTES parse, one byte more does not. */
    char *big = malloc(JSON_MAX_BYTES + 1);
    assert_non_null(big);
    memset(big, ' ', JSON_MAX_BYTES + 1);
    big[JSON_MAX_BYTES - 1] = '7';
    v = json_parse(big, JSON_MAX_BYTES, err, sizeof err);
    assert_non_null(v);
    assert_true(json_number(v) == 7.0);
    json_free(v);
    assert_null(json_parse(big, JSON_MAX_BYTES + 1, err, sizeof err));
    assert_string_equal(err, "the input is 67108865 bytes, more than the 64 MiB this reader "
                             "accepts");
    free(big);
}

static void test_error_buffer(void **state)
{
    (void)state;
    char err[16];
    /* A short buffer gets a truncated, terminated message; none at all is fine too. */
    memset(err, 'x', sizeof err);
    assert_null(json_parse("[1 2]", 5, err, 10));
    assert_string_equal(err, "line 1, c");
    memset(err, 'x', sizeof err);
    assert_null(json_parse("[1 2]", 5, err, 1));
    assert_string_equal(err, "");
    assert_null(json_parse("[1 2]", 5, NULL, 0));
    err[0] = 'q';
    assert_null(json_parse("[1 2]", 5, err, 0));
    assert_int_equal(err[0], 'q'); /* untouched */
    /* NULL text is the empty input. */
    char msg[128];
    assert_null(json_parse(NULL, 0, msg, sizeof msg));
    assert_string_equal(msg, "line 1, column 1: expected a value, found the end of the input");
    /* A success clears err. */
    strcpy(msg, "stale");
    json_value *v = json_parse("1", 1, msg, sizeof msg);
    assert_non_null(v);
    assert_string_equal(msg, "");
    json_free(v);
}

/* ===================================================================== robustness */

/* Every prefix of a valid document fails with a positioned message, or parses. */
static void test_truncation_sweep(void **state)
{
    (void)state;
    const size_t len = sizeof sample - 1;
    size_t ok = 0;
    for (size_t n = 0; n <= len; n++) {
        char err[256];
        char *buf = malloc(n ? n : 1); /* exactly n bytes: ASan/valgrind catch any over-read */
        assert_non_null(buf);
        memcpy(buf, sample, n);
        err[0] = 'x';
        json_value *v = json_parse(buf, n, err, sizeof err);
        if (v != NULL) {
            walk(v, 0);
            json_free(v);
            ok++;
        } else {
            assert_true(strncmp(err, "line ", 5) == 0);
        }
        free(buf);
    }
    /* Only the whole document (and the one without its final newline) is complete. */
    assert_int_equal(ok, 2);

    /* A top-level number: its prefixes that are numbers parse. */
    static const char num[] = "-12.5e+3";
    size_t nok = 0;
    for (size_t n = 0; n < sizeof num; n++) {
        char *buf = malloc(n ? n : 1);
        memcpy(buf, num, n);
        json_value *v = json_parse(buf, n, NULL, 0);
        nok += v != NULL;
        json_free(v);
        free(buf);
    }
    assert_int_equal(nok, 4); /* "-1", "-12", "-12.5", "-12.5e+3" */
}

/* Random bit flips and byte changes in a valid document, a few thousand times: each parse
 * fails with a positioned message or yields a tree whose accessors hold their invariants. */
static void test_bitflip_loop(void **state)
{
    (void)state;
    static const unsigned char interesting[] = {'"', '\\', '[', ']', '{', '}', ',', ':', 'u',
                                                '0', '-', 'e', '.', 0, 0x80, 0xff, ' ', '\n'};
    const size_t len = sizeof sample - 1;
    uint32_t seed = 0x5eed1234;
    size_t parsed = 0, failed = 0;
    for (int it = 0; it < 4000; it++) {
        unsigned char *buf = malloc(len);
        assert_non_null(buf);
        memcpy(buf, sample, len);
        const int edits = 1 + (int)(ts_xorshift32(&seed) % 3);
        for (int e = 0; e < edits; e++) {
            const size_t at = ts_xorshift32(&seed) % len;
            const uint32_t r = ts_xorshift32(&seed);
            if (r & 1)
                buf[at] ^= (unsigned char)(1u << (r >> 1) % 8);
            else
                buf[at] = interesting[(r >> 1) % sizeof interesting];
        }
        /* sometimes also cut the document short */
        size_t n = len;
        if (ts_xorshift32(&seed) % 4 == 0)
            n = ts_xorshift32(&seed) % len;
        char err[256];
        err[0] = 0;
        json_value *v = json_parse((const char *)buf, n, err, sizeof err);
        if (v != NULL) {
            walk(v, 0);
            json_free(v);
            parsed++;
        } else {
            if (strncmp(err, "line ", 5) != 0)
                fail_msg("iteration %d: error without a position: %s", it, err);
            failed++;
        }
        free(buf);
    }
    /* Both outcomes happen, so the loop exercises the tree and the error paths. */
    assert_true(parsed > 100);
    assert_true(failed > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_numbers_locale),
        cmocka_unit_test(test_errors_syntax),
        cmocka_unit_test(test_errors_numbers),
        cmocka_unit_test(test_errors_strings),
        cmocka_unit_test(test_errors_duplicate_keys),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_value_and_size_limits),
        cmocka_unit_test(test_error_buffer),
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_bitflip_loop),
    };
    return cmocka_run_group_tests_name("models/json", tests, NULL, NULL);
}
