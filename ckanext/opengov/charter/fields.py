"""Tolerant readers of dataset fields, shared by the charter checks.

A dataset reaching the checks may come from the suite's bilingual schemas, from plain CKAN
(core fields and ``extras``), from ckanext-dcat harvesting (``extras`` such as ``temporal_start``)
or from open.canada.ca (fluent fields). Values can be missing, ``None``, JSON strings, numbers
where text was expected, or lists of anything. Every reader here returns a plain, typed value
and never raises, so the checks stay small.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ckanext.opengov.metadata.fluent import machine_translation_target

# An upper bound on what one dataset can make a check do, so hostile records stay cheap.
MAX_RESOURCES = 10_000
MAX_TEXT = 100_000

_EMAIL_RE = re.compile(r"^(mailto:)?[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    return {}


def extras(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """``extras`` as a mapping: CKAN gives a list of ``{key, value}``, some payloads a dict."""
    raw = dataset.get("extras")
    if isinstance(raw, dict):
        return dict(raw)
    out: dict[str, Any] = {}
    if isinstance(raw, list):
        for item in raw[:1000]:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                out.setdefault(item["key"], item.get("value"))
    return out


def get(dataset: Mapping[str, Any], *names: str) -> tuple[str | None, Any]:
    """The first of ``names`` with a non-empty value, at the top level or in extras."""
    if not isinstance(dataset, dict):
        return None, None
    ext: dict[str, Any] | None = None
    for name in names:
        value = dataset.get(name)
        if is_filled(value):
            return name, value
        if ext is None:
            ext = extras(dataset)
        value = ext.get(name)
        if is_filled(value):
            return name, value
    return None, None


def is_filled(value: Any) -> bool:
    """True for a value that says something: not None, not blank, not an empty container."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        stripped = value.strip()
        return stripped not in ("", "null", "None", "[]", "{}", '""')
    if isinstance(value, dict):
        return any(is_filled(v) for v in value.values())
    if isinstance(value, (list, tuple, set)):
        return any(is_filled(v) for v in list(value)[:1000])
    return True


def loads(value: Any) -> Any:
    """A JSON string decoded (lists and objects only); anything else unchanged."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                return json.loads(stripped[:MAX_TEXT])
            except ValueError:
                return value
    return value


def as_list(value: Any) -> list[Any]:
    """A list from a list, a JSON list string, a single value, or nothing."""
    value = loads(value)
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in list(value)[:MAX_RESOURCES] if is_filled(v)]
    return [value] if is_filled(value) else []


def text(value: Any) -> str:
    """Plain text of a value: a string, the first non-empty language of a multilingual dict."""
    value = loads(value)
    if isinstance(value, str):
        return value.strip()[:MAX_TEXT]
    if isinstance(value, dict):
        for v in value.values():
            t = text(v)
            if t:
                return t
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(t for t in (text(v) for v in value[:100]) if t)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def languages(value: Any) -> dict[str, str]:
    """Per-language filled state of a multilingual value.

    Returns ``{lang: "human"|"machine"}`` for every language with text: ``fr`` is "human",
    ``fr-t-en`` counts as "machine" French unless human French is also there. A plain string
    has no declared language and yields ``{}``.
    """
    value = loads(value)
    out: dict[str, str] = {}
    if not isinstance(value, dict):
        return out
    for key, v in value.items():
        if not isinstance(key, str) or not is_filled(v):
            continue
        target = machine_translation_target(key.lower())
        if target:
            out.setdefault(target, "machine")
        else:
            out[key.lower().split("-")[0]] = "human"
    return out


def resources(dataset: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The dataset's resources that are dicts (capped at MAX_RESOURCES); checks only read them."""
    raw = dataset.get("resources") if isinstance(dataset, dict) else None
    if not isinstance(raw, list):
        return []
    return [r for r in raw[:MAX_RESOURCES] if isinstance(r, dict)]


def is_email(value: Any) -> bool:
    return isinstance(value, str) and bool(_EMAIL_RE.match(value.strip()))


def is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL_RE.match(value.strip()))


def urls(value: Any) -> list[str]:
    """Every http(s) URL in a value: a string, a multilingual dict, a list of either."""
    value = loads(value)
    found: list[str] = []
    if isinstance(value, str):
        if is_url(value):
            found.append(value.strip())
    elif isinstance(value, dict):
        for v in value.values():
            found.extend(urls(v))
    elif isinstance(value, (list, tuple)):
        for v in value[:100]:
            found.extend(urls(v))
    return found


def parse_date(value: Any) -> dt.datetime | None:
    """An aware UTC datetime from an ISO date or datetime string (or datetime/date); else None."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if not isinstance(value, str):
        return None
    raw = value.strip()[:64]
    if not raw:
        return None
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        match = _DATE_RE.match(raw)
        if not match:
            return None
        try:
            parsed = dt.datetime(int(match.group(1)), int(match.group(2) or 1),
                                 int(match.group(3) or 1))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def first_date(values: Iterable[Any]) -> dt.datetime | None:
    for value in values:
        parsed = parse_date(value)
        if parsed:
            return parsed
    return None
