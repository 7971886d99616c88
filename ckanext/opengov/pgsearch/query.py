"""Solr queries (standard Lucene, DisMax, eDisMax) to an intermediate form, then to SQL.

Parsing uses luqum's Lucene grammar; the boolean meaning of a clause list follows
Lucene's ``QueryParserBase.addClause`` (not operator precedence), so that
``a OR b AND c`` means what Solr makes of it.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ckan.common import _
from luqum import tree as lt
from luqum.exceptions import ParseError
from luqum.parser import parser as luqum_parser

from .analysis import Analyzer
from .documents import BIGRAM
from .errors import QuerySyntaxError, UnsupportedQuery
from .schema import Field, Schema
from .values import query_value

# --------------------------------------------------------------------------
# Intermediate form


class Node:
    pass


@dataclass(frozen=True)
class All(Node):
    pass


@dataclass(frozen=True)
class Nothing(Node):
    pass


@dataclass(frozen=True)
class Terms(Node):
    """Exact terms of a string (or boolean) field: the document has any of ``values``."""
    field: str
    values: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Exists(Node):
    """``field:*`` / ``field:[* TO *]``: the document has a value in ``field``."""
    field: str
    kind: str
    multi_valued: bool = False
    substring: bool = False
    boost: float = 1.0


@dataclass(frozen=True)
class Text(Node):
    """A tsquery over the field-prefixed lexemes."""
    tsquery: str
    boost: float = 1.0


@dataclass(frozen=True)
class TermPattern(Node):
    """String values of ``field`` matching a LIKE pattern or within a range."""
    field: str
    multi_valued: bool = False
    like: str | None = None
    lower: str | None = None
    upper: str | None = None
    include_lower: bool = True
    include_upper: bool = True
    boost: float = 1.0


@dataclass(frozen=True)
class ValueRange(Node):
    """Range or equality on a date / numeric field, from ``vals``."""
    field: str
    kind: str
    multi_valued: bool
    lower: Any = None
    upper: Any = None
    include_lower: bool = True
    include_upper: bool = True
    boost: float = 1.0


@dataclass(frozen=True)
class LexemePattern(Node):
    """A wildcard on a text field, checked against the document's lexemes."""
    field: str
    like: str
    boost: float = 1.0


@dataclass(frozen=True)
class Substring(Node):
    """An n-gram field term: the lowercased value contains ``needle``."""
    field: str
    needle: str
    boost: float = 1.0


@dataclass(frozen=True)
class Bool(Node):
    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()
    min_should: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class DisMax(Node):
    parts: tuple[Node, ...]
    tie: float = 0.0
    boost: float = 1.0


# --------------------------------------------------------------------------
# Parsing


@dataclass
class ParseContext:
    schema: Schema
    default_field: str | None = "text"
    default_and: bool = False
    # DisMax/eDisMax: unfielded clauses go to these fields, with boosts.
    qf: Sequence[tuple[str, float]] = ()
    tie: float = 0.0
    allow_fields: bool = True


_MUST, _SHOULD, _NOT = "must", "should", "not"


def _unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _has_unescaped(text: str, chars: str) -> bool:
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return True
        i += 1
    return False


def parse_lucene(q: str) -> lt.Item:
    q = q.strip()
    if q.startswith("{!"):
        raise UnsupportedQuery(_(
            "Local parameters ({!...}) are not supported by the PostgreSQL search backend."
        ))
    try:
        return luqum_parser.parse(q)
    except ParseError as exc:
        raise QuerySyntaxError(f"Cannot parse '{q}': {exc}") from exc
    except Exception as exc:  # luqum's lexer raises plain exceptions on odd input
        raise QuerySyntaxError(f"Cannot parse '{q}': {exc}") from exc


def _linear(item: lt.Item, conj: str | None) -> list[tuple[str | None, lt.Item]]:
    """Un-nest luqum's operator tree back to Lucene's flat clause list with conjunctions."""
    if isinstance(item, (lt.AndOperation, lt.OrOperation, lt.UnknownOperation)):
        op = (
            "AND" if isinstance(item, lt.AndOperation)
            else "OR" if isinstance(item, lt.OrOperation) else None
        )
        out = _linear(item.children[0], conj)
        for child in item.children[1:]:
            out.extend(_linear(child, op))
        return out
    return [(conj, item)]


class Builder:
    """Turns a luqum tree into the intermediate form for one parser configuration."""

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.saw_operator = False

    # -- boolean structure -------------------------------------------------

    def build(self, item: lt.Item, fname: str | None = None) -> Node | None:
        clauses = self._clauses(item)
        return self._boolean(clauses, fname)

    def _clauses(self, item: lt.Item) -> list[tuple[str | None, str | None, lt.Item]]:
        """(conjunction, modifier, item) triples, with && || ! read as Lucene does."""
        raw = _linear(item, None)
        out: list[tuple[str | None, str | None, lt.Item]] = []
        pending_conj: str | None = None
        pending_not = False
        for conj, sub in raw:
            if isinstance(sub, lt.Word) and sub.value in ("&&", "||"):
                pending_conj = "AND" if sub.value == "&&" else "OR"
                continue
            if isinstance(sub, lt.Word) and sub.value == "!":
                pending_not = True
                continue
            if pending_conj is not None:
                conj = pending_conj
                pending_conj = None
            mod: str | None = None
            while isinstance(sub, (lt.Plus, lt.Prohibit, lt.Not)):
                mod = "+" if isinstance(sub, lt.Plus) else "-"
                sub = sub.children[0]
            if isinstance(sub, lt.Word) and sub.value.startswith("!") and len(sub.value) > 1:
                mod = "-"
                sub = lt.Word(sub.value[1:])
            if pending_not:
                mod = "-"
                pending_not = False
            if conj or mod:
                self.saw_operator = True
            out.append((conj, mod, sub))
        if pending_conj or pending_not:
            raise QuerySyntaxError("Query ends with an operator")
        return out

    def _boolean(
        self, clauses: list[tuple[str | None, str | None, lt.Item]], fname: str | None
    ) -> Node | None:
        occurs: list[tuple[str, Node]] = []
        for conj, mod, item in clauses:
            node = self._item(item, fname)
            # Lucene addClause: AND makes the previous clause required, OR (with
            # AND as default operator) makes it optional.
            if occurs and conj == "AND":
                prev_occ, prev = occurs[-1]
                if prev_occ != _NOT:
                    occurs[-1] = (_MUST, prev)
            if occurs and self.ctx.default_and and conj == "OR":
                prev_occ, prev = occurs[-1]
                if prev_occ != _NOT:
                    occurs[-1] = (_SHOULD, prev)
            if node is None:
                continue
            if not self.ctx.default_and:
                prohibited = mod == "-"
                required = mod == "+" or (conj == "AND" and not prohibited)
            else:
                prohibited = mod == "-"
                required = not prohibited and conj != "OR"
            occ = _NOT if prohibited else _MUST if required else _SHOULD
            occurs.append((occ, node))
        if not occurs:
            return None
        if len(occurs) == 1 and occurs[0][0] != _NOT:
            return occurs[0][1]
        return make_bool(occurs)

    # -- single clauses ----------------------------------------------------

    def _item(self, item: lt.Item, fname: str | None) -> Node | None:
        if isinstance(item, lt.SearchField):
            if not self.ctx.allow_fields:
                raise QuerySyntaxError("Field queries are not allowed here")
            if fname is not None and isinstance(item.expr, lt.SearchField):
                raise QuerySyntaxError(f"Cannot parse field '{item.name}' inside a field query")
            if isinstance(item.expr, lt.SearchField):
                raise QuerySyntaxError(f"Cannot parse '{item}': nested field names")
            name = _unescape(item.name)
            if name == "*":
                if isinstance(item.expr, lt.Word) and item.expr.value == "*":
                    return All()
                raise QuerySyntaxError(f"Cannot parse '{item}': '*' is not a field")
            return self._item(item.expr, name)
        if isinstance(item, (lt.Group, lt.FieldGroup)):
            sub = self.build(item.expr, fname)
            return sub
        if isinstance(item, lt.Boost):
            node = self._item(item.expr, fname)
            return boosted(node, float(item.force)) if node is not None else None
        if isinstance(item, lt.Proximity):
            if not isinstance(item.term, lt.Phrase):
                raise QuerySyntaxError(f"Cannot parse '{item}'")
            return self._term(item.term, fname, slop=int(item.degree or 0))
        if isinstance(item, lt.Fuzzy):
            raise UnsupportedQuery(_(
                "Fuzzy queries ({query}) are not supported by the PostgreSQL search backend."
            ).format(query=item))
        if isinstance(item, lt.Regex):
            raise UnsupportedQuery(_(
                "Regular expression queries ({query}) are not supported by the PostgreSQL "
                "search backend."
            ).format(query=item))
        if isinstance(item, lt.Range):
            return self._range(item, fname)
        if isinstance(item, (lt.From, lt.To)):
            raise UnsupportedQuery(_(
                "Open range syntax ({query}) is not supported by the PostgreSQL search "
                "backend; use [x TO *]."
            ).format(query=item))
        if isinstance(item, (lt.Word, lt.Phrase)):
            return self._term(item, fname)
        if isinstance(item, (lt.AndOperation, lt.OrOperation, lt.UnknownOperation)):
            return self.build(item, fname)
        if isinstance(item, (lt.Plus, lt.Prohibit, lt.Not)):
            return self.build(item, fname)
        raise QuerySyntaxError(f"Cannot parse '{item}'")

    def _fields_for(self, fname: str | None) -> list[tuple[str, float]]:
        if fname is not None:
            return [(fname, 1.0)]
        if self.ctx.qf:
            return list(self.ctx.qf)
        if self.ctx.default_field is None:
            raise QuerySyntaxError("no default field (df) for an unfielded query")
        return [(self.ctx.default_field, 1.0)]

    def _term(self, item: lt.Term, fname: str | None, slop: int = 0) -> Node | None:
        fields = self._fields_for(fname)
        parts: list[Node] = []
        for name, boost in fields:
            node = field_term(self.ctx.schema, name, item, self.ctx.default_and, slop)
            if node is not None:
                parts.append(boosted(node, boost))
        if not parts:
            return None
        if fname is None and self.ctx.qf:
            return DisMax(tuple(parts), self.ctx.tie)
        return parts[0]

    def _range(self, item: lt.Range, fname: str | None) -> Node | None:
        name = fname if fname is not None else self.ctx.default_field
        if name is None or (fname is None and self.ctx.qf):
            raise QuerySyntaxError(f"A range ({item}) needs a field name")
        low = _unescape(str(item.low)) if not isinstance(item.low, lt.Phrase) else _unescape(
            item.low.value[1:-1])
        high = _unescape(str(item.high)) if not isinstance(item.high, lt.Phrase) else _unescape(
            item.high.value[1:-1])
        return field_range(self.ctx.schema, name, low, high, item.include_low, item.include_high)


def make_bool(occurs: list[tuple[str, Node]], min_should: int = 0) -> Node:
    must = tuple(n for o, n in occurs if o == _MUST)
    should = tuple(n for o, n in occurs if o == _SHOULD)
    must_not = tuple(n for o, n in occurs if o == _NOT)
    return Bool(must, should, must_not, min_should)


def boosted(node: Node, boost: float) -> Node:
    if boost == 1.0 or not hasattr(node, "boost"):
        return node
    return dataclasses.replace(node, boost=node.boost * boost)  # type: ignore[attr-defined,type-var]


# --------------------------------------------------------------------------
# Terms on one field


def _field(schema: Schema, name: str) -> Field:
    fdef = schema.field(name)
    if fdef is None:
        raise QuerySyntaxError(f"undefined field {name}")
    if not fdef.indexed:
        raise QuerySyntaxError(f"field {name} is not indexed and cannot be searched")
    return fdef


def _ts_lexeme(fname: str, term: str) -> str:
    escaped = f"{fname}:{term}".replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def _tokens_tsquery(
    fname: str, tokens: list[tuple[int, str]], phrase: bool, default_and: bool, slop: int = 0,
    bigrams: bool = False,
) -> str | None:
    by_pos: dict[int, list[str]] = {}
    for pos, term in tokens:
        by_pos.setdefault(pos, [])
        if term not in by_pos[pos]:
            by_pos[pos].append(term)
    if not by_pos:
        return None
    groups = []
    for pos in sorted(by_pos):
        lexemes = [_ts_lexeme(fname, t) for t in by_pos[pos]]
        groups.append((pos, lexemes[0] if len(lexemes) == 1 else
                       "(" + " | ".join(lexemes) + ")"))
    if len(groups) == 1:
        return groups[0][1]
    if phrase:
        if slop:
            return _sloppy_phrase(groups, slop)
        phrase_query = groups[0][1]
        for (prev, _), (pos, lex) in zip(groups, groups[1:], strict=False):
            distance = pos - prev
            op = "<->" if distance == 1 else f"<{distance}>"
            phrase_query = f"{phrase_query} {op} {lex}"
        positions = sorted(by_pos)
        if bigrams and all(b - a == 1 for a, b in zip(positions, positions[1:], strict=False)):
            # Adjacent word pairs are indexed: two words are the pair itself, longer
            # phrases need every pair (and the positions, checked on fewer rows).
            pairs = []
            for a, b in zip(positions, positions[1:], strict=False):
                pairs.append(_or_lexemes([
                    _ts_lexeme(fname, first + BIGRAM + second)
                    for first in by_pos[a] for second in by_pos[b]
                ]))
            needed = " & ".join(pairs)
            return f"({needed})" if len(positions) == 2 else f"({needed} & {phrase_query})"
        return f"({phrase_query})"
    joiner = " & " if default_and else " | "
    return "(" + joiner.join(g for _, g in groups) + ")"


def _or_lexemes(lexemes: list[str]) -> str:
    unique = list(dict.fromkeys(lexemes))
    return unique[0] if len(unique) == 1 else "(" + " | ".join(unique) + ")"


def _sloppy_phrase(groups: list[tuple[int, str]], slop: int) -> str:
    if len(groups) != 2:
        raise UnsupportedQuery(_(
            "Phrase slop (\"...\"~N) is only supported for two-word phrases by the "
            "PostgreSQL search backend."
        ))
    (p1, a), (p2, b) = groups
    base = p2 - p1
    # Lucene's sloppy phrase: the edit distance between the expected and the actual
    # offsets is at most the slop (a reversed pair costs two moves).
    options = []
    for actual in range(base - slop, base + slop + 1):
        cost = abs(actual - base)
        if cost > slop:
            continue
        if actual > 0:
            options.append(f"{a} <{actual}> {b}")
        elif actual < 0:
            options.append(f"{b} <{-actual}> {a}")
        else:
            options.append(f"{a} <0> {b}")
    return "(" + " | ".join(options) + ")"


def _wildcard_parts(raw: str) -> tuple[bool, str]:
    """Whether an unescaped Lucene term has wildcards, and the term with escapes kept."""
    return _has_unescaped(raw, "*?"), raw


def _like_pattern(raw: str) -> str:
    """A Lucene wildcard term (escapes intact) as a LIKE pattern with ``\\`` escapes."""
    out = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            out.append("\\" + nxt if nxt in "%_\\" else nxt)
            i += 2
            continue
        if char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        elif char in "%_\\":
            out.append("\\" + char)
        else:
            out.append(char)
        i += 1
    return "".join(out)


def field_term(
    schema: Schema, fname: str, item: lt.Term, default_and: bool, slop: int = 0
) -> Node | None:
    """One term or phrase on one field, analysed as that field's type says."""
    fdef = _field(schema, fname)
    is_phrase = isinstance(item, lt.Phrase)
    raw = item.value[1:-1] if is_phrase else item.value
    wildcard = not is_phrase and _has_unescaped(raw, "*?")
    kind = fdef.type.kind

    if wildcard:
        if raw == "*":
            return _exists(fdef)
        if kind in ("string", "boolean"):
            return TermPattern(fname, fdef.multi_valued, like=_like_pattern(raw))
        if kind == "text":
            return _text_wildcard(fdef, raw)
        raise UnsupportedQuery(_(
            "Wildcards on the {kind} field {field} are not supported by the PostgreSQL "
            "search backend."
        ).format(kind=kind, field=fname))

    value = _unescape(raw) if not is_phrase else raw.replace('\\"', '"').replace("\\\\", "\\")
    if kind == "text":
        analyzer = fdef.type.query_analyzer
        assert analyzer is not None
        if fdef.substring:
            return _substring(fdef, analyzer, value, is_phrase, default_and)
        tokens = analyzer.analyze(value)
        tsq = _tokens_tsquery(fname, tokens, is_phrase, default_and, slop,
                              schema.has_bigrams(fname))
        return Text(tsq) if tsq else None
    if kind in ("string", "boolean", "binary"):
        if kind == "boolean":
            value = query_value("boolean", fname, value)
        return Terms(fname, (value,))
    converted = query_value(kind, fname, value)
    return ValueRange(fname, kind, fdef.multi_valued, converted, converted)


def _exists(fdef: Field) -> Node:
    return Exists(fdef.name, fdef.type.kind, fdef.multi_valued, fdef.substring)


def _text_wildcard(fdef: Field, raw: str) -> Node:
    analyzer = fdef.type.query_analyzer
    assert analyzer is not None
    body = raw[:-1]
    if raw.endswith("*") and not raw.endswith("\\*") and not _has_unescaped(body, "*?"):
        prefix = analyzer.normalize(_unescape(body))
        if fdef.substring:
            raise UnsupportedQuery(_(
                "Wildcards on the n-gram field {field} are not supported by the PostgreSQL "
                "search backend."
            ).format(field=fdef.name))
        if not prefix:
            return _exists(fdef)
        return Text(_ts_lexeme(fdef.name, prefix) + ":*")
    if raw.startswith(("*", "?")):
        raise UnsupportedQuery(_(
            "Leading wildcards on the text field {field} ({query}) are not supported by "
            "the PostgreSQL search backend."
        ).format(field=fdef.name, query=raw))
    if fdef.substring:
        raise UnsupportedQuery(_(
            "Wildcards on the n-gram field {field} are not supported by the PostgreSQL "
            "search backend."
        ).format(field=fdef.name))
    # Any other wildcard: the literal prefix narrows through the index, then the
    # document's own lexemes are matched against the whole pattern.
    literal_end = min(i for i in (raw.find("*"), raw.find("?")) if i >= 0)
    prefix = analyzer.normalize(_unescape(raw[:literal_end]))
    pattern = analyzer.normalize(raw)
    return Bool(must=(
        Text(_ts_lexeme(fdef.name, prefix) + ":*"),
        LexemePattern(fdef.name, _like_pattern(pattern)),
    ))


def _substring(
    fdef: Field, analyzer: Analyzer, value: str, is_phrase: bool, default_and: bool
) -> Node | None:
    index_an = fdef.type.index_analyzer
    assert index_an is not None
    tokens = [t for _, t in analyzer.analyze(value)]
    if not tokens:
        return None
    if is_phrase and len(tokens) > 1:
        raise UnsupportedQuery(_(
            "Phrases on the n-gram field {field} are not supported by the PostgreSQL search "
            "backend."
        ).format(field=fdef.name))
    nodes: list[Node] = []
    for tok in tokens:
        if not index_an.min_gram <= len(tok) <= index_an.max_gram:
            nodes.append(Nothing())
        else:
            nodes.append(Substring(fdef.name, tok))
    if len(nodes) == 1:
        return nodes[0]
    occ = _MUST if default_and else _SHOULD
    return make_bool([(occ, n) for n in nodes])


def field_range(
    schema: Schema, fname: str, low: str, high: str, inc_low: bool, inc_high: bool
) -> Node:
    fdef = _field(schema, fname)
    kind = fdef.type.kind
    if low == "*" and high == "*":
        return _exists(fdef)
    if kind in ("date", "int", "float"):
        lo = None if low == "*" else query_value(kind, fname, low)
        hi = None if high == "*" else query_value(kind, fname, high)
        return ValueRange(fname, kind, fdef.multi_valued, lo, hi, inc_low, inc_high)
    if kind in ("string", "boolean"):
        return TermPattern(
            fname,
            fdef.multi_valued,
            lower=None if low == "*" else low,
            upper=None if high == "*" else high,
            include_lower=inc_low,
            include_upper=inc_high,
        )
    raise UnsupportedQuery(_(
        "Ranges on the text field {field} are not supported by the PostgreSQL search backend."
    ).format(field=fname))


# --------------------------------------------------------------------------
# The three parsers


def parse_standard(q: str, ctx: ParseContext) -> Node:
    tree = parse_lucene(q)
    node = Builder(ctx).build(tree)
    return node if node is not None else Nothing()


_DANGLING_OP = re.compile(r"\s+[-+\s]+$")
_CONSECUTIVE_OP = re.compile(r"\s+[+-](?:\s*[+-]+)+")


def dismax_escape(q: str) -> str:
    """What Solr's DisMaxQParser does to the user query before parsing it."""
    if q.count('"') % 2:
        q = q.replace('"', "")
    out = []
    for char in q:
        if char in '\\!():^[]/{}~*?':
            out.append("\\")
        out.append(char)
    escaped = "".join(out)
    escaped = _CONSECUTIVE_OP.sub(" ", escaped)
    return _DANGLING_OP.sub("", escaped)


def parse_qf(qf: str, schema: Schema) -> list[tuple[str, float]]:
    fields = []
    for part in qf.split():
        name, _, boost = part.partition("^")
        try:
            fields.append((name, float(boost) if boost else 1.0))
        except ValueError as exc:
            raise QuerySyntaxError(f"Invalid qf boost: {part}") from exc
    if not fields:
        raise QuerySyntaxError("qf names no field")
    for name, _ in fields:
        _field(schema, name)
    return fields


_MM_PART = re.compile(r"^(\d+)<(-?\d+%?)$")


def min_should_match(spec: str, optional: int) -> int:
    """Solr's ``mm`` for ``optional`` clauses (``2<-1 5<80%`` and friends)."""
    spec = (spec or "").strip()
    if not spec:
        return 0

    def one(expr: str) -> int:
        if expr.endswith("%"):
            pct = int(expr[:-1])
            calc = int(optional * pct / 100)
            return optional + calc if pct < 0 else calc
        num = int(expr)
        return optional + num if num < 0 else num

    try:
        if "<" in spec:
            result = optional
            for part in spec.split():
                match = _MM_PART.match(part)
                if not match:
                    raise ValueError(part)
                if optional > int(match.group(1)):
                    result = one(match.group(2))
                else:
                    break
        else:
            result = one(spec)
    except ValueError as exc:
        raise QuerySyntaxError(f"Invalid 'mm' parameter: {spec}") from exc
    return max(0, min(optional, result))


def _apply_mm(node: Node, mm: str) -> Node:
    if not isinstance(node, Bool):
        return node
    # Solr flattens optional nested boolean clauses before counting.
    flat_should: list[Node] = []
    for sub in node.should:
        if isinstance(sub, Bool) and not sub.must and not sub.must_not and sub.boost == 1.0 \
                and sub.min_should <= 1:
            flat_should.extend(sub.should)
        else:
            flat_should.append(sub)
    k = min_should_match(mm, len(flat_should))
    return Bool(node.must, tuple(flat_should), node.must_not, k, node.boost)


def parse_dismax(q: str, ctx: ParseContext, mm: str, edismax: bool = False) -> Node:
    if edismax:
        tree = parse_lucene(q)
    else:
        tree = parse_lucene(dismax_escape(q)) if dismax_escape(q).strip() else None
        if tree is None:
            return Nothing()
    builder = Builder(ctx)
    node = builder.build(tree)
    if node is None:
        return Nothing()
    if isinstance(node, Bool) and (not edismax or not builder.saw_operator):
        node = _apply_mm(node, mm)
    return node
