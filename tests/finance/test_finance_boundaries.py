"""Boundaries of the money core: the smallest legal values, exact limits, and refusals that say exactly what is wrong.

A refusal is behaviour: the Django layer translates it by code, points at the field and fills the message from
its params, so each is pinned whole. A limit the regulation allows (a 0 % DP, a 0 % tier) must be accepted.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal, localcontext

import pytest

from angsur.finance import (
    FeeSpec,
    FinanceError,
    MinDpTier,
    QuoteInput,
    RateSpec,
    RoundingRule,
    Timing,
    annual_to_monthly_pct,
    annuity_installment,
    build_schedule,
    check_minimum_dp,
    check_vehicle_age_at_maturity,
    compute_quote,
    dp_pct,
    dsr,
    dsr_within,
    due_dates,
    effective_rate_from_cashflows,
    effective_to_flat,
    flat_installment,
    flat_to_effective,
    from_minor,
    minimum_dp_amount,
    money_str,
    monthly_to_annual_pct,
    pct_shown_down,
    pct_shown_up,
    required_min_dp_pct,
    round_to,
    solve_dp_for_dsr,
    solve_min_down_payment,
    solve_tenor,
    to_minor,
)
from angsur.finance.money import CONTEXT, is_sen_exact, to_decimal
from angsur.finance.schedule import add_months, days_in_month

D = Decimal

OJK = QuoteInput(
    otr=D(15_000_000),
    down_payment=D(3_000_000),
    tenor_months=12,
    rate=RateSpec("flat", D(17)),
    timing=Timing.ADDB,
    contract_date=date(2025, 1, 15),
)
TIERS = (MinDpTier("two_wheeler", D(1), D(0)), MinDpTier("two_wheeler", D(3), D(10)), MinDpTier("two_wheeler", D(100), D(20)))


def refusal(call, *args, **kwargs) -> tuple[str, str | None, dict]:
    """Call and return the refusal's code, field and params (the test fails if nothing is refused)."""
    with pytest.raises(FinanceError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert "{" not in error.message, error.message
    return error.code, error.field, error.params


# --- 6. Boundaries the regulation allows -------------------------------------------------------------------


def test_a_zero_dp_is_quoted_on_the_whole_otr():
    # Given no down payment at all (allowed from a 0 % tier, POJK 35/2018 Pasal 20)
    quote = compute_quote(replace(OJK, down_payment=D(0)))

    # Then the whole OTR is financed: 15,000,000 x 1.17 / 12 = 1,462,500 -> 1,463,000 (up to Rp1,000).
    assert quote.financed_principal == D(15_000_000)
    assert quote.installment == D(1_463_000)
    assert quote.tdp.total == 0


def test_a_zero_dp_meets_a_zero_percent_minimum():
    check_minimum_dp(D(15_000_000), D(0), D(0))
    assert minimum_dp_amount(D(15_000_000), D(0)) == 0
    assert dp_pct(D(15_000_000), D(0)) == 0


def test_a_zero_percent_tier_and_a_zero_percent_product_minimum_give_zero():
    # NPF 0.8 % on a "sehat" company: the 0 % tier; the product asks nothing more.
    assert required_min_dp_pct(TIERS, "two_wheeler", D("0.8"), D(0)) == 0
    # The product minimum may be anything from 0 to 100 %.
    assert required_min_dp_pct(TIERS, "two_wheeler", D("0.8"), D(100)) == 100


def test_minimum_dp_solvers_accept_a_zero_percent_minimum_and_a_full_one():
    assert solve_min_down_payment(OJK, min_dp_pct=D(0)) == 0
    assert solve_dp_for_dsr(OJK, income=D(10_000_000), existing_installments=None, max_dsr_pct=D(35), min_dp_pct=D(0)) == 0
    # 100 % of the OTR is a legal minimum that leaves no DP below the OTR: nothing fits.
    assert solve_min_down_payment(OJK, min_dp_pct=D(100)) is None


@pytest.mark.parametrize("value", [D(-1), D("100.01")])
def test_minimum_dp_percent_outside_0_to_100_is_refused(value):
    assert refusal(solve_min_down_payment, OJK, min_dp_pct=value) == ("percent_out_of_range", "min_dp_pct", {"value": str(value)})
    assert refusal(required_min_dp_pct, TIERS, "two_wheeler", D(2), value) == (
        "percent_out_of_range",
        "product_min_pct",
        {"value": str(value)},
    )


def test_a_fee_of_zero_is_a_fee_of_nothing():
    quote = compute_quote(replace(OJK, fees=(FeeSpec("admin", "fixed", D(0), financed=False), FeeSpec("ins", "otr", D(0), True))))

    assert [(fee.code, fee.amount) for fee in quote.fees] == [("admin", 0), ("ins", 0)]
    assert quote.financed_principal == D(12_000_000)
    assert quote.tdp.total == D(3_000_000)


def test_a_fee_on_the_principal_is_a_percent_of_it():
    # 2 % of 12,000,000 financed = 240,000, financed: the principal becomes 12,240,000.
    quote = compute_quote(replace(OJK, fees=(FeeSpec("provisi", "principal", D(2), financed=True),)))

    assert quote.fees[0].amount == D(240_000)
    assert quote.financed_principal == D(12_240_000)


def test_an_installment_exactly_equal_to_the_budget_fits():
    # The OJK installment is exactly 1,170,000 at 12 months.
    assert solve_tenor(OJK, tenors=(12, 24), max_installment=D(1_170_000)) == 12
    assert solve_tenor(OJK, tenors=(12, 24), max_installment=D(1_169_999)) == 24
    # And on the DP grid: DP 3,000,000 gives exactly 1,170,000.
    assert solve_min_down_payment(OJK, max_installment=D(1_170_000)) == D(3_000_000)


def test_a_dsr_room_of_exactly_nothing_has_no_counter_offer():
    # Existing installments already use the whole 30 % of 10,000,000.
    assert solve_dp_for_dsr(OJK, income=D(10_000_000), existing_installments=D(3_000_000), max_dsr_pct=D(30)) is None


def test_vehicle_exactly_at_the_maximum_age_passes_and_one_year_more_is_refused():
    check_vehicle_age_at_maturity(2013, date(2025, 1, 15), 12, 13)
    assert refusal(check_vehicle_age_at_maturity, 2012, date(2025, 1, 15), 12, 13) == (
        "vehicle_too_old",
        "vehicle_year",
        {"vehicle_year": 2012, "maturity_year": 2026, "age_at_maturity": 14, "max_age": 13},
    )


@pytest.mark.parametrize(
    ("year", "february"),
    [(2000, 29), (2100, 28), (1900, 28), (2024, 29), (2025, 28), (2400, 29)],
)
def test_leap_years_follow_the_gregorian_rule(year, february):
    # Divisible by 4, except centuries, except every fourth century: 2000 is leap, 2100 is not.
    assert days_in_month(year, 2) == february
    assert days_in_month(year, 1) == days_in_month(year, 12) == 31
    assert days_in_month(year, 4) == 30
    assert due_dates(date(year, 1, 31), 3) == (date(year, 1, 31), date(year, 2, february), date(year, 3, 31))
    assert add_months(date(year - 1, 12, 31), 2) == date(year, 2, february)


def test_due_dates_from_december_roll_into_january():
    assert due_dates(date(2099, 12, 31), 3) == (date(2099, 12, 31), date(2100, 1, 31), date(2100, 2, 28))


def test_due_dates_refuse_a_bad_count_or_anchor():
    assert refusal(due_dates, date(2025, 1, 1), -1) == ("tenor_not_positive", "tenor_months", {"tenor": -1})
    assert refusal(due_dates, date(2025, 1, 1), True) == ("tenor_not_positive", "tenor_months", {"tenor": True})
    assert refusal(due_dates, date(2025, 1, 1), 3, anchor_day=32) == ("first_due_date_invalid", "first_due_date", {"day": 32})
    assert refusal(due_dates, date(2025, 1, 1), 3, anchor_day=0) == ("first_due_date_invalid", "first_due_date", {"day": 0})
    assert due_dates(date(2025, 1, 1), 2, anchor_day=31) == (date(2025, 1, 31), date(2025, 2, 28))
    assert due_dates(date(2025, 1, 1), 1, anchor_day=1) == (date(2025, 1, 1),)


# --- Integer amounts into the money helpers ----------------------------------------------------------------


def test_money_helpers_take_whole_rupiah_as_int():
    assert to_decimal(7) == D(7) and type(to_decimal(7)) is Decimal
    assert to_minor(5) == 500
    assert round_to(D(1_500), RoundingRule(1000, "up")) == D(2000)
    assert RoundingRule(1000, "up").unit == D(1000)
    assert dsr(1_000_000, 500_000, 5_000_000) == 30
    assert dp_pct(15_000_000, 3_000_000) == 20
    assert minimum_dp_amount(15_000_000, 20) == D(3_000_000)
    assert monthly_to_annual_pct(2) == 24


def test_bool_is_not_an_amount():
    assert refusal(to_decimal, True, "x") == ("amount_invalid", "x", {"value": "True"})
    assert refusal(to_decimal, 1.5, "x") == ("amount_invalid", "x", {"value": "1.5"})
    assert refusal(to_decimal, D("NaN"), "x") == ("amount_invalid", "x", {"value": "NaN"})
    assert refusal(from_minor, True) == ("amount_invalid", None, {"value": "True"})


def test_is_sen_exact_reads_trailing_zeros():
    assert is_sen_exact(D("1.01")) and is_sen_exact(D("1.0100")) and is_sen_exact(D("1E+3"))
    assert not is_sen_exact(D("1.005"))


def test_money_str_keeps_the_sign_and_two_decimals():
    assert money_str(D("-12.5")) == "-12.50"
    assert money_str(D("-0.001")) == "0"
    assert money_str(D("1170000.004")) == "1170000"


def test_rounding_rule_refusals_name_the_rule():
    assert refusal(RoundingRule, D(1000), "sideways") == ("rounding_direction_invalid", "rounding", {"direction": "sideways"})
    assert refusal(RoundingRule, D(1000), 5) == ("rounding_direction_invalid", "rounding", {"direction": 5})
    assert refusal(RoundingRule, D(0), "up") == ("rounding_unit_not_positive", "rounding", {"unit": "0"})
    assert refusal(RoundingRule, 1000.0, "up") == ("amount_invalid", "rounding", {"value": "1000.0"})


# --- Every input a refusal can name, by name ---------------------------------------------------------------

F = 1.5  # a float: never money


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: monthly_to_annual_pct(F), ("amount_invalid", "rate")),
        (lambda: annual_to_monthly_pct(F), ("amount_invalid", "rate")),
        (lambda: flat_to_effective(F, 12, Timing.ADDB), ("amount_invalid", "rate")),
        (lambda: effective_to_flat(F, 12, Timing.ADDB), ("amount_invalid", "rate")),
        (lambda: effective_rate_from_cashflows(F, [D(1)], Timing.ADDB), ("amount_invalid", "principal")),
        (lambda: effective_rate_from_cashflows(D(1), [F], Timing.ADDB), ("amount_invalid", "installments")),
        (lambda: solve_dp_for_dsr(OJK, income=F, existing_installments=None, max_dsr_pct=D(30)), ("amount_invalid", "income")),
        (lambda: solve_dp_for_dsr(OJK, income=D(1), existing_installments=None, max_dsr_pct=F), ("amount_invalid", "max_dsr_pct")),
        (
            lambda: solve_dp_for_dsr(OJK, income=D(1), existing_installments=[F], max_dsr_pct=D(30)),
            ("amount_invalid", "existing_installments"),
        ),
        (lambda: solve_tenor(OJK, tenors=(12,), max_installment=F), ("amount_invalid", "max_installment")),
        (lambda: solve_min_down_payment(replace(OJK, otr=F)), ("amount_invalid", "otr")),
        (lambda: solve_min_down_payment(OJK, step=F), ("amount_invalid", "step")),
        (lambda: solve_min_down_payment(OJK, min_dp_pct=F), ("amount_invalid", "min_dp_pct")),
        (lambda: required_min_dp_pct(TIERS, "two_wheeler", F, D(0)), ("amount_invalid", "npf_pct")),
        (lambda: required_min_dp_pct(TIERS, "two_wheeler", D(2), F), ("amount_invalid", "product_min_pct")),
        (lambda: required_min_dp_pct((MinDpTier("two_wheeler", D(5), F),), "two_wheeler", D(2), D(0)), ("amount_invalid", "min_dp_pct")),
        (lambda: minimum_dp_amount(F, D(20)), ("amount_invalid", "otr")),
        (lambda: minimum_dp_amount(D(1), F), ("amount_invalid", "required_pct")),
        (lambda: check_minimum_dp(F, D(1), D(20)), ("amount_invalid", "otr")),
        (lambda: check_minimum_dp(D(10), F, D(20)), ("amount_invalid", "down_payment")),
        (lambda: check_minimum_dp(D(10), D(1), F), ("amount_invalid", "required_pct")),
        (lambda: dsr_within(D(1), F), ("amount_invalid", "max_dsr_pct")),
        (lambda: dp_pct(F, D(1)), ("amount_invalid", "otr")),
        (lambda: dp_pct(D(10), F), ("amount_invalid", "down_payment")),
        (lambda: pct_shown_up(F), ("amount_invalid", "ratio")),
        (lambda: pct_shown_down(F), ("amount_invalid", "ratio")),
        (lambda: dsr(D(1), None, D(10), F), ("amount_invalid", "household_income")),
        (lambda: build_schedule(F, [D(1)], [date(2025, 1, 1)], Timing.ADDB), ("amount_invalid", "principal")),
        (lambda: build_schedule(D(1), [F], [date(2025, 1, 1)], Timing.ADDB), ("amount_invalid", "installments")),
        (lambda: build_schedule(D(1), [D(2)], [date(2025, 1, 1)], Timing.ADDB, F), ("amount_invalid", "monthly_rate")),
        (lambda: compute_quote(replace(OJK, rate=RateSpec("flat", F))), ("amount_invalid", "rate")),
        (lambda: compute_quote(replace(OJK, fees=(FeeSpec("a", "fixed", F, False),))), ("amount_invalid", "fees")),
        (lambda: compute_quote(replace(OJK, down_payment=F)), ("amount_invalid", "down_payment")),
    ],
)
def test_a_float_is_refused_naming_the_input_it_came_in(call, expected):
    with pytest.raises(FinanceError) as caught:
        call()
    assert (caught.value.code, caught.value.field) == expected
    assert caught.value.params == {"value": "1.5"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"otr": D(0)}, ("amount_not_positive", "otr", {"amount": "0"})),
        ({"otr": D("15000000.001")}, ("fractional_sen", "otr", {"amount": "15000000.001"})),
        ({"down_payment": D("0.001")}, ("fractional_sen", "down_payment", {"amount": "0.001"})),
        ({"down_payment": D(-1)}, ("amount_negative", "down_payment", {"amount": "-1"})),
        ({"down_payment": D(15_000_000)}, ("dp_not_below_otr", "down_payment", {"down_payment": "15000000", "otr": "15000000"})),
        ({"tenor_months": 0}, ("tenor_not_positive", "tenor_months", {"tenor": 0})),
        ({"tenor_months": 12.0}, ("tenor_not_positive", "tenor_months", {"tenor": 12.0})),
        ({"tenor_months": True}, ("tenor_not_positive", "tenor_months", {"tenor": True})),
        (
            {"tenor_months": 18, "allowed_tenors": (36, 12, 24)},
            ("tenor_not_allowed", "tenor_months", {"tenor": 18, "allowed": "12, 24, 36"}),
        ),
        ({"tenor_months": 1, "timing": Timing.ADDM}, ("tenor_too_short", "tenor_months", {"tenor": 1, "minimum": 2})),
        ({"timing": "weekly"}, ("timing_invalid", "timing", {"timing": "weekly"})),
        ({"rate": RateSpec("simple", D(17))}, ("rate_kind_invalid", "rate", {"kind": "simple"})),
        ({"rate": RateSpec("flat", D("100.01"))}, ("rate_out_of_range", "rate", {"rate": "100.01", "minimum": D(0), "maximum": D(100)})),
        ({"rate": RateSpec("flat", D("-0.01"))}, ("rate_out_of_range", "rate", {"rate": "-0.01", "minimum": D(0), "maximum": D(100)})),
        ({"residue": "dealer"}, ("residue_invalid", "residue", {"residue": "dealer"})),
        ({"rounding": "up"}, ("rounding_unit_not_positive", "rounding", {})),
        ({"fees": (FeeSpec("", "fixed", D(5), False),)}, ("fee_code_invalid", "fees", {"code": ""})),
        ({"fees": (FeeSpec(7, "fixed", D(5), False),)}, ("fee_code_invalid", "fees", {"code": 7})),
        ({"fees": (FeeSpec("a", "fixed", D(5), False), FeeSpec("a", "otr", D(1), True))}, ("fee_code_duplicate", "fees", {"code": "a"})),
        ({"fees": (FeeSpec("a", "weight", D(5), False),)}, ("fee_basis_invalid", "fees", {"code": "a", "basis": "weight"})),
        ({"fees": (FeeSpec("a", "fixed", D(-5), False),)}, ("amount_negative", "fees", {"code": "a", "amount": "-5"})),
        ({"first_due_date": date(2025, 1, 15)}, ("first_due_date_invalid", "first_due_date", {})),
        ({"first_due_date": date(2025, 1, 14)}, ("first_due_date_invalid", "first_due_date", {})),
        ({"first_due_date": date(2025, 1, 16), "timing": Timing.ADDM}, ("first_due_date_invalid", "first_due_date", {})),
        (
            {"tenor_months": 12, "residue": "last_installment", "rounding": RoundingRule(D(1_000_000), "up")},
            ("installment_not_positive", "residue", {"last_installment": "-7960000"}),  # 14,040,000 - 11 x 2,000,000
        ),
        (
            {"otr": D(3_999_999), "rate": RateSpec("flat", D("0.01")), "rounding": RoundingRule(D(1000), "down")},
            ("interest_negative", "rounding", {"total_payable": "996000", "principal": "999999"}),
        ),
        (
            {"down_payment": D(14_999_000), "timing": Timing.ADDM, "tenor_months": 2},
            ("principal_too_small", "down_payment", {"principal": "1000", "installment": "1000"}),
        ),
    ],
)
def test_a_quote_refusal_names_the_field_and_the_figures(changes, expected):
    assert refusal(compute_quote, replace(OJK, **changes)) == expected


def test_the_first_due_date_may_be_the_day_after_signing_under_addb_and_must_be_signing_day_under_addm():
    assert compute_quote(replace(OJK, first_due_date=date(2025, 1, 16))).schedule[0].due_date == date(2025, 1, 16)
    assert compute_quote(replace(OJK, timing=Timing.ADDM, first_due_date=date(2025, 1, 15))).schedule[0].due_date == date(2025, 1, 15)


def test_an_addm_quote_of_exactly_two_installments_is_allowed():
    quote = compute_quote(replace(OJK, timing=Timing.ADDM, tenor_months=2))
    assert len(quote.schedule) == 2 and quote.schedule[0].interest == 0


def test_a_one_month_addb_quote_is_allowed():
    # 12,000,000 x (1 + 17 % / 12) = 12,170,000 in one installment.
    assert compute_quote(replace(OJK, tenor_months=1)).installment == D(12_170_000)


def test_the_highest_and_lowest_rates_are_allowed():
    assert compute_quote(replace(OJK, rate=RateSpec("flat", D(100)))).total_interest == D(12_000_000)
    assert compute_quote(replace(OJK, rate=RateSpec("effective", D(0)))).total_interest == 0


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda: required_min_dp_pct(TIERS, "truck", D(2), D(0)),
            ("min_dp_tier_missing", "vehicle_class", {"vehicle_class": "truck", "npf_pct": "2"}),
        ),
        (
            lambda: required_min_dp_pct(TIERS, "two_wheeler", D(101), D(0)),
            ("min_dp_tier_missing", "vehicle_class", {"vehicle_class": "two_wheeler", "npf_pct": "101"}),
        ),
        (lambda: dp_pct(D(0), D(0)), ("amount_not_positive", "otr", {"amount": "0"})),
        (lambda: dp_pct(D(-5), D(0)), ("amount_not_positive", "otr", {"amount": "-5"})),
        (lambda: dsr(D(1), None, D(0)), ("income_not_positive", "verified_income", {"income": "0"})),
        (lambda: dsr(D(-1), None, D(10)), ("amount_negative", "new_installment", {"amount": "-1"})),
        (lambda: dsr(D(1), [D(-2)], D(10)), ("amount_negative", "existing_installments", {"amount": "-2"})),
        (lambda: dsr(D(1), None, D(10), D(-3)), ("amount_negative", "household_income", {"amount": "-3"})),
        (
            lambda: solve_dp_for_dsr(OJK, income=D(0), existing_installments=None, max_dsr_pct=D(30)),
            ("income_not_positive", "income", {"income": "0"}),
        ),
        (lambda: solve_min_down_payment(replace(OJK, otr=D(0))), ("amount_not_positive", "otr", {"amount": "0"})),
        (lambda: solve_min_down_payment(OJK, step=D(0)), ("step_not_positive", "step", {"step": "0"})),
        (lambda: solve_min_down_payment(OJK, step=D(-1)), ("step_not_positive", "step", {"step": "-1"})),
        (
            lambda: check_minimum_dp(D(15_000_000), D(2_999_999), D("2E+1")),
            ("dp_below_minimum", "down_payment", {"required_pct": "20", "required_amount": "3000000"}),
        ),
        (lambda: build_schedule(D(0), [D(1)], [date(2025, 1, 1)], Timing.ADDB), ("amount_not_positive", "principal", {})),
        (lambda: build_schedule(D(10), [D(11), D(-1)], [date(2025, 1, 1)] * 2, Timing.ADDB), ("amount_negative", "installments", {})),
        (lambda: build_schedule(D(10), [D(4), D(4)], [date(2025, 1, 1)] * 2, Timing.ADDB), ("interest_negative", "installments", {})),
        (
            lambda: build_schedule(D(10), [D(4)], [date(2025, 1, 1)] * 2, Timing.ADDB),
            ("schedule_length_mismatch", "due_dates", {"installments": 1, "due_dates": 2}),
        ),
        (
            lambda: build_schedule(D(10), [D(6)] * 2, [date(2025, 1, 1)] * 2, Timing.ADDB, D("-0.01")),
            ("rate_out_of_range", "monthly_rate", {"rate": "-0.01", "minimum": 0, "maximum": "-"}),
        ),
        (lambda: annuity_installment(D(1), D("0.01"), 0, Timing.ADDB), ("tenor_not_positive", "tenor_months", {"tenor": 0})),
        (lambda: flat_installment(D(1), D(1), 0), ("tenor_not_positive", "tenor_months", {"tenor": 0})),
        (lambda: effective_to_flat(D(1), 0, Timing.ADDB), ("tenor_not_positive", "tenor_months", {"tenor": 0})),
        (lambda: annuity_installment(D(1), D("0.01"), 12, "monthly"), ("timing_invalid", "timing", {"timing": "monthly"})),
        (lambda: effective_rate_from_cashflows(D(0), [D(1)], Timing.ADDB), ("amount_not_positive", "principal", {})),
        (lambda: effective_rate_from_cashflows(D(10), [D(11), D(-1)], Timing.ADDB), ("amount_negative", "installments", {})),
        (lambda: effective_rate_from_cashflows(D(10), [], Timing.ADDB), ("cashflows_invalid", "installments", {})),
        (lambda: effective_rate_from_cashflows(D(10), [D(10), D(1)], Timing.ADDM), ("cashflows_invalid", "installments", {})),
    ],
)
def test_other_refusals_name_the_field_and_the_figures(call, expected):
    assert refusal(call) == expected


def test_the_required_dp_amount_is_rounded_up_to_the_rupiah_at_full_precision():
    # 33.333333333333333333333333333333 % of 10,000,000,000,000,000,000 needs 32 digits to stay above
    # 3,333,333,333,333,333,333.33…: a 28-digit context would round the product to a whole number first.
    pct = D("33.333333333333333333333333333333")
    with localcontext(CONTEXT):
        exact = D(10) ** 19 * pct / 100
    assert minimum_dp_amount(D(10) ** 19, pct) == exact.to_integral_value(rounding="ROUND_CEILING")
    assert str(minimum_dp_amount(D(1000), D(10))) == "100"


def test_monthly_and_flat_conversions_work_at_34_digits():
    # 1 / 7 at 34 digits, not at Python's default 28.
    with localcontext(CONTEXT):
        expected_month = D(1) / 12
        expected_flat = (D(10_000_000) + D(10_000_000) * D(10) * 7 / 1200) / 7
    assert annual_to_monthly_pct(D(1)) == expected_month
    assert flat_installment(D(10_000_000), D(10), 7) == expected_flat


def test_a_missing_tier_for_a_class_is_not_filled_from_another_class():
    tiers = (MinDpTier("four_wheeler", D(100), D(25)),)
    assert refusal(required_min_dp_pct, tiers, "two_wheeler", D(2), D(0))[0] == "min_dp_tier_missing"
    assert required_min_dp_pct(tiers, "four_wheeler", D(100), D(0)) == 25
