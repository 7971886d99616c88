"""Federated harvesting: platform adapters, normalized records, mapping, registry."""
