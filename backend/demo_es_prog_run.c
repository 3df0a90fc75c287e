/*
 * Running a compiled query on documents: each leaf tests the fields it is
 * on, remembering its verdict per value id and, on the message, per piece
 * (pool entry, host name), so most documents are decided without printing
 * their message; and the bounds on @timestamp a query implies, so a search
 * walks only the seconds that can match.
 */
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_prog_int.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

/* --- running -------------------------------------------------------------- */

/* Lucene's wildcard: * any run, ? one character, \ escapes. */
bool des_prog_glob(const char *p, const char *s)
{
    for (;;) {
        if (*p == '\0')
            return *s == '\0';
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (*p == '\0')
                return true;
            for (; *s != '\0'; s++)
                if (des_prog_glob(p, s))
                    return true;
            return des_prog_glob(p, s);
        }
        if (*s == '\0')
            return false;
        if (*p == '?') {
            p++;
            s++;
            while (((unsigned char)*s & 0xc0) == 0x80)
                s++;
            continue;
        }
        if (*p == '\\' && p[1] != '\0')
            p++;
        if (*p != *s)
            return false;
        p++;
        s++;
    }
}

static int cmp_ci(const char *a, const char *b, bool ci)
{
    return ci ? strcasecmp(a, b) : strcmp(a, b);
}

/* One value (a keyword, or a token of a text field) against a leaf. */
static inline bool value_test(const struct leaf *l, const char *v)
{
    switch (l->op) {
    case OP_TOKEN:
    case OP_EQ:
        if (!l->ci && l->toks[0][0] != v[0])
            return false; /* most tokens differ at once */
        return cmp_ci(l->toks[0], v, l->ci) == 0;
    case OP_PREFIX:
        return l->ci ? strncasecmp(v, l->toks[0], strlen(l->toks[0])) == 0
                     : strncmp(v, l->toks[0], strlen(l->toks[0])) == 0;
    case OP_GLOB: {
        if (!l->ci)
            return des_prog_glob(l->toks[0], v);
        {
            char *a = des_lower(l->toks[0]), *b = des_lower(v);
            bool r = des_prog_glob(a, b);

            free(a);
            free(b);
            return r;
        }
    }
    case OP_SRANGE: {
        int a = l->slo != NULL ? strcmp(v, l->slo) : 1;
        int b = l->shi != NULL ? strcmp(v, l->shi) : -1;

        return (a > 0 || (a == 0 && l->lo_incl)) &&
               (b < 0 || (b == 0 && l->hi_incl));
    }
    default:
        return false;
    }
}

static bool any_token(const struct leaf *l, struct des_tokv t)
{
    for (size_t i = 0; i < t.n; i++)
        if (value_test(l, t.tok[i]))
            return true;
    return false;
}

/* Do tokens t[a..a+n) equal the phrase's [b..b+n)? */
static bool same(const struct leaf *l, struct des_tokv t, size_t a, size_t b,
                 size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t.tok[a + i], l->toks[b + i]) != 0)
            return false;
    return true;
}

/* Does the phrase appear in t? */
static bool phrase_in(const struct leaf *l, struct des_tokv t)
{
    for (size_t i = 0; i + l->ntok <= t.n; i++)
        if (same(l, t, i, 0, l->ntok))
            return true;
    return false;
}

static void phrase_segr(const struct leaf *l, struct des_tokv t, struct segr *r)
{
    size_t k = l->ntok, m = t.n;

    memset(r, 0, sizeof(*r));
    r->known = 1;
    r->full = phrase_in(l, t);
    r->ntok = (uint16_t)(m > 65535 ? 65535 : m);
    for (size_t j = 1; j < k; j++) {
        if (j <= m && same(l, t, m - j, 0, j))
            r->pre |= 1ull << j;
        if (k - j <= m && same(l, t, 0, j, k - j))
            r->suf |= 1ull << j;
        if (m > 0 && j + m < k && same(l, t, 0, j, m))
            r->mid |= 1ull << j;
    }
}

/* The values of a string field tested by the leaf (text: their tokens). */
bool des_prog_str_test(struct des_prog *p, const struct leaf *l, const char **v,
                       int n)
{
    for (int i = 0; i < n; i++) {
        struct des_tokv t;

        if (l->f->type == DES_F_KEYWORD) {
            if (value_test(l, v[i]))
                return true;
            continue;
        }
        des_toks_reset(&p->toks);
        des_tokenize(&p->toks, v[i], strlen(v[i]));
        t = des_toks_view(&p->toks);
        if (l->op == OP_PHRASE ? phrase_in(l, t) : any_token(l, t))
            return true;
    }
    return false;
}

/* Memo cells of a piece: pool entry, host, or none (the time). */
static inline void piece_memo(struct des_prog *p, struct leaf *l,
                              const struct des_doc *doc,
                              const struct des_seg *s, bool phrase,
                              uint8_t **bit, struct segr **seg)
{
    size_t n;

    *bit = NULL;
    *seg = NULL;
    if (s->kind == DES_SEG_HOST) {
        n = p->w->d->nhosts;
        if (phrase) {
            if (l->hsegs == NULL)
                l->hsegs = xcalloc(n, sizeof(*l->hsegs));
            *seg = &l->hsegs[doc->host];
        } else {
            if (l->hbits == NULL)
                l->hbits = xcalloc(n, 1);
            *bit = &l->hbits[doc->host];
        }
    } else if (s->kind == DES_SEG_POOL && s->arg < DES_MAX_POOLS) {
        if (phrase) {
            if (l->psegs[s->arg] == NULL)
                l->psegs[s->arg] =
                    xcalloc(des_pool_size(s->arg), sizeof(struct segr));
            *seg = &l->psegs[s->arg][s->idx];
        } else {
            if (l->pbits[s->arg] == NULL)
                l->pbits[s->arg] = xcalloc(des_pool_size(s->arg), 1);
            *bit = &l->pbits[s->arg][s->idx];
        }
    }
}

static __attribute__((noinline)) bool
msg_token(struct des_prog *p, struct leaf *l, const struct des_doc *doc)
{
    for (int i = 0; i < doc->nseg; i++) {
        const struct des_seg *s = &doc->seg[i];
        uint8_t *bit;
        struct segr *sr;

        if (s->kind == DES_SEG_TIME && !l->time_rel)
            continue;
        piece_memo(p, l, doc, s, false, &bit, &sr);
        if (bit == NULL) {
            if (any_token(l, des_piece_tokens(p->w, doc, s, &p->ttoks)))
                return true;
            continue;
        }
        if (*bit == 0)
            *bit =
                any_token(l, des_piece_tokens(p->w, doc, s, &p->ttoks)) ? 2 : 1;
        if (*bit == 2)
            return true;
    }
    return false;
}

static __attribute__((noinline)) bool
msg_phrase(struct des_prog *p, struct leaf *l, const struct des_doc *doc)
{
    uint64_t state = 0;

    if (l->ntok > 63) { /* too long to track: print the message */
        bool r;

        buf_reset(&p->scratch);
        des_message(p->w, doc, &p->scratch);
        des_toks_reset(&p->toks);
        des_tokenize(&p->toks, p->scratch.data, p->scratch.len);
        r = phrase_in(l, des_toks_view(&p->toks));
        return r;
    }
    for (int i = 0; i < doc->nseg; i++) {
        const struct des_seg *s = &doc->seg[i];
        struct segr tmp, *r;
        uint8_t *bit;

        if (s->kind == DES_SEG_TIME && !l->time_rel) {
            state = 0; /* tokens that cannot be the phrase's */
            continue;
        }
        piece_memo(p, l, doc, s, true, &bit, &r);
        if (r == NULL)
            r = &tmp;
        if (r == &tmp || !r->known)
            phrase_segr(l, des_piece_tokens(p->w, doc, s, &p->ttoks), r);
        if (r->full || (state & r->suf) != 0)
            return true;
        if (r->ntok == 0)
            continue;
        state = r->pre | (r->ntok < 64 ? (state & r->mid) << r->ntok : 0);
    }
    return false;
}

/* Could the message of a document of class cls match the leaf? Decided
   once per class from the pool entries the class's messages use. */
static bool class_may(struct des_prog *p, struct leaf *l, int cls)
{
    if (l->cls_ok[cls] == 0) {
        struct des_piece_range r[8];
        bool host, may;
        size_t n = des_class_pieces(cls, r, &host);

        may = host || l->time_rel;
        for (size_t i = 0; i < n && !may; i++) {
            for (unsigned idx = r[i].from; idx < r[i].to && !may; idx++) {
                struct des_tokv t = des_pool_tokens(p->w, r[i].pool, idx);

                if (l->op != OP_PHRASE) {
                    may = any_token(l, t);
                    continue;
                }
                for (size_t j = 0; j < t.n && !may; j++)
                    for (size_t k = 0; k < l->ntok && !may; k++)
                        may = strcmp(t.tok[j], l->toks[k]) == 0;
            }
        }
        l->cls_ok[cls] = may ? 2 : 1;
    }
    return l->cls_ok[cls] == 2;
}

static __attribute__((noinline)) bool
leaf_eval(struct des_prog *p, struct leaf *l, struct des_doc *doc)
{
    const struct des_field *f = l->f;
    const char *v[2];
    uint32_t vid;
    long long x;
    int n;

    switch (f->getter) {
    case DES_G_TS:
        return l->op == OP_EXISTS || (doc->ms >= l->dlo && doc->ms <= l->dhi);
    case DES_G_MSG:
        if (l->op == OP_EXISTS)
            return true;
        if (!class_may(p, l, des_doc_class(p->w, doc)))
            return false;
        des_doc_detail(p->w, doc);
        return l->op == OP_PHRASE ? msg_phrase(p, l, doc)
                                  : msg_token(p, l, doc);
    case DES_G_STATUS:
    case DES_G_BYTES:
        des_doc_detail(p->w, doc);
        if (!des_num_value(p->w, doc, f->getter, &x))
            return false;
        return l->op == OP_EXISTS ||
               ((double)x >= l->nlo && (double)x <= l->nhi);
    case DES_G_PATH:
    case DES_G_TYPE:
    case DES_G_DATASET:
    case DES_G_SERVICE:
        des_doc_detail(p->w, doc);
        break;
    default:
        break;
    }
    if (!des_doc_vid(doc, f->getter, &vid))
        return false;
    if (l->op == OP_EXISTS)
        return true;
    if (l->memo == NULL)
        l->memo = xcalloc(des_cardinality(p->w, f->getter), 1);
    if (l->memo[vid] == 0 && f->getter == DES_G_HOST && f->type == DES_F_TEXT) {
        struct des_tokv t = des_host_tokens(p->w, doc->host);

        l->memo[vid] =
            (l->op == OP_PHRASE ? phrase_in(l, t) : any_token(l, t)) ? 2 : 1;
    }
    if (l->memo[vid] == 0) {
        n = des_value_text(p->w, f->getter, vid, v);
        l->memo[vid] = n > 0 && des_prog_str_test(p, l, v, n) ? 2 : 1;
    }
    return l->memo[vid] == 2;
}

/* A node; leaves are tested without a recursive call. */
#define TEST(p, c, doc)                                                        \
    ((c)->kind == PN_LEAF   ? leaf_eval(p, (c)->leaf, doc)                     \
     : (c)->kind != PN_BOOL ? (c)->kind == PN_TRUE                             \
                            : eval(p, c, doc))

static bool eval(struct des_prog *p, const struct pnode *n, struct des_doc *doc)
{
    size_t got = 0;

    for (size_t i = 0; i < n->nreq; i++)
        if (!TEST(p, n->req[i], doc))
            return false;
    for (size_t i = 0; i < n->nneg; i++)
        if (TEST(p, n->neg[i], doc))
            return false;
    for (size_t i = 0; i < n->nopt && got < n->need; i++)
        got += TEST(p, n->opt[i], doc);
    return got >= n->need;
}

bool des_prog_match(struct des_prog *p, struct des_doc *doc)
{
    return TEST(p, p->root, doc);
}

static void bounds(const struct pnode *n, int64_t *lo, int64_t *hi)
{
    *lo = INT64_MIN;
    *hi = INT64_MAX;
    if (n->kind == PN_FALSE) {
        *lo = INT64_MAX;
        *hi = INT64_MIN;
    } else if (n->kind == PN_LEAF) {
        if (n->leaf->op == OP_DRANGE && n->leaf->f->getter == DES_G_TS) {
            *lo = n->leaf->dlo;
            *hi = n->leaf->dhi;
        }
    } else if (n->kind == PN_BOOL) {
        for (size_t i = 0; i < n->nreq; i++) {
            int64_t a, b;

            bounds(n->req[i], &a, &b);
            *lo = a > *lo ? a : *lo;
            *hi = b < *hi ? b : *hi;
        }
        if (n->nopt > 0 && n->need > 0) {
            int64_t ulo = INT64_MAX, uhi = INT64_MIN;

            for (size_t i = 0; i < n->nopt; i++) {
                int64_t a, b;

                bounds(n->opt[i], &a, &b);
                ulo = a < ulo ? a : ulo;
                uhi = b > uhi ? b : uhi;
            }
            *lo = ulo > *lo ? ulo : *lo;
            *hi = uhi < *hi ? uhi : *hi;
        }
    }
}

void des_prog_within(struct des_prog *p, int64_t lo, int64_t hi)
{
    for (size_t i = 0; i < p->nnodes; i++) {
        struct pnode *n = p->nodes[i];

        if (n->kind == PN_LEAF && n->leaf->op == OP_DRANGE &&
            n->leaf->f->getter == DES_G_TS && n->leaf->dlo <= lo &&
            n->leaf->dhi >= hi)
            n->kind = PN_TRUE;
    }
    for (size_t i = 0; i < p->nnodes; i++) {
        struct pnode *n = p->nodes[i];
        size_t k = 0;

        for (size_t j = 0; j < n->nreq; j++)
            if (n->req[j]->kind != PN_TRUE)
                n->req[k++] = n->req[j];
        n->nreq = k;
    }
    while (p->root->kind == PN_BOOL && p->root->nreq == 1 &&
           p->root->nopt == 0 && p->root->nneg == 0)
        p->root = p->root->req[0];
}

void des_prog_bounds(const struct des_prog *p, int64_t *lo, int64_t *hi)
{
    bounds(p->root, lo, hi);
}
