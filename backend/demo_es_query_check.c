/*
 * The query DSL of the demo's Elasticsearch, first phase: the pieces every
 * query type's parser (demo_es_query.c) is made of. Query nodes and their
 * values (JSON scalars as Java prints them), minimum_should_match, and the
 * coordinator's checks: unknown keys, the one field of match, term,
 * range ..., analyzer, operator and lenient, each failing with the
 * parsing_exception Elasticsearch gives.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/xalloc.h"

struct des_query *des_query_new(int kind)
{
    struct des_query *q = xcalloc(1, sizeof(*q));

    q->kind = kind;
    q->scoring = true;
    q->slop = 0;
    return q;
}

void des_qval_free(struct des_qval *v)
{
    free(v->s);
    v->s = NULL;
}

void des_query_free(struct des_query *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->nkids; i++)
        des_query_free(q->kids[i]);
    free(q->kids);
    free(q->occ);
    free(q->field);
    free(q->msm);
    des_qval_free(&q->text);
    for (size_t i = 0; i < q->nfields; i++)
        free(q->fields[i]);
    free(q->fields);
    free(q->default_field);
    for (size_t i = 0; i < q->nvals; i++)
        des_qval_free(&q->vals[i]);
    free(q->vals);
    des_qval_free(&q->lo);
    des_qval_free(&q->hi);
    free(q->format);
    free(q);
}

/* Java's Double.toString for the values a query can carry. */
static char *num_text(double d)
{
    char s[40];

    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(s, sizeof(s), "%lld", (long long)d);
        return xstrdup(s);
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, d);
        if (strtod(s, NULL) == d)
            break;
    }
    return xstrdup(s);
}

/* A scalar value; false for objects, arrays and null. */
bool des_qval_read(const cJSON *v, struct des_qval *out)
{
    memset(out, 0, sizeof(*out));
    if (cJSON_IsString(v)) {
        out->s = xstrdup(v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        out->num = true;
        out->d = v->valuedouble;
        out->s = num_text(v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        out->boolean = true;
        out->s = xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    } else {
        return false;
    }
    return true;
}

long des_min_should_match(const char *spec, size_t n)
{
    char *end;
    double v;
    long res;

    if (spec == NULL || *spec == '\0' || strchr(spec, '<') != NULL ||
        strchr(spec, ' ') != NULL)
        return -1;
    v = strtod(spec, &end);
    if (end == spec)
        return -1;
    if (*end == '%' && end[1] == '\0') {
        res = v >= 0 ? (long)(n * v / 100.0) : (long)n + (long)(n * v / 100.0);
    } else if (*end == '\0' && v == floor(v)) {
        res = v >= 0 ? (long)v : (long)n + (long)v;
    } else {
        return -1;
    }
    if (res < 0)
        return 0;
    return res > (long)n ? (long)n : res;
}

/* --- checks ------------------------------------------------------------- */

static bool key_in(const char *k, const char *const *allowed)
{
    for (; *allowed != NULL; allowed++)
        if (strcmp(k, *allowed) == 0)
            return true;
    return false;
}

/* Keys must be in allowed (or in more, when given). */
int des_query_check_keys2(struct des_err *e, const char *name,
                          const cJSON *body, const char *const *allowed,
                          const char *const *more)
{
    for (const cJSON *it = body->child; it != NULL; it = it->next)
        if (!key_in(it->string, allowed) &&
            (more == NULL || !key_in(it->string, more)))
            return des_fail_parsing(e, it, true,
                                    "[%s] query does not support [%s]", name,
                                    it->string);
    return 0;
}

int des_query_check_keys(struct des_err *e, const char *name, const cJSON *body,
                         const char *const *allowed)
{
    return des_query_check_keys2(e, name, body, allowed, NULL);
}

bool des_query_is_meta(const char *k)
{
    return strcmp(k, "boost") == 0 || strcmp(k, "_name") == 0;
}

/* The one field of match, term, range ...; its spec in *spec. */
const cJSON *des_query_single_field(struct des_err *e, const char *name,
                                    const cJSON *wrap, const cJSON *body)
{
    const cJSON *first = NULL;

    if (!cJSON_IsObject(body)) {
        des_fail_parsing(e, body, false,
                         "[%s] query malformed, no start_object after query "
                         "name",
                         name);
        return NULL;
    }
    for (const cJSON *it = body->child; it != NULL; it = it->next) {
        if (des_query_is_meta(it->string))
            continue;
        if (first != NULL) {
            des_fail_parsing(e, it, true,
                             "[%s] query doesn't support multiple fields, "
                             "found [%s] and [%s]",
                             name, first->string, it->string);
            return NULL;
        }
        first = it;
    }
    if (first == NULL) {
        if (strcmp(name, "term") == 0)
            des_fail_parsing(e, wrap, false,
                             "[term] query malformed, no field");
        else
            des_fail_parsing(e, wrap, false,
                             "[%s] query doesn't support multiple fields, "
                             "found none",
                             name);
    }
    return first;
}

int des_query_check_analyzer(struct des_err *e, const cJSON *spec)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(spec, "analyzer");

    if (a != NULL &&
        !(cJSON_IsString(a) && (strcmp(a->valuestring, "standard") == 0 ||
                                strcmp(a->valuestring, "default") == 0)))
        return des_unsupported(e, "the [%s] analyzer",
                               cJSON_IsString(a) ? a->valuestring : "?");
    return 0;
}

int des_query_check_msm(struct des_err *e, const cJSON *v, char **out)
{
    char *s;

    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (cJSON_IsNumber(v))
        s = num_text(v->valuedouble);
    else if (cJSON_IsString(v))
        s = xstrdup(v->valuestring);
    else
        return des_fail(e, 400,
                        des_cause("illegal_argument_exception",
                                  "Invalid minimum_should_match"));
    if (des_min_should_match(s, 1) < 0) {
        if (strchr(s, '<') != NULL || strchr(s, ' ') != NULL) {
            des_unsupported(e, "conditional minimum_should_match [%s]", s);
        } else {
            des_fail(e, 400,
                     des_causef("illegal_argument_exception",
                                "Invalid minimum_should_match [%s]", s));
        }
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* operator: "or" or "and" (any case). */
int des_query_read_operator(struct des_err *e, const char *name,
                            const cJSON *spec, const char *key, bool *and_op)
{
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(spec, key);

    *and_op = false;
    if (op == NULL)
        return 0;
    if (cJSON_IsString(op) && strcasecmp(op->valuestring, "and") == 0) {
        *and_op = true;
        return 0;
    }
    if (cJSON_IsString(op) && strcasecmp(op->valuestring, "or") == 0)
        return 0;
    return des_fail_parsing(e, op, true,
                            "[%s] query does not support [%s] value [%s]", name,
                            key, cJSON_IsString(op) ? op->valuestring : "?");
}

void des_query_read_lenient(struct des_query *q, const cJSON *spec)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(spec, "lenient");

    if (cJSON_IsBool(l)) {
        q->lenient = cJSON_IsTrue(l);
        q->lenient_set = true;
    }
}
