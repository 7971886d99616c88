"""Charts as inline SVG, drawn on the server: no JavaScript, no external library or CDN.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``) and a ``<title>`` per mark, so screen readers and tooltips get the
figures; the pages print the same figures in a table beside each chart.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#2f6f9f", "#c0504d", "#4f8f3a", "#8064a2", "#d08a1e", "#2c8c99", "#7f7f7f")
BAND_COLOURS = {"excellent": "#2e7d32", "good": "#6b9b2f", "sufficient": "#d08a1e",
                "bad": "#c0504d"}
AXIS = "#555"
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""
    href: str = ""
    colour: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[str, float | None]]


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="opengov-chart" '
        f'id="{escape(chart_id)}" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" {FONT}>',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def hbars(chart_id: str, title: str, desc: str, bars: Sequence[Bar],
          maximum: float = 100.0, label_width: int = 230, width: int = 640) -> Markup:
    """Horizontal bars (comparisons of means: jurisdictions, levels, principles)."""
    row, top = 22, 8
    plot = width - label_width - 60
    height = top + row * max(len(bars), 1) + 24
    out = _open(chart_id, title, desc, width, height)
    maximum = maximum or 1.0
    for n, bar in enumerate(bars):
        y = top + n * row
        # about 6.6 px per character at 12 px: longer labels are cut (the <title> keeps them)
        fits = max(int((label_width - 10) / 6.6), 8)
        label = bar.label if len(bar.label) <= fits else bar.label[:fits - 1] + "…"
        text = (f'<text x="{label_width - 6}" y="{y + 14}" font-size="12" text-anchor="end" '
                f'fill="#222">{escape(label)}</text>')
        out.append(f'<a href="{escape(bar.href)}">{text}</a>' if bar.href else text)
        if bar.value is not None:
            w = max(round(plot * min(bar.value, maximum) / maximum, 1), 1)
            colour = bar.colour or PALETTE[0]
            tip = f"{bar.label}: {_number(bar.value)}" + (f" ({bar.note})" if bar.note else "")
            out.append(f'<rect x="{label_width}" y="{y + 3}" width="{w}" height="{row - 7}" '
                       f'fill="{colour}"><title>{escape(tip)}</title></rect>')
            out.append(f'<text x="{label_width + w + 4}" y="{y + 14}" font-size="11" '
                       f'fill="#222">{escape(_number(bar.value))}</text>')
        else:
            out.append(f'<text x="{label_width + 4}" y="{y + 14}" font-size="11" '
                       f'fill="{AXIS}">–</text>')
    axis_y = top + row * max(len(bars), 1) + 2
    out.append(f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + plot}" '
               f'y2="{axis_y}" stroke="{AXIS}"/>')
    for tick in (0, maximum / 2, maximum):
        x = label_width + plot * tick / maximum
        out.append(f'<text x="{x:.1f}" y="{axis_y + 14}" font-size="10" text-anchor="middle" '
                   f'fill="{AXIS}">{escape(_number(round(tick, 1)))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def histogram(chart_id: str, title: str, desc: str, bins: Sequence[Bar],
              width: int = 420, height: int = 180) -> Markup:
    """Vertical bars of counts (the distribution of scores, datasets per band)."""
    left, bottom, top = 36, 28, 10
    plot_h = height - bottom - top
    slot = (width - left - 6) / max(len(bins), 1)
    top_value = max([b.value or 0 for b in bins] + [1])
    out = _open(chart_id, title, desc, width, height)
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="{AXIS}"/>')
    out.append(f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end" '
               f'fill="{AXIS}">{escape(_number(top_value))}</text>')
    out.append(f'<text x="{left - 4}" y="{base}" font-size="10" text-anchor="end" '
               f'fill="{AXIS}">0</text>')
    for n, b in enumerate(bins):
        value = b.value or 0
        h = round(plot_h * value / top_value, 1)
        x = left + n * slot + slot * 0.12
        w = slot * 0.76
        tip = f"{b.label}: {_number(b.value)}" + (f" ({b.note})" if b.note else "")
        out.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{w:.1f}" height="{h}" '
                   f'fill="{b.colour or PALETTE[0]}"><title>{escape(tip)}</title></rect>')
        out.append(f'<text x="{x + w / 2:.1f}" y="{base + 13}" font-size="10" '
                   f'text-anchor="middle" fill="#222">{escape(b.label)}</text>')
        if value:
            out.append(f'<text x="{x + w / 2:.1f}" y="{base - h - 3:.1f}" font-size="10" '
                       f'text-anchor="middle" fill="#222">{escape(_number(b.value))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def lines(chart_id: str, title: str, desc: str, series: Sequence[Series],
          maximum: float = 100.0, width: int = 640, height: int = 220) -> Markup:
    """Trend lines over dated snapshots; every series shares the x axis of the first."""
    left, right, top, bottom = 36, 170, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    days = [d for d, _ in series[0].points] if series else []
    out = _open(chart_id, title, desc, width, height)
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" '
               f'stroke="{AXIS}"/>')
    for tick in (0, maximum / 2, maximum):
        y = base - plot_h * tick / maximum
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   f'stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
                   f'fill="{AXIS}">{escape(_number(round(tick, 1)))}</text>')

    def x_of(i: int) -> float:
        return left + (plot_w * i / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    if days:
        for i in sorted({0, len(days) - 1}):
            anchor = "middle" if len(days) == 1 else ("end" if i else "start")
            out.append(f'<text x="{x_of(i):.1f}" y="{base + 16}" font-size="10" '
                       f'text-anchor="{anchor}" fill="{AXIS}">{escape(days[i])}</text>')
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        pts = [(x_of(i), base - plot_h * min(v, maximum) / maximum, d, v)
               for i, (d, v) in enumerate(s.points) if v is not None]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                       f'stroke-width="2"/>')
        for x, y, d, v in pts:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                       f'<title>{escape(s.name)}, {escape(d)}: {escape(_number(v))}</title>'
                       "</circle>")
        ly = top + 6 + n * 16
        name = s.name if len(s.name) <= 24 else s.name[:23] + "…"
        out.append(f'<rect x="{left + plot_w + 10}" y="{ly - 8}" width="10" height="10" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{left + plot_w + 24}" y="{ly + 1}" font-size="11" '
                   f'fill="#222">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))
