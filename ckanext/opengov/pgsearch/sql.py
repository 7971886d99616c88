"""The intermediate query form as SQL over ``opengov_search_doc d`` (see :mod:`.documents`).

As much of a query as tsquery can say (terms, phrases, prefixes and their boolean
combinations, across ``q`` and every ``fq``) becomes one tsquery on ``tsv``: its GIN
index answers it without reading any document's vector. The rest (date and number
ranges, pattern checks...) are SQL conditions on the inline columns.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from .documents import (
    BIGRAM,
    CLASS_FIELDS,
    MAX_FACET_VALUE,
    MAX_LEXEME_BYTES,
    MAX_SORT_VALUE,
    SORT_STRING_FIELDS,
    TRUNCATED,
    is_facet_field,
    term_lexeme,
)
from .query import (
    All,
    Bool,
    DisMax,
    Exists,
    LexemePattern,
    Node,
    Nothing,
    Substring,
    TermPattern,
    Terms,
    Text,
    ValueRange,
)

# ``mm`` between 1 and all of n clauses is spelled out as a disjunction of conjunctions
# in the tsquery while that stays small; beyond, it is counted in SQL.
MAX_MM_COMBINATIONS = 64
_PHRASE = re.compile(r"<(-|\d+)>")


def literal(text: str) -> str:
    """A SQL string literal inlined in the statement (so expression indexes match).

    ``%`` is doubled because statements go through psycopg2's parameter formatting.
    """
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def sort_expr(field: str) -> str:
    """A single-valued field's value from ``sortv`` (as text); matches the indexes."""
    return f"(d.sortv ->> {literal(field)})"


def string_value_expr(field: str) -> str:
    """The exact value of a single-valued string field."""
    if field in SORT_STRING_FIELDS:
        # sortv keeps a prefix of long values
        return (
            f"(CASE WHEN length({sort_expr(field)}) < {MAX_SORT_VALUE} THEN {sort_expr(field)}"
            f" ELSE d.vals -> {literal(field)} ->> 0 END)"
        )
    return f"(d.vals -> {literal(field)} ->> 0)"


def sort_key_expr(field: str, kind: str) -> str:
    """What to sort a single-valued field on."""
    if kind != "string" and kind != "binary" or field in SORT_STRING_FIELDS:
        return sort_expr(field)
    return f"(d.vals -> {literal(field)} ->> 0)"


def ts_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _or(queries: Sequence[str]) -> str:
    unique = list(dict.fromkeys(queries))
    return unique[0] if len(unique) == 1 else "(" + " | ".join(unique) + ")"


def _and(queries: Sequence[str]) -> str:
    unique = list(dict.fromkeys(queries))
    return unique[0] if len(unique) == 1 else "(" + " & ".join(unique) + ")"


class Split:
    """A condition as ``tsv @@ tsq AND sql[0] AND sql[1]...`` (``tsq`` None: no text part).

    ``class_only``: the tsquery names terms of CLASS_FIELDS only, so it can be evaluated
    on a document's class instead of the document.
    """

    __slots__ = ("tsq", "sql", "class_only")

    def __init__(self, tsq: str | None = None, sql: list[str] | None = None,
                 class_only: bool = False) -> None:
        self.tsq = tsq
        self.sql = sql or []
        self.class_only = class_only

    @property
    def pure(self) -> bool:
        return self.tsq is not None and not self.sql


class QueryPlan:
    """The WHERE clause of a query (q and fqs), and its CLASS_FIELDS part.

    ``class_tsq`` is the tsquery the document classes must match (None: any class);
    ``only_classes`` says the query says nothing else, so counts and facets can come
    from the per-class counts.
    """

    __slots__ = ("where", "class_tsq", "only_classes", "expensive")

    def __init__(self, where: str, class_tsq: str | None, only_classes: bool,
                 expensive: bool = False) -> None:
        self.where = where
        self.class_tsq = class_tsq
        self.only_classes = only_classes
        # Phrases (GIN rechecks them on each candidate's vector) or row-by-row checks.
        self.expensive = expensive


def _conjuncts(node: Node) -> list[Node]:
    if isinstance(node, Bool) and not node.should and not node.must_not:
        return [c for child in node.must for c in _conjuncts(child)]
    return [node]


class Compiler:
    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def p(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    # -- matching ----------------------------------------------------------

    def where_all(self, nodes: Sequence[Node]) -> str:
        """The conjunction of ``nodes`` (q and the fqs), with one tsquery for all."""
        return self.plan(nodes).where

    def plan(self, nodes: Sequence[Node]) -> QueryPlan:
        """The conjunction of ``nodes``: filters on CLASS_FIELDS test the document's class
        (an inline code), the rest becomes one tsquery plus SQL conditions.

        Keeping CKAN's everywhere-true filters (state:active, site_id...) out of the
        tsquery spares GIN from intersecting posting lists that hold every document,
        and lets a date range or a sort index drive a query without reading vectors.
        """
        conjuncts = [c for node in nodes for c in _conjuncts(node)]
        on_class = [c for c in conjuncts if _class_only(c) and not isinstance(c, All)]
        rest = [c for c in conjuncts if c not in on_class]
        class_tsq = None
        if on_class:
            class_split = self.split(Bool(must=tuple(on_class)))
            if class_split.pure:
                class_tsq = class_split.tsq
            else:
                rest.extend(on_class)
        other = self.split(Bool(must=tuple(rest)))
        parts = []
        if other.tsq is not None or other.sql:
            parts.append(self.render(other))
        if class_tsq is not None:
            parts.append(
                "d.cls = ANY(ARRAY(SELECT c.id FROM opengov_search_class c "
                f"WHERE c.terms @@ {self.p(class_tsq)}::tsquery))"
            )
        where = " AND ".join(parts) if parts else "TRUE"
        expensive = bool(other.tsq and _PHRASE.search(other.tsq)) or any(
            "d.vals" in sql or "d.tsv" in sql for sql in other.sql)
        return QueryPlan(where, class_tsq, other.tsq is None and not other.sql, expensive)

    def where(self, node: Node) -> str:
        return self.render(self.split(node))

    def render(self, split: Split) -> str:
        parts = []
        if split.tsq is not None:
            parts.append(f"d.tsv @@ {self.p(split.tsq)}::tsquery")
        parts.extend(split.sql)
        if not parts:
            return "TRUE"
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def split(self, node: Node) -> Split:
        result = self._split(node)
        result.class_only = _class_only(node)
        return result

    def _split(self, node: Node) -> Split:
        if isinstance(node, All):
            return Split()
        if isinstance(node, Nothing):
            return Split(sql=["FALSE"])
        if isinstance(node, Text):
            return Split(node.tsquery)
        if isinstance(node, Terms):
            return self.terms(node)
        if isinstance(node, Exists):
            return self.exists(node)
        if isinstance(node, TermPattern):
            return self.term_pattern(node)
        if isinstance(node, ValueRange):
            return Split(sql=[self.value_range(node)])
        if isinstance(node, LexemePattern):
            pattern = like_escape(node.field) + ":" + node.like
            return Split(sql=[
                "EXISTS (SELECT 1 FROM unnest(d.tsv) u WHERE "
                f"u.lexeme LIKE {self.p(pattern)} AND strpos(u.lexeme, {self.p(BIGRAM)}) = 0)"
            ])
        if isinstance(node, Substring):
            return Split(sql=[
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                f"d.vals -> {literal(node.field)}) v WHERE strpos(v, {self.p(node.needle)}) > 0)"
            ])
        if isinstance(node, DisMax):
            return self.any_of(node.parts)
        if isinstance(node, Bool):
            return self.boolean(node)
        raise TypeError(node)

    def terms(self, node: Terms) -> Split:
        lexemes = []
        long_values = []
        for value in node.values:
            lexeme = term_lexeme(node.field, value)
            if len(lexeme.encode()) <= MAX_LEXEME_BYTES:
                lexemes.append(ts_lexeme(lexeme))
            else:
                long_values.append(value)
        if not long_values:
            return Split(_or(lexemes))
        # Values too long for a lexeme: found by their indexed prefix, checked in full.
        checks = []
        for value in long_values:
            pattern = TermPattern(node.field, True, like=like_escape(value))
            checks.append(self.render(self.term_pattern(pattern)))
        if lexemes:
            checks.insert(0, f"d.tsv @@ {self.p(_or(lexemes))}::tsquery")
        return Split(sql=["(" + " OR ".join(checks) + ")"])

    def prefix_query(self, field: str, prefix: str) -> str:
        lexeme = term_lexeme(field, prefix)
        if len(lexeme.encode()) > MAX_LEXEME_BYTES - 8:
            lexeme = lexeme.encode()[: MAX_LEXEME_BYTES - 8].decode(errors="ignore")
        return ts_lexeme(lexeme) + ":*"

    def exists(self, node: Exists) -> Split:
        if (node.kind == "text" and not node.substring) or node.kind in (
                "string", "boolean", "binary"):
            return Split(ts_lexeme(node.field + ":") + ":*")
        if not node.multi_valued and not node.substring:
            return Split(sql=[f"d.sortv ? {self.p(node.field)}"])
        return Split(sql=[f"d.vals ? {self.p(node.field)}"])

    def _on_values(self, node: TermPattern, make: Callable[[str], str]) -> str:
        """``make(expr)`` holds for one of the field's values."""
        if node.multi_valued:
            return (
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                f"d.vals -> {literal(node.field)}) v WHERE {make('v')})"
            )
        return make(string_value_expr(node.field))

    def term_pattern(self, node: TermPattern) -> Split:
        if node.like is not None:
            prefix = _like_prefix(node.like)
            exact_prefix = node.like == like_escape(prefix) + "%" and (
                len(term_lexeme(node.field, prefix).encode()) <= MAX_LEXEME_BYTES - 8)
            if exact_prefix:
                # A plain prefix: the term index answers it exactly.
                return Split(self.prefix_query(node.field, prefix))
            like = self.p(node.like)
            check = self._on_values(node, lambda v: f"{v} LIKE {like}")
            return Split(self.prefix_query(node.field, prefix), [check])
        lower = self.p(node.lower) if node.lower is not None else None
        upper = self.p(node.upper) if node.upper is not None else None
        if lower is None and upper is None:
            return Split(self.prefix_query(node.field, ""))

        def in_range(v: str) -> str:
            conds = []
            if lower is not None:
                conds.append(f"{v} COLLATE \"C\" {'>=' if node.include_lower else '>'} {lower}")
            if upper is not None:
                conds.append(f"{v} COLLATE \"C\" {'<=' if node.include_upper else '<'} {upper}")
            return "(" + " AND ".join(conds) + ")"

        return Split(self.prefix_query(node.field, ""), [self._on_values(node, in_range)])

    def value_range(self, node: ValueRange) -> str:
        numeric = node.kind in ("int", "float")
        if node.multi_valued:
            target = "v::numeric" if numeric else 'v COLLATE "C"'
        else:
            expr = sort_expr(node.field)
            target = f"({expr})::numeric" if numeric else f'{expr} COLLATE "C"'
        conds = []
        if node.lower is not None and node.lower == node.upper and node.include_lower \
                and node.include_upper:
            conds.append(f"{target} = {self.p(node.lower)}")
        else:
            if node.lower is not None:
                conds.append(f"{target} {'>=' if node.include_lower else '>'} {self.p(node.lower)}")
            if node.upper is not None:
                conds.append(f"{target} {'<=' if node.include_upper else '<'} {self.p(node.upper)}")
        if not conds:
            conds.append(f"{target} IS NOT NULL")
        if node.multi_valued:
            return (
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                f"d.vals -> {literal(node.field)}) v WHERE {' AND '.join(conds)})"
            )
        return "(" + " AND ".join(conds) + ")"

    def any_of(self, nodes: Sequence[Node]) -> Split:
        splits = [self.split(n) for n in nodes]
        if any(s.tsq is None and not s.sql for s in splits):
            return Split()  # one alternative matches everything
        if all(s.pure for s in splits):
            return Split(_or([s.tsq for s in splits if s.tsq]))
        pure = [s.tsq for s in splits if s.pure and s.tsq]
        parts = [f"d.tsv @@ {self.p(_or(pure))}::tsquery"] if pure else []
        parts += [self.render(s) for s in splits if not s.pure]
        return Split(sql=["(" + " OR ".join(parts) + ")"])

    def boolean(self, node: Bool) -> Split:
        tsqs: list[str] = []
        sqls: list[str] = []
        for child in node.must:
            split = self.split(child)
            if split.tsq is not None:
                tsqs.append(split.tsq)
            sqls.extend(split.sql)
        for child in node.must_not:
            split = self.split(child)
            if split.pure and split.tsq:
                tsqs.append(f"!{split.tsq}")
            elif split.tsq is None and not split.sql:
                sqls.append("FALSE")
            else:
                sqls.append(f"({self.render(split)}) IS NOT TRUE")
        k = node.min_should
        if node.should and not node.must:
            k = max(k, 1)
        if node.should and k > 0:
            n = len(node.should)
            k = min(k, n)
            if k == 1:
                split = self.any_of(node.should)
                if split.tsq is not None:
                    tsqs.append(split.tsq)
                sqls.extend(split.sql)
            else:
                splits = [self.split(c) for c in node.should]
                combos = _combinations(n, k)
                if all(s.pure for s in splits) and combos <= MAX_MM_COMBINATIONS:
                    if k == n:
                        tsqs.extend(s.tsq for s in splits if s.tsq)
                    else:
                        pure = [s.tsq or "" for s in splits]
                        tsqs.append(_or([
                            _and([pure[i] for i in combo])
                            for combo in itertools.combinations(range(n), k)
                        ]))
                elif k == n:
                    for split in splits:
                        if split.tsq is not None:
                            tsqs.append(split.tsq)
                        sqls.extend(split.sql)
                else:
                    # Too many combinations to spell out: any match narrows through the
                    # index, the count of matching clauses is checked row by row.
                    any_match = self.any_of(node.should)
                    if any_match.tsq is not None:
                        tsqs.append(any_match.tsq)
                    sqls.extend(any_match.sql)
                    total = " + ".join(
                        f"(COALESCE({self.render(s)}, FALSE))::int" for s in splits)
                    sqls.append(f"({total}) >= {int(k)}")
        # Only exclusions (Solr adds *:*) stay a tsquery too: GIN then scans its whole
        # index, which still beats reading every document's vector.
        return Split(_and(tsqs) if tsqs else None, sqls)

    # -- scoring -----------------------------------------------------------

    def score(self, node: Node) -> str:
        """An approximate relevance score (see the README: Solr vs pgsearch).

        Only inline data is read, so ranking thousands of matches stays cheap: a match
        in a short text field (titles) or on a facet term counts its boost; DisMax
        takes the best field plus ``tie`` times the others, as Solr does.
        """
        expr = self._score(node, 1.0)
        return "1.0" if expr is None else f"(1.0::float8 + {expr})"

    def _score(self, node: Node, boost: float) -> str | None:
        boost *= getattr(node, "boost", 1.0)
        weight = f"{float(round(boost, 6))}::float8"
        if isinstance(node, Text):
            if node.tsquery.startswith("'text"):
                return None  # the catch-all fields are multi-valued: never in stv
            # Positions are not kept in stv: a phrase counts as its words.
            tsq = node.tsquery.replace("<->", "&")
            tsq = re.sub(r"<\d+>", "&", tsq)
            return f"(CASE WHEN d.stv @@ {self.p(tsq)}::tsquery THEN {weight} ELSE 0.0 END)"
        if isinstance(node, Terms):
            if is_facet_field(node.field) and all(
                    len(v) <= MAX_FACET_VALUE for v in node.values):
                tsq = _or([ts_lexeme(term_lexeme(node.field, v)) for v in node.values])
                return (f"(CASE WHEN d.ftv @@ {self.p(tsq)}::tsquery THEN {weight} "
                        "ELSE 0.0 END)")
            return None
        if isinstance(node, DisMax):
            parts = [p for p in (self._score(n, boost) for n in node.parts) if p]
            if not parts:
                return None
            if len(parts) == 1:
                return parts[0]
            best = f"GREATEST({', '.join(parts)})"
            if not node.tie:
                return best
            return f"({best} + {node.tie} * (({' + '.join(parts)}) - {best}))"
        if isinstance(node, Bool):
            parts = [p for p in (self._score(n, boost) for n in node.must + node.should) if p]
            return "(" + " + ".join(parts) + ")" if parts else None
        return None


def _class_only(node: Node) -> bool:
    """Whether ``node`` only tests terms of CLASS_FIELDS (as whole values or prefixes)."""
    if isinstance(node, All):
        return True
    if isinstance(node, (Terms, Exists)):
        return node.field in CLASS_FIELDS
    if isinstance(node, TermPattern):
        return node.field in CLASS_FIELDS and node.like is not None and (
            node.like == like_escape(_like_prefix(node.like)) + "%")
    if isinstance(node, DisMax):
        return all(_class_only(n) for n in node.parts)
    if isinstance(node, Bool):
        return all(_class_only(n) for n in node.must + node.should + node.must_not)
    return False


def _combinations(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)


def _like_prefix(pattern: str) -> str:
    """The literal prefix of a LIKE pattern (backslash escapes resolved)."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        if char in "%_":
            break
        out.append(char)
        i += 1
    return "".join(out)


__all__ = ["Compiler", "TRUNCATED", "like_escape", "literal", "sort_expr"]
