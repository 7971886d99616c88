"""The base bilingual dataset and organization schemas through CKAN's actions."""
from __future__ import annotations

import copy
import functools
import re
from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS, index_hits

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def valid_dataset(org_id: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "type": "dataset",
        "owner_org": org_id,
        "title_translated": {"en": "Building permits", "fr": "Permis de construire"},
        "notes_translated": {"en": "Permits issued by the city.",
                             "fr": "Permis délivrés par la ville."},
        "keywords": {"en": ["permits", "housing"], "fr": ["permis", "logement"]},
        "jurisdiction": "municipal",
        "subject": ["economics_and_industry"],
        "geographic_region": ["35", "3506008"],
        "frequency": "P1M",
        "date_published": "2024-01-15",
        "license_id": "ogl-ottawa",
        "restrictions": "unrestricted",
        "maintainer_email": "opendata@ottawa.ca",
        "resources": [{
            "url": "https://example.ca/permits.csv",
            "name_translated": {"en": "Permits", "fr": "Permis"},
            "resource_type": "dataset",
            "format": "csv",
            "language": ["en", "fr"],
        }],
    }
    data.update(overrides)
    return data


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(
        title_translated={"en": "City of Ottawa", "fr": "Ville d'Ottawa"})


def create(data: dict[str, Any]) -> dict[str, Any]:
    user = factories.Sysadmin()
    return call_action("package_create", {"user": user["name"]}, **data)


def errors_of(data: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(tk.ValidationError) as e:
        create(data)
    return e.value.error_dict


def test_create_and_show_round_trip(org):
    pkg = create(valid_dataset(org["id"]))
    shown = call_action("package_show", id=pkg["id"])
    assert shown["title_translated"] == {"en": "Building permits", "fr": "Permis de construire"}
    assert shown["title"] == "Building permits"  # core field mirrored from the default locale
    assert shown["name"] == "building-permits"  # made from the title when left empty
    assert shown["keywords"]["fr"] == ["permis", "logement"]
    assert shown["subject"] == ["economics_and_industry"]
    res = shown["resources"][0]
    assert res["name"] == "Permits" and res["name_translated"]["fr"] == "Permis"
    assert res["format"] == "CSV" and res["mimetype"] == "text/csv"
    assert shown["license_title"] == "Open Government Licence - City of Ottawa"


def test_index_document_has_language_fields(org):
    pkg = create(valid_dataset(org["id"]))
    hit = functools.partial(index_hits, pkg["id"])

    assert hit("title_fr:construire") == hit("text_fr:permis") == 1
    assert hit("title_en:construire") == 0  # the English title is "Building permits"
    assert hit("notes_fr:délivré") == 1  # French stemming: "délivrés" in the notes
    assert hit("keywords_en:permits") == hit("keywords_fr:logement") == 1
    assert hit("vocab_jurisdiction:municipal") == 1
    assert hit("vocab_jurisdiction:federal") == 0


def test_machine_translation_satisfies_required_language(org):
    pkg = create(valid_dataset(org["id"], title_translated={
        "en": "Road closures", "fr-t-en": "Fermetures de routes"}))
    assert pkg["title_translated"]["fr-t-en"] == "Fermetures de routes"


def test_missing_language_is_a_field_error(org):
    errors = errors_of(valid_dataset(org["id"], title_translated={"fr": "Permis"}))
    assert errors["title_translated"] == ["the English version is required"]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("title_translated", '{"en": "x"', "not valid JSON"),
    ("title_translated", ["en", "x"], "expected an object"),
    ("title_translated", {"en": "Permits", "fr": "Permis", "de": "Genehmigungen"},
     'unknown language code "de"'),
    ("title_translated", {"en": "Permits", "fr": "<script>alert(1)</script>"}, "HTML"),
    ("title_translated", {"en": "P" * 501, "fr": "Permis"}, "too long"),
    ("notes_translated", {"en": "ok", "fr": 'voir <a href="#" onclick="x()">ici</a>'}, "script"),
    ("keywords", {"en": ["ok"], "fr": ["<b>gras</b>"]}, "keyword"),
    ("jurisdiction", "galactic", 'unknown code "galactic"'),
    ("subject", ["transport", "astrology"], 'unknown code "astrology"'),
    ("geographic_region", ["99"], 'unknown code "99"'),
    ("frequency", "sometimes", "unknown code"),
    ("license_id", "my-licence", "unknown licence"),
    ("conforms_to", "javascript:alert(1)", "web address"),
    ("program_page_url", {"en": "javascript:alert(1)", "fr": ""}, "web address"),
    ("time_period_coverage_end", "1999-01-01", "before the start"),
])
def test_bad_input_is_rejected_per_field(org, field, value, expected):
    data = valid_dataset(org["id"], time_period_coverage_start="2000-01-01")
    data[field] = value
    errors = errors_of(data)
    assert expected in " ".join(map(str, errors[field])), errors


def test_nothing_partially_saved(org):
    data = valid_dataset(org["id"], name="half-saved")
    data["resources"][0]["name_translated"] = {"en": "x", "fr": "<i>y</i>"}
    errors = errors_of(data)
    assert "resources" in errors
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id="half-saved")


def test_contact_point_email_or_form(org):
    data = valid_dataset(org["id"])
    del data["maintainer_email"]
    assert "contact" in errors_of(copy.deepcopy(data))["maintainer_email"][0]
    data["maintainer_contact_form"] = {"en": "https://ottawa.ca/contact", "fr": ""}
    assert create(data)["maintainer_contact_form"]["en"] == "https://ottawa.ca/contact"


def test_form_inputs_per_language(org):
    data = valid_dataset(org["id"])
    del data["title_translated"]
    del data["keywords"]
    data.update({"title_translated-en": "Washrooms", "title_translated-fr": "Toilettes",
                 "keywords-en": "washroom, toilet", "keywords-fr": "toilettes"})
    pkg = create(data)
    assert pkg["title_translated"] == {"en": "Washrooms", "fr": "Toilettes"}
    assert pkg["keywords"] == {"en": ["washroom", "toilet"], "fr": ["toilettes"]}


def test_form_missing_language_error_key(org):
    data = valid_dataset(org["id"])
    del data["title_translated"]
    data.update({"title_translated-en": "", "title_translated-fr": "Toilettes"})
    errors = errors_of(data)
    assert errors["title_translated-en"] == ["the English version is required"]


def test_organization_schema(org):
    user = factories.Sysadmin()
    created = call_action("organization_create", {"user": user["name"]}, name="toronto",
                          title_translated={"en": "City of Toronto", "fr": "Ville de Toronto"},
                          level_of_government="municipal", province="35",
                          sgc_code="3520005", portal_url="https://open.toronto.ca",
                          charter_adoption_date="2017-03-01")
    shown = call_action("organization_show", id=created["id"])
    assert shown["title_translated"]["fr"] == "Ville de Toronto"
    assert shown["title"] == "City of Toronto"
    assert shown["sgc_code"] == "3520005"
    with pytest.raises(tk.ValidationError) as e:
        call_action("organization_create", {"user": user["name"]}, name="nowhere",
                    title_translated={"en": "X", "fr": "X"}, sgc_code="9999")
    assert "sgc_code" in e.value.error_dict


@pytest.mark.usefixtures("app")
def test_organization_pages_in_reader_language(app):
    user = factories.Sysadmin()
    call_action("organization_create", {"user": user["name"]}, name="montreal",
                title_translated={"en": "City of Montréal", "fr": "Ville de Montréal"},
                description_translated={"en": "", "fr": "Données de la ville"})
    page = app.get("/fr/organization/montreal").body
    assert '<span lang="fr">Ville de Montréal</span>' in page
    page = app.get("/organization/montreal").body
    assert '<span lang="en">City of Montréal</span>' in page
    assert 'lang="fr"' in page and "(français)" in page  # description falls back, marked
    about = app.get("/fr/organization/about/montreal").body
    assert "Données de la ville" in about


@pytest.mark.usefixtures("app")
def test_dataset_pages_escape_and_mark(app, org):
    pkg = create(valid_dataset(org["id"], name="mt", title_translated={
        "en": "Road closures", "fr-t-en": "Fermetures de routes"}))
    page = app.get(f"/fr/dataset/{pkg['name']}").body
    assert '<span lang="fr">Fermetures de routes</span>' in page
    assert "opengov-mt-marker" in page
    resource = app.get(f"/fr/dataset/{pkg['name']}/resource/{pkg['resources'][0]['id']}").body
    assert '<span lang="fr">Permis</span>' in resource


@pytest.mark.usefixtures("app")
def test_fallback_and_machine_markers_on_every_page(app, org):
    """Dataset, resource, organization and search pages: a value missing in the reader's
    language comes in the other one with its lang attribute and a marker."""
    data = valid_dataset(org["id"], name="closures", title_translated={
        "en": "Road closures", "fr-t-en": "Fermetures de routes"})
    data["resources"][0]["description_translated"] = {"en": "Daily list of closures."}
    pkg = create(data)
    call_action("organization_patch", id=org["id"],
                description_translated={"en": "", "fr": "Données municipales"})
    marker = 'class="opengov-lang-marker'

    dataset_page = app.get("/fr/dataset/closures").body
    assert '<span lang="fr">Fermetures de routes</span>' in dataset_page
    assert "opengov-mt-marker" in dataset_page
    resource = app.get(f"/fr/dataset/closures/resource/{pkg['resources'][0]['id']}").body
    assert 'lang="en"' in resource and "Daily list of closures." in resource
    assert marker in resource and "(English)" in resource
    search = app.get("/fr/dataset/").body
    assert re.search(r'<a [^>]*lang="fr"[^>]*>Fermetures de routes</a>', search), search[:3000]
    assert "opengov-mt-marker" in search
    organizations = app.get("/organization/").body
    assert re.search(r'<p class="media-description" lang="fr">Données municipales',
                     organizations), organizations[:3000]
    assert marker in organizations and "(français)" in organizations
    assert '<span lang="fr">Ville d&#39;Ottawa</span>' in app.get("/fr/organization/").body
