/*
 * Drawing the logs view: a title line (site, index pattern, backend,
 * range, hits, follow, age), the query bar, a line for an error or a
 * warning when there is one, the histogram of hits over the range, and
 * the table of hits newest first. Text from documents goes through the
 * draw_* sanitiser, one line of it per cell.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend/logs_client.h"
#include "backend/site.h"
#include "backend/xalloc.h"
#include "tui/sparkline.h"
#include "tui/text.h"
#include "views/format.h"
#include "views/logs_int.h"

#define LOGS_CELL_MAX 2048 /* bytes of a document's text in one cell */

enum logs_level logs_level_of(const char *level, const char **label)
{
    static const struct {
        const char *name;
        enum logs_level level;
        const char *label;
    } map[] = {
        { "fatal", LOGS_LV_ERROR, "FATAL" },
        { "panic", LOGS_LV_ERROR, "FATAL" },
        { "emerg", LOGS_LV_ERROR, "CRIT" },
        { "emergency", LOGS_LV_ERROR, "CRIT" },
        { "alert", LOGS_LV_ERROR, "CRIT" },
        { "crit", LOGS_LV_ERROR, "CRIT" },
        { "critical", LOGS_LV_ERROR, "CRIT" },
        { "severe", LOGS_LV_ERROR, "ERROR" },
        { "error", LOGS_LV_ERROR, "ERROR" },
        { "err", LOGS_LV_ERROR, "ERROR" },
        { "warning", LOGS_LV_WARN, "WARN" },
        { "warn", LOGS_LV_WARN, "WARN" },
        { "notice", LOGS_LV_INFO, "INFO" },
        { "info", LOGS_LV_INFO, "INFO" },
        { "informational", LOGS_LV_INFO, "INFO" },
        { "debug", LOGS_LV_DEBUG, "DEBUG" },
        { "trace", LOGS_LV_DEBUG, "TRACE" },
        { "verbose", LOGS_LV_DEBUG, "DEBUG" },
        { "fine", LOGS_LV_DEBUG, "DEBUG" },
    };
    /* syslog severities 0..7 */
    static const enum logs_level sev_level[8] = {
        LOGS_LV_ERROR, LOGS_LV_ERROR, LOGS_LV_ERROR, LOGS_LV_ERROR,
        LOGS_LV_WARN,  LOGS_LV_INFO,  LOGS_LV_INFO,  LOGS_LV_DEBUG
    };
    static const char *const sev_label[8] = { "CRIT", "CRIT", "CRIT", "ERROR",
                                              "WARN", "INFO", "INFO", "DEBUG" };

    if (label != NULL)
        *label = level != NULL ? level : "";
    if (level == NULL)
        return LOGS_LV_NONE;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(level, map[i].name) == 0) {
            if (label != NULL)
                *label = map[i].label;
            return map[i].level;
        }
    if (level[0] >= '0' && level[0] <= '7' && level[1] == '\0') {
        if (label != NULL)
            *label = sev_label[level[0] - '0'];
        return sev_level[level[0] - '0'];
    }
    return LOGS_LV_NONE;
}

static enum theme_role logs_level_role(enum logs_level l, enum theme_role base)
{
    switch (l) {
    case LOGS_LV_ERROR:
        return ROLE_ST_CRIT;
    case LOGS_LV_WARN:
        return ROLE_ST_WARN;
    case LOGS_LV_DEBUG:
        return base == ROLE_DEFAULT ? ROLE_DIM : base;
    default:
        return base;
    }
}

char *logs_format_time(double t, bool date, char *buf, size_t size)
{
    long long ms;
    time_t s;
    struct tm tm;
    char hms[32];

    if (isnan(t) || t <= 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    ms = llround(t * 1000);
    s = (time_t)(ms / 1000);
    localtime_r(&s, &tm);
    strftime(hms, sizeof hms, date ? "%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03lld", hms, ms % 1000);
    return buf;
}

char *logs_thousands(long long n, char *buf, size_t size)
{
    char digits[32];
    size_t len, o = 0;

    len = (size_t)snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
    if (n < 0 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The text of s up to its first line break, at most size - 1 bytes. */
static const char *logs_first_line(const char *s, char *buf, size_t size)
{
    size_t n = strcspn(s, "\r\n");

    if (n >= size) { /* cut before a character, not inside one */
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static bool logs_same_day(double a, double b)
{
    time_t ta = (time_t)a, tb = (time_t)b;
    struct tm x, y;

    localtime_r(&ta, &x);
    localtime_r(&tb, &y);
    return x.tm_year == y.tm_year && x.tm_yday == y.tm_yday;
}

/* ---- title, query bar, notice, histogram ---- */

static void logs_range_text(const struct logs_view *v,
                            const struct logs_page *p, char *buf, size_t size)
{
    const char *arrow = text_utf8() ? "\u2192" : "->";
    char a[32], b[32];

    if (strncmp(v->gte, "now-", 4) == 0 && strcmp(v->lte, "now") == 0 &&
        strspn(v->gte + 4, "0123456789smhdwMyH") == strlen(v->gte + 4))
        snprintf(buf, size, "last %s", v->gte + 4);
    else if (p->from > 0 && p->to > 0)
        snprintf(buf, size, "%s %s %s", format_time(p->from, a, sizeof a),
                 arrow,
                 format_time(p->to, b, sizeof b) +
                     (logs_same_day(p->from, p->to) ? 11 : 0));
    else
        snprintf(buf, size, "%s %s %s", v->gte, arrow, v->lte);
}

static void logs_hits_text(const struct logs_page *p, char *buf, size_t size)
{
    char n[32];

    if (p->status == LOGS_IDLE)
        snprintf(buf, size, "no search yet");
    else if (p->status == LOGS_LOADING && p->nhits == 0)
        snprintf(buf, size, "searching…");
    else if (p->status == LOGS_ERROR && p->nhits == 0)
        snprintf(buf, size, "no answer");
    else if (p->total < 0)
        snprintf(buf, size, "%s loaded",
                 logs_thousands((long long)p->nhits, n, sizeof n));
    else
        snprintf(buf, size, "%s%s hit%s",
                 p->total_gte ? (text_utf8() ? "\u2265" : ">=") : "",
                 logs_thousands(p->total, n, sizeof n),
                 p->total == 1 && !p->total_gte ? "" : "s");
}

static void logs_draw_title(struct logs_view *v, const struct logs_page *p,
                            int y, int x, int w)
{
    char range[96], hits[48], right[64], age[32];
    enum theme_role rrole = ROLE_DIM;
    int cx, rw;

    draw_fill(y, x, w, ROLE_DEFAULT);
    logs_range_text(v, p, range, sizeof range);
    logs_hits_text(p, hits, sizeof hits);
    right[0] = '\0';
    if (p->loading_more)
        snprintf(right, sizeof right, "loading older…");
    else if (p->status == LOGS_LOADING)
        snprintf(right, sizeof right, "searching…");
    else if ((p->stale || p->status == LOGS_ERROR) && p->fetched > 0) {
        snprintf(right, sizeof right, "stale %s",
                 format_age(p->fetched, v->app->now, age, sizeof age));
        rrole = ROLE_STALE;
    } else if (p->fetched > 0)
        snprintf(right, sizeof right, "%s ago",
                 format_age(p->fetched, v->app->now, age, sizeof age));
    rw = right[0] != '\0' ? text_width(right) + 2 : 0;
    cx = x + draw_printf(y, x, w - rw, ROLE_LABEL, " %s · %s · %s · %s · %s",
                         v->site->name, logs_client_index(v->site->logs),
                         logs_client_describe(v->site->logs), range, hits);
    if (p->following && cx < x + w - rw)
        cx += draw_text(y, cx, x + w - rw - cx, ROLE_ST_OK,
                        text_utf8() ? " · \u25cf following" : " · following");
    if (p->fresh > 0 && v->table.cur > 0 && cx < x + w - rw) {
        char n[32], buf[64];

        snprintf(buf, sizeof buf, " %s%s new ", text_utf8() ? "\u2191 " : "^",
                 logs_thousands((long long)p->fresh, n, sizeof n));
        cx += draw_text(y, cx + 1, x + w - rw - cx - 1, ROLE_ST_WARN, buf);
    }
    if (rw > 0)
        draw_text(y, x + w - rw + 1, rw - 1, rrole, right);
}

static void logs_draw_query(struct logs_view *v, int y, int x, int w)
{
    struct app *app = v->app;
    int lw;

    v->query_rect = (struct tui_rect){ y, x, 1, w };
    draw_fill(y, x, w, ROLE_DEFAULT);
    lw = draw_printf(y, x, w, ROLE_TAB_ACTIVE, " %s ",
                     v->syntax == ES_KQL ? "KQL" : "Lucene") +
         1;
    if (app->mode == MODE_EDIT && app->edit_arg == v) {
        app->edit_cy = y;
        app->edit_cx =
            lineedit_draw(&app->edit, y, x + lw, w - lw, ROLE_PROMPT);
    } else if (v->text == NULL || v->text[0] == '\0') {
        draw_text(y, x + lw, w - lw, ROLE_DIM,
                  "every document (/ types a query)");
    } else {
        draw_text(y, x + lw, w - lw, ROLE_DEFAULT, v->text);
    }
}

/* An error or a warning to show under the query bar; false if none. */
static bool logs_notice(const struct logs_view *v, const struct logs_page *p,
                        char *buf, size_t size, enum theme_role *role)
{
    *role = ROLE_STATUS_WARN;
    if (p->retry_at > v->app->now) {
        snprintf(buf, size, "429: retrying in %.0f s",
                 ceil(p->retry_at - v->app->now));
        return true;
    }
    if (p->status == LOGS_ERROR && p->err[0] != '\0') {
        *role = ROLE_STATUS_ERROR;
        snprintf(buf, size, "%s%s", p->err,
                 p->nhits > 0 ? "  (the hits below are from before)" : "");
        return true;
    }
    if (p->no_index) {
        snprintf(buf, size, "no index matches %s (the pattern matched nothing)",
                 logs_client_index(v->site->logs));
        return true;
    }
    if (p->warn[0] != '\0') {
        snprintf(buf, size, "%s", p->warn);
        return true;
    }
    return false;
}

/* A bucket's length: "30s", "5m", "3h", "1d"; else as format_duration. */
static char *logs_span(double secs, char *buf, size_t size)
{
    long n = lround(secs);

    if (n > 0 && n % 86400 == 0)
        snprintf(buf, size, "%ldd", n / 86400);
    else if (n > 0 && n % 3600 == 0)
        snprintf(buf, size, "%ldh", n / 3600);
    else if (n > 0 && n % 60 == 0)
        snprintf(buf, size, "%ldm", n / 60);
    else
        format_duration(secs, buf, size);
    return buf;
}

/* Hits per bucket over the range, stretched or merged to fill the line. */
static void logs_draw_histogram(const struct logs_page *p, int y, int x, int w)
{
    size_t n = p->nbuckets, m;
    double *cell, max = 0;
    char right[64], num[32], per[32];
    int lw;

    draw_fill(y, x, w, ROLE_DEFAULT);
    lw = draw_text(y, x, w, ROLE_LABEL, " hits ");
    if (n == 0) {
        draw_text(y, x + lw, w - lw, ROLE_DIM,
                  p->status == LOGS_LOADING ? "…" : "no histogram");
        return;
    }
    if (w - lw - 26 < 8)
        return;
    m = (size_t)(w - lw - 26); /* 26: room for the label on the right */
    cell = xcalloc(m, sizeof *cell);
    for (size_t i = 0; i < m; i++) {
        size_t a = i * n / m, b = (i + 1) * n / m;

        if (n <= m) /* stretched: a bucket over several cells */
            cell[i] = (double)p->buckets[a].count;
        else /* merged buckets add up */
            for (size_t j = a; j < b; j++)
                cell[i] += (double)p->buckets[j].count;
        if (cell[i] > max)
            max = cell[i];
    }
    snprintf(right, sizeof right, "max %s per %s",
             logs_thousands((long long)max, num, sizeof num),
             logs_span(n <= m ? p->bucket_secs
                              : p->bucket_secs * (double)n / (double)m,
                       per, sizeof per));
    for (size_t i = 0; i < m; i++)
        if (cell[i] == 0)
            cell[i] = NAN; /* nothing: a gap, not the lowest bar */
    sparkline_draw(y, x + lw, (int)m, ROLE_SPARK, cell, m, 0, max,
                   text_utf8() ? SPARK_BLOCK : SPARK_ASCII);
    draw_text(y, x + lw + (int)m + 2, 24, ROLE_DIM, right);
    free(cell);
}

/* ---- the table ---- */

static void logs_draw_row(void *arg, size_t row, const struct table_row *tr)
{
    struct logs_view *v = arg;
    const struct logs_page *p = logs_client_page(v->site->logs);
    const struct es_hit *h = &p->hits[row];
    bool stale = p->stale || p->status == LOGS_ERROR;
    enum theme_role base = !tr->cursor && stale ? ROLE_DIM : ROLE_DEFAULT;
    enum logs_level level = logs_level_of(h->level, NULL);
    char buf[LOGS_CELL_MAX];
    const char *label;

    if (isnan(h->time) && h->time_text != NULL)
        logs_first_line(h->time_text, buf, sizeof buf);
    else
        logs_format_time(h->time, v->wide_time, buf, sizeof buf);
    table_cell(tr, LC_TIME, base, buf);
    table_cell(tr, LC_HOST, base,
               h->host != NULL ? logs_first_line(h->host, buf, sizeof buf)
                               : "-");
    logs_level_of(h->level, &label);
    table_cell(tr, LC_LEVEL,
               level == LOGS_LV_DEBUG && tr->cursor
                   ? ROLE_DEFAULT
                   : logs_level_role(level, base),
               logs_first_line(label, buf, sizeof buf));
    if (h->message != NULL)
        table_cell(tr, LC_MESSAGE, base,
                   logs_first_line(h->message, buf, sizeof buf));
    else /* no message field: the document itself */
        table_cell(tr, LC_MESSAGE, tr->cursor ? ROLE_DEFAULT : ROLE_DIM,
                   logs_first_line(h->source != NULL ? h->source : "", buf,
                                   sizeof buf));
}

static const char *logs_empty_text(const struct logs_view *v,
                                   const struct logs_page *p, char *buf,
                                   size_t size)
{
    switch (p->status) {
    case LOGS_IDLE:
        return "No search yet: / types a query";
    case LOGS_LOADING:
        return "Searching…";
    case LOGS_ERROR:
        return "The search failed: the reason is above";
    default:
        break;
    }
    if (p->no_index) {
        snprintf(buf, size, "no index matches %s (the pattern matched nothing)",
                 logs_client_index(v->site->logs));
        return buf;
    }
    return "No documents match in this range";
}

/* Under the last row, when there is room: what comes after it. */
static void logs_draw_end(const struct logs_view *v, const struct logs_page *p,
                          struct tui_rect r)
{
    int y = r.y + 1 + (int)(p->nhits - v->table.top);

    if (p->nhits == 0 || y >= r.y + r.h)
        return;
    draw_cell(y, r.x, r.w, ROLE_DIM,
              p->loading_more ? "loading older…"
              : p->more       ? "End loads older documents"
                              : "end of the results",
              ALIGN_CENTER);
}

static void logs_draw_table(struct logs_view *v, const struct logs_page *p,
                            struct tui_rect r)
{
    char empty[256];

    v->wide_time =
        !(p->from > 0 && p->to > 0 && logs_same_day(p->from, p->to) &&
          logs_same_day(p->to, v->app->now));
    v->cols[LC_TIME].width = v->wide_time ? 18 : 12;
    v->table_rect = r;
    table_draw(&v->table, r, v->cols, LC_COUNT, -1, false, logs_draw_row, NULL,
               v, logs_empty_text(v, p, empty, sizeof empty));
    logs_draw_end(v, p, r);
}

void logs_draw(void *vv, struct tui_rect area)
{
    struct logs_view *v = vv;
    const struct logs_page *p = logs_sync(v);
    const struct es_hit *h = logs_cursor_hit(v, p);
    struct tui_rect r = area;
    char notice[768];
    enum theme_role role;

    v->table_rect = v->query_rect = (struct tui_rect){ 0, 0, 0, 0 };
    if (v->site == NULL) {
        draw_text(area.y + 1, area.x + 1, area.w - 2, ROLE_DIM,
                  "No search yet: press L on a host or an alert, / to type a "
                  "query, or :logs QUERY");
        return;
    }
    if (p == NULL) {
        draw_printf(area.y + 1, area.x + 1, area.w - 2, ROLE_STATUS_WARN,
                    "site %s has no log search (set elastic_url or "
                    "kibana_url)",
                    v->site->name);
        return;
    }
    logs_draw_title(v, p, r.y, r.x, r.w);
    r.y++;
    r.h--;
    if (v->detail && h != NULL) {
        logs_doc_draw(v, h, r);
        return;
    }
    v->detail = false;
    logs_draw_query(v, r.y, r.x, r.w);
    r.y++;
    r.h--;
    if (logs_notice(v, p, notice, sizeof notice, &role) && r.h > 3) {
        draw_fill(r.y, r.x, r.w, ROLE_DEFAULT);
        draw_text(r.y, r.x + 1, r.w - 1, role, notice);
        r.y++;
        r.h--;
    }
    if (r.h > 3) {
        logs_draw_histogram(p, r.y, r.x, r.w);
        r.y++;
        r.h--;
    }
    logs_draw_table(v, p, r);
}
