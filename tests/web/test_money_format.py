"""Figures for people: rupiah and percentages in the user's number format."""

import pytest
from django.utils import translation

from angsur.formatting import format_figure, format_percent, format_rupiah


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("id", "15.0000", "15"),
        ("id", "12.5000", "12,5"),
        ("en", "12.5000", "12,5"),  # English as written in Indonesia (CLDR en_ID): same separators
        ("id", "0.1250", "0,125"),
        ("id", "1234.5", "1.234,5"),
    ],
)
def test_a_figure_drops_trailing_zeros_in_the_users_format(language, value, expected):
    with translation.override(language):
        assert format_figure(value) == expected


def test_a_figure_that_is_not_a_number_is_shown_as_given():
    assert format_figure("n/a") == "n/a"


def test_a_percent_placeholder_is_shown_as_given_not_a_server_error():
    assert format_percent("–") == "–"
    with translation.override("id"):
        assert format_percent("33.5") == "33,50 %"


def test_rupiah_is_grouped_the_indonesian_way_in_both_languages():
    for language in ("id", "en"):
        with translation.override(language):
            assert format_rupiah("3510000") == "Rp3.510.000"
