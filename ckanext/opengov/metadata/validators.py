"""Scheming validators for multilingual fields, registered by ckanext-fluent's names.

``fluent_text``, ``fluent_tags``, ``fluent_text_output``, ``fluent_tags_output`` and
``fluent_core_translated_output`` behave as ckanext-fluent (master) does, so a schema
written for fluent (open.canada.ca's) maps 1:1; the stricter checks (known language keys,
no HTML in plain text, length caps) are what this suite adds.

A value arrives three ways: a dict, a JSON string (legacy API clients), or one form input
per language (``title_translated-en``), which navl has gathered into ``__extras``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.opengov.metadata import fluent
from ckanext.opengov.metadata import messages as msg

DEFAULT_MAX_TEXT = 1000
DEFAULT_MAX_MARKDOWN = 20000
DEFAULT_MAX_TAGS = 100
MARKDOWN_SNIPPETS = ("fluent_markdown.html",)

# Markdown may carry plain HTML (CKAN's renderer sanitises it, and open.canada.ca notes use
# <ul><li>), but never active content: that is refused at the door, not only at render.
UNSAFE_MARKUP_RE = re.compile(
    r"(?i)<\s*/?\s*(script|iframe|object|embed|style|form|input|button|meta|link|base|svg|math)\b"
    r"|<[^>]*\bon[a-z]+\s*=|(?:javascript|vbscript)\s*:|data\s*:\s*text/html")
TAG_FORBIDDEN_RE = re.compile(r"[<>\x00-\x1f\x7f]")
URL_RE = re.compile(r"^https?://[^\s<>\"'{}|\\^`]+$")
URL_SNIPPETS = ("fluent_link.html",)

Validator = Callable[[FlattenKey, FlattenDataDict, FlattenErrorDict, Context], None]


def scheming_validator(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a factory that scheming calls with ``(field, schema)`` (same flag as scheming's)."""
    fn.is_a_scheming_validator = True  # type: ignore[attr-defined]
    return fn


def _enforce_required(schema: dict[str, Any], data: FlattenDataDict, key: FlattenKey) -> bool:
    """scheming's ``draft_fields_required: false`` lets drafts skip required languages."""
    if schema.get("draft_fields_required", True) is not False:
        return True
    state = data.get(key[:-1] + ("state",))
    return not (not state or state is tk.missing or str(state).startswith("draft"))


#: context flag set by the federation harvester on the datasets it writes
FEDERATED_FLAG = "opengov_federated"
#: stored provenance that marks a dataset as harvested from another portal
PROVENANCE_KEY = "federation_source_id"


def is_federated(context: Context, data: FlattenDataDict | None = None) -> bool:
    """Whether the dataset being validated comes from another portal.

    The one place that decides which requirements apply. A harvested record is what its
    publisher wrote: a multilingual field needs one language (the source's), not all of
    them, since nothing is machine translated or invented here; requirements only the
    publisher can satisfy (a contact point) are left to the Charter assessment to flag.
    True when the harvester says so (``context["opengov_federated"]``) or when the stored
    dataset carries federation provenance, so that later edits validate the same way.
    What a request submits is not trusted: a local dataset cannot opt out of the rules.
    """
    if context.get(FEDERATED_FLAG):
        return True
    package = context.get("package")
    package_id = data.get(("id",)) if data else None
    if package is None and isinstance(package_id, str) and package_id:
        package = context["model"].Package.get(package_id) if "model" in context else None
    if package is None or getattr(package, "type", None) == "harvest":
        return False
    # package.extras is loaded once per session: cheap enough to ask for every field
    return bool((getattr(package, "extras", None) or {}).get(PROVENANCE_KEY))


def unless_federated(validator: Validator) -> Validator:
    """A requirement only the publisher can satisfy: skipped for harvested datasets."""

    def wrapped(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                context: Context) -> None:
        if not is_federated(context, data):
            validator(key, data, errors, context)

    wrapped.__name__ = getattr(validator, "__name__", "validator")
    wrapped.__doc__ = validator.__doc__
    return wrapped


@scheming_validator
def opengov_required(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """``scheming_required``, except that a harvested dataset may leave the field empty.

    What a remote publisher did not say (a frequency, a theme, a licence) cannot be invented
    here: the record is kept as published and the Charter assessment reports the gap.
    """
    if not field.get("required"):
        return tk.get_validator("ignore_missing")
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        if is_federated(context, data):
            ignore_missing(key, data, errors, context)
        else:
            not_empty(key, data, errors, context)

    return validator


def _missing(value: dict[str, Any], required: list[str], alternates: dict[str, list[str]],
             context: Context, data: FlattenDataDict) -> list[str]:
    """Required languages left empty; for a harvested dataset, one language suffices."""
    if required and is_federated(context, data):
        if any(fluent.missing_languages(value, [lang], {}) == [] for lang in value):
            return []
        return ["*"]
    return fluent.missing_languages(value, required, alternates)


def _required_message(lang: str) -> str:
    if lang == "*":
        return tk._("a version in at least one language is required")
    return msg.version_required(lang)


def _require_languages(value: dict[str, Any], key: FlattenKey, data: FlattenDataDict,
                       errors: FlattenErrorDict, context: Context, required: list[str],
                       alternates: dict[str, list[str]], per_input: bool,
                       already_wrong: Collection[str] = ()) -> bool:
    """Record an error for each required language left empty; :returns: whether any.

    ``per_input`` (a form) puts each error on its language's input (``title_translated-fr``)
    so the form shows it beside that input; the API gets them on the field itself. A
    language ``already_wrong`` keeps its own, more precise error (a refused keyword leaves
    the language empty, but "required" would hide why).
    """
    missing = [lang for lang in _missing(value, required, alternates, context, data)
               if lang not in already_wrong]
    for lang in missing:
        if per_input and lang != "*":
            errors[key[:-1] + (f"{key[-1]}-{lang}",)] = [_required_message(lang)]
        elif per_input:
            errors[key] = [_required_message(lang)]
        else:
            errors[key].append(_required_message(lang))
    return bool(missing)


def _submitted_object(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                      not_object: str) -> dict[Any, Any] | None:
    """The value of a multilingual field sent as a dict or a JSON string (legacy API
    clients); nothing sent is ``{}``. On bad input: an error on the field and None."""
    value = data.get(key)
    if value is tk.missing or value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            errors[key].append(msg.not_json())
            return None
    if not isinstance(value, dict):
        errors[key].append(not_object)
        return None
    return value


def _site_languages() -> list[str]:
    langs = tk.config.get("ckanext.opengov.schemas.languages")
    return langs.split() if isinstance(langs, str) else list(langs or fluent.DEFAULT_LANGUAGES)


def _form_inputs(key: FlattenKey, data: FlattenDataDict) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``<name>-<lang>`` form inputs of a field and the extras dict they sit in."""
    extras = data.get(key[:-1] + ("__extras",))
    if not isinstance(extras, dict):
        return {}, {}
    prefix = key[-1] + "-"
    return {k[len(prefix):]: v for k, v in extras.items() if k.startswith(prefix)}, extras


def _check_text(lang: str, text: str, *, markdown: bool, max_length: int,
                is_url: bool = False) -> str | None:
    if fluent.contains_control_chars(text.replace("\t", " ")):
        return msg.control_characters(lang)
    if len(text) > max_length:
        return msg.version_too_long(lang, len(text), max_length)
    if is_url:
        return None if not text or URL_RE.match(text) else msg.not_url(lang)
    if markdown:
        if UNSAFE_MARKUP_RE.search(text):
            return msg.unsafe_markup(lang)
    elif fluent.contains_html(text) or fluent.contains_script_url(text):
        return msg.html_not_allowed(lang)
    return None


#: checks one language's submitted value:
#: ``(lang, raw, from_form, context) -> (value to store, problems)``
Convert = Callable[[str, Any, bool, Context], tuple[Any, list[str]]]


def _multilingual_validator(field: dict[str, Any], schema: dict[str, Any], convert: Convert,
                            dump: Callable[[dict[str, Any]], str], not_object: str
                            ) -> Validator:
    """The validator shared by ``fluent_text`` and ``fluent_tags``: they differ only in how
    one language's value is checked (``convert``) and stored (``dump``).

    Form inputs (``<name>-<lang>``) win over the field's value, as in fluent; a form gets
    each error beside its language's input, the API on the field. Nothing is stored unless
    every language passes.
    """
    site = _site_languages()
    required = fluent.required_languages(field, schema, site)
    alternates = fluent.alternate_languages(field, schema, site)
    allowed = fluent.allowed_keys(field, schema, site)

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        if errors.get(key):
            return
        inputs, extras = _form_inputs(key, data)
        from_form = bool(inputs)
        submitted = inputs if from_form else _submitted_object(key, data, errors, not_object)
        if submitted is None:
            return
        output: dict[str, Any] = {}
        wrong: set[str] = set()
        for lang, raw in submitted.items():
            if not isinstance(lang, str) or not fluent.key_allowed(lang, allowed):
                errors[key].append(msg.unknown_language(str(lang)))
                wrong.add(str(lang))
                continue
            output[lang], problems = convert(lang, raw, from_form, context)
            if problems and from_form:
                errors[key[:-1] + (f"{key[-1]}-{lang}",)] = problems
            errors[key].extend([] if from_form else problems)
            if problems:
                wrong.add(lang)
        missing = _enforce_required(schema, data, key) and _require_languages(
            output, key, data, errors, context, required, alternates, per_input=from_form,
            already_wrong=wrong)
        if wrong or missing:
            return
        for lang in inputs:
            extras.pop(f"{key[-1]}-{lang}", None)
        data[key] = dump(output)

    return validator


@scheming_validator
def fluent_text(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Accept a multilingual text as a dict, a JSON string or per-language form inputs;
    store it as a JSON object string."""
    markdown = field.get("form_snippet") in MARKDOWN_SNIPPETS or field.get("markdown") is True
    max_length = int(field.get("max_length")
                     or (DEFAULT_MAX_MARKDOWN if markdown else DEFAULT_MAX_TEXT))
    is_url = field.get("display_snippet") in URL_SNIPPETS or field.get("url") is True

    def convert(lang: str, text: Any, from_form: bool, context: Context
                ) -> tuple[Any, list[str]]:
        if text is None:
            text = ""
        elif from_form:
            text = str(text)
        elif not isinstance(text, str):
            return text, [msg.not_text(lang)]
        problem = _check_text(lang, text, markdown=markdown, max_length=max_length,
                              is_url=is_url)
        return text, [problem] if problem else []

    return _multilingual_validator(field, schema, convert, fluent.dumps_text, msg.not_object())


@scheming_validator
def fluent_tags(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Multilingual keywords: ``{"en": [..], "fr": [..]}`` or ``<name>-<lang>`` inputs of
    comma-separated keywords."""
    max_tags = int(field.get("max_tags") or DEFAULT_MAX_TAGS)
    tag_validators = [tk.get_validator(name)
                      for name in str(field.get("tag_validators", "")).split()]

    def check_tags(lang: str, tags: list[Any], context: Context
                   ) -> tuple[list[str], list[str]]:
        problems: list[str] = []
        out: list[str] = []
        if len(tags) > max_tags:
            problems.append(msg.too_many_tags(lang, max_tags))
        for tag in tags:
            if not isinstance(tag, str):
                problems.append(msg.not_tag_list(lang))
                continue
            tag = tag.strip()
            if not 2 <= len(tag) <= 140 or TAG_FORBIDDEN_RE.search(tag):
                problems.append(msg.bad_tag(lang, tag))
                continue
            try:
                for validate in tag_validators:
                    tag = validate(tag, context)
            except tk.Invalid as e:
                problems.append(f"{msg.language_name(lang)}: {e.error}")
                continue
            out.append(tag)
        return out, problems

    def convert(lang: str, tags: Any, from_form: bool, context: Context
                ) -> tuple[Any, list[str]]:
        if from_form:
            return check_tags(lang, fluent.split_tags(str(tags or "")), context)
        if not isinstance(tags, list):
            return [], [msg.not_tag_list(lang)]
        return check_tags(lang, tags, context)

    return _multilingual_validator(field, schema, convert, fluent.dumps_tags,
                                   msg.tags_not_object())


def fluent_text_output(value: Any) -> dict[str, Any]:
    return fluent.text_output(value, tk.config.get("ckan.locale_default") or "en")


def fluent_tags_output(value: Any) -> dict[str, list[str]]:
    return fluent.tags_output(value)


def _core_text(value: dict[str, Any]) -> str:
    text, _lang, _machine = fluent.pick(
        value, tk.config.get("ckan.locale_default") or "en", _site_languages())
    return text if isinstance(text, str) else ""


@scheming_validator
def fluent_core_translated_output(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Output: the value as a dict, and the core field (``title`` for ``title_translated``)
    set to its default-locale text, as fluent does."""
    name = field["field_name"]
    if not name.endswith(fluent.LANG_SUFFIX):
        raise ValueError(f"fluent_core_translated_output needs a *_translated field, not {name}")
    core = name[: -len(fluent.LANG_SUFFIX)]

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = fluent_text_output(data.get(key))
        data[key] = value
        core_key = key[:-1] + (core,)
        if core_key in data:
            data[core_key] = _core_text(value)

    return validator


@scheming_validator
def opengov_core_from_translated(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Input: fill the core field (``title``) from the multilingual one, so CKAN's own
    pages, sorting and activity stream show a real title rather than the URL name.

    navl runs keys in sorted order, so ``title`` has already been defaulted to the name
    when ``title_translated`` runs: overwrite it, the multilingual value is the truth.
    """
    name = field["field_name"]
    core = name[: -len(fluent.LANG_SUFFIX)]

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        if errors.get(key):
            return
        value = fluent.parse_multilingual(data.get(key))
        if not value:
            return
        text = _core_text(value)
        if text:
            data[key[:-1] + (core,)] = text

    return validator


def all_validators() -> dict[str, Callable[..., Any]]:
    from ckanext.opengov.metadata import field_validators

    found = field_validators.validators()
    return {
        "fluent_text": fluent_text,
        "fluent_tags": fluent_tags,
        "fluent_text_output": fluent_text_output,
        "fluent_tags_output": fluent_tags_output,
        "fluent_core_translated_output": fluent_core_translated_output,
        "opengov_core_from_translated": opengov_core_from_translated,
        "opengov_required": opengov_required,
        **found,
        # only the publisher can name a contact point: not asked of harvested datasets
        "opengov_contact_point": unless_federated(found["opengov_contact_point"]),
    }
