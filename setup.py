# Only Babel's message extractors live here (they cannot be declared in pyproject.toml);
# everything else is in pyproject.toml and setup.cfg, as ckanext-dcat does.
from setuptools import setup

setup(
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
