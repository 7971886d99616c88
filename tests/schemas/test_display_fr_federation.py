"""Reader's-language display on the federation page (see test_display_fr.py), with harvest
and opengov_federation enabled for the whole module: CKAN 2.11's with_plugins takes no marks."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from .conftest import PLUGINS
from .test_display_fr import ORG, create_site, get, lang_span
from .test_hvd_schemas import HVD_SCHEMAS, PRESETS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", f"{PLUGINS} harvest opengov_federation"),
    pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS),
    pytest.mark.ckan_config("scheming.presets", PRESETS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "harvest_db"),
]


@pytest.fixture
def harvest_db(with_plugins: Any, clean_db: Any, migrate_db_for: Any) -> None:
    """The harvest tables (opengov_federation needs them), as tests/federation does."""
    import sqlalchemy as sa
    from ckan import model

    migrate_db_for("harvest")
    model.Session.execute(sa.text("DROP TABLE IF EXISTS opengov_federation_dedup"))
    model.Session.commit()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_federation_results_show_organization_in_reader_language(app, lang):
    other = "fr" if lang == "en" else "en"
    create_site()
    html = get(app, lang, "/federation")
    jurisdictions = re.findall(r'<p class="opengov-federation-jurisdiction">(.*?)</p>',
                               html, re.S)
    assert jurisdictions
    for line in jurisdictions:
        assert lang_span(lang, ORG[lang]) in line and ORG[other] not in unescape(line)
    facet = re.search(r'data-facet="organization">(.*?)</section>', html, re.S)
    assert facet and ORG[lang] in unescape(facet.group(1))
    assert ORG[other] not in unescape(facet.group(1))
