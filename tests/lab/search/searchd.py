#!/usr/bin/python3
"""searchd: the mctop lab's Elasticsearch / Kibana stand-in.

Serves the Elasticsearch REST API (``_search`` and friends, engine.py) on
one port and Kibana's console proxy (kibana.py) on another, over HTTP or
TLS, from an in-memory store filled with generated Logstash documents
(gen.py).  Python 3 standard library only.  It runs in the foreground,
never forks, logs one line per request to stdout and stops on SIGTERM or
SIGINT.

    searchd.py --listen 127.0.0.1 --es-port 19200 --kibana-port 15601 \\
        --users users --api-keys api_keys --tls-cert c.crt --tls-key c.key

See tests/lab/search.md for what is supported and the test triggers.
"""

import argparse
import http.server
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time

sys.dont_write_bytecode = True         # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import datemath  # noqa: E402
import engine as engine_mod  # noqa: E402
import gen  # noqa: E402
import kibana as kibana_mod  # noqa: E402
from store import Store  # noqa: E402

_LOG_LOCK = threading.Lock()


def log(msg):
    with _LOG_LOCK:
        sys.stdout.write("%s %s\n" % (datemath.iso(datemath.now_ms()), msg))
        sys.stdout.flush()


def _printable(s):
    """Request targets go into the log: no control characters."""
    return "".join(c if " " <= c < "\x7f" else "\\x%02x" % ord(c) for c in s)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120
    app = None          # set per server: engine or kibana
    tag = "es"

    def log_message(self, fmt, *args):      # the default logger is replaced
        pass

    def _body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _serve(self):
        t0 = time.monotonic()
        if self.headers.get("Expect", "").lower() == "100-continue":
            self.send_response_only(100)
            self.end_headers()
        body = self._body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.app.handle(self.command, self.path, headers, body,
                                self.client_address[0])
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            log('%s %s %s "%s %s" RESET (lab fault)' % (
                self.tag, self.client_address[0], reply.user or "-", self.command,
                _printable(self.path)))
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self.close_connection = True
            self.wfile.flush()
            self.connection.close()
            return
        self.send_response_only(reply.status, engine_mod.status_text(reply.status))
        for k, v in reply.headers:
            self.send_header(k, v)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD" and reply.body:
            self.wfile.write(reply.body)
        ms = (time.monotonic() - t0) * 1000
        log('%s %s %s "%s %s" %d %d %.1fms' % (
            self.tag, self.client_address[0], reply.user or "-", self.command,
            _printable(self.path), reply.status, len(reply.body), ms))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    def do_PATCH(self):
        self._serve()

    def do_OPTIONS(self):
        self._serve()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    tls = None

    def finish_request(self, request, client_address):
        if self.tls is not None:
            try:
                request.settimeout(30)
                request = self.tls.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError) as e:
                log("%s %s TLS handshake failed: %s" % (
                    self.RequestHandlerClass.tag, client_address[0], e))
                return
        self.RequestHandlerClass(request, client_address, self)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout)):
            return
        log("%s %s connection error: %r" % (self.RequestHandlerClass.tag,
                                            client_address[0], exc))


def make_server(addr, port, app, tag, tls):
    cls = type("Handler_" + tag, (Handler,), {"app": app, "tag": tag})
    srv = Server((addr, port), cls)
    srv.tls = tls
    return srv


def parse_args(argv):
    p = argparse.ArgumentParser(description="The mctop lab's Elasticsearch/Kibana stand-in.")
    p.add_argument("--listen", default="127.0.0.1", help="address for both ports")
    p.add_argument("--es-port", type=int, default=9200, help="Elasticsearch API port (0: off)")
    p.add_argument("--kibana-port", type=int, default=5601, help="Kibana port (0: off)")
    p.add_argument("--tls-cert", help="serve TLS with this certificate chain (PEM)")
    p.add_argument("--tls-key", help="the certificate's private key (PEM)")
    p.add_argument("--users", help="users file: user:password:role per line")
    p.add_argument("--api-keys", help="API keys file: id:key:user per line")
    p.add_argument("--no-auth", action="store_true", help="accept every request unauthenticated")
    p.add_argument("--es-version", default="8.15.0", help="7.x or 8.x behaviour (default 8.15.0)")
    p.add_argument("--kibana-version", default="8.15.0",
                   help="<8.6 mirrors statuses, 8.6+ x-console-proxy-status-code, 9.x internal")
    p.add_argument("--seed", type=int, default=42, help="data generator seed")
    p.add_argument("--docs", type=int, default=4000, help="generated documents")
    p.add_argument("--days", type=int, default=7, help="days of history")
    p.add_argument("--hosts-from", help="directory with the Icinga lab's hosts.conf")
    p.add_argument("--refresh-interval", type=float, default=1.0,
                   help="seconds until indexed documents become searchable (ES: 1s)")
    p.add_argument("--trickle", type=float, default=0,
                   help="index one new document every N seconds (follow mode)")
    p.add_argument("--max-rps", type=int, default=0,
                   help="searches per second before 429 es_rejected_execution (0: no limit)")
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    t0 = time.monotonic()
    cfg = engine_mod.Config()
    cfg.es_version = a.es_version
    cfg.auth = not a.no_auth
    cfg.users_file = a.users
    cfg.keys_file = a.api_keys
    cfg.max_rps = a.max_rps
    cfg.tls = bool(a.tls_cert)
    if cfg.auth and not a.users and not a.api_keys:
        sys.exit("searchd: --users/--api-keys needed (or --no-auth)")

    store = Store(a.refresh_interval, id_seed="lab-%d" % a.seed)
    hosts = gen.load_hosts(a.hosts_from)
    now = datemath.now_ms()
    for index, src in gen.generate(hosts, a.docs, a.seed, now, a.days):
        store.add_loaded(index, src, store.new_id())
    store.warm()
    eng = engine_mod.Engine(cfg, store, log)
    kib = kibana_mod.Kibana(eng, a.kibana_version)

    tls = None
    if a.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.minimum_version = ssl.TLSVersion.TLSv1_2
        tls.load_cert_chain(a.tls_cert, a.tls_key)

    servers = []
    try:
        if a.es_port:
            servers.append(make_server(a.listen, a.es_port, eng, "es", tls))
        if a.kibana_port:
            servers.append(make_server(a.listen, a.kibana_port, kib, "kibana", tls))
    except OSError as e:
        sys.exit("searchd: cannot listen on %s: %s" % (a.listen, e))

    stop = threading.Event()

    def on_signal(signum, _frame):
        log("signal %d: stopping" % signum)
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    for s in servers:
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()

    def refresher():            # ES's periodic refresh (index.refresh_interval)
        while not stop.wait(max(a.refresh_interval, 0.05)):
            store.refresh()
    threading.Thread(target=refresher, daemon=True).start()

    if a.trickle > 0:
        trickle = gen.Trickle(hosts, a.seed)

        def trickler():
            import jsonpos
            while not stop.wait(a.trickle):
                index, src = trickle.next(datemath.now_ms())
                store.index_doc(index, src, jsonpos.dumps(src))
        threading.Thread(target=trickler, daemon=True).start()

    ndocs = sum(len(ix.docs) for ix in store.indices.values())
    scheme = "https" if tls else "http"
    log("searchd ready in %.1fs: %d documents in %d indices (seed %d, ES %s, Kibana %s, %s)"
        % (time.monotonic() - t0, ndocs, len(store.indices), a.seed, a.es_version,
           a.kibana_version, "auth" if cfg.auth else "NO AUTH"))
    if a.es_port:
        log("elasticsearch: %s://%s:%d" % (scheme, a.listen, a.es_port))
    if a.kibana_port:
        log("kibana:        %s://%s:%d" % (scheme, a.listen, a.kibana_port))
    if a.trickle > 0:
        log("trickle: one new document every %gs" % a.trickle)
    stop.wait()
    for s in servers:
        s.shutdown()
        s.server_close()
    log("searchd stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
