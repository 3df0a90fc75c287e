"""The document store: indices, documents, refresh and index resolution.

One index is one primary shard (ES 7+ default) on one node, so
``_shards.total`` is the number of indices a search touches.  Documents are
kept in indexing order, which is the ``_doc`` order.

Near-real-time search is reproduced: a document indexed without
``?refresh`` becomes visible at the next refresh, which runs every
``refresh_interval`` seconds (1 s, as in ES), so a client that polls must
cope with a document appearing up to a second after it was indexed.
"""

import base64
import fnmatch
import hashlib
import threading
import time
import uuid

import jsonpos
import mapping
from errors import index_not_found, error, cause

_INDEX_NAME_BAD = set('\\/*?"<>| ,#:')


class Doc:
    """One stored document: id, raw _source text, parsed source, values."""

    __slots__ = ("index", "id", "raw", "source", "values", "seq", "version",
                 "ts", "_indexed")

    def __init__(self, index, doc_id, raw, source, values, seq, version):
        self.index = index
        self.id = doc_id
        self.raw = raw
        self.source = source
        self.values = values          # source path → [coerced leaf values]
        self.seq = seq
        self.version = version
        ts = values.get("@timestamp")
        self.ts = ts[0] if ts and isinstance(ts[0], int) else None
        self._indexed = {}

    def indexed(self, field):
        """The field's indexed form (tokens, keywords, numbers), cached."""
        v = self._indexed.get(field.name)
        if v is None:
            v = mapping.index_values(field, self.values.get(field.source, ()))
            self._indexed[field.name] = v
        return v


class Index:
    def __init__(self, name, template, created_ms):
        self.name = name
        self.uuid = base64.urlsafe_b64encode(
            hashlib.sha256(name.encode()).digest()[:16]).decode().rstrip("=")[:22]
        self.mapping = mapping.Mapping(template)
        self.docs = []          # visible documents, in _doc order
        self.pending = []       # indexed, waiting for the next refresh
        self.by_id = {}
        self.seq = 0
        self.created_ms = created_ms

    def visible_count(self):
        return len(self.docs)


def template_for(name):
    """Which Logstash template applies to a new index (by name)."""
    if name.startswith("logstash-ecs-") or name.startswith("ecs-logstash-"):
        return "ecs"
    if name.startswith("logstash-"):
        return "classic"
    return "default"


class Store:
    def __init__(self, refresh_interval=1.0, id_seed="lab"):
        self.lock = threading.RLock()
        self.indices = {}
        self.refresh_interval = refresh_interval
        self._id_counter = 0
        self._id_seed = id_seed

    # -- ids ------------------------------------------------------------

    def new_id(self):
        """A 20-character id shaped like ES's auto-generated ones."""
        self._id_counter += 1
        h = hashlib.sha1(("%s:%d" % (self._id_seed, self._id_counter)).encode()).digest()
        return base64.urlsafe_b64encode(h[:15]).decode()

    # -- indices --------------------------------------------------------

    def check_name(self, name):
        bad = None
        if name != name.lower():
            bad = "must be lowercase"
        elif name.startswith(("_", "-", "+")):
            bad = "must not start with '_', '-', or '+'"
        elif any(c in _INDEX_NAME_BAD for c in name):
            bad = 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'
        elif name in (".", ".."):
            bad = "must not be '.' or '..'"
        if bad:
            raise error(400, cause("invalid_index_name_exception",
                                   "Invalid index name [%s], %s" % (name, bad),
                                   index_uuid="_na_", index=name))

    def get_or_create(self, name):
        with self.lock:
            ix = self.indices.get(name)
            if ix is None:
                self.check_name(name)
                ix = Index(name, template_for(name), int(time.time() * 1000))
                self.indices[name] = ix
            return ix

    # -- documents ------------------------------------------------------

    def index_doc(self, index_name, source, raw, doc_id=None, op_type="index",
                  refresh=False):
        """Index one document; returns (index, doc, created).

        Raises mapping.MapperError for a mapping clash and EsError (409) when
        op_type is create and the id exists."""
        with self.lock:
            ix = self.get_or_create(index_name)
            auto_id = doc_id is None
            if auto_id:
                doc_id = self.new_id()
            old = ix.by_id.get(doc_id)
            if old is not None and op_type == "create":
                raise error(409, cause(
                    "version_conflict_engine_exception",
                    "[%s]: version conflict, document already exists (current "
                    "version [%d])" % (doc_id, old.version),
                    index_uuid=ix.uuid, shard="0", index=ix.name))
            values = ix.mapping.parse(source, doc_id)
            doc = Doc(ix, doc_id, raw, source, values, ix.seq,
                      old.version + 1 if old else 1)
            ix.seq += 1
            if old is not None:
                self._remove(ix, old)
            ix.by_id[doc_id] = doc
            ix.pending.append(doc)
            if refresh:
                self.refresh()
            return ix, doc, old is None

    def delete_doc(self, index_name, doc_id):
        with self.lock:
            ix = self.indices.get(index_name)
            old = ix.by_id.get(doc_id) if ix else None
            if old is None:
                return ix, None
            self._remove(ix, old)
            del ix.by_id[doc_id]
            ix.seq += 1
            return ix, old

    def _remove(self, ix, doc):
        if doc in ix.pending:
            ix.pending.remove(doc)
        else:
            try:
                ix.docs.remove(doc)
            except ValueError:
                pass

    def add_loaded(self, index_name, source, doc_id):
        """Bulk-load a generated document (visible at once, no raw copy)."""
        raw = jsonpos.dumps(source)
        ix = self.get_or_create(index_name)
        values = ix.mapping.parse(source, doc_id)
        doc = Doc(ix, doc_id, raw, source, values, ix.seq, 1)
        ix.seq += 1
        ix.by_id[doc_id] = doc
        ix.docs.append(doc)
        return doc

    def warm(self):
        """Analyse every field of every document once, so the first
        searches are as fast as the later ones (the cache is per document)."""
        with self.lock:
            for ix in self.indices.values():
                fields = list(ix.mapping.fields.values())
                for d in ix.docs:
                    for f in fields:
                        if f.source in d.values:
                            d.indexed(f)

    def refresh(self):
        with self.lock:
            for ix in self.indices.values():
                if ix.pending:
                    ix.docs.extend(ix.pending)
                    ix.pending = []
    
    # -- resolution -----------------------------------------------------

    def resolve(self, expression, ignore_unavailable=False, allow_no_indices=True):
        """Concrete indices for an index expression (contract §1, §2.6, §3.4).

        Comma lists, ``*`` wildcards, ``_all``, and ``-name`` exclusions.  A
        missing concrete name is a 404 unless ignore_unavailable; a
        wildcard matching nothing gives no indices (a 200 with
        ``_shards.total`` 0) unless allow_no_indices is false."""
        with self.lock:
            names = sorted(self.indices)
            if expression in (None, "", "_all", "*"):
                if not names and not allow_no_indices:
                    raise index_not_found(expression or "_all")
                return [self.indices[n] for n in names]
            result = []
            seen_wild = False
            for part in expression.split(","):
                part = part.strip()
                if not part:
                    continue
                if part.startswith("-") and seen_wild:
                    pat = part[1:]
                    result = [n for n in result if not fnmatch.fnmatchcase(n, pat)]
                    continue
                if "*" in part or part == "_all":
                    seen_wild = True
                    pat = "*" if part == "_all" else part
                    hit = [n for n in names if fnmatch.fnmatchcase(n, pat)
                           and not n.startswith(".")]
                    if not hit and not allow_no_indices:
                        raise index_not_found(part)
                    result.extend(n for n in hit if n not in result)
                    continue
                if part in self.indices:
                    if part not in result:
                        result.append(part)
                elif not ignore_unavailable:
                    raise index_not_found(part)
            if not result and not allow_no_indices and not seen_wild:
                raise index_not_found(expression)
            return [self.indices[n] for n in result]


def cluster_uuid(seed):
    return base64.urlsafe_b64encode(uuid.uuid5(uuid.NAMESPACE_DNS, seed).bytes).decode().rstrip("=")
