"""The dealer's and the CMO's track record beside an escalated, appealed or appealable application."""

import datetime as dt
from decimal import Decimal

from angsur.devdata.factories import make_dealer_user, make_user
from angsur.org.roles import Role
from angsur.origination.models import Application
from angsur.performance import selectors


def test_context_beside_a_rejected_order_for_the_branch_manager(portfolio, bm_a):
    rejected = Application.objects.get(number="T00003")  # D1's rejected November order
    ctx = selectors.order_context(viewer=bm_a, application=rejected, as_of=dt.date(2026, 11, 20))
    # Last 12 months (Dec 2025 - Nov 2026): D1 took 11 orders (4 in Nov, 7 behind its contracts), 9 decided
    assert ctx.dealer.figures.orders == 11 and ctx.dealer.figures.bookings == 7
    assert ctx.dealer.quality.dpd30_at_mob[3] == Decimal("33.33")
    assert ctx.cmo.cmo.username == "cmo.a" and ctx.cmo_quality_period.fpd_rate == Decimal("16.67")
    assert [label for label, _n in selectors.reason_lines(ctx.dealer.reasons, for_dealer=False)]


def test_no_context_for_dealers_cmos_other_branches_or_orders_not_in_question(portfolio, dealer_a, cmo_a, branch_b):
    rejected = Application.objects.get(number="T00003")
    approved = Application.objects.get(number="T00001")
    on = dt.date(2026, 11, 20)
    assert selectors.order_context(viewer=make_dealer_user(dealer_a, username="d.ctx"), application=rejected, as_of=on) is None
    assert selectors.order_context(viewer=cmo_a, application=rejected, as_of=on) is None
    assert (
        selectors.order_context(viewer=make_user(Role.BRANCH_MANAGER, branch_b, username="bm.ctx"), application=rejected, as_of=on) is None
    )
    assert (
        selectors.order_context(viewer=make_user(Role.MARKETING_HEAD, dealer_a.branch, username="mh.ctx"), application=approved, as_of=on)
        is None
    )


def test_the_application_page_shows_it_to_the_marketing_head(portfolio, web, branch_a):
    mh = make_user(Role.MARKETING_HEAD, branch_a, username="mh.page")
    rejected = Application.objects.get(number="T00003")
    page = web(mh).get(f"/applications/{rejected.pk}/")
    assert page.status_code == 200
    assert b'data-testid="order-context"' in page.content
    approved = Application.objects.get(number="T00001")
    assert b'data-testid="order-context"' not in web(mh).get(f"/applications/{approved.pk}/").content
