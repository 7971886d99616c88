"""Apply the plugin's alembic migrations without going through the plugin registry.

``ckan db upgrade -p opengov_pgsearch`` is the documented way; tests (whose first
``clean_db`` drops every table, ours included) call :func:`ensure_tables`.
"""
from __future__ import annotations

import os

from . import db

MIGRATION_DIR = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "migration", "opengov_pgsearch"
)


def upgrade(revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(os.path.join(MIGRATION_DIR, "alembic.ini"))
    cfg.set_main_option("script_location", MIGRATION_DIR)
    cfg.set_main_option("sqlalchemy.url", db.database_url().replace("%", "%%"))
    command.upgrade(cfg, revision)


def ensure_tables() -> bool:
    """Create the tables when missing; True when it had to."""
    if db.tables_exist():
        return False
    upgrade()
    return True
