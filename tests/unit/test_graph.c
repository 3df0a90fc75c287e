/*
 * Unit tests for graph panels: value and time formatting, bucketing,
 * scaling, multi-row glyphs, cursor mapping, and a whole panel drawn into
 * an off-screen curses screen.
 */
#include <check.h>
#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tui/graph.h"
#include "tui/sparkline.h"
#include "tui/text.h"
#include "tui/theme.h"

static const char *fmt(double v)
{
    static char b[GRAPH_VALUE_MAX];

    return graph_format_value(v, b, sizeof b);
}

START_TEST(test_graph_format_value)
{
    ck_assert_str_eq(fmt(NAN), "-");
    ck_assert_str_eq(fmt(0), "0");
    ck_assert_str_eq(fmt(1.62), "1.62");
    ck_assert_str_eq(fmt(950), "950");
    ck_assert_str_eq(fmt(12345), "12.3k");
    ck_assert_str_eq(fmt(4.56e6), "4.56M");
    ck_assert_str_eq(fmt(1.2e9), "1.20G");
    ck_assert_str_eq(fmt(-1.2e9), "-1.20G");
    ck_assert_str_eq(fmt(0.62), "0.62");
    ck_assert_str_eq(fmt(-0.05), "-0.05");
    ck_assert_str_eq(fmt(0.005), "5.00m");
    ck_assert_str_eq(fmt(2.5e-6), "2.50u");
    /* rounding carries into the next prefix or digit count */
    ck_assert_str_eq(fmt(999.6), "1.00k");
    ck_assert_str_eq(fmt(999499), "999k");
    ck_assert_str_eq(fmt(999600), "1.00M");
    ck_assert_str_eq(fmt(9.996), "10.0");
    ck_assert_str_eq(fmt(99.96), "100");
    ck_assert_str_eq(fmt(0.996), "1.00");
    ck_assert_str_eq(fmt(1e30), "1e30");
    ck_assert_str_eq(fmt(9.6e20), "960E");
    ck_assert_str_eq(fmt(999.6e18), "1e21"); /* rounds past E */
    ck_assert_str_eq(fmt(-2.4e-12), "-2e-12");
    ck_assert_str_eq(fmt(-1e-200), "0");
    ck_assert_str_eq(fmt(INFINITY), "inf");
    /* never wider than 6 columns, whatever the magnitude */
    for (int e = -307; e <= 307; e++) {
        for (double m = 1; m < 10; m += 0.37) {
            double v = m * pow(10, e);

            ck_assert_int_le(strlen(fmt(v)), 6);
            ck_assert_int_le(strlen(fmt(-v)), 6);
        }
    }
}
END_TEST

/* Set TZ to tz, or back to what it was with NULL. */
static void gt_set_tz(const char *tz)
{
    static char *saved;
    static bool have;

    if (tz != NULL && !have) {
        saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
        have = true;
    }
    if (tz != NULL) {
        setenv("TZ", tz, 1);
    } else if (have) {
        if (saved != NULL)
            setenv("TZ", saved, 1);
        else
            unsetenv("TZ");
        free(saved);
        saved = NULL;
        have = false;
    }
    tzset();
}

START_TEST(test_graph_format_time)
{
    char b[GRAPH_TIME_MAX];

    gt_set_tz("UTC");
    ck_assert_str_eq(graph_format_time(1795696450, b, sizeof b),
                     "2026-11-26 12:34:10");
    gt_set_tz("CET-1"); /* POSIX rule, no tzdata needed: UTC+1 */
    ck_assert_str_eq(graph_format_time(1795696450, b, sizeof b),
                     "2026-11-26 13:34:10"); /* local time */
    gt_set_tz(NULL);
}
END_TEST

START_TEST(test_graph_stats)
{
    const double v[] = { NAN, 2, 4, NAN, 0, 6, NAN };
    const double none[] = { NAN, NAN };
    struct graph_stats st;

    graph_stats(v, 7, &st);
    ck_assert_uint_eq(st.known, 4);
    ck_assert_double_eq(st.min, 0);
    ck_assert_double_eq(st.max, 6);
    ck_assert_double_eq(st.avg, 3);
    ck_assert_double_eq(st.last, 6); /* the newest known, not the gap */
    graph_stats(none, 2, &st);
    ck_assert_uint_eq(st.known, 0);
    ck_assert(isnan(st.min) && isnan(st.avg) && isnan(st.max));
    ck_assert(isnan(st.last));
    graph_stats(NULL, 0, &st);
    ck_assert_uint_eq(st.known, 0);
}
END_TEST

START_TEST(test_graph_bucket)
{
    const double v[] = { 1, 2, 3, 4, NAN, NAN, 7, NAN };
    double s[8];

    /* fewer points than slots: right-aligned, older slots are gaps */
    graph_bucket(v, 3, 3, 5, s);
    ck_assert(isnan(s[0]) && isnan(s[1]));
    ck_assert_double_eq(s[2], 1);
    ck_assert_double_eq(s[4], 3);
    /* more: each slot averages its known points */
    graph_bucket(v, 8, 8, 4, s);
    ck_assert_double_eq(s[0], 1.5);
    ck_assert_double_eq(s[1], 3.5);
    ck_assert(isnan(s[2])); /* two gaps make a gap, not 0 */
    ck_assert_double_eq(s[3], 7);
    /* uneven buckets still cover every point, newest at the right */
    graph_bucket(v, 4, 4, 3, s);
    ck_assert_double_eq(s[0], 1);
    ck_assert_double_eq(s[1], 2);
    ck_assert_double_eq(s[2], 3.5);
    /* a series shorter than the panel's axis: the rest are gaps */
    graph_bucket(v, 2, 4, 4, s);
    ck_assert_double_eq(s[0], 1);
    ck_assert_double_eq(s[1], 2);
    ck_assert(isnan(s[2]) && isnan(s[3]));
    graph_bucket(v, 0, 0, 3, s);
    ck_assert(isnan(s[0]) && isnan(s[2]));
}
END_TEST

START_TEST(test_graph_scale_and_level)
{
    const double pos[] = { 3, NAN, 5, 4 };
    const double neg[] = { -2, 1, NAN, 6 };
    const double gaps[] = { NAN, NAN };
    double lo, hi;

    ck_assert(graph_scale(pos, 4, &lo, &hi));
    ck_assert_double_eq(lo, 0); /* from zero when nothing is negative */
    ck_assert_double_eq(hi, 5);
    ck_assert(graph_scale(neg, 4, &lo, &hi));
    ck_assert_double_eq(lo, -2);
    ck_assert_double_eq(hi, 6);
    ck_assert(!graph_scale(gaps, 2, &lo, &hi));
    ck_assert_int_eq(graph_level(NAN, 0, 10, 8), 0);
    ck_assert_int_eq(graph_level(0, 0, 10, 8), 1); /* the bottom shows */
    ck_assert_int_eq(graph_level(10, 0, 10, 8), 8);
    ck_assert_int_eq(graph_level(99, 0, 10, 8), 8);
    ck_assert_int_eq(graph_level(-5, 0, 10, 8), 1);
    ck_assert_int_eq(graph_level(0, 0, 0, 8), 1); /* all zero: a baseline */
    ck_assert_int_eq(graph_level(-3, -3, -3, 9), 5);
    ck_assert_int_eq(graph_levels(SPARK_BRAILLE, 2), 8);
    ck_assert_int_eq(graph_levels(SPARK_BLOCK, 3), 24);
    ck_assert_int_eq(graph_levels(SPARK_ASCII, 1), 8);
    ck_assert_int_eq(graph_levels(SPARK_ASCII, 2), 6);
}
END_TEST

START_TEST(test_graph_render_braille_rows)
{
    const double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    uint32_t g[2 * 4];

    /* 8 points in 4 cells x 2 rows: 8 levels, 2 points per cell */
    graph_render(v, 8, 8, 0, 7, 4, 2, SPARK_BRAILLE, g);
    /* bottom row of cell 0: 1 dot left (0), 2 dots right (1) */
    ck_assert_uint_eq(g[4 + 0], 0x2800 + 0x40 + 0xA0);
    ck_assert_uint_eq(g[0], ' '); /* nothing reaches the top row */
    /* cell 3 holds 6 and 7 (levels 7 and 8): bottom full, top 3 + 4 */
    ck_assert_uint_eq(g[4 + 3], 0x28FF);
    ck_assert_uint_eq(g[3], 0x2800 + 0x46 + 0xB8);
    /* cell 2 holds 4 and 5 (levels 5 and 6): one and two dots on top */
    ck_assert_uint_eq(g[4 + 2], 0x28FF);
    ck_assert_uint_eq(g[2], 0x2800 + 0x40 + 0xA0);
}
END_TEST

START_TEST(test_graph_render_block_ascii)
{
    const double v[] = { 0, 5, 10 };
    uint32_t g[3 * 3];

    graph_render(v, 3, 3, 0, 10, 3, 2, SPARK_BLOCK, g); /* 16 levels */
    ck_assert_uint_eq(g[3 + 0], 0x2581);                /* 0: one eighth */
    ck_assert_uint_eq(g[0], ' ');
    ck_assert_uint_eq(g[3 + 1], 0x2588); /* 5: level 9, one row full */
    ck_assert_uint_eq(g[1], 0x2581);     /* and one eighth above */
    ck_assert_uint_eq(g[2], 0x2588);
    ck_assert_uint_eq(g[3 + 2], 0x2588);
    graph_render(v, 3, 3, 0, 10, 3, 3, SPARK_ASCII, g); /* 9 levels */
    ck_assert_uint_eq(g[6 + 0], '.');
    ck_assert_uint_eq(g[3 + 0], ' ');
    ck_assert_uint_eq(g[6 + 1], '|'); /* 5: level 5 = 3 + 2 */
    ck_assert_uint_eq(g[3 + 1], ':');
    ck_assert_uint_eq(g[0 + 1], ' ');
    ck_assert_uint_eq(g[0 + 2], '|');
    ck_assert_uint_eq(g[3 + 2], '|');
    ck_assert_uint_eq(g[6 + 2], '|');
}
END_TEST

/* A gap is blank in every row and style; a zero is the bottom level. */
START_TEST(test_graph_render_gaps_not_zero)
{
    static const enum spark_style styles[] = { SPARK_BRAILLE, SPARK_BLOCK,
                                               SPARK_ASCII };
    const double v[] = { NAN, NAN, 0, 0, NAN, NAN, 4, 4 };
    uint32_t g[4 * 3];

    for (size_t k = 0; k < 3; k++) {
        enum spark_style st = styles[k];
        int w = st == SPARK_BRAILLE ? 4 : 8, per = 8 / w;

        for (int rows = 1; rows <= 3; rows++) {
            uint32_t grid[8 * 3];

            graph_render(v, 8, 8, NAN, NAN, w, rows, st, grid);
            for (int c = 0; c < w; c++) {
                bool gap = isnan(v[c * per]);
                uint32_t bottom = grid[(rows - 1) * w + c];

                ck_assert_msg(gap == (bottom == ' '),
                              "style %zu rows %d cell %d", k, rows, c);
                for (int r = 0; gap && r < rows; r++)
                    ck_assert_uint_eq(grid[r * w + c], ' ');
            }
        }
    }
    /* half a braille cell known: only its column's dots */
    graph_render((const double[]){ NAN, 0 }, 2, 2, 0, 1, 1, 1, SPARK_BRAILLE,
                 g);
    ck_assert_uint_eq(g[0], 0x2800 + 0x80);
}
END_TEST

/* One row is the sparkline: same buckets, levels and glyphs. */
START_TEST(test_graph_render_one_row_is_sparkline)
{
    static const enum spark_style styles[] = { SPARK_BRAILLE, SPARK_BLOCK,
                                               SPARK_ASCII };
    double v[300];
    uint32_t a[40], b[40];

    for (int i = 0; i < 300; i++)
        v[i] = i % 37 == 5 ? NAN : sin(i / 9.0) * 10 + (i % 7);
    for (size_t k = 0; k < 3; k++) {
        const size_t ns[] = { 3, 40, 79, 80, 81, 300 };

        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            graph_render(v, ns[j], ns[j], -12, 17, 40, 1, styles[k], a);
            sparkline_render(v, ns[j], -12, 17, 40, styles[k], b);
            ck_assert_msg(memcmp(a, b, sizeof a) == 0, "style %zu n %zu", k,
                          ns[j]);
        }
    }
}
END_TEST

/* The cell a point maps to is the cell where the point is drawn. */
START_TEST(test_graph_cursor_cells)
{
    static const enum spark_style styles[] = { SPARK_BRAILLE, SPARK_ASCII };
    const size_t totals[] = { 1, 5, 8, 9, 200, 201, 1440 };
    const int widths[] = { 1, 4, 59, 100 };
    static double v[1440];
    uint32_t g[100];

    ck_assert_int_eq(graph_point_to_cell(1439, 1440, 100, SPARK_BRAILLE), 99);
    ck_assert_int_eq(graph_point_to_cell(0, 1440, 100, SPARK_BRAILLE), 0);
    ck_assert_int_eq(graph_cell_to_point(99, 1440, 100, SPARK_BRAILLE), 1439);
    ck_assert_int_eq(graph_point_to_cell(1440, 1440, 100, SPARK_BRAILLE), -1);
    ck_assert_int_eq(graph_cell_to_point(100, 1440, 100, SPARK_BRAILLE), -1);
    /* 3 points in 10 ASCII cells: right-aligned */
    ck_assert_int_eq(graph_point_to_cell(0, 3, 10, SPARK_ASCII), 7);
    ck_assert_int_eq(graph_cell_to_point(6, 3, 10, SPARK_ASCII), -1);
    ck_assert_int_eq(graph_cell_to_point(9, 3, 10, SPARK_ASCII), 2);
    /* 3 points in 2 braille cells: cell 0 holds only point 0 */
    ck_assert_int_eq(graph_point_to_cell(0, 3, 2, SPARK_BRAILLE), 0);
    ck_assert_int_eq(graph_point_to_cell(1, 3, 2, SPARK_BRAILLE), 1);
    ck_assert_int_eq(graph_cell_to_point(0, 3, 2, SPARK_BRAILLE), 0);
    for (size_t k = 0; k < 2; k++) {
        for (size_t t = 0; t < sizeof totals / sizeof totals[0]; t++) {
            for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
                size_t total = totals[t];
                int w = widths[wi], prev = 0;

                for (size_t i = 0; i < total; i++) {
                    int c = graph_point_to_cell(i, total, w, styles[k]);
                    long q = graph_cell_to_point(c, total, w, styles[k]);

                    ck_assert(c >= prev && c < w); /* monotonic, in range */
                    ck_assert(q >= (long)i);       /* newest of its cell */
                    ck_assert_int_eq(
                        graph_point_to_cell((size_t)q, total, w, styles[k]), c);
                    prev = c;
                }
                ck_assert_int_eq(
                    graph_point_to_cell(total - 1, total, w, styles[k]), w - 1);
            }
        }
    }
    /* and rendering agrees: a lone value shows in exactly that cell */
    for (size_t i = 0; i < 1440; i++)
        v[i] = NAN;
    for (size_t i = 0; i < 1440; i += 97) {
        int drawn = -1;

        v[i] = 1;
        graph_render(v, 1440, 1440, 0, 1, 59, 1, SPARK_BRAILLE, g);
        for (int c = 0; c < 59; c++) {
            if (g[c] != ' ') {
                ck_assert_int_eq(drawn, -1);
                drawn = c;
            }
        }
        ck_assert_int_eq(drawn,
                         graph_point_to_cell(i, 1440, 59, SPARK_BRAILLE));
        v[i] = NAN;
    }
}
END_TEST

static double load1[60], load5[60];
static const struct graph_series load_series[] = {
    { "1 Minute Average", load1, 60 },
    { "5 Minute Average", load5, 60 },
};

static void graph_test_data(void)
{
    for (int i = 0; i < 60; i++) {
        load1[i] = 0.5 + (i % 10) * 0.1; /* 0.50 .. 1.40 */
        load5[i] = i >= 20 && i < 30 ? NAN : 0.75;
    }
}

static struct graph_panel load_panel(void)
{
    struct graph_panel p = { 0 };

    graph_test_data();
    p.title = "prd-web-01 - Load Average";
    p.units = "processes in the run queue";
    p.note = "stale 3m";
    p.note_role = ROLE_STALE;
    p.start = 1795696450 - 59 * 60;
    p.step = 60;
    p.series = load_series;
    p.nseries = 2;
    p.cursor = -1;
    p.chart_rows = 2;
    p.style = SPARK_BRAILLE;
    return p;
}

START_TEST(test_graph_panel_layout)
{
    struct graph_panel p = load_panel();
    struct tui_rect r = { 0, 0, 5, 120 };

    ck_assert_int_eq(graph_panel_height(&p), 5);
    /* label 16 + 1, stats on 2 lines "min 0.50  avg  0.95" = 19 + 1 */
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 120 - 17 - 20);
    p.cursor = 7; /* the cursor never moves the chart */
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 83);
    p.chart_rows = 1; /* stats on one line: 4 * (label + 1 + 4) + 3 * 2 */
    ck_assert_int_eq(graph_panel_height(&p), 3);
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 120 - 17 - 40);
    r.w = 40; /* stats shrink to "last" */
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 40 - 17 - 10);
    r.w = 25; /* then go, then the label shrinks */
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 25 - 9);
    r.w = 12; /* and goes */
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 12);
    r.w = 0;
    ck_assert_int_eq(graph_panel_chart_width(r, &p), 0);
    p.chart_rows = 0; /* clamped */
    ck_assert_int_eq(graph_panel_height(&p), 3);
    p.nseries = 0;
    ck_assert_int_eq(graph_panel_height(&p), 2);
    p.error = "empty export";
    ck_assert_int_eq(graph_panel_height(&p), 2);
}
END_TEST

START_TEST(test_graph_panel_point_at_and_cursor)
{
    struct graph_panel p = load_panel();
    struct tui_rect r = { 3, 10, 5, 120 };
    int cx = 10 + 17, cw = graph_panel_chart_width(r, &p);
    long q;

    ck_assert_int_eq(cw, 83); /* 166 slots for 60 points: right-aligned */
    ck_assert_int_eq(graph_panel_point_at(r, &p, cx + cw - 1), 59);
    ck_assert_int_eq(graph_panel_point_at(r, &p, cx + cw - 30), 1);
    ck_assert_int_eq(graph_panel_point_at(r, &p, cx + cw - 31), -1);
    ck_assert_int_eq(graph_panel_point_at(r, &p, cx), -1);
    ck_assert_int_eq(graph_panel_point_at(r, &p, 10), -1);       /* label */
    ck_assert_int_eq(graph_panel_point_at(r, &p, cx + cw), -1);  /* stats */
    ck_assert_int_eq(graph_panel_point_at(r, &p, 10 + 119), -1); /* stats */
    q = graph_panel_move_cursor(r, &p, -1, -1);
    ck_assert_int_eq(q, 59); /* no cursor: it appears on the newest */
    q = graph_panel_move_cursor(r, &p, q, -1);
    ck_assert_int_eq(q, 57); /* one cell is two points */
    q = graph_panel_move_cursor(r, &p, 56, 1);
    ck_assert_int_eq(q, 59);
    q = graph_panel_move_cursor(r, &p, 30, -1000);
    ck_assert_int_eq(q, 1); /* the oldest cell with data: points 0 and 1 */
    q = graph_panel_move_cursor(r, &p, 30, 1000);
    ck_assert_int_eq(q, 59);
    p.nseries = 0;
    ck_assert_int_eq(graph_panel_move_cursor(r, &p, 3, 1), -1);
}
END_TEST

/* --- drawn into an off-screen curses screen ---------------------------- */

static SCREEN *gt_sp;
static FILE *gt_out, *gt_in;

static void gt_screen_open(int rows, int cols)
{
    setlocale(LC_ALL, "C.UTF-8");
    text_set_utf8(true);
    gt_out = fopen("/dev/null", "w");
    gt_in = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(gt_out);
    ck_assert_ptr_nonnull(gt_in);
    gt_sp = newterm("xterm-256color", gt_out, gt_in);
    ck_assert_ptr_nonnull(gt_sp);
    resize_term(rows, cols);
    theme_apply(THEME_MONO);
}

static void gt_screen_close(void)
{
    endwin();
    delscreen(gt_sp);
    fclose(gt_out);
    fclose(gt_in);
    setlocale(LC_ALL, "C");
}

static wchar_t gt_ch(int y, int x, attr_t *attr)
{
    cchar_t cc;
    wchar_t wc[CCHARW_MAX + 1] = { 0 };
    attr_t a = 0;
    short pair = 0;

    ck_assert_int_ne(mvin_wch(y, x, &cc), ERR);
    getcchar(&cc, wc, &a, &pair, NULL);
    if (attr != NULL)
        *attr = a;
    return wc[0];
}

/* Row y, columns [x, x + w), as a wide string. */
static const wchar_t *gt_row(int y, int x, int w)
{
    static wchar_t line[512];

    for (int i = 0; i < w && i < 511; i++)
        line[i] = gt_ch(y, x + i, NULL);
    line[w < 511 ? w : 511] = 0;
    return line;
}

static bool gt_is_braille(wchar_t c)
{
    return c >= 0x2800 && c <= 0x28FF;
}

/* Fill the screen with '#', draw, and check nothing outside r changed. */
static void gt_draw_in(struct tui_rect r, const struct graph_panel *p)
{
    for (int y = 0; y < LINES; y++)
        mvhline(y, 0, '#', COLS);
    graph_panel_draw(r, p);
    for (int y = 0; y < LINES; y++) {
        for (int x = 0; x < COLS; x++) {
            bool in = y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;

            ck_assert_msg(in != (gt_ch(y, x, NULL) == '#'), "cell %d,%d %s r",
                          y, x, in ? "in" : "outside");
        }
    }
}

START_TEST(test_graph_panel_draw_screen)
{
    struct graph_panel p = load_panel();
    struct tui_rect r = { 1, 2, 5, 100 };
    int cx = 2 + 17, cw, gaps = 0, dots = 0;
    attr_t a;

    gt_screen_open(8, 104);
    cw = graph_panel_chart_width(r, &p);
    gt_draw_in(r, &p);
    /* title, units, note flush right */
    ck_assert(wcscmp(gt_row(1, 2, 53), L"prd-web-01 - Load Average  "
                                       L"processes in the run queue") == 0);
    ck_assert(wcscmp(gt_row(1, 102 - 8, 8), L"stale 3m") == 0);
    /* a label, the chart, and stats aligned in columns on two lines */
    ck_assert(wcscmp(gt_row(2, 2, 17), L"1 Minute Average ") == 0);
    ck_assert(wcscmp(gt_row(4, 2, 17), L"5 Minute Average ") == 0);
    ck_assert(wcscmp(gt_row(2, 102 - 19, 19), L"min 0.50  avg  0.95") == 0);
    ck_assert(wcscmp(gt_row(3, 102 - 19, 19), L"max 1.40  last 1.40") == 0);
    ck_assert(wcscmp(gt_row(4, 102 - 19, 19), L"min 0.75  avg  0.75") == 0);
    /* newest point at the right edge of the chart */
    ck_assert(gt_is_braille(gt_ch(3, cx + cw - 1, NULL)));
    ck_assert(gt_ch(3, cx + cw, NULL) == ' ');
    /* the 5-minute gap (points 20..29) is blank, not a flat line */
    for (int c = 0; c < cw; c++) {
        wchar_t b = gt_ch(5, cx + c, NULL);

        if (gt_is_braille(b))
            dots++;
        else if (c >= cw - 30)
            gaps++;
    }
    ck_assert_int_eq(gaps, 5); /* 10 points, 2 per cell */
    ck_assert_int_eq(dots, 25);
    /* the cursor: a reversed column, its time, each series' value */
    gt_set_tz("UTC");
    p.cursor = 59 - 2; /* 2026-11-26 12:32:10 */
    p.focused = true;
    gt_draw_in(r, &p);
    ck_assert(wcsstr(gt_row(1, 2, 100), L"2026-11-26 12:32:10  stale 3m"));
    gt_ch(2, cx + cw - 2, &a);
    ck_assert(a & A_REVERSE);
    gt_ch(5, cx + cw - 2, &a);
    ck_assert(a & A_REVERSE);
    gt_ch(2, cx + cw - 1, &a);
    ck_assert(!(a & A_REVERSE));
    gt_ch(1, 2, &a);
    ck_assert(a & A_BOLD); /* the focused title */
    ck_assert(wcscmp(gt_row(2, 102 - 19, 19), L"at 1.20            ") == 0);
    ck_assert(wcscmp(gt_row(3, 102 - 19, 19), L"                   ") == 0);
    p.cursor = 25; /* in the gap of the 5-minute series */
    gt_draw_in(r, &p);
    ck_assert(wcscmp(gt_row(4, 102 - 19, 7), L"at    -") == 0);
    gt_set_tz(NULL);
    gt_screen_close();
}
END_TEST

START_TEST(test_graph_panel_draw_degrades)
{
    struct graph_panel p = load_panel();
    struct tui_rect r = { 0, 0, 3, 30 };

    gt_screen_open(10, 60);
    /* an error replaces the charts: no glyph that could pass for data */
    p.error = "empty export: no rows for graph 7";
    gt_draw_in(r, &p);
    ck_assert(wcscmp(gt_row(1, 0, 30), L"empty export: no rows for gra…") == 0);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 30; x++)
            ck_assert(!gt_is_braille(gt_ch(y, x, NULL)));
    p.error = NULL;
    /* hostile text is sanitised, and cut to the panel */
    p.title = "evil\x1b]0;pwned\x07 title that is far too long to fit";
    p.series = load_series;
    gt_draw_in(r, &p);
    for (int x = 0; x < 30; x++)
        ck_assert(gt_ch(0, x, NULL) != 0x1b && gt_ch(0, x, NULL) != 0x07);
    ck_assert(gt_ch(0, 4, NULL) == 0x241B); /* ESC as its picture */
    /* clipped: a panel taller than its rect draws what fits */
    r.h = 2;
    gt_draw_in(r, &p);
    /* narrow: no stats, a short label */
    r = (struct tui_rect){ 4, 5, 5, 25 };
    gt_draw_in(r, &p);
    ck_assert(wcscmp(gt_row(5, 5, 9), L"1 Minut… ") == 0);
    ck_assert(wcsstr(gt_row(5, 5, 25), L"min") == NULL);
    /* too narrow for a label: the whole width is chart */
    r.w = 11;
    gt_draw_in(r, &p);
    ck_assert(gt_is_braille(gt_ch(5, 5 + 10, NULL)));
    /* no UTF-8: ASCII only */
    text_set_utf8(false);
    r.w = 50;
    gt_draw_in(r, &p);
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            ck_assert_int_lt(gt_ch(y, x, NULL), 0x80);
    ck_assert(wcschr(gt_row(6, 5, 50), L'|') != NULL);
    text_set_utf8(true);
    gt_screen_close();
}
END_TEST

Suite *graph_suite(void)
{
    Suite *s = suite_create("graph");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_graph_format_value);
    tcase_add_test(tc, test_graph_format_time);
    tcase_add_test(tc, test_graph_stats);
    tcase_add_test(tc, test_graph_bucket);
    tcase_add_test(tc, test_graph_scale_and_level);
    tcase_add_test(tc, test_graph_render_braille_rows);
    tcase_add_test(tc, test_graph_render_block_ascii);
    tcase_add_test(tc, test_graph_render_gaps_not_zero);
    tcase_add_test(tc, test_graph_render_one_row_is_sparkline);
    tcase_add_test(tc, test_graph_cursor_cells);
    tcase_add_test(tc, test_graph_panel_layout);
    tcase_add_test(tc, test_graph_panel_point_at_and_cursor);
    tcase_add_test(tc, test_graph_panel_draw_screen);
    tcase_add_test(tc, test_graph_panel_draw_degrades);
    suite_add_tcase(s, tc);
    return s;
}
