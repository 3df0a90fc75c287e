/* Unit tests for snapshots: grouping, lookups, metrics and event updates. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/perfdata.h"
#include "backend/snapshot.h"
#include "backend/xalloc.h"
#include "tests/unit/testutil.h"

#define DATA "tests/data/icinga/"

/* Parse a response file and append its objects to *v / *n. */
static void load(enum icinga_kind kind, const char *path, void **v, size_t *n)
{
    struct icinga_reader *r = icinga_reader_new(kind, NULL);
    struct mc_err e = { 0 };
    size_t len, got;
    char *data = testutil_slurp(path, &len);
    void *arr;
    size_t size = kind == ICINGA_HOSTS ? sizeof(struct mc_host)
                                       : sizeof(struct mc_service);

    ck_assert_msg(icinga_reader_feed(r, data, len, &e) == 0 &&
                      icinga_reader_finish(r, &e) == 0,
                  "%s: %s", path, e.msg);
    arr = kind == ICINGA_HOSTS ? (void *)icinga_reader_take_hosts(r, &got)
                               : (void *)icinga_reader_take_services(r, &got);
    *v = xrealloc(*v, (*n + got) * size);
    memcpy((char *)*v + *n * size, arr, got * size);
    *n += got;
    free(arr);
    free(data);
    icinga_reader_free(r);
}

/* The lab: 22 hosts; services from three samples plus one orphan. */
static struct mc_snapshot *lab_snapshot(void)
{
    void *h = NULL, *s = NULL;
    size_t nh = 0, ns = 0;
    struct mc_service *orphan;

    load(ICINGA_HOSTS, DATA "icinga-hosts.json", &h, &nh);
    load(ICINGA_SERVICES, DATA "icinga-services-problems-joins-under-load.json",
         &s, &ns);
    load(ICINGA_SERVICES, DATA "icinga-services-get-joins.json", &s, &ns);
    load(ICINGA_SERVICES, DATA "icinga-services-pending.json", &s, &ns);
    s = xrealloc(s, (ns + 1) * sizeof(struct mc_service));
    orphan = (struct mc_service *)s + ns++;
    memset(orphan, 0, sizeof *orphan);
    orphan->name = xstrdup("ghost");
    orphan->host_name = xstrdup("no-such-host");
    return snapshot_new(h, nh, s, ns, NULL);
}

static bool apply_line(struct mc_snapshot *s, const char *line)
{
    struct icinga_event ev;
    struct mc_err e = { 0 };
    bool changed;

    ck_assert_msg(icinga_parse_event(line, strlen(line), &ev, &e) == 0, "%s",
                  e.msg);
    changed = snapshot_apply_event(s, &ev);
    icinga_event_clear(&ev);
    return changed;
}

/* Line i (0-based) of an ndjson sample. */
static char *sample_line(const char *path, int i)
{
    size_t len;
    char *data = testutil_slurp(path, &len), *p = data, *nl, *line;

    for (; i > 0; i--) {
        p = strchr(p, '\n');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    nl = strchr(p, '\n');
    line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
    free(data);
    return line;
}

START_TEST(test_snapshot_empty)
{
    struct mc_snapshot *s = snapshot_new(NULL, 0, NULL, 0, NULL);
    struct icinga_event ev;

    ck_assert_uint_eq(s->nhosts, 0);
    ck_assert_ptr_null(snapshot_find_host(s, "x"));
    ck_assert_ptr_null(snapshot_find_host(s, NULL));
    ck_assert_ptr_null(snapshot_find_service(s, "x", "y"));
    memset(&ev, 0, sizeof ev);
    ev.type = ICINGA_EV_CHECK_RESULT;
    ck_assert(!snapshot_apply_event(s, &ev));
    ck_assert(!snapshot_apply_event(s, NULL));
    ck_assert(!snapshot_apply_event(NULL, &ev));
    snapshot_free(s);
    snapshot_free(NULL);
}
END_TEST

START_TEST(test_snapshot_structure)
{
    struct mc_snapshot *s = lab_snapshot();
    const struct mc_host *h;
    const struct mc_service *v;
    size_t total = 0;

    ck_assert_uint_eq(s->nhosts, 22);
    ck_assert_uint_eq(s->orphans, 1);
    /* prd-app-01 load and jvm-heap, ppd-web-01 load: the first is kept */
    ck_assert_uint_eq(s->duplicates, 3);
    ck_assert_uint_eq(s->nsvcs, 32 + 9 + 2 - 3);
    for (size_t i = 0; i < s->nhosts; i++) {
        h = &s->hosts[i];
        if (i > 0)
            ck_assert_int_lt(strcmp(s->hosts[i - 1].name, h->name), 0);
        ck_assert_ptr_eq(snapshot_find_host(s, h->name), h);
        ck_assert_uint_eq(h->svc_first, total);
        for (uint32_t j = 0; j < h->svc_count; j++) {
            v = &s->svcs[h->svc_first + j];
            ck_assert_uint_eq(v->host, i);
            ck_assert_str_eq(v->host_name, h->name);
            if (j > 0)
                ck_assert_int_lt(strcmp(v[-1].name, v->name), 0);
            ck_assert_ptr_eq(snapshot_find_service(s, h->name, v->name), v);
        }
        total += h->svc_count;
    }
    ck_assert_uint_eq(total, s->nsvcs);
    ck_assert_str_eq(s->hosts[0].name, "bastion-01");
    h = snapshot_find_host(s, "prd-app-01");
    ck_assert_uint_eq(h->svc_count, 9);
    ck_assert_ptr_null(snapshot_find_host(s, "no-such-host"));
    ck_assert_ptr_null(snapshot_find_host(s, "prd-app-0"));
    ck_assert_ptr_null(snapshot_find_service(s, "prd-app-01", "nosuch"));
    ck_assert_ptr_null(snapshot_find_service(s, "prd-app-01", NULL));
    ck_assert_ptr_null(snapshot_find_service(s, "nosuch", "load"));
    /* the under-load copy came first: checked and CRITICAL, not pending */
    v = snapshot_find_service(s, "ppd-web-01", "load");
    ck_assert(v != NULL && !v->st.pending);
    ck_assert_int_eq(model_service_state(v), MC_CRIT);
    v = snapshot_find_service(s, "dev-db-01", "procs");
    ck_assert(v != NULL && v->st.pending);
    snapshot_free(s);
}
END_TEST

START_TEST(test_snapshot_metrics)
{
    struct mc_snapshot *s = lab_snapshot();
    const struct mc_host *h = snapshot_find_host(s, "prd-app-01");
    const struct mc_metric *m = h->metric;

    ck_assert(m[MC_METRIC_LOAD].valid);
    ck_assert_str_eq(m[MC_METRIC_LOAD].label, "scaled_load1");
    ck_assert_double_eq_tol(m[MC_METRIC_LOAD].value, 38.025, 1e-9);
    ck_assert_int_eq(m[MC_METRIC_LOAD].state, MC_CRIT);
    ck_assert(m[MC_METRIC_DISK].valid);
    ck_assert_str_eq(m[MC_METRIC_DISK].label, "/");
    ck_assert_double_eq(m[MC_METRIC_DISK].value, 18905825280.0);
    ck_assert_double_eq(m[MC_METRIC_DISK].scale, 270552530944.0);
    ck_assert(m[MC_METRIC_HEAP].valid);
    ck_assert_double_eq(m[MC_METRIC_HEAP].value, 950);
    ck_assert_int_eq(m[MC_METRIC_HEAP].state, MC_CRIT);
    ck_assert(!m[MC_METRIC_MEM].valid);

    h = snapshot_find_host(s, "tst-app-02");
    ck_assert(h->metric[MC_METRIC_LOAD].valid);
    ck_assert(!h->metric[MC_METRIC_DISK].valid);
    /* dev-db-01: load, mysql-repl (no perf) and pending procs; no heap */
    h = snapshot_find_host(s, "dev-db-01");
    ck_assert(h->metric[MC_METRIC_LOAD].valid);
    ck_assert(!h->metric[MC_METRIC_HEAP].valid);
    snapshot_free(s);
}
END_TEST

START_TEST(test_snapshot_custom_map)
{
    struct mc_host *h = xcalloc(1, sizeof *h);
    struct mc_service *v = xcalloc(2, sizeof *v);
    struct metric_map map;
    struct mc_snapshot *s;

    h->name = xstrdup("h");
    v[0].name = xstrdup("fs-root");
    v[0].host_name = xstrdup("h");
    perfdata_parse("/=5;;;0;10", &v[0].st.perf, NULL);
    v[1].name = xstrdup("disk");
    v[1].host_name = xstrdup("h");
    perfdata_parse("/=9;;;0;10", &v[1].st.perf, NULL);
    memset(&map, 0, sizeof map);
    metric_map_add(&map, MC_METRIC_DISK, "fs-*", NULL);
    s = snapshot_new(h, 1, v, 2, &map);
    metric_map_free(&map); /* the snapshot keeps its own copy */
    ck_assert(s->hosts[0].metric[MC_METRIC_DISK].valid);
    ck_assert_double_eq(s->hosts[0].metric[MC_METRIC_DISK].value, 5);
    ck_assert(!s->hosts[0].metric[MC_METRIC_LOAD].valid);
    snapshot_free(s);
}
END_TEST

START_TEST(test_snapshot_duplicate_hosts)
{
    struct mc_host *h = xcalloc(3, sizeof *h);
    struct mc_snapshot *s;

    h[0].name = xstrdup("b");
    h[1].name = xstrdup("a");
    h[2].name = xstrdup("b");
    s = snapshot_new(h, 3, NULL, 0, NULL);
    ck_assert_uint_eq(s->nhosts, 2);
    ck_assert_uint_eq(s->duplicates, 1);
    ck_assert_str_eq(s->hosts[0].name, "a");
    ck_assert_uint_eq(s->hosts[1].svc_count, 0);
    snapshot_free(s);
}
END_TEST

START_TEST(test_apply_check_results)
{
    struct mc_snapshot *s = lab_snapshot();
    const char *file = DATA "icinga-events-checkresult-statechange.ndjson";
    char *line = sample_line(file, 0);
    const struct mc_service *v = snapshot_find_service(s, "prd-es-01", "load");
    const struct mc_host *h = snapshot_find_host(s, "prd-es-01");

    ck_assert_int_eq(model_service_state(v), MC_CRIT);
    ck_assert_int_eq(h->metric[MC_METRIC_LOAD].state, MC_CRIT);
    ck_assert(apply_line(s, line));
    ck_assert_int_eq(model_service_state(v), MC_OK);
    ck_assert_str_eq(v->st.output, "LOAD OK - scaled load average: 0.22, "
                                   "0.21, 0.12 - total load average: 0.44, "
                                   "0.43, 0.24");
    ck_assert_uint_eq(v->st.perf.n, 6);
    ck_assert_double_eq_tol(v->st.last_state_change, 1795670914.28545, 1e-5);
    /* the host's meter follows */
    ck_assert_double_eq_tol(h->metric[MC_METRIC_LOAD].value, 0.22, 1e-9);
    ck_assert_int_eq(h->metric[MC_METRIC_LOAD].state, MC_OK);
    /* the same event again changes nothing */
    ck_assert(!apply_line(s, line));
    free(line);

    /* dev-web-01!http is not in this snapshot: ignored */
    line = sample_line(file, 3);
    ck_assert(!apply_line(s, line));
    free(line);
    snapshot_free(s);
}
END_TEST

START_TEST(test_apply_pending_and_host)
{
    void *h = NULL, *sv = NULL;
    size_t nh = 0, ns = 0;
    struct mc_snapshot *s;
    const struct mc_service *v;
    const struct mc_host *x;

    load(ICINGA_HOSTS, DATA "icinga-hosts.json", &h, &nh);
    load(ICINGA_SERVICES, DATA "icinga-services-pending.json", &sv, &ns);
    s = snapshot_new(h, nh, sv, ns, NULL);
    v = snapshot_find_service(s, "ppd-web-01", "load");
    ck_assert_int_eq(model_service_state(v), MC_PEND);
    ck_assert(
        !snapshot_find_host(s, "ppd-web-01")->metric[MC_METRIC_LOAD].valid);
    ck_assert(apply_line(
        s,
        "{\"acknowledgement\":false,\"check_result\":{\"output\":\"LOAD OK\","
        "\"performance_data\":[\"load1=0.5;;;0;\"],\"schedule_end\":10,"
        "\"state\":0,\"vars_after\":{\"attempt\":1,\"reachable\":true,"
        "\"state\":0,\"state_type\":1}},\"downtime_depth\":0,"
        "\"host\":\"ppd-web-01\",\"service\":\"load\",\"timestamp\":11,"
        "\"type\":\"CheckResult\"}"));
    ck_assert_int_eq(model_service_state(v), MC_OK);
    ck_assert_double_eq(v->st.last_check, 10);
    ck_assert_double_eq(v->st.last_state_change, 11);
    x = snapshot_find_host(s, "ppd-web-01");
    ck_assert(x->metric[MC_METRIC_LOAD].valid);
    ck_assert_double_eq(x->metric[MC_METRIC_LOAD].value, 0.5);

    /* a host check result: CRITICAL means DOWN, unreachable means UNRCH */
    x = snapshot_find_host(s, "prd-web-01");
    ck_assert_int_eq(model_host_state(x), MC_UP);
    ck_assert(apply_line(
        s,
        "{\"check_result\":{\"output\":\"CRITICAL - Host Unreachable\","
        "\"performance_data\":[],\"state\":2,\"vars_after\":{\"attempt\":1,"
        "\"reachable\":false,\"state\":2,\"state_type\":1}},"
        "\"host\":\"prd-web-01\",\"timestamp\":12,\"type\":\"CheckResult\"}"));
    ck_assert_int_eq(model_host_state(x), MC_UNRCH);
    ck_assert_str_eq(x->st.output, "CRITICAL - Host Unreachable");
    ck_assert_uint_eq(x->st.perf.n, 0);
    ck_assert_ptr_null(x->st.perf_raw);
    ck_assert(
        apply_line(s, "{\"host\":\"prd-web-01\",\"state\":0,\"state_type\":1,"
                      "\"timestamp\":13,\"type\":\"StateChange\"}"));
    ck_assert_int_eq(model_host_state(x), MC_UP);
    ck_assert_double_eq(x->st.last_state_change, 13);
    snapshot_free(s);
}
END_TEST

START_TEST(test_apply_ack_downtime_flapping)
{
    struct mc_snapshot *s = lab_snapshot();
    const char *file = DATA "icinga-events-ack-downtime-comment.ndjson";
    const struct mc_service *http =
        snapshot_find_service(s, "prd-web-02", "http");
    const struct mc_host *h = snapshot_find_host(s, "tst-app-02");
    char *lines[8];

    for (int i = 0; i < 8; i++)
        lines[i] = sample_line(file, i);
    ck_assert_ptr_nonnull(http);
    ck_assert(!model_status_handled(&http->st));
    ck_assert(!apply_line(s, lines[0])); /* CommentAdded */
    ck_assert(apply_line(s, lines[1]));  /* AcknowledgementSet, sticky */
    ck_assert_int_eq(http->st.ack, 2);
    ck_assert(model_status_handled(&http->st));
    /* a CheckResult's bool ack keeps the sticky kind */
    ck_assert(!apply_line(s, "{\"acknowledgement\":true,\"host\":"
                             "\"prd-web-02\",\"service\":\"http\","
                             "\"timestamp\":1,\"type\":\"StateChange\","
                             "\"state\":2}"));
    ck_assert_int_eq(http->st.ack, 2);
    ck_assert(apply_line(s, lines[2])); /* AcknowledgementCleared */
    ck_assert_int_eq(http->st.ack, 0);
    ck_assert(!apply_line(s, lines[3])); /* CommentRemoved */

    ck_assert_int_eq(h->st.downtime_depth, 0);
    ck_assert(!apply_line(s, lines[4])); /* DowntimeAdded */
    ck_assert(apply_line(s, lines[5]));  /* DowntimeStarted, fixed */
    ck_assert_int_eq(h->st.downtime_depth, 1);
    ck_assert(!apply_line(s, lines[6])); /* DowntimeTriggered: still 1 */
    ck_assert_int_eq(h->st.downtime_depth, 1);
    ck_assert(model_status_handled(&h->st));
    /* lines[7] removes a child downtime of a service not in view */
    ck_assert(!apply_line(s, lines[7]));
    ck_assert(apply_line(s, "{\"downtime\":{\"host_name\":\"tst-app-02\","
                            "\"service_name\":\"\",\"fixed\":true,"
                            "\"trigger_time\":5},\"timestamp\":9,"
                            "\"type\":\"DowntimeRemoved\"}"));
    ck_assert_int_eq(h->st.downtime_depth, 0);
    ck_assert(!apply_line(s, "{\"downtime\":{\"host_name\":\"tst-app-02\","
                             "\"service_name\":\"\",\"fixed\":true,"
                             "\"trigger_time\":5},\"timestamp\":9,"
                             "\"type\":\"DowntimeRemoved\"}"));
    ck_assert_int_eq(h->st.downtime_depth, 0);
    /* a flexible downtime only counts once triggered */
    ck_assert(!apply_line(s, "{\"downtime\":{\"host_name\":\"tst-app-02\","
                             "\"fixed\":false,\"trigger_time\":0},"
                             "\"type\":\"DowntimeStarted\"}"));
    ck_assert_int_eq(h->st.downtime_depth, 0);

    ck_assert(apply_line(s, "{\"host\":\"prd-web-02\",\"service\":\"http\","
                            "\"is_flapping\":true,\"state\":2,"
                            "\"state_type\":1,\"type\":\"Flapping\"}"));
    ck_assert(http->st.flapping);
    ck_assert(!apply_line(s, "{\"host\":\"prd-web-02\",\"service\":\"nope\","
                             "\"is_flapping\":true,\"type\":\"Flapping\"}"));
    ck_assert(!apply_line(s, "{\"type\":\"SomethingNew\",\"host\":"
                             "\"prd-web-02\"}"));
    for (int i = 0; i < 8; i++)
        free(lines[i]);
    snapshot_free(s);
}
END_TEST

/* 100,000 services over 10,000 hosts: built and searchable. */
START_TEST(test_snapshot_large)
{
    size_t nh = 10000, ns = 100000;
    struct mc_host *h = xcalloc(nh, sizeof *h);
    struct mc_service *v = xcalloc(ns, sizeof *v);
    struct mc_snapshot *s;
    char name[32];

    for (size_t i = 0; i < nh; i++)
        h[i].name = xasprintf("host%05zu", (i * 7919) % nh);
    for (size_t i = 0; i < ns; i++) {
        v[i].host_name = xasprintf("host%05zu", (i * 31) % nh);
        v[i].name = xasprintf("svc%02zu", i / nh);
        if (i % 3 == 0)
            perfdata_parse("/=1;;;0;2", &v[i].st.perf, NULL);
    }
    s = snapshot_new(h, nh, v, ns, NULL);
    ck_assert_uint_eq(s->nhosts, nh);
    ck_assert_uint_eq(s->nsvcs, ns);
    ck_assert_uint_eq(s->duplicates, 0);
    for (size_t i = 0; i < nh; i += 997) {
        snprintf(name, sizeof name, "host%05zu", i);
        ck_assert_ptr_eq(snapshot_find_host(s, name), &s->hosts[i]);
        ck_assert_uint_eq(s->hosts[i].svc_count, 10);
        ck_assert_ptr_nonnull(snapshot_find_service(s, name, "svc09"));
    }
    snapshot_free(s);
}
END_TEST

Suite *snapshot_suite(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_snapshot_empty);
    tcase_add_test(tc, test_snapshot_structure);
    tcase_add_test(tc, test_snapshot_metrics);
    tcase_add_test(tc, test_snapshot_custom_map);
    tcase_add_test(tc, test_snapshot_duplicate_hosts);
    tcase_add_test(tc, test_apply_check_results);
    tcase_add_test(tc, test_apply_pending_and_host);
    tcase_add_test(tc, test_apply_ack_downtime_flapping);
    tcase_add_test(tc, test_snapshot_large);
    suite_add_tcase(s, tc);
    return s;
}
