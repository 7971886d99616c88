"""The ``opengov_dcat_ap_3`` profile: bilingual literals, URIs, round trip, SHACL validity.

The SHACL tests read the official DCAT-AP 3.0.1 and DCAT-AP HVD shapes from
``../shared/realdata/dcat_ap`` and skip when the folder (or pyshacl) is absent.
"""
from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest
from ckanext.dcat.processors import RDFParser, RDFSerializer
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from ckanext.opengov.metadata import standards
from ckanext.opengov.metadata.dcat import HVD_LEGISLATION

from .conftest import PLUGINS
from .hvd_samples import sample_dataset

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHACL_DIR = (PROJECT_ROOT / ".." / "shared" / "realdata" / "dcat_ap" / "semic_shacl").resolve()
requires_shapes = pytest.mark.skipif(not SHACL_DIR.is_dir(),
                                     reason="shared/realdata/dcat_ap not available")

DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SH = Namespace("http://www.w3.org/ns/shacl#")
PROFILE = "opengov_dcat_ap_3"

# The catalogue asks the search layer for its last modification: opengov_pgsearch answers
# (the engine is installed by test.ini's plugins; its tables must exist).
pytestmark = pytest.mark.usefixtures("pgsearch_tables")

ALL_TYPES = ["dataset", *standards.hvd_types()]
EU_HVD_TYPES = [t for t in standards.hvd_types() if standards.hvd_types()[t].get("hvd_category")]

#: the fields a round trip must keep (dataset level, then per resource)
SUITE_FIELDS = ["title_translated", "notes_translated", "keywords", "subject", "frequency",
                "geographic_region", "language", "conforms_to", "hvd_standard", "hvd_category",
                "applicable_legislation", "restrictions", "date_published", "date_modified",
                "time_period_coverage_start", "time_period_coverage_end", "provenance",
                "program_page_url", "maintainer_contact_form", "maintainer_email"]
SUITE_RESOURCE_FIELDS = ["name_translated", "description_translated", "format", "language",
                         "url"]


def _graph(datasets: list[dict[str, Any]], profile: str = PROFILE) -> Graph:
    serializer = RDFSerializer(profiles=[profile])
    turtle = serializer.serialize_catalog({}, datasets, _format="turtle")
    return Graph().parse(data=turtle, format="turtle")


def _round_trip(dataset: dict[str, Any]) -> dict[str, Any]:
    turtle = RDFSerializer(profiles=[PROFILE]).serialize_dataset(dataset, _format="turtle")
    parser = RDFParser(profiles=[PROFILE])
    parser.parse(turtle, _format="turtle")
    parsed = list(parser.datasets())
    assert len(parsed) == 1
    return parsed[0]


def _normalised(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, dict):
        return {k: sorted(v) if isinstance(v, list) else v for k, v in value.items()}
    return value


@pytest.mark.parametrize("dataset_type", ALL_TYPES)
def test_round_trip_keeps_every_suite_field(dataset_type):
    original = sample_dataset(dataset_type)
    parsed = _round_trip(original)

    for field in SUITE_FIELDS:
        if field in original:
            assert _normalised(parsed.get(field)) == _normalised(original[field]), field
    resource = parsed["resources"][0]
    for field in SUITE_RESOURCE_FIELDS:
        assert _normalised(resource.get(field)) == _normalised(original["resources"][0][field]), \
            field


def test_round_trip_keeps_machine_translations():
    original = sample_dataset("hvd_building_permits")
    original["notes_translated"] = {"en": "Permits issued in 2025.",
                                    "fr-t-en": "Permis délivrés en 2025."}

    parsed = _round_trip(original)

    assert parsed["notes_translated"] == original["notes_translated"]


def _lang(node: Any) -> str | None:
    """The language tag of an RDF literal (None for anything else)."""
    return node.language if isinstance(node, Literal) else None


def test_multilingual_fields_are_language_tagged_literals():
    dataset = sample_dataset("hvd_building_permits")
    graph = _graph([dataset])
    ref = next(graph.subjects(RDF.type, DCAT.Dataset))

    titles = {(_lang(o), str(o)) for o in graph.objects(ref, DCT.title)}
    assert titles == {("en", "Building permits 2025"), ("fr", "Permis de construction 2025")}
    keywords = {(_lang(o), str(o)) for o in graph.objects(ref, DCAT.keyword)}
    assert ("fr", "permis") in keywords and ("en", "permits") in keywords
    for predicate in (DCT.title, DCT.description, DCAT.keyword):
        for obj in graph.objects(ref, predicate):
            assert isinstance(obj, Literal) and obj.language in ("en", "fr")
    distribution = next(graph.objects(ref, DCAT.distribution))
    assert {_lang(o) for o in graph.objects(distribution, DCT.title)} == {"en", "fr"}


def test_coded_fields_are_uris():
    graph = _graph([sample_dataset("hvd_address_points")])
    ref = next(graph.subjects(RDF.type, DCAT.Dataset))

    themes = set(graph.objects(ref, DCAT.theme))
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON") in themes
    assert all(isinstance(t, URIRef) for t in themes)
    assert list(graph.objects(ref, DCT.accrualPeriodicity)) == [
        URIRef("http://publications.europa.eu/resource/authority/frequency/MONTHLY")]
    assert set(graph.objects(ref, DCT.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/ENG"),
        URIRef("http://publications.europa.eu/resource/authority/language/FRA")}
    spatial = list(graph.objects(ref, DCT.spatial))
    assert spatial and all(isinstance(s, URIRef) for s in spatial)
    assert all((s, RDF.type, DCT.Location) in graph for s in spatial)
    assert list(graph.objects(ref, DCATAP.hvdCategory)) == [
        URIRef("http://data.europa.eu/bna/c_c3de25e4")]
    assert list(graph.objects(ref, DCATAP.applicableLegislation)) == [URIRef(HVD_LEGISLATION)]
    assert list(graph.objects(ref, DCT.conformsTo)) == [
        URIRef("https://www.statcan.gc.ca/en/lode/databases/oda")]


def test_types_without_eu_category_carry_no_hvd_legislation():
    graph = _graph([sample_dataset("hvd_public_washrooms")])

    assert not list(graph.subject_objects(DCATAP.applicableLegislation))
    assert not list(graph.subject_objects(DCATAP.hvdCategory))


# --------------------------------------------------------------------------- SHACL


def _shapes(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(SHACL_DIR / name)
    # The official 3.0.1 consolidated file lists two sh:property shapes of DataServiceShape
    # that it never defines; pyshacl refuses such a graph, so the dangling links are dropped.
    for subject, obj in list(graph.subject_objects(SH.property)):
        if (obj, None, None) not in graph:
            graph.remove((subject, SH.property, obj))
    return graph


def violations(data: Graph, shapes: Graph) -> collections.Counter:
    """Top-level sh:Violation results, counted by (path, message)."""
    pyshacl = pytest.importorskip("pyshacl")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                advanced=True)
    found: collections.Counter = collections.Counter()
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found[(str(report.value(result, SH.resultPath)),
                   str(report.value(result, SH.resultMessage)))] += 1
    return found


DCAT_AP_SHAPES = {
    "dcat-ap-3.0.1 (shacl/dcat-ap-SHACL.ttl)": ["3.0.1__shacl__dcat-ap-SHACL.ttl"],
    "dcat-ap-3.0.1 (html shapes + range)": ["3.0.1__html__shacl__shapes.ttl",
                                            "3.0.1__html__shacl__range.ttl"],
}
HVD_SHAPES = {
    "dcat-ap-hvd-3.0.0 (shacl/hvd-SHACL.ttl)": ["3.0.0-hvd__shacl__hvd-SHACL.ttl"],
    "dcat-ap-hvd-3.0.0 (html full)": ["3.0.0-hvd__html__hvd-SHACL-full.ttl"],
}


@requires_shapes
@pytest.mark.parametrize("label", list(DCAT_AP_SHAPES))
def test_catalogue_of_every_type_has_no_dcat_ap_violation(label):
    data = _graph([sample_dataset(t, i) for i, t in enumerate(ALL_TYPES)])

    assert violations(data, _shapes(*DCAT_AP_SHAPES[label])) == collections.Counter()


@requires_shapes
@pytest.mark.parametrize("label", list(HVD_SHAPES))
def test_catalogue_of_hvd_types_has_no_hvd_violation(label):
    data = _graph([sample_dataset(t, i) for i, t in enumerate(EU_HVD_TYPES)])

    assert violations(data, _shapes(*HVD_SHAPES[label])) == collections.Counter()


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("scheming.dataset_schemas", " ".join(
    ["ckanext.opengov:schemas/dataset.yaml", *standards.schema_urls()]))
@pytest.mark.ckan_config("scheming.presets",
                         "ckanext.scheming:presets.json ckanext.opengov:schemas/presets.json")
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("dataset_type", ["hvd_budget", "hvd_public_washrooms"])
def test_round_trip_with_the_loaded_scheming_schema(dataset_type):
    """With scheming loaded the profile finds the coded fields through ``vocabulary:``."""
    original = sample_dataset(dataset_type)
    turtle = RDFSerializer(profiles=[PROFILE]).serialize_dataset(original, _format="turtle")
    parser = RDFParser(profiles=[PROFILE], dataset_type=dataset_type)
    parser.parse(turtle, _format="turtle")
    parsed = next(iter(parser.datasets()))

    for field in SUITE_FIELDS:
        if field in original:
            assert _normalised(parsed.get(field)) == _normalised(original[field]), field
