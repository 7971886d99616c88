"""opengov_federation plugin (being built)."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.opengov.translation import OpengovTranslation


class OpengovFederationPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
