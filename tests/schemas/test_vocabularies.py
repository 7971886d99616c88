"""Every label, help text and choice of the suite's schemas in English and French, and the
vocabularies' codes checked against the authority tables they cite."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ckanext.opengov.metadata import vocab

SCHEMAS = Path(vocab.VOCABULARY_DIR).parent
LANGUAGES = ("en", "fr")
#: keys whose value a reader sees: a {en, fr} dict in every schema file of the suite
TEXT_KEYS = {"label", "help_text", "form_placeholder", "title", "description",
             "repeating_label", "fluent_help_text"}


def schema_files() -> list[Path]:
    """Every scheming schema, preset, vocabulary, data standard and the HVD catalogue."""
    return sorted([*(p for p in SCHEMAS.glob("*.yaml") if p.name != "config_declaration.yaml"),
                   SCHEMAS / "presets.json",
                   *SCHEMAS.glob("vocabularies/*.json"), *SCHEMAS.glob("standards/*.json"),
                   *SCHEMAS.glob("standards/*.yaml")])


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f) if path.suffix == ".yaml" else json.load(f)


def _bilingual_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return "a plain string, not {en: .., fr: ..}"
    if not isinstance(value, dict):
        return None
    missing = [lang for lang in LANGUAGES
               if not (isinstance(value.get(lang), str) and value[lang].strip())]
    return f"no {'/'.join(missing)} text" if missing else None


def missing_languages(node: Any, where: str = "") -> Iterator[str]:
    """``path: problem`` for every reader-facing text of ``node`` not given in en and fr."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from missing_languages(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    name = node.get("field_name") or node.get("name") or node.get("value")
    for key, value in node.items():
        path = f"{where}/{name or ''}.{key}"
        if key == "form_placeholder" and isinstance(value, str) and " " not in value:
            continue  # an example value (opendata@example.gc.ca, 2025-2026): no language
        if key in TEXT_KEYS and (isinstance(value, str) or
                                 (isinstance(value, dict) and set(value) & set(LANGUAGES))):
            problem = _bilingual_problem(value)
            if problem:
                yield f"{path}: {problem}"
            continue
        if key == "fluent_form_label" and isinstance(value, dict):
            for lang in LANGUAGES:
                problem = _bilingual_problem(value.get(lang, ""))
                if problem:
                    yield f"{path}.{lang}: {problem}"
            continue
        yield from missing_languages(value, path)


@pytest.mark.parametrize("path", schema_files(), ids=lambda p: p.name)
def test_every_label_help_and_choice_is_in_english_and_french(path):
    problems = list(missing_languages(_load(path)))
    assert not problems, "\n".join(problems[:20])


def test_the_walker_finds_what_is_missing():
    schema = {"dataset_fields": [
        {"field_name": "a", "label": {"en": "A"}, "help_text": "plain",
         "form_placeholder": "e.g. this",
         "choices": [{"value": "x", "label": {"en": "X", "fr": " "}}],
         "fluent_form_label": {"en": {"en": "A (English)", "fr": "A (anglais)"}}}]}

    found = list(missing_languages(schema))

    assert any("/a.label: no fr" in p for p in found)
    assert any("/a.help_text: a plain string" in p for p in found)
    assert any("/a.form_placeholder: a plain string" in p for p in found)
    assert any("/x.label: no fr" in p for p in found)
    assert any("/a.fluent_form_label.fr" in p for p in found)


#: codes of the EU authority tables the vocabularies map to, as published by the
#: Publications Office (file-type, frequency, access-right, data-theme, language)
EU_CODES = {
    "file-type": {"CSV", "JSON", "GEOJSON", "XML", "XLSX", "XLS", "ODS", "TXT", "HTML", "PDF",
                  "PDFA1A", "DOCX", "DOC", "RTF", "ZIP", "KML", "KMZ", "SHP", "GDB", "GPKG",
                  "GEOTIFF", "TIFF", "JPEG", "PNG", "NETCDF", "WMS_SRVC", "WFS_SRVC", "REST",
                  "MXD", "GTFS", "PARQUET", "SQL", "RDF_XML", "RDF_TURTLE", "JSON_LD", "BIN"},
    "frequency": {"CONT", "DAILY", "WEEKLY_3", "WEEKLY_2", "WEEKLY", "BIWEEKLY", "MONTHLY_2",
                  "MONTHLY", "BIMONTHLY", "QUARTERLY", "ANNUAL_3", "ANNUAL_2", "ANNUAL",
                  "BIENNIAL", "TRIENNIAL", "QUADRENNIAL", "QUINQUENNIAL", "IRREG", "AS_NEEDED",
                  "NOT_PLANNED", "NEVER", "UNKNOWN"},
    "access-right": {"PUBLIC", "RESTRICTED", "NON_PUBLIC"},
    "data-theme": {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST",
                   "REGI", "SOCI", "TECH", "TRAN"},
    "language": {"ENG", "FRA", "IKU", "CRE", "OJI", "MIC", "MOH", "DEN", "SPA", "ZHO", "ZXX",
                 "MUL"},
}


@pytest.mark.parametrize("name", ["format", "frequency", "restrictions", "subject", "language"])
def test_vocabulary_uris_are_codes_of_the_eu_tables(name):
    for concept in vocab.vocabulary(name)["concepts"]:
        table, code = concept["uri"].split("/resource/authority/")[1].split("/")
        assert code in EU_CODES[table], (concept["value"], concept["uri"])


def test_distinct_frequencies_keep_distinct_eu_codes():
    """open.canada.ca's "as needed" and "irregular" (and "not planned") differ, and so do
    their EU codes: a DCAT round trip gives each back."""
    uris = {c["value"]: c["uri"] for c in vocab.vocabulary("frequency")["concepts"]}
    assert uris["as_needed"].endswith("/AS_NEEDED")
    assert uris["irregular"].endswith("/IRREG")
    assert uris["not_planned"].endswith("/NOT_PLANNED")


def test_sgc_codes():
    """SGC 2021: provinces and territories by their two-digit codes, divisions and
    subdivisions by pattern; 01 (census code of Canada) and the 1-6 regions accepted."""
    assert vocab.label("sgc", "24", "fr") == "Québec"
    assert vocab.label("sgc", "01", "en") == "Canada"
    assert vocab.is_valid("sgc", "3506008") and vocab.is_valid("sgc", "3506")
    assert not vocab.is_valid("sgc", "99") and not vocab.is_valid("sgc", "9906")
    regions = {c["value"]: c for c in vocab.vocabulary("sgc")["concepts"]
               if c.get("kind") == "sgc_region"}
    assert set(regions) == set("123456")
