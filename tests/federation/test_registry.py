"""The bundled jurisdiction registry is complete and consistent."""
from __future__ import annotations

import dataclasses
from collections import Counter

from ckanext.opengov.federation.adapters import ADAPTERS
from ckanext.opengov.federation.registry import load_registry, registry, validate_registry


def test_registry_is_valid() -> None:
    jurisdictions = load_registry()
    assert validate_registry(jurisdictions) == []


def test_registry_covers_the_country() -> None:
    jurisdictions = registry()
    sources = [s for j in jurisdictions for s in j.sources]
    assert len(jurisdictions) >= 25 and len(sources) >= 25
    levels = Counter(j.level for j in jurisdictions)
    assert levels["federal"] == 1 and levels["provincial"] >= 9 and levels["municipal"] >= 10
    assert {"territorial", "regional"} <= set(levels)
    platforms = {s.platform for s in sources}
    assert {"ckan", "socrata", "arcgis_hub", "opendatasoft"} <= platforms
    assert platforms <= set(ADAPTERS)
    languages = {s.content_language for s in sources}
    assert {"en", "fr", "en fr"} <= languages
    by_id = {j.id: j for j in jurisdictions}
    assert by_id["montreal"].sources[0].content_language == "fr"
    assert by_id["ontario"].sources[0].content_language == "en fr"
    assert by_id["yukon"].sources[0].content_language == "en"


def test_sources_become_adapter_settings() -> None:
    quebec = next(j for j in registry() if j.id == "quebec-city").sources[0]
    source = quebec.source()
    assert source.options == {"fq": "organization:ville-de-quebec"}
    assert source.rate_limit == 1 and source.content_language == "fr"


def test_validation_reports_problems() -> None:
    j = registry()[0]
    bad_source = dataclasses.replace(j.sources[0], platform="drupal", licence="mine",
                                     content_language="de", endpoint="http://x.example/")
    bad = dataclasses.replace(j, level="galactic", title={"en": "X"}, sources=(bad_source,))
    problems = validate_registry([bad, bad])
    text = "\n".join(problems)
    for expected in ("duplicate id", "unknown level", "title needs en and fr",
                     "unknown platform", "unknown licence", "content_language",
                     "not an https URL", "another host"):
        assert expected in text, expected
