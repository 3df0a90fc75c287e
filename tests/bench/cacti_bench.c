/*
 * Time to parse a graph_xport.php CSV of one week at a 60 s step (make
 * bench): 10080 rows of 4 series and 2 helper columns, in the format of
 * tests/data/cacti/xport-*.csv, built in memory.
 *   cacti_bench [RUNS]
 * Prints the median of RUNS parses (default 21).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/cacti.h"

#define ROWS  10080
#define STEP  60
#define START 1795075200LL /* 2026-11-19 08:00:00 UTC */

static double cb_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void cb_date(struct buf *b, long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char s[32];

    gmtime_r(&tt, &tm);
    strftime(s, sizeof s, "\"%Y-%m-%d %H:%M:%S\"", &tm);
    buf_puts(b, s);
}

/* A Memory Usage export: four series, two colN- helpers, NaN gaps. */
static void cb_export(struct buf *b)
{
    unsigned seed = 7;

    buf_puts(b, "\xEF\xBB\xBF\"Title\",\"prd-web-01 - Memory Usage\"\n"
                "\"Vertical Label\",\"bytes\"\n\"Start Date\",");
    cb_date(b, START);
    buf_puts(b, "\n\"End Date\",");
    cb_date(b, START + (long long)ROWS * STEP);
    buf_printf(b,
               "\n\"Step\",\"%d\"\n\"Total Rows\",\"%d\"\n"
               "\"Graph ID\",\"8\"\n\"Host ID\",\"4\"\n\"\"\n"
               "\"Date\",\"Total\",\"Buffers\",\"Cache\",\"Free\","
               "\"col24-cdefbg\",\"col25-cdefbh\"\n",
               STEP, ROWS);
    for (int i = 1; i <= ROWS; i++) {
        double total = 8.3e9, used, buffers, cache;

        seed = seed * 1103515245u + 12345u;
        used = 2.1e9 + 6e8 * sin(i / 240.0) + (double)(seed >> 16) * 1e3;
        buffers = 1.2e8 + 1e7 * cos(i / 90.0);
        cache = 3.4e9 + 2e8 * sin(i / 700.0);
        cb_date(b, START + (long long)i * STEP);
        if (i % 1440 == 0 || i == ROWS) {
            buf_puts(b, ",\"NaN\",\"NaN\",\"NaN\",\"NaN\",\"NaN\",\"NaN\"\n");
            continue;
        }
        buf_printf(b,
                   ",\"%.10e\",\"%.10e\",\"%.10e\",\"%.10e\",\"%.10e\","
                   "\"%.10e\"\n",
                   total, buffers, cache, total - used - buffers - cache, total,
                   buffers);
    }
}

static int cb_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    struct buf b = { 0 };
    double *ms;

    if (runs < 1 || runs > 10000) {
        fprintf(stderr, "usage: cacti_bench [RUNS]\n");
        return 2;
    }
    ms = calloc((size_t)runs, sizeof *ms);
    if (ms == NULL)
        return 1;
    cb_export(&b);
    for (int r = 0; r < runs; r++) {
        struct cacti_export x = { 0 };
        struct mc_err e = { 0 };
        double t0 = cb_now();

        if (cacti_parse_xport(b.data, b.len, START - STEP, &x, &e) < 0) {
            fprintf(stderr, "cacti_bench: %s\n", e.msg);
            return 1;
        }
        ms[r] = cb_now() - t0;
        if (x.npoints != ROWS || x.nseries != 4 || x.start != START) {
            fprintf(stderr, "cacti_bench: parsed %zu rows, %zu series\n",
                    x.npoints, x.nseries);
            return 1;
        }
        cacti_export_free(&x);
    }
    qsort(ms, (size_t)runs, sizeof *ms, cb_cmp);
    printf("parse one-week export (%d rows, %zu bytes): %.2f ms (median of "
           "%d runs)\n",
           ROWS, b.len, ms[runs / 2], runs);
    free(ms);
    buf_free(&b);
    return 0;
}
