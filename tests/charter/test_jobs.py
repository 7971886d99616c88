"""Background checks inside CKAN: jobs enqueued on save, run by a real rq worker (CKAN's
``jobs.Worker``, as ``ckan jobs worker --burst`` runs it), results stored, datasets re-indexed;
the recheck command; SHACL; jurisdiction indicators; hostile input.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories
from ckan.tests.helpers import call_action
from federation.conftest import Portal, Reply, Request

from ckanext.opengov.charter import jobs, linkcheck, results, shacl

SHAPES = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata" / "dcat_ap"
          / "semic_shacl" / "3.0.1__shacl__dcat-ap-SHACL.ttl").resolve()
requires_shapes = pytest.mark.skipif(not SHAPES.is_file(),
                                     reason="shared/realdata/dcat_ap not available")

PLUGINS = "opengov_pgsearch opengov_charter"
marks = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
         pytest.mark.ckan_config("ckanext.opengov.charter.linkcheck.allowed_hosts", "127.0.0.1"),
         pytest.mark.ckan_config("ckanext.opengov.charter.linkcheck.rate_limit", "0"),
         pytest.mark.ckan_config("ckanext.opengov.charter.linkcheck.read_timeout", "1"),
         pytest.mark.ckan_config("ckanext.opengov.charter.linkcheck.connect_timeout", "1"),
         pytest.mark.ckan_config("ckanext.opengov.charter.linkcheck.max_retries", "0"),
         pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis", "result_tables")]


def _apply(fn: Any) -> Any:
    for mark in reversed(marks):
        fn = mark(fn)
    return fn


@pytest.fixture
def result_tables(clean_db: Any, migrate_db_for: Any) -> Iterator[None]:
    migrate_db_for("opengov_charter")
    results.forget_tables()
    from ckan.model import meta

    with meta.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE opengov_charter_link, opengov_charter_shacl"))
    yield
    results.forget_tables()


@pytest.fixture
def server() -> Iterator[Portal]:
    with Portal() as portal:
        yield portal


def run_worker() -> None:
    """What `ckan jobs worker --burst` does: a CKAN worker forking a work horse per job."""
    ckan_jobs.Worker().work(burst=True)


def queued() -> list[Any]:
    return ckan_jobs.get_queue().jobs


def indicator(result: dict[str, Any], ind_id: str) -> dict[str, Any]:
    return next(i for i in result["indicators"] if i["id"] == ind_id)


def _hostile_portal(server: Portal) -> None:
    server.route("/ok.csv", Reply(200, "a,b\n", {"Content-Type": "text/csv"}))
    server.route("/login.csv", Reply(302, headers={"Location": "/user/login?came_from=x"}))
    server.route("/user/login", Reply(200, "<form>"))
    server.route("/loop.csv", Reply(302, headers={"Location": "/loop.csv"}))
    server.route("/slow.csv", Reply(200, "late", delay=2))
    server.route("/private.csv", Reply(302, headers={"Location": "http://10.1.2.3/x.csv"}))

    def get_only(request: Request) -> Reply:
        return Reply(405) if request.method == "HEAD" else Reply(200, b"x" * 5_000_000)

    server.route("/huge.csv", get_only)


@_apply
def test_save_enqueues_worker_checks_and_score_follows(server: Portal, app: Any) -> None:
    _hostile_portal(server)
    names = ["ok", "gone", "login", "loop", "slow", "private", "huge"]
    started = time.monotonic()
    pkg = factories.Dataset(license_id="cc-by", url=server.url + "/ok.csv", resources=[
        {"url": f"{server.url}/{n}.csv", "format": "CSV", "name": n} for n in names])
    assert time.monotonic() - started < 2, "the save waited for the link checks"
    assert server.requests == []

    before = call_action("opengov_charter_dataset_show", id=pkg["id"])
    assert indicator(before, "access_url_works")["status"] == "not_assessed"
    assert app.get(f"/dataset/{pkg['id']}/charter").status_code == 200
    assert any(j.func_name.endswith("check_links_job") for j in queued())

    run_worker()

    stored = results.link_results([f"{server.url}/{n}.csv" for n in names])
    by_name = {u.rsplit("/", 1)[1][:-4]: r for u, r in stored.items()}
    assert by_name["ok"]["status"] == 200
    assert by_name["gone"]["status"] == 404
    assert by_name["login"]["login"] is True
    assert by_name["loop"]["error"] == "redirects"
    assert by_name["slow"]["error"] == "timeout"
    assert by_name["private"]["error"] == "refused"
    assert by_name["huge"]["status"] == 200 and by_name["huge"]["method"] == "GET"

    after = call_action("opengov_charter_dataset_show", id=pkg["id"])
    access = indicator(after, "access_url_works")
    assert access["status"] == "partial"
    assert access["evidence"][0]["params"] == {"ok": 3, "checked": 7}
    # why the others failed: one finding per reason
    assert {m["text"]: m["params"]["count"] for m in access["evidence"][1:]} == {
        "{count} answered with an HTTP error.": 1,
        "{count} did not answer in time.": 1,
        "{count} were not checked: a private or local address, or an invalid URL.": 1,
        "{count} redirected too many times (a redirect loop).": 1,
    }
    assert f"{server.url}/gone.csv" in access["items"]
    walled = indicator(after, "no_registration")
    assert walled["status"] == "partial" and walled["items"] == [server.url + "/login.csv"]
    # the worker re-indexed the dataset: its search document shows the finding
    found = call_action("package_search", q="*:*", fq=f'id:"{pkg["id"]}"',
                        fl="id,charter_failing")
    assert "access_url_works" in found["results"][0]["charter_failing"]
    page = app.get(f"/dataset/{pkg['id']}/charter")
    assert page.status_code == 200 and "/loop.csv" in page.body


@_apply
def test_update_checks_only_new_urls(server: Portal) -> None:
    server.route("/a.csv", Reply(200, "a"))
    server.route("/b.csv", Reply(200, "b"))
    pkg = factories.Dataset(resources=[{"url": server.url + "/a.csv", "format": "CSV"}])
    run_worker()
    assert len(server.hits("/a.csv")) == 1
    call_action("package_patch", id=pkg["id"], resources=[
        {"url": server.url + "/a.csv", "format": "CSV"},
        {"url": server.url + "/b.csv", "format": "CSV"}])
    run_worker()
    assert len(server.hits("/a.csv")) == 1 and len(server.hits("/b.csv")) == 1


@_apply
def test_recheck_links_enqueues_old_results(server: Portal, cli: Any) -> None:
    from ckanext.opengov.charter.cli import charter

    server.route("/a.csv", Reply(200, "a"))
    pkg = factories.Dataset(resources=[{"url": server.url + "/a.csv", "format": "CSV"}])
    run_worker()
    assert len(server.hits("/a.csv")) == 1

    result = cli.invoke(charter, ["recheck-links"])
    assert result.exit_code == 0, result.output
    assert "Queued the link checks of 0 datasets" in result.output

    old = results.now() - dt.timedelta(days=30)
    results.save_link({"url": server.url + "/a.csv", "status": 200, "checked": old}, pkg["id"])
    result = cli.invoke(charter, ["recheck-links", "--max-age", "7"])
    assert result.exit_code == 0, result.output
    assert "Queued the link checks of 1 datasets" in result.output
    run_worker()
    assert len(server.hits("/a.csv")) == 2
    fresh = results.link_results([server.url + "/a.csv"])[server.url + "/a.csv"]
    assert dt.datetime.fromisoformat(fresh["checked"]) > old


@_apply
def test_thousands_of_resources(server: Portal, app: Any,
                                ckan_config: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(ckan_config, "ckanext.opengov.charter.linkcheck.batch_size", 1000)
    server.route("/r.csv", Reply(200, "x"))
    server.route("/bad.csv", Reply(500))
    count = 2500
    resources = [{"url": f"{server.url}/{'bad' if i % 10 == 0 else 'r'}.csv?n={i}",
                  "format": "CSV"} for i in range(count)]
    started = time.monotonic()
    pkg = factories.Dataset(resources=resources)
    saved = time.monotonic() - started
    run_worker()
    checked = results.link_results(r["url"] for r in resources)
    # the link indicators read at most jobs.MAX_URLS URLs of a dataset
    assert len(checked) == jobs.MAX_URLS
    after = call_action("opengov_charter_dataset_show", id=pkg["id"])
    access = indicator(after, "access_url_works")
    assert access["status"] == "partial"
    assert access["evidence"][0]["params"] == {"ok": 1800, "checked": 2000}
    started = time.monotonic()
    assert app.get(f"/dataset/{pkg['id']}/charter").status_code == 200
    page = time.monotonic() - started
    print(f"\n2500 resources: save {saved:.1f}s, Charter tab {page:.2f}s")


@_apply
def test_checks_without_tables_say_not_assessed(server: Portal) -> None:
    from ckan.model import meta

    with meta.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE opengov_charter_link RENAME TO opengov_charter_link_x"))
    results.forget_tables()
    try:
        pkg = factories.Dataset(resources=[{"url": server.url + "/a.csv", "format": "CSV"}])
        run_worker()
        after = call_action("opengov_charter_dataset_show", id=pkg["id"])
        assert indicator(after, "access_url_works")["status"] == "not_assessed"
        assert server.requests == []
    finally:
        with meta.engine.begin() as conn:
            conn.execute(sa.text(
                "ALTER TABLE opengov_charter_link_x RENAME TO opengov_charter_link"))


def test_throttle_paces_one_host_across_clients() -> None:
    from ckan.lib.redis import connect_to_redis

    throttle = linkcheck.RedisThrottle(connect_to_redis())
    origin = f"http://throttle-test-{time.time_ns()}"
    started = time.monotonic()
    for _ in range(3):
        throttle.wait(origin, 5)  # at most 5 per second: 3 requests need >= 0.4 s
    assert time.monotonic() - started >= 0.35
    other = time.monotonic()
    throttle.wait(origin + "-other", 5)
    assert time.monotonic() - other < 0.1


# --------------------------------------------------------------------------- SHACL


@_apply
def test_no_shapes_configured_means_not_assessed() -> None:
    pkg = factories.Dataset()
    assert not any(j.func_name.endswith("shacl_job") for j in queued())
    result = call_action("opengov_charter_dataset_show", id=pkg["id"])
    assert indicator(result, "dcat_ap_conformance")["status"] == "not_assessed"


@requires_shapes
@_apply
@pytest.mark.ckan_config("ckanext.opengov.charter.shacl.shapes", str(SHAPES))
def test_shacl_validation_runs_in_the_worker_and_is_cached() -> None:
    pytest.importorskip("pyshacl")
    pkg = factories.Dataset(notes="A dataset", resources=[
        {"url": "https://example.ca/a.csv", "format": "CSV"}])
    assert any(j.func_name.endswith("shacl_job") for j in queued())
    before = call_action("opengov_charter_dataset_show", id=pkg["id"])
    assert indicator(before, "dcat_ap_conformance")["status"] == "not_assessed"

    run_worker()

    stored = results.shacl_result(pkg["id"])
    assert stored is not None and stored["error"] is None
    assert isinstance(stored["violations"], int)
    after = indicator(call_action("opengov_charter_dataset_show", id=pkg["id"]),
                      "dcat_ap_conformance")
    assert after["status"] == ("pass" if stored["conforms"] else "fail")
    dataset = call_action("package_show", id=pkg["id"])
    started = time.monotonic()
    again = shacl.validate(dataset, [str(SHAPES)])
    print(f"\nSHACL validation of one dataset: {time.monotonic() - started:.2f}s "
          f"({again['violations']} violations)")
    assert again["violations"] == stored["violations"]
    # unchanged dataset: a second job reuses the cached result
    assert jobs.shacl_job(pkg["id"]) == {"validated": False, "cached": True}
    # an edit makes the cached result stale until the worker validates again
    call_action("package_patch", id=pkg["id"], notes="Changed")
    stale = indicator(call_action("opengov_charter_dataset_show", id=pkg["id"]),
                      "dcat_ap_conformance")
    assert stale["status"] == "not_assessed"


# --------------------------------------------------------------------------- jurisdictions


@_apply
def test_jurisdiction_indicators_label_self_declared_and_verified(server: Portal,
                                                                  app: Any) -> None:
    server.route("/inventory.csv", Reply(200, "id,title\n"))
    org = factories.Organization(extras=[
        {"key": "data_inventory_url", "value": server.url + "/inventory.csv"},
        {"key": "open_data_policy_url", "value": server.url + "/policy"},
        {"key": "charter_adoption_date", "value": "2024-03-01"},
    ])
    factories.Dataset(owner_org=org["id"], license_id="cc-by",
                      maintainer_email="data@example.ca")
    pub = call_action("opengov_charter_jurisdiction_show", id=org["id"])["publisher"]
    rows = {r["id"]: r for r in pub["indicators"]}
    assert len(rows) == 8
    assert rows["inventory_published"]["status"] == "partial"
    assert rows["inventory_published"]["evidence_kind"] == "self_declared"
    assert rows["policy_evidence"]["evidence_kind"] == "self_declared"
    assert rows["inventory_coverage"]["status"] == "not_assessed"
    assert rows["dataset_quality"]["evidence_kind"] == "computed"
    assert rows["responsiveness"]["status"] == "pass"

    # the organization's save queued the checks of its declared URLs
    run_worker()
    assert len(server.hits("/inventory.csv")) == 1
    assert [r.method for r in server.hits("/policy")] == ["HEAD", "GET"]  # 404: GET fallback

    pub = call_action("opengov_charter_jurisdiction_show", id=org["id"])["publisher"]
    rows = {r["id"]: r for r in pub["indicators"]}
    assert rows["inventory_published"]["status"] == "pass"
    assert rows["inventory_published"]["evidence_kind"] == "verified"
    assert rows["policy_evidence"]["status"] == "partial"  # the policy link is broken
    assert rows["policy_evidence"]["evidence_kind"] == "self_declared"
    assert isinstance(pub["score"], int)
    # fresh results: the schedule queues nothing
    assert jobs.recheck() == [] and queued() == []

    for lang in ("", "/fr"):
        page = app.get(f"{lang}/organization/{org['name']}/charter")
        assert page.status_code == 200
        assert 'id="charter-j-ind-inventory_published"' in page.body
    assert "Self-declared" in app.get(f"/organization/{org['name']}/charter").body


@_apply
def test_jurisdiction_with_nonsense_fields_renders(app: Any) -> None:
    org = factories.Organization(extras=[
        {"key": "data_inventory_url", "value": "not a url"},
        {"key": "charter_adoption_date", "value": "sometime"},
        {"key": "portal_url", "value": "javascript:alert(1)"},
    ])
    pub = call_action("opengov_charter_jurisdiction_show", id=org["id"])["publisher"]
    rows = {r["id"]: r for r in pub["indicators"]}
    assert rows["policy_evidence"]["status"] == "fail"
    assert rows["dataset_quality"]["status"] == "not_assessed"
    page = app.get(f"/organization/{org['name']}/charter")
    assert page.status_code == 200 and 'href="javascript' not in page.body


@_apply
def test_recheck_queues_old_organization_urls(server: Portal) -> None:
    server.route("/inventory.csv", Reply(200, "x"))
    url = server.url + "/inventory.csv"
    factories.Organization(extras=[{"key": "data_inventory_url", "value": url}])
    run_worker()
    assert len(server.hits("/inventory.csv")) == 1
    results.save_link({"url": url, "status": 200,
                       "checked": results.now() - dt.timedelta(days=30)}, None)
    jobs.recheck(7)
    run_worker()
    assert len(server.hits("/inventory.csv")) == 2


@_apply
def test_check_dataset_command_now(server: Portal, cli: Any) -> None:
    from ckanext.opengov.charter.cli import charter

    server.route("/a.csv", Reply(200, "a"))
    pkg = factories.Dataset(resources=[{"url": server.url + "/a.csv", "format": "CSV"}])
    result = cli.invoke(charter, ["check-dataset", pkg["name"], "--now"])
    assert result.exit_code == 0, result.output
    assert "1 links checked" in result.output
    assert len(server.hits("/a.csv")) == 1
    assert indicator(call_action("opengov_charter_dataset_show", id=pkg["id"]),
                     "access_url_works")["status"] == "pass"
    missing = cli.invoke(charter, ["check-dataset", "no-such-dataset"])
    assert missing.exit_code == 1
