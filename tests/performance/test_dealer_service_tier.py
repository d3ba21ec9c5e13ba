"""A dealer tier grants faster service: performance stores it on the dealer at a month-end, the analyst's queue
takes that dealer's applications first (then oldest first), and every change of tier is audited.

Over the hand-built portfolio, December 2025 – November 2026: D1 (dealer_a) booked 7 contracts, D2 (dealer_a2) 2.
A fast-track rule "Gold" for at least 3 bookings makes D1 Gold and leaves D2 ordinary.
"""

import datetime as dt

import pytest
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.origination.models import Application
from angsur.origination.selectors import analyst_queue
from angsur.performance.models import DealerTierRule
from angsur.performance.services import after_close, dealer_tiers_refresh

NOVEMBER_CLOSE = dt.date(2026, 11, 30)
ZONE = timezone.get_default_timezone()


@pytest.fixture
def gold(db):
    return DealerTierRule.objects.create(code="GOLD", name="Gold", priority=1, min_bookings=3, fast_track=True)


@pytest.fixture
def analyst(branch_a):
    return make_user(Role.CREDIT_ANALYST, branch_a, username="ca.tier")


def _tier_events(dealer):
    return list(AuditEvent.objects.filter(action="performance.dealer_tier", object_id=str(dealer.pk)).order_by("id"))


def test_a_fast_track_tier_puts_the_dealers_newer_application_first(portfolio, gold, analyst, dealer_a, dealer_a2, cmo_a):
    # Given an older application of an ordinary dealer and a newer one of the dealer that earns Gold
    older = portfolio.b.application(
        dealer=dealer_a2, cmo=portfolio.cmo_a2, status="surveyed", submitted=dt.datetime(2026, 12, 1, 9, tzinfo=ZONE)
    )
    newer = portfolio.b.application(dealer=dealer_a, cmo=cmo_a, status="surveyed", submitted=dt.datetime(2026, 12, 3, 9, tzinfo=ZONE))
    in_analysis = Application.objects.get(status="in_analysis")  # D1's order of 2 November, in the portfolio
    assert [a.pk for a in analyst_queue(viewer=analyst)] == [in_analysis.pk, older.pk, newer.pk]  # before any tier: oldest first
    # When November closes (the end-of-day's after-close hook at a month's last day)
    after_close(business_date=NOVEMBER_CLOSE)
    # Then the Gold dealer's applications come first, each group oldest first
    dealer_a.refresh_from_db()
    assert (dealer_a.service_priority, dealer_a.service_tier) == (1, "Gold")
    assert [a.pk for a in analyst_queue(viewer=analyst)] == [in_analysis.pk, newer.pk, older.pk]


def test_the_queue_row_shows_the_tier_badge(portfolio, gold, analyst, web, dealer_a, dealer_a2, cmo_a):
    portfolio.b.application(dealer=dealer_a, cmo=cmo_a, status="surveyed", submitted=dt.datetime(2026, 12, 3, 9, tzinfo=ZONE))
    portfolio.b.application(dealer=dealer_a2, cmo=portfolio.cmo_a2, status="surveyed", submitted=dt.datetime(2026, 12, 1, 9, tzinfo=ZONE))
    dealer_tiers_refresh(month=NOVEMBER_CLOSE)
    html = web(analyst).get("/").content.decode()
    queue = html.split('data-testid="queue"', 1)[1].split("</table>", 1)[0]
    assert queue.count('data-testid="tier-badge"') == 2 and ">Gold</span>" in queue  # D1's two waiting orders
    assert queue.index("Honda Jaya Jakarta") < queue.index("Yamaha Sentosa Jakarta")


def test_a_tier_change_is_audited_once_and_a_rerun_changes_nothing(portfolio, gold, dealer_a, dealer_a2, ho_admin):
    # Given the tiers computed at November's close
    assert dealer_tiers_refresh(month=NOVEMBER_CLOSE) == 1
    (granted,) = _tier_events(dealer_a)
    assert granted.before == {"service_priority": 0, "service_tier": ""}
    assert granted.after["service_priority"] == 1 and granted.after["tier"] == "GOLD"
    assert granted.after["period"] == "2025-12..2026-11"
    assert _tier_events(dealer_a2) == []
    # When the same month is recomputed, nothing changes and nothing is written
    assert dealer_tiers_refresh(month=NOVEMBER_CLOSE) == 0
    assert len(_tier_events(dealer_a)) == 1
    # When head office withdraws the rule, the next month-end takes the faster service back, audited
    DealerTierRule.objects.filter(pk=gold.pk).update(is_active=False)
    assert dealer_tiers_refresh(month=dt.date(2026, 12, 31), actor=ho_admin) == 1
    dealer_a.refresh_from_db()
    assert (dealer_a.service_priority, dealer_a.service_tier) == (0, "")
    withdrawn = _tier_events(dealer_a)[-1]
    assert withdrawn.before == {"service_priority": 1, "service_tier": "Gold"} and withdrawn.actor_username == ho_admin.username


def test_a_tier_without_fast_track_grants_no_priority(portfolio, dealer_a):
    DealerTierRule.objects.create(code="SILVER", name="Silver", priority=1, min_bookings=3, fast_track=False)
    dealer_tiers_refresh(month=NOVEMBER_CLOSE)
    dealer_a.refresh_from_db()
    assert (dealer_a.service_priority, dealer_a.service_tier) == (0, "Silver")


def test_only_a_month_end_close_recomputes_the_tiers(portfolio, gold, dealer_a):
    after_close(business_date=dt.date(2026, 11, 29))
    dealer_a.refresh_from_db()
    assert dealer_a.service_priority == 0
    after_close(business_date=NOVEMBER_CLOSE)
    dealer_a.refresh_from_db()
    assert dealer_a.service_priority == 1


def test_the_stored_tier_is_the_scorecards_tier_over_the_same_months(portfolio, gold, web, dealer_a, dealer_a2, bm_a):
    dealer_tiers_refresh(month=NOVEMBER_CLOSE)
    for dealer in (dealer_a, dealer_a2):
        card = web(bm_a).get(f"/performance/dealers/{dealer.pk}/?from=2025-12&to=2026-11").context["card"]
        dealer.refresh_from_db()
        assert dealer.service_tier == (card.tier.name if card.tier else "")
    page = web(bm_a).get(f"/performance/dealers/{dealer_a.pk}/").content.decode()
    assert 'data-testid="service-tier"' in page
