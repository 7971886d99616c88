"""Loads the demo catalogue (a data file) into CKAN through its actions.

Idempotent by name: the sysadmin, organizations, groups and datasets are created only when
no object of that name exists. Existing datasets are left alone (so a re-run costs a handful
of queries); existing organizations only get the catalogue's fields they lack, which upgrades
an organization created by an earlier catalogue or by ``ckan opengov federation seed``.
Records of the first, plain-CKAN demo catalogue (``retired``) are purged when found in their
old form, so a portal loaded by an earlier version ends up with the current catalogue.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from ckan.plugins import plugin_loaded
from ckan.types import Context
from werkzeug.datastructures import FileStorage

log = logging.getLogger(__name__)

CATALOGUE_PATH = os.path.join(os.path.dirname(__file__), "catalogue.yaml")
FILES_DIR = os.path.join(os.path.dirname(__file__), "files")

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "opengov-demo"
ADMIN_EMAIL = "admin@example.org"

# Catalogue keys that are not action fields: consumed by the loader itself.
_ORG_ONLY_KEYS = ("dataset_defaults", "resource_defaults")
# A field of a record written before the bilingual schemas never has it.
_BILINGUAL_MARKER = "title_translated"


@dataclasses.dataclass
class Outcome:
    """What happened to one kind of object (organizations, groups, datasets)."""

    created: list[str] = dataclasses.field(default_factory=list)
    existing: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Report:
    admin_created: bool = False
    retired: list[str] = dataclasses.field(default_factory=list)
    organizations: Outcome = dataclasses.field(default_factory=Outcome)
    groups: Outcome = dataclasses.field(default_factory=Outcome)
    datasets: Outcome = dataclasses.field(default_factory=Outcome)

    @property
    def ok(self) -> bool:
        return not (self.organizations.failed or self.groups.failed or self.datasets.failed)


def read_catalogue(path: str = CATALOGUE_PATH) -> dict[str, Any]:
    """The catalogue file as a dict with ``organizations``, ``groups``, ``datasets`` lists
    and a ``retired`` mapping."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with organizations, groups and datasets")
    for key in ("organizations", "groups", "datasets"):
        data.setdefault(key, [])
        if not isinstance(data[key], list):
            raise ValueError(f"{path}: {key} must be a list")
    retired = data.setdefault("retired", {}) or {}
    if not isinstance(retired, dict):
        raise ValueError(f"{path}: retired must be a mapping")
    data["retired"] = {k: list(retired.get(k) or []) for k in ("organizations", "datasets")}
    return data


def hvd_defaults(dataset_type: str | None) -> dict[str, Any]:
    """The fields an HVD type fixes (standard, EU category, legislation); {} for other types."""
    from ckanext.opengov.metadata import standards

    spec = standards.hvd_type(dataset_type)
    if spec is None:
        return {}
    fields: dict[str, Any] = {"hvd_standard": list(spec["conforms_to"])}
    if spec.get("hvd_category"):
        fields["hvd_category"] = [spec["hvd_category"]]
        fields["applicable_legislation"] = [standards.hvd_catalogue()["hvd_regulation"]["uri"]]
    return fields


def _resolve(value: Any, today: dt.date) -> Any:
    """``{days_ago: N}`` -> the ISO date N days before ``today``; other values unchanged."""
    if isinstance(value, dict) and set(value) == {"days_ago"}:
        return (today - dt.timedelta(days=int(value["days_ago"]))).isoformat()
    return value


def dataset_dict(record: Mapping[str, Any], organization: Mapping[str, Any],
                 today: dt.date | None = None) -> dict[str, Any]:
    """The ``package_create`` payload of a catalogue record (pure: no database).

    Resources keep their ``file`` key (the loader uploads those after the create).
    """
    today = today or dt.date.today()
    data = {**hvd_defaults(record.get("type")), **(organization.get("dataset_defaults") or {}),
            **record}
    data = {k: _resolve(v, today) for k, v in data.items()}
    org = data.pop("organization", None)
    if org:
        data["owner_org"] = org
    data["groups"] = [{"name": name} for name in data.get("groups", [])]
    res_defaults = organization.get("resource_defaults") or {}
    data["resources"] = [{**res_defaults, **res} for res in data.get("resources", [])]
    return data


def upload_for(file_name: str, files_dir: str = FILES_DIR) -> FileStorage:
    """The upload of ``files/<file_name>``: a file as it is, a folder as a zip of its files."""
    path = os.path.join(files_dir, file_name)
    if os.path.isdir(path):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(os.listdir(path)):
                archive.write(os.path.join(path, name), name)
        return FileStorage(stream=io.BytesIO(buffer.getvalue()), filename=f"{file_name}.zip",
                           content_type="application/zip")
    with open(path, "rb") as f:
        content = f.read()
    return FileStorage(stream=io.BytesIO(content), filename=os.path.basename(path))


def _existing_group_names(names: Iterable[str]) -> set[str]:
    # Organizations and groups share the group table and its unique names.
    rows = model.Session.query(model.Group.name).filter(model.Group.name.in_(list(names)))
    return {name for (name,) in rows}


def _existing_dataset_names(names: Iterable[str]) -> set[str]:
    rows = model.Session.query(model.Package.name).filter(model.Package.name.in_(list(names)))
    return {name for (name,) in rows}


def _error_text(error: Exception) -> str:
    if isinstance(error, tk.ValidationError):
        return "; ".join(f"{field}: {msg}" for field, msg in error.error_summary.items())
    return str(error) or error.__class__.__name__


def ensure_admin() -> tuple[str, bool]:
    """Creates the demo sysadmin when no user of that name exists.

    :returns: the name of the user to create content as, and whether the admin was created
    """
    site_user = tk.get_action("get_site_user")(cast(Context, {"ignore_auth": True}), {})["name"]
    user = model.User.by_name(ADMIN_NAME)
    if user is None:
        context = cast(Context, {"user": site_user, "ignore_auth": True})
        tk.get_action("user_create")(context, {
            "name": ADMIN_NAME,
            "password": ADMIN_PASSWORD,
            "email": ADMIN_EMAIL,
            "fullname": "Demo administrator",
            "sysadmin": True,
        })
        return ADMIN_NAME, True
    # An `admin` someone else made may not be a sysadmin: create as the site user then.
    return (ADMIN_NAME if user.sysadmin and user.state == "active" else site_user), False


def _retire(catalogue: dict[str, Any], context: Callable[[], Context],
            report: Report) -> None:
    """Purges the first catalogue's records still in their monolingual form."""
    for name in catalogue["retired"]["datasets"]:
        package = model.Package.get(name)
        if package is None or _BILINGUAL_MARKER in (package.extras or {}):
            continue
        tk.get_action("dataset_purge")(context(), {"id": package.id})
        report.retired.append(name)
    for name in catalogue["retired"]["organizations"]:
        group = model.Group.get(name)
        if group is None or not group.is_organization:
            continue
        owned = model.Session.query(model.Package.id).filter(
            model.Package.owner_org == group.id).first()
        if owned is None:  # never take a dataset someone added since with it
            tk.get_action("organization_purge")(context(), {"id": group.id})
            report.retired.append(name)


def _missing_fields(record: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The catalogue fields an existing organization lacks (never overwrites a value)."""
    return {k: v for k, v in record.items()
            if k not in _ORG_ONLY_KEYS and k != "name" and current.get(k) in (None, "", [], {})}


def load(catalogue: dict[str, Any], echo: Callable[[str], None] = log.info,
         reset: bool = False, today: dt.date | None = None) -> Report:
    """Creates what is missing from ``catalogue``; returns what was created, found or failed.

    :param reset: purge the catalogue's datasets first, so all of them are created again
    """
    report = Report()
    creator, report.admin_created = ensure_admin()
    if report.admin_created:
        echo(tk._("Created sysadmin '%(name)s' (password '%(password)s')")
             % {"name": ADMIN_NAME, "password": ADMIN_PASSWORD})
    else:
        echo(tk._("Sysadmin '%s' already exists: left alone") % ADMIN_NAME)

    def context() -> Context:
        return cast(Context, {"user": creator})

    _retire(catalogue, context, report)
    for name in report.retired:
        echo(tk._("Removed %s (from the earlier, monolingual demo catalogue)") % name)
    if reset:
        for name in sorted(_existing_dataset_names(d["name"] for d in catalogue["datasets"])):
            tk.get_action("dataset_purge")(context(), {"id": name})

    organizations: dict[str, dict[str, Any]] = {}
    for kind, action, outcome, records, created_msg in (
        ("organization", "organization_create", report.organizations, catalogue["organizations"],
         tk._("Created organization %s")),
        ("group", "group_create", report.groups, catalogue["groups"], tk._("Created group %s")),
    ):
        existing = _existing_group_names(r["name"] for r in records)
        for record in records:
            name = record["name"]
            if kind == "organization":
                organizations[name] = record
            data = {k: v for k, v in record.items() if k not in _ORG_ONLY_KEYS}
            try:
                if name in existing:
                    missing = {}
                    if kind == "organization":
                        current = tk.get_action("organization_show")(
                            context(), {"id": name, "include_datasets": False})
                        missing = _missing_fields(record, current)
                    if not missing:
                        outcome.existing.append(name)
                        continue
                    tk.get_action("organization_patch")(context(), {"id": name, **missing})
                    outcome.updated.append(name)
                    echo(tk._("Updated organization %(name)s: %(fields)s")
                         % {"name": name, "fields": ", ".join(sorted(missing))})
                    continue
                tk.get_action(action)(context(), data)
            except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized) as e:
                model.Session.rollback()
                outcome.failed[name] = _error_text(e)
                continue
            outcome.created.append(name)
            echo(created_msg % name)

    records = catalogue["datasets"]
    existing = _existing_dataset_names(r["name"] for r in records)
    for record in records:
        name = record["name"]
        if name in existing:
            report.datasets.existing.append(name)
            continue
        try:
            _create_dataset(record, organizations.get(record.get("organization", ""), {}),
                            context, today)
        except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized, OSError) as e:
            model.Session.rollback()
            report.datasets.failed[name] = _error_text(e)
            continue
        report.datasets.created.append(name)
        echo(tk._("Created dataset %s") % name)
    return report


def _create_dataset(record: Mapping[str, Any], organization: Mapping[str, Any],
                    context: Callable[[], Context], today: dt.date | None) -> None:
    """package_create with the linked resources, then resource_create for each file.

    Files go through resource_create (not package_create) because that is where the suite
    checks an HVD resource against its data standard; the catalogue's order is then restored.
    """
    data = dataset_dict(record, organization, today)
    resources = data.pop("resources")
    data["resources"] = [r for r in resources if "file" not in r]
    dataset = tk.get_action("package_create")(context(), data)
    if len(data["resources"]) == len(resources):
        return
    linked = iter(r["id"] for r in dataset["resources"])
    order: list[str] = []
    uploaded: list[str] = []
    try:
        for resource in resources:
            if "file" not in resource:
                order.append(next(linked))
                continue
            fields = {k: v for k, v in resource.items() if k != "file"}
            created = tk.get_action("resource_create")(context(), {
                **fields, "package_id": dataset["id"], "upload": upload_for(resource["file"]),
            })
            order.append(created["id"])
            uploaded.append(created["id"])
        tk.get_action("package_resource_reorder")(context(), {"id": dataset["id"],
                                                             "order": order})
        for resource_id in uploaded:
            _check_now(resource_id, context)
    except Exception:
        # no half-made dataset: the next run creates it whole
        model.Session.rollback()
        tk.get_action("dataset_purge")(context(), {"id": dataset["id"]})
        raise


def _check_now(resource_id: str, context: Callable[[], Context]) -> None:
    """Runs the data-standard check of an uploaded file at once.

    A save only queues the check for ``ckan jobs worker``, which the demo does not run:
    checking here lets the resource page show a real result as soon as the portal is up.
    """
    try:
        action = tk.get_action("opengov_standards_check_run")
    except KeyError:  # opengov_schemas is not enabled: nothing checks the files
        return
    if hvd_defaults(_dataset_type(resource_id)):
        action(context(), {"id": resource_id, "sync": True})


def _dataset_type(resource_id: str) -> str | None:
    resource = model.Resource.get(resource_id)
    package = model.Package.get(resource.package_id) if resource else None
    return package.type if package else None


def charter_bands(organizations: Iterable[str]) -> dict[str, dict[str, int]]:
    """Datasets per Charter band for each organization (empty without opengov_charter)."""
    if not plugin_loaded("opengov_charter"):
        return {}
    out: dict[str, dict[str, int]] = {}
    for name in organizations:
        found = tk.get_action("package_search")(cast(Context, {"ignore_auth": True}), {
            "fq": f'organization:"{name}"', "rows": 0, "facet.field": ["charter_band"],
            "facet.limit": -1,
        })
        out[name] = dict(found.get("facets", {}).get("charter_band", {}))
    return out
