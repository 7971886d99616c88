"""The built-in charter checks: pure functions ``check(dataset, ctx) -> Finding``.

Registered under the entry-point group ``ckanext.opengov.charter_checks`` (pyproject.toml), one
entry point per check id; an indicator of the methodology names its check by id. Each check
reads the suite's bilingual schema fields first, then the fields of plain CKAN, ckanext-dcat
harvests and open.canada.ca, so it gives a fair answer on all of them. A check that cannot run
(no stored link check, no SHACL report, no table schema) says ``not_assessed``, never ``pass``.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from ckanext.opengov.charter import fields as f
from ckanext.opengov.charter import vocab
from ckanext.opengov.charter.engine import (
    FAIL,
    N_,
    NOT_ASSESSED,
    PARTIAL,
    PASS,
    Context,
    Finding,
    Message,
    finding,
)

Dataset = dict[str, Any]

# Field names, suite schema first (see ckanext/opengov/schemas/dataset.yaml), then others.
ACCESS_RIGHTS = ("access_rights", "restrictions", "access_level", "accessLevel")
RIGHTS = ("rights", "access_rights_note", "rights_statement", "restriction_reason",
          "justification", "access_rights_justification")
ISSUED = ("issued", "date_published", "dcat_issued", "release_date", "publication_date",
          "portal_release_date")
MODIFIED = ("modified", "date_modified", "data_last_updated", "last_updated", "dcat_modified",
            "federated_date_modified")
FREQUENCY = ("frequency", "accrual_periodicity", "update_frequency", "maintenance_frequency",
             "accrualPeriodicity", "refresh_rate")
TEMPORAL_START = ("temporal_start", "time_period_coverage_start", "temporal_coverage_start",
                  "coverage_start")
TEMPORAL_END = ("temporal_end", "time_period_coverage_end", "temporal_coverage_end", "coverage_end")
TEMPORAL_ANY = ("temporal_coverage", "temporal", "time_period_coverage")
SPATIAL = ("spatial_coverage", "spatial_uri", "geographic_region", "spatial", "place",
           "coverage_spatial", "geographic_coverage")
DOCUMENTATION = ("landing_page", "documentation", "program_page_url", "homepage", "page",
                 "documentation_url", "url")
DOC_RESOURCE_TYPES = frozenset({"guide", "data_dictionary", "documentation", "specification",
                                "schema", "faq", "terminology", "metadata", "methodology"})
PROVENANCE = ("provenance", "collection_method", "lineage", "limitations", "data_quality",
              "methodology", "processing")
DESCRIPTION = ("notes_translated", "notes", "description")
KEYWORDS = ("keywords", "keyword", "tags", "tag_string")
THEMES = ("theme", "subject", "groups", "topic_category", "hvd_category", "category",
          "dcat_theme", "sector")
CONFORMS_TO = ("conforms_to", "hvd_standard", "data_standard", "standard", "conformsTo", "schema")
IDENTIFIER = ("identifier", "doi", "digital_object_identifier", "uri", "dcat_identifier", "guid",
              "persistent_identifier")
CONTACT = ("contact_point", "contact", "contact_points", "maintainer_email", "contact_email",
           "author_email", "maintainer_contact_form", "contact_uri", "contact_form",
           "contact_information")
CONTACT_NAMES = ("maintainer", "contact_name", "author")
PUBLISHER = ("publisher", "organization", "publisher_name", "publisher_uri", "owner_org")
TITLE = ("title_translated", "title")
RESOURCE_NAME = ("name_translated", "name")

_LOGIN_STATUSES = frozenset({401, 403, 407})
_EXT_RE = re.compile(r"\.([A-Za-z0-9]{2,8})(?:\.(?:zip|gz))?$")


# -------------------------------------------------------------------------------- helpers

def _resource_format(res: Mapping[str, Any]) -> tuple[str, bool]:
    """(format code, declared?): the declared format, else one guessed from the URL's extension."""
    declared = vocab.normalize_format(f.text(res.get("format")))
    if declared:
        return declared, True
    media = res.get("mimetype") or res.get("media_type")
    if isinstance(media, str) and media.strip():
        return vocab.normalize_format(media), False
    url = res.get("url")
    if isinstance(url, str):
        match = _EXT_RE.search(urlparse(url.strip()[:2000]).path or "")
        if match:
            return vocab.normalize_format(match.group(1)), False
    return "", False


def _formats(dataset: Dataset, ctx: Context) -> list[tuple[dict[str, Any], str, bool]]:
    key = "formats"
    if key not in ctx.cache:
        ctx.cache[key] = [(r, *_resource_format(r)) for r in f.resources(dataset)]
    return ctx.cache[key]


def _landing_pages(dataset: Dataset) -> list[str]:
    _, value = f.get(dataset, "landing_page", "url", "program_page_url", "homepage")
    return f.urls(value)


def _resource_urls(dataset: Dataset, ctx: Context, download_only: bool = False) -> list[str]:
    out = []
    for res, fmt, _ in _formats(dataset, ctx):
        url = res.get("download_url") or res.get("url")
        if not isinstance(url, str) or not f.is_url(url):
            continue
        if download_only and not _is_download(res, fmt):
            continue
        out.append(url.strip())
    return out


def link_urls(dataset: Dataset) -> list[str]:
    """Every URL the link indicators look up (resources, then landing pages), once each: what
    the background link checker checks."""
    out = []
    for res in f.resources(dataset):
        url = res.get("download_url") or res.get("url")
        if isinstance(url, str) and f.is_url(url):
            out.append(url.strip())
    return list(dict.fromkeys(out + _landing_pages(dataset)))


def _is_download(res: Mapping[str, Any], fmt: str) -> bool:
    if f.is_url(res.get("download_url")) or res.get("url_type") == "upload":
        return True
    if not f.is_url(res.get("url")):
        return False
    return bool(fmt) and fmt not in vocab.API_FORMATS and fmt not in ("HTML", "WEB_PAGE")


def _label(res: Mapping[str, Any]) -> str:
    return f.text(res.get("name")) or f.text(res.get("url")) or f.text(res.get("id"))


def _access_code(dataset: Dataset) -> tuple[str | None, str]:
    name, value = f.get(dataset, *ACCESS_RIGHTS)
    if name is None:
        return None, ""
    value = f.loads(value)
    if isinstance(value, dict):
        value = value.get("uri") or value.get("id") or f.text(value)
    return name, vocab.access_right_code(f.text(value))


def _is_public(dataset: Dataset) -> bool:
    if dataset.get("private") is True or str(dataset.get("private")).lower() == "true":
        return False
    _, code = _access_code(dataset)
    return not code or code in vocab.ACCESS_PUBLIC


def _link_summary(urls: list[str], ctx: Context) -> tuple[int, int, list[str], list[str]]:
    """(checked, reachable, broken URLs, login-walled URLs) from the stored link checks."""
    checked = reachable = 0
    broken: list[str] = []
    login: list[str] = []
    for url in dict.fromkeys(urls[:2000]):
        result = ctx.link_result(url)
        if not isinstance(result, dict):
            continue
        status = result.get("status")
        checked += 1
        if result.get("login") or status in _LOGIN_STATUSES:
            login.append(url)
        if isinstance(status, int) and 200 <= status < 400 and not result.get("error"):
            reachable += 1
        else:
            broken.append(url)
    return checked, reachable, broken, login


_BROKEN_REASONS = (
    ("http", N_("{count} answered with an HTTP error.")),
    ("timeout", N_("{count} did not answer in time.")),
    ("refused", N_("{count} were not checked: a private or local address, or an invalid URL.")),
    ("redirects", N_("{count} redirected too many times (a redirect loop).")),
    ("connection", N_("{count} could not be reached.")),
)


def _broken_evidence(found: Finding, broken: list[str], ctx: Context) -> Finding:
    """``found`` with why the broken links (its items) failed: one message per reason."""
    counts: dict[str, int] = {}
    for url in broken:
        result = ctx.link_result(url) or {}
        status, error = result.get("status"), result.get("error")
        if isinstance(status, int) and not error:
            reason = "http"
        else:
            reason = {"invalid": "refused", "too_large": "connection"}.get(str(error), str(error))
        key = reason if reason in dict(_BROKEN_REASONS) else "connection"
        counts[key] = counts.get(key, 0) + 1
    extra = tuple(Message(text, {"count": counts[key]}) for key, text in _BROKEN_REASONS
                  if counts.get(key))
    return dataclasses.replace(found, evidence=found.evidence + extra,
                               items=tuple(broken[:20]))


def _share_status(ok: int, total: int) -> tuple[str, float]:
    if total and ok == total:
        return PASS, 1.0
    if ok == 0:
        return FAIL, 0.0
    return PARTIAL, ok / total


def _date_source(dataset: Dataset, names: tuple[str, ...]) -> tuple[str | None, Any]:
    for name in names:
        found, value = f.get(dataset, name)
        if found and f.parse_date(f.text(value) if not isinstance(value, str) else value):
            return found, value
    return None, None


# -------------------------------------------------------------------------------- P1

def public_access(dataset: Dataset, ctx: Context) -> Finding:
    name, code = _access_code(dataset)
    declared = 1.0 if name else 0.0
    aligned = 1.0 if code in vocab.ACCESS_VOCABULARY else 0.0
    mqa = {"accessRightsAvailability": declared, "accessRightsVocabularyAlignment": aligned}
    if dataset.get("private") is True or str(dataset.get("private")).lower() == "true":
        return finding(FAIL, N_("The dataset is private."), mqa=mqa)
    if not name:
        return finding(
            PARTIAL, N_("The dataset is public, but its access rights are not declared."),
                       mqa=mqa)
    if code in vocab.ACCESS_PUBLIC:
        return finding(PASS, N_("The dataset is public (access rights: {value})."), mqa=mqa,
                       value=code.lower())
    if code in vocab.ACCESS_VOCABULARY:
        return finding(FAIL, N_("Access is restricted (access rights: {value})."), mqa=mqa,
                       value=code.lower())
    return finding(PARTIAL, N_("The access rights are not from the vocabulary: {value}."), mqa=mqa,
                   value=code.lower()[:80])


def justified_restriction(dataset: Dataset, ctx: Context) -> Finding:
    name, value = f.get(dataset, *RIGHTS)
    res_rights = any(f.is_filled(r.get("rights")) for r in f.resources(dataset))
    mqa = {"rightsAvailability": 1.0 if (name or res_rights) else 0.0}
    if _is_public(dataset):
        return finding(PASS, N_("Access is public: no justification is needed."), mqa=mqa)
    if name:
        return finding(PASS, N_("The restriction is explained: {text}"), mqa=mqa,
                       text=f.text(value)[:200])
    return finding(FAIL, N_("Access is restricted and no reason is given."), mqa=mqa)


def _column_names(res: Mapping[str, Any]) -> list[str] | None:
    schema = f.loads(res.get("schema"))
    names: list[str] = []
    found = False
    if isinstance(schema, dict) and isinstance(schema.get("fields"), list):
        found = True
        names += [str(c.get("name")) for c in schema["fields"][:2000] if isinstance(c, dict)]
    for key in ("datastore_fields", "fields"):
        cols = f.loads(res.get(key))
        if isinstance(cols, list):
            found = True
            names += [str(c.get("id") or c.get("name")) if isinstance(c, dict) else str(c)
                      for c in cols[:2000]]
    return names if found else None


def pii_screen(dataset: Dataset, ctx: Context) -> Finding:
    patterns = [str(p).lower() for p in ctx.param("pii_screen", "patterns", []) or []]
    described = False
    flagged: list[str] = []
    for res in f.resources(dataset):
        names = _column_names(res)
        if names is None:
            continue
        described = True
        for name in names:
            tokens = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
            if any(tokens == p or tokens.startswith(p + "_") or tokens.endswith("_" + p)
                   or f"_{p}_" in tokens for p in patterns):
                flagged.append(name)
    if not described:
        return finding(
            NOT_ASSESSED, N_("No resource describes its columns, so they cannot be screened."))
    if flagged:
        return finding(
            PARTIAL, N_("{count} column names suggest personal information; review them."),
                       items=sorted(set(flagged)), count=len(set(flagged)))
    return finding(PASS, N_("No column name suggests personal information."))


# -------------------------------------------------------------------------------- P2

def issued_date(dataset: Dataset, ctx: Context) -> Finding:
    name, value = _date_source(dataset, ISSUED)
    if name:
        return finding(PASS, N_("Released on {date}."), mqa={"dateIssuedAvailability": 1.0},
                       date=f.parse_date(str(value)).date().isoformat())  # type: ignore[union-attr]
    created = f.parse_date(dataset.get("metadata_created"))
    if created:
        return finding(PARTIAL, N_("No release date; the catalogue record was created on {date}."),
                       mqa={"dateIssuedAvailability": 1.0}, date=created.date().isoformat())
    return finding(FAIL, N_("No release date is given."), mqa={"dateIssuedAvailability": 0.0})


def _data_modified(dataset: Dataset) -> tuple[Any, str]:
    """(date, source) of the last change of the data: declared, else resources, else the record."""
    name, value = _date_source(dataset, MODIFIED)
    if name:
        return f.parse_date(str(value)), "declared"
    parsed = (f.parse_date(r.get("last_modified")) for r in f.resources(dataset))
    dates = [d for d in parsed if d is not None]
    if dates:
        return max(dates), "resources"
    record = f.parse_date(dataset.get("metadata_modified"))
    return (record, "record") if record else (None, "")


def modified_date(dataset: Dataset, ctx: Context) -> Finding:
    date, source = _data_modified(dataset)
    if date is None:
        return finding(
            FAIL, N_("No modification date is given."), mqa={"dateModifiedAvailability": 0.0})
    if source == "record":
        return finding(
            PARTIAL, N_("No data modification date; the catalogue record changed on {date}."),
                       mqa={"dateModifiedAvailability": 1.0}, date=date.date().isoformat())
    if source == "resources":
        return finding(PASS, N_("A resource was last modified on {date}."),
                       mqa={"dateModifiedAvailability": 1.0}, date=date.date().isoformat())
    return finding(PASS, N_("Last modified on {date}."), mqa={"dateModifiedAvailability": 1.0},
                   date=date.date().isoformat())


def _frequency(dataset: Dataset) -> tuple[str, float | str | None]:
    _, value = f.get(dataset, *FREQUENCY)
    value = f.loads(value)
    if isinstance(value, dict):
        value = value.get("uri") or value.get("id") or value.get("value") or f.text(value)
    raw = f.text(value)
    return raw, vocab.frequency_period(raw)


def frequency_declared(dataset: Dataset, ctx: Context) -> Finding:
    raw, period = _frequency(dataset)
    if not raw:
        return finding(FAIL, N_("No update frequency is declared."))
    if period is None:
        return finding(PARTIAL, N_("The update frequency is not from a known list: {value}."),
                       value=raw[:80])
    return finding(PASS, N_("Declared update frequency: {value}."), value=raw[:80])


def freshness(dataset: Dataset, ctx: Context) -> Finding:
    raw, period = _frequency(dataset)
    if not raw:
        return finding(
            FAIL, N_("No update frequency is declared, so the data cannot be shown to be "
                     "up to date."))
    if period is None:
        return finding(
            NOT_ASSESSED, N_("The update frequency {value} is not understood."), value=raw[:80])
    if period == vocab.IRREGULAR:
        return finding(
            NOT_ASSESSED, N_("The data is updated irregularly ({value}): freshness cannot be "
                             "measured."),
                       value=raw[:80])
    if period == vocab.NEVER:
        return finding(PASS, N_("No updates are planned ({value})."), value=raw[:80])
    date, source = _data_modified(dataset)
    if date is None:
        return finding(
            FAIL, N_("No modification date is given, so the age of the data is unknown."))
    if not isinstance(period, (int, float)):
        return finding(
            NOT_ASSESSED, N_("The update frequency {value} is not understood."), value=raw[:80])
    age = max((ctx.now - date).total_seconds() / 86400, 0.0)
    ratio = age / period
    grace = float(ctx.param("freshness", "grace", 1.5))
    zero_at = max(float(ctx.param("freshness", "zero_at", 3.0)), grace + 0.01)
    params = {"age": int(age), "period": round(period, 1) if period < 10 else int(period),
              "date": date.date().isoformat()}
    if ratio <= grace:
        return finding(
            PASS, N_("Last modified {age} days ago ({date}); expected every {period} days."),
                       **params)
    if ratio >= zero_at:
        return finding(
            FAIL, N_("Last modified {age} days ago ({date}); expected every {period} days: "
                     "overdue."),
                       **params)
    fraction = (zero_at - ratio) / (zero_at - grace)
    return finding(
        PARTIAL, N_("Last modified {age} days ago ({date}); expected every {period} days: late."),
                   fraction=fraction, **params)


def temporal_coverage(dataset: Dataset, ctx: Context) -> Finding:
    _, start = f.get(dataset, *TEMPORAL_START)
    _, end = f.get(dataset, *TEMPORAL_END)
    _, other = f.get(dataset, *TEMPORAL_ANY)
    other = f.loads(other)
    if isinstance(other, list) and other:
        other = other[0]
    if isinstance(other, dict):
        start = start or other.get("start") or other.get("startDate")
        end = end or other.get("end") or other.get("endDate")
        other = None
    start_d = f.parse_date(f.text(start))
    end_d = f.parse_date(f.text(end))
    if start_d and end_d:
        return finding(PASS, N_("Covers {start} to {end}."), mqa={"temporalAvailability": 1.0},
                       start=start_d.date().isoformat(), end=end_d.date().isoformat())
    _, period = _frequency(dataset)
    if start_d and isinstance(period, float | int):
        return finding(PASS, N_("Covers {start} onwards (an ongoing series)."),
                       mqa={"temporalAvailability": 1.0}, start=start_d.date().isoformat())
    if start_d or end_d or f.is_filled(other):
        return finding(PARTIAL, N_("The temporal coverage is incomplete or not a date range."),
                       mqa={"temporalAvailability": 1.0})
    return finding(FAIL, N_("No temporal coverage is given."), mqa={"temporalAvailability": 0.0})


def documentation(dataset: Dataset, ctx: Context) -> Finding:
    found: list[str] = []
    for name in DOCUMENTATION:
        _, value = f.get(dataset, name)
        found += f.urls(value)
    for res in f.resources(dataset):
        rtype = f.text(res.get("resource_type")).lower()
        if rtype in DOC_RESOURCE_TYPES:
            found.append(f.text(res.get("url")) or f.text(res.get("name")) or rtype)
    _, standard = f.get(dataset, *CONFORMS_TO)
    found += f.urls(standard)
    if found:
        return finding(PASS, N_("{count} documentation links found."), items=found,
                       count=len(found))
    return finding(FAIL, N_("No landing page, documentation or data dictionary is linked."))


def provenance(dataset: Dataset, ctx: Context) -> Finding:
    name, _ = f.get(dataset, *PROVENANCE)
    _, notes = f.get(dataset, *DESCRIPTION)
    length = len(f.text(notes))
    minimum = int(ctx.param("provenance", "min_description_chars", 100))
    long_enough = length >= minimum
    if name and long_enough:
        return finding(PASS, N_("Provenance is given and the description has {length} characters."),
                       length=length)
    if name:
        return finding(
            PARTIAL, N_("Provenance is given, but the description has only {length} characters "
                        "(at least {minimum} expected)."),
                       length=length, minimum=minimum)
    if long_enough:
        return finding(
            PARTIAL, N_("The description has {length} characters, but no provenance is given."),
                       length=length)
    return finding(
        FAIL, N_("No provenance is given and the description has only {length} characters."),
                   length=length)


# -------------------------------------------------------------------------------- P3

def _licence(dataset: Dataset) -> dict[str, Any]:
    """What the dataset says about its licence: id, url, title, canonical id, open or not."""
    license_id = f.text(dataset.get("license_id"))
    url = f.text(dataset.get("license_url"))
    title = f.text(dataset.get("license_title"))
    _, extra = f.get(dataset, "license", "licence", "dcat_license", "license_uri")
    extra_text = f.text(extra)
    if not url and f.is_url(extra_text):
        url = extra_text
    elif not title:
        title = extra_text
    if not (license_id or url or title):
        for res in f.resources(dataset):
            lic = f.text(res.get("license") or res.get("license_id"))
            if lic:
                url, title = (lic, "") if f.is_url(lic) else ("", lic)
                break
    canon = vocab.licence_by_id(license_id) or vocab.licence_by_url(url)
    if canon and canon in vocab.GENERIC_LICENCES and vocab.licence_by_url(url):
        canon = vocab.licence_by_url(url)
    closed = license_id.lower() in vocab.CLOSED_LICENCES
    isopen = dataset.get("isopen")
    if canon:
        is_open: bool | None = True
    elif closed:
        is_open = False
    elif isopen is True or "approved" in (f.text(dataset.get("od_conformance")),
                                          f.text(dataset.get("osd_conformance"))) \
            or vocab.open_by_name(title) or vocab.open_by_name(license_id):
        is_open = True
    else:
        is_open = None
    return {"id": license_id, "url": url, "title": title or license_id, "canon": canon,
            "open": is_open, "any": bool(license_id or url or title)}


def open_licence(dataset: Dataset, ctx: Context) -> Finding:
    lic = _licence(dataset)
    mqa = {"licenseAvailability": 1.0 if lic["any"] else 0.0}
    label = (lic["canon"] or lic["title"] or lic["url"])[:120]
    if not lic["any"]:
        return finding(FAIL, N_("No licence is given."), mqa=mqa)
    if lic["open"]:
        return finding(PASS, N_("Open licence: {licence}."), mqa=mqa, licence=label)
    if lic["open"] is False:
        return finding(FAIL, N_("The licence {licence} is not an open licence."), mqa=mqa,
                       licence=label)
    return finding(FAIL, N_("The licence {licence} is not a recognised open licence."), mqa=mqa,
                   licence=label)


def licence_known(dataset: Dataset, ctx: Context) -> Finding:
    lic = _licence(dataset)
    if not lic["any"]:
        return finding(FAIL, N_("No licence is given."))
    if lic["canon"] and lic["canon"] not in vocab.GENERIC_LICENCES:
        return finding(PASS, N_("Registered licence: {licence}."), licence=lic["canon"])
    if lic["url"] and f.is_url(lic["url"]):
        return finding(PASS, N_("The licence is identified by its URL: {licence}."),
                       licence=lic["url"][:200])
    if lic["id"].lower() in vocab.REGISTERED_CLOSED:
        return finding(PASS, N_("Registered licence: {licence}."), licence=lic["id"][:80])
    if lic["canon"] or lic["id"].lower() in vocab.GENERIC_CLOSED:
        return finding(
            PARTIAL, N_("The licence is a generic entry ({licence}), not a named licence."),
                       licence=lic["id"][:80])
    return finding(FAIL, N_("The licence is free text, not a registered licence: {licence}."),
                   licence=lic["title"][:120])


def access_url_works(dataset: Dataset, ctx: Context) -> Finding:
    urls = _resource_urls(dataset, ctx) + _landing_pages(dataset)
    if not urls:
        return finding(FAIL, N_("No resource or landing page has a URL."),
                       mqa={"accessUrlStatusCode": 0.0})
    checked, ok, broken, _ = _link_summary(urls, ctx)
    if not checked:
        return finding(NOT_ASSESSED, N_("The links have not been checked yet."))
    status, share = _share_status(ok, checked)
    return _broken_evidence(
        finding(status, N_("{ok} of {checked} checked links work."), fraction=share,
                mqa={"accessUrlStatusCode": share}, ok=ok, checked=checked), broken, ctx)


def download_url(dataset: Dataset, ctx: Context) -> Finding:
    formats = _formats(dataset, ctx)
    downloads = [r for r, fmt, _ in formats if _is_download(r, fmt)]
    sized = any(_positive(r.get("size") or r.get("byte_size")) for r, _, _ in formats)
    mqa = {"downloadUrlAvailability": 1.0 if downloads else 0.0,
           "byteSizeAvailability": 1.0 if sized else 0.0}
    if downloads:
        return finding(
            PASS, N_("{count} of {total} resources can be downloaded directly."), mqa=mqa,
                       count=len(downloads), total=len(formats))
    return finding(FAIL, N_("No resource links directly to a data file."), mqa=mqa)


def _positive(value: Any) -> bool:
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


def download_url_works(dataset: Dataset, ctx: Context) -> Finding:
    urls = _resource_urls(dataset, ctx, download_only=True)
    if not urls:
        return finding(FAIL, N_("There is no download URL to check."),
                       mqa={"downloadUrlStatusCode": 0.0})
    checked, ok, broken, _ = _link_summary(urls, ctx)
    if not checked:
        return finding(NOT_ASSESSED, N_("The download links have not been checked yet."))
    status, share = _share_status(ok, checked)
    return _broken_evidence(
        finding(status, N_("{ok} of {checked} checked download links work."), fraction=share,
                mqa={"downloadUrlStatusCode": share}, ok=ok, checked=checked), broken, ctx)


def _format_check(dataset: Dataset, ctx: Context, accepted: frozenset[str], metric: str,
                  ok_msg: str, bad_msg: str) -> Finding:
    formats = _formats(dataset, ctx)
    if not formats:
        return finding(FAIL, N_("The dataset has no resources."), mqa={metric: 0.0})
    codes = sorted({fmt for _, fmt, _ in formats if fmt})
    good = sorted(c for c in codes if c in accepted)
    # MQA takes the declared format or media type only, never a guess from the URL
    declared = any(fmt in accepted for _, fmt, was_declared in formats if was_declared)
    if good:
        return finding(PASS, ok_msg, mqa={metric: 1.0 if declared else 0.0}, items=good,
                       formats=", ".join(good[:10]))
    return finding(FAIL, bad_msg, mqa={metric: 0.0}, items=codes,
                   formats=", ".join(codes[:10]) or "-")


def machine_readable(dataset: Dataset, ctx: Context) -> Finding:
    return _format_check(
        dataset, ctx, vocab.MACHINE_READABLE, "formatMediaTypeMachineInterpretable",
                         N_("Machine-readable formats: {formats}."),
                         N_("No machine-readable format (formats: {formats})."))


def non_proprietary(dataset: Dataset, ctx: Context) -> Finding:
    return _format_check(dataset, ctx, vocab.NON_PROPRIETARY, "formatMediaTypeNonProprietary",
                         N_("Open formats: {formats}."),
                         N_("No open, non-proprietary format (formats: {formats})."))


def no_registration(dataset: Dataset, ctx: Context) -> Finding:
    urls = _resource_urls(dataset, ctx) + _landing_pages(dataset)
    checked, _, _, login = _link_summary(urls, ctx)
    if not checked:
        return finding(NOT_ASSESSED, N_("The links have not been checked yet."))
    if login:
        status, share = _share_status(checked - len(login), checked)
        return finding(status, N_("{count} links ask for a login."), fraction=share, items=login,
                       count=len(login))
    return finding(PASS, N_("No checked link asks for a login."))


def _tags(dataset: Dataset) -> list[str]:
    out: list[str] = []
    for name in KEYWORDS:
        value = f.loads(dataset.get(name)) if isinstance(dataset, dict) else None
        if value is None:
            continue
        if isinstance(value, dict):
            for v in value.values():
                out += [f.text(t) for t in f.as_list(v)]
        elif isinstance(value, list):
            out += [f.text(t.get("display_name") or t.get("name")) if isinstance(t, dict)
                    else f.text(t) for t in value[:500]]
        elif isinstance(value, str):
            out += [t.strip() for t in value.split(",")]
    return [t for t in out if t]


def _themes(dataset: Dataset) -> list[str]:
    out: list[str] = []
    for name in THEMES:
        _, value = f.get(dataset, name)
        for item in f.as_list(value):
            if isinstance(item, dict):
                item = item.get("display_name") or item.get("title") or item.get("name")
            t = f.text(item)
            if t:
                out.append(t)
    return out


def discoverability(dataset: Dataset, ctx: Context) -> Finding:
    tags, themes = _tags(dataset), _themes(dataset)
    mqa = {"keywordAvailability": 1.0 if tags else 0.0,
           "categoryAvailability": 1.0 if themes else 0.0}
    if tags and themes:
        return finding(PASS, N_("{keywords} keywords and {themes} themes."), mqa=mqa,
                       keywords=len(tags), themes=len(themes))
    if tags:
        return finding(PARTIAL, N_("Keywords are given, but no theme."), mqa=mqa)
    if themes:
        return finding(PARTIAL, N_("A theme is given, but no keywords."), mqa=mqa)
    return finding(FAIL, N_("Neither keywords nor a theme are given."), mqa=mqa)


# -------------------------------------------------------------------------------- P4

def dcat_ap_conformance(dataset: Dataset, ctx: Context) -> Finding:
    result = ctx.shacl_result(dataset)
    if not isinstance(result, dict):
        return finding(NOT_ASSESSED, N_("The DCAT-AP validation has not run for this dataset yet."))
    violations = result.get("violations")
    count = violations if isinstance(violations, int) else (
        len(violations) if isinstance(violations, list) else None)
    checked = f.parse_date(result.get("checked"))
    when = checked.date().isoformat() if checked else "-"
    if result.get("conforms") is True or count == 0:
        return finding(PASS, N_("Conforms to DCAT-AP (validated {date})."), date=when)
    if result.get("conforms") is False or (count or 0) > 0:
        return finding(FAIL, N_("{count} DCAT-AP violations (validated {date})."),
                       count=count if count is not None else "?", date=when)
    return finding(NOT_ASSESSED, N_("The DCAT-AP validation result is unreadable."))


def controlled_format(dataset: Dataset, ctx: Context) -> Finding:
    formats = _formats(dataset, ctx)
    if not formats:
        return finding(FAIL, N_("The dataset has no resources."),
                       mqa={"formatAvailability": 0.0, "mediaTypeAvailability": 0.0,
                            "formatMediaTypeVocabularyAlignment": 0.0})
    good = 0
    bad: list[str] = []
    best_alignment = 0.0
    any_format = any_media = False
    for res, fmt, declared in formats:
        media = res.get("mimetype") or res.get("media_type")
        has_media = vocab.is_media_type(media)
        known = declared and fmt in vocab.FILE_TYPES
        any_format = any_format or declared
        any_media = any_media or f.is_filled(media)
        best_alignment = max(best_alignment, 0.5 * known + 0.5 * has_media)
        if known and has_media:
            good += 1
        else:
            bad.append(_label(res))
    status, share = _share_status(good, len(formats))
    return finding(status, N_("{ok} of {total} resources have a known format and media type."),
                   fraction=share, items=bad, ok=good, total=len(formats),
                   mqa={"formatAvailability": 1.0 if any_format else 0.0,
                        "mediaTypeAvailability": 1.0 if any_media else 0.0,
                        "formatMediaTypeVocabularyAlignment": best_alignment})


def declares_standard(dataset: Dataset, ctx: Context) -> Finding:
    found: list[str] = []
    _, value = f.get(dataset, *CONFORMS_TO)
    if value is not None:
        found += [f.text(v) for v in f.as_list(value)] or [f.text(value)]
    for res in f.resources(dataset):
        for key in ("conforms_to", "schema", "data_standard"):
            v = f.loads(res.get(key))
            if isinstance(v, dict) and v:
                found.append(f.text(v.get("name") or v.get("title") or v.get("$schema")) or key)
            elif f.is_filled(v):
                found += [f.text(x) for x in f.as_list(v)]
    found = [x for x in dict.fromkeys(found) if x]
    if found:
        return finding(PASS, N_("Declared standards: {standards}."), items=found,
                       standards=", ".join(found[:5])[:300])
    return finding(FAIL, N_("No data standard or schema is declared."))


# a "warn" report (opengov_schemas standard checks) found no error: the data follows the standard
_VALID = frozenset({"valid", "pass", "passed", "success", "ok", "conforms", "true", "warn",
                    "warning"})
_INVALID = frozenset({"invalid", "fail", "failed", "failure", "errors", "false", "not_conform"})


def _stored_check(res: Mapping[str, Any]) -> bool | None:
    """True/False from a resource's stored standard check or validation status; None if absent."""
    stored = f.loads(res.get("standard_check"))
    if isinstance(stored, dict):
        if isinstance(stored.get("valid"), bool):
            return stored["valid"]
        status = f.text(stored.get("status")).lower()
        if status in _VALID:
            return True
        if status in _INVALID:
            return False
        errors = stored.get("errors")
        if isinstance(errors, (int, list)) and not isinstance(errors, bool) and status == "":
            return (errors if isinstance(errors, int) else len(errors)) == 0
    elif isinstance(stored, str) and stored.strip().lower() in _VALID | _INVALID:
        return stored.strip().lower() in _VALID
    status = f.text(res.get("validation_status")).lower()
    if status in _VALID:
        return True
    if status in _INVALID:
        return False
    return None


def standard_conformance(dataset: Dataset, ctx: Context) -> Finding:
    valid = invalid = 0
    failing: list[str] = []
    for res in f.resources(dataset):
        result = _stored_check(res)
        if result is True:
            valid += 1
        elif result is False:
            invalid += 1
            failing.append(_label(res))
    if not valid + invalid:
        return finding(NOT_ASSESSED, N_("No resource has been checked against a data standard."))
    status, share = _share_status(valid, valid + invalid)
    return finding(status, N_("{ok} of {checked} checked resources follow their standard."),
                   fraction=share, items=failing, ok=valid, checked=valid + invalid)


def spatial_coverage(dataset: Dataset, ctx: Context) -> Finding:
    name, value = f.get(dataset, *SPATIAL)
    if name is None:
        return finding(FAIL, N_("No spatial coverage is given."), mqa={"spatialAvailability": 0.0})
    value = f.loads(value)
    values = value if isinstance(value, list) else [value]
    identified = any(_spatial_identifier(item) for item in values[:100])
    shown = f.text(value)[:120] or name
    if identified:
        return finding(PASS, N_("Spatial coverage: {value}."), mqa={"spatialAvailability": 1.0},
                       value=shown)
    return finding(PARTIAL, N_("The spatial coverage is free text, not an identifier: {value}."),
                   mqa={"spatialAvailability": 1.0}, value=shown)


def _spatial_identifier(item: Any) -> bool:
    """A geometry, a URI or a numeric geographic code (Statistics Canada SGC)."""
    if isinstance(item, dict):
        return bool(item.get("type") and "coordinates" in item or f.is_url(item.get("uri"))
                    or item.get("geometry"))
    if isinstance(item, (int, str)) and not isinstance(item, bool):
        return f.is_url(item) or bool(re.fullmatch(r"\d{1,10}", str(item).strip()))
    return False


def persistent_identifier(dataset: Dataset, ctx: Context) -> Finding:
    _, value = f.get(dataset, *IDENTIFIER)
    ident = f.text(value)
    if not ident:
        return finding(FAIL, N_("No persistent identifier is given."))
    if f.is_url(ident) or re.match(r"^(doi:|10\.\d{4,}/|urn:|ark:/)", ident, re.IGNORECASE):
        return finding(PASS, N_("Identifier: {value}."), value=ident[:200])
    return finding(PARTIAL, N_("The identifier {value} is not a URI or DOI."), value=ident[:200])


# -------------------------------------------------------------------------------- P5

def _contacts(value: Any) -> tuple[list[str], bool]:
    """(usable emails/URLs, a name or other contact detail seen)."""
    value = f.loads(value)
    usable: list[str] = []
    seen = False
    items = value if isinstance(value, list) else [value]
    for item in items[:50]:
        item = f.loads(item)
        if isinstance(item, dict):
            for key, v in item.items():
                t = f.text(v)
                if not t:
                    continue
                seen = True
                if str(key).lower() in ("email", "hasemail", "has_email", "mbox", "contact_email",
                                        "url", "hasurl", "has_url", "uri", "form", "contact_form",
                                        "en", "fr") and (f.is_email(t) or f.is_url(t)):
                    usable.append(t)
        else:
            t = f.text(item)
            if t:
                seen = True
                if f.is_email(t) or f.is_url(t):
                    usable.append(t)
    return usable, seen


def contact_point(dataset: Dataset, ctx: Context) -> Finding:
    usable: list[str] = []
    seen = False
    for name in CONTACT:
        _, value = f.get(dataset, name)
        u, s = _contacts(value)
        usable += u
        seen = seen or s
    name_found, _ = f.get(dataset, *CONTACT_NAMES)
    mqa = {"contactPointAvailability": 1.0 if (usable or seen or name_found) else 0.0}
    if usable:
        return finding(PASS, N_("Contact: {contact}."), mqa=mqa, contact=usable[0][:200])
    if seen or name_found:
        return finding(
            PARTIAL, N_("A contact is named, but without a valid email address or form."),
                       mqa=mqa)
    return finding(FAIL, N_("No contact point is given."), mqa=mqa)


def publisher(dataset: Dataset, ctx: Context) -> Finding:
    name, value = f.get(dataset, *PUBLISHER)
    if name:
        value = f.loads(value)
        if isinstance(value, dict):
            label = f.text(value.get("title_translated") or value.get("title")
                           or value.get("name")) or f.text(value)
        else:
            label = f.text(value)
        return finding(PASS, N_("Publisher: {publisher}."), mqa={"publisherAvailability": 1.0},
                       publisher=label[:200])
    _, author = f.get(dataset, "author", "creator")
    if author:
        return finding(PARTIAL, N_("Only an author is named, not the publishing organization."),
                       mqa={"publisherAvailability": 0.0})
    return finding(FAIL, N_("No publisher is identified."), mqa={"publisherAvailability": 0.0})


# -------------------------------------------------------------------------------- P6

def _parity(value: Any, langs: list[str]) -> float | None:
    """1 both languages by people, 0.5 one machine-translated, 0 one missing; None if empty."""
    state = f.languages(value)
    if not state:
        return None if not f.is_filled(value) else 0.0
    if any(lang not in state for lang in langs):
        return 0.0
    return 1.0 if all(state[lang] == "human" for lang in langs) else 0.5


def bilingual_parity(dataset: Dataset, ctx: Context) -> Finding:
    langs = [str(x) for x in ctx.param("bilingual_parity", "languages", None) or ["en", "fr"]]
    scores: dict[str, float] = {}
    for label, names in ((N_("title"), TITLE), (N_("description"), DESCRIPTION)):
        value = None
        for name in names:
            if f.languages(dataset.get(name)):
                value = dataset.get(name)
                break
        if value is None:
            _, value = f.get(dataset, *names)
        score = _parity(value, langs)
        scores[label] = 0.0 if score is None else score
    keywords = dataset.get("keywords")
    if f.languages(keywords):
        scores[N_("keywords")] = _parity(keywords, langs) or 0.0
    res_scores = []
    for res in f.resources(dataset):
        _, value = f.get(res, *RESOURCE_NAME)
        for name in RESOURCE_NAME:
            if f.languages(res.get(name)):
                value = res.get(name)
                break
        s = _parity(value, langs)
        if s is not None:
            res_scores.append(s)
    if res_scores:
        scores[N_("resource names")] = sum(res_scores) / len(res_scores)
    fraction = sum(scores.values()) / len(scores)
    weak = [k for k, v in scores.items() if v < 1]
    if fraction >= 1:
        return finding(
            PASS, N_("Title, description, keywords and resource names are in {languages}."),
                       languages=" + ".join(langs))
    if fraction <= 0:
        return finding(FAIL, N_("The metadata is not given in both {languages}."), items=weak,
                       languages=" + ".join(langs))
    return finding(PARTIAL, N_("Missing or machine-translated in one language: {fields}."),
                   fraction=fraction, items=weak, fields=", ".join(weak))


def reuse_ready(dataset: Dataset, ctx: Context) -> Finding:
    apis: list[str] = []
    for res, fmt, _ in _formats(dataset, ctx):
        rtype = f.text(res.get("resource_type")).lower()
        if res.get("datastore_active") is True or fmt in vocab.API_FORMATS \
                or rtype in ("api", "web_service", "service"):
            apis.append(f.text(res.get("name")) or f.text(res.get("url")) or fmt)
    if apis:
        return finding(PASS, N_("{count} resources are available through an API."), items=apis,
                       count=len(apis))
    return finding(FAIL, N_("No resource is available through an API."))


#: the built-in checks by id (the same ids as their entry points in pyproject.toml)
BUILTIN = {fn.__name__: fn for fn in (
    public_access, justified_restriction, pii_screen, issued_date, modified_date,
    frequency_declared, freshness, temporal_coverage, documentation, provenance, open_licence,
    licence_known, access_url_works, download_url, download_url_works, machine_readable,
    non_proprietary, no_registration, discoverability, dcat_ap_conformance, controlled_format,
    declares_standard, standard_conformance, spatial_coverage, persistent_identifier,
    contact_point, publisher, bilingual_parity, reuse_ready)}
