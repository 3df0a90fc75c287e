/*
 * Unit tests for the rest of the demo site's Elasticsearch API
 * (backend/demo_es*.c): error bodies, indices and shards, date histograms,
 * and mctop's own requests and parsers against it.
 */
#include <cJSON.h>
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/demo.h"
#include "backend/demo_es.h"
#include "backend/es.h"
#include "tests/unit/testutil_demo.h"
#include "tests/unit/testutil_demo_es.h"

/* ---- errors ---------------------------------------------------------------
 */

static const cJSON *err_of(const cJSON *j)
{
    return cJSON_GetObjectItem(j, "error");
}

/* The §3.2 body: query_shard_exception on every shard, Lucene's cause. */
static void qs_failure(struct demo *d, const char *query, const char *json_q,
                       const char *inner_type, const char *inner)
{
    char body[600], reason[1000];
    cJSON *j;
    const cJSON *e, *rc, *fs, *cb;
    int nfs;

    snprintf(body, sizeof(body),
             "{\"query\":{\"bool\":{\"must\":[{\"query_string\":{\"query\":"
             "\"%s\",\"analyze_wildcard\":true,\"default_field\":\"*\"}}]}}}",
             json_q);
    j = de_es(d, "/logstash-*/_search", body, 400);
    e = err_of(j);
    ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 400);
    ck_assert_str_eq(de_sget(e, "type"), "search_phase_execution_exception");
    ck_assert_str_eq(de_sget(e, "reason"), "all shards failed");
    ck_assert_str_eq(de_sget(e, "phase"), "query");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "grouped")));
    snprintf(reason, sizeof(reason), "Failed to parse query [%s]", query);
    rc = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "root_cause"), 0);
    ck_assert_str_eq(de_sget(rc, "type"), "query_shard_exception");
    ck_assert_str_eq(de_sget(rc, "reason"), reason);
    ck_assert_int_eq(strlen(de_sget(rc, "index_uuid")), 22);
    ck_assert(strncmp(de_sget(rc, "index"), "logstash-", 9) == 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(rc, "caused_by"));
    nfs = cJSON_GetArraySize(cJSON_GetObjectItem(e, "failed_shards"));
    ck_assert_int_eq(nfs, 2 * (DES_DAYS + 1)); /* one per index */
    fs = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "failed_shards"), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(fs, "shard")->valueint, 0);
    ck_assert_str_eq(de_sget(fs, "index"), de_sget(rc, "index"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(fs, "node"));
    cb = cJSON_GetObjectItem(cJSON_GetObjectItem(fs, "reason"), "caused_by");
    ck_assert_str_eq(de_sget(cb, "type"), "parse_exception");
    snprintf(reason, sizeof(reason), "Cannot parse '%s': %s", query, inner);
    ck_assert_str_eq(de_sget(cb, "reason"), reason);
    cb = cJSON_GetObjectItem(cb, "caused_by");
    ck_assert_str_eq(de_sget(cb, "type"), inner_type);
    ck_assert_str_eq(de_sget(cb, "reason"), inner);
    ck_assert_str_eq(de_sget(cJSON_GetObjectItem(e, "caused_by"), "type"),
                     "query_shard_exception");
    cJSON_Delete(j);
}

START_TEST(test_es_query_string_errors)
{
    struct demo *d = de_site();
    static const char expect_clause[] =
        "Was expecting one of:\n    <NOT> ...\n    \"+\" ...\n    \"-\" ...\n"
        "    <BAREOPER> ...\n    \"(\" ...\n    \"*\" ...\n    <QUOTED> ...\n"
        "    <TERM> ...\n    <PREFIXTERM> ...\n    <WILDTERM> ...\n"
        "    <REGEXPTERM> ...\n    \"[\" ...\n    \"{\" ...\n    <NUMBER> ...\n"
        "    <TERM> ...\n    ";
    char inner[600];
    cJSON *j;

    snprintf(inner, sizeof(inner),
             "Encountered \"<EOF>\" at line 1, column 6.\n%s", expect_clause);
    qs_failure(d, "heart(", "heart(", "parse_exception", inner);
    qs_failure(d, "level:(ERROR OR WARN", "level:(ERROR OR WARN",
               "parse_exception",
               "Encountered \"<EOF>\" at line 1, column 20.\nWas expecting one "
               "of:\n    <AND> ...\n    <OR> ...\n    <NOT> ...\n    \"+\" "
               "...\n    \"-\" ...\n    <BAREOPER> ...\n    \"(\" ...\n    "
               "\")\" ...\n    \"*\" ...\n    \"^\" ...\n    <QUOTED> ...\n    "
               "<TERM> ...\n    <PREFIXTERM> ...\n    <WILDTERM> ...\n    "
               "<REGEXPTERM> ...\n    \"[\" ...\n    \"{\" ...\n    <NUMBER> "
               "...\n    <TERM> ...\n    ");
    qs_failure(d, "a)", "a)", "parse_exception",
               "Encountered \" \")\" \") \"\" at line 1, column 1.\nWas "
               "expecting one of:\n    <EOF> \n    <AND> ...\n    <OR> ...\n"
               "    <NOT> ...\n    \"+\" ...\n    \"-\" ...\n    <BAREOPER> "
               "...\n    \"(\" ...\n    \"*\" ...\n    \"^\" ...\n    <QUOTED> "
               "...\n    <TERM> ...\n    <PREFIXTERM> ...\n    <WILDTERM> "
               "...\n    <REGEXPTERM> ...\n    \"[\" ...\n    \"{\" ...\n    "
               "<NUMBER> ...\n    <TERM> ...\n    ");
    qs_failure(d, "\"connection refused", "\\\"connection refused",
               "token_mgr_error",
               "Lexical error at line 1, column 19.  Encountered: <EOF> "
               "after : \"\\\"connection refused\"");
    /* No index, no shard to fail: a 200. */
    j = de_es(d, "/none-*/_search",
              "{\"query\":{\"query_string\":{\"query\":\"heart(\"}}}", 200);
    ck_assert_int_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "_shards"), "total")
            ->valueint,
        0);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

START_TEST(test_es_dsl_errors)
{
    struct demo *d = de_site();
    cJSON *j;
    const cJSON *e, *rc;

    j = de_es(d, "/logstash-*/_search", "{\"query\":{\"missing\":{\"f\":1}}}",
              400);
    e = err_of(j);
    rc = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "root_cause"), 0);
    ck_assert_str_eq(de_sget(e, "type"), "parsing_exception");
    ck_assert_str_eq(de_sget(e, "reason"), "unknown query [missing]");
    ck_assert_str_eq(de_sget(rc, "reason"), "unknown query [missing]");
    ck_assert_int_eq(cJSON_GetObjectItem(e, "line")->valueint, 1);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "col")->valueint, 11);
    ck_assert_str_eq(de_sget(cJSON_GetObjectItem(e, "caused_by"), "reason"),
                     "[1:11] unknown field [missing]");
    ck_assert_str_eq(de_sget(cJSON_GetObjectItem(e, "caused_by"), "type"),
                     "named_object_not_found_exception");
    ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 400);
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search", "{\"query\":{\"matchall\":{}}}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "unknown query [matchall] did you mean [match_all]?");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"query\":{\"match\":{\"a\":\"x\",\"b\":\"y\"}}}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "[match] query doesn't support multiple fields, found "
                     "[a] and [b]");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search", "{\"query\":{\"bool\":{\"must\":1}}}",
              400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "[bool] query does not support [must]");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search", "{\"size\":1,\n \"sizes\":2}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "Unknown key for a VALUE_NUMBER in [sizes].");
    ck_assert_int_eq(cJSON_GetObjectItem(err_of(j), "line")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(err_of(j), "col")->valueint, 2);
    cJSON_Delete(j);
    j = de_es(
        d, "/logstash-*/_search",
        "{\"query\":{\"multi_match\":{\"query\":\"x\",\"type\":\"best\"}}}",
        400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "failed to parse [multi_match] query type [best]. "
                     "unknown type.");
    cJSON_Delete(j);
    /* Real Elasticsearch queries the demo does not run: said plainly. */
    j = de_es(d, "/logstash-*/_search",
              "{\"query\":{\"fuzzy\":{\"message\":\"refused\"}}}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "type"), "illegal_argument_exception");
    ck_assert(strstr(de_sget(err_of(j), "reason"), "[fuzzy] query is not "
                                                   "supported") != NULL);
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search", "{\"query\":{\"match\":", 400);
    ck_assert_str_eq(de_sget(err_of(j), "type"), "x_content_parse_exception");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search", "{\"size\":-1}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "[size] parameter cannot be negative, found [-1]");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"from\":3,\"search_after\":[1,2]," SORT_DESC "}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "type"),
                     "action_request_validation_exception");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"search_after\":[1,2,3]," SORT_DESC "}", 400);
    ck_assert(de_body_has(j, "search_after has 3 value(s) but sort has 2."));
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search?sizee=3", "", 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "request [/logstash-*/_search] contains unrecognized "
                     "parameter: [sizee] -> did you mean [size]?");
    cJSON_Delete(j);
    {
        int st = 0;
        char *s = dt_fetch(d, "PUT", "/logstash-*/_search", "{}", &st);

        ck_assert_int_eq(st, 405);
        ck_assert_str_eq(s, "{\"error\":\"Incorrect HTTP method for uri "
                            "[/logstash-*/_search] and method [PUT], allowed: "
                            "[GET, POST]\",\"status\":405}");
        free(s);
    }
    j = de_es(d, "/logstash-*/_mapping", NULL, 400);
    ck_assert(strstr(de_sget(err_of(j), "reason"), "not supported") != NULL);
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_frobnicate", NULL, 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "no handler found for uri [/logstash-*/_frobnicate] and "
                     "method [POST]");
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* ---- indices ---------------------------------------------------------- */

static int shards(const cJSON *j)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(j, "_shards"), "total")
        ->valueint;
}

START_TEST(test_es_indices)
{
    struct demo *d = de_site();
    cJSON *j;
    const cJSON *h;
    char path[200];

    j = de_es(d, "/logstash-2026.10.10/_search", "{}", 404);
    ck_assert(de_body_has(j,
                          "{\"error\":{\"root_cause\":[{\"type\":\"index_not_"
                          "found_exception\",\"reason\":\"no such index "
                          "[logstash-2026.10.10]\",\"resource.type\":\"index_"
                          "or_alias\",\"resource.id\":\"logstash-2026.10.10\","
                          "\"index_uuid\":\"_na_\",\"index\":\"logstash-2026."
                          "10.10\"}],\"type\":\"index_not_found_exception\","));
    ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 404);
    cJSON_Delete(j);
    j = de_es(d, "/filebeat-*/_search",
              "{\"aggs\":{\"0\":{\"date_histogram\":{"
              "\"field\":\"@timestamp\","
              "\"fixed_interval\":\"1h\"}}}}",
              200);
    ck_assert_int_eq(shards(j), 0);
    ck_assert_int_eq(de_total_of(j, NULL), 0);
    ck_assert_int_eq(cJSON_GetArraySize(de_hits_of(j)), 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(j, "aggregations"));
    cJSON_Delete(j);
    j = de_es(d, "/filebeat-*/_search?allow_no_indices=false", "{}", 404);
    cJSON_Delete(j);
    j = de_es(d, "/nosuch/_search?ignore_unavailable=true", "{}", 200);
    ck_assert_int_eq(shards(j), 0);
    cJSON_Delete(j);
    j = de_es(d, "/_search", "{}", 200);
    ck_assert_int_eq(shards(j), 2 * (DES_DAYS + 1));
    cJSON_Delete(j);
    j = de_es(d, "/logstash-ecs-*/_search", "{\"size\":200}", 200);
    ck_assert_int_eq(shards(j), DES_DAYS + 1);
    cJSON_ArrayForEach(h, de_hits_of(j))
        ck_assert_ptr_nonnull(de_str(h, "host.name"));
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*,-logstash-ecs-*/_search", "{\"size\":200}", 200);
    ck_assert_int_eq(shards(j), DES_DAYS + 1);
    cJSON_ArrayForEach(h, de_hits_of(j))
        ck_assert_ptr_null(de_str(h, "host.name"));
    cJSON_Delete(j);
    /* One day, both shapes: only that day's documents. */
    snprintf(path, sizeof(path), "/%s/_search",
             "logstash-2026.11.25,logstash-ecs-2026.11.25");
    j = de_es(d, path, "{\"size\":300,\"track_total_hits\":true}", 200);
    ck_assert_int_eq(shards(j), 2);
    ck_assert(de_total_of(j, NULL) > 60000 && de_total_of(j, NULL) < 110000);
    cJSON_ArrayForEach(h, de_hits_of(j))
        ck_assert(strncmp(de_str(h, "@timestamp"), "2026-11-25T", 11) == 0);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* ---- date histograms ------------------------------------------------------
 */

static long long bucket_sum(const cJSON *buckets, long long step,
                            const char **first)
{
    const cJSON *b;
    long long sum = 0, prev = -1;

    cJSON_ArrayForEach(b, buckets)
    {
        long long key = (long long)cJSON_GetObjectItem(b, "key")->valuedouble;
        char iso[40];
        time_t t = (time_t)(key / 1000);
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
        ck_assert(strncmp(de_sget(b, "key_as_string"), iso, strlen(iso)) == 0);
        ck_assert(strcmp(de_sget(b, "key_as_string") + 19, ".000Z") == 0);
        if (step > 0 && prev >= 0)
            ck_assert_int_eq(key - prev, step);
        ck_assert(key > prev);
        prev = key;
        sum += (long long)cJSON_GetObjectItem(b, "doc_count")->valuedouble;
        if (first != NULL && *first == NULL)
            *first = de_sget(b, "key_as_string");
    }
    return sum;
}

static const cJSON *agg(const cJSON *j, const char *name)
{
    return cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "aggregations"), name),
        "buckets");
}

START_TEST(test_es_histogram)
{
    struct demo *d = de_site();
    cJSON *j;
    const char *first = NULL;

    j = de_search(
        d, "{\"size\":0,\"track_total_hits\":true,\"query\":{\"range\":"
           "{\"@timestamp\":{\"gte\":\"now-1h\",\"lte\":\"now\"}}},"
           "\"aggs\":{\"0\":{\"date_histogram\":{\"field\":\"@timestamp\""
           ",\"fixed_interval\":\"1m\",\"min_doc_count\":0,"
           "\"extended_bounds\":{\"min\":\"now-1h\",\"max\":\"now\"}}}}}");
    ck_assert_int_eq(cJSON_GetArraySize(agg(j, "0")), 61);
    ck_assert_int_eq(bucket_sum(agg(j, "0"), 60000, &first),
                     de_total_of(j, NULL));
    ck_assert_str_eq(first, "2026-11-26T04:13:00.000Z");
    cJSON_Delete(j);
    /* Kibana's: min_doc_count 1, epoch bounds, the 7 days; typed_keys. */
    j = de_es(d, "/logstash-*/_search?typed_keys=true",
              "{\"size\":0,\"track_total_hits\":true,\"query\":{\"range\":{"
              "\"@timestamp\":{\"gte\":\"now-7d\",\"lte\":\"now\"}}},\"aggs\":{"
              "\"2\":{\"date_histogram\":{\"field\":\"@timestamp\","
              "\"calendar_interval\":\"1d\",\"min_doc_count\":1}}}}",
              200);
    ck_assert_int_eq(cJSON_GetArraySize(agg(j, "date_histogram#2")), 8);
    ck_assert_int_eq(bucket_sum(agg(j, "date_histogram#2"), 0, NULL),
                     de_total_of(j, NULL));
    cJSON_Delete(j);
    j = de_search(d,
                  "{\"size\":0,\"aggs\":{\"h\":{\"date_histogram\":{\"field\":"
                  "\"@timestamp\",\"fixed_interval\":\"30s\",\"keyed\":true,"
                  "\"extended_bounds\":{\"min\":1795669800000,\"max\":"
                  "1795669890000},\"min_doc_count\":0}}},\"query\":{\"range\":{"
                  "\"@timestamp\":{\"gte\":\"now-5m\"}}}}");
    ck_assert(cJSON_IsObject(agg(j, "h")));
    ck_assert_ptr_nonnull(
        cJSON_GetObjectItem(agg(j, "h"), "2026-11-26T05:10:00.000Z"));
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"aggs\":{\"h\":{\"date_histogram\":{\"field\":\"@timestamp\","
              "\"interval\":\"1h\"}}}}",
              400);
    ck_assert_str_eq(de_sget(err_of(j), "type"), "x_content_parse_exception");
    ck_assert(strstr(de_sget(err_of(j), "reason"),
                     "[date_histogram] unknown field [interval]") != NULL);
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"aggs\":{\"h\":{\"date_histogram\":{\"field\":\"@timestamp\","
              "\"calendar_interval\":\"2d\"}}}}",
              400);
    ck_assert_str_eq(
        de_sget(cJSON_GetObjectItem(err_of(j), "caused_by"), "reason"),
        "The supplied interval [2d] could not be parsed as a "
        "calendar interval.");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"aggs\":{\"h\":{\"terms\":{\"field\":\"host.name\"}}}}", 400);
    ck_assert(strstr(de_sget(err_of(j), "reason"), "not supported") != NULL);
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"aggs\":{\"h\":{\"histogramm\":{}}}}", 400);
    ck_assert_str_eq(de_sget(err_of(j), "reason"),
                     "Unknown aggregation type [histogramm] did you mean "
                     "[histogram]?");
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* ---- mctop's own requests and parsers ---------------------------------- */

static char *send(struct demo *d, const struct es_query *q, int *st,
                  size_t *len)
{
    struct mc_err err = { 0 };
    char *body = es_build_search(q, &err), *out;

    ck_assert_msg(body != NULL, "%s", err.msg);
    out = dt_fetch(d, "POST", "/logstash-*/_search", body, st);
    *len = strlen(out);
    free(body);
    return out;
}

static struct es_result parse(const char *s, size_t n)
{
    struct es_result r;
    struct mc_err err = { 0 };

    ck_assert_msg(es_parse_search(s, n, NULL, &r, &err) == 0, "%s: %.300s",
                  err.msg, s);
    return r;
}

/* The logs view's request: Lucene text over [gte, now]. */
static struct es_query view_query(const char *text, const char *gte,
                                  size_t size, double span)
{
    struct es_query q = { 0 };

    q.syntax = ES_LUCENE;
    q.text = text;
    q.time_field = "@timestamp";
    q.gte = gte;
    q.lte = "now";
    q.size = size;
    q.interval = es_pick_interval(span, 60);
    return q;
}

START_TEST(test_es_round_trip)
{
    static const char *const src[] = { "@timestamp", "message",   "host.name",
                                       "host",       "log.level", "level" };
    struct demo *d = de_site();
    struct es_query q =
        view_query("level:ERROR OR log.level:ERROR", "now-1h", 100, 3600);
    struct es_result a, b, k;
    char *s, *why;
    size_t n;
    int st;
    long long sum = 0;

    q.source = src;
    q.nsource = 6;
    s = send(d, &q, &st, &n);
    ck_assert_int_eq(st, 200);
    a = parse(s, n);
    free(s);
    ck_assert_int_eq(a.nhits, 100);
    ck_assert(a.total > 100 && !a.total_gte);
    ck_assert_int_eq(a.shards_total, 2 * (DES_DAYS + 1));
    ck_assert_int_eq(a.shards_failed, 0);
    ck_assert_int_ge(a.nbuckets, 60);
    for (size_t i = 0; i < a.nbuckets; i++)
        sum += a.buckets[i].count;
    ck_assert_int_eq(sum, a.total);
    for (size_t i = 0; i < a.nhits; i++) {
        ck_assert_str_eq(a.hits[i].level, "ERROR");
        ck_assert_ptr_nonnull(a.hits[i].host);
        ck_assert(a.hits[i].time <= DT_T0 && a.hits[i].time >= DT_T0 - 3600);
        ck_assert(i == 0 || a.hits[i].time < a.hits[i - 1].time);
    }
    /* The next page, from the last hit's sort values. */
    q.search_after = a.hits[a.nhits - 1].sort;
    s = send(d, &q, &st, &n);
    b = parse(s, n);
    free(s);
    ck_assert_int_eq(b.total, a.total);
    ck_assert(b.nhits > 0 && b.hits[0].time < a.hits[a.nhits - 1].time);
    /* The same search in KQL: the same documents. */
    q.search_after = NULL;
    q.syntax = ES_KQL;
    q.text = "level:ERROR or log.level:ERROR";
    s = send(d, &q, &st, &n);
    k = parse(s, n);
    free(s);
    ck_assert_int_eq(k.total, a.total);
    for (size_t i = 0; i < a.nhits; i++)
        ck_assert_str_eq(k.hits[i].id, a.hits[i].id);
    es_result_free(&k);
    q.text = "message:\"connection refused\" and not host.name:prd-*";
    s = send(d, &q, &st, &n);
    ck_assert_int_eq(st, 200);
    k = parse(s, n);
    free(s);
    for (size_t i = 0; i < k.nhits; i++) {
        ck_assert(de_has_phrase(k.hits[i].message, "connection refused"));
        ck_assert(strncmp(k.hits[i].host, "prd-", 4) != 0);
    }
    ck_assert_int_gt(k.nhits, 0);
    es_result_free(&k);
    /* Errors read back as Elasticsearch's reasons. */
    q.syntax = ES_LUCENE;
    q.text = "heart(";
    s = send(d, &q, &st, &n);
    ck_assert_int_eq(st, 400);
    why = es_error_reason(st, s, n);
    ck_assert_msg(strstr(why, "Failed to parse query [heart(]") != NULL, "%s",
                  why);
    free(why);
    free(s);
    s = dt_fetch(d, "POST", "/logstash-2020.01.01/_search", "{}", &st);
    ck_assert_int_eq(st, 404);
    why = es_error_reason(st, s, strlen(s));
    ck_assert_msg(strstr(why, "no such index [logstash-2020.01.01]") != NULL,
                  "%s", why);
    free(why);
    free(s);
    es_result_free(&a);
    es_result_free(&b);
    demo_free(d);
}
END_TEST

/* A 10,000-host site: a week in one search, as the logs view asks it. */
START_TEST(test_es_large_fleet)
{
    struct demo *d = demo_new(5, 10000, DT_T0);
    struct es_query q = view_query("", "now-7d", 500, 7 * 86400);
    struct es_result r;
    char *s;
    size_t n;
    int st;
    long long sum = 0;

    s = send(d, &q, &st, &n);
    ck_assert_int_eq(st, 200);
    r = parse(s, n);
    free(s);
    ck_assert_int_eq(r.nhits, 500);
    ck_assert(r.total > 7 * 86400 * 0.8 && r.total < 7 * 86400 * 1.2);
    for (size_t i = 0; i < r.nbuckets; i++)
        sum += r.buckets[i].count;
    ck_assert_int_eq(sum, r.total);
    es_result_free(&r);
    demo_free(d);
}
END_TEST

Suite *demo_es_api_suite(void)
{
    Suite *s = suite_create("demo_es_api");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_es_query_string_errors);
    tcase_add_test(tc, test_es_dsl_errors);
    tcase_add_test(tc, test_es_indices);
    tcase_add_test(tc, test_es_histogram);
    tcase_add_test(tc, test_es_round_trip);
    tcase_add_test(tc, test_es_large_fleet);
    suite_add_tcase(s, tc);
    return s;
}
