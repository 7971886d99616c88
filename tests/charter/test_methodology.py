"""The methodology file: shipped file valid, weights as documented, clear errors on bad edits."""
from __future__ import annotations

import copy

import pytest
import yaml

from ckanext.opengov.charter import methodology as m


@pytest.fixture(scope="module")
def raw() -> dict:
    with open(m.DEFAULT_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_shipped_methodology_loads_and_adds_up() -> None:
    meth = m.load()
    assert meth.version
    assert [p.number for p in meth.principles] == [1, 2, 3, 4, 5, 6]
    assert sum(i.weight for i in meth.level("dataset")) == 100
    assert sum(i.weight for i in meth.level("jurisdiction")) == 100
    assert sum(x.points for x in meth.mqa_metrics) == m.MQA_TOTAL
    assert len(meth.mqa_metrics) == 23
    for indicator in meth.indicators:
        for lang in ("en", "fr"):
            assert indicator.name[lang] and indicator.fix[lang] and indicator.checks[lang]


def test_every_dataset_indicator_has_a_builtin_check() -> None:
    from ckanext.opengov.charter.engine import checks

    installed = checks()
    missing = [i.id for i in m.load().level("dataset") if i.check not in installed]
    assert missing == []


def test_bands() -> None:
    meth = m.load()
    assert meth.band(100).id == "excellent"  # type: ignore[union-attr]
    assert meth.band(87).id == "excellent"  # type: ignore[union-attr]
    assert meth.band(86).id == "good"  # type: ignore[union-attr]
    assert meth.band(0).id == "bad"  # type: ignore[union-attr]
    assert meth.band(None) is None
    assert meth.mqa_band(351).id == "excellent"  # type: ignore[union-attr]
    assert meth.mqa_band(350).id == "good"  # type: ignore[union-attr]
    assert meth.mqa_band(120).id == "bad"  # type: ignore[union-attr]


def test_self_declared_indicator_is_marked() -> None:
    assert m.load().indicator("policy_evidence").self_declared  # type: ignore[union-attr]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.pop("version"), "`version` is required"),
    (lambda d: d["indicators"][0].update(weight=-1), "indicator public_access: `weight`"),
    (lambda d: d["indicators"][0].update(principle="nope"), "'nope' is not a declared principle"),
    (lambda d: d["indicators"][0]["fix"].pop("fr"), "indicator public_access: `fix` needs"),
    (lambda d: d["bands"].reverse(), "must be ordered"),
    (lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])), "declared twice"),
    (lambda d: d["mqa"]["metrics"][0].update(indicator="freshness"), "does not list it"),
    (lambda d: d["scoring"].update(not_assessed="maybe"), "`scoring.not_assessed`"),
    (lambda d: d["changelog"].clear(), "`changelog`"),
])
def test_bad_edits_are_reported_clearly(raw: dict, edit, message: str) -> None:
    data = copy.deepcopy(raw)
    edit(data)
    with pytest.raises(m.MethodologyError) as err:
        m.parse(data, "edited.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("edited.yaml: ")


def test_all_errors_are_reported_at_once(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data.pop("version")
    data["indicators"][1]["weight"] = "heavy"
    with pytest.raises(m.MethodologyError) as err:
        m.parse(data)
    assert len(err.value.errors) >= 2


def test_not_a_mapping_and_unreadable_file(tmp_path) -> None:
    with pytest.raises(m.MethodologyError):
        m.parse(["a list"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [unclosed", encoding="utf-8")
    with pytest.raises(m.MethodologyError, match="not valid YAML"):
        m.load(str(bad))
    with pytest.raises(m.MethodologyError, match="cannot read"):
        m.load(str(tmp_path / "absent.yaml"))


def test_changing_a_weight_rescores_without_code(raw: dict, tmp_path) -> None:
    from ckanext.opengov.charter.engine import assess, make_context

    dataset = {"license_id": "cc-by", "private": False}
    before = assess(dataset, make_context(m.parse(raw)))
    data = copy.deepcopy(raw)
    for indicator in data["indicators"]:
        if indicator["id"] == "open_licence":
            indicator["weight"] = 80
    path = tmp_path / "heavy-licence.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    after = assess(dataset, make_context(m.load(str(path))))
    assert after.score is not None and before.score is not None
    assert after.score > before.score
