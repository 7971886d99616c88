"""The adapters and the mapper over real catalogue payloads (../shared/realdata), served locally.

The payloads are read from the shared folder at test time and served by a loopback server
as the portal would; nothing of them is copied into the repository.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckanext.opengov.federation.adapters import (
    ArcgisHubAdapter,
    CkanAdapter,
    DcatRdfAdapter,
    DcatUsAdapter,
    OdsAdapter,
    Source,
)
from ckanext.opengov.federation.mapping import MappingContext, map_record
from ckanext.opengov.federation.records import RecordError, RemoteRecord
from ckanext.opengov.http import PayloadError, PoliteClient

from .conftest import REALDATA, Portal, Reply, Request, requires_realdata

pytestmark = requires_realdata
CONTEXT = MappingContext(source_id="real", source_name="real")


def run(adapter: Any) -> tuple[list[RemoteRecord], list[RecordError]]:
    records: list[RemoteRecord] = []
    errors: list[RecordError] = []
    for item in adapter.records():
        (errors if isinstance(item, RecordError) else records).append(item)
    assert adapter.complete
    for r in records:
        data = map_record(r, CONTEXT)
        assert data["title_translated"], r.remote_url
        assert data["id"] != r.remote_id
    return records, errors


def serve_ckan(portal: Portal, packages: list[dict[str, Any]]) -> None:
    def search(request: Request) -> Reply:
        start, rows = int(request.query.get("start", 0)), int(request.query.get("rows", 10))
        ordered = sorted(packages, key=lambda p: str(p.get("id")))
        page = ordered[start:start + rows]
        return Reply(body={"help": "", "success": True,
                           "result": {"count": len(ordered), "results": page}})

    portal.route("/api/3/action/package_search", search)


def read(path: str) -> Any:
    return json.loads((REALDATA / path).read_text(encoding="utf-8"))


def test_open_canada_bilingual_records(portal: Portal, client: PoliteClient) -> None:
    packages = [env["result"] for env in read(
        "ckan_api/open.canada.ca/asc-csa__open.canada.ca_package_show_csa-asc_127.json")]
    packages += [json.loads(line) for line in (
        REALDATA / "ckan_api/open.canada.ca/ckanext-canada__obd_sample_2.jsonl"
    ).read_text(encoding="utf-8").splitlines() if line.strip()]
    serve_ckan(portal, packages)
    records, errors = run(CkanAdapter(Source(portal.url, content_language="en fr",
                                             page_size=50), client))
    assert not errors
    assert len(records) == len({p["id"] for p in packages})
    bilingual = [r for r in records if {"en", "fr"} <= set(r.title)]
    assert len(bilingual) == len(records)
    mapped = [map_record(r, CONTEXT) for r in records]
    assert all(d["license_id"] == "ca-ogl-lgo" for d in mapped if d["federation_published"][
        "licence"] == "ca-ogl-lgo")
    assert sum(1 for d in mapped if d["subject"]) >= len(mapped) * 0.9
    assert all(d["keywords"].keys() <= {"en", "fr"} for d in mapped)


def test_other_ckan_portals(portal: Portal, client: PoliteClient) -> None:
    search = read("ckan_api/other_portals/extracted_datasud__00_package_search.json")
    packages = list(search["result"]["results"])
    for name in ("udata__dkan_hautsdefrance_package_show.json",
                 "datagovuk__package_show_create.json", "datagovuk__package_show_update.json",
                 "datagovuk__package_show_inspire.json"):
        result = read(f"ckan_api/other_portals/{name}")["result"]
        # DKAN wraps package_show results in a list.
        packages.extend(result if isinstance(result, list) else [result])
    packages.append(read("ckan_api/other_portals/datagovuk__legacy_land_registry_dataset.json"))
    serve_ckan(portal, packages)
    records, errors = run(CkanAdapter(Source(portal.url, content_language="fr"), client))
    assert len(records) + len(errors) >= len({p.get("id") for p in packages}) - 1
    assert len(records) >= 10
    gap = next(r for r in records if "Gap" in r.title.get("", ""))
    assert map_record(gap, CONTEXT)["title_translated"].keys() == {"fr"}


def test_arcgis_hub_feed(portal: Portal, client: PoliteClient) -> None:
    body = (REALDATA / "dcat_us/arcgis_hub/datagov-harvester__oakland_county_mi_hub_1record.json"
            ).read_bytes()
    portal.route("/api/feed/dcat-us/1.1.json", Reply(body=body))
    (record,), errors = run(ArcgisHubAdapter(Source(portal.url), client))
    assert not errors and record.remote_id == "99731bb0369848169d98f31ce83fb0e2"
    data = map_record(record, CONTEXT)
    assert "<span" not in data["notes_translated"]["en"]


@pytest.mark.parametrize("name", ["datagov-harvester__opendataphilly_data.json",
                                  "datagov-harvester__cftc_data.json",
                                  "datagov-harvester__usgs_long_description_1record.json"])
def test_data_json_portals(portal: Portal, client: PoliteClient, name: str) -> None:
    body = (REALDATA / "dcat_us/portals" / name).read_bytes()
    portal.route("/data.json", Reply(body=body))
    adapter = DcatUsAdapter(Source(portal.url), client)
    records, errors = run(adapter)
    # Every entry is accounted for: normalized, or reported with its link.
    assert adapter.expected_total == len(records) + len(errors)
    assert len(records) >= 1
    assert all(e.remote_url for e in errors)


@pytest.mark.parametrize(("path", "content_type"), [
    ("dcat_ap/portal_examples/udata__sig.oreme.rdf", "application/rdf+xml"),
    ("opendatasoft/extracted_capatlantique__01_catalog_exports_dcat_1.rdf", "application/rdf+xml"),
])
def test_dcat_ap_rdf_portals(portal: Portal, client: PoliteClient, path: str,
                             content_type: str) -> None:
    portal.route("/catalog", Reply(body=(REALDATA / path).read_bytes(),
                                   headers={"Content-Type": content_type}))
    records, errors = run(DcatRdfAdapter(Source(portal.url + "/catalog", content_language="fr"),
                                         client))
    assert records and not errors
    assert all(map_record(r, CONTEXT)["title_translated"].get("fr") for r in records)


def test_dcat_ap_spec_examples(portal: Portal, client: PoliteClient) -> None:
    files = sorted((REALDATA / "dcat_ap/semic_spec_examples").glob("*.ttl"))
    total = 0
    unreadable = []
    for path in files:
        portal.route("/c.ttl", Reply(body=path.read_bytes(),
                                     headers={"Content-Type": "text/turtle"}))
        try:
            records, errors = run(DcatRdfAdapter(Source(portal.url + "/c.ttl"), client))
        except PayloadError as e:
            # Some published examples are not valid Turtle: a clear gather error is right.
            assert e.url.endswith("/c.ttl")
            unreadable.append(path.name)
            continue
        total += len(records)
        assert all(e.remote_url for e in errors)
    assert total >= 10
    assert len(unreadable) <= len(files) // 4, unreadable


def test_opendatasoft_v21_examples(portal: Portal, client: PoliteClient) -> None:
    spec = read("opendatasoft/spec/ods_explore_api_v2.1_openapi.json")
    page = spec["components"]["examples"]["datasets-v2.1"]["value"]
    portal.route("/api/explore/v2.1/catalog/datasets", lambda r: Reply(
        body={**page, "results": page["results"][int(r.query["offset"]):]}))
    records, errors = run(OdsAdapter(Source(portal.url), client))
    assert records and not errors
    assert all(r.remote_id.startswith("da_") for r in records)


