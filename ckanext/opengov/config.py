"""Plugin configuration shared by the suite's plugins: config declarations (each area keeps its
options in ``<area>/config_declaration.yaml``) and the shared templates folder."""
from __future__ import annotations

import copy
import os
from typing import Any

import yaml
from ckan.config.declaration import Declaration
from ckan.config.declaration.load import option_types

PACKAGE = os.path.dirname(__file__)
# The exact string ``tk.add_template_directory(config, "../templates")`` gives from plugins/:
# the charter adds a folder inside it as a normalised path, and CKAN's {% ckan_extends %} matches
# search paths by string prefix, so this one must stay un-normalised.
TEMPLATES = os.path.join(PACKAGE, "plugins", "../templates")


def add_suite_templates(config: Any) -> None:
    """Register the suite's templates/ (IConfigurer.update_config of each plugin that uses it)."""
    paths = config.get("plugin_template_paths", [])
    if TEMPLATES not in paths:
        config["plugin_template_paths"] = [TEMPLATES, *paths]


# The extensions whose templates the suite's override (scheming's forms and pages, harvest's job
# pages): CKAN ranks template folders by plugin order, and ckanext-harvest's documentation has
# `harvest` listed before its harvesters, so order alone cannot be relied on.
OVERRIDDEN = ("/ckanext/scheming/", "/ckanext/harvest/", "/ckanext/dcat/")


def rank_suite_templates(config: Any) -> None:
    """Move the suite's templates/ just above the first folder of an extension it overrides.

    Runs in IConfigurable.configure, once CKAN has computed the search path. A theme listed
    before the suite's plugins still ranks above both.
    """
    paths = list(config.get("computed_template_paths") or [])
    if TEMPLATES not in paths:
        return
    current = paths.index(TEMPLATES)
    paths.remove(TEMPLATES)
    overridden = [i for i, path in enumerate(paths) if any(part in path for part in OVERRIDDEN)]
    position = min([current, *overridden])
    config["computed_template_paths"] = [*paths[:position], TEMPLATES, *paths[position:]]


def declare_area(declaration: Declaration, area: str) -> None:
    """Load ``ckanext/opengov/<area>/config_declaration.yaml`` into ``declaration``."""
    path = os.path.join(PACKAGE, area, "config_declaration.yaml")
    with open(path, encoding="utf-8") as f:
        load_declaration(declaration, yaml.safe_load(f))


def load_declaration(declaration: Declaration, definition: dict[str, Any]) -> None:
    """``declaration.load_dict(definition)``, on every supported CKAN version.

    CKAN 2.12 added the ``float`` option type; CKAN 2.11 rejects it and has no float
    validator either, so there a float option is declared as a plain one (its value may
    then be a string: code reading it converts with ``float()``, as it must anyway).
    """
    if "float" not in option_types:
        definition = copy.deepcopy(definition)
        for group in definition.get("groups", []):
            for option in group.get("options", []):
                if option.get("type") == "float":
                    option["type"] = "base"
    declaration.load_dict(definition)
