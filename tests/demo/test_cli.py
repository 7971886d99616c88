"""`ckan opengov demo load` against a real database and the opengov_pgsearch index."""
from __future__ import annotations

import time

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.opengov.demo import loader


def _load(cli):
    started = time.perf_counter()
    result = cli.invoke(ckan, ["opengov", "demo", "load"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    return result.output, elapsed


@pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch")
@pytest.mark.usefixtures("with_plugins", "with_extended_cli", "clean_db", "clean_index")
def test_load_creates_everything_then_leaves_it_alone(cli):
    catalogue = loader.read_catalogue()
    output, first = _load(cli)
    assert "Created sysadmin 'admin'" in output
    assert f"Datasets: {len(catalogue['datasets'])} created, 0 already present" in output

    admin = model.User.by_name("admin")
    assert admin.sysadmin and admin.email == "admin@example.org"
    assert admin.validate_password("opengov-demo")
    found = helpers.call_action(
        "package_search", rows=0, **{"facet.field": ["organization", "groups"]}
    )
    assert found["count"] == len(catalogue["datasets"])
    assert len(found["facets"]["organization"]) == 5
    assert len(found["facets"]["groups"]) == 3

    # Existing objects are matched by name and never modified; missing ones come back.
    helpers.call_action("package_patch", id="to-washroom-facilities", title="Edited")
    helpers.call_action("dataset_purge", id="mtl-toilettes-publiques")
    output, again = _load(cli)
    assert "Sysadmin 'admin' already exists" in output
    assert "Organizations: 0 created, 5 already present" in output
    assert f"Datasets: 1 created, {len(catalogue['datasets']) - 1} already present" in output
    assert "Created dataset mtl-toilettes-publiques" in output
    assert helpers.call_action("package_show", id="to-washroom-facilities")["title"] == "Edited"
    print(f"first load {first:.2f}s, re-run {again:.2f}s")
