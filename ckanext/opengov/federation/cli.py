"""``ckan opengov federation ...``: registry, platform detection, preview, seeding, reports."""
from __future__ import annotations

import csv
import json
import sys
from typing import Any

import ckan.plugins.toolkit as tk
import click

from ckanext.opengov.http import HttpError, HttpSettings, PoliteClient

from .adapters import ADAPTERS, Source
from .detect import detect_platform
from .mapping import MappingContext, map_record
from .records import RecordError
from .registry import registry

# Seeded sources never run on their own: an administrator checks a source (preview), then
# starts it or gives it a schedule, which is what enabling means in ckanext-harvest's UI.
SEEDED_FREQUENCY = "MANUAL"


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


def seed_registry(only: tuple[str, ...] = ()) -> dict[str, int]:
    """Create the registry's jurisdiction organizations and their harvest sources.

    Sources are created unscheduled (frequency MANUAL): nothing is harvested until an
    administrator starts a source or gives it a schedule.

    Existing organizations and sources are left as they are, so seeding twice is harmless.
    """
    context: dict[str, Any] = {"ignore_auth": True,
                               "user": tk.get_action("get_site_user")({"ignore_auth": True},
                                                                      {})["name"]}
    created = {"organizations": 0, "sources": 0}
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
            tk.get_action("harvest_source_create")(dict(context), {
                "name": name, "title": f"{j.title['en']} ({s.platform})", "url": s.url,
                "source_type": "opengov_federation", "owner_org": org["id"],
                "config": json.dumps(config, ensure_ascii=False),
                "frequency": SEEDED_FREQUENCY,
            })
            created["sources"] += 1
    return created


@federation.command()
@click.option("--only", multiple=True, help="Seed only these jurisdiction ids.")
def seed(only: tuple[str, ...]) -> None:
    """Create the jurisdiction organizations and their unscheduled harvest sources.

    Example: ckan opengov federation seed --only yukon --only montreal
    """
    created = seed_registry(only)
    click.echo(f"{created['organizations']} organizations and {created['sources']} harvest "
               "sources created (unscheduled until an administrator enables them).")


def job_report_rows(job_id: str) -> list[dict[str, str]]:
    """Every gather error and every record of a job, with its errors: never truncated."""
    from ckan import model

    from ckanext.harvest.model import HarvestGatherError, HarvestObject

    rows = [{"kind": "gather", "guid": "", "status": "error", "report_status": "",
             "remote_url": "", "package_id": "", "message": e.message}
            for e in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job_id)
            .order_by(HarvestGatherError.created)]
    for obj in (model.Session.query(HarvestObject).filter_by(harvest_job_id=job_id)
                .order_by(HarvestObject.guid)):
        extras = {e.key: e.value for e in obj.extras}
        rows.append({
            "kind": "record", "guid": obj.guid or "", "status": extras.get("status", ""),
            "report_status": obj.report_status or "", "remote_url": extras.get("remote_url", ""),
            "package_id": obj.package_id or "",
            "message": " | ".join(e.message for e in obj.errors),
        })
    return rows


@federation.command()
@click.argument("job_id")
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-",
              help="CSV file to write (default: standard output).")
def report(job_id: str, output: Any) -> None:
    """Write the full report of a harvest job as CSV (gather errors, then every record).

    Example: ckan opengov federation report 3f0c... --output report.csv
    """
    rows = job_report_rows(job_id)
    writer = csv.DictWriter(output, fieldnames=["kind", "guid", "status", "report_status",
                                                "remote_url", "package_id", "message"])
    writer.writeheader()
    writer.writerows(rows)
