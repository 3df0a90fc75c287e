/* Running a compiled demo filter against a host, service or event. */
#include <fnmatch.h>
#include <regex.h>
#include <string.h>

#include "backend/demo_filter_int.h"

enum val_type { V_NULL, V_BOOL, V_NUM, V_STR, V_OBJ, V_ARR };

struct val {
    int t;
    double n;
    const char *s;
    int arr; /* first node of an array */
    char tmp[24];
};

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

/* Does an event of this type carry the field? Comment and downtime
 * events only have their object, acks no ack or downtime flag. */
static bool event_field(int evtype, int fid)
{
    if (evtype == 0 ||
        (evtype & (DEMO_EV_CHECKRESULT | DEMO_EV_STATECHANGE)) != 0 ||
        fid == F_EV_TYPE)
        return true;
    if (evtype & (DEMO_EV_ACK_SET | DEMO_EV_ACK_CLEARED))
        return fid == F_EV_HOST || fid == F_EV_SERVICE || fid == F_EV_STATE ||
               fid == F_EV_STATE_TYPE;
    return false;
}

static void field_value(const struct ctx *x, int field, struct val *v)
{
    const struct demo *d = x->d;
    int src = field / 64, fid = field % 64;
    uint32_t id = src == SRC_HOST ? d->obj[x->id].host : x->id;
    const struct demo_obj *o = &d->obj[id];
    const struct demo_chk *c = &d->chk[id];
    bool host = o->kind == DEMO_KIND_HOST;
    bool dt = demo_downtime_depth(d, id) > 0;
    bool problem = !c->pending && c->state != 0;

    v->t = V_NULL;
    if (src == SRC_EVENT && !event_field(x->evtype, fid))
        return;
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
    case F_EV_DOWNTIME:
        set_num(v, V_NUM, demo_downtime_depth(d, id));
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
        set_str(v, demo_event_name((unsigned)x->evtype));
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
