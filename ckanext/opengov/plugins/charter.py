"""opengov_charter: International Open Data Charter assessment of datasets.

Wires the interfaces only; the methodology, checks and engine live in ckanext/opengov/charter.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key

from ckanext.opengov.charter import cli as charter_cli
from ckanext.opengov.charter import index, jobs, logic, report, views
from ckanext.opengov.cli import commands_with
from ckanext.opengov.config import declare_area
from ckanext.opengov.translation import OpengovTranslation


class OpengovCharterPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IClick)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        # the charter's own template root (its pages, and the Charter tab and sort options
        # added to CKAN's dataset templates), so that it works without the other plugins
        # The root sits inside templates/, which opengov_schemas and opengov_federation add
        # too; CKAN's {% ckan_extends %} takes the first search path that is a string prefix of
        # a template's file name, so the root goes in as a normalised absolute path, of which
        # their "plugins/../templates" is no prefix (else header.html and read_base.html
        # extend "opengov/charter/root/..." and fail with TemplateNotFound).
        tk.add_template_directory(config, os.path.realpath(os.path.join(
            os.path.dirname(__file__), "..", "templates", "opengov", "charter", "root")))

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        declare_area(declaration, "charter")

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return index.before_index(pkg_dict, report.methodology(), report.context)

    # background link checks and DCAT-AP validation, queued once the save commits
    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        jobs.enqueue_after_commit(pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        jobs.enqueue_after_commit(pkg_dict)

    # IOrganizationController: checks of the declared URLs (create/edit are IPackageController
    # methods too: datasets pass here and are ignored)

    def create(self, entity: Any) -> None:
        jobs.enqueue_organization_after_commit(entity)

    def edit(self, entity: Any) -> None:
        jobs.enqueue_organization_after_commit(entity)

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        return index.label_facets(search_results, report.methodology(), views._lang())

    # IFacets

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return self._facets(facets_dict)

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: str | None) -> dict[str, Any]:
        return self._facets(facets_dict)

    def _facets(self, facets_dict: dict[str, Any]) -> dict[str, Any]:
        facets_dict["charter_band"] = tk._("Open Data Charter")
        facets_dict["charter_failing"] = tk._("Charter: to fix")
        facets_dict["mqa_band"] = tk._("Metadata quality (MQA)")
        return facets_dict

    # IActions / IAuthFunctions

    def get_actions(self) -> dict[str, Any]:
        return logic.get_actions()

    def get_auth_functions(self) -> dict[str, Any]:
        return logic.get_auth_functions()

    # IBlueprint

    def get_blueprint(self) -> list[Any]:
        return views.get_blueprints()

    # IClick: `ckan opengov charter ...` (snapshot, ...)

    def get_commands(self) -> list[Any]:
        return commands_with(*charter_cli.get_commands())
