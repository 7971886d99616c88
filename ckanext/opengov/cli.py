"""The ``ckan opengov`` command group; each plugin adds its own subgroup to it."""
from __future__ import annotations

import click

from ckanext.opengov.demo.cli import demo
from ckanext.opengov.demo.portals.cli import portals


@click.group(short_help="ckanext-opengov commands (demo, search, ...).")
def opengov() -> None:
    """Commands of the ckanext-opengov suite."""


# Demo content belongs to no single plugin: available whenever any suite plugin is enabled.
opengov.add_command(demo)
# The replayed portals of the federation demo (their harvest needs opengov_federation).
demo.add_command(portals)


def commands_with(*groups: click.Command) -> list[click.Command]:
    """The root group with ``groups`` attached: what a plugin's ``IClick.get_commands`` returns.

    Every plugin of the suite returns the same root group, so ``ckan opengov`` lists
    exactly the subgroups of the plugins that are enabled.
    """
    for group in groups:
        opengov.add_command(group)
    return [opengov]
