"""The federation harvester end to end: ckanext-harvest jobs against a loopback CKAN portal."""
from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers
from ckanext.harvest.model import HarvestGatherError, HarvestObject
from ckanext.harvest.tests.factories import HarvestJobObj, HarvestSourceObj
from ckanext.harvest.tests.lib import run_harvest_job

from ckanext.opengov.federation import harvester
from ckanext.opengov.federation.harvester import FederationHarvester, job_counts
from ckanext.opengov.federation.mapping import local_id

from . import payloads as P
from .conftest import Portal, Reply
from .test_adapters import FakeCkan

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "harvest_db"),
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch harvest opengov_federation"),
    pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0"),
    pytest.mark.ckan_config("ckanext.opengov.http.backoff_base", "0.01"),
    pytest.mark.ckan_config("ckanext.opengov.http.max_retries", "1"),
]


@pytest.fixture
def harvest_db(with_plugins: Any, clean_db: Any, migrate_db_for: Any) -> None:
    """A clean database with the harvest and search tables (the plugins must be loaded)."""
    migrate_db_for("harvest")
    # The copies table outlives clean_db; its rows would point at deleted datasets.
    model.Session.execute(sa.text("DROP TABLE IF EXISTS opengov_federation_dedup"))
    model.Session.commit()


class Harvest:
    def __init__(self, portal: Portal, **config: Any) -> None:
        self.org = factories.Organization()
        self.source = HarvestSourceObj(
            url=portal.url, source_type="opengov_federation", owner_org=self.org["id"],
            config=json.dumps({"platform": "ckan", "source_name": "yukon", **config}))
        self.harvester = FederationHarvester()

    def run(self) -> tuple[dict[str, Any], dict[str, int], Any]:
        job = HarvestJobObj(source=self.source, run=False)
        results = run_harvest_job(job, self.harvester)
        model.Session.remove()
        return results, job_counts(job.id), job

    def dataset(self, n: int) -> dict[str, Any]:
        return helpers.call_action("package_show", id=local_id(self.source.id,
                                                                P.ckan_package(n)["id"]))


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset.get("extras") or []}


def test_create_skip_update(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = Harvest(portal, force_all=True)
    _, counts, _ = harvest.run()
    assert counts["added"] == 3 and counts["errored"] == 0
    first = harvest.dataset(1)
    remote_id = P.ckan_package(1)["id"]
    assert first["id"] != remote_id and first["name"].startswith("yukon-road-traffic-counts-1-")
    assert first["owner_org"] == harvest.org["id"] and first["title"] == "Road traffic counts 1"
    provenance = extras(first)
    assert provenance["federation_remote_id"] == remote_id
    assert provenance["federation_platform"] == "ckan"
    assert provenance["federation_remote_url"] == f"{portal.url}/dataset/road-counts-1"
    assert json.loads(provenance["federation_published"])["licence"] == "OGL-Yukon-2.0"

    _, counts, _ = harvest.run()
    assert counts["unchanged"] == 3 and counts["added"] == counts["updated"] == 0
    assert harvest.dataset(1)["metadata_modified"] == first["metadata_modified"]

    fake.packages[1] = P.ckan_package(2, title="Renamed upstream",
                                      modified="2027-01-01T00:00:00.000000")
    _, counts, _ = harvest.run()
    assert counts["updated"] == 1 and counts["unchanged"] == 2
    renamed = harvest.dataset(2)
    assert renamed["title"] == "Renamed upstream"
    assert renamed["name"].startswith("yukon-road-traffic-counts-2-")  # the name stays


def test_withdraw_then_delete_after_grace(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = Harvest(portal, grace_days=0, force_all=True)
    harvest.run()
    fake.packages.pop()  # number 3 disappears upstream
    _, counts, _ = harvest.run()
    assert counts["withdrawn"] == 1
    hidden = harvest.dataset(3)
    assert hidden["private"] is True and "federation_withdrawn_at" in extras(hidden)
    assert hidden["state"] == "active"
    _, counts, _ = harvest.run()
    assert counts["deleted"] == 1
    assert harvest.dataset(3)["state"] == "deleted"
    _, counts, _ = harvest.run()  # nothing more to do
    assert counts["deleted"] == counts["withdrawn"] == 0 and counts["unchanged"] == 2


def test_withdrawn_dataset_comes_back(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = Harvest(portal, force_all=True)
    harvest.run()
    removed = fake.packages.pop()
    harvest.run()
    assert harvest.dataset(3)["private"] is True
    fake.packages.append(removed)
    _, counts, _ = harvest.run()
    back = harvest.dataset(3)
    assert back["private"] is False and "federation_withdrawn_at" not in extras(back)
    assert counts["updated"] == 1


def test_incremental_run_still_sees_deletions(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = Harvest(portal)
    harvest.run()
    fake.packages.pop(0)
    fake.packages[0] = P.ckan_package(2, title="Changed", modified="2099-01-01T00:00:00.000000")
    _, counts, _ = harvest.run()
    # Only the changed record is read; the third is neither read nor touched.
    assert counts["updated"] == 1 and counts["unchanged"] == 0 and counts["added"] == 0
    searches = portal.hits("/api/3/action/package_search")
    assert any("metadata_modified:[" in r.query.get("fq", "") for r in searches)
    assert any(r.query.get("fl") == "id" for r in searches)
    assert counts["withdrawn"] == 1


def test_a_new_mapping_table_reaches_records_an_incremental_run_would_skip(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in (1, 2)])
    harvest = Harvest(portal)
    harvest.run()
    _, counts, _ = harvest.run()
    assert counts["updated"] == counts["unchanged"] == 0  # incremental: nothing was read
    # An upgrade brings new mapping tables: the next run reads and maps every record.
    monkeypatch.setattr(harvester, "mapping_version", lambda: "tables of the next release")
    _, counts, _ = harvest.run()
    assert counts["updated"] == 2
    _, counts, _ = harvest.run()
    assert counts["updated"] == counts["unchanged"] == 0  # incremental again


@pytest.mark.ckan_config("ckanext.opengov.federation.max_records", "2")
def test_site_record_cap_withdraws_nothing(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in range(1, 4)])
    harvest = Harvest(portal, force_all=True)
    _, counts, _ = harvest.run()
    assert counts["added"] == 2
    fake.packages.pop(0)
    _, counts, _ = harvest.run()
    assert counts["withdrawn"] == 0


def test_failed_gather_withdraws_nothing(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in range(1, 5)])
    harvest = Harvest(portal, page_size=2, force_all=True)
    harvest.run()
    fake.packages[0] = P.ckan_package(1, title="Changed", modified="2027-01-01")
    original = portal.routes["/api/3/action/package_search"]
    portal.route("/api/3/action/package_search",
                 lambda r: Reply(500) if r.query.get("start") == "2" else original(r))
    _, counts, job = harvest.run()
    assert counts["withdrawn"] == 0 and counts["updated"] == 1  # what was read is kept
    errors = model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id).all()
    assert len(errors) == 1 and "HTTP 500" in errors[0].message
    assert "package_search" in errors[0].message
    for n in (3, 4):
        assert harvest.dataset(n)["private"] is False


def test_far_fewer_records_withdraws_nothing(portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in range(1, 5)])
    harvest = Harvest(portal, force_all=True)
    harvest.run()
    fake.packages = fake.packages[:1]
    _, counts, job = harvest.run()
    assert counts["withdrawn"] == 0
    (error,) = model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id).all()
    assert "far fewer" in error.message


def test_record_errors_are_reported_with_their_link(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(1), P.ckan_package(2, title="", notes="")])
    harvest = Harvest(portal)
    _, counts, job = harvest.run()
    assert counts["added"] == 1 and counts["errored"] == 1
    obj = (model.Session.query(HarvestObject)
           .filter_by(harvest_job_id=job.id, report_status="errored").one())
    assert f"{portal.url}/dataset/road-counts-2" in obj.errors[0].message
    assert harvest.harvester.get_original_url(obj.id) == f"{portal.url}/dataset/road-counts-2"


def test_two_sources_with_the_same_remote_ids_do_not_collide(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(1)])
    first = Harvest(portal)
    first.run()
    other = Portal()
    other.thread.start()
    try:
        FakeCkan(other, [P.ckan_package(1)])
        second = Harvest(other)
        second.run()
        assert first.dataset(1)["id"] != second.dataset(1)["id"]
    finally:
        other.server.shutdown()
        other.server.server_close()


def test_config_validation() -> None:
    harvester = FederationHarvester()
    assert json.loads(harvester.validate_config('{"platform": "socrata"}'))["platform"] == \
        "socrata"
    for bad in ('{"platform": "drupal"}', '{"content_language": "de"}', '{"colour": 1}',
                '[1]', '{"withdraw_min_ratio": 3}'):
        with pytest.raises(ValueError):
            harvester.validate_config(bad)


def test_rdf_profiles_config_validation() -> None:
    harvester = FederationHarvester()
    for good in ('{"profiles": "opengov_dcat_ap_3"}', '{"profiles": "euro_dcat_ap_3"}',
                 '{"profiles": ["euro_dcat_ap_3", "opengov_dcat_ap_3"]}'):
        harvester.validate_config(good)
    with pytest.raises(ValueError, match="Unknown RDF profiles: no_such_profile") as e:
        harvester.validate_config('{"profiles": "opengov_dcat_ap_3 no_such_profile"}')
    assert "opengov_dcat_ap_3" in str(e.value)  # the message lists the installed ones
    for bad in ('{"profiles": 3}', '{"profiles": "  "}', '{"profiles": [1]}'):
        with pytest.raises(ValueError, match="profile"):
            harvester.validate_config(bad)


def test_whole_catalogue_feed_uses_conditional_get(portal: Portal) -> None:
    item = "23f48820904b46c38f0d4f2d75c69d23"
    catalog = P.dcat_us_catalog([P.hub_dataset(item, 0, "Park boundaries"),
                                 P.hub_dataset(item, 1, "Park trails")])

    def feed(request: Any) -> Reply:
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(body=catalog, headers={"ETag": '"v1"'})

    portal.route("/api/feed/dcat-us/1.1.json", feed)
    harvest = Harvest(portal, platform="auto", source_name="ottawa")
    _, counts, _ = harvest.run()
    assert counts["added"] == 2
    hub = helpers.call_action("package_show", id=local_id(harvest.source.id, f"{item}_1"))
    assert extras(hub)["federation_platform"] == "arcgis_hub"
    _, counts, _ = harvest.run()
    assert counts == dict.fromkeys(counts, 0)  # 304: nothing read, nothing withdrawn
    assert portal.hits("/api/feed/dcat-us/1.1.json")[-1].headers["If-None-Match"] == '"v1"'
    assert helpers.call_action("package_show", id=hub["id"])["private"] is False


def test_changed_source_settings_map_records_again(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(1)])
    harvest = Harvest(portal, force_all=True)
    harvest.run()
    assert harvest.dataset(1)["title"] == "Road traffic counts 1"
    source = model.Session.merge(harvest.source)
    source.config = json.dumps({"platform": "ckan", "source_name": "yukon", "force_all": True,
                                "content_language": "fr"})
    source.save()
    _, counts, _ = harvest.run()
    assert counts["updated"] == 1  # same remote record, mapped with the new language


def test_dcat_rdf_source_profiles(portal: Portal) -> None:
    """A DCAT-AP RDF source read with the suite's profile, then with the one its config names."""
    portal.route("/", Reply(body=P.TURTLE_PREFIXES
                            + P.turtle_dataset(1, title_fr="Pistes cyclables 1"),
                            headers={"Content-Type": "text/turtle"}))
    harvest = Harvest(portal, platform="dcat_rdf", source_name="ville", content_language="fr")
    _, counts, _ = harvest.run()
    assert counts["added"] == 1 and counts["errored"] == 0
    dataset_id = local_id(harvest.source.id, "https://donnees.ville.example/dataset/1")
    first = helpers.call_action("package_show", id=dataset_id)
    assert first["title"] == "Bike paths 1"
    assert extras(first)["federation_platform"] == "dcat_rdf"
    published = json.loads(extras(first)["federation_published"])
    _, counts, _ = harvest.run()
    assert counts["unchanged"] == 1
    source = model.Session.merge(harvest.source)
    source.config = json.dumps({"platform": "dcat_rdf", "source_name": "ville",
                                "content_language": "fr", "profiles": "euro_dcat_ap_3"})
    source.save()
    _, counts, _ = harvest.run()
    assert counts["updated"] == 1  # the other profile reads the record differently
    second = helpers.call_action("package_show", id=dataset_id)
    # euro_dcat_ap_3 keeps one title, untagged (so taken as the source's French), and
    # the file-type URI where the suite's profile reads the vocabulary code.
    assert second["title"] in ("Bike paths 1", "Pistes cyclables 1")
    assert published["formats"] == ["CSV"]
    assert json.loads(extras(second)["federation_published"])["formats"] == [
        "http://publications.europa.eu/resource/authority/file-type/CSV"]


def test_dataset_deleted_here_is_imported_again(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(1)])
    harvest = Harvest(portal, force_all=True)
    harvest.run()
    helpers.call_action("package_delete", id=harvest.dataset(1)["id"])
    _, counts, _ = harvest.run()
    assert counts["updated"] == 1 and harvest.dataset(1)["state"] == "active"
