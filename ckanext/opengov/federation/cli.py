"""``ckan opengov federation ...``: registry, platform detection, preview, seeding, reports."""
from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
import click

from ckanext.opengov.http import HttpError, HttpSettings, PoliteClient

from .adapters import ADAPTERS, Source
from .detect import detect_platform
from .harvester import FederationHarvester, job_counts
from .mapping import MappingContext, map_record
from .records import RecordError
from .registry import registry
from .reports import job_report_rows, write_csv

__all__ = ["federation", "job_report_rows", "seed_registry", "enable"]

# Seeded sources are inactive: an administrator checks a source (preview), then enables it,
# after which it runs on this schedule (or by hand).
SEEDED_FREQUENCY = "WEEKLY"
FREQUENCIES = ("MANUAL", "ALWAYS", "DAILY", "WEEKLY", "BIWEEKLY", "MONTHLY")
# ckanext-harvest ignores ``active`` on create, and derives it from the source dataset's
# state on update: "deleted" is its inactive source (kept, never run, jobs refused), which
# its edit form turns back into "active".
INACTIVE_STATE = "deleted"


@click.group(short_help="Federated harvesting of other open data portals.")
def federation() -> None:
    """Harvest Canadian open data portals into this catalogue."""


@federation.command("registry")
def registry_list() -> None:
    """List the bundled registry of Canadian portals."""
    for j in registry():
        for s in j.sources:
            click.echo(f"{j.id:24} {j.level:12} {j.province:3} {s.platform:13} "
                       f"{s.content_language:6} {s.confidence:7} {s.endpoint}")


@federation.command()
@click.argument("url")
def detect(url: str) -> None:
    """Tell which platform answers at URL.

    Example: ckan opengov federation detect https://open.yukon.ca
    """
    with PoliteClient(HttpSettings.from_config()) as client:
        try:
            found = detect_platform(url, client)
        except HttpError as e:
            tk.error_shout(str(e))
            sys.exit(1)
    if found is None:
        tk.error_shout(f"No known platform answers at {url}")
        sys.exit(1)
    click.echo(f"{found.platform} {found.url}")


@federation.command()
@click.argument("url")
@click.option("--platform", type=click.Choice(["auto", *sorted(ADAPTERS)]), default="auto",
              show_default=True)
@click.option("--language", "content_language", default="en", show_default=True,
              help='Content language of the source: "en", "fr" or "en fr".')
@click.option("--limit", default=5, show_default=True, help="Records to show.")
def preview(url: str, platform: str, content_language: str, limit: int) -> None:
    """Show the first records of a portal as they would be harvested; nothing is written.

    Example: ckan opengov federation preview https://donnees.montreal.ca --language fr
    """
    with PoliteClient(HttpSettings.from_config()) as client:
        try:
            if platform == "auto":
                found = detect_platform(url, client)
                if found is None:
                    tk.error_shout(f"No known platform answers at {url}")
                    sys.exit(1)
                platform, url = found.platform, found.url
            adapter = ADAPTERS[platform](Source(url, content_language=content_language,
                                                page_size=limit, max_records=limit), client)
            context = MappingContext(source_id="preview", source_name="preview")
            for item in adapter.records():
                if isinstance(item, RecordError):
                    click.echo(json.dumps({"error": item.message, "remote_url": item.remote_url},
                                          ensure_ascii=False))
                    continue
                click.echo(json.dumps(map_record(item, context), ensure_ascii=False, indent=2))
        except HttpError as e:
            tk.error_shout(str(e))
            sys.exit(1)


def _site_context() -> dict[str, Any]:
    return {"ignore_auth": True,
            "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def seed_registry(only: tuple[str, ...] = (),
                  frequency: str = SEEDED_FREQUENCY) -> dict[str, Any]:
    """Create the registry's jurisdiction organizations and their harvest sources.

    Sources are created inactive: ``ckan harvester run`` and the schedule ignore them and
    no job can be created for them until an administrator enables one (:func:`enable`, or
    the source's edit form: State, Active). Then it runs every ``frequency``.

    Existing organizations and sources are left as they are, so seeding twice is harmless.
    Returns the counts and the names of the sources created.
    """
    context = _site_context()
    created: dict[str, Any] = {"organizations": 0, "sources": 0, "names": []}
    for j in registry():
        if only and j.id not in only:
            continue
        try:
            org = tk.get_action("organization_show")(dict(context), {"id": j.id})
        except tk.ObjectNotFound:
            org = tk.get_action("organization_create")(dict(context), {
                "name": j.id, "title": j.title["en"], "title_translated": j.title,
                "level_of_government": j.level, "province": j.province,
                "sgc_code": j.sgc_code or "", "portal_url": j.portal_url,
            })
            created["organizations"] += 1
        for index, s in enumerate(j.sources):
            name = f"{j.id}-{s.platform}" + (f"-{index + 1}" if index else "")
            try:
                tk.get_action("harvest_source_show")(dict(context), {"id": name})
                continue
            except tk.ObjectNotFound:
                pass
            config = {"platform": s.platform, "content_language": s.content_language,
                      "rate_limit": s.rate_limit, "options": s.options, "source_name": j.id,
                      "jurisdiction": j.level, "default_licence": s.licence}
            source = tk.get_action("harvest_source_create")(dict(context), {
                "name": name, "title": f"{j.title['en']} ({s.platform})", "url": s.url,
                "source_type": "opengov_federation", "owner_org": org["id"],
                "config": json.dumps(config, ensure_ascii=False),
                "frequency": frequency,
            })
            tk.get_action("harvest_source_patch")(dict(context), {
                "id": source["id"], "state": INACTIVE_STATE})
            created["sources"] += 1
            created["names"].append(name)
    return created


def enable(names: tuple[str, ...]) -> list[str]:
    """Enable seeded (inactive) harvest sources; returns the names enabled."""
    context = _site_context()
    done = []
    for name in names:
        source = tk.get_action("harvest_source_show")(dict(context), {"id": name})
        if source.get("state") != "active":
            tk.get_action("harvest_source_patch")(dict(context), {"id": source["id"],
                                                                  "state": "active"})
            done.append(source["name"])
    return done


@federation.command()
@click.option("--only", multiple=True, help="Seed only these jurisdiction ids.")
@click.option("--frequency", type=click.Choice(FREQUENCIES), default=SEEDED_FREQUENCY,
              show_default=True, help="Schedule of a source once enabled.")
def seed(only: tuple[str, ...], frequency: str) -> None:
    """Create the jurisdiction organizations and their harvest sources, inactive.

    Nothing is harvested until an administrator enables a source, here
    (ckan opengov federation enable NAME) or in its edit form (State: Active).

    Example: ckan opengov federation seed --only yukon --only montreal
    """
    created = seed_registry(only, frequency)
    click.echo(f"{created['organizations']} organizations and {created['sources']} harvest "
               "sources created, inactive until an administrator enables them:")
    for name in created["names"]:
        click.echo(f"  {name}")


@federation.command("enable")
@click.argument("names", nargs=-1, required=True)
def enable_command(names: tuple[str, ...]) -> None:
    """Enable inactive (seeded) harvest sources, by name.

    Example: ckan opengov federation enable yukon-ckan montreal-ckan
    """
    try:
        done = enable(names)
    except tk.ObjectNotFound as e:
        tk.error_shout(str(e))
        sys.exit(1)
    click.echo(f"{len(done)} harvest sources enabled.")


@contextlib.contextmanager
def _gather_progress(harvester: FederationHarvester, every: int) -> Iterator[list[int]]:
    """Tell how far the gather has gone every ``every`` records.

    The harvester is a singleton plugin (a subclass would be the same instance), so its
    per-record step is wrapped on the instance for the command's run only.
    """
    count = [0]
    original = harvester._gathered

    def gathered(*args: Any, **kwargs: Any) -> str | None:
        count[0] += 1
        if count[0] % every == 0:
            click.echo(f"  gathered {count[0]} records", err=True)
        return original(*args, **kwargs)

    harvester._gathered = gathered  # type: ignore[method-assign]
    try:
        yield count
    finally:
        del harvester._gathered


@federation.command("harvest")
@click.argument("source")
@click.option("--every", default=500, show_default=True,
              help="Report progress every this many records.")
def harvest_command(source: str, every: int) -> None:
    """Harvest SOURCE now, in this process, with progress and the job's counts at the end.

    For a first harvest of a large portal, or to watch a run; the queues and the schedule
    are not involved (a job is still recorded, with its full report).

    Example: ckan opengov federation harvest yukon-ckan --every 100
    """
    from ckanext.harvest import queue
    from ckanext.harvest.logic import HarvestJobExists, HarvestSourceInactiveError
    from ckanext.harvest.model import HarvestJob, HarvestObject

    context = _site_context()
    try:
        found = tk.get_action("harvest_source_show")(dict(context), {"id": source})
        job_dict = tk.get_action("harvest_job_create")(dict(context), {
            "source_id": found["id"], "run": False})
    except tk.ObjectNotFound:
        tk.error_shout(f"No harvest source {source}")
        sys.exit(1)
    except HarvestSourceInactiveError:
        tk.error_shout(f"The source {source} is inactive: "
                       f"ckan opengov federation enable {source}")
        sys.exit(1)
    except HarvestJobExists:
        tk.error_shout(f"The source {source} already has a job waiting or running")
        sys.exit(1)
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    every = max(every, 1)
    harvester = FederationHarvester()
    click.echo(f"Gathering {found['url']} ...", err=True)
    with _gather_progress(harvester, every) as gathered:
        ids = queue.gather_stage(harvester, job)
    ids = ids if isinstance(ids, list) else []
    total = len(ids)
    click.echo(f"{gathered[0]} records read, {total} to import", err=True)
    for done, object_id in enumerate(ids, 1):
        queue.fetch_and_import_stages(harvester, HarvestObject.get(object_id))
        if done % every == 0 or done == total:
            click.echo(f"  {done}/{total} imported ({100 * done // total}%)", err=True)
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": found["id"]})
    counts = job_counts(job.id)
    click.echo(", ".join(f"{key} {value}" for key, value in counts.items()))
    click.echo(f"Full report: ckan opengov federation report {job.id}")


@federation.command()
@click.argument("job_id")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-",
              help="CSV file to write (default: standard output).")
def report(job_id: str, output: Any) -> None:
    """Write the full report of a harvest job as CSV (gather errors, then every record).

    Example: ckan opengov federation report 3f0c... --output report.csv
    """
    write_csv(job_report_rows(job_id), output)
