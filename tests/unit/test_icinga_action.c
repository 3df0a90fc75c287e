/* Unit tests for Icinga triage actions: request bodies and result parsing. */
#include <cJSON.h>
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/icinga_action.h"
#include "tests/unit/testutil.h"

#define DATA "tests/data/icinga/"

static struct icinga_action_params base_params(void)
{
    struct icinga_action_params p = { 0 };

    p.author = "mctop";
    p.comment = "Investigating 502s (ticket OPS-123)";
    p.start = 1795670951;
    p.end = 1795674551;
    p.fixed = true;
    p.force = true;
    return p;
}

/* Build exactly one request and parse its body. */
static cJSON *build1(enum icinga_action a, const struct icinga_action_params *p,
                     const struct icinga_target *t, size_t n,
                     struct icinga_request *rq)
{
    struct icinga_request out[2];
    struct mc_err err = { 0 };
    size_t nout = 9;
    cJSON *j;

    ck_assert_msg(icinga_action_build(a, p, t, n, out, &nout, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(nout, 1);
    *rq = out[0];
    j = cJSON_Parse(rq->body);
    ck_assert_msg(j != NULL, "body is not JSON: %s", rq->body);
    return j;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    ck_assert_msg(cJSON_IsString(v), "%s is not a string", k);
    return v->valuestring;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", k);
    return v->valuedouble;
}

static bool flag(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    ck_assert_msg(cJSON_IsBool(v), "%s is not a bool", k);
    return cJSON_IsTrue(v);
}

static int nkeys(const cJSON *o)
{
    return cJSON_GetArraySize(o);
}

START_TEST(test_action_build_ack)
{
    struct icinga_action_params p = base_params();
    struct icinga_target t = { "prd-web-02", "http" };
    struct icinga_request rq;
    cJSON *j, *vars;

    p.sticky = true;
    j = build1(ICINGA_ACK, &p, &t, 1, &rq);
    ck_assert_str_eq(rq.path, "/v1/actions/acknowledge-problem");
    ck_assert_str_eq(rq.type, "Service");
    ck_assert_uint_eq(rq.ntargets, 1);
    ck_assert_str_eq(str(j, "type"), "Service");
    ck_assert_str_eq(str(j, "filter"), "host.name==h0 && service.name==s0");
    vars = cJSON_GetObjectItem(j, "filter_vars");
    ck_assert_int_eq(nkeys(vars), 2);
    ck_assert_str_eq(str(vars, "h0"), "prd-web-02");
    ck_assert_str_eq(str(vars, "s0"), "http");
    ck_assert_str_eq(str(j, "author"), "mctop");
    ck_assert_str_eq(str(j, "comment"), "Investigating 502s (ticket OPS-123)");
    ck_assert(flag(j, "sticky"));
    ck_assert(!flag(j, "notify"));
    ck_assert(!flag(j, "persistent"));
    ck_assert(!cJSON_HasObjectItem(j, "expiry"));
    cJSON_Delete(j);
    icinga_request_clear(&rq);
    ck_assert_ptr_null(rq.body);

    /* A host, with notify and an expiry. */
    t.service = NULL;
    p.sticky = false;
    p.notify = true;
    p.expiry = 1795674516;
    j = build1(ICINGA_ACK, &p, &t, 1, &rq);
    ck_assert_str_eq(rq.type, "Host");
    ck_assert_str_eq(str(j, "type"), "Host");
    ck_assert_str_eq(str(j, "filter"), "host.name==h0");
    ck_assert_int_eq(nkeys(cJSON_GetObjectItem(j, "filter_vars")), 1);
    ck_assert(num(j, "expiry") == 1795674516);
    ck_assert(flag(j, "notify"));
    ck_assert(!flag(j, "sticky"));
    ck_assert(strstr(rq.body, "\"expiry\":1795674516") != NULL);
    cJSON_Delete(j);
    icinga_request_clear(&rq);
}
END_TEST

START_TEST(test_action_build_each)
{
    struct icinga_action_params p = base_params();
    struct icinga_target h = { "tst-app-02", NULL },
                         s = { "dev-web-01", "load" };
    struct icinga_request rq;
    cJSON *j;

    /* Fixed host downtime with all services: duration is the window. */
    p.comment = "Kernel patching";
    p.all_services = true;
    j = build1(ICINGA_DOWNTIME, &p, &h, 1, &rq);
    ck_assert_str_eq(rq.path, "/v1/actions/schedule-downtime");
    ck_assert(num(j, "start_time") == 1795670951);
    ck_assert(num(j, "end_time") == 1795674551);
    ck_assert(flag(j, "fixed"));
    ck_assert(num(j, "duration") == 3600);
    ck_assert(flag(j, "all_services"));
    ck_assert_str_eq(str(j, "comment"), "Kernel patching");
    cJSON_Delete(j);
    icinga_request_clear(&rq);

    /* Flexible on a service: its own duration, no all_services. */
    p.fixed = false;
    p.duration = 1800;
    j = build1(ICINGA_DOWNTIME, &p, &s, 1, &rq);
    ck_assert(!flag(j, "fixed"));
    ck_assert(num(j, "duration") == 1800);
    ck_assert(!cJSON_HasObjectItem(j, "all_services"));
    cJSON_Delete(j);
    icinga_request_clear(&rq);

    j = build1(ICINGA_UNDOWNTIME, &p, &h, 1, &rq);
    ck_assert_str_eq(rq.path, "/v1/actions/remove-downtime");
    ck_assert_int_eq(nkeys(j), 4); /* type, filter, filter_vars, author */
    ck_assert_str_eq(str(j, "author"), "mctop");
    cJSON_Delete(j);
    icinga_request_clear(&rq);

    j = build1(ICINGA_UNACK, NULL, &s, 1, &rq);
    ck_assert_str_eq(rq.path, "/v1/actions/remove-acknowledgement");
    ck_assert_int_eq(nkeys(j), 3);
    cJSON_Delete(j);
    icinga_request_clear(&rq);

    j = build1(ICINGA_RECHECK, NULL, &s, 1, &rq);
    ck_assert_str_eq(rq.path, "/v1/actions/reschedule-check");
    ck_assert(flag(j, "force"));
    cJSON_Delete(j);
    icinga_request_clear(&rq);
    p.force = false;
    j = build1(ICINGA_RECHECK, &p, &s, 1, &rq);
    ck_assert(!flag(j, "force"));
    ck_assert(!cJSON_HasObjectItem(j, "author"));
    cJSON_Delete(j);
    icinga_request_clear(&rq);

    p.comment = "Disk replaced";
    j = build1(ICINGA_COMMENT, &p, &h, 1, &rq);
    ck_assert_str_eq(rq.path, "/v1/actions/add-comment");
    ck_assert_str_eq(str(j, "comment"), "Disk replaced");
    ck_assert_str_eq(str(j, "author"), "mctop");
    ck_assert_int_eq(nkeys(j), 5);
    cJSON_Delete(j);
    icinga_request_clear(&rq);

    ck_assert_str_eq(icinga_action_name(ICINGA_ACK), "acknowledge");
    ck_assert_str_eq(icinga_action_name(ICINGA_UNDOWNTIME), "remove downtime");
    ck_assert_str_eq(icinga_action_name((enum icinga_action)42), "action");
}
END_TEST

START_TEST(test_action_build_hostile)
{
    static const char *const bad[] = {
        "a\"b", "x && true", "!y", "line\nbreak",        "q' || host.name!=\"",
        "h0",   "\\",        "}{", "name==h1) || (true",
    };
    struct icinga_action_params p = base_params();
    struct icinga_target t[9];
    struct icinga_request rq;
    cJSON *j, *vars;
    char want[64];

    for (size_t i = 0; i < 9; i++) {
        t[i].host = bad[i];
        t[i].service = bad[8 - i];
    }
    j = build1(ICINGA_ACK, &p, t, 9, &rq);
    /* Only generated identifiers in the filter. */
    for (const char *f = str(j, "filter"); *f != '\0'; f++)
        ck_assert_msg(strchr("hs0123456789.nameotrvic=&|() ", *f) != NULL,
                      "unexpected %c in filter", *f);
    ck_assert(strncmp(str(j, "filter"),
                      "(host.name==h0 && service.name==s0) || "
                      "(host.name==h1 && service.name==s1) || ",
                      78) == 0);
    vars = cJSON_GetObjectItem(j, "filter_vars");
    ck_assert_int_eq(nkeys(vars), 18);
    for (size_t i = 0; i < 9; i++) {
        snprintf(want, sizeof want, "h%zu", i);
        ck_assert_str_eq(str(vars, want), bad[i]);
        snprintf(want, sizeof want, "s%zu", i);
        ck_assert_str_eq(str(vars, want), bad[8 - i]);
    }
    ck_assert_uint_eq(rq.ntargets, 9);
    cJSON_Delete(j);
    icinga_request_clear(&rq);
    /* Comment and author text are JSON strings only. */
    p.comment = "\"}, \"sticky\": true, \"x\": {\"";
    p.author = "o'neil\t\\";
    j = build1(ICINGA_COMMENT, &p, t, 1, &rq);
    ck_assert_str_eq(str(j, "comment"), p.comment);
    ck_assert_str_eq(str(j, "author"), p.author);
    ck_assert(!cJSON_HasObjectItem(j, "sticky"));
    cJSON_Delete(j);
    icinga_request_clear(&rq);
}
END_TEST

START_TEST(test_action_build_mixed)
{
    struct icinga_action_params p = base_params();
    struct icinga_target t[] = {
        { "prd-web-01", "http" }, { "prd-app-02", NULL },
        { "prd-web-02", "http" }, { "prd-web-01", "http" }, /* again */
        { "a!b", NULL },          { "a", "b" }, /* not the same object */
        { "prd-app-02", NULL },
    };
    struct icinga_request out[2];
    struct mc_err err = { 0 };
    size_t nout = 0;
    cJSON *h, *s, *hv, *sv;

    ck_assert_int_eq(
        icinga_action_build(ICINGA_RECHECK, &p, t, 7, out, &nout, &err), 0);
    ck_assert_uint_eq(nout, 2);
    ck_assert_str_eq(out[0].type, "Host");
    ck_assert_str_eq(out[1].type, "Service");
    ck_assert_uint_eq(out[0].ntargets, 2);
    ck_assert_uint_eq(out[1].ntargets, 3);
    h = cJSON_Parse(out[0].body);
    s = cJSON_Parse(out[1].body);
    ck_assert_str_eq(str(h, "filter"), "host.name==h0 || host.name==h1");
    hv = cJSON_GetObjectItem(h, "filter_vars");
    ck_assert_str_eq(str(hv, "h0"), "prd-app-02");
    ck_assert_str_eq(str(hv, "h1"), "a!b");
    ck_assert_str_eq(str(s, "filter"), "(host.name==h0 && service.name==s0) || "
                                       "(host.name==h1 && service.name==s1) || "
                                       "(host.name==h2 && service.name==s2)");
    sv = cJSON_GetObjectItem(s, "filter_vars");
    ck_assert_str_eq(str(sv, "h1"), "prd-web-02");
    ck_assert_str_eq(str(sv, "h2"), "a");
    ck_assert_str_eq(str(sv, "s2"), "b");
    ck_assert_str_eq(str(s, "type"), "Service");
    cJSON_Delete(h);
    cJSON_Delete(s);
    icinga_request_clear(&out[0]);
    icinga_request_clear(&out[1]);
    icinga_request_clear(NULL);
}
END_TEST

static void expect_invalid(enum icinga_action a,
                           const struct icinga_action_params *p,
                           const struct icinga_target *t, size_t n,
                           const char *want)
{
    struct icinga_request out[2];
    struct mc_err err = { 0 };
    size_t nout = 7;

    ck_assert_int_eq(icinga_action_build(a, p, t, n, out, &nout, &err), -1);
    ck_assert_uint_eq(nout, 0);
    ck_assert_ptr_null(out[0].body);
    ck_assert_ptr_null(out[1].path);
    ck_assert_msg(strstr(err.msg, want) != NULL, "\"%s\" lacks \"%s\"", err.msg,
                  want);
}

START_TEST(test_action_build_invalid)
{
    struct icinga_action_params p = base_params(), q;
    struct icinga_target t = { "prd-web-01", "http" };
    struct icinga_target empty_host = { "", NULL }, no_host = { NULL, "x" };
    struct icinga_target empty_svc = { "prd-web-01", "" };

    expect_invalid(ICINGA_ACK, &p, &t, 0, "no objects");
    expect_invalid(ICINGA_RECHECK, &p, NULL, 3, "no objects");
    expect_invalid(ICINGA_ACK, &p, &empty_host, 1, "no host name");
    expect_invalid(ICINGA_ACK, &p, &no_host, 1, "no host name");
    expect_invalid(ICINGA_ACK, &p, &empty_svc, 1, "empty service");
    expect_invalid(ICINGA_ACK, NULL, &t, 1, "no parameters");
    q = p;
    q.author = "";
    expect_invalid(ICINGA_ACK, &q, &t, 1, "author");
    q = p;
    q.comment = NULL;
    expect_invalid(ICINGA_COMMENT, &q, &t, 1, "comment is required");
    expect_invalid(ICINGA_DOWNTIME, &q, &t, 1, "comment is required");
    q = p;
    q.expiry = -5;
    expect_invalid(ICINGA_ACK, &q, &t, 1, "expiry");
    q = p;
    q.end = q.start;
    expect_invalid(ICINGA_DOWNTIME, &q, &t, 1, "end is not after the start");
    q = p;
    q.start = 0;
    expect_invalid(ICINGA_DOWNTIME, &q, &t, 1, "invalid start or end");
    q = p;
    q.fixed = false;
    q.duration = 0;
    expect_invalid(ICINGA_DOWNTIME, &q, &t, 1, "duration");
    expect_invalid((enum icinga_action)99, &p, &t, 1, "unknown action");
    /* Removing needs no author or comment. */
    q = p;
    q.author = q.comment = NULL;
    {
        struct icinga_request out[2];
        struct mc_err err = { 0 };
        size_t nout = 0;

        ck_assert_int_eq(
            icinga_action_build(ICINGA_UNDOWNTIME, &q, &t, 1, out, &nout, &err),
            0);
        ck_assert(strstr(out[0].body, "author") == NULL);
        icinga_request_clear(&out[0]);
    }
}
END_TEST

/* Parse a sample file; expect success. */
static struct icinga_action_result *parse_file(const char *file, int status,
                                               size_t *n)
{
    size_t len;
    char *body = testutil_slurp(file, &len);
    struct icinga_action_result *r = NULL;
    struct mc_err err = { 0 };

    ck_assert_msg(icinga_action_parse(body, len, status, &r, n, &err) == 0,
                  "%s: %s", file, err.msg);
    free(body);
    return r;
}

static void expect_one(const char *file, int status, const char *name, int code,
                       const char *status_has)
{
    size_t n;
    struct icinga_action_result *r = parse_file(file, status, &n);

    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_nonnull(r[0].name);
    ck_assert_str_eq(r[0].name, name);
    ck_assert_int_eq(r[0].code, code);
    ck_assert(strstr(r[0].status, status_has) != NULL);
    icinga_action_results_free(r, n);
}

START_TEST(test_action_parse_samples)
{
    struct icinga_action_result *r;
    size_t n;

    expect_one(DATA "icinga-ack.json", 200, "prd-web-02!http", 200,
               "Successfully acknowledged");
    expect_one(DATA "icinga-ack-host.json", 200, "prd-app-02", 200,
               "acknowledged problem");
    expect_one(DATA "icinga-ack-again.json", 409, "prd-web-02!http", 409,
               "already acknowledged");
    expect_one(DATA "icinga-ack-ok-service.json", 409, "prd-web-01!http", 409,
               "is OK.");
    expect_one(DATA "icinga-ack-remove.json", 200, "prd-web-02!http", 200,
               "removed acknowledgement");
    expect_one(DATA "icinga-ack-remove-none.json", 200, "prd-web-01!http", 200,
               "removed acknowledgement");
    expect_one(DATA "icinga-reschedule-next.json", 200, "dev-web-01", 200,
               "rescheduled");

    r = parse_file(DATA "icinga-reschedule.json", 200, &n);
    ck_assert_uint_eq(n, 8);
    ck_assert_str_eq(r[0].name, "dev-web-01!swap");
    ck_assert_str_eq(r[7].name, "dev-web-01!ntp");
    ck_assert_ptr_null(r[3].downtime);
    icinga_action_results_free(r, n);

    r = parse_file(DATA "icinga-downtime.json", 200, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(r[0].name, "tst-app-02");
    ck_assert_str_eq(r[0].downtime,
                     "tst-app-02!0bebc152-c55e-4f12-9018-1cfc7f46b27f");
    ck_assert_int_eq(r[0].children, 9);
    icinga_action_results_free(r, n);

    r = parse_file(DATA "icinga-downtime-flexible.json", 200, &n);
    ck_assert_str_eq(r[0].name, "prd-db-01!postgres");
    ck_assert_str_eq(r[0].downtime, "prd-db-01!postgres!821c2355-a491-4a6b-"
                                    "b74b-8a05b92ee6c8");
    ck_assert_int_eq(r[0].children, 0);
    icinga_action_results_free(r, n);

    /* Removal by downtime name: the object is the name without its uuid. */
    r = parse_file(DATA "icinga-downtime-remove.json", 200, &n);
    ck_assert_str_eq(r[0].name, "prd-db-01!postgres");
    ck_assert_int_eq(r[0].children, 0);
    ck_assert_ptr_null(r[0].downtime);
    icinga_action_results_free(r, n);

    r = parse_file(DATA "icinga-downtime-remove-host.json", 200, &n);
    ck_assert_str_eq(r[0].name, "tst-app-02");
    ck_assert_int_eq(r[0].children, 9);
    icinga_action_results_free(r, n);
}
END_TEST

START_TEST(test_action_parse_mixed)
{
    size_t n;
    struct icinga_action_result *r =
        parse_file(DATA "icinga-ack-mixed.json", 409, &n);
    const struct icinga_action_result *x;

    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(r[0].name, "ppd-web-01!http");
    ck_assert_int_eq(r[0].code, 409);
    ck_assert_str_eq(r[1].name, "tst-web-01!http");
    ck_assert_int_eq(r[1].code, 200);
    x = icinga_action_result_for(r, n, "tst-web-01", "http");
    ck_assert_ptr_eq(x, &r[1]);
    x = icinga_action_result_for(r, n, "prd-web-02", "http");
    ck_assert_int_eq(x->code, 409);
    ck_assert_str_eq(x->status, "Service prd-web-02!http is already "
                                "acknowledged.");
    ck_assert_ptr_null(icinga_action_result_for(r, n, "prd-web-02", NULL));
    ck_assert_ptr_null(icinga_action_result_for(r, n, "prd-web-0", "http"));
    ck_assert_ptr_null(icinga_action_result_for(r, n, "nosuch", "http"));
    ck_assert_ptr_null(icinga_action_result_for(r, n, NULL, "http"));
    icinga_action_results_free(r, n);
}
END_TEST

static void expect_error(const char *file, int status, const char *has,
                         int code)
{
    size_t len, n = 5;
    char *body = testutil_slurp(file, &len);
    struct icinga_action_result *r = (void *)&n;
    struct mc_err err = { 0 };

    ck_assert_int_eq(icinga_action_parse(body, len, status, &r, &n, &err), -1);
    ck_assert_ptr_null(r);
    ck_assert_uint_eq(n, 0);
    ck_assert_msg(strstr(err.msg, has) != NULL, "\"%s\" lacks \"%s\"", err.msg,
                  has);
    ck_assert_int_eq(err.code, code);
    free(body);
}

START_TEST(test_action_parse_errors)
{
    struct icinga_action_result *r;
    const struct icinga_action_result *x;
    size_t n;

    expect_error(DATA "icinga-error-401.json", 401, "Unauthorized", 401);
    expect_error(DATA "icinga-error-action-no-type.json", 404,
                 "No objects found.", 404);
    expect_error(DATA "icinga-error-403-action-verbose.json", 404,
                 "Missing permission: actions/acknowledge-problem", 404);
    expect_error(DATA "icinga-error-unknown-action.json", 404,
                 "Action 'no-such-action' does not exist.", 404);
    expect_error(DATA "icinga-error-bad-json.json", 400, "Invalid request body",
                 400);
    /* The body's code when the HTTP status is not known. */
    expect_error(DATA "icinga-error-401.json", 0, "Unauthorized", 401);

    /* Matched nothing: 500 with an empty list is a result, not an error. */
    r = parse_file(DATA "icinga-error-action-nomatch.json", 500, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(r);
    r = parse_file(DATA "icinga-error-remove-downtime-nomatch-500.json", 500,
                   &n);
    ck_assert_uint_eq(n, 0);

    /* Missing parameters: a 400 per object, without names. */
    r = parse_file(DATA "icinga-error-action-missing-params.json", 400, &n);
    ck_assert_uint_eq(n, 8);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_null(r[i].name);
        ck_assert_int_eq(r[i].code, 400);
    }
    x = icinga_action_result_for(r, n, "prd-web-01", "http");
    ck_assert_ptr_eq(x, &r[0]);
    ck_assert_str_eq(x->status, "Acknowledgements require author and comment.");
    icinga_action_results_free(r, n);
    r = parse_file(DATA "icinga-error-downtime-missing.json", 400, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_null(r[0].name);
    icinga_action_results_free(r, n);
}
END_TEST

static int parse_str(const char *s, int status, struct icinga_action_result **r,
                     size_t *n, struct mc_err *err)
{
    return icinga_action_parse(s, s != NULL ? strlen(s) : 0, status, r, n, err);
}

START_TEST(test_action_parse_malformed)
{
    static const char *const bad[] = {
        "{\"results\":{}}",
        "{\"results\":[1]}",
        "{\"results\":[{\"code\":\"200\",\"status\":\"x\"}]}",
        "{\"results\":[{\"code\":200.5,\"status\":\"x\"}]}",
        "{\"results\":[{\"code\":42,\"status\":\"x\"}]}",
        "{\"results\":[{\"code\":200,\"status\":7}]}",
        "{\"results\":[{\"code\":200}]}",
        "{\"results\":[{\"code\":200,\"status\":\"ok\"},null]}",
        "{\"results\":[",
        "{\"results\":[{\"code\":200,\"status\":\"Successfully ack",
        "{}",
        "[]",
        "null",
        "<h1>Accept header is missing or not set to 'application/json'.</h1>",
        "",
    };
    static const char *const samples[] = {
        DATA "icinga-downtime.json", DATA "icinga-ack-mixed.json",
        DATA "icinga-error-action-missing-params.json",
        DATA "icinga-error-403-action-verbose.json"
    };
    struct icinga_action_result *r;
    struct mc_err err;
    size_t n;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        ck_assert_msg(parse_str(bad[i], 200, &r, &n, &err) == -1, "%s", bad[i]);
        ck_assert_ptr_null(r);
        ck_assert(err.msg[0] != '\0');
        ck_assert_int_eq(err.code, 200);
    }
    ck_assert_int_eq(icinga_action_parse(NULL, 5, 502, &r, &n, &err), -1);
    ck_assert_int_eq(err.code, 502);
    ck_assert(strstr(err.msg, "empty") != NULL);
    ck_assert_int_eq(
        parse_str("<h1>Accept header is missing</h1>", 400, &r, &n, &err), -1);
    ck_assert(strstr(err.msg, "Accept header is missing") != NULL);
    ck_assert_int_eq(parse_str("{\"results\":[", 200, &r, &n, &err), -1);
    ck_assert(strstr(err.msg, "truncated") != NULL);
    /* Every cut of real responses: an error, never a crash or a leak. */
    for (size_t k = 0; k < sizeof samples / sizeof samples[0]; k++) {
        size_t len;
        char *body = testutil_slurp(samples[k], &len);
        size_t end = strrchr(body, '}') - body;

        for (size_t cut = 0; cut <= end; cut++) {
            char *part = malloc(cut + 1);

            memcpy(part, body, cut);
            ck_assert_int_eq(icinga_action_parse(part, cut, 200, &r, &n, &err),
                             -1);
            free(part);
        }
        free(body);
    }
}
END_TEST

START_TEST(test_action_parse_names)
{
    struct icinga_action_result *r;
    struct mc_err err = { 0 };
    size_t n;

    /* Quotes and separators inside the names are taken as they are. */
    ck_assert_int_eq(
        parse_str(
            "{\"results\":["
            "{\"code\":200,\"status\":\"Successfully acknowledged problem "
            "for object 'it''s!a b'.\"},"
            "{\"code\":200,\"status\":\"Successfully removed all "
            "downtimes for object 'x' and y' and 3 child downtimes.\"},"
            "{\"code\":200,\"legacy_id\":3,\"name\":\"h!s!u-1\","
            "\"status\":\"Successfully added comment 'h!s!u-1' for "
            "object 'h!s'.\"},"
            "{\"code\":503,\"name\":\"web!disk\",\"status\":\"Action "
            "skipped: Shutting down.\",\"type\":\"Service\"},"
            "{\"code\":409,\"status\":\"Acknowledgement 'expiry' "
            "timestamp must be in the future for object db!pg\"},"
            "{\"code\":409,\"status\":\"Host core-sw is UP.\"},"
            "{\"code\":500,\"status\":\"Action execution failed: "
            "'boom'.\"},"
            "{\"code\":200,\"status\":\"Successfully removed comment "
            "'h!u-2'.\"},"
            "{\"code\":200,\"status\":\"Successfully scheduled downtime "
            "'w!x' for object 'w'.\",\"name\":\"w!x\","
            "\"service_downtimes\":[{\"legacy_id\":1,\"name\":\"w!s!y\"}]}"
            "]}",
            409, &r, &n, &err),
        0);
    ck_assert_uint_eq(n, 9);
    ck_assert_str_eq(r[0].name, "it''s!a b");
    ck_assert_str_eq(r[1].name, "x' and y");
    ck_assert_int_eq(r[1].children, 3);
    ck_assert_str_eq(r[2].name, "h!s");
    ck_assert_ptr_null(r[2].downtime);
    ck_assert_str_eq(r[3].name, "web!disk");
    ck_assert_int_eq(r[3].code, 503);
    ck_assert_str_eq(r[4].name, "db!pg");
    ck_assert_str_eq(r[5].name, "core-sw");
    ck_assert_ptr_null(r[6].name);
    ck_assert_str_eq(r[7].name, "h");
    ck_assert_str_eq(r[8].name, "w");
    ck_assert_str_eq(r[8].downtime, "w!x");
    ck_assert_int_eq(r[8].children, 1);
    /* The unnamed failure applies to objects without their own entry. */
    ck_assert_ptr_eq(icinga_action_result_for(r, n, "other", NULL), &r[6]);
    ck_assert_ptr_eq(icinga_action_result_for(r, n, "web", "disk"), &r[3]);
    icinga_action_results_free(r, n);
    icinga_action_results_free(NULL, 0);
}
END_TEST

Suite *icinga_action_suite(void)
{
    Suite *s = suite_create("icinga_action");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_action_build_ack);
    tcase_add_test(tc, test_action_build_each);
    tcase_add_test(tc, test_action_build_hostile);
    tcase_add_test(tc, test_action_build_mixed);
    tcase_add_test(tc, test_action_build_invalid);
    tcase_add_test(tc, test_action_parse_samples);
    tcase_add_test(tc, test_action_parse_mixed);
    tcase_add_test(tc, test_action_parse_errors);
    tcase_add_test(tc, test_action_parse_malformed);
    tcase_add_test(tc, test_action_parse_names);
    suite_add_tcase(s, tc);
    return s;
}
