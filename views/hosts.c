/* The hosts view: one row per host with its state and NRPE meters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti_client.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/trend.h"
#include "backend/xalloc.h"
#include "tui/meter.h"
#include "tui/sparkline.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/format.h"
#include "views/listview.h"

enum {
    HC_STATE,
    HC_FLAGS,
    HC_SITE,
    HC_HOST,
    HC_ENV,
    HC_ADDRESS,
    HC_SINCE,
    HC_PROB,
    HC_LOAD,
    HC_MEM,
    HC_DISK,
    HC_HEAP,
    HC_GRAPH,
    HC_COUNT
};

#define HOSTS_ONLY_PROBLEMS 1u

static const struct table_col hosts_cols[HC_COUNT] = {
    [HC_STATE] = { "STATE", 6, 0, ALIGN_CENTER, 0 },
    [HC_FLAGS] = { "FLAGS", 5, 0, ALIGN_LEFT, 1 },
    [HC_SITE] = { "SITE", 10, 0, ALIGN_LEFT, 1 },
    [HC_HOST] = { "HOST", 14, 3, ALIGN_LEFT, 0 },
    [HC_ENV] = { "ENV", 11, 0, ALIGN_LEFT, 1 },
    [HC_ADDRESS] = { "ADDRESS", 15, 0, ALIGN_LEFT, 3 },
    [HC_SINCE] = { "SINCE", 7, 0, ALIGN_RIGHT, 1 },
    [HC_PROB] = { "PROB", 4, 0, ALIGN_RIGHT, 2 },
    [HC_LOAD] = { "LOAD", 10, 1, ALIGN_LEFT, 1 },
    [HC_MEM] = { "MEM", 10, 1, ALIGN_LEFT, 1 },
    [HC_DISK] = { "DISK", 10, 1, ALIGN_LEFT, 1 },
    [HC_HEAP] = { "HEAP", 10, 1, ALIGN_LEFT, 2 },
    [HC_GRAPH] = { "GRAPH", 12, 1, ALIGN_LEFT, 2 },
};

static const char *const hosts_col_names[] = {
    "state",    "flags", "site", "host", "env",  "address", "since",
    "problems", "load",  "mem",  "disk", "heap", "graph",   NULL
};

static const int hosts_metric_col[MC_METRIC_COUNT] = { HC_LOAD, HC_MEM, HC_DISK,
                                                       HC_HEAP };

/* Problem services of a host and the worst of their states. */
static int hosts_problems(const struct mc_snapshot *snap,
                          const struct mc_host *h, enum mc_state *worst)
{
    int n = 0;

    *worst = MC_OK;
    for (uint32_t i = 0; i < h->svc_count; i++) {
        enum mc_state st = model_service_state(&snap->svcs[h->svc_first + i]);

        if (!model_state_is_problem(st))
            continue;
        n++;
        if (model_state_severity(st) > model_state_severity(*worst))
            *worst = st;
    }
    return n;
}

/* A row's aux: its problem services' count and worst state, computed once. */
#define HOSTS_AUX(n, worst)  (((uint32_t)(worst) << 24) | (uint32_t)(n))
#define HOSTS_AUX_COUNT(aux) ((int)((aux)&0xFFFFFFu))
#define HOSTS_AUX_WORST(aux) ((enum mc_state)((aux) >> 24))

static void hosts_collect(struct listview *lv, uint32_t site)
{
    const struct mc_snapshot *snap = lv->app->sites[site]->snap;

    for (size_t i = 0; i < snap->nhosts; i++) {
        const struct mc_host *h = &snap->hosts[i];
        enum mc_state worst;
        int n = hosts_problems(snap, h, &worst);

        if ((lv->toggles & HOSTS_ONLY_PROBLEMS) && n == 0 &&
            !model_state_is_problem(model_host_state(h)))
            continue;
        listview_push(lv, site, (uint32_t)i, -1, HOSTS_AUX(n, worst));
    }
}

static int hosts_cmp_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

static int hosts_cmp_str(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* Meters sort by fill; hosts without the metric go last. */
static double hosts_metric_key(const struct mc_metric *m)
{
    return m->valid && m->scale > 0 ? m->value / m->scale : -1;
}

static int hosts_compare(const struct listview *lv, const struct list_row *a,
                         const struct list_row *b, int col)
{
    const struct mc_host *ha = listview_host(lv, a), *hb = listview_host(lv, b);
    int na = HOSTS_AUX_COUNT(a->aux), nb = HOSTS_AUX_COUNT(b->aux);

    switch (col) {
    case HC_STATE: { /* the host, then its worst service */
        int c = model_state_severity(model_host_state(ha)) -
                model_state_severity(model_host_state(hb));

        if (c == 0)
            c = model_state_severity(HOSTS_AUX_WORST(a->aux)) -
                model_state_severity(HOSTS_AUX_WORST(b->aux));
        return c != 0 ? c : na - nb;
    }
    case HC_FLAGS:
        return (ha->st.ack + ha->st.downtime_depth + ha->st.flapping) -
               (hb->st.ack + hb->st.downtime_depth + hb->st.flapping);
    case HC_SITE:
        return strcmp(listview_site(lv, a)->name, listview_site(lv, b)->name);
    case HC_HOST:
        return strcmp(ha->name, hb->name);
    case HC_ENV:
        return hosts_cmp_str(ha->env, hb->env);
    case HC_ADDRESS:
        return hosts_cmp_str(ha->address, hb->address);
    case HC_SINCE: /* most recent change first when ascending */
        return hosts_cmp_double(hb->st.last_state_change,
                                ha->st.last_state_change);
    case HC_PROB:
        return na - nb;
    default:
        for (int k = 0; k < MC_METRIC_COUNT; k++)
            if (hosts_metric_col[k] == col)
                return hosts_cmp_double(hosts_metric_key(&ha->metric[k]),
                                        hosts_metric_key(&hb->metric[k]));
        return 0;
    }
}

static int hosts_fields(const struct listview *lv, const struct list_row *r,
                        const char **out)
{
    const struct mc_host *h = listview_host(lv, r);

    out[0] = h->name;
    out[1] = h->display_name;
    out[2] = h->address;
    out[3] = h->env;
    out[4] = model_state_label(model_host_state(h));
    out[5] = listview_site(lv, r)->name;
    return 6;
}

static void hosts_draw_meter(const struct table_row *tr, int col,
                             const struct mc_metric *m,
                             enum mc_metric_kind kind)
{
    static const enum meter_level level[] = {
        [MC_OK] = METER_OK, [MC_WARN] = METER_WARN, [MC_CRIT] = METER_CRIT
    };
    struct meter mt = { 0, -1, -1, METER_OK };
    int x = tr->xs[col], w = tr->ws[col];
    char text[16];

    if (w <= 0)
        return;
    format_metric(m, kind, text, sizeof text);
    if (!m->valid || w < 6) {
        draw_cell(tr->y, x, w, table_row_role(tr), text, ALIGN_RIGHT);
        return;
    }
    mt.frac = m->scale > 0 ? m->value / m->scale : 0;
    mt.warn = m->scale > 0 && !isnan(m->warn) ? m->warn / m->scale : -1;
    mt.crit = m->scale > 0 && !isnan(m->crit) ? m->crit / m->scale : -1;
    mt.level = m->state <= MC_CRIT ? level[m->state] : METER_OK;
    meter_draw(tr->y, x, w - 5, &mt);
    draw_cell(tr->y, x + w - 5, 5,
              mt.level == METER_OK     ? table_row_role(tr)
              : mt.level == METER_WARN ? ROLE_METER_WARN
                                       : ROLE_METER_CRIT,
              text, ALIGN_RIGHT);
}

/* The host's chosen Cacti graph (cacti_column) over the last hour. */
static void hosts_draw_graph(const struct listview *lv,
                             const struct list_row *r,
                             const struct table_row *tr)
{
    struct site *s = listview_site(lv, r);
    const struct mc_host *h = listview_host(lv, r);
    int x = tr->xs[HC_GRAPH], w = tr->ws[HC_GRAPH];
    const struct cacti_host *ch;
    const struct cacti_graph *g;
    const struct cacti_data *d;

    if (w <= 0)
        return;
    if (s->cacti == NULL) {
        draw_cell(tr->y, x, w, table_row_role(tr), "", ALIGN_LEFT);
        return;
    }
    ch = cacti_client_host(s->cacti, h->name, h->address);
    g = cacti_client_column_graph(s->cacti, ch);
    if (g == NULL) {
        draw_cell(tr->y, x, w,
                  ch->status == CACTI_ERROR ? ROLE_STATUS_WARN : ROLE_DIM,
                  ch->status == CACTI_LOADING ? "…"
                  : ch->status == CACTI_ERROR ? "error"
                                              : "-",
                  ALIGN_LEFT);
        return;
    }
    d = cacti_client_data(s->cacti, g->id, 0, cacti_range_secs[0]);
    if (d->x == NULL || d->x->nseries == 0) {
        draw_cell(tr->y, x, w,
                  d->status == CACTI_ERROR ? ROLE_STATUS_WARN : ROLE_DIM,
                  d->status == CACTI_ERROR ? "error" : "…", ALIGN_LEFT);
        return;
    }
    draw_fill(tr->y, x, w, table_row_role(tr));
    sparkline_draw(tr->y, x, w, d->stale ? ROLE_STALE : ROLE_SPARK,
                   d->x->series[0].v, d->x->npoints, 0, 0,
                   sparkline_style_auto());
}

static void hosts_draw_row(const struct listview *lv, const struct list_row *r,
                           const struct table_row *tr)
{
    const struct site *s = listview_site(lv, r);
    const struct mc_host *h = listview_host(lv, r);
    enum mc_state st = model_host_state(h), worst = HOSTS_AUX_WORST(r->aux);
    int nprob = HOSTS_AUX_COUNT(r->aux);
    char buf[32];

    table_cell(tr, HC_STATE,
               format_state_role(st, model_status_handled(&h->st)),
               model_state_label(st));
    table_cell(tr, HC_FLAGS, listview_flags(lv, r, tr, buf, sizeof buf), buf);
    table_cell(tr, HC_SITE, ROLE_DEFAULT, s->name);
    table_cell(tr, HC_HOST, ROLE_DEFAULT, h->display_name);
    table_cell(tr, HC_ENV, ROLE_DEFAULT, h->env != NULL ? h->env : "-");
    table_cell(tr, HC_ADDRESS, ROLE_DEFAULT,
               h->address != NULL ? h->address : "-");
    table_cell(
        tr, HC_SINCE, ROLE_DEFAULT,
        format_age(h->st.last_state_change, listview_now(lv), buf, sizeof buf));
    snprintf(buf, sizeof buf, "%d", nprob);
    table_cell(tr, HC_PROB,
               nprob ? format_state_role(worst, false) : ROLE_DEFAULT,
               nprob ? buf : "");
    for (int k = 0; k < MC_METRIC_COUNT; k++)
        hosts_draw_meter(tr, hosts_metric_col[k], &h->metric[k],
                         (enum mc_metric_kind)k);
    hosts_draw_graph(lv, r, tr);
}

/* The host's Cacti graphs, first series of each over the last hour. */
static void hosts_detail_graphs(struct detail *d, struct site *s,
                                const struct mc_host *h)
{
    const struct cacti_host *ch;
    char title[64];

    if (s->cacti == NULL)
        return;
    ch = cacti_client_host(s->cacti, h->name, h->address);
    snprintf(title, sizeof title, "Graphs (Cacti, 1h; v shows them all)");
    detail_heading(d, title);
    if (ch->status == CACTI_LOADING) {
        detail_text(d, "asking Cacti…");
        return;
    }
    if (ch->status == CACTI_ERROR && ch->graphs.n == 0) {
        detail_text(d, ch->err);
        return;
    }
    if (ch->graphs.n == 0) {
        detail_text(d, ch->device_id == 0 ? "no Cacti device for this host"
                                          : "the device has no graphs");
        return;
    }
    for (size_t i = 0; i < ch->graphs.n && i < 12; i++) {
        const struct cacti_graph *g = &ch->graphs.v[i];
        const struct cacti_data *dd =
            cacti_client_data(s->cacti, g->id, 0, cacti_range_secs[0]);
        const char *t = g->title;
        size_t n = ch->device != NULL ? strlen(ch->device) : 0;

        if (n > 0 && strncmp(t, ch->device, n) == 0 &&
            strncmp(t + n, " - ", 3) == 0)
            t += n + 3;
        if (dd->x != NULL && dd->x->nseries > 0)
            detail_spark(d, t, dd->x->series[0].v, dd->x->npoints);
        else
            detail_kv(d, t, "%s",
                      dd->status == CACTI_ERROR ? dd->err : "loading…");
    }
}

static void hosts_detail_metrics(struct detail *d, const struct mc_host *h)
{
    static const char *const names[MC_METRIC_COUNT] = { "Load", "Memory",
                                                        "Worst disk",
                                                        "JVM heap" };
    char v[16];

    for (int k = 0; k < MC_METRIC_COUNT; k++) {
        const struct mc_metric *m = &h->metric[k];

        if (!m->valid)
            continue;
        format_metric(m, (enum mc_metric_kind)k, v, sizeof v);
        detail_kv(d, names[k], "%s  (%s %g%s of %g%s)", v, m->label, m->value,
                  m->uom, m->scale, m->uom);
    }
}

/* The host's services, worst first, each with its perf data. */
static void hosts_detail_services(struct detail *d,
                                  const struct mc_snapshot *snap,
                                  const struct mc_host *h)
{
    uint32_t *idx = xcalloc(h->svc_count ? h->svc_count : 1, sizeof *idx);
    char title[64];

    for (uint32_t i = 0; i < h->svc_count; i++) {
        uint32_t j = i;
        int sev = model_state_severity(
            model_service_state(&snap->svcs[h->svc_first + i]));

        /* insertion sort: a host has a handful of services */
        while (j > 0 && model_state_severity(model_service_state(
                            &snap->svcs[idx[j - 1]])) < sev) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = h->svc_first + i;
    }
    snprintf(title, sizeof title, "Services (%u)", h->svc_count);
    detail_heading(d, title);
    for (uint32_t i = 0; i < h->svc_count; i++) {
        const struct mc_service *sv = &snap->svcs[idx[i]];

        detail_state(d, model_service_state(sv), &sv->st, sv->display_name,
                     sv->st.output);
        if (sv->st.perf_raw != NULL && sv->st.perf_raw[0] != '\0')
            detail_kv(d, "", "%s", sv->st.perf_raw);
    }
    free(idx);
}

/* Who the host is and its state first, then its services, then meters. */
static void hosts_detail(const struct listview *lv, const struct list_row *r,
                         struct detail *d)
{
    const struct site *s = listview_site(lv, r);
    const struct mc_host *h = listview_host(lv, r);
    double now = listview_now(lv), series[120];
    size_t n = trend_get(s->load_trend, h->name, series, 120);
    char t[64], age[32], checked[32];

    detail_heading(d, h->display_name);
    detail_state(d, model_host_state(h), &h->st, "host", h->st.output);
    listview_detail_triage(lv, r, d);
    detail_kv(d, "Host", "%s%s%s · %s · site %s", h->name,
              h->address != NULL ? " · " : "",
              h->address != NULL ? h->address : "",
              h->env != NULL ? h->env : "no environment", s->name);
    detail_kv(d, "State since", "%s (%s), checked %s ago",
              format_time(h->st.last_state_change, t, sizeof t),
              format_age(h->st.last_state_change, now, age, sizeof age),
              format_age(h->st.last_check, now, checked, sizeof checked));
    if (n > 1)
        detail_spark(d, "Load trend", series, n);
    hosts_detail_services(d, s->snap, h);
    hosts_detail_metrics(d, h);
    hosts_detail_graphs(d, listview_site(lv, r), h);
}

static enum view_result hosts_action(struct listview *lv, int action)
{
    if (action != ACT_TOGGLE_PROBLEMS)
        return VIEW_IGNORED;
    lv->toggles ^= HOSTS_ONLY_PROBLEMS;
    app_message(lv->app, MSG_INFO, "%s",
                lv->toggles & HOSTS_ONLY_PROBLEMS
                    ? "showing only hosts with problems"
                    : "showing all hosts");
    listview_invalidate(lv);
    return VIEW_DONE;
}

static const char *hosts_summary_extra(const struct listview *lv)
{
    return lv->toggles & HOSTS_ONLY_PROBLEMS ? "only problems" : NULL;
}

static const struct list_ops hosts_list_ops = {
    .cols = hosts_cols,
    .ncols = HC_COUNT,
    .col_names = hosts_col_names,
    .site_col = HC_SITE,
    .default_sort = HC_STATE,
    .default_desc = true,
    .noun = "hosts",
    .empty = "No hosts match",
    .collect = hosts_collect,
    .compare = hosts_compare,
    .fields = hosts_fields,
    .draw_row = hosts_draw_row,
    .detail = hosts_detail,
    .action = hosts_action,
    .summary_extra = hosts_summary_extra,
};

static void *hosts_create(struct app *app)
{
    return listview_new(app, &hosts_list_ops);
}

const struct view_ops hosts_view_ops =
    LISTVIEW_VIEW_OPS("hosts", "Hosts", KT_HOSTS, hosts_create);
