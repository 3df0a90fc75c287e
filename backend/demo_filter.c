/*
 * Icinga filter expressions for the demo site: the DSL subset API clients
 * send (fields, literals, == != < <= > >= && || ! in, match(), regex(),
 * filter_vars), compiled once per request and run per object or event.
 */
#include <cJSON.h>
#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_int.h"
#include "backend/xalloc.h"

enum node_type {
    N_NUM,
    N_STR,
    N_BOOL,
    N_NULL,
    N_FIELD,
    N_ARRAY, /* children linked through next */
    N_NOT,
    N_AND,
    N_OR,
    N_CMP,
    N_IN,
    N_MATCH,
    N_REGEX
};

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* Fields: where they come from and which value. */
enum field_src { SRC_HOST, SRC_SVC, SRC_EVENT };

enum field_id {
    F_NAME,
    F_DISPLAY_NAME,
    F_STATE,
    F_STATE_TYPE,
    F_ACK,
    F_DOWNTIME,
    F_ADDRESS,
    F_LAST_CHECK,
    F_LAST_STATE_CHANGE,
    F_FLAPPING,
    F_HANDLED,
    F_PROBLEM,
    F_ATTEMPT,
    F_MAX_ATTEMPTS,
    F_HOST_NAME,
    F_REACHABLE,
    F_LAST_CR,
    F_CHECK_COMMAND,
    F_CHECK_INTERVAL,
    F_TYPE,
    F_VAR_ENV,
    F_VAR_OS,
    F_VAR_ROLE,
    F_VAR_NRPE,
    F_EV_HOST,
    F_EV_SERVICE,
    F_EV_TYPE,
    F_EV_STATE,
    F_EV_STATE_TYPE,
    F_EV_ACK,
    F_EV_DOWNTIME
};

struct node {
    int type, op, a, b, next;
    double num;
    char *str;
    regex_t *re;
};

struct demo_filter {
    struct node *n;
    int count, cap, root, scope;
};

struct parser {
    struct demo_filter *f;
    const char *p;
    const cJSON *vars;
    bool err;
};

enum val_type { V_NULL, V_BOOL, V_NUM, V_STR, V_OBJ, V_ARR };

struct val {
    int t;
    double n;
    const char *s;
    int arr; /* first node of an array */
    char tmp[24];
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
    static const struct {
        const char *name;
        int id;
    } attrs[] = {
        { "name", F_NAME },
        { "display_name", F_DISPLAY_NAME },
        { "state", F_STATE },
        { "state_type", F_STATE_TYPE },
        { "acknowledgement", F_ACK },
        { "downtime_depth", F_DOWNTIME },
        { "address", F_ADDRESS },
        { "last_check", F_LAST_CHECK },
        { "last_state_change", F_LAST_STATE_CHANGE },
        { "flapping", F_FLAPPING },
        { "handled", F_HANDLED },
        { "problem", F_PROBLEM },
        { "check_attempt", F_ATTEMPT },
        { "max_check_attempts", F_MAX_ATTEMPTS },
        { "host_name", F_HOST_NAME },
        { "last_reachable", F_REACHABLE },
        { "last_check_result", F_LAST_CR },
        { "check_command", F_CHECK_COMMAND },
        { "check_interval", F_CHECK_INTERVAL },
        { "type", F_TYPE },
        { "vars.env", F_VAR_ENV },
        { "vars.os", F_VAR_OS },
        { "vars.role", F_VAR_ROLE },
        { "vars.nrpe_command", F_VAR_NRPE },
        { "event.host", F_EV_HOST },
        { "event.service", F_EV_SERVICE },
        { "event.type", F_EV_TYPE },
        { "event.state", F_EV_STATE },
        { "event.state_type", F_EV_STATE_TYPE },
        { "event.acknowledgement", F_EV_ACK },
        { "event.downtime_depth", F_EV_DOWNTIME },
    };
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
    for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
        if (strcmp(attrs[i].name, rest) == 0 &&
            (attrs[i].id >= F_EV_HOST) == (src == SRC_EVENT))
            return src * 64 + attrs[i].id;
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
        int id;

        ps->p++;
        id = node_new(ps, N_NOT);
        ps->f->n[id].a = parse_unary(ps);
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
            id = node_new(ps, N_CMP);
            ps->f->n[id].op = ops[i].op;
            ps->f->n[id].a = a;
            ps->f->n[id].b = parse_unary(ps);
            return id;
        }
    }
    if (accept(ps, "!in") || accept(ps, "in")) {
        bool neg = ps->p[-3] == '!';

        id = node_new(ps, N_IN);
        ps->f->n[id].a = a;
        ps->f->n[id].b = parse_unary(ps);
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
        int id = node_new(ps, N_AND);

        ps->f->n[id].a = a;
        ps->f->n[id].b = parse_cmp(ps);
        a = id;
    }
    return a;
}

static int parse_expr(struct parser *ps)
{
    int a = parse_and(ps);

    while (!ps->err && accept(ps, "||")) {
        int id = node_new(ps, N_OR);

        ps->f->n[id].a = a;
        ps->f->n[id].b = parse_and(ps);
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

/* --- evaluation --- */

struct ctx {
    const struct demo *d;
    uint32_t id;
    int evtype;
};

static void set_str(struct val *v, const char *s)
{
    v->t = V_STR;
    v->s = s;
}

static void set_num(struct val *v, int type, double n)
{
    v->t = type;
    v->n = n;
}

/* Values that only hosts or only services have; false if neither. */
static bool kind_field(const struct demo *d, uint32_t id, int fid,
                       struct val *v)
{
    const struct demo_obj *o = &d->obj[id];
    const struct demo_host *h = &d->host[o->host];
    bool host = o->kind == DEMO_KIND_HOST;

    switch (fid) {
    case F_ADDRESS:
        if (host) {
            demo_addr_str(h->addr, v->tmp, sizeof(v->tmp));
            set_str(v, v->tmp);
        }
        return true;
    case F_HOST_NAME:
        if (!host)
            set_str(v, h->name);
        return true;
    case F_VAR_ENV:
        if (host)
            set_str(v, demo_env_name(h->env));
        return true;
    case F_VAR_OS:
        if (host)
            set_str(v, "Linux");
        return true;
    case F_VAR_ROLE:
        if (host)
            set_str(v, demo_role_name(h->role));
        return true;
    case F_VAR_NRPE:
        if (demo_nrpe_command(o->kind) != NULL)
            set_str(v, demo_nrpe_command(o->kind));
        return true;
    case F_EV_SERVICE:
        if (!host)
            set_str(v, demo_kind_name(o->kind));
        return true;
    default:
        return false;
    }
}

static void field_value(const struct ctx *x, int field, struct val *v)
{
    const struct demo *d = x->d;
    int src = field / 64, fid = field % 64;
    uint32_t id = src == SRC_HOST ? d->obj[x->id].host : x->id;
    const struct demo_obj *o = &d->obj[id];
    const struct demo_chk *c = &d->chk[id];
    bool host = o->kind == DEMO_KIND_HOST;
    bool dt = demo_in_downtime(d, id, d->now);
    bool problem = !c->pending && c->state != 0;

    v->t = V_NULL;
    if ((src == SRC_SVC && host) || kind_field(d, id, fid, v))
        return;
    switch (fid) {
    case F_NAME:
    case F_DISPLAY_NAME:
    case F_EV_HOST:
        set_str(v, host || fid == F_EV_HOST ? d->host[o->host].name
                   : fid == F_NAME          ? demo_kind_name(o->kind)
                                            : demo_kind_display(o->kind));
        break;
    case F_STATE:
    case F_EV_STATE:
        set_num(v, V_NUM, demo_icinga_state(d, id));
        break;
    case F_STATE_TYPE:
    case F_EV_STATE_TYPE:
        set_num(v, V_NUM, c->state_type);
        break;
    case F_ACK:
        set_num(v, V_NUM, c->ack);
        break;
    case F_EV_ACK:
        set_num(v, V_BOOL, c->ack != 0);
        break;
    case F_DOWNTIME:
        set_num(v, V_NUM, dt);
        break;
    case F_EV_DOWNTIME:
        set_num(v, V_NUM, demo_in_downtime(d, id, c->last_check));
        break;
    case F_LAST_CHECK:
        set_num(v, V_NUM, c->pending ? -1 : c->last_check);
        break;
    case F_LAST_STATE_CHANGE:
        set_num(v, V_NUM, c->last_state_change);
        break;
    case F_FLAPPING:
        set_num(v, V_BOOL, c->flapping);
        break;
    case F_HANDLED:
        set_num(v, V_BOOL, problem && (c->ack != 0 || dt || !c->reach));
        break;
    case F_PROBLEM:
        set_num(v, V_BOOL, problem);
        break;
    case F_ATTEMPT:
        set_num(v, V_NUM, c->attempt);
        break;
    case F_MAX_ATTEMPTS:
        set_num(v, V_NUM, DEMO_MAX_ATTEMPTS);
        break;
    case F_REACHABLE:
        set_num(v, V_BOOL, c->reach);
        break;
    case F_LAST_CR:
        v->t = c->pending ? V_NULL : V_OBJ;
        break;
    case F_CHECK_COMMAND:
        set_str(v, demo_check_command(o->kind));
        break;
    case F_CHECK_INTERVAL:
        set_num(v, V_NUM, o->interval);
        break;
    case F_TYPE:
        set_str(v, host ? "Host" : "Service");
        break;
    case F_EV_TYPE:
        set_str(v, x->evtype == DEMO_EV_STATECHANGE ? "StateChange"
                                                    : "CheckResult");
        break;
    default:
        break;
    }
}

static bool truthy(const struct val *v)
{
    switch (v->t) {
    case V_NULL:
        return false;
    case V_BOOL:
    case V_NUM:
        return v->n != 0;
    case V_STR:
        return v->s[0] != '\0';
    default:
        return true;
    }
}

static bool numeric(const struct val *v)
{
    return v->t == V_NUM || v->t == V_BOOL;
}

static bool equal(const struct val *a, const struct val *b)
{
    if (numeric(a) && numeric(b))
        return a->n == b->n;
    if (a->t == V_STR && b->t == V_STR)
        return strcmp(a->s, b->s) == 0;
    return a->t == V_NULL && b->t == V_NULL;
}

static bool compare(int op, const struct val *a, const struct val *b)
{
    int c;

    if (op == OP_EQ)
        return equal(a, b);
    if (op == OP_NE)
        return !equal(a, b);
    if (numeric(a) && numeric(b))
        c = a->n < b->n ? -1 : a->n > b->n;
    else if (a->t == V_STR && b->t == V_STR)
        c = strcmp(a->s, b->s);
    else
        return false;
    return op == OP_LT   ? c < 0
           : op == OP_LE ? c <= 0
           : op == OP_GT ? c > 0
                         : c >= 0;
}

static void eval(const struct demo_filter *f, const struct ctx *x, int i,
                 struct val *v);

static bool eval_bool(const struct demo_filter *f, const struct ctx *x, int i)
{
    struct val v;

    eval(f, x, i, &v);
    return truthy(&v);
}

static bool eval_in(const struct demo_filter *f, const struct ctx *x,
                    const struct node *n)
{
    struct val a, list;

    eval(f, x, n->a, &a);
    eval(f, x, n->b, &list);
    if (list.t != V_ARR)
        return false;
    for (int c = list.arr; c >= 0; c = f->n[c].next) {
        struct val e;

        eval(f, x, c, &e);
        if (equal(&a, &e))
            return true;
    }
    return false;
}

static bool eval_pattern(const struct demo_filter *f, const struct ctx *x,
                         const struct node *n)
{
    struct val pat, text;

    eval(f, x, n->a, &pat);
    eval(f, x, n->b, &text);
    if (pat.t != V_STR || text.t != V_STR)
        return false;
    if (n->type == N_MATCH)
        return fnmatch(pat.s, text.s, 0) == 0;
    return regexec(n->re, text.s, 0, NULL, 0) == 0;
}

static void eval(const struct demo_filter *f, const struct ctx *x, int i,
                 struct val *v)
{
    const struct node *n = &f->n[i];
    struct val a, b;

    v->t = V_NULL;
    switch (n->type) {
    case N_NUM:
    case N_BOOL:
        set_num(v, n->type == N_NUM ? V_NUM : V_BOOL, n->num);
        break;
    case N_STR:
        set_str(v, n->str);
        break;
    case N_FIELD:
        field_value(x, n->op, v);
        break;
    case N_ARRAY:
        v->t = V_ARR;
        v->arr = n->a;
        break;
    case N_NOT:
        set_num(v, V_BOOL, !eval_bool(f, x, n->a));
        break;
    case N_AND:
        set_num(v, V_BOOL, eval_bool(f, x, n->a) && eval_bool(f, x, n->b));
        break;
    case N_OR:
        set_num(v, V_BOOL, eval_bool(f, x, n->a) || eval_bool(f, x, n->b));
        break;
    case N_CMP:
        eval(f, x, n->a, &a);
        eval(f, x, n->b, &b);
        set_num(v, V_BOOL, compare(n->op, &a, &b));
        break;
    case N_IN:
        set_num(v, V_BOOL, eval_in(f, x, n));
        break;
    case N_MATCH:
    case N_REGEX:
        set_num(v, V_BOOL, eval_pattern(f, x, n));
        break;
    default:
        break;
    }
}

bool demo_filter_match(const struct demo_filter *f, const struct demo *d,
                       uint32_t id, int evtype)
{
    struct ctx x = { d, id, evtype };

    return eval_bool(f, &x, f->root);
}
