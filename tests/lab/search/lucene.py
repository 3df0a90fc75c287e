"""Lucene's classic query syntax, as ``query_string`` parses it.

The lexer and grammar follow Lucene's QueryParser.jj (the parser behind
Elasticsearch's query_string), because the results depend on its quirks:

* there is no operator precedence: ``AND`` makes the clauses on both sides
  required and ``OR`` makes them optional, clause by clause (addClause);
* a term with a hyphen (``prd-web-01``) is one token; ``field:`` needs a
  TERM before the colon, so wildcard field names need ``\\*``;
* ``+``/``-``/``NOT``/``!`` are modifiers; ``&&``/``||`` are AND/OR;
* ``[a TO b]``, ``{a TO b}``, ``*`` for an open end; ``"phrase"~N``,
  ``term~N`` (fuzzy), ``term^2`` (boost), ``/regexp/``.

Syntax errors are raised as ``LuceneSyntaxError`` carrying the message
JavaCC generates ("Encountered ... at line 1, column N. Was expecting one
of: ...") or the lexical error message, with columns as Lucene's
FastCharStream reports them (0-based offsets).  The expected-token lists are
derived from the grammar; the list after an opening parenthesis is VERBATIM
from the contract (§3.2).
"""

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"

# JavaCC token kinds and images (Lucene QueryParserConstants).
EOF, AND, OR, NOT, PLUS, MINUS, BAREOPER, LPAREN, RPAREN, COLON, STAR, CARAT, \
    QUOTED, TERM, FUZZY_SLOP, PREFIXTERM, WILDTERM, REGEXPTERM, RANGEIN_START, \
    RANGEEX_START, NUMBER, RANGE_TO, RANGEIN_END, RANGEEX_END, RANGE_QUOTED, \
    RANGE_GOOP = (0, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                  23, 24, 25, 26, 27, 28, 29, 30, 31, 32)

IMAGE = {EOF: "<EOF>", AND: "<AND>", OR: "<OR>", NOT: "<NOT>", PLUS: '"+"',
         MINUS: '"-"', BAREOPER: "<BAREOPER>", LPAREN: '"("', RPAREN: '")"',
         COLON: '":"', STAR: '"*"', CARAT: '"^"', QUOTED: "<QUOTED>",
         TERM: "<TERM>", FUZZY_SLOP: "<FUZZY_SLOP>", PREFIXTERM: "<PREFIXTERM>",
         WILDTERM: "<WILDTERM>", REGEXPTERM: "<REGEXPTERM>",
         RANGEIN_START: '"["', RANGEEX_START: '"{"', NUMBER: "<NUMBER>",
         RANGE_TO: '"TO"', RANGEIN_END: '"]"', RANGEEX_END: '"}"',
         RANGE_QUOTED: "<RANGE_QUOTED>", RANGE_GOOP: "<RANGE_GOOP>"}

_WS = " \t\n\r\u3000"
_NOT_START = set(_WS) | set('+-!():^[]"{}~*?\\/')
TERM_STARTS = (BAREOPER, LPAREN, STAR, QUOTED, TERM, PREFIXTERM, WILDTERM,
               REGEXPTERM, RANGEIN_START, RANGEEX_START, NUMBER)
MODIFIERS = (NOT, PLUS, MINUS)
CONJUNCTIONS = (AND, OR)


class LuceneSyntaxError(Exception):
    """A ParseException or TokenMgrError from Lucene's query parser."""

    def __init__(self, message, lexical=False):
        super().__init__(message)
        self.message = message
        self.lexical = lexical


class Tok:
    __slots__ = ("kind", "image", "col")

    def __init__(self, kind, image, col):
        self.kind, self.image, self.col = kind, image, col

    def __repr__(self):
        return "Tok(%s,%r,%d)" % (IMAGE[self.kind], self.image, self.col)


def _escape_java(s):
    """JavaCC's addEscapes()."""
    out = []
    for c in s:
        if c == "\b":
            out.append("\\b")
        elif c == "\t":
            out.append("\\t")
        elif c == "\n":
            out.append("\\n")
        elif c == "\f":
            out.append("\\f")
        elif c == "\r":
            out.append("\\r")
        elif c == '"':
            out.append('\\"')
        elif c == "'":
            out.append("\\'")
        elif c == "\\":
            out.append("\\\\")
        elif ord(c) < 0x20 or ord(c) > 0x7E:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def _lex_error(q, col, eof, after, cur=""):
    enc = "<EOF> " if eof else '"%s" (%d), ' % (_escape_java(cur), ord(cur))
    raise LuceneSyntaxError("Lexical error at line 1, column %d.  Encountered: "
                            "%safter : \"%s\"" % (col, enc, _escape_java(after)),
                            lexical=True)


def lex(q):
    """Tokenise a query string (DEFAULT, Boost and Range lexical states)."""
    toks = []
    i, n = 0, len(q)
    state = "default"
    while True:
        while i < n and q[i] in _WS:
            i += 1
        if i >= n:
            toks.append(Tok(EOF, "", n))
            return toks
        c = q[i]
        start = i
        if state == "boost":
            j = i
            while j < n and q[j].isdigit():
                j += 1
            if j > i and j + 1 < n and q[j] == "." and q[j + 1].isdigit():
                j += 1
                while j < n and q[j].isdigit():
                    j += 1
            state = "default"
            if j > i:
                toks.append(Tok(NUMBER, q[i:j], start))
                i = j
                continue
            # Not a number: fall through to the default state's tokens.
        if state == "range":
            if q.startswith("TO", i) and (i + 2 >= n or q[i + 2] in _WS + "]}"):
                toks.append(Tok(RANGE_TO, "TO", start))
                i += 2
                continue
            if c == "]":
                toks.append(Tok(RANGEIN_END, c, start))
                i += 1
                state = "default"
                continue
            if c == "}":
                toks.append(Tok(RANGEEX_END, c, start))
                i += 1
                state = "default"
                continue
            if c == '"':
                j = i + 1
                while j < n and q[j] != '"':
                    j += 2 if q[j] == "\\" and j + 1 < n and q[j + 1] == '"' else 1
                if j >= n or j == i + 1:
                    if j >= n:
                        _lex_error(q, n, True, q[i:])
                toks.append(Tok(RANGE_QUOTED, q[i:j + 1], start))
                i = j + 1
                continue
            j = i
            while j < n and q[j] not in " ]}":
                j += 1
            toks.append(Tok(RANGE_GOOP, q[i:j], start))
            i = j
            continue
        # DEFAULT state.
        if q.startswith("&&", i) or q.startswith("||", i):
            j = _term_end(q, i)
            if j - i <= 2:
                toks.append(Tok(AND if c == "&" else OR, q[i:i + 2], start))
                i += 2
                continue
        if c in "+-!" and i + 1 < n and q[i + 1] in _WS:
            toks.append(Tok(BAREOPER, q[i:i + 2], start))
            i += 2
            continue
        single = {"+": PLUS, "-": MINUS, "!": NOT, "(": LPAREN, ")": RPAREN,
                  ":": COLON, "^": CARAT, "[": RANGEIN_START, "{": RANGEEX_START}
        if c in single:
            kind = single[c]
            toks.append(Tok(kind, c, start))
            i += 1
            if kind == CARAT:
                state = "boost"
            elif kind in (RANGEIN_START, RANGEEX_START):
                state = "range"
            continue
        if c == '"':
            j = i + 1
            while j < n and q[j] != '"':
                if q[j] == "\\":
                    j += 1
                    if j >= n:
                        break
                j += 1
            if j >= n:
                _lex_error(q, n, True, q[i:])
            toks.append(Tok(QUOTED, q[i:j + 1], start))
            i = j + 1
            continue
        if c == "~":
            j = i + 1
            while j < n and q[j].isdigit():
                j += 1
            if j > i + 1 and j + 1 < n and q[j] == "." and q[j + 1].isdigit():
                j += 1
                while j < n and q[j].isdigit():
                    j += 1
            toks.append(Tok(FUZZY_SLOP, q[i:j], start))
            i = j
            continue
        if c == "/":
            j = i + 1
            while j < n and q[j] != "/":
                j += 2 if q[j] == "\\" and j + 1 < n and q[j + 1] == "/" else 1
            if j >= n:
                _lex_error(q, n, True, q[i:])
            toks.append(Tok(REGEXPTERM, q[i:j + 1], start))
            i = j + 1
            continue
        if c == "\\" and i + 1 >= n:
            _lex_error(q, n, True, "")
        if c == "}" or c == "]":
            # Not a token in the DEFAULT state.
            _lex_error(q, i + 1, False, "", c)
        # TERM / PREFIXTERM / WILDTERM / STAR
        j = i
        wild = False
        if c in "*?":
            wild = True
            j += 1
        elif c not in _NOT_START or c == "\\":
            j += 2 if c == "\\" else 1
        else:
            _lex_error(q, i + 1, False, "", c)
        while j < n:
            cj = q[j]
            if cj == "\\":
                if j + 1 >= n:
                    _lex_error(q, n, True, q[i:j + 1])
                j += 2
            elif cj in "*?":
                wild = True
                j += 1
            elif cj in "+-" or cj not in _NOT_START:
                j += 1
            else:
                break
        image = q[i:j]
        if image == "*":
            kind = STAR
        elif image in ("AND", "OR", "NOT"):
            kind = {"AND": AND, "OR": OR, "NOT": NOT}[image]
        elif not wild:
            kind = TERM
        elif image.endswith("*") and not _has_wild(image[:-1]) and len(image) > 1:
            kind = PREFIXTERM
        else:
            kind = WILDTERM
        toks.append(Tok(kind, image, start))
        i = j


def _term_end(q, i):
    j = i
    while j < len(q) and (q[j] not in _NOT_START or q[j] in "+-"):
        j += 1
    return j


def _has_wild(s):
    k = 0
    while k < len(s):
        if s[k] == "\\":
            k += 2
            continue
        if s[k] in "*?":
            return True
        k += 1
    return False


def discard_escape(s):
    """Lucene's discardEscapeChar (also decodes \\uXXXX)."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            if s[i + 1] == "u" and i + 5 < len(s) + 0 and len(s) >= i + 6:
                try:
                    out.append(chr(int(s[i + 2:i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
            out.append(s[i + 1])
            i += 2
            continue
        if c == "\\":
            raise LuceneSyntaxError("Term can not end with escape character.")
        out.append(c)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------ AST

class Node:
    """A parsed query_string clause.

    kind: "bool" (clauses: [(occur, Node)]), "term", "quoted", "prefix",
    "wildcard", "regexp", "fuzzy", "range", "matchall".  ``field`` is None
    for the default fields."""

    __slots__ = ("kind", "field", "text", "clauses", "slop", "fuzzy",
                 "lower", "upper", "incl_lower", "incl_upper", "raw")

    def __init__(self, kind, field=None, text=None, **kw):
        self.kind = kind
        self.field = field
        self.text = text
        self.clauses = kw.get("clauses")
        self.slop = kw.get("slop")
        self.fuzzy = kw.get("fuzzy")
        self.lower = kw.get("lower")
        self.upper = kw.get("upper")
        self.incl_lower = kw.get("incl_lower")
        self.incl_upper = kw.get("incl_upper")
        self.raw = kw.get("raw")

    def __repr__(self):
        if self.kind == "bool":
            return "Bool(%s)" % ", ".join("%s%r" % ({"must": "+", "should": "",
                                                      "must_not": "-"}[o], c)
                                          for o, c in self.clauses)
        if self.kind == "range":
            return "Range(%s:%s%s TO %s%s)" % (
                self.field, "[" if self.incl_lower else "{", self.lower,
                self.upper, "]" if self.incl_upper else "}")
        return "%s(%s:%s%s)" % (self.kind.capitalize(), self.field, self.text,
                                "~%s" % self.slop if self.slop else
                                "~%s" % self.fuzzy if self.fuzzy else "")


# Expected-token lists for the error messages.
_CLAUSE_START = [NOT, PLUS, MINUS] + list(TERM_STARTS)


class _Parser:
    def __init__(self, q, default_operator):
        self.q = q
        self.toks = lex(q)
        self.i = 0
        self.and_default = default_operator.upper() == "AND"

    def peek(self):
        return self.toks[self.i]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def fail(self, expected, lookahead_term=False):
        tok = self.peek()
        if tok.kind == EOF:
            enc = "<EOF>"
        else:
            enc = " %s \"%s \"" % (IMAGE[tok.kind], _escape_java(tok.image))
        seqs = sorted(set(expected))
        lines = []
        for k in seqs:
            lines.append(IMAGE[k] + (" " if k == EOF else " ..."))
        if lookahead_term:
            lines.append(IMAGE[TERM] + " ...")
        head = "Was expecting:" if len(lines) == 1 else "Was expecting one of:"
        msg = ('Encountered "%s" at line 1, column %d.\n%s\n    %s\n    '
               % (enc, tok.col, head, "\n    ".join(lines)))
        raise LuceneSyntaxError(msg)

    # Query(field) := Modifiers Clause ( Conjunction Modifiers Clause )*
    def query(self, field, nested):
        clauses = []
        mods = self.modifiers()
        q = self.clause(field, after_mod=mods is not None)
        self.add_clause(clauses, None, mods, q)
        first = q if mods is None else None
        while True:
            k = self.peek().kind
            if k in CONJUNCTIONS or k in MODIFIERS or k in TERM_STARTS:
                conj = None
                if k in CONJUNCTIONS:
                    conj = self.take().kind
                mods = self.modifiers()
                q = self.clause(field, after_mod=mods is not None or conj is not None,
                                after_conj=conj is not None and mods is None)
                self.add_clause(clauses, conj, mods, q)
                continue
            break
        if len(clauses) == 1 and first is not None:
            return first
        return Node("bool", clauses=clauses)

    def modifiers(self):
        k = self.peek().kind
        if k in MODIFIERS:
            self.take()
            return k
        return None

    def add_clause(self, clauses, conj, mods, q):
        """Lucene's QueryParserBase.addClause, to the letter."""
        if clauses and conj == AND:
            occ, c = clauses[-1]
            if occ != MUST_NOT:
                clauses[-1] = (MUST, c)
        if clauses and self.and_default and conj == OR:
            occ, c = clauses[-1]
            if occ != MUST_NOT:
                clauses[-1] = (SHOULD, c)
        if q is None:
            return
        if not self.and_default:
            prohibited = mods in (NOT, MINUS)
            required = mods == PLUS
            if conj == AND and not prohibited:
                required = True
        else:
            prohibited = mods in (NOT, MINUS)
            required = not prohibited and conj != OR
        occ = MUST if required else MUST_NOT if prohibited else SHOULD
        clauses.append((occ, q))

    def clause(self, field, after_mod=False, after_conj=False):
        t = self.peek()
        nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
        if nxt is not None and nxt.kind == COLON and t.kind in (TERM, STAR):
            self.take()
            self.take()
            field = "*" if t.kind == STAR else discard_escape(t.image)
            if self.peek().kind not in TERM_STARTS:
                self.fail(TERM_STARTS)
        t = self.peek()
        if t.kind == LPAREN:
            self.take()
            q = self.query(field, nested=True)
            if self.peek().kind != RPAREN:
                self.fail_after_clause(q, nested=True)
            self.take()
            self.boost()
            return q
        if t.kind in TERM_STARTS:
            return self.term(field)
        if after_mod and not after_conj:
            self.fail(TERM_STARTS, lookahead_term=True)
        self.fail(_CLAUSE_START, lookahead_term=True)

    def fail_after_clause(self, last, nested):
        exp = [AND, OR] + list(MODIFIERS) + list(TERM_STARTS)
        exp.append(RPAREN if nested else EOF)
        exp.append(CARAT)
        self.fail(exp, lookahead_term=True)

    def boost(self):
        if self.peek().kind == CARAT:
            self.take()
            if self.peek().kind != NUMBER:
                self.fail([NUMBER])
            return float(self.take().image)
        return None

    def term(self, field):
        t = self.take()
        k = t.kind
        if k in (RANGEIN_START, RANGEEX_START):
            g1 = self.take()
            if g1.kind not in (RANGE_GOOP, RANGE_QUOTED, RANGE_TO):
                self.i -= 1
                self.fail([RANGE_TO, RANGE_QUOTED, RANGE_GOOP])
            if self.peek().kind != RANGE_TO:
                self.fail([RANGE_TO])
            self.take()
            g2 = self.take()
            if g2.kind not in (RANGE_GOOP, RANGE_QUOTED, RANGE_TO):
                self.i -= 1
                self.fail([RANGE_TO, RANGE_QUOTED, RANGE_GOOP])
            end = self.take()
            if end.kind not in (RANGEIN_END, RANGEEX_END):
                self.i -= 1
                self.fail([RANGEIN_END, RANGEEX_END])
            self.boost()

            def bound(g):
                if g.kind == RANGE_QUOTED:
                    return discard_escape(g.image[1:-1])
                if g.image == "*":
                    return None
                return discard_escape(g.image)
            return Node("range", field, lower=bound(g1), upper=bound(g2),
                        incl_lower=k == RANGEIN_START, incl_upper=end.kind == RANGEIN_END)
        if k == QUOTED:
            slop = None
            if self.peek().kind == FUZZY_SLOP:
                s = self.take().image[1:]
                slop = int(float(s)) if s else None
            self.boost()
            return Node("quoted", field, discard_escape(t.image[1:-1]), slop=slop)
        fuzzy = None
        if self.peek().kind == FUZZY_SLOP:
            fuzzy = self.take().image[1:] or "AUTO"
        b = self.boost()
        if b is not None and fuzzy is None and self.peek().kind == FUZZY_SLOP:
            fuzzy = self.take().image[1:] or "AUTO"
        if k == STAR:
            return Node("wildcard", field, "*", raw="*")
        if k == BAREOPER:
            return Node("term", field, t.image[0])
        if k == PREFIXTERM:
            return Node("prefix", field, discard_escape(t.image[:-1]), raw=t.image)
        if k == WILDTERM:
            return Node("wildcard", field, t.image, raw=t.image)
        if k == REGEXPTERM:
            return Node("regexp", field, t.image[1:-1])
        text = discard_escape(t.image)
        if fuzzy is not None:
            return Node("fuzzy", field, text, fuzzy=fuzzy)
        return Node("term", field, text)


def parse(q, default_operator="OR"):
    """Parse a query string into a Node tree; raise LuceneSyntaxError."""
    p = _Parser(q, default_operator)
    node = p.query(None, nested=False)
    if p.peek().kind != EOF:
        p.fail_after_clause(node, nested=False)
    return node


def syntax_error_reason(q, err):
    """The outer ParseException's message: "Cannot parse '<q>': <inner>"."""
    return "Cannot parse '%s': %s" % (q, err.message)
