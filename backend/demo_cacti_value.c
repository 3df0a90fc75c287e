/*
 * The demo Cacti's devices, their four graphs and the values of every
 * series. Devices are the demo's hosts, less about one in twelve; the
 * values follow the Icinga side's model of the same host (load, memory,
 * swap, reachability) with noise of their own, and a polling gap on some
 * hosts. Each value is a pure function of (site, host, series, time).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend/demo_cacti_int.h"

#define DAY              86400.0
#define NO_DEVICE_ONE_IN 12

/* --- the graphs of a device ------------------------------------------ */

const struct graph_def demo_cacti_defs[DEMO_CACTI_GRAPHS] = {
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

bool demo_cacti_has_device(const struct demo *d, uint32_t h)
{
    return demo_hash(d->seed, 0xcac71000000ull + h) % NO_DEVICE_ONE_IN != 0;
}

/* Host index of a device id, or UINT32_MAX. */
uint32_t demo_cacti_device_host(const struct demo *d, long long dev)
{
    if (dev < 1 || dev > (long long)d->nhosts ||
        !demo_cacti_has_device(d, (uint32_t)(dev - 1)))
        return UINT32_MAX;
    return (uint32_t)(dev - 1);
}

/* Host index and graph of a local_graph_id, or false. */
bool demo_cacti_graph_of(const struct demo *d, long long id, uint32_t *h,
                         int *g)
{
    if (id < 4)
        return false;
    *h = demo_cacti_device_host(d, id / DEMO_CACTI_GRAPHS);
    *g = (int)(id % DEMO_CACTI_GRAPHS);
    return *h != UINT32_MAX;
}

long demo_cacti_local_id(uint32_t h, int g)
{
    return ((long)h + 1) * DEMO_CACTI_GRAPHS + g;
}

long demo_cacti_device(const struct demo *d, const char *name)
{
    for (uint32_t h = 0; h < d->nhosts; h++)
        if (strcmp(d->host[h].name, name) == 0)
            return demo_cacti_has_device(d, h) ? (long)h + 1 : 0;
    return 0;
}

long demo_cacti_graph_id(const struct demo *d, long device, int graph)
{
    uint32_t h = demo_cacti_device_host(d, device);

    if (h == UINT32_MAX || graph < 0 || graph >= DEMO_CACTI_GRAPHS)
        return 0;
    return demo_cacti_local_id(h, graph);
}

void demo_cacti_title(char *out, size_t len, const struct demo *d, uint32_t h,
                      int g)
{
    snprintf(out, len, "%s - %s", d->host[h].name, demo_cacti_defs[g].suffix);
}

/* --- values ---------------------------------------------------------- */

void demo_cacti_hctx_init(struct hctx *c, const struct demo *d, uint32_t h)
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
void demo_cacti_values(const struct hctx *c, int g, double t, double *v)
{
    for (int i = 0; i < demo_cacti_defs[g].nseries; i++)
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

    if (!demo_cacti_graph_of(d, graph_id, &h, &g) || s < 0 ||
        s >= demo_cacti_defs[g].nseries)
        return NAN;
    demo_cacti_hctx_init(&c, d, h);
    demo_cacti_values(&c, g, t, v);
    return v[s];
}
