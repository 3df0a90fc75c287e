/*
 * Graph panels: a title line, then each series of a graph as a labelled
 * chart of one or more text rows with its min, average, max and last.
 * Plain data in, drawing out; the pure parts are exposed for tests.
 */
#ifndef MCTOP_TUI_GRAPH_H
#define MCTOP_TUI_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/draw.h"
#include "tui/sparkline.h"
#include "tui/theme.h"

#define GRAPH_MAX_W     512 /* chart cells drawn at most */
#define GRAPH_MAX_ROWS  16  /* text rows per series chart at most */
#define GRAPH_VALUE_MAX 8   /* buffer size that fits any graph_format_value */
#define GRAPH_TIME_MAX  32  /* buffer size for graph_format_time */

/*
 * One series: v[i] is the value at start + i * step; NAN is a gap. All
 * series of a panel share that time axis; one shorter than the longest
 * is a gap past its end.
 */
struct graph_series {
    const char *name;
    const double *v;
    size_t n;
};

struct graph_panel {
    const char *title; /* untrusted text: drawn sanitised */
    const char *units; /* after the title, dimmed; or NULL */
    const char *note;  /* at the right: "stale 3m", "loading"; or NULL */
    enum theme_role note_role;
    long long start; /* epoch seconds of point 0 */
    int step;        /* seconds between points */
    const struct graph_series *series;
    size_t nseries;
    long cursor;    /* point index under the cursor, or -1 */
    int chart_rows; /* text rows per series (clamped to 1..GRAPH_MAX_ROWS) */
    enum spark_style style;
    bool focused;      /* highlighted title */
    const char *error; /* when set, shown in place of the charts */
};

/* min, average, max and last (newest known) of the non-NAN values. */
struct graph_stats {
    double min, avg, max, last; /* NAN when known == 0 */
    size_t known;
};

/*
 * The value in at most 6 columns with 3 significant digits and an SI
 * prefix: "1.62", "950", "12.3k", "4.56M", "-1.20G", "0.05", "5.00m";
 * beyond the prefixes "1e21"; 0 (or below 1e-99) is "0", NAN is "-".
 * Returns buf.
 */
char *graph_format_value(double v, char *buf, size_t size);
/* t as local time "2026-11-26 12:34:10" (localtime_r). Returns buf. */
char *graph_format_time(long long t, char *buf, size_t size);
void graph_stats(const double *v, size_t n, struct graph_stats *st);

/* Value columns per cell: 2 for braille, 1 for block and ASCII. */
int graph_slots_per_cell(enum spark_style style);
/*
 * Resample a series of n points on an axis of total points (points n..
 * total-1 are gaps) into m slots, newest at the right. total <= m: one
 * point per slot, right-aligned, leading slots are gaps. total > m: slot j
 * averages the known points [j*total/m, (j+1)*total/m); none known is NAN.
 */
void graph_bucket(const double *v, size_t n, size_t total, size_t m,
                  double *slot);
/*
 * The vertical scale for values v: 0..max when no value is negative (a
 * chart grows from zero, as in htop), else min..max. Returns false (and
 * lo = hi = 0) when all are gaps.
 */
bool graph_scale(const double *v, size_t n, double *lo, double *hi);
/*
 * Level of x in 1..levels on the scale lo..hi (lo is level 1, so a value
 * always shows), 0 for a gap. A flat scale (hi <= lo) puts 0 at level 1
 * and anything else half way up.
 */
int graph_level(double x, double lo, double hi, int levels);
/* Vertical levels of a chart of rows text rows in style. */
int graph_levels(enum spark_style style, int rows);
/*
 * Render a series (as graph_bucket) into a grid of w cells by rows text
 * rows, row-major with row 0 at the top, filled from the bottom: braille 2
 * points x 4 dots per cell and row, blocks 8 eighths per row, ASCII ".:|"
 * per row (or "_.,-~=*#" on a single row). A gap is a blank column, never
 * the bottom level. lo or hi NAN scales with graph_scale over the slots.
 */
void graph_render(const double *v, size_t n, size_t total, double lo, double hi,
                  int w, int rows, enum spark_style style, uint32_t *grid);
/* Chart cell (0..w-1) that shows point i of total, -1 if none does. */
int graph_point_to_cell(size_t i, size_t total, int w, enum spark_style style);
/* The newest point shown in chart cell c, -1 if the cell shows none. */
long graph_cell_to_point(int c, size_t total, int w, enum spark_style style);

/* Points on the panel's time axis: the longest series. */
size_t graph_panel_points(const struct graph_panel *p);
/* Rows the panel needs: the title, then chart_rows per series (or one
 * line for an error or no series). */
int graph_panel_height(const struct graph_panel *p);
/* Columns of the chart in r (0 when none fits); stable under the cursor. */
int graph_panel_chart_width(struct tui_rect r, const struct graph_panel *p);
/*
 * Draw the panel in r, clipped to it (rows past r.h are left out). Series
 * take ROLE_SERIES1..4 in turn. With the cursor on a point, its column is
 * drawn in ROLE_CURSOR, its time goes on the title line and each series'
 * stats give way to its value there ("at 1.62").
 */
void graph_panel_draw(struct tui_rect r, const struct graph_panel *p);
/* The point under screen column x (a mouse click), -1 if none. */
long graph_panel_point_at(struct tui_rect r, const struct graph_panel *p,
                          int x);
/*
 * The cursor moved by cells chart cells (negative: older), landing on the
 * newest point of that cell and stopping at the ends of the data. From
 * no cursor (-1) it starts at the newest point. -1 when there is no data.
 */
long graph_panel_move_cursor(struct tui_rect r, const struct graph_panel *p,
                             long cursor, int cells);

#endif
