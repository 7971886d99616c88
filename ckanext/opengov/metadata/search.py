"""Search documents and queries in both languages.

``before_dataset_index`` writes per-language text fields (``title_en``, ``title_fr``,
``notes_*``, ``keywords_*``; the search engine analyses ``*_en`` as English and ``*_fr`` as
French and copies them into ``text_en`` / ``text_fr``) and flat string facet fields
(``vocab_*``). ``before_dataset_search`` boosts the reader's language in ``qf``.
Field names are the contract with opengov_pgsearch / the Solr schema addition.
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.opengov.metadata import fluent, vocab

LANGUAGES = fluent.DEFAULT_LANGUAGES

#: facet field -> vocabulary that labels its values
FACET_VOCABULARIES = {
    "vocab_subject": "subject",
    "vocab_jurisdiction": "jurisdiction",
    "vocab_geographic_region": "sgc",
    "vocab_frequency": "frequency",
    "vocab_restrictions": "restrictions",
    "vocab_language": "language",
    "vocab_resource_type": "resource_type",
}
#: dataset field -> facet field
FACET_SOURCES = {
    "subject": "vocab_subject",
    "jurisdiction": "vocab_jurisdiction",
    "geographic_region": "vocab_geographic_region",
    "frequency": "vocab_frequency",
    "restrictions": "vocab_restrictions",
    "language": "vocab_language",
}

# CKAN's own fields (ckan.lib.search.query.QUERY_FIELDS: name^4 title^4 tags^2 groups^2
# text) with core title and text demoted: the core title is the default-locale text, so at
# ^4 it would rank an English title above a French one on /fr/. They stay, for datasets
# without multilingual fields. The reader's language weighs twice the other one.
BASE_QF = "name^2 title tags^2 groups^2 text^0.5"
LANGUAGE_QF = "title_{0}^4 keywords_{0}^3 notes_{0}^2 text_{0}"
OTHER_LANGUAGE_QF = "title_{0}^2 keywords_{0}^1.5 notes_{0} text_{0}^0.5"


def _codes(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        if value.startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                return [value]
        else:
            return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return []


def _text_for(value: Any, lang: str) -> str:
    """The ``lang`` text of a multilingual value; a machine translation if nothing else."""
    parsed = fluent.parse_multilingual(value) if not isinstance(value, dict) else value
    if not parsed:
        return ""
    text = parsed.get(lang)
    if _filled(text):
        return text if isinstance(text, str) else ""
    for key in sorted(parsed):
        if fluent.machine_translation_target(key) == lang and _filled(parsed[key]):
            return parsed[key] if isinstance(parsed[key], str) else ""
    return ""


def _tags_for(value: Any, lang: str) -> list[str]:
    parsed = fluent.parse_multilingual(value) if not isinstance(value, dict) else value
    if not parsed:
        return []
    tags = parsed.get(lang)
    if not tags:
        for key in sorted(parsed):
            if fluent.machine_translation_target(key) == lang and parsed[key]:
                tags = parsed[key]
                break
    return [t for t in tags or [] if isinstance(t, str)]


def _filled(text: Any) -> bool:
    return isinstance(text, str) and bool(text.strip())


def index_fields(pkg: dict[str, Any]) -> dict[str, Any]:
    """The fields to add to a dataset's search document (pure: no CKAN state).

    Machine-translated values are indexed in their target language and listed in
    ``machine_translated_fields`` so a result can say so.
    """
    out: dict[str, Any] = {}
    machine: list[str] = []
    for lang in LANGUAGES:
        title = _text_for(pkg.get("title_translated"), lang)
        notes = _text_for(pkg.get("notes_translated"), lang)
        keywords = _tags_for(pkg.get("keywords"), lang)
        if title:
            out[f"title_{lang}"] = title
        if notes:
            out[f"notes_{lang}"] = notes
        if keywords:
            out[f"keywords_{lang}"] = keywords
            # the same keywords unanalysed, for a facet (the home page's popular keywords);
            # the language is not last, so no per-language text field pattern matches
            out[f"vocab_{lang}_keywords"] = keywords
        extra: list[str] = []
        for res in pkg.get("resources") or []:
            extra += [t for t in (_text_for(res.get("name_translated"), lang),
                                  _text_for(res.get("description_translated"), lang)) if t]
        extra += [t for t in (_text_for(pkg.get("provenance"), lang),) if t]
        for field, facet in FACET_SOURCES.items():
            extra += [vocab.label(FACET_VOCABULARIES[facet], code, lang)
                      for code in _codes(pkg.get(field))]
        if extra:
            out[f"text_{lang}"] = extra
    for field in ("title_translated", "notes_translated", "keywords"):
        parsed = fluent.parse_multilingual(pkg.get(field)) or {}
        if any(fluent.is_machine_translation(k) and parsed[k] for k in parsed):
            machine.append(field)
    if machine:
        out["machine_translated_fields"] = machine
    for field, facet in FACET_SOURCES.items():
        codes = _codes(pkg.get(field))
        if codes:
            out[facet] = codes
    themes = sorted({uri for code in _codes(pkg.get("subject"))
                     if (uri := vocab.uri("subject", code))})
    if themes:
        out["vocab_theme"] = themes
    res_types = sorted({r.get("resource_type") for r in pkg.get("resources") or []
                        if r.get("resource_type")})
    if res_types:
        out["vocab_resource_type"] = res_types
    return out


def before_index(pkg: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.before_dataset_index: add :func:`index_fields`.

    CKAN hands over the unvalidated dict, where scheming fields are still JSON strings;
    ``validated_data_dict`` has the resources' multilingual names as dicts.
    """
    source = pkg
    validated = pkg.get("validated_data_dict")
    if isinstance(validated, str):
        try:
            source = {**pkg, **json.loads(validated)}
        except ValueError:
            source = pkg
    pkg.update(index_fields(source))
    return pkg


def query_fields(lang: str, languages: tuple[str, ...] = LANGUAGES) -> str:
    parts = [BASE_QF, LANGUAGE_QF.format(lang)]
    parts += [OTHER_LANGUAGE_QF.format(other) for other in languages if other != lang]
    return " ".join(parts)


def before_search(search_params: dict[str, Any], lang: str) -> dict[str, Any]:
    """IPackageController.before_dataset_search: language boosts unless the caller set qf."""
    if not search_params.get("qf") and lang in LANGUAGES:
        search_params["qf"] = query_fields(lang)
    return search_params


def facet_label(facet: str, value: str, lang: str) -> str | None:
    """The ``lang`` label of a facet value: vocabulary codes, resource formats (matched as
    the format validator does, without regard to case), licences and HVD dataset types;
    None for a facet this suite does not label."""
    name = FACET_VOCABULARIES.get(facet)
    if name:
        return vocab.label(name, value, lang)
    if facet == "res_format":
        return vocab.format_label(value, lang)
    if facet == "license_id":
        return vocab.license_title(value, lang)
    if facet == "dataset_type":
        from ckanext.opengov.metadata.standards import hvd_type

        spec = hvd_type(value)
        return (spec["label"].get(lang) or spec["label"]["en"]) if spec else None
    return None


def label_facets(search_results: dict[str, Any], lang: str) -> dict[str, Any]:
    """IPackageController.after_dataset_search: facet items of this suite's vocabularies get
    their label in the reader's language as ``display_name`` (pages and API alike)."""
    import ckan.plugins.toolkit as tk

    facets = search_results.get("search_facets") or {}
    # organization items: CKAN labels them with the core (default-language) title
    org_items = (facets.get("organization") or {}).get("items") \
        if isinstance(facets.get("organization"), dict) else None
    org_labels: dict[str, str] = {}
    if org_items:
        from ckanext.opengov.metadata.helpers import opengov_org_facet_labels

        org_labels = opengov_org_facet_labels([str(i.get("name", "")) for i in org_items],
                                              lang)
    for facet, body in facets.items():
        if not isinstance(body, dict):
            continue
        for item in body.get("items") or []:
            label = facet_label(facet, str(item.get("name", "")), lang)
            if facet == "organization":
                label = org_labels.get(str(item.get("name", "")))
            if facet == "dataset_type" and item.get("name") == "dataset":
                label = tk._("Dataset")  # CKAN's own msgid: the base type
            if label:
                item["display_name"] = label
    return search_results
