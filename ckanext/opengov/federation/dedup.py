"""Keys that recognize one dataset published on several portals (groundwork of de-duplication).

Strong keys: identifiers and URIs, landing pages and resource URLs, normalized so that
``http``/``https``, ``www.``, trailing slashes, fragments and tracking parameters do not
matter. A weak key, the normalized title with the publisher, only suggests a match.
Among copies, the originating jurisdiction is preferred: the most local level of government
(a city's dataset republished by its province, or a province's by the federal portal).
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

from .records import RemoteRecord

_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$)")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Lower is more local, so preferred as the originating publisher.
LEVEL_RANK = {"municipal": 0, "regional": 1, "indigenous": 1, "provincial": 2,
              "territorial": 2, "federal": 3, "other": 4}


def normalize_url(url: str | None) -> str | None:
    if not url or not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k.lower())))
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{query}" if query else "")


def normalize_text(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.casefold()).strip()


def strong_keys(record: RemoteRecord) -> set[str]:
    keys: set[str] = set()
    for identifier in record.identifiers:
        url = normalize_url(identifier)
        if url:
            keys.add(f"uri:{url}")
        elif _UUID.match(identifier.strip().lower()):
            keys.add(f"uuid:{identifier.strip().lower()}")
    landing = normalize_url(record.landing_page)
    if landing:
        keys.add(f"uri:{landing}")
    for resource in record.resources:
        url = normalize_url(resource.url)
        # A link back to a landing page says nothing about the data itself.
        if url and url != landing and (resource.format or "").upper() not in ("HTML",
                                                                               "WEB PAGE"):
            keys.add(f"file:{url}")
    return keys


def weak_key(record: RemoteRecord) -> str | None:
    if not record.publisher:
        return None
    titles = sorted(normalize_text(t) for t in record.title.values() if t.strip())
    if not titles:
        return None
    return f"title:{titles[0]}|{normalize_text(record.publisher)}"


def same_dataset(a: RemoteRecord, b: RemoteRecord) -> str | None:
    """"strong" or "weak" when two records look like one dataset, else None."""
    if strong_keys(a) & strong_keys(b):
        return "strong"
    key = weak_key(a)
    if key is not None and key == weak_key(b):
        return "weak"
    return None


def preferred(candidates: list[tuple[str, str]]) -> str:
    """The originating copy among ``(copy id, level of government)`` pairs."""
    return min(candidates, key=lambda c: (LEVEL_RANK.get(c[1], 5), c[0]))[0]
