/*
 * Unit tests for the Cacti parser of graph_xport.php's CSV export, on the
 * lab's recorded answers in tests/data/cacti (see its README.md). The key
 * test compares every value of each CSV with `rrdtool fetch` of the RRD
 * files behind it, at the same epoch.
 */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/cacti.h"
#include "tests/unit/testutil_cacti.h"

#define EMPTY_MSG                                                              \
    "empty export (Cacti sends an empty body when rrdtool fails or the "       \
    "range lies outside the data)"

/* ---- helpers ------------------------------------------------------------- */

/* Parse s expecting failure; the message must contain want. */
static void xport_fails(const char *s, size_t n, long long req,
                        const char *want)
{
    struct cacti_export x = { 0 };
    struct mc_err e = { 0 };

    ck_assert_msg(cacti_parse_xport(s, n, req, &x, &e) == -1, "accepted: %.60s",
                  s);
    ck_assert_msg(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg,
                  want);
    /* A failed parse leaves nothing behind. */
    ck_assert_ptr_null(x.series);
    ck_assert_ptr_null(x.title);
    ck_assert_uint_eq(x.npoints, 0);
    cacti_export_free(&x);
}

static const struct cacti_series *series(const struct cacti_export *x,
                                         const char *name)
{
    for (size_t k = 0; k < x->nseries; k++)
        if (strcmp(x->series[k].name, name) == 0)
            return &x->series[k];
    ck_abort_msg("no series \"%s\"", name);
    return NULL;
}

/* Asserts series name of x equals mul x column col of the fetch file. */
static void assert_same_as_fetch(const struct cacti_export *x, const char *name,
                                 const char *fetch_file, size_t col, double mul)
{
    const struct cacti_series *s = series(x, name);
    struct fetch f;

    ct_fetch_load(fetch_file, &f);
    ck_assert_uint_lt(col, f.cols);
    ck_assert_msg(ct_matches(x, s->v, &f, col, mul, 0) == x->npoints,
                  "%s: %zu of %zu points equal %s", name,
                  ct_matches(x, s->v, &f, col, mul, 0), x->npoints, fetch_file);
}

/* ---- graph_xport.php CSV ------------------------------------------------- */

START_TEST(test_xport_metadata)
{
    size_t n;
    char *p = ct_slurp("xport-load.csv", &n);
    struct cacti_export x, y;

    /* The body starts with a UTF-8 BOM. */
    ck_assert_int_eq(memcmp(p, "\xEF\xBB\xBF\"Title\"", 10), 0);
    x = ct_xport_ok(p, n, WIN_START);
    ck_assert_str_eq(x.title, "prd-web-01 - Load Average");
    ck_assert_str_eq(x.vlabel, "run queue");
    ck_assert_int_eq(x.graph_id, 6);
    ck_assert_int_eq(x.host_id, 4);
    ck_assert_int_eq(x.step, 10);
    ck_assert_uint_eq(x.npoints, 60);
    ck_assert_int_eq(x.utc_offset, 0);
    /* The helper column col18-d is left out by its name. */
    ck_assert_uint_eq(x.nseries, 3);
    ck_assert_str_eq(x.series[0].name, "1 Minute Average");
    ck_assert_str_eq(x.series[1].name, "5 Minute Average");
    ck_assert_str_eq(x.series[2].name, "15 Minute Average");
    ck_assert_double_eq(x.series[0].v[0], 24);
    ck_assert_double_eq(x.series[2].v[59], 26);

    /* The same without the BOM, with CR LF, and without the last LF. */
    {
        struct buf b = { 0 };

        for (size_t i = 3; i < n; i++) {
            if (p[i] == '\n')
                buf_putc(&b, '\r');
            buf_putc(&b, p[i]);
        }
        b.len -= 2;
        y = ct_xport_ok(b.data, b.len, WIN_START);
        buf_free(&b);
    }
    ck_assert_int_eq(y.start, x.start);
    ck_assert_uint_eq(y.npoints, x.npoints);
    ck_assert_str_eq(y.title, x.title);
    ck_assert_int_eq(
        memcmp(y.series[1].v, x.series[1].v, x.npoints * sizeof(double)), 0);
    cacti_export_free(&y);
    cacti_export_free(&x);
    cacti_export_free(&x);
    free(p);
}
END_TEST

/*
 * The key test: each CSV against `rrdtool fetch` of its RRD files over the
 * same window. Cacti labels a value one step later than rrdtool; parsed,
 * point i sits at start + i * step, which is rrdtool's time of the value.
 */
START_TEST(test_xport_equals_rrdtool_fetch)
{
    struct cacti_export x = ct_xport_file("xport-load.csv", WIN_START);
    struct fetch f;

    /* rrdtool's first row of the window is point 0: 08:09:20 UTC. */
    ct_fetch_load("rrdtool-fetch-prd-web-01_load_1min_7.txt", &f);
    ck_assert_int_eq(f.t[0], FETCH_FIRST);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    ck_assert_int_eq(x.start, WIN_START + x.step);
    /* ... and the last one is graph_end: the points are (start, end]. */
    ck_assert_int_eq(x.start + (long long)(x.npoints - 1) * x.step, WIN_END);
    assert_same_as_fetch(&x, "1 Minute Average",
                         "rrdtool-fetch-prd-web-01_load_1min_7.txt", 0, 1);
    assert_same_as_fetch(&x, "5 Minute Average",
                         "rrdtool-fetch-prd-web-01_load_5min_10.txt", 0, 1);
    assert_same_as_fetch(&x, "15 Minute Average",
                         "rrdtool-fetch-prd-web-01_load_15min_8.txt", 0, 1);
    /* Cacti's own labels (one step later) would not line up: the
     * comparison can tell the two apart. */
    ck_assert_uint_lt(
        ct_matches(&x, series(&x, "1 Minute Average")->v, &f, 0, 1, x.step),
        x.npoints);
    cacti_export_free(&x);

    /* Traffic: the CSV is in bits, the RRD in bytes (a CDEF of x8). */
    x = ct_xport_file("xport-traffic-lo.csv", WIN_START);
    ck_assert_str_eq(x.vlabel, "bits per second");
    ck_assert_int_eq(x.start, FETCH_FIRST);
    assert_same_as_fetch(&x, "Inbound",
                         "rrdtool-fetch-prd-web-01_traffic_in_55.txt", 0, 8);
    assert_same_as_fetch(&x, "Outbound",
                         "rrdtool-fetch-prd-web-01_traffic_in_55.txt", 1, 8);
    ct_fetch_load("rrdtool-fetch-prd-web-01_traffic_in_55.txt", &f);
    ck_assert_uint_lt(ct_matches(&x, series(&x, "Inbound")->v, &f, 0, 1, 0),
                      x.npoints / 2);
    cacti_export_free(&x);

    /* Memory: kilobytes in the RRD, bytes in the CSV (a CDEF of x1024). */
    x = ct_xport_file("xport-memory.csv", WIN_START);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    assert_same_as_fetch(&x, "Total",
                         "rrdtool-fetch-prd-web-01_mem_total_21.txt", 0, 1024);
    assert_same_as_fetch(
        &x, "Buffers", "rrdtool-fetch-prd-web-01_mem_buffers_16.txt", 0, 1024);
    assert_same_as_fetch(&x, "Cache",
                         "rrdtool-fetch-prd-web-01_mem_cache_17.txt", 0, 1024);
    assert_same_as_fetch(&x, "Free", "rrdtool-fetch-prd-web-01_mem_free_19.txt",
                         0, 1024);
    cacti_export_free(&x);

    /* CPU: as stored (IO Wait has no RRD file among the fixtures). */
    x = ct_xport_file("xport-cpu.csv", WIN_START);
    ck_assert_uint_eq(x.nseries, 4);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    assert_same_as_fetch(&x, "System",
                         "rrdtool-fetch-prd-web-01_sscpusystem_26.txt", 0, 1);
    assert_same_as_fetch(&x, "User",
                         "rrdtool-fetch-prd-web-01_sscpuuser_27.txt", 0, 1);
    assert_same_as_fetch(&x, "Idle",
                         "rrdtool-fetch-prd-web-01_sscpuidle_25.txt", 0, 1);
    cacti_export_free(&x);

    x = ct_xport_file("xport-processes.csv", WIN_START);
    ck_assert_uint_eq(x.nseries, 1);
    ck_assert_int_eq(x.host_id, 1);
    assert_same_as_fetch(&x, "Running Processes",
                         "rrdtool-fetch-lab-cacti_proc_1.txt", 0, 1);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_helper_columns)
{
    static const char *const mem[] = { "Total", "Buffers", "Cache", "Free" };
    struct cacti_export x = ct_xport_file("xport-traffic-lo.csv", WIN_START);

    /* col10-cdefa Inbound col12-cdeff Outbound */
    ck_assert_uint_eq(x.nseries, 2);
    ck_assert_str_eq(x.series[0].name, "Inbound");
    ck_assert_str_eq(x.series[1].name, "Outbound");
    ck_assert_double_eq(x.series[0].v[0], 736);
    ck_assert_double_eq(x.series[1].v[0], 848);
    cacti_export_free(&x);

    /* Helper columns at the end. */
    x = ct_xport_file("xport-memory.csv", WIN_START);
    ck_assert_uint_eq(x.nseries, 4);
    for (size_t k = 0; k < 4; k++)
        ck_assert_str_eq(x.series[k].name, mem[k]);
    cacti_export_free(&x);

    /* Only names of the form col<digits>- are helpers. */
    {
        static const char csv[] =
            "\"Step\",\"10\"\n\"\"\n"
            "\"Date\",\"col\",\"col-1\",\"colX-a\",\"col12\",\"col7-b\","
            "\"Colour\"\n"
            "\"2026-01-01 00:00:10\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"\n";

        x = ct_xport_ok(csv, strlen(csv), 0);
        ck_assert_uint_eq(x.nseries, 5);
        ck_assert_str_eq(x.series[3].name, "col12");
        ck_assert_str_eq(x.series[4].name, "Colour");
        ck_assert_double_eq(x.series[4].v[0], 6);
        cacti_export_free(&x);
    }
}
END_TEST

START_TEST(test_xport_counter_joint)
{
    /* Back-filled rows, 2 NaN rows where the real counters start, real
     * values, the step in progress as NaN. */
    struct cacti_export x =
        ct_xport_file("xport-traffic-lo-recent.csv", RECENT_START);

    ck_assert_uint_eq(x.npoints, 91);
    ck_assert_int_eq(x.utc_offset, 0);
    ck_assert_int_eq(x.start, 1795680870); /* 08:14:30: Start Date */
    for (size_t k = 0; k < 2; k++) {
        size_t known = 0;

        for (size_t i = 0; i < x.npoints; i++) {
            ck_assert_msg(isnan(x.series[k].v[i]) ==
                              (i == 85 || i == 86 || i == 90),
                          "series %zu point %zu", k, i);
            known += !isnan(x.series[k].v[i]);
        }
        /* 88 known values, the newest the row before the step in
           progress. */
        ck_assert_uint_eq(known, 88);
        ck_assert(isfinite(x.series[k].v[89]));
    }
    cacti_export_free(&x);

    x = ct_xport_file("xport-load-recent.csv", RECENT_START);
    ck_assert_uint_eq(x.npoints, 91);
    for (size_t i = 0; i < x.npoints; i++)
        ck_assert(isnan(x.series[0].v[i]) == (i == 90));
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_unescaped_quotes)
{
    struct cacti_export x =
        ct_xport_file("malformed-unescaped-quotes.csv", WIN_START);

    ck_assert_str_eq(x.title, "prd-web-01 - \"Disk\" usage, / and \"tmp\"");
    ck_assert_str_eq(x.vlabel, "bytes \"used\"");
    ck_assert_int_eq(x.graph_id, 31);
    /* "Nth Percentile" and "Summation" lines are skipped. */
    ck_assert_uint_eq(x.npoints, 3);
    ck_assert_uint_eq(x.nseries, 2);
    ck_assert_str_eq(x.series[0].name, "Used \"root\"");
    ck_assert_str_eq(x.series[1].name, "Free, \"tmp\"");
    ck_assert_double_eq(x.series[0].v[1], 42);
    ck_assert(isnan(x.series[0].v[2]));
    ck_assert(isnan(x.series[1].v[1])); /* -nan */
    ck_assert_double_eq(x.series[1].v[2], 7);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    cacti_export_free(&x);
}
END_TEST

/* A copy of the CSV p with every date moved by secs (a server elsewhere). */
static char *shift_dates(const char *p, size_t n, long long secs, size_t *out)
{
    struct buf b = { 0 };
    size_t i = 0;

    while (i < n) {
        int y, mo, d, h, mi, s, used = 0;
        char tmp[32];

        if (p[i] == '"' && n - i > 21 && p[i + 20] == '"' &&
            sscanf(p + i + 1, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
                   &s, &used) == 6 &&
            used == 19) {
            struct tm tm = { .tm_year = y - 1900,
                             .tm_mon = mo - 1,
                             .tm_mday = d,
                             .tm_hour = h,
                             .tm_min = mi,
                             .tm_sec = s };
            time_t t = timegm(&tm) + (time_t)secs;

            gmtime_r(&t, &tm);
            strftime(tmp, sizeof tmp, "\"%Y-%m-%d %H:%M:%S\"", &tm);
            buf_puts(&b, tmp);
            i += 21;
            continue;
        }
        buf_putc(&b, p[i++]);
    }
    *out = b.len;
    return buf_steal(&b);
}

START_TEST(test_xport_local_time)
{
    /* Berlin in summer, New York, Kathmandu (+5:45), Chatham (+13:45). */
    static const long zones[] = { 7200, -18000, 20700, 49500, -3600 };
    size_t n, sn;
    char *p = ct_slurp("xport-load.csv", &n);
    struct cacti_export utc = ct_xport_ok(p, n, WIN_START);

    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        char *s = shift_dates(p, n, zones[z], &sn);
        struct cacti_export x = ct_xport_ok(s, sn, WIN_START);

        ck_assert_ptr_null(strstr(s, "08:09:30\""));
        ck_assert_int_eq(x.utc_offset, zones[z]);
        ck_assert_int_eq(x.start, FETCH_FIRST);
        ck_assert_uint_eq(x.npoints, utc.npoints);
        for (size_t k = 0; k < x.nseries; k++)
            ck_assert_int_eq(memcmp(x.series[k].v, utc.series[k].v,
                                    x.npoints * sizeof(double)),
                             0);
        cacti_export_free(&x);
        /* Without the requested start the dates are taken as UTC. */
        x = ct_xport_ok(s, sn, 0);
        ck_assert_int_eq(x.utc_offset, 0);
        ck_assert_int_eq(x.start, FETCH_FIRST + zones[z]);
        cacti_export_free(&x);
        free(s);
    }
    /* A start that no time zone explains is not the range asked for. */
    xport_fails(p, n, WIN_START - 20 * 3600LL, "line 3: the export starts");
    cacti_export_free(&utc);
    free(p);
}
END_TEST

START_TEST(test_xport_large_step)
{
    /* Step 1800: rrdtool starts at the first step boundary after the
     * requested start, 1250 s later here; rounding that difference alone
     * to 15 minutes would find a zone of +00:15 too many. */
    static const char csv[] =
        "\"Start Date\",\"2026-11-26 09:30:00\"\n\"Step\",\"1800\"\n\"\"\n"
        "\"Date\",\"a\"\n"
        "\"2026-11-26 10:00:00\",\"1\"\n\"2026-11-26 10:30:00\",\"2\"\n";
    struct cacti_export x = ct_xport_ok(csv, strlen(csv), WIN_START);

    ck_assert_int_eq(x.utc_offset, 3600);
    ck_assert_int_eq(x.start, 1795681800); /* 08:30:00 UTC */
    ck_assert_int_eq(x.start % 1800, 0);
    ck_assert_int_eq(x.step, 1800);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_dst)
{
    /* Europe/Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET. */
    static const char fall[] =
        "\"Start Date\",\"2026-10-25 02:30:00\"\n\"Step\",\"600\"\n\"\"\n"
        "\"Date\",\"a\"\n"
        "\"2026-10-25 02:40:00\",\"1\"\n\"2026-10-25 02:50:00\",\"2\"\n"
        "\"2026-10-25 02:00:00\",\"3\"\n\"2026-10-25 02:10:00\",\"4\"\n";
    /* 1792888200 = 2026-10-25 00:30:00 UTC, 02:30 CEST */
    struct cacti_export x = ct_xport_ok(fall, strlen(fall), 1792888200 - 600);

    ck_assert_int_eq(x.utc_offset, 7200);
    ck_assert_int_eq(x.start, 1792888200);
    ck_assert_uint_eq(x.npoints, 4);
    ck_assert_double_eq(x.series[0].v[3], 4);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_empty_and_html)
{
    size_t n;
    char *p = ct_slurp("xport-start-only-recent.csv", &n);

    ck_assert_uint_eq(n, 0);
    xport_fails(p, n, RECENT_START, EMPTY_MSG);
    free(p);
    p = ct_slurp("xport-missing-graph.txt", &n); /* HTTP 500, empty body */
    xport_fails(p, n, WIN_START, EMPTY_MSG);
    free(p);
    xport_fails(NULL, 0, 0, EMPTY_MSG);
    xport_fails("\xEF\xBB\xBF\n", 4, 0, EMPTY_MSG);

    p = ct_slurp("xport-no-session.html", &n);
    xport_fails(p, n, WIN_START, LOGIN_MSG);
    free(p);
    p = ct_slurp("graph_json-no-session.json", &n);
    xport_fails(p, n, WIN_START, "not logged in");
    free(p);
    {
        static const char v[] =
            "<br><strong>Validation error for variable local_graph_id with a "
            "value of abc.  See backtrace below for more details.</strong>";

        xport_fails(v, strlen(v), 0,
                    "Cacti refused the request: Validation error for "
                    "variable local_graph_id");
    }
    xport_fails("<html><body>Fatal</body></html>", 31, 0,
                "not a CSV export (Cacti sent an HTML page: Fatal)");
}
END_TEST

START_TEST(test_xport_malformed)
{
#define M "\"Step\",\"10\"\n\"Total Rows\",\"2\"\n\"\"\n\"Date\",\"a\",\"b\"\n"
    static const struct {
        const char *in, *want;
    } bad[] = {
        /* truncated inside a field */
        { M "\"2026-01-01 00:00:10\",\"1\",\"2", "line 5: a quoted field" },
        /* more and fewer fields than the header */
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\",\"3\"\n",
          "line 5: 4 fields, the header has 3" },
        { M "\"2026-01-01 00:00:10\",\"1\"\n",
          "line 5: 2 fields, the header has 3" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\"\n"
            "\"2026-01-01 00:00:25\",\"1\",\"2\"\n",
          "line 6: date 2026-01-01 00:00:25 does not follow" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\"\n"
            "\"2026-01-01 00:00:10\",\"1\",\"2\"\n",
          "line 6: date" },
        { M "\"2026-13-01 00:00:10\",\"1\",\"2\"\n", "line 5: bad date" },
        { M "\"2026-02-30 00:00:10\",\"1\",\"2\"\n", "line 5: bad date" },
        { M "\"yesterday\",\"1\",\"2\"\n", "line 5: bad date" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"x\"\n",
          "line 5: column 3: bad value \"x\"" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"\"\n", "line 5: column 3" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"1e\"\n", "line 5: column 3" },
        { M "\"2026-01-01 00:00:10\",\"1\",\"0x10\"\n", "line 5: column 3" },
        /* the export ends early */
        { M "\"2026-01-01 00:00:10\",\"1\",\"2\"\n",
          "line 5: 1 rows, \"Total Rows\" says 2" },
        /* a Total Rows that no body could hold allocates nothing big */
        { "\"Step\",\"10\"\n\"Total Rows\",\"999999999999\"\n\"\"\n"
          "\"Date\",\"a\"\n\"2026-01-01 00:00:10\",\"1\"\n",
          "line 5: 1 rows, \"Total Rows\" says 999999999999" },
        { "\"Title\",\"x\"\n\"Step\",\"10\"\n\"\"\n", "before its header" },
        { "\"Title\",\"x\"\n", "line 1: the export ends before its header" },
        { "\"Step\",\"0\"\n\"\"\n\"Date\",\"a\"\n", "line 1: bad Step \"0\"" },
        { "\"Step\",\"ten\"\n", "line 1: bad Step \"ten\"" },
        { "\"Step\",\"-10\"\n", "line 1: bad Step" },
        { "\"Step\",\"99999999999999999999999\"\n", "line 1: bad Step" },
        { "\"Title\",\"t\"\n\"Start Date\",\"now\"\n",
          "line 2: bad Start Date" },
        { "\"Graph ID\",\"six\"\n", "line 1: bad Graph ID" },
        { "\"Total Rows\",\"-1\"\n", "line 1: bad Total Rows" },
        { "\"Step\",\"10\"\n\"\"\n\"Date\"\n", "line 3: the header has no" },
        { "\"Title\",\"x\"\nTitle,x\n", "line 2: not a CSV line" },
        { "\"\"\n\"Date\",\"a\"\n\"2026-01-01 00:00:10\",\"1\"\n",
          "line 2: no Step line" },
        { "\"\"\n\"Date\",\"a\"\n\"2026-01-01 00:00:10\",\"1\"\n"
          "\"2026-01-01 00:00:00\",\"1\"\n",
          "line 4: no Step line, and the rows do not give one" },
        { "\"Title\",\"unterminated\n", "line 1: not a CSV line" },
    };
#undef M

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        xport_fails(bad[i].in, strlen(bad[i].in), 0, bad[i].want);
}
END_TEST

START_TEST(test_xport_values)
{
    static const char csv[] =
        "\"Step\",\"60\"\n\"\"\n\"Date\",\"v\"\n"
        "\"2026-01-01 00:01:00\",\"1.5e+00\"\n"
        "\"2026-01-01 00:02:00\",\"1e999\"\n"
        "\"2026-01-01 00:03:00\",\"-1e999\"\n"
        "\"2026-01-01 00:04:00\",\"1.7976931348623157e+308\"\n"
        "\"2026-01-01 00:05:00\",\"-0.25\"\n"
        "\"2026-01-01 00:06:00\",\"nan\"\n"
        "\"2026-01-01 00:07:00\",\"-inf\"\n"
        "\"2026-01-01 00:08:00\",\"12345678901234567890123\"\n"
        "\"2026-01-01 00:09:00\",\"4.9e-324\"\n";
    struct cacti_export x = ct_xport_ok(csv, strlen(csv), 0);
    const double *v = x.series[0].v;

    /* No Total Rows, no Start Date; dates as UTC without req_start. */
    ck_assert_uint_eq(x.npoints, 9);
    ck_assert_int_eq(x.step, 60);
    ck_assert_int_eq(x.start, 1767225600); /* 2026-01-01 00:00:00 UTC */
    ck_assert_double_eq(v[0], 1.5);
    ck_assert(isnan(v[1]) && isnan(v[2]));
    ck_assert_double_eq(v[3], 1.7976931348623157e+308);
    ck_assert_double_eq(v[4], -0.25);
    ck_assert(isnan(v[5]) && isnan(v[6]));
    ck_assert_double_eq_tol(v[7], 1.2345678901234568e22, 1e7);
    ck_assert(v[8] > 0);
    cacti_export_free(&x);
}
END_TEST

/* Values convert exactly as strtod() does, whatever their form. */
START_TEST(test_xport_values_exact)
{
    struct buf b = { 0 };
    uint32_t seed = 99;
    double want[1000];
    struct cacti_export x;

    buf_puts(&b, "\"Step\",\"1\"\n\"\"\n\"Date\",\"v\"\n");
    for (int i = 0; i < 1000; i++) {
        char num[64];
        double mant, v;
        int ex;

        seed = seed * 1103515245u + 12345u;
        mant = (double)(seed >> 8) / (double)(1u << 24);
        seed = seed * 1103515245u + 12345u;
        ex = (int)((seed >> 16) % 80) - 40;
        v = (seed & 1 ? -mant : mant) * pow(10, ex);
        switch (i % 5) {
        case 0:
            snprintf(num, sizeof num, "%.10e", v); /* rrdtool's */
            break;
        case 1:
            snprintf(num, sizeof num, "%.15g", v);
            break;
        case 2:
            snprintf(num, sizeof num, "%.17g", v);
            break;
        case 3:
            snprintf(num, sizeof num, "%.3f", v);
            break;
        default:
            snprintf(num, sizeof num, "%.14e", v);
            break;
        }
        want[i] = strtod(num, NULL);
        buf_printf(&b, "\"2026-01-01 00:%02d:%02d\",\"%s\"\n", (i + 1) / 60,
                   (i + 1) % 60, num);
    }
    x = ct_xport_ok(b.data, b.len, 0);
    ck_assert_uint_eq(x.npoints, 1000);
    for (size_t i = 0; i < 1000; i++)
        ck_assert_msg(memcmp(&x.series[0].v[i], &want[i], sizeof(double)) == 0,
                      "row %zu: %.17g != %.17g", i, x.series[0].v[i], want[i]);
    cacti_export_free(&x);
    buf_free(&b);
}
END_TEST

START_TEST(test_xport_step_from_rows)
{
    /* No Step line: the first two rows give it. */
    static const char csv[] = "\"\"\n\"Date\",\"a\"\n"
                              "\"2026-01-01 00:05:00\",\"1\"\n"
                              "\"2026-01-01 00:10:00\",\"2\"\n"
                              "\"2026-01-01 00:15:00\",\"3\"\n";
    struct cacti_export x = ct_xport_ok(csv, strlen(csv), 0);

    ck_assert_int_eq(x.step, 300);
    ck_assert_uint_eq(x.npoints, 3);
    ck_assert_int_eq(x.start, 1767225600);
    cacti_export_free(&x);
}
END_TEST

START_TEST(test_xport_locale_independent)
{
    static const char *const locales[] = { "de_DE.UTF-8", "de_DE.utf8",
                                           "fr_FR.UTF-8", "ru_RU.UTF-8" };
    const char *old = setlocale(LC_NUMERIC, NULL);
    char *saved = old != NULL ? strdup(old) : NULL;
    struct cacti_export x;

    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
        if (setlocale(LC_NUMERIC, locales[i]) != NULL)
            break;
    x = ct_xport_file("xport-memory.csv", WIN_START);
    ck_assert_double_eq(x.series[0].v[0], 45056);
    cacti_export_free(&x);
    setlocale(LC_NUMERIC, saved != NULL ? saved : "C");
    free(saved);
}
END_TEST

/* Every prefix of a real export: complete only without its last LF. */
START_TEST(test_xport_truncated)
{
    size_t n;
    char *p = ct_slurp("xport-load.csv", &n);

    for (size_t len = 0; len <= n; len++) {
        struct cacti_export x = { 0 };
        struct mc_err e = { 0 };
        char *c = malloc(len + 1);
        int rc;

        memcpy(c, p, len);
        rc = cacti_parse_xport(c, len, WIN_START, &x, &e);
        ck_assert_msg(rc == (len >= n - 1 ? 0 : -1), "prefix %zu: %d %s", len,
                      rc, e.msg);
        ck_assert(rc == 0 || e.msg[0] != '\0');
        cacti_export_free(&x);
        free(c);
    }
    free(p);

    p = ct_slurp("malformed-truncated.csv", &n);
    xport_fails(p, n, WIN_START, "line 38: a quoted field is not closed");
    free(p);
}
END_TEST

/* Deterministic mutations of every fixture through every parser. */
START_TEST(test_no_crash_on_garbage)
{
    static const char *const files[] = {
        "xport-load.csv",
        "xport-traffic-lo.csv",
        "rrdtool-xport-load_1min.json",
        "list-prd-web-01.html",
        "get_node-tree-lab.html",
        "ajax_hosts.json",
        "login-page.html",
        "malformed-unescaped-quotes.csv",
    };
    static const char junk[] = "\"\",<>&;#x\n\r\0-9eN";
    uint32_t seed = 12345;
    size_t ok = 0, failed = 0;

    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t n;
        char *p = ct_slurp(files[f], &n);

        for (int round = 0; round < 300; round++) {
            char *c = malloc(n + 1);
            size_t len = n;

            memcpy(c, p, n);
            for (int k = 0; k < 1 + round % 4; k++) {
                seed = seed * 1103515245u + 12345u;
                if (n > 0)
                    c[(seed >> 8) % n] = junk[(seed >> 4) % (sizeof junk - 1)];
            }
            if (round % 3 == 0 && n > 0)
                len = (seed >> 3) % n;
            {
                struct cacti_export x = { 0 };
                struct cacti_graph_list g = { 0 };
                struct cacti_node_list nl = { 0 };
                struct cacti_device_list d = { 0 };
                struct mc_err e = { 0 };
                char *t;
                int rc = cacti_parse_xport(c, len, WIN_START, &x, &e);

                ck_assert(rc == 0 || rc == -1);
                if (rc == 0) {
                    ck_assert_int_gt(x.step, 0);
                    ok++;
                } else {
                    ck_assert(e.msg[0] != '\0');
                    ck_assert_ptr_null(x.series);
                    failed++;
                }
                cacti_export_free(&x);
                if (cacti_parse_rrd_json(c, len, &x, &e) == 0)
                    ck_assert_int_gt(x.step, 0);
                cacti_export_free(&x);
                cacti_parse_graphs(c, len, &g, &e);
                cacti_graph_list_free(&g);
                cacti_parse_nodes(c, len, &nl, &e);
                cacti_node_list_free(&nl);
                cacti_parse_devices(c, len, &d, &e);
                cacti_device_list_free(&d);
                free(cacti_login_token(c, len));
                t = cacti_html_text(c, len);
                ck_assert_ptr_nonnull(t);
                free(t);
                (void)cacti_page_kind(c, len);
            }
            free(c);
        }
        free(p);
    }
    /* Both outcomes happened: the mutations reached the parser. */
    ck_assert_uint_gt(ok, 0);
    ck_assert_uint_gt(failed, 0);
}
END_TEST

Suite *cacti_xport_suite(void)
{
    Suite *s = suite_create("cacti_xport");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_xport_metadata);
    tcase_add_test(tc, test_xport_equals_rrdtool_fetch);
    tcase_add_test(tc, test_xport_helper_columns);
    tcase_add_test(tc, test_xport_counter_joint);
    tcase_add_test(tc, test_xport_unescaped_quotes);
    tcase_add_test(tc, test_xport_local_time);
    tcase_add_test(tc, test_xport_large_step);
    tcase_add_test(tc, test_xport_dst);
    tcase_add_test(tc, test_xport_empty_and_html);
    tcase_add_test(tc, test_xport_malformed);
    tcase_add_test(tc, test_xport_values);
    tcase_add_test(tc, test_xport_values_exact);
    tcase_add_test(tc, test_xport_step_from_rows);
    tcase_add_test(tc, test_xport_locale_independent);
    tcase_add_test(tc, test_xport_truncated);
    tcase_add_test(tc, test_no_crash_on_garbage);
    suite_add_tcase(s, tc);
    return s;
}
