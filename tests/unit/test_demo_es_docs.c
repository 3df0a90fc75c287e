/*
 * Unit tests for the documents of the demo site's Elasticsearch
 * (backend/demo_es*.c): the answer's shape in Elasticsearch 8's wire
 * format, both Logstash shapes, the rate, determinism, hostile lines,
 * incidents, and the tokens that find each message.
 */
#include <cJSON.h>
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/demo.h"
#include "backend/demo_es.h"
#include "tests/unit/testutil_demo.h"
#include "tests/unit/testutil_demo_es.h"

/* ---- helpers ------------------------------------------------------------- */

/* Failures inside loops, reported once (check is slow per assertion). */
struct tally {
    int bad;
    char first[300];
};

static void tally(struct tally *t, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void tally(struct tally *t, bool ok, const char *fmt, ...)
{
    va_list ap;

    if (ok || t->bad++ > 0)
        return;
    va_start(ap, fmt);
    vsnprintf(t->first, sizeof(t->first), fmt, ap);
    va_end(ap);
}

static void tally_done(const struct tally *t)
{
    ck_assert_msg(t->bad == 0, "%d failed, the first: %s", t->bad, t->first);
}

/* host.name or host, whichever shape the document has. */
static const char *host_of(const cJSON *hit)
{
    const char *h = de_str(hit, "host.name");

    return h != NULL ? h : de_str(hit, "host");
}

/* ---- the answer's shape ----------------------------------------------------
 */

START_TEST(test_es_shape)
{
    struct demo *d = de_site();
    cJSON *j =
        de_search(d, "{\"size\":20,\"track_total_hits\":true," SORT_DESC "}");
    static const char *const top[] = { "took", "timed_out", "_shards", "hits" };
    static const char *const hk[] = { "_index", "_id", "_score", "_source",
                                      "sort" };
    const cJSON *it = j->child, *h, *sh = cJSON_GetObjectItem(j, "_shards");
    long long prev = NOW_MS + 1;
    int i = 0;

    for (; it != NULL; it = it->next, i++)
        ck_assert_str_eq(it->string, top[i]);
    ck_assert_int_eq(i, 4);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "timed_out")));
    /* Both families, the 31 days of the last 30 days each. */
    ck_assert_int_eq(cJSON_GetObjectItem(sh, "total")->valueint,
                     2 * (DES_DAYS + 1));
    ck_assert_int_eq(cJSON_GetObjectItem(sh, "successful")->valueint,
                     2 * (DES_DAYS + 1));
    ck_assert_int_eq(cJSON_GetObjectItem(sh, "skipped")->valueint, 0);
    ck_assert_int_eq(cJSON_GetObjectItem(sh, "failed")->valueint, 0);
    ck_assert(cJSON_IsNull(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "max_score")));
    ck_assert_int_eq(cJSON_GetArraySize(de_hits_of(j)), 20);
    cJSON_ArrayForEach(h, de_hits_of(j))
    {
        const char *ix = cJSON_GetObjectItem(h, "_index")->valuestring;
        const char *id = cJSON_GetObjectItem(h, "_id")->valuestring;
        const char *ts = de_str(h, "@timestamp");
        const cJSON *sort = cJSON_GetObjectItem(h, "sort");
        char day[40];
        long long ms = de_iso_ms(ts);
        time_t t = (time_t)(ms / 1000);
        struct tm tm;

        i = 0;
        for (it = h->child; it != NULL; it = it->next, i++)
            ck_assert_str_eq(it->string, hk[i]);
        ck_assert(cJSON_IsNull(cJSON_GetObjectItem(h, "_score")));
        ck_assert_int_eq(strlen(id), 20);
        ck_assert_int_eq(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
                                    "pqrstuvwxyz0123456789-_"),
                         20);
        gmtime_r(&t, &tm);
        snprintf(day, sizeof(day), "%s%04d.%02d.%02d",
                 de_str(h, "host.name") != NULL ? "logstash-ecs-" : "logstash-",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        ck_assert_str_eq(ix, day);
        ck_assert_int_eq(cJSON_GetArraySize(sort), 2);
        ck_assert(sort->child->valuedouble == (double)ms);
        ck_assert(ms <= NOW_MS && ms < prev);
        prev = ms;
        ck_assert_str_eq(de_str(h, "@version"), "1");
        ck_assert_ptr_nonnull(de_str(h, "message"));
        ck_assert_ptr_nonnull(host_of(h));
        ck_assert_ptr_nonnull(de_level_of(h));
        ck_assert_int_eq(strlen(ts), 24);
    }
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* Both Logstash shapes, each in its own indices. */
START_TEST(test_es_shapes)
{
    struct demo *d = de_site();
    cJSON *j = de_window(d, 60);
    const cJSON *h;
    int ecs = 0, classic = 0;
    struct tally t = { 0 };

    cJSON_ArrayForEach(h, de_hits_of(j))
    {
        const char *ix = cJSON_GetObjectItem(h, "_index")->valuestring;
        bool is_ecs = strncmp(ix, "logstash-ecs-", 13) == 0;

        if (is_ecs) {
            ecs++;
            tally(&t,
                  de_str(h, "host.name") != NULL && de_str(h, "log.level") &&
                      de_str(h, "log.file.path") && de_str(h, "ecs.version") &&
                      de_str(h, "event.dataset") && !de_field(h, "level"),
                  "ECS document %s",
                  cJSON_GetObjectItem(h, "_id")->valuestring);
            tally(&t,
                  strncmp(de_str(h, "host.name"), "ppd-", 4) == 0 ||
                      strncmp(de_str(h, "host.name"), "prd-", 4) == 0,
                  "ECS from %s", de_str(h, "host.name"));
        } else {
            classic++;
            tally(&t,
                  cJSON_IsString(de_field(h, "host")) && de_str(h, "level") &&
                      de_str(h, "path") && de_str(h, "type") &&
                      !de_field(h, "log"),
                  "classic document %s",
                  cJSON_GetObjectItem(h, "_id")->valuestring);
            tally(&t,
                  strncmp(de_str(h, "host"), "dev-", 4) == 0 ||
                      strncmp(de_str(h, "host"), "tst-", 4) == 0,
                  "classic from %s", de_str(h, "host"));
        }
    }
    tally_done(&t);
    ck_assert_int_gt(ecs, 100);
    ck_assert_int_gt(classic, 100);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* About one document a second, whatever the fleet's size. */
START_TEST(test_es_rate)
{
    static const int sizes[] = { 1, 60, 10000 };

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct demo *d = demo_new(3, sizes[i], DT_T0);
        cJSON *j = de_es(d, "/logstash-*/_count",
                         "{\"query\":{\"range\":{\"@timestamp\":{\"gte\":"
                         "\"now-1d\"}}}}",
                         200);
        double n = cJSON_GetObjectItem(j, "count")->valuedouble;

        /* A host that is down does not log; one host has fewer lines. */
        ck_assert_msg(n > 86400 * 0.7 && n < 86400 * 1.2, "%d hosts: %.0f",
                      sizes[i], n);
        cJSON_Delete(j);
        demo_free(d);
    }
}
END_TEST

/* The same request, the same answer (took aside). */
START_TEST(test_es_deterministic)
{
    const char *body = "{\"size\":300,\"track_total_hits\":true," SORT_DESC
                       ",\"query\":{\"query_string\":{\"query\":\"error OR "
                       "refused\",\"default_field\":\"*\"}},\"aggs\":{\"0\":"
                       "{\"date_histogram\":{\"field\":\"@timestamp\","
                       "\"fixed_interval\":\"1h\"}}}}";
    struct demo *a = de_site(), *b = de_site();
    cJSON *x = de_search(a, body), *y = de_search(a, body),
          *z = de_search(b, body);

    cJSON_DeleteItemFromObject(x, "took");
    cJSON_DeleteItemFromObject(y, "took");
    cJSON_DeleteItemFromObject(z, "took");
    ck_assert(cJSON_Compare(x, y, true));
    ck_assert(cJSON_Compare(x, z, true));
    ck_assert_int_eq(cJSON_GetArraySize(de_hits_of(x)), 300);
    cJSON_Delete(x);
    cJSON_Delete(y);
    cJSON_Delete(z);
    demo_free(a);
    demo_free(b);
}
END_TEST

/* One line in about 500 tries to break a terminal. */
START_TEST(test_es_hostile)
{
    struct demo *d = de_site();
    static const struct {
        const char *phrase, *needle;
    } cases[] = {
        { "PWNED TITLE", "\x1b]0;" },           /* OSC title, BEL */
        { "31;1merror 0m payment", "\x1b[31" }, /* colour */
        { "overwritten by carriage return", "\r" },
        { "bell backspace", "\x07" },
        { "end of very long line", NULL },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[600];
        cJSON *j;
        const cJSON *h;
        int n = 0;

        snprintf(body, sizeof(body),
                 "{\"size\":50," SORT_DESC ",\"query\":{\"match_phrase\":"
                 "{\"message\":\"%s\"}}}",
                 cases[i].phrase);
        j = de_search(d, body);
        cJSON_ArrayForEach(h, de_hits_of(j))
        {
            const char *m = de_str(h, "message");

            ck_assert(cases[i].needle != NULL
                          ? strstr(m, cases[i].needle) != NULL
                          : strlen(m) > 8000);
            n++;
        }
        ck_assert_msg(n > 0, "no line with %s", cases[i].phrase);
        cJSON_Delete(j);
    }
    demo_free(d);
}
END_TEST

/* Bursts of syslog lines come from the hosts Icinga shows with problems. */
START_TEST(test_es_incidents)
{
    struct demo *d = de_site();
    cJSON *j =
        de_search(d, "{\"size\":2000,\"query\":{\"bool\":{\"filter\":[{"
                     "\"range\":{\"@timestamp\":{\"gte\":\"now-10m\"}}},"
                     "{\"bool\":{\"should\":[{\"term\":{\"event."
                     "dataset\":\"system.syslog\"}},{\"match\":{\"type\":"
                     "\"syslog\"}}]}}]}}}");
    char *bad[200];
    int nbad = dt_pick(d, true, "service.state!=0", bad, 190);
    const cJSON *h;
    struct tally t = { 0 };
    int n = 0, warn = 0;

    nbad += dt_pick(d, false, "host.state!=0", bad + nbad, 10);
    cJSON_ArrayForEach(h, de_hits_of(j))
    {
        const char *host = host_of(h);
        size_t len = strlen(host);
        bool found = false;

        for (int i = 0; i < nbad && !found; i++)
            found = strncmp(bad[i], host, len) == 0 &&
                    (bad[i][len] == '!' || bad[i][len] == '\0');
        tally(&t, found, "%s logs about a problem it does not have", host);
        tally(&t, de_has_phrase(de_str(h, "message"), host),
              "syslog line without its host: %s", de_str(h, "message"));
        tally(&t,
              strcmp(de_level_of(h), "WARN") == 0 ||
                  strcmp(de_level_of(h), "ERROR") == 0,
              "a burst at %s", de_level_of(h));
        warn += strcmp(de_level_of(h), "WARN") == 0;
        n++;
    }
    tally_done(&t);
    ck_assert_int_gt(n, 20);
    ck_assert_int_gt(warn, 0);
    dt_free_names(bad, nbad);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* ---- tokens: every word of a message finds it -----------------------------
 */

START_TEST(test_es_tokenizer)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "prd-web-01", "prd web 01" },
        { "10.77.0.5:8080", "10.77.0.5 8080" },
        { "ERROR: don't", "error don't" },
        { "[2026-11-26T05:13:19,066]", "2026 11 26t05 13 19,066" },
        { "foo_bar.baz v1.2 a.b_c", "foo_bar.baz v1.2 a.b_c" },
        { "\x1b[31mRed\x1b[0m", "31mred 0m" },
        { "Éclair café", "éclair café" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct des_toks t = { 0 };
        struct buf b = { 0 };
        char *s;

        des_tokenize(&t, cases[i].in, strlen(cases[i].in));
        for (size_t k = 0; k < t.n; k++)
            buf_printf(&b, "%s%s", k ? " " : "", des_tok(&t, k));
        s = buf_steal(&b);
        ck_assert_str_eq(s, cases[i].out);
        free(s);
        des_toks_free(&t);
    }
}
END_TEST

/* Any token, and any three in a row (across the pieces a message is made
   of, the time included), finds the document. */
START_TEST(test_es_tokens_find)
{
    struct demo *d = de_site();
    cJSON *all = de_window(d, 10);
    const cJSON *h;
    struct tally t = { 0 };
    unsigned k = 0;

    cJSON_ArrayForEach(h, de_hits_of(all))
    {
        const char *m = de_str(h, "message"), *id = de_sget(h, "_id");
        struct des_toks tk = { 0 };
        long long ms = de_sort0(h);

        if (k++ % 5 != 0)
            continue;
        des_tokenize(&tk, m, strlen(m));
        for (int q = 0; q < 2 && tk.n > 2; q++) {
            size_t at = (k * 7 + (unsigned)q * 3) % (tk.n - 2);
            struct buf b = { 0 };
            char *body;
            cJSON *j;

            buf_printf(&b,
                       "{\"size\":5,\"_source\":false,\"query\":{\"bool\":{"
                       "\"filter\":[{\"range\":{\"@timestamp\":{\"gte\":%lld,"
                       "\"lte\":%lld}}},{\"%s\":{\"message\":\"",
                       ms, ms, q == 0 ? "match" : "match_phrase");
            for (size_t w = 0; w < (q == 0 ? 1u : 3u); w++)
                buf_printf(&b, "%s%s", w ? " " : "", des_tok(&tk, at + w));
            buf_puts(&b, "\"}}]}}}");
            body = buf_steal(&b);
            j = de_search(d, body);
            tally(
                &t,
                cJSON_GetArraySize(de_hits_of(j)) == 1 &&
                    strcmp(de_sget(cJSON_GetArrayItem(de_hits_of(j), 0), "_id"),
                           id) == 0,
                "%s in \"%.200s\"", body, m);
            cJSON_Delete(j);
            free(body);
        }
        des_toks_free(&tk);
    }
    tally_done(&t);
    ck_assert_int_gt(k, 100);
    cJSON_Delete(all);
    demo_free(d);
}
END_TEST

Suite *demo_es_docs_suite(void)
{
    Suite *s = suite_create("demo_es_docs");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_es_shape);
    tcase_add_test(tc, test_es_shapes);
    tcase_add_test(tc, test_es_rate);
    tcase_add_test(tc, test_es_deterministic);
    tcase_add_test(tc, test_es_hostile);
    tcase_add_test(tc, test_es_incidents);
    tcase_add_test(tc, test_es_tokenizer);
    tcase_add_test(tc, test_es_tokens_find);
    suite_add_tcase(s, tc);
    return s;
}
