"""Every figure pinned on the hand-built portfolio of conftest.py (the counts are in its docstring)."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.devdata.factories import make_dealer_user, make_user
from angsur.errors import NotFound, PermissionDenied
from angsur.org.roles import Role
from angsur.performance import selectors
from angsur.performance.models import CmoTarget, DealerTierRule, PortfolioCell, RollCell
from angsur.performance.selectors import Period, Scope
from angsur.performance.services import portfolio_cells_refresh
from tests.performance.conftest import APR, JUL, M

D = Decimal
NOV = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 1))
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 1))


def test_dealer_scorecard_counts_orders_decisions_turnaround_and_reasons(portfolio, bm_a, dealer_a):
    card = selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_a.pk, period=NOV)
    f = card.figures
    # 4 orders, 3 decided (2 approved), turnaround (24 + 48 + 12) / 3
    assert (f.orders, f.decided, f.approved) == (4, 3, 2)
    assert f.approval_rate == D("66.67")
    assert f.turnaround_hours == D("28.0")
    assert card.reasons == [("character", 1), ("dsr_too_high", 1)]
    # Branch A: 6 orders, 5 decided, 3 approved, (24 + 48 + 12 + 10 + 20) / 5; branch B's order not counted
    assert (card.branch.orders, card.branch.decided, card.branch.approved) == (6, 5, 3)
    assert card.branch.approval_rate == D("60.00")
    assert card.branch.turnaround_hours == D("22.8")


def test_dealer_scorecard_bookings_fpd_and_30_plus_at_mob_3_6_12(portfolio, bm_a, dealer_a, dealer_a2):
    card = selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_a.pk, period=YEAR)
    # D1 booked c1-c4 (Jan), c7 (Feb), c8, c9 (Apr): 7 units, 20 + 6 × 10 M
    assert card.figures.bookings == 7 and card.figures.booked_sen == 80 * M
    # At MOB 3: c1-c4 (Apr snapshot) and c8, c9 (Jul): 6 contracts; 30+ DPD c3 (55), c4 (30 exactly); FPD c3
    assert card.quality.base_at_mob[3] == 6
    assert card.quality.dpd30_at_mob[3] == D("33.33")
    assert card.quality.fpd_rate == D("16.67")
    # At MOB 6: c1-c4 (Jul): c3 at 150 DPD; MOB 12 not reached yet
    assert card.quality.dpd30_at_mob[6] == D("25.00")
    assert card.quality.dpd30_at_mob[12] is None
    # Branch A against it: MOB 3 = c1-c6, c8, c9 = 8, 30+ c3, c4, c5; FPD c3, c5; 2 active dealers
    assert card.branch_quality.dpd30_at_mob[3] == D("37.50")
    assert card.branch_quality.fpd_rate == D("25.00")
    assert card.branch.bookings == 9 and card.branch_bookings_per_dealer == D("4.5")
    other = selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_a2.pk, period=YEAR)
    assert other.quality.dpd30_at_mob[3] == D("50.00") and other.quality.fpd_rate == D("50.00")


def test_tier_is_the_first_rule_the_dealer_meets(portfolio, bm_a, dealer_a, dealer_a2):
    DealerTierRule.objects.create(
        code="GOLD", name="Gold", priority=1, min_bookings=5, max_fpd_rate_pct=D("20"), decision_target_hours=4, fast_track=True
    )
    DealerTierRule.objects.create(code="SILVER", name="Silver", priority=2, min_bookings=1)
    assert selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_a.pk, period=YEAR).tier.code == "GOLD"  # 7 units, FPD 16.67 %
    assert selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_a2.pk, period=YEAR).tier.code == "SILVER"  # FPD 50 %
    assert selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_a2.pk, period=NOV).tier is None  # no bookings in Nov


def test_vintage_cells_by_cohort_and_mob(portfolio, bm_a):
    v = selectors.vintage(Scope(branch_id=bm_a.branch_id), Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1)))
    jan, feb, apr = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 4, 1)
    # Jan cohort (c1-c6): MOB 2 c5 → 1/6; MOB 3 c3, c4, c5 → 3/6; MOB 6 c3, c5 → 2/6
    assert v.rate(jan, 2) == D("16.67")
    assert v.rate(jan, 3) == D("50.00")
    assert v.rate(jan, 6) == D("33.33")
    assert v.rate(jan, 4) is None  # no snapshot in May
    assert v.rate(feb, 2) == D("0.00") and v.rate(feb, 5) == D("0.00")
    assert v.rate(apr, 0) == D("0.00") and v.rate(apr, 3) == D("0.00")
    # Head office sees branch B's b1 too: Jan cohort MOB 3 = 4 of 7
    everyone = selectors.vintage(Scope(), Period(jan, jan))
    assert everyone.rate(jan, 3) == D("57.14")


def test_roll_rates_from_last_month_end_to_this(portfolio, bm_a):
    r = selectors.roll_rates(Scope(branch_id=bm_a.branch_id), dt.date(2026, 4, 1))
    # Mar → Apr: B0 {c1 B0, c4 B1, c6 B0}, B1 {c2 B0, c3 B2}, B2 {c5 B3}
    assert r.counts == {("B0", "B0"): 2, ("B0", "B1"): 1, ("B1", "B0"): 1, ("B1", "B2"): 1, ("B2", "B3"): 1}
    assert r.rate("B0", "B0") == D("66.67")
    assert r.roll_forward("B0") == D("33.33")
    assert r.roll_forward("B1") == D("50.00")
    assert r.roll_forward("B2") == D("100.00")
    assert r.roll_forward("B5") is None


def test_npf_and_portfolio_by_bucket_and_collectibility(portfolio, bm_a):
    scope = Scope(branch_id=bm_a.branch_id)
    npf = {row["month"]: row["npf_pct"] for row in selectors.npf_trend(scope, Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1)))}
    # Jul: 15 + 8 + 8 + 6 × 7 = 73 M; Kol 3-5: c3 (Kol 4) 8 M + c5 (Kol 3) 8 M = 16 M
    assert npf[dt.date(2026, 7, 1)] == D("21.92")
    assert npf[dt.date(2026, 4, 1)] == D("0.00")  # nobody above 90 DPD in branch A in April
    assert npf[dt.date(2026, 5, 1)] is None
    by_kol = {row["key"]: row["contracts"] for row in selectors.portfolio_by(scope, dt.date(2026, 7, 1), "collectibility")}
    assert by_kol == {1: 7, 3: 1, 4: 1}
    by_bucket = {row["key"]: row["principal_sen"] for row in selectors.portfolio_by(scope, dt.date(2026, 4, 1), "bucket")}
    assert by_bucket == {"B0": 70 * M, "B1": 10 * M, "B2": 10 * M, "B3": 10 * M}


def test_cmo_figures_targets_achievement_and_premature_quality(portfolio, bm_a, cmo_a):
    CmoTarget.objects.create(
        cmo=cmo_a, branch=cmo_a.branch, month=dt.date(2026, 1, 1), orders=5, bookings=5, amount_sen=40 * M, set_by=bm_a
    )
    CmoTarget.objects.create(
        cmo=portfolio.cmo_a2, branch=cmo_a.branch, month=dt.date(2026, 1, 1), orders=2, bookings=2, amount_sen=40 * M, set_by=bm_a
    )
    board = selectors.cmo_leaderboard(viewer=bm_a, month=dt.date(2026, 1, 1))
    assert [row.cmo.username for row in board] == ["cmo.a", "cmo.a2"]
    first = board[0]
    # cmo_a booked c1-c4 in January: 4 units, 50 M against 5 units and 40 M
    assert (first.figures.bookings, first.figures.booked_sen) == (4, 50 * M)
    assert first.achievement("bookings") == D("80.00") and first.achievement("amount") == D("125.00")
    assert board[1].achievement("amount") == D("50.00")
    # April snapshot, cmo_a's premature book: c1-c4 (MOB 3), c7 (MOB 2), c8, c9 (MOB 0) = 7; 30+ c3, c4
    april = selectors.cmo_performance(viewer=bm_a, cmo_id=cmo_a.pk, month=dt.date(2026, 4, 1))
    assert (april.premature_contracts, april.premature_dpd30) == (7, 2)
    assert april.dpd30_rate == D("28.57")
    # FPD among those at MOB 3 or more: c1-c4, c3 flagged
    assert april.fpd_rate == D("25.00")


def test_funnel_and_monthly_trend(portfolio, bm_a):
    scope = Scope(branch_id=bm_a.branch_id)
    assert dict(selectors.funnel(scope, NOV)) == {"orders": 6, "surveyed": 0, "decided": 5, "approved": 3, "booked": 0}
    trend = dict(selectors.monthly_origination(scope, YEAR))
    assert trend[dt.date(2026, 1, 1)].bookings == 6 and trend[dt.date(2026, 4, 1)].bookings == 2
    assert trend[dt.date(2026, 11, 1)].approval_rate == D("60.00")


def test_cells_refresh_is_idempotent_and_keeps_the_latest_day(portfolio):
    before = list(
        PortfolioCell.objects.filter(month=dt.date(2026, 4, 1)).values_list("bucket", "contracts").order_by("bucket", "contracts")
    )
    portfolio_cells_refresh(business_date=APR)
    portfolio_cells_refresh(business_date=APR)
    after = list(PortfolioCell.objects.filter(month=dt.date(2026, 4, 1)).values_list("bucket", "contracts").order_by("bucket", "contracts"))
    assert before == after
    assert RollCell.objects.filter(month=dt.date(2026, 7, 1)).exists()
    # An earlier day of a month already taken from a later day leaves it alone
    assert portfolio_cells_refresh(business_date=dt.date(2026, 7, 15)) == 0
    assert PortfolioCell.objects.filter(month=dt.date(2026, 7, 1)).first().snapshot_date == JUL


def test_scope_branch_staff_see_their_branch_only(portfolio, dealer_b, cmo_b, bm_a):
    with pytest.raises(NotFound):
        selectors.dealer_scorecard(viewer=bm_a, dealer_id=dealer_b.pk, period=YEAR)
    with pytest.raises(NotFound):
        selectors.cmo_performance(viewer=bm_a, cmo_id=cmo_b.pk, month=dt.date(2026, 4, 1))
    with pytest.raises(NotFound):
        selectors.scope_for(bm_a, branch=dealer_b.branch_id)


def test_a_dealer_user_reads_its_own_scorecard_only(portfolio, dealer_a, dealer_a2):
    viewer = make_dealer_user(dealer_a, username="dealer.scope")
    own = selectors.dealer_scorecard(viewer=viewer, dealer_id=dealer_a.pk, period=YEAR)
    assert own.figures.bookings == 7
    with pytest.raises(NotFound):
        selectors.dealer_scorecard(viewer=viewer, dealer_id=dealer_a2.pk, period=YEAR)


def test_a_cmo_reads_their_own_figures_only(portfolio, cmo_a, dealer_a):
    mine = selectors.cmo_performance(viewer=cmo_a, cmo_id=cmo_a.pk, month=dt.date(2026, 4, 1))
    assert mine.premature_contracts == 7
    with pytest.raises(NotFound):
        selectors.cmo_performance(viewer=cmo_a, cmo_id=portfolio.cmo_a2.pk, month=dt.date(2026, 4, 1))
    with pytest.raises(NotFound):
        selectors.dealer_scorecard(viewer=cmo_a, dealer_id=dealer_a.pk, period=YEAR)
    with pytest.raises(NotFound):
        selectors.cmo_leaderboard(viewer=cmo_a, month=dt.date(2026, 4, 1))


def test_roles_without_performance_view_are_refused(portfolio, branch_a):
    analyst = make_user(Role.FRONT_OFFICE, branch_a, username="fo.perf")
    with pytest.raises(PermissionDenied):
        selectors.scope_for(analyst)
