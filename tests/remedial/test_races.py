"""Two phones sending the same receipt number at the same moment (PostgreSQL: SQLite runs one writer at a time)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from angsur.errors import DomainError
from angsur.remedial.models import CashDeposit, FieldReceipt
from angsur.remedial.services import booklet_assign, deposit_receive, receipt_issue
from angsur.servicing.models import Payment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of concurrent transactions: PostgreSQL only"),
]

MON = dt.date(2026, 11, 2)


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


@pytest.fixture
def booklet(people):
    return booklet_assign(actor=people["bm"], collector=people["coll"], first_number=1, last_number=10, as_of=MON)


def test_the_same_number_for_two_amounts_at_once_records_one_receipt(booklet, contract, people):
    calls = [
        lambda amount=amount: receipt_issue(actor=people["coll"], contract=contract, number=1, amount=amount, as_of=MON)
        for amount in (Decimal(1000), Decimal(2000))
    ]
    results = _race(calls)
    assert sum(isinstance(r, FieldReceipt) for r in results) == 1, results
    [refused] = [r for r in results if not isinstance(r, FieldReceipt)]
    assert isinstance(refused, DomainError) and refused.code == "receipt_number_used"
    assert FieldReceipt.objects.count() == 1 and Payment.objects.count() == 1


def test_the_same_receipt_sent_twice_at_once_is_recorded_once(booklet, contract, people):
    calls = [lambda: receipt_issue(actor=people["coll"], contract=contract, number=2, amount=Decimal(1000), as_of=MON)] * 2
    results = _race(calls)
    assert all(isinstance(r, FieldReceipt) for r in results), results
    assert len({r.pk for r in results}) == 1 and Payment.objects.count() == 1


def test_two_overlapping_booklets_at_once_one_is_refused(people):
    calls = [
        lambda collector=collector: booklet_assign(actor=people["bm"], collector=collector, first_number=50, last_number=60, as_of=MON)
        for collector in (people["coll"], people["coll2"])
    ]
    results = _race(calls)
    assert sum(isinstance(r, DomainError) and r.code == "range_overlaps" for r in results) == 1, results


def test_one_receipt_deposited_twice_at_once_is_deposited_once(booklet, contract, people):
    receipt = receipt_issue(actor=people["coll"], contract=contract, number=3, amount=Decimal(1000), as_of=MON)
    calls = [
        lambda: deposit_receive(actor=people["fo"], collector=people["coll"], receipt_ids=[receipt.pk], counted=Decimal(1000), as_of=MON)
    ] * 2
    results = _race(calls)
    assert sum(isinstance(r, CashDeposit) for r in results) == 1, results
    assert CashDeposit.objects.count() == 1
