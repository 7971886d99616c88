"""CKAN Action API: ``package_search`` paged with rows/start, incremental on metadata_modified."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from ..records import RemoteRecord, RemoteResource, email, lang_text, str_list, unique
from .base import Adapter, FeedState, Item, expect

_FREQUENCY_KEYS = ("frequency", "update_frequency", "refresh_rate", "accrual_periodicity",
                   "accrualPeriodicity")
_THEME_KEYS = ("subject", "theme", "topic", "topics", "sector")


def _extras(pkg: dict[str, Any]) -> dict[str, Any]:
    extras = pkg.get("extras") or []
    if isinstance(extras, dict):
        return extras
    return {e["key"]: e.get("value") for e in extras if isinstance(e, dict) and "key" in e}


def _first(pkg: dict[str, Any], extras: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = pkg.get(key, extras.get(key))
        if value not in (None, "", [], {}):
            return value
    return None


class CkanAdapter(Adapter):
    platform = "ckan"
    incremental = True

    @property
    def api(self) -> str:
        base = self.source.base_url
        if "/api/" in base:
            base = base.split("/api/", 1)[0]
        return base

    def _action(self, name: str) -> str:
        return f"{self.api}/api/3/action/{name}"

    def _search(self, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Pages of ``package_search`` results, sorted by id so inserts do not shift pages much."""
        url = self._action("package_search")
        rows = max(1, min(self.source.page_size, 1000))
        start = 0
        previous: list[Any] | None = None
        while True:
            payload = self._get_json(url, {**params, "rows": rows, "start": start,
                                           "sort": "id asc"})
            expect(isinstance(payload, dict) and payload.get("success") is True
                   and isinstance(payload.get("result"), dict), url,
                   f"not a CKAN package_search answer: {str(payload)[:200]}")
            result = payload["result"]
            results = result.get("results")
            expect(isinstance(results, list), url, "package_search result has no results list")
            self.expected_total = int(result.get("count") or 0)
            if not results:
                return
            ids = [r.get("id") if isinstance(r, dict) else r for r in results]
            # A portal that ignores ``start`` would otherwise be read forever.
            expect(ids != previous, url, f"paging does not advance at start={start}")
            previous = ids
            yield results
            start += len(results)
            if start >= self.expected_total:
                return

    def _filters(self, since: datetime | None) -> dict[str, Any]:
        fq = [self.source.options["fq"]] if self.source.options.get("fq") else []
        if since is not None:
            stamp = since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            fq.append(f"metadata_modified:[{stamp} TO *]")
        if len(fq) == 1:
            return {"fq": fq[0]}
        # A purely negative clause nested in parentheses matches nothing in Lucene.
        return {"fq": " AND ".join(f"(*:* {f})" if f.lstrip().startswith("-") else f"({f})"
                                   for f in fq)} if fq else {}

    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        for page in self._search(self._filters(since)):
            for pkg in page:
                pid = pkg.get("id") if isinstance(pkg, dict) else None
                link = (f"{self.api}/dataset/{pkg.get('name') or pid}" if isinstance(pkg, dict)
                        else self._action("package_search"))
                if isinstance(pkg, dict) and pkg.get("type") == "harvest":
                    continue
                item = self._safely(self._record, pkg, link, pid)
                if item is not None:
                    yield item

    def list_remote_ids(self) -> set[str]:
        """Every dataset id of the source (a cheap full listing, to see deletions)."""
        ids: set[str] = set()
        for page in self._search({**self._filters(None), "fl": "id"}):
            ids.update(str(r["id"]) for r in page if isinstance(r, dict) and r.get("id"))
        return ids

    def _record(self, pkg: dict[str, Any]) -> RemoteRecord:
        pid = str(pkg["id"])
        page = f"{self.api}/dataset/{pkg.get('name') or pid}"
        extras = _extras(pkg)
        title = lang_text(pkg.get("title_translated")) or lang_text(pkg.get("title"))
        if not title:
            raise ValueError("the dataset has no title")
        description = lang_text(pkg.get("notes_translated")) or lang_text(pkg.get("notes"))
        keywords: dict[str, list[str]] = {}
        if isinstance(pkg.get("keywords"), dict):
            keywords = {k: str_list(v) for k, v in pkg["keywords"].items() if str_list(v)}
        tags = [t.get("display_name") or t.get("name") for t in pkg.get("tags") or []
                if isinstance(t, dict)]
        if tags and not keywords:
            keywords = {"": unique([str(t) for t in tags if t])}
        themes: list[str] = []
        for key in _THEME_KEYS:
            themes += str_list(pkg.get(key, extras.get(key)))
        themes += [g["name"] for g in pkg.get("groups") or [] if isinstance(g, dict)
                   and g.get("name")]
        resources = []
        for res in pkg.get("resources") or []:
            if not isinstance(res, dict) or not res.get("url"):
                continue
            resources.append(RemoteResource(
                url=str(res["url"]),
                name=lang_text(res.get("name_translated")) or lang_text(res.get("name")),
                description=lang_text(res.get("description_translated"))
                or lang_text(res.get("description")),
                format=(res.get("format") or None), media_type=res.get("mimetype") or None,
                remote_id=res.get("id"),
            ))
        org: dict[str, Any] = (pkg["organization"] if isinstance(pkg.get("organization"), dict)
                               else {})
        url = pkg.get("url") if isinstance(pkg.get("url"), str) else None
        landing = url if url and url.startswith(("http://", "https://")) else page
        identifiers = unique([page, f"{self.api}/dataset/{pid}", *(
            str(v) for v in (pkg.get("uri"), extras.get("uri"), extras.get("guid"),
                             extras.get("identifier"), url)
            if isinstance(v, str) and v.startswith(("http://", "https://"))
        )])
        frequency = _first(pkg, extras, _FREQUENCY_KEYS)
        return RemoteRecord(
            remote_id=pid, remote_url=page, platform=self.platform,
            content_language=self.source.content_language,
            title=title, description=description, keywords=keywords,
            themes=unique(themes),
            formats=unique([r.format.strip() for r in resources if r.format]),
            licence=pkg.get("license_id") or pkg.get("license_title") or None,
            licence_url=pkg.get("license_url") or None,
            frequency=str(frequency) if frequency is not None else None,
            modified=pkg.get("metadata_modified"), issued=pkg.get("metadata_created"),
            resources=resources, landing_page=landing, identifiers=identifiers,
            publisher=org.get("title") or None,
            contact_email=email(pkg.get("maintainer_email")) or email(pkg.get("author_email")),
            raw=pkg,
        )
