"""Stored results of the background checks (link checks, DCAT-AP SHACL), and their readers.

The tables come from the plugin's migration (ckanext/opengov/migration/opengov_charter,
``ckan db upgrade -p opengov_charter``). Reads and writes use their own connection, never
CKAN's session: a dataset save that indexes the dataset must not be rolled back because a
result table is missing or busy, and a missing table only means "not assessed".
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert

log = logging.getLogger(__name__)

# its own metadata: CKAN's init_db and `db check` must not see these tables
metadata = sa.MetaData()
links = sa.Table(
    "opengov_charter_link", metadata,
    sa.Column("url_hash", sa.UnicodeText, primary_key=True),
    sa.Column("url", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText),
    sa.Column("status", sa.Integer),
    sa.Column("final_url", sa.UnicodeText),
    sa.Column("login", sa.Boolean, nullable=False),
    sa.Column("error", sa.UnicodeText),
    sa.Column("detail", sa.UnicodeText),
    sa.Column("method", sa.UnicodeText),
    sa.Column("elapsed_ms", sa.Integer),
    sa.Column("checked", sa.DateTime(timezone=True), nullable=False),
)
shacl = sa.Table(
    "opengov_charter_shacl", metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("conforms", sa.Boolean),
    sa.Column("violations", sa.Integer),
    sa.Column("messages", JSONB, nullable=False),
    sa.Column("shapes", sa.UnicodeText, nullable=False),
    sa.Column("dataset_modified", sa.UnicodeText),
    sa.Column("error", sa.UnicodeText),
    sa.Column("checked", sa.DateTime(timezone=True), nullable=False),
)

_MISSING_RECHECK = 60.0
_tables_seen_at: float | None = None
_tables_missing_at: float | None = None


def url_hash(url: str) -> str:
    """md5 of the URL, hex: the same as PostgreSQL's ``md5(url)``."""
    return hashlib.md5(url.encode("utf-8"), usedforsecurity=False).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _engine() -> sa.engine.Engine:
    from ckan.model import meta

    if meta.engine is None:
        raise RuntimeError("CKAN's database engine is not configured")
    return meta.engine


def available() -> bool:
    """Whether the result tables exist (the migration ran); a miss is re-checked each minute."""
    global _tables_seen_at, _tables_missing_at
    if _tables_seen_at is not None:
        return True
    if _tables_missing_at is not None and time.monotonic() - _tables_missing_at < _MISSING_RECHECK:
        return False
    try:
        inspector = sa.inspect(_engine())
        found = inspector.has_table(links.name) and inspector.has_table(shacl.name)
    except Exception:  # no database at all: nothing is stored, nothing is assessed
        log.warning("charter result tables cannot be inspected", exc_info=True)
        found = False
    if found:
        _tables_seen_at = time.monotonic()
    else:
        _tables_missing_at = time.monotonic()
        log.info("charter result tables are missing: run `ckan db upgrade -p opengov_charter`")
    return found


def forget_tables() -> None:
    """Look for the tables again on next use (tests, after a migration)."""
    global _tables_seen_at, _tables_missing_at
    _tables_seen_at = _tables_missing_at = None


# --------------------------------------------------------------------------- links


def _link_dict(row: Any) -> dict[str, Any]:
    return {"url": row.url, "status": row.status, "final_url": row.final_url,
            "login": bool(row.login), "error": row.error, "detail": row.detail,
            "method": row.method, "elapsed_ms": row.elapsed_ms,
            "checked": row.checked.isoformat() if row.checked else None}


def link_results(urls: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Stored results of ``urls``, by URL (URLs never checked are absent)."""
    wanted = {url_hash(u): u for u in urls}
    if not wanted or not available():
        return {}
    out: dict[str, dict[str, Any]] = {}
    hashes = list(wanted)
    with _engine().connect() as conn:
        for start in range(0, len(hashes), 1000):
            rows = conn.execute(sa.select(links).where(
                links.c.url_hash.in_(hashes[start:start + 1000])))
            for row in rows:
                out[wanted[row.url_hash]] = _link_dict(row)
    return out


def save_link(result: Mapping[str, Any], package_id: str | None) -> None:
    """Store one link check (replacing the previous result of the URL)."""
    url = str(result["url"])
    values = {
        "url_hash": url_hash(url), "url": url, "package_id": package_id,
        "status": result.get("status"), "final_url": result.get("final_url"),
        "login": bool(result.get("login")), "error": result.get("error"),
        "detail": (str(result["detail"])[:500] if result.get("detail") else None),
        "method": result.get("method"), "elapsed_ms": result.get("elapsed_ms"),
        "checked": result.get("checked") or now(),
    }
    stmt = insert(links).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[links.c.url_hash],
        set_={k: stmt.excluded[k] for k in values if k != "url_hash"})
    with _engine().begin() as conn:
        conn.execute(stmt)


def stale_packages(older_than: dt.datetime, limit: int) -> list[str]:
    """Active datasets with a link result older than ``older_than`` or a URL never checked."""
    if not available():
        return []
    query = sa.text("""
        SELECT package_id FROM (
            SELECT l.package_id, min(l.checked) AS since
              FROM opengov_charter_link l JOIN package p ON p.id = l.package_id
             WHERE p.state = 'active' AND l.checked < :cutoff
             GROUP BY l.package_id
            UNION ALL
            SELECT r.package_id, NULL AS since
              FROM resource r JOIN package p ON p.id = r.package_id
              LEFT JOIN opengov_charter_link l ON l.url_hash = md5(btrim(r.url))
             WHERE p.state = 'active' AND r.state = 'active' AND r.url ~* '^https?://'
               AND l.url_hash IS NULL
             GROUP BY r.package_id
        ) todo GROUP BY package_id ORDER BY min(since) NULLS FIRST LIMIT :limit
    """)
    with _engine().connect() as conn:
        return [row[0] for row in conn.execute(query, {"cutoff": older_than, "limit": limit})]


# --------------------------------------------------------------------------- SHACL


def shacl_result(package_id: str) -> dict[str, Any] | None:
    if not package_id or not available():
        return None
    with _engine().connect() as conn:
        row = conn.execute(sa.select(shacl).where(shacl.c.package_id == package_id)).first()
    if row is None:
        return None
    return {"conforms": row.conforms, "violations": row.violations,
            "messages": list(row.messages or []), "shapes": row.shapes,
            "dataset_modified": row.dataset_modified, "error": row.error,
            "checked": row.checked.isoformat() if row.checked else None}


def save_shacl(package_id: str, result: Mapping[str, Any]) -> None:
    values = {
        "package_id": package_id, "conforms": result.get("conforms"),
        "violations": result.get("violations"),
        "messages": json.loads(json.dumps(list(result.get("messages") or [])[:20])),
        "shapes": str(result.get("shapes") or ""),
        "dataset_modified": result.get("dataset_modified"),
        "error": result.get("error"), "checked": result.get("checked") or now(),
    }
    stmt = insert(shacl).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[shacl.c.package_id],
        set_={k: stmt.excluded[k] for k in values if k != "package_id"})
    with _engine().begin() as conn:
        conn.execute(stmt)


# --------------------------------------------------------------------------- for the checks


class StoredResults:
    """The ``link_result`` / ``shacl_result`` / ``prefetch`` of an assessment context.

    ``prefetch(dataset)`` reads every stored result the dataset's checks will ask for in one
    query, so a dataset with thousands of resources costs one round trip, not thousands.
    """

    def __init__(self, shapes: str | None = None) -> None:
        self._links: dict[str, dict[str, Any]] = {}
        self._asked: set[str] = set()
        self._shapes = shapes

    def prefetch(self, dataset: Mapping[str, Any]) -> None:
        from ckanext.opengov.charter.checks import link_urls

        urls = [u for u in link_urls(dict(dataset)) if u not in self._asked]
        self._asked.update(urls)
        self._links.update(link_results(urls))

    def link_result(self, url: str) -> dict[str, Any] | None:
        if url not in self._asked:
            self._asked.add(url)
            self._links.update(link_results([url]))
        return self._links.get(url)

    def shacl_result(self, dataset: Mapping[str, Any]) -> dict[str, Any] | None:
        """The cached validation of this version of the dataset against the configured shapes;
        None (not assessed) when none is configured, or the dataset changed since."""
        if not self._shapes:
            return None
        package_id = dataset.get("id") if isinstance(dataset, Mapping) else None
        stored = shacl_result(str(package_id)) if package_id else None
        if stored is None or stored["shapes"] != self._shapes or stored["error"]:
            return None
        modified = dataset.get("metadata_modified")
        if modified and stored["dataset_modified"] and str(modified) != stored["dataset_modified"]:
            return None
        return stored
