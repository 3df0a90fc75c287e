/*
 * The graphs view: the Cacti graphs of one host, each a panel of
 * sparklines over a time range (1h … 1m, zoomed and panned by key), with
 * a cursor that reads a point's time and values. Only the panels on
 * screen ask the site's Cacti for data.
 */
#include "views/graphs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/cacti_client.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/xalloc.h"
#include "tui/graph.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/filter.h"
#include "views/format.h"

#define GRAPHS_MIN_SPAN 600 /* zoomed in no closer than 10 minutes */
#define GRAPHS_MAX_SPAN (365 * 86400)

struct graphs_view {
    struct app *app;
    struct site *site; /* NULL: no host picked yet */
    char *host, *address;
    int range;            /* index into cacti_range_secs */
    int span;             /* seconds shown; a range or a zoom of it */
    long long end;        /* 0: now (follows the clock) */
    size_t sel;           /* the panel with the focus, in the shown list */
    size_t top;           /* first panel on screen */
    long cursor;          /* point under the cursor, -1: none */
    bool tall;            /* taller charts */
    struct filter filter; /* panels whose title passes */
    size_t *shown;        /* indices of the host's graphs passing the filter */
    size_t nshown;
    struct tui_rect sel_rect; /* where the focused panel was drawn */
};

static struct graphs_view *graphs_of(struct app *app)
{
    return app->views[VIEW_GRAPHS].state;
}

static void *graphs_create(struct app *app)
{
    struct graphs_view *g = xcalloc(1, sizeof *g);

    g->app = app;
    g->range = 0;
    g->span = cacti_range_secs[0];
    g->cursor = -1;
    return g;
}

static void graphs_destroy(void *v)
{
    struct graphs_view *g = v;

    free(g->host);
    free(g->address);
    filter_clear(&g->filter);
    free(g->shown);
    free(g);
}

bool graphs_view_open(struct app *app, struct site *site, const char *host,
                      const char *address)
{
    struct graphs_view *g = graphs_of(app);

    if (site->cacti == NULL) {
        app_message(app, MSG_WARN,
                    "site %s has no Cacti (set cacti_url in its [site])",
                    site->name);
        return false;
    }
    if (g->site != site || g->host == NULL || strcmp(g->host, host) != 0) {
        free(g->host);
        free(g->address);
        g->host = xstrdup(host);
        g->address = address != NULL ? xstrdup(address) : NULL;
        g->site = site;
        g->sel = g->top = 0;
        g->cursor = -1;
    }
    app_switch_view(app, VIEW_GRAPHS);
    return true;
}

/* The host's graphs, asked of the Cacti cache (NULL: no host yet). */
static const struct cacti_host *graphs_host(struct graphs_view *g)
{
    if (g->site == NULL || g->site->cacti == NULL)
        return NULL;
    return cacti_client_host(g->site->cacti, g->host, g->address);
}

static void graphs_sync(struct graphs_view *g, const struct cacti_host *h)
{
    g->nshown = 0;
    if (h == NULL)
        return;
    g->shown = xreallocarray(g->shown, h->graphs.n ? h->graphs.n : 1,
                             sizeof *g->shown);
    for (size_t i = 0; i < h->graphs.n; i++)
        if (filter_match(&g->filter,
                         (const char *const[]){ h->graphs.v[i].title }, 1))
            g->shown[g->nshown++] = i;
    if (g->sel >= g->nshown)
        g->sel = g->nshown ? g->nshown - 1 : 0;
}

/* "prd-web-01 - Load Average" is "Load Average" under the host's name. */
static const char *graphs_short_title(const char *title, const char *device)
{
    size_t n = device != NULL ? strlen(device) : 0;

    if (n > 0 && strncasecmp(title, device, n) == 0 &&
        strncmp(title + n, " - ", 3) == 0)
        return title + n + 3;
    return title;
}

/* A panel's contents, for drawing and for moving the cursor. */
struct graphs_panel {
    struct graph_panel p;
    struct graph_series ser[16];
    char note[200];
};

/* The panel of graph gr, its data asked of the cache. */
static void graphs_panel(struct graphs_view *g, const struct cacti_host *h,
                         const struct cacti_graph *gr, bool focused,
                         struct graphs_panel *gp)
{
    const struct cacti_data *d =
        cacti_client_data(g->site->cacti, gr->id, g->end, g->span);
    const struct cacti_export *x = d->x;
    struct graph_panel *p = &gp->p;
    char age[32];

    *p = (struct graph_panel){
        .title = graphs_short_title(gr->title, h->device),
        .chart_rows = g->tall ? 4 : 1,
        .style = sparkline_style_auto(),
        .focused = focused,
        .cursor = focused ? g->cursor : -1,
        .note_role = ROLE_DIM,
    };
    if (x != NULL) {
        p->units = x->vlabel;
        p->start = x->start;
        p->step = x->step;
        p->nseries = x->nseries < 16 ? x->nseries : 16;
        for (size_t i = 0; i < p->nseries; i++)
            gp->ser[i] = (struct graph_series){ x->series[i].name,
                                                x->series[i].v, x->npoints };
        p->series = gp->ser;
    }
    gp->note[0] = '\0';
    if (d->status == CACTI_LOADING) {
        snprintf(gp->note, sizeof gp->note, "loading");
    } else if (d->status == CACTI_ERROR && x == NULL) {
        p->error = d->err;
    } else if (d->status == CACTI_ERROR) {
        snprintf(gp->note, sizeof gp->note, "stale %s: %.150s",
                 format_duration(g->app->now - d->fetched, age, sizeof age),
                 d->err);
        p->note_role = ROLE_STATUS_WARN;
    } else if (d->stale) {
        snprintf(gp->note, sizeof gp->note, "stale %s",
                 format_duration(g->app->now - d->fetched, age, sizeof age));
        p->note_role = ROLE_STATUS_WARN;
    } else if (d->source == CACTI_FROM_RRD) {
        snprintf(gp->note, sizeof gp->note, "rrdtool");
    }
    p->note = gp->note[0] != '\0' ? gp->note : NULL;
    if (x != NULL && x->npoints == 0 && p->error == NULL)
        p->error = "no data points in this range";
}

/* Draw the panel of gr in r; returns the rows used. */
static int graphs_draw_panel(struct graphs_view *g, const struct cacti_host *h,
                             const struct cacti_graph *gr, struct tui_rect r,
                             bool focused)
{
    struct graphs_panel gp;
    size_t n;

    graphs_panel(g, h, gr, focused, &gp);
    if (r.h > graph_panel_height(&gp.p))
        r.h = graph_panel_height(&gp.p);
    n = graph_panel_points(&gp.p);
    if (focused) {
        g->sel_rect = r;
        if (g->cursor >= (long)n)
            g->cursor = n > 0 ? (long)n - 1 : -1;
        gp.p.cursor = g->cursor;
    }
    graph_panel_draw(r, &gp.p);
    return r.h;
}

/* Rows the panel of gr needs. */
static int graphs_panel_rows(struct graphs_view *g, const struct cacti_host *h,
                             const struct cacti_graph *gr)
{
    struct graphs_panel gp;

    graphs_panel(g, h, gr, false, &gp);
    return graph_panel_height(&gp.p);
}

/* The cursor of the focused panel moved by cells chart cells. */
static long graphs_cursor_step(struct graphs_view *g, int cells)
{
    const struct cacti_host *h = graphs_host(g);
    struct graphs_panel gp;

    if (h == NULL || g->sel >= g->nshown || g->sel_rect.w == 0)
        return -1;
    graphs_panel(g, h, &h->graphs.v[g->shown[g->sel]], true, &gp);
    return graph_panel_move_cursor(g->sel_rect, &gp.p, g->cursor, cells);
}

static void graphs_title(struct graphs_view *g, const struct cacti_host *h,
                         struct tui_rect area)
{
    char when[64], span[32], age[32];

    char t[GRAPH_TIME_MAX];

    if (g->end == 0)
        snprintf(when, sizeof when, "to now");
    else
        snprintf(when, sizeof when, "to %s",
                 graph_format_time(g->end, t, sizeof t));
    if (g->span == cacti_range_secs[g->range])
        snprintf(span, sizeof span, "%s", cacti_range_name[g->range]);
    else
        format_duration(g->span, span, sizeof span);
    draw_fill(area.y, area.x, area.w, ROLE_DEFAULT);
    draw_printf(
        area.y, area.x, area.w, ROLE_LABEL, " %s%s%s · %s %s · %zu graph%s%s%s",
        g->host,
        h->device != NULL && strcasecmp(h->device, g->host) != 0 ? " = " : "",
        h->device != NULL && strcasecmp(h->device, g->host) != 0 ? h->device
                                                                 : "",
        span, when, g->nshown, g->nshown == 1 ? "" : "s",
        h->source == CACTI_FROM_RRD ? " · from RRD files" : "",
        h->stale && h->fetched > 0 ? " · list stale" : "");
    if (h->fetched > 0 && h->stale)
        draw_printf(area.y, area.x + area.w - 20, 20, ROLE_STATUS_WARN, "%20s",
                    format_duration(g->app->now - h->fetched, age, sizeof age));
}

static void graphs_draw(void *v, struct tui_rect area)
{
    struct graphs_view *g = v;
    const struct cacti_host *h = graphs_host(g);
    struct tui_rect r = area;
    int y;

    if (h == NULL) {
        draw_text(area.y + 1, area.x + 1, area.w - 2, ROLE_DIM,
                  g->site == NULL
                      ? "No host picked: press v on a host in the hosts or "
                        "alerts view, or type :graphs HOST"
                      : "This site has no Cacti");
        return;
    }
    graphs_sync(g, h);
    graphs_title(g, h, area);
    r.y++;
    r.h--;
    if (h->status == CACTI_LOADING) {
        draw_text(r.y + 1, r.x + 1, r.w - 2, ROLE_DIM,
                  "Asking Cacti for the host's graphs…");
        return;
    }
    if (h->status == CACTI_ERROR && h->graphs.n == 0) {
        draw_text(r.y + 1, r.x + 1, r.w - 2, ROLE_STATUS_ERROR, h->err);
        return;
    }
    if (h->device_id == 0 && h->source == CACTI_FROM_WEB) {
        draw_printf(r.y + 1, r.x + 1, r.w - 2, ROLE_DIM,
                    "No Cacti device is named %s or has its address", g->host);
        return;
    }
    if (g->nshown == 0) {
        draw_text(r.y + 1, r.x + 1, r.w - 2, ROLE_DIM,
                  filter_active(&g->filter)
                      ? "No graph matches the filter"
                      : "Cacti has no graphs for this device");
        return;
    }
    if (g->sel < g->top)
        g->top = g->sel;
    /* panels from top; keep the focused one on screen */
    for (;;) {
        bool fits = false;

        y = r.y;
        for (size_t i = g->top; i < g->nshown && y < r.y + r.h; i++) {
            struct tui_rect pr = { y, r.x, r.y + r.h - y, r.w };
            int want = graphs_panel_rows(g, h, &h->graphs.v[g->shown[i]]);
            int used = graphs_draw_panel(g, h, &h->graphs.v[g->shown[i]], pr,
                                         i == g->sel);

            if (i == g->sel)
                fits = used >= want;
            y += used + 1;
        }
        if (fits || g->top >= g->sel)
            return;
        g->top++; /* the focused panel is cut: scroll down one */
        draw_rect_fill(r, ROLE_DEFAULT);
    }
}

static void graphs_zoom(struct graphs_view *g, bool in)
{
    long long now = (long long)g->app->now;
    long long end = g->end != 0 ? g->end : now;
    long long mid = end - g->span / 2;
    int span = in ? g->span / 2 : g->span * 2;

    if (span < GRAPHS_MIN_SPAN)
        span = GRAPHS_MIN_SPAN;
    if (span > GRAPHS_MAX_SPAN)
        span = GRAPHS_MAX_SPAN;
    end = mid + span / 2;
    g->span = span;
    g->end = end >= now ? 0 : end;
    g->cursor = -1;
}

static void graphs_pan(struct graphs_view *g, int dir)
{
    long long now = (long long)g->app->now;
    long long end = (g->end != 0 ? g->end : now) + (long long)dir * g->span / 2;

    g->end = end >= now ? 0 : end;
    g->cursor = -1;
}

static enum view_result graphs_action(void *v, int action)
{
    struct graphs_view *g = v;
    long c;

    switch (action) {
    case ACT_UP:
        if (g->sel > 0)
            g->sel--;
        g->cursor = -1;
        break;
    case ACT_DOWN:
        if (g->sel + 1 < g->nshown)
            g->sel++;
        g->cursor = -1;
        break;
    case ACT_PAGE_UP:
        g->sel = g->sel > 4 ? g->sel - 4 : 0;
        break;
    case ACT_PAGE_DOWN:
        g->sel = g->sel + 4 < g->nshown ? g->sel + 4
                                        : (g->nshown ? g->nshown - 1 : 0);
        break;
    case ACT_TOP:
        g->sel = 0;
        break;
    case ACT_BOTTOM:
        g->sel = g->nshown ? g->nshown - 1 : 0;
        break;
    case ACT_GRAPH_RANGE_NEXT:
    case ACT_GRAPH_RANGE_PREV:
        g->range = (g->range + (action == ACT_GRAPH_RANGE_NEXT ? 1 : -1) +
                    CACTI_RANGES) %
                   CACTI_RANGES;
        g->span = cacti_range_secs[g->range];
        g->end = 0;
        g->cursor = -1;
        app_message(g->app, MSG_INFO, "range %s", cacti_range_name[g->range]);
        break;
    case ACT_GRAPH_ZOOM_IN:
    case ACT_GRAPH_ZOOM_OUT:
        graphs_zoom(g, action == ACT_GRAPH_ZOOM_IN);
        break;
    case ACT_GRAPH_EARLIER:
    case ACT_GRAPH_LATER:
        graphs_pan(g, action == ACT_GRAPH_EARLIER ? -1 : 1);
        break;
    case ACT_GRAPH_NOW:
        g->end = 0;
        g->span = cacti_range_secs[g->range];
        g->cursor = -1;
        break;
    case ACT_GRAPH_LEFT:
    case ACT_GRAPH_RIGHT:
        /* the panel as drawn last decides what one cell is */
        c = graphs_cursor_step(g, action == ACT_GRAPH_LEFT ? -1 : 1);
        g->cursor = c;
        break;
    case ACT_GRAPH_TALL:
        g->tall = !g->tall;
        break;
    case ACT_GRAPH_RELOAD:
        if (g->site != NULL && g->site->cacti != NULL)
            cacti_client_reload(g->site->cacti);
        app_message(g->app, MSG_INFO, "graphs: fetching again");
        break;
    default:
        return VIEW_IGNORED;
    }
    app_dirty(g->app);
    return VIEW_DONE;
}

static enum view_result graphs_mouse(void *v, const struct tui_key *k)
{
    struct graphs_view *g = v;
    struct tui_rect r = g->sel_rect;
    const struct cacti_host *h = graphs_host(g);
    struct graphs_panel gp;
    long pt;

    if (k->mouse == TM_WHEEL_UP || k->mouse == TM_WHEEL_DOWN)
        return graphs_action(g, k->mouse == TM_WHEEL_UP ? ACT_UP : ACT_DOWN);
    if (h == NULL || g->sel >= g->nshown || k->y < r.y || k->y >= r.y + r.h)
        return VIEW_IGNORED;
    graphs_panel(g, h, &h->graphs.v[g->shown[g->sel]], true, &gp);
    pt = graph_panel_point_at(r, &gp.p, k->x);
    if (pt < 0)
        return VIEW_IGNORED;
    g->cursor = pt;
    app_dirty(g->app);
    return VIEW_DONE;
}

static void graphs_set_filter(void *v, const char *text)
{
    struct graphs_view *g = v;

    filter_set(&g->filter, text);
    g->sel = g->top = 0;
    g->cursor = -1;
}

static const char *graphs_filter(void *v)
{
    struct graphs_view *g = v;

    return g->filter.text;
}

static size_t graphs_count(void *v)
{
    struct graphs_view *g = v;

    return g->nshown;
}

static void graphs_summary(void *v, char *buf, size_t size)
{
    struct graphs_view *g = v;
    const char *state = g->site != NULL && g->site->cacti != NULL
                            ? cacti_client_state(g->site->cacti)
                            : "";

    if (g->host == NULL)
        snprintf(buf, size, "no host");
    else
        snprintf(buf, size, "%zu of the graphs of %s%s%s", g->nshown, g->host,
                 *state != '\0' ? " · Cacti: " : "", state);
}

static const char *const *graphs_columns(void *v)
{
    static const char *const none[] = { NULL };

    (void)v;
    return none;
}

static int graphs_sort_by(void *v, const char *column, int desc)
{
    (void)v;
    (void)column;
    (void)desc;
    return -1;
}

static enum view_result graphs_back(void *v)
{
    struct graphs_view *g = v;

    if (g->cursor >= 0) {
        g->cursor = -1;
        return VIEW_DONE;
    }
    if (filter_active(&g->filter)) {
        graphs_set_filter(g, NULL);
        app_message(g->app, MSG_INFO, "filter cleared");
        return VIEW_DONE;
    }
    if (g->end != 0 || g->span != cacti_range_secs[g->range]) {
        g->end = 0;
        g->span = cacti_range_secs[g->range];
        return VIEW_DONE;
    }
    return VIEW_IGNORED;
}

const struct view_ops graphs_view_ops = {
    .name = ":graphs",
    .title = "Graphs",
    .keytable = KT_GRAPHS,
    .create = graphs_create,
    .destroy = graphs_destroy,
    .draw = graphs_draw,
    .action = graphs_action,
    .mouse = graphs_mouse,
    .set_filter = graphs_set_filter,
    .filter = graphs_filter,
    .count = graphs_count,
    .summary = graphs_summary,
    .columns = graphs_columns,
    .sort_by = graphs_sort_by,
    .back = graphs_back,
};

bool graphs_view_has_host(const struct app *app)
{
    const struct graphs_view *g = app->views[VIEW_GRAPHS].state;

    return g != NULL && g->host != NULL;
}

int graphs_view_command(struct app *app, const char *arg)
{
    char range[16];

    if (*arg == '\0') {
        if (!graphs_view_has_host(app)) {
            app_message(app, MSG_WARN,
                        "usage: graphs HOST (or v on a host in a list)");
            return -1;
        }
        app_switch_view(app, VIEW_GRAPHS);
        return 0;
    }
    if (sscanf(arg, "range %15s", range) == 1) {
        struct graphs_view *g = graphs_of(app);

        for (int i = 0; i < CACTI_RANGES; i++)
            if (strcmp(range, cacti_range_name[i]) == 0) {
                g->range = i;
                g->span = cacti_range_secs[i];
                g->end = 0;
                g->cursor = -1;
                app_dirty(app);
                return 0;
            }
        app_message(app, MSG_ERROR, "graphs range: one of 1h 6h 1d 1w 1m");
        return -1;
    }
    for (size_t i = 0; i < app->nsites; i++) {
        const struct mc_snapshot *snap = app->sites[i]->snap;

        for (size_t j = 0; snap != NULL && j < snap->nhosts; j++)
            if (strcasecmp(snap->hosts[j].name, arg) == 0)
                return graphs_view_open(app, app->sites[i], snap->hosts[j].name,
                                        snap->hosts[j].address)
                           ? 0
                           : -1;
    }
    app_message(app, MSG_ERROR, "graphs: no host called %s", arg);
    return -1;
}
