"""More boundaries of the money core: refusals that name their input, limits that must be accepted,
errors that survive pickling, and solver grids.

A refusal is behaviour (the Django layer translates it by code and points at its field), so each is pinned
whole; so is every limit that is legal (a zero installment, a 0 % rate given explicitly).
"""

import pickle
from dataclasses import replace
from datetime import date
from decimal import Context, Decimal, localcontext

import pytest

from angsur.finance import (
    FinanceError,
    QuoteInput,
    RateSpec,
    RoundingRule,
    Timing,
    add_months,
    build_schedule,
    compute_quote,
    dsr,
    effective_rate_from_cashflows,
    plan_installments,
    round_to,
    solve_dp_for_dsr,
    solve_min_down_payment,
)
from angsur.finance.policy import total_installments

D = Decimal
DATES = (date(2025, 2, 15), date(2025, 3, 15), date(2025, 4, 15))


def refusal(call, *args, **kwargs) -> tuple[str, str | None, dict]:
    """Call and return the refusal's code, field and params (the test fails if nothing is refused)."""
    with pytest.raises(FinanceError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.field, caught.value.params


# --- Refusals name their input ---------------------------------------------------------------


def test_a_float_income_is_refused_as_the_verified_income():
    assert refusal(dsr, D(1), None, 1.5) == ("amount_invalid", "verified_income", {"value": "1.5"})


@pytest.mark.parametrize("existing", [D(-2), -2])
def test_a_single_negative_existing_installment_is_refused_as_the_existing_installments(existing):
    # A single amount, not in a list: it is refused under the same name as one in a list.
    assert refusal(total_installments, existing) == ("amount_negative", "existing_installments", {"amount": "-2"})
    assert refusal(dsr, D(1), existing, D(10)) == ("amount_negative", "existing_installments", {"amount": "-2"})


def test_no_existing_installments_sum_to_a_decimal_zero():
    # An empty list sums to Decimal zero (not the int 0): the core computes in Decimal only.
    for nothing in ([], (), None):
        total = total_installments(nothing)
        assert type(total) is Decimal
        assert total == 0


def test_a_nan_installment_is_refused_as_an_installment():
    assert refusal(build_schedule, D(10), [D("NaN")], DATES[:1], Timing.ADDB) == ("amount_invalid", "installments", {"value": "NaN"})
    assert refusal(build_schedule, D(10), [D(11), D("Infinity")], DATES[:2], Timing.ADDB) == (
        "amount_invalid",
        "installments",
        {"value": "Infinity"},
    )


def test_a_zero_principal_is_refused_even_with_a_rate_given():
    # With the rate given nothing is solved, so the principal's own check must refuse it.
    assert refusal(build_schedule, D(0), [D(1)], DATES[:1], Timing.ADDB, D("0.01")) == ("amount_not_positive", "principal", {})


# --- Limits that are legal -----------------------------------------------------------------


def test_a_zero_installment_is_allowed_in_a_schedule():
    # Given a payment holiday in month 1: 0, then 11 repays 10
    lines = build_schedule(D(10), [D(0), D(11)], DATES[:2], Timing.ADDB)
    # Then the schedule is built; the holiday repays nothing and the interest is the 1 owed.
    assert [line.installment for line in lines] == [0, 11]
    assert sum(line.principal for line in lines) == 10
    assert sum(line.interest for line in lines) == 1
    assert lines[-1].balance == 0


def test_a_rate_of_zero_given_explicitly_is_allowed_and_charges_no_interest():
    lines = build_schedule(D(10), [D(5), D(5)], DATES[:2], Timing.ADDB, D(0))
    assert [(line.principal, line.interest, line.balance) for line in lines] == [(5, 0, 5), (5, 0, 0)]


def test_a_rate_above_what_the_installments_carry_never_splits_more_than_the_total_interest():
    # Given 100 repaid by 30, 30, 50 (10 of interest in all) but a rate of 20 % a month given explicitly
    lines = build_schedule(D(100), [D(30), D(30), D(50)], DATES, Timing.ADDB, D("0.2"))
    # Then the first line takes all the 10 (not the 20 the rate asks), and later lines none: interest is
    # counted down as it is split, so no line can take interest already taken.
    assert [line.interest for line in lines] == [10, 0, 0]
    assert [line.principal for line in lines] == [20, 30, 50]
    assert [line.balance for line in lines] == [80, 50, 0]


# --- Errors survive pickling ----------------------------------------------------------------


def test_a_finance_error_with_its_own_message_keeps_it_through_pickling():
    # Errors cross process boundaries (workers, caches): the custom message must survive, not be rebuilt.
    error = FinanceError("amount_invalid", field="otr", params={"value": "x"}, message="Harga OTR tidak valid.")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.code, copy.field, copy.params, copy.message, str(copy)) == (
        "amount_invalid",
        "otr",
        {"value": "x"},
        "Harga OTR tidak valid.",
        "Harga OTR tidak valid.",
    )


# --- Solver grids -----------------------------------------------------------------------------


OJK = QuoteInput(
    otr=D(15_000_000),
    down_payment=D(3_000_000),
    tenor_months=12,
    rate=RateSpec("flat", D(17)),
    timing=Timing.ADDB,
    contract_date=date(2025, 1, 15),
)


def test_the_dsr_counter_offer_uses_the_step_it_is_given():
    # Income 3,050,000 at a 30 % ceiling leaves 915,000 a month for the OJK quote.
    on_50k = solve_dp_for_dsr(OJK, income=D(3_050_000), existing_installments=None, max_dsr_pct=D(30), step=D(50_000))
    on_100k = solve_dp_for_dsr(OJK, income=D(3_050_000), existing_installments=None, max_dsr_pct=D(30))
    # The 50,000 grid finds 5,650,000; the default 100,000 grid cannot, and answers 5,700,000.
    assert (on_50k, on_100k) == (D(5_650_000), D(5_700_000))


def test_a_dsr_room_of_nothing_answers_none_before_the_quote_is_searched():
    # Income 1,000 at 30 % with 300 already due: no room. The answer is None at once, even for a quote
    # the search could not take (a step of zero is only refused once there is something to search).
    bad_step = D(0)
    assert solve_dp_for_dsr(OJK, income=D(1000), existing_installments=[D(300)], max_dsr_pct=D(30), step=bad_step) is None
    assert refusal(solve_dp_for_dsr, OJK, income=D(1000), existing_installments=[D(299)], max_dsr_pct=D(30), step=bad_step)[0] == (
        "step_not_positive"
    )


def test_the_largest_dp_on_the_grid_below_the_otr_is_tried_when_the_otr_is_not_on_the_grid():
    # OTR 13,000,000 on a 4,000,000 grid: DPs 0, 4, 8 and 12 million (13 / 4 = 3.25, rounded up, less one).
    q = replace(OJK, otr=D(13_000_000), tenor_months=1, rate=RateSpec("flat", D(0)), rounding=RoundingRule(D(1), "half_up"))
    # Only the 12,000,000 DP leaves an installment (1,000,000) within the budget.
    assert solve_min_down_payment(q, max_installment=D(1_000_000), step=D(4_000_000)) == D(12_000_000)
    assert solve_min_down_payment(q, max_installment=D(999_999), step=D(4_000_000)) is None


# --- Quotes: what a quote without fees carries, the zero last installment, shown rates --------


def test_a_quote_without_fees_carries_empty_fee_lists():
    quote = compute_quote(OJK)
    assert quote.fees == ()
    assert quote.tdp.fees == ()
    assert quote.as_dict()["tdp"]["fees"] == {}
    assert plan_installments(OJK).fees == ()


def test_a_last_installment_of_exactly_zero_is_refused():
    # 1,000 over two months with installments rounded up to 1,000: the first repays it all, the last is 0.
    q = replace(OJK, otr=D(1000), down_payment=D(0), tenor_months=2, rate=RateSpec("flat", D("0.01")), residue="last_installment")
    assert refusal(compute_quote, q) == ("installment_not_positive", "residue", {"last_installment": "0"})
    # At 0 % the installment is then rounded down instead (a 0 % loan is exact), and down to nothing here.
    zero = replace(q, rate=RateSpec("flat", D(0)))
    assert refusal(compute_quote, zero) == ("installment_not_positive", "rounding", {"last_installment": "0"})


def test_a_flat_rate_exactly_half_way_is_shown_rounded_half_up():
    # 1,600,000 over one month with 3 rupiah of interest: 3 x 1200 / 1,600,000 = 0.00225 % exactly,
    # shown to four decimals half up as 0.0023 (half even would show 0.0022).
    q = replace(
        OJK,
        otr=D(1_600_000),
        down_payment=D(0),
        tenor_months=1,
        rate=RateSpec("flat", D("0.00225")),
        rounding=RoundingRule(D(1), "half_up"),
    )
    quote = compute_quote(q)
    assert quote.total_interest == 3
    assert quote.flat_rate_annual == D("0.0023")
    assert quote.as_dict()["flat_rate_annual"] == "0.0023"


# --- Errors, rounding rules and dates ----------------------------------------------------------


def test_an_error_with_an_unknown_code_uses_the_code_as_its_message():
    error = FinanceError("no_such_code", params={"x": 1})
    assert (error.message, str(error)) == ("no_such_code", "no_such_code")


def test_a_rounding_direction_must_be_a_string_not_something_that_prints_as_one():
    class PrintsAsUp:
        def __str__(self) -> str:
            return "up"

    direction = PrintsAsUp()
    assert refusal(RoundingRule, D(1000), direction) == ("rounding_direction_invalid", "rounding", {"direction": direction})


@pytest.mark.parametrize(
    ("amount", "rule"),
    [
        (D("-0.4"), RoundingRule(D(1), "half_up")),
        (D("-0.4"), RoundingRule(D(1), "up")),
        (D(-400), RoundingRule(D(1000), "half_up")),
        (D(-1), RoundingRule(D(1000), "up")),
    ],
)
def test_an_amount_rounded_to_zero_is_a_plain_zero_never_a_negative_one(amount, rule):
    # A negative amount that rounds to nothing (a tiny negative payoff, say) gives "0", not "-0".
    rounded = round_to(amount, rule)
    assert rounded == 0
    assert str(rounded) == "0"


def test_add_months_keeps_the_anchor_day_it_is_given():
    # From 28 February with the contract's day 31: the next month is 31 March, not 28 March.
    assert add_months(date(2025, 2, 28), 1, anchor_day=31) == date(2025, 3, 31)
    assert add_months(date(2025, 1, 31), 1, anchor_day=30) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 10), -1, anchor_day=15) == date(2025, 2, 15)


# --- Cash flows with holidays and balloons; schedules at the edges ----------------------------


def reference_irr(principal: Decimal, installments: list[Decimal], first: int) -> Decimal:
    """Solve the monthly IRR by plain bisection at 60 digits, term by term."""
    with localcontext(Context(prec=60)):
        low, high = D("-0.99"), D(10)
        for _ in range(200):
            mid = (low + high) / 2
            value = sum(a / (1 + mid) ** (first + k) for k, a in enumerate(installments))
            if value > principal:
                low = mid
            else:
                high = mid
        return (low + high) / 2


@pytest.mark.parametrize(
    "installments",
    [
        [D(0), D(0), D(12_000)],  # two months' holiday, then a balloon
        [D(3000), D(3000), D(1000), D(5000)],  # all but two equal, the last different
        [D(3000), D(1000), D(3000), D(5000)],
        [D(0), D(4000), D(4000), D(4000)],
        [D(4000), D(4000), D(4000), D(0)],
        [D(3000), D(0), D(4000), D(4000)],  # a holiday between two runs
        [D(2000), D(0), D(0), D(3000), D(3000), D(0), D(4000), D(4000)],
    ],
)
@pytest.mark.parametrize(("timing", "first"), [(Timing.ADDB, 1), (Timing.ADDM, 0)])
def test_the_irr_of_irregular_installments_matches_a_bisection(installments, timing, first):
    principal = D(10_000)
    rate = effective_rate_from_cashflows(principal, installments, timing)
    assert abs(rate - reference_irr(principal, installments, first)) < D("1e-20")


def test_a_nan_installment_is_refused_by_the_rate_solver():
    assert refusal(effective_rate_from_cashflows, D(10), [D(11), D("NaN")], Timing.ADDB) == (
        "amount_invalid",
        "installments",
        {"value": "NaN"},
    )


def test_a_one_installment_addm_schedule_has_one_line():
    # Paid at signing, at a given rate of 0: one line that repays everything.
    lines = build_schedule(D(10), [D(10)], DATES[:1], Timing.ADDM, D(0))
    assert [(line.no, line.principal, line.interest, line.balance) for line in lines] == [(1, 10, 0, 0)]


@pytest.mark.parametrize("principal", [D(10_000), D(12_000), D(13_000), D(14_000), D(11_000)])
@pytest.mark.parametrize(("timing", "first"), [(Timing.ADDB, 1), (Timing.ADDM, 0)])
def test_twelve_installments_of_1000_have_the_irr_of_a_bisection_above_at_and_below_their_sum(principal, timing, first):
    # 12 x 1,000 against 10,000 to 14,000: a positive rate, exactly zero (12,000) and negative rates.
    rate = effective_rate_from_cashflows(principal, [D(1000)] * 12, timing)
    if principal == 12_000:
        assert rate == 0
    assert abs(rate - reference_irr(principal, [D(1000)] * 12, first)) < D("1e-20")
