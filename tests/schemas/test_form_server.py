"""The dataset form without JavaScript: everything it needs comes from the server and a
plain form post (what a browser without scripts sends) creates the dataset; each kind of
bad input comes back as a field error in the steward's language, nothing is saved, and
markup sent in a field is shown back escaped."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def form_fields(org_id: str, **overrides: Any) -> dict[str, Any]:
    """The fields the dataset form posts (one input per language, multi-valued checkboxes)."""
    fields: dict[str, Any] = {
        "title_translated-en": "Building permits", "title_translated-fr": "Permis de bâtir",
        "name": "",
        "notes_translated-en": "Permits issued by the city.",
        "notes_translated-fr": "Permis délivrés par la ville.",
        "keywords-en": "permits, housing", "keywords-fr": "permis, logement",
        "owner_org": org_id, "jurisdiction": "municipal", "subject": ["labour"],
        "frequency": "P1M", "date_published": "2024-01-15", "license_id": "ogl-ottawa",
        "restrictions": "unrestricted", "maintainer_email": "opendata@ottawa.ca",
        "save": "continue",
    }
    fields.update(overrides)
    return fields


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    return match.group(1) if match else ""


def post_form(app: Any, user: dict[str, Any], lang: str, fields: dict[str, Any]) -> Any:
    prefix = "" if lang == "en" else f"/{lang}"
    headers = {"Authorization": user["token"]}
    page = app.get(f"{prefix}/dataset/new", headers=headers)
    data = {**fields, "_csrf_token": csrf_token(page.body)}
    return app.post(f"{prefix}/dataset/new", data=data, headers=headers,
                    follow_redirects=False)


def translated(app: Any, msgid: str, lang: str) -> str:
    with app.flask_app.test_request_context(f"/{lang}/", environ_base={"CKAN_LANG": lang}):
        return str(tk._(msgid))


@pytest.fixture
def steward() -> dict[str, Any]:
    return factories.SysadminWithToken()


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(title_translated={"en": "Ottawa", "fr": "Ottawa"})


def test_form_renders_both_languages_and_completeness_on_the_server(app, steward):
    html = app.get("/fr/dataset/new", headers={"Authorization": steward["token"]}).body
    for field in ("title_translated", "notes_translated", "keywords"):
        for lang in ("en", "fr"):
            assert f'id="field-{field}-{lang}"' in html
    assert 'class="opengov-completeness' in html
    assert '<noscript' not in html or "JavaScript" not in html


def test_plain_form_post_creates_the_dataset(app, steward, org):
    response = post_form(app, steward, "fr", form_fields(org["id"]))

    assert response.status_code in (302, 303), response.body[:2000]
    created = call_action("package_show", id="building-permits")
    assert created["title_translated"] == {"en": "Building permits", "fr": "Permis de bâtir"}
    assert created["keywords"]["fr"] == ["permis", "logement"]


BAD_INPUT = [
    # (form field, value, error field, msgid the error contains)
    ("title_translated-en", "", "title_translated-en", "the English version is required"),
    ("title_translated-fr", "", "title_translated-fr", "the French version is required"),
    ("title_translated-fr", "<script>alert(1)</script>", "title_translated-fr",
     "the %s version contains HTML, which is not allowed here"),
    ("title_translated-en", "P" * 501, "title_translated-en",
     "the %(language)s version is too long (%(length)d characters, at most %(max)d)"),
    ("notes_translated-fr", 'voir <a href="#" onclick="x()">ici</a>', "notes_translated-fr",
     "the %s version contains a script, an embedded frame or an event handler, which are "
     "not allowed"),
    ("keywords-fr", "<b>gras</b>", "keywords-fr",
     '%(language)s keyword "%(tag)s" must be 2 to 140 characters, without < > or control '
     "characters"),
    ("jurisdiction", "galactic", "jurisdiction", 'unknown code "%s"'),
    ("program_page_url-en", "javascript:alert(1)", "program_page_url-en",
     "the %s version must be a web address starting with http:// or https://"),
]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("field", "value", "error_field", "msgid"), BAD_INPUT,
                         ids=[f"{b[0]}:{b[1][:12]}" for b in BAD_INPUT])
def test_bad_input_through_the_form(app, steward, org, lang, field, value, error_field, msgid):
    response = post_form(app, steward, lang, form_fields(org["id"], **{field: value}))

    assert response.status_code == 200  # the form again, not a redirect
    html = response.body
    # the message in the steward's language (its longest part between placeholders)
    fixed = max(re.split(r"%\(?\w*\)?[sd]", translated(app, msgid, lang)), key=len).strip()
    assert len(fixed) > 6 and unescape(fixed) in unescape(html), (lang, fixed)
    assert f'data-field-label="{error_field}"' in html or error_field in html
    assert "<script>alert(1)</script>" not in html  # shown back escaped, never as markup
    assert 'onclick="x()"' not in html
    assert call_action("package_search", q="*:*")["count"] == 0  # nothing saved


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_api_errors_name_the_missing_language_in_the_reader_language(app, steward, org, lang):
    prefix = "" if lang == "en" else f"/{lang}"
    data = {"type": "dataset", "owner_org": org["id"], "name": "half",
            "title_translated": {"en": "Permits"}}
    response = app.post(f"{prefix}/api/3/action/package_create", json=data,
                        headers={"Authorization": steward["token"]}, status=409)

    errors = response.json["error"]
    assert translated(app, "the French version is required", lang) in errors["title_translated"]
    assert call_action("package_search", q="*:*")["count"] == 0
