"""``ckan opengov demo portals serve|harvest``: the replayed portals of the demo federation."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import click

from ckanext.opengov.demo import portals as demo_portals


@click.group(short_help="Replayed remote portals for the federation demo.")
def portals() -> None:
    """Five replayed portals (CKAN en/fr, CKAN fr, Socrata, ArcGIS Hub, OpenDataSoft)."""


@portals.command()
@click.option("--port", default=demo_portals.DEFAULT_PORT, show_default=True,
              help="Port on 127.0.0.1.")
def serve(port: int) -> None:
    """Serve the demo portals in their platforms' API formats, until interrupted.

    \b
    Example:
        ckan -c demo.ini opengov demo portals serve --port 5001
    """
    loaded = demo_portals.load_portals()
    try:
        replay = demo_portals.server(loaded, f"http://127.0.0.1:{port}")
    except OSError as e:
        tk.error_shout(tk._("Cannot listen on port %(port)s: %(error)s")
                       % {"port": port, "error": e})
        raise click.exceptions.Exit(1) from e
    for p in loaded:
        click.echo(f"{replay.portal_url(p.portal.prefix)}  {p.portal.platform:13} "
                   f"{len(p.portal.records):3}  {p.jurisdiction}")
    click.echo(tk._("Serving the replayed portals at %s (Ctrl+C to stop)") % replay.url)
    try:
        replay.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        replay.httpd.server_close()


@portals.command()
@click.option("--base-url", default=demo_portals.DEFAULT_BASE_URL, show_default=True,
              help="Where the portals are served (a replay is started here if none answers).")
@click.option("--only", multiple=True, help="Harvest only these portals (prefix, repeatable).")
def harvest(base_url: str, only: tuple[str, ...]) -> None:
    """Create the demo portals' organizations and harvest sources, then harvest them now.

    Runs gather, fetch and import in this process (no queue consumers needed). Safe to
    run again: unchanged records are skipped.

    \b
    Example:
        ckan -c demo.ini opengov demo portals harvest --base-url http://127.0.0.1:5001
    """
    try:
        runs = demo_portals.harvest(base_url, only=only, echo=click.echo)
    except (RuntimeError, OSError) as e:
        tk.error_shout(str(e))
        raise click.exceptions.Exit(1) from e
    header = ("source", "platform", "added", "updated", "unchanged", "withdrawn", "errored")
    click.echo(f"{header[0]:22}  {header[1]:12}  " + "  ".join(f"{h:>9}" for h in header[2:]))
    failed = False
    for run in runs:
        c = run.counts
        failed = failed or bool(c["errored"]) or bool(run.gather_errors)
        click.echo(f"{run.source['name']:22}  {run.portal.portal.platform:12}  "
                   + "  ".join(f"{c[k]:>9}" for k in header[2:]))
        for message in run.gather_errors:
            tk.error_shout(f"  {run.source['name']}: {message}")
    if failed:
        tk.error_shout(tk._("Some records failed: see the harvest jobs' reports"))
        raise click.exceptions.Exit(1)
