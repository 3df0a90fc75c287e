/*
 * The reason of an Elasticsearch / Kibana / proxy error answer, in one line
 * for the user (contract §3 and §5.2), and the quoting helpers it shares
 * with the search response parser.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "backend/buf.h"
#include "backend/es.h"
#include "backend/es_parse_int.h"
#include "backend/xalloc.h"

/* Longest quote of a body that is not an error envelope. */
#define QUOTE_MAX 80

/* Bytes of s to keep so that at most max remain, on a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

void es_put_line(struct buf *b, const char *s, size_t max)
{
    size_t len = strcspn(s, "\r\n");
    size_t keep;
    size_t start = b->len;

    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    keep = utf8_cut(s, len, max);
    buf_append(b, s, keep);
    for (size_t i = start; i < b->len; i++)
        if (b->data[i] == '\t')
            b->data[i] = ' ';
    if (keep < len)
        buf_puts(b, "…");
}

/* Skip an HTML element's contents up to its closing tag (script, style). */
static size_t skip_element(const char *p, size_t n, size_t i, const char *name)
{
    size_t nl = strlen(name);

    for (; i + nl + 2 <= n; i++)
        if (p[i] == '<' && p[i + 1] == '/' &&
            strncasecmp(p + i + 2, name, nl) == 0)
            return i;
    return n;
}

static bool looks_like_html(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n &&
           (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < n && p[i] == '<';
}

void es_put_quote(struct buf *b, const char *p, size_t n, size_t max)
{
    bool html = looks_like_html(p, n);
    bool space = true; /* drop leading blanks */
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (html && c == '<') {
            const char *body = NULL; /* an element whose text is no text */
            size_t end = i + 1;

            if (n - end >= 6 && strncasecmp(p + end, "script", 6) == 0)
                body = "script";
            else if (n - end >= 5 && strncasecmp(p + end, "style", 5) == 0)
                body = "style";
            while (end < n && p[end] != '>')
                end++;
            if (body != NULL) {
                end = skip_element(p, n, end, body);
                while (end < n && p[end] != '>')
                    end++;
            }
            i = end < n ? end : n;
            c = ' ';
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = true;
            continue;
        }
        if (out >= max) {
            buf_puts(b, "…");
            return;
        }
        if (space && out > 0) {
            buf_putc(b, ' ');
            if (++out >= max) {
                buf_puts(b, "…");
                return;
            }
        }
        space = false;
        buf_putc(b, c >= 0x20 && c < 0x7f ? (char)c : '?');
        out++;
    }
}

/* Replace what cJSON refuses in string escapes; see es_json_parse(). */
static int hex4(const char *p, const char *end)
{
    int v = 0;

    if (end - p < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* A repaired copy in b, or nothing appended when p needs no repair. */
static void repair_escapes(const char *p, size_t n, struct buf *b)
{
    const char *end = p + n;
    size_t copied = 0;
    size_t i = 0;

    for (;;) {
        const char *q = memchr(p + i, '"', n - i); /* a string starts */
        size_t len;
        bool bad;
        int u;

        if (q == NULL)
            break;
        for (i = (size_t)(q - p) + 1; i < n && p[i] != '"'; i++) {
            if (p[i] != '\\')
                continue;
            if (i + 1 >= n || p[i + 1] != 'u' ||
                (u = hex4(p + i + 2, end)) < 0) {
                i++; /* an ordinary escape (or a broken one: cJSON says so) */
                continue;
            }
            len = 6;
            bad = false;
            if (u >= 0xD800 && u <= 0xDBFF) {
                int lo = i + 12 <= n && p[i + 6] == '\\' && p[i + 7] == 'u'
                             ? hex4(p + i + 8, end)
                             : -1;
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                    len = 12;
                else
                    bad = true;
            } else if ((u >= 0xDC00 && u <= 0xDFFF) || u == 0) {
                bad = true;
            }
            if (bad) {
                buf_append(b, p + copied, i - copied);
                buf_puts(b, "\\ufffd");
                copied = i + 6;
            }
            i += len - 1;
        }
        if (++i >= n) /* past the closing quote */
            break;
    }
    if (copied > 0)
        buf_append(b, p + copied, n - copied);
}

cJSON *es_json_parse(const char *p, size_t n, size_t *bad)
{
    struct buf fixed = { 0 };
    const char *end = NULL;
    cJSON *root;

    repair_escapes(p, n, &fixed);
    if (fixed.data != NULL) {
        root = cJSON_ParseWithLengthOpts(fixed.data, fixed.len, &end, false);
        /* The position is in the repaired text: near enough for a message. */
        if (root == NULL && bad != NULL)
            *bad = end != NULL ? (size_t)(end - fixed.data) : 0;
    } else {
        root = cJSON_ParseWithLengthOpts(p, n, &end, false);
        if (root == NULL && bad != NULL)
            *bad = end != NULL ? (size_t)(end - p) : 0;
    }
    buf_free(&fixed);
    return root;
}

static const char *status_phrase(int status)
{
    static const struct {
        int code;
        const char *text;
    } phrases[] = {
        { 400, "Bad Request" },
        { 401, "Unauthorized" },
        { 403, "Forbidden" },
        { 404, "Not Found" },
        { 405, "Method Not Allowed" },
        { 406, "Not Acceptable" },
        { 408, "Request Timeout" },
        { 409, "Conflict" },
        { 413, "Payload Too Large" },
        { 429, "Too Many Requests" },
        { 500, "Internal Server Error" },
        { 501, "Not Implemented" },
        { 502, "Bad Gateway" },
        { 503, "Service Unavailable" },
        { 504, "Gateway Timeout" },
    };

    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (phrases[i].code == status)
            return phrases[i].text;
    return NULL;
}

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring
                                                          : NULL;
}

/* "type: reason", without doubling a type the reason already starts with. */
static void put_type_reason(struct buf *b, const cJSON *c)
{
    const char *type = str_member(c, "type");
    const char *reason = str_member(c, "reason");

    if (reason != NULL && strcspn(reason, "\r\n") == 0)
        reason = NULL; /* nothing on its first line */
    if (type != NULL && reason != NULL) {
        size_t tl = strlen(type);

        if (!(strncmp(reason, type, tl) == 0 && reason[tl] == ':')) {
            buf_puts(b, type);
            buf_puts(b, ": ");
        }
        es_put_line(b, reason, ES_REASON_MAX);
    } else if (type != NULL) {
        buf_puts(b, type);
    } else if (reason != NULL) {
        es_put_line(b, reason, ES_REASON_MAX);
    }
}

/* The last cause of a caused_by chain that has a reason (NULL: none). */
static const cJSON *deepest_reason(const cJSON *c)
{
    const cJSON *found = NULL;

    for (int depth = 0; cJSON_IsObject(c) && depth < 64; depth++) {
        if (str_member(c, "reason") != NULL)
            found = c;
        c = cJSON_GetObjectItemCaseSensitive(c, "caused_by");
    }
    return found;
}

/* ES's envelope: {"error":{root_cause,type,reason,caused_by?},"status"}. */
static void put_es_error(struct buf *b, const cJSON *error)
{
    const cJSON *roots = cJSON_GetObjectItemCaseSensitive(error, "root_cause");
    const cJSON *main = cJSON_GetArrayItem(roots, 0);
    const cJSON *chain = cJSON_GetObjectItemCaseSensitive(error, "caused_by");
    const cJSON *deep;
    const char *extra;
    size_t start = b->len;

    if (!cJSON_IsObject(main) || (str_member(main, "type") == NULL &&
                                  str_member(main, "reason") == NULL))
        main = error;
    put_type_reason(b, main);
    /* ES 6 keeps the chain under the first shard failure only. */
    if (!cJSON_IsObject(chain)) {
        const cJSON *shards =
            cJSON_GetObjectItemCaseSensitive(error, "failed_shards");
        chain = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(shards, 0),
                                                 "reason");
    }
    /* ES 8 says which API key (or token) failed here */
    extra = str_member(main, "additional_unsuccessful_credentials");
    if (extra == NULL)
        extra = str_member(error, "additional_unsuccessful_credentials");
    if (extra != NULL) {
        buf_puts(b, b->len > start ? " (" : "(");
        es_put_line(b, extra, ES_REASON_MAX);
        buf_putc(b, ')');
    }
    deep = deepest_reason(chain);
    if (deep != NULL && deep != main) {
        struct buf d = { 0 };
        bool had_main = b->len > start;

        es_put_line(&d, str_member(deep, "reason"), ES_REASON_MAX);
        if (d.len > 0 && !had_main)
            buf_puts(b, d.data);
        else if (d.len > 0 && strstr(b->data + start, d.data) == NULL)
            buf_printf(b, " (%s)", d.data);
        buf_free(&d);
    }
}

/* The reason from a JSON body, or false when it is no known envelope. */
static bool put_json_reason(struct buf *b, const cJSON *root, int status)
{
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
    const char *message = str_member(root, "message");
    size_t start = b->len;

    if (cJSON_IsObject(error)) {
        put_es_error(b, error);
    } else if (message != NULL) {
        /* Kibana's Boom {"statusCode","error","message"}, or a bare one */
        const char *phrase = str_member(root, "error");

        if (phrase != NULL && strcmp(phrase, message) != 0) {
            buf_puts(b, phrase);
            buf_puts(b, ": ");
        } else if (phrase == NULL && status > 0) {
            buf_printf(b, "HTTP %d: ", status);
        }
        es_put_line(b, message, ES_REASON_MAX);
    } else if (cJSON_IsString(error)) {
        es_put_line(b, error->valuestring, ES_REASON_MAX); /* ES 6 REST */
    }
    return b->len > start;
}

char *es_error_reason(int status, const char *p, size_t n)
{
    struct buf b = { 0 };
    const char *phrase = status_phrase(status);
    size_t i = 0;

    if (p == NULL)
        n = 0;
    while (i < n &&
           (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < n && (p[i] == '{' || p[i] == '[')) {
        cJSON *root = es_json_parse(p + i, n - i, NULL);
        bool ok = root != NULL && put_json_reason(&b, root, status);

        cJSON_Delete(root);
        if (ok)
            return buf_steal(&b);
        buf_reset(&b);
    }
    if (i >= n) {
        if (status <= 0)
            return xstrdup("empty response");
        if (phrase != NULL)
            return xasprintf("HTTP %d %s", status, phrase);
        return xasprintf("HTTP %d", status);
    }
    if (status > 0)
        buf_printf(&b, "HTTP %d: ", status);
    es_put_quote(&b, p + i, n - i, QUOTE_MAX);
    if (b.len == 0)
        buf_puts(&b, "unreadable response");
    return buf_steal(&b);
}
