"""JSON in and out, the way Elasticsearch's XContent layer sees it.

Why not just the json module:
* Elasticsearch reports body errors with a position, ``[1:82] [date_histogram]
  failed to parse field [calendar_interval]``.  The decoder here records the
  line and column of every key and value so the query parser can do the same.
* Elasticsearch returns a document's ``_source`` as the bytes it was indexed
  with (key order, spacing and escapes included) unless the request filters
  it.  The encoder accepts ``Raw`` pieces that are spliced in unchanged.
* Lone UTF-16 surrogates (``"\\udc80"``) are legal JSON escapes and reach
  Elasticsearch in hostile log lines; they must survive a round trip without
  producing invalid UTF-8 on the wire, so the encoder escapes them.

Elasticsearch's parser (Jackson) accepts ``//`` and ``/* */`` comments and
rejects duplicate keys; this decoder does the same.
"""

import math
import re


class JsonError(ValueError):
    """A syntax error, with Jackson-like wording and a 1-based position."""

    def __init__(self, message, line, col):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class Obj(dict):
    """A JSON object that remembers where each key and value started."""

    __slots__ = ("loc", "keyloc", "valloc")

    def __init__(self):
        super().__init__()
        self.loc = (1, 1)
        self.keyloc = {}
        self.valloc = {}


class Arr(list):
    """A JSON array that remembers where each element started."""

    __slots__ = ("loc", "itemloc")

    def __init__(self):
        super().__init__()
        self.loc = (1, 1)
        self.itemloc = []


class Raw:
    """Already-encoded JSON text, written to the output unchanged."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


_WS = " \t\r\n"
_ESC = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n",
        "r": "\r", "t": "\t"}


class _Decoder:
    def __init__(self, text):
        self.s = text
        self.i = 0
        self.n = len(text)
        # Line starts, to turn an offset into (line, column) lazily.
        self._nl = None

    def pos(self, i=None):
        if i is None:
            i = self.i
        if self._nl is None:
            self._nl = [k for k, c in enumerate(self.s) if c == "\n"]
        import bisect
        line = bisect.bisect_left(self._nl, i)
        start = self._nl[line - 1] + 1 if line > 0 else 0
        return (line + 1, i - start + 1)

    def fail(self, message, i=None):
        line, col = self.pos(i)
        raise JsonError(message, line, col)

    def skip(self):
        s, n = self.s, self.n
        while self.i < n:
            c = s[self.i]
            if c in _WS:
                self.i += 1
            elif c == "/" and self.i + 1 < n and s[self.i + 1] == "/":
                j = s.find("\n", self.i)
                self.i = n if j < 0 else j + 1
            elif c == "/" and self.i + 1 < n and s[self.i + 1] == "*":
                j = s.find("*/", self.i + 2)
                if j < 0:
                    self.i = n
                    self.fail("Unexpected end-of-input in a comment")
                self.i = j + 2
            else:
                break

    def value(self):
        self.skip()
        if self.i >= self.n:
            self.fail("Unexpected end-of-input: expected a JSON value")
        c = self.s[self.i]
        if c == "{":
            return self.obj()
        if c == "[":
            return self.arr()
        if c == '"':
            return self.string()
        if c == "-" or c.isdigit():
            return self.number()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return val
        j = self.i
        while j < self.n and (self.s[j].isalnum() or self.s[j] in "_$"):
            j += 1
        tok = self.s[self.i:j] or c
        if tok == c and not (c.isalnum()):
            self.fail("Unexpected character ('%s' (code %d)): expected a valid "
                      "value (JSON String, Number, Array, Object or token "
                      "'null', 'true' or 'false')" % (c, ord(c)))
        self.fail("Unrecognized token '%s': was expecting (JSON String, "
                  "Number, Array, Object or token 'null', 'true' or 'false')"
                  % tok)

    def obj(self):
        o = Obj()
        o.loc = self.pos()
        start = self.i
        self.i += 1
        self.skip()
        if self.i < self.n and self.s[self.i] == "}":
            self.i += 1
            return o
        while True:
            self.skip()
            if self.i >= self.n:
                self.fail("Unexpected end-of-input: expected close marker for "
                          "Object (start marker at line: %d, column: %d)"
                          % self.pos(start))
            c = self.s[self.i]
            if c != '"':
                self.fail("Unexpected character ('%s' (code %d)): was expecting "
                          "double-quote to start field name" % (c, ord(c)))
            kloc = self.pos()
            key = self.string()
            if key in o:
                self.fail("Duplicate field '%s'" % key, self.i - len(key) - 2)
            self.skip()
            if self.i >= self.n or self.s[self.i] != ":":
                c = self.s[self.i] if self.i < self.n else "<EOF>"
                self.fail("Unexpected character ('%s' (code %d)): was expecting "
                          "a colon to separate field name and value"
                          % (c, ord(c[0])))
            self.i += 1
            self.skip()
            vloc = self.pos()
            o[key] = self.value()
            o.keyloc[key] = kloc
            o.valloc[key] = vloc
            self.skip()
            if self.i >= self.n:
                self.fail("Unexpected end-of-input: expected close marker for "
                          "Object (start marker at line: %d, column: %d)"
                          % self.pos(start))
            c = self.s[self.i]
            self.i += 1
            if c == "}":
                return o
            if c != ",":
                self.fail("Unexpected character ('%s' (code %d)): was expecting "
                          "comma to separate Object entries" % (c, ord(c)),
                          self.i - 1)

    def arr(self):
        a = Arr()
        a.loc = self.pos()
        start = self.i
        self.i += 1
        self.skip()
        if self.i < self.n and self.s[self.i] == "]":
            self.i += 1
            return a
        while True:
            self.skip()
            a.itemloc.append(self.pos())
            a.append(self.value())
            self.skip()
            if self.i >= self.n:
                self.fail("Unexpected end-of-input: expected close marker for "
                          "Array (start marker at line: %d, column: %d)"
                          % self.pos(start))
            c = self.s[self.i]
            self.i += 1
            if c == "]":
                return a
            if c != ",":
                self.fail("Unexpected character ('%s' (code %d)): was expecting "
                          "comma to separate Array entries" % (c, ord(c)),
                          self.i - 1)

    def string(self):
        s, n = self.s, self.n
        self.i += 1
        out = []
        start = self.i
        while True:
            j = self.i
            while j < n and s[j] != '"' and s[j] != "\\" and s[j] >= " ":
                j += 1
            out.append(s[self.i:j])
            self.i = j
            if j >= n:
                self.fail("Unexpected end-of-input: was expecting closing quote "
                          "for a string value", start - 1)
            c = s[j]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c < " ":
                self.fail("Illegal unquoted character ((CTRL-CHAR, code %d)): "
                          "has to be escaped using backslash to be included "
                          "in string value" % ord(c))
            # backslash
            if j + 1 >= n:
                self.fail("Unexpected end-of-input in character escape sequence")
            e = s[j + 1]
            if e in _ESC:
                out.append(_ESC[e])
                self.i = j + 2
            elif e == "u":
                h = s[j + 2:j + 6]
                if len(h) < 4 or any(ch not in "0123456789abcdefABCDEF" for ch in h):
                    self.fail("Unexpected character in a \\u escape: expected "
                              "a hex-digit for character escape sequence")
                out.append(chr(int(h, 16)))
                self.i = j + 6
            else:
                self.fail("Unrecognized character escape '%s' (code %d)"
                          % (e, ord(e)))

    def number(self):
        s, n = self.s, self.n
        j = self.i
        if s[j] == "-":
            j += 1
        k = j
        while j < n and s[j].isdigit():
            j += 1
        if j == k:
            self.fail("Unexpected character ('%s' (code %d)) in numeric value: "
                      "expected digit (0-9) to follow minus sign, for valid "
                      "numeric value" % (s[j:j + 1] or "?", ord(s[j]) if j < n else 0))
        isfloat = False
        if j < n and s[j] == ".":
            isfloat = True
            j += 1
            while j < n and s[j].isdigit():
                j += 1
        if j < n and s[j] in "eE":
            isfloat = True
            j += 1
            if j < n and s[j] in "+-":
                j += 1
            while j < n and s[j].isdigit():
                j += 1
        text = s[self.i:j]
        self.i = j
        # Combine surrogate pairs later: Python keeps them apart in chr().
        return float(text) if isfloat else int(text)


def _join_surrogates(v):
    """Turn escaped surrogate pairs into one code point; keep lone halves."""
    if isinstance(v, str):
        if not any("\ud800" <= c <= "\udfff" for c in v):
            return v
        return v.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    if isinstance(v, Obj):
        for k in list(v):
            v[k] = _join_surrogates(v[k])
        return v
    if isinstance(v, Arr):
        for k, item in enumerate(v):
            v[k] = _join_surrogates(item)
        return v
    return v


def loads(text):
    """Parse one JSON value; raise JsonError with a position on bad input."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise JsonError("Invalid UTF-8 start byte 0x%02x" % text[e.start],
                            1, e.start + 1)
    d = _Decoder(text)
    d.skip()
    if d.i >= d.n:
        raise JsonError("No content to map due to end-of-input", 1, 1)
    v = d.value()
    d.skip()
    if d.i < d.n:
        # Jackson stops after the first value; XContent then complains.
        d.fail("Unexpected character ('%s' (code %d)): expected end of input"
               % (d.s[d.i], ord(d.s[d.i])))
    return _join_surrogates(v)


# ---------------------------------------------------------------- output

_OUT_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}


_NEEDS_ESC = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')


def _esc1(m):
    c = m.group(0)
    e = _OUT_ESC.get(c)
    # Jackson writes the other control characters as upper-case \u00XX.
    return e if e is not None else "\\u%04X" % ord(c)


def _str(s):
    return '"' + _NEEDS_ESC.sub(_esc1, s) + '"'


def _num(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if math.isnan(v) or math.isinf(v):
        return "null"
    r = repr(v)
    return r


def _enc(v, out, indent, level):
    if isinstance(v, Raw):
        # ?pretty re-renders stored JSON, as XContent's copy does.
        out.append(v.text if not indent else dumps_level(loads(v.text), indent, level))
    elif isinstance(v, str):
        out.append(_str(v))
    elif v is None:
        out.append("null")
    elif isinstance(v, (bool, int, float)):
        out.append(_num(v))
    elif isinstance(v, dict):
        if not v:
            out.append("{ }" if indent else "{}")
            return
        out.append("{")
        first = True
        for k, item in v.items():
            if not first:
                out.append(",")
            first = False
            if indent:
                out.append("\n" + " " * (indent * (level + 1)))
                out.append(_str(str(k)) + " : ")
            else:
                out.append(_str(str(k)) + ":")
            _enc(item, out, indent, level + 1)
        if indent:
            out.append("\n" + " " * (indent * level))
        out.append("}")
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[ ]" if indent else "[]")
            return
        out.append("[")
        first = True
        for item in v:
            if not first:
                out.append(",")
            first = False
            if indent:
                out.append("\n" + " " * (indent * (level + 1)))
            _enc(item, out, indent, level + 1)
        if indent:
            out.append("\n" + " " * (indent * level))
        out.append("]")
    else:
        raise TypeError("cannot encode %r" % type(v))


def dumps_level(v, indent, level):
    out = []
    _enc(v, out, indent, level)
    return "".join(out)


def dumps(v, pretty=False):
    """Compact JSON text like Elasticsearch's, or its ``?pretty`` layout."""
    out = []
    _enc(v, out, 2 if pretty else 0, 0)
    return "".join(out)


def dumpb(v, pretty=False):
    """Encoded JSON as UTF-8 bytes (surrogates are already escaped)."""
    return (dumps(v, pretty) + ("\n" if pretty else "")).encode("utf-8")
