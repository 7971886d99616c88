"""High-value dataset types: composed schemas, bilingual standards, package_create/show."""
from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.opengov.metadata import standards

from .conftest import PLUGINS

TYPES = list(standards.hvd_types())
TABLE_TYPES = [t for t in TYPES if isinstance(standards.hvd_types()[t]["standard"], str)]
TABLE_SCHEMA_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "year"}
HVD_SCHEMAS = " ".join(["ckanext.opengov:schemas/dataset.yaml", *standards.schema_urls()])
PRESETS = "ckanext.scheming:presets.json ckanext.opengov:schemas/presets.json"


def _bilingual(value: Any) -> bool:
    return isinstance(value, dict) and bool(value.get("en")) and bool(value.get("fr"))


def _load(dataset_type: str) -> dict[str, Any]:
    with (standards.SCHEMAS_DIR / f"{dataset_type}.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_at_least_six_types_each_with_a_standard():
    assert len(TYPES) >= 6
    for spec in standards.hvd_types().values():
        assert spec["standard"] and spec["conforms_to"]
        assert _bilingual(spec["label"]) and _bilingual(spec["about"])
        category = spec.get("hvd_category")
        assert category is None or category in standards.hvd_catalogue()["hvd_categories"]


def test_generated_schemas_are_up_to_date():
    stale = standards.build_schemas(check=True)
    assert stale == [], (
        "run: python -m ckanext.opengov.metadata.standards build-schemas")


@pytest.mark.parametrize("dataset_type", TYPES)
def test_type_reuses_every_base_field(dataset_type):
    with standards.BASE_SCHEMA_FILE.open(encoding="utf-8") as f:
        base = yaml.safe_load(f)
    schema = _load(dataset_type)

    assert schema["dataset_type"] == dataset_type
    names = [f["field_name"] for f in schema["dataset_fields"]]
    assert names[: len(base["dataset_fields"])] == [f["field_name"]
                                                    for f in base["dataset_fields"]]
    assert schema["dataset_fields"][: len(base["dataset_fields"])] == base["dataset_fields"]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("dataset_type", TYPES)
def test_type_fields_are_bilingual(dataset_type):
    spec = standards.hvd_types()[dataset_type]
    schema = _load(dataset_type)
    own = {f["field_name"] for f in spec["dataset_fields"]} | {
        "hvd_standard", "hvd_category", "applicable_legislation"}
    for field in schema["dataset_fields"] + schema["resource_fields"]:
        if field["field_name"] not in own and field["field_name"] != standards.CHECK_FIELD:
            continue
        assert _bilingual(field["label"]), field["field_name"]
        if "help_text" in field:
            assert _bilingual(field["help_text"]), field["field_name"]
        for choice in field.get("choices", []):
            assert _bilingual(choice["label"]), (field["field_name"], choice["value"])


@pytest.mark.parametrize("name", standards.standard_names())
def test_table_schema_is_bilingual_and_well_formed(name):
    schema = standards.load_standard(name)
    assert schema["name"] == name
    assert _bilingual(schema["title"]) and _bilingual(schema["description"])
    names = [f["name"] for f in schema["fields"]]
    assert len(names) == len(set(names))
    assert any((f.get("constraints") or {}).get("required") for f in schema["fields"])
    for field in schema["fields"]:
        assert field["type"] in TABLE_SCHEMA_TYPES, field["name"]
        assert _bilingual(field["title"]) and _bilingual(field["description"]), field["name"]
        pattern = (field.get("constraints") or {}).get("pattern")
        if pattern:
            re.compile(pattern)


def test_every_table_type_points_to_an_existing_standard():
    for dataset_type in TABLE_TYPES:
        assert standards.standard_for_type(dataset_type) is not None
    gtfs = standards.hvd_types()["hvd_transit_gtfs"]["standard"]
    assert gtfs["external"] == "gtfs" and "stops.txt" in gtfs["required_files"]


def test_compose_replaces_same_named_base_field_in_place():
    base = {"dataset_type": "dataset", "dataset_fields": [
        {"field_name": "title"}, {"field_name": "hvd_standard", "label": "old"},
        {"field_name": "notes"}], "resource_fields": [{"field_name": "url"}]}
    schema = standards.compose_hvd_schema(base, "hvd_budget")

    names = [f["field_name"] for f in schema["dataset_fields"]]
    assert names[:3] == ["title", "hvd_standard", "notes"]
    assert schema["dataset_fields"][1]["preset"] == "multiple_checkbox"
    assert [f["field_name"] for f in schema["resource_fields"]] == ["url", "standard_check"]
    assert base["dataset_fields"][1] == {"field_name": "hvd_standard", "label": "old"}


# --------------------------------------------------------------------------- through CKAN


def hvd_dataset(org_id: str, dataset_type: str) -> dict[str, Any]:
    spec = standards.hvd_types()[dataset_type]
    data: dict[str, Any] = {
        "type": dataset_type,
        "owner_org": org_id,
        "title_translated": {"en": f"{spec['label']['en']} 2025",
                             "fr": f"{spec['label']['fr']} 2025"},
        "notes_translated": {"en": spec["about"]["en"], "fr": spec["about"]["fr"]},
        "keywords": {"en": ["open data"], "fr": ["données ouvertes"]},
        "jurisdiction": "municipal",
        "subject": ["government_and_politics"],
        "geographic_region": ["35"],
        "frequency": "P1M",
        "date_published": "2025-01-15",
        "license_id": "ca-ogl-lgo",
        "restrictions": "unrestricted",
        "maintainer_email": "opendata@example.ca",
        "hvd_standard": list(spec["conforms_to"]),
        "resources": [{
            "url": "https://example.ca/data.csv",
            "name_translated": {"en": "Data", "fr": "Données"},
            "resource_type": "dataset",
            "format": "csv",
            "language": ["en", "fr"],
        }],
    }
    if spec.get("hvd_category"):
        data["hvd_category"] = [spec["hvd_category"]]
        data["applicable_legislation"] = [standards.hvd_catalogue()["hvd_regulation"]["uri"]]
    return data


@pytest.fixture
def org() -> dict[str, Any]:
    return factories.Organization(
        title_translated={"en": "City of Ottawa", "fr": "Ville d'Ottawa"})


def _create(data: dict[str, Any]) -> dict[str, Any]:
    user = factories.Sysadmin()
    return call_action("package_create", {"user": user["name"]}, **data)




@pytest.mark.parametrize("dataset_type", TYPES)
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS)
@pytest.mark.ckan_config("scheming.presets", PRESETS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_create_and_show_every_type(org, dataset_type):
    pkg = _create(hvd_dataset(org["id"], dataset_type))
    shown = call_action("package_show", id=pkg["id"])

    assert shown["type"] == dataset_type
    spec = standards.hvd_types()[dataset_type]
    assert shown["hvd_standard"] == spec["conforms_to"]
    if spec.get("hvd_category"):
        assert shown["hvd_category"] == [spec["hvd_category"]]
    schema = call_action("scheming_dataset_schema_show", type=dataset_type)
    assert schema["dataset_type"] == dataset_type


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.ckan_config("scheming.dataset_schemas", HVD_SCHEMAS)
@pytest.mark.ckan_config("scheming.presets", PRESETS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_hvd_fields_are_required_and_controlled(org):
    data = hvd_dataset(org["id"], "hvd_address_points")
    bad = copy.deepcopy(data)
    del bad["hvd_category"]
    bad["hvd_standard"] = ["https://example.com/my-standard"]
    with pytest.raises(tk.ValidationError) as e:
        _create(bad)
    assert set(e.value.error_dict) >= {"hvd_category", "hvd_standard"}
