"""The demo tests load through opengov_pgsearch: its tables must exist after ``clean_db``."""
from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(reset_db):  # type: ignore[no-untyped-def]
    # CKAN's first reset of a session drops every table, the search tables included.
    reset_db()
    from ckanext.opengov.pgsearch.migrate import ensure_tables

    ensure_tables()
