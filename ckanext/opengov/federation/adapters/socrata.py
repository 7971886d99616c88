"""Socrata Discovery API (``/api/catalog/v1``), paged with offset/limit or scroll_id.

The Discovery API gives no download links; they are built from the dataset's 4x4 id
(SODA ``/resource/{id}.json`` and the views export ``/api/views/{id}/rows.csv``).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..records import RemoteRecord, RemoteResource, lang_text, str_list, unique
from .base import Adapter, FeedState, Item, expect

_GEO_TYPES = {"point", "multipoint", "line", "multiline", "polygon", "multipolygon", "location"}
# Offset paging of the Discovery API stops at 10,000 results; scroll paging has no limit.
OFFSET_LIMIT = 10_000


class SocrataAdapter(Adapter):
    platform = "socrata"

    @property
    def domain(self) -> str:
        return str(self.source.options.get("domain") or urlsplit(self.source.url).hostname)

    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        url = f"{self.source.origin}/api/catalog/v1"
        limit = max(1, min(self.source.page_size, 1000))
        scroll = self.source.options.get("paging") == "scroll"
        offset = 0
        scroll_id: str | None = None
        previous: list[str] | None = None
        while True:
            params: dict[str, Any] = {"domains": self.domain, "only": "datasets", "limit": limit}
            if scroll:
                if scroll_id:
                    params["scroll_id"] = scroll_id
            else:
                expect(offset < OFFSET_LIMIT, url, "the catalogue is larger than offset "
                       f"paging allows ({OFFSET_LIMIT}); set the source to scroll paging")
                params["offset"] = offset
                params["limit"] = min(limit, OFFSET_LIMIT - offset)
            token = self.source.options.get("app_token")
            # An application token lifts Socrata's throttling of anonymous clients.
            payload = self._get_json(url, params,
                                     headers={"X-App-Token": str(token)} if token else None)
            expect(isinstance(payload, dict) and isinstance(payload.get("results"), list), url,
                   f"not a Discovery API answer: {str(payload)[:200]}")
            results = payload["results"]
            if payload.get("resultSetSize") is not None:
                self.expected_total = int(payload["resultSetSize"])
            if not results:
                return
            ids = [str((r.get("resource") or {}).get("id")) for r in results
                   if isinstance(r, dict)]
            expect(ids != previous, url, "paging does not advance")
            previous = ids
            for raw in results:
                rid = (raw.get("resource") or {}).get("id") if isinstance(raw, dict) else None
                link = (raw.get("permalink") if isinstance(raw, dict) else None) or (
                    f"{self.source.origin}/d/{rid}" if rid else url)
                item = self._safely(self._record, raw, link, rid)
                if item is not None:
                    yield item
            offset += len(results)
            scroll_id = ids[-1] if ids else None
            if self.expected_total is not None and offset >= self.expected_total:
                return
            if len(results) < limit:
                return

    def _record(self, raw: dict[str, Any]) -> RemoteRecord | None:
        res = raw["resource"]
        rid = str(res["id"])
        if res.get("type") not in (None, "dataset"):
            return None
        base = self.source.origin
        classification = raw.get("classification") or {}
        metadata = raw.get("metadata") or {}
        domain_meta = {str(m.get("key", "")): m.get("value")
                       for m in classification.get("domain_metadata") or [] if isinstance(m, dict)}
        frequency = next((v for k, v in domain_meta.items()
                          if "frequency" in k.lower() and v), None)
        title = lang_text(res.get("name"))
        if not title:
            raise ValueError("the dataset has no name")
        columns = [str(t).lower() for t in res.get("columns_datatype") or []]
        resources = [
            RemoteResource(url=f"{base}/api/views/{rid}/rows.csv?accessType=DOWNLOAD",
                           name={"": "CSV"}, format="CSV", media_type="text/csv"),
            RemoteResource(url=f"{base}/resource/{rid}.json", name={"": "JSON (SODA API)"},
                           format="JSON", media_type="application/json"),
        ]
        if _GEO_TYPES & set(columns):
            resources.append(RemoteResource(
                url=f"{base}/resource/{rid}.geojson", name={"": "GeoJSON"}, format="GeoJSON",
                media_type="application/geo+json"))
        permalink = raw.get("permalink") or f"{base}/d/{rid}"
        keywords = unique(str_list(classification.get("domain_tags"))
                          + str_list(classification.get("tags")))
        owner = raw.get("owner") or {}
        return RemoteRecord(
            remote_id=rid, remote_url=permalink, platform=self.platform,
            content_language=self.source.content_language,
            title=title, description=lang_text(res.get("description")),
            keywords={"": keywords} if keywords else {},
            themes=unique(str_list([classification.get("domain_category")])
                          + str_list(classification.get("categories"))),
            formats=[r.format for r in resources if r.format],
            licence=metadata.get("license") or domain_meta.get("Licence-Details_Licence") or None,
            frequency=str(frequency) if frequency else None,
            modified=res.get("updatedAt") or res.get("data_updated_at"),
            issued=res.get("createdAt"),
            resources=resources, landing_page=permalink,
            identifiers=unique([permalink, str(raw.get("link") or ""),
                                f"{base}/api/views/{rid}"]),
            publisher=res.get("attribution") or owner.get("display_name") or None,
            raw=raw,
        )
