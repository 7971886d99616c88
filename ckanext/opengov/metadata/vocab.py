"""Controlled vocabularies: ``schemas/vocabularies/<name>.json`` with en/fr labels and URIs.

Each file: ``{"name", "about", "scheme_uri", ["pattern"], "concepts": [{"value", "label":
{"en", "fr"}, ["uri"], ...}]}``. Scheming reads them through the ``opengov_vocabulary_choices``
choices helper (field key ``vocabulary: <name>``); the DCAT profile and search indexing read
the URIs and labels from here too.
"""
from __future__ import annotations

import functools
import json
import os
import re
from typing import Any

VOCABULARY_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "schemas",
                              "vocabularies")
LICENSES_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "schemas",
                             "licenses.json")


@functools.cache
def vocabulary(name: str) -> dict[str, Any]:
    """The parsed vocabulary file ``name`` (cached: the files ship with the package)."""
    if not re.match(r"^[a-z_]+$", name):
        raise ValueError(f"bad vocabulary name {name!r}")
    with open(os.path.join(VOCABULARY_DIR, f"{name}.json"), encoding="utf-8") as f:
        return json.load(f)


def vocabulary_names() -> list[str]:
    return sorted(n[:-5] for n in os.listdir(VOCABULARY_DIR) if n.endswith(".json"))


def choices(name: str) -> list[dict[str, Any]]:
    """Scheming choices ``[{"value", "label": {"en", "fr"}}]`` of a vocabulary."""
    return [{"value": c["value"], "label": c["label"], "legacy": bool(c.get("legacy"))}
            for c in vocabulary(name)["concepts"]]


@functools.cache
def _index(name: str) -> dict[str, dict[str, Any]]:
    return {c["value"]: c for c in vocabulary(name)["concepts"]}


def concept(name: str, value: str) -> dict[str, Any] | None:
    """The concept of ``value``, also for codes the vocabulary's ``pattern`` accepts."""
    found = _index(name).get(value)
    if found is not None:
        return found
    pattern = vocabulary(name).get("pattern")
    if pattern and isinstance(value, str):
        match = re.match(pattern, value)
        if match:
            parent = _index(name).get(match.groupdict().get("province") or "")
            label = parent["label"] if parent else {"en": value, "fr": value}
            return {"value": value,
                    "label": {lang: f"{text} ({value})" for lang, text in label.items()},
                    "parent": parent["value"] if parent else None}
    return None


def is_valid(name: str, value: str) -> bool:
    return concept(name, value) is not None


def label(name: str, value: str, lang: str) -> str:
    """The ``lang`` label of a code (English, then the code itself, as fallbacks)."""
    found = concept(name, value)
    if not found:
        return value
    labels = found["label"]
    return labels.get(lang) or labels.get("en") or value


def uri(name: str, value: str) -> str | None:
    found = concept(name, value)
    return found.get("uri") if found else None


@functools.cache
def _formats_by_lower_value() -> dict[str, dict[str, Any]]:
    return {c["value"].lower(): c for c in vocabulary("format")["concepts"]}


def format_label(value: str, lang: str) -> str | None:
    """The ``lang`` label of a resource format ("csv" and "CSV" alike); None if unlisted."""
    found = _formats_by_lower_value().get(value.strip().lower())
    if not found:
        return None
    return str(found["label"].get(lang) or found["label"]["en"])


@functools.cache
def licenses() -> list[dict[str, Any]]:
    with open(LICENSES_FILE, encoding="utf-8") as f:
        return json.load(f)


def license_title(license_id: str, lang: str) -> str | None:
    for lic in licenses():
        if lic["id"] == license_id:
            return lic.get(f"title_{lang}") or lic["title"]
    return None


def license_url(license_id: str, lang: str) -> str | None:
    for lic in licenses():
        if lic["id"] == license_id:
            return lic.get(f"url_{lang}") or lic.get("url") or None
    return None
