/*
 * A configured site: its secrets read off the UI path, then the bastion
 * connection, the tunnel to the Icinga API and the HTTP client over it.
 * The bastion's state becomes the site's connection state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/bastion.h"
#include "backend/cacti_client.h"
#include "backend/config.h"
#include "backend/curl_http.h"
#include "backend/icinga_client.h"
#include "backend/icinga_parse.h"
#include "backend/logs_client.h"
#include "backend/loop.h"
#include "backend/secret.h"
#include "backend/site_int.h"
#include "backend/tunnel.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

struct site_remote {
    struct site *site;
    /* copies of what the configuration says */
    bool direct;
    char *b_host, *b_user, *b_identity, *b_known_hosts;
    int b_port;
    char *icinga_url, *icinga_host, *icinga_user, *icinga_ca;
    int icinga_port;
    struct mc_secret icinga_password;
    struct bastion *bastion;
    struct tunnel *tunnel;
    struct secret_job *job; /* reading the password, or NULL */
    bool started_icinga;
    bool was_ready;
};

/* The password is read on the worker: a password command may take a while. */
struct secret_job {
    struct site_remote *r; /* NULL once abandoned */
    struct mc_secret secret;
    char *host, *user;
    char *value;
    struct mc_err err;
};

static char *site_dup(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

struct site *site_new(struct loop *loop, struct worker *worker,
                      const struct mc_site_config *cfg)
{
    struct site *s = site_alloc(loop, worker, cfg->name, cfg->refresh);
    struct site_remote *r = xcalloc(1, sizeof *r);

    free(s->env_var);
    s->env_var =
        xstrdup(cfg->env_var != NULL ? cfg->env_var : ICINGA_DEFAULT_ENV_VAR);
    metric_map_free(&s->map);
    metric_map_copy(&s->map, &cfg->metrics);
    r->site = s;
    s->cfg = cfg;
    r->direct = cfg->direct;
    r->b_host = site_dup(cfg->bastion);
    r->b_port = cfg->bastion_port;
    r->b_user = site_dup(cfg->bastion_user);
    r->b_identity = site_dup(cfg->identity_file);
    r->b_known_hosts = site_dup(cfg->known_hosts);
    r->icinga_url = xstrdup(cfg->icinga.url);
    r->icinga_host = xstrdup(cfg->icinga.host);
    r->icinga_port = cfg->icinga.port;
    r->icinga_user = site_dup(cfg->icinga.user);
    r->icinga_ca = site_dup(cfg->icinga.ca_file);
    r->icinga_password.kind = cfg->icinga.password.kind;
    r->icinga_password.value = site_dup(cfg->icinga.password.value);
    s->remote = r;
    s->icinga = icinga_client_new(s);
    s->cacti = cacti_client_new(s);
    s->logs = logs_client_new(s);
    return s;
}

static void site_remote_secret_abandon(struct site_remote *r)
{
    if (r->job != NULL) {
        r->job->r = NULL;
        r->job = NULL;
    }
}

void site_remote_free(struct site *s)
{
    struct site_remote *r = s->remote;

    if (r == NULL)
        return;
    site_remote_secret_abandon(r);
    tunnel_free(r->tunnel);
    bastion_free(r->bastion);
    free(r->b_host);
    free(r->b_user);
    free(r->b_identity);
    free(r->b_known_hosts);
    free(r->icinga_url);
    free(r->icinga_host);
    free(r->icinga_user);
    free(r->icinga_ca);
    secret_clear(&r->icinga_password);
    free(r);
    s->remote = NULL;
}

static void site_conn(struct site *s, enum site_conn c, const char *msg)
{
    s->conn = c;
    snprintf(s->conn_msg, sizeof s->conn_msg, "%.500s", msg != NULL ? msg : "");
    site_notify(s);
}

/* The bastion moved: mirror it, and start or restart the Icinga client. */
static void site_bastion_changed(void *arg, struct bastion *b)
{
    struct site_remote *r = arg;
    struct site *s = r->site;

    s->rtt_ms = bastion_rtt_ms(b);
    switch (bastion_state(b)) {
    case BASTION_READY:
        if (s->conn != SITE_CONNECTED)
            site_conn(s, SITE_CONNECTED, NULL);
        else
            site_notify(s);
        if (!r->started_icinga) {
            r->started_icinga = true;
            icinga_client_start(s->icinga);
        } else if (!r->was_ready) {
            icinga_client_reconnected(s->icinga);
        }
        r->was_ready = true;
        return;
    case BASTION_BACKOFF:
        s->retry_at = bastion_retry_at(b);
        s->live = false;
        site_conn(s, SITE_RECONNECTING, bastion_message(b));
        break;
    case BASTION_FAILED:
        s->live = false;
        site_conn(s, SITE_FAILED, bastion_message(b));
        break;
    default:
        site_conn(s, SITE_CONNECTING, bastion_message(b));
        break;
    }
    r->was_ready = false;
}

static void site_bastion_hostkey(void *arg, struct bastion *b,
                                 const struct bastion_hostkey *k)
{
    struct site_remote *r = arg;
    struct site *s = r->site;

    if (s->hostkey != NULL)
        s->hostkey(s->hostkey_arg, s, k);
    else
        bastion_answer_hostkey(b, BASTION_REJECT);
}

static const char *site_explain(void *arg)
{
    struct site_remote *r = arg;

    if (r->tunnel == NULL)
        return NULL;
    if (r->bastion != NULL && bastion_state(r->bastion) != BASTION_READY)
        return bastion_message(r->bastion)[0] != '\0'
                   ? bastion_message(r->bastion)
                   : "the bastion is not connected";
    return tunnel_error(r->tunnel, r->icinga_host, r->icinga_port);
}

/* With the password known: build the transport and connect. */
static void site_remote_connect(struct site_remote *r, const char *password)
{
    struct site *s = r->site;
    struct curl_http_config hc = {
        .name = s->name,
        .base_url = r->icinga_url,
        .user = r->icinga_user,
        .password = password,
        .ca_file = r->icinga_ca,
        .method_override = true,
        .accept_json = true,
        .explain = site_explain,
        .explain_arg = r,
    };
    struct bastion_cb cb = { site_bastion_changed, site_bastion_hostkey, r };
    struct bastion_config bc = { s->name,   r->b_host,     r->b_port,
                                 r->b_user, r->b_identity, r->b_known_hosts,
                                 NULL };
    struct mc_err err = { 0 };

    if (!r->direct) {
        r->bastion = bastion_new(s->loop, &bc, &cb);
        r->tunnel = tunnel_new(s->loop, r->bastion);
        hc.unix_socket =
            tunnel_path(r->tunnel, r->icinga_host, r->icinga_port, &err);
        if (hc.unix_socket == NULL) {
            site_conn(s, SITE_FAILED, err.msg);
            return;
        }
    }
    s->http = curl_http_new(s->loop, &hc);
    if (r->direct) {
        site_conn(s, SITE_CONNECTED, NULL);
        r->started_icinga = true;
        icinga_client_start(s->icinga);
        return;
    }
    bastion_start(r->bastion);
}

static void site_secret_run(void *arg)
{
    struct secret_job *j = arg;

    secret_resolve(&j->secret, j->host, j->user, &j->value, &j->err);
}

static void site_secret_done(void *arg)
{
    struct secret_job *j = arg;
    struct site_remote *r = j->r;
    char msg[512];

    if (r != NULL) {
        r->job = NULL;
        if (j->value == NULL) {
            snprintf(msg, sizeof msg, "Icinga password: %s", j->err.msg);
            site_conn(r->site, SITE_FAILED, msg);
        } else {
            site_remote_connect(r, j->value);
        }
    }
    secret_wipe_free(j->value);
    free(j->secret.value);
    free(j->host);
    free(j->user);
    free(j);
}

void site_remote_start(struct site *s)
{
    struct site_remote *r = s->remote;
    struct secret_job *j;

    if (r->icinga_password.kind == MC_SECRET_NONE) {
        site_remote_connect(r, NULL);
        return;
    }
    site_conn(s, SITE_CONNECTING, "reading the Icinga password");
    j = xcalloc(1, sizeof *j);
    j->r = r;
    j->secret.kind = r->icinga_password.kind;
    j->secret.value = site_dup(r->icinga_password.value);
    j->host = xstrdup(r->icinga_host);
    j->user = site_dup(r->icinga_user);
    r->job = j;
    worker_submit(s->worker, site_secret_run, site_secret_done, j, 0);
}

void site_answer_hostkey(struct site *s, int answer)
{
    if (s->remote != NULL && s->remote->bastion != NULL)
        bastion_answer_hostkey(s->remote->bastion, (enum bastion_answer)answer);
}

const char *site_tunnel_path(struct site *s, const char *host, int port,
                             struct mc_err *err)
{
    struct site_remote *r = s->remote;

    if (r == NULL || r->direct || r->tunnel == NULL) {
        err_set(err, "%s has no bastion connection to share", s->name);
        return NULL;
    }
    return tunnel_path_shared(r->tunnel, host, port, err);
}

struct bastion *site_remote_bastion(struct site *s)
{
    return s->remote != NULL ? s->remote->bastion : NULL;
}

void site_reconnect(struct site *s)
{
    if (s->remote != NULL && s->remote->bastion != NULL)
        bastion_reconnect(s->remote->bastion);
}

const char *site_remote_socket(struct site *s, const char *host, int port,
                               struct mc_err *err)
{
    struct site_remote *r = s->remote;

    if (r == NULL || r->direct)
        return NULL;
    if (r->tunnel == NULL) {
        err_set(err, "%s is not connected yet", s->name);
        return NULL;
    }
    return tunnel_path(r->tunnel, host, port, err);
}

const char *site_remote_explain(struct site *s, const char *host, int port)
{
    struct site_remote *r = s->remote;

    if (r == NULL || r->tunnel == NULL)
        return NULL;
    if (r->bastion != NULL && bastion_state(r->bastion) != BASTION_READY)
        return bastion_message(r->bastion)[0] != '\0'
                   ? bastion_message(r->bastion)
                   : "the bastion is not connected";
    return tunnel_error(r->tunnel, host, port);
}
