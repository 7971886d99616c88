"""Validators of the base schema's coded, URL and date fields (messages in the UI language)."""
from __future__ import annotations

import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.opengov.metadata import fluent, vocab
from ckanext.opengov.metadata.validators import URL_RE, Validator, scheming_validator

MAX_URL = 2000
MAX_CODES = 200


def _vocabulary_name(field: dict[str, Any]) -> str:
    name = field.get("vocabulary")
    if not name:
        raise ValueError(f"field {field.get('field_name')} needs a 'vocabulary' key")
    vocab.vocabulary(name)  # fail at schema load, not at the first dataset
    return str(name)


def _unknown_code(value: Any) -> str:
    return tk._('unknown code "%s"') % str(value)[:80]


@scheming_validator
def opengov_choice(field: dict[str, Any], schema: dict[str, Any]) -> Callable[..., Any]:
    """One code of the field's ``vocabulary``; empty passes (``opengov_required`` decides)."""
    name = _vocabulary_name(field)

    def validator(value: Any) -> Any:
        if value is tk.missing or value is None or value == "":
            return value
        if not isinstance(value, str) or not vocab.is_valid(name, value):
            raise tk.Invalid(_unknown_code(value))
        return value

    return validator


@scheming_validator
def opengov_multiple_choice(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Zero or more codes of the field's ``vocabulary``: a list, a JSON list string or one
    code (a form with one box ticked); stored as a JSON list, as scheming does."""
    name = _vocabulary_name(field)

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        if errors.get(key):
            return
        value = data.get(key)
        if value is tk.missing or value is None or value == "":
            value = []
        if isinstance(value, str):
            if value.startswith("["):
                try:
                    value = json.loads(value)
                except ValueError:
                    errors[key].append(tk._("not valid JSON: expected a list of codes"))
                    return
            else:
                value = [value]
        if not isinstance(value, list):
            errors[key].append(tk._("expected a list of codes"))
            return
        if len(value) > MAX_CODES:
            errors[key].append(tk._("too many codes (at most %d)") % MAX_CODES)
            return
        for item in value:
            if not isinstance(item, str) or not vocab.is_valid(name, item):
                errors[key].append(_unknown_code(item))
        if field.get("required") and not value and not _federated(context, data):
            errors[key].append(tk._("Missing value"))
        if errors[key]:
            return
        # keep the submitted order but drop repeats
        data[key] = json.dumps(list(dict.fromkeys(value)))

    return validator


def _federated(context: Context, data: FlattenDataDict) -> bool:
    from ckanext.opengov.metadata.validators import is_federated  # it imports this module

    return is_federated(context, data)


def opengov_url(value: Any, context: Context) -> Any:
    """An http(s) web address (the API may not store ``javascript:`` links)."""
    if value is tk.missing or value is None or value == "":
        return value
    if not isinstance(value, str) or len(value) > MAX_URL or not URL_RE.match(value.strip()):
        raise tk.Invalid(tk._("must be a web address starting with http:// or https://"))
    return value.strip()


def opengov_sgc_code(value: Any, context: Context) -> Any:
    """A Statistics Canada SGC code: province/territory, census division or subdivision."""
    if value is tk.missing or value is None or value == "":
        return value
    if not isinstance(value, str) or not vocab.is_valid("sgc", value.strip()):
        raise tk.Invalid(tk._("must be a Statistics Canada SGC code, e.g. 35 (Ontario) or "
                              "3506008 (Ottawa)"))
    return value.strip()


def opengov_not_before(start_field: str) -> Validator:
    """The date (end of a period) must not precede ``start_field``."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        end = data.get(key)
        start = data.get(key[:-1] + (start_field,))
        if errors.get(key) or not end or not start or tk.missing in (end, start):
            return
        if str(end)[:10] < str(start)[:10]:
            errors[key].append(tk._("the end date is before the start date"))

    return validator


def opengov_contact_point(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                          context: Context) -> None:
    """Schema ``after_validators``: a contact email or a contact form web address."""
    email = data.get(("maintainer_email",))
    form = fluent.parse_multilingual(data.get(("maintainer_contact_form",))) or {}
    if errors.get(("maintainer_email",)) or errors.get(("maintainer_contact_form",)):
        return
    has_email = email not in (None, "", tk.missing)
    has_form = any(isinstance(v, str) and v.strip() for v in form.values())
    if not (has_email or has_form):
        errors.setdefault(("maintainer_email",), []).append(
            tk._("give a contact email or a contact form web address"))


def slugify(text: str, max_length: int = 80) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_length].strip("-")


def _title_for_name(data: FlattenDataDict, key: FlattenKey) -> str:
    extras = data.get(key[:-1] + ("__extras",))
    if isinstance(extras, dict):
        for lang in fluent.DEFAULT_LANGUAGES:
            text = extras.get(f"title_translated-{lang}")
            if isinstance(text, str) and text.strip():
                return text
    value = fluent.parse_multilingual(data.get(key[:-1] + ("title_translated",))) or {}
    text, _lang, _machine = fluent.pick(value, "en")
    if isinstance(text, str) and text:
        return text
    title = data.get(key[:-1] + ("title",))
    return title if isinstance(title, str) else ""


def opengov_dataset_name(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                         context: Context) -> None:
    """An empty URL name is made from the title, so stewards need not type one (and the
    form works without the slug JavaScript); a taken name gets a short random suffix."""
    value = data.get(key)
    if value not in (None, "", tk.missing):
        return
    model = context["model"]
    base = slugify(_title_for_name(data, key)) or "dataset"
    base = base if len(base) >= 2 else f"dataset-{base}"
    name = base
    while model.Package.get(name) is not None:
        name = f"{base[:90]}-{secrets.token_hex(3)}"
    data[key] = name


def opengov_format(value: Any, context: Context) -> Any:
    """A resource format from the vocabulary, matched without regard to case."""
    if value is tk.missing or value is None or value == "":
        return value
    if isinstance(value, str):
        for concept in vocab.vocabulary("format")["concepts"]:
            if concept["value"].lower() == value.strip().lower():
                return concept["value"]
    raise tk.Invalid(_unknown_code(value))


def opengov_media_type(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                       context: Context) -> None:
    """The IANA media type: from the format when empty, else one of the listed types."""
    value = data.get(key)
    fmt = data.get(key[:-1] + ("format",))
    known = {c["media_type"]: c["value"] for c in vocab.vocabulary("format")["concepts"]}
    if value in (None, "", tk.missing):
        found = vocab.concept("format", fmt) if isinstance(fmt, str) else None
        if found:
            data[key] = found["media_type"]
        return
    if value not in known:
        errors[key].append(tk._('unknown media type "%s"') % str(value)[:80])


def opengov_license(value: Any, context: Context) -> Any:
    """A licence id of the site's licence list (this suite's bundled one by default)."""
    if value is tk.missing or value is None or value == "":
        return value
    register = context["model"].Package.get_license_register()
    if value not in register:
        raise tk.Invalid(tk._('unknown licence "%s"') % str(value)[:80])
    return value


def validators() -> dict[str, Callable[..., Any]]:
    return {
        "opengov_choice": opengov_choice,
        "opengov_multiple_choice": opengov_multiple_choice,
        "opengov_url": opengov_url,
        "opengov_sgc_code": opengov_sgc_code,
        "opengov_not_before": opengov_not_before,
        "opengov_contact_point": opengov_contact_point,
        "opengov_dataset_name": opengov_dataset_name,
        "opengov_format": opengov_format,
        "opengov_media_type": opengov_media_type,
        "opengov_license": opengov_license,
    }
