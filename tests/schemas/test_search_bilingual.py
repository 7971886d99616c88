"""Bilingual search through opengov_pgsearch: French queries on /fr/ rank French matches
first, and facet labels come in the reader's language."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS

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
