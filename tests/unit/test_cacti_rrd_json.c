/*
 * Unit tests for the Cacti parser of `rrdtool xport --json`, on the lab's
 * recorded answers in tests/data/cacti (see its README.md): the same
 * points as `rrdtool fetch` and as the graph_xport.php CSV.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti.h"
#include "tests/unit/testutil_cacti.h"

START_TEST(test_rrd_json)
{
    struct cacti_export x = { 0 }, csv;
    struct mc_err e = { 0 };
    struct fetch f;
    size_t n;
    char *p = ct_slurp("rrdtool-xport-load_1min.json", &n);

    ck_assert_int_eq(cacti_parse_rrd_json(p, n, &x, &e), 0);
    ck_assert_int_eq(x.start, FETCH_FIRST);
    ck_assert_int_eq(x.step, 10);
    ck_assert_uint_eq(x.npoints, 60);
    ck_assert_uint_eq(x.nseries, 1);
    ck_assert_str_eq(x.series[0].name, "1 Minute Average");
    ck_assert_ptr_null(x.title);
    ct_fetch_load("rrdtool-fetch-prd-web-01_load_1min_7.txt", &f);
    ck_assert_uint_eq(ct_matches(&x, x.series[0].v, &f, 0, 1, 0), 60);
    /* Both sources give the same points at the same times. */
    csv = ct_xport_file("xport-load.csv", WIN_START);
    ck_assert_int_eq(csv.start, x.start);
    ck_assert_int_eq(
        memcmp(csv.series[0].v, x.series[0].v, 60 * sizeof(double)), 0);
    cacti_export_free(&csv);
    cacti_export_free(&x);
    cacti_export_free(&x);
    free(p);
}
END_TEST

START_TEST(test_rrd_json_nulls_and_errors)
{
    static const char ok[] =
        "{ \"about\": \"RRDtool graph JSON output\",\n"
        "  \"meta\": { \"start\": 100, \"end\": 120, \"step\": 10,\n"
        "    \"legend\": [ \"a\", \"b\" ] },\n"
        "  \"data\": [ [ \"100\", 1.5e+00, null ],\n"
        "            [ \"110\", null, 2 ],\n"
        "            [ \"120\", null, null ] ] }";
    static const struct {
        const char *in, *want;
    } bad[] = {
        { "", "empty" },
        { "{ \"meta\": {\n \"step\": 10,\n oops } }", "line 3: rrdtool's" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]}}", "without meta" },
        { "{\"meta\":{\"step\":0,\"legend\":[\"a\"]},\"data\":[]}",
          "bad meta.step" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":[[\"1\"]]}",
          "data row 1: 1 fields" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":[[1.5,1]]}",
          "data row 1: no time" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":"
          "[[\"10\",1],[\"30\",1]]}",
          "data row 2: time 30 does not follow" },
        { "{\"meta\":{\"step\":10,\"legend\":[\"a\"]},\"data\":"
          "[[\"10\",true]]}",
          "data row 1: value 1 is not a number" },
    };
    struct cacti_export x = { 0 };
    struct mc_err e = { 0 };

    ck_assert_int_eq(cacti_parse_rrd_json(ok, strlen(ok), &x, &e), 0);
    ck_assert_int_eq(x.start, 100);
    ck_assert_uint_eq(x.npoints, 3);
    ck_assert_double_eq(x.series[0].v[0], 1.5);
    ck_assert(isnan(x.series[1].v[0]));
    ck_assert(isnan(x.series[0].v[1]));
    ck_assert_double_eq(x.series[1].v[1], 2);
    ck_assert(isnan(x.series[1].v[2]));
    cacti_export_free(&x);

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        ck_assert_int_eq(
            cacti_parse_rrd_json(bad[i].in, strlen(bad[i].in), &x, &e), -1);
        ck_assert_msg(strstr(e.msg, bad[i].want) != NULL, "%s: \"%s\"",
                      bad[i].in, e.msg);
        ck_assert_ptr_null(x.series);
    }
}
END_TEST

Suite *cacti_rrd_json_suite(void)
{
    Suite *s = suite_create("cacti_rrd_json");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rrd_json);
    tcase_add_test(tc, test_rrd_json_nulls_and_errors);
    suite_add_tcase(s, tc);
    return s;
}
