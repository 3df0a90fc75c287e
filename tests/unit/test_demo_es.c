/*
 * Unit tests for the demo site's Elasticsearch (backend/demo_es*.c): the
 * _search API in Elasticsearch 8's wire format over generated Logstash
 * documents. Answers are checked against an oracle: every document of a
 * time window is fetched with match_all, and each query must return
 * exactly the documents the oracle picks from those, in order.
 */
#include <cJSON.h>
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/demo.h"
#include "backend/demo_es.h"
#include "backend/es.h"
#include "tests/unit/testutil_demo.h"

#define NOW_MS ((long long)(DT_T0 * 1000))
#define SORT_DESC                                                              \
    "\"sort\":[{\"@timestamp\":{\"order\":\"desc\",\"unmapped_type\":"         \
    "\"boolean\"}},{\"_doc\":{\"order\":\"desc\"}}]"
#define SORT_ASC                                                               \
    "\"sort\":[{\"@timestamp\":{\"order\":\"asc\",\"unmapped_type\":"          \
    "\"boolean\"}},{\"_doc\":{\"order\":\"asc\"}}]"

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

static struct demo *site(void)
{
    return demo_new(7, 60, DT_T0);
}

/*
 * Lone UTF-16 surrogate escapes, which hostile log lines carry and cJSON
 * refuses, as U+FFFD (es_parse_search repairs them the same way).
 */
static void repair(char *s)
{
    for (char *p = s; (p = strstr(p, "\\u")) != NULL; p += 2) {
        unsigned v;

        if (p > s && p[-1] == '\\' && (p - 1 == s || p[-2] != '\\'))
            continue; /* an escaped backslash */
        if (sscanf(p + 2, "%4x", &v) != 1 || v < 0xd800 || v > 0xdfff)
            continue;
        if (v < 0xdc00 && strncmp(p + 6, "\\u", 2) == 0) {
            p += 6; /* a pair */
            continue;
        }
        memcpy(p + 2, "FFFD", 4);
    }
}

/* A search (POST) that must answer status want: the parsed body. */
static cJSON *es(struct demo *d, const char *path, const char *body, int want)
{
    int st = 0;
    char *s = dt_fetch(d, "POST", path, body, &st);
    cJSON *j;

    repair(s);
    j = cJSON_Parse(s);

    ck_assert_msg(st == want, "%s %s: %d %.600s", path, body, st, s);
    ck_assert_msg(j != NULL, "not JSON: %.300s", s);
    free(s);
    return j;
}

static cJSON *search(struct demo *d, const char *body)
{
    return es(d, "/logstash-*/_search", body, 200);
}

static cJSON *hits_of(const cJSON *j)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "hits");
}

static long long total_of(const cJSON *j, const char **rel)
{
    const cJSON *t =
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "total");

    if (rel != NULL)
        *rel =
            t != NULL ? cJSON_GetObjectItem(t, "relation")->valuestring : NULL;
    return t != NULL ? (long long)cJSON_GetObjectItem(t, "value")->valuedouble
                     : -1;
}

/* A _source member by dotted path ("host.name"), or NULL. */
static const cJSON *field(const cJSON *hit, const char *path)
{
    const cJSON *v = cJSON_GetObjectItem(hit, "_source");
    char buf[128], *save = NULL;

    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = strtok_r(buf, ".", &save); p != NULL && v != NULL;
         p = strtok_r(NULL, ".", &save))
        v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, p) : NULL;
    return v;
}

static const char *str(const cJSON *hit, const char *path)
{
    const cJSON *v = field(hit, path);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* host.name or host, whichever shape the document has. */
static const char *host_of(const cJSON *hit)
{
    const char *h = str(hit, "host.name");

    return h != NULL ? h : str(hit, "host");
}

static const char *level_of(const cJSON *hit)
{
    const char *l = str(hit, "log.level");

    return l != NULL ? l : str(hit, "level");
}

static long long sort0(const cJSON *hit)
{
    return (long long)cJSON_GetArrayItem(cJSON_GetObjectItem(hit, "sort"), 0)
        ->valuedouble;
}

static long long iso_ms(const char *s)
{
    struct tm tm = { 0 };
    int ms = 0;

    ck_assert_int_eq(sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon,
                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                            &ms),
                     7);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm) * 1000 + ms;
}

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

/* Every document of [now-mins, now], newest first (the oracle's input). */
static cJSON *window(struct demo *d, int mins)
{
    char body[400];

    snprintf(body, sizeof(body),
             "{\"size\":10000,\"track_total_hits\":true," SORT_DESC
             ",\"query\":{\"range\":{\"@timestamp\":{\"gte\":\"now-%dm\","
             "\"lte\":\"now\"}}}}",
             mins);
    return search(d, body);
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

    cJSON_ArrayForEach(h, hits_of(all))
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
    j = search(d, body);
    got = ids(hits_of(j));
    ck_assert_msg(strcmp(got, exp.data != NULL ? exp.data : "") == 0,
                  "%s: %d expected, %d answered", query, n,
                  cJSON_GetArraySize(hits_of(j)));
    ck_assert_int_eq(total_of(j, NULL), n);
    free(got);
    buf_free(&exp);
    cJSON_Delete(j);
    return n;
}

/* Does the text hold the tokens (a phrase when several) of words? */
static bool has_phrase(const char *text, const char *words)
{
    struct des_toks t = { 0 }, w = { 0 };
    bool found = false;

    if (text == NULL)
        return false;
    des_tokenize(&t, text, strlen(text));
    des_tokenize(&w, words, strlen(words));
    for (size_t i = 0; i + w.n <= t.n && !found; i++) {
        size_t k = 0;

        while (k < w.n && strcmp(des_tok(&t, i + k), des_tok(&w, k)) == 0)
            k++;
        found = k == w.n;
    }
    des_toks_free(&t);
    des_toks_free(&w);
    return found;
}

static bool msg_has(const cJSON *h, const void *words)
{
    return has_phrase(str(h, "message"), words);
}

/* Does the body, printed, contain needle? */
static bool body_has(const cJSON *j, const char *needle)
{
    char *s = cJSON_PrintUnformatted(j);
    bool r = strstr(s, needle) != NULL;

    free(s);
    return r;
}

/* ---- the answer's shape ----------------------------------------------------
 */

START_TEST(test_es_shape)
{
    struct demo *d = site();
    cJSON *j =
        search(d, "{\"size\":20,\"track_total_hits\":true," SORT_DESC "}");
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
    ck_assert_int_eq(cJSON_GetArraySize(hits_of(j)), 20);
    cJSON_ArrayForEach(h, hits_of(j))
    {
        const char *ix = cJSON_GetObjectItem(h, "_index")->valuestring;
        const char *id = cJSON_GetObjectItem(h, "_id")->valuestring;
        const char *ts = str(h, "@timestamp");
        const cJSON *sort = cJSON_GetObjectItem(h, "sort");
        char day[40];
        long long ms = iso_ms(ts);
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
                 str(h, "host.name") != NULL ? "logstash-ecs-" : "logstash-",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        ck_assert_str_eq(ix, day);
        ck_assert_int_eq(cJSON_GetArraySize(sort), 2);
        ck_assert(sort->child->valuedouble == (double)ms);
        ck_assert(ms <= NOW_MS && ms < prev);
        prev = ms;
        ck_assert_str_eq(str(h, "@version"), "1");
        ck_assert_ptr_nonnull(str(h, "message"));
        ck_assert_ptr_nonnull(host_of(h));
        ck_assert_ptr_nonnull(level_of(h));
        ck_assert_int_eq(strlen(ts), 24);
    }
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

/* Both Logstash shapes, each in its own indices. */
START_TEST(test_es_shapes)
{
    struct demo *d = site();
    cJSON *j = window(d, 60);
    const cJSON *h;
    int ecs = 0, classic = 0;
    struct tally t = { 0 };

    cJSON_ArrayForEach(h, hits_of(j))
    {
        const char *ix = cJSON_GetObjectItem(h, "_index")->valuestring;
        bool is_ecs = strncmp(ix, "logstash-ecs-", 13) == 0;

        if (is_ecs) {
            ecs++;
            tally(&t,
                  str(h, "host.name") != NULL && str(h, "log.level") &&
                      str(h, "log.file.path") && str(h, "ecs.version") &&
                      str(h, "event.dataset") && !field(h, "level"),
                  "ECS document %s",
                  cJSON_GetObjectItem(h, "_id")->valuestring);
            tally(&t,
                  strncmp(str(h, "host.name"), "ppd-", 4) == 0 ||
                      strncmp(str(h, "host.name"), "prd-", 4) == 0,
                  "ECS from %s", str(h, "host.name"));
        } else {
            classic++;
            tally(&t,
                  cJSON_IsString(field(h, "host")) && str(h, "level") &&
                      str(h, "path") && str(h, "type") && !field(h, "log"),
                  "classic document %s",
                  cJSON_GetObjectItem(h, "_id")->valuestring);
            tally(&t,
                  strncmp(str(h, "host"), "dev-", 4) == 0 ||
                      strncmp(str(h, "host"), "tst-", 4) == 0,
                  "classic from %s", str(h, "host"));
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
        cJSON *j = es(d, "/logstash-*/_count",
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
    struct demo *a = site(), *b = site();
    cJSON *x = search(a, body), *y = search(a, body), *z = search(b, body);

    cJSON_DeleteItemFromObject(x, "took");
    cJSON_DeleteItemFromObject(y, "took");
    cJSON_DeleteItemFromObject(z, "took");
    ck_assert(cJSON_Compare(x, y, true));
    ck_assert(cJSON_Compare(x, z, true));
    ck_assert_int_eq(cJSON_GetArraySize(hits_of(x)), 300);
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
    struct demo *d = site();
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
        j = search(d, body);
        cJSON_ArrayForEach(h, hits_of(j))
        {
            const char *m = str(h, "message");

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
    struct demo *d = site();
    cJSON *j = search(d, "{\"size\":2000,\"query\":{\"bool\":{\"filter\":[{"
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
    cJSON_ArrayForEach(h, hits_of(j))
    {
        const char *host = host_of(h);
        size_t len = strlen(host);
        bool found = false;

        for (int i = 0; i < nbad && !found; i++)
            found = strncmp(bad[i], host, len) == 0 &&
                    (bad[i][len] == '!' || bad[i][len] == '\0');
        tally(&t, found, "%s logs about a problem it does not have", host);
        tally(&t, has_phrase(str(h, "message"), host),
              "syslog line without its host: %s", str(h, "message"));
        tally(&t,
              strcmp(level_of(h), "WARN") == 0 ||
                  strcmp(level_of(h), "ERROR") == 0,
              "a burst at %s", level_of(h));
        warn += strcmp(level_of(h), "WARN") == 0;
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

/* ---- sort, paging, totals -------------------------------------------------
 */

static void paging(const char *sort, int dir)
{
    struct demo *d = site();
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
    all = search(d, body);
    whole = ids(hits_of(all));
    total = total_of(all, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(hits_of(all)), total);
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
        j = search(d, body);
        ck_assert_int_eq(total_of(j, NULL), total);
        if (cJSON_GetArraySize(hits_of(j)) == 0) {
            cJSON_Delete(j);
            break;
        }
        p = ids(hits_of(j));
        buf_puts(&b, p);
        free(p);
        last =
            cJSON_GetArrayItem(hits_of(j), cJSON_GetArraySize(hits_of(j)) - 1);
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

        cJSON_ArrayForEach(h, hits_of(all))
        {
            ck_assert(dir > 0 ? sort0(h) > prev : sort0(h) < prev);
            prev = sort0(h);
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
    struct demo *d = site();
    const char *rel;
    cJSON *j;
    long long exact;

    j = search(d, "{\"size\":1,\"track_total_hits\":true}");
    exact = total_of(j, &rel);
    ck_assert_str_eq(rel, "eq");
    ck_assert(exact > 2000000); /* 30 days of about one a second */
    cJSON_Delete(j);
    j = search(d, "{\"size\":1}"); /* the default: 10000 */
    ck_assert_int_eq(total_of(j, &rel), 10000);
    ck_assert_str_eq(rel, "gte");
    cJSON_Delete(j);
    j = search(d, "{\"size\":1,\"track_total_hits\":25}");
    ck_assert_int_eq(total_of(j, &rel), 25);
    ck_assert_str_eq(rel, "gte");
    cJSON_Delete(j);
    j = search(d, "{\"size\":1,\"track_total_hits\":false}");
    ck_assert_ptr_null(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "total"));
    ck_assert_int_eq(cJSON_GetArraySize(hits_of(j)), 1);
    cJSON_Delete(j);
    j = search(d, "{\"size\":0,\"track_total_hits\":100000000}");
    ck_assert_int_eq(total_of(j, &rel), exact);
    ck_assert_str_eq(rel, "eq");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search?rest_total_hits_as_int=true&size=0", "",
           200);
    ck_assert_int_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "total")
            ->valuedouble,
        exact);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_count", "", 200);
    ck_assert(cJSON_GetObjectItem(j, "count")->valuedouble == (double)exact);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

START_TEST(test_es_window_and_from)
{
    struct demo *d = site();
    cJSON *a = search(d, "{\"size\":30," SORT_DESC "}");
    cJSON *b = search(d, "{\"size\":10,\"from\":20," SORT_DESC "}");
    cJSON *e;
    char *x = ids(hits_of(b)), *y;

    /* from skips, in sort order */
    for (int i = 0; i < 20; i++)
        cJSON_DeleteItemFromArray(hits_of(a), 0);
    y = ids(hits_of(a));
    ck_assert_str_eq(x, y);
    e = es(d, "/logstash-*/_search", "{\"from\":9990,\"size\":11}", 400);
    ck_assert_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(e, "error"), "type")
            ->valuestring,
        "search_phase_execution_exception");
    ck_assert(body_has(e, "Result window is too large, from + size must be "
                          "less than or equal to: [10000] but was [10001]"));
    cJSON_Delete(e);
    e = es(d, "/logstash-*/_search", "{\"from\":9990,\"size\":10}", 200);
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
    j = search(d, body);
    ck_assert_int_gt(cJSON_GetArraySize(hits_of(j)), 0);
    cJSON_ArrayForEach(h, hits_of(j))
    {
        ck_assert(!cJSON_HasObjectItem(h, "_source"));
        ck_assert_msg(sort0(h) >= lo && sort0(h) <= hi,
                      "%s: %lld not in [%lld, %lld]", range, sort0(h), lo, hi);
    }
    /* And the documents just outside are not in it. */
    snprintf(body, sizeof(body),
             "{\"size\":1," SORT_ASC ",\"query\":{\"range\":{\"@timestamp\":"
             "{\"gt\":%lld}}}}",
             hi);
    asc = search(d, body);
    if (cJSON_GetArraySize(hits_of(asc)) > 0)
        ck_assert(sort0(cJSON_GetArrayItem(hits_of(asc), 0)) > hi);
    ck_assert(sort0(cJSON_GetArrayItem(hits_of(j), 0)) >=
              sort0(cJSON_GetArrayItem(hits_of(j),
                                       cJSON_GetArraySize(hits_of(j)) - 1)));
    cJSON_Delete(asc);
    cJSON_Delete(j);
}

START_TEST(test_es_range_date_math)
{
    struct demo *d = site();
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
                iso_ms("2026-11-26T01:00:00.000Z"),
                iso_ms("2026-11-26T01:10:00.999Z")); /* lte rounds up */
    /* A day written without time: lte takes the whole day (round up). */
    range_check(d, "{\"gte\":\"2026-11-20\",\"lte\":\"2026-11-20\"}",
                iso_ms("2026-11-20T00:00:00.000Z"),
                iso_ms("2026-11-20T23:59:59.999Z"));
    range_check(d, "{\"gte\":1795660000000,\"lt\":1795660600000}",
                1795660000000LL, 1795660599999LL);
    range_check(d, "{\"gte\":\"2026-11-25||+1d\",\"lte\":\"now\"}", day0,
                NOW_MS);
    demo_free(d);
}
END_TEST

START_TEST(test_es_range_bad_date)
{
    struct demo *d = site();
    cJSON *j = es(d, "/logstash-*/_search",
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
    j = es(d, "/logstash-*/_search",
           "{\"query\":{\"range\":{\"@timestamp\":{\"gte\":\"now-1x\"}}}}",
           400);
    ck_assert(body_has(j, "unit [x] not supported for date math [-1x]"));
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
    const char *v = str(h, kv->field);

    return v != NULL && strcmp(v, kv->value) == 0;
}

static bool str_prefix(const cJSON *h, const void *arg)
{
    const struct kv *kv = arg;
    const char *v = str(h, kv->field);

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
    const char *m = str(h, "message"), *pre = arg;
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
    return field(h, ecs != NULL ? "service.name" : "service") != NULL;
}

static bool status_5xx(const cJSON *h, const void *arg)
{
    const cJSON *v = field(h, "http.response.status_code");

    (void)arg;
    if (v == NULL)
        v = field(h, "response");
    return cJSON_IsNumber(v) && v->valuedouble >= 500;
}

static bool host_in(const cJSON *h, const void *arg)
{
    const char *const *v = arg, *x = str(h, "host.name");

    return x != NULL && (strcmp(x, v[0]) == 0 || strcmp(x, v[1]) == 0);
}

static bool error_not_get(const cJSON *h, const void *arg)
{
    (void)arg;
    return strcmp(level_of(h), "ERROR") == 0 && !msg_has(h, "get");
}

/* A host name of the window, of the ECS shape (seed-independent tests). */
static const char *some_ecs_host(const cJSON *all, int skip)
{
    const cJSON *h;

    cJSON_ArrayForEach(h, hits_of(all))
    {
        if (str(h, "host.name") != NULL && skip-- == 0)
            return str(h, "host.name");
    }
    return NULL;
}

START_TEST(test_es_dsl_queries)
{
    struct demo *d = site();
    cJSON *all = window(d, 45);
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
    return str(h, "level") != NULL && strcmp(str(h, "level"), "ERROR") == 0 &&
           !msg_has(h, "refused");
}

static bool qs_group(const cJSON *h, const void *arg)
{
    (void)arg;
    return (msg_has(h, "timeout") || msg_has(h, "refused")) &&
           strcmp(level_of(h), "ERROR") != 0;
}

static bool qs_not(const cJSON *h, const void *arg)
{
    (void)arg;
    return msg_has(h, "connection") && !msg_has(h, "refused");
}

static bool qs_service(const cJSON *h, const void *arg)
{
    (void)arg;
    return field(h, "service") != NULL || field(h, "service.name") != NULL;
}

static bool qs_host_prefix(const cJSON *h, const void *arg)
{
    const char *x = str(h, "host.name");

    return x != NULL && strncmp(x, arg, strlen(arg)) == 0;
}

START_TEST(test_es_query_string)
{
    struct demo *d = site();
    cJSON *all = window(d, 45);

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

/* ---- errors ---------------------------------------------------------------
 */

static const cJSON *err_of(const cJSON *j)
{
    return cJSON_GetObjectItem(j, "error");
}

static const char *sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);

    ck_assert_msg(cJSON_IsString(v), "no string %s", k);
    return v->valuestring;
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
    j = es(d, "/logstash-*/_search", body, 400);
    e = err_of(j);
    ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 400);
    ck_assert_str_eq(sget(e, "type"), "search_phase_execution_exception");
    ck_assert_str_eq(sget(e, "reason"), "all shards failed");
    ck_assert_str_eq(sget(e, "phase"), "query");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "grouped")));
    snprintf(reason, sizeof(reason), "Failed to parse query [%s]", query);
    rc = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "root_cause"), 0);
    ck_assert_str_eq(sget(rc, "type"), "query_shard_exception");
    ck_assert_str_eq(sget(rc, "reason"), reason);
    ck_assert_int_eq(strlen(sget(rc, "index_uuid")), 22);
    ck_assert(strncmp(sget(rc, "index"), "logstash-", 9) == 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(rc, "caused_by"));
    nfs = cJSON_GetArraySize(cJSON_GetObjectItem(e, "failed_shards"));
    ck_assert_int_eq(nfs, 2 * (DES_DAYS + 1)); /* one per index */
    fs = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "failed_shards"), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(fs, "shard")->valueint, 0);
    ck_assert_str_eq(sget(fs, "index"), sget(rc, "index"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(fs, "node"));
    cb = cJSON_GetObjectItem(cJSON_GetObjectItem(fs, "reason"), "caused_by");
    ck_assert_str_eq(sget(cb, "type"), "parse_exception");
    snprintf(reason, sizeof(reason), "Cannot parse '%s': %s", query, inner);
    ck_assert_str_eq(sget(cb, "reason"), reason);
    cb = cJSON_GetObjectItem(cb, "caused_by");
    ck_assert_str_eq(sget(cb, "type"), inner_type);
    ck_assert_str_eq(sget(cb, "reason"), inner);
    ck_assert_str_eq(sget(cJSON_GetObjectItem(e, "caused_by"), "type"),
                     "query_shard_exception");
    cJSON_Delete(j);
}

START_TEST(test_es_query_string_errors)
{
    struct demo *d = site();
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
    j = es(d, "/none-*/_search",
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
    struct demo *d = site();
    cJSON *j;
    const cJSON *e, *rc;

    j = es(d, "/logstash-*/_search", "{\"query\":{\"missing\":{\"f\":1}}}",
           400);
    e = err_of(j);
    rc = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "root_cause"), 0);
    ck_assert_str_eq(sget(e, "type"), "parsing_exception");
    ck_assert_str_eq(sget(e, "reason"), "unknown query [missing]");
    ck_assert_str_eq(sget(rc, "reason"), "unknown query [missing]");
    ck_assert_int_eq(cJSON_GetObjectItem(e, "line")->valueint, 1);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "col")->valueint, 11);
    ck_assert_str_eq(sget(cJSON_GetObjectItem(e, "caused_by"), "reason"),
                     "[1:11] unknown field [missing]");
    ck_assert_str_eq(sget(cJSON_GetObjectItem(e, "caused_by"), "type"),
                     "named_object_not_found_exception");
    ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 400);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"query\":{\"matchall\":{}}}", 400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "unknown query [matchall] did you mean [match_all]?");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search",
           "{\"query\":{\"match\":{\"a\":\"x\",\"b\":\"y\"}}}", 400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "[match] query doesn't support multiple fields, found "
                     "[a] and [b]");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"query\":{\"bool\":{\"must\":1}}}",
           400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "[bool] query does not support [must]");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"size\":1,\n \"sizes\":2}", 400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "Unknown key for a VALUE_NUMBER in [sizes].");
    ck_assert_int_eq(cJSON_GetObjectItem(err_of(j), "line")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(err_of(j), "col")->valueint, 2);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search",
           "{\"query\":{\"multi_match\":{\"query\":\"x\",\"type\":\"best\"}}}",
           400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "failed to parse [multi_match] query type [best]. "
                     "unknown type.");
    cJSON_Delete(j);
    /* Real Elasticsearch queries the demo does not run: said plainly. */
    j = es(d, "/logstash-*/_search",
           "{\"query\":{\"fuzzy\":{\"message\":\"refused\"}}}", 400);
    ck_assert_str_eq(sget(err_of(j), "type"), "illegal_argument_exception");
    ck_assert(strstr(sget(err_of(j), "reason"), "[fuzzy] query is not "
                                                "supported") != NULL);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"query\":{\"match\":", 400);
    ck_assert_str_eq(sget(err_of(j), "type"), "x_content_parse_exception");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"size\":-1}", 400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "[size] parameter cannot be negative, found [-1]");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search",
           "{\"from\":3,\"search_after\":[1,2]," SORT_DESC "}", 400);
    ck_assert_str_eq(sget(err_of(j), "type"),
                     "action_request_validation_exception");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"search_after\":[1,2,3]," SORT_DESC "}",
           400);
    ck_assert(body_has(j, "search_after has 3 value(s) but sort has 2."));
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search?sizee=3", "", 400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
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
    j = es(d, "/logstash-*/_mapping", NULL, 400);
    ck_assert(strstr(sget(err_of(j), "reason"), "not supported") != NULL);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_frobnicate", NULL, 400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
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
    struct demo *d = site();
    cJSON *j;
    const cJSON *h;
    char path[200];

    j = es(d, "/logstash-2026.10.10/_search", "{}", 404);
    ck_assert(body_has(j, "{\"error\":{\"root_cause\":[{\"type\":\"index_not_"
                          "found_exception\",\"reason\":\"no such index "
                          "[logstash-2026.10.10]\",\"resource.type\":\"index_"
                          "or_alias\",\"resource.id\":\"logstash-2026.10.10\","
                          "\"index_uuid\":\"_na_\",\"index\":\"logstash-2026."
                          "10.10\"}],\"type\":\"index_not_found_exception\","));
    ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 404);
    cJSON_Delete(j);
    j = es(d, "/filebeat-*/_search",
           "{\"aggs\":{\"0\":{\"date_histogram\":{"
           "\"field\":\"@timestamp\","
           "\"fixed_interval\":\"1h\"}}}}",
           200);
    ck_assert_int_eq(shards(j), 0);
    ck_assert_int_eq(total_of(j, NULL), 0);
    ck_assert_int_eq(cJSON_GetArraySize(hits_of(j)), 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(j, "aggregations"));
    cJSON_Delete(j);
    j = es(d, "/filebeat-*/_search?allow_no_indices=false", "{}", 404);
    cJSON_Delete(j);
    j = es(d, "/nosuch/_search?ignore_unavailable=true", "{}", 200);
    ck_assert_int_eq(shards(j), 0);
    cJSON_Delete(j);
    j = es(d, "/_search", "{}", 200);
    ck_assert_int_eq(shards(j), 2 * (DES_DAYS + 1));
    cJSON_Delete(j);
    j = es(d, "/logstash-ecs-*/_search", "{\"size\":200}", 200);
    ck_assert_int_eq(shards(j), DES_DAYS + 1);
    cJSON_ArrayForEach(h, hits_of(j))
        ck_assert_ptr_nonnull(str(h, "host.name"));
    cJSON_Delete(j);
    j = es(d, "/logstash-*,-logstash-ecs-*/_search", "{\"size\":200}", 200);
    ck_assert_int_eq(shards(j), DES_DAYS + 1);
    cJSON_ArrayForEach(h, hits_of(j)) ck_assert_ptr_null(str(h, "host.name"));
    cJSON_Delete(j);
    /* One day, both shapes: only that day's documents. */
    snprintf(path, sizeof(path), "/%s/_search",
             "logstash-2026.11.25,logstash-ecs-2026.11.25");
    j = es(d, path, "{\"size\":300,\"track_total_hits\":true}", 200);
    ck_assert_int_eq(shards(j), 2);
    ck_assert(total_of(j, NULL) > 60000 && total_of(j, NULL) < 110000);
    cJSON_ArrayForEach(h, hits_of(j))
        ck_assert(strncmp(str(h, "@timestamp"), "2026-11-25T", 11) == 0);
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
        ck_assert(strncmp(sget(b, "key_as_string"), iso, strlen(iso)) == 0);
        ck_assert(strcmp(sget(b, "key_as_string") + 19, ".000Z") == 0);
        if (step > 0 && prev >= 0)
            ck_assert_int_eq(key - prev, step);
        ck_assert(key > prev);
        prev = key;
        sum += (long long)cJSON_GetObjectItem(b, "doc_count")->valuedouble;
        if (first != NULL && *first == NULL)
            *first = sget(b, "key_as_string");
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
    struct demo *d = site();
    cJSON *j;
    const char *first = NULL;

    j = search(d,
               "{\"size\":0,\"track_total_hits\":true,\"query\":{\"range\":"
               "{\"@timestamp\":{\"gte\":\"now-1h\",\"lte\":\"now\"}}},"
               "\"aggs\":{\"0\":{\"date_histogram\":{\"field\":\"@timestamp\""
               ",\"fixed_interval\":\"1m\",\"min_doc_count\":0,"
               "\"extended_bounds\":{\"min\":\"now-1h\",\"max\":\"now\"}}}}}");
    ck_assert_int_eq(cJSON_GetArraySize(agg(j, "0")), 61);
    ck_assert_int_eq(bucket_sum(agg(j, "0"), 60000, &first), total_of(j, NULL));
    ck_assert_str_eq(first, "2026-11-26T04:13:00.000Z");
    cJSON_Delete(j);
    /* Kibana's: min_doc_count 1, epoch bounds, the 7 days; typed_keys. */
    j = es(d, "/logstash-*/_search?typed_keys=true",
           "{\"size\":0,\"track_total_hits\":true,\"query\":{\"range\":{"
           "\"@timestamp\":{\"gte\":\"now-7d\",\"lte\":\"now\"}}},\"aggs\":{"
           "\"2\":{\"date_histogram\":{\"field\":\"@timestamp\","
           "\"calendar_interval\":\"1d\",\"min_doc_count\":1}}}}",
           200);
    ck_assert_int_eq(cJSON_GetArraySize(agg(j, "date_histogram#2")), 8);
    ck_assert_int_eq(bucket_sum(agg(j, "date_histogram#2"), 0, NULL),
                     total_of(j, NULL));
    cJSON_Delete(j);
    j = search(d, "{\"size\":0,\"aggs\":{\"h\":{\"date_histogram\":{\"field\":"
                  "\"@timestamp\",\"fixed_interval\":\"30s\",\"keyed\":true,"
                  "\"extended_bounds\":{\"min\":1795669800000,\"max\":"
                  "1795669890000},\"min_doc_count\":0}}},\"query\":{\"range\":{"
                  "\"@timestamp\":{\"gte\":\"now-5m\"}}}}");
    ck_assert(cJSON_IsObject(agg(j, "h")));
    ck_assert_ptr_nonnull(
        cJSON_GetObjectItem(agg(j, "h"), "2026-11-26T05:10:00.000Z"));
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search",
           "{\"aggs\":{\"h\":{\"date_histogram\":{\"field\":\"@timestamp\","
           "\"interval\":\"1h\"}}}}",
           400);
    ck_assert_str_eq(sget(err_of(j), "type"), "x_content_parse_exception");
    ck_assert(strstr(sget(err_of(j), "reason"),
                     "[date_histogram] unknown field [interval]") != NULL);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search",
           "{\"aggs\":{\"h\":{\"date_histogram\":{\"field\":\"@timestamp\","
           "\"calendar_interval\":\"2d\"}}}}",
           400);
    ck_assert_str_eq(
        sget(cJSON_GetObjectItem(err_of(j), "caused_by"), "reason"),
        "The supplied interval [2d] could not be parsed as a "
        "calendar interval.");
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search",
           "{\"aggs\":{\"h\":{\"terms\":{\"field\":\"host.name\"}}}}", 400);
    ck_assert(strstr(sget(err_of(j), "reason"), "not supported") != NULL);
    cJSON_Delete(j);
    j = es(d, "/logstash-*/_search", "{\"aggs\":{\"h\":{\"histogramm\":{}}}}",
           400);
    ck_assert_str_eq(sget(err_of(j), "reason"),
                     "Unknown aggregation type [histogramm] did you mean "
                     "[histogram]?");
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
    struct demo *d = site();
    cJSON *all = window(d, 10);
    const cJSON *h;
    struct tally t = { 0 };
    unsigned k = 0;

    cJSON_ArrayForEach(h, hits_of(all))
    {
        const char *m = str(h, "message"), *id = sget(h, "_id");
        struct des_toks tk = { 0 };
        long long ms = sort0(h);

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
            j = search(d, body);
            tally(&t,
                  cJSON_GetArraySize(hits_of(j)) == 1 &&
                      strcmp(sget(cJSON_GetArrayItem(hits_of(j), 0), "_id"),
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
    struct demo *d = site();
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
        ck_assert(has_phrase(k.hits[i].message, "connection refused"));
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

Suite *demo_es_suite(void)
{
    Suite *s = suite_create("demo_es");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_es_shape);
    tcase_add_test(tc, test_es_shapes);
    tcase_add_test(tc, test_es_rate);
    tcase_add_test(tc, test_es_deterministic);
    tcase_add_test(tc, test_es_hostile);
    tcase_add_test(tc, test_es_incidents);
    tcase_add_test(tc, test_es_paging_desc);
    tcase_add_test(tc, test_es_paging_asc);
    tcase_add_test(tc, test_es_totals);
    tcase_add_test(tc, test_es_window_and_from);
    tcase_add_test(tc, test_es_range_date_math);
    tcase_add_test(tc, test_es_range_bad_date);
    tcase_add_test(tc, test_es_dsl_queries);
    tcase_add_test(tc, test_es_query_string);
    tcase_add_test(tc, test_es_query_string_errors);
    tcase_add_test(tc, test_es_dsl_errors);
    tcase_add_test(tc, test_es_indices);
    tcase_add_test(tc, test_es_histogram);
    tcase_add_test(tc, test_es_tokenizer);
    tcase_add_test(tc, test_es_tokens_find);
    tcase_add_test(tc, test_es_round_trip);
    tcase_add_test(tc, test_es_large_fleet);
    suite_add_tcase(s, tc);
    return s;
}
