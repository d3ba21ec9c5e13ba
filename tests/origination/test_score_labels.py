"""The scorecard's labels in the reader's language: the demo card's through the catalogue, a company's own as written."""

import re

import pytest
from django.utils import translation

from angsur.origination.rule_labels import SCORE_LABELS, score_label
from angsur.origination.services import analysis_start
from angsur.scoring import DEFAULT_SCORECARD


def _card_labels() -> set[str]:
    labels = set()
    for attribute in DEFAULT_SCORECARD.attributes:
        labels.add(attribute.label)
        labels.update(b.label for b in attribute.bins)
    return labels


def test_every_worded_label_of_the_demo_card_is_listed_for_the_catalogue():
    # Numbers and ranges ("21–24", "15–20%") and SLIK's own terms ("Kol 1 (lancar)") read the same in both languages.
    same_in_both = {label for label in _card_labels() if re.fullmatch(r"[0-9–%]+", label) or label.startswith("Kol ")}
    assert set(SCORE_LABELS) == _card_labels() - same_in_both


@pytest.mark.parametrize(
    ("language", "label", "shown"),
    [
        ("id", "Age at application (years)", "Usia saat pengajuan (tahun)"),
        ("id", "5 years and over", "5 tahun ke atas"),
        ("id", "40% and over", "40% ke atas"),
        ("en", "5 years and over", "5 years and over"),
        ("id", "Lama usaha (bulan)", "Lama usaha (bulan)"),  # a company's own label, as written
        ("id", "", ""),
    ],
)
def test_a_label_is_shown_in_the_readers_language(language, label, shown):
    with translation.override(language):
        assert score_label(label) == shown


def test_the_analysts_page_shows_the_score_by_attribute_in_indonesian(web, surveyed, staff):
    app = analysis_start(actor=staff["ca"], application=surveyed())
    page = web(staff["ca"]).get(f"/applications/{app.pk}/").content.decode()
    assert "Usia saat pengajuan (tahun)" in page and "Kolektibilitas SLIK terburuk" in page
    assert "Age at application (years)" not in page
