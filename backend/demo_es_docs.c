/*
 * The demo's log documents, shaped like Logstash ships them (§6.1): hosts
 * of Development and Test write the ECS-disabled shape ("host": "name",
 * "level", "path") into logstash-YYYY.MM.dd, Pre-Production and Production
 * the ECS shape ("host": {"name"}, "log": {"level", "file": {"path"}})
 * into logstash-ecs-YYYY.MM.dd: the two cannot share an index, as on a
 * real cluster, and "logstash-*" matches both.
 *
 * About one document a second across the whole fleet, whatever its size
 * (more in the afternoon, fewer at night), each a function of (seed,
 * second, slot): no document is stored. A fifth of the slots go to hosts
 * with a scripted problem in the Icinga simulation while it lasts (WARN
 * and ERROR lines about it; a host that goes down logs errors for ten
 * minutes, then nothing until it is back). One line in 500 is hostile
 * (terminal escapes, control characters, a very long line).
 *
 * A message is a few pieces: pool entries (a finite set of texts per
 * pool, so a search can remember its verdict per entry), the time in the
 * log's own format, the host name. Pieces are separated by characters that
 * end a token, so the tokens of a message are those of its pieces.
 */
#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

enum tfmt {
    T_NGX_ACCESS,
    T_NGX_ERROR,
    T_JAVA,
    T_PG,
    T_ES,
    T_REDIS,
    T_HAP,
    T_SYSLOG
};

enum pool {
    P_CLIENT,
    P_REQ, /* + level */
    P_UA = P_REQ + 4,
    P_NGXERR, /* + level - DES_WARN */
    P_JAVA = P_NGXERR + 2,
    P_STACK = P_JAVA + 4,
    P_PG,
    P_ESHEAD = P_PG + 4,
    P_ESBODY = P_ESHEAD + 4,
    P_REDIS_PID = P_ESBODY + 4,
    P_REDIS,
    P_HAP_CLIENT = P_REDIS + 4,
    P_HAP,
    P_INC = P_HAP + 4,
    P_HOSTILE,
    P_COUNT
};

/* Tokens of a piece, in one allocation: pointers, then the strings. */
struct centry {
    char **tok;
    uint32_t n;
};

struct des_cache {
    struct centry *pool[P_COUNT];
    struct centry *host;
    struct des_toks toks;
    struct buf text;
};

#define NHOSTILE     12
#define INC_VARIANTS 16

static const uint16_t pool_sizes[P_COUNT] = {
    [P_CLIENT] = 128,       [P_REQ] = 128,
    [P_REQ + 1] = 128,      [P_REQ + 2] = 128,
    [P_REQ + 3] = 128,      [P_UA] = 64,
    [P_NGXERR] = 128,       [P_NGXERR + 1] = 128,
    [P_JAVA] = 256,         [P_JAVA + 1] = 256,
    [P_JAVA + 2] = 256,     [P_JAVA + 3] = 256,
    [P_STACK] = 64,         [P_PG] = 128,
    [P_PG + 1] = 128,       [P_PG + 2] = 128,
    [P_PG + 3] = 128,       [P_ESHEAD] = 2,
    [P_ESHEAD + 1] = 2,     [P_ESHEAD + 2] = 2,
    [P_ESHEAD + 3] = 2,     [P_ESBODY] = 128,
    [P_ESBODY + 1] = 128,   [P_ESBODY + 2] = 128,
    [P_ESBODY + 3] = 128,   [P_REDIS_PID] = 64,
    [P_REDIS] = 64,         [P_REDIS + 1] = 64,
    [P_REDIS + 2] = 64,     [P_REDIS + 3] = 64,
    [P_HAP_CLIENT] = 128,   [P_HAP] = 128,
    [P_HAP + 1] = 128,      [P_HAP + 2] = 128,
    [P_HAP + 3] = 128,      [P_INC] = DEMO_KIND_COUNT * 2 * INC_VARIANTS,
    [P_HOSTILE] = NHOSTILE,
};

size_t des_pool_size(int pool)
{
    return pool >= 0 && pool < P_COUNT ? pool_sizes[pool] : 0;
}

/* Templates: which pieces, and the fields that go with them. */
enum tmpl {
    TM_NGX_ACCESS,
    TM_NGX_ERROR,
    TM_JAVA,
    TM_JAVA_STACK,
    TM_PG,
    TM_ES,
    TM_REDIS,
    TM_HAP,
    TM_INC,
    TM_HOSTILE
};

/* log file path, classic "type", ECS "event.dataset" per template. */
static const uint8_t tmpl_path[] = { 0, 1, 2, 2, 6, 7, 8, 9, 10, 11 };
static const uint8_t tmpl_type[] = { 0, 1, 2, 2, 3, 4, 5, 6, 7, 2 };

static const char *const paths[] = {
    "/var/log/nginx/access.log",
    "/var/log/nginx/error.log",
    "/var/log/orders/orders.log",
    "/var/log/billing/billing.log",
    "/var/log/catalog/catalog.log",
    "/var/log/users/users.log",
    "/var/log/postgresql/postgresql-15-main.log",
    "/var/log/elasticsearch/logs.log",
    "/var/log/redis/redis-server.log",
    "/var/log/haproxy.log",
    "/var/log/syslog",
    "/var/log/app/app.log",
};
static const char *const types[] = { "nginx-access", "nginx-error",   "java",
                                     "postgresql",   "elasticsearch", "redis",
                                     "haproxy",      "syslog" };
static const char *const datasets[] = {
    "nginx.access",         "nginx.error", "app.log",     "postgresql.log",
    "elasticsearch.server", "redis.log",   "haproxy.log", "system.syslog"
};
static const char *const services[] = { NULL,      "orders", "billing",
                                        "catalog", "users",  "elasticsearch" };
static const char *const levels[] = { "DEBUG", "INFO", "WARN", "ERROR" };
static const char *const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* --- the world of one search -------------------------------------------- */

/* P(N <= i) of a Poisson distribution, scaled to 65536. */
static void poisson_table(double lambda, uint32_t *cum)
{
    double p = exp(-lambda), sum = 0;

    for (int i = 0; i < DES_MAX_PER_SEC; i++) {
        sum += p;
        p *= lambda / (i + 1);
        cum[i] = i == DES_MAX_PER_SEC - 1 ? 65536u
                                          : (uint32_t)llround(sum * 65536.0);
    }
}

void des_world_init(struct des_world *w, const struct demo *d)
{
    size_t cap = 0;

    memset(w, 0, sizeof(*w));
    w->d = d;
    w->cache = xcalloc(1, sizeof(*w->cache));
    w->seed = demo_hash(d->seed, 0xe5106u);
    w->now_ms = (int64_t)floor(d->now * 1000.0);
    w->last_sec = des_floordiv(w->now_ms, 1000);
    w->first_sec = w->last_sec - (int64_t)DES_DAYS * 86400;
    w->day0 = des_floordiv(w->first_sec, 86400);
    w->ndays = (int)(des_floordiv(w->last_sec, 86400) - w->day0 + 1);
    for (uint32_t h = 0; h < d->nhosts; h++)
        w->fam[d->host[h].env >= DEMO_ENV_PPD ? DES_ECS : DES_CLASSIC] = true;
    /* The daily curve averages one document a second. */
    for (int h = 0; h < 24; h++)
        poisson_table(1.0 + 0.45 * cos(2 * M_PI * (h - 14) / 24.0), w->cum[h]);
    for (uint32_t id = 0; id < d->nobj; id++) {
        const struct demo_obj *o = &d->obj[id];
        struct des_incident *c;

        if ((o->flags & DEMO_F_INC) == 0)
            continue;
        if (w->ninc == cap) {
            cap = cap ? cap * 2 : 16;
            w->inc = xrealloc(w->inc, cap * sizeof(*w->inc));
        }
        c = &w->inc[w->ninc++];
        c->host = o->host;
        c->kind = o->kind;
        c->sev = o->inc_sev;
        c->from = (int64_t)floor(d->t0 + o->inc_start);
        c->to = (int64_t)floor(d->t0 + o->inc_end);
        if (o->kind == DEMO_KIND_HOST) { /* errors, then silence */
            c->to = c->from;
            c->from -= 600;
        }
    }
}

static void cache_free(struct des_cache *c, size_t nhosts);

void des_world_free(struct des_world *w)
{
    free(w->inc);
    w->inc = NULL;
    cache_free(w->cache, w->d->nhosts);
    w->cache = NULL;
}

/* --- documents ------------------------------------------------------------ */

struct rng {
    uint64_t s;
};

/* A cheap 64-bit mixer (multiply and xor-shift, moremur's constants):
   the per-document hashing, inlined. */
static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 27;
    x *= 0x3c79ac492ba7b653ull;
    x ^= x >> 33;
    x *= 0x1c69b3f74ac4ae35ull;
    return x ^ (x >> 27);
}

static inline uint64_t hash2(uint64_t a, uint64_t b)
{
    return mix(a ^ mix(b + 0x9e3779b97f4a7c15ull));
}

static uint64_t rng_next(struct rng *g)
{
    g->s += 0x9e3779b97f4a7c15ull;
    return mix(g->s);
}

/* x's high half scaled to [0, n): no division. */
static unsigned reduce(uint64_t x, unsigned n)
{
    return (unsigned)(((x >> 32) * (uint64_t)n) >> 32);
}

static unsigned rng_below(struct rng *g, unsigned n)
{
    return reduce(rng_next(g), n);
}

static void rng_entry(struct rng *g, const struct des_world *w, int pool,
                      unsigned idx)
{
    g->s = hash2(w->seed ^ ((uint64_t)(pool + 1) << 40), idx);
}

static bool host_down(const struct des_world *w, uint32_t host, int64_t sec)
{
    const struct demo_obj *o = &w->d->obj[host];

    return (o->flags & DEMO_F_INC) != 0 &&
           sec >= (int64_t)floor(w->d->t0 + o->inc_start) &&
           sec < (int64_t)floor(w->d->t0 + o->inc_end);
}

static int pick_level(int env, uint64_t r)
{
    int debug = env == DEMO_ENV_PRD ? 3 : 14;
    int x = (int)reduce(r, (unsigned)(66 + debug + 13 + 7));

    if (x < 66)
        return DES_INFO;
    if (x < 66 + debug)
        return DES_DEBUG;
    return x < 66 + debug + 13 ? DES_WARN : DES_ERROR;
}

/* 16-bit slices of draws: four choices per mix. */
struct draws {
    struct rng g;
    uint64_t v;
    int left;
};

static unsigned draw(struct draws *d, unsigned n)
{
    unsigned x;

    if (d->left == 0) {
        d->v = rng_next(&d->g);
        d->left = 4;
    }
    x = (unsigned)(d->v & 0xffff);
    d->v >>= 16;
    d->left--;
    return (x * n) >> 16;
}

static void seg(struct des_doc *doc, int kind, int arg, int join, unsigned idx)
{
    struct des_seg *s = &doc->seg[doc->nseg++];

    s->kind = (uint8_t)kind;
    s->arg = (uint8_t)arg;
    s->join = (uint8_t)join;
    s->idx = (uint16_t)idx;
}

static void pool_seg(struct des_doc *doc, int pool, int join, struct draws *g)
{
    seg(doc, DES_SEG_POOL, pool, join, draw(g, pool_sizes[pool]));
}

/* The pieces of a regular line of the host's role. */
static void role_line(struct des_doc *doc, int role, struct draws *g)
{
    int lv = doc->level;

    switch (role) {
    case DEMO_ROLE_WEB:
        if (lv >= DES_WARN && draw(g, 2) == 0) {
            doc->tmpl = TM_NGX_ERROR;
            seg(doc, DES_SEG_TIME, T_NGX_ERROR, 0, 0);
            pool_seg(doc, P_NGXERR + lv - DES_WARN, ' ', g);
            break;
        }
        doc->tmpl = TM_NGX_ACCESS;
        pool_seg(doc, P_CLIENT, 0, g);
        seg(doc, DES_SEG_TIME, T_NGX_ACCESS, ' ', 0);
        pool_seg(doc, P_REQ + lv, ' ', g);
        pool_seg(doc, P_UA, ' ', g);
        break;
    case DEMO_ROLE_APP:
        doc->tmpl = TM_JAVA;
        seg(doc, DES_SEG_TIME, T_JAVA, 0, 0);
        pool_seg(doc, P_JAVA + lv, ' ', g);
        if (lv == DES_ERROR && draw(g, 10) < 4) {
            /* The trace of the exception the message names. */
            doc->tmpl = TM_JAVA_STACK;
            seg(doc, DES_SEG_POOL, P_STACK, '\n',
                doc->seg[1].idx % 4 * 16 + draw(g, 16));
        }
        break;
    case DEMO_ROLE_DB:
        doc->tmpl = TM_PG;
        seg(doc, DES_SEG_TIME, T_PG, 0, 0);
        pool_seg(doc, P_PG + lv, ' ', g);
        break;
    case DEMO_ROLE_ES: {
        unsigned i = draw(g, pool_sizes[P_ESBODY + lv]);

        doc->tmpl = TM_ES;
        seg(doc, DES_SEG_TIME, T_ES, 0, 0);
        seg(doc, DES_SEG_POOL, P_ESHEAD + lv, 0, i % 2); /* its logger */
        seg(doc, DES_SEG_HOST, 1, ' ', 0);
        seg(doc, DES_SEG_POOL, P_ESBODY + lv, ' ', i);
        break;
    }
    case DEMO_ROLE_CACHE:
        doc->tmpl = TM_REDIS;
        pool_seg(doc, P_REDIS_PID, 0, g);
        seg(doc, DES_SEG_TIME, T_REDIS, ' ', 0);
        pool_seg(doc, P_REDIS + lv, ' ', g);
        break;
    default:
        doc->tmpl = TM_HAP;
        pool_seg(doc, P_HAP_CLIENT, 0, g);
        seg(doc, DES_SEG_TIME, T_HAP, ' ', 0);
        pool_seg(doc, P_HAP + lv, ' ', g);
        break;
    }
}

static bool make_doc(const struct des_world *w, int64_t sec, int k, int64_t ms,
                     uint64_t r, struct des_doc *doc)
{
    const struct demo *d = w->d;
    const struct des_incident *inc = NULL;
    uint64_t r1 = r, r2 = mix(r + 0x9e3779b97f4a7c15ull);
    uint64_t r3 = (r2 ^ (r2 >> 31)) * 0x94d049bb133111ebull;
    const struct demo_host *hd;

    doc->ms = ms;
    doc->sec = sec;
    doc->k = (uint8_t)k;
    doc->detail = false;
    doc->rs = r3 ^ r1;
    if (w->ninc > 0 && (r1 & 0xff) < 52) {
        const struct des_incident *c =
            &w->inc[(((r1 >> 8) & 0xffffff) * w->ninc) >> 24];

        if (sec >= c->from && sec < c->to)
            inc = c;
    }
    doc->host = inc != NULL ? inc->host : reduce(r1, d->nhosts);
    if (inc == NULL && host_down(w, doc->host, sec))
        return false;
    hd = &d->host[doc->host];
    doc->fam = hd->env >= DEMO_ENV_PPD ? DES_ECS : DES_CLASSIC;
    doc->tags = doc->fam == DES_ECS ? 2 : (((r3 & 0xffffffff) * 100) >> 32) < 3;
    doc->inc = inc != NULL ? (uint8_t)(inc->kind + 1) : 0;
    doc->hostile = inc == NULL && reduce(r3, 500) == 0;
    if (inc != NULL) {
        bool warn = reduce(r2, 10) < (inc->sev == 1 ? 7u : 2u);

        doc->level = warn ? DES_WARN : DES_ERROR;
    } else {
        doc->level = (uint8_t)pick_level(hd->env, r2);
    }
    return true;
}

/* The path and type ids that go with the template. */
static void ids(struct des_doc *doc)
{
    doc->path = tmpl_path[doc->tmpl];
    if (doc->path == 2)
        doc->path = (uint8_t)(1 + doc->svc);
    doc->type = tmpl_type[doc->tmpl];
}

void des_doc_detail(const struct des_world *w, struct des_doc *doc)
{
    struct draws g = { { doc->rs }, 0, 0 };

    if (doc->detail)
        return;
    doc->detail = true;
    doc->nseg = 0;
    doc->svc = 0;
    if (doc->inc != 0) {
        doc->tmpl = TM_INC;
        seg(doc, DES_SEG_TIME, T_SYSLOG, 0, 0);
        seg(doc, DES_SEG_HOST, 0, ' ', 0);
        seg(doc, DES_SEG_POOL, P_INC, ' ',
            ((doc->inc - 1u) * 2u + (doc->level == DES_ERROR)) * INC_VARIANTS +
                draw(&g, INC_VARIANTS));
        ids(doc);
        return;
    }
    if (doc->hostile) {
        doc->tmpl = TM_HOSTILE;
        seg(doc, DES_SEG_TIME, T_JAVA, 0, 0);
        pool_seg(doc, P_HOSTILE, ' ', &g);
        ids(doc);
        return;
    }
    role_line(doc, w->d->host[doc->host].role, &g);
    if (doc->tmpl == TM_ES) {
        doc->svc = 5;
    } else if (doc->tmpl == TM_JAVA || doc->tmpl == TM_JAVA_STACK) {
        struct rng e;

        rng_entry(&e, w, doc->seg[1].arg, doc->seg[1].idx);
        doc->svc = (uint8_t)(1 + rng_below(&e, 4)); /* java_line's draw */
    }
    ids(doc);
}

int des_second(const struct des_world *w, int64_t sec, struct des_doc *out)
{
    uint64_t h = mix(w->seed + (uint64_t)sec * 0x9e3779b97f4a7c15ull);
    const uint32_t *cum = w->cum[sec >= 0 ? (uint64_t)sec % 86400 / 3600 : 0];
    uint32_t u = (uint32_t)(h & 0xffff);
    int n = 0, m = 0, width;

    if (sec < w->first_sec || sec > w->last_sec)
        return 0;
    while (n < DES_MAX_PER_SEC - 1 && u >= cum[n])
        n++;
    if (n == 0)
        return 0;
    width = 1000 / n; /* slots in order: strictly increasing times */
    for (int k = 0; k < n; k++) {
        uint64_t r = mix(h + ((uint64_t)k + 1) * 0xbf58476d1ce4e5b9ull);
        int64_t ms = sec * 1000 + k * width + reduce(r, (unsigned)width);

        if (ms > w->now_ms)
            break;
        if (make_doc(w, sec, k, ms, r, &out[m]))
            m++;
    }
    return m;
}

long long des_doc_seq(const struct des_doc *doc)
{
    return (long long)(doc->sec - des_floordiv(doc->sec, 86400) * 86400) *
               DES_MAX_PER_SEC +
           doc->k;
}

void des_doc_id(const struct des_world *w, const struct des_doc *doc,
                char out[21])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t key = (uint64_t)doc->sec * DES_MAX_PER_SEC + doc->k;
    uint64_t a = hash2(w->seed ^ 0x1d5u, key), b = mix(a ^ key);

    for (int i = 0; i < 20; i++) {
        uint64_t *src = i < 10 ? &a : &b;

        out[i] = b64[*src & 63];
        *src >>= 6;
    }
    out[20] = '\0';
}

void des_index_name(int fam, int64_t day, char *out, size_t len)
{
    int y, mo, d;

    des_civil(day, &y, &mo, &d);
    snprintf(out, len, "%s%04d.%02d.%02d",
             fam == DES_ECS ? "logstash-ecs-" : "logstash-", y, mo, d);
}

/* --- message pieces ------------------------------------------------------ */

static void time_text(int fmt, int64_t ms, struct buf *b)
{
    int64_t day = des_floordiv(ms, 86400000), rem = ms - day * 86400000;
    int y, mo, d, h = (int)(rem / 3600000), mi = (int)(rem / 60000 % 60);
    int s = (int)(rem / 1000 % 60), f = (int)(rem % 1000);

    des_civil(day, &y, &mo, &d);
    switch (fmt) {
    case T_NGX_ACCESS:
        buf_printf(b, "[%02d/%s/%04d:%02d:%02d:%02d +0000]", d, months[mo - 1],
                   y, h, mi, s);
        break;
    case T_NGX_ERROR:
        buf_printf(b, "%04d/%02d/%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
        break;
    case T_JAVA:
        buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d,%03d", y, mo, d, h, mi, s,
                   f);
        break;
    case T_PG:
        buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", y, mo, d, h, mi,
                   s, f);
        break;
    case T_ES:
        buf_printf(b, "[%04d-%02d-%02dT%02d:%02d:%02d,%03d]", y, mo, d, h, mi,
                   s, f);
        break;
    case T_REDIS:
        buf_printf(b, "%02d %s %04d %02d:%02d:%02d.%03d", d, months[mo - 1], y,
                   h, mi, s, f);
        break;
    case T_HAP:
        buf_printf(b, "[%02d/%s/%04d:%02d:%02d:%02d.%03d]", d, months[mo - 1],
                   y, h, mi, s, f);
        break;
    default:
        buf_printf(b, "%s %2d %02d:%02d:%02d", months[mo - 1], d, h, mi, s);
        break;
    }
}

static const char *pick(struct rng *g, const char *const *v, size_t n)
{
    return v[rng_below(g, (unsigned)n)];
}

#define PICK(g, v) pick(g, v, sizeof(v) / sizeof((v)[0]))

/*
 * printf for the generators, quicker than vsnprintf: %s, %-Ns, %u, %d,
 * %x, %0Nu, %0Nd, %c and %%.
 */
static void fmt(struct buf *b, const char *f, ...)
{
    va_list ap;

    va_start(ap, f);
    for (; *f != '\0'; f++) {
        const char *sv;
        char d[24];
        int width = 0, n = 0;
        bool left = false, zero = false;
        long long v;
        unsigned long long u;

        if (*f != '%') {
            const char *pct = strchr(f, '%');
            size_t len = pct != NULL ? (size_t)(pct - f) : strlen(f);

            buf_append(b, f, len);
            f += len - 1;
            continue;
        }
        f++;
        if (*f == '-') {
            left = true;
            f++;
        }
        if (*f == '0') {
            zero = true;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        switch (*f) {
        case 's':
            sv = va_arg(ap, const char *);
            n = (int)strlen(sv);
            if (!left)
                for (int i = n; i < width; i++)
                    buf_putc(b, ' ');
            buf_append(b, sv, (size_t)n);
            if (left)
                for (int i = n; i < width; i++)
                    buf_putc(b, ' ');
            break;
        case 'c':
            buf_putc(b, (char)va_arg(ap, int));
            break;
        case 'd':
        case 'u':
        case 'x':
            if (*f == 'd') {
                v = va_arg(ap, int);
                if (v < 0)
                    buf_putc(b, '-');
                u = (unsigned long long)(v < 0 ? -v : v);
            } else {
                u = va_arg(ap, unsigned);
            }
            do {
                d[n++] = "0123456789abcdef"[u % (*f == 'x' ? 16 : 10)];
                u /= *f == 'x' ? 16 : 10;
            } while (u > 0);
            for (int i = n; i < width; i++)
                buf_putc(b, zero ? '0' : ' ');
            while (n > 0)
                buf_putc(b, d[--n]);
            break;
        default:
            buf_putc(b, '%');
            break;
        }
    }
    va_end(ap);
}

/* A template with "%u" (decimal) or "%x" (hex) for v, "%%" for '%'. */
static void fill(struct buf *b, const char *t, unsigned v)
{
    for (; *t != '\0'; t++) {
        if (t[0] == '%' && (t[1] == 'u' || t[1] == 'x')) {
            unsigned base = t[1] == 'u' ? 10 : 16, x = v;
            char d[12];
            int n = 0;

            do {
                d[n++] = "0123456789abcdef"[x % base];
                x /= base;
            } while (x > 0);
            while (n > 0)
                buf_putc(b, d[--n]);
            t++;
        } else if (t[0] == '%' && t[1] == '%') {
            buf_putc(b, '%');
            t++;
        } else {
            buf_putc(b, *t);
        }
    }
}

static const char *const url_paths[] = {
    "/api/v1/orders",         "/api/v1/orders/%u",
    "/api/v1/users/%u",       "/api/v1/cart",
    "/api/v1/search?q=shoes", "/health",
    "/static/app.%x.js",      "/login",
    "/api/v1/payments",       "/metrics",
    "/favicon.ico",           "/api/v1/catalog/items?page=%u",
};

static void url_path(struct buf *b, struct rng *g)
{
    const char *p = PICK(g, url_paths);

    fill(b, p, rng_below(g, 99999) + 1);
}

/* Status and size of an access line: the first draws of its entry. */
static void req_meta(struct rng *g, int lv, int *status, int *bytes)
{
    static const int st[4][4] = { { 304, 304, 200, 304 },
                                  { 200, 200, 201, 301 },
                                  { 404, 401, 429, 499 },
                                  { 500, 502, 503, 504 } };

    *status = st[lv][rng_below(g, 4)];
    *bytes = *status == 304   ? 0
             : lv >= DES_WARN ? 150 + (int)rng_below(g, 450)
                              : (int)rng_below(g, 90000);
}

static void ngx_request(struct buf *b, struct rng *g, int lv)
{
    static const char *const verbs[] = { "GET",  "GET", "GET",
                                         "POST", "PUT", "DELETE" };
    static const char *const refs[] = { "-", "-", "-",
                                        "https://shop.example.com/",
                                        "https://shop.example.com/cart" };
    int status, bytes;
    const char *verb, *ref;

    req_meta(g, lv, &status, &bytes);
    verb = PICK(g, verbs);
    fmt(b, "\"%s ", verb);
    url_path(b, g);
    ref = PICK(g, refs);
    fmt(b, " HTTP/1.1\" %d %d \"%s\"", status, bytes, ref);
}

static void ngx_error(struct buf *b, struct rng *g, bool warn)
{
    static const char *const err[] = {
        "connect() failed (111: Connection refused) while connecting to "
        "upstream",
        "upstream timed out (110: Connection timed out) while reading "
        "response header from upstream",
        "upstream prematurely closed connection while reading response "
        "header from upstream",
        "no live upstreams while connecting to upstream",
    };
    static const char *const wrn[] = {
        "an upstream response is buffered to a temporary file "
        "/var/cache/nginx/proxy_temp/3/00/0000000003 while reading upstream",
        "upstream server temporarily disabled while reading response header "
        "from upstream",
        "using uninitialized \"request_id\" variable while logging request",
    };
    unsigned pid = 1000 + rng_below(g, 30000);

    fmt(b,
        "[%s] %u#%u: *%u %s, client: 10.1.%u.%u, server: "
        "shop.example.com, request: \"GET ",
        warn ? "warn" : "error", pid, 0u, rng_below(g, 999999) + 1,
        warn ? PICK(g, wrn) : PICK(g, err), rng_below(g, 256),
        rng_below(g, 254) + 1);
    url_path(b, g);
    fmt(b,
        " HTTP/1.1\", upstream: \"http://10.20.1.%u:8080/\", host: "
        "\"shop.example.com\"",
        21 + rng_below(g, 10));
}

static const char *const java_msgs[4][5] = {
    { "Cache lookup key=product:%u hit=true", "SQL select took %u ms",
      "Acquired connection from pool (active=%u, idle=4)",
      "Request headers parsed in %u us",
      "Resolved handler for GET /api/v1/orders/%u" },
    { "Order %u created for customer 4711", "Invoice batch %u finished",
      "User %u logged in from 10.1.7.23",
      "GET /api/v1/orders/%u completed 200 in 12 ms",
      "Scheduled job cleanup ran, %u rows removed" },
    { "Slow query: %u ms for SELECT * FROM orders WHERE customer_id = 815",
      "HikariPool-1 - Connection is not available, request timed out after "
      "%u ms.",
      "Retrying payment provider call (attempt %u of 5)",
      "Circuit breaker 'payments' is OPEN after %u failures",
      "Deprecated API /api/v1/cart called %u times by client 10.1.9.4" },
    { "Failed to process order %u: java.net.SocketTimeoutException: Read "
      "timed out",
      "Unhandled exception in request %u: java.lang.NullPointerException: "
      "Cannot invoke \"com.example.orders.Order.getCustomer()\" because "
      "\"order\" is null",
      "Could not connect to database (attempt %u): "
      "org.postgresql.util.PSQLException: Connection to 10.20.3.11:5432 "
      "refused. Check that the hostname and port are correct and that the "
      "postmaster is accepting TCP/IP connections.",
      "Payment declined for order %u: upstream returned 503 Service "
      "Unavailable",
      NULL },
};

static const char *const java_classes[][2] = {
    { "c.e.orders.OrderService", "c.e.orders.web.OrderController" },
    { "c.e.billing.InvoiceJob", "c.e.billing.PaymentClient" },
    { "c.e.catalog.SearchController", "c.e.catalog.ItemRepository" },
    { "c.e.users.SessionFilter", "c.e.users.LoginService" },
};

static void java_line(struct buf *b, struct rng *g, int lv, unsigned idx)
{
    static const char *const shared[] = {
        "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.z.hikari.pool.HikariPool"
    };
    static const char *const pad[] = { "DEBUG", "INFO ", "WARN ", "ERROR" };
    unsigned svc = rng_below(g, 4); /* the first draw: the service */
    unsigned nmsg = lv == DES_ERROR ? 4 : 5;
    unsigned m = lv == DES_ERROR ? idx % 4 : rng_below(g, nmsg);
    const char *cls = rng_below(g, 5) < 4 ? java_classes[svc][rng_below(g, 2)]
                                          : PICK(g, shared);

    fmt(b, "%s [", pad[lv]);
    switch (rng_below(g, 4)) {
    case 0:
        buf_puts(b, "main");
        break;
    case 1:
        buf_puts(b, "scheduling-1");
        break;
    default:
        fmt(b, "http-nio-8080-exec-%u", rng_below(g, 40) + 1);
        break;
    }
    fmt(b, "] %s - ", cls);
    fill(b, java_msgs[lv][m], rng_below(g, 9990) + 10);
}

static void java_stack(struct buf *b, struct rng *g, unsigned idx)
{
    unsigned ln = 40 + rng_below(g, 200), more = 10 + rng_below(g, 90);

    switch (idx / 16) {
    case 0:
        fmt(b,
            "\tat java.base/java.net.SocketInputStream.socketRead0("
            "Native Method)\n\tat java.base/java.net.SocketInputStream."
            "read(SocketInputStream.java:168)\n\tat org.apache.http.impl"
            ".io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl"
            ".java:153)\n\tat com.example.orders.PaymentClient.charge("
            "PaymentClient.java:%u)\n\t... %u common frames omitted",
            ln, more);
        break;
    case 1:
        fmt(b,
            "\tat com.example.orders.OrderService.process(OrderService."
            "java:%u)\n\tat com.example.orders.web.OrderController."
            "create(OrderController.java:%u)\n\tat java.base/jdk."
            "internal.reflect.DirectMethodHandleAccessor.invoke("
            "DirectMethodHandleAccessor.java:103)\n\t... %u more",
            ln, ln / 2 + 7, more);
        break;
    case 2:
        fmt(b,
            "\tat org.postgresql.core.v3.ConnectionFactoryImpl."
            "openConnectionImpl(ConnectionFactoryImpl.java:%u)\n\tat "
            "com.zaxxer.hikari.pool.HikariPool.createPoolEntry("
            "HikariPool.java:479)\nCaused by: java.net.ConnectException: "
            "Connection refused\n\tat java.base/sun.nio.ch.Net.connect0("
            "Native Method)\n\t... %u common frames omitted",
            ln, more);
        break;
    default:
        fmt(b,
            "\tat com.example.billing.PaymentClient.charge(PaymentClient"
            ".java:%u)\n\tat com.example.orders.OrderService.pay("
            "OrderService.java:%u)\n\t... %u more",
            ln, ln + 31, more);
        break;
    }
}

static void pg_line(struct buf *b, struct rng *g, int lv)
{
    static const char *const msgs[4][4] = {
        { "statement: SELECT 1", "autovacuum: processing database \"shop\"",
          "StartTransaction(1) name: unnamed; blockState: DEFAULT",
          "statement: SELECT id, status FROM orders WHERE id = %u" },
        { "checkpoint starting: time",
          "checkpoint complete: wrote %u buffers; 0 WAL file(s) added",
          "connection authorized: user=app database=shop "
          "application_name=orders",
          "automatic vacuum of table \"shop.public.orders\": index scans: 1" },
        { "could not receive data from client: Connection reset by peer",
          "checkpoints are occurring too frequently (%u seconds apart)",
          "temporary file: path \"base/pgsql_tmp/pgsql_tmp%u.0\", size 8192",
          "terminating connection because of crash of another server process" },
        { "duplicate key value violates unique constraint \"orders_pkey\"",
          "canceling statement due to statement timeout", "deadlock detected",
          "password authentication failed for user \"report\"" },
    };
    static const char *const tag[] = { "DEBUG1", "LOG", "WARNING", "ERROR" };
    unsigned m = rng_below(g, 4);

    fmt(b, "[%u] %s:  ", 1000 + rng_below(g, 90000),
        lv == DES_ERROR && m == 3 ? "FATAL" : tag[lv]);
    fill(b, msgs[lv][m], rng_below(g, 900) + 2);
}

/* Elasticsearch's own log: logger (head) and text (body) of entry i. */
static const char *const es_loggers[4][2] = {
    { "o.e.i.s.IndexShard", "o.e.t.TransportService" },
    { "o.e.c.m.MetadataCreateIndexService", "o.e.c.r.a.AllocationService" },
    { "o.e.m.j.JvmGcMonitorService", "o.e.c.r.a.DiskThresholdMonitor" },
    { "o.e.a.b.TransportShardBulkAction", "o.e.t.TcpTransport" },
};

static void es_body(struct buf *b, struct rng *g, int lv, unsigned which)
{
    unsigned a = rng_below(g, 900) + 1, c = rng_below(g, 9) + 1;

    switch (lv * 2 + (int)which) {
    case 0:
        fmt(b, "[logstash-%u][0] scheduling refresh", a);
        break;
    case 1:
        fmt(b, "[transport] handshake with 10.20.4.%u:9300 done", c);
        break;
    case 2:
        fmt(b,
            "[logstash-%u] creating index, cause [auto(bulk api)], "
            "templates [logstash], shards [1]/[1]",
            a);
        break;
    case 3:
        fmt(b,
            "current.health=\"GREEN\" message=\"Cluster health status "
            "changed from [YELLOW] to [GREEN] (reason: [shards started "
            "[[logstash-%u][0]]]).\"",
            a);
        break;
    case 4:
        fmt(b,
            "[gc][%u] overhead, spent [%u.%us] collecting in the last "
            "[%u.%us]",
            a, c, a % 10, c + 1, a % 7);
        break;
    case 5:
        fmt(b,
            "high disk watermark [90%%] exceeded on [es-node-%u], "
            "shards will be relocated away from this node",
            c);
        break;
    case 6:
        fmt(b,
            "[logstash-%u][0] failed to execute bulk item (index) "
            "index {[logstash-%u][_doc]}",
            a, a);
        break;
    default:
        fmt(b,
            "exception caught on transport layer [Netty4TcpChannel{"
            "localAddress=/10.20.4.%u:9300}], closing connection",
            c);
        break;
    }
}

static void redis_line(struct buf *b, struct rng *g, int lv)
{
    static const char *const msgs[4][3] = {
        { ". Client closed connection id=%u addr=10.20.2.14:40112",
          "- Accepted 10.20.2.%u:6379", ". DB 0: 4217 keys (%u volatile)" },
        { "* Background saving started by pid %u", "* DB saved on disk",
          "* %u changes in 60 seconds. Saving..." },
        { "# Client id=%u scheduled to be closed ASAP for overcoming of "
          "output buffer limits.",
          "# WARNING Memory overcommit must be enabled!",
          "# Connection with master lost (after %u seconds)." },
        { "# Error trying to save the DB, can't exit.",
          "# Background saving error",
          "# MISCONF Redis is configured to save RDB snapshots, but it's "
          "currently unable to persist to disk (%u)." },
    };

    fill(b, PICK(g, msgs[lv]), rng_below(g, 9000) + 100);
}

static void hap_line(struct buf *b, struct rng *g, int lv)
{
    unsigned app = rng_below(g, 12) + 1, t = rng_below(g, 300) + 3;
    unsigned c = rng_below(g, 200) + 1;

    if (lv == DES_ERROR) {
        fmt(b,
            "fe_https~ be_app/app%02u 0/0/1/-1/%u 502 209 - - SH-- "
            "%u/%u/3/0/0 0/0 \"POST ",
            app, t, c, c);
    } else if (lv == DES_WARN) {
        fmt(b,
            "fe_https~ be_app/<NOSRV> 0/-1/-1/-1/%u 503 217 - - SC-- "
            "%u/%u/0/0/0 0/0 \"GET ",
            t, c, c);
    } else {
        fmt(b,
            "fe_https~ be_app/app%02u 0/0/1/%u/%u %d %u - - ---- "
            "%u/%u/4/1/0 0/0 \"GET ",
            app, t, t + 1, lv == DES_DEBUG ? 304 : 200,
            lv == DES_DEBUG ? 0 : rng_below(g, 60000), c, c);
    }
    url_path(b, g);
    buf_puts(b, " HTTP/1.1\"");
}

/* Problem lines of a checkable kind: [kind][0 warning, 1 error]. */
static const char *const inc_msgs[DEMO_KIND_COUNT][2] = {
    { "kernel: [%u.204711] watchdog: BUG: soft lockup - CPU#1 stuck for 22s!",
      "kernel: [%u.118302] Out of memory: Killed process 2871 (java) "
      "total-vm:8123456kB" },
    { "kernel: [%u.550012] INFO: task java:2871 blocked for more than 120 "
      "seconds.",
      "nrpe[%u]: Command timed out after 60 seconds" },
    { "kernel: [%u.301554] java: page allocation stalls for 10312ms, order:0",
      "kernel: [%u.998120] Out of memory: Killed process 3312 (java)" },
    { "rsyslogd[%u]: disk /var almost full: 94%% used",
      "rsyslogd[%u]: file '/var/log/app/app.log': write error: No space left "
      "on device" },
    { "kernel: [%u.100100] swap usage at 87%%",
      "kernel: [%u.100200] Out of memory (swap exhausted): Killed process "
      "4120 (postgres)" },
    { "kernel: [%u.440200] cgroup: fork rejected by pids controller in "
      "/system.slice/app.service",
      "systemd[1]: app.service: Failed to fork: Resource temporarily "
      "unavailable (%u)" },
    { "sshd[%u]: Accepted publickey for deploy from 10.77.1.5 port 52114 ssh2",
      "sshd[%u]: error: maximum authentication attempts exceeded for root "
      "from 203.0.113.50" },
    { "chronyd[%u]: System clock wrong by 1.300930 seconds",
      "chronyd[%u]: Can't synchronise: no selectable sources" },
    { "backup.sh[%u]: backup finished with warnings: 3 files vanished",
      "backup.sh[%u]: rsync error: error in socket IO (code 10) at io.c(232): "
      "Connection refused" },
    { "nginx[%u]: upstream response time 4.812 s exceeds 2 s",
      "nginx[%u]: connect() failed (111: Connection refused) while connecting "
      "to upstream" },
    { "java[%u]: [gc] GC overhead: G1 Old Generation took 2345 ms, heap 91%% "
      "used after collection",
      "java[%u]: java.lang.OutOfMemoryError: Java heap space" },
    { "java[%u]: Health check degraded: connection pool 95%% used",
      "java[%u]: Health check failed: DataSource unavailable, returning 503 "
      "Service Unavailable" },
    { "postgres[%u]: WARNING:  standby is 87 s behind the primary",
      "postgres[%u]: FATAL:  the database system is in recovery mode" },
    { "elasticsearch[%u]: Cluster health status changed from [GREEN] to "
      "[YELLOW] (reason: [3 unassigned shards])",
      "elasticsearch[%u]: Cluster health status changed from [YELLOW] to "
      "[RED]: primary shard is not active" },
    { "redis-server[%u]: # Connection with master lost.",
      "redis-server[%u]: # MISCONF Redis is unable to persist to disk" },
    { "haproxy[%u]: Server be_app/app03 is DOWN for maintenance.",
      "haproxy[%u]: Server be_app/app03 is DOWN, reason: Layer4 connection "
      "problem, info: \"Connection refused\", check duration: 0ms." },
};

/* What a line in 500 looks like: hostile to terminals and parsers. */
static void hostile(struct buf *b, unsigned idx)
{
    static const char *const msgs[NHOSTILE] = {
        "\x1b[31;1mERROR\x1b[0m payment \x1b[4mfailed\x1b[24m for order 4711",
        "\x1b[2J\x1b[Hscreen cleared by a log line\x1b[?25l",
        "\x1b]0;PWNED-TITLE\x07user login ok",
        "harmless line\rERROR overwritten by carriage return",
        "bell\x07\x07 backspace\x08\x08\x08XXX vt\x0b ff\x0c del\x7f end",
        "C1 CSI \xc2\x9b"
        "31mred\xc2\x9b"
        "0m end",
        NULL, /* the very long line */
        "tabs\tand\nnewlines\n\tindented\n\n\nafter blank lines",
        "lone surrogate \xed\xa0\x80 and replacement \xef\xbf\xbd from bad "
        "bytes",
        "{\"level\":\"ERROR\",\"message\":\"\x1b[31mnested json\x1b[0m\"}",
        "osc52 \x1b]52;c;ZWNobyAicHduZWQiCg==\x07 copy this",
        "\x1b[31mconnection refused\x1b[0m from 10.20.1.5\x07",
    };

    if (msgs[idx] != NULL) {
        buf_puts(b, msgs[idx]);
        return;
    }
    for (int i = 0; i < 9000; i++)
        buf_putc(b, 'A');
    buf_puts(b, " middle ");
    for (int i = 0; i < 3000; i++)
        buf_puts(b, "\xc3\xa9");
    buf_puts(b, " end-of-very-long-line");
}

static void pool_text(const struct des_world *w, int pool, unsigned idx,
                      struct buf *b)
{
    struct rng g;

    rng_entry(&g, w, pool, idx);
    if (pool == P_CLIENT) {
        unsigned a = rng_below(&g, 4), c = rng_below(&g, 256);

        if (idx % 3 == 0) /* from outside, through the balancer */
            fmt(b, "203.0.113.%u - -", c % 254 + 1);
        else
            fmt(b, "10.%u.%u.%u - -", a, c, rng_below(&g, 254) + 1);
    } else if (pool >= P_REQ && pool < P_REQ + 4) {
        ngx_request(b, &g, pool - P_REQ);
    } else if (pool == P_UA) {
        static const char *const ua[] = {
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
            "Firefox/128.0",
            "curl/7.88.1",
            "kube-probe/1.29",
            "Prometheus/2.45.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            "Safari/605.1.15",
            "python-requests/2.31.0",
        };
        const char *a = PICK(&g, ua);

        fmt(b, "\"%s\" 0.%03u", a, rng_below(&g, 900) + 1);
    } else if (pool >= P_NGXERR && pool < P_NGXERR + 2) {
        ngx_error(b, &g, pool == P_NGXERR);
    } else if (pool >= P_JAVA && pool < P_JAVA + 4) {
        java_line(b, &g, pool - P_JAVA, idx);
    } else if (pool == P_STACK) {
        java_stack(b, &g, idx);
    } else if (pool >= P_PG && pool < P_PG + 4) {
        pg_line(b, &g, pool - P_PG);
    } else if (pool >= P_ESHEAD && pool < P_ESHEAD + 4) {
        int lv = pool - P_ESHEAD;

        fmt(b, "[%-5s][%s]", levels[lv], es_loggers[lv][idx % 2]);
    } else if (pool >= P_ESBODY && pool < P_ESBODY + 4) {
        es_body(b, &g, pool - P_ESBODY, idx % 2);
    } else if (pool == P_REDIS_PID) {
        fmt(b, "%u:M", 1000 + rng_below(&g, 60000));
    } else if (pool >= P_REDIS && pool < P_REDIS + 4) {
        redis_line(b, &g, pool - P_REDIS);
    } else if (pool == P_HAP_CLIENT) {
        fmt(b, "haproxy[%u]: 203.0.113.%u:%u", 800 + rng_below(&g, 9000),
            rng_below(&g, 254) + 1, 1024 + rng_below(&g, 60000));
    } else if (pool >= P_HAP && pool < P_HAP + 4) {
        hap_line(b, &g, pool - P_HAP);
    } else if (pool == P_INC) {
        unsigned kind = idx / (2 * INC_VARIANTS);
        unsigned err = idx / INC_VARIANTS % 2;

        fill(b, inc_msgs[kind][err], 1000 + rng_below(&g, 900000));
    } else if (pool == P_HOSTILE) {
        hostile(b, idx);
    }
}

static const char *host_name(const struct des_world *w, uint32_t h)
{
    return w->d->host[h].name;
}

void des_seg_text(const struct des_world *w, const struct des_doc *doc,
                  const struct des_seg *s, struct buf *b)
{
    if (s->kind == DES_SEG_TIME)
        time_text(s->arg, doc->ms, b);
    else if (s->kind == DES_SEG_HOST)
        buf_printf(b, s->arg ? "[%s]" : "%s", host_name(w, doc->host));
    else
        pool_text(w, s->arg, s->idx, b);
}

void des_message(const struct des_world *w, const struct des_doc *doc,
                 struct buf *b)
{
    for (int i = 0; i < doc->nseg; i++) {
        if (doc->seg[i].join != 0)
            buf_putc(b, (char)doc->seg[i].join);
        des_seg_text(w, doc, &doc->seg[i], b);
    }
}

/* --- fields ------------------------------------------------------------- */

static const struct des_field classic_fields[] = {
    { "@timestamp", DES_F_DATE, DES_G_TS },
    { "@version", DES_F_KEYWORD, DES_G_VERSION },
    { "message", DES_F_TEXT, DES_G_MSG },
    { "host", DES_F_TEXT, DES_G_HOST },
    { "host.keyword", DES_F_KEYWORD, DES_G_HOST },
    { "path", DES_F_TEXT, DES_G_PATH },
    { "path.keyword", DES_F_KEYWORD, DES_G_PATH },
    { "level", DES_F_TEXT, DES_G_LEVEL },
    { "level.keyword", DES_F_KEYWORD, DES_G_LEVEL },
    { "type", DES_F_TEXT, DES_G_TYPE },
    { "type.keyword", DES_F_KEYWORD, DES_G_TYPE },
    { "service", DES_F_TEXT, DES_G_SERVICE },
    { "service.keyword", DES_F_KEYWORD, DES_G_SERVICE },
    { "response", DES_F_LONG, DES_G_STATUS },
    { "bytes", DES_F_LONG, DES_G_BYTES },
    { "tags", DES_F_TEXT, DES_G_TAGS },
    { "tags.keyword", DES_F_KEYWORD, DES_G_TAGS },
};

static const struct des_field ecs_fields[] = {
    { "@timestamp", DES_F_DATE, DES_G_TS },
    { "@version", DES_F_KEYWORD, DES_G_VERSION },
    { "message", DES_F_TEXT, DES_G_MSG }, /* match_only_text */
    { "host.name", DES_F_KEYWORD, DES_G_HOST },
    { "log.level", DES_F_KEYWORD, DES_G_LEVEL },
    { "log.file.path", DES_F_KEYWORD, DES_G_PATH },
    { "service.name", DES_F_KEYWORD, DES_G_SERVICE },
    { "event.dataset", DES_F_KEYWORD, DES_G_DATASET },
    { "http.response.status_code", DES_F_LONG, DES_G_STATUS },
    { "http.response.body.bytes", DES_F_LONG, DES_G_BYTES },
    { "ecs.version", DES_F_KEYWORD, DES_G_ECSVER },
    { "tags", DES_F_KEYWORD, DES_G_TAGS },
};

const struct des_field *des_fields(int fam, size_t *n)
{
    if (fam == DES_ECS) {
        *n = sizeof(ecs_fields) / sizeof(ecs_fields[0]);
        return ecs_fields;
    }
    *n = sizeof(classic_fields) / sizeof(classic_fields[0]);
    return classic_fields;
}

int des_value_text(const struct des_world *w, int getter, uint32_t vid,
                   const char **v)
{
    static const char *const tags[] = { "_grokparsefailure",
                                        "beats_input_codec_plain_applied" };

    switch (getter) {
    case DES_G_VERSION:
        v[0] = "1";
        return 1;
    case DES_G_ECSVER:
        v[0] = "8.0.0";
        return 1;
    case DES_G_HOST:
        v[0] = host_name(w, vid);
        return 1;
    case DES_G_PATH:
        v[0] = paths[vid];
        return 1;
    case DES_G_LEVEL:
        v[0] = levels[vid];
        return 1;
    case DES_G_TYPE:
        v[0] = types[vid];
        return 1;
    case DES_G_DATASET:
        v[0] = datasets[vid];
        return 1;
    case DES_G_SERVICE:
        v[0] = services[vid];
        return vid != 0;
    case DES_G_TAGS:
        v[0] = vid > 0 ? tags[vid - 1] : NULL;
        return vid > 0;
    default:
        return 0;
    }
}

int des_str_values(const struct des_world *w, const struct des_doc *doc,
                   int getter, const char **v, uint32_t *vid)
{
    if (!des_doc_vid(doc, getter, vid))
        return 0;
    return des_value_text(w, getter, *vid, v);
}

uint32_t des_cardinality(const struct des_world *w, int getter)
{
    switch (getter) {
    case DES_G_HOST:
        return w->d->nhosts;
    case DES_G_PATH:
        return sizeof(paths) / sizeof(paths[0]);
    case DES_G_LEVEL:
        return 4;
    case DES_G_TYPE:
    case DES_G_DATASET:
        return sizeof(types) / sizeof(types[0]);
    case DES_G_SERVICE:
        return sizeof(services) / sizeof(services[0]);
    case DES_G_TAGS:
        return 3;
    default:
        return 1;
    }
}

bool des_num_value(const struct des_world *w, const struct des_doc *doc,
                   int getter, long long *v)
{
    struct rng g;
    int status, bytes;

    if (getter == DES_G_TS) {
        *v = doc->ms;
        return true;
    }
    if (doc->tmpl != TM_NGX_ACCESS ||
        (getter != DES_G_STATUS && getter != DES_G_BYTES))
        return false;
    rng_entry(&g, w, doc->seg[2].arg, doc->seg[2].idx);
    req_meta(&g, doc->seg[2].arg - P_REQ, &status, &bytes);
    *v = getter == DES_G_STATUS ? status : bytes;
    return true;
}

/* --- _source ------------------------------------------------------------- */

static cJSON *obj_at(cJSON *parent, const char *name)
{
    cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, name);

    return o != NULL ? o : cJSON_AddObjectToObject(parent, name);
}

static cJSON *doc_json(const struct des_world *w, const struct des_doc *doc)
{
    cJSON *s = cJSON_CreateObject(), *o;
    struct buf b = { 0 };
    char ts[40];
    const char *v[2];
    uint32_t vid;
    long long n;
    bool ecs = doc->fam == DES_ECS;

    des_date_format(doc->ms, NULL, 0, ts, sizeof(ts));
    cJSON_AddStringToObject(s, "@timestamp", ts);
    cJSON_AddStringToObject(s, "@version", "1");
    des_message(w, doc, &b);
    cJSON_AddStringToObject(s, "message", b.data != NULL ? b.data : "");
    buf_free(&b);
    des_str_values(w, doc, DES_G_HOST, v, &vid);
    if (ecs) {
        cJSON_AddStringToObject(obj_at(s, "host"), "name", v[0]);
        o = obj_at(s, "log");
        cJSON_AddStringToObject(o, "level", levels[doc->level]);
        des_str_values(w, doc, DES_G_PATH, v, &vid);
        cJSON_AddStringToObject(obj_at(o, "file"), "path", v[0]);
        if (des_str_values(w, doc, DES_G_SERVICE, v, &vid) > 0)
            cJSON_AddStringToObject(obj_at(s, "service"), "name", v[0]);
        des_str_values(w, doc, DES_G_DATASET, v, &vid);
        cJSON_AddStringToObject(obj_at(s, "event"), "dataset", v[0]);
        if (des_num_value(w, doc, DES_G_STATUS, &n)) {
            o = obj_at(obj_at(s, "http"), "response");
            cJSON_AddNumberToObject(o, "status_code", (double)n);
            des_num_value(w, doc, DES_G_BYTES, &n);
            cJSON_AddNumberToObject(obj_at(o, "body"), "bytes", (double)n);
        }
        cJSON_AddStringToObject(obj_at(s, "ecs"), "version", "8.0.0");
    } else {
        cJSON_AddStringToObject(s, "host", v[0]);
        des_str_values(w, doc, DES_G_PATH, v, &vid);
        cJSON_AddStringToObject(s, "path", v[0]);
        cJSON_AddStringToObject(s, "level", levels[doc->level]);
        des_str_values(w, doc, DES_G_TYPE, v, &vid);
        cJSON_AddStringToObject(s, "type", v[0]);
        if (des_str_values(w, doc, DES_G_SERVICE, v, &vid) > 0)
            cJSON_AddStringToObject(s, "service", v[0]);
        if (des_num_value(w, doc, DES_G_STATUS, &n)) {
            cJSON_AddNumberToObject(s, "response", (double)n);
            des_num_value(w, doc, DES_G_BYTES, &n);
            cJSON_AddNumberToObject(s, "bytes", (double)n);
        }
    }
    if (des_str_values(w, doc, DES_G_TAGS, v, &vid) > 0)
        cJSON_AddItemToObject(s, "tags", cJSON_CreateStringArray(v, 1));
    return s;
}

bool des_star_match(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;

    while (*s != '\0') {
        if (*p == '*') {
            star = p++;
            back = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star != NULL) {
            p = star + 1;
            s = ++back;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static bool any_match(char **pats, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (des_star_match(pats[i], path))
            return true;
    return false;
}

/* XContentMapValues.filter: keep paths that match, drop excluded ones. */
static void filter(cJSON *obj, const char *prefix, bool included,
                   const struct des_filter *f)
{
    cJSON *it = obj->child, *next;
    char path[256];

    for (; it != NULL; it = next) {
        bool inc;

        next = it->next;
        snprintf(path, sizeof(path), "%s%s", prefix, it->string);
        if (any_match(f->exc, f->nexc, path)) {
            cJSON_Delete(cJSON_DetachItemViaPointer(obj, it));
            continue;
        }
        inc = included || f->ninc == 0 || any_match(f->inc, f->ninc, path);
        if (cJSON_IsObject(it)) {
            bool empty = it->child == NULL;
            char sub[260];

            snprintf(sub, sizeof(sub), "%s.", path);
            filter(it, sub, inc, f);
            if (it->child != NULL || (inc && empty))
                continue;
        } else if (inc) {
            continue;
        }
        cJSON_Delete(cJSON_DetachItemViaPointer(obj, it));
    }
}

void des_json_str(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;

    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];

        if (c == '"' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c < 0x20) {
            const char *esc = c == '\n'   ? "\\n"
                              : c == '\r' ? "\\r"
                              : c == '\t' ? "\\t"
                              : c == '\b' ? "\\b"
                              : c == '\f' ? "\\f"
                                          : NULL;

            if (esc != NULL)
                buf_puts(b, esc);
            else
                buf_printf(b, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        } else if (c == 0xed && i + 2 < n && (p[i + 1] & 0xe0) == 0xa0) {
            /* A lone UTF-16 surrogate: only an escape can carry it. */
            unsigned cp =
                0xd000 | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);

            buf_printf(b, "\\u%04X", cp);
            i += 2;
        } else {
            buf_putc(b, (char)c);
        }
    }
    buf_putc(b, '"');
}

static void write_json(struct buf *b, const cJSON *v)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool obj = cJSON_IsObject(v);

        buf_putc(b, obj ? '{' : '[');
        for (const cJSON *it = v->child; it != NULL; it = it->next) {
            if (it != v->child)
                buf_putc(b, ',');
            if (obj) {
                des_json_str(b, it->string, strlen(it->string));
                buf_putc(b, ':');
            }
            write_json(b, it);
        }
        buf_putc(b, obj ? '}' : ']');
    } else if (cJSON_IsString(v)) {
        des_json_str(b, v->valuestring, strlen(v->valuestring));
    } else if (cJSON_IsNumber(v)) {
        buf_printf(b, "%lld", (long long)v->valuedouble);
    } else {
        buf_puts(b, cJSON_IsTrue(v)    ? "true"
                    : cJSON_IsFalse(v) ? "false"
                                       : "null");
    }
}

void des_source(const struct des_world *w, const struct des_doc *doc,
                const struct des_filter *f, struct buf *b)
{
    cJSON *s = doc_json(w, doc);

    if (f != NULL && (f->ninc > 0 || f->nexc > 0))
        filter(s, "", false, f);
    write_json(b, s);
    cJSON_Delete(s);
}

/* --- the standard analyzer ----------------------------------------------- */

enum cls {
    C_LETTER,
    C_DIGIT,
    C_EXTNUM,
    C_MIDLETTER,
    C_MIDNUMLET,
    C_MIDNUM,
    C_OTHER
};

/* One UTF-8 code point (surrogates allowed; bad bytes are U+FFFD). */
static uint32_t utf8(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t need = c < 0x80    ? 0
                  : c >= 0xf0 ? 3
                  : c >= 0xe0 ? 2
                  : c >= 0xc0 ? 1
                              : 9;
    uint32_t cp = need == 0   ? c
                  : need == 1 ? c & 0x1f
                  : need == 2 ? c & 0xf
                              : c & 7;

    if (need == 9 || need >= n) {
        *len = 1;
        return need == 0 ? c : 0xfffd;
    }
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = 1;
            return 0xfffd;
        }
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    *len = need + 1;
    return cp;
}

static int cp_class(uint32_t cp);

/* cp_class() of the ASCII characters. */
static const uint8_t ascii_class[128] = {
#define O C_OTHER
#define L C_LETTER
#define D C_DIGIT
    O, O, O,        O, O,           O, O, O, O, O, O,           O,        O,
    O, O, O, /* control */
    O, O, O,        O, O,           O, O, O, O, O, O,           O,        O,
    O, O, O,        O, O,           O, O, O, O, O, C_MIDNUMLET, O,        O,
    O, O, C_MIDNUM, O, C_MIDNUMLET, O, /* ' , . */
    D, D, D,        D, D,           D, D, D, D, D, C_MIDLETTER, C_MIDNUM, O,
    O, O, O,        O, L,           L, L, L, L, L, L,           L,        L,
    L, L, L,        L, L,           L, /* @ A.. */
    L, L, L,        L, L,           L, L, L, L, L, L,           O,        O,
    O, O, C_EXTNUM, O, L,           L, L, L, L, L, L,           L,        L,
    L, L, L,        L, L,           L, /* ` a.. */
    L, L, L,        L, L,           L, L, L, L, L, L,           O,        O,
    O, O, O,
#undef O
#undef L
#undef D
};

static int cp_class(uint32_t cp)
{
    if (cp < 0x80) {
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            return C_LETTER;
        if (cp >= '0' && cp <= '9')
            return C_DIGIT;
        return cp == '_'                 ? C_EXTNUM
               : cp == '.' || cp == '\'' ? C_MIDNUMLET
               : cp == ':'               ? C_MIDLETTER
               : cp == ',' || cp == ';'  ? C_MIDNUM
                                         : C_OTHER;
    }
    if (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xd7 ||
        cp == 0xf7 || cp == 0xfffd || (cp >= 0x2000 && cp <= 0x206f))
        return C_OTHER;
    if (cp < 0xc0)
        return cp == 0xaa || cp == 0xb5 || cp == 0xba ? C_LETTER : C_OTHER;
    return C_LETTER;
}

static bool word(int k)
{
    return k == C_LETTER || k == C_DIGIT || k == C_EXTNUM;
}

/* Code point cp lower-cased (ASCII and Latin-1) as UTF-8 at out; the
   bytes written. */
static size_t lower_utf8(uint32_t cp, char *out)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
        cp += 0x20;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

char *des_lower(const char *s)
{
    struct buf b = { 0 };
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), len;
    char u[4];

    for (size_t i = 0; i < n; i += len)
        buf_append(&b, u, lower_utf8(utf8(p + i, n - i, &len), u));
    return buf_steal(&b);
}

static void tok_start(struct des_toks *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->off = xrealloc(t->off, t->cap * sizeof(*t->off));
        t->tok = xrealloc(t->tok, t->cap * sizeof(*t->tok));
    }
    t->off[t->n++] = (uint32_t)t->text.len;
}

/* Where the word starting at code point i ends (UAX #29's rules for
   letters, digits and the characters that join them). */
static size_t word_end(const uint8_t *cl, size_t m, size_t i)
{
    size_t j = i + 1;

    while (j < m) {
        int kj = cl[j];

        if (word(kj)) {
            j++;
            continue;
        }
        if (j + 1 < m && word(cl[j + 1])) {
            int prev = cl[j - 1], nxt = cl[j + 1];

            if ((kj == C_MIDNUMLET && prev != C_EXTNUM && nxt != C_EXTNUM) ||
                (kj == C_MIDLETTER && prev == C_LETTER && nxt == C_LETTER) ||
                (kj == C_MIDNUM && prev == C_DIGIT && nxt == C_DIGIT)) {
                j += 2;
                continue;
            }
        }
        break;
    }
    return j;
}

void des_tokenize(struct des_toks *t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t scp[256];
    uint8_t scl[256];
    uint32_t *cp = n <= 256 ? scp : xmalloc(n * sizeof(*cp));
    uint8_t *cl = n <= 256 ? scl : xmalloc(n);
    size_t m = 0, len;
    char w[255 * 4 + 1];

    for (size_t i = 0; i < n; i += len, m++) {
        if (p[i] < 0x80) {
            len = 1;
            cp[m] = p[i];
            cl[m] = ascii_class[p[i]];
        } else {
            cp[m] = utf8(p + i, n - i, &len);
            cl[m] = (uint8_t)cp_class(cp[m]);
        }
    }
    for (size_t i = 0, j; i < m; i = j) {
        if (!word(cl[i])) {
            j = i + 1;
            continue;
        }
        j = word_end(cl, m, i);
        /* max_token_length 255: longer words are split. */
        for (size_t a = i; a < j; a += 255) {
            size_t k = 0;

            for (size_t c = a; c < j && c < a + 255; c++)
                k += lower_utf8(cp[c], w + k);
            w[k++] = '\0';
            tok_start(t);
            buf_append(&t->text, w, k);
        }
    }
    if (cp != scp)
        free(cp);
    if (cl != scl)
        free(cl);
    for (size_t i = 0; i < t->n; i++)
        t->tok[i] = t->text.data + t->off[i];
}

void des_toks_reset(struct des_toks *t)
{
    buf_reset(&t->text);
    t->n = 0;
}

void des_toks_free(struct des_toks *t)
{
    buf_free(&t->text);
    free(t->off);
    free(t->tok);
    memset(t, 0, sizeof(*t));
}

/* --- tokens of message pieces ----------------------------------------------
 */

static void centry_fill(struct des_cache *c, struct centry *e)
{
    size_t bytes;
    char *at;

    des_toks_reset(&c->toks);
    des_tokenize(&c->toks, c->text.data != NULL ? c->text.data : "",
                 c->text.len);
    bytes = c->toks.n * sizeof(char *) + c->toks.text.len + 1;
    e->tok = xmalloc(bytes);
    at = (char *)(e->tok + c->toks.n);
    if (c->toks.text.len > 0)
        memcpy(at, c->toks.text.data, c->toks.text.len);
    for (size_t i = 0; i < c->toks.n; i++)
        e->tok[i] = at + c->toks.off[i];
    e->n = (uint32_t)c->toks.n;
}

static struct des_tokv view(const struct centry *e)
{
    struct des_tokv v = { (const char *const *)e->tok, e->n };

    return v;
}

struct des_tokv des_host_tokens(const struct des_world *w, uint32_t host)
{
    struct des_cache *c = w->cache;
    struct centry *e;

    if (c->host == NULL)
        c->host = xcalloc(w->d->nhosts, sizeof(*c->host));
    e = &c->host[host];
    if (e->tok == NULL) {
        buf_reset(&c->text);
        buf_puts(&c->text, host_name(w, host));
        centry_fill(c, e);
    }
    return view(e);
}

/* Time tokens being written into one format's slot. */
struct tw {
    char *text;
    const char **tok;
    size_t n, at;
};

/* A token of digits: a (width digits, 0: as many as it takes), then an
   optional separator and b (width digits). */
static void time_tok(struct tw *w, int a, int wa, char sep, int b, int wb)
{
    char *s = w->text + w->at;
    int n = 0, k;

    for (k = 0; wa == 0 ? (k == 0 || a > 0) : k < wa; k++, a /= 10)
        s[n++] = (char)('0' + a % 10);
    for (int i = 0; i < n / 2; i++) {
        char c = s[i];

        s[i] = s[n - 1 - i];
        s[n - 1 - i] = c;
    }
    if (sep != 0) {
        s[n++] = sep;
        for (k = wb - 1; k >= 0; k--, b /= 10)
            s[n + k] = (char)('0' + b % 10);
        n += wb;
    }
    s[n++] = '\0';
    w->tok[w->n++] = s;
    w->at += (size_t)n;
}

static void word_tok(struct tw *w, const char *word)
{
    size_t len = strlen(word) + 1;

    memcpy(w->text + w->at, word, len);
    w->tok[w->n++] = w->text + w->at;
    w->at += len;
}

/* The tokens of time_text(fmt, minute) up to the minute's. */
static void minute_tokens(int fmt, int64_t minute, struct tw *w)
{
    int64_t day = des_floordiv(minute, 1440), rem = minute - day * 1440;
    int y, mo, d, h = (int)(rem / 60), mi = (int)(rem % 60);
    char mon[4];

    des_civil(day, &y, &mo, &d);
    for (int i = 0; i < 3; i++)
        mon[i] = (char)(months[mo - 1][i] | 0x20);
    mon[3] = '\0';
    switch (fmt) {
    case T_NGX_ACCESS:
    case T_REDIS:
    case T_HAP:
        time_tok(w, d, 2, 0, 0, 0);
        word_tok(w, mon);
        time_tok(w, y, 4, 0, 0, 0);
        break;
    case T_SYSLOG:
        word_tok(w, mon);
        time_tok(w, d, 0, 0, 0, 0);
        break;
    case T_ES:
        time_tok(w, y, 4, 0, 0, 0);
        time_tok(w, mo, 2, 0, 0, 0);
        time_tok(w, d, 2, 't', h, 2);
        break;
    default:
        time_tok(w, y, 4, 0, 0, 0);
        time_tok(w, mo, 2, 0, 0, 0);
        time_tok(w, d, 2, 0, 0, 0);
        break;
    }
    if (fmt != T_ES)
        time_tok(w, h, 2, 0, 0, 0);
    time_tok(w, mi, 2, 0, 0, 0);
}

/* The tokens the analyzer finds in time_text(fmt, ms), written directly. */
static struct des_tokv time_tokens(int fmt, int64_t ms, struct des_ttoks *t)
{
    int64_t minute = des_floordiv(ms, 60000);
    int s = (int)(ms / 1000 - minute * 60), f = (int)(ms % 1000);
    struct tw w = { t->f[fmt].text, t->f[fmt].tok, 0, 0 };
    struct des_tokv v;

    if (t->f[fmt].minute != minute + 1) {
        minute_tokens(fmt, minute, &w);
        t->f[fmt].minute = minute + 1;
        t->f[fmt].n = w.n;
        t->f[fmt].at = w.at;
    }
    w.n = t->f[fmt].n;
    w.at = t->f[fmt].at;
    {
        /* The second's token, written straight: "19", "19,066", "19.066". */
        char *o = w.text + w.at,
             sep = fmt == T_JAVA || fmt == T_ES                    ? ','
                   : fmt == T_PG || fmt == T_REDIS || fmt == T_HAP ? '.'
                                                                   : 0;
        size_t k = 0;

        o[k++] = (char)('0' + s / 10);
        o[k++] = (char)('0' + s % 10);
        if (sep != 0) {
            o[k++] = sep;
            o[k++] = (char)('0' + f / 100);
            o[k++] = (char)('0' + f / 10 % 10);
            o[k++] = (char)('0' + f % 10);
        }
        o[k++] = '\0';
        w.tok[w.n++] = o;
        w.at += k;
    }
    if (fmt == T_PG)
        word_tok(&w, "utc");
    else if (fmt == T_NGX_ACCESS)
        word_tok(&w, "0000");
    v.tok = t->f[fmt].tok;
    v.n = w.n;
    return v;
}

struct des_tokv des_pool_tokens(const struct des_world *w, int pool,
                                unsigned idx)
{
    struct des_cache *c = w->cache;
    struct centry *e;

    if (c->pool[pool] == NULL)
        c->pool[pool] = xcalloc(pool_sizes[pool], sizeof(struct centry));
    e = &c->pool[pool][idx];
    if (e->tok == NULL) {
        buf_reset(&c->text);
        pool_text(w, pool, idx, &c->text);
        centry_fill(c, e);
    }
    return view(e);
}

int des_doc_class(const struct des_world *w, const struct des_doc *doc)
{
    if (doc->inc != 0)
        return 32 + (doc->inc - 1) * 2 + (doc->level == DES_ERROR);
    if (doc->hostile)
        return 24;
    return w->d->host[doc->host].role * 4 + doc->level;
}

size_t des_class_pieces(int cls, struct des_piece_range *out, bool *host)
{
    size_t n = 0;
    int lv = cls % 4;

#define ADD(p, a, b) (out[n].pool = (p), out[n].from = (a), out[n++].to = (b))
#define ALL(p)       ADD(p, 0, pool_sizes[p])
    *host = false;
    if (cls >= 32) {
        unsigned base = (unsigned)(cls - 32) * INC_VARIANTS;

        ADD(P_INC, base, base + INC_VARIANTS);
        *host = true;
        return n;
    }
    if (cls == 24) {
        ALL(P_HOSTILE);
        return n;
    }
    switch (cls / 4) {
    case DEMO_ROLE_WEB:
        ALL(P_CLIENT);
        ALL(P_REQ + lv);
        ALL(P_UA);
        if (lv >= DES_WARN)
            ALL(P_NGXERR + lv - DES_WARN);
        break;
    case DEMO_ROLE_APP:
        ALL(P_JAVA + lv);
        if (lv == DES_ERROR)
            ALL(P_STACK);
        break;
    case DEMO_ROLE_DB:
        ALL(P_PG + lv);
        break;
    case DEMO_ROLE_ES:
        ALL(P_ESHEAD + lv);
        ALL(P_ESBODY + lv);
        *host = true;
        break;
    case DEMO_ROLE_CACHE:
        ALL(P_REDIS_PID);
        ALL(P_REDIS + lv);
        break;
    default:
        ALL(P_HAP_CLIENT);
        ALL(P_HAP + lv);
        break;
    }
#undef ALL
#undef ADD
    return n;
}

struct des_tokv des_piece_tokens(const struct des_world *w,
                                 const struct des_doc *doc,
                                 const struct des_seg *s,
                                 struct des_ttoks *scratch)
{
    if (s->kind == DES_SEG_TIME)
        return time_tokens(s->arg, doc->ms, scratch);
    if (s->kind == DES_SEG_HOST)
        return des_host_tokens(w, doc->host);
    return des_pool_tokens(w, s->arg, s->idx);
}

static void cache_free(struct des_cache *c, size_t nhosts)
{
    if (c == NULL)
        return;
    for (int p = 0; p < P_COUNT; p++) {
        for (size_t i = 0; c->pool[p] != NULL && i < pool_sizes[p]; i++)
            free(c->pool[p][i].tok);
        free(c->pool[p]);
    }
    for (size_t i = 0; c->host != NULL && i < nhosts; i++)
        free(c->host[i].tok);
    free(c->host);
    des_toks_free(&c->toks);
    buf_free(&c->text);
    free(c);
}
