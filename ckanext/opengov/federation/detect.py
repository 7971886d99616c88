"""Which platform a portal runs, found by probing each platform's known endpoint."""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from ckanext.opengov.http import HttpError, PoliteClient, UrlRefused

from .adapters.dcat_rdf import _FORMATS as RDF_TYPES

log = logging.getLogger(__name__)
# Probes read only the start of a catalogue: a first page or a status document.
PROBE_MAX_SIZE = 20 * 1024 * 1024


@dataclasses.dataclass
class Detection:
    platform: str
    url: str  # the source URL to give the adapter


def _is_ckan(payload: Any) -> bool:
    return (isinstance(payload, dict) and payload.get("success") is True
            and isinstance(payload.get("result"), dict) and "ckan_version" in payload["result"])


def _is_socrata(payload: Any) -> bool:
    return isinstance(payload, dict) and "resultSetSize" in payload and "results" in payload


def _is_ods(payload: Any) -> bool:
    return isinstance(payload, dict) and "total_count" in payload and "results" in payload


def _dcat_us_kind(payload: Any) -> str | None:
    datasets = payload.get("dataset") if isinstance(payload, dict) else None
    if not isinstance(datasets, list):
        return None
    arcgis = any("arcgis.com" in str(d.get("identifier", "")) for d in datasets[:50]
                 if isinstance(d, dict))
    return "arcgis_hub" if arcgis else "dcat_us"


def detect_platform(url: str, client: PoliteClient) -> Detection | None:
    """Probe ``url`` for CKAN, Socrata, OpenDataSoft, ArcGIS Hub, data.json and DCAT RDF.

    :raises UrlRefused: when the URL itself may not be fetched (scheme, private address).
    :returns: the platform and the URL to harvest, or None if nothing answered as expected.
    """
    base = url.rstrip("/")

    def probe(path: str, check: Callable[[Any], Any], params: dict[str, Any] | None = None
              ) -> Any:
        try:
            response = client.get(base + path, params=params, max_size=PROBE_MAX_SIZE)
            return check(response.json())
        except UrlRefused:
            raise
        except HttpError as e:
            log.debug("Probe %s%s: %s", base, path, e)
            return None

    if base.endswith(".json") or "/api/feed/dcat-us" in base:
        kind = probe("", _dcat_us_kind)
        if kind:
            return Detection(kind, base)
    if probe("/api/3/action/status_show", _is_ckan):
        return Detection("ckan", base)
    if probe("/api/catalog/v1", _is_socrata, {"limit": 1, "only": "datasets"}):
        return Detection("socrata", base)
    if probe("/api/explore/v2.1/catalog/datasets", _is_ods, {"limit": 1}):
        return Detection("opendatasoft", base)
    for path in ("/api/feed/dcat-us/1.1.json", "/data.json"):
        kind = probe(path, _dcat_us_kind)
        if kind:
            return Detection(kind, base if kind == "arcgis_hub" else base + path)
    try:
        response = client.get(base, max_size=PROBE_MAX_SIZE)
    except UrlRefused:
        raise
    except HttpError:
        return None
    if response.content_type in RDF_TYPES and response.content_type != "application/json":
        return Detection("dcat_rdf", base)
    return None
