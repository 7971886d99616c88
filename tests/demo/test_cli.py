"""`ckan opengov demo load` against a real database, the whole suite and the opengov_pgsearch
index: every record goes through package_create on its schema, uploads get a real
data-standard result, Charter bands spread, and a re-run is idempotent and quick."""
from __future__ import annotations

import statistics
import time

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.opengov.demo import loader
from ckanext.opengov.metadata import standards

# The plugins line of `make demo` (scripts/demo-config.sh).
PLUGINS = ("activity opengov_pgsearch opengov_schemas scheming_datasets scheming_organizations "
           "dcat harvest opengov_federation opengov_charter")  # scripts/demo-config.sh
SCHEMAS = " ".join(["ckanext.opengov:schemas/dataset.yaml"] + [
    f"ckanext.opengov:schemas/{t}.yaml" for t in sorted(standards.hvd_types())])
PRESETS = "ckanext.scheming:presets.json ckanext.opengov:schemas/presets.json"

suite = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.dataset_schemas", SCHEMAS),
    pytest.mark.ckan_config("scheming.organization_schemas",
                            "ckanext.opengov:schemas/organization.yaml"),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.ckan_config("ckan.harvest.mq.type", "redis"),
    pytest.mark.usefixtures("with_plugins", "with_extended_cli", "clean_db", "activity_tables",
                            "clean_index"),
]


def _suite(fn):
    for mark in reversed(suite):
        fn = mark(fn)
    return fn


def _load(cli, *args: str) -> tuple[str, float]:
    started = time.perf_counter()
    result = cli.invoke(ckan, ["opengov", "demo", "load", *args])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    return result.output, elapsed


def _median_score(org: str) -> float:
    found = helpers.call_action("package_search", fq=f'organization:"{org}"', rows=100,
                                fl="name,charter_score")
    return statistics.median(d["charter_score"] for d in found["results"])


@_suite
def test_load_creates_everything_then_leaves_it_alone(cli):
    catalogue = loader.read_catalogue()
    total = len(catalogue["datasets"])
    output, first = _load(cli)
    assert "Created sysadmin 'admin'" in output
    assert f"Datasets: {total} created, 0 already present" in output
    assert "Log in as 'admin' / 'opengov-demo'" in output

    admin = model.User.by_name("admin")
    assert admin.sysadmin and admin.validate_password("opengov-demo")
    found = helpers.call_action("package_search", rows=0, **{
        "facet.field": ["organization", "groups", "dataset_type", "charter_band"],
        "facet.limit": -1})
    assert found["count"] == total
    assert len(found["facets"]["organization"]) == 9
    assert len(found["facets"]["groups"]) == 3
    assert set(standards.hvd_types()) | {"dataset"} == set(found["facets"]["dataset_type"])

    # The jurisdiction schema is filled.
    ontario = helpers.call_action("organization_show", id="ontario")
    assert ontario["level_of_government"] == "provincial" and ontario["sgc_code"] == "35"
    assert ontario["title_translated"]["fr"] == "Gouvernement de l'Ontario"

    # Bilingual records read back in both languages, machine translations tagged.
    permits = helpers.call_action("package_show", id="mtl-permis-construction")
    assert permits["type"] == "hvd_building_permits"
    assert permits["title_translated"]["fr"] == "Permis de construction délivrés"
    assert permits["hvd_category"] and permits["applicable_legislation"]
    trees = helpers.call_action("package_show", id="van-street-trees")
    assert "fr-t-en" in trees["notes_translated"]

    # Uploaded files sit in CKAN's storage and carry a real check result.
    def check_of(name: str) -> dict:
        pkg = helpers.call_action("package_show", id=name)
        uploads = [r for r in pkg["resources"] if r.get("url_type") == "upload"]
        assert len(uploads) == 1 and pkg["resources"][0]["id"] == uploads[0]["id"], name
        return helpers.call_action("opengov_standards_check_show", id=uploads[0]["id"])

    assert check_of("to-washroom-facilities")["check"]["status"] == "pass"
    assert check_of("ott-oc-transpo-gtfs")["check"]["status"] == "pass"
    failing = check_of("van-public-washrooms")["check"]
    assert failing["status"] == "fail" and failing["counts"]["errors"] > 0

    # A spread of Charter bands: complete jurisdictions above the neglected ones.
    bands = found["facets"]["charter_band"]
    assert {"excellent", "good", "sufficient"} <= set(bands), bands
    for strong in ("canada", "ontario", "toronto", "montreal"):
        for weak in ("british-columbia", "nova-scotia", "vancouver"):
            assert _median_score(strong) >= _median_score(weak) + 15, (strong, weak)
    assert "Charter bands (datasets per band):" in output

    # Existing objects are matched by name and never modified; missing ones come back.
    as_admin = {"user": "admin"}
    helpers.call_action("package_patch", as_admin, id="to-cycling-network",
                        title_translated={"en": "Edited", "fr": "Modifié"})
    helpers.call_action("dataset_purge", as_admin, id="mtl-arbres-publics")
    output, again = _load(cli)
    assert "Sysadmin 'admin' already exists" in output
    assert "Organizations: 0 created, 9 already present" in output
    assert f"Datasets: 1 created, {total - 1} already present" in output
    assert "Created dataset mtl-arbres-publics" in output
    edited = helpers.call_action("package_show", id="to-cycling-network")
    assert edited["title_translated"]["en"] == "Edited"
    assert again < first / 2, (first, again)
    print(f"first load {first:.1f}s, re-run {again:.1f}s")


@_suite
def test_earlier_demo_content_is_upgraded(cli):
    """A portal loaded by the first (plain CKAN) catalogue: its records are replaced and its
    organizations completed, while anything someone added is kept."""
    old_org = model.Group(name="city-of-toronto", title="City of Toronto", type="organization",
                          is_organization=True)
    ontario = model.Group(name="ontario", title="Government of Ontario", type="organization",
                          is_organization=True)
    model.Session.add_all([old_org, ontario])
    model.Session.flush()
    model.Session.add_all([
        model.Package(name="to-washroom-facilities", title="Washrooms", type="dataset",
                      owner_org=old_org.id),
        model.Package(name="mine-not-the-demo", title="Mine", type="dataset",
                      owner_org=ontario.id),
    ])
    model.Session.commit()

    output, _ = _load(cli, "--file", loader.CATALOGUE_PATH)
    assert "Removed to-washroom-facilities" in output
    assert "Removed city-of-toronto" in output
    assert "Updated organization ontario" in output
    assert model.Group.get("city-of-toronto") is None
    washrooms = helpers.call_action("package_show", id="to-washroom-facilities")
    assert washrooms["type"] == "hvd_public_washrooms"
    assert model.Package.get("mine-not-the-demo") is not None
    org = helpers.call_action("organization_show", id="ontario")
    assert org["title"] == "Government of Ontario" and org["level_of_government"] == "provincial"
