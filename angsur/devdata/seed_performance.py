"""The demo's performance set-up: dealer tiers, the incentive scheme, CMO targets and a first incentive month.

`angsur demo` calls ``seed_performance`` before the nights are closed, so every month-end close gives the
dealers their tier (the after-close hook, with its audit row per change), and ``seed_incentive_month`` after
them, so the last closed month's statements read that month's end-of-day. Head office's configuration
(tier rules, the scheme and its tiers) has no service, only `/config/`: its rows are made directly, with
the audit row `/config/` writes. Targets and the incentive run go through the real services, as the branch
manager. Idempotent: what exists is kept (a scheme or tier rules set in `/config/` included), a month
already run is not run again.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from angsur.audit.services import audit_record, snapshot
from angsur.org.models import Branch, User
from angsur.org.roles import Role
from angsur.performance.models import CmoTarget, DealerTierRule, IncentiveRun, IncentiveScheme, IncentiveTier
from angsur.performance.selectors import add_months, month_end, month_start
from angsur.performance.services import cmo_target_set, dealer_tiers_refresh, incentive_run
from angsur.servicing.models import Contract
from angsur.workflow.engine import batch

# (code, name, priority, min bookings, approval rate ≥ %, FPD ≤ %, 30+ DPD at MOB 3 ≤ %, decision hours, fast track),
# over a dealer's last twelve closed months. With the demo's book two dealers (one in Makassar, one in
# Jayapura) earn Gold and the analysts' queue takes their orders first.
DEALER_TIERS = [
    ("GOLD", "Gold", 1, 12, Decimal("75"), Decimal("5"), Decimal("5"), 4, True),
    ("SILVER", "Silver", 2, 8, Decimal("70"), Decimal("10"), Decimal("10"), 8, False),
    ("REGULER", "Reguler", 3, 1, None, None, None, 24, False),
]

# Per unit booked, as motorcycle and car multifinance companies pay their CMOs: Rp150.000 a unit, half of it
# below 80 % of the unit target, 1,3× from 110 %; the quality factor falls 2 points per FPD point and 1 per
# premature 30+ DPD point, never below 0,5; an early default (FPD, or 30+ DPD by MOB 6) takes the unit back.
SCHEME = {
    "base_kind": "per_unit",
    "base_per_unit_sen": 150_000_00,
    "fpd_weight": Decimal("2"),
    "dpd30_weight": Decimal("1"),
    "quality_floor": Decimal("0.5"),
    "clawback_pct": Decimal("100"),
    "clawback_max_mob": 6,
}
SCHEME_TIERS = [(Decimal("0"), Decimal("0.5")), (Decimal("80"), Decimal("1")), (Decimal("110"), Decimal("1.3"))]
SCHEME_YEARS_BACK = 2  # in force from 1 January two years before the demo date: before its oldest booking

TARGET_MONTHS_BACK = 3  # the last three closed months …
TARGET_MONTHS_AHEAD = 1  # … the demo date's month and the next
# As a branch manager sets them: each CMO's run rate over the three closed months before, times a stretch
# that differs per CMO and month, so some CMOs miss their target, some reach it and some pass it.
TARGET_RUN_RATE_MONTHS = 3
TARGET_STRETCH = [Decimal("0.8"), Decimal("1"), Decimal("1.2"), Decimal("1.5")]
TARGET_MIN_AMOUNT = Decimal("25000000")  # about one motorcycle: a CMO without a record is still set a target
TARGET_AMOUNT_STEP = Decimal("5000000")
TARGET_SEED = "angsur-demo-targets"


@batch()
def seed_performance(as_of: dt.date) -> None:
    """Dealer tier rules, the incentive scheme and every CMO's targets around `as_of` (before the nights)."""
    admin = _head_office_admin()
    _seed_dealer_tiers(admin)
    _seed_scheme(admin, as_of)
    _seed_targets(as_of)


@batch()
def seed_incentive_month(as_of: dt.date) -> list[IncentiveRun]:
    """Bring the dealers' tiers to the last closed month-end and run that month's incentives in every branch
    that has not run it (after the nights); return the runs made now."""
    month = add_months(month_start(as_of), -1)
    dealer_tiers_refresh(month=month_end(month))  # changes nothing when the nights' month-end close did it
    runs = []
    for branch in Branch.objects.filter(is_head_office=False, is_active=True).order_by("code"):
        if IncentiveRun.objects.filter(branch=branch, month=month).exists():
            continue
        runs.append(incentive_run(actor=_branch_manager(branch), branch=branch, month=month))
    return runs


def _head_office_admin() -> User:
    from angsur.devdata.factories import make_user

    admin = User.objects.filter(role=Role.HO_ADMIN, is_active=True).order_by("id").first()
    return admin or make_user(Role.HO_ADMIN, None, username="admin.ho", first_name="Administrator", last_name="Kantor Pusat")


def _branch_manager(branch: Branch) -> User:
    manager = User.objects.filter(branch=branch, role=Role.BRANCH_MANAGER, is_active=True).order_by("id").first()
    return manager or _head_office_admin()


def _config_created(admin: User, obj: DealerTierRule | IncentiveScheme | IncentiveTier) -> None:
    """The audit row `/config/` writes for a row it creates."""
    audit_record(actor=admin, action=f"config.{obj._meta.model_name}_create", obj=obj, after=snapshot(obj))


def _seed_dealer_tiers(admin: User) -> None:
    if DealerTierRule.objects.exists():
        return
    for code, name, priority, bookings, approval, fpd, mob3, hours, fast_track in DEALER_TIERS:
        rule = DealerTierRule.objects.create(
            code=code,
            name=name,
            priority=priority,
            min_bookings=bookings,
            min_approval_rate_pct=approval,
            max_fpd_rate_pct=fpd,
            max_dpd30_mob3_pct=mob3,
            decision_target_hours=hours,
            fast_track=fast_track,
        )
        _config_created(admin, rule)


def _seed_scheme(admin: User, as_of: dt.date) -> None:
    if IncentiveScheme.objects.exists():
        return
    scheme = IncentiveScheme.objects.create(effective_from=dt.date(as_of.year - SCHEME_YEARS_BACK, 1, 1), created_by=admin, **SCHEME)
    _config_created(admin, scheme)
    for threshold, multiplier in SCHEME_TIERS:
        _config_created(admin, IncentiveTier.objects.create(scheme=scheme, min_achievement_pct=threshold, multiplier=multiplier))


def _seed_targets(as_of: dt.date) -> None:
    first = month_start(as_of)
    months = [add_months(first, n) for n in range(-TARGET_MONTHS_BACK, TARGET_MONTHS_AHEAD + 1)]
    cmos = list(
        User.objects.filter(role=Role.CMO, is_active=True, branch__is_head_office=False, branch__is_active=True)
        .select_related("branch")
        .order_by("branch__code", "username")
    )
    existing = set(CmoTarget.objects.filter(month__in=months, cmo__in=cmos).values_list("cmo_id", "month"))
    booked = _booked_by_cmo_month(cmos, start=add_months(months[0], -TARGET_RUN_RATE_MONTHS), end=first)
    managers: dict[int, User] = {}
    for cmo in cmos:
        for month in months:
            if (cmo.pk, month) in existing:
                continue  # a target the branch manager set (or an earlier seed) is kept
            # The run rate of the closed months before the target's month (for a month not yet closed: before this one).
            basis = [add_months(min(month, first), -n) for n in range(1, TARGET_RUN_RATE_MONTHS + 1)]
            units = Decimal(sum(booked.get((cmo.pk, m), (0, 0))[0] for m in basis)) / TARGET_RUN_RATE_MONTHS
            amount = Decimal(sum(booked.get((cmo.pk, m), (0, 0))[1] for m in basis)) / 100 / TARGET_RUN_RATE_MONTHS
            stretch = random.Random(f"{TARGET_SEED}:{cmo.username}:{month:%Y-%m}").choice(TARGET_STRETCH)
            bookings = max(1, int((units * stretch).to_integral_value()))
            amount = max(TARGET_MIN_AMOUNT, (amount * stretch / TARGET_AMOUNT_STEP).to_integral_value() * TARGET_AMOUNT_STEP)
            orders = bookings + max(1, int((Decimal(bookings) * Decimal("0.35")).to_integral_value()))  # about 3 in 4 orders book
            if cmo.branch_id not in managers:
                managers[cmo.branch_id] = _branch_manager(cmo.branch)
            cmo_target_set(actor=managers[cmo.branch_id], cmo=cmo, month=month, orders=orders, bookings=bookings, amount=amount)


def _booked_by_cmo_month(cmos: list[User], *, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], tuple[int, int]]:
    """(CMO, month) → (contracts signed, financed principal in sen), for months from `start` to before `end`."""
    rows = (
        Contract.objects.filter(cmo__in=cmos, signing_date__gte=start, signing_date__lt=end)
        .annotate(month=TruncMonth("signing_date"))
        .values("cmo_id", "month")
        .annotate(units=Count("id"), principal_sen=Sum("financed_principal_sen"))
    )
    return {(row["cmo_id"], month_start(row["month"])): (row["units"], row["principal_sen"]) for row in rows}
