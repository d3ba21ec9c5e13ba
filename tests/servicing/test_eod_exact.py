"""The end-of-day's rows equal the finance core's replay to the same date, for random payment histories.

Contracts are booked and paid through the real services (payments early, late, partial, ahead, a
reversal, a waiver, an early settlement); the end-of-day then runs for dates before, between and after
the payments (a past date is a re-run), and each ContractDay row is compared with
``finance.servicing.replay(as_of=date)`` and the delinquency rules.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest

from angsur.devdata.seed_contracts import booked_contract
from angsur.errors import DomainError
from angsur.finance import delinquency
from angsur.finance.money import to_minor
from angsur.org import services as org_services
from angsur.servicing import eod
from angsur.servicing.ledger import contract_ledger
from angsur.servicing.models import Contract, ContractDay
from angsur.servicing.services import (
    late_fee_waive,
    payment_post,
    payment_reverse_decide,
    payment_reverse_request,
    settlement_execute,
    settlement_quote_create,
)

SIGNED = dt.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def _calendar_far_ahead(monkeypatch):
    # The wall clock is the outside world: every tested date has ended in every branch.
    monkeypatch.setattr(eod, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    monkeypatch.setattr(org_services, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    # Other apps' after-close hooks (collection, performance) are theirs to test: these tests register their own.
    monkeypatch.setattr(eod, "_hooks", {})


def _history(contract: Contract, rng: random.Random, people) -> None:
    """Random payments through the services: early, on time, late, partial, ahead; now and then a reversal, a waiver, a settlement."""
    fo, bm = people["fo"], people["bm"]
    installment = contract.installment
    day = contract.signing_date
    for _ in range(rng.randint(0, 12)):
        day += dt.timedelta(days=rng.choice([1, 5, 20, 31, 31, 40, 62]))
        kind = rng.random()
        try:
            if kind < 0.08:
                unpaid = contract_ledger(contract, as_of=day).late_fee_unpaid
                if unpaid >= 2:
                    late_fee_waive(actor=bm, contract=contract, amount=(unpaid / 2).quantize(Decimal(1)), reason="Uji", as_of=day)
                continue
            if kind < 0.12:
                quote = settlement_quote_create(actor=fo, contract=contract, as_of=day)
                settlement_execute(actor=fo, quote=quote, value_date=day, as_of=day)
                return
            share = Decimal(rng.choice([25, 50, 100, 100, 100, 150, 210])) / 100
            amount = (installment * share).quantize(Decimal(1))
            payment = payment_post(actor=fo, contract=contract, amount=amount, channel="counter", value_date=day, as_of=day)
            if rng.random() < 0.1:
                reversal = payment_reverse_request(actor=fo, payment=payment, reason="Salah input")
                payment_reverse_decide(actor=bm, reversal=reversal, approve=True, as_of=day)
        except DomainError as error:
            # More than is owed, or the contract is closed: the service refuses, the story goes on.
            assert error.code in {"amount_exceeds_owed", "contract_closed"}, error.code
        contract.refresh_from_db()


def _expected(contract: Contract, day: dt.date) -> dict | None:
    """What the finance core says about the contract at the close of `day` (None: not in that day's picture)."""
    if contract.signing_date > day or (contract.closed_on is not None and contract.closed_on <= day):
        return None
    ledger = contract_ledger(contract, as_of=day)
    positions = ledger.installments
    dpd = ledger.days_past_due()
    later = [p for p in positions if p.due_date > day and p.unpaid > 0]
    mob = delinquency.months_on_book(contract.signing_date, day)
    return {
        "dpd": dpd,
        "bucket": delinquency.bucket(dpd),
        "collectibility": delinquency.collectibility(dpd),
        "mob": mob,
        "premature": delinquency.premature(mob),
        "fpd": delinquency.first_payment_default(positions[0].due_date, positions[0].paid_on, day),
        "overdue_installments": sum(1 for p in positions if p.due_date <= day and p.unpaid > 0),
        "overdue_sen": to_minor(ledger.overdue),
        "late_fee_sen": to_minor(ledger.late_fee_unpaid),
        "outstanding_principal_sen": to_minor(ledger.principal_unpaid),
        "next_due_date": later[0].due_date if later else None,
        "next_due_sen": to_minor(later[0].unpaid) if later else 0,
        "booked_month": contract.signing_date.replace(day=1),
        "branch_id": contract.branch_id,
        "dealer_id": contract.dealer_id,
        "cmo_id": contract.cmo_id,
        "product_id": contract.product_id,
    }


def _actual(contract: Contract, day: dt.date) -> dict | None:
    row = ContractDay.objects.filter(contract=contract, business_date=day).first()
    if row is None:
        return None
    return {name: getattr(row, name) for name in _expected_fields()}


def _expected_fields() -> list[str]:
    return [
        "dpd",
        "bucket",
        "collectibility",
        "mob",
        "premature",
        "fpd",
        "overdue_installments",
        "overdue_sen",
        "late_fee_sen",
        "outstanding_principal_sen",
        "next_due_date",
        "next_due_sen",
        "booked_month",
        "branch_id",
        "dealer_id",
        "cmo_id",
        "product_id",
    ]


@pytest.mark.parametrize("seed", range(4))
def test_eod_rows_equal_the_replay_for_random_payment_histories(seed, credit, people, cmo_a, dealer_a):
    # Given three contracts with random payment histories made through the services
    rng = random.Random(seed)
    contracts = []
    for k in range(3):
        contract = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SIGNED + dt.timedelta(days=k * 9), admin=people["adm"])
        _history(contract, rng, people)
        contract.refresh_from_db()
        contracts.append(contract)
    # When the end-of-day runs for dates before, on and between due dates and payments, in random order
    first_due = min(c.first_due_date for c in contracts)
    days = sorted({SIGNED - dt.timedelta(days=1), first_due, first_due + dt.timedelta(days=30), first_due + dt.timedelta(days=31)})
    days += sorted(first_due + dt.timedelta(days=rng.randint(0, 700)) for _ in range(6))
    rng.shuffle(days)
    for day in days:
        eod.eod_run(day, rerun=True, chunk_size=2)
        # Then every contract's row is the replay's position to that date, field by field
        for contract in contracts:
            assert _actual(contract, day) == _expected(contract, day), (seed, contract.number, day)


def test_a_payment_after_the_date_does_not_make_the_date_look_paid(contract, people):
    # Given an installment paid 20 days late
    due = contract.first_due_date
    paid_day = due + dt.timedelta(days=20)
    payment_post(actor=people["fo"], contract=contract, amount=Decimal(2_000_000), channel="counter", value_date=paid_day, as_of=paid_day)
    contract.refresh_from_db()
    # When the end-of-day of day 10 runs after the payment was posted
    day10 = due + dt.timedelta(days=10)
    run = eod.eod_run(day10, rerun=True)
    # Then day 10 shows the installment 10 days late with 10 days of late fee, as the replay does
    row = ContractDay.objects.get(contract=contract, business_date=day10)
    assert run.status == "closed"
    assert row.dpd == 10 and row.overdue_installments == 1 and row.bucket == "B1"
    assert row.late_fee_sen == to_minor(contract_ledger(contract, as_of=day10).late_fee_unpaid) > 0
    assert row.overdue_sen == contract.installments.get(no=1).amount_sen
