/* Helpers shared by the demo Elasticsearch tests (no suite here). */
#include "tests/unit/testutil_demo_es.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/demo_es.h"

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

struct demo *de_site(void)
{
    return demo_new(7, 60, DT_T0);
}

/* A search (POST) that must answer status want: the parsed body. */
cJSON *de_es(struct demo *d, const char *path, const char *body, int want)
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

cJSON *de_search(struct demo *d, const char *body)
{
    return de_es(d, "/logstash-*/_search", body, 200);
}

cJSON *de_hits_of(const cJSON *j)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(j, "hits"), "hits");
}

long long de_total_of(const cJSON *j, const char **rel)
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
const cJSON *de_field(const cJSON *hit, const char *path)
{
    const cJSON *v = cJSON_GetObjectItem(hit, "_source");
    char buf[128], *save = NULL;

    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = strtok_r(buf, ".", &save); p != NULL && v != NULL;
         p = strtok_r(NULL, ".", &save))
        v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, p) : NULL;
    return v;
}

const char *de_str(const cJSON *hit, const char *path)
{
    const cJSON *v = de_field(hit, path);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *de_level_of(const cJSON *hit)
{
    const char *l = de_str(hit, "log.level");

    return l != NULL ? l : de_str(hit, "level");
}

long long de_sort0(const cJSON *hit)
{
    return (long long)cJSON_GetArrayItem(cJSON_GetObjectItem(hit, "sort"), 0)
        ->valuedouble;
}

long long de_iso_ms(const char *s)
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

cJSON *de_window(struct demo *d, int mins)
{
    char body[400];

    snprintf(body, sizeof(body),
             "{\"size\":10000,\"track_total_hits\":true," SORT_DESC
             ",\"query\":{\"range\":{\"@timestamp\":{\"gte\":\"now-%dm\","
             "\"lte\":\"now\"}}}}",
             mins);
    return de_search(d, body);
}

bool de_has_phrase(const char *text, const char *words)
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

bool de_body_has(const cJSON *j, const char *needle)
{
    char *s = cJSON_PrintUnformatted(j);
    bool r = strstr(s, needle) != NULL;

    free(s);
    return r;
}

const char *de_sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);

    ck_assert_msg(cJSON_IsString(v), "no string %s", k);
    return v->valuestring;
}
