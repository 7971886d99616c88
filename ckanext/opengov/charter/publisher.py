"""Jurisdiction (publisher-level) indicators: the ``level: jurisdiction`` indicators of the
methodology, computed for one organization.

Inputs: the organization's jurisdiction fields (opengov_schemas' organization schema:
``data_inventory_url``, ``open_data_policy_url``, ``charter_adoption_date``, ``portal_url``;
plain CKAN extras of the same names work too), the charter summary of its public datasets
(aggregate.py), the high-value dataset types it publishes, whether this site serves its
catalogue as DCAT, and the stored link checks of the declared URLs.

Every finding says where its evidence comes from (``evidence_kind``): ``self_declared`` (a
field the steward filled, not verified), ``verified`` (checked: the URL answered the link
checker, the DCAT endpoint is served here) or ``computed`` (from the catalogue itself).
:func:`assess` is pure; :func:`for_organization` gathers the inputs inside CKAN.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ckanext.opengov.charter import fields as f
from ckanext.opengov.charter.engine import (
    FAIL,
    N_,
    NOT_ASSESSED,
    PARTIAL,
    PASS,
    Finding,
    finding,
)
from ckanext.opengov.charter.methodology import Methodology

log = logging.getLogger(__name__)

SELF_DECLARED, VERIFIED, COMPUTED = "self_declared", "verified", "computed"
MISSING = "missing"
EVIDENCE_LABELS = {
    MISSING: N_("Not declared"),
    SELF_DECLARED: N_("Self-declared"),
    VERIFIED: N_("Verified"),
    COMPUTED: N_("From the catalogue"),
}
URL_FIELDS = ("data_inventory_url", "open_data_policy_url", "portal_url")


@dataclass(frozen=True)
class Inputs:
    """What the jurisdiction indicators read (gathered by :func:`for_organization`)."""

    organization: Mapping[str, Any]
    summary: Mapping[str, Any]
    links: Mapping[str, Mapping[str, Any]]
    hvd_types: Mapping[str, Mapping[str, Any]]
    hvd_published: frozenset[str]
    catalogue_url: str | None


def _field(org: Mapping[str, Any], name: str) -> str:
    _, value = f.get(dict(org), name)
    value = f.loads(value)
    if isinstance(value, dict):  # a multilingual URL: any language will do
        value = next((v for v in value.values() if f.is_filled(v)), "")
    return f.text(value).strip()


def _link_state(url: str, links: Mapping[str, Mapping[str, Any]]) -> str:
    """``ok``, ``broken`` or ``unchecked`` from the stored link check of ``url``."""
    result = links.get(url)
    if not isinstance(result, Mapping):
        return "unchecked"
    status = result.get("status")
    if isinstance(status, int) and 200 <= status < 400 and not result.get("error") \
            and not result.get("login"):
        return "ok"
    return "broken"


def _declared_url(url: str, links: Mapping[str, Mapping[str, Any]]) -> tuple[str, float, str]:
    """(status, fraction, evidence kind) of a declared URL, from its stored link check."""
    state = _link_state(url, links)
    if state == "ok":
        return PASS, 1.0, VERIFIED
    if state == "broken":
        return PARTIAL, 0.25, VERIFIED
    return PARTIAL, 0.5, SELF_DECLARED


_INVENTORY_MESSAGES = {
    "ok": N_("Inventory of data holdings: {url} (the link works)."),
    "broken": N_("Inventory of data holdings: {url}, but the link does not work."),
    "unchecked": N_("Inventory of data holdings: {url} (declared; the link has not been "
                    "checked yet)."),
}


def inventory_published(i: Inputs) -> tuple[Finding, str]:
    url = _field(i.organization, "data_inventory_url")
    if not url:
        return finding(FAIL, N_("No inventory of data holdings is linked.")), MISSING
    status, fraction, kind = _declared_url(url, i.links)
    return finding(status, _INVENTORY_MESSAGES[_link_state(url, i.links)], fraction=fraction,
                   url=url, items=[url]), kind


def inventory_coverage(i: Inputs) -> tuple[Finding, str]:
    return finding(NOT_ASSESSED, N_("The inventory's items are not read, so the share released "
                                    "cannot be measured.")), COMPUTED


def _failing(i: Inputs, indicator: str) -> int:
    for fix in i.summary.get("fixes") or []:
        if isinstance(fix, Mapping) and fix.get("indicator") == indicator:
            return int(fix.get("datasets") or 0)
    return 0


def _datasets(i: Inputs) -> int:
    return int(i.summary.get("assessed") or i.summary.get("datasets") or 0)


def non_release_justified(i: Inputs) -> tuple[Finding, str]:
    total = _datasets(i)
    if not total:
        return finding(NOT_ASSESSED, N_("The jurisdiction has no public datasets.")), COMPUTED
    unjustified = _failing(i, "justified_restriction")
    restricted = max(_failing(i, "public_access"), unjustified)
    if not unjustified:
        return finding(PASS, N_("Every catalogued dataset with restricted access gives a "
                                "reason.")), COMPUTED
    share = 1 - unjustified / restricted
    return finding(FAIL if share == 0 else PARTIAL,
                   N_("{count} catalogued datasets with restricted access give no reason."),
                   fraction=share, count=unjustified), COMPUTED


def harvestable_catalogue(i: Inputs) -> tuple[Finding, str]:
    if i.catalogue_url and _datasets(i):
        return finding(PASS, N_("The catalogue is served as DCAT: {url}."),
                       url=i.catalogue_url, items=[i.catalogue_url]), VERIFIED
    url = _field(i.organization, "portal_url")
    if not url:
        return finding(FAIL, N_("No DCAT catalogue and no portal URL are known.")), MISSING
    state = _link_state(url, i.links)
    if state == "ok":
        return finding(PARTIAL, N_("The portal {url} answers, but no DCAT endpoint is known."),
                       fraction=0.5, url=url, items=[url]), VERIFIED
    if state == "broken":
        return finding(FAIL, N_("The declared portal {url} does not answer."), url=url,
                       items=[url]), VERIFIED
    return finding(PARTIAL, N_("A portal is declared at {url} (not checked yet); no DCAT "
                               "endpoint is known."),
                   fraction=0.25, url=url, items=[url]), SELF_DECLARED


def dataset_quality(i: Inputs) -> tuple[Finding, str]:
    score = i.summary.get("score") or {}
    median = score.get("median") if isinstance(score, Mapping) else None
    if not isinstance(median, int):
        return finding(NOT_ASSESSED, N_("No public dataset has been assessed.")), COMPUTED
    fraction = min(max(median / 100, 0.0), 1.0)
    status = PASS if fraction >= 1 else (FAIL if fraction <= 0 else PARTIAL)
    return finding(status, N_("Median Charter score {median} over {count} public datasets."),
                   fraction=fraction, median=median, count=score.get("count") or 0), COMPUTED


def key_datasets(i: Inputs) -> tuple[Finding, str]:
    if not i.hvd_types:
        return finding(NOT_ASSESSED, N_("No list of high-value dataset types is installed.")), \
            COMPUTED
    types = list(i.hvd_types)
    have = [t for t in types if t in i.hvd_published]
    missing = [f.text((i.hvd_types[t].get("label") or {}).get("en")) or t for t in types
               if t not in i.hvd_published]
    share = len(have) / len(types)
    status = PASS if share >= 1 else (FAIL if not have else PARTIAL)
    return finding(status, N_("{count} of {total} high-value dataset types are published."),
                   fraction=share, items=missing, count=len(have), total=len(types)), COMPUTED


def responsiveness(i: Inputs) -> tuple[Finding, str]:
    total = _datasets(i)
    if not total:
        return finding(NOT_ASSESSED, N_("The jurisdiction has no public datasets.")), COMPUTED
    without = min(_failing(i, "contact_point"), total)
    share = 1 - without / total
    status = PASS if share >= 1 else (FAIL if share <= 0 else PARTIAL)
    return finding(status, N_("{ok} of {total} public datasets have a usable contact point."),
                   fraction=share, ok=total - without, total=total), COMPUTED


def policy_evidence(i: Inputs) -> tuple[Finding, str]:
    policy = _field(i.organization, "open_data_policy_url")
    adopted = f.parse_date(_field(i.organization, "charter_adoption_date"))
    if not policy and not adopted:
        return finding(FAIL, N_("No open data policy and no Charter adoption are declared.")), \
            MISSING
    points = 0.0
    kind = SELF_DECLARED
    if policy:
        _status, fraction, kind = _declared_url(policy, i.links)
        points += fraction
    if adopted:
        points += 1.0
    share = points / 2
    items = [x for x in (policy,) if x]
    if kind == VERIFIED and _link_state(policy, i.links) == "ok":
        message = N_("Open data policy: {policy} (the link works); Charter adopted on {date} "
                     "(self-declared).")
    else:
        message = N_("Open data policy: {policy}; Charter adopted on {date} (self-declared, "
                     "not verified).")
    # the adoption date can only be declared: the indicator stays self-declared evidence
    return finding(PASS if share >= 1 else PARTIAL, message, fraction=share, items=items,
                   policy=policy or "-",
                   date=adopted.date().isoformat() if adopted else "-"), SELF_DECLARED


CHECKS: dict[str, Callable[[Inputs], tuple[Finding, str]]] = {
    fn.__name__: fn for fn in (inventory_published, inventory_coverage, non_release_justified,
                               harvestable_catalogue, dataset_quality, key_datasets,
                               responsiveness, policy_evidence)}


def _fraction(found: Finding, default: float) -> float | None:
    if found.status == PASS:
        return 1.0
    if found.status == FAIL:
        return 0.0
    if found.status == PARTIAL:
        return min(max(found.fraction if found.fraction is not None else default, 0.0), 1.0)
    return None


def assess(inputs: Inputs, meth: Methodology,
           gettext: Callable[[str], str] | None = None, lang: str = "en") -> dict[str, Any]:
    """The jurisdiction indicators of ``meth`` for one organization, with a score 0-100 over the
    indicators that could be assessed. Never raises on odd organization data."""
    _ = gettext or (lambda s: s)
    rows: list[dict[str, Any]] = []
    for ind in meth.level("jurisdiction"):
        check = CHECKS.get(ind.check) or CHECKS.get(ind.id)
        kind = COMPUTED
        if check is None:
            found = finding(NOT_ASSESSED, N_("No check named {check} is installed."),
                            check=ind.check)
        else:
            try:
                found, kind = check(inputs)
            except Exception:  # odd organization data must not break the jurisdiction page
                log.exception("jurisdiction indicator %s failed", ind.id)
                found = finding(NOT_ASSESSED, N_("The check could not run on this "
                                                 "jurisdiction's data."))
        if ind.self_declared and kind == VERIFIED and found.status != PASS:
            kind = SELF_DECLARED
        frac = _fraction(found, meth.partial_default)
        rows.append({
            "id": ind.id, "principle": ind.principle, "weight": ind.weight,
            "name": ind.name.get(lang) or ind.name.get("en", ind.id),
            "fix": ind.fix.get(lang) or ind.fix.get("en", ""),
            "status": found.status,
            "points": None if frac is None else round(ind.weight * frac, 1),
            "evidence": [m.render(_) for m in found.evidence],
            "evidence_msgids": [m.as_dict() for m in found.evidence],
            "evidence_kind": kind,
            "evidence_label": _(EVIDENCE_LABELS[kind]),
            "details": list(found.items),
        })
    assessed = sum(r["weight"] for r in rows if r["points"] is not None)
    earned = sum(r["points"] or 0.0 for r in rows)
    return {"score": round(earned / assessed * 100) if assessed else None,
            "coverage": round(assessed / sum(r["weight"] for r in rows) * 100) if rows else 0,
            "indicators": rows}


# --------------------------------------------------------------------------- inside CKAN


def _hvd() -> tuple[dict[str, Any], bool]:
    import ckan.plugins as p

    if not p.plugin_loaded("opengov_schemas"):
        return {}, False
    try:
        from ckanext.opengov.metadata import standards

        return dict(standards.hvd_types()), True
    except Exception:
        log.warning("high-value dataset types unavailable", exc_info=True)
        return {}, False


def for_organization(org_id: str, summary: Mapping[str, Any]) -> Inputs:
    """Gather the inputs for one organization (public data only)."""
    import ckan.plugins as p
    import ckan.plugins.toolkit as tk

    from ckanext.opengov.charter import results

    org = tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": org_id, "include_datasets": False,
                                "include_extras": True, "include_users": False,
                                "include_groups": False, "include_tags": False,
                                "include_followers": False})
    urls = organization_urls(org)
    hvd_types, _ = _hvd()
    published: set[str] = set()
    if hvd_types:
        found = tk.get_action("package_search")({"ignore_auth": True, "user": ""}, {
            "q": "*:*", "fq": f'owner_org:"{org["id"]}"', "rows": 0, "include_private": False,
            "facet.field": ["dataset_type"], "facet.limit": -1, "facet.mincount": 1})
        published = set(((found.get("facets") or {}).get("dataset_type") or {}).keys())
    catalogue = None
    if p.plugin_loaded("dcat"):
        site = str(tk.config.get("ckan.site_url") or "").rstrip("/")
        catalogue = f"{site}/catalog.ttl?fq=organization:{org['name']}"
    return Inputs(organization=org, summary=summary, links=results.link_results(urls),
                  hvd_types=hvd_types, hvd_published=frozenset(published),
                  catalogue_url=catalogue)


def organization_urls(org: Mapping[str, Any]) -> list[str]:
    """The declared URLs of an organization the link checker verifies."""
    return [u for u in (_field(org, name) for name in URL_FIELDS) if f.is_url(u)]


def show(org_id: str, summary: Mapping[str, Any], meth: Methodology) -> dict[str, Any]:
    """The jurisdiction indicators of one organization in the request's language (the
    ``publisher`` part of ``opengov_charter_jurisdiction_show``)."""
    import ckan.plugins.toolkit as tk

    from ckanext.opengov.charter.views import _lang

    try:
        return assess(for_organization(org_id, summary), meth, tk._, _lang())
    except (tk.ObjectNotFound, tk.NotAuthorized):
        raise
    except Exception:  # the jurisdiction summary is still worth showing without them
        log.exception("jurisdiction indicators of %s could not be computed", org_id)
        return {"score": None, "coverage": 0, "indicators": [], "error": True}
