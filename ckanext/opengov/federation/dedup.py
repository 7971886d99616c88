"""Keys that recognize one dataset published on several portals (pure functions).

Strong keys: identifiers and URIs (CKAN ids carried over by a portal that harvested another
one, as Données Québec does with Montréal's), landing pages and resource URLs, normalized so
that ``http``/``https``, ``www.``, trailing slashes, fragments and tracking parameters do not
matter. The normalized title with the publisher is a weaker key. Among copies, the
originating jurisdiction is preferred (:func:`package_rank`): the copy on the publisher's own
portal, then the most local level of government (a city's dataset republished by its
province, or a province's by the federal portal), then a local dataset over a harvested one.

:func:`package_keys` and :func:`package_rank` read a dataset dict (package_show's shape, as
indexed); ``duplicates.py`` groups the datasets that share keys.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .records import RemoteRecord, stored_list

_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$)")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# A CKAN dataset page addressed by id: the id survives a harvest by ckanext-harvest.
_CKAN_ID_PATH = re.compile(r"/dataset/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                           r"[0-9a-f]{12})$")
# Words that name a kind of government, not which one: "Ville de Montréal" is Montréal.
_GENERIC_WORDS = frozenset({
    "ville", "city", "town", "municipality", "municipalite", "region", "regional", "county",
    "district", "province", "government", "gouvernement", "of", "the", "de", "du", "des",
    "la", "le", "l", "d", "and", "et"})
_NOT_DATA_FORMATS = ("HTML", "WEB PAGE", "WEBSITE")
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


def _url_keys(url: str | None) -> set[str]:
    """``uri:`` key of a URL (and ``uuid:`` of the CKAN id in it); none for a bare host."""
    normalized = normalize_url(url)
    if not normalized or "/" not in normalized:
        # A portal's home page identifies no dataset, however many link to it.
        return set()
    keys = {f"uri:{normalized}"}
    match = _CKAN_ID_PATH.search(normalized.lower())
    if match:
        keys.add(f"uuid:{match.group(1)}")
    return keys


def _identifier_keys(identifier: str) -> set[str]:
    text = identifier.strip()
    if _UUID.match(text.lower()):
        return {f"uuid:{text.lower()}"}
    return _url_keys(text)


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


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _field(pkg: dict[str, Any], name: str) -> Any:
    """A schema field, or the extra of that name (provenance travels as extras without
    scheming)."""
    if pkg.get(name) not in (None, "", [], {}):
        return pkg[name]
    for extra in pkg.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == name:
            return extra.get("value")
    return None


def is_harvested(pkg: dict[str, Any]) -> bool:
    return bool(_field(pkg, "federation_source_id"))


def origin(pkg: dict[str, Any]) -> str:
    """Where a dataset comes from: its harvest source, or ``local``. Copies are only looked
    for across origins: two records of one portal are two datasets, however alike."""
    return str(_field(pkg, "federation_source_id") or "local")


def publisher(pkg: dict[str, Any]) -> str | None:
    """Who the dataset says publishes it: the remote record's publisher for a harvested
    dataset, the organization for a local one."""
    if is_harvested(pkg):
        published = _as_dict(_field(pkg, "federation_published"))
        value = published.get("publisher")
        return str(value) if value else None
    org = pkg.get("organization") or {}
    return (org.get("title") or org.get("name")) if isinstance(org, dict) else None


def _titles(pkg: dict[str, Any]) -> set[str]:
    titles = {normalize_text(str(t)) for t in _as_dict(pkg.get("title_translated")).values()
              if isinstance(t, str)}
    if isinstance(pkg.get("title"), str):
        titles.add(normalize_text(pkg["title"]))
    return {t for t in titles if t}


def package_keys(pkg: dict[str, Any]) -> set[str]:
    """Every key of a dataset dict: identifiers, landing page, data files, title+publisher."""
    keys: set[str] = set()
    harvested = is_harvested(pkg)
    identifiers = stored_list(_field(pkg, "federation_identifiers"))
    identifiers += stored_list(_field(pkg, "identifier")) + stored_list(_field(pkg, "uri"))
    if harvested:
        remote_id = str(_field(pkg, "federation_remote_id") or "")
        if _UUID.match(remote_id.lower()):
            keys.add(f"uuid:{remote_id.lower()}")
        identifiers.append(str(_field(pkg, "federation_remote_url") or ""))
    elif isinstance(pkg.get("id"), str):
        # A portal that harvested this one may have kept the id.
        keys.add(f"uuid:{pkg['id'].lower()}")
    for identifier in identifiers:
        keys |= _identifier_keys(identifier)
    landing_value = _field(pkg, "federation_landing_page") or pkg.get("url")
    landing = normalize_url(landing_value if isinstance(landing_value, str) else None)
    keys |= _url_keys(landing)
    for resource in pkg.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        url = normalize_url(resource.get("url"))
        fmt = str(resource.get("format") or "").upper()
        if url and url != landing and "/" in url and fmt not in _NOT_DATA_FORMATS:
            keys.add(f"file:{url}")
    who = publisher(pkg)
    if who and normalize_text(who):
        keys |= {f"title:{t}|{normalize_text(who)}" for t in _titles(pkg)}
    return keys


def _core_words(name: str) -> set[str]:
    return set(normalize_text(name).split()) - _GENERIC_WORDS


def publishes_itself(publisher_name: str | None, jurisdiction_names: Iterable[str]) -> bool:
    """Whether a publisher is the jurisdiction itself (or one of its bodies):
    "Ville de Montréal" and "Montréal", "Ministère des Transports du Québec" and "Québec"."""
    if not publisher_name:
        return False
    words = set(normalize_text(publisher_name).split())
    for name in jurisdiction_names:
        core = _core_words(name)
        if core and core <= words:
            return True
    return False


def _is_holder(names: Iterable[str], holder_names: Iterable[str]) -> bool:
    holder = [_core_words(n) for n in holder_names]
    return any(core and core in holder for core in (_core_words(n) for n in names))


def package_rank(pkg: dict[str, Any], level: str | None, holder_names: Iterable[str],
                 jurisdictions: Iterable[Iterable[str]] = ()) -> str:
    """Sort key of a copy, lowest preferred: own portal, most local level, local over harvested.

    ``level`` is the level of government of the jurisdiction that holds the dataset here,
    ``holder_names`` its names; ``jurisdictions`` the names of the other jurisdictions known
    (the registry). A harvested copy is on its publisher's own portal unless its publisher
    names another jurisdiction than the one holding it ("Ville de Montréal" on Données
    Québec): a department's name ("Service de l'environnement") is no sign of republishing.
    """
    holder_names = list(holder_names)
    harvested = is_harvested(pkg)
    who = publisher(pkg)
    own = (not harvested or publishes_itself(who, holder_names)
           or not any(publishes_itself(who, names) for names in jurisdictions
                      if not _is_holder(names, holder_names)))
    return f"{0 if own else 1}{LEVEL_RANK.get(level or '', 5)}{1 if harvested else 0}"


def preferred(candidates: list[tuple[str, str]]) -> str:
    """The originating copy among ``(copy id, level of government)`` pairs."""
    return min(candidates, key=lambda c: (LEVEL_RANK.get(c[1], 5), c[0]))[0]
