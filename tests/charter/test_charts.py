"""The server-side SVG charts: accessible names, escaping, odd data."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ckanext.opengov.charter import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_have_title_desc_and_escape_labels() -> None:
    svg = _parse(charts.hbars("c1", "Mean <score>", "Per jurisdiction & level", [
        charts.Bar("<script>alert(1)</script>", 64.5, href="/organization/x/charter"),
        charts.Bar("No data", None),
    ]))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-t c1-d"
    assert svg.find(f"{SVG}title").text == "Mean <score>"
    assert svg.find(f"{SVG}desc").text == "Per jurisdiction & level"
    rects = svg.findall(f".//{SVG}rect")
    assert len(rects) == 1 and rects[0].find(f"{SVG}title").text.endswith(": 64.5")
    assert svg.find(f".//{SVG}a").get("href") == "/organization/x/charter"
    assert "<script>" not in str(charts.hbars("c2", "t", "d", [charts.Bar("<script>", 1)]))


def test_histogram_and_lines_with_empty_and_single_points() -> None:
    svg = _parse(charts.histogram("h", "Distribution", "d", [charts.Bar("0", 0)] * 10))
    assert len(svg.findall(f".//{SVG}rect")) == 10
    _parse(charts.histogram("h2", "Nothing", "d", []))
    one = _parse(charts.lines("l", "Trend", "d", [charts.Series("Mean", [("2026-11-01", 50.0)])]))
    assert len(one.findall(f".//{SVG}circle")) == 1 and not one.findall(f".//{SVG}polyline")
    two = _parse(charts.lines("l2", "Trend", "d", [
        charts.Series("Mean", [("2026-11-01", 50.0), ("2026-11-02", None),
                               ("2026-11-03", 150.0)])]))
    assert len(two.findall(f".//{SVG}polyline")) == 1
    _parse(charts.lines("l3", "Trend", "d", []))
