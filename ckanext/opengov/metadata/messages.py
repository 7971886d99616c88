"""User-facing validation messages of multilingual fields, translated at call time.

Kept in one place so the same sentence reaches the API and the form, and so the French
catalogue has one msgid per sentence (French needs "la version anglaise", not a pasted
language name).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def language_name(lang: str) -> str:
    """The language's name in the UI language (``fr`` -> "French" / « français »)."""
    if lang == "en":
        return tk._("English")
    if lang == "fr":
        return tk._("French")
    target = lang.split("-t-")[0]
    if target != lang:
        return tk._("%s (machine translation)") % language_name(target)
    return lang


def version_required(lang: str) -> str:
    if lang == "en":
        return tk._("the English version is required")
    if lang == "fr":
        return tk._("the French version is required")
    return tk._('the version in "%s" is required') % lang


def version_too_long(lang: str, length: int, maximum: int) -> str:
    return tk._("the %(language)s version is too long (%(length)d characters, at most "
                "%(max)d)") % {"language": language_name(lang), "length": length, "max": maximum}


def html_not_allowed(lang: str) -> str:
    return tk._("the %s version contains HTML, which is not allowed here") % language_name(lang)


def unsafe_markup(lang: str) -> str:
    return tk._("the %s version contains a script, an embedded frame or an event handler, "
                "which are not allowed") % language_name(lang)


def control_characters(lang: str) -> str:
    return tk._("the %s version contains control characters") % language_name(lang)


def not_json() -> str:
    return tk._('not valid JSON: expected an object such as {"en": "...", "fr": "..."}')


def not_object() -> str:
    return tk._('expected an object with one value per language, such as '
                '{"en": "...", "fr": "..."}')


def tags_not_object() -> str:
    return tk._('expected an object with a list of keywords per language, such as '
                '{"en": ["water"], "fr": ["eau"]}')


def unknown_language(code: str) -> str:
    return tk._('unknown language code "%s"') % code


def not_text(lang: str) -> str:
    return tk._("the %s version must be text") % language_name(lang)


def not_tag_list(lang: str) -> str:
    return tk._("the %s keywords must be a list of text") % language_name(lang)


def bad_tag(lang: str, tag: str) -> str:
    return tk._('%(language)s keyword "%(tag)s" must be 2 to 140 characters, without '
                "< > or control characters") % {"language": language_name(lang), "tag": tag[:60]}


def too_many_tags(lang: str, maximum: int) -> str:
    return tk._("at most %(max)d %(language)s keywords") % {
        "max": maximum, "language": language_name(lang)}


def not_url(lang: str) -> str:
    return tk._("the %s version must be a web address starting with http:// or https://"
                ) % language_name(lang)
