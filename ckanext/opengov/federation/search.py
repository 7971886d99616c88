"""Federated search: local and harvested datasets side by side, on package_search.

package_search does the work (so it runs on opengov_pgsearch, or Solr); this module adds
the federation's index fields (level of government and province or territory of the
publishing jurisdiction, harvested or local), the facets of the federated search page and
what each result needs to show: its jurisdiction and, when harvested, the original record.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from . import dedup
from .provenance import PLATFORM_NAMES

#: facet fields of the page, in order
FACETS: tuple[str, ...] = ("organization", "federation_level", "federation_province",
                           "dataset_type", "vocab_subject", "res_format", "license_id",
                           "vocab_language", "federation_origin")
CHARTER_FACET = "charter_band"


def _facet_titles() -> dict[str, str]:
    return {
        "organization": tk._("Jurisdiction"),
        "federation_level": tk._("Level of government"),
        "federation_province": tk._("Province or territory"),
        "dataset_type": tk._("High-value dataset type"),
        "vocab_subject": tk._("Theme"),
        "res_format": tk._("Format"),
        "license_id": tk._("Licence"),
        "vocab_language": tk._("Language"),
        "federation_origin": tk._("Origin"),
        "charter_band": tk._("Charter band"),
    }
MAX_ROWS = 100
DEFAULT_ROWS = 20


def _group_extras(org_id: str | None) -> dict[str, str]:
    if not org_id:
        return {}
    group = model.Group.get(org_id)
    return dict(group.extras or {}) if group is not None else {}


def index_fields(pkg: dict[str, Any]) -> dict[str, Any]:
    """before_dataset_index: the jurisdiction's level and province, and the origin."""
    org = _group_extras(pkg.get("owner_org"))
    level = pkg.get("jurisdiction") or org.get("level_of_government")
    if level:
        pkg["federation_level"] = level
    if org.get("province"):
        pkg["federation_province"] = org["province"]
    harvested = bool(pkg.get("federation_source_id") or pkg.get("extras_federation_source_id"))
    pkg["federation_origin"] = "harvested" if harvested else "local"
    return pkg


def facets() -> list[str]:
    out = list(FACETS)
    if p.plugin_loaded("opengov_charter"):
        out.append(CHARTER_FACET)
    return out


def facet_label(field: str, value: str) -> str:
    """Labels of the values this module indexes (the others are labelled by their plugins)."""
    if field == "federation_origin":
        return tk._("Harvested from another portal") if value == "harvested" else tk._(
            "Published here")
    if field == "federation_level":
        try:
            from ckanext.opengov.metadata import helpers, vocab

            return vocab.label("jurisdiction", value, helpers.opengov_lang()) or value
        except Exception:  # the vocabulary is optional here: the code is still meaningful
            return value
    return value


def _filters(data_dict: DataDict) -> tuple[list[str], dict[str, list[str]]]:
    allowed = set(facets())
    raw = data_dict.get("filters") or {}
    if not isinstance(raw, dict):
        raise tk.ValidationError({"filters": [tk._("must be an object of facet: values")]})
    chosen: dict[str, list[str]] = {}
    fq = []
    for field, values in raw.items():
        if field not in allowed:
            raise tk.ValidationError({"filters": [tk._("unknown facet %s") % field]})
        values = [values] if isinstance(values, str) else list(values or [])
        values = [str(v) for v in values if str(v).strip()]
        if not values:
            continue
        chosen[field] = values
        quoted = " OR ".join('"{}"'.format(v.replace("\\", "\\\\").replace('"', '\\"'))
                             for v in values)
        fq.append(f"{field}:({quoted})")
    return fq, chosen


def _result(pkg: dict[str, Any]) -> dict[str, Any]:
    org = pkg.get("organization") or {}
    extras = {e.get("key"): e.get("value") for e in pkg.get("extras") or []}
    remote_url = pkg.get("federation_remote_url") or extras.get("federation_remote_url")
    platform = pkg.get("federation_platform") or extras.get("federation_platform") or ""
    pkg["opengov_federation"] = {
        "jurisdiction": org.get("title") or org.get("name"),
        "jurisdiction_name": org.get("name"),
        "harvested": bool(remote_url),
        "remote_url": remote_url,
        "platform": PLATFORM_NAMES.get(platform, platform) or None,
        "also_published_at": [],
    }
    return pkg


def _copy_keys(pkg: dict[str, Any]) -> set[str]:
    """Strong keys of a result (landing page, identifiers, data files), as dedup's."""
    extras = {e.get("key"): e.get("value") for e in pkg.get("extras") or []}
    keys: set[str] = set()
    landing = dedup.normalize_url(pkg.get("federation_landing_page")
                                  or extras.get("federation_landing_page"))
    if landing:
        keys.add(f"uri:{landing}")
    for resource in pkg.get("resources") or []:
        url = dedup.normalize_url(resource.get("url"))
        if url and url != landing and (resource.get("format") or "").upper() not in (
                "HTML", "WEB PAGE"):
            keys.add(f"file:{url}")
    return keys


def _level(pkg: dict[str, Any]) -> str:
    org = pkg.get("organization") or {}
    return str(pkg.get("jurisdiction") or _group_extras(org.get("id")).get(
        "level_of_government") or "other")


def collapse(results: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """One record per dataset published on several portals, within a page of results.

    Copies share a strong key (dedup.py); the originating jurisdiction's copy (the most
    local level of government) is kept, the others become its "also published at" links.
    Returns the results and how many copies were folded.
    """
    groups: list[list[int]] = []
    owner: dict[str, int] = {}
    for i, pkg in enumerate(results):
        hits = {owner[k] for k in _copy_keys(pkg) if k in owner}
        if hits:
            target = min(hits)
            for other in sorted(hits - {target}, reverse=True):
                groups[target].extend(groups[other])
                groups[other] = []
                for k, g in list(owner.items()):
                    if g == other:
                        owner[k] = target
            groups[target].append(i)
        else:
            target = len(groups)
            groups.append([i])
        for k in _copy_keys(pkg):
            owner[k] = target
    out: list[dict[str, Any]] = []
    folded = 0
    kept_at: dict[int, int] = {}
    for members in groups:
        if not members:
            continue
        keep = int(dedup.preferred([(f"{i:06d}", _level(results[i])) for i in members]))
        kept_at[members[0]] = keep
        pkg = results[keep]
        pkg["opengov_federation"]["also_published_at"] = [{
            "name": results[i]["name"],
            "jurisdiction": results[i]["opengov_federation"]["jurisdiction"],
            "url": results[i]["opengov_federation"]["remote_url"],
        } for i in members if i != keep]
        folded += len(members) - 1
    for first in sorted(kept_at):
        out.append(results[kept_at[first]])
    return out, folded


@tk.side_effect_free
def opengov_federation_search(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Search local and harvested datasets with the federation's facets.

    :param q: the search words (optional)
    :param filters: ``{facet: [values]}`` among the facets listed in the result
    :param rows: results per page (default 20, at most 100)
    :param start: offset of the first result
    :param sort: a package_search sort (default: relevance, then last modified)
    :param collapse: fold copies of one dataset published on several portals into the
        originating jurisdiction's record, with ``also_published_at`` links (default true;
        copies are recognized among the results of the page)
    :returns: ``count``, ``results`` (each with ``opengov_federation``: jurisdiction,
        harvested, remote_url, platform), ``facets`` (``[{name, label, items}]``) and
        ``filters`` (the filters applied)
    """
    tk.check_access("opengov_federation_search", context, data_dict)
    try:
        rows = min(int(data_dict.get("rows", DEFAULT_ROWS)), MAX_ROWS)
        start = max(int(data_dict.get("start", 0)), 0)
    except (TypeError, ValueError) as e:
        raise tk.ValidationError({"rows": [tk._("rows and start must be integers")]}) from e
    fq, chosen = _filters(data_dict)
    fields = facets()
    search = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"q": data_dict.get("q") or "", "fq": " ".join(fq), "rows": rows, "start": start,
         "sort": data_dict.get("sort") or "score desc, metadata_modified desc",
         "facet.field": fields, "facet.limit": 50,
         "include_private": False})
    out_facets = []
    titles = _facet_titles()
    for name in fields:
        body = (search.get("search_facets") or {}).get(name) or {"items": []}
        items = []
        for item in sorted(body.get("items") or [], key=lambda i: (-i["count"], i["name"])):
            display = item.get("display_name") or item["name"]
            if display == item["name"]:
                display = facet_label(name, item["name"])
            items.append({"name": item["name"], "display_name": display,
                          "count": item["count"], "active": item["name"] in chosen.get(name, [])})
        out_facets.append({"name": name, "label": titles[name], "items": items})
    results = [_result(r) for r in search["results"]]
    folded = 0
    if tk.asbool(data_dict.get("collapse", True)):
        results, folded = collapse(results)
    return {"count": search["count"], "results": results, "collapsed": folded,
            "facets": out_facets, "filters": chosen, "rows": rows, "start": start}


@tk.auth_allow_anonymous_access
def opengov_federation_search_auth(context: Context, data_dict: DataDict) -> dict[str, Any]:
    # The same as package_search: anyone may search what is public.
    return {"success": True}


def actions() -> dict[str, Any]:
    return {"opengov_federation_search": opengov_federation_search}


def auth_functions() -> dict[str, Any]:
    return {"opengov_federation_search": opengov_federation_search_auth}
