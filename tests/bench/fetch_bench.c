/*
 * Benchmarks of mctop's transport against the lab (make bench):
 *   fetch_bench req    CONF N       N small requests through the bastion
 *   fetch_bench direct URL CA USER PASSFILE N   the same without a bastion
 *   fetch_bench fetch  CONF OUTDIR  fetch and parse all hosts and services
 *   fetch_bench parse  OUTDIR       parse what fetch saved, no network
 * Uses the real modules (bastion, tunnel, curl_http, icinga_reader).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "backend/bastion.h"
#include "backend/buf.h"
#include "backend/config.h"
#include "backend/curl_http.h"
#include "backend/icinga_parse.h"
#include "backend/loop.h"
#include "backend/secret.h"
#include "backend/tunnel.h"

static const char *bench_queries[2][2] = {
    { "/v1/objects/hosts",
      "{\"attrs\":[\"name\",\"display_name\",\"address\",\"state\","
      "\"state_type\",\"last_state_change\",\"last_check\","
      "\"last_check_result\",\"acknowledgement\",\"downtime_depth\","
      "\"flapping\",\"last_reachable\",\"check_attempt\","
      "\"max_check_attempts\",\"vars\"]}" },
    { "/v1/objects/services",
      "{\"attrs\":[\"name\",\"display_name\",\"host_name\",\"state\","
      "\"state_type\",\"last_state_change\",\"last_check\","
      "\"last_check_result\",\"acknowledgement\",\"downtime_depth\","
      "\"flapping\",\"last_reachable\",\"check_attempt\","
      "\"max_check_attempts\"]}" },
};

struct bench {
    struct loop *loop;
    struct http_client *http;
    struct bastion *b;
    struct tunnel *t;
    int status, done;
    size_t bytes;
    struct icinga_reader *reader;
    FILE *save;
    struct mc_err err;
};

static void bench_status(void *arg, int status)
{
    ((struct bench *)arg)->status = status;
}

static void bench_data(void *arg, const char *p, size_t n)
{
    struct bench *bn = arg;

    bn->bytes += n;
    if (bn->save != NULL)
        fwrite(p, 1, n, bn->save);
    if (bn->reader != NULL && icinga_reader_feed(bn->reader, p, n, &bn->err) < 0)
        fprintf(stderr, "parse: %s\n", bn->err.msg);
}

static void bench_done(void *arg, int status, const struct mc_err *err)
{
    struct bench *bn = arg;

    bn->status = status;
    bn->done = 1;
    if (err != NULL)
        fprintf(stderr, "request failed: %s\n", err->msg);
    loop_stop(bn->loop);
}

/* One request, run to its end; returns the wall time in ms. */
static double bench_request(struct bench *bn, const char *path,
                            const char *body)
{
    struct http_cb cb = { bench_status, bench_data, bench_done, bn, NULL };
    struct timespec a, z;

    clock_gettime(CLOCK_MONOTONIC, &a);
    bn->done = 0;
    if (http_request(bn->http, "GET", path, body, &cb, &bn->err) == NULL) {
        fprintf(stderr, "%s\n", bn->err.msg);
        exit(1);
    }
    while (!bn->done)
        loop_run(bn->loop);
    clock_gettime(CLOCK_MONOTONIC, &z);
    return (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6;
}

static void bench_changed(void *arg, struct bastion *b)
{
    struct bench *bn = arg;

    if (bastion_state(b) == BASTION_READY || bastion_state(b) == BASTION_FAILED ||
        bastion_state(b) == BASTION_BACKOFF)
        loop_stop(bn->loop);
}

/* Connect through the configured site's bastion. */
static void bench_open(struct bench *bn, const char *conf)
{
    struct mc_config cfg = { 0 };
    struct config_diag diag = { 0 };
    const struct mc_site_config *s;
    struct bastion_cb cb = { bench_changed, NULL, bn };
    struct curl_http_config hc = { 0 };
    char *pass = NULL;

    if (config_load(conf, &cfg, &diag) < 0) {
        fprintf(stderr, "%s\n", diag.n ? diag.msg[0] : "bad config");
        exit(1);
    }
    s = &cfg.sites[0];
    if (secret_resolve(&s->icinga.password, s->icinga.host, s->icinga.user,
                       &pass, &bn->err) < 0) {
        fprintf(stderr, "%s\n", bn->err.msg);
        exit(1);
    }
    bn->b = bastion_new(bn->loop,
                        &(struct bastion_config){ s->name, s->bastion,
                                                  s->bastion_port,
                                                  s->bastion_user,
                                                  s->identity_file,
                                                  s->known_hosts, NULL },
                        &cb);
    bn->t = tunnel_new(bn->loop, bn->b);
    hc.name = s->name;
    hc.base_url = s->icinga.url;
    hc.user = s->icinga.user;
    hc.password = pass;
    hc.ca_file = s->icinga.ca_file;
    hc.method_override = hc.accept_json = true;
    hc.unix_socket = tunnel_path(bn->t, s->icinga.host, s->icinga.port,
                                 &bn->err);
    bn->http = curl_http_new(bn->loop, &hc);
    bastion_start(bn->b);
    loop_run(bn->loop);
    if (bastion_state(bn->b) != BASTION_READY) {
        fprintf(stderr, "bastion: %s\n", bastion_message(bn->b));
        exit(1);
    }
    secret_wipe_free(pass);
    config_free(&cfg);
    config_diag_free(&diag);
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void bench_requests(struct bench *bn, int n)
{
    double *ms = calloc((size_t)n, sizeof *ms);

    bench_request(bn, "/v1/status/IcingaApplication", NULL); /* warm up */
    for (int i = 0; i < n; i++)
        ms[i] = bench_request(bn, "/v1/status/IcingaApplication", NULL);
    qsort(ms, (size_t)n, sizeof *ms, bench_cmp);
    printf("%d requests: median %.2f ms, p95 %.2f ms (status %d)\n", n,
           ms[n / 2], ms[n * 95 / 100], bn->status);
    free(ms);
}

static void bench_fetch(struct bench *bn, const char *outdir)
{
    char path[4096];
    size_t objects = 0, total = 0;
    double ms = 0;
    struct rusage ru;

    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s.json", outdir, k ? "services" : "hosts");
        bn->save = fopen(path, "w");
        bn->bytes = 0;
        bn->reader = icinga_reader_new(k ? ICINGA_SERVICES : ICINGA_HOSTS, NULL);
        ms += bench_request(bn, bench_queries[k][0], bench_queries[k][1]);
        if (icinga_reader_finish(bn->reader, &bn->err) < 0)
            fprintf(stderr, "parse: %s\n", bn->err.msg);
        objects += icinga_reader_objects(bn->reader);
        total += bn->bytes;
        if (k) {
            size_t n;
            struct mc_service *s = icinga_reader_take_services(bn->reader, &n);

            model_services_free(s, n);
        } else {
            size_t n;
            struct mc_host *h = icinga_reader_take_hosts(bn->reader, &n);

            model_hosts_free(h, n);
        }
        icinga_reader_free(bn->reader);
        bn->reader = NULL;
        fclose(bn->save);
        bn->save = NULL;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("fetch+parse %zu objects (%.1f MB) through the bastion: %.0f ms, "
           "peak RSS %.1f MB\n",
           objects, (double)total / 1e6, ms, (double)ru.ru_maxrss / 1024);
}

/* Parse saved responses only: the parser's share of a fetch. */
static void bench_parse(const char *dir)
{
    static char chunk[65536];
    struct timespec a, z;
    struct rusage ru;
    size_t objects = 0;
    struct mc_err err = { 0 };

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int k = 0; k < 2; k++) {
        char path[4096];
        struct icinga_reader *r =
            icinga_reader_new(k ? ICINGA_SERVICES : ICINGA_HOSTS, NULL);
        FILE *f;
        size_t n;

        snprintf(path, sizeof path, "%s/%s.json", dir, k ? "services" : "hosts");
        f = fopen(path, "r");
        if (f == NULL)
            exit(1);
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            icinga_reader_feed(r, chunk, n, &err);
        fclose(f);
        icinga_reader_finish(r, &err);
        objects += icinga_reader_objects(r);
        if (k) {
            struct mc_service *s = icinga_reader_take_services(r, &n);

            model_services_free(s, n);
        } else {
            struct mc_host *h = icinga_reader_take_hosts(r, &n);

            model_hosts_free(h, n);
        }
        icinga_reader_free(r);
    }
    clock_gettime(CLOCK_MONOTONIC, &z);
    getrusage(RUSAGE_SELF, &ru);
    printf("parse only, %zu objects: %.0f ms, peak RSS %.1f MB\n", objects,
           (double)(z.tv_sec - a.tv_sec) * 1e3 +
               (double)(z.tv_nsec - a.tv_nsec) / 1e6,
           (double)ru.ru_maxrss / 1024);
}

int main(int argc, char **argv)
{
    struct bench bn = { 0 };

    bn.loop = loop_new();
    if (argc == 4 && strcmp(argv[1], "req") == 0) {
        bench_open(&bn, argv[2]);
        bench_requests(&bn, atoi(argv[3]));
    } else if (argc == 4 && strcmp(argv[1], "fetch") == 0) {
        bench_open(&bn, argv[2]);
        bench_fetch(&bn, argv[3]);
    } else if (argc == 3 && strcmp(argv[1], "parse") == 0) {
        bench_parse(argv[2]);
    } else if (argc == 7 && strcmp(argv[1], "direct") == 0) {
        struct curl_http_config hc = { 0 };
        char pass[256] = "";
        FILE *f = fopen(argv[5], "r");

        if (f == NULL || fgets(pass, sizeof pass, f) == NULL)
            return 1;
        fclose(f);
        pass[strcspn(pass, "\n")] = '\0';
        hc.name = "direct";
        hc.base_url = argv[2];
        hc.ca_file = argv[3];
        hc.user = argv[4];
        hc.password = pass;
        hc.accept_json = true;
        bn.http = curl_http_new(bn.loop, &hc);
        bench_requests(&bn, atoi(argv[6]));
    } else {
        fprintf(stderr, "usage: see the comment at the top\n");
        return 2;
    }
    if (bn.http != NULL)
        bn.http->ops->free(bn.http->impl);
    tunnel_free(bn.t);
    bastion_free(bn.b);
    loop_free(bn.loop);
    return 0;
}
