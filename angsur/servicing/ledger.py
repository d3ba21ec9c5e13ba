"""Read a contract's rows into the finance core's terms and replay them (shared by services and selectors)."""

import datetime as dt
from collections.abc import Sequence

from angsur.finance.money import from_minor
from angsur.finance.servicing import (
    Event,
    LateFeePolicy,
    Ledger,
    Payment,
    ScheduledInstallment,
    Settlement,
    SettlementPolicy,
    Waiver,
    replay,
)
from angsur.servicing.models import Contract, Installment, PaymentKind, ReversalStatus


def policies_of(contract: Contract) -> tuple[LateFeePolicy, SettlementPolicy, str]:
    """The contract's late-fee and settlement terms and its allocation order, as fixed at booking."""
    late_fees = LateFeePolicy(contract.late_fee_pct_per_day, contract.late_fee_cap_pct, contract.late_fee_grace_days)
    settlement = SettlementPolicy(contract.settlement_fee_basis, contract.settlement_fee_value)
    return late_fees, settlement, contract.allocation_order


def contract_schedule(contract: Contract, installments: Sequence[Installment] | None = None) -> tuple[ScheduledInstallment, ...]:
    rows = installments if installments is not None else contract.installments.order_by("no")
    return tuple(ScheduledInstallment(row.no, row.due_date, from_minor(row.principal_sen), from_minor(row.interest_sen)) for row in rows)


def contract_events(contract: Contract) -> list[Event]:
    """The contract's money rows that count: payments not reversed (a settlement with its figure date), waivers."""
    events: list[Event] = []
    payments = (
        contract.payments.exclude(reversals__status=ReversalStatus.APPROVED).select_related("settlement_quote").order_by("value_date", "id")
    )
    for payment in payments:
        if payment.kind == PaymentKind.SETTLEMENT:
            quote = payment.settlement_quote
            events.append(Settlement(str(payment.pk), payment.value_date, from_minor(payment.amount_sen), quote.valid_until))
        else:
            events.append(Payment(str(payment.pk), payment.value_date, from_minor(payment.amount_sen)))
    for waiver in contract.waivers.order_by("value_date", "id"):
        events.append(Waiver(f"w{waiver.pk}", waiver.value_date, from_minor(waiver.amount_sen)))
    return events


def contract_ledger(
    contract: Contract, *, as_of: dt.date, installments: Sequence[Installment] | None = None, events: list[Event] | None = None
) -> Ledger:
    """Replay the contract's rows to as_of."""
    late_fees, settlement, order = policies_of(contract)
    return replay(
        contract_schedule(contract, installments),
        contract_events(contract) if events is None else events,
        as_of=as_of,
        late_fees=late_fees,
        order=order,
        settlement=settlement,
        start_date=contract.signing_date,
    )
