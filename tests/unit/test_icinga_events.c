/* Unit tests for Icinga 2 /v1/events lines and error response bodies. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/icinga_parse.h"
#include "tests/unit/testutil.h"

#define DATA "tests/data/icinga/"

static struct icinga_event *read_events(const char *path, size_t *n)
{
    size_t len;
    char *data = testutil_slurp(path, &len);
    struct icinga_event *ev = calloc(64, sizeof *ev);
    const char *p = data;

    *n = 0;
    while (p < data + len) {
        const char *nl = memchr(p, '\n', (size_t)(data + len - p));
        size_t l = nl != NULL ? (size_t)(nl - p + 1) : (size_t)(data + len - p);
        struct mc_err e = { 0 };

        ck_assert_uint_lt(*n, 64);
        ck_assert_msg(icinga_parse_event(p, l, &ev[*n], &e) == 0, "%s", e.msg);
        (*n)++;
        p += l;
    }
    free(data);
    return ev;
}

START_TEST(test_events_checkresult_statechange)
{
    size_t n;
    struct icinga_event *ev =
        read_events(DATA "icinga-events-checkresult-statechange.ndjson", &n);

    ck_assert_uint_eq(n, 6);
    ck_assert_int_eq(ev[0].type, ICINGA_EV_CHECK_RESULT);
    ck_assert_str_eq(ev[0].host, "prd-es-01");
    ck_assert_str_eq(ev[0].service, "load");
    ck_assert_double_eq_tol(ev[0].timestamp, 1795670914.28545, 1e-5);
    ck_assert(ev[0].has & ICINGA_EV_HAS_ACK_BOOL);
    ck_assert(ev[0].has & ICINGA_EV_HAS_ACK);
    ck_assert_int_eq(ev[0].ack, 0);
    ck_assert(ev[0].has & ICINGA_EV_HAS_DOWNTIME_DEPTH);
    ck_assert(!(ev[0].has & ICINGA_EV_HAS_STATE));
    ck_assert(ev[0].has & ICINGA_EV_HAS_CHECK_RESULT);
    ck_assert_int_eq(ev[0].cr.state, 0);
    ck_assert_uint_eq(ev[0].cr.perf.n, 6);
    ck_assert_str_eq(ev[0].cr.perf.v[1].label, "scaled_load1");
    ck_assert_str_eq(ev[0].cr.output, "LOAD OK - scaled load average: 0.22, "
                                      "0.21, 0.12 - total load average: 0.44, "
                                      "0.43, 0.24");
    ck_assert_double_eq_tol(ev[0].cr.last_check, 1795670914.285303, 1e-5);

    ck_assert_str_eq(ev[1].cr.output, "OK - /health returned 200 "
                                      "{\"status\":\"UP\"}");

    /* passive result: command null, exit_status 0, state carries CRIT */
    ck_assert_int_eq(ev[3].type, ICINGA_EV_STATE_CHANGE);
    ck_assert_str_eq(ev[3].service, "http");
    ck_assert(ev[3].has & ICINGA_EV_HAS_STATE);
    ck_assert_int_eq(ev[3].state, 2);
    ck_assert_int_eq(ev[3].state_type, 1);
    ck_assert_int_eq(ev[3].cr.state, 2);
    ck_assert_str_eq(ev[3].cr.output, "HTTP CRITICAL - injected by test");
    ck_assert_int_eq(ev[5].state, 0);
    ck_assert_str_eq(ev[5].cr.output,
                     "HTTP OK: HTTP/1.1 200 OK - 5120 bytes in 0.021 second "
                     "response time");
    for (size_t i = 0; i < n; i++)
        icinga_event_clear(&ev[i]);
    free(ev);
}
END_TEST

START_TEST(test_events_ack_downtime_comment)
{
    size_t n;
    struct icinga_event *ev =
        read_events(DATA "icinga-events-ack-downtime-comment.ndjson", &n);
    static const enum icinga_event_type types[] = {
        ICINGA_EV_COMMENT_ADDED,      ICINGA_EV_ACK_SET,
        ICINGA_EV_ACK_CLEARED,        ICINGA_EV_COMMENT_REMOVED,
        ICINGA_EV_DOWNTIME_ADDED,     ICINGA_EV_DOWNTIME_STARTED,
        ICINGA_EV_DOWNTIME_TRIGGERED, ICINGA_EV_DOWNTIME_REMOVED,
    };

    ck_assert_uint_eq(n, 8);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(ev[i].type, types[i]);
        ck_assert_ptr_nonnull(ev[i].host);
        ck_assert_str_eq(icinga_event_type_name(ev[i].type),
                         icinga_event_type_name(types[i]));
    }
    ck_assert_str_eq(ev[0].host, "prd-web-02");
    ck_assert_str_eq(ev[0].service, "http");
    ck_assert_str_eq(ev[0].author, "mctop");
    ck_assert_str_eq(ev[0].text, "Investigating 502s (ticket OPS-123)");

    ck_assert_int_eq(ev[1].ack, 2);
    ck_assert(ev[1].has & ICINGA_EV_HAS_ACK);
    ck_assert(!(ev[1].has & ICINGA_EV_HAS_ACK_BOOL));
    ck_assert_int_eq(ev[1].state, 2);
    ck_assert_str_eq(ev[1].text, "Investigating 502s (ticket OPS-123)");
    ck_assert_int_eq(ev[2].ack, 0);
    ck_assert(ev[2].has & ICINGA_EV_HAS_ACK);

    /* a host downtime: service_name "" means no service */
    ck_assert_str_eq(ev[4].host, "tst-app-02");
    ck_assert_ptr_null(ev[4].service);
    ck_assert(ev[4].downtime_fixed);
    ck_assert_double_eq(ev[4].downtime_trigger_time, 0);
    ck_assert_str_eq(ev[4].text, "Kernel patching");
    ck_assert_str_eq(ev[4].downtime_name,
                     "tst-app-02!02acec58-1fe0-4d61-8831-35c1304f2daa");
    ck_assert(ev[6].downtime_trigger_time > 0);
    ck_assert_str_eq(ev[7].host, "tst-app-02");
    ck_assert_str_eq(ev[7].service, "app-health");
    ck_assert(ev[7].downtime_trigger_time > 0);
    for (size_t i = 0; i < n; i++)
        icinga_event_clear(&ev[i]);
    free(ev);
}
END_TEST

static void expect_event_error(const char *line, const char *want)
{
    struct icinga_event ev;
    struct mc_err e = { 0 };

    ck_assert_int_eq(icinga_parse_event(line, line ? strlen(line) : 0, &ev, &e),
                     -1);
    ck_assert_msg(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg,
                  want);
    ck_assert_ptr_null(ev.host);
}

START_TEST(test_events_synthetic)
{
    struct icinga_event ev;
    struct mc_err e = { 0 };
    static const char host_cr[] =
        "{\"acknowledgement\":true,\"check_result\":{\"output\":\"CRITICAL - "
        "down\",\"performance_data\":[],\"state\":2,\"vars_after\":{"
        "\"attempt\":3,\"reachable\":false,\"state\":2,\"state_type\":0}},"
        "\"downtime_depth\":1,\"host\":\"h1\",\"timestamp\":5.5,"
        "\"type\":\"CheckResult\"}\n";
    static const char flap[] =
        "{\"host\":\"h1\",\"service\":\"s\",\"is_flapping\":true,\"state\":1,"
        "\"state_type\":0,\"timestamp\":7,\"type\":\"Flapping\"}";

    expect_event_error(NULL, "empty event line");
    expect_event_error("\n", "empty event line");
    expect_event_error("{\"type\":", "not a JSON object");
    expect_event_error("[1]", "not a JSON object");
    expect_event_error("{\"host\":\"h\"}", "without a \"type\"");
    expect_event_error("{\"type\":\"CheckResult\"}",
                       "CheckResult event without a host");

    ck_assert_int_eq(icinga_parse_event(host_cr, strlen(host_cr), &ev, &e), 0);
    ck_assert_ptr_null(ev.service);
    ck_assert_int_eq(ev.cr.state, 1); /* CRITICAL host result = DOWN */
    ck_assert(!ev.cr.reachable);
    ck_assert_int_eq(ev.cr.attempt, 3);
    ck_assert_int_eq(ev.cr.state_type, 0);
    ck_assert_int_eq(ev.ack, 1);
    ck_assert_int_eq(ev.downtime_depth, 1);
    ck_assert_double_eq(ev.cr.last_check, 5.5); /* no schedule_end */
    icinga_event_clear(&ev);

    ck_assert_int_eq(icinga_parse_event(flap, strlen(flap), &ev, &e), 0);
    ck_assert_int_eq(ev.type, ICINGA_EV_FLAPPING);
    ck_assert(ev.flapping && (ev.has & ICINGA_EV_HAS_FLAPPING));
    ck_assert(!(ev.has & ICINGA_EV_HAS_CHECK_RESULT));
    icinga_event_clear(&ev);

    ck_assert_int_eq(
        icinga_parse_event("{\"type\":\"ObjectCreated\"}", 24, &ev, &e), 0);
    ck_assert_int_eq(ev.type, ICINGA_EV_UNKNOWN);
    ck_assert_ptr_null(ev.host);
    ck_assert_str_eq(icinga_event_type_name(ev.type), "unknown");
    icinga_event_clear(&ev);
    ck_assert_str_eq(icinga_event_type_name(ICINGA_EV_TYPE_COUNT), "unknown");
}
END_TEST

static void expect_error_body(const char *file, int http, const char *want)
{
    size_t len;
    char *data = testutil_slurp(file, &len);
    struct mc_err e = { 0 };

    ck_assert_int_eq(icinga_parse_error(data, len, http, &e), -1);
    ck_assert_msg(strcmp(e.msg, want) == 0, "%s: \"%s\" != \"%s\"", file, e.msg,
                  want);
    ck_assert_int_eq(e.code, http);
    free(data);
}

START_TEST(test_error_bodies)
{
    struct mc_err e = { 0 };
    static const char html[] =
        "<h1>Accept header is missing or not set to 'application/json'.</h1>";

    expect_error_body(DATA "icinga-error-401.json", 401,
                      "Icinga error 401: Unauthorized. Please check your user "
                      "credentials.");
    expect_error_body(DATA "icinga-error-403-action-verbose.json", 404,
                      "Icinga error 404: No objects found. (Missing "
                      "permission: actions/acknowledge-problem)");
    expect_error_body(DATA "icinga-error-unknown-host-verbose.json", 404,
                      "Icinga error 404: No objects found. (Object does not "
                      "exist.)");
    expect_error_body(DATA "icinga-error-500-unencoded-url.json", 500,
                      "Icinga error 500: Unhandled exception");
    expect_error_body(DATA "icinga-error-bad-json.json", 400,
                      "Icinga error 400: Invalid request body: Error: "
                      "[json.exception.parse_error.101] parse error at line 1, "
                      "column 19: syntax error while parsing object key - "
                      "unexpected end of input; expected string literal");
    expect_error_body(DATA "icinga-error-action-missing-params.json", 400,
                      "Icinga error 400: Acknowledgements require author and "
                      "comment. (8 of 8 objects failed)");
    expect_error_body(DATA "icinga-error-action-nomatch.json", 500,
                      "Icinga error 500: no matching objects");
    expect_error_body(DATA "icinga-error-downtime-missing.json", 400,
                      "Icinga error 400: Options 'start_time', 'end_time', "
                      "'author' and 'comment' are required");
    expect_error_body(DATA "icinga-error-events-no-queue.json", 400,
                      "Icinga error 400: 'queue' query parameter is "
                      "required.");
    expect_error_body(DATA "wire/icinga-error-404-unknown-path.json", 404,
                      "Icinga error 404: The requested path "
                      "'v1/config/packages' could not be found or the request "
                      "method is not valid for this path.");

    ck_assert_int_eq(icinga_parse_error(html, strlen(html), 400, &e), -1);
    ck_assert_str_eq(e.msg, "Icinga error 400: Accept header is missing or "
                            "not set to 'application/json'.");
    ck_assert_int_eq(icinga_parse_error(NULL, 0, 502, &e), -1);
    ck_assert_str_eq(e.msg, "Icinga error 502 (empty response)");
    ck_assert_int_eq(icinga_parse_error("\x1b[31mbad\x1b[0m\n\n", 12, 0, &e),
                     -1);
    ck_assert_str_eq(e.msg, "Icinga error: [31mbad [0m");
    /* body code used when the HTTP one is unknown */
    ck_assert_int_eq(
        icinga_parse_error("{\"error\":403,\"status\":\"x\"}", 26, 0, &e), -1);
    ck_assert_str_eq(e.msg, "Icinga error 403: x");
    ck_assert_int_eq(e.code, 403);
    ck_assert_int_eq(icinga_parse_error("{\"x\":1}", 7, 418, &e), -1);
    ck_assert_str_eq(e.msg, "Icinga error 418: unexpected JSON response");
    ck_assert_int_eq(icinga_parse_error("{}", 2, 418, NULL), -1);
}
END_TEST

/* Every stored error sample gives a one-line message, never a crash. */
START_TEST(test_error_samples_all)
{
    static const char *const names[] = {
        "401",
        "403-action-verbose",
        "404-no-permission-events",
        "404-unknown-path",
        "500-unencoded-url",
        "action-missing-params",
        "action-no-type-verbose",
        "action-no-type",
        "action-nomatch",
        "bad-filter-syntax-post",
        "bad-filter-syntax-verbose",
        "bad-filter-syntax",
        "bad-json",
        "downtime-missing",
        "events-no-queue",
        "events-no-types",
        "filter-unknown-attr-verbose",
        "filter-unknown-attr",
        "filter-wrong-type",
        "invalid-attr",
        "remove-downtime-nomatch-500",
        "unknown-action",
        "unknown-host-verbose",
        "unknown-host",
        "unknown-service",
        "unknown-type",
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128];
        size_t len;
        char *data;
        struct mc_err e = { 0 };

        snprintf(path, sizeof path, DATA "icinga-error-%s.json", names[i]);
        data = testutil_slurp(path, &len);
        ck_assert_int_eq(icinga_parse_error(data, len, 400, &e), -1);
        ck_assert_msg(strncmp(e.msg, "Icinga error 400: ", 18) == 0 &&
                          strlen(e.msg) > 20,
                      "%s: %s", path, e.msg);
        ck_assert_msg(strchr(e.msg, '\n') == NULL, "%s", path);
        free(data);
    }
}
END_TEST

Suite *icinga_events_suite(void)
{
    Suite *s = suite_create("icinga_events");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_events_checkresult_statechange);
    tcase_add_test(tc, test_events_ack_downtime_comment);
    tcase_add_test(tc, test_events_synthetic);
    tcase_add_test(tc, test_error_bodies);
    tcase_add_test(tc, test_error_samples_all);
    suite_add_tcase(s, tc);
    return s;
}
