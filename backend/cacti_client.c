/*
 * The Cacti cache: entries for hosts (which device, which graphs) and for
 * graph data (a graph over a range), created when a view asks and filled
 * by requests queued behind the login, at most CACTI_MAX_REQS at once.
 * Answers are parsed on the worker; a timer retries, refreshes and evicts.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/cacti_int.h"
#include "backend/http.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/site_int.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

const int cacti_range_secs[CACTI_RANGES] = { 3600, 6 * 3600, 86400, 7 * 86400,
                                             30 * 86400 };
const char *const cacti_range_name[CACTI_RANGES] = { "1h", "6h", "1d", "1w",
                                                     "1m" };

/* A parse on the worker; c is NULL once the client is gone. */
struct cacti_parse {
    struct cacti_client *c;
    struct cacti_job *job;
    int rc;
    struct mc_err err;
    struct cacti_device_list devices;
    struct cacti_graph_list graphs;
    struct cacti_export x;
    enum cacti_page page;
    struct cacti_parse *next;
};

static unsigned long cacti_hash(const char *s)
{
    unsigned long h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static unsigned long cacti_dhash(long id, long long end, int span)
{
    unsigned long long k = (unsigned long long)id * 0x9E3779B97F4A7C15ull ^
                           (unsigned long long)end * 31u ^ (unsigned)span;

    return (unsigned long)(k ^ (k >> 29));
}

/* ---- entries ---- */

static void cacti_hentry_free(struct cacti_hentry *h)
{
    cacti_graph_list_free(&h->pub.graphs);
    free(h->pub.device);
    free(h->key);
    free(h->name);
    free(h->address);
    free(h);
}

static void cacti_dentry_free(struct cacti_dentry *d)
{
    if (d->pub.x != NULL) {
        cacti_export_free(d->pub.x);
        free(d->pub.x);
    }
    free(d);
}

static char *cacti_lower(const char *s)
{
    char *k = xstrdup(s);

    for (char *p = k; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    return k;
}

static void cacti_grow_hosts(struct cacti_client *c)
{
    size_t n = c->nhost_buckets * 2;
    struct cacti_hentry **t = xcalloc(n, sizeof *t);

    for (size_t i = 0; i < c->nhost_buckets; i++)
        while (c->hosts[i] != NULL) {
            struct cacti_hentry *h = c->hosts[i];

            c->hosts[i] = h->next;
            h->next = t[cacti_hash(h->key) & (n - 1)];
            t[cacti_hash(h->key) & (n - 1)] = h;
        }
    free(c->hosts);
    c->hosts = t;
    c->nhost_buckets = n;
}

static void cacti_grow_data(struct cacti_client *c)
{
    size_t n = c->ndata_buckets * 2;
    struct cacti_dentry **t = xcalloc(n, sizeof *t);

    for (size_t i = 0; i < c->ndata_buckets; i++)
        while (c->data[i] != NULL) {
            struct cacti_dentry *d = c->data[i];
            unsigned long b = cacti_dhash(d->id, d->end, d->span) & (n - 1);

            c->data[i] = d->next;
            d->next = t[b];
            t[b] = d;
        }
    free(c->data);
    c->data = t;
    c->ndata_buckets = n;
}

/* ---- jobs ---- */

static void cacti_enqueue(struct cacti_client *c, enum cacti_job_kind kind,
                          struct cacti_hentry *h, struct cacti_dentry *d)
{
    struct cacti_job *j = xcalloc(1, sizeof *j), **p = &c->queue;

    j->c = c;
    j->kind = kind;
    j->h = h;
    j->d = d;
    if (h != NULL)
        h->busy = true;
    if (d != NULL)
        d->busy = true;
    while (*p != NULL)
        p = &(*p)->next;
    *p = j;
}

void cacti_job_free(struct cacti_job *j)
{
    buf_free(&j->body);
    free(j);
}

static void cacti_unlink_running(struct cacti_client *c, struct cacti_job *j)
{
    for (struct cacti_job **p = &c->running; *p != NULL; p = &(*p)->next)
        if (*p == j) {
            *p = j->next;
            c->nrunning--;
            return;
        }
}

void cacti_job_fail(struct cacti_client *c, struct cacti_job *j,
                    const char *fmt, ...)
{
    char why[256];
    va_list ap;
    double now = loop_wall();

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (j->h != NULL) {
        struct cacti_host *p = &j->h->pub;

        j->h->busy = false;
        p->status = CACTI_ERROR;
        p->stale = p->fetched > 0;
        snprintf(p->err, sizeof p->err, "%s", why);
        j->h->expires = now + c->ttl; /* retry after a while, not at once */
        if (c->cfg != NULL &&
            c->cfg->cacti_fallback == MC_CACTI_FALLBACK_RRDTOOL &&
            !j->h->tried_rrd) {
            j->h->tried_rrd = true;
            cacti_rrd_host(c, j->h);
        }
    }
    if (j->d != NULL) {
        struct cacti_data *p = &j->d->pub;

        j->d->busy = false;
        p->status = CACTI_ERROR;
        p->stale = p->x != NULL;
        snprintf(p->err, sizeof p->err, "%s", why);
        j->d->expires = now + c->ttl;
    }
    site_notify(c->site);
}

void cacti_fail_queue(struct cacti_client *c)
{
    while (c->queue != NULL) {
        struct cacti_job *j = c->queue;

        c->queue = j->next;
        cacti_job_fail(c, j, "%s", c->state);
        cacti_job_free(j);
    }
}

static void cacti_parse_run(void *arg)
{
    struct cacti_parse *p = arg;
    struct cacti_job *j = p->job;
    const char *b = j->body.data != NULL ? j->body.data : "";
    size_t n = j->body.len;

    p->page = cacti_page_kind(b, n);
    if (p->page != CACTI_PAGE_OTHER)
        return;
    switch (j->kind) {
    case CACTI_JOB_FIND_NAME:
    case CACTI_JOB_FIND_ADDR:
        p->rc = cacti_parse_devices(b, n, &p->devices, &p->err);
        break;
    case CACTI_JOB_LIST:
        p->rc = cacti_parse_graphs(b, n, &p->graphs, &p->err);
        break;
    case CACTI_JOB_XPORT:
        p->rc = cacti_parse_xport(b, n, j->start, &p->x, &p->err);
        break;
    }
}

/* The one device named like the host (any case), or the only match. */
static const struct cacti_device *
cacti_pick_device(const struct cacti_device_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (name != NULL && strcasecmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return name == NULL && l->n == 1 ? &l->v[0] : NULL;
}

static void cacti_host_answer(struct cacti_client *c, struct cacti_job *j,
                              struct cacti_parse *p)
{
    struct cacti_hentry *h = j->h;
    const struct cacti_device *dev;
    double now = loop_wall();

    if (j->kind == CACTI_JOB_LIST) {
        cacti_graph_list_free(&h->pub.graphs);
        h->pub.graphs = p->graphs;
        memset(&p->graphs, 0, sizeof p->graphs);
    } else {
        dev = cacti_pick_device(
            &p->devices, j->kind == CACTI_JOB_FIND_NAME ? h->name : NULL);
        if (dev == NULL && j->kind == CACTI_JOB_FIND_NAME &&
            h->address != NULL) {
            cacti_enqueue(c, CACTI_JOB_FIND_ADDR, h, NULL);
            return;
        }
        h->pub.device_id = dev != NULL ? dev->id : 0;
        free(h->pub.device);
        h->pub.device = dev != NULL ? xstrdup(dev->name) : NULL;
        if (dev != NULL) {
            cacti_enqueue(c, CACTI_JOB_LIST, h, NULL);
            return;
        }
        cacti_graph_list_free(&h->pub.graphs);
    }
    h->busy = false;
    h->tried_rrd = false;
    h->pub.status = CACTI_OK;
    h->pub.err[0] = '\0';
    h->pub.stale = false;
    h->pub.source = CACTI_FROM_WEB;
    h->pub.fetched = now;
    h->expires = now + (c->ttl > CACTI_HOST_TTL ? c->ttl : CACTI_HOST_TTL);
    site_notify(c->site);
}

static void cacti_data_answer(struct cacti_client *c, struct cacti_job *j,
                              struct cacti_parse *p)
{
    struct cacti_dentry *d = j->d;
    double now = loop_wall();

    if (d->pub.x == NULL)
        d->pub.x = xcalloc(1, sizeof *d->pub.x);
    else
        cacti_export_free(d->pub.x);
    *d->pub.x = p->x;
    memset(&p->x, 0, sizeof p->x);
    d->busy = false;
    d->pub.status = CACTI_OK;
    d->pub.err[0] = '\0';
    d->pub.stale = false;
    d->pub.source = CACTI_FROM_WEB;
    d->pub.fetched = now;
    /* a fixed window in the past does not change: keep it for long */
    d->expires = now + (d->end == 0 ? c->ttl : 10 * c->ttl);
    site_notify(c->site);
}

static void cacti_parse_free(struct cacti_parse *p)
{
    cacti_device_list_free(&p->devices);
    cacti_graph_list_free(&p->graphs);
    cacti_export_free(&p->x);
    free(p);
}

static void cacti_parse_done(void *arg)
{
    struct cacti_parse *p = arg;
    struct cacti_client *c = p->c;
    struct cacti_job *j = p->job;

    if (c == NULL) { /* the client is gone */
        cacti_job_free(j);
        cacti_parse_free(p);
        return;
    }
    for (struct cacti_parse **q = &c->parsing; *q != NULL; q = &(*q)->next)
        if (*q == p) {
            *q = p->next;
            break;
        }
    if (p->page == CACTI_PAGE_LOGIN || p->page == CACTI_PAGE_NOT_LOGGED ||
        p->page == CACTI_PAGE_DENIED) {
        /* the session expired (or never was): log in again, then retry */
        if (j->login_gen == c->login_gen && j->tries < 2 && c->cfg != NULL &&
            c->cfg->cacti_auth == MC_CACTI_FORM) {
            j->tries++;
            cacti_login_lost(c);
            j->next = c->queue;
            c->queue = j;
            j->req = NULL;
            buf_reset(&j->body);
            cacti_parse_free(p);
            cacti_pump(c);
            return;
        }
        cacti_login_lost(c);
        cacti_job_fail(c, j, "%s", c->state);
    } else if (p->rc != 0) {
        cacti_job_fail(c, j, "%s", p->err.msg);
    } else if (j->kind == CACTI_JOB_XPORT) {
        cacti_data_answer(c, j, p);
    } else {
        cacti_host_answer(c, j, p);
    }
    cacti_job_free(j);
    cacti_parse_free(p);
    cacti_pump(c);
}

/* An answer arrived whole: check the status, parse on the worker. */
static void cacti_job_done(struct cacti_client *c, struct cacti_job *j)
{
    struct cacti_parse *p;

    if (j->too_big) {
        cacti_job_fail(c, j, "Cacti's answer is larger than %d MiB",
                       CACTI_BODY_MAX >> 20);
    } else if (j->status == 500 && j->kind == CACTI_JOB_XPORT) {
        cacti_job_fail(c, j,
                       "graph %ld: Cacti answered HTTP 500 (no such graph, "
                       "not permitted, or its device is disabled)",
                       j->d->id);
    } else if (j->status == 401 || j->status == 403) {
        cacti_job_fail(c, j,
                       "Cacti's web server refused %s (HTTP %d): check "
                       "cacti_user and its password",
                       c->user != NULL ? c->user : "the guest", j->status);
    } else if (j->status != 200) {
        cacti_job_fail(c, j, "Cacti answered HTTP %d", j->status);
    } else {
        p = xcalloc(1, sizeof *p);
        p->c = c;
        p->job = j;
        p->next = c->parsing;
        c->parsing = p;
        worker_submit(c->site->worker, cacti_parse_run, cacti_parse_done, p,
                      j->body.len);
        return;
    }
    cacti_job_free(j);
}

static void cacti_on_status(void *arg, int status)
{
    struct cacti_job *j = arg;

    j->status = status;
}

static void cacti_on_data(void *arg, const char *p, size_t n)
{
    struct cacti_job *j = arg;

    if (j->body.len + n > CACTI_BODY_MAX) {
        j->too_big = true;
        return;
    }
    buf_append(&j->body, p, n);
}

static void cacti_on_done(void *arg, int status, const struct mc_err *err)
{
    struct cacti_job *j = arg;
    struct cacti_client *c = j->c;

    cacti_unlink_running(c, j);
    j->req = NULL;
    if (err != NULL) {
        cacti_job_fail(c, j, "Cacti: %s", err->msg);
        cacti_job_free(j);
    } else {
        j->status = status;
        cacti_job_done(c, j);
    }
    cacti_pump(c);
}

static void cacti_job_start(struct cacti_client *c, struct cacti_job *j)
{
    struct buf path = { 0 };
    long long now = (long long)loop_wall();
    int rc;

    switch (j->kind) {
    case CACTI_JOB_FIND_NAME:
    case CACTI_JOB_FIND_ADDR:
        buf_puts(&path, "/graph_view.php?action=ajax_hosts&term=");
        buf_urlenc(&path,
                   j->kind == CACTI_JOB_FIND_NAME ? j->h->name : j->h->address);
        break;
    case CACTI_JOB_LIST:
        buf_printf(&path,
                   "/graph_view.php?action=list&host_id=%ld"
                   "&graph_template_id=-1&rfilter=&rows=1000&page=1"
                   "&header=false",
                   j->h->pub.device_id);
        break;
    case CACTI_JOB_XPORT:
        /* always both ends, as epochs: Cacti's defaults are traps */
        j->end = j->d->end != 0 ? j->d->end : now;
        j->start = j->end - j->d->span;
        buf_printf(&path,
                   "/graph_xport.php?local_graph_id=%ld&rra_id=0"
                   "&graph_start=%lld&graph_end=%lld",
                   j->d->id, j->start, j->end);
        break;
    }
    j->login_gen = c->login_gen;
    j->status = 0;
    rc = cacti_get(c, j, path.data);
    buf_free(&path);
    if (rc != 0) {
        cacti_job_free(j);
        return;
    }
    j->next = c->running;
    c->running = j;
    c->nrunning++;
}

int cacti_get(struct cacti_client *c, struct cacti_job *j, const char *path)
{
    struct http_cb cb = { cacti_on_status, cacti_on_data, cacti_on_done, j,
                          NULL };
    struct mc_err err = { 0 };
    char *full = xasprintf("%s%s", c->prefix, path);

    j->req = http_request(c->http, "GET", full, NULL, &cb, &err);
    free(full);
    if (j->req == NULL) {
        cacti_job_fail(c, j, "Cacti: %s", err.msg);
        return -1;
    }
    return 0;
}

void cacti_pump(struct cacti_client *c)
{
    if (c->queue == NULL || !cacti_login_ready(c))
        return;
    while (c->queue != NULL && c->nrunning < CACTI_MAX_REQS) {
        struct cacti_job *j = c->queue;

        c->queue = j->next;
        j->next = NULL;
        cacti_job_start(c, j);
    }
}

/* ---- the timer: retry, evict ---- */

static void cacti_evict(struct cacti_client *c, double now)
{
    for (size_t i = 0; i < c->nhost_buckets; i++)
        for (struct cacti_hentry **p = &c->hosts[i]; *p != NULL;) {
            struct cacti_hentry *h = *p;

            if (!h->busy && now - h->asked > CACTI_IDLE_EVICT) {
                *p = h->next;
                cacti_hentry_free(h);
                c->nhosts--;
            } else {
                p = &h->next;
            }
        }
    for (size_t i = 0; i < c->ndata_buckets; i++)
        for (struct cacti_dentry **p = &c->data[i]; *p != NULL;) {
            struct cacti_dentry *d = *p;
            bool old = now - d->asked > CACTI_IDLE_EVICT ||
                       (c->ndata > CACTI_DATA_MAX && now - d->asked > 5);

            if (!d->busy && old) {
                *p = d->next;
                cacti_dentry_free(d);
                c->ndata--;
            } else {
                p = &d->next;
            }
        }
}

static long cacti_tick(void *arg)
{
    struct cacti_client *c = arg;

    cacti_evict(c, loop_wall());
    cacti_pump(c);
    return 1000;
}

/* ---- the API ---- */

struct cacti_client *cacti_client_new(struct site *s)
{
    const struct mc_site_config *cfg = s->cfg;
    struct cacti_client *c;

    if (!s->demo && (cfg == NULL || cfg->cacti.url == NULL))
        return NULL;
    c = xcalloc(1, sizeof *c);
    c->site = s;
    c->cfg = s->demo ? NULL : cfg;
    c->nhost_buckets = 64;
    c->hosts = xcalloc(c->nhost_buckets, sizeof *c->hosts);
    c->ndata_buckets = 256;
    c->data = xcalloc(c->ndata_buckets, sizeof *c->data);
    if (s->demo) {
        c->prefix = xstrdup("/cacti");
        c->ttl = 60;
        c->column = xstrdup("Load Average");
    } else {
        const char *u = strstr(cfg->cacti.url, "://");
        const char *path = u != NULL ? strchr(u + 3, '/') : NULL;

        c->prefix = xstrdup(path != NULL ? path : "");
        c->ttl = cfg->cacti_ttl > 0 ? cfg->cacti_ttl : 60;
        c->column = xstrdup(cfg->cacti_column != NULL ? cfg->cacti_column
                                                      : "Load Average");
        c->user = cfg->cacti.user != NULL ? xstrdup(cfg->cacti.user) : NULL;
    }
    c->timer = loop_add_timer(s->loop, 1000, cacti_tick, c);
    return c;
}

void cacti_client_free(struct cacti_client *c)
{
    if (c == NULL)
        return;
    loop_del_timer(c->site->loop, c->timer);
    while (c->running != NULL) {
        struct cacti_job *j = c->running;

        c->running = j->next;
        http_cancel(c->http, j->req);
        cacti_job_free(j);
    }
    while (c->queue != NULL) {
        struct cacti_job *j = c->queue;

        c->queue = j->next;
        cacti_job_free(j);
    }
    for (struct cacti_parse *p = c->parsing; p != NULL; p = p->next)
        p->c = NULL; /* its completion frees it */
    cacti_rrd_free(c);
    cacti_login_free(c);
    for (size_t i = 0; i < c->nhost_buckets; i++)
        while (c->hosts[i] != NULL) {
            struct cacti_hentry *h = c->hosts[i];

            c->hosts[i] = h->next;
            cacti_hentry_free(h);
        }
    for (size_t i = 0; i < c->ndata_buckets; i++)
        while (c->data[i] != NULL) {
            struct cacti_dentry *d = c->data[i];

            c->data[i] = d->next;
            cacti_dentry_free(d);
        }
    free(c->hosts);
    free(c->data);
    free(c->prefix);
    free(c->user);
    free(c->column);
    free(c);
}

const struct cacti_host *
cacti_client_host(struct cacti_client *c, const char *host, const char *address)
{
    char *key = cacti_lower(host);
    unsigned long b = cacti_hash(key) & (c->nhost_buckets - 1);
    struct cacti_hentry *h;
    double now = loop_wall();

    for (h = c->hosts[b]; h != NULL; h = h->next)
        if (strcmp(h->key, key) == 0)
            break;
    if (h == NULL) {
        if (c->nhosts >= c->nhost_buckets) {
            cacti_grow_hosts(c);
            b = cacti_hash(key) & (c->nhost_buckets - 1);
        }
        h = xcalloc(1, sizeof *h);
        h->key = key;
        key = NULL;
        h->name = xstrdup(host);
        h->address =
            address != NULL && *address != '\0' ? xstrdup(address) : NULL;
        h->pub.status = CACTI_LOADING;
        h->next = c->hosts[b];
        c->hosts[b] = h;
        c->nhosts++;
        cacti_enqueue(c, CACTI_JOB_FIND_NAME, h, NULL);
        cacti_pump(c);
    } else if (!h->busy && now >= h->expires) {
        h->pub.stale = h->pub.fetched > 0;
        cacti_enqueue(
            c, h->pub.device_id > 0 ? CACTI_JOB_LIST : CACTI_JOB_FIND_NAME, h,
            NULL);
        cacti_pump(c);
    }
    free(key);
    h->asked = now;
    if (h->pub.fetched > 0 &&
        now - h->pub.fetched >
            (c->ttl > CACTI_HOST_TTL ? c->ttl : CACTI_HOST_TTL))
        h->pub.stale = true;
    if (site_stale(c->site) && h->pub.fetched > 0)
        h->pub.stale = true;
    return &h->pub;
}

const struct cacti_data *cacti_client_data(struct cacti_client *c, long id,
                                           long long end, int span)
{
    unsigned long b = cacti_dhash(id, end, span) & (c->ndata_buckets - 1);
    struct cacti_dentry *d;
    double now = loop_wall();

    for (d = c->data[b]; d != NULL; d = d->next)
        if (d->id == id && d->end == end && d->span == span)
            break;
    if (d == NULL) {
        if (c->ndata >= c->ndata_buckets) {
            cacti_grow_data(c);
            b = cacti_dhash(id, end, span) & (c->ndata_buckets - 1);
        }
        d = xcalloc(1, sizeof *d);
        d->id = id;
        d->end = end;
        d->span = span;
        d->pub.status = CACTI_LOADING;
        d->next = c->data[b];
        c->data[b] = d;
        c->ndata++;
        if (id < 0)
            cacti_rrd_data(c, d);
        else
            cacti_enqueue(c, CACTI_JOB_XPORT, NULL, d);
        cacti_pump(c);
    } else if (!d->busy && now >= d->expires) {
        d->pub.stale = d->pub.x != NULL;
        if (id < 0)
            cacti_rrd_data(c, d);
        else
            cacti_enqueue(c, CACTI_JOB_XPORT, NULL, d);
        cacti_pump(c);
    }
    d->asked = now;
    if (d->pub.x != NULL &&
        (site_stale(c->site) || now - d->pub.fetched > 2.0 * c->ttl))
        d->pub.stale = true;
    return &d->pub;
}

const struct cacti_graph *cacti_client_column_graph(struct cacti_client *c,
                                                    const struct cacti_host *h)
{
    size_t n = strlen(c->column);

    for (size_t i = 0; i < h->graphs.n; i++) {
        const char *t = h->graphs.v[i].title;

        for (; t != NULL && *t != '\0'; t++)
            if (strncasecmp(t, c->column, n) == 0)
                return &h->graphs.v[i];
    }
    return NULL;
}

void cacti_client_reload(struct cacti_client *c)
{
    for (size_t i = 0; i < c->nhost_buckets; i++)
        for (struct cacti_hentry *h = c->hosts[i]; h != NULL; h = h->next) {
            h->expires = 0;
            h->tried_rrd = false;
        }
    for (size_t i = 0; i < c->ndata_buckets; i++)
        for (struct cacti_dentry *d = c->data[i]; d != NULL; d = d->next)
            d->expires = 0;
    if (c->login == CACTI_L_FAILED) {
        c->login = CACTI_L_IDLE;
        c->login_retry = 0;
    }
}

const char *cacti_client_state(const struct cacti_client *c)
{
    return c->state;
}
