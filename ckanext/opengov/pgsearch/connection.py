"""A pysolr-shaped connection answered from PostgreSQL.

``make_connection()`` in CKAN's search layer returns one of these when
opengov_pgsearch is enabled (see :mod:`.ckan_adapter`).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pysolr
from ckan.lib.search.common import SearchError

from . import engine
from .errors import PgSearchError

log = logging.getLogger(__name__)


class PgSolrConnection:
    """The part of ``pysolr.Solr`` that CKAN and extensions use.

    Writes are visible as soon as ``add``/``delete`` return, so ``commit`` has nothing
    to flush; ``add`` takes any number of documents in one round trip.
    """

    url = "postgresql://opengov_pgsearch"

    def __init__(self, decode_dates: bool = True) -> None:
        self.decode_dates = decode_dates

    def add(self, docs: Iterable[dict[str, Any]], commit: bool | None = None,
            **kwargs: Any) -> str:
        for key in ("fieldUpdates", "boost"):
            if kwargs.get(key):
                raise pysolr.SolrError(f"'{key}' is not supported by the PostgreSQL search "
                                       "backend")
        count = engine.add_documents(docs)
        log.debug("Indexed %s documents", count)
        return "<response><lst name=\"responseHeader\"><int name=\"status\">0</int></lst>" \
               "</response>"

    def delete(self, id: Any = None, q: str | None = None,  # noqa: A002
               commit: bool | None = None, **kwargs: Any) -> str:
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        if id is not None and q is not None:
            raise ValueError('You many only specify "id" OR "q", not both.')
        if id is not None:
            ids = list(id) if isinstance(id, (list, tuple, set)) else [id]
            engine.delete_documents(ids=[str(i) for i in ids])
        else:
            try:
                engine.delete_documents(q=q)
            except PgSearchError as exc:
                raise pysolr.SolrError(str(exc)) from exc
        return "<response><lst name=\"responseHeader\"><int name=\"status\">0</int></lst>" \
               "</response>"

    def commit(self, **kwargs: Any) -> str:
        return "<response><lst name=\"responseHeader\"><int name=\"status\">0</int></lst>" \
               "</response>"

    def optimize(self, **kwargs: Any) -> str:
        return self.commit()

    def ping(self, **kwargs: Any) -> str:
        engine.Searcher().search("*:*", {"rows": 0}, False)
        return '{"status": "OK"}'

    def search(self, q: str | None = None, search_handler: str | None = None,
               **kwargs: Any) -> pysolr.Results:
        if search_handler not in (None, "select"):
            raise pysolr.SolrError(f"request handler '{search_handler}' is not supported")
        try:
            return engine.Searcher().search(q, kwargs, self.decode_dates)
        except PgSearchError as exc:
            # A plain SearchError: PackageSearchQuery.run lets it through unwrapped, so
            # the API answers 409 with this message and the search page shows an error.
            raise SearchError(str(exc)) from exc


def make_connection(decode_dates: bool = True) -> PgSolrConnection:
    return PgSolrConnection(decode_dates=decode_dates)
