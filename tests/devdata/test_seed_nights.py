"""The demo's nights: the real end-of-day closes the month-ends and the demo date, so collection has cases."""

import datetime as dt

import pytest

from angsur.collection.models import CollectionCase, CollectorProfile
from angsur.devdata.seed import DEMO_DATE, seed_demo
from angsur.devdata.seed_nights import month_ends, seed_nights
from angsur.org.models import Branch
from angsur.remedial.models import ReceiptBooklet
from angsur.servicing.models import EodRun

pytestmark = pytest.mark.django_db(transaction=True)


def test_month_ends_are_the_last_ones_before_the_month_oldest_first():
    assert month_ends(DEMO_DATE, 3) == [dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31)]


def test_the_demo_nights_close_each_date_once_and_open_collection_cases():
    seed_demo(portfolio=0)
    ran = seed_nights(DEMO_DATE, months=2)
    assert ran == [*month_ends(DEMO_DATE, 2), DEMO_DATE]
    assert set(EodRun.objects.values_list("business_date", "status")) == {(d, "closed") for d in ran}
    branches = Branch.objects.filter(is_head_office=False)
    assert CollectorProfile.objects.count() == branches.count()
    assert ReceiptBooklet.objects.count() == branches.count()
    assert CollectionCase.objects.exists()  # the hand-made book has late contracts: the nightly run opened cases
    assert {b.business_date for b in branches} == {DEMO_DATE + dt.timedelta(days=1)}
    assert seed_nights(DEMO_DATE, months=2) == []  # idempotent
    assert EodRun.objects.count() == len(ran)
