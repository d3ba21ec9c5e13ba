"""Tests for the application scorecard: scoring, grades, validation and JSON storage."""

import json
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from angsur.scoring import (
    DEFAULT_SCORECARD,
    Attribute,
    Bin,
    Grade,
    Scorecard,
    ScorecardError,
    score,
    scorecard_from_dict,
    scorecard_to_dict,
)

D = Decimal

GOOD = {
    "age": D(35),
    "dsr_pct": D("28.00"),
    "residence_ownership": "own",
    "residence_months": D(60),
    "employment_months": D(36),
    "employment_type": "employee",
    "dependents": D(2),
    "dp_pct": D(20),
    "bureau_kol": D(1),
    "vehicle_kind": "motorcycle",
}


def test_score_good_applicant_every_line_shown():
    result = score(DEFAULT_SCORECARD, GOOD)
    assert [line.code for line in result.lines] == [a.code for a in DEFAULT_SCORECARD.attributes]
    assert [line.points for line in result.lines] == [45, 45, 60, 50, 40, 45, 40, 35, 60, 20]
    assert result.total == 740
    assert result.grade == "A"
    assert result.base_points == 300
    assert result.scorecard_code == "vehicle_demo_v1"
    by_code = {line.code: line for line in result.lines}
    assert by_code["age"].bin_label == "30–39"
    assert by_code["age"].label == "Age at application (years)"
    assert by_code["dsr_pct"].value == D("28.00")
    assert all(line.status == "matched" for line in result.lines)


def test_score_young_renter():
    values = GOOD | {
        "age": 24,
        "dsr_pct": D("31.5"),
        "residence_ownership": "rent",
        "residence_months": 18,
        "employment_months": 14,
        "dependents": 0,
        "bureau_kol": None,
    }
    result = score(DEFAULT_SCORECARD, values)
    assert result.total == 300 + 15 + 25 + 20 + 25 + 25 + 45 + 35 + 35 + 30 + 20
    assert result.grade == "C"


def test_dsr_bins_follow_the_ceiling():
    lines = {v: score(DEFAULT_SCORECARD, GOOD | {"dsr_pct": D(v)}).lines[1] for v in ("33.00", "33.01")}
    assert lines["33.00"].bin_label == "30% to 33%"
    assert lines["33.01"].bin_label == "over 33% to under 40%"


def test_missing_values_score_missing_points():
    result = score(DEFAULT_SCORECARD, {})
    assert all(line.status == "missing" and line.bin_label == "missing" and line.value is None for line in result.lines)
    assert [line.points for line in result.lines] == [a.missing_points for a in DEFAULT_SCORECARD.attributes]
    assert result.total == 350
    assert result.grade == "E"
    assert score(DEFAULT_SCORECARD, GOOD | {"bureau_kol": None}).lines[8].points == 30  # new to credit


def test_unmatched_value_scores_missing_points_and_says_so():
    result = score(DEFAULT_SCORECARD, GOOD | {"residence_ownership": "boarding", "bureau_kol": D(0)})
    lines = {line.code: line for line in result.lines}
    assert (lines["residence_ownership"].status, lines["residence_ownership"].points) == ("unmatched", 10)
    assert (lines["bureau_kol"].status, lines["bureau_kol"].points) == ("unmatched", 30)
    assert lines["residence_ownership"].value == "boarding"


def test_value_types():
    assert score(DEFAULT_SCORECARD, GOOD | {"age": "35"}).total == 740  # numeric strings from forms
    assert score(DEFAULT_SCORECARD, GOOD | {"extra": "ignored"}).total == 740
    for bad in ({"age": 35.0}, {"age": "abc"}, {"age": True}, {"age": D("NaN")}, {"vehicle_kind": False}, {"age": object()}):
        with pytest.raises(ScorecardError) as exc:
            score(DEFAULT_SCORECARD, GOOD | bad)
        assert exc.value.code == "score_value_invalid"


def _one_line_card() -> Scorecard:
    points = {"a": 700, "b": 699, "c": 620, "d": 619, "e": 540, "f": 539, "g": 460, "h": 459, "i": 0}
    return Scorecard(
        code="t",
        base_points=0,
        attributes=(Attribute("x", "X", tuple(Bin(category=k, points=v, label=k) for k, v in points.items())),),
        grades=DEFAULT_SCORECARD.grades,
    )


@pytest.mark.parametrize(
    ("category", "grade"),
    [("a", "A"), ("b", "B"), ("c", "B"), ("d", "C"), ("e", "C"), ("f", "D"), ("g", "D"), ("h", "E"), ("i", "E")],
)
def test_grade_boundaries(category, grade):
    assert score(_one_line_card(), {"x": category}).grade == grade


def test_numeric_bins_are_half_open():
    card = Scorecard(
        "t",
        0,
        (Attribute("n", "N", (Bin(None, D(10), None, 1, "<10"), Bin(D(10), D(20), None, 2, "10–19"), Bin(D(20), None, None, 3, "20+"))),),
        (Grade("A", 0),),
    )
    assert [score(card, {"n": D(v)}).total for v in ("-5", "9.99", "10", "19.999", "20", "1e9")] == [1, 1, 2, 2, 3, 3]


def test_default_card_is_consistent():
    assert DEFAULT_SCORECARD.base_points == 300
    assert [(g.code, g.min_score) for g in DEFAULT_SCORECARD.grades] == [("A", 700), ("B", 620), ("C", 540), ("D", 460), ("E", 0)]
    assert DEFAULT_SCORECARD.min_score >= 0
    assert DEFAULT_SCORECARD.max_score >= 700


# --- validation ---


def _bins(*spec):
    return tuple(Bin(None if lo is None else D(lo), None if hi is None else D(hi), None, 0, f"{lo}-{hi}") for lo, hi in spec)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Attribute("x", "X", _bins((None, "10"), ("5", None))),  # overlap
        lambda: Attribute("x", "X", _bins(("10", None), (None, "10"))),  # not sorted
        lambda: Attribute("x", "X", _bins((None, "10"), ("11", None))),  # gap
        lambda: Attribute("x", "X", _bins((None, "10"), ("10", None), ("20", "30"))),  # open end in the middle
        lambda: Attribute("x", "X", _bins(("0", "10"), ("5", "8"))),  # nested
        lambda: Attribute("x", "X", ()),  # no bins
        lambda: Attribute("x", "X", (Bin(category="a", label="a"), Bin(D(0), D(1), None, 0, "n"))),  # mixed kinds
        lambda: Attribute("x", "X", (Bin(category="a", label="a"), Bin(category="a", label="a2"))),  # duplicate category
        lambda: Attribute("", "X", _bins((None, None))),
        lambda: Attribute("x", "X", _bins((None, None)), missing_points=1.5),
        lambda: Bin(D(10), D(10), None, 0, "empty"),
        lambda: Bin(D(10), D(5), None, 0, "reversed"),
        lambda: Bin(None, None, None, True, "bool points"),
        lambda: Bin(None, None, None, 0, ""),
        lambda: Bin(D(0), None, "a", 0, "both"),
        lambda: Bin(0.5, None, None, 0, "float"),
        lambda: Bin(D("Infinity"), None, None, 0, "inf"),
        lambda: Grade("A", 1.5),
    ],
)
def test_invalid_parts_refused(build):
    with pytest.raises(ScorecardError) as exc:
        build()
    assert exc.value.code == "scorecard_invalid"
    assert exc.value.params["reason"]


ATTR = Attribute("x", "X", _bins((None, None)))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        # Each refused for the rule it names: the message says which.
        (lambda: Attribute("x", "X", (Bin(category="a", label="a"), Bin(D(0), D(1), None, 0, "n"))), "mixes numeric and categorical"),
        (lambda: Attribute("x", "X", (Bin(D(0), D(1), None, 0, "n"), Bin(category="a", label="a"))), "mixes numeric and categorical"),
        (lambda: Attribute("x", "X", _bins((None, "10"), ("5", None))), "overlap or are not sorted"),
        (lambda: Attribute("x", "X", _bins((None, "10"), ("11", None))), "gap between 10 and 11"),
        (lambda: Attribute("x", "X", _bins((None, "10"), ("10", None), ("20", "30"))), "only the first bin may be open below"),
        (lambda: Attribute("x", "X", (Bin(category="a", label="a"), Bin(category="a", label="a2"))), "lists a category twice"),
        (lambda: Attribute("x", "X", ()), "needs at least one bin"),
        (lambda: Attribute("x", " ", _bins((None, None))), "needs a label"),
        (lambda: Attribute("x", "X", _bins((None, None)), missing_points=1.5), "missing_points must be a whole number"),
        (lambda: Bin(D(10), D(10), None, 0, "empty"), "lower bound 10 must be below its upper bound 10"),
        (lambda: Bin(None, None, None, True, "bool points"), "points must be a whole number"),
        (lambda: Bin(None, None, None, 0, " "), "every bin needs a label"),
        (lambda: Bin(None, None, "", 0, "c"), "category must be a non-empty string"),
        (lambda: Bin(D(0), None, "a", 0, "both"), "cannot have both a category and bounds"),
        (lambda: Bin(None, D(0), "a", 0, "both"), "cannot have both a category and bounds"),
        (lambda: Bin(0.5, None, None, 0, "float"), "bin lower must be a Decimal, an int or None"),
        (lambda: Bin(None, True, None, 0, "bool"), "bin upper must be a Decimal, an int or None"),
        (lambda: Bin(D("Infinity"), None, None, 0, "inf"), "bin lower must be finite"),
        (lambda: Grade("A", 1.5), "grade A min_score must be a whole number"),
        (lambda: Grade("", 1), "every grade needs a code"),
        (lambda: Attribute("", "X", _bins((None, None))), "every attribute needs a code"),
    ],
)
def test_invalid_parts_are_refused_by_the_rule_they_break(build, reason):
    with pytest.raises(ScorecardError) as exc:
        build()
    assert reason in exc.value.params["reason"]
    assert not exc.value.params["reason"].startswith("XX")
    if isinstance(exc.value.params.get("attribute"), str) or "attribute x" in exc.value.params["reason"]:
        assert exc.value.params["attribute"] == "x"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        # Lowest grades at or below the lowest total (0), so only the named rule can refuse them.
        ({"grades": (Grade("A", 0), Grade("B", 0))}, "grades must be listed best first with falling min_score (A then B)"),
        ({"grades": (Grade("A", -10), Grade("B", 0))}, "grades must be listed best first with falling min_score (A then B)"),
        ({"grades": (Grade("A", 10), Grade("A", 0))}, "a grade code is listed twice"),
        ({"grades": (Grade("A", 1),)}, "the lowest grade A starts at 1 but a total can be as low as 0"),
        ({"attributes": (ATTR, ATTR)}, "an attribute code is listed twice"),
        ({"attributes": ()}, "needs at least one attribute"),
        ({"grades": ()}, "needs at least one grade"),
        ({"base_points": "300"}, "base_points must be a whole number"),
        ({"code": ""}, "the scorecard needs a code"),
    ],
)
def test_invalid_cards_are_refused_by_the_rule_they_break(kwargs, reason):
    args = {"code": "t", "base_points": 0, "attributes": (ATTR,), "grades": (Grade("A", 0),)} | kwargs
    with pytest.raises(ScorecardError) as exc:
        Scorecard(**args)
    assert reason in exc.value.params["reason"]
    assert exc.value.params["reason"][0].islower()  # the message reads "The scorecard is invalid: <reason>"


def test_a_grade_exactly_at_the_lowest_total_is_accepted():
    card = Scorecard("t", 5, (Attribute("x", "X", _bins((None, None)), missing_points=-5),), (Grade("A", 0),))
    assert (card.min_score, card.max_score) == (0, 5)
    assert card.grade_for(-1) == "A"  # below every grade: the lowest


@pytest.mark.parametrize(
    "kwargs",
    [
        {"grades": (Grade("A", 600), Grade("B", 700))},  # ascending
        {"grades": (Grade("A", 600), Grade("B", 600))},  # equal
        {"grades": (Grade("A", 600), Grade("A", 500))},  # duplicate code
        {"grades": ()},
        {"grades": (Grade("A", 1),)},  # total 0 would have no grade
        {"attributes": (ATTR, ATTR)},
        {"attributes": ()},
        {"base_points": "300"},
        {"code": ""},
    ],
)
def test_invalid_card_refused(kwargs):
    args = {"code": "t", "base_points": 0, "attributes": (ATTR,), "grades": (Grade("A", 0),)} | kwargs
    with pytest.raises(ScorecardError) as exc:
        Scorecard(**args)
    assert exc.value.code == "scorecard_invalid"


# --- dict / JSON storage ---


def test_round_trip_through_json():
    data = json.loads(json.dumps(scorecard_to_dict(DEFAULT_SCORECARD)))
    card = scorecard_from_dict(data)
    assert card == DEFAULT_SCORECARD
    assert scorecard_to_dict(card) == data
    assert data["attributes"][1]["bins"][3] == {"lower": "30", "upper": "33.01", "category": None, "points": 25, "label": "30% to 33%"}


def test_from_dict_accepts_int_bounds_and_defaults():
    card = scorecard_from_dict(
        {
            "code": "t",
            "base_points": 10,
            "attributes": [
                {"code": "x", "label": "X", "bins": [{"upper": 5, "points": 1, "label": "lo"}, {"lower": "5", "points": 2, "label": "hi"}]}
            ],
            "grades": [{"code": "A", "min_score": 0}],
        }
    )
    assert card.attributes[0].bins[0].upper == D(5)
    assert card.attributes[0].missing_points == 0
    assert score(card, {"x": 7}).total == 12


def _dict_with(path_fn):
    data = scorecard_to_dict(DEFAULT_SCORECARD)
    path_fn(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "reason_part"),
    [
        (lambda d: d["attributes"][0]["bins"][1].update(lower=0.5), "attributes[0].bins[1].lower"),
        (lambda d: d["attributes"][0]["bins"][1].update(lower="abc"), "attributes[0].bins[1].lower"),
        (lambda d: d["attributes"][0]["bins"][1].update(lower="20"), "overlap"),
        (lambda d: d["attributes"][0]["bins"][1].update(lower="22"), "gap"),
        (lambda d: d["attributes"][0]["bins"][1].update(colour="red"), "unknown keys"),
        (lambda d: d["attributes"][0]["bins"][1].pop("points"), "lacks keys"),
        (lambda d: d.pop("grades"), "lacks keys"),
        (lambda d: d.update(format=2), "unsupported format"),
        (lambda d: d.update(attributes={}), "must be a list"),
        (lambda d: d["grades"].reverse(), "best first"),
        (lambda d: d["grades"][0].update(min_score="700"), "whole number"),
    ],
)
def test_from_dict_refuses_invalid(mutate, reason_part):
    with pytest.raises(ScorecardError) as exc:
        scorecard_from_dict(_dict_with(mutate))
    assert exc.value.code == "scorecard_invalid"
    assert reason_part in exc.value.params["reason"] + exc.value.params.get("path", "")
    assert exc.value.message.startswith("The scorecard is invalid:")


def test_from_dict_refuses_non_mapping():
    with pytest.raises(ScorecardError):
        scorecard_from_dict([])  # type: ignore[arg-type]


# --- properties ---


def _value_strategy(attribute: Attribute):
    if attribute.kind == "categorical":
        return st.one_of(st.none(), st.sampled_from([b.category for b in attribute.bins] + ["unknown"]))
    return st.one_of(st.none(), st.integers(-10, 200), st.decimals(-100, 1000, places=2, allow_nan=False, allow_infinity=False))


VALUES = st.fixed_dictionaries({}, optional={a.code: _value_strategy(a) for a in DEFAULT_SCORECARD.attributes})


@given(values=VALUES)
def test_total_is_base_plus_lines(values):
    result = score(DEFAULT_SCORECARD, values)
    assert result.total == DEFAULT_SCORECARD.base_points + sum(line.points for line in result.lines)
    assert len(result.lines) == len(DEFAULT_SCORECARD.attributes)
    assert DEFAULT_SCORECARD.min_score <= result.total <= DEFAULT_SCORECARD.max_score
    assert result.grade == DEFAULT_SCORECARD.grade_for(result.total)


@st.composite
def numeric_attributes(draw, code):
    cuts = sorted(draw(st.sets(st.integers(-1000, 1000), max_size=5)))
    bounds = [None, *(D(c) for c in cuts), None]
    bins = tuple(Bin(lo, hi, None, draw(st.integers(-100, 100)), f"b{i}") for i, (lo, hi) in enumerate(pairwise(bounds)))
    return Attribute(code, code.upper(), bins, draw(st.integers(-100, 100)))


@st.composite
def cards(draw):
    attributes = tuple(draw(numeric_attributes(f"a{i}")) for i in range(draw(st.integers(1, 4))))
    base = draw(st.integers(0, 500))
    card = Scorecard("gen", base, attributes, (Grade("only", -10_000),))
    mins = sorted(draw(st.sets(st.integers(card.min_score + 1, card.max_score + 100), max_size=3)), reverse=True)
    grades = (*(Grade(f"g{i}", m) for i, m in enumerate(mins)), Grade("low", card.min_score))
    return Scorecard("gen", base, attributes, grades)


@given(card=cards(), data=st.data())
def test_generated_cards_round_trip_and_sum(card, data):
    assert scorecard_from_dict(json.loads(json.dumps(scorecard_to_dict(card)))) == card
    values = {a.code: data.draw(st.one_of(st.none(), st.integers(-2000, 2000))) for a in card.attributes}
    result = score(card, values)
    assert result.total == card.base_points + sum(line.points for line in result.lines)
    assert all(line.status != "unmatched" for line in result.lines)  # open-ended contiguous bins cover every number
