"""Recognizing one dataset published on several portals."""
from __future__ import annotations

import dataclasses
import json

from ckanext.opengov.federation import dedup
from ckanext.opengov.federation.records import RemoteRecord, RemoteResource


def rec(**kw: object) -> RemoteRecord:
    base = RemoteRecord(remote_id="x", remote_url="https://a/x", platform="ckan",
                        content_language="fr", title={"": "Pistes cyclables"},
                        publisher="Ville de Montréal")
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def test_normalize_url() -> None:
    assert dedup.normalize_url("HTTPS://www.Donnees.Montreal.ca/dataset/velo/?utm_source=x#top") \
        == "donnees.montreal.ca/dataset/velo"
    assert dedup.normalize_url("http://donnees.montreal.ca/dataset/velo") == \
        "donnees.montreal.ca/dataset/velo"
    assert dedup.normalize_url("https://x.ca/a?b=2&a=1") == "x.ca/a?a=1&b=2"
    assert dedup.normalize_url("mailto:a@b.c") is None and dedup.normalize_url("") is None


def test_same_file_on_two_portals_is_a_strong_match() -> None:
    montreal = rec(resources=[RemoteResource(url="https://donnees.montreal.ca/f/velo.csv",
                                             format="CSV")])
    quebec = rec(remote_id="y", title={"": "Réseau cyclable"}, publisher="Montréal",
                 resources=[RemoteResource(url="http://donnees.montreal.ca/f/velo.csv/",
                                           format="CSV")])
    assert dedup.same_dataset(montreal, quebec) == "strong"


def test_shared_uri_or_uuid() -> None:
    a = rec(identifiers=["https://data.example.ca/dataset/abc"])
    b = rec(identifiers=["http://data.example.ca/dataset/abc/"], title={"": "Other"})
    assert dedup.same_dataset(a, b) == "strong"
    uid = "fffcb623-7af9-4b3f-87d3-42852bca293c"
    assert dedup.same_dataset(rec(identifiers=[uid]), rec(identifiers=[uid.upper()],
                                                          title={"": "z"})) == "strong"
    assert dedup.same_dataset(rec(identifiers=["42"]), rec(identifiers=["42"],
                                                           title={"": "z"})) is None


def test_title_and_publisher_is_a_weak_match() -> None:
    assert dedup.same_dataset(rec(), rec(title={"fr": "PISTES  cyclables!"},
                                         publisher="Ville de Montreal")) == "weak"
    assert dedup.same_dataset(rec(), rec(publisher="Ville de Laval")) is None
    assert dedup.same_dataset(rec(publisher=None), rec(publisher=None)) is None


def test_landing_page_links_do_not_count_as_files() -> None:
    page = "https://open.city.example/datasets/parks"
    a = rec(landing_page=None, resources=[RemoteResource(url=page, format="HTML")])
    b = rec(landing_page=None, title={"": "z"}, publisher="p",
            resources=[RemoteResource(url=page, format="Web Page")])
    assert dedup.same_dataset(a, b) is None


def test_originating_jurisdiction_is_preferred() -> None:
    assert dedup.preferred([("qc", "provincial"), ("mtl", "municipal")]) == "mtl"
    assert dedup.preferred([("ca", "federal"), ("ab", "provincial")]) == "ab"


def dataset(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "1f4e0c2a-0000-4000-8000-00000000000a", "title": "Pistes cyclables",
        "organization": {"name": "montreal", "title": "Montréal"}, "resources": []}
    base.update(kw)
    return base


def harvested(publisher: str, remote_id: str = "abc", **kw: object) -> dict[str, object]:
    return dataset(federation_source_id="src", federation_remote_id=remote_id,
                   extras=[{"key": "federation_published",
                            "value": json.dumps({"publisher": publisher})}], **kw)


def test_package_keys() -> None:
    uid = "fffcb623-7af9-4b3f-87d3-42852bca293c"
    keys = dedup.package_keys(harvested(
        "Ville de Montréal", remote_id=uid,
        federation_landing_page="https://donnees.montreal.ca/",  # a home page: no key
        federation_identifiers=[f"https://www.donneesquebec.ca/recherche/dataset/{uid}"],
        resources=[{"url": "https://donnees.montreal.ca/f/velo.csv?utm_source=x",
                    "format": "CSV"},
                   {"url": "https://donnees.montreal.ca/page", "format": "HTML"}]))
    assert f"uuid:{uid}" in keys
    assert f"uri:donneesquebec.ca/recherche/dataset/{uid}" in keys
    assert "file:donnees.montreal.ca/f/velo.csv" in keys
    assert "title:pistes cyclables|ville de montreal" in keys
    assert not {k for k in keys if k.startswith("uri:donnees.montreal.ca")}
    local = dedup.package_keys(dataset())
    assert local == {"uuid:1f4e0c2a-0000-4000-8000-00000000000a",
                     "title:pistes cyclables|montreal"}
    assert dedup.origin(dataset()) == "local" and dedup.origin(harvested("x")) == "src"


def test_package_rank_prefers_the_originating_jurisdiction() -> None:
    others = [("montreal", "City of Montréal", "Ville de Montréal"),
              ("quebec", "Government of Québec", "Gouvernement du Québec")]
    city = dedup.package_rank(harvested("Ville de Montréal"), "municipal", ["Montréal"],
                              others)
    # Données Québec republishing the city's dataset: not the publisher's portal.
    province_copy = dedup.package_rank(harvested("Ville de Montréal"), "provincial",
                                       ["Québec"], others)
    # A department's name is no sign of republishing.
    department = dedup.package_rank(harvested("Service de l'environnement"), "municipal",
                                    ["Montréal"], others)
    local_federal = dedup.package_rank(dataset(), "federal", ["Canada"], others)
    assert city == "001" and department == "001" and province_copy == "121"
    assert local_federal == "030"
    assert sorted([province_copy, local_federal, city]) == [city, local_federal, province_copy]
    assert dedup.publishes_itself("Ministère des Transports du Québec", ["Québec"])
    assert not dedup.publishes_itself("Ville de Laval", ["Québec"])
