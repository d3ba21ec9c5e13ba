"""Writes of performance: the monthly cells (after each end-of-day), targets, incentive runs and approvals,
repeat-order offers. One transaction and one audit event per state change; the cells are derived data."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.dealers.models import Dealer
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.finance import incentive as core
from angsur.finance.money import from_minor, to_minor
from angsur.org.models import Branch, User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require
from angsur.origination.models import Application
from angsur.performance import selectors
from angsur.performance.models import (
    CmoTarget,
    IncentiveLine,
    IncentiveRun,
    IncentiveStatement,
    OriginationCell,
    PortfolioCell,
    RepeatOffer,
    RollCell,
    StatementStatus,
)
from angsur.performance.selectors import APPROVED_STATES, DECIDED, DPD30, Period, Scope, add_months, month_start
from angsur.performance.workflow import INCENTIVE_STATEMENT, StatementAction
from angsur.servicing.models import Contract, ContractDay
from angsur.workflow.engine import durable, lock, service

# --- the monthly cells ---------------------------------------------------------------------------------------

_CELL_SQL = """
INSERT INTO performance_portfoliocell
    (month, snapshot_date, branch_id, dealer_id, cmo_id, product_id, booked_month, mob, bucket, collectibility,
     contracts, dpd30, fpd, outstanding_principal_sen, dpd30_principal_sen, overdue_sen)
SELECT %s, %s, branch_id, dealer_id, cmo_id, product_id, booked_month, mob, bucket, collectibility,
     COUNT(*),
     SUM(CASE WHEN dpd >= %s THEN 1 ELSE 0 END),
     SUM(CASE WHEN fpd THEN 1 ELSE 0 END),
     SUM(outstanding_principal_sen),
     SUM(CASE WHEN dpd >= %s THEN outstanding_principal_sen ELSE 0 END),
     SUM(overdue_sen)
FROM servicing_contractday
WHERE business_date = %s
GROUP BY branch_id, dealer_id, cmo_id, product_id, booked_month, mob, bucket, collectibility
"""

_ROLL_SQL = """
INSERT INTO performance_rollcell (month, branch_id, dealer_id, cmo_id, product_id, from_bucket, to_bucket, contracts, principal_sen)
SELECT %s, cur.branch_id, cur.dealer_id, cur.cmo_id, cur.product_id, prev.bucket, cur.bucket, COUNT(*), SUM(cur.outstanding_principal_sen)
FROM servicing_contractday cur
JOIN servicing_contractday prev ON prev.contract_id = cur.contract_id AND prev.business_date = %s
WHERE cur.business_date = %s
GROUP BY cur.branch_id, cur.dealer_id, cur.cmo_id, cur.product_id, prev.bucket, cur.bucket
"""


def _last_snapshot_before(day: dt.date) -> dt.date | None:
    return ContractDay.objects.filter(business_date__lt=day).order_by("-business_date").values_list("business_date", flat=True).first()


def portfolio_cells_refresh(*, business_date: dt.date) -> int:
    """Replace the month's cells by the snapshot of `business_date` (the month's latest close), and its roll
    rates by the moves from the previous month's last snapshot. Set-based; running it twice changes nothing."""
    month = month_start(business_date)
    with durable():
        latest = PortfolioCell.objects.filter(month=month).values_list("snapshot_date", flat=True).first()
        if latest is not None and latest > business_date:
            return 0  # a later day of the month is already in (a re-run of an earlier date)
        PortfolioCell.objects.filter(month=month).delete()
        RollCell.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            cursor.execute(_CELL_SQL, [month, business_date, DPD30, DPD30, business_date])
            previous = _last_snapshot_before(month)
            if previous is not None:
                cursor.execute(_ROLL_SQL, [month, previous, business_date])
        return PortfolioCell.objects.filter(month=month).count()


def portfolio_cells_backfill(*, up_to: dt.date | None = None) -> list[dt.date]:
    """Fill the cells of every month that has snapshots, from each month's last business date (oldest first)."""
    qs = ContractDay.objects.all()
    if up_to is not None:
        qs = qs.filter(business_date__lte=up_to)
    dates = sorted(set(qs.values_list("business_date", flat=True).distinct()))
    last_of_month: dict[dt.date, dt.date] = {}
    for day in dates:
        last_of_month[month_start(day)] = day
    for day in sorted(last_of_month.values()):
        portfolio_cells_refresh(business_date=day)
    return sorted(last_of_month.values())


# Months of orders refreshed after each close: the dashboards' longest default window (12 months) and the
# month before it. Older months keep their cells (``angsur performance-refresh`` rebuilds every month).
ORIGINATION_CELL_MONTHS = 13


def origination_cells_refresh(*, business_date: dt.date, first_month: dt.date | None = None, last_month: dt.date | None = None) -> int:
    """Replace the origination cells of the months from ``first_month`` (default: 12 months before the last) to
    ``last_month`` (default: ``business_date``'s) by the applications as they stand after that close.

    Set-based: one grouped count over the months' applications and one read of their decision instants
    (summed exactly, in microseconds). Running it twice changes nothing. Returns the number of cells.
    """
    last = month_start(last_month or business_date)
    first = month_start(first_month) if first_month else add_months(last, -(ORIGINATION_CELL_MONTHS - 1))
    period = Period(first, last)
    start, end = period.datetimes()
    zone = ZoneInfo(settings.TIME_ZONE)
    apps = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    keys = ("branch_id", "dealer_id", "cmo_id", "product_id")
    cells: dict[tuple, OriginationCell] = {}

    def cell(month: dt.date, row: tuple) -> OriginationCell:
        key = (month, *row)
        if key not in cells:
            cells[key] = OriginationCell(month=month, refreshed_on=business_date, **dict(zip(keys, row, strict=True)))
        return cells[key]

    counted = (
        apps.annotate(m=TruncMonth("submitted_at", tzinfo=zone))
        .values("m", *keys)
        .annotate(
            n=Count("id"),
            surveyed=Count("id", filter=Q(surveyed_at__isnull=False)),
            decided=Count("id", filter=Q(status__in=DECIDED)),
            approved=Count("id", filter=Q(status__in=APPROVED_STATES)),
            booked=Count("contract"),
        )
    )
    for row in counted:
        month = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
        c = cell(month, tuple(row[k] for k in keys))
        c.orders, c.surveyed, c.decided, c.approved, c.booked = row["n"], row["surveyed"], row["decided"], row["approved"], row["booked"]
    one = dt.timedelta(microseconds=1)
    timed = apps.filter(status__in=DECIDED, decided_at__isnull=False).values_list(*keys, "submitted_at", "decided_at")
    for *row, submitted, decided in timed:
        c = cell(submitted.astimezone(zone).date().replace(day=1), tuple(row))
        c.timed += 1
        c.decision_microseconds += (decided - submitted) // one
    with durable():
        OriginationCell.objects.filter(month__gte=first, month__lte=last).delete()
        OriginationCell.objects.bulk_create(cells.values(), batch_size=2000)
    return len(cells)


def origination_cells_backfill(*, as_of: dt.date) -> int:
    """Rebuild the origination cells of every month that has orders (to ``as_of``'s month, or a later one that has)."""
    submitted = Application.objects.filter(submitted_at__isnull=False).aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    if submitted["first"] is None:
        return origination_cells_refresh(business_date=as_of)
    zone = ZoneInfo(settings.TIME_ZONE)
    first, last = (submitted[k].astimezone(zone).date().replace(day=1) for k in ("first", "last"))
    return origination_cells_refresh(
        business_date=as_of, first_month=min(first, month_start(as_of)), last_month=max(last, month_start(as_of))
    )


def after_close(*, business_date: dt.date, actor: Any = None) -> None:
    """The end-of-day's after-close hook: the month's cells follow the day just closed, the orders' cells of the
    last 13 months too; at a month's last day the dealers' tiers (and the faster service they earn) are
    recomputed over the months just closed."""
    portfolio_cells_refresh(business_date=business_date)
    origination_cells_refresh(business_date=business_date)
    if business_date == selectors.month_end(business_date):
        dealer_tiers_refresh(month=business_date, actor=actor)


# --- dealer tiers and the service they earn ---------------------------------------------------------------------


@service
def dealer_tiers_refresh(*, month: dt.date, actor: Any = None) -> int:
    """Recompute every dealer's tier over the `TIER_MONTHS` months to `month` and store what it grants on the
    dealer (``service_priority``, ``service_tier``), which the credit analyst's queue reads. Only changes are
    written, each with an audit row; running it twice changes nothing. Returns the number of dealers changed."""
    month = month_start(month)
    period = Period.months_to(month, selectors.TIER_MONTHS)
    tiers = selectors.dealer_tiers(period)
    changed = 0
    dealers = Dealer.objects.select_for_update(of=("self",)).select_related("branch").filter(pk__in=tiers).order_by("pk")
    for dealer in dealers:
        rule = tiers[dealer.pk]
        priority, name = selectors.tier_service_priority(rule), rule.name if rule else ""
        if (dealer.service_priority, dealer.service_tier) == (priority, name):
            continue
        before = {"service_priority": dealer.service_priority, "service_tier": dealer.service_tier}
        dealer.service_priority, dealer.service_tier = priority, name
        dealer.save(update_fields=["service_priority", "service_tier"])
        audit_record(
            actor=actor,
            action="performance.dealer_tier",
            obj=dealer,
            before=before,
            after={
                "service_priority": priority,
                "service_tier": name,
                "tier": rule.code if rule else None,
                "period": f"{period.first:%Y-%m}..{period.last:%Y-%m}",
            },
        )
        changed += 1
    return changed


# --- targets ---------------------------------------------------------------------------------------------------


def _money_sen(value: Decimal, field: str) -> int:
    if value < 0 or value > Decimal("100000000000") or value != value.quantize(Decimal("0.01")):
        raise DomainError("invalid_amount", _("Enter an amount from Rp0 to Rp100.000.000.000."), field=field)
    return to_minor(value)


@service
def cmo_target_set(*, actor: Any, cmo: User, month: dt.date, orders: int, bookings: int, amount: Decimal) -> CmoTarget:
    """Set (or change) a CMO's targets for a month: the branch manager of their branch, or head office."""
    require(actor, Capability.TARGET_MANAGE)
    if cmo.role != Role.CMO:
        raise DomainError("not_a_cmo", _("Targets are set for CMOs."))
    if not actor.is_head_office and actor.branch_id != cmo.branch_id:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    for value, name in ((orders, "orders"), (bookings, "bookings")):
        if not 0 <= value <= 100000:
            raise DomainError("invalid_target", _("A target is a whole number from 0 to 100.000."), field=name)
    amount_sen = _money_sen(amount, "amount")
    month = month_start(month)
    target = CmoTarget.objects.select_for_update().filter(cmo=cmo, month=month).first()
    before = None
    if target is None:
        target = CmoTarget(cmo=cmo, branch_id=cmo.branch_id, month=month, set_by=actor)
    else:
        before = {"orders": target.orders, "bookings": target.bookings, "amount_sen": target.amount_sen}
    target.orders, target.bookings, target.amount_sen, target.set_by = orders, bookings, amount_sen, actor
    target.branch_id = cmo.branch_id
    target.save()
    audit_record(
        actor=actor,
        action="performance.target_set",
        obj=target,
        before=before,
        after={"cmo": cmo.username, "month": month, "orders": orders, "bookings": bookings, "amount_sen": amount_sen},
    )
    return target


# --- the monthly incentive run ----------------------------------------------------------------------------------


def _scheme_core(scheme: Any) -> core.Scheme:
    return core.Scheme(
        base_kind=scheme.base_kind,
        base_per_unit=from_minor(scheme.base_per_unit_sen),
        base_pct=scheme.base_pct,
        tiers=tuple((t.min_achievement_pct, t.multiplier) for t in scheme.tiers.all()),
        fpd_weight=scheme.fpd_weight,
        dpd30_weight=scheme.dpd30_weight,
        quality_floor=scheme.quality_floor,
        clawback_pct=scheme.clawback_pct,
    )


def _clawback_contracts(*, branch_id: int, month: dt.date, snapshot: dt.date | None, max_mob: int) -> dict[int, list[Contract]]:
    """Per CMO: contracts that defaulted early by the month's snapshot (FPD, or 30+ DPD within the scheme's
    MOB) and were never clawed back before."""
    if snapshot is None:
        return {}
    defaulted = (
        ContractDay.objects.filter(business_date=snapshot, branch_id=branch_id, mob__lte=max_mob)
        .filter(dpd__gte=DPD30)
        .values_list("contract_id", flat=True)
    )
    defaulted_fpd = ContractDay.objects.filter(business_date=snapshot, branch_id=branch_id, fpd=True).values_list("contract_id", flat=True)
    ids = set(defaulted) | set(defaulted_fpd)
    already = set(
        IncentiveLine.objects.filter(kind="clawback", contract_id__in=ids)
        .exclude(statement__month=month)
        .exclude(statement__status=StatementStatus.REJECTED)
        .values_list("contract_id", flat=True)
    )
    out: dict[int, list[Contract]] = {}
    for contract in Contract.objects.filter(pk__in=ids - already).only("id", "number", "cmo_id", "financed_principal_sen").order_by("id"):
        out.setdefault(contract.cmo_id, []).append(contract)
    return out


@service
def incentive_run(*, actor: Any, branch: Branch, month: dt.date) -> IncentiveRun:
    """Compute the month's statement of every CMO of the branch. Idempotent per month: a second run recomputes
    the statements not yet approved (drafts and sent-back ones) and leaves approved ones as they are."""
    require(actor, Capability.TARGET_MANAGE)
    if not actor.is_head_office and actor.branch_id != branch.pk:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    month = month_start(month)
    scheme = selectors.scheme_in_force(month)
    if scheme is None:
        raise DomainError("no_scheme", _("No incentive scheme is in force for this month: head office sets one in the configuration."))
    Branch.objects.select_for_update(of=("self",)).only("pk").get(pk=branch.pk)
    run = IncentiveRun.objects.filter(branch=branch, month=month).first()
    snapshot = selectors.latest_month(Scope(branch_id=branch.pk), on_or_before=month)
    snapshot_date = (
        selectors.PortfolioCell.objects.filter(month=month, branch_id=branch.pk).values_list("snapshot_date", flat=True).first()
        if snapshot == month
        else None
    )
    if run is None:
        run = IncentiveRun.objects.create(branch=branch, month=month, scheme=scheme, snapshot_date=snapshot_date, created_by=actor)
    else:
        run.runs += 1
        run.scheme, run.snapshot_date = scheme, snapshot_date
        run.save(update_fields=["runs", "scheme", "snapshot_date", "updated_at"])
    approved = set(run.statements.filter(status=StatementStatus.APPROVED).values_list("cmo_id", flat=True))
    stale = run.statements.exclude(status=StatementStatus.APPROVED)
    IncentiveLine.objects.filter(statement__in=stale).delete()
    stale.delete()

    rule = _scheme_core(scheme)
    figures = {f.cmo.pk: f for f in selectors.cmo_figures(scope=Scope(branch_id=branch.pk), month=month)}
    period = Period(month, month)
    bookings: dict[int, list[Contract]] = {}
    for contract in (
        Contract.objects.filter(branch=branch, signing_date__gte=period.first, signing_date__lte=period.end_date)
        .only("id", "number", "cmo_id", "financed_principal_sen")
        .order_by("signing_date", "id")
    ):
        bookings.setdefault(contract.cmo_id, []).append(contract)
    clawbacks = _clawback_contracts(branch_id=branch.pk, month=month, snapshot=snapshot_date, max_mob=scheme.clawback_max_mob)
    cmo_ids = (set(figures) | set(bookings) | set(clawbacks)) - approved
    measure = "bookings" if scheme.base_kind == "per_unit" else "amount"
    statements, lines = [], []
    for cmo_id in sorted(cmo_ids):
        f = figures.get(cmo_id)
        achievement = f.achievement(measure) if f else None
        fpd_rate = f.fpd_rate / 100 if f and f.fpd_rate is not None else None
        dpd30_rate = f.dpd30_rate / 100 if f and f.dpd30_rate is not None else None
        own = bookings.get(cmo_id, [])
        result = core.incentive_statement(
            rule,
            bookings=[core.Booking(c.pk, c.number, from_minor(c.financed_principal_sen)) for c in own],
            achievement_pct=achievement,
            fpd_rate=fpd_rate,
            dpd30_rate=dpd30_rate,
            clawbacks=[core.Booking(c.pk, c.number, from_minor(c.financed_principal_sen)) for c in clawbacks.get(cmo_id, [])],
        )
        statement = IncentiveStatement(
            run=run,
            branch=branch,
            cmo_id=cmo_id,
            month=month,
            units=len(own),
            booked_sen=sum(c.financed_principal_sen for c in own),
            achievement_pct=achievement,
            tier_multiplier=result.tier_multiplier,
            fpd_rate_pct=f.fpd_rate if f else None,
            dpd30_rate_pct=f.dpd30_rate if f else None,
            quality_factor=result.quality_factor.quantize(Decimal("0.0001")),
            total_sen=to_minor(result.total),
        )
        statements.append((statement, result))
    IncentiveStatement.objects.bulk_create([s for s, _r in statements])
    for statement, result in statements:
        for position, line in enumerate(result.lines, start=1):
            lines.append(
                IncentiveLine(
                    statement=statement,
                    position=position,
                    kind=line.kind,
                    contract_id=line.key,
                    contract_number=line.label,
                    basis_sen=to_minor(line.basis.quantize(Decimal("0.01"))),
                    factor=line.factor.quantize(Decimal("0.000001")) if line.factor is not None else None,
                    amount_sen=to_minor(line.amount),
                    description=_line_description(line),
                )
            )
    IncentiveLine.objects.bulk_create(lines, batch_size=2000)
    audit_record(
        actor=actor,
        action="performance.incentive_run",
        obj=run,
        branch=branch,
        after={
            "month": month,
            "runs": run.runs,
            "statements": len(statements),
            "kept_approved": len(approved),
            "total_sen": sum(s.total_sen for s, _r in statements),
        },
    )
    return run


def _line_description(line: core.Line) -> str:
    """The line in words, stored with it (the statement reads the same in the PDF, Excel and API)."""
    if line.kind == "base":
        return f"Dasar: kontrak {line.label}"
    if line.kind == "tier":
        return f"Tingkat pencapaian target × {line.factor}"
    if line.kind == "quality":
        return f"Faktor kualitas × {line.factor.quantize(Decimal('0.0001'))}"
    if line.kind == "clawback":
        return f"Klawback: kontrak {line.label} gagal bayar dini"
    return "Batas nol: klawback melebihi insentif bulan ini"


# --- approval -----------------------------------------------------------------------------------------------------


@service
def statement_decide(
    *, actor: Any, statement: IncentiveStatement, approve: bool, note: str = "", expected_version: int | None = None
) -> IncentiveStatement:
    """The branch manager approves a CMO's statement for payroll, or sends it back (the next run recomputes it)."""
    locked = lock(IncentiveStatement, statement.pk, expected_version=expected_version)
    action = StatementAction.APPROVE if approve else StatementAction.REJECT
    INCENTIVE_STATEMENT.check(locked, action, actor)
    if not approve and not note.strip():
        raise DomainError("reason_required", _("Say why the statement is sent back."), field="note")
    locked.decided_by, locked.decided_at, locked.note = actor, timezone.now(), note.strip()[:300]
    INCENTIVE_STATEMENT.transition(
        locked,
        action,
        actor=actor,
        fields=["decided_by", "decided_at", "note"],
        extra={"total_sen": locked.total_sen, "cmo": locked.cmo_id, "month": locked.month},
        checked=False,
    )
    return locked


@service
def statements_approve_all(*, actor: Any, branch: Branch, month: dt.date) -> int:
    """Approve every draft statement of the branch's month the actor may approve (one audit event each)."""
    require(actor, Capability.INCENTIVE_APPROVE)
    if not actor.is_head_office and actor.branch_id != branch.pk:
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    ids = list(
        IncentiveStatement.objects.filter(branch=branch, month=month_start(month), status=StatementStatus.DRAFT)
        .exclude(cmo_id=actor.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise Conflict("nothing_to_approve", _("No statement of this month waits for approval."))
    for pk in ids:
        locked = lock(IncentiveStatement, pk)
        locked.decided_by, locked.decided_at = actor, timezone.now()
        INCENTIVE_STATEMENT.transition(
            locked,
            StatementAction.APPROVE,
            actor=actor,
            fields=["decided_by", "decided_at"],
            extra={"total_sen": locked.total_sen, "cmo": locked.cmo_id, "month": locked.month},
        )
    return len(ids)


# --- repeat orders ---------------------------------------------------------------------------------------------------


@service
def repeat_offer_record(*, actor: Any, candidate: Any, kind: str, as_of: dt.date) -> RepeatOffer:
    """Record that the CMO offered the customer a repeat order (once per contract and kind), for conversions."""
    if kind not in ("vehicle", "multipurpose"):
        raise DomainError("invalid_input", _("Unknown offer."), field="kind")
    contract = candidate.contract
    offer, created = RepeatOffer.objects.get_or_create(
        contract=contract,
        kind=kind,
        defaults={"cmo_id": contract.cmo_id, "branch_id": contract.branch_id, "customer_nik": contract.customer_nik, "offered_on": as_of},
    )
    if created:
        audit_record(
            actor=actor,
            action="performance.repeat_offer",
            obj=offer,
            branch=contract.branch,
            after={"contract": contract.number, "kind": kind},
        )
    return offer
