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
 *
 * This file: URL parameters, index expressions and routing; the body is
 * read by demo_es_body.c and demo_es_aggs.c, errors are built by
 * demo_es_err.c, the search is run by demo_es_search.c.
 */
#include <cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/demo_es.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

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

bool des_in_list(const char *s, const char *const *v, size_t n)
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

        if (des_in_list(p->k[i], known, nknown) ||
            des_in_list(p->k[i], response, 0))
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
        if (des_in_list(p->k[i], unsupported, 0))
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
            des_add_pat(&s->src.inc, &s->src.ninc, v);
    }
    if ((v = param(p, "_source_includes")) != NULL)
        des_add_pat(&s->src.inc, &s->src.ninc, v);
    if ((v = param(p, "_source_excludes")) != NULL)
        des_add_pat(&s->src.exc, &s->src.nexc, v);
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
        if (des_parse_body(&s, root, count, &e) < 0)
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

    return des_in_list(seg, known, 0);
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
