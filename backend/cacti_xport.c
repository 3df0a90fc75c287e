/*
 * Graph data to struct cacti_export: graph_xport.php's CSV and `rrdtool
 * xport --json --showtime`.
 *
 * The CSV, as Cacti 1.2 writes it: an optional UTF-8 BOM, "Key","Value"
 * metadata lines, a line "", the header "Date","A","B",... and one row per
 * step. Every field is quoted, quotes inside are not escaped. Dates are
 * the server's local time and each row is labelled one step later than
 * rrdtool labels the same value.
 */
#include "backend/cacti.h"

#include <cJSON.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

#define EMPTY_EXPORT                                                           \
    "empty export (Cacti sends an empty body when rrdtool fails or the "       \
    "range lies outside the data)"

/* Bounds on what a sane export holds. */
#define MAX_STEP     (400L * 86400) /* a step of a little over a year */
#define MAX_OFFSET   (16L * 3600)   /* time zones lie within UTC-12..UTC+14 */
#define ZONE_QUANTUM 900            /* zone offsets are whole quarter hours */
#define MAX_EPOCH    253402300799LL /* 9999-12-31 23:59:59 */
#define MAX_SHIFTS   4              /* zone changes (DST) within one export */

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}

/* floor(a / b) for b > 0. */
static long long floor_div(long long a, long long b)
{
    long long q = a / b;

    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* A printable excerpt of server bytes for an error message. */
static const char *snip(const char *p, size_t n, char *out, size_t size)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k + 4 < size; i++) {
        unsigned char c = (unsigned char)p[i];

        out[k++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
    }
    if (n > 0 && k < n && k + 4 >= size) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    return out;
}

/* ---- numbers and dates --------------------------------------------------- */

/* A whole decimal number of [p, p+n) within [0, max]. */
static bool parse_long(const char *p, size_t n, long max, long *out)
{
    long v = 0;

    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)p[i]) || v > (max - (p[i] - '0')) / 10)
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * Fast path for [+-]digits[.digits][e[+-]digits] with at most 15 digits
 * and a power of ten within 10^22 once the point is moved: m and 10^k are
 * then exact doubles and m * 10^k (or m / 10^-k) is rounded once, so the
 * result equals strtod()'s (Clinger). rrdtool's %e values all take it.
 */
static bool fast_value(const char *p, size_t n, double *out)
{
    static const double pow10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                    1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                    1e18, 1e19, 1e20, 1e21, 1e22 };
    size_t i = 0;
    bool neg = false;
    long long m = 0;
    int digits = 0, frac = 0, e = 0, k;

    if (p[0] == '-' || p[0] == '+')
        neg = p[i++] == '-';
    for (; i < n && is_digit((unsigned char)p[i]) && digits <= 15; i++) {
        m = m * 10 + (p[i] - '0');
        digits++;
    }
    if (i < n && p[i] == '.')
        for (i++; i < n && is_digit((unsigned char)p[i]) && digits <= 15; i++) {
            m = m * 10 + (p[i] - '0');
            digits++;
            frac++;
        }
    if (digits == 0 || digits > 15)
        return false;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        bool eneg = false;
        size_t d;

        if (++i < n && (p[i] == '-' || p[i] == '+'))
            eneg = p[i++] == '-';
        for (d = i; i < n && is_digit((unsigned char)p[i]) && i - d < 4; i++)
            e = e * 10 + (p[i] - '0');
        if (i == d)
            return false;
        if (eneg)
            e = -e;
    }
    if (i != n)
        return false;
    k = e - frac;
    if (k < -22 || k > 22)
        return false;
    *out = k >= 0 ? (double)m * pow10[k] : (double)m / pow10[-k];
    if (neg)
        *out = -*out;
    return true;
}

/*
 * A value of the export: rrdtool's %e ("1.2400000000e+00"), a plain
 * decimal, or NaN (nan, -nan, inf ...; any non-finite value is NAN).
 * strtod() follows LC_NUMERIC, so the point is replaced by the locale's.
 */
static bool parse_value(const char *p, size_t n, double *out)
{
    char tmp[400];
    const char *dp;
    size_t i = 0, k = 0, digits = 0, dplen;
    char *end;

    if (n == 0)
        return false;
    if (fast_value(p, n, out))
        return true;
    if (ieq(p, n, "nan") || ieq(p, n, "-nan") || ieq(p, n, "+nan") ||
        ieq(p, n, "inf") || ieq(p, n, "-inf") || ieq(p, n, "+inf") ||
        ieq(p, n, "infinity") || ieq(p, n, "-infinity")) {
        *out = NAN;
        return true;
    }
    /* [+-]digits[.digits][e[+-]digits], and nothing else */
    if (i < n && (p[i] == '-' || p[i] == '+'))
        i++;
    for (; i < n && is_digit((unsigned char)p[i]); i++)
        digits++;
    if (i < n && p[i] == '.')
        for (i++; i < n && is_digit((unsigned char)p[i]); i++)
            digits++;
    if (digits == 0)
        return false;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        size_t e = ++i;

        if (i < n && (p[i] == '-' || p[i] == '+'))
            e = ++i;
        for (; i < n && is_digit((unsigned char)p[i]); i++)
            ;
        if (i == e)
            return false;
    }
    if (i != n)
        return false;
    dp = localeconv()->decimal_point;
    if (dp == NULL || dp[0] == '\0')
        dp = ".";
    dplen = strlen(dp);
    if (n + dplen >= sizeof tmp)
        return false;
    for (i = 0; i < n; i++) {
        if (p[i] == '.') {
            memcpy(tmp + k, dp, dplen);
            k += dplen;
        } else {
            tmp[k++] = p[i];
        }
    }
    tmp[k] = '\0';
    *out = strtod(tmp, &end);
    if (!isfinite(*out))
        *out = NAN;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS" as seconds since the epoch, taken as UTC. */
static bool parse_date(const char *p, size_t n, long long *out)
{
    static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31 };
    static const char form[] = "dddd-dd-dd dd:dd:dd";
    unsigned v[6] = { 0 }, k = 0;
    long long y;

    if (n != sizeof form - 1)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (form[i] != 'd') {
            if (p[i] != form[i])
                return false;
            k++;
            continue;
        }
        if (!is_digit((unsigned char)p[i]))
            return false;
        v[k] = v[k] * 10 + (unsigned)(p[i] - '0');
    }
    y = v[0];
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
        v[3] > 23 || v[4] > 59 || v[5] > 60)
        return false;
    if (v[1] == 2 && v[2] == 29 &&
        !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    *out = days_from_civil(y, v[1], v[2]) * 86400 + v[3] * 3600LL +
           v[4] * 60LL + v[5];
    return true;
}

/* ---- CSV lines and fields ------------------------------------------------ */

struct field {
    const char *p;
    size_t len;
};

struct csv {
    const char *p, *end; /* what is left */
    size_t lineno;       /* of the line last read */
    struct field *f;     /* the fields of that line */
    size_t nf, fcap;
};

/* The next line (CR LF or LF; no terminator at the end is fine). */
static bool next_line(struct csv *c, const char **lp, size_t *ln)
{
    const char *nl;

    if (c->p >= c->end)
        return false;
    nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    *lp = c->p;
    *ln = (size_t)((nl != NULL ? nl : c->end) - c->p);
    c->p = nl != NULL ? nl + 1 : c->end;
    if (*ln > 0 && (*lp)[*ln - 1] == '\r')
        (*ln)--;
    c->lineno++;
    return true;
}

static void add_field(struct csv *c, const char *p, size_t len)
{
    if (c->nf == c->fcap) {
        c->fcap = c->fcap ? 2 * c->fcap : 16;
        c->f = xreallocarray(c->f, c->fcap, sizeof *c->f);
    }
    c->f[c->nf].p = p;
    c->f[c->nf].len = len;
    c->nf++;
}

/*
 * Splits a line into c->f. Quotes inside fields are not escaped, so a
 * quoted field ends at the quote followed by `,"` or the end of the line,
 * failing that at the first quote followed by `,`. An unquoted field ends
 * at the next comma. False when a quoted field is not closed.
 */
static bool split_line(struct csv *c, const char *p, size_t n)
{
    const char *end = p + n;

    c->nf = 0;
    for (;;) {
        const char *q, *close = NULL;

        if (p >= end || *p != '"') {
            q = memchr(p, ',', (size_t)(end - p));
            add_field(c, p, (size_t)((q != NULL ? q : end) - p));
            if (q == NULL)
                return true;
            p = q + 1;
            continue;
        }
        for (q = p + 1; q < end; q++) {
            if (*q != '"')
                continue;
            if (q + 1 == end || (end - q >= 3 && q[1] == ',' && q[2] == '"')) {
                close = q;
                break;
            }
            if (close == NULL && q[1] == ',')
                close = q; /* the fallback; a better one may follow */
        }
        if (close == NULL)
            return false;
        add_field(c, p + 1, (size_t)(close - p - 1));
        if (close + 1 == end)
            return true;
        p = close + 2; /* past `",` */
    }
}

/* ---- graph_xport.php CSV ------------------------------------------------- */

struct meta {
    bool have_start, have_step, have_rows;
    long long start; /* Start Date, local */
    size_t start_line;
    long step, rows;
};

/* The text of a non-CSV answer: a login page, a PHP error, ... */
static int not_csv(const char *p, size_t n, struct mc_err *err)
{
    const char *v = NULL;
    char s[80];

    switch (cacti_page_kind(p, n)) {
    case CACTI_PAGE_LOGIN:
    case CACTI_PAGE_DENIED:
        return err_set(err, "not logged in (Cacti sent its login page)");
    case CACTI_PAGE_NOT_LOGGED:
        return err_set(err, "not logged in (Cacti answered \"Not Logged In\")");
    case CACTI_PAGE_OTHER:
        break;
    }
    for (size_t i = 0; i + 16 <= n && v == NULL; i++)
        if (memcmp(p + i, "Validation error", 16) == 0)
            v = p + i;
    if (v != NULL) {
        char *t = cacti_html_text(v, (size_t)(p + n - v));
        char *dot = strchr(t, '.');
        int r;

        if (dot != NULL)
            *dot = '\0';
        r = err_set(err, "Cacti refused the request: %s",
                    snip(t, strlen(t), s, sizeof s));
        free(t);
        return r;
    }
    {
        char *t = cacti_html_text(p, n);
        int r = err_set(err, "not a CSV export (Cacti sent %s: %s)",
                        memchr(p, '<', n) != NULL ? "an HTML page" : "text",
                        snip(t, strlen(t), s, sizeof s));

        free(t);
        return r;
    }
}

/* The value of a metadata line: what follows `"Key",`, unquoted. */
static void meta_rest(const char *lp, size_t ln, size_t keylen, const char **v,
                      size_t *vn)
{
    const char *p = lp + keylen + 3; /* past `"Key",` */
    const char *end = lp + ln;

    if (p > end)
        p = end;
    if (p < end && *p == '"')
        p++;
    if (end > p && end[-1] == '"')
        end--;
    *v = p;
    *vn = (size_t)(end - p);
}

/* One metadata line; 0, or -1 with err set. */
static int meta_line(struct csv *c, const char *lp, size_t ln,
                     struct cacti_export *out, struct meta *m,
                     struct mc_err *err)
{
    const struct field *k = &c->f[0];
    const struct field *v = c->nf > 1 ? &c->f[1] : NULL;
    char s[64];
    long num;

    if (ieq(k->p, k->len, "Title") || ieq(k->p, k->len, "Vertical Label")) {
        const char *t;
        size_t tn;
        char **dst = lower(k->p[0]) == 't' ? &out->title : &out->vlabel;

        meta_rest(lp, ln, k->len, &t, &tn);
        free(*dst);
        *dst = cacti_html_text(t, tn);
        return 0;
    }
    if (v == NULL)
        return 0; /* an unknown key alone, or an unknown line */
    if (ieq(k->p, k->len, "Start Date")) {
        if (!parse_date(v->p, v->len, &m->start))
            return err_set(err, "line %zu: bad Start Date \"%s\"", c->lineno,
                           snip(v->p, v->len, s, sizeof s));
        m->have_start = true;
        m->start_line = c->lineno;
    } else if (ieq(k->p, k->len, "Step")) {
        if (!parse_long(v->p, v->len, MAX_STEP, &m->step) || m->step == 0)
            return err_set(err, "line %zu: bad Step \"%s\"", c->lineno,
                           snip(v->p, v->len, s, sizeof s));
        m->have_step = true;
    } else if (ieq(k->p, k->len, "Total Rows")) {
        if (!parse_long(v->p, v->len, LONG_MAX, &m->rows))
            return err_set(err, "line %zu: bad Total Rows \"%s\"", c->lineno,
                           snip(v->p, v->len, s, sizeof s));
        m->have_rows = true;
    } else if (ieq(k->p, k->len, "Graph ID") || ieq(k->p, k->len, "Host ID")) {
        if (!parse_long(v->p, v->len, LONG_MAX, &num))
            return err_set(err, "line %zu: bad %s \"%s\"", c->lineno,
                           lower(k->p[0]) == 'g' ? "Graph ID" : "Host ID",
                           snip(v->p, v->len, s, sizeof s));
        if (lower(k->p[0]) == 'g')
            out->graph_id = num;
        else
            out->host_id = num;
    }
    /* End Date, "Nth Percentile", "Summation" ...: not needed */
    return 0;
}

/* Whether a column is one of Cacti's helpers: ^col[0-9]+- */
static bool helper_column(const struct field *f)
{
    size_t i = 3;

    if (f->len < 5 || memcmp(f->p, "col", 3) != 0)
        return false;
    while (i < f->len && is_digit((unsigned char)f->p[i]))
        i++;
    return i > 3 && i < f->len && f->p[i] == '-';
}

/* The header line: the series (helpers left out) and the column map. */
static int header_line(struct csv *c, struct cacti_export *out, int **map,
                       size_t *ncols, struct mc_err *err)
{
    *ncols = c->nf;
    if (c->nf < 2)
        return err_set(err, "line %zu: the header has no data columns",
                       c->lineno);
    *map = xcalloc(c->nf, sizeof **map);
    out->series = xcalloc(c->nf, sizeof *out->series);
    for (size_t j = 1; j < c->nf; j++) {
        if (helper_column(&c->f[j])) {
            (*map)[j] = -1;
            continue;
        }
        (*map)[j] = (int)out->nseries;
        out->series[out->nseries++].name = xstrndup(c->f[j].p, c->f[j].len);
    }
    return 0;
}

struct rows {
    size_t cap;
    long long first;  /* local date of row 0 */
    long long expect; /* local date the next row must carry */
    int shifts;
};

/* One data row; 0, or -1 with err set. */
static int data_line(struct csv *c, struct cacti_export *out, const int *map,
                     size_t ncols, long step, struct rows *r,
                     struct mc_err *err)
{
    char s[64], s2[24];
    long long t;

    if (c->nf != ncols)
        return err_set(err, "line %zu: %zu fields, the header has %zu",
                       c->lineno, c->nf, ncols);
    if (!parse_date(c->f[0].p, c->f[0].len, &t))
        return err_set(err, "line %zu: bad date \"%s\"", c->lineno,
                       snip(c->f[0].p, c->f[0].len, s, sizeof s));
    if (out->npoints == 0) {
        r->first = t;
    } else if (t != r->expect) {
        /* The server's clock may change zone (DST) within the range. */
        long long d = t - r->expect;

        if ((d != 1800 && d != -1800 && d != 3600 && d != -3600) ||
            ++r->shifts > MAX_SHIFTS)
            return err_set(err,
                           "line %zu: date %s does not follow the row "
                           "before (step %ld s)",
                           c->lineno,
                           snip(c->f[0].p, c->f[0].len, s2, sizeof s2), step);
    }
    r->expect = t + step;
    if (out->npoints == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        for (size_t k = 0; k < out->nseries; k++)
            out->series[k].v =
                xreallocarray(out->series[k].v, r->cap, sizeof(double));
    }
    for (size_t j = 1; j < ncols; j++) {
        double v;

        if (!parse_value(c->f[j].p, c->f[j].len, &v))
            return err_set(err, "line %zu: column %zu: bad value \"%s\"",
                           c->lineno, j + 1,
                           snip(c->f[j].p, c->f[j].len, s, sizeof s));
        if (map[j] >= 0)
            out->series[map[j]].v[out->npoints] = v;
    }
    out->npoints++;
    return 0;
}

/*
 * The server's zone offset (seconds east of UTC, whole quarter hours)
 * from the local date of rrdtool's first point and the start requested:
 * rrdtool starts at the first step boundary after req_start.
 */
static int zone_offset(long long local0, long long req_start, long step,
                       size_t lineno, long *off, struct mc_err *err)
{
    long long utc0, d;

    *off = 0;
    if (req_start <= 0 || req_start > MAX_EPOCH)
        return 0; /* unknown (or relative, or absurd): the dates are UTC */
    utc0 = floor_div(req_start, step) * step + step;
    d = floor_div(local0 - utc0 + ZONE_QUANTUM / 2, ZONE_QUANTUM) *
        ZONE_QUANTUM;
    if (d > MAX_OFFSET || d < -MAX_OFFSET)
        return err_set(err,
                       "line %zu: the export starts %lld s away from the "
                       "requested start: not the range asked for",
                       lineno, local0 - utc0);
    *off = (long)d;
    return 0;
}

static int xport_fail(struct cacti_export *out, struct csv *c, int *map)
{
    free(c->f);
    free(map);
    cacti_export_free(out);
    return -1;
}

int cacti_parse_xport(const char *p, size_t n, long long req_start,
                      struct cacti_export *out, struct mc_err *err)
{
    struct csv c = { 0 };
    struct meta m = { 0 };
    struct rows r = { 0 };
    int *map = NULL;
    size_t ncols = 0, header_no = 0;
    const char *lp;
    size_t ln;
    char s[64];
    long long local0;
    long off;

    memset(out, 0, sizeof *out);
    c.p = p;
    c.end = p != NULL ? p + n : p;
    if (c.end - c.p >= 3 && memcmp(c.p, "\xEF\xBB\xBF", 3) == 0)
        c.p += 3;
    while (c.p < c.end &&
           (*c.p == ' ' || *c.p == '\t' || *c.p == '\r' || *c.p == '\n'))
        c.p++;
    if (c.p >= c.end)
        return err_set(err, EMPTY_EXPORT);
    if (*c.p != '"')
        return not_csv(c.p, (size_t)(c.end - c.p), err);

    /* Metadata up to the line "" (or straight to the header). */
    while (next_line(&c, &lp, &ln)) {
        if (ln == 0)
            continue;
        if (!split_line(&c, lp, ln) || lp[0] != '"') {
            err_set(err, "line %zu: not a CSV line: %s", c.lineno,
                    snip(lp, ln, s, sizeof s));
            return xport_fail(out, &c, map);
        }
        if (c.nf == 1 && c.f[0].len == 0)
            continue; /* "" ends the metadata */
        if (ieq(c.f[0].p, c.f[0].len, "Date")) {
            header_no = c.lineno;
            break;
        }
        if (meta_line(&c, lp, ln, out, &m, err) < 0)
            return xport_fail(out, &c, map);
    }
    if (header_no == 0) {
        err_set(err,
                "line %zu: the export ends before its header "
                "(\"Date\",...)",
                c.lineno);
        return xport_fail(out, &c, map);
    }
    if (header_line(&c, out, &map, &ncols, err) < 0)
        return xport_fail(out, &c, map);
    if (m.have_rows && m.rows > 0) {
        /* Room for Total Rows, but never more than the bytes left hold
         * (a row takes at least a date and a comma and "" per column). */
        size_t fit = (size_t)(c.end - c.p) / (22 + 3 * (ncols - 1)) + 1;

        r.cap = (size_t)m.rows < fit ? (size_t)m.rows : fit;
    }
    for (size_t k = 0; k < out->nseries && r.cap > 0; k++)
        out->series[k].v = xreallocarray(NULL, r.cap, sizeof(double));

    /* The rows. Without a Step line the first two rows give it. */
    while (next_line(&c, &lp, &ln)) {
        if (ln == 0)
            continue;
        if (!split_line(&c, lp, ln)) {
            err_set(err, "line %zu: a quoted field is not closed: %s", c.lineno,
                    snip(lp, ln, s, sizeof s));
            return xport_fail(out, &c, map);
        }
        if (!m.have_step && out->npoints == 1) {
            long long t;

            if (c.nf > 0 && parse_date(c.f[0].p, c.f[0].len, &t) &&
                t > r.first && t - r.first <= MAX_STEP) {
                m.step = (long)(t - r.first);
                m.have_step = true;
            } else {
                err_set(err,
                        "line %zu: no Step line, and the rows do not "
                        "give one",
                        c.lineno);
                return xport_fail(out, &c, map);
            }
            r.expect = r.first + m.step;
        }
        if (data_line(&c, out, map, ncols, m.step, &r, err) < 0)
            return xport_fail(out, &c, map);
    }
    if (!m.have_step) {
        err_set(err, "line %zu: no Step line", header_no);
        return xport_fail(out, &c, map);
    }
    if (m.have_rows && m.rows > 0 && out->npoints < (size_t)m.rows) {
        err_set(err,
                "line %zu: %zu rows, \"Total Rows\" says %ld "
                "(truncated?)",
                c.lineno, out->npoints, m.rows);
        return xport_fail(out, &c, map);
    }

    /* Cacti labels row i (0-based) Start Date + (i+1)*Step, rrdtool
     * Start Date + i*Step: rrdtool's first point is one step earlier. */
    local0 = out->npoints > 0 ? r.first - m.step : m.have_start ? m.start : 0;
    if (zone_offset(m.have_start ? m.start : local0, req_start, m.step,
                    m.have_start ? m.start_line : header_no, &off, err) < 0)
        return xport_fail(out, &c, map);
    if (out->npoints == 0 && !m.have_start)
        off = 0;
    out->utc_offset = off;
    out->start = local0 - off;
    out->step = (int)m.step;
    free(c.f);
    free(map);
    return 0;
}

/* ---- rrdtool xport --json --showtime ------------------------------------- */

static int rrd_fail(struct cacti_export *out, cJSON *root)
{
    cJSON_Delete(root);
    cacti_export_free(out);
    return -1;
}

/* A row's time: "1795680560" (quoted with --showtime) or a number. */
static bool rrd_time(const cJSON *t, long long *out)
{
    if (cJSON_IsString(t) && t->valuestring != NULL) {
        const char *s = t->valuestring;
        long v;

        if (!parse_long(s, strlen(s), (long)MAX_EPOCH, &v))
            return false;
        *out = v;
        return true;
    }
    if (cJSON_IsNumber(t) && t->valuedouble >= 0 &&
        t->valuedouble <= (double)MAX_EPOCH &&
        t->valuedouble == floor(t->valuedouble)) {
        *out = (long long)t->valuedouble;
        return true;
    }
    return false;
}

int cacti_parse_rrd_json(const char *p, size_t n, struct cacti_export *out,
                         struct mc_err *err)
{
    const cJSON *meta, *step, *start, *legend, *data, *row, *it;
    const char *parse_end = NULL;
    cJSON *root;
    size_t nrows, i = 0;

    memset(out, 0, sizeof *out);
    if (p == NULL || n == 0)
        return err_set(err, "empty rrdtool output");
    root = cJSON_ParseWithLengthOpts(p, n, &parse_end, false);
    if (root == NULL) {
        size_t at = parse_end != NULL && parse_end >= p && parse_end <= p + n
                        ? (size_t)(parse_end - p)
                        : 0;
        size_t line = 1;

        for (size_t k = 0; k < at; k++)
            line += p[k] == '\n';
        return err_set(err, "line %zu: rrdtool's output is not JSON", line);
    }
    meta = cJSON_GetObjectItemCaseSensitive(root, "meta");
    step = cJSON_GetObjectItemCaseSensitive(meta, "step");
    start = cJSON_GetObjectItemCaseSensitive(meta, "start");
    legend = cJSON_GetObjectItemCaseSensitive(meta, "legend");
    data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!cJSON_IsObject(meta) || !cJSON_IsArray(data) ||
        !cJSON_IsArray(legend)) {
        err_set(err, "rrdtool JSON without meta.legend or data");
        return rrd_fail(out, root);
    }
    if (!cJSON_IsNumber(step) || step->valuedouble < 1 ||
        step->valuedouble > MAX_STEP ||
        step->valuedouble != floor(step->valuedouble)) {
        err_set(err, "rrdtool JSON: bad meta.step");
        return rrd_fail(out, root);
    }
    out->step = (int)step->valuedouble;
    if (cJSON_IsNumber(start) && start->valuedouble > 0 &&
        start->valuedouble <= (double)MAX_EPOCH)
        out->start = (long long)start->valuedouble;
    out->nseries = (size_t)cJSON_GetArraySize(legend);
    nrows = (size_t)cJSON_GetArraySize(data);
    out->series = xcalloc(out->nseries + 1, sizeof *out->series);
    cJSON_ArrayForEach(it, legend)
    {
        out->series[i++].name = xstrdup(
            cJSON_IsString(it) && it->valuestring ? it->valuestring : "");
    }
    /* Every row's shape first: the arrays are sized from the rows. */
    i = 0;
    cJSON_ArrayForEach(row, data)
    {
        if (!cJSON_IsArray(row) ||
            (size_t)cJSON_GetArraySize(row) != out->nseries + 1) {
            err_set(err, "data row %zu: %d fields, the legend has %zu + time",
                    i + 1, cJSON_IsArray(row) ? cJSON_GetArraySize(row) : 0,
                    out->nseries);
            return rrd_fail(out, root);
        }
        i++;
    }
    for (size_t k = 0; k < out->nseries; k++)
        out->series[k].v = xcalloc(nrows + 1, sizeof(double));
    cJSON_ArrayForEach(row, data)
    {
        long long t;
        size_t j = 0;

        if (!rrd_time(row->child, &t)) {
            err_set(err, "data row %zu: no time (--showtime missing?)",
                    out->npoints + 1);
            return rrd_fail(out, root);
        }
        if (out->npoints == 0)
            out->start = t;
        else if (t != out->start + (long long)out->npoints * out->step) {
            err_set(err, "data row %zu: time %lld does not follow (step %d)",
                    out->npoints + 1, t, out->step);
            return rrd_fail(out, root);
        }
        for (it = row->child->next; it != NULL; it = it->next, j++) {
            double v = NAN;

            if (cJSON_IsNumber(it))
                v = isfinite(it->valuedouble) ? it->valuedouble : NAN;
            else if (!cJSON_IsNull(it) &&
                     !(cJSON_IsString(it) && it->valuestring != NULL &&
                       parse_value(it->valuestring, strlen(it->valuestring),
                                   &v))) {
                err_set(err, "data row %zu: value %zu is not a number",
                        out->npoints + 1, j + 1);
                return rrd_fail(out, root);
            }
            out->series[j].v[out->npoints] = v;
        }
        out->npoints++;
    }
    cJSON_Delete(root);
    return 0;
}

/* ---- freeing ------------------------------------------------------------- */

void cacti_export_free(struct cacti_export *x)
{
    if (x == NULL)
        return;
    free(x->title);
    free(x->vlabel);
    for (size_t k = 0; x->series != NULL && k < x->nseries; k++) {
        free(x->series[k].name);
        free(x->series[k].v);
    }
    free(x->series);
    memset(x, 0, sizeof *x);
}
