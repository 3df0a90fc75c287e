/*
 * The run view: the hosts of a :run with their state, exit status and
 * time, and the output of the one under the cursor (k9s style: a table
 * over a pane). Also the :run command itself: targets, the question,
 * and host keys asked one at a time.
 */
#include "views/run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/loop.h"
#include "backend/run.h"
#include "backend/site.h"
#include "backend/snapshot.h"
#include "backend/strmap.h"
#include "backend/xalloc.h"
#include "tui/table.h"
#include "tui/text.h"
#include "views/actions.h"
#include "views/app.h"
#include "views/filter.h"
#include "views/format.h"
#include "views/hostkey.h"
#include "views/listview.h"

#define RUN_VIEW_WAKE_MS  100  /* new output is drawn at most this often */
#define RUN_VIEW_LINE_MAX 4096 /* bytes of one line as shown */
#define RUN_VIEW_NAMES    4    /* hosts named in the question */
#define RUN_VIEW_MIN_PANE 4    /* output lines kept below the table */

enum {
    RC_STATE,
    RC_HOST,
    RC_SITE,
    RC_EXIT,
    RC_TIME,
    RC_LINES,
    RC_OUTPUT,
    RC_COUNT
};

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

/* A host of a :run waiting for the user's yes. */
struct run_view_target {
    struct site *site;
    char *host, *address;
};

struct run_view {
    struct app *app;
    struct run *run;
    unsigned gen; /* per run: answers meant for an older one are dropped */
    bool demo;    /* some hosts are on a demo site: run locally */
    struct table_col cols[RC_COUNT]; /* a copy: the site column hides */
    struct table table;
    struct filter filter;
    size_t *rows; /* the run's hosts shown, in order */
    size_t nrows;
    int sort_col; /* -1: the order they were given in */
    bool sort_desc;
    size_t cur;  /* the run's host under the cursor */
    bool full;   /* the output takes the whole view */
    long scroll; /* first output line shown */
    long scroll_max;
    bool follow; /* keep the newest line in sight */
    int pane_h;  /* output lines the pane showed last */
    struct tui_rect table_rect, pane_rect;
    unsigned wake;
    size_t asking; /* the host whose key is asked */
    unsigned asking_gen;
    /* a :run waiting for the answer to its question */
    char *want_cmd;
    struct run_view_target *want;
    size_t nwant;
};

static struct run_view *run_view_of(const struct app *app)
{
    return app->views[VIEW_RUN].state;
}

bool run_view_has_run(const struct app *app)
{
    const struct run_view *v = run_view_of(app);

    return v != NULL && v->run != NULL;
}

/* ---- one line of output as shown ---- */

/* The bytes of the escape sequence at p (p[0] is ESC): all dropped. */
static size_t run_view_escape(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 2;

    if (n < 2)
        return n;
    switch (p[1]) {
    case '[': /* CSI: parameters and intermediates, then a final byte */
        while (i < n && u[i] >= 0x20 && u[i] <= 0x3f)
            i++;
        return i < n && u[i] >= 0x40 && u[i] <= 0x7e ? i + 1 : i;
    case ']': /* strings (OSC, DCS, SOS, PM, APC) end at BEL or ST */
    case 'P':
    case 'X':
    case '^':
    case '_':
        for (; i < n; i++) {
            if (p[i] == '\a')
                return i + 1;
            if (p[i] == '\033' && i + 1 < n && p[i + 1] == '\\')
                return i + 2;
        }
        return n;
    default: /* ESC, intermediates, a final byte: "ESC ( B", "ESC 7" */
        i = 1;
        while (i < n && u[i] >= 0x20 && u[i] <= 0x2f)
            i++;
        return i < n && u[i] >= 0x30 && u[i] <= 0x7e ? i + 1 : i;
    }
}

char *run_view_line(const char *p, size_t n, char *out, size_t size)
{
    size_t o = 0, i = 0;
    int col = 0;

    if (size == 0)
        return out;
    while (n > 0 && p[n - 1] == '\r') /* CRLF */
        n--;
    for (size_t k = n; k > 0; k--) {
        if (p[k - 1] == '\r') { /* a terminal would show what came last */
            p += k;
            n -= k;
            break;
        }
    }
    while (i < n) {
        char enc[8];
        uint32_t cp;
        size_t len;

        if (p[i] == '\033') {
            i += run_view_escape(p + i, n - i);
            continue;
        }
        if (p[i] == '\t') {
            for (int stop = (col / 8 + 1) * 8; col < stop && o + 1 < size;)
                out[o++] = ' ', col++;
            i++;
            continue;
        }
        i += text_decode(p + i, n - i, &cp);
        cp = text_safe_cp(cp);
        len = text_encode(cp, enc);
        if (o + len >= size)
            break;
        memcpy(out + o, enc, len);
        o += len;
        col += text_cp_width(cp);
    }
    out[o] = '\0';
    return out;
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

static double run_view_secs(const struct run_host *h, double now)
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
static void run_view_sync(struct run_view *v)
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

/* ---- drawing ---- */

static enum theme_role run_view_role(const struct run_host *h)
{
    switch (h->state) {
    case RUN_QUEUED:
        return ROLE_DIM;
    case RUN_CONNECTING:
        return ROLE_ST_PEND;
    case RUN_RUNNING:
        return ROLE_FLAG;
    case RUN_DONE:
        return h->status == 0 ? ROLE_ST_OK : ROLE_ST_WARN;
    case RUN_FAILED:
        return ROLE_ST_CRIT;
    case RUN_CANCELLED:
        return ROLE_STALE;
    }
    return ROLE_DEFAULT;
}

static enum theme_role run_view_stream_role(enum run_stream s)
{
    return s == RUN_STDERR ? ROLE_STATUS_WARN
           : s == RUN_NOTE ? ROLE_DIM
                           : ROLE_DEFAULT;
}

/* "0.3s" under 10 seconds (commands are often quick), else "1m05s". */
static char *run_view_duration(double secs, char *buf, size_t size)
{
    if (secs < 10)
        snprintf(buf, size, "%.1fs", secs < 0 ? 0 : secs);
    else
        format_duration(secs, buf, size);
    return buf;
}

static char *run_view_took(const struct run_host *h, double now, char *buf,
                           size_t size)
{
    if (h->started <= 0)
        snprintf(buf, size, "-");
    else
        run_view_duration(run_view_secs(h, now), buf, size);
    return buf;
}

/* What the OUTPUT column says: the failure, the first line, or the state. */
static const char *run_view_gist(const struct run_view *v, size_t i, char *buf,
                                 size_t size, enum theme_role *role)
{
    const struct run_host *h = run_host(v->run, i);

    *role = ROLE_DIM;
    if (h->state == RUN_FAILED) {
        *role = ROLE_STATUS_ERROR;
        return run_view_line(h->why, strlen(h->why), buf, size);
    }
    if (h->nlines > 0) {
        *role = run_view_stream_role(h->lines[0].stream);
        return run_view_line(h->out.data + h->lines[0].off, h->lines[0].len,
                             buf, size);
    }
    switch (h->state) {
    case RUN_CONNECTING:
        return run_view_line(run_host_status(v->run, i),
                             strlen(run_host_status(v->run, i)), buf, size);
    case RUN_RUNNING:
        return "running, no output yet";
    case RUN_DONE:
        return "no output";
    case RUN_CANCELLED:
        return "cancelled";
    default:
        return "";
    }
}

static void run_view_draw_row(void *arg, size_t row, const struct table_row *tr)
{
    struct run_view *v = arg;
    size_t i = v->rows[row];
    const struct run_host *h = run_host(v->run, i);
    char label[16], num[32], gist[RUN_VIEW_LINE_MAX];
    enum theme_role role;
    const char *text = run_view_gist(v, i, gist, sizeof gist, &role);

    table_cell(tr, RC_STATE, run_view_role(h),
               run_host_label(h, label, sizeof label));
    table_cell(tr, RC_HOST, ROLE_DEFAULT, h->host);
    table_cell(tr, RC_SITE, ROLE_DEFAULT, h->site->name);
    if (h->state == RUN_DONE)
        snprintf(num, sizeof num, "%d", h->status);
    else
        snprintf(num, sizeof num, "-");
    table_cell(tr, RC_EXIT, ROLE_DEFAULT, num);
    table_cell(tr, RC_TIME, ROLE_DEFAULT,
               run_view_took(h, v->app->now, num, sizeof num));
    snprintf(num, sizeof num, "%zu", h->nlines);
    table_cell(tr, RC_LINES, ROLE_DEFAULT, num);
    table_cell(tr, RC_OUTPUT, tr->cursor ? ROLE_DEFAULT : role, text);
}

static int run_view_put(int y, int x, int maxx, enum theme_role role,
                        const char *s)
{
    return x >= maxx ? 0 : draw_text(y, x, maxx - x, role, s);
}

/* " Run (demo: …)  2 ok  1 failed  4.2s  on 3 hosts, all at once: CMD" */
static void run_view_draw_title(struct run_view *v, struct tui_rect r)
{
    static const struct {
        const char *what;
        enum theme_role role;
    } parts[] = {
        { "ok", ROLE_ST_OK },       { "non-zero", ROLE_ST_WARN },
        { "failed", ROLE_ST_CRIT }, { "running", ROLE_FLAG },
        { "queued", ROLE_DIM },     { "cancelled", ROLE_STALE },
    };
    struct run_counts c;
    size_t counts[6], n = run_count(v->run);
    int x = r.x, maxx = r.x + r.w;
    double end = run_ended(v->run) > 0 ? run_ended(v->run) : v->app->now;
    char buf[160], took[32];

    run_counts(v->run, &c);
    counts[0] = c.ok;
    counts[1] = c.nonzero;
    counts[2] = c.failed;
    counts[3] = c.connecting + c.running;
    counts[4] = c.queued;
    counts[5] = c.cancelled;
    draw_fill(r.y, r.x, r.w, ROLE_DEFAULT);
    x += run_view_put(r.y, x, maxx, ROLE_LABEL, " Run ");
    if (v->demo)
        x += run_view_put(r.y, x, maxx, ROLE_STALE,
                          "(demo: run locally with /bin/sh -c) ");
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (counts[i] == 0)
            continue;
        snprintf(buf, sizeof buf, " %zu %s ", counts[i], parts[i].what);
        x += run_view_put(r.y, x, maxx, ROLE_DEFAULT, " ");
        x += run_view_put(r.y, x, maxx, parts[i].role, buf);
    }
    run_view_duration(end - run_started(v->run), took, sizeof took);
    if (n <= (size_t)run_parallel(v->run))
        snprintf(buf, sizeof buf, "  %s%s  on %zu host%s, all at once: ",
                 run_finished(v->run) ? "took " : "", took, n,
                 n == 1 ? "" : "s");
    else
        snprintf(buf, sizeof buf, "  %s%s  on %zu hosts, %d at a time: ",
                 run_finished(v->run) ? "took " : "", took, n,
                 run_parallel(v->run));
    x += run_view_put(r.y, x, maxx, ROLE_DIM, buf);
    run_view_put(r.y, x, maxx, ROLE_DEFAULT, run_command(v->run));
}

/* The pane's first line: whose output, how it ended, where it is logged. */
static void run_view_draw_pane_head(struct run_view *v, struct tui_rect r,
                                    const struct run_host *h, long total)
{
    struct buf head = { 0 };
    char label[16], took[32], pos[64] = "";
    size_t nerr = 0;
    int pw;

    for (size_t i = 0; i < h->nlines; i++)
        nerr += h->lines[i].stream == RUN_STDERR;
    buf_printf(&head, " Output of %s · %s · %s · %zu line%s", h->host,
               run_host_label(h, label, sizeof label),
               run_view_took(h, v->app->now, took, sizeof took), h->nlines,
               h->nlines == 1 ? "" : "s");
    if (nerr > 0)
        buf_printf(&head, " (%zu on stderr)", nerr);
    if (h->truncated)
        buf_puts(&head, " · truncated");
    if (h->log_path != NULL)
        buf_printf(&head, " · log %s", h->log_path);
    if (total > v->pane_h)
        snprintf(pos, sizeof pos, " %ld-%ld of %ld%s ", v->scroll + 1,
                 v->scroll + v->pane_h < total ? v->scroll + v->pane_h : total,
                 total, v->follow ? " (following)" : "");
    pw = text_width(pos);
    draw_cell(r.y, r.x, r.w, ROLE_COLHEAD, "", ALIGN_LEFT);
    draw_text(r.y, r.x, r.w - pw, ROLE_COLHEAD, head.data);
    if (pw > 0 && pw < r.w)
        draw_text(r.y, r.x + r.w - pw, pw, ROLE_COLHEAD, pos);
    buf_free(&head);
}

static const char *run_view_no_output(const struct run_view *v,
                                      const struct run_host *h)
{
    switch (h->state) {
    case RUN_QUEUED:
        return "Queued: waiting for a free slot.";
    case RUN_CONNECTING:
        return run_host_status(v->run, h->index)[0] != '\0'
                   ? run_host_status(v->run, h->index)
                   : "Connecting.";
    case RUN_RUNNING:
        return "Running; no output yet.";
    case RUN_CANCELLED:
        return "Cancelled before any output.";
    default:
        return "No output.";
    }
}

static void run_view_draw_pane(struct run_view *v, struct tui_rect r)
{
    struct tui_rect body = { r.y + 1, r.x + 1, r.h - 1, r.w - 2 };
    const struct run_host *h;
    char line[RUN_VIEW_LINE_MAX];
    long pre, total;

    if (r.h < 2 || r.w < 10)
        return;
    if (v->nrows == 0) {
        draw_cell(r.y, r.x, r.w, ROLE_COLHEAD, " Output", ALIGN_LEFT);
        draw_text(body.y, body.x, body.w, ROLE_DIM, "Nothing selected");
        return;
    }
    h = run_host(v->run, v->cur);
    pre = h->state == RUN_FAILED ? 1 : 0; /* the failure, above any output */
    total = pre + (long)h->nlines;
    v->pane_h = body.h;
    v->scroll_max = total > body.h ? total - body.h : 0;
    if (v->follow || v->scroll > v->scroll_max)
        v->scroll = v->scroll_max;
    run_view_draw_pane_head(v, r, h, total);
    if (total == 0) {
        draw_text(body.y, body.x, body.w, ROLE_DIM, run_view_no_output(v, h));
        return;
    }
    for (int y = 0; y < body.h && v->scroll + y < total; y++) {
        long i = v->scroll + y;
        const struct run_line *l;

        if (i < pre) {
            snprintf(line, sizeof line, "failed: %s", h->why);
            draw_text(body.y + y, body.x, body.w, ROLE_STATUS_ERROR, line);
            continue;
        }
        l = &h->lines[i - pre];
        run_view_line(h->out.data + l->off, l->len, line, sizeof line);
        draw_text(body.y + y, body.x, body.w, run_view_stream_role(l->stream),
                  line);
    }
}

/* The table takes what its rows need, up to two fifths of the area. */
static void run_view_layout(struct run_view *v, struct tui_rect area,
                            struct tui_rect *table, struct tui_rect *pane)
{
    int th = (int)v->nrows + 1, most = area.h * 2 / 5;

    if (most < 3)
        most = 3;
    if (th > most)
        th = most;
    if (th > area.h - RUN_VIEW_MIN_PANE)
        th = area.h - RUN_VIEW_MIN_PANE;
    if (th < 2 || v->full)
        th = 0;
    *table = (struct tui_rect){ area.y, area.x, th, area.w };
    *pane = (struct tui_rect){ area.y + th, area.x, area.h - th, area.w };
}

static void run_view_draw(void *vp, struct tui_rect area)
{
    struct run_view *v = vp;
    struct tui_rect rest, table, pane;

    if (v->run == NULL) {
        draw_cell(area.y + area.h / 3, area.x, area.w, ROLE_DIM,
                  "No command has been run. Mark hosts and type :run CMD",
                  ALIGN_CENTER);
        v->table_rect = v->pane_rect = (struct tui_rect){ 0, 0, 0, 0 };
        return;
    }
    run_view_sync(v);
    run_view_draw_title(v, (struct tui_rect){ area.y, area.x, 1, area.w });
    rest = (struct tui_rect){ area.y + 1, area.x, area.h - 1, area.w };
    run_view_layout(v, rest, &table, &pane);
    v->table_rect = table;
    v->pane_rect = pane;
    if (table.h > 0)
        table_draw(&v->table, table, v->cols, RC_COUNT, v->sort_col,
                   v->sort_desc, run_view_draw_row, NULL, v,
                   "No host matches the filter");
    run_view_draw_pane(v, pane);
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

/* ---- events from the run ---- */

static long run_view_wake_cb(void *arg)
{
    struct run_view *v = arg;

    v->wake = 0;
    app_dirty(v->app);
    return LOOP_STOP;
}

/*
 * Output can come in a torrent: it is drawn with the next frame that is
 * due anyway, and at the latest RUN_VIEW_WAKE_MS later.
 */
static void run_view_touch(struct run_view *v)
{
    v->app->data_dirty = true;
    if (v->wake == 0)
        v->wake =
            loop_add_timer(v->app->loop, RUN_VIEW_WAKE_MS, run_view_wake_cb, v);
}

static void run_view_on_changed(void *arg, struct run *r, size_t i)
{
    (void)r;
    (void)i;
    run_view_touch(arg);
}

static void run_view_on_hostkey(void *arg, struct run *r, size_t i)
{
    struct run_view *v = arg;

    (void)r;
    (void)i;
    run_view_ask_pending(v->app);
    run_view_touch(v);
}

static void run_view_on_done(void *arg, struct run *r)
{
    struct run_view *v = arg;
    struct run_counts c;
    char took[32];

    run_counts(r, &c);
    run_view_duration(run_ended(r) - run_started(r), took, sizeof took);
    app_message(v->app, c.nonzero + c.failed > 0 ? MSG_WARN : MSG_INFO,
                "run finished in %s: %zu ok, %zu non-zero exit, %zu failed",
                took, c.ok, c.nonzero, c.failed);
    run_view_touch(v);
}

/* ---- unknown host keys, one question at a time ---- */

static void run_view_key_answered(struct app *app, struct dialog *d,
                                  enum dialog_result r, void *arg)
{
    struct run_view *v = arg;
    enum bastion_answer a = hostkey_answer(d, r);

    /* The run may have been cancelled or replaced meanwhile. */
    if (v->run != NULL && v->asking_gen == v->gen)
        run_answer_hostkey(v->run, v->asking, a);
    run_view_touch(v);
    run_view_ask_pending(app);
}

static void run_view_ask(struct run_view *v, size_t i)
{
    const struct run_host *h = run_host(v->run, i);
    size_t more = 0;
    char who[300], tail[96] = "";

    for (size_t j = 0; j < run_count(v->run); j++)
        more += j != i && run_host(v->run, j)->key != NULL;
    if (more > 0)
        snprintf(tail, sizeof tail, "\n(%zu more host%s of the run wait%s.)",
                 more, more == 1 ? "" : "s", more == 1 ? "s" : "");
    snprintf(who, sizeof who, "Host %s", h->host);
    v->asking = i;
    v->asking_gen = v->gen;
    app_open_dialog(
        v->app, hostkey_dialog("Unknown host key (:run)", who, h->key, tail),
        run_view_key_answered, v);
}

void run_view_ask_pending(struct app *app)
{
    struct run_view *v = run_view_of(app);

    /* Never over another dialog, a form, a prompt being typed or a shell. */
    if (v == NULL || v->run == NULL || app->mode != MODE_NORMAL ||
        app->dialog != NULL || app->form != NULL || app->shell != NULL)
        return;
    for (size_t i = 0; i < run_count(v->run); i++) {
        if (run_host(v->run, i)->key != NULL) {
            run_view_ask(v, i);
            return;
        }
    }
}

/* ---- :run ---- */

static void run_view_want_free(struct run_view *v)
{
    for (size_t i = 0; i < v->nwant; i++) {
        free(v->want[i].host);
        free(v->want[i].address);
    }
    free(v->want);
    free(v->want_cmd);
    v->want = NULL;
    v->want_cmd = NULL;
    v->nwant = 0;
}

static void run_view_want_add(struct run_view *v, struct site *site,
                              const char *host, const char *address)
{
    v->want = xreallocarray(v->want, v->nwant + 1, sizeof *v->want);
    v->want[v->nwant].site = site;
    v->want[v->nwant].host = xstrdup(host);
    v->want[v->nwant].address =
        address != NULL && address[0] != '\0' ? xstrdup(address) : NULL;
    v->nwant++;
}

/* The hosts of the marked rows (services count as their host), once each. */
static void run_view_want_list(struct run_view *v, struct listview *lv)
{
    struct list_target *t;
    size_t n = listview_targets(lv, &t);
    struct strmap seen;
    char **keys = xcalloc(n > 0 ? n : 1, sizeof *keys);

    strmap_init(&seen, n * 2 + 16);
    for (size_t i = 0; i < n; i++) {
        struct site *s = v->app->sites[t[i].site];
        const struct mc_host *h =
            s->snap != NULL ? snapshot_find_host(s->snap, t[i].host) : NULL;

        keys[i] = xasprintf("%u\t%s", t[i].site, t[i].host);
        if (strmap_put(&seen, keys[i], (uint32_t)i))
            run_view_want_add(v, s, t[i].host, h != NULL ? h->address : NULL);
    }
    strmap_free(&seen);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    listview_targets_free(t, n);
}

static bool run_view_is_demo(const struct site *s)
{
    return s->demo || s->cfg == NULL;
}

static void run_view_start(struct run_view *v)
{
    struct app *app = v->app;
    struct run_cb cb = { run_view_on_hostkey, run_view_on_changed,
                         run_view_on_done, v };
    struct run_spec spec = { 0 };
    struct run_target *t = xcalloc(v->nwant, sizeof *t);
    struct mc_err err = { 0 };
    bool remote = false, demo = false;

    for (size_t i = 0; i < v->nwant; i++) {
        t[i] = (struct run_target){ v->want[i].site, v->want[i].host,
                                    v->want[i].address };
        demo = demo || run_view_is_demo(v->want[i].site);
        remote = remote || !run_view_is_demo(v->want[i].site);
    }
    spec.loop = app->loop;
    spec.command = v->want_cmd;
    spec.parallel = app->opt.run_parallel;
    spec.mode = (enum mc_ssh_mode)app->opt.ssh_mode;
    spec.log_dir = app->opt.ssh_log_dir;
    if (remote && spec.mode == MC_SSH_OPENSSH &&
        (spec.runtime_dir = app_runtime_dir(app, &err)) == NULL) {
        app_message(app, MSG_ERROR, "run: %s", err.msg);
        goto out;
    }
    if (v->run != NULL)
        run_cancel(v->run);
    run_free(v->run);
    v->run = run_new(&spec, t, v->nwant, &cb);
    v->gen++;
    v->demo = demo;
    v->cols[RC_SITE].width = app->nsites > 1 ? run_cols[RC_SITE].width : 0;
    v->cur = 0;
    v->table = (struct table){ 0 };
    v->scroll = v->scroll_max = 0;
    v->follow = v->full = false;
    filter_set(&v->filter, NULL);
    app_switch_view(app, VIEW_RUN);
    app_message(app, MSG_INFO, "run: %s on %zu host%s%s", v->want_cmd, v->nwant,
                v->nwant == 1 ? "" : "s", demo ? " (demo: run locally)" : "");
out:
    free(t);
    run_view_want_free(v);
}

static void run_view_confirmed(struct app *app, struct dialog *d,
                               enum dialog_result r, void *arg)
{
    struct run_view *v = arg;

    if (r == DIALOG_OK && d->sel == 0 && v->nwant > 0) {
        run_view_start(v);
        return;
    }
    run_view_want_free(v);
    app_message(app, MSG_INFO, "run: not started");
}

static void run_view_confirm(struct run_view *v, bool marked, bool again)
{
    static const char *const yes_no[] = { "Yes", "No" };
    struct buf b = { 0 };
    struct run_counts c;
    int par = v->app->opt.run_parallel;
    bool demo = false;

    if (v->nwant == 1)
        buf_printf(&b, "Run `%s` on %s%s?", v->want_cmd, v->want[0].host,
                   marked ? ""
                          : " (the host under the cursor: no host is marked)");
    else if (v->nwant <= (size_t)par)
        buf_printf(&b, "Run `%s` on %zu hosts (all at once)?", v->want_cmd,
                   v->nwant);
    else
        buf_printf(&b, "Run `%s` on %zu hosts (%d at a time)?", v->want_cmd,
                   v->nwant, par);
    if (v->nwant > 1) {
        buf_puts(&b, "\n\n");
        for (size_t i = 0; i < v->nwant && i < RUN_VIEW_NAMES; i++)
            buf_printf(&b, "%s%s", i > 0 ? ", " : "", v->want[i].host);
        if (v->nwant > RUN_VIEW_NAMES)
            buf_printf(&b, " and %zu more", v->nwant - RUN_VIEW_NAMES);
        if (again)
            buf_puts(&b, " (the hosts of the last run)");
    }
    for (size_t i = 0; i < v->nwant; i++)
        demo = demo || run_view_is_demo(v->want[i].site);
    if (demo)
        buf_puts(&b, "\n\ndemo: the command runs locally on this machine "
                     "with /bin/sh -c.");
    if (v->run != NULL && !run_finished(v->run)) {
        run_counts(v->run, &c);
        buf_printf(&b,
                   "\n\nThe run of `%s` still has %zu running and %zu "
                   "queued: they will be cancelled.",
                   run_command(v->run), c.running + c.connecting, c.queued);
    }
    app_open_dialog(v->app,
                    dialog_confirm("Run a command", b.data, yes_no, 2, 1),
                    run_view_confirmed, v);
    buf_free(&b);
}

int run_view_command(struct app *app, const char *cmd)
{
    struct run_view *v = run_view_of(app);
    bool marked = true, again = app->cur == VIEW_RUN;

    while (*cmd == ' ')
        cmd++;
    if (app->opt.readonly) {
        app_message(app, MSG_ERROR,
                    "read-only: :run is disabled (it runs commands on hosts)");
        return -1;
    }
    if (*cmd == '\0') {
        app_message(app, MSG_ERROR,
                    "usage: run COMMAND (on the marked hosts, else the one "
                    "under the cursor)");
        return -1;
    }
    if (v == NULL)
        return -1;
    run_view_want_free(v);
    if (again) { /* from the run view: the same hosts again */
        for (size_t i = 0; v->run != NULL && i < run_count(v->run); i++)
            run_view_want_add(v, run_host(v->run, i)->site,
                              run_host(v->run, i)->host,
                              run_host(v->run, i)->address);
    } else if (app->cur == VIEW_HOSTS || app->cur == VIEW_ALERTS) {
        struct listview *lv = app->views[app->cur].state;

        marked = lv->nmarks > 0;
        run_view_want_list(v, lv);
    }
    if (v->nwant == 0) {
        app_message(app, MSG_WARN,
                    "run: no host to run on (mark hosts with Space in the "
                    "hosts or alerts view)");
        return -1;
    }
    v->want_cmd = xstrdup(cmd);
    /* One host marked on purpose, nothing to replace: no question. */
    if (v->nwant == 1 && marked && !again &&
        (v->run == NULL || run_finished(v->run)))
        run_view_start(v);
    else
        run_view_confirm(v, marked, again);
    return 0;
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
