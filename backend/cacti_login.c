/*
 * The way in to a site's Cacti: an HTTP client over the site's bastion
 * tunnel (with its own cookie jar), the password read off the UI path,
 * and the login: Cacti's form (GET the page for its CSRF token, POST it
 * with the session cookie), HTTP basic auth, or none for the guest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti_int.h"
#include "backend/curl_http.h"
#include "backend/http.h"
#include "backend/loop.h"
#include "backend/secret.h"
#include "backend/site.h"
#include "backend/site_int.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

/* The password is read on the worker; c is NULL once the client is gone. */
struct cacti_secret {
    struct cacti_client *c;
    struct mc_secret secret;
    char *host, *user, *value;
    struct mc_err err;
};

static void cacti_login_set(struct cacti_client *c, enum cacti_login l,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cacti_login_set(struct cacti_client *c, enum cacti_login l,
                            const char *fmt, ...)
{
    va_list ap;

    c->login = l;
    va_start(ap, fmt);
    vsnprintf(c->state, sizeof c->state, fmt, ap);
    va_end(ap);
    if (l == CACTI_L_FAILED) {
        c->login_retry = loop_wall() + CACTI_LOGIN_RETRY;
        cacti_fail_queue(c);
    }
    site_notify(c->site);
}

static const char *cacti_explain(void *arg)
{
    struct cacti_client *c = arg;

    return site_remote_explain(c->site, c->cfg->cacti.host, c->cfg->cacti.port);
}

/* The HTTP client, once the site's tunnel can carry it. */
static bool cacti_transport(struct cacti_client *c)
{
    const struct mc_endpoint *ep = &c->cfg->cacti;
    struct mc_err err = { 0 };
    const char *u = strstr(ep->url, "://");
    const char *path = strchr(u + 3, '/');
    char *base;
    struct curl_http_config hc = {
        .name = c->site->name,
        .ca_file = ep->ca_file,
        .form_body = true,
        .cookies = true,
        .explain = cacti_explain,
        .explain_arg = c,
    };

    if (c->http != NULL)
        return true;
    if (c->site->conn != SITE_CONNECTED)
        return false;
    hc.unix_socket = site_remote_socket(c->site, ep->host, ep->port, &err);
    if (hc.unix_socket == NULL && err.msg[0] != '\0') {
        cacti_login_set(c, CACTI_L_FAILED, "Cacti: %s", err.msg);
        return false;
    }
    /* scheme://host[:port]; the URL's path goes in front of each request */
    base = path != NULL ? xstrndup(ep->url, (size_t)(path - ep->url))
                        : xstrdup(ep->url);
    hc.base_url = base;
    if (c->cfg->cacti_auth == MC_CACTI_BASIC) {
        hc.user = c->user;
        hc.password = c->password;
    }
    c->http = curl_http_new(c->site->loop, &hc);
    c->own_http = true;
    free(base);
    return true;
}

static void cacti_secret_run(void *arg)
{
    struct cacti_secret *j = arg;

    secret_resolve(&j->secret, j->host, j->user, &j->value, &j->err);
}

static void cacti_secret_done(void *arg)
{
    struct cacti_secret *j = arg;
    struct cacti_client *c = j->c;

    if (c != NULL) {
        c->secret = NULL;
        if (j->value == NULL) {
            cacti_login_set(c, CACTI_L_FAILED, "Cacti password: %s",
                            j->err.msg);
        } else {
            c->password = j->value;
            j->value = NULL;
            c->login = CACTI_L_IDLE;
            cacti_pump(c);
        }
    }
    secret_wipe_free(j->value);
    free(j->secret.value);
    free(j->host);
    free(j->user);
    free(j);
}

static void cacti_read_password(struct cacti_client *c)
{
    struct cacti_secret *j = xcalloc(1, sizeof *j);
    const struct mc_endpoint *ep = &c->cfg->cacti;

    j->c = c;
    j->secret.kind = ep->password.kind;
    j->secret.value =
        ep->password.value != NULL ? xstrdup(ep->password.value) : NULL;
    j->host = xstrdup(ep->host);
    j->user = xstrdup(c->user);
    c->secret = j;
    cacti_login_set(c, CACTI_L_SECRET, "reading the Cacti password");
    worker_submit(c->site->worker, cacti_secret_run, cacti_secret_done, j, 0);
}

/* ---- the login form ---- */

static void cacti_login_status(void *arg, int status)
{
    struct cacti_client *c = arg;

    c->login_status = status;
}

static void cacti_login_data(void *arg, const char *p, size_t n)
{
    struct cacti_client *c = arg;

    if (c->login_body.len + n <= 1u << 20)
        buf_append(&c->login_body, p, n);
}

static void cacti_login_post(struct cacti_client *c, const char *token);

static void cacti_login_done(void *arg, int status, const struct mc_err *err)
{
    struct cacti_client *c = arg;
    const char *b = c->login_body.data != NULL ? c->login_body.data : "";
    size_t n = c->login_body.len;
    char *token;

    c->login_req = NULL;
    if (err != NULL) {
        cacti_login_set(c, CACTI_L_FAILED, "Cacti: %s", err->msg);
        return;
    }
    if (c->login == CACTI_L_FORM) {
        token = status == 200 ? cacti_login_token(b, n) : NULL;
        if (status == 200 && token == NULL &&
            cacti_page_kind(b, n) == CACTI_PAGE_OTHER) {
            /* no form: the session is still good (or the guest is in) */
            cacti_login_set(c, CACTI_L_READY, "logged in as %s", c->user);
        } else if (token == NULL) {
            cacti_login_set(c, CACTI_L_FAILED,
                            "Cacti login: no login form at %s/index.php "
                            "(HTTP %d): is cacti_url right?",
                            c->cfg->cacti.url, status);
        } else {
            cacti_login_post(c, token);
        }
        free(token);
    } else if (status == 302) {
        /* success and a refused CSRF token look the same: the next page
         * tells (cacti_parse_done logs in again once, then gives up) */
        cacti_login_set(c, CACTI_L_READY, "logged in as %s", c->user);
    } else if (cacti_page_kind(b, n) == CACTI_PAGE_DENIED) {
        cacti_login_set(c, CACTI_L_FAILED,
                        "Cacti login failed for %s: Access Denied (wrong "
                        "password?)",
                        c->user);
    } else {
        cacti_login_set(c, CACTI_L_FAILED,
                        "Cacti login for %s: unexpected answer (HTTP %d)",
                        c->user, status);
    }
    buf_reset(&c->login_body);
    if (c->login == CACTI_L_READY)
        cacti_pump(c);
}

static void cacti_login_send(struct cacti_client *c, const char *method,
                             const char *body)
{
    struct http_cb cb = { cacti_login_status, cacti_login_data,
                          cacti_login_done, c, NULL };
    struct mc_err err = { 0 };
    char *path = xasprintf("%s/index.php", c->prefix);

    buf_reset(&c->login_body);
    c->login_status = 0;
    c->login_req = http_request(c->http, method, path, body, &cb, &err);
    free(path);
    if (c->login_req == NULL)
        cacti_login_set(c, CACTI_L_FAILED, "Cacti: %s", err.msg);
}

static void cacti_login_post(struct cacti_client *c, const char *token)
{
    struct buf body = { 0 };

    buf_puts(&body, "__csrf_magic=");
    buf_urlenc(&body, token);
    buf_puts(&body, "&action=login&login_username=");
    buf_urlenc(&body, c->user);
    buf_puts(&body, "&login_password=");
    buf_urlenc(&body, c->password);
    cacti_login_set(c, CACTI_L_POST, "logging in to Cacti as %s", c->user);
    cacti_login_send(c, "POST", body.data);
    explicit_bzero(body.data, body.len);
    buf_free(&body);
}

bool cacti_login_ready(struct cacti_client *c)
{
    if (c->cfg == NULL) { /* the demo's Cacti lets everyone in */
        if (c->http == NULL) {
            c->http = c->site->http;
            snprintf(c->state, sizeof c->state, "guest (demo)");
        }
        c->login = CACTI_L_READY;
        return true;
    }
    switch (c->login) {
    case CACTI_L_READY:
        return c->site->conn == SITE_CONNECTED;
    case CACTI_L_FAILED:
        if (loop_wall() < c->login_retry)
            return false;
        c->login = CACTI_L_IDLE;
        break;
    case CACTI_L_IDLE:
        break;
    default:
        return false; /* on its way */
    }
    if (c->cfg->cacti_auth != MC_CACTI_GUEST && c->password == NULL) {
        cacti_read_password(c);
        return false;
    }
    if (!cacti_transport(c))
        return false;
    if (c->cfg->cacti_auth != MC_CACTI_FORM) {
        if (c->cfg->cacti_auth == MC_CACTI_GUEST)
            cacti_login_set(c, CACTI_L_READY, "guest");
        else
            cacti_login_set(c, CACTI_L_READY, "basic auth as %s", c->user);
        return true;
    }
    c->login_gen++;
    cacti_login_set(c, CACTI_L_FORM, "logging in to Cacti as %s", c->user);
    cacti_login_send(c, "GET", NULL);
    return false;
}

void cacti_login_lost(struct cacti_client *c)
{
    if (c->cfg == NULL)
        return;
    if (c->cfg->cacti_auth == MC_CACTI_FORM) {
        if (c->login == CACTI_L_READY)
            c->login = CACTI_L_IDLE; /* the next pump logs in again */
        snprintf(c->state, sizeof c->state,
                 "Cacti did not keep the session of %s (CSRF check or "
                 "session expired)",
                 c->user);
    } else if (c->cfg->cacti_auth == MC_CACTI_GUEST) {
        snprintf(c->state, sizeof c->state,
                 "Cacti wants a login (guest access is off): set "
                 "cacti_user");
    } else {
        snprintf(c->state, sizeof c->state,
                 "Cacti does not take %s from the web server (basic auth): "
                 "is the user known to Cacti?",
                 c->user);
    }
}

void cacti_login_free(struct cacti_client *c)
{
    if (c->secret != NULL)
        c->secret->c = NULL;
    if (c->login_req != NULL)
        http_cancel(c->http, c->login_req);
    buf_free(&c->login_body);
    if (c->own_http)
        c->http->ops->free(c->http->impl);
    secret_wipe_free(c->password);
}
