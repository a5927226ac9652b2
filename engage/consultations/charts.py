"""Accessible bar charts drawn on the server: HTML text for every label and figure, and a
small inline SVG for each bar.

Labels and figures are ordinary text, so they wrap instead of being cut off, grow when the
reader zooms, and the chart reflows on a narrow screen (each label goes above its bars; see
``.engage-chart`` in ``static/engage-extra.css``). Nothing is measured by counting
characters. Bars are SVG rectangles whose width is a percentage of the row, so no style
attribute or script is needed (the Content Security Policy forbids them); colours come from
the classes ``.bar``, ``.bar--compare`` and ``.bar--priority``.

The whole chart is ``role="img"``, named by its title and description; the table printed
next to it holds the same figures and is the text alternative.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class Bar:
    value: float | None  # None: no bar (a hidden or missing figure)
    css: str = "bar"
    text: str = ""       # shown after the bar, e.g. "41%"


@dataclass
class Group:
    label: str
    bars: list[Bar] = field(default_factory=list)


def _percent(value: float, scale_max: float) -> str:
    share = max(0.0, min(1.0, value / scale_max)) * 100
    if value > 0:
        share = max(share, 0.5)  # a tiny figure still shows as a sliver, never as nothing
    return f"{share:.1f}%"


def bar_chart(chart_id: str, title: str, description: str, groups: list[Group], *,
              legend: list[tuple[str, str]] | None = None, scale_max: float = 100.0,
              axis_label: str = "") -> Markup:
    """Horizontal bars, one group per label (an answer option or a ward) with one or more
    bars each. ``legend`` is [(name, css class)], shown when given."""
    scale_max = scale_max if scale_max and scale_max > 0 else 1.0
    cid = escape(chart_id)
    parts = [
        f'<div class="engage-chart" id="{cid}" role="img" aria-labelledby="{cid}-title {cid}-desc">',
        f'<p class="govuk-visually-hidden" id="{cid}-title">{escape(title)}</p>',
        f'<p class="govuk-visually-hidden" id="{cid}-desc">{escape(description)}</p>',
    ]
    if legend:
        parts.append('<ul class="engage-chart__legend">')
        for name, css in legend:
            parts.append(
                f'<li class="engage-chart__key"><svg class="engage-chart__swatch" width="14" height="14" focusable="false">'
                f'<rect class="{escape(css)}" x="0" y="0" width="14" height="14"></rect></svg>{escape(name)}</li>'
            )
        parts.append("</ul>")
    parts.append('<div class="engage-chart__rows">')
    for group in groups:
        parts.append(f'<div class="engage-chart__group"><div class="engage-chart__label">{escape(group.label)}</div>'
                     '<div class="engage-chart__bars">')
        for bar in group.bars:
            rect = ""
            if bar.value is not None:
                rect = (f'<rect class="{escape(bar.css)}" x="0" y="0" width="{_percent(bar.value, scale_max)}" '
                        'height="100%"></rect>')
            parts.append(
                f'<div class="engage-chart__bar"><svg class="engage-chart__track" width="100%" height="16" focusable="false">'
                f'{rect}</svg><span class="engage-chart__value">{escape(bar.text)}</span></div>'
            )
        parts.append("</div></div>")
    parts.append("</div>")
    if axis_label:
        parts.append(f'<p class="engage-chart__axis">{escape(axis_label)}</p>')
    parts.append("</div>")
    return Markup("".join(parts))
