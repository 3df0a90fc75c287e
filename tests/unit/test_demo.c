/* Unit tests for the demo site: its JSON must be what Icinga 2.13 sends. */
#include <cJSON.h>
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo.h"

#define T0 1795670000.0

static const char *const envs[] = { "Development", "Test", "Pre-Production",
                                    "Production" };

/* The whole body of a request, read in pieces of at most max bytes. */
static char *fetch_max(struct demo *d, const char *method, const char *path,
                       const char *body, int *status, size_t max)
{
    struct demo_reply *r = demo_request(d, method, path, body, status);
    struct buf b = { 0 };
    int more;

    do {
        size_t before = b.len;

        more = demo_reply_read(r, &b, max);
        ck_assert_uint_le(b.len - before, max);
    } while (more);
    demo_reply_free(r);
    return buf_steal(&b);
}

static char *fetch(struct demo *d, const char *method, const char *path,
                   const char *body, int *status)
{
    return fetch_max(d, method, path, body, status, 65536);
}

/* GET path, expect 200 and parse; returns the "results" array's owner. */
static cJSON *get_json(struct demo *d, const char *path, const char *body)
{
    int status = 0;
    char *s = fetch(d, body != NULL ? "POST" : "GET", path, body, &status);
    cJSON *j = cJSON_Parse(s);

    ck_assert_int_eq(status, 200);
    ck_assert_msg(j != NULL, "invalid JSON from %s", path);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "results")));
    free(s);
    return j;
}

static cJSON *results(cJSON *j)
{
    return cJSON_GetObjectItem(j, "results");
}

static cJSON *attr(const cJSON *obj, const char *name)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "attrs"), name);
}

static double num(const cJSON *obj, const char *name)
{
    const cJSON *v = attr(obj, name);

    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", name);
    return v->valuedouble;
}

static void check_vars_state(const cJSON *v)
{
    ck_assert(cJSON_IsObject(v));
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(v, "attempt")));
    ck_assert(cJSON_IsBool(cJSON_GetObjectItem(v, "reachable")));
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(v, "state")));
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(v, "state_type")));
}

static void check_result_shape(const cJSON *cr)
{
    static const char *const nums[] = { "execution_end", "execution_start",
                                        "exit_status",   "previous_hard_state",
                                        "schedule_end",  "schedule_start",
                                        "state",         "ttl" };
    const cJSON *cmd = cJSON_GetObjectItem(cr, "command"), *it;
    const cJSON *vb = cJSON_GetObjectItem(cr, "vars_before");

    ck_assert(cJSON_IsObject(cr));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cr, "active")));
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(cr, "check_source")));
    ck_assert(cJSON_IsString(cmd) || cJSON_IsArray(cmd));
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItem(cr, nums[i])), "%s",
                      nums[i]);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(cr, "output")));
    ck_assert(strchr(cJSON_GetObjectItem(cr, "output")->valuestring, '|') ==
              NULL);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(cr, "performance_data")));
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(cr, "performance_data"))
    {
        ck_assert(cJSON_IsString(it));
        ck_assert(strchr(it->valuestring, '=') != NULL);
    }
    ck_assert_str_eq(cJSON_GetObjectItem(cr, "type")->valuestring,
                     "CheckResult");
    check_vars_state(cJSON_GetObjectItem(cr, "vars_after"));
    if (!cJSON_IsNull(vb))
        check_vars_state(vb);
    ck_assert(cJSON_GetObjectItem(cr, "execution_start")->valuedouble <=
              cJSON_GetObjectItem(cr, "execution_end")->valuedouble);
}

/* Attributes both hosts and services carry, with Icinga's JSON types. */
static void check_common(const cJSON *o, const char *type)
{
    static const char *const nums[] = {
        "acknowledgement",    "check_attempt", "check_interval",
        "downtime_depth",     "last_check",    "last_state_change",
        "max_check_attempts", "next_check",    "state",
        "state_type"
    };
    const cJSON *cr = attr(o, "last_check_result");

    ck_assert_str_eq(cJSON_GetObjectItem(o, "type")->valuestring, type);
    ck_assert(cJSON_IsObject(cJSON_GetObjectItem(o, "joins")));
    ck_assert(cJSON_IsObject(cJSON_GetObjectItem(o, "meta")));
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(o, "name")));
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        (void)num(o, nums[i]);
    ck_assert(cJSON_IsBool(attr(o, "flapping")));
    ck_assert(cJSON_IsBool(attr(o, "last_reachable")));
    ck_assert(cJSON_IsString(attr(o, "display_name")));
    ck_assert(cJSON_IsString(attr(o, "name")));
    if (cJSON_IsNull(cr)) {
        ck_assert(num(o, "last_check") == -1);
        ck_assert(num(o, "state_type") == 0);
        ck_assert(num(o, "last_state_change") == 0);
    } else {
        check_result_shape(cr);
        ck_assert(num(o, "last_check") > T0 - 3600);
        ck_assert(num(o, "last_check") <= T0 + 1);
    }
}

START_TEST(test_demo_hosts_shape)
{
    struct demo *d = demo_new(1, 0, T0);
    cJSON *j = get_json(d, "/v1/objects/hosts", NULL), *h;

    ck_assert_uint_eq(demo_host_count(d), DEMO_DEFAULT_HOSTS);
    ck_assert_int_eq(cJSON_GetArraySize(results(j)), DEMO_DEFAULT_HOSTS);
    cJSON_ArrayForEach(h, results(j))
    {
        const cJSON *vars = attr(h, "vars");
        const char *env = cJSON_GetObjectItem(vars, "env")->valuestring;
        bool known = false;

        check_common(h, "Host");
        ck_assert_str_eq(cJSON_GetObjectItem(h, "name")->valuestring,
                         attr(h, "name")->valuestring);
        ck_assert(cJSON_IsString(attr(h, "address")));
        ck_assert(num(h, "state") == 0 || num(h, "state") == 1);
        for (int i = 0; i < 4; i++)
            known |= strcmp(env, envs[i]) == 0;
        ck_assert_msg(known, "env %s", env);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(vars, "role")));
        ck_assert_str_eq(cJSON_GetObjectItem(vars, "os")->valuestring, "Linux");
    }
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_services_shape)
{
    struct demo *d = demo_new(1, 0, T0);
    cJSON *j = get_json(d, "/v1/objects/services", NULL), *s;
    size_t n = demo_service_count(d);

    ck_assert_uint_ge(n, 8 * DEMO_DEFAULT_HOSTS);
    ck_assert_uint_le(n, 11 * DEMO_DEFAULT_HOSTS);
    ck_assert_int_eq(cJSON_GetArraySize(results(j)), (int)n);
    cJSON_ArrayForEach(s, results(j))
    {
        const char *full = cJSON_GetObjectItem(s, "name")->valuestring;
        const char *bang = strchr(full, '!');
        const char *host = attr(s, "host_name")->valuestring;

        check_common(s, "Service");
        ck_assert(bang != NULL);
        ck_assert_str_eq(bang + 1, attr(s, "name")->valuestring);
        ck_assert_int_eq((int)strlen(host), (int)(bang - full));
        ck_assert(strncmp(full, host, strlen(host)) == 0);
        ck_assert(num(s, "state") >= 0 && num(s, "state") <= 3);
    }
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

static int count_state(cJSON *list, double state, bool need_result)
{
    cJSON *o;
    int n = 0;

    cJSON_ArrayForEach(o, list)
    {
        if (num(o, "state") == state &&
            (!need_result || !cJSON_IsNull(attr(o, "last_check_result"))))
            n++;
    }
    return n;
}

START_TEST(test_demo_problems_at_start)
{
    struct demo *d = demo_new(3, 0, T0);
    cJSON *h = get_json(d, "/v1/objects/hosts", NULL);
    cJSON *s = get_json(d, "/v1/objects/services", NULL), *o;
    int handled = 0, soft = 0, pending = 0, unreach = 0, flapping = 0;

    ck_assert_int_ge(count_state(results(h), 1, true), 2);
    ck_assert_int_ge(count_state(results(s), 1, true), 2);
    ck_assert_int_ge(count_state(results(s), 2, true), 2);
    ck_assert_int_ge(count_state(results(s), 3, true), 1);
    cJSON_ArrayForEach(o, results(s))
    {
        bool problem =
            num(o, "state") != 0 && !cJSON_IsNull(attr(o, "last_check_result"));

        handled += problem && (num(o, "acknowledgement") > 0 ||
                               num(o, "downtime_depth") > 0);
        soft += problem && num(o, "state_type") == 0;
        pending += cJSON_IsNull(attr(o, "last_check_result"));
        unreach += cJSON_IsFalse(attr(o, "last_reachable"));
        flapping += cJSON_IsTrue(attr(o, "flapping"));
    }
    ck_assert_int_ge(flapping, 1);
    ck_assert_int_ge(handled, 2);
    ck_assert_int_ge(soft, 1);
    ck_assert_int_ge(pending, 1);
    ck_assert_int_ge(unreach, 1);
    cJSON_Delete(h);
    cJSON_Delete(s);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_deterministic)
{
    struct demo *a = demo_new(9, 30, T0), *b = demo_new(9, 30, T0);
    struct demo *c = demo_new(10, 30, T0);
    int st;
    char *sa, *sb, *sc;

    for (int i = 1; i <= 20; i++) {
        demo_advance(a, T0 + i * 7.5);
        demo_advance(b, T0 + i * 7.5);
        demo_advance(c, T0 + i * 7.5);
    }
    sa = fetch(a, "GET", "/v1/objects/services", NULL, &st);
    sb = fetch(b, "GET", "/v1/objects/services", NULL, &st);
    sc = fetch(c, "GET", "/v1/objects/services", NULL, &st);
    ck_assert_str_eq(sa, sb);
    ck_assert_str_ne(sa, sc);
    free(sa);
    free(sb);
    free(sc);
    demo_free(a);
    demo_free(b);
    demo_free(c);
}
END_TEST

START_TEST(test_demo_small_reads)
{
    struct demo *d = demo_new(5, 12, T0);
    int st;
    char *big =
        fetch_max(d, "GET", "/v1/objects/services", NULL, &st, (size_t)1 << 30);
    static const size_t sizes[] = { 1, 7, 100, 4096 };

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *s =
            fetch_max(d, "GET", "/v1/objects/services", NULL, &st, sizes[i]);

        ck_assert_str_eq(s, big);
        free(s);
    }
    free(big);
    demo_free(d);
}
END_TEST

/* Read what a stream has queued and parse it line by line. */
static cJSON *read_events(struct demo_reply *r)
{
    struct buf b = { 0 };
    cJSON *arr = cJSON_CreateArray();
    char *line, *nl;

    ck_assert_int_eq(demo_reply_read(r, &b, (size_t)1 << 30), 1);
    for (line = b.data; line != NULL && *line != '\0'; line = nl + 1) {
        cJSON *ev;

        nl = strchr(line, '\n');
        ck_assert_msg(nl != NULL, "event line without newline");
        *nl = '\0';
        ev = cJSON_Parse(line);
        ck_assert_msg(ev != NULL, "bad event line %s", line);
        cJSON_AddItemToArray(arr, ev);
    }
    buf_free(&b);
    return arr;
}

static void check_event(const cJSON *ev)
{
    const char *type = cJSON_GetObjectItem(ev, "type")->valuestring;
    bool sc = strcmp(type, "StateChange") == 0;

    ck_assert(sc || strcmp(type, "CheckResult") == 0);
    ck_assert(cJSON_IsBool(cJSON_GetObjectItem(ev, "acknowledgement")));
    check_result_shape(cJSON_GetObjectItem(ev, "check_result"));
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(ev, "downtime_depth")));
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(ev, "host")));
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(ev, "timestamp")));
    ck_assert(cJSON_HasObjectItem(ev, "state") == sc);
    ck_assert(cJSON_HasObjectItem(ev, "state_type") == sc);
}

START_TEST(test_demo_events)
{
    struct demo *d = demo_new(2, 20, T0);
    int st;
    struct demo_reply *r = demo_request(
        d, "POST", "/v1/events?queue=q&types=CheckResult&types=StateChange",
        NULL, &st);
    struct demo_reply *sc =
        demo_request(d, "POST", "/v1/events",
                     "{\"queue\":\"b\",\"types\":[\"StateChange\"]}", &st);
    cJSON *evs, *ev;
    int nsvc = 0, nhost = 0, nsc = 0;

    ck_assert_int_eq(st, 200);
    evs = read_events(r);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 0);
    cJSON_Delete(evs);
    demo_advance(d, T0 + 120);
    evs = read_events(r);
    ck_assert_int_gt(cJSON_GetArraySize(evs), 100);
    cJSON_ArrayForEach(ev, evs)
    {
        check_event(ev);
        if (cJSON_HasObjectItem(ev, "service"))
            nsvc++;
        else
            nhost++;
        nsc += strcmp(cJSON_GetObjectItem(ev, "type")->valuestring,
                      "StateChange") == 0;
        ck_assert(cJSON_GetObjectItem(ev, "timestamp")->valuedouble <=
                  T0 + 121);
    }
    ck_assert_int_gt(nsvc, 0);
    ck_assert_int_gt(nhost, 0);
    cJSON_Delete(evs);
    evs = read_events(sc);
    ck_assert_int_eq(cJSON_GetArraySize(evs), nsc);
    cJSON_ArrayForEach(ev, evs)
    {
        ck_assert_str_eq(cJSON_GetObjectItem(ev, "type")->valuestring,
                         "StateChange");
    }
    cJSON_Delete(evs);
    demo_reply_free(sc);
    demo_reply_free(r);
    demo_advance(d, T0 + 240); /* nobody listens any more */
    demo_free(d);
}
END_TEST

START_TEST(test_demo_event_filter)
{
    struct demo *d = demo_new(2, 20, T0);
    int st;
    struct demo_reply *r =
        demo_request(d, "POST", "/v1/events",
                     "{\"queue\":\"f\",\"types\":[\"CheckResult\"],"
                     "\"filter\":\"event.host == h && event.service != null\","
                     "\"filter_vars\":{\"h\":\"prd-web-01\"}}",
                     &st);
    cJSON *evs, *ev;

    ck_assert_int_eq(st, 200);
    demo_advance(d, T0 + 120);
    evs = read_events(r);
    ck_assert_int_gt(cJSON_GetArraySize(evs), 10);
    cJSON_ArrayForEach(ev, evs)
    {
        ck_assert_str_eq(cJSON_GetObjectItem(ev, "host")->valuestring,
                         "prd-web-01");
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(ev, "service")));
    }
    cJSON_Delete(evs);
    demo_reply_free(r);
    demo_free(d);
}
END_TEST

static void expect_error(struct demo *d, const char *method, const char *path,
                         const char *body, int code, const char *want)
{
    int st = 0;
    char *s = fetch(d, method, path, body, &st);

    ck_assert_int_eq(st, code);
    ck_assert_str_eq(s, want);
    free(s);
}

START_TEST(test_demo_errors)
{
    struct demo *d = demo_new(1, 8, T0);
    int st;
    char *s;
    cJSON *j;

    expect_error(d, "GET", "/v1/config/packages", NULL, 404,
                 "{\"error\":404,\"status\":\"The requested path "
                 "'v1/config/packages' could not be found or the request "
                 "method is not valid for this path.\"}");
    expect_error(d, "GET", "/v1/events?queue=a&types=CheckResult", NULL, 404,
                 "{\"error\":404,\"status\":\"The requested path 'v1/events' "
                 "could not be found or the request method is not valid for "
                 "this path.\"}");
    expect_error(d, "POST", "/v1/events?types=CheckResult", NULL, 400,
                 "{\"error\":400,\"status\":\"'queue' query parameter is "
                 "required.\"}");
    expect_error(d, "POST", "/v1/events?queue=x", NULL, 400,
                 "{\"error\":400,\"status\":\"'types' query parameter is "
                 "required.\"}");
    expect_error(d, "GET", "/v1/objects/nosuchtypes", NULL, 400,
                 "{\"error\":400,\"status\":\"Invalid type specified.\"}");
    expect_error(d, "GET", "/v1/objects/hosts/nosuch-host", NULL, 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");
    expect_error(d, "GET", "/v1/objects/services?attrs=is_in_effect", NULL, 400,
                 "{\"error\":400,\"status\":\"Invalid field specified: "
                 "is_in_effect\"}");
    expect_error(d, "POST", "/v1/objects/services",
                 "{\"filter\":\"service.state != && 1\"}", 404,
                 "{\"error\":404,\"status\":\"No objects found.\"}");
    s = fetch(d, "POST", "/v1/objects/hosts", "{\"attrs\":", &st);
    ck_assert_int_eq(st, 400);
    j = cJSON_Parse(s);
    ck_assert(j != NULL);
    ck_assert(strncmp(cJSON_GetObjectItem(j, "status")->valuestring,
                      "Invalid request body: ", 22) == 0);
    cJSON_Delete(j);
    free(s);
    demo_free(d);
}
END_TEST

/*
 * Used and total MB of every file system, three slots per disk service;
 * NAN where a check has no perfdata (host down, plugin failed).
 */
static int disk_usage(struct demo *d, double *used, double *max, int cap)
{
    cJSON *j = get_json(d, "/v1/objects/services",
                        "{\"attrs\":[\"last_check_result\"],"
                        "\"filter\":\"service.name == \\\"disk\\\"\"}");
    cJSON *s, *p;
    int n = 0;

    cJSON_ArrayForEach(s, results(j))
    {
        int k = 0;

        ck_assert(n + 3 <= cap);
        for (int i = 0; i < 3; i++)
            used[n + i] = max[n + i] = NAN;
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(attr(s, "last_check_result"),
                                                  "performance_data"))
        {
            const char *eq = strchr(p->valuestring, '=');
            const char *last = strrchr(p->valuestring, ';');

            ck_assert(k < 3);
            used[n + k] = strtod(eq + 1, NULL);
            max[n + k++] = strtod(last + 1, NULL);
        }
        n += 3;
    }
    cJSON_Delete(j);
    return n;
}

START_TEST(test_demo_disks_fill)
{
    struct demo *d = demo_new(4, 40, T0);
    double u0[300], u1[300], m0[300], m[300];
    int n0 = disk_usage(d, u0, m0, 300), grew = 0, compared = 0;

    ck_assert_int_ge(n0, 3 * 40);
    for (int step = 1; step <= 12; step++) {
        demo_advance(d, T0 + step * 300);
        ck_assert_int_eq(disk_usage(d, u1, m, 300), n0);
        for (int i = 0; i < n0; i++) {
            if (isnan(u0[i]) || isnan(u1[i])) {
                u0[i] = u1[i];
                continue;
            }
            /* Space only grows, unless a nearly full disk is cleaned. */
            ck_assert_msg(u1[i] >= u0[i] || u0[i] >= 0.8 * m[i],
                          "disk %d shrank from %g to %g", i, u0[i], u1[i]);
            grew += u1[i] > u0[i];
            compared++;
            u0[i] = u1[i];
        }
    }
    ck_assert_int_gt(compared, 12 * 80);
    ck_assert_int_gt(grew, 0);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_heap_sawtooth)
{
    struct demo *d = demo_new(6, 30, T0);
    double prev[64];
    int n = 0, drops = 0, rises = 0;

    for (int step = 0; step <= 40; step++) {
        cJSON *j, *s;
        int i = 0;

        demo_advance(d, T0 + step * 30);
        j = get_json(d,
                     "/v1/objects/services?filter=service.name==%22jvm-heap%22",
                     NULL);
        cJSON_ArrayForEach(s, results(j))
        {
            const cJSON *cr = attr(s, "last_check_result");
            const cJSON *p = cJSON_GetArrayItem(
                cJSON_GetObjectItem(cr, "performance_data"), 0);
            double v;

            if (p == NULL || strncmp(p->valuestring, "heap_used=", 10) != 0)
                continue; /* unreachable host, or UNKNOWN */
            v = strtod(p->valuestring + 10, NULL);
            if (step > 0 && i < n) {
                drops += v < prev[i] - 50;
                rises += v > prev[i];
            }
            ck_assert(i < 64);
            prev[i++] = v;
        }
        n = i;
        cJSON_Delete(j);
    }
    ck_assert_int_gt(drops, 0);
    ck_assert_int_gt(rises, drops);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_problem_recovers)
{
    struct demo *d = demo_new(8, 20, T0);
    int st, recovered = 0, appeared = 0, flapping = 0;
    struct demo_reply *r = demo_request(
        d, "POST", "/v1/events?queue=q&types=StateChange", NULL, &st);
    char seen[4096][48];
    int nseen = 0;

    for (int step = 1; step <= 6 * 60; step++) {
        cJSON *evs, *ev;

        demo_advance(d, T0 + step * 60.0);
        evs = read_events(r);
        cJSON_ArrayForEach(ev, evs)
        {
            const cJSON *svc = cJSON_GetObjectItem(ev, "service");
            char key[48];
            int state = cJSON_GetObjectItem(ev, "state")->valueint;

            if (!cJSON_IsString(svc))
                continue;
            snprintf(key, sizeof(key), "%s!%s",
                     cJSON_GetObjectItem(ev, "host")->valuestring,
                     svc->valuestring);
            if (state != 0 && nseen < 4096) {
                appeared++;
                memcpy(seen[nseen++], key, sizeof(key));
            } else if (state == 0) {
                for (int i = 0; i < nseen; i++)
                    recovered += strcmp(seen[i], key) == 0;
            }
        }
        cJSON_Delete(evs);
        if (step % 30 == 0) {
            cJSON *j = get_json(d, "/v1/objects/services?attrs=flapping", NULL);
            cJSON *s;

            cJSON_ArrayForEach(s, results(j))
            {
                flapping += cJSON_IsTrue(attr(s, "flapping"));
            }
            cJSON_Delete(j);
        }
    }
    ck_assert_int_gt(appeared, 0);
    ck_assert_int_gt(recovered, 0);
    ck_assert_int_gt(flapping, 0);
    demo_reply_free(r);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_attrs_joins_filter)
{
    struct demo *d = demo_new(1, 0, T0);
    cJSON *j, *o, *a;

    j = get_json(d, "/v1/objects/hosts?attrs=name&attrs=state", NULL);
    o = cJSON_GetArrayItem(results(j), 0);
    a = cJSON_GetObjectItem(o, "attrs");
    ck_assert_int_eq(cJSON_GetArraySize(a), 2);
    ck_assert_str_eq(a->child->string, "name");
    ck_assert_str_eq(a->child->next->string, "state");
    cJSON_Delete(j);

    j = get_json(d, "/v1/objects/services",
                 "{\"attrs\":[\"name\",\"state\",\"acknowledgement\","
                 "\"downtime_depth\"],\"joins\":[\"host.name\",\"host.state\","
                 "\"host.vars\"],\"filter\":\"service.state != 0 && "
                 "host.state == 0 && host.vars.env == env\",\"filter_vars\":"
                 "{\"env\":\"Production\"}}");
    ck_assert_int_gt(cJSON_GetArraySize(results(j)), 0);
    cJSON_ArrayForEach(o, results(j))
    {
        const cJSON *h =
            cJSON_GetObjectItem(cJSON_GetObjectItem(o, "joins"), "host");

        ck_assert(num(o, "state") != 0);
        ck_assert_int_eq(cJSON_GetObjectItem(h, "state")->valueint, 0);
        ck_assert_str_eq(
            cJSON_GetObjectItem(cJSON_GetObjectItem(h, "vars"), "env")
                ->valuestring,
            "Production");
        ck_assert(strncmp(cJSON_GetObjectItem(o, "name")->valuestring, "prd-",
                          4) == 0);
    }
    cJSON_Delete(j);

    j = get_json(d, "/v1/objects/services/prd-web-01!http", NULL);
    ck_assert_int_eq(cJSON_GetArraySize(results(j)), 1);
    cJSON_Delete(j);
    j = get_json(
        d, "/v1/objects/services",
        "{\"attrs\":[\"name\"],\"filter\":\"match(\\\"prd-web-*\\\", "
        "host.name) && service.name in [\\\"http\\\", \\\"load\\\"]\"}");
    ck_assert_int_gt(cJSON_GetArraySize(results(j)), 1);
    cJSON_ArrayForEach(o, results(j))
    {
        const char *n = cJSON_GetObjectItem(o, "name")->valuestring;

        ck_assert(strncmp(n, "prd-web-", 8) == 0);
        ck_assert(strstr(n, "!http") != NULL || strstr(n, "!load") != NULL);
    }
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_status)
{
    struct demo *d = demo_new(1, 0, T0);
    cJSON *j = get_json(d, "/v1/status/IcingaApplication", NULL);
    cJSON *app = cJSON_GetObjectItem(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(results(j), 0), "status"),
            "icingaapplication"),
        "app");

    ck_assert_str_eq(cJSON_GetObjectItem(app, "version")->valuestring,
                     "r2.13.6-1");
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(app, "node_name")));
    ck_assert(cJSON_GetObjectItem(app, "program_start")->valuedouble < T0);
    cJSON_Delete(j);
    j = get_json(d, "/v1/status/CIB", NULL);
    ck_assert_int_ge(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(results(j), 0), "status"),
            "num_hosts_down")
            ->valueint,
        2);
    cJSON_Delete(j);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_stream_outlives_site)
{
    struct demo *d = demo_new(1, 5, T0);
    int st;
    struct demo_reply *r = demo_request(
        d, "POST", "/v1/events?queue=q&types=CheckResult", NULL, &st);
    struct buf b = { 0 };

    demo_advance(d, T0 + 60);
    demo_free(d);
    /* Queued events are still delivered, then the stream ends. */
    while (demo_reply_read(r, &b, 4096))
        ;
    ck_assert_uint_gt(b.len, 0);
    ck_assert_int_eq(b.data[b.len - 1], '\n');
    demo_reply_free(r);
    buf_free(&b);
}
END_TEST

START_TEST(test_demo_large_scale)
{
    struct demo *d = demo_new(7, 10000, T0);
    cJSON *j = get_json(d, "/v1/objects/hosts?attrs=name", NULL), *h;
    int four = 0;

    ck_assert_uint_eq(demo_host_count(d), 10000);
    ck_assert_uint_ge(demo_service_count(d), 85000);
    ck_assert_int_eq(cJSON_GetArraySize(results(j)), 10000);
    cJSON_ArrayForEach(h, results(j))
    {
        four += strcmp(cJSON_GetObjectItem(h, "name")->valuestring,
                       "prd-app-0421") == 0;
    }
    ck_assert_int_eq(four, 1);
    cJSON_Delete(j);
    demo_advance(d, T0 + 5);
    demo_free(d);
}
END_TEST

Suite *demo_suite(void)
{
    Suite *s = suite_create("demo");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_demo_hosts_shape);
    tcase_add_test(tc, test_demo_services_shape);
    tcase_add_test(tc, test_demo_problems_at_start);
    tcase_add_test(tc, test_demo_deterministic);
    tcase_add_test(tc, test_demo_small_reads);
    tcase_add_test(tc, test_demo_events);
    tcase_add_test(tc, test_demo_event_filter);
    tcase_add_test(tc, test_demo_errors);
    tcase_add_test(tc, test_demo_disks_fill);
    tcase_add_test(tc, test_demo_heap_sawtooth);
    tcase_add_test(tc, test_demo_problem_recovers);
    tcase_add_test(tc, test_demo_attrs_joins_filter);
    tcase_add_test(tc, test_demo_status);
    tcase_add_test(tc, test_demo_stream_outlives_site);
    tcase_add_test(tc, test_demo_large_scale);
    suite_add_tcase(s, tc);
    return s;
}
