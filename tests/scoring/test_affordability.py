"""Tests for disposable income per dependent (the DSR: tests/finance/test_finance_dsr.py)."""

from decimal import Decimal, DefaultContext, localcontext

import pytest

from angsur.scoring import AffordabilityError, disposable_income_per_dependent

D = Decimal


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


def test_disposable_income_subtracts_at_34_digits_whatever_the_callers_context():
    # Given an income of 10^30 + 1 rupiah (31 digits) and no expenses, in Python's default 28-digit context
    with localcontext(DefaultContext):
        # When nothing is subtracted and nobody else shares it
        result = disposable_income_per_dependent(income=D(10**30 + 1), expenses=D(0), installments=[D(0)], dependents=0)
        # Then the last rupiah is kept: the subtraction (and the sum of installments) is done at 34 digits
        assert result == D(10**30 + 1)
        assert disposable_income_per_dependent(income=D(10**30 + 3), expenses=D(1), installments=[D(1), D(1)], dependents=0) == D(10**30)
        assert disposable_income_per_dependent(income=D(10**30 + 5), expenses=D(2), installments=[D(1)], dependents=0) == D(10**30 + 2)
