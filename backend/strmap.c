/*
 * Open-addressing hash map (linear probing, FNV-1a) from borrowed strings
 * to uint32_t; grows at 50% load, never shrinks, no deletion.
 */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void strmap_init(struct strmap *m, size_t expect)
{
    size_t cap = 16;

    while (cap < expect * 2)
        cap *= 2;
    m->slot = xcalloc(cap, sizeof *m->slot);
    m->cap = cap;
    m->n = 0;
}

void strmap_free(struct strmap *m)
{
    free(m->slot);
    memset(m, 0, sizeof *m);
}

/* Slot holding key, or the empty slot where it would go. */
static struct strmap_slot *find(const struct strmap *m, const char *key,
                                size_t len, uint32_t h)
{
    size_t mask = m->cap - 1;

    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slot[i];

        if (s->key == NULL)
            return s;
        if (s->hash == h && strncmp(s->key, key, len) == 0 &&
            s->key[len] == '\0')
            return s;
    }
}

static void grow(struct strmap *m)
{
    struct strmap old = *m;

    strmap_init(m, old.cap);
    for (size_t i = 0; i < old.cap; i++) {
        const struct strmap_slot *s = &old.slot[i];

        if (s->key != NULL)
            *find(m, s->key, strlen(s->key), s->hash) = *s;
    }
    m->n = old.n;
    free(old.slot);
}

bool strmap_put(struct strmap *m, const char *key, uint32_t val)
{
    size_t len = strlen(key);
    uint32_t h = hash_bytes(key, len);
    struct strmap_slot *s;

    if (m->slot == NULL)
        strmap_init(m, 8);
    s = find(m, key, len, h);
    if (s->key != NULL)
        return false;
    s->key = key;
    s->hash = h;
    s->val = val;
    if (++m->n * 2 > m->cap)
        grow(m);
    return true;
}

bool strmap_getn(const struct strmap *m, const char *key, size_t len,
                 uint32_t *val)
{
    const struct strmap_slot *s;

    /* An embedded NUL could never match and would confuse find(). */
    if (m->slot == NULL || key == NULL || memchr(key, '\0', len) != NULL)
        return false;
    s = find(m, key, len, hash_bytes(key, len));
    if (s->key == NULL)
        return false;
    if (val != NULL)
        *val = s->val;
    return true;
}

bool strmap_get(const struct strmap *m, const char *key, uint32_t *val)
{
    return key != NULL && strmap_getn(m, key, strlen(key), val);
}
