"""Facet counts per document class.

A document's class is the set of its values of the fields CKAN filters every query on
(site, state, capacity, permission labels, type). Counts are kept per class, so that
a query filtering on those fields only is counted and faceted without reading
documents. The index is derived data: this revision recreates it empty; run
``ckan search-index rebuild`` afterwards.

Revision ID: 0003_pgsearch
Revises: 0002_pgsearch
Create Date: 2026-08-25
"""
from __future__ import annotations

from alembic import op

revision = "0003_pgsearch"
down_revision = "0002_pgsearch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        DROP TABLE IF EXISTS opengov_search_doc;
        DROP TABLE IF EXISTS opengov_search_facet;
        DROP TABLE IF EXISTS opengov_search_long_field;
        DROP TABLE IF EXISTS opengov_search_class;
        DROP FUNCTION IF EXISTS opengov_search_facet_delta() CASCADE;
        DROP FUNCTION IF EXISTS opengov_search_facet_truncate() CASCADE;

        CREATE SEQUENCE opengov_search_doc_seq;
        CREATE TABLE opengov_search_doc (
            index_id text PRIMARY KEY,
            site_id text NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('opengov_search_doc_seq'),
            cls bigint NOT NULL,
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
        CREATE INDEX opengov_search_doc_modified_idx ON opengov_search_doc
            (((sortv ->> 'metadata_modified') COLLATE "C") DESC NULLS LAST);
        CREATE INDEX opengov_search_doc_created_idx ON opengov_search_doc
            (((sortv ->> 'metadata_created') COLLATE "C") DESC NULLS LAST);
        CREATE INDEX opengov_search_doc_title_idx
            ON opengov_search_doc (((sortv ->> 'title_string') COLLATE "C"));
        CREATE INDEX opengov_search_doc_name_idx
            ON opengov_search_doc (((sortv ->> 'name') COLLATE "C"));

        -- Classes: the CLASS_FIELDS terms shared by the documents of a class.
        CREATE TABLE opengov_search_class (
            id bigint PRIMARY KEY,
            terms tsvector NOT NULL
        );
        -- Documents of each class carrying each facet term (the lexemes of ftv; the
        -- lexeme ':' that every document carries counts the class). Kept exact by the
        -- triggers below, in the transaction that changes the documents.
        CREATE TABLE opengov_search_facet (
            cls bigint NOT NULL,
            lexeme text COLLATE "C" NOT NULL,
            n integer NOT NULL,
            PRIMARY KEY (cls, lexeme)
        );
        -- Facet fields that have values too long for ftv: counted the slow way.
        CREATE TABLE opengov_search_long_field (
            field text PRIMARY KEY
        );

        CREATE OR REPLACE FUNCTION opengov_search_facet_delta() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            -- Counters are locked in key order, so concurrent writers cannot deadlock.
            IF TG_OP = 'INSERT' THEN
                INSERT INTO opengov_search_facet (cls, lexeme, n)
                SELECT cls, lexeme, count(*) FROM (
                    SELECT cls, unnest(tsvector_to_array(ftv)) AS lexeme FROM new_rows
                ) s GROUP BY cls, lexeme ORDER BY cls, lexeme
                ON CONFLICT (cls, lexeme) DO UPDATE
                    SET n = opengov_search_facet.n + EXCLUDED.n;
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO opengov_search_facet (cls, lexeme, n)
                SELECT cls, lexeme, sum(delta) FROM (
                    SELECT cls, unnest(tsvector_to_array(ftv)) AS lexeme, 1 AS delta
                    FROM new_rows
                    UNION ALL
                    SELECT cls, unnest(tsvector_to_array(ftv)), -1 FROM old_rows
                ) s GROUP BY cls, lexeme HAVING sum(delta) <> 0 ORDER BY cls, lexeme
                ON CONFLICT (cls, lexeme) DO UPDATE
                    SET n = opengov_search_facet.n + EXCLUDED.n;
            ELSE
                INSERT INTO opengov_search_facet (cls, lexeme, n)
                SELECT cls, lexeme, -count(*) FROM (
                    SELECT cls, unnest(tsvector_to_array(ftv)) AS lexeme FROM old_rows
                ) s GROUP BY cls, lexeme ORDER BY cls, lexeme
                ON CONFLICT (cls, lexeme) DO UPDATE
                    SET n = opengov_search_facet.n + EXCLUDED.n;
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
        DROP TABLE IF EXISTS opengov_search_class;
        """
    )
