/*
 * A site's log search: the transport (Elasticsearch through the bastion
 * tunnel, or Kibana's console proxy), its credentials read off the UI
 * path, and the search the logs view shows: the first page with the
 * histogram, older pages by search_after, and follow mode polling with an
 * overlap and de-duplicating by _index and _id. Answers are parsed on the
 * worker; a 429 backs off.
 */
#include "backend/logs_client.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/config.h"
#include "backend/curl_http.h"
#include "backend/http.h"
#include "backend/logs_int.h"
#include "backend/loop.h"
#include "backend/secret.h"
#include "backend/site.h"
#include "backend/site_int.h"
#include "backend/strmap.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

#define LOGS_PAGE        200   /* hits per page */
#define LOGS_BUCKETS     60    /* histogram buckets over the range */
#define LOGS_MAX_HITS    50000 /* kept at most; the oldest go */
#define LOGS_BODY_MAX    (64 << 20)
#define LOGS_FOLLOW_MS   5000 /* between follow polls */
#define LOGS_OVERLAP     60   /* seconds a follow poll looks back */
#define LOGS_BACKOFF_MAX 60   /* seconds between retries after a 429 */

/* ---- the state of the search ---- */

static void logs_hits_free(struct es_hit *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        es_hit_free(&v[i]);
    free(v);
}

static void logs_page_reset(struct logs_client *c)
{
    logs_hits_free(c->page.hits, c->page.nhits);
    free(c->page.buckets);
    strmap_free(&c->seen);
    strmap_init(&c->seen, 256);
    for (size_t i = 0; i < c->nkeys; i++)
        free(c->keys[i]);
    c->nkeys = 0;
    memset(&c->page, 0, sizeof c->page);
    c->page.total = -1;
}

static void logs_changed(struct logs_client *c)
{
    c->page.gen++;
    site_notify(c->site);
}

/* "index\x1fid": what makes a hit the same hit. */
static char *logs_key(const struct es_hit *h)
{
    return xasprintf("%s\x1f%s", h->index != NULL ? h->index : "",
                     h->id != NULL ? h->id : "");
}

/* A new hit from follow mode counts in the histogram's buckets. */
static void logs_bucket_add(struct logs_page *pg, double t)
{
    size_t b;

    if (pg->nbuckets == 0 || pg->bucket_secs <= 0 || isnan(t) ||
        t < pg->buckets[0].time)
        return;
    b = (size_t)((t - pg->buckets[0].time) / pg->bucket_secs);
    while (b >= pg->nbuckets) {
        pg->buckets =
            xreallocarray(pg->buckets, pg->nbuckets + 1, sizeof *pg->buckets);
        pg->buckets[pg->nbuckets].time =
            pg->buckets[pg->nbuckets - 1].time + pg->bucket_secs;
        pg->buckets[pg->nbuckets].count = 0;
        pg->nbuckets++;
    }
    pg->buckets[b].count++;
}

/*
 * Add the hits of an answer: at the end (a page) or at the top (follow),
 * leaving out those already shown. Takes the hits; returns how many were
 * new.
 */
static size_t logs_merge(struct logs_client *c, struct es_hit *v, size_t n,
                         bool top)
{
    struct logs_page *pg = &c->page;
    struct es_hit *keep = xcalloc(n ? n : 1, sizeof *keep);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char *key = logs_key(&v[i]);

        if (strmap_get(&c->seen, key, NULL)) {
            es_hit_free(&v[i]);
            free(key);
            continue;
        }
        if (c->nkeys == c->capkeys) {
            c->capkeys = c->capkeys ? c->capkeys * 2 : 256;
            c->keys = xreallocarray(c->keys, c->capkeys, sizeof *c->keys);
        }
        c->keys[c->nkeys++] = key; /* the map borrows it */
        strmap_put(&c->seen, key, 1);
        keep[k++] = v[i];
    }
    free(v);
    pg->hits = xreallocarray(pg->hits, pg->nhits + k + 1, sizeof *pg->hits);
    if (top) {
        /*
         * A poll answers oldest first, and its overlap may bring a late
         * document older than the newest shown: merge, newest first.
         */
        struct es_hit *old = xmalloc((pg->nhits + 1) * sizeof *old);
        size_t a = k, b = 0, o = 0;

        memcpy(old, pg->hits, pg->nhits * sizeof *old);
        for (size_t i = 0; i < k; i++)
            logs_bucket_add(pg, keep[i].time);
        while (a > 0 || b < pg->nhits) {
            bool take_new =
                a > 0 && (b == pg->nhits || !(keep[a - 1].time < old[b].time));

            pg->hits[o++] = take_new ? keep[--a] : old[b++];
        }
        free(old);
    } else {
        memcpy(pg->hits + pg->nhits, keep, k * sizeof *keep);
    }
    pg->nhits += k;
    free(keep);
    if (pg->nhits > LOGS_MAX_HITS) { /* the oldest go */
        for (size_t i = LOGS_MAX_HITS; i < pg->nhits; i++)
            es_hit_free(&pg->hits[i]);
        pg->nhits = LOGS_MAX_HITS;
        pg->more = false;
    }
    return k;
}

/* ---- requests ---- */

static void logs_req_free(struct logs_req *q)
{
    if (q == NULL)
        return;
    buf_free(&q->body);
    free(q->json);
    free(q);
}

static void logs_on_status(void *arg, int status)
{
    struct logs_req *q = arg;

    if (q->status == 0)
        q->status = status;
}

static void logs_on_header(void *arg, const char *name, const char *value)
{
    struct logs_req *q = arg;

    /* Kibana 8.6+ answers 200 and puts Elasticsearch's status here */
    if (strcasecmp(name, "x-console-proxy-status-code") == 0)
        q->proxy_status = atoi(value);
}

static void logs_on_data(void *arg, const char *p, size_t n)
{
    struct logs_req *q = arg;

    if (q->body.len + n > LOGS_BODY_MAX) {
        q->too_big = true;
        return;
    }
    buf_append(&q->body, p, n);
}

static void logs_parse_run(void *arg)
{
    struct logs_req *q = arg;
    const char *b = q->body.data != NULL ? q->body.data : "";

    if (q->status == 200)
        q->rc =
            es_parse_search(b, q->body.len, &q->c->fields, &q->res, &q->err);
    else
        q->reason = es_error_reason(q->status, b, q->body.len);
}

static void logs_retry(struct logs_client *c, struct logs_req *q);

static void logs_answer_error(struct logs_client *c, struct logs_req *q)
{
    struct logs_page *pg = &c->page;
    int secs;

    pg->stale = pg->nhits > 0;
    if (q->status == 429) {
        secs = c->backoff > 0 ? c->backoff * 2 : 2;
        c->backoff = secs < LOGS_BACKOFF_MAX ? secs : LOGS_BACKOFF_MAX;
        pg->retry_at = loop_wall() + c->backoff;
        logs_msg(pg->err, sizeof pg->err,
                 "%s: too many requests (429): %.300s; retrying in %d s",
                 c->what, q->reason, c->backoff);
        logs_retry(c, q);
        return;
    }
    if (q->status == 401)
        logs_msg(pg->err, sizeof pg->err,
                 "%s refused the credentials (401): %.380s; check "
                 "elastic_user and its password, or the API key",
                 c->what, q->reason);
    else if (q->status == 403)
        logs_msg(pg->err, sizeof pg->err, "%s: not allowed (403): %.400s",
                 c->what, q->reason);
    else if (q->status == 404)
        logs_msg(pg->err, sizeof pg->err, "%s: %.450s (404)", c->what,
                 q->reason);
    else
        logs_msg(pg->err, sizeof pg->err, "%s: %.450s", c->what, q->reason);
    pg->status = LOGS_ERROR;
}

static void logs_answer_ok(struct logs_client *c, struct logs_req *q)
{
    struct logs_page *pg = &c->page;
    struct es_result *r = &q->res;
    size_t nnew;
    bool more;

    c->backoff = 0;
    pg->retry_at = 0;
    pg->err[0] = '\0';
    pg->stale = false;
    pg->fetched = loop_wall();
    pg->took_ms = r->took_ms;
    pg->warn[0] = '\0';
    if (r->shards_failed > 0)
        logs_msg(pg->warn, sizeof pg->warn,
                 "partial results: %d of %d shards failed (%.150s)",
                 r->shards_failed, r->shards_total,
                 r->shard_failure != NULL ? r->shard_failure : "no reason");
    else if (r->timed_out)
        logs_msg(pg->warn, sizeof pg->warn,
                 "partial results: the search timed out");
    if (q->kind == LOGS_REQ_FIRST) {
        pg->no_index = r->shards_total == 0;
        pg->total = r->total;
        pg->total_gte = r->total_gte;
        free(pg->buckets);
        pg->buckets = r->buckets;
        pg->nbuckets = r->nbuckets;
        r->buckets = NULL;
        r->nbuckets = 0;
    }
    nnew = logs_merge(c, r->hits, r->nhits, q->kind == LOGS_REQ_FOLLOW);
    more = r->nhits >= LOGS_PAGE;
    r->hits = NULL; /* logs_merge took them */
    r->nhits = 0;
    if (q->kind == LOGS_REQ_FOLLOW) {
        pg->fresh += nnew;
        if (pg->total >= 0)
            pg->total += (long long)nnew;
    } else {
        pg->more = more && pg->nhits < LOGS_MAX_HITS;
        pg->loading_more = false;
    }
    pg->status = LOGS_OK;
}

static void logs_parse_done(void *arg)
{
    struct logs_req *q = arg;
    struct logs_client *c = q->c;

    if (c != NULL) {
        for (struct logs_req **p = &c->inflight; *p != NULL; p = &(*p)->next)
            if (*p == q) {
                *p = q->next;
                break;
            }
        c->parsing--;
    }
    if (c == NULL || q->gen != c->gen) { /* gone, or an older search */
        es_result_free(&q->res);
        free(q->reason);
        logs_req_free(q);
        return;
    }
    if (q->too_big) {
        logs_msg(c->page.err, sizeof c->page.err,
                 "%s: the answer is larger than %d MiB", c->what,
                 LOGS_BODY_MAX >> 20);
        c->page.status = LOGS_ERROR;
    } else if (q->status != 200) {
        logs_answer_error(c, q);
    } else if (q->rc != 0) {
        logs_msg(c->page.err, sizeof c->page.err, "%s: %s", c->what,
                 q->err.msg);
        c->page.status = LOGS_ERROR;
        c->page.stale = c->page.nhits > 0;
    } else {
        logs_answer_ok(c, q);
    }
    if (q->kind != LOGS_REQ_FIRST || c->page.status != LOGS_LOADING)
        c->page.loading_more = false;
    es_result_free(&q->res);
    free(q->reason);
    q->reason = NULL;
    if (q->retrying) /* logs_retry keeps it for the next attempt */
        q->retrying = false;
    else
        logs_req_free(q);
    logs_changed(c);
}

static void logs_on_done(void *arg, int status, const struct mc_err *err)
{
    struct logs_req *q = arg;
    struct logs_client *c = q->c;

    c->running = NULL;
    q->req = NULL;
    if (err != NULL) {
        logs_msg(c->page.err, sizeof c->page.err, "%s: %s", c->what, err->msg);
        c->page.status = LOGS_ERROR;
        c->page.stale = c->page.nhits > 0;
        c->page.loading_more = false;
        logs_req_free(q);
        logs_changed(c);
        return;
    }
    if (q->status == 0)
        q->status = status;
    if (q->proxy_status > 0) /* Kibana 8.6+: the real status */
        q->status = q->proxy_status;
    c->parsing++;
    q->next = c->inflight;
    c->inflight = q;
    worker_submit(c->site->worker, logs_parse_run, logs_parse_done, q,
                  q->body.len);
}

/* Send q's body; false when it cannot start (err set in the page). */
static bool logs_send(struct logs_client *c, struct logs_req *q)
{
    struct http_cb cb = { logs_on_status, logs_on_data, logs_on_done, q,
                          logs_on_header };
    struct mc_err err = { 0 };

    if (!logs_transport(c)) {
        if (q->kind == LOGS_REQ_FIRST && c->page.status == LOGS_LOADING) {
            logs_req_free(c->pending);
            c->pending = q; /* the tick sends it when the way is open */
            return true;
        }
        logs_req_free(q);
        return false;
    }
    q->status = q->proxy_status = 0;
    buf_reset(&q->body);
    q->too_big = false;
    q->req = http_request(c->http, "POST", c->search_path, q->json, &cb, &err);
    if (q->req == NULL) {
        logs_msg(c->page.err, sizeof c->page.err, "%s: %s", c->what, err.msg);
        c->page.status = LOGS_ERROR;
        logs_req_free(q);
        return false;
    }
    c->running = q;
    return true;
}

static void logs_cancel_running(struct logs_client *c)
{
    logs_req_free(c->pending);
    c->pending = NULL;
    if (c->running != NULL) {
        http_cancel(c->http, c->running->req);
        logs_req_free(c->running);
        c->running = NULL;
    }
    if (c->retry_timer != 0) {
        loop_del_timer(c->site->loop, c->retry_timer);
        c->retry_timer = 0;
        logs_req_free(c->retry_req);
        c->retry_req = NULL;
    }
}

static long logs_retry_fire(void *arg)
{
    struct logs_client *c = arg;
    struct logs_req *q = c->retry_req;

    c->retry_timer = 0;
    c->retry_req = NULL;
    if (q != NULL && q->gen == c->gen && c->running == NULL)
        logs_send(c, q);
    else if (q != NULL)
        logs_req_free(q);
    logs_changed(c);
    return LOOP_STOP;
}

static void logs_retry(struct logs_client *c, struct logs_req *q)
{
    q->retrying = true;
    if (c->retry_timer != 0)
        return;
    c->retry_req = q;
    c->retry_timer = loop_add_timer(c->site->loop, (long)c->backoff * 1000,
                                    logs_retry_fire, c);
}

/* A request of kind for the current search. */
static struct logs_req *logs_req_new(struct logs_client *c,
                                     enum logs_req_kind kind)
{
    struct logs_req *q = xcalloc(1, sizeof *q);
    struct es_query eq = {
        .syntax = c->q.syntax,
        .text = c->q.text,
        .time_field = c->fields.time,
        .gte = c->q.gte,
        .lte = c->following ? "now" : c->q.lte,
        .size = LOGS_PAGE,
    };
    struct mc_err err = { 0 };
    char gte[64];
    const struct es_hit *last;

    q->c = c;
    q->gen = c->gen;
    q->kind = kind;
    if (kind == LOGS_REQ_FIRST) {
        eq.interval = c->interval;
    } else if (kind == LOGS_REQ_MORE) {
        last = c->page.nhits > 0 ? &c->page.hits[c->page.nhits - 1] : NULL;
        eq.search_after = last != NULL ? last->sort : NULL;
    } else { /* follow: from the newest shown, with an overlap */
        double from = c->page.nhits > 0 && !isnan(c->page.hits[0].time)
                          ? c->page.hits[0].time - LOGS_OVERLAP
                          : loop_wall() - LOGS_OVERLAP;

        logs_iso_time(from, gte, sizeof gte);
        eq.gte = gte;
        eq.lte = "now";
        eq.ascending = true;
        eq.size = 500;
    }
    q->json = es_build_search(&eq, &err);
    if (q->json == NULL) {
        logs_msg(c->page.err, sizeof c->page.err, "%s", err.msg);
        c->page.status = LOGS_ERROR;
        free(q);
        return NULL;
    }
    return q;
}

/* ---- follow ---- */

static long logs_follow_tick(void *arg)
{
    struct logs_client *c = arg;
    struct logs_req *q;

    if (!c->following) {
        c->follow_timer = 0;
        return LOOP_STOP;
    }
    if (c->running == NULL && c->parsing == 0 && c->retry_timer == 0 &&
        c->page.status != LOGS_LOADING && c->site->conn == SITE_CONNECTED) {
        q = logs_req_new(c, LOGS_REQ_FOLLOW);
        if (q != NULL)
            logs_send(c, q);
    }
    return LOGS_FOLLOW_MS;
}

/* ---- the API ---- */

void logs_client_search(struct logs_client *c, const struct logs_search *s)
{
    struct logs_req *q;
    double now = loop_wall(), from = now - 900, to = now;

    logs_cancel_running(c);
    c->gen++;
    free(c->q.text);
    free(c->q.gte);
    free(c->q.lte);
    c->q.syntax = s->syntax;
    c->q.text = xstrdup(s->text != NULL ? s->text : "");
    c->q.gte = xstrdup(s->gte != NULL ? s->gte : "now-15m");
    c->q.lte = xstrdup(s->lte != NULL ? s->lte : "now");
    logs_page_reset(c);
    logs_resolve_time(c->q.gte, now, &from);
    logs_resolve_time(c->following ? "now" : c->q.lte, now, &to);
    if (to <= from)
        to = from + 1;
    c->page.from = from;
    c->page.to = to;
    c->interval = es_pick_interval(to - from, LOGS_BUCKETS);
    c->page.bucket_secs = logs_interval_secs(c->interval);
    c->page.following = c->following;
    c->page.status = LOGS_LOADING;
    c->backoff = 0;
    q = logs_req_new(c, LOGS_REQ_FIRST);
    if (q != NULL && !logs_send(c, q) && c->page.status == LOGS_LOADING)
        c->page.status = LOGS_ERROR;
    logs_changed(c);
}

void logs_client_more(struct logs_client *c)
{
    struct logs_req *q;

    if (!c->page.more || c->page.loading_more || c->running != NULL ||
        c->page.nhits == 0)
        return;
    q = logs_req_new(c, LOGS_REQ_MORE);
    if (q == NULL)
        return;
    c->page.loading_more = true;
    if (!logs_send(c, q))
        c->page.loading_more = false;
    logs_changed(c);
}

void logs_client_follow(struct logs_client *c, bool on)
{
    c->following = on;
    c->page.following = on;
    if (on && c->follow_timer == 0)
        c->follow_timer = loop_add_timer(c->site->loop, 0, logs_follow_tick, c);
    logs_changed(c);
}

void logs_client_seen(struct logs_client *c)
{
    if (c->page.fresh > 0) {
        c->page.fresh = 0;
        logs_changed(c);
    }
}

const struct logs_page *logs_client_page(const struct logs_client *c)
{
    return &c->page;
}

const char *logs_client_index(const struct logs_client *c)
{
    return c->index;
}

const char *logs_client_describe(const struct logs_client *c)
{
    return c->what;
}

const struct es_fields *logs_client_fields(const struct logs_client *c)
{
    return &c->fields;
}

/* A first page waiting for the transport; staleness with the site's. */
void logs_client_tick(struct logs_client *c)
{
    struct logs_req *q = c->pending;

    if (q != NULL && c->running == NULL && logs_transport(c)) {
        c->pending = NULL;
        if (logs_send(c, q))
            logs_changed(c);
    } else if (q != NULL && c->page.status == LOGS_ERROR) {
        c->pending = NULL; /* the transport failed: err says why */
        logs_req_free(q);
        logs_changed(c);
    }
    if (site_stale(c->site) && c->page.nhits > 0 && !c->page.stale) {
        c->page.stale = true;
        logs_changed(c);
    }
}

static long logs_tick_cb(void *arg)
{
    logs_client_tick(arg);
    return 500;
}

void logs_client_start(struct logs_client *c)
{
    if (c->tick == 0)
        c->tick = loop_add_timer(c->site->loop, 500, logs_tick_cb, c);
}

void logs_client_free(struct logs_client *c)
{
    if (c == NULL)
        return;
    logs_cancel_running(c);
    if (c->tick != 0)
        loop_del_timer(c->site->loop, c->tick);
    if (c->follow_timer != 0)
        loop_del_timer(c->site->loop, c->follow_timer);
    for (struct logs_req *q = c->inflight; q != NULL; q = q->next)
        q->c = NULL; /* their completions free them */
    logs_transport_free(c);
    logs_page_reset(c);
    strmap_free(&c->seen);
    free(c->keys);
    free(c->q.text);
    free(c->q.gte);
    free(c->q.lte);
    free(c->index);
    free(c->search_path);
    free(c);
}
