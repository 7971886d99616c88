"""One dataset published on several portals: real harvests of two loopback CKAN portals
(Montréal's own, and Données Québec which republishes it) plus a local copy, grouped at
index time and shown once by the federated search, with paging and counts over datasets."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from ckan import model
from ckan.tests import factories, helpers
from ckanext.harvest.tests.factories import HarvestJobObj, HarvestSourceObj
from ckanext.harvest.tests.lib import run_harvest_job

from ckanext.opengov.federation import duplicates
from ckanext.opengov.federation.harvester import FederationHarvester, job_counts
from ckanext.opengov.federation.mapping import local_id

from . import payloads as P
from .conftest import Portal
from .test_adapters import FakeCkan
from .test_harvester import harvest_db  # noqa: F401  (fixture)
from .test_schema_import import PLUGINS, errors_of
from .test_search import require_engine_finds

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "harvest_db", "fresh_licences", "clean_index"),
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
    pytest.mark.ckan_config("ckanext.opengov.http.rate_limit", "0"),
    pytest.mark.ckan_config("ckanext.opengov.http.backoff_base", "0.01"),
    pytest.mark.ckan_config("ckanext.opengov.http.max_retries", "1"),
]

CITY = {"name": "ville", "title": "Ville de Montréal"}
MTQ = {"name": "mtq", "title": "Ministère des Transports du Québec"}


def package(n: int, title: str, file_url: str, org: dict[str, str], **extra: Any
            ) -> dict[str, Any]:
    pkg = P.ckan_package(n, title=title, notes=f"{title}.", organization=org,
                         tags=[{"name": "donnees"}], **extra)
    pkg["resources"] = [{"id": f"r-{n}", "name": "Données (CSV)", "format": "CSV",
                         "url": file_url}]
    return pkg


MONTREAL = [
    package(1, "Pistes cyclables", "https://donnees.montreal.ca/f/pistes.csv", CITY),
    package(2, "Arbres publics", "https://donnees.montreal.ca/f/arbres.csv", CITY),
    package(3, "Collectes des matières résiduelles", "https://donnees.montreal.ca/f/c.csv",
            CITY),
    # Same title and publisher as number 1, same portal: another dataset, not a copy.
    package(4, "Pistes cyclables", "https://donnees.montreal.ca/f/pistes-2019.csv", CITY),
]
QUEBEC = [
    # Harvested from Montréal by ckanext-harvest: the CKAN id is carried over.
    package(1, "Pistes cyclables (Montréal)", "https://www.donneesquebec.ca/f/pistes.csv",
            CITY, name="pistes-cyclables-montreal"),
    # The same data file, behind another address spelling.
    package(12, "Inventaire des arbres publics", "http://www.donnees.montreal.ca/f/arbres.csv/",
            CITY),
    # Nothing shared but the title and the publisher.
    package(13, "Collectes des matières résiduelles", "https://www.donneesquebec.ca/f/c.csv",
            CITY),
    package(14, "Débits de circulation", "https://transports.quebec/f/debits.csv", MTQ),
    package(15, "Travaux routiers", "https://transports.quebec/f/travaux.csv", MTQ),
]


@pytest.fixture
def second_portal() -> Iterator[Portal]:
    with Portal() as server:
        yield server


class Source:
    def __init__(self, portal: Portal, org: dict[str, Any], name: str, level: str) -> None:
        self.source = HarvestSourceObj(
            url=portal.url, source_type="opengov_federation", owner_org=org["id"],
            config=json.dumps({"platform": "ckan", "source_name": name, "force_all": True,
                               "content_language": "fr", "jurisdiction": level,
                               "default_licence": "ca-ogl-lgo"}))

    def run(self) -> dict[str, int]:
        job = HarvestJobObj(source=self.source, run=False)
        run_harvest_job(job, FederationHarvester())
        counts = job_counts(job.id)
        assert counts["errored"] == 0, errors_of(job)
        model.Session.remove()
        return counts

    def id_of(self, n: int) -> str:
        return local_id(self.source.id, P.ckan_package(n)["id"])


def org(context: dict[str, Any], name: str, title: str, level: str, province: str
        ) -> dict[str, Any]:
    return helpers.call_action("organization_create", context=dict(context), name=name,
                               title_translated={"en": title, "fr": title},
                               level_of_government=level, province=province)


@pytest.fixture
def federation(portal: Portal, second_portal: Portal) -> dict[str, Any]:
    user = factories.Sysadmin()
    context = {"user": user["name"]}
    montreal_org = org(context, "montreal", "Montréal", "municipal", "24")
    quebec_org = org(context, "quebec", "Québec", "provincial", "24")
    canada_org = org(context, "canada", "Canada", "federal", "01")
    FakeCkan(portal, [dict(p) for p in MONTREAL])
    FakeCkan(second_portal, [dict(p) for p in QUEBEC])
    montreal = Source(portal, montreal_org, "montreal", "municipal")
    quebec = Source(second_portal, quebec_org, "donnees-quebec", "provincial")
    # The province's copies arrive first: the city's, harvested later, must take over.
    assert quebec.run()["added"] == 5
    assert montreal.run()["added"] == 4
    local = helpers.call_action(
        "package_create", context=dict(context), name="debits-federal",
        owner_org=canada_org["id"],
        title_translated={"en": "Traffic flows (Québec)", "fr": "Débits de circulation (Québec)"},
        notes_translated={"en": "Republished.", "fr": "Republié."},
        keywords={"en": ["traffic"], "fr": ["circulation"]}, jurisdiction="federal",
        subject=["transport"], frequency="P1Y", date_published="2024-01-01",
        license_id="ca-ogl-lgo", restrictions="unrestricted",
        maintainer_email="open@canada.example.ca",
        resources=[{"url": "https://transports.quebec/f/debits.csv", "format": "CSV",
                    "name_translated": {"en": "Flows", "fr": "Débits"},
                    "resource_type": "dataset", "language": ["fr"]}])
    require_engine_finds(10)
    return {"montreal": montreal, "quebec": quebec, "local": local,
            "urls": {"montreal": portal.url, "quebec": second_portal.url}}


def search(**kw: Any) -> dict[str, Any]:
    return helpers.call_action("opengov_federation_search", context={"user": ""}, **kw)


def by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in result["results"]}


def test_one_record_per_dataset_preferring_the_originating_jurisdiction(
        federation: dict[str, Any]) -> None:
    mtl, qc = federation["montreal"], federation["quebec"]
    result = search(rows=20)
    # 10 records, 6 datasets: three Montréal datasets republished by Québec, one Québec
    # dataset republished here (federal), and Montréal's two "Pistes cyclables" kept apart.
    assert result["count"] == 6 and len(result["results"]) == 6
    shown = by_id(result)
    assert set(shown) == {mtl.id_of(1), mtl.id_of(2), mtl.id_of(3), mtl.id_of(4),
                          qc.id_of(14), qc.id_of(15)}
    links = {pid: [c["name"] for c in r["opengov_federation"]["also_published_at"]]
             for pid, r in shown.items()}
    names = {n: helpers.call_action("package_show", id=qc.id_of(n))["name"]
             for n in (1, 12, 13)}
    assert links[mtl.id_of(1)] == [names[1]]       # the CKAN id carried over
    assert links[mtl.id_of(2)] == [names[12]]      # the same data file
    assert links[mtl.id_of(3)] == [names[13]]      # title and publisher
    assert links[mtl.id_of(4)] == []
    assert links[qc.id_of(14)] == ["debits-federal"]  # the province's own, over the federal
    copy = shown[mtl.id_of(1)]["opengov_federation"]["also_published_at"][0]
    assert copy["url"] == f"{federation['urls']['quebec']}/dataset/pistes-cyclables-montreal"
    assert copy["jurisdiction"] == "Québec"
    assert result["collapsed"] == 4
    facets = {f["name"]: {i["name"]: i["count"] for i in f["items"]} for f in result["facets"]}
    assert facets["organization"] == {"montreal": 4, "quebec": 2}
    assert facets["federation_origin"] == {"harvested": 6}

    raw = search(rows=20, collapse=False)
    assert raw["count"] == 10 and raw["collapsed"] == 0


def test_paging_counts_datasets_not_copies(federation: dict[str, Any]) -> None:
    seen: list[str] = []
    for start in (0, 2, 4, 6):
        page = search(rows=2, start=start, sort="name asc")
        assert page["count"] == 6
        seen += [r["id"] for r in page["results"]]
    assert len(seen) == 6 and len(set(seen)) == 6


def test_a_copy_stands_in_when_the_query_leaves_out_the_preferred_one(
        federation: dict[str, Any]) -> None:
    mtl, qc = federation["montreal"], federation["quebec"]
    words = search(q="Inventaire")
    assert [r["id"] for r in words["results"]] == [qc.id_of(12)]
    assert [c["name"] for c in words["results"][0]["opengov_federation"]["also_published_at"]
            ] == [helpers.call_action("package_show", id=mtl.id_of(2))["name"]]
    province = search(filters={"organization": ["quebec"]}, rows=20)
    assert province["count"] == 5
    assert set(by_id(province)) == {qc.id_of(n) for n in (1, 12, 13, 14, 15)}
    federal = search(filters={"federation_level": ["federal"]})
    assert [r["name"] for r in federal["results"]] == ["debits-federal"]


def test_deleting_the_preferred_copy_promotes_another(federation: dict[str, Any],
                                                      app: Any) -> None:
    mtl, qc = federation["montreal"], federation["quebec"]
    helpers.call_action("package_delete", id=mtl.id_of(1))
    result = search(rows=20)
    assert result["count"] == 6
    shown = by_id(result)
    assert qc.id_of(1) in shown and mtl.id_of(1) not in shown
    assert shown[qc.id_of(1)]["opengov_federation"]["also_published_at"] == []
    # A withdrawn (hidden) copy gives way the same way.
    helpers.call_action("package_patch", id=mtl.id_of(2), private=True)
    assert qc.id_of(12) in by_id(search(rows=20))
    english = app.get("/federation").body
    assert "6 datasets found" in english and "Also published at:" in english
    french = app.get("/fr/federation").body
    assert "Aussi publié sur :" in french and "6 jeux de données trouvés" in french


def test_group_fields_are_in_the_search_documents(federation: dict[str, Any]) -> None:
    mtl, qc = federation["montreal"], federation["quebec"]
    copies = duplicates.copies_of([mtl.id_of(1), qc.id_of(15)])
    assert copies == {mtl.id_of(1): [qc.id_of(1)], qc.id_of(15): []}
    # The group keeps the key it had before the city's copy joined it.
    found = helpers.call_action(
        "package_search", fq=f'{duplicates.GROUP_FIELD}:"{qc.id_of(13)}"', fl="id")
    assert {r["id"] for r in found["results"]} == {mtl.id_of(3), qc.id_of(13)}
    secondary = helpers.call_action("package_search", fq=f"{duplicates.PRIMARY_FIELD}:false",
                                    fl="id", rows=20)
    assert {r["id"] for r in secondary["results"]} == {qc.id_of(1), qc.id_of(12),
                                                       qc.id_of(13),
                                                       federation["local"]["id"]}


def test_facet_labels_follow_the_page_language(federation: dict[str, Any], app: Any) -> None:
    facets = {f["name"]: f for f in search()["facets"]}
    province = {i["name"]: i["display_name"] for i in facets["federation_province"]["items"]}
    assert province == {"24": "Quebec"}
    assert facets["federation_province"]["label"] == "Province or territory"
    english = app.get("/federation").body
    assert '<span class="item-label">Quebec</span>' in english
    assert '<span class="item-label">Municipal</span>' in english
    french = app.get("/fr/federation").body
    assert '<span class="item-label">Québec</span>' in french


def test_a_key_on_more_than_max_key_uses_datasets_identifies_none() -> None:
    duplicates.ensure_table()
    shared, own = "uri:example.ca/contact", "uri:example.ca/data/1"

    def add(n: int) -> None:
        model.Session.execute(duplicates.sa.text(
            f"INSERT INTO {duplicates.TABLE} VALUES (:id, :origin, CAST(:keys AS text[]), "
            "'r', true, :id, true)"), {"id": f"p{n}", "origin": f"o{n}", "keys": [shared]})

    for n in range(duplicates.MAX_KEY_USES):
        add(n)
    assert duplicates._usable_keys([shared, own]) == [shared, own]
    add(duplicates.MAX_KEY_USES)
    assert duplicates._usable_keys([shared, own]) == [own]
    model.Session.rollback()
