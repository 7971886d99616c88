"""The suite's templates rank above those of the extensions they override (scheming, harvest)."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.common import config

from ckanext.opengov.config import TEMPLATES

README_ORDER = ("opengov_pgsearch opengov_schemas scheming_datasets scheming_organizations "
                "dcat harvest opengov_federation opengov_charter")


@pytest.mark.ckan_config("ckan.plugins", README_ORDER)
@pytest.mark.usefixtures("with_plugins")
def test_suite_templates_come_before_schemings() -> None:
    paths = config["computed_template_paths"]
    scheming = next(i for i, path in enumerate(paths) if "ckanext/scheming" in path)
    assert paths.index(TEMPLATES) < scheming


@pytest.mark.ckan_config("ckan.plugins", README_ORDER)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_a_suite_template_is_the_one_rendered(app: Any) -> None:
    # templates/scheming/package/read.html is the suite's override of scheming's.
    with app.flask_app.test_request_context():
        template = app.flask_app.jinja_env.get_template("scheming/package/read.html")
    assert template.filename.startswith(TEMPLATES), template.filename


@pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch harvest opengov_federation")
@pytest.mark.usefixtures("with_plugins")
def test_harvest_listed_first_still_ranks_below() -> None:
    paths = config["computed_template_paths"]
    harvest = next(i for i, path in enumerate(paths) if "ckanext/harvest" in path)
    assert paths.index(TEMPLATES) < harvest
