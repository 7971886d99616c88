"""Errors of the PostgreSQL search engine.

Query errors subclass CKAN's ``SearchError`` (and not ``pysolr.SolrError``) on purpose:
``PackageSearchQuery.run`` lets them through unwrapped, so the API answers HTTP 409
with our message and the web search page shows its normal "search error" notice.
"""
from __future__ import annotations

import pysolr
from ckan.lib.search.common import SearchError


class PgSearchError(SearchError):
    """A query the engine refuses: the message says what and why."""


class UnsupportedQuery(PgSearchError):
    """Valid Solr syntax that this engine cannot answer exactly."""


class QuerySyntaxError(PgSearchError):
    """A query Solr itself would reject (syntax, unknown date, bad number...)."""


class IndexingError(pysolr.SolrError):
    """A document Solr would refuse; CKAN turns ``SolrError`` into ``SearchIndexError``."""


class MissingTablesError(RuntimeError):
    """The plugin's tables are missing: its migrations have not been applied."""

    def __init__(self) -> None:
        super().__init__(
            "opengov_pgsearch: the search tables do not exist in the search database; "
            "run `ckan db upgrade -p opengov_pgsearch`"
        )
