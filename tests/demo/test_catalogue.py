"""The demo catalogue file: consistent, and rich enough for search, facets and paging."""
from __future__ import annotations

import collections
import re
from urllib.parse import urlsplit

import pytest

from ckanext.opengov.demo import loader

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
# CKAN's tag_name_validator: letters (any script), digits, spaces, - _ .
TAG = re.compile(r"^[\w \-.]{2,100}$")
FORMATS = {"CSV", "JSON", "GeoJSON", "PDF", "API", "XLSX", "SHP", "KML", "GTFS", "XML"}
PAGE_SIZE = 20


@pytest.fixture(scope="module")
def catalogue():
    return loader.read_catalogue()


def test_references_resolve(catalogue):
    orgs = {o["name"] for o in catalogue["organizations"]}
    groups = {g["name"] for g in catalogue["groups"]}
    assert len(orgs) == 5
    assert len(groups) == 3
    names = [d["name"] for d in catalogue["datasets"]]
    assert len(names) == len(set(names))
    assert not set(names) & (orgs | groups)
    for record in catalogue["datasets"]:
        assert record["organization"] in orgs, record["name"]
        assert set(record.get("groups", [])) <= groups, record["name"]
    # Every organization and group shows up in the facets.
    assert {d["organization"] for d in catalogue["datasets"]} == orgs
    assert {g for d in catalogue["datasets"] for g in d.get("groups", [])} == groups


def test_enough_for_paging_and_facets(catalogue):
    datasets = catalogue["datasets"]
    assert len(datasets) > 2 * PAGE_SIZE
    formats = collections.Counter(r["format"] for d in datasets for r in d["resources"])
    assert len(formats) >= 6
    licences = {loader.dataset_dict(d, _defaults(catalogue, d))["license_id"] for d in datasets}
    assert {"other-open", "cc-by", "cc-zero", "odc-by"} <= licences
    tags = collections.Counter(t for d in datasets for t in d["tags"])
    assert sum(1 for count in tags.values() if count > 1) >= 10


def test_records_are_valid_ckan_input(catalogue):
    from ckan.model.license import LicenseRegister

    licence_ids = {lic.id for lic in LicenseRegister().licenses}
    for entity in catalogue["organizations"] + catalogue["groups"]:
        assert NAME.match(entity["name"]) and entity["title"] and entity["description"]
    for record in catalogue["datasets"]:
        data = loader.dataset_dict(record, _defaults(catalogue, record))
        assert NAME.match(data["name"]), data["name"]
        assert data["title"] and data["notes"], data["name"]
        assert data["license_id"] in licence_ids, data["name"]
        assert data["tags"] and all(TAG.match(t["name"]) for t in data["tags"]), data["name"]
        assert 1 <= len(data["resources"]) <= 3, data["name"]
        for resource in data["resources"]:
            assert resource["format"] in FORMATS, (data["name"], resource["format"])
            assert resource["name"]
            # Invented records: their links must never point at a real host.
            assert urlsplit(resource["url"]).hostname.endswith(".example"), resource["url"]


def test_both_languages_present(catalogue):
    text = " ".join(d["title"] + " " + d["notes"] for d in catalogue["datasets"]).lower()
    for word in ("bâtiments", "vélo", "québec", "montréal", "transit", "washrooms"):
        assert word in text


def test_dataset_dict_applies_defaults_and_shapes_lists():
    record = {"name": "x", "organization": "org", "tags": ["a b"], "groups": ["g"],
              "license_id": "cc-by"}
    data = loader.dataset_dict(record, {"license_id": "other-open", "maintainer": "M"})
    assert data == {"name": "x", "owner_org": "org", "tags": [{"name": "a b"}],
                    "groups": [{"name": "g"}], "license_id": "cc-by", "maintainer": "M"}


def test_read_catalogue_rejects_bad_files(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("datasets: {}\n")
    with pytest.raises(ValueError, match="datasets must be a list"):
        loader.read_catalogue(str(path))
    path.write_text("- a\n")
    with pytest.raises(ValueError, match="expected a mapping"):
        loader.read_catalogue(str(path))


def _defaults(catalogue, record):
    org = next(o for o in catalogue["organizations"] if o["name"] == record["organization"])
    return org.get("dataset_defaults") or {}
