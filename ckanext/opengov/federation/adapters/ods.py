"""OpenDataSoft Explore API v2.1 (``/api/explore/v2.1/catalog/datasets``), offset/limit paging.

Records are keyed on ``dataset_uid``, which never changes, not on the renamable ``dataset_id``.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..records import RemoteRecord, RemoteResource, lang_text, str_list, unique
from .base import Adapter, FeedState, Item, expect
from .dcat_us import _record_language

# limit + offset may not exceed 10,000 on the Explore API; limit may not exceed 100.
OFFSET_LIMIT = 10_000
_GEO_TYPES = {"geo_point_2d", "geo_shape"}


class OdsAdapter(Adapter):
    platform = "opendatasoft"

    def _catalog(self) -> str:
        base = self.source.base_url
        if "/api/explore/" in base:
            base = base.split("/api/explore/", 1)[0]
        return base

    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        url = f"{self._catalog()}/api/explore/v2.1/catalog/datasets"
        limit = max(1, min(self.source.page_size, 100))
        offset = 0
        previous: list[str] | None = None
        while True:
            params: dict[str, Any] = {"limit": min(limit, OFFSET_LIMIT - offset),
                                      "offset": offset}
            if self.source.options.get("where"):
                params["where"] = self.source.options["where"]
            payload = self._get_json(url, params)
            expect(isinstance(payload, dict) and isinstance(payload.get("results"), list), url,
                   f"not an Explore API v2.1 answer: {str(payload)[:200]}")
            self.expected_total = int(payload.get("total_count") or 0)
            results = payload["results"]
            if not results:
                return
            ids = [str(r.get("dataset_uid") or r.get("dataset_id")) for r in results
                   if isinstance(r, dict)]
            expect(ids != previous, url, "paging does not advance")
            previous = ids
            for raw in results:
                did = raw.get("dataset_id") if isinstance(raw, dict) else None
                link = f"{self._catalog()}/explore/dataset/{did}/" if did else url
                item = self._safely(self._record, raw, link,
                                    raw.get("dataset_uid") if isinstance(raw, dict) else None)
                if item is not None:
                    yield item
            offset += len(results)
            if offset >= self.expected_total:
                return
            expect(offset < OFFSET_LIMIT, url,
                   f"the catalogue has {self.expected_total} datasets, more than the "
                   f"{OFFSET_LIMIT} the Explore API pages through; narrow it with 'where'")

    def _record(self, raw: dict[str, Any]) -> RemoteRecord:
        did = str(raw["dataset_id"])
        uid = str(raw.get("dataset_uid") or "")
        if not uid:
            raise ValueError("the dataset has no dataset_uid")
        metas = raw.get("metas") or {}
        default = metas.get("default") or {}
        dcat = metas.get("dcat") or {}
        title = lang_text(default.get("title"))
        if not title:
            raise ValueError("the dataset has no title")
        base = self._catalog()
        page = f"{base}/explore/dataset/{did}/"
        exports = f"{base}/api/explore/v2.1/catalog/datasets/{did}/exports"
        resources = []
        if raw.get("has_records", True):
            formats = ["csv", "json", "xlsx"]
            if _GEO_TYPES & {str(f.get("type")) for f in raw.get("fields") or []
                             if isinstance(f, dict)}:
                formats += ["geojson", "shp"]
            resources = [RemoteResource(url=f"{exports}/{fmt}", name={"": fmt.upper()},
                                        format=fmt.upper()) for fmt in formats]
        for att in raw.get("attachments") or []:
            if isinstance(att, dict) and att.get("url"):
                resources.append(RemoteResource(
                    url=str(att["url"]), name=lang_text(att.get("title")),
                    media_type=att.get("mimetype") or None, remote_id=att.get("id")))
        return RemoteRecord(
            remote_id=uid, remote_url=page, platform=self.platform,
            content_language=_record_language(default.get("language"),
                                              self.source.content_language),
            title=title, description=lang_text(default.get("description")),
            keywords={"": str_list(default.get("keyword"))}
            if str_list(default.get("keyword")) else {},
            themes=str_list(default.get("theme")),
            formats=unique([r.format or "" for r in resources]),
            licence=default.get("license") or None, licence_url=default.get("license_url") or None,
            frequency=dcat.get("accrualperiodicity") or None,
            modified=default.get("modified") or None,
            issued=dcat.get("issued") or dcat.get("created") or None,
            resources=resources, landing_page=page,
            identifiers=unique([page, f"{base}/api/explore/v2.1/catalog/datasets/{did}"]),
            publisher=default.get("publisher") or None,
            raw=raw,
        )
