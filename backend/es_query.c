/*
 * The search request of the logs view, as Kibana's Discover sends it and
 * portable to ES 7/8 and OpenSearch: newest (or oldest) first on the time
 * field with the _doc tiebreaker, the time range as a filter, the query as
 * query_string (Lucene, in must) or translated KQL (in filter), and the date
 * histogram over the same window.
 */
#include "es.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static bool blank(const char *s)
{
    if (s == NULL)
        return true;
    for (; *s != '\0'; s++)
        if (strchr(" \t\r\n\v\f", *s) == NULL)
            return false;
    return true;
}

static bool present(const char *s)
{
    return s != NULL && *s != '\0';
}

/* The search_after array as given (long sort values stay exact: a double
 * would round them), checked and with its whitespace removed. */
static cJSON *search_after(const char *text, struct mc_err *err)
{
    const char *end = NULL;
    cJSON *a = cJSON_ParseWithOpts(text, &end, true);
    bool array = cJSON_IsArray(a);
    char *raw;
    cJSON *r;

    cJSON_Delete(a);
    if (a == NULL) {
        err_set(err, "search_after is not valid JSON (at byte %zu)",
                end != NULL && end >= text ? (size_t)(end - text) : 0);
        return NULL;
    }
    if (!array) {
        err_set(err, "search_after is not a JSON array");
        return NULL;
    }
    raw = xstrdup(text);
    cJSON_Minify(raw);
    r = cJSON_CreateRaw(raw);
    free(raw);
    return r;
}

static void add_sort(cJSON *body, const char *field, const char *order)
{
    cJSON *sort = cJSON_AddArrayToObject(body, "sort");
    cJSON *key = cJSON_CreateObject();
    cJSON *o = cJSON_AddObjectToObject(key, field);

    cJSON_AddStringToObject(o, "order", order);
    cJSON_AddStringToObject(o, "unmapped_type", "boolean");
    cJSON_AddItemToArray(sort, key);
    key = cJSON_CreateObject();
    o = cJSON_AddObjectToObject(key, "_doc");
    cJSON_AddStringToObject(o, "order", order);
    cJSON_AddItemToArray(sort, key);
}

/* The bool query; kql is the translated KQL (raw JSON) or NULL. */
static void add_query(cJSON *body, const struct es_query *q, const char *tf,
                      cJSON *kql)
{
    cJSON *b =
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, "query"), "bool");
    cJSON *must = cJSON_AddArrayToObject(b, "must");
    cJSON *filter = cJSON_AddArrayToObject(b, "filter");

    cJSON_AddArrayToObject(b, "should");
    cJSON_AddArrayToObject(b, "must_not");
    if (q->syntax == ES_LUCENE && !blank(q->text)) {
        cJSON *c = cJSON_CreateObject();
        cJSON *o = cJSON_AddObjectToObject(c, "query_string");

        cJSON_AddStringToObject(o, "query", q->text);
        cJSON_AddTrueToObject(o, "analyze_wildcard");
        cJSON_AddStringToObject(o, "default_field", "*");
        cJSON_AddItemToArray(must, c);
    }
    if (kql != NULL)
        cJSON_AddItemToArray(filter, kql);
    if (present(q->gte) || present(q->lte)) {
        cJSON *c = cJSON_CreateObject();
        cJSON *o =
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(c, "range"), tf);

        if (present(q->gte))
            cJSON_AddStringToObject(o, "gte", q->gte);
        if (present(q->lte))
            cJSON_AddStringToObject(o, "lte", q->lte);
        cJSON_AddStringToObject(o, "format", "strict_date_optional_time");
        cJSON_AddItemToArray(filter, c);
    }
}

static void add_histogram(cJSON *body, const struct es_query *q, const char *tf)
{
    cJSON *h = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, "aggs"), "0"),
        "date_histogram");

    cJSON_AddStringToObject(h, "field", tf);
    cJSON_AddStringToObject(h, "fixed_interval", q->interval);
    cJSON_AddNumberToObject(h, "min_doc_count", 0);
    /* Date math is fine here: ES parses the bounds like the range's. */
    if (present(q->gte) || present(q->lte)) {
        cJSON *e = cJSON_AddObjectToObject(h, "extended_bounds");

        if (present(q->gte))
            cJSON_AddStringToObject(e, "min", q->gte);
        if (present(q->lte))
            cJSON_AddStringToObject(e, "max", q->lte);
    }
}

char *es_build_search(const struct es_query *q, struct mc_err *err)
{
    const char *tf, *order;
    cJSON *body, *kql = NULL, *after = NULL;
    char *out;

    if (q == NULL) {
        err_set(err, "no search");
        return NULL;
    }
    tf = present(q->time_field) ? q->time_field : "@timestamp";
    order = q->ascending ? "asc" : "desc";
    if (q->syntax == ES_KQL && !blank(q->text)) {
        char *dsl = kql_to_dsl(q->text, err);

        if (dsl == NULL)
            return NULL;
        kql = cJSON_CreateRaw(dsl);
        free(dsl);
    }
    if (q->search_after != NULL &&
        (after = search_after(q->search_after, err)) == NULL) {
        cJSON_Delete(kql);
        return NULL;
    }

    body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "size", (double)q->size);
    cJSON_AddTrueToObject(body, "track_total_hits");
    add_sort(body, tf, order);
    if (q->source != NULL) {
        cJSON *inc = cJSON_AddArrayToObject(
            cJSON_AddObjectToObject(body, "_source"), "includes");

        for (size_t i = 0; i < q->nsource; i++)
            if (q->source[i] != NULL)
                cJSON_AddItemToArray(inc, cJSON_CreateString(q->source[i]));
    }
    add_query(body, q, tf, kql);
    if (after != NULL)
        cJSON_AddItemToObject(body, "search_after", after);
    if (q->interval != NULL)
        add_histogram(body, q, tf);
    out = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (out == NULL)
        fatal("out of memory");
    return out;
}

const char *es_pick_interval(double span, int target)
{
    static const struct {
        double secs;
        const char *name;
    } ladder[] = {
        { 1, "1s" },      { 5, "5s" },     { 10, "10s" },    { 30, "30s" },
        { 60, "1m" },     { 300, "5m" },   { 600, "10m" },   { 1800, "30m" },
        { 3600, "1h" },   { 10800, "3h" }, { 43200, "12h" }, { 86400, "1d" },
        { 604800, "7d" },
    };
    size_t n = sizeof ladder / sizeof ladder[0];

    if (!(span > 0))
        return ladder[0].name;
    if (target < 1)
        target = 1;
    for (size_t i = 0; i < n; i++)
        if (ceil(span / ladder[i].secs) <= (double)target)
            return ladder[i].name;
    return ladder[n - 1].name;
}
