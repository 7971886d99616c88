"""Provenance of harvested datasets: declared as schema fields, kept on edits, shown.

With opengov_schemas (scheming) on, undeclared keys would be stored as loose extras; the
plugin adds these fields to every dataset schema once all schemas are loaded
(:func:`declare_fields`), so they are real dataset fields, indexed and returned by
package_show. They have no form input: an edit through the form keeps the stored values
(:func:`opengov_federation_keep`).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

#: (field name, English label, French label); the order of the provenance block
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("federation_source_id", "Harvest source", "Source de moissonnage"),
    ("federation_remote_id", "Identifier at the source", "Identifiant à la source"),
    ("federation_remote_url", "Original record", "Notice originale"),
    ("federation_platform", "Platform", "Plateforme"),
    ("federation_remote_modified", "Modified at the source", "Modifié à la source"),
    ("federation_harvested_at", "Harvested", "Moissonné"),
    ("federation_withdrawn_at", "Withdrawn at the source", "Retiré à la source"),
)

PLATFORM_NAMES = {"ckan": "CKAN", "socrata": "Socrata", "arcgis_hub": "ArcGIS Hub",
                  "opendatasoft": "OpenDataSoft", "dcat_us": "DCAT-US (data.json)",
                  "dcat_rdf": "DCAT-AP (RDF)"}


def field_definitions() -> list[dict[str, Any]]:
    return [{
        "field_name": name,
        "label": {"en": en, "fr": fr},
        # shown by the provenance block, not in "Additional information" nor the form
        "form_snippet": None,
        "display_snippet": None,
        "validators": "opengov_federation_keep ignore_missing unicode_safe",
    } for name, en, fr in FIELDS]


def declare_fields() -> int:
    """Add the provenance fields to every loaded scheming dataset schema (idempotent).

    Called from IConfigurable.configure, which runs after every plugin's update_config,
    hence after scheming (and opengov_schemas) loaded the schemas. Returns how many
    schemas were changed.
    """
    try:
        from ckanext.scheming.plugins import SchemingDatasetsPlugin
    except ImportError:
        return 0
    instance = SchemingDatasetsPlugin.instance
    if instance is None:
        return 0
    changed = 0
    for schemas in (getattr(instance, "_schemas", {}), getattr(instance, "_expanded_schemas",
                                                               {})):
        for schema in (schemas or {}).values():
            fields = schema.setdefault("dataset_fields", [])
            present = {f.get("field_name") for f in fields}
            missing = [f for f in field_definitions() if f["field_name"] not in present]
            if missing:
                fields.extend(missing)
                changed += 1
    return changed


def opengov_federation_keep(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """A provenance value missing from an update keeps the stored one.

    Only the harvester writes provenance; a person editing the dataset in the form (which
    has no provenance inputs) must not erase where it came from.
    """
    value = data.get(key)
    if value not in (None, "", tk.missing) or len(key) != 1:
        return
    if context.get("opengov_federated"):
        # The harvester writes the whole provenance: what it leaves out is cleared (a
        # withdrawn record that came back upstream loses its withdrawal date).
        return
    package = context.get("package")
    package_id = data.get(("id",))
    if package is None and isinstance(package_id, str) and package_id:
        package = model.Package.get(package_id)
    if package is None:
        return
    stored = (package.extras or {}).get(key[0])
    if stored:
        data[key] = stored


def opengov_federation_provenance(pkg: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the provenance block shows for a dataset, or None for a local dataset."""
    if not pkg:
        return None
    extras = {e.get("key"): e.get("value") for e in pkg.get("extras") or []
              if isinstance(e, dict)}
    values = {name: pkg.get(name) or extras.get(name) for name, _en, _fr in FIELDS}
    if not values["federation_source_id"] and not values["federation_remote_url"]:
        return None
    source = None
    if values["federation_source_id"]:
        source = model.Package.get(values["federation_source_id"])
    platform = values["federation_platform"] or ""
    return {
        **values,
        "source_title": source.title if source is not None else None,
        "source_url": source.url if source is not None else None,
        "source_name": source.name if source is not None else None,
        "platform_name": PLATFORM_NAMES.get(platform, platform),
        "remote_url": values["federation_remote_url"],
        "withdrawn": bool(values["federation_withdrawn_at"]),
    }


def validators() -> dict[str, Any]:
    return {"opengov_federation_keep": opengov_federation_keep}


def helpers() -> dict[str, Any]:
    return {"opengov_federation_provenance": opengov_federation_provenance}
