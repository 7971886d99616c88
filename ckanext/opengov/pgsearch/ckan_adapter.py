"""The one place that patches CKAN internals, guarded by a CKAN version check.

CKAN 2.11 and 2.12 build their Solr client in ``ckan.lib.search.common.make_connection``
and import it by name into ``ckan.lib.search``, ``.index`` and ``.query`` (and some
extensions do the same), so each of those module attributes is replaced. The Solr
schema version check, which would fetch ``<solr_url>/schema`` at startup, becomes a
check that the engine's own schema files load.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

SUPPORTED_CKAN_VERSIONS = ("2.11", "2.12")


class UnsupportedCkanVersion(RuntimeError):
    pass


def check_ckan_version(version: str | None = None) -> None:
    if version is None:
        import ckan

        version = ckan.__version__
    if ".".join(version.split(".")[:2]) not in SUPPORTED_CKAN_VERSIONS:
        raise UnsupportedCkanVersion(
            f"opengov_pgsearch supports CKAN {' and '.join(SUPPORTED_CKAN_VERSIONS)} "
            f"(2.11.x, 2.12.x); this is CKAN {version}. Disable the plugin or install a "
            "supported CKAN version."
        )


def check_search_schema(schema_file: Any = None) -> bool:
    """Replacement for ``check_solr_schema_version``: no Solr to ask, and no warning.

    Loading the schema here makes an unsupported analyzer chain a startup error.
    """
    from .schema import get_schema

    get_schema()
    return True


_originals: dict[str, Any] = {}


def install() -> None:
    """Point CKAN's search layer at PostgreSQL; idempotent."""
    check_ckan_version()
    import ckan.lib.search as search
    from ckan.lib.search import common, index, query

    from .connection import make_connection

    original = _originals.setdefault("make_connection", common.make_connection)
    _originals.setdefault("check_solr_schema_version", search.check_solr_schema_version)
    for module in (common, index, query, search):
        module.make_connection = make_connection  # type: ignore[attr-defined]
    # Extensions imported before us may hold the original by name.
    _swap_everywhere("make_connection", original, make_connection)
    search.check_solr_schema_version = check_search_schema  # type: ignore[assignment]


def uninstall() -> None:
    """Give CKAN its Solr client back; idempotent.

    Not tied to unloading the plugin: CKAN's test runner unloads every plugin before the
    tests start, and a test run on ``opengov_pgsearch`` keeps it as the backend throughout.
    A test that wants Solr in the same process (the conformance suite's Solr mode) calls this.
    """
    if "make_connection" not in _originals:
        return
    import ckan.lib.search as search

    from .connection import make_connection

    _swap_everywhere("make_connection", make_connection, _originals.pop("make_connection"))
    search.check_solr_schema_version = _originals.pop(  # type: ignore[assignment]
        "check_solr_schema_version")


def _swap_everywhere(name: str, old: Any, new: Any) -> None:
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(__package__ + "."):
            continue  # the engine's own definitions stay what they are
        try:
            if getattr(module, name, None) is old:
                setattr(module, name, new)
        except Exception:  # noqa: S112 - exotic modules may refuse getattr
            continue

