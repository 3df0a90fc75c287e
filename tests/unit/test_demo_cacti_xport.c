/*
 * Unit tests for the demo site's Cacti exports (backend/demo_cacti*.c): its
 * graph_xport.php answers must have the wire format of the real Cacti
 * 1.2.24 recorded in tests/data/cacti (BOM, metadata, helper columns,
 * labels one step late, the traps), and the production parsers must read
 * back exactly the generator's values.
 */
#include <cJSON.h>
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/cacti.h"
#include "backend/demo.h"
#include "backend/demo_cacti.h"
#include "tests/unit/testutil_demo_cacti.h"

/* ---- helpers ------------------------------------------------------------- */

/*
 * Checks inside loops over thousands of rows. Check records every passing
 * assertion (slow, above all under valgrind), so these count the failures
 * and report the first one in a single assertion.
 */
struct soft {
    int bad;
    char first[256];
};
#define SOFT(sf, cond, ...)                                                    \
    do {                                                                       \
        if (!(cond) && (sf)->bad++ == 0)                                       \
            snprintf((sf)->first, sizeof((sf)->first), __VA_ARGS__);           \
    } while (0)
#define SOFT_DONE(sf)                                                          \
    ck_assert_msg((sf)->bad == 0, "%d failed, the first: %s", (sf)->bad,       \
                  (sf)->first)

/* Lines of a body (LF); the array and the copy are freed by lines_free. */
struct lines {
    char **v;
    size_t n;
    char *buf;
};

static struct lines lines_of(const char *s, size_t len)
{
    struct lines l = { 0 };
    size_t cap = 16;

    l.buf = malloc(len + 1);
    memcpy(l.buf, s, len);
    l.buf[len] = '\0';
    l.v = malloc(cap * sizeof(char *));
    for (char *p = l.buf; *p != '\0';) {
        char *nl = strchr(p, '\n');

        if (nl == NULL)
            ck_abort_msg("last line not LF-terminated: %.40s", p);
        *nl = '\0';
        if (l.n == cap)
            l.v = realloc(l.v, (cap *= 2) * sizeof(char *));
        l.v[l.n++] = p;
        p = nl + 1;
    }
    return l;
}

static void lines_free(struct lines *l)
{
    free(l->v);
    free(l->buf);
}

/* The fields of a CSV line, each double-quoted; -1 if malformed. */
static int fields(char *line, char **out, int max)
{
    int n = 0;
    char *p = line;

    for (;;) {
        char *q = *p == '"' ? strchr(p + 1, '"') : NULL;

        if (q == NULL || n == max || (q[1] != '\0' && q[1] != ','))
            return -1;
        *q = '\0';
        out[n++] = p + 1;
        if (q[1] == '\0')
            return n;
        p = q + 2;
    }
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) to an epoch; -1 for any other shape. */
static long long epoch_of(const char *s)
{
    struct tm tm = { 0 };
    int n = 0;

    if (strlen(s) != 19 ||
        sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
        n != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
        s[16] != ':')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm);
}

/* One metadata line: "Key","Value". */
static char *meta(struct lines *l, size_t i, const char *key)
{
    char *f[4];

    ck_assert_uint_lt(i, l->n);
    ck_assert_int_eq(fields(l->v[i], f, 4), 2);
    ck_assert_str_eq(f[0], key);
    return f[1];
}

/* A parsed export (the demo's CSV, read by these tests themselves). */
struct csv {
    char *title, *vlabel;
    long long start, end, step, rows, graph, host;
    int ncols;
    char *col[8];
    long long *label; /* rows */
    char **val;       /* rows x ncols, the text of each value */
    struct lines l;
};

static void csv_parse(const char *body, size_t len, struct csv *c)
{
    char *f[9];
    struct soft sf = { 0 };

    memset(c, 0, sizeof(*c));
    ck_assert_uint_gt(len, 3);
    ck_assert_msg(memcmp(body, "\xEF\xBB\xBF", 3) == 0, "no UTF-8 BOM");
    ck_assert_msg(memchr(body, '\r', len) == NULL, "CR in the CSV");
    c->l = lines_of(body + 3, len - 3);
    ck_assert_uint_ge(c->l.n, 10);
    c->title = meta(&c->l, 0, "Title");
    c->vlabel = meta(&c->l, 1, "Vertical Label");
    c->start = epoch_of(meta(&c->l, 2, "Start Date"));
    c->end = epoch_of(meta(&c->l, 3, "End Date"));
    ck_assert(c->start > 0 && c->end > 0);
    c->step = atoll(meta(&c->l, 4, "Step"));
    c->rows = atoll(meta(&c->l, 5, "Total Rows"));
    c->graph = atoll(meta(&c->l, 6, "Graph ID"));
    c->host = atoll(meta(&c->l, 7, "Host ID"));
    ck_assert_str_eq(c->l.v[8], "\"\"");
    c->ncols = fields(c->l.v[9], f, 9) - 1;
    ck_assert_int_gt(c->ncols, 0);
    ck_assert_str_eq(f[0], "Date");
    for (int i = 0; i < c->ncols; i++)
        c->col[i] = f[i + 1];
    ck_assert_int_eq((long long)c->l.n - 10, c->rows);
    c->label = calloc((size_t)c->rows + 1, sizeof(long long));
    c->val = calloc((size_t)(c->rows * c->ncols) + 1, sizeof(char *));
    for (long long i = 0; i < c->rows; i++) {
        const char *line = c->l.v[10 + i];
        int n = fields(c->l.v[10 + i], f, 9);

        SOFT(&sf, n == c->ncols + 1, "row %lld: %s", i, line);
        if (n != c->ncols + 1)
            continue;
        c->label[i] = epoch_of(f[0]);
        SOFT(&sf, c->label[i] > 0, "row %lld: date %s", i, f[0]);
        for (int k = 0; k < c->ncols; k++)
            c->val[i * c->ncols + k] = f[k + 1];
    }
    SOFT_DONE(&sf);
}

static void csv_free(struct csv *c)
{
    free(c->label);
    free(c->val);
    lines_free(&c->l);
}

static struct csv csv_get(struct demo *d, long id, long long s, long long e)
{
    size_t len;
    char *body = dc_get_ok(d, dc_xport_path(id, s, e), &len);
    struct csv c;

    csv_parse(body, len, &c);
    free(body);
    return c;
}

static bool is_helper(const char *col)
{
    return strncmp(col, "col", 3) == 0 && strchr(col, '-') != NULL;
}

/* rrdtool's "%.10e", NaN as "NaN". */
static void fmt(char *out, size_t len, double v)
{
    if (isnan(v))
        snprintf(out, len, "NaN");
    else
        snprintf(out, len, "%.10e", v);
}

/* ---- graph_xport --------------------------------------------------------- */

START_TEST(test_dc_xport_format)
{
    static const char *const cols[] = { "1 Minute Average", "5 Minute Average",
                                        "15 Minute Average", "col19-cdefbc",
                                        "col20-d" };
    struct demo *d = demo_new(5, 60, T0);
    struct hosts h = dc_hosts_of(d);
    int i = dc_host_with(d, &h, true);
    long id = demo_cacti_graph_id(d, i + 1, DEMO_CACTI_LOAD);
    long long start = NOW - HOUR - 17, end = NOW + 100;
    struct csv c = csv_get(d, id, start, end);
    char title[64];
    struct soft sf = { 0 };

    snprintf(title, sizeof title, "%s - Load Average", h.name[i]);
    ck_assert_str_eq(c.title, title);
    ck_assert_str_eq(c.vlabel, "processes in the run queue");
    ck_assert_int_eq(c.graph, id);
    ck_assert_int_eq(c.host, i + 1);
    ck_assert_int_eq(c.step, 60);
    /* rrdtool's first point ends the step after start; the last is end
       rounded up to the step. */
    ck_assert_int_eq(c.start, (start / 60) * 60 + 60);
    ck_assert_int_eq(c.end, ((end + 59) / 60) * 60);
    ck_assert_int_eq(c.rows, (c.end - c.start) / 60 + 1);
    ck_assert_int_eq(c.ncols, 5);
    for (int k = 0; k < 5; k++)
        ck_assert_str_eq(c.col[k], cols[k]);
    for (long long r = 0; r < c.rows; r++) {
        /* Labelled one step later than the interval's end. */
        long long t = c.start + r * c.step;
        double sum = 0;
        bool known = (double)t <= T0;

        SOFT(&sf, c.label[r] == t + c.step, "row %lld: label", r);
        SOFT(&sf, c.label[r] % c.step == 0, "row %lld: not aligned", r);
        for (int k = 0; k < 3; k++) {
            char want[32];
            double v = demo_cacti_value(d, id, k, (double)t);

            fmt(want, sizeof want, v);
            SOFT(&sf, strcmp(c.val[r * 5 + k], want) == 0, "%lld/%d: %s %s", r,
                 k, c.val[r * 5 + k], want);
            SOFT(&sf, known || isnan(v), "row %lld: known after now", r);
            sum += isnan(v) ? 0 : v;
        }
        /* col20-d copies the first series; col19-cdefbc is their sum. */
        SOFT(&sf, strcmp(c.val[r * 5 + 4], c.val[r * 5]) == 0, "%lld: d", r);
        if (known)
            SOFT(&sf,
                 fabs(strtod(c.val[r * 5 + 3], NULL) - sum) <= 1e-9 * (1 + sum),
                 "row %lld: sum %s, not %g", r, c.val[r * 5 + 3], sum);
        else
            SOFT(&sf, strcmp(c.val[r * 5 + 3], "NaN") == 0, "%lld: sum", r);
    }
    SOFT_DONE(&sf);
    /* The newest rows (the step in progress and later) are NaN. */
    ck_assert_str_eq(c.val[(c.rows - 1) * 5], "NaN");
    ck_assert_str_eq(c.val[(c.rows - 1) * 5 + 3], "NaN");
    {
        int known = 0;

        for (long long r = 0; r < c.rows; r++)
            known += strcmp(c.val[r * 5], "NaN") != 0;
        ck_assert_int_ge(known, 50);
    }
    csv_free(&c);

    /* Each graph's columns: helpers named colN-..., the rest legends. */
    {
        static const char *const want[][5] = {
            { "System", "User", "Nice", "col12-cdefbc", NULL },
            { NULL },
            { "Free", "Swap", "col9-cdefbc", NULL },
            { "col10-cdefa", "Inbound", "col12-cdeff", "Outbound", NULL },
        };
        static const char *const vl[] = { "percent", "", "bytes",
                                          "bits per second" };

        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
            if (g == DEMO_CACTI_LOAD)
                continue;
            c = csv_get(d, demo_cacti_graph_id(d, i + 1, g), NOW - HOUR, NOW);
            ck_assert_str_eq(c.vlabel, vl[g]);
            for (int k = 0; want[g][k] != NULL; k++)
                ck_assert_str_eq(c.col[k], want[g][k]);
            csv_free(&c);
        }
    }
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_xport_exact_text)
{
    /* Every value of a week at 300 s is printf's "%.10e" of the value. */
    struct demo *d = demo_new(9, 120, T0);
    struct hosts h = dc_hosts_of(d);
    int i = dc_host_with(d, &h, true);
    struct soft sf = { 0 };

    for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
        long id = demo_cacti_graph_id(d, i + 1, g);
        struct csv c = csv_get(d, id, NOW - WEEK, NOW);
        int s = 0;

        ck_assert_int_eq(c.step, 300);
        ck_assert_int_ge(c.rows, 2016);
        for (int k = 0; k < c.ncols; k++) {
            if (is_helper(c.col[k]))
                continue;
            for (long long r = 0; r < c.rows; r++) {
                char want[32];

                fmt(want, sizeof want,
                    demo_cacti_value(d, id, s, (double)(c.label[r] - 300)));
                SOFT(&sf, strcmp(c.val[r * c.ncols + k], want) == 0,
                     "graph %ld row %lld col %d: %s, not %s", id, r, k,
                     c.val[r * c.ncols + k], want);
            }
            s++;
        }
        csv_free(&c);
    }
    SOFT_DONE(&sf);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_xport_steps)
{
    static const struct {
        long long start, end, step;
    } cases[] = {
        { NOW - HOUR, NOW, 60 },
        { NOW - DAY, NOW, 60 },
        { NOW - DAY - 1, NOW, 300 },
        { NOW - 2 * DAY, NOW - DAY - 1, 300 }, /* older than the 1 min RRA */
        { NOW - WEEK, NOW, 300 },
        { NOW - 30 * DAY, NOW, 3600 },
        { NOW + 10 * HOUR, NOW + 11 * HOUR, 60 }, /* the future */
    };
    struct demo *d = demo_new(5, 60, T0);
    long id = demo_cacti_graph_id(d, 1, DEMO_CACTI_LOAD);
    struct csv c;

    if (id == 0)
        id = demo_cacti_graph_id(d, 2, DEMO_CACTI_LOAD);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        c = csv_get(d, id, cases[k].start, cases[k].end);
        ck_assert_msg(c.step == cases[k].step, "case %zu: step %lld", k,
                      c.step);
        ck_assert_int_eq(c.start % c.step, 0);
        ck_assert_int_eq(c.label[0], c.start + c.step);
        ck_assert_int_le(c.rows, 10000);
        if (cases[k].start > NOW) {
            struct soft sf = { 0 };

            for (long long r = 0; r < c.rows; r++)
                SOFT(&sf, strcmp(c.val[r * c.ncols], "NaN") == 0, "%lld", r);
            SOFT_DONE(&sf);
        }
        csv_free(&c);
    }
    /* Two years: rrdtool's --maxrows 10000 coarsens the step. */
    c = csv_get(d, id, NOW - 730 * DAY, NOW);
    ck_assert_int_le(c.rows, 10000);
    ck_assert_int_gt(c.rows, 5000);
    ck_assert_int_eq(c.step % 3600, 0);
    ck_assert_int_gt(c.step, 3600);
    csv_free(&c);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_xport_traps)
{
    struct demo *d = demo_new(5, 60, T0);
    long id = demo_cacti_graph_id(d, 1, DEMO_CACTI_LOAD);
    char path[256], *s;
    int st = 0;
    size_t len;
    struct csv c;

    if (id == 0)
        id = demo_cacti_graph_id(d, 2, DEMO_CACTI_LOAD);
    /* No range: start now - 1 day, end now - 5 min. */
    snprintf(path, sizeof path,
             "/cacti/graph_xport.php?local_graph_id=%ld&rra_id=0", id);
    s = dc_get_ok(d, path, &len);
    csv_parse(s, len, &c);
    ck_assert_int_eq(c.start, (NOW - DAY) / 60 * 60 + 60);
    ck_assert_int_eq(c.end, (NOW - 300 + 59) / 60 * 60);
    csv_free(&c);
    free(s);
    /* graph_start alone inside the last 5 minutes: 200, empty body. */
    snprintf(path, sizeof path,
             "/cacti/graph_xport.php?local_graph_id=%ld&rra_id=0"
             "&graph_start=-120",
             id);
    s = dc_get_ok(d, path, &len);
    ck_assert_uint_eq(len, 0);
    free(s);
    /* start after end, or equal: empty too. */
    s = dc_get_ok(d, dc_xport_path(id, NOW, NOW - HOUR), &len);
    ck_assert_uint_eq(len, 0);
    free(s);
    s = dc_get_ok(d, dc_xport_path(id, NOW, NOW), &len);
    ck_assert_uint_eq(len, 0);
    free(s);
    /* Relative values count from now. */
    s = dc_get_ok(d, dc_xport_path(id, -2 * HOUR, -HOUR), &len);
    csv_parse(s, len, &c);
    ck_assert_int_eq(c.start, (NOW - 2 * HOUR) / 60 * 60 + 60);
    csv_free(&c);
    free(s);
    /* Unknown graphs: HTTP 500 with an empty body. */
    {
        static const long bad[] = { 999999, 3, 0, -4, 4 * 61 };

        for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
            s = dc_get(d, dc_xport_path(bad[k], NOW - HOUR, NOW), &st, &len);
            ck_assert_msg(st == 500, "id %ld: %d", bad[k], st);
            ck_assert_uint_eq(len, 0);
            free(s);
        }
    }
    s = dc_get(d, "/cacti/graph_xport.php?rra_id=0", &st, &len);
    ck_assert_int_eq(st, 500);
    free(s);
    /* Not a number: 200 with Cacti's validation error. */
    s = dc_get(d, "/cacti/graph_xport.php?local_graph_id=8x&rra_id=0", &st,
               &len);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_nonnull(
        strstr(s, "Validation error for variable local_graph_id with a value "
                  "of 8x."));
    free(s);
    snprintf(path, sizeof path,
             "/cacti/graph_xport.php?local_graph_id=%ld&graph_start=%%3Cb%%3E",
             id);
    s = dc_get(d, path, &st, &len);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_nonnull(strstr(s, "variable graph_start with a value of "
                                    "&lt;b&gt;."));
    free(s);
    /* Percent-encoding anywhere in the query. */
    {
        char enc[64], num[32];
        size_t o = 0;

        snprintf(num, sizeof num, "%ld", id);
        for (const char *q = num; *q != '\0'; q++)
            o += (size_t)snprintf(enc + o, sizeof enc - o, "%%%02X",
                                  (unsigned char)*q);
        snprintf(path, sizeof path,
                 "/cacti/graph%%5Fxport.php?local%%5Fgraph%%5Fid=%s&rra_id=0"
                 "&graph_start=%lld&graph_end=+%lld",
                 enc, NOW - HOUR, NOW);
        s = dc_get_ok(d, path, &len);
        csv_parse(s, len, &c);
        ck_assert_int_eq(c.graph, id);
        ck_assert_int_eq(c.rows, 61);
        csv_free(&c);
        free(s);
    }
    demo_free(d);
}
END_TEST

START_TEST(test_dc_values)
{
    struct demo *d = demo_new(5, 60, T0);
    struct hosts h = dc_hosts_of(d);
    int i = dc_host_with(d, &h, true);
    long load = demo_cacti_graph_id(d, i + 1, DEMO_CACTI_LOAD);
    struct csv a, b;
    struct soft sf = { 0 };
    int compared = 0;

    /* Overlapping requests at different steps agree at the same times. */
    a = csv_get(d, load, NOW - DAY, NOW);
    b = csv_get(d, load, NOW - 2 * DAY, NOW);
    ck_assert_int_eq(a.step, 60);
    ck_assert_int_eq(b.step, 300);
    for (long long r = 0; r < b.rows; r++) {
        /* The same interval end t: labelled t + 60 and t + 300. */
        long long t = b.label[r] - 300, k = (t + 60 - a.label[0]) / 60;

        if (k < 0 || k >= a.rows)
            continue;
        SOFT(&sf, a.label[k] - 60 == t, "label %lld", t);
        SOFT(&sf, strcmp(a.val[k * a.ncols], b.val[r * b.ncols]) == 0,
             "at %lld: %s and %s", t, a.val[k * a.ncols], b.val[r * b.ncols]);
        SOFT(&sf, strcmp(a.val[k * a.ncols + 2], b.val[r * b.ncols + 2]) == 0,
             "at %lld (15 min)", t);
        compared++;
    }
    SOFT_DONE(&sf);
    ck_assert_int_gt(compared, 280);
    csv_free(&a);
    csv_free(&b);

    /* Another site with the same seed and a later clock: the same past. */
    {
        struct demo *d2 = demo_new(5, 60, T0);

        demo_advance(d2, T0 + 600);
        a = csv_get(d, load, NOW - HOUR, NOW - 120);
        b = csv_get(d2, load, NOW - HOUR, NOW - 120);
        for (long long r = 0; r < a.rows * a.ncols; r++)
            SOFT(&sf, strcmp(a.val[r], b.val[r]) == 0, "value %lld", r);
        SOFT_DONE(&sf);
        csv_free(&a);
        csv_free(&b);
        demo_free(d2);
    }

    /* Plausible ranges over a day, for every host with a device. */
    for (int k = 0; k < h.n; k++) {
        long dev = demo_cacti_device(d, h.name[k]);

        if (dev == 0)
            continue;
        for (long long t = NOW - DAY; t < NOW; t += 900) {
            double l1 = demo_cacti_value(
                d, demo_cacti_graph_id(d, dev, DEMO_CACTI_LOAD), 0, (double)t);
            double cpu = 0;

            for (int s = 0; s < 3; s++)
                cpu += demo_cacti_value(
                    d, demo_cacti_graph_id(d, dev, DEMO_CACTI_CPU), s,
                    (double)t);
            SOFT(&sf, isnan(l1) || (l1 >= 0 && l1 < 200), "load %g", l1);
            SOFT(&sf, isnan(l1) || (cpu >= 0 && cpu <= 100), "cpu %g", cpu);
            for (int s = 0; s < 2; s++) {
                double m = demo_cacti_value(
                    d, demo_cacti_graph_id(d, dev, DEMO_CACTI_MEM), s,
                    (double)t);
                double n = demo_cacti_value(
                    d, demo_cacti_graph_id(d, dev, DEMO_CACTI_TRAFFIC), s,
                    (double)t);

                SOFT(&sf, isnan(m) || (m >= 0 && m < 128e9), "mem %g", m);
                SOFT(&sf, isnan(n) || (n > 0 && n < 1e10), "bits %g", n);
            }
        }
    }
    SOFT_DONE(&sf);
    /* No such series, no such graph: NaN. */
    ck_assert(isnan(demo_cacti_value(d, load, 3, (double)(NOW - HOUR))));
    ck_assert(isnan(demo_cacti_value(d, 2, 0, (double)(NOW - HOUR))));
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

/* A perfdata value "label=VALUE;..." of a check result. */
static double perf(const cJSON *cr, const char *label)
{
    const cJSON *it;
    size_t n = strlen(label);

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(cr, "performance_data"))
    {
        if (strncmp(it->valuestring, label, n) == 0 &&
            it->valuestring[n] == '=')
            return strtod(it->valuestring + n + 1, NULL);
    }
    return NAN;
}

START_TEST(test_dc_load_like_icinga)
{
    /* Cacti's load follows the Icinga load check of the same host. */
    struct demo *d = demo_new(5, 60, T0);
    struct hosts h = dc_hosts_of(d);
    int close = 0, compared = 0;

    for (int i = 0; i < h.n; i++) {
        long dev = demo_cacti_device(d, h.name[i]);
        char path[128], *s;
        cJSON *j, *cr;
        double t, l15, c15;

        if (dev == 0)
            continue;
        snprintf(path, sizeof path,
                 "/v1/objects/services/%s!load?attrs=last_check_result",
                 h.name[i]);
        s = dc_get_ok(d, path, NULL);
        j = cJSON_Parse(s);
        cr = cJSON_GetObjectItem(
            cJSON_GetObjectItem(
                cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0),
                "attrs"),
            "last_check_result");
        if (!cJSON_IsObject(cr)) { /* pending: no result yet */
            cJSON_Delete(j);
            free(s);
            continue;
        }
        t = cJSON_GetObjectItem(cr, "execution_end")->valuedouble;
        l15 = perf(cr, "load15");
        c15 = demo_cacti_value(d, demo_cacti_graph_id(d, dev, DEMO_CACTI_LOAD),
                               2, floor(t / 60) * 60);
        if (!isnan(l15) && !isnan(c15)) {
            compared++;
            /* Both carry noise of their own: a few percent of the core
               count apart. */
            close += fabs(l15 - c15) <= 0.15 * (1 + l15);
        }
        cJSON_Delete(j);
        free(s);
    }
    ck_assert_int_ge(compared, 40);
    ck_assert_int_ge(close, compared * 9 / 10);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_nan_gaps)
{
    /* Some hosts lost polls for a while about an hour before the start. */
    struct demo *d = demo_new(5, 240, T0);
    struct hosts h = dc_hosts_of(d);
    int gaps = 0;

    for (int i = 0; i < h.n; i++) {
        long dev = demo_cacti_device(d, h.name[i]), id;
        int run = 0, longest = 0, known = 0;

        if (dev == 0)
            continue;
        id = demo_cacti_graph_id(d, dev, DEMO_CACTI_TRAFFIC);
        for (long long t = NOW - 2 * HOUR; t <= NOW - 20 * 60; t += 60) {
            if (isnan(demo_cacti_value(d, id, 0, (double)t))) {
                run++;
                longest = run > longest ? run : longest;
            } else {
                run = 0;
                known++;
            }
        }
        gaps += longest >= 10 && known >= 30;
    }
    ck_assert_int_ge(gaps, 5);
    ck_assert_int_le(gaps, 80);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

START_TEST(test_dc_small_reads)
{
    struct demo *d = demo_new(5, 60, T0);
    long id = demo_cacti_graph_id(d, 1, DEMO_CACTI_MEM);
    size_t a_len, b_len;
    int st = 0;
    char *a, *b;

    if (id == 0)
        id = demo_cacti_graph_id(d, 2, DEMO_CACTI_MEM);
    a = dc_get_max(d, "GET", dc_xport_path(id, NOW - DAY, NOW), NULL, &st,
                   &a_len, 1 << 20);
    b = dc_get_max(d, "GET", dc_xport_path(id, NOW - DAY, NOW), NULL, &st,
                   &b_len, 7);
    ck_assert_uint_eq(a_len, b_len);
    ck_assert_int_eq(memcmp(a, b, a_len), 0);
    free(a);
    free(b);
    demo_free(d);
}
END_TEST

/* ---- the production parsers on the demo ---------------------------------- */

START_TEST(test_dc_roundtrip)
{
    struct demo *d = demo_new(5, 60, T0);
    struct hosts h = dc_hosts_of(d);
    int i = dc_host_with(d, &h, true);
    long dev = i + 1;
    struct soft sf = { 0 };
    struct cacti_device_list dl = { 0 };
    struct cacti_graph_list gl = { 0 };
    struct mc_err e = { 0 };
    size_t len;
    char *s, term[64];

    /* ajax_hosts */
    snprintf(term, sizeof term,
             "/cacti/graph_view.php?action=ajax_hosts&term=%s", h.name[i]);
    s = dc_get_ok(d, term, &len);
    ck_assert_msg(cacti_parse_devices(s, len, &dl, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_int_eq(dl.v[0].id, dev);
    ck_assert_str_eq(dl.v[0].name, h.name[i]);
    cacti_device_list_free(&dl);
    free(s);
    s = dc_get_ok(d, "/cacti/graph_view.php?action=ajax_hosts", &len);
    ck_assert_msg(cacti_parse_devices(s, len, &dl, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(dl.n, 30); /* Any and None left out */
    for (size_t k = 0; k < dl.n; k++)
        ck_assert_int_eq(dl.v[k].id, demo_cacti_device(d, dl.v[k].name));
    cacti_device_list_free(&dl);
    free(s);

    /* list */
    s = dc_get_ok(d, dc_list_path(dev, 1000), &len);
    ck_assert_msg(cacti_parse_graphs(s, len, &gl, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(gl.n, 4);
    ck_assert_int_eq(gl.total, 4);
    for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
        ck_assert_int_eq(gl.v[g].id, demo_cacti_graph_id(d, dev, g));
        ck_assert_int_eq(strncmp(gl.v[g].title, h.name[i], strlen(h.name[i])),
                         0);
        ck_assert_ptr_nonnull(gl.v[g].device);
        ck_assert_str_eq(gl.v[g].device, h.name[i]);
        ck_assert_ptr_nonnull(gl.v[g].template);
    }
    ck_assert_str_eq(gl.v[DEMO_CACTI_LOAD].title + strlen(h.name[i]),
                     " - Load Average");
    ck_assert_str_eq(gl.v[DEMO_CACTI_TRAFFIC].template, "In/Out Bits (64-bit)");
    ck_assert_str_eq(gl.v[DEMO_CACTI_LOAD].template, "Unix - Load Average");
    cacti_graph_list_free(&gl);
    free(s);
    s = dc_get_ok(d,
                  "/cacti/graph_view.php?action=list&host_id=-1&"
                  "graph_template_id=-1&rfilter=TG9hZA%3D%3D&rows=1000&page=1&"
                  "header=false",
                  &len);
    ck_assert_msg(cacti_parse_graphs(s, len, &gl, &e) == 0, "%s", e.msg);
    for (size_t k = 0; k < gl.n; k++) {
        ck_assert_ptr_null(strchr(gl.v[k].title, '<'));
        ck_assert_ptr_nonnull(strstr(gl.v[k].title, " - Load Average"));
    }
    ck_assert_int_eq(gl.total, (long)gl.n);
    cacti_graph_list_free(&gl);
    free(s);

    /* graph_xport: every value at its epoch, for each graph and range. */
    {
        static const long long spans[] = { HOUR, DAY, WEEK, 40 * DAY };

        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
            long id = demo_cacti_graph_id(d, dev, g);

            for (size_t k = 0; k < sizeof(spans) / sizeof(spans[0]); k++) {
                struct cacti_export x = { 0 };
                long long start = NOW - spans[k] + 7, end = NOW + 7;

                s = dc_get_ok(d, dc_xport_path(id, start, end), &len);
                ck_assert_msg(cacti_parse_xport(s, len, start, &x, &e) == 0,
                              "%s", e.msg);
                ck_assert_int_eq(x.graph_id, id);
                ck_assert_int_eq(x.host_id, dev);
                ck_assert_int_gt(x.step, 0);
                ck_assert_int_eq(x.start % x.step, 0);
                ck_assert_int_eq(x.start, start / x.step * x.step + x.step);
                ck_assert_uint_eq(
                    x.nseries,
                    g == DEMO_CACTI_MEM || g == DEMO_CACTI_TRAFFIC ? 2 : 3);
                for (size_t sr = 0; sr < x.nseries; sr++) {
                    ck_assert_ptr_null(strstr(x.series[sr].name, "col"));
                    for (size_t p = 0; p < x.npoints; p++) {
                        double want = demo_cacti_value(
                            d, id, (int)sr,
                            (double)(x.start + (long long)p * x.step));
                        double got = x.series[sr].v[p];

                        SOFT(&sf,
                             isnan(want)
                                 ? isnan(got)
                                 : fabs(got - want) <= 1e-9 * fabs(want),
                             "g%d s%zu p%zu: %.12g != %.12g", g, sr, p, got,
                             want);
                    }
                }
                ck_assert(isnan(x.series[0].v[x.npoints - 1]));
                cacti_export_free(&x);
                free(s);
            }
        }
    }
    SOFT_DONE(&sf);
    dc_hosts_free(&h);
    demo_free(d);
}
END_TEST

/* ---- speed --------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

START_TEST(test_dc_week_export_fast)
{
    /* A week at 300 s from a 10,000-host site, on request. */
    struct demo *d = demo_new(7, 10000, T0);
    long id = demo_cacti_graph_id(d, 4321, DEMO_CACTI_LOAD);
    const char *pre = getenv("LD_PRELOAD");
    double best = 1e9, limit = 10;
    size_t len = 0;

    if (id == 0)
        id = demo_cacti_graph_id(d, 4322, DEMO_CACTI_LOAD);
    for (int k = 0; k < 5; k++) {
        double t = now_ms();
        char *s = dc_get_max(d, "GET", dc_xport_path(id, NOW - WEEK, NOW), NULL,
                             &(int){ 0 }, &len, 1 << 20);

        t = now_ms() - t;
        best = t < best ? t : best;
        free(s);
    }
    ck_assert_uint_gt(len, 2016 * 80);
#if defined(__SANITIZE_ADDRESS__)
    limit = 100;
#endif
    /* Under valgrind everything is 50 times slower: no limit. */
    if (pre == NULL || strstr(pre, "vgpreload") == NULL)
        ck_assert_msg(best < limit, "a week's export took %.2f ms", best);
    demo_free(d);
}
END_TEST

Suite *demo_cacti_xport_suite(void)
{
    Suite *s = suite_create("demo_cacti_xport");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_dc_xport_format);
    tcase_add_test(tc, test_dc_xport_exact_text);
    tcase_add_test(tc, test_dc_xport_steps);
    tcase_add_test(tc, test_dc_xport_traps);
    tcase_add_test(tc, test_dc_values);
    tcase_add_test(tc, test_dc_load_like_icinga);
    tcase_add_test(tc, test_dc_nan_gaps);
    tcase_add_test(tc, test_dc_small_reads);
    tcase_add_test(tc, test_dc_roundtrip);
    tcase_add_test(tc, test_dc_week_export_fast);
    suite_add_tcase(s, tc);
    return s;
}
