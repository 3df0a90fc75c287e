/*
 * The run view: the hosts of a :run with their state, exit status and
 * time, and the output of the one under the cursor (k9s style: a table
 * over a pane). Here its rows (filtered, sorted), keys, mouse and filter;
 * run_draw.c draws it, run_cmd.c holds the :run command.
 */
#include "views/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/loop.h"
#include "backend/run.h"
#include "backend/site.h"
#include "backend/xalloc.h"
#include "tui/table.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/filter.h"
#include "views/run_int.h"

static const struct table_col run_cols[RC_COUNT] = {
    [RC_STATE] = { "STATE", 8, 0, ALIGN_CENTER, 0 },
    [RC_HOST] = { "HOST", 14, 2, ALIGN_LEFT, 0 },
    [RC_SITE] = { "SITE", 10, 0, ALIGN_LEFT, 1 },
    [RC_EXIT] = { "EXIT", 4, 0, ALIGN_RIGHT, 2 },
    [RC_TIME] = { "TIME", 7, 0, ALIGN_RIGHT, 1 },
    [RC_LINES] = { "LINES", 6, 0, ALIGN_RIGHT, 2 },
    [RC_OUTPUT] = { "OUTPUT", 10, 4, ALIGN_LEFT, 1 },
};

/* The sortable columns, in column order (OUTPUT is not one). */
static const char *const run_col_names[] = { "state", "host",  "site", "exit",
                                             "time",  "lines", NULL };

#define RC_SORTABLE RC_OUTPUT

bool run_view_has_run(const struct app *app)
{
    const struct run_view *v = run_view_of(app);

    return v != NULL && v->run != NULL;
}

/* ---- rows: filtered and sorted indexes into the run ---- */

/* Sort rank of a host's state: higher is worse. */
static int run_view_rank(const struct run_host *h)
{
    switch (h->state) {
    case RUN_FAILED:
        return 6;
    case RUN_DONE:
        return h->status != 0 ? 5 : 0;
    case RUN_CANCELLED:
        return 4;
    case RUN_RUNNING:
        return 3;
    case RUN_CONNECTING:
        return 2;
    case RUN_QUEUED:
        return 1;
    }
    return 0;
}

double run_view_secs(const struct run_host *h, double now)
{
    double end = h->ended > 0 ? h->ended : now;

    return h->started <= 0 || end < h->started ? 0 : end - h->started;
}

static int run_view_cmp(const struct run_view *v, size_t a, size_t b)
{
    const struct run_host *x = run_host(v->run, a), *y = run_host(v->run, b);
    double dx, dy;
    int c = 0;

    switch (v->sort_col) {
    case RC_STATE:
        c = run_view_rank(x) - run_view_rank(y);
        break;
    case RC_HOST:
        c = strcmp(x->host, y->host);
        break;
    case RC_SITE:
        c = strcmp(x->site->name, y->site->name);
        break;
    case RC_EXIT:
        c = (x->state == RUN_DONE ? x->status : -1) -
            (y->state == RUN_DONE ? y->status : -1);
        break;
    case RC_TIME:
        dx = run_view_secs(x, v->app->now);
        dy = run_view_secs(y, v->app->now);
        c = (dx > dy) - (dx < dy);
        break;
    case RC_LINES:
        c = (x->nlines > y->nlines) - (x->nlines < y->nlines);
        break;
    default:
        break;
    }
    if (v->sort_desc)
        c = -c;
    return c != 0 ? c : (a > b) - (a < b); /* ties: the order given */
}

static void run_view_merge(const struct run_view *v, size_t *a, size_t *tmp,
                           size_t n)
{
    size_t m = n / 2, i = 0, j = m, k = 0;

    if (n < 2)
        return;
    run_view_merge(v, a, tmp, m);
    run_view_merge(v, a + m, tmp, n - m);
    while (i < m && j < n)
        tmp[k++] = run_view_cmp(v, a[j], a[i]) < 0 ? a[j++] : a[i++];
    while (i < m)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Rebuild the rows (hosts are few) and keep the cursor on its host. */
void run_view_sync(struct run_view *v)
{
    size_t n = v->run != NULL ? run_count(v->run) : 0, kept = 0, *tmp;
    char label[16];

    v->rows = xreallocarray(v->rows, n > 0 ? n : 1, sizeof *v->rows);
    for (size_t i = 0; i < n; i++) {
        const struct run_host *h = run_host(v->run, i);
        const char *fields[4] = { h->host, h->site->name,
                                  run_host_label(h, label, sizeof label),
                                  h->why };

        if (filter_match(&v->filter, fields, h->why != NULL ? 4 : 3))
            v->rows[kept++] = i;
    }
    tmp = xcalloc(kept > 0 ? kept : 1, sizeof *tmp);
    run_view_merge(v, v->rows, tmp, kept);
    free(tmp);
    v->nrows = kept;
    table_set_count(&v->table, kept);
    for (size_t i = 0; i < kept; i++) {
        if (v->rows[i] == v->cur) {
            table_select(&v->table, i);
            break;
        }
    }
    if (kept > 0 && v->rows[v->table.cur] != v->cur) {
        v->cur = v->rows[v->table.cur]; /* the filter hid it */
        v->scroll = 0;
        v->follow = false;
    }
}

/* ---- moving and scrolling ---- */

static void run_view_move(struct run_view *v, long delta)
{
    table_move(&v->table, delta);
    if (v->nrows > 0 && v->rows[v->table.cur] != v->cur) {
        v->cur = v->rows[v->table.cur];
        v->scroll = 0; /* another host's output: from its start */
        v->follow = false;
    }
}

static void run_view_scroll(struct run_view *v, long delta)
{
    v->scroll += delta;
    if (v->scroll < 0)
        v->scroll = 0;
    /* At the end it follows new output, like tail -f. */
    v->follow = v->scroll >= v->scroll_max;
}

static void run_view_cancel(struct run_view *v)
{
    size_t n;

    if (v->run == NULL || run_finished(v->run)) {
        app_message(v->app, MSG_INFO, "nothing to cancel: %s",
                    v->run == NULL ? "no command has been run"
                                   : "the run has finished");
        return;
    }
    n = run_cancel(v->run);
    app_message(v->app, MSG_WARN,
                "run cancelled: %zu host%s stopped (output so far is kept)", n,
                n == 1 ? "" : "s");
}

static void run_view_ssh(struct run_view *v)
{
    const struct run_host *h;

    if (v->nrows == 0) {
        app_message(v->app, MSG_WARN, "no host here to open a shell on");
        return;
    }
    h = run_host(v->run, v->cur);
    app_ssh_open(v->app, h->site, h->host, h->address);
}

static void run_view_sort_set(struct run_view *v, int col, int desc)
{
    v->sort_col = col;
    /* The worst, slowest and longest first unless asked otherwise. */
    v->sort_desc = desc >= 0 ? desc != 0
                             : col == RC_STATE || col == RC_TIME ||
                                   col == RC_LINES || col == RC_EXIT;
}

static void run_view_sort_step(struct run_view *v, int dir)
{
    int c = v->sort_col < 0 ? (dir > 0 ? -1 : 0) : v->sort_col;

    for (int i = 0; i < RC_SORTABLE; i++) {
        c = (c + dir + RC_SORTABLE) % RC_SORTABLE;
        if (v->cols[c].width > 0 || v->cols[c].flex > 0)
            break;
    }
    run_view_sort_set(v, c, -1);
}

static void run_view_sort_picked(struct app *app, struct dialog *d,
                                 enum dialog_result r, void *arg)
{
    (void)app;
    if (r == DIALOG_OK && d->sel < RC_SORTABLE)
        run_view_sort_set(arg, (int)d->sel, -1);
}

static void run_view_sort_pick(struct run_view *v)
{
    const char *items[RC_SORTABLE];

    for (int i = 0; i < RC_SORTABLE; i++)
        items[i] = v->cols[i].title;
    app_open_dialog(v->app,
                    dialog_pick("Sort by", items, RC_SORTABLE,
                                v->sort_col >= 0 ? (size_t)v->sort_col : 0),
                    run_view_sort_picked, v);
}

static enum view_result run_view_scroll_action(struct run_view *v, int action)
{
    long page = v->pane_h > 1 ? v->pane_h - 1 : 1;
    long half = v->full ? (page + 1) / 2 : (v->table.height + 1) / 2;

    switch (action) {
    case ACT_UP:
    case ACT_DOWN:
        if (v->full)
            run_view_scroll(v, action == ACT_UP ? -1 : 1);
        else
            run_view_move(v, action == ACT_UP ? -1 : 1);
        return VIEW_DONE;
    case ACT_HALF_UP:
    case ACT_HALF_DOWN:
        if (v->full)
            run_view_scroll(v, action == ACT_HALF_UP ? -half : half);
        else
            run_view_move(v, action == ACT_HALF_UP ? -half : half);
        return VIEW_DONE;
    case ACT_PAGE_UP:
    case ACT_PAGE_DOWN:
        run_view_scroll(v, action == ACT_PAGE_UP ? -page : page);
        return VIEW_DONE;
    case ACT_DETAIL_UP:
    case ACT_DETAIL_DOWN:
        run_view_scroll(v, action == ACT_DETAIL_UP ? -3 : 3);
        return VIEW_DONE;
    case ACT_TOP:
        v->scroll = 0;
        v->follow = false;
        return VIEW_DONE;
    case ACT_BOTTOM:
        v->follow = true;
        return VIEW_DONE;
    default:
        return VIEW_IGNORED;
    }
}

static enum view_result run_view_action(void *vp, int action)
{
    struct run_view *v = vp;

    if (v->run == NULL) {
        if (action == ACT_RUN_CANCEL)
            run_view_cancel(v);
        return action == ACT_RUN_CANCEL ? VIEW_DONE : VIEW_IGNORED;
    }
    run_view_sync(v);
    if (run_view_scroll_action(v, action) == VIEW_DONE)
        return VIEW_DONE;
    switch (action) {
    case ACT_DETAIL:
        v->full = !v->full;
        break;
    case ACT_RUN_CANCEL:
        run_view_cancel(v);
        break;
    case ACT_SSH:
        run_view_ssh(v);
        break;
    case ACT_SORT_NEXT:
    case ACT_SORT_PREV:
        run_view_sort_step(v, action == ACT_SORT_NEXT ? 1 : -1);
        break;
    case ACT_SORT_REVERSE:
        if (v->sort_col < 0)
            run_view_sort_set(v, RC_HOST, -1);
        v->sort_desc = !v->sort_desc;
        break;
    case ACT_SORT_PICK:
        run_view_sort_pick(v);
        break;
    case ACT_MARK:
    case ACT_MARK_ALL:
    case ACT_MARK_CLEAR:
    case ACT_ACK:
    case ACT_UNACK:
    case ACT_DOWNTIME:
    case ACT_UNDOWNTIME:
    case ACT_RECHECK:
    case ACT_COMMENT:
        app_message(v->app, MSG_INFO,
                    "marks and actions are in the hosts and alerts views; "
                    "here: the output of each host");
        break;
    default:
        return VIEW_IGNORED;
    }
    return VIEW_DONE;
}

static bool run_view_in(struct tui_rect r, int y, int x)
{
    return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

static enum view_result run_view_mouse(void *vp, const struct tui_key *k)
{
    struct run_view *v = vp;
    struct tui_rect t = v->table_rect;
    bool wheel = k->mouse == TM_WHEEL_UP || k->mouse == TM_WHEEL_DOWN;
    long row;
    int col;

    if (v->run == NULL)
        return VIEW_IGNORED;
    run_view_sync(v);
    if (run_view_in(v->pane_rect, k->y, k->x)) {
        if (wheel)
            run_view_scroll(v, k->mouse == TM_WHEEL_UP ? -3 : 3);
        else if (k->mouse == TM_DOUBLE)
            v->full = !v->full;
        return VIEW_DONE;
    }
    if (!run_view_in(t, k->y, k->x))
        return VIEW_IGNORED;
    if (wheel) {
        table_scroll(&v->table, k->mouse == TM_WHEEL_UP ? -3 : 3);
        run_view_move(v, 0);
        return VIEW_DONE;
    }
    if (k->y == t.y) { /* the header: sort by the column clicked */
        col = table_col_at(v->cols, RC_COUNT, t.w, t.x, k->x);
        if (col >= 0 && col == v->sort_col)
            v->sort_desc = !v->sort_desc;
        else if (col >= 0 && col < RC_SORTABLE)
            run_view_sort_set(v, col, -1);
        return VIEW_DONE;
    }
    row = table_row_at(&v->table, t, k->y);
    if (row >= 0) {
        run_view_move(v, row - (long)v->table.cur);
        if (k->mouse == TM_DOUBLE)
            v->full = !v->full;
    }
    return VIEW_DONE;
}

/* ---- filter, counts, sorting by name ---- */

static void run_view_set_filter(void *vp, const char *text)
{
    struct run_view *v = vp;

    filter_set(&v->filter, text);
    app_dirty(v->app);
}

static const char *run_view_filter(void *vp)
{
    struct run_view *v = vp;

    return v->filter.text;
}

static size_t run_view_count(void *vp)
{
    struct run_view *v = vp;

    if (v->run == NULL)
        return 0;
    run_view_sync(v);
    return v->nrows;
}

static void run_view_summary(void *vp, char *buf, size_t size)
{
    struct run_view *v = vp;
    struct run_counts c;
    size_t n, total;

    if (v->run == NULL) {
        snprintf(buf, size, "no command run yet");
        return;
    }
    run_view_sync(v);
    run_counts(v->run, &c);
    total = run_count(v->run);
    if (v->nrows == total)
        n = (size_t)snprintf(buf, size, "%zu hosts", total);
    else
        n = (size_t)snprintf(buf, size, "%zu of %zu hosts", v->nrows, total);
    if (n < size && c.ok + c.nonzero > 0)
        n += (size_t)snprintf(buf + n, size - n, " · %zu ok", c.ok);
    if (n < size && c.nonzero + c.failed > 0)
        n += (size_t)snprintf(buf + n, size - n, " · %zu failed",
                              c.nonzero + c.failed);
    if (n < size && c.running + c.connecting > 0)
        n += (size_t)snprintf(buf + n, size - n, " · %zu running",
                              c.running + c.connecting);
    if (n < size && c.queued > 0)
        n += (size_t)snprintf(buf + n, size - n, " · %zu queued", c.queued);
    if (n < size && c.cancelled > 0)
        snprintf(buf + n, size - n, " · %zu cancelled", c.cancelled);
}

static const char *const *run_view_columns(void *vp)
{
    (void)vp;
    return run_col_names;
}

static int run_view_sort_by(void *vp, const char *column, int desc)
{
    struct run_view *v = vp;

    for (int i = 0; run_col_names[i] != NULL; i++) {
        if (strcmp(run_col_names[i], column) == 0) {
            run_view_sort_set(v, i, desc);
            return 0;
        }
    }
    return -1;
}

static enum view_result run_view_back(void *vp)
{
    struct run_view *v = vp;

    if (filter_active(&v->filter)) {
        run_view_set_filter(v, NULL);
        app_message(v->app, MSG_INFO, "filter cleared");
        return VIEW_DONE;
    }
    if (v->full) {
        v->full = false;
        return VIEW_DONE;
    }
    return VIEW_IGNORED;
}

void run_view_reset(struct run_view *v)
{
    v->cols[RC_SITE].width = v->app->nsites > 1 ? run_cols[RC_SITE].width : 0;
    v->cur = 0;
    v->table = (struct table){ 0 };
    v->scroll = v->scroll_max = 0;
    v->follow = v->full = false;
    filter_set(&v->filter, NULL);
}

/* ---- the view ---- */

static void *run_view_create(struct app *app)
{
    struct run_view *v = xcalloc(1, sizeof *v);

    v->app = app;
    v->sort_col = -1;
    memcpy(v->cols, run_cols, sizeof v->cols);
    return v;
}

static void run_view_destroy(void *vp)
{
    struct run_view *v = vp;

    if (v->wake != 0)
        loop_del_timer(v->app->loop, v->wake);
    run_free(v->run);
    run_view_want_free(v);
    filter_clear(&v->filter);
    free(v->rows);
    free(v);
}

const struct view_ops run_view_ops = {
    .name = "run",
    .title = "Run",
    .keytable = KT_RUN,
    .create = run_view_create,
    .destroy = run_view_destroy,
    .draw = run_view_draw,
    .action = run_view_action,
    .mouse = run_view_mouse,
    .set_filter = run_view_set_filter,
    .filter = run_view_filter,
    .count = run_view_count,
    .summary = run_view_summary,
    .columns = run_view_columns,
    .sort_by = run_view_sort_by,
    .back = run_view_back,
};
