"""ckanext-fluent compatible values: pure functions (no CKAN app)."""
from __future__ import annotations

import json

from ckanext.opengov.metadata import fluent, search, vocab

FIELD = {"field_name": "title_translated", "required": True}
SCHEMA = {"form_languages": ["en", "fr"], "machine_translation_allowed": True}


def test_machine_translation_tags():
    assert fluent.machine_translation_target("fr-t-en") == "fr"
    assert fluent.machine_translation_target("en-t-fr-t0-deepl") == "en"
    assert fluent.machine_translation_target("fr") is None


def test_required_and_alternate_languages():
    assert fluent.required_languages(FIELD, SCHEMA) == ["en", "fr"]
    assert fluent.required_languages({**FIELD, "required_languages": ["en"]}, SCHEMA) == ["en"]
    assert fluent.required_languages({"field_name": "x"}, SCHEMA) == []
    assert fluent.alternate_languages(FIELD, SCHEMA) == {"en": ["en-t-fr"], "fr": ["fr-t-en"]}
    assert fluent.alternate_languages(FIELD, {"form_languages": ["en", "fr"]}) == {}
    # fluent's explicit key wins
    explicit = {"alternate_languages": {"fr": ["fr-t-en"]}}
    assert fluent.alternate_languages(FIELD, explicit) == {"fr": ["fr-t-en"]}


def test_missing_languages_accepts_machine_translation():
    alts = fluent.alternate_languages(FIELD, SCHEMA)
    assert fluent.missing_languages({"en": "Water", "fr-t-en": "Eau"}, ["en", "fr"], alts) == []
    assert fluent.missing_languages({"en": "Water", "fr": " "}, ["en", "fr"], alts) == ["fr"]
    assert fluent.missing_languages({"en": "Water", "fr-t-en": "Eau"}, ["en", "fr"], {}) == ["fr"]


def test_allowed_keys():
    allowed = fluent.allowed_keys(FIELD, SCHEMA)
    assert {"en", "fr", "en-t-fr", "fr-t-en"} <= allowed
    assert fluent.key_allowed("fr-t-en-t0-deepl", allowed)
    assert not fluent.key_allowed("de", allowed)
    assert not fluent.key_allowed("EN", allowed)


def test_output_matches_fluent():
    expected = {"en": "hello", "fr": "bonjour"}
    assert fluent.text_output('{"en": "hello", "fr": "bonjour"}') == expected
    assert fluent.text_output("hello") == {"en": "hello"}
    assert fluent.text_output({"en": "x"}) == {"en": "x"}
    assert fluent.tags_output('{"en": ["a"]}') == {"en": ["a"]}
    # storage: text unescaped, tags escaped, as fluent stores them
    assert fluent.dumps_text({"fr": "é"}) == '{"fr": "é"}'
    assert fluent.dumps_tags({"fr": ["é"]}) == json.dumps({"fr": ["é"]})


def test_pick_prefers_ui_language_then_machine_then_other():
    value = {"en": "Water", "fr-t-en": "Eau"}
    assert fluent.pick(value, "fr") == ("Eau", "fr", True)
    assert fluent.pick(value, "en") == ("Water", "en", False)
    assert fluent.pick({"en": "Water", "fr": ""}, "fr") == ("Water", "en", False)
    assert fluent.pick({}, "fr") == ("", None, False)
    assert fluent.pick('{"fr": "Eau"}', "en") == ("Eau", "fr", False)


def test_html_detection():
    assert fluent.contains_html("<script>alert(1)</script>")
    assert fluent.contains_html("a <b>bold</b>")
    assert not fluent.contains_html("x < y and y > z")
    assert not fluent.contains_html("see <https://open.canada.ca>")


def test_vocabularies_bilingual_and_mapped():
    for name in vocab.vocabulary_names():
        for concept in vocab.vocabulary(name)["concepts"]:
            assert concept["label"]["en"] and concept["label"]["fr"], (name, concept)
    assert (vocab.uri("frequency", "P1M") or "").endswith("/frequency/MONTHLY")
    assert (vocab.uri("subject", "transport") or "").endswith("/data-theme/TRAN")
    assert vocab.label("sgc", "24", "fr") == "Québec"
    assert vocab.is_valid("sgc", "3506008")  # Ottawa (census subdivision)
    assert not vocab.is_valid("sgc", "9906008")
    assert vocab.label("sgc", "3506", "en") == "Ontario (3506)"


def test_licences_bundled_bilingual():
    ids = {lic["id"] for lic in vocab.licenses()}
    assert {"ca-ogl-lgo", "ogl-ontario", "ogl-bc", "ogl-alberta", "ogl-nova-scotia",
            "ogl-new-brunswick", "ogl-toronto", "ogl-ottawa", "cc-by-4.0-quebec",
            "cc-by-4.0-montreal", "cc-by-4.0", "cc-zero"} <= ids
    assert vocab.license_title("ca-ogl-lgo", "fr") == "Licence du gouvernement ouvert - Canada"


def test_index_fields_per_language():
    pkg = {
        "title_translated": '{"en": "Building permits", "fr-t-en": "Permis de construire"}',
        "notes_translated": {"en": "Permits issued", "fr": "Permis délivrés"},
        "keywords": '{"en": ["permits"], "fr": ["permis"]}',
        "subject": '["economics_and_industry", "transport"]',
        "jurisdiction": "municipal",
        "geographic_region": '["35"]',
        "resources": [{"name_translated": {"en": "Permits 2024", "fr": "Permis 2024"}}],
    }
    doc = search.index_fields(pkg)
    assert doc["title_en"] == "Building permits"
    assert doc["title_fr"] == "Permis de construire"
    assert doc["notes_fr"] == "Permis délivrés"
    assert doc["keywords_fr"] == ["permis"]
    assert "Permis 2024" in doc["text_fr"] and "Transport" in doc["text_fr"]
    assert doc["vocab_subject"] == ["economics_and_industry", "transport"]
    assert doc["vocab_jurisdiction"] == ["municipal"]
    assert doc["vocab_geographic_region"] == ["35"]
    assert any(t.endswith("/TRAN") for t in doc["vocab_theme"])
    assert doc["machine_translated_fields"] == ["title_translated"]


def test_search_boosts_reader_language():
    params = search.before_search({"q": "eau"}, "fr")
    assert "title_fr^4" in params["qf"] and "notes_fr^2" in params["qf"]
    assert params["qf"].index("title_fr^4") < params["qf"].index("title_en^2")
    assert search.before_search({"q": "x", "qf": "name"}, "fr")["qf"] == "name"
