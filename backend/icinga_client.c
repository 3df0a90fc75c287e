/* Icinga 2 fetch, event stream and resync for one site. */
#include "icinga_client.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/buf.h"
#include "backend/http.h"
#include "backend/icinga_parse.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/trend.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

#define ICINGA_RETRY_MIN_MS 2000
#define ICINGA_RETRY_MAX_MS 60000

/* Only the attributes the views use: Icinga has no sub-field selection. */
static const char icinga_host_query[] =
    "{\"attrs\":[\"name\",\"display_name\",\"address\",\"state\","
    "\"state_type\",\"last_state_change\",\"last_check\","
    "\"last_check_result\",\"acknowledgement\",\"downtime_depth\","
    "\"flapping\",\"last_reachable\",\"check_attempt\","
    "\"max_check_attempts\",\"vars\"]}";
static const char icinga_service_query[] =
    "{\"attrs\":[\"name\",\"display_name\",\"host_name\",\"state\","
    "\"state_type\",\"last_state_change\",\"last_check\","
    "\"last_check_result\",\"acknowledgement\",\"downtime_depth\","
    "\"flapping\",\"last_reachable\",\"check_attempt\","
    "\"max_check_attempts\"]}";
static const char icinga_event_types[] =
    "\"types\":[\"CheckResult\",\"StateChange\",\"AcknowledgementSet\","
    "\"AcknowledgementCleared\",\"DowntimeStarted\",\"DowntimeTriggered\","
    "\"DowntimeRemoved\",\"Flapping\"]";

enum { PART_HOSTS, PART_SERVICES, PART_COUNT };

struct icinga_fetch;

/* One of the two requests of a fetch (hosts, services), streamed apart. */
struct fetch_part {
    struct icinga_fetch *f;
    int which;
    /* loop side */
    struct http_req *req;
    int status;
    bool paused;
    struct buf errbody;
    size_t bytes, objects; /* progress, from its jobs' results */
    /* worker side */
    struct icinga_reader *reader;
};

/*
 * One full fetch: hosts and services requested at once. The loop thread
 * owns the requests and the bookkeeping; the readers and the parsed
 * arrays belong to the worker thread, which gets the bodies in chunks as
 * jobs. A cancelled fetch (c == NULL) lives on until its last job is done.
 */
struct icinga_fetch {
    struct icinga_client *c;
    atomic_bool cancelled; /* the worker skips the remaining jobs */
    unsigned jobs;
    struct fetch_part part[PART_COUNT];
    /* worker side */
    bool failed;
    struct mc_err err;
    int finished;
    char *env_var;
    struct metric_map map;
    struct mc_host *hosts;
    size_t nhosts;
    struct mc_service *svcs;
    size_t nsvcs;
};

enum fetch_job_kind { JOB_CHUNK, JOB_FINISH };

struct fetch_job {
    struct fetch_part *p;
    enum fetch_job_kind kind;
    char *data;
    size_t len;
    /* results for the loop thread */
    size_t bytes, objects;
    bool failed;
    struct mc_err err;
    struct mc_snapshot *snap;
};

/* One host's services on demand: parsed on the loop thread (small). */
struct host_fetch {
    struct icinga_client *c;
    struct http_req *req;
    int status;
    struct buf body;
    struct host_fetch *next;
};

struct icinga_client {
    struct site *site;
    struct icinga_fetch *fetch; /* the running fetch, or NULL */
    /* events seen while a fetch runs, applied to its result */
    struct icinga_event *queued;
    size_t nqueued, capqueued;
    /* the event stream */
    struct http_req *events;
    int ev_status;
    struct buf evline;
    struct event_job *event_jobs, *event_jobs_tail; /* parsing on the worker */
    struct host_fetch *host_fetches; /* one host's services, on demand */
    unsigned resync_timer, retry_timer, events_timer;
    long retry_ms;
};

/* Flow control: hold the body back while the worker is this far behind. */
#define FETCH_PAUSE_BYTES  (16u << 20)
#define FETCH_RESUME_BYTES (4u << 20)

static void icinga_schedule_retry(struct icinga_client *c);

static void icinga_fail(struct icinga_client *c, const struct mc_err *err)
{
    site_set_error(c->site, err);
}

static void icinga_drop_queue(struct icinga_client *c)
{
    for (size_t i = 0; i < c->nqueued; i++)
        icinga_event_clear(&c->queued[i]);
    c->nqueued = 0;
}

static void icinga_fetch_free(struct icinga_fetch *f)
{
    for (int i = 0; i < PART_COUNT; i++) {
        icinga_reader_free(f->part[i].reader);
        buf_free(&f->part[i].errbody);
    }
    model_hosts_free(f->hosts, f->nhosts);
    model_services_free(f->svcs, f->nsvcs);
    metric_map_free(&f->map);
    free(f->env_var);
    free(f);
}

/* Stop the running fetch; its jobs finish as no-ops. */
static void icinga_cancel_fetch(struct icinga_client *c)
{
    struct icinga_fetch *f = c->fetch;

    if (f == NULL)
        return;
    for (int i = 0; i < PART_COUNT; i++) {
        http_cancel(c->site->http, f->part[i].req);
        f->part[i].req = NULL;
    }
    f->c = NULL;
    atomic_store(&f->cancelled, true);
    c->fetch = NULL;
    c->site->loading = false;
    if (f->jobs == 0)
        icinga_fetch_free(f);
}

static void icinga_fetch_failed(struct icinga_client *c,
                                const struct mc_err *err, int which)
{
    struct mc_err e = *err;

    err_prefix(&e, "%s: %s", c->site->name,
               which == PART_HOSTS ? "hosts" : "services");
    icinga_cancel_fetch(c);
    icinga_fail(c, &e);
    icinga_schedule_retry(c);
}

/* Record a host's load for its sparkline. */
static void icinga_trend(struct site *s, const struct mc_host *h, double when)
{
    const struct mc_metric *m = &h->metric[MC_METRIC_LOAD];

    if (m->valid)
        trend_add(s->load_trend, h->name, when, m->value);
}

static void icinga_apply(struct icinga_client *c, const struct icinga_event *ev)
{
    struct site *s = c->site;
    struct mc_host *h;

    if (!snapshot_apply_event(s->snap, ev))
        return;
    if (ev->type == ICINGA_EV_CHECK_RESULT && ev->service != NULL &&
        metric_map_matches(&s->map, MC_METRIC_LOAD, ev->service) &&
        (h = snapshot_find_host(s->snap, ev->host)) != NULL)
        icinga_trend(s, h, ev->timestamp);
    s->gen++;
}

static long icinga_resync_cb(void *arg)
{
    struct icinga_client *c = arg;

    c->resync_timer = 0;
    icinga_client_resync(c);
    return LOOP_STOP;
}

static void icinga_publish(struct icinga_client *c, struct mc_snapshot *snap)
{
    struct site *s = c->site;
    double now = loop_wall();

    for (size_t i = 0; i < snap->nhosts; i++)
        icinga_trend(s, &snap->hosts[i], now);
    site_set_snapshot(s, snap);
    /* Events that arrived during the fetch are newer than parts of it. */
    for (size_t i = 0; i < c->nqueued; i++)
        icinga_apply(c, &c->queued[i]);
    icinga_drop_queue(c);
    c->retry_ms = 0;
    if (c->resync_timer == 0)
        c->resync_timer = loop_add_timer(s->loop, (long)s->refresh * 1000,
                                         icinga_resync_cb, c);
}

static long icinga_retry_cb(void *arg)
{
    struct icinga_client *c = arg;

    c->retry_timer = 0;
    icinga_client_resync(c);
    return LOOP_STOP;
}

static void icinga_schedule_retry(struct icinga_client *c)
{
    c->retry_ms = c->retry_ms ? c->retry_ms * 2 : ICINGA_RETRY_MIN_MS;
    if (c->retry_ms > ICINGA_RETRY_MAX_MS)
        c->retry_ms = ICINGA_RETRY_MAX_MS;
    if (c->retry_timer == 0)
        c->retry_timer =
            loop_add_timer(c->site->loop, c->retry_ms, icinga_retry_cb, c);
}

/* ---- worker side: parse chunks, finish parts, build the snapshot ---- */

static void fetch_job_run(void *arg)
{
    struct fetch_job *j = arg;
    struct fetch_part *p = j->p;
    struct icinga_fetch *f = p->f;

    if (f->failed || atomic_load(&f->cancelled)) {
        j->failed = f->failed;
        j->err = f->err;
        return; /* an earlier job failed, or the fetch was cancelled */
    }
    if (j->kind == JOB_CHUNK)
        f->failed = icinga_reader_feed(p->reader, j->data, j->len, &f->err) < 0;
    else
        f->failed = icinga_reader_finish(p->reader, &f->err) < 0;
    j->bytes = icinga_reader_bytes(p->reader);
    j->objects = icinga_reader_objects(p->reader);
    j->failed = f->failed;
    j->err = f->err;
    if (j->kind == JOB_CHUNK || f->failed)
        return;
    if (p->which == PART_HOSTS)
        f->hosts = icinga_reader_take_hosts(p->reader, &f->nhosts);
    else
        f->svcs = icinga_reader_take_services(p->reader, &f->nsvcs);
    if (++f->finished < PART_COUNT)
        return;
    j->snap = snapshot_new(f->hosts, f->nhosts, f->svcs, f->nsvcs, &f->map);
    f->hosts = NULL;
    f->svcs = NULL;
    f->nhosts = f->nsvcs = 0;
}

static void fetch_job_done(void *arg)
{
    struct fetch_job *j = arg;
    struct fetch_part *p = j->p;
    struct icinga_fetch *f = p->f;
    struct icinga_client *c = f->c;
    struct site *s;

    f->jobs--;
    free(j->data);
    if (c == NULL) { /* cancelled */
        snapshot_free(j->snap);
        if (f->jobs == 0)
            icinga_fetch_free(f);
        free(j);
        return;
    }
    s = c->site;
    p->bytes = j->bytes;
    p->objects = j->objects;
    s->load_bytes = f->part[0].bytes + f->part[1].bytes;
    s->load_objects = f->part[0].objects + f->part[1].objects;
    if (j->failed) {
        icinga_fetch_failed(c, &j->err, p->which);
    } else if (j->kind == JOB_CHUNK) {
        if (p->paused && worker_queued_bytes(s->worker) < FETCH_RESUME_BYTES) {
            p->paused = false;
            http_pause(s->http, p->req, false);
        }
        site_progress(s);
    } else if (j->snap != NULL) {
        c->fetch = NULL;
        s->loading = false;
        icinga_fetch_free(f);
        icinga_publish(c, j->snap);
    }
    free(j);
}

static void fetch_submit(struct fetch_part *p, enum fetch_job_kind kind,
                         const char *data, size_t n)
{
    struct fetch_job *j = xcalloc(1, sizeof *j);

    j->p = p;
    j->kind = kind;
    if (n > 0) {
        j->data = xmalloc(n);
        memcpy(j->data, data, n);
        j->len = n;
    }
    p->f->jobs++;
    worker_submit(p->f->c->site->worker, fetch_job_run, fetch_job_done, j, n);
}

/* ---- loop side: the HTTP requests ---- */

static void icinga_fetch_status(void *arg, int status)
{
    struct fetch_part *p = arg;

    p->status = status;
}

static void icinga_fetch_data(void *arg, const char *data, size_t n)
{
    struct fetch_part *p = arg;
    struct site *s = p->f->c->site;

    if (p->status != 200) {
        buf_append(&p->errbody, data, n);
        return;
    }
    fetch_submit(p, JOB_CHUNK, data, n);
    if (!p->paused && worker_queued_bytes(s->worker) > FETCH_PAUSE_BYTES) {
        p->paused = true;
        http_pause(s->http, p->req, true);
    }
}

/* What to do about the HTTP errors users hit most: say it with the error. */
static void icinga_hint(struct mc_err *err, int status, const char *perm)
{
    char old[sizeof err->msg];

    if (status != 401 && status != 404)
        return;
    memcpy(old, err->msg, sizeof old);
    if (status == 401)
        snprintf(err->msg, sizeof err->msg,
                 "wrong icinga_user or password? %.200s", old);
    else
        snprintf(err->msg, sizeof err->msg,
                 "the API user lacks the permission %s? (Icinga answers 404 "
                 "for that) %.140s",
                 perm, old);
}

static void icinga_fetch_done(void *arg, int status, const struct mc_err *terr)
{
    struct fetch_part *p = arg;
    struct mc_err err = { 0 };

    p->req = NULL; /* the transport frees it after this returns */
    if (terr != NULL)
        err = *terr;
    else if (status != 200) {
        icinga_parse_error(p->errbody.data, p->errbody.len, status, &err);
        icinga_hint(&err, status,
                    p->which == PART_HOSTS ? "objects/query/Host"
                                           : "objects/query/Service");
    }
    if (err.msg[0] != '\0') {
        icinga_fetch_failed(p->f->c, &err, p->which);
        return;
    }
    fetch_submit(p, JOB_FINISH, NULL, 0);
}

static int icinga_fetch_part(struct icinga_client *c, int which)
{
    struct fetch_part *p = &c->fetch->part[which];
    struct http_cb cb = { icinga_fetch_status, icinga_fetch_data,
                          icinga_fetch_done, p, NULL };
    struct mc_err err = { 0 };
    bool hosts = which == PART_HOSTS;

    p->req = http_request(c->site->http, "GET",
                          hosts ? "/v1/objects/hosts" : "/v1/objects/services",
                          hosts ? icinga_host_query : icinga_service_query, &cb,
                          &err);
    if (p->req != NULL)
        return 0;
    icinga_fetch_failed(c, &err, which);
    return -1;
}

/* Hosts and services at once: Icinga builds both answers in parallel. */
static void icinga_start_fetch(struct icinga_client *c)
{
    struct site *s = c->site;
    struct icinga_fetch *f = xcalloc(1, sizeof *f);

    f->c = c;
    f->env_var = xstrdup(s->env_var);
    metric_map_copy(&f->map, &s->map);
    for (int i = 0; i < PART_COUNT; i++) {
        f->part[i].f = f;
        f->part[i].which = i;
        f->part[i].reader = icinga_reader_new(
            i == PART_HOSTS ? ICINGA_HOSTS : ICINGA_SERVICES, f->env_var);
    }
    c->fetch = f;
    s->loading = true;
    s->load_bytes = s->load_objects = 0;
    if (icinga_fetch_part(c, PART_HOSTS) == 0)
        icinga_fetch_part(c, PART_SERVICES);
}

/* ---- the event stream ---- */

static void icinga_open_events(struct icinga_client *c);

static long icinga_events_retry_cb(void *arg)
{
    struct icinga_client *c = arg;

    c->events_timer = 0;
    icinga_open_events(c);
    return LOOP_STOP;
}

/*
 * Event lines are parsed on the worker (thousands a second on a big
 * site) and applied here, in order, by the job's completion.
 */
struct event_job {
    struct icinga_client *c; /* NULL once the client is gone */
    struct event_job *next;  /* the client's jobs in flight */
    char *data;
    size_t len;
    struct icinga_event *ev;
    size_t nev;
    struct mc_err err; /* the first bad line, msg "" if none */
};

static void event_job_run(void *arg)
{
    struct event_job *j = arg;
    size_t start = 0;

    for (size_t i = 0; i < j->len; i++) {
        struct mc_err e = { 0 };

        if (j->data[i] != '\n')
            continue;
        if (i > start) {
            j->ev = xreallocarray(j->ev, j->nev + 1, sizeof *j->ev);
            if (icinga_parse_event(j->data + start, i - start, &j->ev[j->nev],
                                   &e) == 0)
                j->nev++;
            else if (j->err.msg[0] == '\0')
                j->err = e;
        }
        start = i + 1;
    }
}

static void icinga_event_take(struct icinga_client *c, struct icinga_event *ev)
{
    if (c->fetch == NULL && c->site->snap != NULL) {
        icinga_apply(c, ev);
        icinga_event_clear(ev);
        return;
    }
    /* A fetch runs: its result gets the event after it is built. */
    if (c->nqueued == c->capqueued) {
        c->capqueued = c->capqueued ? c->capqueued * 2 : 64;
        c->queued = xreallocarray(c->queued, c->capqueued, sizeof *c->queued);
    }
    c->queued[c->nqueued++] = *ev; /* takes the strings */
    if (c->site->snap != NULL)
        icinga_apply(c, ev); /* and the data shown meanwhile, too */
}

static void event_job_done(void *arg)
{
    struct event_job *j = arg;
    struct icinga_client *c = j->c;
    uint64_t gen;

    if (c != NULL) {
        c->event_jobs = j->next; /* jobs complete in submission order */
        if (c->event_jobs == NULL)
            c->event_jobs_tail = NULL;
        gen = c->site->gen;
        for (size_t i = 0; i < j->nev; i++)
            icinga_event_take(c, &j->ev[i]);
        if (j->err.msg[0] != '\0') {
            err_prefix(&j->err, "%s: event stream", c->site->name);
            icinga_fail(c, &j->err);
        }
        if (c->site->gen != gen)
            site_touch(c->site);
    } else {
        for (size_t i = 0; i < j->nev; i++)
            icinga_event_clear(&j->ev[i]);
    }
    free(j->ev);
    free(j->data);
    free(j);
}

static void icinga_submit_events(struct icinga_client *c, const char *p,
                                 size_t n)
{
    struct event_job *j = xcalloc(1, sizeof *j);

    j->c = c;
    j->data = xstrndup(p, n);
    j->len = n;
    if (c->event_jobs_tail != NULL)
        c->event_jobs_tail->next = j;
    else
        c->event_jobs = j;
    c->event_jobs_tail = j;
    worker_submit(c->site->worker, event_job_run, event_job_done, j, n);
}

static void icinga_events_status(void *arg, int status)
{
    struct icinga_client *c = arg;

    c->ev_status = status;
    c->site->live = status == 200;
    if (status == 200)
        c->site->poll_msg[0] = '\0';
}

static void icinga_events_data(void *arg, const char *p, size_t n)
{
    struct icinga_client *c = arg;
    const char *nl;

    buf_append(&c->evline, p, n);
    if (c->ev_status != 200)
        return; /* an error body, read at the end */
    /* Whole lines go to the worker; a partial line waits for the rest. */
    for (nl = c->evline.data + c->evline.len; nl > c->evline.data; nl--)
        if (nl[-1] == '\n')
            break;
    if (nl == c->evline.data)
        return;
    nl--;
    icinga_submit_events(c, c->evline.data, (size_t)(nl - c->evline.data) + 1);
    buf_consume(&c->evline, (size_t)(nl - c->evline.data) + 1);
}

static void icinga_events_done(void *arg, int status, const struct mc_err *te)
{
    struct icinga_client *c = arg;
    struct mc_err err = { 0 };

    c->events = NULL;
    c->site->live = false;
    if (te != NULL)
        err = *te;
    else if (status != 200) {
        icinga_parse_error(c->evline.data, c->evline.len, status, &err);
        icinga_hint(&err, status, "events/*");
    } else {
        err_set(&err, "the event stream ended");
    }
    buf_reset(&c->evline);
    err_prefix(&err, "%s: no event stream, polling every %d s", c->site->name,
               c->site->refresh);
    snprintf(c->site->poll_msg, sizeof c->site->poll_msg, "%s", err.msg);
    icinga_fail(c, &err);
    c->events_timer = loop_add_timer(c->site->loop, ICINGA_RETRY_MAX_MS / 4,
                                     icinga_events_retry_cb, c);
}

static void icinga_open_events(struct icinga_client *c)
{
    struct http_cb cb = { icinga_events_status, icinga_events_data,
                          icinga_events_done, c, NULL };
    struct mc_err err = { 0 };
    char body[512];

    /* A queue name of our own: Icinga fans events out per queue. */
    snprintf(body, sizeof body, "{\"queue\":\"mctop-%ld-%p\",%s}",
             (long)getpid(), (void *)c, icinga_event_types);
    buf_reset(&c->evline);
    c->ev_status = 0;
    c->events =
        http_request(c->site->http, "POST", "/v1/events", body, &cb, &err);
    if (c->events == NULL)
        icinga_fail(c, &err);
}

/* ---- life cycle ---- */

struct icinga_client *icinga_client_new(struct site *s)
{
    struct icinga_client *c = xcalloc(1, sizeof *c);

    c->site = s;
    return c;
}

void icinga_client_start(struct icinga_client *c)
{
    icinga_open_events(c);
    icinga_client_resync(c);
}

void icinga_client_reconnected(struct icinga_client *c)
{
    if (c->events == NULL) {
        if (c->events_timer != 0) {
            loop_del_timer(c->site->loop, c->events_timer);
            c->events_timer = 0;
        }
        icinga_open_events(c);
    }
    if (c->retry_timer != 0) {
        loop_del_timer(c->site->loop, c->retry_timer);
        c->retry_timer = 0;
    }
    c->retry_ms = 0;
    icinga_client_resync(c);
}

void icinga_client_resync(struct icinga_client *c)
{
    if (c->fetch != NULL)
        return; /* one fetch at a time */
    if (c->resync_timer != 0) {
        loop_del_timer(c->site->loop, c->resync_timer);
        c->resync_timer = 0;
    }
    icinga_start_fetch(c);
}

void icinga_client_free(struct icinga_client *c)
{
    struct loop *l;

    if (c == NULL)
        return;
    l = c->site->loop;
    icinga_cancel_fetch(c);
    http_cancel(c->site->http, c->events);
    while (c->host_fetches != NULL) {
        struct host_fetch *h = c->host_fetches;

        c->host_fetches = h->next;
        http_cancel(c->site->http, h->req);
        buf_free(&h->body);
        free(h);
    }
    for (struct event_job *j = c->event_jobs; j != NULL; j = j->next)
        j->c = NULL; /* their completions only free them now */
    if (c->resync_timer != 0)
        loop_del_timer(l, c->resync_timer);
    if (c->retry_timer != 0)
        loop_del_timer(l, c->retry_timer);
    if (c->events_timer != 0)
        loop_del_timer(l, c->events_timer);
    icinga_drop_queue(c);
    free(c->queued);
    buf_free(&c->evline);
    free(c);
}

/* ---- one host's services, on demand ---- */

static void host_fetch_status(void *arg, int status)
{
    ((struct host_fetch *)arg)->status = status;
}

static void host_fetch_data(void *arg, const char *p, size_t n)
{
    buf_append(&((struct host_fetch *)arg)->body, p, n);
}

static void host_fetch_unlink(struct host_fetch *h)
{
    for (struct host_fetch **p = &h->c->host_fetches; *p != NULL;
         p = &(*p)->next) {
        if (*p == h) {
            *p = h->next;
            return;
        }
    }
}

/* Fresh results replace the statuses in the current snapshot. */
static void host_fetch_merge(struct icinga_client *c, struct mc_service *svcs,
                             size_t n)
{
    struct mc_snapshot *snap = c->site->snap;
    struct mc_host *h = NULL;

    for (size_t i = 0; i < n && snap != NULL; i++) {
        struct mc_service *old =
            snapshot_find_service(snap, svcs[i].host_name, svcs[i].name);

        if (old == NULL)
            continue; /* new objects wait for the next full fetch */
        model_status_clear(&old->st);
        old->st = svcs[i].st;
        memset(&svcs[i].st, 0, sizeof svcs[i].st);
        h = &snap->hosts[old->host];
    }
    if (h != NULL) {
        snapshot_host_metrics(snap, h);
        site_touch(c->site);
    }
}

static void host_fetch_done(void *arg, int status, const struct mc_err *terr)
{
    struct host_fetch *h = arg;
    struct icinga_reader *r =
        icinga_reader_new(ICINGA_SERVICES, h->c->site->env_var);
    struct mc_err err = { 0 };
    struct mc_service *svcs;
    size_t n = 0;

    host_fetch_unlink(h);
    if (terr == NULL && status == 200 &&
        icinga_reader_feed(r, h->body.data, h->body.len, &err) == 0 &&
        icinga_reader_finish(r, &err) == 0) {
        svcs = icinga_reader_take_services(r, &n);
        host_fetch_merge(h->c, svcs, n);
        model_services_free(svcs, n);
    }
    /* A failure here changes nothing shown: the full fetch reports errors. */
    icinga_reader_free(r);
    buf_free(&h->body);
    free(h);
}

void icinga_client_fetch_host(struct icinga_client *c, const char *host)
{
    struct http_cb cb = { host_fetch_status, host_fetch_data, host_fetch_done,
                          NULL, NULL };
    struct host_fetch *h;
    struct mc_err err = { 0 };
    struct buf body = { 0 };

    if (c->site->http == NULL || c->site->conn != SITE_CONNECTED)
        return;
    /* The name goes in filter_vars: never into the expression itself. */
    buf_puts(&body, icinga_service_query);
    body.len--; /* drop the closing brace */
    buf_puts(&body, ",\"filter\":\"host.name==h\",\"filter_vars\":{\"h\":");
    buf_json_str(&body, host);
    buf_puts(&body, "}}");
    h = xcalloc(1, sizeof *h);
    h->c = c;
    cb.arg = h;
    h->req = http_request(c->site->http, "GET", "/v1/objects/services",
                          body.data, &cb, &err);
    buf_free(&body);
    if (h->req == NULL) {
        free(h);
        return;
    }
    h->next = c->host_fetches;
    c->host_fetches = h;
}
