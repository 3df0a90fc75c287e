"""The query DSL: parsing (coordinator) and matching (per shard).

Two phases, as in Elasticsearch:

1. ``parse_query(obj)`` reads the JSON into QueryNode objects and rejects
   malformed DSL with ``parsing_exception`` (line and column included), an
   unknown query name with ``unknown query [x]``, and real Elasticsearch
   queries this server does not implement with an explicit "lab search
   server ... not supported" 400.  These errors come before any shard runs.
2. ``node.compile(shard)`` turns a node into a predicate for one index,
   resolving field names against that index's mapping.  Failures here
   (a query_string syntax error, a number that does not parse, wildcard on a
   long field) are shard failures: if every shard fails the search is a 400
   ``search_phase_execution_exception``; if only some do, a 200 with
   ``_shards.failures``.

Supported: match_all, match_none, match, match_phrase, multi_match
(best_fields, most_fields, phrase), query_string (qstring.py), term, terms,
exists, range, bool, prefix, wildcard, ids, constant_score.

Scores are not BM25: every hit scores 1.0, except under a bool query
whose clauses are all filter/must_not, which scores 0.0 as in ES (see
search.md).
"""

import re

import analysis
import datemath
import errors
import mapping
import suggest
from errors import cause, parsing, ShardFailure, query_shard, unsupported

ALL_QUERIES = [
    "bool", "boosting", "combined_fields", "constant_score", "dis_max",
    "distance_feature", "exists", "function_score", "fuzzy", "geo_bounding_box",
    "geo_distance", "geo_grid", "geo_polygon", "geo_shape", "has_child",
    "has_parent", "ids", "intervals", "knn", "match", "match_all",
    "match_bool_prefix", "match_none", "match_phrase", "match_phrase_prefix",
    "more_like_this", "multi_match", "nested", "parent_id", "percolate",
    "pinned", "prefix", "query_string", "range", "rank_feature", "regexp",
    "rule", "script", "script_score", "semantic", "shape",
    "simple_query_string", "span_containing", "span_field_masking",
    "span_first", "span_multi", "span_near", "span_not", "span_or",
    "span_term", "span_within", "sparse_vector", "term", "terms", "terms_set",
    "text_expansion", "weighted_tokens", "wildcard", "wrapper",
]


def NEVER(_d):
    return False


def ALWAYS(_d):
    return True


class Shard:
    """What compiling a query needs to know about one index (one shard)."""

    def __init__(self, index, ordinal, now, es_major=8):
        self.index = index
        self.mapping = index.mapping
        self.ordinal = ordinal
        self.now = now
        self.es_major = es_major

    def failure(self, reason, caused_by=None):
        return ShardFailure(query_shard(reason, self.index.name, self.index.uuid,
                                        caused_by))

    def create_failed(self, inner):
        """QueryShardContext.toQuery: 'failed to create query: <message>'."""
        return self.failure("failed to create query: " + inner["reason"], inner)

    def fields(self, pattern):
        return [self.mapping.fields[n] for n in self.mapping.resolve(pattern)]

    def all_fields(self):
        """index.query.default_field '*': every searchable leaf field."""
        return [f for f in self.mapping.fields.values()
                if f.searchable() and f.index and f.type != "object"]


# ------------------------------------------------------------ primitives

def _any(preds):
    preds = [p for p in preds if p is not NEVER]
    if not preds:
        return NEVER
    if len(preds) == 1:
        return preds[0]
    return lambda d: any(p(d) for p in preds)


def _all(preds):
    preds = [p for p in preds if p is not ALWAYS]
    if any(p is NEVER for p in preds):
        return NEVER
    if not preds:
        return ALWAYS
    if len(preds) == 1:
        return preds[0]
    return lambda d: all(p(d) for p in preds)


def _at_least(preds, n):
    if n <= 0:
        return ALWAYS
    if n == 1:
        return _any(preds)
    if n > len(preds):
        return NEVER
    return lambda d: sum(1 for p in preds if p(d)) >= n


def _token_pred(f, test):
    return lambda d: any(test(t) for toks in d.indexed(f) for t in toks)


def _token_eq(f, tok):
    return lambda d: any(tok in toks for toks in d.indexed(f))


def _value_pred(f, test):
    return lambda d: any(test(v) for v in d.indexed(f))


def glob_regex(pattern, escapes=True):
    """A Lucene wildcard pattern (* ? and \\ escapes) as a compiled regex."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and escapes and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.S)


def edit_distance(a, b, limit):
    """Damerau-Levenshtein (optimal string alignment), early exit > limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if (prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2]
                    and a[i - 2] == b[j - 1]):
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def fuzzy_edits(fuzziness, term):
    """Fuzziness value → max edits (AUTO: 0-2 chars 0, 3-5 1, more 2)."""
    f = str(fuzziness).upper()
    if f.startswith("AUTO"):
        lo, hi = 3, 6
        if ":" in f:
            lo, hi = (int(x) for x in f[5:].split(","))
        n = len(term)
        return 0 if n < lo else 1 if n < hi else 2
    try:
        v = float(f)
    except ValueError:
        raise ValueError("fuzziness")
    return min(2, int(v))


def _phrase_in(tokens, terms, slop):
    if not terms:
        return False
    k = len(terms)
    if slop == 0:
        for i in range(len(tokens) - k + 1):
            if tokens[i:i + k] == terms:
                return True
        return False
    pos = [[p for p, t in enumerate(tokens) if t == term] for term in terms]
    if any(not p for p in pos):
        return False

    def search(i, used, lo, hi):
        if i == k:
            return hi - lo <= slop
        for p in pos[i]:
            if p in used:
                continue
            v = p - i
            nlo, nhi = min(lo, v), max(hi, v)
            if nhi - nlo <= slop and search(i + 1, used | {p}, nlo, nhi):
                return True
        return False
    return search(0, frozenset(), 10 ** 9, -10 ** 9)


# ---------------------------------------------------- value conversions

def _java_number_error(text):
    return cause("number_format_exception", 'For input string: "%s"' % text)


def to_number(f, value):
    """A query value for a numeric field; raises ValueError(cause)."""
    if isinstance(value, bool):
        raise ValueError(cause("illegal_argument_exception",
                               "Cannot convert [%s] to a number" % value))
    if isinstance(value, (int, float)):
        return value
    s = str(value).strip()
    try:
        v = float(s) if any(c in s for c in ".eE") or f.type not in mapping.INTEGRAL else int(s)
    except ValueError:
        raise ValueError(_java_number_error(value))
    return v


def to_bool(value):
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(cause("illegal_argument_exception",
                           "Can't parse boolean value [%s], expected [true] or "
                           "[false]" % value))


def date_bound(shard, f, value, fmt, tz, round_up):
    try:
        return datemath.parse(value, fmt or f.format, tz, round_up, shard.now)
    except datemath.DateError as e:
        raise ValueError(e.cause)
    except datemath.FormatError as e:
        raise ValueError(cause("illegal_argument_exception", str(e)))


def term_pred(shard, f, value, case_insensitive=False):
    """A term-level (not analysed) match of one value on field f."""
    t = f.type
    if t in mapping.TEXTLIKE:
        v = str(value) if not isinstance(value, bool) else str(value).lower()
        if case_insensitive:
            v = v.lower()
            return _token_pred(f, lambda tok: tok.lower() == v)
        return _token_eq(f, v)
    if t == "keyword":
        v = value if isinstance(value, str) else (
            str(value).lower() if isinstance(value, bool) else _num_str(value))
        if case_insensitive:
            lv = v.lower()
            return _value_pred(f, lambda x: x.lower() == lv)
        return _value_pred(f, lambda x: x == v)
    if t in mapping.NUMERIC:
        n = to_number(f, value)
        if t in mapping.INTEGRAL and isinstance(n, float) and not n.is_integer():
            return NEVER
        return _value_pred(f, lambda x: x == n)
    if t == "date":
        lo = date_bound(shard, f, value, None, None, False)
        hi = date_bound(shard, f, value, None, None, True)
        return _value_pred(f, lambda x: lo <= x <= hi)
    if t == "boolean":
        b = to_bool(value)
        return _value_pred(f, lambda x: x == b)
    return NEVER


def _num_str(v):
    if isinstance(v, float) and v.is_integer():
        return repr(v)
    return str(v)


def analyzed_pred(shard, f, text, operator="or", msm=None, fuzziness=None,
                  lenient=False, quoted=False, slop=0):
    """match / query_string term semantics on one field."""
    try:
        if f.type in mapping.TEXTLIKE:
            toks = analysis.tokenize(str(text))
            if not toks:
                return NEVER
            if quoted and len(toks) > 1:
                return lambda d: any(_phrase_in(v, toks, slop) for v in d.indexed(f))
            if fuzziness is not None:
                preds = []
                for tok in toks:
                    n = fuzzy_edits(fuzziness, tok)
                    preds.append(_token_pred(
                        f, lambda t, tok=tok, n=n: edit_distance(t, tok, n) <= n))
            else:
                preds = [_token_eq(f, tok) for tok in toks]
            if operator == "and":
                return _all(preds)
            need = min_should_match(msm, len(preds)) if msm is not None else 1
            return _at_least(preds, max(need, 1))
        return term_pred(shard, f, text)
    except ValueError as e:
        if lenient:
            return NEVER
        raise shard.create_failed(e.args[0])


def min_should_match(spec, n):
    """ES's Queries.calculateMinShouldMatch for ints and percentages."""
    s = str(spec).strip()
    if "<" in s or " " in s:
        raise NotImplementedError("conditional minimum_should_match [%s]" % s)
    if s.endswith("%"):
        p = float(s[:-1])
        res = int(n * p / 100.0) if p >= 0 else n + int(n * p / 100.0)
    else:
        v = int(s)
        res = v if v >= 0 else n + v
    return max(0, min(n, res)) if res >= 0 else 0


# --------------------------------------------------------------- nodes

class QueryNode:
    scoring = True

    def compile(self, shard):
        raise NotImplementedError


class MatchAll(QueryNode):
    def compile(self, shard):
        return ALWAYS


class MatchNone(QueryNode):
    def compile(self, shard):
        return NEVER


class ConstantScore(QueryNode):
    def __init__(self, inner):
        self.inner = inner

    def compile(self, shard):
        return self.inner.compile(shard)


class Bool(QueryNode):
    def __init__(self, must, filter_, should, must_not, msm):
        self.must, self.filter, self.should, self.must_not = must, filter_, should, must_not
        self.msm = msm
        self.scoring = bool(must or should) or not (filter_ or must_not)

    def compile(self, shard):
        req = [q.compile(shard) for q in self.must + self.filter]
        neg = [q.compile(shard) for q in self.must_not]
        opt = [q.compile(shard) for q in self.should]
        if self.msm is not None:
            need = min_should_match(self.msm, len(opt))
        else:
            need = 1 if opt and not req else 0
        parts = list(req)
        if opt and need:
            parts.append(_at_least(opt, need))
        pos = _all(parts)
        if neg:
            anyneg = _any(neg)
            return lambda d: pos(d) and not anyneg(d)
        return pos


class Term(QueryNode):
    def __init__(self, field, value, ci=False):
        self.field, self.value, self.ci = field, value, ci

    def compile(self, shard):
        meta = _meta_pred(shard, self.field, [self.value])
        if meta is not None:
            return meta
        preds = []
        for f in shard.fields(self.field):
            if not f.searchable():
                raise shard.failure("failed to create query: Cannot search on field "
                                    "[%s] since it is not indexed." % f.name)
            try:
                preds.append(term_pred(shard, f, self.value, self.ci))
            except ValueError as e:
                raise shard.create_failed(e.args[0])
        return _any(preds)


class Terms(QueryNode):
    def __init__(self, field, values):
        self.field, self.values = field, values

    def compile(self, shard):
        meta = _meta_pred(shard, self.field, self.values)
        if meta is not None:
            return meta
        preds = []
        for f in shard.fields(self.field):
            for v in self.values:
                try:
                    preds.append(term_pred(shard, f, v))
                except ValueError as e:
                    raise shard.create_failed(e.args[0])
        return _any(preds)


def _meta_pred(shard, field, values):
    if field == "_id":
        ids = set(str(v) for v in values)
        return lambda d: d.id in ids
    if field == "_index":
        name = shard.index.name
        ok = any(glob_regex(str(v), False).match(name) for v in values)
        return ALWAYS if ok else NEVER
    return None


class Ids(QueryNode):
    def __init__(self, values):
        self.values = set(str(v) for v in values)

    def compile(self, shard):
        return lambda d: d.id in self.values


class Exists(QueryNode):
    def __init__(self, field):
        self.field = field

    def compile(self, shard):
        return exists_pred(shard, self.field)


def exists_pred(shard, pattern):
    if pattern in ("_id", "_index", "_source"):
        return ALWAYS
    preds = []
    for f in shard.fields(pattern):
        if f.type in mapping.TEXTLIKE:
            preds.append(lambda d, f=f: bool(d.values.get(f.source)))
        elif not f.searchable():
            continue
        else:
            preds.append(lambda d, f=f: bool(d.indexed(f)))
    if "*" not in pattern and not preds:
        # An object path: exists if any leaf below it exists.
        sub = [f for n, f in shard.mapping.fields.items()
               if n.startswith(pattern + ".") and f.source == n]
        preds = [lambda d, f=f: bool(d.values.get(f.source)) for f in sub]
    return _any(preds)


class Range(QueryNode):
    def __init__(self, field, lo, hi, incl_lo, incl_hi, fmt, tz, relation):
        self.field, self.lo, self.hi = field, lo, hi
        self.incl_lo, self.incl_hi = incl_lo, incl_hi
        self.fmt, self.tz, self.relation = fmt, tz, relation

    def compile(self, shard):
        if self.field == "_index":
            return self._index_range(shard)
        preds = []
        for f in shard.fields(self.field):
            try:
                preds.append(range_pred(shard, f, self.lo, self.hi, self.incl_lo,
                                        self.incl_hi, self.fmt, self.tz))
            except ValueError as e:
                raise shard.create_failed(e.args[0])
        return _any(preds)

    def _index_range(self, shard):
        n = shard.index.name
        ok = ((self.lo is None or (n > str(self.lo) or self.incl_lo and n == str(self.lo)))
              and (self.hi is None or (n < str(self.hi) or self.incl_hi and n == str(self.hi))))
        return ALWAYS if ok else NEVER


def range_pred(shard, f, lo, hi, incl_lo, incl_hi, fmt=None, tz=None):
    """A range on one field (ES's per-type rangeQuery)."""
    t = f.type
    if t == "date":
        # JavaDateMathParser: round up for gt and lte (contract §1.4).
        lo_v = None if lo is None else date_bound(shard, f, lo, fmt, tz, not incl_lo)
        hi_v = None if hi is None else date_bound(shard, f, hi, fmt, tz, incl_hi)
        if lo_v is not None and not incl_lo:
            lo_v += 1
        if hi_v is not None and not incl_hi:
            hi_v -= 1
        return _value_pred(f, lambda x: (lo_v is None or x >= lo_v) and
                           (hi_v is None or x <= hi_v))
    if t in mapping.NUMERIC:
        lo_v = None if lo is None else to_number(f, lo)
        hi_v = None if hi is None else to_number(f, hi)
        return _value_pred(f, lambda x: (lo_v is None or x > lo_v or incl_lo and x == lo_v)
                           and (hi_v is None or x < hi_v or incl_hi and x == hi_v))
    if t == "boolean":
        lo_v = None if lo is None else int(to_bool(lo))
        hi_v = None if hi is None else int(to_bool(hi))
        return _value_pred(f, lambda x: (lo_v is None or int(x) > lo_v or incl_lo and int(x) == lo_v)
                           and (hi_v is None or int(x) < hi_v or incl_hi and int(x) == hi_v))
    lo_s = None if lo is None else (str(lo) if t == "keyword" else analysis.normalize(str(lo)))
    hi_s = None if hi is None else (str(hi) if t == "keyword" else analysis.normalize(str(hi)))

    def inside(x):
        return ((lo_s is None or x > lo_s or incl_lo and x == lo_s) and
                (hi_s is None or x < hi_s or incl_hi and x == hi_s))
    if t in mapping.TEXTLIKE:
        return _token_pred(f, inside)
    return _value_pred(f, inside)


class Pattern(QueryNode):
    """prefix and wildcard queries (term-level, not analysed)."""

    def __init__(self, kind, field, value, ci=False):
        self.kind, self.field, self.value, self.ci = kind, field, value, ci

    def compile(self, shard):
        if self.field == "_index":
            rx = glob_regex(self.value + "*" if self.kind == "prefix" else self.value)
            return ALWAYS if rx.match(shard.index.name) else NEVER
        preds = []
        for f in shard.fields(self.field):
            preds.append(pattern_pred(shard, f, self.kind, self.value, self.ci,
                                      normalize=False))
        return _any(preds)


def pattern_pred(shard, f, kind, value, ci, normalize):
    if f.type not in mapping.TEXTLIKE and f.type != "keyword":
        what = "prefix queries on keyword, text and wildcard" if kind == "prefix" \
            else "wildcard queries on keyword and text"
        raise shard.create_failed(cause(
            "illegal_argument_exception",
            "Can only use %s fields - not on [%s] which is of type [%s]"
            % (what, f.name, f.type)))
    if normalize and f.type in mapping.TEXTLIKE:
        value = analysis.normalize(value)
    flags = re.I if ci else 0
    if kind == "prefix":
        rx = re.compile(re.escape(value), flags | re.S)
    else:
        rx = glob_regex(value)
        if ci:
            rx = re.compile(rx.pattern, re.I | re.S)
    test = rx.match
    if f.type in mapping.TEXTLIKE:
        return _token_pred(f, lambda t: test(t) is not None)
    return _value_pred(f, lambda v: test(v) is not None)


class Match(QueryNode):
    def __init__(self, field, query, opts, phrase=False):
        self.field, self.query, self.opts, self.phrase = field, query, opts, phrase

    def compile(self, shard):
        o = self.opts
        if self.field in ("_id", "_index"):
            return _meta_pred(shard, self.field, [self.query])
        preds = []
        for f in shard.fields(self.field):
            if not f.searchable():
                raise shard.failure("failed to create query: Cannot search on field "
                                    "[%s] since it is not indexed." % f.name)
            preds.append(analyzed_pred(
                shard, f, self.query, o.get("operator", "or"),
                o.get("minimum_should_match"), o.get("fuzziness"),
                o.get("lenient", False), quoted=self.phrase, slop=o.get("slop", 0)))
        return _any(preds)


class MultiMatch(QueryNode):
    def __init__(self, query, fields, type_, opts):
        self.query, self.fields, self.type, self.opts = query, fields, type_, opts

    def compile(self, shard):
        o = self.opts
        fields = expand_fields(shard, self.fields)
        lenient = o.get("lenient", self.fields is None or "*" in (self.fields or []))
        preds = []
        for f in fields:
            preds.append(analyzed_pred(
                shard, f, self.query, o.get("operator", "or"),
                o.get("minimum_should_match"), o.get("fuzziness"), lenient,
                quoted=self.type == "phrase", slop=o.get("slop", 0)))
        return _any(preds)


def expand_fields(shard, names):
    """Field names with wildcards and ^boost → Field objects (deduplicated)."""
    if not names or names == ["*"] or names == "*":
        return shard.all_fields()
    out, seen = [], set()
    for name in names:
        name = name.split("^", 1)[0]
        fs = shard.all_fields() if name == "*" else shard.fields(name)
        for f in fs:
            if f.name not in seen and (f.index or "*" not in name):
                seen.add(f.name)
                out.append(f)
    return out


# --------------------------------------------------------------- parsing

def _token_name(v):
    """XContentParser.Token names used in ES parse errors."""
    if isinstance(v, dict):
        return "START_OBJECT"
    if isinstance(v, list):
        return "START_ARRAY"
    if isinstance(v, bool):
        return "VALUE_BOOLEAN"
    if isinstance(v, (int, float)):
        return "VALUE_NUMBER"
    if v is None:
        return "VALUE_NULL"
    return "VALUE_STRING"


def _loc(obj, key=None, value=False):
    if key is None:
        return getattr(obj, "loc", (1, 1))
    table = getattr(obj, "valloc" if value else "keyloc", {})
    return table.get(key, getattr(obj, "loc", (1, 1)))


def parse_query(obj, where=None):
    """Parse one query object ({"<name>": {...}}) into a QueryNode."""
    if not isinstance(obj, dict):
        raise parsing("[_na] query malformed, must start with start_object",
                      where or (1, 1))
    if not obj:
        return MatchAll()       # ES treats an empty clause as match_all
    names = list(obj)
    name = names[0]
    body = obj[name]
    if len(names) > 1:
        raise parsing("[%s] malformed query, expected [END_OBJECT] but found "
                      "[FIELD_NAME]" % name, _loc(obj, names[1]))
    if name not in ALL_QUERIES:
        loc = _loc(obj, name)
        sugg = suggest.suffix(name, ALL_QUERIES)
        raise errors.error(400, cause(
            "parsing_exception", "unknown query [%s]%s" % (name, sugg),
            line=loc[0], col=loc[1],
            caused_by=cause("named_object_not_found_exception",
                            "[%d:%d] unknown field [%s]" % (loc[0], loc[1], name))))
    parser = _PARSERS.get(name)
    if parser is None:
        raise unsupported("the [%s] query" % name)
    if not isinstance(body, dict) and name not in ("match", "match_phrase", "term"):
        raise parsing("[%s] query malformed, no start_object after query name" % name,
                      _loc(obj, name, True))
    return parser(body, obj, name)


def _check_keys(name, body, allowed):
    for k, v in body.items():
        if k not in allowed:
            raise parsing("[%s] query does not support [%s]" % (name, k),
                          _loc(body, k))


def _single_field(name, body, parent):
    if not isinstance(body, dict):
        raise parsing("[%s] query malformed, no start_object after query name" % name,
                      _loc(parent, name, True))
    keys = [k for k in body if k not in ("boost", "_name")]
    if not keys:
        raise parsing("[%s] query doesn't support multiple fields, found none" % name
                      if name != "term" else "[term] query malformed, no field",
                      _loc(body))
    if len(keys) > 1:
        raise parsing("[%s] query doesn't support multiple fields, found [%s] and [%s]"
                      % (name, keys[0], keys[1]), _loc(body, keys[1]))
    return keys[0], body[keys[0]]


_MATCH_OPTS = {"query", "analyzer", "operator", "minimum_should_match", "fuzziness",
               "prefix_length", "max_expansions", "fuzzy_transpositions",
               "lenient", "zero_terms_query", "auto_generate_synonyms_phrase_query",
               "boost", "_name", "fuzzy_rewrite", "cutoff_frequency", "slop"}


def _analyzer_ok(opts):
    a = opts.get("analyzer")
    if a is not None and a not in ("standard", "default"):
        raise unsupported("the [%s] analyzer" % a)


def _p_match(body, parent, name):
    field, spec = _single_field(name, body, parent)
    phrase = name == "match_phrase"
    if isinstance(spec, dict):
        allowed = ({"query", "analyzer", "slop", "zero_terms_query", "boost", "_name"}
                   if phrase else _MATCH_OPTS - {"slop"})
        _check_keys(name, spec, allowed)
        if "query" not in spec:
            raise parsing("No text specified for text query", _loc(spec))
        opts = dict(spec)
        _analyzer_ok(opts)
        op = str(opts.get("operator", "or")).lower()
        if op not in ("or", "and"):
            raise parsing("[%s] query does not support [operator] value [%s]"
                          % (name, opts["operator"]), _loc(spec, "operator"))
        opts["operator"] = op
        if "cutoff_frequency" in opts:
            raise unsupported("[cutoff_frequency] in the [%s] query" % name)
        if opts.get("zero_terms_query", "none") not in ("none", "all", "NONE", "ALL"):
            raise parsing("Unsupported zero_terms_query value [%s]"
                          % opts["zero_terms_query"], _loc(spec, "zero_terms_query"))
        if str(opts.get("zero_terms_query", "none")).lower() == "all":
            raise unsupported("zero_terms_query [all]")
        return Match(field, opts["query"], opts, phrase)
    if isinstance(spec, list):
        raise parsing("[%s] unknown token [START_ARRAY] after [%s]" % (name, field),
                      _loc(body, field, True))
    return Match(field, spec, {}, phrase)


def _p_multi_match(body, parent, name):
    _check_keys(name, body, _MATCH_OPTS | {"fields", "type", "tie_breaker", "slop"})
    if "query" not in body:
        raise parsing("No text specified for multi_match query", _loc(body))
    t = str(body.get("type", "best_fields")).lower()
    known = {"best_fields", "most_fields", "cross_fields", "phrase",
             "phrase_prefix", "bool_prefix"}
    if t not in known:
        raise errors.error(400, cause("parse_exception",
                                      "failed to parse [multi_match] query type [%s]. "
                                      "unknown type." % body["type"]))
    if t not in ("best_fields", "most_fields", "phrase"):
        raise unsupported("multi_match type [%s]" % t)
    opts = dict(body)
    _analyzer_ok(opts)
    opts["operator"] = str(opts.get("operator", "or")).lower()
    fields = body.get("fields")
    if isinstance(fields, str):
        fields = [fields]
    return MultiMatch(body["query"], fields, t, opts)


_QS_OPTS = {"query", "default_field", "fields", "default_operator", "analyzer",
            "quote_analyzer", "allow_leading_wildcard", "analyze_wildcard",
            "auto_generate_synonyms_phrase_query", "enable_position_increments",
            "escape", "fuzziness", "fuzzy_max_expansions", "fuzzy_prefix_length",
            "fuzzy_transpositions", "fuzzy_rewrite", "lenient",
            "max_determinized_states", "minimum_should_match", "phrase_slop",
            "quote_field_suffix", "rewrite", "time_zone", "type", "tie_breaker",
            "boost", "_name"}


def _p_query_string(body, parent, name):
    _check_keys(name, body, _QS_OPTS)
    if "query" not in body:
        raise parsing("[query_string] must be provided with a [query]", _loc(body))
    opts = dict(body)
    _analyzer_ok(opts)
    if opts.get("quote_field_suffix"):
        raise unsupported("[quote_field_suffix] in query_string")
    op = str(opts.get("default_operator", "OR")).upper()
    if op not in ("OR", "AND"):
        raise parsing("[query_string] query does not support [default_operator] "
                      "value [%s]" % opts["default_operator"], _loc(body, "default_operator"))
    opts["default_operator"] = op
    if "time_zone" in opts:
        try:
            datemath.zone(opts["time_zone"])
        except datemath.DateError as e:
            raise errors.error(400, e.cause)
    opts["_query"] = str(body["query"])
    import qstring      # it builds on this module's primitives
    return qstring.QueryString(str(body["query"]), opts)


def _p_term(body, parent, name):
    field, spec = _single_field(name, body, parent)
    if isinstance(spec, dict):
        _check_keys(name, spec, {"value", "boost", "_name", "case_insensitive"})
        if "value" not in spec:
            raise parsing("[term] query malformed, no value", _loc(spec))
        return Term(field, spec["value"], bool(spec.get("case_insensitive")))
    if isinstance(spec, list):
        raise parsing("[term] query does not support array of values", _loc(body, field, True))
    return Term(field, spec)


def _p_terms(body, parent, name):
    field = None
    values = None
    for k, v in body.items():
        if k in ("boost", "_name"):
            continue
        if isinstance(v, list):
            if field is not None:
                raise parsing("[terms] query does not support multiple fields",
                              _loc(body, k))
            field, values = k, v
        elif isinstance(v, dict):
            raise unsupported("the terms lookup")
        else:
            raise parsing("[terms] query does not support [%s]" % k, _loc(body, k))
    if field is None:
        raise parsing("[terms] query requires a field name, followed by array of terms "
                      "or a document lookup specification", _loc(body))
    return Terms(field, values)


def _p_exists(body, parent, name):
    _check_keys(name, body, {"field", "boost", "_name"})
    if "field" not in body:
        raise parsing("[exists] must be provided with a [field]", _loc(body))
    return Exists(str(body["field"]))


_RANGE_OPTS = {"from", "to", "include_lower", "include_upper", "gt", "gte", "lt",
               "lte", "time_zone", "format", "relation", "boost", "_name"}


def _p_range(body, parent, name):
    field, spec = _single_field(name, body, parent)
    if not isinstance(spec, dict):
        raise parsing("[range] query does not support [%s]" % field, _loc(body, field))
    _check_keys(name, spec, _RANGE_OPTS)
    lo = hi = None
    incl_lo = incl_hi = True
    for k, v in spec.items():
        if k == "from":
            lo = v
        elif k == "to":
            hi = v
        elif k == "include_lower":
            incl_lo = bool(v)
        elif k == "include_upper":
            incl_hi = bool(v)
        elif k == "gt":
            lo, incl_lo = v, False
        elif k == "gte":
            lo, incl_lo = v, True
        elif k == "lt":
            hi, incl_hi = v, False
        elif k == "lte":
            hi, incl_hi = v, True
    rel = str(spec.get("relation", "intersects")).lower()
    if rel not in ("intersects", "within", "contains"):
        raise parsing("[range] query does not support relation [%s]" % spec["relation"],
                      _loc(spec, "relation"))
    fmt = spec.get("format")
    if fmt is not None:
        try:
            datemath.formatter(fmt)
        except datemath.FormatError as e:
            raise errors.illegal_argument(str(e))
        except NotImplementedError as e:
            raise unsupported(str(e))
    tz = spec.get("time_zone")
    if tz is not None:
        try:
            datemath.zone(tz)
        except datemath.DateError as e:
            raise errors.error(400, e.cause)
    return Range(field, lo, hi, incl_lo, incl_hi, fmt, tz, rel)


def _p_pattern(body, parent, name):
    field, spec = _single_field(name, body, parent)
    if isinstance(spec, dict):
        keys = {"value", "boost", "_name", "case_insensitive", "rewrite"}
        if name == "wildcard":
            keys.add("wildcard")
        _check_keys(name, spec, keys)
        value = spec.get("value", spec.get("wildcard"))
        ci = bool(spec.get("case_insensitive"))
    else:
        value, ci = spec, False
    if value is None:
        raise parsing("No value specified for %s query" % name, _loc(body))
    return Pattern(name, field, str(value), ci)


def _p_ids(body, parent, name):
    _check_keys(name, body, {"values", "boost", "_name", "type", "types"})
    return Ids(body.get("values") or [])


def _p_bool(body, parent, name):
    clauses = {"must": [], "filter": [], "should": [], "must_not": []}
    msm = None
    for k, v in body.items():
        if k in clauses:
            if isinstance(v, dict):
                clauses[k].append(parse_query(v, _loc(body, k, True)))
            elif isinstance(v, list):
                for i, item in enumerate(v):
                    where = v.itemloc[i] if hasattr(v, "itemloc") else None
                    clauses[k].append(parse_query(item, where))
            else:
                raise parsing("[bool] query does not support [%s]" % k, _loc(body, k))
        elif k == "minimum_should_match":
            msm = v
            if msm is not None:
                try:
                    min_should_match(msm, 1)
                except NotImplementedError as e:
                    raise unsupported(str(e))
                except ValueError:
                    raise errors.illegal_argument("Invalid minimum_should_match [%s]" % v)
        elif k in ("boost", "_name", "adjust_pure_negative"):
            pass
        else:
            raise parsing("[bool] query does not support [%s]" % k, _loc(body, k))
    return Bool(clauses["must"], clauses["filter"], clauses["should"],
                clauses["must_not"], msm)


def _p_constant_score(body, parent, name):
    _check_keys(name, body, {"filter", "boost", "_name"})
    if "filter" not in body:
        raise parsing("[constant_score] requires a 'filter' element", _loc(body))
    q = ConstantScore(parse_query(body["filter"], _loc(body, "filter", True)))
    return q


def _p_match_all(body, parent, name):
    _check_keys(name, body, {"boost", "_name"})
    return MatchAll() if name == "match_all" else MatchNone()


_PARSERS = {
    "match_all": _p_match_all, "match_none": _p_match_all, "match": _p_match,
    "match_phrase": _p_match, "multi_match": _p_multi_match,
    "query_string": _p_query_string, "term": _p_term, "terms": _p_terms,
    "exists": _p_exists, "range": _p_range, "prefix": _p_pattern,
    "wildcard": _p_pattern, "ids": _p_ids, "bool": _p_bool,
    "constant_score": _p_constant_score,
}


def scoring(node):
    return getattr(node, "scoring", True)


