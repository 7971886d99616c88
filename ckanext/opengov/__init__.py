"""ckanext-opengov: CKAN extensions for Canadian open government."""
