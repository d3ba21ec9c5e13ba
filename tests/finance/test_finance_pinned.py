"""Quotes pinned against figures computed outside the code under test.

Every expected number here comes from somewhere else than angsur.finance: a hand-computed annuity
(written out in the test, at 50 digits), numpy-financial (a test-only dependency, an independent
implementation in binary floats), or plain arithmetic stated in a comment. A property that only checks
that a quote agrees with itself cannot see a wrong formula; these can.
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import numpy_financial as npf
import pytest

from angsur.finance import (
    QuoteInput,
    RateSpec,
    RoundingRule,
    Timing,
    build_schedule,
    compute_quote,
    dsr,
    due_dates,
    solve_dp_for_dsr,
)

D = Decimal

# The OJK literacy example's loan (domain primer §3): OTR 15,000,000, DP 3,000,000, so 12,000,000 financed.
OJK = QuoteInput(
    otr=D(15_000_000),
    down_payment=D(3_000_000),
    tenor_months=12,
    rate=RateSpec("flat", D(17)),
    timing=Timing.ADDB,
    contract_date=date(2025, 1, 15),
)


def hand_annuity(principal: Decimal, monthly_rate: Decimal, n: int, *, in_advance: bool) -> Decimal:
    """The textbook annuity A = P·r / (1 − (1 + r)^−n), divided by (1 + r) when paid in advance (annuity-due)."""
    with localcontext() as ctx:
        ctx.prec = 50
        installment = principal * monthly_rate / (1 - (1 + monthly_rate) ** -n)
        return installment / (1 + monthly_rate) if in_advance else installment


def up_to_thousand(amount: Decimal) -> Decimal:
    """Round up to a whole Rp1,000, the common price-list rule (domain primer §3)."""
    return (amount / 1000).to_integral_value(ROUND_CEILING) * 1000


def npf_annual_rate(principal: Decimal, installment: Decimal, n: int, *, in_advance: bool) -> Decimal:
    """numpy-financial's rate() for n level installments, as a nominal annual percent (monthly x 1200)."""
    monthly = npf.rate(n, -float(installment), float(principal), 0, when=1 if in_advance else 0)
    return D(repr(float(monthly) * 1200))


# --- 1. Effective-rate quotes (ADDB and ADDM) --------------------------------------------------------


def test_addb_effective_quote_is_the_hand_computed_annuity_rounded_up_to_the_thousand():
    # Given 12,000,000 financed at 24 % effective a year (2 % a month) over 24 months, paid in arrears.
    q = replace(OJK, rate=RateSpec("effective", D(24)), tenor_months=24)

    # When it is quoted
    quote = compute_quote(q)

    # Then the installment is the annuity 12,000,000 x 0.02 / (1 - 1.02^-24) = 634,453.17, rounded up to
    # 635,000 (numpy-financial's pmt agrees), and the rate actually paid on 24 x 635,000 is 24.0913 %.
    exact = hand_annuity(D(12_000_000), D("0.02"), 24, in_advance=False)
    assert exact.quantize(D("0.01")) == D("634453.17")
    assert abs(float(exact) - npf.pmt(0.02, 24, -12_000_000)) < 0.01
    assert quote.installment == quote.last_installment == up_to_thousand(exact) == D(635_000)
    assert quote.effective_rate_annual == D("24.0913")
    assert abs(quote.effective_rate_annual - npf_annual_rate(D(12_000_000), D(635_000), 24, in_advance=False)) < D("0.00006")
    assert quote.total_interest == 24 * D(635_000) - D(12_000_000) == D(3_240_000)


def test_addm_effective_quote_is_the_hand_computed_annuity_due_rounded_up_to_the_thousand():
    # Given the same loan, but the first of the 24 installments is paid at signing (ADDM).
    q = replace(OJK, rate=RateSpec("effective", D(24)), tenor_months=24, timing=Timing.ADDM)

    # When it is quoted
    quote = compute_quote(q)

    # Then the installment is the annuity-due 634,453.17 / 1.02 = 622,012.91, rounded up to 623,000
    # (numpy-financial's pmt with when=1 agrees), and the rate actually paid is 24.1840 % (npf.rate):
    # an ADDM quote priced as if in arrears would charge 635,000 and quote 26.41 %.
    exact = hand_annuity(D(12_000_000), D("0.02"), 24, in_advance=True)
    assert exact.quantize(D("0.01")) == D("622012.91")
    assert abs(float(exact) - npf.pmt(0.02, 24, -12_000_000, when=1)) < 0.01
    assert quote.installment == quote.last_installment == D(623_000)
    assert quote.effective_rate_annual == D("24.1840")
    assert abs(quote.effective_rate_annual - npf_annual_rate(D(12_000_000), D(623_000), 24, in_advance=True)) < D("0.00006")
    # The installment paid at signing is in the TDP, and carries no interest.
    assert quote.tdp.first_installment == D(623_000)
    assert quote.tdp.total == D(3_000_000) + D(623_000)
    assert quote.schedule[0].interest == 0 and quote.schedule[0].principal == D(623_000)


@pytest.mark.parametrize(("tenor", "annual_pct"), [(12, D(18)), (36, D("26.5")), (60, D("9.99"))])
@pytest.mark.parametrize("timing", list(Timing))
def test_effective_quotes_match_numpy_financial_for_other_tenors_and_rates(tenor, annual_pct, timing):
    # Given an effective-rate quote with the residue in the last installment (so no rounding moves the rate)
    q = replace(OJK, rate=RateSpec("effective", annual_pct), tenor_months=tenor, timing=timing, residue="last_installment")
    in_advance = timing is Timing.ADDM

    quote = compute_quote(q)

    # Then the regular installment is npf.pmt rounded up to Rp1,000, and the quoted rate is the nominal rate.
    pmt = npf.pmt(float(annual_pct) / 1200, tenor, -12_000_000, when=1 if in_advance else 0)
    assert quote.installment == up_to_thousand(D(repr(float(pmt))))
    assert abs(quote.effective_rate_annual - annual_pct) <= D("0.0001")
    assert abs(quote.effective_rate_annual - npf_annual_rate(D(12_000_000), quote.installment, tenor, in_advance=in_advance)) < 1


def test_effective_quote_with_the_residue_in_the_last_installment_repays_exactly_at_the_nominal_rate():
    # Given 24 % effective over 24 months in arrears, installments rounded up and the residue in the last one
    quote = compute_quote(replace(OJK, rate=RateSpec("effective", D(24)), tenor_months=24, residue="last_installment"))

    # Then 23 x 635,000 and a last installment L repay 12,000,000 at exactly 2 % a month:
    # L = (12,000,000 - 635,000 x (1 - 1.02^-23) / 0.02) x 1.02^24, to the rupiah.
    with localcontext() as ctx:
        ctx.prec = 50
        r = D("0.02")
        last = (D(12_000_000) - D(635_000) * (1 - (1 + r) ** -23) / r) * (1 + r) ** 24
    assert quote.installment == D(635_000)
    assert quote.last_installment == last.quantize(D(1)) == D(618_364)
    assert quote.effective_rate_annual == D("24.0000")


def test_addm_effective_quote_with_the_residue_in_the_last_installment_repays_exactly_at_the_nominal_rate():
    # Given the same at ADDM: the first installment at signing (period 0), the last in period 23
    quote = compute_quote(replace(OJK, rate=RateSpec("effective", D(24)), tenor_months=24, residue="last_installment", timing=Timing.ADDM))

    # Then L = (12,000,000 - 623,000 x (1 + (1 - 1.02^-22) / 0.02)) x 1.02^23, to the rupiah.
    with localcontext() as ctx:
        ctx.prec = 50
        r = D("0.02")
        last = (D(12_000_000) - D(623_000) * (1 + (1 - (1 + r) ** -22) / r)) * (1 + r) ** 23
    assert quote.installment == D(623_000)
    assert quote.last_installment == last.quantize(D(1)) == D(592_971)
    assert quote.effective_rate_annual == D("24.0000")


# --- 2. A 0 % promotion with the residue in the last installment -------------------------------------


@pytest.mark.parametrize("kind", ["flat", "effective"])
def test_zero_percent_promotion_puts_the_rounding_residue_in_a_smaller_last_installment(kind):
    # Given 11,500,000 financed at 0 % over 12 months, installments rounded up to Rp1,000, residue last
    q = replace(OJK, down_payment=D(3_500_000), rate=RateSpec(kind, D(0)), residue="last_installment")

    # When it is quoted
    quote = compute_quote(q)

    # Then 11,500,000 / 12 = 958,333.33 rounds up to 959,000, and the last installment is what is left:
    # 11,500,000 - 11 x 959,000 = 951,000. No interest is charged on a 0 % promotion.
    assert quote.installment == D(959_000)
    assert quote.last_installment == D(11_500_000) - 11 * D(959_000) == D(951_000)
    assert quote.total_payable == D(11_500_000)
    assert quote.total_interest == 0
    assert quote.effective_rate_annual == quote.flat_rate_annual == 0
    assert [line.installment for line in quote.schedule] == [D(959_000)] * 11 + [D(951_000)]
    assert all(line.interest == 0 for line in quote.schedule)


# --- 3. The DSR counter-offer keeps the regulatory minimum DP ----------------------------------------


def test_dsr_counter_offer_never_goes_below_the_regulatory_minimum_dp():
    # Given the OJK loan, an income of 10,000,000 and a 35 % ceiling: with no DP at all the installment
    # is 15,000,000 x 1.17 / 12 = 1,462,500, a DSR of 14.6 %, well within the ceiling.
    assert dsr(D(1_462_500), None, D(10_000_000)) < 35
    assert solve_dp_for_dsr(OJK, income=D(10_000_000), existing_installments=None, max_dsr_pct=D(35)) == 0

    # When the regulatory tier requires 20 % of OTR
    dp = solve_dp_for_dsr(OJK, income=D(10_000_000), existing_installments=None, max_dsr_pct=D(35), min_dp_pct=D(20))

    # Then the counter-offer is that minimum, 20 % of 15,000,000 = 3,000,000, not the 0 the DSR alone allows.
    assert dp == D(3_000_000)


def test_dsr_counter_offer_on_a_grid_that_is_not_the_default():
    # Given an income of 4,000,000, 500,000 already paid elsewhere and a 33 % ceiling: room 820,000.
    # The installment (15,000,000 - DP) x 1.17 / 12, rounded up to Rp1,000, fits from DP 6,600,000:
    # 8,400,000 x 1.17 / 12 = 819,000, while 6,550,000 leaves 8,450,000 x 1.17 / 12 = 823,875 -> 824,000.
    dp = solve_dp_for_dsr(OJK, income=D(4_000_000), existing_installments=[D(500_000)], max_dsr_pct=D(33), step=D(50_000))

    assert dp == D(6_600_000)


# --- 4. Interest rounded to Rp100 ----------------------------------------------------------------------


def test_interest_rounded_down_to_rp100_follows_the_effective_interest_method_line_by_line():
    # Given the OJK schedule (12,000,000 repaid by 12 x 1,170,000, IRR 2.502181 % a month), interest
    # rounded down to Rp100
    schedule = build_schedule(
        D(12_000_000), [D(1_170_000)] * 12, due_dates(date(2025, 2, 15), 12), Timing.ADDB, unit=RoundingRule(D(100), "down")
    )

    # Then each month's interest is the balance x 2.502181 % rounded down to Rp100: 12,000,000 x r =
    # 300,261.7 -> 300,200; the balance is then 11,130,200, x r = 278,497.8 -> 278,400; and so on. The
    # reference loop below uses the IRR solved by numpy-financial; the last line takes the residue.
    monthly = D(repr(float(npf.rate(12, -1_170_000, 12_000_000, 0))))
    balance, expected = D(12_000_000), []
    for _ in range(11):
        interest = (balance * monthly / 100).to_integral_value(ROUND_FLOOR) * 100
        expected.append(interest)
        balance -= D(1_170_000) - interest
    expected.append(D(1_170_000) - balance)
    assert [line.interest for line in schedule] == expected
    assert expected[:3] == [D(300_200), D(278_400), D(256_100)]
    assert expected[-1] == D(29_300)
    assert [line.balance for line in schedule][:2] == [D(11_130_200), D(10_238_600)]


# --- 5. Schedules: lines numbered 1..n, and under ADDM the installment at signing carries no interest ----------


@pytest.mark.parametrize("timing", list(Timing))
def test_schedule_lines_are_numbered_from_one_on_both_splits(timing):
    # Given installments so uneven that the common split must clamp (the second cannot cover a month's
    # interest), and the same loan with level installments (the common split)
    uneven = [D(3_000_000), D(1_000)] + [D(2_000_000)] * 5
    level = [D(1_170_000)] * 12
    dates = due_dates(date(2025, 1, 15), 12)

    clamped = build_schedule(D(10_000_000), uneven, dates[:7], timing)
    common = build_schedule(D(12_000_000), level, dates, timing)

    # Then both are numbered 1..n in order
    assert [line.no for line in clamped] == list(range(1, 8))
    assert [line.no for line in common] == list(range(1, 13))


def test_under_addm_the_installment_paid_at_signing_carries_no_interest_even_when_clamped():
    # Given an ADDM schedule whose second installment (1,000) cannot cover a month's interest
    uneven = [D(3_000_000), D(1_000)] + [D(2_000_000)] * 5
    schedule = build_schedule(D(10_000_000), uneven, due_dates(date(2025, 1, 15), 7), Timing.ADDM)

    # Then the first installment, paid at signing before any interest accrues, is all principal;
    # the second is all interest (it does not cover the month's interest); the total interest is what
    # was paid above the principal: 3,000,000 + 1,000 + 10,000,000 - 10,000,000 = 3,001,000.
    assert (schedule[0].principal, schedule[0].interest, schedule[0].balance) == (D(3_000_000), 0, D(7_000_000))
    assert (schedule[1].principal, schedule[1].interest, schedule[1].balance) == (0, D(1_000), D(7_000_000))
    assert sum(line.interest for line in schedule) == D(3_001_000)
    # Under ADDB the same first installment is a month's interest and some principal.
    assert build_schedule(D(10_000_000), uneven, due_dates(date(2025, 2, 15), 7), Timing.ADDB)[0].interest > 0
