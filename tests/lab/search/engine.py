"""The Elasticsearch REST layer: routing, auth, faults and response format.

``Engine.handle()`` takes one HTTP request (method, raw target, headers,
body bytes) and returns a ``Reply``.  The HTTP front-end (searchd.py) and
the Kibana console proxy (kibana.py) both call it, so a request through
Kibana reaches exactly the same code as one sent to port 9200.

Endpoints (anything else: ES's "no handler found" 400, or 405 with Allow):
  GET|HEAD /                       cluster info
  GET|POST /_search, /<ix>/_search the search API (search.py)
  POST /<ix>/_doc, PUT|POST /<ix>/_doc/<id>, PUT|POST /<ix>/_create/<id>
  GET|DELETE /<ix>/_doc/<id>
  POST|PUT /_bulk, /<ix>/_bulk     ndjson: index, create, delete
  POST /_refresh, /<ix>/_refresh
  POST /<ix>/_pit?keep_alive=, DELETE /_pit
  GET /<ix>/_mapping, /_cat/indices, /_cluster/health, /_security/_authenticate
  /_lab/fault                      TEST ONLY (superuser): arm faults, see search.md
"""

import base64
import gzip
import hashlib
import os
import re
import threading
import time
import traceback
import urllib.parse

import auth as auth_mod
import errors
import jsonpos
import mapping
import search
from errors import EsError, cause
from store import Store, cluster_uuid

FAULTS = ("429", "429-rejected", "503", "partial", "timed_out", "reset",
          "502-html", "slow")


class Reply:
    """An HTTP answer; ``reset`` closes the connection without one."""

    def __init__(self, status, body=b"", headers=None, reset=False, delay=0.0):
        self.status = status
        self.body = body
        self.headers = headers or []
        self.reset = reset
        self.delay = delay
        self.user = None


class Config:
    es_version = "8.15.0"
    auth = True
    users_file = None
    keys_file = None
    max_rps = 0
    tls = False
    node_name = errors.NODE_NAME
    cluster_name = "mctop-lab"


_STATUS_TEXT = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized",
                403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                406: "Not Acceptable", 409: "Conflict", 429: "Too Many Requests",
                500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable"}


def status_text(code):
    return _STATUS_TEXT.get(code, "Unknown")


class Engine:
    def __init__(self, config, store=None, log=print):
        self.cfg = config
        self.es_major = int(config.es_version.split(".")[0])
        self.store = store or Store()
        self.auth = auth_mod.Auth(config.users_file, config.keys_file, config.auth,
                                  self.es_major)
        self.log = log
        self.faults = []                 # armed faults, consumed by searches
        self.fault_lock = threading.Lock()
        self.pits = {}                   # id → (snapshot, names, expiry)
        self.rate = []                   # monotonic times of recent searches
        self.uuid = cluster_uuid(config.cluster_name)

    # ------------------------------------------------------------ helpers

    def json_reply(self, status, obj, params=None, extra_headers=None):
        params = params or {}
        if "filter_path" in params and status < 300:
            obj = filter_path(obj, params["filter_path"])
        body = jsonpos.dumpb(obj, pretty=params.get("pretty") in ("", "true"))
        ct = "application/json" if self.es_major >= 8 else "application/json; charset=UTF-8"
        hdrs = [("content-type", ct)]
        # ES 8 marks its answers with the product header, but not the 401s
        # and 403s of the security layer (contract §3.5's capture has none;
        # clients skip their product check for those statuses).
        if self.es_major >= 8 and status not in (401, 403):
            hdrs.insert(0, ("X-elastic-product", "Elasticsearch"))
        hdrs.extend(extra_headers or [])
        return Reply(status, body, hdrs)

    def error_reply(self, e, params=None):
        r = self.json_reply(e.status, e.body, params, e.headers)
        return r

    def _simple_error(self, status, text):
        """The bare {"error": "...", "status": N} of the REST layer."""
        return self.json_reply(status, {"error": text, "status": status})

    # ------------------------------------------------------------- entry

    def handle(self, method, target, headers, body, client="-"):
        """One request → Reply.  headers: dict with lower-case names."""
        path, _, query = target.partition("?")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        try:
            path = urllib.parse.unquote(path)
            reply = self._handle(method, path, target, params, headers, body)
        except EsError as e:
            reply = self.error_reply(e, params)
        except Exception as e:          # a bug here, never an ES answer
            self.log("INTERNAL ERROR: " + traceback.format_exc().replace("\n", "\n  "))
            reply = self.json_reply(500, {"error": {
                "root_cause": [{"type": "lab_search_server_bug", "reason": repr(e)}],
                "type": "lab_search_server_bug", "reason": repr(e)}, "status": 500})
        if (not self.cfg.tls and "gzip" in headers.get("accept-encoding", "")
                and reply.body and not reply.reset):
            reply.body = gzip.compress(reply.body)
            reply.headers.append(("content-encoding", "gzip"))
        return reply

    def _handle(self, method, path, target, params, headers, body):
        if "source" in params and not body:
            body = params.pop("source").encode("utf-8")
            params.pop("source_content_type", None)
        if body:
            ct = headers.get("content-type")
            if ct is None:
                return self._simple_error(406, "Content-Type header is missing")
            mt = ct.split(";")[0].strip().lower()
            if mt not in ("application/json", "application/x-ndjson",
                          "application/vnd.elasticsearch+json",
                          "application/vnd.elasticsearch+x-ndjson"):
                return self._simple_error(406, "Content-Type header [%s] is not supported" % ct)
        user = self.auth.authenticate(headers.get("authorization"), target)
        parts = [p for p in path.split("/") if p]
        reply = self.route(method, parts, path, params, headers, body, user)
        reply.user = user.name
        return reply

    # ------------------------------------------------------------ routing

    def route(self, method, parts, path, params, headers, body, user):
        n = len(parts)
        head = parts[0] if parts else ""
        if n == 0:
            return self.allowed(method, ("GET", "HEAD"), path) or self.info(method, params)
        if head == "_lab":
            return self.lab(method, parts, params, body, user)
        if parts[-1] == "_search" and n <= 2:
            self.allowed(method, ("GET", "POST"), path)
            return self.search(parts[0] if n == 2 else None, params, headers, body, user)
        if head == "_security" and parts[1:] == ["_authenticate"]:
            self.allowed(method, ("GET",), path)
            return self.json_reply(200, {
                "username": user.name, "roles": [user.role], "full_name": None,
                "email": None, "metadata": {}, "enabled": True,
                "authentication_realm": {"name": "api_key" if user.api_key else "default_native",
                                         "type": "_es_api_key" if user.api_key else "native"},
                "lookup_realm": {"name": "default_native", "type": "native"},
                "authentication_type": "api_key" if user.api_key else "realm"}, params)
        if head == "_cluster" and parts[1:] == ["health"]:
            self.allowed(method, ("GET",), path)
            return self.health(params)
        if head == "_cat" and parts[1:] == ["indices"]:
            self.allowed(method, ("GET",), path)
            return self.cat_indices(params, user)
        if parts[-1] == "_bulk" and n <= 2:
            self.allowed(method, ("POST", "PUT"), path)
            return self.bulk(parts[0] if n == 2 else None, params, body, user)
        if parts[-1] == "_refresh" and n <= 2:
            self.allowed(method, ("POST", "GET"), path)
            return self.refresh(parts[0] if n == 2 else None, params, user)
        if head == "_pit" and n == 1:
            self.allowed(method, ("DELETE",), path)
            return self.close_pit(body, params)
        if n == 2 and parts[1] == "_pit":
            self.allowed(method, ("POST",), path)
            return self.open_pit(parts[0], params, user)
        if n == 2 and parts[1] == "_mapping":
            self.allowed(method, ("GET",), path)
            return self.get_mapping(parts[0], params, user)
        if n in (2, 3) and parts[1] in ("_doc", "_create") and not head.startswith("_"):
            return self.doc(method, parts, path, params, body, user)
        return self.no_handler(method, path)

    def allowed(self, method, methods, path):
        if method not in methods:
            allow = ", ".join(methods)
            if self.es_major >= 8:
                raise EsError(405, {"error": "Incorrect HTTP method for uri [%s] and method "
                                             "[%s], allowed: [%s]" % (path, method, allow),
                                    "status": 405}, [("Allow", ",".join(methods))])
            raise EsError(405, {"error": "Incorrect HTTP method for uri [%s] and method [%s], "
                                         "allowed: [%s]" % (path, method, allow),
                                "status": 405}, [("Allow", ",".join(methods))])
        return None

    def no_handler(self, method, path):
        text = "no handler found for uri [%s] and method [%s]" % (path, method)
        if self.es_major >= 8:
            raise errors.error(400, cause("illegal_argument_exception", text))
        raise EsError(400, {"error": text, "status": 400})

    def _check_params(self, path, params, known):
        """BaseRestHandler: unknown URL parameters are a 400."""
        response_params = {"pretty", "human", "error_trace", "filter_path", "format"}
        bad = [p for p in params if p not in known and p not in response_params]
        if bad:
            import suggest
            parts = []
            for b in bad:
                c = suggest.candidates(b, sorted(known))
                s = ""
                if len(c) == 1:
                    s = " -> did you mean [%s]?" % c[0]
                elif c:
                    s = " -> did you mean any of [%s]?" % ", ".join(c)
                parts.append("[%s]%s" % (b, s))
            raise errors.illegal_argument("request [%s] contains unrecognized parameter%s: %s"
                                          % (path, "s" if len(bad) > 1 else "",
                                             ", ".join(parts)))

    # ------------------------------------------------------------ cluster

    def info(self, method, params):
        v = self.cfg.es_version
        body = {"name": self.cfg.node_name, "cluster_name": self.cfg.cluster_name,
                "cluster_uuid": self.uuid,
                "version": {"number": v, "build_flavor": "default", "build_type": "deb",
                            "build_hash": hashlib.sha1(v.encode()).hexdigest(),
                            "build_date": "2024-08-05T10:05:34.233336849Z",
                            "build_snapshot": False,
                            "lucene_version": "9.11.1" if self.es_major >= 8 else "8.11.3",
                            "minimum_wire_compatibility_version": "7.17.0" if self.es_major >= 8 else "6.8.0",
                            "minimum_index_compatibility_version": "7.0.0" if self.es_major >= 8 else "6.0.0-beta1"},
                "tagline": "You Know, for Search"}
        return self.json_reply(200, body, params)    # HEAD: the front-end drops the body

    def health(self, params):
        with self.store.lock:
            n = len(self.store.indices)
        return self.json_reply(200, {
            "cluster_name": self.cfg.cluster_name, "status": "yellow", "timed_out": False,
            "number_of_nodes": 1, "number_of_data_nodes": 1, "active_primary_shards": n,
            "active_shards": n, "relocating_shards": 0, "initializing_shards": 0,
            "unassigned_shards": n, "delayed_unassigned_shards": 0,
            "number_of_pending_tasks": 0, "number_of_in_flight_fetch": 0,
            "task_max_waiting_in_queue_millis": 0,
            "active_shards_percent_as_number": 50.0}, params)

    def cat_indices(self, params, user):
        rows = []
        with self.store.lock:
            for name in sorted(self.store.indices):
                if not user.can("read", name):
                    continue
                ix = self.store.indices[name]
                size = sum(len(d.raw) for d in ix.docs)
                rows.append({"health": "yellow", "status": "open", "index": name,
                             "uuid": ix.uuid, "pri": "1", "rep": "1",
                             "docs.count": str(len(ix.docs)), "docs.deleted": "0",
                             "store.size": "%dkb" % (size // 1024 + 1),
                             "pri.store.size": "%dkb" % (size // 1024 + 1)})
        if params.get("format") == "json":
            return self.json_reply(200, rows, params)
        cols = list(rows[0]) if rows else ["health", "status", "index", "uuid", "pri", "rep",
                                           "docs.count", "docs.deleted", "store.size",
                                           "pri.store.size"]
        table = [cols] if "v" in params else []
        table += [[r[c] for c in cols] for r in rows]
        widths = [max(len(t[i]) for t in table) for i in range(len(cols))] if table else []
        text = "".join(" ".join(t[i].ljust(widths[i]) for i in range(len(cols))).rstrip() + "\n"
                       for t in table)
        return Reply(200, text.encode(), [("content-type", "text/plain; charset=UTF-8")])

    # ------------------------------------------------------------ search

    def _authorized_indices(self, user, expression, params, action):
        """Resolve an index expression as ES security does: wildcards expand
        to authorized indices only; an unauthorized concrete name is a 403."""
        st = self.store
        ignore = params.get("ignore_unavailable") in ("", "true")
        allow_no = params.get("allow_no_indices", "true") not in ("false",)
        if not user.has_any("read"):
            raise self.auth.denied(user, action, [expression or "_all"] if expression else ["_all"])
        expr = expression or "_all"
        concrete = [p for p in expr.split(",") if p and "*" not in p and p != "_all"
                    and not p.startswith("-")]
        for c in concrete:
            if not user.can("read", c):
                raise self.auth.denied(user, action, [c])
        indices = st.resolve(expression, ignore, allow_no)
        return [ix for ix in indices if user.can("read", ix.name)]

    def _take_fault(self, headers):
        f = headers.get("x-lab-fault")
        if f:
            return f.strip()
        with self.fault_lock:
            if self.faults:
                f = self.faults[0]
                f["count"] -= 1
                if f["count"] <= 0:
                    self.faults.pop(0)
                return f["fault"]
        return None

    def _rate_limited(self):
        if not self.cfg.max_rps:
            return False
        now = time.monotonic()
        with self.fault_lock:
            self.rate = [t for t in self.rate if now - t < 1.0]
            if len(self.rate) >= self.cfg.max_rps:
                return True
            self.rate.append(now)
        return False

    def search(self, expression, params, headers, body, user):
        path = "/%s/_search" % expression if expression else "/_search"
        self._check_params(path, params, search.SEARCH_PARAMS | {"index"})
        obj = None
        if body and body.strip():
            try:
                obj = jsonpos.loads(body)
            except jsonpos.JsonError as e:
                raise self.json_error(e)
        req = search.parse_request(obj, params, self.es_major)
        fault = self._take_fault(headers)
        delay = 0.0
        if fault and fault.startswith("slow"):
            ms = fault.partition(":")[2]
            delay = (int(ms) if ms.isdigit() else 5000) / 1000.0
            fault = None
        if fault == "reset":
            return Reply(0, reset=True)
        if fault == "502-html":
            page = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1"
                    "</center>\r\n</body>\r\n</html>\r\n")
            return Reply(502, page.encode(), [("content-type", "text/html"), ("server", "nginx/1.22.1")])
        if fault == "429":
            raise errors.circuit_breaking()
        if fault == "503":
            raise errors.unavailable()
        pit_snapshot = None
        with self.store.lock:
            if req.pit is not None:
                if expression:
                    raise errors.error(400, cause(
                        "action_request_validation_exception",
                        "Validation Failed: 1: [indices] cannot be used with point in time. "
                        "Do not specify any index with point in time.;"))
                pit = self._pit(req.pit)
                pit_snapshot, names = pit
                indices = [self.store.indices[n] for n in names if n in self.store.indices]
            else:
                indices = self._authorized_indices(user, expression, params,
                                                   "indices:data/read/search")
            if fault == "429-rejected" or self._rate_limited():
                raise errors.rejected_execution([ix.name for ix in indices])
            out = search.execute(self.store, indices, req, params, self.es_major,
                                 fault=fault, pit_snapshot=pit_snapshot)
        warns = [("Warning", w) for w in search.warnings_for(req, self.cfg.es_version)] \
            if self.es_major < 8 else []
        r = self.json_reply(200, out, params, warns)
        r.delay = delay
        return r

    def json_error(self, e):
        """A body that is not JSON (Jackson's message, with the position)."""
        if self.es_major >= 8:
            return errors.xcontent((e.line, e.col), e.message)
        return errors.error(400, cause(
            "json_parse_exception",
            "%s\n at [Source: (org.elasticsearch.common.bytes.AbstractBytesReference$"
            "BytesReferenceStreamInput); line: %d, column: %d]" % (e.message, e.line, e.col)))

    # ---------------------------------------------------------------- PIT

    def _pit(self, spec):
        pid = spec.get("id")
        now = time.monotonic()
        entry = self.pits.get(pid)
        if entry is None or entry[2] < now:
            self.pits.pop(pid, None)
            raise EsError(404, {"error": {
                "root_cause": [{"type": "search_context_missing_exception",
                                "reason": "No search context found for id [%d]"
                                          % (abs(hash(pid)) % 1000)}],
                "type": "search_phase_execution_exception", "reason": "all shards failed",
                "phase": "query", "grouped": True, "failed_shards": [{
                    "shard": 0, "index": None, "node": errors.NODE_ID,
                    "reason": {"type": "search_context_missing_exception",
                               "reason": "No search context found for id [%d]"
                                         % (abs(hash(pid)) % 1000)}}]},
                "status": 404})
        ka = spec.get("keep_alive")
        if ka:
            self.pits[pid] = (entry[0], entry[1], now + _time_value(ka))
        return entry[0], entry[1]

    def open_pit(self, expression, params, user):
        self._check_params("/%s/_pit" % expression, params,
                           {"keep_alive", "ignore_unavailable", "allow_no_indices",
                            "expand_wildcards", "preference", "routing",
                            "allow_partial_search_results", "index"})
        if "keep_alive" not in params:
            raise errors.error(400, cause("action_request_validation_exception",
                                          "Validation Failed: 1: [keep_alive] is not specified;"))
        ttl = _time_value(params["keep_alive"])
        with self.store.lock:
            indices = self._authorized_indices(user, expression, params,
                                               "indices:data/read/open_point_in_time")
            snap = {ix.name: list(ix.docs) for ix in indices}
            pid = base64.b64encode(os.urandom(42)).decode()
            self.pits[pid] = (snap, [ix.name for ix in indices], time.monotonic() + ttl)
        n = len(indices)
        return self.json_reply(200, {"id": pid, "_shards": {"total": n, "successful": n,
                                                            "skipped": 0, "failed": 0}}, params)

    def close_pit(self, body, params):
        try:
            obj = jsonpos.loads(body) if body else {}
        except jsonpos.JsonError as e:
            raise self.json_error(e)
        pid = obj.get("id") if isinstance(obj, dict) else None
        entry = self.pits.pop(pid, None)
        freed = len(entry[1]) if entry else 0
        return self.json_reply(200 if freed else 404,
                               {"succeeded": True, "num_freed": freed}, params)

    # ---------------------------------------------------------- documents

    def _write_allowed(self, user, index, action="indices:data/write/index"):
        if not user.can("write", index):
            return self.auth.denied(user, action, [index])
        return None

    def _refresh_param(self, params):
        r = params.get("refresh")
        if r is None or r == "false":
            return False
        if r in ("", "true", "wait_for"):
            return r or "true"
        raise errors.illegal_argument("Unknown value for refresh: [%s]." % r)

    def _write_result(self, ix, doc, created, forced):
        out = {"_index": ix.name}
        if self.es_major < 8:
            out["_type"] = "_doc"
        out.update({"_id": doc.id, "_version": doc.version,
                    "result": "created" if created else "updated"})
        if forced:
            out["forced_refresh"] = True
        out["_shards"] = {"total": 2, "successful": 1, "failed": 0}
        out["_seq_no"] = doc.seq
        out["_primary_term"] = 1
        return out

    def _mapper_error(self, e, obj):
        c = e.cause
        if self.es_major >= 8 and c["type"] == "mapper_parsing_exception":
            loc = _locate(obj, c["reason"])
            c = dict(c, type="document_parsing_exception",
                     reason="[%d:%d] %s" % (loc[0], loc[1], c["reason"]))
        return c

    def doc(self, method, parts, path, params, body, user):
        index = parts[0]
        op = parts[1]
        doc_id = parts[2] if len(parts) == 3 else None
        if doc_id is None:
            if op == "_create":
                return self.no_handler(method, path)
            self.allowed(method, ("POST",), path)
        elif method in ("GET", "HEAD"):
            return self.get_doc(method, index, doc_id, params, user)
        elif method == "DELETE":
            return self.delete_doc(index, doc_id, params, user)
        else:
            self.allowed(method, ("PUT", "POST"), path)
        self._check_params(path, params, {"refresh", "op_type", "routing", "timeout",
                                          "version", "version_type", "if_seq_no",
                                          "if_primary_term", "pipeline",
                                          "wait_for_active_shards", "require_alias",
                                          "index", "id"})
        denied = self._write_allowed(user, index)
        if denied:
            raise denied
        if not body or not body.strip():
            raise errors.error(400, cause("action_request_validation_exception",
                                          "Validation Failed: 1: source is missing;2: "
                                          "content type is missing;"))
        try:
            obj = jsonpos.loads(body)
        except jsonpos.JsonError as e:
            raise errors.error(400, cause("mapper_parsing_exception", "failed to parse",
                                          caused_by=self.json_error(e).body["error"]))
        if not isinstance(obj, dict):
            raise errors.error(400, cause("mapper_parsing_exception", "failed to parse"))
        forced = self._refresh_param(params)
        optype = "create" if op == "_create" or params.get("op_type") == "create" else "index"
        try:
            ix, doc, created = self.store.index_doc(index, obj, body.decode("utf-8"),
                                                    doc_id, optype, bool(forced))
        except mapping.MapperError as e:
            raise errors.error(400, self._mapper_error(e, obj))
        return self.json_reply(201 if created else 200,
                               self._write_result(ix, doc, created, forced == "true"), params)

    def get_doc(self, method, index, doc_id, params, user):
        if not user.can("read", index):
            raise self.auth.denied(user, "indices:data/read/get", [index])
        with self.store.lock:
            ix = self.store.indices.get(index)
            if ix is None:
                raise errors.index_not_found(index)
            d = ix.by_id.get(doc_id)
        if d is None:
            out = {"_index": index}
            if self.es_major < 8:
                out["_type"] = "_doc"
            out.update({"_id": doc_id, "found": False})
            return self.json_reply(404, out, params)
        out = {"_index": index}
        if self.es_major < 8:
            out["_type"] = "_doc"
        out.update({"_id": d.id, "_version": d.version, "_seq_no": d.seq, "_primary_term": 1,
                    "found": True, "_source": jsonpos.Raw(d.raw)})
        return self.json_reply(200, out, params)     # HEAD: the front-end drops the body

    def delete_doc(self, index, doc_id, params, user):
        denied = self._write_allowed(user, index, "indices:data/write/delete")
        if denied:
            raise denied
        ix, old = self.store.delete_doc(index, doc_id)
        if ix is None:
            raise errors.index_not_found(index)
        out = {"_index": index}
        if self.es_major < 8:
            out["_type"] = "_doc"
        out.update({"_id": doc_id, "_version": (old.version + 1) if old else 1,
                    "result": "deleted" if old else "not_found",
                    "_shards": {"total": 2, "successful": 1, "failed": 0},
                    "_seq_no": ix.seq - 1, "_primary_term": 1})
        return self.json_reply(200 if old else 404, out, params)

    def bulk(self, default_index, params, body, user):
        t0 = time.monotonic()
        self._check_params("/_bulk", params, {"refresh", "routing", "timeout", "pipeline",
                                              "wait_for_active_shards", "require_alias",
                                              "index", "_source", "_source_includes",
                                              "_source_excludes", "list_executed_pipelines",
                                              "require_data_stream"})
        text = (body or b"").decode("utf-8", "replace")
        if not text.strip():
            raise errors.error(400, cause("action_request_validation_exception",
                                          "Validation Failed: 1: no requests added;"))
        if not text.endswith("\n"):
            raise errors.illegal_argument("The bulk request must be terminated by a newline [\\n]")
        lines = text.split("\n")[:-1]
        forced = self._refresh_param(params)
        items = []
        i = 0
        any_error = False
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.strip():
                continue
            try:
                act = jsonpos.loads(line)
            except jsonpos.JsonError as e:
                raise self.json_error(e)
            if not isinstance(act, dict) or len(act) != 1:
                raise errors.illegal_argument(
                    "Malformed action/metadata line [%d], expected START_OBJECT or "
                    "END_OBJECT but found [%s]" % (i, "VALUE_STRING"))
            op, meta = next(iter(act.items()))
            if op not in ("index", "create", "delete", "update"):
                raise errors.illegal_argument(
                    "Malformed action/metadata line [%d], expected field [create], "
                    "[delete], [index] or [update] but found [%s]" % (i, op))
            meta = meta or {}
            index = meta.get("_index", default_index)
            doc_id = meta.get("_id")
            if index is None:
                raise errors.error(400, cause("action_request_validation_exception",
                                              "Validation Failed: 1: index is missing;"))
            item = {"_index": index}
            if self.es_major < 8:
                item["_type"] = "_doc"
            item["_id"] = doc_id
            if op == "delete":
                denied = self._write_allowed(user, index, "indices:data/write/bulk[s]")
                if denied:
                    item.update(status=403, error=denied.body["error"]["root_cause"][0])
                else:
                    ix, old = self.store.delete_doc(index, doc_id)
                    item.update({"_version": (old.version + 1) if old else 1,
                                 "result": "deleted" if old else "not_found",
                                 "_shards": {"total": 2, "successful": 1, "failed": 0},
                                 "_seq_no": ix.seq - 1 if ix else 0, "_primary_term": 1,
                                 "status": 200 if old else 404})
                items.append({op: item})
                continue
            if i >= len(lines) + 1 or i > len(lines):
                raise errors.illegal_argument("Validation Failed: 1: source is missing;")
            src_line = lines[i]
            i += 1
            if op == "update":
                any_error = True
                item.update(status=400, error={
                    "type": "illegal_argument_exception",
                    "reason": "lab search server: bulk [update] is not supported by the "
                              "lab's stand-in (see tests/lab/search.md)"})
                items.append({op: item})
                continue
            denied = self._write_allowed(user, index, "indices:data/write/bulk[s]")
            if denied:
                any_error = True
                item.update(status=403, error=denied.body["error"]["root_cause"][0])
                items.append({op: item})
                continue
            try:
                obj = jsonpos.loads(src_line)
                if not isinstance(obj, dict):
                    raise jsonpos.JsonError("not an object", 1, 1)
                ix, doc, created = self.store.index_doc(index, obj, src_line, doc_id, op)
                res = self._write_result(ix, doc, created, False)
                res.pop("_index", None)
                res.pop("_type", None)
                res.pop("_id", None)
                item["_id"] = doc.id
                item.update(res)
                item["status"] = 201 if created else 200
            except mapping.MapperError as e:
                any_error = True
                c = self._mapper_error(e, obj)
                item.update(status=400, error={k: v for k, v in c.items() if k != "_foreign"})
            except jsonpos.JsonError as e:
                any_error = True
                item.update(status=400, error={"type": "document_parsing_exception"
                                               if self.es_major >= 8 else
                                               "mapper_parsing_exception",
                                               "reason": "failed to parse",
                                               "caused_by": {"type": "x_content_parse_exception",
                                                             "reason": e.message}})
            except EsError as e:
                any_error = True
                item.update(status=e.status, error={k: v for k, v in e.body["error"].items()
                                                    if k != "root_cause"})
            items.append({op: item})
        if forced:
            self.store.refresh()
        return self.json_reply(200, {"errors": any_error,
                                     "took": int((time.monotonic() - t0) * 1000),
                                     "items": items}, params)

    def refresh(self, expression, params, user):
        with self.store.lock:
            indices = self.store.resolve(expression,
                                         params.get("ignore_unavailable") in ("", "true"))
            self.store.refresh()
        n = len(indices)
        return self.json_reply(200, {"_shards": {"total": 2 * n, "successful": n, "failed": 0}},
                               params)

    def get_mapping(self, expression, params, user):
        with self.store.lock:
            indices = self._authorized_indices(user, expression, params,
                                               "indices:admin/mappings/get")
            out = {ix.name: {"mappings": ix.mapping.to_json()} for ix in indices}
        return self.json_reply(200, out, params)

    # --------------------------------------------------------- test-only

    def lab(self, method, parts, params, body, user):
        """TEST ONLY, not Elasticsearch: arm faults for the next searches.

        POST /_lab/fault {"fault": "429", "count": 1}   arm (appends)
        GET /_lab/fault                                  list armed faults
        DELETE /_lab/fault                               disarm all
        """
        if not user.superuser:
            raise self.auth.denied_cluster(user, "cluster:admin/lab/fault", "all")
        if parts[1:] != ["fault"]:
            return self.no_handler(method, "/" + "/".join(parts))
        with self.fault_lock:
            if method == "GET":
                return self.json_reply(200, {"armed": list(self.faults)}, params)
            if method == "DELETE":
                self.faults = []
                return self.json_reply(200, {"armed": []}, params)
            if method != "POST":
                self.allowed(method, ("GET", "POST", "DELETE"), "/_lab/fault")
            try:
                obj = jsonpos.loads(body or b"{}")
            except jsonpos.JsonError as e:
                raise self.json_error(e)
            f = str(obj.get("fault", ""))
            if f.split(":")[0] not in FAULTS:
                raise errors.illegal_argument("unknown lab fault [%s]; known: %s"
                                              % (f, ", ".join(FAULTS)))
            self.faults.append({"fault": f, "count": int(obj.get("count", 1))})
            return self.json_reply(200, {"armed": list(self.faults)}, params)


def _time_value(v):
    m = re.match(r"^(\d+)(nanos|micros|ms|s|m|h|d)$", str(v).strip())
    if not m:
        raise errors.illegal_argument("failed to parse setting [keep_alive] with value [%s] as "
                                      "a time value: unit is missing or unrecognized" % v)
    mult = {"nanos": 1e-9, "micros": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
            "d": 86400}[m.group(2)]
    return int(m.group(1)) * mult


def _locate(obj, reason):
    """Line:column of the field a mapping error names (for ES 8's prefix)."""
    m = re.search(r"\[([^\]]+)\]", reason)
    if not m or not hasattr(obj, "valloc"):
        return (1, 1)
    node = obj
    loc = getattr(obj, "loc", (1, 1))
    for part in m.group(1).split("."):
        if isinstance(node, dict) and part in node:
            loc = node.valloc.get(part, loc) if hasattr(node, "valloc") else loc
            node = node[part]
        else:
            break
    return loc


# --------------------------------------------------------------- filter_path

def filter_path(obj, spec):
    """?filter_path=a.b,c.*,-d (ES's response filtering, ``**`` too)."""
    inc = [p.split(".") for p in spec.split(",") if p and not p.startswith("-")]
    exc = [p[1:].split(".") for p in spec.split(",") if p.startswith("-")]
    if inc:
        obj = _filter(obj, inc, True)
        if obj is None:
            obj = {}
    if exc:
        obj = _filter(obj, exc, False)
    return obj


def _seg_match(seg, key):
    if seg == "*":
        return True
    if "*" in seg:
        rx = "^" + ".*".join(re.escape(s) for s in seg.split("*")) + "$"
        return re.match(rx, key) is not None
    return seg == key


def _filter(v, pats, include):
    if isinstance(v, jsonpos.Raw):
        v = jsonpos.loads(v.text)
    if isinstance(v, list):
        out = [_filter(x, pats, include) for x in v]
        out = [x for x in out if x is not None and x != {}] if include else out
        return out if out or not include else None
    if not isinstance(v, dict):
        return v if include else v
    res = {}
    for k, x in v.items():
        rest = []
        done = False
        for p in pats:
            if not p:
                continue
            if p[0] == "**":
                rest.append(p)           # ** may consume this key
                if len(p) > 1 and _seg_match(p[1], k):
                    if len(p) == 2:
                        done = True
                    else:
                        rest.append(p[2:])
                continue
            if _seg_match(p[0], k):
                if len(p) == 1:
                    done = True
                else:
                    rest.append(p[1:])
        if include:
            if done:
                res[k] = x
            elif rest:
                sub = _filter(x, rest, True)
                if sub is not None and sub != {} and sub != []:
                    res[k] = sub
        else:
            if done:
                continue
            res[k] = _filter(x, rest, False) if rest else x
    if include and not res:
        return None
    return res


