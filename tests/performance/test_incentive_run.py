"""The monthly incentive run on the hand-built portfolio: statements, lines, idempotence, approval, clawback once."""

import datetime as dt
from decimal import Decimal

import pytest

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import make_user
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.org.roles import Role
from angsur.performance.models import CmoTarget, IncentiveLine, IncentiveScheme, IncentiveStatement, IncentiveTier, StatementStatus
from angsur.performance.services import cmo_target_set, incentive_run, statement_decide, statements_approve_all
from tests.performance.conftest import M

APRIL = dt.date(2026, 4, 1)


@pytest.fixture
def scheme(ho_admin):
    s = IncentiveScheme.objects.create(
        effective_from=dt.date(2026, 1, 1),
        base_kind="per_unit",
        base_per_unit_sen=100_000_00,
        fpd_weight=Decimal(1),
        dpd30_weight=Decimal(0),
        quality_floor=Decimal("0.5"),
        clawback_pct=Decimal(25),
        clawback_max_mob=6,
        created_by=ho_admin,
    )
    for threshold, multiplier in (("0", "0.5"), ("80", "1"), ("100", "1.2")):
        IncentiveTier.objects.create(scheme=s, min_achievement_pct=Decimal(threshold), multiplier=Decimal(multiplier))
    return s


def _lines(statement):
    return [(line.kind, line.contract_number, line.amount_sen) for line in statement.lines.order_by("position")]


def test_april_statements_explain_every_rupiah(portfolio, scheme, bm_a, cmo_a, branch_a):
    # Given cmo_a's April target of 2 units (booked c8 and c9: 100 %), FPD 25 % at the April snapshot
    cmo_target_set(actor=bm_a, cmo=cmo_a, month=APRIL, orders=2, bookings=2, amount=Decimal(20_000_000))
    # When the branch manager runs April
    run = incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    mine = run.statements.get(cmo=cmo_a)
    c = portfolio.c
    # Then: base 2 × Rp100.000, tier × 1,2 (+40.000), quality 1 − 1 × 25 % (−60.000), clawback 25 % of c3 and c4
    assert _lines(mine) == [
        ("base", c["c8"].number, 100_000_00),
        ("base", c["c9"].number, 100_000_00),
        ("tier", "", 40_000_00),
        ("quality", "", -60_000_00),
        ("clawback", c["c3"].number, -25_000_00),
        ("clawback", c["c4"].number, -25_000_00),
    ]
    assert mine.total_sen == 130_000_00 == sum(line.amount_sen for line in mine.lines.all())
    assert (mine.units, mine.booked_sen, mine.achievement_pct, mine.quality_factor) == (2, 20 * M, Decimal("100.00"), Decimal("0.7500"))
    # cmo_a2: nothing booked, c5 clawed back, the floor keeps the total at zero
    other = run.statements.get(cmo=portfolio.cmo_a2)
    assert [kind for kind, _n, _a in _lines(other)] == ["clawback", "floor"]
    assert other.total_sen == 0
    assert AuditEvent.objects.filter(action="performance.incentive_run").count() == 1


def test_running_the_month_again_recomputes_drafts_and_keeps_approved(portfolio, scheme, bm_a, cmo_a, branch_a):
    run = incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    mine = run.statements.get(cmo=cmo_a)
    statement_decide(actor=bm_a, statement=mine, approve=True, expected_version=mine.version)
    # A target set afterwards changes nothing of the approved statement
    cmo_target_set(actor=bm_a, cmo=cmo_a, month=APRIL, orders=1, bookings=1, amount=Decimal(1))
    again = incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    assert again.pk == run.pk and again.runs == 2
    kept = IncentiveStatement.objects.get(pk=mine.pk)
    assert kept.status == StatementStatus.APPROVED and kept.total_sen == mine.total_sen
    assert IncentiveStatement.objects.filter(run=run).count() == 2
    assert IncentiveLine.objects.filter(statement__run=run, kind="clawback").count() == 3


def test_a_contract_is_clawed_back_once(portfolio, scheme, bm_a, cmo_a, branch_a):
    incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    # July: c3 and c5 still in default, already clawed back in April; nothing new
    july = incentive_run(actor=bm_a, branch=branch_a, month=dt.date(2026, 7, 1))
    assert not IncentiveLine.objects.filter(statement__run=july, kind="clawback").exists()


def test_approval_is_the_branch_managers_and_never_ones_own(portfolio, scheme, bm_a, cmo_a, branch_a, branch_b):
    run = incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    mine = run.statements.get(cmo=cmo_a)
    with pytest.raises(PermissionDenied):
        statement_decide(actor=cmo_a, statement=mine, approve=True)
    with pytest.raises(PermissionDenied):
        statement_decide(actor=make_user(Role.BRANCH_MANAGER, branch_b, username="bm.other"), statement=mine, approve=True)
    with pytest.raises(DomainError):
        statement_decide(actor=bm_a, statement=mine, approve=False, note=" ")
    statement_decide(actor=bm_a, statement=mine, approve=False, note="Target salah")
    assert IncentiveStatement.objects.get(pk=mine.pk).status == StatementStatus.REJECTED
    with pytest.raises(Conflict):
        statement_decide(actor=bm_a, statement=mine, approve=True)


def test_approve_all_approves_each_draft_with_its_audit_event(portfolio, scheme, bm_a, branch_a):
    incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    assert statements_approve_all(actor=bm_a, branch=branch_a, month=APRIL) == 2
    assert set(IncentiveStatement.objects.values_list("status", flat=True)) == {StatementStatus.APPROVED}
    assert AuditEvent.objects.filter(action="incentive_statement.approve").count() == 2
    with pytest.raises(Conflict):
        statements_approve_all(actor=bm_a, branch=branch_a, month=APRIL)


def test_run_without_a_scheme_or_by_others_is_refused(portfolio, bm_a, cmo_a, branch_a, branch_b):
    with pytest.raises(DomainError) as refused:
        incentive_run(actor=bm_a, branch=branch_a, month=APRIL)
    assert refused.value.code == "no_scheme"
    with pytest.raises(PermissionDenied):
        incentive_run(actor=cmo_a, branch=branch_a, month=APRIL)


def test_targets_are_set_by_the_branch_manager_audited(portfolio, bm_a, cmo_a, cmo_b):
    cmo_target_set(actor=bm_a, cmo=cmo_a, month=dt.date(2026, 12, 15), orders=10, bookings=8, amount=Decimal(160_000_000))
    cmo_target_set(actor=bm_a, cmo=cmo_a, month=dt.date(2026, 12, 1), orders=12, bookings=8, amount=Decimal(160_000_000))
    target = CmoTarget.objects.get(cmo=cmo_a)
    assert (target.month, target.orders, target.amount_sen) == (dt.date(2026, 12, 1), 12, 160 * M)
    events = AuditEvent.objects.filter(action="performance.target_set").order_by("id")
    assert events.count() == 2 and events.last().before["orders"] == 10
    with pytest.raises(PermissionDenied):
        cmo_target_set(actor=bm_a, cmo=cmo_b, month=dt.date(2026, 12, 1), orders=1, bookings=1, amount=Decimal(1))
    with pytest.raises(DomainError):
        cmo_target_set(actor=bm_a, cmo=cmo_a, month=dt.date(2026, 12, 1), orders=-1, bookings=1, amount=Decimal(1))
    with pytest.raises(DomainError):
        cmo_target_set(actor=bm_a, cmo=cmo_a, month=dt.date(2026, 12, 1), orders=1, bookings=1, amount=Decimal("0.001"))
