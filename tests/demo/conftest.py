"""Fixtures of the demo tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def activity_tables(clean_db, migrate_db_for):  # type: ignore[no-untyped-def]
    """The activity plugin's columns, which the demo's plugin line needs (after clean_db)."""
    migrate_db_for("activity")
