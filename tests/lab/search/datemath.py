"""Dates the way Elasticsearch parses and prints them (contract §1.4, §1.10).

* Named formats (``strict_date_optional_time``, ``epoch_millis`` ...), ``||``
  alternatives and a subset of Java DateTimeFormatter patterns.
* Date math: an anchor (``now`` or ``<date>||``) followed by ``+N<unit>``,
  ``-N<unit>`` and ``/<unit>`` rounding, units ``y M w d h H m s``.
* Round-up: a bound that is inclusive-upper (``lte``) or exclusive-lower
  (``gt``) is parsed with every missing field at its maximum and with
  rounding to the end of the unit, as ES's JavaDateMathParser does, so
  ``lte: "now/d"`` means the last millisecond of today and
  ``lte: "2024-03-11"`` the last millisecond of that day.
* Time zones: ``Z``, ``+01:00``, ``-0500`` and IANA names (zoneinfo).

Instants are integers: milliseconds since the epoch, UTC.
"""

import calendar
import datetime as dt
import re
import time

from errors import cause

UTC = dt.timezone.utc
DEFAULT_FORMAT = "strict_date_optional_time||epoch_millis"


class DateError(Exception):
    """A date could not be parsed; ``cause`` is the ES ErrorCause."""

    def __init__(self, c):
        super().__init__(c["reason"])
        self.cause = c


def now_ms():
    return int(time.time() * 1000)


# ---------------------------------------------------------------- zones

_OFFSET = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")


def zone(name):
    """A tzinfo for an ES time_zone value; raises DateError if unknown."""
    if name is None:
        return UTC
    if name in ("Z", "UTC", "utc", "GMT", "Etc/UTC"):
        return UTC
    m = _OFFSET.match(name)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        h, mi = int(m.group(2)), int(m.group(3) or 0)
        if h > 18 or mi > 59:
            raise DateError(cause("date_time_exception",
                                  "Zone offset hours not in valid range: value "
                                  "%d is not in the range -18 to 18" % h))
        return dt.timezone(sign * dt.timedelta(hours=h, minutes=mi))
    try:
        import zoneinfo
        return zoneinfo.ZoneInfo(name)
    except Exception:
        raise DateError(cause("illegal_argument_exception",
                              "Unknown time-zone ID: %s" % name))


def _to_ms(d):
    return int(calendar.timegm(d.utctimetuple())) * 1000 + d.microsecond // 1000


def _from_ms(ms, tz):
    return dt.datetime.fromtimestamp(ms / 1000.0, UTC).replace(
        microsecond=(ms % 1000) * 1000).astimezone(tz)


def _local_to_ms(y, mo, d, h, mi, s, ms, tz):
    """A wall-clock time in tz → epoch ms (the earlier one if ambiguous)."""
    local = dt.datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=tz)
    return _to_ms(local.astimezone(UTC))


# ------------------------------------------------------- ISO-like parsing

_ISO = re.compile(
    r"^(?P<y>[+-]?\d{1,9})"
    r"(?:-(?P<mo>\d{1,2})"
    r"(?:-(?P<d>\d{1,2})"
    r"(?:[Tt](?P<h>\d{1,2})"
    r"(?::(?P<mi>\d{1,2})"
    r"(?::(?P<s>\d{1,2})"
    r"(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"(?P<z>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
    r")?)?$")


def _parse_iso(text, strict, tz, round_up):
    m = _ISO.match(text)
    if not m:
        return None
    g = m.groupdict()
    if strict:
        if len(g["y"]) != 4:
            return None
        for k in ("mo", "d", "h", "mi", "s"):
            if g[k] is not None and len(g[k]) != 2:
                return None
    y = int(g["y"])
    mo = int(g["mo"]) if g["mo"] else (12 if round_up else 1)
    if not 1 <= mo <= 12:
        return _bad_value("MonthOfYear", mo, 1, 12, text)
    last = calendar.monthrange(y, mo)[1] if 1 <= y <= 9999 else 31
    d = int(g["d"]) if g["d"] else (last if round_up else 1)
    if not 1 <= d <= last:
        if d > 31 or d < 1:
            return _bad_value("DayOfMonth", d, 1, 31, text)
        return _err(text, "Text '%s' could not be parsed: Invalid date '%s %d'"
                    % (text, calendar.month_name[mo].upper(), d))
    h = int(g["h"]) if g["h"] else (23 if round_up else 0)
    mi = int(g["mi"]) if g["mi"] else (59 if round_up else 0)
    s = int(g["s"]) if g["s"] else (59 if round_up else 0)
    if h > 23:
        return _bad_value("HourOfDay", h, 0, 23, text)
    if mi > 59:
        return _bad_value("MinuteOfHour", mi, 0, 59, text)
    if s > 59:
        return _bad_value("SecondOfMinute", s, 0, 59, text)
    if g["f"]:
        ms = int((g["f"] + "00")[:3])
    else:
        ms = 999 if round_up else 0
    z = g["z"]
    if z:
        tz = UTC if z in "Zz" else zone(z if ":" in z or len(z) != 5
                                        else z[:3] + ":" + z[3:])
    if not 1 <= y <= 9999:
        return _err(text, "Text '%s' could not be parsed: year out of range" % text)
    return _local_to_ms(y, mo, d, h, mi, s, ms, tz)


class _Invalid(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _bad_value(field, v, lo, hi, text):
    raise _Invalid("Text '%s' could not be parsed: Invalid value for %s "
                   "(valid values %d - %d): %d" % (text, field, lo, hi, v))


def _err(text, reason):
    raise _Invalid(reason)


def _parse_epoch(text, scale):
    if not re.match(r"^-?\d+(\.\d+)?$", text):
        return None
    return int(round(float(text) * scale)) if "." in text else int(text) * scale


# --------------------------------------------------- Java-style patterns

_LETTERS = "GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZp"
_SUPPORTED = {"y": r"\d{4}", "u": r"\d{4}", "M": r"\d{1,2}", "d": r"\d{1,2}",
              "H": r"\d{1,2}", "m": r"\d{1,2}", "s": r"\d{1,2}",
              "S": r"\d{1,9}", "X": r"Z|[+-]\d{2}(?::?\d{2})?",
              "x": r"[+-]\d{2}(?::?\d{2})?", "Z": r"[+-]\d{4}|Z"}


class Pattern:
    """A DateTimeFormatter pattern such as ``yyyy.MM.dd HH:mm:ss``."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.parts = []              # (letter, count) or ("'", literal)
        i, n = 0, len(pattern)
        while i < n:
            c = pattern[i]
            if c == "'":
                j = pattern.find("'", i + 1)
                if j < 0:
                    raise ValueError("Pattern ends with an incomplete string "
                                     "literal: " + pattern)
                self.parts.append(("'", pattern[i + 1:j] or "'"))
                i = j + 1
            elif c.isalpha():
                j = i
                while j < n and pattern[j] == c:
                    j += 1
                if c not in _LETTERS:
                    raise ValueError("Unknown pattern letter: " + c)
                self.parts.append((c, j - i))
                i = j
            elif c in "[]":
                raise NotImplementedError("optional sections in date patterns")
            else:
                self.parts.append(("'", c))
                i += 1
        for p in self.parts:
            if p[0] != "'" and p[0] not in _SUPPORTED:
                raise NotImplementedError("date pattern letter '%s'" % p[0])
            if p[0] in "yu" and p[1] not in (2, 4):
                raise NotImplementedError("year width %d" % p[1])
        rx = []
        for letter, arg in self.parts:
            if letter == "'":
                rx.append(re.escape(arg))
            elif letter in "yu" and arg == 2:
                rx.append(r"(?P<y2>\d{2})")
            elif letter in "XxZ":
                rx.append("(?P<z>%s)" % _SUPPORTED[letter])
            else:
                width = r"\d{%d}" % arg if arg > 1 and letter not in "S" else _SUPPORTED[letter]
                rx.append("(?P<%s>%s)" % (letter, width))
        self.rx = re.compile("^" + "".join(rx) + "$")

    def parse(self, text, tz, round_up):
        m = self.rx.match(text)
        if not m:
            return None
        g = m.groupdict()
        y = int(g.get("y") or g.get("u") or 0) if (g.get("y") or g.get("u")) else None
        if g.get("y2"):
            y = 2000 + int(g["y2"])
        y = y if y is not None else 1970
        mo = int(g["M"]) if g.get("M") else (12 if round_up else 1)
        last = calendar.monthrange(y, mo)[1] if 1 <= mo <= 12 else 31
        d = int(g["d"]) if g.get("d") else (last if round_up else 1)
        h = int(g["H"]) if g.get("H") else (23 if round_up else 0)
        mi = int(g["m"]) if g.get("m") else (59 if round_up else 0)
        s = int(g["s"]) if g.get("s") else (59 if round_up else 0)
        ms = int((g["S"] + "00")[:3]) if g.get("S") else (999 if round_up else 0)
        if not (1 <= mo <= 12):
            _bad_value("MonthOfYear", mo, 1, 12, text)
        if not (1 <= d <= last):
            _bad_value("DayOfMonth", d, 1, 31, text)
        if h > 23:
            _bad_value("HourOfDay", h, 0, 23, text)
        if mi > 59:
            _bad_value("MinuteOfHour", mi, 0, 59, text)
        if s > 59:
            _bad_value("SecondOfMinute", s, 0, 59, text)
        if g.get("z"):
            z = g["z"]
            tz = UTC if z == "Z" else zone(z if ":" in z or len(z) != 5
                                           else z[:3] + ":" + z[3:])
        return _local_to_ms(y, mo, d, h, mi, s, ms, tz)

    def format(self, ms, tz):
        d = _from_ms(ms, tz)
        out = []
        for letter, arg in self.parts:
            if letter == "'":
                out.append(arg)
            elif letter in "yu":
                out.append("%02d" % (d.year % 100) if arg == 2 else "%04d" % d.year)
            elif letter == "M":
                out.append("%0*d" % (arg, d.month))
            elif letter == "d":
                out.append("%0*d" % (arg, d.day))
            elif letter == "H":
                out.append("%0*d" % (arg, d.hour))
            elif letter == "m":
                out.append("%0*d" % (arg, d.minute))
            elif letter == "s":
                out.append("%0*d" % (arg, d.second))
            elif letter == "S":
                out.append(("%03d" % (d.microsecond // 1000) + "0" * 9)[:arg])
            elif letter in "XxZ":
                out.append(_offset_text(d, letter == "X", letter == "Z"))
        return "".join(out)


def _offset_text(d, z_for_zero=True, compact=False):
    off = d.utcoffset() or dt.timedelta(0)
    secs = int(off.total_seconds())
    if secs == 0 and z_for_zero:
        return "Z"
    sign = "+" if secs >= 0 else "-"
    secs = abs(secs)
    h, m = secs // 3600, (secs % 3600) // 60
    return "%s%02d%s%02d" % (sign, h, "" if compact else ":", m)


# ------------------------------------------------------------ Formatter

_NAMED = {
    "strict_date_optional_time": ("iso", True),
    "date_optional_time": ("iso", False),
    "strict_date_optional_time_nanos": ("iso", True),
    "strict_date_time": ("iso", True),
    "date_time": ("iso", False),
    "strict_date": ("pattern", "yyyy-MM-dd"),
    "date": ("pattern", "yyyy-MM-dd"),
    "strict_date_hour_minute_second": ("pattern", "yyyy-MM-dd'T'HH:mm:ss"),
    "date_hour_minute_second": ("pattern", "yyyy-MM-dd'T'HH:mm:ss"),
    "strict_date_hour_minute_second_millis": ("pattern", "yyyy-MM-dd'T'HH:mm:ss.SSS"),
    "date_hour_minute_second_millis": ("pattern", "yyyy-MM-dd'T'HH:mm:ss.SSS"),
    "strict_date_hour_minute": ("pattern", "yyyy-MM-dd'T'HH:mm"),
    "strict_year_month_day": ("pattern", "yyyy-MM-dd"),
    "year_month_day": ("pattern", "yyyy-MM-dd"),
    "strict_year_month": ("pattern", "yyyy-MM"),
    "strict_year": ("pattern", "yyyy"),
    "basic_date": ("pattern", "yyyyMMdd"),
    "epoch_millis": ("epoch", 1),
    "epoch_second": ("epoch", 1000),
}

# Real ES names that this server does not implement (refused honestly).
_KNOWN_UNSUPPORTED = {
    "basic_date_time", "basic_date_time_no_millis", "basic_ordinal_date",
    "basic_ordinal_date_time", "basic_time", "basic_t_time", "basic_week_date",
    "date_hour", "date_time_no_millis", "hour", "hour_minute", "ordinal_date",
    "time", "time_no_millis", "t_time", "week_date", "weekyear", "week_date_time",
    "strict_date_time_no_millis", "strict_hour_minute_second", "strict_time",
    "strict_ordinal_date", "strict_week_date", "strict_weekyear", "iso8601",
}


class Formatter:
    """A parsed ES ``format``: one or more alternatives joined by ``||``."""

    def __init__(self, spec=DEFAULT_FORMAT):
        self.spec = spec
        self.alts = []
        for name in spec.split("||"):
            if name in _NAMED:
                kind, arg = _NAMED[name]
                if kind == "pattern":
                    self.alts.append(("pattern", Pattern(arg), name))
                else:
                    self.alts.append((kind, arg, name))
            elif name in _KNOWN_UNSUPPORTED:
                raise NotImplementedError("date format [%s]" % name)
            else:
                try:
                    self.alts.append(("pattern", Pattern(name), name))
                except ValueError as e:
                    raise FormatError("Invalid format: [%s]: %s" % (spec, e))

    def parse(self, text, tz=UTC, round_up=False):
        """Parse a date (no math) or raise DateError with ES's wording."""
        detail = None
        for kind, arg, _name in self.alts:
            try:
                if kind == "iso":
                    v = _parse_iso(text, arg, tz, round_up)
                elif kind == "epoch":
                    v = _parse_epoch(text, arg)
                    if v is not None and round_up and arg == 1000 and "." not in text:
                        v += 999
                else:
                    v = arg.parse(text, tz, round_up)
            except _Invalid as e:
                detail = detail or e.reason
                v = None
            if v is not None:
                return v
        inner = cause("date_time_parse_exception",
                      detail or "Text '%s' could not be parsed at index 0" % text)
        reason = ("failed to parse date field [%s] with format [%s]"
                  % (text, self.spec))
        raise DateError(cause("illegal_argument_exception", reason,
                              caused_by=inner))

    def format(self, ms, tz=UTC):
        kind, arg, name = self.alts[0]
        if kind == "epoch":
            return str(ms // arg) if arg == 1000 else str(ms)
        if kind == "pattern":
            return arg.format(ms, tz)
        d = _from_ms(ms, tz)
        return "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s" % (
            d.year, d.month, d.day, d.hour, d.minute, d.second,
            d.microsecond // 1000, _offset_text(d))


class FormatError(Exception):
    """An invalid format string (IllegalArgumentException in ES)."""


_FORMATTERS = {}


def formatter(spec):
    f = _FORMATTERS.get(spec)
    if f is None:
        f = _FORMATTERS[spec] = Formatter(spec)
    return f


# ------------------------------------------------------------ date math

_UNITS = "yMwdhHms"


def _add(ms, n, unit, tz):
    if unit in "hH":
        return ms + n * 3600000
    if unit == "m":
        return ms + n * 60000
    if unit == "s":
        return ms + n * 1000
    d = _from_ms(ms, tz).replace(tzinfo=None)
    if unit == "d":
        d = d + dt.timedelta(days=n)
    elif unit == "w":
        d = d + dt.timedelta(weeks=n)
    else:
        months = n * 12 if unit == "y" else n
        total = d.year * 12 + (d.month - 1) + months
        y, mo = divmod(total, 12)
        day = min(d.day, calendar.monthrange(y, mo + 1)[1])
        d = d.replace(year=y, month=mo + 1, day=day)
    return _local_to_ms(d.year, d.month, d.day, d.hour, d.minute, d.second,
                        d.microsecond // 1000, tz)


def _round(ms, unit, tz, up):
    d = _from_ms(ms, tz).replace(tzinfo=None)
    if unit == "y":
        start = d.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        nxt = start.replace(year=start.year + 1)
    elif unit == "M":
        start = d.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        y, mo = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        nxt = start.replace(year=y, month=mo)
    elif unit == "w":
        start = (d - dt.timedelta(days=d.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0)
        nxt = start + dt.timedelta(weeks=1)
    elif unit == "d":
        start = d.replace(hour=0, minute=0, second=0, microsecond=0)
        nxt = start + dt.timedelta(days=1)
    elif unit in "hH":
        start = d.replace(minute=0, second=0, microsecond=0)
        nxt = start + dt.timedelta(hours=1)
    elif unit == "m":
        start = d.replace(second=0, microsecond=0)
        nxt = start + dt.timedelta(minutes=1)
    else:
        start = d.replace(microsecond=0)
        nxt = start + dt.timedelta(seconds=1)

    def conv(x):
        return _local_to_ms(x.year, x.month, x.day, x.hour, x.minute, x.second,
                            0, tz)
    return conv(nxt) - 1 if up else conv(start)


def _math_error(reason):
    raise DateError(cause("parse_exception", reason, foreign=False))


def apply_math(ms, math, tz, round_up):
    """Apply ``+1d/d``-style operations to an instant (JavaDateMathParser)."""
    i, n = 0, len(math)
    while i < n:
        c = math[i]
        i += 1
        if c == "/":
            rounding = True
        elif c == "+":
            rounding, sign = False, 1
        elif c == "-":
            rounding, sign = False, -1
        else:
            _math_error("operator not supported for date math [%s]" % math)
        if i >= n:
            _math_error("truncated date math [%s]" % math)
        num = None
        if not rounding:
            j = i
            while j < n and math[j].isdigit():
                j += 1
            num = int(math[i:j]) if j > i else 1
            i = j
            if i >= n:
                _math_error("truncated date math [%s]" % math)
        elif math[i].isdigit():
            _math_error("rounding `/` can only be used on single unit types [%s]"
                        % math)
        unit = math[i]
        i += 1
        if unit not in _UNITS:
            _math_error("unit [%s] not supported for date math [%s]" % (unit, math))
        if rounding:
            ms = _round(ms, unit, tz, round_up)
        else:
            ms = _add(ms, sign * num, unit, tz)
    return ms


def parse(value, fmt=None, tz=None, round_up=False, now=None):
    """Parse an ES date value (string with optional math, or a number).

    Returns epoch ms.  Raises DateError whose ``cause`` is the ErrorCause ES
    reports (the caller wraps it as the query would)."""
    tzinfo = zone(tz) if isinstance(tz, str) or tz is None else tz
    f = formatter(fmt or DEFAULT_FORMAT)
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, (int, float)):
        # A JSON number is read as epoch millis, whatever the format.
        return int(value)
    text = str(value)
    if text.startswith("now"):
        base = now if now is not None else now_ms()
        return apply_math(base, text[3:], tzinfo, round_up)
    k = text.find("||")
    if k >= 0:
        base = _parse_plain(f, text[:k], tzinfo, round_up, text)
        return apply_math(base, text[k + 2:], tzinfo, round_up)
    return _parse_plain(f, text, tzinfo, round_up, text)


def _parse_plain(f, text, tz, round_up, whole):
    try:
        return f.parse(text, tz, round_up)
    except DateError as e:
        inner = e.cause
        reason = "failed to parse date field [%s] with format [%s]: [%s]" % (
            whole, f.spec, inner["reason"])
        raise DateError(cause("parse_exception", reason, foreign=False,
                              caused_by=inner))


def format_ms(ms, fmt=None, tz=None):
    f = formatter(fmt or "strict_date_optional_time")
    return f.format(ms, zone(tz) if isinstance(tz, str) or tz is None else tz)


def iso(ms):
    """The form Logstash writes @timestamp in: 2024-03-11T10:39:54.962Z."""
    return format_ms(ms)


