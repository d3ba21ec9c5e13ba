"""The demo's performance set-up: tier rules, the incentive scheme and targets before the nights, the last closed
month's incentive run after them; seeding again changes nothing."""

import pytest

from angsur.audit.models import AuditEvent
from angsur.dealers.models import Dealer
from angsur.devdata.seed import DEMO_DATE, seed_demo
from angsur.devdata.seed_nights import seed_nights
from angsur.devdata.seed_performance import DEALER_TIERS, seed_incentive_month, seed_performance
from angsur.org.models import Branch, User
from angsur.org.roles import Role
from angsur.performance.models import (
    CmoTarget,
    DealerTierRule,
    IncentiveRun,
    IncentiveScheme,
    IncentiveStatement,
    IncentiveTier,
    StatementStatus,
)
from angsur.performance.selectors import add_months, month_end, month_start
from angsur.servicing.models import Contract

pytestmark = pytest.mark.django_db(transaction=True)

LAST_CLOSED = add_months(month_start(DEMO_DATE), -1)
TARGET_MONTHS = [add_months(month_start(DEMO_DATE), n) for n in (-3, -2, -1, 0, 1)]


def _counts() -> tuple[int, ...]:
    return (
        IncentiveScheme.objects.count(),
        IncentiveTier.objects.count(),
        DealerTierRule.objects.count(),
        CmoTarget.objects.count(),
        IncentiveRun.objects.count(),
        IncentiveStatement.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_seeds_scheme_tiers_and_targets_once_and_drafts_the_last_closed_month():
    # Given the demo company's hand-made records, its performance set-up, and its last month-end closed
    seed_demo(portfolio=0)
    seed_performance(DEMO_DATE)
    seed_nights(DEMO_DATE, months=1)
    seed_incentive_month(DEMO_DATE)
    counts = _counts()
    statement_ids = set(IncentiveStatement.objects.values_list("pk", flat=True))

    # When the demo is seeded again
    seed_performance(DEMO_DATE)
    seed_incentive_month(DEMO_DATE)

    # Then nothing more is made, not even an audit row
    assert _counts() == counts
    assert set(IncentiveStatement.objects.values_list("pk", flat=True)) == statement_ids
    # one scheme, in force before the oldest booking, with its achievement tiers
    scheme = IncentiveScheme.objects.get()
    assert scheme.effective_from < month_start(Contract.objects.order_by("signing_date").first().signing_date)
    assert scheme.base_kind == "per_unit" and scheme.base_per_unit_sen > 0 and 0 < scheme.quality_floor < 1
    assert scheme.tiers.count() == 3
    # the tier rules, the first of them fast-track
    assert list(DealerTierRule.objects.values_list("code", "fast_track")) == [(row[0], row[-1]) for row in DEALER_TIERS]
    # a target for every CMO and month, exactly once
    cmos = User.objects.filter(role=Role.CMO, is_active=True, branch__is_head_office=False)
    assert CmoTarget.objects.count() == cmos.count() * len(TARGET_MONTHS)
    assert set(CmoTarget.objects.values_list("cmo_id", "month")) == {(c.pk, m) for c in cmos for m in TARGET_MONTHS}
    assert all(t.bookings > 0 and t.orders > t.bookings and t.amount_sen > 0 for t in CmoTarget.objects.all())
    # every branch's last closed month run once, a draft statement for each of its CMOs, read from the month-end
    branches = Branch.objects.filter(is_head_office=False)
    runs = IncentiveRun.objects.filter(month=LAST_CLOSED)
    assert {(r.branch_id, r.runs, r.snapshot_date) for r in runs} == {(b.pk, 1, month_end(LAST_CLOSED)) for b in branches}
    statements = IncentiveStatement.objects.filter(month=LAST_CLOSED)
    assert set(statements.values_list("cmo_id", flat=True)) == set(cmos.values_list("pk", flat=True))
    assert set(statements.values_list("status", flat=True)) == {StatementStatus.DRAFT}
    assert all(s.total_sen == sum(line.amount_sen for line in s.lines.all()) for s in statements)
    # and the month-end close gave the dealers that booked a tier
    assert Dealer.objects.exclude(service_tier="").exists()
