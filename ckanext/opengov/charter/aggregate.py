"""Jurisdiction summaries from the search index (DESIGN decision 3): facets and counts only.

One ``package_search`` with ``rows=0`` and one facet field (``charter_facets``, see index.py)
gives the score distribution, the bands, the failing indicators and the per-principle scores of
every public dataset of a jurisdiction, whatever its size, on opengov_pgsearch or Solr alike.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opengov.charter.index import FACETS_FIELD
from ckanext.opengov.charter.methodology import Methodology


def _split(items: Any) -> dict[str, dict[str, int]]:
    """``{"score": {"64": 3, ...}, "band": {...}, ...}`` from ``charter_facets`` counts."""
    out: dict[str, dict[str, int]] = {}
    if not isinstance(items, dict):
        return out
    for token, count in items.items():
        key, _, value = str(token).rpartition(":")
        if key:
            out.setdefault(key, {})[value] = int(count)
    return out


def _stats(counts: dict[str, int]) -> dict[str, Any]:
    """Count, mean, median and a 10-point histogram of integer scores given as facet counts."""
    values = sorted((int(k), v) for k, v in counts.items() if k.lstrip("-").isdigit())
    total = sum(v for _, v in values)
    if not total:
        return {"count": 0, "mean": None, "median": None, "histogram": [0] * 10}
    mean = sum(k * v for k, v in values) / total
    seen, median = 0, values[-1][0]
    for score, count in values:
        seen += count
        if seen * 2 >= total:
            median = score
            break
    histogram = [0] * 10
    for score, count in values:
        histogram[min(max(score, 0), 99) // 10] += count
    return {"count": total, "mean": round(mean, 1), "median": median, "histogram": histogram}


def summary(fq: str, meth: Methodology, context: dict[str, Any]) -> dict[str, Any]:
    """The charter summary of the public datasets matching ``fq``."""
    result = tk.get_action("package_search")(context, {
        "q": "*:*", "fq": fq, "rows": 0, "include_private": False,
        "facet.field": [FACETS_FIELD], "facet.limit": -1, "facet.mincount": 1,
    })
    counts = _split((result.get("facets") or {}).get(FACETS_FIELD))
    total = int(result.get("count") or 0)
    score = _stats(counts.get("score", {}))
    failing = counts.get("failing", {})
    weights = {i.id: i.weight for i in meth.level("dataset")}
    fixes: list[dict[str, Any]] = [
        {"indicator": ind, "datasets": n, "weight": weights.get(ind, 0.0),
         # points the catalogue's mean score would gain at most if every failing dataset fixed it
         "mean_gain": round(n * weights.get(ind, 0.0) / total, 2) if total else 0.0}
        for ind, n in failing.items()]
    fixes.sort(key=lambda f: (-float(f["mean_gain"]), str(f["indicator"])))
    return {
        "datasets": total,
        "assessed": score["count"],
        "score": score,
        "bands": {b.id: counts.get("band", {}).get(b.id, 0) for b in meth.bands},
        "mqa": {"score": _stats(counts.get("mqa", {})),
                "bands": {b.id: counts.get("mqa_band", {}).get(b.id, 0)
                          for b in meth.mqa_bands}},
        "principles": {p.id: _stats(counts.get(p.id, {})) for p in meth.principles},
        "fixes": fixes,
        "methodology_version": meth.version,
    }
