/*
 * The query DSL of the demo's Elasticsearch, second phase: a parsed query
 * compiled for one family of indices (as ES compiles it per shard, and the
 * lab's queries.py and qstring.py do), then run on documents.
 *
 * Field names resolve against the family's mapping (demo_es_docs.c): text
 * fields are analysed (prd-web-01 is three tokens), keyword fields match
 * exactly, a date term is the range of its rounding, a purely negative
 * query_string matches everything but what it negates. Failures here
 * (a query_string syntax error, a bound that does not parse) fail every
 * shard, as in Elasticsearch.
 *
 * A leaf remembers its verdict per value id (a host, a path) and, on the
 * message, per piece: a token or pattern test per pool entry, and for a
 * phrase the ways a piece can start, end or continue it, so a phrase that
 * spans pieces is found without printing the message.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

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

/* --- building ------------------------------------------------------------- */

static struct pnode *pn(struct des_prog *p, int kind)
{
    struct pnode *n = xcalloc(1, sizeof(*n));

    n->kind = kind;
    p->nodes = xreallocarray(p->nodes, p->nnodes + 1, sizeof(*p->nodes));
    p->nodes[p->nnodes++] = n;
    return n;
}

static void plist_add(struct plist *l, struct pnode *n)
{
    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = n;
}

/*
 * Any (or all) of l, taken: constants fold (a true one decides "any", a
 * false one "all"), a single node stands for itself.
 */
static struct pnode *p_fold(struct des_prog *p, struct plist *l, bool any)
{
    int decides = any ? PN_TRUE : PN_FALSE, neutral = any ? PN_FALSE : PN_TRUE;
    struct pnode *out = NULL;
    size_t k = 0;

    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i]->kind == decides)
            out = l->v[i];
        else if (l->v[i]->kind != neutral)
            l->v[k++] = l->v[i];
    }
    if (out == NULL && k == 0)
        out = pn(p, neutral);
    else if (out == NULL && k == 1)
        out = l->v[0];
    if (out != NULL) {
        free(l->v);
    } else {
        out = pn(p, PN_BOOL);
        if (any) {
            out->opt = l->v;
            out->nopt = k;
            out->need = 1;
        } else {
            out->req = l->v;
            out->nreq = k;
        }
    }
    l->v = NULL;
    l->n = 0;
    return out;
}

static struct pnode *p_any(struct des_prog *p, struct plist *l)
{
    return p_fold(p, l, true);
}

static struct pnode *p_all(struct des_prog *p, struct plist *l)
{
    return p_fold(p, l, false);
}

static struct pnode *p_at_least(struct des_prog *p, struct plist *l, long n)
{
    struct pnode *out;

    if (n <= 0 || (size_t)n > l->n) {
        free(l->v);
        l->v = NULL;
        l->n = 0;
        return pn(p, n <= 0 ? PN_TRUE : PN_FALSE);
    }
    if (n == 1)
        return p_any(p, l);
    out = pn(p, PN_BOOL);
    out->opt = l->v;
    out->nopt = l->n;
    out->need = (size_t)n;
    l->v = NULL;
    l->n = 0;
    return out;
}

/* pos and none of neg (taken). */
static struct pnode *p_and_not(struct des_prog *p, struct pnode *pos,
                               struct plist *neg)
{
    struct pnode *any, *out;

    if (neg->n == 0) {
        free(neg->v);
        return pos;
    }
    any = p_any(p, neg);
    if (any->kind == PN_FALSE)
        return pos;
    if (any->kind == PN_TRUE || pos->kind == PN_FALSE)
        return pn(p, PN_FALSE);
    out = pn(p, PN_BOOL);
    out->neg = xmalloc(sizeof(*out->neg));
    out->neg[0] = any;
    out->nneg = 1;
    if (pos->kind != PN_TRUE) {
        out->req = xmalloc(sizeof(*out->req));
        out->req[0] = pos;
        out->nreq = 1;
    }
    return out;
}

static struct leaf *leaf_new(struct des_prog *p, int op,
                             const struct des_field *f)
{
    struct leaf *l = xcalloc(1, sizeof(*l));

    l->op = op;
    l->f = f;
    p->leaves = xreallocarray(p->leaves, p->nleaves + 1, sizeof(*p->leaves));
    p->leaves[p->nleaves++] = l;
    return l;
}

static bool str_test(struct des_prog *p, const struct leaf *l, const char **v,
                     int n);

/*
 * A node for a leaf. On a field with few values the verdict for each is
 * worked out now: a leaf no value passes is no leaf at all.
 */
static struct pnode *leaf_node(struct des_prog *p, struct leaf *l)
{
    const struct des_field *f = l->f;
    struct pnode *n;

    if (l->op != OP_EXISTS && f->getter != DES_G_MSG &&
        (f->type == DES_F_KEYWORD || f->type == DES_F_TEXT) &&
        des_cardinality(p->w, f->getter) <= 64) {
        uint32_t card = des_cardinality(p->w, f->getter);
        bool any = false;

        l->memo = xcalloc(card, 1);
        for (uint32_t vid = 0; vid < card; vid++) {
            const char *v[2];
            int k = des_value_text(p->w, f->getter, vid, v);

            l->memo[vid] = k > 0 && str_test(p, l, v, k) ? 2 : 1;
            any |= l->memo[vid] == 2;
        }
        if (!any)
            return pn(p, PN_FALSE);
    }
    n = pn(p, PN_LEAF);
    n->leaf = l;
    return n;
}

static void leaf_set(struct leaf *l, const char *s)
{
    l->toks = xmalloc(sizeof(*l->toks));
    l->toks[0] = xstrdup(s);
    l->ntok = 1;
}

/* Could t be a token of a time: "2026", "05", "26t05", "19,066", "nov"? */
static bool time_like(const char *t)
{
    static const char *const words[] = { "jan", "feb", "mar", "apr", "may",
                                         "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec", "utc" };
    size_t n = strlen(t), digits = strspn(t, "0123456789");

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(t, words[i]) == 0)
            return true;
    if (digits == n)
        return n == 1 || n == 2 || n == 4;
    if (n == 6 && digits == 2 && (t[2] == ',' || t[2] == '.'))
        return strspn(t + 3, "0123456789") == 3;
    return n == 5 && digits == 2 && t[2] == 't' &&
           strspn(t + 3, "0123456789") == 2;
}

static bool glob(const char *p, const char *s);

/* Could a pattern (a prefix: pattern*) match a token of a time? */
static bool pattern_time_like(const char *pat, bool prefix)
{
    static const char *const words[] = { "jan", "feb", "mar", "apr", "may",
                                         "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec", "utc" };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (prefix ? strncmp(words[i], pat, strlen(pat)) == 0
                   : glob(pat, words[i]))
            return true;
    /* Digit tokens: literal characters must be digits, '.', ',' or 't'. */
    for (const char *c = pat; *c != '\0'; c++) {
        if (!prefix && (*c == '*' || *c == '?'))
            continue;
        if (!prefix && *c == '\\' && c[1] != '\0')
            c++;
        if (strchr("0123456789,.t", *c) == NULL)
            return false;
    }
    return true;
}

/* A token leaf on a text field (the value as a token, not analysed). */
static struct pnode *token_leaf(struct des_prog *p, const struct des_field *f,
                                const char *tok, bool ci)
{
    struct leaf *l = leaf_new(p, OP_TOKEN, f);
    char *low = ci ? des_lower(tok) : NULL;

    leaf_set(l, low != NULL ? low : tok);
    free(low);
    l->ci = ci;
    l->time_rel = time_like(l->toks[0]);
    return leaf_node(p, l);
}

static struct pnode *phrase_leaf(struct des_prog *p, const struct des_field *f,
                                 const struct des_toks *t)
{
    struct leaf *l = leaf_new(p, OP_PHRASE, f);

    l->toks = xcalloc(t->n, sizeof(*l->toks));
    for (size_t i = 0; i < t->n; i++) {
        l->toks[i] = xstrdup(des_tok(t, i));
        l->time_rel |= time_like(l->toks[i]);
    }
    l->ntok = t->n;
    return leaf_node(p, l);
}

/* --- failures ------------------------------------------------------------- */

/* QueryShardContext.toQuery: "failed to create query: <reason>". */
static int create_failed(struct des_err *e, struct cJSON *inner)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(inner, "reason");
    cJSON *c = des_causef("query_shard_exception", "failed to create query: %s",
                          cJSON_IsString(r) ? r->valuestring : "");

    return des_fail_shard(e, des_by(c, inner));
}

static cJSON *number_error(const struct des_qval *v)
{
    if (v->boolean)
        return des_foreign(des_causef("illegal_argument_exception",
                                      "Cannot convert [%s] to a number", v->s));
    return des_foreign(des_causef("number_format_exception",
                                  "For input string: \"%s\"", v->s));
}

/* A query value as a number; -1 with *cause. */
static int to_number(const struct des_qval *v, double *out, cJSON **cause)
{
    char *end;
    const char *s = v->s;

    if (v->num) {
        *out = v->d;
        return 0;
    }
    if (!v->boolean) {
        while (*s == ' ')
            s++;
        *out = strtod(s, &end);
        while (end != s && *end == ' ')
            end++;
        if (end != s && *end == '\0' && strncasecmp(s, "nan", 3) != 0 &&
            strncasecmp(s, "inf", 3) != 0 && strncasecmp(s, "0x", 2) != 0)
            return 0;
    }
    *cause = number_error(v);
    return -1;
}

static const char *type_name(const struct des_field *f)
{
    static const char *const names[] = { "date", "keyword", "text", "long" };

    return names[f->type];
}

/* --- field lookup --------------------------------------------------------- */

/* Fields named by a name or a * pattern (nf at most max). */
static size_t resolve(const struct des_prog *p, const char *pat,
                      const struct des_field **out, size_t max)
{
    size_t n, k = 0;
    const struct des_field *fs = des_fields(p->fam, &n);

    for (size_t i = 0; i < n && k < max; i++)
        if (strchr(pat, '*') != NULL ? des_star_match(pat, fs[i].name)
                                     : strcmp(pat, fs[i].name) == 0)
            out[k++] = &fs[i];
    return k;
}

/* Names (with ^boost, * for every field) to fields, without repeats. */
static size_t expand(const struct des_prog *p, char *const *names,
                     size_t nnames, const struct des_field **out, size_t max)
{
    size_t k = 0;

    if (nnames == 0)
        return resolve(p, "*", out, max);
    for (size_t i = 0; i < nnames; i++) {
        char *name = xstrdup(names[i]), *caret = strchr(name, '^');
        const struct des_field *got[32];
        size_t n;

        if (caret != NULL)
            *caret = '\0';
        n = resolve(p, name, got, 32);
        for (size_t j = 0; j < n && k < max; j++) {
            bool dup = false;

            for (size_t m = 0; m < k; m++)
                dup |= out[m] == got[j];
            if (!dup)
                out[k++] = got[j];
        }
        free(name);
    }
    return k;
}

/* --- leaves of each query type ---------------------------------------------
 */

/* term: one value, not analysed. NULL with e (a value that does not
   convert). */
static struct pnode *term_pred(struct des_prog *p, const struct des_field *f,
                               const struct des_qval *v, bool ci,
                               struct des_err *e)
{
    struct leaf *l;
    cJSON *cause = NULL;
    double d;

    switch (f->type) {
    case DES_F_TEXT:
        return token_leaf(p, f, v->s, ci);
    case DES_F_KEYWORD:
        l = leaf_new(p, OP_EQ, f);
        leaf_set(l, v->s);
        l->ci = ci;
        return leaf_node(p, l);
    case DES_F_LONG:
        if (to_number(v, &d, &cause) < 0) {
            create_failed(e, cause);
            return NULL;
        }
        if (d != floor(d))
            return pn(p, PN_FALSE);
        l = leaf_new(p, OP_NRANGE, f);
        l->nlo = l->nhi = d;
        return leaf_node(p, l);
    default:
        l = leaf_new(p, OP_DRANGE, f);
        if (v->num) {
            l->dlo = l->dhi = (int64_t)v->d;
        } else if (des_date_parse(v->s, NULL, 0, false, p->w->now_ms, &l->dlo,
                                  &cause) < 0 ||
                   des_date_parse(v->s, NULL, 0, true, p->w->now_ms, &l->dhi,
                                  &cause) < 0) {
            create_failed(e, cause);
            return NULL;
        }
        return leaf_node(p, l);
    }
}

/* match / query_string term semantics on one field. */
static struct pnode *analyzed(struct des_prog *p, const struct des_field *f,
                              const struct des_qval *v, bool and_op,
                              const char *msm, bool lenient, bool quoted,
                              struct des_err *e)
{
    struct plist l = { 0 };
    struct pnode *out;

    if (f->type != DES_F_TEXT) {
        struct des_err sub = { 0 };

        out = term_pred(p, f, v, false, &sub);
        if (out == NULL && lenient) {
            cJSON_Delete(sub.cause);
            return pn(p, PN_FALSE);
        }
        if (out == NULL)
            *e = sub;
        return out;
    }
    {
        struct des_toks t = { 0 }; /* leaf_node() uses p->toks */
        long need;

        des_tokenize(&t, v->s, strlen(v->s));
        if (t.n == 0)
            out = pn(p, PN_FALSE);
        else if (quoted && t.n > 1)
            out = phrase_leaf(p, f, &t);
        for (size_t i = 0; t.n > 0 && !(quoted && t.n > 1) && i < t.n; i++)
            plist_add(&l, token_leaf(p, f, des_tok(&t, i), false));
        need = msm != NULL ? des_min_should_match(msm, t.n) : 1;
        des_toks_free(&t);
        if (l.n == 0)
            return out;
        if (and_op)
            return p_all(p, &l);
        return p_at_least(p, &l, need < 1 ? 1 : need);
    }
}

/* A bound of a date range; ms, or -1 with e. */
static int date_bound(struct des_prog *p, const struct des_qval *v,
                      const char *fmt, int tz, bool up, int64_t *out,
                      struct des_err *e)
{
    cJSON *cause = NULL;

    if (v->num) {
        *out = (int64_t)v->d;
        return 0;
    }
    if (des_date_parse(v->s, fmt, tz, up, p->w->now_ms, out, &cause) < 0)
        return create_failed(e, cause);
    return 0;
}

static struct pnode *range_pred(struct des_prog *p, const struct des_field *f,
                                const struct des_qval *lo,
                                const struct des_qval *hi, bool incl_lo,
                                bool incl_hi, const char *fmt, int tz,
                                struct des_err *e)
{
    struct leaf *l;
    cJSON *cause = NULL;
    double d;

    if (f->type == DES_F_DATE) {
        l = leaf_new(p, OP_DRANGE, f);
        l->dlo = INT64_MIN;
        l->dhi = INT64_MAX;
        /* JavaDateMathParser rounds up for gt and lte. */
        if (lo != NULL) {
            if (date_bound(p, lo, fmt, tz, !incl_lo, &l->dlo, e) < 0)
                return NULL;
            l->dlo += !incl_lo;
        }
        if (hi != NULL) {
            if (date_bound(p, hi, fmt, tz, incl_hi, &l->dhi, e) < 0)
                return NULL;
            l->dhi -= !incl_hi;
        }
        return leaf_node(p, l);
    }
    if (f->type == DES_F_LONG) {
        l = leaf_new(p, OP_NRANGE, f);
        l->nlo = -INFINITY;
        l->nhi = INFINITY;
        if (lo != NULL) {
            if (to_number(lo, &d, &cause) < 0) {
                create_failed(e, cause);
                return NULL;
            }
            l->nlo = incl_lo ? ceil(d) : floor(d) + 1;
        }
        if (hi != NULL) {
            if (to_number(hi, &d, &cause) < 0) {
                create_failed(e, cause);
                return NULL;
            }
            l->nhi = incl_hi ? floor(d) : ceil(d) - 1;
        }
        return leaf_node(p, l);
    }
    l = leaf_new(p, OP_SRANGE, f);
    if (lo != NULL)
        l->slo = f->type == DES_F_TEXT ? des_lower(lo->s) : xstrdup(lo->s);
    if (hi != NULL)
        l->shi = f->type == DES_F_TEXT ? des_lower(hi->s) : xstrdup(hi->s);
    l->lo_incl = incl_lo;
    l->hi_incl = incl_hi;
    l->time_rel = true;
    return leaf_node(p, l);
}

static struct pnode *pattern_pred(struct des_prog *p, const struct des_field *f,
                                  bool prefix, const char *value, bool ci,
                                  bool normalize, struct des_err *e)
{
    struct leaf *l;

    if (f->type != DES_F_TEXT && f->type != DES_F_KEYWORD) {
        create_failed(e, des_foreign(des_causef(
                             "illegal_argument_exception",
                             "Can only use %s fields - not on [%s] which is of "
                             "type [%s]",
                             prefix ? "prefix queries on keyword, text and "
                                      "wildcard"
                                    : "wildcard queries on keyword and text",
                             f->name, type_name(f))));
        return NULL;
    }
    l = leaf_new(p, prefix ? OP_PREFIX : OP_GLOB, f);
    if (normalize && f->type == DES_F_TEXT) {
        l->toks = xmalloc(sizeof(*l->toks));
        l->toks[0] = des_lower(value);
        l->ntok = 1;
    } else {
        leaf_set(l, value);
    }
    l->ci = ci;
    l->time_rel = ci || pattern_time_like(l->toks[0], prefix);
    return leaf_node(p, l);
}

static struct pnode *exists_pred(struct des_prog *p, const char *pat)
{
    const struct des_field *fs[64];
    struct plist l = { 0 };
    size_t n;

    if (strcmp(pat, "_id") == 0 || strcmp(pat, "_index") == 0 ||
        strcmp(pat, "_source") == 0)
        return pn(p, PN_TRUE);
    n = resolve(p, pat, fs, 64);
    if (n == 0 && strchr(pat, '*') == NULL) {
        /* An object path: any leaf below it. */
        char *sub = xasprintf("%s.*", pat);

        n = resolve(p, sub, fs, 64);
        free(sub);
    }
    for (size_t i = 0; i < n; i++)
        plist_add(&l, leaf_node(p, leaf_new(p, OP_EXISTS, fs[i])));
    return p_any(p, &l);
}

/* --- query_string (QueryStringQueryParser) ---------------------------------
 */

static struct pnode *compile(struct des_prog *p, const struct des_query *q,
                             struct des_err *e);

/* The §3.2 failure: query_shard_exception caused by Lucene's error. */
static int qs_parse_failure(struct des_err *e, const char *q, cJSON *cause)
{
    cJSON *c =
        des_causef("query_shard_exception", "Failed to parse query [%s]", q);

    return des_fail_shard(e, des_by(c, cause));
}

static int qs_unsupported(struct des_err *e, const char *what)
{
    return des_fail_shard(e, des_unsupported_cause(what));
}

/* One leaf of the Lucene tree on one field. */
static struct pnode *qs_leaf(struct des_prog *p, const struct des_lnode *nd,
                             const struct des_field *f, bool lenient,
                             struct des_err *e)
{
    const struct des_query *o = p->qs;
    struct des_qval v = { 0 };
    struct pnode *r;

    switch (nd->kind) {
    case DES_L_TERM: {
        static const char *const pre[] = { ">=", "<=", ">", "<" };

        for (int i = 0; i < 4; i++) {
            size_t pl = strlen(pre[i]);

            if (strncmp(nd->text, pre[i], pl) == 0 && strlen(nd->text) > pl) {
                struct des_qval b = { (char *)nd->text + pl, false, false, 0 };
                bool lo = pre[i][0] == '>';

                return range_pred(p, f, lo ? &b : NULL, lo ? NULL : &b, i == 0,
                                  i == 1, NULL, o->tz, e);
            }
        }
        v.s = nd->text;
        return analyzed(p, f, &v, o->op_and, NULL, lenient, false, e);
    }
    case DES_L_QUOTED:
        if (nd->slop > 0) {
            qs_unsupported(e, "phrase slop in query_string");
            return NULL;
        }
        v.s = nd->text;
        return analyzed(p, f, &v, o->op_and, NULL, lenient, true, e);
    case DES_L_RANGE: {
        struct des_qval lo = { nd->lower, false, false, 0 };
        struct des_qval hi = { nd->upper, false, false, 0 };

        return range_pred(p, f, nd->lower != NULL ? &lo : NULL,
                          nd->upper != NULL ? &hi : NULL, nd->incl_lower,
                          nd->incl_upper, NULL, o->tz, e);
    }
    case DES_L_PREFIX:
    case DES_L_WILDCARD: {
        bool prefix = nd->kind == DES_L_PREFIX;

        if (!o->leading_wildcard && !prefix &&
            (nd->text[0] == '*' || nd->text[0] == '?')) {
            cJSON *in = des_foreign(des_cause("parse_exception",
                                              "'*' or '?' not allowed as first "
                                              "character in WildcardQuery"));
            char *r2 = xasprintf("Cannot parse '%s': '*' or '?' not allowed "
                                 "as first character in WildcardQuery",
                                 p->qs_text);

            qs_parse_failure(
                e, p->qs_text,
                des_by(des_foreign(des_cause("parse_exception", r2)), in));
            free(r2);
            return NULL;
        }
        if (f->type == DES_F_TEXT && o->analyze_wildcard && prefix) {
            struct des_toks t = { 0 };
            struct plist l = { 0 };

            des_tokenize(&t, nd->text, strlen(nd->text));
            for (size_t i = 0; i + 1 < t.n; i++)
                plist_add(&l, token_leaf(p, f, des_tok(&t, i), false));
            if (t.n > 0)
                plist_add(&l, pattern_pred(p, f, true, des_tok(&t, t.n - 1),
                                           false, false, e));
            des_toks_free(&t);
            return o->op_and ? p_all(p, &l) : p_any(p, &l);
        }
        if (f->type == DES_F_TEXT && o->analyze_wildcard) {
            char *copy = xstrdup(nd->text);

            for (char *s = strtok(copy, "*?"); s != NULL;
                 s = strtok(NULL, "*?")) {
                struct des_toks t = { 0 };

                des_tokenize(&t, s, strlen(s));
                if (t.n > 1) {
                    char *what = xasprintf("an analyzed wildcard that spans "
                                           "several words [%s] on text field "
                                           "[%s]",
                                           nd->text, f->name);

                    des_toks_free(&t);
                    free(copy);
                    qs_unsupported(e, what);
                    free(what);
                    return NULL;
                }
                des_toks_free(&t);
            }
            free(copy);
        }
        r = pattern_pred(p, f, prefix, nd->text, false, true, e);
        if (r == NULL && lenient) {
            cJSON_Delete(e->cause);
            memset(e, 0, sizeof(*e));
            return pn(p, PN_FALSE);
        }
        return r;
    }
    case DES_L_FUZZY:
        qs_unsupported(e, "fuzzy terms (~) in query_string");
        return NULL;
    default:
        qs_unsupported(e, "regular expressions in query_string");
        return NULL;
    }
}

static struct pnode *qs_node(struct des_prog *p, const struct des_lnode *nd,
                             const char *msm, struct des_err *e)
{
    const struct des_query *o = p->qs;
    const struct des_field *fs[64];
    struct plist l = { 0 };
    size_t n;
    bool lenient;

    if (nd->kind == DES_L_BOOL) {
        struct plist must = { 0 }, should = { 0 }, neg = { 0 };
        struct pnode *pos;
        long need;

        for (size_t i = 0; i < nd->nkids; i++) {
            struct pnode *k = qs_node(p, nd->kids[i], NULL, e);

            if (k == NULL) {
                free(must.v);
                free(should.v);
                free(neg.v);
                return NULL;
            }
            plist_add(nd->occur[i] == DES_MUST     ? &must
                      : nd->occur[i] == DES_SHOULD ? &should
                                                   : &neg,
                      k);
        }
        need = msm != NULL ? des_min_should_match(msm, should.n)
                           : should.n > 0 && must.n == 0;
        if (should.n > 0 && need > 0)
            plist_add(&must, p_at_least(p, &should, need));
        free(should.v);
        pos = p_all(p, &must);
        return p_and_not(p, pos, &neg);
    }
    if (nd->field != NULL && strcmp(nd->field, "_exists_") == 0)
        return exists_pred(p, nd->text);
    if (nd->kind == DES_L_WILDCARD && strcmp(nd->text, "*") == 0) {
        if (nd->field == NULL || strcmp(nd->field, "*") == 0)
            return pn(p, PN_TRUE);
        return exists_pred(p, nd->field);
    }
    if (nd->field != NULL &&
        (strcmp(nd->field, "_id") == 0 || strcmp(nd->field, "_index") == 0)) {
        qs_unsupported(e, "queries on _id and _index");
        return NULL;
    }
    if (nd->field == NULL) {
        if (o->nfields > 0)
            n = expand(p, o->fields, o->nfields, fs, 64);
        else if (o->default_field != NULL)
            n = expand(p, &o->default_field, 1, fs, 64);
        else
            n = resolve(p, "*", fs, 64);
        lenient = p->qs_lenient;
    } else if (strcmp(nd->field, "*") == 0) {
        n = resolve(p, "*", fs, 64);
        lenient = true;
    } else if (strchr(nd->field, '*') != NULL) {
        n = resolve(p, nd->field, fs, 64);
        lenient = p->qs_lenient;
    } else {
        n = resolve(p, nd->field, fs, 64);
        lenient = o->lenient_set && o->lenient;
    }
    for (size_t i = 0; i < n; i++) {
        struct pnode *k = qs_leaf(p, nd, fs[i], lenient, e);

        if (k == NULL && lenient && e->cause != NULL && e->shard) {
            cJSON_Delete(e->cause);
            memset(e, 0, sizeof(*e));
            continue;
        }
        if (k == NULL) {
            free(l.v);
            return NULL;
        }
        plist_add(&l, k);
    }
    return p_any(p, &l);
}

static struct pnode *compile_qs(struct des_prog *p, const struct des_query *q,
                                struct des_err *e)
{
    const char *text = q->text.s;
    struct des_lnode *root;
    struct pnode *out;
    cJSON *cause = NULL;
    bool all_mode;

    if (text[strspn(text, " \t\r\n")] == '\0')
        return pn(p, PN_FALSE); /* no terms: matches nothing */
    root = des_lucene_parse(text, q->op_and, &cause);
    if (root == NULL) {
        qs_parse_failure(e, text, cause);
        return NULL;
    }
    all_mode = q->nfields == 0 &&
               (q->default_field == NULL || strcmp(q->default_field, "*") == 0);
    if (q->nfields == 1 && strcmp(q->fields[0], "*") == 0)
        all_mode = true;
    p->qs = q;
    p->qs_text = text;
    p->qs_lenient = q->lenient_set ? q->lenient : all_mode;
    out = qs_node(p, root, root->kind == DES_L_BOOL ? q->msm : NULL, e);
    des_lnode_free(root);
    if (out == NULL && e->cause != NULL && !e->shard)
        e->shard = true;
    return out;
}

/* --- the DSL -------------------------------------------------------------- */

static struct pnode *compile_bool(struct des_prog *p, const struct des_query *q,
                                  struct des_err *e)
{
    struct plist req = { 0 }, opt = { 0 }, neg = { 0 };
    long need;

    for (size_t i = 0; i < q->nkids; i++) {
        struct pnode *k = compile(p, q->kids[i], e);

        if (k == NULL) {
            free(req.v);
            free(opt.v);
            free(neg.v);
            return NULL;
        }
        plist_add(q->occ[i] == DES_Q_SHOULD     ? &opt
                  : q->occ[i] == DES_Q_MUST_NOT ? &neg
                                                : &req,
                  k);
    }
    need = q->msm != NULL ? des_min_should_match(q->msm, opt.n)
                          : opt.n > 0 && req.n == 0;
    if (opt.n > 0 && need > 0)
        plist_add(&req, p_at_least(p, &opt, need));
    free(opt.v);
    return p_and_not(p, p_all(p, &req), &neg);
}

static int meta_field(const char *f, struct des_err *e)
{
    if (f != NULL && (strcmp(f, "_id") == 0 || strcmp(f, "_index") == 0))
        return des_unsupported(e, "queries on [%s]", f);
    return 0;
}

static struct pnode *compile(struct des_prog *p, const struct des_query *q,
                             struct des_err *e)
{
    const struct des_field *fs[64];
    struct plist l = { 0 };
    size_t n = 0;

    if (q->kind != DES_Q_EXISTS && meta_field(q->field, e) < 0)
        return NULL;
    switch (q->kind) {
    case DES_Q_ALL:
        return pn(p, PN_TRUE);
    case DES_Q_NONE:
        return pn(p, PN_FALSE);
    case DES_Q_BOOL:
        return compile_bool(p, q, e);
    case DES_Q_QS:
        return compile_qs(p, q, e);
    case DES_Q_EXISTS:
        return exists_pred(p, q->field);
    case DES_Q_MULTI:
        n = expand(p, q->fields, q->nfields, fs, 64);
        break;
    default:
        n = resolve(p, q->field, fs, 64);
        break;
    }
    for (size_t i = 0; i < n; i++) {
        struct pnode *k = NULL;
        bool star = q->nfields == 0;

        for (size_t j = 0; j < q->nfields; j++)
            star |= strchr(q->fields[j], '*') != NULL;
        switch (q->kind) {
        case DES_Q_MATCH:
            k = analyzed(p, fs[i], &q->text, q->op_and, q->msm,
                         q->lenient_set && q->lenient, q->phrase, e);
            break;
        case DES_Q_MULTI:
            k = analyzed(p, fs[i], &q->text, q->op_and, q->msm,
                         q->lenient_set ? q->lenient : star, q->phrase, e);
            break;
        case DES_Q_TERM:
            k = term_pred(p, fs[i], &q->text, q->ci, e);
            break;
        case DES_Q_TERMS: {
            struct plist vl = { 0 };

            for (size_t j = 0; j < q->nvals; j++) {
                struct pnode *t = term_pred(p, fs[i], &q->vals[j], false, e);

                if (t == NULL) {
                    free(vl.v);
                    free(l.v);
                    return NULL;
                }
                plist_add(&vl, t);
            }
            k = p_any(p, &vl);
            break;
        }
        case DES_Q_RANGE:
            k = range_pred(p, fs[i], q->has_lo ? &q->lo : NULL,
                           q->has_hi ? &q->hi : NULL, q->incl_lo, q->incl_hi,
                           q->format, q->tz, e);
            break;
        default:
            k = pattern_pred(p, fs[i], q->kind == DES_Q_PREFIX, q->text.s,
                             q->ci, false, e);
            break;
        }
        if (k == NULL) {
            free(l.v);
            return NULL;
        }
        plist_add(&l, k);
    }
    return p_any(p, &l);
}

struct des_prog *des_prog_new(const struct des_query *q,
                              const struct des_world *w, int fam,
                              struct des_err *e)
{
    struct des_prog *p = xcalloc(1, sizeof(*p));

    p->w = w;
    p->fam = fam;
    p->root = compile(p, q, e);
    if (p->root == NULL) {
        des_prog_free(p);
        return NULL;
    }
    return p;
}

void des_prog_free(struct des_prog *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nnodes; i++) {
        free(p->nodes[i]->req);
        free(p->nodes[i]->opt);
        free(p->nodes[i]->neg);
        free(p->nodes[i]);
    }
    for (size_t i = 0; i < p->nleaves; i++) {
        struct leaf *l = p->leaves[i];

        for (size_t j = 0; j < l->ntok; j++)
            free(l->toks[j]);
        free(l->toks);
        free(l->slo);
        free(l->shi);
        free(l->memo);
        for (int j = 0; j < DES_MAX_POOLS; j++) {
            free(l->pbits[j]);
            free(l->psegs[j]);
        }
        free(l->hbits);
        free(l->hsegs);
        free(l);
    }
    free(p->nodes);
    free(p->leaves);
    des_toks_free(&p->toks);
    buf_free(&p->scratch);
    free(p);
}

/* --- running -------------------------------------------------------------- */

/* Lucene's wildcard: * any run, ? one character, \ escapes. */
static bool glob(const char *p, const char *s)
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
                if (glob(p, s))
                    return true;
            return glob(p, s);
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
            return glob(l->toks[0], v);
        {
            char *a = des_lower(l->toks[0]), *b = des_lower(v);
            bool r = glob(a, b);

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
static bool str_test(struct des_prog *p, const struct leaf *l, const char **v,
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
        l->memo[vid] = n > 0 && str_test(p, l, v, n) ? 2 : 1;
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
