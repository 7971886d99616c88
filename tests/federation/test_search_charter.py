"""The federated search with opengov_charter on: a Charter band facet, labelled."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories, helpers

from .test_harvester import harvest_db  # noqa: F401  (fixture)
from .test_schema_import import PLUGINS

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "harvest_db", "fresh_licences", "clean_index"),
    pytest.mark.ckan_config("ckan.plugins", PLUGINS + " opengov_charter"),
]


def test_charter_band_facet(app: Any) -> None:
    user = factories.Sysadmin()
    context = {"user": user["name"]}
    org = helpers.call_action("organization_create", context=dict(context), name="ontario",
                              title_translated={"en": "Ontario", "fr": "Ontario"},
                              level_of_government="provincial", province="35")
    helpers.call_action(
        "package_create", context=dict(context), name="bridges", owner_org=org["id"],
        title_translated={"en": "Bridge inspections", "fr": "Inspections des ponts"},
        notes_translated={"en": "Bridge condition.", "fr": "État des ponts."},
        keywords={"en": ["bridges"], "fr": ["ponts"]}, jurisdiction="provincial",
        subject=["transport"], frequency="P1Y", date_published="2024-01-01",
        license_id="ogl-ontario", restrictions="unrestricted",
        maintainer_email="open@ontario.example.ca",
        resources=[{"url": "https://ontario.example.ca/bridges.csv", "format": "CSV",
                    "name_translated": {"en": "Bridges", "fr": "Ponts"},
                    "resource_type": "dataset", "language": ["en", "fr"]}])
    result = helpers.call_action("opengov_federation_search", context={"user": ""})
    facets = {f["name"]: f for f in result["facets"]}
    assert facets["charter_band"]["label"] == "Charter band"
    (item,) = facets["charter_band"]["items"]
    assert item["display_name"] != item["name"]  # the band's name, not its id
    assert 'data-facet="charter_band"' in app.get("/federation").body
