/*
 * Internals of the demo Elasticsearch's compiled queries shared by
 * demo_es_prog.c (nodes, leaves and the leaves of each query type),
 * demo_es_prog_compile.c (query_string and the DSL compiled into them)
 * and demo_es_prog_run.c (running them on documents).
 */
#ifndef MCTOP_BACKEND_DEMO_ES_PROG_INT_H
#define MCTOP_BACKEND_DEMO_ES_PROG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/buf.h"
#include "backend/demo_es.h"

enum op {
    OP_TOKEN,
    OP_PHRASE,
    OP_GLOB,
    OP_PREFIX,
    OP_EQ,
    OP_SRANGE,
    OP_NRANGE,
    OP_DRANGE,
    OP_EXISTS
};

/* A piece of a message against a phrase of k tokens. */
struct segr {
    uint8_t known, full;
    uint16_t ntok;
    uint64_t pre; /* bit j: the piece ends with the phrase's first j */
    uint64_t suf; /* bit j: the piece starts with the phrase from j on */
    uint64_t mid; /* bit j: the piece is the phrase's tokens j.. */
};

struct leaf {
    int op;
    const struct des_field *f;
    char **toks; /* TOKEN: 1, PHRASE: n, GLOB/PREFIX/EQ: the pattern */
    size_t ntok;
    bool ci, time_rel;
    double nlo, nhi;  /* NRANGE, inclusive */
    int64_t dlo, dhi; /* DRANGE, inclusive */
    char *slo, *shi;  /* SRANGE; NULL is open */
    bool lo_incl, hi_incl;
    uint8_t *memo; /* per value id: 0 unknown, 1 no, 2 yes */
    uint8_t *pbits[DES_MAX_POOLS];
    struct segr *psegs[DES_MAX_POOLS];
    uint8_t *hbits;
    struct segr *hsegs;
    uint8_t cls_ok[DES_NCLASS]; /* could a message of the class match? */
};

enum { PN_TRUE, PN_FALSE, PN_BOOL, PN_LEAF };

struct pnode {
    int kind;
    struct pnode **req, **opt, **neg;
    size_t nreq, nopt, nneg, need;
    struct leaf *leaf;
};

/* A list of nodes being built. */
struct plist {
    struct pnode **v;
    size_t n;
};

struct des_prog {
    const struct des_world *w;
    int fam;
    struct pnode *root;
    struct pnode **nodes;
    size_t nnodes;
    struct leaf **leaves;
    size_t nleaves;
    struct des_toks toks;
    struct des_ttoks ttoks;
    struct buf scratch;
    const char *qs_text; /* the query_string being compiled */
    const struct des_query *qs;
    bool qs_lenient;
};

/* --- demo_es_prog.c: nodes, fields, leaves ------------------------- */

/* A new node, freed with the program. */
struct pnode *des_prog_node(struct des_prog *p, int kind);
void des_plist_add(struct plist *l, struct pnode *n);
/* All, any, at least n of l (taken). */
struct pnode *des_prog_all(struct des_prog *p, struct plist *l);
struct pnode *des_prog_any(struct des_prog *p, struct plist *l);
struct pnode *des_prog_at_least(struct des_prog *p, struct plist *l, long n);
/* pos and none of neg (taken). */
struct pnode *des_prog_and_not(struct des_prog *p, struct pnode *pos,
                               struct plist *neg);
/* Fields named by a name or a * pattern (nf at most max). */
size_t des_prog_resolve(const struct des_prog *p, const char *pat,
                        const struct des_field **out, size_t max);
/* Names (with ^boost, * for every field) to fields, without repeats. */
size_t des_prog_expand(const struct des_prog *p, char *const *names,
                       size_t nnames, const struct des_field **out, size_t max);
/* A token leaf on a text field (the value as a token, not analysed). */
struct pnode *des_prog_token_leaf(struct des_prog *p, const struct des_field *f,
                                  const char *tok, bool ci);
/* term: one value, not analysed. NULL with e (a value that does not
   convert). */
struct pnode *des_prog_term(struct des_prog *p, const struct des_field *f,
                            const struct des_qval *v, bool ci,
                            struct des_err *e);
/* match / query_string term semantics on one field. */
struct pnode *des_prog_analyzed(struct des_prog *p, const struct des_field *f,
                                const struct des_qval *v, bool and_op,
                                const char *msm, bool lenient, bool quoted,
                                struct des_err *e);
/* range (a NULL bound is open), by the field's type. NULL with e. */
struct pnode *des_prog_range(struct des_prog *p, const struct des_field *f,
                             const struct des_qval *lo,
                             const struct des_qval *hi, bool incl_lo,
                             bool incl_hi, const char *fmt, int tz,
                             struct des_err *e);
/* prefix and wildcard. NULL with e. */
struct pnode *des_prog_pattern(struct des_prog *p, const struct des_field *f,
                               bool prefix, const char *value, bool ci,
                               bool normalize, struct des_err *e);
/* exists on the fields a pattern names. */
struct pnode *des_prog_exists(struct des_prog *p, const char *pat);

/* --- demo_es_prog_run.c ---------------------------------------------- */

/* The values of a string field tested by the leaf (text: their tokens). */
bool des_prog_str_test(struct des_prog *p, const struct leaf *l, const char **v,
                       int n);
/* Lucene's wildcard: * any run, ? one character, \ escapes. */
bool des_prog_glob(const char *p, const char *s);

#endif
