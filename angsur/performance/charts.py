"""Charts drawn on the server as SVG: bars and lines, no script, no third-party code.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (what a screen reader says),
scales with its container (``viewBox``, width 100 %) so it stays readable at 390 px, and uses presentation
attributes only (the Content-Security-Policy allows no inline style). The page shows the same figures as
a table and links their Excel file.
"""

import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Drawn in a 320-unit-wide box: on a 390 px phone the card is about 330 px wide, so 14-unit text shows at 14 px or more.
WIDTH, HEIGHT = 320, 250
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 12, 62
FONT = 14
BAR_ROW = 28
# Colour-blind-safe palette (Okabe-Ito), darkened where needed for contrast on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9", "#333333", "#E69F00")
_ids = count(1)

Number = int | Decimal | None


def _nice_max(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = magnitude * Decimal(str(step))
        if top >= value:
            return top
    return magnitude * 10


def _axis(top: Decimal, fmt: Callable[[Decimal], str]) -> list[str]:
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dddddd" stroke-width="1"/>')
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="{FONT}" text-anchor="end" fill="#333333">{escape(fmt(value))}</text>'
        )
    return parts


def _frame(title: str, desc: str, body: list[str], height: int = HEIGHT) -> SafeString:
    n = next(_ids)
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="chart-t{n} chart-d{n}" data-testid="chart">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 -- every text above is escaped


def _label(x: float, text: str) -> str:
    return f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="{FONT}" text-anchor="middle" fill="#333333">{escape(text)}</text>'


def bar_chart(
    *, title: str, desc: str, labels: Sequence[str], values: Sequence[Number], fmt: Callable[[Decimal], str] = lambda v: f"{v:.0f}"
) -> SafeString:
    """Horizontal bars, one row per label with its value at the bar's end (a missing value: a dash)."""
    numbers = [Decimal(v) if v is not None else None for v in values]
    top = max((v for v in numbers if v is not None), default=Decimal(0)) or Decimal(1)
    # The label column fits the longest label (about 0.55 em a character), within 60-150 units; a longer label
    # is cut with an ellipsis (the bar's tooltip and the table below keep it whole).
    longest = max((len(str(label)) for label in labels), default=0)
    label_w = min(max(math.ceil(longest * FONT * 0.55) + 10, 60), 150)
    fits = int((label_w - 10) / (FONT * 0.55))
    plot_w = WIDTH - label_w - 60
    body = []
    for i, (label, value) in enumerate(zip(labels, numbers, strict=False)):
        y = TOP + BAR_ROW * i
        cut = str(label) if len(str(label)) <= fits else str(label)[: fits - 1] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 18}" font-size="{FONT}" text-anchor="end" fill="#333333">{escape(cut)}</text>')
        w = float(value / top) * plot_w if value is not None and value > 0 else 0
        shown = escape(fmt(value)) if value is not None else "–"
        tip = f"<title>{escape(label)}: {shown}</title>"
        body.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{BAR_ROW - 10}" fill="{PALETTE[0]}">{tip}</rect>')
        body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 18}" font-size="{FONT}" fill="#333333">{shown}</text>')
    return _frame(title, desc, body, height=TOP + BAR_ROW * max(len(labels), 1) + 6)


def line_chart(
    *,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    fmt: Callable[[Decimal], str] = lambda v: f"{v:.0f}",
) -> SafeString:
    """One line per series over the labels; a missing value breaks the line. A legend below."""
    numbers = [[Decimal(v) if v is not None else None for v in values] for _name, values in series]
    top = _nice_max(max((v for values in numbers for v in values if v is not None), default=Decimal(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    body = _axis(top, fmt)
    every = max(1, -(-len(labels) // 6))
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(_label(LEFT + step * i, label))
    for s, ((name, _values), values) in enumerate(zip(series, numbers, strict=False)):
        colour = PALETTE[s % len(PALETTE)]
        segment: list[str] = []
        segments = []
        for i, value in enumerate(values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = LEFT + step * i, TOP + plot_h - float(value / top) * plot_h
            segment.append(f"{x:.1f},{y:.1f}")
            tip = f"{escape(name)}, {escape(labels[i])}: {escape(fmt(value))}"
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>{tip}</title></circle>')
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        lx, ly = 6 + (s % 3) * 104, HEIGHT - 26 + (s // 3) * 18
        body.append(f'<rect x="{lx}" y="{ly - 10}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{lx + 14}" y="{ly}" font-size="{FONT}" fill="#333333">{escape(name)}</text>')
    return _frame(title, desc, body)
