"""opengov_pgsearch: CKAN's search layer answered from PostgreSQL instead of Solr."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.opengov.translation import OpengovTranslation


class OpengovPgsearchPlugin(OpengovTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)
