"""Actions and auth of opengov_charter."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.opengov.charter import aggregate, publisher, report, tables, trends
from ckanext.opengov.charter.engine import assess


@tk.side_effect_free
def opengov_charter_dataset_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The Open Data Charter assessment of one dataset.

    :param id: the id or name of the dataset
    :type id: string
    :returns: the assessment: ``score`` (0-100), ``band``, per-principle scores, every
        indicator with its status, evidence (English msgid, parameters and ``message`` in the
        request language), ``gain`` (total-score points won by fixing it), its bilingual name
        and fix advice; ``failing`` (best gain first) and the MQA-equivalent score.
    :rtype: dictionary
    """
    dataset_id = data_dict.get("id")
    if not isinstance(dataset_id, str) or not dataset_id.strip():
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    tk.check_access("opengov_charter_dataset_show", context, {"id": dataset_id})
    dataset = tk.get_action("package_show")(
        {**context, "ignore_auth": False}, {"id": dataset_id})
    meth = report.methodology()
    result = assess(dataset, report.context(meth))
    out = result.as_dict()
    out["dataset_id"] = dataset["id"]
    for item, row in zip(out["indicators"], result.results, strict=True):
        ind = row.indicator
        item.update(name=dict(ind.name), fix=dict(ind.fix), checks=dict(ind.checks),
                    commitments=list(ind.commitments))
        for message, evidence in zip(item["evidence"], row.finding.evidence, strict=True):
            message["message"] = evidence.render(tk._)
    return out


@tk.auth_allow_anonymous_access
def opengov_charter_dataset_show_auth(context: Context,
                                      data_dict: DataDict | None) -> AuthResult:
    """Whoever may see the dataset may see its assessment."""
    try:
        tk.check_access("package_show", context, data_dict)
    except tk.NotAuthorized:
        return {"success": False}
    return {"success": True}


@tk.side_effect_free
def opengov_charter_methodology_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The assessment methodology: principles, indicators, weights, bands, MQA crosswalk.

    :returns: the methodology as the site configured it, every text in English and French
    :rtype: dictionary
    """
    tk.check_access("opengov_charter_methodology_show", context, data_dict)
    return report.methodology_dict(report.methodology())


@tk.auth_allow_anonymous_access
def opengov_charter_methodology_show_auth(context: Context,
                                          data_dict: DataDict | None) -> AuthResult:
    """The methodology is public."""
    return {"success": True}


@tk.side_effect_free
def opengov_charter_jurisdiction_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Charter summary of a jurisdiction (an organization), from the search index.

    Only public datasets count. Scores are integers 0-100 per dataset.

    :param id: the id or name of the organization
    :type id: string
    :returns: ``datasets`` (public datasets), ``assessed``, ``score`` (count, mean, median,
        10-point ``histogram``), ``bands`` (datasets per band), ``principles`` (the same
        statistics per principle), ``mqa`` and ``fixes``: failing indicators with the number of
        datasets failing them and ``mean_gain``, the points the mean score gains at most when
        they are all fixed, best first; ``trend``: the daily snapshots, oldest first;
        ``publisher``: the jurisdiction-level indicators (``score``, ``coverage`` and each
        indicator with ``status``, ``points``, ``evidence`` and ``evidence_kind``:
        ``self_declared``, ``verified`` or ``computed``).
    :rtype: dictionary
    """
    org_id = data_dict.get("id")
    if not isinstance(org_id, str) or not org_id.strip():
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    tk.check_access("opengov_charter_jurisdiction_show", context, {"id": org_id})
    # the model, not organization_show: that one counts the organization's datasets with a
    # filtered search, which the summary below does not need
    group = model.Group.get(org_id)
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ObjectNotFound(tk._("Organization not found"))
    org = {"id": group.id, "name": group.name, "title": group.title}
    out = aggregate.jurisdiction(org["id"], report.methodology())
    out["organization"] = {"id": org["id"], "name": org["name"], "title": org.get("title")}
    out["trend"] = trends.history(trends.JURISDICTION, org["id"])
    out["publisher"] = publisher.show(org["id"], out, report.methodology())
    return out


@tk.auth_allow_anonymous_access
def opengov_charter_jurisdiction_show_auth(context: Context,
                                           data_dict: DataDict | None) -> AuthResult:
    """Public aggregates of an organization anyone may see."""
    try:
        tk.check_access("organization_show", context, data_dict)
    except tk.NotAuthorized:
        return {"success": False}
    return {"success": True}


@tk.side_effect_free
def opengov_charter_site_summary_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Charter summary of the whole catalogue, of each level of government and of each
    jurisdiction (organization, harvested ones included), from the search index.

    Only public datasets count, whoever asks.

    :returns: ``site`` (the statistics of opengov_charter_jurisdiction_show for the whole
        catalogue), ``levels`` (the same per level of government, with ``level`` and the
        number of ``jurisdictions``), ``jurisdictions`` (the same per organization, with
        ``id``, ``name``, ``title``, ``level``, ``province``), ``trend`` (the site's daily
        snapshots, oldest first) and ``level_trends`` (per level).
    :rtype: dictionary
    """
    tk.check_access("opengov_charter_site_summary_show", context, data_dict)
    out = aggregate.site(report.methodology())
    out["trend"] = trends.history(trends.SITE)
    out["level_trends"] = trends.histories(trends.LEVEL, [lv["level"] for lv in out["levels"]])
    return out


@tk.auth_allow_anonymous_access
def opengov_charter_site_summary_show_auth(context: Context,
                                           data_dict: DataDict | None) -> AuthResult:
    """Aggregates of public datasets are public."""
    return {"success": True}


@tk.side_effect_free
def opengov_charter_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One table of the Charter pages, as the CSV and JSON exports give it.

    :param table: ``jurisdictions``, ``levels``, ``principles``, ``distribution``, ``bands``,
        ``fixes``, ``trend`` (of the site, or of ``jurisdiction``) or ``assessment`` (of
        ``dataset``)
    :type table: string
    :param jurisdiction: id or name of an organization: its tables instead of the site's
    :type jurisdiction: string
    :param dataset: id or name of a dataset (table ``assessment``)
    :type dataset: string
    :returns: ``table``, ``scope``, ``columns`` (column ids, the CSV header) and ``rows``
        (one mapping per row); names and advice in English and French (``*_en``, ``*_fr``)
    :rtype: dictionary
    """
    tk.check_access("opengov_charter_export", context, data_dict)
    table = data_dict.get("table")
    jurisdiction = data_dict.get("jurisdiction")
    dataset = data_dict.get("dataset")
    meth = report.methodology()
    if dataset:
        if table != "assessment":
            raise tk.ValidationError({"table": [tk._("Value must be one of {}").format(
                list(tables.DATASET_TABLES))]})
        result = tk.get_action("opengov_charter_dataset_show")(context, {"id": dataset})
        out = tables.build("assessment", meth, result=result)
        scope = {"dataset": result["dataset_id"]}
    elif jurisdiction:
        if table not in tables.JURISDICTION_TABLES:
            raise tk.ValidationError({"table": [tk._("Value must be one of {}").format(
                list(tables.JURISDICTION_TABLES))]})
        summary = tk.get_action("opengov_charter_jurisdiction_show")(
            context, {"id": jurisdiction})
        out = tables.build(str(table), meth, summary=summary, history=summary["trend"])
        scope = {"jurisdiction": summary["organization"]["id"]}
    else:
        if table not in tables.SITE_TABLES:
            raise tk.ValidationError({"table": [tk._("Value must be one of {}").format(
                list(tables.SITE_TABLES))]})
        history = trends.history(trends.SITE) if table == "trend" else []
        site = aggregate.site(meth) if table != "trend" else None
        out = tables.build(str(table), meth, summary=site["site"] if site else None, site=site,
                           history=history)
        scope = {"site": True}
    return {"table": out["id"], "scope": scope, "columns": out["columns"], "rows": out["rows"],
            "methodology_version": meth.version}


@tk.auth_allow_anonymous_access
def opengov_charter_export_auth(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Site tables are public; a jurisdiction's or a dataset's follow their own show auth."""
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {"opengov_charter_dataset_show": opengov_charter_dataset_show,
            "opengov_charter_methodology_show": opengov_charter_methodology_show,
            "opengov_charter_jurisdiction_show": opengov_charter_jurisdiction_show,
            "opengov_charter_site_summary_show": opengov_charter_site_summary_show,
            "opengov_charter_export": opengov_charter_export}


def get_auth_functions() -> dict[str, Any]:
    return {"opengov_charter_dataset_show": opengov_charter_dataset_show_auth,
            "opengov_charter_methodology_show": opengov_charter_methodology_show_auth,
            "opengov_charter_jurisdiction_show": opengov_charter_jurisdiction_show_auth,
            "opengov_charter_site_summary_show": opengov_charter_site_summary_show_auth,
            "opengov_charter_export": opengov_charter_export_auth}
