/*
 * Unit tests for the Elasticsearch response parser on failures: bodies that
 * are no search response, error envelopes and the reason shown for them,
 * and garbage (truncated, random, mutated). Fixtures: tests/data/es
 * (README.md there says where each comes from).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/es.h"
#include "tests/unit/testutil.h"
#include "tests/unit/testutil_es.h"

/* Parse a fixture expecting failure; the message in e. */
static void parse_file_fails(const char *name, struct mc_err *e)
{
    struct es_result r;
    size_t n;
    char *p = testutil_slurp(name, &n);

    ck_assert_int_eq(es_parse_search(p, n, &ep_fields, &r, e), -1);
    ck_assert_uint_eq(r.nhits, 0);
    ck_assert_ptr_null(r.hits);
    free(p);
}

/* es_error_reason of a fixture, compared with want. */
static void reason_is(int status, const char *name, const char *want)
{
    size_t n;
    char *p = testutil_slurp(name, &n);
    char *got = es_error_reason(status, p, n);

    ck_assert_msg(strcmp(got, want) == 0, "%s:\n got  [%s]\n want [%s]", name,
                  got, want);
    free(got);
    free(p);
}

static void reason_str_is(int status, const char *body, const char *want)
{
    char *got = es_error_reason(status, body, body ? strlen(body) : 0);

    ck_assert_msg(strcmp(got, want) == 0, "[%s]:\n got  [%s]\n want [%s]",
                  body ? body : "(null)", got, want);
    free(got);
}

/* ------------------------------------------------------------- errors */

START_TEST(test_parse_errors)
{
    struct es_result r;
    struct mc_err e = { 0 };

    parse_file_fails(DIR "lab-es8-502.html", &e);
    ck_assert_str_eq(e.msg, "not JSON: \"502 Bad Gateway 502 Bad Gateway "
                            "nginx/1.22.1\"");
    parse_file_fails(DIR "notes-3.9-opensearch-401.txt", &e);
    ck_assert_str_eq(e.msg, "not JSON: \"Unauthorized\"");
    /* an error envelope: its reason */
    parse_file_fails(DIR "notes-3.4-404-index-not-found.json", &e);
    ck_assert_str_eq(e.msg,
                     "index_not_found_exception: no such index [logs-app]");
    parse_file_fails(DIR "lab-kibana-400-xsrf.json", &e);
    ck_assert_str_eq(e.msg,
                     "Bad Request: Request must contain a kbn-xsrf header.");
    parse_file_fails(DIR "lab-es7-405.json", &e);
    ck_assert_str_eq(e.msg,
                     "Incorrect HTTP method for uri [/logstash-*/_search]"
                     " and method [PUT], allowed: [GET, POST]");

    ck_assert_int_eq(es_parse_search("", 0, &ep_fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "empty response");
    ck_assert_int_eq(es_parse_search(" \r\n", 3, &ep_fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "empty response");
    ck_assert_int_eq(es_parse_search(NULL, 0, &ep_fields, &r, &e), -1);
    ck_assert_int_eq(es_parse_search("[1,2]", 5, &ep_fields, &r, &e), -1);
    ck_assert_str_eq(e.msg, "not a search response (no \"hits\")");
    ck_assert_int_eq(es_parse_search("{\"took\":1}", 10, &ep_fields, &r, &e),
                     -1);
    ck_assert_str_eq(e.msg, "not a search response (no \"hits\")");
    ck_assert_int_eq(
        es_parse_search("{\"hits\":{\"total\":3}}", 20, &ep_fields, &r, &e),
        -1);
    ck_assert_str_eq(e.msg, "not a search response (no \"hits.hits\" array)");
    ck_assert_int_eq(
        es_parse_search("{\"hits\":{\"hits\":{}}}", 20, &ep_fields, &r, &e),
        -1);
    ck_assert_int_eq(es_parse_search("{\"took\":1,", 10, &ep_fields, &r, &e),
                     -1);
    ck_assert_str_eq(e.msg, "not JSON: \"{\"took\":1,\" (at byte 9 of 10)");
    /* a long body: 60 characters quoted, controls as '?' */
    {
        char body[200];

        memset(body, 'x', sizeof body);
        body[0] = '\x1b';
        ck_assert_int_eq(es_parse_search(body, sizeof body, &ep_fields, &r, &e),
                         -1);
        ck_assert_str_eq(e.msg, "not JSON: \"?xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                "xxxxxxxxxxxxxxxxxxxxxxxxxxxx…\"");
    }
}
END_TEST

START_TEST(test_error_reason_es)
{
    reason_is(400, DIR "notes-3.2-400-query-string.json",
              "query_shard_exception: Failed to parse query [heart(] "
              "(Encountered \"<EOF>\" at line 1, column 6.)");
    reason_is(400, DIR "lab-es8-400-query-string.json",
              "query_shard_exception: Failed to parse query [heart(] "
              "(Encountered \"<EOF>\" at line 1, column 6.)");
    reason_is(400, DIR "lab-es7-400-query-string.json",
              "query_shard_exception: Failed to parse query [heart(] "
              "(Encountered \"<EOF>\" at line 1, column 6.)");
    reason_is(400, DIR "notes-3.2-400-prefixed-reason.json",
              "parse_exception: Cannot parse 'Income+tax:+exemptions~4': "
              "Encountered \" <FUZZY_SLOP> \"~4 \"\" at line 1, column 22.");
    reason_is(400, DIR "notes-3.3-400-parsing-exception.json",
              "parsing_exception: no [query] registered for [missing]");
    reason_is(400, DIR "lab-es8-400-parsing.json",
              "parsing_exception: unknown query [missing] ([1:12] unknown "
              "field [missing])");
    reason_is(400, DIR "notes-3.3-400-x-content.json",
              "x_content_parse_exception: [1:82] [date_histogram] failed to "
              "parse field [calendar_interval] (The supplied interval [2d] "
              "could not be parsed as a calendar interval.)");
    reason_is(404, DIR "notes-3.4-404-index-not-found.json",
              "index_not_found_exception: no such index [logs-app]");
    reason_is(404, DIR "lab-es8-404-index.json",
              "index_not_found_exception: no such index [logs-app]");
    /* a body that is not JSON: Jackson's message, first line */
    reason_is(400, DIR "lab-es7-400-bad-json.json",
              "json_parse_exception: Unexpected end-of-input: expected close "
              "marker for Object (start marker at line: 1, column: 1)");
    reason_is(400, DIR "lab-es8-400-bad-json.json",
              "x_content_parse_exception: [1:12] Unexpected end-of-input: "
              "expected close marker for Object (start marker at line: 1, "
              "column: 1)");
    reason_is(500, DIR "notes-3.8-500-null-reason.json",
              "null_pointer_exception");
    reason_is(503, DIR "lab-es8-503.json", "master_not_discovered_exception");
}
END_TEST

START_TEST(test_error_reason_security)
{
    reason_is(401, DIR "notes-3.5-401-es8.json",
              "security_exception: missing authentication credentials for "
              "REST request [/_cluster/settings/]");
    reason_is(401, DIR "lab-es8-401-missing.json",
              "security_exception: missing authentication credentials for "
              "REST request [/logstash-*/_search]");
    reason_is(401, DIR "lab-es7-401-missing.json",
              "security_exception: missing authentication credentials for "
              "REST request [/logstash-*/_search]");
    reason_is(401, DIR "notes-3.5-401-es6-token.json",
              "security_exception: missing authentication token for REST "
              "request [/]");
    reason_is(401, DIR "notes-3.5-401-wrong-password.json",
              "security_exception: unable to authenticate user [ohhldeves] "
              "for REST request [/pure_log_store_stage/_doc?timeout=1m]");
    reason_is(401, DIR "lab-es8-401-password.json",
              "security_exception: unable to authenticate user [mctop] for "
              "REST request [/logstash-*/_search]");
    reason_is(401, DIR "notes-3.5-401-api-key.json",
              "security_exception: unable to authenticate with provided "
              "credentials and anonymous access is not allowed for this "
              "request (API key: unable to find apikey with id "
              "ZW6nPIcBf-4jny-WMBds)");
    reason_is(401, DIR "lab-es8-401-api-key.json",
              "security_exception: unable to authenticate with provided "
              "credentials and anonymous access is not allowed for this "
              "request (API key: unable to find apikey with id nokey)");
    reason_is(403, DIR "notes-3.6-403-es6.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [logstash_internal]");
    reason_is(403, DIR "notes-3.6-403-es712.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [magento_indexer] with roles "
              "[magento_indexer] on indices [magento_product_1], this action "
              "is granted by the index privileges [read,all]");
    reason_is(403, DIR "lab-es8-403.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [nobody] with effective roles "
              "[lab_nothing] on indices [logstash-*], this action is granted "
              "by the index privileges [read,all]");
    reason_is(403, DIR "lab-es7-403.json",
              "security_exception: action [indices:data/read/search] is "
              "unauthorized for user [nobody] with roles [lab_nothing] on "
              "indices [logstash-*], this action is granted by the index "
              "privileges [read,all]");
    reason_is(403, DIR "notes-3.6-403-opensearch.json",
              "security_exception: no permissions for "
              "[indices:data/read/search] and User [name=unlimited, "
              "backend_roles=[], requestedTenant=null]");
}
END_TEST

START_TEST(test_error_reason_overload)
{
    size_t n;
    char *p = testutil_slurp(DIR "notes-3.7-429-circuit-breaking.json", &n);
    char *got = es_error_reason(429, p, n);

    ck_assert_str_eq(
        got, "circuit_breaking_exception: [parent] Data too large, data for "
             "[<http_request>] would be [220036656/209.8mb], which is larger "
             "than the limit of [1/1b], real usage: [220036616/209.8mb], new "
             "bytes reserved: [40/40b], usages [model_inference=0/0b, "
             "eql_sequence=0/0b, fielddata=0/0b, request=0/0b, "
             "inflight_requests=40/40b]");
    free(got);
    free(p);
    p = testutil_slurp(DIR "lab-es8-429-circuit.json", &n);
    got = es_error_reason(429, p, n);
    ck_assert_ptr_nonnull(strstr(got, "circuit_breaking_exception: [parent] "
                                      "Data too large"));
    free(got);
    free(p);

    p = testutil_slurp(DIR "notes-3.7-429-rejected-execution.json", &n);
    got = es_error_reason(429, p, n);
    ck_assert_msg(strncmp(got,
                          "es_rejected_execution_exception: rejected "
                          "execution of org.elasticsearch.common.util."
                          "concurrent.TimedRunnable@4d7a1d9a",
                          80) == 0,
                  "%s", got);
    free(got);
    free(p);
    p = testutil_slurp(DIR "lab-es8-429-rejected.json", &n);
    got = es_error_reason(429, p, n);
    ck_assert_msg(
        strncmp(got, "es_rejected_execution_exception: rejected", 41) == 0,
        "%s", got);
    ck_assert_ptr_null(strchr(got, '\n'));
    free(got);
    free(p);
}
END_TEST

START_TEST(test_error_reason_kibana_and_text)
{
    reason_is(400, DIR "notes-5.1-kibana9-internal-400.json",
              "Bad Request: uri [/api/console/proxy] with method [post] "
              "exists but is not available with the current configuration");
    reason_is(400, DIR "lab-kibana9-400-internal.json",
              "Bad Request: uri [/api/console/proxy] with method [post] "
              "exists but is not available with the current configuration");
    reason_is(401, DIR "notes-5.2-kibana-401.json", "Unauthorized");
    reason_is(401, DIR "lab-kibana-401.json", "Unauthorized");
    reason_is(400, DIR "lab-kibana-400-xsrf.json",
              "Bad Request: Request must contain a kbn-xsrf header.");
    reason_is(502, DIR "lab-kibana-502-reset.json",
              "Bad Gateway: socket hang up");
    reason_is(429, DIR "notes-5.2-kibana-429-wrapped.json",
              "Too Many Requests: [circuit_breaking_exception] [parent] Data "
              "too large, … with { bytes_wanted=… & bytes_limit=… & "
              "durability=\"PERMANENT\" }");
    reason_is(401, DIR "notes-5.2-kibana-legacy-401.json",
              "Unauthorized: [security_exception] failed to authenticate "
              "user [kibana], with { header={ WWW-Authenticate={ 0=\"Bearer "
              "realm=\\\"security\\\"\" & 1=\"ApiKey\" & 2=\"Basic "
              "realm=\\\"security\\\" charset=\\\"UTF-8\\\"\" } } }");
    /* ES's REST layer: a bare string */
    reason_is(405, DIR "lab-es7-405.json",
              "Incorrect HTTP method for uri [/logstash-*/_search] and "
              "method [PUT], allowed: [GET, POST]");
    reason_is(400, DIR "lab-es7-400-no-handler.json",
              "no handler found for uri [/logstash-*/_nothing] and method "
              "[GET]");
    reason_is(406, DIR "lab-es8-406.json", "Content-Type header is missing");
    /* not JSON */
    reason_is(401, DIR "notes-3.9-opensearch-401.txt",
              "HTTP 401: Unauthorized");
    reason_is(502, DIR "lab-es8-502.html",
              "HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx/1.22.1");
    reason_str_is(502,
                  "<html><head><style>body{color:red}</style>"
                  "<script>var x = \"<b>\";</script></head>"
                  "<body><h1>Bad&nbsp;Gateway</h1>\x1b[2J</body></html>",
                  "HTTP 502: Bad&nbsp;Gateway ?[2J");
    reason_str_is(500, "Internal failure\nsecond line\ttab",
                  "HTTP 500: Internal failure second line tab");
    reason_str_is(500, "{\"unexpected\":true}",
                  "HTTP 500: {\"unexpected\":true}");
    reason_str_is(500, "{\"error\":{}}", "HTTP 500: {\"error\":{}}");
    reason_str_is(500, "{\"truncated", "HTTP 500: {\"truncated");
    reason_str_is(0, "plain", "plain");
    /* Kibana's bsearch error: a message without a phrase */
    reason_str_is(400, "{\"message\":\"status_exception\",\"statusCode\":400}",
                  "HTTP 400: status_exception");
}
END_TEST

START_TEST(test_error_reason_empty)
{
    reason_str_is(401, "", "HTTP 401 Unauthorized");
    reason_str_is(403, NULL, "HTTP 403 Forbidden");
    reason_str_is(404, " \r\n", "HTTP 404 Not Found");
    reason_str_is(429, "", "HTTP 429 Too Many Requests");
    reason_str_is(500, "", "HTTP 500 Internal Server Error");
    reason_str_is(502, "", "HTTP 502 Bad Gateway");
    reason_str_is(503, "", "HTTP 503 Service Unavailable");
    reason_str_is(504, "", "HTTP 504 Gateway Timeout");
    reason_str_is(418, "", "HTTP 418");
    reason_str_is(0, "", "empty response");
}
END_TEST

START_TEST(test_error_reason_chain)
{
    /* the deepest caused_by, not repeated when the reason holds it */
    reason_str_is(
        400,
        "{\"error\":{\"type\":\"a\",\"reason\":\"outer\",\"caused_by\":"
        "{\"type\":\"b\",\"reason\":\"middle\",\"caused_by\":{\"type\":"
        "\"c\",\"reason\":\"inner\\nsecond line\",\"caused_by\":"
        "{\"type\":\"d\"}}}},\"status\":400}",
        "a: outer (inner)");
    reason_str_is(400,
                  "{\"error\":{\"root_cause\":[{\"type\":\"a\",\"reason\":\"x: "
                  "inner\"}],\"type\":\"b\",\"reason\":\"y\",\"caused_by\":"
                  "{\"type\":\"c\",\"reason\":\"inner\"}}}",
                  "a: x: inner");
    /* an empty root_cause: the error's own type and reason */
    reason_str_is(
        400, "{\"error\":{\"root_cause\":[],\"type\":\"t\",\"reason\":\"r\"}}",
        "t: r");
    /* reason only, type only */
    reason_str_is(400, "{\"error\":{\"reason\":\"only a reason\"}}",
                  "only a reason");
    reason_str_is(400, "{\"error\":{\"type\":\"only_a_type\"}}", "only_a_type");
    reason_str_is(400, "{\"error\":{\"type\":\"t\",\"reason\":\"\\nsecond\"}}",
                  "t");
    /* a cycle is impossible in JSON, but a deep chain is not */
    {
        char body[8192] = "{\"error\":{\"type\":\"t\",\"reason\":\"r\"";
        size_t depth = 100;

        for (size_t i = 0; i < depth; i++)
            strcat(body, ",\"caused_by\":{\"type\":\"u\",\"reason\":\"deep\"");
        for (size_t i = 0; i <= depth; i++)
            strcat(body, "}");
        strcat(body, "}");
        reason_str_is(500, body, "t: r (deep)");
    }
    /* a long reason is cut at 300 bytes, not inside a UTF-8 sequence */
    {
        char body[1024] = "{\"error\":{\"type\":\"t\",\"reason\":\"";
        char *got;
        size_t len;

        for (int i = 0; i < 149; i++)
            strcat(body, "ab");
        strcat(body, "\u00e9\u00e9 tail\"}}"); /* é at bytes 298-299, 300-301 */
        got = es_error_reason(400, body, strlen(body));
        len = strlen(got);
        ck_assert_uint_eq(len, strlen("t: ") + 300 + strlen("…"));
        ck_assert_str_eq(got + len - strlen("\xC3\xA9…"), "\xC3\xA9…");
        free(got);
        body[strlen(body) - strlen("\u00e9 tail\"}}")] = '\0';
        strcat(body, "\"}}"); /* exactly 300 bytes: not cut */
        got = es_error_reason(400, body, strlen(body));
        ck_assert_uint_eq(strlen(got), strlen("t: ") + 300);
        free(got);
        /* 299 bytes, then é across the cut: it goes whole */
        body[strlen(body) - strlen("\u00e9\"}}")] = '\0';
        strcat(body, "a\u00e9\"}}");
        got = es_error_reason(400, body, strlen(body));
        ck_assert_uint_eq(strlen(got), strlen("t: ") + 299 + strlen("…"));
        ck_assert_str_eq(got + strlen(got) - strlen("ba…"), "ba…");
        free(got);
    }
    /* a lone surrogate in the reason does not lose the envelope */
    reason_str_is(
        400, "{\"error\":{\"type\":\"t\",\"reason\":\"bad \\ud800 query\"}}",
        "t: bad " FFFD " query");
}
END_TEST

/* ------------------------------------------------------------ garbage */

static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Parse anything: 0 with a consistent result, or -1 with a message. */
static void parse_anything(const char *p, size_t n)
{
    struct es_result r;
    struct mc_err e = { 0 };
    char *why;

    if (es_parse_search(p, n, &ep_fields, &r, &e) == 0) {
        for (size_t i = 0; i < r.nhits; i++) {
            ck_assert_ptr_nonnull(r.hits[i].index);
            ck_assert_ptr_nonnull(r.hits[i].id);
            ck_assert_ptr_nonnull(r.hits[i].source);
        }
        es_result_free(&r);
    } else {
        ck_assert(e.msg[0] != '\0');
        ck_assert_ptr_null(r.hits);
    }
    why = es_error_reason(400, p, n);
    ck_assert_ptr_nonnull(why);
    ck_assert(why[0] != '\0');
    free(why);
}

START_TEST(test_truncated_everywhere)
{
    static const char *const names[] = {
        DIR "notes-2.3-sorted-log-search.json",
        DIR "composed-surrogates.json",
        DIR "lab-es7-page.json",
        DIR "notes-3.2-400-query-string.json",
    };

    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n, end;
        char *p = testutil_slurp(names[k], &n);

        end = n;
        while (end > 0 && p[end - 1] != '}')
            end--;
        for (size_t len = 0; len <= n; len++) {
            /* an exact-size copy, so that reading past it is caught */
            char *copy = malloc(len > 0 ? len : 1);
            struct es_result r;
            struct mc_err e = { 0 };
            int rc;

            memcpy(copy, p, len);
            rc = es_parse_search(copy, len, &ep_fields, &r, &e);
            if (len < end)
                ck_assert_msg(rc == -1, "%s: prefix %zu parsed", names[k], len);
            if (rc == 0)
                es_result_free(&r);
            free(es_error_reason(400, copy, len));
            free(copy);
        }
        free(p);
    }
}
END_TEST

START_TEST(test_random_bytes)
{
    rng_state = 42;
    for (int round = 0; round < 2000; round++) {
        size_t n = rng() % 300;
        char *p = malloc(n > 0 ? n : 1);

        for (size_t i = 0; i < n; i++)
            p[i] = (char)(rng() & 0xff);
        /* often start like JSON, to get past the first byte */
        if (n > 0 && round % 2 == 0)
            p[0] = '{';
        parse_anything(p, n);
        free(p);
    }
}
END_TEST

START_TEST(test_mutated_fixtures)
{
    static const char *const names[] = {
        DIR "composed-mixed-docs.json",
        DIR "composed-surrogates.json",
        DIR "notes-3.2-400-query-string.json",
    };
    static const char alphabet[] = "{}[]\",:\\u0d8DFf9 \x00\xff";

    rng_state = 7;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t n;
        char *p = testutil_slurp(names[k], &n);

        for (int round = 0; round < 300; round++) {
            char *copy = malloc(n);

            memcpy(copy, p, n);
            for (int m = 0; m < 1 + round % 4; m++)
                copy[rng() % n] = alphabet[rng() % (sizeof alphabet - 1)];
            parse_anything(copy, n);
            free(copy);
        }
        free(p);
    }
}
END_TEST

Suite *es_parse_errors_suite(void)
{
    Suite *s = suite_create("es_parse_errors");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_error_reason_es);
    tcase_add_test(tc, test_error_reason_security);
    tcase_add_test(tc, test_error_reason_overload);
    tcase_add_test(tc, test_error_reason_kibana_and_text);
    tcase_add_test(tc, test_error_reason_empty);
    tcase_add_test(tc, test_error_reason_chain);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_mutated_fixtures);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
