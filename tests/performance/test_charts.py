"""Server-side SVG bars: labels fit the label column at phone width."""

import re

from angsur.performance.charts import FONT, bar_chart


def _labels(svg: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>([^<]*)</text>', svg)]


def test_the_label_column_fits_the_longest_label():
    svg = bar_chart(title="Corong", desc="", labels=["Order", "Sudah disurvei", "Dibooking"], values=[70, 66, 50])
    drawn = _labels(svg)
    assert [t for _x, t in drawn] == ["Order", "Sudah disurvei", "Dibooking"]
    right_edge = drawn[0][0]
    assert right_edge >= len("Sudah disurvei") * FONT * 0.55  # the text, drawn right-aligned, starts at x >= 0


def test_a_label_too_long_for_a_phone_is_cut_and_kept_whole_in_the_tooltip():
    long = "Dealer Honda Jaya Motor Pulogadung Jakarta Timur"
    svg = bar_chart(title="t", desc="", labels=[long], values=[3])
    ((x, shown),) = _labels(svg)
    assert shown.endswith("…") and len(shown) < len(long)
    assert len(shown) * FONT * 0.55 <= x + 1
    assert f"<title>{long}: 3</title>" in svg
