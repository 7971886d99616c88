"""Fixtures for the charter tests."""
from __future__ import annotations

import types
from typing import Any

import pytest

from .helpers import good_dataset


@pytest.fixture
def good() -> dict[str, Any]:
    return good_dataset()


class FakeConnection:
    """The pysolr calls CKAN's indexer makes; documents kept by id.

    Stands in for the search connection until opengov_pgsearch answers in every test
    database, so the fields before_dataset_index writes can be checked.
    """

    docs: dict[str, dict[str, Any]] = {}
    url = "fake://index"

    def add(self, docs: list[dict[str, Any]], commit: bool = False, **kw: Any) -> None:
        for doc in docs:
            FakeConnection.docs[doc["id"]] = doc

    def delete(self, q: str | None = None, commit: bool = False, **kw: Any) -> None:
        pass

    def commit(self, **kw: Any) -> None:
        pass

    def search(self, *args: Any, **kw: Any) -> Any:
        return types.SimpleNamespace(hits=0, docs=[], facets={}, raw_response={})


@pytest.fixture
def fake_index(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    import ckan.lib.search.index as index
    import ckan.lib.search.query as query

    FakeConnection.docs = {}
    monkeypatch.setattr(index, "make_connection", lambda *a, **k: FakeConnection())
    monkeypatch.setattr(query, "make_connection", lambda *a, **k: FakeConnection())
    return FakeConnection.docs
