/*
 * Log search figures for make bench:
 *   logs_bench first CONF N BODY   time from a search to its first page
 *                                  through the site's bastion (the site
 *                                  connected first, as in the console),
 *                                  N times; BODY gets the request's JSON so
 *                                  curl can send the same bytes
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/config.h"
#include "backend/es.h"
#include "backend/logs_client.h"
#include "backend/loop.h"
#include "backend/site.h"
#include "backend/worker.h"

static struct loop *loop;
static struct site *site;
static long waited;

static long bench_tick(void *arg)
{
    bool (*done)(void) = (bool (*)(void))arg;

    waited += 5;
    if (done() || waited > 60000) {
        loop_stop(loop);
        return LOOP_STOP;
    }
    return 5;
}

static void bench_wait(bool (*done)(void))
{
    waited = 0;
    loop_add_timer(loop, 0, bench_tick, (void *)done);
    loop_run(loop);
}

static bool connected(void)
{
    return site->conn == SITE_CONNECTED || site->conn == SITE_FAILED;
}

static bool answered(void)
{
    enum logs_status st = logs_client_page(site->logs)->status;

    return st == LOGS_OK || st == LOGS_ERROR;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct mc_config cfg = { 0 };
    struct config_diag diag = { 0 };
    struct worker *worker;
    struct logs_search q = { ES_KQL, "", "now-1h", "now" };
    struct es_query eq = { ES_KQL, "", "@timestamp", "now-1h", "now", 200,
                           false, NULL, NULL, 0, NULL };
    struct mc_err err = { 0 };
    double t[64], t0;
    char *body;
    FILE *f;
    int n;

    if (argc != 5 || strcmp(argv[1], "first") != 0 ||
        (n = atoi(argv[3])) < 1 || n > 64) {
        fprintf(stderr, "usage: logs_bench first CONF N BODY\n");
        return 2;
    }
    if (config_load(argv[2], &cfg, &diag) < 0) {
        fprintf(stderr, "%s\n", diag.n ? diag.msg[0] : "bad config");
        return 1;
    }
    loop = loop_new();
    worker = worker_new(loop);
    site = site_new(loop, worker, &cfg.sites[0]);
    if (site->logs == NULL) {
        fprintf(stderr, "site %s has no log search\n", site->name);
        return 1;
    }
    site_start(site);
    bench_wait(connected);
    if (site->conn != SITE_CONNECTED) {
        fprintf(stderr, "%s: %s\n", site->name, site->conn_msg);
        return 1;
    }
    /* the same body for curl (the histogram's interval as mctop picks it) */
    eq.interval = es_pick_interval(3600, 60);
    body = es_build_search(&eq, &err);
    f = fopen(argv[4], "w");
    if (body == NULL || f == NULL || fputs(body, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", argv[4]);
        return 1;
    }
    free(body);
    for (int i = 0; i < n + 1; i++) { /* the first one warms up */
        t0 = loop_wall();
        logs_client_search(site->logs, &q);
        bench_wait(answered);
        if (logs_client_page(site->logs)->status != LOGS_OK) {
            fprintf(stderr, "%s\n", logs_client_page(site->logs)->err);
            return 1;
        }
        if (i > 0)
            t[i - 1] = (loop_wall() - t0) * 1000;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("%.1f ms median of %d (min %.1f, max %.1f), %zu hits of %lld\n",
           t[n / 2], n, t[0], t[n - 1], logs_client_page(site->logs)->nhits,
           logs_client_page(site->logs)->total);
    site_free(site);
    worker_free(worker);
    loop_free(loop);
    config_free(&cfg);
    config_diag_free(&diag);
    return 0;
}
