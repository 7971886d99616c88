"""What every platform adapter shares: source settings, paging bookkeeping, duplicate ids.

An adapter only talks to a remote API and turns its answers into
:class:`~ckanext.opengov.federation.records.RemoteRecord` objects. It knows nothing of
CKAN's database: identity, change detection and withdrawals belong to the harvester.

A gather is *complete* only when the iteration ran to its end without a page failing
(``adapter.complete``); a page that fails raises an :class:`~ckanext.opengov.http.HttpError`
(a gather error), while a record that cannot be normalized is yielded as a
:class:`~ckanext.opengov.federation.records.RecordError` and the run goes on.
"""
from __future__ import annotations

import abc
import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ckanext.opengov.http import HttpResponse, PayloadError, PoliteClient

from ..records import RecordError, RemoteRecord

Item = RemoteRecord | RecordError


@dataclasses.dataclass
class Source:
    """How to read one remote portal."""

    url: str
    # "en", "fr", or "en fr" for a bilingual source (untagged text then counts as the first).
    content_language: str = "en"
    rate_limit: float | None = None
    page_size: int = 100
    max_records: int | None = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    # DCAT-AP RDF: ckanext-dcat profiles (``ckan.rdf.profiles`` entry points); None: default.
    profiles: str | list[str] | None = None

    @property
    def base_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def primary_language(self) -> str:
        return (self.content_language.split() or ["en"])[0]


@dataclasses.dataclass
class FeedState:
    """Validators of the last whole-catalogue download, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


class Adapter(abc.ABC):
    platform: ClassVar[str]
    #: Whether ``since`` narrows the listing (then deletions need a full listing).
    incremental: ClassVar[bool] = False

    def __init__(self, source: Source, client: PoliteClient) -> None:
        self.source = source
        self.client = client
        self.complete = False
        self.not_modified = False
        self.expected_total: int | None = None
        self.feed_state: FeedState | None = None
        self.pages = 0

    def records(self, since: datetime | None = None,
                feed_state: FeedState | None = None) -> Iterator[Item]:
        """Every record of the source, then ``complete`` is set.

        Duplicate remote ids: the first occurrence wins; a later one with the same
        content is a paging artefact and is dropped silently, one with different
        content is reported as a record error.
        """
        self.complete = False
        self.not_modified = False
        seen: dict[str, str] = {}
        count = 0
        for item in self._gather(since, feed_state):
            if isinstance(item, RecordError):
                yield item
                continue
            digest = item.content_hash()
            if item.remote_id in seen:
                if seen[item.remote_id] != digest:
                    yield RecordError(item.remote_url, f"duplicate identifier {item.remote_id!r} "
                                      "with different content; the first one is kept",
                                      item.remote_id)
                continue
            seen[item.remote_id] = digest
            yield item
            count += 1
            if self.source.max_records is not None and count >= self.source.max_records:
                # A capped listing is not complete: nothing may be withdrawn from it.
                return
        self.complete = not self.not_modified

    @abc.abstractmethod
    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        """Page through the remote API, yielding records and record errors."""

    def _get(self, url: str, params: dict[str, Any] | None = None, **kwargs: Any) -> HttpResponse:
        self.pages += 1
        return self.client.get(url, params=params, rate_limit=self.source.rate_limit, **kwargs)

    def _get_json(self, url: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self._get(url, params, **kwargs).json()

    def _safely(self, build: Callable[[Any], RemoteRecord | None], raw: Any,
                remote_url: str, remote_id: str | None = None) -> Item | None:
        """Normalize one raw record; a record the code cannot read becomes a RecordError."""
        try:
            return build(raw)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            return RecordError(remote_url, f"cannot read record: {e.__class__.__name__}: {e}",
                               remote_id)


def expect(condition: bool, url: str, message: str) -> None:
    """A page that is not shaped like the platform's answer stops the gather."""
    if not condition:
        raise PayloadError(url, message)
