"""The Solr schema as the engine sees it: field types, fields, dynamic fields, copyFields.

Read at startup from the ``schema.xml`` CKAN ships (``ckan/config/solr/schema.xml``)
plus this suite's additions (``pgsearch/solr/schema-opengov.xml``), so that the engine
indexes and matches every field exactly as a Solr core with those files would.
"""
from __future__ import annotations

import functools
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .analysis import AnalysisConfigError, Analyzer, build_analyzer

HERE = os.path.dirname(__file__)
OPENGOV_SCHEMA = os.path.join(HERE, "solr", "schema-opengov.xml")

# Solr field classes and the kind of values they hold here.
_KINDS = {
    "StrField": "string",
    "BoolField": "boolean",
    "BinaryField": "binary",
    "IntPointField": "int",
    "LongPointField": "int",
    "TrieIntField": "int",
    "TrieLongField": "int",
    "FloatPointField": "float",
    "DoublePointField": "float",
    "TrieFloatField": "float",
    "TrieDoubleField": "float",
    "DatePointField": "date",
    "TrieDateField": "date",
    "TextField": "text",
}


class SchemaError(Exception):
    """The Solr schema files declare something the engine cannot reproduce."""


@dataclass(frozen=True)
class FieldType:
    name: str
    kind: str  # string, boolean, binary, int, float, date, text
    multi_valued: bool = False
    position_gap: int = 0
    sort_missing_last: bool = False
    sort_missing_first: bool = False
    index_analyzer: Analyzer | None = None
    query_analyzer: Analyzer | None = None

    @property
    def is_text(self) -> bool:
        return self.kind == "text"


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    indexed: bool = True
    stored: bool = True
    multi_valued: bool = False

    @property
    def substring(self) -> bool:
        """An n-gram field: matched by substring tests on the lowercased value."""
        return self.type.index_analyzer is not None and self.type.index_analyzer.kind == "substring"


@dataclass
class Schema:
    name: str
    types: dict[str, FieldType] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    dynamic: list[tuple[str, Field]] = field(default_factory=list)
    copy_fields: list[tuple[str, str]] = field(default_factory=list)
    unique_key: str = "index_id"

    def __post_init__(self) -> None:
        self._cache: dict[str, Field | None] = {}
        self._copy_cache: dict[str, tuple[str, ...]] = {}

    def field(self, name: str) -> Field | None:
        """The field definition for ``name``: explicit, else the matching dynamic field."""
        if name in self._cache:
            return self._cache[name]
        found = self.fields.get(name)
        if found is None:
            for pattern, template in self.dynamic:
                if _glob_match(pattern, name) is not None:
                    found = Field(name, template.type, template.indexed, template.stored,
                                  template.multi_valued)
                    break
        self._cache[name] = found
        return found

    def has_bigrams(self, name: str) -> bool:
        """Catch-all fields (copyField destinations) also index adjacent word pairs, so
        that phrases on them are answered by the index instead of row by row."""
        return any(dest == name for _, dest in self.copy_fields)

    def copy_targets(self, name: str) -> tuple[str, ...]:
        """Fields that receive a copy of ``name`` (copyField, with glob sources/dests)."""
        if name in self._copy_cache:
            return self._copy_cache[name]
        dests: list[str] = []
        for source, dest in self.copy_fields:
            matched = _glob_match(source, name)
            if matched is None:
                continue
            target = dest.replace("*", matched) if "*" in dest else dest
            if target not in dests and target != name:
                dests.append(target)
        self._copy_cache[name] = tuple(dests)
        return self._copy_cache[name]


def _glob_match(pattern: str, name: str) -> str | None:
    """What ``*`` stands for when ``name`` matches ``pattern`` (Solr globs: a*, *a, *)."""
    if pattern == "*":
        return name
    if "*" not in pattern:
        return "" if pattern == name else None
    if pattern.startswith("*"):
        suffix = pattern[1:]
        return name[: -len(suffix)] if name.endswith(suffix) and len(name) > len(suffix) else None
    if pattern.endswith("*"):
        prefix = pattern[:-1]
        return name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else None
    raise SchemaError(f"unsupported glob pattern {pattern!r}")


def _attr_bool(el: ET.Element, key: str, default: bool) -> bool:
    value = el.get(key)
    if value is None:
        return default
    return value.strip().lower() == "true"


def _read_words_factory(schema_dir: str):
    def read_words(filename: str) -> frozenset[str] | None:
        path = os.path.join(schema_dir, filename)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return frozenset(
                line.strip() for line in f if line.strip() and not line.startswith("#")
            )
    return read_words


def _parse_type(el: ET.Element, schema_dir: str) -> FieldType:
    name = el.get("name", "")
    cls = (el.get("class") or "").rsplit(".", 1)[-1]
    kind = _KINDS.get(cls)
    if kind is None:
        raise SchemaError(f"field type {name}: unsupported class {el.get('class')}")
    index_an = query_an = None
    if kind == "text":
        analyzers = {a.get("type", "all"): a for a in el.findall("analyzer")}
        if not analyzers:
            raise SchemaError(f"field type {name}: a text type needs an <analyzer>")
        read_words = _read_words_factory(schema_dir)
        built: dict[str, Analyzer] = {}
        for a_type, a_el in analyzers.items():
            tok_el = a_el.find("tokenizer")
            if tok_el is None:
                raise SchemaError(f"field type {name}: analyzer without tokenizer")
            try:
                built[a_type] = build_analyzer(
                    name,
                    (tok_el.get("class", ""), dict(tok_el.attrib)),
                    [(f.get("class", ""), dict(f.attrib)) for f in a_el.findall("filter")],
                    read_words,
                )
            except AnalysisConfigError as exc:
                raise SchemaError(str(exc)) from exc
        index_an = built.get("index") or built.get("all")
        query_an = built.get("query") or built.get("all")
        if index_an is None or query_an is None:
            raise SchemaError(f"field type {name}: needs index and query analyzers")
        if index_an.kind == "substring" and query_an.kind != "tokens":
            raise SchemaError(f"field type {name}: n-gram query analyzers are not supported")
    return FieldType(
        name=name,
        kind=kind,
        multi_valued=_attr_bool(el, "multiValued", False),
        position_gap=int(el.get("positionIncrementGap", "0")),
        sort_missing_last=_attr_bool(el, "sortMissingLast", False),
        sort_missing_first=_attr_bool(el, "sortMissingFirst", False),
        index_analyzer=index_an,
        query_analyzer=query_an,
    )


def _merge(schema: Schema, path: str) -> None:
    root = ET.parse(path).getroot()
    schema_dir = os.path.dirname(path)
    for el in root.iter():
        if el.tag.lower() == "fieldtype":
            ftype = _parse_type(el, schema_dir)
            if ftype.name in schema.types:
                raise SchemaError(f"{path}: field type {ftype.name} is declared twice")
            schema.types[ftype.name] = ftype
    for el in root.iter():
        if el.tag not in ("field", "dynamicField"):
            continue
        name = el.get("name", "")
        type_name = el.get("type", "")
        field_type = schema.types.get(type_name)
        if field_type is None:
            raise SchemaError(f"{path}: field {name} has unknown type {type_name}")
        fdef = Field(
            name=name,
            type=field_type,
            indexed=_attr_bool(el, "indexed", True),
            stored=_attr_bool(el, "stored", True),
            multi_valued=_attr_bool(el, "multiValued", ftype.multi_valued),
        )
        if el.tag == "field":
            if name in schema.fields:
                raise SchemaError(f"{path}: field {name} is declared twice")
            schema.fields[name] = fdef
        else:
            schema.dynamic = [(p, f) for p, f in schema.dynamic if p != name] + [(name, fdef)]
    for el in root.iter("copyField"):
        schema.copy_fields.append((el.get("source", ""), el.get("dest", "")))
    key = root.find("uniqueKey")
    if key is not None and key.text:
        schema.unique_key = key.text.strip()
    # Solr tries longer dynamic patterns first; "*" comes last.
    schema.dynamic.sort(key=lambda item: -len(item[0]))


def ckan_schema_path() -> str:
    import ckan

    return os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml")


def load_schema(paths: tuple[str, ...] | None = None) -> Schema:
    if paths is None:
        paths = (ckan_schema_path(), OPENGOV_SCHEMA)
    root = ET.parse(paths[0]).getroot()
    schema = Schema(name=root.get("name", ""))
    for path in paths:
        _merge(schema, path)
    for source, dest in schema.copy_fields:
        if "*" not in dest and schema.field(dest) is None:
            raise SchemaError(f"copyField {source} -> {dest}: no such field")
    return schema


@functools.lru_cache(maxsize=1)
def get_schema() -> Schema:
    return load_schema()
