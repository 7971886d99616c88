"""Bilingual search through opengov_pgsearch: French queries on /fr/ rank French matches
first, and facet labels come in the reader's language."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS
from .test_hvd_schemas import HVD_SCHEMAS, PRESETS, hvd_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def dataset(user: dict[str, Any], name: str, en: str, fr: str, **extra: Any) -> None:
    call_action("package_create", {"user": user["name"]}, **{
        "name": name, "type": "dataset",
        "title_translated": {"en": en, "fr": fr},
        "notes_translated": {"en": en, "fr": fr},
        "keywords": {"en": ["data"], "fr": ["données"]},
        "jurisdiction": "municipal", "subject": ["transport"], "frequency": "P1M",
        "date_published": "2024-01-01", "license_id": "cc-by-4.0",
        "restrictions": "unrestricted", "maintainer_email": "a@example.ca", **extra})


@pytest.fixture
def corpus() -> None:
    user = factories.Sysadmin()
    # "chaussée" is French in one dataset and only in the English text of the other
    dataset(user, "fr-match", "Road works", "Travaux de chaussée")
    dataset(user, "en-mention", "Chaussée street names (Montréal)", "Noms de rues",
            jurisdiction="provincial")


def search(app: Any, lang: str, **params: Any) -> dict[str, Any]:
    """package_search as a reader of ``lang`` calls it: through /fr/api/... on the app."""
    prefix = "" if lang == "en" else f"/{lang}"
    response = app.get(f"{prefix}/api/3/action/package_search", query_string=params)
    return response.json["result"]


def test_french_query_ranks_french_match_first(app, corpus):
    found = search(app, "fr", q="chaussée")
    names = [r["name"] for r in found["results"]]
    assert names[0] == "fr-match", names


def test_same_query_ranks_english_match_first_in_english(app, corpus):
    """The order follows the reader's language boosts, not the order of creation."""
    found = search(app, "en", q="chaussée")
    names = [r["name"] for r in found["results"]]
    assert names[0] == "en-mention", names


def test_facet_labels_in_reader_language(app, corpus):
    found = search(app, "fr", q="*:*", **{"facet.field": '["vocab_jurisdiction"]'})
    labels = {i["name"]: i["display_name"]
              for i in found["search_facets"]["vocab_jurisdiction"]["items"]}
    assert labels == {"municipal": "Municipal", "provincial": "Provincial"}
    found = search(app, "fr", q="*:*", **{"facet.field": '["vocab_subject"]'})
    assert found["search_facets"]["vocab_subject"]["items"][0]["display_name"] == "Transport"


FACET_LABELS = {
    # facet: (code, English label, French label)
    "vocab_jurisdiction": ("federal", "Federal", "Fédéral"),
    "vocab_subject": ("labour", "Labour", "Travail"),
    "vocab_frequency": ("P1Y", "Annually", "Annuel"),
    "res_format": ("TXT", "Text", "Texte"),
    "license_id": ("other-open", "Other (open licence)", "Autre (licence ouverte)"),
    "dataset_type": ("hvd_public_washrooms", "Public washrooms", "Toilettes publiques"),
}


def facet_items(html: str) -> dict[str, list[str]]:
    """``{facet field: [item labels]}`` of the search page's facet lists."""
    import re
    from html import unescape

    found: dict[str, list[str]] = {}
    for href, label in re.findall(
            # hx-boost: CKAN 2.12's facet links only
            r'<a (?:hx-boost="true" )?href="([^"]*)"[^>]*>\s*'
            r'<span class="item-label">([^<]*)</span>',
            html):
        field = unescape(href).rsplit("&", 1)[-1].split("?")[-1].split("=")[0]
        found.setdefault(field, []).append(unescape(label).strip())
    return found


@pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS)
@pytest.mark.ckan_config("scheming.presets", PRESETS)
@pytest.mark.ckan_config("ckan.search.show_all_types", "true")
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_search_page_facets_show_labels_in_the_reader_language(app, lang):
    """Themes, levels of government, frequency, formats, licences and HVD types: the facet
    items of /dataset/ and /fr/dataset/ show vocabulary labels, never the codes."""
    user = factories.Sysadmin()
    org = factories.Organization(title_translated={"en": "Yukon", "fr": "Yukon"})
    dataset(user, "base-type", "Labour survey", "Enquête sur le travail",
            jurisdiction="federal", subject=["labour"], frequency="P1Y",
            license_id="other-open", owner_org=org["id"],
            resources=[{"url": "https://example.ca/a.txt", "format": "TXT",
                        "name_translated": {"en": "Notes", "fr": "Notes"},
                        "resource_type": "dataset", "language": ["en"]}])
    call_action("package_create", {"user": user["name"]},
                **hvd_dataset(org["id"], "hvd_public_washrooms"))

    prefix = "" if lang == "en" else f"/{lang}"
    items = facet_items(app.get(f"{prefix}/dataset/").body)

    for facet, (code, english, french) in FACET_LABELS.items():
        expected = english if lang == "en" else french
        assert expected in items.get(facet, []), (facet, items.get(facet))
        assert code not in items.get(facet, []) or code == expected
    assert ("Dataset" if lang == "en" else "Jeu de données") in items["dataset_type"]
    # an active filter keeps its label in the pills above the results
    filtered = app.get(f"{prefix}/dataset/", query_string={"vocab_frequency": "P1Y"}).body
    assert FACET_LABELS["vocab_frequency"][1 if lang == "en" else 2] in filtered
