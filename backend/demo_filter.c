/*
 * Icinga filter expressions for the demo site: the DSL subset API clients
 * send (fields, literals, == != < <= > >= && || ! in, match(), regex(),
 * filter_vars), compiled once per request; demo_filter_eval.c runs them.
 */
#include <cJSON.h>
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_filter_int.h"
#include "backend/xalloc.h"

struct parser {
    struct demo_filter *f;
    const char *p;
    const cJSON *vars;
    bool err;
};

static int node_new(struct parser *ps, int type)
{
    struct demo_filter *f = ps->f;

    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->n = xreallocarray(f->n, (size_t)f->cap, sizeof(*f->n));
    }
    memset(&f->n[f->count], 0, sizeof(f->n[0]));
    f->n[f->count].type = type;
    f->n[f->count].a = f->n[f->count].b = f->n[f->count].next = -1;
    return f->count++;
}

static void skip_ws(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static bool accept(struct parser *ps, const char *tok)
{
    size_t n = strlen(tok);

    skip_ws(ps);
    if (strncmp(ps->p, tok, n) != 0)
        return false;
    /* "in" must not be the start of an identifier such as "index". */
    if (isalpha((unsigned char)tok[0]) &&
        (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_'))
        return false;
    ps->p += n;
    return true;
}

static int parse_expr(struct parser *ps);

static char *parse_string(struct parser *ps)
{
    struct buf b = { 0 };

    ps->p++; /* the opening quote */
    while (*ps->p != '"' && *ps->p != '\0') {
        char c = *ps->p++;

        if (c == '\\' && *ps->p != '\0') {
            c = *ps->p++;
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
        }
        buf_putc(&b, c);
    }
    if (*ps->p != '"')
        ps->err = true;
    else
        ps->p++;
    return buf_steal(&b);
}

/* A field path (host.vars.env, service.state, event.host) to a field. */
static int field_of(const struct parser *ps, const char *path)
{
    /* Indexed by enum field_id. */
    static const char *const names[] = { "name",
                                         "display_name",
                                         "state",
                                         "state_type",
                                         "acknowledgement",
                                         "downtime_depth",
                                         "address",
                                         "last_check",
                                         "last_state_change",
                                         "flapping",
                                         "handled",
                                         "problem",
                                         "check_attempt",
                                         "max_check_attempts",
                                         "host_name",
                                         "last_reachable",
                                         "last_check_result",
                                         "check_command",
                                         "check_interval",
                                         "type",
                                         "vars.env",
                                         "vars.os",
                                         "vars.role",
                                         "vars.nrpe_command",
                                         "event.host",
                                         "event.service",
                                         "event.type",
                                         "event.state",
                                         "event.state_type",
                                         "event.acknowledgement",
                                         "event.downtime_depth" };
    int src;
    const char *rest;

    if (strncmp(path, "event.", 6) == 0) {
        src = SRC_EVENT;
        rest = path;
    } else if (strncmp(path, "host.", 5) == 0) {
        src = SRC_HOST;
        rest = path + 5;
    } else if (strncmp(path, "service.", 8) == 0 &&
               ps->f->scope != DEMO_FS_HOST) {
        src = SRC_SVC;
        rest = path + 8;
    } else {
        return -1;
    }
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(names[i], rest) == 0 &&
            (i >= F_EV_HOST) == (src == SRC_EVENT))
            return src * 64 + i;
    return -1;
}

/* A filter_vars value as a literal. */
static int literal_of(struct parser *ps, const cJSON *v)
{
    int id;

    if (cJSON_IsNumber(v)) {
        id = node_new(ps, N_NUM);
        ps->f->n[id].num = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        id = node_new(ps, N_STR);
        ps->f->n[id].str = xstrdup(v->valuestring);
    } else if (cJSON_IsBool(v)) {
        id = node_new(ps, N_BOOL);
        ps->f->n[id].num = cJSON_IsTrue(v);
    } else if (cJSON_IsArray(v)) {
        const cJSON *it;
        int prev = -1;

        id = node_new(ps, N_ARRAY);
        cJSON_ArrayForEach(it, v)
        {
            int c = literal_of(ps, it);

            if (prev < 0)
                ps->f->n[id].a = c;
            else
                ps->f->n[prev].next = c;
            prev = c;
        }
    } else {
        id = node_new(ps, N_NULL);
    }
    return id;
}

/* An identifier path, with ["key"] segments as dots. */
static int parse_ident(struct parser *ps)
{
    struct buf path = { 0 };
    int id = -1, field;

    for (;;) {
        const char *s = ps->p;

        while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
            ps->p++;
        buf_append(&path, s, (size_t)(ps->p - s));
        if (*ps->p == '.' &&
            (isalpha((unsigned char)ps->p[1]) || ps->p[1] == '_')) {
            buf_putc(&path, *ps->p++);
        } else if (*ps->p == '[' && ps->p[1] == '"') {
            char *k;

            ps->p++;
            k = parse_string(ps);
            buf_putc(&path, '.');
            buf_puts(&path, k);
            free(k);
            if (!accept(ps, "]"))
                ps->err = true;
            if (*ps->p == '.')
                buf_putc(&path, *ps->p++);
            else
                break;
        } else {
            break;
        }
    }
    if (path.data == NULL) {
        ps->err = true;
        return node_new(ps, N_NULL);
    }
    if (strcmp(path.data, "true") == 0 || strcmp(path.data, "false") == 0) {
        id = node_new(ps, N_BOOL);
        ps->f->n[id].num = path.data[0] == 't';
    } else if (strcmp(path.data, "null") == 0) {
        id = node_new(ps, N_NULL);
    } else if ((field = field_of(ps, path.data)) >= 0) {
        id = node_new(ps, N_FIELD);
        ps->f->n[id].op = field;
    } else if (cJSON_GetObjectItemCaseSensitive(ps->vars, path.data) != NULL) {
        id = literal_of(ps,
                        cJSON_GetObjectItemCaseSensitive(ps->vars, path.data));
    } else {
        ps->err = true; /* Icinga: invalid field or undefined variable */
        id = node_new(ps, N_NULL);
    }
    buf_free(&path);
    return id;
}

/* match("glob", value) and regex("re", value). */
static int parse_call(struct parser *ps, int type)
{
    int id = node_new(ps, type), a, b;

    if (!accept(ps, "(")) {
        ps->err = true;
        return id;
    }
    a = parse_expr(ps);
    if (!accept(ps, ","))
        ps->err = true;
    b = parse_expr(ps);
    if (!accept(ps, ")"))
        ps->err = true;
    ps->f->n[id].a = a;
    ps->f->n[id].b = b;
    if (type == N_REGEX && !ps->err && ps->f->n[a].type == N_STR) {
        regex_t *re = xmalloc(sizeof(*re));

        if (regcomp(re, ps->f->n[a].str, REG_EXTENDED | REG_NOSUB) != 0) {
            free(re);
            ps->err = true;
        } else {
            ps->f->n[id].re = re;
        }
    } else if (type == N_REGEX) {
        ps->err = true; /* only literal patterns */
    }
    return id;
}

static int parse_array(struct parser *ps)
{
    int id = node_new(ps, N_ARRAY), prev = -1;

    if (accept(ps, "]"))
        return id;
    do {
        int c = parse_expr(ps);

        if (prev < 0)
            ps->f->n[id].a = c;
        else
            ps->f->n[prev].next = c;
        prev = c;
    } while (!ps->err && accept(ps, ","));
    if (!accept(ps, "]"))
        ps->err = true;
    return id;
}

static int parse_primary(struct parser *ps)
{
    int id;

    skip_ws(ps);
    if (accept(ps, "(")) {
        id = parse_expr(ps);
        if (!accept(ps, ")"))
            ps->err = true;
        return id;
    }
    if (accept(ps, "["))
        return parse_array(ps);
    if (*ps->p == '"') {
        id = node_new(ps, N_STR);
        ps->f->n[id].str = parse_string(ps);
        return id;
    }
    if (isdigit((unsigned char)*ps->p) ||
        (*ps->p == '-' && isdigit((unsigned char)ps->p[1]))) {
        char *end;

        id = node_new(ps, N_NUM);
        ps->f->n[id].num = strtod(ps->p, &end);
        ps->p = end;
        return id;
    }
    if (accept(ps, "match"))
        return parse_call(ps, N_MATCH);
    if (accept(ps, "regex"))
        return parse_call(ps, N_REGEX);
    if (isalpha((unsigned char)*ps->p) || *ps->p == '_')
        return parse_ident(ps);
    ps->err = true;
    return node_new(ps, N_NULL);
}

static int parse_unary(struct parser *ps)
{
    skip_ws(ps);
    if (ps->p[0] == '!' && ps->p[1] != '=') {
        int id, a;

        ps->p++;
        id = node_new(ps, N_NOT);
        a = parse_unary(ps); /* may move the node array: assign after */
        ps->f->n[id].a = a;
        return id;
    }
    return parse_primary(ps);
}

static int parse_cmp(struct parser *ps)
{
    static const struct {
        const char *tok;
        int op;
    } ops[] = { { "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE },
                { ">=", OP_GE }, { "<", OP_LT },  { ">", OP_GT } };
    int a = parse_unary(ps), id;

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (accept(ps, ops[i].tok)) {
            int b;

            id = node_new(ps, N_CMP);
            ps->f->n[id].op = ops[i].op;
            ps->f->n[id].a = a;
            b = parse_unary(ps);
            ps->f->n[id].b = b;
            return id;
        }
    }
    if (accept(ps, "!in") || accept(ps, "in")) {
        bool neg = ps->p[-3] == '!';
        int b;

        id = node_new(ps, N_IN);
        ps->f->n[id].a = a;
        b = parse_unary(ps);
        ps->f->n[id].b = b;
        if (neg) {
            int n = node_new(ps, N_NOT);

            ps->f->n[n].a = id;
            id = n;
        }
        return id;
    }
    return a;
}

static int parse_and(struct parser *ps)
{
    int a = parse_cmp(ps);

    while (!ps->err && accept(ps, "&&")) {
        int id = node_new(ps, N_AND), b;

        ps->f->n[id].a = a;
        b = parse_cmp(ps);
        ps->f->n[id].b = b;
        a = id;
    }
    return a;
}

static int parse_expr(struct parser *ps)
{
    int a = parse_and(ps);

    while (!ps->err && accept(ps, "||")) {
        int id = node_new(ps, N_OR), b;

        ps->f->n[id].a = a;
        b = parse_and(ps);
        ps->f->n[id].b = b;
        a = id;
    }
    return a;
}

struct demo_filter *demo_filter_new(const char *expr, const struct cJSON *vars,
                                    int scope)
{
    struct demo_filter *f = xcalloc(1, sizeof(*f));
    struct parser ps = { f, expr, vars, false };

    f->scope = scope;
    f->root = parse_expr(&ps);
    skip_ws(&ps);
    if (ps.err || *ps.p != '\0') {
        demo_filter_free(f);
        return NULL;
    }
    return f;
}

void demo_filter_free(struct demo_filter *f)
{
    if (f == NULL)
        return;
    for (int i = 0; i < f->count; i++) {
        free(f->n[i].str);
        if (f->n[i].re != NULL) {
            regfree(f->n[i].re);
            free(f->n[i].re);
        }
    }
    free(f->n);
    free(f);
}
