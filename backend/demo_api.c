/*
 * The demo site's API: routes a request like Icinga's HTTP handlers do,
 * with the real error bodies, and streams object lists piece by piece.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo_cacti.h"
#include "backend/demo_es.h"
#include "backend/demo_int.h"
#include "backend/xalloc.h"

/* Object types Icinga knows besides hosts and services: empty lists. */
static const char *const other_types[] = {
    "apiusers",      "checkcommands", "dependencies",  "endpoints",
    "eventcommands", "hostgroups",    "notifications", "scheduleddowntimes",
    "servicegroups", "timeperiods",   "usergroups",    "users",
    "zones",
};

struct demo_reply *demo_reply_new(struct demo *d, int kind)
{
    struct demo_reply *r = xcalloc(1, sizeof(*r));

    r->kind = kind;
    demo_reply_link(d, r);
    return r;
}

static struct demo_reply *reply_static(struct demo *d, int *status, int code,
                                       const char *body)
{
    struct demo_reply *r = demo_reply_new(d, DEMO_REPLY_STATIC);

    *status = code;
    buf_puts(&r->pend, body);
    r->done = true;
    return r;
}

struct demo_reply *demo_reply_body(struct demo *d, int *status, int code,
                                   const struct buf *body)
{
    struct demo_reply *r = demo_reply_new(d, DEMO_REPLY_STATIC);

    *status = code;
    buf_append(&r->pend, body->data != NULL ? body->data : "", body->len);
    r->done = true;
    return r;
}

struct demo_reply *demo_reply_error(struct demo *d, int *status, int code,
                                    const char *text)
{
    struct demo_reply *r = demo_reply_new(d, DEMO_REPLY_STATIC);

    *status = code;
    buf_printf(&r->pend, "{\"error\":%d,\"status\":", code);
    buf_json_str(&r->pend, text);
    buf_putc(&r->pend, '}');
    r->done = true;
    return r;
}

static struct demo_reply *reply_no_path(struct demo *d, int *status,
                                        const char *path)
{
    char msg[512];

    snprintf(msg, sizeof(msg),
             "The requested path '%s' could not be found or the request "
             "method is not valid for this path.",
             path);
    return demo_reply_error(d, status, 404, msg);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) into a new string. */
char *demo_url_decode(const char *s, size_t len, bool plus_is_space)
{
    char *out = xmalloc(len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            out[n++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[n++] = plus_is_space && s[i] == '+' ? ' ' : s[i];
        }
    }
    out[n] = '\0';
    return out;
}

/* Query parameters, each an array of strings, override the body's. */
static void merge_query(cJSON *params, const char *q)
{
    cJSON *query = cJSON_CreateObject(), *it, *next;

    while (q != NULL && *q != '\0') {
        const char *amp = strchr(q, '&');
        size_t len = amp != NULL ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);

        if (eq != NULL && eq > q) {
            char *k = demo_url_decode(q, (size_t)(eq - q), false);
            char *v =
                demo_url_decode(eq + 1, len - (size_t)(eq - q) - 1, false);
            cJSON *arr = cJSON_GetObjectItemCaseSensitive(query, k);

            if (arr == NULL)
                arr = cJSON_AddArrayToObject(query, k);
            cJSON_AddItemToArray(arr, cJSON_CreateString(v));
            free(k);
            free(v);
        }
        q = amp != NULL ? amp + 1 : NULL;
    }
    for (it = query->child; it != NULL; it = next) {
        next = it->next;
        cJSON_DeleteItemFromObjectCaseSensitive(params, it->string);
        cJSON_AddItemToObject(params, it->string,
                              cJSON_DetachItemViaPointer(query, it));
    }
    cJSON_Delete(query);
}

const char *demo_param_str(const cJSON *params, const char *name)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(params, name);

    if (cJSON_IsArray(p)) {
        int n = cJSON_GetArraySize(p);

        p = n > 0 ? cJSON_GetArrayItem(p, n - 1) : NULL;
    }
    return cJSON_IsString(p) ? p->valuestring : NULL;
}

uint32_t demo_find_object(const struct demo *d, bool service, const char *name)
{
    const char *bang = service ? strchr(name, '!') : NULL;
    size_t hlen = bang != NULL ? (size_t)(bang - name) : strlen(name);

    if (service && bang == NULL)
        return UINT32_MAX;
    for (uint32_t h = 0; h < d->nhosts; h++) {
        const struct demo_host *ho = &d->host[h];

        if (strlen(ho->name) != hlen || memcmp(ho->name, name, hlen) != 0)
            continue;
        if (!service)
            return h;
        for (uint32_t i = 0; i < ho->svc_count; i++)
            if (strcmp(demo_kind_name(d->obj[ho->svc_first + i].kind),
                       bang + 1) == 0)
                return ho->svc_first + i;
        return UINT32_MAX;
    }
    return UINT32_MAX;
}

/* attrs and joins; on a bad field sets *bad to its name. */
static bool list_fields(struct demo_reply *r, const cJSON *params, bool service,
                        const char **bad)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(params, "attrs");
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(params, "joins");
    const cJSON *it;

    r->amask = demo_attr_all(service);
    if (a != NULL && !cJSON_IsNull(a)) {
        if (!cJSON_IsArray(a)) {
            *bad = NULL;
            return false;
        }
        r->amask = 0;
        cJSON_ArrayForEach(it, a)
        {
            int i = cJSON_IsString(it)
                        ? demo_attr_find(it->valuestring, service)
                        : -1;

            if (i < 0) {
                *bad = cJSON_IsString(it) ? it->valuestring : "";
                return false;
            }
            r->amask |= 1ull << i;
        }
    }
    for (it = cJSON_IsArray(j) ? j->child : NULL; it != NULL; it = it->next) {
        const char *s = cJSON_IsString(it) ? it->valuestring : "";
        int i;

        if (!service || strncmp(s, "host", 4) != 0 ||
            (s[4] != '\0' && s[4] != '.'))
            continue; /* Icinga ignores joins it does not know */
        if (s[4] == '\0') {
            r->jmask = demo_attr_all(false);
            continue;
        }
        i = demo_attr_find(s + 5, false);
        if (i < 0) {
            *bad = s + 5;
            return false;
        }
        r->jmask |= 1ull << i;
    }
    return true;
}

static struct demo_reply *objects(struct demo *d, bool service,
                                  const char *name, const cJSON *params,
                                  int *status)
{
    struct demo_reply *r;
    const char *bad = NULL, *filter = demo_param_str(params, "filter");
    char msg[300];

    r = demo_reply_new(d, DEMO_REPLY_LIST);
    if (!list_fields(r, params, service, &bad)) {
        demo_reply_free(r);
        if (bad == NULL)
            return demo_reply_error(d, status, 400,
                                    "Invalid type for 'attrs' attribute "
                                    "specified. Array type is required.");
        snprintf(msg, sizeof(msg), "Invalid field specified: %s", bad);
        return demo_reply_error(d, status, 400, msg);
    }
    r->pos = service ? d->nhosts : 0;
    r->end = service ? d->nobj : d->nhosts;
    if (name != NULL) {
        uint32_t id = demo_find_object(d, service, name);

        if (id == UINT32_MAX) {
            demo_reply_free(r);
            return demo_reply_error(d, status, 404, "No objects found.");
        }
        r->pos = id;
        r->end = id + 1;
    }
    if (filter != NULL) {
        r->filter = demo_filter_new(
            filter, cJSON_GetObjectItemCaseSensitive(params, "filter_vars"),
            service ? DEMO_FS_SERVICE : DEMO_FS_HOST);
        if (r->filter == NULL) {
            demo_reply_free(r);
            return demo_reply_error(d, status, 404, "No objects found.");
        }
    }
    *status = 200;
    return r;
}

static unsigned event_type_bit(const char *s)
{
    for (unsigned bit = 1; bit <= DEMO_EV_DOWNTIME_REMOVED; bit <<= 1)
        if (strcmp(s, demo_event_name(bit)) == 0)
            return bit;
    return 0; /* a valid type the demo never emits, or an unknown one */
}

static struct demo_reply *events(struct demo *d, const cJSON *params,
                                 int *status)
{
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(params, "types");
    const char *filter = demo_param_str(params, "filter");
    const cJSON *it;
    struct demo_reply *r;

    if (demo_param_str(params, "queue") == NULL)
        return demo_reply_error(d, status, 400,
                                "'queue' query parameter is required.");
    if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) == 0)
        return demo_reply_error(d, status, 400,
                                "'types' query parameter is required.");
    r = demo_reply_new(d, DEMO_REPLY_EVENTS);
    cJSON_ArrayForEach(it, types)
    {
        if (cJSON_IsString(it))
            r->types |= event_type_bit(it->valuestring);
    }
    if (filter != NULL) {
        r->filter = demo_filter_new(
            filter, cJSON_GetObjectItemCaseSensitive(params, "filter_vars"),
            DEMO_FS_EVENT);
        if (r->filter == NULL) {
            demo_reply_free(r);
            return demo_reply_error(d, status, 400,
                                    "Invalid filter specified.");
        }
    }
    *status = 200;
    return r;
}

static void status_app(struct buf *b, const struct demo *d)
{
    buf_puts(b, "{\"name\":\"IcingaApplication\",\"perfdata\":[],\"status\":"
                "{\"icingaapplication\":{\"app\":{\"enable_event_handlers\":"
                "true,\"enable_flapping\":true,\"enable_host_checks\":true,"
                "\"enable_notifications\":true,\"enable_perfdata\":true,"
                "\"enable_service_checks\":true,\"environment\":\"\","
                "\"node_name\":\"" DEMO_NODE_NAME "\",\"pid\":");
    demo_json_int(b, 2000 + (long long)(d->seed % 30000));
    buf_puts(b, ",\"program_start\":");
    demo_json_ts(b, d->program_start);
    buf_puts(b, ",\"version\":\"r2.13.6-1\"}}}}");
}

/* Counters of /v1/status/CIB, by the rules Icinga 2.13 uses. */
struct cib {
    long long up, down, host_pending, host_flap, host_ack, host_dt,
        host_handled, host_problem;
    long long st[4], svc_pending, svc_flap, svc_ack, svc_dt, svc_handled,
        svc_problem, svc_unreach;
    double host_rate, svc_rate;
};

static void cib_count(const struct demo *d, struct cib *k)
{
    memset(k, 0, sizeof(*k));
    for (uint32_t id = 0; id < d->nobj; id++) {
        const struct demo_chk *c = &d->chk[id];
        bool dt = demo_downtime_depth(d, id) > 0, problem;
        bool handled = c->ack != 0 || dt || !c->reach;

        problem = !c->pending && c->state != 0;
        if (id < d->nhosts) {
            k->host_rate += 1.0 / d->obj[id].interval;
            k->host_pending += c->pending;
            k->up += !c->pending && c->state < 2;
            k->down += !c->pending && c->state >= 2;
            k->host_flap += c->flapping;
            k->host_ack += c->ack != 0;
            k->host_dt += dt;
            k->host_handled += handled;
            k->host_problem += problem;
            continue;
        }
        k->svc_rate += 1.0 / d->obj[id].interval;
        k->svc_pending += c->pending;
        if (!c->pending)
            k->st[c->state & 3]++;
        k->svc_flap += c->flapping;
        k->svc_ack += c->ack != 0;
        k->svc_dt += dt;
        k->svc_handled += handled;
        k->svc_problem += problem;
        k->svc_unreach += !c->reach;
    }
}

static void status_cib(struct buf *b, const struct demo *d)
{
    struct cib k;
    long long h1, s1;

    cib_count(d, &k);
    h1 = llround(k.host_rate * 60);
    s1 = llround(k.svc_rate * 60);
    buf_puts(b, "{\"name\":\"CIB\",\"perfdata\":[],\"status\":{"
                "\"active_host_checks\":");
    demo_json_num(b, k.host_rate);
    buf_printf(b,
               ",\"active_host_checks_15min\":%lld,\"active_host_checks_1min\""
               ":%lld,\"active_host_checks_5min\":%lld,"
               "\"active_service_checks\":",
               h1 * 15, h1, h1 * 5);
    demo_json_num(b, k.svc_rate);
    buf_printf(b,
               ",\"active_service_checks_15min\":%lld,"
               "\"active_service_checks_1min\":%lld,"
               "\"active_service_checks_5min\":%lld,"
               "\"avg_execution_time\":0.23612515429124475,"
               "\"avg_latency\":0.0018397397536007477,"
               "\"current_concurrent_checks\":1,"
               "\"current_pending_callbacks\":0,"
               "\"max_execution_time\":10.012,\"max_latency\":0.05,"
               "\"min_execution_time\":0,\"min_latency\":0.0002,",
               s1 * 15, s1, s1 * 5);
    buf_printf(b,
               "\"num_hosts_acknowledged\":%lld,\"num_hosts_down\":%lld,"
               "\"num_hosts_flapping\":%lld,\"num_hosts_handled\":%lld,"
               "\"num_hosts_in_downtime\":%lld,\"num_hosts_pending\":%lld,"
               "\"num_hosts_problem\":%lld,\"num_hosts_unreachable\":0,"
               "\"num_hosts_up\":%lld,",
               k.host_ack, k.down, k.host_flap, k.host_handled, k.host_dt,
               k.host_pending, k.host_problem, k.up);
    buf_printf(b,
               "\"num_services_acknowledged\":%lld,"
               "\"num_services_critical\":%lld,\"num_services_flapping\":%lld,"
               "\"num_services_handled\":%lld,"
               "\"num_services_in_downtime\":%lld,\"num_services_ok\":%lld,"
               "\"num_services_pending\":%lld,\"num_services_problem\":%lld,"
               "\"num_services_unknown\":%lld,"
               "\"num_services_unreachable\":%lld,"
               "\"num_services_warning\":%lld,",
               k.svc_ack, k.st[2], k.svc_flap, k.svc_handled, k.svc_dt, k.st[0],
               k.svc_pending, k.svc_problem, k.st[3], k.svc_unreach, k.st[1]);
    buf_puts(b, "\"passive_host_checks\":0,\"passive_host_checks_15min\":0,"
                "\"passive_host_checks_1min\":0,\"passive_host_checks_5min\":0,"
                "\"passive_service_checks\":0,"
                "\"passive_service_checks_15min\":0,"
                "\"passive_service_checks_1min\":0,"
                "\"passive_service_checks_5min\":0,\"remote_check_queue\":0,"
                "\"uptime\":");
    demo_json_num(b, d->now - d->program_start);
    buf_puts(b, "}}");
}

static struct demo_reply *status_reply(struct demo *d, const char *which,
                                       int *code)
{
    struct demo_reply *r = demo_reply_new(d, DEMO_REPLY_STATIC);
    bool all = *which == '\0';

    buf_puts(&r->pend, "{\"results\":[");
    if (all || strcmp(which, "CIB") == 0)
        status_cib(&r->pend, d);
    if (all)
        buf_putc(&r->pend, ',');
    if (all || strcmp(which, "IcingaApplication") == 0)
        status_app(&r->pend, d);
    buf_puts(&r->pend, "]}");
    r->done = true;
    if (!all && r->pend.len == strlen("{\"results\":[]}")) {
        demo_reply_free(r);
        return demo_reply_error(d, code, 404, "No objects found.");
    }
    *code = 200;
    return r;
}

static struct demo_reply *route_objects(struct demo *d, const char *p,
                                        const cJSON *params, int *status)
{
    const char *slash = strchr(p, '/'), *name = NULL;
    size_t tlen = slash != NULL ? (size_t)(slash - p) : strlen(p);

    if (slash != NULL && slash[1] != '\0')
        name = slash + 1;
    if (tlen == 5 && strncmp(p, "hosts", 5) == 0)
        return objects(d, false, name, params, status);
    if (tlen == 8 && strncmp(p, "services", 8) == 0)
        return objects(d, true, name, params, status);
    if (tlen == 9 && strncmp(p, "downtimes", 9) == 0)
        return demo_notes_list(d, true, name, params, status);
    if (tlen == 8 && strncmp(p, "comments", 8) == 0)
        return demo_notes_list(d, false, name, params, status);
    for (size_t i = 0; i < sizeof(other_types) / sizeof(other_types[0]); i++) {
        if (strlen(other_types[i]) != tlen ||
            strncmp(p, other_types[i], tlen) != 0)
            continue;
        if (name != NULL)
            return demo_reply_error(d, status, 404, "No objects found.");
        return reply_static(d, status, 200, "{\"results\":[]}");
    }
    return demo_reply_error(d, status, 400, "Invalid type specified.");
}

static struct demo_reply *route(struct demo *d, const char *method,
                                const char *p, const cJSON *params, int *status)
{
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

    if (strncmp(p, "v1/objects/", 11) == 0 && (get || post))
        return route_objects(d, p + 11, params, status);
    if (strcmp(p, "v1/events") == 0 && post)
        return events(d, params, status);
    if (strncmp(p, "v1/actions/", 11) == 0 && post &&
        strchr(p + 11, '/') == NULL)
        return demo_action(d, p + 11, params, status);
    if (get && strcmp(p, "v1/status") == 0)
        return status_reply(d, "", status);
    if (get && strncmp(p, "v1/status/", 10) == 0 && p[10] != '\0')
        return status_reply(d, p + 10, status);
    return reply_no_path(d, status, p);
}

/* nlohmann's wording, which Icinga passes on for a malformed body. */
static struct demo_reply *bad_body(struct demo *d, const char *body,
                                   int *status)
{
    const char *at = cJSON_GetErrorPtr();
    long col = at != NULL && at >= body ? (long)(at - body) + 1 : 1;
    char msg[200];

    snprintf(msg, sizeof(msg),
             "Invalid request body: Error: [json.exception.parse_error.101] "
             "parse error at line 1, column %ld: syntax error while parsing "
             "value - unexpected input\n",
             col);
    return demo_reply_error(d, status, 400, msg);
}

struct demo_reply *demo_request(struct demo *d, const char *method,
                                const char *path, const char *body, int *status)
{
    const char *q = strchr(path, '?'), *p;
    char *dec;
    size_t n;
    cJSON *params = NULL;
    struct demo_reply *r;

    /* Cacti's pages and exports (a form body, not JSON). */
    if (strncmp(path, "/cacti", 6) == 0 && strchr("/?", path[6]) != NULL)
        return demo_cacti_request(d, method, path + 6, body, status);
    /* Elasticsearch's /<indices>/_search over the demo's logs. */
    if (demo_es_owns(path))
        return demo_es_request(d, method, path, body, status);
    dec = demo_url_decode(path, q != NULL ? (size_t)(q - path) : strlen(path),
                          false);
    n = strlen(dec);
    while (n > 0 && dec[n - 1] == '/')
        dec[--n] = '\0';
    for (p = dec; *p == '/'; p++)
        ;
    if (body != NULL && body[strspn(body, " \t\r\n")] != '\0') {
        params = cJSON_Parse(body);
        if (!cJSON_IsObject(params)) {
            cJSON_Delete(params);
            free(dec);
            return bad_body(d, body, status);
        }
    } else {
        params = cJSON_CreateObject();
    }
    merge_query(params, q != NULL ? q + 1 : NULL);
    r = route(d, method, p, params, status);
    cJSON_Delete(params);
    free(dec);
    return r;
}

static void list_object(struct buf *b, const struct demo_reply *r, uint32_t id)
{
    const struct demo *d = r->d;
    bool service = d->obj[id].kind != DEMO_KIND_HOST;

    buf_puts(b, "{\"attrs\":");
    demo_json_attrs(b, d, id, r->amask);
    buf_puts(b, ",\"joins\":");
    if (service && r->jmask != 0) {
        buf_puts(b, "{\"host\":");
        demo_json_attrs(b, d, d->obj[id].host, r->jmask);
        buf_putc(b, '}');
    } else {
        buf_puts(b, "{}");
    }
    buf_puts(b, ",\"meta\":{},\"name\":");
    demo_json_name(b, d, id);
    buf_puts(b, service ? ",\"type\":\"Service\"}" : ",\"type\":\"Host\"}");
}

/* Generate objects into b until want bytes were added or the list ends. */
static void list_more(struct demo_reply *r, struct buf *b, size_t want)
{
    size_t start = b->len;

    if (!r->started) {
        buf_puts(b, "{\"results\":[");
        r->started = r->first = true;
    }
    while (r->pos < r->end && b->len - start < want) {
        uint32_t id = r->pos++;

        if (r->filter != NULL && !demo_filter_match(r->filter, r->d, id, 0))
            continue;
        if (!r->first)
            buf_putc(b, ',');
        r->first = false;
        list_object(b, r, id);
    }
    if (r->pos >= r->end) {
        buf_puts(b, "]}");
        r->done = true;
    }
}

int demo_reply_read(struct demo_reply *r, struct buf *out, size_t max)
{
    size_t have = r->pend.len - r->off;

    if (max == 0)
        max = 1;
    if (have > 0) {
        size_t n = have < max ? have : max;

        buf_append(out, r->pend.data + r->off, n);
        r->off += n;
        max -= n;
        if (r->off == r->pend.len) {
            buf_reset(&r->pend);
            r->off = 0;
        }
    }
    if (r->kind == DEMO_REPLY_LIST && !r->done && r->d == NULL)
        r->done = true; /* the site is gone: the body ends short */
    if (max > 0 && r->pend.len == 0 && r->kind == DEMO_REPLY_LIST && !r->done) {
        /* Generate straight into out; keep what goes past max. */
        size_t start = out->len;

        list_more(r, out, max);
        if (out->len - start > max) {
            buf_append(&r->pend, out->data + start + max,
                       out->len - start - max);
            out->len = start + max;
            out->data[out->len] = '\0';
        }
    }
    if (r->kind == DEMO_REPLY_EVENTS)
        return r->d != NULL || r->pend.len > r->off;
    return r->pend.len > r->off || !r->done;
}

void demo_reply_free(struct demo_reply *r)
{
    if (r == NULL)
        return;
    demo_reply_unlink(r);
    demo_filter_free(r->filter);
    buf_free(&r->pend);
    free(r);
}
