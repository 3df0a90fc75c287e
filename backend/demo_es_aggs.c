/*
 * The aggregations of a search body: date_histogram is the one the demo
 * runs (fixed and calendar intervals, time_zone, offset, min_doc_count,
 * extended_bounds, format, keyed); every other type Elasticsearch
 * registers is an honest 400, an unknown one its parsing error.
 */
#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/xalloc.h"

/* Known aggregation types (for "Unknown aggregation type"). */
static const char *const all_aggs[] = {
    "adjacency_matrix",
    "auto_date_histogram",
    "avg",
    "boxplot",
    "bucket_script",
    "bucket_selector",
    "bucket_sort",
    "cardinality",
    "children",
    "composite",
    "cumulative_sum",
    "date_histogram",
    "date_range",
    "derivative",
    "diversified_sampler",
    "extended_stats",
    "filter",
    "filters",
    "geo_bounds",
    "geo_centroid",
    "geo_distance",
    "geohash_grid",
    "geotile_grid",
    "global",
    "histogram",
    "ip_range",
    "max",
    "median_absolute_deviation",
    "min",
    "missing",
    "multi_terms",
    "nested",
    "parent",
    "percentile_ranks",
    "percentiles",
    "range",
    "rare_terms",
    "reverse_nested",
    "sampler",
    "scripted_metric",
    "significant_terms",
    "significant_text",
    "stats",
    "string_stats",
    "sum",
    "terms",
    "top_hits",
    "top_metrics",
    "value_count",
    "variable_width_histogram",
    "weighted_avg",
    "avg_bucket",
    "max_bucket",
    "min_bucket",
    "sum_bucket",
    "stats_bucket",
    "moving_fn",
    "serial_diff",
    "random_sampler",
    "rate",
    "t_test",
    "categorize_text",
    "frequent_item_sets",
};

/* A time value ("30s", "-1h", "5m", "250ms") in ms; false if it is not
   one. */
static bool time_value(const char *t, int64_t *ms)
{
    char *end;
    long n = strtol(t, &end, 10);
    long mult = strcmp(end, "ms") == 0  ? 1
                : strcmp(end, "s") == 0 ? 1000
                : strcmp(end, "m") == 0 ? 60000
                : strcmp(end, "h") == 0 ? 3600000
                : strcmp(end, "d") == 0 ? 86400000
                                        : 0;

    *ms = (int64_t)n * mult;
    return end != t && mult != 0;
}

static int dh_interval(struct des_agg *a, const cJSON *fi, const cJSON *ci,
                       struct des_err *e)
{
    static const char *const cal[] = { "minute", "1m", "hour",    "1h",
                                       "day",    "1d", "week",    "1w",
                                       "month",  "1M", "quarter", "1q",
                                       "year",   "1y" };
    static const char units[] = "mmhhddwwMMqqyy";

    if (fi != NULL && ci != NULL)
        return des_fail(e, 400,
                        des_foreign(des_cause("illegal_argument_exception",
                                              "Cannot use [fixed_interval] "
                                              "with [calendar_interval] "
                                              "configuration option.")));
    if (ci != NULL) {
        for (size_t i = 0; i < sizeof(cal) / sizeof(cal[0]); i++) {
            if (cJSON_IsString(ci) && strcmp(ci->valuestring, cal[i]) == 0) {
                a->cal = units[i];
                return 0;
            }
        }
        return des_fail_xcontent(
            e, ci, false,
            "[date_histogram] failed to parse field [calendar_interval]",
            des_foreign(
                des_causef("illegal_argument_exception",
                           "The supplied interval [%s] could not be "
                           "parsed as a calendar interval.",
                           cJSON_IsString(ci) ? ci->valuestring : "?")));
    }
    if (fi != NULL) {
        const char *t = cJSON_IsString(fi) ? fi->valuestring : "";

        if (!time_value(t, &a->fixed) || a->fixed <= 0 ||
            !isdigit((unsigned char)*t))
            return des_fail_xcontent(
                e, fi, false,
                "[date_histogram] failed to parse field [fixed_interval]",
                des_foreign(des_causef(
                    "illegal_argument_exception",
                    "failed to parse setting [date_histogram.fixedInterval] "
                    "with value [%s] as a time value: unit is missing or "
                    "unrecognized",
                    t)));
        return 0;
    }
    return des_fail(e, 400,
                    des_foreign(des_cause("illegal_argument_exception",
                                          "Invalid interval specified, must be "
                                          "non-null and non-empty")));
}

static char *bound_text(const cJSON *v, bool *num)
{
    *num = cJSON_IsNumber(v);
    if (*num) {
        char s[32];

        snprintf(s, sizeof(s), "%lld", (long long)v->valuedouble);
        return xstrdup(s);
    }
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static int parse_dh(struct des_agg *a, const cJSON *spec, struct des_err *e)
{
    static const char *const params[] = { "calendar_interval",
                                          "extended_bounds",
                                          "field",
                                          "fixed_interval",
                                          "format",
                                          "hard_bounds",
                                          "keyed",
                                          "min_doc_count",
                                          "missing",
                                          "offset",
                                          "order",
                                          "time_zone",
                                          NULL };
    const cJSON *v;
    cJSON *cause = NULL;

    for (const cJSON *it = spec->child; it != NULL; it = it->next) {
        char sugg[200], r[300];

        if (des_in_list(it->string, params, 0) ||
            strcmp(it->string, "interval") == 0 ||
            strcmp(it->string, "script") == 0)
            continue;
        des_suggest(it->string, params, sizeof(params) / sizeof(params[0]) - 1,
                    sugg, sizeof(sugg));
        snprintf(r, sizeof(r), "[date_histogram] unknown field [%s]%s",
                 it->string, sugg);
        return des_fail_xcontent(e, it, true, r, NULL);
    }
    if (cJSON_HasObjectItem(spec, "script"))
        return des_unsupported(e, "scripts in aggregations");
    if (cJSON_HasObjectItem(spec, "missing"))
        return des_unsupported(e, "[missing] in date_histogram");
    if (cJSON_HasObjectItem(spec, "hard_bounds"))
        return des_unsupported(e, "[hard_bounds] in date_histogram");
    v = cJSON_GetObjectItemCaseSensitive(spec, "order");
    if (v != NULL) {
        const cJSON *o = cJSON_IsArray(v) ? v->child : v;
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "_key");

        if (!cJSON_IsString(k) || strcmp(k->valuestring, "asc") != 0)
            return des_unsupported(e, "a date_histogram [order] other than "
                                      "_key asc");
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "interval");
    if (v != NULL) /* ES 8 removed it */
        return des_fail_xcontent(
            e, v, true, "[date_histogram] unknown field [interval]", NULL);
    if (dh_interval(a, cJSON_GetObjectItemCaseSensitive(spec, "fixed_interval"),
                    cJSON_GetObjectItemCaseSensitive(spec, "calendar_interval"),
                    e) < 0)
        return -1;
    v = cJSON_GetObjectItemCaseSensitive(spec, "field");
    if (!cJSON_IsString(v))
        return des_fail(e, 400,
                        des_foreign(des_cause("illegal_argument_exception",
                                              "Required one of fields [field, "
                                              "script], but none were "
                                              "specified. ")));
    if (strcmp(v->valuestring, "@timestamp") != 0)
        return des_unsupported(e,
                               "a date_histogram on [%s] (only "
                               "[@timestamp])",
                               v->valuestring);
    v = cJSON_GetObjectItemCaseSensitive(spec, "time_zone");
    if (cJSON_IsString(v) && des_zone(v->valuestring, &a->tz, &cause) < 0)
        return des_fail(e, 400, cause);
    v = cJSON_GetObjectItemCaseSensitive(spec, "offset");
    if (v != NULL) {
        const char *t = cJSON_IsString(v) ? v->valuestring : "";

        if (!time_value(t, &a->offset))
            return des_fail(e, 400,
                            des_foreign(des_causef(
                                "illegal_argument_exception",
                                "failed to parse setting "
                                "[date_histogram.offset] with value [%s] as a "
                                "time value: unit is missing or unrecognized",
                                t)));
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "format");
    if (cJSON_IsString(v)) {
        if (des_format_check(v->valuestring, &cause) < 0)
            return des_fail(e, 400, cause);
        a->format = xstrdup(v->valuestring);
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "min_doc_count");
    a->min_doc_count = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    a->keyed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "keyed"));
    v = cJSON_GetObjectItemCaseSensitive(spec, "extended_bounds");
    if (cJSON_IsObject(v)) {
        a->ext_min = bound_text(cJSON_GetObjectItemCaseSensitive(v, "min"),
                                &a->ext_min_num);
        a->ext_max = bound_text(cJSON_GetObjectItemCaseSensitive(v, "max"),
                                &a->ext_max_num);
    }
    return 0;
}

int des_parse_aggs(struct des_search *s, const cJSON *v, struct des_err *e)
{
    if (!cJSON_IsObject(v))
        return des_fail_parsing(e, v, false,
                                "Aggregation definition for [aggs starts with "
                                "a [%s], expected a [START_OBJECT].",
                                des_token_name(v));
    for (const cJSON *it = v->child; it != NULL; it = it->next) {
        const cJSON *type = NULL;
        struct des_agg *a;

        if (strpbrk(it->string, "[]>") != NULL)
            return des_fail_parsing(e, it, true,
                                    "Invalid aggregation name [%s]. "
                                    "Aggregation names can contain any "
                                    "character except '[', ']', and '>'",
                                    it->string);
        if (!cJSON_IsObject(it))
            return des_fail_parsing(e, it, true,
                                    "Aggregation definition for [%s starts "
                                    "with a [%s], expected a [START_OBJECT].",
                                    it->string, des_token_name(it));
        for (const cJSON *t = it->child; t != NULL; t = t->next) {
            if (strcmp(t->string, "aggs") == 0 ||
                strcmp(t->string, "aggregations") == 0 ||
                strcmp(t->string, "meta") == 0)
                continue;
            if (type != NULL)
                return des_fail_parsing(e, t, true,
                                        "Found two aggregation type "
                                        "definitions in [%s]: [%s] and [%s]",
                                        it->string, type->string, t->string);
            type = t;
        }
        if (type == NULL)
            return des_fail_parsing(e, it, true,
                                    "Missing definition for aggregation [%s]",
                                    it->string);
        if (!des_in_list(type->string, all_aggs,
                         sizeof(all_aggs) / sizeof(all_aggs[0]))) {
            char sugg[300];
            int line, col;
            cJSON *c;

            des_suggest(type->string, all_aggs,
                        sizeof(all_aggs) / sizeof(all_aggs[0]), sugg,
                        sizeof(sugg));
            des_locate(e, type, true, &line, &col);
            c = des_causef("parsing_exception",
                           "Unknown aggregation type [%s]%s", type->string,
                           sugg);
            cJSON_AddNumberToObject(c, "line", line);
            cJSON_AddNumberToObject(c, "col", col);
            des_by(c, des_foreign(des_causef("named_object_not_found_exception",
                                             "[%d:%d] unknown field [%s]", line,
                                             col, type->string)));
            return des_fail(e, 400, c);
        }
        if (strcmp(type->string, "date_histogram") != 0)
            return des_unsupported(e, "the [%s] aggregation", type->string);
        if (cJSON_HasObjectItem(it, "aggs") ||
            cJSON_HasObjectItem(it, "aggregations"))
            return des_unsupported(e, "sub-aggregations");
        if (cJSON_HasObjectItem(it, "meta"))
            return des_unsupported(e, "[meta] on aggregations");
        if (!cJSON_IsObject(type))
            return des_fail_parsing(e, it, true,
                                    "Expected [START_OBJECT] under [%s], but "
                                    "got a [%s] in [%s]",
                                    type->string, des_token_name(type),
                                    it->string);
        s->aggs = xreallocarray(s->aggs, s->naggs + 1, sizeof(*s->aggs));
        a = &s->aggs[s->naggs++];
        memset(a, 0, sizeof(*a));
        a->name = xstrdup(it->string);
        if (parse_dh(a, type, e) < 0)
            return -1;
    }
    return 0;
}
