/* Unit tests for the incremental {"results":[...]} splitter. */
#include <cJSON.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/jsonstream.h"
#include "tests/unit/testutil.h"

/* Collected elements, each followed by a '\n' in all. */
struct collect {
    struct buf all;
    size_t n;
    int fail_at; /* reject the nth element (1-based); 0 never */
};

static int collect_cb(void *ctx, const char *elem, size_t len,
                      struct mc_err *err)
{
    struct collect *c = ctx;

    c->n++;
    if (c->fail_at > 0 && (size_t)c->fail_at == c->n)
        return err_set(err, "rejected %zu", c->n);
    buf_append(&c->all, elem, len);
    buf_putc(&c->all, '\n');
    return 0;
}

/*
 * Run s through a splitter in chunks: chunk 0 = all at once, 1 = byte by
 * byte, else random sizes 1..chunk from seed. Returns the feed/finish rc.
 */
static int run(const char *s, size_t len, size_t chunk, unsigned seed,
               struct collect *c, struct mc_err *e)
{
    struct jsonstream *js = jsonstream_new(collect_cb, c);
    size_t off = 0;
    int rc = 0;

    srand(seed);
    while (off < len && rc == 0) {
        size_t n = chunk == 0   ? len
                   : chunk == 1 ? 1
                                : 1 + (size_t)rand() % chunk;

        if (n > len - off)
            n = len - off;
        rc = jsonstream_feed(js, s + off, n, e);
        off += n;
    }
    ck_assert_uint_eq(jsonstream_bytes(js), off);
    if (rc == 0)
        rc = jsonstream_finish(js, e);
    ck_assert_uint_eq(jsonstream_count(js), c->fail_at ? c->n - 1 : c->n);
    jsonstream_free(js);
    return rc;
}

static int run_str(const char *s, struct collect *c, struct mc_err *e)
{
    return run(s, strlen(s), 0, 1, c, e);
}

/* Expect failure with code and a message containing want. */
static void expect_fail(const char *s, int code, const char *want)
{
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        struct collect c = { 0 };
        struct mc_err e = { 0 };

        ck_assert_msg(run(s, strlen(s), chunk, 1, &c, &e) == -1, "%s", s);
        ck_assert_msg(e.code == code, "%s: code %d, want %d (%s)", s, e.code,
                      code, e.msg);
        ck_assert_msg(strstr(e.msg, want) != NULL, "%s: \"%s\" lacks \"%s\"", s,
                      e.msg, want);
        buf_free(&c.all);
    }
}

START_TEST(test_js_degenerate)
{
    struct jsonstream *js = jsonstream_new(NULL, NULL);
    struct mc_err e = { 0 };

    ck_assert_int_eq(jsonstream_feed(js, NULL, 0, &e), 0);
    ck_assert_int_eq(jsonstream_feed(js, "", 0, &e), 0);
    ck_assert_int_eq(jsonstream_finish(js, &e), -1);
    ck_assert_int_eq(e.code, JSONSTREAM_ERR_EMPTY);
    ck_assert_ptr_null(jsonstream_rest(js, NULL));
    jsonstream_free(js);
    jsonstream_free(NULL);

    expect_fail("  \n ", JSONSTREAM_ERR_EMPTY, "empty response");
    expect_fail("[1,2]", JSONSTREAM_ERR_NOT_OBJECT, "not a JSON object");
    expect_fail("<html><body>502 Bad Gateway</body></html>",
                JSONSTREAM_ERR_NOT_OBJECT, "HTML");
    expect_fail("{\"results\":{}}", JSONSTREAM_ERR_NOT_ARRAY,
                "\"results\" is not an array");
    expect_fail("{\"results\":\"x\"}", JSONSTREAM_ERR_NOT_ARRAY,
                "not an array");
    expect_fail("{\"results\":[{},1]}", JSONSTREAM_ERR_NOT_ARRAY,
                "element 2 is not an object");
    expect_fail("{\"foo\":1}", JSONSTREAM_ERR_NO_RESULTS, "no \"results\"");
    expect_fail("{}", JSONSTREAM_ERR_NO_RESULTS, "no \"results\"");
    expect_fail("{\"results\":[{\"a\":1},{\"b\"", JSONSTREAM_ERR_TRUNCATED,
                "truncated after 1 objects");
    expect_fail("{\"results\":[", JSONSTREAM_ERR_TRUNCATED,
                "truncated after 0 objects");
    expect_fail("{\"res", JSONSTREAM_ERR_TRUNCATED, "truncated");
    expect_fail("{\"results\":[]", JSONSTREAM_ERR_TRUNCATED, "truncated");
    expect_fail("{\"results\":[]} x", JSONSTREAM_ERR_TRAILING,
                "after the response");
    expect_fail("{\"results\":[]}{}", JSONSTREAM_ERR_TRAILING,
                "after the response");
    expect_fail("{results:[]}", JSONSTREAM_ERR_SYNTAX, "byte 2");
    expect_fail("{\"results\" []}", JSONSTREAM_ERR_SYNTAX, "malformed");
    expect_fail("{\"results\":[{}}", JSONSTREAM_ERR_SYNTAX, "malformed");
    expect_fail("{\"a\":}", JSONSTREAM_ERR_SYNTAX, "malformed");
}
END_TEST

START_TEST(test_js_error_body)
{
    static const char body[] =
        "{\"error\":404,\"status\":\"No objects found.\"}";
    struct jsonstream *js = jsonstream_new(NULL, NULL);
    struct mc_err e = { 0 };
    const char *rest;
    size_t len;

    ck_assert_int_eq(jsonstream_feed(js, body, sizeof body - 1, &e), -1);
    ck_assert_int_eq(e.code, JSONSTREAM_ERR_ERROR_BODY);
    ck_assert_str_eq(e.msg, "server error 404: No objects found.");
    rest = jsonstream_rest(js, &len);
    ck_assert_ptr_nonnull(rest);
    ck_assert_str_eq(rest, body);
    ck_assert_uint_eq(len, strlen(body));
    /* sticky */
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(jsonstream_feed(js, " ", 1, &e), -1);
    ck_assert_int_eq(e.code, JSONSTREAM_ERR_ERROR_BODY);
    ck_assert_int_eq(jsonstream_finish(js, &e), -1);
    ck_assert_str_eq(e.msg, "server error 404: No objects found.");
    jsonstream_free(js);

    expect_fail("{ \"error\" : 401 ,\n \"status\" : \"Unauthorized.\" }",
                JSONSTREAM_ERR_ERROR_BODY, "server error 401: Unauthorized.");
}
END_TEST

START_TEST(test_js_simple_and_tricky)
{
    struct collect c = { 0 };
    struct mc_err e = { 0 };
    static const char tricky[] =
        " {\n \"meta\" : {\"x\":[1,{\"y\":\"]}\"}]} , \"results\" : [ "
        "{\"a\":\"}\\\"]{[\",\"b\":[{}]} ,\n{\"c\":\"\\\\\"},{\"d\":{\"e\":{}}}"
        " ] , \"n\":null } \n";

    ck_assert_int_eq(run_str("{\"results\":[]}", &c, &e), 0);
    ck_assert_uint_eq(c.n, 0);

    for (size_t chunk = 0; chunk < 6; chunk++) {
        struct jsonstream *js;
        const char *rest;

        memset(&c, 0, sizeof c);
        ck_assert_int_eq(run(tricky, strlen(tricky), chunk, 7, &c, &e), 0);
        ck_assert_uint_eq(c.n, 3);
        ck_assert_str_eq(c.all.data, "{\"a\":\"}\\\"]{[\",\"b\":[{}]}\n"
                                     "{\"c\":\"\\\\\"}\n"
                                     "{\"d\":{\"e\":{}}}\n");
        buf_free(&c.all);
        js = jsonstream_new(NULL, NULL);
        ck_assert_int_eq(jsonstream_feed(js, tricky, strlen(tricky), &e), 0);
        ck_assert_int_eq(jsonstream_finish(js, &e), 0);
        rest = jsonstream_rest(js, NULL);
        ck_assert_str_eq(rest, "{\"meta\":{\"x\":[1,{\"y\":\"]}\"}]},"
                               "\"n\":null}");
        jsonstream_free(js);
    }
}
END_TEST

START_TEST(test_js_callback_error)
{
    struct collect c = { .fail_at = 2 };
    struct mc_err e = { 0 };
    static const char s[] = "{\"results\":[{},{},{}]}";

    ck_assert_int_eq(run_str(s, &c, &e), -1);
    ck_assert_str_eq(e.msg, "rejected 2");
    ck_assert_int_eq(e.code, JSONSTREAM_ERR_CALLBACK);
    ck_assert_uint_eq(c.n, 2);
    buf_free(&c.all);
}
END_TEST

/* Elements of a real file, via cJSON, one per line: the expected output. */
static char *expected_elements(const char *data, size_t len, size_t *n)
{
    cJSON *root = cJSON_ParseWithLength(data, len);
    const cJSON *it;
    struct buf b = { 0 };

    ck_assert_ptr_nonnull(root);
    *n = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(root, "results"))
    {
        char *s = cJSON_PrintUnformatted(it);

        buf_puts(&b, s);
        buf_putc(&b, '\n');
        free(s);
        (*n)++;
    }
    cJSON_Delete(root);
    return buf_steal(&b);
}

/* Each collected slice re-printed compactly by cJSON. */
static char *reprint(const char *all)
{
    struct buf b = { 0 };
    const char *p = all;

    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        cJSON *o;
        char *s;

        /* pretty-printed elements contain newlines: find the real end */
        for (;;) {
            o = cJSON_ParseWithLength(p, (size_t)(nl - p));
            if (o != NULL)
                break;
            nl = strchr(nl + 1, '\n');
            ck_assert_ptr_nonnull(nl);
        }
        s = cJSON_PrintUnformatted(o);
        buf_puts(&b, s);
        buf_putc(&b, '\n');
        free(s);
        cJSON_Delete(o);
        p = nl + 1;
    }
    return buf_steal(&b);
}

static void check_file(const char *path, size_t want_n)
{
    size_t len, n;
    char *data = testutil_slurp(path, &len);
    char *want = expected_elements(data, len, &n);
    static const size_t chunks[] = { 0, 1, 2, 3, 7, 64, 1000, 5000 };

    ck_assert_uint_eq(n, want_n);
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        for (unsigned seed = 1; seed <= (chunks[i] > 1 ? 3u : 1u); seed++) {
            struct collect c = { 0 };
            struct mc_err e = { 0 };
            char *got;

            ck_assert_msg(run(data, len, chunks[i], seed, &c, &e) == 0,
                          "%s chunk %zu: %s", path, chunks[i], e.msg);
            ck_assert_uint_eq(c.n, want_n);
            got = reprint(c.all.data != NULL ? c.all.data : "");
            ck_assert_str_eq(got, want);
            free(got);
            buf_free(&c.all);
        }
    }
    free(want);
    free(data);
}

START_TEST(test_js_real_samples)
{
    check_file("tests/data/icinga/icinga-hosts.json", 22);
    check_file("tests/data/icinga/wire/icinga-hosts.json", 22);
    check_file("tests/data/icinga/icinga-services-problems-joins.json", 10);
    check_file("tests/data/icinga/wire/icinga-services-problems-joins.json",
               10);
    check_file("tests/data/icinga/icinga-services-pending.json", 2);
    check_file("tests/data/icinga/icinga-error-action-nomatch.json", 0);
    check_file("tests/data/icinga/icinga-error-action-missing-params.json", 8);
}
END_TEST

/* Truncating a real response anywhere is an error, never a crash. */
START_TEST(test_js_truncated_everywhere)
{
    size_t len;
    char *data = testutil_slurp(
        "tests/data/icinga/wire/icinga-services-pending.json", &len);

    for (size_t cut = 0; cut < len; cut++) {
        struct collect c = { 0 };
        struct mc_err e = { 0 };

        ck_assert_int_eq(run(data, cut, 1, 1, &c, &e), -1);
        ck_assert(e.code == JSONSTREAM_ERR_TRUNCATED ||
                  e.code == JSONSTREAM_ERR_EMPTY);
        buf_free(&c.all);
    }
    free(data);
}
END_TEST

/* A big element split in tiny pieces is reassembled exactly. */
START_TEST(test_js_large_element)
{
    struct buf b = { 0 };
    struct collect c = { 0 };
    struct mc_err e = { 0 };

    buf_puts(&b, "{\"results\":[{\"big\":\"");
    for (int i = 0; i < 100000; i++)
        buf_putc(&b, (char)('a' + i % 26));
    buf_puts(&b, "\"},{\"x\":1}]}");
    ck_assert_int_eq(run(b.data, b.len, 13, 5, &c, &e), 0);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_uint_eq(c.all.len, (size_t)100000 + 10 + 1 + 7 + 1);
    ck_assert(memcmp(c.all.data + c.all.len - 8, "{\"x\":1}\n", 8) == 0);
    buf_free(&c.all);
    buf_free(&b);
}
END_TEST

Suite *jsonstream_suite(void)
{
    Suite *s = suite_create("jsonstream");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_js_degenerate);
    tcase_add_test(tc, test_js_error_body);
    tcase_add_test(tc, test_js_simple_and_tricky);
    tcase_add_test(tc, test_js_callback_error);
    tcase_add_test(tc, test_js_real_samples);
    tcase_add_test(tc, test_js_truncated_everywhere);
    tcase_add_test(tc, test_js_large_element);
    suite_add_tcase(s, tc);
    return s;
}
