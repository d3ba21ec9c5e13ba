"""The servicing core: late fees, allocation, reversal by replay, waivers, early settlement, virtual accounts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from angsur.finance import QuoteInput, RateSpec, Timing, compute_quote
from angsur.finance.errors import FinanceError
from angsur.finance.schedule import add_months
from angsur.finance.servicing import (
    ALLOCATION_ORDERS,
    INTEREST,
    LATE_FEE,
    PRINCIPAL,
    SETTLEMENT_FEE,
    UNAPPLIED,
    LateFeePolicy,
    Payment,
    ScheduledInstallment,
    Settlement,
    SettlementPolicy,
    Waiver,
    contract_virtual_account,
    late_fee_for,
    luhn_digit,
    replay,
    settlement_figure,
    virtual_account_number,
    virtual_account_valid,
)

START = date(2026, 1, 15)
MOTOR = LateFeePolicy(Decimal("0.5"))


def ojk_schedule() -> tuple[ScheduledInstallment, ...]:
    """The OJK example's schedule from the quote core: 12 × 1,170,000."""
    quote = compute_quote(
        QuoteInput(
            otr=Decimal("15000000"),
            down_payment=Decimal("3000000"),
            tenor_months=12,
            rate=RateSpec("flat", Decimal("17")),
            timing=Timing.ADDB,
            contract_date=START,
        )
    )
    return tuple(ScheduledInstallment(line.no, line.due_date, line.principal, line.interest) for line in quote.schedule)


# --- examples ----------------------------------------------------------------------------------------


def test_paid_exactly_on_each_due_date_the_contract_ends_at_zero():
    schedule = ojk_schedule()
    payments = [Payment(f"p{line.no}", line.due_date, line.amount) for line in schedule]
    ledger = replay(schedule, payments, as_of=schedule[-1].due_date + timedelta(days=400), late_fees=MOTOR)
    assert ledger.outstanding == 0 and ledger.late_fee_unpaid == 0 and ledger.unapplied == 0
    assert ledger.closed
    assert sum(a.amount for a in ledger.allocations) == Decimal("14040000")


def test_a_late_installment_costs_half_a_percent_a_day_on_what_is_overdue():
    schedule = ojk_schedule()
    first = schedule[0]
    # 10 days late: 1,170,000 x 0.5 % x 10 = 58,500
    ledger = replay(schedule, [], as_of=first.due_date + timedelta(days=10), late_fees=MOTOR)
    assert ledger.installments[0].late_fee == Decimal("58500")
    assert ledger.days_past_due() == 10
    assert late_fee_for(first, first.amount, first.due_date + timedelta(days=10), MOTOR) == Decimal("58500")


def test_a_partial_payment_lowers_the_late_fee_from_its_date():
    schedule = ojk_schedule()
    first = schedule[0]
    # 5 days late on 1,170,000, then 5 more days on what was left once 1,000,000 of the 29,250 fee + installment is paid.
    pay = Payment("p", first.due_date + timedelta(days=5), Decimal("1000000"))
    ledger = replay(schedule, [pay], as_of=first.due_date + timedelta(days=10), late_fees=MOTOR)
    fee_first_five = Decimal("29250")
    left = first.amount - (Decimal("1000000") - fee_first_five)
    expected = fee_first_five + (left * Decimal("0.005") * 5).quantize(Decimal(1), rounding="ROUND_FLOOR")
    assert ledger.installments[0].late_fee == expected


def test_the_cap_limits_the_late_fee():
    schedule = ojk_schedule()
    capped = LateFeePolicy(Decimal("0.5"), cap_pct_of_installment=Decimal("10"))
    ledger = replay(schedule, [], as_of=schedule[0].due_date + timedelta(days=100), late_fees=capped)
    assert ledger.installments[0].late_fee == Decimal("117000")


def test_grace_days_delay_the_late_fee():
    schedule = ojk_schedule()
    grace = LateFeePolicy(Decimal("0.5"), grace_days=3)
    assert replay(schedule, [], as_of=schedule[0].due_date + timedelta(days=3), late_fees=grace).late_fee_unpaid == 0
    assert replay(schedule, [], as_of=schedule[0].due_date + timedelta(days=4), late_fees=grace).late_fee_unpaid == Decimal("5850")


def test_default_order_pays_late_fees_then_oldest_interest_then_its_principal():
    schedule = ojk_schedule()
    pay = Payment("p", schedule[1].due_date + timedelta(days=2), Decimal("100000"))
    ledger = replay(schedule, [pay], as_of=pay.value_date, late_fees=MOTOR)
    components = [(a.installment_no, a.component) for a in ledger.allocations]
    assert components[0] == (1, LATE_FEE)
    assert all(c == LATE_FEE for _n, c in components[:2])
    rest = [c for c in components if c[1] != LATE_FEE]
    assert not rest or rest[0] == (1, INTEREST)


def test_per_installment_order_finishes_the_oldest_installment_first():
    schedule = ojk_schedule()
    pay = Payment("p", schedule[1].due_date + timedelta(days=2), Decimal("1400000"))
    ledger = replay(schedule, [pay], as_of=pay.value_date, late_fees=MOTOR, order="per_installment")
    assert [a.installment_no for a in ledger.allocations][:3] == [1, 1, 1]
    assert ledger.installments[0].unpaid == 0 and ledger.installments[0].late_fee_unpaid == 0


def test_an_overpayment_is_held_as_advance_on_the_next_installment():
    schedule = ojk_schedule()
    pay = Payment("p", schedule[0].due_date, Decimal("1500000"))
    ledger = replay(schedule, [pay], as_of=schedule[0].due_date, late_fees=MOTOR)
    assert ledger.installments[0].unpaid == 0
    assert ledger.advance == Decimal("330000")
    assert ledger.installments[1].unpaid == Decimal("840000")
    # on the next due date only the rest is due; no late fee on what the advance covered
    later = replay(schedule, [pay, Payment("q", schedule[1].due_date, Decimal("840000"))], as_of=schedule[1].due_date, late_fees=MOTOR)
    assert later.installments[1].unpaid == 0 and later.late_fee_unpaid == 0


def test_more_than_the_whole_schedule_is_held_unapplied_never_lost():
    schedule = ojk_schedule()
    pay = Payment("p", schedule[0].due_date, Decimal("20000000"))
    ledger = replay(schedule, [pay], as_of=schedule[0].due_date, late_fees=MOTOR)
    assert ledger.outstanding == 0
    assert ledger.unapplied == Decimal("20000000") - Decimal("14040000")


def test_a_reversal_is_the_replay_without_the_payment():
    schedule = ojk_schedule()
    first, second = Payment("a", schedule[0].due_date, schedule[0].amount), Payment("b", schedule[1].due_date, schedule[1].amount)
    as_of = schedule[1].due_date + timedelta(days=3)
    after_reversal = replay(schedule, [second], as_of=as_of, late_fees=MOTOR)
    # b now pays installment 1's late fee (28 days: 163,800) and most of installment 1; installment 2 is unpaid
    assert after_reversal.installments[0].late_fee_paid == Decimal("163800")
    assert after_reversal.installments[0].unpaid == Decimal("163800")
    assert after_reversal.installments[1].unpaid == schedule[1].amount
    assert replay(schedule, [first, second], as_of=as_of, late_fees=MOTOR).overdue == 0


def test_a_waiver_forgives_late_fees_oldest_first():
    schedule = ojk_schedule()
    as_of = schedule[0].due_date + timedelta(days=10)
    ledger = replay(schedule, [Waiver("w", as_of, Decimal("50000"))], as_of=as_of, late_fees=MOTOR)
    assert ledger.late_fee_unpaid == Decimal("8500") and ledger.waived == Decimal("50000")


def test_settlement_figure_and_execution_close_the_contract_at_zero():
    schedule = ojk_schedule()
    policy = SettlementPolicy("principal_pct", Decimal("3"))
    paid = [Payment(f"p{i}", schedule[i].due_date, schedule[i].amount) for i in range(3)]
    as_of = schedule[3].due_date - timedelta(days=10)
    figure = settlement_figure(schedule, paid, as_of=as_of, late_fees=MOTOR, settlement=policy, start_date=START)
    unpaid_principal = sum(line.principal for line in schedule[3:])
    assert figure.principal == unpaid_principal
    assert 0 < figure.interest < schedule[3].interest
    assert figure.fee == (unpaid_principal * Decimal("0.03")).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    assert figure.total == figure.principal + figure.interest + figure.late_fees + figure.fee
    events = [*paid, Settlement("s", as_of, figure.total, as_of)]
    ledger = replay(schedule, events, as_of=as_of + timedelta(days=200), late_fees=MOTOR, settlement=policy, start_date=START)
    assert ledger.settled_on == as_of and ledger.closed and ledger.unapplied == 0
    assert [a.component for a in ledger.allocations if a.installment_no is None] == [SETTLEMENT_FEE]


def test_a_fixed_settlement_fee():
    schedule = ojk_schedule()
    figure = settlement_figure(
        schedule, [], as_of=START + timedelta(days=5), late_fees=MOTOR, settlement=SettlementPolicy("fixed", Decimal("250000"))
    )
    assert figure.fee == Decimal("250000")


def test_bad_amounts_are_refused():
    schedule = ojk_schedule()
    for amount in (Decimal(0), Decimal(-1), Decimal("0.001"), Decimal("NaN")):
        with pytest.raises(FinanceError):
            replay(schedule, [Payment("p", START, amount)], as_of=START, late_fees=MOTOR)
    with pytest.raises(FinanceError):
        replay(schedule, [], as_of=START, late_fees=MOTOR, order="random")
    with pytest.raises(FinanceError):
        LateFeePolicy(Decimal("-1"))
    with pytest.raises(FinanceError):
        SettlementPolicy("percent_of_moon", Decimal(1))


def test_virtual_account_check_digit():
    number = virtual_account_number("88810", 1234)
    assert number == "88810" + "0000001234" + str(luhn_digit("888100000001234"))
    assert virtual_account_valid(number)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not virtual_account_valid(wrong)
    # a swap of two neighbouring different digits is caught
    swapped = number[:5] + number[6] + number[5] + number[7:]
    assert number[5] == number[6] or not virtual_account_valid(swapped)
    assert luhn_digit("7992739871") == 3  # the textbook Luhn example
    assert not virtual_account_valid("12a4")


@given(
    st.tuples(st.integers(0, 99_999), st.integers(0, 9_999_999)),
    st.tuples(st.integers(0, 99_999), st.integers(0, 9_999_999)),
)
def test_contract_accounts_of_two_branches_never_collide(a, b):
    """A branch with a large id (PostgreSQL sequences run on) still gets an account, and (branch, running) is one-to-one."""
    first, second = contract_virtual_account("88810", *a), contract_virtual_account("88810", *b)
    assert virtual_account_valid(first) and len(first) == 5 + 12 + 1
    assert (first == second) == (a == b)


def test_contract_account_refuses_what_does_not_fit():
    with pytest.raises(FinanceError):
        contract_virtual_account("88810", 100_000, 1)
    with pytest.raises(FinanceError):
        contract_virtual_account("88810", 1, 10_000_000)
    assert contract_virtual_account("88810", 1014, 1).startswith("8881001014" + "0000001")


# --- properties ---------------------------------------------------------------------------------------


@st.composite
def schedules(draw) -> tuple[ScheduledInstallment, ...]:
    n = draw(st.integers(1, 12))
    first = START + timedelta(days=draw(st.integers(0, 60)))
    lines = []
    for no in range(1, n + 1):
        principal = Decimal(draw(st.integers(0, 5_000_000)))
        interest = Decimal(draw(st.integers(0, 1_000_000)))
        if principal + interest == 0:
            principal = Decimal(1000)
        lines.append(ScheduledInstallment(no, add_months(first, no - 1), principal, interest))
    return tuple(lines)


amounts = st.integers(1, 800_000_000).map(lambda sen: Decimal(sen) / 100)
policies = st.builds(
    LateFeePolicy,
    rate_per_day_pct=st.sampled_from([Decimal("0.5"), Decimal("0.2"), Decimal("0.1"), Decimal(0)]),
    cap_pct_of_installment=st.sampled_from([None, Decimal("10"), Decimal("50")]),
    grace_days=st.integers(0, 5),
)


@st.composite
def histories(draw):
    schedule = draw(schedules())
    count = draw(st.integers(0, 15))
    events = []
    for index in range(count):
        day = START + timedelta(days=draw(st.integers(0, 500)))
        if draw(st.integers(0, 9)) == 0:
            events.append(Waiver(f"w{index}", day, draw(amounts)))
        else:
            events.append(Payment(f"p{index}", day, draw(amounts)))
    reversed_refs = draw(st.sets(st.sampled_from([e.ref for e in events]))) if events else set()
    as_of = START + timedelta(days=draw(st.integers(0, 600)))
    return schedule, events, reversed_refs, as_of


def _check_ledger(schedule, events, ledger) -> None:
    received = sum((e.amount for e in events if isinstance(e, Payment | Settlement) and e.value_date <= ledger.as_of), Decimal(0))
    allocated = sum((a.amount for a in ledger.allocations), Decimal(0))
    # every rupiah received is allocated somewhere (held unapplied at worst), exactly
    assert allocated == received
    assert sum((a.amount for a in ledger.allocations if a.component == UNAPPLIED), Decimal(0)) == ledger.unapplied
    for line, position in zip(schedule, ledger.installments, strict=True):
        mine = [a for a in ledger.allocations if a.installment_no == line.no]
        paid_principal = sum((a.amount for a in mine if a.component == PRINCIPAL), Decimal(0))
        paid_interest = sum((a.amount for a in mine if a.component == INTEREST), Decimal(0))
        paid_fee = sum((a.amount for a in mine if a.component == LATE_FEE), Decimal(0))
        assert 0 <= paid_principal <= line.principal
        assert 0 <= paid_interest + position.interest_rebated <= line.interest
        assert 0 <= paid_fee + position.late_fee_waived <= position.late_fee
        assert all(a.amount > 0 for a in mine)
        # outstanding = schedule − allocations (− interest rebated at a settlement)
        assert position.unpaid == line.principal + line.interest - paid_principal - paid_interest - position.interest_rebated
    scheduled = sum((line.amount for line in schedule), Decimal(0))
    on_schedule = sum((a.amount for a in ledger.allocations if a.component in (PRINCIPAL, INTEREST)), Decimal(0))
    rebated = sum((p.interest_rebated for p in ledger.installments), Decimal(0))
    assert ledger.outstanding == scheduled - on_schedule - rebated >= 0


@settings(max_examples=300, deadline=None)
@given(histories(), policies, st.sampled_from(sorted(ALLOCATION_ORDERS)))
def test_allocations_always_reconcile_for_any_payments_reversals_and_dates(history, policy, order):
    schedule, events, reversed_refs, as_of = history
    kept = [e for e in events if e.ref not in reversed_refs]
    ledger = replay(schedule, kept, as_of=as_of, late_fees=policy, order=order)
    _check_ledger(schedule, kept, ledger)


@settings(max_examples=200, deadline=None)
@given(schedules(), policies, st.lists(st.integers(-5, 0), min_size=12, max_size=12))
def test_a_contract_paid_per_schedule_ends_at_zero(schedule, policy, early_days):
    payments = [Payment(f"p{line.no}", line.due_date + timedelta(days=early_days[i]), line.amount) for i, line in enumerate(schedule)]
    ledger = replay(schedule, payments, as_of=schedule[-1].due_date + timedelta(days=365), late_fees=policy)
    assert ledger.outstanding == 0 and ledger.late_fee_unpaid == 0 and ledger.unapplied == 0
    assert ledger.closed and ledger.days_past_due() == 0
    _check_ledger(schedule, payments, ledger)


@settings(max_examples=200, deadline=None)
@given(histories(), policies, st.integers(0, 400), st.sampled_from([SettlementPolicy(), SettlementPolicy("fixed", Decimal("150000"))]))
def test_a_settlement_closes_the_contract_at_zero(history, policy, settle_day, fee_policy):
    schedule, events, reversed_refs, _as_of = history
    kept = [e for e in events if e.ref not in reversed_refs]
    day = START + timedelta(days=settle_day)
    before = [e for e in kept if e.value_date <= day]
    figure = settlement_figure(schedule, before, as_of=day, late_fees=policy, settlement=fee_policy, start_date=START)
    if figure.total == 0:
        return
    events_with_settlement = [*before, Settlement("s", day, figure.total, day)]
    ledger = replay(schedule, events_with_settlement, as_of=day, late_fees=policy, settlement=fee_policy, start_date=START)
    assert ledger.settled_on == day
    assert ledger.outstanding == 0 and ledger.late_fee_unpaid == 0 and ledger.total_owed == 0
    assert sum((a.amount for a in ledger.allocations if a.payment_ref == "s"), Decimal(0)) == figure.total
    _check_ledger(schedule, events_with_settlement, ledger)


@settings(max_examples=150, deadline=None)
@given(histories(), policies, st.integers(1, 200))
def test_late_fees_never_fall_as_time_passes(history, policy, later_days):
    schedule, events, _reversed, as_of = history
    earlier = replay(schedule, events, as_of=as_of, late_fees=policy)
    later = replay(schedule, events, as_of=as_of + timedelta(days=later_days), late_fees=policy)
    for before, after in zip(earlier.installments, later.installments, strict=True):
        assert after.late_fee >= before.late_fee


@settings(max_examples=150, deadline=None)
@given(schedules(), policies, st.integers(0, 400))
def test_the_settlement_figure_is_at_most_what_the_schedule_still_asks(schedule, policy, day):
    as_of = START + timedelta(days=day)
    figure = settlement_figure(
        schedule, [], as_of=as_of, late_fees=policy, settlement=SettlementPolicy("fixed", Decimal(0)), start_date=START
    )
    ledger = replay(schedule, [], as_of=as_of, late_fees=policy)
    assert figure.total <= ledger.outstanding + ledger.late_fee_unpaid
    assert figure.principal == ledger.principal_unpaid
