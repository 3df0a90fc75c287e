/*
 * The body of a _search or _count request, read as SearchSourceBuilder
 * reads it: size, from, sort, search_after, track_total_hits, _source,
 * aggregations (demo_es_aggs.c) and the query (demo_es_query.c), with
 * Elasticsearch's parsing errors for what is malformed and an honest 400
 * for what the demo does not support.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/demo_es.h"
#include "backend/xalloc.h"

void des_search_free(struct des_search *s)
{
    des_query_free(s->query);
    free(s->sort_fmt);
    for (size_t i = 0; i < s->src.ninc; i++)
        free(s->src.inc[i]);
    for (size_t i = 0; i < s->src.nexc; i++)
        free(s->src.exc[i]);
    free(s->src.inc);
    free(s->src.exc);
    for (size_t i = 0; i < s->naggs; i++) {
        free(s->aggs[i].name);
        free(s->aggs[i].ext_min);
        free(s->aggs[i].ext_max);
        free(s->aggs[i].format);
    }
    free(s->aggs);
    for (size_t i = 0; i < s->nindices; i++)
        free(s->names[i]);
    free(s->names);
    free(s->ifam);
    free(s->iday);
}

/* An int body value (ES coerces numeric strings). */
static int body_int(const cJSON *v, const char *name, long *out,
                    struct des_err *e)
{
    char *end;

    if (cJSON_IsNumber(v)) {
        *out = (long)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v)) {
        *out = strtol(v->valuestring, &end, 10);
        if (end != v->valuestring && *end == '\0')
            return 0;
        return des_fail(
            e, 400,
            des_foreign(
                des_causef("illegal_argument_exception",
                           "Failed to parse int parameter [%s] with value [%s]",
                           name, v->valuestring)));
    }
    return des_fail_parsing(e, v, false, "[%s] must be a number", name);
}

void des_add_pat(char ***v, size_t *n, const char *s)
{
    *v = xreallocarray(*v, *n + 1, sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

/* The forms of _source (§1.7). */
static int parse_source(struct des_search *s, const cJSON *v, struct des_err *e)
{
    if (cJSON_IsBool(v)) {
        s->src.none = cJSON_IsFalse(v);
        return 0;
    }
    if (cJSON_IsString(v)) {
        des_add_pat(&s->src.inc, &s->src.ninc, v->valuestring);
        return 0;
    }
    if (cJSON_IsArray(v)) {
        for (const cJSON *it = v->child; it != NULL; it = it->next) {
            if (!cJSON_IsString(it))
                return des_fail_parsing(e, v, true,
                                        "Unknown key for a %s in [_source].",
                                        des_token_name(it));
            des_add_pat(&s->src.inc, &s->src.ninc, it->valuestring);
        }
        return 0;
    }
    if (!cJSON_IsObject(v))
        return des_fail_parsing(e, v, true,
                                "Unknown key for a %s in [_source].",
                                des_token_name(v));
    for (const cJSON *it = v->child; it != NULL; it = it->next) {
        bool inc = strcmp(it->string, "includes") == 0 ||
                   strcmp(it->string, "include") == 0;
        bool exc = strcmp(it->string, "excludes") == 0 ||
                   strcmp(it->string, "exclude") == 0;
        char ***dst = inc ? &s->src.inc : &s->src.exc;
        size_t *n = inc ? &s->src.ninc : &s->src.nexc;

        if (!inc && !exc)
            return des_fail_parsing(e, it, true,
                                    "Unknown key for a %s in [%s].",
                                    des_token_name(it), it->string);
        if (cJSON_IsString(it)) {
            des_add_pat(dst, n, it->valuestring);
            continue;
        }
        for (const cJSON *x = it->child; x != NULL; x = x->next)
            if (cJSON_IsString(x))
                des_add_pat(dst, n, x->valuestring);
    }
    return 0;
}

/* One sort key; the demo sorts on @timestamp then _doc. */
static int sort_key(struct des_search *s, const char *field, const cJSON *spec,
                    size_t pos, struct des_err *e)
{
    static const char *const known[] = {
        "order",        "unmapped_type", "format",      "missing",       "mode",
        "numeric_type", "nested",        "nested_path", "nested_filter", NULL
    };
    const char *order = strcmp(field, "_score") == 0 ? "desc" : "asc";
    const cJSON *o = NULL, *fmt = NULL;
    int dir;

    if (cJSON_IsString(spec)) {
        if (strcasecmp(spec->valuestring, "asc") != 0 &&
            strcasecmp(spec->valuestring, "desc") != 0)
            return des_fail(e, 400,
                            des_foreign(des_causef("illegal_argument_exception",
                                                   "Unknown SortOrder [%s]",
                                                   spec->valuestring)));
        order = spec->valuestring;
    } else if (cJSON_IsObject(spec)) {
        for (const cJSON *it = spec->child; it != NULL; it = it->next) {
            char r[200];

            if (!des_in_list(it->string, known, 0)) {
                snprintf(r, sizeof(r), "[field_sort] unknown field [%s]",
                         it->string);
                return des_fail_xcontent(e, it, true, r, NULL);
            }
            if (strncmp(it->string, "nested", 6) == 0)
                return des_unsupported(e, "nested sorting");
        }
        o = cJSON_GetObjectItemCaseSensitive(spec, "order");
        if (o != NULL &&
            !(cJSON_IsString(o) && (strcasecmp(o->valuestring, "asc") == 0 ||
                                    strcasecmp(o->valuestring, "desc") == 0)))
            return des_fail_xcontent(
                e, o, false, "[field_sort] failed to parse field [order]",
                des_foreign(des_causef(
                    "illegal_argument_exception", "Unknown SortOrder [%s]",
                    cJSON_IsString(o) ? o->valuestring : "?")));
        if (o != NULL)
            order = o->valuestring;
        fmt = cJSON_GetObjectItemCaseSensitive(spec, "format");
    } else if (spec != NULL) {
        return des_fail_parsing(e, spec, false, "[sort] unexpected token %s",
                                des_token_name(spec));
    }
    dir = strcasecmp(order, "desc") == 0 ? -1 : 1;
    if (strcmp(field, "_shard_doc") == 0)
        return des_fail(e, 400,
                        des_cause("action_request_validation_exception",
                                  "Validation Failed: 1: [_shard_doc] sort "
                                  "field cannot be used without [point in "
                                  "time];"));
    if (strcmp(field, "@timestamp") == 0 && pos == 0) {
        cJSON *cause = NULL;

        s->sort_ts = dir;
        if (cJSON_IsString(fmt)) {
            if (des_format_check(fmt->valuestring, &cause) < 0)
                return des_fail(e, 400, cause);
            s->sort_fmt = xstrdup(fmt->valuestring);
        }
        return 0;
    }
    if (strcmp(field, "_doc") == 0 && pos == 1 && s->sort_ts != 0) {
        s->sort_doc = dir;
        return 0;
    }
    if (strcmp(field, "_score") == 0 && pos == 0 && dir < 0) {
        s->sort_ts = 0;
        return 0;
    }
    return des_unsupported(e,
                           "sorting on [%s] (the demo sorts on "
                           "[@timestamp], then [_doc])",
                           field);
}

static int parse_sort(struct des_search *s, const cJSON *v, struct des_err *e)
{
    size_t pos = 0;
    const cJSON *items = cJSON_IsArray(v) ? v->child : v;

    for (const cJSON *it = items; it != NULL;
         it = cJSON_IsArray(v) ? it->next : NULL) {
        if (cJSON_IsString(it)) {
            if (sort_key(s, it->valuestring, NULL, pos++, e) < 0)
                return -1;
            continue;
        }
        if (!cJSON_IsObject(it))
            return des_fail_parsing(e, it, false, "[sort] unexpected token %s",
                                    des_token_name(it));
        for (const cJSON *f = it->child; f != NULL; f = f->next)
            if (sort_key(s, f->string, f, pos++, e) < 0)
                return -1;
    }
    return 0;
}

static int parse_track(struct des_search *s, const cJSON *v, struct des_err *e)
{
    if (cJSON_IsBool(v)) {
        s->track = cJSON_IsTrue(v) ? INT64_MAX : -1;
        return 0;
    }
    if (cJSON_IsNumber(v) &&
        v->valuedouble == (double)(long long)v->valuedouble) {
        if (v->valuedouble < -1)
            return des_fail(e, 400,
                            des_foreign(des_causef(
                                "illegal_argument_exception",
                                "[track_total_hits] parameter must be positive "
                                "or equals to -1, got %lld",
                                (long long)v->valuedouble)));
        s->track = (long long)v->valuedouble;
        return 0;
    }
    return des_fail_parsing(e, v, true,
                            "Unknown key for a %s in [track_total_hits].",
                            des_token_name(v));
}

/* Body keys of SearchSourceBuilder. */
static const char *const body_keys[] = { "query",
                                         "size",
                                         "from",
                                         "sort",
                                         "search_after",
                                         "track_total_hits",
                                         "_source",
                                         "fields",
                                         "aggs",
                                         "aggregations",
                                         "timeout",
                                         "terminate_after",
                                         "version",
                                         "seq_no_primary_term",
                                         "stored_fields",
                                         "docvalue_fields",
                                         "script_fields",
                                         "runtime_mappings",
                                         "highlight",
                                         "pit",
                                         "min_score",
                                         "post_filter",
                                         "track_scores",
                                         "stats",
                                         "ext",
                                         "explain",
                                         "profile",
                                         "collapse",
                                         "rescore",
                                         "suggest",
                                         "slice",
                                         "indices_boost",
                                         "knn",
                                         "rank",
                                         "retriever",
                                         "sub_searches",
                                         NULL };

static int body_key(struct des_search *s, const cJSON *it, struct des_err *e)
{
    const char *k = it->string;

    if (strcmp(k, "query") == 0) {
        des_query_free(s->query);
        s->query = des_query_parse(it, e);
        return s->query != NULL ? 0 : -1;
    }
    if (strcmp(k, "size") == 0)
        return body_int(it, "size", &s->size, e);
    if (strcmp(k, "from") == 0)
        return body_int(it, "from", &s->from, e);
    if (strcmp(k, "sort") == 0)
        return parse_sort(s, it, e);
    if (strcmp(k, "search_after") == 0) {
        if (!cJSON_IsArray(it))
            return des_fail_parsing(e, it, true,
                                    "Unknown key for a %s in [search_after].",
                                    des_token_name(it));
        s->after = true;
        s->after_json = it;
        return 0;
    }
    if (strcmp(k, "track_total_hits") == 0)
        return parse_track(s, it, e);
    if (strcmp(k, "_source") == 0)
        return parse_source(s, it, e);
    if (strcmp(k, "aggs") == 0 || strcmp(k, "aggregations") == 0)
        return des_parse_aggs(s, it, e);
    if (strcmp(k, "version") == 0) {
        s->version = cJSON_IsTrue(it);
        return 0;
    }
    if (strcmp(k, "track_scores") == 0) {
        s->track_scores = cJSON_IsTrue(it);
        return 0;
    }
    if (strcmp(k, "timeout") == 0 || strcmp(k, "stats") == 0)
        return 0;
    if (strcmp(k, "stored_fields") == 0) {
        const cJSON *x = cJSON_IsArray(it) ? it->child : it;

        for (; x != NULL; x = cJSON_IsArray(it) ? x->next : NULL)
            if (cJSON_IsString(x) && strcmp(x->valuestring, "_none_") == 0)
                return des_unsupported(e, "stored_fields [_none_]");
        return 0;
    }
    if ((strcmp(k, "script_fields") == 0 ||
         strcmp(k, "runtime_mappings") == 0 || strcmp(k, "ext") == 0) &&
        cJSON_IsObject(it) && it->child == NULL)
        return 0;
    if ((strcmp(k, "explain") == 0 || strcmp(k, "profile") == 0 ||
         strcmp(k, "seq_no_primary_term") == 0) &&
        cJSON_IsFalse(it))
        return 0;
    return des_unsupported(e, "[%s] in the search body", k);
}

int des_parse_body(struct des_search *s, const cJSON *root, bool count,
                   struct des_err *e)
{
    if (!cJSON_IsObject(root))
        return des_fail_parsing(e, root, false,
                                "Unknown key for a %s in [null].",
                                des_token_name(root));
    for (const cJSON *it = root->child; it != NULL; it = it->next) {
        if (count && strcmp(it->string, "query") != 0)
            return des_fail_parsing(
                e, it, true, "request does not support [%s]", it->string);
        if (!des_in_list(it->string, body_keys, 0))
            return des_fail_parsing(e, it, true,
                                    "Unknown key for a %s in [%s].",
                                    des_token_name(it), it->string);
        if (body_key(s, it, e) < 0)
            return -1;
    }
    return 0;
}
