"""assess(): scoring, MQA equivalence, extension point, and robustness on odd and real data."""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest

from ckanext.opengov.charter import engine
from ckanext.opengov.charter.engine import Finding, assess, finding
from ckanext.opengov.charter.methodology import load

from .helpers import ctx, good_dataset

REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()
requires_realdata = pytest.mark.skipif(not REALDATA.is_dir(),
                                       reason="shared/realdata not available")

ALL_OK = {"status": 200, "checked": "2026-05-30T00:00:00Z"}


def full_ctx(**kwargs: Any) -> engine.Context:
    return ctx(link_result=lambda url: ALL_OK,
               shacl_result=lambda dataset: {"conforms": True}, **kwargs)


def test_complete_dataset_scores_100_and_excellent() -> None:
    result = assess(good_dataset(), full_ctx())
    assert result.score == 100
    assert result.band is not None and result.band.id == "excellent"
    assert result.failing == []
    assert result.coverage == 1.0
    assert all(p.score == 100 for p in result.principles.values())
    assert result.mqa_score == 405
    assert result.mqa_band is not None and result.mqa_band.id == "excellent"


def test_not_assessed_is_excluded_and_reported() -> None:
    result = assess(good_dataset(), ctx())
    assert result.score == 100        # link checks and SHACL not run: not counted against it
    assert result.coverage == pytest.approx(0.82)
    statuses = {r.indicator.id: r.status for r in result.results}
    assert statuses["access_url_works"] == "not_assessed"
    assert statuses["dcat_ap_conformance"] == "not_assessed"
    # MQA earns nothing for what it could not measure
    assert result.mqa_score == 405 - 50 - 30 - 30
    assert set(result.mqa_not_measured) == {"accessUrlStatusCode", "downloadUrlStatusCode",
                                             "dcatApCompliance"}


def test_zero_policy_counts_not_assessed_as_zero() -> None:
    meth = load()
    zero = engine.Methodology(**{**meth.__dict__, "not_assessed": "zero"})
    result = assess(good_dataset(), ctx(methodology=zero))
    assert result.score == 82


def test_gains_rank_fixes_and_add_up() -> None:
    ds = good_dataset()
    del ds["license_id"], ds["license_url"]     # open_licence 8 + licence_known 2
    ds["keywords"] = None                       # discoverability: partial, 1.5 to gain
    result = assess(ds, full_ctx())
    assert result.failing[:2] == ["open_licence", "licence_known"]
    assert "discoverability" in result.failing
    gained = sum(r.gain for r in result.fixes())
    assert result.score == pytest.approx(100 - gained, abs=0.5)
    top = result.fixes()[0]
    assert top.gain == pytest.approx(8.0)
    assert result.principles["accessible_usable"].score == round((35 - 8 - 2 - 1.5) / 35 * 100)
    assert result.mqa_metrics["licenseAvailability"] == 0
    assert result.mqa_metrics["keywordAvailability"] == 0
    assert result.mqa_metrics["categoryAvailability"] == 30


def test_partial_fraction_from_finding_scales_points() -> None:
    ds = good_dataset()
    ds["frequency"] = "P10D"
    ds["modified"] = "2026-05-09T12:00:00Z"
    result = assess(ds, full_ctx())
    fresh = result.result("freshness")
    assert fresh is not None and fresh.points == pytest.approx(8 * 0.7 / 1.5, abs=0.05)


def test_as_dict_is_json_ready() -> None:
    data = assess(good_dataset(), ctx()).as_dict()
    json.dumps(data)
    assert data["methodology_version"] == load().version
    assert {i["id"] for i in data["indicators"]} == {i.id for i in load().level("dataset")}
    assert data["indicators"][0]["evidence"][0]["text"]


# ---------------------------------------------------------------- extension point
def test_registered_check_replaces_builtin_and_failures_are_contained() -> None:
    def strict_licence(dataset: dict, ctx: engine.Context) -> Finding:
        return finding("fail", "Our jurisdiction requires OGL-Example.")

    def broken(dataset: dict, ctx: engine.Context) -> Finding:
        raise RuntimeError("boom")

    engine.register_check("open_licence", strict_licence)
    engine.register_check("contact_point", broken)
    engine.register_check("publisher", lambda d, c: "not a finding")  # type: ignore[arg-type,return-value]
    try:
        result = assess(good_dataset(), full_ctx())
    finally:
        from ckanext.opengov.charter import checks as builtin

        for name in ("open_licence", "contact_point", "publisher"):
            engine.register_check(name, builtin.BUILTIN[name])
    assert result.result("open_licence").status == "fail"  # type: ignore[union-attr]
    contact = result.result("contact_point")
    assert contact is not None and contact.status == "not_assessed" and contact.finding.error
    assert result.result("publisher").finding.error  # type: ignore[union-attr]


def test_indicator_without_installed_check_is_not_assessed() -> None:
    meth = load()
    extra = engine.Indicator(id="local_rule", level="dataset", principle="open_by_default",
                             weight=5, name={"en": "x", "fr": "x"}, checks={"en": "x", "fr": "x"},
                             evidence={"en": "x", "fr": "x"}, fix={"en": "x", "fr": "x"},
                             check="not_installed")
    custom = engine.Methodology(**{**meth.__dict__, "indicators": meth.indicators + (extra,)})
    result = assess(good_dataset(), ctx(methodology=custom))
    assert result.result("local_rule").status == "not_assessed"  # type: ignore[union-attr]
    assert result.score == 100


def test_builtin_checks_come_from_entry_points() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group=engine.ENTRY_POINT_GROUP)}
    from ckanext.opengov.charter.checks import BUILTIN

    assert set(BUILTIN) <= names


# ---------------------------------------------------------------- odd data
ODD_VALUES: list[Any] = [None, "", " ", 0, -1, 3.5, True, False, [], {}, [None], [[]], {"en": None},
                         "null", "{not json", "[1,", {"fr-t-en": 5}, ["a", {"b": None}], 10**30,
                         "x" * 5000, "\x00\x01", "9999-99-99", "2026-02-30", {"start": {}}]


def odd_datasets() -> list[Any]:
    base = good_dataset()
    out: list[Any] = [None, 42, "a string", [], {}, {"resources": None}, {"resources": "x"},
                      {"resources": [None, 1, "r", [], {"url": None, "format": {}}]},
                      {"extras": "nonsense"}, {"extras": [None, {"key": None}, {"key": "k"}]}]
    for key in list(base):
        for value in ODD_VALUES:
            ds = copy.deepcopy(base)
            ds[key] = value
            out.append(ds)
    for key in ("url", "format", "mimetype", "schema", "standard_check", "size", "last_modified",
                "name_translated", "datastore_active", "resource_type"):
        for value in ODD_VALUES:
            ds = copy.deepcopy(base)
            ds["resources"][0][key] = value
            out.append(ds)
    return out


def test_odd_inputs_never_raise_and_never_error() -> None:
    c = full_ctx()
    for ds in odd_datasets():
        result = assess(ds, c)
        errors = [r.indicator.id for r in result.results if r.finding.error]
        assert errors == [], (repr(ds)[:300], errors)
        assert result.score is None or 0 <= result.score <= 100
        assert 0 <= result.mqa_score <= 405
        json.dumps(result.as_dict())


def test_odd_stored_results_never_raise() -> None:
    for value in ODD_VALUES:
        c = ctx(link_result=lambda url, v=value: v, shacl_result=lambda d, v=value: v)
        result = assess(good_dataset(), c)
        assert not [r for r in result.results if r.finding.error], value


def test_empty_dataset_scores_low_not_error() -> None:
    result = assess({}, ctx())
    assert result.score is not None and result.score < 15
    assert result.band is not None and result.band.id == "bad"


def test_thousands_of_resources_are_fast() -> None:
    ds = good_dataset()
    ds["resources"] = [dict(ds["resources"][0], id=f"r{n}", url=f"https://example.ca/{n}.csv")
                       for n in range(5000)]
    started = time.perf_counter()
    result = assess(ds, full_ctx())
    elapsed = time.perf_counter() - started
    assert result.score == 100
    assert elapsed < 5, elapsed


# ---------------------------------------------------------------- real payloads
def _real_packages() -> list[dict]:
    out: list[dict] = []
    folder = REALDATA / "ckan_api"
    for path in sorted(folder.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                item = item.get("result", item)
            if isinstance(item, dict) and "results" in item:
                out += [r for r in item["results"] if isinstance(r, dict)]
            elif isinstance(item, dict):
                out.append(item)
    for path in sorted(folder.rglob("*.jsonl")) + sorted(folder.rglob("*.jl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:200]:
            if line.strip():
                out.append(json.loads(line))
    return out


@requires_realdata
def test_real_catalogue_records_assess_without_errors() -> None:
    packages = _real_packages()
    assert len(packages) > 100
    c = ctx()
    for pkg in packages:
        result = assess(pkg, c)
        assert not [r.indicator.id for r in result.results if r.finding.error], pkg.get("name")


@requires_realdata
def test_open_canada_record_reads_fluent_fields_and_ogl() -> None:
    path = (REALDATA / "ckan_api" / "open.canada.ca"
            / "asc-csa__open.canada.ca_package_show_csa-asc_127.json")
    pkg = json.loads(path.read_text(encoding="utf-8"))[0]["result"]
    result = assess(pkg, ctx())
    statuses = {r.indicator.id: r.status for r in result.results}
    assert statuses["open_licence"] == "pass"
    assert statuses["bilingual_parity"] == "pass"
    assert statuses["contact_point"] == "pass"
    assert statuses["frequency_declared"] == "pass"
