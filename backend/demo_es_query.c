/*
 * The query DSL of the demo's Elasticsearch, first phase (as ES's
 * coordinator and the lab's tests/lab/search/queries.py do it): read the
 * JSON into a des_query tree and reject malformed DSL with the
 * parsing_exception Elasticsearch gives (line and column included), an
 * unknown query name with "unknown query [x]" (and its did-you-mean), and
 * real queries the demo does not implement with an honest 400. Field
 * names are resolved later, per index family (demo_es_prog.c).
 *
 * Supported: bool, match_all, match_none, match, match_phrase, multi_match
 * (best_fields, most_fields, phrase), query_string, term, terms, exists,
 * range, prefix, wildcard, constant_score. This file: one parser per
 * query type; the values and checks they share are in
 * demo_es_query_check.c.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/xalloc.h"

/* Every query Elasticsearch 8 registers (for "unknown query"). */
static const char *const all_queries[] = {
    "bool",
    "boosting",
    "combined_fields",
    "constant_score",
    "dis_max",
    "distance_feature",
    "exists",
    "function_score",
    "fuzzy",
    "geo_bounding_box",
    "geo_distance",
    "geo_grid",
    "geo_polygon",
    "geo_shape",
    "has_child",
    "has_parent",
    "ids",
    "intervals",
    "knn",
    "match",
    "match_all",
    "match_bool_prefix",
    "match_none",
    "match_phrase",
    "match_phrase_prefix",
    "more_like_this",
    "multi_match",
    "nested",
    "parent_id",
    "percolate",
    "pinned",
    "prefix",
    "query_string",
    "range",
    "rank_feature",
    "regexp",
    "rule",
    "script",
    "script_score",
    "semantic",
    "shape",
    "simple_query_string",
    "span_containing",
    "span_field_masking",
    "span_first",
    "span_multi",
    "span_near",
    "span_not",
    "span_or",
    "span_term",
    "span_within",
    "sparse_vector",
    "term",
    "terms",
    "terms_set",
    "text_expansion",
    "weighted_tokens",
    "wildcard",
    "wrapper",
};
#define NQUERIES (sizeof(all_queries) / sizeof(all_queries[0]))

/* --- one query type each -------------------------------------------------- */

static struct des_query *parse_any(const cJSON *obj, struct des_err *e);

static const char *const match_opts[] = { "query",
                                          "analyzer",
                                          "operator",
                                          "minimum_should_match",
                                          "fuzziness",
                                          "prefix_length",
                                          "max_expansions",
                                          "fuzzy_transpositions",
                                          "lenient",
                                          "zero_terms_query",
                                          "auto_generate_synonyms_phrase_query",
                                          "boost",
                                          "_name",
                                          "fuzzy_rewrite",
                                          "cutoff_frequency",
                                          NULL };
static const char *const phrase_opts[] = {
    "query", "analyzer", "slop", "zero_terms_query", "boost", "_name", NULL
};

static struct des_query *p_match(const char *name, const cJSON *wrap,
                                 const cJSON *body, struct des_err *e)
{
    bool phrase = strcmp(name, "match_phrase") == 0;
    const cJSON *f = des_query_single_field(e, name, wrap, body), *spec, *v;
    struct des_query *q;

    if (f == NULL)
        return NULL;
    q = des_query_new(DES_Q_MATCH);
    q->phrase = phrase;
    q->field = xstrdup(f->string);
    spec = f;
    if (cJSON_IsArray(spec)) {
        des_fail_parsing(e, spec, false,
                         "[%s] unknown token [START_ARRAY] after [%s]", name,
                         f->string);
        goto bad;
    }
    if (!cJSON_IsObject(spec)) {
        if (!des_qval_read(spec, &q->text)) {
            des_fail_parsing(e, spec, false,
                             "[%s] unknown token [%s] after [%s]", name,
                             des_token_name(spec), f->string);
            goto bad;
        }
        return q;
    }
    if (des_query_check_keys(e, name, spec, phrase ? phrase_opts : match_opts) <
            0 ||
        des_query_check_analyzer(e, spec) < 0)
        goto bad;
    v = cJSON_GetObjectItemCaseSensitive(spec, "query");
    if (v == NULL || !des_qval_read(v, &q->text)) {
        des_fail_parsing(e, spec, false, "No text specified for text query");
        goto bad;
    }
    if (des_query_read_operator(e, name, spec, "operator", &q->op_and) < 0 ||
        des_query_check_msm(
            e, cJSON_GetObjectItemCaseSensitive(spec, "minimum_should_match"),
            &q->msm) < 0)
        goto bad;
    des_query_read_lenient(q, spec);
    v = cJSON_GetObjectItemCaseSensitive(spec, "zero_terms_query");
    if (v != NULL) {
        const char *z = cJSON_IsString(v) ? v->valuestring : "?";

        if (strcasecmp(z, "all") == 0) {
            des_unsupported(e, "zero_terms_query [all]");
            goto bad;
        }
        if (strcasecmp(z, "none") != 0) {
            des_fail_parsing(e, v, false,
                             "Unsupported zero_terms_query value [%s]", z);
            goto bad;
        }
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "slop");
    if (cJSON_IsNumber(v) && v->valuedouble != 0) {
        des_unsupported(e, "[slop] in the [%s] query", name);
        goto bad;
    }
    for (const char *const *k =
             (const char *const[]){ "fuzziness", "cutoff_frequency", NULL };
         *k != NULL; k++) {
        if (cJSON_HasObjectItem(spec, *k)) {
            des_unsupported(e, "[%s] in the [%s] query", *k, name);
            goto bad;
        }
    }
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static int read_fields(struct des_query *q, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        q->fields = xmalloc(sizeof(*q->fields));
        q->fields[q->nfields++] = xstrdup(v->valuestring);
        return 0;
    }
    if (!cJSON_IsArray(v))
        return -1;
    q->fields = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*q->fields));
    for (const cJSON *it = v->child; it != NULL; it = it->next) {
        if (!cJSON_IsString(it))
            return -1;
        q->fields[q->nfields++] = xstrdup(it->valuestring);
    }
    return 0;
}

static struct des_query *p_multi_match(const char *name, const cJSON *wrap,
                                       const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = { "fields", "type", "tie_breaker", "slop",
                                        NULL };
    static const char *const types[] = { "best_fields",   "most_fields",
                                         "cross_fields",  "phrase",
                                         "phrase_prefix", "bool_prefix" };
    struct des_query *q = des_query_new(DES_Q_MULTI);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "type"), *v;
    const char *type = cJSON_IsString(t) ? t->valuestring : "best_fields";
    bool known = false;

    (void)wrap;
    if (des_query_check_keys2(e, name, body, match_opts, opts) < 0 ||
        des_query_check_analyzer(e, body) < 0)
        goto bad;
    v = cJSON_GetObjectItemCaseSensitive(body, "query");
    if (v == NULL || !des_qval_read(v, &q->text)) {
        des_fail_parsing(e, body, false,
                         "No text specified for multi_match query");
        goto bad;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        known |= strcasecmp(type, types[i]) == 0;
    if (!known) {
        des_fail(e, 400,
                 des_causef("parse_exception",
                            "failed to parse [multi_match] query type [%s]. "
                            "unknown type.",
                            type));
        goto bad;
    }
    if (strcasecmp(type, "best_fields") != 0 &&
        strcasecmp(type, "most_fields") != 0 &&
        strcasecmp(type, "phrase") != 0) {
        des_unsupported(e, "multi_match type [%s]", type);
        goto bad;
    }
    q->phrase = strcasecmp(type, "phrase") == 0;
    if (des_query_read_operator(e, name, body, "operator", &q->op_and) < 0 ||
        des_query_check_msm(
            e, cJSON_GetObjectItemCaseSensitive(body, "minimum_should_match"),
            &q->msm) < 0)
        goto bad;
    des_query_read_lenient(q, body);
    v = cJSON_GetObjectItemCaseSensitive(body, "fields");
    if (v != NULL && read_fields(q, v) < 0) {
        des_fail_parsing(e, v, false, "[%s] query does not support [fields]",
                         name);
        goto bad;
    }
    if (cJSON_HasObjectItem(body, "fuzziness")) {
        des_unsupported(e, "[fuzziness] in the [multi_match] query");
        goto bad;
    }
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static struct des_query *p_query_string(const char *name, const cJSON *wrap,
                                        const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = { "query",
                                        "default_field",
                                        "fields",
                                        "default_operator",
                                        "analyzer",
                                        "quote_analyzer",
                                        "allow_leading_wildcard",
                                        "analyze_wildcard",
                                        "auto_generate_synonyms_phrase_query",
                                        "enable_position_increments",
                                        "escape",
                                        "fuzziness",
                                        "fuzzy_max_expansions",
                                        "fuzzy_prefix_length",
                                        "fuzzy_transpositions",
                                        "fuzzy_rewrite",
                                        "lenient",
                                        "max_determinized_states",
                                        "minimum_should_match",
                                        "phrase_slop",
                                        "quote_field_suffix",
                                        "rewrite",
                                        "time_zone",
                                        "type",
                                        "tie_breaker",
                                        "boost",
                                        "_name",
                                        NULL };
    struct des_query *q = des_query_new(DES_Q_QS);
    const cJSON *v;
    struct cJSON *cause = NULL;

    (void)wrap;
    if (des_query_check_keys(e, name, body, opts) < 0 ||
        des_query_check_analyzer(e, body) < 0)
        goto bad;
    v = cJSON_GetObjectItemCaseSensitive(body, "query");
    if (v == NULL || !des_qval_read(v, &q->text)) {
        des_fail_parsing(e, body, false,
                         "[query_string] must be provided with a [query]");
        goto bad;
    }
    if (cJSON_HasObjectItem(body, "quote_field_suffix")) {
        des_unsupported(e, "[quote_field_suffix] in query_string");
        goto bad;
    }
    v = cJSON_GetObjectItemCaseSensitive(body, "default_operator");
    if (v != NULL) {
        const char *op = cJSON_IsString(v) ? v->valuestring : "?";

        if (strcasecmp(op, "and") != 0 && strcasecmp(op, "or") != 0) {
            des_fail_parsing(e, v, true,
                             "[query_string] query does not support "
                             "[default_operator] value [%s]",
                             op);
            goto bad;
        }
        q->op_and = strcasecmp(op, "and") == 0;
    }
    v = cJSON_GetObjectItemCaseSensitive(body, "time_zone");
    if (cJSON_IsString(v) && des_zone(v->valuestring, &q->tz, &cause) < 0) {
        des_fail(e, 400, cause);
        goto bad;
    }
    v = cJSON_GetObjectItemCaseSensitive(body, "default_field");
    if (cJSON_IsString(v))
        q->default_field = xstrdup(v->valuestring);
    v = cJSON_GetObjectItemCaseSensitive(body, "fields");
    if (v != NULL && read_fields(q, v) < 0) {
        des_fail_parsing(e, v, false,
                         "[query_string] query does not support [fields]");
        goto bad;
    }
    des_query_read_lenient(q, body);
    q->analyze_wildcard = cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(body, "analyze_wildcard"));
    v = cJSON_GetObjectItemCaseSensitive(body, "allow_leading_wildcard");
    q->leading_wildcard = !cJSON_IsFalse(v);
    v = cJSON_GetObjectItemCaseSensitive(body, "phrase_slop");
    if (cJSON_IsNumber(v) && v->valuedouble != 0) {
        des_unsupported(e, "[phrase_slop] in query_string");
        goto bad;
    }
    if (des_query_check_msm(
            e, cJSON_GetObjectItemCaseSensitive(body, "minimum_should_match"),
            &q->msm) < 0)
        goto bad;
    return q;
bad:
    des_query_free(q);
    return NULL;
}

struct des_query *des_query_qs(const char *text, const char *df, bool op_and,
                               int lenient, bool analyze_wildcard)
{
    struct des_query *q = des_query_new(DES_Q_QS);

    q->text.s = xstrdup(text);
    q->default_field = df != NULL ? xstrdup(df) : NULL;
    q->op_and = op_and;
    q->lenient = lenient > 0;
    q->lenient_set = lenient >= 0;
    q->analyze_wildcard = analyze_wildcard;
    q->leading_wildcard = true;
    return q;
}

static struct des_query *p_term(const char *name, const cJSON *wrap,
                                const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = { "value", "boost", "_name",
                                        "case_insensitive", NULL };
    const cJSON *f = des_query_single_field(e, name, wrap, body), *v;
    struct des_query *q;

    if (f == NULL)
        return NULL;
    q = des_query_new(DES_Q_TERM);
    q->field = xstrdup(f->string);
    if (cJSON_IsArray(f)) {
        des_fail_parsing(e, f, false,
                         "[term] query does not support array of values");
        goto bad;
    }
    if (!cJSON_IsObject(f)) {
        if (!des_qval_read(f, &q->text)) {
            des_fail_parsing(e, f, false, "[term] query malformed, no value");
            goto bad;
        }
        return q;
    }
    if (des_query_check_keys(e, name, f, opts) < 0)
        goto bad;
    v = cJSON_GetObjectItemCaseSensitive(f, "value");
    if (v == NULL || !des_qval_read(v, &q->text)) {
        des_fail_parsing(e, f, false, "[term] query malformed, no value");
        goto bad;
    }
    q->ci =
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "case_insensitive"));
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static struct des_query *p_terms(const char *name, const cJSON *wrap,
                                 const cJSON *body, struct des_err *e)
{
    struct des_query *q = des_query_new(DES_Q_TERMS);

    (void)name;
    for (const cJSON *it = body->child; it != NULL; it = it->next) {
        if (des_query_is_meta(it->string))
            continue;
        if (cJSON_IsObject(it)) {
            des_unsupported(e, "the terms lookup");
            goto bad;
        }
        if (!cJSON_IsArray(it)) {
            des_fail_parsing(e, it, true, "[terms] query does not support [%s]",
                             it->string);
            goto bad;
        }
        if (q->field != NULL) {
            des_fail_parsing(e, it, true,
                             "[terms] query does not support multiple fields");
            goto bad;
        }
        q->field = xstrdup(it->string);
        q->vals = xcalloc((size_t)cJSON_GetArraySize(it) + 1, sizeof(*q->vals));
        for (const cJSON *v = it->child; v != NULL; v = v->next)
            if (des_qval_read(v, &q->vals[q->nvals]))
                q->nvals++;
    }
    if (q->field == NULL) {
        des_fail_parsing(e, wrap, false,
                         "[terms] query requires a field name, followed by "
                         "array of terms or a document lookup specification");
        goto bad;
    }
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static struct des_query *p_exists(const char *name, const cJSON *wrap,
                                  const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = { "field", "boost", "_name", NULL };
    const cJSON *f;
    struct des_query *q;

    (void)wrap;
    if (des_query_check_keys(e, name, body, opts) < 0)
        return NULL;
    f = cJSON_GetObjectItemCaseSensitive(body, "field");
    if (!cJSON_IsString(f)) {
        des_fail_parsing(e, body, false,
                         "[exists] must be provided with a "
                         "[field]");
        return NULL;
    }
    q = des_query_new(DES_Q_EXISTS);
    q->field = xstrdup(f->valuestring);
    return q;
}

static struct des_query *p_range(const char *name, const cJSON *wrap,
                                 const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = {
        "from",  "to",  "include_lower", "include_upper", "gt",       "gte",
        "lt",    "lte", "time_zone",     "format",        "relation", "boost",
        "_name", NULL
    };
    const cJSON *f = des_query_single_field(e, name, wrap, body), *v;
    struct des_query *q;
    struct cJSON *cause = NULL;

    if (f == NULL)
        return NULL;
    if (!cJSON_IsObject(f)) {
        des_fail_parsing(e, f, true, "[range] query does not support [%s]",
                         f->string);
        return NULL;
    }
    if (des_query_check_keys(e, name, f, opts) < 0)
        return NULL;
    q = des_query_new(DES_Q_RANGE);
    q->field = xstrdup(f->string);
    q->incl_lo = q->incl_hi = true;
    for (const cJSON *it = f->child; it != NULL; it = it->next) {
        const char *k = it->string;
        bool lo = strcmp(k, "from") == 0 || strcmp(k, "gt") == 0 ||
                  strcmp(k, "gte") == 0;
        bool hi = strcmp(k, "to") == 0 || strcmp(k, "lt") == 0 ||
                  strcmp(k, "lte") == 0;

        if (lo || hi) {
            struct des_qval *dst = lo ? &q->lo : &q->hi;

            des_qval_free(dst);
            if (lo)
                q->has_lo = des_qval_read(it, dst);
            else
                q->has_hi = des_qval_read(it, dst);
            if (strcmp(k, "gt") == 0 || strcmp(k, "gte") == 0)
                q->incl_lo = k[2] == 'e';
            if (strcmp(k, "lt") == 0 || strcmp(k, "lte") == 0)
                q->incl_hi = k[2] == 'e';
        } else if (strcmp(k, "include_lower") == 0) {
            q->incl_lo = cJSON_IsTrue(it);
        } else if (strcmp(k, "include_upper") == 0) {
            q->incl_hi = cJSON_IsTrue(it);
        }
    }
    v = cJSON_GetObjectItemCaseSensitive(f, "relation");
    if (v != NULL &&
        !(cJSON_IsString(v) && (strcasecmp(v->valuestring, "intersects") == 0 ||
                                strcasecmp(v->valuestring, "within") == 0 ||
                                strcasecmp(v->valuestring, "contains") == 0))) {
        des_fail_parsing(e, v, true,
                         "[range] query does not support relation "
                         "[%s]",
                         cJSON_IsString(v) ? v->valuestring : "?");
        goto bad;
    }
    v = cJSON_GetObjectItemCaseSensitive(f, "format");
    if (cJSON_IsString(v)) {
        if (des_format_check(v->valuestring, &cause) < 0) {
            des_fail(e, 400, cause);
            goto bad;
        }
        q->format = xstrdup(v->valuestring);
    }
    v = cJSON_GetObjectItemCaseSensitive(f, "time_zone");
    if (cJSON_IsString(v) && des_zone(v->valuestring, &q->tz, &cause) < 0) {
        des_fail(e, 400, cause);
        goto bad;
    }
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static struct des_query *p_pattern(const char *name, const cJSON *wrap,
                                   const cJSON *body, struct des_err *e)
{
    static const char *const wopts[] = { "value",   "boost",
                                         "_name",   "case_insensitive",
                                         "rewrite", "wildcard",
                                         NULL };
    static const char *const popts[] = { "value",   "boost",
                                         "_name",   "case_insensitive",
                                         "rewrite", NULL };
    const cJSON *f = des_query_single_field(e, name, wrap, body), *v = NULL;
    bool wild = strcmp(name, "wildcard") == 0;
    struct des_query *q;

    if (f == NULL)
        return NULL;
    q = des_query_new(wild ? DES_Q_WILDCARD : DES_Q_PREFIX);
    q->field = xstrdup(f->string);
    if (cJSON_IsObject(f)) {
        if (des_query_check_keys(e, name, f, wild ? wopts : popts) < 0)
            goto bad;
        v = cJSON_GetObjectItemCaseSensitive(f, "value");
        if (v == NULL && wild)
            v = cJSON_GetObjectItemCaseSensitive(f, "wildcard");
        q->ci = cJSON_IsTrue(
            cJSON_GetObjectItemCaseSensitive(f, "case_insensitive"));
    } else {
        v = f;
    }
    if (v == NULL || !des_qval_read(v, &q->text)) {
        des_fail_parsing(e, wrap, false, "No value specified for %s query",
                         name);
        goto bad;
    }
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static int add_clause(struct des_query *b, int occ, const cJSON *v,
                      struct des_err *e)
{
    struct des_query *k = parse_any(v, e);

    if (k == NULL)
        return -1;
    b->kids = xreallocarray(b->kids, b->nkids + 1, sizeof(*b->kids));
    b->occ = xreallocarray(b->occ, b->nkids + 1, 1);
    b->kids[b->nkids] = k;
    b->occ[b->nkids++] = (uint8_t)occ;
    return 0;
}

static struct des_query *p_bool(const char *name, const cJSON *wrap,
                                const cJSON *body, struct des_err *e)
{
    static const char *const occ[] = { "must", "filter", "should", "must_not" };
    struct des_query *q = des_query_new(DES_Q_BOOL);
    bool pos = false, neg_or_filter = false;

    (void)name;
    (void)wrap;
    for (const cJSON *it = body->child; it != NULL; it = it->next) {
        int o = -1;

        for (int i = 0; i < 4; i++)
            if (strcmp(it->string, occ[i]) == 0)
                o = i;
        if (o >= 0 && cJSON_IsObject(it)) {
            if (add_clause(q, o, it, e) < 0)
                goto bad;
        } else if (o >= 0 && cJSON_IsArray(it)) {
            for (const cJSON *c = it->child; c != NULL; c = c->next)
                if (add_clause(q, o, c, e) < 0)
                    goto bad;
        } else if (strcmp(it->string, "minimum_should_match") == 0) {
            if (des_query_check_msm(e, it, &q->msm) < 0)
                goto bad;
        } else if (o >= 0 ||
                   (!des_query_is_meta(it->string) &&
                    strcmp(it->string, "adjust_pure_negative") != 0)) {
            des_fail_parsing(e, it, true, "[bool] query does not support [%s]",
                             it->string);
            goto bad;
        }
    }
    for (size_t i = 0; i < q->nkids; i++) {
        pos |= q->occ[i] == DES_Q_MUST || q->occ[i] == DES_Q_SHOULD;
        neg_or_filter |=
            q->occ[i] == DES_Q_FILTER || q->occ[i] == DES_Q_MUST_NOT;
    }
    q->scoring = pos || !neg_or_filter;
    return q;
bad:
    des_query_free(q);
    return NULL;
}

static struct des_query *p_constant_score(const char *name, const cJSON *wrap,
                                          const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = { "filter", "boost", "_name", NULL };
    const cJSON *f;
    struct des_query *q;

    if (des_query_check_keys(e, name, body, opts) < 0)
        return NULL;
    f = cJSON_GetObjectItemCaseSensitive(body, "filter");
    if (f == NULL) {
        des_fail_parsing(e, wrap, false,
                         "[constant_score] requires a 'filter' element");
        return NULL;
    }
    q = des_query_new(DES_Q_BOOL);
    if (add_clause(q, DES_Q_FILTER, f, e) < 0) {
        des_query_free(q);
        return NULL;
    }
    q->scoring = true; /* every hit scores the boost */
    return q;
}

static struct des_query *p_match_all(const char *name, const cJSON *wrap,
                                     const cJSON *body, struct des_err *e)
{
    static const char *const opts[] = { "boost", "_name", NULL };

    (void)wrap;
    if (des_query_check_keys(e, name, body, opts) < 0)
        return NULL;
    return des_query_new(strcmp(name, "match_all") == 0 ? DES_Q_ALL
                                                        : DES_Q_NONE);
}

typedef struct des_query *(*parse_fn)(const char *, const cJSON *,
                                      const cJSON *, struct des_err *);

static const struct {
    const char *name;
    parse_fn fn;
} parsers[] = {
    { "match_all", p_match_all },
    { "match_none", p_match_all },
    { "match", p_match },
    { "match_phrase", p_match },
    { "multi_match", p_multi_match },
    { "query_string", p_query_string },
    { "term", p_term },
    { "terms", p_terms },
    { "exists", p_exists },
    { "range", p_range },
    { "prefix", p_pattern },
    { "wildcard", p_pattern },
    { "bool", p_bool },
    { "constant_score", p_constant_score },
};

/* One query object: {"<name>": {...}}. */
static struct des_query *parse_any(const cJSON *obj, struct des_err *e)
{
    const cJSON *q = obj != NULL ? obj->child : NULL;
    const char *name;
    bool known = false;

    if (!cJSON_IsObject(obj)) {
        des_fail_parsing(e, obj, false,
                         "[_na] query malformed, must start with start_object");
        return NULL;
    }
    if (q == NULL)
        return des_query_new(
            DES_Q_ALL); /* ES reads an empty clause as match_all */
    name = q->string;
    if (q->next != NULL) {
        des_fail_parsing(e, q->next, true,
                         "[%s] malformed query, expected [END_OBJECT] but "
                         "found [FIELD_NAME]",
                         name);
        return NULL;
    }
    for (size_t i = 0; i < NQUERIES; i++)
        known |= strcmp(all_queries[i], name) == 0;
    if (!known) {
        char sugg[200];
        int line, col;
        cJSON *c;

        des_suggest(name, all_queries, NQUERIES, sugg, sizeof(sugg));
        des_locate(e, q, true, &line, &col);
        c = des_causef("parsing_exception", "unknown query [%s]%s", name, sugg);
        cJSON_AddNumberToObject(c, "line", line);
        cJSON_AddNumberToObject(c, "col", col);
        des_by(c, des_foreign(des_causef("named_object_not_found_exception",
                                         "[%d:%d] unknown field [%s]", line,
                                         col, name)));
        des_fail(e, 400, c);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
        if (strcmp(parsers[i].name, name) != 0)
            continue;
        if (!cJSON_IsObject(q) && strcmp(name, "match") != 0 &&
            strcmp(name, "match_phrase") != 0 && strcmp(name, "term") != 0) {
            des_fail_parsing(e, q, false,
                             "[%s] query malformed, no start_object after "
                             "query name",
                             name);
            return NULL;
        }
        return parsers[i].fn(name, obj, q, e);
    }
    des_unsupported(e, "the [%s] query", name);
    return NULL;
}

struct des_query *des_query_all(void)
{
    return des_query_new(DES_Q_ALL);
}

struct des_query *des_query_parse(const cJSON *q, struct des_err *e)
{
    return parse_any(q, e);
}
