"""Service a booked contract: late fees, payment allocation, waivers, early settlement, virtual accounts.

The ledger of a contract is a *replay*: its schedule plus its money events in value-date order
(payments not reversed, late-fee waivers, a settlement), walked from the first to the last. The same
events always give the same allocations, so a reversal is simply the replay without the reversed
payment, and any date's position (late fees, what is overdue, the settlement figure) is the replay
up to that date. Pure Python over Decimal: no Django, no clock.

Rules encoded here (domain.md §3):
- late fee (denda): a rate per day on the overdue part of an installment (principal + interest not yet
  paid), from the day after its due date (plus grace days) to the payment; optionally capped at a
  percent of the installment; owed in whole rupiah, rounded down (never more than the rate gives);
- allocation by a configurable order of passes, oldest installment first; what exceeds everything due
  goes to the next installments (the customer's advance), and what exceeds the whole schedule is held
  as unapplied (a refund to the customer), never lost;
- early settlement (pelunasan dipercepat) = unpaid principal + interest to the date (installments due,
  plus the current period's interest pro rata by days) + unpaid late fees + a fee (a percent of the
  unpaid principal, or a fixed amount); the interest of later periods is rebated.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from angsur.finance import errors
from angsur.finance.errors import FinanceError
from angsur.finance.money import CONTEXT, HUNDRED, ONE, ZERO, to_decimal

LATE_FEE = "late_fee"
INTEREST = "interest"
PRINCIPAL = "principal"
SETTLEMENT_FEE = "settlement_fee"
UNAPPLIED = "unapplied"
COMPONENTS: tuple[str, ...] = (LATE_FEE, INTEREST, PRINCIPAL)

# Named allocation orders: each is a sequence of passes over the installments, oldest first; a pass
# takes its components of one installment before moving to the next.
ALLOCATION_ORDERS: dict[str, tuple[tuple[str, ...], ...]] = {
    # The default: every late fee first, then the oldest installment's interest, its principal, the next one.
    "fees_first": ((LATE_FEE,), (INTEREST, PRINCIPAL)),
    # Each installment whole (its late fee, interest, principal) before the next.
    "per_installment": ((LATE_FEE, INTEREST, PRINCIPAL),),
    # Installments first; late fees only once every installment due is paid.
    "fees_last": ((INTEREST, PRINCIPAL), (LATE_FEE,)),
}
DEFAULT_ALLOCATION_ORDER = "fees_first"

SETTLEMENT_FEE_BASES: tuple[str, ...] = ("principal_pct", "fixed")


def allocation_passes(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the passes of a named allocation order; refuse an unknown name."""
    try:
        return ALLOCATION_ORDERS[name]
    except KeyError:
        raise FinanceError(errors.AMOUNT_INVALID, field="allocation_order", message=f"Unknown allocation order {name!r}.") from None


@dataclass(frozen=True, slots=True)
class ScheduledInstallment:
    """One installment as booked: its number, due date and principal/interest split."""

    no: int
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


@dataclass(frozen=True, slots=True)
class LateFeePolicy:
    """How late fees accrue: percent per day of the overdue amount, grace days, optional cap."""

    rate_per_day_pct: Decimal = Decimal("0.5")
    cap_pct_of_installment: Decimal | None = None
    grace_days: int = 0

    def __post_init__(self) -> None:
        rate = to_decimal(self.rate_per_day_pct, "late_fee_rate")
        if not ZERO <= rate <= HUNDRED:
            raise FinanceError(errors.PERCENT_OUT_OF_RANGE, field="late_fee_rate")
        if self.cap_pct_of_installment is not None:
            cap = to_decimal(self.cap_pct_of_installment, "late_fee_cap")
            if cap < ZERO:
                raise FinanceError(errors.PERCENT_OUT_OF_RANGE, field="late_fee_cap")
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int) or self.grace_days < 0:
            raise FinanceError(errors.AMOUNT_NEGATIVE, field="grace_days")


@dataclass(frozen=True, slots=True)
class SettlementPolicy:
    """The early-settlement fee: a percent of the unpaid principal, or a fixed rupiah amount."""

    fee_basis: str = "principal_pct"
    fee_value: Decimal = Decimal("3")

    def __post_init__(self) -> None:
        if self.fee_basis not in SETTLEMENT_FEE_BASES:
            raise FinanceError(errors.FEE_BASIS_INVALID, field="fee_basis", params={"code": "settlement"})
        if to_decimal(self.fee_value, "fee_value") < ZERO:
            raise FinanceError(errors.AMOUNT_NEGATIVE, field="fee_value")


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received with a value date; `ref` names it in the allocations."""

    ref: str
    value_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Waiver:
    """Late fees forgiven on a date (oldest first), up to what is then unpaid."""

    ref: str
    value_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Settlement:
    """The early-settlement payment: received on value_date, the figure computed to figure_date."""

    ref: str
    value_date: date
    amount: Decimal
    figure_date: date


type Event = Payment | Waiver | Settlement


@dataclass(frozen=True, slots=True)
class Allocation:
    """A part of a payment applied to one component of one installment (None: the settlement fee or unapplied)."""

    payment_ref: str
    installment_no: int | None
    component: str
    amount: Decimal
    value_date: date


@dataclass(slots=True)
class InstallmentPosition:
    """Where one installment stands: what was scheduled, paid, accrued, waived and rebated."""

    no: int
    due_date: date
    principal: Decimal
    interest: Decimal
    principal_paid: Decimal = ZERO
    interest_paid: Decimal = ZERO
    interest_rebated: Decimal = ZERO
    # Late fee accrued, exact (unrounded); what is owed is its whole rupiah, rounded down.
    late_fee_exact: Decimal = ZERO
    late_fee_paid: Decimal = ZERO
    late_fee_waived: Decimal = ZERO
    accrued_to: date | None = None
    paid_on: date | None = None

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest

    @property
    def principal_unpaid(self) -> Decimal:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> Decimal:
        return self.interest - self.interest_paid - self.interest_rebated

    @property
    def unpaid(self) -> Decimal:
        """Principal and interest still owed on this installment."""
        return self.principal_unpaid + self.interest_unpaid

    @property
    def late_fee(self) -> Decimal:
        """The late fee owed in total (paid or not), whole rupiah rounded down."""
        return self.late_fee_exact.quantize(ONE, rounding=ROUND_FLOOR, context=CONTEXT)

    @property
    def late_fee_unpaid(self) -> Decimal:
        return max(ZERO, self.late_fee - self.late_fee_paid - self.late_fee_waived)

    def unpaid_of(self, component: str) -> Decimal:
        if component == LATE_FEE:
            return self.late_fee_unpaid
        if component == INTEREST:
            return self.interest_unpaid
        return self.principal_unpaid


@dataclass(slots=True)
class Ledger:
    """A contract's position after its events up to `as_of`."""

    as_of: date
    installments: list[InstallmentPosition]
    allocations: list[Allocation] = field(default_factory=list)
    unapplied: Decimal = ZERO
    settled_on: date | None = None
    settlement_fee: Decimal = ZERO
    waived: Decimal = ZERO

    @property
    def principal_unpaid(self) -> Decimal:
        return sum((i.principal_unpaid for i in self.installments), ZERO)

    @property
    def interest_unpaid(self) -> Decimal:
        return sum((i.interest_unpaid for i in self.installments), ZERO)

    @property
    def late_fee_unpaid(self) -> Decimal:
        return sum((i.late_fee_unpaid for i in self.installments), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """Principal and interest of the schedule not yet paid (nor rebated at settlement)."""
        return self.principal_unpaid + self.interest_unpaid

    @property
    def overdue(self) -> Decimal:
        """Principal and interest of installments due on or before as_of and not paid."""
        return sum((i.unpaid for i in self.installments if i.due_date <= self.as_of), ZERO)

    @property
    def advance(self) -> Decimal:
        """Paid ahead: what installments not yet due have received (none once settled: the contract is closed)."""
        if self.settled_on is not None:
            return ZERO
        return sum((i.principal_paid + i.interest_paid for i in self.installments if i.due_date > self.as_of), ZERO)

    @property
    def total_owed(self) -> Decimal:
        """Everything the customer still owes on the schedule: outstanding plus unpaid late fees."""
        return self.outstanding + self.late_fee_unpaid

    @property
    def closed(self) -> bool:
        return self.total_owed == ZERO

    def days_past_due(self) -> int:
        """Days since the due date of the oldest installment still unpaid (0 if none is late)."""
        for installment in self.installments:
            if installment.unpaid > ZERO:
                return max(0, (self.as_of - installment.due_date).days)
        return 0

    def allocated_by_payment(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for line in self.allocations:
            totals[line.payment_ref] = totals.get(line.payment_ref, ZERO) + line.amount
        return totals


# --- late fees -------------------------------------------------------------------------------------


def _accrue(position: InstallmentPosition, to: date, policy: LateFeePolicy) -> None:
    """Accrue the installment's late fee for the days up to `to` on what is unpaid now."""
    start = position.due_date + timedelta(days=policy.grace_days)
    since = position.accrued_to if position.accrued_to is not None and position.accrued_to > start else start
    if to > since and position.unpaid > ZERO:
        days = (to - since).days
        with localcontext(CONTEXT):
            position.late_fee_exact += position.unpaid * policy.rate_per_day_pct * days / HUNDRED
            if policy.cap_pct_of_installment is not None:
                cap = position.amount * policy.cap_pct_of_installment / HUNDRED
                position.late_fee_exact = min(position.late_fee_exact, cap)
    if position.accrued_to is None or to > position.accrued_to:
        position.accrued_to = to


def late_fee_for(installment: ScheduledInstallment, unpaid: Decimal, as_of: date, policy: LateFeePolicy) -> Decimal:
    """Return the late fee of an installment left unpaid by `unpaid` from its due date to as_of (whole rupiah)."""
    position = InstallmentPosition(installment.no, installment.due_date, installment.principal, installment.interest)
    # Paid parts do not matter to the fee, only what is left unpaid: book the paid part against principal first.
    paid = min(installment.amount, max(ZERO, installment.amount - unpaid))
    position.principal_paid = min(paid, installment.principal)
    position.interest_paid = paid - position.principal_paid
    _accrue(position, as_of, policy)
    return position.late_fee


# --- the replay ------------------------------------------------------------------------------------


def _check_schedule(schedule: Sequence[ScheduledInstallment]) -> None:
    if not schedule:
        raise FinanceError(errors.SCHEDULE_LENGTH_MISMATCH, field="schedule")
    previous: date | None = None
    for line in schedule:
        if to_decimal(line.principal, "principal") < ZERO or to_decimal(line.interest, "interest") < ZERO:
            raise FinanceError(errors.AMOUNT_NEGATIVE, field="schedule")
        if previous is not None and line.due_date < previous:
            raise FinanceError(errors.FIRST_DUE_DATE_INVALID, field="schedule")
        previous = line.due_date


def _check_amount(amount: Decimal, field_name: str) -> Decimal:
    amount = to_decimal(amount, field_name)
    if amount <= ZERO:
        raise FinanceError(errors.AMOUNT_NOT_POSITIVE, field=field_name, params={"amount": str(amount)})
    if amount != amount.quantize(Decimal("0.01"), context=CONTEXT):
        raise FinanceError(errors.FRACTIONAL_SEN, field=field_name, params={"amount": str(amount)})
    return amount


def _event_order(indexed: tuple[int, Event]) -> tuple[date, int, int]:
    index, event = indexed
    # On one day: payments and waivers in the order given, the settlement last (it closes the contract).
    return (event.value_date, 1 if isinstance(event, Settlement) else 0, index)


def replay(
    schedule: Sequence[ScheduledInstallment],
    events: Sequence[Event],
    *,
    as_of: date,
    late_fees: LateFeePolicy,
    order: str = DEFAULT_ALLOCATION_ORDER,
    settlement: SettlementPolicy | None = None,
    start_date: date | None = None,
) -> Ledger:
    """Replay a contract's events (in value-date order) on its schedule and return its position at as_of.

    Events dated after as_of are ignored. `start_date` (the signing date) starts the first period's
    interest for a settlement figure; by default one month before the first due date.
    """
    _check_schedule(schedule)
    passes = allocation_passes(order)
    ledger = Ledger(
        as_of=as_of,
        installments=[InstallmentPosition(s.no, s.due_date, to_decimal(s.principal), to_decimal(s.interest)) for s in schedule],
    )
    for _index, event in sorted(enumerate(events), key=_event_order):
        if event.value_date > as_of:
            continue
        amount = _check_amount(event.amount, "amount")
        if ledger.settled_on is not None:
            if isinstance(event, Waiver):
                continue
            # Nothing is owed after a settlement: money received is held for the customer.
            _hold(ledger, event.ref, amount, event.value_date)
            continue
        if isinstance(event, Waiver):
            _waive(ledger, amount, event.value_date, late_fees)
        elif isinstance(event, Settlement):
            _settle(ledger, event, late_fees, settlement or SettlementPolicy(), start_date)
        else:
            _pay(ledger, event.ref, amount, event.value_date, late_fees, passes)
    if ledger.settled_on is None:
        for position in ledger.installments:
            _accrue(position, as_of, late_fees)
    return ledger


def _hold(ledger: Ledger, ref: str, amount: Decimal, value_date: date) -> None:
    if amount > ZERO:
        ledger.unapplied += amount
        ledger.allocations.append(Allocation(ref, None, UNAPPLIED, amount, value_date))


def _take(ledger: Ledger, position: InstallmentPosition | None, component: str, ref: str, left: Decimal, value_date: date) -> Decimal:
    """Apply up to `left` to one component; return what is left of the payment."""
    if position is None:
        return left
    part = min(left, position.unpaid_of(component))
    if part <= ZERO:
        return left
    if component == LATE_FEE:
        position.late_fee_paid += part
    elif component == INTEREST:
        position.interest_paid += part
    else:
        position.principal_paid += part
    if position.unpaid == ZERO and position.paid_on is None:
        position.paid_on = value_date
    ledger.allocations.append(Allocation(ref, position.no, component, part, value_date))
    return left - part


def _pay(ledger: Ledger, ref: str, amount: Decimal, value_date: date, policy: LateFeePolicy, passes: tuple[tuple[str, ...], ...]) -> None:
    for position in ledger.installments:
        _accrue(position, value_date, policy)
    left = amount
    for components in passes:
        for position in ledger.installments:
            for component in components:
                left = _take(ledger, position, component, ref, left, value_date)
                if left == ZERO:
                    return
    _hold(ledger, ref, left, value_date)


def _waive(ledger: Ledger, amount: Decimal, value_date: date, policy: LateFeePolicy) -> None:
    for position in ledger.installments:
        _accrue(position, value_date, policy)
    left = amount
    for position in ledger.installments:
        part = min(left, position.late_fee_unpaid)
        position.late_fee_waived += part
        ledger.waived += part
        left -= part
        if left == ZERO:
            break


@dataclass(frozen=True, slots=True)
class SettlementFigure:
    """What closes the contract on a date, and the interest rebated."""

    as_of: date
    principal: Decimal
    interest: Decimal
    late_fees: Decimal
    fee: Decimal
    total: Decimal
    interest_rebated: Decimal


def _accrued_interest(ledger: Ledger, as_of: date, start_date: date | None) -> list[Decimal]:
    """The interest each installment has earned by as_of: all of it when due, pro rata for the running period."""
    earned: list[Decimal] = []
    previous = start_date
    for position in ledger.installments:
        if position.due_date <= as_of:
            earned.append(position.interest)
        else:
            begin = previous if previous is not None else position.due_date - timedelta(days=30)
            period_days = (position.due_date - begin).days
            elapsed = (as_of - begin).days
            if period_days <= 0 or elapsed <= 0:
                earned.append(ZERO)
            else:
                with localcontext(CONTEXT):
                    share = position.interest * Decimal(elapsed) / Decimal(period_days)
                earned.append(min(position.interest, share.quantize(ONE, rounding=ROUND_FLOOR, context=CONTEXT)))
        previous = position.due_date
    return earned


def _figure(ledger: Ledger, as_of: date, policy: SettlementPolicy, start_date: date | None) -> tuple[SettlementFigure, list[Decimal]]:
    earned = _accrued_interest(ledger, as_of, start_date)
    interest_due = [max(ZERO, e - p.interest_paid - p.interest_rebated) for e, p in zip(earned, ledger.installments, strict=True)]
    principal = ledger.principal_unpaid
    late = ledger.late_fee_unpaid
    if policy.fee_basis == "fixed":
        fee = policy.fee_value if principal > ZERO else ZERO
    else:
        fee = (principal * policy.fee_value / HUNDRED).quantize(ONE, rounding=ROUND_HALF_UP, context=CONTEXT)
    interest = sum(interest_due, ZERO)
    rebated = ledger.interest_unpaid - interest
    figure = SettlementFigure(as_of, principal, interest, late, fee, principal + interest + late + fee, rebated)
    return figure, interest_due


def settlement_figure(
    schedule: Sequence[ScheduledInstallment],
    events: Sequence[Event],
    *,
    as_of: date,
    late_fees: LateFeePolicy,
    settlement: SettlementPolicy,
    order: str = DEFAULT_ALLOCATION_ORDER,
    start_date: date | None = None,
) -> SettlementFigure:
    """Return what settles the contract on as_of: unpaid principal, interest to the date, late fees and the fee."""
    ledger = replay(schedule, events, as_of=as_of, late_fees=late_fees, order=order, settlement=settlement, start_date=start_date)
    if ledger.settled_on is not None:
        return SettlementFigure(as_of, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO)
    return _figure(ledger, as_of, settlement, start_date)[0]


def _settle(ledger: Ledger, event: Settlement, policy: LateFeePolicy, settlement: SettlementPolicy, start_date: date | None) -> None:
    for position in ledger.installments:
        _accrue(position, event.figure_date, policy)
    figure, interest_due = _figure(ledger, event.figure_date, settlement, start_date)
    amount = event.amount
    if amount < figure.total:
        # Not enough to settle: it is an ordinary payment (the service refuses this before it is stored).
        _pay(ledger, event.ref, amount, event.value_date, policy, allocation_passes(DEFAULT_ALLOCATION_ORDER))
        return
    left = amount
    for position in ledger.installments:
        left = _take(ledger, position, LATE_FEE, event.ref, left, event.value_date)
    for position, due in zip(ledger.installments, interest_due, strict=True):
        if due > ZERO:
            position.interest_paid += due
            ledger.allocations.append(Allocation(event.ref, position.no, INTEREST, due, event.value_date))
            left -= due
    for position in ledger.installments:
        left = _take(ledger, position, PRINCIPAL, event.ref, left, event.value_date)
    if figure.fee > ZERO:
        ledger.allocations.append(Allocation(event.ref, None, SETTLEMENT_FEE, figure.fee, event.value_date))
        ledger.settlement_fee = figure.fee
        left -= figure.fee
    for position in ledger.installments:
        position.interest_rebated += position.interest_unpaid
        if position.paid_on is None:
            position.paid_on = event.value_date
    ledger.settled_on = event.value_date
    _hold(ledger, event.ref, left, event.value_date)


# --- virtual accounts ------------------------------------------------------------------------------


def luhn_digit(digits: str) -> int:
    """Return the Luhn check digit for a string of digits."""
    if not digits.isascii() or not digits.isdigit():
        raise FinanceError(errors.AMOUNT_INVALID, field="virtual_account", message="A virtual account number has digits only.")
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def virtual_account_number(prefix: str, serial: int, *, width: int = 10) -> str:
    """Return prefix + the serial zero-padded to width + a Luhn check digit."""
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 0 or len(str(serial)) > width:
        raise FinanceError(errors.AMOUNT_INVALID, field="virtual_account", message="The serial does not fit the account number.")
    body = f"{prefix}{serial:0{width}d}"
    return body + str(luhn_digit(body))


VA_BRANCH_DIGITS = 5
VA_RUNNING_DIGITS = 7


def contract_virtual_account(prefix: str, branch_number: int, running: int) -> str:
    """Return a contract's virtual account: bank prefix, branch number (5 digits), running number (7 digits), check digit.

    The branch and running numbers each have their own digits, so no branch's accounts can run into another's
    (up to 99,999 branches and 9,999,999 contracts a branch).
    """
    for value, digits in ((branch_number, VA_BRANCH_DIGITS), (running, VA_RUNNING_DIGITS)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or len(str(value)) > digits:
            raise FinanceError(errors.AMOUNT_INVALID, field="virtual_account", message="The serial does not fit the account number.")
    return virtual_account_number(prefix, branch_number * 10**VA_RUNNING_DIGITS + running, width=VA_BRANCH_DIGITS + VA_RUNNING_DIGITS)


def virtual_account_valid(number: str) -> bool:
    """Tell whether a virtual account number's last digit checks."""
    if len(number) < 2 or not number.isascii() or not number.isdigit():
        return False
    return luhn_digit(number[:-1]) == int(number[-1])


def schedule_from_lines(lines: Sequence[tuple[int, date, Decimal, Decimal]]) -> tuple[ScheduledInstallment, ...]:
    """Build the servicing schedule from (no, due date, principal, interest) rows."""
    return tuple(ScheduledInstallment(no, due, principal, interest) for no, due, principal, interest in lines)


__all__ = [
    "ALLOCATION_ORDERS",
    "Allocation",
    "InstallmentPosition",
    "LateFeePolicy",
    "Ledger",
    "Payment",
    "ScheduledInstallment",
    "Settlement",
    "SettlementFigure",
    "SettlementPolicy",
    "Waiver",
    "contract_virtual_account",
    "late_fee_for",
    "luhn_digit",
    "replay",
    "settlement_figure",
    "virtual_account_number",
    "virtual_account_valid",
]
