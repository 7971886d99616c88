"""``opengov_dcat_ap_3``: a bilingual DCAT-AP 3 (+ HVD) profile for ckanext-dcat.

Built on ckanext-dcat's ``euro_dcat_ap_3`` profile, which already maps the core CKAN fields.
This profile adds what the suite's schemas need and DCAT-AP requires:

* every multilingual field (``{"en": .., "fr": ..}``, machine translations ``fr-t-en``) as one
  language-tagged literal per language, read back into the same dict;
* coded fields as URIs: subject -> EU data theme (``dcat:theme``) plus the subject concept
  itself, frequency -> EU frequency, language -> EU language, format -> EU file type,
  spatial coverage (SGC codes) -> ``dct:Location`` concepts, HVD category, applicable
  legislation and standards (``dct:conformsTo``), with their ``rdf:type`` so the SHACL class
  constraints hold;
* the HVD rules: HVD distributions carry the applicable legislation too.

Coded fields are found through the scheming schema (a field's ``vocabulary:`` key), so the
profile follows the base schema's field names; :data:`DEFAULT_VOCABULARY_FIELDS` is used
when no scheming schema is loaded.

The subject and SGC codes have no official URIs: they are published as concepts of the
catalogue's own schemes, ``<catalogue>/vocabulary/<name>/<code>``, with en/fr labels and
(subjects) a ``skos:closeMatch`` to the EU data theme.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.term import Node

from ckanext.dcat.profiles import DCAT, DCATAP, DCT, FOAF, RDF, RDFS, SKOS, VCARD
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri, resource_uri
from ckanext.opengov.metadata import standards, vocab

EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
HVD_CATEGORY_SCHEME = "http://data.europa.eu/bna/asd487ae75"
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
ELI = Namespace("http://data.europa.eu/eli/ontology#")

#: labels of the EU data themes (skos:prefLabel is mandatory on a DCAT-AP concept)
EU_THEME_LABELS: dict[str, dict[str, str]] = {
    "AGRI": {"en": "Agriculture, fisheries, forestry and food",
             "fr": "Agriculture, pêche, sylviculture et alimentation"},
    "ECON": {"en": "Economy and finance", "fr": "Économie et finances"},
    "EDUC": {"en": "Education, culture and sport", "fr": "Éducation, culture et sport"},
    "ENER": {"en": "Energy", "fr": "Énergie"},
    "ENVI": {"en": "Environment", "fr": "Environnement"},
    "GOVE": {"en": "Government and public sector", "fr": "Gouvernement et secteur public"},
    "HEAL": {"en": "Health", "fr": "Santé"},
    "INTR": {"en": "International issues", "fr": "Questions internationales"},
    "JUST": {"en": "Justice, legal system and public safety",
             "fr": "Justice, système juridique et sécurité publique"},
    "REGI": {"en": "Regions and cities", "fr": "Régions et villes"},
    "SOCI": {"en": "Population and society", "fr": "Population et société"},
    "TECH": {"en": "Science and technology", "fr": "Science et technologie"},
    "TRAN": {"en": "Transport", "fr": "Transports"},
}

API_DOCUMENTATION = "https://docs.ckan.org/en/latest/api/index.html"
API_TITLE = {"en": "API of %s", "fr": "API de %s"}

#: dataset fields per vocabulary when no scheming schema tells (``vocabulary:`` keys)
DEFAULT_VOCABULARY_FIELDS: dict[str, list[str]] = {
    "subject": ["subject"],
    "frequency": ["frequency"],
    "sgc": ["geographic_region"],
    "language": ["language"],
    "restrictions": ["restrictions"],
}
DEFAULT_RESOURCE_VOCABULARY_FIELDS: dict[str, list[str]] = {
    "language": ["language"],
    "format": ["format"],
}

#: multilingual fields with a DCAT predicate; other fluent fields have no DCAT-AP property
DATASET_TEXT = {"title_translated": DCT.title, "notes_translated": DCT.description}
DATASET_TAGS = {"keywords": DCAT.keyword, "tags_translated": DCAT.keyword}
#: fields this profile writes itself (kept away from the base profile)
OWN_DATASET_FIELDS = {"provenance", "program_page_url", "maintainer_contact_form",
                      "hvd_standard"}

#: suite fields written through the base profile under its own key names
BASE_PROFILE_KEYS = {
    "date_published": "issued",
    "date_modified": "modified",
    "time_period_coverage_start": "temporal_start",
    "time_period_coverage_end": "temporal_end",
}
DATE_FIELDS = {"date_published": DCT.issued, "date_modified": DCT.modified}
TEMPORAL_FIELDS = {"time_period_coverage_start": DCAT.startDate,
                   "time_period_coverage_end": DCAT.endDate}

URI_LISTS = {
    "conforms_to": DCT.conformsTo,
    "hvd_category": DCATAP.hvdCategory,
    "applicable_legislation": DCATAP.applicableLegislation,
}
RESOURCE_TEXT = {"name_translated": DCT.title, "description_translated": DCT.description}

log = logging.getLogger(__name__)

_SUITE_CONCEPT_RE = re.compile(r"/vocabulary/(?P<name>[a-z_]+)/(?P<code>[^/]+)$")


def suite_concept_uri(name: str, code: str) -> str:
    return f"{catalog_uri().rstrip('/')}/vocabulary/{name}/{code}"


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", [], {}):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                loaded = json.loads(stripped)
            except ValueError:
                return [value]
            return loaded if isinstance(loaded, list) else [loaded]
        return stripped.split() if " " in stripped and "://" not in stripped else [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _as_lang_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            loaded = json.loads(value)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {}


def _reverse(name: str, uri: str) -> str | None:
    """The first code of vocabulary ``name`` whose URI is ``uri``."""
    for concept in vocab.vocabulary(name)["concepts"]:
        if concept.get("uri") == uri:
            return str(concept["value"])
    return None


class OpengovDCATAP3Profile(EuropeanDCATAP3Profile):
    """DCAT-AP 3.0.1 + DCAT-AP HVD, bilingual (entry point ``opengov_dcat_ap_3``)."""

    # ------------------------------------------------------------------ schema lookups

    def _schema_fields(self, entity: str) -> list[dict[str, Any]]:
        if not self._dataset_schema:
            return []
        return list(self._dataset_schema.get(f"{entity}_fields") or [])

    def _vocabulary_fields(self, entity: str = "dataset") -> dict[str, list[str]]:
        fields = self._schema_fields(entity)
        if not fields:
            return dict(DEFAULT_VOCABULARY_FIELDS if entity == "dataset"
                        else DEFAULT_RESOURCE_VOCABULARY_FIELDS)
        out: dict[str, list[str]] = {}
        for field in fields:
            if field.get("vocabulary"):
                out.setdefault(field["vocabulary"], []).append(field["field_name"])
        return out

    def _owned(self, entity: str) -> set[str]:
        names = {n for ns in self._vocabulary_fields(entity).values() for n in ns}
        if entity == "dataset":
            names |= set(DATASET_TAGS) | OWN_DATASET_FIELDS
        return names

    # ------------------------------------------------------------------ output

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        shadow = {k: v for k, v in dataset_dict.items() if k not in self._owned("dataset")}
        for ours, theirs in BASE_PROFILE_KEYS.items():
            if dataset_dict.get(ours):
                shadow[theirs] = dataset_dict[ours]
        owned_res = self._owned("resource")
        shadow["resources"] = [
            {k: v for k, v in r.items() if k not in owned_res}
            for r in dataset_dict.get("resources") or []
        ]
        # The base profile turns these into lists of URIs; it reads JSON strings too.
        super().graph_from_dataset(shadow, dataset_ref)

        g = self.g
        self._replace_text(dataset_ref, dataset_dict, DATASET_TEXT)
        for field, predicate in DATASET_TAGS.items():
            for lang, tags in _as_lang_dict(dataset_dict.get(field)).items():
                for tag in tags or []:
                    g.add((dataset_ref, predicate, Literal(tag, lang=lang)))

        provenance = _as_lang_dict(dataset_dict.get("provenance"))
        if any(provenance.values()):
            g.remove((dataset_ref, DCT.provenance, None))
            statement = BNode()
            g.add((dataset_ref, DCT.provenance, statement))
            g.add((statement, RDF.type, DCT.ProvenanceStatement))
            for lang, text in provenance.items():
                if text:
                    g.add((statement, RDFS.label, Literal(text, lang=lang)))
        self._add_lang_links(dataset_ref, DCAT.landingPage,
                             _as_lang_dict(dataset_dict.get("program_page_url")), FOAF.Document)
        # vcard:hasURL is 0..1 per contact (DCAT-AP HVD): one contact point per language of
        # the contact form, each with the contact email.
        contact_form = {k: v for k, v in
                        _as_lang_dict(dataset_dict.get("maintainer_contact_form")).items() if v}
        first = self._object(dataset_ref, DCAT.contactPoint)
        emails = list(g.objects(first, VCARD.hasEmail)) if first is not None else []
        for index, (lang, url) in enumerate(contact_form.items()):
            contact = first if index == 0 and first is not None else BNode()
            if contact is not first:
                g.add((dataset_ref, DCAT.contactPoint, contact))
                g.add((contact, RDF.type, VCARD.Organization))
                for email in emails:
                    g.add((contact, VCARD.hasEmail, email))
            self._add_lang_links(contact, VCARD.hasURL, {lang: url}, RDFS.Resource)
        for uri in _as_list(dataset_dict.get("hvd_standard")):
            g.add((dataset_ref, DCT.conformsTo, URIRef(uri)))

        fields = self._vocabulary_fields("dataset")
        for name in fields.get("restrictions", []):
            for code in _as_list(dataset_dict.get(name))[:1]:
                uri = vocab.uri("restrictions", code)
                if uri:
                    g.add((dataset_ref, DCT.accessRights,
                           self._eu_concept(uri, DCT.RightsStatement, "restrictions")))
        for name in fields.get("subject", []):
            for code in _as_list(dataset_dict.get(name)):
                self._add_subject(dataset_ref, str(code))
        for name in fields.get("frequency", []):
            for code in _as_list(dataset_dict.get(name))[:1]:
                uri = vocab.uri("frequency", code) or (
                    code if str(code).startswith("http") else None)
                if uri:
                    g.add((dataset_ref, DCT.accrualPeriodicity,
                           self._eu_concept(uri, DCT.Frequency, "frequency")))
        for name in fields.get("sgc", []):
            for code in _as_list(dataset_dict.get(name)):
                self._add_sgc(dataset_ref, str(code))
        for name in fields.get("language", []):
            self._add_languages(dataset_ref, _as_list(dataset_dict.get(name)))

        self._type_objects(dataset_ref, DCT.conformsTo, DCT.Standard)
        self._type_objects(dataset_ref, DCATAP.applicableLegislation, ELI.LegalResource)
        hvd_labels = standards.hvd_catalogue()["hvd_categories"]
        for category in g.objects(dataset_ref, DCATAP.hvdCategory):
            g.add((category, RDF.type, SKOS.Concept))
            g.add((category, SKOS.inScheme, URIRef(HVD_CATEGORY_SCHEME)))
            self._add_labels(category, hvd_labels.get(str(category)) or {})
        for contact in g.objects(dataset_ref, DCAT.contactPoint):
            # vcard:Organization is a vcard:Kind, but SHACL checks run without inference
            g.add((contact, RDF.type, VCARD.Kind))
            self._type_objects(contact, VCARD.hasEmail, RDFS.Resource)
        is_hvd = bool(_as_list(dataset_dict.get("hvd_category")))

        res_fields = self._vocabulary_fields("resource")
        for resource in dataset_dict.get("resources") or []:
            distribution = URIRef(resource_uri(resource))
            self._replace_text(distribution, resource, RESOURCE_TEXT)
            for name in res_fields.get("language", []):
                self._add_languages(distribution, _as_list(resource.get(name)))
            for name in res_fields.get("format", []):
                self._add_format(distribution, resource.get(name))
            self._type_objects(distribution, DCAT.accessURL, RDFS.Resource)
            self._type_objects(distribution, DCAT.downloadURL, RDFS.Resource)
            if not list(g.objects(distribution, DCT.license)):
                self._add_license(distribution, dataset_dict.get("license_id"))
            if is_hvd:
                for uri in _as_list(dataset_dict.get("applicable_legislation")):
                    g.add((distribution, DCATAP.applicableLegislation, URIRef(uri)))
                    g.add((URIRef(uri), RDF.type, ELI.LegalResource))
        if is_hvd:
            self._add_api_service(dataset_ref, dataset_dict)

    def _add_license(self, distribution: Node, license_id: Any) -> None:
        """The dataset licence on a distribution (HVD: legal information is mandatory)."""
        url = vocab.license_url(str(license_id), "en") if license_id else None
        if url:
            self.g.add((distribution, DCT.license, URIRef(url)))
            self.g.add((URIRef(url), RDF.type, DCT.LicenseDocument))

    def _add_api_service(self, dataset_ref: Node, dataset_dict: Mapping[str, Any]) -> None:
        """The CKAN action API as the dcat:DataService that serves an HVD dataset.

        DCAT-AP HVD requires every HVD dataset to be available through an API; the portal's
        own API is one, with the dataset's category, legislation and contact point.
        """
        g = self.g
        site = catalog_uri().rstrip("/")
        service = URIRef(f"{dataset_ref}#api")
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCAT.servesDataset, dataset_ref))
        g.add((service, DCAT.endpointURL, URIRef(f"{site}/api/3/action/")))
        g.add((URIRef(f"{site}/api/3/action/"), RDF.type, RDFS.Resource))
        g.add((service, DCAT.endpointDescription,
               URIRef(f"{site}/api/3/action/help_show?name=package_show")))
        g.add((URIRef(f"{site}/api/3/action/help_show?name=package_show"), RDF.type,
               RDFS.Resource))
        documentation = URIRef(API_DOCUMENTATION)
        g.add((service, FOAF.page, documentation))
        g.add((documentation, RDF.type, FOAF.Document))
        titles = _as_lang_dict(dataset_dict.get("title_translated")) or {
            "en": dataset_dict.get("title") or ""}
        for lang, text in titles.items():
            if text:
                template = API_TITLE.get(lang.split("-")[0], API_TITLE["en"])
                g.add((service, DCT.title, Literal(template % text, lang=lang)))
        for predicate in (DCATAP.hvdCategory, DCATAP.applicableLegislation, DCAT.contactPoint):
            for obj in g.objects(dataset_ref, predicate):
                g.add((service, predicate, obj))
        self._add_license(service, dataset_dict.get("license_id"))

    def _replace_text(self, subject: Node, data: Mapping[str, Any],
                      mapping: Mapping[str, URIRef]) -> None:
        for field, predicate in mapping.items():
            values = _as_lang_dict(data.get(field))
            if not values:
                continue
            self.g.remove((subject, predicate, None))
            for lang, text in values.items():
                if text:
                    self.g.add((subject, predicate, Literal(text, lang=lang)))

    def _add_lang_links(self, subject: Node, predicate: URIRef, links: Mapping[str, Any],
                        rdf_class: URIRef) -> None:
        """A multilingual link (fluent_link): one IRI per language, each with its dct:language."""
        for lang, url in links.items():
            if not url:
                continue
            node = URIRef(url)
            self.g.add((subject, predicate, node))
            self.g.add((node, RDF.type, rdf_class))
            language = vocab.uri("language", lang.split("-")[0])
            if language:
                self.g.add((node, DCT.language,
                            self._eu_concept(language, DCT.LinguisticSystem, "language")))

    def _read_lang_links(self, subject: Node, predicate: URIRef) -> dict[str, str]:
        out: dict[str, str] = {}
        for node in self.g.objects(subject, predicate):
            codes = [c for c in (_reverse("language", str(lang))
                                 for lang in self.g.objects(node, DCT.language)) if c]
            if codes:
                out[codes[0]] = str(node)
        return out

    def _add_labels(self, node: Node, labels: Mapping[str, str]) -> None:
        for lang, text in labels.items():
            self.g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))

    def _add_subject(self, dataset_ref: Node, code: str) -> None:
        concept = vocab.concept("subject", code)
        if concept is None:
            return
        node = URIRef(suite_concept_uri("subject", code))
        self.g.add((dataset_ref, DCAT.theme, node))
        self.g.add((node, RDF.type, SKOS.Concept))
        self.g.add((node, SKOS.inScheme, URIRef(suite_concept_uri("subject", "")[:-1])))
        self._add_labels(node, concept["label"])
        if concept.get("uri"):
            theme = self._eu_concept(concept["uri"], SKOS.Concept, "subject")
            self._add_labels(theme, EU_THEME_LABELS.get(concept["uri"].rsplit("/", 1)[-1], {}))
            self.g.add((node, SKOS.closeMatch, theme))
            self.g.add((dataset_ref, DCAT.theme, theme))

    def _add_sgc(self, dataset_ref: Node, code: str) -> None:
        concept = vocab.concept("sgc", code)
        if concept is None:
            return
        node = URIRef(suite_concept_uri("sgc", code))
        self.g.add((dataset_ref, DCT.spatial, node))
        self.g.add((node, RDF.type, DCT.Location))
        self.g.add((node, SKOS.notation, Literal(code)))
        self._add_labels(node, concept["label"])

    def _add_languages(self, subject: Node, codes: Iterable[Any]) -> None:
        self.g.remove((subject, DCT.language, None))
        for code in codes:
            uri = vocab.uri("language", str(code)) or (
                str(code) if str(code).startswith("http") else None)
            if uri:
                self.g.add((subject, DCT.language,
                            self._eu_concept(uri, DCT.LinguisticSystem, "language")))

    def _add_format(self, distribution: Node, code: Any) -> None:
        if not code:
            return
        self.g.remove((distribution, DCT["format"], None))
        uri = vocab.uri("format", str(code))
        if uri:
            self.g.add((distribution, DCT["format"],
                        self._eu_concept(uri, DCT.MediaTypeOrExtent, "format")))

    def _eu_concept(self, uri: str, rdf_class: URIRef, vocabulary: str) -> URIRef:
        """An EU authority-table concept with its class and scheme (checked by the MDR shapes)."""
        node = URIRef(uri)
        self.g.add((node, RDF.type, rdf_class))
        scheme = vocab.vocabulary(vocabulary).get("scheme_uri")
        if scheme and uri.startswith(scheme):
            self.g.add((node, SKOS.inScheme, URIRef(scheme)))
        return node

    def _type_objects(self, subject: Node, predicate: URIRef, rdf_class: URIRef) -> None:
        for obj in list(self.g.objects(subject, predicate)):
            if isinstance(obj, URIRef):
                self.g.add((obj, RDF.type, rdf_class))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        super().graph_from_catalog(catalog_dict, catalog_ref)
        from ckan.plugins import toolkit as tk

        g = self.g
        catalog_dict = catalog_dict or {}
        title = _as_lang_dict(catalog_dict.get("title_translated")) or {
            "en": catalog_dict.get("title") or tk.config.get("ckan.site_title")}
        description = _as_lang_dict(catalog_dict.get("description_translated")) or {
            "en": catalog_dict.get("description") or tk.config.get("ckan.site_description")
            or title.get("en")}
        for predicate, values in ((DCT.title, title), (DCT.description, description)):
            g.remove((catalog_ref, predicate, None))
            for lang, text in values.items():
                if text:
                    g.add((catalog_ref, predicate, Literal(text, lang=lang)))
        self._add_languages(catalog_ref, _as_list(catalog_dict.get("language"))
                            or _as_list(tk.config.get("ckan.locales_offered")))
        if not list(g.objects(catalog_ref, DCT.publisher)):
            publisher = catalog_dict.get("publisher") or {}
            agent: Node = URIRef(publisher["uri"]) if publisher.get("uri") else BNode()
            g.add((catalog_ref, DCT.publisher, agent))
            g.add((agent, RDF.type, FOAF.Agent))
            names = _as_lang_dict(publisher.get("name_translated")) or {
                "en": publisher.get("name") or title.get("en")}
            for lang, text in names.items():
                if text:
                    g.add((agent, FOAF.name, Literal(text, lang=lang)))
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))

    def _last_catalog_modification(self):
        # dct:modified of the catalogue is optional: a search backend that is down (or not
        # there, in unit tests) must not break the catalogue output.
        from ckan.lib.search.common import SearchError, SolrConnectionError

        try:
            return super()._last_catalog_modification()
        except (SearchError, SolrConnectionError):
            log.warning("DCAT catalogue: no search backend, dct:modified left out")
            return None

    # ------------------------------------------------------------------ input

    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        g = self.g
        for field, predicate in DATASET_TEXT.items():
            values = self._lang_literals(dataset_ref, predicate)
            if values:
                dataset_dict[field] = values
        tags_field = self._tags_field()
        tags: dict[str, list[str]] = {}
        for obj in g.objects(dataset_ref, DCAT.keyword):
            if isinstance(obj, Literal):
                tags.setdefault(obj.language or self._default_lang, []).append(str(obj))
        if tags:
            dataset_dict[tags_field] = {lang: sorted(v) for lang, v in tags.items()}

        # Lists of URIs: the base profile stores them as JSON extras unless the schema says
        # otherwise; the suite's schemas keep them as root-level lists.
        extras = dataset_dict.get("extras") or []
        for field, predicate in URI_LISTS.items():
            uris = sorted(str(o) for o in g.objects(dataset_ref, predicate)
                          if isinstance(o, URIRef))
            if uris:
                dataset_dict[field] = uris
                extras = [e for e in extras if e.get("key") != field]
        dataset_dict["extras"] = extras

        hvd_standards = set(standards.hvd_catalogue()["external_standards"])
        conforms = dataset_dict.pop("conforms_to", None) or []
        own = [u for u in conforms if u in hvd_standards]
        others = [u for u in conforms if u not in hvd_standards]
        if own:
            dataset_dict["hvd_standard"] = own
        if others:
            dataset_dict["conforms_to"] = others[0] if len(others) == 1 else others
        for ours, predicate in DATE_FIELDS.items():
            value = self._object_value(dataset_ref, predicate)
            if value:
                dataset_dict[ours] = value[:10]
        for interval in g.objects(dataset_ref, DCT.temporal):
            for ours, predicate in TEMPORAL_FIELDS.items():
                value = self._object_value(interval, predicate)
                if value:
                    dataset_dict[ours] = value[:10]
        dataset_dict["extras"] = [e for e in dataset_dict["extras"] if e.get("key") not in (
            "issued", "modified", "temporal_start", "temporal_end", "provenance")]
        for statement in g.objects(dataset_ref, DCT.provenance):
            values = self._lang_literals(statement, RDFS.label)
            if values:
                dataset_dict["provenance"] = values
        links = self._read_lang_links(dataset_ref, DCAT.landingPage)
        if links:
            dataset_dict["program_page_url"] = links
            dataset_dict.pop("url", None)
        forms: dict[str, str] = {}
        for contact in g.objects(dataset_ref, DCAT.contactPoint):
            forms.update(self._read_lang_links(contact, VCARD.hasURL))
            email = self._object_value(contact, VCARD.hasEmail)
            if email:
                dataset_dict["maintainer_email"] = email.replace("mailto:", "", 1)
        if forms:
            dataset_dict["maintainer_contact_form"] = forms

        fields = self._vocabulary_fields("dataset")
        for name in fields.get("restrictions", [])[:1]:
            uri = self._object_value(dataset_ref, DCT.accessRights)
            code = _reverse("restrictions", uri) if uri else None
            if code:
                dataset_dict[name] = code
        themes = [str(o) for o in g.objects(dataset_ref, DCAT.theme)]
        subjects = self._suite_codes(themes, "subject") or [
            c for c in (_reverse("subject", t) for t in themes) if c]
        for name in fields.get("subject", [])[:1]:
            if subjects:
                dataset_dict[name] = _ordered("subject", subjects)
        for name in fields.get("frequency", [])[:1]:
            uri = self._object_value(dataset_ref, DCT.accrualPeriodicity)
            code = _reverse("frequency", uri) if uri else None
            if code:
                dataset_dict[name] = code
        spatial = self._suite_codes([str(o) for o in g.objects(dataset_ref, DCT.spatial)],
                                    "sgc")
        for name in fields.get("sgc", [])[:1]:
            if spatial:
                dataset_dict[name] = _ordered("sgc", spatial)
                dataset_dict.pop("spatial_uri", None)
        for name in fields.get("language", [])[:1]:
            codes = self._language_codes(dataset_ref)
            if codes:
                dataset_dict[name] = codes

        res_fields = self._vocabulary_fields("resource")
        by_uri = {str(d): d for d in g.objects(dataset_ref, DCAT.distribution)}
        for resource in dataset_dict.get("resources") or []:
            distribution = by_uri.get(resource.get("uri", ""))
            if distribution is None:
                continue
            for field, predicate in RESOURCE_TEXT.items():
                values = self._lang_literals(distribution, predicate)
                if values:
                    resource[field] = values
            for name in res_fields.get("language", [])[:1]:
                codes = self._language_codes(distribution)
                if codes:
                    resource[name] = codes
            for name in res_fields.get("format", [])[:1]:
                uri = self._object_value(distribution, DCT["format"])
                code = _reverse("format", uri) if uri else None
                if code:
                    resource[name] = code
        return dataset_dict

    def _tags_field(self) -> str:
        for field in self._schema_fields("dataset"):
            if field["field_name"] in DATASET_TAGS:
                return str(field["field_name"])
        return "keywords"

    def _lang_literals(self, subject: Node, predicate: URIRef) -> dict[str, str]:
        out: dict[str, str] = {}
        for obj in self.g.objects(subject, predicate):
            if isinstance(obj, Literal):
                out[obj.language or self._default_lang] = str(obj)
        return out

    def _language_codes(self, subject: Node) -> list[str]:
        codes = []
        for obj in self.g.objects(subject, DCT.language):
            code = _reverse("language", str(obj))
            if code:
                codes.append(code)
        return _ordered("language", codes)

    @staticmethod
    def _suite_codes(uris: Iterable[str], name: str) -> list[str]:
        codes = []
        for uri in uris:
            match = _SUITE_CONCEPT_RE.search(uri)
            if match and match.group("name") == name:
                codes.append(match.group("code"))
        return codes


def _ordered(name: str, codes: Iterable[str]) -> list[str]:
    """Codes in vocabulary order (as scheming's multiple-choice fields store them)."""
    order = {c["value"]: i for i, c in enumerate(vocab.vocabulary(name)["concepts"])}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))
