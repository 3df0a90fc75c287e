"""Kibana's console proxy and status API (contract §5).

``POST /api/console/proxy?path=<ES path>&method=<VERB>`` (also under
``/s/<space>/``) forwards the raw body with the caller's ``Authorization``
and ``Content-Type`` to the same engine that serves port 9200.

Version behaviour (``--kibana-version``):
* < 8.6: the HTTP status mirrors Elasticsearch's; the body is ES's body.
* 8.6 - 8.x: always 200; the real status is in ``x-console-proxy-status-code``
  and ``x-console-proxy-status-text``; the body is ES's body.
* 9.x: the route is internal: 400 unless ``x-elastic-internal-origin`` is
  sent (then as 8.6+).

Kibana's own errors use the Boom envelope
``{"statusCode":N,"error":"...","message":"..."}``: 401 for missing or wrong
credentials (Kibana authenticates the caller before routing), 400 when the
``kbn-xsrf`` header is missing (checked after authentication, as Kibana's
post-auth XSRF handler does), 400 for a bad ``method``/``path`` query
parameter, 404 for unknown routes.
"""

import re
import urllib.parse

import engine as engine_mod
import errors
import jsonpos

METHODS = ("HEAD", "GET", "POST", "PUT", "DELETE")


def boom(status, message, headers=None):
    body = {"statusCode": status, "error": engine_mod.status_text(status), "message": message}
    return engine_mod.Reply(status, jsonpos.dumpb(body),
                            [("content-type", "application/json; charset=utf-8")] + (headers or []))


def _version_tuple(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


class Kibana:
    def __init__(self, engine, version="8.15.0"):
        self.engine = engine
        self.version = version
        self.vt = _version_tuple(version)

    def handle(self, method, target, headers, body, client="-"):
        path, _, query = target.partition("?")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        m = re.match(r"^(?:/s/[a-z0-9_-]+)?(/api/.*)$", path)
        route = m.group(1) if m else path
        user = None
        if route != "/api/status" or self.engine.auth.enabled:
            try:
                user = self.engine.auth.authenticate(headers.get("authorization"), route)
            except errors.EsError:
                return boom(401, "Unauthorized")
        if route == "/api/status" and method == "GET":
            r = self.status()
        elif route == "/api/console/proxy":
            if method != "POST":
                r = boom(404, "Not Found")
            else:
                r = self.proxy(params, headers, body)
        else:
            r = boom(404, "Not Found")
        r.user = user.name if user else None
        return r

    def status(self):
        v = {"number": self.version, "build_hash": "lab", "build_number": 76543,
             "build_snapshot": False}
        if self.vt >= (8, 0, 0):
            body = {"name": "lab-kibana", "uuid": "5b2de169-2785-441b-ae8c-186a1936b17d",
                    "version": v,
                    "status": {"overall": {"level": "available",
                                           "summary": "All services and plugins are available"},
                               "core": {"elasticsearch": {"level": "available",
                                                          "summary": "Elasticsearch is available"},
                                        "savedObjects": {"level": "available",
                                                         "summary": "SavedObjects service has "
                                                                    "completed migrations and is "
                                                                    "available"}},
                               "plugins": {}}}
        else:
            body = {"name": "lab-kibana", "uuid": "5b2de169-2785-441b-ae8c-186a1936b17d",
                    "version": v,
                    "status": {"overall": {"state": "green", "title": "Green",
                                           "nickname": "Looking good", "icon": "success",
                                           "uiColor": "secondary"},
                               "statuses": []}}
        return engine_mod.Reply(200, jsonpos.dumpb(body),
                                [("content-type", "application/json; charset=utf-8")])

    def proxy(self, params, headers, body):
        if self.vt >= (9, 0, 0) and headers.get("x-elastic-internal-origin", "").lower() != "kibana":
            return boom(400, "uri [/api/console/proxy] with method [post] exists but is not "
                             "available with the current configuration")
        if "kbn-xsrf" not in headers and "kbn-version" not in headers:
            return boom(400, "Request must contain a kbn-xsrf header.")
        method = params.get("method")
        path = params.get("path")
        if method is None:
            return boom(400, "[request query.method]: expected value of type [string] but "
                             "got [undefined]")
        if method.upper() not in METHODS:
            return boom(400, "[request query.method]: Method must be one of, case insensitive "
                             "['HEAD', 'GET', 'POST', 'PUT', 'DELETE']. Received '%s'." % method)
        if path is None:
            return boom(400, "[request query.path]: expected value of type [string] but got "
                             "[undefined]")
        if not path:
            return boom(400, "[request query.path]: Expected non-empty string")
        if not path.startswith("/"):
            path = "/" + path
        fwd = {}
        for h in ("authorization", "content-type"):
            if h in headers:
                fwd[h] = headers[h]
        r = self.engine.handle(method.upper(), path, fwd, body)
        if r.reset:
            status, text = 502, "Bad Gateway"
            out = boom(502, "socket hang up")
            if self.vt >= (8, 6, 0):
                out.headers += [("x-console-proxy-status-code", "502"),
                                ("x-console-proxy-status-text", text)]
            return out
        hdrs = [(k, v) for k, v in r.headers if k.lower() in ("content-type", "warning")]
        status = r.status
        text = engine_mod.status_text(status)
        out_body = r.body
        if method.upper() == "HEAD":
            out_body = ("%d - %s" % (status, text)).encode()
            hdrs = [("content-type", "text/plain; charset=utf-8")]
        if self.vt >= (8, 6, 0):
            hdrs += [("x-console-proxy-status-code", str(status)),
                     ("x-console-proxy-status-text", text)]
            status = 200
        rep = engine_mod.Reply(status, out_body, hdrs)
        rep.delay = r.delay
        return rep
