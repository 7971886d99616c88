"""Recognizing one dataset published on several portals."""
from __future__ import annotations

import dataclasses

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
