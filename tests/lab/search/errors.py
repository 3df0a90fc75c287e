"""Elasticsearch error bodies (contract §3).

Every failure the server reports is an ``EsError`` carrying the HTTP status,
the ``error`` object and any extra headers.  The helpers build the shapes the
contract documents: the envelope ``{"error": {root_cause, type, reason, ...},
"status": N}``, shard-level failures grouped into
``search_phase_execution_exception``, and the security exceptions.

Features that Elasticsearch supports but this lab server does not are
refused with ``unsupported()``: a 400 in the same envelope whose reason says
plainly that the *lab server* does not support it, so nobody mistakes it for
an Elasticsearch answer or gets made-up results.
"""

NODE_ID = "LabNode0SearchSrvQ-ab1"
NODE_NAME = "lab-search-0"


class EsError(Exception):
    """An error answer: HTTP status, JSON body and extra response headers."""

    def __init__(self, status, body, headers=None):
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.headers = headers or []


def cause(type_, reason, foreign=None, **extra):
    """One ErrorCause object: type, reason, then flattened metadata keys.

    ``foreign`` marks a cause that is not an ElasticsearchException (a Lucene
    or JDK exception); guessRootCauses stops above those.  Types that are
    always foreign are known; ``parse_exception`` is both Lucene's
    ParseException and ElasticsearchParseException, so callers say which."""
    c = {"type": type_, "reason": reason}
    if foreign if foreign is not None else type_ in _NON_ES:
        c["_foreign"] = True
    caused_by = extra.pop("caused_by", None)
    for k, v in extra.items():
        c[k.replace("__", ".")] = v
    if caused_by is not None:
        c["caused_by"] = caused_by
    return c


def root_causes(c):
    """ES's guessRootCauses: follow caused_by while it is an ES exception."""
    inner = c.get("caused_by")
    if inner is not None and not inner.get("_foreign"):
        return root_causes(inner)
    return [c]


# Exceptions that are not ElasticsearchException subclasses (Lucene, Java),
# so guessRootCauses stops above them.
_NON_ES = {"token_mgr_error", "number_format_exception",
           "illegal_argument_exception", "date_time_parse_exception",
           "named_object_not_found_exception", "illegal_state_exception",
           "arithmetic_exception", "json_parse_exception"}


def _clean(c):
    c = {k: v for k, v in c.items() if k != "_foreign"}
    if "caused_by" in c:
        c["caused_by"] = _clean(c["caused_by"])
    return c


def error(status, c, headers=None):
    """A top-level error: root_cause from the cause chain, then the cause."""
    roots = [_root_only(r) for r in root_causes(c)]
    body = {"error": dict(root_cause=roots, **_clean(c)), "status": status}
    return EsError(status, body, headers)


def _root_only(c):
    """Root causes are printed without their own caused_by chain."""
    return {k: v for k, v in c.items() if k not in ("caused_by", "_foreign")}


def bad_request(type_, reason, **extra):
    return error(400, cause(type_, reason, **extra))


def parsing(reason, loc=None, **extra):
    """parsing_exception with line/col, as the DSL parser raises it."""
    if loc is not None:
        extra = dict(line=loc[0], col=loc[1], **extra)
    return bad_request("parsing_exception", reason, **extra)


def xcontent(loc, reason, caused_by=None):
    """x_content_parse_exception: '[line:col] reason' (ObjectParser errors)."""
    prefix = "[%d:%d] " % loc if loc else ""
    c = cause("x_content_parse_exception", prefix + reason)
    if caused_by is not None:
        c["caused_by"] = caused_by
    return error(400, c)


def illegal_argument(reason, status=400):
    return error(status, cause("illegal_argument_exception", reason))


def unsupported(what):
    """A feature real Elasticsearch has and this lab server does not."""
    return illegal_argument("lab search server: %s is not supported by the "
                            "lab's stand-in (see tests/lab/search.md)" % what)


class ShardFailure(Exception):
    """A failure on one shard: becomes a _shards.failures entry or, when
    every shard fails, a search_phase_execution_exception."""

    def __init__(self, c, status=400):
        super().__init__(c.get("reason"))
        self.cause = c
        self.status = status


def query_shard(reason, index, index_uuid, caused_by=None):
    c = cause("query_shard_exception", reason, index_uuid=index_uuid, index=index)
    if caused_by is not None:
        c["caused_by"] = caused_by
    return c


def shard_failure_entry(shard, index, c):
    """A _shards.failures entry (ShardSearchFailure.toXContent); the cause
    keeps its private markers until public() prints it."""
    return {"shard": shard, "index": index, "node": NODE_ID, "reason": c}


def public(entry):
    e = dict(entry)
    e["reason"] = _clean(e["reason"])
    return e


def _group_key(entry):
    r = entry["reason"]
    return (r.get("type"), r.get("reason"), entry["index"])


def grouped(entries):
    """ExceptionsHelper.groupBy: one entry per (cause type, reason, index)."""
    seen, out = set(), []
    for e in entries:
        k = _group_key(e)
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


def all_shards_failed(failures, status):
    """search_phase_execution_exception when no shard succeeded (§3.2)."""
    groups = grouped(failures)
    roots = []
    for g in groups:
        roots.extend(_root_only(r) for r in root_causes(g["reason"]))
    body = {"error": {"root_cause": roots,
                      "type": "search_phase_execution_exception",
                      "reason": "all shards failed", "phase": "query",
                      "grouped": True,
                      "failed_shards": [public(g) for g in groups]},
            "status": status}
    # ES 7+ sets the first shard failure's cause as the exception's cause.
    body["error"]["caused_by"] = _clean(groups[0]["reason"])
    return EsError(status, body)


# ------------------------------------------------------------- index errors

def index_not_found(name):
    """404 for a concrete index (or a wildcard with allow_no_indices=false)."""
    return error(404, cause("index_not_found_exception",
                            "no such index [%s]" % name,
                            resource__type="index_or_alias", resource__id=name,
                            index_uuid="_na_", index=name))


# --------------------------------------------------------------- security

def www_authenticate(es_major):
    """The challenges ES sends with a 401 (contract §3.5)."""
    if es_major >= 8:
        return ['Basic realm="security", charset="UTF-8"',
                'Bearer realm="security"', "ApiKey"]
    return ['Basic realm="security" charset="UTF-8"',
            'Bearer realm="security"', "ApiKey"]


def unauthenticated(reason, es_major, **extra):
    hdrs = www_authenticate(es_major)
    c = cause("security_exception", reason, **extra)
    c["header"] = {"WWW-Authenticate": hdrs}
    return error(401, c, [("WWW-Authenticate", h) for h in hdrs])


def forbidden(reason):
    return error(403, cause("security_exception", reason))


# --------------------------------------------------------------- overload

def circuit_breaking():
    """The ES 8.10 parent circuit breaker 429, VERBATIM from the contract."""
    reason = ("[parent] Data too large, data for [<http_request>] would be "
              "[220036656/209.8mb], which is larger than the limit of [1/1b], "
              "real usage: [220036616/209.8mb], new bytes reserved: [40/40b], "
              "usages [model_inference=0/0b, eql_sequence=0/0b, fielddata=0/0b, "
              "request=0/0b, inflight_requests=40/40b]")
    return error(429, cause("circuit_breaking_exception", reason,
                            bytes_wanted=220036656, bytes_limit=1,
                            durability="TRANSIENT"))


def rejected_execution(indices):
    """Search queue full: every shard rejected, wrapped in
    search_phase_execution_exception with status 429 (contract §3.7)."""
    reason = ("rejected execution of org.elasticsearch.common.util.concurrent."
              "TimedRunnable@4d7a1d9a on QueueResizingEsThreadPoolExecutor"
              "[name = %s/search, queue capacity = 1000, min queue capacity = "
              "1000, max queue capacity = 1000, frame size = 2000, targeted "
              "response rate = 1s, task execution EWMA = 1.2ms, adjustment "
              "amount = 50, org.elasticsearch.common.util.concurrent."
              "QueueResizingEsThreadPoolExecutor@1b2c3d4e[Running, pool size = "
              "13, active threads = 13, queued tasks = 1000, completed tasks = "
              "123456]]" % NODE_NAME)
    fails = [shard_failure_entry(0, ix, cause("es_rejected_execution_exception",
                                              reason))
             for ix in (indices or ["logstash"])]
    return all_shards_failed(fails, 429)


def unavailable():
    """503 master_not_discovered_exception (contract §3.8)."""
    return error(503, cause("master_not_discovered_exception", None))
