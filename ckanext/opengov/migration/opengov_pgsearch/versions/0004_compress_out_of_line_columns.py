"""Compress the out-of-line columns, with lz4 where the server has it.

Stored documents (data_dict, validated_data_dict) shrink about fourfold; lz4 keeps
decompression cheap for the rows a page shows and the vectors a phrase rechecks.
Applies to documents indexed from now on.

Revision ID: 0004_pgsearch
Revises: 0003_pgsearch
Create Date: 2026-08-25
"""
from __future__ import annotations

from alembic import op

revision = "0004_pgsearch"
down_revision = "0003_pgsearch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE opengov_search_doc ALTER COLUMN stored SET STORAGE EXTENDED;
        DO $$
        BEGIN
            ALTER TABLE opengov_search_doc
                ALTER COLUMN stored SET COMPRESSION lz4,
                ALTER COLUMN tsv SET COMPRESSION lz4,
                ALTER COLUMN vals SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            RAISE NOTICE 'lz4 is not available: keeping the default TOAST compression';
        END $$;
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE opengov_search_doc ALTER COLUMN stored SET STORAGE EXTERNAL;")
