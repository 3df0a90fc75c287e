/*
 * The demo site's Elasticsearch 8 API: POST|GET /<indices>/_search and
 * /<indices>/_count over the demo's log documents (demo_es_docs.c), with
 * the request checks and error bodies Elasticsearch has, after the lab's
 * tests/lab/search/{engine,search,errors}.py.
 *
 * Index expressions: comma lists, * patterns, -exclusions and _all over
 * the day indices that exist (the last DES_DAYS days of both families); a
 * pattern that matches nothing is a 200 with _shards.total 0 (§2.6), a
 * concrete name that does not exist a 404 index_not_found_exception
 * (§3.4). Body errors are parsing_exception and x_content_parse_exception
 * with line and column; errors running the query fail every shard
 * (search_phase_execution_exception, §3.2). What Elasticsearch supports and
 * the demo does not is an illegal_argument_exception that says so.
 */
#include <cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/demo_es.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

/* --- error causes --------------------------------------------------------- */

cJSON *des_cause(const char *type, const char *reason)
{
    cJSON *c = cJSON_CreateObject();

    cJSON_AddStringToObject(c, "type", type);
    if (reason != NULL)
        cJSON_AddStringToObject(c, "reason", reason);
    else
        cJSON_AddNullToObject(c, "reason");
    return c;
}

cJSON *des_causef(const char *type, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;
    cJSON *c;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    s = xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    c = des_cause(type, s);
    free(s);
    return c;
}

cJSON *des_foreign(cJSON *c)
{
    cJSON_AddTrueToObject(c, "_foreign");
    return c;
}

cJSON *des_by(cJSON *c, cJSON *inner)
{
    cJSON_AddItemToObject(c, "caused_by", inner);
    return c;
}

int des_fail(struct des_err *e, int status, cJSON *cause)
{
    cJSON_Delete(e->cause);
    e->status = status;
    e->cause = cause;
    e->shard = false;
    return -1;
}

int des_fail_shard(struct des_err *e, cJSON *cause)
{
    des_fail(e, 400, cause);
    e->shard = true;
    return -1;
}

/* The offsets of the key and the value of the n-th value (pre-order). */
static bool scan(const char *s, size_t *i, long *count, long target,
                 size_t key_at, size_t *kout, size_t *vout)
{
    size_t k;

    *i += strspn(s + *i, " \t\r\n");
    if ((*count)++ == target) {
        *kout = key_at;
        *vout = *i;
        return true;
    }
    if (s[*i] == '{' || s[*i] == '[') {
        bool obj = s[(*i)++] == '{';

        for (;;) {
            *i += strspn(s + *i, " \t\r\n,");
            if (s[*i] == '\0' || s[*i] == '}' || s[*i] == ']') {
                if (s[*i] != '\0')
                    (*i)++;
                return false;
            }
            k = *i;
            if (obj) {
                scan(s, i, &(long){ 0 }, -1, 0, kout, vout); /* the key */
                *i += strspn(s + *i, " \t\r\n:");
            }
            if (scan(s, i, count, target, obj ? k : (size_t)-1, kout, vout))
                return true;
        }
    }
    if (s[*i] == '"') {
        for ((*i)++; s[*i] != '\0' && s[*i] != '"'; (*i)++)
            if (s[*i] == '\\' && s[*i + 1] != '\0')
                (*i)++;
        if (s[*i] == '"')
            (*i)++;
        return false;
    }
    while (s[*i] != '\0' && strchr(",]} \t\r\n", s[*i]) == NULL)
        (*i)++;
    return false;
}

static bool preorder(const cJSON *n, const cJSON *target, long *idx)
{
    if (n == target)
        return true;
    (*idx)++;
    for (const cJSON *c = n->child; c != NULL; c = c->next)
        if (preorder(c, target, idx))
            return true;
    return false;
}

void des_locate(const struct des_err *e, const cJSON *item, bool key, int *line,
                int *col)
{
    long idx = 0, count = 0;
    size_t i = 0, k = (size_t)-1, v = 0, at;

    *line = *col = 1;
    if (e == NULL || e->body == NULL || e->root == NULL || item == NULL ||
        !preorder(e->root, item, &idx) ||
        !scan(e->body, &i, &count, idx, (size_t)-1, &k, &v))
        return;
    at = key && k != (size_t)-1 ? k : v;
    for (size_t j = 0; j < at; j++) {
        if (e->body[j] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

int des_fail_parsing(struct des_err *e, const cJSON *item, bool key,
                     const char *fmt, ...)
{
    va_list ap;
    char reason[600];
    int line, col;
    cJSON *c;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    des_locate(e, item, key, &line, &col);
    c = des_cause("parsing_exception", reason);
    cJSON_AddNumberToObject(c, "line", line);
    cJSON_AddNumberToObject(c, "col", col);
    return des_fail(e, 400, c);
}

int des_fail_xcontent(struct des_err *e, const cJSON *item, bool key,
                      const char *reason, cJSON *caused_by)
{
    int line, col;
    cJSON *c;

    des_locate(e, item, key, &line, &col);
    c = des_causef("x_content_parse_exception", "[%d:%d] %s", line, col,
                   reason);
    if (caused_by != NULL)
        des_by(c, caused_by);
    return des_fail(e, 400, c);
}

cJSON *des_unsupported_cause(const char *what)
{
    return des_foreign(des_causef("illegal_argument_exception",
                                  "mctop demo site: %s is not supported by "
                                  "the demo's stand-in for Elasticsearch",
                                  what));
}

int des_unsupported(struct des_err *e, const char *fmt, ...)
{
    va_list ap;
    char what[400];

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return des_fail(e, 400, des_unsupported_cause(what));
}

static size_t lev(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

    if (lb >= 63)
        return la > lb ? la : lb;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

            cur[j] =
                del < ins ? (del < sub ? del : sub) : (ins < sub ? ins : sub);
        }
        memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
    }
    return prev[lb];
}

/* SuggestingErrorOnUnknown: known names > 0.7 similar, best first. */
void des_suggest(const char *name, const char *const *known, size_t n,
                 char *out, size_t len)
{
    const char *pick[16];
    double sim[16];
    size_t k = 0;
    struct buf b = { 0 };

    *out = '\0';
    for (size_t i = 0; i < n && k < 16; i++) {
        size_t m =
            strlen(known[i]) > strlen(name) ? strlen(known[i]) : strlen(name);
        double s = 1.0 - (double)lev(name, known[i]) / (double)(m ? m : 1);

        if (s <= 0.7)
            continue;
        pick[k] = known[i];
        sim[k++] = s;
        for (size_t j = k - 1; j > 0 && (sim[j] > sim[j - 1] ||
                                         (sim[j] == sim[j - 1] &&
                                          strcmp(pick[j], pick[j - 1]) < 0));
             j--) {
            const char *tp = pick[j];
            double ts = sim[j];

            pick[j] = pick[j - 1];
            sim[j] = sim[j - 1];
            pick[j - 1] = tp;
            sim[j - 1] = ts;
        }
    }
    if (k == 0)
        return;
    if (k == 1) {
        buf_printf(&b, " did you mean [%s]?", pick[0]);
    } else {
        buf_puts(&b, " did you mean any of [");
        for (size_t i = 0; i < k; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", pick[i]);
        buf_puts(&b, "]?");
    }
    snprintf(out, len, "%s", b.data);
    buf_free(&b);
}

const char *des_token_name(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "START_OBJECT";
    if (cJSON_IsArray(v))
        return "START_ARRAY";
    if (cJSON_IsBool(v))
        return "VALUE_BOOLEAN";
    if (cJSON_IsNumber(v))
        return "VALUE_NUMBER";
    if (cJSON_IsNull(v) || v == NULL)
        return "VALUE_NULL";
    return "VALUE_STRING";
}

/* --- error bodies ------------------------------------------------------- */

static bool foreign(const cJSON *c)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "_foreign"));
}

/* ES's guessRootCauses: follow caused_by while it is an ES exception. */
static const cJSON *root_of(const cJSON *c)
{
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "caused_by");

    return in != NULL && !foreign(in) ? root_of(in) : c;
}

/* A stable index_uuid for an index name. */
static void index_uuid(const char *name, char out[23])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint64_t h = 1469598103934665603ull, a, b;

    for (const char *p = name; *p != '\0'; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    a = demo_mix(h);
    b = demo_mix(a);
    for (int i = 0; i < 22; i++) {
        uint64_t *src = i < 10 ? &a : &b;

        out[i] = b64[*src & 63];
        *src >>= 6;
    }
    out[22] = '\0';
}

/*
 * The members of a cause: type, reason, the index (of a
 * query_shard_exception), its metadata, and its caused_by chain.
 */
static void put_members(struct buf *b, const cJSON *c, const char *index,
                        bool chain)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
    bool first = true;
    char *s;

    for (const cJSON *it = c->child; it != NULL; it = it->next) {
        if (strcmp(it->string, "_foreign") == 0 ||
            (strcmp(it->string, "caused_by") == 0 && !chain))
            continue;
        if (!first)
            buf_putc(b, ',');
        first = false;
        des_json_str(b, it->string, strlen(it->string));
        buf_putc(b, ':');
        if (strcmp(it->string, "caused_by") == 0) {
            buf_putc(b, '{');
            put_members(b, it, NULL, true);
            buf_putc(b, '}');
        } else {
            s = cJSON_PrintUnformatted(it);
            buf_puts(b, s);
            free(s);
        }
        if (strcmp(it->string, "reason") == 0 && index != NULL &&
            cJSON_IsString(t) &&
            strcmp(t->valuestring, "query_shard_exception") == 0) {
            char uuid[23];

            index_uuid(index, uuid);
            buf_printf(b, ",\"index_uuid\":\"%s\",\"index\":", uuid);
            des_json_str(b, index, strlen(index));
        }
    }
}

static void put_cause(struct buf *b, const cJSON *c, const char *index,
                      bool chain)
{
    buf_putc(b, '{');
    put_members(b, c, index, chain);
    buf_putc(b, '}');
}

void des_error_body(struct buf *b, int status, const cJSON *c)
{
    buf_puts(b, "{\"error\":{\"root_cause\":[");
    put_cause(b, root_of(c), NULL, false);
    buf_puts(b, "],");
    put_members(b, c, NULL, true);
    buf_printf(b, "},\"status\":%d}", status);
}

void des_all_shards_failed(struct buf *b, const cJSON *const *causes,
                           char *const *names, size_t n)
{
    buf_puts(b, "{\"error\":{\"root_cause\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_putc(b, ',');
        put_cause(b, root_of(causes[i]), names[i], false);
    }
    buf_puts(b, "],\"type\":\"search_phase_execution_exception\",\"reason\":"
                "\"all shards failed\",\"phase\":\"query\",\"grouped\":true,"
                "\"failed_shards\":[");
    des_shard_failures(b, causes, names, n);
    buf_puts(b, "],\"caused_by\":");
    put_cause(b, causes[0], names[0], true);
    buf_puts(b, "},\"status\":400}");
}

void des_shard_failures(struct buf *b, const cJSON *const *causes,
                        char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_putc(b, ',');
        buf_puts(b, "{\"shard\":0,\"index\":");
        des_json_str(b, names[i], strlen(names[i]));
        buf_puts(b, ",\"node\":\"" DES_NODE_ID "\",\"reason\":");
        put_cause(b, causes[i], names[i], true);
        buf_putc(b, '}');
    }
}

/* --- requests ------------------------------------------------------------- */

/* URL parameters RestSearchAction accepts (others are a 400). */
static const char *const search_params[] = {
    "allow_no_indices",
    "allow_partial_search_results",
    "analyzer",
    "analyze_wildcard",
    "batched_reduce_size",
    "ccs_minimize_roundtrips",
    "default_operator",
    "df",
    "docvalue_fields",
    "expand_wildcards",
    "explain",
    "from",
    "ignore_throttled",
    "ignore_unavailable",
    "lenient",
    "max_concurrent_shard_requests",
    "pre_filter_shard_size",
    "preference",
    "q",
    "request_cache",
    "rest_total_hits_as_int",
    "routing",
    "scroll",
    "search_type",
    "seq_no_primary_term",
    "size",
    "sort",
    "_source",
    "_source_excludes",
    "_source_includes",
    "stats",
    "stored_fields",
    "suggest_field",
    "suggest_mode",
    "suggest_size",
    "suggest_text",
    "terminate_after",
    "timeout",
    "track_scores",
    "track_total_hits",
    "typed_keys",
    "version",
    "include_named_queries_score",
    "force_synthetic_source",
    "keep_alive",
    "index",
};
#define NPARAMS (sizeof(search_params) / sizeof(search_params[0]))

struct params {
    char **k, **v;
    size_t n;
};

static const char *param(const struct params *p, const char *k)
{
    const char *v = NULL;

    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->k[i], k) == 0)
            v = p->v[i];
    return v;
}

static void params_parse(struct params *p, const char *q)
{
    while (q != NULL && *q != '\0') {
        const char *amp = strchr(q, '&');
        size_t len = amp != NULL ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        size_t kl = eq != NULL ? (size_t)(eq - q) : len;

        if (kl > 0) {
            p->k = xreallocarray(p->k, p->n + 1, sizeof(*p->k));
            p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
            p->k[p->n] = demo_url_decode(q, kl, true);
            p->v[p->n++] = eq != NULL
                               ? demo_url_decode(eq + 1, len - kl - 1, true)
                               : xstrdup("");
        }
        q = amp != NULL ? amp + 1 : NULL;
    }
}

static void params_free(struct params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->k[i]);
        free(p->v[i]);
    }
    free(p->k);
    free(p->v);
}

static bool in_list(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n || (n == 0 && v[i] != NULL); i++)
        if (strcmp(s, v[i]) == 0)
            return true;
    return false;
}

/* BaseRestHandler: unknown URL parameters are a 400. */
static int check_params(const struct params *p, const char *path, bool count,
                        struct des_err *e)
{
    static const char *const response[] = { "pretty",      "human",
                                            "error_trace", "filter_path",
                                            "format",      NULL };
    static const char *const count_params[] = { "allow_no_indices",
                                                "analyzer",
                                                "analyze_wildcard",
                                                "default_operator",
                                                "df",
                                                "expand_wildcards",
                                                "ignore_throttled",
                                                "ignore_unavailable",
                                                "lenient",
                                                "min_score",
                                                "preference",
                                                "q",
                                                "routing",
                                                "terminate_after",
                                                "index" };
    const char *const *known = count ? count_params : search_params;
    size_t nknown =
        count ? sizeof(count_params) / sizeof(count_params[0]) : NPARAMS;
    struct buf b = { 0 };
    size_t bad = 0;

    for (size_t i = 0; i < p->n; i++) {
        char sugg[300];

        if (in_list(p->k[i], known, nknown) || in_list(p->k[i], response, 0))
            continue;
        des_suggest(p->k[i], known, nknown, sugg, sizeof(sugg));
        buf_printf(&b, "%s[%s]%s", bad++ ? ", " : "", p->k[i],
                   sugg[0] != '\0' ? " ->" : "");
        if (sugg[0] != '\0')
            buf_puts(&b, sugg);
    }
    if (bad > 0) {
        des_fail(e, 400,
                 des_foreign(des_causef("illegal_argument_exception",
                                        "request [%s] contains unrecognized "
                                        "parameter%s: %s",
                                        path, bad > 1 ? "s" : "", b.data)));
        buf_free(&b);
        return -1;
    }
    return 0;
}

void des_search_free(struct des_search *s)
{
    des_query_free(s->query);
    free(s->sort_fmt);
    for (size_t i = 0; i < s->src.ninc; i++)
        free(s->src.inc[i]);
    for (size_t i = 0; i < s->src.nexc; i++)
        free(s->src.exc[i]);
    free(s->src.inc);
    free(s->src.exc);
    for (size_t i = 0; i < s->naggs; i++) {
        free(s->aggs[i].name);
        free(s->aggs[i].ext_min);
        free(s->aggs[i].ext_max);
        free(s->aggs[i].format);
    }
    free(s->aggs);
    for (size_t i = 0; i < s->nindices; i++)
        free(s->names[i]);
    free(s->names);
    free(s->ifam);
    free(s->iday);
}

/* An int body value (ES coerces numeric strings). */
static int body_int(const cJSON *v, const char *name, long *out,
                    struct des_err *e)
{
    char *end;

    if (cJSON_IsNumber(v)) {
        *out = (long)v->valuedouble;
        return 0;
    }
    if (cJSON_IsString(v)) {
        *out = strtol(v->valuestring, &end, 10);
        if (end != v->valuestring && *end == '\0')
            return 0;
        return des_fail(
            e, 400,
            des_foreign(
                des_causef("illegal_argument_exception",
                           "Failed to parse int parameter [%s] with value [%s]",
                           name, v->valuestring)));
    }
    return des_fail_parsing(e, v, false, "[%s] must be a number", name);
}

static void add_pat(char ***v, size_t *n, const char *s)
{
    *v = xreallocarray(*v, *n + 1, sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

/* The forms of _source (§1.7). */
static int parse_source(struct des_search *s, const cJSON *v, struct des_err *e)
{
    if (cJSON_IsBool(v)) {
        s->src.none = cJSON_IsFalse(v);
        return 0;
    }
    if (cJSON_IsString(v)) {
        add_pat(&s->src.inc, &s->src.ninc, v->valuestring);
        return 0;
    }
    if (cJSON_IsArray(v)) {
        for (const cJSON *it = v->child; it != NULL; it = it->next) {
            if (!cJSON_IsString(it))
                return des_fail_parsing(e, v, true,
                                        "Unknown key for a %s in [_source].",
                                        des_token_name(it));
            add_pat(&s->src.inc, &s->src.ninc, it->valuestring);
        }
        return 0;
    }
    if (!cJSON_IsObject(v))
        return des_fail_parsing(e, v, true,
                                "Unknown key for a %s in [_source].",
                                des_token_name(v));
    for (const cJSON *it = v->child; it != NULL; it = it->next) {
        bool inc = strcmp(it->string, "includes") == 0 ||
                   strcmp(it->string, "include") == 0;
        bool exc = strcmp(it->string, "excludes") == 0 ||
                   strcmp(it->string, "exclude") == 0;
        char ***dst = inc ? &s->src.inc : &s->src.exc;
        size_t *n = inc ? &s->src.ninc : &s->src.nexc;

        if (!inc && !exc)
            return des_fail_parsing(e, it, true,
                                    "Unknown key for a %s in [%s].",
                                    des_token_name(it), it->string);
        if (cJSON_IsString(it)) {
            add_pat(dst, n, it->valuestring);
            continue;
        }
        for (const cJSON *x = it->child; x != NULL; x = x->next)
            if (cJSON_IsString(x))
                add_pat(dst, n, x->valuestring);
    }
    return 0;
}

/* One sort key; the demo sorts on @timestamp then _doc. */
static int sort_key(struct des_search *s, const char *field, const cJSON *spec,
                    size_t pos, struct des_err *e)
{
    static const char *const known[] = {
        "order",        "unmapped_type", "format",      "missing",       "mode",
        "numeric_type", "nested",        "nested_path", "nested_filter", NULL
    };
    const char *order = strcmp(field, "_score") == 0 ? "desc" : "asc";
    const cJSON *o = NULL, *fmt = NULL;
    int dir;

    if (cJSON_IsString(spec)) {
        if (strcasecmp(spec->valuestring, "asc") != 0 &&
            strcasecmp(spec->valuestring, "desc") != 0)
            return des_fail(e, 400,
                            des_foreign(des_causef("illegal_argument_exception",
                                                   "Unknown SortOrder [%s]",
                                                   spec->valuestring)));
        order = spec->valuestring;
    } else if (cJSON_IsObject(spec)) {
        for (const cJSON *it = spec->child; it != NULL; it = it->next) {
            char r[200];

            if (!in_list(it->string, known, 0)) {
                snprintf(r, sizeof(r), "[field_sort] unknown field [%s]",
                         it->string);
                return des_fail_xcontent(e, it, true, r, NULL);
            }
            if (strncmp(it->string, "nested", 6) == 0)
                return des_unsupported(e, "nested sorting");
        }
        o = cJSON_GetObjectItemCaseSensitive(spec, "order");
        if (o != NULL &&
            !(cJSON_IsString(o) && (strcasecmp(o->valuestring, "asc") == 0 ||
                                    strcasecmp(o->valuestring, "desc") == 0)))
            return des_fail_xcontent(
                e, o, false, "[field_sort] failed to parse field [order]",
                des_foreign(des_causef(
                    "illegal_argument_exception", "Unknown SortOrder [%s]",
                    cJSON_IsString(o) ? o->valuestring : "?")));
        if (o != NULL)
            order = o->valuestring;
        fmt = cJSON_GetObjectItemCaseSensitive(spec, "format");
    } else if (spec != NULL) {
        return des_fail_parsing(e, spec, false, "[sort] unexpected token %s",
                                des_token_name(spec));
    }
    dir = strcasecmp(order, "desc") == 0 ? -1 : 1;
    if (strcmp(field, "_shard_doc") == 0)
        return des_fail(e, 400,
                        des_cause("action_request_validation_exception",
                                  "Validation Failed: 1: [_shard_doc] sort "
                                  "field cannot be used without [point in "
                                  "time];"));
    if (strcmp(field, "@timestamp") == 0 && pos == 0) {
        cJSON *cause = NULL;

        s->sort_ts = dir;
        if (cJSON_IsString(fmt)) {
            if (des_format_check(fmt->valuestring, &cause) < 0)
                return des_fail(e, 400, cause);
            s->sort_fmt = xstrdup(fmt->valuestring);
        }
        return 0;
    }
    if (strcmp(field, "_doc") == 0 && pos == 1 && s->sort_ts != 0) {
        s->sort_doc = dir;
        return 0;
    }
    if (strcmp(field, "_score") == 0 && pos == 0 && dir < 0) {
        s->sort_ts = 0;
        return 0;
    }
    return des_unsupported(e,
                           "sorting on [%s] (the demo sorts on "
                           "[@timestamp], then [_doc])",
                           field);
}

static int parse_sort(struct des_search *s, const cJSON *v, struct des_err *e)
{
    size_t pos = 0;
    const cJSON *items = cJSON_IsArray(v) ? v->child : v;

    for (const cJSON *it = items; it != NULL;
         it = cJSON_IsArray(v) ? it->next : NULL) {
        if (cJSON_IsString(it)) {
            if (sort_key(s, it->valuestring, NULL, pos++, e) < 0)
                return -1;
            continue;
        }
        if (!cJSON_IsObject(it))
            return des_fail_parsing(e, it, false, "[sort] unexpected token %s",
                                    des_token_name(it));
        for (const cJSON *f = it->child; f != NULL; f = f->next)
            if (sort_key(s, f->string, f, pos++, e) < 0)
                return -1;
    }
    return 0;
}

static int parse_track(struct des_search *s, const cJSON *v, struct des_err *e)
{
    if (cJSON_IsBool(v)) {
        s->track = cJSON_IsTrue(v) ? INT64_MAX : -1;
        return 0;
    }
    if (cJSON_IsNumber(v) &&
        v->valuedouble == (double)(long long)v->valuedouble) {
        if (v->valuedouble < -1)
            return des_fail(e, 400,
                            des_foreign(des_causef(
                                "illegal_argument_exception",
                                "[track_total_hits] parameter must be positive "
                                "or equals to -1, got %lld",
                                (long long)v->valuedouble)));
        s->track = (long long)v->valuedouble;
        return 0;
    }
    return des_fail_parsing(e, v, true,
                            "Unknown key for a %s in [track_total_hits].",
                            des_token_name(v));
}

/* Known aggregation types (for "Unknown aggregation type"). */
static const char *const all_aggs[] = {
    "adjacency_matrix",
    "auto_date_histogram",
    "avg",
    "boxplot",
    "bucket_script",
    "bucket_selector",
    "bucket_sort",
    "cardinality",
    "children",
    "composite",
    "cumulative_sum",
    "date_histogram",
    "date_range",
    "derivative",
    "diversified_sampler",
    "extended_stats",
    "filter",
    "filters",
    "geo_bounds",
    "geo_centroid",
    "geo_distance",
    "geohash_grid",
    "geotile_grid",
    "global",
    "histogram",
    "ip_range",
    "max",
    "median_absolute_deviation",
    "min",
    "missing",
    "multi_terms",
    "nested",
    "parent",
    "percentile_ranks",
    "percentiles",
    "range",
    "rare_terms",
    "reverse_nested",
    "sampler",
    "scripted_metric",
    "significant_terms",
    "significant_text",
    "stats",
    "string_stats",
    "sum",
    "terms",
    "top_hits",
    "top_metrics",
    "value_count",
    "variable_width_histogram",
    "weighted_avg",
    "avg_bucket",
    "max_bucket",
    "min_bucket",
    "sum_bucket",
    "stats_bucket",
    "moving_fn",
    "serial_diff",
    "random_sampler",
    "rate",
    "t_test",
    "categorize_text",
    "frequent_item_sets",
};

/* A time value ("30s", "-1h", "5m", "250ms") in ms; false if it is not
   one. */
static bool time_value(const char *t, int64_t *ms)
{
    char *end;
    long n = strtol(t, &end, 10);
    long mult = strcmp(end, "ms") == 0  ? 1
                : strcmp(end, "s") == 0 ? 1000
                : strcmp(end, "m") == 0 ? 60000
                : strcmp(end, "h") == 0 ? 3600000
                : strcmp(end, "d") == 0 ? 86400000
                                        : 0;

    *ms = (int64_t)n * mult;
    return end != t && mult != 0;
}

static int dh_interval(struct des_agg *a, const cJSON *fi, const cJSON *ci,
                       struct des_err *e)
{
    static const char *const cal[] = { "minute", "1m", "hour",    "1h",
                                       "day",    "1d", "week",    "1w",
                                       "month",  "1M", "quarter", "1q",
                                       "year",   "1y" };
    static const char units[] = "mmhhddwwMMqqyy";

    if (fi != NULL && ci != NULL)
        return des_fail(e, 400,
                        des_foreign(des_cause("illegal_argument_exception",
                                              "Cannot use [fixed_interval] "
                                              "with [calendar_interval] "
                                              "configuration option.")));
    if (ci != NULL) {
        for (size_t i = 0; i < sizeof(cal) / sizeof(cal[0]); i++) {
            if (cJSON_IsString(ci) && strcmp(ci->valuestring, cal[i]) == 0) {
                a->cal = units[i];
                return 0;
            }
        }
        return des_fail_xcontent(
            e, ci, false,
            "[date_histogram] failed to parse field [calendar_interval]",
            des_foreign(
                des_causef("illegal_argument_exception",
                           "The supplied interval [%s] could not be "
                           "parsed as a calendar interval.",
                           cJSON_IsString(ci) ? ci->valuestring : "?")));
    }
    if (fi != NULL) {
        const char *t = cJSON_IsString(fi) ? fi->valuestring : "";

        if (!time_value(t, &a->fixed) || a->fixed <= 0 ||
            !isdigit((unsigned char)*t))
            return des_fail_xcontent(
                e, fi, false,
                "[date_histogram] failed to parse field [fixed_interval]",
                des_foreign(des_causef(
                    "illegal_argument_exception",
                    "failed to parse setting [date_histogram.fixedInterval] "
                    "with value [%s] as a time value: unit is missing or "
                    "unrecognized",
                    t)));
        return 0;
    }
    return des_fail(e, 400,
                    des_foreign(des_cause("illegal_argument_exception",
                                          "Invalid interval specified, must be "
                                          "non-null and non-empty")));
}

static char *bound_text(const cJSON *v, bool *num)
{
    *num = cJSON_IsNumber(v);
    if (*num) {
        char s[32];

        snprintf(s, sizeof(s), "%lld", (long long)v->valuedouble);
        return xstrdup(s);
    }
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static int parse_dh(struct des_agg *a, const cJSON *spec, struct des_err *e)
{
    static const char *const params[] = { "calendar_interval",
                                          "extended_bounds",
                                          "field",
                                          "fixed_interval",
                                          "format",
                                          "hard_bounds",
                                          "keyed",
                                          "min_doc_count",
                                          "missing",
                                          "offset",
                                          "order",
                                          "time_zone",
                                          NULL };
    const cJSON *v;
    cJSON *cause = NULL;

    for (const cJSON *it = spec->child; it != NULL; it = it->next) {
        char sugg[200], r[300];

        if (in_list(it->string, params, 0) ||
            strcmp(it->string, "interval") == 0 ||
            strcmp(it->string, "script") == 0)
            continue;
        des_suggest(it->string, params, sizeof(params) / sizeof(params[0]) - 1,
                    sugg, sizeof(sugg));
        snprintf(r, sizeof(r), "[date_histogram] unknown field [%s]%s",
                 it->string, sugg);
        return des_fail_xcontent(e, it, true, r, NULL);
    }
    if (cJSON_HasObjectItem(spec, "script"))
        return des_unsupported(e, "scripts in aggregations");
    if (cJSON_HasObjectItem(spec, "missing"))
        return des_unsupported(e, "[missing] in date_histogram");
    if (cJSON_HasObjectItem(spec, "hard_bounds"))
        return des_unsupported(e, "[hard_bounds] in date_histogram");
    v = cJSON_GetObjectItemCaseSensitive(spec, "order");
    if (v != NULL) {
        const cJSON *o = cJSON_IsArray(v) ? v->child : v;
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "_key");

        if (!cJSON_IsString(k) || strcmp(k->valuestring, "asc") != 0)
            return des_unsupported(e, "a date_histogram [order] other than "
                                      "_key asc");
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "interval");
    if (v != NULL) /* ES 8 removed it */
        return des_fail_xcontent(
            e, v, true, "[date_histogram] unknown field [interval]", NULL);
    if (dh_interval(a, cJSON_GetObjectItemCaseSensitive(spec, "fixed_interval"),
                    cJSON_GetObjectItemCaseSensitive(spec, "calendar_interval"),
                    e) < 0)
        return -1;
    v = cJSON_GetObjectItemCaseSensitive(spec, "field");
    if (!cJSON_IsString(v))
        return des_fail(e, 400,
                        des_foreign(des_cause("illegal_argument_exception",
                                              "Required one of fields [field, "
                                              "script], but none were "
                                              "specified. ")));
    if (strcmp(v->valuestring, "@timestamp") != 0)
        return des_unsupported(e,
                               "a date_histogram on [%s] (only "
                               "[@timestamp])",
                               v->valuestring);
    v = cJSON_GetObjectItemCaseSensitive(spec, "time_zone");
    if (cJSON_IsString(v) && des_zone(v->valuestring, &a->tz, &cause) < 0)
        return des_fail(e, 400, cause);
    v = cJSON_GetObjectItemCaseSensitive(spec, "offset");
    if (v != NULL) {
        const char *t = cJSON_IsString(v) ? v->valuestring : "";

        if (!time_value(t, &a->offset))
            return des_fail(e, 400,
                            des_foreign(des_causef(
                                "illegal_argument_exception",
                                "failed to parse setting "
                                "[date_histogram.offset] with value [%s] as a "
                                "time value: unit is missing or unrecognized",
                                t)));
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "format");
    if (cJSON_IsString(v)) {
        if (des_format_check(v->valuestring, &cause) < 0)
            return des_fail(e, 400, cause);
        a->format = xstrdup(v->valuestring);
    }
    v = cJSON_GetObjectItemCaseSensitive(spec, "min_doc_count");
    a->min_doc_count = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    a->keyed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "keyed"));
    v = cJSON_GetObjectItemCaseSensitive(spec, "extended_bounds");
    if (cJSON_IsObject(v)) {
        a->ext_min = bound_text(cJSON_GetObjectItemCaseSensitive(v, "min"),
                                &a->ext_min_num);
        a->ext_max = bound_text(cJSON_GetObjectItemCaseSensitive(v, "max"),
                                &a->ext_max_num);
    }
    return 0;
}

static int parse_aggs(struct des_search *s, const cJSON *v, struct des_err *e)
{
    if (!cJSON_IsObject(v))
        return des_fail_parsing(e, v, false,
                                "Aggregation definition for [aggs starts with "
                                "a [%s], expected a [START_OBJECT].",
                                des_token_name(v));
    for (const cJSON *it = v->child; it != NULL; it = it->next) {
        const cJSON *type = NULL;
        struct des_agg *a;

        if (strpbrk(it->string, "[]>") != NULL)
            return des_fail_parsing(e, it, true,
                                    "Invalid aggregation name [%s]. "
                                    "Aggregation names can contain any "
                                    "character except '[', ']', and '>'",
                                    it->string);
        if (!cJSON_IsObject(it))
            return des_fail_parsing(e, it, true,
                                    "Aggregation definition for [%s starts "
                                    "with a [%s], expected a [START_OBJECT].",
                                    it->string, des_token_name(it));
        for (const cJSON *t = it->child; t != NULL; t = t->next) {
            if (strcmp(t->string, "aggs") == 0 ||
                strcmp(t->string, "aggregations") == 0 ||
                strcmp(t->string, "meta") == 0)
                continue;
            if (type != NULL)
                return des_fail_parsing(e, t, true,
                                        "Found two aggregation type "
                                        "definitions in [%s]: [%s] and [%s]",
                                        it->string, type->string, t->string);
            type = t;
        }
        if (type == NULL)
            return des_fail_parsing(e, it, true,
                                    "Missing definition for aggregation [%s]",
                                    it->string);
        if (!in_list(type->string, all_aggs,
                     sizeof(all_aggs) / sizeof(all_aggs[0]))) {
            char sugg[300];
            int line, col;
            cJSON *c;

            des_suggest(type->string, all_aggs,
                        sizeof(all_aggs) / sizeof(all_aggs[0]), sugg,
                        sizeof(sugg));
            des_locate(e, type, true, &line, &col);
            c = des_causef("parsing_exception",
                           "Unknown aggregation type [%s]%s", type->string,
                           sugg);
            cJSON_AddNumberToObject(c, "line", line);
            cJSON_AddNumberToObject(c, "col", col);
            des_by(c, des_foreign(des_causef("named_object_not_found_exception",
                                             "[%d:%d] unknown field [%s]", line,
                                             col, type->string)));
            return des_fail(e, 400, c);
        }
        if (strcmp(type->string, "date_histogram") != 0)
            return des_unsupported(e, "the [%s] aggregation", type->string);
        if (cJSON_HasObjectItem(it, "aggs") ||
            cJSON_HasObjectItem(it, "aggregations"))
            return des_unsupported(e, "sub-aggregations");
        if (cJSON_HasObjectItem(it, "meta"))
            return des_unsupported(e, "[meta] on aggregations");
        if (!cJSON_IsObject(type))
            return des_fail_parsing(e, it, true,
                                    "Expected [START_OBJECT] under [%s], but "
                                    "got a [%s] in [%s]",
                                    type->string, des_token_name(type),
                                    it->string);
        s->aggs = xreallocarray(s->aggs, s->naggs + 1, sizeof(*s->aggs));
        a = &s->aggs[s->naggs++];
        memset(a, 0, sizeof(*a));
        a->name = xstrdup(it->string);
        if (parse_dh(a, type, e) < 0)
            return -1;
    }
    return 0;
}

/* Body keys of SearchSourceBuilder. */
static const char *const body_keys[] = { "query",
                                         "size",
                                         "from",
                                         "sort",
                                         "search_after",
                                         "track_total_hits",
                                         "_source",
                                         "fields",
                                         "aggs",
                                         "aggregations",
                                         "timeout",
                                         "terminate_after",
                                         "version",
                                         "seq_no_primary_term",
                                         "stored_fields",
                                         "docvalue_fields",
                                         "script_fields",
                                         "runtime_mappings",
                                         "highlight",
                                         "pit",
                                         "min_score",
                                         "post_filter",
                                         "track_scores",
                                         "stats",
                                         "ext",
                                         "explain",
                                         "profile",
                                         "collapse",
                                         "rescore",
                                         "suggest",
                                         "slice",
                                         "indices_boost",
                                         "knn",
                                         "rank",
                                         "retriever",
                                         "sub_searches",
                                         NULL };

static int body_key(struct des_search *s, const cJSON *it, struct des_err *e)
{
    const char *k = it->string;

    if (strcmp(k, "query") == 0) {
        des_query_free(s->query);
        s->query = des_query_parse(it, e);
        return s->query != NULL ? 0 : -1;
    }
    if (strcmp(k, "size") == 0)
        return body_int(it, "size", &s->size, e);
    if (strcmp(k, "from") == 0)
        return body_int(it, "from", &s->from, e);
    if (strcmp(k, "sort") == 0)
        return parse_sort(s, it, e);
    if (strcmp(k, "search_after") == 0) {
        if (!cJSON_IsArray(it))
            return des_fail_parsing(e, it, true,
                                    "Unknown key for a %s in [search_after].",
                                    des_token_name(it));
        s->after = true;
        s->after_json = it;
        return 0;
    }
    if (strcmp(k, "track_total_hits") == 0)
        return parse_track(s, it, e);
    if (strcmp(k, "_source") == 0)
        return parse_source(s, it, e);
    if (strcmp(k, "aggs") == 0 || strcmp(k, "aggregations") == 0)
        return parse_aggs(s, it, e);
    if (strcmp(k, "version") == 0) {
        s->version = cJSON_IsTrue(it);
        return 0;
    }
    if (strcmp(k, "track_scores") == 0) {
        s->track_scores = cJSON_IsTrue(it);
        return 0;
    }
    if (strcmp(k, "timeout") == 0 || strcmp(k, "stats") == 0)
        return 0;
    if (strcmp(k, "stored_fields") == 0) {
        const cJSON *x = cJSON_IsArray(it) ? it->child : it;

        for (; x != NULL; x = cJSON_IsArray(it) ? x->next : NULL)
            if (cJSON_IsString(x) && strcmp(x->valuestring, "_none_") == 0)
                return des_unsupported(e, "stored_fields [_none_]");
        return 0;
    }
    if ((strcmp(k, "script_fields") == 0 ||
         strcmp(k, "runtime_mappings") == 0 || strcmp(k, "ext") == 0) &&
        cJSON_IsObject(it) && it->child == NULL)
        return 0;
    if ((strcmp(k, "explain") == 0 || strcmp(k, "profile") == 0 ||
         strcmp(k, "seq_no_primary_term") == 0) &&
        cJSON_IsFalse(it))
        return 0;
    return des_unsupported(e, "[%s] in the search body", k);
}

static int parse_body(struct des_search *s, const cJSON *root, bool count,
                      struct des_err *e)
{
    if (!cJSON_IsObject(root))
        return des_fail_parsing(e, root, false,
                                "Unknown key for a %s in [null].",
                                des_token_name(root));
    for (const cJSON *it = root->child; it != NULL; it = it->next) {
        if (count && strcmp(it->string, "query") != 0)
            return des_fail_parsing(
                e, it, true, "request does not support [%s]", it->string);
        if (!in_list(it->string, body_keys, 0))
            return des_fail_parsing(e, it, true,
                                    "Unknown key for a %s in [%s].",
                                    des_token_name(it), it->string);
        if (body_key(s, it, e) < 0)
            return -1;
    }
    return 0;
}

static int param_long(const char *name, const char *v, long *out,
                      struct des_err *e)
{
    char *end;

    *out = strtol(v, &end, 10);
    if (end != v && *end == '\0')
        return 0;
    return des_fail(e, 400,
                    des_foreign(des_causef("illegal_argument_exception",
                                           "Failed to parse int parameter [%s] "
                                           "with value [%s]",
                                           name, v)));
}

static int param_bool(const char *name, const char *v, bool *out,
                      struct des_err *e)
{
    (void)name;
    if (strcmp(v, "") == 0 || strcmp(v, "true") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(v, "false") == 0) {
        *out = false;
        return 0;
    }
    return des_fail(e, 400,
                    des_foreign(des_causef("illegal_argument_exception",
                                           "Failed to parse value [%s] as only "
                                           "[true] or [false] are allowed.",
                                           v)));
}

/* URL parameters override the body, as RestSearchAction applies them. */
static int apply_params(struct des_search *s, const struct params *p,
                        struct des_err *e)
{
    static const char *const unsupported[] = { "scroll",
                                               "explain",
                                               "stats",
                                               "docvalue_fields",
                                               "stored_fields",
                                               "suggest_field",
                                               "suggest_mode",
                                               "suggest_size",
                                               "suggest_text",
                                               "terminate_after",
                                               "seq_no_primary_term",
                                               "routing",
                                               "analyzer",
                                               "keep_alive",
                                               "include_named_queries_score",
                                               "force_synthetic_source",
                                               "filter_path",
                                               "format",
                                               "sort",
                                               "min_score",
                                               NULL };
    static const struct {
        const char *name;
        size_t off;
    } flags[] = {
        { "version", offsetof(struct des_search, version) },
        { "typed_keys", offsetof(struct des_search, typed_keys) },
        { "track_scores", offsetof(struct des_search, track_scores) },
        { "rest_total_hits_as_int", offsetof(struct des_search, total_int) },
    };
    const char *v;
    long n;

    for (size_t i = 0; i < p->n; i++)
        if (in_list(p->k[i], unsupported, 0))
            return des_unsupported(e, "the [%s] parameter", p->k[i]);
    if ((v = param(p, "q")) != NULL) {
        const char *op = param(p, "default_operator");
        const char *len = param(p, "lenient");
        bool lenient = false, aw = false;

        if (len != NULL && param_bool("lenient", len, &lenient, e) < 0)
            return -1;
        if (param(p, "analyze_wildcard") != NULL &&
            param_bool("analyze_wildcard", param(p, "analyze_wildcard"), &aw,
                       e) < 0)
            return -1;
        des_query_free(s->query);
        s->query = des_query_qs(v, param(p, "df"),
                                op != NULL && strcasecmp(op, "and") == 0,
                                len == NULL ? -1 : lenient, aw);
    }
    if ((v = param(p, "size")) != NULL &&
        param_long("size", v, &s->size, e) < 0)
        return -1;
    if ((v = param(p, "from")) != NULL &&
        param_long("from", v, &s->from, e) < 0)
        return -1;
    if ((v = param(p, "track_total_hits")) != NULL) {
        if (strcmp(v, "true") == 0 || *v == '\0') {
            s->track = INT64_MAX;
        } else if (strcmp(v, "false") == 0) {
            s->track = -1;
        } else {
            if (param_long("track_total_hits", v, &n, e) < 0)
                return -1;
            s->track = n;
        }
    }
    if ((v = param(p, "_source")) != NULL) {
        if (strcmp(v, "false") == 0)
            s->src.none = true;
        else if (strcmp(v, "true") != 0 && *v != '\0')
            add_pat(&s->src.inc, &s->src.ninc, v);
    }
    if ((v = param(p, "_source_includes")) != NULL)
        add_pat(&s->src.inc, &s->src.ninc, v);
    if ((v = param(p, "_source_excludes")) != NULL)
        add_pat(&s->src.exc, &s->src.nexc, v);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if ((v = param(p, flags[i].name)) != NULL &&
            param_bool(flags[i].name, v, (bool *)((char *)s + flags[i].off),
                       e) < 0)
            return -1;
    return 0;
}

/* SearchRequest.validate(). */
static int validate(struct des_search *s, bool tth_given, struct des_err *e)
{
    if (s->total_int && tth_given && s->track != INT64_MAX && s->track != -1)
        return des_fail(e, 400,
                        des_foreign(des_causef(
                            "illegal_argument_exception",
                            "[rest_total_hits_as_int] cannot be used if the "
                            "tracking of total hits is not accurate, got %lld",
                            s->track)));
    if (s->total_int && !tth_given)
        s->track = INT64_MAX;
    if (s->size < 0)
        return des_fail(
            e, 400,
            des_foreign(des_causef(
                "illegal_argument_exception",
                "[size] parameter cannot be negative, found [%ld]", s->size)));
    if (s->from < 0)
        return des_fail(
            e, 400,
            des_foreign(des_causef(
                "illegal_argument_exception",
                "[from] parameter cannot be negative, found [%ld]", s->from)));
    if (s->after && s->from > 0)
        return des_fail(e, 400,
                        des_cause("action_request_validation_exception",
                                  "Validation Failed: 1: `from` parameter must "
                                  "be set to 0 when `search_after` is used.;"));
    return 0;
}

/* --- indices -------------------------------------------------------------- */

static cJSON *not_found(const char *name)
{
    char uuid[] = "_na_";
    cJSON *c =
        des_causef("index_not_found_exception", "no such index [%s]", name);

    cJSON_AddStringToObject(c, "resource.type", "index_or_alias");
    cJSON_AddStringToObject(c, "resource.id", name);
    cJSON_AddStringToObject(c, "index_uuid", uuid);
    cJSON_AddStringToObject(c, "index", name);
    return c;
}

/* The concrete indices of an expression (§1, §2.6, §3.4). */
static int resolve(const struct des_world *w, struct des_search *s,
                   const char *expr, const struct params *p, struct des_err *e)
{
    struct {
        char name[40];
        int fam;
        int64_t day;
        bool on;
    } all[2 * (DES_DAYS + 2)];
    size_t n = 0;
    bool ignore = false, allow_no = true, seen_wild = false;
    char *copy, *save = NULL;
    const char *v;

    if ((v = param(p, "ignore_unavailable")) != NULL &&
        param_bool("ignore_unavailable", v, &ignore, e) < 0)
        return -1;
    if ((v = param(p, "allow_no_indices")) != NULL &&
        param_bool("allow_no_indices", v, &allow_no, e) < 0)
        return -1;
    for (int fam = 0; fam < DES_NFAM; fam++) {
        for (int i = 0; i < w->ndays && w->fam[fam]; i++) {
            des_index_name(fam, w->day0 + i, all[n].name, sizeof(all[n].name));
            all[n].fam = fam;
            all[n].day = w->day0 + i;
            all[n++].on = false;
        }
    }
    if (expr == NULL || *expr == '\0' || strcmp(expr, "_all") == 0 ||
        strcmp(expr, "*") == 0) {
        if (n == 0 && !allow_no)
            return des_fail(e, 404,
                            not_found(expr != NULL && *expr ? expr : "_all"));
        for (size_t i = 0; i < n; i++)
            all[i].on = true;
    } else {
        copy = xstrdup(expr);
        for (char *part = strtok_r(copy, ",", &save); part != NULL;
             part = strtok_r(NULL, ",", &save)) {
            bool wild = strchr(part, '*') != NULL || strcmp(part, "_all") == 0;
            bool hit = false;

            if (part[0] == '-' && seen_wild) {
                for (size_t i = 0; i < n; i++)
                    if (des_star_match(part + 1, all[i].name))
                        all[i].on = false;
                continue;
            }
            seen_wild |= wild;
            for (size_t i = 0; i < n; i++) {
                if (wild
                        ? des_star_match(strcmp(part, "_all") == 0 ? "*" : part,
                                         all[i].name)
                        : strcmp(part, all[i].name) == 0) {
                    all[i].on = true;
                    hit = true;
                }
            }
            if (!hit && (!wild ? !ignore : !allow_no)) {
                des_fail(e, 404, not_found(part));
                free(copy);
                return -1;
            }
        }
        free(copy);
    }
    /* Sorted by name: "logstash-2..." comes before "logstash-ecs-...". */
    for (size_t i = 0; i < n; i++) {
        if (!all[i].on)
            continue;
        s->names = xreallocarray(s->names, s->nindices + 1, sizeof(*s->names));
        s->ifam = xreallocarray(s->ifam, s->nindices + 1, 1);
        s->iday = xreallocarray(s->iday, s->nindices + 1, sizeof(*s->iday));
        s->names[s->nindices] = xstrdup(all[i].name);
        s->ifam[s->nindices] = (uint8_t)all[i].fam;
        s->iday[s->nindices++] = all[i].day;
        s->days[all[i].fam] |= 1ull << (all[i].day - w->day0);
    }
    return 0;
}

/* --- routing ------------------------------------------------------------- */

bool demo_es_owns(const char *path)
{
    const char *p = path, *q = strchr(path, '?');
    size_t end = q != NULL ? (size_t)(q - path) : strlen(path);
    bool first = true, v1 = false;

    while (*p == '/')
        p++;
    while ((size_t)(p - path) < end) {
        size_t len = strcspn(p, "/?");

        if (len > 0 && *p == '_' && (first || !v1))
            return true;
        if (first)
            v1 = len == 2 && strncmp(p, "v1", 2) == 0;
        first = false;
        p += len;
        while (*p == '/')
            p++;
    }
    return false;
}

static struct demo_reply *reply(struct demo *d, int *status, int code,
                                struct buf *b)
{
    struct demo_reply *r = demo_reply_body(d, status, code, b);

    buf_free(b);
    return r;
}

static struct demo_reply *reply_err(struct demo *d, int *status,
                                    struct des_err *e)
{
    struct buf b = { 0 };

    des_error_body(&b, e->status, e->cause);
    cJSON_Delete(e->cause);
    return reply(d, status, e->status, &b);
}

/* The REST layer's {"error": "...", "status": N} (405). */
static struct demo_reply *reply_simple(struct demo *d, int *status, int code,
                                       const char *text)
{
    struct buf b = { 0 };

    buf_puts(&b, "{\"error\":");
    des_json_str(&b, text, strlen(text));
    buf_printf(&b, ",\"status\":%d}", code);
    return reply(d, status, code, &b);
}

/* Jackson's complaint about a body that is not JSON. */
static struct demo_reply *bad_json(struct demo *d, int *status,
                                   const char *body)
{
    const char *at = cJSON_GetErrorPtr();
    struct des_err e = { 0 };
    size_t off = at != NULL && at >= body ? (size_t)(at - body) : 0;
    int line = 1, col = 1;
    unsigned char c;
    char reason[300];

    while (off > 0 && body[off] == '\0')
        off--;
    for (size_t i = 0; i < off; i++) {
        line += body[i] == '\n';
        col = body[i] == '\n' ? 1 : col + 1;
    }
    c = (unsigned char)body[off];
    if (c == '\0')
        snprintf(reason, sizeof(reason),
                 "[%d:%d] Unexpected end-of-input: expected close marker for "
                 "Object",
                 line, col);
    else
        snprintf(reason, sizeof(reason),
                 "[%d:%d] Unexpected character ('%c' (code %u)): expected a "
                 "valid value (JSON String, Number, Array, Object or token "
                 "'null', 'true' or 'false')",
                 line, col, c >= 0x20 && c < 0x7f ? c : '?', c);
    des_fail(&e, 400, des_cause("x_content_parse_exception", reason));
    return reply_err(d, status, &e);
}

static struct demo_reply *search(struct demo *d, const char *expr, bool count,
                                 const char *path, const struct params *p,
                                 const char *body, int *status)
{
    struct des_search s = { 0 };
    struct des_err e = { 0 };
    struct des_world w;
    struct buf out = { 0 };
    cJSON *root = NULL;
    int code;

    s.size = 10;
    s.track = 10000;
    s.count_api = count;
    if (check_params(p, path, count, &e) < 0)
        return reply_err(d, status, &e);
    if (body != NULL && body[strspn(body, " \t\r\n")] != '\0') {
        root = cJSON_Parse(body);
        if (root == NULL)
            return bad_json(d, status, body);
        e.body = body;
        e.root = root;
        if (parse_body(&s, root, count, &e) < 0)
            goto fail;
    }
    if (apply_params(&s, p, &e) < 0 ||
        validate(&s,
                 param(p, "track_total_hits") != NULL ||
                     cJSON_HasObjectItem(root, "track_total_hits"),
                 &e) < 0)
        goto fail;
    if (s.query == NULL)
        s.query = des_query_all();
    des_world_init(&w, d);
    if (resolve(&w, &s, expr, p, &e) < 0) {
        des_world_free(&w);
        goto fail;
    }
    code = des_search_run(&w, &s, &out, &e);
    des_world_free(&w);
    if (code < 0)
        goto fail;
    cJSON_Delete(root);
    des_search_free(&s);
    return reply(d, status, code, &out);
fail:
    cJSON_Delete(root);
    des_search_free(&s);
    buf_free(&out);
    return reply_err(d, status, &e);
}

/* Endpoints Elasticsearch has that the demo does not serve. */
static bool known_endpoint(const char *seg)
{
    static const char *const known[] = { "_msearch",
                                         "_async_search",
                                         "_mapping",
                                         "_mappings",
                                         "_settings",
                                         "_cat",
                                         "_cluster",
                                         "_nodes",
                                         "_pit",
                                         "_field_caps",
                                         "_doc",
                                         "_bulk",
                                         "_refresh",
                                         "_security",
                                         "_aliases",
                                         "_alias",
                                         "_stats",
                                         "_eql",
                                         "_sql",
                                         "_query",
                                         "_search_shards",
                                         "_validate",
                                         "_explain",
                                         "_termvectors",
                                         "_mget",
                                         "_update_by_query",
                                         "_delete_by_query",
                                         "_resolve",
                                         "_data_stream",
                                         "_index_template",
                                         "_ilm",
                                         "_license",
                                         "_xpack",
                                         "_tasks",
                                         "_ingest",
                                         "_snapshot",
                                         "_scripts",
                                         "_template",
                                         "_create",
                                         "_update",
                                         "_source",
                                         "_open",
                                         "_close",
                                         "_forcemerge",
                                         "_flush",
                                         "_analyze",
                                         "_rollover",
                                         "_shrink",
                                         "_split",
                                         "_clone",
                                         "_segments",
                                         "_recovery",
                                         "_shard_stores",
                                         "_upgrade",
                                         "_cache",
                                         "_count",
                                         "_search",
                                         NULL };

    return in_list(seg, known, 0);
}

struct demo_reply *demo_es_request(struct demo *d, const char *method,
                                   const char *path, const char *body,
                                   int *status)
{
    const char *q = strchr(path, '?');
    char *dec = demo_url_decode(
        path, q != NULL ? (size_t)(q - path) : strlen(path), false);
    char *segs[4] = { NULL }, *save = NULL, *copy = xstrdup(dec);
    size_t nseg = 0;
    struct params p = { 0 };
    struct demo_reply *r = NULL;
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

    for (char *s = strtok_r(copy, "/", &save); s != NULL;
         s = strtok_r(NULL, "/", &save))
        if (nseg < 4)
            segs[nseg++] = s;
        else
            nseg = 5;
    params_parse(&p, q != NULL ? q + 1 : NULL);
    if ((nseg == 1 || nseg == 2) &&
        (strcmp(segs[nseg - 1], "_search") == 0 ||
         strcmp(segs[nseg - 1], "_count") == 0) &&
        (nseg == 1 || segs[0][0] != '_')) {
        if (!get && !post) {
            char msg[600];

            snprintf(msg, sizeof(msg),
                     "Incorrect HTTP method for uri [%s] and method [%s], "
                     "allowed: [GET, POST]",
                     dec, method);
            r = reply_simple(d, status, 405, msg);
        } else {
            r = search(d, nseg == 2 ? segs[0] : NULL,
                       strcmp(segs[nseg - 1], "_count") == 0, dec, &p, body,
                       status);
        }
    } else {
        struct des_err e = { 0 };
        bool known = false;

        for (size_t i = 0; i < nseg && i < 4; i++)
            known |= known_endpoint(segs[i]);
        if (known)
            des_unsupported(&e, "[%s %s]", method, dec);
        else
            des_fail(&e, 400,
                     des_foreign(des_causef("illegal_argument_exception",
                                            "no handler found for uri [%s] "
                                            "and method [%s]",
                                            dec, method)));
        r = reply_err(d, status, &e);
    }
    params_free(&p);
    free(copy);
    free(dec);
    return r;
}
