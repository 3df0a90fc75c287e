/*
 * Running a validated search over the demo's log documents and writing
 * Elasticsearch 8's response (§2): the seconds of the time range are
 * walked in sort order, each document generated and tested (only the
 * fields the query touches), counted for hits.total and the date
 * histograms, and kept if it belongs to the requested page (after
 * search_after, from, size). Counting stops early once hits.total is
 * known to be past track_total_hits and nothing else needs the rest.
 *
 * Shards are the matched indices, one shard each: a query that fails for
 * a family of indices fails their shards (a 200 with _shards.failures),
 * and if it fails on all of them the answer is the 400 of §3.2.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/demo_es.h"
#include "backend/xalloc.h"

#define MAX_BUCKETS 65536

struct run_bucket {
    int64_t key;
    long long count;
};

/* A date_histogram being counted. */
struct hist {
    const struct des_agg *a;
    struct run_bucket *v;
    size_t n, cap;
    int64_t cur, cur_end; /* the calendar bucket of the last document */
    bool have_cur, too_many;
};

struct run {
    const struct des_world *w;
    struct des_search *s;
    struct des_prog *prog[DES_NFAM];
    int64_t lo, hi; /* ms */
    long long count, rank;
    struct des_doc *hits;
    size_t nhits;
    struct hist *hist;
    bool scoring;
};

/* --- date histograms ------------------------------------------------------ */

static int64_t hist_key(const struct des_agg *a, int64_t ms)
{
    int64_t off = (int64_t)a->tz * 60000, local;

    if (a->cal != 0)
        return des_round(ms - a->offset, a->cal, a->tz, false) + a->offset;
    local = ms + off - a->offset;
    return local - (local - des_floordiv(local, a->fixed) * a->fixed) +
           a->offset - off;
}

static int64_t hist_next(const struct des_agg *a, int64_t k)
{
    if (a->cal == 0)
        return k + a->fixed;
    return des_round(des_add(k - a->offset, 1, a->cal, a->tz), a->cal, a->tz,
                     false) +
           a->offset;
}

static void hist_add(struct hist *h, int64_t ms)
{
    int64_t k;

    if (h->have_cur && ms >= h->cur && ms < h->cur_end) {
        k = h->cur; /* documents come in time order */
    } else {
        k = hist_key(h->a, ms);
        h->cur = k;
        h->cur_end = hist_next(h->a, k);
        h->have_cur = true;
    }
    if (h->n > 0 && h->v[h->n - 1].key == k) {
        h->v[h->n - 1].count++;
        return;
    }
    if (h->n >= 4 * MAX_BUCKETS) {
        h->too_many = true;
        return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
    }
    h->v[h->n].key = k;
    h->v[h->n++].count = 1;
}

static int cmp_bucket(const void *a, const void *b)
{
    int64_t x = ((const struct run_bucket *)a)->key;
    int64_t y = ((const struct run_bucket *)b)->key;

    return (x > y) - (x < y);
}

/* Sorted, one entry per key. */
static void hist_merge(struct hist *h)
{
    size_t k = 0;

    if (h->n == 0)
        return; /* h->v may be NULL: qsort must not see it */
    qsort(h->v, h->n, sizeof(*h->v), cmp_bucket);
    for (size_t i = 0; i < h->n; i++) {
        if (k > 0 && h->v[k - 1].key == h->v[i].key)
            h->v[k - 1].count += h->v[i].count;
        else
            h->v[k++] = h->v[i];
    }
    h->n = k;
}

static cJSON *too_many_buckets(void)
{
    cJSON *c = des_causef("too_many_buckets_exception",
                          "Trying to create too many buckets. Must be less "
                          "than or equal to: [%d] but was [%d]. This limit can "
                          "be set by changing the [search.max_buckets] cluster "
                          "level setting.",
                          MAX_BUCKETS, MAX_BUCKETS + 1);

    cJSON_AddNumberToObject(c, "max_buckets", MAX_BUCKETS);
    return c;
}

/* A bound of extended_bounds as ms; -1 with e. */
static int ext_bound(const struct run *r, const struct des_agg *a,
                     const char *v, bool num, bool up, int64_t *out,
                     struct des_err *e)
{
    cJSON *cause = NULL;

    if (num) {
        *out = strtoll(v, NULL, 10);
        return 0;
    }
    if (des_date_parse(v, a->format, a->tz, up, r->w->now_ms, out, &cause) < 0)
        return des_fail(e, 400, cause);
    return 0;
}

/* The buckets as written: gaps filled for min_doc_count 0 (§1.10). */
static int hist_write(const struct run *r, struct hist *h, struct buf *b,
                      struct des_err *e)
{
    const struct des_agg *a = h->a;
    int64_t lo = 0, hi = -1, k;
    size_t j = 0, nb = 0;
    bool have = h->n > 0;
    char ks[48];

    hist_merge(h);
    if (h->too_many)
        return des_fail_shard(e, too_many_buckets());
    if (h->n > 0) {
        lo = h->v[0].key;
        hi = h->v[h->n - 1].key;
    }
    if (a->min_doc_count == 0 && (a->ext_min != NULL || a->ext_max != NULL)) {
        int64_t mn = 0, mx = 0;
        bool have_lo = have, have_hi = have;

        if (a->ext_min != NULL &&
            ext_bound(r, a, a->ext_min, a->ext_min_num, false, &mn, e) < 0)
            return -1;
        if (a->ext_max != NULL &&
            ext_bound(r, a, a->ext_max, a->ext_max_num, true, &mx, e) < 0)
            return -1;
        if (a->ext_min != NULL && a->ext_max != NULL && mn > mx)
            return des_fail_shard(
                e, des_foreign(des_causef(
                       "illegal_argument_exception",
                       "[extended_bounds.min][%lld] cannot be greater than "
                       "[extended_bounds.max][%lld] for histogram aggregation "
                       "[%s]",
                       (long long)mn, (long long)mx, a->name)));
        if (a->ext_min != NULL) {
            k = hist_key(a, mn);
            lo = have_lo && lo < k ? lo : k;
            have_lo = true;
        }
        if (a->ext_max != NULL) {
            k = hist_key(a, mx);
            hi = have_hi && hi > k ? hi : k;
            have_hi = true;
        }
        if (!have_hi)
            hi = lo;
        if (!have_lo)
            lo = hi;
        have = true;
    }
    if (a->min_doc_count == 0 && have && a->cal == 0 &&
        (hi - lo) / a->fixed + 1 > MAX_BUCKETS)
        return des_fail_shard(e, too_many_buckets());
    buf_puts(b, a->keyed ? "{\"buckets\":{" : "{\"buckets\":[");
    for (k = lo; a->min_doc_count == 0 ? (have && k <= hi) : j < h->n;) {
        long long c = 0;

        if (a->min_doc_count != 0)
            k = h->v[j].key;
        while (j < h->n && h->v[j].key < k)
            j++;
        if (j < h->n && h->v[j].key == k)
            c = h->v[j++].count;
        if (c >= a->min_doc_count) {
            if (++nb > MAX_BUCKETS)
                return des_fail_shard(e, too_many_buckets());
            des_date_format(k, a->format, a->tz, ks, sizeof(ks));
            if (nb > 1)
                buf_putc(b, ',');
            if (a->keyed) {
                des_json_str(b, ks, strlen(ks));
                buf_putc(b, ':');
            }
            buf_puts(b, "{\"key_as_string\":");
            des_json_str(b, ks, strlen(ks));
            buf_printf(b, ",\"key\":%lld,\"doc_count\":%lld}", (long long)k, c);
        }
        if (a->min_doc_count == 0)
            k = hist_next(a, k);
    }
    buf_puts(b, a->keyed ? "}}" : "]}");
    return 0;
}

/* --- the walk ---------------------------------------------------------- */

/* Is doc after the search_after point in sort order? */
static bool after(const struct des_search *s, const struct des_doc *doc)
{
    int rel;

    if (!s->after)
        return true;
    rel = (doc->ms > s->after_ms) - (doc->ms < s->after_ms);
    if (s->sort_ts < 0)
        rel = -rel;
    if (rel != 0 || s->sort_doc == 0)
        return rel > 0;
    rel = (des_doc_seq(doc) > s->after_doc) - (des_doc_seq(doc) < s->after_doc);
    return (s->sort_doc < 0 ? -rel : rel) > 0;
}

static void consider(struct run *r, struct des_doc *doc, int64_t day)
{
    const struct des_search *s = r->s;
    struct des_prog *p = r->prog[doc->fam];

    if (p == NULL || doc->ms < r->lo || doc->ms > r->hi ||
        ((s->days[doc->fam] >> day) & 1) == 0)
        return;
    if (!des_prog_match(p, doc))
        return;
    r->count++;
    for (size_t i = 0; i < s->naggs; i++)
        hist_add(&r->hist[i], doc->ms);
    if (s->count_api || s->size == 0 || !after(s, doc))
        return;
    if (r->rank >= s->from && r->nhits < (size_t)s->size) {
        des_doc_detail(r->w, doc);
        r->hits[r->nhits++] = *doc;
    }
    r->rank++;
}

/* May the walk stop: the page is full and the total is known enough? */
static bool done(const struct run *r)
{
    const struct des_search *s = r->s;

    if (s->count_api || s->naggs > 0 || s->track == INT64_MAX)
        return false;
    if (s->size > 0 && r->nhits < (size_t)s->size)
        return false;
    return s->track < 0 || r->count > s->track;
}

static void walk(struct run *r, int dir, int fam)
{
    struct des_doc docs[DES_MAX_PER_SEC];
    int64_t lo = des_floordiv(r->lo, 1000), hi = des_floordiv(r->hi, 1000);

    for (int64_t sec = dir > 0 ? lo : hi; dir > 0 ? sec <= hi : sec >= lo;
         sec += dir) {
        int n = des_second(r->w, sec, docs);
        int64_t day =
            (sec >= 0 ? sec / 86400 : des_floordiv(sec, 86400)) - r->w->day0;

        for (int i = 0; i < n; i++) {
            struct des_doc *doc = &docs[dir > 0 ? i : n - 1 - i];

            if (fam < 0 || doc->fam == fam)
                consider(r, doc, day);
        }
        if ((sec & 63) == 0 && done(r))
            return;
    }
}

/* --- search_after ------------------------------------------------------ */

static int parse_after(const struct run *r, struct des_search *s,
                       struct des_err *e)
{
    const cJSON *v = s->after_json;
    int nkeys = (s->sort_ts != 0) + (s->sort_doc != 0);
    int n = cJSON_GetArraySize(v);
    const cJSON *t = cJSON_GetArrayItem(v, 0), *d = cJSON_GetArrayItem(v, 1);
    cJSON *cause = NULL;

    if (s->sort_ts == 0)
        return des_fail_shard(
            e, des_foreign(des_cause("illegal_argument_exception",
                                     "Sort must contain at least one field.")));
    if (n != nkeys)
        return des_fail_shard(
            e, des_foreign(des_causef("illegal_argument_exception",
                                      "search_after has %d value(s) but sort "
                                      "has %d.",
                                      n, nkeys)));
    if (cJSON_IsNumber(t)) {
        s->after_ms = (int64_t)t->valuedouble;
    } else if (cJSON_IsString(t) && s->sort_fmt == NULL &&
               t->valuestring[strspn(t->valuestring, "-0123456789")] == '\0' &&
               t->valuestring[0] != '\0') {
        s->after_ms = strtoll(t->valuestring, NULL, 10);
    } else if (!cJSON_IsString(t) ||
               des_date_parse(t->valuestring, s->sort_fmt, 0, false,
                              r->w->now_ms, &s->after_ms, &cause) < 0) {
        return des_fail_shard(
            e, cause != NULL
                   ? cause
                   : des_foreign(des_cause("illegal_argument_exception",
                                           "Failed to parse search_after "
                                           "value for field [@timestamp].")));
    }
    if (d == NULL)
        return 0;
    if (cJSON_IsNumber(d)) {
        s->after_doc = (long long)d->valuedouble;
        return 0;
    }
    if (cJSON_IsString(d) && d->valuestring[0] != '\0' &&
        d->valuestring[strspn(d->valuestring, "-0123456789")] == '\0') {
        s->after_doc = strtoll(d->valuestring, NULL, 10);
        return 0;
    }
    return des_fail_shard(
        e, des_foreign(des_cause("illegal_argument_exception",
                                 "Failed to parse search_after value for "
                                 "field [_doc].")));
}

/* --- the response -------------------------------------------------------- */

static void write_shards(struct buf *b, const struct des_search *s,
                         cJSON *const *fail)
{
    size_t nfail = 0;
    const cJSON **causes = xcalloc(s->nindices + 1, sizeof(*causes));
    char **names = xcalloc(s->nindices + 1, sizeof(*names));

    for (size_t i = 0; i < s->nindices; i++) {
        if (fail[s->ifam[i]] != NULL) {
            causes[nfail] = fail[s->ifam[i]];
            names[nfail++] = s->names[i];
        }
    }
    buf_printf(b,
               "\"_shards\":{\"total\":%zu,\"successful\":%zu,\"skipped\":0,"
               "\"failed\":%zu",
               s->nindices, s->nindices - nfail, nfail);
    if (nfail > 0) {
        buf_puts(b, ",\"failures\":[");
        des_shard_failures(b, causes, names, nfail);
        buf_putc(b, ']');
    }
    buf_putc(b, '}');
    free(causes);
    free(names);
}

static void write_hit(struct buf *b, const struct run *r,
                      const struct des_doc *doc, bool show_score)
{
    const struct des_search *s = r->s;
    char name[40], id[21];

    des_index_name(doc->fam, des_floordiv(doc->sec, 86400), name, sizeof(name));
    des_doc_id(r->w, doc, id);
    buf_printf(b, "{\"_index\":\"%s\",\"_id\":\"%s\",", name, id);
    if (s->version)
        buf_puts(b, "\"_version\":1,");
    buf_printf(b, "\"_score\":%s",
               !show_score  ? "null"
               : r->scoring ? "1.0"
                            : "0.0");
    if (!s->src.none) {
        buf_puts(b, ",\"_source\":");
        des_source(r->w, doc, &s->src, b);
    }
    if (s->sort_ts != 0) {
        if (s->sort_fmt != NULL) {
            char t[48];

            des_date_format(doc->ms, s->sort_fmt, 0, t, sizeof(t));
            buf_puts(b, ",\"sort\":[");
            des_json_str(b, t, strlen(t));
        } else {
            buf_printf(b, ",\"sort\":[%lld", (long long)doc->ms);
        }
        if (s->sort_doc != 0)
            buf_printf(b, ",%lld", des_doc_seq(doc));
        buf_putc(b, ']');
    }
    buf_putc(b, '}');
}

static void write_hits(struct buf *b, const struct run *r)
{
    const struct des_search *s = r->s;
    bool show_score = s->sort_ts == 0 || s->track_scores;

    buf_puts(b, ",\"hits\":{");
    if (s->total_int) {
        buf_printf(b, "\"total\":%lld,", s->track < 0 ? -1LL : r->count);
    } else if (s->track >= 0) {
        bool gte = s->track != INT64_MAX && r->count > s->track;

        buf_printf(b, "\"total\":{\"value\":%lld,\"relation\":\"%s\"},",
                   gte ? s->track : r->count, gte ? "gte" : "eq");
    }
    if (s->sort_ts == 0 && r->nhits > 0)
        buf_printf(b, "\"max_score\":%s,", r->scoring ? "1.0" : "0.0");
    else
        buf_puts(b, "\"max_score\":null,");
    buf_puts(b, "\"hits\":[");
    for (size_t i = 0; i < r->nhits; i++) {
        if (i > 0)
            buf_putc(b, ',');
        write_hit(b, r, &r->hits[i], show_score);
    }
    buf_puts(b, "]}");
}

static long took_ms(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 +
                  (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Compile per family; the failures of shards in fail[]. */
static int compile(struct run *r, cJSON **fail, struct des_err *e)
{
    struct des_search *s = r->s;
    bool used[DES_NFAM] = { false };

    for (size_t i = 0; i < s->nindices; i++)
        used[s->ifam[i]] = true;
    for (int fam = 0; fam < DES_NFAM; fam++) {
        struct des_err fe = { 0 };

        if (!used[fam])
            continue;
        r->prog[fam] = des_prog_new(s->query, r->w, fam, &fe);
        if (r->prog[fam] == NULL && !fe.shard) {
            cJSON_Delete(e->cause);
            *e = fe;
            return -1;
        }
        fail[fam] = fe.cause;
    }
    return 0;
}

/* A failure on every shard not failed yet (cause taken). */
static void fail_all(struct run *r, cJSON **fail, cJSON *cause)
{
    bool used = false;

    for (int fam = 0; fam < DES_NFAM; fam++) {
        if (r->prog[fam] == NULL)
            continue;
        des_prog_free(r->prog[fam]);
        r->prog[fam] = NULL;
        fail[fam] = used ? cJSON_Duplicate(cause, true) : cause;
        used = true;
    }
    if (!used)
        cJSON_Delete(cause);
}

/* Bounds of the walk: documents, indices, the query's time range. */
static void walk_bounds(struct run *r)
{
    const struct des_search *s = r->s;
    int64_t dlo = INT64_MAX, dhi = INT64_MIN, qlo = INT64_MAX, qhi = INT64_MIN;

    for (size_t i = 0; i < s->nindices; i++) {
        if (r->prog[s->ifam[i]] == NULL)
            continue;
        dlo = s->iday[i] < dlo ? s->iday[i] : dlo;
        dhi = s->iday[i] > dhi ? s->iday[i] : dhi;
    }
    for (int fam = 0; fam < DES_NFAM; fam++) {
        int64_t a, b;

        if (r->prog[fam] == NULL)
            continue;
        des_prog_bounds(r->prog[fam], &a, &b);
        qlo = a < qlo ? a : qlo;
        qhi = b > qhi ? b : qhi;
    }
    r->lo = r->w->first_sec * 1000;
    r->hi = r->w->now_ms;
    if (dlo != INT64_MAX) {
        r->lo = dlo * 86400000 > r->lo ? dlo * 86400000 : r->lo;
        r->hi =
            (dhi + 1) * 86400000 - 1 < r->hi ? (dhi + 1) * 86400000 - 1 : r->hi;
    }
    r->lo = qlo > r->lo ? qlo : r->lo;
    r->hi = qhi < r->hi ? qhi : r->hi;
    /* Nothing counts what comes before the search_after point: skip it. */
    if (s->after && s->track < 0 && s->naggs == 0 && !s->count_api) {
        if (s->sort_ts > 0 && s->after_ms > r->lo)
            r->lo = s->after_ms;
        if (s->sort_ts < 0 && s->after_ms < r->hi)
            r->hi = s->after_ms;
    }
}

static int finish(struct run *r, cJSON **fail, struct buf *out,
                  const struct timespec *t0, struct des_err *e)
{
    const struct des_search *s = r->s;
    struct buf aggs = { 0 };

    for (size_t i = 0; i < s->naggs; i++) {
        struct des_err ae = { 0 };

        char *key = xasprintf("%s%s", s->typed_keys ? "date_histogram#" : "",
                              s->aggs[i].name);

        if (i > 0)
            buf_putc(&aggs, ',');
        des_json_str(&aggs, key, strlen(key));
        buf_putc(&aggs, ':');
        free(key);
        if (hist_write(r, &r->hist[i], &aggs, &ae) < 0) {
            buf_free(&aggs);
            if (!ae.shard) {
                cJSON_Delete(e->cause);
                *e = ae;
                return -1;
            }
            fail_all(r, fail, ae.cause);
            return 1;
        }
    }
    if (s->count_api) {
        buf_printf(out, "{\"count\":%lld,", r->count);
        write_shards(out, s, fail);
        buf_putc(out, '}');
    } else {
        buf_printf(out, "{\"took\":%ld,\"timed_out\":false,", took_ms(t0));
        write_shards(out, s, fail);
        write_hits(out, r);
        if (s->naggs > 0 && s->nindices > 0)
            buf_printf(out, ",\"aggregations\":{%s}",
                       aggs.data != NULL ? aggs.data : "");
        buf_putc(out, '}');
    }
    buf_free(&aggs);
    return 0;
}

static int all_failed(const struct des_search *s, cJSON **fail, struct buf *out)
{
    const cJSON **causes = xcalloc(s->nindices + 1, sizeof(*causes));

    for (size_t i = 0; i < s->nindices; i++)
        causes[i] = fail[s->ifam[i]];
    des_all_shards_failed(out, causes, s->names, s->nindices);
    free(causes);
    return 400;
}

int des_search_run(const struct des_world *w, struct des_search *s,
                   struct buf *out, struct des_err *e)
{
    struct run r = { 0 };
    cJSON *fail[DES_NFAM] = { NULL };
    struct timespec t0;
    struct des_err se = { 0 };
    int code = 200;
    bool any = false;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    r.w = w;
    r.s = s;
    r.scoring = s->query->scoring;
    if (compile(&r, fail, e) < 0)
        goto out;
    if (s->nindices > 0 && !s->count_api && s->size > 0 &&
        s->from + s->size > DES_MAX_WINDOW)
        fail_all(&r, fail,
                 des_foreign(des_causef(
                     "illegal_argument_exception",
                     "Result window is too large, from + size must be less "
                     "than or equal to: [%d] but was [%ld]. See the scroll api "
                     "for a more efficient way to request large data sets. "
                     "This limit can be set by changing the "
                     "[index.max_result_window] index level setting.",
                     DES_MAX_WINDOW, s->from + s->size)));
    if (s->after && !s->count_api && (r.prog[0] != NULL || r.prog[1] != NULL) &&
        parse_after(&r, s, &se) < 0)
        fail_all(&r, fail, se.cause);
    for (int fam = 0; fam < DES_NFAM; fam++)
        any |= r.prog[fam] != NULL;
    if (s->nindices > 0 && !any) {
        code = all_failed(s, fail, out);
        goto out;
    }
    r.hits =
        xcalloc(s->size > 0 && s->size <= DES_MAX_WINDOW ? (size_t)s->size : 1,
                sizeof(*r.hits));
    r.hist = xcalloc(s->naggs + 1, sizeof(*r.hist));
    for (size_t i = 0; i < s->naggs; i++)
        r.hist[i].a = &s->aggs[i];
    if (any) {
        walk_bounds(&r);
        for (int fam = 0; fam < DES_NFAM; fam++)
            if (r.prog[fam] != NULL)
                des_prog_within(r.prog[fam], r.lo, r.hi);
        if (s->sort_ts != 0)
            walk(&r, s->sort_ts, -1);
        else if (s->size == 0 || s->count_api)
            walk(&r, 1, -1);
        else
            for (int fam = 0; fam < DES_NFAM; fam++)
                walk(&r, 1, fam);
    }
    code = finish(&r, fail, out, &t0, e);
    if (code == 1) {
        buf_reset(out);
        code = all_failed(s, fail, out);
    } else if (code == 0) {
        code = 200;
    }
out:
    for (size_t i = 0; i < s->naggs && r.hist != NULL; i++)
        free(r.hist[i].v);
    free(r.hist);
    free(r.hits);
    for (int fam = 0; fam < DES_NFAM; fam++) {
        des_prog_free(r.prog[fam]);
        cJSON_Delete(fail[fam]);
    }
    return code;
}
