"""The pgsearch tests: clean_db / clean_index / pgsearch_tables come from tests/conftest.py."""
from __future__ import annotations

import os
import sys

# The conformance suite imports its case and corpus modules by name.
sys.path.insert(0, os.path.dirname(__file__))
