"""The CSV check against an HVD data standard: pure function, fetching, storing, API."""
from __future__ import annotations

import http.server
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.opengov.http import TargetPolicy
from ckanext.opengov.metadata import standards

from .test_hvd_schemas import HVD_SCHEMAS, PLUGINS, PRESETS, hvd_dataset

WASHROOMS = standards.load_standard("public_washrooms")
HEADER = "id,name_en,name_fr,address,latitude,longitude,wheelchair_accessible\n"
GOOD = (HEADER + "w1,City Hall,Hôtel de ville,110 Laurier Ave W,45.42,-75.69,yes\n"
        "w2,Park,Parc,1 Park Rd,45.40,-75.70,no\n").encode()


def _codes(report: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    return {(f["code"], f.get("column")): f for f in report["findings"]}


def test_conforming_file_passes():
    report = standards.check_csv(GOOD, WASHROOMS)

    assert report["status"] == "pass"
    assert report["counts"]["rows_checked"] == 2
    assert report["counts"]["errors"] == 0
    assert report["standard"] == "public_washrooms"
    assert report["checked_at"].endswith("+00:00")
    columns = {c["name"]: c for c in report["columns"]}
    assert columns["latitude"]["found"] and columns["latitude"]["title"]["fr"] == "Latitude"
    assert not columns["hours_fr"]["found"]


def test_missing_required_column_and_bad_types():
    data = (b"id,name_en,latitude,longitude,wheelchair_accessible\n"
            b"w1,A,north,-75.69,maybe\n"
            b"w2,,45.4,-75.69,yes\n")
    report = standards.check_csv(data, WASHROOMS)
    found = _codes(report)

    assert report["status"] == "fail"
    assert found[("missing_column", "address")]["severity"] == "error"
    assert found[("missing_column", "hours_en")]["severity"] == "info"
    assert found[("type_error", "latitude")]["rows"] == [2]
    assert found[("type_error", "wheelchair_accessible")]["expected"] == "boolean"
    assert found[("required_missing", "name_en")]["rows"] == [3]


def test_constraints_enum_pattern_range():
    standard = standards.load_standard("oda_addresses")
    data = (b"latitude,longitude,street_no,str_name,city,postal_code,pruid\n"
            b"95.0,-75.7,12,Main,Ottawa,K1A0B1,35\n"
            b"45.0,-75.7,14,Main,Ottawa,12345,99\n")
    found = _codes(standards.check_csv(data, standard))

    assert found[("range_violation", "latitude")]["rows"] == [2]
    assert found[("pattern_violation", "postal_code")]["rows"] == [3]
    assert found[("enum_violation", "pruid")]["rows"] == [3]


def test_only_the_sample_is_checked():
    rows = "".join(f"w{i},A,B,C,45.4,-75.7,yes\n" for i in range(50))
    report = standards.check_csv((HEADER + rows).encode(), WASHROOMS, sample_rows=10)

    assert report["counts"]["rows_checked"] == 10
    assert report["sample_limit"] == 10


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (b"\n\n", "empty_file"),
    ("id;nom\nw1;Hôtel\n".encode("cp1252"), "encoding"),
    (b"w1,City Hall,x,y,45.4,-75.7,yes\n", "no_header"),
    ((HEADER + "w1,A,B\n").encode(), "row_length"),
    (HEADER.encode(), "no_rows"),
    (b"id,id,name_en\n1,2,3\n", "duplicate_header"),
    (b"ID,Name_EN\n1,x\n", "header_case"),
    (b"id,,name_en\n1,2,3\n", "blank_header"),
    (b"\x00\x01\x02PK\x03\x04", "binary_content"),
    (b'id,name_en\n"unterminated,x\n', "required_missing"),
])
def test_bad_files_give_findings_not_exceptions(data, code):
    report = standards.check_csv(data, WASHROOMS)

    assert code in {f["code"] for f in report["findings"]}, report["findings"]
    assert report["status"] in ("fail", "warn")


def test_truncated_file_drops_the_partial_last_line():
    data = GOOD + b"w3,Cut,Cou"
    report = standards.check_csv(data, WASHROOMS, truncated=True)

    assert report["truncated"] is True
    assert report["counts"]["rows_checked"] == 2
    assert report["status"] == "pass"


GTFS = standards.hvd_types()["hvd_transit_gtfs"]["standard"]


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_gtfs_feed_with_every_required_file_passes():
    files = dict.fromkeys(GTFS["required_files"], "id,name\n1,x\n")
    files["calendar_dates.txt"] = "service_id,date,exception_type\n1,20250101,1\n"

    report = standards.check_gtfs_zip(_zip(files), GTFS)

    assert report["status"] == "pass" and report["counts"]["files"] == 6


def test_gtfs_feed_problems_are_findings():
    report = standards.check_gtfs_zip(_zip({"agency.txt": "", "stops.txt": "stop_id\n"}), GTFS)
    found = _codes(report)

    assert ("missing_file", "routes.txt") in found
    assert ("missing_file", "calendar.txt / calendar_dates.txt") in found
    assert ("empty_member", "agency.txt") in found
    assert _codes(standards.check_gtfs_zip(b"not a zip", GTFS)).keys() == {("not_zip", None)}
    assert standards.check_gtfs_zip(b"PK", GTFS, truncated=True)["status"] == "warn"


def test_external_standard_other_than_a_zip_is_not_applicable():
    report = standards.run_check({"format": "JSON", "url": "https://x.ca/gtfs.json"},
                                 "hvd_transit_gtfs")

    assert report is not None and report["status"] == "not_applicable"
    assert report["reason"] == "external_standard"


def test_not_csv_is_not_applicable():
    report = standards.run_check({"format": "JSON", "url": "https://x.ca/a.json"},
                                 "hvd_public_washrooms")

    assert report is not None and report["reason"] == "not_csv"
    assert standards.run_check({"format": "CSV"}, "dataset") is None


# --------------------------------------------------------------------------- HTTP


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        if "X-Delay" in headers:
            time.sleep(float(headers["X-Delay"]))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving ``_Handler.routes``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.routes = {
        "/good.csv": (200, {"Content-Type": "text/csv"}, GOOD),
        "/big.csv": (200, {}, GOOD + b"".join(
            f"w{i},A,B,C,45.4,-75.7,yes\n".encode() for i in range(20000))),
        "/moved.csv": (302, {"Location": "/good.csv"}, b""),
        "/missing.csv": (404, {}, b"nope"),
    }
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


LOOPBACK_ONLY = TargetPolicy(allowed=["127.0.0.0/8"])


def test_fetch_reads_with_cap_and_follows_redirects(http_server):
    data, truncated = standards.fetch_url(f"{http_server}/good.csv", max_bytes=10_000,
                                          timeout=5, policy=LOOPBACK_ONLY)
    assert data == GOOD and not truncated

    data, truncated = standards.fetch_url(f"{http_server}/big.csv", max_bytes=1000,
                                          timeout=5, policy=LOOPBACK_ONLY)
    assert len(data) == 1000 and truncated

    data, _ = standards.fetch_url(f"{http_server}/moved.csv", max_bytes=10_000, timeout=5,
                                  policy=LOOPBACK_ONLY)
    assert data == GOOD


def test_fetch_refuses_loopback_unless_allowed_and_reports_errors(http_server):
    with pytest.raises(standards.FetchError) as e:
        standards.fetch_url(f"{http_server}/good.csv", max_bytes=10, timeout=5,
                            policy=TargetPolicy())
    assert e.value.code == "fetch_forbidden"
    with pytest.raises(standards.FetchError) as e:
        standards.fetch_url("http://10.0.0.1/x.csv", max_bytes=10, timeout=5,
                            policy=LOOPBACK_ONLY)
    assert e.value.code == "fetch_forbidden"
    with pytest.raises(standards.FetchError) as e:
        standards.fetch_url("file:///etc/passwd", max_bytes=10, timeout=5, policy=LOOPBACK_ONLY)
    assert e.value.code == "fetch_scheme"
    with pytest.raises(standards.FetchError) as e:
        standards.fetch_url(f"{http_server}/missing.csv", max_bytes=10, timeout=5,
                            policy=LOOPBACK_ONLY)
    assert e.value.code == "fetch_status"


# --------------------------------------------------------------------------- through CKAN

def _washroom_dataset(url: str) -> dict[str, Any]:
    org = factories.Organization(title_translated={"en": "Ottawa", "fr": "Ottawa"})
    data = hvd_dataset(org["id"], "hvd_public_washrooms")
    data["resources"][0]["url"] = url
    user = factories.Sysadmin()
    return call_action("package_create", {"user": user["name"]}, **data)


def hvd_site(test: Any) -> Any:
    """The HVD types on a site that may fetch from the loopback test server."""
    for mark in (pytest.mark.ckan_config("ckan.plugins", PLUGINS),
                 pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS),
                 pytest.mark.ckan_config("scheming.presets", PRESETS),
                 pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1"),
                 pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")):
        test = mark(test)
    return test


@hvd_site
@pytest.mark.parametrize("path", ["/good.csv", "/missing.csv"])
def test_job_stores_the_report_on_the_resource(http_server, path):
    pkg = _washroom_dataset(f"{http_server}{path}")
    resource = pkg["resources"][0]

    stored = standards.check_resource_job(resource["id"])

    shown = call_action("resource_show", id=resource["id"])
    report = shown[standards.CHECK_FIELD]
    assert isinstance(report, dict) and report == stored
    assert report["status"] == ("pass" if path == "/good.csv" else "fail")
    result = standards.standards_check_show({"ignore_auth": True}, {"id": resource["id"]})
    assert result["check"]["status"] == report["status"]
    assert result["dataset_type"] == "hvd_public_washrooms"


@hvd_site
def test_job_of_an_earlier_save_never_overwrites_a_later_one(http_server):
    pkg = _washroom_dataset(f"{http_server}/good.csv")
    resource_id = pkg["resources"][0]["id"]
    later = standards.pending_report("hvd_public_washrooms")
    standards.store_check(resource_id, later)

    assert standards.check_resource_job(resource_id, token="an-earlier-save") is None
    assert call_action("resource_show", id=resource_id)[standards.CHECK_FIELD] == later
    stored = standards.check_resource_job(resource_id, token=later["token"])
    assert stored is not None and stored["status"] == "pass"


@hvd_site
def test_run_action_queues_or_runs_now_for_a_sysadmin(http_server, job_queue):
    pkg = _washroom_dataset(f"{http_server}/good.csv")
    resource_id = pkg["resources"][0]["id"]
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}

    queued = call_action("opengov_standards_check_run", context, id=resource_id)
    assert queued["check"]["status"] == "pending" and queued["job_id"] in job_queue.job_ids()
    assert call_action("resource_show", id=resource_id)[standards.CHECK_FIELD][
        "status"] == "pending"
    assert job_queue.run() == 0
    assert call_action("resource_show", id=resource_id)[standards.CHECK_FIELD]["status"] == "pass"

    now = call_action("opengov_standards_check_run", context, id=resource_id, sync=True)
    assert now["check"]["status"] == "pass" and now["job_id"] is None
    assert job_queue.job_ids() == []

    stranger = factories.User()
    assert standards.auth_check_show({"user": stranger["name"]}, {"id": resource_id})["success"]
    with pytest.raises(tk.NotAuthorized):
        standards.auth_check_run({"user": stranger["name"]}, {"id": resource_id})
    # the dataset's editors may queue a check, only a sysadmin may make the request wait
    editor = factories.User()
    call_action("member_create", {"ignore_auth": True}, id=pkg["owner_org"],
                object=editor["id"], object_type="user", capacity="editor")
    as_editor = {"user": editor["name"], "ignore_auth": False}
    call_action("opengov_standards_check_run", dict(as_editor), id=resource_id)
    with pytest.raises(tk.NotAuthorized):
        call_action("opengov_standards_check_run", dict(as_editor), id=resource_id, sync=True)
    # the stored check is machine-written: a steward's update keeps the field valid JSON
    call_action("resource_patch", {"user": sysadmin["name"]}, id=resource_id,
                description="x")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ['<span lang="en">Public washrooms', "Name (English)", "are not of type number"]),
    ("fr", ['<span lang="fr">Toilettes publiques', "Nom (anglais)"]),
])
def test_snippet_shows_the_report_in_the_reader_language(app, lang, expected):
    data = (HEADER + "w1,A,B,C,north,-75.7,yes\n").encode()
    res = {"id": "r1", standards.CHECK_FIELD: standards.check_csv(data, WASHROOMS)}

    with app.flask_app.test_request_context("/dataset/", environ_base={"CKAN_LANG": lang}):
        html = tk.render_snippet("opengov/standards/check.html", {"res": res})

    for text in expected:
        assert text in html
    assert "<script" not in html


# --------------------------------------------------------------------------- the plugin's wiring

BAD = (HEADER + "w1,City Hall,Hôtel de ville,110 Laurier Ave W,north,-75.69,yes\n").encode()


@pytest.fixture
def wired(http_server: str) -> Iterator[str]:
    _Handler.routes["/bad.csv"] = (200, {"Content-Type": "text/csv"}, BAD)
    yield http_server


def _resource_create(pkg: dict[str, Any], url: str) -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    return call_action("resource_create", {"user": sysadmin["name"]}, package_id=pkg["id"],
                       url=url, format="CSV", resource_type="dataset", language=["en", "fr"],
                       name_translated={"en": "Washrooms", "fr": "Toilettes"})


@hvd_site
def test_saving_only_queues_and_the_worker_stores_the_check(wired, job_queue):
    """opengov_schemas saves the resource with a pending check and enqueues the check; the
    worker stores the result and re-indexes the dataset."""
    from .conftest import index_hits

    pkg = _washroom_dataset(f"{wired}/good.csv")
    resource = _resource_create(pkg, f"{wired}/bad.csv")

    assert resource[standards.CHECK_FIELD]["status"] == "pending"
    assert len(job_queue.job_ids()) == 1
    assert job_queue.run() == 0
    shown = call_action("resource_show", id=resource["id"])
    assert shown[standards.CHECK_FIELD]["status"] == "fail"
    assert shown[standards.CHECK_FIELD]["source"]["url"] == f"{wired}/bad.csv"
    assert ("type_error", "latitude") in _codes(shown[standards.CHECK_FIELD])
    # the search document was rebuilt with the stored result (what the Charter reads)
    indexed = call_action("package_search", fq=f'id:"{pkg["id"]}"')["results"][0]
    stored = [r[standards.CHECK_FIELD] for r in indexed["resources"]
              if r["id"] == resource["id"]][0]
    assert stored["status"] == "fail"
    assert index_hits(pkg["id"], "*:*") == 1

    updated = call_action("resource_patch", {"user": factories.Sysadmin()["name"]},
                          id=resource["id"], url=f"{wired}/good.csv")
    assert updated[standards.CHECK_FIELD]["status"] == "pending"
    assert job_queue.run() == 0
    assert call_action("resource_show", id=resource["id"])[
        standards.CHECK_FIELD]["status"] == "pass"


@hvd_site
def test_save_does_not_wait_for_a_slow_server(wired, job_queue):
    """The linked server answers after 3 s: the save returns at once, the job waits."""
    _Handler.routes["/slow.csv"] = (200, {"X-Delay": "3"}, GOOD)
    pkg = _washroom_dataset(f"{wired}/good.csv")

    started = time.monotonic()
    resource = _resource_create(pkg, f"{wired}/slow.csv")
    assert time.monotonic() - started < 2.5
    assert resource[standards.CHECK_FIELD]["status"] == "pending"
    assert job_queue.run() == 0
    assert call_action("resource_show", id=resource["id"])[
        standards.CHECK_FIELD]["status"] == "pass"


@hvd_site
def test_check_through_the_api_and_on_the_resource_page(app, wired, job_queue):
    pkg = _washroom_dataset(f"{wired}/good.csv")
    resource = _resource_create(pkg, f"{wired}/bad.csv")
    url = f"/dataset/{pkg['name']}/resource/{resource['id']}"

    # until the worker has run, the page says the check is pending, in both languages
    assert "Check pending" in app.get(url).body
    assert "The check against the data standard is queued" in app.get(url).body
    assert _translated(app, "Check pending", "fr") in app.get(f"/fr{url}").body
    assert job_queue.run() == 0

    # anonymous readers get the stored check from the API
    found = app.get("/api/3/action/opengov_standards_check_show",
                    query_string={"id": resource["id"]}).json["result"]
    assert found["dataset_type"] == "hvd_public_washrooms"
    assert found["check"]["status"] == "fail"
    sysadmin = factories.SysadminWithToken()
    rerun = app.post("/api/3/action/opengov_standards_check_run",
                     json={"id": resource["id"], "sync": True},
                     headers={"Authorization": sysadmin["token"]}).json["result"]
    assert rerun["check"]["status"] == "fail"
    app.post("/api/3/action/opengov_standards_check_run", json={"id": resource["id"]},
             status=403)

    english = app.get(url).body
    assert 'id="standard-check"' in english
    assert "Does not conform to the standard" in english
    assert '<span lang="en">Public washrooms' in english
    assert "are not of type number" in english
    french = app.get(f"/fr{url}").body
    assert 'id="standard-check"' in french
    assert '<span lang="fr">Toilettes publiques' in french
    assert "Nom (anglais)" in french


def _translated(app: Any, msgid: str, lang: str) -> str:
    """``msgid`` as the catalogue of ``lang`` has it (its translation once merged)."""
    with app.flask_app.test_request_context(f"/{lang}/", environ_base={"CKAN_LANG": lang}):
        return str(tk._(msgid))


def _worker_ini(tmp_path: Any) -> str:
    """A config for `ckan jobs worker`: test.ini with the HVD types (the database and Redis
    come from CKAN_SQLALCHEMY_URL / CKAN_REDIS_URL, as for pytest)."""
    ini = tmp_path / "worker.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{os.path.abspath('test.ini')}\n"
        f"ckan.plugins = {PLUGINS}\n"
        f"scheming.dataset_schemas = {HVD_SCHEMAS}\n"
        f"scheming.presets = {PRESETS}\n"
        "ckanext.opengov.http.allowed_hosts = 127.0.0.1\n"
        # CKAN 2.11 configures logging from the file it is given and fails without these
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nformatter = generic\n"
        "[formatter_generic]\nformat = %(levelname)s [%(name)s] %(message)s\n",
        encoding="utf-8")
    return str(ini)


@hvd_site
def test_ckan_jobs_worker_runs_the_check(wired, job_queue, tmp_path):
    """The real `ckan jobs worker --burst` (a forking worker in its own process)."""
    pkg = _washroom_dataset(f"{wired}/good.csv")
    resource = _resource_create(pkg, f"{wired}/bad.csv")
    assert len(job_queue.job_ids()) == 1

    done = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", _worker_ini(tmp_path),
         "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), check=False)

    assert done.returncode == 0, done.stderr[-2000:]
    assert job_queue.job_ids() == []
    from ckan import model

    model.Session.remove()  # read what the worker process committed
    assert call_action("resource_show", id=resource["id"])[
        standards.CHECK_FIELD]["status"] == "fail"


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins")
def test_plugin_defaults_load_every_type_and_declare_the_limits():
    """With no scheming option set, opengov_schemas loads the base type and every HVD type."""
    from ckan.lib.helpers import helper_functions

    assert set(call_action("scheming_dataset_schema_list")) == {"dataset", *standards.hvd_types()}
    assert tk.config.get(standards.CONF_SAMPLE_ROWS) == 1000
    assert tk.config.get(standards.CONF_MAX_BYTES) == 5_000_000
    assert tk.config.get(standards.CONF_TIMEOUT) == 10
    for action in standards.get_actions():
        assert tk.get_action(action)
    assert set(standards.get_helpers()) <= set(helper_functions)


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS)
@pytest.mark.ckan_config("scheming.presets", PRESETS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_uploaded_csv_is_read_from_storage(app, create_with_upload, tmp_path, monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.storage_path", str(tmp_path))
    pkg = _washroom_dataset("https://example.ca/placeholder.csv")
    sysadmin = factories.Sysadmin()
    # resource URLs are built with the routes of an app made after the HVD types loaded
    with app.flask_app.test_request_context():
        resource = create_with_upload(
            HEADER + "w1,A,B,C,north,-75.7,yes\n", "washrooms.csv", package_id=pkg["id"],
            context={"user": sysadmin["name"]}, format="CSV",
            name_translated={"en": "Upload", "fr": "Téléversement"}, resource_type="dataset",
            language=["en"])
    assert resource["url_type"] == "upload"

    report = standards.run_check(resource, "hvd_public_washrooms")

    assert report is not None and report["source"]["kind"] == "upload"
    assert ("type_error", "latitude") in _codes(report)


def test_every_finding_code_has_a_sentence():
    codes = ["encoding", "binary_content", "empty_file", "parse_error", "no_header",
             "blank_header", "duplicate_header", "header_case", "extra_column",
             "missing_column", "row_length", "no_rows", "required_missing", "type_error",
             "enum_violation", "pattern_violation", "range_violation", "fetch_scheme",
             "fetch_forbidden", "fetch_failed", "fetch_status", "upload_missing",
             "too_large", "not_zip", "missing_file", "empty_member", "check_failed"]
    for code in codes:
        message = standards.finding_message(
            {"code": code, "column": "latitude", "expected": ["a", None]})
        assert not message.startswith("Finding:"), code
        assert "%(" not in message, code
    assert standards.finding_message({"code": "new_code"}) == "Finding: new_code"


def test_wiring_functions_name_what_the_plugin_registers():
    assert set(standards.get_actions()) == {"opengov_standards_check_show",
                                            "opengov_standards_check_run"}
    assert set(standards.get_auth_functions()) == set(standards.get_actions())
    assert {"opengov_standard_check", "opengov_standard_finding_message",
            "opengov_standard_status_label"} <= set(standards.get_helpers())
    assert getattr(standards.get_actions()["opengov_standards_check_show"],
                   "side_effect_free", False)
