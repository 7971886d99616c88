"""Multilingual values as ckanext-fluent stores them: ``{"en": "...", "fr": "..."}``.

Pure functions (no CKAN request or database): the scheming validators in
:mod:`ckanext.opengov.metadata.validators` and the template helpers build on them.

Machine translations use the BCP 47 transformed-content extension (RFC 6497), as
open.canada.ca does: ``fr-t-en`` is French machine-translated from English.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: suffix of the multilingual twin of a core field (``title`` -> ``title_translated``)
LANG_SUFFIX = "_translated"
#: syntax of a language key (fluent's rule: lower-case primary subtag)
LANG_CODE_RE = re.compile(r"^[a-z]{2,8}(-[0-9a-zA-Z]{1,8})*$")
#: ``<target>-t-<source>`` with an optional ``-t0-<tool>`` or other trailing subtags
MACHINE_RE = re.compile(r"^([a-z]{2,3})-t-([a-z]{2,3})(-[0-9a-zA-Z]{1,8})*$")

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "fr")
#: each language's name in itself: the marker beside a value shown in the other language
ENDONYMS = {"en": "English", "fr": "français"}

# Plain-text fields take no markup; an autolink such as <https://x.ca> is not a tag.
HTML_TAG_RE = re.compile(r"</?(?!https?://|mailto:)[a-zA-Z!?][^>]*>?")
SCRIPT_URL_RE = re.compile(r"(?i)\b(?:javascript|vbscript|data)\s*:")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def machine_translation_target(code: str) -> str | None:
    """The language a machine-translated key stands for: ``fr-t-en`` -> ``fr``; else None."""
    match = MACHINE_RE.match(code)
    return match.group(1) if match else None


def is_machine_translation(code: str) -> bool:
    return machine_translation_target(code) is not None


def form_languages(field: Mapping[str, Any], schema: Mapping[str, Any] | None = None,
                   default: Iterable[str] = DEFAULT_LANGUAGES) -> list[str]:
    """Languages shown in the form, in order: the field's, else the schema's, else ``default``."""
    langs = field.get("form_languages") or (schema or {}).get("form_languages") or default
    if isinstance(langs, str):
        langs = langs.split()
    return list(langs)


def required_languages(field: Mapping[str, Any], schema: Mapping[str, Any] | None = None,
                       default: Iterable[str] = DEFAULT_LANGUAGES) -> list[str]:
    """Languages that must be filled: ``required_languages`` if set, else all form languages
    when the field is ``required``, else none."""
    langs = field.get("required_languages")
    if langs is not None:
        return langs.split() if isinstance(langs, str) else list(langs)
    if field.get("required"):
        return form_languages(field, schema, default)
    return []


def machine_translation_allowed(field: Mapping[str, Any],
                                schema: Mapping[str, Any] | None = None) -> bool:
    value = field.get("machine_translation_allowed")
    if value is None:
        value = (schema or {}).get("machine_translation_allowed", False)
    return str(value).lower() in ("true", "1", "yes")


def alternate_languages(field: Mapping[str, Any], schema: Mapping[str, Any] | None = None,
                        default: Iterable[str] = DEFAULT_LANGUAGES) -> dict[str, list[str]]:
    """Keys that may stand in for a required language.

    fluent's explicit ``alternate_languages: {fr: [fr-t-en]}`` (field, else schema) wins;
    ``machine_translation_allowed: true`` is the short form: every ``<lang>-t-<other form
    language>`` satisfies ``<lang>``.
    """
    explicit = field.get("alternate_languages") or (schema or {}).get("alternate_languages")
    if explicit:
        return {lang: list(alts) for lang, alts in explicit.items()}
    if not machine_translation_allowed(field, schema):
        return {}
    langs = form_languages(field, schema, default)
    return {lang: [f"{lang}-t-{other}" for other in langs if other != lang] for lang in langs}


def allowed_keys(field: Mapping[str, Any], schema: Mapping[str, Any] | None = None,
                 default: Iterable[str] = DEFAULT_LANGUAGES) -> set[str]:
    """Every language key a value of this field may carry.

    The form languages, their alternates, and any machine translation between two form
    languages (so a harvested ``fr-t-en`` loads even where it cannot satisfy a requirement).
    """
    langs = form_languages(field, schema, default)
    keys = set(langs)
    for alts in alternate_languages(field, schema, default).values():
        keys.update(alts)
    keys.update(f"{a}-t-{b}" for a in langs for b in langs if a != b)
    return keys


def key_allowed(code: str, allowed: set[str]) -> bool:
    if code in allowed:
        return True
    # "fr-t-en-t0-deepl": the tool subtag does not change what the value stands for
    match = MACHINE_RE.match(code)
    return match is not None and f"{match.group(1)}-t-{match.group(2)}" in allowed


def missing_languages(value: Mapping[str, Any], required: Iterable[str],
                      alternates: Mapping[str, Iterable[str]]) -> list[str]:
    """Required languages with no non-empty value (nor an allowed alternate)."""
    out = []
    for lang in required:
        if _filled(value.get(lang)):
            continue
        if any(_filled(value.get(alt)) for alt in alternates.get(lang, ())):
            continue
        out.append(lang)
    return out


def _filled(text: Any) -> bool:
    if isinstance(text, list):
        return any(str(t).strip() for t in text)
    return bool(text) and bool(str(text).strip())


def parse_multilingual(value: Any) -> dict[str, Any] | None:
    """A stored or submitted value as a dict, or None when it is not a JSON object."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (str, bytes)):
        try:
            loaded = json.loads(value)
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None
    return None


def dumps_text(value: Mapping[str, str]) -> str:
    """Storage form of a text value (fluent: ``ensure_ascii=False``)."""
    return json.dumps(dict(value), ensure_ascii=False)


def dumps_tags(value: Mapping[str, list[str]]) -> str:
    """Storage form of a tags value (fluent: default ASCII escaping)."""
    return json.dumps(dict(value))


def text_output(value: Any, default_locale: str = "en") -> dict[str, Any]:
    """``fluent_text_output``: a dict, from a dict, a JSON string or a plain legacy string."""
    if isinstance(value, Mapping):
        return dict(value)
    if value is None or value == "":
        return {}
    parsed = parse_multilingual(value)
    if parsed is None:
        return {default_locale: value}
    return parsed


def tags_output(value: Any) -> dict[str, list[str]]:
    if isinstance(value, Mapping):
        return dict(value)
    parsed = parse_multilingual(value)
    return parsed or {}


def pick(value: Any, lang: str, fallbacks: Iterable[str] = DEFAULT_LANGUAGES
         ) -> tuple[Any, str | None, bool]:
    """The best text of a multilingual value for a reader of ``lang``.

    Returns ``(text, language_of_text, machine_translated)``: the ``lang`` value, else its
    machine translation, else the first fallback language (human before machine), else any
    non-empty value. ``language_of_text`` is the base language (``fr`` for ``fr-t-en``),
    None when nothing is filled. A plain string is returned as is, in no known language.
    """
    if isinstance(value, str):
        parsed = parse_multilingual(value)
        if parsed is None:
            return (value, None, False) if value else ("", None, False)
        value = parsed
    if not isinstance(value, Mapping):
        return ("", None, False)
    order = [lang, *[f for f in fallbacks if f != lang]]
    for candidate in order:
        if _filled(value.get(candidate)):
            return (value[candidate], candidate, False)
        for key in sorted(value):
            if machine_translation_target(key) == candidate and _filled(value[key]):
                return (value[key], candidate, True)
    for key in sorted(value):
        if _filled(value[key]):
            target = machine_translation_target(key)
            return (value[key], target or key, target is not None)
    return ("", None, False)


def contains_html(text: str) -> bool:
    return bool(HTML_TAG_RE.search(text))


def contains_script_url(text: str) -> bool:
    return bool(SCRIPT_URL_RE.search(text))


def contains_control_chars(text: str) -> bool:
    return bool(CONTROL_RE.search(text))


def split_tags(text: str) -> list[str]:
    """Form input ``"a, b,c"`` -> ``["a", "b", "c"]`` (blank items dropped)."""
    return [t.strip() for t in text.split(",") if t.strip()]
