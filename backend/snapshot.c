/*
 * Snapshot construction (sort, group, index, metrics) and in-place updates
 * from /v1/events.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Sort keys: small, so qsort moves little; idx keeps the sort stable. */
struct sort_key {
    const char *name;
    uint32_t host; /* services only */
    uint32_t idx;  /* position in the input */
};

static int key_cmp(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    int c;

    if (x->host != y->host)
        return x->host < y->host ? -1 : 1;
    c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool same_key(const struct sort_key *x, const struct sort_key *y)
{
    return x->host == y->host && strcmp(x->name, y->name) == 0;
}

/* Sort hosts by name, keep the first of repeated names, build the index. */
static void build_hosts(struct mc_snapshot *s)
{
    struct sort_key *key = xreallocarray(NULL, s->nhosts + 1, sizeof *key);
    struct mc_host *out = xreallocarray(NULL, s->nhosts + 1, sizeof *out);
    size_t n = 0, nk = 0, last = 0;

    for (size_t i = 0; i < s->nhosts; i++) {
        if (s->hosts[i].name == NULL) {
            model_host_clear(&s->hosts[i]);
            s->duplicates++;
            continue;
        }
        key[nk++] = (struct sort_key){ s->hosts[i].name, 0, (uint32_t)i };
    }
    qsort(key, nk, sizeof *key, key_cmp);
    for (size_t i = 0; i < nk; i++) {
        /* key[last] is the last one kept: dropped ones are freed */
        if (n > 0 && same_key(&key[last], &key[i])) {
            model_host_clear(&s->hosts[key[i].idx]);
            s->duplicates++;
            continue;
        }
        last = i;
        out[n++] = s->hosts[key[i].idx];
    }
    free(key);
    free(s->hosts);
    s->hosts = out;
    s->nhosts = n;
    strmap_init(&s->host_index, n);
    for (size_t i = 0; i < n; i++)
        strmap_put(&s->host_index, s->hosts[i].name, (uint32_t)i);
}

/*
 * Attach services to hosts (dropping orphans), sort by (host, name) so each
 * host's services are contiguous, keep the first of repeated names.
 */
static void build_services(struct mc_snapshot *s)
{
    struct sort_key *key = xreallocarray(NULL, s->nsvcs + 1, sizeof *key);
    struct mc_service *out;
    size_t nk = 0, n = 0, last = 0;
    uint32_t hi;

    for (size_t i = 0; i < s->nsvcs; i++) {
        struct mc_service *v = &s->svcs[i];

        if (v->name == NULL || v->host_name == NULL ||
            !strmap_get(&s->host_index, v->host_name, &hi)) {
            model_service_clear(v);
            s->orphans++;
            continue;
        }
        v->host = hi;
        key[nk++] = (struct sort_key){ v->name, hi, (uint32_t)i };
    }
    qsort(key, nk, sizeof *key, key_cmp);
    out = xreallocarray(NULL, nk + 1, sizeof *out);
    for (size_t i = 0; i < nk; i++) {
        if (n > 0 && same_key(&key[last], &key[i])) {
            model_service_clear(&s->svcs[key[i].idx]);
            s->duplicates++;
            continue;
        }
        last = i;
        out[n++] = s->svcs[key[i].idx];
    }
    free(key);
    free(s->svcs);
    s->svcs = out;
    s->nsvcs = n;
}

/* svc_first/svc_count per host from the grouped services. */
static void link_hosts(struct mc_snapshot *s)
{
    size_t j = 0;

    for (size_t i = 0; i < s->nhosts; i++) {
        struct mc_host *h = &s->hosts[i];

        h->svc_first = (uint32_t)j;
        while (j < s->nsvcs && s->svcs[j].host == i)
            j++;
        h->svc_count = (uint32_t)(j - h->svc_first);
    }
}

void snapshot_host_metrics(struct mc_snapshot *s, struct mc_host *h)
{
    metrics_compute(&s->map, s->svcs + h->svc_first, h->svc_count, h->metric);
}

struct mc_snapshot *snapshot_new(struct mc_host *hosts, size_t nhosts,
                                 struct mc_service *svcs, size_t nsvcs,
                                 const struct metric_map *map)
{
    struct mc_snapshot *s = xcalloc(1, sizeof *s);

    s->hosts = hosts;
    s->nhosts = hosts != NULL ? nhosts : 0;
    s->svcs = svcs;
    s->nsvcs = svcs != NULL ? nsvcs : 0;
    if (map != NULL)
        metric_map_copy(&s->map, map);
    else
        metric_map_init_default(&s->map);
    build_hosts(s);
    build_services(s);
    link_hosts(s);
    for (size_t i = 0; i < s->nhosts; i++)
        snapshot_host_metrics(s, &s->hosts[i]);
    return s;
}

void snapshot_free(struct mc_snapshot *s)
{
    if (s == NULL)
        return;
    model_hosts_free(s->hosts, s->nhosts);
    model_services_free(s->svcs, s->nsvcs);
    metric_map_free(&s->map);
    strmap_free(&s->host_index);
    free(s);
}

struct mc_host *snapshot_find_host(const struct mc_snapshot *s,
                                   const char *name)
{
    uint32_t i;

    if (s == NULL || name == NULL || !strmap_get(&s->host_index, name, &i))
        return NULL;
    return &s->hosts[i];
}

struct mc_service *snapshot_find_service(const struct mc_snapshot *s,
                                         const char *host, const char *service)
{
    const struct mc_host *h = snapshot_find_host(s, host);
    size_t lo, hi;

    if (h == NULL || service == NULL)
        return NULL;
    lo = h->svc_first;
    hi = lo + h->svc_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->svcs[mid].name, service);

        if (c == 0)
            return &s->svcs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static char *dup_or_null(const char *p)
{
    return p != NULL ? xstrdup(p) : NULL;
}

static bool str_differs(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a != b;
    return strcmp(a, b) != 0;
}

/* Replace st's check result fields with copies of cr's. */
static bool take_result(struct mc_status *st, const struct mc_status *cr)
{
    bool changed = str_differs(st->output, cr->output) ||
                   str_differs(st->perf_raw, cr->perf_raw) ||
                   st->last_check != cr->last_check;

    free(st->output);
    free(st->long_output);
    free(st->perf_raw);
    perf_list_clear(&st->perf);
    st->output = dup_or_null(cr->output);
    st->long_output = dup_or_null(cr->long_output);
    st->perf_raw = dup_or_null(cr->perf_raw);
    if (cr->perf.n > 0) {
        st->perf.v = xreallocarray(NULL, cr->perf.n, sizeof *st->perf.v);
        for (size_t i = 0; i < cr->perf.n; i++) {
            st->perf.v[i] = cr->perf.v[i];
            st->perf.v[i].label = xstrdup(cr->perf.v[i].label);
        }
        st->perf.n = cr->perf.n;
    }
    st->perf_bad = cr->perf_bad;
    st->state = cr->state;
    st->state_type = cr->state_type;
    st->attempt = cr->attempt;
    st->reachable = cr->reachable;
    st->last_check = cr->last_check;
    st->pending = false;
    return changed;
}

/* The ack from an event: a bool only says "some ack", keep sticky. */
static void take_ack(struct mc_status *st, const struct icinga_event *ev)
{
    if (!(ev->has & ICINGA_EV_HAS_ACK))
        return;
    if (!(ev->has & ICINGA_EV_HAS_ACK_BOOL))
        st->ack = ev->ack;
    else if (ev->ack == 0)
        st->ack = 0;
    else if (st->ack == 0)
        st->ack = 1;
}

/* Downtime events carry no depth: adjust only what they imply. */
static void take_downtime(struct mc_status *st, const struct icinga_event *ev)
{
    switch (ev->type) {
    case ICINGA_EV_DOWNTIME_STARTED:
    case ICINGA_EV_DOWNTIME_TRIGGERED:
        /* A flexible downtime is only in effect once triggered. */
        if ((ev->type == ICINGA_EV_DOWNTIME_TRIGGERED || ev->downtime_fixed) &&
            st->downtime_depth == 0)
            st->downtime_depth = 1;
        break;
    case ICINGA_EV_DOWNTIME_REMOVED:
        if (ev->downtime_trigger_time > 0 && st->downtime_depth > 0)
            st->downtime_depth--;
        break;
    default:
        break;
    }
}

static bool status_scalars_differ(const struct mc_status *a,
                                  const struct mc_status *b)
{
    return a->state != b->state || a->state_type != b->state_type ||
           a->attempt != b->attempt || a->ack != b->ack ||
           a->downtime_depth != b->downtime_depth ||
           a->flapping != b->flapping || a->pending != b->pending ||
           a->reachable != b->reachable;
}

bool snapshot_apply_event(struct mc_snapshot *s, const struct icinga_event *ev)
{
    struct mc_host *h;
    struct mc_service *v = NULL;
    struct mc_status *st, before;
    bool changed = false;

    if (s == NULL || ev == NULL || ev->type == ICINGA_EV_UNKNOWN ||
        ev->type == ICINGA_EV_COMMENT_ADDED ||
        ev->type == ICINGA_EV_COMMENT_REMOVED ||
        ev->type == ICINGA_EV_DOWNTIME_ADDED)
        return false;
    h = snapshot_find_host(s, ev->host);
    if (h == NULL)
        return false;
    if (ev->service != NULL) {
        v = snapshot_find_service(s, ev->host, ev->service);
        if (v == NULL)
            return false;
    }
    st = v != NULL ? &v->st : &h->st;
    before = *st;
    if (ev->has & ICINGA_EV_HAS_CHECK_RESULT)
        changed = take_result(st, &ev->cr);
    if (ev->has & ICINGA_EV_HAS_STATE)
        st->state = ev->state;
    if (ev->has & ICINGA_EV_HAS_STATE_TYPE)
        st->state_type = ev->state_type;
    if (ev->has & ICINGA_EV_HAS_DOWNTIME_DEPTH)
        st->downtime_depth = ev->downtime_depth;
    if (ev->has & ICINGA_EV_HAS_FLAPPING)
        st->flapping = ev->flapping;
    take_ack(st, ev);
    take_downtime(st, ev);
    if (st->state != before.state || before.pending != st->pending)
        st->last_state_change = ev->timestamp;
    changed = changed || status_scalars_differ(st, &before);
    if (v != NULL && (ev->has & ICINGA_EV_HAS_CHECK_RESULT))
        snapshot_host_metrics(s, h);
    return changed;
}
