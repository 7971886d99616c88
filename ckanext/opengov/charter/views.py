"""The ``opengov_charter`` blueprint: the dataset's Charter tab, the jurisdiction page, the
site dashboard, the methodology page and the CSV / JSON exports of every table."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.opengov.charter import pages, report, tables

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
        "summary": pages.jurisdiction_page(summary, report.methodology(), _lang(), tk._),
    })


def dashboard() -> Any:
    context: Any = {"user": tk.current_user.name if tk.current_user else ""}
    data = tk.get_action("opengov_charter_site_summary_show")(context, {})
    return tk.render("opengov/charter/dashboard.html", {
        "page": pages.dashboard_page(data, report.methodology(), _lang(), tk._),
    })


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def export(table: str, fmt: str) -> Any:
    context: Any = {"user": tk.current_user.name if tk.current_user else ""}
    params = {"table": table}
    for key in ("jurisdiction", "dataset"):
        value = request.args.get(key)
        if value:
            params[key] = value
    if table not in tables.TABLES:
        return tk.abort(404, tk._("No such table"))
    try:
        data = tk.get_action("opengov_charter_export")(context, params)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(str(m) for msgs in error.error_dict.values()
                                       for m in (msgs if isinstance(msgs, list) else [msgs])))
    scope = params.get("dataset") or params.get("jurisdiction") or "site"
    filename = f"charter-{scope}-{table}.{fmt}".replace('"', "")
    if fmt == "csv":
        body, mimetype = _csv(data["columns"], data["rows"]), "text/csv; charset=utf-8"
    else:
        body = json.dumps(data, ensure_ascii=False, indent=1)
        mimetype = "application/json; charset=utf-8"
    return Response(body.encode("utf-8"), headers={
        "Content-Type": mimetype,
        "Content-Disposition": f'attachment; filename="{filename}"'})


charter.add_url_rule("/dataset/<id>/charter", view_func=dataset, endpoint="dataset")
charter.add_url_rule("/organization/<id>/charter", view_func=jurisdiction,
                     endpoint="jurisdiction")
charter.add_url_rule("/charter/methodology", view_func=methodology, endpoint="methodology")
charter.add_url_rule("/charter", view_func=dashboard, endpoint="dashboard")
charter.add_url_rule("/charter/export/<table>.<any(csv, json):fmt>", view_func=export,
                     endpoint="export")


def get_blueprints() -> list[Blueprint]:
    return [charter]
