"""Aggregations: ``date_histogram`` (contract §1.10, §2.4).

Parameters: field, fixed_interval (ms/s/m/h/d multiples), calendar_interval
(minute/hour/day/week/month/quarter/year, or 1m/1h/1d/1w/1M/1q/1y),
interval (ES 7 mode only, with the deprecation Warning header), time_zone,
offset, format, min_doc_count, extended_bounds, hard_bounds, keyed.

Other aggregation types that Elasticsearch has are refused with the lab's
"not supported" 400; a name that is no aggregation at all gets ES's
``Unknown aggregation type [x]`` parsing_exception.  Sub-aggregations are
not supported.
"""

import re

import datemath
import errors
import mapping
import suggest
from errors import cause, parsing, unsupported, xcontent

ALL_AGGS = [
    "adjacency_matrix", "auto_date_histogram", "avg", "boxplot", "bucket_script",
    "bucket_selector", "bucket_sort", "cardinality", "children", "composite",
    "cumulative_sum", "date_histogram", "date_range", "derivative",
    "diversified_sampler", "extended_stats", "filter", "filters",
    "geo_bounds", "geo_centroid", "geo_distance", "geohash_grid", "geotile_grid",
    "global", "histogram", "ip_range", "max", "median_absolute_deviation", "min",
    "missing", "multi_terms", "nested", "parent", "percentile_ranks",
    "percentiles", "range", "rare_terms", "reverse_nested", "sampler",
    "scripted_metric", "significant_terms", "significant_text", "stats",
    "string_stats", "sum", "terms", "top_hits", "top_metrics", "value_count",
    "variable_width_histogram", "weighted_avg", "avg_bucket", "max_bucket",
    "min_bucket", "sum_bucket", "stats_bucket", "moving_fn", "serial_diff",
    "random_sampler", "rate", "t_test", "categorize_text", "frequent_item_sets",
]

_DH_PARAMS = {"field", "fixed_interval", "calendar_interval", "interval",
              "time_zone", "offset", "format", "min_doc_count", "extended_bounds",
              "hard_bounds", "keyed", "order", "missing", "script"}

_CAL = {"minute": "m", "1m": "m", "hour": "h", "1h": "h", "day": "d", "1d": "d",
        "week": "w", "1w": "w", "month": "M", "1M": "M", "quarter": "q",
        "1q": "q", "year": "y", "1y": "y"}
_FIXED_UNITS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000}
MAX_BUCKETS = 65536


class DateHistogram:
    def __init__(self, name, spec, es_major):
        self.name = name
        self.field = spec.get("field")
        self.tz = spec.get("time_zone")
        self.format = spec.get("format")
        self.min_doc_count = int(spec.get("min_doc_count", 0))
        self.keyed = bool(spec.get("keyed", False))
        self.warning = None
        self.cal = None
        self.fixed = None
        loc = getattr(spec, "valloc", {})
        if "script" in spec:
            raise unsupported("scripts in aggregations")
        if "missing" in spec:
            raise unsupported("[missing] in date_histogram")
        if "order" in spec and spec["order"] not in ({"_key": "asc"}, [{"_key": "asc"}]):
            raise unsupported("date_histogram [order] other than _key asc")
        fi, ci, iv = (spec.get("fixed_interval"), spec.get("calendar_interval"),
                      spec.get("interval"))
        if iv is not None:
            if es_major >= 8:
                raise xcontent(spec.keyloc.get("interval") if hasattr(spec, "keyloc") else None,
                               "[date_histogram] unknown field [interval]")
            self.warning = ("[interval] on [date_histogram] is deprecated, use "
                            "[fixed_interval] or [calendar_interval] in the future.")
            if str(iv) in _CAL:
                ci = iv
            else:
                fi = iv
        if fi is not None and ci is not None:
            raise errors.illegal_argument("Cannot use [fixed_interval] with "
                                          "[calendar_interval] configuration option.")
        if ci is not None:
            if str(ci) not in _CAL:
                raise xcontent(loc.get("calendar_interval"),
                               "[date_histogram] failed to parse field [calendar_interval]",
                               cause("illegal_argument_exception",
                                     "The supplied interval [%s] could not be parsed "
                                     "as a calendar interval." % ci))
            self.cal = _CAL[str(ci)]
        elif fi is not None:
            m = re.match(r"^(\d+)(ms|s|m|h|d)$", str(fi).strip())
            if not m or int(m.group(1)) == 0:
                raise xcontent(loc.get("fixed_interval"),
                               "[date_histogram] failed to parse field [fixed_interval]",
                               cause("illegal_argument_exception",
                                     "failed to parse setting [date_histogram.fixedInterval] "
                                     "with value [%s] as a time value: unit is missing or "
                                     "unrecognized" % fi))
            self.fixed = int(m.group(1)) * _FIXED_UNITS[m.group(2)]
        else:
            raise errors.illegal_argument("Invalid interval specified, must be "
                                          "non-null and non-empty")
        if self.field is None:
            raise errors.illegal_argument("Required one of fields [field, script], "
                                          "but none were specified. ")
        try:
            self.zone = datemath.zone(self.tz)
        except datemath.DateError as e:
            raise errors.error(400, e.cause)
        self.offset = _offset_ms(spec.get("offset"))
        if self.format:
            try:
                datemath.formatter(self.format)
            except datemath.FormatError as e:
                raise errors.illegal_argument(str(e))
            except NotImplementedError as e:
                raise unsupported(str(e))
        self.ext = spec.get("extended_bounds")
        self.hard = spec.get("hard_bounds")

    # -- per shard ------------------------------------------------------

    def check_field(self, shard):
        """Field must be a date (or unmapped) in the index: a shard failure
        otherwise, as ES's ValuesSourceConfig reports it."""
        f = shard.mapping.fields.get(self.field)
        if f is None:
            return None
        if f.type in mapping.TEXTLIKE:
            raise errors.ShardFailure(cause(
                "illegal_argument_exception", _fielddata_msg(self.field, shard.index.name)))
        if f.type != "date" and f.type not in mapping.NUMERIC:
            raise errors.ShardFailure(cause(
                "illegal_argument_exception",
                "Field [%s] of type [%s] is not supported for aggregation "
                "[date_histogram]" % (self.field, f.type)))
        return f

    # -- computing ------------------------------------------------------

    def key(self, ms):
        if self.cal:
            return _cal_round(ms - self.offset, self.cal, self.zone) + self.offset
        off = _utc_offset(ms, self.zone)
        local = ms + off - self.offset
        k = local - local % self.fixed + self.offset
        return k - _utc_offset(k - off, self.zone) if off else k

    def next_key(self, k):
        if self.cal:
            nxt = _cal_add(k - self.offset, self.cal, self.zone) + self.offset
            return nxt
        return k + self.fixed

    def bound(self, v, now, round_up=False):
        return datemath.parse(v, self.format, self.zone, round_up, now)

    def result(self, timestamps, now, field_format):
        counts = {}
        for t in timestamps:
            k = self.key(t)
            counts[k] = counts.get(k, 0) + 1
        hard_lo = hard_hi = None
        if self.hard:
            hard_lo = self.bound(self.hard["min"], now) if self.hard.get("min") is not None else None
            hard_hi = self.bound(self.hard["max"], now) if self.hard.get("max") is not None else None
            counts = {k: c for k, c in counts.items()
                      if (hard_lo is None or k >= self.key(hard_lo)) and
                      (hard_hi is None or k < hard_hi)}
        keys = sorted(counts)
        if self.min_doc_count == 0:
            lo = keys[0] if keys else None
            hi = keys[-1] if keys else None
            if self.ext:
                emin = self.ext.get("min")
                emax = self.ext.get("max")
                if emin is not None:
                    k = self.key(self.bound(emin, now))
                    lo = k if lo is None else min(lo, k)
                if emax is not None:
                    k = self.key(self.bound(emax, now, True))
                    hi = k if hi is None else max(hi, k)
                if emin is not None and emax is not None and \
                        self.bound(emin, now) > self.bound(emax, now, True):
                    raise errors.ShardFailure(cause(
                        "illegal_argument_exception",
                        "[extended_bounds.min][%d] cannot be greater than "
                        "[extended_bounds.max][%d] for histogram aggregation [%s]"
                        % (self.bound(emin, now), self.bound(emax, now, True), self.name)))
            if lo is not None:
                keys = []
                k = lo
                while k <= hi:
                    keys.append(k)
                    if len(keys) > MAX_BUCKETS:
                        raise errors.ShardFailure(cause(
                            "too_many_buckets_exception",
                            "Trying to create too many buckets. Must be less than or "
                            "equal to: [%d] but was [%d]. This limit can be set by "
                            "changing the [search.max_buckets] cluster level setting."
                            % (MAX_BUCKETS, MAX_BUCKETS + 1),
                            max_buckets=MAX_BUCKETS))
                    k = self.next_key(k)
        else:
            keys = [k for k in keys if counts[k] >= self.min_doc_count]
        fmt = self.format or field_format.split("||")[0]
        buckets = []
        for k in keys:
            buckets.append({"key_as_string": datemath.format_ms(k, fmt, self.zone),
                            "key": k, "doc_count": counts.get(k, 0)})
        if self.keyed:
            return {"buckets": {b["key_as_string"]: b for b in buckets}}
        return {"buckets": buckets}


def _fielddata_msg(field, index):
    return ("Text fields are not optimised for operations that require per-document "
            "field data like aggregations and sorting, so these operations are "
            "disabled by default. Please use a keyword field instead. Alternatively, "
            "set fielddata=true on [%s] in order to load field data by uninverting "
            "the inverted index. Note that this can use significant memory." % field)


def _utc_offset(ms, tz):
    if tz is datemath.UTC:
        return 0
    d = datemath._from_ms(ms, tz)
    return int(d.utcoffset().total_seconds() * 1000)


def _cal_round(ms, unit, tz):
    if unit == "q":
        start_month = datemath._round(ms, "M", tz, False)
        d = datemath._from_ms(start_month, tz)
        back = (d.month - 1) % 3
        k = start_month
        for _ in range(back):
            k = datemath._round(k - 1, "M", tz, False)
        return k
    return datemath._round(ms, unit, tz, False)


def _cal_add(k, unit, tz):
    if unit == "q":
        return datemath._add(k, 3, "M", tz)
    return datemath._round(datemath._add(k, 1, unit if unit != "m" else "m", tz), unit, tz, False)


def _offset_ms(v):
    if v is None:
        return 0
    m = re.match(r"^([+-]?)(\d+)(ms|s|m|h|d)$", str(v))
    if not m:
        raise errors.illegal_argument("failed to parse setting [date_histogram.offset] "
                                      "with value [%s] as a time value: unit is missing "
                                      "or unrecognized" % v)
    n = int(m.group(2)) * _FIXED_UNITS[m.group(3)]
    return -n if m.group(1) == "-" else n


def parse_aggs(obj, es_major):
    """{"name": {"<type>": {...}}} → [(name, DateHistogram)]."""
    if not isinstance(obj, dict):
        raise parsing("Aggregation definition for [aggs starts with a [%s], expected a "
                      "[START_OBJECT]." % "VALUE", None)
    out = []
    for name, body in obj.items():
        loc = obj.keyloc.get(name) if hasattr(obj, "keyloc") else None
        if any(c in name for c in "[]>"):
            raise parsing("Invalid aggregation name [%s]. Aggregation names can contain "
                          "any character except '[', ']', and '>'" % name, loc)
        if not isinstance(body, dict):
            raise parsing("Aggregation definition for [%s starts with a [%s], expected "
                          "a [START_OBJECT]." % (name, "VALUE_STRING"), loc)
        types = [k for k in body if k not in ("aggs", "aggregations", "meta")]
        if not types:
            raise parsing("Missing definition for aggregation [%s]" % name, loc)
        if len(types) > 1:
            raise parsing("Found two aggregation type definitions in [%s]: [%s] and [%s]"
                          % (name, types[0], types[1]),
                          body.keyloc.get(types[1]) if hasattr(body, "keyloc") else None)
        t = types[0]
        if t not in ALL_AGGS:
            tloc = body.keyloc.get(t) if hasattr(body, "keyloc") else (1, 1)
            raise errors.error(400, cause(
                "parsing_exception",
                "Unknown aggregation type [%s]%s" % (t, suggest.suffix(t, ALL_AGGS)),
                line=tloc[0], col=tloc[1],
                caused_by=cause("named_object_not_found_exception",
                                "[%d:%d] unknown field [%s]" % (tloc[0], tloc[1], t))))
        if t != "date_histogram":
            raise unsupported("the [%s] aggregation" % t)
        if body.get("aggs") or body.get("aggregations"):
            raise unsupported("sub-aggregations")
        spec = body[t]
        if not isinstance(spec, dict):
            raise parsing("Expected [START_OBJECT] under [%s], but got a [VALUE_STRING] in "
                          "[%s]" % (t, name), loc)
        for k in spec:
            if k not in _DH_PARAMS:
                kl = spec.keyloc.get(k) if hasattr(spec, "keyloc") else None
                raise xcontent(kl, "[date_histogram] unknown field [%s]%s"
                               % (k, suggest.suffix(k, sorted(_DH_PARAMS - {"script"}))))
        out.append((name, DateHistogram(name, spec, es_major), body.get("meta")))
    return out
