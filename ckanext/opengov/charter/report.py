"""An assessment turned into what people read: texts in one language, fixes ranked.

Shared by the dataset Charter tab and the ``opengov_charter_dataset_show`` action, so both say
the same thing. ``gettext`` translates the evidence messages (English msgids).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opengov.charter.engine import (
    FAIL,
    N_,
    NOT_ASSESSED,
    PARTIAL,
    PASS,
    Assessment,
    Context,
    assess,
    make_context,
)
from ckanext.opengov.charter.methodology import Methodology, load

STATUS_LABELS = {
    PASS: N_("Pass"),
    PARTIAL: N_("Partial"),
    FAIL: N_("Fail"),
    NOT_ASSESSED: N_("Not assessed"),
}


def methodology() -> Methodology:
    """The methodology the site configured (``ckanext.opengov.charter.methodology``)."""
    return load(tk.config.get("ckanext.opengov.charter.methodology") or None)


def context(meth: Methodology | None = None) -> Context:
    """The assessment context of this site, with the stored results of the background link
    checks and SHACL validations (charter/jobs.py); without them those indicators are not
    assessed."""
    from ckanext.opengov.charter import results, shacl

    stored = results.StoredResults(shacl.site_fingerprint())
    return make_context(meth or methodology(), link_result=stored.link_result,
                        shacl_result=stored.shacl_result, prefetch=stored.prefetch)


def _pick(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def build(dataset: dict[str, Any], lang: str,
          gettext: Callable[[str], str] | None = None,
          meth: Methodology | None = None) -> dict[str, Any]:
    """Everything the Charter tab shows for ``dataset`` in ``lang``."""
    meth = meth or methodology()
    result = assess(dataset, context(meth))
    return render(result, meth, lang, gettext)


def render(result: Assessment, meth: Methodology, lang: str,
           gettext: Callable[[str], str] | None = None) -> dict[str, Any]:
    _ = gettext or (lambda s: s)
    rows = {}
    for r in result.results:
        ind = r.indicator
        rows[ind.id] = {
            "id": ind.id,
            "name": _pick(ind.name, lang),
            "checks": _pick(ind.checks, lang),
            "fix": _pick(ind.fix, lang),
            "status": r.status,
            "status_label": _(STATUS_LABELS[r.status]),
            "evidence": [m.render(gettext) for m in r.finding.evidence],
            "details": list(r.finding.items),
            "weight": ind.weight,
            "points": None if r.points is None else round(r.points, 1),
            "gain": round(r.gain, 1),
            "commitments": list(ind.commitments),
            "mqa": [m for m in meth.mqa_metrics if m.id in ind.mqa],
        }
    principles = []
    for p in meth.principles:
        score = result.principles[p.id]
        principles.append({
            "id": p.id, "number": p.number, "name": _pick(p.name, lang),
            "description": _pick(p.description, lang), "score": score.score,
            "status": _principle_status(score.score),
            "indicators": [rows[r.indicator.id] for r in result.results
                           if r.indicator.principle == p.id],
        })
    return {
        "score": result.score,
        "band": result.band.id if result.band else None,
        "band_label": _pick(result.band.label, lang) if result.band else "",
        "coverage": round(result.coverage * 100),
        "mqa_score": result.mqa_score,
        "mqa_band": result.mqa_band.id if result.mqa_band else None,
        "mqa_band_label": _pick(result.mqa_band.label, lang) if result.mqa_band else "",
        "mqa_not_measured": list(result.mqa_not_measured),
        "version": result.methodology_version,
        "principles": principles,
        "fixes": [rows[r.indicator.id] for r in result.fixes()],
    }


def methodology_dict(meth: Methodology) -> dict[str, Any]:
    """The whole methodology as JSON-ready data (the API and the methodology page)."""
    metrics = {m.id: m for m in meth.mqa_metrics}
    return {
        "version": meth.version,
        "changelog": [dict(c) for c in meth.changelog],
        "scoring": {"partial_default": meth.partial_default, "not_assessed": meth.not_assessed},
        "bands": [{"id": b.id, "min": b.min, "label": dict(b.label)} for b in meth.bands],
        "principles": [{
            "id": p.id, "number": p.number, "name": dict(p.name),
            "description": dict(p.description),
            "weight": sum(i.weight for i in meth.level("dataset") if i.principle == p.id),
        } for p in meth.principles],
        "indicators": [{
            "id": i.id, "level": i.level, "principle": i.principle, "weight": i.weight,
            "commitments": list(i.commitments), "name": dict(i.name), "checks": dict(i.checks),
            "evidence": dict(i.evidence), "fix": dict(i.fix), "self_declared": i.self_declared,
            "mqa": [{"id": m, "points": metrics[m].points, "dimension": metrics[m].dimension}
                    for m in i.mqa if m in metrics],
        } for i in meth.indicators],
        "mqa": {
            "version": meth.mqa_version,
            "total": sum(m.points for m in meth.mqa_metrics),
            "bands": [{"id": b.id, "min": b.min, "label": dict(b.label)} for b in meth.mqa_bands],
            "metrics": [{"id": m.id, "dimension": m.dimension, "points": m.points,
                         "indicator": m.indicator} for m in meth.mqa_metrics],
        },
    }


def localized_methodology(meth: Methodology, lang: str) -> dict[str, Any]:
    """The methodology page's content in ``lang``."""
    data = methodology_dict(meth)
    for group in (data["bands"], data["mqa"]["bands"]):
        for band in group:
            band["label"] = _pick(band["label"], lang)
    for principle in data["principles"]:
        principle["name"] = _pick(principle["name"], lang)
        principle["description"] = _pick(principle["description"], lang)
        for level in ("dataset", "jurisdiction"):
            principle[level] = []
    by_id = {p["id"]: p for p in data["principles"]}
    for ind in data["indicators"]:
        for key in ("name", "checks", "evidence", "fix"):
            ind[key] = _pick(ind[key], lang)
        by_id[ind["principle"]][ind["level"]].append(ind)
    return data


def localized_summary(summary: dict[str, Any], meth: Methodology, lang: str) -> dict[str, Any]:
    """A jurisdiction summary with names in ``lang`` and the histogram's bar geometry."""
    out = dict(summary)
    hist = list(summary["score"]["histogram"])
    top = max(hist) or 1
    out["bars"] = [{"label": f"{n * 10}-{n * 10 + 9 if n < 9 else 100}", "count": c,
                    "height": round(100 * c / top), "x": 10 + n * 30} for n, c in enumerate(hist)]
    out["band_rows"] = [{"id": b.id, "label": _pick(b.label, lang),
                         "count": summary["bands"].get(b.id, 0)} for b in meth.bands]
    out["principle_rows"] = [{"id": p.id, "number": p.number, "name": _pick(p.name, lang),
                              **summary["principles"].get(p.id, {})} for p in meth.principles]
    names = {i.id: i for i in meth.indicators}
    out["fix_rows"] = [dict(f, name=_pick(names[f["indicator"]].name, lang),
                            fix=_pick(names[f["indicator"]].fix, lang))
                       for f in summary["fixes"] if f["indicator"] in names]
    return out


def _principle_status(score: int | None) -> str:
    if score is None:
        return NOT_ASSESSED
    if score >= 100:
        return PASS
    return FAIL if score == 0 else PARTIAL
