"""DCAT-AP RDF catalogues (RDF/XML, Turtle, JSON-LD, N-Triples), with Hydra paging.

The graph is read with rdflib directly rather than through ckanext-dcat's profile chain:
the harvest needs every language-tagged literal (``@en``/``@fr``) kept apart and the raw
statements of each dataset, while ckanext-dcat's profiles build a CKAN dict for one site
schema and read the site-wide profile setting. The Hydra paging terms are the ones
ckanext-dcat follows (``hydra:next``, deprecated ``hydra:nextPage``).

Safety: RDF/XML goes through :func:`ckanext.opengov.http.parse_xml` first (documents that
declare entities are refused) and JSON-LD documents naming a remote ``@context`` are
refused, since rdflib would fetch it outside the guarded client.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, Namespace
from rdflib.term import Node

from ckanext.opengov.http import HttpResponse, PayloadError, parse_xml

from ..records import LangText, RemoteRecord, RemoteResource, email, unique
from .base import Adapter, FeedState, Item

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
MAX_PAGES = 10_000

_FORMATS = {
    "application/rdf+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "text/n3": "n3",
    "application/ld+json": "json-ld", "application/json": "json-ld",
    "application/n-triples": "nt", "application/trig": "trig",
}
_EXTENSIONS = {".rdf": "xml", ".xml": "xml", ".ttl": "turtle", ".jsonld": "json-ld",
               ".json": "json-ld", ".nt": "nt", ".n3": "n3"}


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


def parse_rdf(response: HttpResponse, forced_format: str | None = None) -> Graph:
    """Parse an RDF document safely into a graph; errors carry the document's URL."""
    fmt = forced_format or _FORMATS.get(response.content_type)
    if fmt is None:
        path = response.url.split("?", 1)[0].lower()
        fmt = next((f for ext, f in _EXTENSIONS.items() if path.endswith(ext)), "xml")
    if fmt == "xml":
        parse_xml(response.content, response.url)
    elif fmt == "json-ld" and _has_remote_context(response.json()):
        raise PayloadError(response.url, "JSON-LD with a remote @context is not fetched; "
                           "inline the context")
    graph = Graph()
    try:
        graph.parse(data=response.content, format=fmt, publicID=response.url)
    except Exception as e:  # rdflib raises many unrelated types for bad input
        raise PayloadError(response.url, f"malformed or truncated RDF ({fmt}): {e}") from e
    return graph


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _lang(literal: Literal) -> str:
    lang = (literal.language or "").lower()
    return lang if "-t-" in lang else lang.split("-", 1)[0]


class DcatRdfAdapter(Adapter):
    platform = "dcat_rdf"

    def _gather(self, since: datetime | None, feed_state: FeedState | None) -> Iterator[Item]:
        url: str | None = self.source.base_url
        visited: set[str] = set()
        total = 0
        while url:
            if url in visited or len(visited) >= MAX_PAGES:
                raise PayloadError(url, "Hydra paging loops back to a page already read")
            visited.add(url)
            response = self._get(url, headers={"Accept": ", ".join(
                ["application/rdf+xml", "text/turtle;q=0.9", "application/ld+json;q=0.8"])})
            graph = parse_rdf(response, self.source.options.get("rdf_format"))
            datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
            total += len(datasets)
            for subject in datasets:
                link = str(subject) if isinstance(subject, URIRef) else url
                item = self._safely(partial(self._record, graph, page_url=url), subject, link)
                if item is not None:
                    yield item
            url = self._next_page(graph)
        self.expected_total = total

    @staticmethod
    def _next_page(graph: Graph) -> str | None:
        for kind in (HYDRA.PartialCollectionView, HYDRA.PagedCollection):
            for view in graph.subjects(RDF.type, kind):
                for prop in (HYDRA.next, HYDRA.nextPage):
                    nxt = graph.value(view, prop)
                    if nxt is not None:
                        return str(nxt)
        return None

    @staticmethod
    def _texts(graph: Graph, subject: Node, prop: URIRef) -> LangText:
        texts: LangText = {}
        for value in sorted(graph.objects(subject, prop), key=str):
            if isinstance(value, Literal) and str(value).strip():
                texts.setdefault(_lang(value), str(value).strip())
        return texts

    @staticmethod
    def _values(graph: Graph, subject: Node, prop: URIRef) -> list[str]:
        out = []
        for value in graph.objects(subject, prop):
            if isinstance(value, BNode):
                label = (graph.value(value, SKOS.prefLabel) or graph.value(value, RDF.value)
                         or graph.value(value, SKOS.notation))
                if label is not None:
                    out.append(str(label))
            elif str(value).strip():
                out.append(str(value).strip())
        return sorted(set(out))

    def _record(self, graph: Graph, subject: Node, *, page_url: str) -> RemoteRecord:
        identifiers = self._values(graph, subject, DCTERMS.identifier)
        for adms in graph.objects(subject, ADMS.identifier):
            identifiers += self._values(graph, adms, SKOS.notation)
        if isinstance(subject, URIRef):
            rid = str(subject)
        elif identifiers:
            rid = identifiers[0]
        else:
            raise ValueError("a blank-node dataset without dct:identifier has no stable id")
        title = self._texts(graph, subject, DCTERMS.title)
        if not title:
            raise ValueError("the dataset has no dct:title")
        keywords: dict[str, list[str]] = {}
        for value in graph.objects(subject, DCAT.keyword):
            if isinstance(value, Literal) and str(value).strip():
                keywords.setdefault(_lang(value), []).append(str(value).strip())
        resources = []
        licences = self._values(graph, subject, DCTERMS.license)
        first = _first
        formats: list[str] = []
        for dist in sorted(graph.objects(subject, DCAT.distribution), key=str):
            links = (self._values(graph, dist, DCAT.downloadURL)
                     or self._values(graph, dist, DCAT.accessURL))
            fmt = first(self._values(graph, dist, DCTERMS["format"]))
            media = first(self._values(graph, dist, DCAT.mediaType))
            licences += self._values(graph, dist, DCTERMS.license)
            formats.append(fmt or media or "")
            if links:
                resources.append(RemoteResource(
                    url=links[0], name=self._texts(graph, dist, DCTERMS.title),
                    description=self._texts(graph, dist, DCTERMS.description),
                    format=fmt, media_type=media,
                    remote_id=str(dist) if isinstance(dist, URIRef) else None))
        publisher = graph.value(subject, DCTERMS.publisher)
        publisher_name = None
        if publisher is not None:
            names = self._texts(graph, publisher, FOAF.name)
            publisher_name = (names.get(self.source.primary_language) or names.get("")
                              or next(iter(names.values()), None))
        landing = first(self._values(graph, subject, DCAT.landingPage))
        modified = graph.value(subject, DCTERMS.modified)
        issued = graph.value(subject, DCTERMS.issued)
        frequency = graph.value(subject, DCTERMS.accrualPeriodicity)
        contact = None
        for point in graph.objects(subject, DCAT.contactPoint):
            contact = contact or email(str(graph.value(point, VCARD.hasEmail) or ""))
        statements = sorted(
            [str(p), o.n3()] for p, o in graph.predicate_objects(subject)
        )
        return RemoteRecord(
            remote_id=rid, remote_url=str(subject) if isinstance(subject, URIRef) else page_url,
            platform=self.platform, content_language=self.source.content_language,
            title=title, description=self._texts(graph, subject, DCTERMS.description),
            keywords={k: sorted(set(v)) for k, v in keywords.items()},
            themes=self._values(graph, subject, DCAT.theme),
            formats=unique(formats), licence=first(sorted(set(licences))),
            frequency=str(frequency) if frequency is not None else None,
            modified=str(modified) if modified is not None else None,
            issued=str(issued) if issued is not None else None,
            resources=resources, landing_page=landing,
            identifiers=unique(([rid] if isinstance(subject, URIRef) else [])
                               + identifiers + ([landing] if landing else [])),
            publisher=publisher_name,
            contact_email=contact,
            raw={"subject": str(subject), "statements": statements},
        )


