/*
 * The way in to a site's log search: the Elasticsearch or Kibana URL, an
 * HTTP client over the site's bastion tunnel, the password or API key read
 * off the UI path, and the small time helpers the search needs.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/config.h"
#include "backend/curl_http.h"
#include "backend/http.h"
#include "backend/logs_int.h"
#include "backend/loop.h"
#include "backend/secret.h"
#include "backend/site.h"
#include "backend/site_int.h"
#include "backend/worker.h"
#include "backend/xalloc.h"

/* The secret is read on the worker; c is NULL once the client is gone. */
struct logs_secret {
    struct logs_client *c;
    struct mc_secret secret;
    char *host, *user, *value;
    struct mc_err err;
};

static const char *const *logs_words(const struct mc_words *w, size_t *n)
{
    *n = w->n;
    return (const char *const *)w->v;
}

static const char *const logs_host_default[] = { "host.name", "host" };
static const char *const logs_level_default[] = { "log.level", "level",
                                                  "loglevel", "severity" };
static const char *const logs_message_default[] = { "message" };

struct logs_client *logs_client_new(struct site *s)
{
    const struct mc_site_config *cfg = s->cfg;
    struct logs_client *c;
    struct buf path = { 0 };
    const char *u, *prefix;

    if (!s->demo && (cfg == NULL || cfg->logs.url == NULL))
        return NULL;
    c = xcalloc(1, sizeof *c);
    c->site = s;
    strmap_init(&c->seen, 256);
    c->page.total = -1;
    if (s->demo) {
        c->index = xstrdup("logstash-*");
        c->fields = (struct es_fields){
            "@timestamp",
            logs_host_default,
            2,
            logs_level_default,
            4,
            logs_message_default,
            1,
        };
        c->search_path = xstrdup("/logstash-*/_search");
        snprintf(c->what, sizeof c->what, "the demo's Elasticsearch");
        logs_client_start(c);
        return c;
    }
    c->cfg = cfg;
    c->kibana = cfg->logs_kind == MC_LOGS_KIBANA;
    c->index = xstrdup(cfg->logs_index);
    c->fields.time = cfg->logs_time_field;
    c->fields.host = logs_words(&cfg->logs_host_fields, &c->fields.nhost);
    c->fields.level = logs_words(&cfg->logs_level_fields, &c->fields.nlevel);
    c->fields.message =
        logs_words(&cfg->logs_message_fields, &c->fields.nmessage);
    u = strstr(cfg->logs.url, "://");
    prefix = u != NULL ? strchr(u + 3, '/') : NULL;
    if (prefix != NULL)
        buf_puts(&path, prefix);
    if (c->kibana) {
        struct buf es = { 0 };

        buf_printf(&es, "/%s/_search", c->index);
        buf_puts(&path, "/api/console/proxy?path=");
        buf_urlenc(&path, es.data);
        buf_puts(&path, "&method=POST");
        buf_free(&es);
    } else {
        buf_putc(&path, '/');
        buf_puts(&path, c->index);
        buf_puts(&path, "/_search");
    }
    c->search_path = buf_steal(&path);
    snprintf(c->what, sizeof c->what, "%s %.120s%s",
             c->kibana ? "Kibana" : "Elasticsearch", cfg->logs.url,
             c->kibana ? " (console proxy)" : "");
    logs_client_start(c);
    return c;
}

static void logs_secret_run(void *arg)
{
    struct logs_secret *j = arg;

    secret_resolve(&j->secret, j->host, j->user, &j->value, &j->err);
}

static void logs_secret_done(void *arg)
{
    struct logs_secret *j = arg;
    struct logs_client *c = j->c;

    if (c != NULL) {
        c->job = NULL;
        c->secret_read = true;
        if (j->value == NULL) {
            logs_msg(c->transport_err, sizeof c->transport_err,
                     "%s: reading the %s: %s", c->what,
                     c->cfg->logs_api_key.kind != MC_SECRET_NONE ? "API key"
                                                                 : "password",
                     j->err.msg);
        } else {
            c->secret = j->value;
            j->value = NULL;
        }
        site_notify(c->site);
    }
    secret_wipe_free(j->value);
    free(j->secret.value);
    free(j->host);
    free(j->user);
    free(j);
}

static void logs_read_secret(struct logs_client *c)
{
    const struct mc_site_config *cfg = c->cfg;
    bool api = cfg->logs_api_key.kind != MC_SECRET_NONE;
    const struct mc_secret *sec =
        api ? &cfg->logs_api_key : &cfg->logs.password;
    struct logs_secret *j = xcalloc(1, sizeof *j);

    j->c = c;
    j->secret.kind = sec->kind;
    j->secret.value = sec->value != NULL ? xstrdup(sec->value) : NULL;
    j->host = xstrdup(cfg->logs.host);
    j->user = cfg->logs.user != NULL ? xstrdup(cfg->logs.user) : NULL;
    c->job = j;
    worker_submit(c->site->worker, logs_secret_run, logs_secret_done, j, 0);
}

static const char *logs_explain(void *arg)
{
    struct logs_client *c = arg;

    return site_remote_explain(c->site, c->cfg->logs.host, c->cfg->logs.port);
}

bool logs_transport(struct logs_client *c)
{
    const struct mc_site_config *cfg = c->cfg;
    bool api, need;
    struct mc_err err = { 0 };
    char *base, *auth = NULL;
    const char *u, *path, *hdrs[4];
    size_t nh = 0;
    struct curl_http_config hc = { 0 };

    if (c->site->demo) {
        c->http = c->site->http;
        return true;
    }
    if (c->http != NULL)
        return true;
    api = cfg->logs_api_key.kind != MC_SECRET_NONE;
    need = api || cfg->logs.password.kind != MC_SECRET_NONE;
    if (c->transport_err[0] != '\0') {
        logs_msg(c->page.err, sizeof c->page.err, "%s", c->transport_err);
        c->page.status = LOGS_ERROR;
        return false;
    }
    if (need && !c->secret_read) {
        if (c->job == NULL)
            logs_read_secret(c);
        return false; /* the tick sends it once the secret is there */
    }
    if (c->site->conn != SITE_CONNECTED)
        return false;
    hc.unix_socket =
        site_remote_socket(c->site, cfg->logs.host, cfg->logs.port, &err);
    if (hc.unix_socket == NULL && err.msg[0] != '\0') {
        logs_msg(c->page.err, sizeof c->page.err, "%s: %s", c->what, err.msg);
        c->page.status = LOGS_ERROR;
        return false;
    }
    u = strstr(cfg->logs.url, "://");
    path = strchr(u + 3, '/');
    base = path != NULL
               ? xstrndup(cfg->logs.url, (size_t)(path - cfg->logs.url))
               : xstrdup(cfg->logs.url);
    if (api) {
        auth = xasprintf("Authorization: ApiKey %s", c->secret);
        hdrs[nh++] = auth;
    } else if (cfg->logs.user != NULL) {
        hc.user = cfg->logs.user;
        hc.password = c->secret;
    }
    if (c->kibana) { /* a POST without is refused */
        hdrs[nh++] = "kbn-xsrf: mctop";
        hdrs[nh++] = "osd-xsrf: true"; /* OpenSearch Dashboards' name */
    }
    hdrs[nh] = NULL;
    hc.name = c->site->name;
    hc.base_url = base;
    hc.ca_file = cfg->logs.ca_file;
    hc.accept_json = true;
    hc.headers = hdrs;
    hc.explain = logs_explain;
    hc.explain_arg = c;
    c->http = curl_http_new(c->site->loop, &hc);
    c->own_http = true;
    if (auth != NULL) {
        explicit_bzero(auth, strlen(auth));
        free(auth);
    }
    free(base);
    return true;
}

void logs_transport_free(struct logs_client *c)
{
    if (c->job != NULL)
        c->job->c = NULL;
    if (c->own_http)
        c->http->ops->free(c->http->impl);
    secret_wipe_free(c->secret);
}

void logs_msg(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* ---- time ---- */

int logs_resolve_time(const char *s, double now, double *out)
{
    struct tm tm = { 0 };
    double t, frac = 0;
    char unit = 0, *end;
    long n;

    if (strncmp(s, "now", 3) == 0) {
        t = now;
        s += 3;
        while (*s == '-' || *s == '+') {
            int sign = *s == '-' ? -1 : 1;

            n = strtol(s + 1, &end, 10);
            if (end == s + 1)
                return -1;
            unit = *end;
            s = end + 1;
            switch (unit) {
            case 's':
                t += sign * n;
                break;
            case 'm':
                t += sign * n * 60.0;
                break;
            case 'h':
            case 'H':
                t += sign * n * 3600.0;
                break;
            case 'd':
                t += sign * n * 86400.0;
                break;
            case 'w':
                t += sign * n * 7 * 86400.0;
                break;
            case 'M':
                t += sign * n * 30 * 86400.0;
                break;
            case 'y':
                t += sign * n * 365 * 86400.0;
                break;
            default:
                return -1;
            }
        }
        if (*s == '/') { /* rounding down to the unit */
            double u = s[1] == 'd'   ? 86400
                       : s[1] == 'h' ? 3600
                       : s[1] == 'm' ? 60
                                     : 1;

            t = floor(t / u) * u;
            s += 2;
        }
        if (*s != '\0')
            return -1;
        *out = t;
        return 0;
    }
    end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
    if (end == NULL)
        end = strptime(s, "%Y-%m-%d %H:%M", &tm);
    if (end == NULL)
        return -1;
    if (*end == ':') {
        end = strptime(end, ":%S", &tm);
        if (end == NULL)
            return -1;
        if (*end == '.')
            frac = strtod(end, &end);
    }
    if (*end == 'Z')
        end++;
    if (*end != '\0')
        return -1;
    *out = (double)timegm(&tm) + frac;
    return 0;
}

char *logs_iso_time(double t, char *buf, size_t size)
{
    time_t s = (time_t)floor(t);
    struct tm tm;

    gmtime_r(&s, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)((t - floor(t)) * 1000));
    return buf;
}

double logs_interval_secs(const char *iv)
{
    char *end;
    double n = strtod(iv, &end);

    switch (*end) {
    case 's':
        return n;
    case 'm':
        return n * 60;
    case 'h':
        return n * 3600;
    case 'd':
        return n * 86400;
    default:
        return 0;
    }
}
