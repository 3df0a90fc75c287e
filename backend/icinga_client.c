/* Icinga 2 fetch, event stream and resync for one site. */
#include "icinga_client.h"

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

enum icinga_phase { PHASE_IDLE, PHASE_HOSTS, PHASE_SERVICES };

struct icinga_client {
    struct site *site;
    /* the running fetch */
    enum icinga_phase phase;
    struct http_req *req;
    int status;
    struct icinga_reader *reader;
    struct buf errbody;
    struct mc_host *hosts;
    size_t nhosts;
    size_t done_bytes, done_objects; /* of earlier phases */
    /* events seen while a fetch runs, applied to its result */
    struct icinga_event *queued;
    size_t nqueued, capqueued;
    /* the event stream */
    struct http_req *events;
    int ev_status;
    struct buf evline;
    unsigned resync_timer, retry_timer, events_timer;
    long retry_ms;
};

static void icinga_fetch_phase(struct icinga_client *c, enum icinga_phase p);

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

static void icinga_reset_fetch(struct icinga_client *c)
{
    http_cancel(c->site->http, c->req);
    c->req = NULL;
    icinga_reader_free(c->reader);
    c->reader = NULL;
    model_hosts_free(c->hosts, c->nhosts);
    c->hosts = NULL;
    c->nhosts = 0;
    buf_reset(&c->errbody);
    c->phase = PHASE_IDLE;
    c->site->loading = false;
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

static void icinga_publish(struct icinga_client *c, struct mc_service *svcs,
                           size_t nsvcs)
{
    struct site *s = c->site;
    struct mc_snapshot *snap = snapshot_new(c->hosts, c->nhosts, svcs, nsvcs,
                                            &s->map);
    double now = loop_wall();

    c->hosts = NULL;
    c->nhosts = 0;
    for (size_t i = 0; i < snap->nhosts; i++)
        icinga_trend(s, &snap->hosts[i], now);
    site_set_snapshot(s, snap);
    /* Events that arrived during the fetch are newer than parts of it. */
    for (size_t i = 0; i < c->nqueued; i++)
        icinga_apply(c, &c->queued[i]);
    icinga_drop_queue(c);
    c->retry_ms = 0;
    if (c->resync_timer == 0)
        c->resync_timer =
            loop_add_timer(s->loop, (long)s->refresh * 1000, icinga_resync_cb,
                           c);
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

static void icinga_fetch_status(void *arg, int status)
{
    struct icinga_client *c = arg;

    c->status = status;
}

static void icinga_fetch_data(void *arg, const char *p, size_t n)
{
    struct icinga_client *c = arg;
    struct site *s = c->site;
    struct mc_err err = { 0 };

    if (c->status != 200) {
        buf_append(&c->errbody, p, n);
        return;
    }
    if (icinga_reader_feed(c->reader, p, n, &err) < 0) {
        err_prefix(&err, "%s: %s", s->name,
                   c->phase == PHASE_HOSTS ? "hosts" : "services");
        icinga_reset_fetch(c);
        icinga_fail(c, &err);
        icinga_schedule_retry(c);
        return;
    }
    s->load_bytes = c->done_bytes + icinga_reader_bytes(c->reader);
    s->load_objects = c->done_objects + icinga_reader_objects(c->reader);
    if (s->notify != NULL)
        s->notify(s->notify_arg, s);
}

static void icinga_fetch_done(void *arg, int status, const struct mc_err *terr)
{
    struct icinga_client *c = arg;
    struct mc_service *svcs;
    struct mc_err err = { 0 };
    size_t n;

    c->req = NULL; /* the transport frees it after this returns */
    if (terr != NULL)
        err = *terr;
    else if (status != 200)
        icinga_parse_error(c->errbody.data, c->errbody.len, status, &err);
    else
        icinga_reader_finish(c->reader, &err);
    if (err.msg[0] != '\0') {
        err_prefix(&err, "%s: %s", c->site->name,
                   c->phase == PHASE_HOSTS ? "hosts" : "services");
        icinga_reset_fetch(c);
        icinga_fail(c, &err);
        icinga_schedule_retry(c);
        return;
    }
    c->done_bytes += icinga_reader_bytes(c->reader);
    c->done_objects += icinga_reader_objects(c->reader);
    if (c->phase == PHASE_HOSTS) {
        c->hosts = icinga_reader_take_hosts(c->reader, &c->nhosts);
        icinga_fetch_phase(c, PHASE_SERVICES);
        return;
    }
    svcs = icinga_reader_take_services(c->reader, &n);
    icinga_reader_free(c->reader);
    c->reader = NULL;
    c->phase = PHASE_IDLE;
    c->site->loading = false;
    icinga_publish(c, svcs, n);
}

static void icinga_fetch_phase(struct icinga_client *c, enum icinga_phase p)
{
    struct http_cb cb = { icinga_fetch_status, icinga_fetch_data,
                          icinga_fetch_done, c };
    struct mc_err err = { 0 };
    bool hosts = p == PHASE_HOSTS;

    icinga_reader_free(c->reader);
    c->reader = icinga_reader_new(hosts ? ICINGA_HOSTS : ICINGA_SERVICES,
                                  c->site->env_var);
    c->phase = p;
    c->status = 0;
    buf_reset(&c->errbody);
    c->req = http_request(c->site->http, "GET",
                          hosts ? "/v1/objects/hosts" : "/v1/objects/services",
                          hosts ? icinga_host_query : icinga_service_query,
                          &cb, &err);
    if (c->req == NULL) {
        icinga_reset_fetch(c);
        icinga_fail(c, &err);
        icinga_schedule_retry(c);
    }
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

static void icinga_event_line(struct icinga_client *c, const char *line,
                              size_t len)
{
    struct icinga_event ev;
    struct mc_err err = { 0 };

    if (icinga_parse_event(line, len, &ev, &err) < 0) {
        err_prefix(&err, "%s: event stream", c->site->name);
        icinga_fail(c, &err);
        return;
    }
    if (c->phase != PHASE_IDLE || c->site->snap == NULL) {
        if (c->nqueued == c->capqueued) {
            c->capqueued = c->capqueued ? c->capqueued * 2 : 64;
            c->queued = xreallocarray(c->queued, c->capqueued,
                                      sizeof *c->queued);
        }
        c->queued[c->nqueued++] = ev; /* takes the strings */
        if (c->phase == PHASE_IDLE)
            return;
        /* A resync is running: the current data gets it now as well. */
        if (c->site->snap != NULL) {
            struct icinga_event copy = ev;

            icinga_apply(c, &copy);
        }
        return;
    }
    icinga_apply(c, &ev);
    icinga_event_clear(&ev);
}

static void icinga_events_status(void *arg, int status)
{
    struct icinga_client *c = arg;

    c->ev_status = status;
    c->site->live = status == 200;
}

static void icinga_events_data(void *arg, const char *p, size_t n)
{
    struct icinga_client *c = arg;
    struct site *s = c->site;
    uint64_t gen = s->gen;
    size_t start = 0;

    buf_append(&c->evline, p, n);
    if (c->ev_status != 200)
        return; /* an error body, read at the end */
    for (size_t i = 0; i < c->evline.len; i++) {
        if (c->evline.data[i] != '\n')
            continue;
        if (i > start)
            icinga_event_line(c, c->evline.data + start, i - start);
        start = i + 1;
    }
    buf_consume(&c->evline, start);
    if (s->gen != gen)
        site_touch(s);
}

static void icinga_events_done(void *arg, int status, const struct mc_err *te)
{
    struct icinga_client *c = arg;
    struct mc_err err = { 0 };

    c->events = NULL;
    c->site->live = false;
    if (te != NULL)
        err = *te;
    else if (status != 200)
        icinga_parse_error(c->evline.data, c->evline.len, status, &err);
    else
        err_set(&err, "the event stream ended");
    buf_reset(&c->evline);
    err_prefix(&err, "%s: events (polling every %d s until it is back)",
               c->site->name, c->site->refresh);
    icinga_fail(c, &err);
    c->events_timer = loop_add_timer(c->site->loop, ICINGA_RETRY_MAX_MS / 4,
                                     icinga_events_retry_cb, c);
}

static void icinga_open_events(struct icinga_client *c)
{
    struct http_cb cb = { icinga_events_status, icinga_events_data,
                          icinga_events_done, c };
    struct mc_err err = { 0 };
    char body[512];

    /* A queue name of our own: Icinga fans events out per queue. */
    snprintf(body, sizeof body, "{\"queue\":\"mctop-%ld-%p\",%s}",
             (long)getpid(), (void *)c, icinga_event_types);
    buf_reset(&c->evline);
    c->ev_status = 0;
    c->events = http_request(c->site->http, "POST", "/v1/events", body, &cb,
                             &err);
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

void icinga_client_resync(struct icinga_client *c)
{
    struct site *s = c->site;

    if (c->phase != PHASE_IDLE)
        return; /* one fetch at a time */
    if (c->resync_timer != 0) {
        loop_del_timer(s->loop, c->resync_timer);
        c->resync_timer = 0;
    }
    c->done_bytes = c->done_objects = 0;
    s->loading = true;
    s->load_bytes = s->load_objects = 0;
    icinga_fetch_phase(c, PHASE_HOSTS);
}

void icinga_client_free(struct icinga_client *c)
{
    struct loop *l;

    if (c == NULL)
        return;
    l = c->site->loop;
    icinga_reset_fetch(c);
    http_cancel(c->site->http, c->events);
    if (c->resync_timer != 0)
        loop_del_timer(l, c->resync_timer);
    if (c->retry_timer != 0)
        loop_del_timer(l, c->retry_timer);
    if (c->events_timer != 0)
        loop_del_timer(l, c->events_timer);
    icinga_drop_queue(c);
    free(c->queued);
    buf_free(&c->errbody);
    buf_free(&c->evline);
    free(c);
}
