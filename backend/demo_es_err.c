/*
 * Errors of the demo site's Elasticsearch: the ErrorCause objects a
 * request can fail with (parsing_exception with the line and column of
 * the body, did-you-mean suggestions, the honest 400 of what the demo does
 * not support) and the error bodies of §3.1 and §3.2 that carry them.
 */
#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
void des_index_uuid(const char *name, char out[23])
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

            des_index_uuid(index, uuid);
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
