"""Reader's-language display on / and /fr/ (issue 3, point 2): organization titles in the
search facets, breadcrumbs and federation results; the resource page's breadcrumb, side
menu and dataset description; HVD type labels in page titles; census subdivision codes in
the spatial coverage; the home page's popular keywords."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS
from .test_hvd_schemas import HVD_SCHEMAS, PRESETS, hvd_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ORG = {"en": "City of Toronto", "fr": "Ville de Toronto"}
TITLE = {"en": "Beach water quality", "fr": "Qualité de l'eau des plages"}
NOTES = {"en": "Samples taken weekly.", "fr": "Échantillons prélevés chaque semaine."}
ROAD = {"en": "Road restrictions and closures", "fr": "Restrictions et fermetures routières"}


def create_site() -> dict[str, Any]:
    """A jurisdiction, a base-type dataset (a census subdivision as spatial coverage; one
    resource without description and one named in English only) and an HVD dataset."""
    user = factories.Sysadmin()
    org = factories.Organization(name="toronto", title_translated=ORG)
    ctx = {"user": user["name"]}
    base = call_action("package_create", ctx, **{
        "name": "beaches", "type": "dataset", "owner_org": org["id"],
        "title_translated": TITLE, "notes_translated": NOTES,
        "keywords": {"en": ["water", "beaches"], "fr": ["eau", "plages"]},
        "jurisdiction": "municipal", "subject": ["nature_and_environment"],
        "geographic_region": ["3520005"], "frequency": "P1M",
        "date_published": "2024-01-01", "license_id": "cc-by-4.0",
        "restrictions": "unrestricted", "maintainer_email": "a@example.ca",
        "resources": [
            {"url": "https://example.ca/a.csv", "format": "CSV", "resource_type": "dataset",
             "language": ["en"],
             "name_translated": {"en": "Beach samples", "fr": "Échantillons des plages"}},
            {"url": "https://example.ca/b.csv", "format": "CSV", "resource_type": "dataset",
             "language": ["en"],
             "name_translated": {"en": "Lake samples", "fr-t-en": "Échantillons des lacs"},
             "description_translated": {"en": "Collected at **lakes**."}}]})
    hvd = call_action("package_create", ctx, **{
        **hvd_dataset(org["id"], "hvd_road_restrictions"), "name": "closures"})
    return {"org": org, "base": base, "hvd": hvd, "user": user}


@pytest.fixture
def site() -> dict[str, Any]:
    return create_site()


def get(app: Any, lang: str, url: str, **kw: Any) -> str:
    prefix = "" if lang == "en" else f"/{lang}"
    return str(app.get(prefix + url, **kw).body)


def breadcrumb(html: str) -> str:
    found = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S)
    assert found, "no breadcrumb"
    return found.group(1)


def section(pattern: str, html: str) -> str:
    """The first group of ``pattern`` in the page (the test fails when it is absent)."""
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return found.group(1)


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return unescape(found.group(1)).strip()


def facet_labels(html: str, field: str) -> list[str]:
    return [unescape(label).strip() for href, label in re.findall(
        r'<a(?: hx-boost="true")? href="([^"]*)"[^>]*>\s*<span class="item-label">([^<]*)</span>',
        html) if f"{field}=" in unescape(href)]


def lang_span(lang: str, text: str) -> str:
    """How a value in ``lang`` appears in the page (HTML-escaped, apostrophes included)."""
    return f'<span lang="{lang}">{text.replace(chr(39), "&#39;")}</span>'


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_organization_title_in_facets_and_breadcrumbs(app, site, lang):
    other = "fr" if lang == "en" else "en"
    search = get(app, lang, "/dataset/")
    assert facet_labels(search, "organization") == [ORG[lang]]
    dataset_crumbs = breadcrumb(get(app, lang, "/dataset/beaches"))
    assert lang_span(lang, ORG[lang]) in dataset_crumbs
    assert ORG[other] not in unescape(dataset_crumbs)
    org_page = get(app, lang, "/organization/toronto")
    assert ORG[lang] in unescape(breadcrumb(org_page))
    assert ORG[other] not in unescape(breadcrumb(org_page))
    assert title(org_page).startswith(ORG[lang])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_resource_page_in_reader_language(app, site, lang):
    other = "fr" if lang == "en" else "en"
    res = site["base"]["resources"][0]
    html = get(app, lang, f"/dataset/beaches/resource/{res['id']}")
    crumbs = unescape(breadcrumb(html))
    assert ORG[lang] in crumbs and TITLE[lang] in crumbs and ORG[other] not in crumbs
    assert res["name_translated"][lang] in crumbs
    side = unescape(section(r'<section class="module module-narrow resources">(.*?)</section>',
                            html))
    assert res["name_translated"][lang] in side
    assert res["name_translated"][other] not in side
    # the resource has no description: the dataset's, in the reader's language
    quote = section(r"<blockquote>(.*?)</blockquote>", html)
    assert f'lang="{lang}"' in quote and NOTES[lang] in unescape(quote)
    assert NOTES[other] not in unescape(quote)
    assert title(html) == f"{TITLE[lang]} - {res['name_translated'][lang]} - CKAN"


def test_resource_fallback_and_machine_translation_marked(app, site):
    """A description in English only and a machine-translated name: the French page says
    so, with the right lang attributes."""
    res = site["base"]["resources"][1]
    html = get(app, "fr", f"/dataset/beaches/resource/{res['id']}")
    notes = re.search(r'<div class="prose notes"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    assert notes, "no description"
    assert '<div lang="en"><p>Collected at <strong>lakes</strong>.</p></div>' in notes.group(1)
    assert 'class="opengov-lang-marker' in notes.group(1) and "(English)" in notes.group(1)
    assert "<blockquote>" not in notes.group(1)  # the resource has its own description
    heading = section(r'<h1 class="page-heading">(.*?)</h1>', html)
    assert '<span lang="fr">Échantillons des lacs</span>' in heading
    assert "opengov-mt-marker" in heading
    assert "Échantillons des lacs" in unescape(breadcrumb(html))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hvd_type_label_in_page_titles(app, site, lang):
    dataset_page = title(get(app, lang, "/dataset/closures"))
    assert dataset_page == f"{ROAD[lang]} 2025 - {ROAD[lang]} - CKAN"
    assert "Hvd" not in dataset_page
    search_page = get(app, lang, "/hvd_road_restrictions/")
    assert title(search_page) == f"{ROAD[lang]} - CKAN"
    assert unescape(breadcrumb(search_page)).count(ROAD[lang]) == 1
    assert "Hvd" not in breadcrumb(search_page)
    token = factories.APIToken(user=site["user"]["name"])["token"]
    new_page = get(app, lang, "/hvd_road_restrictions/new",
                   headers={"Authorization": token})
    assert "Hvd" not in title(new_page) and ROAD[lang] in title(new_page)
    assert "Hvd" not in unescape(breadcrumb(new_page))
    assert ROAD[lang] in unescape(breadcrumb(new_page))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_census_subdivision_in_spatial_coverage(app, site, lang):
    html = get(app, lang, "/dataset/beaches")
    label = "Couverture géographique" if lang == "fr" else "Spatial coverage"
    found = re.search(rf"<th[^>]*>{label}</th>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert found, "no spatial coverage row"
    assert "Ontario (3520005)" in unescape(found.group(1)), found.group(1)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_home_page_popular_keywords(app, site, lang):
    html = get(app, lang, "/")
    block = re.search(r'<div class="tags opengov-popular-keywords">(.*?)</div>', html, re.S)
    assert block
    links = re.findall(r'<a class="tag" lang="(\w+)" href="([^"]+)"[^>]*>\s*([^<]+)</a>',
                       block.group(1))
    words = {"en": ["water", "beaches", "open data"],
             "fr": ["eau", "plages", "données ouvertes"]}[lang]
    assert sorted(w.strip() for _l, _h, w in links) == sorted(words)
    assert {lang_ for lang_, _h, _w in links} == {lang}
    href = unescape(next(h for _l, h, w in links if w.strip() == words[0]))
    found = str(app.get(href).body)
    assert 'href="/dataset/beaches"' in found.replace("/fr/", "/")
    assert "/dataset/closures" not in found
