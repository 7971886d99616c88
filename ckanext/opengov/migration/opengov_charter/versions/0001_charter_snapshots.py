"""Charter score snapshots (the trend lines).

Revision ID: 0001_charter
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_charter"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # one row per day and scope (site, level of government, jurisdiction): the scores of the
    # public datasets that day; ckanext/opengov/charter/trends.py writes and reads it
    op.create_table(
        "opengov_charter_snapshot",
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
        sa.UniqueConstraint("day", "scope", "key",
                            name="opengov_charter_snapshot_day_scope_key"),
    )
    op.create_index("opengov_charter_snapshot_scope_key_day", "opengov_charter_snapshot",
                    ["scope", "key", "day"])


def downgrade() -> None:
    op.drop_table("opengov_charter_snapshot")
