/*
 * Unit tests for the Elasticsearch response parser on what a search
 * response carries besides its hits: date histogram buckets, shard
 * failures, time-outs. Fixtures: tests/data/es (README.md there says where
 * each comes from).
 */
#include <check.h>
#include <string.h>

#include "backend/es.h"
#include "tests/unit/testutil_es.h"

START_TEST(test_buckets)
{
    struct es_result r;

    ep_parse_file(DIR "notes-2.4-date-histogram.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nhits, 0);
    ck_assert_uint_eq(r.nbuckets, 2);
    ck_assert_double_eq(r.buckets[0].time, 1420070400);
    ck_assert_int_eq(r.buckets[0].count, 3);
    ck_assert_double_eq(r.buckets[1].time, 1422748800);
    ck_assert_int_eq(r.buckets[1].count, 2);
    es_result_free(&r);

    ep_parse_file(DIR "notes-2.4-keyed-buckets.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nbuckets, 2);
    ck_assert_double_eq(r.buckets[1].time, 1422748800);
    ck_assert_int_eq(r.buckets[1].count, 2);
    es_result_free(&r);

    ep_parse_file(DIR "lab-es8-keyed-buckets.json", &ep_fields, &r);
    ck_assert_uint_eq(r.nbuckets, 3);
    ck_assert_double_eq(r.buckets[0].time, 1710151800);
    ck_assert_int_eq(r.buckets[0].count, 73);
    ck_assert_int_eq(r.buckets[2].count, 84);
    es_result_free(&r);

    /* typed_keys: "date_histogram#0" */
    ep_parse_file(DIR "lab-es8-typed-keys.json", &ep_fields, &r);
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

    ck_assert_int_eq(es_parse_search(body, strlen(body), &ep_fields, &r, &e),
                     0);
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

    ep_parse_file(DIR "notes-2.5-shard-failure.json", &ep_fields, &r);
    ck_assert_int_eq(r.shards_total, 5);
    ck_assert_int_eq(r.shards_successful, 4);
    ck_assert_int_eq(r.shards_skipped, 0);
    ck_assert_int_eq(r.shards_failed, 1);
    ck_assert_str_eq(r.shard_failure, "logstash-2024.03.11: [node-2][10.0.0.2:"
                                      "9300] Node not connected");
    ck_assert_uint_eq(r.nhits, 1);
    ck_assert_str_eq(r.hits[0].message, "still here");
    es_result_free(&r);

    ep_parse_file(DIR "lab-es8-partial.json", &ep_fields, &r);
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
            es_parse_search(bodies[i], strlen(bodies[i]), &ep_fields, &r, &e),
            0);
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

    ep_parse_file(DIR "lab-es8-timed-out.json", &ep_fields, &r);
    ck_assert(r.timed_out);
    ck_assert_uint_eq(r.nhits, 2);
    ck_assert_int_eq(r.total, 1252);
    es_result_free(&r);
}
END_TEST

Suite *es_parse_aggs_suite(void)
{
    Suite *s = suite_create("es_parse_aggs");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_buckets);
    tcase_add_test(tc, test_bucket_shapes);
    tcase_add_test(tc, test_shard_failures);
    tcase_add_test(tc, test_shard_failure_shapes);
    tcase_add_test(tc, test_timed_out);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
