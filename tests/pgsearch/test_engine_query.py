"""Query translation: Lucene / DisMax / eDisMax to the engine's query form (no database)."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.opengov.pgsearch.errors import QuerySyntaxError, UnsupportedQuery
from ckanext.opengov.pgsearch.query import (
    All,
    Bool,
    DisMax,
    Exists,
    LexemePattern,
    ParseContext,
    TermPattern,
    Terms,
    Text,
    ValueRange,
    dismax_escape,
    min_should_match,
    parse_dismax,
    parse_qf,
    parse_standard,
)
from ckanext.opengov.pgsearch.schema import get_schema
from ckanext.opengov.pgsearch.sql import Compiler
from ckanext.opengov.pgsearch.values import parse_date_math

QF = "name^4 title^4 tags^2 groups^2 text"


def lucene(q: str, default_and: bool = True):
    return parse_standard(q, ParseContext(get_schema(), "text", default_and))


def dismax(q: str, mm: str = "2<-1 5<80%", edismax: bool = False):
    schema = get_schema()
    ctx = ParseContext(schema, "text", False, parse_qf(QF, schema), 0.1,
                       allow_fields=edismax)
    return parse_dismax(q, ctx, mm, edismax=edismax)


def test_fielded_terms_by_type() -> None:
    assert lucene("tags:economy") == Terms("tags", ("economy",))
    assert lucene("title:Bicycles") == Text("'title:bicycl'")
    assert lucene('title:"bicycle lanes"') == Text("('title:bicycl' <-> 'title:lane')")
    assert lucene('name:"bikes"') == Terms("name", ("bikes",))
    assert lucene(r"name:foo\-bar") == Terms("name", ("foo-bar",))
    assert lucene("*:*") == All()
    assert lucene("notes:*") == Exists("notes", "text", False)


def test_lucene_clause_semantics_follow_add_clause() -> None:
    a, b, c = (Text(f"'text:{x}'") for x in "abc")
    # q.op=AND: "a OR b AND c" makes a optional and b, c required (Lucene, not precedence)
    assert lucene("a OR b AND c") == Bool(must=(b, c), should=(a,))
    assert lucene("a b") == Bool(must=(a, b))
    assert lucene("a b", default_and=False) == Bool(should=(a, b))
    assert lucene("a -b") == Bool(must=(a,), must_not=(b,))
    assert lucene("a AND NOT b") == Bool(must=(a,), must_not=(b,))
    assert lucene("a && b || c", default_and=False) == Bool(must=(a, b), should=(c,))
    assert lucene("-a") == Bool(must_not=(a,))
    assert lucene("+a b", default_and=False) == Bool(must=(a,), should=(b,))
    grouped = lucene("tags:(x OR y)")
    assert grouped == Bool(should=(Terms("tags", ("x",)),
                                   Terms("tags", ("y",))))


def test_ckan_filters() -> None:
    fq = lucene('+permission_labels:("public" OR "member-1")')
    assert fq == Bool(should=(Terms("permission_labels", ("public",)),
                              Terms("permission_labels", ("member-1",))))
    delete_one = lucene('+entity_type:package AND +(id:"X" OR name:"X") AND +site_id:"default"',
                        default_and=False)
    assert isinstance(delete_one, Bool) and len(delete_one.must) == 3


def test_ranges_and_date_math() -> None:
    node = lucene("metadata_modified:[2020-01-01T00:00:00Z TO *]")
    assert node == ValueRange("metadata_modified", "date", False,
                              "2020-01-01T00:00:00.000Z", None, True, True)
    assert lucene("views_total:{1 TO 5]") == ValueRange("views_total", "int", False, 1, 5,
                                                        False, True)
    assert lucene("metadata_modified:[* TO *]") == Exists("metadata_modified", "date")
    assert lucene("name:[a TO c}") == TermPattern("name", lower="a", upper="c",
                                                  include_upper=False)
    assert lucene("tags:[a TO c]") == TermPattern("tags", True, lower="a", upper="c")
    now = dt.datetime(2024, 3, 15, 13, 45, 10, 123456, tzinfo=dt.timezone.utc)
    assert parse_date_math("NOW-1YEAR/DAY", now) == dt.datetime(2023, 3, 15, tzinfo=dt.timezone.utc)
    assert parse_date_math("NOW/DAY+1DAY", now) == dt.datetime(2024, 3, 16, tzinfo=dt.timezone.utc)
    assert parse_date_math("2024-01-31T00:00:00Z+1MONTH", now).day == 29
    with pytest.raises(QuerySyntaxError):
        lucene("metadata_modified:[2020-01-01 TO *]")


def test_wildcards() -> None:
    assert lucene("title:bicy*") == Text("'title:bicy':*")
    assert lucene("title:Écol*") == Text("'title:ecol':*")
    assert lucene("name:bike*") == TermPattern("name", like="bike%")
    assert lucene(r"name:50\%*") == TermPattern("name", like="50\\%%")
    single = lucene("notes:cyclis?")
    assert single == Bool(must=(Text("'notes:cyclis':*"), LexemePattern("notes", "cyclis_")))
    with pytest.raises(UnsupportedQuery, match="Leading wildcards"):
        lucene("title:*cycle")


def test_unsupported_syntax_is_refused_clearly() -> None:
    with pytest.raises(UnsupportedQuery, match="Fuzzy"):
        lucene("title:bicycle~1")
    with pytest.raises(UnsupportedQuery, match="Regular expression"):
        lucene("name:/bike.*/")
    with pytest.raises(UnsupportedQuery, match="Ranges on the text field"):
        lucene("title:[a TO b]")
    with pytest.raises(UnsupportedQuery, match="Local parameters"):
        lucene("{!lucene}title:x")
    with pytest.raises(QuerySyntaxError):
        lucene("title:(bicycle")


def test_dismax_escapes_everything_but_phrases_and_signs() -> None:
    assert dismax_escape("title:x (y) z*") == r"title\:x \(y\) z\*"
    assert dismax_escape('"unbalanced') == "unbalanced"
    assert dismax_escape("a +-b") == "a b"
    assert dismax_escape("chocolate chip -") == "chocolate chip"


@pytest.mark.parametrize(("optional", "expected"), [
    (1, 1), (2, 2), (3, 2), (5, 4), (6, 4), (10, 8),
])
def test_ckan_mm(optional: int, expected: int) -> None:
    assert min_should_match("2<-1 5<80%", optional) == expected


def test_dismax_builds_disjunctions_over_qf_and_applies_mm() -> None:
    one = dismax("bicycles")
    assert isinstance(one, DisMax)
    assert Text("'title:bicycl'", boost=4.0) in one.parts and Text("'text:bicycl'") in one.parts
    assert Terms("tags", ("bicycles",), boost=2.0) in one.parts
    three = dismax("red green blue")
    assert isinstance(three, Bool) and three.min_should == 2 and len(three.should) == 3
    # field syntax is escaped: "title:x" is two words for text fields, one for strings
    fielded = dismax("title:x")
    assert Terms("name", ("title:x",), boost=4.0) in fielded.parts


def test_edismax_allows_fields() -> None:
    node = dismax("tags:economy bicycle", edismax=True)
    assert isinstance(node, Bool)
    assert Terms("tags", ("economy",)) in node.should


def test_sql_is_one_tsquery_for_q_and_fq_and_a_class_test_for_ckan_filters() -> None:
    compiler = Compiler()
    fq = lucene('+capacity:public +state:(active) +tags:x')
    plan = compiler.plan([dismax("bicycles lanes"), fq])
    assert plan.where == (
        "d.tsv @@ %(p0)s::tsquery AND d.cls = ANY(ARRAY(SELECT c.id FROM "
        "opengov_search_class c WHERE c.terms @@ %(p1)s::tsquery))"
    )
    tsq = compiler.params["p0"]
    assert "'title:bicycl'" in tsq and "'tags:bicycles'" in tsq and "'tags:x'" in tsq
    assert compiler.params["p1"] == "('capacity:public' & 'state:active')"
    assert not plan.only_classes
    assert Compiler().plan([lucene("*:*"), fq]).only_classes is False
    assert Compiler().plan([lucene("*:*"), lucene("+capacity:public -state:draft")]).only_classes


def test_sql_keeps_ranges_and_patterns_out_of_the_tsquery() -> None:
    compiler = Compiler()
    sql = compiler.where_all([lucene("tags:x -name:y*"),
                              lucene("metadata_modified:[2020-01-01T00:00:00Z TO *]")])
    assert sql.startswith("(d.tsv @@ %(p1)s::tsquery AND ")
    assert compiler.params["p1"] == "('tags:x' & !'name:y':*)"
    assert "sortv ->> 'metadata_modified'" in sql
