"""Template helpers (``h.opengov_*``): multilingual values in the reader's language.

A value missing in the UI language falls back to the other language, shown with a marker
naming that language in itself ("(English)", "(français)") and the right ``lang``
attribute; machine translations carry a "machine translated" marker.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from markupsafe import Markup, escape

from ckanext.opengov.metadata import fluent, vocab

log = logging.getLogger(__name__)


def opengov_lang() -> str:
    """The UI language as a bare code (``fr`` for ``fr_CA``)."""
    try:
        return str(tk.h.lang() or "en").split("_")[0].split("-")[0]
    except (RuntimeError, TypeError):
        return tk.config.get("ckan.locale_default") or "en"


def _languages() -> list[str]:
    langs = tk.config.get("ckanext.opengov.schemas.languages")
    return langs.split() if isinstance(langs, str) else list(langs or fluent.DEFAULT_LANGUAGES)


def opengov_ml(value: Any, lang: str | None = None) -> dict[str, Any]:
    """``{"text", "lang", "fallback", "machine"}`` of a multilingual value for the reader."""
    ui = lang or opengov_lang()
    text, text_lang, machine = fluent.pick(value, ui, _languages())
    return {
        "text": text if isinstance(text, str) else ", ".join(map(str, text or [])),
        "lang": text_lang,
        "fallback": bool(text_lang) and text_lang != ui,
        "machine": machine,
    }


def opengov_ml_text(value: Any, lang: str | None = None) -> str:
    """Plain text of a multilingual value in the reader's language (for attributes, titles)."""
    return opengov_ml(value, lang)["text"]


def _markers(picked: dict[str, Any]) -> Markup:
    out = Markup("")
    if picked["fallback"] and picked["lang"]:
        name = fluent.ENDONYMS.get(picked["lang"], picked["lang"])
        out += Markup(' <span class="opengov-lang-marker badge bg-light text-dark" '
                      'lang="{0}">({1})</span>').format(picked["lang"], name)
    if picked["machine"]:
        out += Markup(' <span class="opengov-mt-marker badge bg-warning text-dark" '
                      'title="{0}">{1}</span>').format(
            tk._("This text was translated by a machine"), tk._("machine translated"))
    return out


def opengov_ml_html(value: Any, markdown: bool = False, tag: str = "span",
                    lang: str | None = None) -> Markup:
    """The value in the reader's language, HTML-escaped (Markdown rendered and sanitised by
    CKAN), in an element carrying its ``lang``, followed by the fallback/machine markers."""
    picked = opengov_ml(value, lang)
    if not picked["text"]:
        return Markup("")
    if tag not in ("span", "div", "p"):
        tag = "span"
    if markdown:
        body = Markup(tk.h.render_markdown(picked["text"]))
        tag = "div"
    else:
        body = escape(picked["text"])
    lang_attr = Markup(' lang="{0}"').format(picked["lang"]) if picked["lang"] else Markup("")
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), lang_attr, body) + _markers(picked)


def opengov_ml_extract(value: Any, extract_length: int = 180, tag: str = "p",
                       classes: str = "") -> Markup:
    """A plain-text extract of a multilingual Markdown value (listings: organizations,
    search results) in the reader's language, in an element carrying its ``lang``,
    followed by the markers; empty when no language is filled."""
    picked = opengov_ml(value)
    if not picked["text"]:
        return Markup("")
    if tag not in ("span", "div", "p"):
        tag = "p"
    attrs = Markup(' class="{0}"').format(classes) if classes else Markup("")
    if picked["lang"]:
        attrs += Markup(' lang="{0}"').format(picked["lang"])
    extract = tk.h.markdown_extract(picked["text"], extract_length=extract_length)
    return Markup("<{0}{1}>{2}{3}</{0}>").format(Markup(tag), attrs, extract,
                                                  _markers(picked))


def opengov_ml_markers(value: Any, lang: str | None = None) -> Markup:
    """Only the markers, for places that print the text themselves (e.g. truncated)."""
    return _markers(opengov_ml(value, lang))


def opengov_ml_tags(value: Any, lang: str | None = None) -> dict[str, Any]:
    """The keywords of the reader's language (or the fallback), with their language."""
    picked = fluent.pick(value, lang or opengov_lang(), _languages())
    tags, tag_lang, machine = picked
    ui = lang or opengov_lang()
    return {"tags": tags if isinstance(tags, list) else [], "lang": tag_lang,
            "fallback": bool(tag_lang) and tag_lang != ui, "machine": machine}


def opengov_vocabulary_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """Scheming ``choices_helper``: the choices of the field's ``vocabulary``."""
    return vocab.choices(field["vocabulary"])


def opengov_media_type_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for concept in vocab.vocabulary("format")["concepts"]:
        seen.setdefault(concept["media_type"], {"value": concept["media_type"],
                                                "label": concept["media_type"]})
    return sorted(seen.values(), key=lambda c: c["value"])


def opengov_choice_label(vocabulary: str, value: str, lang: str | None = None) -> str:
    return vocab.label(vocabulary, value, lang or opengov_lang())


def opengov_license_title(license_id: str, default: str | None = None) -> str:
    return vocab.license_title(license_id, opengov_lang()) or default or license_id


def opengov_license_url(license_id: str, default: str | None = None) -> str | None:
    return vocab.license_url(license_id, opengov_lang()) or default


def opengov_language_name(lang: str) -> str:
    from ckanext.opengov.metadata.messages import language_name

    return language_name(lang)


def opengov_form_label(field: dict[str, Any], lang: str) -> str:
    """The label of one language's input: the schema's ``fluent_form_label`` (itself a
    UI-language dict), else "<label> (<language>)"."""
    labels = field.get("fluent_form_label") or {}
    if lang in labels:
        return tk.h.scheming_language_text(labels[lang])
    return f"{tk.h.scheming_language_text(field.get('label', field['field_name']))} " \
           f"({opengov_language_name(lang)})"


def opengov_field_languages(field: dict[str, Any], schema: dict[str, Any] | None = None
                            ) -> list[str]:
    return fluent.form_languages(field, schema, _languages())


def opengov_field_required_languages(field: dict[str, Any],
                                     schema: dict[str, Any] | None = None) -> list[str]:
    return fluent.required_languages(field, schema, _languages())


def opengov_input_value(data: dict[str, Any], field: dict[str, Any], lang: str) -> str:
    """What a language's input shows: the re-submitted form value, else the stored one."""
    name = field["field_name"]
    submitted = data.get(f"{name}-{lang}")
    if submitted is not None:
        return submitted
    value = fluent.parse_multilingual(data.get(name)) or {}
    text = value.get(lang)
    if isinstance(text, list):
        return ", ".join(map(str, text))
    return text or ""


MULTILINGUAL_SNIPPETS = ("fluent_text.html", "fluent_markdown.html", "fluent_tags.html")


def opengov_language_completeness(fields: list[dict[str, Any]], data: dict[str, Any],
                                  schema: dict[str, Any] | None = None
                                  ) -> list[dict[str, Any]]:
    """Per language: how many multilingual fields of the form are filled, and which not.

    Rendered on the server above the form, so it works without JavaScript.
    """
    multilingual = [f for f in fields if f.get("form_snippet") in MULTILINGUAL_SNIPPETS]
    out = []
    for lang in _languages():
        relevant = [f for f in multilingual if lang in opengov_field_languages(f, schema)]
        missing = [f for f in relevant if not str(opengov_input_value(data, f, lang)).strip()]
        out.append({
            "lang": lang,
            "name": opengov_language_name(lang),
            "filled": len(relevant) - len(missing),
            "total": len(relevant),
            "missing": [tk.h.scheming_language_text(f.get("label", f["field_name"]))
                        for f in missing],
            "missing_required": [
                tk.h.scheming_language_text(f.get("label", f["field_name"]))
                for f in missing if lang in opengov_field_required_languages(f, schema)],
        })
    return out


def opengov_facet_label(facet: str, value: str) -> str:
    """Label of a facet value in the UI language (codes of this suite's vocabularies,
    formats, licences, HVD types); the value itself otherwise."""
    from ckanext.opengov.metadata.search import facet_label

    return facet_label(facet, value, opengov_lang()) or value


def opengov_error_line(label: str, message: str) -> str:
    """One line of the form's error summary: "Title: the English version is required"
    (French typography puts a space before the colon, hence a msgid)."""
    return tk._("%(label)s: %(message)s") % {"label": label, "message": message}



def opengov_completeness_line(row: dict[str, Any]) -> str:
    return tk._("%(language)s: %(filled)d of %(total)d multilingual fields filled") % {
        "language": row["name"], "filled": row["filled"], "total": row["total"]}


def opengov_missing_line(row: dict[str, Any]) -> str:
    return tk._("required but empty: %s") % ", ".join(row["missing_required"])


# --- Reader's-language display of core CKAN text (fr-display) -----------------------------


def _org_titles(keys: list[str]) -> dict[str, Any]:
    """``{id or name: title_translated}`` of the organizations named by id or name.

    package_show's ``organization`` and the search facets carry only the core (default
    language) title; the multilingual one is in the group's extras. One query for all keys,
    remembered for the request (a page asks for the same organization several times).
    """
    from ckan import model

    try:
        cache: dict[str, Any] = tk.g.setdefault("opengov_org_titles", {})
    except (RuntimeError, AttributeError, TypeError):
        cache = {}
    wanted = [k for k in dict.fromkeys(keys) if k and k not in cache]
    if wanted:
        for key in wanted:
            cache[key] = None
        # whole rows, not a Group.extras column: CKAN 2.12 stores extras in a JSONB
        # column, CKAN 2.11 behind an association proxy that cannot be selected
        groups = model.Session.query(model.Group).filter(
            model.Group.is_organization.is_(True),
            model.Group.id.in_(wanted) | model.Group.name.in_(wanted))
        for group in groups:
            gid, name = group.id, group.name
            value = fluent.parse_multilingual((group.extras or {}).get("title_translated"))
            for key in (gid, name):
                if key in cache:
                    cache[key] = value or None
    return {k: cache.get(k) for k in keys}


def opengov_org_title_translated(org: Any) -> Any:
    """The ``title_translated`` of an organization dict (looked up when the dict, like
    package_show's ``organization``, lacks it) or of an organization id or name."""
    if isinstance(org, dict):
        if org.get("title_translated"):
            return org["title_translated"]
        key = org.get("id") or org.get("name")
    else:
        key = org
    if not key or not isinstance(key, str):
        return None
    return _org_titles([key]).get(key)


def opengov_org_title(org: Any, default: str | None = None) -> str:
    """Plain text title of an organization in the reader's language (attributes, titles)."""
    text = opengov_ml_text(opengov_org_title_translated(org))
    if text:
        return text
    if isinstance(org, dict):
        return org.get("title") or org.get("display_name") or org.get("name") or default or ""
    return default or str(org or "")


def opengov_org_html(org: Any, default: str | None = None, length: int = 0) -> Markup:
    """The organization's title in the reader's language with its ``lang`` and markers
    (cut to ``length`` characters when given); ``default`` (or the core title) escaped when
    it has no multilingual title."""
    picked = opengov_ml(opengov_org_title_translated(org))
    text = picked["text"] or opengov_org_title(org, default)
    if length and len(text) > length:  # as Jinja's truncate filter: whole words, "..."
        text = text[:length - 3].rsplit(" ", 1)[0] + "..."
    if not picked["text"] or not picked["lang"]:
        return escape(text)
    return Markup('<span lang="{0}">{1}</span>').format(picked["lang"], text) + \
        _markers(picked)


def opengov_org_facet_labels(names: list[str], lang: str | None = None) -> dict[str, str]:
    """``{name: title in the reader's language}`` of organizations (facet items)."""
    titles = _org_titles(names)
    return {name: text for name, value in titles.items()
            if value and (text := opengov_ml_text(value, lang))}


def opengov_dataset_type_label(dataset_type: str | None) -> str:
    """A dataset type's label in the reader's language: the HVD type's bilingual label,
    CKAN's own "Dataset" for the base type, the titled type name otherwise (as CKAN)."""
    from ckanext.opengov.metadata.standards import hvd_type

    spec = hvd_type(dataset_type)
    if spec:
        return str(spec["label"].get(opengov_lang()) or spec["label"]["en"])
    return tk._((dataset_type or "dataset").title())


def opengov_vocabulary_labels(field: dict[str, Any], values: Any) -> list[str]:
    """Labels of a vocabulary field's codes in the reader's language: the vocabulary's label,
    the pattern's label for codes it accepts by pattern (census divisions and subdivisions
    under their province), else the code itself, never nothing."""
    if isinstance(values, str):
        values = [values]
    name = field.get("vocabulary")
    out = []
    for code in values or []:
        code = str(code)
        out.append(vocab.label(name, code, opengov_lang()) if name else code)
    return out


def opengov_popular_keywords(limit: int = 10) -> list[dict[str, Any]]:
    """The most used keywords of the reader's language (the ``vocab_<lang>_keywords``
    facet the search index holds): ``[{"name", "count", "field", "lang"}]``."""
    lang = opengov_lang()
    field = f"vocab_{lang}_keywords"
    try:
        result = tk.get_action("package_search")(
            {}, {"q": "*:*", "rows": 0, "facet.field": [field], "facet.limit": limit,
                 "include_private": False})
    except (tk.ValidationError, tk.ObjectNotFound, KeyError) as error:
        log.warning("popular keywords: %s", error)
        return []
    items = (result.get("search_facets") or {}).get(field, {}).get("items") or []
    items = sorted(items, key=lambda i: (-i["count"], i["name"]))[:limit]
    return [{"name": i["name"], "count": i["count"], "field": field, "lang": lang}
            for i in items]


@tk.chained_helper
def get_translated(next_helper: Any, data_dict: dict[str, Any], field: str) -> Any:
    """CKAN's ``h.get_translated`` with this suite's fallbacks: the reader's language, its
    machine translation, then the other language (CKAN's own only reads the exact key and
    falls back to the default-language core field). Organization dicts without their
    ``title_translated`` (package_show's ``organization``) are looked up."""
    if isinstance(data_dict, dict):
        value = data_dict.get(f"{field}_translated")
        if not value and field == "title" and (data_dict.get("is_organization")
                                               or data_dict.get("type") == "organization"):
            value = opengov_org_title_translated(data_dict)
        if value:
            text = opengov_ml_text(value)
            if text:
                return text
    return next_helper(data_dict, field)


@tk.chained_helper
def dataset_display_name(next_helper: Any, package: Any) -> str:
    if isinstance(package, dict) and package.get("title_translated"):
        text = opengov_ml_text(package["title_translated"])
        if text:
            return text
    return next_helper(package)


@tk.chained_helper
def resource_display_name(next_helper: Any, resource: dict[str, Any]) -> str:
    if isinstance(resource, dict) and resource.get("name_translated"):
        text = opengov_ml_text(resource["name_translated"])
        if text:
            return text
    return next_helper(resource)


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str, object_type: str,
                         purpose: str) -> str | None:
    """CKAN's type names ("Create Hvd road restrictions") with the HVD type's label in the
    reader's language instead of the type name."""
    text = next_helper(entity_type, object_type, purpose)
    if entity_type != "package" or not text:
        return text
    from ckanext.opengov.metadata.standards import hvd_type

    if not hvd_type(object_type):
        return text
    name = object_type.replace("_", " ").capitalize()
    label = opengov_dataset_type_label(object_type)
    return str(text).replace(name + "s", label).replace(name, label)


def chained_helpers() -> dict[str, Any]:
    """CKAN core helpers this suite chains (registered under their core names)."""
    return {"get_translated": get_translated, "dataset_display_name": dataset_display_name,
            "resource_display_name": resource_display_name,
            "humanize_entity_type": humanize_entity_type}


def all_helpers() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("opengov_") and callable(fn)}
