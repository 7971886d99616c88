"""Every ``ckanext-opengov`` message has a French translation, compiled and current."""
from __future__ import annotations

from pathlib import Path

import polib
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from ckanext.opengov.translation import I18N_DIRECTORY, I18N_DOMAIN

ROOT = Path(__file__).resolve().parent.parent
PO = Path(I18N_DIRECTORY) / "fr" / "LC_MESSAGES" / f"{I18N_DOMAIN}.po"
MO = PO.with_suffix(".mo")

# The same extraction setup.py declares for `make i18n`.
METHOD_MAP = [
    ("**.py", "python"),
    ("**.js", "javascript"),
    ("**/templates/**.html", "ckan.lib.extract:extract_ckan"),
]
KEYWORDS = {**DEFAULT_KEYWORDS, "translate": None, "isPlural": None}


def _source_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "ckanext"), METHOD_MAP, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_french_catalogue_has_no_missing_or_fuzzy_message():
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries(), [e.msgid for e in catalogue.fuzzy_entries()]


def test_every_message_in_the_sources_is_in_the_french_catalogue():
    catalogue = {entry.msgid for entry in polib.pofile(str(PO)) if not entry.obsolete}
    missing = sorted(_source_msgids() - catalogue)
    assert not missing, f"run `make i18n` and translate: {missing}"


def test_compiled_catalogue_matches_the_po_file():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(PO)) if e.translated() and not e.obsolete}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(MO)) if e.msgid}
    assert mo == po, "run `make i18n` to recompile the .mo file"
