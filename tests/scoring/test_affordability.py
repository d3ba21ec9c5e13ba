"""Tests for DSR and disposable income per dependent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from angsur.scoring import AffordabilityError, disposable_income_per_dependent, dsr_pct

D = Decimal


def test_dsr_worked_example():
    # OJK literacy example installment 1,170,000 plus 500,000 existing on 5,000,000 income.
    assert dsr_pct(new_installment=D(1_170_000), existing_installments=D(500_000), verified_income=D(5_000_000)) == D("33.40")


def test_dsr_with_household_income_and_several_existing():
    result = dsr_pct(
        new_installment=D(1_170_000),
        existing_installments=[D(300_000), D(200_000)],
        verified_income=D(5_000_000),
        household_income=D(1_000_000),
    )
    assert result == D("27.83")  # 1,670,000 / 6,000,000 = 27.8333…
    assert str(result) == "27.83"


def test_dsr_rounds_half_up():
    # 1,000 / 800,000 = 0.125 % → 0.13 (half-even would give 0.12).
    assert dsr_pct(new_installment=D(1000), existing_installments=(), verified_income=D(800_000)) == D("0.13")


@pytest.mark.parametrize("income", [D(0), D(-1), 0])
def test_dsr_income_not_positive(income):
    with pytest.raises(AffordabilityError) as exc:
        dsr_pct(new_installment=D(1), existing_installments=D(0), verified_income=income)
    assert exc.value.code == "income_not_positive"


def test_dsr_household_income_does_not_rescue_zero_income():
    with pytest.raises(AffordabilityError) as exc:
        dsr_pct(new_installment=D(1), existing_installments=D(0), verified_income=D(0), household_income=D(5_000_000))
    assert exc.value.code == "income_not_positive"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"new_installment": 1.5}, "amount_invalid"),
        ({"new_installment": D("NaN")}, "amount_invalid"),
        ({"new_installment": True}, "amount_invalid"),
        ({"new_installment": D(-1)}, "amount_negative"),
        ({"existing_installments": [D(1), D(-2)]}, "amount_negative"),
        ({"existing_installments": "100"}, "amount_invalid"),
        ({"verified_income": 5e6}, "amount_invalid"),
        ({"household_income": D(-1)}, "amount_negative"),
    ],
)
def test_dsr_refuses_bad_amounts(kwargs, code):
    args = {"new_installment": D(1), "existing_installments": D(0), "verified_income": D(100)} | kwargs
    with pytest.raises(AffordabilityError) as exc:
        dsr_pct(**args)
    assert exc.value.code == code


def test_disposable_income_per_dependent():
    # (6,000,000 − 2,000,000 − 1,170,000) / (2 + 1) = 943,333.33 → 943,333
    result = disposable_income_per_dependent(income=D(6_000_000), expenses=D(2_000_000), installments=D(1_170_000), dependents=2)
    assert result == D(943_333)
    assert result.as_tuple().exponent == 0


def test_disposable_income_half_up_and_negative():
    assert disposable_income_per_dependent(income=D(5), expenses=D(0), installments=D(0), dependents=1) == D(3)
    assert disposable_income_per_dependent(income=D(1000), expenses=D(1500), installments=[D(100)], dependents=0) == D(-600)


@pytest.mark.parametrize("dependents", [-1, 1.0, True, None])
def test_disposable_income_bad_dependents(dependents):
    with pytest.raises(AffordabilityError) as exc:
        disposable_income_per_dependent(income=D(1), expenses=D(0), installments=D(0), dependents=dependents)
    assert exc.value.code == "dependents_invalid"


money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(a=money, b=money, existing=money, income=money.filter(lambda x: x > 0))
def test_dsr_monotone_in_installment(a, b, existing, income):
    low, high = sorted((a, b))
    dsr_low = dsr_pct(new_installment=low, existing_installments=existing, verified_income=income)
    dsr_high = dsr_pct(new_installment=high, existing_installments=existing, verified_income=income)
    assert dsr_low <= dsr_high


@given(inst=money, income=money.filter(lambda x: x > 0), extra=money)
def test_dsr_falls_with_household_income(inst, income, extra):
    alone = dsr_pct(new_installment=inst, existing_installments=D(0), verified_income=income)
    joint = dsr_pct(new_installment=inst, existing_installments=D(0), verified_income=income, household_income=extra)
    assert joint <= alone
