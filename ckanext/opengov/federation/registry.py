"""The bundled registry of Canadian portals (``jurisdictions.yaml``): loader and checks."""
from __future__ import annotations

import dataclasses
import functools
import json
import os
from typing import Any
from urllib.parse import urlsplit

import yaml

from ckanext.opengov.metadata import vocab

from .adapters import ADAPTERS, Source

REGISTRY_FILE = os.path.join(os.path.dirname(__file__), "jurisdictions.yaml")
LANGUAGES = {"en", "fr"}
CONFIDENCE = {"high", "medium", "low"}
# The path each platform's endpoint goes through: a typo in the registry shows up in tests.
ENDPOINT_PATHS = {
    "ckan": "/api/3/action/package_search",
    "socrata": "/api/catalog/v1",
    "arcgis_hub": "/api/feed/dcat-us/1.1.json",
    "opendatasoft": "/api/explore/v2.1/catalog/datasets",
    "dcat_us": ".json",
    "dcat_rdf": "",
}


@dataclasses.dataclass(frozen=True)
class RegistrySource:
    platform: str
    url: str
    endpoint: str
    content_language: str
    licence: str
    confidence: str
    rate_limit: float | None = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)

    def source(self) -> Source:
        """The adapter settings for this source."""
        return Source(url=self.url, content_language=self.content_language,
                      rate_limit=self.rate_limit, options=dict(self.options))


@dataclasses.dataclass(frozen=True)
class Jurisdiction:
    id: str
    title: dict[str, str]
    level: str
    province: str
    sgc_code: str | None
    portal_url: str
    sources: tuple[RegistrySource, ...]


def _source(data: dict[str, Any]) -> RegistrySource:
    return RegistrySource(
        platform=data["platform"], url=data["url"], endpoint=data["endpoint"],
        content_language=data["content_language"], licence=data["licence"],
        confidence=data["confidence"], rate_limit=data.get("rate_limit"),
        options=dict(data.get("options") or {}),
    )


def load_registry(path: str = REGISTRY_FILE) -> list[Jurisdiction]:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return [
        Jurisdiction(
            id=item["id"], title=dict(item["title"]), level=item["level"],
            province=str(item["province"]), sgc_code=(str(item["sgc_code"])
                                                      if item.get("sgc_code") else None),
            portal_url=item["portal_url"],
            sources=tuple(_source(s) for s in item.get("sources") or []),
        )
        for item in data["jurisdictions"]
    ]


@functools.cache
def registry() -> tuple[Jurisdiction, ...]:
    return tuple(load_registry())


def _licence_ids() -> set[str]:
    with open(vocab.LICENSES_FILE, encoding="utf-8") as f:
        return {lic["id"] for lic in json.load(f)}


def validate_registry(jurisdictions: list[Jurisdiction]) -> list[str]:
    """Problems found in the registry (an empty list when it is sound)."""
    problems: list[str] = []
    licences = _licence_ids()
    seen: set[str] = set()
    for j in jurisdictions:
        where = f"jurisdiction {j.id}"
        if j.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(j.id)
        if set(j.title) != LANGUAGES or not all(j.title.values()):
            problems.append(f"{where}: the title needs en and fr")
        if not vocab.is_valid("jurisdiction", j.level):
            problems.append(f"{where}: unknown level {j.level!r}")
        if not vocab.is_valid("sgc", j.province):
            problems.append(f"{where}: unknown province {j.province!r}")
        if j.sgc_code and not (vocab.is_valid("sgc", j.sgc_code)
                               and j.sgc_code.startswith(j.province)):
            problems.append(f"{where}: SGC code {j.sgc_code!r} outside province {j.province}")
        if urlsplit(j.portal_url).scheme != "https":
            problems.append(f"{where}: portal_url is not https")
        if not j.sources:
            problems.append(f"{where}: no source")
        for s in j.sources:
            here = f"{where}, {s.platform} source {s.url}"
            if s.platform not in ADAPTERS:
                problems.append(f"{here}: unknown platform")
            for url in (s.url, s.endpoint):
                parts = urlsplit(url)
                if parts.scheme != "https" or not parts.hostname:
                    problems.append(f"{here}: {url} is not an https URL")
            if urlsplit(s.url).hostname != urlsplit(s.endpoint).hostname:
                problems.append(f"{here}: the endpoint is on another host")
            if ENDPOINT_PATHS.get(s.platform, "") not in urlsplit(s.endpoint).path:
                problems.append(f"{here}: endpoint {s.endpoint} is not a {s.platform} endpoint")
            langs = s.content_language.split()
            if not langs or not set(langs) <= LANGUAGES or len(set(langs)) != len(langs):
                problems.append(f"{here}: content_language must be en, fr or 'en fr'")
            if s.licence not in licences:
                problems.append(f"{here}: unknown licence {s.licence!r}")
            if s.confidence not in CONFIDENCE:
                problems.append(f"{here}: confidence must be one of {sorted(CONFIDENCE)}")
            if s.rate_limit is not None and not 0 < s.rate_limit <= 10:
                problems.append(f"{here}: rate_limit must be in (0, 10] requests per second")
    return problems
