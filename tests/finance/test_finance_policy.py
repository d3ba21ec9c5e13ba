"""Minimum DP tiers (POJK 35/POJK.05/2018 Pasal 20), vehicle age and DSR."""

from datetime import date
from decimal import Decimal

import pytest

from angsur.finance import (
    FinanceError,
    MinDpTier,
    check_minimum_dp,
    check_vehicle_age_at_maturity,
    dsr,
    minimum_dp_amount,
    pct_shown_up,
    required_min_dp_pct,
    vehicle_age_at_maturity,
)

# POJK 35/POJK.05/2018 Pasal 20 for a company rated at least "sehat" (configuration in
# the real system): NPF <= 1 % -> 0 %, <= 3 % -> 10 %, <= 5 % -> 15 %.
HEALTHY_TIERS = tuple(
    MinDpTier(vehicle_class, Decimal(npf_max), Decimal(min_dp))
    for vehicle_class in ("two_wheeler", "four_wheeler")
    for npf_max, min_dp in (("1", "0"), ("3", "10"), ("5", "15"), ("100", "20"))
)


@pytest.mark.parametrize(
    ("npf", "expected"),
    [("0.5", "0"), ("1", "0"), ("1.01", "10"), ("3", "10"), ("4.99", "15"), ("5", "15"), ("7", "20")],
)
def test_regulatory_tier_follows_the_company_npf(npf, expected):
    assert required_min_dp_pct(HEALTHY_TIERS, "two_wheeler", Decimal(npf), Decimal("0")) == Decimal(expected)


def test_product_minimum_wins_when_higher_than_the_tier():
    assert required_min_dp_pct(HEALTHY_TIERS, "four_wheeler", Decimal("2"), Decimal("20")) == Decimal("20")
    assert required_min_dp_pct(HEALTHY_TIERS, "four_wheeler", Decimal("6"), Decimal("15")) == Decimal("20")


def test_tiers_may_be_given_in_any_order():
    assert required_min_dp_pct(tuple(reversed(HEALTHY_TIERS)), "two_wheeler", Decimal("2"), Decimal("0")) == Decimal("10")


def test_missing_tier_is_an_error_not_a_guess():
    with pytest.raises(FinanceError) as caught:
        required_min_dp_pct(HEALTHY_TIERS, "truck", Decimal("2"), Decimal("0"))

    assert caught.value.code == "min_dp_tier_missing"
    assert caught.value.field == "vehicle_class"


def test_minimum_dp_passes_at_exactly_the_required_percent():
    check_minimum_dp(Decimal("15000000"), Decimal("3000000"), Decimal("20"))


def test_rejects_dp_below_the_required_percent_with_the_amount_needed():
    with pytest.raises(FinanceError) as caught:
        check_minimum_dp(Decimal("15000000"), Decimal("2999999"), Decimal("20"))

    error = caught.value
    assert (error.code, error.field) == ("dp_below_minimum", "down_payment")
    assert error.params == {"required_pct": "20", "required_amount": "3000000"}
    assert "3000000" in error.message


def test_required_amount_is_rounded_up_to_the_rupiah():
    assert minimum_dp_amount(Decimal("15000001"), Decimal("15")) == Decimal("2250001")


def test_vehicle_age_at_maturity_counts_model_years():
    assert vehicle_age_at_maturity(2015, date(2025, 1, 15), 36) == 13
    check_vehicle_age_at_maturity(2015, date(2025, 1, 15), 36, 13)


def test_rejects_vehicle_too_old_at_maturity():
    with pytest.raises(FinanceError) as caught:
        check_vehicle_age_at_maturity(2012, date(2025, 1, 15), 48, 15)

    error = caught.value
    assert (error.code, error.field) == ("vehicle_too_old", "vehicle_year")
    assert error.params == {"vehicle_year": 2012, "maturity_year": 2029, "age_at_maturity": 17, "max_age": 15}


def test_dsr_adds_existing_installments_and_is_shown_rounded_up():
    # 2,000,000 / 6,000,000 = 33.333… %: kept unrounded, shown as 33.34.
    ratio = dsr(Decimal("1170000"), [Decimal("500000"), Decimal("330000")], Decimal("6000000"))
    assert Decimal("33.3333333") < ratio < Decimal("33.3333334")
    assert pct_shown_up(ratio) == Decimal("33.34")
    assert dsr(Decimal("1170000"), Decimal("0"), Decimal("6000000")) == Decimal("19.5")


def test_dsr_within_a_ceiling_means_the_exact_ratio_is_within_it():
    # 1,800,001 / 6,000,000 = 30.0000166 %: rounding up keeps it above a 30 % ceiling.
    assert dsr(Decimal("1800001"), [], Decimal("6000000")) > Decimal("30")


@pytest.mark.parametrize("income", [Decimal("0"), Decimal("-1")])
def test_rejects_income_not_above_zero(income):
    with pytest.raises(FinanceError) as caught:
        dsr(Decimal("1"), [], income)

    assert caught.value.code == "income_not_positive"
