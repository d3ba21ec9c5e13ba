"""The CMO's collection results for a month, on the CMO page and in the API, over the hand-built portfolio.

cmo_a works the cases of c2, c3 and c4 (c4's case closed in March). In April 2026, counted by hand:
    contacts: 4 by cmo_a (one more in March, one by a collector: not theirs)
    promises made in those contacts: 3 (one kept, one broken, one still open) -> kept rate 50 %
    collected: c2 Rp1.000.000 + c3 Rp500.000 = Rp1.500.000 (not: c3's reversed Rp200.000, c2's May payment,
               c4's April payment after its case closed)
    handed over: c3's case to desk collection on 20 April (c2's hand-over in March does not count)
Rows are made directly, as in conftest: the figures read these tables and nothing else.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from angsur.collection.models import CaseEvent, CollectionCase, Contact, Promise, ResultCode
from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.performance.selectors import cmo_performance
from angsur.servicing.models import Payment, Reversal

APRIL = dt.date(2026, 4, 1)
ZONE = timezone.get_default_timezone()


class Collection:
    def __init__(self, cmo):
        self.cmo = cmo
        self.serial = 0
        self.answered = ResultCode.objects.filter(needs_promise=True).first()
        self.plain = ResultCode.objects.filter(needs_promise=False).first()

    def case(self, contract, *, opened_on=dt.date(2026, 3, 1), closed_on=None):
        return CollectionCase.objects.create(
            contract=contract,
            branch_id=contract.branch_id,
            cmo_id=contract.cmo_id,
            business_date=opened_on,
            opened_on=opened_on,
            closed_on=closed_on,
            stage="closed" if closed_on else "cmo",
        )

    def contact(self, case, on: dt.date, *, actor=None, promise: str | None = None):
        self.serial += 1
        contact = Contact.objects.create(
            case=case,
            branch_id=case.branch_id,
            actor=actor or self.cmo,
            stage="cmo",
            channel="call",
            result=self.answered if promise else self.plain,
            contacted_at=dt.datetime.combine(on, dt.time(10, 0), tzinfo=ZONE),
        )
        if promise:
            Promise.objects.create(
                case=case, contact=contact, made_on=on, promised_on=on + dt.timedelta(days=5), amount_sen=50_000_000, status=promise
            )
        return contact

    def payment(self, contract, on: dt.date, rupiah: int, *, reversed_by=None):
        self.serial += 1
        paid = Payment.objects.create(
            contract=contract,
            branch_id=contract.branch_id,
            channel="counter",
            amount_sen=rupiah * 100,
            value_date=on,
            dedup_key=f"test-{self.serial}",
            received_by=self.cmo,
        )
        if reversed_by:
            Reversal.objects.create(
                payment=paid, contract=contract, branch_id=contract.branch_id, status="approved", reason="Salah", requested_by=reversed_by
            )
        return paid

    def handed_over(self, case, on: dt.date):
        CaseEvent.objects.create(case=case, business_date=on, action="handed_over", from_stage="cmo", to_stage="desk")


@pytest.fixture
def april(portfolio, cmo_a, bm_a, branch_a):
    c = portfolio.c
    work = Collection(cmo_a)
    case2, case3 = work.case(c["c2"]), work.case(c["c3"])
    work.case(c["c4"], closed_on=dt.date(2026, 3, 20))
    collector = make_user(Role.COLLECTOR, branch_a, username="coll.a")
    work.contact(case2, dt.date(2026, 4, 2), promise="kept")
    work.contact(case2, dt.date(2026, 4, 9))
    work.contact(case3, dt.date(2026, 4, 10), promise="broken")
    work.contact(case3, dt.date(2026, 4, 28), promise="open")
    work.contact(case3, dt.date(2026, 3, 30), promise="kept")  # March
    work.contact(case3, dt.date(2026, 4, 11), actor=collector)  # not the CMO's
    work.payment(c["c2"], dt.date(2026, 4, 5), 1_000_000)
    work.payment(c["c3"], dt.date(2026, 4, 15), 500_000)
    work.payment(c["c3"], dt.date(2026, 4, 16), 200_000, reversed_by=bm_a)
    work.payment(c["c2"], dt.date(2026, 5, 5), 700_000)
    work.payment(c["c4"], dt.date(2026, 4, 5), 300_000)
    work.handed_over(case3, dt.date(2026, 4, 20))
    work.handed_over(case2, dt.date(2026, 3, 25))
    return work, c


def test_the_cmo_page_shows_the_months_collection_results(april, web, bm_a, cmo_a):
    results = cmo_performance(viewer=bm_a, cmo_id=cmo_a.pk, month=APRIL).collection
    assert results.contacts == 4
    assert (results.promises_made, results.promises_kept, results.promises_broken) == (3, 1, 1)
    assert results.promise_kept_rate == Decimal("50.00")
    assert results.collected == Decimal("1500000")
    assert results.handed_over == 1
    page = web(cmo_a).get(f"/performance/cmos/{cmo_a.pk}/?month=2026-04")
    html = page.content.decode()
    assert 'data-testid="cmo-collection"' in html and "Rp1.500.000" in html


def test_the_cmo_api_answer_carries_the_collection_results(april, api, bm_a, cmo_a):
    body = api(bm_a).get(f"/api/performance/cmos/{cmo_a.pk}", {"month": "2026-04"}).json()
    assert body["collection"] == {
        "contacts": 4,
        "promises_made": 3,
        "promises_kept": 1,
        "promises_broken": 1,
        "promise_kept_rate": "50.00",
        "collected": "1500000",
        "handed_over": 1,
    }
    board = api(bm_a).get("/api/performance/cmos", {"month": "2026-04"}).json()
    assert {row["username"]: row["collection"]["contacts"] for row in board} == {"cmo.a": 4, "cmo.a2": 0}


def test_a_month_without_collection_work_counts_nothing(april, bm_a, cmo_a):
    results = cmo_performance(viewer=bm_a, cmo_id=cmo_a.pk, month=dt.date(2026, 6, 1)).collection
    assert results.contacts == results.promises_made == results.handed_over == 0
    assert results.collected_sen == 0 and results.promise_kept_rate is None


def test_the_collection_results_take_a_fixed_number_of_queries(april, bm_a, cmo_a, django_assert_max_num_queries):
    # Given the April figures read once, counting the queries
    with CaptureQueriesContext(connection) as first:
        cmo_performance(viewer=bm_a, cmo_id=cmo_a.pk, month=APRIL)
    # When the CMO works four more cases that month
    work, contracts = april
    for name in ("c1", "c7", "c8", "c9"):
        case = work.case(contracts[name])
        work.contact(case, dt.date(2026, 4, 7), promise="kept")
        work.payment(case.contract, dt.date(2026, 4, 8), 100_000)
        work.handed_over(case, dt.date(2026, 4, 21))
    # Then the page's figures take no more queries than before (one per figure, no loop per case)
    with django_assert_max_num_queries(len(first.captured_queries)):
        results = cmo_performance(viewer=bm_a, cmo_id=cmo_a.pk, month=APRIL).collection
    assert results.handed_over == 5 and results.collected == Decimal("1900000")
