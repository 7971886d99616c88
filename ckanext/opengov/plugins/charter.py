"""opengov_charter plugin (being built)."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.opengov.translation import OpengovTranslation


class OpengovCharterPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
