"""A business date per branch, distinct from the wall clock, moved on only by end-of-day."""

import datetime as dt

import pytest
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.errors import Conflict, DomainError
from angsur.org.clock import business_date, calendar_date
from angsur.org.services import business_date_advance

pytestmark = pytest.mark.django_db


def test_until_end_of_day_first_runs_the_business_date_is_the_branchs_calendar_date(branch_b):
    # Makassar is WITA (UTC+8): its calendar date is its own, not Jakarta's.
    expected = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert calendar_date(branch_b) == expected
    assert business_date(branch_b) == expected


def test_end_of_day_moves_the_business_date_on_and_audits_it(branch_a, bm_a):
    # Given a branch whose books were closed up to yesterday
    yesterday = calendar_date(branch_a) - dt.timedelta(days=1)
    business_date_advance(actor=None, branch=branch_a, to=yesterday)

    # When end-of-day moves it to today
    business_date_advance(actor=bm_a, branch=branch_a, to=calendar_date(branch_a))

    # Then the branch is on today's books, and the trail says who moved it from where
    branch_a.refresh_from_db()
    assert business_date(branch_a) == calendar_date(branch_a)
    event = AuditEvent.objects.filter(action="org.business_date_advance").latest("id")
    assert event.before == {"business_date": yesterday.isoformat()}


def test_the_business_date_never_goes_back_or_repeats(branch_a):
    today = calendar_date(branch_a)
    business_date_advance(actor=None, branch=branch_a, to=today)
    for day in (today, today - dt.timedelta(days=3)):
        with pytest.raises(Conflict) as info:
            business_date_advance(actor=None, branch=branch_a, to=day)
        assert info.value.code == "business_date_not_forward"


def test_the_business_date_never_passes_the_calendar(branch_a):
    with pytest.raises(DomainError) as info:
        business_date_advance(actor=None, branch=branch_a, to=calendar_date(branch_a) + dt.timedelta(days=1))
    assert info.value.code == "business_date_in_future"


ZONES = [("WIB", "Asia/Jakarta"), ("wita", "Asia/Makassar"), ("WIT", "Asia/Jayapura"), ("Asia/Makassar", "Asia/Makassar")]


@pytest.mark.parametrize(("given", "zone"), ZONES)
def test_a_branch_takes_an_indonesian_time_zone_by_name_or_abbreviation(company, given, zone):
    from angsur.org.services import branch_create

    branch = branch_create(actor=None, company=company, code=f"B{given[:3].upper()}", name="Cabang", time_zone=given)
    assert branch.time_zone == zone
    assert calendar_date(branch)  # every page of the branch reads its zone


@pytest.mark.parametrize("given", ["Europe/Paris", "UTC+7", "", "Asia/Jakarta; DROP"])
def test_a_branch_refuses_any_other_time_zone(company, given):
    from angsur.org.services import branch_create

    with pytest.raises(DomainError) as info:
        branch_create(actor=None, company=company, code="BX", name="Cabang", time_zone=given)
    assert info.value.code == "invalid_time_zone"
