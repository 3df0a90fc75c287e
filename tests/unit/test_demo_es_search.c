/*
 * Unit tests for searching the demo site's Elasticsearch
 * (backend/demo_es*.c): sort, paging, totals, time ranges, Query DSL and
 * query_string. Answers are checked against an oracle: every document of a
 * time window is fetched with match_all, and each query must return
 * exactly the documents the oracle picks from those, in order.
 */
#include <cJSON.h>
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo.h"
#include "backend/demo_es.h"
#include "tests/unit/testutil_demo_es.h"

#define SORT_ASC                                                               \
    "\"sort\":[{\"@timestamp\":{\"order\":\"asc\",\"unmapped_type\":"          \
    "\"boolean\"}},{\"_doc\":{\"order\":\"asc\"}}]"

/* ---- helpers ------------------------------------------------------------- */

/* "a,b,c" of the hits' _id, in order (caller frees). */
static char *ids(const cJSON *hits)
{
    struct buf b = { 0 };
    const cJSON *h;

    cJSON_ArrayForEach(h, hits)
    {
        buf_puts(&b, cJSON_GetObjectItem(h, "_id")->valuestring);
        buf_putc(&b, ',');
    }
    return buf_steal(&b);
}

/* The query's hits over the same window must be exactly the oracle's. */
typedef bool (*oracle_fn)(const cJSON *hit, const void *arg);

static int check_query(struct demo *d, const cJSON *all, int mins,
                       const char *query, oracle_fn want, const void *arg)
{
    struct buf exp = { 0 };
    char body[2000], *got;
    cJSON *j;
    const cJSON *h;
    int n = 0;

    cJSON_ArrayForEach(h, de_hits_of(all))
    {
        if (!want(h, arg))
            continue;
        buf_puts(&exp, cJSON_GetObjectItem(h, "_id")->valuestring);
        buf_putc(&exp, ',');
        n++;
    }
    snprintf(body, sizeof(body),
             "{\"size\":10000,\"track_total_hits\":true," SORT_DESC
             ",\"_source\":[\"@timestamp\"],\"query\":{\"bool\":{\"must\":[%s],"
             "\"filter\":[{\"range\":{\"@timestamp\":{\"gte\":\"now-%dm\","
             "\"lte\":\"now\",\"format\":\"strict_date_optional_time\"}}}]}}}",
             query, mins);
    j = de_search(d, body);
    got = ids(de_hits_of(j));
    ck_assert_msg(strcmp(got, exp.data != NULL ? exp.data : "") == 0,
                  "%s: %d expected, %d answered", query, n,
                  cJSON_GetArraySize(de_hits_of(j)));
    ck_assert_int_eq(de_total_of(j, NULL), n);
    free(got);
    buf_free(&exp);
    cJSON_Delete(j);
    return n;
}

/* Does the text hold the tokens (a phrase when several) of words? */
static bool msg_has(const cJSON *h, const void *words)
{
    return de_has_phrase(de_str(h, "message"), words);
}

/* ---- sort, paging, totals -------------------------------------------------
 */

static void paging(const char *sort, int dir)
{
    struct demo *d = de_site();
    char body[800], *whole, *pages;
    cJSON *all;
    struct buf b = { 0 };
    char after[100] = "";
    long long total;
    int n = 0;

    snprintf(body, sizeof(body),
             "{\"size\":5000,\"track_total_hits\":true,%s,\"query\":{\"range\":"
             "{\"@timestamp\":{\"gte\":\"now-30m\",\"lte\":\"now\"}}}}",
             sort);
    all = de_search(d, body);
    whole = ids(de_hits_of(all));
    total = de_total_of(all, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(de_hits_of(all)), total);
    ck_assert_int_gt(total, 1000);
    for (;;) {
        cJSON *j;
        const cJSON *last;
        char *p;

        snprintf(body, sizeof(body),
                 "{\"size\":137,\"track_total_hits\":true,%s%s%s,\"query\":{"
                 "\"range\":{\"@timestamp\":{\"gte\":\"now-30m\",\"lte\":"
                 "\"now\"}}}}",
                 sort, after[0] != '\0' ? ",\"search_after\":" : "", after);
        j = de_search(d, body);
        ck_assert_int_eq(de_total_of(j, NULL), total);
        if (cJSON_GetArraySize(de_hits_of(j)) == 0) {
            cJSON_Delete(j);
            break;
        }
        p = ids(de_hits_of(j));
        buf_puts(&b, p);
        free(p);
        last = cJSON_GetArrayItem(de_hits_of(j),
                                  cJSON_GetArraySize(de_hits_of(j)) - 1);
        p = cJSON_PrintUnformatted(cJSON_GetObjectItem(last, "sort"));
        snprintf(after, sizeof(after), "%s", p);
        free(p);
        n++;
        cJSON_Delete(j);
    }
    pages = buf_steal(&b);
    ck_assert_str_eq(pages, whole); /* no gap, no repeat, same order */
    ck_assert_int_eq(n, (int)((total + 136) / 137));
    {
        const cJSON *h;
        long long prev = dir > 0 ? 0 : NOW_MS + 1;

        cJSON_ArrayForEach(h, de_hits_of(all))
        {
            ck_assert(dir > 0 ? de_sort0(h) > prev : de_sort0(h) < prev);
            prev = de_sort0(h);
        }
    }
    free(pages);
    free(whole);
    cJSON_Delete(all);
    demo_free(d);
}

START_TEST(test_es_paging_desc)
{
    paging(SORT_DESC, -1);
}
END_TEST

START_TEST(test_es_paging_asc)
{
    paging(SORT_ASC, 1);
}
END_TEST

START_TEST(test_es_totals)
{
    struct demo *d = de_site();
    const char *rel;
    cJSON *j;
    long long exact;

    j = de_search(d, "{\"size\":1,\"track_total_hits\":true}");
    exact = de_total_of(j, &rel);
    ck_assert_str_eq(rel, "eq");
    ck_assert(exact > 2000000); /* 30 days of about one a second */
    cJSON_Delete(j);
    j = de_search(d, "{\"size\":1}"); /* the default: 10000 */
    ck_assert_int_eq(de_total_of(j, &rel), 10000);
    ck_assert_str_eq(rel, "gte");
    cJSON_Delete(j);
    j = de_search(d, "{\"size\":1,\"track_total_hits\":25}");
    ck_assert_int_eq(de_total_of(j, &rel), 25);
    ck_assert_str_eq(rel, "gte");
    cJSON_Delete(j);
    j = de_search(d, "{\"size\":1,\"track_total_hits\":false}");
    ck_assert_ptr_null(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "total"));
    ck_assert_int_eq(cJSON_GetArraySize(de_hits_of(j)), 1);
    cJSON_Delete(j);
    j = de_search(d, "{\"size\":0,\"track_total_hits\":100000000}");
    ck_assert_int_eq(de_total_of(j, &rel), exact);
    ck_assert_str_eq(rel, "eq");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search?rest_total_hits_as_int=true&size=0", "",
              200);
    ck_assert_int_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "total")
            ->valuedouble,
        exact);
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_count", "", 200);
    ck_assert(cJSON_GetObjectItem(j, "count")->valuedouble == (double)exact);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

START_TEST(test_es_window_and_from)
{
    struct demo *d = de_site();
    cJSON *a = de_search(d, "{\"size\":30," SORT_DESC "}");
    cJSON *b = de_search(d, "{\"size\":10,\"from\":20," SORT_DESC "}");
    cJSON *e;
    char *x = ids(de_hits_of(b)), *y;

    /* from skips, in sort order */
    for (int i = 0; i < 20; i++)
        cJSON_DeleteItemFromArray(de_hits_of(a), 0);
    y = ids(de_hits_of(a));
    ck_assert_str_eq(x, y);
    e = de_es(d, "/logstash-*/_search", "{\"from\":9990,\"size\":11}", 400);
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(e, "error"), "type")
            ->valuestring,
        "search_phase_execution_exception");
    ck_assert(de_body_has(e, "Result window is too large, from + size must be "
                             "less than or equal to: [10000] but was [10001]"));
    cJSON_Delete(e);
    e = de_es(d, "/logstash-*/_search", "{\"from\":9990,\"size\":10}", 200);
    cJSON_Delete(e);
    free(x);
    free(y);
    cJSON_Delete(a);
    cJSON_Delete(b);
    demo_free(d);
}
END_TEST

/* ---- time ranges -------------------------------------------------------- */

static void range_check(struct demo *d, const char *range, long long lo,
                        long long hi)
{
    char body[600];
    cJSON *j, *asc;
    const cJSON *h;

    snprintf(body, sizeof(body),
             "{\"size\":10000,\"track_total_hits\":true," SORT_DESC
             ",\"_source\":false,\"query\":{\"range\":{\"@timestamp\":%s}}}",
             range);
    j = de_search(d, body);
    ck_assert_int_gt(cJSON_GetArraySize(de_hits_of(j)), 0);
    cJSON_ArrayForEach(h, de_hits_of(j))
    {
        ck_assert(!cJSON_HasObjectItem(h, "_source"));
        ck_assert_msg(de_sort0(h) >= lo && de_sort0(h) <= hi,
                      "%s: %lld not in [%lld, %lld]", range, de_sort0(h), lo,
                      hi);
    }
    /* And the documents just outside are not in it. */
    snprintf(body, sizeof(body),
             "{\"size\":1," SORT_ASC ",\"query\":{\"range\":{\"@timestamp\":"
             "{\"gt\":%lld}}}}",
             hi);
    asc = de_search(d, body);
    if (cJSON_GetArraySize(de_hits_of(asc)) > 0)
        ck_assert(de_sort0(cJSON_GetArrayItem(de_hits_of(asc), 0)) > hi);
    ck_assert(de_sort0(cJSON_GetArrayItem(de_hits_of(j), 0)) >=
              de_sort0(cJSON_GetArrayItem(
                  de_hits_of(j), cJSON_GetArraySize(de_hits_of(j)) - 1)));
    cJSON_Delete(asc);
    cJSON_Delete(j);
}

START_TEST(test_es_range_date_math)
{
    struct demo *d = de_site();
    long long day0 = NOW_MS / 86400000 * 86400000;
    long long hour0 = NOW_MS / 3600000 * 3600000;

    range_check(d, "{\"gte\":\"now-15m\",\"lte\":\"now\"}", NOW_MS - 15 * 60000,
                NOW_MS);
    range_check(d, "{\"gte\":\"now/d\",\"lt\":\"now-1h/h\"}", day0,
                hour0 - 3600000 - 1);
    range_check(d, "{\"gt\":\"now-2h/h\",\"lte\":\"now-1h/h\"}",
                hour0 - 3600000, hour0 - 1);
    range_check(d,
                "{\"gte\":\"2026-11-26T01:00:00.000Z\",\"lte\":\"2026-11-26T"
                "01:10:00Z\",\"format\":\"strict_date_optional_time\"}",
                de_iso_ms("2026-11-26T01:00:00.000Z"),
                de_iso_ms("2026-11-26T01:10:00.999Z")); /* lte rounds up */
    /* A day written without time: lte takes the whole day (round up). */
    range_check(d, "{\"gte\":\"2026-11-20\",\"lte\":\"2026-11-20\"}",
                de_iso_ms("2026-11-20T00:00:00.000Z"),
                de_iso_ms("2026-11-20T23:59:59.999Z"));
    range_check(d, "{\"gte\":1795660000000,\"lt\":1795660600000}",
                1795660000000LL, 1795660599999LL);
    range_check(d, "{\"gte\":\"2026-11-25||+1d\",\"lte\":\"now\"}", day0,
                NOW_MS);
    demo_free(d);
}
END_TEST

START_TEST(test_es_range_bad_date)
{
    struct demo *d = de_site();
    cJSON *j = de_es(d, "/logstash-*/_search",
                     "{\"query\":{\"range\":{\"@timestamp\":{\"gte\":"
                     "\"yesterday\"}}}}",
                     400);
    const cJSON *err = cJSON_GetObjectItem(j, "error");
    const cJSON *fs =
        cJSON_GetArrayItem(cJSON_GetObjectItem(err, "failed_shards"), 0);
    const cJSON *r = cJSON_GetObjectItem(fs, "reason");

    ck_assert_str_eq(cJSON_GetObjectItem(r, "type")->valuestring,
                     "query_shard_exception");
    ck_assert_str_eq(cJSON_GetObjectItem(r, "reason")->valuestring,
                     "failed to create query: failed to parse date field "
                     "[yesterday] with format [strict_date_optional_time||"
                     "epoch_millis]: [failed to parse date field [yesterday] "
                     "with format [strict_date_optional_time||epoch_millis]]");
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r, "caused_by"), "type")
            ->valuestring,
        "parse_exception");
    cJSON_Delete(j);
    j = de_es(d, "/logstash-*/_search",
              "{\"query\":{\"range\":{\"@timestamp\":{\"gte\":\"now-1x\"}}}}",
              400);
    ck_assert(de_body_has(j, "unit [x] not supported for date math [-1x]"));
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* ---- queries, against the oracle ---------------------------------------- */

static bool every(const cJSON *h, const void *arg)
{
    (void)h;
    (void)arg;
    return true;
}

static bool none(const cJSON *h, const void *arg)
{
    (void)h;
    (void)arg;
    return false;
}

struct kv {
    const char *field, *value;
};

static bool str_is(const cJSON *h, const void *arg)
{
    const struct kv *kv = arg;
    const char *v = de_str(h, kv->field);

    return v != NULL && strcmp(v, kv->value) == 0;
}

static bool str_prefix(const cJSON *h, const void *arg)
{
    const struct kv *kv = arg;
    const char *v = de_str(h, kv->field);

    return v != NULL && strncmp(v, kv->value, strlen(kv->value)) == 0;
}

static bool any_word(const cJSON *h, const void *arg)
{
    return msg_has(h, "connection") || msg_has(h, "refused");
    (void)arg;
}

static bool both_words(const cJSON *h, const void *arg)
{
    (void)arg;
    return msg_has(h, "connection") && msg_has(h, "refused");
}

static bool two_of_three(const cJSON *h, const void *arg)
{
    (void)arg;
    return msg_has(h, "connection") + msg_has(h, "refused") +
               msg_has(h, "timeout") >=
           2;
}

static bool token_prefix(const cJSON *h, const void *arg)
{
    const char *m = de_str(h, "message"), *pre = arg;
    struct des_toks t = { 0 };
    bool found = false;

    des_tokenize(&t, m, strlen(m));
    for (size_t i = 0; i < t.n && !found; i++)
        found = strncmp(des_tok(&t, i), pre, strlen(pre)) == 0;
    des_toks_free(&t);
    return found;
}

static bool has_service(const cJSON *h, const void *ecs)
{
    return de_field(h, ecs != NULL ? "service.name" : "service") != NULL;
}

static bool status_5xx(const cJSON *h, const void *arg)
{
    const cJSON *v = de_field(h, "http.response.status_code");

    (void)arg;
    if (v == NULL)
        v = de_field(h, "response");
    return cJSON_IsNumber(v) && v->valuedouble >= 500;
}

static bool host_in(const cJSON *h, const void *arg)
{
    const char *const *v = arg, *x = de_str(h, "host.name");

    return x != NULL && (strcmp(x, v[0]) == 0 || strcmp(x, v[1]) == 0);
}

static bool error_not_get(const cJSON *h, const void *arg)
{
    (void)arg;
    return strcmp(de_level_of(h), "ERROR") == 0 && !msg_has(h, "get");
}

/* A host name of the window, of the ECS shape (seed-independent tests). */
static const char *some_ecs_host(const cJSON *all, int skip)
{
    const cJSON *h;

    cJSON_ArrayForEach(h, de_hits_of(all))
    {
        if (de_str(h, "host.name") != NULL && skip-- == 0)
            return de_str(h, "host.name");
    }
    return NULL;
}

START_TEST(test_es_dsl_queries)
{
    struct demo *d = de_site();
    cJSON *all = de_window(d, 45);
    struct kv ecs_err = { "log.level", "ERROR" };
    struct kv classic_warn = { "level", "WARN" };
    const char *hosts[2];
    char q[400];
    int n;

    hosts[0] = some_ecs_host(all, 0);
    hosts[1] = some_ecs_host(all, 7);
    ck_assert_ptr_nonnull(hosts[1]);
    n = check_query(d, all, 45,
                    "{\"match\":{\"message\":\"connection "
                    "refused\"}}",
                    any_word, NULL);
    ck_assert_int_gt(n, 0);
    check_query(d, all, 45,
                "{\"match\":{\"message\":{\"query\":\"Connection REFUSED\","
                "\"operator\":\"and\"}}}",
                both_words, NULL);
    check_query(d, all, 45,
                "{\"match\":{\"message\":{\"query\":\"connection refused "
                "timeout\",\"minimum_should_match\":2}}}",
                two_of_three, NULL);
    n = check_query(d, all, 45,
                    "{\"match_phrase\":{\"message\":\"connection refused\"}}",
                    msg_has, "connection refused");
    ck_assert_int_gt(n, 0);
    check_query(d, all, 45,
                "{\"multi_match\":{\"query\":\"connection refused\","
                "\"type\":\"phrase\",\"lenient\":true}}",
                msg_has, "connection refused");
    check_query(d, all, 45,
                "{\"multi_match\":{\"query\":\"refused\",\"fields\":"
                "[\"message\"]}}",
                msg_has, "refused");
    /* Keyword fields are exact and case-sensitive; text fields analysed. */
    n = check_query(d, all, 45, "{\"term\":{\"log.level\":\"ERROR\"}}", str_is,
                    &ecs_err);
    ck_assert_int_gt(n, 0);
    check_query(d, all, 45, "{\"match\":{\"log.level\":\"ERROR\"}}", str_is,
                &ecs_err);
    check_query(d, all, 45, "{\"match\":{\"level\":\"warn\"}}", str_is,
                &classic_warn);
    check_query(d, all, 45, "{\"term\":{\"level\":\"warn\"}}", str_is,
                &classic_warn);
    /* level is text: its token is "warn", and term does not analyse */
    check_query(d, all, 45, "{\"term\":{\"level\":\"WARN\"}}", none, NULL);
    snprintf(q, sizeof(q), "{\"terms\":{\"host.name\":[\"%s\",\"%s\"]}}",
             hosts[0], hosts[1]);
    ck_assert_int_gt(check_query(d, all, 45, q, host_in, hosts), 0);
    check_query(d, all, 45, "{\"exists\":{\"field\":\"service.name\"}}",
                has_service, "ecs");
    check_query(d, all, 45, "{\"exists\":{\"field\":\"service\"}}", has_service,
                NULL);
    check_query(d, all, 45,
                "{\"bool\":{\"should\":[{\"range\":{\"http.response.status_"
                "code\":{\"gte\":500}}},{\"range\":{\"response\":{\"gte\":"
                "\"500\"}}}]}}",
                status_5xx, NULL);
    check_query(d, all, 45,
                "{\"bool\":{\"filter\":{\"bool\":{\"should\":[{\"term\":{"
                "\"log.level\":\"ERROR\"}},{\"match\":{\"level\":\"ERROR\"}}],"
                "\"minimum_should_match\":1}},\"must_not\":{\"match\":{"
                "\"message\":\"GET\"}}}}",
                error_not_get, NULL);
    check_query(d, all, 45, "{\"bool\":{\"must_not\":[{\"match_all\":{}}]}}",
                none, NULL);
    check_query(d, all, 45, "{\"prefix\":{\"host.name\":\"prd-db\"}}",
                str_prefix, &(struct kv){ "host.name", "prd-db" });
    check_query(d, all, 45, "{\"wildcard\":{\"message\":\"refus*\"}}",
                token_prefix, "refus");
    check_query(d, all, 45,
                "{\"constant_score\":{\"filter\":{\"match\":{"
                "\"message\":\"refused\"}}}}",
                msg_has, "refused");
    cJSON_Delete(all);
    demo_free(d);
}
END_TEST

static bool qs_level_error(const cJSON *h, const void *arg)
{
    (void)arg;
    return de_str(h, "level") != NULL &&
           strcmp(de_str(h, "level"), "ERROR") == 0 && !msg_has(h, "refused");
}

static bool qs_group(const cJSON *h, const void *arg)
{
    (void)arg;
    return (msg_has(h, "timeout") || msg_has(h, "refused")) &&
           strcmp(de_level_of(h), "ERROR") != 0;
}

static bool qs_not(const cJSON *h, const void *arg)
{
    (void)arg;
    return msg_has(h, "connection") && !msg_has(h, "refused");
}

static bool qs_service(const cJSON *h, const void *arg)
{
    (void)arg;
    return de_field(h, "service") != NULL ||
           de_field(h, "service.name") != NULL;
}

static bool qs_host_prefix(const cJSON *h, const void *arg)
{
    const char *x = de_str(h, "host.name");

    return x != NULL && strncmp(x, arg, strlen(arg)) == 0;
}

START_TEST(test_es_query_string)
{
    struct demo *d = de_site();
    cJSON *all = de_window(d, 45);

#define QS(text)                                                               \
    "{\"query_string\":{\"query\":\"" text "\",\"analyze_wildcard\":"          \
    "true,\"default_field\":\"*\"}}"
    ck_assert_int_gt(check_query(d, all, 45, QS("refused"), msg_has, "refused"),
                     0);
    check_query(d, all, 45, QS("message:refused"), msg_has, "refused");
    check_query(d, all, 45, QS("message:\\\"connection refused\\\""), msg_has,
                "connection refused");
    check_query(d, all, 45, QS("\\\"connection refused\\\""), msg_has,
                "connection refused");
    check_query(d, all, 45, QS("level:ERROR AND NOT refused"), qs_level_error,
                NULL);
    check_query(d, all, 45, QS("+level:error -message:refused"), qs_level_error,
                NULL);
    check_query(d, all, 45,
                QS("(timeout OR refused) AND NOT (level:ERROR OR "
                   "log.level:ERROR)"),
                qs_group, NULL);
    check_query(d, all, 45, QS("connection && !refused"), qs_not, NULL);
    check_query(d, all, 45, QS("connection || refused"), any_word, NULL);
    check_query(d, all, 45, QS("refus*"), token_prefix, "refus");
    check_query(d, all, 45, QS("message:refu?ed"), msg_has, "refused");
    check_query(d, all, 45, QS("_exists_:service OR service.name:*"),
                qs_service, NULL);
    check_query(d, all, 45, QS("host.name:prd-web*"), qs_host_prefix,
                "prd-web");
    check_query(d, all, 45, QS("*"), every, NULL);
    check_query(d, all, 45, QS("log.level:error"), none, NULL);
#undef QS
    cJSON_Delete(all);
    demo_free(d);
}
END_TEST

Suite *demo_es_search_suite(void)
{
    Suite *s = suite_create("demo_es_search");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_es_paging_desc);
    tcase_add_test(tc, test_es_paging_asc);
    tcase_add_test(tc, test_es_totals);
    tcase_add_test(tc, test_es_window_and_from);
    tcase_add_test(tc, test_es_range_date_math);
    tcase_add_test(tc, test_es_range_bad_date);
    tcase_add_test(tc, test_es_dsl_queries);
    tcase_add_test(tc, test_es_query_string);
    suite_add_tcase(s, tc);
    return s;
}
