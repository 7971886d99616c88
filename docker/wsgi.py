"""WSGI entry point of the `ckan` service: gunicorn serves ``wsgi:application``.

The same three steps as the wsgi.py in CKAN's source tree (which the ckan wheel does not ship):
logging from the config file, CKAN's own config loader (so ``%(CKAN_...)s`` values come from
the container's environment), then CKAN's app factory.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_path = os.environ.get("CKAN_INI", "/srv/app/ckan.ini")
if not os.path.exists(config_path):
    raise RuntimeError(f"CKAN config file not found: {config_path}")

fileConfig(config_path, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(config_path).get_config())
