"""DCAT-AP conformance: the dataset's DCAT output (ckanext-dcat, the site's RDF profiles)
validated with pyshacl against the shapes files the site configures.

Runs in a background job (a validation takes from a fraction of a second to a few seconds);
the result is cached in ``opengov_charter_shacl`` and read by the ``dcat_ap_conformance``
check. No shapes configured (``ckanext.opengov.charter.shacl.shapes``), ckanext-dcat or
pyshacl missing: nothing is validated and the indicator says "not assessed".
"""
from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from typing import Any

from ckanext.opengov.charter.results import now

log = logging.getLogger(__name__)

CONFIG_KEY = "ckanext.opengov.charter.shacl.shapes"
SH = "http://www.w3.org/ns/shacl#"
_shapes_cache: dict[tuple[str, ...], Any] = {}


def configured_shapes() -> list[str]:
    import ckan.plugins.toolkit as tk

    value = tk.config.get(CONFIG_KEY)
    if not value:
        return []
    return value.split() if isinstance(value, str) else [str(v) for v in value]


def fingerprint(paths: list[str]) -> str:
    """Identifies the shapes a result was computed with (names, sizes, modification times):
    results of other shapes are not reused."""
    parts = []
    for path in paths:
        try:
            stat = os.stat(path)
            parts.append(f"{os.path.basename(path)}:{stat.st_size}:{int(stat.st_mtime)}")
        except OSError:
            parts.append(f"{os.path.basename(path)}:missing")
    return hashlib.sha1("|".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def site_fingerprint() -> str | None:
    """The fingerprint of the configured shapes; None when none are configured."""
    paths = configured_shapes()
    return fingerprint(paths) if paths else None


def load_shapes(paths: list[str]) -> Any:
    """The shapes graph, parsed once per process."""
    key = tuple(paths)
    if key not in _shapes_cache:
        from rdflib import Graph, URIRef

        graph = Graph()
        for path in paths:
            graph.parse(path)
        # The official DCAT-AP 3.0.1 file names two property shapes it never defines; pyshacl
        # refuses a graph with dangling sh:property links, so they are dropped.
        prop = URIRef(SH + "property")
        for subject, obj in list(graph.subject_objects(prop)):
            if (obj, None, None) not in graph:
                graph.remove((subject, prop, obj))
        _shapes_cache[key] = graph
    return _shapes_cache[key]


def dataset_graph(dataset: Mapping[str, Any]) -> Any:
    from ckanext.dcat.processors import RDFSerializer

    serializer = RDFSerializer()
    serializer.graph_from_dataset(dict(dataset))
    return serializer.g


def validate(dataset: Mapping[str, Any], paths: list[str] | None = None) -> dict[str, Any]:
    """The validation result to cache. Never raises: a failure is recorded in ``error``."""
    paths = paths if paths is not None else configured_shapes()
    result: dict[str, Any] = {"conforms": None, "violations": None, "messages": [],
                              "shapes": fingerprint(paths), "error": None,
                              "dataset_modified": dataset.get("metadata_modified")}
    try:
        import pyshacl
        from rdflib import URIRef

        data = dataset_graph(dataset)
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=load_shapes(paths), inference="none", advanced=True)
        sh = {n: URIRef(SH + n) for n in ("result", "resultSeverity", "Violation",
                                          "resultPath", "resultMessage", "focusNode")}
        messages = []
        for node in report.objects(None, sh["result"]):
            if report.value(node, sh["resultSeverity"]) != sh["Violation"]:
                continue
            messages.append({"path": str(report.value(node, sh["resultPath"]) or ""),
                             "message": str(report.value(node, sh["resultMessage"]) or "")[:300]})
        result.update(conforms=not messages, violations=len(messages),
                      messages=sorted(messages, key=lambda m: (m["path"], m["message"]))[:20])
    except Exception as e:  # bad shapes file, profile error, odd data: not assessed
        log.warning("SHACL validation of dataset %s failed: %s", dataset.get("id"), e,
                    exc_info=True)
        result["error"] = f"{e.__class__.__name__}: {e}"[:500]
    result["checked"] = now()
    return result
