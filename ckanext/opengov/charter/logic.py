"""Actions and auth of opengov_charter."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.opengov.charter import aggregate, report
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
        they are all fixed, best first.
    :rtype: dictionary
    """
    org_id = data_dict.get("id")
    if not isinstance(org_id, str) or not org_id.strip():
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    tk.check_access("opengov_charter_jurisdiction_show", context, {"id": org_id})
    org = tk.get_action("organization_show")(
        {**context}, {"id": org_id, "include_datasets": False, "include_extras": False,
                      "include_users": False, "include_groups": False, "include_tags": False,
                      "include_followers": False})
    out = aggregate.summary(f'owner_org:"{org["id"]}"', report.methodology(),
                            {"ignore_auth": True, "user": ""})
    out["organization"] = {"id": org["id"], "name": org["name"], "title": org.get("title")}
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


def get_actions() -> dict[str, Any]:
    return {"opengov_charter_dataset_show": opengov_charter_dataset_show,
            "opengov_charter_methodology_show": opengov_charter_methodology_show,
            "opengov_charter_jurisdiction_show": opengov_charter_jurisdiction_show}


def get_auth_functions() -> dict[str, Any]:
    return {"opengov_charter_dataset_show": opengov_charter_dataset_show_auth,
            "opengov_charter_methodology_show": opengov_charter_methodology_show_auth,
            "opengov_charter_jurisdiction_show": opengov_charter_jurisdiction_show_auth}
