"""``ckan opengov federation``: preview, detect, registry, seed and the job report."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.opengov.federation.cli import federation, job_report_rows, seed_registry
from ckanext.opengov.federation.registry import registry

from . import payloads as P
from .conftest import Portal, Reply
from .test_adapters import FakeCkan
from .test_harvester import Harvest, harvest_db  # noqa: F401

pytestmark = [
    pytest.mark.usefixtures("with_plugins"),
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch harvest opengov_federation"),
    pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0"),
    pytest.mark.ckan_config("ckanext.opengov.http.max_retries", "0"),
]


def test_preview_writes_nothing(cli: Any, portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in range(1, 9)])
    result = cli.invoke(federation, ["preview", portal.url, "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.count('"federation_remote_id"') == 2
    assert '"title_translated": {\n    "en": "Road traffic counts 1"' in result.output
    assert len(portal.hits("/api/3/action/package_search")) == 1


def test_detect_and_refusal(cli: Any, portal: Portal) -> None:
    FakeCkan(portal, [])
    result = cli.invoke(federation, ["detect", portal.url])
    assert result.exit_code == 0 and result.output.startswith("ckan ")
    refused = cli.invoke(federation, ["detect", "http://10.0.0.1/"])
    assert refused.exit_code == 1


def test_registry_listing(cli: Any) -> None:
    result = cli.invoke(federation, ["registry"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == sum(len(j.sources) for j in registry())


@pytest.mark.usefixtures("harvest_db", "with_request_context")
def test_seed_creates_inactive_sources_once(cli: Any) -> None:
    from ckanext.harvest.logic import HarvestSourceInactiveError
    from ckanext.harvest.model import HarvestJob
    from ckanext.harvest.utils import run_harvester

    result = cli.invoke(federation, ["seed", "--only", "yukon", "--only", "quebec",
                                     "--only", "quebec-city", "--only",
                                     "newfoundland-labrador"])
    assert result.exit_code == 0, result.output
    assert "4 organizations and 5 harvest sources created, inactive" in result.output
    assert "  yukon-ckan" in result.output
    sources = helpers.call_action("harvest_source_list", only_active=False)
    assert len(sources) == 5 and {s["frequency"] for s in sources} == {"WEEKLY"}
    assert helpers.call_action("harvest_source_list", only_active=True) == []
    yukon = helpers.call_action("harvest_source_show", id="yukon-ckan")
    assert yukon["active"] is False
    config = json.loads(yukon["config"])
    assert config["content_language"] == "en" and config["default_licence"] == "ogl-yukon"
    assert yukon["url"] == "https://open.yukon.ca"
    # Due on their schedule, yet `ckan harvester run` (this function) starts nothing...
    run_harvester()
    assert model.Session.query(HarvestJob).count() == 0
    with pytest.raises(HarvestSourceInactiveError):
        helpers.call_action("harvest_job_create", source_id=yukon["id"])
    # ...until an administrator enables a source.
    enabled = cli.invoke(federation, ["enable", "yukon-ckan"])
    assert enabled.exit_code == 0 and "1 harvest sources enabled" in enabled.output
    assert helpers.call_action("harvest_source_show", id="yukon-ckan")["active"] is True
    run_harvester()
    jobs = model.Session.query(HarvestJob).all()
    assert [job.source_id for job in jobs] == [yukon["id"]]
    assert seed_registry(("yukon",)) == {"organizations": 0, "sources": 0, "names": []}
    assert cli.invoke(federation, ["enable", "nowhere"]).exit_code == 1
    model.Session.remove()


@pytest.mark.usefixtures("harvest_db")
def test_job_report_csv(cli: Any, portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(1), P.ckan_package(2, title="")])
    harvest = Harvest(portal, page_size=1, force_all=True)
    harvest.run()
    fake.packages.append(P.ckan_package(3))
    original = portal.routes["/api/3/action/package_search"]
    portal.route("/api/3/action/package_search",
                 lambda r: Reply(503) if r.query.get("start") == "2" else original(r))
    _, _, job = harvest.run()
    rows = job_report_rows(job.id)
    assert rows[0]["kind"] == "gather" and "HTTP 503" in rows[0]["message"]
    records = [r for r in rows if r["kind"] == "record"]
    assert {r["status"] for r in records} == {"unchanged", "error"}
    errored = next(r for r in records if r["status"] == "error")
    assert errored["remote_url"].endswith("/dataset/road-counts-2")
    result = cli.invoke(federation, ["report", job.id])
    assert result.exit_code == 0, result.output
    parsed = list(csv.DictReader(io.StringIO(result.output)))
    assert len(parsed) == len(rows)
    model.Session.remove()


@pytest.mark.usefixtures("harvest_db", "with_request_context")
def test_harvest_command_reports_progress(cli: Any, portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in range(1, 6)])
    harvest = Harvest(portal, force_all=True)
    name = model.Package.get(harvest.source.id).name
    result = cli.invoke(federation, ["harvest", name, "--every", "2"])
    assert result.exit_code == 0, result.output
    assert "gathered 4 records" in result.output and "5 records read, 5 to import" in result.output
    assert "2/5 imported (40%)" in result.output and "5/5 imported (100%)" in result.output
    assert "added 5, updated 0, unchanged 0, withdrawn 0, deleted 0, errored 0" in result.output
    again = cli.invoke(federation, ["harvest", name])
    assert "unchanged 5" in again.output, again.output
    assert cli.invoke(federation, ["harvest", "nowhere"]).exit_code == 1
    model.Session.remove()
