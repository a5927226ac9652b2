"""Accessible bar charts drawn on the server as SVG.

No script and no style attributes (the Content Security Policy forbids them): colours come
from classes in ``static/engage-extra.css`` (``.bar``, ``.bar--compare``, ``.bar--priority``).
Each chart is ``role="img"`` with a ``<title>`` and ``<desc>``; the table printed next to it
holds the same figures and is the text alternative.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 660
LABEL_WIDTH = 230
VALUE_ROOM = 110
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 14
LINE_CHARS = 34


@dataclass
class Bar:
    value: float | None  # None: no bar (a hidden or missing figure)
    css: str = "bar"
    text: str = ""       # shown after the bar, e.g. "41%"


@dataclass
class Group:
    label: str
    bars: list[Bar] = field(default_factory=list)


def _wrap(text: str, width: int = LINE_CHARS, lines: int = 2) -> list[str]:
    words, out, line = str(text).split(), [], ""
    for word in words:
        if len(line) + len(word) + (1 if line else 0) <= width:
            line = f"{line} {word}" if line else word
        else:
            if line:
                out.append(line)
            line = word
        if len(out) == lines:
            break
    if len(out) < lines and line:
        out.append(line)
    shown = " ".join(out)
    if len(shown) < len(" ".join(words)):
        last = out[-1]
        out[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return [o[: width + 1] for o in out] or [""]


def bar_chart(chart_id: str, title: str, description: str, groups: list[Group], *,
              legend: list[tuple[str, str]] | None = None, scale_max: float = 100.0,
              axis_label: str = "") -> Markup:
    """Horizontal bars, one group per label (an answer option or a ward) with one or more
    bars each. ``legend`` is [(name, css class)], shown when given."""
    scale_max = scale_max if scale_max and scale_max > 0 else 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    top = 10
    parts: list[str] = []
    if legend:
        x = LABEL_WIDTH
        for name, css in legend:
            parts.append(f'<rect class="{escape(css)}" x="{x}" y="{top}" width="14" height="14"></rect>'
                         f'<text x="{x + 20}" y="{top + 12}">{escape(name)}</text>')
            x += 28 + int(len(name) * 7.5)
        top += 30
    y = top
    for group in groups:
        bars_height = max(1, len(group.bars)) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        lines = _wrap(group.label)
        height = max(bars_height, len(lines) * 17)
        text_y = y + height / 2 - (len(lines) - 1) * 8.5 + 5
        tspans = "".join(f'<tspan x="{LABEL_WIDTH - 10}" dy="{0 if i == 0 else 17}">{escape(line)}</tspan>' for i, line in enumerate(lines))
        parts.append(f'<text x="{LABEL_WIDTH - 10}" y="{text_y:.1f}" text-anchor="end">{tspans}</text>')
        by = y + (height - bars_height) / 2
        for bar in group.bars:
            if bar.value is not None:
                width = max(0.0, min(1.0, bar.value / scale_max)) * plot
                parts.append(f'<rect class="{escape(bar.css)}" x="{LABEL_WIDTH}" y="{by:.1f}" width="{max(width, 1.0):.1f}" height="{BAR_HEIGHT}"></rect>')
                text_x = LABEL_WIDTH + width + 6
            else:
                text_x = LABEL_WIDTH + 6
            if bar.text:
                parts.append(f'<text class="value" x="{text_x:.1f}" y="{by + BAR_HEIGHT - 3:.1f}">{escape(bar.text)}</text>')
            by += BAR_HEIGHT + BAR_GAP
        y += height + GROUP_GAP
    bottom = y
    parts.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{bottom - GROUP_GAP + 4}"></line>')
    if axis_label:
        parts.append(f'<text class="value" x="{LABEL_WIDTH}" y="{bottom + 8}">{escape(axis_label)}</text>')
        bottom += 16
    height = int(bottom + 4)
    return Markup(
        f'<svg class="engage-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(parts) + "</svg>"
    )
