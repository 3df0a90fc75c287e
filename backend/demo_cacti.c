/*
 * The demo site's Cacti 1.2.24: the login page, graph_view.php's host list
 * (JSON) and graph list (HTML), and graph_xport.php's CSV, in the shapes
 * recorded from a real Cacti (tests/data/cacti/): the JSON and the CSV
 * exactly, the HTML rows and navigation bar verbatim with the page around
 * them trimmed; the traps included. The demo behaves like a Cacti with
 * guest access: no cookies, every page answers without a login, and a
 * login POST always "succeeds".
 *
 * Nothing is kept per host: lists are built from the fleet on request and
 * every value is a function of (site, host, series, time).
 */
#include "backend/demo_cacti.h"

#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

#define DAY               86400.0
#define AUTOCOMPLETE_ROWS 30    /* Cacti's autocomplete_rows */
#define LIST_ROWS         30    /* num_rows_table, for rows=-1 */
#define XPORT_MAXROWS     10000 /* graph_xport's --maxrows */
#define NO_DEVICE_ONE_IN  12

/* --- the graphs of a device ------------------------------------------ */

enum col_kind {
    COL_SERIES, /* a named series */
    COL_COPY,   /* a helper: a copy of series src */
    COL_SUM     /* a helper: the sum of the series, unknown taken as 0 */
};

struct col {
    const char *name;
    int kind; /* enum col_kind */
    int src;
};

struct graph_def {
    const char *suffix;   /* title: "<host> - <suffix>" */
    const char *tmpl;     /* graph template (or data query) name */
    const char *tmpl_url; /* its edit link, already HTML-escaped */
    int tmpl_id;          /* graph template id */
    bool query;           /* source type "Data Query" */
    const char *vlabel;
    int nseries, ncols;
    struct col cols[6];
};

static const struct graph_def graphs[DEMO_CACTI_GRAPHS] = {
    [DEMO_CACTI_CPU] = { "CPU Usage",
                         "Unix - CPU Usage",
                         "/cacti/graph_templates.php?action=template_edit&amp;"
                         "id=5",
                         5,
                         false,
                         "percent",
                         3,
                         4,
                         { { "System", COL_SERIES, 0 },
                           { "User", COL_SERIES, 1 },
                           { "Nice", COL_SERIES, 2 },
                           { "col12-cdefbc", COL_SUM, 0 } } },
    [DEMO_CACTI_LOAD] = { "Load Average",
                          "Unix - Load Average",
                          "/cacti/graph_templates.php?action=template_edit&amp;"
                          "id=2",
                          2,
                          false,
                          "processes in the run queue",
                          3,
                          5,
                          { { "1 Minute Average", COL_SERIES, 0 },
                            { "5 Minute Average", COL_SERIES, 1 },
                            { "15 Minute Average", COL_SERIES, 2 },
                            { "col19-cdefbc", COL_SUM, 0 },
                            { "col20-d", COL_COPY, 0 } } },
    [DEMO_CACTI_MEM] = { "Memory Usage",
                         "Linux - Memory Usage",
                         "/cacti/graph_templates.php?action=template_edit&amp;"
                         "id=4",
                         4,
                         false,
                         "bytes",
                         2,
                         3,
                         { { "Free", COL_SERIES, 0 },
                           { "Swap", COL_SERIES, 1 },
                           { "col9-cdefbc", COL_SUM, 0 } } },
    [DEMO_CACTI_TRAFFIC] = { "Traffic - eth0",
                             "In/Out Bits (64-bit)",
                             "/cacti/data_queries.php?action=item_edit&amp;"
                             "id=7&amp;snmp_query_id=2",
                             17,
                             true,
                             "bits per second",
                             2,
                             4,
                             { { "col10-cdefa", COL_COPY, 0 },
                               { "Inbound", COL_SERIES, 0 },
                               { "col12-cdeff", COL_COPY, 1 },
                               { "Outbound", COL_SERIES, 1 } } },
};

/* The graph template filter of the list page, sorted by name. */
static const struct {
    int id;
    const char *name;
} templates[] = {
    { 17, "Interface - Traffic (bits/sec)" },
    { 4, "Linux - Memory Usage" },
    { 5, "Unix - CPU Usage" },
    { 2, "Unix - Load Average" },
};
#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))

static bool has_device(const struct demo *d, uint32_t h)
{
    return demo_hash(d->seed, 0xcac71000000ull + h) % NO_DEVICE_ONE_IN != 0;
}

/* Host index of a device id, or UINT32_MAX. */
static uint32_t device_host(const struct demo *d, long long dev)
{
    if (dev < 1 || dev > (long long)d->nhosts ||
        !has_device(d, (uint32_t)(dev - 1)))
        return UINT32_MAX;
    return (uint32_t)(dev - 1);
}

/* Host index and graph of a local_graph_id, or false. */
static bool graph_of(const struct demo *d, long long id, uint32_t *h, int *g)
{
    if (id < 4)
        return false;
    *h = device_host(d, id / DEMO_CACTI_GRAPHS);
    *g = (int)(id % DEMO_CACTI_GRAPHS);
    return *h != UINT32_MAX;
}

static long graph_id(uint32_t h, int g)
{
    return ((long)h + 1) * DEMO_CACTI_GRAPHS + g;
}

long demo_cacti_device(const struct demo *d, const char *name)
{
    for (uint32_t h = 0; h < d->nhosts; h++)
        if (strcmp(d->host[h].name, name) == 0)
            return has_device(d, h) ? (long)h + 1 : 0;
    return 0;
}

long demo_cacti_graph_id(const struct demo *d, long device, int graph)
{
    uint32_t h = device_host(d, device);

    if (h == UINT32_MAX || graph < 0 || graph >= DEMO_CACTI_GRAPHS)
        return 0;
    return graph_id(h, graph);
}

/* --- values ---------------------------------------------------------- */

/* What a host's values need, looked up once per request. */
struct hctx {
    const struct demo *d;
    uint32_t h;
    uint32_t load, mem, swap; /* service ids, UINT32_MAX if none */
    uint64_t key;
    double now;
    double born;         /* no data before (hosts added just now) */
    double gap_s, gap_e; /* a polling gap: no data in [gap_s, gap_e) */
};

static void hctx_init(struct hctx *c, const struct demo *d, uint32_t h)
{
    const struct demo_host *ho = &d->host[h];

    memset(c, 0, sizeof(*c));
    c->d = d;
    c->h = h;
    c->load = c->mem = c->swap = UINT32_MAX;
    for (uint32_t i = 0; i < ho->svc_count; i++) {
        uint32_t id = ho->svc_first + i;

        if (d->obj[id].kind == DEMO_KIND_LOAD)
            c->load = id;
        else if (d->obj[id].kind == DEMO_KIND_MEM)
            c->mem = id;
        else if (d->obj[id].kind == DEMO_KIND_SWAP)
            c->swap = id;
    }
    c->key = demo_hash(d->seed ^ 0x5ca1ab1eu, 0xcac72000000ull + h);
    c->now = d->now;
    c->born = (d->obj[h].flags & DEMO_F_NEW) ? d->t0 : -INFINITY;
    /* One host in eight lost 10 to 40 minutes of polls about an hour
       before the site started. */
    if (demo_unit(demo_mix(c->key + 1)) < 0.125) {
        c->gap_e = floor(d->t0) - 2400 - 1200 * demo_unit(demo_mix(c->key + 2));
        c->gap_s = c->gap_e - 600 - 1800 * demo_unit(demo_mix(c->key + 3));
    }
}

static double par(const struct hctx *c, unsigned salt)
{
    return demo_unit(demo_hash(c->key, 0x100u + salt));
}

/* Noise in [-1, 1) that changes with every sample. */
static double jitter(const struct hctx *c, unsigned salt, double t)
{
    return 2 * demo_unit(demo_hash(c->key ^ ((uint64_t)salt << 56),
                                   (uint64_t)(int64_t)floor(t))) -
           1;
}

/* Smooth noise in [-1, 1): random knots every period, eased between. */
static double wander(const struct hctx *c, unsigned salt, double t,
                     double period)
{
    double x = t / period, k = floor(x), u = x - k;
    uint64_t s = c->key ^ ((uint64_t)salt << 48);
    double a = 2 * demo_unit(demo_hash(s, (uint64_t)(int64_t)k)) - 1;
    double b = 2 * demo_unit(demo_hash(s, (uint64_t)(int64_t)k + 1)) - 1;

    return a + (b - a) * (1 - cos(M_PI * u)) / 2;
}

/* 0 at 03:00 UTC, 1 at 15:00 UTC (the Icinga metrics' curve). */
static double day_curve(double t)
{
    return 0.5 - 0.5 * cos(2 * M_PI * (fmod(t, DAY) - 3 * 3600) / DAY);
}

/* Values as rrdtool stores them: a few decimals, bytes in kilobytes. */
static double quant(double v, double unit)
{
    return v < 0 ? 0 : round(v / unit) * unit;
}

/* Did the poller get an answer for the interval ending at t? */
static bool polled(const struct hctx *c, double t)
{
    struct demo_obs ob;

    if (t > c->now || t < c->born || (t >= c->gap_s && t < c->gap_e))
        return false;
    demo_observe(c->d, c->h, t, true, &ob);
    return ob.state == 0; /* a host that is down does not answer SNMP */
}

/* An Icinga metric of the host at t (the same model), or false. */
static bool observe(const struct hctx *c, uint32_t id, double t,
                    struct demo_obs *ob)
{
    if (id == UINT32_MAX)
        return false;
    demo_observe(c->d, id, t, true, ob);
    return ob->cause != DEMO_CAUSE_UNKNOWN;
}

static void values_cpu(const struct hctx *c, double t, double *v)
{
    struct demo_obs ob;
    double util, base;

    if (!observe(c, c->load, t, &ob))
        return;
    util = 100 * ob.v[0]; /* the scaled (per core) 1-minute load */
    util = util > 90 ? 90 : util;
    base = 0.8 + 3 * par(c, 1);
    v[0] = quant(util * 0.24 + base * (0.5 + 0.2 * wander(c, 1, t, 1800)) +
                     0.15 * jitter(c, 1, t),
                 0.001);
    v[1] = quant(util * 0.7 + base * (1 + 0.3 * wander(c, 2, t, 2400)) +
                     0.3 * jitter(c, 2, t),
                 0.001);
    v[2] = quant(0.05 + 0.6 * par(c, 2) * (1 + wander(c, 3, t, 3600)) / 2 +
                     0.02 * jitter(c, 3, t),
                 0.001);
}

static void values_load(const struct hctx *c, double t, double *v)
{
    struct demo_obs ob;

    if (!observe(c, c->load, t, &ob))
        return;
    /* The total load, as check_load's load1/5/15 (the model is scaled). */
    for (int i = 0; i < 3; i++)
        v[i] = quant(ob.v[i] * c->d->host[c->h].cores, 0.001);
}

static void values_mem(const struct hctx *c, double t, double *v)
{
    struct demo_obs ob;
    double total = c->d->host[c->h].mem_gb * 1073741824.0;

    if (observe(c, c->mem, t, &ob))
        v[0] = quant(total * (1 - ob.v[0] / 100), 1024);
    if (observe(c, c->swap, t, &ob))
        v[1] = quant(ob.v[1] * 1048576.0 * ob.v[0] / 100, 1024);
}

static void values_traffic(const struct hctx *c, double t, double *v)
{
    /* Mbit/s at the daily peak, and outbound per inbound, by role. */
    static const double peak[DEMO_ROLE_COUNT] = { 40, 25, 15, 30, 20, 80 };
    static const double ratio[DEMO_ROLE_COUNT] = {
        3.0, 1.2, 0.6, 0.8, 1.5, 1.0
    };
    const struct demo_host *ho = &c->d->host[c->h];
    double scale =
        (0.4 + 1.2 * par(c, 4)) * (ho->env == DEMO_ENV_PRD ? 1 : 0.2);
    double in = peak[ho->role] * 1e6 * scale *
                (0.12 + 0.88 * day_curve(t + 1800 * par(c, 5))) *
                (1 + 0.25 * wander(c, 4, t, 1200)) *
                (1 + 0.04 * jitter(c, 4, t));
    double out = in * ratio[ho->role] * (1 + 0.1 * wander(c, 5, t, 2400)) *
                 (1 + 0.03 * jitter(c, 5, t));

    v[0] = quant(in, 8);
    v[1] = quant(out, 8);
}

/* The named series of graph g for the interval ending at t (NAN: none). */
static void graph_values(const struct hctx *c, int g, double t, double *v)
{
    for (int i = 0; i < graphs[g].nseries; i++)
        v[i] = NAN;
    if (!polled(c, t))
        return;
    switch (g) {
    case DEMO_CACTI_CPU:
        values_cpu(c, t, v);
        break;
    case DEMO_CACTI_LOAD:
        values_load(c, t, v);
        break;
    case DEMO_CACTI_MEM:
        values_mem(c, t, v);
        break;
    default:
        values_traffic(c, t, v);
        break;
    }
}

double demo_cacti_value(const struct demo *d, long graph_id, int s, double t)
{
    struct hctx c;
    double v[4];
    uint32_t h;
    int g;

    if (!graph_of(d, graph_id, &h, &g) || s < 0 || s >= graphs[g].nseries)
        return NAN;
    hctx_init(&c, d, h);
    graph_values(&c, g, t, v);
    return v[s];
}

/* --- text helpers ---------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) as PHP decodes a form ('+' is a space). */
static char *form_decode(const char *s, size_t len)
{
    char *out = xmalloc(len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            out[n++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[n++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    out[n] = '\0';
    return out;
}

struct qparam {
    char *k, *v;
};

/* Request variables ($_REQUEST): the query, then a POST's form. */
struct query {
    struct qparam *p;
    size_t n, cap;
};

static void query_add(struct query *q, const char *s)
{
    while (s != NULL && *s != '\0') {
        const char *amp = strchr(s, '&');
        size_t len = amp != NULL ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        size_t klen = eq != NULL ? (size_t)(eq - s) : len;

        if (klen > 0) {
            if (q->n == q->cap) {
                q->cap = q->cap ? q->cap * 2 : 8;
                q->p = xreallocarray(q->p, q->cap, sizeof(*q->p));
            }
            q->p[q->n].k = form_decode(s, klen);
            q->p[q->n].v =
                eq != NULL ? form_decode(eq + 1, len - klen - 1) : xstrdup("");
            q->n++;
        }
        s = amp != NULL ? amp + 1 : NULL;
    }
}

/* The last value of a variable (PHP keeps the last), or NULL. */
static const char *query_get(const struct query *q, const char *k)
{
    for (size_t i = q->n; i-- > 0;)
        if (strcmp(q->p[i].k, k) == 0)
            return q->p[i].v;
    return NULL;
}

static void query_free(struct query *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->p[i].k);
        free(q->p[i].v);
    }
    free(q->p);
}

/* An integer as PHP's FILTER_VALIDATE_INT takes it (blanks around). */
static bool parse_int(const char *s, long long *out)
{
    long long v = 0;
    bool neg = false, digits = false;

    s += strspn(s, " \t\r\n");
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (9223372036854775807LL - (*s - '0')) / 10)
            return false;
        v = v * 10 + (*s - '0');
        digits = true;
    }
    s += strspn(s, " \t\r\n");
    if (!digits || *s != '\0')
        return false;
    *out = neg ? -v : v;
    return true;
}

/*
 * An integer request variable: absent or empty gives def. False when it
 * is not an integer (Cacti's validation error).
 */
static bool get_int(const struct query *q, const char *k, long long def,
                    long long *out)
{
    const char *v = query_get(q, k);

    *out = def;
    if (v == NULL || *v == '\0')
        return true;
    return parse_int(v, out);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ASCII case-insensitive order (the database's collation for names). */
static int name_cmp(const char *a, const char *b)
{
    while (*a != '\0' && lower((unsigned char)*a) == lower((unsigned char)*b))
        a++, b++;
    return lower((unsigned char)*a) - lower((unsigned char)*b);
}

/* SQL LIKE, case-insensitive: % any run, _ any character, \ escapes. */
static bool like(const char *s, const char *p)
{
    const char *star = NULL, *back = NULL;

    while (*s != '\0') {
        if (*p == '%') {
            star = ++p;
            back = s;
        } else if (*p != '\0' &&
                   (*p == '_' || (*p == '\\' && p[1] != '\0'
                                      ? lower((unsigned char)p[1]) ==
                                            lower((unsigned char)*s)
                                      : lower((unsigned char)*p) ==
                                            lower((unsigned char)*s)))) {
            p += *p == '\\' && p[1] != '\0' ? 2 : 1;
            s++;
        } else if (star != NULL) {
            p = star;
            s = ++back;
        } else {
            return false;
        }
    }
    while (*p == '%')
        p++;
    return *p == '\0';
}

/* htmlspecialchars(ENT_QUOTES), as Cacti's html_escape. */
static void put_html(struct buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&#039;");
            break;
        default:
            buf_putc(b, *s);
            break;
        }
    }
}

/*
 * Cacti's filter_value: the text escaped, then each occurrence of the
 * filter (any case) wrapped in a filteredValue span.
 */
static void put_filtered(struct buf *b, const char *s, const char *filter)
{
    struct buf e = { 0 };
    size_t fl = filter != NULL ? strlen(filter) : 0;

    put_html(&e, s);
    for (size_t i = 0; i < e.len;) {
        size_t k = 0;

        while (fl > 0 && k < fl && i + k < e.len &&
               lower((unsigned char)e.data[i + k]) ==
                   lower((unsigned char)filter[k]))
            k++;
        if (fl > 0 && k == fl) {
            buf_puts(b, "<span class='filteredValue'>");
            buf_append(b, e.data + i, fl);
            buf_puts(b, "</span>");
            i += fl;
        } else if (e.data[i] == '`') {
            buf_puts(b, "&#96;");
            i++;
        } else {
            buf_putc(b, e.data[i++]);
        }
    }
    buf_free(&e);
}

/* A UTF-8 sequence at s: its code point and length (U+FFFD if bad). */
static unsigned utf8_next(const unsigned char *s, size_t *len)
{
    unsigned c = s[0], n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

    *len = 1;
    if (c < 0x80 || n == 0)
        return c < 0x80 ? c : 0xfffd;
    c &= 0x3fu >> n;
    for (unsigned i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0xfffd;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    *len = n + 1;
    return c;
}

/* A JSON string as PHP's json_encode writes it: \/ and \uXXXX. */
static void put_json(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    buf_putc(b, '"');
    while (*p != '\0') {
        size_t n;
        unsigned c = utf8_next(p, &n);

        p += n;
        if (c == '"' || c == '\\' || c == '/') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c == '\n') {
            buf_puts(b, "\\n");
        } else if (c == '\r') {
            buf_puts(b, "\\r");
        } else if (c == '\t') {
            buf_puts(b, "\\t");
        } else if (c >= 0x20 && c < 0x80) {
            buf_putc(b, (char)c);
        } else if (c >= 0x10000) {
            c -= 0x10000;
            buf_printf(b, "\\u%04x\\u%04x", 0xd800 + (c >> 10),
                       0xdc00 + (c & 0x3ff));
        } else {
            buf_printf(b, "\\u%04x", c);
        }
    }
    buf_putc(b, '"');
}

/* --- replies --------------------------------------------------------- */

/* A finished reply that takes over body. */
static struct demo_reply *reply(struct demo *d, int *status, int code,
                                struct buf *body)
{
    struct demo_reply *r = demo_reply_new(d, DEMO_REPLY_STATIC);

    *status = code;
    r->pend = *body;
    memset(body, 0, sizeof(*body));
    r->done = true;
    return r;
}

static struct demo_reply *reply_text(struct demo *d, int *status, int code,
                                     const char *text)
{
    struct buf b = { 0 };

    buf_puts(&b, text);
    return reply(d, status, code, &b);
}

/* What php -S answers for a file that is not there. */
static struct demo_reply *not_found(struct demo *d, int *status,
                                    const char *path)
{
    struct buf b = { 0 };

    buf_puts(&b, "<!doctype html><html><head><title>404 Not Found</title>"
                 "</head><body><h1>Not Found</h1><p>The requested resource "
                 "<code class=\"url\">/cacti");
    put_html(&b, path);
    buf_puts(&b, "</code> was not found on this server.</p></body></html>");
    return reply(d, status, 404, &b);
}

/* Cacti's die_html_input_error for a request variable. */
static struct demo_reply *validation_error(struct demo *d, int *status,
                                           const char *var, const char *value)
{
    struct buf b = { 0 };

    buf_puts(&b, "<table style='width:100%;text-align:center;'><tr><td>"
                 "Validation error for variable ");
    put_html(&b, var);
    buf_puts(&b, " with a value of ");
    put_html(&b, value != NULL ? value : "");
    buf_puts(&b, ".  See backtrace below for more details.</td></tr>"
                 "</table>\n");
    return reply(d, status, 200, &b);
}

/* --- index.php and the page of a logged-in guest --------------------- */

/* "sid:<sha1>,<epoch>;ip:<sha1>,<epoch>" */
static void csrf_token(struct buf *b, const struct demo *d)
{
    long long now = (long long)floor(d->now);

    for (int part = 0; part < 2; part++) {
        buf_puts(b, part == 0 ? "sid:" : ";ip:");
        for (int i = 0; i < 5; i++)
            buf_printf(b, "%08x",
                       (unsigned)demo_hash(d->seed ^ (uint64_t)now,
                                           (uint64_t)(part * 8 + i)));
        buf_printf(b, ",%lld", now);
    }
}

static const char page_doctype[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
    "\"http://www.w3.org/TR/html4/loose.dtd\">\n"
    "<html>\n"
    "<head>\n"
    "\t<meta content='width=device-width, initial-scale=1.0, "
    "minimum-scale=1.0, maximum-scale=5' name='viewport'>\n"
    "\t<meta http-equiv='X-UA-Compatible' content='IE=Edge,chrome=1'>\n"
    "\t<meta name='robots' content='noindex,nofollow'>\n";

static void page_csrf_script(struct buf *b, const struct demo *d)
{
    buf_puts(b, "<script type=\"text/javascript\">var csrfMagicToken = \"");
    csrf_token(b, d);
    buf_puts(b, "\";var csrfMagicName = \"__csrf_magic\";</script><script "
                "src=\"/cacti/include/vendor/csrf/csrf-magic.js\" "
                "type=\"text/javascript\"></script></head>\n");
}

/* The closing script every Cacti page has. */
static void page_tail(struct buf *b, const struct demo *d, const char *action,
                      const char *refresh)
{
    buf_printf(b,
               "\t<script type='text/javascript'>\n"
               "\tvar cactiVersion='1.2.24';\n"
               "\tvar cactiServerOS='unix';\n"
               "\tvar cactiAction='%s';\n"
               "\tvar theme='modern';\n"
               "\tvar refreshIsLogout=%s;\n"
               "\tvar refreshPage='",
               action, *action == '\0' ? "true" : "false");
    put_html(b, refresh);
    buf_puts(b, "';\n"
                "\tvar refreshMSeconds=300000;\n"
                "\tvar urlPath='/cacti/';\n"
                "\tvar previousPage='';\n"
                "\tvar sessionMessage=[];\n"
                "\tvar csrfMagicToken='");
    csrf_token(b, d);
    buf_puts(b, "';\n</script>\n");
}

static struct demo_reply *login_page(struct demo *d, int *status)
{
    struct buf b = { 0 };

    buf_puts(&b, page_doctype);
    buf_puts(&b, "\t<title>Login to Cacti</title>\n"
                 "\t<meta http-equiv='Content-Type' "
                 "content='text/html;charset=utf-8'>\n");
    page_csrf_script(&b, d);
    buf_puts(&b, "<body class='loginBody'>\n"
                 "\t<div class='loginLeft'></div>\n"
                 "\t<div class='loginCenter'>\n"
                 "\t<div class='loginArea'>\n"
                 "\t\t<div class='cactiLoginLogo'></div>\n"
                 "\t\t\t<legend>User Login</legend>\n"
                 "\t\t\t<form id='login' name='login' method='post' "
                 "action='index.php'><input type='hidden' name='__csrf_magic' "
                 "value=\"");
    csrf_token(&b, d);
    buf_puts(
        &b,
        "\" />\n"
        "\t\t\t\t<input type='hidden' name='action' value='login'>\n"
        "\t\t\t\t\t\t\t\t<div class='loginTitle'>\n"
        "\t\t\t\t\t<p>Enter your Username and Password below</p>\n"
        "\t\t\t\t</div>\n"
        "\t\t\t\t<div class='cactiLogin'>\n"
        "\t\t\t\t\t<table class='cactiLoginTable'>\n"
        "\t\t\t\t\t\t<tr>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<label for='login_username'>Username</label>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<input type='text' class='ui-state-default "
        "ui-corner-all' id='login_username' name='login_username' value='' "
        "placeholder='Username'>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t</tr>\n"
        "\t\t\t\t\t\t<tr>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<label for='login_password'>Password</label>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t\t<td>\n"
        "\t\t\t\t\t\t\t\t<input type='password' autocomplete='new-password' "
        "class='ui-state-default ui-corner-all' id='login_password' "
        "name='login_password' placeholder='********'>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t</tr>\n"
        "\t\t\t\t\t\t<tr>\n"
        "\t\t\t\t\t\t\t<td colspan='2'>\n"
        "\t\t\t\t\t\t\t\t<input type='submit' class='ui-button "
        "ui-corner-all ui-widget' value='Login'>\n"
        "\t\t\t\t\t\t\t</td>\n"
        "\t\t\t\t\t\t</tr>\n"
        "\t\t\t\t\t</table>\n"
        "\t\t\t\t</div>\n"
        "\t\t\t\t\t\t</form>\n"
        "\t\t\t<div class='loginErrors'>\n"
        "\t\t\t\t\t\t\t</div>\n"
        "\t\t</div>\n"
        "\t\t<div class='versionInfo'>Version 1.2.24 | (c) 2004-2026 - The "
        "Cacti Group</div>\n"
        "\t</div>\n"
        "\t<div class='loginRight'></div>\n");
    page_tail(&b, d, "", "/cacti/logout.php?action=timeout");
    buf_puts(&b, "<script type=\"text/javascript\">CsrfMagic.end();</script>"
                 "</body>\n</html>\n");
    return reply(d, status, 200, &b);
}

/* graph_view.php without an action: the tree page, logged in as guest. */
static struct demo_reply *guest_page(struct demo *d, int *status)
{
    struct buf b = { 0 };

    buf_puts(&b, page_doctype);
    buf_puts(&b, "\t<title>Tree Mode</title>\n"
                 "\t<meta http-equiv='Content-Type' "
                 "content='text/html;charset=utf-8'>\n");
    page_csrf_script(&b, d);
    buf_puts(
        &b,
        "<body>\n"
        "<a class='skip-link' href='#main' tabindex='1'>Skip to content</a>\n"
        "<div id='cactiPageHead' class='cactiPageHead' role='banner'>\n"
        "\t<div id='tabs'>\n"
        "\t\t<ul class='nav'><li><a id='tab-graphs' class='selected' "
        "href='/cacti/graph_view.php'><span>Graphs</span></a></li></ul>\n"
        "\t</div>\n"
        "</div>\n"
        "<div id='breadCrumbBar' class='breadCrumbBar'>\n"
        "\t<div id='navBar' class='navBar'><ul id='breadcrumbs'><li><a "
        "id='nav_0' href='graph_view.php'>Graphs</a></li></ul></div>\n"
        "\t<div class='scrollBar'></div>\n"
        "\t<div class='infoBar'><div class='usertabs'><div>Logged in as "
        "<span id='user' class='user usermenuup'>guest</span></div><div><ul "
        "class='menuoptions' style='display:none;'><li><a "
        "href='/cacti/index.php'>Login as Regular User</a></li></ul>\n"
        "</div></div></div>\n"
        "</div>\n"
        "<div id='cactiContent' class='cactiContent'>\n"
        "\t<div id='navigation' class='cactiTreeNavigationArea'></div>\n"
        "\t<div id='main' class='cactiGraphContentArea'>\n"
        "\t</div>\n"
        "</div>\n");
    page_tail(&b, d, "tree", "/cacti/graph_view.php");
    buf_puts(&b, "</body>\n</html>\n");
    return reply(d, status, 200, &b);
}

/* --- graph_view.php?action=ajax_hosts -------------------------------- */

static bool host_matches(const struct demo *d, uint32_t h, const char *pat)
{
    char addr[16];

    if (pat == NULL)
        return true;
    demo_addr_str(d->host[h].addr, addr, sizeof(addr));
    return like(d->host[h].name, pat) || like(addr, pat);
}

static struct demo_reply *ajax_hosts(struct demo *d, const struct query *q,
                                     int *status)
{
    const char *term = query_get(q, "term");
    uint32_t top[AUTOCOMPLETE_ROWS];
    size_t n = 0;
    char *pat = NULL;
    struct buf b = { 0 };

    if (term != NULL && *term != '\0')
        pat = xasprintf("%%%s%%", term);
    /* The first devices by description, kept sorted as they come. */
    for (uint32_t h = 0; h < d->nhosts; h++) {
        size_t pos;

        if (!has_device(d, h) || !host_matches(d, h, pat))
            continue;
        if (n == AUTOCOMPLETE_ROWS &&
            name_cmp(d->host[h].name, d->host[top[n - 1]].name) >= 0)
            continue;
        pos = n < AUTOCOMPLETE_ROWS ? n++ : n - 1;
        for (; pos > 0 &&
               name_cmp(d->host[h].name, d->host[top[pos - 1]].name) < 0;
             pos--)
            top[pos] = top[pos - 1];
        top[pos] = h;
    }
    buf_putc(&b, '[');
    if (pat == NULL)
        buf_puts(&b, "{\"label\":\"Any\",\"value\":\"Any\",\"id\":\"-1\"},"
                     "{\"label\":\"None\",\"value\":\"None\",\"id\":\"0\"}");
    for (size_t i = 0; i < n; i++) {
        struct buf e = { 0 };

        put_html(&e, d->host[top[i]].name);
        if (i > 0 || pat == NULL)
            buf_putc(&b, ',');
        buf_puts(&b, "{\"label\":");
        put_json(&b, e.data);
        buf_puts(&b, ",\"value\":");
        put_json(&b, e.data);
        buf_printf(&b, ",\"id\":%ld}", (long)top[i] + 1);
        buf_free(&e);
    }
    buf_putc(&b, ']');
    free(pat);
    return reply(d, status, 200, &b);
}

/* --- graph_view.php?action=list -------------------------------------- */

struct list_req {
    long long host_id, rows, page;
    bool all_templates;
    bool tmpl[DEMO_CACTI_GRAPHS]; /* graphs whose template was chosen */
    char *filter;                 /* rfilter, decoded; NULL when none */
    regex_t re;
};

/* base64 as PHP's base64_decode (non-alphabet characters skipped). */
static char *base64_decode(const char *s)
{
    char *out = xmalloc(strlen(s) + 1);
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;

    for (; *s != '\0' && *s != '='; s++) {
        const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                        "0123456789+/";
        const char *p = strchr(a, *s);

        if (p == NULL)
            continue;
        acc = (acc << 6) | (unsigned)(p - a);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    return out;
}

/* Parse the list's variables; NULL, or the validation error's reply. */
static struct demo_reply *list_params(struct demo *d, const struct query *q,
                                      struct list_req *lr, int *status)
{
    static const char *const ints[] = { "host_id", "rows", "page" };
    long long *dst[] = { &lr->host_id, &lr->rows, &lr->page };
    const long long def[] = { -1, -1, 1 };
    const char *tv = query_get(q, "graph_template_id"), *rf;

    for (size_t i = 0; i < 3; i++)
        if (!get_int(q, ints[i], def[i], dst[i]))
            return validation_error(d, status, ints[i], query_get(q, ints[i]));
    if (lr->rows <= 0)
        lr->rows = LIST_ROWS;
    lr->rows = lr->rows > 1000000 ? 1000000 : lr->rows;
    lr->page = lr->page < 1 ? 1 : lr->page > 1000000 ? 1000000 : lr->page;
    lr->all_templates = tv == NULL || *tv == '\0';
    for (const char *p = tv; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        char *one = xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
        long long id;
        bool ok = parse_int(one, &id);

        free(one);
        if (!ok)
            return validation_error(d, status, "graph_template_id", tv);
        if (id == -1)
            lr->all_templates = true;
        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++)
            lr->tmpl[g] = lr->tmpl[g] || id == graphs[g].tmpl_id;
        p = comma != NULL ? comma + 1 : NULL;
    }
    rf = query_get(q, "rfilter");
    if (rf != NULL && *rf != '\0') {
        lr->filter = base64_decode(rf);
        if (*lr->filter == '\0') {
            free(lr->filter);
            lr->filter = NULL;
        } else if (regcomp(&lr->re, lr->filter,
                           REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
            struct demo_reply *r =
                validation_error(d, status, "rfilter", lr->filter);

            free(lr->filter);
            lr->filter = NULL;
            return r;
        }
    }
    return NULL;
}

static void list_req_free(struct list_req *lr)
{
    if (lr->filter != NULL) {
        regfree(&lr->re);
        free(lr->filter);
    }
}

static void graph_title(char *out, size_t len, const struct demo *d, uint32_t h,
                        int g)
{
    snprintf(out, len, "%s - %s", d->host[h].name, graphs[g].suffix);
}

static bool graph_listed(const struct demo *d, const struct list_req *lr,
                         uint32_t h, int g)
{
    char title[64];

    if (!lr->all_templates && !lr->tmpl[g])
        return false;
    if (lr->filter == NULL)
        return true;
    graph_title(title, sizeof(title), d, h, g);
    return regexec(&lr->re, title, 0, NULL, 0) == 0;
}

static int host_ptr_cmp(const void *a, const void *b)
{
    const struct demo_host *x = *(const struct demo_host *const *)a;
    const struct demo_host *y = *(const struct demo_host *const *)b;

    return name_cmp(x->name, y->name);
}

static void list_filters(struct buf *b, const struct demo *d,
                         const struct list_req *lr)
{
    uint32_t h = lr->host_id > 0 ? device_host(d, lr->host_id) : UINT32_MAX;

    buf_puts(
        b, "<form class='cactiFormStart' id='chk' name='chk' "
           "action='graph_view.php' autocomplete='off' method='post'>\n"
           "<div id='graph_view_list1' class='cactiTable' "
           "style='width:100%;text-align:center;'><div><div "
           "class='cactiTableTitle'><span>Graph List View Filters</span></div>"
           "<div class='cactiTableButton'><span> </span></div></div><table "
           "id='graph_view_list1_child' class='cactiTable' "
           "style='padding:3px;'>\t<tr class='even noprint'>\n"
           "\t\t<td class='noprint'>\n"
           "\t\t\t<table class='filterTable'>\n"
           "\t\t\t\t<tr class='noprint'>\n"
           "\t\t\t\t\t<td>\n"
           "\t\t\t\t\t\tSearch\t\t\t\t\t</td>\n"
           "\t\t\t\t\t<td>\n"
           "\t\t\t\t\t\t<input type='text' class='ui-state-default "
           "ui-corner-all' id='rfilter' size='55' value='");
    put_html(b, lr->filter != NULL ? lr->filter : "");
    buf_puts(b, "'>\n"
                "\t\t\t\t\t</td>\n"
                "\t\t\t\t\t\t\t<td>\n"
                "\t\t\tDevice\t\t</td>\n"
                "\t\t<td>\n"
                "\t\t\t<span class='ui-select-text'>\n"
                "\t\t\t\t\t<input type='text' size='28' id='host' value='");
    put_html(b, h != UINT32_MAX    ? d->host[h].name
                : lr->host_id == 0 ? "None"
                                   : "Any");
    buf_printf(b,
               "'>\n"
               "\t\t\t\t</span>\n"
               "\t\t\t<input type='hidden' id='host_id' name='host_id' "
               "value='%lld'>\n"
               "\t\t</td>\n"
               "\t\t\t\t</tr>\n"
               "\t\t\t</table>\n"
               "\t\t\t<table class='filterTable'>\n"
               "\t\t\t\t<tr>\n"
               "\t\t\t\t\t<td>\n"
               "\t\t\t\t\t\tTemplate\t\t\t\t\t</td>\n"
               "\t\t\t\t\t<td>\n"
               "\t\t\t\t\t\t<select id='graph_template_id' multiple "
               "style='opacity:0.1;overflow:hide;height:0px;'>\n"
               "\t\t\t\t\t\t\t<option value='-1'%s>All Graphs & "
               "Templates</option>\n"
               "\t\t\t\t\t\t\t<option value='0'>Not Templated</option>\n",
               lr->host_id, lr->all_templates ? " selected" : "");
    for (size_t i = 0; i < NTEMPLATES; i++) {
        bool sel = false;

        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++)
            sel = sel || (!lr->all_templates && lr->tmpl[g] &&
                          graphs[g].tmpl_id == templates[i].id);
        buf_printf(b, "<option value='%d'%s>%s</option>\n", templates[i].id,
                   sel ? " selected" : "", templates[i].name);
    }
    buf_puts(b, "\t\t\t\t\t\t</select>\n"
                "\t\t\t\t\t</td>\n"
                "\t\t\t\t</tr>\n"
                "\t\t\t</table>\n"
                "\t\t\t<input type='hidden' id='style' value='selective'>\n"
                "\t\t\t<input type='hidden' id='action' value='list'>\n"
                "\t\t</td>\n"
                "\t</tr>\n"
                "\t</table></div><div class='break'></div>");
}

/* html_nav_bar of Cacti 1.2 with object "Graphs". */
static void list_nav(struct buf *b, long long total, long long rows,
                     long long page)
{
    if (total > rows) {
        long long last = page * rows < total ? page * rows : total;
        long long pages = (total + rows - 1) / rows;

        buf_puts(b, "<div class='navBarNavigation'>\n"
                    "\t\t\t<div class='navBarNavigationPrevious'>\n\t\t\t\t");
        if (page > 1)
            buf_printf(b,
                       "<a href='#' onClick='gotopage(%lld);return "
                       "false;'><i class='fa fa-angle-double-left "
                       "previous'></i>Previous</a>",
                       page - 1);
        buf_printf(b,
                   "\n\t\t\t</div>\n"
                   "\t\t\t<div class='navBarNavigationCenter'>\n"
                   "\t\t\t\t%lld to %lld of %lld [ <ul class='pagination'>",
                   (page - 1) * rows + 1, last, total);
        for (long long p = 1; p <= pages && p <= 10; p++)
            buf_printf(b,
                       "<li><a href='#'%s onClick='gotopage(%lld);return "
                       "false;'>%lld</a></li>",
                       p == page ? " class='active'" : "", p, p);
        buf_puts(b, "</ul> ]\n"
                    "\t\t\t</div>\n"
                    "\t\t\t<div class='navBarNavigationNext'>\n\t\t\t\t");
        if (page * rows < total)
            buf_printf(b,
                       "<a href='#' onClick='gotopage(%lld);return "
                       "false;'>Next<i class='fa fa-angle-double-right "
                       "next'></i></a>",
                       page + 1);
        buf_puts(b, "\n\t\t\t</div>\n\t\t</div>\n");
    } else if (total > 0) {
        buf_printf(b,
                   "<div class='navBarNavigation'>\n"
                   "\t\t\t\t<div class='navBarNavigationNone'>\n"
                   "\t\t\t\t\tAll %lld Graphs\n"
                   "\t\t\t\t</div>\n"
                   "\t\t\t</div>\n",
                   total);
    } else {
        buf_puts(b, "<div class='navBarNavigation'>\n"
                    "\t\t\t<div class='navBarNavigationNone'>\n"
                    "\t\t\t\tNo Graphs Found\n"
                    "\t\t\t</div>\n"
                    "\t\t</div>\n");
    }
}

static void list_row(struct buf *b, const struct demo *d,
                     const struct list_req *lr, uint32_t h, int g, bool odd)
{
    const struct graph_def *gd = &graphs[g];
    long id = graph_id(h, g);
    char title[64];

    graph_title(title, sizeof(title), d, h, g);
    buf_printf(b,
               "<tr class='%s selectable tableRow' id='line%ld'>\n"
               "\t<td class=\"nowrap\"><a class=\"linkEditMain\" "
               "href=\"graph.php?local_graph_id=%ld&amp;rra_id=0\">",
               odd ? "odd" : "even-alternate", id, id);
    put_filtered(b, title, lr->filter);
    buf_puts(b, "</a></td>\n\t<td class=\"nowrap\">");
    put_html(b, d->host[h].name);
    buf_printf(b,
               "</td>\n"
               "\t<td class='nowrap right'>%s</td>\n"
               "\t<td class='nowrap left'><a class=\"linkEditMain\" "
               "href=\"%s\">",
               gd->query ? "Data Query" : "Template", gd->tmpl_url);
    put_filtered(b, gd->tmpl, lr->filter);
    buf_puts(b, "</a></td>\n"
                "\t<td class=\"nowrap\">200x700</td>\n"
                "\t<td class='checkbox' style='width:1%;'>\n"
                "\t\t<input type='checkbox' title='");
    put_html(b, title);
    buf_printf(b,
               "' class='checkbox'  id='chk_%ld' name='chk_%ld'><label "
               "class='formCheckboxLabel' for='chk_%ld'></label>\n"
               "\t</td>\n"
               "</tr>\n",
               id, id, id);
}

static struct demo_reply *list(struct demo *d, const struct query *q,
                               int *status)
{
    struct list_req lr;
    struct demo_reply *err;
    const struct demo_host **order = NULL;
    uint32_t n = 0, one;
    long long total = 0, from, to;
    struct buf b = { 0 }, rowsb = { 0 };
    bool odd = true;

    memset(&lr, 0, sizeof(lr));
    err = list_params(d, q, &lr, status);
    if (err != NULL)
        return err;
    /* The devices whose graphs are listed, in the order of the titles. */
    if (lr.host_id == -1) {
        order = xcalloc(d->nhosts ? d->nhosts : 1, sizeof(*order));
        for (uint32_t h = 0; h < d->nhosts; h++)
            if (has_device(d, h))
                order[n++] = &d->host[h];
        qsort(order, n, sizeof(*order), host_ptr_cmp);
    } else if (lr.host_id > 0 &&
               (one = device_host(d, lr.host_id)) != UINT32_MAX) {
        order = xcalloc(1, sizeof(*order));
        order[n++] = &d->host[one];
    }
    from = (lr.page - 1) * lr.rows;
    to = from + lr.rows;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)(order[i] - d->host);

        for (int g = 0; g < DEMO_CACTI_GRAPHS; g++) {
            if (!graph_listed(d, &lr, h, g))
                continue;
            if (total >= from && total < to) {
                list_row(&rowsb, d, &lr, h, g, odd);
                odd = !odd;
            }
            total++;
        }
    }
    list_filters(&b, d, &lr);
    list_nav(&b, total, lr.rows, lr.page);
    buf_puts(
        &b,
        "<div id='graph_view_list2' class='cactiTable' "
        "style='width:100%;text-align:center;'><table "
        "id='graph_view_list2_child' class='cactiTable' "
        "style='padding:3px;'><tr class='tableHeader '><th  title='The Title "
        "of this Graph.  Generally programmatically generated from the Graph "
        "Template definition or Suggested Naming rules.  The max length of "
        "the Title is controlled under Settings-&gt;Visual.' class='left "
        "'>Graph Name</th><th  title='The device for this Graph.' "
        "class='left '>Device</th><th  title='The underlying source that "
        "this Graph was based upon.' class='right '>Source Type</th><th  "
        "title='The Graph Template or Data Query that this Graph was based "
        "upon.' class='left '>Source Name</th><th  title='The size of this "
        "Graph when not in Preview mode.' class='left '>Size</th><th "
        "class='tableSubHeaderCheckbox'><input id='selectall' "
        "class='checkbox' type='checkbox' title='Select All Rows' "
        "onClick='selectAll(\"chk\",this.checked)'><label "
        "class='formCheckboxLabel' title='Select All' "
        "for='selectall'></label></th></tr>");
    if (rowsb.len > 0)
        buf_append(&b, rowsb.data, rowsb.len);
    else
        buf_puts(&b, "<tr><td colspan='6'><em>No Graphs Found</em></td>"
                     "</tr>\n");
    buf_puts(&b, "</table></div>");
    list_nav(&b, total, lr.rows, lr.page);
    buf_puts(&b, "</form>\n");
    {
        char refresh[256];

        snprintf(refresh, sizeof(refresh),
                 "/cacti/graph_view.php?action=list&host_id=%lld&graph_"
                 "template_id=-1&rfilter=&rows=%lld&page=%lld&header=false",
                 lr.host_id, lr.rows, lr.page);
        page_tail(&b, d, "list", refresh);
    }
    buf_free(&rowsb);
    free(order);
    list_req_free(&lr);
    return reply(d, status, 200, &b);
}

/* --- graph_xport.php ------------------------------------------------- */

static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "YYYY-MM-DD HH:MM:SS" of an epoch, in UTC (PHP's timezone here). */
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
        return p + sprintf(p, "%lld-%02d-%02d %02d:%02d:%02d", y, f[0], f[1],
                           f[2], f[3], f[4]);
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
        return p + sprintf(p, "%.10e", x);
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
        return p + sprintf(p, "%.10e", x);
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
    const struct graph_def *gd = &graphs[g];
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
    graph_title(title, sizeof(title), d, h, g);
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
               step, rows, graph_id(h, g), (long)h + 1);
    for (int i = 0; i < gd->ncols; i++)
        buf_printf(b, ",\"%s\"", gd->cols[i].name);
    buf_putc(b, '\n');
    hctx_init(&c, d, h);
    for (long long i = 0; i < rows; i++) {
        long long t = first + i * step;
        double v[4], sum = 0;
        char *p = line;

        graph_values(&c, g, (double)t, v);
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

static struct demo_reply *xport(struct demo *d, const struct query *q,
                                int *status)
{
    static const char *const vars[] = { "local_graph_id", "rra_id",
                                        "graph_start", "graph_end" };
    long long v[4], now = (long long)floor(d->now), start, end;
    const char *gid = query_get(q, "local_graph_id");
    struct buf b = { 0 };
    uint32_t h;
    int g;

    for (int i = 0; i < 4; i++)
        if (!get_int(q, vars[i], 0, &v[i]))
            return validation_error(d, status, vars[i], query_get(q, vars[i]));
    /* An unknown graph: PHP fails on a missing row, HTTP 500, no body. */
    if (gid == NULL || *gid == '\0' || !graph_of(d, v[0], &h, &g))
        return reply(d, status, 500, &b);
    start = xport_time(v[2], now, -86400);
    end = xport_time(v[3], now, -300);
    if (start < end)
        xport_csv(&b, d, h, g, start, end);
    return reply(d, status, 200, &b); /* start >= end: rrdtool fails: empty */
}

/* --- routing --------------------------------------------------------- */

static bool form_body(const char *body)
{
    return body != NULL && body[strspn(body, " \t\r\n")] != '\0' &&
           body[strspn(body, " \t\r\n")] != '{';
}

struct demo_reply *demo_cacti_request(struct demo *d, const char *method,
                                      const char *path, const char *body,
                                      int *status)
{
    const char *qm = strchr(path, '?');
    char *file =
        form_decode(path, qm != NULL ? (size_t)(qm - path) : strlen(path));
    const char *f = file + strspn(file, "/");
    bool post = strcmp(method, "POST") == 0;
    struct query q = { 0 };
    struct demo_reply *r;

    query_add(&q, qm != NULL ? qm + 1 : NULL);
    if (post && form_body(body))
        query_add(&q, body);
    if (*f == '\0' || strcmp(f, "index.php") == 0) {
        if (post) /* any user and password: "logged in" (302, no body) */
            r = reply_text(d, status, 302, "");
        else
            r = login_page(d, status);
    } else if (strcmp(f, "graph_view.php") == 0) {
        const char *action = query_get(&q, "action");

        if (action != NULL && strcmp(action, "ajax_hosts") == 0)
            r = ajax_hosts(d, &q, status);
        else if (action != NULL && strcmp(action, "list") == 0)
            r = list(d, &q, status);
        else
            r = guest_page(d, status);
    } else if (strcmp(f, "graph_xport.php") == 0) {
        r = xport(d, &q, status);
    } else {
        r = not_found(d, status, file);
    }
    query_free(&q);
    free(file);
    return r;
}
