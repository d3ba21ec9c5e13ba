"""Hypothesis properties over wide ranges: schedules reconcile, rates round-trip, solvers are minimal."""

import calendar
from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

import numpy_financial as npf
from hypothesis import HealthCheck, assume, example, given, reject, settings
from hypothesis import strategies as st

from angsur.finance import (
    RUPIAH,
    FinanceError,
    Quote,
    QuoteInput,
    RateSpec,
    RoundingRule,
    Timing,
    annuity_installment,
    build_schedule,
    compute_quote,
    due_dates,
    effective_rate_from_cashflows,
    effective_to_flat,
    flat_to_effective,
    from_minor,
    round_to,
    solve_min_down_payment,
    to_minor,
)
from angsur.finance.schedule import _SPLIT_CONTEXTS, _lines_unclamped, _parts_clamped, days_in_month

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

otrs = st.integers(min_value=1_000_000, max_value=2_000_000_000).map(Decimal)
dp_pcts = st.integers(min_value=0, max_value=9000).map(lambda basis_points: Decimal(basis_points) / 100)
rates = st.integers(min_value=0, max_value=6000).map(lambda hundredths: Decimal(hundredths) / 100)
units = st.sampled_from(["1", "100", "500", "1000", "5000", "10000"]).map(Decimal)
directions = st.sampled_from(["up", "down", "half_up"])
contract_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))

# Only these can legitimately refuse a well-formed input: rounding down can drop the
# total below the principal, rounding up can leave no positive last installment, and
# under ADDM a tiny principal can be repaid by the installment taken at signing.
ROUNDING_REFUSALS = {"interest_negative", "installment_not_positive", "principal_too_small"}


@st.composite
def quote_inputs(draw: st.DrawFn) -> QuoteInput:
    timing = draw(st.sampled_from(list(Timing)))
    otr = draw(otrs)
    down_payment = (otr * draw(dp_pcts) / 100).quantize(Decimal(1), ROUND_FLOOR)
    return QuoteInput(
        otr=otr,
        down_payment=down_payment,
        tenor_months=draw(st.integers(min_value=2 if timing is Timing.ADDM else 1, max_value=60)),
        rate=RateSpec(draw(st.sampled_from(["flat", "effective"])), draw(rates)),
        timing=timing,
        rounding=RoundingRule(draw(units), draw(directions)),
        residue=draw(st.sampled_from(["interest", "last_installment"])),
        contract_date=draw(contract_dates),
    )


def _regular_and_owed(q: QuoteInput) -> tuple[Decimal, Decimal, Decimal]:
    """Recompute, outside the core (50 digits, the textbook formulas), the principal, the rounded
    regular installment and what the buyer owes, to judge a refusal independently."""
    with localcontext() as ctx:
        ctx.prec = 50
        principal = q.otr - q.down_payment
        n = q.tenor_months
        if q.rate.kind == "flat":
            interest = principal * q.rate.annual_pct * n / 1200
            exact = (principal + interest) / n
            owed = principal + interest.quantize(Decimal(1), ROUND_HALF_UP)
        else:
            r = q.rate.annual_pct / 1200
            exact = principal / n if r == 0 else principal * r / (1 - (1 + r) ** -n)
            if r and q.timing is Timing.ADDM:
                exact /= 1 + r
            owed = principal  # at least: an effective rate >= 0 never owes less than the principal
        direction = {"up": ROUND_CEILING, "down": ROUND_FLOOR, "half_up": ROUND_HALF_UP}[q.rounding.direction]
        regular = (exact / q.rounding.unit).to_integral_value(direction) * q.rounding.unit
        return principal, regular, owed


def quote_or_skip(q: QuoteInput) -> Quote:
    """Quote q; a refusal is accepted only when its reason is independently true for q (else it is a bug)."""
    try:
        return compute_quote(q)
    except FinanceError as error:
        assert error.code in ROUNDING_REFUSALS, error
        principal, regular, owed = _regular_and_owed(q)
        n = q.tenor_months
        if error.code == "installment_not_positive":
            # Rounded down to nothing, or, rounded up, n - 1 regular installments already pay all that is owed.
            # At 0 %: rounded down to the unit (as a 0 % loan is), nothing is left per installment.
            interest_free_to_nothing = q.rate.annual_pct == 0 and principal / n < q.rounding.unit
            assert regular <= 0 or interest_free_to_nothing or (q.residue == "last_installment" and regular * (n - 1) >= owed), error
        elif error.code == "interest_negative":
            # Rounded down, the level installments repay less than the principal.
            assert q.residue == "interest" and regular * n < principal, error
        else:
            # ADDM: the installment taken at signing repays the whole principal.
            assert q.timing is Timing.ADDM and regular >= principal, error
        reject()


@PROPERTY
@given(quote_inputs())
# Found by the stricter refusal check: a 9,9xx installment rounded down to Rp10,000 is 0 (refused, rightly).
@example(
    QuoteInput(
        otr=Decimal(1_000_000),
        down_payment=Decimal(606_000),
        tenor_months=60,
        rate=RateSpec("effective", Decimal(1)),
        timing=Timing.ADDB,
        rounding=RoundingRule(Decimal(10_000), "down"),
        contract_date=date(2025, 1, 15),
    )
)
def test_schedule_pays_off_to_zero_and_reconciles_exactly(q):
    quote = quote_or_skip(q)
    schedule = quote.schedule
    principal = quote.financed_principal

    assert len(schedule) == q.tenor_months
    assert [line.no for line in schedule] == list(range(1, q.tenor_months + 1))
    assert schedule[-1].balance == 0
    assert sum(line.principal for line in schedule) == principal
    assert sum(line.interest for line in schedule) == quote.total_interest == quote.total_payable - principal
    assert sum(line.installment for line in schedule) == quote.total_payable
    assert [line.installment for line in schedule] == [quote.installment] * (q.tenor_months - 1) + [quote.last_installment]
    previous = principal
    for line in schedule:
        assert line.principal >= 0 and line.interest >= 0
        assert line.principal + line.interest == line.installment
        assert line.balance == previous - line.principal
        assert 0 <= line.balance <= previous
        previous = line.balance
    if q.timing is Timing.ADDM:
        assert schedule[0].interest == 0


@PROPERTY
@given(quote_inputs())
def test_quote_totals_follow_the_residue_rule(q):
    quote = quote_or_skip(q)
    n = q.tenor_months
    assert quote.installment == round_to(quote.installment, q.rounding) or n == 1
    if q.rate.annual_pct == 0:
        # A 0 % loan is exact whatever the residue rule: the last installment takes the rounding difference.
        assert quote.total_interest == 0 and quote.total_payable == quote.financed_principal
    elif q.residue == "interest":
        assert quote.last_installment == quote.installment
        assert quote.total_payable == quote.installment * n
    elif q.rate.kind == "flat":
        principal = quote.financed_principal
        flat_interest = round_to(principal * q.rate.annual_pct * n / 1200, RoundingRule(Decimal(1), "half_up"))
        assert quote.total_payable == principal + flat_interest
    assert quote.last_installment > 0
    assert quote.tdp.total == q.down_payment + (quote.installment if q.timing is Timing.ADDM else 0)


@PROPERTY
@given(quote_inputs())
def test_quoted_effective_rate_is_the_irr_of_the_installments(q):
    quote = quote_or_skip(q)
    installments = [line.installment for line in quote.schedule]
    monthly = effective_rate_from_cashflows(quote.financed_principal, installments, q.timing)

    assert quote.effective_rate_annual == (monthly * 1200).quantize(Decimal("0.0001"))


@PROPERTY
@given(flat=rates, n=st.integers(min_value=1, max_value=60), timing=st.sampled_from(list(Timing)))
def test_flat_to_effective_to_flat_round_trips(flat, n, timing):
    assume(timing is Timing.ADDB or n >= 2)
    effective = flat_to_effective(flat, n, timing)

    assert abs(effective_to_flat(effective, n, timing) - flat) < Decimal("1e-8")


@PROPERTY
@given(flat=rates.filter(lambda rate: rate > 0), n=st.integers(min_value=2, max_value=60))
def test_addm_effective_rate_exceeds_addb_for_the_same_flat_rate(flat, n):
    assert flat_to_effective(flat, n, Timing.ADDM) > flat_to_effective(flat, n, Timing.ADDB) > flat


@settings(PROPERTY, max_examples=50)
@given(flat=rates, n=st.integers(min_value=1, max_value=60), timing=st.sampled_from(list(Timing)))
def test_flat_to_effective_is_accurate_to_1e_10(flat, n, timing):
    assume(timing is Timing.ADDB or n >= 2)
    effective = flat_to_effective(flat, n, timing)
    installment = (1 + flat * n / 1200) / n
    first = 0 if timing is Timing.ADDM else 1

    # The installment at the returned rate must reproduce the flat installment, and a
    # rate 1e-10 % a year either side must miss it on the correct side.
    def present_value(annual_pct: Decimal) -> Decimal:
        monthly = annual_pct / 1200
        return sum(installment / (1 + monthly) ** (first + k) for k in range(n))

    if flat > 0:
        assert present_value(effective - Decimal("1e-10")) > 1 > present_value(effective + Decimal("1e-10"))
    else:
        assert effective == 0


@PROPERTY
@given(
    principal=st.integers(min_value=1_000_000, max_value=2_000_000_000),
    annual_pct=rates,
    n=st.integers(min_value=1, max_value=60),
    timing=st.sampled_from(list(Timing)),
)
def test_annuity_installment_agrees_with_numpy_financial_to_the_rupiah(principal, annual_pct, n, timing):
    ours = annuity_installment(Decimal(principal), annual_pct / 1200, n, timing)
    theirs = npf.pmt(float(annual_pct) / 1200, n, -principal, when=1 if timing is Timing.ADDM else 0)

    assert abs(float(ours) - theirs) < 1


@PROPERTY
@given(q=quote_inputs(), budget_share=st.integers(min_value=1, max_value=150), step=st.sampled_from(["50000", "100000", "500000"]))
def test_solved_down_payment_is_the_smallest_on_the_grid(q, budget_share, step):
    step = Decimal(step)
    reference = quote_or_skip(q).installment
    budget = reference * budget_share / 100
    dp = solve_min_down_payment(q, max_installment=budget, min_dp_pct=Decimal(10), step=step)

    def fits(down_payment: Decimal) -> bool:
        try:
            quote = compute_quote(replace(q, down_payment=down_payment))
        except FinanceError as error:
            assert error.code in ROUNDING_REFUSALS
            return False
        return max(quote.installment, quote.last_installment) <= budget

    if dp is None:
        # Nothing fits: not even the largest DP on the grid below the OTR.
        largest = (q.otr / step).to_integral_value(ROUND_FLOOR) * step
        largest = largest - step if largest == q.otr else largest
        assert largest < q.otr * Decimal("0.1") or not fits(largest)
    else:
        assert dp % step == 0 and q.otr * Decimal("0.1") <= dp < q.otr
        assert fits(dp)
        assert dp - step < q.otr * Decimal("0.1") or not fits(dp - step)


@PROPERTY
@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False),
    unit=units,
    direction=directions,
)
def test_round_to_gives_a_nearby_multiple_in_the_right_direction(amount, unit, direction):
    result = round_to(amount, RoundingRule(unit, direction))

    assert result % unit == 0
    assert abs(result - amount) < unit
    if direction == "up":
        assert result >= amount
    elif direction == "down":
        assert result <= amount
    else:
        assert abs(result - amount) <= unit / 2


@PROPERTY
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_minor_units_round_trip(sen):
    assert to_minor(from_minor(sen)) == sen


@PROPERTY
@given(first=st.dates(min_value=date(1890, 1, 1), max_value=date(2410, 12, 31)), n=st.integers(min_value=0, max_value=120))
# Century years: 2000 and 2400 are leap years, 1900 and 2100 are not (Gregorian rule).
@example(first=date(2099, 12, 31), n=3)
@example(first=date(1999, 12, 31), n=3)
@example(first=date(2100, 1, 29), n=2)
@example(first=date(1900, 1, 30), n=2)
def test_due_dates_step_one_month_on_the_anchor_day_or_month_end(first, n):
    dates = due_dates(first, n)

    # The oracle is the standard library's calendar, not the core's own days_in_month.
    assert len(dates) == n
    for k, due in enumerate(dates):
        months = first.year * 12 + first.month - 1 + k
        assert due.year * 12 + due.month - 1 == months
        assert due.day == min(first.day, calendar.monthrange(due.year, due.month)[1])
        assert days_in_month(due.year, due.month) == calendar.monthrange(due.year, due.month)[1]


@PROPERTY
@given(
    principal=st.integers(min_value=100_000, max_value=2_000_000_000).map(Decimal),
    extra=st.lists(st.integers(min_value=0, max_value=50_000_000), min_size=1, max_size=60),
    timing=st.sampled_from(list(Timing)),
)
def test_any_installments_covering_the_principal_split_cleanly(principal, extra, timing):
    # Uneven installments (even zeros) that together repay at least the principal.
    n = len(extra)
    base = (principal / n).quantize(Decimal(1), ROUND_FLOOR)
    installments = [base + Decimal(e) for e in extra]
    installments[-1] += principal - base * n
    # Under ADDM an installment at signing that already repays the principal has no IRR.
    assume(timing is Timing.ADDB or installments[0] < principal)
    schedule = build_schedule(principal, installments, due_dates(date(2025, 1, 31), n), timing)

    assert sum(line.principal for line in schedule) == principal
    assert sum(line.interest for line in schedule) == sum(installments) - principal
    assert schedule[-1].balance == 0
    previous = principal
    for line in schedule:
        assert line.principal >= 0 and line.interest >= 0 and 0 <= line.balance <= previous
        previous = line.balance
    assert [line.due_date for line in schedule[:2]] == [date(2025, 1, 31), date(2025, 2, 28)][:n]


@PROPERTY
@given(quote_inputs())
def test_fast_split_equals_the_clamped_split_whenever_it_answers(q):
    quote = quote_or_skip(q)
    installments = tuple(line.installment for line in quote.schedule)
    dates = tuple(line.due_date for line in quote.schedule)
    monthly = effective_rate_from_cashflows(quote.financed_principal, installments, q.timing)

    with localcontext(_SPLIT_CONTEXTS["half_up"]):
        fast = _lines_unclamped(quote.financed_principal, installments, dates, q.timing, monthly, RUPIAH, None)
        principals, interests, balances = _parts_clamped(quote.financed_principal, installments, q.timing, monthly, RUPIAH)

    # The fast path may decline (then the clamped split is used); when it answers, it
    # must be exactly what the clamped split gives, since no clamp would bind.
    assume(fast is not None)
    assert [(line.principal, line.interest, line.balance) for line in fast] == list(zip(principals, interests, balances, strict=True))


@PROPERTY
@given(
    principal=st.integers(min_value=100_000, max_value=5_000_000_000).map(Decimal),
    regular_share=st.integers(min_value=1, max_value=400),
    last_share=st.integers(min_value=0, max_value=400),
    n=st.integers(min_value=2, max_value=240),
    timing=st.sampled_from(list(Timing)),
)
# Both found by CI seeds at negative rates: each solve is within the tolerance of the root, on
# opposite sides of it, so the two differ by just over one tolerance (1.00002e-16, 1.0002e-16).
@example(principal=Decimal(623103), regular_share=1, last_share=216, n=216, timing=Timing.ADDB)
@example(principal=Decimal(2815088), regular_share=1, last_share=222, n=222, timing=Timing.ADDB)
def test_the_float_starting_point_changes_no_solved_rate(principal, regular_share, last_share, n, timing):
    """The IRR solver starts from a binary-float root and refines it exactly in Decimal; started
    from its Decimal guess instead, it reaches the same root: each answer is a root to the solver's
    tolerance (1e-16 a month), so two answers lie within twice that of each other."""
    from angsur.finance import rates as rates_module
    from angsur.finance.money import CONTEXT

    regular = (principal * regular_share / (100 * n)).quantize(Decimal(1))
    last = (principal * last_share / (100 * n)).quantize(Decimal(1))
    first = 0 if timing is Timing.ADDM else 1
    runs = rates_module.level_runs(regular, last, n, first)
    with localcontext(CONTEXT):
        try:
            solved = rates_module.solve_runs(principal, runs)
        except FinanceError as error:
            assert error.code in {"cashflows_invalid", "irr_not_converged"}
            reject()
        original = rates_module._float_root
        rates_module._float_root = lambda principal, runs: None
        try:
            reference = rates_module.solve_runs(principal, runs)
        finally:
            rates_module._float_root = original
        value, slope = rates_module._value_and_slope(runs, solved)
    with localcontext(CONTEXT):
        reference_value, reference_slope = rates_module._value_and_slope(runs, reference)
    assert abs(value - principal) <= abs(slope) * rates_module.IRR_TOLERANCE
    assert abs(reference_value - principal) <= abs(reference_slope) * rates_module.IRR_TOLERANCE
    assert abs(solved - reference) <= 2 * rates_module.IRR_TOLERANCE
