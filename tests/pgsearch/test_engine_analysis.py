"""Text analysis and the Solr schema as the engine reads it (no database)."""
from __future__ import annotations

import pytest

from ckanext.opengov.pgsearch.analysis import (
    AnalysisConfigError,
    WordDelimiter,
    build_analyzer,
    fold_ascii,
    whitespace_tokenize,
)
from ckanext.opengov.pgsearch.documents import build_row
from ckanext.opengov.pgsearch.schema import SchemaError, get_schema, load_schema


def terms(field: str, text: str, side: str = "index") -> list[str]:
    ftype = get_schema().field(field).type
    analyzer = ftype.index_analyzer if side == "index" else ftype.query_analyzer
    return [t for _, t in analyzer.analyze(text)]


@pytest.mark.parametrize(("query", "document"), [
    ("bicycles", "Bicycle lanes"),
    ("routes", "Route 66"),
    ("école", "Une école"),
    ("ecole", "Une École"),
])
def test_english_text_matches(query: str, document: str) -> None:
    field = "text_fr" if "cole" in query else "text"
    assert set(terms(field, query, "query")) <= set(terms(field, document))


def test_english_stemming_and_folding() -> None:
    assert terms("title", "Bicycles") == ["bicycl"]
    assert terms("title", "ROUTES") == ["rout"]
    assert terms("title", "Café") == ["cafe"]


def test_french_elision_stemming_folding() -> None:
    assert terms("title_fr", "l'école") == terms("title_fr", "ecoles")
    assert terms("title_fr", "L’Île d’Orléans") == ["ile", "orlean"]
    assert terms("text_fr", "qu'il") == ["il"]


def test_word_delimiter_index_and_query() -> None:
    assert terms("text", "Wi-Fi") == ["wi", "wifi", "fi"]
    assert terms("text", "Wi-Fi", "query") == ["wi", "fi"]
    assert terms("text", "PowerShot SD500") == ["power", "powershot", "shot", "sd", "500"]
    assert terms("text", "O'Neil's") == ["o", "oneil", "neil"]
    assert terms("text", "1,000") == ["1", "1000", "000"]
    # text_general: no split on case change and no stemming
    assert terms("author", "JeanPierre Tremblays") == ["jeanpierre", "tremblays"]


def test_word_delimiter_positions() -> None:
    wd = WordDelimiter(catenate_words=True)
    assert wd([(0, "wi-fi"), (1, "zone")]) == [(0, "wi"), (0, "wifi"), (1, "fi"), (2, "zone")]


def test_whitespace_tokenizer_keeps_non_breaking_space_and_caps_length() -> None:
    tokens = whitespace_tokenize("a\u00a0b  c\td " + "x" * 300)
    assert [t for _, t in tokens][:3] == ["a\u00a0b", "c", "d"]
    assert [len(t) for _, t in tokens][3:] == [255, 45]


def test_ascii_folding() -> None:
    assert fold_ascii("Œuvre Straße Łódź naïve") == "OEuvre Strasse Lodz naive"
    assert fold_ascii("Москва") == "Москва"


def test_multiterm_normalization_has_no_stemming() -> None:
    analyzer = get_schema().field("title").type.query_analyzer
    assert analyzer.normalize("Écoles") == "ecoles"


def test_unknown_analyzer_chain_is_refused(tmp_path) -> None:
    with pytest.raises(AnalysisConfigError, match="unsupported filter"):
        build_analyzer("x", ("solr.WhitespaceTokenizerFactory", {}),
                       [("solr.PhoneticFilterFactory", {})], lambda f: None)
    schema = tmp_path / "schema.xml"
    schema.write_text(
        '<schema name="t"><types><fieldType name="t" class="solr.TextField"><analyzer>'
        '<tokenizer class="solr.StandardTokenizerFactory"/></analyzer></fieldType></types>'
        "<fields/></schema>"
    )
    with pytest.raises(SchemaError, match="unsupported tokenizer"):
        load_schema((str(schema),))


def test_schema_fields_dynamic_fields_and_copy_fields() -> None:
    schema = get_schema()
    assert schema.field("tags").type.kind == "string" and schema.field("tags").multi_valued
    assert schema.field("extras_theme").type.name == "text"
    assert schema.field("res_extras_lang").multi_valued
    assert schema.field("anything").type.kind == "string"
    assert schema.field("issued_date").type.kind == "date"
    assert schema.field("title_fr").type.name == "text_fr"
    assert schema.field("keywords_en").type.name == "text_en"
    assert set(schema.copy_targets("title")) == {"title_ngram", "text"}
    assert schema.copy_targets("notes_fr") == ("text_fr",)
    assert "text" in schema.copy_targets("extras_theme")


def test_document_row() -> None:
    row = build_row({
        "index_id": "i1", "id": "d1", "site_id": "default", "name": "bikes",
        "title": "Bicycle lanes", "tags": ["transport", "Bikes"], "private": False,
        "metadata_modified": "2024-01-02T03:04:05.678901Z", "notes": "", "groups": [],
        "views_total": "42",
    }, get_schema())
    assert row.stored["tags"] == ["transport", "Bikes"]
    assert row.stored["metadata_modified"] == "2024-01-02T03:04:05.678Z"
    assert row.vals["metadata_modified"] == ["2024-01-02T03:04:05.678Z"]
    assert row.vals["views_total"] == [42]
    assert "notes" not in row.stored  # empty values are dropped, as pysolr does
    assert "'tags:Bikes'" in row.ftv and "'name:bikes'" in row.tsv
    assert "'title:bicycl':1" in row.tsv and "'text:bicycl':" in row.tsv
    assert "'title:bicycl'" in row.stv and "text:" not in row.stv
    assert row.sortv["metadata_modified"] == "2024-01-02T03:04:05.678Z"
    assert row.sortv["views_total"] == 42 and "tags" not in row.sortv
    assert row.vals["title_ngram"] == ["bicycle lanes"]


def test_document_errors_are_solr_errors() -> None:
    import pysolr

    with pytest.raises(pysolr.SolrError, match="uniqueKey"):
        build_row({"id": "x", "site_id": "default"}, get_schema())
    with pytest.raises(pysolr.SolrError, match="multiple values"):
        build_row({"index_id": "i", "id": "x", "site_id": "s", "name": ["a", "b"]},
                  get_schema())
    with pytest.raises(pysolr.SolrError, match="views_total"):
        build_row({"index_id": "i", "id": "x", "site_id": "s", "views_total": "many"},
                  get_schema())


def test_the_suites_list_fields_are_multivalued() -> None:
    # CKAN's "*" catch-all is single-valued: a dataset with two machine-translated fields, or
    # failing two indicators, would not index.
    from ckanext.opengov.pgsearch.schema import get_schema

    for name in ("machine_translated_fields", "charter_failing", "charter_facets"):
        field = get_schema().field(name)
        assert field is not None and field.multi_valued, name
