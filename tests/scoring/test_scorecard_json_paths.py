"""A stored scorecard that cannot be read says where: the exact JSON path and reason of each refusal.

Also the builders of the demo card (`_num`, `_cat`): the card is built when the module is imported, so
these tests call the builders themselves to check each one turns its arguments into the bin it names.
"""

from decimal import Decimal

import pytest

from angsur.scoring import DEFAULT_SCORECARD, Bin, ScorecardError, scorecard_from_dict, scorecard_to_dict
from angsur.scoring.scorecard import _cat, _num

D = Decimal


def _card() -> dict:
    """Return a small valid card in its dict form: one numeric attribute of two bins, two grades."""
    return {
        "format": 1,
        "code": "small",
        "base_points": 10,
        "attributes": [
            {
                "code": "age",
                "label": "Age",
                "missing_points": 0,
                "bins": [
                    {"lower": None, "upper": "30", "category": None, "points": 1, "label": "young"},
                    {"lower": "30", "upper": None, "category": None, "points": 2, "label": "older"},
                ],
            }
        ],
        "grades": [{"code": "A", "min_score": 12}, {"code": "B", "min_score": 0}],
    }


def _refusal(data: object) -> dict:
    with pytest.raises(ScorecardError) as caught:
        scorecard_from_dict(data)  # type: ignore[arg-type]
    assert caught.value.code == "scorecard_invalid"
    return caught.value.params


def _bin(card: dict, index: int) -> dict:
    return card["attributes"][0]["bins"][index]


def test_the_small_card_used_below_is_valid():
    # Given the card every case below breaks in one place, when it is read unchanged, then it loads.
    assert scorecard_from_dict(_card()).code == "small"


@pytest.mark.parametrize(
    ("break_it", "path", "reason"),
    [
        # The card itself.
        (lambda c: c.update(colour="red"), "scorecard", "scorecard has unknown keys ['colour']"),
        (lambda c: c.pop("code"), "scorecard", "scorecard lacks keys ['code']"),
        (lambda c: c.update(format=2), "format", "unsupported format 2"),
        (lambda c: c.update(format="1"), "format", "unsupported format '1'"),
        (lambda c: c.update(attributes={"age": 1}), "attributes", "attributes must be a list"),
        (lambda c: c.update(grades="A"), "grades", "grades must be a list"),
        # An attribute.
        (lambda c: c["attributes"].__setitem__(0, "age"), "attributes[0]", "attributes[0] must be an object"),
        (lambda c: c["attributes"][0].update(weight=2), "attributes[0]", "attributes[0] has unknown keys ['weight']"),
        (lambda c: c["attributes"][0].pop("label"), "attributes[0]", "attributes[0] lacks keys ['label']"),
        (lambda c: c["attributes"][0].update(bins={}), "attributes[0].bins", "attributes[0].bins must be a list"),
        (lambda c: c["attributes"][0].update(label=" "), "attributes[0]", "attribute age needs a label"),
        # A bin.
        (lambda c: c["attributes"][0]["bins"].__setitem__(1, 30), "attributes[0].bins[1]", "attributes[0].bins[1] must be an object"),
        (lambda c: _bin(c, 1).update(colour="red"), "attributes[0].bins[1]", "attributes[0].bins[1] has unknown keys ['colour']"),
        (lambda c: _bin(c, 1).pop("points"), "attributes[0].bins[1]", "attributes[0].bins[1] lacks keys ['points']"),
        (lambda c: _bin(c, 1).update(points="2"), "attributes[0].bins[1]", "bin 'older' points must be a whole number"),
        # A bound: the path goes down to the bound, lower or upper.
        (lambda c: _bin(c, 1).update(lower="abc"), "attributes[0].bins[1].lower", "attributes[0].bins[1].lower is not a decimal number"),
        (lambda c: _bin(c, 0).update(upper="abc"), "attributes[0].bins[0].upper", "attributes[0].bins[0].upper is not a decimal number"),
        (
            lambda c: _bin(c, 0).update(upper=30.0),
            "attributes[0].bins[0].upper",
            "attributes[0].bins[0].upper must be a decimal string, an int or null",
        ),
        (
            lambda c: _bin(c, 1).update(lower="Infinity"),
            "attributes[0].bins[1].lower",
            "attributes[0].bins[1].lower must be a decimal string, an int or null",
        ),
        # A grade.
        (lambda c: c["grades"].__setitem__(1, "B"), "grades[1]", "grades[1] must be an object"),
        (lambda c: c["grades"][1].update(colour="red"), "grades[1]", "grades[1] has unknown keys ['colour']"),
        (lambda c: c["grades"][1].pop("min_score"), "grades[1]", "grades[1] lacks keys ['min_score']"),
    ],
)
def test_a_refusal_names_the_json_path_and_the_reason(break_it, path, reason):
    # Given a valid card broken in one place
    card = _card()
    break_it(card)
    # When it is read, then the refusal points at that place and says what is wrong there.
    params = _refusal(card)
    assert params["path"] == path
    assert params["reason"] == reason


def test_a_card_that_is_not_an_object_is_refused_at_the_top():
    assert _refusal([]) == {"reason": "scorecard must be an object", "path": "scorecard"}


def test_a_bin_refusal_found_by_the_bin_keeps_the_bin_path_and_the_attribute_adds_none():
    # Given bins that overlap (a refusal of the attribute, not of one bin)
    card = _card()
    _bin(card, 1)["lower"] = "29"
    # Then the path is the attribute's and only the attribute is named.
    params = _refusal(card)
    assert params == {
        "reason": "attribute age: bins 'young' and 'older' overlap or are not sorted",
        "attribute": "age",
        "path": "attributes[0]",
    }


# --- The demo card's builders ------------------------------------------------------


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        (None, "21", Bin(None, D(21), None, 5, "label")),
        ("21", "25", Bin(D(21), D(25), None, 5, "label")),
        ("56", None, Bin(D(56), None, None, 5, "label")),
        (None, None, Bin(None, None, None, 5, "label")),
        ("33.01", "40", Bin(D("33.01"), D(40), None, 5, "label")),
    ],
)
def test_the_numeric_bin_builder_makes_the_range_it_is_given(lower, upper, expected):
    # When the demo card's numeric builder is called, then the bin has exactly those bounds, points and label.
    built = _num(lower, upper, 5, "label")
    assert built == expected
    assert (built.lower, built.upper, built.category, built.points, built.label) == (
        expected.lower,
        expected.upper,
        None,
        5,
        "label",
    )


def test_the_category_bin_builder_makes_the_category_it_is_given():
    built = _cat("own", 60, "own home")
    assert (built.lower, built.upper, built.category, built.points, built.label) == (None, None, "own", 60, "own home")
    assert built.kind == "categorical"


def test_the_demo_card_is_what_its_builders_make():
    # The demo card survives a trip through JSON, and its first bins are what the builders give.
    assert scorecard_from_dict(scorecard_to_dict(DEFAULT_SCORECARD)) == DEFAULT_SCORECARD
    assert DEFAULT_SCORECARD.attributes[0].bins[0] == _num(None, "21", 5, "under 21")
    assert DEFAULT_SCORECARD.attributes[2].bins[0] == _cat("own", 60, "own home")
