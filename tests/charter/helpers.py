"""Helpers for the charter tests: a fixed clock, a context factory, a complete dataset."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ckanext.opengov.charter.engine import Context, Finding, make_context, run_check

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def ctx(**kwargs: Any) -> Context:
    kwargs.setdefault("now", NOW)
    return make_context(**kwargs)


def check(check_id: str, dataset: Any, **kwargs: Any) -> Finding:
    return run_check(check_id, dataset, ctx(**kwargs))


def good_dataset() -> dict[str, Any]:
    """A dataset of the suite's bilingual schema that should pass every metadata check."""
    return {
        "id": "c0ffee00-0000-4000-8000-000000000001",
        "name": "road-closures",
        "private": False,
        "title_translated": {"en": "Road closures", "fr": "Fermetures de routes"},
        "notes_translated": {
            "en": "Every planned and emergency road closure in the city, updated daily from the "
                  "traffic operations centre, with location, reason and expected end.",
            "fr": "Toutes les fermetures de routes planifiées et d'urgence de la ville, mises à "
                  "jour chaque jour par le centre des opérations de la circulation.",
        },
        "keywords": {"en": ["roads", "traffic"], "fr": ["routes", "circulation"]},
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/TRAN"],
        "license_id": "OGL-Canada-2.0",
        "license_url": "https://open.canada.ca/en/open-government-licence-canada",
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "rights": {"en": "Reuse under the licence.", "fr": "Réutilisation selon la licence."},
        "issued": "2020-01-15",
        "modified": "2026-05-31",
        "frequency": "http://publications.europa.eu/resource/authority/frequency/DAILY",
        "temporal_start": "2020-01-01",
        "spatial_coverage": "3506008",
        "landing_page": "https://example.ca/roads",
        "provenance": {"en": "Exported from the road permits system.",
                       "fr": "Exporté du système des permis."},
        "conforms_to": ["http://www.open511.org/documentation/1.0/"],
        "identifier": "https://example.ca/id/dataset/road-closures",
        "contact_point": [{"name": "Open data", "email": "opendata@example.ca"}],
        "publisher": {"name": "City of Example", "uri": "https://example.ca"},
        "resources": [{
            "id": "r1", "url": "https://example.ca/closures.csv", "format": "CSV",
            "mimetype": "text/csv", "size": 1200, "datastore_active": True,
            "name_translated": {"en": "Closures", "fr": "Fermetures"},
            "standard_check": {"status": "valid", "errors": 0, "checked": "2026-05-31T00:00:00Z"},
            "schema": {"fields": [{"name": "road"}, {"name": "reason"}]},
        }],
    }
