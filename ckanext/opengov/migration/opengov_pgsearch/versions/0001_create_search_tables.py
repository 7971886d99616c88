"""Create the search index tables.

Revision ID: 0001_pgsearch
Revises:
Create Date: 2026-08-25
"""
from __future__ import annotations

from alembic import op

revision = "0001_pgsearch"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per Solr document. `stored`: the stored fields, returned by `fl`;
    # `vals`: indexed values of non-text fields (dates as fixed-width UTC strings,
    # numbers as numbers) for ranges and sorting; `codes`: 64-bit codes of every
    # (string field, value) term and of "field has a value", for exact filters and
    # facet counts; `tsv`: analysed text as field-prefixed lexemes ('title:bicycl')
    # with per-field positions, for text matches, phrases and prefixes; `seq`: index
    # order, Solr's tie-breaker.
    op.execute(
        """
        CREATE SEQUENCE opengov_search_doc_seq;
        CREATE TABLE opengov_search_doc (
            index_id text PRIMARY KEY,
            site_id text NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('opengov_search_doc_seq'),
            stored jsonb NOT NULL,
            vals jsonb NOT NULL,
            codes bigint[] NOT NULL,
            tsv tsvector NOT NULL
        );
        ALTER SEQUENCE opengov_search_doc_seq OWNED BY opengov_search_doc.seq;
        CREATE INDEX opengov_search_doc_codes_idx ON opengov_search_doc USING gin (codes);
        CREATE INDEX opengov_search_doc_tsv_idx ON opengov_search_doc USING gin (tsv);
        CREATE INDEX opengov_search_doc_modified_idx
            ON opengov_search_doc (((vals -> 'metadata_modified' ->> 0) COLLATE "C"));
        CREATE INDEX opengov_search_doc_title_idx
            ON opengov_search_doc (((vals -> 'title_string' ->> 0) COLLATE "C"));

        -- The term dictionary: code -> (field, value), for facet values, wildcard
        -- and range expansion on string fields. Terms are never removed (like
        -- Lucene's dictionary before a merge); a stale term matches no document.
        CREATE TABLE opengov_search_term (
            code bigint PRIMARY KEY,
            field text NOT NULL,
            value text NOT NULL
        );
        CREATE INDEX opengov_search_term_field_idx
            ON opengov_search_term (field, (left(value, 200)) COLLATE "C");
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS opengov_search_doc; DROP TABLE IF EXISTS opengov_search_term;")
