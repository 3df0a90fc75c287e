/*
 * Compiling a parsed query (demo_es_query.c) for one family of indices:
 * the DSL's queries each to their leaves (demo_es_prog.c), and
 * query_string's Lucene tree (demo_es_lucene.c) as QueryStringQueryParser
 * builds it, its syntax errors and what the demo does not support failing
 * every shard.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_prog_int.h"
#include "backend/xalloc.h"

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

                return des_prog_range(p, f, lo ? &b : NULL, lo ? NULL : &b,
                                      i == 0, i == 1, NULL, o->tz, e);
            }
        }
        v.s = nd->text;
        return des_prog_analyzed(p, f, &v, o->op_and, NULL, lenient, false, e);
    }
    case DES_L_QUOTED:
        if (nd->slop > 0) {
            qs_unsupported(e, "phrase slop in query_string");
            return NULL;
        }
        v.s = nd->text;
        return des_prog_analyzed(p, f, &v, o->op_and, NULL, lenient, true, e);
    case DES_L_RANGE: {
        struct des_qval lo = { nd->lower, false, false, 0 };
        struct des_qval hi = { nd->upper, false, false, 0 };

        return des_prog_range(p, f, nd->lower != NULL ? &lo : NULL,
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
                des_plist_add(&l,
                              des_prog_token_leaf(p, f, des_tok(&t, i), false));
            if (t.n > 0)
                des_plist_add(&l,
                              des_prog_pattern(p, f, true, des_tok(&t, t.n - 1),
                                               false, false, e));
            des_toks_free(&t);
            return o->op_and ? des_prog_all(p, &l) : des_prog_any(p, &l);
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
        r = des_prog_pattern(p, f, prefix, nd->text, false, true, e);
        if (r == NULL && lenient) {
            cJSON_Delete(e->cause);
            memset(e, 0, sizeof(*e));
            return des_prog_node(p, PN_FALSE);
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
            des_plist_add(nd->occur[i] == DES_MUST     ? &must
                          : nd->occur[i] == DES_SHOULD ? &should
                                                       : &neg,
                          k);
        }
        need = msm != NULL ? des_min_should_match(msm, should.n)
                           : should.n > 0 && must.n == 0;
        if (should.n > 0 && need > 0)
            des_plist_add(&must, des_prog_at_least(p, &should, need));
        free(should.v);
        pos = des_prog_all(p, &must);
        return des_prog_and_not(p, pos, &neg);
    }
    if (nd->field != NULL && strcmp(nd->field, "_exists_") == 0)
        return des_prog_exists(p, nd->text);
    if (nd->kind == DES_L_WILDCARD && strcmp(nd->text, "*") == 0) {
        if (nd->field == NULL || strcmp(nd->field, "*") == 0)
            return des_prog_node(p, PN_TRUE);
        return des_prog_exists(p, nd->field);
    }
    if (nd->field != NULL &&
        (strcmp(nd->field, "_id") == 0 || strcmp(nd->field, "_index") == 0)) {
        qs_unsupported(e, "queries on _id and _index");
        return NULL;
    }
    if (nd->field == NULL) {
        if (o->nfields > 0)
            n = des_prog_expand(p, o->fields, o->nfields, fs, 64);
        else if (o->default_field != NULL)
            n = des_prog_expand(p, &o->default_field, 1, fs, 64);
        else
            n = des_prog_resolve(p, "*", fs, 64);
        lenient = p->qs_lenient;
    } else if (strcmp(nd->field, "*") == 0) {
        n = des_prog_resolve(p, "*", fs, 64);
        lenient = true;
    } else if (strchr(nd->field, '*') != NULL) {
        n = des_prog_resolve(p, nd->field, fs, 64);
        lenient = p->qs_lenient;
    } else {
        n = des_prog_resolve(p, nd->field, fs, 64);
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
        des_plist_add(&l, k);
    }
    return des_prog_any(p, &l);
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
        return des_prog_node(p, PN_FALSE); /* no terms: matches nothing */
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
        des_plist_add(q->occ[i] == DES_Q_SHOULD     ? &opt
                      : q->occ[i] == DES_Q_MUST_NOT ? &neg
                                                    : &req,
                      k);
    }
    need = q->msm != NULL ? des_min_should_match(q->msm, opt.n)
                          : opt.n > 0 && req.n == 0;
    if (opt.n > 0 && need > 0)
        des_plist_add(&req, des_prog_at_least(p, &opt, need));
    free(opt.v);
    return des_prog_and_not(p, des_prog_all(p, &req), &neg);
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
        return des_prog_node(p, PN_TRUE);
    case DES_Q_NONE:
        return des_prog_node(p, PN_FALSE);
    case DES_Q_BOOL:
        return compile_bool(p, q, e);
    case DES_Q_QS:
        return compile_qs(p, q, e);
    case DES_Q_EXISTS:
        return des_prog_exists(p, q->field);
    case DES_Q_MULTI:
        n = des_prog_expand(p, q->fields, q->nfields, fs, 64);
        break;
    default:
        n = des_prog_resolve(p, q->field, fs, 64);
        break;
    }
    for (size_t i = 0; i < n; i++) {
        struct pnode *k = NULL;
        bool star = q->nfields == 0;

        for (size_t j = 0; j < q->nfields; j++)
            star |= strchr(q->fields[j], '*') != NULL;
        switch (q->kind) {
        case DES_Q_MATCH:
            k = des_prog_analyzed(p, fs[i], &q->text, q->op_and, q->msm,
                                  q->lenient_set && q->lenient, q->phrase, e);
            break;
        case DES_Q_MULTI:
            k = des_prog_analyzed(p, fs[i], &q->text, q->op_and, q->msm,
                                  q->lenient_set ? q->lenient : star, q->phrase,
                                  e);
            break;
        case DES_Q_TERM:
            k = des_prog_term(p, fs[i], &q->text, q->ci, e);
            break;
        case DES_Q_TERMS: {
            struct plist vl = { 0 };

            for (size_t j = 0; j < q->nvals; j++) {
                struct pnode *t =
                    des_prog_term(p, fs[i], &q->vals[j], false, e);

                if (t == NULL) {
                    free(vl.v);
                    free(l.v);
                    return NULL;
                }
                des_plist_add(&vl, t);
            }
            k = des_prog_any(p, &vl);
            break;
        }
        case DES_Q_RANGE:
            k = des_prog_range(p, fs[i], q->has_lo ? &q->lo : NULL,
                               q->has_hi ? &q->hi : NULL, q->incl_lo,
                               q->incl_hi, q->format, q->tz, e);
            break;
        default:
            k = des_prog_pattern(p, fs[i], q->kind == DES_Q_PREFIX, q->text.s,
                                 q->ci, false, e);
            break;
        }
        if (k == NULL) {
            free(l.v);
            return NULL;
        }
        des_plist_add(&l, k);
    }
    return des_prog_any(p, &l);
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
