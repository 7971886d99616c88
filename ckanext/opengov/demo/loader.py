"""Loads the demo catalogue (a data file) into CKAN through its actions.

Idempotent by name: the sysadmin, organizations, groups and datasets are created only
when no object of that name exists, and existing ones are never modified, so a re-run
costs a handful of queries plus whatever is missing.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any, cast

import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from ckan.types import Context

log = logging.getLogger(__name__)

CATALOGUE_PATH = os.path.join(os.path.dirname(__file__), "catalogue.yaml")

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "opengov-demo"
ADMIN_EMAIL = "admin@example.org"

# Catalogue keys that are not action fields: consumed by the loader itself.
_ORG_ONLY_KEYS = ("dataset_defaults",)


@dataclasses.dataclass
class Outcome:
    """What happened to one kind of object (organizations, groups, datasets)."""

    created: list[str] = dataclasses.field(default_factory=list)
    existing: list[str] = dataclasses.field(default_factory=list)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Report:
    admin_created: bool = False
    organizations: Outcome = dataclasses.field(default_factory=Outcome)
    groups: Outcome = dataclasses.field(default_factory=Outcome)
    datasets: Outcome = dataclasses.field(default_factory=Outcome)

    @property
    def ok(self) -> bool:
        return not (self.organizations.failed or self.groups.failed or self.datasets.failed)


def read_catalogue(path: str = CATALOGUE_PATH) -> dict[str, Any]:
    """The catalogue file as a dict with ``organizations``, ``groups`` and ``datasets`` lists."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with organizations, groups and datasets")
    for key in ("organizations", "groups", "datasets"):
        data.setdefault(key, [])
        if not isinstance(data[key], list):
            raise ValueError(f"{path}: {key} must be a list")
    return data


def dataset_dict(record: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The ``package_create`` payload of a catalogue record (pure: no database)."""
    data = {**defaults, **record}
    org = data.pop("organization", None)
    if org:
        data["owner_org"] = org
    data["tags"] = [{"name": name} for name in data.get("tags", [])]
    data["groups"] = [{"name": name} for name in data.get("groups", [])]
    return data


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


def load(catalogue: dict[str, Any], echo: Callable[[str], None] = log.info) -> Report:
    """Creates what is missing from ``catalogue``; returns what was created, found or failed."""
    report = Report()
    creator, report.admin_created = ensure_admin()
    if report.admin_created:
        echo(f"Created sysadmin '{ADMIN_NAME}' (password '{ADMIN_PASSWORD}')")
    else:
        echo(f"Sysadmin '{ADMIN_NAME}' already exists: left alone")

    def context() -> Context:
        return cast(Context, {"user": creator})

    defaults: dict[str, dict[str, Any]] = {}
    for kind, action, outcome, records in (
        ("organization", "organization_create", report.organizations, catalogue["organizations"]),
        ("group", "group_create", report.groups, catalogue["groups"]),
    ):
        existing = _existing_group_names(r["name"] for r in records)
        for record in records:
            name = record["name"]
            if kind == "organization":
                defaults[name] = record.get("dataset_defaults") or {}
            if name in existing:
                outcome.existing.append(name)
                continue
            data = {k: v for k, v in record.items() if k not in _ORG_ONLY_KEYS}
            try:
                tk.get_action(action)(context(), data)
            except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized) as e:
                model.Session.rollback()
                outcome.failed[name] = _error_text(e)
                continue
            outcome.created.append(name)
            echo(f"Created {kind} {name}")

    records = catalogue["datasets"]
    existing = _existing_dataset_names(r["name"] for r in records)
    for record in records:
        name = record["name"]
        if name in existing:
            report.datasets.existing.append(name)
            continue
        data = dataset_dict(record, defaults.get(record.get("organization", ""), {}))
        try:
            tk.get_action("package_create")(context(), data)
        except (tk.ValidationError, tk.ObjectNotFound, tk.NotAuthorized) as e:
            model.Session.rollback()
            report.datasets.failed[name] = _error_text(e)
            continue
        report.datasets.created.append(name)
        echo(f"Created dataset {name}")
    return report
