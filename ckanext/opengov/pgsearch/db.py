"""The search database: its own connection pool, separate from CKAN's session.

Indexing happens after CKAN commits, and queries must never join CKAN's transaction,
so the engine keeps a small pool of autocommit connections (per process: a forked
worker builds its own).
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

import psycopg2
import psycopg2.errors
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .errors import MissingTablesError

log = logging.getLogger(__name__)

DOC_TABLE = "opengov_search_doc"
FACET_TABLE = "opengov_search_class"

_lock = threading.Lock()
_state: dict[str, Any] = {"pid": None, "engine": None, "url": None}


def database_url() -> str:
    from ckan.common import config

    return config.get("ckanext.opengov.pgsearch.url") or config.get("sqlalchemy.url")


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.autocommit = True
    with dbapi_conn.cursor() as cur:
        # JIT compilation costs more than it saves on these short queries, and facet
        # aggregation wants more than the default 4MB before spilling to disk. The
        # planner does not know that evaluating a text match row by row means reading
        # the out-of-line text vector of every row: steer it to the indexes. The index
        # is derived data (a rebuild restores it), so its commits need not wait for the
        # WAL flush, like Solr's soft commits.
        cur.execute("SET jit = off; SET work_mem = '32MB'; SET enable_seqscan = off; "
                    "SET synchronous_commit = off")


def get_engine() -> Engine:
    url = database_url()
    pid = os.getpid()
    with _lock:
        if _state["engine"] is None or _state["pid"] != pid or _state["url"] != url:
            if _state["engine"] is not None and _state["pid"] == pid:
                _state["engine"].dispose()
            engine = sa.create_engine(
                url, pool_size=5, max_overflow=10, pool_recycle=300
            )
            sa.event.listen(engine, "connect", _on_connect)
            _state.update(pid=pid, engine=engine, url=url)
        return _state["engine"]


def dispose() -> None:
    with _lock:
        if _state["engine"] is not None and _state["pid"] == os.getpid():
            _state["engine"].dispose()
        _state.update(pid=None, engine=None, url=None)


@contextlib.contextmanager
def cursor() -> Iterator[Any]:
    """A psycopg2 cursor on an autocommit connection from the pool."""
    raw: Any = get_engine().raw_connection()
    try:
        with raw.cursor() as cur:
            try:
                yield cur
            except (psycopg2.errors.UndefinedTable, psycopg2.errors.UndefinedColumn) as exc:
                raise MissingTablesError() from exc
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                # A dropped connection (database restart): do not give it back.
                raw.invalidate()
                raise
    finally:
        raw.close()


def tables_exist() -> bool:
    with cursor() as cur:
        cur.execute("SELECT to_regclass(%s), to_regclass(%s)", (DOC_TABLE, FACET_TABLE))
        row = cur.fetchone()
    return bool(row and row[0] and row[1])
