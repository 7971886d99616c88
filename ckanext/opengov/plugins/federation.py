"""opengov_federation: harvest Canadian open data portals into bilingual datasets.

Runs with ckanext-harvest's ``harvest`` plugin (sources, jobs, queues, CLI, admin UI);
this plugin registers the one federation harvester and declares the configuration of the
shared HTTP client and of the federation.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
from ckan.config.declaration import Declaration, Key

from ckanext.harvest.interfaces import IHarvester
from ckanext.opengov import http
from ckanext.opengov.cli import commands_with
from ckanext.opengov.config import add_suite_templates, declare_area, rank_suite_templates
from ckanext.opengov.federation import duplicates, provenance, reports, search, views
from ckanext.opengov.federation.cli import federation as federation_cli
from ckanext.opengov.federation.harvester import FederationHarvester
from ckanext.opengov.translation import OpengovTranslation


class OpengovFederationPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(IHarvester)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IPackageController, inherit=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._harvester = FederationHarvester()

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        http.declare_config(declaration, key)
        declare_area(declaration, "federation")

    # IConfigurer: the provenance snippet and the federated search page

    def update_config(self, config: Any) -> None:
        add_suite_templates(config)

    # IConfigurable: runs after every update_config, so scheming's schemas are loaded

    def configure(self, config: Any) -> None:
        provenance.declare_fields()
        # above ckanext-harvest's, whose job pages the federation's extend with its counts
        rank_suite_templates(config)

    # IValidators / ITemplateHelpers

    def get_validators(self) -> dict[str, Any]:
        return provenance.validators()

    def get_helpers(self) -> dict[str, Any]:
        return {**provenance.helpers(), **reports.helpers()}

    # IActions / IAuthFunctions / IBlueprint: the federated search

    def get_actions(self) -> dict[str, Any]:
        return search.actions()

    def get_auth_functions(self) -> dict[str, Any]:
        return search.auth_functions()

    def get_blueprint(self) -> list[Any]:
        return views.blueprints()

    # IPackageController: the jurisdiction's level and province, searchable and faceted

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.index_fields(pkg_dict)

    def after_dataset_delete(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        # A deleted copy leaves its group of copies across portals (duplicates.py).
        if pkg_dict.get("id"):
            duplicates.forget(pkg_dict["id"])

    # IClick

    def get_commands(self) -> list[Any]:
        return commands_with(federation_cli)

    # IHarvester: delegated to the harvester, which holds the sync logic.

    def info(self) -> dict[str, str]:
        return self._harvester.info()

    def validate_config(self, config: str | None) -> str:
        return self._harvester.validate_config(config)

    def get_original_url(self, harvest_object_id: str) -> str | None:
        return self._harvester.get_original_url(harvest_object_id)

    def gather_stage(self, harvest_job: Any) -> list[str]:
        return self._harvester.gather_stage(harvest_job)

    def fetch_stage(self, harvest_object: Any) -> bool:
        return self._harvester.fetch_stage(harvest_object)

    def import_stage(self, harvest_object: Any) -> bool | str:
        return self._harvester.import_stage(harvest_object)
