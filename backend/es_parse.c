/*
 * Elasticsearch search responses (contract §2) as plain structs: hits with
 * the columns the logs view shows, totals, shard counts, the date
 * histogram. Error answers are read by es_error.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/buf.h"
#include "backend/es.h"
#include "backend/es_parse_int.h"
#include "backend/xalloc.h"

/* Longest quote of a body that is not JSON. */
#define NOT_JSON_QUOTE 60

/* The columns Discover shows when the caller names none (contract §6.3). */
static const char *const default_host[] = { "host.name", "host" };
static const char *const default_level[] = { "log.level", "level", "loglevel",
                                             "severity" };
static const char *const default_message[] = { "message" };
static const struct es_fields default_fields = {
    "@timestamp", default_host, 2, default_level, 4, default_message, 1,
};

/* ------------------------------------------------------------- times */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

/* Exactly n digits at *s (advanced past them), or -1. */
static int digits(const char **s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9')
            return -1;
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    return v;
}

/* "Z", "+01:00", "-0130", "+01", or nothing (UTC); offset in minutes. */
static bool parse_zone(const char *s, int *minutes)
{
    int sign, hh, mm = 0;

    *minutes = 0;
    if (*s == '\0')
        return true;
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
        return true;
    if (*s != '+' && *s != '-')
        return false;
    sign = *s++ == '-' ? -1 : 1;
    if ((hh = digits(&s, 2)) < 0 || hh > 23)
        return false;
    if (*s == ':')
        s++;
    if (*s != '\0' && ((mm = digits(&s, 2)) < 0 || mm > 59))
        return false;
    *minutes = sign * (hh * 60 + mm);
    return *s == '\0';
}

double es_parse_time(const char *s)
{
    int64_t ms, days;
    int y, mo, d, hh = 0, mi = 0, ss = 0, frac = 0, zone;
    const char *p = s;

    if (s == NULL)
        return NAN;
    /* epoch milliseconds as a string (a sort value with a format, say) */
    if (strspn(s, "0123456789") == strlen(s) && strlen(s) >= 9 &&
        strlen(s) <= 16)
        return strtod(s, NULL) / 1000.0;
    if ((y = digits(&p, 4)) < 0 || *p++ != '-' || (mo = digits(&p, 2)) < 1 ||
        mo > 12 || *p++ != '-' || (d = digits(&p, 2)) < 1 ||
        d > days_in_month(y, mo))
        return NAN;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if ((hh = digits(&p, 2)) < 0 || hh > 23 || *p++ != ':' ||
            (mi = digits(&p, 2)) < 0 || mi > 59)
            return NAN;
        if (*p == ':') {
            p++;
            if ((ss = digits(&p, 2)) < 0 || ss > 60)
                return NAN;
            if (*p == '.' || *p == ',') {
                int n = 0;

                for (p++; *p >= '0' && *p <= '9'; p++, n++)
                    if (n < 3)
                        frac = frac * 10 + (*p - '0');
                if (n == 0)
                    return NAN;
                for (; n < 3; n++)
                    frac *= 10;
            }
        }
    }
    if (!parse_zone(p, &zone))
        return NAN;
    days = days_from_civil(y, mo, d);
    ms = ((days * 86400 + hh * 3600 + mi * 60 + ss) - (int64_t)zone * 60) *
             1000 +
         frac;
    return (double)ms / 1000.0;
}

/* ------------------------------------------------------- field values */

/* A JSON number as text: integers exactly (epoch ms, longs), else %g. */
static void put_number(struct buf *b, double v)
{
    char tmp[32];

    if (!isfinite(v)) {
        buf_puts(b, "null");
    } else if (v >= 9223372036854775807.0) {
        buf_puts(b, "9223372036854775807"); /* Long.MAX_VALUE: "missing" */
    } else if (v <= -9223372036854775807.0) {
        buf_puts(b, "-9223372036854775808");
    } else if (v == floor(v) && fabs(v) < 1e17) {
        char *end = tmp + sizeof tmp, *q = end;
        unsigned long long u = (unsigned long long)fabs(v);

        do /* faster than printf, and this is most of the sort values */
            *--q = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        if (v < 0)
            *--q = '-';
        buf_append(b, q, (size_t)(end - q));
    } else {
        snprintf(tmp, sizeof tmp, "%.15g", v);
        if (strtod(tmp, NULL) != v)
            snprintf(tmp, sizeof tmp, "%.17g", v);
        buf_puts(b, tmp);
    }
}

/* Any JSON value as text (strings raw, not quoted); nothing for null. */
static void put_value(struct buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        buf_puts(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        put_number(b, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        char *json = cJSON_PrintUnformatted(v);

        if (json != NULL)
            buf_puts(b, json);
        cJSON_free(json);
    }
}

/* A JSON array as JSON text, numbers exact (for search_after). */
static char *sort_text(const cJSON *arr)
{
    struct buf b = { 0 };
    const cJSON *v;

    buf_putc(&b, '[');
    cJSON_ArrayForEach(v, arr)
    {
        if (b.len > 1)
            buf_putc(&b, ',');
        if (cJSON_IsString(v))
            buf_json_str(&b, v->valuestring);
        else if (cJSON_IsNumber(v) || cJSON_IsBool(v) || cJSON_IsArray(v) ||
                 cJSON_IsObject(v))
            put_value(&b, v);
        else
            buf_puts(&b, "null");
    }
    buf_putc(&b, ']');
    return buf_steal(&b);
}

static bool key_is(const cJSON *item, const char *s, size_t n)
{
    return item->string != NULL && strncmp(item->string, s, n) == 0 &&
           item->string[n] == '\0';
}

/*
 * The value at a dotted path: "a.b.c" is found as a literal key at any
 * level ("a.b" → "c", "a" → "b.c", "a.b.c") as well as nested objects;
 * arrays of objects on the way are searched element by element. Null
 * counts as absent.
 */
static const cJSON *lookup(const cJSON *obj, const char *path, int depth)
{
    const cJSON *v;

    if (depth > 16)
        return NULL;
    if (cJSON_IsArray(obj)) {
        cJSON_ArrayForEach(v, obj)
        {
            const cJSON *r =
                cJSON_IsObject(v) ? lookup(v, path, depth + 1) : NULL;
            if (r != NULL)
                return r;
        }
        return NULL;
    }
    if (!cJSON_IsObject(obj))
        return NULL;
    v = cJSON_GetObjectItemCaseSensitive(obj, path);
    if (v != NULL && !cJSON_IsNull(v))
        return v;
    for (const char *dot = strchr(path, '.'); dot != NULL;
         dot = strchr(dot + 1, '.')) {
        const cJSON *child;

        cJSON_ArrayForEach(child, obj)
        {
            if (key_is(child, path, (size_t)(dot - path)) &&
                (cJSON_IsObject(child) || cJSON_IsArray(child))) {
                const cJSON *r = lookup(child, dot + 1, depth + 1);
                if (r != NULL)
                    return r;
            }
        }
    }
    return NULL;
}

/* The first element of an array that is not null (fields are arrays). */
static const cJSON *unwrap(const cJSON *v)
{
    const cJSON *e;

    if (!cJSON_IsArray(v))
        return v;
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsNull(e))
            return e;
    }
    return NULL;
}

static char *value_text(const cJSON *v)
{
    struct buf b = { 0 };

    if (v == NULL || cJSON_IsNull(v) || cJSON_IsInvalid(v))
        return NULL;
    put_value(&b, v);
    return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

/* host: a string, an object's "name", a number. */
static char *host_text(const cJSON *v)
{
    v = unwrap(v);
    if (cJSON_IsObject(v))
        v = unwrap(cJSON_GetObjectItemCaseSensitive(v, "name"));
    if (cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v))
        return value_text(v);
    return NULL;
}

static char *level_text(const cJSON *v)
{
    v = unwrap(v);
    if (cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v))
        return value_text(v);
    return NULL;
}

/* message: a string; an array's elements joined with " "; else JSON. */
static char *message_text(const cJSON *v)
{
    struct buf b = { 0 };
    const cJSON *e;
    bool any = false;

    if (!cJSON_IsArray(v))
        return value_text(v);
    cJSON_ArrayForEach(e, v)
    {
        if (cJSON_IsNull(e))
            continue;
        if (any)
            buf_putc(&b, ' ');
        put_value(&b, e);
        any = true;
    }
    if (!any)
        return NULL;
    return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

/*
 * The text of the first of names that is present (in _source, else in
 * fields) and that conv can show.
 */
static char *first_text(const cJSON *src, const cJSON *fields,
                        const char *const *names, size_t n,
                        char *(*conv)(const cJSON *))
{
    for (size_t i = 0; names != NULL && i < n; i++) {
        const cJSON *v;
        char *text = NULL;

        if (names[i] == NULL)
            continue;
        if ((v = lookup(src, names[i], 0)) != NULL)
            text = conv(v);
        if (text == NULL && (v = lookup(fields, names[i], 0)) != NULL)
            text = conv(v);
        if (text != NULL)
            return text;
    }
    return NULL;
}

/* ---------------------------------------------------------------- hits */

static char *str_or_empty(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsString(v) ? xstrdup(v->valuestring) : xstrdup("");
}

/* One hit; false when it has neither _source nor fields to show. */
static bool read_hit(const cJSON *h, const struct es_fields *f,
                     struct es_hit *out)
{
    const cJSON *src, *fields, *sort, *t;
    char *text;

    src = cJSON_GetObjectItemCaseSensitive(h, "_source");
    fields = cJSON_GetObjectItemCaseSensitive(h, "fields");
    if (!cJSON_IsObject(src))
        src = NULL;
    if (!cJSON_IsObject(fields))
        fields = NULL;
    if (!cJSON_IsObject(h) || (src == NULL && fields == NULL))
        return false;
    memset(out, 0, sizeof *out);
    out->index = str_or_empty(h, "_index");
    out->id = str_or_empty(h, "_id");
    text = cJSON_PrintUnformatted(src != NULL ? src : fields);
    out->source = xstrdup(text != NULL ? text : "{}");
    cJSON_free(text);
    sort = cJSON_GetObjectItemCaseSensitive(h, "sort");
    out->sort = cJSON_IsArray(sort) ? sort_text(sort) : NULL;

    out->time = NAN;
    t = NULL;
    if (f->time != NULL && (t = unwrap(lookup(src, f->time, 0))) == NULL)
        t = unwrap(lookup(fields, f->time, 0));
    if (cJSON_IsString(t)) {
        out->time_text = xstrdup(t->valuestring);
        out->time = es_parse_time(t->valuestring);
    } else if (cJSON_IsNumber(t)) {
        out->time_text = value_text(t);
        out->time = isfinite(t->valuedouble) ? t->valuedouble / 1000.0 : NAN;
    }
    out->host = first_text(src, fields, f->host, f->nhost, host_text);
    out->level = first_text(src, fields, f->level, f->nlevel, level_text);
    out->message =
        first_text(src, fields, f->message, f->nmessage, message_text);
    return true;
}

void es_hit_free(struct es_hit *h)
{
    free(h->index);
    free(h->id);
    free(h->time_text);
    free(h->host);
    free(h->level);
    free(h->message);
    free(h->source);
    free(h->sort);
}

/* ------------------------------------------------- totals, shards, aggs */

static long long num_member(const cJSON *o, const char *name, long long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return dflt;
    if (v->valuedouble >= 9.2e18 || v->valuedouble <= -9.2e18)
        return v->valuedouble > 0 ? INT64_MAX : INT64_MIN;
    return (long long)v->valuedouble;
}

static int int_member(const cJSON *o, const char *name)
{
    long long v = num_member(o, name, 0);

    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int)v;
}

static void read_total(const cJSON *hits, struct es_result *r)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(hits, "total");
    const cJSON *rel;

    r->total = -1;
    if (cJSON_IsNumber(t)) { /* ES 6, or rest_total_hits_as_int */
        r->total = num_member(hits, "total", -1);
    } else if (cJSON_IsObject(t)) {
        r->total = num_member(t, "value", -1);
        rel = cJSON_GetObjectItemCaseSensitive(t, "relation");
        r->total_gte =
            cJSON_IsString(rel) && strcmp(rel->valuestring, "gte") == 0;
    }
    if (r->total < -1)
        r->total = -1;
}

/* "index: reason" of the first _shards.failures entry. */
static char *shard_failure(const cJSON *failures)
{
    const cJSON *f = cJSON_GetArrayItem(failures, 0);
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(f, "index");
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(f, "reason");
    const cJSON *text = NULL;
    struct buf b = { 0 };

    if (!cJSON_IsObject(f))
        return NULL;
    if (cJSON_IsObject(reason)) {
        text = cJSON_GetObjectItemCaseSensitive(reason, "reason");
        if (!cJSON_IsString(text) || text->valuestring[0] == '\0')
            text = cJSON_GetObjectItemCaseSensitive(reason, "type");
    } else {
        text = reason;
    }
    if (cJSON_IsString(index) && index->valuestring[0] != '\0') {
        buf_puts(&b, index->valuestring);
        buf_puts(&b, ": ");
    }
    if (cJSON_IsString(text) && text->valuestring[0] != '\0')
        es_put_line(&b, text->valuestring, ES_REASON_MAX);
    else
        buf_puts(&b, "shard failed");
    return buf_steal(&b);
}

static void read_shards(const cJSON *root, struct es_result *r)
{
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(root, "_shards");
    const cJSON *failures = cJSON_GetObjectItemCaseSensitive(sh, "failures");

    r->shards_total = int_member(sh, "total");
    r->shards_successful = int_member(sh, "successful");
    r->shards_skipped = int_member(sh, "skipped");
    r->shards_failed = int_member(sh, "failed");
    if (cJSON_IsArray(failures))
        r->shard_failure = shard_failure(failures);
}

static int bucket_cmp(const void *a, const void *b)
{
    double x = ((const struct es_bucket *)a)->time;
    double y = ((const struct es_bucket *)b)->time;

    return (x > y) - (x < y);
}

/* The first aggregation with buckets (an array, or keyed: an object). */
static void read_buckets(const cJSON *root, struct es_result *r)
{
    const cJSON *aggs = cJSON_GetObjectItemCaseSensitive(root, "aggregations");
    const cJSON *agg, *buckets = NULL, *b;
    bool sorted = true;
    size_t cap;

    cJSON_ArrayForEach(agg, aggs)
    {
        buckets = cJSON_GetObjectItemCaseSensitive(agg, "buckets");
        if (cJSON_IsArray(buckets) || cJSON_IsObject(buckets))
            break;
        buckets = NULL;
    }
    if (buckets == NULL || (cap = (size_t)cJSON_GetArraySize(buckets)) == 0)
        return;
    r->buckets = xcalloc(cap, sizeof *r->buckets);
    cJSON_ArrayForEach(b, buckets)
    {
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(b, "key");
        const cJSON *kas = cJSON_GetObjectItemCaseSensitive(b, "key_as_string");
        struct es_bucket *out = &r->buckets[r->nbuckets];

        if (cJSON_IsNumber(key))
            out->time = key->valuedouble / 1000.0;
        else if (cJSON_IsString(kas))
            out->time = es_parse_time(kas->valuestring);
        else
            continue;
        if (!isfinite(out->time))
            continue;
        out->count = (long)num_member(b, "doc_count", 0);
        if (r->nbuckets > 0 && out->time < out[-1].time)
            sorted = false;
        r->nbuckets++;
    }
    if (!sorted)
        qsort(r->buckets, r->nbuckets, sizeof *r->buckets, bucket_cmp);
}

/* ------------------------------------------------------------ response */

void es_result_free(struct es_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nhits; i++)
        es_hit_free(&r->hits[i]);
    free(r->hits);
    free(r->shard_failure);
    free(r->buckets);
    memset(r, 0, sizeof *r);
    r->total = -1;
}

static int not_json(const char *p, size_t n, size_t at, struct mc_err *err)
{
    struct buf q = { 0 };
    size_t i = 0;

    while (i < n &&
           (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i == n)
        return err_set(err, "empty response");
    es_put_quote(&q, p + i, n - i, NOT_JSON_QUOTE);
    if (p[i] == '{' || p[i] == '[')
        err_set(err, "not JSON: \"%s\" (at byte %zu of %zu)", q.data, at, n);
    else
        err_set(err, "not JSON: \"%s\"", q.data);
    buf_free(&q);
    return -1;
}

int es_parse_search(const char *p, size_t n, const struct es_fields *f,
                    struct es_result *out, struct mc_err *err)
{
    size_t at = 0, cap;
    cJSON *root, *hits, *list, *h;

    memset(out, 0, sizeof *out);
    out->total = -1;
    if (f == NULL)
        f = &default_fields;
    if (p == NULL)
        return err_set(err, "empty response");
    root = es_json_parse(p, n, &at);
    if (root == NULL)
        return not_json(p, n, at, err);
    hits = cJSON_GetObjectItemCaseSensitive(root, "hits");
    if (!cJSON_IsObject(root) ||
        (hits == NULL && !cJSON_HasObjectItem(root, "error"))) {
        cJSON_Delete(root);
        return err_set(err, "not a search response (no \"hits\")");
    }
    if (hits == NULL) {
        /* ES says "status", Kibana "statusCode" */
        int status = (int)num_member(root, "status", 0);
        char *why;

        if (status == 0)
            status = (int)num_member(root, "statusCode", 0);
        why = es_error_reason(status, p, n);

        err_set(err, "%s", why);
        free(why);
        cJSON_Delete(root);
        return -1;
    }
    list = cJSON_GetObjectItemCaseSensitive(hits, "hits");
    if (!cJSON_IsArray(list)) {
        cJSON_Delete(root);
        return err_set(err, "not a search response (no \"hits.hits\" array)");
    }
    out->took_ms = (long)num_member(root, "took", 0);
    out->timed_out =
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "timed_out"));
    read_total(hits, out);
    read_shards(root, out);
    read_buckets(root, out);
    cap = (size_t)cJSON_GetArraySize(list);
    if (cap > 0)
        out->hits = xcalloc(cap, sizeof *out->hits);
    cJSON_ArrayForEach(h, list)
    {
        if (read_hit(h, f, &out->hits[out->nhits]))
            out->nhits++;
        else
            out->bad_hits++;
    }
    cJSON_Delete(root);
    return 0;
}
