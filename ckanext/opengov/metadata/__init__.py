"""Bilingual metadata: multilingual (ckanext-fluent compatible) values, vocabularies, helpers.

Shared by every plugin of the suite; the scheming presets and validators live here so that
the charter, federation and HVD code read one definition of a multilingual value.
"""
