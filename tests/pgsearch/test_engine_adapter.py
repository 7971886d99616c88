"""The CKAN adapter: version guard, the connection seam, no Solr at startup."""
from __future__ import annotations

import logging

import ckan.lib.search as search
import pytest
from ckan.lib.search import common, index, query

from ckanext.opengov.pgsearch import ckan_adapter
from ckanext.opengov.pgsearch.connection import PgSolrConnection


@pytest.mark.parametrize("version", ["2.11.0", "2.11.6", "2.12.0", "2.12.3"])
def test_supported_versions(version: str) -> None:
    ckan_adapter.check_ckan_version(version)


@pytest.mark.parametrize("version", ["2.10.5", "2.13.0", "3.0.0"])
def test_unsupported_versions_fail_clearly(version: str) -> None:
    with pytest.raises(ckan_adapter.UnsupportedCkanVersion) as info:
        ckan_adapter.check_ckan_version(version)
    assert "2.11" in str(info.value) and "2.12" in str(info.value) and version in str(info.value)


@pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch")
@pytest.mark.usefixtures("with_plugins")
def test_every_seam_is_answered_from_postgresql(caplog: pytest.LogCaptureFixture) -> None:
    for module in (common, index, query, search):
        assert isinstance(module.make_connection(), PgSolrConnection)
    assert isinstance(query.make_connection(decode_dates=False), PgSolrConnection)
    with caplog.at_level(logging.WARNING):
        assert search.check_solr_schema_version() is True
    assert not [r for r in caplog.records if "solr" in r.getMessage().lower()]


@pytest.mark.ckan_config("ckanext.opengov.pgsearch.url",
                         "postgresql://search:secret@db.example/ckan_search")
def test_the_search_database_can_be_another_one() -> None:
    from ckanext.opengov.pgsearch import db

    assert db.database_url() == "postgresql://search:secret@db.example/ckan_search"


def test_the_search_database_defaults_to_ckans() -> None:
    from ckan.common import config

    from ckanext.opengov.pgsearch import db

    assert db.database_url() == config["sqlalchemy.url"]


def test_uninstall_gives_solr_back_and_install_again_restores() -> None:
    ckan_adapter.install()
    try:
        ckan_adapter.uninstall()
        for module in (common, index, query, search):
            assert "pgsearch" not in module.make_connection.__module__
        assert search.check_solr_schema_version is not ckan_adapter.check_search_schema
        ckan_adapter.uninstall()  # idempotent
    finally:
        ckan_adapter.install()
    for module in (common, index, query, search):
        assert "pgsearch" in module.make_connection.__module__
    assert search.check_solr_schema_version is ckan_adapter.check_search_schema
