"""Field values: Solr dates and date math, numbers, booleans, term hashes."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from dateutil.relativedelta import relativedelta

from .errors import IndexingError, QuerySyntaxError

UTC = dt.timezone.utc
EPOCH_KEY = "1970-01-01T00:00:00.000Z"

_DATE_RE = re.compile(
    r"^(?P<y>-?\d{4,})-(?P<mo>\d{2})-(?P<d>\d{2})T(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?:\.(?P<frac>\d{1,9}))?(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_MATH_RE = re.compile(r"([+-/])(\d*)([A-Z]+)")
_UNITS = {
    "YEAR": "years", "YEARS": "years",
    "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days",
    "HOUR": "hours", "HOURS": "hours",
    "MINUTE": "minutes", "MINUTES": "minutes",
    "SECOND": "seconds", "SECONDS": "seconds",
    "MILLI": "milliseconds", "MILLIS": "milliseconds",
    "MILLISECOND": "milliseconds", "MILLISECONDS": "milliseconds",
}


def term_hash(field: str, value: str) -> int:
    """A stable signed 64-bit code for one (field, value) term."""
    digest = hashlib.blake2b(f"{field}\x00{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def exists_hash(field: str) -> int:
    """The code every document with a value in ``field`` carries (``field:*``)."""
    return term_hash("", field)


def parse_date(text: str, lenient: bool = False) -> dt.datetime:
    """A Solr date string (``2020-01-31T12:00:00Z``, fractions allowed) as aware UTC.

    Solr only accepts UTC (``Z``); ``lenient`` also takes offsets and a missing zone,
    for indexing values that CKAN writes with an offset.
    """
    match = _DATE_RE.match(text.strip())
    if not match or (not lenient and match["tz"] != "Z"):
        raise ValueError(f"Invalid Date String:'{text}'")
    frac = (match["frac"] or "0")[:6].ljust(6, "0")
    try:
        value = dt.datetime(
            int(match["y"]), int(match["mo"]), int(match["d"]), int(match["h"]),
            int(match["mi"]), int(match["s"]), int(frac), tzinfo=UTC,
        )
    except ValueError as exc:
        raise ValueError(f"Invalid Date String:'{text}'") from exc
    tz = match["tz"]
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        value -= sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value


def date_key(value: dt.datetime) -> str:
    """Fixed-width, sortable form (millisecond precision, as Solr keeps)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def date_output(key: str) -> str:
    """How Solr prints a stored date: milliseconds only when not zero."""
    if key.endswith(".000Z"):
        return key[:-5] + "Z"
    return key[:-1].rstrip("0") + "Z"


def _round(value: dt.datetime, unit: str) -> dt.datetime:
    if unit == "years":
        return value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "months":
        return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "days":
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "hours":
        return value.replace(minute=0, second=0, microsecond=0)
    if unit == "minutes":
        return value.replace(second=0, microsecond=0)
    if unit == "seconds":
        return value.replace(microsecond=0)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def parse_date_math(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """Solr date math: ``NOW``, ``NOW-1YEAR/DAY``, ``2020-01-01T00:00:00Z+1MONTH``..."""
    text = text.strip()
    if now is None:
        now = dt.datetime.now(UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    if text.startswith("NOW"):
        value, rest = now, text[3:]
    else:
        # An absolute date, optionally followed by math after the Z.
        zpos = text.find("Z")
        head, rest = (text, "") if zpos < 0 else (text[: zpos + 1], text[zpos + 1:])
        try:
            value = parse_date(head)
        except ValueError as exc:
            raise QuerySyntaxError(f"Invalid Date String: '{text}'") from exc
    pos = 0
    while pos < len(rest):
        match = _MATH_RE.match(rest, pos)
        if not match or match.group(3) not in _UNITS:
            raise QuerySyntaxError(f"Invalid Date Math String: '{text}'")
        op, number, unit = match.group(1), match.group(2), _UNITS[match.group(3)]
        if op == "/":
            if number:
                raise QuerySyntaxError(f"Invalid Date Math String: '{text}'")
            value = _round(value, unit)
        else:
            if not number:
                raise QuerySyntaxError(f"Invalid Date Math String: '{text}'")
            amount = int(number) * (1 if op == "+" else -1)
            value = value + relativedelta(**{unit: amount})
        pos = match.end()
    return value


def to_solr_string(value: Any) -> str:
    """What pysolr sends for a Python value (its ``_from_python``)."""
    if hasattr(value, "strftime"):
        if hasattr(value, "hour"):
            offset = value.utcoffset()
            if offset:
                value = value - offset
            return value.replace(tzinfo=None).isoformat() + "Z"
        return f"{value.isoformat()}T00:00:00Z"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return str(value, errors="replace")
    return f"{value}"


def index_value(kind: str, field: str, raw: str) -> Any:
    """The indexed form of one value of a non-text field (Solr's type conversion)."""
    if kind == "string" or kind == "text" or kind == "binary":
        return raw
    if kind == "boolean":
        return "true" if raw[:1] in ("t", "T", "1") else "false"
    try:
        if kind == "int":
            return int(raw.strip())
        if kind == "float":
            number = float(raw.strip())
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "date":
            return date_key(parse_date(raw, lenient=True))
    except ValueError as exc:
        raise IndexingError(
            f"ERROR: Error adding field '{field}'='{raw}' msg=For input string: \"{raw}\""
        ) from exc
    raise IndexingError(f"field {field}: unsupported type {kind}")


def query_value(kind: str, field: str, raw: str) -> Any:
    """A query-side value for a non-text field; errors are Solr's 400s."""
    try:
        if kind == "int":
            return int(raw.strip())
        if kind == "float":
            return float(raw.strip())
        if kind == "date":
            return date_key(parse_date_math(raw))
        if kind == "boolean":
            return "true" if raw[:1] in ("t", "T", "1") else "false"
    except ValueError as exc:
        raise QuerySyntaxError(f"Invalid value '{raw}' for field {field}") from exc
    return raw
