"""The site dashboard, the jurisdiction page, the exports, the site summary and export
actions, snapshots and trends; private datasets never show in any of them."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch opengov_charter"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "charter_tables"),
]


@pytest.fixture
def charter_tables(clean_db: Any, migrate_db_for: Any) -> None:
    migrate_db_for("opengov_charter")


@pytest.fixture
def catalogue() -> dict[str, Any]:
    """Two jurisdictions of two levels; a private dataset that fails the open licence."""
    city = factories.Organization(name="city", title="City of Example", extras=[
        {"key": "level_of_government", "value": "municipal"}])
    prov = factories.Organization(name="province", title="Province of Example", extras=[
        {"key": "level_of_government", "value": "federal"}])
    factories.Dataset(owner_org=city["id"], license_id="cc-by", notes="Short")
    factories.Dataset(owner_org=city["id"], license_id="cc-by")
    factories.Dataset(owner_org=prov["id"], license_id="cc-by")
    private = factories.Dataset(owner_org=city["id"], private=True, license_id="other-closed",
                                name="secret-closed")
    member = factories.User()
    call_action("organization_member_create", id=city["id"], username=member["name"],
                role="editor")
    return {"city": city, "prov": prov, "private": private, "member": member,
            "sysadmin": factories.Sysadmin()}


def _headers(user: dict[str, Any] | None) -> dict[str, str]:
    if not user:
        return {}
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _users(catalogue: dict[str, Any]) -> list[dict[str, Any] | None]:
    return [None, catalogue["member"], catalogue["sysadmin"]]


def test_site_summary_counts_public_datasets_only(catalogue: dict[str, Any]) -> None:
    for user in _users(catalogue):
        context = {"user": user["name"] if user else "", "ignore_auth": False}
        data = call_action("opengov_charter_site_summary_show", context)
        assert data["site"]["datasets"] == 3
        assert data["site"]["assessed"] == 3
        assert "open_licence" not in {f["indicator"] for f in data["site"]["fixes"]}
        by_name = {j["name"]: j for j in data["jurisdictions"]}
        assert by_name["city"]["datasets"] == 2 and by_name["city"]["assessed"] == 2
        assert by_name["city"]["level"] == "municipal"
        assert sum(by_name["city"]["bands"].values()) == 2
        assert by_name["province"]["datasets"] == 1
        levels = {lv["level"]: lv for lv in data["levels"]}
        assert levels["municipal"]["datasets"] == 2 and levels["municipal"]["jurisdictions"] == 1
        assert levels["federal"]["datasets"] == 1
        assert data["trend"] == []
        summary = call_action("opengov_charter_jurisdiction_show", context, id="city")
        assert summary["datasets"] == 2
        assert summary["score"]["count"] == 2
        assert "open_licence" not in {f["indicator"] for f in summary["fixes"]}


def test_jurisdiction_figures_match_a_filtered_search(catalogue: dict[str, Any]) -> None:
    """The scoped facet tokens give what reading the jurisdiction's documents gives."""
    from ckanext.opengov.charter import aggregate, report

    meth = report.methodology()
    fast = aggregate.jurisdiction(catalogue["city"]["id"], meth)
    slow = aggregate.summary(f'owner_org:"{catalogue["city"]["id"]}"', meth)
    assert fast == slow


def test_dashboard_in_english_and_french(app: Any, catalogue: dict[str, Any]) -> None:
    body = app.get("/charter").body
    assert "Open Data Charter dashboard" in body
    assert "over 3 public datasets" in body
    assert body.count("<svg") >= 5 and "<title id=" in body and "<desc id=" in body
    assert "Levels of government" in body and "City of Example" in body
    assert "/organization/city/charter" in body
    assert "/charter/export/jurisdictions.csv" in body
    assert "/charter/export/fixes.json" in body
    assert "Open by Default" in body
    assert 'href="/charter"' in body                       # the main navigation entry

    body_fr = app.get("/fr/charter").body
    assert 'lang="fr"' in body_fr
    assert "Ouvertes par défaut" in body_fr and "Fédéral" in body_fr
    assert "<svg" in body_fr and "Open by Default" not in body_fr
    assert "/fr/organization/city/charter" in body_fr


def test_pages_never_show_private_datasets(app: Any, catalogue: dict[str, Any]) -> None:
    for user in _users(catalogue):
        headers = _headers(user)
        body = app.get("/charter", headers=headers).body
        assert "over 3 public datasets" in body
        assert "secret-closed" not in body
        body = app.get("/organization/city/charter", headers=headers).body
        assert "over 2 public datasets" in body
        assert "charter_failing=open_licence" not in body
        rows = list(csv.DictReader(io.StringIO(app.get(
            "/charter/export/jurisdictions.csv", headers=headers).body)))
        assert {r["name"]: r["datasets"] for r in rows} == {"city": "2", "province": "1"}


def test_jurisdiction_page_links_and_sections(app: Any, catalogue: dict[str, Any]) -> None:
    body = app.get("/organization/city/charter").body
    for text in ("Score distribution", "By principle", "Fixes that gain the most points",
                 "How scores moved", "Compare with other jurisdictions"):
        assert text in body, text
    assert "<svg" in body and "<title id=" in body
    assert "sort=charter_score+asc" in body or "sort=charter_score%20asc" in body
    assert "/charter/export/fixes.csv?jurisdiction=city" in body
    assert "/charter\"" in body                            # the dashboard link
    body_fr = app.get("/fr/organization/city/charter").body
    assert "Ouvertes par défaut" in body_fr and "<svg" in body_fr
    assert "/charter" in app.get("/charter/methodology").body


def test_exports_csv_and_json(app: Any, catalogue: dict[str, Any]) -> None:
    response = app.get("/charter/export/principles.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "charset=utf-8" in response.headers["Content-Type"]
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    reader = list(csv.reader(io.StringIO(text)))
    assert reader[0] == ["principle", "number", "name_en", "name_fr", "assessed", "mean",
                         "median"]
    assert reader[1][:4] == ["open_by_default", "1", "Open by Default", "Ouvertes par défaut"]
    assert len(reader) == 7

    data = json.loads(app.get("/charter/export/fixes.json").body)
    assert data["table"] == "fixes" and data["columns"][0] == "indicator"
    assert {"name_en", "name_fr", "fix_en", "fix_fr"} <= set(data["rows"][0])

    levels = list(csv.DictReader(io.StringIO(app.get("/charter/export/levels.csv").body)))
    assert {r["level"]: r["label_fr"] for r in levels} == {"municipal": "Municipal",
                                                           "federal": "Fédéral"}
    dist = list(csv.DictReader(io.StringIO(
        app.get("/charter/export/distribution.csv?jurisdiction=city").body)))
    assert sum(int(r["datasets"]) for r in dist) == 2
    bands = json.loads(app.get("/charter/export/bands.json?jurisdiction=province").body)
    assert sum(r["datasets"] for r in bands["rows"]) == 1
    trend = app.get("/charter/export/trend.csv").body
    assert trend.splitlines()[0].startswith("day,datasets,assessed,mean")

    public = factories.Dataset(owner_org=catalogue["city"]["id"], name="open-one")
    assert "/charter/export/assessment.csv?dataset=open-one" in app.get(
        "/dataset/open-one/charter").body
    rows = list(csv.DictReader(io.StringIO(
        app.get("/charter/export/assessment.csv?dataset=open-one").body)))
    assert len(rows) == 29 and {"indicator", "status", "name_fr", "evidence"} <= set(rows[0])
    assert public["name"] == "open-one"

    app.get("/charter/export/nothing.csv", status=404)
    app.get("/charter/export/jurisdictions.csv?jurisdiction=city", status=400)
    app.get("/charter/export/fixes.csv?jurisdiction=no-such-org", status=404)


def test_dataset_assessment_export_respects_permissions(
        app: Any, catalogue: dict[str, Any]) -> None:
    url = "/charter/export/assessment.json?dataset=secret-closed"
    app.get(url, status=403)
    for user in (catalogue["member"], catalogue["sysadmin"]):
        data = json.loads(app.get(url, headers=_headers(user)).body)
        assert len(data["rows"]) == 29
    with pytest.raises(tk.NotAuthorized):
        call_action("opengov_charter_export", {"user": "", "ignore_auth": False},
                    table="assessment", dataset="secret-closed")


def test_export_action(catalogue: dict[str, Any]) -> None:
    data = call_action("opengov_charter_export", {"user": ""}, table="jurisdictions")
    assert data["columns"][:3] == ["id", "name", "title_en"]
    assert {r["name"] for r in data["rows"]} == {"city", "province"}
    with pytest.raises(tk.ValidationError):
        call_action("opengov_charter_export", {"user": ""}, table="nothing")
    with pytest.raises(tk.ValidationError):
        call_action("opengov_charter_export", {"user": ""}, table="levels", jurisdiction="city")


def _snapshot_rows() -> list[Any]:
    with model.Session.get_bind().connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT day, scope, key, datasets FROM opengov_charter_snapshot "
            "ORDER BY day, scope, key")))


@pytest.mark.usefixtures("with_extended_cli")
def test_snapshot_cli_is_idempotent_per_day_and_feeds_the_trends(
        cli: Any, app: Any, catalogue: dict[str, Any]) -> None:
    for day in ("2026-11-01", "2026-11-02"):
        result = cli.invoke(ckan, ["opengov", "charter", "snapshot", "--date", day])
        assert result.exit_code == 0, result.output
    first = _snapshot_rows()
    # site + 2 levels + 2 jurisdictions, per day
    assert len(first) == 10
    assert {(str(r.day), r.scope, r.datasets) for r in first if r.scope == "site"} == {
        ("2026-11-01", "site", 3), ("2026-11-02", "site", 3)}
    factories.Dataset(owner_org=catalogue["prov"]["id"])
    result = cli.invoke(ckan, ["opengov", "charter", "snapshot", "--date", "2026-11-02"])
    assert result.exit_code == 0, result.output
    again = _snapshot_rows()
    assert len(again) == 10
    assert [r.datasets for r in again if r.scope == "site"] == [3, 4]
    result = cli.invoke(ckan, ["opengov", "charter", "snapshot"])
    assert result.exit_code == 0 and "Charter snapshot of" in result.output
    assert len(_snapshot_rows()) == 15

    data = call_action("opengov_charter_site_summary_show", {"user": ""})
    assert [h["datasets"] for h in data["trend"]][:2] == [3, 4]
    assert data["level_trends"]["federal"][0]["datasets"] == 1
    body = app.get("/charter").body
    assert "Scores over time" in body and "2026-11-01" in body and "<polyline" in body
    body = app.get("/organization/province/charter").body
    assert "Scores over time" in body and "2026-11-02" in body
    trend = list(csv.DictReader(io.StringIO(
        app.get("/charter/export/trend.csv?jurisdiction=province").body)))
    assert [r["datasets"] for r in trend][:2] == ["1", "2"]

    result = cli.invoke(ckan, ["opengov", "charter", "snapshot", "--date", "yesterday"])
    assert result.exit_code != 0


def test_migration_is_applied_by_db_upgrade() -> None:
    from ckan.cli.db import _get_pending_plugins, current_revision

    assert sa.inspect(model.Session.get_bind()).has_table("opengov_charter_snapshot")
    assert current_revision("opengov_charter").endswith("(head)")
    assert "opengov_charter" not in _get_pending_plugins()
