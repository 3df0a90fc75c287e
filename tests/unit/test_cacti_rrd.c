/*
 * Unit tests for reading the rrdtool fallback's batched output: which
 * answer belongs to which graph, and which file to which host. The
 * fixtures were recorded from the lab's Cacti host over SSH
 * (tests/data/cacti/README.md).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cacti.h"
#include "tests/unit/testutil.h"

#define DATA "tests/data/cacti/"

static char *slurp(const char *name, size_t *n)
{
    char path[256];

    snprintf(path, sizeof path, DATA "%s", name);
    return testutil_slurp(path, n);
}

/* Answer k of the batch parsed as rrdtool's JSON. */
static struct cacti_export part_export(const char *p, size_t n, int k)
{
    struct cacti_export x;
    struct mc_err err = { 0 };
    const char *t;
    size_t len;

    ck_assert_int_eq(cacti_rrd_part(p, n, k, &t, &len), 0);
    ck_assert_msg(cacti_parse_rrd_json(t, len, &x, &err) == 0, "answer %d: %s",
                  k, err.msg);
    return x;
}

START_TEST(test_batch_answers_in_order)
{
    size_t n;
    char *p = slurp("rrdtool-batch-xport.txt", &n);
    struct cacti_export a = part_export(p, n, 0);
    struct cacti_export c = part_export(p, n, 2);

    /* answer 0: load_1min, 12 points of 10 s, 12 then 13 */
    ck_assert_uint_eq(a.nseries, 1);
    ck_assert_str_eq(a.series[0].name, "load_1min");
    ck_assert_uint_eq(a.npoints, 12);
    ck_assert_int_eq(a.step, 10);
    ck_assert_int_eq(a.start, 1795701490LL);
    ck_assert_double_eq(a.series[0].v[0], 12.0);
    ck_assert_double_eq(a.series[0].v[11], 13.0);
    /* answer 2: both data sources of the traffic file */
    ck_assert_uint_eq(c.nseries, 2);
    ck_assert_str_eq(c.series[1].name, "traffic_out");
    ck_assert_double_eq(c.series[0].v[0], 58.0);
    ck_assert_double_eq(c.series[1].v[11], 74.0);
    cacti_export_free(&a);
    cacti_export_free(&c);
    free(p);
}
END_TEST

START_TEST(test_batch_failed_answer_is_rrdtools_reason)
{
    size_t n, len;
    char *p = slurp("rrdtool-batch-xport.txt", &n);
    const char *t;

    ck_assert_int_eq(cacti_rrd_part(p, n, 1, &t, &len), 1);
    ck_assert_int_eq((int)len, (int)strlen("ERROR: opening '/var/lib/cacti/rra/"
                                           "prd-web-01_gone_99.rrd': No such "
                                           "file or directory"));
    ck_assert(strncmp(t, "ERROR: opening '", 16) == 0);
    /* the answer after a failed one is whole */
    ck_assert_int_eq(cacti_rrd_part(p, n, 2, &t, &len), 0);
    ck_assert(strncmp(t, "{ \"about\"", 9) == 0);
    free(p);
}
END_TEST

START_TEST(test_batch_missing_answers)
{
    size_t n, len;
    char *p = slurp("rrdtool-batch-xport.txt", &n);
    const char *t = p;
    const char *cut;
    struct cacti_export x;
    struct mc_err err = { 0 };

    ck_assert_int_eq(cacti_rrd_part(p, n, 3, &t, &len), -1);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(cacti_rrd_part(p, n, -1, &t, &len), -1);
    ck_assert_int_eq(cacti_rrd_part(NULL, 0, 0, &t, &len), -1);
    ck_assert_int_eq(cacti_rrd_part("", 0, 0, &t, &len), -1);
    /* output cut inside answer 2: 0 still parses, 2 is an error, not data */
    cut = strstr(p, "#mctop-xport 2");
    ck_assert_ptr_nonnull(cut);
    n = (size_t)(cut - p) + 60;
    x = part_export(p, n, 0);
    cacti_export_free(&x);
    ck_assert_int_eq(cacti_rrd_part(p, n, 2, &t, &len), 0);
    ck_assert_int_eq(cacti_parse_rrd_json(t, len, &x, &err), -1);
    ck_assert(strstr(err.msg, "not JSON") != NULL);
    free(p);
}
END_TEST

/* "#mctop-xport 1" is not the start of answer 10, nor the reverse. */
START_TEST(test_batch_numbers_match_whole)
{
    const char out[] = "#mctop-xport 10\nten\n#mctop-xport 1\none\n"
                       "#mctop-xport 11\neleven\n#mctop-failed\n";
    const char *t;
    size_t len;

    ck_assert_int_eq(cacti_rrd_part(out, strlen(out), 1, &t, &len), 0);
    ck_assert_int_eq((int)len, 4);
    ck_assert(strncmp(t, "one\n", len) == 0);
    ck_assert_int_eq(cacti_rrd_part(out, strlen(out), 10, &t, &len), 0);
    ck_assert(strncmp(t, "ten\n", len) == 0);
    ck_assert_int_eq(cacti_rrd_part(out, strlen(out), 11, &t, &len), 1);
    ck_assert_int_eq((int)len, 6);
    ck_assert(strncmp(t, "eleven", len) == 0);
    ck_assert_int_eq(cacti_rrd_part(out, strlen(out), 12, &t, &len), -1);
}
END_TEST

/* Each line of a recorded listing goes to the host whose files it names. */
START_TEST(test_listing_owners)
{
    char web[] = "prd-web-01", app[] = "tst-app-01", cacti[] = "lab-cacti",
         none[] = "no-such-host";
    char *prefix[] = { web, app, cacti, none };
    int count[4] = { 0 };
    size_t n;
    char *p = slurp("rrdtool-batch-list.txt", &n);
    char *save = NULL;

    for (char *line = strtok_r(p, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        int who;

        *strchr(line, ' ') = '\0';
        who = cacti_rrd_owner(line, prefix, 4);
        ck_assert_msg(who >= 0, "%s has no owner", line);
        ck_assert(strncmp(line, prefix[who], strlen(prefix[who])) == 0);
        count[who]++;
    }
    ck_assert_int_eq(count[0], 11);
    ck_assert_int_eq(count[1], 11);
    ck_assert_int_eq(count[2], 5);
    ck_assert_int_eq(count[3], 0);
    free(p);
}
END_TEST

/* A host whose name starts another's: the longer prefix owns its files. */
START_TEST(test_owner_longest_prefix)
{
    char web[] = "web", web01[] = "web_01", empty[] = "", db[] = "db";
    char *prefix[] = { web, web01, empty, db };

    ck_assert_int_eq(cacti_rrd_owner("web_01_load_1min_3.rrd", prefix, 4), 1);
    ck_assert_int_eq(cacti_rrd_owner("web_load_1min_2.rrd", prefix, 4), 0);
    ck_assert_int_eq(cacti_rrd_owner("db_proc_7.rrd", prefix, 4), 3);
    ck_assert_int_eq(cacti_rrd_owner("webx_load_1min_4.rrd", prefix, 4), -1);
    ck_assert_int_eq(cacti_rrd_owner("web", prefix, 4), -1);
    ck_assert_int_eq(cacti_rrd_owner("_x.rrd", prefix, 4), -1);
    ck_assert_int_eq(cacti_rrd_owner("web_01_x.rrd", prefix, 1), 0);
    ck_assert_int_eq(cacti_rrd_owner("web_01_x.rrd", prefix, 0), -1);
}
END_TEST

Suite *cacti_rrd_suite(void)
{
    Suite *s = suite_create("cacti_rrd");
    TCase *tc = tcase_create("batch");

    tcase_add_test(tc, test_batch_answers_in_order);
    tcase_add_test(tc, test_batch_failed_answer_is_rrdtools_reason);
    tcase_add_test(tc, test_batch_missing_answers);
    tcase_add_test(tc, test_batch_numbers_match_whole);
    tcase_add_test(tc, test_listing_owners);
    tcase_add_test(tc, test_owner_longest_prefix);
    suite_add_tcase(s, tc);
    return s;
}
