"""opengov_schemas: bilingual (ckanext-fluent compatible) scheming presets, base schemas,
helpers and search fields. Runs with scheming_datasets and scheming_organizations; list it
before them in ``ckan.plugins`` so its defaults and template overrides apply."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key
from ckan.types import Action, AuthFunction, Context, Validator

from ckanext.opengov.config import add_suite_templates, declare_area, rank_suite_templates
from ckanext.opengov.metadata import helpers, search, standards, validators
from ckanext.opengov.metadata.vocab import LICENSES_FILE
from ckanext.opengov.translation import OpengovTranslation

#: what the plugin sets when the site configured nothing (README documents the same lines)
DEFAULTS = {
    # the base type and every high-value dataset type (generated from it)
    "scheming.dataset_schemas": " ".join(["ckanext.opengov:schemas/dataset.yaml",
                                          *standards.schema_urls()]),
    "scheming.organization_schemas": "ckanext.opengov:schemas/organization.yaml",
    "scheming.presets": "ckanext.scheming:presets.json ckanext.opengov:schemas/presets.json",
    "licenses_group_url": f"file://{LICENSES_FILE}",
}


class OpengovSchemasPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        add_suite_templates(config)
        # CKAN caches the licence register on first use: drop it so the bundled list applies.
        if "_license_register" in model.Package.__dict__:
            del model.Package._license_register
        defaulted = [key for key, value in DEFAULTS.items() if not config.get(key)]
        for key in defaulted:
            config[key] = DEFAULTS[key]
        if defaulted:
            _reload_scheming(config)

    # IConfigurable: the search path is computed by now; rank the templates above scheming's

    def configure(self, config: CKANConfig) -> None:
        rank_suite_templates(config)

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        declare_area(declaration, "schemas")

    # IValidators

    def get_validators(self) -> dict[str, Validator]:
        return validators.all_validators()

    # ITemplateHelpers

    def get_helpers(self) -> dict[str, Any]:
        return {**helpers.all_helpers(), **helpers.chained_helpers(),
                **standards.get_helpers()}

    # IActions / IAuthFunctions: the data standard check of HVD resources

    def get_actions(self) -> dict[str, Action]:
        return standards.get_actions()

    def get_auth_functions(self) -> dict[str, AuthFunction]:
        return standards.get_auth_functions()

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.before_index(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        if tk.config.get("ckanext.opengov.schemas.search_boost"):
            search.before_search(search_params, helpers.opengov_lang())
        return search_params

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        return search.label_facets(search_results, helpers.opengov_lang())

    # IResourceController: check the resource of an HVD type against its data standard.
    # The before hooks save the resource with a pending check; the after hooks enqueue the
    # check on CKAN's job queue (`ckan jobs worker` runs it), so a save never waits.

    def before_resource_create(self, context: Context, resource: dict[str, Any]) -> None:
        standards.before_resource_saved(resource, resource.get("package_id"))

    def before_resource_update(self, context: Context, current: dict[str, Any],
                               resource: dict[str, Any]) -> None:
        standards.before_resource_saved(resource, current.get("package_id"))

    def after_resource_create(self, context: Context, resource: dict[str, Any]) -> None:
        standards.after_resource_saved(context, resource)

    def after_resource_update(self, context: Context, resource: dict[str, Any]) -> None:
        standards.after_resource_saved(context, resource)

    # IOrganizationController: pages (breadcrumbs, <title>, headings) read display_name;
    # make it the jurisdiction's title in the reader's language

    def before_view(self, data_dict: dict[str, Any]) -> dict[str, Any]:
        # dictized before scheming's show schema: title_translated is still in the extras
        title = helpers.opengov_ml_text(helpers.opengov_org_title_translated(
            {"id": data_dict.get("id"), "title_translated": data_dict.get("title_translated")}))
        if title:
            data_dict["display_name"] = title
        return data_dict

    # IFacets: the bilingual vocabularies as facets, labelled by h.opengov_facet_label

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str
                       ) -> dict[str, Any]:
        facets_dict["vocab_jurisdiction"] = tk._("Level of government")
        facets_dict["vocab_subject"] = tk._("Subjects")
        facets_dict["vocab_geographic_region"] = tk._("Spatial coverage")
        facets_dict["vocab_frequency"] = tk._("Update frequency")
        if _lists_all_types(package_type):
            facets_dict["dataset_type"] = tk._("Dataset type")
        return facets_dict


def _lists_all_types(package_type: str) -> bool:
    """Whether this type's search page lists every dataset type, as CKAN's search view
    decides from ``ckan.search.show_all_types`` (true: /dataset/; a type name: that type's
    page; its default, "dataset", names /dataset/)."""
    value = tk.config.get("ckan.search.show_all_types")
    try:
        return tk.asbool(value) and package_type == "dataset"
    except ValueError:
        return package_type == str(value)


def _reload_scheming(config: CKANConfig) -> None:
    """Make scheming read the defaults just set.

    CKAN calls update_config in reverse plugin order, so when opengov_schemas is listed
    first (as it must be, for its template overrides to win) scheming has already read its
    empty options. Only plugins that found no schemas are reloaded: a site's own
    configuration is never replaced.
    """
    from ckanext.scheming import plugins as scheming

    for cls in (scheming.SchemingDatasetsPlugin, scheming.SchemingOrganizationsPlugin):
        instance = cls.instance
        if instance is None or instance._schema_urls:
            continue
        instance._load_presets(config)
        instance._schema_urls = tuple(config.get(cls.SCHEMA_OPTION, "").split())
        instance._schemas = scheming._load_schemas(instance._schema_urls, cls.SCHEMA_TYPE_FIELD)
        instance._expanded_schemas = scheming._expand_schemas(instance._schemas)
