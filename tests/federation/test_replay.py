"""The replay server: each platform's API and paging, read by the real adapters; the demo
portals' commands end to end (organizations, sources, harvest, idempotent re-runs)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from ckanext.opengov.demo import portals as demo_portals
from ckanext.opengov.federation.adapters import (
    ArcgisHubAdapter,
    CkanAdapter,
    FeedState,
    OdsAdapter,
    SocrataAdapter,
    Source,
)
from ckanext.opengov.federation.replay import ReplayPortal, ReplayServer, serving
from ckanext.opengov.http import PoliteClient

from .test_adapters import run
from .test_harvester import harvest_db  # noqa: F401  (fixture)
from .test_schema_import import PLUGINS


def generated(platform: str, count: int) -> list[dict[str, Any]]:
    records = []
    for n in range(count):
        rid = {"ckan": f"00000000-0000-4000-8000-{n:012d}", "socrata": f"ab{n:02d}-cd{n:02d}",
               "arcgis_hub": f"{n:032x}_0", "opendatasoft": f"da_{n:05d}"}[platform]
        records.append({
            "id": rid, "name": f"dataset-{n}", "title": {"en": f"Dataset {n}",
                                                        "fr": f"Jeu de données {n}"},
            "description": f"Description {n}.", "keywords": ["a", "b"],
            "themes": ["Transportation"], "frequency": "Monthly", "layer": 0,
            "modified": f"2026-01-{1 + n % 28:02d}T00:00:00.000000",
            "issued": "2020-01-01T00:00:00", "publisher": "Someone",
            "resources": [{"name": "Data", "format": "CSV", "url": f"files/d{n}.csv"}],
        })
    return records


@pytest.fixture(scope="module")
def replay() -> Iterator[ReplayServer]:
    portals = [ReplayPortal(prefix=p, platform=p, language="en fr" if p == "ckan" else "en",
                            domain="data.example" if p == "socrata" else None,
                            records=generated(p, 25))
               for p in ("ckan", "socrata", "arcgis_hub", "opendatasoft")]
    with serving(portals) as server:
        yield server


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            body = r.read()
            status, got = r.status, dict(r.headers.items())
    except urllib.error.HTTPError as e:
        body, status, got = e.read(), e.code, dict(e.headers.items())
    if got.get("Content-Type", "").startswith("application/json") and body:
        return status, json.loads(body), got
    return status, body.decode(), got


# ------------------------------------------------------------------------ the wire formats

def test_ckan_action_api(replay: ReplayServer) -> None:
    api = f"{replay.url}/ckan/api/3/action"
    status, page, _ = get(f"{api}/package_search?rows=10&start=20&sort=id%20asc")
    assert status == 200 and page["success"] and page["result"]["count"] == 25
    assert [p["id"][-2:] for p in page["result"]["results"]] == [str(n) for n in range(20, 25)]
    first = page["result"]["results"][0]
    assert first["title_translated"] == {"en": "Dataset 20", "fr": "Jeu de données 20"}
    assert first["resources"][0]["url"] == f"{replay.url}/ckan/files/d20.csv"
    _, since, _ = get(f"{api}/package_search?rows=100&fq=metadata_modified:%5B2026-01-24T00:00:00Z"
                      "%20TO%20*%5D")
    assert since["result"]["count"] == 2  # the 24th and 25th of January
    _, ids, _ = get(f"{api}/package_search?rows=3&fl=id")
    assert all(set(p) == {"id"} for p in ids["result"]["results"])
    _, names, _ = get(f"{api}/package_list")
    assert len(names["result"]) == 25
    _, shown, _ = get(f"{api}/package_show?id=dataset-3")
    assert shown["result"]["name"] == "dataset-3"
    assert get(f"{api}/package_show?id=nope")[0] == 404
    status, landing, _ = get(f"{replay.url}/ckan/dataset/dataset-3")
    assert status == 200 and "Jeu de données 3" in landing and "Dataset 3" in landing


def test_socrata_discovery_api(replay: ReplayServer) -> None:
    _, page, _ = get(f"{replay.url}/api/catalog/v1?domains=data.example&limit=10&offset=20")
    assert page["resultSetSize"] == 25 and len(page["results"]) == 5
    _, scrolled, _ = get(f"{replay.url}/socrata/api/catalog/v1?limit=3&scroll_id=ab05-cd05")
    assert [r["resource"]["id"] for r in scrolled["results"]] == ["ab06-cd06", "ab07-cd07",
                                                                   "ab08-cd08"]
    assert get(f"{replay.url}/api/catalog/v1?domains=elsewhere.example")[1]["results"] == []
    assert get(f"{replay.url}/api/views/ab01-cd01/rows.csv?accessType=DOWNLOAD")[0] == 200
    assert get(f"{replay.url}/socrata/d/ab01-cd01")[0] == 200


def test_hub_feed_conditional_get(replay: ReplayServer) -> None:
    status, feed, headers = get(f"{replay.url}/arcgis_hub/api/feed/dcat-us/1.1.json")
    assert status == 200 and len(feed["dataset"]) == 25 and headers["ETag"]
    assert "sublayer=0" in feed["dataset"][0]["identifier"]
    again = get(f"{replay.url}/arcgis_hub/api/feed/dcat-us/1.1.json",
                {"If-None-Match": headers["ETag"]})
    assert again[0] == 304


def test_ods_explore_api_limits(replay: ReplayServer) -> None:
    base = f"{replay.url}/opendatasoft/api/explore/v2.1/catalog/datasets"
    _, page, _ = get(f"{base}?limit=10&offset=20")
    assert page["total_count"] == 25 and len(page["results"]) == 5
    assert get(f"{base}?limit=101")[0] == 400
    assert get(f"{base}?limit=100&offset=9950")[0] == 400
    assert get(f"{base}/dataset-4")[1]["dataset_uid"] == "da_00004"
    assert get(f"{replay.url}/opendatasoft/explore/dataset/dataset-4/")[0] == 200


# ------------------------------------------------------------------------ the adapters read it

@pytest.mark.parametrize(("adapter", "prefix", "options"), [
    (CkanAdapter, "ckan", {}),
    (SocrataAdapter, "socrata", {"domain": "data.example"}),
    (SocrataAdapter, "socrata", {"domain": "data.example", "paging": "scroll"}),
    (ArcgisHubAdapter, "arcgis_hub", {}),
    (OdsAdapter, "opendatasoft", {}),
])
def test_adapters_page_through_the_replay(replay: ReplayServer, client: PoliteClient,
                                          adapter: Any, prefix: str,
                                          options: dict[str, Any]) -> None:
    source = Source(replay.portal_url(prefix), content_language="en", page_size=7,
                    options=options)
    reader = adapter(source, client)
    records, errors = run(reader)
    assert not errors and reader.complete
    assert len(records) == 25 and len({r.remote_id for r in records}) == 25
    if prefix != "arcgis_hub":  # one whole feed, not pages
        assert reader.pages >= 4
    assert all(r.remote_url.startswith(replay.url) for r in records)


def test_ckan_incremental_run_against_the_replay(replay: ReplayServer,
                                                 client: PoliteClient) -> None:
    from datetime import datetime, timezone

    reader = CkanAdapter(Source(replay.portal_url("ckan"), page_size=10), client)
    records, _ = run(reader, since=datetime(2026, 1, 24, tzinfo=timezone.utc))
    assert len(records) == 2
    assert len(reader.list_remote_ids()) == 25


def test_hub_unchanged_feed_is_not_read_again(replay: ReplayServer,
                                              client: PoliteClient) -> None:
    first = ArcgisHubAdapter(Source(replay.portal_url("arcgis_hub")), client)
    run(first)
    assert first.feed_state is not None
    second = ArcgisHubAdapter(Source(replay.portal_url("arcgis_hub")), client)
    records, _ = run(second, feed_state=FeedState(first.feed_state.etag))
    assert records == [] and second.not_modified


def test_demo_portals_are_sound() -> None:
    loaded = demo_portals.load_portals()
    assert sorted(p.portal.platform for p in loaded) == sorted(
        ["ckan", "ckan", "socrata", "arcgis_hub", "opendatasoft"])
    assert {p.portal.language for p in loaded} >= {"en fr", "fr", "en"}
    for p in loaded:
        assert 6 <= len(p.portal.records) <= 12, p.portal.prefix
    # Records republished by the federal portal point at their original's landing page.
    federal = next(p for p in loaded if p.portal.prefix == "canada")
    assert sum(1 for r in federal.portal.records if r.get("landing_page")) >= 2


# ------------------------------------------------------------------------ the demo commands

@pytest.mark.usefixtures("with_plugins", "harvest_db", "fresh_licences", "with_request_context")
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0")
def test_portals_harvest_is_idempotent(cli: Any) -> None:
    from ckan.tests import helpers

    from ckanext.opengov.cli import opengov

    loaded = demo_portals.load_portals()
    total = sum(len(p.portal.records) for p in loaded)
    with demo_portals.server(loaded, "http://127.0.0.1:0") as replay:
        first = cli.invoke(opengov, ["demo", "portals", "harvest", "--base-url", replay.url])
        assert first.exit_code == 0, first.output
        rows = {line.split()[0]: line.split()[2:] for line in first.output.splitlines()
                if line.startswith("demo-")}
        assert len(rows) == 5
        assert sum(int(r[0]) for r in rows.values()) == total  # every record added
        assert all(r[-1] == "0" for r in rows.values())  # none errored
        sources = helpers.call_action("harvest_source_list", only_active=False)
        assert {s["frequency"] for s in sources} == {"MANUAL"} and len(sources) == 5
        montreal = helpers.call_action("organization_show", id="montreal")
        assert montreal["level_of_government"] == "municipal"

        again = cli.invoke(opengov, ["demo", "portals", "harvest", "--base-url", replay.url])
        assert again.exit_code == 0, again.output
        for line in again.output.splitlines():
            if line.startswith("demo-"):
                added, updated, _unchanged, withdrawn, errored = line.split()[2:]
                assert (added, updated, withdrawn, errored) == ("0", "0", "0", "0"), line
        assert len(helpers.call_action("harvest_source_list", only_active=False)) == 5
    found = helpers.call_action("package_search", q="Réseau cyclable", rows=5)
    assert found["count"] >= 1


def test_portals_serve_refuses_a_busy_port(cli: Any) -> None:
    import socket

    from ckanext.opengov.cli import opengov

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = cli.invoke(opengov, ["demo", "portals", "serve", "--port",
                                      str(busy.getsockname()[1])])
    assert result.exit_code == 1
    assert "Cannot listen on port" in result.output
