/* Unit tests for the byte buffer and error helpers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/err.h"

START_TEST(test_buf_empty_steal)
{
    struct buf b = { 0 };
    char *s = buf_steal(&b);

    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(test_buf_append_printf_consume)
{
    struct buf b = { 0 };

    buf_puts(&b, "abc");
    buf_printf(&b, "-%d-", 42);
    ck_assert_str_eq(b.data, "abc-42-");
    buf_consume(&b, 2);
    ck_assert_str_eq(b.data, "c-42-");
    ck_assert_uint_eq(b.len, 5);
    buf_consume(&b, 99);
    ck_assert_uint_eq(b.len, 0);
    buf_free(&b);
}
END_TEST

START_TEST(test_buf_json_escapes)
{
    struct buf b = { 0 };

    buf_json_str(&b, "a\"b\\c\n\x1b");
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\u001b\"");
    buf_free(&b);
}
END_TEST

START_TEST(test_err_prefix)
{
    struct mc_err e = { 0 };

    ck_assert_int_eq(err_set(&e, "bad %s", "thing"), -1);
    err_prefix(&e, "%s:%d", "f.conf", 3);
    ck_assert_str_eq(e.msg, "f.conf:3: bad thing");
}
END_TEST

Suite *buf_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_buf_empty_steal);
    tcase_add_test(tc, test_buf_append_printf_consume);
    tcase_add_test(tc, test_buf_json_escapes);
    tcase_add_test(tc, test_err_prefix);
    suite_add_tcase(s, tc);
    return s;
}
