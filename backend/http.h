/*
 * Requests to a site's private HTTP endpoints, whatever carries them:
 * the demo site now, libcurl through the bastion later. Bodies stream to
 * callbacks so large responses are parsed as they arrive.
 */
#ifndef MCTOP_BACKEND_HTTP_H
#define MCTOP_BACKEND_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/err.h"

struct http_req;

struct http_cb {
    /* The HTTP status, once, before any body bytes. */
    void (*on_status)(void *arg, int status);
    void (*on_data)(void *arg, const char *p, size_t n);
    /*
     * The request ended: status is the HTTP status, or 0 with err set when
     * the transport failed. The request is freed after this returns.
     */
    void (*on_done)(void *arg, int status, const struct mc_err *err);
    void *arg;
    /* Optional: each response header (name without ':', value trimmed). */
    void (*on_header)(void *arg, const char *name, const char *value);
};

struct http_ops {
    /*
     * Start a request. A body with method "GET" is sent the way the
     * endpoint takes a query with a body (Icinga: POST with
     * X-HTTP-Method-Override: GET). Returns NULL with err set if it
     * cannot start.
     */
    struct http_req *(*request)(void *impl, const char *method,
                                const char *path, const char *body,
                                const struct http_cb *cb, struct mc_err *err);
    /* Stop a request: no callback runs for it afterwards. */
    void (*cancel)(void *impl, struct http_req *req);
    /* Hold back (or resume) delivering body bytes: flow control. */
    void (*pause)(void *impl, struct http_req *req, bool paused);
    void (*free)(void *impl);
};

struct http_client {
    const struct http_ops *ops;
    void *impl;
};

static inline struct http_req *
http_request(struct http_client *c, const char *method, const char *path,
             const char *body, const struct http_cb *cb, struct mc_err *err)
{
    return c->ops->request(c->impl, method, path, body, cb, err);
}

static inline void http_pause(struct http_client *c, struct http_req *req,
                              bool paused)
{
    if (req != NULL)
        c->ops->pause(c->impl, req, paused);
}

static inline void http_cancel(struct http_client *c, struct http_req *req)
{
    if (req != NULL)
        c->ops->cancel(c->impl, req);
}

#endif
