/*
 * Unit tests for the log search client on the demo site: the same client,
 * request builder and parsers as against Elasticsearch, answered by the
 * demo's _search over the loop (the lab test does it against the lab's
 * search server through the bastion).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/logs_client.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/worker.h"
#include "tests/unit/testutil_loop.h"

#define WAIT_MS 10000

static bool wait_for(bool (*done)(void *arg))
{
    return tl_wait(tl_site.loop, done, NULL, WAIT_MS);
}

static const struct logs_page *page(void)
{
    return logs_client_page(tl_site.site->logs);
}

static bool answered(void *arg)
{
    (void)arg;
    return page()->status == LOGS_OK || page()->status == LOGS_ERROR;
}

static bool more_loaded(void *arg)
{
    (void)arg;
    return answered(NULL) && !page()->loading_more;
}

static void search(enum es_syntax syntax, const char *text, const char *gte)
{
    struct logs_search q = { syntax, text, gte, "now" };

    logs_client_search(tl_site.site->logs, &q);
    ck_assert_int_eq(page()->status, LOGS_LOADING);
    ck_assert_msg(wait_for(answered), "no answer to %s", text);
}

START_TEST(test_first_page)
{
    const struct logs_page *p;
    long sum = 0;

    ck_assert_ptr_nonnull(tl_site.site->logs);
    ck_assert_str_eq(logs_client_index(tl_site.site->logs), "logstash-*");
    search(ES_KQL, "", "now-1h");
    p = page();
    ck_assert_msg(p->status == LOGS_OK, "error: %s", p->err);
    ck_assert(!p->no_index);
    ck_assert_int_gt(p->total, 0);
    ck_assert_uint_gt(p->nhits, 0);
    ck_assert_uint_le(p->nhits, (size_t)p->total);
    /* newest first */
    for (size_t i = 1; i < p->nhits; i++)
        ck_assert(p->hits[i - 1].time >= p->hits[i].time);
    ck_assert(p->hits[0].time <= loop_wall() + 1);
    ck_assert(p->hits[p->nhits - 1].time >= loop_wall() - 3600 - 1);
    /* the histogram covers the range and counts every hit */
    ck_assert_uint_gt(p->nbuckets, 10);
    ck_assert(p->bucket_secs > 0);
    for (size_t i = 0; i < p->nbuckets; i++)
        sum += p->buckets[i].count;
    ck_assert_int_eq(sum, p->total);
    for (size_t i = 0; i < p->nhits; i++) {
        ck_assert_ptr_nonnull(p->hits[i].host);
        ck_assert_ptr_nonnull(p->hits[i].message);
        ck_assert_ptr_nonnull(p->hits[i].sort);
    }
}
END_TEST

START_TEST(test_kql_and_lucene_agree)
{
    long long kql, lucene;
    const char *host;

    search(ES_KQL, "", "now-1h");
    host = page()->hits[0].host;
    ck_assert_ptr_nonnull(host);
    {
        char q[256];
        char h[64];

        snprintf(h, sizeof h, "%s", host);
        snprintf(q, sizeof q, "host.name:\"%s\" or host:\"%s\"", h, h);
        search(ES_KQL, q, "now-1h");
        ck_assert_msg(page()->status == LOGS_OK, "%s", page()->err);
        kql = page()->total;
        for (size_t i = 0; i < page()->nhits; i++)
            ck_assert_str_eq(page()->hits[i].host, h);
        snprintf(q, sizeof q, "host.name:\"%s\" OR host:\"%s\"", h, h);
        search(ES_LUCENE, q, "now-1h");
        ck_assert_msg(page()->status == LOGS_OK, "%s", page()->err);
        lucene = page()->total;
    }
    ck_assert_int_gt(kql, 0);
    ck_assert_int_eq(kql, lucene);
}
END_TEST

START_TEST(test_paging_has_no_gaps_or_duplicates)
{
    const struct logs_page *p;
    size_t first;

    search(ES_KQL, "", "now-24h");
    p = page();
    ck_assert_int_eq(p->status, LOGS_OK);
    ck_assert(p->more);
    first = p->nhits;
    logs_client_more(tl_site.site->logs);
    ck_assert(page()->loading_more);
    ck_assert(wait_for(more_loaded));
    p = page();
    ck_assert_int_eq(p->status, LOGS_OK);
    ck_assert_uint_gt(p->nhits, first);
    for (size_t i = 1; i < p->nhits; i++) {
        ck_assert(p->hits[i - 1].time >= p->hits[i].time);
        ck_assert(strcmp(p->hits[i - 1].id, p->hits[i].id) != 0 ||
                  strcmp(p->hits[i - 1].index, p->hits[i].index) != 0);
    }
}
END_TEST

START_TEST(test_bad_queries_are_errors)
{
    /* a KQL syntax error never leaves mctop */
    struct logs_search q = { ES_KQL, "level:(error", "now-1h", "now" };

    logs_client_search(tl_site.site->logs, &q);
    ck_assert_int_eq(page()->status, LOGS_ERROR);
    ck_assert_msg(strstr(page()->err, "KQL: column") != NULL, "%s",
                  page()->err);
    /* Elasticsearch's own 400 for a bad query_string, with its reason */
    search(ES_LUCENE, "message:(oops", "now-1h");
    ck_assert_int_eq(page()->status, LOGS_ERROR);
    ck_assert_msg(strstr(page()->err, "Failed to parse query") != NULL ||
                      strstr(page()->err, "Cannot parse") != NULL,
                  "%s", page()->err);
}
END_TEST

static size_t follow_start;

static bool followed(void *arg)
{
    (void)arg;
    return page()->fresh > 0 || page()->nhits > follow_start;
}

START_TEST(test_follow_adds_new_documents_on_top)
{
    const struct logs_page *p;
    double newest;

    search(ES_KQL, "", "now-5m");
    p = page();
    ck_assert_int_eq(p->status, LOGS_OK);
    newest = p->nhits > 0 ? p->hits[0].time : 0;
    follow_start = p->nhits;
    logs_client_follow(tl_site.site->logs, true);
    ck_assert(page()->following);
    /* the demo's fleet logs about one document a second */
    ck_assert_msg(wait_for(followed), "nothing new in %d ms", WAIT_MS);
    p = page();
    ck_assert_uint_gt(p->fresh, 0);
    ck_assert(p->hits[0].time >= newest);
    for (size_t i = 1; i < p->nhits; i++)
        ck_assert(p->hits[i - 1].time >= p->hits[i].time);
    logs_client_seen(tl_site.site->logs);
    ck_assert_uint_eq(page()->fresh, 0);
    logs_client_follow(tl_site.site->logs, false);
    ck_assert(!page()->following);
}
END_TEST

Suite *logs_client_suite(void)
{
    Suite *s = suite_create("logs_client");
    TCase *tc = tcase_create("demo");

    tcase_add_checked_fixture(tc, tl_demo_setup, tl_demo_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_first_page);
    tcase_add_test(tc, test_kql_and_lucene_agree);
    tcase_add_test(tc, test_paging_has_no_gaps_or_duplicates);
    tcase_add_test(tc, test_bad_queries_are_errors);
    tcase_add_test(tc, test_follow_adds_new_documents_on_top);
    suite_add_tcase(s, tc);
    return s;
}
