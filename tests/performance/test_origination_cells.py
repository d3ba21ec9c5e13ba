"""The orders' monthly cells: the dashboards read orders as of the last close, and a cell says exactly what
counting the applications says (in total and per dealer, CMO, product and branch, turnaround included)."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Q

from angsur.origination.models import Application
from angsur.performance import selectors
from angsur.performance.models import OriginationCell
from angsur.performance.selectors import APPROVED_STATES, DECIDED, Period, Scope
from angsur.performance.services import origination_cells_backfill, origination_cells_refresh
from tests.performance.conftest import JUL

YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 1))


def _live(scope: Scope, period: Period, group: str | None) -> dict:
    """What counting the applications gives (the dashboards' figures before the cells)."""
    start, end = period.datetimes()
    apps = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end, **scope.q())
    out: dict = {}
    counts = {
        "n": Count("id"),
        "decided": Count("id", filter=Q(status__in=DECIDED)),
        "approved": Count("id", filter=Q(status__in=APPROVED_STATES)),
    }
    rows = apps.values(group).annotate(**counts) if group else [apps.aggregate(**counts)]
    for row in rows:
        if row["n"]:
            out[row[group] if group else "scope"] = [row["n"], row["decided"], row["approved"], None]
    durations = defaultdict(list)
    for row in apps.filter(status__in=DECIDED, decided_at__isnull=False).values_list(
        *([group] if group else []), "submitted_at", "decided_at"
    ):
        durations[row[0] if group else "scope"].append(row[-1] - row[-2])
    for key, values in durations.items():
        micro = sum(v // dt.timedelta(microseconds=1) for v in values)
        out[key][3] = (Decimal(micro) / len(values) / 3_600_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return out


def _from_cells(scope: Scope, period: Period, group: str | None) -> dict:
    figures = selectors.origination_by(scope, period, group=group)
    return {k: [f.orders, f.decided, f.approved, f.turnaround_hours] for k, f in figures.items() if f.orders}


@pytest.mark.parametrize("group", [None, "dealer_id", "cmo_id", "product_id", "branch_id"])
def test_the_cells_say_what_counting_the_applications_says(portfolio, branch_a, dealer_a, group):
    for scope in (Scope(), Scope(branch_id=branch_a.pk), Scope(dealer_id=dealer_a.pk)):
        assert _from_cells(scope, YEAR, group) == _live(scope, YEAR, group), (scope, group)
    funnel = dict(selectors.funnel(Scope(branch_id=branch_a.pk), YEAR))
    live = _live(Scope(branch_id=branch_a.pk), YEAR, None)["scope"]
    assert (funnel["orders"], funnel["decided"], funnel["approved"]) == tuple(live[:3])


def test_orders_show_as_of_the_last_refresh_and_a_second_refresh_changes_nothing(portfolio, branch_a, dealer_a, cmo_a):
    before = _from_cells(Scope(branch_id=branch_a.pk), YEAR, None)
    # Given a new order submitted after the last close
    new = portfolio.b.application(dealer=dealer_a, cmo=cmo_a, status="submitted", nik="3171010101990099")
    assert new.submitted_at is not None
    # Then the dashboards do not count it yet (as of the last close)...
    assert _from_cells(Scope(branch_id=branch_a.pk), YEAR, None) == before
    # ...and after the next close's refresh they do, exactly as counting says; refreshing again changes nothing
    origination_cells_backfill(as_of=JUL)
    after = _from_cells(Scope(branch_id=branch_a.pk), YEAR, None)
    assert after == _live(Scope(branch_id=branch_a.pk), YEAR, None) and after["scope"][0] == before["scope"][0] + 1
    cells = sorted(OriginationCell.objects.values_list("month", "dealer_id", "cmo_id", "orders", "decided", "decision_microseconds"))
    origination_cells_backfill(as_of=JUL)
    assert (
        sorted(OriginationCell.objects.values_list("month", "dealer_id", "cmo_id", "orders", "decided", "decision_microseconds")) == cells
    )


def test_a_close_refreshes_the_last_thirteen_months_and_leaves_older_ones(portfolio):
    old = OriginationCell.objects.create(
        month=dt.date(2024, 1, 1), refreshed_on=dt.date(2024, 1, 31), branch_id=1, dealer_id=1, cmo_id=1, product_id=1, orders=5
    )
    origination_cells_refresh(business_date=dt.date(2026, 12, 31))
    assert OriginationCell.objects.filter(pk=old.pk).exists()  # before the window: kept
    assert not OriginationCell.objects.filter(month__lt=dt.date(2025, 12, 1)).exclude(pk=old.pk).exists()


def test_the_dashboard_and_a_scorecard_say_when_orders_were_counted(portfolio, web, bm_a, dealer_a):
    from django.utils import translation

    with translation.override("id"):
        for path in ("/performance/?from=2026-01&to=2026-11", f"/performance/dealers/{dealer_a.pk}/"):
            html = web(bm_a).get(path).content.decode()
            assert 'data-testid="orders-as-of"' in html and "Jul 2026" in html.replace("Juli", "Jul"), path
