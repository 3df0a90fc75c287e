/*
 * What the demo's checks measure: every metric is a pure function of the
 * object and the time (daily curves, noise, filling disks, heap sawtooth,
 * incidents), so results never depend on how often the clock is advanced.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/demo_int.h"

#define DAY 86400.0

double demo_par(const struct demo_obj *o, unsigned salt)
{
    return demo_unit(demo_hash(o->rnd, 0x7000u + salt));
}

/* Noise in [-1, 1) that changes with every check. */
static double noise(const struct demo_obj *o, double t, unsigned salt)
{
    uint64_t ms = (uint64_t)llround(t * 1000.0);

    return 2 * demo_unit(demo_hash(((uint64_t)o->rnd << 8) ^ salt, ms)) - 1;
}

/* Daily curve: 0 at 03:00 UTC, 1 at 15:00 UTC. */
static double day_curve(double t)
{
    return 0.5 - 0.5 * cos(2 * M_PI * (fmod(t, DAY) - 3 * 3600) / DAY);
}

static double frac(double x)
{
    return x - floor(x);
}

struct incident {
    int sev; /* 0 none, 1 WARN, 2 CRIT (hosts: DOWN), 3 UNKNOWN */
    unsigned variant;
    double u; /* where in its band the metric lies, [0, 1) */
};

/* Random incidents: at most one per slot, in the slot's first half. */
static void random_incident(const struct demo_obj *o, double t,
                            struct incident *in)
{
    bool host = o->kind == DEMO_KIND_HOST;
    double len = host ? 6 * 3600 : 3600, p = host ? 0.1 : 0.025;
    double phase = demo_par(o, 1) * len, slot = floor((t + phase) / len);
    uint64_t h = demo_hash(o->rnd, (uint64_t)(int64_t)slot);
    double start, dur, u;
    bool flap;

    if (demo_unit(h) >= p)
        return;
    start = slot * len - phase + demo_unit(demo_mix(h + 1)) * len * 0.5;
    dur = (host ? 180 : 240) + demo_unit(demo_mix(h + 2)) * 1500;
    if (t < start || t >= start + dur)
        return;
    u = demo_unit(demo_mix(h + 3));
    in->sev = host ? 2 : u < 0.5 ? 1 : u < 0.82 ? 2 : 3;
    in->variant = (unsigned)(h >> 40);
    flap = demo_unit(demo_mix(h + 4)) < 0.25;
    /* A flapping incident comes and goes at first, then settles. */
    if (flap && t < start + dur * 0.7 && noise(o, t, 99) < 0)
        in->sev = 0;
}

static void incident_at(const struct demo *d, const struct demo_obj *o,
                        double t, struct incident *in)
{
    in->sev = 0;
    in->variant = o->rnd >> 8;
    in->u = (noise(o, t, 98) + 1) / 2;
    if (o->flags & DEMO_F_INC) {
        double s = d->t0 + o->inc_start, e = d->t0 + o->inc_end;

        if (t >= s && t < e) {
            in->sev = o->inc_sev;
            if ((o->flags & DEMO_F_INC_FLAP) && t < e - (e - s) * 0.3 &&
                noise(o, t, 99) < 0)
                in->sev = 0;
        }
        if (t < e)
            return; /* no random incident on top of a scripted one */
    }
    random_incident(o, t, in);
}

int demo_downtime_depth(const struct demo *d, uint32_t id)
{
    return d->chk[id].dt_depth;
}

static int over(double v, double warn, double crit)
{
    return v >= crit ? 2 : v >= warn ? 1 : 0;
}

static int worst(int a, int b)
{
    return a > b ? a : b;
}

/* Band of an incident: warn_lo..warn_hi for WARN, crit_lo..crit_hi CRIT. */
static double band(const struct incident *in, double v, double wl, double wh,
                   double cl, double ch)
{
    if (in->sev == 1)
        return wl + (wh - wl) * in->u;
    if (in->sev == 2)
        return cl + (ch - cl) * in->u;
    return v;
}

int demo_disk_parts(const struct demo *d, const struct demo_obj *o)
{
    int role = d->host[o->host].role;

    return role == DEMO_ROLE_DB || role == DEMO_ROLE_ES || role == DEMO_ROLE_APP
               ? 3
               : 2;
}

static void observe_disk(const struct demo *d, const struct demo_obj *o,
                         double t, const struct incident *in,
                         struct demo_obs *ob)
{
    int np = demo_disk_parts(d, o), st = 0;

    for (int p = 0; p < np; p++) {
        double f;

        if ((o->flags & DEMO_F_FILLING) && p == np - 1) {
            double cycle = 7200 + 10800 * demo_par(o, 10 + p);

            f = 0.55 + 0.415 * frac((t - d->t0) / cycle + demo_par(o, 20 + p));
        } else {
            f = 0.15 + 0.55 * demo_par(o, 10 + p) +
                (0.001 + 0.004 * demo_par(o, 20 + p)) * (t - d->t0) / DAY;
            f = f > 0.99 ? 0.99 : f;
        }
        ob->v[p] = f;
        st = worst(st, over(f, 0.8, 0.9));
    }
    /* Incidents on disks run out of inodes: space only ever grows. */
    ob->v[3] = band(in, 85 + 14 * demo_par(o, 30), 6, 9.9, 1, 4.9);
    st = worst(st, ob->v[3] < 5 ? 2 : ob->v[3] < 10 ? 1 : 0);
    ob->state = st;
}

static void observe_jvm(const struct demo *d, const struct demo_obj *o,
                        double t, const struct incident *in,
                        struct demo_obs *ob)
{
    double max = 1024 << (int)(demo_par(o, 1) * 3);
    double lo = 0.2 + 0.15 * demo_par(o, 2);
    double hi = (o->flags & DEMO_F_GC_HIGH) ? 0.84 + 0.11 * demo_par(o, 3)
                                            : 0.55 + 0.23 * demo_par(o, 3);
    double period = 120 + 780 * demo_par(o, 4);
    double up = t - d->t0 + 3600 + 30 * DAY * demo_par(o, 5);
    double f = lo + (hi - lo) * frac(up / period) + 0.005 * noise(o, t, 1);

    f = band(in, f, 0.81, 0.89, 0.91, 0.99);
    ob->v[0] = floor(f * max);
    ob->v[1] = max;
    ob->v[2] = floor(up / period) * (double)(3 + o->rnd % 5);
    ob->v[3] = ob->v[2] * (0.004 + 0.01 * demo_par(o, 6));
    ob->state = over(ob->v[0], floor(max * 0.8), floor(max * 0.9));
}

static void observe_load(const struct demo *d, const struct demo_obj *o,
                         double t, const struct incident *in,
                         struct demo_obs *ob)
{
    double b = 0.03 + 0.22 * demo_par(o, 1), a = 0.05 + 0.4 * demo_par(o, 2);

    if (d->host[o->host].env == DEMO_ENV_PRD)
        a *= 1.3;
    ob->v[0] = band(in, b + a * day_curve(t) + 0.06 * noise(o, t, 1), 2.1, 3.6,
                    4.2, 6.5);
    ob->v[1] = band(in, b + a * day_curve(t - 300) + 0.03 * noise(o, t, 2), 1.0,
                    1.4, 3.1, 4.0);
    ob->v[2] = band(in, b + a * day_curve(t - 900) + 0.015 * noise(o, t, 3),
                    0.6, 1.1, 1.5, 2.3);
    for (int i = 0; i < 3; i++)
        ob->v[i] = ob->v[i] < 0 ? 0 : ob->v[i];
    ob->state = worst(worst(over(ob->v[0], 2, 4), over(ob->v[1], 1.5, 3)),
                      over(ob->v[2], 1.2, 2.4));
}

/* The system metrics: one value each against warn/crit thresholds. */
static void observe_simple(const struct demo *d, const struct demo_obj *o,
                           double t, const struct incident *in,
                           struct demo_obs *ob)
{
    double dc = day_curve(t), n = noise(o, t, 1), v;

    switch (o->kind) {
    case DEMO_KIND_MEM:
        v = 35 + 30 * demo_par(o, 1) + (3 + 9 * demo_par(o, 2)) * dc + 1.5 * n;
        ob->v[0] = band(in, v, 80.5, 89, 90.5, 98.5);
        ob->state = over(ob->v[0], 80, 90);
        break;
    case DEMO_KIND_SWAP:
        v = 98 - (2 + 10 * demo_par(o, 1)) * (0.5 + dc) - n;
        ob->v[0] = band(in, v, 19, 11, 9, 2);
        ob->v[1] = demo_par(o, 2) < 0.5 ? 2047 : 4095;
        ob->state = ob->v[0] < 10 ? 2 : ob->v[0] < 20 ? 1 : 0;
        break;
    case DEMO_KIND_PROCS:
        v = 80 + 180 * demo_par(o, 1) + 40 * dc + 4 * n;
        ob->v[0] = floor(band(in, v, 410, 590, 610, 900));
        ob->state = over(ob->v[0], 401, 601);
        break;
    case DEMO_KIND_USERS:
        v = floor(3 * dc * demo_par(o, 1) + (n > 0.6 ? 1 : 0));
        ob->v[0] = floor(band(in, v, 6, 10, 11, 15));
        ob->state = over(ob->v[0], 6, 11);
        break;
    case DEMO_KIND_NTP:
        v = (0.0001 + 0.0004 * demo_par(o, 1)) * n;
        ob->v[0] = band(in, v, 1.1, 1.9, 2.1, 4.5);
        ob->state = over(fabs(ob->v[0]), 1, 2);
        break;
    default: /* DEMO_KIND_BACKUP */
        v = fmod(t - 3600 * (1 + 3 * demo_par(o, 2)), DAY);
        v = floor(v < 0 ? v + DAY : v);
        ob->v[0] = in->sev == 1 ? v + DAY : in->sev == 2 ? v + 2 * DAY : v;
        ob->v[1] =
            floor((0.3 + 40 * demo_par(o, 1) * demo_par(o, 1)) * 1073741824.0);
        ob->state = over(ob->v[0], DAY, 2 * DAY);
        break;
    }
    (void)d;
}

/* The application checks. */
static void observe_app(const struct demo_obj *o, double t,
                        const struct incident *in, struct demo_obs *ob)
{
    double dc = day_curve(t), n = noise(o, t, 1);

    switch (o->kind) {
    case DEMO_KIND_HTTP:
        ob->v[0] = 0.008 + 0.03 * demo_par(o, 1) + 0.05 * dc * demo_par(o, 2) +
                   0.004 * (n + 1);
        ob->v[1] = floor(2000 + 60000 * demo_par(o, 3));
        ob->v[2] = 200;
        ob->v[0] = band(in, ob->v[0], 1.05, 1.95, 2.1, 9.5);
        if (in->sev == 2 && in->variant % 3 != 0) {
            ob->v[2] = in->variant % 3 == 1 ? 502 : 503;
            ob->v[1] = ob->v[2] == 502 ? 166 : 299;
            ob->v[0] = 0.003;
        }
        ob->state = ob->v[2] >= 500 ? 2 : over(ob->v[0], 1, 2);
        break;
    case DEMO_KIND_APPHEALTH:
        ob->v[0] = 0.004 + 0.01 * demo_par(o, 1) + 0.002 * (n + 1);
        ob->v[0] = in->sev == 1 ? 0.6 + 0.3 * in->u : ob->v[0];
        ob->state = in->sev;
        break;
    case DEMO_KIND_POSTGRES:
        ob->v[0] =
            floor(band(in, 2 * demo_par(o, 1) * (1 + n), 31, 110, 121, 900));
        ob->state = over(ob->v[0], 31, 121);
        break;
    case DEMO_KIND_ES:
        ob->v[0] = floor(100 + 300 * demo_par(o, 1));
        ob->v[1] = floor(band(in, 0, 1, 9.9, 10, 40));
        ob->state = over(ob->v[1], 1, 10);
        break;
    case DEMO_KIND_REDIS:
        ob->v[0] = floor(10000 + 200000 * demo_par(o, 1) + 1000 * n);
        ob->v[1] = floor(20 + 60 * demo_par(o, 2) + 30 * dc);
        ob->v[1] = floor(band(in, ob->v[1], 510, 990, 1010, 1500));
        ob->state = over(ob->v[1], 501, 1001);
        break;
    default: /* DEMO_KIND_HAPROXY */
        ob->v[1] = 4 + o->rnd % 13;
        ob->v[0] = ob->v[1];
        if (in->sev == 1)
            ob->v[0] = ob->v[1] - 1 - in->variant % 2;
        else if (in->sev == 2)
            ob->v[0] = floor(ob->v[1] / 2) - 1;
        ob->v[2] = floor(50 + 800 * demo_par(o, 2) * dc + 10 * (n + 1));
        ob->state = ob->v[0] < ob->v[1] / 2 ? 2 : ob->v[0] < ob->v[1] ? 1 : 0;
        break;
    }
}

void demo_observe(const struct demo *d, uint32_t id, double t, bool reach,
                  struct demo_obs *ob)
{
    const struct demo_obj *o = &d->obj[id];
    struct incident in;

    memset(ob, 0, sizeof(*ob));
    if (!reach && o->kind != DEMO_KIND_HOST) {
        ob->state = 2;
        ob->cause = DEMO_CAUSE_UNREACH;
        return;
    }
    incident_at(d, o, t, &in);
    ob->variant = in.variant;
    if (in.sev == 3 && o->kind != DEMO_KIND_HOST) {
        ob->state = 3;
        ob->cause = DEMO_CAUSE_UNKNOWN;
        return;
    }
    switch (o->kind) {
    case DEMO_KIND_HOST:
        ob->v[0] = 0.2 + 1.5 * demo_par(o, 1) + 0.1 * noise(o, t, 1);
        ob->state = in.sev == 2 ? 2 : 0;
        break;
    case DEMO_KIND_LOAD:
        observe_load(d, o, t, &in, ob);
        break;
    case DEMO_KIND_DISK:
        observe_disk(d, o, t, &in, ob);
        break;
    case DEMO_KIND_JVM:
        observe_jvm(d, o, t, &in, ob);
        break;
    case DEMO_KIND_MEM:
    case DEMO_KIND_SWAP:
    case DEMO_KIND_PROCS:
    case DEMO_KIND_USERS:
    case DEMO_KIND_NTP:
    case DEMO_KIND_BACKUP:
        observe_simple(d, o, t, &in, ob);
        break;
    default:
        observe_app(o, t, &in, ob);
        break;
    }
}

const char *demo_check_command(int kind)
{
    switch (kind) {
    case DEMO_KIND_HOST:
        return "hostalive";
    case DEMO_KIND_NTP:
        return "ntp_time";
    case DEMO_KIND_HTTP:
        return "http";
    case DEMO_KIND_BACKUP:
    case DEMO_KIND_APPHEALTH:
    case DEMO_KIND_POSTGRES:
    case DEMO_KIND_ES:
    case DEMO_KIND_REDIS:
    case DEMO_KIND_HAPROXY:
        return "dummy";
    default:
        return "nrpe";
    }
}
