"""Config declarations: each area keeps its options in ``<area>/config_declaration.yaml``."""
from __future__ import annotations

import os

import yaml
from ckan.config.declaration import Declaration

PACKAGE = os.path.dirname(__file__)


def declare_area(declaration: Declaration, area: str) -> None:
    """Load ``ckanext/opengov/<area>/config_declaration.yaml`` into ``declaration``."""
    path = os.path.join(PACKAGE, area, "config_declaration.yaml")
    with open(path, encoding="utf-8") as f:
        declaration.load_dict(yaml.safe_load(f))
