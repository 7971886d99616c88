"""opengov_charter: International Open Data Charter assessment of datasets.

Wires the interfaces only; the methodology, checks and engine live in ckanext/opengov/charter.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key

from ckanext.opengov.charter import index, logic, report, views
from ckanext.opengov.config import declare_area
from ckanext.opengov.translation import OpengovTranslation


class OpengovCharterPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        # the charter's own template root (its pages, and the Charter tab and sort options
        # added to CKAN's dataset templates), so that it works without the other plugins
        tk.add_template_directory(config, "../templates/opengov/charter/root")

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        declare_area(declaration, "charter")

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return index.before_index(pkg_dict, report.methodology(), report.context)

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
