/* Unit tests for UTF-8 decoding, sanitising, widths and key names. */
#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui/keys.h"
#include "tui/text.h"

static void text_setup(void)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    text_set_utf8(true);
}

START_TEST(test_decode_degenerate)
{
    uint32_t cp = 1;

    ck_assert_uint_eq(text_decode("", 0, &cp), 0);
    /* stray continuation, overlong, surrogate, truncated, > U+10FFFF */
    ck_assert_uint_eq(text_decode("\x80", 1, &cp), 1);
    ck_assert_uint_eq(cp, TEXT_REPLACEMENT);
    ck_assert_uint_eq(text_decode("\xC0\xAF", 2, &cp), 1);
    ck_assert_uint_eq(cp, TEXT_REPLACEMENT);
    ck_assert_uint_eq(text_decode("\xED\xA0\x80", 3, &cp), 1);
    ck_assert_uint_eq(cp, TEXT_REPLACEMENT);
    ck_assert_uint_eq(text_decode("\xE2\x82", 2, &cp), 1);
    ck_assert_uint_eq(cp, TEXT_REPLACEMENT);
    ck_assert_uint_eq(text_decode("\xF4\x90\x80\x80", 4, &cp), 1);
    ck_assert_uint_eq(cp, TEXT_REPLACEMENT);
}
END_TEST

START_TEST(test_decode_valid)
{
    uint32_t cp;
    char enc[8];

    ck_assert_uint_eq(text_decode("\xE2\x82\xAC", 3, &cp), 3);
    ck_assert_uint_eq(cp, 0x20AC);
    ck_assert_uint_eq(text_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x1F600);
    ck_assert_uint_eq(text_encode(0x20AC, enc), 3);
    ck_assert_str_eq(enc, "\xE2\x82\xAC");
}
END_TEST

START_TEST(test_sanitize_escape_sequences)
{
    /* A hostile log line: colour, cursor movement, title change, bidi. */
    const char *in = "ok\x1b[31mRED\x1b]0;pwned\x07\xe2\x80\xae!\x9b"
                     "2J";
    char *out = text_sanitize(in, strlen(in));

    ck_assert_ptr_null(strchr(out, 0x1b));
    ck_assert_ptr_null(strchr(out, 0x07));
    ck_assert_ptr_nonnull(strstr(out, "\xe2\x90\x9b[31mRED")); /* U+241B */
    ck_assert_ptr_null(strstr(out, "\xe2\x80\xae"));           /* RLO gone */
    ck_assert_ptr_nonnull(strstr(out, "\xef\xbf\xbd"));        /* U+FFFD */
    free(out);
}
END_TEST

START_TEST(test_sanitize_ascii_mode)
{
    char *out;

    text_set_utf8(false);
    out = text_sanitize("caf\xc3\xa9\x1b", 6);
    ck_assert_str_eq(out, "caf??");
    free(out);
    text_set_utf8(true);
}
END_TEST

START_TEST(test_width_and_fit)
{
    int used;

    ck_assert_int_eq(text_width("abc"), 3);
    ck_assert_int_eq(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* 日本 */
    ck_assert_int_eq(text_width("e\xcc\x81"), 1); /* e + combining acute */
    /* never split a wide character */
    ck_assert_uint_eq(text_fit("\xe6\x97\xa5\xe6\x9c\xac", 3, &used), 3);
    ck_assert_int_eq(used, 2);
    ck_assert_uint_eq(text_fit("abcdef", 4, &used), 4);
}
END_TEST

START_TEST(test_keys_parse_and_name)
{
    char buf[32];

    ck_assert_int_eq(keys_parse(""), -1);
    ck_assert_int_eq(keys_parse("C-"), -1);
    ck_assert_int_eq(keys_parse("X-a"), -1);
    ck_assert_int_eq(keys_parse("ab"), -1);
    ck_assert_int_eq(keys_parse("C-Space"), -1);
    ck_assert_int_eq(keys_parse("q"), 'q');
    ck_assert_int_eq(keys_parse("C-l"), 12);
    ck_assert_int_eq(keys_parse("C-\\"), 0x1c);
    ck_assert_int_eq(keys_parse("M-x"), 'x' | TK_META);
    ck_assert_int_eq(keys_parse("PageDown"), TK_PGDN);
    ck_assert_int_eq(keys_parse("NPage"), TK_PGDN);
    ck_assert_int_eq(keys_parse("F6"), TK_F0 + 6);
    ck_assert_int_eq(keys_parse("-"), '-');
    ck_assert_int_eq(keys_parse("\xc3\xa9"), 0xe9);
    ck_assert_str_eq(keys_name(TK_PGDN, buf, sizeof buf), "PageDown");
    ck_assert_str_eq(keys_name(12, buf, sizeof buf), "C-l");
    ck_assert_str_eq(keys_name(TK_ENTER, buf, sizeof buf), "Enter");
    ck_assert_str_eq(keys_name('x' | TK_META, buf, sizeof buf), "M-x");
    ck_assert_str_eq(keys_name(TK_F0 + 10, buf, sizeof buf), "F10");
    ck_assert_str_eq(keys_name(0xe9, buf, sizeof buf), "\xc3\xa9");
}
END_TEST

Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, text_setup, NULL);
    tcase_add_test(tc, test_decode_degenerate);
    tcase_add_test(tc, test_decode_valid);
    tcase_add_test(tc, test_sanitize_escape_sequences);
    tcase_add_test(tc, test_sanitize_ascii_mode);
    tcase_add_test(tc, test_width_and_fit);
    tcase_add_test(tc, test_keys_parse_and_name);
    suite_add_tcase(s, tc);
    return s;
}
