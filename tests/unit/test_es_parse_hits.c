/*
 * Unit tests for the Elasticsearch response parser on search responses:
 * times, hits and totals, the fields chosen, sort values, and hostile
 * documents. Fixtures: tests/data/es (README.md there says where each
 * comes from).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/es.h"
#include "tests/unit/testutil_es.h"

static const struct es_hit *hit_by_id(const struct es_result *r, const char *id)
{
    for (size_t i = 0; i < r->nhits; i++)
        if (strcmp(r->hits[i].id, id) == 0)
            return &r->hits[i];
    ck_abort_msg("no hit %s", id);
    return NULL;
}

/* ---------------------------------------------------------- times */

START_TEST(test_time_formats)
{
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39:54.962Z"),
                        1710153594.962);
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39:54Z"), 1710153594);
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39:54z"), 1710153594);
    /* no zone: UTC */
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39:54"), 1710153594);
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39"), 1710153540);
    ck_assert_double_eq(es_parse_time("2024-03-11"), 1710115200);
    ck_assert_double_eq(es_parse_time("2024-03-11 10:39:54,5"), 1710153594.5);
    /* offsets: +hh:mm, -hhmm, +hh */
    ck_assert_double_eq(es_parse_time("2024-03-11T11:39:54.962+01:00"),
                        1710153594.962);
    ck_assert_double_eq(es_parse_time("2024-03-11T09:09:54.962-0130"),
                        1710153594.962);
    ck_assert_double_eq(es_parse_time("2024-03-11T15:39:54+05"), 1710153594);
    ck_assert_double_eq(es_parse_time("2015-09-30T00:00:00.000-01:00"),
                        1443574800);
    /* fractions: 1 to 9 digits, kept to the millisecond */
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39:54.9Z"), 1710153594.9);
    ck_assert_double_eq(es_parse_time("2024-03-11T10:39:54.123456789Z"),
                        1710153594.123);
    /* epoch millis as digits */
    ck_assert_double_eq(es_parse_time("1710153594962"), 1710153594.962);
    /* calendar edges */
    ck_assert_double_eq(es_parse_time("1970-01-01T00:00:00Z"), 0);
    ck_assert_double_eq(es_parse_time("1969-12-31T23:59:59Z"), -1);
    ck_assert_double_eq(es_parse_time("2024-02-29T00:00:00Z"), 1709164800);
    ck_assert_double_eq(es_parse_time("2000-03-01T00:00:00Z"), 951868800);
    ck_assert_double_eq(es_parse_time("2099-11-15T14:12:12"), 4098435132);
}
END_TEST

START_TEST(test_time_rejects)
{
    static const char *const bad[] = {
        "",
        "yesterday",
        "now-15m",
        "2024",
        "2024-3-11",
        "2024-13-01",
        "2024-00-10",
        "2023-02-29",
        "2024-04-31",
        "2024-03-11T25:00:00Z",
        "2024-03-11T10:60:00Z",
        "2024-03-11T10:39:54.Z",
        "2024-03-11T10:39:54+1",
        "2024-03-11T10:39:54+01:00junk",
        "2024-03-11T10:39:54 UTC",
        "2024-03-11X10:39:54",
        "12345678",
        "17101535949621234567",
    };

    ck_assert(isnan(es_parse_time(NULL)));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(isnan(es_parse_time(bad[i])), "%s", bad[i]);
}
END_TEST

/* ------------------------------------------------------- responses */

START_TEST(test_es8_example)
{
    struct es_result r;

    ep_parse_file(DIR "notes-2.2-es8-example.json", &ep_fields, &r);
    ck_assert_int_eq(r.took_ms, 5);
    ck_assert(!r.timed_out);
    ck_assert_int_eq(r.shards_total, 1);
    ck_assert_int_eq(r.shards_successful, 1);
    ck_assert_ptr_null(r.shard_failure);
    ck_assert_int_eq(r.total, 20);
    ck_assert(!r.total_gte);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_uint_eq(r.bad_hits, 0);
    ck_assert_str_eq(r.hits[0].index, "my-index-000001");
    ck_assert_str_eq(r.hits[0].id, "0");
    ck_assert_str_eq(r.hits[0].time_text, "2099-11-15T14:12:12");
    ck_assert_double_eq(r.hits[0].time, 4098435132);
    ck_assert_str_eq(r.hits[0].message, "GET /search HTTP/1.1 200 1070000");
    ck_assert_ptr_null(r.hits[0].host);
    ck_assert_ptr_null(r.hits[0].level);
    ck_assert_ptr_null(r.hits[0].sort);
    ck_assert_ptr_nonnull(
        strstr(r.hits[0].source, "\"user\":{\"id\":\"kimchy\"}"));
    ck_assert_uint_eq(r.nbuckets, 0);
    es_result_free(&r);
    ck_assert_ptr_null(r.hits);
    ck_assert_uint_eq(r.nhits, 0);
}
END_TEST

START_TEST(test_sorted_log_search)
{
    struct es_result r;

    ep_parse_file(DIR "notes-2.3-sorted-log-search.json", &ep_fields, &r);
    ck_assert_int_eq(r.took_ms, 17);
    ck_assert_int_eq(r.total, 10000);
    ck_assert(r.total_gte);
    ck_assert_int_eq(r.shards_total, 3);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_str_eq(r.hits[0].index, "logstash-2024.03.11");
    ck_assert_str_eq(r.hits[0].id, "FaslK3QBySSL_rrj9zM5");
    ck_assert_double_eq(r.hits[0].time, 1710153594.962);
    ck_assert_str_eq(r.hits[0].host, "app01");
    ck_assert_ptr_null(r.hits[0].level);
    ck_assert_str_eq(r.hits[0].message,
                     "ERROR [worker-3] job 42 failed: timeout");
    ck_assert_str_eq(r.hits[0].sort, "[1710153594962,12]");
    ck_assert_ptr_nonnull(
        strstr(r.hits[0].source, "\"tags\":[\"_grokparsefailure\"]"));
    es_result_free(&r);
}
END_TEST

START_TEST(test_total_forms)
{
    struct es_result r;

    /* ES 6: an integer, hits with _type */
    ep_parse_file(DIR "notes-2.3-es6-total-int.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, 1);
    ck_assert(!r.total_gte);
    ck_assert_str_eq(r.hits[0].index, "logstash-2018.06.01");
    ck_assert_str_eq(r.hits[0].host, "app01");
    ck_assert_str_eq(r.hits[0].level, "INFO");
    es_result_free(&r);
    /* ES 7 with rest_total_hits_as_int */
    ep_parse_file(DIR "lab-es7-total-int.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, 123);
    ck_assert_uint_eq(r.nhits, 2);
    es_result_free(&r);
    /* track_total_hits: 1000 → "gte" */
    ep_parse_file(DIR "lab-es8-total-gte.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, 1000);
    ck_assert(r.total_gte);
    es_result_free(&r);
    /* track_total_hits: false → no total */
    ep_parse_file(DIR "lab-es8-no-total.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, -1);
    ck_assert(!r.total_gte);
    ck_assert_uint_eq(r.nhits, 2);
    es_result_free(&r);
    ep_parse_file(DIR "notes-2.3-no-total-fields.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, -1);
    es_result_free(&r);
    /* §2.6: {"value":0} without relation */
    ep_parse_file(DIR "notes-2.6-no-index.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, 0);
    ck_assert(!r.total_gte);
    es_result_free(&r);
}
END_TEST

START_TEST(test_no_index_matched)
{
    struct es_result r;

    ep_parse_file(DIR "notes-2.6-no-index.json", &ep_fields, &r);
    ck_assert_int_eq(r.shards_total, 0);
    ck_assert_uint_eq(r.nhits, 0);
    ck_assert_ptr_null(r.hits);
    ck_assert(!r.timed_out); /* absent in the trimmed body */
    ck_assert_int_eq(r.took_ms, 1);
    es_result_free(&r);
    ep_parse_file(DIR "lab-es8-no-index.json", &ep_fields, &r);
    ck_assert_int_eq(r.shards_total, 0);
    ck_assert_int_eq(r.total, 0);
    ck_assert_uint_eq(r.nhits, 0);
    es_result_free(&r);
}
END_TEST

START_TEST(test_mixed_documents)
{
    struct es_result r;
    const struct es_hit *h;

    ep_parse_file(DIR "composed-mixed-docs.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 12);
    ck_assert_uint_eq(r.bad_hits, 2);
    ck_assert_int_eq(r.total, 14);
    ck_assert_int_eq(r.shards_total, 2);
    /* order is the server's */
    ck_assert_str_eq(r.hits[0].id, "ls7-plain");
    ck_assert_str_eq(r.hits[11].id, "sort-strings");

    h = hit_by_id(&r, "ls7-plain"); /* Logstash 7, ECS off */
    ck_assert_str_eq(h->host, "app01");
    ck_assert_str_eq(h->level, "ERROR");
    ck_assert_double_eq(h->time, 1710153594.962);

    h = hit_by_id(&r, "ls8-ecs"); /* ECS: host.name, log.level */
    ck_assert_str_eq(h->host, "prd-db-01");
    ck_assert_str_eq(h->level, "INFO");
    ck_assert_str_eq(h->time_text, "2024-03-11T11:39:54.5+01:00");
    ck_assert_double_eq(h->time, 1710153594.5);

    h = hit_by_id(&r, "literal-dots"); /* "host.name" as one key */
    ck_assert_str_eq(h->host, "web-literal");
    ck_assert_str_eq(h->level, "warn");
    ck_assert_double_eq(h->time, 1710153594);

    h = hit_by_id(&r, "half-dots");
    ck_assert_ptr_null(h->host); /* host.name null, host an object */
    ck_assert_str_eq(h->level, "DEBUG");
    ck_assert_double_eq(h->time, 1710153593.25);
    ck_assert_str_eq(h->message, "part one part two 3");

    h = hit_by_id(&r, "severity-number");
    ck_assert_str_eq(h->host, "42");
    ck_assert_str_eq(h->level, "3");
    ck_assert_str_eq(h->time_text, "1710153592000");
    ck_assert_double_eq(h->time, 1710153592);
    ck_assert_str_eq(h->message, "{\"text\":\"link down\",\"if\":\"eth0\"}");

    h = hit_by_id(&r, "loglevel-array-host");
    ck_assert_str_eq(h->host, "multi-a");
    ck_assert_str_eq(h->level, "notice");
    ck_assert_double_eq(h->time, 1710158991);

    h = hit_by_id(&r, "no-time");
    ck_assert(isnan(h->time));
    ck_assert_ptr_null(h->time_text);
    ck_assert_ptr_null(h->host);
    ck_assert_ptr_null(h->level);
    ck_assert_str_eq(h->message, "no timestamp, no host, no level");
    ck_assert_str_eq(h->sort, "[-9223372036854775808,18]");

    h = hit_by_id(&r, "bad-time");
    ck_assert(isnan(h->time));
    ck_assert_str_eq(h->time_text, "yesterday at noon");
    ck_assert_ptr_null(h->message); /* null is absent */

    h = hit_by_id(&r, "fields-only"); /* no _source: fields */
    ck_assert_str_eq(h->host, "fields-host");
    ck_assert_str_eq(h->level, "error");
    ck_assert_str_eq(h->message, "from fields");
    ck_assert_double_eq(h->time, 1710153590.123);
    ck_assert_ptr_nonnull(strstr(h->source, "\"host.name\":[\"fields-host\"]"));

    h = hit_by_id(&r, "empty-source");
    ck_assert_str_eq(h->source, "{}");
    ck_assert(isnan(h->time));
    ck_assert_ptr_null(h->message);

    h = hit_by_id(&r, "object-array-path");
    ck_assert_str_eq(h->level, "TRACE");
    ck_assert_str_eq(h->host, "leap");
    ck_assert_double_eq(h->time, 1709251199.999);

    h = hit_by_id(&r, "sort-strings");
    ck_assert_double_eq(h->time, 1710115200);
    ck_assert_str_eq(h->host, "true");
    ck_assert_str_eq(h->level, "1.5");
    ck_assert_str_eq(h->sort,
                     "[\"2024-03-11T00:00:00.000Z\",\"a \\\"quoted\\\" "
                     "key\",null,2.5,true]");
    es_result_free(&r);
}
END_TEST

START_TEST(test_field_choice)
{
    static const char *const host_only[] = { "host" };
    static const char *const lvl[] = { "severity", "level" };
    static const char *const msg[] = { "nothing", "path", "message" };
    struct es_fields f = { "event.created", host_only, 1, lvl, 2, msg, 3 };
    static const char body[] =
        "{\"hits\":{\"hits\":["
        "{\"_id\":\"a\",\"_source\":{\"event\":{\"created\":"
        "\"2024-03-11T10:00:00Z\"},\"host\":{\"name\":\"obj\"},"
        "\"level\":\"x\",\"path\":\"/p\",\"message\":\"m\"}},"
        "{\"_id\":\"b\",\"_source\":{\"event.created\":1710151200500,"
        "\"host\":\"str\",\"severity\":\"crit\",\"message\":\"m\"}},"
        "{\"_id\":\"c\",\"_source\":{\"event\":{\"created.x\":1,"
        "\"created\":[\"2024-03-11T10:00:01Z\",\"2024-03-11T10:00:09Z\"]},"
        "\"path\":[\"/a\",\"/b\"]}}]}}";
    struct es_result r;
    struct mc_err e = { 0 };

    ck_assert_int_eq(es_parse_search(body, strlen(body), &f, &r, &e), 0);
    ck_assert_uint_eq(r.nhits, 3);
    ck_assert_int_eq(r.total, -1);
    /* nested object; host object → name; first of the message list */
    ck_assert_double_eq(r.hits[0].time, 1710151200);
    ck_assert_str_eq(r.hits[0].host, "obj");
    ck_assert_str_eq(r.hits[0].level, "x");
    ck_assert_str_eq(r.hits[0].message, "/p");
    /* literal dotted key, epoch millis */
    ck_assert_double_eq(r.hits[1].time, 1710151200.5);
    ck_assert_str_eq(r.hits[1].host, "str");
    ck_assert_str_eq(r.hits[1].level, "crit");
    ck_assert_str_eq(r.hits[1].message, "m");
    /* an array of times: the first */
    ck_assert_double_eq(r.hits[2].time, 1710151201);
    ck_assert_str_eq(r.hits[2].message, "/a /b");
    ck_assert_ptr_null(r.hits[2].host);
    es_result_free(&r);

    /* a candidate that cannot be shown gives way to the next one */
    {
        static const char body2[] =
            "{\"hits\":{\"hits\":[{\"_source\":{\"log\":{\"level\":"
            "{\"code\":3}},\"level\":\"warn\",\"nothing\":[],\"path\":"
            "[null],\"message\":[null,\"last\"],\"host\":{\"ip\":\"x\"}},"
            "\"fields\":{\"host\":[\"from-fields\"]}}]}}";
        static const char *const lvl2[] = { "log.level", "level" };
        struct es_fields f2 = { "@timestamp", host_only, 1, lvl2, 2, msg, 3 };

        ck_assert_int_eq(es_parse_search(body2, strlen(body2), &f2, &r, &e), 0);
        ck_assert_str_eq(r.hits[0].level, "warn");
        ck_assert_str_eq(r.hits[0].message, "last");
        ck_assert_str_eq(r.hits[0].host, "from-fields");
        es_result_free(&r);
    }
    /* no field list: Discover's columns */
    ck_assert_int_eq(es_parse_search(body, strlen(body), NULL, &r, &e), 0);
    ck_assert(isnan(r.hits[0].time));
    ck_assert_str_eq(r.hits[0].host, "obj");
    ck_assert_str_eq(r.hits[1].level, "crit");
    es_result_free(&r);
}
END_TEST

START_TEST(test_filebeat_ecs_document)
{
    static const char *const host_only[] = { "host" };
    struct es_fields f = ep_fields;
    struct es_result r;

    ep_parse_file(DIR "notes-6.1-filebeat-ecs.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_str_eq(r.hits[0].host, "de0c1259b416");
    ck_assert_ptr_null(r.hits[0].level);
    ck_assert_double_eq(r.hits[0].time, 1641895399.453);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "\"GET / HTTP/1.1\" 304"));
    es_result_free(&r);
    /* host alone: the object's name */
    f.host = host_only;
    f.nhost = 1;
    ep_parse_file(DIR "notes-6.1-filebeat-ecs.json", &f, &r);
    ck_assert_str_eq(r.hits[0].host, "de0c1259b416");
    es_result_free(&r);
}
END_TEST

START_TEST(test_lab_pages)
{
    struct es_result r;

    ep_parse_file(DIR "lab-es8-page.json", &ep_fields, &r);
    ck_assert_int_eq(r.total, 428);
    ck_assert_int_eq(r.shards_total, 16);
    ck_assert_uint_eq(r.nhits, 5);
    for (size_t i = 0; i < r.nhits; i++) {
        ck_assert(!isnan(r.hits[i].time));
        ck_assert_ptr_nonnull(r.hits[i].host);
        ck_assert_ptr_nonnull(r.hits[i].level);
        ck_assert_ptr_nonnull(r.hits[i].message);
        ck_assert_ptr_nonnull(r.hits[i].sort);
        if (i > 0)
            ck_assert(r.hits[i].time <= r.hits[i - 1].time);
    }
    ck_assert_str_eq(r.hits[0].host, "dev-app-01");
    ck_assert_str_eq(r.hits[0].level, "ERROR");
    ck_assert_double_eq(r.hits[0].time, 1710153591.296);
    ck_assert_str_eq(r.hits[0].sort, "[1710153591296,1019]");
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "\n\tat java.base/"));
    ck_assert_uint_gt(r.nbuckets, 5);
    for (size_t i = 1; i < r.nbuckets; i++)
        ck_assert(r.buckets[i].time > r.buckets[i - 1].time);
    es_result_free(&r);

    ep_parse_file(DIR "lab-es7-page.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 3);
    ck_assert_ptr_nonnull(strstr(r.hits[0].source, "\"@version\":\"1\""));
    ck_assert_uint_gt(r.nbuckets, 2);
    es_result_free(&r);

    /* ECS documents of the lab: host.name, log.level */
    ep_parse_file(DIR "lab-es8-ansi.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 2);
    for (size_t i = 0; i < r.nhits; i++) {
        ck_assert_str_eq(r.hits[i].level, "ERROR");
        ck_assert_ptr_nonnull(r.hits[i].host);
        ck_assert_str_eq(r.hits[i].message,
                         "\x1b[31;1mERROR\x1b[0m payment \x1b[4mfailed"
                         "\x1b[24m for order 4711");
    }
    es_result_free(&r);
}
END_TEST

START_TEST(test_sort_values)
{
    struct es_result r;

    /* a date sort with a format: strings */
    ep_parse_file(DIR "lab-es8-sort-format.json", &ep_fields, &r);
    ck_assert_str_eq(r.hits[0].sort, "[\"2024-03-11T10:39:51.296Z\",1019]");
    es_result_free(&r);
    /* the missing value of a long sort, exactly (search_after) */
    ep_parse_file(DIR "lab-es8-sort-missing.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 3);
    ck_assert_str_eq(r.hits[0].sort, "[-9223372036854775808,0]");
    ck_assert_str_eq(r.hits[2].sort, "[-9223372036854775808,2]");
    es_result_free(&r);
}
END_TEST

START_TEST(test_fields_without_source)
{
    struct es_result r;

    ep_parse_file(DIR "lab-es8-fields.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 2);
    ck_assert_uint_eq(r.bad_hits, 0);
    ck_assert_str_eq(r.hits[0].host, "dev-app-01");
    ck_assert_str_eq(r.hits[0].level, "ERROR");
    ck_assert_double_eq(r.hits[0].time, 1710153591.296);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "Health check failed"));
    ck_assert_ptr_nonnull(strstr(r.hits[0].source, "\"level\":[\"ERROR\"]"));
    es_result_free(&r);

    ep_parse_file(DIR "notes-2.3-no-total-fields.json", &ep_fields, &r);
    ck_assert_str_eq(r.hits[0].host, "app01");
    ck_assert_str_eq(r.hits[0].level, "error");
    ck_assert_str_eq(r.hits[0].sort, "[\"2024-03-11T10:39:54.962Z\",12]");
    es_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------ hostile */

START_TEST(test_lone_surrogates)
{
    struct es_result r;
    const struct es_hit *h;

    ep_parse_file(DIR "composed-surrogates.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 9);
    ck_assert_uint_eq(r.bad_hits, 0);
    ck_assert_str_eq(hit_by_id(&r, "ok-before")->message, "fine before");
    ck_assert_str_eq(hit_by_id(&r, "ok-after")->message, "fine after");
    ck_assert_str_eq(hit_by_id(&r, "lone-high")->message,
                     "lone high " FFFD " here");
    ck_assert_str_eq(hit_by_id(&r, "lone-low")->message,
                     "lone low " FFFD " here");
    ck_assert_str_eq(hit_by_id(&r, "pair")->message,
                     "pair \xF0\x9F\x94\xA5 fire");
    ck_assert_str_eq(hit_by_id(&r, "high-high")->message,
                     "two highs " FFFD FFFD " then pair \xF0\x9F\x98\x80 "
                     "end " FFFD);
    ck_assert_str_eq(hit_by_id(&r, "escaped")->message,
                     "not an escape: \\ud800 and quote \" and \\\\");
    h = hit_by_id(&r, "in-key");
    ck_assert_str_eq(h->message, "high then newline " FFFD "\n next");
    ck_assert_ptr_nonnull(strstr(h->source, "\"weird" FFFD "key\":\"v\""));
    /* control characters stay data; NUL (which C strings cannot hold)
       becomes U+FFFD rather than cutting the message short */
    ck_assert_str_eq(hit_by_id(&r, "nul-esc")->message,
                     "nul " FFFD " then \x1b[31mred\x1b[0m and bell \x07");
    for (size_t i = 0; i < r.nhits; i++) {
        char want[24];

        snprintf(want, sizeof want, "h%zu", i + 1);
        ck_assert_str_eq(r.hits[i].host, want);
        ck_assert_double_eq(r.hits[i].time, 1710151209 - (double)i);
    }
    es_result_free(&r);
}
END_TEST

START_TEST(test_lab_hostile_documents)
{
    struct es_result r;
    size_t surrogates = 0, esc = 0, nul = 0, huge = 0, key = 0;

    ep_parse_file(DIR "lab-es8-hostile.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 40);
    ck_assert_uint_eq(r.bad_hits, 0);
    ck_assert_int_eq(r.total, 40);
    for (size_t i = 0; i < r.nhits; i++) {
        const struct es_hit *h = &r.hits[i];

        ck_assert_ptr_nonnull(h->message);
        ck_assert_ptr_nonnull(h->host);
        ck_assert_str_eq(h->level, "ERROR");
        ck_assert(!isnan(h->time));
        if (strstr(h->message, "lone surrogates " FFFD " and " FFFD))
            surrogates++;
        if (strstr(h->message, "\x1b[31;1mERROR"))
            esc++;
        if (strstr(h->message, "null" FFFD " vt\x0b"))
            nul++;
        if (strlen(h->message) > 100000)
            huge++;
        if (strstr(h->source, "\"weird\\u001b[31mkey\":\"value\""))
            key++;
    }
    ck_assert_uint_eq(surrogates, 2);
    ck_assert_uint_eq(esc, 2);
    ck_assert_uint_eq(nul, 2);
    ck_assert_uint_eq(huge, 2);
    ck_assert_uint_eq(key, 2);
    es_result_free(&r);
}
END_TEST

START_TEST(test_escape_sequence_kept)
{
    static const char body[] =
        "{\"hits\":{\"hits\":[{\"_source\":{\"message\":"
        "\"\\u001b[31mred\\u001B[0m \\u009b2J \\r\\b\"}}]}}";
    struct es_result r;
    struct mc_err e = { 0 };

    ck_assert_int_eq(es_parse_search(body, strlen(body), &ep_fields, &r, &e),
                     0);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_str_eq(r.hits[0].message, "\x1b[31mred\x1b[0m \xC2\x9B"
                                        "2J \r\b");
    ck_assert_str_eq(r.hits[0].index, "");
    ck_assert_str_eq(r.hits[0].id, "");
    es_result_free(&r);
}
END_TEST

START_TEST(test_unreadable_hits_counted)
{
    static const char body[] =
        "{\"hits\":{\"total\":4,\"hits\":[1,null,{\"_id\":\"x\"},"
        "{\"_id\":\"y\",\"_source\":\"text\"},"
        "{\"_id\":\"z\",\"_source\":{\"message\":\"ok\"}}]}}";
    struct es_result r;
    struct mc_err e = { 0 };

    ck_assert_int_eq(es_parse_search(body, strlen(body), &ep_fields, &r, &e),
                     0);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_uint_eq(r.bad_hits, 4);
    ck_assert_str_eq(r.hits[0].id, "z");
    es_result_free(&r);
}
END_TEST

Suite *es_parse_hits_suite(void)
{
    Suite *s = suite_create("es_parse_hits");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_time_formats);
    tcase_add_test(tc, test_time_rejects);
    tcase_add_test(tc, test_es8_example);
    tcase_add_test(tc, test_sorted_log_search);
    tcase_add_test(tc, test_total_forms);
    tcase_add_test(tc, test_no_index_matched);
    tcase_add_test(tc, test_mixed_documents);
    tcase_add_test(tc, test_field_choice);
    tcase_add_test(tc, test_filebeat_ecs_document);
    tcase_add_test(tc, test_lab_pages);
    tcase_add_test(tc, test_sort_values);
    tcase_add_test(tc, test_fields_without_source);
    tcase_add_test(tc, test_lone_surrogates);
    tcase_add_test(tc, test_lab_hostile_documents);
    tcase_add_test(tc, test_escape_sequence_kept);
    tcase_add_test(tc, test_unreadable_hits_counted);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
