/*
 * The demo site's /v1/actions: objects chosen like Icinga 2.13 does (a
 * direct name key, or type + filter + filter_vars), each action applied
 * per object with Icinga's own result codes and texts, and the overall
 * status from the set of codes (409 when mixed, 500 when nothing matched).
 */
#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_int.h"
#include "backend/xalloc.h"

#define NAME_MAX_LEN 160

enum { T_COMMENT = 1, T_DOWNTIME = 2, T_HOST = 4, T_SERVICE = 8 };

enum act {
    ACT_ACK,
    ACT_UNACK,
    ACT_COMMENT,
    ACT_UNCOMMENT,
    ACT_DOWNTIME,
    ACT_UNDOWNTIME,
    ACT_RECHECK
};

static const struct {
    const char *name;
    int act;
    unsigned types;
} actions[] = {
    { "acknowledge-problem", ACT_ACK, T_HOST | T_SERVICE },
    { "remove-acknowledgement", ACT_UNACK, T_HOST | T_SERVICE },
    { "add-comment", ACT_COMMENT, T_HOST | T_SERVICE },
    { "remove-comment", ACT_UNCOMMENT, T_HOST | T_SERVICE | T_COMMENT },
    { "schedule-downtime", ACT_DOWNTIME, T_HOST | T_SERVICE },
    { "remove-downtime", ACT_UNDOWNTIME, T_HOST | T_SERVICE | T_DOWNTIME },
    { "reschedule-check", ACT_RECHECK, T_HOST | T_SERVICE },
};

/* Object types in Icinga's (sorted) order, with their parameter keys. */
static const struct {
    unsigned type;
    const char *name, *key, *plural;
} types[] = {
    { T_COMMENT, "Comment", "comment", "comments" },
    { T_DOWNTIME, "Downtime", "downtime", "downtimes" },
    { T_HOST, "Host", "host", "hosts" },
    { T_SERVICE, "Service", "service", "services" },
};

/* A matched object: a checkable id, or a comment/downtime legacy id. */
struct target {
    unsigned type;
    uint32_t id;
};

struct targets {
    struct target *t;
    size_t n, cap;
};

struct run {
    struct demo *d;
    const cJSON *params;
    struct buf out;
    int ok[8], bad[8]; /* distinct result codes */
    int nok, nbad;
    bool first;
};

static void targets_add(struct targets *ts, unsigned type, uint32_t id)
{
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 16;
        ts->t = xreallocarray(ts->t, ts->cap, sizeof(*ts->t));
    }
    ts->t[ts->n].type = type;
    ts->t[ts->n++].id = id;
}

/* --- parameters, read like HttpUtility::GetLastParameter --- */

static const cJSON *param(const cJSON *params, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);

    if (cJSON_IsArray(v))
        v = cJSON_GetArraySize(v) > 0
                ? cJSON_GetArrayItem(v, cJSON_GetArraySize(v) - 1)
                : NULL;
    return v;
}

static bool has(const cJSON *params, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(params, key) != NULL;
}

static bool param_bool(const cJSON *params, const char *key)
{
    const cJSON *v = param(params, key);

    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsNumber(v))
        return v->valuedouble != 0;
    return cJSON_IsString(v) && v->valuestring[0] != '\0';
}

static double param_num(const cJSON *params, const char *key)
{
    const cJSON *v = param(params, key);

    if (cJSON_IsNumber(v))
        return v->valuedouble;
    if (cJSON_IsString(v))
        return strtod(v->valuestring, NULL);
    return cJSON_IsTrue(v) ? 1 : 0;
}

static const char *param_text(const cJSON *params, const char *key)
{
    const cJSON *v = param(params, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* --- choosing the objects (FilterUtility::GetFilterTargets) --- */

static bool lookup(const struct demo *d, unsigned type, const char *name,
                   struct targets *ts)
{
    size_t i;
    uint32_t id;

    switch (type) {
    case T_HOST:
    case T_SERVICE:
        id = demo_find_object(d, type == T_SERVICE, name);
        if (id == UINT32_MAX)
            return false;
        targets_add(ts, type, id);
        return true;
    case T_DOWNTIME:
        i = demo_downtime_by_name(d, name);
        if (i == SIZE_MAX)
            return false;
        targets_add(ts, type, d->dt[i].legacy_id);
        return true;
    default:
        i = demo_comment_by_name(d, name);
        if (i == SIZE_MAX)
            return false;
        targets_add(ts, type, d->cm[i].legacy_id);
        return true;
    }
}

/* Objects named by "host", "services", ... keys; false if one is unknown. */
static bool named_targets(const struct demo *d, const cJSON *params,
                          unsigned allowed, struct targets *ts)
{
    for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
        const cJSON *one, *many, *it;

        if ((allowed & types[k].type) == 0)
            continue;
        one = param(params, types[k].key);
        if (has(params, types[k].key) &&
            (!cJSON_IsString(one) ||
             !lookup(d, types[k].type, one->valuestring, ts)))
            return false;
        many = cJSON_GetObjectItemCaseSensitive(params, types[k].plural);
        for (it = cJSON_IsArray(many) ? many->child : NULL; it != NULL;
             it = it->next)
            if (!cJSON_IsString(it) ||
                !lookup(d, types[k].type, it->valuestring, ts))
                return false;
    }
    return true;
}

static bool filter_targets(const struct demo *d, const cJSON *params,
                           unsigned allowed, struct targets *ts)
{
    const char *type = demo_param_str(params, "type");
    const char *expr = demo_param_str(params, "filter");
    struct demo_filter *f = NULL;
    unsigned t = 0;

    for (size_t k = 0; type != NULL && k < sizeof(types) / sizeof(types[0]);
         k++)
        if (strcmp(type, types[k].name) == 0)
            t = types[k].type;
    if ((t & allowed) == 0)
        return false; /* no type, or not one the action takes */
    if (expr != NULL) {
        /* Comments and downtimes: filters see their host and service. */
        f = demo_filter_new(
            expr, cJSON_GetObjectItemCaseSensitive(params, "filter_vars"),
            t == T_HOST ? DEMO_FS_HOST : DEMO_FS_SERVICE);
        if (f == NULL)
            return false;
    }
    if (t == T_HOST || t == T_SERVICE) {
        uint32_t lo = t == T_HOST ? 0 : d->nhosts;
        uint32_t hi = t == T_HOST ? d->nhosts : d->nobj;

        for (uint32_t id = lo; id < hi; id++)
            if (f == NULL || demo_filter_match(f, d, id, 0))
                targets_add(ts, t, id);
    } else {
        size_t n = t == T_DOWNTIME ? d->ndt : d->ncm;

        for (size_t i = 0; i < n; i++) {
            uint32_t obj = t == T_DOWNTIME ? d->dt[i].obj : d->cm[i].obj;

            if (f == NULL || demo_filter_match(f, d, obj, 0))
                targets_add(ts, t,
                            t == T_DOWNTIME ? d->dt[i].legacy_id
                                            : d->cm[i].legacy_id);
        }
    }
    demo_filter_free(f);
    return true;
}

/* --- results --- */

static void note_code(int *set, int *n, int code)
{
    for (int i = 0; i < *n; i++)
        if (set[i] == code)
            return;
    if (*n < 8)
        set[(*n)++] = code;
}

/* Start a result entry: {"code":C, then the caller's keys, then end it. */
static void result_begin(struct run *r, int code)
{
    if (!r->first)
        buf_putc(&r->out, ',');
    r->first = false;
    buf_printf(&r->out, "{\"code\":%d", code);
    if (code >= 200 && code <= 299)
        note_code(r->ok, &r->nok, code);
    else
        note_code(r->bad, &r->nbad, code);
}

static void result_end(struct run *r, const char *status)
{
    buf_puts(&r->out, ",\"status\":");
    buf_json_str(&r->out, status);
    buf_putc(&r->out, '}');
}

static void result(struct run *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void result(struct run *r, int code, const char *fmt, ...)
{
    char status[2 * NAME_MAX_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(status, sizeof(status), fmt, ap);
    va_end(ap);
    result_begin(r, code);
    result_end(r, status);
}

/* --- the actions on one object --- */

static void act_ack(struct run *r, uint32_t id, const char *name)
{
    struct demo *d = r->d;
    const cJSON *p = r->params;
    bool service = d->obj[id].kind != DEMO_KIND_HOST;
    double expiry = 0;

    if (!has(p, "author") || !has(p, "comment")) {
        result(r, 400, "Acknowledgements require author and comment.");
        return;
    }
    if (has(p, "expiry")) {
        expiry = param_num(p, "expiry");
        if (expiry <= d->now) {
            result(r, 409,
                   "Acknowledgement 'expiry' timestamp must be in the "
                   "future for object %s",
                   name);
            return;
        }
    }
    if (demo_icinga_state(d, id) == 0) {
        result(r, 409, service ? "Service %s is OK." : "Host %s is UP.", name);
        return;
    }
    if (d->chk[id].ack != 0) {
        result(r, 409,
               service ? "Service %s is already acknowledged."
                       : "Host %s is already acknowledged.",
               name);
        return;
    }
    demo_ack_set(d, id, param_text(p, "author"), param_text(p, "comment"),
                 has(p, "sticky") && param_bool(p, "sticky"),
                 param_bool(p, "notify"), param_bool(p, "persistent"), expiry,
                 d->now);
    result(r, 200, "Successfully acknowledged problem for object '%s'.", name);
}

static void act_downtime(struct run *r, uint32_t id, const char *name)
{
    struct demo *d = r->d;
    const cJSON *p = r->params;
    struct demo_dt_spec s;
    uint32_t legacy;
    char dname[NAME_MAX_LEN];
    struct buf status = { 0 };
    size_t i;

    if (!has(p, "start_time") || !has(p, "end_time") || !has(p, "author") ||
        !has(p, "comment")) {
        result(r, 400,
               "Options 'start_time', 'end_time', 'author' and 'comment' are "
               "required");
        return;
    }
    s.fixed = !has(p, "fixed") || param_bool(p, "fixed");
    if (!s.fixed && !has(p, "duration")) {
        result(r, 400, "Option 'duration' is required for flexible downtime");
        return;
    }
    s.duration = has(p, "duration") ? param_num(p, "duration") : 0;
    s.author = param_text(p, "author");
    s.comment = param_text(p, "comment");
    s.start = param_num(p, "start_time");
    s.end = param_num(p, "end_time");
    legacy = demo_downtime_add(d, id, &s, 0, d->now);
    i = demo_downtime_by_id(d, legacy);
    demo_note_name(d, id, d->dt[i].uuid, dname, sizeof(dname));
    result_begin(r, 200);
    buf_printf(&r->out, ",\"legacy_id\":%u,\"name\":", (unsigned)legacy);
    buf_json_str(&r->out, dname);
    buf_printf(&status, "Successfully scheduled downtime '%s' for object '%s'.",
               dname, name);
    if (d->obj[id].kind == DEMO_KIND_HOST && param_bool(p, "all_services")) {
        const struct demo_host *h = &d->host[id];

        buf_puts(&r->out, ",\"service_downtimes\":[");
        for (uint32_t k = 0; k < h->svc_count; k++) {
            uint32_t child =
                demo_downtime_add(d, h->svc_first + k, &s, legacy, d->now);

            i = demo_downtime_by_id(d, child);
            demo_note_name(d, h->svc_first + k, d->dt[i].uuid, dname,
                           sizeof(dname));
            buf_printf(&r->out,
                       "%s{\"legacy_id\":%u,\"name\":", k > 0 ? "," : "",
                       (unsigned)child);
            buf_json_str(&r->out, dname);
            buf_putc(&r->out, '}');
        }
        buf_putc(&r->out, ']');
    }
    result_end(r, status.data);
    buf_free(&status);
}

/* remove-downtime on a host or service: all of its downtimes. */
static void act_undowntime(struct run *r, uint32_t id, const char *name)
{
    struct demo *d = r->d;
    size_t children = 0, n = 0;
    uint32_t *ids = xcalloc(d->ndt + 1, sizeof(*ids));
    struct buf status = { 0 };

    for (size_t i = 0; i < d->ndt; i++)
        if (d->dt[i].obj == id)
            ids[n++] = d->dt[i].legacy_id;
    for (size_t k = 0; k < n; k++) {
        if (demo_downtime_by_id(d, ids[k]) == SIZE_MAX)
            continue; /* went with its parent */
        children += demo_downtime_children(d, ids[k]);
        demo_downtime_remove(d, ids[k], d->now);
    }
    free(ids);
    buf_printf(&status,
               "Successfully removed all downtimes for object '%s' and %zu "
               "child downtimes.",
               name, children);
    result_begin(r, 200);
    result_end(r, status.data);
    buf_free(&status);
}

static void act_comment(struct run *r, uint32_t id, const char *name)
{
    struct demo *d = r->d;
    const cJSON *p = r->params;
    uint32_t legacy;
    char cname[NAME_MAX_LEN];
    struct buf status = { 0 };

    if (!has(p, "author") || !has(p, "comment")) {
        result(r, 400, "Comments require author and comment.");
        return;
    }
    legacy = demo_comment_add(
        d, id, 1, param_text(p, "author"), param_text(p, "comment"),
        has(p, "expiry") ? param_num(p, "expiry") : 0, false, false, d->now);
    demo_note_name(d, id, d->cm[demo_comment_by_id(d, legacy)].uuid, cname,
                   sizeof(cname));
    result_begin(r, 200);
    buf_printf(&r->out, ",\"legacy_id\":%u,\"name\":", (unsigned)legacy);
    buf_json_str(&r->out, cname);
    buf_printf(&status, "Successfully added comment '%s' for object '%s'.",
               cname, name);
    result_end(r, status.data);
    buf_free(&status);
}

static void act_checkable(struct run *r, int act, uint32_t id)
{
    struct demo *d = r->d;
    char name[NAME_MAX_LEN];

    demo_full_name(d, id, name, sizeof(name));
    switch (act) {
    case ACT_ACK:
        act_ack(r, id, name);
        break;
    case ACT_UNACK:
        demo_ack_clear(d, id, d->now);
        demo_comments_remove_of(d, id, true, false, d->now);
        result(r, 200, "Successfully removed acknowledgement for object '%s'.",
               name);
        break;
    case ACT_COMMENT:
        act_comment(r, id, name);
        break;
    case ACT_UNCOMMENT:
        demo_comments_remove_of(d, id, false, false, d->now);
        result(r, 200, "Successfully removed all comments for object '%s'.",
               name);
        break;
    case ACT_DOWNTIME:
        act_downtime(r, id, name);
        break;
    case ACT_UNDOWNTIME:
        act_undowntime(r, id, name);
        break;
    default:
        demo_reschedule(d, id,
                        has(r->params, "next_check")
                            ? param_num(r->params, "next_check")
                            : d->now);
        result(r, 200, "Successfully rescheduled check for object '%s'.", name);
        break;
    }
}

/* remove-downtime / remove-comment naming the downtime or comment. */
static void act_note(struct run *r, unsigned type, uint32_t legacy)
{
    struct demo *d = r->d;
    char name[NAME_MAX_LEN];
    size_t i = type == T_DOWNTIME ? demo_downtime_by_id(d, legacy)
                                  : demo_comment_by_id(d, legacy);
    struct buf status = { 0 };

    if (i == SIZE_MAX) { /* removed with an earlier one */
        result(r, 404,
               type == T_DOWNTIME
                   ? "Cannot remove non-existent downtime object."
                   : "Cannot remove non-existent comment object.");
        return;
    }
    if (type == T_DOWNTIME) {
        size_t children = demo_downtime_children(d, legacy);

        demo_note_name(d, d->dt[i].obj, d->dt[i].uuid, name, sizeof(name));
        demo_downtime_remove(d, legacy, d->now);
        buf_printf(&status,
                   "Successfully removed downtime '%s' and %zu child "
                   "downtimes.",
                   name, children);
    } else {
        demo_note_name(d, d->cm[i].obj, d->cm[i].uuid, name, sizeof(name));
        demo_comment_remove(d, i, d->now);
        buf_printf(&status, "Successfully removed comment '%s'.", name);
    }
    result_begin(r, 200);
    result_end(r, status.data);
    buf_free(&status);
}

/* ActionsHandler: one code for all, or 409 for mixed, or 500. */
static int overall_status(const struct run *r)
{
    if (r->nok == 1 && r->nbad == 0)
        return r->ok[0];
    if (r->nbad == 1)
        return r->bad[0];
    if (r->nok >= 2 && r->nbad == 0)
        return 200;
    return 500;
}

struct demo_reply *demo_action(struct demo *d, const char *name,
                               const cJSON *params, int *status)
{
    struct targets ts = { 0 };
    struct run r = { .d = d, .params = params, .first = true };
    struct demo_reply *reply;
    size_t a = 0;

    while (a < sizeof(actions) / sizeof(actions[0]) &&
           strcmp(actions[a].name, name) != 0)
        a++;
    if (a == sizeof(actions) / sizeof(actions[0])) {
        buf_printf(&r.out, "Action '%s' does not exist.", name);
        reply = demo_reply_error(d, status, 404, r.out.data);
        buf_free(&r.out);
        return reply;
    }
    if (!named_targets(d, params, actions[a].types, &ts) ||
        ((ts.n == 0 || has(params, "filter")) &&
         !filter_targets(d, params, actions[a].types, &ts))) {
        free(ts.t);
        return demo_reply_error(d, status, 404, "No objects found.");
    }
    buf_puts(&r.out, "{\"results\":[");
    for (size_t i = 0; i < ts.n; i++) {
        if (ts.t[i].type == T_HOST || ts.t[i].type == T_SERVICE)
            act_checkable(&r, actions[a].act, ts.t[i].id);
        else
            act_note(&r, ts.t[i].type, ts.t[i].id);
    }
    buf_puts(&r.out, "]}");
    if (actions[a].act == ACT_RECHECK)
        demo_heap_rebuild(d);
    reply = demo_reply_body(d, status, overall_status(&r), &r.out);
    free(ts.t);
    buf_free(&r.out);
    return reply;
}
