"""Each platform adapter against a real loopback server speaking that platform's format."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from ckanext.dcat.exceptions import RDFProfileException

from ckanext.opengov import http
from ckanext.opengov.federation.adapters import (
    ArcgisHubAdapter,
    CkanAdapter,
    DcatRdfAdapter,
    DcatUsAdapter,
    FeedState,
    OdsAdapter,
    SocrataAdapter,
    Source,
)
from ckanext.opengov.federation.detect import detect_platform
from ckanext.opengov.federation.records import RecordError, RemoteRecord
from ckanext.opengov.http import PoliteClient

from . import payloads as P
from .conftest import Portal, Reply, Request, make_client


def run(adapter: Any, **kwargs: Any) -> tuple[list[RemoteRecord], list[RecordError]]:
    records: list[RemoteRecord] = []
    errors: list[RecordError] = []
    for item in adapter.records(**kwargs):
        (errors if isinstance(item, RecordError) else records).append(item)
    return records, errors


# ------------------------------------------------------------------------------------ CKAN


class FakeCkan:
    """package_search over a list of packages, honouring rows/start/sort and fq on dates."""

    def __init__(self, portal: Portal, packages: list[dict[str, Any]]) -> None:
        self.packages = packages
        self.ignore_start = False
        portal.route("/api/3/action/package_search", self)
        portal.route("/api/3/action/status_show",
                     {"success": True, "result": {"ckan_version": "2.10.4", "site_title": "X"}})

    def __call__(self, request: Request) -> Reply:
        packages = sorted(self.packages, key=lambda p: p["id"])
        fq = request.query.get("fq", "")
        if "metadata_modified:[" in fq:
            since = fq.split("metadata_modified:[", 1)[1].split(" TO", 1)[0]
            packages = [p for p in packages if p["metadata_modified"] + "Z" >= since]
        if request.query.get("fl") == "id":
            packages = [{"id": p["id"]} for p in packages]
        start = 0 if self.ignore_start else int(request.query.get("start", 0))
        return Reply(body=P.ckan_search(packages, start, int(request.query.get("rows", 10))))


def test_ckan_paging_and_normalization(portal: Portal, client: PoliteClient) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in range(5, 0, -1)])
    adapter = CkanAdapter(Source(portal.url, page_size=2), client)
    records, errors = run(adapter)
    assert not errors and adapter.complete and adapter.expected_total == 5
    assert [r.remote_id[-1] for r in records] == ["1", "2", "3", "4", "5"]
    starts = [(q.query["start"], q.query["rows"], q.query["sort"])
              for q in portal.hits("/api/3/action/package_search")]
    assert starts == [("0", "2", "id asc"), ("2", "2", "id asc"), ("4", "2", "id asc")]
    r = records[0]
    assert r.title == {"": "Road traffic counts 1"} and r.content_language == "en"
    assert r.keywords == {"": ["traffic", "roads"]}
    assert r.themes == ["transportation"] and r.frequency == "monthly"
    assert r.licence == "OGL-Yukon-2.0" and r.formats == ["CSV"]
    assert [res.url for res in r.resources] == ["https://files.example.ca/counts-1.csv"]
    assert r.remote_url == f"{portal.url}/dataset/road-counts-1"
    assert r.publisher == "Highways and Public Works"


def test_ckan_bilingual_fluent_fields(portal: Portal, client: PoliteClient) -> None:
    FakeCkan(portal, [P.ckan_package(1, bilingual=True)])
    (record,), _ = run(CkanAdapter(Source(portal.url, content_language="en fr"), client))
    assert record.title == {"en": "Road traffic counts 1", "fr": "Comptages routiers 1"}
    assert record.keywords == {"en": ["traffic"], "fr": ["circulation"]}
    assert record.description["fr"] == "Comptages de véhicules."
    assert "transport" in record.themes and record.frequency == "P1M"
    assert record.contact_email == "open-ouvert@example.gc.ca"


def test_ckan_incremental_and_full_listing(portal: Portal, client: PoliteClient) -> None:
    fake = FakeCkan(portal, [P.ckan_package(1, modified="2026-01-01T00:00:00.000000"),
                             P.ckan_package(2, modified="2026-03-01T00:00:00.000000")])
    adapter = CkanAdapter(Source(portal.url, options={"fq": "organization:highways"}), client)
    records, _ = run(adapter, since=datetime(2026, 2, 1, tzinfo=timezone.utc))
    assert [r.remote_id[-1] for r in records] == ["2"]
    fq = portal.hits("/api/3/action/package_search")[-1].query["fq"]
    assert fq == ("(organization:highways) AND "
                  "(metadata_modified:[2026-02-01T00:00:00.000000Z TO *])")
    fake.packages.pop(0)
    assert adapter.list_remote_ids() == {P.ckan_package(2)["id"]}
    assert portal.hits("/api/3/action/package_search")[-1].query["fl"] == "id"


def test_ckan_changes_and_deletions_between_runs(portal: Portal, client: PoliteClient) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in (1, 2, 3)])
    first = {r.remote_id: r.content_hash() for r in run(CkanAdapter(Source(portal.url),
                                                                    client))[0]}
    fake.packages = [P.ckan_package(1), P.ckan_package(2, title="Renamed", modified="2026-06-01")]
    second = {r.remote_id: r.content_hash() for r in run(CkanAdapter(Source(portal.url),
                                                                     client))[0]}
    ids = [P.ckan_package(n)["id"] for n in (1, 2, 3)]
    assert second[ids[0]] == first[ids[0]]  # unchanged
    assert second[ids[1]] != first[ids[1]]  # changed
    assert set(first) - set(second) == {ids[2]}  # withdrawn upstream


def test_ckan_retries_500_and_429(portal: Portal, client: PoliteClient) -> None:
    fake = FakeCkan(portal, [P.ckan_package(1)])
    calls = {"n": 0}

    def flaky(request: Request) -> Reply:
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(500, {"success": False})
        if calls["n"] == 2:
            return Reply(429, {"error": "slow down"}, headers={"Retry-After": "0"})
        return fake(request)

    portal.route("/api/3/action/package_search", flaky)
    records, _ = run(CkanAdapter(Source(portal.url), client))
    assert len(records) == 1 and calls["n"] == 3


def test_ckan_persistent_500_is_a_gather_error(portal: Portal) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in range(1, 5)])
    original = portal.routes["/api/3/action/package_search"]

    def second_page_fails(request: Request) -> Reply:
        return Reply(503) if request.query.get("start") == "2" else original(request)

    portal.route("/api/3/action/package_search", second_page_fails)
    adapter = CkanAdapter(Source(portal.url, page_size=2), make_client(max_retries=1))
    seen = []
    with pytest.raises(http.RemoteError):
        for item in adapter.records():
            seen.append(item)
    assert len(seen) == 2 and not adapter.complete


@pytest.mark.parametrize("body", [b'{"success": true, "result": {"count": 3, "resul',
                                  b"<html>Maintenance</html>",
                                  b'{"success": false, "error": {"__type": "Search Query Error"}}'])
def test_ckan_malformed_answers(portal: Portal, client: PoliteClient, body: bytes) -> None:
    portal.route("/api/3/action/package_search", Reply(body=body))
    adapter = CkanAdapter(Source(portal.url), client)
    with pytest.raises(http.PayloadError) as e:
        run(adapter)
    assert "/api/3/action/package_search" in e.value.url
    assert not adapter.complete


def test_ckan_truncated_response(portal: Portal) -> None:
    portal.route("/api/3/action/package_search",
                 Reply(body=P.ckan_search([P.ckan_package(1)], 0, 10), truncate_to=40))
    with pytest.raises((http.ConnectionFailed, http.PayloadError)):
        run(CkanAdapter(Source(portal.url), make_client(max_retries=0)))


def test_ckan_bad_record_is_reported_and_run_goes_on(portal: Portal,
                                                     client: PoliteClient) -> None:
    broken = P.ckan_package(2, title="", notes="")
    FakeCkan(portal, [P.ckan_package(1), broken, P.ckan_package(3)])
    adapter = CkanAdapter(Source(portal.url), client)
    records, errors = run(adapter)
    assert len(records) == 2 and adapter.complete
    (error,) = errors
    assert error.remote_url == f"{portal.url}/dataset/road-counts-2"
    assert error.remote_id == broken["id"] and "title" in error.message


def test_ckan_duplicate_ids(portal: Portal, client: PoliteClient) -> None:
    same = P.ckan_package(1)
    changed = P.ckan_package(1, title="Other title")
    changed["id"] = same["id"]
    FakeCkan(portal, [same, dict(same), changed, P.ckan_package(2)])
    records, errors = run(CkanAdapter(Source(portal.url), client))
    assert len(records) == 2
    (error,) = errors
    assert "duplicate identifier" in error.message and error.remote_id == same["id"]


def test_ckan_paging_that_does_not_advance(portal: Portal, client: PoliteClient) -> None:
    fake = FakeCkan(portal, [P.ckan_package(n) for n in range(1, 5)])
    fake.ignore_start = True
    with pytest.raises(http.PayloadError, match="paging does not advance"):
        run(CkanAdapter(Source(portal.url, page_size=2), client))


def test_ckan_redirect_to_private_address(portal: Portal, client: PoliteClient) -> None:
    portal.route("/api/3/action/package_search",
                 Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    adapter = CkanAdapter(Source(portal.url), client)
    with pytest.raises(http.UrlRefused):
        run(adapter)
    assert not adapter.complete


def test_max_records_cap_makes_gather_incomplete(portal: Portal, client: PoliteClient) -> None:
    FakeCkan(portal, [P.ckan_package(n) for n in range(1, 6)])
    adapter = CkanAdapter(Source(portal.url, max_records=3), client)
    records, _ = run(adapter)
    assert len(records) == 3 and not adapter.complete


# ------------------------------------------------------------------------------------ Socrata


def test_socrata_offset_paging(portal: Portal, client: PoliteClient) -> None:
    items = [P.socrata_item(f"abcd-{n:04d}", f"Ward results {n}", geo=n == 2) for n in range(3)]

    def handler(request: Request) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(body=P.socrata_page(items[offset:offset + limit], len(items)))

    portal.route("/api/catalog/v1", handler)
    adapter = SocrataAdapter(Source(portal.url, page_size=2,
                                    options={"domain": "data.city.example"}), client)
    records, errors = run(adapter)
    assert not errors and adapter.complete and len(records) == 3
    assert [h.query["offset"] for h in portal.hits("/api/catalog/v1")] == ["0", "2"]
    assert portal.hits("/api/catalog/v1")[0].query["domains"] == "data.city.example"
    assert "X-App-Token" not in portal.hits("/api/catalog/v1")[0].headers
    r = records[2]
    assert r.remote_id == "abcd-0002" and r.remote_url == "https://data.city.example/d/abcd-0002"
    assert r.formats == ["CSV", "JSON", "GeoJSON"]
    assert r.resources[0].url == f"{portal.url}/api/views/abcd-0002/rows.csv?accessType=DOWNLOAD"
    assert r.frequency == "Monthly" and r.licence == "Open Government Licence - City"
    assert r.themes == ["City Government", "government"]
    assert r.keywords == {"": ["wards", "elections"]}


def test_socrata_scroll_paging(portal: Portal, client: PoliteClient) -> None:
    items = [P.socrata_item(f"abcd-{n:04d}", f"Ward {n}") for n in range(5)]

    def handler(request: Request) -> Reply:
        after = request.query.get("scroll_id")
        rest = [i for i in items if after is None or i["resource"]["id"] > after]
        return Reply(body=P.socrata_page(rest[: int(request.query["limit"])], len(items)))

    portal.route("/api/catalog/v1", handler)
    adapter = SocrataAdapter(Source(portal.url, page_size=2,
                                    options={"paging": "scroll", "app_token": "tok"}), client)
    records, _ = run(adapter)
    assert [r.remote_id for r in records] == [f"abcd-{n:04d}" for n in range(5)]
    assert [h.query.get("scroll_id") for h in portal.hits("/api/catalog/v1")] == [
        None, "abcd-0001", "abcd-0003"]
    assert "offset" not in portal.hits("/api/catalog/v1")[0].query
    assert portal.hits("/api/catalog/v1")[0].headers["X-App-Token"] == "tok"


def test_socrata_counters_do_not_change_the_hash(portal: Portal, client: PoliteClient) -> None:
    item = P.socrata_item("abcd-0001", "Ward 1")
    portal.route("/api/catalog/v1", lambda _r: Reply(body=P.socrata_page([item], 1)))
    first = run(SocrataAdapter(Source(portal.url), client))[0][0].content_hash()
    item["resource"]["download_count"] = 999
    assert run(SocrataAdapter(Source(portal.url), client))[0][0].content_hash() == first


# ------------------------------------------------------------------------ ArcGIS Hub, data.json


def test_hub_identity_and_conditional_get(portal: Portal, client: PoliteClient) -> None:
    item = "23f48820904b46c38f0d4f2d75c69d23"
    catalog = P.dcat_us_catalog([P.hub_dataset(item, 0, "Park boundaries"),
                                 P.hub_dataset(item, 3, "Park trails"),
                                 P.hub_dataset("0123456789abcdef0123456789abcdef", None,
                                               "Parks web map")])

    def feed(request: Request) -> Reply:
        if request.headers.get("If-None-Match") == '"hub-1"':
            return Reply(304)
        return Reply(body=catalog, headers={"ETag": '"hub-1"'})

    portal.route("/api/feed/dcat-us/1.1.json", feed)
    adapter = ArcgisHubAdapter(Source(portal.url), client)
    records, errors = run(adapter)
    assert not errors and adapter.complete
    assert [r.remote_id for r in records] == [f"{item}_0", f"{item}_3",
                                              "0123456789abcdef0123456789abcdef"]
    assert records[2].themes == [] and records[0].themes == ["geospatial"]
    assert records[0].contact_email == "gis@x.ca"
    assert records[0].formats == ["Web Page", "CSV", "GeoJSON"]
    assert adapter.feed_state == FeedState('"hub-1"', None)
    again = ArcgisHubAdapter(Source(portal.url), client)
    assert run(again, feed_state=adapter.feed_state) == ([], [])
    assert again.not_modified and not again.complete


def test_hub_slug_change_keeps_identity(portal: Portal, client: PoliteClient) -> None:
    item = "23f48820904b46c38f0d4f2d75c69d23"
    portal.route("/api/feed/dcat-us/1.1.json",
                 P.dcat_us_catalog([P.hub_dataset(item, 0, "Parks", slug="parks")]))
    first = run(ArcgisHubAdapter(Source(portal.url), client))[0][0]
    portal.route("/api/feed/dcat-us/1.1.json",
                 P.dcat_us_catalog([P.hub_dataset(item, 0, "Parks", slug="parks-2")]))
    second = run(ArcgisHubAdapter(Source(portal.url), client))[0][0]
    assert first.remote_id == second.remote_id == f"{item}_0"


def test_hub_falls_back_to_data_json_and_reports_bad_records(portal: Portal,
                                                             client: PoliteClient) -> None:
    bad = P.hub_dataset("23f48820904b46c38f0d4f2d75c69d23", 0, "Parks")
    bad["identifier"] = "https://example.org/no-item"
    bad["landingPage"] = "https://open.city.example/datasets/city::parks"
    portal.route("/data.json", P.dcat_us_catalog([
        bad, P.hub_dataset("1123456789abcdef0123456789abcdef", 1, "Trees")]))
    adapter = ArcgisHubAdapter(Source(portal.url), client)
    records, errors = run(adapter)
    assert [r.remote_id for r in records] == ["1123456789abcdef0123456789abcdef_1"]
    assert errors[0].remote_url == "https://open.city.example/datasets/city::parks"
    assert [h.path for h in portal.requests] == ["/api/feed/dcat-us/1.1.json", "/data.json"]


def test_data_json_generic(portal: Portal, client: PoliteClient) -> None:
    datasets = [
        {"identifier": "https://data.example.ca/api/views/f6w7-q2d2", "title": "EV population",
         "description": "Electric vehicles.", "keyword": "ev, vehicles",
         "modified": "2025-01-16", "license": "http://opendatacommons.org/licenses/odbl/1.0/",
         "language": ["fr"], "accrualPeriodicity": "R/P1M",
         "landingPage": "https://data.example.ca/d/f6w7-q2d2",
         "distribution": [{"mediaType": "text/csv",
                           "downloadURL": "https://data.example.ca/rows.csv"}]},
        {"title": "No identifier"},
        "not an object",
    ]
    portal.route("/data.json", P.dcat_us_catalog(datasets))
    adapter = DcatUsAdapter(Source(portal.url), client)
    records, errors = run(adapter)
    (r,) = records
    assert r.remote_id == "https://data.example.ca/api/views/f6w7-q2d2"
    assert r.keywords == {"": ["ev", "vehicles"]} and r.formats == ["text/csv"]
    assert r.content_language == "fr" and r.frequency == "R/P1M"
    assert len(errors) == 2 and adapter.complete


def test_data_json_malformed_and_oversized(portal: Portal) -> None:
    portal.route("/data.json", Reply(body=b'{"dataset": [{"identifier": "x", "ti'))
    with pytest.raises(http.PayloadError):
        run(DcatUsAdapter(Source(portal.url), make_client()))
    portal.route("/data.json", P.dcat_us_catalog([P.hub_dataset("a" * 32, 0, "x" * 5000)]))
    with pytest.raises(http.ResponseTooLarge):
        run(DcatUsAdapter(Source(portal.url), make_client(max_response_size=2000)))
    portal.route("/data.json", {"not": "a catalogue"})
    with pytest.raises(http.PayloadError, match="no dataset list"):
        run(DcatUsAdapter(Source(portal.url), make_client()))


# ------------------------------------------------------------------------------- OpenDataSoft


def test_ods_paging_identity_language(portal: Portal, client: PoliteClient) -> None:
    items = [P.ods_dataset(f"street-trees-{n}", f"da_{n:05d}", f"Street trees {n}",
                           language="fr" if n == 1 else "en", geo=n == 2) for n in range(3)]

    def handler(request: Request) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(body=P.ods_page(items[offset:offset + limit], len(items)))

    portal.route("/api/explore/v2.1/catalog/datasets", handler)
    adapter = OdsAdapter(Source(portal.url, page_size=2), client)
    records, errors = run(adapter)
    assert not errors and adapter.complete
    assert [r.remote_id for r in records] == ["da_00000", "da_00001", "da_00002"]
    assert records[1].content_language == "fr" and records[0].content_language == "en"
    assert records[2].formats == ["CSV", "JSON", "XLSX", "GEOJSON", "SHP"]
    assert records[0].resources[0].url == (
        f"{portal.url}/api/explore/v2.1/catalog/datasets/street-trees-0/exports/csv")
    assert records[0].remote_url == f"{portal.url}/explore/dataset/street-trees-0/"
    assert records[0].frequency == "Weekly"


def test_ods_beyond_offset_limit_is_a_gather_error(portal: Portal, client: PoliteClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ckanext.opengov.federation.adapters import ods

    monkeypatch.setattr(ods, "OFFSET_LIMIT", 4)
    items = [P.ods_dataset(f"d{n}", f"da_{n}", f"D {n}") for n in range(6)]

    def handler(request: Request) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(body=P.ods_page(items[offset:offset + limit], len(items)))

    portal.route("/api/explore/v2.1/catalog/datasets", handler)
    adapter = OdsAdapter(Source(portal.url, page_size=2), client)
    seen = []
    with pytest.raises(http.PayloadError, match="more than the 4"):
        for item in adapter.records():
            seen.append(item)
    assert len(seen) == 4 and not adapter.complete


def test_ods_timeout(portal: Portal) -> None:
    portal.route("/api/explore/v2.1/catalog/datasets",
                 Reply(body=P.ods_page([], 0), delay=0.6))
    with pytest.raises(http.RequestTimeout):
        run(OdsAdapter(Source(portal.url), make_client(read_timeout=0.2, max_retries=1)))


# ---------------------------------------------------------------------------------- DCAT RDF


def test_dcat_rdf_hydra_paging_and_languages(portal: Portal, client: PoliteClient) -> None:
    page1 = portal.url + "/catalog.ttl"
    page2 = portal.url + "/catalog.ttl?page=2"

    def handler(request: Request) -> Reply:
        if request.query.get("page") == "2":
            body = P.TURTLE_PREFIXES + P.turtle_dataset(3) + P.hydra_view(page2, None)
        else:
            body = (P.TURTLE_PREFIXES + P.turtle_dataset(1, title_fr="Pistes cyclables 1")
                    + P.turtle_dataset(2) + P.hydra_view(page1, page2))
        return Reply(body=body, headers={"Content-Type": "text/turtle; charset=utf-8"})

    portal.route("/catalog.ttl", handler)
    adapter = DcatRdfAdapter(Source(page1, content_language="fr"), client)
    records, errors = run(adapter)
    assert not errors and adapter.complete and adapter.expected_total == 3
    first = records[0]
    assert first.remote_id == "https://donnees.ville.example/dataset/1"
    assert first.title == {"en": "Bike paths 1", "fr": "Pistes cyclables 1"}
    assert first.keywords == {"fr": ["vélo"], "en": ["bike"]}
    assert first.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert first.frequency.endswith("/MONTHLY")
    assert first.publisher == "Ville d'Exemple" and first.modified == "2026-05-01"
    assert first.resources[0].url == "https://donnees.ville.example/files/pistes-1.csv"
    assert "ds-1" in first.identifiers
    assert len(portal.hits("/catalog.ttl")) == 2


def test_dcat_rdf_profile_per_source(portal: Portal, client: PoliteClient) -> None:
    """The source's profiles decide what is read: the suite's keeps every language."""
    portal.route("/c.ttl", Reply(body=P.TURTLE_PREFIXES
                                 + P.turtle_dataset(1, title_fr="Pistes cyclables 1"),
                                 headers={"Content-Type": "text/turtle"}))
    (ours,), _ = run(DcatRdfAdapter(Source(portal.url + "/c.ttl"), client))
    assert ours.title == {"en": "Bike paths 1", "fr": "Pistes cyclables 1"}
    assert ours.keywords == {"fr": ["vélo"], "en": ["bike"]}
    (eu,), _ = run(DcatRdfAdapter(Source(portal.url + "/c.ttl", profiles="euro_dcat_ap_3"),
                                  client))
    # ckanext-dcat's DCAT-AP 3 profile reads one title and untagged keywords.
    assert len(eu.title) == 1 and list(eu.title) == [""]
    assert eu.keywords == {"": ["bike", "vélo"]}
    assert eu.raw["profiles"] == ["euro_dcat_ap_3"] and ours.raw["profiles"] == [
        "opengov_dcat_ap_3"]
    assert eu.content_hash() != ours.content_hash()
    with pytest.raises(RDFProfileException):
        run(DcatRdfAdapter(Source(portal.url + "/c.ttl", profiles="no_such_profile"), client))


def test_dcat_rdf_relative_iris_resolve_against_the_page(portal: Portal,
                                                         client: PoliteClient) -> None:
    page = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<dataset/%d> a dcat:Dataset ; dct:title "Relative %d"@en .
<> a hydra:PartialCollectionView %s .
"""
    portal.route("/cat/c.ttl", lambda r: Reply(
        body=page % (2, 2, b"") if r.query.get("page") == "2"
        else page % (1, 1, b'; hydra:next <c.ttl?page=2>'),
        headers={"Content-Type": "text/turtle"}))
    records, errors = run(DcatRdfAdapter(Source(portal.url + "/cat/c.ttl"), client))
    assert not errors
    assert [r.remote_id for r in records] == [portal.url + "/cat/dataset/1",
                                              portal.url + "/cat/dataset/2"]


def test_dcat_rdf_hydra_loop_is_a_gather_error(portal: Portal, client: PoliteClient) -> None:
    page = portal.url + "/c.ttl"
    portal.route("/c.ttl", Reply(body=P.TURTLE_PREFIXES + P.turtle_dataset(1)
                                 + P.hydra_view(page, page),
                                 headers={"Content-Type": "text/turtle"}))
    with pytest.raises(http.PayloadError, match="loops"):
        run(DcatRdfAdapter(Source(page), client))


RDF_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://geo.example.ca/ds/1">
    <dct:title xml:lang="fr">Limites municipales</dct:title>
    <dct:title xml:lang="en">Municipal boundaries</dct:title>
  </dcat:Dataset>
  <dcat:Dataset>
    <dct:title>Blank node without identifier</dct:title>
  </dcat:Dataset>
</rdf:RDF>
"""


def test_dcat_rdf_xml(portal: Portal, client: PoliteClient) -> None:
    portal.route("/catalog.rdf", Reply(body=RDF_XML,
                                       headers={"Content-Type": "application/rdf+xml"}))
    records, errors = run(DcatRdfAdapter(Source(portal.url + "/catalog.rdf"), client))
    assert records[0].title == {"fr": "Limites municipales", "en": "Municipal boundaries"}
    (error,) = errors
    assert "no stable id" in error.message


def test_dcat_rdf_entity_expansion_refused(portal: Portal, client: PoliteClient) -> None:
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n' + RDF_XML.split(b"\n", 1)[1]
            .replace(b"Municipal boundaries", b"&b;"))
    portal.route("/bomb.rdf", Reply(body=bomb, headers={"Content-Type": "application/rdf+xml"}))
    with pytest.raises(http.UnsafeXml):
        run(DcatRdfAdapter(Source(portal.url + "/bomb.rdf"), client))


def test_dcat_rdf_truncated_and_remote_context(portal: Portal, client: PoliteClient) -> None:
    portal.route("/cut.rdf", Reply(body=RDF_XML[:300],
                                   headers={"Content-Type": "application/rdf+xml"}))
    with pytest.raises(http.PayloadError):
        run(DcatRdfAdapter(Source(portal.url + "/cut.rdf"), client))
    portal.route("/cut.ttl", Reply(body=P.TURTLE_PREFIXES + P.turtle_dataset(1)[:200],
                                   headers={"Content-Type": "text/turtle"}))
    with pytest.raises(http.PayloadError):
        run(DcatRdfAdapter(Source(portal.url + "/cut.ttl"), client))
    portal.route("/c.jsonld", Reply(body={"@context": "https://example.org/ctx.jsonld",
                                          "@graph": []},
                                    headers={"Content-Type": "application/ld+json"}))
    with pytest.raises(http.PayloadError, match="remote @context"):
        run(DcatRdfAdapter(Source(portal.url + "/c.jsonld"), client))


# ------------------------------------------------------------------------------ detection


def test_detect_platforms(client: PoliteClient) -> None:
    cases = {
        "ckan": ("/api/3/action/status_show",
                 {"success": True, "result": {"ckan_version": "2.11.3"}}),
        "socrata": ("/api/catalog/v1", P.socrata_page([], 0)),
        "opendatasoft": ("/api/explore/v2.1/catalog/datasets", P.ods_page([], 0)),
        "arcgis_hub": ("/api/feed/dcat-us/1.1.json", P.dcat_us_catalog(
            [P.hub_dataset("a" * 32, 0, "x")])),
        "dcat_us": ("/data.json", P.dcat_us_catalog([{"identifier": "x", "title": "y"}])),
    }
    for platform, (path, body) in cases.items():
        server = Portal()
        server.thread.start()
        try:
            server.route(path, body)
            detection = detect_platform(server.url + "/", client)
            assert detection is not None and detection.platform == platform, platform
        finally:
            server.server.shutdown()
            server.server.server_close()


def test_detect_rdf_and_nothing(portal: Portal, client: PoliteClient) -> None:
    portal.route("/", Reply(body=RDF_XML, headers={"Content-Type": "application/rdf+xml"}))
    assert detect_platform(portal.url, client).platform == "dcat_rdf"  # type: ignore[union-attr]
    portal.route("/", Reply(body="<html></html>", headers={"Content-Type": "text/html"}))
    assert detect_platform(portal.url, client) is None


def test_detect_refuses_private_targets() -> None:
    with make_client(allowed_hosts=[]) as c, pytest.raises(http.UrlRefused):
        detect_platform("http://127.0.0.1:9/", c)
