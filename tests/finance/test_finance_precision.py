"""The money core computes at 34 significant digits, whatever the caller's decimal context.

`money.CONTEXT` (34 digits, IEEE decimal128) is the core's documented working precision: "far beyond any
rupiah amount and leaves room for rate solving". Python's default context has 28 digits, so a function that
forgets to enter the core's context, or does one addition outside it, silently rounds to 28 digits. Each
figure below needs more than 28 significant digits, so each test fails if the function it names computes
any step in the caller's context. Every test runs in Python's default 28-digit context (fixture below), the
context a caller has unless it changes it.

The amounts are absurd for rupiah (10^29 and up), on purpose: they are the smallest ones whose 28-digit
rounding shows. Rates need no such amounts: a closed form is checked against a 60-80 digit reference.
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, Context, Decimal, DefaultContext, getcontext, localcontext

import pytest

from angsur.finance import (
    FinanceError,
    QuoteInput,
    RateSpec,
    RoundingRule,
    Timing,
    annuity_installment,
    build_schedule,
    check_minimum_dp,
    compute_quote,
    dsr,
    effective_rate_from_cashflows,
    effective_to_flat,
    flat_to_effective,
    from_minor,
    minimum_dp_amount,
    money_str,
    monthly_to_annual_pct,
    pct_shown_down,
    pct_shown_up,
    plan_installments,
    round_to,
    solve_dp_for_dsr,
    solve_min_down_payment,
    to_minor,
)
from angsur.finance.money import is_sen_exact
from angsur.finance.policy import total_installments

D = Decimal
WHOLE_RUPIAH = RoundingRule(D(1), "half_up")


@pytest.fixture(autouse=True)
def python_default_context():
    """Run each test in Python's default context (28 digits), the one a caller of the core has."""
    with localcontext(DefaultContext):
        assert getcontext().prec == 28
        yield


def big(n: int) -> Decimal:
    """Return the int n as an exact Decimal (Decimal(int) never rounds; int arithmetic is exact)."""
    return D(n)


def huge_quote(otr: int, down_payment: int = 0) -> QuoteInput:
    """Return a one-month 0 % ADDB quote on whole rupiah: its installment is exactly OTR - DP."""
    return QuoteInput(
        otr=big(otr),
        down_payment=big(down_payment),
        tenor_months=1,
        rate=RateSpec("flat", D(0)),
        timing=Timing.ADDB,
        contract_date=date(2025, 1, 15),
        rounding=WHOLE_RUPIAH,
    )


# --- Amounts: sen, formatting, rounding -----------------------------------------------


def test_to_minor_and_from_minor_keep_every_digit_of_a_32_digit_amount_in_sen():
    # Given 123,456,789,012,345,678,901,234,567,890.12 rupiah: 32 digits in sen
    amount = D("123456789012345678901234567890.12")
    sen = 12345678901234567890123456789012
    # Then the conversions are exact both ways (28 digits would drop the last four)
    assert to_minor(amount) == sen
    assert from_minor(sen) == amount
    assert str(from_minor(sen)) == "123456789012345678901234567890.12"


def test_to_minor_sees_a_fraction_of_a_sen_at_the_34th_digit():
    # A fraction of a sen 33 digits below the first: 28 digits would round it away and accept the amount.
    with pytest.raises(FinanceError) as caught:
        to_minor(D("1234567890123456789012345678901.234"))
    assert caught.value.code == "fractional_sen"


def test_money_str_writes_an_amount_with_sen_beyond_28_digits_exactly():
    # 29 whole digits and a half rupiah: 31 digits once written with two decimals.
    assert money_str(D("12345678901234567890123456789.5")) == "12345678901234567890123456789.50"
    assert money_str(D("-12345678901234567890123456789.25")) == "-12345678901234567890123456789.25"


def test_money_str_writes_a_whole_amount_digit_for_digit_however_long():
    # A whole amount is written as its digits, even one longer than the 34-digit context could quantize.
    forty_digits = big(10**39 + 7)
    assert money_str(forty_digits) == str(10**39 + 7)


def test_round_to_keeps_a_31_digit_amount_whole():
    # round_to adds ZERO to drop an exponent: that addition must happen at 34 digits too (it was at 28).
    assert round_to(big(10**30 + 1), WHOLE_RUPIAH) == big(10**30 + 1)
    assert round_to(D("1000000000000000000000000000000.5"), WHOLE_RUPIAH) == big(10**30 + 1)
    assert round_to(big(10**30 + 1001), RoundingRule(D(1000), "up")) == big(10**30 + 2000)
    assert str(round_to(big(10**30 + 1), RoundingRule(D(1000), "down"))) == str(10**30)
    # 10^29 + 1 thousands: the count of units alone has 30 digits.
    assert round_to(big(10**32 + 1001), RoundingRule(D(1000), "up")) == big(10**32 + 2000)


def test_is_sen_exact_reads_long_amounts_without_rounding_them():
    # Whole or two-decimal amounts are read off the exponent, however long (no quantizing at all)
    assert is_sen_exact(big(10**33))
    assert is_sen_exact(D("123456789012345678901234567890123.45"))
    # A third decimal on a 29-digit amount: it is compared with its value in sen at 34 digits
    assert not is_sen_exact(D("12345678901234567890123456789.001"))
    assert is_sen_exact(D("12345678901234567890123456789.010"))


# --- Ratios and limits ------------------------------------------------------------------


def test_dsr_adds_debts_and_incomes_at_34_digits():
    # Given debts of 10^30 and 1 rupiah on an income of 100: the DSR is (10^30 + 1) x 100 / 100
    assert dsr(big(10**30), [D(1)], D(100)) == big(10**30 + 1)
    assert dsr(big(10**30), D(1), D(100)) == big(10**30 + 1)
    # Given 1 rupiah of debt on 10^30 + 1 of income (verified plus household)
    with localcontext(Context(prec=34, rounding=ROUND_CEILING)):
        expected = D(100) / big(10**30 + 1)
    assert dsr(D(1), None, big(10**30), D(1)) == expected
    assert expected == D("9.999999999999999999999999999990001E-29")


def test_a_dsr_keeps_34_digits_rounded_up():
    # 1 / 3 of the income: 33.33…34 at 34 digits, rounded up (away from a ceiling's side).
    assert dsr(D(1), None, D(3)) == D("33.33333333333333333333333333333334")


def test_shown_percentages_quantize_a_29_digit_ratio_to_the_hundredth():
    ratio = D("12345678901234567890123456789.001")
    assert pct_shown_up(ratio) == D("12345678901234567890123456789.01")
    assert pct_shown_down(ratio) == D("12345678901234567890123456789.00")


def test_existing_installments_are_summed_at_34_digits():
    assert total_installments([big(10**30), D(1)]) == big(10**30 + 1)
    assert total_installments([big(10**30), D(1), D(2)]) == big(10**30 + 3)


def test_the_minimum_dp_is_compared_exactly_at_31_digits():
    # Given an OTR of 10^30 + 1 and a 10 % minimum: the minimum is 10^29 + 0.1, so 10^29 + 1 rupiah
    otr = big(10**30 + 1)
    assert minimum_dp_amount(otr, D(10)) == big(10**29 + 1)
    check_minimum_dp(otr, big(10**29 + 1), D(10))
    # 10^29 is 0.1 short: refused (28 digits would round OTR x 10 to 10^31 and accept it)
    with pytest.raises(FinanceError) as caught:
        check_minimum_dp(otr, big(10**29), D(10))
    assert caught.value.code == "dp_below_minimum"
    assert caught.value.params == {"required_pct": "10", "required_amount": str(10**29 + 1)}


# --- Rates: closed forms against a reference ------------------------------------------------


def reference_annuity(principal: Decimal, monthly_rate: Decimal, n: int, first: int) -> Decimal:
    """Return P r / (1 - (1 + r)^-n), divided by 1 + r for ADDM (first = 0), at 80 digits."""
    with localcontext(Context(prec=80)):
        growth = 1 + monthly_rate
        installment = principal * monthly_rate / (1 - growth**-n)
        return installment / growth if first == 0 else installment


def relative_error(value: Decimal, reference: Decimal) -> Decimal:
    with localcontext(Context(prec=80)):
        return abs(value - reference) / abs(reference)


@pytest.mark.parametrize(("timing", "first"), [(Timing.ADDB, 1), (Timing.ADDM, 0)])
def test_the_annuity_installment_is_exact_to_33_digits(timing, first):
    # 12,000,000 over 36 months at 1.25 % a month: the 34-digit result is within a few units of its
    # last digit; a 28-digit one is off by about 1e-28 of the installment.
    installment = annuity_installment(D(12_000_000), D("0.0125"), 36, timing)
    assert relative_error(installment, reference_annuity(D(12_000_000), D("0.0125"), 36, first)) < D("1e-32")


def test_effective_to_flat_is_exact_to_33_digits():
    # flat = (installment x n - 1) x 1200 / n for a principal of 1 (the closed form at 80 digits)
    with localcontext(Context(prec=80)):
        expected = (reference_annuity(D(1), D(30) / 1200, 24, 1) * 24 - 1) * 1200 / 24
    assert relative_error(effective_to_flat(D(30), 24, Timing.ADDB), expected) < D("1e-32")


def test_a_one_installment_flat_rate_is_its_own_effective_rate_to_26_decimals():
    # With one installment in arrears the effective rate equals the flat rate exactly; what is left is the
    # rounding of 1 + 17 / 1200 (34 digits: ~1e-28 %; 28 digits: ~1e-24 %).
    assert abs(flat_to_effective(D(17), 1, Timing.ADDB) - 17) < D("1e-26")


def test_a_two_installment_addm_flat_rate_converts_exactly_to_29_digits():
    # ADDM, two installments a of a principal of 1: the second repays 1 - a a month later, so r = a / (1 - a) - 1.
    with localcontext(Context(prec=70)):
        a = (1 + D(100) * 2 / 1200) / 2
        expected = (a / (1 - a) - 1) * 1200
    assert relative_error(flat_to_effective(D(100), 2, Timing.ADDM), expected) < D("1e-29")


@pytest.mark.parametrize(("principal", "installment"), [(7, 8), (3, 4), (11, 13)])
def test_a_one_installment_irr_is_exact_to_30_digits(principal, installment):
    # One installment a month after signing: r = installment / principal - 1 (1/7, 1/3, 2/11), which a
    # 28-digit context cannot hold closer than ~1e-29.
    with localcontext(Context(prec=60)):
        expected = D(installment - principal) / principal
    assert abs(effective_rate_from_cashflows(D(principal), [D(installment)], Timing.ADDB) - expected) < D("1e-30")


@pytest.mark.parametrize(("timing", "first"), [(Timing.ADDB, 1), (Timing.ADDM, 0)])
def test_a_rate_below_one_in_a_billion_is_solved_to_full_precision(timing, first):
    # 12 x (10^12 + 1) repaying 12 x 10^12: about 1.5e-13 a month. Below 1e-9 the closed-form sums would
    # cancel ~13 of the 34 digits (an error of ~1e-23), so they are summed term by term (~1e-33).
    principal, installments = big(12 * 10**12), [big(10**12 + 1)] * 12
    with localcontext(Context(prec=80)):
        low, high = D(-1) / 10**6, D(1) / 10**6
        for _ in range(300):
            mid = (low + high) / 2
            value = sum(a / (1 + mid) ** (first + k) for k, a in enumerate(installments))
            low, high = (mid, high) if value > principal else (low, mid)
        expected = (low + high) / 2
    rate = effective_rate_from_cashflows(principal, installments, timing)
    assert D("1e-13") < rate < D("1e-12")
    assert abs(rate - expected) < D("1e-30")


def test_monthly_to_annual_keeps_a_31_digit_rate_exact():
    assert monthly_to_annual_pct(D("1.234567890123456789012345678901")) == D("14.814814681481481468148148146812")


# --- Quotes, schedules and solvers on 30-digit amounts ---------------------------------------


def test_a_quote_finances_a_30_digit_principal_exactly():
    # OTR 10^29 + 2, DP 1: the principal 10^29 + 1 has 30 digits (28 digits would make it 10^29); at 0 %
    # over one month the installment is the principal.
    q = huge_quote(10**29 + 2, 1)
    plan = plan_installments(q)
    assert plan.financed_principal == big(10**29 + 1)
    assert plan.installment == plan.last_installment == big(10**29 + 1)
    assert plan.total_interest == 0
    quote = compute_quote(q)
    assert (quote.financed_principal, quote.installment, quote.total_payable) == (big(10**29 + 1),) * 3
    assert quote.schedule[0].principal == big(10**29 + 1)


def test_a_schedule_sums_31_digit_installments_exactly():
    # 10^30 + 1 repaid by 10^30 and 1 at 0 %: the installments sum to the principal exactly (a 28-digit
    # sum is 10^30, which would look like installments that do not repay the principal).
    lines = build_schedule(big(10**30 + 1), [big(10**30), D(1)], [date(2025, 2, 1), date(2025, 3, 1)], Timing.ADDB)
    assert [(line.principal, line.interest, line.balance) for line in lines] == [(big(10**30), 0, D(1)), (D(1), 0, 0)]


def test_the_dp_solver_works_on_a_31_digit_grid():
    # OTR 2 x 10^30 + 50 in steps of 1 rupiah, at least 50 % down: the smallest DP is 10^30 + 25, which
    # needs 31 digits both to find (OTR x 50 / 100) and to return.
    q = huge_quote(2 * 10**30 + 50)
    assert solve_min_down_payment(q, min_dp_pct=D(50), step=D(1)) == big(10**30 + 25)
    # A budget of 10^30 + 10: the DP must be at least OTR - budget = 10^30 + 40 (found by bisection).
    assert solve_min_down_payment(q, max_installment=big(10**30 + 10), step=D(1)) == big(10**30 + 40)


def test_the_dsr_counter_offer_finds_its_room_at_34_digits():
    # Income 2 x 10^30 + 20 at a 50 % ceiling leaves room for 10^30 + 10 a month; OTR 2 x 10^30 + 50
    # then needs a DP of 10^30 + 40 (a 28-digit room of 10^30 would ask for 10^30 + 50).
    q = huge_quote(2 * 10**30 + 50)
    answer = solve_dp_for_dsr(q, income=big(2 * 10**30 + 20), existing_installments=None, max_dsr_pct=D(50), step=D(1))
    assert answer == big(10**30 + 40)
    assert replace(q, down_payment=answer).down_payment == big(10**30 + 40)
