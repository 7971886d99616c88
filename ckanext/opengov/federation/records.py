"""The normalized record every platform adapter yields, and the error it yields instead.

A record keeps text per language: keys ``en``/``fr`` (or BCP 47 variants such as
``en-t-fr``) when the source tags its text, ``""`` when it does not. Untagged text is
labelled later, by the mapper, with ``content_language`` (the language the source
declares, refined by the record's own statement when it makes one).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

LangText = dict[str, str]
LangList = dict[str, list[str]]


@dataclasses.dataclass
class RemoteResource:
    url: str
    name: LangText = dataclasses.field(default_factory=dict)
    description: LangText = dataclasses.field(default_factory=dict)
    format: str | None = None
    media_type: str | None = None
    remote_id: str | None = None


@dataclasses.dataclass
class RemoteRecord:
    remote_id: str
    remote_url: str
    platform: str
    content_language: str
    title: LangText
    description: LangText = dataclasses.field(default_factory=dict)
    keywords: LangList = dataclasses.field(default_factory=dict)
    themes: list[str] = dataclasses.field(default_factory=list)
    formats: list[str] = dataclasses.field(default_factory=list)
    licence: str | None = None
    licence_url: str | None = None
    frequency: str | None = None
    modified: str | None = None
    issued: str | None = None
    resources: list[RemoteResource] = dataclasses.field(default_factory=list)
    landing_page: str | None = None
    identifiers: list[str] = dataclasses.field(default_factory=list)
    publisher: str | None = None
    contact_email: str | None = None
    raw: Any = None

    def normalized(self) -> dict[str, Any]:
        """The record without ``raw``, with set-like lists sorted: what the content hash covers.

        ``raw`` is left out on purpose: platforms put counters (views, downloads) and
        serialization details in it that change without the dataset changing.
        """
        data = dataclasses.asdict(self)
        del data["raw"]
        for key in ("themes", "formats", "identifiers"):
            data[key] = sorted(set(data[key]))
        data["keywords"] = {lang: sorted(set(words)) for lang, words in data["keywords"].items()}
        return data

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> RemoteRecord:
        data = json.loads(text)
        data["resources"] = [RemoteResource(**r) for r in data.get("resources") or []]
        return cls(**data)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`normalized` (stable, key-order independent)."""
        canonical = json.dumps(self.normalized(), sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclasses.dataclass
class RecordError:
    """A remote record that could not be normalized; the run goes on without it."""

    remote_url: str
    message: str
    remote_id: str | None = None


def lang_text(value: Any) -> LangText:
    """A fluent dict (kept per language, empty values dropped) or untagged text."""
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()
                if isinstance(v, str) and v.strip()}
    if isinstance(value, str) and value.strip():
        return {"": value.strip()}
    return {}


def str_list(value: Any) -> list[str]:
    """A list of non-empty strings from a list, a comma-separated string or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value
                if isinstance(v, str | int | float) and str(v).strip()]
    return []


def stored_list(value: Any) -> list[str]:
    """A list of non-empty strings from a list, a JSON list (how CKAN and the DCAT profiles
    store list values in extras), a single string or nothing."""
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):
            return [text] if text else []
        try:
            value = json.loads(text)
        except ValueError:
            return [text]
    return str_list(value) if isinstance(value, list | tuple) else []


def email(value: Any) -> str | None:
    """An e-mail address from ``mailto:`` links and plain text; None if it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip().removeprefix("mailto:").strip()
    return text if "@" in text and " " not in text and len(text) <= 254 else None


def unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
