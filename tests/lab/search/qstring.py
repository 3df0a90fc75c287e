"""``query_string``: the Lucene AST (lucene.py) turned into predicates.

This is ES's QueryStringQueryParser on one shard: terms without a field go
to ``default_field``/``fields`` (``*``, every searchable field, leniently,
by default); text fields are analysed (``prd-web-01`` → three OR'ed tokens,
with the default operator), keyword fields match exactly; ``>=5`` style
terms become ranges; ``field:*`` is exists; a purely negative query matches
everything but the negated clauses (Queries.fixNegativeQueryIfNeeded).
A syntax error is the shard failure of contract §3.2.
"""

import re

import analysis
import lucene
import mapping
from errors import cause, ShardFailure
from queries import (ALWAYS, NEVER, QueryNode, _all, _any, _at_least, _meta_pred,
                     _token_eq, _token_pred, _value_pred, analyzed_pred, edit_distance,
                     exists_pred, expand_fields, fuzzy_edits, glob_regex, min_should_match,
                     pattern_pred, range_pred)


class QueryString(QueryNode):
    def __init__(self, query, opts):
        self.query, self.opts = query, opts

    def compile(self, shard):
        o = self.opts
        q = self.query
        if not q.strip():
            return NEVER            # "Matching no documents because no terms present"
        try:
            node = lucene.parse(q, o.get("default_operator", "OR"))
        except lucene.LuceneSyntaxError as e:
            raise qs_parse_failure(shard, q, e)
        fields = o.get("fields")
        default = o.get("default_field")
        if fields:
            names = fields
        elif default:
            names = [default]
        else:
            names = ["*"]
        all_mode = names == ["*"] or names == "*"
        lenient = o.get("lenient", all_mode)
        ctx = _QSContext(shard, names, lenient, o)
        msm = o.get("minimum_should_match") if node.kind == "bool" else None
        return ctx.compile(node, None, msm=msm)


def qs_parse_failure(shard, q, e):
    """§3.2: query_shard_exception 'Failed to parse query [q]' caused by
    Lucene's ParseException ('Cannot parse ...') caused by the parser's own
    ParseException or TokenMgrError."""
    inner = cause("token_mgr_error" if e.lexical else "parse_exception",
                  e.message, foreign=True)
    outer = cause("parse_exception", lucene.syntax_error_reason(q, e),
                  foreign=True, caused_by=inner)
    return shard.failure("Failed to parse query [%s]" % q, outer)


class _QSContext:
    """ES's QueryStringQueryParser: turns the Lucene AST into predicates."""

    def __init__(self, shard, default_names, lenient, opts):
        self.shard = shard
        self.default_names = default_names
        self.lenient = lenient
        self.opts = opts
        self.and_op = str(opts.get("default_operator", "OR")).lower() == "and"
        self.analyze_wildcard = opts.get("analyze_wildcard", False)

    def fields_for(self, field):
        if field is None:
            return expand_fields(self.shard, self.default_names), self.lenient
        if field == "*":
            return self.shard.all_fields(), True
        if "*" in field:
            return expand_fields(self.shard, [field]), self.lenient
        return self.shard.fields(field), self.opts.get("lenient", False)

    def compile(self, node, field, msm=None):
        k = node.kind
        if k == "bool":
            must = [self.compile(c, field) for o, c in node.clauses if o == lucene.MUST]
            should = [self.compile(c, field) for o, c in node.clauses if o == lucene.SHOULD]
            neg = [self.compile(c, field) for o, c in node.clauses if o == lucene.MUST_NOT]
            if msm is not None:
                need = min_should_match(msm, len(should))
            else:
                need = 1 if should and not must else 0
            parts = list(must)
            if should and need:
                parts.append(_at_least(should, need))
            # Queries.fixNegativeQueryIfNeeded: a purely negative query
            # matches everything except the negated clauses.
            pos = _all(parts) if parts else ALWAYS
            if neg:
                anyneg = _any(neg)
                return lambda d: pos(d) and not anyneg(d)
            return pos
        f = node.field
        if f == "_exists_":
            return exists_pred(self.shard, node.text)
        if k == "wildcard" and node.text == "*":
            if f is None or f == "*":
                return ALWAYS
            return exists_pred(self.shard, f)
        if f in ("_id", "_index"):
            return self._meta(node, f)
        fields, lenient = self.fields_for(f)
        preds = []
        for fl in fields:
            try:
                preds.append(self.leaf(node, fl, lenient))
            except ShardFailure:
                if not lenient:
                    raise
        return _any(preds)

    def _meta(self, node, f):
        if node.kind in ("term", "quoted"):
            return _meta_pred(self.shard, f, [node.text])
        if node.kind in ("prefix", "wildcard") and f == "_index":
            pat = node.text + "*" if node.kind == "prefix" else node.text
            return ALWAYS if glob_regex(pat).match(self.shard.index.name) else NEVER
        raise ShardFailure(unsupported_cause("%s queries on [%s]" % (node.kind, f)))

    def leaf(self, node, f, lenient):
        shard = self.shard
        k = node.kind
        op = "and" if self.and_op else "or"
        if k == "term":
            text = node.text
            for prefix in (">=", "<=", ">", "<"):
                if text.startswith(prefix) and len(text) > len(prefix):
                    v = text[len(prefix):]
                    lo = v if prefix[0] == ">" else None
                    hi = v if prefix[0] == "<" else None
                    return self._range(f, lo, hi, prefix == ">=", prefix == "<=", lenient)
            return analyzed_pred(shard, f, text, op, lenient=lenient)
        if k == "quoted":
            slop = node.slop if node.slop is not None else int(self.opts.get("phrase_slop", 0))
            return analyzed_pred(shard, f, node.text, op, lenient=lenient,
                                 quoted=True, slop=slop)
        if k == "range":
            return self._range(f, node.lower, node.upper, node.incl_lower,
                               node.incl_upper, lenient)
        if k in ("prefix", "wildcard"):
            if not self.opts.get("allow_leading_wildcard", True) and \
                    k == "wildcard" and node.text[:1] in "*?":
                raise qs_parse_failure(shard, self.opts["_query"], lucene.LuceneSyntaxError(
                    "'*' or '?' not allowed as first character in WildcardQuery"))
            if (f.type in mapping.TEXTLIKE and self.analyze_wildcard and k == "prefix"):
                toks = analysis.tokenize(node.text)
                if len(toks) > 1:
                    preds = [_token_eq(f, t) for t in toks[:-1]]
                    last = toks[-1]
                    preds.append(_token_pred(f, lambda t: t.startswith(last)))
                    return _all(preds) if self.and_op else _any(preds)
                if len(toks) == 1:
                    last = toks[0]
                    return _token_pred(f, lambda t: t.startswith(last))
                return NEVER
            if f.type in mapping.TEXTLIKE and self.analyze_wildcard and k == "wildcard":
                pieces = re.split(r"[*?]", node.text)
                if any(len(analysis.tokenize(p)) > 1 for p in pieces):
                    raise ShardFailure(unsupported_cause(
                        "an analyzed wildcard that spans several words [%s] on "
                        "text field [%s]" % (node.text, f.name)))
            try:
                return pattern_pred(shard, f, k, node.text, False, normalize=True)
            except ShardFailure:
                if lenient:
                    return NEVER
                raise
        if k == "fuzzy":
            if f.type in mapping.TEXTLIKE or f.type == "keyword":
                term = analysis.normalize(node.text) if f.type != "keyword" else node.text
                fz = node.fuzzy
                try:
                    n = fuzzy_edits("AUTO" if fz == "AUTO" else fz, term)
                except ValueError:
                    n = 2
                test = (lambda t: edit_distance(t, term, n) <= n)
                if f.type == "keyword":
                    return _value_pred(f, test)
                return _token_pred(f, test)
            if lenient:
                return NEVER
            raise shard.create_failed(cause(
                "illegal_argument_exception",
                "Can only use fuzzy queries on keyword and text fields - not on "
                "[%s] which is of type [%s]" % (f.name, f.type)))
        if k == "regexp":
            raise ShardFailure(unsupported_cause("regexp in query_string"))
        return NEVER

    def _range(self, f, lo, hi, incl_lo, incl_hi, lenient):
        try:
            return range_pred(self.shard, f, lo, hi, incl_lo, incl_hi, None,
                              self.opts.get("time_zone"))
        except ValueError as e:
            if lenient:
                return NEVER
            raise self.shard.create_failed(e.args[0])


def unsupported_cause(what):
    return cause("illegal_argument_exception",
                 "lab search server: %s is not supported by the lab's stand-in "
                 "(see tests/lab/search.md)" % what)


