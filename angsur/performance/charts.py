"""Charts drawn on the server as SVG: bars and lines, no script, no third-party code.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (what a screen reader says),
scales with its container (``viewBox``, width 100 %) so it stays readable at 390 px, and uses presentation
attributes only (the Content-Security-Policy allows no inline style). The page shows the same figures as
a table and links their Excel file.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 44
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
        parts.append(f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="10" text-anchor="end" fill="#333333">{escape(fmt(value))}</text>')
    return parts


def _frame(title: str, desc: str, body: list[str]) -> SafeString:
    n = next(_ids)
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="chart-t{n} chart-d{n}" data-testid="chart">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 -- every text above is escaped


def _label(x: float, text: str) -> str:
    return f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" text-anchor="middle" fill="#333333">{escape(text)}</text>'


def bar_chart(
    *, title: str, desc: str, labels: Sequence[str], values: Sequence[Number], fmt: Callable[[Decimal], str] = lambda v: f"{v:.0f}"
) -> SafeString:
    """Vertical bars, one per label (a missing value draws no bar)."""
    numbers = [Decimal(v) if v is not None else None for v in values]
    top = _nice_max(max((v for v in numbers if v is not None), default=Decimal(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    body = _axis(top, fmt)
    every = max(1, len(labels) // 8)
    for i, (label, value) in enumerate(zip(labels, numbers, strict=False)):
        x = LEFT + slot * i
        if value is not None:
            h = float(value / top) * plot_h if top else 0
            body.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
            )
        if i % every == 0:
            body.append(_label(x + slot / 2, label))
    return _frame(title, desc, body)


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
    every = max(1, len(labels) // 8)
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
        lx, ly = LEFT + (s % 3) * 105, HEIGHT - 18 + (s // 3) * 11
        body.append(f'<rect x="{lx}" y="{ly - 7}" width="8" height="8" fill="{colour}"/>')
        body.append(f'<text x="{lx + 11}" y="{ly}" font-size="10" fill="#333333">{escape(name)}</text>')
    return _frame(title, desc, body)
