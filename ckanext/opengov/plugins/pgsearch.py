"""opengov_pgsearch: CKAN's search layer answered from PostgreSQL instead of Solr."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key

from ckanext.opengov.cli import commands_with
from ckanext.opengov.config import declare_area
from ckanext.opengov.pgsearch import ckan_adapter
from ckanext.opengov.translation import OpengovTranslation


class OpengovPgsearchPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.ITranslation)
    p.implements(p.IClick)

    # IConfigurer: runs in environment.update_config, before CKAN's Solr schema check.
    def update_config(self, config: CKANConfig) -> None:
        ckan_adapter.install()

    # IConfigDeclaration
    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        declare_area(declaration, "pgsearch")

    # IClick: the suite's `ckan opengov` group (with `demo`), whatever else is enabled.
    def get_commands(self) -> list[Any]:
        return commands_with()
