"""``highlight``: enough of the unified highlighter for Kibana's Discover.

Kibana sends ``"highlight": {"fields": {"*": {}}, "fragment_size":
2147483647, "pre_tags": [...], "post_tags": [...]}`` with every document
request (contract §1.2), so the stand-in answers it rather than refuse the
request.  What is reproduced:

* the terms come from the query's positive clauses (match, match_phrase,
  multi_match, query_string terms/phrases/prefixes/wildcards/fuzzy, term,
  terms, prefix, wildcard); ``must_not`` clauses highlight nothing;
* with ``require_field_match`` (default true) a field is highlighted only if
  the term targets it (a term without a field targets every field);
* text fields: each matching token is wrapped in the tags; keyword fields:
  the whole value, when it matches;
* one fragment per value when the value fits ``fragment_size`` (default 100)
  or ``number_of_fragments`` is 0; otherwise up to ``number_of_fragments``
  (default 5) windows of about fragment_size characters around matches.

Deviation (see search.md): fragments are cut at word boundaries around the
matches, not at the sentence breaks the unified highlighter uses, and
fragments are ordered by position, not by score.
"""

import fnmatch
import re

import analysis
import lucene
import mapping
import qstring
import queries
from errors import unsupported, xcontent

_OPTS = {"fields", "pre_tags", "post_tags", "fragment_size", "number_of_fragments",
         "require_field_match", "type", "encoder", "order", "tags_schema",
         "boundary_scanner", "boundary_chars", "boundary_max_scan", "no_match_size",
         "fragmenter", "phrase_limit", "highlight_query", "max_analyzed_offset",
         "boundary_scanner_locale", "fragment_offset", "matched_fields",
         "force_source", "options", "max_fragment_length"}


class Highlight:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise xcontent(None, "[highlight] expected an object")
        for k in spec:
            if k not in _OPTS:
                raise xcontent(spec.keyloc.get(k) if hasattr(spec, "keyloc") else None,
                               "[highlight] unknown field [%s]" % k)
        if "highlight_query" in spec:
            raise unsupported("[highlight_query]")
        self.pre = list(spec.get("pre_tags", ["<em>"]))
        self.post = list(spec.get("post_tags", ["</em>"]))
        if spec.get("tags_schema") == "styled":
            self.pre = ['<em class="hlt">']
            self.post = ["</em>"]
        self.encoder_html = spec.get("encoder") == "html"
        self.global_opts = spec
        fields = spec.get("fields", {})
        self.fields = []            # (pattern, options)
        if isinstance(fields, dict):
            self.fields = list(fields.items())
        elif isinstance(fields, list):
            for item in fields:
                self.fields.extend(item.items())

    def opt(self, local, name, default):
        if isinstance(local, dict) and name in local:
            return local[name]
        return self.global_opts.get(name, default)

    # -- per hit ------------------------------------------------------------

    def for_doc(self, doc, terms):
        m = doc.index.mapping
        out = {}
        for pattern, local in self.fields:
            names = m.resolve(pattern) if "*" in pattern else (
                [pattern] if pattern in m.fields else [])
            for name in sorted(names):
                f = m.fields[name]
                if f.type not in mapping.TEXTLIKE and f.type != "keyword":
                    continue
                require = self.opt(local, "require_field_match", True)
                tests = [t for t in terms if not require or t.targets(name)]
                if not tests:
                    continue
                frags = self._field(doc, f, tests, local)
                if frags:
                    out[name] = frags
        return out

    def _field(self, doc, f, tests, local):
        size = int(self.opt(local, "fragment_size", 100))
        count = int(self.opt(local, "number_of_fragments", 5))
        frags = []
        for value in doc.values.get(f.source, ()):
            if not isinstance(value, str):
                continue
            if f.type == "keyword":
                if (f.ignore_above is None or len(value) <= f.ignore_above) and \
                        any(t.keyword(value) for t in tests):
                    frags.append(self._wrap(value, [(0, len(value))]))
                continue
            spans = [(s, e) for tok, s, e in analysis.tokenize_spans(value)
                     if any(t.token(tok) for t in tests)]
            if not spans:
                continue
            if count == 0 or len(value) <= size:
                frags.append(self._wrap(value, spans))
                continue
            frags.extend(self._windows(value, spans, size))
        if count:
            frags = frags[:count]
        return frags

    def _windows(self, value, spans, size):
        out = []
        end_prev = -1
        for s, e in spans:
            if s < end_prev:
                continue
            lo = max(0, s - size // 4)
            hi = min(len(value), lo + size)
            while lo > 0 and not value[lo - 1].isspace() and s - lo < size // 2:
                lo -= 1
            limit = lo + size + size // 2
            while hi < len(value) and not value[hi].isspace() and hi < limit:
                hi += 1
            inside = [(a - lo, b - lo) for a, b in spans if a >= lo and b <= hi]
            out.append(self._wrap(value[lo:hi], inside))
            end_prev = hi
        return out

    def _wrap(self, text, spans):
        out = []
        pos = 0
        for i, (s, e) in enumerate(spans):
            out.append(self._enc(text[pos:s]))
            pre = self.pre[i % len(self.pre)] if self.pre else ""
            post = self.post[i % len(self.post)] if self.post else ""
            out.append(pre + self._enc(text[s:e]) + post)
            pos = e
        out.append(self._enc(text[pos:]))
        return "".join(out)

    def _enc(self, s):
        if not self.encoder_html:
            return s
        return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&quot;").replace("'", "&#x27;").replace("/", "&#x2F;"))


class _Term:
    """One thing to highlight: which fields it targets, how tokens match."""

    def __init__(self, fields, token, keyword):
        self.fields = fields        # None: every field
        self.token = token
        self.keyword = keyword

    def targets(self, name):
        if self.fields is None:
            return True
        return any(fnmatch.fnmatchcase(name, p) or name.startswith(p + ".")
                   for p in self.fields)


def _eq(v):
    return lambda t: t == v


def _analyzed_terms(fields, text, fuzzy=None):
    out = []
    for tok in analysis.tokenize(str(text)):
        if fuzzy is not None:
            n = queries.fuzzy_edits(fuzzy, tok)
            test = (lambda t, tok=tok, n=n: queries.edit_distance(t, tok, n) <= n)
        else:
            test = _eq(tok)
        out.append(_Term(fields, test, _eq(str(text))))
    return out


def terms_of(node):
    """The highlightable terms of a parsed query (positive clauses only)."""
    out = []
    if isinstance(node, queries.Bool):
        for q in node.must + node.filter + node.should:
            out += terms_of(q)
    elif isinstance(node, queries.ConstantScore):
        out += terms_of(node.inner)
    elif isinstance(node, queries.Match):
        out += _analyzed_terms([node.field], node.query, node.opts.get("fuzziness"))
    elif isinstance(node, queries.MultiMatch):
        fields = None if not node.fields or "*" in node.fields else \
            [f.split("^")[0] for f in node.fields]
        out += _analyzed_terms(fields, node.query, node.opts.get("fuzziness"))
    elif isinstance(node, queries.Term):
        v = str(node.value)
        out.append(_Term([node.field], _eq(v), _eq(v)))
    elif isinstance(node, queries.Terms):
        for v in node.values:
            out.append(_Term([node.field], _eq(str(v)), _eq(str(v))))
    elif isinstance(node, queries.Pattern):
        rx = (re.compile(re.escape(node.value)) if node.kind == "prefix"
              else queries.glob_regex(node.value))
        out.append(_Term([node.field], lambda t, rx=rx: rx.match(t) is not None,
                         lambda v, rx=rx: rx.match(v) is not None))
    elif isinstance(node, qstring.QueryString):
        try:
            ast = lucene.parse(node.query, node.opts.get("default_operator", "OR"))
        except lucene.LuceneSyntaxError:
            return out
        o = node.opts
        default = o.get("fields") or ([o["default_field"]] if o.get("default_field") else None)
        if default and "*" in default:
            default = None
        out += _qs_terms(ast, default)
    return out


def _qs_terms(n, default):
    out = []
    if n.kind == "bool":
        for occ, c in n.clauses:
            if occ != lucene.MUST_NOT:
                out += _qs_terms(c, default)
        return out
    if n.field == "_exists_" or n.kind in ("range", "regexp"):
        return out
    fields = [n.field] if n.field not in (None, "*") else (None if n.field == "*" else default)
    if n.kind in ("term", "quoted"):
        if n.text[:1] in "<>":
            return out
        return _analyzed_terms(fields, n.text)
    if n.kind == "fuzzy":
        return _analyzed_terms(fields, n.text, n.fuzzy)
    if n.kind == "prefix":
        low = n.text.lower()
        return [_Term(fields, lambda t: t.startswith(low), lambda v: v.startswith(n.text))]
    if n.kind == "wildcard" and n.text != "*":
        rx = queries.glob_regex(n.text.lower())
        rx_kw = queries.glob_regex(n.text)
        return [_Term(fields, lambda t: rx.match(t) is not None,
                      lambda v: rx_kw.match(v) is not None)]
    return out
