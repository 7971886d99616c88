"""End to end: the real open.canada.ca records harvested into CKAN from a loopback portal."""
from __future__ import annotations

import json
import time
from typing import Any

import pytest
from ckan.tests import helpers

from ckanext.opengov.federation.mapping import local_id

from .conftest import REALDATA, Portal, requires_realdata
from .test_harvester import Harvest, extras, harvest_db  # noqa: F401
from .test_realdata import serve_ckan

pytestmark = [
    requires_realdata,
    pytest.mark.slow,
    pytest.mark.usefixtures("with_plugins", "harvest_db"),
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch harvest opengov_federation"),
    pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0"),
]


def test_open_canada_end_to_end(portal: Portal) -> None:
    packages: list[dict[str, Any]] = [env["result"] for env in json.loads((
        REALDATA / "ckan_api/open.canada.ca/asc-csa__open.canada.ca_package_show_csa-asc_127.json"
    ).read_text(encoding="utf-8"))]
    serve_ckan(portal, packages)
    harvest = Harvest(portal, source_name="canada", content_language="en fr",
                      jurisdiction="federal", force_all=True)
    started = time.perf_counter()
    _, counts, _ = harvest.run()
    first = time.perf_counter() - started
    unique = {p["id"] for p in packages}
    assert counts["added"] == len(unique) and counts["errored"] == 0
    sample = packages[0]
    dataset = helpers.call_action("package_show", id=local_id(harvest.source.id, sample["id"]))
    assert dataset["title"] == sample["title_translated"]["en"]
    assert extras(dataset)["federation_remote_id"] == sample["id"]
    started = time.perf_counter()
    _, counts, _ = harvest.run()
    again = time.perf_counter() - started
    assert counts["unchanged"] == len(unique) and counts["updated"] == 0
    print(f"first harvest {first:.2f}s, unchanged re-harvest {again:.2f}s "
          f"({again / first:.1%}) for {len(unique)} records")
