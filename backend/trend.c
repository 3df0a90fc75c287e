/* Per-object rings of recent samples. */
#include "trend.h"

#include <stdlib.h>

#include "backend/strmap.h"
#include "backend/xalloc.h"

struct trend_ring {
    char *key;
    double *v;
    double last_when;
    size_t head, n; /* next write position and fill */
};

struct trend {
    size_t cap;
    struct trend_ring *rings;
    size_t nrings, caprings;
    struct strmap index; /* key -> ring; keys owned by the rings */
};

struct trend *trend_new(size_t cap)
{
    struct trend *t = xcalloc(1, sizeof *t);

    t->cap = cap ? cap : 1;
    strmap_init(&t->index, 64);
    return t;
}

void trend_free(struct trend *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nrings; i++) {
        free(t->rings[i].key);
        free(t->rings[i].v);
    }
    free(t->rings);
    strmap_free(&t->index);
    free(t);
}

static struct trend_ring *trend_ring(struct trend *t, const char *key)
{
    struct trend_ring *r;
    uint32_t i;

    if (strmap_get(&t->index, key, &i))
        return &t->rings[i];
    if (t->nrings == t->caprings) {
        t->caprings = t->caprings ? t->caprings * 2 : 64;
        t->rings = xreallocarray(t->rings, t->caprings, sizeof *t->rings);
    }
    r = &t->rings[t->nrings];
    r->key = xstrdup(key);
    r->v = xcalloc(t->cap, sizeof *r->v);
    r->head = r->n = 0;
    r->last_when = 0;
    strmap_put(&t->index, r->key, (uint32_t)t->nrings);
    t->nrings++;
    return r;
}

void trend_add(struct trend *t, const char *key, double when, double value)
{
    struct trend_ring *r = trend_ring(t, key);

    if (r->n > 0 && when == r->last_when) {
        r->v[(r->head + t->cap - 1) % t->cap] = value;
        return;
    }
    r->v[r->head] = value;
    r->head = (r->head + 1) % t->cap;
    if (r->n < t->cap)
        r->n++;
    r->last_when = when;
}

size_t trend_get(const struct trend *t, const char *key, double *out,
                 size_t max)
{
    const struct trend_ring *r;
    size_t n, start;
    uint32_t i;

    if (!strmap_get(&t->index, key, &i))
        return 0;
    r = &t->rings[i];
    n = r->n < max ? r->n : max;
    start = (r->head + t->cap - n) % t->cap;
    for (size_t k = 0; k < n; k++)
        out[k] = r->v[(start + k) % t->cap];
    return n;
}
