"""opengov_charter inside CKAN: index fields, the action, the Charter tab in en and fr."""
from __future__ import annotations

import copy
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

SUITE_PLUGINS = (
    "opengov_pgsearch opengov_charter opengov_schemas scheming_datasets scheming_organizations"
)
SUITE_SCHEMAS = "ckanext.opengov:schemas/dataset.yaml"
PRESETS = "ckanext.scheming:presets.json ckanext.opengov:schemas/presets.json"

SUITE_DATASET: dict[str, Any] = {
    "title_translated": {"en": "Building permits", "fr": "Permis de construction"},
    "notes_translated": {
        "en": "Every building permit issued by the city, one row per permit, with the address, "
              "the type of work and the declared value.",
        "fr": "Tous les permis de construction délivrés par la ville, une ligne par permis, avec "
              "l'adresse, le type de travaux et la valeur déclarée.",
    },
    "keywords": {"en": ["construction", "permits"], "fr": ["construction", "permis"]},
    "subject": ["economics_and_industry"],
    "jurisdiction": "municipal",
    "frequency": "P1M",
    "geographic_region": ["35"],
    "license_id": "ca-ogl-lgo",
    "restrictions": "unrestricted",
    "date_published": "2025-01-15",
    "date_modified": "2025-06-30",
    "time_period_coverage_start": "2025-01-01",
    "time_period_coverage_end": "2025-12-31",
    "provenance": {"en": "Exported from the permit system.", "fr": "Extrait du système."},
    "program_page_url": {"en": "https://example.ca/en/permits", "fr": "https://example.ca/fr/permis"},
    "maintainer_email": "opendata@example.ca",
    "resources": [{
        "name_translated": {"en": "Permits (CSV)", "fr": "Permis (CSV)"},
        "format": "CSV", "url": "https://data.example.ca/permits.csv",
        "resource_type": "dataset", "language": ["en", "fr"],
    }],
}

plain = [pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch opengov_charter"),
         pytest.mark.usefixtures("with_plugins", "clean_db", "indexed")]
suite = [pytest.mark.ckan_config("ckan.plugins", SUITE_PLUGINS),
         pytest.mark.ckan_config("scheming.dataset_schemas", SUITE_SCHEMAS),
         pytest.mark.ckan_config("scheming.presets", PRESETS),
         pytest.mark.usefixtures("with_plugins", "clean_db", "indexed")]


def _apply(marks: list[Any]):
    def wrap(fn):
        for mark in reversed(marks):
            fn = mark(fn)
        return fn
    return wrap


@_apply(plain)
def test_plain_ckan_dataset_gets_scores_in_its_index_document(indexed: Any) -> None:
    pkg = factories.Dataset(license_id="cc-by", notes="Short", tags=[{"name": "roads"}],
                            resources=[{"url": "https://x.ca/a.csv", "format": "CSV"}])
    doc = indexed[pkg["id"]]
    assert isinstance(doc["charter_score"], int) and 0 <= doc["charter_score"] <= 100
    assert doc["charter_band"] in ("excellent", "good", "sufficient", "bad")
    assert "bilingual_parity" in doc["charter_failing"]
    assert "open_licence" not in doc["charter_failing"]
    assert isinstance(doc["charter_p_accessible_usable"], int)
    assert isinstance(doc["mqa_score"], int) and doc["mqa_band"]
    assert doc["charter_version"] == "1.0.0"


@_apply(plain)
def test_action_returns_assessment_and_respects_privacy(indexed: Any) -> None:
    org = factories.Organization()
    pkg = factories.Dataset(owner_org=org["id"], license_id="cc-by")
    result = call_action("opengov_charter_dataset_show", id=pkg["name"])
    assert result["dataset_id"] == pkg["id"]
    assert result["score"] == indexed[pkg["id"]]["charter_score"]
    licence = next(i for i in result["indicators"] if i["id"] == "open_licence")
    assert licence["status"] == "pass"
    assert licence["name"] == {"en": "Open licence", "fr": "Licence ouverte"}
    assert licence["evidence"][0]["message"].startswith("Open licence")

    private = factories.Dataset(owner_org=org["id"], private=True)
    with pytest.raises(tk.NotAuthorized):
        call_action("opengov_charter_dataset_show", {"user": "", "ignore_auth": False},
                    id=private["id"])
    with pytest.raises(tk.ValidationError):
        call_action("opengov_charter_dataset_show", id="")
    with pytest.raises(tk.ObjectNotFound):
        call_action("opengov_charter_dataset_show", id="no-such-dataset")


@_apply(plain)
def test_charter_tab_in_english_and_french(app: Any) -> None:
    pkg = factories.Dataset(license_id="cc-by", notes="Short")
    page = app.get(f"/dataset/{pkg['name']}")
    assert f"/dataset/{pkg['name']}/charter" in page.body

    body = app.get(f"/dataset/{pkg['name']}/charter").body
    assert "Open Data Charter assessment" in body
    assert "What to fix first" in body
    assert "English and French" in body          # the bilingual indicator, failing here
    assert "Open licence: CC-BY-4.0." in body

    body_fr = app.get(f"/fr/dataset/{pkg['name']}/charter").body
    assert "Licence ouverte" in body_fr          # methodology texts in French
    assert "Ouvertes par défaut" in body_fr


@_apply(plain)
def test_charter_tab_of_a_private_dataset_is_hidden(app: Any) -> None:
    org = factories.Organization()
    pkg = factories.Dataset(owner_org=org["id"], private=True)
    app.get(f"/dataset/{pkg['name']}/charter", status=403)
    app.get("/dataset/no-such-dataset/charter", status=404)


@_apply(plain)
def test_odd_dataset_still_renders(app: Any) -> None:
    pkg = factories.Dataset(
        extras=[{"key": "frequency", "value": "[{"}, {"key": "temporal_start", "value": "0000"},
                {"key": "contact_point", "value": '{"email": 5}'}],
        resources=[{"url": "javascript:alert(1)", "format": "<b>csv</b>"}] * 3)
    body = app.get(f"/dataset/{pkg['name']}/charter").body
    assert "Open Data Charter assessment" in body
    assert "<b>csv</b>" not in body


@_apply(suite)
def test_suite_schema_dataset_is_read_through_its_own_fields(indexed: Any) -> None:
    user = factories.Sysadmin()
    org = factories.Organization(title_translated={"en": "City of Example",
                                                   "fr": "Ville d'Exemple"})
    data = copy.deepcopy(SUITE_DATASET)
    data.update(name="building-permits", owner_org=org["id"])
    pkg = call_action("package_create", {"user": user["name"]}, **data)
    result = call_action("opengov_charter_dataset_show", id=pkg["id"])
    statuses = {i["id"]: i["status"] for i in result["indicators"]}
    for indicator in ("public_access", "issued_date", "modified_date", "frequency_declared",
                      "temporal_coverage", "documentation", "provenance", "open_licence",
                      "licence_known", "discoverability", "spatial_coverage", "contact_point",
                      "publisher", "bilingual_parity", "machine_readable", "non_proprietary"):
        assert statuses[indicator] == "pass", (indicator, statuses[indicator])
    doc = indexed[pkg["id"]]
    assert doc["charter_score"] == result["score"]


@_apply(plain)
def test_methodology_page_and_action(app: Any) -> None:
    data = call_action("opengov_charter_methodology_show", {"user": ""})
    assert data["version"] == "1.0.0"
    assert sum(i["weight"] for i in data["indicators"] if i["level"] == "dataset") == 100
    assert data["mqa"]["total"] == 405
    body = app.get("/charter/methodology").body
    assert "Open licence" in body and "licenseAvailability" in body
    assert "Inventory of data holdings" in body          # jurisdiction indicators too
    body_fr = app.get("/fr/charter/methodology").body
    assert "Licence ouverte" in body_fr and "Répertoire des fonds de données" in body_fr


@_apply(plain)
def test_jurisdiction_tab_renders_in_both_languages(app: Any) -> None:
    org = factories.Organization(name="city")
    factories.Dataset(owner_org=org["id"])
    assert "/organization/city/charter" in app.get("/organization/city").body
    body = app.get("/organization/city/charter").body
    assert "Score distribution" in body and "<svg" in body and "Datasets per score range" in body
    body_fr = app.get("/fr/organization/city/charter").body
    assert "Ouvertes par défaut" in body_fr
    app.get("/organization/no-such-org/charter", status=404)
