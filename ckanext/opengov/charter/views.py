"""The ``opengov_charter`` blueprint: the dataset's Charter tab."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.opengov.charter import report

charter = Blueprint("opengov_charter", __name__)


def _lang() -> str:
    try:
        return str(tk.h.lang() or "en").split("_")[0].split("-")[0]
    except (RuntimeError, TypeError, AttributeError):
        return tk.config.get("ckan.locale_default") or "en"


def dataset(id: str) -> Any:
    context: Any = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        tk.check_access("opengov_charter_dataset_show", context, {"id": id})
        pkg_dict = tk.get_action("package_show")(context, {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to read package %s") % id)
    charter_report = report.build(pkg_dict, _lang(), tk._)
    return tk.render("opengov/charter/dataset.html", {
        "pkg_dict": pkg_dict,
        "dataset_type": pkg_dict.get("type") or "dataset",
        "report": charter_report,
    })


def methodology() -> Any:
    meth = report.methodology()
    return tk.render("opengov/charter/methodology.html", {
        "methodology": report.localized_methodology(meth, _lang()),
    })


def jurisdiction(id: str) -> Any:
    context: Any = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        summary = tk.get_action("opengov_charter_jurisdiction_show")(context, {"id": id})
        org = tk.get_action("organization_show")(context, {"id": id, "include_datasets": False})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to read group %s") % id)
    return tk.render("opengov/charter/jurisdiction.html", {
        "group_dict": org, "group_type": org.get("type") or "organization",
        "summary": report.localized_summary(summary, report.methodology(), _lang()),
    })


charter.add_url_rule("/dataset/<id>/charter", view_func=dataset, endpoint="dataset")
charter.add_url_rule("/organization/<id>/charter", view_func=jurisdiction,
                     endpoint="jurisdiction")
charter.add_url_rule("/charter/methodology", view_func=methodology, endpoint="methodology")


def get_blueprints() -> list[Blueprint]:
    return [charter]
