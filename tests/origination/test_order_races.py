"""Orders created at the same moment (issue 17 item 9), on PostgreSQL (CI runs it: .ci/run).

On PostgreSQL's READ COMMITTED, two orders with the same NIK created at once each looked for the other
before either had committed: in 5 of 8 races neither was flagged as a duplicate. SQLite runs its
IMMEDIATE transactions one at a time, so the race cannot happen there (and its in-memory test database
is not shared between threads): these tests are skipped on it.
"""

import threading
from dataclasses import replace

import pytest
from django.db import connection, connections

from angsur.devdata.factories import make_application, party_data
from angsur.origination import order_services
from angsur.origination.models import Application, FlagKind
from tests.origination.conftest import AS_OF

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race of concurrent transactions: PostgreSQL only"),
]


def _race(calls):
    """Run the calls in threads at once; return their results (or exceptions) in order."""
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_orders_with_the_same_nik_at_once_the_later_is_flagged(credit, cmo_a, dealer_a, monkeypatch):
    # Both orders are inserted and neither has committed when they look for duplicates: the barrier holds
    # each at the check until the other is there too (the race the issue measured, made certain).
    barrier = threading.Barrier(2, timeout=10)
    check = order_services._flag_duplicates

    def at_the_same_moment(app, parties):
        barrier.wait()
        return check(app, parties)

    monkeypatch.setattr(order_services, "_flag_duplicates", at_the_same_moment)
    applicants = [replace(party_data(), phone="0812-3456-7890"), replace(party_data(), phone="0813-1111-2222")]

    results = _race([lambda a=a: make_application(actor=cmo_a, dealer=dealer_a, as_of=AS_OF, applicant=a) for a in applicants])

    assert all(isinstance(r, Application) for r in results), results
    flagged = [a for a in results if a.flags.filter(kind=FlagKind.DUPLICATE_NIK).exists()]
    assert len(flagged) == 1
    [other] = [a for a in results if a not in flagged]
    assert flagged[0].flags.get(kind=FlagKind.DUPLICATE_NIK).other_application_id == other.pk


def test_eight_races_each_flag_the_duplicate(credit, cmo_a, dealer_a):
    for serial in range(8):
        applicant = party_data(serial=100 + serial)
        results = _race([lambda a=applicant: make_application(actor=cmo_a, dealer=dealer_a, as_of=AS_OF, applicant=a)] * 2)
        assert all(isinstance(r, Application) for r in results), results
        assert sum(a.flags.filter(kind=FlagKind.DUPLICATE_NIK).exists() for a in results) == 1, f"race {serial}"


def test_the_same_idempotency_key_at_once_creates_one_order(credit, cmo_a, dealer_a):
    def create():
        from decimal import Decimal

        from angsur.origination.services import HouseholdData, VehicleData, application_create
        from angsur.products.models import Product

        product = Product.objects.get(code="NMC")
        return application_create(
            actor=cmo_a,
            dealer=dealer_a,
            product=product,
            as_of=AS_OF,
            vehicle=VehicleData(kind=product.vehicle_kind, brand="Honda", model="Vario 125", year=AS_OF.year, condition="new"),
            otr=Decimal("23400000"),
            down_payment=Decimal("4700000"),
            tenor_months=24,
            applicant=party_data(),
            household=HouseholdData(declared_income=Decimal("6000000")),
            idempotency_key="double-tap",
        )

    results = _race([create, create])

    assert all(isinstance(r, Application) for r in results), results
    assert results[0].pk == results[1].pk
    assert Application.objects.count() == 1
    assert sorted(r.replayed for r in results) == [False, True]
