"""Dated snapshots of the Charter scores, for the trend lines of the dashboards.

``ckan opengov charter snapshot`` (daily, from docker/crontab) stores one row per scope:
the site, each level of government and each jurisdiction, with the mean and median score,
the datasets per band and the mean of each principle. A day has at most one snapshot: taking
it again replaces that day's rows. The table comes from the plugin's migration
(ckanext/opengov/migration/opengov_charter, applied by ``ckan db upgrade``).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckanext.opengov.charter import aggregate, report

log = logging.getLogger(__name__)

TABLE_NAME = "opengov_charter_snapshot"
SITE, LEVEL, JURISDICTION = "site", "level", "jurisdiction"

# its own metadata: CKAN's init_db and `db check` must not see it
metadata = sa.MetaData()
snapshots = sa.Table(
    TABLE_NAME, metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("scope", sa.UnicodeText, nullable=False),
    sa.Column("key", sa.UnicodeText, nullable=False, server_default=""),
    sa.Column("datasets", sa.Integer, nullable=False),
    sa.Column("assessed", sa.Integer, nullable=False),
    sa.Column("mean", sa.Float),
    sa.Column("median", sa.Integer),
    sa.Column("mqa_mean", sa.Float),
    sa.Column("bands", JSONB, nullable=False),
    sa.Column("principles", JSONB, nullable=False),
    sa.Column("methodology_version", sa.UnicodeText, nullable=False),
    sa.Column("taken", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("day", "scope", "key", name="opengov_charter_snapshot_day_scope_key"),
)


class SnapshotTableMissing(RuntimeError):
    """The migration has not been applied (``ckan db upgrade``)."""


def _engine() -> Any:
    import ckan.model as model

    return model.Session.get_bind()


def table_exists() -> bool:
    return bool(sa.inspect(_engine()).has_table(TABLE_NAME))


def _row(day: dt.date, scope: str, key: str, summary: dict[str, Any],
         taken: dt.datetime) -> dict[str, Any]:
    return {
        "day": day, "scope": scope, "key": key,
        "datasets": int(summary["datasets"]), "assessed": int(summary["assessed"]),
        "mean": summary["score"]["mean"], "median": summary["score"]["median"],
        "mqa_mean": summary["mqa"]["score"]["mean"],
        "bands": dict(summary["bands"]),
        "principles": {p: s["mean"] for p, s in summary["principles"].items()},
        "methodology_version": summary["methodology_version"], "taken": taken,
    }


def take_snapshot(day: dt.date | None = None) -> dict[str, Any]:
    """Record the scores of ``day`` (default: today, UTC), replacing that day's rows."""
    if not table_exists():
        raise SnapshotTableMissing(TABLE_NAME)
    taken = dt.datetime.now(dt.timezone.utc)
    day = day or taken.date()
    data = aggregate.site(report.methodology())
    rows = [_row(day, SITE, "", data["site"], taken)]
    rows += [_row(day, LEVEL, lv["level"], lv, taken) for lv in data["levels"]]
    rows += [_row(day, JURISDICTION, j["id"], j, taken) for j in data["jurisdictions"]]
    with _engine().begin() as conn:
        conn.execute(snapshots.delete().where(snapshots.c.day == day))
        conn.execute(snapshots.insert(), rows)
    log.info("charter snapshot of %s: %s rows", day, len(rows))
    return {"day": day.isoformat(), "rows": len(rows), "levels": len(data["levels"]),
            "jurisdictions": len(data["jurisdictions"])}


def histories(scope: str, keys: list[str], limit: int = 60) -> dict[str, list[dict[str, Any]]]:
    """The last ``limit`` snapshots of each key of one scope, oldest first; one query on the
    request's own database session (no table yet: no history)."""
    import ckan.model as model

    out: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    if not keys or model.Session.execute(
            sa.text("SELECT to_regclass(:t)"), {"t": TABLE_NAME}).scalar() is None:
        return out
    ranked = sa.select(
        snapshots, sa.func.row_number().over(
            partition_by=snapshots.c.key, order_by=snapshots.c.day.desc()).label("rank"),
    ).where(snapshots.c.scope == scope, snapshots.c.key.in_(keys)).subquery()
    found = model.Session.execute(
        sa.select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.key, ranked.c.day)
    ).mappings().all()
    for row in found:
        item = {k: v for k, v in row.items() if k not in ("id", "rank")}
        item["day"] = row["day"].isoformat()
        item["taken"] = row["taken"].isoformat()
        out[row["key"]].append(item)
    return out


def history(scope: str, key: str = "", limit: int = 60) -> list[dict[str, Any]]:
    """The last ``limit`` snapshots of one scope, oldest first."""
    return histories(scope, [key], limit)[key]
