"""opengov_schemas plugin (being built)."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.opengov.translation import OpengovTranslation


class OpengovSchemasPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
