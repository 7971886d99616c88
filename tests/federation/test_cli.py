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


@pytest.mark.usefixtures("harvest_db")
def test_seed_creates_inactive_sources_once() -> None:
    created = seed_registry(("yukon", "quebec", "quebec-city", "newfoundland-labrador"))
    assert created == {"organizations": 4, "sources": 5}
    sources = helpers.call_action("harvest_source_list", only_active=False)
    assert len(sources) == 5 and {s["frequency"] for s in sources} == {"MANUAL"}
    assert helpers.call_action("harvest_job_list") == []  # nothing scheduled
    yukon = helpers.call_action("harvest_source_show", id="yukon-ckan")
    config = json.loads(yukon["config"])
    assert config["content_language"] == "en" and config["default_licence"] == "ogl-yukon"
    assert yukon["url"] == "https://open.yukon.ca"
    assert seed_registry(("yukon",)) == {"organizations": 0, "sources": 0}


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
