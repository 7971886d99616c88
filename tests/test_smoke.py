import pytest

from ckan.tests import helpers


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_status_show():
    assert helpers.call_action("status_show")["ckan_version"]
