/*
 * Time to parse an Elasticsearch search response of 10,000 hits (make
 * bench), shaped like the lab's documents (tests/lab/search/gen.py): half
 * Logstash 7 without ECS (host and level as strings), half Filebeat 8 →
 * Logstash 8 with ECS (host.name, log.level, event.original, agent.*),
 * sort arrays, a date histogram, and about 1 % hostile messages (escape
 * sequences, a lone UTF-16 surrogate, which the parser has to repair).
 *   es_bench [RUNS]
 * Prints the median of RUNS parses (default 11).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/buf.h"
#include "backend/es.h"

#define HITS 10000
#define NOW  1710153594962LL /* 2024-03-11T10:39:54.962Z */
#define SPAN 900000LL        /* the last 15 minutes */
#define BKTS 30

static const char *const eb_hosts[] = {
    "dev-web-01", "dev-app-01", "tst-app-02", "tst-db-01",
    "ppd-web-01", "ppd-es-01",  "prd-app-01", "prd-db-01",
};
static const char *const eb_levels[] = { "INFO",  "INFO", "INFO",
                                         "DEBUG", "WARN", "ERROR" };
static const char *const eb_lines[] = {
    "10.0.63.59 - - [11/Mar/2024:10:39:40 +0000] \\\"GET /api/v1/cart "
    "HTTP/1.1\\\" 200 3178 \\\"-\\\" \\\"Mozilla/5.0 (X11; Linux x86_64; "
    "rv:128.0) Gecko/20100101 Firefox/128.0\\\" 0.105",
    "2024-03-11 10:39:51,296 ERROR [HikariPool-1 housekeeper] "
    "o.h.engine.jdbc.spi.SqlExceptionHelper - Health check failed: "
    "DataSource unavailable, returning 503 Service Unavailable\\n\\tat "
    "java.base/java.net.SocketInputStream.socketRead0(Native Method)\\n\\tat "
    "com.example.orders.PaymentClient.charge(PaymentClient.java:88)\\n\\t... "
    "42 common frames omitted",
    "2024-03-11 10:39:13.335 UTC [47989] LOG:  checkpoint complete: wrote "
    "3112 buffers (12.5%)",
    "[2024-03-11T10:39:55,922][INFO ][o.e.c.m.MetadataCreateIndexService] "
    "[tst-es-01] [logstash-2024.03.11] creating index",
};
static const char *const eb_hostile[] = {
    "\\u001b[31;1mERROR\\u001b[0m payment \\u001b[4mfailed\\u001b[24m for "
    "order 4711",
    "replacement \\ufffd from bad bytes, lone surrogates \\uD800 and \\uDFFF",
    "\\u001b]0;PWNED-TITLE\\u0007user login ok",
};

static double eb_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void eb_iso(struct buf *b, long long ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char s[32];

    gmtime_r(&t, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
    buf_printf(b, "\"%s.%03lldZ\"", s, ms % 1000);
}

static void eb_hit(struct buf *b, int i, unsigned *seed)
{
    long long ms = NOW - (long long)i * (SPAN / HITS);
    const char *host = eb_hosts[i % 8];
    const char *level = eb_levels[(*seed >> 8) % 6];
    const char *msg =
        i % 97 == 3 ? eb_hostile[(i / 97) % 3] : eb_lines[(*seed >> 12) % 4];
    bool ecs = i % 2 == 1;

    *seed = *seed * 1103515245u + 12345u;
    buf_printf(b,
               "%s{\"_index\":\"logstash-%s2024.03.11\",\"_id\":\"id%07d"
               "x%08x\",\"_score\":null,\"_source\":{\"@timestamp\":",
               i > 0 ? "," : "", ecs ? "ecs-" : "", i, *seed);
    eb_iso(b, ms);
    buf_printf(b, ",\"@version\":\"1\",\"message\":\"%s\",", msg);
    if (!ecs) {
        buf_printf(b,
                   "\"host\":\"%s\",\"path\":\"/var/log/app/app.log\","
                   "\"level\":\"%s\",\"env\":\"Development\",\"role\":"
                   "\"app\",\"type\":\"app-log\",\"logger\":\"c.e.orders."
                   "OrderService\",\"thread\":\"http-nio-8080-exec-7\"}",
                   host, level);
    } else {
        buf_printf(b,
                   "\"event\":{\"original\":\"%s\",\"dataset\":\"app.log\"},"
                   "\"host\":{\"name\":\"%s\",\"hostname\":\"%s\",\"ip\":"
                   "[\"10.20.4.%d\"]},\"log\":{\"level\":\"%s\",\"file\":"
                   "{\"path\":\"/var/log/orders/orders.log\"},\"offset\":%d},"
                   "\"agent\":{\"type\":\"filebeat\",\"version\":\"8.15.0\","
                   "\"name\":\"%s\",\"id\":\"3b1e56c2-9f4a-4d1e-8c2a-"
                   "5e9d0f7a1b2c\"},\"ecs\":{\"version\":\"8.0.0\"},"
                   "\"input\":{\"type\":\"filestream\"},\"labels\":"
                   "{\"env\":\"Production\",\"role\":\"app\"},\"tags\":"
                   "[\"beats_input_codec_plain_applied\"]}",
                   msg, host, host, 10 + i % 20, level, i * 137, host);
    }
    buf_printf(b, ",\"sort\":[%lld,%d]}", ms, i);
}

static void eb_response(struct buf *b)
{
    unsigned seed = 42;

    buf_puts(b, "{\"took\":38,\"timed_out\":false,\"_shards\":{\"total\":16,"
                "\"successful\":16,\"skipped\":0,\"failed\":0},\"hits\":"
                "{\"total\":{\"value\":10000,\"relation\":\"gte\"},"
                "\"max_score\":null,\"hits\":[");
    for (int i = 0; i < HITS; i++)
        eb_hit(b, i, &seed);
    buf_puts(b, "]},\"aggregations\":{\"0\":{\"buckets\":[");
    for (int k = 0; k < BKTS; k++) {
        long long key = NOW - SPAN + (long long)k * (SPAN / BKTS);

        buf_printf(b, "%s{\"key_as_string\":", k > 0 ? "," : "");
        eb_iso(b, key);
        buf_printf(b, ",\"key\":%lld,\"doc_count\":%d}", key, HITS / BKTS);
    }
    buf_puts(b, "]}}}");
}

static int eb_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    static const char *const host[] = { "host.name", "host" };
    static const char *const level[] = { "log.level", "level", "loglevel",
                                         "severity" };
    static const char *const message[] = { "message" };
    const struct es_fields f = { "@timestamp", host, 2, level, 4, message, 1 };
    int runs = argc > 1 ? atoi(argv[1]) : 11;
    struct buf b = { 0 };
    double *ms;

    if (runs < 1 || runs > 10000) {
        fprintf(stderr, "usage: es_bench [RUNS]\n");
        return 2;
    }
    ms = calloc((size_t)runs, sizeof *ms);
    if (ms == NULL)
        return 1;
    eb_response(&b);
    for (int r = 0; r < runs; r++) {
        struct es_result res;
        struct mc_err e = { 0 };
        double t0 = eb_now();

        if (es_parse_search(b.data, b.len, &f, &res, &e) < 0) {
            fprintf(stderr, "es_bench: %s\n", e.msg);
            return 1;
        }
        ms[r] = eb_now() - t0;
        if (res.nhits != HITS || res.bad_hits != 0 || res.nbuckets != BKTS ||
            res.hits[1].host == NULL ||
            strcmp(res.hits[1].host, "dev-app-01") ||
            isnan(res.hits[HITS - 1].time)) {
            fprintf(stderr, "es_bench: parsed %zu hits, %zu bad, %zu buckets\n",
                    res.nhits, res.bad_hits, res.nbuckets);
            return 1;
        }
        es_result_free(&res);
    }
    qsort(ms, (size_t)runs, sizeof *ms, eb_cmp);
    printf("parse 10,000 hits (%zu bytes): %.1f ms (median of %d runs)\n",
           b.len, ms[runs / 2], runs);
    free(ms);
    buf_free(&b);
    return 0;
}
