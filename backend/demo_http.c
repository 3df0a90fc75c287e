/*
 * The demo site behind the http_client interface: bodies are handed out
 * in slices from loop timers, event streams are fed once a second.
 */
#include "backend/demo_http.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo.h"
#include "backend/loop.h"
#include "backend/xalloc.h"

struct http_req {
    struct demo_http *dh;
    struct demo_reply *reply;
    struct http_cb cb;
    int status;
    bool stream;    /* an event stream: fed by the tick, never ends */
    bool in_cb;     /* a callback of this request is running */
    bool cancelled; /* freed once the callback or the tick returns */
    bool paused;    /* flow control: no slices until resumed */
    unsigned timer; /* slice timer of a finite body, 0 when none */
    struct http_req *next;
};

struct demo_http {
    struct http_client client;
    struct loop *loop;
    struct demo *demo;
    unsigned tick;
    struct http_req *reqs;
    bool ticking;
    struct buf out;
};

static void demo_http_unlink(struct demo_http *dh, struct http_req *req)
{
    for (struct http_req **pp = &dh->reqs; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == req) {
            *pp = req->next;
            break;
        }
    }
    if (req->timer != 0)
        loop_del_timer(dh->loop, req->timer);
    demo_reply_free(req->reply);
    free(req);
}

static void demo_http_feed(struct http_req *req, const struct buf *out)
{
    if (out->len == 0)
        return;
    req->in_cb = true;
    req->cb.on_data(req->cb.arg, out->data, out->len);
    req->in_cb = false;
}

/* One slice of a finite body per loop turn, so the UI never waits. */
static long demo_http_slice(void *arg)
{
    struct http_req *req = arg;
    struct demo_http *dh = req->dh;
    int more;

    buf_reset(&dh->out);
    more = demo_reply_read(req->reply, &dh->out, 256 * 1024);
    demo_http_feed(req, &dh->out);
    if (!req->cancelled && more && !req->paused)
        return 0;
    req->timer = 0;
    if (!req->cancelled && more)
        return LOOP_STOP; /* paused by the callback: resumed by a new timer */
    if (!req->cancelled)
        req->cb.on_done(req->cb.arg, req->status, NULL);
    demo_http_unlink(dh, req);
    return LOOP_STOP;
}

/* Once a second: move the simulation on and feed the event streams. */
static long demo_http_tick(void *arg)
{
    struct demo_http *dh = arg;
    struct http_req *req, *next;

    demo_advance(dh->demo, loop_wall());
    dh->ticking = true;
    for (req = dh->reqs; req != NULL; req = req->next) {
        if (!req->stream || req->cancelled)
            continue;
        buf_reset(&dh->out);
        demo_reply_read(req->reply, &dh->out, 1u << 30);
        demo_http_feed(req, &dh->out);
    }
    dh->ticking = false;
    for (req = dh->reqs; req != NULL; req = next) {
        next = req->next;
        if (req->cancelled)
            demo_http_unlink(dh, req);
    }
    return 1000;
}

static struct http_req *demo_http_request(void *impl, const char *method,
                                          const char *path, const char *body,
                                          const struct http_cb *cb,
                                          struct mc_err *err)
{
    struct demo_http *dh = impl;
    struct http_req *req = xcalloc(1, sizeof(*req));

    (void)err;
    req->dh = dh;
    req->cb = *cb;
    /* An action acts now, not at the last tick (a downtime from now on). */
    if (strncmp(path, "/v1/actions/", 12) == 0)
        demo_advance(dh->demo, loop_wall());
    req->reply = demo_request(dh->demo, method, path, body, &req->status);
    req->stream = req->status == 200 && strncmp(path, "/v1/events", 10) == 0;
    req->next = dh->reqs;
    dh->reqs = req;
    if (cb->on_status != NULL)
        cb->on_status(cb->arg, req->status);
    if (!req->stream)
        req->timer = loop_add_timer(dh->loop, 0, demo_http_slice, req);
    return req;
}

static void demo_http_cancel(void *impl, struct http_req *req)
{
    struct demo_http *dh = impl;

    /* Inside a callback or the tick the request is still in use. */
    if (req->in_cb || dh->ticking) {
        req->cancelled = true;
        return;
    }
    demo_http_unlink(dh, req);
}

static void demo_http_pause(void *impl, struct http_req *req, bool paused)
{
    struct demo_http *dh = impl;

    if (req->stream || req->paused == paused)
        return;
    req->paused = paused;
    if (paused && req->timer != 0) {
        loop_del_timer(dh->loop, req->timer);
        req->timer = 0;
    } else if (!paused && req->timer == 0 && !req->cancelled) {
        req->timer = loop_add_timer(dh->loop, 0, demo_http_slice, req);
    }
}

static void demo_http_destroy(void *impl)
{
    struct demo_http *dh = impl;

    while (dh->reqs != NULL)
        demo_http_unlink(dh, dh->reqs);
    loop_del_timer(dh->loop, dh->tick);
    demo_free(dh->demo);
    buf_free(&dh->out);
    free(dh);
}

static const struct http_ops demo_http_ops = {
    .request = demo_http_request,
    .cancel = demo_http_cancel,
    .pause = demo_http_pause,
    .free = demo_http_destroy,
};

struct http_client *demo_http_new(struct loop *loop, unsigned seed, int nhosts)
{
    struct demo_http *dh = xcalloc(1, sizeof(*dh));

    dh->loop = loop;
    dh->demo = demo_new(seed, nhosts, loop_wall());
    dh->client.ops = &demo_http_ops;
    dh->client.impl = dh;
    dh->tick = loop_add_timer(loop, 1000, demo_http_tick, dh);
    return &dh->client;
}

void demo_http_free(struct http_client *c)
{
    if (c != NULL)
        c->ops->free(c->impl);
}
