"""The ``_search`` request: body validation, execution, response (§1, §2).

Execution follows the shape of an Elasticsearch query-then-fetch over one
shard per index: every index matched by the expression is a shard; a query
that fails on a shard becomes a ``_shards.failures`` entry, and a search
where every shard fails becomes ``search_phase_execution_exception``.
"""

import fnmatch
import functools
import re
import time

import aggs as aggs_mod
import highlight as highlight_mod
import datemath
import errors
import mapping
import queries
from errors import (cause, parsing, unsupported, xcontent, ShardFailure,
                    shard_failure_entry, public)

MAX_RESULT_WINDOW = 10000
LONG_MAX = 9223372036854775807
LONG_MIN = -9223372036854775808

# Body keys of SearchSourceBuilder, and what this server does with them.
_BODY_KEYS = {
    "query", "size", "from", "sort", "search_after", "track_total_hits",
    "_source", "fields", "aggs", "aggregations", "timeout", "terminate_after",
    "version", "seq_no_primary_term", "stored_fields", "docvalue_fields",
    "script_fields", "runtime_mappings", "highlight", "pit", "min_score",
    "post_filter", "track_scores", "stats", "ext", "explain", "profile",
    "collapse", "rescore", "suggest", "slice", "indices_boost", "knn",
    "rank", "retriever", "sub_searches",
}

# URL parameters RestSearchAction accepts (unknown ones are a 400).
SEARCH_PARAMS = {
    "allow_no_indices", "allow_partial_search_results", "analyzer",
    "analyze_wildcard", "batched_reduce_size", "ccs_minimize_roundtrips",
    "default_operator", "df", "docvalue_fields", "expand_wildcards", "explain",
    "from", "ignore_throttled", "ignore_unavailable", "lenient",
    "max_concurrent_shard_requests", "pre_filter_shard_size", "preference", "q",
    "request_cache", "rest_total_hits_as_int", "routing", "scroll", "search_type",
    "seq_no_primary_term", "size", "sort", "_source", "_source_excludes",
    "_source_includes", "stats", "stored_fields", "suggest_field", "suggest_mode",
    "suggest_size", "suggest_text", "terminate_after", "timeout", "track_scores",
    "track_total_hits", "typed_keys", "version", "include_named_queries_score",
    "force_synthetic_source", "keep_alive",
}


class SortKey:
    __slots__ = ("field", "order", "unmapped_type", "format", "missing", "mode",
                 "numeric_type")

    def __init__(self, field, order=None, **kw):
        self.field = field
        default = "desc" if field == "_score" else "asc"
        self.order = (order or default).lower()
        self.unmapped_type = kw.get("unmapped_type")
        self.format = kw.get("format")
        self.missing = kw.get("missing", "_last")
        self.mode = kw.get("mode")
        self.numeric_type = kw.get("numeric_type")


class Request:
    """A validated search request."""

    def __init__(self):
        self.query = queries.MatchAll()
        self.post_filter = None
        self.size = 10
        self.from_ = 0
        self.sort = None
        self.search_after = None
        self.track_total_hits = 10000
        self.tth_explicit = False
        self.source = True          # True, False or (includes, excludes)
        self.fields = None
        self.docvalue_fields = None
        self.aggs = []
        self.version = False
        self.seq_no = False
        self.terminate_after = 0
        self.min_score = None
        self.track_scores = False
        self.pit = None
        self.stored_none = False
        self.typed_keys = False
        self.highlight = None


def _bool_param(v, name):
    if v in ("", "true", True):
        return True
    if v in ("false", False):
        return False
    raise errors.illegal_argument("Failed to parse value [%s] as only [true] or "
                                  "[false] are allowed." % v)


def _int(v, name, loc=None):
    if isinstance(v, bool) or v is None:
        raise parsing("[%s] must be a number" % name, loc)
    try:
        return int(v)
    except (TypeError, ValueError):
        raise errors.illegal_argument('Failed to parse int parameter [%s] with value [%s]'
                                      % (name, v))


def parse_source_spec(v, loc=None):
    """The forms of _source (contract §1.7) → True/False/(includes, excludes)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return ([v], [])
    if isinstance(v, list):
        if not all(isinstance(x, str) for x in v):
            raise parsing("Unknown key for a VALUE_NUMBER in [_source].", loc)
        return (list(v), [])
    if isinstance(v, dict):
        inc, exc = [], []
        for k, x in v.items():
            vals = [x] if isinstance(x, str) else list(x or [])
            if k in ("includes", "include"):
                inc = vals
            elif k in ("excludes", "exclude"):
                exc = vals
            else:
                raise parsing("Unknown key for a %s in [%s]." % (
                    queries._token_name(x), k), v.keyloc.get(k) if hasattr(v, "keyloc") else loc)
        return (inc, exc)
    raise parsing("Unknown key for a %s in [_source]." % queries._token_name(v), loc)


def parse_sort(v, loc=None):
    items = v if isinstance(v, list) else [v]
    out = []
    for it in items:
        if isinstance(it, str):
            out.append(SortKey(it))
            continue
        if not isinstance(it, dict):
            raise parsing("[sort] unexpected token %s" % queries._token_name(it), loc)
        for field, spec in it.items():
            if isinstance(spec, str):
                if spec.lower() not in ("asc", "desc"):
                    raise errors.illegal_argument("Unknown SortOrder [%s]" % spec)
                out.append(SortKey(field, spec))
                continue
            if not isinstance(spec, dict):
                raise parsing("[sort] unexpected token %s" % queries._token_name(spec), loc)
            known = {"order", "unmapped_type", "format", "missing", "mode",
                     "numeric_type", "nested", "nested_path", "nested_filter"}
            for k in spec:
                if k not in known:
                    kl = spec.keyloc.get(k) if hasattr(spec, "keyloc") else None
                    raise xcontent(kl, "[field_sort] unknown field [%s]" % k)
                if k.startswith("nested"):
                    raise unsupported("nested sorting")
            order = spec.get("order")
            if order is not None and str(order).lower() not in ("asc", "desc"):
                raise xcontent(spec.valloc.get("order") if hasattr(spec, "valloc") else None,
                               "[field_sort] failed to parse field [order]",
                               cause("illegal_argument_exception",
                                     "Unknown SortOrder [%s]" % order))
            mode = spec.get("mode")
            if mode is not None and mode not in ("min", "max", "avg", "sum", "median"):
                raise errors.illegal_argument("Unknown SortMode [%s]" % mode)
            fmt = spec.get("format")
            if fmt is not None:
                try:
                    datemath.formatter(fmt)
                except datemath.FormatError as e:
                    raise errors.illegal_argument(str(e))
                except NotImplementedError as e:
                    raise unsupported(str(e))
            out.append(SortKey(field, order, unmapped_type=spec.get("unmapped_type"),
                               format=fmt, missing=spec.get("missing", "_last"),
                               mode=mode, numeric_type=spec.get("numeric_type")))
    return out


def parse_request(body, params, es_major):
    """Validate a search body and URL parameters (coordinator phase)."""
    r = Request()
    b = body if body is not None else {}
    if not isinstance(b, dict):
        raise parsing("Unknown key for a %s in [null]." % queries._token_name(b), (1, 1))
    kl = getattr(b, "keyloc", {})
    vl = getattr(b, "valloc", {})
    for k, v in b.items():
        loc = kl.get(k)
        if k not in _BODY_KEYS:
            raise parsing("Unknown key for a %s in [%s]." % (queries._token_name(v), k), loc)
        if k == "query":
            r.query = queries.parse_query(v, vl.get(k))
        elif k == "post_filter":
            r.post_filter = queries.parse_query(v, vl.get(k))
        elif k == "size":
            r.size = _int(v, "size", loc)
        elif k == "from":
            r.from_ = _int(v, "from", loc)
        elif k == "sort":
            r.sort = parse_sort(v, vl.get(k))
        elif k == "search_after":
            if not isinstance(v, list):
                raise parsing("Unknown key for a %s in [search_after]."
                              % queries._token_name(v), loc)
            r.search_after = list(v)
        elif k == "track_total_hits":
            r.tth_explicit = True
            if isinstance(v, bool):
                r.track_total_hits = LONG_MAX if v else -1
            elif isinstance(v, int):
                if v < -1:
                    raise errors.illegal_argument(
                        "[track_total_hits] parameter must be positive or equals to "
                        "-1, got %d" % v)
                r.track_total_hits = v
            else:
                raise parsing("Unknown key for a %s in [track_total_hits]."
                              % queries._token_name(v), loc)
        elif k == "_source":
            r.source = parse_source_spec(v, loc)
        elif k == "fields":
            r.fields = _field_specs(v, "fields", loc)
        elif k == "docvalue_fields":
            r.docvalue_fields = _field_specs(v, "docvalue_fields", loc)
        elif k in ("aggs", "aggregations"):
            r.aggs = aggs_mod.parse_aggs(v, es_major)
        elif k == "version":
            r.version = bool(v)
        elif k == "seq_no_primary_term":
            r.seq_no = bool(v)
        elif k == "terminate_after":
            r.terminate_after = _int(v, "terminate_after", loc)
        elif k == "min_score":
            r.min_score = float(v)
        elif k == "track_scores":
            r.track_scores = bool(v)
        elif k == "stored_fields":
            vals = v if isinstance(v, list) else [v]
            if "_none_" in vals:
                raise unsupported("stored_fields [_none_]")
        elif k == "pit":
            if not isinstance(v, dict) or "id" not in v:
                raise parsing("[pit] requires an [id]", loc)
            r.pit = v
        elif k in ("script_fields", "runtime_mappings", "ext"):
            if v:
                raise unsupported("[%s]" % k)
        elif k in ("timeout", "stats"):
            pass
        elif k in ("explain", "profile"):
            if v:
                raise unsupported("[%s]" % k)
        elif k == "highlight":
            r.highlight = highlight_mod.Highlight(v)
        else:
            raise unsupported("[%s] in the search body" % k)
    # URL parameters override the body, as RestSearchAction applies them.
    p = params
    if "q" in p:
        qs = {"query": p["q"]}
        for src, dst in (("df", "default_field"), ("default_operator", "default_operator"),
                         ("analyze_wildcard", "analyze_wildcard"), ("lenient", "lenient"),
                         ("analyzer", "analyzer")):
            if src in p:
                val = p[src]
                if dst in ("analyze_wildcard", "lenient"):
                    val = _bool_param(val, src)
                qs[dst] = val
        r.query = queries.parse_query({"query_string": qs})
    if "size" in p:
        r.size = _int(p["size"], "size")
    if "from" in p:
        r.from_ = _int(p["from"], "from")
    if "sort" in p:
        r.sort = [SortKey(*(s.split(":", 1) + [None])[:2]) for s in p["sort"].split(",")]
    if "track_total_hits" in p:
        r.tth_explicit = True
        t = p["track_total_hits"]
        if t in ("true", ""):
            r.track_total_hits = LONG_MAX
        elif t == "false":
            r.track_total_hits = -1
        else:
            r.track_total_hits = _int(t, "track_total_hits")
    if "_source" in p:
        s = p["_source"]
        r.source = (True if s in ("true", "") else False if s == "false"
                    else (s.split(","), []))
    if "_source_includes" in p or "_source_excludes" in p:
        inc = p.get("_source_includes", "")
        exc = p.get("_source_excludes", "")
        r.source = ([x for x in inc.split(",") if x], [x for x in exc.split(",") if x])
    if "version" in p:
        r.version = _bool_param(p["version"], "version")
    if "seq_no_primary_term" in p:
        r.seq_no = _bool_param(p["seq_no_primary_term"], "seq_no_primary_term")
    if "terminate_after" in p:
        r.terminate_after = _int(p["terminate_after"], "terminate_after")
    if "typed_keys" in p:
        r.typed_keys = _bool_param(p["typed_keys"], "typed_keys")
    if "scroll" in p:
        raise unsupported("the scroll API")
    if "docvalue_fields" in p:
        r.docvalue_fields = [{"field": x} for x in p["docvalue_fields"].split(",")]
    if "stored_fields" in p and "_none_" in p["stored_fields"].split(","):
        raise unsupported("stored_fields [_none_]")
    if p.get("rest_total_hits_as_int") in ("", "true"):
        if r.tth_explicit and r.track_total_hits not in (LONG_MAX, -1):
            raise errors.illegal_argument(
                "[rest_total_hits_as_int] cannot be used if the tracking of total hits "
                "is not accurate, got %d" % r.track_total_hits)
        if not r.tth_explicit:
            r.track_total_hits = LONG_MAX
    # SearchRequest.validate()
    problems = []
    if r.size < 0:
        raise errors.illegal_argument("[size] parameter cannot be negative, found [%d]" % r.size)
    if r.from_ < 0:
        raise errors.illegal_argument("[from] parameter cannot be negative, found [%d]" % r.from_)
    if r.search_after is not None and r.from_ > 0:
        problems.append("`from` parameter must be set to 0 when `search_after` is used.")
    if r.sort and any(s.field == "_shard_doc" for s in r.sort) and r.pit is None:
        problems.append("[_shard_doc] sort field cannot be used without [point in time]")
    if problems:
        raise errors.error(400, cause("action_request_validation_exception",
                                      "Validation Failed: " + "".join(
                                          "%d: %s;" % (i + 1, m) for i, m in enumerate(problems))))
    return r


def _field_specs(v, name, loc):
    out = []
    for item in (v if isinstance(v, list) else [v]):
        if isinstance(item, str):
            out.append({"field": item})
        elif isinstance(item, dict) and "field" in item:
            spec = dict(item)
            for k in spec:
                if k not in ("field", "format", "include_unmapped"):
                    raise xcontent(item.keyloc.get(k) if hasattr(item, "keyloc") else loc,
                                   "[field_and_format] unknown field [%s]" % k)
            out.append(spec)
        else:
            raise parsing("Expected [START_OBJECT] or [VALUE_STRING] in [%s]" % name, loc)
    return out


# ----------------------------------------------------------------- sorting

def _fielddata_error(field, index):
    return cause("illegal_argument_exception", aggs_mod._fielddata_msg(field, index))


class _ShardSort:
    """A sort spec resolved for one index: how to get a hit's sort value."""

    def __init__(self, key, shard, es_major):
        self.key = key
        self.kind = None
        self.field = None
        f = key.field
        if f == "_score":
            self.kind = "score"
        elif f == "_doc":
            self.kind = "doc"
        elif f == "_shard_doc":
            self.kind = "shard_doc"
        elif f == "_index":
            self.kind = "index"
        elif f == "_id":
            if es_major >= 8:
                raise ShardFailure(cause(
                    "illegal_argument_exception",
                    "Fielddata access on the _id field is disallowed, you can re-enable "
                    "it by updating the dynamic cluster setting: "
                    "indices.id_field_data.enabled"))
            self.kind = "id"
        else:
            fld = shard.mapping.fields.get(f)
            if fld is None:
                if key.unmapped_type is None:
                    raise ShardFailure(errors.query_shard(
                        "No mapping found for [%s] in order to sort on" % f,
                        shard.index.name, shard.index.uuid))
                self.kind = "unmapped"
                self.type = key.unmapped_type
            else:
                if fld.type in mapping.TEXTLIKE:
                    raise ShardFailure(_fielddata_error(f, shard.index.name))
                if not fld.doc_values:
                    raise ShardFailure(cause(
                        "illegal_argument_exception",
                        "Can't load fielddata on [%s] because fielddata is unsupported on "
                        "fields of type [%s]. Use doc values instead." % (f, fld.type)))
                self.kind = "field"
                self.field = fld
                self.type = fld.type

    def numeric(self):
        t = getattr(self, "type", None)
        return t in mapping.NUMERIC or t in ("date", "boolean", "long")

    def value(self, doc, score, ordinal):
        """The hit's sort value as ES prints it."""
        k = self.kind
        if k == "score":
            return score
        if k == "doc":
            return doc.seq
        if k == "shard_doc":
            return (ordinal << 32) + doc.seq
        if k == "index":
            return doc.index.name
        if k == "id":
            return doc.id
        desc = self.key.order == "desc"
        vals = [] if k == "unmapped" else list(doc.indexed(self.field))
        if vals:
            if self.type == "boolean":
                vals = [1 if v else 0 for v in vals]
            mode = self.key.mode or ("max" if desc else "min")
            if mode == "min":
                v = min(vals)
            elif mode == "max":
                v = max(vals)
            elif mode == "sum" and self.numeric():
                v = sum(vals)
            elif mode in ("avg", "median") and self.numeric():
                s = sorted(vals)
                v = (sum(s) / len(s)) if mode == "avg" else s[len(s) // 2]
                if self.type in mapping.INTEGRAL or self.type == "date":
                    v = int(round(v))
            else:
                v = min(vals)
            if self.type == "date" and self.key.format:
                return datemath.format_ms(v, self.key.format)
            return v
        return self.missing_value(desc)

    def missing_value(self, desc):
        m = self.key.missing
        first = m == "_first"
        if m not in ("_last", "_first", None):
            return m
        if self.numeric() or (self.kind == "unmapped" and self.type != "keyword"):
            if self.type in ("double", "float", "half_float", "scaled_float"):
                return float("-inf") if desc != first else float("inf")
            return LONG_MIN if desc != first else LONG_MAX
        return None


def _cmp_values(a, b):
    if a is None and b is None:
        return 0
    if a is None:
        return 1
    if b is None:
        return -1
    if isinstance(a, str) != isinstance(b, str):
        a, b = str(a), str(b)
    return (a > b) - (a < b)


def compare(ka, kb, orders):
    for a, b, o in zip(ka, kb, orders):
        c = _cmp_values(a, b)
        if c:
            if o == "desc" and not (a is None or b is None):
                return -c
            return c
    return 0


def _after_value(v, ss):
    """Convert a search_after value to the type of the sort values."""
    if v is None:
        return None
    if ss.kind in ("doc", "shard_doc"):
        return int(v)
    if ss.kind == "score":
        return float(v)
    t = getattr(ss, "type", None)
    if t == "date":
        if ss.key.format and isinstance(v, str):
            return datemath.format_ms(datemath.parse(v, ss.key.format), ss.key.format)
        if isinstance(v, str) and not v.lstrip("-").isdigit():
            return datemath.parse(v, ss.field.format if ss.field else None)
        return int(v)
    if t in mapping.NUMERIC or (ss.kind == "unmapped" and t not in ("keyword",)):
        try:
            return float(v) if t in ("double", "float") else int(v)
        except (TypeError, ValueError):
            raise ShardFailure(cause(
                "illegal_argument_exception",
                "Failed to parse search_after value for field [%s]." % ss.key.field,
                caused_by=cause("number_format_exception", 'For input string: "%s"' % v)))
    return str(v) if not isinstance(v, str) else v


# ----------------------------------------------------------------- results

def _pattern_rx(pats):
    """One compiled regex for a list of glob patterns (or None)."""
    if not pats:
        return None
    return re.compile("|".join("(?:%s)" % fnmatch.translate(p) for p in pats), re.S)


def filter_source(src, includes, excludes):
    """XContentMapValues.filter: keep paths matching includes, drop excludes."""
    inc_rx = _pattern_rx(includes)
    exc_rx = _pattern_rx(excludes)

    def match_any(path, pats):
        rx = inc_rx if pats is includes else exc_rx
        return rx is not None and rx.match(path) is not None

    def walk(obj, prefix, included):
        out = {}
        for k, v in obj.items():
            path = prefix + k
            if excludes and match_any(path, excludes):
                continue
            inc = included or not includes or match_any(path, includes)
            if isinstance(v, dict):
                sub = walk(v, path + ".", inc)
                if sub or (inc and not v):
                    out[k] = sub
                continue
            if isinstance(v, list) and any(isinstance(x, dict) for x in v):
                items = []
                for x in v:
                    if isinstance(x, dict):
                        s = walk(x, path + ".", inc)
                        if s:
                            items.append(s)
                    elif inc:
                        items.append(x)
                if items:
                    out[k] = items
                continue
            if inc:
                out[k] = v
        return out
    return walk(src, "", False)


def fetch_fields(doc, specs, docvalue=False):
    """The ``fields`` option: every value in an array, flattened names."""
    m = doc.index.mapping
    out = {}
    for spec in specs:
        pat = spec["field"]
        fmt = spec.get("format")
        for name in sorted(m.resolve(pat) if "*" in pat else
                           ([pat] if pat in m.fields else [])):
            f = m.fields[name]
            if docvalue and f.type in mapping.TEXTLIKE:
                raise ShardFailure(_fielddata_error(name, doc.index.name))
            raw = doc.values.get(f.source)
            if not raw:
                continue
            vals = doc.indexed(f) if f.type not in mapping.TEXTLIKE else list(raw)
            if f.type == "date":
                vals = [datemath.format_ms(v, fmt or f.format.split("||")[0]) for v in vals]
            elif f.type == "keyword" and not docvalue:
                vals = list(vals)
            if docvalue and f.type in ("keyword",):
                vals = sorted(vals)
            if vals:
                out[name] = list(vals)
    return out


def total_hits_obj(n, track):
    if track >= n or track == LONG_MAX:
        return {"value": n, "relation": "eq"}
    return {"value": track, "relation": "gte"}


def execute(store, indices, req, params, es_major, fault=None, pit_snapshot=None):
    """Run a validated request over concrete indices; return the body dict."""
    t0 = time.monotonic()
    now = datemath.now_ms()
    shards = []
    failures = []
    matched = []            # (doc, score, ordinal) passing query (+post_filter)
    agg_docs = []           # docs passing the query (aggregations)
    scoring = queries.scoring(req.query)
    for ordinal, ix in enumerate(indices):
        shard = queries.Shard(ix, ordinal, now, es_major)
        shards.append(shard)
        docs = pit_snapshot[ix.name] if pit_snapshot is not None else list(ix.docs)
        try:
            if fault == "partial" and ordinal == 0:
                raise ShardFailure(cause(
                    "node_not_connected_exception",
                    "[%s][10.77.0.5:9300] Node not connected" % errors.NODE_NAME),
                    status=500)
            pred = req.query.compile(shard)
            post = req.post_filter.compile(shard) if req.post_filter else None
            sorts = [_ShardSort(k, shard, es_major) for k in req.sort] if req.sort else None
            for name, agg, _meta in req.aggs:
                agg.check_field(shard)
            if req.docvalue_fields:
                for spec in req.docvalue_fields:
                    for name in ix.mapping.resolve(spec["field"]):
                        if ix.mapping.fields[name].type in mapping.TEXTLIKE:
                            raise ShardFailure(_fielddata_error(name, ix.name))
            if req.from_ + req.size > MAX_RESULT_WINDOW and req.size > 0:
                raise ShardFailure(cause(
                    "illegal_argument_exception",
                    "Result window is too large, from + size must be less than or "
                    "equal to: [%d] but was [%d]. See the scroll api for a more "
                    "efficient way to request large data sets. This limit can be set "
                    "by changing the [index.max_result_window] index level setting."
                    % (MAX_RESULT_WINDOW, req.from_ + req.size)))
            if fault == "timed_out":
                docs = docs[:len(docs) // 2]
            score = 1.0 if scoring else 0.0
            n = 0
            for d in docs:
                if pred(d):
                    if req.min_score is not None and score < req.min_score:
                        continue
                    agg_docs.append((d, shard))
                    if post is None or post(d):
                        matched.append((d, score, ordinal, sorts))
                    n += 1
                    if req.terminate_after and n >= req.terminate_after:
                        break
        except ShardFailure as e:
            failures.append((shard_failure_entry(0, ix.name, e.cause), e.status))
            matched = [m for m in matched if m[2] != ordinal]
            agg_docs = [a for a in agg_docs if a[1] is not shard]
    if indices and len(failures) == len(indices):
        status = failures[0][1]
        for _f, st in failures:
            if st >= 500:
                status = st
        raise errors.all_shards_failed([f for f, _s in failures], status)

    # Sort keys and search_after.
    if req.sort:
        orders = [k.order for k in req.sort]
        if req.pit is not None and not any(k.field == "_shard_doc" for k in req.sort):
            orders.append("asc")
        keyed = []
        for d, score, ordinal, sorts in matched:
            vals = [s.value(d, score, ordinal) for s in sorts]
            if req.pit is not None and len(vals) < len(orders):
                vals.append((ordinal << 32) + d.seq)
            keyed.append((vals, d, score, ordinal))
        if req.search_after is not None:
            if len(req.search_after) != len(orders):
                raise errors.all_shards_failed([shard_failure_entry(
                    0, ix.name, cause("illegal_argument_exception",
                                      "search_after has %d value(s) but sort has %d."
                                      % (len(req.search_after), len(orders))))
                    for ix in indices], 400)
            ref_sorts = None
            for _d, _s, _o, s in matched:
                ref_sorts = s
                break
            after = list(req.search_after)
            if ref_sorts:
                try:
                    after = [_after_value(v, ss) for v, ss in zip(after, ref_sorts)] + \
                        [int(v) for v in after[len(ref_sorts):]]
                except ShardFailure as e:
                    raise errors.all_shards_failed(
                        [shard_failure_entry(0, ix.name, e.cause) for ix in indices], 400)
                except (datemath.DateError, ValueError, TypeError) as e:
                    c = e.cause if hasattr(e, "cause") else cause(
                        "illegal_argument_exception", "Failed to parse search_after value")
                    raise errors.all_shards_failed(
                        [shard_failure_entry(0, ix.name, c) for ix in indices], 400)
            keyed = [k for k in keyed if compare(k[0], after, orders) > 0]
        keyed.sort(key=functools.cmp_to_key(
            lambda a, b: compare(a[0], b[0], orders) or (a[3] - b[3]) or (a[1].seq - b[1].seq)))
        ordered = [(d, score, vals) for vals, d, score, _o in keyed]
    else:
        if req.search_after is not None:
            raise errors.all_shards_failed([shard_failure_entry(
                0, ix.name, cause("illegal_argument_exception",
                                  "Sort must contain at least one field.")) for ix in indices], 400)
        ordered = [(d, score, None) for d, score, _o, _s in matched]
    total = len(matched)
    page = ordered[req.from_:req.from_ + req.size]
    sorted_on_field = bool(req.sort) and not (len(req.sort) and req.sort[0].field == "_score")
    show_score = not req.sort or req.track_scores or any(k.field == "_score" for k in req.sort)

    hl_terms = highlight_mod.terms_of(req.query) if req.highlight else None
    hits = []
    for d, score, vals in page:
        h = {"_index": d.index.name}
        if es_major < 8:
            h["_type"] = "_doc"
        h["_id"] = d.id
        if req.version:
            h["_version"] = d.version
        if req.seq_no:
            h["_seq_no"] = d.seq
            h["_primary_term"] = 1
        h["_score"] = score if show_score else None
        if req.source is True:
            from jsonpos import Raw
            h["_source"] = Raw(d.raw)
        elif req.source is not False:
            inc, exc = req.source
            h["_source"] = filter_source(d.source, inc, exc)
        fields = {}
        if req.fields:
            fields.update(fetch_fields(d, req.fields))
        if req.docvalue_fields:
            fields.update(fetch_fields(d, req.docvalue_fields, docvalue=True))
        if req.fields is not None or req.docvalue_fields is not None:
            if fields:
                h["fields"] = fields
        if req.highlight:
            hl = req.highlight.for_doc(d, hl_terms)
            if hl:
                h["highlight"] = hl
        if vals is not None:
            h["sort"] = vals
        hits.append(h)

    took = int((time.monotonic() - t0) * 1000)
    body = {}
    if req.pit is not None:
        body["pit_id"] = req.pit["id"]
    body["took"] = took
    body["timed_out"] = fault == "timed_out"
    if req.terminate_after:
        body["terminated_early"] = total >= req.terminate_after
    sh = {"total": len(indices), "successful": len(indices) - len(failures),
          "skipped": 0, "failed": len(failures)}
    if failures:
        sh["failures"] = [public(f) for f, _s in failures]
    body["_shards"] = sh
    hobj = {}
    as_int = params.get("rest_total_hits_as_int") in ("", "true")
    if as_int:
        hobj["total"] = total if req.track_total_hits != -1 else -1
    elif req.track_total_hits != -1:
        hobj["total"] = total_hits_obj(total, req.track_total_hits)
    if show_score and not sorted_on_field and page:
        hobj["max_score"] = max(s for _d, s, _v in ordered)
    else:
        hobj["max_score"] = None
    hobj["hits"] = hits
    body["hits"] = hobj
    if req.aggs and indices:
        out = {}
        for name, agg, meta in req.aggs:
            ts = []
            fmt = datemath.DEFAULT_FORMAT
            for d, shard in agg_docs:
                f = shard.mapping.fields.get(agg.field)
                if f is None:
                    continue
                fmt = f.format or fmt
                ts.extend(d.indexed(f))
            try:
                res = agg.result(ts, now, fmt)
            except ShardFailure as e:
                raise errors.all_shards_failed(
                    [shard_failure_entry(0, ix.name, e.cause) for ix in indices], 400)
            except datemath.DateError as e:
                raise errors.error(400, e.cause)
            if meta is not None:
                res = dict(meta=meta, **res)
            out[("date_histogram#" + name) if req.typed_keys else name] = res
        body["aggregations"] = out
    return body


def warnings_for(req, es_version):
    """Deprecation Warning headers the request earns (ES 7 mode)."""
    out = []
    for _name, agg, _m in req.aggs:
        if agg.warning:
            out.append('299 Elasticsearch-%s-lab "%s"' % (es_version, agg.warning))
    if req.sort and any(k.field == "_id" for k in req.sort):
        out.append('299 Elasticsearch-%s-lab "Loading the fielddata on the _id field is '
                   'deprecated and will be removed in future versions. If you require '
                   'sorting or aggregating on this field you should also include the id '
                   'in the body of your documents, and map this field as a keyword field '
                   'that has [doc_values] enabled"' % es_version)
    return out
