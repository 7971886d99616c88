"""Background jobs on CKAN's job queue (``ckan jobs worker``): link checks and SHACL validation.

A dataset save only enqueues (:func:`enqueue_dataset`, from ``after_dataset_create/update``):
pages never wait for a remote server. The worker then checks the dataset's URLs in batches
(:func:`check_links_job`), validates its DCAT output (:func:`shacl_job`), stores the results
(results.py) and re-indexes the dataset, so its Charter score reflects them.
``ckan opengov charter recheck-links`` (:func:`recheck`) enqueues datasets whose link results
are older than ``ckanext.opengov.charter.linkcheck.max_age`` days, or never checked.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opengov.charter import linkcheck, results, shacl

log = logging.getLogger(__name__)

_PREFIX = "ckanext.opengov.charter.linkcheck."
#: the link checks of the checks.py indicators read at most this many URLs per dataset
MAX_URLS = 2000


def _cfg(name: str) -> Any:
    return tk.config.get(_PREFIX + name)


def enabled() -> bool:
    return bool(_cfg("enabled"))


def _job_timeout(urls: int) -> int:
    s = linkcheck.settings_from_config()
    per_url = 2 * (s.max_retries + 1) * (s.connect_timeout + s.read_timeout) + s.max_total_wait
    return int(min(max(60, urls * per_url / 4 + 60), 6 * 3600))


def _dataset(package_id: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
    except tk.ObjectNotFound:
        return None


def enqueue_dataset(package_id: str, *, force: bool = False) -> list[str]:
    """Enqueue the link checks and SHACL validation of one dataset; returns the job ids.

    Without ``force`` only URLs never checked are checked (a save that does not change a URL
    costs nothing); the schedule (:func:`recheck`) re-checks old results. Never raises: a
    dataset save must not fail because Redis is away.
    """
    ids: list[str] = []
    try:
        if enabled():
            job = tk.enqueue_job(check_links_job, [package_id], {"force": force},
                                 title=f"opengov charter: link check of {package_id}",
                                 rq_kwargs={"timeout": _job_timeout(_batch_size())})
            ids.append(job.id)
        if shacl.configured_shapes():
            job = tk.enqueue_job(shacl_job, [package_id],
                                 title=f"opengov charter: DCAT-AP validation of {package_id}")
            ids.append(job.id)
    except Exception:
        log.warning("cannot enqueue the charter checks of dataset %s", package_id, exc_info=True)
    return ids


def _batch_size() -> int:
    return max(1, int(_cfg("batch_size") or 50))


def _reindex(package_id: str) -> None:
    from ckan.lib.search import rebuild

    try:
        rebuild(package_id)
    except Exception:
        log.exception("re-indexing dataset %s after its charter checks failed", package_id)


def urls_to_check(dataset: dict[str, Any], force: bool, older_than: dt.datetime | None
                  ) -> list[str]:
    from ckanext.opengov.charter.checks import link_urls

    urls = link_urls(dataset)[:MAX_URLS]
    if force:
        return urls
    stored = results.link_results(urls)
    return [u for u in urls if u not in stored or (
        older_than is not None and dt.datetime.fromisoformat(stored[u]["checked"]) < older_than)]


def check_links_job(package_id: str, force: bool = False, max_age_days: float | None = None,
                    urls: list[str] | None = None, batch_all: bool = False) -> dict[str, Any]:
    """Job: check the dataset's URLs (the first batch here, the rest in follow-up jobs, unless
    ``batch_all``: everything here, as the CLI's ``--now`` does)."""
    if not results.available():
        log.warning("charter link check of %s skipped: run `ckan db upgrade -p opengov_charter`",
                    package_id)
        return {"checked": 0}
    if urls is None:
        dataset = _dataset(package_id)
        if dataset is None:
            return {"checked": 0}
        cutoff = (results.now() - dt.timedelta(days=max_age_days)) if max_age_days else None
        urls = urls_to_check(dataset, force, cutoff)
    size = len(urls) if batch_all else _batch_size()
    batch, rest = urls[:size], urls[size:]
    if rest:
        # one job per batch: a dataset with thousands of resources never outlives a job timeout
        tk.enqueue_job(check_links_job, [package_id], {"urls": rest},
                       title=f"opengov charter: link check of {package_id} ({len(rest)} left)",
                       rq_kwargs={"timeout": _job_timeout(min(len(rest), _batch_size()))})
    checked = check_urls(batch, package_id)
    if batch:
        _reindex(package_id)
    return {"checked": checked, "left": len(rest)}


def check_urls(urls: Iterable[str], package_id: str | None) -> int:
    """Check and store ``urls`` now (in this process)."""
    throttle = None
    try:
        from ckan.lib.redis import connect_to_redis

        throttle = linkcheck.RedisThrottle(connect_to_redis())
    except Exception:
        log.warning("link checks paced per process only: Redis unavailable", exc_info=True)
    count = 0
    client = linkcheck.LinkClient(linkcheck.settings_from_config(), throttle)
    try:
        for url in urls:
            results.save_link(linkcheck.check_url(url, client), package_id)
            count += 1
    finally:
        client.close()
    return count


def shacl_job(package_id: str) -> dict[str, Any]:
    """Job: validate the dataset's DCAT output, cache the result, re-index the dataset."""
    paths = shacl.configured_shapes()
    if not paths or not results.available():
        return {"validated": False}
    dataset = _dataset(package_id)
    if dataset is None:
        return {"validated": False}
    stored = results.shacl_result(package_id)
    fp = shacl.fingerprint(paths)
    if stored and stored["shapes"] == fp and not stored["error"] \
            and stored["dataset_modified"] == dataset.get("metadata_modified"):
        return {"validated": False, "cached": True}
    result = shacl.validate(dataset, paths)
    results.save_shacl(package_id, result)
    _reindex(package_id)
    return {"validated": True, "conforms": result["conforms"],
            "violations": result["violations"]}


def recheck(max_age_days: float | None = None, limit: int | None = None) -> list[str]:
    """Enqueue link checks of datasets with results older than ``max_age_days`` (default:
    ``linkcheck.max_age``) or URLs never checked; returns the dataset ids, oldest first."""
    age = float(max_age_days if max_age_days is not None else (_cfg("max_age") or 7))
    cutoff = results.now() - dt.timedelta(days=age)
    todo = results.stale_packages(cutoff, int(limit if limit is not None
                                              else (_cfg("recheck_limit") or 1000)))
    for package_id in todo:
        tk.enqueue_job(check_links_job, [package_id], {"max_age_days": age},
                       title=f"opengov charter: link re-check of {package_id}",
                       rq_kwargs={"timeout": _job_timeout(_batch_size())})
    urls = organization_urls_due(cutoff)
    for start in range(0, len(urls), _batch_size()):
        batch = urls[start:start + _batch_size()]
        tk.enqueue_job(check_urls_job, [batch],
                       title=f"opengov charter: link check of {len(batch)} jurisdiction URLs",
                       rq_kwargs={"timeout": _job_timeout(len(batch))})
    return todo


def organization_urls_due(cutoff: dt.datetime) -> list[str]:
    """Declared URLs of organizations (inventory, policy, portal) never checked or older than
    ``cutoff``: the "verified" evidence of the jurisdiction indicators."""
    from ckanext.opengov.charter.publisher import organization_urls

    orgs = tk.get_action("organization_list")(
        {"ignore_auth": True}, {"all_fields": True, "include_extras": True, "limit": 1000})
    urls = list(dict.fromkeys(u for org in orgs for u in organization_urls(org)))
    stored = results.link_results(urls)
    return [u for u in urls if u not in stored
            or dt.datetime.fromisoformat(stored[u]["checked"]) < cutoff]


def check_urls_job(urls: list[str]) -> dict[str, Any]:
    """Job: check URLs that belong to no dataset (the organizations' declared URLs)."""
    if not results.available():
        return {"checked": 0}
    return {"checked": check_urls(urls, None)}


_PENDING = "opengov_charter_pending_checks"


def enqueue_after_commit(pkg_dict: dict[str, Any]) -> None:
    """Enqueue the dataset's checks once the transaction that saved it commits (so the worker
    reads the saved dataset, not the one before); the save itself never waits."""
    from ckan import model
    from sqlalchemy import event

    package_id = pkg_dict.get("id")
    if not isinstance(package_id, str) or pkg_dict.get("state") == "deleted":
        return
    session = model.Session()
    pending: set[str] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        event.listen(session, "after_commit", _enqueue_pending, once=True)
    pending.add(package_id)


def _enqueue_pending(session: Any) -> None:
    for package_id in sorted(session.info.pop(_PENDING, None) or ()):
        enqueue_dataset(package_id)


_PENDING_URLS = "opengov_charter_pending_org_urls"


def enqueue_organization_after_commit(entity: Any) -> None:
    """Queue checks of an organization's declared URLs (inventory, policy, portal) not checked
    yet, once its save commits: the "verified" evidence of the jurisdiction indicators."""
    from ckan import model
    from sqlalchemy import event

    from ckanext.opengov.charter.publisher import organization_urls

    if not isinstance(entity, model.Group) or not entity.is_organization or not enabled():
        return
    try:
        urls = organization_urls(dict(entity.extras or {}))
    except Exception:  # odd extras must never stop an organization save
        log.warning("declared URLs of organization %s unreadable", entity.id, exc_info=True)
        return
    if not urls:
        return
    session = model.Session()
    pending: list[str] | None = session.info.get(_PENDING_URLS)
    if pending is None:
        pending = session.info[_PENDING_URLS] = []
        event.listen(session, "after_commit", _enqueue_pending_urls, once=True)
    pending.extend(urls)


def _enqueue_pending_urls(session: Any) -> None:
    urls = list(dict.fromkeys(session.info.pop(_PENDING_URLS, None) or ()))
    try:
        stored = results.link_results(urls)
        todo = [u for u in urls if u not in stored]
        if todo:
            tk.enqueue_job(check_urls_job, [todo],
                           title=f"opengov charter: link check of {len(todo)} jurisdiction URLs",
                           rq_kwargs={"timeout": _job_timeout(len(todo))})
    except Exception:
        log.warning("cannot enqueue the checks of jurisdiction URLs", exc_info=True)
