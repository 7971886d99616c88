"""``ckan opengov demo``: demo content for the portal that ``make demo`` serves."""
from __future__ import annotations

import contextlib
from typing import Any

import ckan.plugins.toolkit as tk
import click
import yaml
from ckan.lib.search.common import SearchError

from ckanext.opengov.demo import loader


@click.group(short_help="Demo content (jurisdictions, groups, bilingual datasets).")
def demo() -> None:
    """Demo content for trying the suite."""


def _request_context() -> Any:
    # Uploads, validation messages and the charter's language lookup expect a request.
    app = click.get_current_context().meta.get("flask_app")
    return app.test_request_context() if app is not None else contextlib.nullcontext()


@demo.command()
@click.option(
    "--file", "path", type=click.Path(exists=True, dir_okay=False),
    default=loader.CATALOGUE_PATH, show_default=True,
    help="Catalogue file (YAML) to load.",
)
@click.option(
    "--reset", is_flag=True, default=False, show_default=True,
    help="Purge the catalogue's datasets first and create them all again.",
)
def load(path: str, reset: bool) -> None:
    """Create the demo sysadmin, jurisdictions, groups and datasets that are missing.

    Safe to run again: datasets are matched by name and existing ones are left alone;
    existing jurisdictions only get the catalogue fields they lack.

    \b
    Examples:
        ckan -c demo.ini opengov demo load
        ckan -c demo.ini opengov demo load --reset
    """
    try:
        catalogue = loader.read_catalogue(path)
    except (OSError, ValueError, yaml.YAMLError) as e:
        tk.error_shout(tk._("Cannot read the catalogue: %s") % e)
        raise click.exceptions.Exit(1) from e
    try:
        with _request_context():
            report = loader.load(catalogue, echo=click.echo, reset=reset)
            bands = loader.charter_bands(o["name"] for o in catalogue["organizations"])
    except SearchError as e:
        tk.error_shout(tk._(
            "Indexing failed: %s\nIs a search backend configured "
            "(opengov_pgsearch in ckan.plugins, or a reachable solr_url)?"
        ) % e)
        raise click.exceptions.Exit(1) from e

    for kind, outcome in (
        (tk._("Organizations"), report.organizations),
        (tk._("Groups"), report.groups),
        (tk._("Datasets"), report.datasets),
    ):
        line = tk._("%(kind)s: %(created)s created, %(existing)s already present (left alone)") % {
            "kind": kind, "created": len(outcome.created), "existing": len(outcome.existing)}
        if outcome.updated:
            line += tk._(", %s completed") % len(outcome.updated)
        if outcome.failed:
            line += tk._(", %s failed") % len(outcome.failed)
        click.echo(line)
        for name, error in outcome.failed.items():
            tk.error_shout(f"  {name}: {error}")
    if bands:
        click.echo(tk._("Charter bands (datasets per band):"))
        for org, counts in bands.items():
            shown = ", ".join(f"{band} {n}" for band, n in sorted(counts.items()))
            click.echo(f"  {org:<18} {shown}")
    if not report.ok:
        raise click.exceptions.Exit(1)
    login = f"'{loader.ADMIN_NAME}'" + (
        f" / '{loader.ADMIN_PASSWORD}'" if report.admin_created else ""
    )
    click.secho(tk._("Demo content ready. Log in as %s.") % login, fg="green")
