"""The demo catalogue file: consistent, bilingual, every HVD type, facts that agree with the
federation registry, and files that give real data-standard results (no database)."""
from __future__ import annotations

import collections
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ckanext.opengov.demo import loader
from ckanext.opengov.federation import registry
from ckanext.opengov.metadata import standards

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
PAGE_SIZE = 20
LANGS = ("en", "fr")
HUMAN_OR_MACHINE = {"en": ("en", "en-t-fr"), "fr": ("fr", "fr-t-en")}
# Uploaded files and the result their data-standard check must give.
EXPECTED_CHECKS = {
    "toronto-building-permits.csv": "pass", "canada-contracts.csv": "pass",
    "ontario-budget.csv": "pass", "montreal-entraves.csv": "pass",
    "ottawa-address-points.csv": "pass", "quebec-limites-regions.csv": "pass",
    "toronto-washrooms.csv": "pass", "vancouver-washrooms.csv": "fail",
    "oc_transpo_gtfs": "pass",
}


@pytest.fixture(scope="module")
def catalogue():
    return loader.read_catalogue()


@pytest.fixture(scope="module")
def payloads(catalogue):
    orgs = {o["name"]: o for o in catalogue["organizations"]}
    today = dt.date(2026, 11, 22)
    return [loader.dataset_dict(d, orgs[d["organization"]], today) for d in catalogue["datasets"]]


def test_references_resolve(catalogue):
    orgs = {o["name"] for o in catalogue["organizations"]}
    groups = {g["name"] for g in catalogue["groups"]}
    assert len(orgs) == 9
    assert len(groups) == 3
    names = [d["name"] for d in catalogue["datasets"]]
    assert 50 <= len(names) <= 80
    assert len(names) == len(set(names))
    assert not set(names) & (orgs | groups)
    assert not orgs & set(catalogue["retired"]["organizations"])
    for record in catalogue["datasets"]:
        assert NAME.match(record["name"]), record["name"]
        assert record["organization"] in orgs, record["name"]
        assert set(record.get("groups", [])) <= groups, record["name"]
    assert {d["organization"] for d in catalogue["datasets"]} == orgs
    assert {g for d in catalogue["datasets"] for g in d.get("groups", [])} == groups


def test_jurisdictions_agree_with_the_registry(catalogue):
    """Level, province, SGC code and portal are the registry's facts, not new ones."""
    known = {j.id: j for j in registry.registry()}
    levels = collections.Counter()
    for org in catalogue["organizations"]:
        j = known[org["name"]]
        assert org["level_of_government"] == j.level, org["name"]
        assert org["province"] == j.province, org["name"]
        assert org["sgc_code"] == j.sgc_code, org["name"]
        assert org["portal_url"] == j.portal_url, org["name"]
        assert set(org["title_translated"]) == set(LANGS)
        assert set(org["description_translated"]) & {"fr", "fr-t-en"}
        # No adoption date is on record in the reference notes: none is invented.
        assert "charter_adoption_date" not in org
        levels[j.level] += 1
    assert levels["federal"] == 1 and levels["provincial"] >= 4 and levels["municipal"] >= 4


def test_every_hvd_type_and_base_datasets(catalogue):
    types = collections.Counter(d.get("type", "dataset") for d in catalogue["datasets"])
    assert set(standards.hvd_types()) <= set(types)
    assert all(types[t] >= 3 for t in standards.hvd_types()), types
    assert types["dataset"] >= 15


def test_records_are_bilingual(payloads):
    def has_both(value, what):
        assert isinstance(value, dict), what
        for lang in LANGS:
            assert any(value.get(k) for k in HUMAN_OR_MACHINE[lang]), (what, lang)

    for data in payloads:
        for field in ("title_translated", "notes_translated", "keywords"):
            has_both(data[field], (data["name"], field))
        for resource in data["resources"]:
            has_both(resource["name_translated"], (data["name"], "resource"))
    text = " ".join(d["title_translated"]["fr"] + " " + d["notes_translated"].get("fr", "")
                    for d in payloads).lower()
    for word in ("permis de construction", "vélo", "québec", "montréal", "toilettes",
                 "arrondissements", "entraves"):
        assert word in text
    machine = [d["name"] for d in payloads if "fr-t-en" in d["notes_translated"]]
    assert 5 <= len(machine) < len(payloads) // 3


def test_records_fill_the_schema(payloads):
    bundled = Path(standards.__file__).parents[1] / "schemas" / "licenses.json"
    licence_ids = {lic["id"] for lic in json.loads(bundled.read_text(encoding="utf-8"))}
    for data in payloads:
        name = data["name"]
        for field in ("jurisdiction", "subject", "frequency", "date_published", "license_id",
                      "restrictions", "owner_org"):
            assert data.get(field), (name, field)
        assert data.get("maintainer_email") or data.get("maintainer_contact_form"), name
        assert data["license_id"] in licence_ids, name
        for date_field in ("date_published", "date_modified"):
            if data.get(date_field):
                dt.date.fromisoformat(data[date_field])
        if data.get("type", "dataset") != "dataset":
            assert data["hvd_standard"], name
        assert 1 <= len(data["resources"]) <= 3, name
        for resource in data["resources"]:
            assert resource["format"] and resource["language"] and resource["resource_type"]
            if "file" in resource:
                assert (Path(loader.FILES_DIR) / resource["file"]).exists(), resource["file"]
                continue
            # Invented records: their links must never point at a real host.
            assert urlsplit(resource["url"]).hostname.endswith(".example"), resource["url"]


def test_enough_for_paging_and_facets(payloads):
    assert len(payloads) > 2 * PAGE_SIZE
    formats = collections.Counter(r["format"] for d in payloads for r in d["resources"])
    assert len(formats) >= 10
    assert len({d["license_id"] for d in payloads}) >= 8
    assert len({s for d in payloads for s in d["subject"]}) >= 10


def test_uploaded_files_give_the_expected_check_results(payloads):
    files = {r["file"]: d["type"] for d in payloads for r in d["resources"] if "file" in r}
    assert set(files) == set(EXPECTED_CHECKS)
    for name, dataset_type in files.items():
        upload = loader.upload_for(name)
        data = upload.stream.read()
        spec = standards.hvd_type(dataset_type)
        assert spec is not None
        if upload.filename.endswith(".zip"):
            assert set(zipfile.ZipFile(io.BytesIO(data)).namelist()) >= {"agency.txt",
                                                                        "stop_times.txt"}
            report = standards.check_gtfs_zip(data, spec["standard"])
        else:
            assert len(data) < 4096, name  # kept small in the repository
            report = standards.check_csv(data, standards.standard_for_type(dataset_type))
        assert report["status"] == EXPECTED_CHECKS[name], (name, report["findings"][:5])


def test_dataset_dict_applies_defaults_dates_and_hvd_fields():
    record = {"name": "x", "type": "hvd_public_washrooms", "organization": "org",
              "groups": ["g"], "date_modified": {"days_ago": 10}, "license_id": "cc-by-4.0",
              "resources": [{"format": "CSV", "url": "https://a.example/x.csv"}]}
    org = {"dataset_defaults": {"license_id": "ogl-toronto", "jurisdiction": "municipal"},
           "resource_defaults": {"language": ["en"], "format": "JSON"}}
    data = loader.dataset_dict(record, org, dt.date(2026, 1, 11))
    assert data["owner_org"] == "org" and "organization" not in data
    assert data["groups"] == [{"name": "g"}]
    assert data["license_id"] == "cc-by-4.0" and data["jurisdiction"] == "municipal"
    assert data["date_modified"] == "2026-01-01"
    assert data["resources"] == [{"language": ["en"], "format": "CSV",
                                  "url": "https://a.example/x.csv"}]
    assert data["hvd_standard"] == standards.hvd_type("hvd_public_washrooms")["conforms_to"]
    assert "hvd_category" not in data  # washrooms have no EU HVD category
    boundaries = loader.dataset_dict({"name": "y", "type": "hvd_admin_boundaries"}, {})
    assert boundaries["hvd_category"] and boundaries["applicable_legislation"]
    assert loader.hvd_defaults("dataset") == {}


def test_read_catalogue_rejects_bad_files(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("datasets: {}\n")
    with pytest.raises(ValueError, match="datasets must be a list"):
        loader.read_catalogue(str(path))
    path.write_text("- a\n")
    with pytest.raises(ValueError, match="expected a mapping"):
        loader.read_catalogue(str(path))
    path.write_text("retired: [a]\n")
    with pytest.raises(ValueError, match="retired must be a mapping"):
        loader.read_catalogue(str(path))
