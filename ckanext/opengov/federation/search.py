"""Federated search: local and harvested datasets side by side, on package_search.

package_search does the work (so it runs on opengov_pgsearch, or Solr); this module adds
the federation's index fields (level of government and province or territory of the
publishing jurisdiction, harvested or local), the facets of the federated search page and
what each result needs to show: its jurisdiction and, when harvested, the original record.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from . import duplicates
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
    """before_dataset_index: the jurisdiction's level and province, the origin, and the
    group of copies the dataset belongs to (duplicates.py)."""
    org = _group_extras(pkg.get("owner_org"))
    level = pkg.get("jurisdiction") or org.get("level_of_government")
    if level:
        pkg["federation_level"] = level
    if org.get("province"):
        pkg["federation_province"] = org["province"]
    harvested = bool(pkg.get("federation_source_id") or pkg.get("extras_federation_source_id"))
    pkg["federation_origin"] = "harvested" if harvested else "local"
    if pkg.get("dataset_type") != "harvest":
        duplicates.index_fields(pkg)
    return pkg


def facets() -> list[str]:
    out = list(FACETS)
    if p.plugin_loaded("opengov_charter"):
        out.append(CHARTER_FACET)
    return out


def facet_label(field: str, value: str) -> str:
    """A facet value's label in the reader's language: the values this module indexes, and
    the suite's vocabularies, formats, licences and HVD types when no plugin labelled them."""
    if field == "federation_origin":
        return tk._("Harvested from another portal") if value == "harvested" else tk._(
            "Published here")
    try:
        from ckanext.opengov.metadata import helpers, vocab
        from ckanext.opengov.metadata.search import facet_label as suite_label

        lang = helpers.opengov_lang()
        if field == "federation_level":
            return vocab.label("jurisdiction", value, lang) or value
        if field == "federation_province":
            return vocab.label("sgc", value, lang) or value
        return suite_label(field, value, lang) or value
    except Exception:  # the vocabularies are optional here: the code is still meaningful
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


def _search_ids(context: Context, q: str, fq: list[str]) -> Callable[[list[str], int], list[str]]:
    def run(extra: list[str], rows: int) -> list[str]:
        found = tk.get_action("package_search")(
            {"user": context.get("user")},
            {"q": q, "fq": " ".join(fq), "fq_list": extra, "rows": rows, "fl": "id",
             "include_private": False})
        return [str(r["id"]) for r in found["results"] if r.get("id")]
    return run


def _also_published_at(context: Context, results: list[dict[str, Any]]) -> int:
    """Fill each result's "also published at" links from its group; returns how many."""
    copies = duplicates.copies_of([r["id"] for r in results])
    wanted = sorted({c for ids in copies.values() for c in ids})
    if not wanted:
        return 0
    # The copies the user may see, as package_search shows them.
    visible = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"fq": "id:({})".format(" OR ".join(f'"{i}"' for i in wanted)), "rows": len(wanted),
         "include_private": False})["results"]
    by_id = {pkg["id"]: _result(pkg) for pkg in visible}
    shown = 0
    for result in results:
        links = []
        for copy_id in copies.get(result["id"], []):
            copy = by_id.get(copy_id)
            if copy is None:
                continue
            fed = copy["opengov_federation"]
            links.append({"name": copy["name"], "jurisdiction": fed["jurisdiction"],
                          "jurisdiction_name": fed["jurisdiction_name"],
                          "url": fed["remote_url"], "platform": fed["platform"],
                          "harvested": fed["harvested"]})
        result["opengov_federation"]["also_published_at"] = links
        shown += len(links)
    return shown


@tk.side_effect_free
def opengov_federation_search(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Search local and harvested datasets with the federation's facets.

    :param q: the search words (optional)
    :param filters: ``{facet: [values]}`` among the facets listed in the result
    :param rows: results per page (default 20, at most 100)
    :param start: offset of the first result
    :param sort: a package_search sort (default: relevance, then last modified)
    :param collapse: one record per dataset published on several portals (default true):
        the originating jurisdiction's copy, or the best copy the query matches, with
        ``also_published_at`` links to the others; ``count``, facets and paging then count
        datasets, not copies
    :returns: ``count``, ``results`` (each with ``opengov_federation``: jurisdiction,
        harvested, remote_url, platform, also_published_at), ``collapsed`` (copies shown
        as links on this page), ``facets`` (``[{name, label, items}]``) and ``filters``
        (the filters applied)
    """
    tk.check_access("opengov_federation_search", context, data_dict)
    try:
        rows = min(int(data_dict.get("rows", DEFAULT_ROWS)), MAX_ROWS)
        start = max(int(data_dict.get("start", 0)), 0)
    except (TypeError, ValueError) as e:
        raise tk.ValidationError({"rows": [tk._("rows and start must be integers")]}) from e
    fq, chosen = _filters(data_dict)
    fields = facets()
    q = data_dict.get("q") or ""
    folding = tk.asbool(data_dict.get("collapse", True))
    fq_list = []
    if folding:
        fq_list.append(duplicates.collapse_filter(_search_ids(context, q, fq),
                                                  narrowed=bool(q.strip() or fq)))
    search = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"q": q, "fq": " ".join(fq), "fq_list": fq_list, "rows": rows, "start": start,
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
    folded = _also_published_at(context, results) if folding else 0
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
