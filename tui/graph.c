/* Graph panels: labelled multi-row charts of a graph's series. */
#include "graph.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/text.h"

#define GRAPH_LABEL_W    18 /* widest series label */
#define GRAPH_LABEL_MIN  8  /* the label's width before it goes */
#define GRAPH_MIN_CHART  10 /* stats and label give way below this */
#define GRAPH_MIN_TITLE  12 /* the cursor time and note give way below this */
#define GRAPH_READOUT_W  9  /* "at " and the widest value */
#define GRAPH_STATS_KEPT 16 /* series whose stats the layout keeps */

enum graph_stat { GS_MIN, GS_AVG, GS_MAX, GS_LAST, GS_COUNT };

static const char *const graph_stat_label[GS_COUNT] = { "min", "avg", "max",
                                                        "last" };
static const enum theme_role graph_series_role[] = { ROLE_SERIES1, ROLE_SERIES2,
                                                     ROLE_SERIES3,
                                                     ROLE_SERIES4 };

/* Where things go on a panel's series rows; see graph_layout(). */
struct graph_layout {
    enum spark_style style;
    int rows;             /* chart rows per series */
    int label_w;          /* 0: no labels */
    int chart_x, chart_w; /* chart_w 0: no chart */
    int stats_x;          /* the stats end at the right edge */
    int stats_n;          /* GS_COUNT, 1 (last only) or 0 */
    int stats_lines;      /* lines the stats take: 1 or 2 */
    int vw;               /* width of the value columns */
    int col_w[GS_COUNT];  /* label width of each stats column */
    size_t total;         /* points on the time axis */
    struct graph_stats st[GRAPH_STATS_KEPT]; /* of the first series */
};

/* Digits for a in [1, 1000) with 3 significant; -1 when it rounds to 1000. */
static int graph_decimals(double a)
{
    return a < 9.995 ? 2 : a < 99.95 ? 1 : a < 999.5 ? 0 : -1;
}

/* Beyond the prefixes: one digit and the exponent, "1e21", "-1e-12". */
static void graph_format_exp(double v, char *buf, size_t size)
{
    double a = fabs(v);
    int x = (int)floor(log10(a));
    double m = a / pow(10, x);

    if (m >= 9.5) { /* rounds up to the next power */
        m /= 10;
        x++;
    }
    snprintf(buf, size, "%s%.0fe%d", v < 0 ? "-" : "", m, x);
}

char *graph_format_value(double v, char *buf, size_t size)
{
    static const char big[] = " kMGTPE", small[] = "mun";
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    int e = 0, d;

    if (isnan(v))
        snprintf(buf, size, "-");
    else if (isinf(v))
        snprintf(buf, size, "%sinf", sign);
    else if (a < 1e-99) /* 0, or too small to tell from it in 6 columns */
        snprintf(buf, size, "0");
    else if (a >= 0.995) {
        while ((d = graph_decimals(a)) < 0 && e < 6) {
            a /= 1000;
            e++;
        }
        if (d < 0)
            graph_format_exp(v, buf, size);
        else if (e == 0)
            snprintf(buf, size, "%s%.*f", sign, d, a);
        else
            snprintf(buf, size, "%s%.*f%c", sign, d, a, big[e]);
    } else if (a >= 0.00995) {
        snprintf(buf, size, "%s%.2f", sign, a); /* 0.62 reads better */
    } else {
        while (a < 0.995 && e < 3) {
            a *= 1000;
            e++;
        }
        d = graph_decimals(a);
        if (a < 0.995)
            graph_format_exp(v, buf, size);
        else
            snprintf(buf, size, "%s%.*f%c", sign, d < 0 ? 0 : d, a,
                     small[e - 1]);
    }
    return buf;
}

char *graph_format_time(long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (localtime_r(&tt, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, size, "-");
    return buf;
}

void graph_stats(const double *v, size_t n, struct graph_stats *st)
{
    double sum = 0;

    st->min = st->avg = st->max = st->last = NAN;
    st->known = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (st->known == 0 || v[i] < st->min)
            st->min = v[i];
        if (st->known == 0 || v[i] > st->max)
            st->max = v[i];
        sum += v[i];
        st->last = v[i];
        st->known++;
    }
    if (st->known > 0)
        st->avg = sum / (double)st->known;
}

int graph_slots_per_cell(enum spark_style style)
{
    return style == SPARK_BRAILLE ? 2 : 1;
}

void graph_bucket(const double *v, size_t n, size_t total, size_t m,
                  double *slot)
{
    if (total < n)
        total = n;
    for (size_t j = 0; j < m; j++)
        slot[j] = NAN;
    if (total == 0 || m == 0)
        return;
    if (total <= m) {
        for (size_t i = 0; i < n; i++)
            slot[m - total + i] = v[i];
        return;
    }
    for (size_t j = 0; j < m; j++) {
        size_t a = (size_t)((unsigned long long)j * total / m);
        size_t b = (size_t)((unsigned long long)(j + 1) * total / m);
        double sum = 0;
        size_t k = 0;

        for (size_t i = a; i < b && i < n; i++) {
            if (isfinite(v[i])) {
                sum += v[i];
                k++;
            }
        }
        if (k > 0)
            slot[j] = sum / (double)k;
    }
}

bool graph_scale(const double *v, size_t n, double *lo, double *hi)
{
    struct graph_stats st;

    graph_stats(v, n, &st);
    if (st.known == 0) {
        *lo = *hi = 0;
        return false;
    }
    *lo = st.min >= 0 ? 0 : st.min;
    *hi = st.max;
    return true;
}

int graph_level(double x, double lo, double hi, int levels)
{
    double f;
    int l;

    if (!isfinite(x))
        return 0;
    if (hi > lo)
        f = (x - lo) / (hi - lo);
    else
        f = x == 0 ? 0 : 0.5;
    l = 1 + (int)floor(f * (levels - 1) + 0.5);
    return l < 1 ? 1 : l > levels ? levels : l;
}

/* Levels one text row holds. */
static int graph_row_levels(enum spark_style style, int rows)
{
    if (style == SPARK_BRAILLE)
        return 4;
    if (style == SPARK_BLOCK || rows == 1)
        return 8;
    return 3;
}

int graph_levels(enum spark_style style, int rows)
{
    return rows * graph_row_levels(style, rows);
}

static int graph_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The glyph of a cell row whose bottom is level base + 1. */
static uint32_t graph_glyph(enum spark_style style, int rows, int la, int lb,
                            int base)
{
    /* Braille dots filled from the bottom: left column, right column. */
    static const uint8_t left[] = { 0, 0x40, 0x44, 0x46, 0x47 };
    static const uint8_t right[] = { 0, 0x80, 0xA0, 0xB0, 0xB8 };
    static const char ramp[] = "_.,-~=*#", stack[] = ".:|";
    int unit = graph_row_levels(style, rows);
    int ka = la == 0 ? 0 : graph_clamp(la - base, 0, unit);
    int kb = lb == 0 ? 0 : graph_clamp(lb - base, 0, unit);

    if (style == SPARK_BRAILLE)
        return (ka || kb) ? 0x2800u + left[ka] + right[kb] : ' ';
    if (ka == 0)
        return ' ';
    if (style == SPARK_BLOCK)
        return 0x2580u + (uint32_t)ka; /* U+2581..U+2588 */
    return (uint32_t)(rows == 1 ? ramp[la - 1] : stack[ka - 1]);
}

void graph_render(const double *v, size_t n, size_t total, double lo, double hi,
                  int w, int rows, enum spark_style style, uint32_t *grid)
{
    double slot[2 * GRAPH_MAX_W];
    int per = graph_slots_per_cell(style), levels, unit;

    if (w > GRAPH_MAX_W)
        w = GRAPH_MAX_W;
    rows = graph_clamp(rows, 1, GRAPH_MAX_ROWS);
    if (w <= 0)
        return;
    graph_bucket(v, n, total, (size_t)w * (size_t)per, slot);
    if (isnan(lo) || isnan(hi))
        graph_scale(slot, (size_t)w * (size_t)per, &lo, &hi);
    levels = graph_levels(style, rows);
    unit = graph_row_levels(style, rows);
    for (int c = 0; c < w; c++) {
        int la = graph_level(slot[c * per], lo, hi, levels);
        int lb = per == 2 ? graph_level(slot[c * per + 1], lo, hi, levels) : 0;

        for (int r = 0; r < rows; r++)
            grid[r * w + c] =
                graph_glyph(style, rows, la, lb, (rows - 1 - r) * unit);
    }
}

int graph_point_to_cell(size_t i, size_t total, int w, enum spark_style style)
{
    size_t per = (size_t)graph_slots_per_cell(style);
    size_t m = (size_t)(w > 0 ? w : 0) * per, s;

    if (m == 0 || i >= total)
        return -1;
    if (total <= m)
        s = m - total + i;
    else /* the slot j with j*total/m <= i < (j+1)*total/m */
        s = (size_t)(((unsigned long long)(i + 1) * m - 1) / total);
    return (int)(s / per);
}

long graph_cell_to_point(int c, size_t total, int w, enum spark_style style)
{
    size_t per = (size_t)graph_slots_per_cell(style);
    size_t m = (size_t)(w > 0 ? w : 0) * per, s;

    if (c < 0 || c >= w || total == 0)
        return -1;
    s = (size_t)c * per + per - 1; /* the cell's newest slot */
    if (total <= m)
        return s < m - total ? -1 : (long)(s - (m - total));
    return (long)((unsigned long long)(s + 1) * total / m) - 1;
}

size_t graph_panel_points(const struct graph_panel *p)
{
    size_t total = 0;

    for (size_t s = 0; s < p->nseries; s++)
        if (p->series[s].n > total)
            total = p->series[s].n;
    return total;
}

static int graph_rows(const struct graph_panel *p)
{
    return graph_clamp(p->chart_rows, 1, GRAPH_MAX_ROWS);
}

int graph_panel_height(const struct graph_panel *p)
{
    size_t lines = p->nseries * (size_t)graph_rows(p);

    if (lines == 0)
        lines = 1; /* "no data" or the error */
    return lines >= INT_MAX ? INT_MAX : 1 + (int)lines;
}

static enum spark_style graph_style(const struct graph_panel *p)
{
    return text_utf8() ? p->style : SPARK_ASCII;
}

static int graph_value_width(double v)
{
    char b[GRAPH_VALUE_MAX];

    return (int)strlen(graph_format_value(v, b, sizeof b));
}

static double graph_stat_value(const struct graph_stats *st, int k)
{
    return k == GS_MIN   ? st->min
           : k == GS_AVG ? st->avg
           : k == GS_MAX ? st->max
                         : st->last;
}

/*
 * Width of the stats: all four in g->stats_lines lines, or "last" only
 * (nstats 1, wide enough for the cursor's readout too). col_w gets the
 * label width of each column.
 */
static int graph_stats_width(const struct graph_layout *g, int nstats,
                             int *col_w)
{
    int per_line = GS_COUNT / g->stats_lines, w = 0;

    if (nstats == 1) {
        col_w[0] = (int)strlen(graph_stat_label[GS_LAST]);
        w = col_w[0] + 1 + g->vw;
        return w > GRAPH_READOUT_W ? w : GRAPH_READOUT_W;
    }
    for (int c = 0; c < per_line; c++) {
        col_w[c] = 0;
        for (int l = 0; l < g->stats_lines; l++) {
            int lw = (int)strlen(graph_stat_label[l * per_line + c]);

            col_w[c] = lw > col_w[c] ? lw : col_w[c];
        }
        w += (c > 0 ? 2 : 0) + col_w[c] + 1 + g->vw;
    }
    return w;
}

/* Value width and label width over all series; keeps the first stats. */
static void graph_measure(const struct graph_panel *p, struct graph_layout *g,
                          int *label)
{
    g->vw = 1;
    *label = 0;
    for (size_t s = 0; s < p->nseries; s++) {
        const struct graph_series *se = &p->series[s];
        struct graph_stats st;
        int tw = se->name != NULL ? text_width(se->name) : 0;

        graph_stats(se->v, se->n, &st);
        if (s < GRAPH_STATS_KEPT)
            g->st[s] = st;
        for (int k = 0; k < GS_COUNT; k++) {
            int vw = graph_value_width(graph_stat_value(&st, k));

            g->vw = vw > g->vw ? vw : g->vw;
        }
        *label = tw > *label ? tw : *label;
    }
    *label = *label > GRAPH_LABEL_W ? GRAPH_LABEL_W : *label;
}

/*
 * Lay out the series rows in r.w columns: label, chart, stats at the right
 * edge. While the chart would be narrower than GRAPH_MIN_CHART, the stats
 * shrink to "last" and go, then the label shrinks and goes. Nothing here
 * depends on the cursor, so moving it never shifts the chart.
 */
static void graph_layout(struct tui_rect r, const struct graph_panel *p,
                         struct graph_layout *g)
{
    enum { LABEL_FULL, LABEL_SHORT, LABEL_NONE };
    static const struct {
        int stats, label;
    } steps[] = { { GS_COUNT, LABEL_FULL },
                  { 1, LABEL_FULL },
                  { 0, LABEL_FULL },
                  { 0, LABEL_SHORT },
                  { 0, LABEL_NONE } };
    int label, full_w, last_w;
    int full_cols[GS_COUNT] = { 0 }, last_cols[GS_COUNT] = { 0 };

    memset(g, 0, sizeof *g);
    g->style = graph_style(p);
    g->rows = graph_rows(p);
    g->stats_lines = g->rows >= 2 ? 2 : 1;
    g->total = graph_panel_points(p);
    graph_measure(p, g, &label);
    full_w = graph_stats_width(g, GS_COUNT, full_cols);
    last_w = graph_stats_width(g, 1, last_cols);
    for (size_t t = 0; t < sizeof steps / sizeof steps[0]; t++) {
        int lw = steps[t].label == LABEL_FULL ? label
                 : steps[t].label == LABEL_SHORT
                     ? (label < GRAPH_LABEL_MIN ? label : GRAPH_LABEL_MIN)
                     : 0;
        int sw = steps[t].stats == GS_COUNT ? full_w
                 : steps[t].stats == 1      ? last_w
                                            : 0;
        int cw = r.w - (lw ? lw + 1 : 0) - (sw ? sw + 1 : 0);

        if (cw >= GRAPH_MIN_CHART || steps[t].label == LABEL_NONE) {
            g->label_w = lw;
            g->stats_n = steps[t].stats;
            memcpy(g->col_w, steps[t].stats == GS_COUNT ? full_cols : last_cols,
                   sizeof g->col_w);
            g->chart_x = r.x + (lw ? lw + 1 : 0);
            g->chart_w = cw < 0 ? 0 : cw > GRAPH_MAX_W ? GRAPH_MAX_W : cw;
            g->stats_x = r.x + r.w - sw;
            return;
        }
    }
}

int graph_panel_chart_width(struct tui_rect r, const struct graph_panel *p)
{
    struct graph_layout g;

    graph_layout(r, p, &g);
    return g.chart_w;
}

long graph_panel_point_at(struct tui_rect r, const struct graph_panel *p, int x)
{
    struct graph_layout g;

    graph_layout(r, p, &g);
    if (x < g.chart_x || x >= g.chart_x + g.chart_w)
        return -1;
    return graph_cell_to_point(x - g.chart_x, g.total, g.chart_w, g.style);
}

long graph_panel_move_cursor(struct tui_rect r, const struct graph_panel *p,
                             long cursor, int cells)
{
    struct graph_layout g;
    int c;
    long q;

    graph_layout(r, p, &g);
    if (g.total == 0 || g.chart_w == 0)
        return -1;
    if (cursor < 0 || (size_t)cursor >= g.total)
        return (long)g.total - 1;
    c = graph_point_to_cell((size_t)cursor, g.total, g.chart_w, g.style);
    c = graph_clamp(c + cells, 0, g.chart_w - 1);
    q = graph_cell_to_point(c, g.total, g.chart_w, g.style);
    /* Cells left of right-aligned data are empty: stop at the oldest. */
    while (q < 0 && c < g.chart_w - 1)
        q = graph_cell_to_point(++c, g.total, g.chart_w, g.style);
    return q;
}

/* Title, units, then at the right the cursor's time and the note. */
static void graph_draw_title(struct tui_rect r, const struct graph_panel *p,
                             const struct graph_layout *g)
{
    enum theme_role role = p->focused ? ROLE_GRAPH_FOCUS : ROLE_GRAPH_TITLE;
    char when[GRAPH_TIME_MAX];
    int nw = p->note ? text_width(p->note) : 0, tw = 0, avail = r.w, used;

    if (p->cursor >= 0 && (size_t)p->cursor < g->total) {
        graph_format_time(p->start + (long long)p->cursor * p->step, when,
                          sizeof when);
        tw = (int)strlen(when);
    }
    if (nw > 0 && avail - nw - 2 >= GRAPH_MIN_TITLE) {
        avail -= nw + 2;
        draw_text(r.y, r.x + r.w - nw, nw, p->note_role, p->note);
    }
    if (tw > 0 && avail - tw - 2 >= GRAPH_MIN_TITLE) {
        avail -= tw + 2;
        draw_text(r.y, r.x + avail + 2, tw, ROLE_CURSOR, when);
    }
    used = draw_text(r.y, r.x, avail, role, p->title);
    if (p->units != NULL && avail - used - 2 >= 4)
        draw_text(r.y, r.x + used + 2, avail - used - 2, ROLE_DIM, p->units);
}

/* One stats entry: a dim label padded to lw, then the value in vw. */
static void graph_draw_stat(int y, int x, int lw, int vw, const char *label,
                            double v)
{
    char b[GRAPH_VALUE_MAX];
    int w;

    draw_text(y, x, lw, ROLE_DIM, label);
    graph_format_value(v, b, sizeof b);
    w = (int)strlen(b);
    draw_text(y, x + lw + 1 + (w < vw ? vw - w : 0), w, ROLE_DEFAULT, b);
}

static void graph_draw_stats(int y, int lines, const struct graph_layout *g,
                             const struct graph_stats *st)
{
    int per_line = GS_COUNT / g->stats_lines;

    if (g->stats_n == 1) {
        graph_draw_stat(y, g->stats_x, g->col_w[0], g->vw,
                        graph_stat_label[GS_LAST], st->last);
        return;
    }
    for (int l = 0; l < g->stats_lines && l < lines; l++) {
        int x = g->stats_x;

        for (int c = 0; c < per_line; c++) {
            int k = l * per_line + c;

            graph_draw_stat(y + l, x, g->col_w[c], g->vw, graph_stat_label[k],
                            graph_stat_value(st, k));
            x += g->col_w[c] + 1 + g->vw + 2;
        }
    }
}

/* One series: label, chart rows and stats (or the cursor's value). */
static void graph_draw_series(int y, int lines, const struct graph_panel *p,
                              const struct graph_layout *g, size_t s)
{
    uint32_t grid[GRAPH_MAX_W * GRAPH_MAX_ROWS];
    const struct graph_series *se = &p->series[s];
    enum theme_role role = graph_series_role[s % 4];
    int cc = -1;

    if (p->cursor >= 0)
        cc = graph_point_to_cell((size_t)p->cursor, g->total, g->chart_w,
                                 g->style);
    if (g->label_w > 0)
        draw_text(y, g->chart_x - g->label_w - 1, g->label_w, role, se->name);
    if (g->chart_w > 0) {
        graph_render(se->v, se->n, g->total, NAN, NAN, g->chart_w, g->rows,
                     g->style, grid);
        /* Blank cells are already cleared, except in the cursor column. */
        for (int r = 0; r < lines; r++) {
            for (int c = 0; c < g->chart_w; c++) {
                uint32_t cp = grid[r * g->chart_w + c];

                if (c == cc)
                    draw_glyph(y + r, g->chart_x + c, ROLE_CURSOR, cp);
                else if (cp != ' ')
                    draw_glyph(y + r, g->chart_x + c, role, cp);
            }
        }
    }
    if (g->stats_n == 0)
        return;
    if (cc >= 0) {
        double v = (size_t)p->cursor < se->n ? se->v[p->cursor] : NAN;

        graph_draw_stat(y, g->stats_x, 2, g->vw, "at", v);
    } else {
        struct graph_stats st;

        if (s < GRAPH_STATS_KEPT)
            st = g->st[s];
        else
            graph_stats(se->v, se->n, &st);
        graph_draw_stats(y, lines, g, &st);
    }
}

void graph_panel_draw(struct tui_rect r, const struct graph_panel *p)
{
    struct graph_layout g;
    int bottom = r.y + r.h;

    if (r.h <= 0 || r.w <= 0)
        return;
    graph_layout(r, p, &g);
    draw_rect_fill(r, ROLE_DEFAULT);
    graph_draw_title(r, p, &g);
    if (r.h < 2)
        return;
    if (p->error != NULL || p->nseries == 0) {
        draw_text(r.y + 1, r.x, r.w, p->error ? ROLE_STATUS_ERROR : ROLE_DIM,
                  p->error ? p->error : "no data");
        return;
    }
    for (size_t s = 0; s < p->nseries; s++) {
        int y = r.y + 1 + (int)s * g.rows;

        if (y >= bottom)
            break;
        graph_draw_series(y, bottom - y < g.rows ? bottom - y : g.rows, p, &g,
                          s);
    }
}
