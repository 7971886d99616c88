"""Normalized remote records -> the suite's bilingual dataset dict; stable local identity.

Mapping tables live in ``mappings/*.yaml`` (themes, formats, licences, frequencies), so
they can be read and corrected without touching code. Schema fields only ever receive
codes of the suite's vocabularies; every value as the source published it is kept in
``federation_published``, mapped or not, so nothing is lost and nothing is guessed.
Untagged text takes the source's declared content language; nothing is translated.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import unicodedata
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import yaml
from lxml import html as lxml_html

from ckanext.opengov.metadata import vocab

from .records import LangList, LangText, RemoteRecord

MAPPINGS_DIR = os.path.join(os.path.dirname(__file__), "mappings")
LANGUAGES = ("en", "fr")
# Fixed forever: changing it would give every harvested dataset a new id.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://ckanext-opengov.ca/federation/dataset")
NAME_MAX = 100
_API_FORMATS = {"API", "ESRI REST", "WMS", "WFS", "GTFS-RT"}


@functools.cache
def table(name: str) -> dict[str, Any]:
    with open(os.path.join(MAPPINGS_DIR, f"{name}.yaml"), encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return {
        "values": {_key(str(k)): v for k, v in (data.get("values") or {}).items()},
        "uri_suffixes": {str(k).upper(): v for k, v in (data.get("uri_suffixes") or {}).items()},
    }


@functools.cache
def mapping_version() -> str:
    """A digest of the mapping tables and target vocabularies.

    Part of the change-detection hash: when a table gains an entry, every record is mapped
    again on the next run instead of being skipped as unchanged.
    """
    digest = hashlib.sha256()
    paths = [os.path.join(MAPPINGS_DIR, name) for name in sorted(os.listdir(MAPPINGS_DIR))]
    paths += [os.path.join(vocab.VOCABULARY_DIR, f"{name}.json")
              for name in ("subject", "frequency", "format")]
    paths.append(vocab.LICENSES_FILE)
    for path in paths:
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def _key(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip().lower()
    value = re.sub(r"[\u2010-\u2015\u2212]", "-", value)
    return re.sub(r"\s+", " ", value)


def _url_key(value: str) -> str:
    parts = urlsplit(value.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path}".rstrip("/").lower()


def _lookup(name: str, value: str, extra: dict[str, str] | None = None) -> str | None:
    tables = table(name)
    candidates = [_key(value)]
    if value.startswith(("http://", "https://")):
        candidates.insert(0, _url_key(value))
        suffix = value.rstrip("/").rsplit("/", 1)[-1].upper()
        if suffix in tables["uri_suffixes"]:
            return str(tables["uri_suffixes"][suffix])
    for candidate in candidates:
        if extra and candidate in extra:
            return extra[candidate]
        if candidate in tables["values"]:
            return str(tables["values"][candidate])
    return None


@functools.cache
def _vocab_index(name: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for concept in vocab.vocabulary(name)["concepts"]:
        index[_key(concept["value"])] = concept["value"]
        if concept.get("media_type"):
            index.setdefault(_key(concept["media_type"]), concept["value"])
        if concept.get("uri"):
            index.setdefault(_url_key(concept["uri"]), concept["value"])
    return index


@functools.cache
def _licence_index() -> dict[str, str]:
    with open(vocab.LICENSES_FILE, encoding="utf-8") as f:
        licences = json.load(f)
    index: dict[str, str] = {}
    for lic in licences:
        index[_key(lic["id"])] = lic["id"]
        if lic.get("url"):
            index[_url_key(lic["url"])] = lic["id"]
        for title in (lic.get("title"), *(lic.get("title_translated") or {}).values()):
            if isinstance(title, str):
                index.setdefault(_key(title), lic["id"])
    return index


def map_theme(value: str) -> str | None:
    return _lookup("themes", value) or _vocab_index("subject").get(_key(value))


def map_frequency(value: str) -> str | None:
    text = value.strip()
    if text.upper().startswith("R/"):
        text = text[2:]
    direct = _vocab_index("frequency").get(_key(text))
    if direct:
        return direct
    if re.fullmatch(r"P[0-9.]+[DWMY]", text.upper()):
        return _vocab_index("frequency").get(_key(text.upper()))
    return _lookup("frequencies", re.sub(r"[_-]", " ", text)) or _lookup("frequencies", text)


def map_format(value: str) -> str | None:
    index = _vocab_index("format")
    key = _key(value)
    if key in index:
        return index[key]
    if value.startswith(("http://", "https://")):
        found = _lookup("formats", value)
        if found:
            return found
        # IANA media-type URIs end in "<type>/<subtype>".
        tail = "/".join(value.rstrip("/").split("/")[-2:]).lower()
        if tail in index:
            return index[tail]
        suffix = value.rstrip("/").rsplit("/", 1)[-1]
        return index.get(_key(suffix))
    return _lookup("formats", value)


def map_licence(value: str, extra: dict[str, str] | None = None) -> str | None:
    text = value.strip()
    if "<" in text and ">" in text:
        # ArcGIS Hub publishes licences as HTML: look at its link and its words.
        root = lxml_html.fromstring(text)
        for href in root.xpath("//a/@href"):
            found = map_licence(str(href), extra)
            if found:
                return found
        text = root.text_content()
    found = _lookup("licences", text, {_key(k): v for k, v in (extra or {}).items()})
    if found:
        return found
    index = _licence_index()
    return index.get(_url_key(text) if text.startswith("http") else _key(text))


# --------------------------------------------------------------------------- text


def html_to_text(value: str) -> str:
    """Plain text (Markdown links) from the HTML descriptions ArcGIS Hub and ODS publish."""
    if "<" not in value or ">" not in value:
        return value
    try:
        root = lxml_html.fragment_fromstring(value, create_parent="div")
    except (ValueError, lxml_html.etree.ParserError):
        return value
    for link in root.iter("a"):
        href = link.get("href")
        if href and href.startswith(("http://", "https://")):
            link.text = f"[{link.text_content().strip() or href}]({href})"
            for child in list(link):
                link.remove(child)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "tr"):
        block.tail = "\n\n" + (block.tail or "")
    text = root.text_content()
    text = re.sub(r"[ \t\xa0]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def _languages(content_language: str) -> list[str]:
    langs = [lang for lang in content_language.split() if lang in LANGUAGES]
    return langs or ["en"]


def fluent_text(text: LangText, content_language: str, *, markup: bool = False) -> LangText:
    """en/fr (and en-t-fr / fr-t-en) values; untagged text goes to the content language."""
    primary = _languages(content_language)[0]
    out: LangText = {}
    other: list[str] = []
    for lang, value in text.items():
        value = html_to_text(value) if markup else value
        if lang in LANGUAGES or lang in ("en-t-fr", "fr-t-en"):
            out[lang] = value
        elif lang == "":
            out.setdefault(primary, value)
        else:
            other.append(value)
    if not out and other:
        # Only text in other languages: labelled with the source language rather than lost.
        out[primary] = other[0]
    return out


def fluent_tags(keywords: LangList, content_language: str) -> dict[str, list[str]]:
    primary = _languages(content_language)[0]
    out: dict[str, list[str]] = {}
    for lang, words in keywords.items():
        target = primary if lang == "" else lang
        if target in LANGUAGES:
            bucket = out.setdefault(target, [])
            bucket.extend(w for w in words if w not in bucket)
    return out


# --------------------------------------------------------------------------- identity


def local_id(source_id: str, remote_id: str) -> str:
    """A dataset id that is the same on every run, and never the remote id itself."""
    return str(uuid.uuid5(NAMESPACE, f"{source_id}\n{remote_id}"))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def local_name(source_name: str, remote_id: str, title: str) -> str:
    """``<source>-<title slug>-<8 hex of the remote id>``: readable, namespaced, unique.

    The hash suffix keeps two remote datasets with the same title apart; the importer sets
    the name when it creates the dataset and keeps it afterwards, so a renamed remote
    dataset keeps its local address.
    """
    digest = hashlib.sha256(remote_id.encode("utf-8")).hexdigest()[:8]
    prefix = slugify(source_name)[:30] or "source"
    room = NAME_MAX - len(prefix) - len(digest) - 2
    slug = slugify(title)[:room].strip("-")
    return "-".join(part for part in (prefix, slug, digest) if part)


# --------------------------------------------------------------------------- mapping


@dataclasses.dataclass
class MappingContext:
    """What the mapper knows about the source a record comes from."""

    source_id: str
    source_name: str
    jurisdiction: str | None = None  # level of government (jurisdiction vocabulary)
    owner_org: str | None = None
    licence_map: dict[str, str] = dataclasses.field(default_factory=dict)
    default_licence: str | None = None
    harvested_at: str | None = None


def _date(value: str | None) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    for candidate in (text, text.replace("Z", "+00:00")):
        try:
            return datetime.fromisoformat(candidate).date().isoformat()
        except ValueError:
            continue
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    return match.group(1) if match else None


def _resource_type(fmt: str | None) -> str:
    if fmt in _API_FORMATS:
        return "api"
    if fmt == "HTML":
        return "website"
    return "dataset"


def map_record(record: RemoteRecord, context: MappingContext) -> dict[str, Any]:
    """The dataset dict for ``record``: schema fields plus ``federation_*`` provenance."""
    langs = _languages(record.content_language)
    title = fluent_text(record.title, record.content_language)
    title_for_name = title.get("en") or title.get("fr") or next(iter(title.values()), "")
    subjects = [s for s in (map_theme(t) for t in record.themes) if s]
    frequency = map_frequency(record.frequency) if record.frequency else None
    licence = None
    for candidate in (record.licence, record.licence_url):
        if candidate and licence is None:
            licence = map_licence(candidate, context.licence_map)
    if licence is None and not record.licence and not record.licence_url:
        # Nothing stated on the record: the portal's licence applies.
        licence = context.default_licence
    resources = []
    for res in record.resources:
        fmt = map_format(res.format or "") if res.format else None
        if fmt is None and res.media_type:
            fmt = map_format(res.media_type)
        name = fluent_text(res.name, record.content_language) or {
            lang: res.format or fmt or res.url.rsplit("/", 1)[-1] for lang in langs[:1]}
        resources.append({
            "url": res.url,
            "name_translated": name,
            "description_translated": fluent_text(res.description, record.content_language,
                                                  markup=True),
            "format": fmt or "",
            "resource_type": _resource_type(fmt),
            "language": sorted(set(langs)),
            "federation_published_format": res.format or res.media_type or "",
        })
    harvested_at = context.harvested_at or datetime.now(timezone.utc).isoformat()
    notes = fluent_text(record.description, record.content_language, markup=True)
    dataset: dict[str, Any] = {
        "id": local_id(context.source_id, record.remote_id),
        "name": local_name(context.source_name, record.remote_id, title_for_name),
        "type": "dataset",
        "title_translated": title,
        # Core fields mirror the translated ones, for plain CKAN and for CKAN's own templates.
        "title": title_for_name,
        "notes_translated": notes,
        "notes": notes.get(langs[0]) or next(iter(notes.values()), ""),
        "keywords": fluent_tags(record.keywords, record.content_language),
        "subject": list(dict.fromkeys(subjects)),
        "frequency": frequency,
        "license_id": licence,
        "date_published": _date(record.issued),
        "date_modified": _date(record.modified),
        "language": sorted({lang for lang in (title.keys() | set(langs))
                            if lang in LANGUAGES}),
        "restrictions": "unrestricted",
        "maintainer_email": record.contact_email,
        "resources": resources,
        "federation_source_id": context.source_id,
        "federation_remote_id": record.remote_id,
        "federation_remote_url": record.remote_url,
        "federation_platform": record.platform,
        "federation_remote_modified": record.modified,
        "federation_harvested_at": harvested_at,
        "federation_landing_page": record.landing_page,
        "federation_identifiers": record.identifiers,
        "federation_content_hash": record.content_hash(),
        "federation_published": {
            "themes": record.themes, "licence": record.licence,
            "licence_url": record.licence_url, "frequency": record.frequency,
            "formats": record.formats, "publisher": record.publisher,
        },
    }
    if context.jurisdiction:
        dataset["jurisdiction"] = context.jurisdiction
    if context.owner_org:
        dataset["owner_org"] = context.owner_org
    return dataset
