/* Unit tests for the search request body and the histogram interval. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/es.h"

#define SORT(o)                                                                \
    "\"sort\":[{\"@timestamp\":{\"order\":\"" o "\",\"unmapped_type\":"        \
    "\"boolean\"}},{\"_doc\":{\"order\":\"" o "\"}}]"
#define HEAD(size, o) "{\"size\":" size ",\"track_total_hits\":true," SORT(o)
#define RANGE(bounds)                                                          \
    "{\"range\":{\"@timestamp\":{" bounds                                      \
    ",\"format\":\"strict_date_optional_time\"}}}"
#define NOW15 "\"gte\":\"now-15m\",\"lte\":\"now\""
#define QUERY(must, filter)                                                    \
    "\"query\":{\"bool\":{\"must\":[" must "],\"filter\":[" filter             \
    "],\"should\":[],\"must_not\":[]}}"
#define LUCENE(text)                                                           \
    "{\"query_string\":{\"query\":\"" text "\",\"analyze_wildcard\":true,"     \
    "\"default_field\":\"*\"}}"

/* The last-15-minutes search, newest first, 100 hits, everything. */
static struct es_query base(enum es_syntax syntax, const char *text)
{
    struct es_query q = { 0 };

    q.syntax = syntax;
    q.text = text;
    q.time_field = "@timestamp";
    q.gte = "now-15m";
    q.lte = "now";
    q.size = 100;
    return q;
}

static void check_body(const struct es_query *q, const char *want)
{
    struct mc_err e = { 0 };
    char *body = es_build_search(q, &e);

    ck_assert_msg(body != NULL, "%s", e.msg);
    ck_assert_msg(strcmp(body, want) == 0, "\n got %s\nwant %s", body, want);
    free(body);
}

START_TEST(test_es_query_lucene_recommended)
{
    /* §1.1's recommended request, compacted, is what comes out. */
    static const char *const source[] = {
        "@timestamp", "message",       "host.name", "host", "log.level",
        "level",      "log.file.path", "path",      "tags"
    };
    struct es_query q = base(ES_LUCENE, "status:500 AND NOT path:\"/health\"");

    q.size = 500;
    q.source = source;
    q.nsource = sizeof source / sizeof source[0];
    check_body(
        &q,
        "{\"size\":500,\"track_total_hits\":true,\"sort\":[{\"@timestamp\":{"
        "\"order\":\"desc\",\"unmapped_type\":\"boolean\"}},{\"_doc\":{"
        "\"order\":\"desc\"}}],\"_source\":{\"includes\":[\"@timestamp\","
        "\"message\",\"host.name\",\"host\",\"log.level\",\"level\",\"log."
        "file.path\",\"path\",\"tags\"]},\"query\":{\"bool\":{\"must\":[{"
        "\"query_string\":{\"query\":\"status:500 AND NOT "
        "path:\\\"/health\\\"\",\"analyze_wildcard\":true,\"default_field\":"
        "\"*\"}}],\"filter\":[{\"range\":{\"@timestamp\":{\"gte\":\"now-15m\","
        "\"lte\":\"now\",\"format\":\"strict_date_optional_time\"}}}],"
        "\"should\":[],\"must_not\":[]}}}");
}
END_TEST

START_TEST(test_es_query_kql_in_filter)
{
    struct es_query q = base(ES_KQL, "level:error and not msg:\"x y\"");

    check_body(&q,
               HEAD("100", "desc") "," QUERY(
                   "", "{\"bool\":{\"filter\":[{\"bool\":{\"should\":[{"
                       "\"match\":{\"level\":\"error\"}}],\"minimum_"
                       "should_match\":1}},{\"bool\":{\"must_not\":{"
                       "\"bool\":{\"should\":[{\"match_phrase\":{\"msg\":"
                       "\"x y\"}}],\"minimum_should_match\":1}}}}]}}," RANGE(
                           NOW15)) "}");
    /* The same text read as Lucene goes to must. */
    q.syntax = ES_LUCENE;
    check_body(&q, HEAD("100", "desc") "," QUERY(
                       LUCENE("level:error and not msg:\\\"x y\\\""),
                       RANGE(NOW15)) "}");
    /* A lone * in KQL is match_all, still in filter. */
    q.syntax = ES_KQL;
    q.text = "*";
    check_body(&q, HEAD("100", "desc") "," QUERY(
                       "", "{\"match_all\":{}}," RANGE(NOW15)) "}");
}
END_TEST

START_TEST(test_es_query_kql_error)
{
    struct es_query q = base(ES_KQL, "status:");
    struct mc_err e = { 0 };

    ck_assert_ptr_null(es_build_search(&q, &e));
    ck_assert_str_eq(e.msg, "KQL: column 8: expected a value after ':'");
    /* Lucene text is not checked here: ES answers for it. */
    q.syntax = ES_LUCENE;
    check_body(
        &q, HEAD("100", "desc") "," QUERY(LUCENE("status:"), RANGE(NOW15)) "}");
}
END_TEST

START_TEST(test_es_query_empty_text)
{
    static const char *const texts[] = { NULL, "", "  \t\n" };
    const char *want = HEAD("100", "desc") "," QUERY("", RANGE(NOW15)) "}";

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct es_query q = base(ES_LUCENE, texts[i]);

        check_body(&q, want);
        q.syntax = ES_KQL;
        check_body(&q, want);
    }
}
END_TEST

START_TEST(test_es_query_range_bounds)
{
    struct es_query q = base(ES_LUCENE, NULL);

    q.lte = NULL;
    check_body(&q, HEAD("100", "desc") "," QUERY(
                       "", RANGE("\"gte\":\"now-15m\"")) "}");
    q.gte = "";
    q.lte = "2024-03-11T10:39:54.962Z";
    check_body(&q, HEAD("100", "desc") "," QUERY(
                       "", RANGE("\"lte\":\"2024-03-11T10:39:54.962Z\"")) "}");
    q.lte = NULL;
    check_body(&q, HEAD("100", "desc") "," QUERY("", "") "}");
    /* Another time field, in the range and the sort. */
    q = base(ES_LUCENE, NULL);
    q.time_field = "ts";
    check_body(&q, "{\"size\":100,\"track_total_hits\":true,\"sort\":[{"
                   "\"ts\":{\"order\":\"desc\",\"unmapped_type\":"
                   "\"boolean\"}},{\"_doc\":{\"order\":\"desc\"}}],"
                   "\"query\":{\"bool\":{\"must\":[],\"filter\":[{\"range\":{"
                   "\"ts\":{" NOW15 ",\"format\":\"strict_date_optional_"
                   "time\"}}}],\"should\":[],\"must_not\":[]}}}");
}
END_TEST

START_TEST(test_es_query_search_after)
{
    struct es_query q = base(ES_LUCENE, NULL);

    q.search_after = "[1710151494962, 42]";
    check_body(&q, HEAD("100", "desc") "," QUERY(
                       "", RANGE(NOW15)) ","
                                         "\"search_after\":["
                                         "1710151494962,42]}");
    /* Longs past 2^53 and strings stay as sent, whitespace goes. */
    q.search_after = " [ -9223372036854775808 ,\n \"a b\\\"c\", null ] ";
    check_body(&q, HEAD("100", "desc") "," QUERY(
                       "", RANGE(NOW15)) ",\"search_after\":["
                                         "-9223372036854775808,\"a b\\\"c\","
                                         "null]}");
}
END_TEST

START_TEST(test_es_query_search_after_invalid)
{
    static const char *const bad[] = { "[1,", "", "[1] x", "nope" };
    struct es_query q = base(ES_LUCENE, NULL);
    struct mc_err e = { 0 };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q.search_after = bad[i];
        e.msg[0] = '\0';
        ck_assert_msg(es_build_search(&q, &e) == NULL, "[%s]", bad[i]);
        ck_assert_msg(strncmp(e.msg, "search_after is not valid JSON", 30) == 0,
                      "[%s]: %s", bad[i], e.msg);
    }
    q.search_after = "{\"a\":1}";
    ck_assert_ptr_null(es_build_search(&q, &e));
    ck_assert_str_eq(e.msg, "search_after is not a JSON array");
    q.search_after = "[1,";
    ck_assert_ptr_null(es_build_search(&q, &e));
    ck_assert_str_eq(e.msg, "search_after is not valid JSON (at byte 3)");
    /* A KQL error and a bad search_after: no leak either way. */
    q.syntax = ES_KQL;
    q.text = "a and b";
    ck_assert_ptr_null(es_build_search(&q, &e));
    ck_assert_str_eq(e.msg, "search_after is not valid JSON (at byte 3)");
    ck_assert_ptr_null(es_build_search(NULL, &e));
}
END_TEST

START_TEST(test_es_query_ascending)
{
    struct es_query q = base(ES_LUCENE, NULL);

    q.ascending = true;
    q.search_after = "[1]";
    check_body(&q, HEAD("100", "asc") "," QUERY(
                       "", RANGE(NOW15)) ","
                                         "\"search_after\":[1]}");
}
END_TEST

START_TEST(test_es_query_source)
{
    static const char *const one[] = { "message" };
    struct es_query q = base(ES_LUCENE, NULL);

    q.source = one;
    q.nsource = 1;
    check_body(
        &q, HEAD("100", "desc") ",\"_source\":{\"includes\":["
                                "\"message\"]}," QUERY("", RANGE(NOW15)) "}");
    /* An empty list asks for no fields; NULL (above: none) for all. */
    q.nsource = 0;
    check_body(&q, HEAD("100", "desc") ",\"_source\":{\"includes\":[]}," QUERY(
                       "", RANGE(NOW15)) "}");
}
END_TEST

#define AGGS(bounds)                                                           \
    ",\"aggs\":{\"0\":{\"date_histogram\":{\"field\":\"@timestamp\","          \
    "\"fixed_interval\":\"30s\",\"min_doc_count\":0" bounds "}}}}"

START_TEST(test_es_query_histogram)
{
    struct es_query q = base(ES_KQL, "error");

    q.interval = "30s";
    check_body(&q,
               HEAD("100", "desc") "," QUERY(
                   "", "{\"multi_match\":{\"type\":\"best_fields\",\"query\":"
                       "\"error\",\"lenient\":true}}," RANGE(NOW15))
                   AGGS(",\"extended_bounds\":{\"min\":\"now-15m\","
                        "\"max\":\"now\"}"));
    /* Histogram only, with search_after before aggs. */
    q.text = NULL;
    q.size = 0;
    q.lte = NULL;
    q.search_after = "[5]";
    check_body(
        &q, HEAD("0", "desc") "," QUERY(
                "", RANGE("\"gte\":\"now-15m\"")) ",\"search_after\":"
                                                  "[5]" AGGS(
                                                      ",\"extended_bounds\":{"
                                                      "\"min\":\"now-15m\"}"));
    q.gte = NULL;
    q.search_after = NULL;
    check_body(&q, HEAD("0", "desc") "," QUERY("", "") AGGS(""));
}
END_TEST

START_TEST(test_es_query_size)
{
    struct es_query q = base(ES_LUCENE, NULL);

    q.size = 0;
    check_body(&q, HEAD("0", "desc") "," QUERY("", RANGE(NOW15)) "}");
    q.size = 10000;
    check_body(&q, HEAD("10000", "desc") "," QUERY("", RANGE(NOW15)) "}");
}
END_TEST

START_TEST(test_es_query_pick_interval)
{
    static const struct {
        double span;
        int target;
        const char *want;
    } rows[] = {
        { 60, 60, "1s" },    /* exactly 60 buckets */
        { 61, 60, "5s" },    /* 61 would be one too many */
        { 900, 100, "10s" }, /* 15 minutes */
        { 900, 60, "30s" },
        { 3600, 60, "1m" },
        { 3600, 59, "5m" },
        { 86400, 100, "30m" }, /* a day: 48 buckets */
        { 86400, 24, "1h" },
        { 604800, 100, "3h" },    /* a week: 56 buckets */
        { 2592000, 100, "12h" },  /* 30 days: 60 buckets */
        { 7776000, 100, "1d" },   /* 90 days */
        { 31536000, 100, "7d" },  /* a year: 53 buckets */
        { 315360000, 100, "7d" }, /* ten years: the top of the ladder */
        { 0, 100, "1s" },
        { -5, 100, "1s" },
        { 10, 0, "10s" }, /* at least one bucket */
        { 10, -3, "10s" },
        { 1e300, 100, "7d" },
    };

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg(
            strcmp(es_pick_interval(rows[i].span, rows[i].target),
                   rows[i].want) == 0,
            "span %g target %d: %s, want %s", rows[i].span, rows[i].target,
            es_pick_interval(rows[i].span, rows[i].target), rows[i].want);
    ck_assert_str_eq(es_pick_interval(NAN, 100), "1s");
    ck_assert_str_eq(es_pick_interval(INFINITY, 100), "7d");
    /* A static string: the same one every time. */
    ck_assert_ptr_eq(es_pick_interval(900, 60), es_pick_interval(900, 60));
}
END_TEST

Suite *es_query_suite(void)
{
    Suite *s = suite_create("es_query");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_es_query_lucene_recommended);
    tcase_add_test(tc, test_es_query_kql_in_filter);
    tcase_add_test(tc, test_es_query_kql_error);
    tcase_add_test(tc, test_es_query_empty_text);
    tcase_add_test(tc, test_es_query_range_bounds);
    tcase_add_test(tc, test_es_query_search_after);
    tcase_add_test(tc, test_es_query_search_after_invalid);
    tcase_add_test(tc, test_es_query_ascending);
    tcase_add_test(tc, test_es_query_source);
    tcase_add_test(tc, test_es_query_histogram);
    tcase_add_test(tc, test_es_query_size);
    tcase_add_test(tc, test_es_query_pick_interval);
    suite_add_tcase(s, tc);
    return s;
}
