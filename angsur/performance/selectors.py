"""Every performance figure, computed once, here: dealer scorecards, CMO figures and leaderboards, vintage
curves, roll rates, NPF, the funnel, incentive statements and the repeat-order list.

Origination figures (orders, approvals, turnaround, rejection reasons) come from the applications and the
decision-reason rows; bookings from the contracts; how the book pays from ``PortfolioCell`` and
``RollCell``, the monthly aggregate of the end-of-day snapshot (``servicing.ContractDay``). The
definitions, in one place:

- **orders**: applications submitted in the period; **decided**: those approved (with or without
  conditions) or rejected now; **approval rate** = approved / decided; **turnaround** = the mean hours
  from submission to decision of the decided ones.
- **bookings**: contracts signed in the period (units, financed principal).
- **30+ DPD**: 30 or more days past due (``DPD30``). **At MOB k**, for contracts booked in the period:
  the share 30+ DPD in the month they are k months on book, among those that reached it.
- **FPD rate**: the share flagged first-payment default at MOB ``FPD_MOB`` (3: two months after the
  first due date), among the period's bookings that reached it.
- **premature** portfolio: MOB ≤ 12; its 30+ DPD ratio and FPD rate (of contracts at MOB ≥ 3) at a month.
- **vintage** cell (cohort M, MOB k): 30+ DPD contracts / contracts of the cohort at MOB k.
- **roll rate** from bucket i: the share of last month-end's bucket-i contracts in each bucket now.
- **NPF**: outstanding principal in Kol 3–5 / outstanding principal.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from angsur.collection.selectors import CmoCollectionResults, cmo_collection_results
from angsur.dealers.models import Dealer
from angsur.dealers.selectors import dealer_of
from angsur.errors import DomainError, NotFound, PermissionDenied
from angsur.finance.money import from_minor
from angsur.org.models import Branch, User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, user_can
from angsur.origination.models import Application, DecisionReason
from angsur.origination.workflow import Status
from angsur.performance.models import (
    CmoTarget,
    DealerTierRule,
    IncentiveLine,
    IncentiveRun,
    IncentiveScheme,
    IncentiveStatement,
    OriginationCell,
    PortfolioCell,
    RepeatOffer,
    RepeatOrderRule,
    RollCell,
    StatementStatus,
)
from angsur.products.models import Product
from angsur.servicing.models import Contract, ContractDay, Installment
from angsur.servicing.workflow import ContractStatus

DPD30 = 30
FPD_MOB = 3
PREMATURE_MAX_MOB = 12
SCORECARD_MOBS = (3, 6, 12)
NPF_KOLS = (3, 4, 5)
APPROVED_STATES = (Status.APPROVED, Status.APPROVED_WITH_CONDITIONS)
DECIDED = (*APPROVED_STATES, Status.REJECTED)

# --- periods -----------------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month_start(month), 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Whole months, from the first month's first day to the last month's last day."""

    first: dt.date
    last: dt.date

    @classmethod
    def months_to(cls, last_month: dt.date, months: int) -> "Period":
        last = month_start(last_month)
        return cls(add_months(last, -(months - 1)), last)

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", month_start(self.first))
        object.__setattr__(self, "last", month_start(self.last))
        if self.last < self.first:
            raise DomainError("invalid_period", _("The period ends before it starts."))
        if len(self.months) > 120:
            raise DomainError("invalid_period", _("A period is at most 120 months."))

    @property
    def months(self) -> list[dt.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def end_date(self) -> dt.date:
        return month_end(self.last)

    def datetimes(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [start, end) instants in the company's default time zone."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(add_months(self.last, 1), dt.time.min, tzinfo=zone)
        return start, end


def pct(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator in percent to two decimals; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- who sees what ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Filters on branch, dealer, CMO and product, already checked against the viewer."""

    branch_id: int | None = None
    dealer_id: int | None = None
    cmo_id: int | None = None
    product_id: int | None = None

    def q(self, prefix: str = "") -> dict[str, int]:
        pairs = {"branch_id": self.branch_id, "dealer_id": self.dealer_id, "cmo_id": self.cmo_id, "product_id": self.product_id}
        return {prefix + key: value for key, value in pairs.items() if value is not None}

    def query_string(self) -> str:
        names = {"branch_id": "branch", "dealer_id": "dealer", "cmo_id": "cmo", "product_id": "product"}
        return urlencode({names[k]: v for k, v in self.q().items()})


def _not_found() -> NotFound:
    return NotFound("not_found", _("The record was not found or is outside your branch."))


def may_open_performance(user: Any) -> bool:
    """Who the performance screens open for: staff with PERFORMANCE_VIEW, a CMO (their own page), a dealer user (their dealer's)."""
    return getattr(user, "role", None) in (Role.CMO, Role.DEALER) or user_can(user, Capability.PERFORMANCE_VIEW)


def may_see_statements(user: Any) -> bool:
    """Who may read incentive statements: a CMO their own, approvers and performance viewers their branch's."""
    return (
        getattr(user, "role", None) == Role.CMO
        or user_can(user, Capability.INCENTIVE_APPROVE)
        or user_can(user, Capability.PERFORMANCE_VIEW)
    )


def may_see_repeat_orders(user: Any) -> bool:
    """Who works the repeat-order list: a CMO their own customers, supervisors their branch's (never a dealer)."""
    role = getattr(user, "role", None)
    return role == Role.CMO or (role != Role.DEALER and user_can(user, Capability.PERFORMANCE_VIEW))


def scope_for(viewer: Any, *, branch: Any = None, dealer: Any = None, cmo: Any = None, product: Any = None) -> Scope:
    """The filters a viewer asked for, narrowed to what they may see.

    Head office sees every branch; branch staff with PERFORMANCE_VIEW their branch; a CMO only their own
    figures; a dealer user only its own dealer's (the dealer's scorecard, never a consumer's data).
    Something outside the viewer's reach answers 404.
    """
    ids = {}
    for name, value in (("branch", branch), ("dealer", dealer), ("cmo", cmo), ("product", product)):
        if value in (None, ""):
            continue
        try:
            ids[name] = int(value)
        except (TypeError, ValueError):
            raise DomainError("invalid_input", _("%(name)s: not a valid choice.") % {"name": name}, field=name) from None
    role = getattr(viewer, "role", None)
    if role == Role.DEALER:
        own = dealer_of(viewer)
        if own is None or ids.get("dealer", own.pk) != own.pk:
            raise _not_found()
        return Scope(dealer_id=own.pk, product_id=ids.get("product"))
    if role == Role.CMO or not user_can(viewer, Capability.PERFORMANCE_VIEW):
        if role != Role.CMO:
            require(viewer, Capability.PERFORMANCE_VIEW)
        if ids.get("cmo", viewer.pk) != viewer.pk:
            raise _not_found()
        return Scope(branch_id=viewer.branch_id, dealer_id=ids.get("dealer"), cmo_id=viewer.pk, product_id=ids.get("product"))
    branch_id = ids.get("branch")
    if not viewer.is_head_office:
        if branch_id not in (None, viewer.branch_id):
            raise _not_found()
        branch_id = viewer.branch_id
    if "dealer" in ids:
        dealer_obj = Dealer.objects.filter(pk=ids["dealer"]).only("branch_id").first()
        if dealer_obj is None or (branch_id is not None and dealer_obj.branch_id != branch_id):
            raise _not_found()
    if "cmo" in ids:
        cmo_obj = User.objects.filter(pk=ids["cmo"]).only("branch_id").first()
        if cmo_obj is None or (branch_id is not None and cmo_obj.branch_id != branch_id):
            raise _not_found()
    if "product" in ids and not Product.objects.filter(pk=ids["product"]).exists():
        raise _not_found()
    return Scope(branch_id=branch_id, dealer_id=ids.get("dealer"), cmo_id=ids.get("cmo"), product_id=ids.get("product"))


def filter_choices(viewer: Any, scope: Scope) -> dict[str, list[tuple[int, str]]]:
    """What the dashboard's filters offer the viewer: branches, dealers, CMOs, products within reach."""
    require(viewer, Capability.PERFORMANCE_VIEW)
    branches = Branch.objects.filter(is_head_office=False).order_by("code")
    dealers = Dealer.objects.order_by("name")
    cmos = User.objects.filter(role=Role.CMO, is_active=True).order_by("username")
    if scope.branch_id is not None:
        branches = branches.filter(pk=scope.branch_id)
        dealers = dealers.filter(branch_id=scope.branch_id)
        cmos = cmos.filter(branch_id=scope.branch_id)
    return {
        "branches": [(b.pk, f"{b.code} {b.name}") for b in branches],
        "dealers": [(d.pk, d.name) for d in dealers],
        "cmos": [(u.pk, u.get_full_name() or u.username) for u in cmos],
        "products": [(p.pk, p.name) for p in Product.objects.order_by("code")],
    }


# --- origination and bookings ------------------------------------------------------------------------------


@dataclass
class OriginationFigures:
    orders: int = 0
    decided: int = 0
    approved: int = 0
    turnaround_hours: Decimal | None = None
    bookings: int = 0
    booked_sen: int = 0

    @property
    def approval_rate(self) -> Decimal | None:
        return pct(self.approved, self.decided)

    @property
    def booked(self) -> Decimal:
        return from_minor(self.booked_sen)


def _contracts(scope: Scope, period: Period) -> QuerySet[Contract]:
    return Contract.objects.filter(signing_date__gte=period.first, signing_date__lte=period.end_date, **scope.q())


def _origination_cells(scope: Scope, period: Period) -> QuerySet[OriginationCell]:
    """The orders' monthly cells of the scope in the period (refreshed after each close: as of the last close)."""
    return OriginationCell.objects.filter(month__gte=period.first, month__lte=period.last, **scope.q())


def _cell_hours(microseconds: int | None, timed: int | None) -> Decimal | None:
    if not timed:
        return None
    return (Decimal(microseconds or 0) / timed / 3_600_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def orders_as_of() -> dt.date | None:
    """The close after which the orders' cells were last rebuilt (what the pages say their orders are as of)."""
    return OriginationCell.objects.aggregate(day=Max("refreshed_on"))["day"]


def origination_by(
    scope: Scope, period: Period, *, group: str | None = None, with_turnaround: bool = True
) -> dict[Any, OriginationFigures]:
    """Orders, decisions, turnaround and bookings of the scope in the period, per `group` (a field) or in total.

    Orders and their outcome are read from the monthly origination cells (as of the last close: a page never
    counts the whole book of applications); bookings from the contracts signed in the period.
    ``with_turnaround`` is kept for callers that do not show the turnaround (it costs nothing now).
    """
    figures: dict[Any, OriginationFigures] = defaultdict(OriginationFigures)
    key = group or "scope"
    sums = {
        "n": Sum("orders"),
        "decided": Sum("decided"),
        "approved": Sum("approved"),
        "timed": Sum("timed"),
        "micro": Sum("decision_microseconds"),
    }
    cells = _origination_cells(scope, period)
    rows = cells.values(group).annotate(**sums) if group else [cells.aggregate(**sums)]
    for row in rows:
        if not row["n"]:
            continue
        f = figures[row[group] if group else key]
        f.orders, f.decided, f.approved = row["n"] or 0, row["decided"] or 0, row["approved"] or 0
        if with_turnaround:
            f.turnaround_hours = _cell_hours(row["micro"], row["timed"])
    booked = {"n": Count("id"), "amount": Sum("financed_principal_sen")}
    contracts = _contracts(scope, period)
    contract_rows = contracts.values(group).annotate(**booked) if group else [contracts.aggregate(**booked)]
    for row in contract_rows:
        if not row["n"] and not group:
            continue
        f = figures[row[group] if group else key]
        f.bookings, f.booked_sen = row["n"], row["amount"] or 0
    return dict(figures)


def rejection_reasons(scope: Scope, period: Period) -> list[tuple[str, int]]:
    """The reasons of the rejections decided in the period, counted from the reason rows, most frequent first."""
    start, end = period.datetimes()
    rows = (
        DecisionReason.objects.filter(outcome="reject", decided_at__gte=start, decided_at__lt=end, **scope.q(""))
        .values("code")
        .annotate(n=Count("id"))
        .order_by("-n", "code")
    )
    return [(row["code"], row["n"]) for row in rows]


def reason_lines(reasons: list[tuple[str, int]], *, for_dealer: bool) -> list[tuple[str, int]]:
    """Reason counts with their names; a dealer reads the privacy-safe wording (sensitive reasons as one
    neutral line), exactly as on its rejected orders."""
    from angsur.origination.reasons import ReasonCode, dealer_explanation

    lines: dict[str, int] = {}
    for code, n in reasons:
        if for_dealer:
            label = dealer_explanation(code)["reason"]
        else:
            try:
                label = str(ReasonCode(code).label)
            except ValueError:
                label = code
        lines[label] = lines.get(label, 0) + n
    return sorted(lines.items(), key=lambda item: (-item[1], item[0]))


# --- how the book pays -------------------------------------------------------------------------------------


@dataclass
class QualityFigures:
    fpd_rate: Decimal | None = None
    fpd_base: int = 0
    dpd30_at_mob: dict[int, Decimal | None] = field(default_factory=dict)
    base_at_mob: dict[int, int] = field(default_factory=dict)


def cohort_quality(scope: Scope, period: Period) -> QualityFigures:
    """FPD rate and 30+ DPD at MOB 3, 6 and 12 of the contracts booked in the period."""
    return cohort_quality_by(scope, period).get("scope", QualityFigures())


def cohort_quality_by(scope: Scope, period: Period, *, group: str | None = None) -> dict[Any, QualityFigures]:
    """`cohort_quality` per `group` (a field, e.g. dealer_id) in one query, or in total under the key "scope"."""
    mobs = sorted({FPD_MOB, *SCORECARD_MOBS})
    rows = (
        PortfolioCell.objects.filter(booked_month__gte=period.first, booked_month__lte=period.last, mob__in=mobs, **scope.q())
        .values(*([group] if group else []), "mob")
        .annotate(n=Sum("contracts"), dpd30=Sum("dpd30"), fpd=Sum("fpd"))
        .order_by()
    )
    by_group: dict[Any, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        by_group[row[group] if group else "scope"][row["mob"]] = row
    if not group:
        by_group.setdefault("scope", {})
    return {key: _quality_figures(by_mob) for key, by_mob in by_group.items()}


def _quality_figures(by_mob: dict[int, dict]) -> QualityFigures:
    figures = QualityFigures()
    fpd_row = by_mob.get(FPD_MOB)
    if fpd_row:
        figures.fpd_rate, figures.fpd_base = pct(fpd_row["fpd"], fpd_row["n"]), fpd_row["n"]
    for mob in SCORECARD_MOBS:
        row = by_mob.get(mob)
        figures.dpd30_at_mob[mob] = pct(row["dpd30"], row["n"]) if row else None
        figures.base_at_mob[mob] = row["n"] if row else 0
    return figures


# --- the dealer scorecard ----------------------------------------------------------------------------------


@dataclass
class Scorecard:
    dealer: Dealer
    period: Period
    figures: OriginationFigures
    quality: QualityFigures
    reasons: list[tuple[str, int]]
    branch: OriginationFigures
    branch_quality: QualityFigures
    branch_dealers: int
    tier: DealerTierRule | None

    @property
    def branch_orders_per_dealer(self) -> Decimal | None:
        return (Decimal(self.branch.orders) / self.branch_dealers).quantize(Decimal("0.1")) if self.branch_dealers else None

    @property
    def branch_bookings_per_dealer(self) -> Decimal | None:
        return (Decimal(self.branch.bookings) / self.branch_dealers).quantize(Decimal("0.1")) if self.branch_dealers else None


def tier_rules() -> list[DealerTierRule]:
    """The active tier rules in the order they are checked."""
    return list(DealerTierRule.objects.filter(is_active=True).order_by("priority"))


def dealer_tier(
    figures: OriginationFigures, quality: QualityFigures, *, rules: list[DealerTierRule] | None = None
) -> DealerTierRule | None:
    """The first active tier rule (by priority) the dealer's figures meet; an unknown rate fails a limit on it."""
    for rule in tier_rules() if rules is None else rules:
        if figures.bookings < rule.min_bookings:
            continue
        rate = figures.approval_rate
        if rule.min_approval_rate_pct is not None and (rate is None or rate < rule.min_approval_rate_pct):
            continue
        if rule.max_fpd_rate_pct is not None and quality.fpd_rate is not None and quality.fpd_rate > rule.max_fpd_rate_pct:
            continue
        mob3 = quality.dpd30_at_mob.get(3)
        if rule.max_dpd30_mob3_pct is not None and mob3 is not None and mob3 > rule.max_dpd30_mob3_pct:
            continue
        return rule
    return None


TIER_MONTHS = 12  # a dealer's service tier is earned over its last twelve closed months


def tier_service_priority(rule: DealerTierRule | None) -> int:
    """What a tier grants the analyst's queue: a fast-track tier is decided first (1), any other as usual (0)."""
    return 1 if rule is not None and rule.fast_track else 0


def dealer_tiers(period: Period) -> dict[int, DealerTierRule | None]:
    """Every dealer's tier over the period, as its scorecard would show it, in a few queries for all dealers."""
    rules = tier_rules()
    every = Scope()
    figures = origination_by(every, period, group="dealer_id", with_turnaround=False)
    quality = cohort_quality_by(every, period, group="dealer_id")
    return {
        dealer_id: dealer_tier(figures.get(dealer_id, OriginationFigures()), quality.get(dealer_id, QualityFigures()), rules=rules)
        for dealer_id in Dealer.objects.values_list("pk", flat=True)
    }


def dealer_scorecard(*, viewer: Any, dealer_id: Any, period: Period) -> Scorecard:
    """One dealer's scorecard for the period against its branch; a dealer user may read only its own."""
    scope = scope_for(viewer, dealer=dealer_id)
    if viewer.role == Role.CMO:
        raise _not_found()
    dealer = Dealer.objects.select_related("branch").filter(pk=scope.dealer_id).first()
    if dealer is None:
        raise _not_found()
    own = Scope(dealer_id=dealer.pk)
    figures = origination_by(own, period).get("scope", OriginationFigures())
    quality = cohort_quality(own, period)
    branch_scope = Scope(branch_id=dealer.branch_id)
    return Scorecard(
        dealer=dealer,
        period=period,
        figures=figures,
        quality=quality,
        reasons=rejection_reasons(own, period),
        branch=origination_by(branch_scope, period).get("scope", OriginationFigures()),
        branch_quality=cohort_quality(branch_scope, period),
        branch_dealers=Dealer.objects.filter(branch_id=dealer.branch_id, is_active=True).count(),
        tier=dealer_tier(figures, quality),
    )


def dealer_ranking(*, viewer: Any, period: Period, branch: Any = None) -> list[dict[str, Any]]:
    """Every dealer in the viewer's reach with its orders, approval rate, bookings and FPD, most bookings first."""
    scope = scope_for(viewer, branch=branch)
    if viewer.role in (Role.CMO, Role.DEALER):
        raise _not_found()
    by_dealer = origination_by(Scope(branch_id=scope.branch_id), period, group="dealer_id")
    fpd = {
        row["dealer_id"]: pct(row["fpd"], row["n"])
        for row in PortfolioCell.objects.filter(
            booked_month__gte=period.first, booked_month__lte=period.last, mob=FPD_MOB, **Scope(branch_id=scope.branch_id).q()
        )
        .values("dealer_id")
        .annotate(n=Sum("contracts"), fpd=Sum("fpd"))
    }
    dealers = Dealer.objects.select_related("branch").order_by("name")
    if scope.branch_id is not None:
        dealers = dealers.filter(branch_id=scope.branch_id)
    rows = []
    for dealer in dealers:
        f = by_dealer.get(dealer.pk, OriginationFigures())
        rows.append({"dealer": dealer, "figures": f, "fpd_rate": fpd.get(dealer.pk)})
    rows.sort(key=lambda r: (-r["figures"].bookings, -r["figures"].orders, r["dealer"].name))
    return rows


# --- CMO performance ---------------------------------------------------------------------------------------


@dataclass
class CmoFigures:
    cmo: User
    month: dt.date
    target: CmoTarget | None
    figures: OriginationFigures
    premature_contracts: int = 0
    premature_dpd30: int = 0
    premature_fpd_base: int = 0
    premature_fpd: int = 0
    collection: CmoCollectionResults | None = None  # the month's collection work, where asked for

    @property
    def dpd30_rate(self) -> Decimal | None:
        return pct(self.premature_dpd30, self.premature_contracts)

    @property
    def fpd_rate(self) -> Decimal | None:
        return pct(self.premature_fpd, self.premature_fpd_base)

    def achievement(self, measure: str) -> Decimal | None:
        """Actual / target in percent for orders, bookings or amount; None without a target."""
        if self.target is None:
            return None
        actual, target = {
            "orders": (self.figures.orders, self.target.orders),
            "bookings": (self.figures.bookings, self.target.bookings),
            "amount": (self.figures.booked_sen, self.target.amount_sen),
        }[measure]
        return pct(actual, target)


def premature_quality(scope: Scope, month: dt.date, *, group: str = "cmo_id") -> dict[Any, dict[str, int]]:
    """Per group at the month's snapshot: premature contracts, those 30+ DPD, those past MOB 3 and their FPDs."""
    rows = (
        PortfolioCell.objects.filter(month=month_start(month), mob__lte=PREMATURE_MAX_MOB, **scope.q())
        .values(group)
        .annotate(
            n=Sum("contracts"),
            dpd30=Sum("dpd30"),
            fpd_base=Sum("contracts", filter=Q(mob__gte=FPD_MOB)),
            fpd=Sum("fpd", filter=Q(mob__gte=FPD_MOB)),
        )
    )
    return {row[group]: {k: row[k] or 0 for k in ("n", "dpd30", "fpd_base", "fpd")} for row in rows}


def cmo_figures(*, scope: Scope, month: dt.date, with_collection: bool = False) -> list[CmoFigures]:
    """The month's figures of every CMO in the scope (a CMO scope: that one); with their collection results
    (from collection, a fixed number of queries for all of them) when asked."""
    month = month_start(month)
    cmos = User.objects.filter(role=Role.CMO).order_by("username")
    if scope.cmo_id is not None:
        cmos = User.objects.filter(pk=scope.cmo_id)
    elif scope.branch_id is not None:
        cmos = cmos.filter(branch_id=scope.branch_id, is_active=True)
    cmos = list(cmos)
    ids = [c.pk for c in cmos]
    period = Period(month, month)
    base = Scope(branch_id=scope.branch_id, cmo_id=scope.cmo_id)
    origination = origination_by(base, period, group="cmo_id")
    targets = {t.cmo_id: t for t in CmoTarget.objects.filter(month=month, cmo_id__in=ids)}
    quality = premature_quality(base, month)
    collection = cmo_collection_results(cmo_ids=ids, start=period.datetimes()[0], end=period.datetimes()[1]) if with_collection else {}
    rows = []
    for cmo in cmos:
        q = quality.get(cmo.pk, {})
        rows.append(
            CmoFigures(
                cmo=cmo,
                month=month,
                target=targets.get(cmo.pk),
                figures=origination.get(cmo.pk, OriginationFigures()),
                premature_contracts=q.get("n", 0),
                premature_dpd30=q.get("dpd30", 0),
                premature_fpd_base=q.get("fpd_base", 0),
                premature_fpd=q.get("fpd", 0),
                collection=collection.get(cmo.pk),
            )
        )
    return rows


def cmo_leaderboard(*, viewer: Any, month: dt.date, branch: Any = None) -> list[CmoFigures]:
    """The branch's CMOs for the month, best amount achievement first (then units, then fewer 30+ DPD)."""
    scope = scope_for(viewer, branch=branch)
    if viewer.role in (Role.CMO, Role.DEALER):
        raise _not_found()
    rows = cmo_figures(scope=Scope(branch_id=scope.branch_id), month=month, with_collection=True)

    def rank(row: CmoFigures) -> tuple:
        amount = row.achievement("amount")
        return (-(amount if amount is not None else Decimal(-1)), -row.figures.bookings, row.dpd30_rate or Decimal(0), row.cmo.username)

    return sorted(rows, key=rank)


def cmo_performance(*, viewer: Any, cmo_id: Any, month: dt.date) -> CmoFigures:
    """One CMO's month: a CMO their own, supervisors and managers their branch's."""
    scope = scope_for(viewer, cmo=cmo_id)
    if viewer.role == Role.DEALER:
        raise _not_found()
    cmo = User.objects.filter(pk=scope.cmo_id, role=Role.CMO).first()
    if cmo is None:
        raise _not_found()
    return cmo_figures(scope=Scope(cmo_id=cmo.pk), month=month, with_collection=True)[0]


def cmo_trend(*, cmo_id: int, last_month: dt.date, months: int = 6) -> list[CmoFigures]:
    """The CMO's last months (for the CMO page's chart); the caller has checked the scope."""
    return [cmo_figures(scope=Scope(cmo_id=cmo_id), month=m)[0] for m in Period.months_to(last_month, months).months]


# --- portfolio dashboards ----------------------------------------------------------------------------------


def _cells(scope: Scope) -> QuerySet[PortfolioCell]:
    return PortfolioCell.objects.filter(**scope.q())


def latest_month(scope: Scope, *, on_or_before: dt.date | None = None) -> dt.date | None:
    """The newest month with portfolio cells (on or before a date)."""
    qs = _cells(scope)
    if on_or_before is not None:
        qs = qs.filter(month__lte=month_start(on_or_before))
    return qs.aggregate(m=Max("month"))["m"]


def portfolio_by(scope: Scope, month: dt.date, dimension: str) -> list[dict[str, Any]]:
    """The month's portfolio by bucket or collectibility: contracts and outstanding principal."""
    rows = (
        _cells(scope)
        .filter(month=month_start(month))
        .values(dimension)
        .annotate(n=Sum("contracts"), principal=Sum("outstanding_principal_sen"))
        .order_by(dimension)
    )
    return [{"key": r[dimension], "contracts": r["n"], "principal_sen": r["principal"] or 0} for r in rows]


def npf_trend(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """NPF per month: outstanding principal in Kol 3-5 over all outstanding principal."""
    rows = (
        _cells(scope)
        .filter(month__gte=period.first, month__lte=period.last)
        .values("month")
        .annotate(total=Sum("outstanding_principal_sen"), npf=Sum("outstanding_principal_sen", filter=Q(collectibility__in=NPF_KOLS)))
    )
    by_month = {r["month"]: r for r in rows}
    out = []
    for month in period.months:
        r = by_month.get(month)
        out.append({"month": month, "npf_pct": pct(r["npf"] or 0, r["total"]) if r else None, "total_sen": (r or {}).get("total") or 0})
    return out


@dataclass
class Vintage:
    cohorts: list[dt.date]
    mobs: list[int]
    cells: dict[tuple[dt.date, int], tuple[int, int]]  # (cohort, mob) -> (30+ DPD, contracts)

    def rate(self, cohort: dt.date, mob: int) -> Decimal | None:
        dpd30, n = self.cells.get((cohort, mob), (0, 0))
        return pct(dpd30, n)


def vintage(scope: Scope, cohorts: Period, *, max_mob: int = 12) -> Vintage:
    """30+ DPD share per booking month (cohort) and months on book."""
    rows = (
        _cells(scope)
        .filter(booked_month__gte=cohorts.first, booked_month__lte=cohorts.last, mob__lte=max_mob)
        .values("booked_month", "mob")
        .annotate(n=Sum("contracts"), dpd30=Sum("dpd30"))
    )
    cells = {(r["booked_month"], r["mob"]): (r["dpd30"], r["n"]) for r in rows}
    return Vintage(cohorts=cohorts.months, mobs=list(range(0, max_mob + 1)), cells=cells)


@dataclass
class RollMatrix:
    month: dt.date
    buckets: list[str]
    counts: dict[tuple[str, str], int]

    def from_total(self, bucket: str) -> int:
        return sum(n for (src, _dst), n in self.counts.items() if src == bucket)

    def rate(self, src: str, dst: str) -> Decimal | None:
        return pct(self.counts.get((src, dst), 0), self.from_total(src))

    def roll_forward(self, src: str) -> Decimal | None:
        """The share of bucket `src` that moved to a worse bucket."""
        order = {b: i for i, b in enumerate(self.buckets)}
        worse = sum(n for (s, d), n in self.counts.items() if s == src and order.get(d, 0) > order.get(s, 0))
        return pct(worse, self.from_total(src))


def bucket_codes() -> list[str]:
    from angsur.servicing.models import DelinquencyBucket

    codes = list(DelinquencyBucket.objects.order_by("min_dpd").values_list("code", flat=True))
    return codes or ["B0", "B1", "B2", "B3", "B4", "B5", "B6"]


def roll_rates(scope: Scope, month: dt.date) -> RollMatrix:
    """Bucket to bucket from the previous month's snapshot to this month's."""
    rows = RollCell.objects.filter(month=month_start(month), **scope.q()).values("from_bucket", "to_bucket").annotate(n=Sum("contracts"))
    counts = {(r["from_bucket"], r["to_bucket"]): r["n"] for r in rows}
    buckets = bucket_codes()
    for src, dst in counts:
        for code in (src, dst):
            if code not in buckets:
                buckets.append(code)
    return RollMatrix(month=month_start(month), buckets=buckets, counts=counts)


def funnel(scope: Scope, period: Period) -> list[tuple[str, int]]:
    """Orders submitted in the period, how far they went: surveyed, decided, approved, booked (as of the last close)."""
    counts = _origination_cells(scope, period).aggregate(
        orders=Sum("orders"), surveyed=Sum("surveyed"), decided=Sum("decided"), approved=Sum("approved"), booked=Sum("booked")
    )
    return [(name, counts[name] or 0) for name in ("orders", "surveyed", "decided", "approved", "booked")]


def monthly_origination(scope: Scope, period: Period) -> list[tuple[dt.date, OriginationFigures]]:
    """Orders, approval rate and bookings per month of the period (the trend charts)."""
    from django.db.models.functions import TruncMonth

    by_month: dict[dt.date, OriginationFigures] = defaultdict(OriginationFigures)
    for row in (
        _origination_cells(scope, period).values("month").annotate(n=Sum("orders"), decided=Sum("decided"), approved=Sum("approved"))
    ):
        f = by_month[row["month"]]
        f.orders, f.decided, f.approved = row["n"] or 0, row["decided"] or 0, row["approved"] or 0
    contracts = _contracts(scope, period).annotate(m=TruncMonth("signing_date"))
    for row in contracts.values("m").annotate(n=Count("id"), amount=Sum("financed_principal_sen")):
        f = by_month[row["m"]]
        f.bookings, f.booked_sen = row["n"], row["amount"] or 0
    return [(m, by_month.get(m, OriginationFigures())) for m in period.months]


# --- reports: the branch's month, the dealer's period -----------------------------------------------------


@dataclass
class BranchReport:
    """A branch's month, every figure read through the selectors the dashboard and leaderboards use."""

    branch: Branch
    month: dt.date
    snapshot_month: dt.date | None  # the portfolio's month-end (the newest on or before the month), as on the dashboard
    origination: OriginationFigures
    portfolio_buckets: list[dict[str, Any]]
    portfolio_kols: list[dict[str, Any]]
    premature: dict[str, int]  # contracts, dpd30, fpd_base, fpd of the premature book (MOB <= 12)
    npf: dict[str, Any]  # month, npf_pct, total_sen
    top_dealers: list[dict[str, Any]]
    top_cmos: list[CmoFigures]

    @property
    def period(self) -> Period:
        return Period(self.month, self.month)

    @property
    def premature_dpd30_rate(self) -> Decimal | None:
        return pct(self.premature.get("dpd30", 0), self.premature.get("n", 0))

    @property
    def premature_fpd_rate(self) -> Decimal | None:
        return pct(self.premature.get("fpd", 0), self.premature.get("fpd_base", 0))

    @property
    def outstanding_sen(self) -> int:
        return sum(row["principal_sen"] for row in self.portfolio_buckets)


REPORT_TOP = 5


def report_branch_get(*, viewer: Any, branch_id: Any) -> Branch:
    """A branch whose report the viewer may read: as on the dashboard, PERFORMANCE_VIEW over their own branch,
    head office any; a CMO or a dealer user has no branch report (403), another branch is not found (404)."""
    require(viewer, Capability.PERFORMANCE_VIEW)
    if viewer.role in (Role.CMO, Role.DEALER):
        raise PermissionDenied("permission_denied", _("Your role is not allowed to do this."))
    scope = scope_for(viewer, branch=branch_id)
    branch = Branch.objects.filter(pk=scope.branch_id, is_head_office=False).first() if scope.branch_id is not None else None
    if branch is None:
        raise _not_found()
    return branch


def branch_report(*, viewer: Any, branch_id: Any, month: dt.date) -> BranchReport:
    """The monthly branch report: orders, approval rate, turnaround and bookings of the month; the portfolio by
    bucket and collectibility, its premature 30+ DPD and FPD, and NPF at the month's snapshot; the top dealers
    and CMOs of the month. The same selectors as the dashboard, the dealer ranking and the CMO leaderboard."""
    branch = report_branch_get(viewer=viewer, branch_id=branch_id)
    month = month_start(month)
    scope = Scope(branch_id=branch.pk)
    period = Period(month, month)
    snapshot = latest_month(scope, on_or_before=period.end_date)
    premature: dict[str, int] = {}
    npf: dict[str, Any] = {"month": snapshot, "npf_pct": None, "total_sen": 0}
    buckets: list[dict[str, Any]] = []
    kols: list[dict[str, Any]] = []
    if snapshot is not None:
        buckets = portfolio_by(scope, snapshot, "bucket")
        kols = portfolio_by(scope, snapshot, "collectibility")
        premature = premature_quality(scope, snapshot, group="branch_id").get(branch.pk, {})
        npf = npf_trend(scope, Period(snapshot, snapshot))[0]
    dealers = [
        row for row in dealer_ranking(viewer=viewer, period=period, branch=branch.pk) if row["figures"].orders or row["figures"].bookings
    ]
    return BranchReport(
        branch=branch,
        month=month,
        snapshot_month=snapshot,
        origination=origination_by(scope, period).get("scope", OriginationFigures()),
        portfolio_buckets=buckets,
        portfolio_kols=kols,
        premature=premature,
        npf=npf,
        top_dealers=dealers[:REPORT_TOP],
        top_cmos=cmo_leaderboard(viewer=viewer, month=month, branch=branch.pk)[:REPORT_TOP],
    )


@dataclass
class DealerReport:
    """The dealer scorecard for a period with its months. `own`: the dealer's own copy (the dealer portal),
    whose rejection reasons read as on its rejected orders (sensitive ones as one neutral line)."""

    card: Scorecard
    months: list[tuple[dt.date, OriginationFigures]]
    reasons: list[tuple[str, int]]
    own: bool


def dealer_report(*, viewer: Any, dealer_id: Any, period: Period) -> DealerReport:
    """The dealer report: the scorecard the viewer may read (a dealer user only its own), month by month."""
    card = dealer_scorecard(viewer=viewer, dealer_id=dealer_id, period=period)
    own = viewer.role == Role.DEALER
    return DealerReport(
        card=card,
        months=monthly_origination(Scope(dealer_id=card.dealer.pk), period),
        reasons=reason_lines(card.reasons, for_dealer=own),
        own=own,
    )


# --- order context for the supervisor ----------------------------------------------------------------------


@dataclass
class OrderContext:
    dealer: Scorecard | None
    cmo: CmoFigures | None
    cmo_quality_period: QualityFigures | None


APPEALABLE_OR_ESCALATED = (Status.ESCALATED, Status.APPEALED, Status.REJECTED)


def order_context(*, viewer: Any, application: Any, as_of: dt.date) -> OrderContext | None:
    """The dealer's and the CMO's track record beside an escalated, appealed or appealable application.

    Only for staff with PERFORMANCE_VIEW or a credit decider in the application's branch (a dealer or
    a CMO sees nothing here); None when the application is in another state.
    """
    if application.status not in APPEALABLE_OR_ESCALATED:
        return None
    if viewer.role in (Role.DEALER, Role.CMO):
        return None
    if not (user_can(viewer, Capability.PERFORMANCE_VIEW) or user_can(viewer, Capability.CREDIT_DECIDE)):
        return None
    if not viewer.is_head_office and viewer.branch_id != application.branch_id:
        return None
    period = Period.months_to(month_start(as_of), 12)
    dealer = Dealer.objects.select_related("branch").get(pk=application.dealer_id)
    own = Scope(dealer_id=dealer.pk)
    figures = origination_by(own, period).get("scope", OriginationFigures())
    quality = cohort_quality(own, period)
    branch_scope = Scope(branch_id=dealer.branch_id)
    scorecard = Scorecard(
        dealer=dealer,
        period=period,
        figures=figures,
        quality=quality,
        reasons=rejection_reasons(own, period)[:3],
        branch=origination_by(branch_scope, period).get("scope", OriginationFigures()),
        branch_quality=cohort_quality(branch_scope, period),
        branch_dealers=0,
        tier=dealer_tier(figures, quality),
    )
    month = latest_month(Scope(cmo_id=application.cmo_id), on_or_before=as_of) or month_start(as_of)
    cmo = cmo_figures(scope=Scope(cmo_id=application.cmo_id), month=month)[0]
    cmo_period = origination_by(Scope(cmo_id=application.cmo_id), period).get("scope", OriginationFigures())
    cmo.figures = cmo_period
    return OrderContext(dealer=scorecard, cmo=cmo, cmo_quality_period=cohort_quality(Scope(cmo_id=application.cmo_id), period))


# --- targets and incentives --------------------------------------------------------------------------------


def targets_for(*, viewer: Any, month: dt.date, branch: Any = None) -> list[tuple[User, CmoTarget | None]]:
    """The branch's CMOs with their target for the month (for the target screen)."""
    require(viewer, Capability.TARGET_MANAGE)
    scope = scope_for(viewer, branch=branch)
    cmos = User.objects.filter(role=Role.CMO, is_active=True).order_by("username")
    if scope.branch_id is not None:
        cmos = cmos.filter(branch_id=scope.branch_id)
    targets = {t.cmo_id: t for t in CmoTarget.objects.filter(month=month_start(month), cmo__in=cmos)}
    return [(cmo, targets.get(cmo.pk)) for cmo in cmos]


def target_cmo_get(*, viewer: Any, cmo_id: Any) -> User:
    """A CMO whose targets the viewer may set (their branch; head office any)."""
    require(viewer, Capability.TARGET_MANAGE)
    scope = scope_for(viewer, cmo=cmo_id)
    cmo = User.objects.filter(pk=scope.cmo_id, role=Role.CMO).select_related("branch").first()
    if cmo is None:
        raise _not_found()
    return cmo


def scheme_in_force(month: dt.date) -> IncentiveScheme | None:
    return (
        IncentiveScheme.objects.filter(effective_from__lte=month_start(month)).prefetch_related("tiers").order_by("-effective_from").first()
    )


def statement_scope(*, viewer: Any) -> QuerySet[IncentiveStatement]:
    """Statements the viewer may see: a CMO their own; approvers and performance viewers their branch's."""
    qs = IncentiveStatement.objects.select_related("cmo", "branch", "decided_by")
    if viewer.role == Role.CMO:
        return qs.filter(cmo=viewer)
    if not may_see_statements(viewer):
        require(viewer, Capability.INCENTIVE_APPROVE)
    if viewer.is_head_office:
        return qs
    return qs.filter(branch_id=viewer.branch_id)


def statement_rows(*, viewer: Any, month: dt.date, branch: Any = None) -> list[IncentiveStatement]:
    qs = statement_scope(viewer=viewer).filter(month=month_start(month))
    if branch not in (None, ""):
        qs = qs.filter(branch_id=scope_for(viewer, branch=branch).branch_id) if viewer.role != Role.CMO else qs
    return list(qs.order_by("branch__code", "cmo__username"))


def statement_get(*, viewer: Any, pk: Any) -> IncentiveStatement:
    statement = statement_scope(viewer=viewer).filter(pk=pk).first()
    if statement is None:
        raise _not_found()
    return statement


def statement_lines(statement: IncentiveStatement) -> list[IncentiveLine]:
    return list(statement.lines.order_by("position"))


def statements_for_export(*, viewer: Any, month: dt.date, branch: Any = None) -> list[tuple[IncentiveStatement, list[IncentiveLine]]]:
    statements = statement_rows(viewer=viewer, month=month, branch=branch)
    lines: dict[int, list[IncentiveLine]] = defaultdict(list)
    for line in IncentiveLine.objects.filter(statement__in=[s.pk for s in statements]).order_by("statement", "position"):
        lines[line.statement_id].append(line)
    return [(s, lines[s.pk]) for s in statements]


def incentive_run_get(*, branch_id: int, month: dt.date) -> IncentiveRun | None:
    return IncentiveRun.objects.filter(branch_id=branch_id, month=month_start(month)).first()


def approved_statement_exists(*, branch_id: int, month: dt.date) -> bool:
    return IncentiveStatement.objects.filter(branch_id=branch_id, month=month_start(month), status=StatementStatus.APPROVED).exists()


# --- repeat orders ------------------------------------------------------------------------------------------


def repeat_rule() -> RepeatOrderRule:
    return RepeatOrderRule.objects.order_by("pk").first() or RepeatOrderRule()


@dataclass
class RepeatCandidate:
    contract: Contract
    remaining: int
    max_dpd: int
    paid_off: bool
    offered_on: dt.date | None
    converted: bool


def repeat_candidates(*, viewer: Any, as_of: dt.date, cmo: Any = None) -> list[RepeatCandidate]:
    """Customers of the CMO with a clean record, near payoff or paid off recently (the configured rule).

    Clean: never more than ``max_dpd_ever`` days past due in any end-of-day snapshot, the pruned ones included
    (``Contract.dpd_peak_pruned``). A customer whose later order (same NIK) came in after the offer counts as converted.
    """
    scope = scope_for(viewer, cmo=cmo if cmo not in (None, "") else (viewer.pk if viewer.role == Role.CMO else None))
    if viewer.role == Role.DEALER:
        raise _not_found()
    rule = repeat_rule()
    since = add_months(month_start(as_of), -rule.paid_off_within_months)
    contracts = Contract.objects.filter(**Scope(branch_id=scope.branch_id, cmo_id=scope.cmo_id).q()).filter(
        Q(status=ContractStatus.ACTIVE) | Q(status__in=(ContractStatus.PAID_OFF, ContractStatus.SETTLED), closed_on__gte=since)
    )
    unpaid = dict(
        Installment.objects.filter(contract__in=contracts, paid_on__isnull=True)
        .values("contract_id")
        .annotate(n=Count("id"))
        .values_list("contract_id", "n")
    )
    near = [
        c
        for c in contracts.select_related("product", "dealer", "cmo").order_by("-signing_date")[:2000]
        if c.status != ContractStatus.ACTIVE or unpaid.get(c.pk, 0) <= rule.max_remaining_installments
    ]
    worst = dict(
        ContractDay.objects.filter(contract_id__in=[c.pk for c in near])
        .values("contract_id")
        .annotate(m=Max("dpd"))
        .values_list("contract_id", "m")
    )
    offers = {o.contract_id: o for o in RepeatOffer.objects.filter(contract_id__in=[c.pk for c in near], kind="vehicle")}
    converted_niks = _converted(list(offers.values()))
    out = []
    for contract in near:
        max_dpd = max(worst.get(contract.pk, 0) or 0, contract.dpd_peak_pruned)
        if max_dpd > rule.max_dpd_ever:
            continue
        offer = offers.get(contract.pk)
        out.append(
            RepeatCandidate(
                contract=contract,
                remaining=unpaid.get(contract.pk, 0) if contract.status == ContractStatus.ACTIVE else 0,
                max_dpd=max_dpd,
                paid_off=contract.status != ContractStatus.ACTIVE,
                offered_on=offer.offered_on if offer else None,
                converted=offer is not None and contract.customer_nik in converted_niks,
            )
        )
    return out


def _converted(offers: list[RepeatOffer]) -> set[str]:
    """The NIKs among the offers with an order created on or after their offer's day (one query)."""
    if not offers:
        return set()
    zone = ZoneInfo(settings.TIME_ZONE)
    latest = dict(
        Application.objects.filter(applicant_nik__in={o.customer_nik for o in offers})
        .values("applicant_nik")
        .annotate(last=Max("created_at"))
        .values_list("applicant_nik", "last")
    )
    return {
        o.customer_nik
        for o in offers
        if o.customer_nik in latest and latest[o.customer_nik] >= dt.datetime.combine(o.offered_on, dt.time.min, tzinfo=zone)
    }


def repeat_candidate_get(*, viewer: Any, contract_id: Any, as_of: dt.date) -> RepeatCandidate:
    for candidate in repeat_candidates(viewer=viewer, as_of=as_of):
        if str(candidate.contract.pk) == str(contract_id):
            return candidate
    raise _not_found()


def repeat_conversions(*, viewer: Any, as_of: dt.date) -> dict[str, int]:
    """Offers made and converted (an order of the same NIK after the offer) in the viewer's reach."""
    scope = scope_for(viewer, cmo=viewer.pk if viewer.role == Role.CMO else None)
    offers = RepeatOffer.objects.filter(**Scope(branch_id=scope.branch_id, cmo_id=scope.cmo_id).q())
    made = offers.count()
    listed = list(offers.only("customer_nik", "offered_on"))
    niks = _converted(listed)
    converted = sum(1 for offer in listed if offer.customer_nik in niks)
    return {"offers": made, "converted": converted}


def repeat_quote_params(candidate: RepeatCandidate, *, kind: str = "vehicle") -> dict[str, str]:
    """What pre-fills the quote screen for this customer's next order."""
    contract = candidate.contract
    application = contract.application
    params = {
        "product": contract.product.code,
        "prospect_name": contract.customer_name,
        "prospect_phone": application.applicant_phone,
        "vehicle_brand": application.vehicle_brand,
        "dealer": str(contract.dealer_id),
        "tenor_months": str(contract.tenor_months),
        "repeat_of": contract.number,
    }
    if kind == "multipurpose":
        params["product"] = getattr(settings, "ANGSUR_MULTIPURPOSE_PRODUCT_CODE", "MPB")
        params["vehicle_model"] = application.vehicle_model
        params["vehicle_year"] = str(application.vehicle_year)
        params["vehicle_condition"] = "used"
    return params
