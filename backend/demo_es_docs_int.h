/*
 * Internals of the demo's log documents shared by their files:
 * demo_es_docs.c (the world of a search and its documents),
 * demo_es_message.c (the text of message pieces), demo_es_fields.c
 * (fields, values and _source) and demo_es_tokens.c (the standard
 * analyzer and the tokens of pieces, cached per search).
 */
#ifndef MCTOP_BACKEND_DEMO_ES_DOCS_INT_H
#define MCTOP_BACKEND_DEMO_ES_DOCS_INT_H

#include <stdint.h>

#include "backend/buf.h"
#include "backend/demo_es.h"
#include "backend/demo_es_rng.h"
#include "backend/demo_int.h"

enum tfmt {
    T_NGX_ACCESS,
    T_NGX_ERROR,
    T_JAVA,
    T_PG,
    T_ES,
    T_REDIS,
    T_HAP,
    T_SYSLOG
};

enum pool {
    P_CLIENT,
    P_REQ, /* + level */
    P_UA = P_REQ + 4,
    P_NGXERR, /* + level - DES_WARN */
    P_JAVA = P_NGXERR + 2,
    P_STACK = P_JAVA + 4,
    P_PG,
    P_ESHEAD = P_PG + 4,
    P_ESBODY = P_ESHEAD + 4,
    P_REDIS_PID = P_ESBODY + 4,
    P_REDIS,
    P_HAP_CLIENT = P_REDIS + 4,
    P_HAP,
    P_INC = P_HAP + 4,
    P_HOSTILE,
    P_COUNT
};

/* Tokens of a piece, in one allocation: pointers, then the strings. */
struct centry {
    char **tok;
    uint32_t n;
};

struct des_cache {
    struct centry *pool[P_COUNT];
    struct centry *host;
    struct des_toks toks;
    struct buf text;
};

#define NHOSTILE     12
#define INC_VARIANTS 16

/* Templates: which pieces, and the fields that go with them. */
enum tmpl {
    TM_NGX_ACCESS,
    TM_NGX_ERROR,
    TM_JAVA,
    TM_JAVA_STACK,
    TM_PG,
    TM_ES,
    TM_REDIS,
    TM_HAP,
    TM_INC,
    TM_HOSTILE
};

/* Entries per pool, level names, month abbreviations (demo_es_docs.c). */
extern const uint16_t des_pool_sizes[P_COUNT];
extern const char *const des_levels[4];
extern const char *const des_months[12];

static inline void rng_entry(struct rng *g, const struct des_world *w, int pool,
                             unsigned idx)
{
    g->s = hash2(w->seed ^ ((uint64_t)(pool + 1) << 40), idx);
}

/* --- demo_es_message.c ------------------------------------------------ */

/* The text of pool entry idx. */
void des_pool_text(const struct des_world *w, int pool, unsigned idx,
                   struct buf *b);
/* Status and size of an access line: the first draws of its entry. */
void des_req_meta(struct rng *g, int lv, int *status, int *bytes);
const char *des_host_name(const struct des_world *w, uint32_t h);

/* --- demo_es_tokens.c ------------------------------------------------- */

void des_cache_free(struct des_cache *c, size_t nhosts);

#endif
