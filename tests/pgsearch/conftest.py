"""Fixtures of the pgsearch tests: the plugin's tables exist and the index is clean.

CKAN's first ``clean_db`` of a session drops every table of the database, the search
tables included; ``clean_db`` here re-creates them, and ``clean_index`` empties them.
"""
from __future__ import annotations

import os
import sys

import pytest

# The conformance suite imports its case and corpus modules by name.
sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def pgsearch_tables() -> None:
    from ckanext.opengov.pgsearch.migrate import ensure_tables

    ensure_tables()


@pytest.fixture
def clean_db(reset_db):  # type: ignore[no-untyped-def]
    reset_db()
    from ckanext.opengov.pgsearch.migrate import ensure_tables

    ensure_tables()


@pytest.fixture
def clean_index(pgsearch_tables) -> None:  # type: ignore[no-untyped-def]
    from ckanext.opengov.pgsearch import db

    with db.cursor() as cur:
        cur.execute("TRUNCATE opengov_search_doc, opengov_search_long_field")
