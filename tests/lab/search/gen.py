"""Deterministic Logstash-style log documents for the lab hosts (contract §6).

* Hosts come from the Icinga lab config (``tests/lab/icinga/hosts.conf``:
  name, vars.env, vars.role, the ``lab-host-down`` template, vars.fail.*)
  when it exists, else from DEFAULT_HOSTS below (the same 21 names).
* Development and Test hosts ship like Logstash 7 with ECS disabled: a
  ``file`` input on the host, ``host`` and ``path`` strings, a ``level``
  field, into ``logstash-YYYY.MM.dd``.  Pre-Production and Production hosts
  ship like Filebeat 8 → Logstash 8 (ECS v8): ``host.name``, ``log.level``,
  ``log.file.path``, ``event.original``, ``agent.*``, ``ecs.version``, into
  ``logstash-ecs-YYYY.MM.dd``.  The two shapes cannot share an index (the
  ``host`` string/object conflict), so both index families match
  ``logstash-*``.  Indices are daily, named from @timestamp in UTC.
* Timestamps are relative to the start time: over the last 7 days, denser
  recently (about 2 % in the last 15 minutes).  Hosts the Icinga lab keeps
  DOWN stop logging a few minutes before start, after a burst of errors;
  hosts with a failing Icinga check log about the same problem.
* About 1 % of the documents are hostile (tag ``lab_hostile``): ANSI and OSC
  escape sequences, C0/C1 control characters, bidi overrides, lone UTF-16
  surrogates and U+FFFD (invalid UTF-8 as far as JSON can carry it), very
  long lines, wide CJK and emoji, combining marks, a hostile field name.
  Several of them are within the last 15 minutes.
* The same seed gives the same documents (ids, content, relative times).
"""

import os
import random
import re

import datemath

DEFAULT_HOSTS = [
    # name, env, role, down, flags
    ("dev-web-01", "Development", "web", False, ()),
    ("dev-app-01", "Development", "app", False, ("app-health",)),
    ("dev-app-02", "Development", "app", False, ()),
    ("dev-db-01", "Development", "db", False, ()),
    ("dev-es-01", "Development", "es", False, ()),
    ("tst-web-01", "Test", "web", False, ("http",)),
    ("tst-app-01", "Test", "app", False, ()),
    ("tst-app-02", "Test", "app", True, ()),
    ("tst-db-01", "Test", "db", False, ()),
    ("tst-es-01", "Test", "es", False, ()),
    ("ppd-web-01", "Pre-Production", "web", False, ()),
    ("ppd-app-01", "Pre-Production", "app", False, ("backup",)),
    ("ppd-app-02", "Pre-Production", "app", False, ()),
    ("ppd-db-01", "Pre-Production", "db", False, ()),
    ("ppd-es-01", "Pre-Production", "es", True, ()),
    ("prd-web-01", "Production", "web", False, ()),
    ("prd-web-02", "Production", "web", False, ("http",)),
    ("prd-app-01", "Production", "app", False, ("jvm_high",)),
    ("prd-app-02", "Production", "app", True, ()),
    ("prd-db-01", "Production", "db", False, ("postgres",)),
    ("prd-es-01", "Production", "es", False, ("es-cluster",)),
]

DAY_MS = 86400000


class Host:
    def __init__(self, name, env, role, down, flags, ip):
        self.name, self.env, self.role, self.down = name, env, role, down
        self.flags = set(flags)
        self.ip = ip

    @property
    def ecs(self):
        return self.env in ("Pre-Production", "Production")


def load_hosts(conf_dir=None):
    """Hosts from the Icinga lab config if present, else DEFAULT_HOSTS."""
    path = os.path.join(conf_dir, "hosts.conf") if conf_dir else None
    hosts = []
    if path and os.path.exists(path):
        text = open(path, encoding="utf-8").read()
        blocks = re.split(r'(?=object Host ")', text)
        for b in blocks:
            m = re.match(r'object Host "([^"]+)"', b)
            if not m:
                continue
            env = re.search(r'vars\.env = "([^"]+)"', b)
            role = re.search(r'vars\.role = "([^"]+)"', b)
            addr = re.search(r'address = "(\d+\.\d+\.\d+\.\d+)"', b)
            flags = re.findall(r'vars\.fail(?:\.([\w-]+)|\["([\w-]+)"\])', b)
            flags = [a or c for a, c in flags]
            if "jvm_high = true" in b:
                flags.append("jvm_high")
            hosts.append((m.group(1), env.group(1) if env else "Development",
                          role.group(1) if role else "app",
                          '"lab-host-down"' in b, tuple(flags),
                          addr.group(1) if addr else None))
    if not hosts:
        hosts = [h + (None,) for h in DEFAULT_HOSTS]
    out = []
    env_net = {"Development": 1, "Test": 2, "Pre-Production": 3, "Production": 4}
    for i, (name, env, role, down, flags, ip) in enumerate(hosts):
        if ip is None:
            ip = "10.20.%d.%d" % (env_net.get(env, 9), 10 + i)
        out.append(Host(name, env, role, down, flags, ip))
    return out


# ------------------------------------------------------------- messages

_PATHS = ["/api/v1/orders", "/api/v1/orders/%d", "/api/v1/users/%d", "/api/v1/cart",
          "/api/v1/search?q=shoes", "/health", "/static/app.%x.js", "/login",
          "/api/v1/payments", "/metrics"]
_AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
           "curl/7.88.1", "kube-probe/1.29", "Prometheus/2.45.0",
           "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"]
_SERVICES = {"orders": "c.e.orders.OrderService", "billing": "c.e.billing.InvoiceJob",
             "catalog": "c.e.catalog.SearchController", "users": "c.e.users.SessionFilter"}
_SHARED_CLASSES = ["o.h.engine.jdbc.spi.SqlExceptionHelper", "c.z.hikari.pool.HikariPool"]


def _nginx(r, host, level):
    status = {"ERROR": r.choice([500, 502, 503, 504]), "WARN": r.choice([404, 401, 429, 499]),
              "DEBUG": 304}.get(level, r.choice([200, 200, 200, 201, 204, 301]))
    if "http" in host.flags and level == "ERROR":
        status = 502
    path = r.choice(_PATHS)
    if "%" in path:
        path = path % r.randint(1, 99999)
    ip = "10.%d.%d.%d" % (r.randint(0, 3), r.randint(0, 255), r.randint(1, 254))
    verb = r.choice(["GET", "GET", "GET", "POST", "PUT", "DELETE"])
    size = r.randint(0, 90000) if status < 400 else r.randint(100, 600)
    agent = r.choice(_AGENTS)
    rt = r.randint(1, 900) / 1000.0 if level != "WARN" else r.randint(1000, 9000) / 1000.0
    msg = ('%s - - [%%s] "%s %s HTTP/1.1" %d %d "-" "%s" %.3f'
           % (ip, verb, path, status, size, agent, rt))
    extra = {"clientip": ip, "verb": verb, "request": path, "response": status,
             "bytes": size, "agent": agent, "request_time": rt}
    return msg, "/var/log/nginx/access.log", extra


def _nginx_error(r, host, level):
    up = "10.20.%d.%d" % (r.randint(1, 4), r.randint(20, 30))
    msg = r.choice([
        "[error] 1234#1234: *%d connect() failed (111: Connection refused) while connecting "
        "to upstream, client: 10.1.2.3, server: shop, request: \"GET /api/v1/cart HTTP/1.1\", "
        "upstream: \"http://%s:8080/api/v1/cart\"" % (r.randint(1, 999999), up),
        "[error] 1234#1234: *%d upstream timed out (110: Connection timed out) while reading "
        "response header from upstream, upstream: \"http://%s:8080/\"" % (r.randint(1, 999999), up),
        "[warn] 1234#1234: *%d an upstream response is buffered to a temporary file "
        "/var/cache/nginx/proxy_temp/1/00/0000000001" % r.randint(1, 999999),
    ])
    return "%s " + msg, "/var/log/nginx/error.log", {}


_APP_MSG = {
    "DEBUG": ["Cache lookup key=product:%d hit=%s", "SQL select took %d ms",
              "Acquired connection from pool (active=%d)", "Request headers parsed in %d us"],
    "INFO": ["Order %d created for customer %d", "Invoice batch %d finished: %d invoices",
             "User %d logged in from %ip", "Started ShopApplication in %d.%d seconds",
             "GET /api/v1/orders/%d completed 200 in %d ms", "Scheduled job cleanup ran, %d rows removed"],
    "WARN": ["Slow query: %d ms for SELECT * FROM orders WHERE customer_id = %d",
             "HikariPool-1 - Connection is not available, request timed out after %d ms",
             "Retrying payment provider call (attempt %d of %d)",
             "Circuit breaker 'payments' is OPEN after %d failures"],
    "ERROR": ["Failed to process order %d: java.net.SocketTimeoutException: Read timed out",
              "Payment declined for order %d: upstream returned 503 Service Unavailable",
              "Unhandled exception in request %d: java.lang.NullPointerException",
              "Could not connect to database: Connection refused (attempt %d)"],
}

_STACK = ("\n\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)"
          "\n\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)"
          "\n\tat org.apache.http.impl.io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl.java:153)"
          "\n\tat com.example.orders.PaymentClient.charge(PaymentClient.java:88)"
          "\n\t... 42 common frames omitted")


def _fill(r, template):
    """Fill %d with numbers, %s with a boolean, %ip with an address."""
    out = template.replace("%ip", "10.1.%d.%d" % (r.randint(0, 255), r.randint(1, 254)))
    out = re.sub(r"%d", lambda _m: str(r.randint(2, 9999)), out)
    out = re.sub(r"%s", lambda _m: r.choice(["true", "false"]), out)
    return out.replace("%%", "%")


def _app(r, host, level):
    svc = r.choice(sorted(_SERVICES))
    cls = _SERVICES[svc] if r.random() < 0.8 else r.choice(_SHARED_CLASSES)
    thread = r.choice(["main", "http-nio-8080-exec-%d" % r.randint(1, 40),
                       "scheduling-1", "HikariPool-1 housekeeper"])
    text = _fill(r, r.choice(_APP_MSG[level]))
    if "jvm_high" in host.flags and level in ("WARN", "ERROR") and r.random() < 0.5:
        text = ("GC overhead: G1 Old Generation took %d ms, heap %d%% used after collection"
                % (r.randint(800, 4000), r.randint(88, 99)))
    if "app-health" in host.flags and level == "ERROR" and r.random() < 0.5:
        text = "Health check failed: DataSource unavailable, returning 503 Service Unavailable"
    if level == "ERROR" and r.random() < 0.4:
        text += _STACK
    msg = "%s %-5s [%s] %s - %s" % ("%s", level, thread, cls, text)
    return msg, "/var/log/%s/%s.log" % (svc, svc), {"logger": cls, "thread": thread,
                                                      "service": svc}


_DB_MSG = {
    "DEBUG": ["statement: SELECT 1", "autovacuum: processing database \"shop\""],
    "INFO": ["checkpoint starting: time", "checkpoint complete: wrote %d buffers (%d.%d%%)",
             "connection authorized: user=app database=shop", "automatic vacuum of table \"shop.public.orders\""],
    "WARN": ["could not receive data from client: Connection reset by peer",
             "replication lag on standby is %d s", "temporary file: path \"base/pgsql_tmp/pgsql_tmp%d.0\", size %d"],
    "ERROR": ["duplicate key value violates unique constraint \"orders_pkey\"",
              "canceling statement due to statement timeout",
              "deadlock detected", "FATAL: password authentication failed for user \"report\""],
}


def _db(r, host, level):
    text = _fill(r, r.choice(_DB_MSG[level]))
    if "postgres" in host.flags and level == "WARN" and r.random() < 0.6:
        text = "replication lag on standby prd-db-02 is %d s" % r.randint(30, 120)
    pglevel = {"DEBUG": "DEBUG1", "INFO": "LOG", "WARN": "WARNING", "ERROR": "ERROR"}[level]
    msg = "%s [%d] %s:  %s" % ("%s", r.randint(1000, 99999), pglevel, text)
    return msg, "/var/log/postgresql/postgresql-15-main.log", {"pid": r.randint(1000, 99999)}


_ES_MSG = {
    "DEBUG": ["[o.e.i.s.IndexShard] [%s] [logs-%d][0] scheduling refresh"],
    "INFO": ["[o.e.c.m.MetadataCreateIndexService] [%s] [logstash-2024.%d] creating index",
             "[o.e.c.r.a.AllocationService] [%s] Cluster health status changed from [YELLOW] to [GREEN]"],
    "WARN": ["[o.e.m.j.JvmGcMonitorService] [%s] [gc][%d] overhead, spent [%d.%ds] collecting in the last [%d.%ds]",
             "[o.e.c.r.a.DiskThresholdMonitor] [%s] high disk watermark [90%%] exceeded on [node-%d]"],
    "ERROR": ["[o.e.b.ElasticsearchUncaughtExceptionHandler] [%s] fatal error in thread [main], exiting",
              "[o.e.a.b.TransportShardBulkAction] [%s] [logs-%d][0] failed to execute bulk item (index)"],
}


def _es(r, host, level):
    t = r.choice(_ES_MSG[level]).replace("%s", host.name, 1).replace("%%", "%")
    text = re.sub(r"%d", lambda _m: str(r.randint(1, 999)), t)
    if "es-cluster" in host.flags and level == "WARN" and r.random() < 0.5:
        text = ("[o.e.c.r.a.AllocationService] [%s] Cluster health status changed from "
                "[GREEN] to [YELLOW] (reason: [%d unassigned shards])" % (host.name, r.randint(1, 5)))
    lvl = {"DEBUG": "DEBUG", "INFO": "INFO ", "WARN": "WARN ", "ERROR": "ERROR"}[level]
    msg = "[%s][%s]%s" % ("%s", lvl, text)
    return msg, "/var/log/elasticsearch/logs.log", {}


def _syslog(r, host, level):
    text = r.choice(["sshd[%d]: Accepted publickey for deploy from 10.77.1.1 port %d ssh2",
                     "CRON[%d]: (root) CMD (/usr/local/bin/backup.sh)",
                     "systemd[1]: Started Daily apt upgrade and clean activities (%d).",
                     "kernel: [%d.%d] TCP: request_sock_TCP: Possible SYN flooding on port 443."])
    text = re.sub(r"%d", lambda _m: str(r.randint(1, 99999)), text)
    return "%s " + host.name + " " + text, "/var/log/syslog", {}


def _message(r, host, level):
    role = host.role
    if role == "web":
        if level in ("ERROR", "WARN") and r.random() < 0.5:
            return _nginx_error(r, host, level)
        return _nginx(r, host, level)
    if role == "app":
        return _app(r, host, level)
    if role == "db":
        return _db(r, host, level)
    if role == "es":
        return _es(r, host, level)
    return _syslog(r, host, level)


def _time_prefix(path, ms):
    """How each log format writes its own time inside the raw line."""
    d = datemath.format_ms(ms, "yyyy-MM-dd HH:mm:ss")
    if "nginx/access" in path:
        return datemath.format_ms(ms, "dd") + "/" + \
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
             "Nov", "Dec"][int(datemath.format_ms(ms, "MM")) - 1] + "/" + \
            datemath.format_ms(ms, "yyyy:HH:mm:ss") + " +0000"
    if "nginx/error" in path:
        return datemath.format_ms(ms, "yyyy/MM/dd HH:mm:ss")
    if "postgresql" in path:
        return d + "." + datemath.format_ms(ms, "SSS") + " UTC"
    if "elasticsearch" in path:
        return datemath.format_ms(ms, "yyyy-MM-dd'T'HH:mm:ss,SSS")
    if "syslog" in path:
        return datemath.format_ms(ms, "MM-dd HH:mm:ss")
    return d + "," + datemath.format_ms(ms, "SSS")


# -------------------------------------------------------------- hostile

def hostile_messages(r):
    """Messages and extra fields that try to break a terminal or a parser."""
    long_line = "A" * 9000 + " middle " + "é" * 3000 + " end-of-very-long-line"
    huge = ("Dumping request body: " + "".join(
        r.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(120000)))
    return [
        ("ansi-colour", "\x1b[31;1mERROR\x1b[0m payment \x1b[4mfailed\x1b[24m for order 4711", {}),
        ("ansi-clear", "\x1b[2J\x1b[H\x1b[?1049hscreen cleared by a log line\x1b[?25l", {}),
        ("osc-title", "\x1b]0;PWNED-TITLE\x07user login ok \x1b]2;second title\x1b\\", {}),
        ("osc52-clipboard", "\x1b]52;c;ZWNobyAicHduZWQiCg==\x07copy this", {}),
        ("osc8-link", "see \x1b]8;;http://evil.example/\x1b\\this link\x1b]8;;\x1b\\ now", {}),
        ("dcs-sequence", "\x1bP+q544e\x1b\\ device control string and \x1b[6n cursor report", {}),
        ("c1-controls", "C1 CSI \u009b31mred\u009b0m NEL\u0085 OSC\u009d0;t\u009c end", {}),
        ("c0-controls", "bell\x07 backspace\x08\x08\x08XXX null\x00 vt\x0b ff\x0c so\x0e si\x0f "
                        "esc-only\x1b del\x7f end", {}),
        ("carriage-return", "harmless line\rERROR overwritten by carriage return", {}),
        ("bidi-override", "invoice_\u202egpj.exe\u202c downloaded; \u2067isolated\u2069 \u200f rlm", {}),
        ("zero-width", "zero\u200bwidth\u200cjoiner\u200d\ufeffbom\u2060word-joiner", {}),
        ("invalid-utf8", "replacement \ufffd\ufffd from bad bytes, lone surrogates "
                         "\ud800 and \udfff, noncharacters \uffff \ufffe", {}),
        ("very-long-line", long_line, {}),
        ("huge-line", huge, {}),
        ("cjk-wide", "数据库连接超时：无法连接到主服务器 プライマリ接続エラー 데이터베이스 오류 "
                     "ＦＵＬＬＷＩＤＴＨ 🔥🚒 end", {}),
        ("combining", "Ze\u0301\u0301\u0301\u0301ro Z\u0336\u0351\u0358a\u0337\u034el\u0338g\u0335o", {}),
        ("tabs-newlines", "first line\n\tsecond line\n\t\tthird\ttabbed\tline\n\n\nafter blanks", {}),
        ("hostile-fields", "hostile values in other fields",
         {"logger": "\x1b[32mfake.Logger\x1b[0m", "thread": "\u202eevil-thread\u202c",
          "path_suffix": "\x1b]0;t\x07"}),
        ("hostile-key", "a field whose name holds escapes",
         {"weird\x1b[31mkey": "value", "emoji_🔥": "🔥"}),
        ("json-in-message", '{"level":"ERROR","message":"\x1b[31mnested json\x1b[0m","n":1}', {}),
    ]


# ------------------------------------------------------------ documents

_LEVELS = [("INFO", 66), ("DEBUG", 14), ("WARN", 13), ("ERROR", 7)]


def _level(r, host, age_ms):
    w = dict(_LEVELS)
    if host.env == "Production":
        w["DEBUG"] = 3
    if host.down and age_ms < 3600000:
        w = {"ERROR": 60, "WARN": 30, "INFO": 10, "DEBUG": 0}
    total = sum(w.values())
    x = r.random() * total
    for k, v in w.items():
        x -= v
        if x < 0:
            return k
    return "INFO"


def _age_ms(r, span_days=7):
    """Denser recently: 60 % exponential (mean 6 h), 40 % uniform."""
    if r.random() < 0.6:
        age = r.expovariate(1.0 / (6 * 3600000))
        if age < span_days * DAY_MS:
            return int(age)
    return int(r.random() * span_days * DAY_MS)


def index_name(host, ms):
    day = datemath.format_ms(ms, "yyyy.MM.dd")
    return ("logstash-ecs-" if host.ecs else "logstash-") + day


def build_doc(r, host, ms, level, hostile=None, seq=0):
    """One document in the host's shape; returns (index, source dict)."""
    if hostile is not None:
        kind, text, extra = hostile
        path = "/var/log/app/app.log"
        raw = text
        fields = dict(extra)
        fields["lab_hostile"] = kind
    else:
        msg, path, fields = _message(r, host, level)
        raw = msg.replace("%s", _time_prefix(path, ms), 1) if "%s" in msg else msg
    ts = datemath.iso(ms)
    if not host.ecs:
        src = {"@timestamp": ts, "@version": "1", "message": raw, "host": host.name,
               "path": path, "level": level, "env": host.env, "role": host.role,
               "type": host.role + "-log"}
        for k, v in fields.items():
            if k == "lab_hostile":
                src["tags"] = ["lab_hostile"]
                src["hostile_kind"] = v
            elif k == "path_suffix":
                src["path"] = path + v
            else:
                src[k] = v
        if hostile is None and r.random() < 0.03:
            src["tags"] = ["_grokparsefailure"]
        return index_name(host, ms), src
    src = {"@timestamp": ts, "@version": "1", "message": raw,
           "event": {"original": raw, "dataset": host.role + ".log"},
           "host": {"name": host.name, "hostname": host.name, "ip": [host.ip]},
           "log": {"level": level, "file": {"path": path}, "offset": seq * 137 % 10 ** 7},
           "agent": {"type": "filebeat", "version": "8.15.0", "name": host.name,
                     "id": _agent_id(host.name)},
           "ecs": {"version": "8.0.0"}, "input": {"type": "filestream"},
           "labels": {"env": host.env, "role": host.role},
           "tags": ["beats_input_codec_plain_applied"]}
    for k, v in fields.items():
        if k == "lab_hostile":
            src["tags"] = ["beats_input_codec_plain_applied", "lab_hostile"]
            src["labels"]["hostile_kind"] = v
        elif k in ("clientip",):
            src["source"] = {"ip": v}
        elif k == "verb":
            src.setdefault("http", {}).setdefault("request", {})["method"] = v
        elif k == "response":
            src.setdefault("http", {}).setdefault("response", {})["status_code"] = v
        elif k == "bytes":
            src.setdefault("http", {}).setdefault("response", {}).setdefault(
                "body", {})["bytes"] = v
        elif k == "request":
            src["url"] = {"original": v}
        elif k == "agent":
            src["user_agent"] = {"original": v}
        elif k == "request_time":
            src.setdefault("event", {})["duration"] = int(v * 1e9)
        elif k == "logger":
            src["log"]["logger"] = v
        elif k == "thread":
            src["process"] = {"thread": {"name": v}}
        elif k == "service":
            src["service"] = {"name": v}
        elif k == "pid":
            src["process"] = {"pid": v}
        elif k == "path_suffix":
            src["log"]["file"]["path"] = path + v
        else:
            src[k] = v
    return index_name(host, ms), src


def _agent_id(name):
    """A stable id per host (Python's hash() is salted per process)."""
    import hashlib
    h = hashlib.sha1(name.encode()).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def generate(hosts, count, seed, now_ms, span_days=7):
    """[(index, source)] for count documents, oldest first."""
    r = random.Random(seed)
    plan = []
    for i in range(count):
        host = r.choice(hosts)
        age = _age_ms(r, span_days)
        if host.down and age < 5 * 60000:
            age += 5 * 60000 + r.randint(0, 600000)      # silent since it went down
        plan.append((age, host))
    # Hostile documents: every kind, some very recent, some older.
    hostile = hostile_messages(r)
    for k, h in enumerate(hostile):
        for copy in range(2):
            host = hosts[(k * 7 + copy * 3) % len(hosts)]
            while host.down:
                host = hosts[(hosts.index(host) + 1) % len(hosts)]
            age = r.randint(10000, 14 * 60000) if copy == 0 else _age_ms(r, span_days)
            plan.append((age, host, h))
    plan.sort(key=lambda p: -p[0])
    docs = []
    for seq, p in enumerate(plan):
        age, host = p[0], p[1]
        ms = now_ms - age
        level = _level(r, host, age) if len(p) == 2 else "ERROR"
        idx, src = build_doc(r, host, ms, level, p[2] if len(p) == 3 else None, seq)
        docs.append((idx, src))
    return docs


class Trickle:
    """New documents for follow mode: one per call, timestamped now."""

    def __init__(self, hosts, seed):
        self.r = random.Random(seed * 7919 + 1)
        self.hosts = [h for h in hosts if not h.down]
        self.seq = 10 ** 6

    def next(self, now_ms):
        host = self.r.choice(self.hosts)
        level = _level(self.r, host, 10 ** 9)
        self.seq += 1
        return build_doc(self.r, host, now_ms, level, None, self.seq)
