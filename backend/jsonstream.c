/*
 * Byte-level state machine over {"results":[ ... ]}: tracks strings,
 * escapes and nesting, hands out each element, keeps the other top-level
 * members (small) so an error body can be reported.
 */
#include "jsonstream.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

enum { KEY_MAX = 64, REST_MAX = 64 * 1024 };

enum js_state {
    JS_START,     /* before the top-level '{' */
    JS_KEY_FIRST, /* after '{': a key or '}' */
    JS_KEY,       /* after ',': a key */
    JS_KEY_STR,   /* inside a key */
    JS_COLON,
    JS_VALUE, /* before a member's value */
    JS_OTHER, /* inside a member other than "results" */
    JS_MEMBER_END,
    JS_ARR_FIRST, /* after '[': an element or ']' */
    JS_ARR_ELEM,  /* after ',': an element */
    JS_ELEM,      /* inside an element */
    JS_ARR_NEXT,  /* after an element: ',' or ']' */
    JS_DONE,
    JS_FAILED
};

struct jsonstream {
    int (*cb)(void *ctx, const char *elem, size_t len, struct mc_err *err);
    void *ctx;
    enum js_state state;
    bool in_str, esc, seen_results, key_long;
    size_t depth;
    size_t count, bytes;
    char key[KEY_MAX];
    size_t keylen;
    struct buf elem; /* the partial element carried between chunks */
    struct buf rest; /* other members, as a JSON object text */
    bool rest_cut;
    struct mc_err saved;
};

struct jsonstream *jsonstream_new(int (*cb)(void *ctx, const char *elem,
                                            size_t len, struct mc_err *err),
                                  void *ctx)
{
    struct jsonstream *js = xcalloc(1, sizeof *js);

    js->cb = cb;
    js->ctx = ctx;
    return js;
}

void jsonstream_free(struct jsonstream *js)
{
    if (js == NULL)
        return;
    buf_free(&js->elem);
    buf_free(&js->rest);
    free(js);
}

size_t jsonstream_count(const struct jsonstream *js)
{
    return js->count;
}

size_t jsonstream_bytes(const struct jsonstream *js)
{
    return js->bytes;
}

const char *jsonstream_rest(const struct jsonstream *js, size_t *len)
{
    if (js->rest.len == 0) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = js->rest.len;
    return js->rest.data;
}

/* The callback failed with err set: remember it, with our code. */
static int keep_error(struct jsonstream *js, struct mc_err *err)
{
    js->state = JS_FAILED;
    err->code = JSONSTREAM_ERR_CALLBACK;
    js->saved = *err;
    return -1;
}

static int fail(struct jsonstream *js, struct mc_err *err,
                enum jsonstream_error code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct jsonstream *js, struct mc_err *err,
                enum jsonstream_error code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(js->saved.msg, sizeof js->saved.msg, fmt, ap);
    va_end(ap);
    js->saved.code = (int)code;
    js->state = JS_FAILED;
    if (err != NULL)
        *err = js->saved;
    return -1;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void rest_add(struct jsonstream *js, const char *p, size_t len)
{
    if (js->rest_cut || js->rest.len + len > REST_MAX) {
        js->rest_cut = true;
        return;
    }
    buf_append(&js->rest, p, len);
}

/* The top-level object closed: fine if it had "results", else explain. */
static int top_closed(struct jsonstream *js, struct mc_err *err)
{
    cJSON *o, *e, *s;
    int rc;

    if (js->rest.len > 0)
        buf_putc(&js->rest, '}');
    js->state = JS_DONE;
    if (js->seen_results)
        return 0;
    o = js->rest_cut ? NULL
                     : cJSON_ParseWithLength(js->rest.data, js->rest.len);
    e = cJSON_GetObjectItemCaseSensitive(o, "error");
    s = cJSON_GetObjectItemCaseSensitive(o, "status");
    if (e != NULL || s != NULL) {
        rc = fail(js, err, JSONSTREAM_ERR_ERROR_BODY, "server error %d: %.200s",
                  cJSON_IsNumber(e) ? e->valueint : 0,
                  cJSON_IsString(s) ? s->valuestring : "(no status)");
    } else {
        rc = fail(js, err, JSONSTREAM_ERR_NO_RESULTS,
                  "response has no \"results\" array");
    }
    cJSON_Delete(o);
    return rc;
}

/* A member value starts at c; returns -1 on error. */
static int start_value(struct jsonstream *js, char c, struct mc_err *err)
{
    bool results =
        !js->key_long && js->keylen == 7 && memcmp(js->key, "results", 7) == 0;

    if (results) {
        if (c != '[')
            return fail(js, err, JSONSTREAM_ERR_NOT_ARRAY,
                        "\"results\" is not an array");
        js->seen_results = true;
        js->state = JS_ARR_FIRST;
        return 0;
    }
    rest_add(js, js->rest.len == 0 ? "{\"" : ",\"", 2);
    rest_add(js, js->key, js->keylen);
    rest_add(js, "\":", 2);
    js->state = JS_OTHER;
    js->depth = 0;
    js->in_str = js->esc = false;
    return 0;
}

/*
 * One byte of a member other than "results". Returns 1 when the value has
 * ended before c (c must be looked at again), else 0.
 */
static int other_byte(struct jsonstream *js, char c)
{
    if (js->in_str) {
        if (js->esc)
            js->esc = false;
        else if (c == '\\')
            js->esc = true;
        else if (c == '"')
            js->in_str = false;
    } else if (c == '"') {
        js->in_str = true;
    } else if (c == '{' || c == '[') {
        js->depth++;
    } else if (c == '}' || c == ']' || c == ',') {
        if (js->depth == 0)
            return 1;
        if (c != ',')
            js->depth--;
    }
    if (!is_ws(c) || js->in_str)
        rest_add(js, &c, 1);
    return 0;
}

/* Bytes that end a run inside a string, and outside strings. */
static const bool str_special[256] = { ['"'] = true, ['\\'] = true };
static const bool structural[256] = {
    ['"'] = true, ['{'] = true, ['}'] = true, ['['] = true, [']'] = true,
};

/*
 * Scan element bytes p[k..len) with the string/escape/depth state in js.
 * Returns the index of the byte that closes the element, or len. The
 * inner loops skip plain bytes with one table look-up each.
 */
static size_t elem_end(struct jsonstream *js, const char *p, size_t k,
                       size_t len)
{
    const unsigned char *u = (const unsigned char *)p;

    while (k < len) {
        if (js->in_str) {
            if (js->esc) {
                js->esc = false;
                k++;
                continue;
            }
            while (k < len && !str_special[u[k]])
                k++;
            if (k == len)
                break;
            if (u[k] == '\\')
                js->esc = true;
            else
                js->in_str = false;
        } else {
            while (k < len && !structural[u[k]])
                k++;
            if (k == len)
                break;
            if (u[k] == '"')
                js->in_str = true;
            else if (u[k] == '{' || u[k] == '[')
                js->depth++;
            else if (--js->depth == 0)
                return k;
        }
        k++;
    }
    return len;
}

/*
 * Scan inside an element from p[*i]; delivers it when it closes. seg is
 * where this chunk's part of the element starts. Returns -1 on error.
 */
static int elem_scan(struct jsonstream *js, const char *p, size_t len,
                     size_t *i, const char *seg, struct mc_err *err)
{
    size_t k = elem_end(js, p, *i, len);
    const char *d = seg;
    size_t n = (size_t)(p + k + 1 - seg);

    if (k == len) {
        buf_append(&js->elem, seg, (size_t)(p + len - seg));
        *i = len - 1;
        return 0;
    }
    if (js->elem.len > 0) {
        buf_append(&js->elem, seg, n);
        d = js->elem.data;
        n = js->elem.len;
    }
    *i = k;
    js->state = JS_ARR_NEXT;
    if (js->cb != NULL && js->cb(js->ctx, d, n, err) < 0) {
        if (err == NULL)
            return fail(js, err, JSONSTREAM_ERR_CALLBACK, "object %zu rejected",
                        js->count + 1);
        return keep_error(js, err);
    }
    js->count++;
    buf_reset(&js->elem);
    return 0;
}

static int not_object(struct jsonstream *js, char c, struct mc_err *err)
{
    if (c == '<')
        return fail(js, err, JSONSTREAM_ERR_NOT_OBJECT,
                    "response is HTML, not JSON");
    return fail(js, err, JSONSTREAM_ERR_NOT_OBJECT,
                "response is not a JSON object (starts with '%c')",
                c >= 0x20 && c < 0x7f ? c : '?');
}

static int syntax(struct jsonstream *js, char c, size_t at, struct mc_err *err)
{
    return fail(js, err, JSONSTREAM_ERR_SYNTAX,
                "malformed response at byte %zu (unexpected '%c')", at + 1,
                c >= 0x20 && c < 0x7f ? c : '?');
}

/* One byte of a top-level key (kept, up to KEY_MAX bytes, for "results"). */
static void key_byte(struct jsonstream *js, char c)
{
    if (js->esc) {
        js->esc = false;
    } else if (c == '\\') {
        js->esc = true;
    } else if (c == '"') {
        js->state = JS_COLON;
        return;
    }
    if (js->keylen < KEY_MAX)
        js->key[js->keylen++] = c;
    else
        js->key_long = true;
}

/* A non-space byte between the elements of the results array. */
static int array_byte(struct jsonstream *js, char c, size_t at,
                      struct mc_err *err)
{
    if (js->state == JS_ARR_NEXT) {
        if (c == ',')
            js->state = JS_ARR_ELEM;
        else if (c == ']')
            js->state = JS_MEMBER_END;
        else
            return syntax(js, c, at, err);
        return 0;
    }
    if (c == ']' && js->state == JS_ARR_FIRST) {
        js->state = JS_MEMBER_END;
        return 0;
    }
    if (c != '{')
        return fail(js, err, JSONSTREAM_ERR_NOT_ARRAY,
                    "\"results\" element %zu is not an object", js->count + 1);
    js->state = JS_ELEM;
    js->depth = 1;
    js->in_str = js->esc = false;
    return 0;
}

/* One byte outside elements and other members. */
static int top_byte(struct jsonstream *js, char c, size_t at,
                    struct mc_err *err)
{
    if (js->state == JS_KEY_STR) {
        key_byte(js, c);
        return 0;
    }
    if (is_ws(c))
        return 0;
    switch (js->state) {
    case JS_START:
        if (c != '{')
            return not_object(js, c, err);
        js->state = JS_KEY_FIRST;
        return 0;
    case JS_KEY_FIRST:
    case JS_KEY:
        if (c == '}' && js->state == JS_KEY_FIRST)
            return top_closed(js, err);
        if (c != '"')
            return syntax(js, c, at, err);
        js->state = JS_KEY_STR;
        js->keylen = 0;
        js->key_long = js->esc = false;
        return 0;
    case JS_COLON:
        if (c != ':')
            return syntax(js, c, at, err);
        js->state = JS_VALUE;
        return 0;
    case JS_VALUE:
        if (c == '}' || c == ']' || c == ',' || c == ':')
            return syntax(js, c, at, err);
        if (start_value(js, c, err) < 0)
            return -1;
        if (js->state == JS_OTHER)
            other_byte(js, c);
        return 0;
    case JS_MEMBER_END:
        if (c == '}')
            return top_closed(js, err);
        if (c != ',')
            return syntax(js, c, at, err);
        js->state = JS_KEY;
        return 0;
    case JS_ARR_FIRST:
    case JS_ARR_ELEM:
    case JS_ARR_NEXT:
        return array_byte(js, c, at, err);
    case JS_DONE:
        return fail(js, err, JSONSTREAM_ERR_TRAILING,
                    "unexpected data after the response (byte %zu)", at + 1);
    default:
        return syntax(js, c, at, err);
    }
}

int jsonstream_feed(struct jsonstream *js, const char *p, size_t len,
                    struct mc_err *err)
{
    size_t base = js->bytes;
    const char *seg = NULL; /* where this chunk's part of an element starts */

    if (js->state == JS_FAILED) {
        if (err != NULL)
            *err = js->saved;
        return -1;
    }
    if (p == NULL || len == 0)
        return 0;
    js->bytes += len;
    for (size_t i = 0; i < len; i++) {
        if (js->state == JS_ELEM) {
            if (seg == NULL)
                seg = p + i; /* the element began in an earlier chunk */
            if (elem_scan(js, p, len, &i, seg, err) < 0)
                return -1;
            seg = NULL;
            continue;
        }
        if (js->state == JS_OTHER) {
            if (other_byte(js, p[i]) == 0)
                continue;
            js->state = JS_MEMBER_END;
        }
        if (top_byte(js, p[i], base + i, err) < 0)
            return -1;
        if (js->state == JS_ELEM)
            seg = p + i; /* at the element's '{' */
    }
    if (seg != NULL) /* the chunk ended right after an element's '{' */
        buf_append(&js->elem, seg, (size_t)(p + len - seg));
    return 0;
}

int jsonstream_finish(struct jsonstream *js, struct mc_err *err)
{
    switch (js->state) {
    case JS_FAILED:
        if (err != NULL)
            *err = js->saved;
        return -1;
    case JS_DONE:
        return 0;
    case JS_START:
        return fail(js, err, JSONSTREAM_ERR_EMPTY, "empty response");
    case JS_ARR_FIRST:
    case JS_ARR_ELEM:
    case JS_ELEM:
    case JS_ARR_NEXT:
        return fail(js, err, JSONSTREAM_ERR_TRUNCATED,
                    "response truncated after %zu objects", js->count);
    default:
        return fail(js, err, JSONSTREAM_ERR_TRUNCATED, "response truncated");
    }
}
