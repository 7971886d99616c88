"""The assessment engine: run the checks a methodology names on one dataset, and score them.

A check is a pure function ``check(dataset, ctx) -> Finding``. Checks are found through the
entry-point group ``ckanext.opengov.charter_checks`` (name = check id, object = the function);
the suite registers its built-in checks there (pyproject.toml), and a jurisdiction adds its own
by declaring entry points in its package and indicators naming them in its methodology file
(``ckanext.opengov.charter.methodology``). :func:`register_check` adds one at run time.

``assess`` never raises on a dataset: a check that raises gives a ``not_assessed`` finding
flagged ``error``, and an indicator whose check is not installed is ``not_assessed`` too.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from ckanext.opengov.charter.methodology import Band, Indicator, Methodology, load

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ckanext.opengov.charter_checks"

PASS = "pass"
PARTIAL = "partial"
FAIL = "fail"
NOT_ASSESSED = "not_assessed"
STATUSES = (PASS, PARTIAL, FAIL, NOT_ASSESSED)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown (see Message)."""
    return message


@dataclass(frozen=True)
class Message:
    """An English msgid with ``{name}`` placeholders, translated and filled when shown."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str] | None = None) -> str:
        template = gettext(self.text) if gettext else self.text
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "params": dict(self.params)}


@dataclass(frozen=True)
class Finding:
    """What one check found.

    ``fraction`` is the share of the indicator's points earned (1 for pass, 0 for fail, the
    methodology's ``partial_default`` for a partial without one). ``mqa`` gives the share earned
    of each MQA metric the check measures; metrics left out follow the status. ``items`` are raw
    values (URLs, formats, field names) the page lists as evidence; they are not translated.
    """

    status: str
    evidence: tuple[Message, ...] = ()
    fraction: float | None = None
    mqa: dict[str, float] = field(default_factory=dict)
    items: tuple[str, ...] = ()
    error: bool = False


def finding(status: str, message: str, *, fraction: float | None = None,
            mqa: Mapping[str, float] | None = None, items: list[str] | tuple[str, ...] = (),
            **params: Any) -> Finding:
    """Shorthand for a finding with one evidence message; ``items`` are capped at 20."""
    return Finding(status=status, evidence=(Message(message, params),), fraction=fraction,
                   mqa=dict(mqa or {}), items=tuple(str(i) for i in list(items)[:20]))


Check = Callable[[dict[str, Any], "Context"], Finding]

_registry: dict[str, Check] = {}
_entry_points_loaded = False


def register_check(check_id: str, check: Check) -> None:
    """Add or replace a check at run time (tests, or a plugin that prefers code to entry points)."""
    _registry[check_id] = check


def unregister_check(check_id: str) -> None:
    _registry.pop(check_id, None)


def checks() -> dict[str, Check]:
    """Every registered check by id: entry points first, run-time registrations over them."""
    global _entry_points_loaded
    if not _entry_points_loaded:
        found: dict[str, Check] = {}
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                found[ep.name] = ep.load()
            except Exception:  # a broken third-party check must not stop the others
                log.exception("charter check %s (%s) cannot be loaded", ep.name, ep.value)
        for name, check in found.items():
            _registry.setdefault(name, check)
        _entry_points_loaded = True
    return dict(_registry)


@dataclass
class Context:
    """What a check may know besides the dataset.

    ``now`` makes ages deterministic. ``link_result(url)`` and ``shacl_result(dataset)`` give
    stored results of the background link checker and SHACL validator (None when there is none);
    ``cache`` is a scratch mapping shared by the checks of one assessment.
    """

    methodology: Methodology
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    link_result: Callable[[str], Mapping[str, Any] | None] = lambda url: None
    shacl_result: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] = lambda dataset: None
    #: called once per assessment before the checks: reads stored results in bulk
    prefetch: Callable[[Mapping[str, Any]], None] = lambda dataset: None
    cache: dict[str, Any] = field(default_factory=dict)

    def param(self, check: str, name: str, default: Any = None) -> Any:
        return self.methodology.param(check, name, default)


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    finding: Finding
    fraction: float | None
    points: float | None
    gain: float

    @property
    def status(self) -> str:
        return self.finding.status


@dataclass(frozen=True)
class PrincipleScore:
    id: str
    score: int | None
    earned: float
    assessed_weight: float
    weight: float


@dataclass(frozen=True)
class Assessment:
    methodology_version: str
    score: int | None
    band: Band | None
    principles: dict[str, PrincipleScore]
    results: tuple[IndicatorResult, ...]
    coverage: float
    mqa_score: int
    mqa_band: Band | None
    mqa_metrics: dict[str, float]
    mqa_not_measured: tuple[str, ...]

    @property
    def failing(self) -> list[str]:
        """Indicators with points to gain (fail or partial), best gain first."""
        return [r.indicator.id for r in self.fixes()]

    def fixes(self) -> list[IndicatorResult]:
        """Fail and partial results ordered by the total-score points fixing each would gain."""
        todo = [r for r in self.results if r.status in (FAIL, PARTIAL)]
        return sorted(todo, key=lambda r: (-r.gain, r.indicator.id))

    def result(self, indicator_id: str) -> IndicatorResult | None:
        return next((r for r in self.results if r.indicator.id == indicator_id), None)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (API responses, exports)."""
        return {
            "methodology_version": self.methodology_version,
            "score": self.score,
            "band": self.band.id if self.band else None,
            "coverage": round(self.coverage, 3),
            "principles": {p.id: {"score": p.score, "earned": round(p.earned, 2),
                                  "assessed_weight": p.assessed_weight, "weight": p.weight}
                           for p in self.principles.values()},
            "indicators": [{
                "id": r.indicator.id, "principle": r.indicator.principle,
                "status": r.status, "weight": r.indicator.weight,
                "points": None if r.points is None else round(r.points, 2),
                "gain": round(r.gain, 1),
                "evidence": [m.as_dict() for m in r.finding.evidence],
                "items": list(r.finding.items),
                "error": r.finding.error,
            } for r in self.results],
            "failing": self.failing,
            "mqa": {"score": self.mqa_score, "band": self.mqa_band.id if self.mqa_band else None,
                    "metrics": {k: round(v, 2) for k, v in self.mqa_metrics.items()},
                    "not_measured": list(self.mqa_not_measured)},
        }


def make_context(methodology: Methodology | None = None, **kwargs: Any) -> Context:
    return Context(methodology=methodology or load(), **kwargs)


def run_check(check_id: str, dataset: dict[str, Any], ctx: Context) -> Finding:
    check = checks().get(check_id)
    if check is None:
        return finding(NOT_ASSESSED, N_("No check named {check} is installed."), check=check_id)
    try:
        result = check(dataset, ctx)
    except Exception:  # the contract is "never raise on odd data": record it instead
        log.exception("charter check %s failed on dataset %s", check_id,
                      dataset.get("id") if isinstance(dataset, Mapping) else None)
        return Finding(status=NOT_ASSESSED, error=True,
                       evidence=(Message(N_("The check could not run on this dataset's data.")),))
    if not isinstance(result, Finding) or result.status not in STATUSES:
        log.warning("charter check %s returned %r", check_id, result)
        return Finding(status=NOT_ASSESSED, error=True,
                       evidence=(Message(N_("The check gave no usable result.")),))
    return result


def _fraction(found: Finding, partial_default: float) -> float | None:
    if found.status == PASS:
        return 1.0
    if found.status == FAIL:
        return 0.0
    if found.status == PARTIAL:
        value = found.fraction if found.fraction is not None else partial_default
        return min(max(float(value), 0.0), 1.0)
    return None


def assess(dataset: Any, ctx: Context | None = None) -> Assessment:
    """Assess one dataset dict against the dataset-level indicators of ``ctx.methodology``."""
    ctx = ctx or make_context()
    ctx.cache.clear()
    data: dict[str, Any] = dict(dataset) if isinstance(dataset, Mapping) else {}
    try:
        ctx.prefetch(data)
    except Exception:  # stored results unreadable: the checks that need them say not assessed
        log.exception("reading stored check results of dataset %s failed", data.get("id"))
    meth = ctx.methodology
    indicators = meth.level("dataset")
    zero_policy = meth.not_assessed == "zero"

    found = {i.id: run_check(i.check, data, ctx) for i in indicators}
    fractions = {i.id: _fraction(found[i.id], meth.partial_default) for i in indicators}

    def counted(ind: Indicator) -> bool:
        return fractions[ind.id] is not None or zero_policy

    assessed_weight = sum(i.weight for i in indicators if counted(i))
    total_weight = sum(i.weight for i in indicators)

    results = []
    for ind in indicators:
        frac = fractions[ind.id]
        points = None if frac is None else ind.weight * frac
        gain = 0.0
        if frac is not None and assessed_weight:
            gain = ind.weight * (1 - frac) / assessed_weight * 100
        results.append(IndicatorResult(ind, found[ind.id], frac, points, gain))

    earned = sum(r.points or 0.0 for r in results)
    score = round(earned / assessed_weight * 100) if assessed_weight else None

    principles = {}
    for principle in meth.principles:
        mine = [r for r in results if r.indicator.principle == principle.id]
        p_assessed = sum(r.indicator.weight for r in mine if counted(r.indicator))
        p_earned = sum(r.points or 0.0 for r in mine)
        principles[principle.id] = PrincipleScore(
            id=principle.id, score=round(p_earned / p_assessed * 100) if p_assessed else None,
            earned=p_earned, assessed_weight=p_assessed,
            weight=sum(r.indicator.weight for r in mine))

    mqa_metrics: dict[str, float] = {}
    not_measured = []
    for metric in meth.mqa_metrics:
        f = found.get(metric.indicator)
        if f is None or f.status == NOT_ASSESSED:
            not_measured.append(metric.id)
            share = 0.0
        elif metric.id in f.mqa:
            share = min(max(float(f.mqa[metric.id]), 0.0), 1.0)
        else:
            share = fractions[metric.indicator] or 0.0
        mqa_metrics[metric.id] = metric.points * share
    mqa_score = round(sum(mqa_metrics.values()))

    return Assessment(
        methodology_version=meth.version, score=score, band=meth.band(score),
        principles=principles, results=tuple(results),
        coverage=(sum(i.weight for i in indicators if fractions[i.id] is not None) / total_weight
                  if total_weight else 0.0),
        mqa_score=mqa_score, mqa_band=meth.mqa_band(mqa_score), mqa_metrics=mqa_metrics,
        mqa_not_measured=tuple(not_measured))
