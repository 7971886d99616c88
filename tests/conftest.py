"""Shared fixtures: a real CKAN app on the loopback PostgreSQL and Redis (see test.ini)."""
from __future__ import annotations
