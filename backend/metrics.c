/*
 * Host meters from service perf data: pick the right perf item per kind,
 * then derive the bar scale, the threshold marks and the state.
 */
#include "metrics.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfdata.h"
#include "xalloc.h"

enum { NAME_MAX_LOWER = 256 };

static const char *const kind_names[MC_METRIC_COUNT] = {
    [MC_METRIC_LOAD] = "load",
    [MC_METRIC_MEM] = "mem",
    [MC_METRIC_DISK] = "disk",
    [MC_METRIC_HEAP] = "heap",
};

static const char *const default_patterns[MC_METRIC_COUNT][3] = {
    [MC_METRIC_LOAD] = { "load", "cpu*", NULL },
    [MC_METRIC_MEM] = { "mem*", "memory*", NULL },
    [MC_METRIC_DISK] = { "disk*", NULL, NULL },
    [MC_METRIC_HEAP] = { "jvm*", "*heap*", NULL },
};

/* Lower-case copy of s into out (truncated to size - 1 bytes). */
static void lower_copy(char *out, size_t size, const char *s)
{
    size_t i = 0;

    for (; s[i] != '\0' && i + 1 < size; i++) {
        char c = s[i];

        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[i] = '\0';
}

void metric_map_clear_kind(struct metric_map *m, enum mc_metric_kind kind)
{
    if ((unsigned)kind >= MC_METRIC_COUNT)
        return;
    for (size_t i = 0; i < m->npat[kind]; i++)
        free(m->pat[kind][i]);
    free(m->pat[kind]);
    m->pat[kind] = NULL;
    m->npat[kind] = 0;
}

void metric_map_free(struct metric_map *m)
{
    if (m == NULL)
        return;
    for (int k = 0; k < MC_METRIC_COUNT; k++)
        metric_map_clear_kind(m, (enum mc_metric_kind)k);
}

int metric_map_add(struct metric_map *m, enum mc_metric_kind kind,
                   const char *pattern, struct mc_err *err)
{
    size_t len;
    char *p;

    if ((unsigned)kind >= MC_METRIC_COUNT)
        return err_set(err, "unknown metric kind %d", (int)kind);
    if (pattern == NULL || pattern[0] == '\0')
        return err_set(err, "empty %s service pattern", kind_names[kind]);
    len = strlen(pattern);
    p = xmalloc(len + 1);
    lower_copy(p, len + 1, pattern);
    m->pat[kind] =
        xreallocarray(m->pat[kind], m->npat[kind] + 1, sizeof *m->pat[kind]);
    m->pat[kind][m->npat[kind]++] = p;
    return 0;
}

void metric_map_init_default(struct metric_map *m)
{
    memset(m, 0, sizeof *m);
    for (int k = 0; k < MC_METRIC_COUNT; k++)
        for (int i = 0; default_patterns[k][i] != NULL; i++)
            metric_map_add(m, (enum mc_metric_kind)k, default_patterns[k][i],
                           NULL);
}

void metric_map_copy(struct metric_map *dst, const struct metric_map *src)
{
    memset(dst, 0, sizeof *dst);
    for (int k = 0; k < MC_METRIC_COUNT; k++)
        for (size_t i = 0; i < src->npat[k]; i++)
            metric_map_add(dst, (enum mc_metric_kind)k, src->pat[k][i], NULL);
}

int metric_kind_from_name(const char *name)
{
    for (int k = 0; name != NULL && k < MC_METRIC_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

const char *metric_kind_name(enum mc_metric_kind kind)
{
    return (unsigned)kind < MC_METRIC_COUNT ? kind_names[kind] : "?";
}

/* lname is already lower-case. */
static bool match_lower(const struct metric_map *m, enum mc_metric_kind kind,
                        const char *lname)
{
    for (size_t i = 0; i < m->npat[kind]; i++)
        if (fnmatch(m->pat[kind][i], lname, 0) == 0)
            return true;
    return false;
}

bool metric_map_matches(const struct metric_map *m, enum mc_metric_kind kind,
                        const char *svc_name)
{
    char lname[NAME_MAX_LOWER];

    if (m == NULL || svc_name == NULL || (unsigned)kind >= MC_METRIC_COUNT)
        return false;
    lower_copy(lname, sizeof lname, svc_name);
    return match_lower(m, kind, lname);
}

static bool has_scale(const struct perf *p)
{
    return (p->has_max && p->max > 0) || strcmp(p->uom, "%") == 0;
}

/* Fill fraction of an item that has_scale(). */
static double fill_fraction(const struct perf *p)
{
    if (p->has_max && p->max > 0)
        return p->value / p->max;
    return p->value / 100.0;
}

static double upper_bound(const struct perf_range *r)
{
    return r->set && isfinite(r->hi) && r->hi > 0 ? r->hi : NAN;
}

/* Scale: max; 100 for %; crit upper x1.25; warn upper x1.5; the value. */
static double item_scale(const struct perf *p)
{
    double s;

    if (p->has_max && p->max > 0)
        return p->max;
    if (strcmp(p->uom, "%") == 0)
        return 100.0;
    s = upper_bound(&p->crit) * 1.25;
    if (isnan(s))
        s = upper_bound(&p->warn) * 1.5;
    if (isnan(s))
        s = p->value;
    /* A zero or negative value still needs a scale an empty bar can use. */
    return s > 0 ? s : 1.0;
}

static void metric_fill(const struct perf *p, struct mc_metric *out)
{
    memset(out, 0, sizeof *out);
    out->valid = true;
    out->value = p->value;
    out->scale = item_scale(p);
    out->warn = perf_range_mark(&p->warn);
    out->crit = perf_range_mark(&p->crit);
    out->state = perf_state(p);
    snprintf(out->uom, sizeof out->uom, "%s", p->uom);
    snprintf(out->label, sizeof out->label, "%s", p->label);
}

static const struct perf *find_label(const struct perf_list *pl,
                                     const char *label)
{
    for (size_t i = 0; i < pl->n; i++)
        if (!isnan(pl->v[i].value) && strcmp(pl->v[i].label, label) == 0)
            return &pl->v[i];
    return NULL;
}

/* scaled_load1 when it has thresholds, else load1, else the first item. */
static const struct perf *pick_load(const struct perf_list *pl)
{
    const struct perf *p = find_label(pl, "scaled_load1");

    if (p != NULL && (p->warn.set || p->crit.set))
        return p;
    p = find_label(pl, "load1");
    if (p != NULL)
        return p;
    for (size_t i = 0; i < pl->n; i++)
        if (!isnan(pl->v[i].value))
            return &pl->v[i];
    return NULL;
}

static bool label_says_used(const char *label)
{
    char l[NAME_MAX_LOWER];

    lower_copy(l, sizeof l, label);
    return strstr(l, "used") != NULL;
}

/* The first item with a scale, preferring one whose label says "used". */
static const struct perf *pick_used(const struct perf_list *pl)
{
    const struct perf *first = NULL;

    for (size_t i = 0; i < pl->n; i++) {
        const struct perf *p = &pl->v[i];

        if (isnan(p->value) || !has_scale(p))
            continue;
        if (label_says_used(p->label))
            return p;
        if (first == NULL)
            first = p;
    }
    return first;
}

/* The fullest item with a scale; *best_frac is raised when one beats it. */
static const struct perf *pick_fullest(const struct perf_list *pl,
                                       double *best_frac)
{
    const struct perf *best = NULL;

    for (size_t i = 0; i < pl->n; i++) {
        const struct perf *p = &pl->v[i];
        double f;

        if (isnan(p->value) || !has_scale(p))
            continue;
        f = fill_fraction(p);
        if (f > *best_frac) {
            *best_frac = f;
            best = p;
        }
    }
    return best;
}

bool metrics_from_perf(enum mc_metric_kind kind, const struct perf_list *pl,
                       struct mc_metric *out)
{
    const struct perf *p = NULL;
    double frac = -INFINITY;

    memset(out, 0, sizeof *out);
    out->warn = out->crit = NAN;
    if (pl == NULL)
        return false;
    switch (kind) {
    case MC_METRIC_LOAD:
        p = pick_load(pl);
        break;
    case MC_METRIC_MEM:
    case MC_METRIC_HEAP:
        p = pick_used(pl);
        break;
    case MC_METRIC_DISK:
        p = pick_fullest(pl, &frac);
        break;
    default:
        break;
    }
    if (p == NULL)
        return false;
    metric_fill(p, out);
    return true;
}

/* Disk: the fullest item over every matching service. */
static void compute_disk(const struct metric_map *m,
                         const struct mc_service *svcs, size_t n,
                         char (*lnames)[NAME_MAX_LOWER], struct mc_metric *out)
{
    const struct perf *best = NULL;
    double frac = -INFINITY;

    for (size_t i = 0; i < n; i++) {
        const struct perf *p;

        if (svcs[i].st.pending || !match_lower(m, MC_METRIC_DISK, lnames[i]))
            continue;
        p = pick_fullest(&svcs[i].st.perf, &frac);
        if (p != NULL)
            best = p;
    }
    if (best != NULL)
        metric_fill(best, out);
}

/* Other kinds: patterns in order, then services in order; first usable. */
static void compute_first(const struct metric_map *m, enum mc_metric_kind kind,
                          const struct mc_service *svcs, size_t n,
                          char (*lnames)[NAME_MAX_LOWER], struct mc_metric *out)
{
    for (size_t k = 0; k < m->npat[kind]; k++) {
        for (size_t i = 0; i < n; i++) {
            if (svcs[i].st.pending ||
                fnmatch(m->pat[kind][k], lnames[i], 0) != 0)
                continue;
            if (metrics_from_perf(kind, &svcs[i].st.perf, out))
                return;
        }
    }
}

void metrics_compute(const struct metric_map *m, const struct mc_service *svcs,
                     size_t n, struct mc_metric out[MC_METRIC_COUNT])
{
    char small[16][NAME_MAX_LOWER];
    char(*lnames)[NAME_MAX_LOWER] = small;

    for (int k = 0; k < MC_METRIC_COUNT; k++) {
        memset(&out[k], 0, sizeof out[k]);
        out[k].warn = out[k].crit = NAN;
    }
    if (m == NULL || n == 0)
        return;
    /* Lower-case each name once, not once per pattern. */
    if (n > sizeof small / sizeof small[0])
        lnames = xreallocarray(NULL, n, sizeof *lnames);
    for (size_t i = 0; i < n; i++)
        lower_copy(lnames[i], sizeof lnames[i],
                   svcs[i].name != NULL ? svcs[i].name : "");
    for (int k = 0; k < MC_METRIC_COUNT; k++) {
        if (k == MC_METRIC_DISK)
            compute_disk(m, svcs, n, lnames, &out[k]);
        else
            compute_first(m, (enum mc_metric_kind)k, svcs, n, lnames, &out[k]);
    }
    if (lnames != small)
        free(lnames);
}
