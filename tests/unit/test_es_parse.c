/*
 * Unit tests for the Elasticsearch response parser: search responses
 * (hits, totals, shards, buckets), hostile documents, error envelopes.
 * Fixtures: tests/data/es (README.md there says where each comes from).
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/es.h"
#include "tests/unit/testutil.h"

#define DIR  "tests/data/es/"
#define FFFD "\xEF\xBF\xBD"

static const char *const host_fields[] = { "host.name", "host" };
static const char *const level_fields[] = { "log.level", "level", "loglevel",
                                            "severity" };
static const char *const message_fields[] = { "message" };
static const struct es_fields fields = {
    "@timestamp", host_fields, 2, level_fields, 4, message_fields, 1,
};

/* Parse a fixture, expecting success. */
static void parse_file(const char *name, const struct es_fields *f,
                       struct es_result *r)
{
    struct mc_err e = { 0 };
    size_t n;
    char *p = testutil_slurp(name, &n);

    ck_assert_msg(es_parse_search(p, n, f, r, &e) == 0, "%s: %s", name, e.msg);
    free(p);
}

/* Parse a fixture expecting failure; the message in e. */
static void parse_file_fails(const char *name, struct mc_err *e)
{
    struct es_result r;
    size_t n;
    char *p = testutil_slurp(name, &n);

    ck_assert_int_eq(es_parse_search(p, n, &fields, &r, e), -1);
    ck_assert_uint_eq(r.nhits, 0);
    ck_assert_ptr_null(r.hits);
    free(p);
}

/* es_error_reason of a fixture, compared with want. */
static void reason_is(int status, const char *name, const char *want)
{
    size_t n;
    char *p = testutil_slurp(name, &n);
    char *got = es_error_reason(status, p, n);

    ck_assert_msg(strcmp(got, want) == 0, "%s:\n got  [%s]\n want [%s]", name,
                  got, want);
    free(got);
    free(p);
}

static void reason_str_is(int status, const char *body, const char *want)
{
    char *got = es_error_reason(status, body, body ? strlen(body) : 0);

    ck_assert_msg(strcmp(got, want) == 0, "[%s]:\n got  [%s]\n want [%s]",
                  body ? body : "(null)", got, want);
    free(got);
}

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

    parse_file(DIR "notes-2.2-es8-example.json", &fields, &r);
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

    parse_file(DIR "notes-2.3-sorted-log-search.json", &fields, &r);
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
    parse_file(DIR "notes-2.3-es6-total-int.json", &fields, &r);
    ck_assert_int_eq(r.total, 1);
    ck_assert(!r.total_gte);
    ck_assert_str_eq(r.hits[0].index, "logstash-2018.06.01");
    ck_assert_str_eq(r.hits[0].host, "app01");
    ck_assert_str_eq(r.hits[0].level, "INFO");
    es_result_free(&r);
    /* ES 7 with rest_total_hits_as_int */
    parse_file(DIR "lab-es7-total-int.json", &fields, &r);
    ck_assert_int_eq(r.total, 123);
    ck_assert_uint_eq(r.nhits, 2);
    es_result_free(&r);
    /* track_total_hits: 1000 → "gte" */
    parse_file(DIR "lab-es8-total-gte.json", &fields, &r);
    ck_assert_int_eq(r.total, 1000);
    ck_assert(r.total_gte);
    es_result_free(&r);
    /* track_total_hits: false → no total */
    parse_file(DIR "lab-es8-no-total.json", &fields, &r);
    ck_assert_int_eq(r.total, -1);
    ck_assert(!r.total_gte);
    ck_assert_uint_eq(r.nhits, 2);
    es_result_free(&r);
    parse_file(DIR "notes-2.3-no-total-fields.json", &fields, &r);
    ck_assert_int_eq(r.total, -1);
    es_result_free(&r);
    /* §2.6: {"value":0} without relation */
    parse_file(DIR "notes-2.6-no-index.json", &fields, &r);
    ck_assert_int_eq(r.total, 0);
    ck_assert(!r.total_gte);
    es_result_free(&r);
}
END_TEST

START_TEST(test_no_index_matched)
{
    struct es_result r;

    parse_file(DIR "notes-2.6-no-index.json", &fields, &r);
    ck_assert_int_eq(r.shards_total, 0);
    ck_assert_uint_eq(r.nhits, 0);
    ck_assert_ptr_null(r.hits);
    ck_assert(!r.timed_out); /* absent in the trimmed body */
    ck_assert_int_eq(r.took_ms, 1);
    es_result_free(&r);
    parse_file(DIR "lab-es8-no-index.json", &fields, &r);
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

    parse_file(DIR "composed-mixed-docs.json", &fields, &r);
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
    struct es_fields f = fields;
    struct es_result r;

    parse_file(DIR "notes-6.1-filebeat-ecs.json", &fields, &r);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_str_eq(r.hits[0].host, "de0c1259b416");
    ck_assert_ptr_null(r.hits[0].level);
    ck_assert_double_eq(r.hits[0].time, 1641895399.453);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "\"GET / HTTP/1.1\" 304"));
    es_result_free(&r);
    /* host alone: the object's name */
    f.host = host_only;
    f.nhost = 1;
    parse_file(DIR "notes-6.1-filebeat-ecs.json", &f, &r);
    ck_assert_str_eq(r.hits[0].host, "de0c1259b416");
    es_result_free(&r);
}
END_TEST

START_TEST(test_lab_pages)
{
    struct es_result r;

    parse_file(DIR "lab-es8-page.json", &fields, &r);
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

    parse_file(DIR "lab-es7-page.json", &fields, &r);
    ck_assert_uint_eq(r.nhits, 3);
    ck_assert_ptr_nonnull(strstr(r.hits[0].source, "\"@version\":\"1\""));
    ck_assert_uint_gt(r.nbuckets, 2);
    es_result_free(&r);

    /* ECS documents of the lab: host.name, log.level */
    parse_file(DIR "lab-es8-ansi.json", &fields, &r);
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
    parse_file(DIR "lab-es8-sort-format.json", &fields, &r);
    ck_assert_str_eq(r.hits[0].sort, "[\"2024-03-11T10:39:51.296Z\",1019]");
    es_result_free(&r);
    /* the missing value of a long sort, exactly (search_after) */
    parse_file(DIR "lab-es8-sort-missing.json", &fields, &r);
    ck_assert_uint_eq(r.nhits, 3);
    ck_assert_str_eq(r.hits[0].sort, "[-9223372036854775808,0]");
    ck_assert_str_eq(r.hits[2].sort, "[-9223372036854775808,2]");
    es_result_free(&r);
}
END_TEST

START_TEST(test_fields_without_source)
{
    struct es_result r;

    parse_file(DIR "lab-es8-fields.json", &fields, &r);
    ck_assert_uint_eq(r.nhits, 2);
    ck_assert_uint_eq(r.bad_hits, 0);
    ck_assert_str_eq(r.hits[0].host, "dev-app-01");
    ck_assert_str_eq(r.hits[0].level, "ERROR");
    ck_assert_double_eq(r.hits[0].time, 1710153591.296);
    ck_assert_ptr_nonnull(strstr(r.hits[0].message, "Health check failed"));
    ck_assert_ptr_nonnull(strstr(r.hits[0].source, "\"level\":[\"ERROR\"]"));
    es_result_free(&r);

    parse_file(DIR "notes-2.3-no-total-fields.json", &fields, &r);
    ck_assert_str_eq(r.hits[0].host, "app01");
    ck_assert_str_eq(r.hits[0].level, "error");
    ck_assert_str_eq(r.hits[0].sort, "[\"2024-03-11T10:39:54.962Z\",12]");
    es_result_free(&r);
}
END_TEST

START_TEST(test_buckets)
{
    struct es_result r;

    parse_file(DIR "notes-2.4-date-histogram.json", &fields, &r);
    ck_assert_uint_eq(r.nhits, 0);
    ck_assert_uint_eq(r.nbuckets, 2);
    ck_assert_double_eq(r.buckets[0].time, 1420070400);
    ck_assert_int_eq(r.buckets[0].count, 3);
    ck_assert_double_eq(r.buckets[1].time, 1422748800);
    ck_assert_int_eq(r.buckets[1].count, 2);
    es_result_free(&r);

    parse_file(DIR "notes-2.4-keyed-buckets.json", &fields, &r);
    ck_assert_uint_eq(r.nbuckets, 2);
    ck_assert_double_eq(r.buckets[1].time, 1422748800);
    ck_assert_int_eq(r.buckets[1].count, 2);
    es_result_free(&r);

    parse_file(DIR "lab-es8-keyed-buckets.json", &fields, &r);
    ck_assert_uint_eq(r.nbuckets, 3);
    ck_assert_double_eq(r.buckets[0].time, 1710151800);
    ck_assert_int_eq(r.buckets[0].count, 73);
    ck_assert_int_eq(r.buckets[2].count, 84);
    es_result_free(&r);

    /* typed_keys: "date_histogram#0" */
    parse_file(DIR "lab-es8-typed-keys.json", &fields, &r);
    ck_assert_uint_eq(r.nbuckets, 4);
    ck_assert_double_eq(r.buckets[0].time, 1710152400);
    ck_assert_int_eq(r.buckets[3].count, 37);
    es_result_free(&r);
}
END_TEST

START_TEST(test_bucket_shapes)
{
    /* an aggregation without buckets first; descending; key_as_string only;
       an unreadable bucket */
    static const char body[] =
        "{\"hits\":{\"hits\":[]},\"aggregations\":{"
        "\"max\":{\"value\":3},"
        "\"1\":{\"meta\":{},\"buckets\":["
        "{\"key\":1710151800000,\"doc_count\":5},"
        "{\"key_as_string\":\"2024-03-11T10:00:00.000Z\",\"doc_count\":7},"
        "{\"key\":\"x\",\"doc_count\":1},"
        "{\"key\":1710152400000}]},"
        "\"2\":{\"buckets\":[{\"key\":1,\"doc_count\":1}]}}}";
    struct es_result r;
    struct mc_err e = { 0 };

    ck_assert_int_eq(es_parse_search(body, strlen(body), &fields, &r, &e), 0);
    ck_assert_uint_eq(r.nbuckets, 3);
    ck_assert_double_eq(r.buckets[0].time, 1710151200);
    ck_assert_int_eq(r.buckets[0].count, 7);
    ck_assert_double_eq(r.buckets[1].time, 1710151800);
    ck_assert_int_eq(r.buckets[1].count, 5);
    ck_assert_double_eq(r.buckets[2].time, 1710152400);
    ck_assert_int_eq(r.buckets[2].count, 0);
    es_result_free(&r);
}
END_TEST

START_TEST(test_shard_failures)
{
    struct es_result r;

    parse_file(DIR "notes-2.5-shard-failure.json", &fields, &r);
    ck_assert_int_eq(r.shards_total, 5);
    ck_assert_int_eq(r.shards_successful, 4);
    ck_assert_int_eq(r.shards_skipped, 0);
    ck_assert_int_eq(r.shards_failed, 1);
    ck_assert_str_eq(r.shard_failure, "logstash-2024.03.11: [node-2][10.0.0.2:"
                                      "9300] Node not connected");
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_str_eq(r.hits[0].message, "still here");
    es_result_free(&r);

    parse_file(DIR "lab-es8-partial.json", &fields, &r);
    ck_assert_int_eq(r.shards_total, 16);
    ck_assert_int_eq(r.shards_successful, 15);
    ck_assert_int_eq(r.shards_failed, 1);
    ck_assert_str_eq(r.shard_failure, "logstash-2024.03.04: [lab-search-0]"
                                      "[10.77.0.5:9300] Node not connected");
    ck_assert_uint_eq(r.nhits, 2);
    es_result_free(&r);
}
END_TEST

START_TEST(test_shard_failure_shapes)
{
    /* no index, a reason without text (its type), a multi-line reason */
    static const char *const bodies[] = {
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":"
        "[{\"shard\":0,\"index\":null,\"reason\":{\"type\":"
        "\"search_context_missing_exception\",\"reason\":\"No search "
        "context found for id [7]\"}}]},\"hits\":{\"hits\":[]}}",
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":"
        "[{\"index\":\"ix\",\"reason\":{\"type\":\"null_pointer_exception\","
        "\"reason\":null}}]},\"hits\":{\"hits\":[]}}",
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":"
        "[{\"index\":\"ix\",\"reason\":{\"type\":\"t\",\"reason\":\"line "
        "one\\n\\tat line two\"}}]},\"hits\":{\"hits\":[]}}",
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":"
        "[{\"index\":\"ix\",\"reason\":\"a plain string\"}]},"
        "\"hits\":{\"hits\":[]}}",
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":"
        "[{\"index\":\"ix\"}]},\"hits\":{\"hits\":[]}}",
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":"
        "[]},\"hits\":{\"hits\":[]}}",
    };
    static const char *const want[] = {
        "No search context found for id [7]",
        "ix: null_pointer_exception",
        "ix: line one",
        "ix: a plain string",
        "ix: shard failed",
        NULL,
    };

    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct es_result r;
        struct mc_err e = { 0 };

        ck_assert_int_eq(
            es_parse_search(bodies[i], strlen(bodies[i]), &fields, &r, &e), 0);
        ck_assert_int_eq(r.shards_failed, 1);
        if (want[i] == NULL)
            ck_assert_ptr_null(r.shard_failure);
        else
            ck_assert_str_eq(r.shard_failure, want[i]);
        es_result_free(&r);
    }
}
END_TEST

START_TEST(test_timed_out)
{
    struct es_result r;

    parse_file(DIR "lab-es8-timed-out.json", &fields, &r);
    ck_assert(r.timed_out);
    ck_assert_uint_eq(r.nhits, 2);
    ck_assert_int_eq(r.total, 1252);
    es_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------ hostile */

START_TEST(test_lone_surrogates)
{
    struct es_result r;
    const struct es_hit *h;

    parse_file(DIR "composed-surrogates.json", &fields, &r);
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

    parse_file(DIR "lab-es8-hostile.json", &fields, &r);
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

    ck_assert_int_eq(es_parse_search(body, strlen(body), &fields, &r, &e), 0);
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

    ck_assert_int_eq(es_parse_search(body, strlen(body), &fields, &r, &e), 0);
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_uint_eq(r.bad_hits, 4);
    ck_assert_str_eq(r.hits[0].id, "z");
    es_result_free(&r);
}
END_TEST

/* ------------------------------------------------------------- errors */

START_TEST(test_parse_errors)
{
    struct es_result r;
    struct mc_err e = { 0 };

    parse_file_fails(DIR "lab-es8-502.html", &e);
    ck_assert_str_eq(e.msg, "not JSON: \"502 Bad Gateway 502 Bad Gateway "
                            "nginx/1.22.1\"");
    parse_file_fails(DIR "notes-3.9-opensearch-401.txt", &e);
    ck_assert_str_eq(e.msg, "not JSON: \"Unauthorized\"");
    /* an error envelope: its reason */
    parse_file_fails(DIR "notes-3.4-404-index-not-found.json", &e);
    ck_assert_str_eq(e.msg,
                     "index_not_found_exception: no such index [logs-app]");
    parse_file_fails(DIR "lab-kibana-400-xsrf.json", &e);
    ck_assert_str_eq(e.msg,
                     "Bad Request: Request must contain a kbn-xsrf header.");
    parse_file_fails(DIR "lab-es7-405.json", &e);
    ck_assert_str_eq(e.msg,
                     "Incorrect HTTP method for uri [/logstash-*/_search]"
                     " and method [PUT], allowed: [GET, POST]");

    ck_assert_int_eq(es_parse_search("", 0, &fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "empty response");
    ck_assert_int_eq(es_parse_search(" \r\n", 3, &fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "empty response");
    ck_assert_int_eq(es_parse_search(NULL, 0, &fields, &r, &e), -1);
    ck_assert_int_eq(es_parse_search("[1,2]", 5, &fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "not a search response (no \"hits\")");
    ck_assert_int_eq(es_parse_search("{\"took\":1}", 10, &fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "not a search response (no \"hits\")");
    ck_assert_int_eq(
        es_parse_search("{\"hits\":{\"total\":3}}", 20, &fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "not a search response (no \"hits.hits\" array)");
    ck_assert_int_eq(
        es_parse_search("{\"hits\":{\"hits\":{}}}", 20, &fields, &r, &e), -1);
    ck_assert_int_eq(es_parse_search("{\"took\":1,", 10, &fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "not JSON: \"{\"took\":1,\" (at byte 9 of 10)");
    /* a long body: 60 characters quoted, controls as '?' */
    {
        char body[200];

        memset(body, 'x', sizeof body);
        body[0] = '\x1b';
        ck_assert_int_eq(es_parse_search(body, sizeof body, &fields, &r, &e),
                         -1);
        ck_assert_str_eq(e.msg, "not JSON: \"?xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                "xxxxxxxxxxxxxxxxxxxxxxxxxxxx…\"");
    }
}
END_TEST

START_TEST(test_error_reason_es)
{
    reason_is(400, DIR "notes-3.2-400-query-string.json",
              "query_shard_exception: Failed to parse query [heart(] "
              "(Encountered \"<EOF>\" at line 1, column 6.)");
    reason_is(400, DIR "lab-es8-400-query-string.json",
              "query_shard_exception: Failed to parse query [heart(] "
              "(Encountered \"<EOF>\" at line 1, column 6.)");
    reason_is(400, DIR "lab-es7-400-query-string.json",
              "query_shard_exception: Failed to parse query [heart(] "
              "(Encountered \"<EOF>\" at line 1, column 6.)");
    reason_is(400, DIR "notes-3.2-400-prefixed-reason.json",
              "parse_exception: Cannot parse 'Income+tax:+exemptions~4': "
              "Encountered \" <FUZZY_SLOP> \"~4 \"\" at line 1, column 22.");
    reason_is(400, DIR "notes-3.3-400-parsing-exception.json",
              "parsing_exception: no [query] registered for [missing]");
    reason_is(400, DIR "lab-es8-400-parsing.json",
              "parsing_exception: unknown query [missing] ([1:12] unknown "
              "field [missing])");
    reason_is(400, DIR "notes-3.3-400-x-content.json",
              "x_content_parse_exception: [1:82] [date_histogram] failed to "
              "parse field [calendar_interval] (The supplied interval [2d] "
              "could not be parsed as a calendar interval.)");
    reason_is(404, DIR "notes-3.4-404-index-not-found.json",
              "index_not_found_exception: no such index [logs-app]");
    reason_is(404, DIR "lab-es8-404-index.json",
              "index_not_found_exception: no such index [logs-app]");
    /* a body that is not JSON: Jackson's message, first line */
    reason_is(400, DIR "lab-es7-400-bad-json.json",
              "json_parse_exception: Unexpected end-of-input: expected close "
              "marker for Object (start marker at line: 1, column: 1)");
    reason_is(400, DIR "lab-es8-400-bad-json.json",
              "x_content_parse_exception: [1:12] Unexpected end-of-input: "
              "expected close marker for Object (start marker at line: 1, "
              "column: 1)");
    reason_is(500, DIR "notes-3.8-500-null-reason.json",
              "null_pointer_exception");
    reason_is(503, DIR "lab-es8-503.json", "master_not_discovered_exception");
}
END_TEST

START_TEST(test_error_reason_security)
{
    reason_is(401, DIR "notes-3.5-401-es8.json",
              "security_exception: missing authentication credentials for "
              "REST request [/_cluster/settings/]");
    reason_is(401, DIR "lab-es8-401-missing.json",
              "security_exception: missing authentication credentials for "
              "REST request [/logstash-*/_search]");
    reason_is(401, DIR "lab-es7-401-missing.json",
              "security_exception: missing authentication credentials for "
              "REST request [/logstash-*/_search]");
    reason_is(401, DIR "notes-3.5-401-es6-token.json",
              "security_exception: missing authentication token for REST "
              "request [/]");
    reason_is(401, DIR "notes-3.5-401-wrong-password.json",
              "security_exception: unable to authenticate user [ohhldeves] "
              "for REST request [/pure_log_store_stage/_doc?timeout=1m]");
    reason_is(401, DIR "lab-es8-401-password.json",
              "security_exception: unable to authenticate user [mctop] for "
              "REST request [/logstash-*/_search]");
    reason_is(401, DIR "notes-3.5-401-api-key.json",
              "security_exception: unable to authenticate with provided "
              "credentials and anonymous access is not allowed for this "
              "request (API key: unable to find apikey with id "
              "ZW6nPIcBf-4jny-WMBds)");
    reason_is(401, DIR "lab-es8-401-api-key.json",
              "security_exception: unable to authenticate with provided "
              "credentials and anonymous access is not allowed for this "
              "request (API key: unable to find apikey with id nokey)");
    reason_is(403, DIR "notes-3.6-403-es6.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [logstash_internal]");
    reason_is(403, DIR "notes-3.6-403-es712.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [magento_indexer] with roles "
              "[magento_indexer] on indices [magento_product_1], this action "
              "is granted by the index privileges [read,all]");
    reason_is(403, DIR "lab-es8-403.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [nobody] with effective roles "
              "[lab_nothing] on indices [logstash-*], this action is granted "
              "by the index privileges [read,all]");
    reason_is(403, DIR "lab-es7-403.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [nobody] with roles [lab_nothing] on "
              "indices [logstash-*], this action is granted by the index "
              "privileges [read,all]");
    reason_is(403, DIR "notes-3.6-403-opensearch.json",
              "security_exception: no permissions for "
              "[indices:data/read/search] and User [name=unlimited, "
              "backend_roles=[], requestedTenant=null]");
}
END_TEST

START_TEST(test_error_reason_overload)
{
    size_t n;
    char *p = testutil_slurp(DIR "notes-3.7-429-circuit-breaking.json", &n);
    char *got = es_error_reason(429, p, n);

    ck_assert_str_eq(
        got, "circuit_breaking_exception: [parent] Data too large, data for "
             "[<http_request>] would be [220036656/209.8mb], which is larger "
             "than the limit of [1/1b], real usage: [220036616/209.8mb], new "
             "bytes reserved: [40/40b], usages [model_inference=0/0b, "
             "eql_sequence=0/0b, fielddata=0/0b, request=0/0b, "
             "inflight_requests=40/40b]");
    free(got);
    free(p);
    p = testutil_slurp(DIR "lab-es8-429-circuit.json", &n);
    got = es_error_reason(429, p, n);
    ck_assert_ptr_nonnull(strstr(got, "circuit_breaking_exception: [parent] "
                                      "Data too large"));
    free(got);
    free(p);

    p = testutil_slurp(DIR "notes-3.7-429-rejected-execution.json", &n);
    got = es_error_reason(429, p, n);
    ck_assert_msg(strncmp(got,
                          "es_rejected_execution_exception: rejected "
                          "execution of org.elasticsearch.common.util."
                          "concurrent.TimedRunnable@4d7a1d9a",
                          80) == 0,
                  "%s", got);
    free(got);
    free(p);
    p = testutil_slurp(DIR "lab-es8-429-rejected.json", &n);
    got = es_error_reason(429, p, n);
    ck_assert_msg(
        strncmp(got, "es_rejected_execution_exception: rejected", 41) == 0,
        "%s", got);
    ck_assert_ptr_null(strchr(got, '\n'));
    free(got);
    free(p);
}
END_TEST

START_TEST(test_error_reason_kibana_and_text)
{
    reason_is(400, DIR "notes-5.1-kibana9-internal-400.json",
              "Bad Request: uri [/api/console/proxy] with method [post] "
              "exists but is not available with the current configuration");
    reason_is(400, DIR "lab-kibana9-400-internal.json",
              "Bad Request: uri [/api/console/proxy] with method [post] "
              "exists but is not available with the current configuration");
    reason_is(401, DIR "notes-5.2-kibana-401.json", "Unauthorized");
    reason_is(401, DIR "lab-kibana-401.json", "Unauthorized");
    reason_is(400, DIR "lab-kibana-400-xsrf.json",
              "Bad Request: Request must contain a kbn-xsrf header.");
    reason_is(502, DIR "lab-kibana-502-reset.json",
              "Bad Gateway: socket hang up");
    reason_is(429, DIR "notes-5.2-kibana-429-wrapped.json",
              "Too Many Requests: [circuit_breaking_exception] [parent] Data "
              "too large, … with { bytes_wanted=… & bytes_limit=… & "
              "durability=\"PERMANENT\" }");
    reason_is(401, DIR "notes-5.2-kibana-legacy-401.json",
              "Unauthorized: [security_exception] failed to authenticate "
              "user [kibana], with { header={ WWW-Authenticate={ 0=\"Bearer "
              "realm=\\\"security\\\"\" & 1=\"ApiKey\" & 2=\"Basic "
              "realm=\\\"security\\\" charset=\\\"UTF-8\\\"\" } } }");
    /* ES's REST layer: a bare string */
    reason_is(405, DIR "lab-es7-405.json",
              "Incorrect HTTP method for uri [/logstash-*/_search] and "
              "method [PUT], allowed: [GET, POST]");
    reason_is(400, DIR "lab-es7-400-no-handler.json",
              "no handler found for uri [/logstash-*/_nothing] and method "
              "[GET]");
    reason_is(406, DIR "lab-es8-406.json", "Content-Type header is missing");
    /* not JSON */
    reason_is(401, DIR "notes-3.9-opensearch-401.txt",
              "HTTP 401: Unauthorized");
    reason_is(502, DIR "lab-es8-502.html",
              "HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx/1.22.1");
    reason_str_is(502,
                  "<html><head><style>body{color:red}</style>"
                  "<script>var x = \"<b>\";</script></head>"
                  "<body><h1>Bad&nbsp;Gateway</h1>\x1b[2J</body></html>",
                  "HTTP 502: Bad&nbsp;Gateway ?[2J");
    reason_str_is(500, "Internal failure\nsecond line\ttab",
                  "HTTP 500: Internal failure second line tab");
    reason_str_is(500, "{\"unexpected\":true}",
                  "HTTP 500: {\"unexpected\":true}");
    reason_str_is(500, "{\"error\":{}}", "HTTP 500: {\"error\":{}}");
    reason_str_is(500, "{\"truncated", "HTTP 500: {\"truncated");
    reason_str_is(0, "plain", "plain");
    /* Kibana's bsearch error: a message without a phrase */
    reason_str_is(400, "{\"message\":\"status_exception\",\"statusCode\":400}",
                  "HTTP 400: status_exception");
}
END_TEST

START_TEST(test_error_reason_empty)
{
    reason_str_is(401, "", "HTTP 401 Unauthorized");
    reason_str_is(403, NULL, "HTTP 403 Forbidden");
    reason_str_is(404, " \r\n", "HTTP 404 Not Found");
    reason_str_is(429, "", "HTTP 429 Too Many Requests");
    reason_str_is(500, "", "HTTP 500 Internal Server Error");
    reason_str_is(502, "", "HTTP 502 Bad Gateway");
    reason_str_is(503, "", "HTTP 503 Service Unavailable");
    reason_str_is(504, "", "HTTP 504 Gateway Timeout");
    reason_str_is(418, "", "HTTP 418");
    reason_str_is(0, "", "empty response");
}
END_TEST

START_TEST(test_error_reason_chain)
{
    /* the deepest caused_by, not repeated when the reason holds it */
    reason_str_is(
        400,
        "{\"error\":{\"type\":\"a\",\"reason\":\"outer\",\"caused_by\":"
        "{\"type\":\"b\",\"reason\":\"middle\",\"caused_by\":{\"type\":"
        "\"c\",\"reason\":\"inner\\nsecond line\",\"caused_by\":"
        "{\"type\":\"d\"}}}},\"status\":400}",
        "a: outer (inner)");
    reason_str_is(400,
                  "{\"error\":{\"root_cause\":[{\"type\":\"a\",\"reason\":\"x: "
                  "inner\"}],\"type\":\"b\",\"reason\":\"y\",\"caused_by\":"
                  "{\"type\":\"c\",\"reason\":\"inner\"}}}",
                  "a: x: inner");
    /* an empty root_cause: the error's own type and reason */
    reason_str_is(
        400, "{\"error\":{\"root_cause\":[],\"type\":\"t\",\"reason\":\"r\"}}",
        "t: r");
    /* reason only, type only */
    reason_str_is(400, "{\"error\":{\"reason\":\"only a reason\"}}",
                  "only a reason");
    reason_str_is(400, "{\"error\":{\"type\":\"only_a_type\"}}", "only_a_type");
    reason_str_is(400, "{\"error\":{\"type\":\"t\",\"reason\":\"\\nsecond\"}}",
                  "t");
    /* a cycle is impossible in JSON, but a deep chain is not */
    {
        char body[8192] = "{\"error\":{\"type\":\"t\",\"reason\":\"r\"";
        size_t depth = 100;

        for (size_t i = 0; i < depth; i++)
            strcat(body, ",\"caused_by\":{\"type\":\"u\",\"reason\":\"deep\"");
        for (size_t i = 0; i <= depth; i++)
            strcat(body, "}");
        strcat(body, "}");
        reason_str_is(500, body, "t: r (deep)");
    }
    /* a long reason is cut at 300 bytes, not inside a UTF-8 sequence */
    {
        char body[1024] = "{\"error\":{\"type\":\"t\",\"reason\":\"";
        char *got;
        size_t len;

        for (int i = 0; i < 149; i++)
            strcat(body, "ab");
        strcat(body, "\u00e9\u00e9 tail\"}}"); /* é at bytes 298-299, 300-301 */
        got = es_error_reason(400, body, strlen(body));
        len = strlen(got);
        ck_assert_uint_eq(len, strlen("t: ") + 300 + strlen("…"));
        ck_assert_str_eq(got + len - strlen("\xC3\xA9…"), "\xC3\xA9…");
        free(got);
        body[strlen(body) - strlen("\u00e9 tail\"}}")] = '\0';
        strcat(body, "\"}}"); /* exactly 300 bytes: not cut */
        got = es_error_reason(400, body, strlen(body));
        ck_assert_uint_eq(strlen(got), strlen("t: ") + 300);
        free(got);
        /* 299 bytes, then é across the cut: it goes whole */
        body[strlen(body) - strlen("\u00e9\"}}")] = '\0';
        strcat(body, "a\u00e9\"}}");
        got = es_error_reason(400, body, strlen(body));
        ck_assert_uint_eq(strlen(got), strlen("t: ") + 299 + strlen("…"));
        ck_assert_str_eq(got + strlen(got) - strlen("ba…"), "ba…");
        free(got);
    }
    /* a lone surrogate in the reason does not lose the envelope */
    reason_str_is(
        400, "{\"error\":{\"type\":\"t\",\"reason\":\"bad \\ud800 query\"}}",
        "t: bad " FFFD " query");
}
END_TEST

/* ------------------------------------------------------------ garbage */

static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Parse anything: 0 with a consistent result, or -1 with a message. */
static void parse_anything(const char *p, size_t n)
{
    struct es_result r;
    struct mc_err e = { 0 };
    char *why;

    if (es_parse_search(p, n, &fields, &r, &e) == 0) {
        for (size_t i = 0; i < r.nhits; i++) {
            ck_assert_ptr_nonnull(r.hits[i].index);
            ck_assert_ptr_nonnull(r.hits[i].id);
            ck_assert_ptr_nonnull(r.hits[i].source);
        }
        es_result_free(&r);
    } else {
        ck_assert(e.msg[0] != '\0');
        ck_assert_ptr_null(r.hits);
    }
    why = es_error_reason(400, p, n);
    ck_assert_ptr_nonnull(why);
    ck_assert(why[0] != '\0');
    free(why);
}

START_TEST(test_truncated_everywhere)
{
    static const char *const names[] = {
        DIR "notes-2.3-sorted-log-search.json",
        DIR "composed-surrogates.json",
        DIR "lab-es7-page.json",
        DIR "notes-3.2-400-query-string.json",
    };

    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n, end;
        char *p = testutil_slurp(names[k], &n);

        end = n;
        while (end > 0 && p[end - 1] != '}')
            end--;
        for (size_t len = 0; len <= n; len++) {
            /* an exact-size copy, so that reading past it is caught */
            char *copy = malloc(len > 0 ? len : 1);
            struct es_result r;
            struct mc_err e = { 0 };
            int rc;

            memcpy(copy, p, len);
            rc = es_parse_search(copy, len, &fields, &r, &e);
            if (len < end)
                ck_assert_msg(rc == -1, "%s: prefix %zu parsed", names[k], len);
            if (rc == 0)
                es_result_free(&r);
            free(es_error_reason(400, copy, len));
            free(copy);
        }
        free(p);
    }
}
END_TEST

START_TEST(test_random_bytes)
{
    rng_state = 42;
    for (int round = 0; round < 2000; round++) {
        size_t n = rng() % 300;
        char *p = malloc(n > 0 ? n : 1);

        for (size_t i = 0; i < n; i++)
            p[i] = (char)(rng() & 0xff);
        /* often start like JSON, to get past the first byte */
        if (n > 0 && round % 2 == 0)
            p[0] = '{';
        parse_anything(p, n);
        free(p);
    }
}
END_TEST

START_TEST(test_mutated_fixtures)
{
    static const char *const names[] = {
        DIR "composed-mixed-docs.json",
        DIR "composed-surrogates.json",
        DIR "notes-3.2-400-query-string.json",
    };
    static const char alphabet[] = "{}[]\",:\\u0d8DFf9 \x00\xff";

    rng_state = 7;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n;
        char *p = testutil_slurp(names[k], &n);

        for (int round = 0; round < 300; round++) {
            char *copy = malloc(n);

            memcpy(copy, p, n);
            for (int m = 0; m < 1 + round % 4; m++)
                copy[rng() % n] = alphabet[rng() % (sizeof alphabet - 1)];
            parse_anything(copy, n);
            free(copy);
        }
        free(p);
    }
}
END_TEST

Suite *es_parse_suite(void)
{
    Suite *s = suite_create("es_parse");
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
    tcase_add_test(tc, test_buckets);
    tcase_add_test(tc, test_bucket_shapes);
    tcase_add_test(tc, test_shard_failures);
    tcase_add_test(tc, test_shard_failure_shapes);
    tcase_add_test(tc, test_timed_out);
    tcase_add_test(tc, test_lone_surrogates);
    tcase_add_test(tc, test_lab_hostile_documents);
    tcase_add_test(tc, test_escape_sequence_kept);
    tcase_add_test(tc, test_unreadable_hits_counted);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_error_reason_es);
    tcase_add_test(tc, test_error_reason_security);
    tcase_add_test(tc, test_error_reason_overload);
    tcase_add_test(tc, test_error_reason_kibana_and_text);
    tcase_add_test(tc, test_error_reason_empty);
    tcase_add_test(tc, test_error_reason_chain);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_mutated_fixtures);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
