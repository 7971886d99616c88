"""Writes: ``ckan search-index``, concurrent writers, an interrupted rebuild."""
from __future__ import annotations

import multiprocessing
from typing import Any
from unittest import mock

import ckan.lib.search as search
import ckan.model as model
import pytest
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from ckanext.opengov.pgsearch import db
from ckanext.opengov.pgsearch.connection import PgSolrConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _indexed_names() -> set[str]:
    with db.cursor() as cur:
        cur.execute("SELECT stored ->> 'name' FROM opengov_search_doc")
        return {r[0] for r in cur.fetchall()}


def _facet_counts_are_consistent() -> bool:
    """The maintained per-class facet counts equal a recount of the documents."""
    recount = (
        "SELECT cls, lexeme, count(*)::int AS n FROM ("
        " SELECT cls, unnest(tsvector_to_array(ftv)) AS lexeme FROM opengov_search_doc) s"
        " GROUP BY cls, lexeme"
    )
    kept = "SELECT cls, lexeme, n FROM opengov_search_facet WHERE n <> 0"
    with db.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM (({recount}) EXCEPT ({kept})) a")
        missing = cur.fetchone()[0]
        cur.execute(f"SELECT count(*) FROM (({kept}) EXCEPT ({recount})) a")
        extra = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM opengov_search_doc d WHERE NOT EXISTS ("
                    " SELECT 1 FROM opengov_search_class c WHERE c.id = d.cls)")
        classless = cur.fetchone()[0]
    return missing == 0 and extra == 0 and classless == 0


def test_search_index_commands(cli: Any) -> None:
    for name in ("bikes", "roads", "trees"):
        factories.Dataset(name=name)
    result = cli.invoke(ckan_cli, ["search-index", "clear"])
    assert result.exit_code == 0, result.output
    assert _indexed_names() == set()

    result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _indexed_names() == {"bikes", "roads", "trees"}

    result = cli.invoke(ckan_cli, ["search-index", "check"])
    assert result.exit_code == 0, result.output
    assert "Packages not indexed = 0 out of 3" in result.output

    result = cli.invoke(ckan_cli, ["search-index", "show", "bikes"])
    assert result.exit_code == 0, result.output
    assert "'name': 'bikes'" in result.output

    result = cli.invoke(ckan_cli, ["search-index", "clear", "bikes"])
    assert result.exit_code == 0, result.output
    assert _indexed_names() == {"roads", "trees"}

    result = cli.invoke(ckan_cli, ["search-index", "rebuild", "--only-missing"])
    assert result.exit_code == 0, result.output
    assert _indexed_names() == {"bikes", "roads", "trees"}
    assert _facet_counts_are_consistent()


def test_interrupted_rebuild_can_be_run_again() -> None:
    for i in range(6):
        factories.Dataset(name=f"dataset-{i}", tags=[{"name": f"tag{i % 2}"}])
    search.clear_all()
    original = PgSolrConnection.add
    calls = {"n": 0}

    def failing_add(self: PgSolrConnection, docs: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C half-way
        return original(self, docs, **kwargs)

    with mock.patch.object(PgSolrConnection, "add", failing_add), \
            pytest.raises(KeyboardInterrupt):
        search.rebuild(quiet=True)
    assert len(_indexed_names()) == 3
    model.Session.rollback()

    search.rebuild(quiet=True)
    assert _indexed_names() == {f"dataset-{i}" for i in range(6)}
    assert helpers.call_action("package_search", **{"facet.field": ["tags"]})["facets"] == {
        "tags": {"tag0": 3, "tag1": 3}}
    assert _facet_counts_are_consistent()


def _doc(i: int, version: int, site: str = "default") -> dict[str, Any]:
    return {
        "index_id": f"doc-{i}", "id": f"id-{i}", "site_id": site, "name": f"name-{i}",
        "title": f"Title {i} version {version}", "entity_type": "package", "state": "active",
        "tags": [f"tag{i % 7}", f"v{version}"], "organization": f"org{i % 3}",
        "metadata_modified": "2024-01-01T00:00:00Z",
    }


def _writer(url: str, version: int, order: list[int]) -> None:
    from ckanext.opengov.pgsearch import db as child_db
    from ckanext.opengov.pgsearch import engine

    child_db.database_url = lambda: url  # type: ignore[assignment]
    # deletes by query between the upserts, as a harvest's fetch consumers do
    for start in range(0, len(order), 25):
        engine.add_documents([_doc(i, version) for i in order[start:start + 25]])
        engine.delete_documents(q=f'+tags:"tag3" +tags:"v{version}"')


def test_two_processes_writing_at_once_leave_a_consistent_index() -> None:
    url = db.database_url()
    ids = list(range(300))
    ctx = multiprocessing.get_context("fork")
    db.dispose()  # no pooled connection may be shared with the children
    writers = [
        ctx.Process(target=_writer, args=(url, 1, ids)),
        ctx.Process(target=_writer, args=(url, 2, list(reversed(ids)))),
    ]
    for proc in writers:
        proc.start()
    for proc in writers:
        proc.join(timeout=300)
        assert proc.exitcode == 0
    with db.cursor() as cur:
        cur.execute("SELECT count(*), count(DISTINCT index_id) FROM opengov_search_doc")
        total, distinct = cur.fetchone()
        # every document is whole: its tags agree with its title's version
        cur.execute(
            "SELECT count(*) FROM opengov_search_doc WHERE NOT ("
            " stored -> 'tags' ? ('v' || split_part(stored ->> 'title', ' version ', 2)))"
        )
        torn = cur.fetchone()[0]
    assert total == distinct and torn == 0
    assert 300 - 44 <= total <= 300  # tag3 documents of the last version written are gone
    assert _facet_counts_are_consistent()
