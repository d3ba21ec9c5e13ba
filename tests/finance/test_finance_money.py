"""Rounding rules and minor-unit conversion."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from angsur.finance import RUPIAH, FinanceError, RoundingRule, from_minor, money_str, round_to, to_minor
from angsur.finance.money import CONTEXT


@pytest.mark.parametrize(
    ("amount", "unit", "direction", "expected"),
    [
        ("1170000", "1000", "up", "1170000"),
        ("1170000.01", "1000", "up", "1171000"),
        ("1170999.99", "1000", "down", "1170000"),
        ("1170500", "1000", "half_up", "1171000"),
        ("1170499.99", "1000", "half_up", "1170000"),
        ("1170500", "1000", "nearest", "1171000"),
        ("12.5", "1", "half_up", "13"),
        ("12.345", "0.01", "up", "12.35"),
        ("1234567", "500", "up", "1235000"),
        ("1234567", "1E+3", "up", "1235000"),
    ],
)
def test_round_to_rounds_to_a_multiple_of_the_unit(amount, unit, direction, expected):
    result = round_to(Decimal(amount), RoundingRule(Decimal(unit), direction))

    assert result == Decimal(expected)
    assert str(result) == expected


def test_up_and_down_mean_toward_larger_and_smaller_amounts():
    assert round_to(Decimal("-1500"), RoundingRule(Decimal("1000"), "up")) == Decimal("-1000")
    assert round_to(Decimal("-1500"), RoundingRule(Decimal("1000"), "down")) == Decimal("-2000")


def test_rupiah_rule_rounds_half_up_to_whole_rupiah():
    assert round_to(Decimal("0.5"), RUPIAH) == Decimal("1")
    assert round_to(Decimal("2.49"), RUPIAH) == Decimal("2")


def test_default_rule_is_up_to_thousands():
    assert RoundingRule() == RoundingRule(Decimal("1000"), "up")


def test_nearest_is_stored_as_half_up():
    assert RoundingRule(Decimal("1000"), "nearest").direction == "half_up"


def test_rejects_unknown_rounding_direction():
    with pytest.raises(FinanceError) as caught:
        RoundingRule(Decimal("1000"), "sideways")

    assert caught.value.code == "rounding_direction_invalid"
    assert caught.value.field == "rounding"


@pytest.mark.parametrize("unit", [Decimal("0"), Decimal("-1000")])
def test_rejects_rounding_unit_not_above_zero(unit):
    with pytest.raises(FinanceError) as caught:
        RoundingRule(unit, "up")

    assert caught.value.code == "rounding_unit_not_positive"


def test_rejects_float_rounding_unit():
    with pytest.raises(FinanceError) as caught:
        RoundingRule(1000.0, "up")  # type: ignore[arg-type]

    assert caught.value.code == "amount_invalid"


@pytest.mark.parametrize(
    ("amount", "sen"),
    [("1170000", 117_000_000), ("0.01", 1), ("12.30", 1230), ("-5.5", -550), ("1E+3", 100_000)],
)
def test_to_minor_converts_rupiah_to_sen_exactly(amount, sen):
    assert to_minor(Decimal(amount)) == sen
    assert from_minor(sen) == Decimal(amount)


def test_to_minor_refuses_a_fraction_of_a_sen():
    with pytest.raises(FinanceError) as caught:
        to_minor(Decimal("10.005"))

    assert caught.value.code == "fractional_sen"
    assert caught.value.params == {"amount": "10.005"}


def test_to_minor_accepts_trailing_zeros_below_a_sen():
    assert to_minor(Decimal("10.0100")) == 1001


def test_to_minor_refuses_floats_and_non_finite_values():
    for value in (10.5, Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(FinanceError) as caught:
            to_minor(value)  # type: ignore[arg-type]
        assert caught.value.code == "amount_invalid"


def test_from_minor_keeps_two_decimals():
    assert str(from_minor(117_000_000)) == "1170000.00"


def test_from_minor_refuses_non_integers():
    with pytest.raises(FinanceError):
        from_minor(Decimal("1"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "text"),
    [("1170000", "1170000"), ("1170000.00", "1170000"), ("1.17E+6", "1170000"), ("12.5", "12.50"), ("-0", "0")],
)
def test_money_str_prints_whole_rupiah_plainly_and_sen_with_two_decimals(amount, text):
    assert money_str(Decimal(amount)) == text


@given(
    st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, allow_infinity=False, places=None),
)
def test_money_str_is_the_amount_rounded_to_the_sen(amount):
    text = money_str(amount)
    assert "E" not in text and text != "-0"
    assert Decimal(text) == amount.quantize(Decimal("0.01"), context=CONTEXT) + 0
    frac = text.partition(".")[2]
    assert frac == "" or (len(frac) == 2 and frac != "00")


@given(st.integers(min_value=-(10**17), max_value=10**17), st.integers(min_value=-2, max_value=6))
def test_money_str_reads_any_exponent_of_a_sen_amount(sen, exponent):
    amount = Decimal(sen).scaleb(-2).quantize(Decimal(1).scaleb(-2)) if exponent < 0 else Decimal(sen).scaleb(exponent)
    assert Decimal(money_str(amount)) == amount
