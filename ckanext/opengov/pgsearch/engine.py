"""Solr request parameters to SQL, and Solr-shaped responses back."""
from __future__ import annotations

import fnmatch
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pysolr
from ckan.common import _
from psycopg2.extras import Json

from . import db
from .documents import ALL_DOCS, Row, build_row, is_facet_field
from .errors import QuerySyntaxError, UnsupportedQuery
from .query import Node, ParseContext, parse_dismax, parse_qf, parse_standard
from .schema import Schema, get_schema
from .sql import Compiler, QueryPlan, like_escape, literal, sort_key_expr
from .values import date_output

log = logging.getLogger(__name__)

# Parameters that change what Solr returns and that this engine does not implement:
# refusing them beats answering something else.
UNSUPPORTED_PARAMS = {
    "bf": "boost functions (bf)",
    "boost": "boost functions (boost)",
    "bq": "boost queries (bq)",
    "pf": "phrase fields (pf)",
    "pf2": "phrase fields (pf2)",
    "pf3": "phrase fields (pf3)",
    "group": "result grouping",
    "stats": "statistics",
    "facet.query": "facet queries",
    "facet.range": "range facets",
    "facet.pivot": "pivot facets",
    "facet.interval": "interval facets",
    "cursorMark": "cursor paging",
    "json.facet": "JSON facets",
    "expand": "collapse/expand",
    "mlt": "more like this",
}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _first(value: Any) -> Any:
    items = _as_list(value)
    return items[-1] if items else None


def _truthy(value: Any) -> bool:
    value = _first(value)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "on", "yes", "1")


def _int(params: dict[str, Any], key: str, default: int) -> int:
    value = _first(params.get(key))
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise QuerySyntaxError(f"Invalid integer for '{key}': {value!r}") from exc


def _split_sort(sort: str) -> list[str]:
    """Sort clauses, split on the commas that are not inside a function's arguments."""
    specs: list[str] = []
    depth = 0
    current: list[str] = []
    for char in sort:
        if char == "," and depth == 0:
            specs.append("".join(current))
            current = []
            continue
        depth += char == "("
        depth -= char == ")"
        current.append(char)
    specs.append("".join(current))
    return specs


@dataclass
class SortKey:
    sql: str
    desc: bool
    nulls_last: bool | None


class Searcher:
    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or get_schema()

    # -- parsing -------------------------------------------------------------

    def parse_q(self, q: str, params: dict[str, Any]) -> Node:
        def_type = _first(params.get("defType")) or "lucene"
        q_op = (_first(params.get("q.op")) or "OR").upper()
        df = _first(params.get("df"))
        if def_type in ("lucene", "standard"):
            ctx = ParseContext(self.schema, default_field=df, default_and=q_op == "AND")
            return parse_standard(q, ctx)
        if def_type in ("dismax", "edismax"):
            qf = _first(params.get("qf")) or df
            if not qf:
                raise QuerySyntaxError("DisMax needs 'qf' or 'df'")
            tie = float(_first(params.get("tie")) or 0.0)
            mm = _first(params.get("mm"))
            if mm is None:
                mm = "100%" if q_op == "AND" and def_type == "edismax" else (
                    "100%" if def_type == "dismax" else "0%")
            ctx = ParseContext(
                self.schema, default_field=df, default_and=False,
                qf=parse_qf(qf, self.schema), tie=tie, allow_fields=def_type == "edismax",
            )
            return parse_dismax(q, ctx, str(mm), edismax=def_type == "edismax")
        raise UnsupportedQuery(_(
            "The query parser {parser} is not supported by the PostgreSQL search backend."
        ).format(parser=def_type))

    def parse_fq(self, fq: str, params: dict[str, Any]) -> Node:
        q_op = (_first(params.get("q.op")) or "OR").upper()
        df = _first(params.get("df"))
        ctx = ParseContext(self.schema, default_field=df, default_and=q_op == "AND")
        return parse_standard(fq, ctx)

    def where(self, compiler: Compiler, q: str, params: dict[str, Any]
              ) -> tuple[str, Node, QueryPlan]:
        q_node = self.parse_q(q, params)
        nodes = [q_node]
        for fq in _as_list(params.get("fq")):
            if fq is None or not str(fq).strip():
                continue
            nodes.append(self.parse_fq(str(fq), params))
        plan = compiler.plan(nodes)
        return plan.where, q_node, plan

    # -- sorting ---------------------------------------------------------------

    def sort_keys(self, sort: str, score_sql: str) -> list[SortKey]:
        keys: list[SortKey] = []
        for spec in _split_sort(sort):
            spec = spec.strip()
            if not spec:
                continue
            parts = spec.rsplit(None, 1)
            if "(" in parts[0]:
                raise UnsupportedQuery(_(
                    "Sorting on functions ({sort}) is not supported by the PostgreSQL search "
                    "backend."
                ).format(sort=parts[0]))
            if len(parts) != 2 or parts[1].lower() not in ("asc", "desc"):
                raise pysolr.SolrError(
                    f"Can't determine a Sort Order (asc or desc) in sort spec '{spec}'"
                )
            name, direction = parts[0], parts[1].lower()
            desc = direction == "desc"
            if name == "score":
                keys.append(SortKey(score_sql, desc, None))
                continue
            fdef = self.schema.field(name)
            if fdef is None:
                raise QuerySyntaxError(f"sort param field can't be found: {name}")
            if fdef.multi_valued:
                raise QuerySyntaxError(f"can not sort on multivalued field: {name}")
            kind = fdef.type.kind
            if kind == "text":
                raise QuerySyntaxError(
                    f"can not sort on a tokenized text field: {name} (sort on a string "
                    "field such as title_string)"
                )
            expr = sort_key_expr(name, kind)
            if kind in ("int", "float"):
                # Lucene sorts a missing number as 0.
                keys.append(SortKey(f"COALESCE(({expr})::numeric, 0)", desc, None))
            elif kind == "date":
                # A missing date sorts as the epoch: below the dates CKAN writes.
                keys.append(SortKey(f'{expr} COLLATE "C"', desc, desc))
            else:
                # Lucene sorts a missing string as the lowest value unless the field
                # type says sortMissingLast / sortMissingFirst.
                if fdef.type.sort_missing_last:
                    nulls_last = True
                elif fdef.type.sort_missing_first:
                    nulls_last = False
                else:
                    nulls_last = desc
                keys.append(SortKey(f'{expr} COLLATE "C"', desc, nulls_last))
        return keys

    # -- the search ------------------------------------------------------------

    def search(self, q: str | None, params: dict[str, Any], decode_dates: bool) -> pysolr.Results:
        started = time.monotonic()
        for key, what in UNSUPPORTED_PARAMS.items():
            if _first(params.get(key)) not in (None, "", False, "false"):
                raise UnsupportedQuery(_(
                    "The Solr parameter {param} ({feature}) is not supported by the "
                    "PostgreSQL search backend."
                ).format(param=key, feature=what))
        q = q if q is not None and str(q).strip() else "*:*"
        start = _int(params, "start", 0)
        rows = _int(params, "rows", 10)
        if start < 0 or rows < 0:
            raise QuerySyntaxError("'start' and 'rows' must not be negative")

        compiler = Compiler()
        where_sql, q_node, plan = self.where(compiler, str(q), params)

        fl = self._fl(params)
        sort = _first(params.get("sort")) or "score desc"
        want_score = "score" in fl or "score" in sort

        docs: list[dict[str, Any]] = []
        facets: dict[str, Any] | None = None
        facet_fields = self._facet_fields(params) if _truthy(params.get("facet", "false")) \
            else []
        numfound: int | None = None
        with db.cursor() as cur:
            if plan.expensive and (facet_fields or rows > 0):
                # Phrases and pattern checks read each candidate's vectors: do it once,
                # then count, facet and page over the matching rows by number.
                cur.execute("SELECT COALESCE(array_agg(d.seq), '{}') FROM opengov_search_doc d "
                            f"WHERE {where_sql}", compiler.params)
                matched = cur.fetchone()[0]
                numfound = len(matched)
                compiler.params["matched"] = matched
                where_sql = "d.seq = ANY(%(matched)s::bigint[])"
                plan = QueryPlan(where_sql, None, False)
            if facet_fields:
                fast, slow = self._facet_kinds(cur, facet_fields)
                prefixes = [like_escape(f) + ":%" for f in fast] + [ALL_DOCS]
                # (Counting with unnest in the pass that pages was measured slower than
                # ts_stat and a second pass: ts_stat walks the vectors in C.)
                lexemes = self._term_counts(cur, compiler, where_sql, plan, prefixes)
                counted = lexemes.pop(ALL_DOCS, 0)
                numfound = counted if numfound is None else numfound
                facets = self._facets(cur, compiler, where_sql, params, facet_fields, slow,
                                      lexemes)
            if numfound is None:
                numfound = self.count(cur, compiler, where_sql, plan)
            if rows > 0 and numfound > start:
                docs = self._docs(cur, compiler, q_node, where_sql, sort, fl, start, rows,
                                  want_score)

        if decode_dates:
            from ckan.lib.search.common import solr_datetime_decoder

            docs = [solr_datetime_decoder(doc) for doc in docs]
        decoded: dict[str, Any] = {
            "responseHeader": {
                "status": 0,
                "QTime": int((time.monotonic() - started) * 1000),
                "params": {k: v for k, v in params.items() if isinstance(v, (str, int, list))},
            },
            "response": {"numFound": numfound, "start": start, "numFoundExact": True,
                         "docs": docs},
        }
        if facets is not None:
            decoded["facet_counts"] = {
                "facet_queries": {},
                "facet_fields": facets,
                "facet_ranges": {},
                "facet_intervals": {},
                "facet_heatmaps": {},
            }
        return pysolr.Results(decoded)

    def _fl(self, params: dict[str, Any]) -> list[str]:
        names: list[str] = []
        for value in _as_list(params.get("fl")) or ["*"]:
            for part in str(value).replace(",", " ").split():
                names.append(part)
        return names or ["*"]

    def _docs(
        self, cur: Any, compiler: Compiler, q_node: Node, where_sql: str, sort: str,
        fl: list[str], start: int, rows: int, want_score: bool,
    ) -> list[dict[str, Any]]:
        score_sql = compiler.score(q_node) if want_score else "1.0"
        order = []
        for key in self.sort_keys(sort, score_sql):
            if key.sql == "1.0":
                continue  # a constant score (match-all, filters only) orders nothing
            clause = f"{key.sql} {'DESC' if key.desc else 'ASC'}"
            if key.nulls_last is True:
                clause += " NULLS LAST"
            elif key.nulls_last is False:
                clause += " NULLS FIRST"
            order.append(clause)
        order.append("d.seq ASC")

        plain = [n for n in fl if n != "score" and not any(c in n for c in "*?")]
        globs = [n for n in fl if any(c in n for c in "*?")]
        if globs or not plain:
            select_doc = "d.stored" if globs else "'{}'::jsonb"
        else:
            select_doc = "jsonb_build_object(" + ", ".join(
                f"{literal(n)}, d.stored -> {literal(n)}" for n in plain
            ) + ")"
        score_col = score_sql if "score" in fl else "NULL::float8"
        # Order and cut on the inline columns first; read the (large, out of line)
        # stored documents of the page only.
        sql = (
            f"SELECT {select_doc}, top.score FROM ("
            f" SELECT d.seq, {score_col} AS score, row_number() OVER () AS ord FROM ("
            f"  SELECT d.seq, d.sortv, d.stv, d.ftv FROM opengov_search_doc d"
            f"  WHERE {where_sql} ORDER BY {', '.join(order)}"
            f"  LIMIT {int(rows)} OFFSET {int(start)}) d"
            f") top JOIN opengov_search_doc d ON d.seq = top.seq ORDER BY top.ord"
        )
        cur.execute(sql, compiler.params)
        out = []
        for stored, score in cur.fetchall():
            if globs:
                doc = {k: v for k, v in stored.items()
                       if k in plain or any(fnmatch.fnmatchcase(k, g) for g in globs)}
            else:
                doc = {k: v for k, v in stored.items() if v is not None}
            if score is not None:
                doc["score"] = float(score)
            out.append(doc)
        return out

    # -- facets ----------------------------------------------------------------

    def _facet_param(self, params: dict[str, Any], fname: str, key: str) -> Any:
        override = params.get(f"f.{fname}.facet.{key}")
        return _first(override) if override is not None else _first(params.get(f"facet.{key}"))

    def _facet_int(self, params: dict[str, Any], fname: str, key: str, default: int) -> int:
        value = self._facet_param(params, fname, key)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise QuerySyntaxError(f"Invalid integer for 'facet.{key}': {value!r}") from exc

    def _facet_fields(self, params: dict[str, Any]) -> list[str]:
        fields: list[str] = []
        for value in _as_list(params.get("facet.field")):
            if not value or value in fields:
                continue
            if str(value).startswith("{!"):
                raise UnsupportedQuery(_(
                    "Local parameters ({!...}) are not supported by the PostgreSQL search "
                    "backend."
                ))
            if self.schema.field(str(value)) is None:
                raise QuerySyntaxError(f"undefined field {value}")
            fields.append(str(value))
        return fields

    def _facet_kinds(self, cur: Any, fields: list[str]) -> tuple[list[str], list[str]]:
        """Facet fields counted from the term vectors, and the others (counted slowly)."""
        cur.execute("SELECT ARRAY(SELECT field FROM opengov_search_long_field)")
        long_fields = set(cur.fetchone()[0])
        fast, slow = [], []
        for fname in fields:
            fdef = self.schema.field(fname)
            assert fdef is not None
            if fdef.type.kind in ("string", "boolean", "binary") and is_facet_field(fname) \
                    and fname not in long_fields:
                fast.append(fname)
            else:
                slow.append(fname)
        return fast, slow

    def _facets(
        self, cur: Any, compiler: Compiler, where_sql: str, params: dict[str, Any],
        fields: list[str], slow: list[str], lexemes: dict[str, int],
    ) -> dict[str, list[Any]]:
        """Solr's facet_fields from the lexeme counts (and slow counts for the rest)."""
        counts: dict[str, dict[str, int]] = {f: {} for f in fields}
        for lexeme, n in lexemes.items():
            fname, _sep, value = lexeme.partition(":")
            if n > 0 and fname in counts:
                counts[fname][value] = n
        for fname in slow:
            fdef = self.schema.field(fname)
            assert fdef is not None
            counts[fname] = self._slow_counts(cur, fdef.type.kind, fname, where_sql,
                                              compiler.params)

        out: dict[str, list[Any]] = {}
        for fname in fields:
            fdef = self.schema.field(fname)
            assert fdef is not None
            limit = self._facet_int(params, fname, "limit", 100)
            mincount = self._facet_int(params, fname, "mincount", 0)
            offset = self._facet_int(params, fname, "offset", 0)
            prefix = self._facet_param(params, fname, "prefix")
            sort = self._facet_param(params, fname, "sort") or ("count" if limit > 0 else "index")
            if _truthy(self._facet_param(params, fname, "missing") or "false"):
                raise UnsupportedQuery(_(
                    "The Solr parameter {param} ({feature}) is not supported by the "
                    "PostgreSQL search backend."
                ).format(param="facet.missing", feature="facet.missing"))
            values = counts[fname]
            if mincount <= 0:
                for value in self._all_values(cur, fname, fdef.type.kind, fname not in slow):
                    values.setdefault(value, 0)
            items = [(v, n) for v, n in values.items() if n >= mincount]
            if prefix:
                items = [(v, n) for v, n in items if str(v).startswith(prefix)]
            numeric = fdef.type.kind in ("int", "float")

            def key(value: str, numeric: bool = numeric) -> Any:
                # Solr's index order: numbers by value, strings by code point.
                return float(value) if numeric else value

            if sort == "index":
                items.sort(key=lambda vn: key(vn[0]))
            elif sort == "count":
                items.sort(key=lambda vn: (-vn[1], key(vn[0])))
            else:
                raise QuerySyntaxError(f"Unknown facet sort value: {sort}")
            items = items[offset:]
            if limit >= 0:
                items = items[:limit]
            flat: list[Any] = []
            for value, n in items:
                flat.extend((value, n))
            out[fname] = flat
        return out

    def _term_counts(
        self, cur: Any, compiler: Compiler, where_sql: str, plan: QueryPlan,
        prefixes: list[str],
    ) -> dict[str, int]:
        """Counts of the facet lexemes matching ``prefixes`` over the matching documents
        (``ALL_DOCS``, which every document carries, counts the matches).

        A query on CLASS_FIELDS only is answered from the per-class counts; any other
        from ``ts_stat`` over the matching documents.
        """
        class_sql = self._class_condition(cur, plan)
        if class_sql is not None:
            cur.execute(
                "SELECT f.lexeme, sum(f.n) FROM opengov_search_class c "
                "JOIN opengov_search_facet f ON f.cls = c.id "
                f"WHERE {class_sql} AND f.lexeme LIKE ANY(%(prefixes)s) GROUP BY f.lexeme",
                {"prefixes": prefixes},
            )
        else:
            inner = cur.mogrify(f"SELECT d.ftv FROM opengov_search_doc d WHERE {where_sql}",
                                compiler.params).decode()
            cur.execute(
                "SELECT word, ndoc FROM ts_stat(%(inner)s) WHERE word LIKE ANY(%(prefixes)s)",
                {"inner": inner, "prefixes": prefixes})
        return {lexeme: int(n) for lexeme, n in cur.fetchall()}

    def _class_condition(self, cur: Any, plan: QueryPlan) -> str | None:
        """SQL on ``opengov_search_class c`` equivalent to the query, when it only
        filters on CLASS_FIELDS; else None."""
        if not plan.only_classes:
            return None
        if plan.class_tsq is None:
            return "TRUE"
        return cur.mogrify("c.terms @@ %s::tsquery", [plan.class_tsq]).decode()

    def count(self, cur: Any, compiler: Compiler, where_sql: str, plan: QueryPlan) -> int:
        class_sql = self._class_condition(cur, plan)
        if class_sql is not None:
            cur.execute(
                "SELECT COALESCE(sum(f.n), 0) FROM opengov_search_class c "
                "JOIN opengov_search_facet f ON f.cls = c.id "
                f"WHERE {class_sql} AND f.lexeme = %(all)s", {"all": ALL_DOCS})
        else:
            cur.execute(f"SELECT count(*) FROM opengov_search_doc d WHERE {where_sql}",
                        compiler.params)
        return int(cur.fetchone()[0])

    def _slow_counts(
        self, cur: Any, kind: str, fname: str, where_sql: str, params: dict[str, Any]
    ) -> dict[str, int]:
        if kind == "text":
            prefix = fname + ":"
            cur.execute(
                "SELECT substr(u.lexeme, %(facet_from)s), count(*) FROM opengov_search_doc d,"
                f" unnest(d.tsv) u WHERE ({where_sql})"
                " AND starts_with(u.lexeme, %(facet_prefix)s) AND u.positions <> '{}'"
                " GROUP BY 1",
                {**params, "facet_from": len(prefix) + 1, "facet_prefix": prefix},
            )
        else:
            cur.execute(
                "SELECT v, count(DISTINCT d.seq) FROM opengov_search_doc d,"
                f" jsonb_array_elements_text(d.vals -> {literal(fname)}) v"
                f" WHERE {where_sql} GROUP BY v",
                params,
            )
        return {self._facet_value(kind, v): n for v, n in cur.fetchall()}

    def _all_values(self, cur: Any, fname: str, kind: str, fast: bool) -> Iterable[str]:
        """Every value of the field in the index (``facet.mincount=0``)."""
        if fast:
            cur.execute("SELECT lexeme FROM opengov_search_facet WHERE lexeme LIKE %s",
                        [like_escape(fname) + ":%"])
            return [r[0].partition(":")[2] for r in cur.fetchall()]
        return list(self._slow_counts(cur, kind, fname, "TRUE", {}).keys())

    @staticmethod
    def _facet_value(kind: str, value: str) -> str:
        if kind == "date":
            return date_output(value)
        return value


# -- writes ---------------------------------------------------------------------

# One writer at a time. An upsert fires two statement triggers (inserted rows, then updated
# ones), each locking facet counters in key order but the two passes not in one order, so
# writers that interleaved could deadlock on the counters. The lock lasts until the write's
# implicit transaction commits: a few milliseconds for one dataset.
WRITER_LOCK = "SELECT pg_advisory_xact_lock(7454413277433653367)"  # b"gsearchw"


def add_documents(docs: Iterable[dict[str, Any]], schema: Schema | None = None) -> int:
    """Upsert documents; one round trip for the whole batch."""
    schema = schema or get_schema()
    rows: dict[str, Row] = {}
    for doc in docs:
        row = build_row(doc, schema)
        rows[row.index_id] = row  # the last version of a repeated id wins, as in Solr
    if not rows:
        return 0
    ordered = [rows[k] for k in sorted(rows)]
    long_fields = sorted({f for r in ordered for f in r.long_fields})
    values = [
        (r.index_id, r.site_id, r.cls, r.ftv, r.stv, Json(r.sortv), r.tsv, Json(r.vals),
         Json(r.stored))
        for r in ordered
    ]
    classes = sorted({(r.cls, r.class_terms) for r in ordered})
    with db.cursor() as cur:
        # The statements go as one message: one implicit transaction, one round trip.
        statements = [WRITER_LOCK, cur.mogrify(
            "INSERT INTO opengov_search_class (id, terms) VALUES "
            + ",".join(["(%s, %s::tsvector)"] * len(classes)) + " ON CONFLICT DO NOTHING",
            [x for pair in classes for x in pair]).decode()]
        if long_fields:
            statements.append(cur.mogrify(
                "INSERT INTO opengov_search_long_field (field) SELECT unnest(%s::text[]) "
                "ON CONFLICT DO NOTHING", [long_fields]).decode())
        row_sql = ",".join(
            cur.mogrify(
                "(%s, %s, %s, %s::tsvector, %s::tsvector, %s, %s::tsvector, %s, %s)", v
            ).decode()
            for v in values
        )
        statements.append(
            "INSERT INTO opengov_search_doc "
            "(index_id, site_id, cls, ftv, stv, sortv, tsv, vals, stored) VALUES " + row_sql +
            " ON CONFLICT (index_id) DO UPDATE SET site_id = EXCLUDED.site_id, "
            "cls = EXCLUDED.cls, "
            "ftv = EXCLUDED.ftv, stv = EXCLUDED.stv, sortv = EXCLUDED.sortv, "
            "tsv = EXCLUDED.tsv, vals = EXCLUDED.vals, stored = EXCLUDED.stored, "
            "seq = nextval('opengov_search_doc_seq')"
        )
        cur.execute(";\n".join(statements))
    return len(rows)


def delete_documents(ids: Iterable[str] | None = None, q: str | None = None,
                     schema: Schema | None = None) -> int:
    params: dict[str, object]
    if ids is not None:
        where_sql, params = "d.index_id = ANY(%(ids)s)", {"ids": list(ids)}
    else:
        assert q is not None
        compiler = Compiler()
        where_sql = compiler.where(Searcher(schema).parse_fq(q, {"q.op": "OR"}))
        params = compiler.params
    with db.cursor() as cur:
        cur.execute(f"{WRITER_LOCK}; DELETE FROM opengov_search_doc d WHERE {where_sql}", params)
        return cur.rowcount
