"""Job reports where an administrator looks: counts by outcome on ckanext-harvest's job and
source admin pages (en and fr), and the full report as CSV from the web."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from ckan import model
from ckan.tests import factories

from . import payloads as P
from .conftest import Portal
from .test_adapters import FakeCkan
from .test_harvester import Harvest, harvest_db  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "harvest_db"),
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch harvest opengov_federation"),
    pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0"),
    pytest.mark.ckan_config("ckanext.opengov.http.max_retries", "0"),
]


def counts_in(body: str) -> dict[str, str]:
    return dict(re.findall(r'<dd class="col-sm-6" data-count="(\w+)">(\d+)</dd>', body))


def test_job_counts_on_the_job_and_source_pages(app: Any, portal: Portal) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = Harvest(portal, force_all=True, withdraw_min_ratio=0.1)
    harvest.run()
    fake.packages = [P.ckan_package(1), P.ckan_package(2, title="Changed", modified="2027-01-01"),
                     P.ckan_package(4, title="")]
    _, counts, job = harvest.run()
    model.Session.remove()
    source = model.Package.get(harvest.source.id)
    admin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    page = app.get(f"/harvest/{source.name}/job/{job.id}", headers=headers).body
    assert "Records of this job" in page
    assert counts_in(page) == {"added": "0", "updated": "1", "unchanged": "1",
                               "withdrawn": "1", "deleted": "0", "errored": "1"}
    assert counts == {"added": 0, "updated": 1, "unchanged": 1, "withdrawn": 1, "deleted": 0,
                      "errored": 1}
    assert f"/federation/job/{job.id}/report.csv" in page
    french = app.get(f"/fr/harvest/{source.name}/job/{job.id}", headers=headers).body
    assert 'lang="fr"' in french and counts_in(french) == counts_in(page)
    admin_page = app.get(f"/harvest/admin/{source.name}", headers=headers).body
    assert counts_in(admin_page)["withdrawn"] == "1"

    report = app.get(f"/federation/job/{job.id}/report.csv", headers=headers)
    assert report.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.body)))
    assert {r["status"] for r in rows} == {"change", "unchanged", "withdraw", "error"}
    errored = next(r for r in rows if r["status"] == "error")
    assert errored["remote_url"] == f"{portal.url}/dataset/road-counts-4"
    assert app.get(f"/federation/job/{job.id}/report.csv", status=403)


def test_interrupted_run_loses_nothing(portal: Portal) -> None:
    """A job that died after its gather (no fetch, no import): the next run imports all."""
    from ckanext.harvest.tests.factories import HarvestJobObj

    FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    harvest = Harvest(portal, force_all=True)
    job = HarvestJobObj(source=harvest.source, run=False)
    assert len(harvest.harvester.gather_stage(job)) == 3  # ...and the consumer died here
    job.status = "Aborted"  # as `ckan harvester run` does after ckan.harvest.timeout
    job.save()
    model.Session.remove()
    _, counts, _ = harvest.run()
    assert counts["added"] == 3 and counts["withdrawn"] == 0 and counts["errored"] == 0
    _, counts, _ = harvest.run()
    assert counts["unchanged"] == 3
