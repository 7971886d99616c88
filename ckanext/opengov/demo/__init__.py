"""Demo content for the portal `make demo` serves, loaded by ``ckan opengov demo load``."""
