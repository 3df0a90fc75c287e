/*
 * Unit tests for the Cacti cache on the demo site: the same client and
 * parsers as for a real Cacti, answered by the demo's Cacti endpoints over
 * the loop (the lab test does the same against a real Cacti 1.2).
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "backend/cacti_client.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/worker.h"
#include "tests/unit/testutil_loop.h"

#define WAIT_MS 10000

static bool wait_for(bool (*done)(void *arg), void *arg)
{
    return tl_wait(tl_site.loop, done, arg, WAIT_MS);
}

struct host_q {
    const char *name, *address;
    const struct cacti_host *h;
};

static bool host_known(void *arg)
{
    struct host_q *q = arg;

    q->h = cacti_client_host(tl_site.site->cacti, q->name, q->address);
    return q->h->status != CACTI_LOADING && !q->h->stale && q->h->fetched > 0;
}

struct data_q {
    long id;
    long long end;
    int span;
    const struct cacti_data *d;
};

static bool data_known(void *arg)
{
    struct data_q *q = arg;

    q->d = cacti_client_data(tl_site.site->cacti, q->id, q->end, q->span);
    return q->d->status != CACTI_LOADING && !q->d->stale && q->d->fetched > 0;
}

/* The host's graphs, fetched and parsed through the demo's Cacti. */
static const struct cacti_host *graphs_of(const char *name)
{
    struct host_q q = { name, NULL, NULL };

    ck_assert_msg(wait_for(host_known, &q), "no answer for %s", name);
    return q.h;
}

START_TEST(test_host_graphs)
{
    const struct cacti_host *h;
    const struct cacti_graph *g;

    ck_assert_ptr_nonnull(tl_site.site->cacti);
    h = graphs_of("PRD-WEB-01"); /* any case finds the device */
    ck_assert_int_eq(h->status, CACTI_OK);
    ck_assert_int_gt(h->device_id, 0);
    ck_assert_str_eq(h->device, "prd-web-01");
    ck_assert_int_eq(h->source, CACTI_FROM_WEB);
    ck_assert_uint_eq(h->graphs.n, 4);
    for (size_t i = 0; i < h->graphs.n; i++) {
        ck_assert_int_gt(h->graphs.v[i].id, 0);
        ck_assert_msg(strncmp(h->graphs.v[i].title, "prd-web-01 - ", 13) == 0,
                      "title %s", h->graphs.v[i].title);
    }
    g = cacti_client_column_graph(tl_site.site->cacti, h);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->title, "prd-web-01 - Load Average");
    ck_assert_str_eq(cacti_client_state(tl_site.site->cacti), "guest (demo)");
}
END_TEST

START_TEST(test_host_without_device)
{
    const struct cacti_host *h = graphs_of("no-such-host-anywhere");

    ck_assert_int_eq(h->status, CACTI_OK);
    ck_assert_int_eq(h->device_id, 0);
    ck_assert_ptr_null(h->device);
    ck_assert_uint_eq(h->graphs.n, 0);
    ck_assert_ptr_null(cacti_client_column_graph(tl_site.site->cacti, h));
}
END_TEST

START_TEST(test_graph_data_now)
{
    const struct cacti_host *h = graphs_of("prd-web-01");
    const struct cacti_graph *g =
        cacti_client_column_graph(tl_site.site->cacti, h);
    struct data_q q = { g->id, 0, 3600, NULL };
    const struct cacti_export *x;
    double now = loop_wall();
    size_t known = 0;

    ck_assert(wait_for(data_known, &q));
    ck_assert_int_eq(q.d->status, CACTI_OK);
    x = q.d->x;
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->step, 60);
    ck_assert_uint_ge(x->npoints, 59);
    ck_assert_uint_le(x->npoints, 61);
    ck_assert_uint_eq(x->nseries, 3); /* the helper columns are left out */
    ck_assert_str_eq(x->series[0].name, "1 Minute Average");
    ck_assert_int_eq(x->start % x->step, 0);
    /* the range ends now: the newest point is within a step or two */
    ck_assert(fabs(now - (double)(x->start + (long long)(x->npoints - 1) *
                                                 x->step)) <= 2.0 * x->step);
    for (size_t i = 0; i < x->npoints; i++)
        known += !isnan(x->series[0].v[i]);
    ck_assert_uint_ge(known, x->npoints / 2);
}
END_TEST

START_TEST(test_graph_data_past_window)
{
    const struct cacti_host *h = graphs_of("prd-web-01");
    long long end = (long long)loop_wall() - 2 * 86400;
    struct data_q q = { h->graphs.v[0].id, end, 6 * 3600, NULL };
    const struct cacti_export *x;

    ck_assert(wait_for(data_known, &q));
    ck_assert_int_eq(q.d->status, CACTI_OK);
    x = q.d->x;
    /* 6 hours two days ago: a week back is 300 s steps in the demo */
    ck_assert_int_gt(x->step, 0);
    ck_assert(x->start > end - 6 * 3600 - x->step);
    ck_assert(x->start <= end - 6 * 3600 + x->step);
    /* rrdtool ends on the step boundary at or after graph_end */
    ck_assert(x->start + (long long)(x->npoints - 1) * x->step < end + x->step);
    ck_assert(x->start + (long long)(x->npoints - 1) * x->step >=
              end - x->step);
}
END_TEST

START_TEST(test_missing_graph_is_an_error)
{
    struct data_q q = { 987654, 0, 3600, NULL };

    ck_assert(wait_for(data_known, &q) || q.d->status == CACTI_ERROR);
    ck_assert_int_eq(q.d->status, CACTI_ERROR);
    ck_assert_ptr_null(q.d->x); /* nothing drawn as a flat line */
    ck_assert_msg(strstr(q.d->err, "HTTP 500") != NULL, "err: %s", q.d->err);
}
END_TEST

START_TEST(test_reload_fetches_again)
{
    const struct cacti_host *h = graphs_of("prd-web-01");
    struct data_q q = { h->graphs.v[1].id, 0, 3600, NULL };
    double first;

    ck_assert(wait_for(data_known, &q));
    first = q.d->fetched;
    cacti_client_reload(tl_site.site->cacti);
    /* asked again: the old data stays, marked stale, until the answer */
    q.d = cacti_client_data(tl_site.site->cacti, q.id, 0, 3600);
    ck_assert(q.d->stale);
    ck_assert_ptr_nonnull(q.d->x);
    ck_assert(wait_for(data_known, &q));
    ck_assert(q.d->fetched > first);
}
END_TEST

Suite *cacti_client_suite(void)
{
    Suite *s = suite_create("cacti_client");
    TCase *tc = tcase_create("demo");

    tcase_add_checked_fixture(tc, tl_demo_setup, tl_demo_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_host_graphs);
    tcase_add_test(tc, test_host_without_device);
    tcase_add_test(tc, test_graph_data_now);
    tcase_add_test(tc, test_graph_data_past_window);
    tcase_add_test(tc, test_missing_graph_is_an_error);
    tcase_add_test(tc, test_reload_fetches_again);
    suite_add_tcase(s, tc);
    return s;
}
