"""Stored results of the background link checks and DCAT-AP SHACL validations.

Revision ID: 0002_charter_checks
Revises: 0001_charter
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_charter_checks"
down_revision = "0001_charter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # one row per checked URL (keyed by md5 of the URL, which PostgreSQL's md5() also gives,
    # so SQL can join resources to their results); ckanext/opengov/charter/results.py
    op.create_table(
        "opengov_charter_link",
        sa.Column("url_hash", sa.UnicodeText, primary_key=True),
        sa.Column("url", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("status", sa.Integer),
        sa.Column("final_url", sa.UnicodeText),
        sa.Column("login", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("error", sa.UnicodeText),
        sa.Column("detail", sa.UnicodeText),
        sa.Column("method", sa.UnicodeText),
        sa.Column("elapsed_ms", sa.Integer),
        sa.Column("checked", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("opengov_charter_link_checked", "opengov_charter_link", ["checked"])
    op.create_index("opengov_charter_link_package", "opengov_charter_link", ["package_id"])
    # one row per dataset: the last SHACL validation of its DCAT output
    op.create_table(
        "opengov_charter_shacl",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("conforms", sa.Boolean),
        sa.Column("violations", sa.Integer),
        sa.Column("messages", JSONB, nullable=False, server_default="[]"),
        sa.Column("shapes", sa.UnicodeText, nullable=False),
        sa.Column("dataset_modified", sa.UnicodeText),
        sa.Column("error", sa.UnicodeText),
        sa.Column("checked", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("opengov_charter_shacl")
    op.drop_table("opengov_charter_link")
