"""One module per plugin class; each wires CKAN interfaces to code that lives elsewhere."""
