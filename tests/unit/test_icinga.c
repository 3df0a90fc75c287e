/* Unit tests for the Icinga 2 object parser and the streaming reader. */
#include <cJSON.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/icinga_parse.h"
#include "backend/jsonstream.h"
#include "tests/unit/testutil.h"

#define DATA "tests/data/icinga/"

/* Parse a whole response with a reader, feeding chunk bytes at a time. */
static int read_all(enum icinga_kind kind, const char *env_var,
                    const char *data, size_t len, size_t chunk, void **out,
                    size_t *n, struct mc_err *e)
{
    struct icinga_reader *r = icinga_reader_new(kind, env_var);
    int rc = 0;

    for (size_t off = 0; off < len && rc == 0; off += chunk)
        rc = icinga_reader_feed(r, data + off,
                                len - off < chunk ? len - off : chunk, e);
    if (rc == 0)
        rc = icinga_reader_finish(r, e);
    if (rc == 0)
        ck_assert_uint_eq(icinga_reader_bytes(r), len);
    *n = 0;
    if (kind == ICINGA_HOSTS)
        *out = icinga_reader_take_hosts(r, n);
    else
        *out = icinga_reader_take_services(r, n);
    icinga_reader_free(r);
    return rc;
}

static struct mc_host *read_hosts(const char *path, const char *env_var,
                                  size_t chunk, size_t *n)
{
    size_t len;
    char *data = testutil_slurp(path, &len);
    struct mc_err e = { 0 };
    void *out;

    ck_assert_msg(
        read_all(ICINGA_HOSTS, env_var, data, len, chunk, &out, n, &e) == 0,
        "%s: %s", path, e.msg);
    free(data);
    return out;
}

static struct mc_service *read_services(const char *path, size_t chunk,
                                        size_t *n)
{
    size_t len;
    char *data = testutil_slurp(path, &len);
    struct mc_err e = { 0 };
    void *out;

    ck_assert_msg(
        read_all(ICINGA_SERVICES, NULL, data, len, chunk, &out, n, &e) == 0,
        "%s: %s", path, e.msg);
    free(data);
    return out;
}

static const struct mc_host *host_named(const struct mc_host *h, size_t n,
                                        const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return &h[i];
    ck_abort_msg("no host %s", name);
    return NULL;
}

static const struct mc_service *svc_named(const struct mc_service *s, size_t n,
                                          const char *host, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].host_name, host) == 0 && strcmp(s[i].name, name) == 0)
            return &s[i];
    ck_abort_msg("no service %s!%s", host, name);
    return NULL;
}

/* Parse one object from JSON text; returns the rc, err in *e. */
static int host_from(const char *json, struct mc_host *h, struct mc_err *e)
{
    cJSON *o = cJSON_Parse(json);
    int rc = icinga_parse_host(o, NULL, h, e);

    cJSON_Delete(o);
    return rc;
}

static int svc_from(const char *json, struct mc_service *s, struct mc_err *e)
{
    cJSON *o = cJSON_Parse(json);
    int rc = icinga_parse_service(o, s, e);

    cJSON_Delete(o);
    return rc;
}

static void expect_host_error(const char *json, const char *want)
{
    struct mc_host h;
    struct mc_err e = { 0 };

    ck_assert_msg(host_from(json, &h, &e) == -1, "%s", json);
    ck_assert_msg(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg,
                  want);
    ck_assert_ptr_null(h.name);
}

START_TEST(test_object_degenerate)
{
    struct mc_host h;
    struct mc_service s;
    struct mc_err e = { 0 };

    ck_assert_int_eq(icinga_parse_host(NULL, NULL, &h, &e), -1);
    ck_assert_str_eq(e.msg, "host is not a JSON object");
    ck_assert_int_eq(icinga_parse_service(NULL, &s, &e), -1);
    expect_host_error("[]", "not a JSON object");
    expect_host_error("{\"attrs\":{\"state\":0}}", "without a \"name\"");
    expect_host_error("{\"name\":\"\",\"attrs\":{\"state\":0}}",
                      "without a \"name\"");
    expect_host_error("{\"name\":\"h1\"}", "host \"h1\": no \"attrs\"");
    expect_host_error("{\"name\":\"h1\",\"attrs\":[]}", "no \"attrs\"");
    expect_host_error("{\"name\":\"h1\",\"attrs\":{}}",
                      "host \"h1\": no \"state\"");
    expect_host_error("{\"name\":\"h1\",\"attrs\":{\"state\":\"1\"}}",
                      "host \"h1\": \"state\" is not a number");
    expect_host_error("{\"name\":\"h1\",\"attrs\":{\"state\":null}}",
                      "\"state\" is not a number");
    expect_host_error("{\"name\":\"h1\",\"attrs\":{\"state\":-1}}",
                      "\"state\" is not a number");

    ck_assert_int_eq(
        svc_from("{\"name\":\"nobang\",\"attrs\":{\"state\":0}}", &s, &e), -1);
    ck_assert_str_eq(e.msg, "service \"nobang\": no short \"name\"");
    ck_assert_int_eq(
        svc_from("{\"name\":\"x\",\"attrs\":{\"name\":\"x\",\"state\":0}}", &s,
                 &e),
        -1);
    ck_assert_str_eq(e.msg, "service \"x\": no \"host_name\"");
    ck_assert_int_eq(
        svc_from("{\"name\":\"h!s\",\"attrs\":{\"state\":true}}", &s, &e), -1);
    ck_assert_str_eq(e.msg, "service \"h!s\": \"state\" is not a number");
    ck_assert_ptr_null(s.name);
}
END_TEST

/* Optional fields of the wrong type fall back to defaults. */
START_TEST(test_object_optional_defaults)
{
    struct mc_host h;
    struct mc_service s;
    struct mc_err e = { 0 };

    ck_assert_int_eq(host_from("{\"name\":\"h1\",\"attrs\":{\"state\":1,"
                               "\"address\":5,\"display_name\":\"\","
                               "\"acknowledgement\":\"x\",\"vars\":7,"
                               "\"last_check_result\":\"bogus\"}}",
                               &h, &e),
                     0);
    ck_assert_str_eq(h.name, "h1");
    ck_assert_str_eq(h.display_name, "h1");
    ck_assert_ptr_null(h.address);
    ck_assert_ptr_null(h.env);
    ck_assert_ptr_null(h.st.output);
    ck_assert_int_eq(h.st.ack, 0);
    ck_assert_int_eq(h.st.state_type, 1);
    ck_assert(h.st.reachable && !h.st.pending);
    ck_assert_double_eq(h.st.last_check, -1);
    ck_assert_int_eq(model_host_state(&h), MC_DOWN);
    model_host_clear(&h);

    /* joins give the host name when the object name has none */
    ck_assert_int_eq(svc_from("{\"name\":\"ping\",\"attrs\":{\"name\":\"ping\","
                              "\"state\":2,\"acknowledgement\":true},"
                              "\"joins\":{\"host\":{\"name\":\"h9\"}}}",
                              &s, &e),
                     0);
    ck_assert_str_eq(s.host_name, "h9");
    ck_assert_str_eq(s.display_name, "ping");
    ck_assert_int_eq(s.st.ack, 1);
    ck_assert_int_eq(model_service_state(&s), MC_CRIT);
    model_service_clear(&s);
}
END_TEST

START_TEST(test_output_split_and_bad_perf)
{
    struct mc_service s;
    struct mc_err e = { 0 };

    ck_assert_int_eq(
        svc_from("{\"name\":\"h!s\",\"attrs\":{\"state\":1,"
                 "\"last_check_result\":{\"output\":\"WARN - two  \\r\\n"
                 "line 2\\nline 3\\n\\n\",\"performance_data\":["
                 "\"a=1;2;3\",\"garbage\",\"b=2\",{\"label\":\"x\"}],"
                 "\"command\":null,\"vars_after\":{\"attempt\":2,"
                 "\"reachable\":false,\"state_type\":0}}}}",
                 &s, &e),
        0);
    ck_assert_str_eq(s.st.output, "WARN - two");
    ck_assert_str_eq(s.st.long_output, "line 2\nline 3");
    ck_assert(s.st.perf_bad);
    ck_assert_str_eq(s.st.perf_raw, "a=1;2;3 garbage b=2");
    ck_assert_uint_eq(s.st.perf.n, 2);
    ck_assert_str_eq(s.st.perf.v[1].label, "b");
    ck_assert_int_eq(s.st.attempt, 2);
    ck_assert_int_eq(s.st.state_type, 0);
    ck_assert(!s.st.reachable);
    model_service_clear(&s);

    /* empty output, no perf data */
    ck_assert_int_eq(svc_from("{\"name\":\"h!s\",\"attrs\":{\"state\":0,"
                              "\"last_check_result\":{\"output\":\"\","
                              "\"performance_data\":[]}}}",
                              &s, &e),
                     0);
    ck_assert_str_eq(s.st.output, "");
    ck_assert_ptr_null(s.st.long_output);
    ck_assert_ptr_null(s.st.perf_raw);
    ck_assert(!s.st.perf_bad);
    model_service_clear(&s);
}
END_TEST

START_TEST(test_hosts_sample)
{
    static const size_t chunks[] = { 1 << 20, 1, 17, 4096 };
    static const char *const files[] = { DATA "icinga-hosts.json",
                                         DATA "wire/icinga-hosts.json" };

    for (size_t f = 0; f < 2; f++) {
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            size_t n, down = 0;
            struct mc_host *h = read_hosts(files[f], NULL, chunks[c], &n);
            const struct mc_host *x;

            ck_assert_uint_eq(n, 22);
            for (size_t i = 0; i < n; i++) {
                ck_assert(!h[i].st.pending);
                ck_assert_ptr_nonnull(h[i].env);
                if (model_host_state(&h[i]) == MC_DOWN)
                    down++;
                else
                    ck_assert_int_eq(model_host_state(&h[i]), MC_UP);
            }
            ck_assert_uint_eq(down, 3);
            ck_assert_int_eq(model_host_state(host_named(h, n, "tst-app-02")),
                             MC_DOWN);
            ck_assert_int_eq(model_host_state(host_named(h, n, "ppd-es-01")),
                             MC_DOWN);
            x = host_named(h, n, "prd-app-02");
            ck_assert_int_eq(model_host_state(x), MC_DOWN);
            ck_assert_str_eq(x->st.output,
                             "CRITICAL - Host Unreachable (10.20.4.22)");
            ck_assert_str_eq(x->address, "10.20.4.22");
            ck_assert_str_eq(x->env, "Production");
            ck_assert_uint_eq(x->st.perf.n, 0);
            ck_assert_ptr_null(x->st.perf_raw);

            x = host_named(h, n, "prd-web-01");
            ck_assert_str_eq(x->display_name, "prd-web-01");
            ck_assert_str_eq(x->st.output,
                             "PING OK - Packet loss = 0%, RTA = 0.42 ms");
            ck_assert_ptr_null(x->st.long_output);
            ck_assert_uint_eq(x->st.perf.n, 2);
            ck_assert_str_eq(x->st.perf.v[0].label, "rta");
            ck_assert_double_eq_tol(x->st.perf.v[0].value, 0.42, 1e-9);
            ck_assert_str_eq(x->st.perf_raw,
                             "rta=0.420000ms;100.000000;500.000000;0.000000 "
                             "pl=0%;20;60;0");
            ck_assert_double_eq_tol(x->st.last_check, 1795671672.215737, 1e-5);
            ck_assert_double_eq_tol(x->st.last_state_change, 1795671652.99981,
                                    1e-5);
            ck_assert_int_eq(x->st.state_type, 1);
            ck_assert_str_eq(host_named(h, n, "dev-db-01")->env, "Development");
            model_hosts_free(h, n);
        }
    }
}
END_TEST

START_TEST(test_hosts_env_var_and_minimal)
{
    size_t n;
    struct mc_host *h = read_hosts(DATA "icinga-hosts.json", "role", 4096, &n);

    ck_assert_str_eq(host_named(h, n, "prd-es-01")->env, "es");
    model_hosts_free(h, n);
    h = read_hosts(DATA "icinga-hosts.json", "nosuch.deep", 4096, &n);
    ck_assert_ptr_null(h[0].env);
    model_hosts_free(h, n);

    /* no last_check_result requested: checked, not pending */
    h = read_hosts(DATA "icinga-hosts-minimal.json", NULL, 100, &n);
    ck_assert_uint_eq(n, 22);
    ck_assert_int_eq(model_host_state(host_named(h, n, "ppd-es-01")), MC_DOWN);
    ck_assert_ptr_null(h[0].st.output);
    ck_assert_str_eq(host_named(h, n, "tst-app-02")->env, "Test");
    model_hosts_free(h, n);

    h = read_hosts(DATA "icinga-hosts-down.json", NULL, 1, &n);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(model_host_state(&h[i]), MC_DOWN);
    model_hosts_free(h, n);

    h = read_hosts(DATA "icinga-downtime-depth.json", NULL, 1, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(h[0].st.downtime_depth, 1);
    ck_assert(model_status_handled(&h[0].st));
    model_hosts_free(h, n);
}
END_TEST

START_TEST(test_services_problems)
{
    static const char *const files[] = {
        DATA "icinga-services-problems-joins.json",
        DATA "wire/icinga-services-problems-joins.json"
    };

    for (size_t f = 0; f < 2; f++) {
        size_t n, counts[MC_STATE_COUNT] = { 0 };
        struct mc_service *s = read_services(files[f], 1 + f * 999, &n);
        const struct mc_service *x;

        ck_assert_uint_eq(n, 10);
        for (size_t i = 0; i < n; i++) {
            counts[model_service_state(&s[i])]++;
            ck_assert(model_state_is_problem(model_service_state(&s[i])));
        }
        ck_assert_uint_eq(counts[MC_WARN], 4);
        ck_assert_uint_eq(counts[MC_CRIT], 3);
        ck_assert_uint_eq(counts[MC_UNKN], 3);

        x = svc_named(s, n, "prd-app-01", "jvm-heap");
        ck_assert_str_eq(x->display_name, "JVM Heap");
        ck_assert_str_eq(x->st.output,
                         "CRITICAL - JVM heap 92% used (950MB of 1024MB)");
        ck_assert_uint_eq(x->st.perf.n, 4);
        ck_assert_str_eq(x->st.perf.v[0].label, "heap_used");
        ck_assert_double_eq(x->st.perf.v[0].max, 1024);
        ck_assert(!x->st.perf_bad);

        x = svc_named(s, n, "dev-db-01", "mysql-repl");
        ck_assert_str_eq(x->st.output,
                         "NRPE: Command 'check_mysql_repl' not defined");
        ck_assert_uint_eq(x->st.perf.n, 0);
        ck_assert_int_eq(model_service_state(x), MC_UNKN);

        x = svc_named(s, n, "dev-web-01", "ntp");
        ck_assert_int_eq(x->st.perf.v[0].crit.set, 1);
        ck_assert(!x->st.perf.v[0].has_min);
        model_services_free(s, n);
    }
}
END_TEST

START_TEST(test_services_pending_and_joins)
{
    size_t n;
    struct mc_service *s =
        read_services(DATA "icinga-services-pending.json", 1, &n);

    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(s[0].name, "load");
    ck_assert_str_eq(s[0].host_name, "ppd-web-01");
    ck_assert_str_eq(s[0].display_name, "load");
    ck_assert(s[0].st.pending);
    ck_assert_int_eq(s[0].st.state, 3);
    ck_assert_int_eq(model_service_state(&s[0]), MC_PEND);
    ck_assert(!model_state_is_problem(model_service_state(&s[0])));
    ck_assert_ptr_null(s[0].st.output);
    ck_assert_double_eq(s[0].st.last_check, -1);
    ck_assert_str_eq(s[1].name, "procs");
    model_services_free(s, n);

    s = read_services(DATA "icinga-services-get-joins.json", 64, &n);
    ck_assert_uint_eq(n, 9);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(s[i].host_name, "prd-app-01");
    ck_assert_str_eq(svc_named(s, n, "prd-app-01", "disk")->st.perf.v[0].label,
                     "/");
    model_services_free(s, n);

    s = read_services(DATA "icinga-scale-services-2of20000.json", 3, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(s[0].host_name, "h00719.pro.lab");
    ck_assert_str_eq(s[0].st.output,
                     "SWAP OK - 100% free (2047MB out of 2047MB)");
    model_services_free(s, n);

    s = read_services(DATA "icinga-filter-match.json", 5, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(s[1].host_name, "prd-web-02");
    ck_assert_str_eq(s[1].name, "http");
    ck_assert_int_eq(model_service_state(&s[1]), MC_CRIT);
    model_services_free(s, n);

    s = read_services(DATA "icinga-ack-state.json", 5, &n);
    ck_assert_int_eq(s[0].st.ack, 2);
    ck_assert(model_status_handled(&s[0].st));
    model_services_free(s, n);
}
END_TEST

static void expect_reader_error(enum icinga_kind kind, const char *body,
                                const char *want)
{
    struct mc_err e = { 0 };
    void *out;
    size_t n;

    ck_assert_int_eq(read_all(kind, NULL, body, strlen(body), 3, &out, &n, &e),
                     -1);
    ck_assert_msg(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg,
                  want);
    if (kind == ICINGA_HOSTS)
        model_hosts_free(out, n);
    else
        model_services_free(out, n);
}

START_TEST(test_reader_errors)
{
    size_t len;
    char *data;

    expect_reader_error(ICINGA_HOSTS, "", "empty response");
    expect_reader_error(ICINGA_HOSTS, "<h1>Accept header is missing</h1>",
                        "HTML");
    expect_reader_error(ICINGA_HOSTS,
                        "{\"error\":404,\"status\":\"No objects "
                        "found.\"}",
                        "Icinga error 404: No objects found.");
    expect_reader_error(ICINGA_HOSTS,
                        "{\"results\":[{\"name\":\"h\","
                        "\"attrs\":{\"state\":0}},{\"name\":",
                        "truncated after 1 objects");
    expect_reader_error(ICINGA_SERVICES,
                        "{\"results\":[{\"name\":\"h!a\",\"attrs\":"
                        "{\"state\":0}},{\"name\":\"h!b\",\"type\":\"Service\","
                        "\"attrs\":{\"state\":\"2\"}}]}",
                        "object 2: service \"h!b\": \"state\" is not a number");
    expect_reader_error(ICINGA_SERVICES, "{\"results\":[{\"name\":}]}",
                        "object 1: malformed JSON");
    expect_reader_error(ICINGA_SERVICES, "{\"results\":[{]}",
                        "object 1: malformed JSON");

    /* services fed to a hosts reader */
    data = testutil_slurp(DATA "icinga-services-pending.json", &len);
    {
        struct mc_err e = { 0 };
        void *out;
        size_t n;

        ck_assert_int_eq(
            read_all(ICINGA_HOSTS, NULL, data, len, 50, &out, &n, &e), -1);
        ck_assert_str_eq(e.msg, "object 1: expected a Host, got a Service");
        ck_assert_ptr_null(out);
        ck_assert_uint_eq(n, 0);
    }
    free(data);

    /* a verbose error body keeps the diagnostic */
    data = testutil_slurp(DATA "icinga-error-bad-filter-syntax-verbose.json",
                          &len);
    {
        struct mc_err e = { 0 };
        void *out;
        size_t n;

        ck_assert_int_eq(
            read_all(ICINGA_SERVICES, NULL, data, len, 1, &out, &n, &e), -1);
        ck_assert_int_eq(e.code, JSONSTREAM_ERR_ERROR_BODY);
        ck_assert_str_eq(e.msg, "Icinga error 404: No objects found. (syntax "
                                "error, unexpected && (T_LOGICAL_AND))");
    }
    free(data);
}
END_TEST

START_TEST(test_reader_take_semantics)
{
    struct icinga_reader *r = icinga_reader_new(ICINGA_SERVICES, "");
    struct mc_err e = { 0 };
    size_t n = 99;

    ck_assert_int_eq(icinga_reader_feed(r, "{\"results\":[]}", 14, &e), 0);
    ck_assert_int_eq(icinga_reader_finish(r, &e), 0);
    ck_assert_ptr_null(icinga_reader_take_services(r, &n));
    ck_assert_uint_eq(n, 0);
    n = 99;
    ck_assert_ptr_null(icinga_reader_take_hosts(r, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(icinga_reader_objects(r), 0);
    icinga_reader_free(r);
    icinga_reader_free(NULL);
}
END_TEST

/* A large generated response: counts right, fed in network-sized chunks. */
START_TEST(test_reader_many)
{
    struct buf b = { 0 };
    struct mc_err e = { 0 };
    size_t n, total = 20000;
    struct mc_service *s;
    void *out;

    buf_puts(&b, "{\"results\":[");
    for (size_t i = 0; i < total; i++)
        buf_printf(&b,
                   "%s{\"attrs\":{\"acknowledgement\":0,\"display_name\":"
                   "\"disk\",\"downtime_depth\":0,\"host_name\":\"h%05zu\","
                   "\"last_check_result\":{\"command\":[\"/bin/x\",\"-w\"],"
                   "\"output\":\"DISK OK\",\"performance_data\":[\"/=%zuB;80;"
                   "90;0;100\"],\"state\":0,\"vars_after\":{\"attempt\":1,"
                   "\"reachable\":true,\"state\":0,\"state_type\":1}},"
                   "\"name\":\"disk\",\"state\":%zu,\"state_type\":1},"
                   "\"joins\":{},\"meta\":{},\"name\":\"h%05zu!disk\","
                   "\"type\":\"Service\"}",
                   i ? "," : "", i / 10, i % 100, i % 4, i / 10);
    buf_puts(&b, "]}");
    ck_assert_int_eq(
        read_all(ICINGA_SERVICES, NULL, b.data, b.len, 16384, &out, &n, &e), 0);
    s = out;
    ck_assert_uint_eq(n, total);
    ck_assert_str_eq(s[12345].host_name, "h01234");
    ck_assert_double_eq(s[12345].st.perf.v[0].value, 45);
    ck_assert_int_eq(s[12345].st.state, 1);
    model_services_free(s, n);
    buf_free(&b);
}
END_TEST

Suite *icinga_suite(void)
{
    Suite *s = suite_create("icinga");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_object_degenerate);
    tcase_add_test(tc, test_object_optional_defaults);
    tcase_add_test(tc, test_output_split_and_bad_perf);
    tcase_add_test(tc, test_hosts_sample);
    tcase_add_test(tc, test_hosts_env_var_and_minimal);
    tcase_add_test(tc, test_services_problems);
    tcase_add_test(tc, test_services_pending_and_joins);
    tcase_add_test(tc, test_reader_errors);
    tcase_add_test(tc, test_reader_take_semantics);
    tcase_add_test(tc, test_reader_many);
    suite_add_tcase(s, tc);
    return s;
}
