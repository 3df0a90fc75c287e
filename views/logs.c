/*
 * The logs view: the search it runs (query, syntax, range), the cursor
 * kept on its document while follow mode adds hits above it and older
 * pages below, its keys and the mouse.
 */
#include "views/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/config.h"
#include "backend/logs_client.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/xalloc.h"
#include "views/actions.h"
#include "views/graphs.h"
#include "views/logs_int.h"

const char *const logs_range_names[LOGS_RANGES] = { "15m", "1h", "4h", "24h",
                                                    "7d" };

static const struct table_col logs_cols[LC_COUNT] = {
    [LC_TIME] = { "TIME", 12, 0, ALIGN_LEFT, 0 },
    [LC_HOST] = { "HOST", 14, 1, ALIGN_LEFT, 1 },
    [LC_LEVEL] = { "LEVEL", 5, 0, ALIGN_LEFT, 0 },
    [LC_MESSAGE] = { "MESSAGE", 20, 8, ALIGN_LEFT, 0 },
};

static void *logs_create(struct app *app)
{
    struct logs_view *v = xcalloc(1, sizeof *v);

    v->app = app;
    v->syntax = ES_KQL;
    v->gte = xstrdup("now-15m");
    v->lte = xstrdup("now");
    v->hist.max = 100;
    memcpy(v->cols, logs_cols, sizeof v->cols);
    return v;
}

static void logs_forget_cursor(struct logs_view *v)
{
    free(v->cur_index);
    free(v->cur_id);
    v->cur_index = v->cur_id = NULL;
}

static void logs_destroy(void *vv)
{
    struct logs_view *v = vv;

    logs_forget_cursor(v);
    logs_doc_free(v->doc);
    free(v->text);
    free(v->gte);
    free(v->lte);
    history_free(&v->hist);
    free(v);
}

void logs_set(char **field, const char *s)
{
    char *copy = xstrdup(s != NULL ? s : "");

    free(*field);
    *field = copy;
}

/* ---- the cursor follows its document ---- */

static bool logs_same(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static void logs_remember_cursor(struct logs_view *v, const struct logs_page *p)
{
    logs_forget_cursor(v);
    if (p == NULL || p->nhits == 0)
        return;
    v->cur_index = xstrdup(
        p->hits[v->table.cur].index != NULL ? p->hits[v->table.cur].index : "");
    v->cur_id = xstrdup(
        p->hits[v->table.cur].id != NULL ? p->hits[v->table.cur].id : "");
}

static long logs_find(const struct logs_page *p, const char *index,
                      const char *id)
{
    for (size_t i = 0; i < p->nhits; i++)
        if (logs_same(p->hits[i].id, id) && logs_same(p->hits[i].index, index))
            return (long)i;
    return -1;
}

const struct logs_page *logs_sync(struct logs_view *v)
{
    const struct logs_page *p;
    size_t old, oldtop;
    long at;

    if (v->site == NULL || v->site->logs == NULL)
        return NULL;
    p = logs_client_page(v->site->logs);
    if (!v->synced || p->gen != v->seen_gen) {
        old = v->table.cur;
        oldtop = v->table.top;
        table_set_count(&v->table, p->nhits);
        at = old > 0 && v->cur_id != NULL
                 ? logs_find(p, v->cur_index, v->cur_id)
                 : 0;
        if (at > (long)old) { /* hits came in above: keep the screen still */
            v->table.top = oldtop + (size_t)at - old;
            table_select(&v->table, (size_t)at);
        } else if (at >= 0) {
            table_select(&v->table, (size_t)at);
        }
        logs_remember_cursor(v, p);
        v->seen_gen = p->gen;
        v->synced = true;
    }
    if (v->table.cur == 0 && p->fresh > 0 && v->app->cur == VIEW_LOGS) {
        logs_client_seen(v->site->logs); /* on top: they are in sight */
        v->seen_gen = p->gen;
    }
    return p;
}

const struct es_hit *logs_cursor_hit(const struct logs_view *v,
                                     const struct logs_page *p)
{
    if (p == NULL || p->nhits == 0 || v->table.cur >= p->nhits)
        return NULL;
    return &p->hits[v->table.cur];
}

/* ---- the search ---- */

bool logs_site_ok(struct app *app, const struct site *s)
{
    if (s == NULL) {
        app_message(app, MSG_WARN, "no site to search the logs of");
        return false;
    }
    if (s->logs == NULL) {
        app_message(app, MSG_WARN,
                    "site %s has no log search (set elastic_url or "
                    "kibana_url)",
                    s->name);
        return false;
    }
    return true;
}

struct site *logs_default_site(const struct logs_view *v)
{
    if (v->site != NULL)
        return v->site;
    for (size_t i = 0; i < v->app->nsites; i++)
        if (v->app->sites[i]->logs != NULL)
            return v->app->sites[i];
    return v->app->nsites > 0 ? v->app->sites[0] : NULL;
}

void logs_set_site(struct logs_view *v, struct site *s)
{
    if (v->site == s)
        return;
    v->site = s;
    v->syntax = s->cfg != NULL ? s->cfg->logs_syntax : ES_KQL;
    v->synced = false;
    v->detail = false;
    logs_forget_cursor(v);
}

void logs_run(struct logs_view *v)
{
    struct logs_search q = { v->syntax, v->text != NULL ? v->text : "", v->gte,
                             v->lte };

    logs_client_search(v->site->logs, &q); /* follow mode stays as it is */
    v->searched = true;
    v->synced = false;
    v->detail = false;
    logs_forget_cursor(v);
    v->table.top = 0;
    table_select(&v->table, 0);
    app_dirty(v->app);
}

void logs_set_range(struct logs_view *v, const char *gte, const char *lte)
{
    logs_set(&v->gte, gte);
    logs_set(&v->lte, lte);
    v->range = -1;
    for (int i = 0; i < LOGS_RANGES; i++)
        if (strncmp(gte, "now-", 4) == 0 &&
            strcmp(gte + 4, logs_range_names[i]) == 0 &&
            strcmp(lte, "now") == 0)
            v->range = i;
}

void logs_set_preset(struct logs_view *v, int i)
{
    char gte[16];

    snprintf(gte, sizeof gte, "now-%s", logs_range_names[i]);
    logs_set_range(v, gte, "now");
}

bool logs_view_has_search(const struct app *app)
{
    const struct logs_view *v = logs_of(app);

    return v != NULL && v->searched;
}

/* ---- keys ---- */

static void logs_query_done(struct app *app, const char *text, bool accepted,
                            void *arg)
{
    struct logs_view *v = arg;

    (void)app;
    if (!accepted)
        return;
    logs_set(&v->text, text);
    logs_run(v);
}

static void logs_edit_query(struct logs_view *v)
{
    struct site *s = logs_default_site(v);

    if (!logs_site_ok(v->app, s))
        return;
    logs_set_site(v, s);
    v->detail = false;
    app_start_edit(v->app, v->text, &v->hist, logs_query_done, v);
}

/* Near the end of what is loaded: ask for the next older page. */
static void logs_more(struct logs_view *v, const struct logs_page *p,
                      bool stuck)
{
    if (p->more && !p->loading_more)
        logs_client_more(v->site->logs);
    else if (!p->more && stuck && p->nhits > 0)
        app_message(v->app, MSG_INFO, "no older documents in this range");
}

static void logs_move(struct logs_view *v, const struct logs_page *p,
                      int action)
{
    long page = v->table.height > 1 ? v->table.height - 1 : 1;
    size_t before = v->table.cur;
    bool down = true;

    switch (action) {
    case ACT_UP:
        table_move(&v->table, -1);
        down = false;
        break;
    case ACT_DOWN:
        table_move(&v->table, 1);
        break;
    case ACT_PAGE_UP:
        table_move(&v->table, -page);
        down = false;
        break;
    case ACT_PAGE_DOWN:
        table_move(&v->table, page);
        break;
    case ACT_HALF_UP:
        table_move(&v->table, -(page + 1) / 2);
        down = false;
        break;
    case ACT_HALF_DOWN:
        table_move(&v->table, (page + 1) / 2);
        break;
    case ACT_TOP:
        table_select(&v->table, 0);
        down = false;
        break;
    default: /* ACT_BOTTOM */
        table_select(&v->table, p->nhits > 0 ? p->nhits - 1 : 0);
        break;
    }
    logs_remember_cursor(v, p);
    v->dscroll = 0;
    if (down && p->nhits > 0 && v->table.cur + 1 == p->nhits)
        logs_more(v, p, before == v->table.cur);
}

/* n and N: the next hit below (dir 1) or above (-1) at ERROR or worse. */
static void logs_next_error(struct logs_view *v, const struct logs_page *p,
                            int dir)
{
    for (long i = (long)v->table.cur + dir; i >= 0 && i < (long)p->nhits;
         i += dir) {
        if (logs_level_of(p->hits[i].level, NULL) == LOGS_LV_ERROR) {
            table_select(&v->table, (size_t)i);
            logs_remember_cursor(v, p);
            v->dscroll = 0;
            return;
        }
    }
    app_message(v->app, MSG_INFO, "no ERROR %s%s", dir > 0 ? "below" : "above",
                dir > 0 && p->more ? " in what is loaded (End loads older)"
                                   : "");
}

/* The Icinga host of the site whose name is the document's host (or its
 * first label: "prd-web-01" for "prd-web-01.example.com"). */
static const struct mc_host *logs_icinga_host(const struct site *s,
                                              const char *name)
{
    const struct mc_snapshot *snap = s->snap;
    size_t short_len = strcspn(name, ".");

    for (size_t i = 0; snap != NULL && i < snap->nhosts; i++)
        if (strcasecmp(snap->hosts[i].name, name) == 0)
            return &snap->hosts[i];
    for (size_t i = 0; snap != NULL && i < snap->nhosts; i++)
        if (strlen(snap->hosts[i].name) == short_len &&
            strncasecmp(snap->hosts[i].name, name, short_len) == 0)
            return &snap->hosts[i];
    return NULL;
}

/* s, v and L on a document: its host, if Icinga knows it. */
static void logs_host_action(struct logs_view *v, const struct es_hit *h,
                             int action)
{
    const struct mc_host *host;

    if (h == NULL) {
        app_message(v->app, MSG_WARN, "no document here");
        return;
    }
    if (h->host == NULL || h->host[0] == '\0') {
        app_message(v->app, MSG_WARN, "this document names no host");
        return;
    }
    host = logs_icinga_host(v->site, h->host);
    if (host == NULL) {
        app_message(v->app, MSG_WARN, "%.100s is not a host of site %s",
                    h->host, v->site->name);
        return;
    }
    if (action == ACT_SSH)
        app_ssh_open(v->app, v->site, host->name, host->address);
    else if (action == ACT_GRAPHS)
        graphs_view_open(v->app, v->site, host->name, host->address);
    else
        logs_view_pivot(v->app, v->site, host->name, h->time);
}

static void logs_follow(struct logs_view *v, const struct logs_page *p)
{
    bool on = !p->following;

    logs_client_follow(v->site->logs, on);
    app_message(v->app, MSG_INFO,
                on ? "following: new documents come in at the top"
                   : "follow off");
}

static void logs_range_step(struct logs_view *v, int dir)
{
    int i = v->range < 0 ? 0 : (v->range + dir + LOGS_RANGES) % LOGS_RANGES;

    logs_set_preset(v, i);
    logs_run(v);
    app_message(v->app, MSG_INFO, "range: the last %s", logs_range_names[i]);
}

/* Keys that mean nothing here (they act on Icinga objects or sort). */
static bool logs_list_only(int action)
{
    return (action >= ACT_MARK && action <= ACT_SORT_PICK) ||
           (action >= ACT_ACK && action <= ACT_COMMENT);
}

static enum view_result logs_action(void *vv, int action)
{
    struct logs_view *v = vv;
    const struct logs_page *p = logs_sync(v);

    if (action == ACT_FILTER || action == ACT_LOG_QUERY) {
        logs_edit_query(v);
        return VIEW_DONE;
    }
    if (action == ACT_LOG_SAVED) {
        struct site *s = logs_default_site(v);

        if (logs_site_ok(v->app, s)) {
            logs_set_site(v, s);
            logs_pick_saved(v);
        }
        return VIEW_DONE;
    }
    if (p == NULL) {
        if (action < ACT_UP)
            return VIEW_IGNORED; /* global keys */
        if (logs_site_ok(v->app, logs_default_site(v)))
            app_message(v->app, MSG_INFO,
                        "no search yet: / types a query, L on a host "
                        "searches its logs");
        return VIEW_DONE;
    }
    if (v->detail && logs_doc_action(v, action) == VIEW_DONE)
        return VIEW_DONE;
    switch (action) {
    case ACT_UP:
    case ACT_DOWN:
    case ACT_PAGE_UP:
    case ACT_PAGE_DOWN:
    case ACT_HALF_UP:
    case ACT_HALF_DOWN:
    case ACT_TOP:
    case ACT_BOTTOM:
        logs_move(v, p, action);
        break;
    case ACT_LOG_SYNTAX:
        v->syntax = v->syntax == ES_KQL ? ES_LUCENE : ES_KQL;
        app_message(v->app, MSG_INFO, "the query is read as %s",
                    v->syntax == ES_KQL ? "KQL" : "Lucene");
        logs_run(v);
        break;
    case ACT_GRAPH_RANGE_NEXT:
    case ACT_GRAPH_RANGE_PREV:
        logs_range_step(v, action == ACT_GRAPH_RANGE_NEXT ? 1 : -1);
        break;
    case ACT_GRAPH_RELOAD:
        logs_run(v);
        break;
    case ACT_LOG_FOLLOW:
        logs_follow(v, p);
        break;
    case ACT_LOG_NEXT_ERROR:
    case ACT_LOG_PREV_ERROR:
        logs_next_error(v, p, action == ACT_LOG_NEXT_ERROR ? 1 : -1);
        break;
    case ACT_DETAIL:
    case ACT_LOG_JSON:
        if (p->nhits == 0) {
            app_message(v->app, MSG_INFO, "no document here");
            break;
        }
        v->detail = true;
        v->json = action == ACT_LOG_JSON;
        v->dscroll = 0;
        break;
    case ACT_SSH:
    case ACT_GRAPHS:
    case ACT_LOGS:
        logs_host_action(v, logs_cursor_hit(v, p), action);
        break;
    default:
        if (!logs_list_only(action))
            return VIEW_IGNORED;
        app_message(v->app, MSG_INFO, "not in the logs view");
        break;
    }
    app_dirty(v->app);
    return VIEW_DONE;
}

/* ---- mouse ---- */

static enum view_result logs_mouse(void *vv, const struct tui_key *k)
{
    struct logs_view *v = vv;
    const struct logs_page *p = logs_sync(v);
    struct tui_rect r = v->table_rect;
    long row;

    if (p == NULL)
        return VIEW_IGNORED;
    if (v->detail) {
        if (k->mouse == TM_WHEEL_UP || k->mouse == TM_WHEEL_DOWN)
            return logs_doc_action(
                v, k->mouse == TM_WHEEL_UP ? ACT_DETAIL_UP : ACT_DETAIL_DOWN);
        return VIEW_IGNORED;
    }
    if (k->mouse == TM_CLICK && k->y == v->query_rect.y &&
        v->query_rect.w > 0) {
        logs_edit_query(v);
        return VIEW_DONE;
    }
    if (k->y < r.y || k->y >= r.y + r.h || r.w == 0)
        return VIEW_IGNORED;
    if (k->mouse == TM_WHEEL_UP || k->mouse == TM_WHEEL_DOWN) {
        table_scroll(&v->table, k->mouse == TM_WHEEL_UP ? -3 : 3);
        logs_remember_cursor(v, p);
        if (p->nhits > 0 && v->table.cur + 1 == p->nhits)
            logs_more(v, p, false);
        return VIEW_DONE;
    }
    if ((row = table_row_at(&v->table, r, k->y)) < 0)
        return VIEW_DONE;
    table_select(&v->table, (size_t)row);
    logs_remember_cursor(v, p);
    if (k->mouse == TM_DOUBLE) {
        v->detail = true;
        v->dscroll = 0;
    }
    return VIEW_DONE;
}

/* ---- the rest of view_ops ---- */

static void logs_set_filter(void *vv, const char *text)
{
    struct logs_view *v = vv;

    if (text != NULL && text[0] != '\0')
        app_message(v->app, MSG_INFO,
                    "the logs view searches with its query bar: / or "
                    ":logs QUERY");
}

static const char *logs_filter(void *vv)
{
    (void)vv;
    return NULL;
}

static size_t logs_count(void *vv)
{
    const struct logs_page *p = logs_sync(vv);

    return p != NULL ? p->nhits : 0;
}

static void logs_summary(void *vv, char *buf, size_t size)
{
    struct logs_view *v = vv;
    const struct logs_page *p = logs_sync(v);
    char n[32];

    if (p == NULL || p->status == LOGS_IDLE)
        snprintf(buf, size, "no search");
    else
        snprintf(buf, size, "%s loaded%s",
                 logs_thousands((long long)p->nhits, n, sizeof n),
                 p->more ? " · End loads older" : "");
}

static const char *const *logs_columns(void *vv)
{
    static const char *const none[] = { NULL };

    (void)vv;
    return none;
}

static int logs_sort_by(void *vv, const char *column, int desc)
{
    (void)vv;
    (void)column;
    (void)desc;
    return -1; /* always newest first */
}

static enum view_result logs_back(void *vv)
{
    struct logs_view *v = vv;

    if (v->detail) {
        v->detail = false;
        return VIEW_DONE;
    }
    return VIEW_IGNORED;
}

const struct view_ops logs_view_ops = {
    .name = ":logs",
    .title = "Logs",
    .keytable = KT_LOGS,
    .create = logs_create,
    .destroy = logs_destroy,
    .draw = logs_draw,
    .action = logs_action,
    .mouse = logs_mouse,
    .set_filter = logs_set_filter,
    .filter = logs_filter,
    .count = logs_count,
    .summary = logs_summary,
    .columns = logs_columns,
    .sort_by = logs_sort_by,
    .back = logs_back,
};
