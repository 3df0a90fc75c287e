"""Index mappings: field types, dynamic mapping and per-document field values.

Two index templates, as Logstash installs them (contract §6):

* ``classic`` (Logstash ≤7, ECS disabled, the ``logstash`` template):
  ``@timestamp`` date, ``@version`` keyword, ``message`` text, every other
  string ``text`` with a ``.keyword`` sub-field (``ignore_above: 256``).
* ``ecs`` (Logstash 8 ECS v8 template): strings are ``keyword``
  (``ignore_above: 1024``), ``message`` and ``error.message`` are
  ``match_only_text`` (searched like text), ``event.original`` is a keyword
  that is neither indexed nor has doc values.

New fields are mapped on first sight (dynamic mapping, with ES's default
date detection).  A document whose shape conflicts with the mapping (a
string ``host`` in an index where ``host`` is an object, say) is rejected
with the ``mapper_parsing_exception`` Elasticsearch gives, which is why real
clusters keep the two Logstash shapes in different indices.
"""

import re

import analysis
import datemath
from errors import cause

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float",
           "scaled_float", "unsigned_long"}
INTEGRAL = {"long", "integer", "short", "byte", "unsigned_long"}
TEXTLIKE = {"text", "match_only_text"}


class Field:
    """One mapped leaf field (a multi-field such as host.keyword included)."""

    __slots__ = ("name", "type", "index", "doc_values", "ignore_above",
                 "format", "source", "fields")

    def __init__(self, name, type_, index=True, doc_values=None,
                 ignore_above=None, format=None, source=None):
        self.name = name
        self.type = type_
        self.index = index
        self.doc_values = (type_ not in TEXTLIKE) if doc_values is None else doc_values
        self.ignore_above = ignore_above
        self.format = format or (datemath.DEFAULT_FORMAT if type_ == "date" else None)
        self.source = source or name     # the _source path the value comes from
        self.fields = []                 # names of multi-fields

    def searchable(self):
        return self.index or self.doc_values

    def to_json(self):
        m = {"type": self.type}
        if self.type == "date" and self.format != datemath.DEFAULT_FORMAT:
            m["format"] = self.format
        if self.ignore_above:
            m["ignore_above"] = self.ignore_above
        if not self.index:
            m["index"] = False
        if self.type == "keyword" and not self.doc_values:
            m["doc_values"] = False
        return m


class MapperError(Exception):
    def __init__(self, c):
        super().__init__(c["reason"])
        self.cause = c


_DATE_DETECT = datemath.Formatter("strict_date_optional_time")


def _looks_like_date(s):
    if not s or not s[0].isdigit() or len(s) < 8 or "-" not in s:
        return False
    try:
        _DATE_DETECT.parse(s)
        return True
    except Exception:
        return False


class Mapping:
    """The mapping of one index: leaf fields by full name, object paths."""

    def __init__(self, template):
        self.template = template
        self.fields = {}       # full name → Field
        self.objects = set()   # object paths ("host" in an ECS index)
        if template in ("classic", "ecs"):
            self._add(Field("@timestamp", "date"))
            self._add(Field("@version", "keyword"))
        if template == "ecs":
            self._add(Field("message", "match_only_text"))
            self._add(Field("event.original", "keyword", index=False,
                            doc_values=False, ignore_above=None))

    # -- adding fields --------------------------------------------------

    def _add(self, f):
        self.fields[f.name] = f
        parts = f.source.split(".")
        for i in range(1, len(parts)):
            self.objects.add(".".join(parts[:i]))

    def _dynamic_string(self, path, value):
        if _looks_like_date(value):
            self._add(Field(path, "date"))
            return
        if self.template == "ecs":
            if path == "message" or path.endswith(".message") or path == "error.stack_trace":
                self._add(Field(path, "match_only_text"))
            else:
                self._add(Field(path, "keyword", ignore_above=1024))
            return
        if self.template == "classic" and path == "message":
            self._add(Field(path, "text"))
            return
        f = Field(path, "text")
        kw = Field(path + ".keyword", "keyword", ignore_above=256, source=path)
        f.fields.append(kw.name)
        self._add(f)
        self._add(kw)

    def _dynamic(self, path, value):
        if isinstance(value, bool):
            self._add(Field(path, "boolean"))
        elif isinstance(value, int):
            self._add(Field(path, "long"))
        elif isinstance(value, float):
            self._add(Field(path, "float"))
        elif isinstance(value, str):
            self._dynamic_string(path, value)

    # -- documents ------------------------------------------------------

    def parse(self, source, doc_id):
        """Check a document against the mapping (mapping new fields) and
        return its values: {source path: [leaf values]}.

        Raises MapperError with ES's mapper_parsing_exception on a clash."""
        values = {}
        new = Mapping.__new__(Mapping)
        new.template, new.fields, new.objects = (self.template, dict(self.fields),
                                                set(self.objects))
        new._walk(source, "", values, doc_id)
        # Commit new fields only when the whole document was accepted.
        self.fields, self.objects = new.fields, new.objects
        return values

    def _walk(self, obj, prefix, values, doc_id):
        for key, v in obj.items():
            path = prefix + key if not prefix else prefix + "." + key
            if key == "" or key.startswith(".") or key.endswith(".") or ".." in key:
                raise MapperError(cause(
                    "mapper_parsing_exception" if key else "illegal_argument_exception",
                    "field name cannot be an empty string" if not key else
                    "object field starting or ending with a [.] makes object "
                    "resolution ambiguous: [%s]" % key))
            self._value(path, v, values, doc_id)

    def _value(self, path, v, values, doc_id):
        if isinstance(v, list):
            for item in v:
                self._value(path, item, values, doc_id)
            return
        if isinstance(v, dict):
            if path in self.fields:
                f = self.fields[path]
                raise MapperError(cause(
                    "mapper_parsing_exception",
                    "failed to parse field [%s] of type [%s] in document with "
                    "id '%s'. Preview of field's value: '%s'"
                    % (path, f.type, doc_id, _preview(v)),
                    caused_by=cause("illegal_state_exception",
                                    "Can't get text on a START_OBJECT at 1:%d"
                                    % (len(path) + 4))))
            self.objects.add(path)
            self._walk(v, path, values, doc_id)
            return
        if v is None:
            return
        if path in self.objects and path not in self.fields:
            raise MapperError(cause(
                "mapper_parsing_exception",
                "object mapping for [%s] tried to parse field [%s] as object, "
                "but found a concrete value" % (path, path.rsplit(".", 1)[-1])))
        if path not in self.fields:
            self._dynamic(path, v)
        f = self.fields.get(path)
        if f is None:
            return
        values.setdefault(path, []).append(self._coerce(f, v, doc_id))

    def _coerce(self, f, v, doc_id):
        def fail(inner):
            raise MapperError(cause(
                "mapper_parsing_exception",
                "failed to parse field [%s] of type [%s] in document with id "
                "'%s'. Preview of field's value: '%s'"
                % (f.name, f.type, doc_id, _preview(v)), caused_by=inner))
        if f.type == "date":
            try:
                return datemath.formatter(f.format).parse(str(v)) if not isinstance(
                    v, (int, float)) or isinstance(v, bool) else int(v)
            except datemath.DateError as e:
                fail(e.cause)
        if f.type in NUMERIC:
            try:
                if isinstance(v, bool):
                    raise ValueError
                n = float(v) if not isinstance(v, (int, float)) else v
                return int(n) if f.type in INTEGRAL else float(n)
            except (ValueError, TypeError):
                fail(cause("number_format_exception",
                           'For input string: "%s"' % v))
        if f.type == "boolean":
            if isinstance(v, bool):
                return v
            if v in ("true", "false", ""):
                return v == "true"
            fail(cause("illegal_argument_exception",
                       "Failed to parse value [%s] as only [true] or [false] "
                       "are allowed." % v))
        if isinstance(v, bool):
            return "true" if v else "false"
        return v if isinstance(v, str) else _java_number(v)

    # -- lookup ---------------------------------------------------------

    def resolve(self, pattern):
        """Field names matching a name or a wildcard pattern (ES field
        expansion); object paths expand to their leaves only via patterns."""
        if "*" not in pattern:
            return [pattern] if pattern in self.fields else []
        rx = re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$")
        return [n for n in self.fields if rx.match(n)]

    def to_json(self):
        """The mapping as GET /<index>/_mapping shows it (properties tree)."""
        props = {}
        for f in self.fields.values():
            if f.source != f.name:
                continue
            node = props
            parts = f.name.split(".")
            for p in parts[:-1]:
                node = node.setdefault(p, {}).setdefault("properties", {})
            m = f.to_json()
            if f.fields:
                m["fields"] = {sub.rsplit(".", 1)[-1]: self.fields[sub].to_json()
                               for sub in f.fields}
            node[parts[-1]] = m
        return {"properties": props}


def _preview(v):
    """Java's Map/List toString, used in ES's "Preview of field's value"."""
    if isinstance(v, dict):
        return "{" + ", ".join("%s=%s" % (k, _preview(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_preview(x) for x in v) + "]"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _java_number(v):
    if isinstance(v, float) and v.is_integer():
        return "%.1f" % v
    return str(v)


def index_values(field, raw_values):
    """Indexed form of a field's values for queries.

    text → list of token lists (one per array element); keyword → strings
    (without those over ignore_above); others → the coerced values."""
    if field.type in TEXTLIKE:
        return [analysis.tokenize(v) for v in raw_values if isinstance(v, str)]
    if field.type == "keyword":
        lim = field.ignore_above
        return [v for v in raw_values if isinstance(v, str)
                and (lim is None or len(v) <= lim)]
    return list(raw_values)
