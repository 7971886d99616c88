"""open.canada.ca records (ckanext-fluent values) load through package_create unchanged.

``dataset`` records go through the base schema; ``info`` and ``doc`` records through
test-only schemas built from the same presets (tests/schemas/data/). The one change made
to a record is ``owner_org``: it points to a local organization created first from the
record's ``organization`` (open.canada.ca's ids are upper-case UUIDs, which CKAN's group
id validator refuses, so the organization cannot keep its id).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import PLUGINS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REALDATA = (PROJECT_ROOT / ".." / "shared" / "realdata" / "ckan_api" / "open.canada.ca").resolve()
DATA = Path(__file__).resolve().parent / "data"
SCHEMAS = " ".join([
    "ckanext.opengov:schemas/dataset.yaml",
    (DATA / "opencanada_info.yaml").as_uri(),
    (DATA / "opencanada_doc.yaml").as_uri(),
])

pytestmark = [
    pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata not available"),
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.dataset_schemas", SCHEMAS),
    pytest.mark.ckan_config("scheming.presets",
                            "ckanext.scheming:presets.json ckanext.opengov:schemas/presets.json"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "app"),
]

FLUENT_FIELDS = ("title_translated", "notes_translated", "keywords", "program_page_url")


def records() -> list[dict[str, Any]]:
    if not REALDATA.is_dir():
        return []
    out = [r["result"] for r in json.loads(
        (REALDATA / "asc-csa__open.canada.ca_package_show_csa-asc_127.json").read_text())]
    with open(REALDATA / "ckanext-canada__obd_sample_2.jsonl", encoding="utf-8") as f:
        out += [json.loads(line) for line in f if line.strip()]
    return out


def _organization(record: dict[str, Any], user: dict[str, Any]) -> str:
    org = record.get("organization") or {}
    name = (org.get("name") or record["owner_org"]).lower()
    en, _sep, fr = (org.get("title") or name).partition(" | ")
    try:
        return call_action("organization_show", id=name)["id"]
    except tk.ObjectNotFound:
        return call_action("organization_create", {"user": user["name"]}, name=name,
                           title_translated={"en": en, "fr": fr or en})["id"]


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if v not in ("", [], None)}
    if isinstance(value, list):
        return [v.strip() if isinstance(v, str) else v for v in value]
    return value


def test_open_canada_records_load_and_round_trip():
    user = factories.Sysadmin()
    loaded = 0
    for record in records():
        owner_org = _organization(record, user)
        created = call_action("package_create", {"user": user["name"]},
                              **{**record, "owner_org": owner_org})
        shown = call_action("package_show", id=created["id"])
        for field in FLUENT_FIELDS:
            if field in record and (record[field] or shown.get(field)):
                assert _normal(shown[field]) == _normal(record[field]), (record["id"], field)
        assert shown["title"] == record["title_translated"]["en"]
        for res, original in zip(shown["resources"], record["resources"], strict=True):
            assert res["name_translated"] == original["name_translated"]
        loaded += 1
    assert loaded == len(records()) > 100
