"""The demo's replayed portals: content files, their harvest sources, and an in-process harvest.

Each ``*.yaml`` file here is one remote portal written for the demo (a bilingual federal
CKAN, a French-only municipal CKAN, a Socrata, an ArcGIS Hub and an OpenDataSoft portal).
:mod:`ckanext.opengov.federation.replay` serves them in their platforms' real API formats;
:func:`harvest` creates the jurisdiction organizations (from the bundled registry) and one
harvest source per portal, then runs each source's gather, fetch and import in this process,
as ``ckan harvester run-test`` does, without queues or consumers.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import yaml
from ckan import model

from ckanext.opengov.federation.replay import ReplayPortal, ReplayServer

log = logging.getLogger(__name__)

PORTALS_DIR = os.path.dirname(__file__)
DEFAULT_PORT = 5001
DEFAULT_BASE_URL = f"http://127.0.0.1:{DEFAULT_PORT}"
SOURCE_PREFIX = "demo-"
_PORTAL_KEYS = {"prefix", "platform", "jurisdiction", "title", "language", "domain",
                "publisher", "licence", "records"}


@dataclasses.dataclass
class DemoPortal:
    """A content file: the replayed portal and the registry jurisdiction it belongs to."""

    portal: ReplayPortal
    jurisdiction: str


def load_portals(directory: str = PORTALS_DIR) -> list[DemoPortal]:
    """Every portal content file of ``directory``, in file name order."""
    portals = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            data = yaml.safe_load(f)
        unknown = set(data) - _PORTAL_KEYS
        if unknown:
            raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
        portals.append(DemoPortal(
            portal=ReplayPortal(
                prefix=data["prefix"], platform=data["platform"], title=data.get("title", ""),
                language=data.get("language", "en"), domain=data.get("domain"),
                publisher=data.get("publisher", ""), licence=data.get("licence"),
                records=list(data.get("records") or []),
            ),
            jurisdiction=data["jurisdiction"],
        ))
    return portals


def server(portals: list[DemoPortal], base_url: str = DEFAULT_BASE_URL) -> ReplayServer:
    """A (not yet started) replay server for ``portals`` on the host and port of ``base_url``."""
    parts = urlsplit(base_url)
    return ReplayServer([p.portal for p in portals], host=parts.hostname or "127.0.0.1",
                        port=parts.port if parts.port is not None else DEFAULT_PORT)


def listening(base_url: str) -> bool:
    parts = urlsplit(base_url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80),
                                      timeout=1):
            return True
    except OSError:
        return False


def source_name(portal: DemoPortal) -> str:
    return f"{SOURCE_PREFIX}{portal.portal.prefix}"


def source_config(portal: DemoPortal) -> dict[str, Any]:
    from ckanext.opengov.federation.registry import registry

    jurisdiction = next(j for j in registry() if j.id == portal.jurisdiction)
    licence = next((s.licence for s in jurisdiction.sources), None)
    options = {"domain": portal.portal.domain} if portal.portal.domain else {}
    return {"platform": portal.portal.platform, "content_language": portal.portal.language,
            "rate_limit": 10, "options": options, "source_name": jurisdiction.id,
            "jurisdiction": jurisdiction.level, "default_licence": licence}


def _context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"model": model, "session": model.Session, "ignore_auth": True, "user": user}


def ensure_organization(jurisdiction_id: str) -> tuple[dict[str, Any], bool]:
    """The jurisdiction's organization, created from the registry when missing."""
    from ckanext.opengov.federation.registry import registry

    try:
        return tk.get_action("organization_show")(_context(), {"id": jurisdiction_id}), False
    except tk.ObjectNotFound:
        pass
    j = next(j for j in registry() if j.id == jurisdiction_id)
    return tk.get_action("organization_create")(_context(), {
        "name": j.id, "title": j.title["en"], "title_translated": j.title,
        "level_of_government": j.level, "province": j.province,
        "sgc_code": j.sgc_code or "", "portal_url": j.portal_url,
    }), True


def ensure_source(portal: DemoPortal, base_url: str, org_id: str
                  ) -> tuple[dict[str, Any], bool]:
    """The portal's harvest source, created or pointed at ``base_url``; never scheduled."""
    from ckanext.opengov.federation.harvester import FederationHarvester

    url = f"{base_url.rstrip('/')}/{portal.portal.prefix}"
    # As the harvester stores it (every key written out), so an unchanged one compares equal.
    config = FederationHarvester().validate_config(json.dumps(source_config(portal)))
    title = portal.portal.title
    wanted = {
        "name": source_name(portal),
        "title": title.get("en") if isinstance(title, dict) else str(title),
        "url": url, "source_type": "opengov_federation", "owner_org": org_id,
        "config": config, "frequency": "MANUAL",
    }
    try:
        source = tk.get_action("harvest_source_show")(_context(), {"id": source_name(portal)})
    except tk.ObjectNotFound:
        return tk.get_action("harvest_source_create")(_context(), wanted), True
    if source["url"] != url or json.loads(source.get("config") or "{}") != json.loads(config):
        source = tk.get_action("harvest_source_update")(_context(), {"id": source["id"],
                                                                     **wanted})
    return source, False


def run_source(source_id: str) -> tuple[dict[str, int], list[str]]:
    """Gather, fetch and import one source now, in this process: the job's counts and its
    gather errors."""
    from ckanext.harvest import queue
    from ckanext.harvest.logic import HarvestJobExists
    from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject
    from ckanext.opengov.federation.harvester import job_counts

    context = _context()
    source = tk.get_action("harvest_source_show")(context, {"id": source_id})
    harvester = queue.get_harvester(source["source_type"])
    if harvester is None:
        raise RuntimeError(tk._("The harvest and opengov_federation plugins must be enabled"))
    try:
        job = tk.get_action("harvest_job_create")(context, {"source_id": source["id"],
                                                            "run": False})
    except HarvestJobExists:
        # A job left behind by an interrupted run: closed, so this run starts afresh.
        tk.get_action("harvest_job_abort")(_context(), {"source_id": source["id"]})
        job = tk.get_action("harvest_job_create")(_context(), {"source_id": source["id"],
                                                               "run": False})
    job_obj = HarvestJob.get(job["id"])
    job_obj.status = "Running"
    job_obj.save()
    object_ids = queue.gather_stage(harvester, job_obj)
    for object_id in object_ids if isinstance(object_ids, list) else []:
        obj = HarvestObject.get(object_id)
        if obj is not None:
            queue.fetch_and_import_stages(harvester, obj)
    tk.get_action("harvest_jobs_run")(_context(), {"source_id": source["id"]})
    model.Session.remove()
    errors = [e.message for e in model.Session.query(HarvestGatherError)
              .filter(HarvestGatherError.harvest_job_id == job["id"])]
    return job_counts(job["id"]), errors


def _allow_host(base_url: str) -> None:
    """Let the harvester reach the replay server, which is usually on loopback.

    Only for this process: the site's guard against private addresses stays as configured.
    """
    host = urlsplit(base_url).hostname or ""
    key = "ckanext.opengov.http.allowed_hosts"
    current = tk.config.get(key) or []
    hosts = current.split() if isinstance(current, str) else list(current)
    if host not in hosts:
        tk.config[key] = " ".join([*hosts, host])


@dataclasses.dataclass
class SourceRun:
    portal: DemoPortal
    source: dict[str, Any]
    created: bool
    counts: dict[str, int]
    gather_errors: list[str]


def harvest(base_url: str = DEFAULT_BASE_URL, *, only: tuple[str, ...] = (),
            echo: Callable[[str], None] = log.info) -> list[SourceRun]:
    """Organizations, sources and a synchronous harvest of every demo portal.

    Starts a replay server in a thread when nothing listens at ``base_url``. Safe to run
    again: existing organizations and sources are reused and unchanged records skipped.
    """
    portals = [p for p in load_portals() if not only or p.portal.prefix in only]
    _allow_host(base_url)
    replay = None
    if not listening(base_url):
        replay = server(portals if not only else load_portals(), base_url).start()
        echo(tk._("Replaying the demo portals at %s") % replay.url)
    runs = []
    try:
        for portal in portals:
            org, _ = ensure_organization(portal.jurisdiction)
            source, created = ensure_source(portal, base_url, org["id"])
            counts, errors = run_source(source["id"])
            runs.append(SourceRun(portal, source, created, counts, errors))
    finally:
        if replay is not None:
            replay.stop()
    return runs
