"""Narrow index rows, term vectors for facets, maintained facet counts.

The index is derived data: this revision recreates the table empty; run
``ckan search-index rebuild`` afterwards.

Revision ID: 0002_pgsearch
Revises: 0001_pgsearch
Create Date: 2026-08-25
"""
from __future__ import annotations

from alembic import op

revision = "0002_pgsearch"
down_revision = "0001_pgsearch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        DROP TABLE IF EXISTS opengov_search_doc;
        DROP TABLE IF EXISTS opengov_search_term;

        CREATE SEQUENCE opengov_search_doc_seq;
        CREATE TABLE opengov_search_doc (
            index_id text PRIMARY KEY,
            site_id text NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('opengov_search_doc_seq'),
            ftv tsvector NOT NULL,
            stv tsvector NOT NULL,
            sortv jsonb NOT NULL,
            tsv tsvector NOT NULL,
            vals jsonb NOT NULL,
            stored jsonb NOT NULL
        ) WITH (toast_tuple_target = 128, fillfactor = 90);
        ALTER SEQUENCE opengov_search_doc_seq OWNED BY opengov_search_doc.seq;
        -- What every matching row is checked for stays in the heap tuple; the rest is
        -- moved to TOAST, so scans over many rows read little.
        ALTER TABLE opengov_search_doc
            ALTER COLUMN ftv SET STORAGE MAIN,
            ALTER COLUMN stv SET STORAGE MAIN,
            ALTER COLUMN sortv SET STORAGE MAIN,
            ALTER COLUMN stored SET STORAGE EXTERNAL;
        CREATE UNIQUE INDEX opengov_search_doc_seq_idx ON opengov_search_doc (seq);
        CREATE INDEX opengov_search_doc_tsv_idx ON opengov_search_doc USING gin (tsv);
        CREATE INDEX opengov_search_doc_modified_idx
            ON opengov_search_doc (((sortv ->> 'metadata_modified') COLLATE "C") DESC NULLS LAST);
        CREATE INDEX opengov_search_doc_created_idx
            ON opengov_search_doc (((sortv ->> 'metadata_created') COLLATE "C") DESC NULLS LAST);
        CREATE INDEX opengov_search_doc_title_idx
            ON opengov_search_doc (((sortv ->> 'title_string') COLLATE "C"));
        CREATE INDEX opengov_search_doc_name_idx
            ON opengov_search_doc (((sortv ->> 'name') COLLATE "C"));

        -- Number of documents carrying each facet term (the lexemes of ftv), and the
        -- number of documents under the empty key. Kept exact by the triggers below,
        -- in the transaction that changes the documents.
        CREATE TABLE opengov_search_facet (
            lexeme text COLLATE "C" PRIMARY KEY,
            n integer NOT NULL
        );
        -- Facet fields that have values too long for ftv: counted the slow way.
        CREATE TABLE opengov_search_long_field (
            field text PRIMARY KEY
        );

        CREATE OR REPLACE FUNCTION opengov_search_facet_delta() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            -- Rows are locked in lexeme order, so concurrent writers cannot deadlock.
            IF TG_OP = 'INSERT' THEN
                INSERT INTO opengov_search_facet (lexeme, n)
                SELECT lexeme, count(*) FROM (
                    SELECT unnest(tsvector_to_array(ftv)) AS lexeme FROM new_rows
                    UNION ALL SELECT '' FROM new_rows
                ) s GROUP BY lexeme ORDER BY lexeme
                ON CONFLICT (lexeme) DO UPDATE SET n = opengov_search_facet.n + EXCLUDED.n;
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO opengov_search_facet (lexeme, n)
                SELECT lexeme, sum(delta) FROM (
                    SELECT unnest(tsvector_to_array(ftv)) AS lexeme, 1 AS delta FROM new_rows
                    UNION ALL
                    SELECT unnest(tsvector_to_array(ftv)), -1 FROM old_rows
                ) s GROUP BY lexeme HAVING sum(delta) <> 0 ORDER BY lexeme
                ON CONFLICT (lexeme) DO UPDATE SET n = opengov_search_facet.n + EXCLUDED.n;
            ELSE
                INSERT INTO opengov_search_facet (lexeme, n)
                SELECT lexeme, -count(*) FROM (
                    SELECT unnest(tsvector_to_array(ftv)) AS lexeme FROM old_rows
                    UNION ALL SELECT '' FROM old_rows
                ) s GROUP BY lexeme ORDER BY lexeme
                ON CONFLICT (lexeme) DO UPDATE SET n = opengov_search_facet.n + EXCLUDED.n;
            END IF;
            RETURN NULL;
        END $$;

        CREATE OR REPLACE FUNCTION opengov_search_facet_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE opengov_search_facet;
            RETURN NULL;
        END $$;

        CREATE TRIGGER opengov_search_facet_ins AFTER INSERT ON opengov_search_doc
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION opengov_search_facet_delta();
        CREATE TRIGGER opengov_search_facet_upd AFTER UPDATE ON opengov_search_doc
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION opengov_search_facet_delta();
        CREATE TRIGGER opengov_search_facet_del AFTER DELETE ON opengov_search_doc
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION opengov_search_facet_delta();
        CREATE TRIGGER opengov_search_facet_trunc AFTER TRUNCATE ON opengov_search_doc
            FOR EACH STATEMENT EXECUTE FUNCTION opengov_search_facet_truncate();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE IF EXISTS opengov_search_doc;
        DROP TABLE IF EXISTS opengov_search_facet;
        DROP TABLE IF EXISTS opengov_search_long_field;
        DROP FUNCTION IF EXISTS opengov_search_facet_delta();
        DROP FUNCTION IF EXISTS opengov_search_facet_truncate();
        """
    )
