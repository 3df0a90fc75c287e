/* The alerts view: host and service problems, unhandled first. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/site.h"
#include "backend/snapshot.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/format.h"
#include "views/listview.h"

enum {
    AC_STATE,
    AC_FLAGS,
    AC_SITE,
    AC_HOST,
    AC_SERVICE,
    AC_ENV,
    AC_SINCE,
    AC_OUTPUT,
    AC_COUNT
};

#define ALERTS_SHOW_HANDLED 1u
#define ALERTS_SHOW_SOFT    2u

static const struct table_col alerts_cols[AC_COUNT] = {
    [AC_STATE] = { "STATE", 6, 0, ALIGN_CENTER, 0 },
    [AC_FLAGS] = { "FLAGS", 5, 0, ALIGN_LEFT, 1 },
    [AC_SITE] = { "SITE", 10, 0, ALIGN_LEFT, 1 },
    [AC_HOST] = { "HOST", 14, 1, ALIGN_LEFT, 0 },
    [AC_SERVICE] = { "SERVICE", 12, 1, ALIGN_LEFT, 0 },
    [AC_ENV] = { "ENV", 11, 0, ALIGN_LEFT, 2 },
    [AC_SINCE] = { "SINCE", 7, 0, ALIGN_RIGHT, 1 },
    [AC_OUTPUT] = { "OUTPUT", 20, 4, ALIGN_LEFT, 0 },
};

static const char *const alerts_col_names[] = { "state", "flags",   "site",
                                                "host",  "service", "env",
                                                "since", "output",  NULL };

/* The status of a row: the service's, or the host's for a host problem. */
static const struct mc_status *alerts_status(const struct listview *lv,
                                             const struct list_row *r)
{
    const struct mc_service *s = listview_service(lv, r);

    return s != NULL ? &s->st : &listview_host(lv, r)->st;
}

static enum mc_state alerts_state(const struct listview *lv,
                                  const struct list_row *r)
{
    const struct mc_service *s = listview_service(lv, r);

    return s != NULL ? model_service_state(s)
                     : model_host_state(listview_host(lv, r));
}

/* Handled: acknowledged, in downtime, or a service of a host that is down. */
static bool alerts_handled(const struct listview *lv, const struct list_row *r)
{
    const struct mc_service *s = listview_service(lv, r);

    if (model_status_handled(alerts_status(lv, r)))
        return true;
    return s != NULL &&
           model_state_is_problem(model_host_state(listview_host(lv, r)));
}

static bool alerts_wanted(const struct listview *lv, const struct list_row *r)
{
    const struct mc_status *st = alerts_status(lv, r);

    if (!model_state_is_problem(alerts_state(lv, r)))
        return false;
    if (!(lv->toggles & ALERTS_SHOW_SOFT) && st->state_type == 0)
        return false;
    return (lv->toggles & ALERTS_SHOW_HANDLED) || !alerts_handled(lv, r);
}

static void alerts_collect(struct listview *lv, uint32_t site)
{
    const struct mc_snapshot *snap = lv->app->sites[site]->snap;

    for (size_t i = 0; i < snap->nhosts; i++) {
        const struct mc_host *h = &snap->hosts[i];
        struct list_row r = { site, (uint32_t)i, -1, 0 };

        if (alerts_wanted(lv, &r))
            listview_push(lv, site, (uint32_t)i, -1, 0);
        for (uint32_t k = 0; k < h->svc_count; k++) {
            r.svc = (int32_t)(h->svc_first + k);
            if (alerts_wanted(lv, &r))
                listview_push(lv, site, (uint32_t)i, r.svc, 0);
        }
    }
}

static int alerts_cmp_double(double a, double b)
{
    return (a > b) - (a < b);
}

/* Unhandled first, then the worst state, then the most recent change. */
static int alerts_cmp_state(const struct listview *lv, const struct list_row *a,
                            const struct list_row *b)
{
    int c = (int)alerts_handled(lv, a) - (int)alerts_handled(lv, b);

    if (c != 0)
        return c;
    c = model_state_severity(alerts_state(lv, b)) -
        model_state_severity(alerts_state(lv, a));
    if (c != 0)
        return c;
    return alerts_cmp_double(alerts_status(lv, b)->last_state_change,
                             alerts_status(lv, a)->last_state_change);
}

static int alerts_compare(const struct listview *lv, const struct list_row *a,
                          const struct list_row *b, int col)
{
    const struct mc_service *sa = listview_service(lv, a);
    const struct mc_service *sb = listview_service(lv, b);
    const struct mc_status *ta = alerts_status(lv, a),
                           *tb = alerts_status(lv, b);
    const char *ea = listview_host(lv, a)->env, *eb = listview_host(lv, b)->env;

    switch (col) {
    case AC_STATE:
        return alerts_cmp_state(lv, a, b);
    case AC_FLAGS:
        return (ta->ack + ta->downtime_depth + ta->flapping) -
               (tb->ack + tb->downtime_depth + tb->flapping);
    case AC_SITE:
        return strcmp(listview_site(lv, a)->name, listview_site(lv, b)->name);
    case AC_HOST:
        return strcmp(listview_host(lv, a)->name, listview_host(lv, b)->name);
    case AC_SERVICE:
        return strcmp(sa != NULL ? sa->name : "", sb != NULL ? sb->name : "");
    case AC_ENV:
        return strcmp(ea != NULL ? ea : "", eb != NULL ? eb : "");
    case AC_SINCE:
        return alerts_cmp_double(tb->last_state_change, ta->last_state_change);
    case AC_OUTPUT:
        return strcmp(ta->output != NULL ? ta->output : "",
                      tb->output != NULL ? tb->output : "");
    default:
        return 0;
    }
}

static int alerts_fields(const struct listview *lv, const struct list_row *r,
                         const char **out)
{
    const struct mc_service *s = listview_service(lv, r);
    const struct mc_host *h = listview_host(lv, r);

    out[0] = h->name;
    out[1] = s != NULL ? s->display_name : NULL;
    out[2] = s != NULL ? s->name : NULL;
    out[3] = alerts_status(lv, r)->output;
    out[4] = h->env;
    out[5] = model_state_label(alerts_state(lv, r));
    out[6] = listview_site(lv, r)->name;
    return 7;
}

static void alerts_draw_row(const struct listview *lv, const struct list_row *r,
                            const struct table_row *tr)
{
    const struct mc_service *s = listview_service(lv, r);
    const struct mc_host *h = listview_host(lv, r);
    const struct mc_status *st = alerts_status(lv, r);
    enum mc_state state = alerts_state(lv, r);
    bool handled = alerts_handled(lv, r);
    enum theme_role text = handled && !tr->cursor ? ROLE_DIM : ROLE_DEFAULT;
    char buf[32];

    table_cell(tr, AC_STATE, format_state_role(state, handled),
               model_state_label(state));
    table_cell(tr, AC_FLAGS, listview_flags(lv, r, tr, buf, sizeof buf), buf);
    table_cell(tr, AC_SITE, text, listview_site(lv, r)->name);
    table_cell(tr, AC_HOST, text, h->display_name);
    table_cell(tr, AC_SERVICE, text, s != NULL ? s->display_name : "(host)");
    table_cell(tr, AC_ENV, text, h->env != NULL ? h->env : "-");
    table_cell(
        tr, AC_SINCE, text,
        format_age(st->last_state_change, listview_now(lv), buf, sizeof buf));
    table_cell(tr, AC_OUTPUT, text, st->output != NULL ? st->output : "");
}

static void alerts_detail(const struct listview *lv, const struct list_row *r,
                          struct detail *d)
{
    const struct mc_service *s = listview_service(lv, r);
    const struct mc_host *h = listview_host(lv, r);
    const struct mc_status *st = alerts_status(lv, r);
    double now = listview_now(lv);
    char t[64], age[32], title[512];

    snprintf(title, sizeof title, "%s%s%s", h->display_name,
             s != NULL ? " ! " : "", s != NULL ? s->display_name : "");
    detail_heading(d, title);
    detail_state(d, alerts_state(lv, r), st, s != NULL ? s->name : "host",
                 st->output);
    listview_detail_triage(lv, r, d);
    if (st->long_output != NULL)
        detail_text(d, st->long_output);
    if (st->perf_raw != NULL && st->perf_raw[0] != '\0')
        detail_kv(d, "Perfdata", "%s", st->perf_raw);
    detail_kv(d, "State since", "%s (%s)",
              format_time(st->last_state_change, t, sizeof t),
              format_age(st->last_state_change, now, age, sizeof age));
    detail_kv(d, "Last check", "%s ago",
              format_age(st->last_check, now, age, sizeof age));
    detail_kv(d, "Attempt", "%d/%d (%s)", st->attempt, st->max_attempts,
              st->state_type ? "hard" : "soft");
    if (st->ack > 0)
        detail_kv(d, "Acknowledged", "%s",
                  st->ack == 2 ? "yes (sticky)" : "yes");
    if (st->downtime_depth > 0)
        detail_kv(d, "Downtime", "in downtime (%d)", st->downtime_depth);
    if (st->flapping)
        detail_kv(d, "Flapping", "yes");
    if (s != NULL)
        detail_state(d, model_host_state(h), &h->st, "host", h->st.output);
    detail_kv(d, "Address", "%s", h->address != NULL ? h->address : "-");
    detail_kv(d, "Environment", "%s", h->env != NULL ? h->env : "-");
    detail_kv(d, "Site", "%s", listview_site(lv, r)->name);
}

static enum view_result alerts_action(struct listview *lv, int action)
{
    unsigned bit;

    if (action == ACT_TOGGLE_HANDLED)
        bit = ALERTS_SHOW_HANDLED;
    else if (action == ACT_TOGGLE_SOFT)
        bit = ALERTS_SHOW_SOFT;
    else
        return VIEW_IGNORED;
    lv->toggles ^= bit;
    app_message(lv->app, MSG_INFO, "%s %s problems",
                lv->toggles & bit ? "showing" : "hiding",
                bit == ALERTS_SHOW_HANDLED ? "handled" : "soft");
    listview_invalidate(lv);
    return VIEW_DONE;
}

static const char *alerts_summary_extra(const struct listview *lv)
{
    static const char *const text[] = { "handled and soft hidden",
                                        "soft hidden", "handled hidden",
                                        "all problems" };

    return text[lv->toggles & 3u];
}

static const struct list_ops alerts_list_ops = {
    .cols = alerts_cols,
    .ncols = AC_COUNT,
    .col_names = alerts_col_names,
    .site_col = AC_SITE,
    .default_sort = AC_STATE,
    .default_desc = false,
    .noun = "problems",
    .empty = "No problems to show",
    .collect = alerts_collect,
    .compare = alerts_compare,
    .fields = alerts_fields,
    .draw_row = alerts_draw_row,
    .detail = alerts_detail,
    .action = alerts_action,
    .summary_extra = alerts_summary_extra,
};

static void *alerts_create(struct app *app)
{
    return listview_new(app, &alerts_list_ops);
}

const struct view_ops alerts_view_ops =
    LISTVIEW_VIEW_OPS("alerts", "Alerts", KT_ALERTS, alerts_create);
