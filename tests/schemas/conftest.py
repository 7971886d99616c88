"""Fixtures of the bilingual schema tests.

The tests run CKAN's real search layer: ``opengov_pgsearch`` (listed first in ``PLUGINS``)
answers it from PostgreSQL. Its tables are re-created after CKAN's ``clean_db`` and emptied
by ``clean_index`` (tests/conftest.py); a test that
inspects what was indexed queries it through :func:`index_hits`.
"""
from __future__ import annotations

from typing import Any

import pytest

PLUGINS = "opengov_pgsearch opengov_schemas scheming_datasets scheming_organizations"


def index_hits(dataset_id: str, q: str) -> int:
    """Documents of one dataset that ``q`` matches, asked through CKAN's search connection.

    The per-language fields are indexed but not stored (as in the Solr schema addition),
    so what was indexed is checked by querying it.
    """
    from ckan.lib.search.common import make_connection

    found = make_connection().search(q=q, fq=f'+id:"{dataset_id}"', fl="id", rows=1)
    return int(found.hits)


class JobQueue:
    """CKAN's default job queue (the Redis of CKAN_REDIS_URL) with an in-process rq worker."""

    def __init__(self) -> None:
        from ckan.lib import jobs

        self.queue = jobs.get_queue()

    def job_ids(self) -> list[str]:
        return list(self.queue.job_ids)

    def run(self) -> int:
        """Work off every queued job in burst mode (rq's SimpleWorker: no fork, this
        process's CKAN); :returns: how many failed."""
        import rq

        failed_before = self.queue.failed_job_registry.count
        rq.SimpleWorker([self.queue], connection=self.queue.connection).work(burst=True)
        return self.queue.failed_job_registry.count - failed_before


@pytest.fixture
def job_queue() -> Any:
    """An emptied job queue; ``job_queue.run()`` runs its jobs as ``ckan jobs worker --burst``
    would, in this process."""
    queue = JobQueue()
    queue.queue.empty()
    yield queue
    queue.queue.empty()


@pytest.fixture
def sysadmin_context() -> dict[str, Any]:
    from ckan.tests import factories

    user = factories.Sysadmin()
    return {"user": user["name"], "ignore_auth": True}


# The shared browser fixtures (a `ckan run` server, headless Chromium, screenshots) live in
# tests/browser/conftest.py; tests/ is on sys.path as the root of both test packages.
from browser.conftest import (  # noqa: E402,F401
    chromium_paths,
    ckan_server,
    driver,
    screenshot,
)
