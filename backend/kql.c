/*
 * KQL (Kibana Query Language) to Elasticsearch query DSL, written as
 * Kibana's @kbn/es-query writes it without a data view: a recursive descent
 * over Kibana's grammar (packages/kbn-es-query/src/kuery/grammar/
 * grammar.peggy) that builds the DSL as it goes.
 *
 *   query   := or_q
 *   or_q    := and_q ( WS+ "or"i WS+ and_q )*
 *   and_q   := not_q ( WS+ "and"i WS+ not_q )*
 *   not_q   := "not"i WS+ primary | primary
 *   primary := "(" WS* or_q WS* ")" | expr
 *   expr    := literal WS* rangeop WS* literal
 *            | literal WS* ":" WS* values | literal
 *   values  := the same or/and/not/() grammar, over literals
 *
 * The value grammar is the query grammar with a literal as its leaf, so one
 * set of functions parses both: `field` is NULL for the query, the field
 * name inside `field:(...)`.
 *
 * Where this differs from Kibana, on inputs Kibana gets wrong:
 *  - "not" is a keyword only at the start of a word: `cannot connect` is
 *    one literal (Kibana stops at the "not " inside "cannot" and fails);
 *  - `\not` is the escaped word "not" (Kibana reads `\n`, a newline, first);
 *  - an unquoted `null` stays the string "null" (Kibana sends JSON null,
 *    which match and multi_match refuse); true and false are booleans, as
 *    in Kibana;
 *  - a lone `*` without a field is match_all wherever it stands;
 *  - nested field queries (`items:{ ... }`) need the mapping: refused.
 */
#include "es.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

enum { MAX_DEPTH = 64 };

/* What query_string gives a meaning to; escaped in wildcard values. */
static const char qs_special[] = "+-=&|><!(){}[]^\"~*?:\\/";
/* What ends an unquoted literal ('*' is a wildcard, '\\' an escape). */
static const char kql_special[] = "():<>\"{}";

struct kql {
    const char *s;
    size_t n, p; /* length, position */
    int depth;   /* open parentheses */
    struct mc_err *err;
};

/* A literal as decoded: its text and which of its bytes are wildcards. */
struct lit {
    struct buf text;
    struct buf wild; /* one byte per byte of text: 1 for a wildcard */
    bool quoted;
};

/* --- UTF-8 -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n) (its code point in *cp), or
 * 0: overlong forms, surrogates and values past U+10FFFF are invalid. */
static size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t c, min;

    if (n == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        len = 2;
        c = u[0] & 0x1Fu;
        min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3;
        c = u[0] & 0x0Fu;
        min = 0x800;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        len = 4;
        c = u[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (u[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static size_t utf8_encode(uint32_t c, char out[4])
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* What JavaScript's String.prototype.trim() removes. */
static bool js_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* --- errors ------------------------------------------------------------- */

/* 1-based column (in characters) of byte offset p. */
static size_t column(const struct kql *k, size_t p)
{
    size_t col = 1;

    for (size_t i = 0; i < p && i < k->n; i++)
        if (((unsigned char)k->s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static size_t not_at(const struct kql *k, size_t p);

/* The character (or keyword) at p, quoted, for "found ..." in errors. */
static void describe(const struct kql *k, size_t p, char *out, size_t size)
{
    uint32_t cp = 0;
    size_t len = utf8_decode(k->s + p, k->n - p, &cp);

    if (not_at(k, p) > 0)
        snprintf(out, size, "'%.3s'", k->s + p);
    else if (len == 0)
        snprintf(out, size, "byte 0x%02X", (unsigned)(unsigned char)k->s[p]);
    else if (cp < 0x20 || cp == 0x7F)
        snprintf(out, size, "U+%04X", (unsigned)cp);
    else
        snprintf(out, size, "'%.*s'", (int)len, k->s + p);
}

/* Set the error at byte p; with found, name what stands there. */
__attribute__((format(printf, 4, 5))) static void
fail(struct kql *k, size_t p, bool found, const char *fmt, ...)
{
    char msg[160], what[24];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (found && p < k->n) {
        describe(k, p, what, sizeof what);
        err_set(k->err, "KQL: column %zu: %s, found %s", column(k, p), msg,
                what);
    } else {
        err_set(k->err, "KQL: column %zu: %s", column(k, p), msg);
    }
}

/* A query (field NULL) or a value (in field:(...)) is missing. */
static void fail_operand(struct kql *k, const struct lit *field,
                         const char *after)
{
    const char *what = field == NULL ? "a query" : "a value";

    if (after == NULL)
        fail(k, k->p, true, "expected %s", what);
    else
        fail(k, k->p, true, "expected %s after %s", what, after);
}

/* --- tokens ------------------------------------------------------------- */

/* Length of the whitespace character at p (space, tab, CR, LF, NBSP). */
static size_t space_at(const struct kql *k, size_t p)
{
    if (p >= k->n)
        return 0;
    switch (k->s[p]) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
        return 1;
    default:
        break;
    }
    if ((unsigned char)k->s[p] == 0xC2 && p + 1 < k->n &&
        (unsigned char)k->s[p + 1] == 0xA0)
        return 2;
    return 0;
}

static size_t skip_spaces(const struct kql *k, size_t p)
{
    size_t len;

    while ((len = space_at(k, p)) > 0)
        p += len;
    return p;
}

/* Whether the lower-case ASCII word w stands at p, in any case. */
static bool word_at(const struct kql *k, size_t p, const char *w)
{
    for (size_t i = 0; w[i] != '\0'; i++) {
        char c;

        if (p + i >= k->n)
            return false;
        c = k->s[p + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return false;
    }
    return true;
}

/* WS+ word WS+ at p ("or", "and"): the offset after it, or 0. */
static size_t binop_at(const struct kql *k, size_t p, const char *w)
{
    size_t q;

    if (space_at(k, p) == 0)
        return 0;
    q = skip_spaces(k, p);
    if (!word_at(k, q, w))
        return 0;
    q += strlen(w);
    if (space_at(k, q) == 0)
        return 0;
    return skip_spaces(k, q);
}

/* "not" WS+ at p: the offset after it, or 0. */
static size_t not_at(const struct kql *k, size_t p)
{
    if (!word_at(k, p, "not") || space_at(k, p + 3) == 0)
        return 0;
    return skip_spaces(k, p + 3);
}

static bool after_space(const struct kql *k, size_t p)
{
    return (p >= 1 && space_at(k, p - 1) == 1) ||
           (p >= 2 && space_at(k, p - 2) == 2);
}

/* Whether an unquoted literal that began at start ends at p (a keyword). */
static bool keyword_at(const struct kql *k, size_t p, size_t start)
{
    if (binop_at(k, p, "or") > 0 || binop_at(k, p, "and") > 0)
        return true;
    return (p == start || after_space(k, p)) && not_at(k, p) > 0;
}

/* --- literals ----------------------------------------------------------- */

static void lit_add(struct lit *l, const char *p, size_t len, bool wild)
{
    buf_append(&l->text, p, len);
    for (size_t i = 0; i < len; i++)
        buf_putc(&l->wild, wild ? 1 : 0);
}

static void lit_add_char(struct lit *l, uint32_t c)
{
    char u[4];

    lit_add(l, u, utf8_encode(c, u), false);
}

static void lit_free(struct lit *l)
{
    buf_free(&l->text);
    buf_free(&l->wild);
}

static const char *lit_text(const struct lit *l)
{
    return l->text.data != NULL ? l->text.data : "";
}

static bool lit_wild(const struct lit *l)
{
    return l->wild.data != NULL && memchr(l->wild.data, 1, l->wild.len);
}

/* A lone unescaped '*'. */
static bool lit_lone_wild(const struct lit *l)
{
    return l->text.len == 1 && l->wild.data[0] == 1;
}

/* Drop leading and trailing whitespace, as the grammar's trim() does. */
static void lit_trim(struct lit *l)
{
    char *t = l->text.data;
    size_t a = 0, b = l->text.len, len;
    uint32_t cp;

    while (a < b && (len = utf8_decode(t + a, b - a, &cp)) > 0 && js_space(cp))
        a += len;
    while (b > a) {
        size_t s = b - 1;

        while (s > a && ((unsigned char)t[s] & 0xC0) == 0x80)
            s--;
        if (utf8_decode(t + s, b - s, &cp) == 0 || !js_space(cp))
            break;
        b = s;
    }
    memmove(t, t + a, b - a);
    memmove(l->wild.data, l->wild.data + a, b - a);
    l->text.len = l->wild.len = b - a;
    t[b - a] = '\0';
    l->wild.data[b - a] = '\0';
}

/* Four hex digits at p into *v. */
static bool hex4(const struct kql *k, size_t p, uint32_t *v)
{
    *v = 0;
    for (size_t i = 0; i < 4; i++) {
        char c = p + i < k->n ? k->s[p + i] : '\0';

        if (c >= '0' && c <= '9')
            *v = *v << 4 | (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            *v = *v << 4 | (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            *v = *v << 4 | (uint32_t)(c - 'A' + 10);
        else
            return false;
    }
    return true;
}

/* The \uXXXX at k->p (its digits checked), with the low half of a UTF-16
 * surrogate pair. 0, or -1 with the error set. */
static int unicode_escape(struct kql *k, struct lit *l)
{
    size_t at = k->p;
    uint32_t c, lo;

    hex4(k, at + 2, &c);
    k->p += 6;
    if (c >= 0xDC00 && c <= 0xDFFF) {
        fail(k, at, false,
             "'\\u%04X' is the second half of a UTF-16 surrogate pair "
             "without its first",
             (unsigned)c);
        return -1;
    }
    if (c >= 0xD800 && c <= 0xDBFF) {
        if (k->p + 1 >= k->n || k->s[k->p] != '\\' || k->s[k->p + 1] != 'u' ||
            !hex4(k, k->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
            fail(k, at, false,
                 "'\\u%04X' must be followed by the second half of its "
                 "UTF-16 surrogate pair (\\uDC00 to \\uDFFF)",
                 (unsigned)c);
            return -1;
        }
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        k->p += 6;
    }
    if (c == 0) {
        fail(k, at, false, "'\\u0000' (NUL) cannot be searched for");
        return -1;
    }
    lit_add_char(l, c);
    return 0;
}

/* \t \r \n at k->p: consumed and added. */
static bool whitespace_escape(struct kql *k, struct lit *l)
{
    char c = k->p + 1 < k->n ? k->s[k->p + 1] : '\0';

    if (c != 't' && c != 'r' && c != 'n')
        return false;
    lit_add_char(l, c == 't' ? '\t' : c == 'r' ? '\r' : '\n');
    k->p += 2;
    return true;
}

/* A backslash escape in an unquoted literal. 0, or -1 with the error. */
static int unquoted_escape(struct kql *k, struct lit *l)
{
    static const char *const words[] = { "not", "or", "and" };
    size_t at = k->p, len;
    uint32_t v, cp;
    char c;

    /* "not" before \n: `\not` is the word, not a newline and "ot". */
    if (word_at(k, at + 1, "not")) {
        lit_add(l, k->s + at + 1, 3, false);
        k->p += 4;
        return 0;
    }
    if (whitespace_escape(k, l))
        return 0;
    c = at + 1 < k->n ? k->s[at + 1] : '\0';
    if (c == '\\' || c == '*' || (c != '\0' && strchr(kql_special, c))) {
        lit_add(l, &c, 1, false);
        k->p += 2;
        return 0;
    }
    if (c == 'u' && hex4(k, at + 2, &v))
        return unicode_escape(k, l);
    for (size_t i = 1; i < sizeof words / sizeof words[0]; i++) {
        if (word_at(k, at + 1, words[i])) {
            len = strlen(words[i]);
            lit_add(l, k->s + at + 1, len, false);
            k->p += 1 + len;
            return 0;
        }
    }
    if (c == '\0')
        fail(k, at, false, "a '\\' at the end escapes nothing");
    else if (c == 'u')
        fail(k, at, false, "'\\u' needs four hex digits");
    else if ((len = utf8_decode(k->s + at + 1, k->n - at - 1, &cp)) > 0 &&
             cp >= 0x20 && cp != 0x7F)
        fail(k, at, false,
             "invalid escape '\\%.*s' (escape only \\():<>\"*{} and "
             "and/or/not)",
             (int)len, k->s + at + 1);
    else
        fail(k, at, false, "invalid escape after '\\'");
    return -1;
}

/* "..." at k->p. 1, or -1 with the error set. */
static int scan_quoted(struct kql *k, struct lit *l)
{
    size_t open = k->p, len;
    uint32_t v, cp;

    l->quoted = true;
    k->p++;
    for (;;) {
        char c = k->p < k->n ? k->s[k->p] : '\0';
        char d = k->p + 1 < k->n ? k->s[k->p + 1] : '\0';

        if (k->p >= k->n) {
            fail(k, open, false, "this '\"' is never closed");
            return -1;
        }
        if (c == '"') {
            k->p++;
            return 1;
        }
        if (c == '\\' && whitespace_escape(k, l))
            continue;
        if (c == '\\' && d == 'u' && hex4(k, k->p + 2, &v)) {
            if (unicode_escape(k, l) < 0)
                return -1;
            continue;
        }
        if (c == '\\' && (d == '\\' || d == '"')) {
            lit_add(l, &d, 1, false);
            k->p += 2;
            continue;
        }
        /* Any other backslash stands for itself. */
        len = utf8_decode(k->s + k->p, k->n - k->p, &cp);
        len = len > 0 ? len : 1;
        lit_add(l, k->s + k->p, len, false);
        k->p += len;
    }
}

/* An unquoted literal at k->p: 1, 0 when there is none, -1 on error. */
static int scan_unquoted(struct kql *k, struct lit *l)
{
    size_t start = k->p, len;
    uint32_t cp;

    while (k->p < k->n) {
        char c = k->s[k->p];

        if (c == '\\') {
            if (unquoted_escape(k, l) < 0)
                return -1;
            continue;
        }
        if (c == '*') {
            lit_add(l, "*", 1, true);
            k->p++;
            continue;
        }
        if (strchr(kql_special, c) != NULL || keyword_at(k, k->p, start))
            break;
        len = utf8_decode(k->s + k->p, k->n - k->p, &cp);
        len = len > 0 ? len : 1;
        lit_add(l, k->s + k->p, len, false);
        k->p += len;
    }
    if (k->p == start)
        return 0;
    lit_trim(l);
    return 1;
}

static int scan_literal(struct kql *k, struct lit *l)
{
    if (k->p < k->n && k->s[k->p] == '"')
        return scan_quoted(k, l);
    return scan_unquoted(k, l);
}

/* --- DSL ---------------------------------------------------------------- */

/* {"bool":{key:x}}, with "minimum_should_match":1 for should. */
static cJSON *bool_of(const char *key, cJSON *x)
{
    cJSON *q = cJSON_CreateObject();
    cJSON *b = cJSON_AddObjectToObject(q, "bool");

    cJSON_AddItemToObject(b, key, x);
    if (strcmp(key, "should") == 0)
        cJSON_AddNumberToObject(b, "minimum_should_match", 1);
    return q;
}

/* {"bool":{"should":[q],"minimum_should_match":1}}, the shape of is and
 * range: one clause per field the name resolves to; here, the name. */
static cJSON *should_one(cJSON *q)
{
    cJSON *a = cJSON_CreateArray();

    cJSON_AddItemToArray(a, q);
    return bool_of("should", a);
}

static cJSON *match_all(void)
{
    cJSON *q = cJSON_CreateObject();

    cJSON_AddObjectToObject(q, "match_all");
    return q;
}

/* The value as the DSL gets it: unquoted true and false are booleans. */
static cJSON *lit_json(const struct lit *l)
{
    const char *t = lit_text(l);

    if (!l->quoted && strcmp(t, "true") == 0)
        return cJSON_CreateTrue();
    if (!l->quoted && strcmp(t, "false") == 0)
        return cJSON_CreateFalse();
    return cJSON_CreateString(t);
}

/* A wildcard value for query_string: its reserved characters escaped but
 * for the wildcards themselves. */
static cJSON *lit_query_string(const struct lit *l)
{
    struct buf b = { 0 };
    cJSON *s;

    for (size_t i = 0; i < l->text.len; i++) {
        char c = l->text.data[i];

        if (l->wild.data[i] == 0 && strchr(qs_special, c) != NULL)
            buf_putc(&b, '\\');
        buf_putc(&b, c);
    }
    s = cJSON_CreateString(b.data != NULL ? b.data : "");
    buf_free(&b);
    return s;
}

/* field:value, or the value alone (field NULL). */
static cJSON *build_is(const struct lit *field, const struct lit *v)
{
    cJSON *q, *o;
    const char *name;

    if (field == NULL && lit_lone_wild(v))
        return match_all();
    if (field == NULL) {
        q = cJSON_CreateObject();
        if (lit_wild(v)) {
            o = cJSON_AddObjectToObject(q, "query_string");
            cJSON_AddItemToObject(o, "query", lit_query_string(v));
            return q;
        }
        o = cJSON_AddObjectToObject(q, "multi_match");
        cJSON_AddStringToObject(o, "type",
                                v->quoted ? "phrase" : "best_fields");
        cJSON_AddItemToObject(o, "query", lit_json(v));
        cJSON_AddTrueToObject(o, "lenient");
        return q;
    }
    if (lit_lone_wild(field) && lit_lone_wild(v))
        return match_all();
    name = lit_text(field);
    q = cJSON_CreateObject();
    if (lit_lone_wild(v)) {
        o = cJSON_AddObjectToObject(q, "exists");
        cJSON_AddStringToObject(o, "field", name);
    } else if (lit_wild(v)) {
        o = cJSON_AddObjectToObject(q, "query_string");
        cJSON_AddItemToObject(o, "fields", cJSON_CreateStringArray(&name, 1));
        cJSON_AddItemToObject(o, "query", lit_query_string(v));
    } else {
        o = cJSON_AddObjectToObject(q, v->quoted ? "match_phrase" : "match");
        cJSON_AddItemToObject(o, name, lit_json(v));
    }
    return should_one(q);
}

static cJSON *build_range(const struct lit *field, const char *op,
                          const struct lit *v)
{
    cJSON *q = cJSON_CreateObject();
    cJSON *r = cJSON_AddObjectToObject(q, "range");
    cJSON *f = cJSON_AddObjectToObject(r, lit_text(field));

    cJSON_AddItemToObject(f, op, lit_json(v));
    return should_one(q);
}

/* --- grammar ------------------------------------------------------------ */

static cJSON *parse_or(struct kql *k, const struct lit *field,
                       const char *after);

/* "(" WS* or_q WS* ")" at k->p. */
static cJSON *parse_group(struct kql *k, const struct lit *field)
{
    size_t open = k->p;
    cJSON *x;

    if (k->depth >= MAX_DEPTH) {
        fail(k, open, false, "more than %d nested '('", MAX_DEPTH);
        return NULL;
    }
    k->depth++;
    k->p = skip_spaces(k, open + 1);
    x = parse_or(k, field, "'('");
    k->depth--;
    if (x == NULL)
        return NULL;
    k->p = skip_spaces(k, k->p);
    if (k->p < k->n && k->s[k->p] == ')') {
        k->p++;
        return x;
    }
    cJSON_Delete(x);
    if (k->p >= k->n)
        fail(k, k->p, false, "missing ')' for the '(' at column %zu",
             column(k, open));
    else
        fail(k, k->p, true,
             "expected 'and', 'or' or the ')' for the '(' at column %zu",
             column(k, open));
    return NULL;
}

/* A value in field:(...): the literal, applied to the field. */
static cJSON *parse_value(struct kql *k, const struct lit *field,
                          const char *after)
{
    struct lit v = { 0 };
    cJSON *x = NULL;
    int r = scan_literal(k, &v);

    if (r == 0)
        fail_operand(k, field, after);
    else if (r > 0)
        x = build_is(field, &v);
    lit_free(&v);
    return x;
}

static cJSON *parse_primary(struct kql *k, const struct lit *field,
                            const char *after);

/* The range operator at p, its length in *len; NULL when none. */
static const char *range_op(const struct kql *k, size_t p, size_t *len)
{
    char c = p < k->n ? k->s[p] : '\0';
    bool eq = p + 1 < k->n && k->s[p + 1] == '=';

    *len = eq ? 2 : 1;
    if (c == '<')
        return eq ? "lte" : "lt";
    if (c == '>')
        return eq ? "gte" : "gt";
    return NULL;
}

/* field > value, field:values, or a value alone. */
static cJSON *parse_expr(struct kql *k, const char *after)
{
    struct lit f = { 0 }, v = { 0 };
    cJSON *x = NULL;
    size_t end, q, oplen;
    const char *op;
    int r = scan_literal(k, &f);

    if (r == 0)
        fail_operand(k, NULL, after);
    if (r <= 0) {
        lit_free(&f);
        return NULL;
    }
    end = k->p;
    q = skip_spaces(k, end);
    if ((op = range_op(k, q, &oplen)) != NULL) {
        k->p = skip_spaces(k, q + oplen);
        r = scan_literal(k, &v);
        if (r == 0)
            fail(k, k->p, true, "expected a value after '%.*s'", (int)oplen,
                 k->s + q);
        else if (r > 0)
            x = build_range(&f, op, &v);
    } else if (q < k->n && k->s[q] == ':') {
        k->p = skip_spaces(k, q + 1);
        if (k->p < k->n && k->s[k->p] == '{')
            fail(k, k->p, false, "nested field queries ({}) are not supported");
        else
            x = parse_primary(k, &f, "':'");
    } else {
        k->p = end;
        x = build_is(NULL, &f);
    }
    lit_free(&f);
    lit_free(&v);
    return x;
}

static cJSON *parse_primary(struct kql *k, const struct lit *field,
                            const char *after)
{
    if (k->p < k->n && k->s[k->p] == '(')
        return parse_group(k, field);
    return field == NULL ? parse_expr(k, after) : parse_value(k, field, after);
}

static cJSON *parse_not(struct kql *k, const struct lit *field,
                        const char *after)
{
    size_t e = not_at(k, k->p);
    cJSON *x;

    if (e == 0)
        return parse_primary(k, field, after);
    k->p = e;
    x = parse_primary(k, field, "'not'");
    return x == NULL ? NULL : bool_of("must_not", x);
}

typedef cJSON *operand_fn(struct kql *k, const struct lit *field,
                          const char *after);

/* Operands joined by one keyword: or → should, and → filter. */
static cJSON *parse_joined(struct kql *k, const struct lit *field,
                           const char *after, const char *word,
                           operand_fn *operand)
{
    cJSON *x = operand(k, field, after), *list;
    char ctx[8];
    size_t e;

    if (x == NULL || (e = binop_at(k, k->p, word)) == 0)
        return x;
    snprintf(ctx, sizeof ctx, "'%s'", word);
    list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, x);
    do {
        k->p = e;
        x = operand(k, field, ctx);
        if (x == NULL) {
            cJSON_Delete(list);
            return NULL;
        }
        cJSON_AddItemToArray(list, x);
    } while ((e = binop_at(k, k->p, word)) > 0);
    return bool_of(strcmp(word, "or") == 0 ? "should" : "filter", list);
}

static cJSON *parse_and(struct kql *k, const struct lit *field,
                        const char *after)
{
    return parse_joined(k, field, after, "and", parse_not);
}

static cJSON *parse_or(struct kql *k, const struct lit *field,
                       const char *after)
{
    return parse_joined(k, field, after, "or", parse_and);
}

char *kql_to_dsl(const char *kql, struct mc_err *err)
{
    struct kql k = { kql != NULL ? kql : "", 0, 0, 0, err };
    cJSON *q;
    char *out;
    uint32_t cp;

    k.n = strlen(k.s);
    for (size_t p = 0, len; p < k.n; p += len) {
        if ((len = utf8_decode(k.s + p, k.n - p, &cp)) == 0) {
            err_set(err, "KQL: column %zu: invalid UTF-8", column(&k, p));
            return NULL;
        }
    }
    k.p = skip_spaces(&k, 0);
    if (k.p == k.n) {
        q = match_all();
    } else {
        q = parse_or(&k, NULL, NULL);
        if (q == NULL)
            return NULL;
        k.p = skip_spaces(&k, k.p);
        if (k.p < k.n) {
            cJSON_Delete(q);
            if (k.s[k.p] == ')')
                fail(&k, k.p, false, "unexpected ')' without a '('");
            else
                fail(&k, k.p, true,
                     "expected 'and', 'or' or the end of the query");
            return NULL;
        }
    }
    out = cJSON_PrintUnformatted(q);
    cJSON_Delete(q);
    if (out == NULL)
        fatal("out of memory");
    return out;
}
