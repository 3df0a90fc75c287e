/*
 * Render time of graph panels (make bench): 100 panels of 4 series x 1440
 * points (a day at one minute), 2 chart rows, 120 columns, in braille.
 *   graph_bench [RUNS]
 * Prints the median of RUNS (default 21) for the pure render (bucketing,
 * scaling, glyphs and stats; no curses), for graph_panel_draw into an
 * off-screen curses screen (TERM xterm-256color, output to /dev/null), and
 * for that draw plus a full repaint (doupdate) of all of it.
 */
#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tui/graph.h"
#include "tui/text.h"
#include "tui/theme.h"

#define GB_PANELS 100
#define GB_SERIES 4
#define GB_POINTS 1440
#define GB_COLS   120
#define GB_ROWS   2

static double gb_data[GB_PANELS][GB_SERIES][GB_POINTS];
static struct graph_series gb_series[GB_PANELS][GB_SERIES];
static struct graph_panel gb_panels[GB_PANELS];
static char gb_titles[GB_PANELS][64];

static double gb_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int gb_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double gb_median(double *t, long n)
{
    qsort(t, (size_t)n, sizeof *t, gb_cmp);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Load-like curves with noise and an occasional gap, fixed seed. */
static void gb_make_data(void)
{
    static const char *const names[GB_SERIES] = {
        "1 Minute Average", "5 Minute Average", "15 Minute Average", "Cores"
    };
    unsigned seed = 7;

    for (int p = 0; p < GB_PANELS; p++) {
        for (int s = 0; s < GB_SERIES; s++) {
            for (int i = 0; i < GB_POINTS; i++) {
                seed = seed * 1103515245u + 12345u;
                gb_data[p][s][i] =
                    (i / 60 + p) % 23 == 0
                        ? NAN
                        : 2 + sin((i + p * 37) / (40.0 + s * 30)) +
                              (double)(seed >> 16 & 0xff) / 400.0;
            }
            gb_series[p][s] =
                (struct graph_series){ names[s], gb_data[p][s], GB_POINTS };
        }
        snprintf(gb_titles[p], sizeof gb_titles[p],
                 "prd-web-%02d - Load Average", p + 1);
        gb_panels[p] = (struct graph_panel){
            .title = gb_titles[p],
            .units = "processes",
            .note = p % 10 == 0 ? "stale 3m" : NULL,
            .note_role = ROLE_STALE,
            .start = 1795696450 - 86400,
            .step = 60,
            .series = gb_series[p],
            .nseries = GB_SERIES,
            .cursor = p == 0 ? 1000 : -1,
            .chart_rows = GB_ROWS,
            .style = SPARK_BRAILLE,
            .focused = p == 0,
        };
    }
}

/* What graph_panel_draw computes, minus curses. */
static void gb_pure(int cw)
{
    static uint32_t grid[GRAPH_MAX_W * GRAPH_MAX_ROWS];
    static volatile uint32_t sink;

    for (int p = 0; p < GB_PANELS; p++) {
        for (int s = 0; s < GB_SERIES; s++) {
            struct graph_stats st;

            graph_render(gb_data[p][s], GB_POINTS, GB_POINTS, NAN, NAN, cw,
                         GB_ROWS, SPARK_BRAILLE, grid);
            graph_stats(gb_data[p][s], GB_POINTS, &st);
            sink = grid[cw - 1] + (uint32_t)st.known;
        }
    }
    (void)sink;
}

static void gb_draw(int h)
{
    for (int p = 0; p < GB_PANELS; p++) {
        struct tui_rect r = { p * h, 0, h, GB_COLS };

        graph_panel_draw(r, &gb_panels[p]);
    }
}

int main(int argc, char **argv)
{
    long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 21;
    struct tui_rect r = { 0, 0, 0, GB_COLS };
    double *t, pure, draw, full;
    int h, cw;
    FILE *out, *in;
    SCREEN *sp;

    if (runs < 1 || runs > 10000)
        runs = 21;
    t = calloc((size_t)runs, sizeof *t);
    if (t == NULL)
        return 1;
    setlocale(LC_ALL, "C.UTF-8");
    text_set_utf8(true);
    gb_make_data();
    h = graph_panel_height(&gb_panels[0]);
    cw = graph_panel_chart_width(r, &gb_panels[0]);

    for (long k = 0; k < runs; k++) {
        double t0 = gb_now();

        gb_pure(cw);
        t[k] = gb_now() - t0;
    }
    pure = gb_median(t, runs);

    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    sp = out && in ? newterm("xterm-256color", out, in) : NULL;
    if (sp == NULL) {
        fprintf(stderr, "graph_bench: no xterm-256color terminal\n");
        printf("render 100 sparkline panels, pure render only: %.2f ms\n",
               pure);
        return 1;
    }
    resize_term(GB_PANELS * h, GB_COLS); /* every panel on the screen */
    theme_apply(THEME_DARK);
    gb_draw(h); /* warm up */
    for (long k = 0; k < runs; k++) {
        double t0 = gb_now();

        gb_draw(h);
        t[k] = gb_now() - t0;
    }
    draw = gb_median(t, runs);
    for (long k = 0; k < runs; k++) {
        double t0 = gb_now();

        gb_draw(h);
        clearok(curscr, TRUE); /* repaint all of it, as after a resize */
        wnoutrefresh(stdscr);
        doupdate();
        t[k] = gb_now() - t0;
    }
    full = gb_median(t, runs);
    endwin();
    delscreen(sp);
    fclose(out);
    fclose(in);

    printf("render %d sparkline panels (%d series x %d points, %d cols): "
           "%.2f ms (median of %ld runs)\n",
           GB_PANELS, GB_SERIES, GB_POINTS, GB_COLS, draw, runs);
    printf("  pure render (bucket, scale, glyphs, stats; no curses): "
           "%.2f ms\n",
           pure);
    printf("  draw and a full repaint to /dev/null (doupdate): %.2f ms\n",
           full);
    printf("  (%d rows per panel, charts %d cells x %d rows, braille)\n", h, cw,
           GB_ROWS);
    free(t);
    return 0;
}
