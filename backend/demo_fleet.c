/*
 * The demo fleet: hosts over four environments and six roles, about ten
 * services each, and the problems that are already there at start.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/demo_int.h"
#include "backend/xalloc.h"

static const char *const env_names[] = { "Development", "Test",
                                         "Pre-Production", "Production" };
static const char *const env_prefix[] = { "dev", "tst", "ppd", "prd" };
static const int env_weight[] = { 25, 20, 15, 40 };

static const char *const role_names[DEMO_ROLE_COUNT] = { "web", "app",   "db",
                                                         "es",  "cache", "lb" };
static const int role_weight[DEMO_ROLE_COUNT] = { 22, 30, 14, 12, 12, 10 };
static const uint8_t role_cores[DEMO_ROLE_COUNT][2] = { { 2, 4 },  { 4, 8 },
                                                        { 8, 16 }, { 8, 16 },
                                                        { 2, 4 },  { 2, 2 } };
static const uint8_t role_mem[DEMO_ROLE_COUNT][2] = { { 4, 8 },   { 8, 16 },
                                                      { 32, 64 }, { 32, 64 },
                                                      { 8, 16 },  { 4, 4 } };

static const char *const kind_names[DEMO_KIND_COUNT] = {
    "hostalive", "load",       "memory", "disk",   "swap",     "procs",
    "users",     "ntp",        "backup", "http",   "jvm-heap", "app-health",
    "postgres",  "es-cluster", "redis",  "haproxy"
};
/* Icinga's check_interval per kind, seconds, at the default scale. */
static const uint16_t kind_interval[DEMO_KIND_COUNT] = { 30, 15, 20, 60, 60, 30,
                                                         60, 60, 60, 10, 15, 10,
                                                         20, 20, 30, 15 };

/* Services every Linux host has, then those of each role. */
static const uint8_t base_kinds[] = { DEMO_KIND_LOAD,  DEMO_KIND_MEM,
                                      DEMO_KIND_DISK,  DEMO_KIND_SWAP,
                                      DEMO_KIND_PROCS, DEMO_KIND_USERS,
                                      DEMO_KIND_NTP };
static const uint8_t role_kinds[DEMO_ROLE_COUNT][3] = {
    { DEMO_KIND_BACKUP, DEMO_KIND_HTTP, 0 },
    { DEMO_KIND_BACKUP, DEMO_KIND_JVM, DEMO_KIND_APPHEALTH },
    { DEMO_KIND_BACKUP, DEMO_KIND_POSTGRES, 0 },
    { DEMO_KIND_BACKUP, DEMO_KIND_JVM, DEMO_KIND_ES },
    { DEMO_KIND_REDIS, 0, 0 },
    { DEMO_KIND_HAPROXY, DEMO_KIND_HTTP, 0 },
};

#define NBASE (sizeof(base_kinds) / sizeof(base_kinds[0]))

const char *demo_env_name(int env)
{
    return env_names[env];
}

const char *demo_role_name(int role)
{
    return role_names[role];
}

const char *demo_kind_name(int kind)
{
    return kind_names[kind];
}

const char *demo_kind_display(int kind)
{
    return kind == DEMO_KIND_JVM ? "JVM Heap" : kind_names[kind];
}

void demo_addr_str(uint32_t addr, char *out, size_t len)
{
    snprintf(out, len, "%u.%u.%u.%u", (unsigned)(addr >> 24),
             (unsigned)(addr >> 16) & 255u, (unsigned)(addr >> 8) & 255u,
             (unsigned)addr & 255u);
}

/* Split n into parts proportional to w (largest remainder, stable). */
static void apportion(int n, const int *w, int k, int *out)
{
    int sum = 0, given = 0;

    for (int i = 0; i < k; i++)
        sum += w[i];
    for (int i = 0; i < k; i++) {
        out[i] = n * w[i] / sum;
        given += out[i];
    }
    /* Hand out the rest in weight order so small fleets get the big roles. */
    while (given < n) {
        int best = 0;

        for (int j = 1; j < k; j++)
            if (w[j] * (out[best] + 1) > w[best] * (out[j] + 1))
                best = j;
        out[best]++;
        given++;
    }
}

static int role_service_count(int role)
{
    int n = (int)NBASE;

    for (int i = 0; i < 3; i++)
        n += role_kinds[role][i] != 0;
    return n;
}

static void add_host(struct demo *d, int env, int role, int num, int width)
{
    uint32_t id = d->nhosts++;
    struct demo_host *h = &d->host[id];
    struct demo_obj *o = &d->obj[id];
    uint32_t r = (uint32_t)demo_hash(d->seed, 0x10000000u + id);

    snprintf(h->name, sizeof(h->name), "%s-%s-%0*d", env_prefix[env],
             role_names[role], width, num);
    h->env = (uint8_t)env;
    h->role = (uint8_t)role;
    h->num = (uint16_t)num;
    h->cores = role_cores[role][r & 1];
    h->mem_gb = role_mem[role][(r >> 1) & 1];
    h->addr = (10u << 24) | ((uint32_t)(20 + env) << 16) |
              ((uint32_t)((role * 40 + (num - 1) / 240) & 255) << 8) |
              (uint32_t)((num - 1) % 240 + 11);
    o->host = id;
    o->rnd = r;
    o->kind = DEMO_KIND_HOST;
}

static void add_services(struct demo *d, uint32_t hid)
{
    struct demo_host *h = &d->host[hid];
    uint8_t kinds[NBASE + 3];
    int n = 0;

    for (size_t i = 0; i < NBASE; i++)
        kinds[n++] = base_kinds[i];
    for (int i = 0; i < 3; i++)
        if (role_kinds[h->role][i] != 0)
            kinds[n++] = role_kinds[h->role][i];
    h->svc_first = d->nhosts + d->nsvc;
    h->svc_count = (uint16_t)n;
    for (int i = 0; i < n; i++) {
        uint32_t id = d->nhosts + d->nsvc++;
        struct demo_obj *o = &d->obj[id];

        o->host = hid;
        o->kind = kinds[i];
        o->rnd = (uint32_t)demo_hash(d->seed, id);
        if (o->kind == DEMO_KIND_JVM && o->rnd % 100 < 15)
            o->flags |= DEMO_F_GC_HIGH;
    }
}

/* Intervals stretch at large scale: about 3,000 checks a second at most. */
static void set_intervals(struct demo *d)
{
    double rate = 0, mult;

    for (uint32_t i = 0; i < d->nobj; i++)
        rate += 1.0 / kind_interval[d->obj[i].kind];
    mult = rate > 3000 ? rate / 3000 : 1;
    for (uint32_t i = 0; i < d->nobj; i++) {
        struct demo_obj *o = &d->obj[i];
        double iv = ceil(kind_interval[o->kind] * mult);

        o->interval = (uint16_t)(iv > 60000 ? 60000 : iv);
        o->retry = (uint16_t)(o->interval / 3 < 5 ? 5 : o->interval / 3);
    }
}

/* A sequence of pseudo-random numbers for the scripted problems. */
struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *g)
{
    g->s += 0x9e3779b97f4a7c15ull;
    return demo_mix(g->s);
}

static double rng_range(struct rng *g, double lo, double hi)
{
    return lo + (hi - lo) * demo_unit(rng_next(g));
}

/* A host that has no scripted state yet, or UINT32_MAX. */
static uint32_t pick_host(struct demo *d, struct rng *g)
{
    for (int tries = 0; tries < 64; tries++) {
        uint32_t id = (uint32_t)(rng_next(g) % d->nhosts);

        if ((d->obj[id].flags & (DEMO_F_INC | DEMO_F_NEW)) == 0)
            return id;
    }
    return UINT32_MAX;
}

static void script_down_hosts(struct demo *d, struct rng *g)
{
    uint32_t n = d->nhosts >= 4 ? (d->nhosts + 10) / 20 : 0;

    for (uint32_t k = 0; k < n; k++) {
        uint32_t id = pick_host(d, g);
        struct demo_obj *o;

        if (id == UINT32_MAX)
            return;
        o = &d->obj[id];
        o->flags |= DEMO_F_INC;
        o->inc_sev = 2;
        o->inc_start = (float)-rng_range(g, 600, 3 * 86400);
        o->inc_end = (float)rng_range(g, 300, 3 * 3600);
        if (k % 3 == 1) {
            /* Planned maintenance: the host and all its services. */
            struct demo_host *h = &d->host[id];
            float s = (float)-rng_range(g, 300, 1800);
            float e = o->inc_end + (float)rng_range(g, 600, 1800);

            o->inc_start = s + 60;
            for (uint32_t i = 0; i <= h->svc_count; i++) {
                struct demo_obj *t = i == 0 ? o : &d->obj[h->svc_first + i - 1];

                t->flags |= DEMO_F_DOWNTIME;
                t->dt_start = s;
                t->dt_end = e;
            }
        }
        if (k % 3 == 0)
            d->chk[id].ack = (uint8_t)(1 + (k / 3) % 2);
    }
}

static void script_services(struct demo *d, struct rng *g)
{
    uint32_t n = d->nsvc / 50 < 4 ? 4 : d->nsvc / 50;

    for (uint32_t k = 0; k < n && d->nsvc > 0; k++) {
        uint32_t id = 0;
        struct demo_obj *o = NULL;
        static const uint8_t sev[8] = { 1, 1, 1, 2, 2, 2, 3, 3 };

        for (int tries = 0; tries < 64 && o == NULL; tries++) {
            id = d->nhosts + (uint32_t)(rng_next(g) % d->nsvc);
            if ((d->obj[id].flags & (DEMO_F_INC | DEMO_F_FILLING)) == 0 &&
                (d->obj[d->obj[id].host].flags & (DEMO_F_INC | DEMO_F_NEW)) ==
                    0)
                o = &d->obj[id];
        }
        if (o == NULL)
            return;
        o->flags |= DEMO_F_INC;
        o->inc_sev = sev[k % 8];
        o->inc_start = (float)-rng_range(g, 120, 2 * 86400);
        o->inc_end = (float)rng_range(g, 600, 4 * 3600);
        if (k % 9 == 4) {
            o->flags |= DEMO_F_INC_FLAP;
            o->inc_start = (float)-rng_range(g, 60, 600);
        } else if (k % 5 == 0) {
            d->chk[id].ack = (uint8_t)(1 + (k / 5) % 2);
            o->inc_end += (float)rng_range(g, 3600, 6 * 3600);
        } else if (k % 7 == 3) {
            o->flags |= DEMO_F_DOWNTIME;
            o->dt_start = (float)-rng_range(g, 60, 1800);
            o->dt_end = o->inc_end + (float)rng_range(g, 300, 3600);
        } else if (k % 6 == 2) {
            /* Just appeared: soft, a retry or two before it turns hard. */
            o->inc_start = -(float)o->retry - (float)rng_range(g, 5, 20);
            d->chk[id].attempt = 2; /* marks "soft at start" */
        }
    }
}

/* Disks that fill up steadily; one in twenty hosts has one. */
static void script_disks(struct demo *d, struct rng *g)
{
    uint32_t n = d->nhosts / 20 < 1 ? 1 : d->nhosts / 20;

    for (uint32_t k = 0; k < n && d->nhosts > 0; k++) {
        uint32_t hid = (uint32_t)(rng_next(g) % d->nhosts);
        struct demo_host *h = &d->host[hid];

        for (uint32_t i = 0; i < h->svc_count; i++)
            if (d->obj[h->svc_first + i].kind == DEMO_KIND_DISK)
                d->obj[h->svc_first + i].flags |= DEMO_F_FILLING;
    }
}

/* One host in a hundred was added a moment ago and has no results yet. */
static void script_new_hosts(struct demo *d, struct rng *g)
{
    uint32_t n = d->nhosts >= 10 ? (d->nhosts + 50) / 100 : 0;

    for (uint32_t k = 0; k < n; k++) {
        uint32_t id = pick_host(d, g);
        struct demo_host *h;

        if (id == UINT32_MAX)
            return;
        h = &d->host[id];
        for (uint32_t i = 0; i <= h->svc_count; i++)
            d->obj[i == 0 ? id : h->svc_first + i - 1].flags |= DEMO_F_NEW;
    }
}

void demo_fleet_build(struct demo *d, int nhosts)
{
    int per_env[4], per_role[DEMO_ROLE_COUNT];
    size_t maxsvc = 0;
    struct rng g = { demo_hash(d->seed, 0x5c21) };

    for (int r = 0; r < DEMO_ROLE_COUNT; r++)
        if ((size_t)role_service_count(r) > maxsvc)
            maxsvc = (size_t)role_service_count(r);
    d->obj = xcalloc((size_t)nhosts * (maxsvc + 1), sizeof(*d->obj));
    d->host = xcalloc((size_t)nhosts, sizeof(*d->host));
    apportion(nhosts, env_weight, 4, per_env);
    for (int e = 0; e < 4; e++) {
        apportion(per_env[e], role_weight, DEMO_ROLE_COUNT, per_role);
        for (int r = 0; r < DEMO_ROLE_COUNT; r++)
            for (int i = 1; i <= per_role[r]; i++)
                add_host(d, e, r, i, per_role[r] < 100 ? 2 : 4);
    }
    for (uint32_t h = 0; h < d->nhosts; h++)
        add_services(d, h);
    d->nobj = d->nhosts + d->nsvc;
    d->chk = xcalloc(d->nobj, sizeof(*d->chk));
    set_intervals(d);
    script_new_hosts(d, &g);
    script_down_hosts(d, &g);
    script_disks(d, &g);
    script_services(d, &g);
}
