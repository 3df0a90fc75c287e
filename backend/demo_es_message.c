/*
 * The text of the pieces of a demo log message (demo_es_docs.c): the time
 * in each log's own format, the host name, and the pool entries, each a
 * function of (seed, pool, entry) drawn from templates of nginx, Java,
 * PostgreSQL, Elasticsearch, Redis and HAProxy lines, the syslog lines of
 * incidents and the hostile lines.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "backend/demo_es.h"
#include "backend/demo_es_docs_int.h"
#include "backend/demo_int.h"

static void time_text(int fmt, int64_t ms, struct buf *b)
{
    int64_t day = des_floordiv(ms, 86400000), rem = ms - day * 86400000;
    int y, mo, d, h = (int)(rem / 3600000), mi = (int)(rem / 60000 % 60);
    int s = (int)(rem / 1000 % 60), f = (int)(rem % 1000);

    des_civil(day, &y, &mo, &d);
    switch (fmt) {
    case T_NGX_ACCESS:
        buf_printf(b, "[%02d/%s/%04d:%02d:%02d:%02d +0000]", d,
                   des_months[mo - 1], y, h, mi, s);
        break;
    case T_NGX_ERROR:
        buf_printf(b, "%04d/%02d/%02d %02d:%02d:%02d", y, mo, d, h, mi, s);
        break;
    case T_JAVA:
        buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d,%03d", y, mo, d, h, mi, s,
                   f);
        break;
    case T_PG:
        buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", y, mo, d, h, mi,
                   s, f);
        break;
    case T_ES:
        buf_printf(b, "[%04d-%02d-%02dT%02d:%02d:%02d,%03d]", y, mo, d, h, mi,
                   s, f);
        break;
    case T_REDIS:
        buf_printf(b, "%02d %s %04d %02d:%02d:%02d.%03d", d, des_months[mo - 1],
                   y, h, mi, s, f);
        break;
    case T_HAP:
        buf_printf(b, "[%02d/%s/%04d:%02d:%02d:%02d.%03d]", d,
                   des_months[mo - 1], y, h, mi, s, f);
        break;
    default:
        buf_printf(b, "%s %2d %02d:%02d:%02d", des_months[mo - 1], d, h, mi, s);
        break;
    }
}

static const char *pick(struct rng *g, const char *const *v, size_t n)
{
    return v[rng_below(g, (unsigned)n)];
}

#define PICK(g, v) pick(g, v, sizeof(v) / sizeof((v)[0]))

/*
 * printf for the generators, quicker than vsnprintf: %s, %-Ns, %u, %d,
 * %x, %0Nu, %0Nd, %c and %%.
 */
static void fmt(struct buf *b, const char *f, ...)
{
    va_list ap;

    va_start(ap, f);
    for (; *f != '\0'; f++) {
        const char *sv;
        char d[24];
        int width = 0, n = 0;
        bool left = false, zero = false;
        long long v;
        unsigned long long u;

        if (*f != '%') {
            const char *pct = strchr(f, '%');
            size_t len = pct != NULL ? (size_t)(pct - f) : strlen(f);

            buf_append(b, f, len);
            f += len - 1;
            continue;
        }
        f++;
        if (*f == '-') {
            left = true;
            f++;
        }
        if (*f == '0') {
            zero = true;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        switch (*f) {
        case 's':
            sv = va_arg(ap, const char *);
            n = (int)strlen(sv);
            if (!left)
                for (int i = n; i < width; i++)
                    buf_putc(b, ' ');
            buf_append(b, sv, (size_t)n);
            if (left)
                for (int i = n; i < width; i++)
                    buf_putc(b, ' ');
            break;
        case 'c':
            buf_putc(b, (char)va_arg(ap, int));
            break;
        case 'd':
        case 'u':
        case 'x':
            if (*f == 'd') {
                v = va_arg(ap, int);
                if (v < 0)
                    buf_putc(b, '-');
                u = (unsigned long long)(v < 0 ? -v : v);
            } else {
                u = va_arg(ap, unsigned);
            }
            do {
                d[n++] = "0123456789abcdef"[u % (*f == 'x' ? 16 : 10)];
                u /= *f == 'x' ? 16 : 10;
            } while (u > 0);
            for (int i = n; i < width; i++)
                buf_putc(b, zero ? '0' : ' ');
            while (n > 0)
                buf_putc(b, d[--n]);
            break;
        default:
            buf_putc(b, '%');
            break;
        }
    }
    va_end(ap);
}

/* A template with "%u" (decimal) or "%x" (hex) for v, "%%" for '%'. */
static void fill(struct buf *b, const char *t, unsigned v)
{
    for (; *t != '\0'; t++) {
        if (t[0] == '%' && (t[1] == 'u' || t[1] == 'x')) {
            unsigned base = t[1] == 'u' ? 10 : 16, x = v;
            char d[12];
            int n = 0;

            do {
                d[n++] = "0123456789abcdef"[x % base];
                x /= base;
            } while (x > 0);
            while (n > 0)
                buf_putc(b, d[--n]);
            t++;
        } else if (t[0] == '%' && t[1] == '%') {
            buf_putc(b, '%');
            t++;
        } else {
            buf_putc(b, *t);
        }
    }
}

static const char *const url_paths[] = {
    "/api/v1/orders",         "/api/v1/orders/%u",
    "/api/v1/users/%u",       "/api/v1/cart",
    "/api/v1/search?q=shoes", "/health",
    "/static/app.%x.js",      "/login",
    "/api/v1/payments",       "/metrics",
    "/favicon.ico",           "/api/v1/catalog/items?page=%u",
};

static void url_path(struct buf *b, struct rng *g)
{
    const char *p = PICK(g, url_paths);

    fill(b, p, rng_below(g, 99999) + 1);
}

/* Status and size of an access line: the first draws of its entry. */
void des_req_meta(struct rng *g, int lv, int *status, int *bytes)
{
    static const int st[4][4] = { { 304, 304, 200, 304 },
                                  { 200, 200, 201, 301 },
                                  { 404, 401, 429, 499 },
                                  { 500, 502, 503, 504 } };

    *status = st[lv][rng_below(g, 4)];
    *bytes = *status == 304   ? 0
             : lv >= DES_WARN ? 150 + (int)rng_below(g, 450)
                              : (int)rng_below(g, 90000);
}

static void ngx_request(struct buf *b, struct rng *g, int lv)
{
    static const char *const verbs[] = { "GET",  "GET", "GET",
                                         "POST", "PUT", "DELETE" };
    static const char *const refs[] = { "-", "-", "-",
                                        "https://shop.example.com/",
                                        "https://shop.example.com/cart" };
    int status, bytes;
    const char *verb, *ref;

    des_req_meta(g, lv, &status, &bytes);
    verb = PICK(g, verbs);
    fmt(b, "\"%s ", verb);
    url_path(b, g);
    ref = PICK(g, refs);
    fmt(b, " HTTP/1.1\" %d %d \"%s\"", status, bytes, ref);
}

static void ngx_error(struct buf *b, struct rng *g, bool warn)
{
    static const char *const err[] = {
        "connect() failed (111: Connection refused) while connecting to "
        "upstream",
        "upstream timed out (110: Connection timed out) while reading "
        "response header from upstream",
        "upstream prematurely closed connection while reading response "
        "header from upstream",
        "no live upstreams while connecting to upstream",
    };
    static const char *const wrn[] = {
        "an upstream response is buffered to a temporary file "
        "/var/cache/nginx/proxy_temp/3/00/0000000003 while reading upstream",
        "upstream server temporarily disabled while reading response header "
        "from upstream",
        "using uninitialized \"request_id\" variable while logging request",
    };
    unsigned pid = 1000 + rng_below(g, 30000);

    fmt(b,
        "[%s] %u#%u: *%u %s, client: 10.1.%u.%u, server: "
        "shop.example.com, request: \"GET ",
        warn ? "warn" : "error", pid, 0u, rng_below(g, 999999) + 1,
        warn ? PICK(g, wrn) : PICK(g, err), rng_below(g, 256),
        rng_below(g, 254) + 1);
    url_path(b, g);
    fmt(b,
        " HTTP/1.1\", upstream: \"http://10.20.1.%u:8080/\", host: "
        "\"shop.example.com\"",
        21 + rng_below(g, 10));
}

static const char *const java_msgs[4][5] = {
    { "Cache lookup key=product:%u hit=true", "SQL select took %u ms",
      "Acquired connection from pool (active=%u, idle=4)",
      "Request headers parsed in %u us",
      "Resolved handler for GET /api/v1/orders/%u" },
    { "Order %u created for customer 4711", "Invoice batch %u finished",
      "User %u logged in from 10.1.7.23",
      "GET /api/v1/orders/%u completed 200 in 12 ms",
      "Scheduled job cleanup ran, %u rows removed" },
    { "Slow query: %u ms for SELECT * FROM orders WHERE customer_id = 815",
      "HikariPool-1 - Connection is not available, request timed out after "
      "%u ms.",
      "Retrying payment provider call (attempt %u of 5)",
      "Circuit breaker 'payments' is OPEN after %u failures",
      "Deprecated API /api/v1/cart called %u times by client 10.1.9.4" },
    { "Failed to process order %u: java.net.SocketTimeoutException: Read "
      "timed out",
      "Unhandled exception in request %u: java.lang.NullPointerException: "
      "Cannot invoke \"com.example.orders.Order.getCustomer()\" because "
      "\"order\" is null",
      "Could not connect to database (attempt %u): "
      "org.postgresql.util.PSQLException: Connection to 10.20.3.11:5432 "
      "refused. Check that the hostname and port are correct and that the "
      "postmaster is accepting TCP/IP connections.",
      "Payment declined for order %u: upstream returned 503 Service "
      "Unavailable",
      NULL },
};

static const char *const java_classes[][2] = {
    { "c.e.orders.OrderService", "c.e.orders.web.OrderController" },
    { "c.e.billing.InvoiceJob", "c.e.billing.PaymentClient" },
    { "c.e.catalog.SearchController", "c.e.catalog.ItemRepository" },
    { "c.e.users.SessionFilter", "c.e.users.LoginService" },
};

static void java_line(struct buf *b, struct rng *g, int lv, unsigned idx)
{
    static const char *const shared[] = {
        "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.z.hikari.pool.HikariPool"
    };
    static const char *const pad[] = { "DEBUG", "INFO ", "WARN ", "ERROR" };
    unsigned svc = rng_below(g, 4); /* the first draw: the service */
    unsigned nmsg = lv == DES_ERROR ? 4 : 5;
    unsigned m = lv == DES_ERROR ? idx % 4 : rng_below(g, nmsg);
    const char *cls = rng_below(g, 5) < 4 ? java_classes[svc][rng_below(g, 2)]
                                          : PICK(g, shared);

    fmt(b, "%s [", pad[lv]);
    switch (rng_below(g, 4)) {
    case 0:
        buf_puts(b, "main");
        break;
    case 1:
        buf_puts(b, "scheduling-1");
        break;
    default:
        fmt(b, "http-nio-8080-exec-%u", rng_below(g, 40) + 1);
        break;
    }
    fmt(b, "] %s - ", cls);
    fill(b, java_msgs[lv][m], rng_below(g, 9990) + 10);
}

static void java_stack(struct buf *b, struct rng *g, unsigned idx)
{
    unsigned ln = 40 + rng_below(g, 200), more = 10 + rng_below(g, 90);

    switch (idx / 16) {
    case 0:
        fmt(b,
            "\tat java.base/java.net.SocketInputStream.socketRead0("
            "Native Method)\n\tat java.base/java.net.SocketInputStream."
            "read(SocketInputStream.java:168)\n\tat org.apache.http.impl"
            ".io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl"
            ".java:153)\n\tat com.example.orders.PaymentClient.charge("
            "PaymentClient.java:%u)\n\t... %u common frames omitted",
            ln, more);
        break;
    case 1:
        fmt(b,
            "\tat com.example.orders.OrderService.process(OrderService."
            "java:%u)\n\tat com.example.orders.web.OrderController."
            "create(OrderController.java:%u)\n\tat java.base/jdk."
            "internal.reflect.DirectMethodHandleAccessor.invoke("
            "DirectMethodHandleAccessor.java:103)\n\t... %u more",
            ln, ln / 2 + 7, more);
        break;
    case 2:
        fmt(b,
            "\tat org.postgresql.core.v3.ConnectionFactoryImpl."
            "openConnectionImpl(ConnectionFactoryImpl.java:%u)\n\tat "
            "com.zaxxer.hikari.pool.HikariPool.createPoolEntry("
            "HikariPool.java:479)\nCaused by: java.net.ConnectException: "
            "Connection refused\n\tat java.base/sun.nio.ch.Net.connect0("
            "Native Method)\n\t... %u common frames omitted",
            ln, more);
        break;
    default:
        fmt(b,
            "\tat com.example.billing.PaymentClient.charge(PaymentClient"
            ".java:%u)\n\tat com.example.orders.OrderService.pay("
            "OrderService.java:%u)\n\t... %u more",
            ln, ln + 31, more);
        break;
    }
}

static void pg_line(struct buf *b, struct rng *g, int lv)
{
    static const char *const msgs[4][4] = {
        { "statement: SELECT 1", "autovacuum: processing database \"shop\"",
          "StartTransaction(1) name: unnamed; blockState: DEFAULT",
          "statement: SELECT id, status FROM orders WHERE id = %u" },
        { "checkpoint starting: time",
          "checkpoint complete: wrote %u buffers; 0 WAL file(s) added",
          "connection authorized: user=app database=shop "
          "application_name=orders",
          "automatic vacuum of table \"shop.public.orders\": index scans: 1" },
        { "could not receive data from client: Connection reset by peer",
          "checkpoints are occurring too frequently (%u seconds apart)",
          "temporary file: path \"base/pgsql_tmp/pgsql_tmp%u.0\", size 8192",
          "terminating connection because of crash of another server process" },
        { "duplicate key value violates unique constraint \"orders_pkey\"",
          "canceling statement due to statement timeout", "deadlock detected",
          "password authentication failed for user \"report\"" },
    };
    static const char *const tag[] = { "DEBUG1", "LOG", "WARNING", "ERROR" };
    unsigned m = rng_below(g, 4);

    fmt(b, "[%u] %s:  ", 1000 + rng_below(g, 90000),
        lv == DES_ERROR && m == 3 ? "FATAL" : tag[lv]);
    fill(b, msgs[lv][m], rng_below(g, 900) + 2);
}

/* Elasticsearch's own log: logger (head) and text (body) of entry i. */
static const char *const es_loggers[4][2] = {
    { "o.e.i.s.IndexShard", "o.e.t.TransportService" },
    { "o.e.c.m.MetadataCreateIndexService", "o.e.c.r.a.AllocationService" },
    { "o.e.m.j.JvmGcMonitorService", "o.e.c.r.a.DiskThresholdMonitor" },
    { "o.e.a.b.TransportShardBulkAction", "o.e.t.TcpTransport" },
};

static void es_body(struct buf *b, struct rng *g, int lv, unsigned which)
{
    unsigned a = rng_below(g, 900) + 1, c = rng_below(g, 9) + 1;

    switch (lv * 2 + (int)which) {
    case 0:
        fmt(b, "[logstash-%u][0] scheduling refresh", a);
        break;
    case 1:
        fmt(b, "[transport] handshake with 10.20.4.%u:9300 done", c);
        break;
    case 2:
        fmt(b,
            "[logstash-%u] creating index, cause [auto(bulk api)], "
            "templates [logstash], shards [1]/[1]",
            a);
        break;
    case 3:
        fmt(b,
            "current.health=\"GREEN\" message=\"Cluster health status "
            "changed from [YELLOW] to [GREEN] (reason: [shards started "
            "[[logstash-%u][0]]]).\"",
            a);
        break;
    case 4:
        fmt(b,
            "[gc][%u] overhead, spent [%u.%us] collecting in the last "
            "[%u.%us]",
            a, c, a % 10, c + 1, a % 7);
        break;
    case 5:
        fmt(b,
            "high disk watermark [90%%] exceeded on [es-node-%u], "
            "shards will be relocated away from this node",
            c);
        break;
    case 6:
        fmt(b,
            "[logstash-%u][0] failed to execute bulk item (index) "
            "index {[logstash-%u][_doc]}",
            a, a);
        break;
    default:
        fmt(b,
            "exception caught on transport layer [Netty4TcpChannel{"
            "localAddress=/10.20.4.%u:9300}], closing connection",
            c);
        break;
    }
}

static void redis_line(struct buf *b, struct rng *g, int lv)
{
    static const char *const msgs[4][3] = {
        { ". Client closed connection id=%u addr=10.20.2.14:40112",
          "- Accepted 10.20.2.%u:6379", ". DB 0: 4217 keys (%u volatile)" },
        { "* Background saving started by pid %u", "* DB saved on disk",
          "* %u changes in 60 seconds. Saving..." },
        { "# Client id=%u scheduled to be closed ASAP for overcoming of "
          "output buffer limits.",
          "# WARNING Memory overcommit must be enabled!",
          "# Connection with master lost (after %u seconds)." },
        { "# Error trying to save the DB, can't exit.",
          "# Background saving error",
          "# MISCONF Redis is configured to save RDB snapshots, but it's "
          "currently unable to persist to disk (%u)." },
    };

    fill(b, PICK(g, msgs[lv]), rng_below(g, 9000) + 100);
}

static void hap_line(struct buf *b, struct rng *g, int lv)
{
    unsigned app = rng_below(g, 12) + 1, t = rng_below(g, 300) + 3;
    unsigned c = rng_below(g, 200) + 1;

    if (lv == DES_ERROR) {
        fmt(b,
            "fe_https~ be_app/app%02u 0/0/1/-1/%u 502 209 - - SH-- "
            "%u/%u/3/0/0 0/0 \"POST ",
            app, t, c, c);
    } else if (lv == DES_WARN) {
        fmt(b,
            "fe_https~ be_app/<NOSRV> 0/-1/-1/-1/%u 503 217 - - SC-- "
            "%u/%u/0/0/0 0/0 \"GET ",
            t, c, c);
    } else {
        fmt(b,
            "fe_https~ be_app/app%02u 0/0/1/%u/%u %d %u - - ---- "
            "%u/%u/4/1/0 0/0 \"GET ",
            app, t, t + 1, lv == DES_DEBUG ? 304 : 200,
            lv == DES_DEBUG ? 0 : rng_below(g, 60000), c, c);
    }
    url_path(b, g);
    buf_puts(b, " HTTP/1.1\"");
}

/* Problem lines of a checkable kind: [kind][0 warning, 1 error]. */
static const char *const inc_msgs[DEMO_KIND_COUNT][2] = {
    { "kernel: [%u.204711] watchdog: BUG: soft lockup - CPU#1 stuck for 22s!",
      "kernel: [%u.118302] Out of memory: Killed process 2871 (java) "
      "total-vm:8123456kB" },
    { "kernel: [%u.550012] INFO: task java:2871 blocked for more than 120 "
      "seconds.",
      "nrpe[%u]: Command timed out after 60 seconds" },
    { "kernel: [%u.301554] java: page allocation stalls for 10312ms, order:0",
      "kernel: [%u.998120] Out of memory: Killed process 3312 (java)" },
    { "rsyslogd[%u]: disk /var almost full: 94%% used",
      "rsyslogd[%u]: file '/var/log/app/app.log': write error: No space left "
      "on device" },
    { "kernel: [%u.100100] swap usage at 87%%",
      "kernel: [%u.100200] Out of memory (swap exhausted): Killed process "
      "4120 (postgres)" },
    { "kernel: [%u.440200] cgroup: fork rejected by pids controller in "
      "/system.slice/app.service",
      "systemd[1]: app.service: Failed to fork: Resource temporarily "
      "unavailable (%u)" },
    { "sshd[%u]: Accepted publickey for deploy from 10.77.1.5 port 52114 ssh2",
      "sshd[%u]: error: maximum authentication attempts exceeded for root "
      "from 203.0.113.50" },
    { "chronyd[%u]: System clock wrong by 1.300930 seconds",
      "chronyd[%u]: Can't synchronise: no selectable sources" },
    { "backup.sh[%u]: backup finished with warnings: 3 files vanished",
      "backup.sh[%u]: rsync error: error in socket IO (code 10) at io.c(232): "
      "Connection refused" },
    { "nginx[%u]: upstream response time 4.812 s exceeds 2 s",
      "nginx[%u]: connect() failed (111: Connection refused) while connecting "
      "to upstream" },
    { "java[%u]: [gc] GC overhead: G1 Old Generation took 2345 ms, heap 91%% "
      "used after collection",
      "java[%u]: java.lang.OutOfMemoryError: Java heap space" },
    { "java[%u]: Health check degraded: connection pool 95%% used",
      "java[%u]: Health check failed: DataSource unavailable, returning 503 "
      "Service Unavailable" },
    { "postgres[%u]: WARNING:  standby is 87 s behind the primary",
      "postgres[%u]: FATAL:  the database system is in recovery mode" },
    { "elasticsearch[%u]: Cluster health status changed from [GREEN] to "
      "[YELLOW] (reason: [3 unassigned shards])",
      "elasticsearch[%u]: Cluster health status changed from [YELLOW] to "
      "[RED]: primary shard is not active" },
    { "redis-server[%u]: # Connection with master lost.",
      "redis-server[%u]: # MISCONF Redis is unable to persist to disk" },
    { "haproxy[%u]: Server be_app/app03 is DOWN for maintenance.",
      "haproxy[%u]: Server be_app/app03 is DOWN, reason: Layer4 connection "
      "problem, info: \"Connection refused\", check duration: 0ms." },
};

/* What a line in 500 looks like: hostile to terminals and parsers. */
static void hostile(struct buf *b, unsigned idx)
{
    static const char *const msgs[NHOSTILE] = {
        "\x1b[31;1mERROR\x1b[0m payment \x1b[4mfailed\x1b[24m for order 4711",
        "\x1b[2J\x1b[Hscreen cleared by a log line\x1b[?25l",
        "\x1b]0;PWNED-TITLE\x07user login ok",
        "harmless line\rERROR overwritten by carriage return",
        "bell\x07\x07 backspace\x08\x08\x08XXX vt\x0b ff\x0c del\x7f end",
        "C1 CSI \xc2\x9b"
        "31mred\xc2\x9b"
        "0m end",
        NULL, /* the very long line */
        "tabs\tand\nnewlines\n\tindented\n\n\nafter blank lines",
        "lone surrogate \xed\xa0\x80 and replacement \xef\xbf\xbd from bad "
        "bytes",
        "{\"level\":\"ERROR\",\"message\":\"\x1b[31mnested json\x1b[0m\"}",
        "osc52 \x1b]52;c;ZWNobyAicHduZWQiCg==\x07 copy this",
        "\x1b[31mconnection refused\x1b[0m from 10.20.1.5\x07",
    };

    if (msgs[idx] != NULL) {
        buf_puts(b, msgs[idx]);
        return;
    }
    for (int i = 0; i < 9000; i++)
        buf_putc(b, 'A');
    buf_puts(b, " middle ");
    for (int i = 0; i < 3000; i++)
        buf_puts(b, "\xc3\xa9");
    buf_puts(b, " end-of-very-long-line");
}

void des_pool_text(const struct des_world *w, int pool, unsigned idx,
                   struct buf *b)
{
    struct rng g;

    rng_entry(&g, w, pool, idx);
    if (pool == P_CLIENT) {
        unsigned a = rng_below(&g, 4), c = rng_below(&g, 256);

        if (idx % 3 == 0) /* from outside, through the balancer */
            fmt(b, "203.0.113.%u - -", c % 254 + 1);
        else
            fmt(b, "10.%u.%u.%u - -", a, c, rng_below(&g, 254) + 1);
    } else if (pool >= P_REQ && pool < P_REQ + 4) {
        ngx_request(b, &g, pool - P_REQ);
    } else if (pool == P_UA) {
        static const char *const ua[] = {
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
            "Firefox/128.0",
            "curl/7.88.1",
            "kube-probe/1.29",
            "Prometheus/2.45.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            "Safari/605.1.15",
            "python-requests/2.31.0",
        };
        const char *a = PICK(&g, ua);

        fmt(b, "\"%s\" 0.%03u", a, rng_below(&g, 900) + 1);
    } else if (pool >= P_NGXERR && pool < P_NGXERR + 2) {
        ngx_error(b, &g, pool == P_NGXERR);
    } else if (pool >= P_JAVA && pool < P_JAVA + 4) {
        java_line(b, &g, pool - P_JAVA, idx);
    } else if (pool == P_STACK) {
        java_stack(b, &g, idx);
    } else if (pool >= P_PG && pool < P_PG + 4) {
        pg_line(b, &g, pool - P_PG);
    } else if (pool >= P_ESHEAD && pool < P_ESHEAD + 4) {
        int lv = pool - P_ESHEAD;

        fmt(b, "[%-5s][%s]", des_levels[lv], es_loggers[lv][idx % 2]);
    } else if (pool >= P_ESBODY && pool < P_ESBODY + 4) {
        es_body(b, &g, pool - P_ESBODY, idx % 2);
    } else if (pool == P_REDIS_PID) {
        fmt(b, "%u:M", 1000 + rng_below(&g, 60000));
    } else if (pool >= P_REDIS && pool < P_REDIS + 4) {
        redis_line(b, &g, pool - P_REDIS);
    } else if (pool == P_HAP_CLIENT) {
        fmt(b, "haproxy[%u]: 203.0.113.%u:%u", 800 + rng_below(&g, 9000),
            rng_below(&g, 254) + 1, 1024 + rng_below(&g, 60000));
    } else if (pool >= P_HAP && pool < P_HAP + 4) {
        hap_line(b, &g, pool - P_HAP);
    } else if (pool == P_INC) {
        unsigned kind = idx / (2 * INC_VARIANTS);
        unsigned err = idx / INC_VARIANTS % 2;

        fill(b, inc_msgs[kind][err], 1000 + rng_below(&g, 900000));
    } else if (pool == P_HOSTILE) {
        hostile(b, idx);
    }
}

const char *des_host_name(const struct des_world *w, uint32_t h)
{
    return w->d->host[h].name;
}

void des_seg_text(const struct des_world *w, const struct des_doc *doc,
                  const struct des_seg *s, struct buf *b)
{
    if (s->kind == DES_SEG_TIME)
        time_text(s->arg, doc->ms, b);
    else if (s->kind == DES_SEG_HOST)
        buf_printf(b, s->arg ? "[%s]" : "%s", des_host_name(w, doc->host));
    else
        des_pool_text(w, s->arg, s->idx, b);
}

void des_message(const struct des_world *w, const struct des_doc *doc,
                 struct buf *b)
{
    for (int i = 0; i < doc->nseg; i++) {
        if (doc->seg[i].join != 0)
            buf_putc(b, (char)doc->seg[i].join);
        des_seg_text(w, doc, &doc->seg[i], b);
    }
}
