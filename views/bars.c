/* Header, tabs, status line and key hints. */
#include "bars.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backend/site.h"
#include "backend/snapshot.h"
#include "tui/text.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/format.h"

/* Unhandled problems per state over all sites, and handled ones. */
struct bars_counts {
    size_t n[MC_STATE_COUNT];
    size_t handled;
};

static void bars_count(const struct app *app, struct bars_counts *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < app->nsites; i++) {
        const struct mc_snapshot *snap = app->sites[i]->snap;

        if (snap == NULL)
            continue;
        for (size_t h = 0; h < snap->nhosts; h++) {
            const struct mc_host *host = &snap->hosts[h];
            enum mc_state st = model_host_state(host);
            bool host_down = model_state_is_problem(st);

            if (host_down && model_status_handled(&host->st))
                c->handled++;
            else if (host_down)
                c->n[st]++;
            for (uint32_t k = 0; k < host->svc_count; k++) {
                const struct mc_service *s = &snap->svcs[host->svc_first + k];
                enum mc_state ss = model_service_state(s);

                if (!model_state_is_problem(ss))
                    continue;
                if (host_down || model_status_handled(&s->st))
                    c->handled++;
                else
                    c->n[ss]++;
            }
        }
    }
}

static int bars_put(int y, int x, int maxx, enum theme_role role, const char *s)
{
    return x >= maxx ? 0 : draw_text(y, x, maxx - x, role, s);
}

static int bars_counters(const struct app *app, int x, int maxx)
{
    static const enum mc_state order[] = { MC_DOWN, MC_UNRCH, MC_CRIT, MC_UNKN,
                                           MC_WARN };
    struct bars_counts c;
    char buf[48];
    bool any = false, data = false;

    for (size_t i = 0; i < app->nsites; i++)
        data = data || app->sites[i]->snap != NULL;
    if (!data) /* "all OK" would be a lie before the first fetch */
        return x + bars_put(0, x, maxx, ROLE_HEADER, " waiting for data ");
    bars_count(app, &c);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (c.n[order[i]] == 0)
            continue;
        snprintf(buf, sizeof buf, " %zu %s ", c.n[order[i]],
                 model_state_label(order[i]));
        x += bars_put(0, x, maxx, format_state_role(order[i], false), buf);
        x += bars_put(0, x, maxx, ROLE_HEADER, " ");
        any = true;
    }
    if (!any)
        x += bars_put(0, x, maxx, ROLE_HEADER, " all OK ");
    if (c.handled > 0) {
        snprintf(buf, sizeof buf, " %zu handled ", c.handled);
        x += bars_put(0, x, maxx, ROLE_HEADER, buf);
    }
    return x;
}

static int bars_site(const struct site *s, double now, int x, int maxx)
{
    char conn[320], buf[400], age[32];
    bool ok = s->conn == SITE_CONNECTED;
    enum theme_role role = ok ? ROLE_HEADER : ROLE_STALE;

    site_conn_text(s, conn, sizeof conn);
    snprintf(buf, sizeof buf, " %s %s %s", s->name,
             text_utf8() ? (ok ? "\u25cf" : "\u25cb") : (ok ? "*" : "o"), conn);
    x += bars_put(0, x, maxx, ROLE_HEADER_TITLE, buf);
    if (s->snap != NULL && site_stale(s)) {
        snprintf(buf, sizeof buf, " stale %s",
                 format_age(s->updated, now, age, sizeof age));
        x += bars_put(0, x, maxx, role, buf);
    }
    return x + bars_put(0, x, maxx, ROLE_HEADER, " ");
}

void bars_draw_header(struct app *app)
{
    char right[64], age[32], clock[16];
    double newest = 0;
    time_t t = (time_t)app->now;
    struct tm tm;
    int x = 0, rw;

    draw_fill(0, 0, app->cols, ROLE_HEADER);
    x += bars_put(0, x, app->cols, ROLE_HEADER_TITLE, " mctop ");
    for (size_t i = 0; i < app->nsites; i++) {
        x = bars_site(app->sites[i], app->now, x, app->cols);
        if (app->sites[i]->updated > newest)
            newest = app->sites[i]->updated;
    }
    localtime_r(&t, &tm);
    strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    if (newest <= 0)
        snprintf(right, sizeof right, " no data yet  %s ", clock);
    else
        snprintf(right, sizeof right, " %s%s ago  %s ",
                 app->cols >= 100 ? "updated " : "",
                 format_age(newest, app->now, age, sizeof age), clock);
    rw = text_width(right);
    bars_counters(app, x + 1, app->cols - rw);
    if (app->cols - rw > x)
        draw_text(0, app->cols - rw, rw, ROLE_HEADER, right);
}

static int bars_tab_width(const struct app *app, int i, char *buf, size_t n)
{
    const struct view *v = &app->views[i];

    snprintf(buf, n, " %d %s %zu ", i + 1, v->ops->title,
             v->ops->count(v->state));
    return text_width(buf);
}

void bars_draw_tabs(struct app *app)
{
    const struct view *v = &app->views[app->cur];
    char buf[160];
    const char *f = v->ops->filter(v->state);
    int x = 0, sw;

    draw_fill(1, 0, app->cols, ROLE_TAB);
    for (int i = 0; i < VIEW_COUNT; i++) {
        if (!app_view_shown(app, i))
            continue;
        bars_tab_width(app, i, buf, sizeof buf);
        x += draw_text(1, x, app->cols - x,
                       i == app->cur ? ROLE_TAB_ACTIVE : ROLE_TAB, buf);
        x += draw_text(1, x, app->cols - x, ROLE_TAB, " ");
    }
    if (f != NULL && f[0] != '\0' && app->mode != MODE_FILTER) {
        x += draw_text(1, x, app->cols - x, ROLE_PROMPT, " /");
        x += draw_text(1, x, app->cols - x - 1, ROLE_PROMPT, f);
    }
    v->ops->summary(v->state, buf, sizeof buf);
    sw = text_width(buf) + 1;
    if (app->cols - sw > x + 1)
        draw_text(1, app->cols - sw, sw, ROLE_DIM, buf);
}

int bars_tab_at(const struct app *app, int y, int x)
{
    char buf[160];
    int x0 = 0;

    if (y != 1)
        return -1;
    for (int i = 0; i < VIEW_COUNT; i++) {
        int w;

        if (!app_view_shown(app, i))
            continue;
        w = bars_tab_width(app, i, buf, sizeof buf);

        if (x >= x0 && x < x0 + w)
            return i;
        x0 += w + 1;
    }
    return -1;
}

/* What the sites are doing, when there is nothing else to say. */
static void bars_activity(const struct app *app, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < app->nsites && n < size; i++) {
        const struct site *s = app->sites[i];

        if (s->conn == SITE_FAILED || s->conn == SITE_RECONNECTING ||
            (s->conn == SITE_CONNECTING && s->conn_msg[0] != '\0'))
            n += (size_t)snprintf(buf + n, size - n, "%s: %s  ", s->name,
                                  s->conn_msg);
        else if (s->loading)
            n += (size_t)snprintf(buf + n, size - n,
                                  "%s: loading %zu objects, %.1f MB  ", s->name,
                                  s->load_objects, (double)s->load_bytes / 1e6);
        else if (s->err.msg[0] != '\0')
            n += (size_t)snprintf(buf + n, size - n, "%s  ", s->err.msg);
        else if (!s->live && s->poll_msg[0] != '\0')
            n += (size_t)snprintf(buf + n, size - n, "%s  ", s->poll_msg);
    }
}

void bars_draw_status(struct app *app, int *cy, int *cx)
{
    int y = app->rows - 2;
    char act[512];

    draw_fill(y, 0, app->cols, ROLE_STATUS);
    if (app->mode == MODE_FILTER || app->mode == MODE_COMMAND) {
        const char *p = app->mode == MODE_FILTER ? "/" : ":";

        draw_text(y, 0, 1, ROLE_PROMPT, p);
        *cy = y;
        *cx = lineedit_draw(&app->edit, y, 1, app->cols - 1, ROLE_PROMPT);
        return;
    }
    if (app->mode == MODE_EDIT && app->edit_cx < 0) { /* the view hid it */
        draw_text(y, 0, 2, ROLE_PROMPT, "> ");
        *cy = y;
        *cx = lineedit_draw(&app->edit, y, 2, app->cols - 2, ROLE_PROMPT);
        return;
    }
    if (app->mode == MODE_EDIT) {
        *cy = app->edit_cy;
        *cx = app->edit_cx;
        if (app->msg[0] == '\0') {
            draw_text(y, 0, app->cols, ROLE_STATUS,
                      "Enter searches · Esc cancels · Up, Down: earlier "
                      "queries · C-u clears");
            return;
        }
    }
    if (app->msg[0] != '\0') {
        draw_text(y, 0, app->cols,
                  app->msg_level == MSG_ERROR  ? ROLE_STATUS_ERROR
                  : app->msg_level == MSG_WARN ? ROLE_STATUS_WARN
                                               : ROLE_STATUS,
                  app->msg);
        return;
    }
    bars_activity(app, act, sizeof act);
    draw_text(y, 0, app->cols, ROLE_STATUS_WARN, act);
}

struct bars_hint {
    int table;
    int action;
    const char *label;
};

static const struct bars_hint bars_hints[] = {
    { KT_GLOBAL, ACT_HELP, "Help" },
    { KT_GLOBAL, ACT_FILTER, "Filter" },
    { KT_GLOBAL, ACT_COMMAND, "Cmd" },
    { KT_GLOBAL, ACT_VIEW_HOSTS, "Hosts" },
    { KT_GLOBAL, ACT_VIEW_ALERTS, "Alerts" },
    { KT_LIST, ACT_MARK, "Mark" },
    { KT_LIST, ACT_SORT_NEXT, "Sort" },
    { KT_LIST, ACT_DETAIL, "Detail" },
    { KT_HOSTS, ACT_TOGGLE_PROBLEMS, "Problems" },
    { KT_ALERTS, ACT_TOGGLE_HANDLED, "Handled" },
    { KT_ALERTS, ACT_TOGGLE_SOFT, "Soft" },
    { KT_RUN, ACT_RUN_CANCEL, "Cancel" },
    { KT_GRAPHS, ACT_GRAPH_RANGE_NEXT, "Range" },
    { KT_GRAPHS, ACT_GRAPH_ZOOM_IN, "Zoom" },
    { KT_GRAPHS, ACT_GRAPH_ZOOM_OUT, "Out" },
    { KT_GRAPHS, ACT_GRAPH_EARLIER, "Earlier" },
    { KT_GRAPHS, ACT_GRAPH_LEFT, "Cursor" },
    { KT_GRAPHS, ACT_GRAPH_TALL, "Tall" },
    { KT_LOGS, ACT_LOG_QUERY, "Query" },
    { KT_LOGS, ACT_LOG_SYNTAX, "KQL/Lucene" },
    { KT_LOGS, ACT_GRAPH_RANGE_NEXT, "Range" },
    { KT_LOGS, ACT_LOG_FOLLOW, "Follow" },
    { KT_LOGS, ACT_LOG_NEXT_ERROR, "NextError" },
    { KT_LOGS, ACT_DETAIL, "Document" },
    { KT_LOGS, ACT_LOG_SAVED, "Saved" },
    { KT_GLOBAL, ACT_QUIT, "Quit" },
};

void bars_draw_hints(struct app *app)
{
    int y = app->rows - 1, x = 0, table = app->views[app->cur].ops->keytable;
    char key[32];

    draw_fill(y, 0, app->cols, ROLE_HINT);
    for (size_t i = 0; i < sizeof bars_hints / sizeof bars_hints[0]; i++) {
        const struct bars_hint *h = &bars_hints[i];

        if ((h->table >= KT_HOSTS && h->table != table) ||
            (h->table == KT_LIST && (table == KT_GRAPHS || table == KT_LOGS)) ||
            (h->action == ACT_FILTER && table == KT_LOGS))
            continue;
        app_key_for(app, h->table, h->action, key, sizeof key);
        if (key[0] == '\0')
            continue;
        if (x + text_width(key) + text_width(h->label) + 1 > app->cols)
            break;
        x += draw_text(y, x, app->cols - x, ROLE_HINT_KEY, key);
        x += draw_text(y, x, app->cols - x, ROLE_HINT, h->label);
        x += draw_text(y, x, app->cols - x, ROLE_HINT, " ");
    }
}

void bars_draw_too_small(struct app *app, int min_rows, int min_cols)
{
    char buf[128];
    int y = app->rows / 2;

    snprintf(buf, sizeof buf, "Terminal too small: %dx%d", app->cols,
             app->rows);
    draw_cell(y - 1, 0, app->cols, ROLE_STATUS_ERROR, buf, ALIGN_CENTER);
    snprintf(buf, sizeof buf, "mctop needs at least %dx%d (q quits)", min_cols,
             min_rows);
    draw_cell(y, 0, app->cols, ROLE_DEFAULT, buf, ALIGN_CENTER);
}
