/*
 * The demo's plugin output: the text and performance data the real
 * plugins (check_load, check_disk, check_nrpe, check_http, ...) print.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "backend/demo_int.h"

static const char *const state_word[4] = { "OK", "WARNING", "CRITICAL",
                                           "UNKNOWN" };

static void out(struct demo_text *tx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void perf(struct demo_text *tx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append to the output text. */
static void out(struct demo_text *tx, const char *fmt, ...)
{
    size_t len = strlen(tx->output);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tx->output + len, sizeof(tx->output) - len, fmt, ap);
    va_end(ap);
}

/* Add one performance data item. */
static void perf(struct demo_text *tx, const char *fmt, ...)
{
    va_list ap;

    if (tx->nperf >= 6)
        return;
    va_start(ap, fmt);
    vsnprintf(tx->perf[tx->nperf++], sizeof(tx->perf[0]), fmt, ap);
    va_end(ap);
}

const char *demo_nrpe_command(int kind)
{
    switch (kind) {
    case DEMO_KIND_LOAD:
        return "check_load";
    case DEMO_KIND_MEM:
        return "check_mem";
    case DEMO_KIND_DISK:
        return "check_disk";
    case DEMO_KIND_SWAP:
        return "check_swap";
    case DEMO_KIND_PROCS:
        return "check_procs";
    case DEMO_KIND_USERS:
        return "check_users";
    case DEMO_KIND_JVM:
        return "check_jvm_heap";
    default:
        return NULL;
    }
}

/* The host is down: everything that talks to it times out. */
static void render_unreach(int kind, const char *addr, struct demo_text *tx)
{
    if (demo_nrpe_command(kind) != NULL)
        out(tx, "CHECK_NRPE: Socket timeout after 10 seconds.");
    else if (kind == DEMO_KIND_NTP)
        out(tx, "NTP CRITICAL: No response from NTP server");
    else if (kind == DEMO_KIND_HTTP)
        out(tx, "connect to address %s and port 80: No route to host", addr);
    else
        out(tx, "CRITICAL - connection to %s timed out", addr);
}

static void render_unknown(int kind, unsigned variant, const char *addr,
                           struct demo_text *tx)
{
    const char *cmd = demo_nrpe_command(kind);

    if (cmd != NULL && variant % 3 == 0)
        out(tx, "NRPE: Unable to read output");
    else if (cmd != NULL && variant % 3 == 1)
        out(tx, "CHECK_NRPE: Socket timeout after 10 seconds.");
    else if (cmd != NULL)
        out(tx, "NRPE: Command '%s' not defined", cmd);
    else if (kind == DEMO_KIND_NTP)
        out(tx, "NTP UNKNOWN: No response from NTP server");
    else if (kind == DEMO_KIND_BACKUP)
        out(tx, "UNKNOWN - backup status file /var/backups/last.json not "
                "found");
    else if (kind == DEMO_KIND_HTTP)
        out(tx, "HTTP UNKNOWN - Invalid HTTP response received from host");
    else if (kind == DEMO_KIND_APPHEALTH)
        out(tx, "UNKNOWN - /health returned an unparsable body");
    else if (kind == DEMO_KIND_POSTGRES)
        out(tx, "POSTGRES_REPLICATION_LAG UNKNOWN: could not connect to "
                "server: Connection refused");
    else if (kind == DEMO_KIND_ES)
        out(tx, "UNKNOWN - no response from http://%s:9200/_cluster/health",
            addr);
    else if (kind == DEMO_KIND_REDIS)
        out(tx,
            "REDIS UNKNOWN - could not connect to %s:6379: Connection "
            "refused",
            addr);
    else
        out(tx, "HAPROXY UNKNOWN - stats socket /run/haproxy/admin.sock not "
                "found");
}

static void render_load(const struct demo_host *h, const struct demo_obs *ob,
                        struct demo_text *tx)
{
    static const char *const thr[3] = { "2.000;4.000", "1.500;3.000",
                                        "1.200;2.400" };
    static const int mins[3] = { 1, 5, 15 };
    double c = h->cores;

    out(tx,
        "LOAD %s - scaled load average: %.2f, %.2f, %.2f - total load "
        "average: %.2f, %.2f, %.2f",
        state_word[ob->state], ob->v[0], ob->v[1], ob->v[2], ob->v[0] * c,
        ob->v[1] * c, ob->v[2] * c);
    for (int i = 0; i < 3; i++) {
        perf(tx, "load%d=%.3f;;;0;", mins[i], ob->v[i] * c);
        perf(tx, "scaled_load%d=%.3f;%s;0;", mins[i], ob->v[i], thr[i]);
    }
}

static void render_disk(const struct demo *d, const struct demo_obj *o,
                        const struct demo_obs *ob, struct demo_text *tx)
{
    int np = demo_disk_parts(d, o), role = d->host[o->host].role;
    const char *names[3] = { "/", "/var", "/opt" };
    long long sizes[3] = { 20479, 51199, 102399 };

    if (role == DEMO_ROLE_DB) {
        names[2] = "/var/lib/postgresql";
        sizes[2] = 204799;
    } else if (role == DEMO_ROLE_ES) {
        names[2] = "/var/lib/elasticsearch";
        sizes[2] = 409599;
    }
    out(tx, "DISK %s - free space:", state_word[ob->state]);
    for (int p = 0; p < np; p++) {
        long long used = (long long)floor(ob->v[p] * (double)sizes[p]);
        long long fr = sizes[p] - used;
        int inode =
            p == np - 1 ? (int)ob->v[3] : 90 + (int)(9 * demo_par(o, 31 + p));

        out(tx, " %s %lld MB (%lld%% inode=%d%%);", names[p], fr,
            fr * 100 / sizes[p], inode);
        perf(tx, "%s=%lldMB;%lld;%lld;0;%lld", names[p], used,
             sizes[p] * 8 / 10, sizes[p] * 9 / 10, sizes[p]);
    }
}

/* Memory, swap, processes, users, NTP, backup. */
static void render_system(int kind, const struct demo_host *h,
                          const struct demo_obs *ob, struct demo_text *tx)
{
    const char *w = state_word[ob->state];
    long long mb, fr;

    switch (kind) {
    case DEMO_KIND_MEM:
        out(tx, "MEMORY %s - %.1f%% used (%.2f GB of %d GB) ", w, ob->v[0],
            ob->v[0] * h->mem_gb / 100, h->mem_gb);
        perf(tx, "mem_used=%.1f%%;80;90;0;100", ob->v[0]);
        break;
    case DEMO_KIND_SWAP:
        mb = (long long)ob->v[1];
        fr = (long long)floor(ob->v[0] * (double)mb / 100);
        out(tx, "SWAP %s - %d%% free (%lldMB out of %lldMB) ", w, (int)ob->v[0],
            fr, mb);
        perf(tx, "swap=%lldB;%lld;%lld;0;%lld", fr << 20, (mb << 20) / 5,
             (mb << 20) / 10, mb << 20);
        break;
    case DEMO_KIND_PROCS:
        out(tx, "PROCS %s: %d processes ", w, (int)ob->v[0]);
        perf(tx, "procs=%d;400;600;0;", (int)ob->v[0]);
        break;
    case DEMO_KIND_USERS:
        out(tx, "USERS %s - %d users currently logged in ", w, (int)ob->v[0]);
        perf(tx, "users=%d;5;10;0", (int)ob->v[0]);
        break;
    case DEMO_KIND_NTP:
        out(tx, "NTP %s: Offset %.6g secs", w, ob->v[0]);
        perf(tx, "offset=%.6fs;1.000000;2.000000;", ob->v[0]);
        break;
    default: /* DEMO_KIND_BACKUP */
        out(tx, "%s - last backup %dh ago, %.1f GB", w, (int)(ob->v[0] / 3600),
            ob->v[1] / 1073741824.0);
        perf(tx, "age=%llds;86400;172800;0", (long long)ob->v[0]);
        perf(tx, "size=%lldB;;;0", (long long)ob->v[1]);
        break;
    }
}

static void render_http(const struct demo_obs *ob, struct demo_text *tx)
{
    int code = (int)ob->v[2];
    const char *reason = code == 502   ? "Bad Gateway"
                         : code == 503 ? "Service Unavailable"
                                       : "OK";

    out(tx, "HTTP %s: HTTP/1.1 %d %s - %d bytes in %.3f second response time ",
        state_word[ob->state], code, reason, (int)ob->v[1], ob->v[0]);
    perf(tx, "time=%.6fs;1.000000;2.000000;0.000000", ob->v[0]);
    perf(tx, "size=%dB;;;0", (int)ob->v[1]);
}

/* JVM heap, application health, PostgreSQL, Elasticsearch, Redis, HAProxy. */
static void render_app(int kind, const struct demo_obs *ob,
                       struct demo_text *tx)
{
    const char *w = state_word[ob->state];
    static const char *const health[3] = {
        "OK - /health returned 200 {\"status\":\"UP\"}",
        "WARNING - /health returned 200 {\"status\":\"DEGRADED\"}",
        "CRITICAL - /health returned 503 Service Unavailable"
    };
    static const char *const colour[3] = { "GREEN", "YELLOW", "RED" };
    int used = (int)ob->v[0], max = (int)ob->v[1];

    switch (kind) {
    case DEMO_KIND_JVM:
        out(tx, "%s - JVM heap %d%% used (%dMB of %dMB) ", w, used * 100 / max,
            used, max);
        perf(tx, "heap_used=%dMB;%d;%d;0;%d", used, max * 8 / 10, max * 9 / 10,
             max);
        perf(tx, "heap_max=%dMB", max);
        perf(tx, "gc_count=%lldc", (long long)ob->v[2]);
        perf(tx, "gc_time=%.1fs", ob->v[3]);
        break;
    case DEMO_KIND_APPHEALTH:
        out(tx, "%s", health[ob->state]);
        /*
         * A failing application's health check passes its log on, colour
         * codes and all: the kind of text the console must never let
         * drive the terminal.
         */
        if (ob->state == 2)
            out(tx, "\n\033[31mERROR\033[0m [pool-3] SqlExceptionHelper - "
                    "Verbindung zur Datenbank fehlgeschlagen: "
                    "\xe6\x8e\xa5\xe7\xb6\x9a\xe3\x81\x8c\xe3\x82\xbf"
                    "\xe3\x82\xa4\xe3\x83\xa0\xe3\x82\xa2\xe3\x82\xa6"
                    "\xe3\x83\x88\n\033[33mWARN\033[0m HikariPool-1 - "
                    "Connection is not available, request timed out after "
                    "30000ms.\033]0;pwned\007");
        perf(tx, "time=%.3fs;1;2;0", ob->v[0]);
        break;
    case DEMO_KIND_POSTGRES:
        out(tx, "POSTGRES_REPLICATION_LAG %s: lag %ds", w, used);
        perf(tx, "lag=%ds;30;120;0", used);
        break;
    case DEMO_KIND_ES:
        out(tx, "ES cluster 'logs' status %s", colour[ob->state]);
        if (ob->state > 0)
            out(tx, ": %d unassigned shards", max);
        perf(tx, "active_shards=%d;;;0", used);
        perf(tx, "unassigned_shards=%d;1;10;0", max);
        break;
    case DEMO_KIND_REDIS:
        out(tx, "REDIS %s - %d keys, %.1f MB used, %d connected clients", w,
            used, ob->v[0] * 900 / 1048576, max);
        perf(tx, "keys=%d;;;0", used);
        perf(tx, "used_memory=%lldB;;;0", (long long)used * 900);
        perf(tx, "connected_clients=%d;500;1000;0", max);
        break;
    default: /* DEMO_KIND_HAPROXY */
        out(tx, "HAPROXY %s - %d/%d backends UP", w, used, max);
        perf(tx, "backends_up=%d;;;0;%d", used, max);
        perf(tx, "sessions=%d;2000;4000;0", (int)ob->v[2]);
        break;
    }
}

static void render_host(const struct demo_obs *ob, struct demo_text *tx)
{
    if (ob->state != 0) {
        out(tx, "PING CRITICAL - Packet loss = 100%%");
        perf(tx, "pl=100%%;80;100;0");
        return;
    }
    out(tx, "PING OK - Packet loss = 0%%, RTA = %.2f ms", ob->v[0]);
    perf(tx, "rta=%.6fms;3000.000000;5000.000000;0.000000", ob->v[0]);
    perf(tx, "pl=0%%;80;100;0");
}

void demo_render(const struct demo *d, uint32_t id, double t, int cause,
                 struct demo_text *tx)
{
    const struct demo_obj *o = &d->obj[id];
    const struct demo_host *h = &d->host[o->host];
    struct demo_obs ob;
    char addr[16];

    tx->output[0] = '\0';
    tx->nperf = 0;
    demo_addr_str(h->addr, addr, sizeof(addr));
    if (cause == DEMO_CAUSE_UNREACH) {
        render_unreach(o->kind, addr, tx);
        return;
    }
    demo_observe(d, id, t, true, &ob);
    if (ob.cause == DEMO_CAUSE_UNKNOWN) {
        render_unknown(o->kind, ob.variant, addr, tx);
        return;
    }
    switch (o->kind) {
    case DEMO_KIND_HOST:
        render_host(&ob, tx);
        break;
    case DEMO_KIND_LOAD:
        render_load(h, &ob, tx);
        break;
    case DEMO_KIND_DISK:
        render_disk(d, o, &ob, tx);
        break;
    case DEMO_KIND_HTTP:
        render_http(&ob, tx);
        break;
    case DEMO_KIND_MEM:
    case DEMO_KIND_SWAP:
    case DEMO_KIND_PROCS:
    case DEMO_KIND_USERS:
    case DEMO_KIND_NTP:
    case DEMO_KIND_BACKUP:
        render_system(o->kind, h, &ob, tx);
        break;
    default:
        render_app(o->kind, &ob, tx);
        break;
    }
}
