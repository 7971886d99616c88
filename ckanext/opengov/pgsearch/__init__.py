"""opengov_pgsearch: CKAN's Solr searches answered from PostgreSQL.

The plugin replaces CKAN's Solr connection with :class:`.connection.PgSolrConnection`
(the only patch of CKAN internals lives in :mod:`.ckan_adapter`); everything CKAN and
extensions send to Solr is parsed with the Solr schema's semantics and run as SQL.
"""
