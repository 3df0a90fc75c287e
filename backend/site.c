/* Site life cycle, connection state text and data publication. */
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti_client.h"
#include "backend/demo_http.h"
#include "backend/icinga_client.h"
#include "backend/icinga_parse.h"
#include "backend/logs_client.h"
#include "backend/loop.h"
#include "backend/site_int.h"
#include "backend/snapshot.h"
#include "backend/trend.h"
#include "backend/triage.h"
#include "backend/xalloc.h"

#define SITE_TREND_SAMPLES 120

struct site *site_alloc(struct loop *loop, struct worker *worker,
                        const char *name, int refresh)
{
    struct site *s = xcalloc(1, sizeof *s);

    s->name = xstrdup(name);
    s->loop = loop;
    s->worker = worker;
    s->refresh = refresh > 0 ? refresh : 60;
    s->env_var = xstrdup(ICINGA_DEFAULT_ENV_VAR);
    s->rtt_ms = -1;
    metric_map_init_default(&s->map);
    s->load_trend = trend_new(SITE_TREND_SAMPLES);
    s->triage = triage_new(s);
    return s;
}

struct site *site_new_demo(struct loop *loop, struct worker *worker,
                           unsigned seed, int nhosts, int refresh)
{
    struct site *s = site_alloc(loop, worker, "demo", refresh);

    s->demo = true;
    s->http = demo_http_new(loop, seed, nhosts);
    s->icinga = icinga_client_new(s);
    s->cacti = cacti_client_new(s);
    s->logs = logs_client_new(s);
    return s;
}

void site_notify(struct site *s)
{
    if (s->notify != NULL)
        s->notify(s->notify_arg, s);
}

void site_start(struct site *s)
{
    if (s->remote != NULL) {
        site_remote_start(s);
        return;
    }
    s->conn = SITE_CONNECTED; /* the demo needs no connection */
    icinga_client_start(s->icinga);
    site_notify(s);
}

void site_free(struct site *s)
{
    if (s == NULL)
        return;
    triage_free(s->triage); /* before the transport its requests use */
    icinga_client_free(s->icinga);
    cacti_client_free(s->cacti); /* it may use the demo's http */
    logs_client_free(s->logs);
    if (s->http != NULL)
        s->http->ops->free(s->http->impl);
    site_ssh_free(s); /* before the worker that may be reading a key */
    site_remote_free(s);
    snapshot_free(s->snap);
    trend_free(s->load_trend);
    metric_map_free(&s->map);
    free(s->env_var);
    free(s->name);
    free(s);
}

void site_set_error(struct site *s, const struct mc_err *err)
{
    s->err = *err;
    s->err_time = loop_wall();
    site_notify(s);
}

void site_set_snapshot(struct site *s, struct mc_snapshot *snap)
{
    snapshot_free(s->snap);
    s->snap = snap;
    s->gen++;
    s->updated = s->synced = loop_wall();
    s->err.msg[0] = '\0';
    triage_check(s->triage);
    site_notify(s);
}

void site_progress(struct site *s)
{
    site_notify(s);
}

void site_touch(struct site *s)
{
    s->gen++;
    s->updated = loop_wall();
    triage_check(s->triage);
    site_notify(s);
}

char *site_conn_text(const struct site *s, char *buf, size_t size)
{
    long long wait;

    switch (s->conn) {
    case SITE_IDLE:
        snprintf(buf, size, "idle");
        break;
    case SITE_CONNECTING:
        snprintf(buf, size, "connecting");
        break;
    case SITE_CONNECTED:
        /* live: the event stream is open; polling: resyncs only */
        if (s->rtt_ms >= 0)
            snprintf(buf, size, "%s %.0f ms", s->live ? "live" : "polling",
                     s->rtt_ms);
        else
            snprintf(buf, size, "%s", s->live ? "live" : "polling");
        break;
    case SITE_RECONNECTING:
        wait = (s->retry_at - loop_now_ms() + 999) / 1000;
        snprintf(buf, size, "reconnecting in %lld s", wait > 0 ? wait : 0);
        break;
    case SITE_FAILED:
        snprintf(buf, size, "failed: %s", s->conn_msg);
        break;
    }
    return buf;
}

bool site_stale(const struct site *s)
{
    /* Live data is fresh while connected; polled data for two refreshes. */
    if (s->conn != SITE_CONNECTED)
        return true;
    return !s->live && loop_wall() - s->synced > 2.0 * s->refresh + 5;
}

void site_refresh_host(struct site *s, const char *host)
{
    if (s->icinga != NULL && s->snap != NULL)
        icinga_client_fetch_host(s->icinga, host);
}
