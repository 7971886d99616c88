"""``ckan opengov demo``: demo content for the portal that ``make demo`` serves."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import click
from ckan.lib.search.common import SearchError

from ckanext.opengov.demo import loader


@click.group(short_help="Demo content (organizations, groups, datasets).")
def demo() -> None:
    """Demo content for trying the suite."""


@demo.command()
@click.option(
    "--file", "path", type=click.Path(exists=True, dir_okay=False),
    default=loader.CATALOGUE_PATH, show_default=True,
    help="Catalogue file (YAML) to load.",
)
def load(path: str) -> None:
    """Create the demo sysadmin, organizations, groups and datasets that are missing.

    Safe to run again: objects are matched by name and existing ones are left alone.

    \b
    Example:
        ckan -c demo.ini opengov demo load
    """
    try:
        catalogue = loader.read_catalogue(path)
    except (OSError, ValueError) as e:
        tk.error_shout(f"Cannot read the catalogue: {e}")
        raise click.exceptions.Exit(1) from e
    try:
        report = loader.load(catalogue, echo=click.echo)
    except SearchError as e:
        tk.error_shout(
            f"Indexing failed: {e}\nIs a search backend configured "
            "(opengov_pgsearch in ckan.plugins, or a reachable solr_url)?"
        )
        raise click.exceptions.Exit(1) from e

    for kind, outcome in (
        ("organizations", report.organizations),
        ("groups", report.groups),
        ("datasets", report.datasets),
    ):
        click.echo(
            f"{kind.capitalize()}: {len(outcome.created)} created, "
            f"{len(outcome.existing)} already present (left alone)"
            + (f", {len(outcome.failed)} failed" if outcome.failed else "")
        )
        for name, error in outcome.failed.items():
            tk.error_shout(f"  {name}: {error}")
    if not report.ok:
        raise click.exceptions.Exit(1)
    login = f"'{loader.ADMIN_NAME}'" + (
        f" / '{loader.ADMIN_PASSWORD}'" if report.admin_created else ""
    )
    click.secho(f"Demo content ready. Log in as {login}.", fg="green")
