/*
 * Opening the logs view on a search: the pivot from a host or an alert
 * (its logs around its last state change), ":logs" with its ranges and
 * saved queries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/config.h"
#include "backend/logs_client.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/xalloc.h"
#include "views/format.h"
#include "views/logs.h"
#include "views/logs_int.h"

#define LOGS_PIVOT_SECS    (15 * 60) /* the pivot: the change ± this */
#define LOGS_PIVOT_MAX_AGE (7 * 86400)

/* UTC ISO 8601, as Elasticsearch reads a date without a format. */
static char *logs_iso(double t, char *buf, size_t size)
{
    time_t s = (time_t)floor(t);
    struct tm tm;

    gmtime_r(&s, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* host.name:"H" or host:"H", one clause per host field of the site. */
static void logs_host_query(const struct es_fields *f, const char *host,
                            char *buf, size_t size)
{
    char quoted[512];
    size_t n = 0, q = 0;

    for (const char *s = host; *s != '\0' && q + 3 < sizeof quoted; s++) {
        if (*s == '"' || *s == '\\')
            quoted[q++] = '\\';
        quoted[q++] = *s;
    }
    quoted[q] = '\0';
    buf[0] = '\0';
    if (f == NULL || f->nhost == 0) {
        snprintf(buf, size, "host.name:\"%s\"", quoted);
        return;
    }
    for (size_t i = 0; i < f->nhost && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s:\"%s\"",
                              i > 0 ? " or " : "", f->host[i], quoted);
}

bool logs_view_pivot(struct app *app, struct site *site, const char *host,
                     double lsc)
{
    struct logs_view *v = logs_of(app);
    double now = loop_wall();
    char q[2048], from[32], to[32], a[32], b[32], c[32];

    if (!logs_site_ok(app, site))
        return false;
    logs_set_site(v, site);
    logs_host_query(logs_client_fields(site->logs), host, q, sizeof q);
    v->syntax = ES_KQL;
    logs_set(&v->text, q);
    history_add(&v->hist, q);
    if (!(lsc > 0) || now - lsc > LOGS_PIVOT_MAX_AGE) {
        logs_set_preset(v, 0);
        app_message(app, MSG_INFO,
                    "logs of %s in the last 15 minutes (its last change is "
                    "%s)",
                    host, !(lsc > 0) ? "unknown" : "older than a week");
    } else {
        logs_iso(lsc - LOGS_PIVOT_SECS, from, sizeof from);
        if (lsc + LOGS_PIVOT_SECS >= now)
            snprintf(to, sizeof to, "now");
        else
            logs_iso(lsc + LOGS_PIVOT_SECS, to, sizeof to);
        logs_set_range(v, from, to);
        app_message(app, MSG_INFO, "logs of %s from %s to %s (%s ± 15 minutes)",
                    host, format_time(lsc - LOGS_PIVOT_SECS, a, sizeof a),
                    lsc + LOGS_PIVOT_SECS >= now
                        ? "now"
                        : format_time(lsc + LOGS_PIVOT_SECS, b, sizeof b) + 11,
                    format_time(lsc, c, sizeof c) + 11);
    }
    logs_run(v);
    app_switch_view(app, VIEW_LOGS);
    return true;
}

/* ---- :logs range FROM [TO] ---- */

/* Date math as Elasticsearch reads it: now, now-1h, now-1d/d. */
static bool logs_is_date_math(const char *s)
{
    return strncmp(s, "now", 3) == 0 &&
           strspn(s + 3, "0123456789+-/smhdwMyH") == strlen(s + 3);
}

/* "2026-11-26T10:00", "2026-11-26 10:00:30", "2026-11-26", "10:00" in
 * local time (the last one today, or yesterday if that is to come). */
static int logs_parse_local(const char *s, double now, double *out)
{
    struct tm tm;
    time_t t = (time_t)now;
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    bool time_only = false;

    localtime_r(&t, &tm);
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
        s += n;
        if ((*s == 'T' || *s == ' ') &&
            sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) == 2)
            s += 1 + n;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
    } else if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) == 2) {
        s += n;
        time_only = true;
    } else {
        return -1;
    }
    if (*s == ':' && sscanf(s + 1, "%2d%n", &sec, &n) == 1)
        s += 1 + n;
    if (*s != '\0' || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 60)
        return -1;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    if ((t = mktime(&tm)) == (time_t)-1)
        return -1;
    if (time_only && (double)t > now + 60)
        t -= 86400;
    *out = (double)t;
    return 0;
}

/* One end of a range as Elasticsearch takes it. */
static int logs_parse_end(const char *s, double now, char *out, size_t size)
{
    double secs, t;
    long n;

    if (logs_is_date_math(s)) {
        snprintf(out, size, "%s", s);
        return 0;
    }
    if (strspn(s, "0123456789") > 0 &&
        strspn(s, "0123456789") + 1 == strlen(s) &&
        strchr("smhdwMy", s[strlen(s) - 1]) != NULL) { /* "24h": as typed */
        snprintf(out, size, "now-%s", s);
        return 0;
    }
    if (format_parse_duration(s, &secs) == 0 && secs > 0) {
        n = (long)secs;
        if (n % 86400 == 0)
            snprintf(out, size, "now-%ldd", n / 86400);
        else if (n % 3600 == 0)
            snprintf(out, size, "now-%ldh", n / 3600);
        else if (n % 60 == 0)
            snprintf(out, size, "now-%ldm", n / 60);
        else
            snprintf(out, size, "now-%lds", n);
        return 0;
    }
    if (logs_parse_local(s, now, &t) == 0) {
        logs_iso(t, out, size);
        return 0;
    }
    /* an ISO time with its zone: as typed */
    if (strlen(s) >= 11 && (strchr(s, 'Z') != NULL || strchr(s + 10, '+')) &&
        strspn(s, "0123456789-T:.Z+") == strlen(s)) {
        snprintf(out, size, "%s", s);
        return 0;
    }
    return -1;
}

static int logs_command_range(struct logs_view *v, struct site *site,
                              const char *arg)
{
    char a[64] = "", b[64] = "", gte[64], lte[64];
    double now = loop_wall();

    if (sscanf(arg, "%63s %63s", a, b) < 1) {
        app_message(v->app, MSG_ERROR, "usage: logs range FROM [TO]");
        return -1;
    }
    if (logs_parse_end(a, now, gte, sizeof gte) < 0 ||
        (b[0] != '\0' && logs_parse_end(b, now, lte, sizeof lte) < 0)) {
        app_message(v->app, MSG_ERROR,
                    "logs range: a time is date math (now-2h), a duration "
                    "(1h) or a local time (2026-11-26T10:00)");
        return -1;
    }
    if (b[0] == '\0')
        snprintf(lte, sizeof lte, "now");
    if (!logs_site_ok(v->app, site))
        return -1;
    logs_set_site(v, site);
    logs_set_range(v, gte, lte);
    logs_run(v);
    app_switch_view(v->app, VIEW_LOGS);
    return 0;
}

/* ---- saved queries ---- */

static void logs_run_saved(struct logs_view *v, const struct mc_saved_query *q)
{
    v->syntax = q->syntax;
    logs_set(&v->text, q->query);
    history_add(&v->hist, v->text);
    if (q->range != NULL)
        logs_set_range(v, q->range, "now");
    logs_run(v);
    app_message(v->app, MSG_INFO, "saved query %s", q->name);
    app_switch_view(v->app, VIEW_LOGS);
}

static size_t logs_nsaved(const struct site *s)
{
    return s != NULL && s->cfg != NULL ? s->cfg->nqueries : 0;
}

static void logs_saved_picked(struct app *app, struct dialog *d,
                              enum dialog_result r, void *arg)
{
    struct logs_view *v = arg;

    (void)app;
    if (r == DIALOG_OK && d->sel < logs_nsaved(v->site))
        logs_run_saved(v, &v->site->cfg->queries[d->sel]);
}

void logs_pick_saved(struct logs_view *v)
{
    size_t n = logs_nsaved(v->site);
    char **items;

    if (n == 0) {
        app_message(v->app, MSG_INFO,
                    "site %s has no saved queries ([query %s NAME] in the "
                    "configuration)",
                    v->site->name, v->site->name);
        return;
    }
    items = xcalloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        const struct mc_saved_query *q = &v->site->cfg->queries[i];
        char buf[512];

        snprintf(buf, sizeof buf, "%-16s %-6s %s", q->name,
                 q->syntax == ES_KQL ? "KQL" : "Lucene", q->query);
        items[i] = xstrdup(buf);
    }
    app_open_dialog(
        v->app, dialog_pick("Saved queries", (const char *const *)items, n, 0),
        logs_saved_picked, v);
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

static int logs_command_saved(struct logs_view *v, struct site *site,
                              const char *name)
{
    if (!logs_site_ok(v->app, site))
        return -1;
    logs_set_site(v, site);
    if (*name == '\0') {
        logs_pick_saved(v);
        return 0;
    }
    for (size_t i = 0; i < logs_nsaved(site); i++)
        if (strcmp(site->cfg->queries[i].name, name) == 0) {
            logs_run_saved(v, &site->cfg->queries[i]);
            return 0;
        }
    app_message(v->app, MSG_ERROR, "logs: site %s has no saved query %s",
                site->name, name);
    return -1;
}

/* ":logs WORD ..." when WORD is the first word of arg. */
static const char *logs_word(const char *arg, const char *word)
{
    size_t n = strlen(word);

    if (strncmp(arg, word, n) != 0 || (arg[n] != ' ' && arg[n] != '\0'))
        return NULL;
    for (arg += n; *arg == ' ';)
        arg++;
    return arg;
}

int logs_view_command(struct app *app, const char *arg)
{
    struct logs_view *v = logs_of(app);
    struct site *site = logs_default_site(v);
    const char *rest;

    if ((rest = logs_word(arg, "range")) != NULL)
        return logs_command_range(v, site, rest);
    if ((rest = logs_word(arg, "saved")) != NULL)
        return logs_command_saved(v, site, rest);
    if (!logs_site_ok(app, site))
        return -1;
    logs_set_site(v, site);
    if (*arg != '\0') {
        logs_set(&v->text, arg);
        history_add(&v->hist, arg);
    }
    if (*arg != '\0' || !v->searched)
        logs_run(v);
    app_switch_view(app, VIEW_LOGS);
    return 0;
}
