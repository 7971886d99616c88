"""Mapping normalized records into the bilingual schema; content hash; local identity."""
from __future__ import annotations

import dataclasses

import pytest

from ckanext.opengov.federation import mapping
from ckanext.opengov.federation.mapping import MappingContext, local_id, local_name, map_record
from ckanext.opengov.federation.records import RemoteRecord, RemoteResource
from ckanext.opengov.metadata import vocab

CONTEXT = MappingContext(source_id="src-1", source_name="montreal", jurisdiction="municipal",
                         harvested_at="2026-11-22T00:00:00+00:00")


def record(**overrides: object) -> RemoteRecord:
    base = RemoteRecord(
        remote_id="abc-123", remote_url="https://donnees.ville.example/dataset/velo",
        platform="ckan", content_language="fr",
        title={"": "Pistes cyclables"}, description={"": "<p>Le réseau <b>cyclable</b>.</p>"},
        keywords={"": ["vélo", "transport"]}, themes=["Transports", "Mobilité durable"],
        formats=["CSV"], licence="cc-by", frequency="R/P1M",
        modified="2026-05-01T10:20:30Z", issued="2020-01-02",
        resources=[RemoteResource(url="https://x.example/velo.csv", format="text/csv"),
                   RemoteResource(url="https://x.example/map", format="ArcGIS GeoServices REST API",
                                  name={"": "Carte"})],
        landing_page="https://donnees.ville.example/dataset/velo",
        identifiers=["https://donnees.ville.example/dataset/velo"], publisher="Ville",
        raw={"id": "abc-123"},
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def test_untagged_text_takes_the_source_language() -> None:
    data = map_record(record(), CONTEXT)
    assert data["title_translated"] == {"fr": "Pistes cyclables"}
    assert data["notes_translated"] == {"fr": "Le réseau cyclable."}
    assert data["keywords"] == {"fr": ["vélo", "transport"]}
    assert data["language"] == ["fr"]
    english = map_record(record(content_language="en"), CONTEXT)
    assert english["title_translated"] == {"en": "Pistes cyclables"}


def test_bilingual_text_is_kept_per_language_and_not_translated() -> None:
    data = map_record(record(title={"en": "Bike paths", "fr": "Pistes cyclables",
                                    "fr-t-en": "Chemins de vélo"},
                             keywords={"en": ["bike"], "fr": ["vélo"]},
                             content_language="en fr"), CONTEXT)
    assert data["title_translated"] == {"en": "Bike paths", "fr": "Pistes cyclables",
                                        "fr-t-en": "Chemins de vélo"}
    assert data["keywords"] == {"en": ["bike"], "fr": ["vélo"]}
    only_en = map_record(record(title={"en": "Bike paths"}, content_language="en fr"), CONTEXT)
    assert "fr" not in only_en["title_translated"]  # nothing machine translated silently


def test_vocabularies_mapped_and_published_values_kept() -> None:
    data = map_record(record(), CONTEXT)
    assert data["subject"] == ["transport"]
    assert data["frequency"] == "P1M"
    assert data["license_id"] == "cc-by-4.0"
    assert [r["format"] for r in data["resources"]] == ["CSV", "ESRI REST"]
    assert [r["resource_type"] for r in data["resources"]] == ["dataset", "api"]
    assert data["resources"][1]["name_translated"] == {"fr": "Carte"}
    published = data["federation_published"]
    assert published["themes"] == ["Transports", "Mobilité durable"]  # unmapped one kept
    assert published["licence"] == "cc-by" and published["frequency"] == "R/P1M"
    for code in data["subject"]:
        assert vocab.is_valid("subject", code)
    assert vocab.is_valid("frequency", data["frequency"])


def test_unmapped_values_are_not_forced_into_the_schema() -> None:
    data = map_record(record(themes=["Parcs canins"], frequency="Whenever",
                             licence="Some local terms"), CONTEXT)
    assert data["subject"] == [] and data["frequency"] is None and data["license_id"] is None
    assert data["federation_published"]["themes"] == ["Parcs canins"]
    assert data["federation_published"]["licence"] == "Some local terms"


@pytest.mark.parametrize(("value", "expected"), [
    ("Open Government Licence – Canada", "ca-ogl-lgo"),
    ("http://open.canada.ca/en/open-government-licence-canada", "ca-ogl-lgo"),
    ("OGL-Yukon-2.0", "ogl-yukon"),
    ("https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0"),
    ("http://opendatacommons.org/licenses/odbl/1.0/", "odc-odbl"),
    ("<a href='https://creativecommons.org/publicdomain/zero/1.0/'>CC0</a>", "cc-zero"),
    ("Open Government Licence - Vancouver", "ogl-vancouver"),
])
def test_licences(value: str, expected: str) -> None:
    assert mapping.map_licence(value) == expected


def test_source_specific_licence_table() -> None:
    assert mapping.map_licence("cc-by", {"cc-by": "cc-by-4.0-montreal"}) == "cc-by-4.0-montreal"


@pytest.mark.parametrize(("value", "expected"), [
    ("monthly", "P1M"), ("Monthly", "P1M"), ("ad_hoc", "as_needed"), ("as_needed", "as_needed"),
    ("R/P1D", "P1D"), ("P1Y", "P1Y"), ("Hebdomadaire", "P1W"),
    ("http://publications.europa.eu/resource/authority/frequency/QUARTERLY", "P3M"),
    ("real-time", "continual"),
])
def test_frequencies(value: str, expected: str) -> None:
    assert mapping.map_frequency(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("csv", "CSV"), ("Web Page", "HTML"), ("application/vnd.geo+json", "GeoJSON"),
    ("http://publications.europa.eu/resource/authority/file-type/CSV", "CSV"),
    ("http://www.iana.org/assignments/media-types/text/csv", "CSV"), ("Shapefile", "SHP"),
    ("GEOJSON", "GeoJSON"), ("Esri REST", "ESRI REST"),
])
def test_formats(value: str, expected: str) -> None:
    assert mapping.map_format(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("http://publications.europa.eu/resource/authority/data-theme/TRAN", "transport"),
    ("Business and Economy", "economics_and_industry"), ("economics_and_industry",
                                                         "economics_and_industry"),
    ("Environnement", "nature_and_environment"),
    # compound categories, mapped as their parts are
    ("Fishing and Aquaculture", "agriculture"),
    ("Population and Demographics", "population_and_regions"),
])
def test_themes(value: str, expected: str) -> None:
    assert mapping.map_theme(value) == expected


def test_mapping_tables_point_at_real_codes() -> None:
    for name, vocabulary in (("themes", "subject"), ("frequencies", "frequency"),
                             ("formats", "format")):
        tables = mapping.table(name)
        for code in [*tables["values"].values(), *tables["uri_suffixes"].values()]:
            assert vocab.is_valid(vocabulary, code), (name, code)
    licence_ids = set(mapping._licence_index().values())
    for code in mapping.table("licences")["values"].values():
        assert code in licence_ids, code


def test_content_hash_is_stable_and_key_order_independent() -> None:
    a = record()
    b = record(raw={"id": "abc-123", "views": 99},
               keywords={"": ["vélo", "transport"]}, themes=["Mobilité durable", "Transports"])
    assert a.content_hash() == b.content_hash()  # raw and set order do not count
    reordered = RemoteRecord(**{k: getattr(a, k) for k in reversed(
        [f.name for f in dataclasses.fields(a)])})
    assert reordered.content_hash() == a.content_hash()
    assert record(title={"": "Autre"}).content_hash() != a.content_hash()
    assert len(a.content_hash()) == 64


def test_local_identity_is_namespaced_and_stable() -> None:
    assert local_id("src-1", "abc-123") == local_id("src-1", "abc-123")
    assert local_id("src-1", "abc-123") != local_id("src-2", "abc-123")
    remote_uuid = "fffcb623-7af9-4b3f-87d3-42852bca293c"
    assert local_id("src-1", remote_uuid) != remote_uuid
    name = local_name("Montréal", "abc-123", "Pistes cyclables — réseau 2026")
    assert name.startswith("montreal-pistes-cyclables-reseau-2026-")
    assert name == local_name("Montréal", "abc-123", "Pistes cyclables — réseau 2026")
    assert local_name("montreal", "abc-124", "Pistes cyclables") != local_name(
        "montreal", "abc-123", "Pistes cyclables")
    long = local_name("x" * 50, "id", "t" * 300)
    assert len(long) <= 100
    assert all(c.isalnum() or c == "-" for c in long)


def test_hub_ids_keep_layers_apart() -> None:
    assert local_id("hub", "23f48820904b46c38f0d4f2d75c69d23_0") != local_id(
        "hub", "23f48820904b46c38f0d4f2d75c69d23_1")


def test_provenance() -> None:
    data = map_record(record(), CONTEXT)
    assert data["id"] == local_id("src-1", "abc-123")
    assert data["federation_remote_id"] == "abc-123"
    assert data["federation_remote_url"] == "https://donnees.ville.example/dataset/velo"
    assert data["federation_platform"] == "ckan"
    assert data["federation_remote_modified"] == "2026-05-01T10:20:30Z"
    assert data["federation_harvested_at"] == "2026-11-22T00:00:00+00:00"
    assert data["date_modified"] == "2026-05-01" and data["date_published"] == "2020-01-02"
    assert data["jurisdiction"] == "municipal"
    assert data["federation_content_hash"] == record().content_hash()


def test_html_to_text() -> None:
    text = mapping.html_to_text("<p>One <a href='https://x.ca/t'>terms</a></p><p>Two<br>three</p>")
    assert text == "One [terms](https://x.ca/t)\n\nTwo\nthree"
    assert mapping.html_to_text("no markup") == "no markup"
