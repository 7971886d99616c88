"""Each built-in check on good, missing and odd values (no database)."""
from __future__ import annotations

from typing import Any

import pytest

from .helpers import check

EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
LINKS_OK = {"status": 200, "checked": "2026-05-30T00:00:00Z"}


def links(table: dict[str, dict[str, Any]]):
    return lambda url: table.get(url)


def test_good_dataset_passes_every_metadata_check(good: dict) -> None:
    link = links({"https://example.ca/closures.csv": LINKS_OK,
                  "https://example.ca/roads": LINKS_OK})
    shacl = lambda dataset: {"conforms": True, "violations": 0, "checked": "2026-05-30"}  # noqa: E731
    from ckanext.opengov.charter.methodology import load

    for indicator in load().level("dataset"):
        found = check(indicator.check, good, link_result=link, shacl_result=shacl)
        assert found.status == "pass", (indicator.id, found)


# ---------------------------------------------------------------- P1
@pytest.mark.parametrize("changes, status", [
    ({}, "pass"),
    ({"private": True}, "fail"),
    ({"access_rights": None, "restrictions": "unrestricted"}, "pass"),
    ({"access_rights": None}, "partial"),
    ({"access_rights": EU_ACCESS + "RESTRICTED"}, "fail"),
    ({"access_rights": "ask us nicely"}, "partial"),
    ({"access_rights": {"en": "public", "fr": "public"}}, "pass"),
])
def test_public_access(good: dict, changes: dict, status: str) -> None:
    good.update(changes)
    assert check("public_access", good).status == status


def test_public_access_mqa_alignment(good: dict) -> None:
    assert check("public_access", good).mqa == {"accessRightsAvailability": 1.0,
                                                "accessRightsVocabularyAlignment": 1.0}
    good["access_rights"] = "ask us nicely"
    assert check("public_access", good).mqa["accessRightsVocabularyAlignment"] == 0.0


def test_justified_restriction(good: dict) -> None:
    good["access_rights"] = "NON_PUBLIC"
    del good["rights"]
    assert check("justified_restriction", good).status == "fail"
    good["rights"] = {"en": "Contains third-party data.", "fr": "Contient des données de tiers."}
    found = check("justified_restriction", good)
    assert found.status == "pass" and "third-party" in found.evidence[0].render()


def test_pii_screen(good: dict) -> None:
    assert check("pii_screen", good).status == "pass"
    good["resources"][0]["schema"] = '{"fields": [{"name": "Date of Birth"}, {"name": "ward"}]}'
    found = check("pii_screen", good)
    assert found.status == "partial" and found.items == ("Date of Birth",)
    del good["resources"][0]["schema"]
    assert check("pii_screen", good).status == "not_assessed"
    good["resources"][0]["datastore_fields"] = [{"id": "_id"}, {"id": "courriel"}]
    assert check("pii_screen", good).status == "partial"


# ---------------------------------------------------------------- P2
def test_dates(good: dict) -> None:
    assert check("issued_date", good).status == "pass"
    good["issued"] = "not a date"
    good["metadata_created"] = "2021-02-03T04:05:06.123456"
    found = check("issued_date", good)
    assert found.status == "partial" and found.mqa["dateIssuedAvailability"] == 1.0
    del good["metadata_created"]
    assert check("issued_date", good).status == "fail"

    assert check("modified_date", good).status == "pass"
    good["modified"] = None
    good["resources"][0]["last_modified"] = "2026-01-01T00:00:00"
    assert check("modified_date", good).evidence[0].params["date"] == "2026-01-01"
    del good["resources"][0]["last_modified"]
    good["metadata_modified"] = "2026-02-01T00:00:00"
    assert check("modified_date", good).status == "partial"


@pytest.mark.parametrize("value, status", [
    ("http://publications.europa.eu/resource/authority/frequency/MONTHLY", "pass"),
    ("P1M", "pass"), ("P0.5W", "pass"), ("as_needed", "pass"), ("weekly", "pass"),
    ("whenever we feel like it", "partial"), (None, "fail"), ("", "fail"), (12, "partial"),
    ({"uri": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"}, "pass"),
])
def test_frequency_declared(good: dict, value: Any, status: str) -> None:
    good["frequency"] = value
    assert check("frequency_declared", good).status == status


@pytest.mark.parametrize("frequency, modified, status", [
    ("DAILY", "2026-05-31", "pass"),              # 1.5 days old, daily: within 1.5 periods
    ("DAILY", "2026-05-29", "fail"),              # 3.5 days: past 3 periods
    ("DAILY", "2026-05-30", "partial"),           # 2.5 days
    ("MONTHLY", "2026-05-01", "pass"),
    ("MONTHLY", "2026-03-20", "partial"),         # ~73 days = 2.4 periods
    ("MONTHLY", "2025-12-01", "fail"),
    ("P1Y", "2025-01-01", "pass"),
    ("ANNUAL", "2020-01-01", "fail"),
    ("IRREG", "2000-01-01", "not_assessed"),
    ("as_needed", "2000-01-01", "not_assessed"),
    ("NEVER", "2000-01-01", "pass"),
    ("not_planned", None, "pass"),
    ("gibberish", "2026-05-31", "not_assessed"),
    (None, "2026-05-31", "fail"),
    ("DAILY", None, "fail"),
    ("DAILY", "2030-01-01", "pass"),              # a date in the future is not "late"
])
def test_freshness(good: dict, frequency: Any, modified: Any, status: str) -> None:
    good["frequency"] = frequency
    good["modified"] = modified
    good["resources"][0].pop("last_modified", None)
    assert check("freshness", good).status == status


def test_freshness_decays_linearly(good: dict) -> None:
    good["frequency"] = "P10D"
    good["modified"] = "2026-05-09T12:00:00Z"     # 23 days = 2.3 periods: (3 - 2.3) / 1.5
    found = check("freshness", good)
    assert found.status == "partial"
    assert found.fraction == pytest.approx(0.7 / 1.5, abs=0.01)


def test_temporal_coverage(good: dict) -> None:
    assert check("temporal_coverage", good).status == "pass"      # start of an ongoing series
    good["frequency"] = "IRREG"
    assert check("temporal_coverage", good).status == "partial"
    good["temporal_coverage"] = [{"start": "2019-01-01", "end": "2019-12-31"}]
    del good["temporal_start"]
    assert check("temporal_coverage", good).status == "pass"
    good["temporal_coverage"] = "the nineties"
    assert check("temporal_coverage", good).status == "partial"
    del good["temporal_coverage"]
    found = check("temporal_coverage", good)
    assert found.status == "fail" and found.mqa == {"temporalAvailability": 0.0}
    good["extras"] = [{"key": "temporal_start", "value": "2001-01-01"},
                      {"key": "temporal_end", "value": "2002-01-01"}]
    assert check("temporal_coverage", good).status == "pass"


def test_documentation(good: dict) -> None:
    assert check("documentation", good).status == "pass"
    for key in ("landing_page", "conforms_to"):
        del good[key]
    assert check("documentation", good).status == "fail"
    good["resources"].append({"resource_type": "data_dictionary", "url": "https://x.ca/dict.pdf"})
    assert check("documentation", good).status == "pass"


def test_provenance(good: dict) -> None:
    assert check("provenance", good).status == "pass"
    good["notes_translated"] = {"en": "Short."}
    assert check("provenance", good).status == "partial"
    del good["provenance"]
    assert check("provenance", good).status == "fail"


# ---------------------------------------------------------------- P3
@pytest.mark.parametrize("licence, status", [
    ({"license_id": "ca-ogl-lgo"}, "pass"),
    ({"license_id": "on-oglo"}, "pass"),
    ({"license_id": "cc-by"}, "pass"),
    ({"license_id": "cc-zero"}, "pass"),
    ({"license_id": "odc-pddl"}, "pass"),
    ({"license_id": "x", "license_url": "https://creativecommons.org/licenses/by/4.0/"}, "pass"),
    ({"license_id": "town", "license_title": "Open Government Licence – Town of X"}, "pass"),
    ({"license_id": "x", "isopen": True}, "pass"),
    ({"license_id": "cc-nc"}, "fail"),
    ({"license_id": "other-closed"}, "fail"),
    ({"license_id": "cc-by-nc", "license_title": "Creative Commons Non-Commercial"}, "fail"),
    ({"license_id": "our-terms"}, "fail"),
    ({}, "fail"),
    ({"license_id": 42}, "fail"),
    ({"extras": [{"key": "license", "value": "http://creativecommons.org/publicdomain/zero/1.0/"}]},
     "pass"),
])
def test_open_licence(good: dict, licence: dict, status: str) -> None:
    for key in ("license_id", "license_url"):
        good.pop(key)
    good.update(licence)
    assert check("open_licence", good).status == status


def test_open_licence_ckanext_canada_od_conformance_false_is_still_open(good: dict) -> None:
    # ckanext-canada's licence list marks OGL-Canada od_conformance False: the register wins
    good.update(license_id="ca-ogl-lgo", isopen=False, license_url="")
    assert check("open_licence", good).status == "pass"


@pytest.mark.parametrize("licence, status", [
    ({"license_id": "ca-ogl-lgo"}, "pass"),
    ({"license_id": "anything", "license_url": "https://example.ca/licence"}, "pass"),
    ({"license_id": "other-open"}, "partial"),
    ({"license_id": "other-closed"}, "partial"),
    ({"license_id": "cc-nc"}, "pass"),
    ({"license_id": "our-own-words"}, "fail"),
    ({}, "fail"),
])
def test_licence_known(good: dict, licence: dict, status: str) -> None:
    for key in ("license_id", "license_url"):
        good.pop(key)
    good.update(licence)
    assert check("licence_known", good).status == status


def test_link_checks_not_assessed_without_results(good: dict) -> None:
    for check_id in ("access_url_works", "download_url_works", "no_registration"):
        assert check(check_id, good).status == "not_assessed"


def test_link_checks_from_stored_results(good: dict) -> None:
    good["resources"].append({"url": "https://example.ca/gone.json", "format": "JSON"})
    table = {"https://example.ca/closures.csv": LINKS_OK,
             "https://example.ca/gone.json": {"status": 404}, "https://example.ca/roads": LINKS_OK}
    found = check("access_url_works", good, link_result=links(table))
    assert found.status == "partial" and found.items == ("https://example.ca/gone.json",)
    assert found.mqa["accessUrlStatusCode"] == pytest.approx(2 / 3)
    found = check("download_url_works", good, link_result=links(table))
    assert found.status == "partial" and found.fraction == 0.5
    table["https://example.ca/gone.json"] = {"status": 1100, "error": "connection refused"}
    assert check("download_url_works", good, link_result=links(table)).fraction == 0.5
    table["https://example.ca/gone.json"] = {"status": 302, "login": True}
    assert check("no_registration", good, link_result=links(table)).status == "partial"
    table = {u: {"status": 401} for u in table}
    assert check("no_registration", good, link_result=links(table)).status == "fail"
    assert check("access_url_works", good, link_result=links(table)).status == "fail"


def test_link_check_without_any_url(good: dict) -> None:
    good["resources"] = [{"url": ""}, {"url": None}, {"url": "ftp:/odd"}]
    del good["landing_page"]
    assert check("access_url_works", good, link_result=links({})).status == "fail"


def test_download_url(good: dict) -> None:
    found = check("download_url", good)
    assert found.status == "pass" and found.mqa == {"downloadUrlAvailability": 1.0,
                                                    "byteSizeAvailability": 1.0}
    good["resources"] = [{"url": "https://example.ca/page", "format": "HTML"},
                         {"url": "https://example.ca/arcgis/rest/x", "format": "Esri REST"}]
    assert check("download_url", good).status == "fail"
    good["resources"].append({"url": "https://example.ca/a/data.geojson", "size": "n/a"})
    found = check("download_url", good)
    assert found.status == "pass" and found.mqa["byteSizeAvailability"] == 0.0
    good["resources"] = [{"url_type": "upload", "url": "https://example.ca/dataset/x/download/y"}]
    assert check("download_url", good).status == "pass"


@pytest.mark.parametrize("formats, machine, open_", [
    (["CSV"], "pass", "pass"),
    (["PDF", "HTML"], "fail", "pass"),
    (["PDF"], "fail", "fail"),
    (["XLS"], "pass", "fail"),
    (["xlsx", "PDF"], "pass", "fail"),
    ([".csv"], "pass", "pass"),
    (["text/csv"], "pass", "pass"),
    (["http://publications.europa.eu/resource/authority/file-type/GEOJSON"], "pass", "pass"),
    (["Shapefile"], "pass", "fail"),
    (["WMS"], "pass", "pass"),
    ([""], "fail", "fail"),
    ([None], "fail", "fail"),
    ([], "fail", "fail"),
])
def test_formats(good: dict, formats: list, machine: str, open_: str) -> None:
    good["resources"] = [{"format": x, "url": "https://example.ca/download"} for x in formats]
    assert check("machine_readable", good).status == machine
    assert check("non_proprietary", good).status == open_


def test_format_guessed_from_url_counts_for_charter_but_not_mqa(good: dict) -> None:
    good["resources"] = [{"url": "https://example.ca/files/data.csv?version=2"}]
    found = check("machine_readable", good)
    assert found.status == "pass" and found.mqa["formatMediaTypeMachineInterpretable"] == 0.0


@pytest.mark.parametrize("changes, status", [
    ({}, "pass"),
    ({"keywords": None, "tags": [{"name": "roads"}]}, "pass"),
    ({"keywords": None, "tag_string": "roads, traffic"}, "pass"),
    ({"theme": None}, "partial"),
    ({"theme": None, "subject": ["transport"]}, "pass"),
    ({"theme": None, "groups": [{"name": "transport", "title": "Transport"}]}, "pass"),
    ({"keywords": {"en": [], "fr": []}}, "partial"),
    ({"keywords": None, "theme": None}, "fail"),
])
def test_discoverability(good: dict, changes: dict, status: str) -> None:
    good.update(changes)
    assert check("discoverability", good).status == status


# ---------------------------------------------------------------- P4
@pytest.mark.parametrize("result, status", [
    (None, "not_assessed"),
    ({"conforms": True, "checked": "2026-05-01"}, "pass"),
    ({"conforms": False, "violations": 3}, "fail"),
    ({"violations": []}, "pass"),
    ({"violations": [{"path": "dct:title"}]}, "fail"),
    ({"something": "else"}, "not_assessed"),
    ("garbage", "not_assessed"),
])
def test_dcat_ap_conformance(good: dict, result: Any, status: str) -> None:
    assert check("dcat_ap_conformance", good, shacl_result=lambda d: result).status == status


def test_controlled_format(good: dict) -> None:
    assert check("controlled_format", good).status == "pass"
    good["resources"].append({"format": "Weird Format", "url": "https://x.ca/a", "name": "odd"})
    found = check("controlled_format", good)
    assert found.status == "partial" and found.items == ("odd",)
    assert found.mqa == {"formatAvailability": 1.0, "mediaTypeAvailability": 1.0,
                         "formatMediaTypeVocabularyAlignment": 1.0}
    good["resources"] = [{"url": "https://x.ca/a.csv"}]
    found = check("controlled_format", good)
    assert found.status == "fail" and found.mqa["formatAvailability"] == 0.0


def test_declares_standard(good: dict) -> None:
    assert check("declares_standard", good).status == "pass"
    del good["conforms_to"]
    assert check("declares_standard", good).status == "pass"     # the resource's Table Schema
    del good["resources"][0]["schema"]
    assert check("declares_standard", good).status == "fail"
    good["resources"][0]["conforms_to"] = "https://gtfs.org/documentation/schedule/reference/"
    assert check("declares_standard", good).status == "pass"


@pytest.mark.parametrize("stored, status", [
    ({"status": "valid"}, "pass"),
    ({"valid": False, "errors": [{"row": 2}]}, "fail"),
    ('{"status": "invalid", "errors": 4}', "fail"),
    ({"errors": 0}, "pass"),
    ({"status": "error", "message": "could not download"}, "not_assessed"),
    ("valid", "pass"),
    (None, "not_assessed"),
    ([1, 2], "not_assessed"),
])
def test_standard_conformance(good: dict, stored: Any, status: str) -> None:
    good["resources"][0]["standard_check"] = stored
    assert check("standard_conformance", good).status == status


def test_standard_conformance_mixed_and_ckanext_validation(good: dict) -> None:
    good["resources"].append({"name": "bad.csv", "validation_status": "failure"})
    found = check("standard_conformance", good)
    assert found.status == "partial" and found.fraction == 0.5 and found.items == ("bad.csv",)


@pytest.mark.parametrize("changes, status", [
    ({}, "pass"),
    ({"spatial_coverage": None, "geographic_region": ["35"]}, "pass"),
    ({"spatial_coverage": None, "spatial": '{"type": "Point", "coordinates": [-75.7, 45.4]}'},
     "pass"),
    ({"spatial_coverage": "https://geonames.org/6094817"}, "pass"),
    ({"spatial_coverage": {"en": "Ottawa", "fr": "Ottawa"}}, "partial"),
    ({"spatial_coverage": "downtown"}, "partial"),
    ({"spatial_coverage": None}, "fail"),
])
def test_spatial_coverage(good: dict, changes: dict, status: str) -> None:
    good.update(changes)
    assert check("spatial_coverage", good).status == status


@pytest.mark.parametrize("value, status", [
    ("https://example.ca/id/1", "pass"), ("doi:10.1234/abc", "pass"), ("10.5281/zenodo.1", "pass"),
    ("local-42", "partial"), (None, "fail"),
])
def test_persistent_identifier(good: dict, value: Any, status: str) -> None:
    good["identifier"] = value
    assert check("persistent_identifier", good).status == status


# ---------------------------------------------------------------- P5
@pytest.mark.parametrize("changes, status", [
    ({}, "pass"),
    ({"contact_point": {"name": "Ops", "email": "not-an-email"}}, "partial"),
    ({"contact_point": None, "maintainer_email": "data@example.ca"}, "pass"),
    ({"contact_point": None,
      "maintainer_contact_form": {"en": "https://x.ca/contact", "fr": "https://x.ca/fr/contact"}},
     "pass"),
    ({"contact_point": '[{"email": "mailto:a@b.ca"}]'}, "pass"),
    ({"contact_point": None, "maintainer": "Jane"}, "partial"),
    ({"contact_point": None}, "fail"),
    ({"contact_point": [None, 3, {"email": ""}]}, "partial"),
])
def test_contact_point(good: dict, changes: dict, status: str) -> None:
    good.update(changes)
    assert check("contact_point", good).status == status


@pytest.mark.parametrize("changes, status", [
    ({}, "pass"),
    ({"publisher": None, "organization": {"name": "city", "title": "City"}}, "pass"),
    ({"publisher": None, "author": "Someone"}, "partial"),
    ({"publisher": None}, "fail"),
])
def test_publisher(good: dict, changes: dict, status: str) -> None:
    good.update(changes)
    assert check("publisher", good).status == status


# ---------------------------------------------------------------- P6
def test_bilingual_parity_machine_translation_is_partial(good: dict) -> None:
    assert check("bilingual_parity", good).status == "pass"
    good["title_translated"] = {"en": "Road closures", "fr-t-en": "Fermetures de routes"}
    found = check("bilingual_parity", good)
    assert found.status == "partial" and "title" in found.items
    good["notes_translated"] = {"en": "Only English"}
    found = check("bilingual_parity", good)
    assert found.status == "partial" and found.fraction == pytest.approx((0.5 + 0 + 1 + 1) / 4)


def test_bilingual_parity_plain_ckan_fails() -> None:
    plain = {"title": "Roads", "notes": "Text", "resources": [{"name": "a"}]}
    assert check("bilingual_parity", plain).status == "fail"


def test_bilingual_parity_json_string_values() -> None:
    ds = {"title_translated": '{"en": "A", "fr": "B"}',
          "notes_translated": '{"en": "C", "fr": "D"}'}
    assert check("bilingual_parity", ds).status == "pass"


def test_reuse_ready(good: dict) -> None:
    assert check("reuse_ready", good).status == "pass"
    good["resources"] = [{"format": "CSV", "url": "https://x.ca/a.csv"}]
    assert check("reuse_ready", good).status == "fail"
    good["resources"].append({"format": "ArcGIS GeoServices REST API", "url": "https://x.ca/rest"})
    assert check("reuse_ready", good).status == "pass"


def test_every_licence_the_schemas_register_is_classified() -> None:
    import json
    from pathlib import Path

    from ckanext.opengov.charter import vocab

    path = Path(vocab.__file__).parent.parent / "schemas" / "licenses.json"
    if not path.exists():
        pytest.skip("schemas licence register not present")
    for licence in json.loads(path.read_text(encoding="utf-8")):
        found = check("open_licence", {"license_id": licence["id"],
                                       "license_url": licence.get("url") or ""})
        expected = "pass" if licence.get("od_conformance") == "approved" else None
        if expected:
            assert found.status == expected, licence["id"]
