"""Two cashiers posting to one contract at the same moment (PostgreSQL: SQLite runs one writer at a time)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from angsur.errors import DomainError
from angsur.servicing.models import Allocation, Payment
from angsur.servicing.selectors import contract_position
from angsur.servicing.services import payment_post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of concurrent transactions: PostgreSQL only"),
]


def _race(calls):
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls), timeout=10)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_cashiers_at_once_cannot_both_take_more_than_is_owed(contract, people):
    day = contract.first_due_date
    owed = contract_position(contract, as_of=day).ledger.total_owed
    amount = (owed * Decimal("0.6")).quantize(Decimal(1))
    post = [
        lambda actor=actor: payment_post(actor=actor, contract=contract, amount=amount, channel="counter", value_date=day, as_of=day)
        for actor in (people["fo"], people["fo2"])
    ]
    results = _race(post)
    assert sum(isinstance(r, Payment) for r in results) == 1, results
    [refused] = [r for r in results if not isinstance(r, Payment)]
    assert isinstance(refused, DomainError) and refused.code == "amount_exceeds_owed"
    assert sum(Allocation.objects.values_list("amount_sen", flat=True)) == Payment.objects.get().amount_sen


def test_two_cashiers_at_once_both_post_and_allocations_reconcile(contract, people):
    day = contract.first_due_date
    post = [
        lambda actor=actor: payment_post(
            actor=actor, contract=contract, amount=Decimal(300000), channel="counter", value_date=day, as_of=day
        )
        for actor in (people["fo"], people["fo2"])
    ]
    results = _race(post)
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.receipt_number for r in results}) == 2
    assert sum(Allocation.objects.values_list("amount_sen", flat=True)) == 60_000_000


def test_the_same_key_at_once_records_one_payment(contract, people):
    day = contract.first_due_date
    post = [
        lambda: payment_post(
            actor=people["fo"], contract=contract, amount=Decimal(1000), channel="counter", value_date=day, as_of=day, idempotency_key="k"
        )
    ] * 2
    results = _race(post)
    assert all(isinstance(r, Payment) for r in results), results
    assert Payment.objects.count() == 1
