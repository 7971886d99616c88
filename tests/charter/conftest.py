"""Fixtures for the charter tests."""
from __future__ import annotations

from typing import Any

import pytest

from .helpers import good_dataset


@pytest.fixture
def good() -> dict[str, Any]:
    return good_dataset()


class IndexedDocuments:
    """The stored fields of datasets' search documents, read through CKAN's real connection
    (opengov_pgsearch), so the fields before_dataset_index writes can be checked."""

    def __getitem__(self, dataset_id: str) -> dict[str, Any]:
        from ckan.lib.search.common import make_connection

        found = make_connection().search(q="*:*", fq=f'+id:"{dataset_id}"', fl="*", rows=1)
        assert found.docs, f"dataset {dataset_id} is not in the search index"
        return found.docs[0]


@pytest.fixture
def indexed() -> IndexedDocuments:
    return IndexedDocuments()

