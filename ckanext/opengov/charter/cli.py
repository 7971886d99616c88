"""``ckan opengov charter ...``: the Charter's commands.

Other charter modules add their commands to the :data:`charter` group here (one group, so
``ckan opengov charter --help`` lists them all).
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import click


@click.group(short_help="Open Data Charter: snapshots of the scores, ...")
def charter() -> None:
    """Commands of the Open Data Charter assessment (opengov_charter)."""


@charter.command(short_help="Record today's site, level, jurisdiction and principle scores.")
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD",
              help="Record the snapshot under this date instead of today (UTC).")
def snapshot(day: str | None) -> None:
    """Store a dated snapshot of the Charter scores (the trend lines of the dashboard).

    The scores are those of public datasets, read from the search index. Running it again on
    the same day replaces that day's snapshot, so a scheduler may retry freely.

    \b
    Examples:
        ckan opengov charter snapshot
        ckan opengov charter snapshot --date 2026-11-01
    """
    from ckanext.opengov.charter import trends

    try:
        when = dt.date.fromisoformat(day) if day else None
    except ValueError:
        tk.error_shout(f"--date must look like 2026-11-22, not {day!r}")
        raise click.exceptions.Exit(2) from None
    try:
        taken = trends.take_snapshot(when)
    except trends.SnapshotTableMissing:
        tk.error_shout("The snapshot table is missing: run `ckan db upgrade` first.")
        raise click.exceptions.Exit(1) from None
    click.secho(f"Charter snapshot of {taken['day']}: {taken['rows']} rows "
                f"({taken['jurisdictions']} jurisdictions, {taken['levels']} levels).",
                fg="green")


@charter.command("recheck-links",
                 short_help="Queue link checks older than linkcheck.max_age (the schedule).")
@click.option("--max-age", type=float, default=None, metavar="DAYS",
              help="Re-check results older than this many days "
                   "[default: ckanext.opengov.charter.linkcheck.max_age].")
@click.option("--limit", type=int, default=None,
              help="Queue at most this many datasets, oldest results first "
                   "[default: ckanext.opengov.charter.linkcheck.recheck_limit].")
def recheck_links(max_age: float | None, limit: int | None) -> None:
    """Queue link checks of datasets whose results are old, or whose URLs were never checked.

    The checks run on CKAN's job queue: `ckan jobs worker` must be running. Each dataset is
    re-indexed once its links are checked, so its Charter score follows.

    \b
    Examples:
        ckan opengov charter recheck-links
        ckan opengov charter recheck-links --max-age 1 --limit 200
    """
    from ckanext.opengov.charter import jobs, results

    if not results.available():
        tk.error_shout("The link check table is missing: run `ckan db upgrade -p opengov_charter`.")
        raise click.exceptions.Exit(1)
    queued = jobs.recheck(max_age, limit)
    click.secho(f"Queued the link checks of {len(queued)} datasets.", fg="green")


@charter.command("check-dataset",
                 short_help="Check one dataset's links and DCAT-AP conformance now or queued.")
@click.argument("dataset")
@click.option("--queue/--now", "queued", default=True, show_default=True,
              help="Enqueue the checks for the worker, or run them in this process.")
def check_dataset(dataset: str, queued: bool) -> None:
    """Check every URL of DATASET (id or name) and validate its DCAT output, even if checked
    recently; then re-index it.

    \b
    Examples:
        ckan opengov charter check-dataset building-permits
        ckan opengov charter check-dataset building-permits --now
    """
    from ckanext.opengov.charter import jobs, results

    if not results.available():
        tk.error_shout("The link check table is missing: run `ckan db upgrade -p opengov_charter`.")
        raise click.exceptions.Exit(1)
    try:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset})
    except tk.ObjectNotFound:
        tk.error_shout(f"No dataset {dataset!r}.")
        raise click.exceptions.Exit(1) from None
    if queued:
        ids = jobs.enqueue_dataset(pkg["id"], force=True)
        click.secho(f"Queued {len(ids)} jobs for {pkg['name']}.", fg="green")
        return
    done = jobs.check_links_job(pkg["id"], force=True, urls=None, batch_all=True)
    validated = jobs.shacl_job(pkg["id"])
    click.secho(f"{pkg['name']}: {done['checked']} links checked; DCAT-AP validation: "
                f"{'done' if validated.get('validated') else 'not run'}.", fg="green")


def get_commands() -> list[click.Command]:
    return [charter]
