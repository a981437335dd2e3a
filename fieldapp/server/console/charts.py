"""Charts as server-rendered inline SVG: no script, no network, prints as it shows.

Only presentation attributes and classes from ``console.css`` (a Content-Security-Policy
without ``'unsafe-inline'`` forbids ``style=`` attributes). Each chart has a ``<title>``
and the figures as text, so it reads without colour and with a screen reader.

>>> from fieldapp.coverage import IndicatorProgress
>>> svg = indicator_bars([IndicatorProgress("k", "Hộ", "Hh", "visited_share", 0.7, 0.5, 5, 10)],
...                      "vi", lambda v: f"{v:.0%}")
>>> "target-line" in svg and "50%" in svg
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

from fieldapp.coverage import IndicatorProgress, WeekPoint

__all__ = ["indicator_bars", "weekly_chart"]

_W = 480
_LABEL_H = 20
_BAR_H = 22
_ROW_H = _LABEL_H + _BAR_H + 18


def indicator_bars(
    indicators: Sequence[IndicatorProgress],
    lang: str,
    pct: Callable[[float | None], str],
    *,
    title: str = "",
) -> Markup:
    """One horizontal bar per indicator with its target drawn as a vertical line."""
    rows = []
    scale = max([1.0, *(i.value or 0 for i in indicators), *(i.target for i in indicators)])
    for n, ind in enumerate(indicators):
        y = n * _ROW_H
        name = ind.name_en if lang == "en" else ind.name_vi
        value = ind.value or 0.0
        width = _W * min(value, scale) / scale
        target_x = _W * ind.target / scale
        met = ind.value is not None and ind.value >= ind.target
        state = "met" if met else ("nodata" if ind.value is None else "short")
        label = f"{escape(name)}: {escape(pct(ind.value))} / {escape(pct(ind.target))}"
        rows.append(
            f'<g class="ind {state}" transform="translate(0,{y})">'
            f"<title>{label}</title>"
            f'<text class="ind-name" x="0" y="14">{escape(name)}</text>'
            f'<text class="ind-value" x="{_W}" y="14" text-anchor="end">'
            f"{escape(pct(ind.value))} · {escape('target' if lang == 'en' else 'chỉ tiêu')} "
            f"{escape(pct(ind.target))}</text>"
            f'<rect class="track" x="0" y="{_LABEL_H}" width="{_W}" height="{_BAR_H}" rx="3"/>'
            f'<rect class="bar" x="0" y="{_LABEL_H}" width="{width:.1f}" height="{_BAR_H}"'
            ' rx="3"/>'
            f'<line class="target-line" x1="{target_x:.1f}" x2="{target_x:.1f}"'
            f' y1="{_LABEL_H - 4}" y2="{_LABEL_H + _BAR_H + 4}"/>'
            "</g>"
        )
    height = max(1, len(indicators)) * _ROW_H
    return Markup(
        f'<svg class="chart" viewBox="-2 -2 {_W + 4} {height + 4}" role="img"'
        f' aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>{''.join(rows)}</svg>"
    )


def weekly_chart(points: Sequence[WeekPoint], lang: str, *, title: str = "") -> Markup:
    """Visits per week as bars, households reached as dots on the same scale."""
    h, base, left = 190, 150, 40
    n = max(1, len(points))
    step = (_W - left) / n
    top = max([1, *(p.figures.visits for p in points)])
    parts = [
        f'<line class="axis" x1="{left}" x2="{_W}" y1="{base}" y2="{base}"/>',
        f'<text class="tick" x="{left - 4}" y="{base - 130}" text-anchor="end">{top}</text>',
        f'<text class="tick" x="{left - 4}" y="{base}" text-anchor="end">0</text>',
    ]
    for i, p in enumerate(points):
        x = left + i * step
        bar_h = 130 * p.figures.visits / top
        dot_y = base - 130 * p.figures.households_visited / top
        label = p.week_start.strftime("%d/%m")
        tip = (
            f"{label}: {p.figures.visits} {'visits' if lang == 'en' else 'lượt thăm'}, "
            f"{p.figures.households_visited} {'households' if lang == 'en' else 'hộ'}"
        )
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{base - bar_h:.1f}"'
            f' width="{step * 0.7:.1f}" height="{bar_h:.1f}"/>'
            f'<circle class="dot" cx="{x + step / 2:.1f}" cy="{dot_y:.1f}" r="4"/>'
            f'<text class="tick" x="{x + step / 2:.1f}" y="{base + 16}"'
            f' text-anchor="middle">{label}</text></g>'
        )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {_W} {h}" role="img" aria-label="{escape(title)}"'
        f' preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
        f"{''.join(parts)}</svg>"
    )
