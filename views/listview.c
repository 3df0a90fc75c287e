/* Generic list view: rows, filter, sort, marks, cursor and detail pane. */
#include "listview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/triage.h"
#include "backend/xalloc.h"
#include "tui/text.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/format.h"
#include "views/graphs.h"
#include "views/logs.h"
#include "views/triage_form.h"

#define LIST_WIDE_DETAIL      150 /* columns from which the pane goes right */
#define LIST_DETAIL_REFRESH_S 15

struct listview *listview_new(struct app *app, const struct list_ops *ops)
{
    struct listview *lv = xcalloc(1, sizeof *lv);

    lv->app = app;
    lv->ops = ops;
    lv->cols = xcalloc(ops->ncols, sizeof *lv->cols);
    memcpy(lv->cols, ops->cols, ops->ncols * sizeof *lv->cols);
    lv->sort_col = ops->default_sort;
    lv->sort_desc = ops->default_desc;
    lv->stale_rows = true;
    strmap_init(&lv->mark_index, 16);
    return lv;
}

static void listview_forget_cursor(struct listview *lv)
{
    free(lv->cur_site);
    free(lv->cur_host);
    free(lv->cur_svc);
    lv->cur_site = lv->cur_host = lv->cur_svc = NULL;
}

void listview_free(struct listview *lv)
{
    if (lv == NULL)
        return;
    listview_forget_cursor(lv);
    free(lv->detail_host);
    for (size_t i = 0; i < lv->nmarks; i++)
        free(lv->marks[i]);
    free(lv->marks);
    strmap_free(&lv->mark_index);
    filter_clear(&lv->filter);
    free(lv->rows);
    free(lv->cols);
    free(lv);
}

void listview_destroy(void *v)
{
    listview_free(v);
}

void listview_push(struct listview *lv, uint32_t site, uint32_t host,
                   int32_t svc, uint32_t aux)
{
    if (lv->nrows == lv->caprows) {
        lv->caprows = lv->caprows ? lv->caprows * 2 : 256;
        lv->rows = xreallocarray(lv->rows, lv->caprows, sizeof *lv->rows);
    }
    lv->rows[lv->nrows++] = (struct list_row){ site, host, svc, aux };
}

void listview_invalidate(struct listview *lv)
{
    lv->stale_rows = true;
    app_dirty(lv->app);
}

struct site *listview_site(const struct listview *lv, const struct list_row *r)
{
    return lv->app->sites[r->site];
}

const struct mc_host *listview_host(const struct listview *lv,
                                    const struct list_row *r)
{
    return &listview_site(lv, r)->snap->hosts[r->host];
}

const struct mc_service *listview_service(const struct listview *lv,
                                          const struct list_row *r)
{
    return r->svc < 0 ? NULL : &listview_site(lv, r)->snap->svcs[r->svc];
}

bool listview_multi_site(const struct listview *lv)
{
    return lv->app->nsites > 1;
}

double listview_now(const struct listview *lv)
{
    return lv->app->now;
}

/* ---- identity: marks and the cursor follow objects, not positions ---- */

static void listview_row_key(const struct listview *lv,
                             const struct list_row *r, char *buf, size_t size)
{
    const struct mc_service *s = listview_service(lv, r);

    snprintf(buf, size, "%s\t%s\t%s", listview_site(lv, r)->name,
             listview_host(lv, r)->name, s != NULL ? s->name : "");
}

static bool listview_is_marked(void *arg, size_t i)
{
    struct listview *lv = arg;
    char key[1024];
    uint32_t dummy;

    if (lv->nmarks == 0)
        return false;
    listview_row_key(lv, &lv->rows[i], key, sizeof key);
    return strmap_get(&lv->mark_index, key, &dummy);
}

static void listview_remember_cursor(struct listview *lv)
{
    const struct list_row *r;
    const struct mc_service *s;

    if (lv->nrows == 0)
        return;
    r = &lv->rows[lv->table.cur];
    s = listview_service(lv, r);
    listview_forget_cursor(lv);
    lv->cur_site = xstrdup(listview_site(lv, r)->name);
    lv->cur_host = xstrdup(listview_host(lv, r)->name);
    lv->cur_svc = s != NULL ? xstrdup(s->name) : NULL;
}

static bool listview_row_is(const struct listview *lv, const struct list_row *r)
{
    const struct mc_service *s = listview_service(lv, r);

    if (strcmp(listview_host(lv, r)->name, lv->cur_host) != 0)
        return false;
    if ((s == NULL) != (lv->cur_svc == NULL))
        return false;
    if (s != NULL && strcmp(s->name, lv->cur_svc) != 0)
        return false;
    return strcmp(listview_site(lv, r)->name, lv->cur_site) == 0;
}

/* ---- rebuilding ---- */

static int listview_tiebreak(const struct listview *lv,
                             const struct list_row *a, const struct list_row *b)
{
    const struct mc_service *sa = listview_service(lv, a);
    const struct mc_service *sb = listview_service(lv, b);
    int c = strcmp(listview_host(lv, a)->name, listview_host(lv, b)->name);

    if (c != 0)
        return c;
    if (sa == NULL || sb == NULL)
        c = (sa != NULL) - (sb != NULL); /* the host before its services */
    else
        c = strcmp(sa->name, sb->name);
    return c != 0 ? c : (int)a->site - (int)b->site;
}

static void listview_merge(const struct listview *lv, struct list_row *a,
                           struct list_row *tmp, size_t n)
{
    size_t m = n / 2, i = 0, j = m, k = 0;

    if (n < 2)
        return;
    listview_merge(lv, a, tmp, m);
    listview_merge(lv, a + m, tmp, n - m);
    while (i < m && j < n) {
        int c = lv->ops->compare(lv, &a[j], &a[i], lv->sort_col);

        if (lv->sort_desc)
            c = -c;
        if (c == 0) /* ties by name, always ascending */
            c = listview_tiebreak(lv, &a[j], &a[i]);
        tmp[k++] = c < 0 ? a[j++] : a[i++];
    }
    while (i < m)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static uint64_t listview_gen(const struct listview *lv)
{
    uint64_t g = 0;

    for (size_t i = 0; i < lv->app->nsites; i++)
        g += lv->app->sites[i]->gen;
    return g;
}

static void listview_rebuild(struct listview *lv)
{
    const char *fields[LIST_MAX_FIELDS];
    struct list_row *tmp;
    size_t kept = 0;

    lv->nrows = 0;
    for (size_t i = 0; i < lv->app->nsites; i++)
        if (lv->app->sites[i]->snap != NULL)
            lv->ops->collect(lv, (uint32_t)i);
    lv->total = lv->nrows;
    for (size_t i = 0; i < lv->nrows; i++) {
        int n = lv->ops->fields(lv, &lv->rows[i], fields);

        if (filter_match(&lv->filter, fields, n))
            lv->rows[kept++] = lv->rows[i];
    }
    lv->nrows = kept;
    tmp = xcalloc(kept ? kept : 1, sizeof *tmp);
    listview_merge(lv, lv->rows, tmp, kept);
    free(tmp);
    table_set_count(&lv->table, lv->nrows);
    if (lv->cur_host != NULL) {
        for (size_t i = 0; i < lv->nrows; i++) {
            if (listview_row_is(lv, &lv->rows[i])) {
                table_select(&lv->table, i);
                break;
            }
        }
    }
    listview_remember_cursor(lv);
    /* The site column only matters with several sites. */
    if (lv->ops->site_col >= 0)
        lv->cols[lv->ops->site_col].width =
            listview_multi_site(lv) ? lv->ops->cols[lv->ops->site_col].width
                                    : 0;
    lv->seen_gen = listview_gen(lv);
    lv->stale_rows = false;
}

/* Rows index into the sites' snapshots: refresh them before any use. */
static void listview_sync(struct listview *lv)
{
    if (lv->stale_rows || listview_gen(lv) != lv->seen_gen)
        listview_rebuild(lv);
}

/* ---- marks ---- */

static void listview_mark_index(struct listview *lv)
{
    strmap_free(&lv->mark_index);
    strmap_init(&lv->mark_index, lv->nmarks * 2 + 16);
    for (size_t i = 0; i < lv->nmarks; i++)
        strmap_put(&lv->mark_index, lv->marks[i], (uint32_t)i);
}

static void listview_mark_add(struct listview *lv, const char *key)
{
    lv->marks = xreallocarray(lv->marks, lv->nmarks + 1, sizeof *lv->marks);
    lv->marks[lv->nmarks] = xstrdup(key);
    if (!strmap_put(&lv->mark_index, lv->marks[lv->nmarks],
                    (uint32_t)lv->nmarks)) {
        free(lv->marks[lv->nmarks]);
        return;
    }
    lv->nmarks++;
}

static void listview_mark_toggle(struct listview *lv, size_t row)
{
    char key[1024];
    uint32_t i;

    listview_row_key(lv, &lv->rows[row], key, sizeof key);
    if (!strmap_get(&lv->mark_index, key, &i)) {
        listview_mark_add(lv, key);
        return;
    }
    free(lv->marks[i]);
    lv->marks[i] = lv->marks[--lv->nmarks];
    listview_mark_index(lv); /* strmap has no delete; marks are few */
}

static void listview_mark_all(struct listview *lv)
{
    char key[1024];

    for (size_t i = 0; i < lv->nrows; i++) {
        listview_row_key(lv, &lv->rows[i], key, sizeof key);
        listview_mark_add(lv, key);
    }
}

static void listview_mark_clear(struct listview *lv)
{
    for (size_t i = 0; i < lv->nmarks; i++)
        free(lv->marks[i]);
    free(lv->marks);
    lv->marks = NULL;
    lv->nmarks = 0;
    listview_mark_index(lv);
}

/* ---- triage marks ---- */

const struct triage_mark *listview_triage(const struct listview *lv,
                                          const struct list_row *r)
{
    const struct mc_service *s = listview_service(lv, r);

    return triage_get(listview_site(lv, r)->triage, listview_host(lv, r)->name,
                      s != NULL ? s->name : NULL);
}

enum theme_role listview_flags(const struct listview *lv,
                               const struct list_row *r,
                               const struct table_row *tr, char *buf,
                               size_t size)
{
    const struct mc_service *s = listview_service(lv, r);
    const struct mc_status *st = s != NULL ? &s->st : &listview_host(lv, r)->st;
    const struct triage_mark *m = listview_triage(lv, r);
    size_t n;

    format_flags(st, buf, size);
    if (m == NULL)
        return tr->cursor ? ROLE_DEFAULT : ROLE_FLAG;
    n = strlen(buf);
    snprintf(buf + n, size - n, "%s%c", n > 0 ? " " : "",
             m->state == TRIAGE_FAILED ? '!' : '*');
    return m->state == TRIAGE_FAILED ? ROLE_STATUS_ERROR : ROLE_STALE;
}

void listview_detail_triage(const struct listview *lv, const struct list_row *r,
                            struct detail *d)
{
    const struct triage_mark *m = listview_triage(lv, r);
    char age[32];

    if (m == NULL)
        return;
    format_age(m->sent, listview_now(lv), age, sizeof age);
    if (m->state == TRIAGE_FAILED)
        detail_kv(d, "Action", "%s FAILED %s ago: %s (:dismiss clears)",
                  icinga_action_name(m->action), age, m->msg);
    else
        detail_kv(d, "Action", "%s %s (sent %s ago)",
                  icinga_action_name(m->action),
                  m->answered ? "accepted, waiting to see it" : "sent", age);
}

/* ---- action targets ---- */

static bool listview_target_add(struct listview *lv, struct list_target **out,
                                size_t *n, const char *site, const char *host,
                                const char *svc)
{
    for (size_t i = 0; i < lv->app->nsites; i++) {
        if (strcmp(lv->app->sites[i]->name, site) != 0)
            continue;
        *out = xreallocarray(*out, *n + 1, sizeof **out);
        (*out)[*n].site = (uint32_t)i;
        (*out)[*n].host = xstrdup(host);
        (*out)[*n].service =
            svc != NULL && svc[0] != '\0' ? xstrdup(svc) : NULL;
        (*n)++;
        return true;
    }
    return false;
}

size_t listview_targets(struct listview *lv, struct list_target **out)
{
    size_t n = 0;

    *out = NULL;
    listview_sync(lv);
    for (size_t i = 0; i < lv->nmarks; i++) {
        /* marks are "site\thost\tservice" */
        char *k = xstrdup(lv->marks[i]);
        char *host = strchr(k, '\t'),
             *svc = host ? strchr(host + 1, '\t') : NULL;

        if (svc != NULL) {
            *host++ = '\0';
            *svc++ = '\0';
            listview_target_add(lv, out, &n, k, host, svc);
        }
        free(k);
    }
    if (lv->nmarks == 0 && lv->nrows > 0) {
        const struct list_row *r = &lv->rows[lv->table.cur];
        const struct mc_service *s = listview_service(lv, r);

        listview_target_add(lv, out, &n, listview_site(lv, r)->name,
                            listview_host(lv, r)->name,
                            s != NULL ? s->name : NULL);
    }
    return n;
}

void listview_targets_free(struct list_target *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].host);
        free(t[i].service);
    }
    free(t);
}

/* ---- drawing ---- */

static void listview_draw_row(void *arg, size_t row, const struct table_row *tr)
{
    struct listview *lv = arg;

    lv->ops->draw_row(lv, &lv->rows[row], tr);
}

/* Split the area between the table and the detail pane. */
static void listview_layout(const struct listview *lv, struct tui_rect area,
                            struct tui_rect *table, struct tui_rect *pane)
{
    *table = area;
    pane->h = pane->w = 0;
    if (!lv->detail_on)
        return;
    if (area.w >= LIST_WIDE_DETAIL) {
        int pw = area.w * 2 / 5;

        table->w = area.w - pw - 1;
        *pane = (struct tui_rect){ area.y, area.x + table->w + 1, area.h, pw };
    } else {
        int ph = area.h * 2 / 5 < 8 ? 8 : area.h * 2 / 5;

        if (ph > area.h - 4)
            ph = area.h - 4;
        table->h = area.h - ph;
        *pane = (struct tui_rect){ area.y + table->h, area.x, ph, area.w };
    }
}

/* The detail pane is looking at a host: fetch its services fresh, at most
 * every LIST_DETAIL_REFRESH_S seconds for the same host. */
static void listview_detail_refresh(struct listview *lv,
                                    const struct list_row *r)
{
    const char *host = listview_host(lv, r)->name;
    double now = listview_now(lv);

    if (lv->detail_host != NULL && strcmp(lv->detail_host, host) == 0 &&
        now - lv->detail_fetched < LIST_DETAIL_REFRESH_S)
        return;
    free(lv->detail_host);
    lv->detail_host = xstrdup(host);
    lv->detail_fetched = now;
    site_refresh_host(listview_site(lv, r), host);
}

static void listview_draw_pane(struct listview *lv, struct tui_rect pane)
{
    struct detail d = { 0 };
    struct tui_rect inner;

    if (pane.h < 2 || pane.w < 10)
        return;
    if (pane.w < lv->table_rect.w) {
        /* A side pane: a vertical rule on its left. */
        for (int y = pane.y; y < pane.y + pane.h; y++)
            draw_glyph(y, pane.x - 1, ROLE_DIM, text_utf8() ? 0x2502 : '|');
        draw_cell(pane.y, pane.x, pane.w, ROLE_COLHEAD, " Detail", ALIGN_LEFT);
    } else {
        draw_cell(pane.y, pane.x, pane.w, ROLE_COLHEAD, " Detail", ALIGN_LEFT);
    }
    inner = (struct tui_rect){ pane.y + 1, pane.x + 1, pane.h - 1, pane.w - 2 };
    if (lv->nrows == 0) {
        draw_text(inner.y, inner.x, inner.w, ROLE_DIM, "Nothing selected");
        return;
    }
    listview_detail_refresh(lv, &lv->rows[lv->table.cur]);
    lv->ops->detail(lv, &lv->rows[lv->table.cur], &d);
    detail_draw(&d, inner, &lv->detail_scroll);
    detail_free(&d);
}

void listview_draw(void *v, struct tui_rect area)
{
    struct listview *lv = v;
    struct tui_rect table, pane;
    const char *empty = lv->ops->empty;
    bool data = false;

    listview_sync(lv);
    for (size_t i = 0; i < lv->app->nsites; i++)
        data = data || lv->app->sites[i]->snap != NULL;
    if (!data)
        empty = lv->app->sites[0]->conn == SITE_CONNECTED
                    ? "Loading…"
                    : "No data yet: not connected (see the status line)";
    listview_layout(lv, area, &table, &pane);
    lv->table_rect = table;
    table_draw(&lv->table, table, lv->cols, lv->ops->ncols, lv->sort_col,
               lv->sort_desc, listview_draw_row, listview_is_marked, lv, empty);
    if (pane.h > 0)
        listview_draw_pane(lv, pane);
}

/* ---- sorting ---- */

static bool listview_col_shown(const struct listview *lv, int col)
{
    return lv->cols[col].width > 0 || lv->cols[col].flex > 0;
}

/* Sort by col in its natural direction. */
static void listview_sort_set(struct listview *lv, int col)
{
    lv->sort_col = col;
    lv->sort_desc = col == lv->ops->default_sort && lv->ops->default_desc;
}

static void listview_sort_step(struct listview *lv, int dir)
{
    int n = (int)lv->ops->ncols, c = lv->sort_col;

    for (int i = 0; i < n; i++) {
        c = (c + dir + n) % n;
        if (listview_col_shown(lv, c))
            break;
    }
    listview_sort_set(lv, c);
}

static void listview_sort_picked(struct app *app, struct dialog *d,
                                 enum dialog_result r, void *arg)
{
    struct listview *lv = arg;

    (void)app;
    if (r != DIALOG_OK)
        return;
    listview_sort_set(lv, (int)d->sel);
    listview_invalidate(lv);
}

static void listview_sort_pick(struct listview *lv)
{
    const char *items[32];
    size_t n = lv->ops->ncols < 32 ? lv->ops->ncols : 32;

    for (size_t i = 0; i < n; i++)
        items[i] = lv->cols[i].title;
    app_open_dialog(lv->app,
                    dialog_pick("Sort by", items, n, (size_t)lv->sort_col),
                    listview_sort_picked, lv);
}

const char *const *listview_columns(void *v)
{
    struct listview *lv = v;

    return lv->ops->col_names;
}

int listview_sort_by(void *v, const char *column, int desc)
{
    struct listview *lv = v;

    for (int i = 0; lv->ops->col_names[i] != NULL; i++) {
        if (strcmp(lv->ops->col_names[i], column) == 0) {
            lv->sort_col = i;
            lv->sort_desc =
                desc < 0 ? (i == lv->ops->default_sort && lv->ops->default_desc)
                         : desc != 0;
            listview_invalidate(lv);
            return 0;
        }
    }
    return -1;
}

/* ---- actions ---- */

static enum view_result listview_move(struct listview *lv, int action)
{
    long page = lv->table.height > 1 ? lv->table.height - 1 : 1;

    switch (action) {
    case ACT_UP:
        table_move(&lv->table, -1);
        break;
    case ACT_DOWN:
        table_move(&lv->table, 1);
        break;
    case ACT_PAGE_UP:
        table_move(&lv->table, -page);
        break;
    case ACT_PAGE_DOWN:
        table_move(&lv->table, page);
        break;
    case ACT_HALF_UP:
        table_move(&lv->table, -(page + 1) / 2);
        break;
    case ACT_HALF_DOWN:
        table_move(&lv->table, (page + 1) / 2);
        break;
    case ACT_TOP:
        table_select(&lv->table, 0);
        break;
    case ACT_BOTTOM:
        table_select(&lv->table, lv->nrows ? lv->nrows - 1 : 0);
        break;
    default:
        return VIEW_IGNORED;
    }
    lv->detail_scroll = 0;
    listview_remember_cursor(lv);
    return VIEW_DONE;
}

static enum view_result listview_mark_action(struct listview *lv, int action)
{
    switch (action) {
    case ACT_MARK:
        if (lv->nrows == 0)
            return VIEW_DONE;
        listview_mark_toggle(lv, lv->table.cur);
        table_move(&lv->table, 1);
        listview_remember_cursor(lv);
        return VIEW_DONE;
    case ACT_MARK_ALL:
        listview_mark_all(lv);
        app_message(lv->app, MSG_INFO, "%zu marked", lv->nmarks);
        return VIEW_DONE;
    case ACT_MARK_CLEAR:
        listview_mark_clear(lv);
        app_message(lv->app, MSG_INFO, "marks cleared");
        return VIEW_DONE;
    default:
        return VIEW_IGNORED;
    }
}

/*
 * s, v and L act on the host of the row under the cursor (not the marks):
 * a shell, its graphs, or its logs around its last state change (for a
 * service's row, the service's).
 */
static void listview_host_action(struct listview *lv, int action)
{
    static const char *const what[] = { "open a shell on", "show graphs of",
                                        "search the logs of" };
    int k = action == ACT_SSH ? 0 : action == ACT_GRAPHS ? 1 : 2;
    const struct list_row *r;
    const struct mc_service *s;
    const struct mc_host *h;
    struct site *site;

    if (lv->nrows == 0) {
        app_message(lv->app, MSG_WARN, "no host here to %s", what[k]);
        return;
    }
    r = &lv->rows[lv->table.cur];
    h = listview_host(lv, r);
    s = listview_service(lv, r);
    site = listview_site(lv, r);
    if (k == 0)
        app_ssh_open(lv->app, site, h->name, h->address);
    else if (k == 1)
        graphs_view_open(lv->app, site, h->name, h->address);
    else
        logs_view_pivot(lv->app, site, h->name,
                        s != NULL ? s->st.last_state_change
                                  : h->st.last_state_change);
}

enum view_result listview_action(void *v, int action)
{
    struct listview *lv = v;
    enum view_result r;

    listview_sync(lv);
    if (lv->ops->action != NULL && lv->ops->action(lv, action) == VIEW_DONE)
        return VIEW_DONE;
    if ((r = listview_move(lv, action)) == VIEW_DONE)
        return r;
    if ((r = listview_mark_action(lv, action)) == VIEW_DONE)
        return r;
    switch (action) {
    case ACT_ACK:
    case ACT_UNACK:
    case ACT_DOWNTIME:
    case ACT_UNDOWNTIME:
    case ACT_RECHECK:
    case ACT_COMMENT:
        triage_form_open(lv->app, lv, action);
        return VIEW_DONE;
    case ACT_SSH:
    case ACT_GRAPHS:
    case ACT_LOGS:
        listview_host_action(lv, action);
        return VIEW_DONE;
    case ACT_SORT_NEXT:
    case ACT_SORT_PREV:
        listview_sort_step(lv, action == ACT_SORT_NEXT ? 1 : -1);
        break;
    case ACT_SORT_REVERSE:
        lv->sort_desc = !lv->sort_desc;
        break;
    case ACT_SORT_PICK:
        listview_sort_pick(lv);
        return VIEW_DONE;
    case ACT_DETAIL:
        lv->detail_on = !lv->detail_on;
        lv->detail_scroll = 0;
        return VIEW_DONE;
    case ACT_DETAIL_DOWN:
        lv->detail_on = true;
        lv->detail_scroll += 3;
        return VIEW_DONE;
    case ACT_DETAIL_UP:
        lv->detail_scroll = lv->detail_scroll > 3 ? lv->detail_scroll - 3 : 0;
        return VIEW_DONE;
    default:
        return VIEW_IGNORED;
    }
    listview_invalidate(lv);
    return VIEW_DONE;
}

enum view_result listview_back(void *v)
{
    struct listview *lv = v;

    if (filter_active(&lv->filter)) {
        listview_set_filter(lv, NULL);
        app_message(lv->app, MSG_INFO, "filter cleared");
        return VIEW_DONE;
    }
    if (lv->detail_on) {
        lv->detail_on = false;
        return VIEW_DONE;
    }
    return VIEW_IGNORED;
}

/* ---- mouse ---- */

enum view_result listview_mouse(void *v, const struct tui_key *k)
{
    struct listview *lv = v;
    struct tui_rect r = lv->table_rect;
    long row;
    int col;

    listview_sync(lv);
    if (k->y < r.y || k->y >= r.y + r.h || k->x < r.x || k->x >= r.x + r.w)
        return VIEW_IGNORED;
    if (k->mouse == TM_WHEEL_UP || k->mouse == TM_WHEEL_DOWN) {
        table_scroll(&lv->table, k->mouse == TM_WHEEL_UP ? -3 : 3);
        listview_remember_cursor(lv);
        return VIEW_DONE;
    }
    if (k->y == r.y) { /* the header: sort by the column clicked */
        col = table_col_at(lv->cols, lv->ops->ncols, r.w, r.x, k->x);
        if (col < 0)
            return VIEW_DONE;
        if (col == lv->sort_col)
            lv->sort_desc = !lv->sort_desc;
        else
            listview_sort_set(lv, col);
        listview_invalidate(lv);
        return VIEW_DONE;
    }
    row = table_row_at(&lv->table, r, k->y);
    if (row < 0)
        return VIEW_DONE;
    table_select(&lv->table, (size_t)row);
    listview_remember_cursor(lv);
    if (k->mouse == TM_DOUBLE)
        lv->detail_on = !lv->detail_on;
    return VIEW_DONE;
}

/* ---- filter and status ---- */

void listview_set_filter(void *v, const char *text)
{
    struct listview *lv = v;

    filter_set(&lv->filter, text);
    listview_invalidate(lv);
}

const char *listview_filter(void *v)
{
    struct listview *lv = v;

    return lv->filter.text;
}

size_t listview_count(void *v)
{
    struct listview *lv = v;

    listview_sync(lv);
    return lv->nrows;
}

void listview_summary(void *v, char *buf, size_t size)
{
    struct listview *lv = v;
    const char *extra =
        lv->ops->summary_extra ? lv->ops->summary_extra(lv) : NULL;
    size_t n;

    listview_sync(lv);
    if (lv->nrows == lv->total)
        n = (size_t)snprintf(buf, size, "%zu %s", lv->nrows, lv->ops->noun);
    else
        n = (size_t)snprintf(buf, size, "%zu of %zu %s", lv->nrows, lv->total,
                             lv->ops->noun);
    if (n < size && lv->nmarks > 0)
        n += (size_t)snprintf(buf + n, size - n, " · %zu marked", lv->nmarks);
    if (n < size && extra != NULL)
        snprintf(buf + n, size - n, " · %s", extra);
}
