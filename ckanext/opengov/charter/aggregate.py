"""Jurisdiction, level-of-government and site summaries from the search index (DESIGN
decision 3): facets and counts only, never a walk over the datasets.

One match-all ``package_search`` (``rows=0``) with two facet fields gives everything:
``charter_facets`` (see index.py) carries each dataset's score, band, failing indicators and
per-principle scores, once as is and once scoped to its organization (``o:<id>:score:64``),
and ``owner_org`` counts the datasets of each jurisdiction. A query that only filters on
visibility is answered by opengov_pgsearch from its per-class counts (and by Solr from its
facet cache), so the cost does not grow with the catalogue. Only **public** datasets count:
the query runs as an anonymous visitor, whoever asks.

Levels of government are sums of their jurisdictions' counts (counts add up exactly; means
and medians are then computed from the summed distribution).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opengov.charter.index import FACETS_FIELD, ORG_TOKEN
from ckanext.opengov.charter.methodology import Methodology

Counts = dict[str, dict[str, int]]
UNKNOWN_LEVEL = "other"


def _split(items: Any) -> Counts:
    """``{"score": {"64": 3, ...}, "band": {...}, ...}`` from ``charter_facets`` counts."""
    out: Counts = {}
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


def from_counts(counts: Counts, total: int, meth: Methodology) -> dict[str, Any]:
    """The summary of ``total`` datasets whose ``charter_facets`` counts are ``counts``."""
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


def _public_search(data_dict: dict[str, Any]) -> dict[str, Any]:
    # an anonymous visitor's search: private datasets can neither be counted nor seen
    context: Any = {"ignore_auth": True, "user": ""}
    return tk.get_action("package_search")(context, {
        "q": "*:*", "rows": 0, "include_private": False, "include_drafts": False,
        "facet.limit": -1, "facet.mincount": 1, **data_dict})


def summary(fq: str, meth: Methodology, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The charter summary of the public datasets matching ``fq`` (read from their documents:
    use :func:`index_counts` where the scoped tokens are enough)."""
    result = _public_search({"fq": fq, "facet.field": [FACETS_FIELD]})
    counts = _split((result.get("facets") or {}).get(FACETS_FIELD))
    return from_counts({k: v for k, v in counts.items() if not k.startswith(ORG_TOKEN)},
                       int(result.get("count") or 0), meth)


@dataclass
class IndexCounts:
    """Every count the dashboards need, from one match-all facet query."""

    total: int = 0
    site: Counts = field(default_factory=dict)
    orgs: dict[str, Counts] = field(default_factory=dict)
    datasets: dict[str, int] = field(default_factory=dict)


def index_counts() -> IndexCounts:
    """The counts of the public catalogue (one query: callers compute it once per page)."""
    result = _public_search({"facet.field": [FACETS_FIELD, "owner_org"]})
    facets = result.get("facets") or {}
    out = IndexCounts(total=int(result.get("count") or 0),
                      datasets={str(k): int(v) for k, v in (facets.get("owner_org") or {}).items()})
    for key, values in _split(facets.get(FACETS_FIELD)).items():
        if key.startswith(ORG_TOKEN):
            org, _, rest = key[len(ORG_TOKEN):].partition(":")
            out.orgs.setdefault(org, {})[rest] = values
        else:
            out.site[key] = values
    return out


def _merge(parts: Iterable[Counts]) -> Counts:
    merged: Counts = {}
    for part in parts:
        for key, values in part.items():
            target = merged.setdefault(key, {})
            for value, n in values.items():
                target[value] = target.get(value, 0) + n
    return merged


def organizations(ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Active organizations (all, or ``ids``) with the jurisdiction fields of opengov_schemas
    (stored as extras; absent on plain CKAN, where every organization is "other")."""
    import ckan.model as model

    # whole rows, not a Group.extras column: CKAN 2.12 stores extras in a JSONB column,
    # CKAN 2.11 behind an association proxy (group_extra) that cannot be selected
    query = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active")
    if ids is not None:
        query = query.filter(model.Group.id.in_(list(ids) or [""]))
    orgs = {}
    for group in query:
        gid, name, title = group.id, group.name, group.title
        extras = dict(group.extras or {})
        try:
            translated = json.loads(extras.get("title_translated") or "{}")
        except ValueError:
            translated = {}
        orgs[gid] = {"id": gid, "name": name, "title": title or name,
                     "title_translated": translated if isinstance(translated, dict) else {},
                     "level": extras.get("level_of_government") or UNKNOWN_LEVEL,
                     "province": extras.get("province") or None,
                     "portal_url": extras.get("portal_url") or None}
    return orgs


def jurisdiction(org_id: str, meth: Methodology,
                 counts: IndexCounts | None = None) -> dict[str, Any]:
    """The summary of one organization's public datasets."""
    counts = counts or index_counts()
    total = counts.datasets.get(org_id, 0)
    scoped = counts.orgs.get(org_id)
    if total and not scoped and counts.site.get("score"):
        # documents indexed before the scoped tokens existed: read this jurisdiction's
        # documents instead (slower) until the index is rebuilt
        return summary(f'owner_org:"{org_id}"', meth)
    return from_counts(scoped or {}, total, meth)


def site(meth: Methodology, counts: IndexCounts | None = None) -> dict[str, Any]:
    """The whole public catalogue: its summary, every jurisdiction's and every level's."""
    counts = counts or index_counts()
    orgs = organizations()
    jurisdictions = []
    by_level: dict[str, list[str]] = {}
    for org_id, org in orgs.items():
        jurisdictions.append({**org, **from_counts(counts.orgs.get(org_id, {}),
                                                   counts.datasets.get(org_id, 0), meth)})
        by_level.setdefault(org["level"], []).append(org_id)
    jurisdictions.sort(key=lambda j: (j["score"]["mean"] is None, -(j["score"]["mean"] or 0),
                                      str(j["title"]).lower()))
    levels = []
    for level, ids in by_level.items():
        levels.append({"level": level, "jurisdictions": len(ids), **from_counts(
            _merge(counts.orgs.get(i, {}) for i in ids),
            sum(counts.datasets.get(i, 0) for i in ids), meth)})
    levels.sort(key=lambda lv: (lv["score"]["mean"] is None, -(lv["score"]["mean"] or 0)))
    return {"site": from_counts(counts.site, counts.total, meth),
            "jurisdictions": jurisdictions, "levels": levels}
