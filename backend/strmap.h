/*
 * A small open-addressing hash map from strings to uint32_t indexes. Keys
 * are borrowed: they must outlive the map (e.g. names owned by a snapshot).
 */
#ifndef MCTOP_BACKEND_STRMAP_H
#define MCTOP_BACKEND_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
    const char *key; /* NULL: empty */
    uint32_t hash;
    uint32_t val;
};

struct strmap {
    struct strmap_slot *slot;
    size_t cap; /* a power of two */
    size_t n;
};

/* An empty map sized for about expect keys; free with strmap_free(). */
void strmap_init(struct strmap *m, size_t expect);
/*
 * Insert key -> val. Returns true when inserted, false (map unchanged) when
 * the key is already there.
 */
bool strmap_put(struct strmap *m, const char *key, uint32_t val);
/* Look up a NUL-terminated key; true and *val set when found. */
bool strmap_get(const struct strmap *m, const char *key, uint32_t *val);
/* Look up the first len bytes of key. */
bool strmap_getn(const struct strmap *m, const char *key, size_t len,
                 uint32_t *val);
void strmap_free(struct strmap *m);

#endif
