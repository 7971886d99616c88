"""The assessment methodology, loaded from ``methodology.yaml`` and validated.

The file is the single source of weights, bands, thresholds and the bilingual texts of the
principles and indicators; the engine only reads it. :func:`load` reports every problem of a
file at once (``MethodologyError``) so that an edited copy can be fixed in one pass.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

DEFAULT_PATH = os.path.join(os.path.dirname(__file__), "methodology.yaml")
LANGUAGES = ("en", "fr")
LEVELS = ("dataset", "jurisdiction")
NOT_ASSESSED_POLICIES = ("exclude", "zero")
MQA_TOTAL = 405

Text = dict[str, str]


class MethodologyError(ValueError):
    """The methodology file is not usable; ``errors`` lists every problem found."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors))


@dataclass(frozen=True)
class Principle:
    id: str
    number: int
    name: Text
    description: Text


@dataclass(frozen=True)
class Indicator:
    id: str
    level: str
    principle: str
    weight: float
    name: Text
    checks: Text
    evidence: Text
    fix: Text
    commitments: tuple[str, ...] = ()
    mqa: tuple[str, ...] = ()
    check: str = ""
    self_declared: bool = False


@dataclass(frozen=True)
class Band:
    id: str
    min: float
    label: Text


@dataclass(frozen=True)
class MqaMetric:
    id: str
    dimension: str
    points: float
    indicator: str


@dataclass(frozen=True)
class Methodology:
    version: str
    changelog: tuple[dict[str, Any], ...]
    principles: tuple[Principle, ...]
    indicators: tuple[Indicator, ...]
    bands: tuple[Band, ...]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    partial_default: float = 0.5
    not_assessed: str = "exclude"
    mqa_version: str = "v1"
    mqa_bands: tuple[Band, ...] = ()
    mqa_metrics: tuple[MqaMetric, ...] = ()

    def principle(self, principle_id: str) -> Principle | None:
        return next((p for p in self.principles if p.id == principle_id), None)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def level(self, level: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.level == level)

    def band(self, score: float | None) -> Band | None:
        return _band(self.bands, score)

    def mqa_band(self, score: float | None) -> Band | None:
        return _band(self.mqa_bands, score)

    def param(self, check: str, name: str, default: Any = None) -> Any:
        return self.params.get(check, {}).get(name, default)


def _band(bands: tuple[Band, ...], score: float | None) -> Band | None:
    if score is None:
        return None
    for band in bands:
        if score >= band.min:
            return band
    return bands[-1] if bands else None


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Methodology:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as err:
        raise MethodologyError(path, [f"cannot read the file ({err.strerror})"]) from err
    except yaml.YAMLError as err:
        raise MethodologyError(path, [f"not valid YAML ({err})"]) from err
    return parse(data, path)


def load(path: str | None = None) -> Methodology:
    """The methodology in ``path`` (default: the one shipped with the suite), cached per mtime."""
    path = os.path.abspath(path or DEFAULT_PATH)
    try:
        mtime = os.path.getmtime(path)
    except OSError as err:
        raise MethodologyError(path, [f"cannot read the file ({err.strerror})"]) from err
    return _load_cached(path, mtime)


def parse(data: Any, source: str = "methodology") -> Methodology:
    """A :class:`Methodology` from decoded YAML, or ``MethodologyError`` listing every problem."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        raise MethodologyError(source, ["the file must hold a mapping (version, principles, ...)"])

    version = data.get("version")
    if not isinstance(version, (str, int, float)) or not str(version).strip():
        errors.append("`version` is required (e.g. \"1.0.0\")")
    changelog = data.get("changelog")
    if not isinstance(changelog, list) or not changelog:
        errors.append("`changelog` must list at least one {version, date, note} entry")
        changelog = []
    elif version is not None and not any(
            isinstance(c, Mapping) and str(c.get("version")) == str(version) for c in changelog):
        errors.append(f"`changelog` has no entry for version {version}")

    scoring = data.get("scoring") or {}
    partial_default = scoring.get("partial_default", 0.5) if isinstance(scoring, Mapping) else 0.5
    if not _is_number(partial_default) or not 0 <= partial_default <= 1:
        errors.append("`scoring.partial_default` must be a number between 0 and 1")
        partial_default = 0.5
    not_assessed = scoring.get("not_assessed", "exclude") if isinstance(scoring, Mapping) else ""
    if not_assessed not in NOT_ASSESSED_POLICIES:
        errors.append(f"`scoring.not_assessed` must be one of {', '.join(NOT_ASSESSED_POLICIES)}")

    principles = _principles(data.get("principles"), errors)
    principle_ids = {p.id for p in principles}
    indicators = _indicators(data.get("indicators"), principle_ids, errors)
    bands = _bands(data.get("bands"), "bands", errors)

    params = data.get("params") or {}
    if not isinstance(params, Mapping) or not all(isinstance(v, Mapping) for v in params.values()):
        errors.append("`params` must map check ids to mappings of parameters")
        params = {}

    mqa = data.get("mqa") or {}
    if not isinstance(mqa, Mapping):
        errors.append("`mqa` must be a mapping (version, bands, metrics)")
        mqa = {}
    mqa_bands = _bands(mqa.get("bands"), "mqa.bands", errors)
    metrics = _metrics(mqa.get("metrics"), {i.id: i for i in indicators}, errors)

    if errors:
        raise MethodologyError(source, errors)
    return Methodology(
        version=str(version), changelog=tuple(dict(c) for c in changelog),
        principles=principles, indicators=indicators, bands=bands,
        params={k: dict(v) for k, v in params.items()},
        partial_default=float(partial_default), not_assessed=str(not_assessed),
        mqa_version=str(mqa.get("version") or "v1"), mqa_bands=mqa_bands, mqa_metrics=metrics,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: Any, where: str, errors: list[str]) -> Text:
    if not isinstance(value, Mapping) or not all(
            isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES):
        errors.append(f"{where} needs non-empty text in {' and '.join(LANGUAGES)}")
        return dict.fromkeys(LANGUAGES, "")
    return {str(k): str(v) for k, v in value.items()}


def _principles(raw: Any, errors: list[str]) -> tuple[Principle, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append("`principles` must be a non-empty list")
        return ()
    out: list[Principle] = []
    for n, item in enumerate(raw):
        where = f"principles[{n}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            errors.append(f"{where} needs an `id`")
            continue
        where = f"principle {item['id']}"
        number = item.get("number", n + 1)
        if not isinstance(number, int):
            errors.append(f"{where}: `number` must be an integer")
            number = n + 1
        out.append(Principle(
            id=item["id"], number=number,
            name=_text(item.get("name"), f"{where}: `name`", errors),
            description=_text(item.get("description"), f"{where}: `description`", errors)))
    _unique([p.id for p in out], "principle", errors)
    return tuple(out)


def _indicators(raw: Any, principle_ids: set[str], errors: list[str]) -> tuple[Indicator, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append("`indicators` must be a non-empty list")
        return ()
    out: list[Indicator] = []
    for n, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            errors.append(f"indicators[{n}] needs an `id`")
            continue
        where = f"indicator {item['id']}"
        level = item.get("level", "dataset")
        if level not in LEVELS:
            errors.append(f"{where}: `level` must be one of {', '.join(LEVELS)}")
        if item.get("principle") not in principle_ids:
            errors.append(f"{where}: `principle` {item.get('principle')!r} is not a declared "
                          "principle")
        weight: Any = item.get("weight")
        if not _is_number(weight) or weight < 0:
            errors.append(f"{where}: `weight` must be a non-negative number")
            weight = 0
        mqa = item.get("mqa") or []
        commitments = item.get("commitments") or []
        if not isinstance(mqa, list) or not isinstance(commitments, list):
            errors.append(f"{where}: `mqa` and `commitments` must be lists")
            mqa, commitments = [], []
        out.append(Indicator(
            id=item["id"], level=str(level), principle=str(item.get("principle")),
            weight=float(weight),
            name=_text(item.get("name"), f"{where}: `name`", errors),
            checks=_text(item.get("checks"), f"{where}: `checks`", errors),
            evidence=_text(item.get("evidence"), f"{where}: `evidence`", errors),
            fix=_text(item.get("fix"), f"{where}: `fix`", errors),
            commitments=tuple(str(c) for c in commitments), mqa=tuple(str(m) for m in mqa),
            check=str(item.get("check") or item["id"]),
            self_declared=bool(item.get("self_declared", False))))
    _unique([i.id for i in out], "indicator", errors)
    for level in LEVELS:
        weights = [i.weight for i in out if i.level == level]
        if weights and sum(weights) <= 0:
            errors.append(f"the {level} indicators' weights must add up to more than 0")
    return tuple(out)


def _bands(raw: Any, where: str, errors: list[str]) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append(f"`{where}` must be a non-empty list")
        return ()
    out: list[Band] = []
    for n, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) \
                or not _is_number(item.get("min")):
            errors.append(f"{where}[{n}] needs an `id` and a numeric `min`")
            continue
        out.append(Band(id=item["id"], min=float(item["min"]),
                        label=_text(item.get("label"), f"{where} {item['id']}: `label`", errors)))
    if any(a.min <= b.min for a, b in zip(out, out[1:], strict=False)):
        errors.append(f"`{where}` must be ordered from the highest `min` to the lowest")
    if out and out[-1].min != 0:
        errors.append(f"the last of `{where}` must start at 0 so every score has a band")
    _unique([b.id for b in out], where, errors)
    return tuple(out)


def _metrics(raw: Any, indicators: dict[str, Indicator],
             errors: list[str]) -> tuple[MqaMetric, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append("`mqa.metrics` must be a non-empty list")
        return ()
    out: list[MqaMetric] = []
    for n, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) \
                or not _is_number(item.get("points")):
            errors.append(f"mqa.metrics[{n}] needs an `id` and numeric `points`")
            continue
        indicator = indicators.get(str(item.get("indicator")))
        if indicator is None:
            errors.append(f"MQA metric {item['id']}: `indicator` {item.get('indicator')!r} is not "
                          "a declared indicator")
        elif item["id"] not in indicator.mqa:
            errors.append(f"MQA metric {item['id']}: indicator {indicator.id} does not list it in "
                          "its `mqa`")
        out.append(MqaMetric(id=item["id"], dimension=str(item.get("dimension", "")),
                             points=float(item["points"]), indicator=str(item.get("indicator"))))
    _unique([m.id for m in out], "MQA metric", errors)
    known = {m.id for m in out}
    for indicator in indicators.values():
        for metric in indicator.mqa:
            if metric not in known:
                errors.append(f"indicator {indicator.id}: MQA metric {metric} is not in "
                              "`mqa.metrics`")
    return tuple(out)


def _unique(ids: list[str], what: str, errors: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            errors.append(f"{what} id {item!r} is declared twice")
        seen.add(item)
