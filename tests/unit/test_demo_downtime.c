/*
 * Unit tests for the demo site's downtimes, rechecks and comments through
 * /v1/actions: depth, children, timed start and end, the event stream.
 */
#include <cJSON.h>
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/demo.h"
#include "backend/icinga_action.h"
#include "tests/unit/testutil_demo.h"

START_TEST(test_demo_action_downtime_host)
{
    struct demo *d = demo_new(5, 30, DT_T0);
    struct demo_reply *es = dt_stream(
        d, "\"DowntimeAdded\",\"DowntimeStarted\",\"DowntimeTriggered\","
           "\"DowntimeRemoved\",\"CheckResult\"");
    struct icinga_action_params p = dt_params();
    char *h[1], svc[160];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *evs, *list, *ev;
    size_t n, nsvc;
    int st, crs = 0;

    ck_assert_int_eq(dt_pick(d, false, "host.downtime_depth == 0", h, 1), 1);
    t = dt_target(h[0]);
    p.start = DT_T0 - 10;
    p.end = DT_T0 + 3600;
    p.all_services = true;
    p.comment = "Kernel patching";
    r = dt_act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(r[0].name, h[0]);
    ck_assert(strncmp(r[0].downtime, h[0], strlen(h[0])) == 0);
    nsvc = (size_t)r[0].children;
    ck_assert_uint_ge(nsvc, 7);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, h[0], "downtime_depth") == 1);
    snprintf(svc, sizeof svc, "%s!load", h[0]);
    ck_assert(dt_num(d, svc, "downtime_depth") == 1);
    list = dt_downtimes(d, h[0]);
    ck_assert_uint_eq((size_t)cJSON_GetArraySize(list), nsvc + 1);
    cJSON_Delete(list);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "DowntimeAdded"), (int)nsvc + 1);
    ck_assert_int_eq(dt_count(evs, "DowntimeStarted"), (int)nsvc + 1);
    ck_assert_int_eq(dt_count(evs, "DowntimeTriggered"), (int)nsvc + 1);
    dt_shapes_like_lab(evs);
    cJSON_Delete(evs);

    /* A second one on the host alone: depth 2 there, still 1 below. */
    p.all_services = false;
    r = dt_act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(r[0].children, 0);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, h[0], "downtime_depth") == 2);
    ck_assert(dt_num(d, svc, "downtime_depth") == 1);
    dt_drain(es);
    demo_advance(d, DT_T0 + 120);
    evs = dt_events(es);
    cJSON_ArrayForEach(ev, evs)
    {
        if (strcmp(cJSON_GetObjectItem(ev, "host")->valuestring, h[0]) != 0)
            continue;
        ck_assert_int_eq(cJSON_GetObjectItem(ev, "downtime_depth")->valueint,
                         cJSON_HasObjectItem(ev, "service") ? 1 : 2);
        crs++;
    }
    ck_assert_int_gt(crs, 3);
    cJSON_Delete(evs);

    /* Removing the host's downtimes takes the children along. */
    r = dt_act(d, ICINGA_UNDOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, h[0]);
    ck_assert_uint_eq((size_t)r[0].children, nsvc);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, h[0], "downtime_depth") == 0);
    ck_assert(dt_num(d, svc, "downtime_depth") == 0);
    list = dt_downtimes(d, h[0]);
    ck_assert_int_eq(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "DowntimeRemoved"), (int)nsvc + 2);
    cJSON_ArrayForEach(ev, evs)
    {
        if (strcmp(dt_ev_type(ev), "DowntimeRemoved") == 0)
            ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "downtime"),
                                          "remove_time")
                          ->valuedouble > 0);
    }
    dt_shapes_like_lab(evs);
    cJSON_Delete(evs);
    dt_free_names(h, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_downtime_timed)
{
    struct demo *d = demo_new(5, 30, DT_T0);
    struct demo_reply *es =
        dt_stream(d, "\"DowntimeStarted\",\"DowntimeTriggered\","
                     "\"DowntimeRemoved\"");
    struct icinga_action_params p = dt_params();
    char *ok[1], *bad[1], okname[160], badname[160];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *evs, *list;
    size_t n;
    int st;

    ck_assert_int_eq(
        dt_pick(d, true, "service.state == 0 && service.downtime_depth == 0",
                ok, 1),
        1);
    snprintf(okname, sizeof okname, "%s", ok[0]);

    /* Fixed, in the future: nothing until its start, gone at its end. */
    t = dt_target(ok[0]);
    p.start = DT_T0 + 100;
    p.end = DT_T0 + 200;
    r = dt_act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, okname, "downtime_depth") == 0);
    demo_advance(d, DT_T0 + 150);
    ck_assert(dt_num(d, okname, "downtime_depth") == 1);
    evs = dt_events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 2);
    ck_assert_str_eq(dt_ev_type(cJSON_GetArrayItem(evs, 0)), "DowntimeStarted");
    ck_assert(cJSON_GetObjectItem(
                  cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 1), "downtime"),
                  "trigger_time")
                  ->valuedouble == DT_T0 + 100);
    cJSON_Delete(evs);
    demo_advance(d, DT_T0 + 250);
    ck_assert(dt_num(d, okname, "downtime_depth") == 0);
    evs = dt_events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 1);
    /* Expired, not cancelled. */
    ck_assert(cJSON_GetObjectItem(
                  cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 0), "downtime"),
                  "remove_time")
                  ->valuedouble == 0);
    cJSON_Delete(evs);
    list = dt_downtimes(d, t.host);
    ck_assert_int_eq(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);

    /* Flexible: waits for the next problem result, lasts its duration. */
    ck_assert_int_eq(
        dt_pick(d, true,
                "service.state == 2 && service.downtime_depth == 0 "
                "&& service.state_type == 1",
                bad, 1),
        1);
    snprintf(badname, sizeof badname, "%s", bad[0]);
    p.fixed = false;
    p.start = DT_T0 + 250;
    p.end = DT_T0 + 7200;
    p.duration = 600;
    t = dt_target(bad[0]);
    r = dt_act(d, ICINGA_DOWNTIME, &p, &t, 1, &n, &st);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, badname, "downtime_depth") == 0);
    list = dt_downtimes(d, t.host);
    ck_assert_int_eq(cJSON_GetArraySize(list), 1);
    cJSON_Delete(list);
    demo_advance(d, DT_T0 + 400);
    ck_assert(dt_num(d, badname, "downtime_depth") == 1);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "DowntimeTriggered"), 1);
    cJSON_Delete(evs);
    /* Until trigger time + duration, not its end time. */
    demo_advance(d, DT_T0 + 1300);
    ck_assert(dt_num(d, badname, "downtime_depth") == 0);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "DowntimeRemoved"), 1);
    cJSON_Delete(evs);
    dt_free_names(ok, 1);
    dt_free_names(bad, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_recheck_comment)
{
    struct demo *d = demo_new(2, 20, DT_T0);
    struct demo_reply *es =
        dt_stream(d, "\"CheckResult\",\"CommentAdded\",\"CommentRemoved\"");
    struct icinga_action_params p = dt_params();
    char *s[1], name[160], body[400];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *evs, *ev, *j;
    size_t n;
    int st, mine = 0;
    double before;

    demo_advance(d, DT_T0 + 1);
    ck_assert_int_eq(
        dt_pick(d, true,
                "host.name == \\\"prd-web-01\\\" && service.name == "
                "\\\"backup\\\"",
                s, 1),
        1);
    snprintf(name, sizeof name, "%s", s[0]);
    t = dt_target(s[0]);
    before = dt_num(d, name, "last_check");
    r = dt_act(d, ICINGA_RECHECK, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, name);
    ck_assert_str_eq(r[0].status, "Successfully rescheduled check for object "
                                  "'prd-web-01!backup'.");
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, name, "next_check") == DT_T0 + 1);
    dt_drain(es);
    demo_advance(d, DT_T0 + 1.5);
    ck_assert(dt_num(d, name, "last_check") > before);
    evs = dt_events(es);
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
    r = dt_act(d, ICINGA_COMMENT, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, name);
    icinga_action_results_free(r, n);
    j = dt_query(d, "/v1/objects/comments",
                 "{\"filter\":\"service.name == \\\"backup\\\" && host.name == "
                 "\\\"prd-web-01\\\"\"}");
    ck_assert_int_eq(cJSON_GetArraySize(dt_results(j)), 1);
    ev = cJSON_GetObjectItem(cJSON_GetArrayItem(dt_results(j), 0), "attrs");
    ck_assert_int_eq(cJSON_GetObjectItem(ev, "entry_type")->valueint, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(ev, "text")->valuestring,
                     "Disk swapped, watching");
    snprintf(body, sizeof body, "{\"comment\":\"%s\"}",
             cJSON_GetObjectItem(cJSON_GetArrayItem(dt_results(j), 0), "name")
                 ->valuestring);
    cJSON_Delete(j);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "CommentAdded"), 1);
    dt_shapes_like_lab(evs);
    cJSON_Delete(evs);
    free(dt_fetch(d, "POST", "/v1/actions/remove-comment", body, &st));
    ck_assert_int_eq(st, 200);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "CommentRemoved"), 1);
    cJSON_Delete(evs);
    dt_free_names(s, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

Suite *demo_downtime_suite(void)
{
    Suite *s = suite_create("demo_downtime");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_demo_action_downtime_host);
    tcase_add_test(tc, test_demo_action_downtime_timed);
    tcase_add_test(tc, test_demo_action_recheck_comment);
    suite_add_tcase(s, tc);
    return s;
}
