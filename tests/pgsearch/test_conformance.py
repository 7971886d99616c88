"""Search conformance suite: CKAN's ``package_search`` answers as CKAN + Solr would.

Every case in conformance_cases.py runs through ``package_search`` (``helpers.call_action``, as
an anonymous visitor unless the case names a user) against one fixed corpus
(conformance_corpus.py), built once per module with ``package_create``. The expected answers are
those of CKAN 2.12 + Solr 9 with the schema CKAN ships (plus the suite's additions, below), so the
same suite checks either backend:

- By default it runs against ``opengov_pgsearch`` (``ckan.plugins = opengov_pgsearch``).
- With ``OPENGOV_TEST_SOLR_URL`` set to a Solr core that has CKAN's schema plus the suite's
  additions (``ckanext/opengov/pgsearch/solr/schema-opengov.xml``: the French and English
  fields), as the docker/ deployment sets up (``http://127.0.0.1:8983/solr/ckan``), it runs with
  ``solr_url`` set to it and without ``opengov_pgsearch``, so CKAN talks to that Solr through
  pysolr::

      OPENGOV_TEST_SOLR_URL=http://127.0.0.1:8983/solr/ckan \\
      CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:54329/ckan_test_conformance \\
          .venv/bin/pytest tests/pgsearch/test_conformance.py

  The module clears that core's documents for ``ckan.site_id`` before loading its corpus.

Cases marked ``unsupported`` are valid Solr queries that ``opengov_pgsearch`` refuses with a
clear ``SearchError`` (HTTP 409 through the API) rather than answer differently; against Solr
they must return the stated datasets.
"""
from __future__ import annotations

import copy
import datetime
import os
from collections.abc import Iterator, Set
from typing import Any

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins as plugins
import pysolr
import pytest
import sqlalchemy as sa
from ckan.common import config
from ckan.lib.search import query as search_query
from ckan.tests import factories, helpers
from conformance_cases import ALL_PUBLIC, CASES, Case
from conformance_corpus import (
    DATASETS,
    GROUPS,
    ORGANIZATIONS,
    SITE_USERS,
    VOCABULARY,
    resource_url,
)

from ckanext.opengov.pgsearch import ckan_adapter

SOLR_URL = os.environ.get("OPENGOV_TEST_SOLR_URL") or None
BACKEND_CONFIG: dict[str, Any] = {"ckan.plugins": "" if SOLR_URL else "opengov_pgsearch"}
if SOLR_URL:
    BACKEND_CONFIG["solr_url"] = SOLR_URL

# The backend's plugins are loaded once for the module by the ``corpus`` fixture (loading them
# per test, as ``with_plugins`` does, costs a second or two each); the ckan_config marks keep
# the configuration of every test in line with them.
pytestmark = [
    *(pytest.mark.ckan_config(key, value) for key, value in BACKEND_CONFIG.items()),
    pytest.mark.usefixtures("corpus"),
]

# Declared while the corpus is indexed, so resource extras reach the index as res_extras_*.
RESOURCE_EXTRA_FIELDS = ["lang_code"]
DEFAULT_ROWS = 10


# --- the corpus ---------------------------------------------------------------------------------


def _when(spec: str, now: datetime.datetime) -> datetime.datetime:
    if spec.startswith("-") and spec.endswith("d"):
        return now - datetime.timedelta(days=int(spec[1:-1]))
    return datetime.datetime.fromisoformat(spec)


def _build_corpus() -> None:
    sysadmin = factories.Sysadmin(name=SITE_USERS["sysadmin"])["name"]
    for key, name in SITE_USERS.items():
        if key != "sysadmin":
            factories.User(name=name)
    admin_ctx = {"user": sysadmin, "ignore_auth": True}

    for org in ORGANIZATIONS:
        helpers.call_action("organization_create", context=dict(admin_ctx),
                            name=org["name"], title=org["title"])
        for user_key, role in org["members"]:
            helpers.call_action("organization_member_create", context=dict(admin_ctx),
                                id=org["name"], username=SITE_USERS[user_key], role=role)
    for group in GROUPS:
        helpers.call_action("group_create", context=dict(admin_ctx), **group)
    vocab = helpers.call_action(
        "vocabulary_create", context=dict(admin_ctx), name=VOCABULARY["name"],
        tags=[{"name": tag} for tag in VOCABULARY["tags"]],
    )

    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    dates: dict[str, datetime.datetime] = {}
    for ds in DATASETS:
        tags: list[dict[str, str]] = []
        for tag in ds["tags"]:
            if tag.startswith(VOCABULARY["name"] + ":"):
                tags.append({"name": tag.split(":", 1)[1], "vocabulary_id": vocab["id"]})
            else:
                tags.append({"name": tag})
        resources = [
            {**res, "url": resource_url(ds["name"], index)}
            for index, res in enumerate(ds["resources"])
        ]
        data: dict[str, Any] = {
            "name": ds["name"],
            "title": ds["title"],
            "notes": ds["notes"],
            "tags": tags,
            "groups": [{"name": g} for g in ds["groups"]],
            "resources": resources,
            "extras": [{"key": k, "value": v} for k, v in ds.get("extras", {}).items()],
            "license_id": ds["license_id"],
            "private": ds.get("private", False),
            "author": ds.get("author", ""),
            "maintainer": ds.get("maintainer", ""),
        }
        if ds["org"]:
            data["owner_org"] = ds["org"]
        if ds.get("state"):
            data["state"] = ds["state"]
        creator = SITE_USERS[ds.get("creator", "sysadmin")]
        helpers.call_action("package_create", context={"user": creator, "ignore_auth": True},
                            **data)
        if ds.get("deleted"):
            helpers.call_action("package_delete", context=dict(admin_ctx), id=ds["name"])
        dates[ds["name"]] = _when(ds["modified"], now)

    # Timestamps are set in the database and the index rebuilt from it, as an admin would.
    for name, when in dates.items():
        model.Session.execute(
            sa.text("UPDATE package SET metadata_modified = :when, metadata_created = :when "
                    "WHERE name = :name"),
            {"when": when, "name": name},
        )
    model.Session.commit()
    # Objects loaded while creating would otherwise keep their old timestamps.
    model.Session.expire_all()
    model.Session.remove()
    search.rebuild(quiet=True)
    search.commit()


@pytest.fixture(scope="module")
def corpus(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[None]:
    """Load the backend under test and build the corpus, once per module."""
    saved = {key: config.get(key) for key in [*BACKEND_CONFIG, "ckan.extra_resource_fields"]}
    saved_extra_columns = model.Resource.extra_columns
    config.update(BACKEND_CONFIG)
    config["ckan.plugins"] = BACKEND_CONFIG["ckan.plugins"].split()
    if SOLR_URL:
        # test.ini's opengov_pgsearch installed itself when the session started.
        ckan_adapter.uninstall()
    plugins.load_all()
    try:
        conn = search_query.make_connection()
        if SOLR_URL:
            assert isinstance(conn, pysolr.Solr), f"expected pysolr, got {type(conn)}"
        else:
            assert type(conn).__name__ == "PgSolrConnection", (
                f"opengov_pgsearch is not answering CKAN's search seam: got {type(conn)}"
            )
        reset_db()
        if not SOLR_URL:
            migrate_db_for("opengov_pgsearch")
        reset_index()
        config["ckan.extra_resource_fields"] = RESOURCE_EXTRA_FIELDS
        model.Resource.extra_columns = None
        try:
            _build_corpus()
        finally:
            model.Resource.extra_columns = saved_extra_columns
            for column in RESOURCE_EXTRA_FIELDS:
                if column in vars(model.Resource):
                    delattr(model.Resource, column)
        yield
    finally:
        plugins.unload_all()
        if SOLR_URL:
            ckan_adapter.install()
        for key, value in saved.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value


# --- running a case -----------------------------------------------------------------------------


def _context(case: Case) -> dict[str, Any]:
    user = "" if case.user == "anonymous" else SITE_USERS[case.user]
    return {"user": user, "ignore_auth": False}


def _describe(case: Case) -> str:
    return f"case {case.id} params={case.params!r} user={case.user}"


def _check_names(case: Case, names: list[str], count: int) -> None:
    where = _describe(case)
    expected = case.names
    if expected is not None:
        if isinstance(expected, Set):
            assert len(names) == len(set(names)), f"{where}: duplicates in {names}"
            assert set(names) == set(expected), (
                f"{where}: expected {sorted(expected)}, got {sorted(names)}; "
                f"missing {sorted(set(expected) - set(names))}, "
                f"unexpected {sorted(set(names) - set(expected))}"
            )
        else:
            assert names == list(expected), f"{where}: expected {list(expected)}, got {names}"
    expected_count = case.expected_count()
    if expected_count is not None:
        assert count == expected_count, f"{where}: expected count {expected_count}, got {count}"


def _check_facets(case: Case, facets: dict[str, list[tuple[str, int]]]) -> None:
    for field, items in (case.facets or {}).items():
        got = facets.get(field)
        assert got == items, f"{_describe(case)}: facet {field}: expected {items}, got {got}"


def _run_seam(case: Case) -> None:
    """Query the connection CKAN's search layer uses, as an extension could."""
    params = copy.deepcopy(case.params)
    q = params.pop("q")
    params["fq"] = [
        *params.get("fq", []),
        f'+site_id:"{config["ckan.site_id"]}"', "+capacity:public", "+state:active",
    ]
    params.setdefault("fl", "name")
    conn = search_query.make_connection(decode_dates=False)
    response = conn.search(q, **params)
    names = [doc["name"] for doc in response.docs]
    _check_names(case, names, response.hits)
    raw = response.facets.get("facet_fields", {}) if response.facets else {}
    facets = {field: list(zip(values[0::2], values[1::2], strict=True))
              for field, values in raw.items()}
    _check_facets(case, facets)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_query(case: Case) -> None:
    if case.seam:
        _run_seam(case)
        return
    params = copy.deepcopy(case.params)
    expected_error = case.error or ("SearchError" if case.unsupported and not SOLR_URL else None)
    if expected_error:
        with pytest.raises(Exception) as info:
            helpers.call_action("package_search", context=_context(case), **params)
        error = info.value
        assert type(error).__name__ == expected_error, (
            f"{_describe(case)}: expected {expected_error}, got {type(error).__name__}: {error}"
        )
        if case.message:
            assert case.message in str(error), f"{_describe(case)}: message {error}"
        assert str(error).strip(), f"{_describe(case)}: the error has no message"
        return

    result = helpers.call_action("package_search", context=_context(case), **params)
    names = [r["name"] for r in result["results"] if "name" in r]
    _check_names(case, names, result["count"])
    _check_facets(case, {f: list(items.items()) for f, items in result["facets"].items()})
    for field, items in (case.search_facets or {}).items():
        got = [(i["name"], i["display_name"], i["count"])
               for i in result["search_facets"][field]["items"]]
        assert got == items, f"{_describe(case)}: search_facets {field}: got {got}"
    if case.results is not None:
        assert result["results"] == case.results, (
            f"{_describe(case)}: expected results {case.results}, got {result['results']}"
        )
    if case.keys_present or case.keys_absent:
        keys = set(result["results"][0])
        assert case.keys_present <= keys, (
            f"{_describe(case)}: missing keys {sorted(case.keys_present - keys)}"
        )
        assert not case.keys_absent & keys, (
            f"{_describe(case)}: unexpected keys {sorted(case.keys_absent & keys)}"
        )


# --- through the API ----------------------------------------------------------------------------


API = "/api/3/action/package_search"


def test_api_unsupported_query_is_409_with_message(app: Any) -> None:
    response = app.get(API, query_string={"q": "title:*cycl"})
    body = response.json
    if SOLR_URL:
        assert response.status_code == 200, body
        assert body["result"]["count"] == 2
    else:
        assert response.status_code == 409, body
        assert body["success"] is False
        assert body["error"]["__type"] == "Search Error"
        assert "cycl" in body["error"]["message"]


def test_api_syntax_error_is_409(app: Any) -> None:
    response = app.get(API, query_string={"q": "title:(bicycle"})
    assert response.status_code == 409, response.json
    assert response.json["error"]["__type"] == "Search Error"


def test_api_search_answers(app: Any) -> None:
    response = app.get(API, query_string={"q": "bicycle kayak", "fl": "name"})
    assert response.status_code == 200, response.json
    assert {r["name"] for r in response.json["result"]["results"]} == {
        "ferry-schedule", "kayak-routes",
    }


# --- the cases themselves -----------------------------------------------------------------------


def test_cases_are_well_formed() -> None:
    assert len(CASES) >= 80
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case in CASES:
        rows = case.params.get("rows", DEFAULT_ROWS)
        if isinstance(case.names, Set) and not case.seam:
            assert len(case.names) <= rows, f"{case.id}: more names than rows"
        if case.unsupported:
            assert case.names is not None, f"{case.id}: the Solr answer is needed"
    assert ALL_PUBLIC
