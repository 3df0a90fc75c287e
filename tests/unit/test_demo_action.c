/*
 * Unit tests for the demo site's /v1/actions (acknowledgements, errors,
 * bulk): requests built by icinga_action_build(), answered like Icinga
 * 2.13, parsed back by icinga_action_parse(), seen in /v1/objects and on
 * the event stream.
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

START_TEST(test_demo_action_ack)
{
    struct demo *d = demo_new(3, 40, DT_T0);
    struct demo_reply *es =
        dt_stream(d, "\"AcknowledgementSet\",\"AcknowledgementCleared\","
                     "\"CommentAdded\",\"CommentRemoved\"");
    struct icinga_action_params p = dt_params();
    char *prob[1], *ok[1], pname[128];
    struct icinga_target t[2];
    struct icinga_action_result *r;
    size_t n;
    int st;
    cJSON *evs, *j;

    ck_assert_int_eq(
        dt_pick(d, true,
                "service.state == 2 && service.acknowledgement == 0 "
                "&& service.downtime_depth == 0",
                prob, 1),
        1);
    ck_assert_int_eq(dt_pick(d, true, "service.state == 0", ok, 1), 1);
    snprintf(pname, sizeof pname, "%s", prob[0]);
    t[0] = dt_target(prob[0]);
    t[1] = dt_target(ok[0]);
    p.sticky = true;
    r = dt_act(d, ICINGA_ACK, &p, t, 2, &n, &st);
    ck_assert_int_eq(st, 409); /* mixed */
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(
        icinga_action_result_for(r, n, t[0].host, t[0].service)->code, 200);
    ck_assert_int_eq(
        icinga_action_result_for(r, n, t[1].host, t[1].service)->code, 409);
    ck_assert(
        strstr(icinga_action_result_for(r, n, t[1].host, t[1].service)->status,
               "is OK.") != NULL);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, pname, "acknowledgement") == 2);
    ck_assert(dt_num(d, pname, "acknowledgement_expiry") == 0);
    j = dt_query(d, "/v1/objects/comments", NULL);
    ck_assert_int_ge(cJSON_GetArraySize(dt_results(j)), 1);
    cJSON_Delete(j);
    evs = dt_events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 2);
    ck_assert_str_eq(dt_ev_type(cJSON_GetArrayItem(evs, 0)), "CommentAdded");
    ck_assert_str_eq(dt_ev_type(cJSON_GetArrayItem(evs, 1)),
                     "AcknowledgementSet");
    ck_assert_int_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 1), "acknowledgement_type")
            ->valueint,
        2);
    dt_shapes_like_lab(evs);
    cJSON_Delete(evs);

    /* Again: already acknowledged, a single 409. */
    r = dt_act(d, ICINGA_ACK, &p, t, 1, &n, &st);
    ck_assert_int_eq(st, 409);
    ck_assert(strstr(r[0].status, "is already acknowledged.") != NULL);
    ck_assert_str_eq(r[0].name, pname);
    icinga_action_results_free(r, n);

    /* Removed: ack and its comment go, with their events. */
    r = dt_act(d, ICINGA_UNACK, &p, t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, pname);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, pname, "acknowledgement") == 0);
    evs = dt_events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 2);
    ck_assert_str_eq(dt_ev_type(cJSON_GetArrayItem(evs, 0)),
                     "AcknowledgementCleared");
    ck_assert_str_eq(dt_ev_type(cJSON_GetArrayItem(evs, 1)), "CommentRemoved");
    dt_shapes_like_lab(evs);
    cJSON_Delete(evs);
    /* Removing again is fine and says nothing on the stream. */
    r = dt_act(d, ICINGA_UNACK, &p, t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    icinga_action_results_free(r, n);
    evs = dt_events(es);
    ck_assert_int_eq(cJSON_GetArraySize(evs), 0);
    cJSON_Delete(evs);
    dt_free_names(prob, 1);
    dt_free_names(ok, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_errors)
{
    struct demo *d = demo_new(1, 10, DT_T0);
    struct icinga_action_params p = dt_params();
    struct icinga_target hostile[] = {
        { "prd-web-01\" || true || \"", NULL },
        { "x", "y\") || (true" },
        { "prd-web-01", "http\" || service.name != \"" },
    };
    struct icinga_action_result *r;
    size_t n;
    int st;

    dt_expect(d, "POST", "/v1/actions/no-such-action", "{}", 404,
              "{\"error\":404,\"status\":\"Action 'no-such-action' does "
              "not exist.\"}");
    dt_expect(d, "GET", "/v1/actions/reschedule-check", NULL, 404,
              "{\"error\":404,\"status\":\"The requested path "
              "'v1/actions/reschedule-check' could not be found or the "
              "request method is not valid for this path.\"}");
    dt_expect(d, "POST", "/v1/actions/acknowledge-problem",
              "{\"filter\":\"host.name==\\\"prd-web-01\\\"\"}", 404,
              "{\"error\":404,\"status\":\"No objects found.\"}");
    dt_expect(d, "POST", "/v1/actions/acknowledge-problem",
              "{\"type\":\"Host\",\"filter\":\"host.state != && 1\"}", 404,
              "{\"error\":404,\"status\":\"No objects found.\"}");
    dt_expect(d, "POST", "/v1/actions/acknowledge-problem",
              "{\"type\":\"Downtime\",\"filter\":\"true\"}", 404,
              "{\"error\":404,\"status\":\"No objects found.\"}");
    dt_expect(d, "POST", "/v1/actions/reschedule-check",
              "{\"type\":\"Service\",\"service\":\"nosuch!svc\"}", 404,
              "{\"error\":404,\"status\":\"No objects found.\"}");
    /* Matching nothing: 500 with an empty list, as Icinga 2.13 does. */
    dt_expect(d, "POST", "/v1/actions/reschedule-check",
              "{\"type\":\"Host\",\"filter\":\"host.name==h\","
              "\"filter_vars\":{\"h\":\"nosuch\"}}",
              500, "{\"results\":[]}");
    dt_expect(d, "POST", "/v1/actions/remove-downtime",
              "{\"type\":\"Downtime\",\"filter\":\"host.name==\\\"x\\\"\"}",
              500, "{\"results\":[]}");
    /* Missing parameters: 400 for each object. */
    dt_expect(d, "POST", "/v1/actions/acknowledge-problem",
              "{\"type\":\"Service\",\"filter\":\"host.name==\\\"prd-web-"
              "01\\\" && service.name in [\\\"load\\\",\\\"disk\\\"]\","
              "\"author\":\"a\"}",
              400,
              "{\"results\":[{\"code\":400,\"status\":\"Acknowledgements "
              "require author and comment.\"},{\"code\":400,\"status\":"
              "\"Acknowledgements require author and comment.\"}]}");
    dt_expect(d, "POST", "/v1/actions/schedule-downtime",
              "{\"type\":\"Host\",\"host\":\"prd-web-01\"}", 400,
              "{\"results\":[{\"code\":400,\"status\":\"Options "
              "'start_time', 'end_time', 'author' and 'comment' are "
              "required\"}]}");
    dt_expect(d, "POST", "/v1/actions/schedule-downtime",
              "{\"host\":\"prd-web-01\",\"start_time\":1,\"end_time\":2,"
              "\"author\":\"a\",\"comment\":\"c\",\"fixed\":false}",
              400,
              "{\"results\":[{\"code\":400,\"status\":\"Option 'duration' "
              "is required for flexible downtime\"}]}");
    dt_expect(d, "POST", "/v1/actions/add-comment",
              "{\"service\":\"prd-web-01!http\",\"author\":\"a\"}", 400,
              "{\"results\":[{\"code\":400,\"status\":\"Comments require "
              "author and comment.\"}]}");
    dt_expect(d, "POST", "/v1/actions/acknowledge-problem",
              "{\"host\":\"prd-web-01\",\"author\":\"a\",\"comment\":\"c\","
              "\"expiry\":5}",
              409,
              "{\"results\":[{\"code\":409,\"status\":\"Acknowledgement "
              "'expiry' timestamp must be in the future for object "
              "prd-web-01\"}]}");
    /* Hostile names are data: they match nothing and change nothing. */
    r = dt_act(d, ICINGA_ACK, &p, hostile, 3, &n, &st);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(st, 500);
    free(r);
    r = dt_act(d, ICINGA_RECHECK, &p, hostile, 3, &n, &st);
    ck_assert_uint_eq(n, 0);
    free(r);
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
    struct demo *d = demo_new(11, 80, DT_T0);
    struct demo_reply *es =
        dt_stream(d, "\"StateChange\",\"AcknowledgementCleared\"");
    struct icinga_action_params p = dt_params();
    char *names[64];
    struct acked a[64];
    struct icinga_target t[64];
    struct icinga_action_result *r;
    int n = dt_pick(d, true,
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
        t[i] = dt_target(names[i]);
    }
    /* Odd ones sticky, even ones normal: two bulk requests. */
    for (int sticky = 0; sticky <= 1; sticky++) {
        struct icinga_target sub[64];
        int k = 0;

        for (int i = sticky; i < n; i += 2)
            sub[k++] = t[i];
        p.sticky = sticky;
        r = dt_act(d, ICINGA_ACK, &p, sub, (size_t)k, &nres, &st);
        ck_assert_uint_eq(nres, (size_t)k);
        for (size_t i = 0; i < nres; i++)
            ck_assert_int_eq(r[i].code, 200);
        icinga_action_results_free(r, nres);
    }
    for (double now = DT_T0 + 30; now < DT_T0 + 6 * 3600; now += 30) {
        cJSON *evs, *ev;

        demo_advance(d, now);
        evs = dt_events(es);
        cJSON_ArrayForEach(ev, evs)
        {
            struct acked *x = find_acked(a, n, ev);
            int state;

            if (x == NULL)
                continue;
            if (strcmp(dt_ev_type(ev), "AcknowledgementCleared") == 0) {
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
        ck_assert(dt_num(d, a[i].name, "acknowledgement") ==
                  (a[i].cleared ? 0 : a[i].type));
        free(a[i].name);
    }
    dt_free_names(names, n);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_ack_expiry_and_start)
{
    struct demo *d = demo_new(1, 60, DT_T0);
    struct demo_reply *es =
        dt_stream(d, "\"AcknowledgementCleared\",\"CommentRemoved\"");
    struct icinga_action_params p = dt_params();
    char *h[1], name[160];
    struct icinga_target t;
    struct icinga_action_result *r;
    cJSON *j, *it, *evs;
    size_t n;
    int st, hosts_dt = 0;

    /* The site starts with maintenance and acks, listed like Icinga's. */
    j = dt_query(d, "/v1/objects/downtimes", NULL);
    ck_assert_int_gt(cJSON_GetArraySize(dt_results(j)), 0);
    cJSON_ArrayForEach(it, dt_results(j))
    {
        cJSON *a = cJSON_GetObjectItem(it, "attrs");

        hosts_dt +=
            cJSON_GetObjectItem(a, "service_name")->valuestring[0] == '\0';
        ck_assert(cJSON_GetObjectItem(a, "trigger_time")->valuedouble > 0);
        ck_assert(cJSON_IsBool(cJSON_GetObjectItem(a, "was_cancelled")));
    }
    cJSON_Delete(j);
    j = dt_query(d, "/v1/status/CIB", NULL);
    ck_assert_int_eq(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(dt_results(j), 0), "status"),
            "num_hosts_in_downtime")
            ->valueint,
        hosts_dt);
    cJSON_Delete(j);
    j = dt_query(d, "/v1/objects/comments?attrs=entry_type&attrs=author", NULL);
    ck_assert_int_gt(cJSON_GetArraySize(dt_results(j)), 0);
    cJSON_Delete(j);
    dt_expect(d, "GET", "/v1/objects/downtimes?attrs=is_in_effect", NULL, 400,
              "{\"error\":400,\"status\":\"Invalid field specified: "
              "is_in_effect\"}");
    dt_expect(d, "GET", "/v1/objects/comments/nosuch!x", NULL, 404,
              "{\"error\":404,\"status\":\"No objects found.\"}");

    /* An ack with an expiry ends by itself, with its comment. */
    ck_assert_int_eq(
        dt_pick(d, false, "host.state != 0 && host.acknowledgement == 0", h, 1),
        1);
    snprintf(name, sizeof name, "%s", h[0]);
    t = dt_target(h[0]);
    p.expiry = DT_T0 + 100;
    r = dt_act(d, ICINGA_ACK, &p, &t, 1, &n, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(r[0].name, name);
    icinga_action_results_free(r, n);
    ck_assert(dt_num(d, name, "acknowledgement_expiry") == DT_T0 + 100);
    demo_advance(d, DT_T0 + 99);
    ck_assert(dt_num(d, name, "acknowledgement") == 1);
    dt_drain(es);
    demo_advance(d, DT_T0 + 101);
    ck_assert(dt_num(d, name, "acknowledgement") == 0);
    evs = dt_events(es);
    ck_assert_int_eq(dt_count(evs, "AcknowledgementCleared"), 1);
    ck_assert_int_eq(dt_count(evs, "CommentRemoved"), 1);
    cJSON_Delete(evs);
    dt_free_names(h, 1);
    demo_reply_free(es);
    demo_free(d);
}
END_TEST

START_TEST(test_demo_action_bulk)
{
    struct demo *d = demo_new(4, 30, DT_T0);
    char *names[400];
    struct icinga_target t[400];
    struct icinga_action_params p = dt_params();
    struct icinga_action_result *r;
    size_t nres;
    int st, n = dt_pick(d, true, "true", names, 400);

    /* A few hundred objects in one filter: each matched once. */
    ck_assert_int_gt(n, 250);
    for (int i = 0; i < n; i++)
        t[i] = dt_target(names[i]);
    r = dt_act(d, ICINGA_RECHECK, &p, t, (size_t)n, &nres, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_uint_eq(nres, (size_t)n);
    for (int i = 0; i < n; i++) {
        const struct icinga_action_result *x =
            icinga_action_result_for(r, nres, t[i].host, t[i].service);

        ck_assert_ptr_nonnull(x);
        ck_assert_int_eq(x->code, 200);
    }
    icinga_action_results_free(r, nres);
    dt_free_names(names, n);
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
    tcase_add_test(tc, test_demo_action_ack_recovery);
    tcase_add_test(tc, test_demo_action_ack_expiry_and_start);
    tcase_add_test(tc, test_demo_action_bulk);
    suite_add_tcase(s, tc);
    return s;
}
