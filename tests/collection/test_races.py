"""Races on PostgreSQL (SQLite runs one writer at a time): the same contact sent twice at once, two nightly runs."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from angsur.collection.models import CaseEvent, CollectionCase, Contact
from angsur.collection.services import ContactData, collection_nightly, contact_log
from tests.collection.conftest import WORKING_HOUR, snapshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of concurrent transactions: PostgreSQL only"),
]

D1 = dt.date(2026, 12, 1)


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


def test_the_same_contact_sent_twice_at_once_is_recorded_once(contract, cmo_a):
    snapshot(contract, D1, dpd=5, mob=2)
    collection_nightly(business_date=D1)
    case = CollectionCase.objects.get(contract=contract)
    data = ContactData(channel="call", result_code="promise", promise_on=D1, promise_amount=Decimal(500000))
    send = [lambda: contact_log(actor=cmo_a, case=case, data=data, at=WORKING_HOUR, as_of=D1, client_key="same-key")] * 2
    results = _race(send)
    assert all(isinstance(r, Contact) for r in results), results
    assert results[0].pk == results[1].pk
    assert Contact.objects.count() == 1
    assert case.promises.count() == 1


def test_two_nightly_runs_of_the_same_date_at_once_open_each_case_once(contract):
    snapshot(contract, D1, dpd=5, mob=2)
    results = _race([lambda: collection_nightly(business_date=D1)] * 2)
    assert CollectionCase.objects.filter(contract=contract).count() == 1
    assert CaseEvent.objects.filter(action="opened").count() == 1
    assert sorted(r.opened for r in results) == [0, 1], results  # the second waited for the first
