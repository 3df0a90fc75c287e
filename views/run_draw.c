/*
 * Drawing the run view: a title line with the run's counts and command,
 * the table of hosts (the site column only with several sites) and the
 * output pane of the host under the cursor.
 */
#include <stdio.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/run.h"
#include "backend/site.h"
#include "tui/table.h"
#include "tui/text.h"
#include "views/app.h"
#include "views/format.h"
#include "views/run_int.h"

#define RUN_VIEW_LINE_MAX 4096 /* bytes of one line as shown */
#define RUN_VIEW_MIN_PANE 4    /* output lines kept below the table */

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
char *run_view_duration(double secs, char *buf, size_t size)
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

void run_view_draw(void *vp, struct tui_rect area)
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
