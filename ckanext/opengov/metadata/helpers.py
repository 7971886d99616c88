"""Template helpers (``h.opengov_*``): multilingual values in the reader's language.

A value missing in the UI language falls back to the other language, shown with a marker
naming that language in itself ("(English)", "(français)") and the right ``lang``
attribute; machine translations carry a "machine translated" marker.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from markupsafe import Markup, escape

from ckanext.opengov.metadata import fluent, vocab


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
    """Label of a facet value in the UI language (codes of this suite's vocabularies)."""
    from ckanext.opengov.metadata.search import FACET_VOCABULARIES

    name = FACET_VOCABULARIES.get(facet)
    if name:
        return vocab.label(name, value, opengov_lang())
    if facet in ("license_id",):
        return opengov_license_title(value, value)
    return value



def opengov_error_line(label: str, message: str) -> str:
    """One line of the form's error summary: "Title: the English version is required"
    (French typography puts a space before the colon, hence a msgid)."""
    return tk._("%(label)s: %(message)s") % {"label": label, "message": message}



def opengov_completeness_line(row: dict[str, Any]) -> str:
    return tk._("%(language)s: %(filled)d of %(total)d multilingual fields filled") % {
        "language": row["name"], "filled": row["filled"], "total": row["total"]}


def opengov_missing_line(row: dict[str, Any]) -> str:
    return tk._("required but empty: %s") % ", ".join(row["missing_required"])


def all_helpers() -> dict[str, Any]:
    return {name: fn for name, fn in globals().items()
            if name.startswith("opengov_") and callable(fn)}
