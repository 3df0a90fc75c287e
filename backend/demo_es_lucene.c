/*
 * Lucene's classic query syntax as Elasticsearch's query_string parses it
 * (QueryParser.jj), after the lab's tests/lab/search/lucene.py: no operator
 * precedence (AND and OR change the clauses beside them, addClause), +/-,
 * NOT and !, && and ||, fields, quoted phrases with ~slop, ranges, * and ?
 * wildcards, ~fuzzy, ^boost, /regexp/. A syntax error carries the message
 * JavaCC writes ("Encountered ... at line 1, column N. Was expecting one
 * of: ..."), columns as 0-based offsets like Lucene's FastCharStream.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/xalloc.h"

enum kind {
    K_EOF = 0,
    K_AND = 8,
    K_OR,
    K_NOT,
    K_PLUS,
    K_MINUS,
    K_BAREOPER,
    K_LPAREN,
    K_RPAREN,
    K_COLON,
    K_STAR,
    K_CARAT,
    K_QUOTED,
    K_TERM,
    K_FUZZY_SLOP,
    K_PREFIXTERM,
    K_WILDTERM,
    K_REGEXPTERM,
    K_RANGEIN_START,
    K_RANGEEX_START,
    K_NUMBER,
    K_RANGE_TO,
    K_RANGEIN_END,
    K_RANGEEX_END,
    K_RANGE_QUOTED,
    K_RANGE_GOOP,
    K_MAX
};

static const char *image_of(int k)
{
    static const char *const img[K_MAX] = {
        [K_EOF] = "<EOF>",
        [K_AND] = "<AND>",
        [K_OR] = "<OR>",
        [K_NOT] = "<NOT>",
        [K_PLUS] = "\"+\"",
        [K_MINUS] = "\"-\"",
        [K_BAREOPER] = "<BAREOPER>",
        [K_LPAREN] = "\"(\"",
        [K_RPAREN] = "\")\"",
        [K_COLON] = "\":\"",
        [K_STAR] = "\"*\"",
        [K_CARAT] = "\"^\"",
        [K_QUOTED] = "<QUOTED>",
        [K_TERM] = "<TERM>",
        [K_FUZZY_SLOP] = "<FUZZY_SLOP>",
        [K_PREFIXTERM] = "<PREFIXTERM>",
        [K_WILDTERM] = "<WILDTERM>",
        [K_REGEXPTERM] = "<REGEXPTERM>",
        [K_RANGEIN_START] = "\"[\"",
        [K_RANGEEX_START] = "\"{\"",
        [K_NUMBER] = "<NUMBER>",
        [K_RANGE_TO] = "\"TO\"",
        [K_RANGEIN_END] = "\"]\"",
        [K_RANGEEX_END] = "\"}\"",
        [K_RANGE_QUOTED] = "<RANGE_QUOTED>",
        [K_RANGE_GOOP] = "<RANGE_GOOP>",
    };

    return img[k];
}

/* The token kinds a clause can start with, in kind order. */
static const int term_starts[] = {
    K_BAREOPER,      K_LPAREN,        K_STAR,     K_QUOTED,
    K_TERM,          K_PREFIXTERM,    K_WILDTERM, K_REGEXPTERM,
    K_RANGEIN_START, K_RANGEEX_START, K_NUMBER
};
#define NSTARTS (sizeof(term_starts) / sizeof(term_starts[0]))

static bool is_start(int k)
{
    for (size_t i = 0; i < NSTARTS; i++)
        if (term_starts[i] == k)
            return true;
    return false;
}

static bool is_mod(int k)
{
    return k == K_NOT || k == K_PLUS || k == K_MINUS;
}

struct tok {
    int kind;
    size_t at, len; /* bytes of the query */
    int col;
};

struct parser {
    const char *q;
    size_t n;
    struct tok *toks;
    size_t ntok, cap, i;
    bool and_default;
    char *msg; /* the error */
    bool lexical;
    struct des_lnode **all; /* every node, freed on error */
    size_t nall, capall;
};

/* --- lexing --------------------------------------------------------------- */

/* Bytes of whitespace at i (U+3000 included), 0 if none. */
static size_t ws_len(const char *q, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (strchr(" \t\n\r", q[i]) != NULL && q[i] != '\0')
        return 1;
    if (i + 2 < n && (unsigned char)q[i] == 0xe3 &&
        (unsigned char)q[i + 1] == 0x80 && (unsigned char)q[i + 2] == 0x80)
        return 3;
    return 0;
}

static bool not_start(const char *q, size_t n, size_t i)
{
    return ws_len(q, n, i) > 0 ||
           (q[i] != '\0' && strchr("+-!():^[]\"{}~*?\\/", q[i]) != NULL);
}

/* The column of byte offset at: characters before it. */
static int col_of(const char *q, size_t at)
{
    int c = 0;

    for (size_t i = 0; i < at; i++)
        c += ((unsigned char)q[i] & 0xc0) != 0x80;
    return c;
}

/* JavaCC's addEscapes(). */
static void java_escape(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        switch (c) {
        case '\b':
            buf_puts(b, "\\b");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\f':
            buf_puts(b, "\\f");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        case '"':
            buf_puts(b, "\\\"");
            break;
        case '\'':
            buf_puts(b, "\\'");
            break;
        case '\\':
            buf_puts(b, "\\\\");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                buf_printf(b, "\\u%04x", c);
            else
                buf_putc(b, (char)c); /* UTF-8 kept as is */
        }
    }
}

static bool lex_error(struct parser *p, size_t col_at, bool eof, size_t after,
                      size_t alen, size_t cur)
{
    struct buf b = { 0 };

    buf_printf(&b, "Lexical error at line 1, column %d.  Encountered: ",
               col_of(p->q, col_at));
    if (eof) {
        buf_puts(&b, "<EOF> ");
    } else {
        buf_putc(&b, '"');
        java_escape(&b, p->q + cur, 1);
        buf_printf(&b, "\" (%d), ", (unsigned char)p->q[cur]);
    }
    buf_puts(&b, "after : \"");
    java_escape(&b, p->q + after, alen);
    buf_putc(&b, '"');
    p->msg = buf_steal(&b);
    p->lexical = true;
    return false;
}

static void add_tok(struct parser *p, int kind, size_t at, size_t len)
{
    if (p->ntok == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->toks = xrealloc(p->toks, p->cap * sizeof(*p->toks));
    }
    p->toks[p->ntok].kind = kind;
    p->toks[p->ntok].at = at;
    p->toks[p->ntok].len = len;
    p->toks[p->ntok].col = col_of(p->q, at);
    p->ntok++;
}

static size_t skip_digits(const char *q, size_t n, size_t j)
{
    while (j < n && q[j] >= '0' && q[j] <= '9')
        j++;
    return j;
}

/* A number: digits, optionally .digits; returns the end. */
static size_t number_end(const char *q, size_t n, size_t i)
{
    size_t j = skip_digits(q, n, i);

    if (j > i && j + 1 < n && q[j] == '.' && q[j + 1] >= '0' && q[j + 1] <= '9')
        j = skip_digits(q, n, j + 1);
    return j;
}

static bool has_wild(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '\\') {
            k++;
            continue;
        }
        if (s[k] == '*' || s[k] == '?')
            return true;
    }
    return false;
}

/* A TERM, PREFIXTERM, WILDTERM or STAR from i. */
static bool lex_term(struct parser *p, size_t *pi)
{
    const char *q = p->q;
    size_t n = p->n, i = *pi, j = i, len;
    bool wild = false;
    int kind;

    if (q[i] == '*' || q[i] == '?') {
        wild = true;
        j++;
    } else if (!not_start(q, n, i) || q[i] == '\\') {
        j += q[i] == '\\' ? 2 : 1;
    } else {
        return lex_error(p, i + 1, false, 0, 0, i);
    }
    while (j < n) {
        if (q[j] == '\\') {
            if (j + 1 >= n)
                return lex_error(p, n, true, i, j + 1 - i, 0);
            j += 2;
        } else if (q[j] == '*' || q[j] == '?') {
            wild = true;
            j++;
        } else if (q[j] == '+' || q[j] == '-' || !not_start(q, n, j)) {
            j++;
        } else {
            break;
        }
    }
    len = j - i;
    if (len == 1 && q[i] == '*')
        kind = K_STAR;
    else if (len == 3 && strncmp(q + i, "AND", 3) == 0)
        kind = K_AND;
    else if (len == 2 && strncmp(q + i, "OR", 2) == 0)
        kind = K_OR;
    else if (len == 3 && strncmp(q + i, "NOT", 3) == 0)
        kind = K_NOT;
    else if (!wild)
        kind = K_TERM;
    else if (q[j - 1] == '*' && !has_wild(q + i, len - 1) && len > 1)
        kind = K_PREFIXTERM;
    else
        kind = K_WILDTERM;
    add_tok(p, kind, i, len);
    *pi = j;
    return true;
}

/* One token in the Range state; false on a lexical error. */
static bool lex_range(struct parser *p, size_t *pi, int *state)
{
    const char *q = p->q;
    size_t n = p->n, i = *pi, j;

    if (strncmp(q + i, "TO", 2) == 0 &&
        (i + 2 >= n || ws_len(q, n, i + 2) > 0 || q[i + 2] == ']' ||
         q[i + 2] == '}')) {
        add_tok(p, K_RANGE_TO, i, 2);
        *pi = i + 2;
        return true;
    }
    if (q[i] == ']' || q[i] == '}') {
        add_tok(p, q[i] == ']' ? K_RANGEIN_END : K_RANGEEX_END, i, 1);
        *pi = i + 1;
        *state = 0;
        return true;
    }
    if (q[i] == '"') {
        for (j = i + 1; j < n && q[j] != '"';)
            j += q[j] == '\\' && j + 1 < n && q[j + 1] == '"' ? 2 : 1;
        if (j >= n)
            return lex_error(p, n, true, i, n - i, 0);
        add_tok(p, K_RANGE_QUOTED, i, j + 1 - i);
        *pi = j + 1;
        return true;
    }
    for (j = i; j < n && q[j] != ' ' && q[j] != ']' && q[j] != '}'; j++)
        ;
    add_tok(p, K_RANGE_GOOP, i, j - i);
    *pi = j;
    return true;
}

/* One token in the Default state; false on a lexical error. */
static bool lex_default(struct parser *p, size_t *pi, int *state)
{
    const char *q = p->q;
    size_t n = p->n, i = *pi, j;
    char c = q[i];
    static const char singles[] = "+-!():^[{";
    static const int skinds[] = { K_PLUS,   K_MINUS,         K_NOT,
                                  K_LPAREN, K_RPAREN,        K_COLON,
                                  K_CARAT,  K_RANGEIN_START, K_RANGEEX_START };
    const char *s;

    if ((strncmp(q + i, "&&", 2) == 0 || strncmp(q + i, "||", 2) == 0)) {
        for (j = i;
             j < n && (!not_start(q, n, j) || q[j] == '+' || q[j] == '-'); j++)
            ;
        if (j - i <= 2) {
            add_tok(p, c == '&' ? K_AND : K_OR, i, 2);
            *pi = i + 2;
            return true;
        }
    }
    if ((c == '+' || c == '-' || c == '!') && ws_len(q, n, i + 1) == 1) {
        add_tok(p, K_BAREOPER, i, 2);
        *pi = i + 2;
        return true;
    }
    s = c != '\0' ? strchr(singles, c) : NULL;
    if (s != NULL) {
        int k = skinds[s - singles];

        add_tok(p, k, i, 1);
        *pi = i + 1;
        if (k == K_CARAT)
            *state = 1;
        else if (k == K_RANGEIN_START || k == K_RANGEEX_START)
            *state = 2;
        return true;
    }
    if (c == '"') {
        for (j = i + 1; j < n && q[j] != '"'; j++) {
            if (q[j] == '\\' && ++j >= n)
                break;
        }
        if (j >= n)
            return lex_error(p, n, true, i, n - i, 0);
        add_tok(p, K_QUOTED, i, j + 1 - i);
        *pi = j + 1;
        return true;
    }
    if (c == '~') {
        j = number_end(q, n, i + 1);
        add_tok(p, K_FUZZY_SLOP, i, j - i);
        *pi = j;
        return true;
    }
    if (c == '/') {
        for (j = i + 1; j < n && q[j] != '/';)
            j += q[j] == '\\' && j + 1 < n && q[j + 1] == '/' ? 2 : 1;
        if (j >= n)
            return lex_error(p, n, true, i, n - i, 0);
        add_tok(p, K_REGEXPTERM, i, j + 1 - i);
        *pi = j + 1;
        return true;
    }
    if (c == '\\' && i + 1 >= n)
        return lex_error(p, n, true, 0, 0, 0);
    if (c == '}' || c == ']')
        return lex_error(p, i + 1, false, 0, 0, i);
    return lex_term(p, pi);
}

static bool lex(struct parser *p)
{
    size_t i = 0, w;
    int state = 0; /* 0 default, 1 boost, 2 range */

    for (;;) {
        while ((w = ws_len(p->q, p->n, i)) > 0)
            i += w;
        if (i >= p->n) {
            add_tok(p, K_EOF, p->n, 0);
            return true;
        }
        if (state == 1) {
            size_t j = number_end(p->q, p->n, i);

            state = 0;
            if (j > i) {
                add_tok(p, K_NUMBER, i, j - i);
                i = j;
                continue;
            }
        }
        if (!(state == 2 ? lex_range(p, &i, &state)
                         : lex_default(p, &i, &state)))
            return false;
    }
}

/* --- parsing ------------------------------------------------------------- */

static struct tok *peek(struct parser *p)
{
    return &p->toks[p->i];
}

static struct tok *take(struct parser *p)
{
    struct tok *t = &p->toks[p->i];

    if (t->kind != K_EOF)
        p->i++;
    return t;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* JavaCC's "Encountered ... Was expecting ..." for the next token. */
static void *fail(struct parser *p, const int *exp, size_t nexp, bool term)
{
    const struct tok *t = peek(p);
    struct buf b = { 0 };
    int kinds[40];
    size_t nk = 0, lines;

    if (p->msg != NULL)
        return NULL;
    for (size_t i = 0; i < nexp; i++) {
        bool dup = false;

        for (size_t j = 0; j < nk; j++)
            dup |= kinds[j] == exp[i];
        if (!dup)
            kinds[nk++] = exp[i];
    }
    qsort(kinds, nk, sizeof(kinds[0]), cmp_int);
    lines = nk + term;
    buf_puts(&b, "Encountered \"");
    if (t->kind == K_EOF) {
        buf_puts(&b, "<EOF>");
    } else {
        buf_printf(&b, " %s \"", image_of(t->kind));
        java_escape(&b, p->q + t->at, t->len);
        buf_puts(&b, " \"");
    }
    buf_printf(&b, "\" at line 1, column %d.\n%s\n    ", t->col,
               lines == 1 ? "Was expecting:" : "Was expecting one of:");
    for (size_t i = 0; i < nk; i++)
        buf_printf(&b, "%s%s%s", i > 0 ? "\n    " : "", image_of(kinds[i]),
                   kinds[i] == K_EOF ? " " : " ...");
    if (term)
        buf_puts(&b, "\n    <TERM> ...");
    buf_puts(&b, "\n    ");
    p->msg = buf_steal(&b);
    return NULL;
}

static void *fail_starts(struct parser *p, bool clause_start, bool term)
{
    int exp[NSTARTS + 3];
    size_t n = 0;

    if (clause_start) {
        exp[n++] = K_NOT;
        exp[n++] = K_PLUS;
        exp[n++] = K_MINUS;
    }
    for (size_t i = 0; i < NSTARTS; i++)
        exp[n++] = term_starts[i];
    return fail(p, exp, n, term);
}

static void *fail_after_clause(struct parser *p, bool nested)
{
    int exp[NSTARTS + 7] = { K_AND,  K_OR,    K_NOT,
                             K_PLUS, K_MINUS, nested ? K_RPAREN : K_EOF,
                             K_CARAT };
    size_t n = 7;

    for (size_t i = 0; i < NSTARTS; i++)
        exp[n++] = term_starts[i];
    return fail(p, exp, n, true);
}

static struct des_lnode *node(struct parser *p, int kind, const char *field)
{
    struct des_lnode *nd = xcalloc(1, sizeof(*nd));

    nd->kind = kind;
    nd->field = field != NULL ? xstrdup(field) : NULL;
    nd->slop = -1;
    if (p->nall == p->capall) {
        p->capall = p->capall ? p->capall * 2 : 16;
        p->all = xrealloc(p->all, p->capall * sizeof(*p->all));
    }
    p->all[p->nall++] = nd;
    return nd;
}

/* Lucene's discardEscapeChar (with \uXXXX); NULL on a trailing '\'. */
static char *unescape(struct parser *p, const char *s, size_t n)
{
    struct buf b = { 0 };

    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            buf_putc(&b, s[i]);
            continue;
        }
        if (i + 1 >= n) {
            buf_free(&b);
            if (p->msg == NULL)
                p->msg = xstrdup("Term can not end with escape character.");
            return NULL;
        }
        if (s[i + 1] == 'u' && i + 5 < n) {
            char hex[5];
            char *end;
            unsigned long cp;

            memcpy(hex, s + i + 2, 4);
            hex[4] = '\0';
            cp = strtoul(hex, &end, 16);
            if (*end == '\0') {
                char u[4];
                size_t k = 0;

                if (cp < 0x80) {
                    u[k++] = (char)cp;
                } else if (cp < 0x800) {
                    u[k++] = (char)(0xc0 | cp >> 6);
                    u[k++] = (char)(0x80 | (cp & 0x3f));
                } else {
                    u[k++] = (char)(0xe0 | cp >> 12);
                    u[k++] = (char)(0x80 | (cp >> 6 & 0x3f));
                    u[k++] = (char)(0x80 | (cp & 0x3f));
                }
                buf_append(&b, u, k);
                i += 5;
                continue;
            }
        }
        buf_putc(&b, s[++i]);
    }
    return buf_steal(&b);
}

static bool boost(struct parser *p)
{
    if (peek(p)->kind != K_CARAT)
        return true;
    take(p);
    if (peek(p)->kind != K_NUMBER) {
        static const int num[] = { K_NUMBER };

        fail(p, num, 1, false);
        return false;
    }
    take(p);
    return true;
}

static char *range_bound(struct parser *p, const struct tok *g)
{
    if (g->kind == K_RANGE_QUOTED)
        return unescape(p, p->q + g->at + 1, g->len - 2);
    if (g->len == 1 && p->q[g->at] == '*')
        return NULL;
    return unescape(p, p->q + g->at, g->len);
}

static struct des_lnode *range(struct parser *p, const char *field, int start)
{
    static const int goops[] = { K_RANGE_TO, K_RANGE_QUOTED, K_RANGE_GOOP };
    static const int to[] = { K_RANGE_TO };
    static const int ends[] = { K_RANGEIN_END, K_RANGEEX_END };
    struct tok *g1, *g2, *end;
    struct des_lnode *nd;

    if (peek(p)->kind != K_RANGE_GOOP && peek(p)->kind != K_RANGE_QUOTED &&
        peek(p)->kind != K_RANGE_TO)
        return fail(p, goops, 3, false);
    g1 = take(p);
    if (peek(p)->kind != K_RANGE_TO)
        return fail(p, to, 1, false);
    take(p);
    if (peek(p)->kind != K_RANGE_GOOP && peek(p)->kind != K_RANGE_QUOTED &&
        peek(p)->kind != K_RANGE_TO)
        return fail(p, goops, 3, false);
    g2 = take(p);
    if (peek(p)->kind != K_RANGEIN_END && peek(p)->kind != K_RANGEEX_END)
        return fail(p, ends, 2, false);
    end = take(p);
    if (!boost(p))
        return NULL;
    nd = node(p, DES_L_RANGE, field);
    nd->incl_lower = start == K_RANGEIN_START;
    nd->incl_upper = end->kind == K_RANGEIN_END;
    nd->lower = range_bound(p, g1);
    nd->upper = range_bound(p, g2);
    return p->msg != NULL ? NULL : nd;
}

static struct des_lnode *term(struct parser *p, const char *field)
{
    struct tok *t = take(p);
    const char *img = p->q + t->at;
    struct des_lnode *nd;
    bool fuzzy = false;

    if (t->kind == K_RANGEIN_START || t->kind == K_RANGEEX_START)
        return range(p, field, t->kind);
    if (t->kind == K_QUOTED) {
        int slop = -1;

        if (peek(p)->kind == K_FUZZY_SLOP) {
            struct tok *s = take(p);

            if (s->len > 1)
                slop = atoi(p->q + s->at + 1);
        }
        if (!boost(p))
            return NULL;
        nd = node(p, DES_L_QUOTED, field);
        nd->slop = slop;
        nd->text = unescape(p, img + 1, t->len - 2);
        return p->msg != NULL ? NULL : nd;
    }
    if (peek(p)->kind == K_FUZZY_SLOP) {
        take(p);
        fuzzy = true;
    }
    if (peek(p)->kind == K_CARAT) {
        if (!boost(p))
            return NULL;
        if (!fuzzy && peek(p)->kind == K_FUZZY_SLOP) {
            take(p);
            fuzzy = true;
        }
    }
    switch (t->kind) {
    case K_STAR:
        nd = node(p, DES_L_WILDCARD, field);
        nd->text = xstrdup("*");
        return nd;
    case K_BAREOPER:
        nd = node(p, DES_L_TERM, field);
        nd->text = xstrndup(img, 1);
        return nd;
    case K_PREFIXTERM:
        nd = node(p, DES_L_PREFIX, field);
        nd->text = unescape(p, img, t->len - 1);
        break;
    case K_WILDTERM:
        nd = node(p, DES_L_WILDCARD, field);
        nd->text = xstrndup(img, t->len); /* escapes kept */
        return nd;
    case K_REGEXPTERM:
        nd = node(p, DES_L_REGEXP, field);
        nd->text = xstrndup(img + 1, t->len - 2);
        return nd;
    default:
        nd = node(p, fuzzy ? DES_L_FUZZY : DES_L_TERM, field);
        nd->text = unescape(p, img, t->len);
        break;
    }
    return p->msg != NULL ? NULL : nd;
}

static struct des_lnode *query(struct parser *p, const char *field,
                               bool nested);

static struct des_lnode *clause(struct parser *p, const char *field,
                                bool after_mod, bool after_conj)
{
    struct tok *t = peek(p), *nxt = p->i + 1 < p->ntok ? t + 1 : NULL;
    char *fname = NULL;
    struct des_lnode *q;

    if (nxt != NULL && nxt->kind == K_COLON &&
        (t->kind == K_TERM || t->kind == K_STAR)) {
        take(p);
        take(p);
        fname = t->kind == K_STAR ? xstrdup("*")
                                  : unescape(p, p->q + t->at, t->len);
        if (fname == NULL)
            return NULL;
        if (!is_start(peek(p)->kind)) {
            free(fname);
            return fail_starts(p, false, false);
        }
        field = fname;
    }
    t = peek(p);
    if (t->kind == K_LPAREN) {
        take(p);
        q = query(p, field, true);
        if (q != NULL && peek(p)->kind != K_RPAREN)
            q = fail_after_clause(p, true);
        if (q != NULL) {
            take(p);
            if (!boost(p))
                q = NULL;
        }
    } else if (is_start(t->kind)) {
        q = term(p, field);
    } else {
        q = fail_starts(p, !(after_mod && !after_conj), true);
    }
    free(fname);
    return q;
}

static void add_kid(struct des_lnode *b, struct des_lnode *q, int occ)
{
    b->kids = xreallocarray(b->kids, b->nkids + 1, sizeof(*b->kids));
    b->occur = xreallocarray(b->occur, b->nkids + 1, 1);
    b->kids[b->nkids] = q;
    b->occur[b->nkids++] = (uint8_t)occ;
}

/* QueryParserBase.addClause, to the letter. */
static void add_clause(struct parser *p, struct des_lnode *b, int conj,
                       int mods, struct des_lnode *q)
{
    bool required, prohibited;

    if (b->nkids > 0 && conj == K_AND && b->occur[b->nkids - 1] != DES_MUST_NOT)
        b->occur[b->nkids - 1] = DES_MUST;
    if (b->nkids > 0 && p->and_default && conj == K_OR &&
        b->occur[b->nkids - 1] != DES_MUST_NOT)
        b->occur[b->nkids - 1] = DES_SHOULD;
    prohibited = mods == K_NOT || mods == K_MINUS;
    if (!p->and_default) {
        required = mods == K_PLUS || (conj == K_AND && !prohibited);
    } else {
        required = !prohibited && conj != K_OR;
    }
    add_kid(b, q, required ? DES_MUST : prohibited ? DES_MUST_NOT : DES_SHOULD);
}

static int modifiers(struct parser *p)
{
    if (is_mod(peek(p)->kind))
        return take(p)->kind;
    return 0;
}

static struct des_lnode *query(struct parser *p, const char *field, bool nested)
{
    struct des_lnode *b = node(p, DES_L_BOOL, NULL), *q, *first;
    int mods = modifiers(p);

    (void)nested;
    q = clause(p, field, mods != 0, false);
    if (q == NULL)
        return NULL;
    add_clause(p, b, 0, mods, q);
    first = mods == 0 ? q : NULL;
    for (;;) {
        int k = peek(p)->kind, conj = 0;

        if (k != K_AND && k != K_OR && !is_mod(k) && !is_start(k))
            break;
        if (k == K_AND || k == K_OR)
            conj = take(p)->kind;
        mods = modifiers(p);
        q = clause(p, field, mods != 0 || conj != 0, conj != 0 && mods == 0);
        if (q == NULL)
            return NULL;
        add_clause(p, b, conj, mods, q);
    }
    if (b->nkids == 1 && first != NULL)
        return first; /* b is freed with the tree's other leftovers */
    return b;
}

static void lnode_free_shallow(struct des_lnode *n)
{
    free(n->field);
    free(n->text);
    free(n->kids);
    free(n->occur);
    free(n->lower);
    free(n->upper);
    free(n);
}

void des_lnode_free(struct des_lnode *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        des_lnode_free(n->kids[i]);
    lnode_free_shallow(n);
}

/* Mark the nodes reachable from n (kept); the others are freed. */
static void mark(struct des_lnode *n, struct des_lnode **all, size_t nall)
{
    for (size_t i = 0; i < nall; i++)
        if (all[i] == n)
            all[i] = NULL;
    for (size_t i = 0; i < n->nkids; i++)
        mark(n->kids[i], all, nall);
}

struct des_lnode *des_lucene_parse(const char *q, bool and_default,
                                   struct cJSON **cause)
{
    struct parser p = { 0 };
    struct des_lnode *root = NULL;

    p.q = q;
    p.n = strlen(q);
    p.and_default = and_default;
    if (lex(&p)) {
        root = query(&p, NULL, false);
        if (root != NULL && peek(&p)->kind != K_EOF)
            root = fail_after_clause(&p, false);
    }
    if (root != NULL)
        mark(root, p.all, p.nall);
    for (size_t i = 0; i < p.nall; i++)
        if (p.all[i] != NULL)
            lnode_free_shallow(p.all[i]);
    if (root == NULL) {
        cJSON *inner = des_foreign(
            des_cause(p.lexical ? "token_mgr_error" : "parse_exception",
                      p.msg != NULL ? p.msg : "syntax error"));
        char *outer = xasprintf("Cannot parse '%s': %s", q,
                                p.msg != NULL ? p.msg : "syntax error");

        *cause =
            des_by(des_foreign(des_cause("parse_exception", outer)), inner);
        free(outer);
    }
    free(p.msg);
    free(p.toks);
    free(p.all);
    return root;
}
