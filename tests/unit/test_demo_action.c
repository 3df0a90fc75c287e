/*
 * Unit tests for the demo site's /v1/actions: requests built by
 * icinga_action_build(), answered like Icinga 2.13, parsed back by
 * icinga_action_parse(), seen in /v1/objects and on the event stream.
 */
#include <cJSON.h>
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo.h"
#include "backend/icinga_action.h"
#include "tests/unit/testutil.h"

#define T0 1795670000.0

static char *fetch(struct demo *d, const char *method, const char *path,
                   const char *body, int *status)
{
    struct demo_reply *r = demo_request(d, method, path, body, status);
    struct buf b = { 0 };

    while (demo_reply_read(r, &b, 4096))
        ;
    demo_reply_free(r);
    return buf_steal(&b);
}

/* A query that must answer 200; the parsed body. */
static cJSON *query(struct demo *d, const char *path, const char *body)
{
    int st = 0;
    char *s = fetch(d, body != NULL ? "POST" : "GET", path, body, &st);
    cJSON *j = cJSON_Parse(s);

    ck_assert_msg(st == 200, "%s: %d %s", path, st, s);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "results")));
    free(s);
    return j;
}

static cJSON *results(const cJSON *j)
{
    return cJSON_GetObjectItem(j, "results");
}

/* Names of the objects a filter matches (at most max). */
static int pick(struct demo *d, bool services, const char *filter, char **out,
                int max)
{
    char body[512];
    cJSON *j, *it;
    int n = 0;

    snprintf(body, sizeof body, "{\"attrs\":[\"name\"],\"filter\":\"%s\"}",
             filter);
    j = query(d, services ? "/v1/objects/services" : "/v1/objects/hosts",
              body);
    cJSON_ArrayForEach(it, results(j))
    {
        if (n < max)
            out[n++] = strdup(cJSON_GetObjectItem(it, "name")->valuestring);
    }
    cJSON_Delete(j);
    return n;
}

static void free_names(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
}

/* "h!s" into a target (pointing into name, which is modified). */
static struct icinga_target target_of(char *name)
{
    struct icinga_target t = { name, NULL };
    char *bang = strchr(name, '!');

    if (bang != NULL) {
        *bang = '\0';
        t.service = bang + 1;
    }
    return t;
}

/* An attribute of one object (host or "host!service"). */
static double obj_num(struct demo *d, const char *name, const char *attr)
{
    char path[256];
    cJSON *j, *v;
    double x;

    snprintf(path, sizeof path, "/v1/objects/%s/%s?attrs=%s",
             strchr(name, '!') != NULL ? "services" : "hosts", name, attr);
    j = query(d, path, NULL);
    v = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(results(j), 0), "attrs"), attr);
    ck_assert_msg(cJSON_IsNumber(v), "%s of %s", attr, name);
    x = v->valuedouble;
    cJSON_Delete(j);
    return x;
}

/* Send every request of an action; all results, the last HTTP status. */
static struct icinga_action_result *
act(struct demo *d, enum icinga_action a, const struct icinga_action_params *p,
    const struct icinga_target *t, size_t n, size_t *nres, int *status)
{
    struct icinga_request rq[2];
    struct icinga_action_result *all = NULL;
    struct mc_err err = { 0 };
    size_t nrq = 0;

    *nres = 0;
    ck_assert_msg(icinga_action_build(a, p, t, n, rq, &nrq, &err) == 0, "%s",
                  err.msg);
    for (size_t i = 0; i < nrq; i++) {
        char *body = fetch(d, "POST", rq[i].path, rq[i].body, status);
        struct icinga_action_result *r;
        size_t k;

        ck_assert_msg(icinga_action_parse(body, strlen(body), *status, &r, &k,
                                          &err) == 0,
                      "%s: %s", err.msg, body);
        all = realloc(all, (*nres + k + 1) * sizeof *all);
        if (k > 0)
            memcpy(all + *nres, r, k * sizeof *r);
        *nres += k;
        free(r);
        free(body);
        icinga_request_clear(&rq[i]);
    }
    return all;
}

static struct demo_reply *stream(struct demo *d, const char *types)
{
    char body[512];
    int st = 0;
    struct demo_reply *r;

    snprintf(body, sizeof body, "{\"queue\":\"t\",\"types\":[%s]}", types);
    r = demo_request(d, "POST", "/v1/events", body, &st);
    ck_assert_int_eq(st, 200);
    return r;
}

/* The events queued so far, as an array. */
static cJSON *events(struct demo_reply *r)
{
    struct buf b = { 0 };
    cJSON *arr = cJSON_CreateArray();
    char *line, *nl;

    demo_reply_read(r, &b, 1u << 30);
    for (line = b.data; line != NULL && *line != '\0'; line = nl + 1) {
        cJSON *ev;

        nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        *nl = '\0';
        ev = cJSON_Parse(line);
        ck_assert_msg(ev != NULL, "bad event line %s", line);
        cJSON_AddItemToArray(arr, ev);
    }
    buf_free(&b);
    return arr;
}

/* Forget the events queued so far. */
static void drain(struct demo_reply *r)
{
    cJSON_Delete(events(r));
}

static const char *ev_type(const cJSON *ev)
{
    return cJSON_GetObjectItem(ev, "type")->valuestring;
}

static int count_type(const cJSON *evs, const char *type)
{
    const cJSON *ev;
    int n = 0;

    cJSON_ArrayForEach(ev, evs)
    {
        n += strcmp(ev_type(ev), type) == 0;
    }
    return n;
}

/* Same member names, in the same (sorted) order. */
static void same_keys(const cJSON *a, const cJSON *b, const char *what)
{
    const cJSON *x = a->child, *y = b->child;

    for (; x != NULL && y != NULL; x = x->next, y = y->next)
        ck_assert_msg(strcmp(x->string, y->string) == 0, "%s: %s vs %s", what,
                      x->string, y->string);
    ck_assert_msg(x == NULL && y == NULL, "%s: key count differs", what);
}

/* Each event has the shape of the real line of its type. */
static void shapes_like_lab(const cJSON *evs)
{
    size_t len;
    char *lab = testutil_slurp(
        "tests/data/icinga/icinga-events-ack-downtime-comment.ndjson", &len);
    const cJSON *ev;
    int checked = 0;

    cJSON_ArrayForEach(ev, evs)
    {
        for (char *line = lab; *line != '\0';) {
            char *nl = strchr(line, '\n');
            cJSON *real = cJSON_ParseWithLength(line, (size_t)(nl - line));

            if (strcmp(ev_type(real), ev_type(ev)) == 0) {
                same_keys(ev, real, ev_type(ev));
                if (cJSON_HasObjectItem(ev, "downtime"))
                    same_keys(cJSON_GetObjectItem(ev, "downtime"),
                              cJSON_GetObjectItem(real, "downtime"),
                              "downtime");
                if (cJSON_HasObjectItem(ev, "comment") &&
                    cJSON_IsObject(cJSON_GetObjectItem(ev, "comment")))
                    same_keys(cJSON_GetObjectItem(ev, "comment"),
                              cJSON_GetObjectItem(real, "comment"),
                              "comment");
                checked++;
            }
            cJSON_Delete(real);
            line = nl + 1;
        }
    }
    ck_assert_int_gt(checked, 0);
    free(lab);
}

static struct icinga_action_params params(void)
{
    struct icinga_action_params p = { 0 };

    p.author = "mctop";
    p.comment = "Investigating (OPS-1)";
    p.fixed = true;
    p.force = true;
    return p;
}

START_TEST(test_demo_action_ack)
{
    struct demo *d = demo_new(3, 40, T0);
    struct demo_reply *es =
        stream(d, "\"AcknowledgementSet\",\"AcknowledgementCleared\","
                  "\"CommentAdded\",\"CommentRemoved\"");
    struct icinga_action_params p = params();
    char *prob[1], *ok[1], pname[128];
    struct icinga_target t[2];
    struct icinga_action_result *r;
    size_t n;
    int st;
    cJSON *evs, *j;

    ck_assert_int_eq(pick(d, true,
                          "service.state == 2 && service.acknowledgement == 0 "
                          "&& service.downtime_depth == 0",
                          prob, 1),
                     1);
    ck_assert_int_eq(pick(d, true, "service.state == 0", ok, 1), 1);
    snprintf(pname, sizeof pname, "%s", prob[0]);
    t[0] = target_of(prob[0]);
    t[1] = target_of(ok[0]);
    p.sticky = true;
    r = act(d, ICINGA_ACK, &p, t, 2, &n, &st);
    ck_assert_int_eq(st, 409); /* mixed */
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(
        icinga_action_result_for(r, n, t[0].host, t[0].service)->code, 200);
    ck_assert_int_eq(
        icinga_action_result_for(r, n, t[1].host, t[1].service)->code, 409);
    ck_assert(strstr(icinga_action_result_for(r, n, t[1].host, t[1].service)
                         ->status,
                     "is OK.") != NULL);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, pname, "acknowledgement") == 2);
    ck_assert(obj_num(d, pname, "acknowledgement_expiry") == 0);
    j = query(d, "/v1/objects/comments", NULL);
    ck_assert_int_ge(cJSON_GetArraySize(results(j)), 1);
    cJSON_Delete(j);
    evs = events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 2);
    ck_assert_str_eq(ev_type(cJSON_GetArrayItem(evs, 0)), "CommentAdded");
    ck_assert_str_eq(ev_type(cJSON_GetArrayItem(evs, 1)), "AcknowledgementSet");
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 1),
                                         "acknowledgement_type")
                         ->valueint,
                     2);
    shapes_like_lab(evs);
    cJSON_Delete(evs);

    /* Again: already acknowledged, a single 409. */
    r = act(d, ICINGA_ACK, &p, t, 1, &n, &st);
    ck_assert_int_eq(st, 409);
    ck_assert(strstr(r[0].status, "is already acknowledged.") != NULL);
    ck_assert_str_eq(r[0].name, pname);
    icinga_action_results_free(r, n);

    /* Removed: ack and its comment go, with their events. */
    r = act(d, ICINGA_UNACK, &p, t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, pname);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, pname, "acknowledgement") == 0);
    evs = events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 2);
    ck_assert_str_eq(ev_type(cJSON_GetArrayItem(evs, 0)),
                     "AcknowledgementCleared");
    ck_assert_str_eq(ev_type(cJSON_GetArrayItem(evs, 1)), "CommentRemoved");
    shapes_like_lab(evs);
    cJSON_Delete(evs);
    /* Removing again is fine and says nothing on the stream. */
    r = act(d, ICINGA_UNACK, &p, t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    icinga_action_results_free(r, n);
    evs = events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 0);
    cJSON_Delete(evs);
    free_names(prob, 1);
    free_names(ok, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

static void expect_reply(struct demo *d, const char *method, const char *path,
                         const char *body, int code, const char *want)
{
    int st = 0;
    char *s = fetch(d, method, path, body, &st);

    ck_assert_msg(st == code, "%s: %d %s", path, st, s);
    ck_assert_str_eq(s, want);
    free(s);
}

START_TEST(test_demo_action_errors)
{
    struct demo *d = demo_new(1, 10, T0);
    struct icinga_action_params p = params();
    struct icinga_target hostile[] = {
        { "prd-web-01\" || true || \"", NULL },
        { "x", "y\") || (true" },
        { "prd-web-01", "http\" || service.name != \"" },
    };
    struct icinga_action_result *r;
    size_t n;
    int st;

    expect_reply(d, "POST", "/v1/actions/no-such-action", "{}", 404,
                 "{\"error\":404,\"status\":\"Action 'no-such-action' does "
                 "not exist.\"}");
    expect_reply(d, "GET", "/v1/actions/reschedule-check", NULL, 404,
                 "{\"error\":404,\"status\":\"The requested path "
                 "'v1/actions/reschedule-check' could not be found or the "
                 "request method is not valid for this path.\"}");
    expect_reply(d, "POST", "/v1/actions/acknowledge-problem",
                 "{\"filter\":\"host.name==\\\"prd-web-01\\\"\"}", 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");
    expect_reply(d, "POST", "/v1/actions/acknowledge-problem",
                 "{\"type\":\"Host\",\"filter\":\"host.state != && 1\"}", 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");
    expect_reply(d, "POST", "/v1/actions/acknowledge-problem",
                 "{\"type\":\"Downtime\",\"filter\":\"true\"}", 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");
    expect_reply(d, "POST", "/v1/actions/reschedule-check",
                 "{\"type\":\"Service\",\"service\":\"nosuch!svc\"}", 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");
    /* Matching nothing: 500 with an empty list, as Icinga 2.13 does. */
    expect_reply(d, "POST", "/v1/actions/reschedule-check",
                 "{\"type\":\"Host\",\"filter\":\"host.name==h\","
                 "\"filter_vars\":{\"h\":\"nosuch\"}}",
                 500, "{\"results\":[]}");
    expect_reply(d, "POST", "/v1/actions/remove-downtime",
                 "{\"type\":\"Downtime\",\"filter\":\"host.name==\\\"x\\\"\"}",
                 500, "{\"results\":[]}");
    /* Missing parameters: 400 for each object. */
    expect_reply(d, "POST", "/v1/actions/acknowledge-problem",
                 "{\"type\":\"Service\",\"filter\":\"host.name==\\\"prd-web-"
                 "01\\\" && service.name in [\\\"load\\\",\\\"disk\\\"]\","
                 "\"author\":\"a\"}",
                 400,
                 "{\"results\":[{\"code\":400,\"status\":\"Acknowledgements "
                 "require author and comment.\"},{\"code\":400,\"status\":"
                 "\"Acknowledgements require author and comment.\"}]}");
    expect_reply(d, "POST", "/v1/actions/schedule-downtime",
                 "{\"type\":\"Host\",\"host\":\"prd-web-01\"}", 400,
                 "{\"results\":[{\"code\":400,\"status\":\"Options "
                 "'start_time', 'end_time', 'author' and 'comment' are "
                 "required\"}]}");
    expect_reply(d, "POST", "/v1/actions/schedule-downtime",
                 "{\"host\":\"prd-web-01\",\"start_time\":1,\"end_time\":2,"
                 "\"author\":\"a\",\"comment\":\"c\",\"fixed\":false}",
                 400,
                 "{\"results\":[{\"code\":400,\"status\":\"Option 'duration' "
                 "is required for flexible downtime\"}]}");
    expect_reply(d, "POST", "/v1/actions/add-comment",
                 "{\"service\":\"prd-web-01!http\",\"author\":\"a\"}", 400,
                 "{\"results\":[{\"code\":400,\"status\":\"Comments require "
                 "author and comment.\"}]}");
    expect_reply(d, "POST", "/v1/actions/acknowledge-problem",
                 "{\"host\":\"prd-web-01\",\"author\":\"a\",\"comment\":\"c\","
                 "\"expiry\":5}",
                 409,
                 "{\"results\":[{\"code\":409,\"status\":\"Acknowledgement "
                 "'expiry' timestamp must be in the future for object "
                 "prd-web-01\"}]}");
    /* Hostile names are data: they match nothing and change nothing. */
    r = act(d, ICINGA_ACK, &p, hostile, 3, &n, &st);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(st, 500);
    free(r);
    r = act(d, ICINGA_RECHECK, &p, hostile, 3, &n, &st);
    ck_assert_uint_eq(n, 0);
    free(r);
    demo_free(d);
}
END_TEST

/* Downtimes listed now, as {name: parent}. */
static cJSON *downtimes(struct demo *d, const char *host)
{
    char body[256];
    cJSON *j, *it, *out = cJSON_CreateObject();

    snprintf(body, sizeof body,
             "{\"attrs\":[\"parent\",\"trigger_time\",\"fixed\"],"
             "\"filter\":\"host.name==h\",\"filter_vars\":{\"h\":\"%s\"}}",
             host);
    j = query(d, "/v1/objects/downtimes", body);
    cJSON_ArrayForEach(it, results(j))
    {
        cJSON *a = cJSON_GetObjectItem(it, "attrs");

        ck_assert_str_eq(cJSON_GetObjectItem(it, "type")->valuestring,
                         "Downtime");
        ck_assert_int_eq(cJSON_GetArraySize(a), 3);
        cJSON_AddStringToObject(
            out, cJSON_GetObjectItem(it, "name")->valuestring,
            cJSON_GetObjectItem(a, "parent")->valuestring);
    }
    cJSON_Delete(j);
    return out;
}

START_TEST(test_demo_action_downtime_host)
{
    struct demo *d = demo_new(5, 30, T0);
    struct demo_reply *es =
        stream(d, "\"DowntimeAdded\",\"DowntimeStarted\",\"DowntimeTriggered\","
                  "\"DowntimeRemoved\",\"CheckResult\"");
    struct icinga_action_params p = params();
    char *h[1], svc[160];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *evs, *list, *ev;
    size_t n, nsvc;
    int st, crs = 0;

    ck_assert_int_eq(pick(d, false, "host.downtime_depth == 0", h, 1), 1);
    t = target_of(h[0]);
    p.start = T0 - 10;
    p.end = T0 + 3600;
    p.all_services = true;
    p.comment = "Kernel patching";
    r = act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(r[0].name, h[0]);
    ck_assert(strncmp(r[0].downtime, h[0], strlen(h[0])) == 0);
    nsvc = (size_t)r[0].children;
    ck_assert_uint_ge(nsvc, 7);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, h[0], "downtime_depth") == 1);
    snprintf(svc, sizeof svc, "%s!load", h[0]);
    ck_assert(obj_num(d, svc, "downtime_depth") == 1);
    list = downtimes(d, h[0]);
    ck_assert_uint_eq((size_t)cJSON_GetArraySize(list), nsvc + 1);
    cJSON_Delete(list);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "DowntimeAdded"), (int)nsvc + 1);
    ck_assert_int_eq(count_type(evs, "DowntimeStarted"), (int)nsvc + 1);
    ck_assert_int_eq(count_type(evs, "DowntimeTriggered"), (int)nsvc + 1);
    shapes_like_lab(evs);
    cJSON_Delete(evs);

    /* A second one on the host alone: depth 2 there, still 1 below. */
    p.all_services = false;
    r = act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(r[0].children, 0);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, h[0], "downtime_depth") == 2);
    ck_assert(obj_num(d, svc, "downtime_depth") == 1);
    drain(es);
    demo_advance(d, T0 + 120);
    evs = events(es);
    cJSON_ArrayForEach(ev, evs)
    {
        if (strcmp(cJSON_GetObjectItem(ev, "host")->valuestring, h[0]) != 0)
            continue;
        ck_assert_int_eq(
            cJSON_GetObjectItem(ev, "downtime_depth")->valueint,
            cJSON_HasObjectItem(ev, "service") ? 1 : 2);
        crs++;
    }
    ck_assert_int_gt(crs, 3);
    cJSON_Delete(evs);

    /* Removing the host's downtimes takes the children along. */
    r = act(d, ICINGA_UNDOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, h[0]);
    ck_assert_uint_eq((size_t)r[0].children, nsvc);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, h[0], "downtime_depth") == 0);
    ck_assert(obj_num(d, svc, "downtime_depth") == 0);
    list = downtimes(d, h[0]);
    ck_assert_int_eq(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "DowntimeRemoved"), (int)nsvc + 2);
    cJSON_ArrayForEach(ev, evs)
    {
        if (strcmp(ev_type(ev), "DowntimeRemoved") == 0)
            ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "downtime"),
                                          "remove_time")
                          ->valuedouble > 0);
    }
    shapes_like_lab(evs);
    cJSON_Delete(evs);
    free_names(h, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_downtime_timed)
{
    struct demo *d = demo_new(5, 30, T0);
    struct demo_reply *es =
        stream(d, "\"DowntimeStarted\",\"DowntimeTriggered\","
                  "\"DowntimeRemoved\"");
    struct icinga_action_params p = params();
    char *ok[1], *bad[1], okname[160], badname[160];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *evs, *list;
    size_t n;
    int st;

    ck_assert_int_eq(pick(d, true,
                          "service.state == 0 && service.downtime_depth == 0",
                          ok, 1),
                     1);
    snprintf(okname, sizeof okname, "%s", ok[0]);

    /* Fixed, in the future: nothing until its start, gone at its end. */
    t = target_of(ok[0]);
    p.start = T0 + 100;
    p.end = T0 + 200;
    r = act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, okname, "downtime_depth") == 0);
    demo_advance(d, T0 + 150);
    ck_assert(obj_num(d, okname, "downtime_depth") == 1);
    evs = events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 2);
    ck_assert_str_eq(ev_type(cJSON_GetArrayItem(evs, 0)), "DowntimeStarted");
    ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(evs,
                                                                         1),
                                                      "downtime"),
                                  "trigger_time")
                  ->valuedouble == T0 + 100);
    cJSON_Delete(evs);
    demo_advance(d, T0 + 250);
    ck_assert(obj_num(d, okname, "downtime_depth") == 0);
    evs = events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 1);
    /* Expired, not cancelled. */
    ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(evs,
                                                                         0),
                                                      "downtime"),
                                  "remove_time")
                  ->valuedouble == 0);
    cJSON_Delete(evs);
    list = downtimes(d, t.host);
    ck_assert_int_eq(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);

    /* Flexible: waits for the next problem result, lasts its duration. */
    ck_assert_int_eq(pick(d, true,
                          "service.state == 2 && service.downtime_depth == 0 "
                          "&& service.state_type == 1",
                          bad, 1),
                     1);
    snprintf(badname, sizeof badname, "%s", bad[0]);
    p.fixed = false;
    p.start = T0 + 250;
    p.end = T0 + 7200;
    p.duration = 600;
    t = target_of(bad[0]);
    r = act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, badname, "downtime_depth") == 0);
    list = downtimes(d, t.host);
    ck_assert_int_eq(cJSON_GetArraySize(list), 1);
    cJSON_Delete(list);
    demo_advance(d, T0 + 400);
    ck_assert(obj_num(d, badname, "downtime_depth") == 1);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "DowntimeTriggered"), 1);
    cJSON_Delete(evs);
    /* Until trigger time + duration, not its end time. */
    demo_advance(d, T0 + 1300);
    ck_assert(obj_num(d, badname, "downtime_depth") == 0);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "DowntimeRemoved"), 1);
    cJSON_Delete(evs);
    free_names(ok, 1);
    free_names(bad, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_recheck_comment)
{
    struct demo *d = demo_new(2, 20, T0);
    struct demo_reply *es =
        stream(d, "\"CheckResult\",\"CommentAdded\",\"CommentRemoved\"");
    struct icinga_action_params p = params();
    char *s[1], name[160], body[400];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *evs, *ev, *j;
    size_t n;
    int st, mine = 0;
    double before;

    demo_advance(d, T0 + 1);
    ck_assert_int_eq(pick(d, true,
                          "host.name == \\\"prd-web-01\\\" && service.name == "
                          "\\\"backup\\\"",
                          s, 1),
                     1);
    snprintf(name, sizeof name, "%s", s[0]);
    t = target_of(s[0]);
    before = obj_num(d, name, "last_check");
    r = act(d, ICINGA_RECHECK, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, name);
    ck_assert_str_eq(r[0].status, "Successfully rescheduled check for object "
                                  "'prd-web-01!backup'.");
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, name, "next_check") == T0 + 1);
    drain(es);
    demo_advance(d, T0 + 1.5);
    ck_assert(obj_num(d, name, "last_check") > before);
    evs = events(es);
    cJSON_ArrayForEach(ev, evs)
    {
        mine += cJSON_HasObjectItem(ev, "service") &&
                strcmp(cJSON_GetObjectItem(ev, "service")->valuestring,
                       "backup") == 0 &&
                strcmp(cJSON_GetObjectItem(ev, "host")->valuestring,
                       "prd-web-01") == 0;
    }
    ck_assert_int_eq(mine, 1);
    cJSON_Delete(evs);

    /* A comment: listed, on the stream, removable by its name. */
    p.comment = "Disk swapped, watching";
    r = act(d, ICINGA_COMMENT, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, name);
    icinga_action_results_free(r, n);
    j = query(d, "/v1/objects/comments",
              "{\"filter\":\"service.name == \\\"backup\\\" && host.name == "
              "\\\"prd-web-01\\\"\"}");
    ck_assert_int_eq(cJSON_GetArraySize(results(j)), 1);
    ev = cJSON_GetObjectItem(cJSON_GetArrayItem(results(j), 0), "attrs");
    ck_assert_int_eq(cJSON_GetObjectItem(ev, "entry_type")->valueint, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(ev, "text")->valuestring,
                     "Disk swapped, watching");
    snprintf(body, sizeof body, "{\"comment\":\"%s\"}",
             cJSON_GetObjectItem(cJSON_GetArrayItem(results(j), 0), "name")
                 ->valuestring);
    cJSON_Delete(j);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "CommentAdded"), 1);
    shapes_like_lab(evs);
    cJSON_Delete(evs);
    free(fetch(d, "POST", "/v1/actions/remove-comment", body, &st));
    ck_assert_int_eq(st, 200);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "CommentRemoved"), 1);
    cJSON_Delete(evs);
    free_names(s, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

/* Per object: ack type (1 normal, 2 sticky) and whether it was cleared. */
struct acked {
    char *name;
    int type;
    bool cleared, recovered, stuck;
};

static struct acked *find_acked(struct acked *a, int n, const cJSON *ev)
{
    char name[160];
    const cJSON *s = cJSON_GetObjectItem(ev, "service");

    snprintf(name, sizeof name, "%s%s%s",
             cJSON_GetObjectItem(ev, "host")->valuestring, s ? "!" : "",
             s ? s->valuestring : "");
    for (int i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return &a[i];
    return NULL;
}

START_TEST(test_demo_action_ack_recovery)
{
    struct demo *d = demo_new(11, 80, T0);
    struct demo_reply *es =
        stream(d, "\"StateChange\",\"AcknowledgementCleared\"");
    struct icinga_action_params p = params();
    char *names[64];
    struct acked a[64];
    struct icinga_target t[64];
    struct icinga_action_result *r;
    int n = pick(d, true,
                 "service.state != 0 && service.acknowledgement == 0 && "
                 "service.last_check_result != null",
                 names, 64);
    int normal_cleared = 0, sticky_cleared = 0;
    size_t nres;
    int st;

    ck_assert_int_ge(n, 6);
    for (int i = 0; i < n; i++) {
        a[i].name = strdup(names[i]);
        a[i].type = i % 2 ? 2 : 1;
        a[i].cleared = a[i].recovered = a[i].stuck = false;
        t[i] = target_of(names[i]);
    }
    /* Odd ones sticky, even ones normal: two bulk requests. */
    for (int sticky = 0; sticky <= 1; sticky++) {
        struct icinga_target sub[64];
        int k = 0;

        for (int i = sticky; i < n; i += 2)
            sub[k++] = t[i];
        p.sticky = sticky;
        r = act(d, ICINGA_ACK, &p, sub, (size_t)k, &nres, &st);
        ck_assert_uint_eq(nres, (size_t)k);
        for (size_t i = 0; i < nres; i++)
            ck_assert_int_eq(r[i].code, 200);
        icinga_action_results_free(r, nres);
    }
    for (double now = T0 + 30; now < T0 + 6 * 3600; now += 30) {
        cJSON *evs, *ev;

        demo_advance(d, now);
        evs = events(es);
        cJSON_ArrayForEach(ev, evs)
        {
            struct acked *x = find_acked(a, n, ev);
            int state;

            if (x == NULL)
                continue;
            if (strcmp(ev_type(ev), "AcknowledgementCleared") == 0) {
                ck_assert(!x->cleared);
                x->cleared = true;
                continue;
            }
            state = cJSON_GetObjectItem(ev, "state")->valueint;
            if (x->type == 1 && !x->recovered) {
                /* A normal ack goes with any change of state. */
                ck_assert_msg(x->cleared, "%s kept a normal ack", x->name);
                normal_cleared++;
            } else if (x->type == 2 && state != 0 && !x->cleared) {
                x->stuck = true; /* sticky: kept through non-OK changes */
            } else if (x->type == 2 && state == 0 && !x->recovered) {
                ck_assert_msg(x->cleared, "%s kept a sticky ack on recovery",
                              x->name);
                sticky_cleared++;
            }
            x->recovered = x->recovered || x->cleared;
        }
        cJSON_Delete(evs);
    }
    ck_assert_int_gt(normal_cleared, 0);
    ck_assert_int_gt(sticky_cleared, 0);
    for (int i = 0; i < n; i++) {
        ck_assert(obj_num(d, a[i].name, "acknowledgement") ==
                  (a[i].cleared ? 0 : a[i].type));
        free(a[i].name);
    }
    free_names(names, n);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_ack_expiry_and_start)
{
    struct demo *d = demo_new(1, 60, T0);
    struct demo_reply *es =
        stream(d, "\"AcknowledgementCleared\",\"CommentRemoved\"");
    struct icinga_action_params p = params();
    char *h[1], name[160];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *j, *it, *evs;
    size_t n;
    int st, hosts_dt = 0;

    /* The site starts with maintenance and acks, listed like Icinga's. */
    j = query(d, "/v1/objects/downtimes", NULL);
    ck_assert_int_gt(cJSON_GetArraySize(results(j)), 0);
    cJSON_ArrayForEach(it, results(j))
    {
        cJSON *a = cJSON_GetObjectItem(it, "attrs");

        hosts_dt += cJSON_GetObjectItem(a, "service_name")->valuestring[0] ==
                    '\0';
        ck_assert(cJSON_GetObjectItem(a, "trigger_time")->valuedouble > 0);
        ck_assert(cJSON_IsBool(cJSON_GetObjectItem(a, "was_cancelled")));
    }
    cJSON_Delete(j);
    j = query(d, "/v1/status/CIB", NULL);
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(
                                             cJSON_GetArrayItem(results(j), 0),
                                             "status"),
                                         "num_hosts_in_downtime")
                         ->valueint,
                     hosts_dt);
    cJSON_Delete(j);
    j = query(d, "/v1/objects/comments?attrs=entry_type&attrs=author", NULL);
    ck_assert_int_gt(cJSON_GetArraySize(results(j)), 0);
    cJSON_Delete(j);
    expect_reply(d, "GET", "/v1/objects/downtimes?attrs=is_in_effect", NULL,
                 400,
                 "{\"error\":400,\"status\":\"Invalid field specified: "
                 "is_in_effect\"}");
    expect_reply(d, "GET", "/v1/objects/comments/nosuch!x", NULL, 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");

    /* An ack with an expiry ends by itself, with its comment. */
    ck_assert_int_eq(pick(d, false,
                          "host.state != 0 && host.acknowledgement == 0", h, 1),
                     1);
    snprintf(name, sizeof name, "%s", h[0]);
    t = target_of(h[0]);
    p.expiry = T0 + 100;
    r = act(d, ICINGA_ACK, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, name);
    icinga_action_results_free(r, n);
    ck_assert(obj_num(d, name, "acknowledgement_expiry") == T0 + 100);
    demo_advance(d, T0 + 99);
    ck_assert(obj_num(d, name, "acknowledgement") == 1);
    drain(es);
    demo_advance(d, T0 + 101);
    ck_assert(obj_num(d, name, "acknowledgement") == 0);
    evs = events(es);
    ck_assert_int_eq(count_type(evs, "AcknowledgementCleared"), 1);
    ck_assert_int_eq(count_type(evs, "CommentRemoved"), 1);
    cJSON_Delete(evs);
    free_names(h, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_bulk)
{
    struct demo *d = demo_new(4, 30, T0);
    char *names[400];
    struct icinga_target t[400];
    struct icinga_action_params p = params();
    struct icinga_action_result *r;
    size_t nres;
    int st, n = pick(d, true, "true", names, 400);

    /* A few hundred objects in one filter: each matched once. */
    ck_assert_int_gt(n, 250);
    for (int i = 0; i < n; i++)
        t[i] = target_of(names[i]);
    r = act(d, ICINGA_RECHECK, &p, t, (size_t)n, &nres, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_uint_eq(nres, (size_t)n);
    for (int i = 0; i < n; i++) {
        const struct icinga_action_result *x =
            icinga_action_result_for(r, nres, t[i].host, t[i].service);

        ck_assert_ptr_nonnull(x);
        ck_assert_int_eq(x->code, 200);
    }
    icinga_action_results_free(r, nres);
    free_names(names, n);
    demo_free(d);
}
END_TEST

Suite *demo_action_suite(void)
{
    Suite *s = suite_create("demo_action");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_demo_action_ack);
    tcase_add_test(tc, test_demo_action_errors);
    tcase_add_test(tc, test_demo_action_downtime_host);
    tcase_add_test(tc, test_demo_action_downtime_timed);
    tcase_add_test(tc, test_demo_action_recheck_comment);
    tcase_add_test(tc, test_demo_action_ack_recovery);
    tcase_add_test(tc, test_demo_action_ack_expiry_and_start);
    tcase_add_test(tc, test_demo_action_bulk);
    suite_add_tcase(s, tc);
    return s;
}
