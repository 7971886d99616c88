"""Jurisdiction indicators as a pure function of their inputs (no database)."""
from __future__ import annotations

from typing import Any

from ckanext.opengov.charter import publisher
from ckanext.opengov.charter.methodology import load

INV = "https://city.example.ca/inventory.csv"
POLICY = "https://city.example.ca/open-data-policy"
SUMMARY = {"datasets": 10, "assessed": 10, "score": {"count": 10, "median": 70},
           "fixes": [{"indicator": "contact_point", "datasets": 2},
                     {"indicator": "justified_restriction", "datasets": 1},
                     {"indicator": "public_access", "datasets": 4}]}
HVD = {"hvd_budget": {"label": {"en": "Budget"}}, "hvd_contracts": {"label": {"en": "Contracts"}}}


def run(org: dict[str, Any], links: dict[str, Any] | None = None,
        summary: dict[str, Any] | None = None, catalogue: str | None = None) -> dict[str, Any]:
    inputs = publisher.Inputs(organization=org, summary=summary or SUMMARY, links=links or {},
                              hvd_types=HVD, hvd_published=frozenset({"hvd_budget"}),
                              catalogue_url=catalogue)
    result = publisher.assess(inputs, load())
    return {**result, "rows": {r["id"]: r for r in result["indicators"]}}


def test_nothing_declared() -> None:
    out = run({"name": "city"})
    rows = out["rows"]
    assert rows["inventory_published"]["status"] == "fail"
    assert rows["inventory_published"]["evidence_kind"] == "missing"
    assert rows["policy_evidence"]["status"] == "fail"
    assert rows["harvestable_catalogue"]["status"] == "fail"
    assert rows["inventory_coverage"]["status"] == "not_assessed"
    assert rows["dataset_quality"]["points"] == 14.0  # median 70 of 20 points
    assert rows["responsiveness"]["points"] == 4.0  # 8 of 10 datasets
    assert rows["non_release_justified"]["status"] == "partial"  # 1 of 4 restricted unjustified
    assert rows["key_datasets"]["status"] == "partial"
    assert rows["key_datasets"]["details"] == ["Contracts"]
    assert isinstance(out["score"], int) and out["coverage"] == 80


def test_self_declared_then_verified() -> None:
    org = {"name": "city", "extras": [{"key": "data_inventory_url", "value": INV},
                                      {"key": "open_data_policy_url", "value": POLICY},
                                      {"key": "charter_adoption_date", "value": "2023-05-01"}]}
    declared = run(org)["rows"]
    assert declared["inventory_published"]["status"] == "partial"
    assert declared["inventory_published"]["evidence_kind"] == "self_declared"
    assert "not been checked" in declared["inventory_published"]["evidence"][0]
    ok = {"status": 200, "error": None, "login": False}
    verified = run(org, links={INV: ok, POLICY: ok})["rows"]
    assert verified["inventory_published"]["status"] == "pass"
    assert verified["inventory_published"]["evidence_kind"] == "verified"
    # the adoption date can only be declared: the policy evidence stays self-declared
    assert verified["policy_evidence"]["status"] == "pass"
    assert verified["policy_evidence"]["evidence_kind"] == "self_declared"
    walled = run(org, links={INV: {"status": 200, "login": True}})["rows"]
    assert walled["inventory_published"]["status"] == "partial"


def test_catalogue_served_here_is_verified() -> None:
    rows = run({"name": "city"}, catalogue="https://portal.example.ca/catalog.ttl")["rows"]
    assert rows["harvestable_catalogue"]["status"] == "pass"
    assert rows["harvestable_catalogue"]["evidence_kind"] == "verified"


def test_nonsense_never_raises() -> None:
    for org in ({}, {"extras": "nonsense"}, {"data_inventory_url": {"en": 5}},
                {"charter_adoption_date": ["x"], "portal_url": 42}):
        out = run(org, summary={"fixes": "x", "score": "y"})
        assert len(out["rows"]) == 8
        assert out["rows"]["dataset_quality"]["status"] == "not_assessed"
