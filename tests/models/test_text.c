/*
 * Tests for models/text.c (the UTF-8 decoder, names made safe for a terminal) and for the
 * string escapes of the JSON writer (models/json.c): untrusted names never reach a terminal
 * raw, and never make the JSON invalid or its UTF-8 malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/json.h"
#include "models/text.h"

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(text_utf8_len("a"), 1);
    assert_int_equal(text_utf8_len("\xc3\xa9"), 2);         /* é */
    assert_int_equal(text_utf8_len("\xe2\x82\xac"), 3);     /* € */
    assert_int_equal(text_utf8_len("\xf0\x9f\x98\x80"), 4); /* U+1F600 */
    assert_int_equal(text_utf8_len("\xff"), 0);
    assert_int_equal(text_utf8_len("\x80"), 0);             /* stray continuation */
    assert_int_equal(text_utf8_len("\xc0\xaf"), 0);         /* overlong '/' */
    assert_int_equal(text_utf8_len("\xe0\x80\xaf"), 0);     /* overlong */
    assert_int_equal(text_utf8_len("\xed\xa0\x80"), 0);     /* surrogate U+D800 */
    assert_int_equal(text_utf8_len("\xf4\x90\x80\x80"), 0); /* beyond U+10FFFF */
    assert_int_equal(text_utf8_len("\xe2\x82"), 0);         /* cut by the NUL */
    assert_int_equal(text_utf8_len("\xc3" "a"), 0);
}

static void test_safe_escapes(void **state)
{
    char buf[128];
    (void)state;
    assert_string_equal(text_safe("conv_1/Relu", buf, sizeof buf), "conv_1/Relu");
    assert_string_equal(text_safe("a\x1b[2Jb", buf, sizeof buf), "a\\x1b[2Jb");
    assert_string_equal(text_safe("\xff\x7f\x01", buf, sizeof buf), "\\xff\\x7f\\x01");
    assert_string_equal(text_safe("back\\slash", buf, sizeof buf), "back\\\\slash");
    assert_string_equal(text_safe("caf\xc3\xa9", buf, sizeof buf), "caf\xc3\xa9");
    /* C1 CSI (U+009B) and a right-to-left override (U+202E) are controls: escaped by byte */
    assert_string_equal(text_safe("\xc2\x9bx", buf, sizeof buf), "\\xc2\\x9bx");
    assert_string_equal(text_safe("\xe2\x80\xaeok", buf, sizeof buf), "\\xe2\\x80\\xaeok");
    assert_string_equal(text_safe(NULL, buf, sizeof buf), "");
}

static void test_safe_cuts(void **state)
{
    char buf[8];
    (void)state;
    assert_string_equal(text_safe("abcdefg", buf, sizeof buf), "abcdefg");
    assert_string_equal(text_safe("abcdefgh", buf, sizeof buf), "abcd...");
    /* never inside an escape or a UTF-8 sequence */
    assert_string_equal(text_safe("ab\x1b" "cdef", buf, sizeof buf), "ab...");
    assert_string_equal(text_safe("abc\xe2\x82\xac" "de", buf, sizeof buf), "abc...");
    char tiny[2];
    assert_string_equal(text_safe("abc", tiny, sizeof tiny), "");
    char worst[TEXT_SAFE_SIZE(3)];
    assert_string_equal(text_safe("\x01\x02\x03", worst, sizeof worst), "\\x01\\x02\\x03");
}

/* jw_str of s, as the writer writes it (without the newline jw_finish adds). */
static char *json_of(const char *s)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    jw w;
    assert_non_null(f);
    jw_init(&w, f);
    jw_str(&w, NULL, s);
    fclose(f);
    return out;
}

static void test_json_escapes(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"softmax", "\"softmax\""},
        {"a\"b\\c", "\"a\\\"b\\\\c\""},
        {"\x1b[31m", "\"\\u001b[31m\""},
        {"del\x7f", "\"del\\u007f\""},
        {"\xff" "x", "\"\\ufffdx\""},
        {"\xc3", "\"\\ufffd\""},
        {"\xe2\x82" "a", "\"\\ufffd\\ufffda\""},
        {"caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\""},
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = json_of(cases[i].in);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_safe_escapes),
        cmocka_unit_test(test_safe_cuts),
        cmocka_unit_test(test_json_escapes),
    };
    return cmocka_run_group_tests_name("models/text", tests, NULL, NULL);
}
