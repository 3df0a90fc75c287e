/*
 * The demo Cacti's graph_xport.php: a graph's CSV as Cacti 1.2.24 writes
 * it (BOM, metadata lines, helper columns, each row labelled one step
 * later than rrdtool's point, the step in progress unknown), with
 * rrdtool's choice of step and its --maxrows, and a fast formatter for
 * rrdtool's "%.10e" that keeps printf's text.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend/demo_cacti_int.h"

#define XPORT_MAXROWS 10000 /* graph_xport's --maxrows */

static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "YYYY-MM-DD HH:MM:SS" of an epoch, in UTC (PHP's timezone here). */
/* put_date and put_num write at most this much (the row has room). */
#define PUT_MAX 48

static char *put_date(char *p, long long t)
{
    long long days = floor_div(t, 86400), s = t - days * 86400;
    long long z = days + 719468, era = floor_div(z, 146097);
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153, y = yoe + era * 400;
    int day = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mon = (int)(mp < 10 ? mp + 3 : mp - 9);
    int f[5] = { mon, day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60) };

    y += mon <= 2;
    if (y < 0 || y > 9999)
        return p + snprintf(p, PUT_MAX, "%lld-%02d-%02d %02d:%02d:%02d", y,
                            f[0], f[1], f[2], f[3], f[4]);
    for (int i = 3; i >= 0; i--, y /= 10)
        p[i] = (char)('0' + y % 10);
    p += 4;
    for (int i = 0; i < 5; i++) {
        *p++ = "-- ::"[i];
        *p++ = (char)('0' + f[i] / 10);
        *p++ = (char)('0' + f[i] % 10);
    }
    return p;
}

static double scale10(double x, int k)
{
    static const double p10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                  1e18, 1e19, 1e20, 1e21, 1e22 };

    return k >= 0 ? x * p10[k] : x / p10[-k];
}

/*
 * rrdtool's "%.10e" (NaN as "NaN"), without printf's cost: the value is
 * scaled to an 11-digit integer and rounded. A value whose scaled
 * fraction lies near one half (where the scaling's own rounding could
 * decide) goes to snprintf, so the text is always printf's.
 */
static char *put_num(char *p, double x)
{
    double sc, fr;
    long long m;
    int e;
    char dig[11];

    if (isnan(x)) {
        memcpy(p, "NaN", 3);
        return p + 3;
    }
    if (x == 0 && !signbit(x)) {
        memcpy(p, "0.0000000000e+00", 16);
        return p + 16;
    }
    if (!(x > 0) || isinf(x) || x >= 1e30 || x < 1e-12)
        return p + snprintf(p, PUT_MAX, "%.10e", x);
    e = (int)floor(log10(x));
    sc = scale10(x, 10 - e);
    if (sc >= 99999999999.5) {
        e++;
        sc = scale10(x, 10 - e);
    } else if (sc < 9999999999.5) {
        e--;
        sc = scale10(x, 10 - e);
    }
    fr = sc - floor(sc);
    if (sc >= 99999999999.5 || sc < 9999999999.5 || fabs(fr - 0.5) < 1e-3)
        return p + snprintf(p, PUT_MAX, "%.10e", x);
    m = llround(sc);
    for (int i = 10; i >= 0; i--, m /= 10)
        dig[i] = (char)('0' + m % 10);
    *p++ = dig[0];
    *p++ = '.';
    memcpy(p, dig + 1, 10);
    p += 10;
    *p++ = 'e';
    *p++ = e < 0 ? '-' : '+';
    e = e < 0 ? -e : e;
    *p++ = (char)('0' + e / 10 % 10);
    *p++ = (char)('0' + e % 10);
    return p;
}

/* graph_start/graph_end as graph_xport.php reads them. */
static long long xport_time(long long v, long long now, long long def)
{
    if (v == 0)
        return now + def;
    return v < 0 ? now + v : v;
}

static void xport_csv(struct buf *b, const struct demo *d, uint32_t h, int g,
                      long long start, long long end)
{
    const struct graph_def *gd = &demo_cacti_defs[g];
    long long now = (long long)floor(d->now);
    long long reach = end - start > now - start ? end - start : now - start;
    long long step = reach <= 86400 ? 60 : reach <= 7 * 86400 ? 300 : 3600;
    long long first, last, rows;
    struct hctx c;
    char title[64], line[512];

    /* rrdtool's points: interval ends after start, up to end rounded up. */
    for (;;) {
        first = floor_div(start, step) * step + step;
        last = -floor_div(-end, step) * step;
        rows = (last - first) / step + 1;
        if (rows <= XPORT_MAXROWS)
            break;
        step *= (rows + XPORT_MAXROWS - 1) / XPORT_MAXROWS;
    }
    demo_cacti_title(title, sizeof(title), d, h, g);
    buf_puts(b, "\xEF\xBB\xBF\"Title\",\"");
    buf_puts(b, title);
    buf_puts(b, "\"\n\"Vertical Label\",\"");
    buf_puts(b, gd->vlabel);
    buf_puts(b, "\"\n\"Start Date\",\"");
    buf_append(b, line, (size_t)(put_date(line, first) - line));
    buf_puts(b, "\"\n\"End Date\",\"");
    buf_append(b, line, (size_t)(put_date(line, last) - line));
    buf_printf(b,
               "\"\n\"Step\",\"%lld\"\n\"Total Rows\",\"%lld\"\n"
               "\"Graph ID\",\"%ld\"\n\"Host ID\",\"%ld\"\n\"\"\n\"Date\"",
               step, rows, demo_cacti_local_id(h, g), (long)h + 1);
    for (int i = 0; i < gd->ncols; i++)
        buf_printf(b, ",\"%s\"", gd->cols[i].name);
    buf_putc(b, '\n');
    demo_cacti_hctx_init(&c, d, h);
    for (long long i = 0; i < rows; i++) {
        long long t = first + i * step;
        double v[4], sum = 0;
        char *p = line;

        demo_cacti_values(&c, g, (double)t, v);
        for (int k = 0; k < gd->nseries; k++)
            sum += isnan(v[k]) ? 0 : v[k];
        *p++ = '"';
        p = put_date(p, t + step); /* Cacti's label: one step later */
        *p++ = '"';
        for (int k = 0; k < gd->ncols; k++) {
            const struct col *cl = &gd->cols[k];
            double x = cl->kind == COL_SUM ? sum : v[cl->src];

            /* The step in progress is unknown in every column. */
            if (cl->kind == COL_SUM && (double)t > c.now)
                x = NAN;
            *p++ = ',';
            *p++ = '"';
            p = put_num(p, x);
            *p++ = '"';
        }
        *p++ = '\n';
        buf_append(b, line, (size_t)(p - line));
    }
}

struct demo_reply *demo_cacti_xport(struct demo *d, const struct query *q,
                                    int *status)
{
    static const char *const vars[] = { "local_graph_id", "rra_id",
                                        "graph_start", "graph_end" };
    long long v[4], now = (long long)floor(d->now), start, end;
    const char *gid = demo_cacti_var(q, "local_graph_id");
    struct buf b = { 0 };
    uint32_t h;
    int g;

    for (int i = 0; i < 4; i++)
        if (!demo_cacti_int_var(q, vars[i], 0, &v[i]))
            return demo_cacti_invalid(d, status, vars[i],
                                      demo_cacti_var(q, vars[i]));
    /* An unknown graph: PHP fails on a missing row, HTTP 500, no body. */
    if (gid == NULL || *gid == '\0' || !demo_cacti_graph_of(d, v[0], &h, &g))
        return demo_cacti_reply(d, status, 500, &b);
    start = xport_time(v[2], now, -86400);
    end = xport_time(v[3], now, -300);
    if (start < end)
        xport_csv(&b, d, h, g, start, end);
    return demo_cacti_reply(d, status, 200,
                            &b); /* start >= end: rrdtool fails: empty */
}
