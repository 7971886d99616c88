"""Payloads in each platform's real wire format, with content written for these tests.

The answer envelopes come from the replay server's builders, the one place that knows them.
"""
from __future__ import annotations

from typing import Any

from ckanext.opengov.federation.replay import (  # noqa: F401 (re-exported for the tests)
    ckan_search,
    dcat_us_catalog,
    ods_page,
    socrata_page,
)


def ckan_package(n: int, *, modified: str = "2026-01-10T12:00:00.000000",
                 bilingual: bool = False, **extra: Any) -> dict[str, Any]:
    pid = f"00000000-0000-4000-8000-{n:012d}"
    pkg: dict[str, Any] = {
        "id": pid, "name": f"road-counts-{n}", "type": "dataset", "state": "active",
        "title": f"Road traffic counts {n}",
        "notes": f"Vehicle counts at intersection {n}.",
        "license_id": "OGL-Yukon-2.0", "license_title": "Open Government Licence - Yukon",
        "metadata_created": "2024-05-01T09:00:00.000000", "metadata_modified": modified,
        "organization": {"name": "highways", "title": "Highways and Public Works"},
        "tags": [{"name": "traffic", "display_name": "traffic"},
                 {"name": "roads", "display_name": "roads"}],
        "groups": [{"name": "transportation", "title": "Transportation"}],
        "extras": [{"key": "update_frequency", "value": "monthly"}],
        "resources": [
            {"id": f"r-{n}-1", "name": "Counts (CSV)", "format": "CSV",
             "url": f"https://files.example.ca/counts-{n}.csv", "mimetype": "text/csv"},
            {"id": f"r-{n}-2", "name": "Map", "format": "HTML", "url": ""},
        ],
    }
    if bilingual:
        pkg["title_translated"] = {"en": f"Road traffic counts {n}",
                                   "fr": f"Comptages routiers {n}"}
        pkg["notes_translated"] = {"en": "Vehicle counts.", "fr": "Comptages de véhicules."}
        pkg["keywords"] = {"en": ["traffic"], "fr": ["circulation"]}
        pkg["subject"] = ["transport"]
        pkg["frequency"] = "P1M"
        pkg["maintainer_email"] = "open-ouvert@example.gc.ca"
    pkg.update(extra)
    return pkg


def socrata_item(fourbyfour: str, name: str, *, geo: bool = False,
                 updated: str = "2026-02-01T10:00:00.000Z") -> dict[str, Any]:
    return {
        "resource": {
            "name": name, "id": fourbyfour, "description": f"{name}, updated monthly.",
            "attribution": "City Planning", "type": "dataset", "updatedAt": updated,
            "createdAt": "2020-03-04T05:06:07.000Z", "data_updated_at": updated,
            "columns_name": ["ward", "location"] if geo else ["ward", "count"],
            "columns_field_name": ["ward", "location"] if geo else ["ward", "count"],
            "columns_datatype": ["text", "point"] if geo else ["text", "number"],
            "download_count": 120, "page_views": {"page_views_total": 4400},
        },
        "classification": {
            "categories": ["government"], "tags": [],
            "domain_category": "City Government",
            "domain_tags": ["wards", "elections"],
            "domain_metadata": [
                {"key": "Licence-Details_Licence", "value": "Open Government Licence - City"},
                {"key": "Detailed-Metadata_Update-Frequency", "value": "Monthly"},
            ],
        },
        "metadata": {"domain": "data.city.example", "license": "Open Government Licence - City"},
        "permalink": f"https://data.city.example/d/{fourbyfour}",
        "link": f"https://data.city.example/Government/{name.replace(' ', '-')}/{fourbyfour}",
        "owner": {"id": "abcd-0000", "user_type": "organization", "display_name": "Open Data"},
    }


def hub_dataset(item: str, layer: int | None, title: str, *,
                modified: str = "2026-03-01T12:00:00.000Z", slug: str = "") -> dict[str, Any]:
    identifier = f"https://www.arcgis.com/home/item.html?id={item}"
    if layer is not None:
        identifier += f"&sublayer={layer}"
    slug = slug or title.lower().replace(" ", "-")
    landing = f"https://open.city.example/datasets/city::{slug}"
    download = f"https://open.city.example/api/download/v1/items/{item}"
    return {
        "@type": "dcat:Dataset", "identifier": identifier, "landingPage": landing,
        "title": title, "description": f"<p>{title} maintained by the city.</p>",
        "keyword": ["city", "parks"], "issued": "2021-01-01T00:00:00.000Z",
        "modified": modified, "publisher": {"name": "City of Example"},
        "contactPoint": {"@type": "vcard:Contact", "fn": "GIS", "hasEmail": "mailto:gis@x.ca"},
        "accessLevel": "public", "spatial": "-75.9,45.2,-75.4,45.5",
        "license": "<a href='https://city.example/licence'>Open Government Licence - City</a>",
        "theme": ["geospatial"] if layer is not None else "",
        "distribution": [
            {"@type": "dcat:Distribution", "title": "ArcGIS Hub Dataset", "format": "Web Page",
             "mediaType": "text/html", "accessURL": landing},
            {"@type": "dcat:Distribution", "title": "CSV", "format": "CSV",
             "mediaType": "text/csv", "accessURL": f"{download}/csv?layers={layer or 0}"},
            {"@type": "dcat:Distribution", "title": "GeoJSON", "format": "GeoJSON",
             "mediaType": "application/vnd.geo+json",
             "accessURL": f"{download}/geojson?layers={layer or 0}"},
        ],
    }


def ods_dataset(did: str, uid: str, title: str, *, language: str = "en", geo: bool = False,
                modified: str = "2026-04-01T08:00:00+00:00") -> dict[str, Any]:
    fields = [{"name": "name", "label": "Name", "type": "text", "annotations": {},
               "description": None}]
    if geo:
        fields.append({"name": "geom", "label": "Geo Point", "type": "geo_point_2d",
                       "annotations": {}, "description": None})
    return {
        "dataset_id": did, "dataset_uid": uid, "has_records": True, "data_visible": True,
        "features": ["analyze", "geo"] if geo else ["analyze"], "attachments": [
            {"id": "doc_pdf", "title": "Data dictionary", "mimetype": "application/pdf",
             "url": f"odsfile://{did}/dictionary.pdf"}],
        "fields": fields,
        "metas": {"default": {
            "title": title, "description": f"<p>{title}.</p>", "keyword": ["trees", "parks"],
            "theme": ["Environment"], "license": "Open Government Licence - Vancouver",
            "license_url": "https://opendata.vancouver.ca/pages/licence/",
            "language": language, "modified": modified, "publisher": "Parks Board",
            "records_count": 180000, "metadata_languages": [language],
        }, "dcat": {"created": "2019-01-01T00:00:00+00:00", "accrualperiodicity": "Weekly"}},
    }


TURTLE_PREFIXES = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def turtle_dataset(n: int, *, title_fr: str | None = None, modified: str = "2026-05-01") -> str:
    uri = f"https://donnees.ville.example/dataset/{n}"
    fr = f'"{title_fr}"@fr ,' if title_fr else ""
    return f"""
<https://donnees.ville.example/catalog> dcat:dataset <{uri}> .
<{uri}> a dcat:Dataset ;
    dct:identifier "ds-{n}" ;
    dct:title {fr} "Bike paths {n}"@en ;
    dct:description "Pistes cyclables de la ville."@fr , "The city's bike paths."@en ;
    dcat:keyword "vélo"@fr , "bike"@en ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/TRAN> ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
    dct:modified "{modified}"^^xsd:date ;
    dct:publisher [ a foaf:Organization ; foaf:name "Ville d'Exemple"@fr ] ;
    dcat:landingPage <https://donnees.ville.example/pistes-{n}> ;
    dcat:distribution <{uri}/csv> .
<{uri}/csv> a dcat:Distribution ;
    dct:title "Pistes (CSV)"@fr ;
    dcat:downloadURL <https://donnees.ville.example/files/pistes-{n}.csv> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> .
"""


def hydra_view(page_url: str, next_url: str | None) -> str:
    nxt = f"; hydra:next <{next_url}>" if next_url else ""
    return f"""
<{page_url}> a hydra:PartialCollectionView ; hydra:first <{page_url}> {nxt} .
"""
