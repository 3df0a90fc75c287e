/*
 * The demo Elasticsearch's hashing and random draws: every document and
 * every pool entry is a function of a seed, drawn through these (inlined:
 * they run for every document a search walks).
 */
#ifndef MCTOP_BACKEND_DEMO_ES_RNG_H
#define MCTOP_BACKEND_DEMO_ES_RNG_H

#include <stdint.h>

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

static inline uint64_t rng_next(struct rng *g)
{
    g->s += 0x9e3779b97f4a7c15ull;
    return mix(g->s);
}

/* x's high half scaled to [0, n): no division. */
static inline unsigned reduce(uint64_t x, unsigned n)
{
    return (unsigned)(((x >> 32) * (uint64_t)n) >> 32);
}

static inline unsigned rng_below(struct rng *g, unsigned n)
{
    return reduce(rng_next(g), n);
}

#endif
