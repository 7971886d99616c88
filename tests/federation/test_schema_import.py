"""Harvested records under the strict bilingual schema (opengov_schemas + scheming)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import helpers

from . import payloads as P
from .conftest import Portal
from .test_adapters import FakeCkan
from .test_harvester import Harvest, harvest_db  # noqa: F401  (fixture)

PLUGINS = ("opengov_schemas scheming_datasets scheming_organizations harvest "
           "opengov_federation opengov_pgsearch")

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "harvest_db", "fresh_licences", "with_request_context"),
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0"),
    pytest.mark.ckan_config("ckanext.opengov.http.backoff_base", "0.01"),
    pytest.mark.ckan_config("ckanext.opengov.http.max_retries", "1"),
]


def french_package(n: int) -> dict[str, Any]:
    pkg = P.ckan_package(n)
    pkg.update(title=f"Comptages routiers {n}", notes=f"Comptages de véhicules au carrefour {n}.",
               tags=[{"name": "circulation"}, {"name": "routes"}])
    pkg["resources"][0]["name"] = "Comptages (CSV)"
    return pkg


class BilingualHarvest(Harvest):
    """A harvest source whose organization fits the bilingual organization schema."""

    def __init__(self, portal: Portal, **config: Any) -> None:
        import ckan.tests.factories as factories

        original = factories.Organization
        factories.Organization = lambda **kw: original(  # type: ignore[misc]
            title_translated={"en": "Yukon", "fr": "Yukon"}, level_of_government="territorial",
            **kw)
        try:
            super().__init__(portal, **config)
        finally:
            factories.Organization = original  # type: ignore[misc]


def errors_of(job: Any) -> list[str]:
    from ckanext.harvest.model import HarvestObjectError

    return [e.message for e in model.Session.query(HarvestObjectError)
            .join(HarvestObjectError.object).filter_by(harvest_job_id=job.id)]


def test_english_only_source_imports(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in (1, 2)])
    harvest = BilingualHarvest(portal, force_all=True, jurisdiction="provincial")
    _, counts, job = harvest.run()
    assert counts["added"] == 2, errors_of(job)
    dataset = harvest.dataset(1)
    assert dataset["title_translated"].get("en") == "Road traffic counts 1"
    assert not dataset["title_translated"].get("fr")


def test_pages_show_the_source_language_with_a_marker(portal: Portal, app: Any) -> None:
    FakeCkan(portal, [P.ckan_package(1)])
    harvest = BilingualHarvest(portal, force_all=True, jurisdiction="provincial")
    _, counts, job = harvest.run()
    assert counts["added"] == 1, errors_of(job)
    name = harvest.dataset(1)["name"]
    english = app.get(f"/dataset/{name}").body
    assert "Road traffic counts 1" in english and "(English)" not in english
    french = app.get(f"/fr/dataset/{name}").body
    assert "Road traffic counts 1" in french and "(English)</span>" in french
    assert 'lang="en"' in french


def test_french_only_source_imports(portal: Portal, app: Any) -> None:
    FakeCkan(portal, [french_package(n) for n in (1, 2)])
    harvest = BilingualHarvest(portal, force_all=True, content_language="fr",
                               jurisdiction="municipal")
    _, counts, job = harvest.run()
    assert counts["added"] == 2, errors_of(job)
    dataset = harvest.dataset(1)
    assert dataset["title_translated"] == {"fr": "Comptages routiers 1"} or (
        dataset["title_translated"].get("fr") == "Comptages routiers 1"
        and not dataset["title_translated"].get("en"))
    assert dataset["keywords"].get("fr") == ["circulation", "routes"]
    assert dataset["resources"][0]["name_translated"].get("fr") == "Comptages (CSV)"
    french = app.get(f"/fr/dataset/{dataset['name']}").body
    assert "Comptages routiers 1" in french and "(français)" not in french
    english = app.get(f"/dataset/{dataset['name']}").body
    assert "Comptages routiers 1" in english and "(français)</span>" in english


def test_later_edits_of_a_harvested_dataset_validate_the_same_way(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(1)])
    harvest = BilingualHarvest(portal, force_all=True, jurisdiction="provincial")
    harvest.run()
    dataset = harvest.dataset(1)
    # an editor fixes a typo: no French appears out of nowhere, and none is asked for
    helpers.call_action("package_patch", id=dataset["id"],
                        title_translated={"en": "Road traffic counts, 1"})
    assert harvest.dataset(1)["title_translated"]["en"] == "Road traffic counts, 1"
    assert harvest.dataset(1)["federation_source_id"] == harvest.source.id
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("package_patch", id=dataset["id"], title_translated={})
    assert "title_translated" in raised.value.error_dict


def test_local_datasets_keep_the_strict_rules() -> None:
    from ckan.tests import factories

    user = factories.Sysadmin()
    context = {"user": user["name"]}
    org = helpers.call_action(
        "organization_create", name="local-org", title_translated={"en": "L", "fr": "L"},
        context=dict(context))
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action(
            "package_create", context=dict(context), name="local-one", owner_org=org["id"],
            title_translated={"en": "Only English"}, notes_translated={"en": "x"},
            keywords={"en": ["road"]}, jurisdiction="provincial", subject=["transport"],
            frequency="P1M", date_published="2024-01-01", license_id="OGL-Canada-2.0",
            restrictions="unrestricted", federation_source_id="forged")
    errors = raised.value.error_dict
    assert "title_translated" in errors and "maintainer_email" in errors


def test_provenance_is_stored_as_fields_and_shown(portal: Portal, app: Any) -> None:
    FakeCkan(portal, [P.ckan_package(1)])
    harvest = BilingualHarvest(portal, force_all=True, jurisdiction="provincial")
    harvest.run()
    dataset = harvest.dataset(1)
    keys = {e["key"] for e in dataset.get("extras") or []}
    assert not {k for k in keys if k in {
        "federation_source_id", "federation_remote_url", "federation_platform"}}
    assert dataset["federation_remote_url"] == f"{portal.url}/dataset/road-counts-1"
    assert dataset["federation_platform"] == "ckan"
    assert dataset["federation_harvested_at"] and dataset["federation_remote_modified"]
    html = tk.render_snippet("opengov/federation/provenance.html", {"pkg": dataset})
    assert "Provenance" in html and f'href="{portal.url}/dataset/road-counts-1"' in html
    assert "CKAN" in html and "View the original record" in html
    assert tk.render_snippet("opengov/federation/provenance.html",
                             {"pkg": {"name": "local", "extras": []}}).strip() == ""


def test_a_returning_record_loses_its_withdrawal(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = BilingualHarvest(portal, force_all=True, jurisdiction="provincial",
                               withdraw_min_ratio=0.1)
    harvest.run()
    fake.packages = [P.ckan_package(n) for n in (1, 2)]
    harvest.run()
    gone = harvest.dataset(3)
    assert gone["private"] and gone["federation_withdrawn_at"]
    fake.packages = [P.ckan_package(n) for n in (1, 2, 3)]
    harvest.run()
    back = harvest.dataset(3)
    assert not back["private"] and not back.get("federation_withdrawn_at")
    assert back["federation_source_id"] == harvest.source.id


def test_a_record_without_frequency_theme_or_licence_is_kept_as_published(portal: Portal) -> None:
    # What the publisher did not say is a Charter finding, not a reason to refuse the record.
    pkg = P.ckan_package(1)
    pkg.update(groups=[], extras=[], license_id="", license_title="")
    pkg.pop("frequency", None)
    FakeCkan(portal, [pkg])
    harvest = BilingualHarvest(portal, force_all=True, jurisdiction="provincial")
    _, counts, job = harvest.run()
    assert counts["added"] == 1, errors_of(job)
    dataset = harvest.dataset(1)
    assert not dataset.get("frequency")
    assert not dataset.get("subject")


def test_local_datasets_still_need_a_frequency() -> None:
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action(
            "package_create", name="local-no-frequency",
            title_translated={"en": "Counts", "fr": "Comptages"},
            notes_translated={"en": "Counts.", "fr": "Comptages."})
    assert "frequency" in err.value.error_dict
    assert "subject" in err.value.error_dict
