"""The one gettext domain that every plugin of the suite shares."""
from __future__ import annotations

import os

from ckan.lib.plugins import DefaultTranslation

I18N_DIRECTORY = os.path.join(os.path.dirname(__file__), "i18n")
I18N_DOMAIN = "ckanext-opengov"


class OpengovTranslation(DefaultTranslation):
    """ITranslation mixin: ``ckanext-opengov`` messages from ``ckanext/opengov/i18n``.

    CKAN's default derives the domain from the plugin name and the directory from the
    plugin module, which would give each plugin its own catalogue under ``plugins/``.
    """

    def i18n_directory(self) -> str:
        return I18N_DIRECTORY

    def i18n_domain(self) -> str:
        return I18N_DOMAIN

    def i18n_locales(self) -> list[str]:
        return sorted(
            name for name in os.listdir(I18N_DIRECTORY)
            if os.path.isdir(os.path.join(I18N_DIRECTORY, name, "LC_MESSAGES"))
        )
