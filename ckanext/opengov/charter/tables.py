"""Every table the Charter pages show, as data: what the pages print and what the CSV and
JSON exports give (``/charter/export/<table>.<csv|json>``, action ``opengov_charter_export``).

A table is ``{"id", "columns": [column ids], "rows": [{column: value}]}``. Names, labels and
fix advice come in both languages (``name_en`` / ``name_fr``...), so one export serves
readers of either; the pages pick their language's column.
"""
from __future__ import annotations

from typing import Any

from ckanext.opengov.charter.methodology import Methodology
from ckanext.opengov.metadata import vocab

LANGS = ("en", "fr")
SITE_TABLES = ("jurisdictions", "levels", "principles", "distribution", "bands", "fixes",
               "trend")
JURISDICTION_TABLES = ("principles", "distribution", "bands", "fixes", "trend")
DATASET_TABLES = ("assessment",)
TABLES = tuple(dict.fromkeys(SITE_TABLES + JURISDICTION_TABLES + DATASET_TABLES))


def _both(prefix: str, text: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{lang}": text.get(lang) or text.get("en") or "" for lang in LANGS}


def level_label(level: str) -> dict[str, str]:
    try:
        return {lang: vocab.label("jurisdiction", level, lang) for lang in LANGS}
    except (OSError, ValueError):
        return dict.fromkeys(LANGS, level)


def _table(table_id: str, columns: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": table_id, "columns": columns,
            "rows": [{c: row.get(c) for c in columns} for row in rows]}


def distribution(summary: dict[str, Any]) -> dict[str, Any]:
    rows = [{"score_from": n * 10, "score_to": 100 if n == 9 else n * 10 + 9, "datasets": c}
            for n, c in enumerate(summary["score"]["histogram"])]
    return _table("distribution", ["score_from", "score_to", "datasets"], rows)


def bands(summary: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    rows = [{"band": b.id, **_both("label", b.label), "min_score": int(b.min),
             "datasets": summary["bands"].get(b.id, 0)} for b in meth.bands]
    return _table("bands", ["band", "label_en", "label_fr", "min_score", "datasets"], rows)


def principles(summary: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    rows = [{"principle": p.id, "number": p.number, **_both("name", p.name),
             **{k: summary["principles"].get(p.id, {}).get(k) for k in ("mean", "median")},
             "assessed": summary["principles"].get(p.id, {}).get("count", 0)}
            for p in meth.principles]
    return _table("principles", ["principle", "number", "name_en", "name_fr", "assessed",
                                 "mean", "median"], rows)


def fixes(summary: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    names = {i.id: i for i in meth.indicators}
    rows = [{"indicator": f["indicator"], "principle": names[f["indicator"]].principle,
             **_both("name", names[f["indicator"]].name), **_both("fix", names[f["indicator"]].fix),
             "weight": f["weight"], "datasets": f["datasets"], "mean_gain": f["mean_gain"]}
            for f in summary["fixes"] if f["indicator"] in names]
    return _table("fixes", ["indicator", "principle", "name_en", "name_fr", "datasets",
                            "weight", "mean_gain", "fix_en", "fix_fr"], rows)


def _score_columns(meth: Methodology) -> list[str]:
    return (["datasets", "assessed", "mean", "median"] + [f"band_{b.id}" for b in meth.bands]
            + [f"p_{p.id}" for p in meth.principles])


def _scores(summary: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    return {"datasets": summary["datasets"], "assessed": summary["assessed"],
            "mean": summary["score"]["mean"], "median": summary["score"]["median"],
            **{f"band_{b.id}": summary["bands"].get(b.id, 0) for b in meth.bands},
            **{f"p_{p.id}": summary["principles"].get(p.id, {}).get("mean")
               for p in meth.principles}}


def jurisdictions(data: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    rows = []
    for j in data["jurisdictions"]:
        title = {lang: (j.get("title_translated") or {}).get(lang) or j["title"]
                 for lang in LANGS}
        rows.append({"id": j["id"], "name": j["name"], **_both("title", title),
                     "level": j["level"], **_both("level", level_label(j["level"])),
                     "province": j.get("province"), **_scores(j, meth)})
    return _table("jurisdictions", ["id", "name", "title_en", "title_fr", "level", "level_en",
                                    "level_fr", "province"] + _score_columns(meth), rows)


def levels(data: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    rows = [{"level": lv["level"], **_both("label", level_label(lv["level"])),
             "jurisdictions": lv["jurisdictions"], **_scores(lv, meth)} for lv in data["levels"]]
    return _table("levels", ["level", "label_en", "label_fr", "jurisdictions"]
                  + _score_columns(meth), rows)


def trend(history: list[dict[str, Any]], meth: Methodology) -> dict[str, Any]:
    rows = [{"day": h["day"], "datasets": h["datasets"], "assessed": h["assessed"],
             "mean": h["mean"], "median": h["median"], "mqa_mean": h["mqa_mean"],
             **{f"p_{p.id}": (h.get("principles") or {}).get(p.id) for p in meth.principles},
             "methodology_version": h["methodology_version"]} for h in history]
    return _table("trend", ["day", "datasets", "assessed", "mean", "median", "mqa_mean"]
                  + [f"p_{p.id}" for p in meth.principles] + ["methodology_version"], rows)


def assessment(result: dict[str, Any], meth: Methodology) -> dict[str, Any]:
    """A dataset's assessment (``opengov_charter_dataset_show``), one row per indicator."""
    names = {i.id: i for i in meth.indicators}
    rows = []
    for ind in result["indicators"]:
        meta = names.get(ind["id"])
        rows.append({
            "indicator": ind["id"], "principle": ind["principle"],
            **_both("name", meta.name if meta else {}), "status": ind["status"],
            "weight": ind["weight"], "points": ind["points"], "gain": ind["gain"],
            "evidence": " ".join(m.get("message") or m.get("text") or ""
                                 for m in ind["evidence"]),
            **_both("fix", meta.fix if meta else {})})
    return _table("assessment", ["indicator", "principle", "name_en", "name_fr", "status",
                                 "weight", "points", "gain", "evidence", "fix_en", "fix_fr"],
                  rows)


def build(table_id: str, meth: Methodology, *, summary: dict[str, Any] | None = None,
          site: dict[str, Any] | None = None, history: list[dict[str, Any]] | None = None,
          result: dict[str, Any] | None = None) -> dict[str, Any]:
    """Table ``table_id`` from whichever data it is made of."""
    if table_id == "assessment" and result is not None:
        return assessment(result, meth)
    if table_id == "trend":
        return trend(history or [], meth)
    if table_id in ("jurisdictions", "levels") and site is not None:
        return jurisdictions(site, meth) if table_id == "jurisdictions" else levels(site, meth)
    if summary is not None:
        if table_id == "distribution":
            return distribution(summary)
        if table_id == "bands":
            return bands(summary, meth)
        if table_id == "principles":
            return principles(summary, meth)
        if table_id == "fixes":
            return fixes(summary, meth)
    raise KeyError(table_id)
