"""Sample dataset dicts of every HVD type, shaped as package_show returns them (shared by
the HVD, DCAT and benchmark code of the "hvd" area)."""
from __future__ import annotations

import copy
from typing import Any

from ckanext.opengov.metadata import standards

BASE: dict[str, Any] = {
    "title_translated": {"en": "Building permits 2025", "fr": "Permis de construction 2025"},
    "notes_translated": {
        "en": "Every building permit issued by the city in 2025.",
        "fr": "Tous les permis de construction délivrés par la ville en 2025.",
    },
    "keywords": {"en": ["construction", "permits"], "fr": ["construction", "permis"]},
    "subject": ["economics_and_industry", "government_and_politics"],
    "frequency": "P1M",
    "geographic_region": ["35", "3506008"],
    "language": ["en", "fr"],
    "license_id": "ca-ogl-lgo",
    "restrictions": "unrestricted",
    "date_published": "2025-01-15",
    "date_modified": "2025-06-30",
    "time_period_coverage_start": "2025-01-01",
    "time_period_coverage_end": "2025-12-31",
    "provenance": {"en": "Exported from the permit system.",
                   "fr": "Extrait du système des permis."},
    "program_page_url": {"en": "https://example.ca/en/permits",
                         "fr": "https://example.ca/fr/permis"},
    "maintainer_contact_form": {"en": "https://example.ca/en/contact",
                                "fr": "https://example.ca/fr/contact"},
    "maintainer_email": "opendata@example.ca",
}

RESOURCE: dict[str, Any] = {
    "name_translated": {"en": "Permits (CSV)", "fr": "Permis (CSV)"},
    "description_translated": {"en": "One row per permit.", "fr": "Une ligne par permis."},
    "format": "CSV",
    "language": ["en", "fr"],
    "url": "https://data.example.ca/permits.csv",
}


def sample_dataset(dataset_type: str, index: int = 0) -> dict[str, Any]:
    """A package_show-like dict of an HVD type, or of the base ``dataset`` type."""
    spec = standards.hvd_type(dataset_type) or {"conforms_to": []}
    data = copy.deepcopy(BASE)
    data.update({
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "name": f"{dataset_type.replace('_', '-')}-{index}",
        "type": dataset_type,
        "title": data["title_translated"]["en"],
        "notes": data["notes_translated"]["en"],
    })
    if spec["conforms_to"]:
        data["hvd_standard"] = list(spec["conforms_to"])
    if spec.get("hvd_category"):
        data["hvd_category"] = [spec["hvd_category"]]
        data["applicable_legislation"] = [standards.hvd_catalogue()["hvd_regulation"]["uri"]]
    resource = copy.deepcopy(RESOURCE)
    resource.update({"id": f"10000000-0000-4000-8000-{index:012d}",
                     "package_id": data["id"]})
    data["resources"] = [resource]
    return data
