"""DCAT-US 1.1 ``data.json`` feeds, and ArcGIS Hub's DCAT-US feed.

Both are one whole-catalogue document, fetched with a conditional GET: an unchanged feed
answers 304 and nothing is read (``adapter.not_modified``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ckanext.opengov.http import PayloadError, RemoteError

from ..records import RemoteRecord, RemoteResource, email, lang_text, str_list, unique
from .base import Adapter, FeedState, Item

_LANGS = {"en", "fr", "eng", "fra", "fre", "en-ca", "fr-ca", "en-us"}


def _record_language(value: Any, fallback: str) -> str:
    """The record's own language statement, when it names exactly one of en/fr."""
    langs = {v.lower()[:2] for v in str_list(value) if v.lower() in _LANGS}
    return langs.pop() if len(langs) == 1 else fallback


class DcatUsAdapter(Adapter):
    platform = "dcat_us"
    feed_paths: tuple[str, ...] = ("/data.json",)

    def _feed_urls(self) -> list[str]:
        url = self.source.base_url
        if url.endswith(".json") or "/api/feed/" in url:
            return [url]
        return [url + path for path in self.feed_paths]

    def _fetch_feed(self, feed_state: FeedState | None) -> tuple[str, Any] | None:
        urls = self._feed_urls()
        for index, url in enumerate(urls):
            try:
                response = self._get(url, etag=feed_state.etag if feed_state else None,
                                     last_modified=feed_state.last_modified if feed_state
                                     else None)
            except RemoteError as e:
                if e.status == 404 and index + 1 < len(urls):
                    continue
                raise
            self.feed_state = FeedState(response.etag, response.last_modified)
            if response.not_modified:
                self.not_modified = True
                return None
            return url, response.json()
        return None

    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        fetched = self._fetch_feed(feed_state)
        if fetched is None:
            return
        url, payload = fetched
        datasets = payload.get("dataset") if isinstance(payload, dict) else payload
        if not isinstance(datasets, list):
            raise PayloadError(url, "not a DCAT-US catalogue: no dataset list")
        self.expected_total = len(datasets)
        for raw in datasets:
            link = url
            if isinstance(raw, dict):
                link = str(raw.get("landingPage") or raw.get("identifier") or url)
            item = self._safely(self._record, raw, link,
                                raw.get("identifier") if isinstance(raw, dict) else None)
            if item is not None:
                yield item

    def remote_id(self, raw: dict[str, Any]) -> str:
        identifier = raw.get("identifier")
        if not isinstance(identifier, str) or not identifier.strip():
            raise ValueError("the dataset has no identifier")
        return identifier.strip()

    def _record(self, raw: dict[str, Any]) -> RemoteRecord:
        if not isinstance(raw, dict):
            raise TypeError("a dataset entry is not an object")
        rid = self.remote_id(raw)
        title = lang_text(raw.get("title"))
        if not title:
            raise ValueError("the dataset has no title")
        resources = []
        for dist in raw.get("distribution") or []:
            if not isinstance(dist, dict):
                continue
            link = dist.get("downloadURL") or dist.get("accessURL")
            if not isinstance(link, str) or not link:
                continue
            resources.append(RemoteResource(
                url=link, name=lang_text(dist.get("title")),
                description=lang_text(dist.get("description")),
                format=dist.get("format") or None, media_type=dist.get("mediaType") or None,
            ))
        landing = raw.get("landingPage") if isinstance(raw.get("landingPage"), str) else None
        publisher: dict[str, Any] = (raw["publisher"] if isinstance(raw.get("publisher"), dict)
                                     else {})
        identifier = str(raw["identifier"])
        remote_url = landing or (identifier if identifier.startswith("http") else
                                 self._feed_urls()[0])
        return RemoteRecord(
            remote_id=rid, remote_url=remote_url, platform=self.platform,
            content_language=_record_language(raw.get("language"),
                                              self.source.content_language),
            title=title, description=lang_text(raw.get("description")),
            keywords={"": str_list(raw.get("keyword"))} if str_list(raw.get("keyword")) else {},
            themes=str_list(raw.get("theme")),
            formats=unique([r.format or r.media_type or "" for r in resources]),
            licence=raw.get("license") or None,
            frequency=raw.get("accrualPeriodicity") or None,
            modified=raw.get("modified") or None, issued=raw.get("issued") or None,
            resources=resources, landing_page=landing,
            identifiers=unique([identifier, landing or ""]),
            publisher=publisher.get("name") or publisher.get("source") or None,
            contact_email=email((raw.get("contactPoint") or {}).get("hasEmail")
                                if isinstance(raw.get("contactPoint"), dict) else None),
            raw=raw,
        )


_ITEM = re.compile(r"\b([0-9a-f]{32})(?:_(\d+))?\b")


class ArcgisHubAdapter(DcatUsAdapter):
    """ArcGIS Hub sites: records keyed on item id and layer, never on the landing-page slug.

    Hub slugs (``/datasets/org::slug``) change when an item is renamed; the identifier
    ``https://www.arcgis.com/home/item.html?id=<item>&sublayer=<n>`` does not.
    """

    platform = "arcgis_hub"
    feed_paths = ("/api/feed/dcat-us/1.1.json", "/data.json")

    def remote_id(self, raw: dict[str, Any]) -> str:
        identifier = str(raw.get("identifier") or "")
        query = parse_qs(urlsplit(identifier).query)
        item = (query.get("id") or [""])[0].lower()
        layer = (query.get("sublayer") or query.get("layer") or [""])[0]
        if not re.fullmatch(r"[0-9a-f]{32}", item):
            for text in (identifier, str(raw.get("landingPage") or "")):
                match = _ITEM.search(text.lower())
                if match:
                    item, layer = match.group(1), match.group(2) or ""
                    break
            else:
                raise ValueError(f"no ArcGIS item id in identifier {identifier!r}")
        return f"{item}_{layer}" if layer.isdigit() else item
