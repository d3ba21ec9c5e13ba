"""Every line of a score says which attribute it is, how it was scored and why; a value that cannot be
scored is refused naming the attribute and the value.

The lines are shown to the analyst as they are (code, label, value, bin, points, status), so each field of a
missing, unmatched and matched line is pinned whole.
"""

from decimal import Decimal

import pytest

from angsur.scoring import Attribute, Bin, Grade, Scorecard, ScorecardError, ScoreLine, score

D = Decimal

CARD = Scorecard(
    code="lines",
    base_points=100,
    attributes=(
        Attribute("age", "Age (years)", (Bin(None, D(30), None, 5, "under 30"), Bin(D(30), D(60), None, 9, "30 to 59")), missing_points=-3),
        Attribute("kind", "Vehicle", (Bin(None, None, "car", 7, "a car"), Bin(None, None, "2", 4, "two wheels")), missing_points=1),
    ),
    grades=(Grade("A", 110), Grade("B", 0)),
)


def test_a_missing_value_gives_a_whole_missing_line():
    result = score(CARD, {"kind": "car"})
    assert result.lines[0] == ScoreLine("age", "Age (years)", None, "missing", -3, "missing")
    assert (result.lines[0].code, result.lines[0].label, result.lines[0].status) == ("age", "Age (years)", "missing")


def test_a_value_outside_every_bin_gives_a_whole_unmatched_line():
    result = score(CARD, {"age": 75, "kind": "truck"})
    assert result.lines == (
        ScoreLine("age", "Age (years)", D(75), "unmatched", -3, "unmatched"),
        ScoreLine("kind", "Vehicle", "truck", "unmatched", 1, "unmatched"),
    )
    assert [(line.label, line.bin_label, line.status) for line in result.lines] == [
        ("Age (years)", "unmatched", "unmatched"),
        ("Vehicle", "unmatched", "unmatched"),
    ]


def test_a_matched_value_gives_a_whole_matched_line():
    result = score(CARD, {"age": 30, "kind": "car"})
    assert result.lines == (
        ScoreLine("age", "Age (years)", D(30), "30 to 59", 9, "matched"),
        ScoreLine("kind", "Vehicle", "car", "a car", 7, "matched"),
    )
    assert [line.status for line in result.lines] == ["matched", "matched"]
    assert (result.total, result.grade) == (116, "A")


def test_a_number_given_for_a_category_is_read_as_its_text():
    # A category named "2" matches the int 2 and the Decimal 2 (their text), not only the string.
    for value in (2, D(2), "2"):
        line = score(CARD, {"kind": value}).lines[1]
        assert (line.value, line.bin_label, line.points, line.status) == ("2", "two wheels", 4, "matched")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"age": 1.5}, {"attribute": "age", "value": "1.5"}),
        ({"age": True}, {"attribute": "age", "value": "True"}),
        ({"age": "thirty"}, {"attribute": "age", "value": "thirty"}),
        ({"age": D("NaN")}, {"attribute": "age", "value": "NaN"}),
        ({"kind": 2.0}, {"attribute": "kind", "value": "2.0"}),
        ({"kind": ["car"]}, {"attribute": "kind", "value": "['car']"}),
    ],
)
def test_a_value_that_cannot_be_scored_is_refused_naming_the_attribute_and_the_value(values, expected):
    with pytest.raises(ScorecardError) as caught:
        score(CARD, values)
    assert caught.value.code == "score_value_invalid"
    assert caught.value.params == expected
    assert caught.value.message == f"The value {expected['value']} of attribute {expected['attribute']} cannot be scored."
