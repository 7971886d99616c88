"""What the site dashboard and the jurisdiction page show, in the reader's language: the
summaries turned into chart geometry (charts.py), table rows and export links.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opengov.charter import charts, tables
from ckanext.opengov.charter.methodology import Methodology
from ckanext.opengov.charter.report import localized_summary

Gettext = Callable[[str], str]
MAX_CHART_JURISDICTIONS = 40


def _pick(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


PLACEHOLDER = "opengov-charter-placeholder"


def _url_pattern(endpoint: str, **params: str) -> str:
    """A URL with ``PLACEHOLDER`` where the varying value goes: one url_for per page instead of
    one per row (url_for costs about a millisecond, and the dashboard has a row per
    jurisdiction)."""
    return str(tk.h.url_for(endpoint, **params))


def exports_of(table_ids: tuple[str, ...], **params: str) -> dict[str, dict[str, str]]:
    """The CSV and JSON export URLs of each table."""
    pattern = _url_pattern("opengov_charter.export", table=PLACEHOLDER, fmt="csv", **params)
    return {t: {fmt: pattern.replace(f"{PLACEHOLDER}.csv", f"{t}.{fmt}")
                for fmt in ("csv", "json")} for t in table_ids}


def _summary_charts(s: dict[str, Any], prefix: str, _: Gettext) -> dict[str, Any]:
    """Distribution, bands and principles charts of one summary (localized_summary)."""
    colours = charts.BAND_COLOURS
    return {
        "distribution": charts.histogram(
            f"{prefix}-dist", _("Score distribution"),
            _("Number of public datasets in each 10-point score range, from 0 to 100."),
            [charts.Bar(b["label"].split("-")[0], b["count"], note=b["label"])
             for b in s["bars"]]),
        "bands": charts.histogram(
            f"{prefix}-bands", _("Datasets per band"),
            _("Number of public datasets in each band, from the best to the lowest."),
            [charts.Bar(b["label"], b["count"], colour=colours.get(b["id"], ""))
             for b in s["band_rows"]], width=320),
        "principles": charts.hbars(
            f"{prefix}-principles", _("Mean score per principle"),
            _("Mean score out of 100 of the public datasets on each of the six principles."),
            [charts.Bar(f"{p['number']}. {p['name']}", p.get("mean"))
             for p in s["principle_rows"]], label_width=260),
    }


def _trend(history: list[dict[str, Any]], meth: Methodology, lang: str, prefix: str,
           _: Gettext) -> dict[str, Any]:
    if not history:
        return {"chart": None, "rows": []}
    days = [h["day"] for h in history]
    series = [charts.Series(_("Mean score"), list(zip(days, [h["mean"] for h in history],
                                                      strict=True)))]
    series += [charts.Series(f"{p.number}. {_pick(p.name, lang)}",
                             [(h["day"], (h.get("principles") or {}).get(p.id))
                              for h in history]) for p in meth.principles]
    chart = charts.lines(
        f"{prefix}-trend", _("Scores over time"),
        _("Mean score out of 100 at each daily snapshot, overall and per principle, from "
          "%(first)s to %(last)s.") % {"first": days[0], "last": days[-1]}, series)
    return {"chart": chart, "rows": list(reversed(history))}


def jurisdiction_page(summary: dict[str, Any], meth: Methodology, lang: str,
                      _: Gettext) -> dict[str, Any]:
    org = summary["organization"]
    s = localized_summary(summary, meth, lang)
    s["charts"] = _summary_charts(s, "charter-j", _)
    s["trend_view"] = _trend(summary.get("trend") or [], meth, lang, "charter-j", _)
    s["exports"] = exports_of(tables.JURISDICTION_TABLES, jurisdiction=org["name"])
    return s


def dashboard_page(data: dict[str, Any], meth: Methodology, lang: str,
                   _: Gettext) -> dict[str, Any]:
    s = localized_summary(data["site"], meth, lang)
    s["charts"] = _summary_charts(s, "charter-site", _)
    s["trend_view"] = _trend(data.get("trend") or [], meth, lang, "charter-site", _)
    levels = []
    for lv in data["levels"]:
        label = tables.level_label(lv["level"])[lang if lang in tables.LANGS else "en"]
        levels.append({**lv, "label": label})
    jurisdictions = []
    href = _url_pattern("opengov_charter.jurisdiction", id=PLACEHOLDER)
    for j in data["jurisdictions"]:
        title = (j.get("title_translated") or {}).get(lang) or j["title"]
        jurisdictions.append({
            **j, "display_title": title,
            "level_label": tables.level_label(j["level"])[lang if lang in tables.LANGS
                                                          else "en"],
            "href": href.replace(PLACEHOLDER, j["name"])})
    shown = [j for j in jurisdictions if j["datasets"]][:MAX_CHART_JURISDICTIONS]
    s["levels"] = levels
    s["jurisdictions"] = jurisdictions
    s["charts"]["levels"] = charts.hbars(
        "charter-site-levels", _("Mean score per level of government"),
        _("Mean score out of 100 of the public datasets of each level of government."),
        [charts.Bar(lv["label"], lv["score"]["mean"],
                    note=_("%(count)s datasets") % {"count": lv["datasets"]})
         for lv in levels])
    s["charts"]["jurisdictions"] = charts.hbars(
        "charter-site-jurisdictions", _("Mean score per jurisdiction"),
        _("Mean score out of 100 of the public datasets of each jurisdiction, best first."),
        [charts.Bar(j["display_title"], j["score"]["mean"], href=j["href"],
                    note=_("%(count)s datasets") % {"count": j["datasets"]})
         for j in shown], label_width=270)
    level_series = []
    for lv in levels:
        history = (data.get("level_trends") or {}).get(lv["level"]) or []
        if history:
            level_series.append(charts.Series(lv["label"], [(h["day"], h["mean"])
                                                            for h in history]))
    s["level_trend_chart"] = None
    if level_series and len(data.get("trend") or []) > 0:
        days = [h["day"] for h in data["trend"]]
        aligned = []
        for series in level_series:
            by_day = dict(series.points)
            aligned.append(charts.Series(series.name, [(d, by_day.get(d)) for d in days]))
        s["level_trend_chart"] = charts.lines(
            "charter-site-level-trend", _("Mean score per level of government over time"),
            _("Mean score out of 100 of each level of government at each daily snapshot."),
            aligned)
    s["exports"] = exports_of(tables.SITE_TABLES)
    return s
