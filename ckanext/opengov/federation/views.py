"""The federated search page, ``/federation`` (``/fr/federation``): blueprint opengov_federation."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from . import reports, search

federation = Blueprint("opengov_federation", __name__)


def _page_url(args: dict[str, list[str]], **changes: Any) -> str:
    params = [(k, v) for k, values in args.items() for v in values]
    for key, value in changes.items():
        params = [(k, v) for k, v in params if k != key]
        if value is not None:
            params.append((key, str(value)))
    query = urlencode(params)
    return tk.h.url_for("opengov_federation.index") + (f"?{query}" if query else "")


def index() -> str:
    request = tk.request
    args = {k: request.args.getlist(k) for k in request.args}
    q = request.args.get("q", "")
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    rows = search.DEFAULT_ROWS
    filters = {name: args[name] for name in search.facets() if args.get(name)}
    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        result = tk.get_action("opengov_federation_search")(
            context, {"q": q, "filters": filters, "rows": rows, "start": (page - 1) * rows})
    except tk.ValidationError:
        result = {"count": 0, "results": [], "facets": [], "filters": {}}
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to search"))

    def toggle_url(field: str, value: str) -> str:
        current = list(args.get(field, []))
        if value in current:
            current.remove(value)
        else:
            current.append(value)
        new_args = {**args, field: current}
        new_args.pop("page", None)
        return _page_url(new_args)

    last_page = max((result["count"] + rows - 1) // rows, 1)
    return tk.render("opengov/federation/search.html", {
        "q": q, "result": result, "page": page, "last_page": last_page,
        "toggle_url": toggle_url,
        "prev_url": _page_url(args, page=page - 1) if page > 1 else None,
        "next_url": _page_url(args, page=page + 1) if page < last_page else None,
    })


def job_report(id: str) -> Any:
    """The full report of a federation harvest job as CSV: every record, never truncated."""
    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        tk.check_access("harvest_job_show", context, {"id": id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this job"))
    if not reports.is_federation_job(id):
        return tk.abort(404, tk._("Harvest job not found"))
    return Response(reports.report_csv(id), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="harvest-job-{id}.csv"'})


federation.add_url_rule("/federation", view_func=index, endpoint="index")
federation.add_url_rule("/federation/job/<id>/report.csv", view_func=job_report,
                        endpoint="job_report")


def blueprints() -> list[Blueprint]:
    return [federation]
