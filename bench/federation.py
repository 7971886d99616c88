"""federation: harvest throughput against raw package_create, unchanged re-harvest, memory.

Issue 5's targets, against a replayed CKAN portal (ckanext/opengov/federation/replay.py)
of N generated datasets, for each N of ``--fed-sizes``:

* **first harvest** with the real queue: one ``ckan harvester gather-consumer`` and
  ``--fed-consumers`` (2) ``ckan harvester fetch-consumer`` processes on Redis, the job
  created as the web UI does (``harvest_job_create``, onto the gather queue) and closed by
  ``ckan harvester run``. Time: job created -> last record imported. Compared with **raw
  package_create** of the same records in the same run (the same mapped dataset dicts, one
  process, into an equally empty database): ratio = harvest rate / raw rate (target >= 0.8).
* **unchanged re-harvest**: a second job on the same, unchanged portal (an incremental CKAN
  run plus the full id listing that finds deletions); target <= 5 % of the first harvest.
* **peak memory**: the consumers' peak RSS (VmHWM) at each size; target: flat (the largest
  size within 25 % of the smallest).

``--fed-profile`` runs the first fetch consumer under cProfile and writes the top of the
profile to bench/results/federation-profile.txt.
"""
from __future__ import annotations

import argparse
import configparser
import contextlib
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from run import REPO_DIR, RESULTS_DIR, load_ckan, machine_facts, say

PLUGINS = ["opengov_pgsearch", "opengov_schemas", "scheming_datasets", "scheming_organizations",
           "harvest", "opengov_federation"]
CKAN_BIN = Path(sys.executable).with_name("ckan")
PREFIX = "portal"
SOURCE_NAME = "bench-portal"
# redis-py >= 5 gives sockets a 5 s timeout by default, which kills ckanext-harvest 1.6.3's
# idle consumers (ckan/ckanext-harvest#581): the consumers' Redis URL carries a longer one.
CONSUMER_SOCKET_TIMEOUT = 604800
WORDS = ("road", "traffic", "water", "quality", "permits", "parks", "trees", "budget", "census",
         "transit", "schools", "libraries", "waste", "collection", "snow", "clearing", "bridges",
         "inspections", "licences", "elections", "wards", "zoning", "cycling", "air")
THEMES = ("Transportation", "Environment", "Government", "Health", "Economy", "Education")
FREQUENCIES = ("Monthly", "Weekly", "Annually", "Daily", "Quarterly")


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--fed-sizes", default="1000,10000",
                       help="federation: portal sizes (datasets), comma-separated")
    group.add_argument("--fed-consumers", type=int, default=2,
                       help="federation: fetch consumers")
    group.add_argument("--fed-timeout", type=float, default=7200,
                       help="federation: seconds to wait for one harvest job")
    group.add_argument("--fed-profile", action="store_true",
                       help="federation: cProfile the first fetch consumer")
    group.add_argument("--fed-raw-sizes", default=None,
                       help="federation: sizes at which raw package_create is measured too "
                            "(default: every size; 0: none)")


def generated_records(count: int) -> list[dict[str, Any]]:
    """``count`` deterministic English records (record n depends only on n)."""
    records = []
    for n in range(count):
        w = [WORDS[(n * k + k) % len(WORDS)] for k in (1, 3, 7)]
        records.append({
            "id": f"{n:08x}-0000-4000-8000-{n * 7919 % 10**12:012d}",
            "name": f"{w[0]}-{w[1]}-{n}",
            "title": f"{w[0].title()} {w[1]} {w[2]} {n}",
            "description": f"{w[0].title()} {w[1]} data for district {n % 97}, "
                           f"published by the {w[2]} service.",
            "keywords": sorted({w[0], w[1], w[2]}),
            "themes": [THEMES[n % len(THEMES)]],
            "frequency": FREQUENCIES[n % len(FREQUENCIES)],
            "issued": "2020-01-01T00:00:00",
            "modified": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00.000000",
            "contact_email": "open@example.ca",
            "resources": [
                {"name": "Data (CSV)", "format": "CSV", "url": f"files/{n}.csv"},
                {"name": "Data (JSON)", "format": "JSON", "url": f"files/{n}.json"},
            ],
        })
    return records


# ------------------------------------------------------------------------- setup

def _reset() -> None:
    import ckan.lib.search as search
    import ckan.model as model
    from ckanext.harvest import queue

    from ckanext.opengov.federation import duplicates

    model.Session.remove()
    model.Session.execute(sa.text(
        "TRUNCATE harvest_object_extra, harvest_object_error, harvest_gather_error, "
        "harvest_object, harvest_job, harvest_source CASCADE"))
    # The de-duplication table too (created again on first use), or each size would
    # carry the keys of the datasets of the sizes before it.
    model.Session.execute(sa.text(f"DROP TABLE IF EXISTS {duplicates.TABLE}"))
    model.Session.commit()
    model.repo.delete_all()
    search.clear_all()
    queue.purge_queues()


def _write_ini(path: Path, ini: str, redis_url: str) -> None:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ini)
    section = "app:main"
    values = {
        "ckan.plugins": " ".join(PLUGINS),
        "ckan.harvest.mq.type": "redis",
        "ckan.redis.url": redis_url,
        "ckanext.opengov.http.allowed_hosts": "127.0.0.1",
        "ckanext.opengov.http.rate_limit": "0",
    }
    for key, value in values.items():
        parser.set(section, key, value)
    with open(path, "w", encoding="utf-8") as f:
        parser.write(f)


def _org() -> dict[str, Any]:
    from ckan.tests.helpers import call_action

    user = call_action("get_site_user", {"ignore_auth": True})["name"]
    return call_action("organization_create", {"ignore_auth": True, "user": user},
                       name="bench-jurisdiction", title="Bench jurisdiction",
                       title_translated={"en": "Bench jurisdiction", "fr": "Juridiction banc"},
                       level_of_government="municipal")


def _source_config() -> str:
    return json.dumps({"platform": "ckan", "content_language": "en", "source_name": "bench",
                       "jurisdiction": "municipal", "default_licence": "other-open",
                       "rate_limit": 10})


# ------------------------------------------------------------------------- raw package_create

def raw_create(portal_url: str, org_id: str) -> tuple[float, int]:
    """package_create of every record, mapped as the harvester maps it; (seconds, count)."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.opengov.federation.adapters import CkanAdapter, Source
    from ckanext.opengov.federation.harvester import FederationHarvester
    from ckanext.opengov.federation.mapping import MappingContext, map_record
    from ckanext.opengov.federation.records import RemoteRecord
    from ckanext.opengov.http import HttpSettings, PoliteClient

    harvester = FederationHarvester()
    context = MappingContext(source_id="raw-bench", source_name="bench", owner_org=org_id,
                             jurisdiction="municipal", default_licence="other-open")
    with PoliteClient(HttpSettings.from_config()) as client:
        records = [r for r in CkanAdapter(Source(portal_url), client).records()
                   if isinstance(r, RemoteRecord)]
    datasets = [harvester._store_provenance(map_record(r, context)) for r in records]
    started = time.monotonic()
    failed = 0
    for dataset in datasets:
        try:
            tk.get_action("package_create")(harvester._context(), dict(dataset))
        except tk.ValidationError:
            failed += 1
    seconds = time.monotonic() - started
    model.Session.remove()
    if failed:
        say(f"federation: {failed} raw package_create calls failed validation")
    return seconds, len(datasets) - failed


# ------------------------------------------------------------------------- the queue

class Consumers:
    """The gather consumer and the fetch consumers, as separate ``ckan`` processes."""

    def __init__(self, ini: Path, fetchers: int, profile: Path | None, log_dir: Path) -> None:
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []
        env = {k: v for k, v in os.environ.items() if k != "CKAN_REDIS_URL"}
        for n, kind in enumerate(["gather"] + ["fetch"] * fetchers):
            command = [str(CKAN_BIN), "-c", str(ini), "harvester", f"{kind}-consumer"]
            if profile is not None and n == 1:
                command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command]
            log = open(log_dir / f"{kind}-{n}.log", "wb")  # noqa: SIM115 (closed by the child)
            self.processes.append((f"{kind}-{n}", subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO_DIR)))

    def alive(self) -> bool:
        return all(p.poll() is None for _, p in self.processes)

    def peak_rss_mb(self) -> dict[str, float]:
        peaks = {}
        for name, process in self.processes:
            try:
                with open(f"/proc/{process.pid}/status", encoding="ascii") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peaks[name] = round(int(line.split()[1]) / 1024, 1)
            except OSError:
                continue
        return peaks

    def stop(self) -> None:
        # SIGINT first: a profiled consumer writes its profile on the way out. A consumer
        # blocked in Redis' BLPOP may not notice it, hence SIGTERM after a while.
        for sig, wait in ((signal.SIGINT, 10.0), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            running = [p for _, p in self.processes if p.poll() is None]
            if not running:
                return
            for process in running:
                process.send_signal(sig)
            deadline = time.monotonic() + wait
            for process in running:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))


def _job_state(job_id: str) -> dict[str, Any]:
    import ckan.model as model

    model.Session.remove()
    row = model.Session.execute(sa.text(
        "SELECT j.status, j.gather_started, j.gather_finished, j.created, "
        "(SELECT count(*) FROM harvest_object o WHERE o.harvest_job_id = j.id "
        " AND o.state NOT IN ('COMPLETE', 'ERROR')) AS pending, "
        "(SELECT max(o.import_finished) FROM harvest_object o WHERE o.harvest_job_id = j.id) "
        " AS last_import "
        "FROM harvest_job j WHERE j.id = :id"), {"id": job_id}).mappings().one()
    return dict(row)


def harvest_job(source_id: str, ini: Path, timeout: float, consumers: Consumers
                ) -> dict[str, Any]:
    """Create a job (onto the gather queue), wait for the consumers, close it with
    ``ckan harvester run``; timings from the job's own records."""
    import ckan.model as model
    from ckan.tests.helpers import call_action

    from ckanext.opengov.federation.harvester import job_counts

    started = time.monotonic()
    job = call_action("harvest_job_create", {"ignore_auth": True}, source_id=source_id)
    model.Session.remove()
    while True:
        state = _job_state(job["id"])
        if state["gather_finished"] is not None and state["pending"] == 0:
            break
        if not consumers.alive():
            raise RuntimeError("a harvest consumer died: see bench/results/federation-logs/")
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"harvest job {job['id']} not done after {timeout} s")
        time.sleep(0.5)
    done = time.monotonic()
    subprocess.run([str(CKAN_BIN), "-c", str(ini), "harvester", "run"], cwd=REPO_DIR,
                   capture_output=True, check=True,
                   env={k: v for k, v in os.environ.items() if k != "CKAN_REDIS_URL"})
    state = _job_state(job["id"])
    gather = (state["gather_finished"] - state["gather_started"]).total_seconds()
    return {"seconds": round(done - started, 2), "gather_seconds": round(gather, 2),
            "status": state["status"], "counts": job_counts(job["id"])}


# ------------------------------------------------------------------------- run

def _raw_sizes(args: argparse.Namespace) -> set[int]:
    chosen = args.fed_raw_sizes if args.fed_raw_sizes is not None else args.fed_sizes
    return {int(s) for s in str(chosen).split(",") if s.strip()}


def run_size(size: int, args: argparse.Namespace, ini: Path, log_dir: Path) -> dict[str, Any]:
    import ckan.model as model
    from ckan.tests.helpers import call_action

    from ckanext.opengov.federation.replay import ReplayPortal, serving

    portal = ReplayPortal(prefix=PREFIX, platform="ckan", language="en",
                          publisher="Bench portal", licence="other-open",
                          records=generated_records(size))
    out: dict[str, Any] = {"size": size}
    with serving([portal]) as replay:
        url = replay.portal_url(PREFIX)
        if size in _raw_sizes(args):
            _reset()
            org = _org()
            say(f"federation: raw package_create of {size} records")
            seconds, created = raw_create(url, org["id"])
            out["raw"] = {"seconds": round(seconds, 2), "datasets": created,
                          "per_second": round(created / seconds, 2)}
            say(f"federation: raw {out['raw']}")
        _reset()
        org = _org()
        source = call_action("harvest_source_create", {"ignore_auth": True},
                             name=SOURCE_NAME, title="Bench portal", url=url,
                             source_type="opengov_federation", owner_org=org["id"],
                             config=_source_config(), frequency="MANUAL")
        model.Session.remove()
        profile = (RESULTS_DIR / f"federation-{size}.prof") if args.fed_profile else None
        consumers = Consumers(ini, args.fed_consumers, profile, log_dir)
        try:
            time.sleep(8)  # the consumers load CKAN first (and prove they survive idling)
            if not consumers.alive():
                raise RuntimeError("a harvest consumer died while idle: see "
                                   f"{log_dir.relative_to(REPO_DIR)}")
            say(f"federation: first harvest of {size} records, "
                f"{args.fed_consumers} fetch consumers")
            first = harvest_job(source["id"], ini, args.fed_timeout, consumers)
            first["per_second"] = round(first["counts"]["added"] / first["seconds"], 2)
            say(f"federation: first harvest {first}")
            second = harvest_job(source["id"], ini, args.fed_timeout, consumers)
            say(f"federation: unchanged re-harvest {second}")
            out["memory_mb"] = consumers.peak_rss_mb()
        finally:
            consumers.stop()
        out["first"] = first
        out["unchanged"] = second
        if profile is not None and profile.exists():
            text = RESULTS_DIR / "federation-profile.txt"
            with open(text, "w", encoding="utf-8") as f:
                pstats.Stats(str(profile), stream=f).sort_stats("cumulative").print_stats(60)
            say(f"federation: profile of a fetch consumer in {text.relative_to(REPO_DIR)}")
    if "raw" in out:
        out["ratio"] = round(out["first"]["per_second"] / out["raw"]["per_second"], 2)
    out["unchanged_share"] = round(out["unchanged"]["seconds"] / out["first"]["seconds"], 4)
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = sorted(int(s) for s in str(args.fed_sizes).split(",") if s.strip())
    redis_url = os.environ.get("CKAN_REDIS_URL") or "redis://127.0.0.1:56379/5"
    base_redis = redis_url.split("?", 1)[0]
    # This process and the consumers share one Redis database (the queue).
    load_ckan(PLUGINS, {"ckan.harvest.mq.type": "redis", "ckan.redis.url": base_redis,
                        "ckanext.opengov.http.allowed_hosts": "127.0.0.1",
                        "ckanext.opengov.http.rate_limit": "0"}, ini=args.ini)
    log_dir = RESULTS_DIR / "federation-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="opengov-bench-fed-") as tmp:
        ini = Path(tmp) / "consumers.ini"
        _write_ini(ini, args.ini, f"{base_redis}?socket_timeout={CONSUMER_SOCKET_TIMEOUT}")
        for size in sizes:
            results.append(run_size(size, args, ini, log_dir))
    _reset()

    rows = []
    for r in results:
        raw = r.get("raw", {})
        rows.append([r["size"], raw.get("per_second"), r["first"]["per_second"], r.get("ratio"),
                     r["first"]["seconds"], r["unchanged"]["seconds"],
                     f"{100 * r['unchanged_share']:.1f}%",
                     max(r["memory_mb"].values()) if r["memory_mb"] else None,
                     r["first"]["counts"]["errored"]])
    memories = [max(r["memory_mb"].values()) for r in results if r.get("memory_mb")]
    targets = {
        "ratio >= 0.8": all(r["ratio"] >= 0.8 for r in results if "ratio" in r)
        and any("ratio" in r for r in results),
        "unchanged <= 5%": all(r["unchanged_share"] <= 0.05 for r in results),
        "memory flat": len(memories) > 1 and max(memories) <= 1.25 * min(memories),
    }
    return {
        "machine": machine_facts(), "consumers": args.fed_consumers, "results": results,
        "targets": targets, "pass": all(targets.values()),
        "tables": [{
            "title": f"Federation harvest, replayed CKAN portal, {args.fed_consumers} fetch "
                     "consumers (rates in datasets/s)",
            "columns": ["datasets", "raw create/s", "harvest/s", "ratio", "first (s)",
                        "unchanged (s)", "unchanged share", "peak RSS MB", "errored"],
            "rows": rows,
        }, {
            "title": "Targets",
            "columns": ["target", "met"],
            "rows": [[k, "yes" if v else "no"] for k, v in targets.items()],
        }],
    }
