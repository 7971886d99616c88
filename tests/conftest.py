"""Shared fixtures: a real CKAN app on the loopback PostgreSQL and Redis (see test.ini),
searching through opengov_pgsearch.

CKAN's first ``clean_db`` of a session drops every table of the database, the search
tables included: ``clean_db`` here re-creates them, ``clean_index`` empties them.
"""
from __future__ import annotations

import sys

import pytest


@pytest.fixture
def pgsearch_tables() -> None:
    from ckanext.opengov.pgsearch.migrate import ensure_tables

    ensure_tables()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):  # type: ignore[no-untyped-def]
    reset_db()
    from ckanext.opengov.pgsearch.migrate import ensure_tables

    ensure_tables()
    # Once ckanext-harvest's model is imported (collecting the federation tests does it),
    # deleting a dataset touches harvest_object, whichever plugins a test enables.
    if "ckanext.harvest.model" in sys.modules:
        from ckan.plugins import plugin_loaded, use_plugin

        if plugin_loaded("harvest"):
            migrate_db_for("harvest")
        else:
            with use_plugin("harvest"):
                migrate_db_for("harvest")


@pytest.fixture
def clean_index(pgsearch_tables) -> None:  # type: ignore[no-untyped-def]
    from ckanext.opengov.pgsearch import db

    with db.cursor() as cur:
        cur.execute("TRUNCATE opengov_search_doc, opengov_search_long_field")
