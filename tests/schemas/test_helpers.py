"""Display helpers: the reader's language, fallback and machine-translation markers, escaping."""
from __future__ import annotations

from typing import Any

import pytest

from ckanext.opengov.metadata import helpers

from .conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]


def in_lang(app: Any, lang: str, fn: Any, *args: Any, **kw: Any) -> Any:
    with app.flask_app.test_request_context(f"/{lang}/" if lang != "en" else "/",
                                            environ_overrides={"CKAN_LANG": lang}):
        return fn(*args, **kw)


def test_value_in_reader_language(app):
    value = {"en": "Water", "fr": "Eau"}
    html = in_lang(app, "fr", helpers.opengov_ml_html, value)
    assert html == '<span lang="fr">Eau</span>'


def test_fallback_marked_with_language(app):
    html = in_lang(app, "fr", helpers.opengov_ml_html, {"en": "Water", "fr": ""})
    assert html.startswith('<span lang="en">Water</span>')
    assert 'class="opengov-lang-marker' in html and "(English)" in html
    html = in_lang(app, "en", helpers.opengov_ml_html, {"fr": "Eau"})
    assert "(français)" in html and 'lang="fr"' in html


def test_machine_translation_marked(app):
    html = in_lang(app, "fr", helpers.opengov_ml_html, {"en": "Water", "fr-t-en": "Eau"})
    assert '<span lang="fr">Eau</span>' in html
    assert "opengov-mt-marker" in html


def test_text_is_escaped(app):
    html = in_lang(app, "en", helpers.opengov_ml_html,
                   {"en": '<script>alert("x")</script>', "fr": "x"})
    assert "<script>" not in html and "&lt;script&gt;" in html
    html = in_lang(app, "en", helpers.opengov_ml_html,
                   {"en": "**bold** <script>alert(1)</script>"}, markdown=True)
    assert "<strong>bold</strong>" in html and "<script>" not in html


def test_completeness_per_language(app):
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    fields = in_lang(app, "en", scheming_get_dataset_schema, "dataset")["dataset_fields"]
    data = {"title_translated-en": "", "title_translated-fr": "Eau",
            "notes_translated": {"en": "Water", "fr": "Eau"}}
    rows = in_lang(app, "en", helpers.opengov_language_completeness, fields, data)
    by_lang = {r["lang"]: r for r in rows}
    assert by_lang["fr"]["filled"] == by_lang["en"]["filled"] + 1
    assert "Title" in by_lang["en"]["missing_required"]
    assert "Title" not in by_lang["fr"]["missing"]


def test_choice_and_licence_labels(app):
    assert in_lang(app, "fr", helpers.opengov_choice_label, "frequency", "P1M") == "Mensuel"
    assert in_lang(app, "fr", helpers.opengov_facet_label, "vocab_subject",
                   "transport") == "Transport"
    assert in_lang(app, "fr", helpers.opengov_license_title, "ogl-toronto") == \
        "Licence du gouvernement ouvert - Toronto"
