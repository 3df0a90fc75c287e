/*
 * Icinga 2 triage actions: request bodies (type + filter + filter_vars)
 * built with cJSON, and the per-object results of an action response
 * mapped back to the objects they are about.
 */
#include "icinga_action.h"

#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/icinga_json.h"
#include "backend/icinga_parse.h"
#include "backend/strmap.h"
#include "backend/xalloc.h"

#define ACTION_COUNT 6

static const char *const action_paths[ACTION_COUNT] = {
    [ICINGA_ACK] = "/v1/actions/acknowledge-problem",
    [ICINGA_UNACK] = "/v1/actions/remove-acknowledgement",
    [ICINGA_DOWNTIME] = "/v1/actions/schedule-downtime",
    [ICINGA_UNDOWNTIME] = "/v1/actions/remove-downtime",
    [ICINGA_RECHECK] = "/v1/actions/reschedule-check",
    [ICINGA_COMMENT] = "/v1/actions/add-comment",
};

static const char *const action_names[ACTION_COUNT] = {
    [ICINGA_ACK] = "acknowledge",
    [ICINGA_UNACK] = "remove acknowledgement",
    [ICINGA_DOWNTIME] = "schedule downtime",
    [ICINGA_UNDOWNTIME] = "remove downtime",
    [ICINGA_RECHECK] = "recheck",
    [ICINGA_COMMENT] = "add comment",
};

const char *icinga_action_name(enum icinga_action a)
{
    if ((unsigned)a >= ACTION_COUNT)
        return "action";
    return action_names[a];
}

void icinga_request_clear(struct icinga_request *r)
{
    if (r == NULL)
        return;
    free(r->path);
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* ---- building ---- */

static bool empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

static bool valid_time(double t)
{
    return isfinite(t) && t > 0;
}

/* The parameters action a needs, checked before anything is built. */
static int check_params(enum icinga_action a,
                        const struct icinga_action_params *p,
                        struct mc_err *err)
{
    const char *what = icinga_action_name(a);

    if ((unsigned)a >= ACTION_COUNT)
        return err_set(err, "unknown action %d", (int)a);
    if (a != ICINGA_ACK && a != ICINGA_DOWNTIME && a != ICINGA_COMMENT)
        return 0;
    if (p == NULL)
        return err_set(err, "%s: no parameters given", what);
    if (empty(p->author))
        return err_set(err, "%s: no author (set one in the config)", what);
    if (empty(p->comment))
        return err_set(err, "%s: a comment is required", what);
    if (a == ICINGA_ACK && (!isfinite(p->expiry) || p->expiry < 0))
        return err_set(err, "acknowledge: invalid expiry time");
    if (a != ICINGA_DOWNTIME)
        return 0;
    if (!valid_time(p->start) || !valid_time(p->end))
        return err_set(err, "schedule downtime: invalid start or end time");
    if (p->end <= p->start)
        return err_set(err, "schedule downtime: the end is not after the "
                            "start");
    if (!p->fixed && (!isfinite(p->duration) || p->duration <= 0))
        return err_set(err, "schedule downtime: a flexible downtime needs a "
                            "duration above zero");
    return 0;
}

/* A key that tells targets apart whatever characters the names hold. */
static char *target_key(const struct icinga_target *t)
{
    if (t->service == NULL)
        return xasprintf("H%s", t->host);
    return xasprintf("S%zu:%s%s", strlen(t->host), t->host, t->service);
}

/*
 * Indexes of the distinct targets of one kind (services or hosts), in
 * their first order; *count gets how many.
 */
static size_t *distinct_targets(const struct icinga_target *t, size_t n,
                                bool services, size_t *count)
{
    size_t *idx = xcalloc(n, sizeof *idx), k = 0;
    char **keys = xcalloc(n, sizeof *keys);
    struct strmap seen;

    strmap_init(&seen, n);
    for (size_t i = 0; i < n; i++) {
        if ((t[i].service != NULL) != services)
            continue;
        keys[i] = target_key(&t[i]);
        if (strmap_put(&seen, keys[i], (uint32_t)i))
            idx[k++] = i;
    }
    strmap_free(&seen);
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    *count = k;
    return idx;
}

/* "host.name==h0 || ..." or "(host.name==h0 && service.name==s0) || ...". */
static void add_filter(cJSON *body, const struct icinga_target *t,
                       const size_t *idx, size_t k, bool services)
{
    cJSON *vars = cJSON_CreateObject();
    struct buf f = { 0 };
    char name[32];

    for (size_t i = 0; i < k; i++) {
        const struct icinga_target *tg = &t[idx[i]];

        if (i > 0)
            buf_puts(&f, " || ");
        if (services)
            buf_printf(&f,
                       k > 1 ? "(host.name==h%zu && service.name==s%zu)"
                             : "host.name==h%zu && service.name==s%zu",
                       i, i);
        else
            buf_printf(&f, "host.name==h%zu", i);
        snprintf(name, sizeof name, "h%zu", i);
        cJSON_AddStringToObject(vars, name, tg->host);
        if (services) {
            snprintf(name, sizeof name, "s%zu", i);
            cJSON_AddStringToObject(vars, name, tg->service);
        }
    }
    cJSON_AddStringToObject(body, "filter", f.data);
    cJSON_AddItemToObject(body, "filter_vars", vars);
    buf_free(&f);
}

/* The action's own parameters, after type and filter. */
static void add_params(cJSON *body, enum icinga_action a,
                       const struct icinga_action_params *p, bool hosts)
{
    switch (a) {
    case ICINGA_ACK:
        cJSON_AddStringToObject(body, "author", p->author);
        cJSON_AddStringToObject(body, "comment", p->comment);
        cJSON_AddBoolToObject(body, "sticky", p->sticky);
        cJSON_AddBoolToObject(body, "notify", p->notify);
        cJSON_AddBoolToObject(body, "persistent", p->persistent);
        if (p->expiry > 0)
            cJSON_AddNumberToObject(body, "expiry", p->expiry);
        break;
    case ICINGA_DOWNTIME:
        cJSON_AddStringToObject(body, "author", p->author);
        cJSON_AddStringToObject(body, "comment", p->comment);
        cJSON_AddNumberToObject(body, "start_time", p->start);
        cJSON_AddNumberToObject(body, "end_time", p->end);
        cJSON_AddBoolToObject(body, "fixed", p->fixed);
        cJSON_AddNumberToObject(body, "duration",
                                p->fixed ? p->end - p->start : p->duration);
        if (hosts && p->all_services)
            cJSON_AddBoolToObject(body, "all_services", true);
        break;
    case ICINGA_COMMENT:
        cJSON_AddStringToObject(body, "author", p->author);
        cJSON_AddStringToObject(body, "comment", p->comment);
        break;
    case ICINGA_RECHECK:
        cJSON_AddBoolToObject(body, "force", p == NULL || p->force);
        break;
    case ICINGA_UNACK:
    case ICINGA_UNDOWNTIME:
    default:
        /* Icinga records who removed it. */
        if (p != NULL && !empty(p->author))
            cJSON_AddStringToObject(body, "author", p->author);
        break;
    }
}

static void build_one(enum icinga_action a,
                      const struct icinga_action_params *p,
                      const struct icinga_target *t, const size_t *idx,
                      size_t k, bool services, struct icinga_request *out)
{
    cJSON *body = cJSON_CreateObject();

    out->type = services ? "Service" : "Host";
    cJSON_AddStringToObject(body, "type", out->type);
    add_filter(body, t, idx, k, services);
    add_params(body, a, p, !services);
    out->path = xstrdup(action_paths[a]);
    out->body = cJSON_PrintUnformatted(body);
    if (out->body == NULL)
        fatal("out of memory");
    out->ntargets = k;
    cJSON_Delete(body);
}

int icinga_action_build(enum icinga_action a,
                        const struct icinga_action_params *p,
                        const struct icinga_target *t, size_t n,
                        struct icinga_request out[2], size_t *nout,
                        struct mc_err *err)
{
    *nout = 0;
    memset(out, 0, 2 * sizeof *out);
    if (check_params(a, p, err) < 0)
        return -1;
    if (t == NULL || n == 0)
        return err_set(err, "%s: no objects selected", icinga_action_name(a));
    for (size_t i = 0; i < n; i++) {
        if (empty(t[i].host))
            return err_set(err, "%s: object %zu has no host name",
                           icinga_action_name(a), i + 1);
        if (t[i].service != NULL && t[i].service[0] == '\0')
            return err_set(err,
                           "%s: object %zu (%s) has an empty service "
                           "name",
                           icinga_action_name(a), i + 1, t[i].host);
    }
    for (int services = 0; services <= 1; services++) {
        size_t k, *idx = distinct_targets(t, n, services, &k);

        if (k > 0)
            build_one(a, p, t, idx, k, services, &out[(*nout)++]);
        free(idx);
    }
    return 0;
}

/* ---- results ---- */

void icinga_action_results_free(struct icinga_action_result *r, size_t n)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(r[i].name);
        free(r[i].status);
        free(r[i].downtime);
    }
    free(r);
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* s without prefix and suffix, or NULL when it does not have both. */
static char *between(const char *s, const char *prefix, const char *suffix)
{
    size_t ls = strlen(s), lp = strlen(prefix), lx = strlen(suffix);

    if (ls < lp + lx + 1 || !starts(s, prefix) ||
        strcmp(s + ls - lx, suffix) != 0)
        return NULL;
    return xstrndup(s + lp, ls - lp - lx);
}

/* The object of a downtime or comment name "h!s!uuid" / "h!uuid". */
static char *object_of(const char *full)
{
    const char *bang = full != NULL ? strrchr(full, '!') : NULL;

    if (bang == NULL || bang == full)
        return NULL;
    return xstrndup(full, (size_t)(bang - full));
}

/* "Successfully scheduled downtime 'N' for object 'X'." and the like. */
static char *named_for_object(const char *status, const char *head,
                              const char *entry_name)
{
    struct buf pre = { 0 };
    const char *at;
    char *x;

    if (!starts(status, head))
        return NULL;
    if (entry_name != NULL) {
        buf_printf(&pre, "%s%s' for object '", head, entry_name);
        x = between(status, pre.data, "'.");
        buf_free(&pre);
        if (x != NULL)
            return x;
    }
    at = strstr(status + strlen(head), "' for object '");
    if (at == NULL)
        return NULL;
    return between(at, "' for object '", "'.");
}

/*
 * "<head>X' and N child downtimes.": X (up to the last "' and ", the name
 * may hold one) and N.
 */
static char *before_children(const char *status, const char *head,
                             int *children)
{
    const char *tail = NULL;
    size_t lh = strlen(head);

    if (!starts(status, head))
        return NULL;
    for (const char *p = strstr(status, "' and "); p != NULL;
         p = strstr(p + 1, "' and "))
        tail = p;
    if (tail == NULL || tail < status + lh)
        return NULL;
    *children = (int)strtol(tail + 6, NULL, 10);
    return xstrndup(status + lh, (size_t)(tail - status) - lh);
}

/* "Successfully removed all downtimes for object 'X' and N child ..." */
static char *removed_all(const char *status, int *children)
{
    return before_children(
        status, "Successfully removed all downtimes for object '", children);
}

/* "Successfully removed downtime 'N' and K child downtimes.": N's object. */
static char *removed_one(const char *status, int *children)
{
    char *dt =
        before_children(status, "Successfully removed downtime '", children);
    char *obj = object_of(dt);

    free(dt);
    return obj;
}

/* Messages of the form "<Type> X <what>." (no quotes). */
static char *bare_name(const char *status)
{
    static const char *const heads[] = { "Service ", "Host " };
    static const char *const tails[] = { " is already acknowledged.", " is OK.",
                                         " is UP." };
    char *x;

    for (size_t h = 0; h < 2; h++)
        for (size_t t = 0; t < 3; t++)
            if ((x = between(status, heads[h], tails[t])) != NULL)
                return x;
    if ((x = between(status,
                     "Acknowledgement 'expiry' timestamp must be in the "
                     "future for object ",
                     "")) != NULL)
        return x;
    return between(status,
                   "Cannot remove acknowledgement for non-existent "
                   "checkable object ",
                   ".");
}

/* The object a result is about, from its fields and status text. */
static char *result_object(const cJSON *it, const char *status, int *children)
{
    static const char *const simple[] = {
        "Successfully acknowledged problem for object '",
        "Successfully removed acknowledgement for object '",
        "Successfully rescheduled check for object '",
        "Successfully removed all comments for object '",
        "Successfully processed check result for object '",
        "Successfully sent custom notification for object '",
        "Successfully delayed notifications for object '",
    };
    const char *name = icinga_json_str(it, "name");
    char *x;

    /* Entries Icinga writes itself (e.g. 503 shutting down) name it. */
    if (name != NULL && icinga_json_str(it, "type") != NULL)
        return xstrdup(name);
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if ((x = between(status, simple[i], "'.")) != NULL)
            return x;
    if ((x = named_for_object(status, "Successfully scheduled downtime '",
                              name)) != NULL ||
        (x = named_for_object(status, "Successfully added comment '", name)) !=
            NULL)
        return x;
    if ((x = removed_all(status, children)) != NULL ||
        (x = removed_one(status, children)) != NULL)
        return x;
    if ((x = between(status, "Successfully removed comment '", "'.")) != NULL) {
        char *obj = object_of(x);

        free(x);
        return obj;
    }
    if ((x = bare_name(status)) != NULL)
        return x;
    /* A downtime result whose text we do not know: its name says. */
    if (cJSON_IsArray(
            cJSON_GetObjectItemCaseSensitive(it, "service_downtimes")))
        return object_of(name);
    return NULL;
}

static int parse_entry(const cJSON *it, size_t i,
                       struct icinga_action_result *r, struct mc_err *err)
{
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(it, "code");
    const cJSON *kids;
    const char *status = icinga_json_str(it, "status");

    if (!cJSON_IsObject(it))
        return err_set(err, "action result %zu is not an object", i + 1);
    if (!cJSON_IsNumber(code) ||
        code->valuedouble != floor(code->valuedouble) ||
        code->valuedouble < 100 || code->valuedouble > 599)
        return err_set(err, "action result %zu has no valid \"code\"", i + 1);
    if (status == NULL)
        return err_set(err, "action result %zu has no \"status\" text", i + 1);
    r->code = (int)code->valuedouble;
    r->status = xstrdup(status);
    r->name = result_object(it, status, &r->children);
    kids = cJSON_GetObjectItemCaseSensitive(it, "service_downtimes");
    if (cJSON_IsArray(kids) ||
        starts(status, "Successfully scheduled downtime '")) {
        const char *dt = icinga_json_str(it, "name");

        r->downtime = dt != NULL ? xstrdup(dt) : NULL;
        r->children = cJSON_GetArraySize(kids);
    }
    return 0;
}

/* Not a result list: say what the body was instead. */
static int not_results(const char *body, size_t len, int http_status,
                       const cJSON *root, struct mc_err *err)
{
    size_t i = 0;

    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' ||
                       body[i] == '\t'))
        i++;
    if (root == NULL && i < len && (body[i] == '{' || body[i] == '[')) {
        if (err != NULL)
            err->code = http_status;
        return err_set(err, "malformed or truncated action response (HTTP %d)",
                       http_status);
    }
    if (cJSON_IsObject(root) &&
        cJSON_GetObjectItemCaseSensitive(root, "error") == NULL &&
        icinga_json_str(root, "status") == NULL) {
        if (err != NULL)
            err->code = http_status;
        return err_set(err, "not an action response (HTTP %d)", http_status);
    }
    return icinga_parse_error(body, len, http_status, err);
}

int icinga_action_parse(const char *body, size_t len, int http_status,
                        struct icinga_action_result **out, size_t *n,
                        struct mc_err *err)
{
    cJSON *root;
    const cJSON *results, *it;
    struct icinga_action_result *r;
    size_t count = 0, i = 0;

    *out = NULL;
    *n = 0;
    if (body == NULL || len == 0)
        return icinga_parse_error(NULL, 0, http_status, err);
    root = cJSON_ParseWithLength(body, len);
    results = cJSON_GetObjectItemCaseSensitive(root, "results");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(results)) {
        int rc = not_results(body, len, http_status, root, err);

        cJSON_Delete(root);
        return rc;
    }
    count = (size_t)cJSON_GetArraySize(results);
    r = count > 0 ? xcalloc(count, sizeof *r) : NULL;
    cJSON_ArrayForEach(it, results)
    {
        if (parse_entry(it, i, &r[i], err) < 0) {
            if (err != NULL)
                err->code = http_status;
            icinga_action_results_free(r, count);
            cJSON_Delete(root);
            return -1;
        }
        i++;
    }
    cJSON_Delete(root);
    *out = r;
    *n = count;
    return 0;
}

/* Is name "host" (service NULL) or "host!service"? */
static bool names_target(const char *name, const char *host,
                         const char *service)
{
    size_t lh = strlen(host);

    if (strncmp(name, host, lh) != 0)
        return false;
    if (service == NULL)
        return name[lh] == '\0';
    return name[lh] == '!' && strcmp(name + lh + 1, service) == 0;
}

const struct icinga_action_result *
icinga_action_result_for(const struct icinga_action_result *r, size_t n,
                         const char *host, const char *service)
{
    const struct icinga_action_result *unnamed = NULL;

    if (host == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (r[i].name != NULL && names_target(r[i].name, host, service))
            return &r[i];
        if (r[i].name == NULL && unnamed == NULL &&
            (r[i].code < 200 || r[i].code > 299))
            unnamed = &r[i];
    }
    return unnamed;
}
