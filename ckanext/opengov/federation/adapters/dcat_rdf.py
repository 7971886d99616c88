"""DCAT-AP RDF catalogues (RDF/XML, Turtle, JSON-LD, N-Triples), with Hydra paging.

Each page is parsed by ckanext-dcat's :class:`~ckanext.dcat.processors.RDFParser` with the
profiles the source names (source config key ``profiles``, default the suite's own
``opengov_dcat_ap_3``, which reads every language-tagged literal back into the multilingual
fields ``title_translated``, ``notes_translated``, ``keywords``...). The CKAN dataset dicts
the profiles build become :class:`~ckanext.opengov.federation.records.RemoteRecord` objects,
so mapping, hashing, provenance and de-duplication work as for every other platform. The
profiles run with an empty default language, so untagged text stays untagged (``""``) and
is labelled later with the source's content language, not with this site's locale. What a
profile leaves out of its dict is read from the parser's graph: licence URIs stated on the
dataset itself (the profiles keep only licences CKAN's register knows) and the raw
statements kept with the record. Paging follows ``RDFParser.next_page()`` (``hydra:next``,
deprecated ``hydra:nextPage``). The one change to ckanext-dcat's parser
(:class:`SourceParser`): the page's URL is rdflib's base IRI, so relative IRIs resolve
against the page and not against the harvester's working directory.

Safety: content is fetched only through the suite's guarded client and the parser gets the
bytes; RDF/XML goes through :func:`ckanext.opengov.http.parse_xml` first (documents that
declare entities are refused) and JSON-LD documents naming a remote ``@context`` are
refused, since rdflib would fetch it outside the guarded client.
"""
from __future__ import annotations

import xml.sax
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from importlib.metadata import entry_points
from typing import Any

import rdflib.plugin
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, Namespace
from rdflib.term import Node

from ckanext.dcat.exceptions import RDFParserException
from ckanext.dcat.processors import RDF_PROFILES_ENTRY_POINT_GROUP, RDFParser
from ckanext.dcat.utils import url_to_rdflib_format
from ckanext.opengov.http import HttpResponse, PayloadError, parse_xml

from ..records import LangList, LangText, RemoteRecord, RemoteResource, email, stored_list, unique
from .base import Adapter, FeedState, Item

DEFAULT_PROFILES = ["opengov_dcat_ap_3"]
ADMS = Namespace("http://www.w3.org/ns/adms#")
MAX_PAGES = 10_000

_FORMATS = {
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "text/n3": "n3",
    "application/ld+json": "json-ld", "application/json": "json-ld",
    "application/n-triples": "nt", "application/trig": "trig",
}
_EXTENSIONS = {".rdf": "xml", ".xml": "xml", ".ttl": "turtle", ".jsonld": "json-ld",
               ".json": "json-ld", ".nt": "nt", ".n3": "n3"}


def known_profiles() -> list[str]:
    """The RDF profiles installed (entry points ``ckan.rdf.profiles``)."""
    return sorted({ep.name for ep in entry_points(group=RDF_PROFILES_ENTRY_POINT_GROUP)})


def profile_names(value: Any) -> list[str]:
    """Profile names from a source setting: a space-separated string or a list."""
    if value is None or value == "":
        return list(DEFAULT_PROFILES)
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise TypeError("profiles must be a string or a list of strings")


def _has_remote_context(node: Any) -> bool:
    if isinstance(node, dict):
        context = node.get("@context")
        if isinstance(context, str) or (isinstance(context, list)
                                        and any(isinstance(c, str) for c in context)):
            return True
        return any(_has_remote_context(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_remote_context(v) for v in node)
    return False


def rdf_format(response: HttpResponse, forced_format: str | None = None) -> str:
    fmt = forced_format or _FORMATS.get(response.content_type)
    if fmt is None:
        path = response.url.split("?", 1)[0].lower()
        fmt = next((f for ext, f in _EXTENSIONS.items() if path.endswith(ext)), "xml")
    return fmt


class SourceParser(RDFParser):
    """ckanext-dcat's parser, given the document's URL as base IRI.

    ``RDFParser.parse`` calls rdflib without a base, so rdflib resolves relative IRIs
    (``<dataset/1>``, a relative ``hydra:next``) against the harvester's working directory
    (``file:///...``): unstable ids, and a next page the guarded client refuses. The same
    parse, with ``publicID`` set to the URL the bytes came from.
    """

    def parse(self, data: Any, _format: str | None = None, base: str | None = None) -> None:
        if base is None:
            super().parse(data, _format=_format)
            return
        fmt = url_to_rdflib_format(_format)
        if not fmt or fmt == "pretty-xml":
            fmt = "xml"
        try:
            self.g.parse(data=data, format=fmt, publicID=base)
        except (SyntaxError, xml.sax.SAXParseException, rdflib.plugin.PluginException,
                TypeError) as e:
            raise RDFParserException(e) from e


def parse_rdf(response: HttpResponse, profiles: list[str],
              forced_format: str | None = None) -> SourceParser:
    """Parse an RDF document safely with ckanext-dcat; errors carry the document's URL."""
    fmt = rdf_format(response, forced_format)
    if fmt == "xml":
        parse_xml(response.content, response.url)
    elif fmt == "json-ld" and _has_remote_context(response.json()):
        raise PayloadError(response.url, "JSON-LD with a remote @context is not fetched; "
                           "inline the context")
    parser = SourceParser(profiles=profiles)
    try:
        parser.parse(response.content, _format=fmt, base=response.url)
    except Exception as e:  # RDFParserException, and rdflib raises many unrelated types
        raise PayloadError(response.url, f"malformed or truncated RDF ({fmt}): {e}") from e
    return parser


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _lang(lang: str) -> str:
    lang = lang.lower()
    return lang if "-t-" in lang else lang.split("-", 1)[0]


def _texts(translated: Any, plain: Any) -> LangText:
    """A multilingual field of a profile's dict, else its one-language field, untagged."""
    out: LangText = {}
    if isinstance(translated, dict):
        for lang, text in sorted(translated.items()):
            if isinstance(text, str) and text.strip():
                out.setdefault(_lang(str(lang)), text.strip())
    if not out and isinstance(plain, str) and plain.strip():
        out[""] = plain.strip()
    return out


class DcatRdfAdapter(Adapter):
    platform = "dcat_rdf"

    @property
    def profiles(self) -> list[str]:
        return profile_names(self.source.profiles)

    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        url: str | None = self.source.base_url
        visited: set[str] = set()
        total = 0
        profiles = self.profiles
        while url:
            if url in visited or len(visited) >= MAX_PAGES:
                raise PayloadError(url, "Hydra paging loops back to a page already read")
            visited.add(url)
            response = self._get(url, headers={"Accept": ", ".join(
                ["application/rdf+xml", "text/turtle;q=0.9", "application/ld+json;q=0.8"])})
            parser = parse_rdf(response, profiles, self.source.options.get("rdf_format"))
            datasets = sorted(set(parser._datasets()), key=str)
            total += len(datasets)
            for subject in datasets:
                link = str(subject) if isinstance(subject, URIRef) else url
                item = self._safely(partial(self._record, parser, page_url=url), subject, link)
                if item is not None:
                    yield item
            url = parser.next_page()
        self.expected_total = total

    @staticmethod
    def _dataset_dict(parser: SourceParser, subject: Node) -> dict[str, Any]:
        """What ``RDFParser.datasets()`` yields for one dataset, untagged text kept untagged."""
        dataset: dict[str, Any] = {}
        for profile_class in parser._profiles:
            profile = profile_class(parser.g, dataset_type=parser.dataset_type,
                                    compatibility_mode=parser.compatibility_mode)
            # Untagged literals go under "" (the source's language is applied by the
            # mapper) rather than under this site's ckan.locale_default.
            profile._default_lang = ""
            profile.parse_dataset(dataset, subject)
        return dataset

    def _record(self, parser: SourceParser, subject: Node, *, page_url: str) -> RemoteRecord:
        graph = parser.g
        data = self._dataset_dict(parser, subject)
        extras = {e.get("key"): e.get("value") for e in data.get("extras") or []
                  if isinstance(e, dict)}

        def field(*keys: str) -> Any:
            for key in keys:
                for where in (data, extras):
                    if where.get(key) not in (None, "", [], {}):
                        return where[key]
            return None

        # ckanext-dcat 2.4 stores a blank-node adms:Identifier as the node's id (random
        # per parse): its skos:notation is read from the graph instead.
        identifiers = stored_list(field("identifier")) + self._notations(graph, subject)
        if isinstance(subject, URIRef):
            rid = str(subject)
        elif identifiers:
            rid = identifiers[0]
        else:
            raise ValueError("a blank-node dataset without dct:identifier has no stable id")
        title = _texts(data.get("title_translated"), data.get("title"))
        if not title:
            raise ValueError("the dataset has no dct:title")
        keywords: LangList = {}
        tagged = data.get("keywords") or data.get("tags_translated")
        if isinstance(tagged, dict):
            for lang, words in tagged.items():
                keywords.setdefault(_lang(str(lang)), []).extend(stored_list(words))
        else:
            keywords[""] = [t["name"] for t in data.get("tags") or []
                            if isinstance(t, dict) and t.get("name")]
        keywords = {k: sorted(set(v)) for k, v in keywords.items() if v}

        # The profiles keep a licence only when CKAN's register knows it: the URIs as
        # published are read from the graph (dataset, then distributions).
        licences = self._uris(graph, subject, DCTERMS.license)
        resources = []
        formats: list[str] = []
        for res in data.get("resources") or []:
            links = [v for v in (res.get("download_url"), res.get("access_url"), res.get("url"))
                     if isinstance(v, str) and v.strip()]
            fmt = res.get("format") or None
            media = res.get("mimetype") or None
            if res.get("license"):
                licences.append(str(res["license"]))
            formats.append(fmt or media or "")
            if links:
                uri = res.get("uri") or None
                resources.append(RemoteResource(
                    url=links[0].strip(),
                    name=_texts(res.get("name_translated"), res.get("name")),
                    description=_texts(res.get("description_translated"),
                                       res.get("description")),
                    format=fmt, media_type=media, remote_id=uri))
        resources.sort(key=lambda r: (r.remote_id or "", r.url))
        if not licences and data.get("license_id"):
            licences.append(str(data["license_id"]))

        landing = data.get("url") or None
        if not landing and isinstance(data.get("program_page_url"), dict):
            pages = data["program_page_url"]
            landing = pages.get(self.source.primary_language) or next(iter(pages.values()), None)
        publisher = field("publisher_name")
        if publisher is None and isinstance(data.get("publisher"), list) and data["publisher"]:
            publisher = data["publisher"][0].get("name")
        themes = stored_list(field("theme"))
        frequency = extras.get("frequency") or data.get("frequency") or None
        modified = field("date_modified", "modified")
        issued = field("date_published", "issued")
        contact = email(field("maintainer_email", "contact_email"))
        statements = sorted(
            [str(p), o.n3()] for p, o in graph.predicate_objects(subject)
        )
        return RemoteRecord(
            remote_id=rid, remote_url=str(subject) if isinstance(subject, URIRef) else page_url,
            platform=self.platform, content_language=self.source.content_language,
            title=title,
            description=_texts(data.get("notes_translated"), data.get("notes")),
            keywords=keywords, themes=sorted(set(themes)),
            formats=unique(formats), licence=_first(sorted(set(licences))),
            frequency=str(frequency) if frequency else None,
            modified=str(modified) if modified else None,
            issued=str(issued) if issued else None,
            resources=resources, landing_page=landing,
            identifiers=unique(([rid] if isinstance(subject, URIRef) else [])
                               + identifiers + ([landing] if landing else [])),
            publisher=str(publisher) if publisher else None,
            contact_email=contact,
            raw={"subject": str(subject), "profiles": self.profiles,
                 "statements": statements},
        )

    @staticmethod
    def _notations(graph: Any, subject: Node) -> list[str]:
        out = []
        for value in graph.objects(subject, ADMS.identifier):
            if isinstance(value, BNode):
                out += sorted(str(n).strip() for n in graph.objects(value, SKOS.notation)
                              if str(n).strip())
            elif str(value).strip():
                out.append(str(value).strip())
        return out

    @staticmethod
    def _uris(graph: Any, subject: Node, predicate: URIRef) -> list[str]:
        out = []
        for value in graph.objects(subject, predicate):
            if isinstance(value, BNode):
                continue
            if isinstance(value, URIRef | Literal) and str(value).strip():
                out.append(str(value).strip())
        return out

