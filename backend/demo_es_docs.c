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
 *
 * This file: the world of a search and its documents; the text of the
 * pieces is in demo_es_message.c, fields and _source in demo_es_fields.c,
 * the tokens in demo_es_tokens.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_docs_int.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

const uint16_t des_pool_sizes[P_COUNT] = {
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
    return pool >= 0 && pool < P_COUNT ? des_pool_sizes[pool] : 0;
}

/* log file path, classic "type", ECS "event.dataset" per template. */
static const uint8_t tmpl_path[] = { 0, 1, 2, 2, 6, 7, 8, 9, 10, 11 };
static const uint8_t tmpl_type[] = { 0, 1, 2, 2, 3, 4, 5, 6, 7, 2 };

const char *const des_levels[4] = { "DEBUG", "INFO", "WARN", "ERROR" };
const char *const des_months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

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

void des_world_free(struct des_world *w)
{
    free(w->inc);
    w->inc = NULL;
    des_cache_free(w->cache, w->d->nhosts);
    w->cache = NULL;
}

/* --- documents ------------------------------------------------------------ */

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
    seg(doc, DES_SEG_POOL, pool, join, draw(g, des_pool_sizes[pool]));
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
        unsigned i = draw(g, des_pool_sizes[P_ESBODY + lv]);

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
