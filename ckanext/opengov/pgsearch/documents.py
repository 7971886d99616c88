"""From a Solr document (what CKAN passes to ``conn.add``) to one row of the index table.

A row keeps what queries touch on every matching document small and inline, and the
bulky parts out of line (TOAST):

- ``tsv`` (out of line tsvector): analysed text as ``field:term`` lexemes with per-field
  positions (phrases), and every exact term ``field:value`` of string and boolean
  fields. A whole query (q and every fq) becomes, as far as it can, one tsquery that
  its GIN index answers without reading any row's vector (phrases excepted).
- ``ftv`` (inline tsvector): the exact terms of the fields facets are asked about
  (organization, tags, res_format...): facet counts come from ``ts_stat`` over it.
- ``stv`` (inline tsvector): the lexemes of short text values (titles), for scoring.
- ``sortv`` (inline jsonb): dates, numbers, booleans, title_string and name, for
  sorting and ranges.
- ``cls``: the document's class, the code of its CLASS_FIELDS terms
  (``opengov_search_class``); facet counts are kept per class.
- ``vals`` / ``stored`` (out of line jsonb): every indexed non-text value, and the
  stored fields returned by ``fl``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .errors import IndexingError
from .schema import Field, Schema
from .values import date_key, date_output, index_value, to_solr_string

# tsvector limits: positions are 1..16383 and a lexeme keeps at most 256 of them.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 255
MAX_LEXEME_BYTES = 2000
# Facet terms longer than this go to ``tsv`` (and facets on their field count slowly).
MAX_FACET_VALUE = 256
# Sort/range values longer than this are read from ``vals``.
MAX_SORT_VALUE = 256
# Text values with at most this many tokens also feed the score vector.
SHORT_TEXT_TOKENS = 16
_NULLS = (None, "")
TRUNCATED = "\uffff"

# String fields whose values are (nearly) unique per dataset: never faceted on, so
# their terms stay out of ``ftv`` and out of ``ts_stat``'s work.
KEY_FIELDS = frozenset({
    "index_id", "id", "name", "title_string", "url", "res_url", "ckan_url",
    "download_url", "revision_id", "data_dict", "validated_data_dict", "_version_",
})
# The fields CKAN filters on in every query (site, state, visibility, type). Their
# values put each document in a "class"; facet counts are kept per class, so a query
# that filters on these fields only (a dataset list without a search) is answered from
# the counts without reading documents.
CLASS_FIELDS = frozenset({
    "site_id", "state", "capacity", "entity_type", "permission_labels", "dataset_type",
})
# Separates the two words of a bigram lexeme; whitespace tokenizers never leave it in
# a token (Lucene counts U+001F as whitespace).
BIGRAM = "\x1f"
# Fields nobody facets on: left out of ``ftv`` so that rows stay small and facet
# counting has fewer terms to go through (a facet on them is still exact, slower).
FILTER_FIELDS = frozenset({
    "site_id", "state", "capacity", "entity_type", "permission_labels", "creator_user_id",
    "num_resources", "num_tags",
})
# String fields kept in ``sortv`` (besides every date, number and boolean), because
# CKAN sorts on them; sorting on another string field reads ``vals``.
SORT_STRING_FIELDS = frozenset({"title_string", "name"})
# The ``ftv`` lexeme every document carries: ts_stat's count of it is the number of
# documents (field names are never empty, so it cannot be a facet term).
ALL_DOCS = ":"


@dataclass
class Row:
    index_id: str
    site_id: str
    stored: dict[str, Any]
    vals: dict[str, list[Any]]
    sortv: dict[str, Any]
    ftv: str
    tsv: str
    stv: str
    cls: int = 0
    class_terms: str = ""
    long_fields: set[str] = field(default_factory=set)


def is_facet_field(name: str) -> bool:
    return name not in KEY_FIELDS and name not in FILTER_FIELDS


def term_lexeme(fname: str, value: str) -> str:
    return f"{fname}:{value}"


def class_code(class_literal: str) -> int:
    digest = hashlib.blake2b(class_literal.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def index_term(lexeme: str) -> str:
    """The lexeme kept for an exact term; a value too long for a lexeme keeps a prefix
    ending with a noncharacter, so prefix queries find it and exact ones never do."""
    if len(lexeme.encode()) <= MAX_LEXEME_BYTES:
        return lexeme
    cut = lexeme.encode()[: MAX_LEXEME_BYTES - 8].decode(errors="ignore")
    return cut + TRUNCATED


def _values(raw: Any) -> list[str]:
    items = raw if isinstance(raw, (list, tuple, set)) else (raw,)
    out = []
    for item in items:
        if item in _NULLS:
            continue
        if isinstance(item, dict):
            raise IndexingError("atomic updates (dict values) are not supported")
        out.append(to_solr_string(item))
    return out


def _escape(lexeme: str) -> str:
    if "'" not in lexeme and "\\" not in lexeme:
        return lexeme
    return lexeme.replace("\\", "\\\\").replace("'", "''")


def tsvector_literal(lexemes: dict[str, list[int]]) -> str:
    parts = []
    for lexeme, positions in lexemes.items():
        if positions:
            pos = ",".join(map(str, positions[:MAX_POSITIONS_PER_LEXEME]))
            parts.append(f"'{_escape(lexeme)}':{pos}")
        else:
            parts.append(f"'{_escape(lexeme)}'")
    return " ".join(parts)


def build_row(doc: dict[str, Any], schema: Schema) -> Row:
    """Index one document as Solr would with the schema: types, copyFields, analysis."""
    # Values per field, in document order, copyField targets appended after sources.
    inputs: dict[str, list[str]] = defaultdict(list)
    copied: dict[str, list[str]] = defaultdict(list)
    for name, raw in doc.items():
        if name == "_version_":
            continue
        values = _values(raw)
        if not values:
            continue
        inputs[name].extend(values)
        for target in schema.copy_targets(name):
            copied[target].extend(values)
    for target, values in copied.items():
        inputs[target].extend(values)

    key = schema.unique_key
    if not inputs.get(key):
        raise IndexingError(f"Document is missing mandatory uniqueKey field: {key}")
    doc_id = inputs[key][0]
    for required in ("id", "site_id"):
        if not inputs.get(required):
            raise IndexingError(f"[doc={doc_id}] missing required field: {required}")

    stored: dict[str, Any] = {}
    vals: dict[str, list[Any]] = {}
    sortv: dict[str, Any] = {}
    ftv: dict[str, list[int]] = {ALL_DOCS: []}
    class_terms: list[str] = []
    tsv: dict[str, list[int]] = defaultdict(list)
    stv: dict[str, list[int]] = defaultdict(list)
    long_fields: set[str] = set()

    for name, values in inputs.items():
        if ":" in name:
            raise IndexingError(f"[doc={doc_id}] field names may not contain ':' ({name})")
        fdef: Field | None = schema.field(name)
        if fdef is None:
            raise IndexingError(f"[doc={doc_id}] unknown field '{name}'")
        if not fdef.multi_valued and len(values) > 1:
            raise IndexingError(
                f"[doc={doc_id}] multiple values encountered for non multiValued "
                f"field {name}: {values!r}"[:1000]
            )
        kind = fdef.type.kind
        if kind == "text":
            if fdef.indexed:
                _index_text(fdef, values, tsv, stv, vals, schema.has_bigrams(name))
            out_values: list[Any] = values
        else:
            converted = [index_value(kind, name, v) for v in values]
            if fdef.indexed:
                vals[name] = converted
                if not fdef.multi_valued and (kind != "string" or name in SORT_STRING_FIELDS):
                    # A long string keeps a prefix: enough to sort on.
                    sortv[name] = converted[0][:MAX_SORT_VALUE] if kind == "string" \
                        else converted[0]
                if kind in ("string", "boolean", "binary"):
                    facet = is_facet_field(name)
                    for value in converted:
                        lexeme = term_lexeme(name, value)
                        tsv.setdefault(index_term(lexeme), [])
                        if name in CLASS_FIELDS:
                            class_terms.append(index_term(lexeme))
                        if facet:
                            if len(value) <= MAX_FACET_VALUE:
                                ftv[lexeme] = []
                            else:
                                long_fields.add(name)
            out_values = _stored_values(kind, converted)
        if fdef.stored:
            stored[name] = out_values if fdef.multi_valued else out_values[0]

    if "indexed_ts" not in stored and schema.field("indexed_ts") is not None:
        now = date_key(dt.datetime.now(dt.timezone.utc))
        stored["indexed_ts"] = date_output(now)
        vals["indexed_ts"] = [now]
    stored["_version_"] = time.time_ns() // 1000
    class_literal = tsvector_literal({t: [] for t in sorted(set(class_terms))})

    return Row(
        index_id=doc_id,
        site_id=inputs["site_id"][0],
        stored=stored,
        vals=vals,
        sortv=sortv,
        ftv=tsvector_literal(ftv),
        tsv=tsvector_literal(tsv),
        stv=tsvector_literal(stv),
        cls=class_code(class_literal),
        class_terms=class_literal,
        long_fields=long_fields,
    )


def _stored_values(kind: str, converted: list[Any]) -> list[Any]:
    if kind == "date":
        return [date_output(v) for v in converted]
    if kind == "boolean":
        return [v == "true" for v in converted]
    return converted


def _index_text(
    fdef: Field,
    values: list[str],
    tsv: dict[str, list[int]],
    stv: dict[str, list[int]],
    vals: dict[str, list[Any]],
    bigrams: bool = False,
) -> None:
    analyzer = fdef.type.index_analyzer
    if analyzer is None:
        return
    if analyzer.kind == "substring":
        vals[fdef.name] = [v.lower() for v in values]
        return
    gap = fdef.type.position_gap
    base = 0
    prefix = fdef.name + ":"
    # Titles (single-valued fields and the title_* ones), not descriptions.
    short = len(values) == 1 and (not fdef.multi_valued or fdef.name.startswith("title"))
    for value in values:
        tokens = analyzer.analyze(value)
        if not tokens:
            continue
        last = 0
        for pos, term in tokens:
            if len(term) > 400 and len((prefix + term).encode()) > MAX_LEXEME_BYTES:
                continue
            position = base + pos + 1
            if position > MAX_POSITION:
                position = MAX_POSITION
            positions = tsv[prefix + term]
            if not positions or positions[-1] != position:
                positions.append(position)
            if pos > last:
                last = pos
        if bigrams:
            by_pos: dict[int, list[str]] = defaultdict(list)
            for pos, term in tokens:
                by_pos[pos].append(term)
            for pos, terms in by_pos.items():
                for first in terms:
                    for second in by_pos.get(pos + 1, ()):
                        pair = prefix + first + BIGRAM + second
                        if len(pair) <= 400:
                            tsv.setdefault(pair, [])
        if short and len(tokens) <= SHORT_TEXT_TOKENS:
            for _pos, term in tokens:
                if len(term) <= 400:
                    stv[prefix + term] = []
        base += last + 1 + gap
