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
 *
 * This file: the nodes and leaves of a program, the fields a name
 * resolves to, and the leaves of each query type; demo_es_prog_compile.c
 * compiles queries into them, demo_es_prog_run.c runs them.
 */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_prog_int.h"
#include "backend/xalloc.h"

/* --- building ------------------------------------------------------------- */

struct pnode *des_prog_node(struct des_prog *p, int kind)
{
    struct pnode *n = xcalloc(1, sizeof(*n));

    n->kind = kind;
    p->nodes = xreallocarray(p->nodes, p->nnodes + 1, sizeof(*p->nodes));
    p->nodes[p->nnodes++] = n;
    return n;
}

void des_plist_add(struct plist *l, struct pnode *n)
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
        out = des_prog_node(p, neutral);
    else if (out == NULL && k == 1)
        out = l->v[0];
    if (out != NULL) {
        free(l->v);
    } else {
        out = des_prog_node(p, PN_BOOL);
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

struct pnode *des_prog_any(struct des_prog *p, struct plist *l)
{
    return p_fold(p, l, true);
}

struct pnode *des_prog_all(struct des_prog *p, struct plist *l)
{
    return p_fold(p, l, false);
}

struct pnode *des_prog_at_least(struct des_prog *p, struct plist *l, long n)
{
    struct pnode *out;

    if (n <= 0 || (size_t)n > l->n) {
        free(l->v);
        l->v = NULL;
        l->n = 0;
        return des_prog_node(p, n <= 0 ? PN_TRUE : PN_FALSE);
    }
    if (n == 1)
        return des_prog_any(p, l);
    out = des_prog_node(p, PN_BOOL);
    out->opt = l->v;
    out->nopt = l->n;
    out->need = (size_t)n;
    l->v = NULL;
    l->n = 0;
    return out;
}

/* pos and none of neg (taken). */
struct pnode *des_prog_and_not(struct des_prog *p, struct pnode *pos,
                               struct plist *neg)
{
    struct pnode *any, *out;

    if (neg->n == 0) {
        free(neg->v);
        return pos;
    }
    any = des_prog_any(p, neg);
    if (any->kind == PN_FALSE)
        return pos;
    if (any->kind == PN_TRUE || pos->kind == PN_FALSE)
        return des_prog_node(p, PN_FALSE);
    out = des_prog_node(p, PN_BOOL);
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

            l->memo[vid] = k > 0 && des_prog_str_test(p, l, v, k) ? 2 : 1;
            any |= l->memo[vid] == 2;
        }
        if (!any)
            return des_prog_node(p, PN_FALSE);
    }
    n = des_prog_node(p, PN_LEAF);
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

/* Could a pattern (a prefix: pattern*) match a token of a time? */
static bool pattern_time_like(const char *pat, bool prefix)
{
    static const char *const words[] = { "jan", "feb", "mar", "apr", "may",
                                         "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec", "utc" };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (prefix ? strncmp(words[i], pat, strlen(pat)) == 0
                   : des_prog_glob(pat, words[i]))
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
struct pnode *des_prog_token_leaf(struct des_prog *p, const struct des_field *f,
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
size_t des_prog_resolve(const struct des_prog *p, const char *pat,
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
size_t des_prog_expand(const struct des_prog *p, char *const *names,
                       size_t nnames, const struct des_field **out, size_t max)
{
    size_t k = 0;

    if (nnames == 0)
        return des_prog_resolve(p, "*", out, max);
    for (size_t i = 0; i < nnames; i++) {
        char *name = xstrdup(names[i]), *caret = strchr(name, '^');
        const struct des_field *got[32];
        size_t n;

        if (caret != NULL)
            *caret = '\0';
        n = des_prog_resolve(p, name, got, 32);
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
struct pnode *des_prog_term(struct des_prog *p, const struct des_field *f,
                            const struct des_qval *v, bool ci,
                            struct des_err *e)
{
    struct leaf *l;
    cJSON *cause = NULL;
    double d;

    switch (f->type) {
    case DES_F_TEXT:
        return des_prog_token_leaf(p, f, v->s, ci);
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
            return des_prog_node(p, PN_FALSE);
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
struct pnode *des_prog_analyzed(struct des_prog *p, const struct des_field *f,
                                const struct des_qval *v, bool and_op,
                                const char *msm, bool lenient, bool quoted,
                                struct des_err *e)
{
    struct plist l = { 0 };
    struct pnode *out;

    if (f->type != DES_F_TEXT) {
        struct des_err sub = { 0 };

        out = des_prog_term(p, f, v, false, &sub);
        if (out == NULL && lenient) {
            cJSON_Delete(sub.cause);
            return des_prog_node(p, PN_FALSE);
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
            out = des_prog_node(p, PN_FALSE);
        else if (quoted && t.n > 1)
            out = phrase_leaf(p, f, &t);
        for (size_t i = 0; t.n > 0 && !(quoted && t.n > 1) && i < t.n; i++)
            des_plist_add(&l, des_prog_token_leaf(p, f, des_tok(&t, i), false));
        need = msm != NULL ? des_min_should_match(msm, t.n) : 1;
        des_toks_free(&t);
        if (l.n == 0)
            return out;
        if (and_op)
            return des_prog_all(p, &l);
        return des_prog_at_least(p, &l, need < 1 ? 1 : need);
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

struct pnode *des_prog_range(struct des_prog *p, const struct des_field *f,
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

struct pnode *des_prog_pattern(struct des_prog *p, const struct des_field *f,
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

struct pnode *des_prog_exists(struct des_prog *p, const char *pat)
{
    const struct des_field *fs[64];
    struct plist l = { 0 };
    size_t n;

    if (strcmp(pat, "_id") == 0 || strcmp(pat, "_index") == 0 ||
        strcmp(pat, "_source") == 0)
        return des_prog_node(p, PN_TRUE);
    n = des_prog_resolve(p, pat, fs, 64);
    if (n == 0 && strchr(pat, '*') == NULL) {
        /* An object path: any leaf below it. */
        char *sub = xasprintf("%s.*", pat);

        n = des_prog_resolve(p, sub, fs, 64);
        free(sub);
    }
    for (size_t i = 0; i < n; i++)
        des_plist_add(&l, leaf_node(p, leaf_new(p, OP_EXISTS, fs[i])));
    return des_prog_any(p, &l);
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
